/* stap5 runtime: limits and basic types.
 *
 * Every limit can be overridden with -DNAME=VALUE (stap -D); the defaults are
 * the ones SystemTap users know.
 */
#ifndef STP_DEFINES_H
#define STP_DEFINES_H

#include <linux/types.h>
#include <asm/types.h>

#ifndef MAXSTRINGLEN
#if BITS_PER_LONG == 32
#define MAXSTRINGLEN 256
#else
#define MAXSTRINGLEN 512
#endif
#endif

#ifndef MAXACTION
#define MAXACTION 1000
#endif
/* Probes run with interrupts enabled (stap's INTERRUPTIBLE mode, its default),
 * which gives them this larger budget. */
#ifndef MAXACTION_INTERRUPTIBLE
#define MAXACTION_INTERRUPTIBLE (MAXACTION * 10)
#endif
#ifndef INTERRUPTIBLE
#define INTERRUPTIBLE 1
#endif

#ifndef MAXNESTING
#define MAXNESTING 10
#endif
/* Overload detection (stap's): a CPU whose probes ran for more than
 * STP_OVERLOAD_THRESHOLD cycles in STP_OVERLOAD_INTERVAL cycles ends the
 * session. Off with -DSTP_NO_OVERLOAD (or STAP_NO_OVERLOAD). */
#ifndef STP_OVERLOAD_INTERVAL
#define STP_OVERLOAD_INTERVAL 1000000000LL
#endif
#ifndef STP_OVERLOAD_THRESHOLD
#define STP_OVERLOAD_THRESHOLD 500000000LL
#endif
/* stap --suppress-time-limits (guru mode) defines
 * STAP_SUPPRESS_TIME_LIMITS_ENABLE: no MAXACTION, no giving up on a global's
 * lock, no overload detection. */
#if !defined(STP_NO_OVERLOAD) && !defined(STAP_NO_OVERLOAD) && \
	!defined(STAP_SUPPRESS_TIME_LIMITS_ENABLE)
#define STP_OVERLOAD
#endif

#ifndef MAXTRYLOCK
#define MAXTRYLOCK 100		/* tries ... */
#endif
#ifndef TRYLOCKDELAY
#define TRYLOCKDELAY 10		/* ... microseconds apart: 1 ms in total */
#endif
#ifndef MAXMAPENTRIES
#define MAXMAPENTRIES 2048
#endif
#ifndef MAXERRORS
#define MAXERRORS 0
#endif
#ifndef MAXSKIPPED
#define MAXSKIPPED 100
#endif
#ifndef MINSTACKSPACE
#define MINSTACKSPACE 1024
#endif
#ifndef MAXBACKTRACE
#define MAXBACKTRACE 20
#endif

/* Per-CPU print buffer: output of one probe run is collected here and sent to
 * staprun5 as one record when the probe ends (or when it fills up). */
#ifndef STP_BUFFER_SIZE
#define STP_BUFFER_SIZE 8192
#endif
/* Default size of the data channel, in MB per CPU (staprun5 -b / -s). */
#ifndef STP_BUFFER_MB
#define STP_BUFFER_MB 16
#endif
/* Room for messages (errors, warnings) queued for staprun5's stderr. */
#ifndef STP_CTL_BUFFER_SIZE
#define STP_CTL_BUFFER_SIZE (256 * 1024)
#endif

/* Histograms. */
#ifndef STP_MAX_BUCKETS
#define STP_MAX_BUCKETS 128
#endif
#ifndef HIST_WIDTH
#define HIST_WIDTH 50
#endif
#ifndef HIST_ELISION
#define HIST_ELISION 2
#endif

/* Default buffer of a procfs probe file (.maxsize(N) overrides it). */
#ifndef STP_PROCFS_BUFSIZE
#define STP_PROCFS_BUFSIZE MAXSTRINGLEN
#endif

typedef char string_t[MAXSTRINGLEN];

/* Session life cycle. Probes of each kind only run in one state: begin probes
 * in STARTING, ordinary probes in RUNNING, end probes in STOPPING and error
 * probes in ERROR. */
enum stp_session_state {
	STAP_SESSION_UNINITIALIZED,
	STAP_SESSION_STARTING,
	STAP_SESSION_RUNNING,
	STAP_SESSION_ERROR,
	STAP_SESSION_STOPPING,
	STAP_SESSION_STOPPED,
};

#endif /* STP_DEFINES_H */
