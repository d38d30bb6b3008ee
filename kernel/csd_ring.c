// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU CSD/IPI event rings: the hot path.
 *
 * A writer reserves a slot with a local (non-LOCK-prefixed) add on its own
 * ring's head, which is safe against nesting interrupts and NMIs on the
 * same CPU, fills the entry and writes the check word last. Nothing but
 * the CPU's own ring is written: no globally shared cache line.
 */
#include <linux/module.h>
#include <linux/smp.h>
#include <linux/preempt.h>
#include <linux/compiler.h>
#include <linux/percpu.h>
#include <linux/stddef.h>
#include <asm/local.h>

#include "crashsafe.h"
#include "csd.h"
#include "seq.h"

static const char * const cs_event_names[CS_EV_MAX] = {
	[CS_EV_NONE]	= "none",
	[CS_EV_QUEUE]	= "queue",
	[CS_EV_IPI]	= "ipi",
	[CS_EV_NOIPI]	= "noipi",
	[CS_EV_PING]	= "ping",
	[CS_EV_PINGED]	= "pinged",
	[CS_EV_GOTIPI]	= "gotipi",
	[CS_EV_HANDLE]	= "handle",
	[CS_EV_DEQUEUE]	= "dequeue",
	[CS_EV_HDLEND]	= "hdlend",
	[CS_EV_IDLE]	= "idle",
};

const char *cs_event_name(unsigned int type)
{
	return type < CS_EV_MAX ? cs_event_names[type] : "?";
}

static __always_inline u16 cs_cpu16(int cpu)
{
	return cpu < 0 || cpu >= CS_NO_CPU ? CS_NO_CPU : (u16)cpu;
}

/*
 * This CPU's ring, looked up once: saves the out-of-line cs_ring_of() call
 * per event. Rings are allocated once at load and freed at unload, after
 * every hook is gone, so a cached pointer never outlives its ring.
 */
static DEFINE_PER_CPU(struct cs_ring *, cs_this_ring);

/* Any context, NMI included; preemption disabled by the caller. */
static __always_inline struct cs_ring *cs_ring_here(void)
{
	struct cs_ring *r = this_cpu_read(cs_this_ring);

	if (unlikely(!r)) {
		r = cs_ring_of(raw_smp_processor_id());
		if (r)	/* a nesting NMI may do the same: same value */
			this_cpu_write(cs_this_ring, r);
	}
	return r;
}

/*
 * Any context, NMI included: append one event to this CPU's ring.
 *
 * The entry's check is computed from the values in registers, not read
 * back from the entry, and covers exactly what is stored. src, dst, type,
 * ctx and cpu are stored as the one little-endian word cs_event_word()
 * also feeds the check, and aux goes with the check in the last store
 * (same bytes as the seven narrow stores of record 1.0, fewer stores).
 * Stores reach memory in program order (x86 TSO; barrier() keeps the
 * compiler from reordering them), so in a dump an entry is either complete
 * with a matching check or still has check 0 (or garbage that fails the
 * check). preempt_disable_notrace() stays although every hook already runs
 * with preemption off: cs_event is exported, and a caller migrating between
 * the reservation and the stores would corrupt another CPU's ring; its
 * cost is measured by crashsafe_bench (variant nopreempt).
 */
void notrace cs_event(u8 type, int src, int dst, unsigned long func,
		      unsigned long csd, unsigned long callsite, u32 aux)
{
	struct cs_event *e;
	struct cs_ring *r;
	unsigned long n;
	u64 seq, word;

	BUILD_BUG_ON(sizeof(local_t) != sizeof(((struct cs_ring *)0)->head));
	BUILD_BUG_ON(offsetof(struct cs_event, src) != 32 ||
		     offsetof(struct cs_event, dst) != 34 ||
		     offsetof(struct cs_event, type) != 36 ||
		     offsetof(struct cs_event, ctx) != 37 ||
		     offsetof(struct cs_event, cpu) != 38 ||
		     offsetof(struct cs_event, aux) != 40 ||
		     offsetof(struct cs_event, check) != 44);

	preempt_disable_notrace();
	r = cs_ring_here();
	if (unlikely(!r))
		goto out;
	n = local_add_return(1, (local_t *)&r->head) - 1;
	e = &r->ev[n & (r->nr_entries - 1)];
	WRITE_ONCE(e->check, 0);
	barrier();
	seq = cs_seq_next(r);
	word = cs_event_word(cs_cpu16(src), cs_cpu16(dst), type, cs_ctx(),
			     (u16)r->cpu);
	e->seq = seq;
	e->func = func;
	e->csd = csd;
	e->callsite = callsite;
	*(u64 *)&e->src = word;		/* src, dst, type, ctx, cpu */
	barrier();
	/* aux and check (offset 40, 44) in one aligned store, last */
	WRITE_ONCE(*(u64 *)&e->aux, (u64)aux |
		   (u64)cs_event_check_vals(seq, func, csd, callsite, word,
					    aux) << 32);
out:
	preempt_enable_notrace();
}
EXPORT_SYMBOL_GPL(cs_event);
