/* stap5 runtime: timer.profile, a per-CPU tick for sampling.
 *
 * The kernel's old profiling hooks are gone; like stap on recent kernels we
 * use a perf software cpu-clock event on each online CPU, sampling every
 * STP_PROFILE_PERIOD_NS. The handler sees the interrupted registers.
 */

#ifndef STP_PROFILE_PERIOD_NS
#define STP_PROFILE_PERIOD_NS 1000000
#endif

struct stp_profile_state {
	struct perf_event **events;	/* [nr_cpu_ids] */
};

static void stp_profile_fn(struct perf_event *event, struct perf_sample_data *data,
			   struct pt_regs *regs)
{
	const struct stp_probe *p = event->overflow_handler_context;
	struct context *c = stp_probe_enter(p, STAP_SESSION_RUNNING,
					    stp_probe_type_profile_timer);

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

static void stp_profile_unregister(struct stp_probe *probes, unsigned n)
{
	unsigned i, cpu;

	for (i = 0; i < n; i++) {
		struct stp_profile_state *st = probes[i].state;

		if (probes[i].kind != STP_PROBE_PROFILE || !st)
			continue;
		for_each_possible_cpu(cpu)
			if (st->events && st->events[cpu])
				perf_event_release_kernel(st->events[cpu]);
		kfree(st->events);
		kfree(st);
		probes[i].state = NULL;
	}
}

static int stp_profile_register(struct stp_probe *probes, unsigned n)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.size = sizeof(struct perf_event_attr),
		.sample_period = STP_PROFILE_PERIOD_NS,
		.pinned = 1,
	};
	unsigned i, cpu;
	int rc;

	for (i = 0; i < n; i++) {
		struct stp_probe *p = &probes[i];
		struct stp_profile_state *st;

		if (p->kind != STP_PROBE_PROFILE)
			continue;
		rc = -ENOMEM;
		st = kzalloc(sizeof(*st), GFP_KERNEL);
		if (!st)
			goto fail;
		p->state = st;
		st->events = kcalloc(nr_cpu_ids, sizeof(*st->events), GFP_KERNEL);
		if (!st->events)
			goto fail;
		for_each_online_cpu(cpu) {
			struct perf_event *e = perf_event_create_kernel_counter(
				&attr, cpu, NULL, stp_profile_fn, p);

			if (IS_ERR(e)) {
				rc = PTR_ERR(e);
				goto fail;
			}
			st->events[cpu] = e;
		}
		continue;
fail:
		stp_probe_registration_error(p, rc);
		stp_profile_unregister(probes, n);
		return rc;
	}
	return 0;
}
