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

/* Any context, NMI included: append one event to this CPU's ring. */
void notrace cs_event(u8 type, int src, int dst, unsigned long func,
		      unsigned long csd, unsigned long callsite, u32 aux)
{
	struct cs_event *e;
	struct cs_ring *r;
	unsigned long n;
	int cpu;

	BUILD_BUG_ON(sizeof(local_t) != sizeof(((struct cs_ring *)0)->head));

	preempt_disable_notrace();
	cpu = raw_smp_processor_id();
	r = cs_ring_of(cpu);
	if (unlikely(!r))
		goto out;
	n = local_add_return(1, (local_t *)&r->head) - 1;
	e = &r->ev[n & (r->nr_entries - 1)];
	WRITE_ONCE(e->check, 0);
	barrier();
	e->seq = cs_seq_next(r);
	e->func = func;
	e->csd = csd;
	e->callsite = callsite;
	e->src = cs_cpu16(src);
	e->dst = cs_cpu16(dst);
	e->type = type;
	e->ctx = cs_ctx();
	e->cpu = cpu;
	e->aux = aux;
	barrier();
	WRITE_ONCE(e->check, cs_event_check(e));
out:
	preempt_enable_notrace();
}
EXPORT_SYMBOL_GPL(cs_event);
