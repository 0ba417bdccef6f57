/* procfs files take a struct proc_ops (5.6+), not file_operations. */
#include <linux/proc_fs.h>

static const struct proc_ops stp_probe_ops = { .proc_read = NULL };
const struct proc_ops *stp_feature_probe(void) { return &stp_probe_ops; }
