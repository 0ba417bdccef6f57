/* stap5 runtime: timer.s/ms/us/ns/hz(N)[.randomize(M)] probes (hrtimers).
 *
 * One hrtimer per probe, on the CPU that started it; each expiry is scheduled
 * from the previous one (no drift), plus a uniform random offset in
 * [-randomize, +randomize] when asked.
 */

struct stp_hrtimer_probe {
	struct stp_probe probe;
	u64 interval;			/* nanoseconds */
	u64 randomize;			/* nanoseconds, 0: none */
	struct hrtimer timer;
	bool started;
};

static inline u64 stp_hrtimer_next_interval(const struct stp_hrtimer_probe *p)
{
	u64 ns = p->interval;

	if (p->randomize) {
		u64 span = 2 * p->randomize + 1;

		ns += stp_random_u64(span) - p->randomize;
	}
	/* Never below the timer resolution (nor "negative"). */
	if ((s64)ns < (s64)hrtimer_resolution)
		ns = hrtimer_resolution;
	return ns;
}

static enum hrtimer_restart stp_hrtimer_fn(struct hrtimer *timer)
{
	struct stp_hrtimer_probe *p = container_of(timer, struct stp_hrtimer_probe, timer);
	int state = atomic_read(&stp_session_state);
	enum hrtimer_restart rc = HRTIMER_NORESTART;

	if (state == STAP_SESSION_STARTING || state == STAP_SESSION_RUNNING) {
		hrtimer_set_expires(timer, ktime_add_ns(hrtimer_get_expires(timer),
					stp_hrtimer_next_interval(p)));
		rc = HRTIMER_RESTART;
	}
	/* No registers: what the timer interrupted is not the probe's business
	 * (stap's timer.ms has registers_valid() 0 and addr() 0 too). */
	stp_probe_fire(&p->probe, STAP_SESSION_RUNNING, NULL);
	return rc;
}

static void stp_hrtimer_unregister(struct stp_hrtimer_probe *probes, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (!probes[i].started)
			continue;
		hrtimer_cancel(&probes[i].timer);
		probes[i].started = false;
	}
}

static int stp_hrtimer_register(struct stp_hrtimer_probe *probes, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		struct stp_hrtimer_probe *p = &probes[i];

		stp_hrtimer_setup(&p->timer, stp_hrtimer_fn);
		p->started = true;
		hrtimer_start(&p->timer, ns_to_ktime(stp_hrtimer_next_interval(p)),
			      HRTIMER_MODE_REL);
	}
	return 0;
}
