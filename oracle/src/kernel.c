// SPDX-License-Identifier: GPL-2.0
/*
 * aplab kernel oracle: the kernel services behind shim/kernel.h. Memory, the kernel log, mutexes
 * over pthread with a lock-order recorder in the spirit of lockdep, work queues run by flush_work
 * (or at the end of the command), kstrtoul and friends with lib/kstrtox.c's rules, sysfs_emit(_at)
 * with fs/sysfs/file.c's page rules, guid_parse (lib/uuid.c), a minimal driver core, and the
 * parts of the vfio and mdev cores (drivers/vfio/vfio_main.c, drivers/vfio/mdev/) the driver
 * calls. All written for aplab; behaviour as documented in the kernel, no kernel code.
 */
#include "oracle.h"

struct module __this_module;
static struct workqueue_struct long_wq;
struct workqueue_struct *system_long_wq = &long_wq;
struct debug_view debug_sprintf_view;
int oracle_warnings;

/* ------------------------------------------------------------------ memory */
void *kzalloc(size_t size, gfp_t flags) { (void)flags; return calloc(1, size ? size : 1); }
void *kmalloc(size_t size, gfp_t flags) { (void)flags; return malloc(size ? size : 1); }
void kfree(const void *p) { free((void *)p); }
char *kstrndup(const char *s, size_t max, gfp_t flags)
{
	size_t n = strnlen(s, max);
	char *d = kmalloc(n + 1, flags);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* ------------------------------------------------------------------ log, warnings, findings */
static bool dmesg_on(void)
{
	static int on = -1;
	if (on < 0)
		on = getenv("APLAB_ORACLE_DMESG") != NULL;
	return on;
}
void oracle_printk(const char *level, const char *fmt, ...)
{
	va_list ap;
	if (!dmesg_on())
		return;
	fprintf(stderr, "[kernel %s] ", level);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (!*fmt || fmt[strlen(fmt) - 1] != '\n')
		fputc('\n', stderr);
}
void oracle_warn(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	const char *base = strrchr(file, '/');
	oracle_warnings++;
	fprintf(stderr, "aplab-oracle: WARNING at %s:%d: ", base ? base + 1 : file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (!*fmt || fmt[strlen(fmt) - 1] != '\n')
		fputc('\n', stderr);
}
void oracle_finding(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "aplab-oracle: FINDING: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ------------------------------------------------------------------ lockdep */
#define MAX_CLASSES 32
#define MAX_HELD 16
#define MAX_EDGES 256
static const char *classes[MAX_CLASSES];
static int nclasses;
static struct { int from, to; char chain[256]; } edges[MAX_EDGES];
static int nedges;
static char cycles[8][1024];
static int ncycles;
static struct { const void *lock; int cls; } held[MAX_HELD];
/* every edge of every session since the process started, for APLAB_ORACLE_LOCKGRAPH */
static char all_edges[MAX_EDGES][160];
static int nall;
static char all_cycles[8][1024];
static int nallcycles;
static void remember_edge(const char *from, const char *to)
{
	char e[160];
	int i;
	snprintf(e, sizeof(e), "%s -> %s", from, to);
	for (i = 0; i < nall; i++)
		if (!strcmp(all_edges[i], e))
			return;
	if (nall < MAX_EDGES)
		snprintf(all_edges[nall++], sizeof(all_edges[0]), "%s", e);
}
static int nheld;

/*
 * lockdep names a class by the expression handed to mutex_init(): "&matrix_dev->mdevs_lock".
 * aplab's report uses the short names its documentation uses (mdevs_lock, guests_lock), so
 * "&matrix_dev->" is dropped; the others are named as aplab names them (kvm->lock, &dev->mutex).
 */
const char *lockdep_class(const char *expr)
{
	if (!strncmp(expr, "&matrix_dev->", 13))
		expr += 13;
	return expr;
}
static int class_of(const char *name)
{
	int i;
	for (i = 0; i < nclasses; i++)
		if (!strcmp(classes[i], name))
			return i;
	if (nclasses == MAX_CLASSES) {
		oracle_finding("lockdep: too many lock classes");
		return 0;
	}
	classes[nclasses] = name;
	return nclasses++;
}
static bool has_edge(int a, int b)
{
	int i;
	for (i = 0; i < nedges; i++)
		if (edges[i].from == a && edges[i].to == b)
			return true;
	return false;
}
/* a path a -> ... -> b in the graph, written into chain; breadth first */
static bool find_path(int a, int b, char *chain, size_t n)
{
	int prev[MAX_CLASSES], queue[MAX_CLASSES], qh = 0, qt = 0, i, x;
	for (i = 0; i < MAX_CLASSES; i++)
		prev[i] = -2;
	prev[a] = -1;
	queue[qt++] = a;
	while (qh < qt) {
		x = queue[qh++];
		if (x == b) {
			int path[MAX_CLASSES], np = 0;
			size_t off = 0;
			for (; x != -1; x = prev[x])
				path[np++] = x;
			for (i = np - 1; i >= 0; i--)
				off += snprintf(chain + off, off < n ? n - off : 0, "%s%s", classes[path[i]], i ? " -> " : "");
			return true;
		}
		for (i = 0; i < nedges; i++)
			if (edges[i].from == x && prev[edges[i].to] == -2) {
				prev[edges[i].to] = x;
				queue[qt++] = edges[i].to;
			}
	}
	return false;
}
static void add_edge(int from, int to)
{
	char back[512];
	size_t off = 0;
	int i;
	if (from == to || has_edge(from, to))
		return;
	if (nedges == MAX_EDGES)
		return;
	edges[nedges].from = from;
	edges[nedges].to = to;
	for (i = 0; i < nheld; i++)
		off += snprintf(edges[nedges].chain + off, sizeof(edges[nedges].chain) - off, "%s -> ", classes[held[i].cls]);
	snprintf(edges[nedges].chain + off, sizeof(edges[nedges].chain) - off, "%s", classes[to]);
	if (find_path(to, from, back, sizeof(back)) && ncycles < 8) {
		snprintf(cycles[ncycles], sizeof(cycles[0]),
			 "possible circular locking dependency detected\n"
			 "  new chain:      %s\n  but the reverse order was seen before:\n  existing chain: %s",
			 edges[nedges].chain, back);
		if (nallcycles < 8)
			memcpy(all_cycles[nallcycles++], cycles[ncycles], sizeof(cycles[0]));
		ncycles++;
	}
	remember_edge(classes[from], classes[to]);
	nedges++;
}
/* returns false when this would be recursive locking (reported, and the lock is not taken) */
static bool lock_acquire(const void *lock, const char *name)
{
	int cls = class_of(lockdep_class(name)), i;
	for (i = 0; i < nheld; i++)
		if (held[i].lock == lock) {
			oracle_finding("recursive locking: %s is already held (a real kernel deadlocks here)", classes[cls]);
			return false;
		}
	if (nheld && !oracle_quiet)
		add_edge(held[nheld - 1].cls, cls);
	if (nheld < MAX_HELD) {
		held[nheld].lock = lock;
		held[nheld].cls = cls;
		nheld++;
	}
	return true;
}
static void lock_release(const void *lock)
{
	int i;
	for (i = nheld - 1; i >= 0; i--)
		if (held[i].lock == lock) {
			memmove(&held[i], &held[i + 1], (nheld - i - 1) * sizeof(held[0]));
			nheld--;
			return;
		}
	oracle_finding("unlock of a lock that is not held");
}
static struct { const void *lock; int cls; } saved_held[MAX_HELD];
static int saved_nheld;
void lockdep_enter_thread(void)
{
	memcpy(saved_held, held, sizeof(held));
	saved_nheld = nheld;
	nheld = 0;
}
void lockdep_leave_thread(void)
{
	memcpy(held, saved_held, sizeof(held));
	nheld = saved_nheld;
}
void lockdep_reset(void)
{
	nclasses = 0;
	nedges = 0;
	ncycles = 0;
	nheld = 0;
}
void lockdep_report(void (*emit)(const char *line))
{
	char line[600];
	int i;
	for (i = 0; i < nedges; i++) {
		snprintf(line, sizeof(line), "%s -> %s", classes[edges[i].from], classes[edges[i].to]);
		emit(line);
	}
	if (!ncycles)
		emit("no circular dependency");
	for (i = 0; i < ncycles; i++) {
		char *s = cycles[i], *nl;
		while ((nl = strchr(s, '\n'))) {
			*nl = '\0';
			emit(s);
			*nl = '\n';
			s = nl + 1;
		}
		emit(s);
	}
}
static FILE *lockgraph_file;
void lockdep_write_file(const char *path)
{
	lockgraph_file = fopen(path, "w");
	if (!lockgraph_file) {
		fprintf(stderr, "aplab-oracle: cannot write %s: %s\n", path, strerror(errno));
		return;
	}
	{
		int i;
		for (i = 0; i < nall; i++)
			fprintf(lockgraph_file, "%s\n", all_edges[i]);
		if (!nallcycles)
			fprintf(lockgraph_file, "no circular dependency\n");
		for (i = 0; i < nallcycles; i++)
			fprintf(lockgraph_file, "%s\n", all_cycles[i]);
	}
	fclose(lockgraph_file);
}

void oracle_mutex_init(struct mutex *m, const char *name)
{
	pthread_mutex_init(&m->m, NULL);
	m->name = name;
	m->held = 0;
}
void mutex_lock(struct mutex *m)
{
	if (!lock_acquire(m, m->name))
		return;
	pthread_mutex_lock(&m->m);
	m->held = 1;
}
int mutex_trylock(struct mutex *m)
{
	if (m->held || pthread_mutex_trylock(&m->m))
		return 0;
	/* a trylock adds no dependency (it cannot deadlock), but it is held from now on */
	if (nheld < MAX_HELD) {
		held[nheld].lock = m;
		held[nheld].cls = class_of(lockdep_class(m->name));
		nheld++;
	}
	m->held = 1;
	return 1;
}
void mutex_unlock(struct mutex *m)
{
	if (!m->held) {
		oracle_finding("mutex_unlock of %s, which is not locked", lockdep_class(m->name));
		return;
	}
	lock_release(m);
	m->held = 0;
	pthread_mutex_unlock(&m->m);
}
bool mutex_is_locked(struct mutex *m) { return m->held; }
void oracle_rwsem_init(struct rw_semaphore *s, const char *name)
{
	pthread_rwlock_init(&s->rw, NULL);
	s->name = name;
	s->held = 0;
}
void down_write(struct rw_semaphore *s)
{
	if (!lock_acquire(s, s->name))
		return;
	pthread_rwlock_wrlock(&s->rw);
	s->held = 1;
}
void up_write(struct rw_semaphore *s)
{
	lock_release(s);
	s->held = 0;
	pthread_rwlock_unlock(&s->rw);
}
void down_read(struct rw_semaphore *s)
{
	if (!lock_acquire(s, s->name))
		return;
	pthread_rwlock_rdlock(&s->rw);
	s->held = 1;
}
void up_read(struct rw_semaphore *s) { up_write(s); }
void oracle_assert_held(const void *lock, int is_held, const char *what, const char *file, int line)
{
	(void)lock;
	if (!is_held)
		oracle_warn(file, line, "lockdep_assert_held(%s) failed", what);
}

/* ------------------------------------------------------------------ work queues */
static LIST_HEAD(pending_work);
bool queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	(void)wq;
	if (work->pending)
		return false;
	work->pending = true;
	list_add_tail(&work->entry, &pending_work);
	return true;
}
bool flush_work(struct work_struct *work)
{
	if (!work->pending)
		return false;
	list_del(&work->entry);
	INIT_LIST_HEAD(&work->entry);
	work->pending = false;
	work->func(work);
	return true;
}
void oracle_run_pending_work(void)
{
	while (!list_empty(&pending_work))
		flush_work(list_first_entry(&pending_work, struct work_struct, entry));
}
static unsigned long slept_ms;
void msleep(unsigned int ms) { slept_ms += ms; }

/* ------------------------------------------------------------------ numbers (lib/kstrtox.c rules) */
static const char *fixup_radix(const char *s, unsigned int *base)
{
	if (*base == 0) {
		if (s[0] == '0') {
			if (tolower((unsigned char)s[1]) == 'x' && isxdigit((unsigned char)s[2]))
				*base = 16;
			else
				*base = 8;
		} else {
			*base = 10;
		}
	}
	if (*base == 16 && s[0] == '0' && tolower((unsigned char)s[1]) == 'x')
		s += 2;
	return s;
}
/* digits parsed; *overflow set when the value does not fit 64 bits */
static unsigned int parse_digits(const char *s, unsigned int base, unsigned long long *res, bool *overflow)
{
	unsigned long long r = 0;
	unsigned int n = 0;
	*overflow = false;
	for (;; s++, n++) {
		unsigned int c = (unsigned char)*s, v;
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (tolower(c) >= 'a' && tolower(c) <= 'f')
			v = tolower(c) - 'a' + 10;
		else
			break;
		if (v >= base)
			break;
		if (r > (~0ULL - v) / base)
			*overflow = true;
		r = r * base + v;
	}
	*res = r;
	return n;
}
int kstrtoul(const char *s, unsigned int base, unsigned long *res)
{
	unsigned long long r;
	unsigned int n;
	bool overflow;
	if (s[0] == '+')
		s++;
	s = fixup_radix(s, &base);
	n = parse_digits(s, base, &r, &overflow);
	if (n == 0)
		return -EINVAL;
	if (overflow)
		return -ERANGE;
	s += n;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = r;
	return 0;
}
int kstrtoint(const char *s, unsigned int base, int *res)
{
	unsigned long v;
	bool neg = s[0] == '-';
	int rc = kstrtoul(neg ? s + 1 : s, base, &v);
	if (rc)
		return rc;
	if (neg ? v > 2147483648UL : v > 2147483647UL)
		return -ERANGE;
	*res = neg ? -(long)v : (long)v;
	return 0;
}
unsigned long simple_strtoul(const char *cp, char **endp, unsigned int base)
{
	unsigned long long r;
	bool overflow;
	cp = fixup_radix(cp, &base);
	cp += parse_digits(cp, base, &r, &overflow);
	if (endp)
		*endp = (char *)cp;
	return r;
}
int hex_to_bin(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}
char *strsep(char **stringp, const char *delim)
{
	char *s = *stringp, *end;
	if (!s)
		return NULL;
	end = s + strcspn(s, delim);
	if (*end) {
		*end = '\0';
		*stringp = end + 1;
	} else {
		*stringp = NULL;
	}
	return s;
}
int vscnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	int i = vsnprintf(buf, size, fmt, args);
	if (i >= 0 && (size_t)i < size)
		return i;
	return size ? (int)size - 1 : 0;
}
int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vscnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
int sysfs_emit(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;
	if (WARN(!buf || ((uintptr_t)buf & (PAGE_SIZE - 1)), "invalid sysfs_emit: buf:%p\n", (void *)buf))
		return 0;
	va_start(ap, fmt);
	n = vscnprintf(buf, PAGE_SIZE, fmt, ap);
	va_end(ap);
	return n;
}
int sysfs_emit_at(char *buf, int at, const char *fmt, ...)
{
	va_list ap;
	int n;
	if (WARN(!buf || ((uintptr_t)buf & (PAGE_SIZE - 1)) || at < 0 || at >= (int)PAGE_SIZE,
		 "invalid sysfs_emit_at: buf:%p at:%d\n", (void *)buf, at))
		return 0;
	va_start(ap, fmt);
	n = vscnprintf(buf + at, PAGE_SIZE - at, fmt, ap);
	va_end(ap);
	return n;
}
bool sysfs_streq(const char *s1, const char *s2)
{
	while (*s1 && *s1 == *s2) {
		s1++;
		s2++;
	}
	if (*s1 == *s2)
		return true;
	if (!*s1 && *s2 == '\n' && !s2[1])
		return true;
	if (*s1 == '\n' && !s1[1] && !*s2)
		return true;
	return false;
}

/* lib/uuid.c: 36 characters, dashes at 8, 13, 18, 23, hex digits elsewhere */
static const u8 guid_index[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
static const u8 si[16] = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};
int guid_parse(const char *uuid, guid_t *u)
{
	int i;
	for (i = 0; i < UUID_STRING_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (uuid[i] != '-')
				return -EINVAL;
		} else if (!isxdigit((unsigned char)uuid[i])) {
			return -EINVAL;
		}
	}
	for (i = 0; i < 16; i++)
		u->b[guid_index[i]] = (u8)(hex_to_bin(uuid[si[i]]) << 4 | hex_to_bin(uuid[si[i] + 1]));
	return 0;
}
/* "%pUl" */
static void guid_format(const guid_t *u, char *out)
{
	int i, o = 0;
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		o += sprintf(out + o, "%02x", u->b[guid_index[i]]);
	}
	out[o] = '\0';
}

/* ------------------------------------------------------------------ driver core (minimal) */
int dev_set_name(struct device *dev, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(dev->name, sizeof(dev->name), fmt, ap);
	va_end(ap);
	return 0;
}
static void device_init_lock(struct device *dev)
{
	if (!dev->mutex.name)
		oracle_mutex_init(&dev->mutex, "&dev->mutex");
}
int device_register(struct device *dev) { device_init_lock(dev); dev->refs++; return 0; }
void device_del(struct device *dev) { (void)dev; }
struct device *get_device(struct device *dev) { if (dev) dev->refs++; return dev; }
void put_device(struct device *dev)
{
	if (dev && --dev->refs <= 0 && dev->release)
		dev->release(dev);
}
void device_unregister(struct device *dev) { device_del(dev); put_device(dev); }
static void root_release(struct device *dev) { kfree(dev); }
struct device *root_device_register(const char *name)
{
	struct device *d = kzalloc(sizeof(*d), GFP_KERNEL);
	dev_set_name(d, "%s", name);
	d->release = root_release;
	device_register(d);
	return d;
}
void root_device_unregister(struct device *dev) { device_unregister(dev); }
int bus_register(const struct bus_type *bus) { (void)bus; return 0; }
void bus_unregister(const struct bus_type *bus) { (void)bus; }
int driver_register(struct device_driver *drv) { (void)drv; return 0; }
void driver_unregister(struct device_driver *drv) { (void)drv; }
int sysfs_create_group(struct kobject *kobj, const struct attribute_group *grp)
{
	struct device *dev = container_of(kobj, struct device, kobj);
	int i;
	for (i = 0; i < ORACLE_DEV_GROUPS; i++)
		if (dev->sysfs_groups[i] == grp)
			return -EEXIST;
	for (i = 0; i < ORACLE_DEV_GROUPS; i++)
		if (!dev->sysfs_groups[i]) {
			dev->sysfs_groups[i] = grp;
			return 0;
		}
	return -ENOMEM;
}
void sysfs_remove_group(struct kobject *kobj, const struct attribute_group *grp)
{
	struct device *dev = container_of(kobj, struct device, kobj);
	int i;
	for (i = 0; i < ORACLE_DEV_GROUPS; i++)
		if (dev->sysfs_groups[i] == grp)
			dev->sysfs_groups[i] = NULL;
}
bool test_facility(unsigned long nr) { return nr == 12 || nr == 65 || nr == 76; }
debug_info_t *debug_register(const char *name, int pages, int nr_areas, int buf_size)
{
	static debug_info_t dbf;
	(void)name; (void)pages; (void)nr_areas; (void)buf_size;
	return &dbf;
}
void debug_unregister(debug_info_t *id) { (void)id; }

/* ------------------------------------------------------------------ eventfd */
#define MAX_EVENTFD 64
static struct eventfd_ctx *eventfds[MAX_EVENTFD];
struct eventfd_ctx *eventfd_new(void)
{
	int fd;
	for (fd = 3; fd < MAX_EVENTFD; fd++)
		if (!eventfds[fd]) {
			eventfds[fd] = kzalloc(sizeof(struct eventfd_ctx), GFP_KERNEL);
			eventfds[fd]->fd = fd;
			eventfds[fd]->refs = 1; /* the user's file */
			return eventfds[fd];
		}
	return NULL;
}
struct eventfd_ctx *eventfd_ctx_fdget(int fd)
{
	if (fd < 0 || fd >= MAX_EVENTFD || !eventfds[fd])
		return ERR_PTR(-EBADF);
	eventfds[fd]->refs++;
	return eventfds[fd];
}
void eventfd_ctx_put(struct eventfd_ctx *ctx)
{
	if (--ctx->refs == 0) {
		eventfds[ctx->fd] = NULL;
		kfree(ctx);
	}
}
#if ORACLE_KERNEL >= 612
void eventfd_signal(struct eventfd_ctx *ctx) { ctx->signals++; }
#else
u64 eventfd_signal(struct eventfd_ctx *ctx, u64 n) { ctx->signals += (int)n; return n; }
#endif

/* ------------------------------------------------------------------ vfio core */
struct vfio_device *_vfio_alloc_device(size_t size, struct device *dev, const struct vfio_device_ops *ops)
{
	struct vfio_device *vdev = kzalloc(size, GFP_KERNEL);
	int ret;
	vdev->dev = dev;
	vdev->ops = ops;
	vdev->alloc_size = size;
	if (ops->init) {
		ret = ops->init(vdev);
		if (ret) {
			kfree(vdev);
			return ERR_PTR(ret);
		}
	}
	return vdev;
}
void vfio_free_device(struct vfio_device *device) { kfree(device); }
void vfio_put_device(struct vfio_device *device)
{
#if ORACLE_KERNEL >= 612
	/* vfio_device_release: the driver's release if it has one, then the memory */
	if (device->ops->release)
		device->ops->release(device);
	kfree(device);
#else
	/* 6.1: release is mandatory and frees the device (vfio_free_device) */
	device->ops->release(device);
#endif
}
int vfio_register_emulated_iommu_dev(struct vfio_device *device) { device->registered = true; return 0; }
void (*oracle_request_handler)(struct vfio_device *vdev);
/*
 * vfio_unregister_group_dev: no new opens; while a user still has the device open, the driver's
 * request callback asks it to let go (count 0, 1, ...) and the caller waits. The harness's QEMU
 * answers a signalled request at once by closing the device; one that is never asked would
 * block the writer for ever, which a transcript cannot show (the shell refuses that case first).
 */
void vfio_unregister_group_dev(struct vfio_device *device)
{
	unsigned int i = 0;
	device->registered = false;
	while (device->open_count) {
		if (device->ops->request)
			device->ops->request(device, i++);
		if (oracle_request_handler)
			oracle_request_handler(device);
		if (device->open_count && i > 10) {
			oracle_finding("vfio_unregister_group_dev: %s is still open: the remove would block",
				       dev_name(device->dev));
			break;
		}
		if (!device->ops->request)
			break;
	}
}
int vfio_open(struct vfio_device *vdev, struct kvm *kvm)
{
	int ret;
	/* one opener per vfio group (vfio_group_fops_open: group->opened_file) */
	if (vdev->open_count)
		return -EBUSY;
	if (!vdev->registered)
		return -ENODEV;
	kvm_get_kvm(kvm);
	vdev->kvm = kvm;
	vdev->open_count++;
	ret = vdev->ops->open_device ? vdev->ops->open_device(vdev) : 0;
	if (ret) {
		vdev->open_count--;
		vdev->kvm = NULL;
		kvm_put_kvm(kvm);
	}
	return ret;
}
void vfio_close(struct vfio_device *vdev)
{
	struct kvm *kvm = vdev->kvm;
	if (!vdev->open_count)
		return;
	if (vdev->ops->close_device)
		vdev->ops->close_device(vdev);
	vdev->open_count--;
	vdev->kvm = NULL;
	if (kvm)
		kvm_put_kvm(kvm);
}
int vfio_pin_pages(struct vfio_device *device, dma_addr_t iova, int npage, int prot, struct page **pages)
{
	static struct page pg;
	(void)device; (void)prot;
	pg.pfn = iova >> PAGE_SHIFT;
	*pages = &pg;
	return npage;
}
void vfio_unpin_pages(struct vfio_device *device, dma_addr_t iova, int npage) { (void)device; (void)iova; (void)npage; }
int vfio_iommufd_emulated_bind(struct vfio_device *vdev, struct iommufd_ctx *ictx, u32 *out_device_id)
{ (void)vdev; (void)ictx; (void)out_device_id; return 0; }
void vfio_iommufd_emulated_unbind(struct vfio_device *vdev) { (void)vdev; }
int vfio_iommufd_emulated_attach_ioas(struct vfio_device *vdev, u32 *pt_id) { (void)vdev; (void)pt_id; return 0; }
void vfio_iommufd_emulated_detach_ioas(struct vfio_device *vdev) { (void)vdev; }
/* drivers/vfio/vfio_main.c: the header's checks for VFIO_DEVICE_SET_IRQS */
int vfio_set_irqs_validate_and_prepare(struct vfio_irq_set *hdr, int num_irqs, int max_irq_type, size_t *data_size)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	size_t size;
	*data_size = 0;
	if (hdr->argsz < minsz || hdr->index >= (u32)max_irq_type || hdr->count >= (~0U - hdr->start) ||
	    (hdr->flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK | VFIO_IRQ_SET_ACTION_TYPE_MASK)))
		return -EINVAL;
	switch (hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE: size = 0; break;
	case VFIO_IRQ_SET_DATA_BOOL: size = sizeof(u8); break;
	case VFIO_IRQ_SET_DATA_EVENTFD: size = sizeof(s32); break;
	default: return -EINVAL;
	}
	if (size) {
		if (hdr->argsz - minsz < hdr->count * size)
			return -EINVAL;
		if (!num_irqs || hdr->start >= (u32)num_irqs || hdr->start + hdr->count > (u32)num_irqs)
			return -EINVAL;
		*data_size = hdr->count * size;
	}
	return 0;
}

/* ------------------------------------------------------------------ mdev core */
static struct mdev_parent *the_parent;
static struct mdev_driver *the_mdev_driver;
static LIST_HEAD(mdev_list);
int mdev_register_driver(struct mdev_driver *drv) { the_mdev_driver = drv; return 0; }
void mdev_unregister_driver(struct mdev_driver *drv) { (void)drv; the_mdev_driver = NULL; }
int mdev_register_parent(struct mdev_parent *parent, struct device *dev, struct mdev_driver *mdev_driver,
			 struct mdev_type **types, unsigned int nr_types)
{
	unsigned int i;
	parent->dev = dev;
	parent->mdev_driver = mdev_driver;
	parent->types = types;
	parent->nr_types = (int)nr_types;
	parent->available_instances = (int)mdev_driver->max_instances;
	for (i = 0; i < nr_types; i++)
		types[i]->parent = parent;
	the_parent = parent;
	return 0;
}
void mdev_unregister_parent(struct mdev_parent *parent) { (void)parent; the_parent = NULL; }
int mdev_available_instances(void) { return the_parent ? the_parent->available_instances : 0; }
static void mdev_device_release(struct device *dev)
{
	struct mdev_device *mdev = to_mdev_device(dev);
	list_del(&mdev->next);
	if (!the_parent->mdev_driver->get_available)
		the_parent->available_instances++;
	kfree(mdev);
}
/* mdev_sysfs.c create_store + mdev_core.c mdev_device_create */
ssize_t mdev_create_store(const char *buf, size_t count)
{
	struct mdev_device *mdev, *tmp;
	struct mdev_driver *drv;
	guid_t uuid;
	char *str;
	int ret;
	if (!the_parent)
		return -ENODEV;
	drv = the_parent->mdev_driver;
	if (count < UUID_STRING_LEN || count > UUID_STRING_LEN + 1)
		return -EINVAL;
	str = kstrndup(buf, count, GFP_KERNEL);
	ret = guid_parse(str, &uuid);
	kfree(str);
	if (ret)
		return ret;
	list_for_each_entry(tmp, &mdev_list, next)
		if (guid_equal(&tmp->uuid, &uuid))
			return -EEXIST;
	if (!drv->get_available) {
		if (!the_parent->available_instances)
			return -EUSERS;
		the_parent->available_instances--;
	}
	mdev = kzalloc(sizeof(*mdev), GFP_KERNEL);
	mdev->uuid = uuid;
	mdev->type = the_parent->types[0];
	mdev->dev.parent = the_parent->dev;
	mdev->dev.release = mdev_device_release;
	device_init_lock(&mdev->dev);
	mdev->dev.refs = 1;
	list_add_tail(&mdev->next, &mdev_list);
	guid_format(&uuid, mdev->dev.name);
	/* device_add, then device_driver_attach: the probe runs under the device lock */
	mutex_lock(&mdev->dev.mutex);
	mdev->dev.driver = &drv->driver;
	ret = drv->probe(mdev);
	if (ret)
		mdev->dev.driver = NULL;
	mutex_unlock(&mdev->dev.mutex);
	if (ret) {
		put_device(&mdev->dev);
		return ret;
	}
	mdev->active = true;
	return (ssize_t)count;
}
/* mdev_sysfs.c remove_store + mdev_device_remove */
ssize_t mdev_remove_store(struct mdev_device *mdev, const char *buf, size_t count)
{
	unsigned long val;
	if (kstrtoul(buf, 0, &val) < 0)
		return -EINVAL;
	if (val) {
		if (!mdev->active)
			return -EAGAIN;
		mdev->active = false;
		/* device_del: the driver's remove under the device lock */
		mutex_lock(&mdev->dev.mutex);
		if (mdev->dev.driver) {
			the_parent->mdev_driver->remove(mdev);
			mdev->dev.driver = NULL;
		}
		mutex_unlock(&mdev->dev.mutex);
		put_device(&mdev->dev);
	}
	return (ssize_t)count;
}
struct mdev_device *mdev_find(const char *uuid)
{
	struct mdev_device *m;
	list_for_each_entry(m, &mdev_list, next)
		if (!strcmp(m->dev.name, uuid))
			return m;
	return NULL;
}
int mdev_count(void)
{
	struct mdev_device *m;
	int n = 0;
	list_for_each_entry(m, &mdev_list, next)
		n++;
	return n;
}
struct mdev_device *mdev_nth(int i)
{
	struct mdev_device *m;
	list_for_each_entry(m, &mdev_list, next)
		if (i-- == 0)
			return m;
	return NULL;
}
void vfio_core_reset(void)
{
	INIT_LIST_HEAD(&mdev_list);
	INIT_LIST_HEAD(&pending_work);
	the_parent = NULL;
	the_mdev_driver = NULL;
	memset(eventfds, 0, sizeof(eventfds));
}
/* the vfio device of an mdev: vfio_alloc_device puts it first in the driver's structure */
struct vfio_device *mdev_vfio(struct mdev_device *mdev)
{
	return (struct vfio_device *)dev_get_drvdata(&mdev->dev);
}
