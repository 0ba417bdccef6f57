/* stap5 runtime: the per-CPU probe context.
 *
 * One struct context per possible CPU, allocated when the module loads. A
 * probe handler owns its CPU's context from prologue to epilogue (preemption
 * is disabled in between); a probe that fires while the context is busy (an
 * interrupt hitting a probe during a probe, a probe inside the runtime) is
 * skipped. The context holds the error state, the action budget, the CPU's
 * print buffer and, at its end, room for the script's locals, whose layout
 * only the generated code knows (see STP_LOCALS in README.md).
 */
#ifndef STP_CONTEXT_H
#define STP_CONTEXT_H

#include <linux/atomic.h>
#include <linux/smp.h>
#include <linux/percpu.h>
#include <linux/vmalloc.h>
#include <linux/slab.h>
#include <linux/preempt.h>

struct stp_probe;
struct stp_procfs_data;
struct kretprobe_instance;
struct pt_regs;

#ifdef STP_NEED_REGEX_MATCH
/* The last `=~` of a script that asks for its groups (matched(), ngroups()). */
#include "regex.h"
#endif

struct context {
	/* Owned by a probe handler while non-zero. Only this CPU sets it, and
	 * what interrupts it (interrupts, NMIs) finishes before it resumes, so
	 * a plain flag is enough: no atomic operation on the hot path. */
	int busy;

	/* The running probe, and its probe point string (for pp(), errors). */
	const struct stp_probe *probe;
	const char *probe_point;

	/* Statements left before "MAXACTION exceeded". */
	int actionremaining;
#ifdef STP_OVERLOAD
	/* Overload detection: when the running probe started, and the cycles
	 * this CPU's probes used since cycles_base. */
	cycles_t cycles_atstart;
	cycles_t cycles_base;
	u64 cycles_sum;
#endif
	/* Depth of script function calls: frames live in the locals. */
	int nesting;
	/* Overloaded functions: set by `next` to try the next candidate. */
	int next;
	/* abort(): unwind the handler silently, no end probes. */
	int aborted;

	/* Error state: non-NULL last_error unwinds the handler. last_stmt
	 * names the token being executed ("operator '/' at x.stp:3:12"). */
	const char *last_error;
	const char *last_stmt;
	string_t error_buffer;

	/* Registers, when the probe kind has them. */
	struct pt_regs *kregs;
	struct pt_regs *uregs;
	unsigned user_mode_p:1;

	/* Probe-kind specific state. */
	union {
		struct {
			struct kretprobe_instance *pi;
		} krp;
		struct stp_procfs_data *procfs;
		struct {
			const u64 *args;	/* a tracepoint's arguments */
		} tracepoint;
	} ips;

	/* tokenize() keeps its position here between calls. */
	string_t tok_str;
	char *tok_start;
	char *tok_end;

	/* Output of the running probe, flushed as one record at its end. */
	unsigned print_len;
	char print_buf[STP_BUFFER_SIZE];

#ifdef STP_NEED_REGEX_MATCH
	struct stp_regex_match regex_match;
#endif

	/* The generated locals (union of probe and function frames). */
	char locals[] __aligned(16);
};

/* The script's locals, typed: STP_LOCALS(c, union my_locals). */
#define STP_LOCALS(c, type) ((type *)(c)->locals)

static struct context **stp_contexts;	/* [nr_cpu_ids] */
static size_t stp_context_size;

static int stp_contexts_alloc(size_t locals_size)
{
	unsigned cpu;

	stp_context_size = ALIGN(sizeof(struct context) + locals_size, 64);
	stp_contexts = kcalloc(nr_cpu_ids, sizeof(*stp_contexts), GFP_KERNEL);
	if (!stp_contexts)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		stp_contexts[cpu] = vzalloc_node(stp_context_size, cpu_to_node(cpu));
		if (!stp_contexts[cpu])
			return -ENOMEM;
	}
	return 0;
}

static void stp_contexts_free(void)
{
	unsigned cpu;

	if (!stp_contexts)
		return;
	for_each_possible_cpu(cpu)
		vfree(stp_contexts[cpu]);
	kfree(stp_contexts);
	stp_contexts = NULL;
}

/* Take this CPU's context; NULL when it is busy. Preemption must be off. */
static __always_inline struct context *stp_context_acquire(void)
{
	struct context *c;

	if (unlikely(!stp_contexts))
		return NULL;
	c = stp_contexts[smp_processor_id()];
	if (unlikely(!c || READ_ONCE(c->busy)))
		return NULL;
	WRITE_ONCE(c->busy, 1);
	barrier();
	return c;
}

static __always_inline void stp_context_release(struct context *c)
{
	barrier();
	WRITE_ONCE(c->busy, 0);
}

/* The context of the probe running on this CPU, for embedded C that has no
 * CONTEXT at hand (only meaningful inside a probe). */
static inline struct context *stp_current_context(void)
{
	struct context *c;

	if (unlikely(!stp_contexts))
		return NULL;
	c = stp_contexts[raw_smp_processor_id()];
	return (c && READ_ONCE(c->busy)) ? c : NULL;
}

/* Wait until no handler holds any context (after probes are unregistered). */
static void stp_contexts_wait_idle(void)
{
	unsigned cpu;

	if (!stp_contexts)
		return;
	for_each_possible_cpu(cpu) {
		while (stp_contexts[cpu] && READ_ONCE(stp_contexts[cpu]->busy))
			msleep(1);
	}
}

#endif /* STP_CONTEXT_H */
