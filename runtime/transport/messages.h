/* stap5 runtime: the control channel protocol, shared with staprun5.
 *
 * Reading /sys/kernel/debug/stap5/<module>/ctl gives a stream of messages,
 * each a struct stp_msg_header followed by `len` bytes of payload.
 * Writing one of the command words below to the same file drives the session.
 * stap5/run/wire.py mirrors these numbers.
 */
#ifndef STP_TRANSPORT_MESSAGES_H
#define STP_TRANSPORT_MESSAGES_H

#include <linux/types.h>

enum stp_msg_type {
	/* Text for staprun5's stderr: "ERROR: ...\n", "WARNING: ...\n". */
	STP_MSG_STDERR = 1,
	/* The script asked to end (exit(), too many errors, ...): staprun5
	 * answers with the "stop" command. */
	STP_MSG_REQUEST_EXIT = 2,
	/* The session is over, end probes ran, all output is in the data
	 * channel. Payload: struct stp_msg_done. */
	STP_MSG_DONE = 3,
};

struct stp_msg_header {
	__u32 type;
	__u32 len;
};

struct stp_msg_done {
	__s32 errors;		/* runtime errors reported */
	__s32 skipped;		/* skipped probes */
	__s32 aborted;		/* 1: the session ended in error state */
	__s32 dropped;		/* messages or output records lost */
};

/* Commands, written as text ("start\n"). */
#define STP_CMD_START "start"	/* run begin probes, register the others */
#define STP_CMD_STOP "stop"	/* unregister, run end probes, send DONE */
/* Flight recorder (staprun5 -L, -A, SIGQUIT): "detach" lets the session run
 * on after staprun5 closes ctl, its data channel keeping the latest output
 * (the oldest is overwritten); "attach" (a staprun5 is back) ends that. */
#define STP_CMD_DETACH "detach"
#define STP_CMD_ATTACH "attach"

/* Data channel (trace0, trace1, ... one per CPU): a stream of records, each a
 * struct stp_record_header and `len` bytes of script output. `seq` orders the
 * records of all CPUs. */
struct stp_record_header {
	__u64 seq;
	__u32 len;
	__u32 magic;
};
#define STP_RECORD_MAGIC 0x53545035	/* "STP5" */

#endif /* STP_TRANSPORT_MESSAGES_H */
