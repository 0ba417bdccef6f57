/* timer_container_of() (6.16+) replaced from_timer(). */
#include <linux/timer.h>

struct holder { struct timer_list t; };
struct holder *stp_feature_probe(struct timer_list *t)
{
	struct holder *h = timer_container_of(h, t, t);
	return h;
}
