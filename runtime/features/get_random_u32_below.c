/* get_random_u32_below() (6.2+, backported to 6.1.y) replaced prandom_u32_max(). */
#include <linux/random.h>

u32 stp_feature_probe(u32 n) { return get_random_u32_below(n); }
