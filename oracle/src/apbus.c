// SPDX-License-Identifier: GPL-2.0
/*
 * aplab kernel oracle: a small AP bus around the real driver, after drivers/s390/crypto/ap_bus.c,
 * ap_card.c and ap_queue.c (behaviour, not code): the QCI result and its limits, card and queue
 * devices created and removed by a bus scan (ap_scan_bus: on_config_changed, then the adapters in
 * order with their queues' probe/remove, then on_scan_complete), apmask/aqmask with the
 * drivers' in_use consulted before a change commits (apmask_commit/aqmask_commit, EBUSY), the
 * re-probe of queues whose owner changed (ap_bus_revise_bindings), bind/unbind through the
 * driver core's rules (bind_store/unbind_store), ap_device_probe's ownership test, and the AP
 * instructions answering like a healthy card (a card configured off answers 0x03).
 */
#include "oracle.h"

DEFINE_MUTEX(ap_perms_mutex);
static DEFINE_MUTEX(ap_scan_bus_mutex);
static unsigned long nscans; /* ap_scan_bus_count */

static struct ap_config_info qci, qci_old;
static unsigned long perms_apm[4], perms_aqm[4];
static struct ap_card *cards[AP_DEVICES];
static struct ap_queue *queues[AP_DEVICES][AP_DOMAINS];
/* the bus's device list in registration order (bus_for_each_dev) */
static struct ap_queue **devlist;
static int ndev, capdev;
static int new_hwtype = AP_DEVICE_TYPE_CEX8;
static char new_type[8] = "CEX8C";

/* resets the driver issued (ZAPQ), for @@resets@@ */
static char (*resets)[8];
static int nresets, capresets;
static bool bus_zapq; /* the bus's own ZAPQ (ap_queue_remove) is not the driver's */
bool oracle_quiet; /* teardown between transcripts: nothing recorded */

/* ------------------------------------------------------------------ QCI helpers */
void qci_masks(const struct ap_config_info *info, unsigned long **apm, unsigned long **aqm, unsigned long **adm)
{
	*apm = (unsigned long *)info->apm;
	*aqm = (unsigned long *)info->aqm;
	*adm = (unsigned long *)info->adm;
}
bool qci_apxa(const struct ap_config_info *info) { return info->apxa; }
#if ORACLE_KERNEL >= 612
int qci_na(const struct ap_config_info *info) { return info->na; }
int qci_nd(const struct ap_config_info *info) { return info->nd; }
#else
int qci_na(const struct ap_config_info *info) { return info->Na; }
int qci_nd(const struct ap_config_info *info) { return info->Nd; }
#endif
const struct ap_config_info *apbus_qci(void) { return &qci; }
/* ap_max_adapter_id / ap_max_domain_id as ap_bus.c derives them from QCI */
int apbus_max_adapter(void) { return qci.apxa && qci_na(&qci) ? qci_na(&qci) : 63; }
static int max_domain(void) { return qci.apxa && qci_nd(&qci) ? qci_nd(&qci) : 15; }

int ap_qci(struct ap_config_info *info)
{
	memcpy(info, &qci, sizeof(qci));
	return 0;
}

/* ------------------------------------------------------------------ AP instructions */
static struct ap_queue_status status_of(ap_qid_t qid)
{
	struct ap_queue_status st;
	int apid = AP_QID_CARD(qid), apqi = AP_QID_QUEUE(qid);
	unsigned long *apm, *aqm, *adm;
	memset(&st, 0, sizeof(st));
	qci_masks(&qci, &apm, &aqm, &adm);
	/* the hardware answers by the configuration, whether or not the bus made a device yet */
	if (!test_bit_inv(apid, apm) || !test_bit_inv(apqi, aqm)) {
		st.response_code = AP_RESPONSE_Q_NOT_AVAIL;
		return st;
	}
	if (cards[apid] && !cards[apid]->config) {
		st.response_code = AP_RESPONSE_DECONFIGURED;
		return st;
	}
	st.queue_empty = 1;
	st.response_code = AP_RESPONSE_NORMAL;
	return st;
}
/*
 * Injected responses (@@inject@@): the next ZAPQ/TAPQ/AQIC of an APQN in the configuration
 * answers the given response code instead of the healthy card's (one shot each).
 */
#define MAX_INJECT 64
static struct { int instr; int apqn; int rc; } injected[MAX_INJECT];
static int ninjected;
enum { I_ZAPQ, I_TAPQ, I_AQIC };
static struct ap_queue_status answer(int instr, ap_qid_t qid)
{
	struct ap_queue_status st = status_of(qid);
	int i;
	if (st.response_code == AP_RESPONSE_Q_NOT_AVAIL)
		return st;
	for (i = 0; i < ninjected; i++)
		if (injected[i].instr == instr && injected[i].apqn == (int)qid) {
			st.response_code = (unsigned int)injected[i].rc;
			st.queue_empty = injected[i].rc == AP_RESPONSE_NORMAL;
			memmove(&injected[i], &injected[i + 1], (ninjected - i - 1) * sizeof(injected[0]));
			ninjected--;
			break;
		}
	return st;
}
/* "zapq 05.0004 03": 0, or -EINVAL for a line that is not one */
int apbus_inject(const char *spec)
{
	char what[8];
	unsigned int apid, apqi, rc;
	int instr, n = 0;
	if (sscanf(spec, "%7s %2x.%4x %x%n", what, &apid, &apqi, &rc, &n) != 4 || spec[n] || apqi > 255 || rc > 255)
		return -EINVAL;
	if (!strcmp(what, "zapq"))
		instr = I_ZAPQ;
	else if (!strcmp(what, "tapq"))
		instr = I_TAPQ;
	else if (!strcmp(what, "aqic"))
		instr = I_AQIC;
	else
		return -EINVAL;
	if (ninjected == MAX_INJECT)
		return -ENOSPC;
	injected[ninjected].instr = instr;
	injected[ninjected].apqn = (int)AP_MKQID(apid, apqi);
	injected[ninjected].rc = (int)rc;
	ninjected++;
	return 0;
}
static void record_reset(ap_qid_t qid)
{
	if (bus_zapq || oracle_quiet)
		return;
	if (nresets == capresets) {
		capresets = capresets ? 2 * capresets : 256;
		resets = realloc(resets, capresets * sizeof(*resets));
	}
	snprintf(resets[nresets++], 8, "%02x.%04x", AP_QID_CARD(qid), AP_QID_QUEUE(qid));
}
#if ORACLE_KERNEL >= 612
struct ap_queue_status ap_tapq(ap_qid_t qid, struct ap_tapq_hwinfo *info)
{
	int apid = AP_QID_CARD(qid & 0xffff);
	if (info) {
		memset(info, 0, sizeof(*info));
		info->at = (unsigned int)(cards[apid] ? cards[apid]->hwtype : new_hwtype);
	}
	return answer(I_TAPQ, qid & 0xffff);
}
struct ap_queue_status ap_zapq(ap_qid_t qid, int fbit)
{
	(void)fbit;
	record_reset(qid);
	return bus_zapq ? status_of(qid) : answer(I_ZAPQ, qid);
}
struct ap_queue_status ap_aqic(ap_qid_t qid, union ap_qirq_ctrl qirqctrl, phys_addr_t pa_ind)
{
	(void)qirqctrl; (void)pa_ind;
	return answer(I_AQIC, qid);
}
#else
struct ap_queue_status ap_tapq(ap_qid_t qid, unsigned long *info)
{
	int apid = AP_QID_CARD(qid & 0xffff);
	/* GR2: the adapter type in bits 32-39 of the 64-bit register */
	if (info)
		*info = (unsigned long)(cards[apid] ? cards[apid]->hwtype : new_hwtype) << 24;
	return answer(I_TAPQ, qid & 0xffff);
}
struct ap_queue_status ap_zapq(ap_qid_t qid)
{
	record_reset(qid);
	return bus_zapq ? status_of(qid) : answer(I_ZAPQ, qid);
}
struct ap_queue_status ap_aqic(ap_qid_t qid, struct ap_qirq_ctrl qirqctrl, phys_addr_t pa_ind)
{
	(void)qirqctrl; (void)pa_ind;
	return answer(I_AQIC, qid);
}
#endif
void apbus_resets(void (*emit)(const char *line))
{
	int i;
	for (i = 0; i < nresets; i++)
		emit(resets[i]);
	nresets = 0;
}

/* ------------------------------------------------------------------ drivers */
/* zcrypt's cex4queue: the default driver, it takes every queue reserved for the host */
static int cex4_probe(struct ap_device *ap) { (void)ap; return 0; }
static void cex4_remove(struct ap_device *ap) { (void)ap; }
static struct ap_driver cex4queue_driver = {
	.driver = { .name = "cex4queue" },
	.flags = AP_DRIVER_FLAG_DEFAULT,
	.probe = cex4_probe,
	.remove = cex4_remove,
};
#define MAX_DRIVERS 2
static struct ap_driver *drivers[MAX_DRIVERS];
static int ndrivers;
int ap_driver_register(struct ap_driver *drv, struct module *owner, char *name)
{
	drv->driver.owner = owner;
	drv->driver.name = name;
	if (ndrivers < MAX_DRIVERS)
		drivers[ndrivers++] = drv;
	return 0;
}
void ap_driver_unregister(struct ap_driver *drv)
{
	int i;
	for (i = 0; i < ndrivers; i++)
		if (drivers[i] == drv) {
			memmove(&drivers[i], &drivers[i + 1], (ndrivers - i - 1) * sizeof(drivers[0]));
			ndrivers--;
		}
}
struct ap_driver *apbus_driver(const char *name)
{
	int i;
	for (i = 0; i < ndrivers; i++)
		if (!strcmp(drivers[i]->driver.name, name))
			return drivers[i];
	return NULL;
}
const char *apbus_driver_name(const struct ap_driver *drv) { return drv->driver.name; }
/* ap_bus_match: the driver's ids against the queue's device type (CEX4..CEX8 for both here) */
static bool driver_matches(struct ap_driver *drv, struct ap_queue *q)
{
	struct ap_device_id *id;
	if (!drv->ids)
		return q->card->hwtype >= AP_DEVICE_TYPE_CEX4;
	for (id = drv->ids; id->match_flags; id++)
		if ((id->match_flags & AP_DEVICE_ID_MATCH_QUEUE_TYPE) && id->dev_type == q->ap_dev.device_type)
			return true;
	return false;
}

/* ------------------------------------------------------------------ masks */
unsigned long *apbus_apmask(void) { return perms_apm; }
unsigned long *apbus_aqmask(void) { return perms_aqm; }
int ap_owned_by_def_drv(int card, int queue)
{
	if (card < 0 || card >= AP_DEVICES || queue < 0 || queue >= AP_DOMAINS)
		return -EINVAL;
	return test_bit_inv(card, perms_apm) && test_bit_inv(queue, perms_aqm);
}
int ap_apqn_in_matrix_owned_by_def_drv(unsigned long *apm, unsigned long *aqm)
{
	int card, queue;
	for (card = 0; card < AP_DEVICES; card++)
		if (test_bit_inv(card, apm) && test_bit_inv(card, perms_apm))
			for (queue = 0; queue < AP_DOMAINS; queue++)
				if (test_bit_inv(queue, aqm) && test_bit_inv(queue, perms_aqm))
					return 1;
	return 0;
}
/* ap_hex2bitmap: "0x" or "x" prefix, hex digits MSB-first, at most bits of them, one "\n" */
int ap_hex2bitmap(const char *str, unsigned long *bitmap, int bits)
{
	int i, n, b;
	if (bits & 0x07)
		return -EINVAL;
	if (str[0] == '0' && str[1] == 'x')
		str++;
	if (*str == 'x')
		str++;
	for (i = 0; isxdigit((unsigned char)*str) && i < bits; str++, i += 4) {
		b = hex_to_bin((unsigned char)*str);
		for (n = 0; n < 4; n++)
			if (b & (0x08 >> n))
				set_bit_inv(i + n, bitmap);
	}
	if (*str == '\n')
		str++;
	return *str ? -EINVAL : 0;
}
/* modify_bitmap: "+a[-b]" / "-a[-b]" terms separated by ',' (or '\n'); the last one wins */
static int modify_bitmap(const char *str, unsigned long *bitmap, int bits)
{
	unsigned long a, i, z;
	char *np, sign;
	if (bits & 0x07)
		return -EINVAL;
	while (*str) {
		sign = *str++;
		if (sign != '+' && sign != '-')
			return -EINVAL;
		a = z = simple_strtoul(str, &np, 0);
		if (str == np || a >= (unsigned long)bits)
			return -EINVAL;
		str = np;
		if (*str == '-') {
			z = simple_strtoul(++str, &np, 0);
			if (str == np || a > z || z >= (unsigned long)bits)
				return -EINVAL;
			str = np;
		}
		for (i = a; i <= z; i++) {
			if (sign == '+')
				set_bit_inv(i, bitmap);
			else
				clear_bit_inv(i, bitmap);
		}
		while (*str == ',' || *str == '\n')
			str++;
	}
	return 0;
}
static int parse_bitmap_str(const char *str, unsigned long *bitmap, int bits, unsigned long *newmap)
{
	size_t size = BITS_TO_LONGS(bits) * sizeof(unsigned long);
	if (*str == '+' || *str == '-') {
		memcpy(newmap, bitmap, size);
		return modify_bitmap(str, newmap, bits);
	}
	memset(newmap, 0, size);
	return ap_hex2bitmap(str, newmap, bits);
}

/* ------------------------------------------------------------------ probe, remove, binding */
/* ap_device_probe: ownership by apmask/aqmask, then the driver's probe */
static int ap_device_probe(struct ap_queue *q, struct ap_driver *drv)
{
	int card = AP_QID_CARD(q->qid), queue = AP_QID_QUEUE(q->qid), devres, rc;
	mutex_lock(&ap_perms_mutex);
	devres = test_bit_inv(card, perms_apm) && test_bit_inv(queue, perms_aqm);
	mutex_unlock(&ap_perms_mutex);
	if (!!devres != !!(drv->flags & AP_DRIVER_FLAG_DEFAULT))
		return -ENODEV;
	q->probed = true; /* hash_add(ap_queues, ...) before the driver's probe */
	q->ap_dev.device.driver = &drv->driver;
	rc = drv->probe ? drv->probe(&q->ap_dev) : -ENODEV;
	if (rc) {
		q->probed = false;
		q->ap_dev.device.driver = NULL;
	}
	return rc;
}
/* device_release_driver -> ap_device_remove: the driver's remove, the queue's reset, unbound */
static void release_driver(struct ap_queue *q)
{
	struct ap_driver *drv;
	if (!q->ap_dev.device.driver)
		return;
	drv = to_ap_drv(q->ap_dev.device.driver);
	if (drv->remove)
		drv->remove(&q->ap_dev);
	bus_zapq = true;
#if ORACLE_KERNEL >= 612
	ap_zapq(q->qid, 0); /* ap_queue_remove */
#else
	ap_zapq(q->qid);
#endif
	bus_zapq = false;
	q->probed = false;
	q->ap_dev.device.driver = NULL;
	q->ap_dev.device.driver_data = NULL;
}
/* bus_probe_device: the first driver (in registration order) whose probe takes it */
static void attach(struct ap_queue *q)
{
	int i;
	mutex_lock(&q->ap_dev.device.mutex);
	for (i = 0; i < ndrivers && !q->ap_dev.device.driver; i++)
		if (driver_matches(drivers[i], q))
			ap_device_probe(q, drivers[i]);
	mutex_unlock(&q->ap_dev.device.mutex);
}
static void revise_bindings(void)
{
	int i;
	for (i = 0; i < ndev; i++) {
		struct ap_queue *q = devlist[i];
		int card, queue, devres;
		struct ap_driver *drv;
		if (!q)
			continue;
		card = AP_QID_CARD(q->qid);
		queue = AP_QID_QUEUE(q->qid);
		if (!q->ap_dev.device.driver)
			continue; /* the kernel would read flags through a NULL driver here */
		mutex_lock(&ap_perms_mutex);
		devres = test_bit_inv(card, perms_apm) && test_bit_inv(queue, perms_aqm);
		mutex_unlock(&ap_perms_mutex);
		drv = to_ap_drv(q->ap_dev.device.driver);
		if (!!devres != !!(drv->flags & AP_DRIVER_FLAG_DEFAULT)) {
			/* device_reprobe: release under the device lock, then bus_probe_device */
			mutex_lock(&q->ap_dev.device.mutex);
			release_driver(q);
			mutex_unlock(&q->ap_dev.device.mutex);
			attach(q);
		}
	}
}
static ssize_t mask_store(const char *buf, size_t count, bool adapters)
{
	DECLARE_BITMAP(newmap, AP_DEVICES);
	DECLARE_BITMAP(reserved, AP_DEVICES);
	unsigned long *cur = adapters ? perms_apm : perms_aqm;
	int rc, changes = 0, i;
	mutex_lock(&ap_perms_mutex);
	rc = parse_bitmap_str(buf, cur, AP_DEVICES, newmap);
	if (rc)
		goto done;
	changes = memcmp(cur, newmap, sizeof(newmap));
	if (changes) {
		/* apmask_commit / aqmask_commit: newly reserved ids need every driver's consent */
		if (bitmap_andnot(reserved, newmap, cur, AP_DEVICES)) {
			for (i = 0; i < ndrivers; i++) {
				if (!drivers[i]->in_use)
					continue;
				rc = adapters ? drivers[i]->in_use(reserved, perms_aqm) : drivers[i]->in_use(perms_apm, reserved);
				if (rc) {
					rc = -EBUSY;
					goto done;
				}
			}
		}
		memcpy(cur, newmap, sizeof(newmap));
	}
done:
	mutex_unlock(&ap_perms_mutex);
	if (rc)
		return rc;
	if (changes)
		revise_bindings();
	return (ssize_t)count;
}
ssize_t apbus_apmask_store(const char *buf, size_t count) { return mask_store(buf, count, true); }
ssize_t apbus_aqmask_store(const char *buf, size_t count) { return mask_store(buf, count, false); }

/* bus_find_device_by_name: sysfs_streq against "XX.YYYY" */
static struct ap_queue *find_by_name(const char *buf)
{
	int i;
	char name[16];
	for (i = 0; i < ndev; i++) {
		if (!devlist[i])
			continue;
		snprintf(name, sizeof(name), "%02x.%04x", AP_QID_CARD(devlist[i]->qid), AP_QID_QUEUE(devlist[i]->qid));
		if (sysfs_streq(name, buf))
			return devlist[i];
	}
	return NULL;
}
ssize_t apbus_bind_store(struct ap_driver *drv, const char *buf, size_t count)
{
	struct ap_queue *q = find_by_name(buf);
	int err = -ENODEV;
	if (q && driver_matches(drv, q)) {
		mutex_lock(&q->ap_dev.device.mutex);
		if (q->ap_dev.device.driver)
			err = -EBUSY;
		else
			err = ap_device_probe(q, drv);
		mutex_unlock(&q->ap_dev.device.mutex);
		if (!err)
			return (ssize_t)count;
	}
	return err;
}
ssize_t apbus_unbind_store(struct ap_driver *drv, const char *buf, size_t count)
{
	struct ap_queue *q = find_by_name(buf);
	if (!q || q->ap_dev.device.driver != &drv->driver)
		return -ENODEV;
	mutex_lock(&q->ap_dev.device.mutex);
	release_driver(q);
	mutex_unlock(&q->ap_dev.device.mutex);
	return (ssize_t)count;
}
/* ap_card.c config_store: sscanf "%d", 0 or 1; SCLP configures the adapter off or on */
ssize_t apbus_card_config_store(struct ap_card *card, const char *buf, size_t count)
{
	int cfg;
	char c;
	if (sscanf(buf, "%d%c", &cfg, &c) < 1 || cfg < 0 || cfg > 1)
		return -EINVAL;
	card->config = cfg;
	return (ssize_t)count;
}

/* ap_get_qdev: the queues that went through ap_device_probe (the bus's ap_queues table) */
struct ap_queue *ap_get_qdev(ap_qid_t qid)
{
	struct ap_queue *q = queues[AP_QID_CARD(qid)][AP_QID_QUEUE(qid)];
	if (!q || !q->probed)
		return NULL;
	get_device(&q->ap_dev.device);
	return q;
}
struct ap_queue *apbus_queue(int apid, int apqi)
{
	return (apid >= 0 && apid < AP_DEVICES && apqi >= 0 && apqi < AP_DOMAINS) ? queues[apid][apqi] : NULL;
}
struct ap_card *apbus_card(int apid) { return (apid >= 0 && apid < AP_DEVICES) ? cards[apid] : NULL; }

/* ------------------------------------------------------------------ scan */
static void queue_release(struct device *dev) { (void)dev; }
/* the device list without the holes unregister_queue left, in registration order */
static void compact_devlist(void)
{
	int i, n = 0;
	for (i = 0; i < ndev; i++)
		if (devlist[i]) {
			devlist[i]->devidx = n;
			devlist[n++] = devlist[i];
		}
	ndev = n;
}
static void unregister_queue(struct ap_queue *q)
{
	mutex_lock(&q->ap_dev.device.mutex);
	release_driver(q);
	mutex_unlock(&q->ap_dev.device.mutex);
	devlist[q->devidx] = NULL; /* squeezed out by compact_devlist() */
	queues[AP_QID_CARD(q->qid)][AP_QID_QUEUE(q->qid)] = NULL;
	kfree(q);
}
static void register_queue(struct ap_card *card, int apqi)
{
	struct ap_queue *q = kzalloc(sizeof(*q), GFP_KERNEL);
	q->card = card;
	q->config = card->config; /* ap_scan_domains: aq->config = !decfg */
	q->qid = AP_MKQID(card->id, apqi);
	q->ap_dev.device_type = card->hwtype;
	dev_set_name(&q->ap_dev.device, "%02x.%04x", card->id, apqi);
	q->ap_dev.device.release = queue_release;
	device_register(&q->ap_dev.device);
	queues[card->id][apqi] = q;
	if (ndev == capdev) {
		capdev = capdev ? 2 * capdev : 1024;
		devlist = realloc(devlist, capdev * sizeof(*devlist));
	}
	q->devidx = ndev;
	devlist[ndev++] = q;
	attach(q);
}
static void scan_adapter(int apid)
{
	unsigned long *apm, *aqm, *adm;
	struct ap_card *card = cards[apid];
	int apqi;
	qci_masks(&qci, &apm, &aqm, &adm);
	if (apid > apbus_max_adapter() || !test_bit_inv(apid, apm)) {
		if (card) {
			for (apqi = 0; apqi < AP_DOMAINS; apqi++)
				if (queues[apid][apqi])
					unregister_queue(queues[apid][apqi]);
			kfree(card);
			cards[apid] = NULL;
		}
		return;
	}
	if (!card) {
		card = kzalloc(sizeof(*card), GFP_KERNEL);
		card->id = apid;
		card->config = true;
		card->hwtype = new_hwtype;
		memcpy(card->type, new_type, sizeof(new_type));
		dev_set_name(&card->ap_dev.device, "card%02x", apid);
		cards[apid] = card;
	}
	for (apqi = 0; apqi < AP_DOMAINS; apqi++) {
		bool in = apqi <= max_domain() && test_bit_inv(apqi, aqm);
		if (!in && queues[apid][apqi])
			unregister_queue(queues[apid][apqi]);
		else if (in && queues[apid][apqi])
			queues[apid][apqi]->config = card->config; /* "config state change" */
		else if (in)
			register_queue(card, apqi);
	}
}
static void notify(bool scan_complete)
{
	int i;
	for (i = 0; i < ndrivers; i++) {
		if (!scan_complete && drivers[i]->on_config_changed)
			drivers[i]->on_config_changed(&qci, &qci_old);
		if (scan_complete && drivers[i]->on_scan_complete)
			drivers[i]->on_scan_complete(&qci, &qci_old);
	}
}
/* a new QCI (the firmware's answer changed) and ap_scan_bus */
void apbus_configure(const struct oracle_cfg *cfg)
{
	unsigned long *apm, *aqm, *adm;
	bool changed;
	int apid;
	mutex_lock(&ap_scan_bus_mutex);
	memcpy(&qci_old, &qci, sizeof(qci));
	memset(&qci, 0, sizeof(qci));
	qci.apsc = 1;
	qci.apxa = cfg->apxa;
	qci.qact = 1;
#if ORACLE_KERNEL >= 612
	qci.na = (unsigned char)cfg->na;
	qci.nd = (unsigned char)cfg->nd;
#else
	qci.Na = (unsigned char)cfg->na;
	qci.Nd = (unsigned char)cfg->nd;
#endif
	qci_masks(&qci, &apm, &aqm, &adm);
	memcpy(apm, cfg->apm, 32);
	memcpy(aqm, cfg->aqm, 32);
	memcpy(adm, cfg->adm, 32);
	new_hwtype = cfg->hwtype;
	memcpy(new_type, cfg->type, sizeof(new_type));
	changed = memcmp(&qci, &qci_old, sizeof(qci)) != 0;
	if (changed)
		notify(false);
	for (apid = 0; apid < AP_DEVICES; apid++)
		scan_adapter(apid);
	if (changed)
		notify(true);
	compact_devlist();
	nscans++;
	mutex_unlock(&ap_scan_bus_mutex);
}

/* scans_store (ap_bus_force_rescan): a scan with the QCI as it is, once the first scan has run */
ssize_t apbus_scans_store(const char *buf, size_t count)
{
	int apid;
	(void)buf;
	mutex_lock(&ap_scan_bus_mutex);
	if (nscans) {
		for (apid = 0; apid < AP_DEVICES; apid++)
			scan_adapter(apid);
		compact_devlist();
		nscans++;
	}
	mutex_unlock(&ap_scan_bus_mutex);
	return (ssize_t)count;
}
/* scans_show: the scans since boot (ap_scan_bus_count) */
unsigned long apbus_scans(void) { return nscans; }

/* the harness's boot: apmask/aqmask all ones, the default driver registered, no devices */
void apbus_reset(void)
{
	int apid;
	for (apid = ndev - 1; apid >= 0; apid--)
		if (devlist[apid])
			unregister_queue(devlist[apid]);
	ndev = 0;
	for (apid = 0; apid < AP_DEVICES; apid++) {
		kfree(cards[apid]);
		cards[apid] = NULL;
	}
	memset(&qci, 0, sizeof(qci));
	memset(&qci_old, 0, sizeof(qci_old));
	/* a machine with QCI: flags set, APXA, 255/255 until the first configuration */
	qci.apsc = 1;
	qci.apxa = 1;
	qci.qact = 1;
#if ORACLE_KERNEL >= 612
	qci.na = 255;
	qci.nd = 255;
#else
	qci.Na = 255;
	qci.Nd = 255;
#endif
	memset(perms_apm, 0xff, sizeof(perms_apm));
	memset(perms_aqm, 0xff, sizeof(perms_aqm));
	ndrivers = 0;
	nscans = 0;
	nresets = 0;
	ninjected = 0;
	new_hwtype = AP_DEVICE_TYPE_CEX8;
	strcpy(new_type, "CEX8C");
	ap_driver_register(&cex4queue_driver, NULL, "cex4queue");
}
