/* stap5 runtime: perf.type(T).config(C) probes, perf events made with
 * perf_event_create_kernel_counter().
 *
 * Without a process, each probe has one event per online CPU (every CPU,
 * whatever runs there). With .process("path"), one event counts in one
 * process running that executable: the first found running when the probe
 * is registered, else the next one to exec it (the sched_process_exec
 * tracepoint tells us; a kernel worker attaches the event right after, as
 * the tracepoint cannot sleep). When that process's task exits, the event
 * goes and the next process to exec the path gets one: stap's behaviour
 * (one task at a time per probe).
 *
 * A sampling probe (period or frequency) runs its handler at each overflow,
 * with the interrupted registers; a counter probe (period 0) never runs
 * anything, and @perf("name") in other probes reads its count in the
 * counted task (stp_perf_read()).
 */

#include <linux/perf_event.h>
#include <linux/tracepoint.h>
#include <linux/binfmts.h>
#include <linux/namei.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/workqueue.h>

struct stp_perf_probe {
	struct stp_probe probe;
	u32 type;			/* perf_event_attr.type */
	u64 config;			/* perf_event_attr.config */
	u64 period;			/* sample period, or frequency with freq */
	bool freq;
	const char *process;		/* executable path, NULL: every CPU */
	bool counter;			/* counting only: @perf reads it */

	/* Every CPU: [nr_cpu_ids]. */
	struct perf_event **events;
	/* One process: the executable (its file system and inode number:
	 * some file systems, 9p, make several inodes of one file), and the
	 * task counted (under stp_perf_task_lock; a reference on the task
	 * while it is set). */
	struct super_block *sb;
	unsigned long ino;
	struct task_struct *task;
	struct perf_event *task_event;
	struct work_struct attach;	/* creates task_event for task */
	struct work_struct detach;	/* releases a task's event at its exit */
	struct perf_event *dead_event;	/* ... this one */
	bool unsupported;		/* the kernel refused its event */
};

static DEFINE_SPINLOCK(stp_perf_task_lock);

/* The probes of the session, for the tracepoint callbacks. */
static struct stp_perf_probe *stp_perf_probes;
static unsigned stp_perf_nprobes;
static bool stp_perf_watching;

static void stp_perf_attr(const struct stp_perf_probe *p, struct perf_event_attr *attr)
{
	memset(attr, 0, sizeof(*attr));
	attr->type = p->type;
	attr->size = sizeof(*attr);
	attr->config = p->config;
	if (p->freq) {
		attr->freq = 1;
		attr->sample_freq = p->period;
	} else {
		attr->sample_period = p->period;
	}
}

static void stp_perf_overflow(struct perf_event *event, struct perf_sample_data *data,
			      struct pt_regs *regs)
{
	struct stp_perf_probe *p = event->overflow_handler_context;
	struct context *c = stp_probe_enter(&p->probe, STAP_SESSION_RUNNING);

	if (!c)
		return;
	if (regs && user_mode(regs)) {
		c->uregs = regs;
		c->user_mode_p = 1;
	} else {
		c->kregs = regs;
	}
	stp_probe_run(c);
}

static struct perf_event *stp_perf_create(struct stp_perf_probe *p, int cpu,
					  struct task_struct *task)
{
	struct perf_event_attr attr;

	stp_perf_attr(p, &attr);
	/* A counter has no handler: nothing runs when it counts. */
	return perf_event_create_kernel_counter(&attr, cpu, task,
						p->counter ? NULL : stp_perf_overflow, p);
}

/* --- @perf ----------------------------------------------------------------- */

/* The count of the counter probe at position i of the table in its task,
 * now (@perf in a probe handler: the handler's first statement). 0 while
 * the process has not started (or until the event is attached, right
 * after its exec); an error when the event cannot be had at all. */
static int64_t stp_perf_read(struct context *c, unsigned i)
{
	struct stp_perf_probe *p;
	struct perf_event *event;
	unsigned long flags;
	int64_t value = 0;

	if (!stp_perf_probes)		/* (not registered yet) */
		return 0;
	p = &stp_perf_probes[i];
	if (!p->process || p->unsupported) {
		stp_error("_stp_perf_read - probe '%s' is not supported by this kernel",
			  p->probe.pp);
		return 0;
	}
	spin_lock_irqsave(&stp_perf_task_lock, flags);
	event = p->task_event;
	if (event) {
		/* Active on this CPU (the counted task is running here): bring
		 * its count up to date, as perf's own local reads do. */
		if (event->state == PERF_EVENT_STATE_ACTIVE &&
		    event->oncpu == smp_processor_id())
			event->pmu->read(event);
		value = local64_read(&event->count);
	}
	spin_unlock_irqrestore(&stp_perf_task_lock, flags);
	return value;
}

/* --- one process ------------------------------------------------------------ */

/* Give task to p (which has none); true if p took it. */
static bool stp_perf_claim(struct stp_perf_probe *p, struct task_struct *task)
{
	unsigned long flags;
	bool claimed = false;

	spin_lock_irqsave(&stp_perf_task_lock, flags);
	if (!p->task) {
		get_task_struct(task);
		p->task = task;
		claimed = true;
	}
	spin_unlock_irqrestore(&stp_perf_task_lock, flags);
	return claimed;
}

static void stp_perf_attach_work(struct work_struct *work)
{
	struct stp_perf_probe *p = container_of(work, struct stp_perf_probe, attach);
	struct perf_event *event = stp_perf_create(p, -1, p->task);
	unsigned long flags;

	if (IS_ERR(event)) {
		long rc = PTR_ERR(event);

		if (rc != -ESRCH) {	/* (-ESRCH: the task already went) */
			stp_warn("perf probe '%s' is not supported by this kernel (%ld).",
				 p->probe.pp, rc);
			p->unsupported = true;
		}
		spin_lock_irqsave(&stp_perf_task_lock, flags);
		put_task_struct(p->task);
		p->task = NULL;
		spin_unlock_irqrestore(&stp_perf_task_lock, flags);
		return;
	}
	spin_lock_irqsave(&stp_perf_task_lock, flags);
	/* An exit before this point found no event to take away (PF_EXITING
	 * is set before the exit tracepoint, which takes the lock too). */
	if (p->task->flags & PF_EXITING) {
		put_task_struct(p->task);
		p->task = NULL;
	} else {
		p->task_event = event;
		event = NULL;
	}
	spin_unlock_irqrestore(&stp_perf_task_lock, flags);
	if (event)
		perf_event_release_kernel(event);
}

static void stp_perf_detach_work(struct work_struct *work)
{
	struct stp_perf_probe *p = container_of(work, struct stp_perf_probe, detach);
	struct perf_event *event;
	unsigned long flags;

	spin_lock_irqsave(&stp_perf_task_lock, flags);
	event = p->dead_event;
	p->dead_event = NULL;
	spin_unlock_irqrestore(&stp_perf_task_lock, flags);
	if (event)
		perf_event_release_kernel(event);
}

/* Whether task runs p's executable (under rcu_read_lock). */
static bool stp_perf_runs(struct task_struct *task, const struct stp_perf_probe *p)
{
	struct file *exe = task->mm ? rcu_dereference(task->mm->exe_file) : NULL;

	return exe && file_inode(exe)->i_sb == p->sb && file_inode(exe)->i_ino == p->ino;
}

static void stp_perf_exec(void *data, struct task_struct *task, pid_t old_pid,
			  struct linux_binprm *bprm)
{
	unsigned i;

	/* (not bprm->file: by now that is the ELF interpreter, if any) */
	rcu_read_lock();
	for (i = 0; i < stp_perf_nprobes; i++) {
		struct stp_perf_probe *p = &stp_perf_probes[i];

		if (p->sb && stp_perf_runs(task, p) && stp_perf_claim(p, task))
			schedule_work(&p->attach);
	}
	rcu_read_unlock();
}

static void stp_perf_exit(void *data, struct task_struct *task)
{
	unsigned long flags;
	unsigned i;

	for (i = 0; i < stp_perf_nprobes; i++) {
		struct stp_perf_probe *p = &stp_perf_probes[i];
		bool detach = false;

		if (READ_ONCE(p->task) != task)
			continue;
		spin_lock_irqsave(&stp_perf_task_lock, flags);
		/* Not while its event is being attached: the worker finds the
		 * task gone (or attaches to a dead task, released at the end). */
		if (p->task == task && p->task_event && !p->dead_event) {
			p->dead_event = p->task_event;
			p->task_event = NULL;
			put_task_struct(p->task);
			p->task = NULL;
			detach = true;
		}
		spin_unlock_irqrestore(&stp_perf_task_lock, flags);
		if (detach)
			schedule_work(&p->detach);
	}
}

struct stp_perf_tracepoint {
	const char *name;
	void *callback;
	struct tracepoint *tp;
};

static struct stp_perf_tracepoint stp_perf_tracepoints[] = {
	{ "sched_process_exec", stp_perf_exec },
	{ "sched_process_exit", stp_perf_exit },
};

static void stp_perf_find_tracepoint(struct tracepoint *tp, void *unused)
{
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(stp_perf_tracepoints); i++)
		if (strcmp(tp->name, stp_perf_tracepoints[i].name) == 0)
			stp_perf_tracepoints[i].tp = tp;
}

static void stp_perf_unwatch(void)
{
	unsigned i;

	if (!stp_perf_watching)
		return;
	for (i = 0; i < ARRAY_SIZE(stp_perf_tracepoints); i++)
		if (stp_perf_tracepoints[i].tp)
			tracepoint_probe_unregister(stp_perf_tracepoints[i].tp,
						    stp_perf_tracepoints[i].callback, NULL);
	tracepoint_synchronize_unregister();
	stp_perf_watching = false;
}

static int stp_perf_watch(void)
{
	unsigned i;
	int rc;

	for_each_kernel_tracepoint(stp_perf_find_tracepoint, NULL);
	for (i = 0; i < ARRAY_SIZE(stp_perf_tracepoints); i++)
		if (!stp_perf_tracepoints[i].tp)
			return -ENOENT;
	stp_perf_watching = true;
	for (i = 0; i < ARRAY_SIZE(stp_perf_tracepoints); i++) {
		rc = tracepoint_probe_register(stp_perf_tracepoints[i].tp,
					       stp_perf_tracepoints[i].callback, NULL);
		if (rc) {
			while (i-- > 0)
				tracepoint_probe_unregister(stp_perf_tracepoints[i].tp,
							    stp_perf_tracepoints[i].callback,
							    NULL);
			tracepoint_synchronize_unregister();
			stp_perf_watching = false;
			return rc;
		}
	}
	return 0;
}

/* A process already running the executable of p, with a reference. */
static struct task_struct *stp_perf_running(struct stp_perf_probe *p)
{
	struct task_struct *t, *found = NULL;

	rcu_read_lock();
	for_each_process(t) {
		bool match = false;

		task_lock(t);
		if (!(t->flags & PF_EXITING))
			match = stp_perf_runs(t, p);
		task_unlock(t);
		if (match) {
			get_task_struct(t);
			found = t;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

static int stp_perf_register_process(struct stp_perf_probe *p)
{
	struct task_struct *running;
	struct path path;

	INIT_WORK(&p->attach, stp_perf_attach_work);
	INIT_WORK(&p->detach, stp_perf_detach_work);
	/* A path that does not exist (yet) is no error: nothing runs it. */
	if (!*p->process || kern_path(p->process, LOOKUP_FOLLOW, &path))
		return 0;
	p->sb = d_inode(path.dentry)->i_sb;
	p->ino = d_inode(path.dentry)->i_ino;
	path_put(&path);
	running = stp_perf_running(p);
	if (running) {
		if (stp_perf_claim(p, running))
			schedule_work(&p->attach);
		put_task_struct(running);
	}
	return 0;
}

static void stp_perf_unregister_process(struct stp_perf_probe *p)
{
	struct perf_event *event;
	unsigned long flags;

	cancel_work_sync(&p->attach);
	flush_work(&p->detach);
	/* (stp_perf_read() may be using it: take it under the lock) */
	spin_lock_irqsave(&stp_perf_task_lock, flags);
	event = p->task_event;
	p->task_event = NULL;
	spin_unlock_irqrestore(&stp_perf_task_lock, flags);
	if (event)
		perf_event_release_kernel(event);
	if (p->task)
		put_task_struct(p->task);
	p->task = NULL;
	p->sb = NULL;
}

/* --- every CPU ---------------------------------------------------------------- */

static int stp_perf_register_cpus(struct stp_perf_probe *p)
{
	unsigned cpu;

	p->events = kcalloc(nr_cpu_ids, sizeof(*p->events), GFP_KERNEL);
	if (!p->events)
		return -ENOMEM;
	for_each_online_cpu(cpu) {
		struct perf_event *e = stp_perf_create(p, cpu, NULL);

		if (IS_ERR(e))
			return PTR_ERR(e);
		p->events[cpu] = e;
	}
	return 0;
}

static void stp_perf_unregister_cpus(struct stp_perf_probe *p)
{
	unsigned cpu;

	if (!p->events)
		return;
	for_each_possible_cpu(cpu)
		if (p->events[cpu])
			perf_event_release_kernel(p->events[cpu]);
	kfree(p->events);
	p->events = NULL;
}

/* --- the table ------------------------------------------------------------------- */

static void stp_perf_unregister(struct stp_perf_probe *probes, unsigned n)
{
	unsigned i;

	stp_perf_unwatch();
	for (i = 0; i < n; i++) {
		if (probes[i].process)
			stp_perf_unregister_process(&probes[i]);
		else
			stp_perf_unregister_cpus(&probes[i]);
	}
	stp_perf_probes = NULL;
	stp_perf_nprobes = 0;
}

static int stp_perf_register(struct stp_perf_probe *probes, unsigned n)
{
	bool processes = false;
	unsigned i;
	int rc = 0;

	for (i = 0; i < n; i++) {
		struct stp_perf_probe *p = &probes[i];

		if (p->freq && p->period > INT_MAX)
			rc = -EINVAL;	/* (a negative .hz()) */
		else if (p->process)
			rc = stp_perf_register_process(p);
		else
			rc = stp_perf_register_cpus(p);
		if (rc) {
			stp_probe_registration_error(&p->probe, rc);
			stp_perf_unregister(probes, i + 1);
			return rc;
		}
		processes |= p->process != NULL;
	}
	stp_perf_probes = probes;
	stp_perf_nprobes = n;
	if (processes) {
		rc = stp_perf_watch();
		if (rc) {
			stp_error("cannot watch processes for perf probes (rc %d)", rc);
			stp_perf_unregister(probes, n);
		}
	}
	return rc;
}
