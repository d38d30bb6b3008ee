/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals shared by the CSD/IPI recording files (csd_ring.c,
 * csd_hooks_tp.c, csd_hooks_kp.c, csd_detect.c, debugfs.c).
 */
#ifndef _CRASHSAFE_CSD_H
#define _CRASHSAFE_CSD_H

#include <linux/types.h>
#include "crashsafe.h"

/* record.c */
extern unsigned int cs_ring_size;
extern unsigned int cs_log_slots;
/* Process context: recompute root->check after changing root fields. */
void cs_record_reseal(void);

/* csd_hooks_kp.c: 6.1 kprobe hooks */
int cs_kp_init(void);
void cs_kp_exit(void);

/* csd_ring.c: names of enum cs_event_type, "?" if unknown */
const char *cs_event_name(unsigned int type);

/* Beyond this mask weight, a mask IPI is recorded as one ping only. */
#define CS_MASK_EXPAND_MAX	64

/* Offsets in call_single_data_t / irq_work used by the hooks. */
#define CS_CSD_FLAGS_OFF	8
#define CS_CSD_FUNC_OFF		16
#define CS_CSD_INFO_OFF		24

/*
 * csd_detect.c: smp_call_function_many_cond(SCF_WAIT) on 6.1 is seen at
 * its entry, before it locks the csd of each target: tracked from then.
 */
void cs_csd_track_prelock(int dst, unsigned long func, unsigned long info,
			  unsigned long csd, unsigned long callsite);

/* csd_detect.c: number of hangs detected so far, for debugfs status */
unsigned int cs_csd_hang_count(void);
/* csd_detect.c: waits queued by @cpu that are tracked now (debugfs) */
unsigned int cs_csd_outstanding(int cpu);

/*
 * Process context: the CSD hook backends say which kinds they tried
 * (@wanted) and which work (@live); recorded (cs_record_set_hooks) and
 * kept for the verdicts. A kind listed in the module parameter
 * fail_hooks (CS_HOOK_* bits, for tests) is refused registration.
 */
void cs_csd_set_hooks(u32 wanted, u32 live);
bool cs_hook_forced_fail(u32 kind);

#endif /* _CRASHSAFE_CSD_H */
