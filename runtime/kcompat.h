/* stap5 runtime: kernel API differences, absorbed once.
 *
 * The STAPCONF_* macros come from stapconf.h, which stap5/build/features.py
 * generates for the kernel tree being built against by compiling the tests in
 * runtime/features/ (never by guessing from version numbers). Everything else
 * in the runtime calls the stp_* wrappers below.
 */
#ifndef STP_KCOMPAT_H
#define STP_KCOMPAT_H

#include <linux/hrtimer.h>
#include <linux/timer.h>
#include <linux/kprobes.h>
#include <linux/proc_fs.h>
#include <linux/random.h>

/* hrtimer_setup() replaced hrtimer_init() + setting .function (6.13). */
static inline void stp_hrtimer_setup(struct hrtimer *t,
				     enum hrtimer_restart (*fn)(struct hrtimer *))
{
#ifdef STAPCONF_HRTIMER_SETUP
	hrtimer_setup(t, fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
#else
	hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	t->function = fn;
#endif
}

/* from_timer() became timer_container_of() (6.16). */
#ifdef STAPCONF_TIMER_CONTAINER_OF
#define stp_timer_container(var, t, field) timer_container_of(var, t, field)
#else
#define stp_timer_container(var, t, field) from_timer(var, t, field)
#endif

/* del_timer_sync() is gone (6.15); timer_delete_sync() appeared in 6.2 and
 * was backported to some stable trees. */
static inline void stp_timer_delete_sync(struct timer_list *t)
{
#ifdef STAPCONF_TIMER_DELETE_SYNC
	timer_delete_sync(t);
#else
	del_timer_sync(t);
#endif
}

/* The kretprobe of an instance: get_kretprobe() since 5.11. */
static inline struct kretprobe *stp_get_kretprobe(struct kretprobe_instance *ri)
{
#ifdef STAPCONF_GET_KRETPROBE
	return get_kretprobe(ri);
#else
	return ri->rp;
#endif
}

/* PDE_DATA() became pde_data() (5.17). */
static inline void *stp_pde_data(const struct inode *inode)
{
#ifdef STAPCONF_PDE_DATA_LOWER
	return pde_data(inode);
#else
	return PDE_DATA(inode);
#endif
}

/* A uniform random number in [0, n). */
static inline u64 stp_random_u64(u64 n)
{
	if (n <= 1)
		return 0;
#ifdef STAPCONF_GET_RANDOM_U32_BELOW
	if (n <= U32_MAX)
		return get_random_u32_below((u32)n);
#else
	if (n <= U32_MAX)
		return prandom_u32_max((u32)n);
#endif
	{
		u64 rem;

		div64_u64_rem(get_random_u64(), n, &rem);
		return rem;
	}
}

#endif /* STP_KCOMPAT_H */
