/* stap5 runtime: probes placed with kprobes: kprobe.function("f"),
 * kprobe.module("m").function("f"), kprobe.statement(ADDR).absolute, the
 * DWARF probes (kernel.function, module().function, kernel.statement: a
 * symbol and an offset into it), and their .return (kretprobes).
 *
 * Placed by name: kprobes resolves "f" or "m:f" itself (kallsyms_lookup_name
 * is not exported to modules), so KASLR and module load addresses need no
 * care here. Like stap, a probe that cannot be placed is a warning, not a
 * failure of the session (silent for optional probes and for module
 * probes); probes the kernel missed count as skipped.
 */

struct stp_kprobe_probe {
	struct stp_probe probe;
	const char *symbol;		/* "f" or "m:f"; NULL with addr */
	unsigned long offset;		/* into symbol */
	unsigned long addr;		/* .statement(ADDR).absolute */
	int maxactive;			/* .return: 0 = kernel default */
	bool optional;			/* no warning if it cannot be placed */
	bool in_module;			/* silent if the module is not loaded */
	union {
		struct kprobe kp;
		struct kretprobe krp;
	} u;
	bool registered;
};

static int stp_kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct stp_kprobe_probe *p = container_of(kp, struct stp_kprobe_probe, u.kp);
	unsigned long ip = instruction_pointer(regs);

	/* A breakpoint-based kprobe sees the address after its int3: show the
	 * handler the probed address (addr(), symdata(addr())), as stap does. */
	instruction_pointer_set(regs, (unsigned long)kp->addr);
	stp_probe_fire(&p->probe, STAP_SESSION_RUNNING, regs);
	instruction_pointer_set(regs, ip);
	return 0;
}

static int stp_kretprobe_fn(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct kretprobe *krp = stp_get_kretprobe(ri);
	struct stp_kprobe_probe *p = container_of(krp, struct stp_kprobe_probe, u.krp);
	struct context *c = stp_probe_enter(&p->probe, STAP_SESSION_RUNNING);

	if (c) {
		c->kregs = regs;
		c->ips.krp.pi = ri;
		stp_probe_run(c);
	}
	return 0;
}

static void stp_kprobe_unregister(struct stp_kprobe_probe *probes, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		struct stp_kprobe_probe *p = &probes[i];

		if (!p->registered)
			continue;
		if (p->probe.is_return) {
			unregister_kretprobe(&p->u.krp);
			atomic_add(p->u.krp.nmissed, &stp_skipped_count);
			atomic_add(p->u.krp.kp.nmissed, &stp_skipped_count);
		} else {
			unregister_kprobe(&p->u.kp);
			atomic_add(p->u.kp.nmissed, &stp_skipped_count);
		}
		p->registered = false;
	}
}

static int stp_kprobe_register_one(struct stp_kprobe_probe *p)
{
	struct kprobe *kp = p->probe.is_return ? &p->u.krp.kp : &p->u.kp;

	memset(&p->u, 0, sizeof(p->u));
	if (p->symbol) {
		kp->symbol_name = p->symbol;
		kp->offset = p->offset;
	} else {
		kp->addr = (kprobe_opcode_t *)p->addr;
	}
	if (p->probe.is_return) {
		p->u.krp.handler = stp_kretprobe_fn;
		p->u.krp.maxactive = p->maxactive;
		return register_kretprobe(&p->u.krp);
	}
	kp->pre_handler = stp_kprobe_pre;
	return register_kprobe(kp);
}

static int stp_kprobe_register(struct stp_kprobe_probe *probes, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		struct stp_kprobe_probe *p = &probes[i];
		int rc = stp_kprobe_register_one(p);

		p->registered = rc == 0;
		if (rc && !p->optional && !p->in_module) {
			if (p->symbol)
				stp_warn("probe %s (%s+%lu) registration error [man warning::pass5] (rc %d)",
					 p->probe.pp, p->symbol, p->offset, rc);
			else
				stp_warn("probe %s (address 0x%lx) registration error [man warning::pass5] (rc %d)",
					 p->probe.pp, p->addr, rc);
		}
	}
	return 0;
}
