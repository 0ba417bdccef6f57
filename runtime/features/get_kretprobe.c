/* get_kretprobe() (5.11+): kretprobe_instance no longer has ->rp. */
#include <linux/kprobes.h>

struct kretprobe *stp_feature_probe(struct kretprobe_instance *ri)
{
	return get_kretprobe(ri);
}
