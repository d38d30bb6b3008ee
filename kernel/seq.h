/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ordering key and the writer context of recorded events.
 *
 * seq is the CPU's TSC, forced strictly increasing per CPU through the
 * ring's last_seq (a cmpxchg_local on a line only this CPU writes), so
 * it orders events on one CPU exactly and causally related events across
 * CPUs by time, without any globally shared cache line being written.
 */
#ifndef _CRASHSAFE_SEQ_H
#define _CRASHSAFE_SEQ_H

#include <linux/preempt.h>
#include <linux/hardirq.h>
#include <linux/atomic.h>
#include <asm/msr.h>
#include <asm/local.h>
#include <crashsafe/record.h>

/* Any context, NMI included; caller keeps preemption disabled. */
static __always_inline u64 cs_seq_next(struct cs_ring *r)
{
	u64 tsc = rdtsc_ordered();
	u64 last = READ_ONCE(r->last_seq);

	for (;;) {
		u64 want = tsc > last ? tsc : last + 1;
		u64 old = cmpxchg_local(&r->last_seq, last, want);

		if (old == last)
			return want;
		last = old;
	}
}

/* Any context: the current time in seq units, without advancing a ring. */
static __always_inline u64 cs_seq_now(void)
{
	return rdtsc_ordered();
}

/* Any context, NMI included. */
static __always_inline u8 cs_ctx(void)
{
	if (in_nmi())
		return CS_CTX_NMI;
	if (in_hardirq())
		return CS_CTX_HARDIRQ;
	if (in_serving_softirq())
		return CS_CTX_SOFTIRQ;
	return CS_CTX_TASK;
}

#endif /* _CRASHSAFE_SEQ_H */
