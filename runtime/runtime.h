/* stap5 runtime: the one header a generated module includes.
 *
 *   #include "runtime.h"        (with -I runtime/ and -I <dir of stapconf.h>)
 *
 * The runtime is compiled into each module as part of the generated C file
 * (one translation unit); see README.md for the contract: what the generated
 * code defines, what it may call, naming, lifetimes and locking. The files of
 * the probe families a script uses (in probes/) are included by the
 * generated code itself, right after this header.
 */
#ifndef STP_RUNTIME_H
#define STP_RUNTIME_H

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/string.h>
#include <linux/ctype.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/sched/clock.h>
#include <linux/cred.h>
#include <linux/uidgid.h>
#include <linux/uaccess.h>
#include <linux/spinlock.h>
#include <linux/rwlock.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/poll.h>
#include <linux/fs.h>
#include <linux/debugfs.h>
#include <linux/relay.h>
#include <linux/irq_work.h>
#include <linux/proc_fs.h>
#include <linux/hrtimer.h>
#include <linux/timer.h>
#include <linux/jiffies.h>
#include <linux/timex.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <linux/kprobes.h>
#include <linux/perf_event.h>
#include <linux/mm.h>
#include <linux/delay.h>
#include <linux/log2.h>
#include <linux/list.h>
#include <linux/math64.h>
#include <linux/kallsyms.h>
#include <linux/hash.h>
#include <asm/irq_regs.h>

#include "stapconf.h"

/* The runtime is included whole; a script uses only part of it. */
#pragma GCC diagnostic ignored "-Wunused-function"

#include "defines.h"
#include "kcompat.h"
#include "transport/messages.h"
#include "context.h"
#include "transport/ctl.c"
#include "transport/relay.c"
#include "session.c"
#include "arith.c"
#include "print.c"
#include "format.c"
#include "memory.c"
#include "target.c"
#include "umodules.c"
#include "strings.c"
#include "contextinfo.c"
#include "stat.c"
#include "map.c"
#include "pmap.c"
#include "probe.c"
#include "probes/be.c"
#include "module.c"
#include "compat.h"
#include "codegen.h"

#endif /* STP_RUNTIME_H */
