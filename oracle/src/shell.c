// SPDX-License-Identifier: GPL-2.0
/*
 * aplab kernel oracle: the transcript command language (../shared/spec/transcript.md) over the
 * real driver: echo/cat/ls/cd on the sysfs paths of the AP bus, the vfio_ap driver and its
 * mdevs, and `aplab host|guest|lockdep|kernel`. What it prints is what aplab's shell
 * (reference/src/main/java/aplab/shell) prints, byte for byte, so that the two can be diffed.
 */
#include "oracle.h"
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#endif

#define MAX_WORDS 64
#define MAX_GUESTS 64
#define MAX_GUEST_MDEVS 8

static char cwd[4096] = "/";

/* ------------------------------------------------------------------ output */
static char *capture; /* output of a command whose stdout goes to a file */
static size_t capture_len, capture_cap;
static bool capturing;
static char **ext_buf;
static size_t *ext_len, *ext_cap;
/* send everything printed to a growing buffer (NULL: back to stdout) */
void oracle_capture(char **buf, size_t *len, size_t *cap)
{
	ext_buf = buf;
	ext_len = len;
	ext_cap = cap;
}
void out_raw(const char *s, size_t n)
{
	if (ext_buf && !capturing) {
		if (*ext_len + n + 1 > *ext_cap) {
			*ext_cap = (*ext_len + n + 1) * 2;
			*ext_buf = realloc(*ext_buf, *ext_cap);
		}
		memcpy(*ext_buf + *ext_len, s, n);
		*ext_len += n;
		(*ext_buf)[*ext_len] = '\0';
		return;
	}
	if (capturing) {
		if (capture_len + n + 1 > capture_cap) {
			capture_cap = (capture_len + n + 1) * 2;
			capture = realloc(capture, capture_cap);
		}
		memcpy(capture + capture_len, s, n);
		capture_len += n;
		capture[capture_len] = '\0';
		return;
	}
	fwrite(s, 1, n, stdout);
}
void out_line(const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	out_raw(buf, (size_t)n);
	out_raw("\n", 1);
}
static void emit_line(const char *line) { out_line("%s", line); }

/* ------------------------------------------------------------------ guests (what QEMU does) */
struct guest {
	char name[128];
	struct kvm *kvm;
	struct vfio_device *vdev[MAX_GUEST_MDEVS];
	struct eventfd_ctx *req[MAX_GUEST_MDEVS];
	int nvdev;
	bool used;
};
static struct guest guests[MAX_GUESTS];

static struct guest *guest_find(const char *name)
{
	int i;
	for (i = 0; i < MAX_GUESTS; i++)
		if (guests[i].used && !strcmp(guests[i].name, name))
			return &guests[i];
	return NULL;
}
static long do_ioctl(struct vfio_device *vdev, unsigned int cmd, void *arg)
{
	return vdev->ops->ioctl ? vdev->ops->ioctl(vdev, cmd, (unsigned long)arg) : -ENOTTY;
}
/* QEMU's vfio-ap realize: after the open, the device-request notifier, if the device has one */
static struct eventfd_ctx *qemu_register_request(struct vfio_device *vdev)
{
	struct vfio_irq_info info = { .argsz = sizeof(info), .index = VFIO_AP_REQ_IRQ_INDEX };
	struct { struct vfio_irq_set set; s32 fd; } irq;
	struct eventfd_ctx *ctx;
	if (do_ioctl(vdev, VFIO_DEVICE_GET_IRQ_INFO, &info) || info.count < 1 || !(info.flags & VFIO_IRQ_INFO_EVENTFD))
		return NULL;
	ctx = eventfd_new();
	memset(&irq, 0, sizeof(irq));
	irq.set.argsz = sizeof(irq);
	irq.set.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	irq.set.index = VFIO_AP_REQ_IRQ_INDEX;
	irq.set.start = 0;
	irq.set.count = 1;
	irq.fd = ctx->fd;
	if (do_ioctl(vdev, VFIO_DEVICE_SET_IRQS, &irq)) {
		eventfd_ctx_put(ctx);
		return NULL;
	}
	return ctx;
}
/* QEMU's unrealize: the notifier goes (fd -1), then the device is closed */
static void qemu_close(struct guest *g, int i)
{
	struct vfio_device *vdev = g->vdev[i];
	if (g->req[i]) {
		struct { struct vfio_irq_set set; s32 fd; } irq;
		memset(&irq, 0, sizeof(irq));
		irq.set.argsz = sizeof(irq);
		irq.set.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
		irq.set.index = VFIO_AP_REQ_IRQ_INDEX;
		irq.set.count = 1;
		irq.fd = -1;
		do_ioctl(vdev, VFIO_DEVICE_SET_IRQS, &irq);
		eventfd_ctx_put(g->req[i]);
		g->req[i] = NULL;
	}
	vfio_close(vdev);
	memmove(&g->vdev[i], &g->vdev[i + 1], (g->nvdev - i - 1) * sizeof(g->vdev[0]));
	memmove(&g->req[i], &g->req[i + 1], (g->nvdev - i - 1) * sizeof(g->req[0]));
	g->nvdev--;
}
/* the driver asked for the device back (vfio_ap_mdev_request signalled the eventfd) */
static void qemu_on_request(struct vfio_device *vdev)
{
	int gi, i;
	for (gi = 0; gi < MAX_GUESTS; gi++)
		for (i = 0; guests[gi].used && i < guests[gi].nvdev; i++)
			if (guests[gi].vdev[i] == vdev && guests[gi].req[i] && guests[gi].req[i]->signals) {
				lockdep_enter_thread(); /* QEMU's own thread: none of the remover's locks */
				qemu_close(&guests[gi], i);
				lockdep_leave_thread();
				return;
			}
}

/* ------------------------------------------------------------------ sysfs */
enum kind {
	K_DIR, K_RO, K_WO, K_RW,
};
enum what {
	W_NONE,
	W_APMASK, W_AQMASK, W_APM, W_AQM, W_ADM, W_MAXAP, W_MAXDOM,
	W_CARD_CONFIG, W_CARD_HWTYPE, W_CARD_TYPE, W_QUEUE_CONFIG, W_QUEUE_ATTR, W_SCANS,
	W_BIND, W_UNBIND, W_UEVENT,
	W_MATRIX_ATTR, W_AVAILABLE, W_CREATE, W_DEVICE_API, W_TYPE_NAME,
	W_MDEV_ATTR, W_MDEV_REMOVE,
	W_FOREIGN, /* in aplab's sysfs, not in the harness's: any access is "not supported" */
};
enum dir {
	D_ROOT, D_SYS, D_BUS, D_SYS_DEVICES, D_VFIO_AP_ROOT, D_MATRIX_BUS, D_MATRIX_BUS_DEVICES,
	D_AP, D_AP_DEVICES, D_CARD, D_QUEUE, D_DRIVERS, D_DRIVER, D_MATRIX, D_TYPES, D_TYPE,
	D_TYPE_DEVICES, D_MDEV, D_DEVICES_AP, D_MDEV_BUS, D_MDEV_BUS_DEVICES, D_CLASS, D_CLASS_MDEV_BUS,
};
struct node {
	enum kind kind;
	enum dir dir;
	enum what what;
	struct ap_card *card;
	struct ap_queue *queue;
	struct ap_driver *drv;
	struct mdev_device *mdev;
	struct device_attribute *attr;
};

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* the names in a directory, sorted (freed by the caller with free_names) */
struct names { char **v; int n, cap; };
static void add_name(struct names *ns, const char *s)
{
	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? ns->cap * 2 : 64;
		ns->v = realloc(ns->v, ns->cap * sizeof(char *));
	}
	ns->v[ns->n++] = strdup(s);
}
static void free_names(struct names *ns)
{
	int i;
	for (i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
	ns->v = NULL;
	ns->n = ns->cap = 0;
}
static void add_groups(struct names *ns, const struct attribute_group **groups)
{
	int i, j;
	for (i = 0; groups && groups[i]; i++)
		for (j = 0; groups[i]->attrs[j]; j++)
			add_name(ns, groups[i]->attrs[j]->name);
}
static void add_queue_name(struct names *ns, struct ap_queue *q)
{
	char b[16];
	snprintf(b, sizeof(b), "%02x.%04x", AP_QID_CARD(q->qid), AP_QID_QUEUE(q->qid));
	add_name(ns, b);
}
static void add_mdevs(struct names *ns)
{
	int i;
	for (i = 0; i < mdev_count(); i++)
		add_name(ns, mdev_nth(i)->dev.name);
}
static const struct attribute_group **matrix_groups(void) { return oracle_matrix_groups; }
static const struct attribute_group *queue_groups[ORACLE_DEV_GROUPS + 1];
static const struct attribute_group **queue_groups_of(struct ap_queue *q)
{
	int i, n = 0;
	for (i = 0; i < ORACLE_DEV_GROUPS; i++)
		if (q->ap_dev.device.sysfs_groups[i])
			queue_groups[n++] = q->ap_dev.device.sysfs_groups[i];
	queue_groups[n] = NULL;
	return queue_groups;
}
/*
 * Entries aplab's sysfs has (the whole layout of a real host) that the harness does not serve:
 * listed by ls, "not supported" when used. Their content is the AP bus's, zcrypt's, the driver
 * core's or the mdev core's, not the vfio_ap driver's.
 */
static const char *const foreign_ap[] = { "ap_domain", "ap_interrupts", "config_time", "poll_thread",
	"poll_timeout", "bindings", "drivers_autoprobe", "drivers_probe", "uevent", NULL };
static const char *const foreign_card[] = { "raw_hwtype", "depth", "ap_functions", "request_count",
	"requestq_count", "pendingq_count", "modalias", "chkstop", "online", "load", "uevent", "driver",
	"subsystem", NULL };
static const char *const foreign_queue[] = { "request_count", "requestq_count", "pendingq_count",
	"chkstop", "uevent", "subsystem", NULL };
static const char *const foreign_matrix[] = { "driver", "subsystem", "uevent", NULL };
static const char *const foreign_mdev[] = { "uevent", "mdev_type", "driver", "subsystem", "iommu_group", NULL };
static const char *const foreign_mdev_bus[] = { "drivers", "drivers_autoprobe", "drivers_probe", "uevent", NULL };
static void foreign_names(const struct node *d, const char *const **list, const char **extra, const char **extra2, const char **extra3)
{
	*list = NULL;
	*extra = *extra2 = *extra3 = NULL;
	switch (d->dir) {
	case D_AP:
		*list = foreign_ap;
		if (ORACLE_KERNEL >= 612)
			*extra = "features";
		break;
	case D_CARD:
		*list = foreign_card;
		if (d->card->type[4] == 'C' || d->card->type[4] == 'P')
			*extra = "serialnr";
		break;
	case D_QUEUE:
		*list = foreign_queue;
		if (ORACLE_KERNEL >= 612)
			*extra = "ap_functions";
		if (d->queue->ap_dev.device.driver) {
			*extra2 = "driver";
			if (d->queue->ap_dev.device.driver != &oracle_vfio_ap_drv->driver) {
				*extra3 = "online";
				/* and load: below */
			}
		}
		break;
	case D_MATRIX: *list = foreign_matrix; break;
	case D_MDEV: *list = foreign_mdev; break;
	case D_MDEV_BUS: *list = foreign_mdev_bus; break;
	case D_DRIVERS: *extra = "cex4card"; break;
	case D_SYS: *extra = "kernel"; break;
	case D_MATRIX_BUS: *extra = "drivers"; break;
	case D_DEVICES_AP: *extra = "uevent"; break;
	default: break;
	}
}
static bool is_foreign(const struct node *d, const char *name)
{
	const char *const *list, *e1, *e2, *e3;
	int i;
	foreign_names(d, &list, &e1, &e2, &e3);
	for (i = 0; list && list[i]; i++)
		if (!strcmp(list[i], name))
			return true;
	if (d->dir == D_QUEUE && e3 && !strcmp(name, "load"))
		return true;
	return (e1 && !strcmp(e1, name)) || (e2 && !strcmp(e2, name)) || (e3 && !strcmp(e3, name));
}
static void add_foreign(const struct node *d, struct names *ns)
{
	const char *const *list, *e1, *e2, *e3;
	int i;
	foreign_names(d, &list, &e1, &e2, &e3);
	for (i = 0; list && list[i]; i++)
		add_name(ns, list[i]);
	if (e1)
		add_name(ns, e1);
	if (e2)
		add_name(ns, e2);
	if (e3) {
		add_name(ns, e3);
		if (d->dir == D_QUEUE)
			add_name(ns, "load");
	}
}
static void list_dir(const struct node *d, struct names *ns)
{
	add_foreign(d, ns);
	int a, b;
	switch (d->dir) {
	case D_ROOT: add_name(ns, "sys"); break;
	case D_SYS: add_name(ns, "bus"); add_name(ns, "class"); add_name(ns, "devices"); break;
	case D_BUS: add_name(ns, "ap"); add_name(ns, "matrix"); add_name(ns, "mdev"); break;
	case D_SYS_DEVICES: add_name(ns, "ap"); add_name(ns, "vfio_ap"); break;
	case D_DEVICES_AP:
		for (a = 0; a < AP_DEVICES; a++) {
			char n[16];
			if (!apbus_card(a))
				continue;
			snprintf(n, sizeof(n), "card%02x", a);
			add_name(ns, n);
		}
		break;
	case D_MDEV_BUS: add_name(ns, "devices"); break;
	case D_MDEV_BUS_DEVICES: add_mdevs(ns); break;
	case D_CLASS: add_name(ns, "mdev_bus"); break;
	case D_CLASS_MDEV_BUS: add_name(ns, "matrix"); break;
	case D_VFIO_AP_ROOT: add_name(ns, "matrix"); break;
	case D_MATRIX_BUS: add_name(ns, "devices"); break;
	case D_MATRIX_BUS_DEVICES: add_name(ns, "matrix"); break;
	case D_AP:
		add_name(ns, "apmask"); add_name(ns, "aqmask"); add_name(ns, "ap_adapter_mask");
		add_name(ns, "ap_usage_domain_mask"); add_name(ns, "ap_control_domain_mask");
		add_name(ns, "ap_max_adapter_id"); add_name(ns, "ap_max_domain_id");
		add_name(ns, "scans"); add_name(ns, "devices"); add_name(ns, "drivers");
		break;
	case D_AP_DEVICES:
		for (a = 0; a < AP_DEVICES; a++) {
			char n[16];
			if (!apbus_card(a))
				continue;
			snprintf(n, sizeof(n), "card%02x", a);
			add_name(ns, n);
			for (b = 0; b < AP_DOMAINS; b++)
				if (apbus_queue(a, b))
					add_queue_name(ns, apbus_queue(a, b));
		}
		break;
	case D_CARD:
		add_name(ns, "config"); add_name(ns, "hwtype"); add_name(ns, "type");
		for (b = 0; b < AP_DOMAINS; b++)
			if (apbus_queue(d->card->id, b))
				add_queue_name(ns, apbus_queue(d->card->id, b));
		break;
	case D_QUEUE:
		add_name(ns, "config");
		add_groups(ns, queue_groups_of(d->queue));
		break;
	case D_DRIVERS: add_name(ns, "cex4queue"); add_name(ns, "vfio_ap"); break;
	case D_DRIVER:
		add_name(ns, "bind"); add_name(ns, "uevent"); add_name(ns, "unbind");
		for (a = 0; a < AP_DEVICES; a++)
			for (b = 0; b < AP_DOMAINS; b++)
				if (apbus_queue(a, b) && apbus_queue(a, b)->ap_dev.device.driver == &d->drv->driver)
					add_queue_name(ns, apbus_queue(a, b));
		break;
	case D_MATRIX:
		add_groups(ns, matrix_groups());
		add_name(ns, "mdev_supported_types");
		add_mdevs(ns);
		break;
	case D_TYPES: add_name(ns, "vfio_ap-passthrough"); break;
	case D_TYPE:
		add_name(ns, "available_instances"); add_name(ns, "create"); add_name(ns, "device_api");
		add_name(ns, "devices"); add_name(ns, "name");
		break;
	case D_TYPE_DEVICES: add_mdevs(ns); break;
	case D_MDEV:
		add_groups(ns, oracle_mdev_groups);
		add_name(ns, "remove");
		break;
	}
	if (ns->n)
		qsort(ns->v, ns->n, sizeof(char *), cmpstr);
}
static struct device_attribute *find_attr(const struct attribute_group **groups, const char *name)
{
	int i, j;
	for (i = 0; groups && groups[i]; i++)
		for (j = 0; groups[i]->attrs[j]; j++)
			if (!strcmp(groups[i]->attrs[j]->name, name))
				return container_of(groups[i]->attrs[j], struct device_attribute, attr);
	return NULL;
}
static enum kind attr_kind(const struct device_attribute *a)
{
	return a->show && a->store ? K_RW : a->show ? K_RO : K_WO;
}
static bool parse_queue_name(const char *s, int *apid, int *apqi)
{
	unsigned int a, b;
	char tail;
	if (strlen(s) != 7 || sscanf(s, "%2x.%4x%c", &a, &b, &tail) != 2 || s[2] != '.')
		return false;
	*apid = (int)a;
	*apqi = (int)b;
	return true;
}
/* one step down from directory d; false if there is no such entry */
static bool child(const struct node *d, const char *name, struct node *out)
{
	int apid, apqi;
	memset(out, 0, sizeof(*out));
	out->kind = K_DIR;
	out->card = d->card;
	out->queue = d->queue;
	out->drv = d->drv;
	out->mdev = d->mdev;
	if (is_foreign(d, name)) {
		out->kind = K_RO;
		out->what = W_FOREIGN;
		return true;
	}
#define DIR_(n, D) if (!strcmp(name, n)) { out->dir = D; return true; }
#define FILE_(n, K, W) if (!strcmp(name, n)) { out->kind = K; out->what = W; return true; }
	switch (d->dir) {
	case D_ROOT: DIR_("sys", D_SYS); break;
	case D_SYS: DIR_("bus", D_BUS); DIR_("devices", D_SYS_DEVICES); DIR_("class", D_CLASS); break;
	case D_BUS: DIR_("ap", D_AP); DIR_("matrix", D_MATRIX_BUS); DIR_("mdev", D_MDEV_BUS); break;
	case D_SYS_DEVICES: DIR_("vfio_ap", D_VFIO_AP_ROOT); DIR_("ap", D_DEVICES_AP); break;
	case D_CLASS: DIR_("mdev_bus", D_CLASS_MDEV_BUS); break;
	case D_CLASS_MDEV_BUS: DIR_("matrix", D_MATRIX); break;
	case D_MDEV_BUS: DIR_("devices", D_MDEV_BUS_DEVICES); break;
	case D_MDEV_BUS_DEVICES:
		if (mdev_find(name)) {
			out->dir = D_MDEV;
			out->mdev = mdev_find(name);
			return true;
		}
		break;
	case D_VFIO_AP_ROOT: DIR_("matrix", D_MATRIX); break;
	case D_MATRIX_BUS: DIR_("devices", D_MATRIX_BUS_DEVICES); break;
	case D_MATRIX_BUS_DEVICES: DIR_("matrix", D_MATRIX); break;
	case D_AP:
		FILE_("apmask", K_RW, W_APMASK); FILE_("aqmask", K_RW, W_AQMASK);
		FILE_("ap_adapter_mask", K_RO, W_APM); FILE_("ap_usage_domain_mask", K_RO, W_AQM);
		FILE_("ap_control_domain_mask", K_RO, W_ADM); FILE_("ap_max_adapter_id", K_RO, W_MAXAP);
		FILE_("ap_max_domain_id", K_RO, W_MAXDOM); FILE_("scans", K_RW, W_SCANS);
		DIR_("devices", D_AP_DEVICES); DIR_("drivers", D_DRIVERS);
		break;
	case D_DEVICES_AP:
	case D_AP_DEVICES:
		if (!strncmp(name, "card", 4) && strlen(name) == 6 && isxdigit((unsigned char)name[4]) &&
		    isxdigit((unsigned char)name[5])) {
			char n[8];
			apid = (int)strtol(name + 4, NULL, 16);
			snprintf(n, sizeof(n), "card%02x", apid);
			if (strcmp(n, name) || !apbus_card(apid))
				return false;
			out->dir = D_CARD;
			out->card = apbus_card(apid);
			return true;
		}
		if (d->dir == D_AP_DEVICES && parse_queue_name(name, &apid, &apqi) && apbus_queue(apid, apqi)) {
			char n[16];
			snprintf(n, sizeof(n), "%02x.%04x", apid, apqi);
			if (strcmp(n, name))
				return false;
			out->dir = D_QUEUE;
			out->queue = apbus_queue(apid, apqi);
			return true;
		}
		break;
	case D_CARD:
		FILE_("config", K_RW, W_CARD_CONFIG); FILE_("hwtype", K_RO, W_CARD_HWTYPE);
		FILE_("type", K_RO, W_CARD_TYPE);
		if (parse_queue_name(name, &apid, &apqi) && apid == d->card->id && apbus_queue(apid, apqi)) {
			char n[16];
			snprintf(n, sizeof(n), "%02x.%04x", apid, apqi);
			if (strcmp(n, name))
				return false;
			out->dir = D_QUEUE;
			out->queue = apbus_queue(apid, apqi);
			return true;
		}
		break;
	case D_QUEUE:
		FILE_("config", K_RO, W_QUEUE_CONFIG);
		out->attr = find_attr(queue_groups_of(d->queue), name);
		if (out->attr) {
			out->kind = attr_kind(out->attr);
			out->what = W_QUEUE_ATTR;
			return true;
		}
		break;
	case D_DRIVERS:
		if ((!strcmp(name, "cex4queue") || !strcmp(name, "vfio_ap")) && apbus_driver(name)) {
			out->dir = D_DRIVER;
			out->drv = apbus_driver(name);
			return true;
		}
		break;
	case D_DRIVER:
		FILE_("bind", K_WO, W_BIND); FILE_("unbind", K_WO, W_UNBIND); FILE_("uevent", K_WO, W_UEVENT);
		if (parse_queue_name(name, &apid, &apqi) && apbus_queue(apid, apqi) &&
		    apbus_queue(apid, apqi)->ap_dev.device.driver == &d->drv->driver) {
			char n[16];
			snprintf(n, sizeof(n), "%02x.%04x", apid, apqi);
			if (strcmp(n, name))
				return false;
			out->dir = D_QUEUE;
			out->queue = apbus_queue(apid, apqi);
			return true;
		}
		break;
	case D_MATRIX:
		DIR_("mdev_supported_types", D_TYPES);
		out->attr = find_attr(matrix_groups(), name);
		if (out->attr) {
			out->kind = attr_kind(out->attr);
			out->what = W_MATRIX_ATTR;
			return true;
		}
		if (mdev_find(name)) {
			out->dir = D_MDEV;
			out->mdev = mdev_find(name);
			return true;
		}
		break;
	case D_TYPES: DIR_("vfio_ap-passthrough", D_TYPE); break;
	case D_TYPE:
		FILE_("available_instances", K_RO, W_AVAILABLE); FILE_("create", K_WO, W_CREATE);
		FILE_("device_api", K_RO, W_DEVICE_API); FILE_("name", K_RO, W_TYPE_NAME);
		DIR_("devices", D_TYPE_DEVICES);
		break;
	case D_TYPE_DEVICES:
		if (mdev_find(name)) {
			out->dir = D_MDEV;
			out->mdev = mdev_find(name);
			return true;
		}
		break;
	case D_MDEV:
		FILE_("remove", K_WO, W_MDEV_REMOVE);
		out->attr = find_attr(oracle_mdev_groups, name);
		if (out->attr) {
			out->kind = attr_kind(out->attr);
			out->what = W_MDEV_ATTR;
			return true;
		}
		break;
	}
#undef DIR_
#undef FILE_
	return false;
}

/* an absolute, normalised path: "." and ".." resolved, no trailing slash */
static void normalize(const char *base, const char *path, char *out, size_t n)
{
	char full[8192], *parts[1024], *tok, *save;
	int np = 0, i;
	size_t off = 0;
	if (path[0] == '/')
		snprintf(full, sizeof(full), "%s", path);
	else
		snprintf(full, sizeof(full), "%s/%s", base, path);
	for (tok = strtok_r(full, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			if (np)
				np--;
			continue;
		}
		if (np < 1024)
			parts[np++] = tok;
	}
	out[0] = '\0';
	if (!np)
		snprintf(out, n, "/");
	for (i = 0; i < np; i++)
		off += snprintf(out + off, off < n ? n - off : 0, "/%s", parts[i]);
}
/* 0, or -ENOENT / -ENOTDIR */
static int resolve(const char *abs, struct node *out)
{
	char buf[8192], *tok, *save;
	struct node cur = { .kind = K_DIR, .dir = D_ROOT }, next;
	snprintf(buf, sizeof(buf), "%s", abs);
	for (tok = strtok_r(buf, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (cur.what == W_FOREIGN)
			return -EOPNOTSUPP;
		if (cur.kind != K_DIR)
			return -ENOTDIR;
		if (!child(&cur, tok, &next))
			return -ENOENT;
		cur = next;
	}
	*out = cur;
	return cur.what == W_FOREIGN ? -EOPNOTSUPP : 0;
}
static bool is_dir(const char *abs)
{
	struct node n;
	return !resolve(abs, &n) && n.kind == K_DIR;
}
static void not_supported(const char *cmd, const char *arg)
{
	out_line("aplab-oracle: not supported: %s %s", cmd, arg);
}

/* the page a show function fills: one page, the rest poisoned so an overrun is reported */
#define SHOW_ARENA (1UL << 20)
static char *page_arena(void)
{
	static char *arena;
	if (!arena) {
		arena = aligned_alloc(PAGE_SIZE, SHOW_ARENA);
#ifdef __SANITIZE_ADDRESS__
		ASAN_POISON_MEMORY_REGION(arena + PAGE_SIZE, SHOW_ARENA - PAGE_SIZE);
#endif
	}
	memset(arena, 0, PAGE_SIZE);
	return arena;
}
static ssize_t mask_show(char *buf, const unsigned long *m)
{
	return sysfs_emit(buf, "0x%016lx%016lx%016lx%016lx\n", m[0], m[1], m[2], m[3]);
}
/* the show of file n into a page; <0 an errno */
static ssize_t show(const struct node *n, char *buf)
{
	unsigned long *apm, *aqm, *adm;
	ssize_t r;
	qci_masks(apbus_qci(), &apm, &aqm, &adm);
	switch (n->what) {
	case W_APMASK:
		mutex_lock(&ap_perms_mutex);
		r = mask_show(buf, apbus_apmask());
		mutex_unlock(&ap_perms_mutex);
		return r;
	case W_AQMASK:
		mutex_lock(&ap_perms_mutex);
		r = mask_show(buf, apbus_aqmask());
		mutex_unlock(&ap_perms_mutex);
		return r;
	case W_APM: return mask_show(buf, apm);
	case W_AQM: return mask_show(buf, aqm);
	case W_ADM: return mask_show(buf, adm);
	case W_MAXAP: return sysfs_emit(buf, "%d\n", apbus_max_adapter());
	case W_MAXDOM: {
		const struct ap_config_info *q = apbus_qci();
		return sysfs_emit(buf, "%d\n", q->apxa && qci_nd(q) ? qci_nd(q) : 15);
	}
	case W_CARD_CONFIG: return sysfs_emit(buf, "%d\n", n->card->config ? 1 : 0);
	case W_CARD_HWTYPE: return sysfs_emit(buf, "%d\n", n->card->hwtype);
	case W_CARD_TYPE: return sysfs_emit(buf, "%s\n", n->card->type);
	case W_QUEUE_CONFIG: return sysfs_emit(buf, "%d\n", n->queue->config ? 1 : 0);
	case W_SCANS: return sysfs_emit(buf, "%lu\n", apbus_scans());
	case W_QUEUE_ATTR: return n->attr->show(&n->queue->ap_dev.device, n->attr, buf);
	case W_MATRIX_ATTR: return n->attr->show(oracle_matrix_device(), n->attr, buf);
	case W_AVAILABLE: return sysfs_emit(buf, "%u\n", (unsigned int)mdev_available_instances());
	case W_DEVICE_API: return sysfs_emit(buf, "%s\n", VFIO_DEVICE_API_AP_STRING);
	case W_TYPE_NAME: return sysfs_emit(buf, "%s\n", "VFIO AP Passthrough Device");
	case W_MDEV_ATTR: return n->attr->show(&n->mdev->dev, n->attr, buf);
	default: return -EIO;
	}
}
static ssize_t store(const struct node *n, const char *buf, size_t count)
{
	switch (n->what) {
	case W_APMASK: return apbus_apmask_store(buf, count);
	case W_AQMASK: return apbus_aqmask_store(buf, count);
	case W_CARD_CONFIG: return apbus_card_config_store(n->card, buf, count);
	case W_SCANS: return apbus_scans_store(buf, count);
	case W_BIND: return apbus_bind_store(n->drv, buf, count);
	case W_UNBIND: return apbus_unbind_store(n->drv, buf, count);
	case W_UEVENT: return (ssize_t)count;
	case W_CREATE: return mdev_create_store(buf, count);
	case W_MDEV_REMOVE: return mdev_remove_store(n->mdev, buf, count);
	case W_QUEUE_ATTR: return n->attr->store(&n->queue->ap_dev.device, n->attr, buf, count);
	case W_MATRIX_ATTR: return n->attr->store(oracle_matrix_device(), n->attr, buf, count);
	case W_MDEV_ATTR: return n->attr->store(&n->mdev->dev, n->attr, buf, count);
	default: return -EIO;
	}
}

/* ------------------------------------------------------------------ shell words (as bash splits them) */
struct parsed {
	char *words[MAX_WORDS];
	int nwords;
	char *redirect;
	const char *unsupported;
	char unsup_buf[32];
};
static void parsed_free(struct parsed *p)
{
	int i;
	for (i = 0; i < p->nwords; i++)
		free(p->words[i]);
	free(p->redirect);
}
struct sb { char *s; size_t n, cap; };
static void sb_putc(struct sb *b, char c)
{
	if (b->n + 2 > b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->s = realloc(b->s, b->cap);
	}
	b->s[b->n++] = c;
	b->s[b->n] = '\0';
}
static void sb_init(struct sb *b) { b->s = NULL; b->n = b->cap = 0; sb_putc(b, 'x'); b->n = 0; b->s[0] = '\0'; }
static bool all_digits(const char *s)
{
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}
static void unsup(struct parsed *p, const char *what) { snprintf(p->unsup_buf, sizeof(p->unsup_buf), "%s", what); p->unsupported = p->unsup_buf; }
/* ShellWords.parse */
static void parse_line(const char *line, struct parsed *p)
{
	struct sb cur;
	bool have = false, expect_target = false;
	size_t i = 0, n = strlen(line);
	memset(p, 0, sizeof(*p));
	while (i <= n) {
		char c = i < n ? line[i] : ' ';
		if (i == n || c == ' ' || c == '\t') {
			if (have) {
				if (expect_target) {
					if (p->redirect) { unsup(p, ">"); free(cur.s); return; }
					p->redirect = cur.s;
					expect_target = false;
				} else if (p->nwords < MAX_WORDS) {
					p->words[p->nwords++] = cur.s;
				} else {
					free(cur.s);
				}
				have = false;
			}
			i++;
			continue;
		}
		if (c == '>') {
			if (have) {
				if (all_digits(cur.s)) {
					char b[32];
					snprintf(b, sizeof(b), "%.28s>", cur.s);
					unsup(p, b);
					free(cur.s);
					return;
				}
				if (expect_target) { unsup(p, ">"); free(cur.s); return; }
				if (p->nwords < MAX_WORDS)
					p->words[p->nwords++] = cur.s;
				else
					free(cur.s);
				have = false;
			}
			if (expect_target) { unsup(p, ">"); return; }
			expect_target = true;
			i++;
			if (i < n && line[i] == '>')
				i++;
			continue;
		}
		if (strchr("|;&<()`", c)) {
			char b[2] = { c, 0 };
			unsup(p, b);
			if (have) free(cur.s);
			return;
		}
		if (c == '$' && i + 1 < n && (line[i + 1] == '(' || line[i + 1] == '{' || isalpha((unsigned char)line[i + 1]) || line[i + 1] == '_')) {
			char b[3] = { '$', line[i + 1], 0 };
			unsup(p, b);
			if (have) free(cur.s);
			return;
		}
		if (!have) {
			sb_init(&cur);
			have = true;
		}
		if (c == '\'') {
			const char *end = strchr(line + i + 1, '\'');
			if (!end) { unsup(p, "unterminated '"); free(cur.s); return; }
			for (i = i + 1; line + i < end; i++)
				sb_putc(&cur, line[i]);
			i++;
		} else if (c == '"') {
			size_t j = i + 1;
			while (j < n && line[j] != '"') {
				char d = line[j];
				if (d == '\\' && j + 1 < n && strchr("\"\\$`", line[j + 1])) {
					sb_putc(&cur, line[j + 1]);
					j += 2;
				} else if (d == '$' || d == '`') {
					char b[2] = { d, 0 };
					unsup(p, b);
					free(cur.s);
					return;
				} else {
					sb_putc(&cur, d);
					j++;
				}
			}
			if (j >= n) { unsup(p, "unterminated \""); free(cur.s); return; }
			i = j + 1;
		} else if (c == '\\') {
			if (i + 1 < n)
				sb_putc(&cur, line[i + 1]);
			i += 2;
		} else {
			sb_putc(&cur, c);
			i++;
		}
	}
	if (expect_target)
		unsup(p, "newline");
}

/* ------------------------------------------------------------------ echo, cat, ls, cd */
static const char *errname(int e) { return strerror(e); }

static void do_write(const char *target, const char *value, size_t len, const char *writer)
{
	char abs[8192], parent[8192], *slash;
	struct node n;
	int rc;
	size_t off;
	normalize(cwd, target, abs, sizeof(abs));
	if (!strcmp(abs, "/dev/null"))
		return; /* bash writes it away */
	if (!strncmp(abs, "/dev/", 5) || !strcmp(abs, "/dev")) {
		not_supported(writer ? writer : "write to", target);
		return;
	}
	rc = resolve(abs, &n);
	if (rc == -EOPNOTSUPP) {
		not_supported(writer ? writer : "write to", target);
		return;
	}
	if (rc == -ENOENT) {
		snprintf(parent, sizeof(parent), "%s", abs);
		slash = strrchr(parent, '/');
		if (slash == parent)
			parent[1] = '\0';
		else if (slash)
			*slash = '\0';
		if (is_dir(parent))
			rc = -EACCES;
	}
	if (!rc && n.kind == K_DIR)
		rc = -EISDIR;
	if (!rc && n.kind == K_RO)
		rc = -EACCES;
	if (rc) {
		out_line("bash: %s: %s", target, errname(-rc));
		return;
	}
	if (n.what == W_MDEV_REMOVE && mdev_vfio(n.mdev)->open_count && !mdev_vfio(n.mdev)->ops->request) {
		unsigned long val;
		char *copy = kstrndup(value, len, GFP_KERNEL);
		bool blocks = !kstrtoul(copy, 0, &val) && val;
		kfree(copy);
		if (blocks) {
			/* no request callback (6.1): vfio_unregister_group_dev waits for the guest for ever */
			out_line("aplab-oracle: not supported: %s (the remove blocks until the guest lets the mdev go)", writer ? writer : "write");
			return;
		}
	}
	/* kernfs: the write reaches the store in page-sized pieces, each NUL-terminated */
	for (off = 0; off < len; off += PAGE_SIZE) {
		size_t piece = len - off < PAGE_SIZE ? len - off : PAGE_SIZE;
		char *buf = kmalloc(piece + 1, GFP_KERNEL);
		ssize_t r;
		memcpy(buf, value + off, piece);
		buf[piece] = '\0';
		r = store(&n, buf, piece);
		kfree(buf);
		oracle_run_pending_work();
		if (r < 0) {
			out_line("bash: %s%swrite error: %s", writer ? writer : "", writer ? ": " : "", errname((int)-r));
			return;
		}
		/* fewer bytes taken than offered: the shell writes the rest again */
		if ((size_t)r < piece && r > 0)
			off -= piece - (size_t)r;
		if (r == 0)
			return;
	}
}
/* bash's echo -e escapes; *stop set by \c */
static size_t bash_escapes(const char *s, char *out, bool *stop)
{
	size_t o = 0, i, n = strlen(s);
	*stop = false;
	for (i = 0; i < n; i++) {
		char c = s[i], d;
		if (c != '\\' || i + 1 >= n) {
			out[o++] = c;
			continue;
		}
		d = s[++i];
		switch (d) {
		case 'n': out[o++] = '\n'; break;
		case 't': out[o++] = '\t'; break;
		case 'r': out[o++] = '\r'; break;
		case 'a': out[o++] = '\a'; break;
		case 'b': out[o++] = '\b'; break;
		case 'e': case 'E': out[o++] = 0x1b; break;
		case 'f': out[o++] = '\f'; break;
		case 'v': out[o++] = '\v'; break;
		case '\\': out[o++] = '\\'; break;
		case 'c': *stop = true; return o;
		case '0': {
			int v = 0, k = 0;
			while (k < 3 && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7') {
				v = v * 8 + (s[++i] - '0');
				k++;
			}
			out[o++] = (char)(v & 0xff);
			break;
		}
		case 'x': {
			int v = 0, k = 0;
			while (k < 2 && i + 1 < n && isxdigit((unsigned char)s[i + 1])) {
				v = v * 16 + hex_to_bin((unsigned char)s[++i]);
				k++;
			}
			if (!k) {
				out[o++] = '\\';
				out[o++] = 'x';
			} else {
				out[o++] = (char)v;
			}
			break;
		}
		default: out[o++] = '\\'; out[o++] = d; break;
		}
	}
	return o;
}
static bool echo_flag(const char *w)
{
	if (w[0] != '-' || !w[1])
		return false;
	for (w++; *w; w++)
		if (!strchr("neE", *w))
			return false;
	return true;
}
static void cmd_echo(struct parsed *p)
{
	bool newline = true, escapes = false, stop = false;
	int i = 1, j;
	size_t total = 0, len;
	char *text, *value;
	for (; i < p->nwords && echo_flag(p->words[i]); i++)
		for (j = 1; p->words[i][j]; j++) {
			if (p->words[i][j] == 'n')
				newline = false;
			else
				escapes = p->words[i][j] == 'e';
		}
	for (j = i; j < p->nwords; j++)
		total += strlen(p->words[j]) + 1;
	text = calloc(1, total + 2);
	for (j = i; j < p->nwords; j++) {
		if (j > i)
			strcat(text, " ");
		strcat(text, p->words[j]);
	}
	value = calloc(1, strlen(text) * 2 + 4);
	if (escapes) {
		len = bash_escapes(text, value, &stop);
		if (stop)
			newline = false;
	} else {
		len = strlen(text);
		memcpy(value, text, len);
	}
	if (newline)
		value[len++] = '\n';
	if (!p->redirect) {
		/* the lines, as the Java shell splits them */
		size_t s = 0, k;
		if (len) {
			size_t end = newline ? len - 1 : len;
			for (k = 0; k <= end; k++)
				if (k == end || value[k] == '\n') {
					out_raw(value + s, k - s);
					out_raw("\n", 1);
					s = k + 1;
				}
		}
	} else {
		do_write(p->redirect, value, len, "echo");
	}
	free(text);
	free(value);
}
static void cmd_cat(struct parsed *p)
{
	int i;
	if (p->nwords < 2) {
		out_line("cat: reading standard input is not supported here");
		return;
	}
	for (i = 1; i < p->nwords; i++) {
		char abs[8192];
		struct node n;
		normalize(cwd, p->words[i], abs, sizeof(abs));
		if (resolve(abs, &n) == -EOPNOTSUPP) {
			not_supported("cat", p->words[i]);
			return;
		}
	}
	for (i = 1; i < p->nwords; i++) {
		char abs[8192], *buf;
		struct node n;
		int rc;
		ssize_t r;
		normalize(cwd, p->words[i], abs, sizeof(abs));
		rc = resolve(abs, &n);
		if (rc == -EOPNOTSUPP) {
			not_supported("cat", p->words[i]);
			continue;
		}
		if (!rc && n.kind == K_DIR)
			rc = -EISDIR;
		if (!rc && n.kind == K_WO)
			rc = -EACCES;
		if (rc) {
			out_line("cat: %s: %s", p->words[i], errname(-rc));
			continue;
		}
		buf = page_arena();
		r = show(&n, buf);
		oracle_run_pending_work();
		if (r < 0) {
			out_line("cat: %s: %s", p->words[i], errname((int)-r));
			continue;
		}
		if (r >= (ssize_t)PAGE_SIZE) {
			/* kernfs (sysfs_kf_seq_show): "fill_read_buffer: ... returned bad count" */
			oracle_finding("%s: the show function returned %zd bytes for a %lu-byte page", abs, r, PAGE_SIZE);
			r = PAGE_SIZE - 1;
		}
		if (r > 0) {
			out_raw(buf, (size_t)r);
			if (buf[r - 1] != '\n')
				out_raw("\n", 1);
		}
	}
}
static void cmd_ls(struct parsed *p)
{
	const char *dot = ".";
	const char *const *targets = (const char *const *)(p->words + 1);
	int nt = p->nwords - 1, i, k;
	const char *files[MAX_WORDS], *dirs[MAX_WORDS];
	int nf = 0, nd = 0;
	bool first;
	if (nt == 0) {
		targets = &dot;
		nt = 1;
	}
	for (i = 0; i < nt; i++) {
		char abs[8192];
		struct node n;
		if (targets[i][0] == '-' && targets[i][1]) {
			not_supported("ls", targets[i]); /* -l and friends: the harness lists names only */
			return;
		}
		normalize(cwd, targets[i], abs, sizeof(abs));
		if (resolve(abs, &n) == -EOPNOTSUPP) {
			not_supported("ls", targets[i]);
			return;
		}
	}
	for (i = 0; i < nt; i++) {
		char abs[8192];
		struct node n;
		normalize(cwd, targets[i], abs, sizeof(abs));
		if (resolve(abs, &n))
			out_line("ls: cannot access '%s': No such file or directory", targets[i]);
		else if (n.kind == K_DIR)
			dirs[nd++] = targets[i];
		else
			files[nf++] = targets[i];
	}
	for (i = 0; i < nf; i++)
		out_line("%s", files[i]);
	first = nf == 0;
	for (i = 0; i < nd; i++) {
		char abs[8192];
		struct node n;
		struct names ns = { 0 };
		if (nt > 1) {
			if (!first)
				out_line("%s", "");
			out_line("%s:", dirs[i]);
		}
		first = false;
		normalize(cwd, dirs[i], abs, sizeof(abs));
		resolve(abs, &n);
		list_dir(&n, &ns);
		for (k = 0; k < ns.n; k++)
			out_line("%s", ns.v[k]);
		free_names(&ns);
	}
}
static void cmd_cd(struct parsed *p)
{
	char abs[8192];
	struct node n;
	const char *target = p->nwords > 1 ? p->words[1] : "/";
	if (p->nwords > 2) {
		out_line("bash: cd: too many arguments");
		return;
	}
	normalize(cwd, target, abs, sizeof(abs));
	if (resolve(abs, &n) == -EOPNOTSUPP)
		not_supported("cd", target);
	else if (resolve(abs, &n))
		out_line("bash: cd: %s: No such file or directory", target);
	else if (n.kind != K_DIR)
		out_line("bash: cd: %s: Not a directory", target);
	else
		snprintf(cwd, sizeof(cwd), "%s", abs);
}

/* ------------------------------------------------------------------ aplab host / guest / lockdep / kernel */
/* HostCommands.parseList: 5,6,0x47,10-12; "none" or "" is empty; msg gets the error */
static int parse_number(const char *what, const char *s, const char *text, int *v, char *msg, size_t n)
{
	char *end;
	long x;
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	const char *digits = hex ? s + 2 : s;
	const char *d;
	bool ok = *digits != '\0';
	/* Integer.parseInt: an optional sign, then digits */
	d = digits;
	if (*d == '+' || *d == '-')
		d++;
	if (!*d)
		ok = false;
	for (; *d; d++)
		if (!(hex ? isxdigit((unsigned char)*d) : isdigit((unsigned char)*d)))
			ok = false;
	if (ok && strlen(digits) > 10)
		ok = false; /* beyond int: NumberFormatException */
	x = ok ? strtol(digits, &end, hex ? 16 : 10) : 0;
	if (ok && (x > 2147483647L || x < -2147483648L))
		ok = false;
	if (!ok) {
		snprintf(msg, n, "invalid %s '%s' in '%s'", what, s, text);
		return -1;
	}
	if (x < 0 || x > 255) {
		snprintf(msg, n, "%s %s is out of range 0-255", what, s);
		return -1;
	}
	*v = (int)x;
	return 0;
}
static int parse_list(const char *what, const char *text, unsigned long *m, char *msg, size_t n)
{
	char *copy, *item, *p;
	memset(m, 0, 32);
	if (!*text || !strcmp(text, "none"))
		return 0;
	copy = strdup(text);
	p = copy;
	for (;;) {
		char *comma = strchr(p, ',');
		char *dash, *ends[3];
		int nends = 0, a, b, i;
		char orig[256]; /* the item as written, for the message */
		if (comma)
			*comma = '\0';
		item = p;
		snprintf(orig, sizeof(orig), "%s", item);
		/* split("-", -1) */
		ends[nends++] = item;
		for (dash = item; (dash = strchr(dash, '-')); ) {
			*dash++ = '\0';
			if (nends < 3)
				ends[nends++] = dash;
			else
				nends = 3;
		}
		if (nends > 2) {
			snprintf(msg, n, "invalid %s '%s' in '%s'", what, orig, text);
			free(copy);
			return -1;
		}
		if (parse_number(what, ends[0], text, &a, msg, n) ||
		    (nends == 2 && parse_number(what, ends[1], text, &b, msg, n))) {
			free(copy);
			return -1;
		}
		if (nends == 1)
			b = a;
		if (a > b) {
			snprintf(msg, n, "invalid range '%s-%s' in '%s'", ends[0], ends[1], text);
			free(copy);
			return -1;
		}
		for (i = a; i <= b; i++)
			set_bit_inv(i, m);
		if (!comma)
			break;
		p = comma + 1;
	}
	free(copy);
	return 0;
}
static int last_bit(const unsigned long *m)
{
	int i;
	for (i = 255; i >= 0; i--)
		if (test_bit_inv(i, m))
			return i;
	return -1;
}
/* option value: "--opt=V" or "--opt V"; returns the index consumed or -1 */
static const char *opt_value(struct parsed *p, int *i, const char *opt)
{
	size_t l = strlen(opt);
	const char *w = p->words[*i];
	if (!strncmp(w, opt, l) && w[l] == '=')
		return w + l + 1;
	if (!strcmp(w, opt)) {
		if (*i + 1 < p->nwords) {
			(*i)++;
			return p->words[*i];
		}
		return NULL;
	}
	return NULL;
}
static void cmd_host(struct parsed *p, int start)
{
	const char *adapters = NULL, *domains = NULL, *cdoms = NULL, *maxa = NULL, *maxd = NULL, *type = NULL;
	bool noapxa = false;
	struct oracle_cfg cfg;
	char msg[512];
	int i, na, nd;
	memset(&cfg, 0, sizeof(cfg));
	for (i = start; i < p->nwords; i++) {
		const char *w = p->words[i], *v;
		int save = i;
		if ((v = opt_value(p, &i, "--adapters")))
			adapters = v;
		else if ((i = save, v = opt_value(p, &i, "--domains")))
			domains = v;
		else if ((i = save, v = opt_value(p, &i, "--control-domains")))
			cdoms = v;
		else if ((i = save, v = opt_value(p, &i, "--max-adapter")))
			maxa = v;
		else if ((i = save, v = opt_value(p, &i, "--max-domain")))
			maxd = v;
		else if ((i = save, v = opt_value(p, &i, "--type")))
			type = v;
		else if ((i = save, !strcmp(w, "--no-apxa")))
			noapxa = true;
		else {
			i = save;
			out_line("aplab-oracle: not supported: aplab host %s", w);
			return;
		}
	}
	if (!adapters || !domains) {
		/* picocli's message for missing required options */
		if (!adapters && !domains)
			out_line("aplab: host: Missing required options: '--adapters=LIST', '--domains=LIST'");
		else
			out_line("aplab: host: Missing required option: '%s'", adapters ? "--domains=LIST" : "--adapters=LIST");
		return;
	}
	if (parse_list("adapter", adapters, cfg.apm, msg, sizeof(msg)) ||
	    parse_list("domain", domains, cfg.aqm, msg, sizeof(msg)) ||
	    (cdoms ? parse_list("control domain", cdoms, cfg.adm, msg, sizeof(msg)) : (memcpy(cfg.adm, cfg.aqm, 32), 0))) {
		out_line("aplab: host: %s", msg);
		return;
	}
	cfg.apxa = !noapxa;
	if (!cfg.apxa && (maxa || maxd)) {
		out_line("aplab: host: --max-adapter and --max-domain need APXA");
		return;
	}
	if ((maxa && !all_digits(maxa)) || (maxd && !all_digits(maxd)) || (maxa && strlen(maxa) > 9) || (maxd && strlen(maxd) > 9)) {
		out_line("aplab-oracle: not supported: aplab host with a non-numeric maximum");
		return;
	}
	na = cfg.apxa ? (maxa ? atoi(maxa) : 255) : 63;
	nd = cfg.apxa ? (maxd ? atoi(maxd) : 255) : 15;
	if (na < 0 || na > 255 || nd < 0 || nd > 255) {
		out_line("aplab: host: the maximum adapter and domain numbers are 0-255");
		return;
	}
	if (last_bit(cfg.apm) > na) {
		out_line("aplab: host: adapter %d is above the maximum %d", last_bit(cfg.apm), na);
		return;
	}
	if (last_bit(cfg.aqm) > nd || last_bit(cfg.adm) > nd) {
		int m = last_bit(cfg.aqm) > last_bit(cfg.adm) ? last_bit(cfg.aqm) : last_bit(cfg.adm);
		out_line("aplab: host: domain %d is above the maximum %d", m, nd);
		return;
	}
	cfg.na = na;
	cfg.nd = nd;
	cfg.hwtype = AP_DEVICE_TYPE_CEX8;
	strcpy(cfg.type, "CEX8C");
	if (type) {
		char t[16];
		size_t l = strlen(type), k;
		for (k = 0; k < l && k < sizeof(t) - 1; k++)
			t[k] = (char)toupper((unsigned char)type[k]);
		t[k] = '\0';
		if (l > 5 || l < 4 || strncmp(t, "CEX", 3) || t[3] < '4' || t[3] > '8' || (l == 5 && !strchr("CAP", t[4]))) {
			out_line("aplab: host: unknown card type '%s' (CEX4..CEX8, optional mode C, A or P)", type);
			return;
		}
		cfg.hwtype = t[3] - '0' + 6;
		snprintf(cfg.type, sizeof(cfg.type), "CEX%c%c", t[3], l == 5 ? t[4] : 'C');
	}
	apbus_configure(&cfg);
}
static void show_ids(const char *label, const unsigned long *m, int digits)
{
	char line[2048];
	size_t off = 0;
	int i;
	off += snprintf(line, sizeof(line), "%s: ", label);
	for (i = 0; i < 256; i++)
		if (test_bit_inv(i, m))
			off += snprintf(line + off, sizeof(line) - off, "%s%0*x", off > strlen(label) + 2 ? "," : "", digits, i);
	if (off == strlen(label) + 2)
		snprintf(line + off, sizeof(line) - off, "none");
	out_line("%s", line);
}
static struct guest *guest_slot(const char *name)
{
	struct guest *g = guest_find(name);
	int i;
	if (g)
		return g;
	for (i = 0; i < MAX_GUESTS; i++)
		if (!guests[i].used)
			return &guests[i];
	return NULL;
}
static void cmd_guest(struct parsed *p, int start)
{
	const char *sub = start < p->nwords ? p->words[start] : NULL;
	if (!sub) {
		out_line("aplab: guest: missing command (start, stop, show)");
		return;
	}
	if (!strcmp(sub, "show") && p->nwords == start + 2) {
		struct guest *g = guest_find(p->words[start + 1]);
		if (!g) {
			out_line("aplab: guest show: no guest %s", p->words[start + 1]);
			return;
		}
		show_ids("adapters", g->kvm->apm, 2);
		show_ids("domains", g->kvm->aqm, 4);
		show_ids("control domains", g->kvm->adm, 4);
		return;
	}
	if (!strcmp(sub, "stop") && p->nwords == start + 2) {
		struct guest *g = guest_find(p->words[start + 1]);
		int i;
		if (!g || !g->nvdev) {
			out_line("aplab: guest stop: guest %s is not running", p->words[start + 1]);
			return;
		}
		for (i = g->nvdev - 1; i >= 0; i--)
			if (g->vdev[i]->kvm == g->kvm)
				qemu_close(g, i);
		g->nvdev = 0;
		return;
	}
	if (!strcmp(sub, "start")) {
		const char *name = NULL;
		struct mdev_device *mdevs[MAX_GUEST_MDEVS];
		int nm = 0, i, k, rc;
		struct guest *g, *old;
		struct kvm *kvm;
		for (i = start + 1; i < p->nwords; i++) {
			const char *v;
			int save = i;
			if ((v = opt_value(p, &i, "--mdev"))) {
				char lower[64];
				size_t l;
				for (l = 0; v[l] && l < sizeof(lower) - 1; l++)
					lower[l] = (char)tolower((unsigned char)v[l]);
				lower[l] = '\0';
				if (nm == MAX_GUEST_MDEVS) {
					out_line("aplab-oracle: not supported: aplab guest start with more than %d --mdev", MAX_GUEST_MDEVS);
					return;
				}
				mdevs[nm] = mdev_find(lower);
				if (!mdevs[nm]) {
					/* checked after the options, as the model does */
					mdevs[nm] = (struct mdev_device *)(uintptr_t)1;
				}
				nm++;
				(void)v;
			} else if (i = save, p->words[i][0] == '-' || name) {
				out_line("aplab-oracle: not supported: aplab guest start %s", p->words[i]);
				return;
			} else {
				name = p->words[i];
			}
		}
		if (!name || !nm) {
			/* picocli's message for what is missing */
			if (!name && !nm)
				out_line("aplab: guest start: Missing required options and parameters: '--mdev=UUID', 'NAME'");
			else if (!nm)
				out_line("aplab: guest start: Missing required option: '--mdev=UUID'");
			else
				out_line("aplab: guest start: Missing required parameter: 'NAME'");
			return;
		}
		old = guest_find(name);
		if (old && old->nvdev) {
			out_line("aplab: guest start: guest %s is already running", name);
			return;
		}
		/* the first unknown mdev, by its text */
		for (i = start + 1, k = 0; i < p->nwords; i++) {
			int save = i;
			const char *v = opt_value(p, &i, "--mdev");
			if (!v) {
				i = save;
				continue;
			}
			if (mdevs[k] == (struct mdev_device *)(uintptr_t)1) {
				out_line("aplab: guest start: no mdev %s", v);
				return;
			}
			k++;
		}
		kvm = kvm_create(name, qci_apxa(apbus_qci()));
		g = guest_slot(name);
		if (!g) {
			kvm_destroy(kvm);
			out_line("aplab-oracle: not supported: more than %d guests", MAX_GUESTS);
			return;
		}
		{
			struct guest ng;
			memset(&ng, 0, sizeof(ng));
			snprintf(ng.name, sizeof(ng.name), "%s", name);
			ng.kvm = kvm;
			ng.used = true;
			for (i = 0; i < nm; i++) {
				struct vfio_device *vdev = mdev_vfio(mdevs[i]);
				rc = vfio_open(vdev, kvm);
				if (rc) {
					for (k = ng.nvdev - 1; k >= 0; k--)
						qemu_close(&ng, k);
					kvm_destroy(kvm);
					out_line("aplab: guest start: %s: vfio-ap device %s: %s", name, mdevs[i]->dev.name, errname(-rc));
					return;
				}
				ng.vdev[ng.nvdev] = vdev;
				ng.req[ng.nvdev] = qemu_register_request(vdev);
				ng.nvdev++;
			}
			if (g->used)
				kvm_destroy(g->kvm);
			*g = ng;
		}
		return;
	}
	out_line("aplab-oracle: not supported: aplab guest %s", sub);
}

void oracle_reset(void);
static void cmd_aplab(struct parsed *p)
{
	const char *sub = p->nwords > 1 ? p->words[1] : NULL;
	if (!sub) {
		out_line("aplab: missing command (host, guest, lockdep, kernel)");
		return;
	}
	if (!strcmp(sub, "host")) {
		cmd_host(p, 2);
	} else if (!strcmp(sub, "guest")) {
		cmd_guest(p, 2);
	} else if (!strcmp(sub, "lockdep") && p->nwords == 2) {
		lockdep_report(emit_line);
	} else if (!strcmp(sub, "kernel") && p->nwords == 3 && !strcmp(p->words[2], ORACLE_KERNEL_NAME)) {
		oracle_reset();
	} else {
		char line[512];
		size_t off = 0;
		int i;
		for (i = 0; i < p->nwords && i < 3; i++)
			off += snprintf(line + off, sizeof(line) - off, "%s%s", i ? " " : "", p->words[i]);
		out_line("aplab-oracle: not supported: %s", line);
	}
}

/* ------------------------------------------------------------------ one command line */
/*
 * Redirections beyond one "> FILE" / ">> FILE" (2>, 1>, 2>&1, several): aplab's shell runs them
 * as bash does (shell/Redirections.java); the harness leaves them to it.
 */
static bool fancy_redirect(const char *line)
{
	int n = 0;
	char q = 0;
	const char *c;
	for (c = line; *c; c++) {
		if (q) {
			if (*c == q)
				q = 0;
			else if (q == '"' && *c == '\\' && c[1])
				c++;
			continue;
		}
		if (*c == '\'' || *c == '"') {
			q = *c;
		} else if (*c == '\\' && c[1]) {
			c++;
		} else if (*c == '>') {
			if (c > line && isdigit((unsigned char)c[-1]) && (c - 1 == line || c[-2] == ' ' || c[-2] == '\t'))
				return true;
			if (c[1] == '>')
				c++;
			if (c[1] == '&')
				return true;
			n++;
		}
	}
	return n > 1;
}

void shell_execute(const char *line)
{
	struct parsed p;
	const char *cmd;
	if (fancy_redirect(line)) {
		out_line("aplab-oracle: not supported: %s", line);
		oracle_run_pending_work();
		return;
	}
	parse_line(line, &p);
	if (p.unsupported) {
		out_line("aplab: unsupported shell syntax: %s", p.unsupported);
		parsed_free(&p);
		return;
	}
	if (!p.nwords) {
		if (p.redirect)
			do_write(p.redirect, "", 0, NULL);
		parsed_free(&p);
		return;
	}
	cmd = p.words[0];
	if (!strcmp(cmd, "echo")) {
		cmd_echo(&p);
	} else if (!strcmp(cmd, "cat") || !strcmp(cmd, "ls") || !strcmp(cmd, "aplab")) {
		if (p.redirect) {
			capturing = true;
			capture_len = 0;
		}
		if (!strcmp(cmd, "cat"))
			cmd_cat(&p);
		else if (!strcmp(cmd, "ls"))
			cmd_ls(&p);
		else
			cmd_aplab(&p);
		if (p.redirect) {
			capturing = false;
			do_write(p.redirect, capture ? capture : "", capture_len, NULL);
		}
	} else if (!strcmp(cmd, "cd")) {
		cmd_cd(&p);
	} else if (!strcmp(cmd, "lszcrypt") || !strcmp(cmd, "ap-check") || !strcmp(cmd, "help") || !strcmp(cmd, "history")) {
		out_line("aplab-oracle: not supported: %s", cmd);
	} else {
		out_line("aplab: unknown command: %s", cmd);
	}
	parsed_free(&p);
	oracle_run_pending_work();
}

/* ------------------------------------------------------------------ a fresh host */
static bool loaded;
void oracle_reset(void)
{
	int i;
	if (loaded) {
		/* take everything down without recording it */
		oracle_quiet = true;
		for (i = 0; i < MAX_GUESTS; i++)
			if (guests[i].used) {
				while (guests[i].nvdev)
					qemu_close(&guests[i], guests[i].nvdev - 1);
				kvm_destroy(guests[i].kvm);
				guests[i].used = false;
			}
		while (mdev_count())
			mdev_remove_store(mdev_nth(mdev_count() - 1), "1", 1);
		apbus_reset();
		oracle_run_pending_work();
		driver_unload();
		oracle_quiet = false;
	}
	memset(guests, 0, sizeof(guests));
	vfio_core_reset();
	apbus_reset();
	oracle_request_handler = qemu_on_request;
	if (driver_load()) {
		fprintf(stderr, "aplab-oracle: the vfio_ap module failed to load\n");
		exit(3);
	}
	snprintf(cwd, sizeof(cwd), "/");
	lockdep_reset(); /* aplab lockdep reports one host's session */
	loaded = true;
}
