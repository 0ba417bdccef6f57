/* The floor of the kprobe cost benchmark: a hand-written module with one
 * kprobe that only counts its hits. */
#include <linux/module.h>
#include <linux/kprobes.h>
#include <linux/atomic.h>

static atomic64_t hits = ATOMIC64_INIT(0);

static int pre_handler(struct kprobe *p, struct pt_regs *regs)
{
	atomic64_inc(&hits);
	return 0;
}

static struct kprobe probe = {
	.symbol_name = "__x64_sys_getpid",
	.pre_handler = pre_handler,
};

static int __init bare_init(void)
{
	return register_kprobe(&probe);
}

static void __exit bare_exit(void)
{
	unregister_kprobe(&probe);
	pr_info("bare_kprobe: %lld hits\n", (long long)atomic64_read(&hits));
}

module_init(bare_init);
module_exit(bare_exit);
MODULE_LICENSE("GPL");
