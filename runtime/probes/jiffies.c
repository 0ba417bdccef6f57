/* stap5 runtime: timer.jiffies(N)[.randomize(M)] probes (timer_list). */

struct stp_jiffies_probe {
	struct stp_probe probe;
	unsigned long interval;
	unsigned long randomize;	/* 0: none */
	struct timer_list timer;
	bool started;
	bool stopping;
};

static inline unsigned long stp_jiffies_next(const struct stp_jiffies_probe *p)
{
	unsigned long j = p->interval;

	if (p->randomize) {
		u64 span = 2 * (u64)p->randomize + 1;

		j += stp_random_u64(span) - p->randomize;
	}
	if ((long)j < 1)
		j = 1;
	return j;
}

static void stp_jiffies_fn(struct timer_list *timer)
{
	struct stp_jiffies_probe *p = stp_timer_container(p, timer, timer);
	int state = atomic_read(&stp_session_state);

	/* Like stap, the next expiry counts from now (late ticks are not
	 * caught up), and there are no interrupted registers in softirq. */
	if (!READ_ONCE(p->stopping) &&
	    (state == STAP_SESSION_STARTING || state == STAP_SESSION_RUNNING))
		mod_timer(timer, jiffies + stp_jiffies_next(p));
	stp_probe_fire(&p->probe, STAP_SESSION_RUNNING, NULL);
}

static void stp_jiffies_unregister(struct stp_jiffies_probe *probes, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (!probes[i].started)
			continue;
		WRITE_ONCE(probes[i].stopping, true);
		stp_timer_delete_sync(&probes[i].timer);
		probes[i].started = false;
	}
}

static int stp_jiffies_register(struct stp_jiffies_probe *probes, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		struct stp_jiffies_probe *p = &probes[i];

		timer_setup(&p->timer, stp_jiffies_fn, 0);
		p->stopping = false;
		p->started = true;
		mod_timer(&p->timer, jiffies + stp_jiffies_next(p));
	}
	return 0;
}
