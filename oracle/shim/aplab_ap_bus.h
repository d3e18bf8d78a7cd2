/* SPDX-License-Identifier: GPL-2.0 */
/*
 * aplab kernel oracle: the part of drivers/s390/crypto/ap_bus.h that vfio_ap uses (AP device and
 * driver structures, response codes, the mask helpers), implemented by oracle/src/apbus.c.
 * The driver includes it as "ap_bus.h" through a one-line header the build generates.
 */
#ifndef APLAB_ORACLE_AP_BUS_H
#define APLAB_ORACLE_AP_BUS_H

#include <linux/device.h>

#define AP_DEVICES 256
#define AP_DOMAINS 256

#define AP_RESPONSE_NORMAL		     0x00
#define AP_RESPONSE_Q_NOT_AVAIL		     0x01
#define AP_RESPONSE_RESET_IN_PROGRESS	     0x02
#define AP_RESPONSE_DECONFIGURED	     0x03
#define AP_RESPONSE_CHECKSTOPPED	     0x04
#define AP_RESPONSE_BUSY		     0x05
#define AP_RESPONSE_INVALID_ADDRESS	     0x06
#define AP_RESPONSE_OTHERWISE_CHANGED	     0x07
#define AP_RESPONSE_INVALID_GISA	     0x08
#define AP_RESPONSE_Q_BOUND_TO_ANOTHER	     0x09
#define AP_RESPONSE_STATE_CHANGE_IN_PROGRESS 0x0A
#define AP_RESPONSE_Q_NOT_BOUND		     0x0B
#define AP_RESPONSE_Q_FULL		     0x10
#define AP_RESPONSE_NO_PENDING_REPLY	     0x10
#define AP_RESPONSE_INDEX_TOO_BIG	     0x11
#define AP_RESPONSE_NO_FIRST_PART	     0x13
#define AP_RESPONSE_MESSAGE_TOO_BIG	     0x15
#define AP_RESPONSE_REQ_FAC_NOT_INST	     0x16
#define AP_RESPONSE_Q_BIND_ERROR	     0x30
#define AP_RESPONSE_Q_NOT_AVAIL_FOR_ASSOC    0x31
#define AP_RESPONSE_Q_NOT_EMPTY		     0x32
#define AP_RESPONSE_BIND_LIMIT_EXCEEDED	     0x33
#define AP_RESPONSE_INVALID_ASSOC_SECRET     0x34
#define AP_RESPONSE_ASSOC_SECRET_NOT_UNIQUE  0x35
#define AP_RESPONSE_ASSOC_FAILED	     0x36
#define AP_RESPONSE_INVALID_DOMAIN	     0x42

#define AP_DEVICE_TYPE_CEX4	10
#define AP_DEVICE_TYPE_CEX5	11
#define AP_DEVICE_TYPE_CEX6	12
#define AP_DEVICE_TYPE_CEX7	13
#define AP_DEVICE_TYPE_CEX8	14

#define AP_DEVICE_ID_MATCH_CARD_TYPE	0x01
#define AP_DEVICE_ID_MATCH_QUEUE_TYPE	0x02
#define AP_DRIVER_FLAG_DEFAULT		0x0001

struct ap_device_id {
	unsigned short match_flags;
	unsigned char dev_type;
};

struct ap_device {
	struct device device;
	int device_type;
};
struct ap_card {
	struct ap_device ap_dev;
	int id;
	bool config;
	int hwtype;
	char type[8]; /* as lszcrypt shows it: CEX8C */
};
struct ap_queue {
	struct ap_device ap_dev;
	struct hlist_node hnode;
	struct ap_card *card;
	ap_qid_t qid;
	bool probed; /* in the bus's table of probed queues (ap_queues) */
	bool config; /* aq->config: TAPQ's answer at the last scan (ap_scan_domains) */
	int devidx; /* place in the bus's device list */
};
#define to_ap_dev(x) container_of((x), struct ap_device, device)
#define to_ap_queue(x) container_of((x), struct ap_queue, ap_dev.device)
#define to_ap_card(x) container_of((x), struct ap_card, ap_dev.device)

struct ap_driver {
	struct device_driver driver;
	struct ap_device_id *ids;
	unsigned int flags;
	int (*probe)(struct ap_device *);
	void (*remove)(struct ap_device *);
	int (*in_use)(unsigned long *apm, unsigned long *aqm);
	void (*on_config_changed)(struct ap_config_info *new_config_info,
				  struct ap_config_info *old_config_info);
	void (*on_scan_complete)(struct ap_config_info *new_config_info,
				 struct ap_config_info *old_config_info);
};
#define to_ap_drv(x) container_of((x), struct ap_driver, driver)

int ap_driver_register(struct ap_driver *drv, struct module *owner, char *name);
void ap_driver_unregister(struct ap_driver *drv);
struct ap_queue *ap_get_qdev(ap_qid_t qid);
int ap_hex2bitmap(const char *str, unsigned long *bitmap, int bits);
int ap_owned_by_def_drv(int card, int queue);
int ap_apqn_in_matrix_owned_by_def_drv(unsigned long *apm, unsigned long *aqm);
extern struct mutex ap_perms_mutex;

#endif /* APLAB_ORACLE_AP_BUS_H */
