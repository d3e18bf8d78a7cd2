/* SPDX-License-Identifier: GPL-2.0 */
/*
 * aplab kernel oracle: the user-space stand-in for the parts of the Linux kernel that
 * drivers/s390/crypto/vfio_ap_ops.c and vfio_ap_drv.c use. Written for aplab from the kernel's
 * documented semantics (names and behaviour as the kernel has them); no kernel code is copied.
 * Every <linux/...> and <asm/...> header the driver includes resolves to this one file.
 */
#ifndef APLAB_ORACLE_KERNEL_H
#define APLAB_ORACLE_KERNEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <ctype.h>
#include <pthread.h>

#ifndef ORACLE_KERNEL
#error "build with -DORACLE_KERNEL=612 or 601"
#endif

/* ------------------------------------------------------------------ basic types */
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef uint16_t __u16;
typedef uint32_t __u32;
typedef uint64_t __u64;
typedef uint16_t __le16;
typedef uint32_t __le32;
typedef u64 dma_addr_t;
typedef u64 phys_addr_t;
typedef unsigned int gfp_t;
typedef long long loff_t_;

#define __user
#define __init
#define __exit
#define __iomem
#define __aligned(x) __attribute__((aligned(x)))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __maybe_unused __attribute__((unused))
#define fallthrough __attribute__((fallthrough))
#define likely(x) (x)
#define unlikely(x) (x)
#define READ_ONCE(x) (x)
#define WRITE_ONCE(x, v) ((x) = (v))

#define GFP_KERNEL 0u
#define PAGE_SIZE 4096UL
#define PAGE_SHIFT 12
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define BITS_PER_LONG 64
#define BITS_PER_BYTE 8
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define BITS_TO_LONGS(nr) DIV_ROUND_UP(nr, BITS_PER_LONG)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define BUILD_BUG_ON_ZERO(e) ((int)(sizeof(struct { int : (-!!(e)); })))
#define BUILD_BUG_ON(e) ((void)BUILD_BUG_ON_ZERO(e))

#ifndef container_of
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#endif
#define offsetofend(TYPE, MEMBER) (offsetof(TYPE, MEMBER) + sizeof(((TYPE *)0)->MEMBER))

#define MAX_ERRNO 4095
#define IS_ERR_VALUE(x) ((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline bool IS_ERR(const void *ptr) { return IS_ERR_VALUE((unsigned long)ptr); }
#define ERESTARTSYS 512

static inline u32 le32_to_cpup(const __le32 *p) { u32 v; memcpy(&v, p, 4); return v; }
static inline u16 le16_to_cpup(const __le16 *p) { u16 v; memcpy(&v, p, 2); return v; }

/* ------------------------------------------------------------------ modules */
struct module { int unused; };
extern struct module __this_module;
#define THIS_MODULE (&__this_module)
#ifndef KBUILD_MODNAME
#define KBUILD_MODNAME "vfio_ap"
#endif
#define MODULE_AUTHOR(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_LICENSE(x)
#define EXPORT_SYMBOL(x)
#define EXPORT_SYMBOL_GPL(x)
#define module_init(fn) int (*oracle_module_init)(void) = fn;
#define module_exit(fn) void (*oracle_module_exit)(void) = fn;
static inline bool try_module_get(struct module *m) { (void)m; return true; }
static inline void module_put(struct module *m) { (void)m; }

/* ------------------------------------------------------------------ messages (the kernel log) */
void oracle_printk(const char *level, const char *fmt, ...) __printf(2, 3);
void oracle_warn(const char *file, int line, const char *fmt, ...) __printf(3, 4);
#define pr_warn(fmt, ...) oracle_printk("warn", fmt, ##__VA_ARGS__)
#define pr_notice(fmt, ...) oracle_printk("notice", fmt, ##__VA_ARGS__)
#define pr_notice_ratelimited(fmt, ...) oracle_printk("notice", fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) do { } while (0)
#define pr_err(fmt, ...) oracle_printk("err", fmt, ##__VA_ARGS__)
#define WARN(cond, fmt, ...) ({ int __c = !!(cond); if (__c) oracle_warn(__FILE__, __LINE__, fmt, ##__VA_ARGS__); __c; })
#define WARN_ONCE(cond, fmt, ...) WARN(cond, fmt, ##__VA_ARGS__)
#define WARN_ON(cond) WARN(cond, "%s", #cond)
#define WARN_ON_ONCE(cond) WARN_ON(cond)

/* ------------------------------------------------------------------ memory */
void *kzalloc(size_t size, gfp_t flags);
void *kmalloc(size_t size, gfp_t flags);
void kfree(const void *p);
char *kstrndup(const char *s, size_t max, gfp_t flags);

/* ------------------------------------------------------------------ bit operations */
static inline void set_bit(unsigned long nr, unsigned long *addr)
{ addr[nr / BITS_PER_LONG] |= 1UL << (nr % BITS_PER_LONG); }
static inline void clear_bit(unsigned long nr, unsigned long *addr)
{ addr[nr / BITS_PER_LONG] &= ~(1UL << (nr % BITS_PER_LONG)); }
static inline bool test_bit(unsigned long nr, const unsigned long *addr)
{ return (addr[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG)) & 1UL; }
/* s390's MSB-first numbering: bit 0 is the leftmost bit of the first long */
static inline void set_bit_inv(unsigned long nr, unsigned long *addr)
{ set_bit(nr ^ (BITS_PER_LONG - 1), addr); }
static inline void clear_bit_inv(unsigned long nr, unsigned long *addr)
{ clear_bit(nr ^ (BITS_PER_LONG - 1), addr); }
static inline bool test_bit_inv(unsigned long nr, const unsigned long *addr)
{ return test_bit(nr ^ (BITS_PER_LONG - 1), addr); }
static inline unsigned long find_next_bit_inv(const unsigned long *addr, unsigned long size,
					      unsigned long offset)
{
	for (; offset < size; offset++)
		if (test_bit_inv(offset, addr))
			return offset;
	return size;
}
static inline unsigned long find_first_bit_inv(const unsigned long *addr, unsigned long size)
{ return find_next_bit_inv(addr, size, 0); }
#define for_each_set_bit_inv(bit, addr, size)				\
	for ((bit) = find_first_bit_inv((addr), (size));		\
	     (bit) < (size);						\
	     (bit) = find_next_bit_inv((addr), (size), (bit) + 1))

#define DECLARE_BITMAP(name, bits) unsigned long name[BITS_TO_LONGS(bits)]
/* the mask of the valid bits in the last word of an nbits bitmap */
#define BITMAP_LAST_WORD_MASK(nbits) (~0UL >> (-(nbits) & (BITS_PER_LONG - 1)))

static inline bool bitmap_and(unsigned long *dst, const unsigned long *a, const unsigned long *b,
			      unsigned int nbits)
{
	unsigned long r = 0, n = BITS_TO_LONGS(nbits), i;
	for (i = 0; i < n; i++) {
		dst[i] = a[i] & b[i];
		r |= (i == n - 1) ? (dst[i] & BITMAP_LAST_WORD_MASK(nbits)) : dst[i];
	}
	return r != 0;
}
static inline bool bitmap_andnot(unsigned long *dst, const unsigned long *a, const unsigned long *b,
				 unsigned int nbits)
{
	unsigned long r = 0, n = BITS_TO_LONGS(nbits), i;
	for (i = 0; i < n; i++) {
		dst[i] = a[i] & ~b[i];
		r |= (i == n - 1) ? (dst[i] & BITMAP_LAST_WORD_MASK(nbits)) : dst[i];
	}
	return r != 0;
}
static inline bool bitmap_equal(const unsigned long *a, const unsigned long *b, unsigned int nbits)
{
	unsigned long n = BITS_TO_LONGS(nbits), i;
	for (i = 0; i < n; i++) {
		unsigned long m = (i == n - 1) ? BITMAP_LAST_WORD_MASK(nbits) : ~0UL;
		if ((a[i] ^ b[i]) & m)
			return false;
	}
	return true;
}
static inline bool bitmap_intersects(const unsigned long *a, const unsigned long *b, unsigned int nbits)
{
	unsigned long n = BITS_TO_LONGS(nbits), i;
	for (i = 0; i < n; i++) {
		unsigned long m = (i == n - 1) ? BITMAP_LAST_WORD_MASK(nbits) : ~0UL;
		if (a[i] & b[i] & m)
			return true;
	}
	return false;
}
static inline bool bitmap_empty(const unsigned long *a, unsigned int nbits)
{
	unsigned long n = BITS_TO_LONGS(nbits), i;
	for (i = 0; i < n; i++) {
		unsigned long m = (i == n - 1) ? BITMAP_LAST_WORD_MASK(nbits) : ~0UL;
		if (a[i] & m)
			return false;
	}
	return true;
}
static inline void bitmap_copy(unsigned long *dst, const unsigned long *src, unsigned int nbits)
{ memcpy(dst, src, BITS_TO_LONGS(nbits) * sizeof(unsigned long)); }
static inline void bitmap_zero(unsigned long *dst, unsigned int nbits)
{ memset(dst, 0, BITS_TO_LONGS(nbits) * sizeof(unsigned long)); }
static inline void bitmap_clear(unsigned long *map, unsigned int start, unsigned int len)
{
	unsigned int i;
	for (i = start; i < start + len; i++)
		clear_bit(i, map);
}

/* ------------------------------------------------------------------ lists */
struct list_head { struct list_head *next, *prev; };
struct hlist_head { struct hlist_node *first; };
struct hlist_node { struct hlist_node *next, **pprev; };
/* what list_del leaves behind: a later use faults, as in the kernel */
#define LIST_POISON1 ((void *)0x100)
#define LIST_POISON2 ((void *)0x122)

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)
static inline void INIT_LIST_HEAD(struct list_head *l) { l->next = l; l->prev = l; }
static inline void __list_add(struct list_head *n, struct list_head *prev, struct list_head *next)
{ next->prev = n; n->next = next; n->prev = prev; prev->next = n; }
static inline void list_add(struct list_head *n, struct list_head *head)
{ __list_add(n, head, head->next); }
static inline void list_add_tail(struct list_head *n, struct list_head *head)
{ __list_add(n, head->prev, head); }
static inline void list_del(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	e->next = LIST_POISON1;
	e->prev = LIST_POISON2;
}
static inline bool list_empty(const struct list_head *h) { return h->next == h; }
#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(ptr, type, member) list_entry((ptr)->next, type, member)
#define list_next_entry(pos, member) list_entry((pos)->member.next, __typeof__(*(pos)), member)
#define list_entry_is_head(pos, head, member) (&(pos)->member == (head))
#define list_for_each_entry(pos, head, member)					\
	for (pos = list_first_entry(head, __typeof__(*pos), member);		\
	     !list_entry_is_head(pos, head, member);				\
	     pos = list_next_entry(pos, member))
#define list_for_each_entry_safe(pos, n, head, member)				\
	for (pos = list_first_entry(head, __typeof__(*pos), member),		\
	     n = list_next_entry(pos, member);					\
	     !list_entry_is_head(pos, head, member);				\
	     pos = n, n = list_next_entry(n, member))

static inline void INIT_HLIST_NODE(struct hlist_node *h) { h->next = NULL; h->pprev = NULL; }
static inline bool hlist_unhashed(const struct hlist_node *h) { return !h->pprev; }
static inline void hlist_add_head(struct hlist_node *n, struct hlist_head *h)
{
	struct hlist_node *first = h->first;
	n->next = first;
	if (first)
		first->pprev = &n->next;
	h->first = n;
	n->pprev = &h->first;
}
static inline void hlist_del_init(struct hlist_node *n)
{
	if (!hlist_unhashed(n)) {
		struct hlist_node *next = n->next, **pprev = n->pprev;
		*pprev = next;
		if (next)
			next->pprev = pprev;
		INIT_HLIST_NODE(n);
	}
}
#define hlist_entry_safe(ptr, type, member) \
	({ __typeof__(ptr) ____ptr = (ptr); ____ptr ? container_of(____ptr, type, member) : NULL; })
#define hlist_for_each_entry(pos, head, member)					\
	for (pos = hlist_entry_safe((head)->first, __typeof__(*(pos)), member);	\
	     pos;								\
	     pos = hlist_entry_safe((pos)->member.next, __typeof__(*(pos)), member))

/* ------------------------------------------------------------------ hashtables (linux/hashtable.h) */
#define GOLDEN_RATIO_32 0x61C88647u
static inline u32 hash_32(u32 val, unsigned int bits) { return (u32)(val * GOLDEN_RATIO_32) >> (32 - bits); }
#define DECLARE_HASHTABLE(name, bits) struct hlist_head name[1 << (bits)]
#define HASH_SIZE(name) (ARRAY_SIZE(name))
#define HASH_BITS(name) ((unsigned int)__builtin_ctz(HASH_SIZE(name)))
/* keys of up to 32 bits hash with hash_32, as hash_min does */
#define hash_min(val, bits) hash_32((u32)(val), bits)
#define hash_init(table) do { unsigned int __i; for (__i = 0; __i < HASH_SIZE(table); __i++) (table)[__i].first = NULL; } while (0)
#define hash_add(table, node, key) hlist_add_head(node, &(table)[hash_min(key, HASH_BITS(table))])
static inline void hash_del(struct hlist_node *node) { hlist_del_init(node); }
#define hash_for_each(name, bkt, obj, member)					\
	for ((bkt) = 0, obj = NULL; obj == NULL && (bkt) < (int)HASH_SIZE(name); (bkt)++) \
		hlist_for_each_entry(obj, &name[bkt], member)
#define hash_for_each_possible(name, obj, member, key) \
	hlist_for_each_entry(obj, &name[hash_min(key, HASH_BITS(name))], member)

/* ------------------------------------------------------------------ locks (with lock-order recording) */
struct oracle_lock_class;
struct mutex {
	pthread_mutex_t m;
	const char *name;
	int held;
};
struct rw_semaphore {
	pthread_rwlock_t rw;
	const char *name;
	int held;
};
void oracle_mutex_init(struct mutex *m, const char *name);
void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);
int mutex_trylock(struct mutex *m);
static inline int mutex_lock_interruptible(struct mutex *m) { mutex_lock(m); return 0; }
bool mutex_is_locked(struct mutex *m);
void oracle_rwsem_init(struct rw_semaphore *s, const char *name);
void down_write(struct rw_semaphore *s);
void up_write(struct rw_semaphore *s);
void down_read(struct rw_semaphore *s);
void up_read(struct rw_semaphore *s);
void oracle_assert_held(const void *lock, int held, const char *what, const char *file, int line);
/* lockdep names a class by the expression given to mutex_init */
#define mutex_init(m) oracle_mutex_init((m), #m)
#define init_rwsem(s) oracle_rwsem_init((s), #s)
#define DEFINE_MUTEX(name) struct mutex name = { PTHREAD_MUTEX_INITIALIZER, #name, 0 }
#define lockdep_assert_held(l) oracle_assert_held((l), (l)->held, #l, __FILE__, __LINE__)

/* ------------------------------------------------------------------ work queues */
struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);
struct work_struct {
	work_func_t func;
	bool pending;
	struct list_head entry;
};
struct workqueue_struct { int unused; };
extern struct workqueue_struct *system_long_wq;
#define INIT_WORK(w, f) do { (w)->func = (f); (w)->pending = false; INIT_LIST_HEAD(&(w)->entry); } while (0)
bool queue_work(struct workqueue_struct *wq, struct work_struct *work);
bool flush_work(struct work_struct *work);
void oracle_run_pending_work(void);
void msleep(unsigned int ms);

/* ------------------------------------------------------------------ strings and numbers */
int kstrtoul(const char *s, unsigned int base, unsigned long *res);
int kstrtoint(const char *s, unsigned int base, int *res);
unsigned long simple_strtoul(const char *cp, char **endp, unsigned int base);
int hex_to_bin(unsigned char ch);
char *strsep(char **stringp, const char *delim);
int scnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int vscnprintf(char *buf, size_t size, const char *fmt, va_list args);
int sysfs_emit(char *buf, const char *fmt, ...) __printf(2, 3);
int sysfs_emit_at(char *buf, int at, const char *fmt, ...) __printf(3, 4);
bool sysfs_streq(const char *s1, const char *s2);

typedef struct { u8 b[16]; } guid_t;
#define UUID_STRING_LEN 36
int guid_parse(const char *uuid, guid_t *u);
static inline bool guid_equal(const guid_t *a, const guid_t *b) { return memcmp(a, b, sizeof(*a)) == 0; }

/* ------------------------------------------------------------------ sysfs, kobjects, devices */
typedef unsigned short umode_t;
struct attribute { const char *name; umode_t mode; };
struct attribute_group { const char *name; struct attribute **attrs; };
struct kobject { const char *name; };
struct device;
struct device_attribute {
	struct attribute attr;
	ssize_t (*show)(struct device *dev, struct device_attribute *attr, char *buf);
	ssize_t (*store)(struct device *dev, struct device_attribute *attr, const char *buf, size_t count);
};
#define __ATTR(_name, _mode, _show, _store) { .attr = { .name = #_name, .mode = (_mode) }, .show = (_show), .store = (_store) }
#define DEVICE_ATTR_RO(_name) struct device_attribute dev_attr_##_name = __ATTR(_name, 0444, _name##_show, NULL)
#define DEVICE_ATTR_WO(_name) struct device_attribute dev_attr_##_name = __ATTR(_name, 0200, NULL, _name##_store)
#define DEVICE_ATTR_RW(_name) struct device_attribute dev_attr_##_name = __ATTR(_name, 0644, _name##_show, _name##_store)
#define ATTRIBUTE_GROUPS(_name)							\
	static const struct attribute_group _name##_group = { .attrs = _name##_attrs };	\
	static const struct attribute_group *_name##_groups[] = { &_name##_group, NULL }

struct device_driver;
struct bus_type {
	const char *name;
	int (*match)(struct device *dev, struct device_driver *drv);
};
struct device_driver {
	const char *name;
	const struct bus_type *bus;
	struct module *owner;
	const char *mod_name;
	bool suppress_bind_attrs;
	const struct attribute_group **dev_groups;
};
#define ORACLE_DEV_GROUPS 4
struct device {
	char name[64];
	struct device *parent;
	struct device_driver *driver;
	void *driver_data;
	struct kobject kobj;
	const struct bus_type *bus;
	void (*release)(struct device *dev);
	/* groups added with sysfs_create_group */
	const struct attribute_group *sysfs_groups[ORACLE_DEV_GROUPS];
	struct mutex mutex; /* the device lock, as device_lock() takes it */
	int refs;
};
int dev_set_name(struct device *dev, const char *fmt, ...) __printf(2, 3);
static inline const char *dev_name(const struct device *dev) { return dev->name; }
static inline void *dev_get_drvdata(const struct device *dev) { return dev->driver_data; }
static inline void dev_set_drvdata(struct device *dev, void *data) { dev->driver_data = data; }
#define dev_warn(dev, fmt, ...) oracle_printk("warn", "%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#define dev_notice(dev, fmt, ...) oracle_printk("notice", "%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#define dev_notice_ratelimited(dev, fmt, ...) dev_notice(dev, fmt, ##__VA_ARGS__)
#define dev_dbg(dev, fmt, ...) do { } while (0)
int device_register(struct device *dev);
void device_unregister(struct device *dev);
void device_del(struct device *dev);
struct device *get_device(struct device *dev);
void put_device(struct device *dev);
struct device *root_device_register(const char *name);
void root_device_unregister(struct device *dev);
int bus_register(const struct bus_type *bus);
void bus_unregister(const struct bus_type *bus);
int driver_register(struct device_driver *drv);
void driver_unregister(struct device_driver *drv);
int sysfs_create_group(struct kobject *kobj, const struct attribute_group *grp);
void sysfs_remove_group(struct kobject *kobj, const struct attribute_group *grp);
bool test_facility(unsigned long nr);

/* ------------------------------------------------------------------ s390 debug feature (no-op) */
typedef struct debug_info { int level; } debug_info_t;
struct debug_view { int unused; };
extern struct debug_view debug_sprintf_view;
#define DBF_ERR 3
#define DBF_WARN 4
#define DBF_INFO 5
#define DBF_DEBUG 6
#define DBF_MAX_SPRINTF_ARGS 10
debug_info_t *debug_register(const char *name, int pages, int nr_areas, int buf_size);
static inline int debug_register_view(debug_info_t *id, struct debug_view *view) { (void)id; (void)view; return 0; }
static inline void debug_set_level(debug_info_t *id, int level) { if (id) id->level = level; }
void debug_unregister(debug_info_t *id);
static inline void debug_sprintf_event(debug_info_t *id, int level, const char *fmt, ...)
{ (void)id; (void)level; (void)fmt; }

/* ------------------------------------------------------------------ user copies (in-process) */
#define copy_from_user(to, from, n) (memcpy((to), (const void *)(from), (n)), 0UL)
#define copy_to_user(to, from, n) (memcpy((void *)(to), (from), (n)), 0UL)
#define get_user(x, ptr) ({ memcpy(&(x), (const void *)(ptr), sizeof(x)); 0; })

/* ------------------------------------------------------------------ eventfd */
struct eventfd_ctx { int fd; int signals; int refs; };
struct eventfd_ctx *eventfd_ctx_fdget(int fd);
void eventfd_ctx_put(struct eventfd_ctx *ctx);
#if ORACLE_KERNEL >= 612
void eventfd_signal(struct eventfd_ctx *ctx);
#else
u64 eventfd_signal(struct eventfd_ctx *ctx, u64 n);
#endif

/* ------------------------------------------------------------------ KVM (s390) */
struct page { u64 pfn; };
struct gmap { int unused; };
struct kvm_s390_gisa { u32 word; } __aligned(8);
struct kvm_vcpu;
typedef int (*crypto_hook)(struct kvm_vcpu *vcpu);
struct kvm_s390_crypto {
	u32 crycbd;
	crypto_hook *pqap_hook;
	struct rw_semaphore pqap_hook_rwsem;
};
struct kvm_s390_gisa_interrupt { struct kvm_s390_gisa *origin; };
struct kvm_arch {
	struct kvm_s390_crypto crypto;
	struct kvm_s390_gisa_interrupt gisa_int;
	struct gmap *gmap;
};
#define CRYCB_FORMAT_MASK 0x00000003
#define CRYCB_FORMAT0 0x00000000
#define CRYCB_FORMAT1 0x00000001
#define CRYCB_FORMAT2 0x00000003
struct kvm {
	struct mutex lock;
	struct kvm_arch arch;
	int users;
	char name[64];
	/* the guest's AP control block as kvm_arch_crypto_set_masks left it (bit order _inv) */
	unsigned long apm[4], aqm[4], adm[4];
	int mask_updates;
};
struct kvm_sync_regs { u64 gprs[16]; };
struct kvm_run { struct { struct kvm_sync_regs regs; } s; };
struct kvm_s390_sie_block { u32 eca; };
#define ECA_AIV 0x00200000
struct kvm_vcpu_arch { struct kvm_s390_sie_block *sie_block; };
struct kvm_vcpu { struct kvm *kvm; struct kvm_run *run; struct kvm_vcpu_arch arch; };
void kvm_get_kvm(struct kvm *kvm);
void kvm_put_kvm(struct kvm *kvm);
void kvm_arch_crypto_set_masks(struct kvm *kvm, unsigned long *apm, unsigned long *aqm, unsigned long *adm);
void kvm_arch_crypto_clear_masks(struct kvm *kvm);
int kvm_s390_gisc_register(struct kvm *kvm, u32 gisc);
int kvm_s390_gisc_unregister(struct kvm *kvm, u32 gisc);
static inline unsigned long gfn_to_hva(struct kvm *kvm, u64 gfn) { (void)kvm; return gfn << PAGE_SHIFT; }
static inline bool kvm_is_error_hva(unsigned long addr) { (void)addr; return false; }
static inline bool kvm_s390_pv_cpu_is_protected(struct kvm_vcpu *vcpu) { (void)vcpu; return false; }
static inline int uv_pin_shared(unsigned long paddr) { (void)paddr; return 0; }
static inline int gmap_convert_to_secure(struct gmap *gmap, unsigned long gaddr) { (void)gmap; (void)gaddr; return 0; }
static inline phys_addr_t page_to_phys(struct page *p) { return p->pfn << PAGE_SHIFT; }
static inline phys_addr_t virt_to_phys(const void *p) { return (phys_addr_t)(uintptr_t)p; }

/* ------------------------------------------------------------------ mdev and vfio */
struct kvm;
struct iommufd_device;
struct iommufd_ctx;
struct vfio_device;
struct vfio_device_ops {
	char *name;
	int (*init)(struct vfio_device *vdev);
	void (*release)(struct vfio_device *vdev);
	int (*bind_iommufd)(struct vfio_device *vdev, struct iommufd_ctx *ictx, u32 *out_device_id);
	void (*unbind_iommufd)(struct vfio_device *vdev);
	int (*attach_ioas)(struct vfio_device *vdev, u32 *pt_id);
	void (*detach_ioas)(struct vfio_device *vdev);
	int (*open_device)(struct vfio_device *vdev);
	void (*close_device)(struct vfio_device *vdev);
	ssize_t (*ioctl)(struct vfio_device *vdev, unsigned int cmd, unsigned long arg);
	void (*dma_unmap)(struct vfio_device *vdev, u64 iova, u64 length);
	void (*request)(struct vfio_device *vdev, unsigned int count);
};
struct vfio_device {
	struct device *dev;
	const struct vfio_device_ops *ops;
	struct kvm *kvm;
	unsigned int open_count;
	bool registered;
	size_t alloc_size;
};
struct vfio_device *_vfio_alloc_device(size_t size, struct device *dev, const struct vfio_device_ops *ops);
#define vfio_alloc_device(dev_struct, member, dev, ops)				\
	container_of(_vfio_alloc_device(sizeof(struct dev_struct) +		\
					BUILD_BUG_ON_ZERO(offsetof(struct dev_struct, member)), \
					dev, ops),					\
		     struct dev_struct, member)
void vfio_put_device(struct vfio_device *device);
void vfio_free_device(struct vfio_device *device);
int vfio_register_emulated_iommu_dev(struct vfio_device *device);
void vfio_unregister_group_dev(struct vfio_device *device);
#define IOMMU_READ 1
#define IOMMU_WRITE 2
int vfio_pin_pages(struct vfio_device *device, dma_addr_t iova, int npage, int prot, struct page **pages);
void vfio_unpin_pages(struct vfio_device *device, dma_addr_t iova, int npage);
int vfio_iommufd_emulated_bind(struct vfio_device *vdev, struct iommufd_ctx *ictx, u32 *out_device_id);
void vfio_iommufd_emulated_unbind(struct vfio_device *vdev);
int vfio_iommufd_emulated_attach_ioas(struct vfio_device *vdev, u32 *pt_id);
void vfio_iommufd_emulated_detach_ioas(struct vfio_device *vdev);

/* uapi linux/vfio.h */
#define VFIO_DEVICE_API_AP_STRING "vfio-ap"
#define VFIO_DEVICE_FLAGS_RESET (1 << 0)
#define VFIO_DEVICE_FLAGS_AP (1 << 5)
#define VFIO_IRQ_INFO_EVENTFD (1 << 0)
#define VFIO_IRQ_SET_DATA_NONE (1 << 0)
#define VFIO_IRQ_SET_DATA_BOOL (1 << 1)
#define VFIO_IRQ_SET_DATA_EVENTFD (1 << 2)
#define VFIO_IRQ_SET_ACTION_MASK (1 << 3)
#define VFIO_IRQ_SET_ACTION_UNMASK (1 << 4)
#define VFIO_IRQ_SET_ACTION_TRIGGER (1 << 5)
#define VFIO_IRQ_SET_DATA_TYPE_MASK (VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_DATA_EVENTFD)
#define VFIO_IRQ_SET_ACTION_TYPE_MASK (VFIO_IRQ_SET_ACTION_MASK | VFIO_IRQ_SET_ACTION_UNMASK | VFIO_IRQ_SET_ACTION_TRIGGER)
#define VFIO_DEVICE_GET_INFO 0x3b6b
#define VFIO_DEVICE_GET_IRQ_INFO 0x3b6d
#define VFIO_DEVICE_SET_IRQS 0x3b6e
#define VFIO_DEVICE_RESET 0x3b6f
enum { VFIO_AP_REQ_IRQ_INDEX, VFIO_AP_NUM_IRQS };
struct vfio_device_info { __u32 argsz; __u32 flags; __u32 num_regions; __u32 num_irqs; __u32 cap_offset; __u32 pad; };
struct vfio_irq_info { __u32 argsz; __u32 flags; __u32 index; __u32 count; };
struct vfio_irq_set { __u32 argsz; __u32 flags; __u32 index; __u32 start; __u32 count; u8 data[]; };
int vfio_set_irqs_validate_and_prepare(struct vfio_irq_set *hdr, int num_irqs, int max_irq_type, size_t *data_size);

struct mdev_parent;
struct mdev_type {
	const char *sysfs_name;
	const char *pretty_name;
	struct mdev_parent *parent;
};
struct mdev_device {
	struct device dev;
	guid_t uuid;
	struct list_head next;
	struct mdev_type *type;
	bool active;
};
struct mdev_driver {
	const char *device_api;
	unsigned int max_instances;
	int (*probe)(struct mdev_device *dev);
	void (*remove)(struct mdev_device *dev);
	unsigned int (*get_available)(struct mdev_type *mtype);
	struct device_driver driver;
};
struct mdev_parent {
	struct device *dev;
	struct mdev_driver *mdev_driver;
	struct mdev_type **types;
	int nr_types;
	int available_instances;
};
static inline struct device *mdev_dev(struct mdev_device *mdev) { return &mdev->dev; }
static inline struct mdev_device *to_mdev_device(struct device *dev) { return container_of(dev, struct mdev_device, dev); }
int mdev_register_driver(struct mdev_driver *drv);
void mdev_unregister_driver(struct mdev_driver *drv);
int mdev_register_parent(struct mdev_parent *parent, struct device *dev, struct mdev_driver *mdev_driver,
			 struct mdev_type **types, unsigned int nr_types);
void mdev_unregister_parent(struct mdev_parent *parent);

/* ------------------------------------------------------------------ asm/zcrypt.h, asm/isc.h */
#define MAX_ZDEV_CARDIDS_EXT 256
#define MAX_ZDEV_DOMAINS_EXT 256
#define MAX_ZDEV_ENTRIES_EXT (MAX_ZDEV_CARDIDS_EXT * MAX_ZDEV_DOMAINS_EXT)

#include "oracle_ap.h"

#endif /* APLAB_ORACLE_KERNEL_H */
