/* hrtimer_setup() (6.13+) replaced hrtimer_init(). */
#include <linux/hrtimer.h>

static enum hrtimer_restart fn(struct hrtimer *t) { return HRTIMER_NORESTART; }
void stp_feature_probe(struct hrtimer *t)
{
	hrtimer_setup(t, fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
}
