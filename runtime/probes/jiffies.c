/* stap5 runtime: timer.jiffies(N)[.randomize(M)] probes (timer_list). */

struct stp_jiffies_state {
	struct timer_list timer;
	struct stp_probe *probe;
	bool stopping;
};

static inline unsigned long stp_jiffies_next(const struct stp_probe *p)
{
	unsigned long j = p->u.jiffies.interval;

	if (p->u.jiffies.randomize) {
		u64 span = 2 * (u64)p->u.jiffies.randomize + 1;

		j += stp_random_u64(span) - p->u.jiffies.randomize;
	}
	if ((long)j < 1)
		j = 1;
	return j;
}

static void stp_jiffies_fn(struct timer_list *timer)
{
	struct stp_jiffies_state *st = stp_timer_container(st, timer, timer);
	int state = atomic_read(&stp_session_state);

	/* Like stap, the next expiry counts from now (late ticks are not
	 * caught up), and there are no interrupted registers in softirq. */
	if (!READ_ONCE(st->stopping) &&
	    (state == STAP_SESSION_STARTING || state == STAP_SESSION_RUNNING))
		mod_timer(timer, jiffies + stp_jiffies_next(st->probe));
	stp_probe_fire(st->probe, STAP_SESSION_RUNNING, stp_probe_type_timer, NULL);
}

static void stp_jiffies_unregister(struct stp_probe *probes, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		struct stp_jiffies_state *st = probes[i].state;

		if (probes[i].kind != STP_PROBE_JIFFIES || !st)
			continue;
		WRITE_ONCE(st->stopping, true);
		stp_timer_delete_sync(&st->timer);
		kfree(st);
		probes[i].state = NULL;
	}
}

static int stp_jiffies_register(struct stp_probe *probes, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		struct stp_probe *p = &probes[i];
		struct stp_jiffies_state *st;

		if (p->kind != STP_PROBE_JIFFIES)
			continue;
		st = kzalloc(sizeof(*st), GFP_KERNEL);
		if (!st) {
			stp_probe_registration_error(p, -ENOMEM);
			stp_jiffies_unregister(probes, n);
			return -ENOMEM;
		}
		st->probe = p;
		timer_setup(&st->timer, stp_jiffies_fn, 0);
		p->state = st;
		mod_timer(&st->timer, jiffies + stp_jiffies_next(p));
	}
	return 0;
}
