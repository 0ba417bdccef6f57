/* stap5 runtime: user-space code probes (uprobes): process("P").function(),
 * .statement(), .mark(), .plt(), and their .return (uretprobes).
 *
 * Placed with the kernel's uprobe API on the binary's inode at a file
 * offset (runtime/umodules.c finds the inode), so every process mapping the
 * binary, now or later, gets the breakpoint. Which of them run the handler:
 *   - with -c / -x (stap_target), the target and its descendants only;
 *   - process(PID), that process only;
 *   - a .library() probe, the processes running the program it names.
 * An SDT marker's semaphore (a counter the program tests before preparing
 * the marker's arguments) is counted up by the kernel while the probe is
 * placed (uprobe_register_refctr).
 *
 * Like kprobes, a probe that cannot be placed is a warning, not the end of
 * the session.
 */

#include <linux/uprobes.h>

struct stp_uprobe_probe {
	struct stp_probe probe;
	unsigned umodule;		/* the binary holding the probe */
	unsigned long offset;		/* in its file */
	unsigned long semaphore;	/* file offset of the SDT semaphore, 0 */
	int pid;			/* process(PID): only it; 0 any */
	int exe;			/* .library(): the program's umodule, -1 */
	struct uprobe_consumer uc;
	struct inode *inode;		/* registered on */
};

/* Whether the current process runs the program of user module `index`. */
static bool stp_current_runs(int index)
{
	struct mm_struct *mm = current->mm;
	struct file *exe;
	bool same = false;

	if (!mm || index < 0 || (unsigned)index >= stp_numodules)
		return false;
	rcu_read_lock();
	exe = rcu_dereference(mm->exe_file);
	if (exe)
		same = file_inode(exe) == stp_umodules[index].inode;
	rcu_read_unlock();
	return same;
}

static bool stp_uprobe_wanted(const struct stp_uprobe_probe *p)
{
	if (p->pid && current->tgid != p->pid)
		return false;
	if (p->exe >= 0 && !stp_current_runs(p->exe))
		return false;
	return stp_in_target_tree();
}

/* The registers are the task's user registers: at a uprobe, the probed
 * address is their ip (uaddr(), the unwinder's first frame); at a
 * uretprobe, the address returned to. */
static void stp_uprobe_run(struct stp_uprobe_probe *p, struct pt_regs *regs)
{
	struct context *c = stp_probe_enter(&p->probe, STAP_SESSION_RUNNING);

	if (!c)
		return;
	c->uregs = regs;
	c->user_mode_p = 1;
	stp_probe_run(c);
}

static int stp_uprobe_handler(struct uprobe_consumer *uc, struct pt_regs *regs)
{
	struct stp_uprobe_probe *p = container_of(uc, struct stp_uprobe_probe, uc);

	if (stp_uprobe_wanted(p))
		stp_uprobe_run(p, regs);
	return 0;
}

static int stp_uretprobe_handler(struct uprobe_consumer *uc, unsigned long func,
				 struct pt_regs *regs)
{
	struct stp_uprobe_probe *p = container_of(uc, struct stp_uprobe_probe, uc);

	if (stp_uprobe_wanted(p))
		stp_uprobe_run(p, regs);
	return 0;
}

static void stp_uprobe_unregister(struct stp_uprobe_probe *probes, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		struct stp_uprobe_probe *p = &probes[i];

		if (!p->inode)
			continue;
		uprobe_unregister(p->inode, p->offset, &p->uc);
		iput(p->inode);
		p->inode = NULL;
	}
}

static int stp_uprobe_register(struct stp_uprobe_probe *probes, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		struct stp_uprobe_probe *p = &probes[i];
		struct inode *inode = p->umodule < stp_numodules ?
			stp_umodules[p->umodule].inode : NULL;
		int rc;

		memset(&p->uc, 0, sizeof(p->uc));
		if (p->probe.is_return)
			p->uc.ret_handler = stp_uretprobe_handler;
		else
			p->uc.handler = stp_uprobe_handler;
		if (!inode) {
			stp_warn("probe %s registration error [man warning::pass5] (rc %d)",
				 p->probe.pp, -ENOENT);
			continue;
		}
		rc = p->semaphore ?
			uprobe_register_refctr(inode, p->offset, p->semaphore, &p->uc) :
			uprobe_register(inode, p->offset, &p->uc);
		if (rc) {
			stp_warn("probe %s at inode-offset %lu:%#lx registration error "
				 "[man warning::pass5] (rc %d)", p->probe.pp, inode->i_ino,
				 p->offset, rc);
			continue;
		}
		ihold(inode);
		p->inode = inode;
	}
	return 0;
}
