/* stap5 runtime: the part of a probe every family shares, and the common
 * probe entry/exit.
 *
 * Each probe family (a file in probes/) has its own probe struct whose first
 * member is a struct stp_probe (handler, probe point, source location,
 * globals to lock, stap's probe_type() name), followed by the family's own
 * parameters and registration state. The generated code fills one array of
 * them per family and calls the family's register/unregister functions with
 * it (see templates/module.c.j2). When a probe fires the family calls
 * stp_probe_enter() / stp_probe_run(), which do what every probe needs:
 * session state check, context, action budget, global locks, output flush,
 * error reporting, skip accounting.
 */

typedef rwlock_t stp_rwlock_t;

/* A global the handler uses, and how. The array must list the globals in
 * one fixed order shared by all probes (declaration order), so that two
 * probes never wait on each other's locks in opposite orders. */
struct stp_probe_lock {
	stp_rwlock_t *lock;
	bool write;
};

struct stp_probe {
	void (*handler)(struct context *c);
	const char *pp;			/* probe point, e.g. timer.ms(100) */
	const char *pn;			/* as the script names it, e.g. myalias (pn()) */
	const char *location;		/* script.stp:3:1 */
	const char *type;		/* probe_type(): "kprobe", "begin_end"... */
	bool is_return;			/* a return probe (is_return()) */
	const struct stp_probe_lock *locks;
	unsigned nlocks;
};

/* Low kernel stack: skip the probe rather than risk overflowing. */
static __always_inline bool stp_stack_too_low(void)
{
	/* (not &local: that would bring in the stack protector) */
	unsigned long sp = (unsigned long)__builtin_frame_address(0);
	unsigned long base = (unsigned long)task_stack_page(current);

	if (sp >= base && sp < base + THREAD_SIZE)
		return sp - base < MINSTACKSPACE;
	return false;	/* interrupt stack: nothing to compare with */
}

/* Take the context for probe p if the session is in `state`. NULL: do not
 * run it (counted as skipped where stap counts it). On success, preemption
 * is disabled until stp_probe_run() returns. */
static __always_inline struct context *stp_probe_enter(const struct stp_probe *p,
						       int state)
{
	struct context *c;

	if (atomic_read(&stp_session_state) != state)
		return NULL;
	preempt_disable();
	if (unlikely(stp_stack_too_low())) {
		atomic_inc(&stp_skipped_lowstack);
		stp_count_skipped();
		goto skip;
	}
	c = stp_context_acquire();
	if (unlikely(!c)) {
		atomic_inc(&stp_skipped_reentrant);
		goto skip;
	}
#ifdef STP_OVERLOAD
	/* (0: not counted, as begin, end and error probes are not) */
	c->cycles_atstart = state == STAP_SESSION_RUNNING ? get_cycles() : 0;
#endif
	c->probe = p;
	c->probe_point = p->pp;
	c->actionremaining = INTERRUPTIBLE ? MAXACTION_INTERRUPTIBLE : MAXACTION;
	c->nesting = -1;
	c->next = 0;
	c->aborted = 0;
	c->last_error = NULL;
	c->last_stmt = NULL;
	c->kregs = NULL;
	c->uregs = NULL;
	c->user_mode_p = 0;
	memset(&c->ips, 0, sizeof(c->ips));
	return c;
skip:
	stp_check_skipped();
	preempt_enable();
	return NULL;
}

/* The lock operations themselves, inlined: handlers already run with
 * preemption disabled, and the out-of-line write_trylock() & co. cost a
 * call (and a return thunk) each on every probe hit. */
static __always_inline void stp_probe_unlock(const struct stp_probe_lock *locks,
					     unsigned n)
{
	while (n-- > 0) {
		if (locks[n].write)
			do_raw_write_unlock(locks[n].lock);
		else
			do_raw_read_unlock(locks[n].lock);
	}
}

/* Take the handler's global locks, each with up to MAXTRYLOCK tries
 * TRYLOCKDELAY us apart (never spin forever in a probe). */
static __always_inline bool stp_probe_lock(const struct stp_probe_lock *locks,
					   unsigned n)
{
	unsigned i, tries = 0;

	for (i = 0; i < n; i++) {
		for (;;) {
			if (locks[i].write ? do_raw_write_trylock(locks[i].lock) :
			    do_raw_read_trylock(locks[i].lock))
				break;
#ifndef STAP_SUPPRESS_TIME_LIMITS_ENABLE
			if (++tries > MAXTRYLOCK) {
				stp_probe_unlock(locks, i);
				return false;
			}
#endif
			udelay(TRYLOCKDELAY);
		}
	}
	return true;
}

#ifdef STP_OVERLOAD
static noinline void stp_overloaded(u64 cycles)
{
	stp_error("probe overhead (%lld cycles) exceeded threshold (%lld cycles) in last %lld cycles",
		  (long long)cycles, (long long)STP_OVERLOAD_THRESHOLD,
		  (long long)STP_OVERLOAD_INTERVAL);
	stp_session_set_state(STAP_SESSION_ERROR);
	atomic_inc(&stp_error_count);
}
#endif

/* Overload detection, as stap does it: add this probe's cycles to its
 * CPU's sum; once per STP_OVERLOAD_INTERVAL, a sum over the threshold ends
 * the session. Begin, end and error probes are not counted. */
static __always_inline void stp_overload_account(struct context *c)
{
#ifdef STP_OVERLOAD
	cycles_t now, interval;

	if (!c->cycles_atstart)
		return;
	now = get_cycles();
	interval = now > c->cycles_base ? now - c->cycles_base
					: STP_OVERLOAD_INTERVAL + 1;
	c->cycles_sum += now - c->cycles_atstart;
	if (interval > STP_OVERLOAD_INTERVAL) {
		if (unlikely(c->cycles_sum > STP_OVERLOAD_THRESHOLD))
			stp_overloaded(c->cycles_sum);
		c->cycles_base = now;
		c->cycles_sum = 0;
	}
#endif
}

/* The handler ended with c->last_error set: report and count it
 * (--suppress-handler-errors: count it only, the session goes on). */
static noinline void stp_probe_failed(struct context *c)
{
#ifdef STAP_SUPPRESS_HANDLER_ERRORS
	atomic_inc(&stp_error_count);
#else
	if (c->last_stmt)
		stp_softerror("%s near %s", c->last_error, c->last_stmt);
	else
		stp_softerror("%s", c->last_error);
	stp_count_error();
#endif
}

/* Run the handler of the probe entered by stp_probe_enter: take its global
 * locks, run it, flush its output, report its error. The context stays held.
 * Returns true if the handler ran and ended without error. */
static __always_inline bool stp_probe_handle(struct context *c)
{
	const struct stp_probe *p = c->probe;

	if (unlikely(!stp_probe_lock(p->locks, p->nlocks))) {
		stp_count_skipped();
		stp_overload_account(c);
		return false;
	}
	p->handler(c);
	stp_probe_unlock(p->locks, p->nlocks);
	stp_print_flush(c);
	stp_overload_account(c);

	if (unlikely(c->last_error)) {
		stp_probe_failed(c);
		return false;
	}
	return !c->aborted;
}

/* Release what stp_probe_enter took. */
static __always_inline void stp_probe_leave(struct context *c)
{
	c->probe_point = NULL;
	stp_check_skipped();
	stp_context_release(c);
	preempt_enable();
}

static __always_inline void stp_probe_run(struct context *c)
{
	stp_probe_handle(c);
	stp_probe_leave(c);
}

/* The common case: enter, run, exit. */
static __always_inline void stp_probe_fire(const struct stp_probe *p, int state,
					   struct pt_regs *regs)
{
	struct context *c = stp_probe_enter(p, state);

	if (c) {
		c->kregs = regs;
		stp_probe_run(c);
	}
}

/* A family's register function takes its array of probes and returns 0,
 * or a negative errno after reporting the probe that failed and undoing its
 * own registrations; its unregister function undoes a successful register:
 *
 *	int stp_FAMILY_register(struct stp_FAMILY_probe *probes, unsigned n);
 *	void stp_FAMILY_unregister(struct stp_FAMILY_probe *probes, unsigned n);
 */
static void stp_probe_registration_error(const struct stp_probe *p, int rc)
{
	stp_error("probe %s registration error [man warning::pass5] (rc %d)",
		  p->pp, rc);
}
