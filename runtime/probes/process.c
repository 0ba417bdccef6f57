/* stap5 runtime: process life-cycle and system-call probes:
 * process[("P")|(PID)].begin/.end/.thread.begin/.thread.end/.syscall/
 * .syscall.return.
 *
 * Followed with the kernel's own tracepoints, attached by name (kept in
 * this file: for_each_kernel_tracepoint + tracepoint_probe_register):
 *   sched_process_exec   a process starts a program: .begin, in its context
 *   sched_process_fork   a new process or thread: its .begin / .thread.begin
 *                        is due, and runs in the new task itself, when it
 *                        first leaves the kernel (sys_exit below)
 *   sched_process_exit   a thread exits: .thread.end, or .end for the last
 *   sys_enter, sys_exit  .syscall, .syscall.return; and the due begins
 * At start every process already running is due a .begin too (in its own
 * context, at its next system call), as stap does.
 *
 * Which processes: PATH (the program the process runs: its exe file's
 * inode), PID, any; with -c/-x only the target's tree. At exit the process
 * has no memory map left, so the program of each process is noted (a small
 * table) when its begin is due, for the .end probes that name one.
 */

#include <linux/tracepoint.h>
#include <linux/binfmts.h>
#include <linux/sched/signal.h>
#include <linux/ptrace.h>

enum stp_process_event {
	STP_PROCESS_BEGIN, STP_PROCESS_END, STP_PROCESS_THREAD_BEGIN,
	STP_PROCESS_THREAD_END, STP_PROCESS_SYSCALL, STP_PROCESS_SYSCALL_RETURN,
};

struct stp_process_probe {
	struct stp_probe probe;
	enum stp_process_event event;
	int umodule;			/* the program, -1: any */
	int pid;			/* process(PID), 0: any */
};

static struct stp_process_probe *stp_process_probes;
static unsigned stp_process_nprobes;
static unsigned stp_process_events;	/* bit per event some probe wants */

/* Tasks due a begin (tid -> 1 process begin, 2 thread begin), and the
 * programs of processes (tgid -> bit per user module: for .end). Open
 * addressing, one lock; full means forgotten (the probe does not fire). */
#define STP_PROCESS_SLOTS 4096
struct stp_process_slot {
	pid_t key;			/* 0: free */
	unsigned long value;
};
static struct stp_process_slot stp_process_due[STP_PROCESS_SLOTS];
static struct stp_process_slot stp_process_programs[STP_PROCESS_SLOTS];
static atomic_t stp_process_ndue;
static DEFINE_SPINLOCK(stp_process_lock);

static struct stp_process_slot *stp_process_slot(struct stp_process_slot *table, pid_t key,
						 bool add)
{
	unsigned i, start = hash_32(key, 12);

	for (i = 0; i < STP_PROCESS_SLOTS; i++) {
		struct stp_process_slot *s = &table[(start + i) % STP_PROCESS_SLOTS];

		if (s->key == key)
			return s;
		if (!s->key)
			break;
	}
	if (!add)
		return NULL;
	for (i = 0; i < STP_PROCESS_SLOTS; i++) {
		struct stp_process_slot *s = &table[(start + i) % STP_PROCESS_SLOTS];

		if (!s->key || s->key == -1) {
			s->key = key;
			s->value = 0;
			return s;
		}
	}
	return NULL;
}

static void stp_process_table_set(struct stp_process_slot *table, pid_t key,
				  unsigned long value)
{
	unsigned long flags;
	struct stp_process_slot *s;

	spin_lock_irqsave(&stp_process_lock, flags);
	s = stp_process_slot(table, key, true);
	if (s)
		s->value = value;
	spin_unlock_irqrestore(&stp_process_lock, flags);
}

/* The value for key, removed (0: none). */
static unsigned long stp_process_table_take(struct stp_process_slot *table, pid_t key)
{
	unsigned long flags, value = 0;
	struct stp_process_slot *s;

	spin_lock_irqsave(&stp_process_lock, flags);
	s = stp_process_slot(table, key, false);
	if (s) {
		value = s->value;
		s->key = -1;		/* a tombstone keeps the probing chains */
	}
	spin_unlock_irqrestore(&stp_process_lock, flags);
	return value;
}

static unsigned long stp_process_table_get(struct stp_process_slot *table, pid_t key)
{
	unsigned long flags, value = 0;
	struct stp_process_slot *s;

	spin_lock_irqsave(&stp_process_lock, flags);
	s = stp_process_slot(table, key, false);
	if (s)
		value = s->value;
	spin_unlock_irqrestore(&stp_process_lock, flags);
	return value;
}

/* Bit per user module that is the program of the current process. */
static unsigned long stp_process_current_programs(void)
{
	struct mm_struct *mm = current->mm;
	struct file *exe;
	struct inode *inode = NULL;
	unsigned long bits = 0;
	unsigned i;

	if (!mm)
		return 0;
	rcu_read_lock();
	exe = rcu_dereference(mm->exe_file);
	if (exe)
		inode = file_inode(exe);
	rcu_read_unlock();
	for (i = 0; inode && i < stp_numodules && i < BITS_PER_LONG; i++)
		if (stp_umodules[i].inode == inode)
			bits |= 1UL << i;
	return bits;
}

static bool stp_process_matches(const struct stp_process_probe *p, unsigned long programs)
{
	if (p->pid && current->tgid != p->pid)
		return false;
	if (p->umodule >= 0 && !(programs & (1UL << p->umodule)))
		return false;
	return stp_in_target_tree();
}

static void stp_process_fire(enum stp_process_event event, unsigned long programs,
			     struct pt_regs *uregs)
{
	unsigned i;

	for (i = 0; i < stp_process_nprobes; i++) {
		struct stp_process_probe *p = &stp_process_probes[i];
		struct context *c;

		if (p->event != event || !stp_process_matches(p, programs))
			continue;
		c = stp_probe_enter(&p->probe, STAP_SESSION_RUNNING);
		if (!c)
			continue;
		if (uregs) {
			c->uregs = uregs;
			c->user_mode_p = 1;
		}
		stp_probe_run(c);
	}
}

static bool stp_process_wants(enum stp_process_event event)
{
	return stp_process_events & (1U << event);
}

/* A task due a begin runs it now (its own context, leaving the kernel). */
static void stp_process_run_due(void)
{
	unsigned long kind;
	unsigned long programs;

	if (!atomic_read(&stp_process_ndue))
		return;
	kind = stp_process_table_take(stp_process_due, current->pid);
	if (!kind)
		return;
	atomic_dec(&stp_process_ndue);
	programs = stp_process_current_programs();
	if (kind == 1) {
		if (stp_process_wants(STP_PROCESS_END))
			stp_process_table_set(stp_process_programs, current->tgid, programs | 1UL << 63);
		stp_process_fire(STP_PROCESS_BEGIN, programs, task_pt_regs(current));
	} else {
		stp_process_fire(STP_PROCESS_THREAD_BEGIN, programs, task_pt_regs(current));
	}
}

static void stp_process_set_due(pid_t tid, unsigned long kind)
{
	stp_process_table_set(stp_process_due, tid, kind);
	atomic_inc(&stp_process_ndue);
}

/* --- the tracepoints ------------------------------------------------------------ */

static void stp_process_on_fork(void *data, struct task_struct *parent,
				struct task_struct *child)
{
	bool thread = child->tgid == parent->tgid;

	if (thread ? stp_process_wants(STP_PROCESS_THREAD_BEGIN)
		   : stp_process_wants(STP_PROCESS_BEGIN) || stp_process_wants(STP_PROCESS_END))
		stp_process_set_due(child->pid, thread ? 2 : 1);
}

static void stp_process_on_exec(void *data, struct task_struct *task, pid_t old_pid,
				struct linux_binprm *bprm)
{
	unsigned long programs = stp_process_current_programs();

	/* a new program: its begin now (a fork's pending begin is this one) */
	if (stp_process_table_take(stp_process_due, current->pid))
		atomic_dec(&stp_process_ndue);
	if (stp_process_wants(STP_PROCESS_END))
		stp_process_table_set(stp_process_programs, current->tgid, programs | 1UL << 63);
	stp_process_fire(STP_PROCESS_BEGIN, programs, task_pt_regs(current));
}

static void stp_process_on_exit(void *data, struct task_struct *task)
{
	bool last = atomic_read(&task->signal->live) == 0;
	unsigned long programs;

	if (atomic_read(&stp_process_ndue) &&
	    stp_process_table_take(stp_process_due, task->pid))
		atomic_dec(&stp_process_ndue);
	if (!last) {
		stp_process_fire(STP_PROCESS_THREAD_END, stp_process_table_get(
			stp_process_programs, task->tgid), NULL);
		return;
	}
	programs = stp_process_table_take(stp_process_programs, task->tgid);
	stp_process_fire(STP_PROCESS_END, programs, NULL);
}

static void stp_process_on_sys_enter(void *data, struct pt_regs *regs, long id)
{
	stp_process_run_due();
	if (stp_process_wants(STP_PROCESS_SYSCALL))
		stp_process_fire(STP_PROCESS_SYSCALL, stp_process_current_programs(), regs);
}

static void stp_process_on_sys_exit(void *data, struct pt_regs *regs, long ret)
{
	if (stp_process_wants(STP_PROCESS_SYSCALL_RETURN))
		stp_process_fire(STP_PROCESS_SYSCALL_RETURN, stp_process_current_programs(), regs);
	stp_process_run_due();
}

struct stp_process_hook {
	const char *name;
	void *fn;
	struct tracepoint *tp;
	bool wanted;
};

static struct stp_process_hook stp_process_hooks[] = {
	{ "sched_process_fork", stp_process_on_fork },
	{ "sched_process_exec", stp_process_on_exec },
	{ "sched_process_exit", stp_process_on_exit },
	{ "sys_enter", stp_process_on_sys_enter },
	{ "sys_exit", stp_process_on_sys_exit },
};

static void stp_process_find_tracepoint(struct tracepoint *tp, void *unused)
{
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(stp_process_hooks); i++)
		if (strcmp(tp->name, stp_process_hooks[i].name) == 0)
			stp_process_hooks[i].tp = tp;
}

static void stp_process_unregister(struct stp_process_probe *probes, unsigned n)
{
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(stp_process_hooks); i++) {
		struct stp_process_hook *hook = &stp_process_hooks[i];

		if (hook->wanted && hook->tp)
			tracepoint_probe_unregister(hook->tp, hook->fn, NULL);
		hook->wanted = false;
	}
	tracepoint_synchronize_unregister();
	stp_process_nprobes = 0;
	stp_process_events = 0;
}

/* Every user process running now is due a begin. */
static void stp_process_existing(void)
{
	struct task_struct *task;

	rcu_read_lock();
	for_each_process(task) {
		if (task->flags & PF_KTHREAD || !task->mm)
			continue;
		stp_process_set_due(task->pid, 1);
	}
	rcu_read_unlock();
}

static int stp_process_register(struct stp_process_probe *probes, unsigned n)
{
	unsigned i;
	int rc = 0;

	stp_process_probes = probes;
	stp_process_nprobes = n;
	stp_process_events = 0;
	for (i = 0; i < n; i++)
		stp_process_events |= 1U << probes[i].event;
	for_each_kernel_tracepoint(stp_process_find_tracepoint, NULL);

	/* which tracepoints: begins become due at forks and run at the next
	 * system call; ends need the programs noted at begins */
	stp_process_hooks[0].wanted = stp_process_events & (1U << STP_PROCESS_BEGIN |
		1U << STP_PROCESS_THREAD_BEGIN | 1U << STP_PROCESS_END);
	stp_process_hooks[1].wanted = stp_process_events & (1U << STP_PROCESS_BEGIN |
							    1U << STP_PROCESS_END);
	stp_process_hooks[2].wanted = stp_process_events & (1U << STP_PROCESS_END |
							    1U << STP_PROCESS_THREAD_END);
	stp_process_hooks[3].wanted = stp_process_hooks[0].wanted ||
		(stp_process_events & (1U << STP_PROCESS_SYSCALL));
	stp_process_hooks[4].wanted = stp_process_hooks[0].wanted ||
		(stp_process_events & (1U << STP_PROCESS_SYSCALL_RETURN));

	for (i = 0; i < ARRAY_SIZE(stp_process_hooks); i++) {
		struct stp_process_hook *hook = &stp_process_hooks[i];

		if (!hook->wanted)
			continue;
		rc = hook->tp ? tracepoint_probe_register(hook->tp, hook->fn, NULL) : -ENOENT;
		if (rc) {
			hook->wanted = false;
			stp_probe_registration_error(&probes[0].probe, rc);
			stp_process_unregister(probes, n);
			return rc;
		}
	}
	if (stp_process_events & (1U << STP_PROCESS_BEGIN | 1U << STP_PROCESS_END))
		stp_process_existing();
	return 0;
}
