// SPDX-License-Identifier: GPL-2.0
/*
 * aplab kernel oracle: the KVM side the driver calls (arch/s390/kvm/kvm-s390.c behaviour):
 * a guest's kvm->lock, kvm->arch.crypto (crycbd, pqap_hook and its rwsem), and the CRYCB's AP
 * control block written by kvm_arch_crypto_set_masks (format 2: 256-bit masks; formats 0/1:
 * APCB0, adapters 0-63 and domains 0-15) and zeroed by kvm_arch_crypto_clear_masks.
 */
#include "oracle.h"

static struct kvm_s390_gisa gisa;

struct kvm *kvm_create(const char *name, bool apxa)
{
	struct kvm *kvm = kzalloc(sizeof(*kvm), GFP_KERNEL);
	oracle_mutex_init(&kvm->lock, "kvm->lock");
	oracle_rwsem_init(&kvm->arch.crypto.pqap_hook_rwsem, "kvm->arch.crypto.pqap_hook_rwsem");
	/* kvm_s390_set_crycb_format: format 2 with APXA, else format 1 (MSAX3) */
	kvm->arch.crypto.crycbd = 0x1000 | (apxa ? CRYCB_FORMAT2 : CRYCB_FORMAT1);
	kvm->arch.gisa_int.origin = &gisa;
	kvm->users = 1;
	snprintf(kvm->name, sizeof(kvm->name), "%s", name);
	return kvm;
}
void kvm_get_kvm(struct kvm *kvm) { kvm->users++; }
void kvm_put_kvm(struct kvm *kvm)
{
	if (--kvm->users == 0)
		kfree(kvm);
}
void kvm_destroy(struct kvm *kvm) { kvm_put_kvm(kvm); }

void kvm_arch_crypto_set_masks(struct kvm *kvm, unsigned long *apm, unsigned long *aqm, unsigned long *adm)
{
	int i;
	if (!kvm->lock.held)
		oracle_finding("kvm_arch_crypto_set_masks without kvm->lock");
	memset(kvm->apm, 0, sizeof(kvm->apm));
	memset(kvm->aqm, 0, sizeof(kvm->aqm));
	memset(kvm->adm, 0, sizeof(kvm->adm));
	switch (kvm->arch.crypto.crycbd & CRYCB_FORMAT_MASK) {
	case CRYCB_FORMAT2:
		memcpy(kvm->apm, apm, 32);
		memcpy(kvm->aqm, aqm, 32);
		memcpy(kvm->adm, adm, 32);
		break;
	default:
		/* APCB0: 64 adapters, 16 domains and control domains (the first 8 and 2 bytes) */
		kvm->apm[0] = apm[0];
		for (i = 0; i < 16; i++) {
			if (test_bit_inv(i, aqm))
				set_bit_inv(i, kvm->aqm);
			if (test_bit_inv(i, adm))
				set_bit_inv(i, kvm->adm);
		}
		break;
	}
	kvm->mask_updates++;
}
void kvm_arch_crypto_clear_masks(struct kvm *kvm)
{
	if (!kvm->lock.held)
		oracle_finding("kvm_arch_crypto_clear_masks without kvm->lock");
	memset(kvm->apm, 0, sizeof(kvm->apm));
	memset(kvm->aqm, 0, sizeof(kvm->aqm));
	memset(kvm->adm, 0, sizeof(kvm->adm));
	kvm->mask_updates++;
}
int kvm_s390_gisc_register(struct kvm *kvm, u32 gisc) { (void)kvm; return (int)gisc; }
int kvm_s390_gisc_unregister(struct kvm *kvm, u32 gisc) { (void)kvm; (void)gisc; return 0; }
