/* The floor of the build benchmark: the smallest module kbuild can build. */
#include <linux/module.h>

static int __init hello_init(void) { return 0; }
static void __exit hello_exit(void) { }

module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
