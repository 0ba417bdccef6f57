/* pde_data() (5.17+) replaced PDE_DATA(). */
#include <linux/proc_fs.h>

void *stp_feature_probe(const struct inode *inode) { return pde_data(inode); }
