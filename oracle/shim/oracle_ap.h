/* SPDX-License-Identifier: GPL-2.0 */
/*
 * aplab kernel oracle: what arch/s390/include/asm/ap.h gives the driver (the AP instructions
 * PQAP(TAPQ/ZAPQ/AQIC/QCI) and their data structures), as plain C over the simulated AP bus
 * (oracle/src/apbus.c) instead of s390 assembly. Layouts follow the kernel release the harness
 * is built for (ORACLE_KERNEL 601 or 612).
 */
#ifndef APLAB_ORACLE_AP_H
#define APLAB_ORACLE_AP_H

typedef unsigned int ap_qid_t;
#define AP_MKQID(_card, _queue) (((_card) & 0xff) << 8 | ((_queue) & 0xff))
#define AP_QID_CARD(_qid) (((_qid) >> 8) & 0xff)
#define AP_QID_QUEUE(_qid) ((_qid) & 0xff)

struct ap_queue_status {
	unsigned int queue_empty	: 1;
	unsigned int replies_waiting	: 1;
	unsigned int queue_full		: 1;
#if ORACLE_KERNEL >= 612
	unsigned int			: 3;
	unsigned int async		: 1;
#else
	unsigned int _pad1		: 4;
#endif
	unsigned int irq_enabled	: 1;
	unsigned int response_code	: 8;
	unsigned int			: 16;
};

static inline bool ap_instructions_available(void) { return true; }

/*
 * The QCI block. The masks are kept in the driver's view: the driver casts apm/aqm/adm to
 * unsigned long * and uses the _inv bit helpers, so the harness fills them the same way; on
 * s390 (big endian) that is the same memory image the firmware stores.
 */
struct ap_config_info {
#if ORACLE_KERNEL >= 612
	union {
		unsigned int flags;
		struct {
			unsigned int apsc : 1;
			unsigned int apxa : 1;
			unsigned int qact : 1;
			unsigned int rc8a : 1;
			unsigned int      : 4;
			unsigned int apsb : 1;
			unsigned int      : 23;
		};
	};
	unsigned char na;
	unsigned char nd;
#else
	unsigned int apsc : 1;
	unsigned int apxa : 1;
	unsigned int qact : 1;
	unsigned int rc8a : 1;
	unsigned char _reserved1 : 4;
	unsigned char _reserved2[3];
	unsigned char Na;
	unsigned char Nd;
#endif
	unsigned char _reserved3[10];
	unsigned int apm[8];
	unsigned int aqm[8];
	unsigned int adm[8];
	unsigned char _reserved4[16];
} __aligned(8);

#if ORACLE_KERNEL >= 612
union ap_qirq_ctrl {
	unsigned long value;
	struct {
		unsigned int	   : 8;
		unsigned int zone  : 8;
		unsigned int ir    : 1;
		unsigned int	   : 4;
		unsigned int gisc  : 3;
		unsigned int	   : 6;
		unsigned int gf    : 2;
		unsigned int	   : 1;
		unsigned int gisa  : 27;
		unsigned int	   : 1;
		unsigned int isc   : 3;
	};
};
struct ap_tapq_hwinfo {
	union {
		unsigned long value;
		struct {
			unsigned int fac : 32;
			unsigned int apinfo : 32;
		};
	};
	unsigned int at;
};
struct ap_queue_status ap_tapq(ap_qid_t qid, struct ap_tapq_hwinfo *info);
static inline struct ap_queue_status ap_test_queue(ap_qid_t qid, int tbit, struct ap_tapq_hwinfo *info)
{
	if (tbit)
		qid |= 1UL << 23;
	return ap_tapq(qid, info);
}
struct ap_queue_status ap_zapq(ap_qid_t qid, int fbit);
struct ap_queue_status ap_aqic(ap_qid_t qid, union ap_qirq_ctrl qirqctrl, phys_addr_t pa_ind);
#else
struct ap_qirq_ctrl {
	unsigned int _res1 : 8;
	unsigned int zone  : 8;
	unsigned int ir    : 1;
	unsigned int _res2 : 4;
	unsigned int gisc  : 3;
	unsigned int _res3 : 6;
	unsigned int gf    : 2;
	unsigned int _res4 : 1;
	unsigned int gisa  : 27;
	unsigned int _res5 : 1;
	unsigned int isc   : 3;
};
struct ap_queue_status ap_tapq(ap_qid_t qid, unsigned long *info);
static inline struct ap_queue_status ap_test_queue(ap_qid_t qid, int tbit, unsigned long *info)
{
	if (tbit)
		qid |= 1UL << 23;
	return ap_tapq(qid, info);
}
struct ap_queue_status ap_zapq(ap_qid_t qid);
struct ap_queue_status ap_aqic(ap_qid_t qid, struct ap_qirq_ctrl qirqctrl, phys_addr_t pa_ind);
#endif
int ap_qci(struct ap_config_info *info);

#endif /* APLAB_ORACLE_AP_H */
