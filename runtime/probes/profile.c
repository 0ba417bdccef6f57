/* stap5 runtime: timer.profile, a per-CPU tick for sampling.
 *
 * The kernel's old profiling hooks are gone; like stap on recent kernels we
 * use a perf software cpu-clock event on each online CPU, sampling every
 * STP_PROFILE_PERIOD_NS. The handler sees the interrupted registers.
 */

#ifndef STP_PROFILE_PERIOD_NS
#define STP_PROFILE_PERIOD_NS 1000000
#endif

struct stp_profile_probe {
	struct stp_probe probe;
	struct perf_event **events;	/* [nr_cpu_ids] */
};

static void stp_profile_fn(struct perf_event *event, struct perf_sample_data *data,
			   struct pt_regs *regs)
{
	const struct stp_probe *p = event->overflow_handler_context;
	struct context *c = stp_probe_enter(p, STAP_SESSION_RUNNING);

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

static void stp_profile_unregister(struct stp_profile_probe *probes, unsigned n)
{
	unsigned i, cpu;

	for (i = 0; i < n; i++) {
		struct stp_profile_probe *p = &probes[i];

		if (!p->events)
			continue;
		for_each_possible_cpu(cpu)
			if (p->events[cpu])
				perf_event_release_kernel(p->events[cpu]);
		kfree(p->events);
		p->events = NULL;
	}
}

static int stp_profile_register(struct stp_profile_probe *probes, unsigned n)
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
		struct stp_profile_probe *p = &probes[i];

		rc = -ENOMEM;
		p->events = kcalloc(nr_cpu_ids, sizeof(*p->events), GFP_KERNEL);
		if (!p->events)
			goto fail;
		for_each_online_cpu(cpu) {
			struct perf_event *e = perf_event_create_kernel_counter(
				&attr, cpu, NULL, stp_profile_fn, &p->probe);

			if (IS_ERR(e)) {
				rc = PTR_ERR(e);
				goto fail;
			}
			p->events[cpu] = e;
		}
		continue;
fail:
		stp_probe_registration_error(&p->probe, rc);
		stp_profile_unregister(probes, n);
		return rc;
	}
	return 0;
}
