/* stap5 runtime: what the context tapset functions return (pid(), execname(),
 * cpu(), gettimeofday_ns(), ...): small, safe in any probe context. */

static inline int64_t stp_pid(void) { return current->tgid; }
static inline int64_t stp_tid(void) { return current->pid; }
static inline int64_t stp_cpu(void) { return smp_processor_id(); }
static inline int64_t stp_target(void) { return _stp_target; }

static inline int64_t stp_ppid(void)
{
	struct task_struct *parent;
	int64_t ppid;

	rcu_read_lock();
	parent = rcu_dereference(current->real_parent);
	ppid = parent ? parent->tgid : 0;
	rcu_read_unlock();
	return ppid;
}

static inline void stp_execname(char *dst)
{
	strscpy(dst, current->comm, MAXSTRINGLEN);
}

static inline int64_t stp_uid(void)
{
	return from_kuid_munged(current_user_ns(), current_uid());
}

static inline int64_t stp_euid(void)
{
	return from_kuid_munged(current_user_ns(), current_euid());
}

static inline int64_t stp_gid(void)
{
	return from_kgid_munged(current_user_ns(), current_gid());
}

static inline int64_t stp_egid(void)
{
	return from_kgid_munged(current_user_ns(), current_egid());
}

/* Wall clock, NMI-safe. */
static inline int64_t stp_gettimeofday_ns(void) { return ktime_get_real_fast_ns(); }
static inline int64_t stp_gettimeofday_us(void) { return div_s64(stp_gettimeofday_ns(), NSEC_PER_USEC); }
static inline int64_t stp_gettimeofday_ms(void) { return div_s64(stp_gettimeofday_ns(), NSEC_PER_MSEC); }
static inline int64_t stp_gettimeofday_s(void) { return div_s64(stp_gettimeofday_ns(), NSEC_PER_SEC); }

static inline int64_t stp_jiffies(void) { return get_jiffies_64(); }
static inline int64_t stp_get_cycles(void) { return get_cycles(); }
static inline int64_t stp_local_clock_ns(void) { return local_clock(); }
static inline int64_t stp_cpu_clock_ns(int64_t cpu)
{
	if (cpu < 0 || cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return 0;
	return cpu_clock(cpu);
}

/* randint(n): [0, n), n at most 2^20 as in stap. */
static int64_t stp_randint(struct context *c, int64_t n)
{
	if ((uint64_t)n > 1024 * 1024) {
		c->last_error = "range too wide";
		return 0;
	}
	return stp_random_u64(n);
}
