/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ordering key and the writer context of recorded events.
 *
 * seq is the CPU's TSC, forced strictly increasing per CPU through the
 * ring's last_seq (a cmpxchg_local on a line only this CPU writes), so
 * it orders events on one CPU exactly and causally related events across
 * CPUs by time, without any globally shared cache line being written.
 *
 * Why the TSC and not something cheaper: a per-CPU counter orders one CPU
 * only, and a Lamport clock would have the target of an IPI read every
 * possible sender's clock (remote lines, O(nr_cpus)); a global counter is
 * the shared line this design exists to avoid. rdtsc_ordered() (lfence;
 * rdtsc) touches no memory on hardware and, the kernel keeping the TSC as
 * clocksource only when it is synchronised, orders "queue on the sender"
 * before "gotipi on the target" (an IPI latency apart). Plain rdtsc could
 * be executed before the preceding stores and is not used.
 *
 * Under QEMU TCG (the bench harness) a guest rdtsc is emulated by
 * cpu_get_ticks(), which takes QEMU's global vm_clock spinlock and writes
 * a shared timestamp: there, and only there, the TSC read costs about what
 * the baseline's global cmpxchg does (see crashsafe_bench.c, variant tsc).
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

/* Any context, NMI included: one read of preempt_count() on !PREEMPT_RT. */
static __always_inline u8 cs_ctx(void)
{
	unsigned long pc = preempt_count();

	if (pc & NMI_MASK)
		return CS_CTX_NMI;
	if (pc & HARDIRQ_MASK)
		return CS_CTX_HARDIRQ;
	if (IS_ENABLED(CONFIG_PREEMPT_RT) ? in_serving_softirq() :
	    (pc & SOFTIRQ_OFFSET))
		return CS_CTX_SOFTIRQ;
	return CS_CTX_TASK;
}

#endif /* _CRASHSAFE_SEQ_H */
