/* stap5 runtime: kprobe.function("f"), kprobe.module("m").function("f"),
 * kprobe.statement(ADDR).absolute, and their .return (kretprobes).
 *
 * Placed by name: kprobes resolves "f" or "m:f" itself (kallsyms_lookup_name
 * is not exported to modules). Like stap, a probe that cannot be placed is a
 * warning, not a failure of the session (silent for optional probes and for
 * module probes); probes the kernel missed count as skipped.
 */

struct stp_kprobe_state {
	union {
		struct kprobe kp;
		struct kretprobe krp;
	} u;
	struct stp_probe *probe;
	char symbol[KSYM_NAME_LEN + MODULE_NAME_LEN + 2];
	bool registered;
};

static int stp_kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct stp_kprobe_state *st = container_of(kp, struct stp_kprobe_state, u.kp);
	unsigned long ip = instruction_pointer(regs);

	/* A breakpoint-based kprobe sees the address after its int3: show the
	 * handler the probed address (addr(), symdata(addr())), as stap does. */
	instruction_pointer_set(regs, (unsigned long)kp->addr);
	stp_probe_fire(st->probe, STAP_SESSION_RUNNING, stp_probe_type_kprobe, regs);
	instruction_pointer_set(regs, ip);
	return 0;
}

static int stp_kretprobe_fn(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct kretprobe *krp = stp_get_kretprobe(ri);
	struct stp_kprobe_state *st = container_of(krp, struct stp_kprobe_state, u.krp);
	struct context *c = stp_probe_enter(st->probe, STAP_SESSION_RUNNING,
					    stp_probe_type_kretprobe);

	if (c) {
		c->kregs = regs;
		c->ips.krp.pi = ri;
		stp_probe_run(c);
	}
	return 0;
}

static void stp_kprobe_unregister(struct stp_probe *probes, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		struct stp_kprobe_state *st = probes[i].state;

		if ((probes[i].kind != STP_PROBE_KPROBE &&
		     probes[i].kind != STP_PROBE_KRETPROBE) || !st)
			continue;
		if (st->registered) {
			if (probes[i].kind == STP_PROBE_KRETPROBE) {
				unregister_kretprobe(&st->u.krp);
				atomic_add(st->u.krp.nmissed, &stp_skipped_count);
				atomic_add(st->u.krp.kp.nmissed, &stp_skipped_count);
			} else {
				unregister_kprobe(&st->u.kp);
				atomic_add(st->u.kp.nmissed, &stp_skipped_count);
			}
		}
		kfree(st);
		probes[i].state = NULL;
	}
}

static int stp_kprobe_register_one(struct stp_probe *p, struct stp_kprobe_state *st)
{
	struct kprobe *kp = p->kind == STP_PROBE_KRETPROBE ? &st->u.krp.kp : &st->u.kp;

	if (p->u.kprobe.symbol) {
		if (p->u.kprobe.module && p->u.kprobe.module[0] &&
		    strcmp(p->u.kprobe.module, "kernel") != 0)
			snprintf(st->symbol, sizeof(st->symbol), "%s:%s",
				 p->u.kprobe.module, p->u.kprobe.symbol);
		else
			strscpy(st->symbol, p->u.kprobe.symbol, sizeof(st->symbol));
		kp->symbol_name = st->symbol;
		kp->offset = p->u.kprobe.offset;
	} else {
		kp->addr = (kprobe_opcode_t *)p->u.kprobe.addr;
	}
	if (p->kind == STP_PROBE_KRETPROBE) {
		st->u.krp.handler = stp_kretprobe_fn;
		st->u.krp.maxactive = p->u.kprobe.maxactive;
		return register_kretprobe(&st->u.krp);
	}
	kp->pre_handler = stp_kprobe_pre;
	return register_kprobe(kp);
}

static int stp_kprobe_register(struct stp_probe *probes, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		struct stp_probe *p = &probes[i];
		struct stp_kprobe_state *st;
		bool in_module;
		int rc;

		if (p->kind != STP_PROBE_KPROBE && p->kind != STP_PROBE_KRETPROBE)
			continue;
		st = kzalloc(sizeof(*st), GFP_KERNEL);
		if (!st) {
			stp_probe_registration_error(p, -ENOMEM);
			stp_kprobe_unregister(probes, n);
			return -ENOMEM;
		}
		st->probe = p;
		p->state = st;
		rc = stp_kprobe_register_one(p, st);
		st->registered = rc == 0;
		in_module = p->u.kprobe.module && p->u.kprobe.module[0] &&
			strcmp(p->u.kprobe.module, "kernel") != 0;
		if (rc && !p->u.kprobe.optional && !in_module) {
			if (p->u.kprobe.symbol)
				stp_warn("probe %s (%s+%lu) registration error [man warning::pass5] (rc %d)",
					 p->pp, p->u.kprobe.symbol,
					 p->u.kprobe.offset, rc);
			else
				stp_warn("probe %s (address 0x%lx) registration error [man warning::pass5] (rc %d)",
					 p->pp, p->u.kprobe.addr, rc);
		}
	}
	return 0;
}
