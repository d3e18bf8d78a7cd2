// SPDX-License-Identifier: GPL-2.0
/*
 * aplab kernel oracle: the real driver. This translation unit includes the kernel's own
 * drivers/s390/crypto/vfio_ap_ops.c and vfio_ap_drv.c, extracted at build time from Debian's
 * linux-source package into oracle/build/ (never committed), compiled against oracle/shim/.
 * Their static functions and tables are reached through the pointers at the end.
 */
#include "vfio_ap_ops.c"
#include "vfio_ap_drv.c"

#include "oracle.h"

const struct attribute_group **oracle_mdev_groups = vfio_ap_mdev_attr_groups;
const struct attribute_group *oracle_queue_group = &vfio_queue_attr_group;
#if ORACLE_KERNEL >= 612
const struct attribute_group **oracle_matrix_groups = matrix_dev_groups;
#else
const struct attribute_group **oracle_matrix_groups;
#endif
struct ap_matrix_dev **oracle_matrix_dev = &matrix_dev;
struct ap_driver *oracle_vfio_ap_drv = &vfio_ap_drv;

int driver_load(void) { return oracle_module_init(); }
void driver_unload(void) { oracle_module_exit(); }
struct device *oracle_matrix_device(void) { return &matrix_dev->device; }
