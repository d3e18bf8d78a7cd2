/* SPDX-License-Identifier: GPL-2.0 */
/* aplab kernel oracle: what the harness's own files share (not seen by the driver). */
#ifndef APLAB_ORACLE_H
#define APLAB_ORACLE_H

#include "../shim/kernel.h"
#include "../shim/aplab_ap_bus.h"

/* ---- output: everything a command prints goes through here */
void out_line(const char *fmt, ...) __printf(1, 2);
void out_raw(const char *s, size_t n);
void oracle_capture(char **buf, size_t *len, size_t *cap);

/* ---- lockdep (kernel.c) */
void lockdep_reset(void);
void lockdep_report(void (*emit)(const char *line));
void lockdep_write_file(const char *path);
const char *lockdep_class(const char *expr);

/* ---- findings: sanitizer-like problems the shims see (kernel.c) */
void oracle_finding(const char *fmt, ...) __printf(1, 2);
extern int oracle_warnings;

/* ---- the kernel log (not printed; kept for debugging with APLAB_ORACLE_DMESG=1) */

/* ---- vfio / mdev core (kernel.c) */
struct mdev_device *mdev_find(const char *uuid);
int mdev_count(void);
struct mdev_device *mdev_nth(int i); /* in creation order */
ssize_t mdev_create_store(const char *buf, size_t count);
ssize_t mdev_remove_store(struct mdev_device *mdev, const char *buf, size_t count);
int mdev_available_instances(void);
int vfio_open(struct vfio_device *vdev, struct kvm *kvm);
void vfio_close(struct vfio_device *vdev);
struct vfio_device *mdev_vfio(struct mdev_device *mdev);
void vfio_core_reset(void);
/* what QEMU does when the driver asks for the device back (6.12's request IRQ) */
extern void (*oracle_request_handler)(struct vfio_device *vdev);
struct eventfd_ctx *eventfd_new(void);
void vfio_set_request_eventfd(struct vfio_device *vdev, int fd);

/* ---- the driver (driver.c) */
int driver_load(void);
extern const struct attribute_group **oracle_mdev_groups;
extern const struct attribute_group **oracle_matrix_groups; /* features (6.12) or NULL */
extern const struct attribute_group *oracle_queue_group;
extern struct ap_matrix_dev **oracle_matrix_dev;
extern struct ap_driver *oracle_vfio_ap_drv;

/* ---- the AP bus (apbus.c) */
struct oracle_cfg {
	unsigned long apm[4], aqm[4], adm[4];
	bool apxa;
	int na, nd;
	int hwtype; /* of cards created by this configuration */
	char type[8];
};
void apbus_reset(void);
void apbus_configure(const struct oracle_cfg *cfg);
struct ap_queue *apbus_queue(int apid, int apqi);
struct ap_card *apbus_card(int apid);
int apbus_max_adapter(void);
unsigned long *apbus_apmask(void);
unsigned long *apbus_aqmask(void);
const struct ap_config_info *apbus_qci(void);
ssize_t apbus_apmask_store(const char *buf, size_t count);
ssize_t apbus_aqmask_store(const char *buf, size_t count);
ssize_t apbus_bind_store(struct ap_driver *drv, const char *buf, size_t count);
ssize_t apbus_unbind_store(struct ap_driver *drv, const char *buf, size_t count);
ssize_t apbus_card_config_store(struct ap_card *card, const char *buf, size_t count);
ssize_t apbus_scans_store(const char *buf, size_t count);
unsigned long apbus_scans(void);
struct ap_driver *apbus_driver(const char *name);
const char *apbus_driver_name(const struct ap_driver *drv);
void apbus_resets(void (*emit)(const char *line));
int apbus_inject(const char *spec);
void qci_masks(const struct ap_config_info *info, unsigned long **apm, unsigned long **aqm, unsigned long **adm);
bool qci_apxa(const struct ap_config_info *info);
int qci_na(const struct ap_config_info *info);
int qci_nd(const struct ap_config_info *info);

/* ---- KVM guests (kvm.c) */
struct kvm *kvm_create(const char *name, bool apxa);
void kvm_destroy(struct kvm *kvm);


extern bool oracle_quiet;
void lockdep_enter_thread(void); /* another task runs (QEMU's thread): its own held-lock stack */
void lockdep_leave_thread(void);
void driver_unload(void);
struct device *oracle_matrix_device(void);
#endif
