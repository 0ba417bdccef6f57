/* stap5 runtime: timer.s/ms/us/ns/hz(N)[.randomize(M)] probes (hrtimers).
 *
 * One hrtimer per probe, on the CPU that started it; each expiry is scheduled
 * from the previous one (no drift), plus a uniform random offset in
 * [-randomize, +randomize] when asked.
 */

struct stp_hrtimer_state {
	struct hrtimer timer;
	struct stp_probe *probe;
};

static inline u64 stp_hrtimer_next_interval(const struct stp_probe *p)
{
	u64 ns = p->u.hrtimer.interval;

	if (p->u.hrtimer.randomize) {
		u64 span = 2 * p->u.hrtimer.randomize + 1;

		ns += stp_random_u64(span) - p->u.hrtimer.randomize;
	}
	/* Never below the timer resolution (nor "negative"). */
	if ((s64)ns < (s64)hrtimer_resolution)
		ns = hrtimer_resolution;
	return ns;
}

static enum hrtimer_restart stp_hrtimer_fn(struct hrtimer *timer)
{
	struct stp_hrtimer_state *st = container_of(timer, struct stp_hrtimer_state, timer);
	int state = atomic_read(&stp_session_state);
	enum hrtimer_restart rc = HRTIMER_NORESTART;

	if (state == STAP_SESSION_STARTING || state == STAP_SESSION_RUNNING) {
		hrtimer_set_expires(timer, ktime_add_ns(hrtimer_get_expires(timer),
					stp_hrtimer_next_interval(st->probe)));
		rc = HRTIMER_RESTART;
	}
	/* No registers: what the timer interrupted is not the probe's business
	 * (stap's timer.ms has registers_valid() 0 and addr() 0 too). */
	stp_probe_fire(st->probe, STAP_SESSION_RUNNING, stp_probe_type_hrtimer, NULL);
	return rc;
}

static void stp_hrtimer_unregister(struct stp_probe *probes, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		struct stp_hrtimer_state *st = probes[i].state;

		if (probes[i].kind != STP_PROBE_HRTIMER || !st)
			continue;
		hrtimer_cancel(&st->timer);
		kfree(st);
		probes[i].state = NULL;
	}
}

static int stp_hrtimer_register(struct stp_probe *probes, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		struct stp_probe *p = &probes[i];
		struct stp_hrtimer_state *st;

		if (p->kind != STP_PROBE_HRTIMER)
			continue;
		st = kzalloc(sizeof(*st), GFP_KERNEL);
		if (!st) {
			stp_probe_registration_error(p, -ENOMEM);
			stp_hrtimer_unregister(probes, n);
			return -ENOMEM;
		}
		st->probe = p;
		stp_hrtimer_setup(&st->timer, stp_hrtimer_fn);
		p->state = st;
		hrtimer_start(&st->timer, ns_to_ktime(stp_hrtimer_next_interval(p)),
			      HRTIMER_MODE_REL);
	}
	return 0;
}
