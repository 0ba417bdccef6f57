/* stap5 runtime: the user-space binaries the module knows (user modules).
 *
 * The generated code describes each binary its process probes are in, and
 * each one named with -d / --ldd (stap5/user/modules.py): its path, its
 * loaded segments (file offset <-> link-time address), and when the script
 * names user symbols or walks user stacks, its function symbols and its
 * unwind rows. At start the runtime finds each binary's inode; a process
 * maps a binary where it likes (PIE, libraries), and a run-time address is
 * turned into (binary, link-time address) through the process's mapping of
 * that inode, and back.
 *
 * The lookups run in probe handlers (atomic): the process's mappings are
 * read under mmap_read_trylock, and a busy lock means "unknown", as a page
 * not paged in does for memory reads.
 */

#include <linux/namei.h>
#include <linux/mm_types.h>
#include <linux/mmap_lock.h>

struct stp_usegment {
	unsigned long offset;		/* in the file */
	unsigned long vaddr;		/* link-time address */
	unsigned long filesz;
};

struct stp_usymbol {
	unsigned long addr;		/* link-time, sorted */
	unsigned long size;
	const char *name;
};

/* One row of the unwind table: from addr (link-time, sorted) to the next
 * row, CFA = (cfa_reg == 7 ? rsp : rbp) + cfa_off; the caller's rbp is at
 * CFA + rbp_off (0: unchanged), the return address at CFA + ra_off.
 * cfa_reg -1: no rule (outside any function, or one we cannot follow). */
struct stp_uunwind {
	unsigned long addr;
	int cfa_reg;
	int cfa_off;
	int rbp_off;
	int ra_off;
};

struct stp_umodule {
	const char *path;
	const struct stp_usegment *segments;
	unsigned nsegments;
	const struct stp_usymbol *symbols;
	unsigned nsymbols;
	const struct stp_uunwind *unwind;
	unsigned nunwind;
	struct inode *inode;		/* found at start; NULL: not there */
	struct path path_held;		/* held while the session runs */
};

/* Whether the current process is the -c/-x target or descends from it. */
static bool stp_in_target_tree(void)
{
	struct task_struct *task;
	bool found = false;

	if (!_stp_target)
		return true;
	rcu_read_lock();
	for (task = current; task->pid > 1; task = rcu_dereference(task->real_parent)) {
		if (task->tgid == _stp_target) {
			found = true;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

static struct stp_umodule *stp_umodules;
static DEFINE_PER_CPU(char [PATH_MAX], stp_umodule_path_buffer);
static unsigned stp_numodules;

/* The inode of a user module: the real one under an overlay (what
 * processes map, and what uprobes can be placed in). Its path stays held
 * while the session runs: a filesystem that makes a new inode at each
 * lookup (9p without a cache) then finds this one again when a program is
 * started or a library mapped, as long as the dentry is in use. */
static struct inode *stp_umodule_find_inode(struct stp_umodule *m)
{
	struct inode *inode;

	if (kern_path(m->path, LOOKUP_FOLLOW, &m->path_held))
		return NULL;
	inode = d_real_inode(m->path_held.dentry);
	if (!inode) {
		path_put(&m->path_held);
		m->path_held.dentry = NULL;
		return NULL;
	}
	ihold(inode);
	return inode;
}

static void stp_umodules_release(void)
{
	unsigned i;

	for (i = 0; i < stp_numodules; i++) {
		struct stp_umodule *m = &stp_umodules[i];

		if (m->inode)
			iput(m->inode);
		m->inode = NULL;
		if (m->path_held.dentry)
			path_put(&m->path_held);
		m->path_held.dentry = NULL;
	}
}

/* At start (process context): find every binary's inode. A binary that is
 * not there leaves its probes unplaced (their family says so). */
static void stp_umodules_init(struct stp_umodule *modules, unsigned n)
{
	unsigned i;

	stp_umodules = modules;
	stp_numodules = n;
	for (i = 0; i < n; i++)
		modules[i].inode = stp_umodule_find_inode(&modules[i]);
}

static bool stp_umodule_offset_to_link(const struct stp_umodule *m, unsigned long offset,
				       unsigned long *link)
{
	unsigned i;

	for (i = 0; i < m->nsegments; i++) {
		const struct stp_usegment *s = &m->segments[i];

		if (offset >= s->offset && offset < s->offset + s->filesz) {
			*link = s->vaddr + (offset - s->offset);
			return true;
		}
	}
	return false;
}

static bool stp_umodule_link_to_offset(const struct stp_umodule *m, unsigned long link,
				       unsigned long *offset)
{
	unsigned i;

	for (i = 0; i < m->nsegments; i++) {
		const struct stp_usegment *s = &m->segments[i];

		if (link >= s->vaddr && link < s->vaddr + s->filesz) {
			*offset = s->offset + (link - s->vaddr);
			return true;
		}
	}
	return false;
}

/* The user module holding run-time address `addr` of the current process,
 * and the link-time address there; NULL if none we know (or the process's
 * mappings are busy). */
static const struct stp_umodule *stp_umodule_at(unsigned long addr, unsigned long *link)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct inode *inode = NULL;
	unsigned long offset = 0;
	unsigned i;

	if (!mm || !stp_numodules || !mmap_read_trylock(mm))
		return NULL;
	vma = find_vma(mm, addr);
	if (vma && vma->vm_start <= addr && vma->vm_file) {
		inode = file_inode(vma->vm_file);
		offset = addr - vma->vm_start + (vma->vm_pgoff << PAGE_SHIFT);
	}
	mmap_read_unlock(mm);
	if (!inode)
		return NULL;
	for (i = 0; i < stp_numodules; i++) {
		const struct stp_umodule *m = &stp_umodules[i];

		if (m->inode == inode && stp_umodule_offset_to_link(m, offset, link))
			return m;
	}
	return NULL;
}

/* Where link-time address `link` of user module `m` is in the current
 * process; 0 if the process does not map that part of it. */
static unsigned long stp_umodule_relocate(const struct stp_umodule *m, unsigned long link)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	unsigned long offset, found = 0;

	if (!mm || !m->inode || !stp_umodule_link_to_offset(m, link, &offset) ||
	    !mmap_read_trylock(mm))
		return 0;
	for (vma = find_vma(mm, 0); vma; vma = find_vma(mm, vma->vm_end)) {
		unsigned long start = vma->vm_pgoff << PAGE_SHIFT;

		if (vma->vm_file && file_inode(vma->vm_file) == m->inode &&
		    offset >= start && offset < start + (vma->vm_end - vma->vm_start)) {
			found = vma->vm_start + (offset - start);
			break;
		}
	}
	mmap_read_unlock(mm);
	return found;
}

static const struct stp_umodule *stp_umodule_named(const char *path)
{
	unsigned i;

	for (i = 0; i < stp_numodules; i++)
		if (strcmp(stp_umodules[i].path, path) == 0)
			return &stp_umodules[i];
	return NULL;
}

/* The function symbol of `m` holding link-time `link`, or NULL. */
static const struct stp_usymbol *stp_umodule_symbol(const struct stp_umodule *m,
						    unsigned long link)
{
	unsigned low = 0, high = m->nsymbols;
	const struct stp_usymbol *s;

	while (low < high) {
		unsigned middle = low + (high - low) / 2;

		if (m->symbols[middle].addr <= link)
			low = middle + 1;
		else
			high = middle;
	}
	if (low == 0)
		return NULL;
	s = &m->symbols[low - 1];
	/* a symbol without a size covers up to the next one */
	if (s->size && link >= s->addr + s->size)
		return NULL;
	return s;
}

static const struct stp_uunwind *stp_umodule_unwind_row(const struct stp_umodule *m,
							unsigned long link)
{
	unsigned low = 0, high = m->nunwind;

	while (low < high) {
		unsigned middle = low + (high - low) / 2;

		if (m->unwind[middle].addr <= link)
			low = middle + 1;
		else
			high = middle;
	}
	if (low == 0 || m->unwind[low - 1].cfa_reg < 0)
		return NULL;
	return &m->unwind[low - 1];
}

/* An address in a binary the module knows nothing of, met while
 * unwinding: say once which binary to name with -d, as stap does. */
static atomic_t stp_umodule_missing_warned;

static void stp_umodule_missing(unsigned long addr)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	char *name = NULL, *buffer = *this_cpu_ptr(&stp_umodule_path_buffer);

	if (atomic_read(&stp_umodule_missing_warned) || !mm || !mmap_read_trylock(mm))
		return;
	vma = find_vma(mm, addr);
	if (vma && vma->vm_start <= addr && vma->vm_file) {
		name = d_path(&vma->vm_file->f_path, buffer, PATH_MAX);
		if (IS_ERR(name))
			name = NULL;
	}
	mmap_read_unlock(mm);
	if (name && atomic_cmpxchg(&stp_umodule_missing_warned, 0, 1) == 0)
		stp_warn("Missing unwind data for a module, rerun with 'stap -d %s'", name);
}

/* The user call chain from `regs`: the probed address, then return
 * addresses, innermost first, at most `max`. Through the unwind rows of
 * the binaries we know, else through the frame pointer chain. */
static unsigned stp_user_backtrace(struct pt_regs *regs, unsigned long *frames, unsigned max)
{
	unsigned long ip, sp, bp;
	unsigned n = 0;

	if (!regs || !user_mode(regs))
		return 0;
	ip = regs->ip;
	sp = regs->sp;
	bp = regs->bp;
	while (n < max && ip) {
		const struct stp_umodule *m;
		const struct stp_uunwind *row = NULL;
		unsigned long link, cfa, ra;

		frames[n++] = ip;
		/* a return address is past the call: look up the call itself */
		m = stp_umodule_at(n == 1 ? ip : ip - 1, &link);
		if (m)
			row = stp_umodule_unwind_row(m, link);
		else
			stp_umodule_missing(ip);
		if (row) {
			unsigned long saved;

			cfa = (row->cfa_reg == 7 ? sp : bp) + row->cfa_off;
			if (stp_uread(&ra, cfa + row->ra_off, sizeof(ra)))
				break;
			if (row->rbp_off) {
				if (stp_uread(&saved, cfa + row->rbp_off, sizeof(saved)))
					break;
				bp = saved;
			}
			sp = cfa;
		} else {
			unsigned long pair[2];

			if (!bp || bp < sp || stp_uread(pair, bp, sizeof(pair)))
				break;
			sp = bp + 16;
			bp = pair[0];
			ra = pair[1];
		}
		if (ra == ip && n > 1)
			break;
		ip = ra;
	}
	return n;
}

/* A user register by DWARF number (0 when the probe has none). */
static inline int64_t stp_user_register(struct context *c, int regno)
{
	return c->uregs ? stp_dwarf_register(c->uregs, regno) : 0;
}

static unsigned long stp_umodule_relocate_named(const char *path, unsigned long link)
{
	const struct stp_umodule *m = stp_umodule_named(path);

	return m ? stp_umodule_relocate(m, link) : 0;
}
