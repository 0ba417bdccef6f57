/* stap5 runtime: what procfs probes' `$value` needs.
 *
 * Pass 2 turns `$value` into calls of small embedded-C functions (as stap
 * does) and adds `#include "procfs-probes.h"` to the module; their C calls
 * stp_procfs_value_get() and stp_procfs_value_set() of probes/procfs.c,
 * which runtime.h has already brought in.  Nothing more is needed here.
 */
#ifndef STP_PROCFS_PROBES_H
#define STP_PROCFS_PROBES_H
#endif
