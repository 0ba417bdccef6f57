/* timer_delete_sync() (6.2+, and some stable backports). */
#include <linux/timer.h>

int stp_feature_probe(struct timer_list *t) { return timer_delete_sync(t); }
