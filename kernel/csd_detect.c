// SPDX-License-Identifier: GPL-2.0
/*
 * Non-responsive CSD detection.
 *
 * The sending CPU records every csd it queues (cs_csd_track(), from the
 * queue hook) in a small per-CPU table that only it writes. Its heartbeat
 * hrtimer calls cs_csd_check(), which still fires while the sender spins
 * in csd_lock_wait() (interrupts on, preemption off): a csd still locked
 * with the same func after csd_timeout_ms is reported once, with the
 * target's state captured by NMI, the verdict, and the relevant ring
 * entries, into the crash record and the NMI-safe log. With
 * panic_on_csd_hang the report ends in panic(), so kdump catches it.
 *
 * Waits whose csds are invisible to the hooks (6.1: the per-CPU csds of
 * smp_call_function_many_cond() live in the static cfd_data) are tracked
 * from the call's entry to its return, one slot per target sharing a
 * group id. At the timeout the targets that provably have not answered
 * (no end of a queue flush on them since the call started) are reported;
 * the others ran the callback and are dropped without a report.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/irqflags.h>
#include <linux/uaccess.h>
#include <linux/math64.h>
#include <linux/hrtimer.h>
#include <linux/panic.h>
#include <linux/kernel.h>
#include <asm/processor-flags.h>

#include "crashsafe.h"
#include "compat.h"
#include "csd.h"
#include "seq.h"

static unsigned int csd_timeout_ms = 5000;
module_param(csd_timeout_ms, uint, 0644);
MODULE_PARM_DESC(csd_timeout_ms, "report a CSD request waiting this long (ms)");

static bool panic_on_csd_hang;
module_param(panic_on_csd_hang, bool, 0644);
MODULE_PARM_DESC(panic_on_csd_hang, "panic after reporting a non-responsive CSD");

static unsigned int csd_poll_ms;
module_param(csd_poll_ms, uint, 0444);
MODULE_PARM_DESC(csd_poll_ms, "own per-CPU check timer period (ms), 0: heartbeat drives the checks");

#define CS_TRACK_SLOTS	32
#define CS_REPORT_EV	40	/* ring entries in one report */
#define CS_REPORT_SIDE	8	/* newest relevant events per side */
#define CS_PANIC_DELAY_MS 1000	/* report, then panic this much later */
#define CS_MANY_TRACK_MAX 16	/* targets tracked per multi-CPU wait */

struct cs_track {
	unsigned long csd;
	unsigned long func;
	unsigned long info;
	unsigned long callsite;
	u64 seq;		/* when queued */
	u64 waited;		/* ns waited when reported */
	u64 panic_at;		/* seq to panic at, 0: no panic */
	u64 gen;		/* unique per use of this slot */
	u64 call_done;		/* == gen: the tracked call returned */
	u64 group;		/* many: the multi-CPU wait this target is in */
	u32 id;			/* #N once reported */
	int hang;		/* hang slot once reported, -1 none */
	u16 dst;
	u8 used;
	u8 reported;
	u8 call;		/* tracked from the call (kretprobe), csd maybe 0 */
	u8 many;		/* one target of a multi-CPU wait, csd 0 */
	u8 cond;		/* many with cond_func: target maybe skipped */
};

struct cs_track_cpu {
	struct cs_track t[CS_TRACK_SLOTS];
	unsigned int next;
	unsigned int busy;	/* table being changed on this CPU */
	u64 gen_next;
	u64 many_done;		/* newest multi-CPU wait group that returned */
	struct cs_event ev[CS_REPORT_EV];
	struct cs_capture scratch;
};

static DEFINE_PER_CPU(struct cs_track_cpu, cs_tracks);
static atomic_t cs_hang_ids = ATOMIC_INIT(0);
static bool cs_detect_ready;

unsigned int cs_csd_hang_count(void)
{
	return atomic_read(&cs_hang_ids);
}

/* Any context: racy snapshot for debugfs. */
unsigned int cs_csd_outstanding(int cpu)
{
	struct cs_track_cpu *tc = per_cpu_ptr(&cs_tracks, cpu);
	unsigned int i, n = 0;

	for (i = 0; i < CS_TRACK_SLOTS; i++)
		n += READ_ONCE(tc->t[i].used);
	return n;
}

/* Any context: TSC cycles to ns. */
static u64 cs_cycles_to_ns(u64 cyc)
{
	u32 khz = cs_root ? cs_root->tsc_khz : 0;

	if (!khz)
		return cyc;
	return mul_u64_u32_div(cyc, 1000000, khz);
}

/* IRQs off, tc->busy held: find or take a slot. */
static struct cs_track *cs_track_slot(struct cs_track_cpu *tc,
				      unsigned long csd)
{
	struct cs_track *t = NULL;
	unsigned int i;

	for (i = 0; i < CS_TRACK_SLOTS; i++) {
		struct cs_track *c = &tc->t[i];

		if (csd && c->used && c->csd == csd)
			return c;
		if (!c->used && !t)
			t = c;
	}
	if (t)
		return t;
	/* Full: evict round-robin, but never a reported stall. */
	for (i = 0; i < CS_TRACK_SLOTS; i++) {
		struct cs_track *c = &tc->t[tc->next++ % CS_TRACK_SLOTS];

		if (!c->reported)
			return c;
	}
	return NULL;
}

static void cs_track_fill(struct cs_track_cpu *tc, struct cs_track *t,
			  int dst, unsigned long func, unsigned long info,
			  unsigned long csd, unsigned long callsite, bool call)
{
	t->csd = csd;
	t->func = func;
	t->info = info;
	t->callsite = callsite;
	t->seq = cs_seq_now();
	t->dst = dst;
	t->id = 0;
	t->hang = -1;
	t->reported = 0;
	t->panic_at = 0;
	t->call = call;
	t->many = 0;
	t->cond = 0;
	t->group = 0;
	t->gen = ++tc->gen_next;
	WRITE_ONCE(t->used, 1);
}

/*
 * Any context: take this CPU's table with IRQs off. Kprobe handlers on
 * int3 look like NMI context, so nesting is caught with tc->busy: a nested
 * caller gets NULL and does nothing.
 */
static struct cs_track_cpu *cs_track_claim(unsigned long *flags)
{
	struct cs_track_cpu *tc;

	local_irq_save(*flags);
	tc = this_cpu_ptr(&cs_tracks);
	if (tc->busy) {
		local_irq_restore(*flags);
		return NULL;
	}
	tc->busy = 1;
	barrier();
	return tc;
}

/* Any context: give back what cs_track_claim() took. */
static void cs_track_release(struct cs_track_cpu *tc, unsigned long flags)
{
	barrier();
	tc->busy = 0;
	local_irq_restore(flags);
}

/*
 * Any context: sender side, a csd was just queued (real NMIs never queue
 * SYNC/ASYNC csds; nesting is caught by cs_track_claim()).
 */
void cs_csd_track(int dst, unsigned long func, unsigned long info,
		  unsigned long csd, unsigned long callsite)
{
	struct cs_track_cpu *tc;
	struct cs_track *t;
	unsigned long flags;
	unsigned int i;

	if (!READ_ONCE(cs_detect_ready))
		return;
	tc = cs_track_claim(&flags);
	if (!tc)
		return;
	/* The queue of a call already tracked at its entry: add the csd. */
	for (i = 0; i < CS_TRACK_SLOTS; i++) {
		t = &tc->t[i];
		if (t->used && t->call && !t->many && !t->csd &&
		    t->func == func && t->dst == dst) {
			t->csd = csd;
			if (!t->callsite)
				t->callsite = callsite;
			goto done;
		}
	}
	t = cs_track_slot(tc, csd);
	if (t)
		cs_track_fill(tc, t, dst, func, info, csd, callsite, false);
done:
	cs_track_release(tc, flags);
}

/*
 * Any context: a waiting call (smp_call_function_single(wait)) starts on
 * this CPU; the csd is not known (yet). Returns a token for
 * cs_csd_call_done(), 0 if not tracked.
 */
u64 cs_csd_track_call(int dst, unsigned long func, unsigned long info,
		      unsigned long callsite, int *cpu, unsigned int *slot)
{
	struct cs_track_cpu *tc;
	struct cs_track *t;
	unsigned long flags;
	u64 gen = 0;

	if (!READ_ONCE(cs_detect_ready))
		return 0;
	tc = cs_track_claim(&flags);
	if (!tc)
		return 0;
	t = cs_track_slot(tc, 0);
	if (t) {
		cs_track_fill(tc, t, dst, func, info, 0, callsite, true);
		gen = t->gen;
		*cpu = smp_processor_id();
		*slot = t - tc->t;
	}
	cs_track_release(tc, flags);
	return gen;
}

/* Any context, any CPU: the call tracked as (@cpu, @slot, @gen) returned. */
void cs_csd_call_done(int cpu, unsigned int slot, u64 gen)
{
	if (slot < CS_TRACK_SLOTS && cpu >= 0 && cpu < nr_cpu_ids)
		WRITE_ONCE(per_cpu_ptr(&cs_tracks, cpu)->t[slot].call_done, gen);
}

/*
 * Any context (kretprobe entry on int3, preemption off): a multi-CPU
 * wait (smp_call_function_many_cond(SCF_WAIT)) starts on this CPU. Track
 * each remote online target of @mask, at most CS_MANY_TRACK_MAX, with
 * one seq and one group id. @cond: targets may be skipped by cond_func.
 * Returns the group id for cs_csd_many_done(), 0 if nothing is tracked.
 */
u64 cs_csd_track_many(const struct cpumask *mask, unsigned long func,
		      unsigned long info, unsigned long callsite, bool cond)
{
	struct cs_track_cpu *tc;
	unsigned int cpu, n = 0;
	unsigned long flags;
	u64 group, seq;
	int this;

	if (!READ_ONCE(cs_detect_ready))
		return 0;
	tc = cs_track_claim(&flags);
	if (!tc)
		return 0;
	this = smp_processor_id();
	group = ++tc->gen_next;
	seq = cs_seq_now();
	for_each_cpu_and(cpu, mask, cpu_online_mask) {
		struct cs_track *t;

		if (cpu == this)
			continue;
		if (n >= CS_MANY_TRACK_MAX)
			break;
		t = cs_track_slot(tc, 0);
		if (!t)
			break;
		cs_track_fill(tc, t, cpu, func, info, 0, callsite, true);
		t->seq = seq;	/* one wait: every target times out together */
		t->many = 1;
		t->cond = cond;
		t->group = group;
		n++;
	}
	cs_track_release(tc, flags);
	return n ? group : 0;
}

/*
 * Any context, any CPU (kretprobe return): the multi-CPU wait @group of
 * @cpu returned. Groups of one CPU never overlap (the caller keeps
 * preemption off), so the newest returned group id marks them all done.
 */
void cs_csd_many_done(int cpu, u64 group)
{
	struct cs_track_cpu *tc;

	if (cpu < 0 || cpu >= nr_cpu_ids)
		return;
	tc = per_cpu_ptr(&cs_tracks, cpu);
	if (group > READ_ONCE(tc->many_done))
		WRITE_ONCE(tc->many_done, group);
}

/* Any context: read and validate ring entry @n of @r into @out. */
static bool cs_ring_get(struct cs_ring *r, u64 n, struct cs_event *out)
{
	memcpy(out, &r->ev[n & (r->nr_entries - 1)], sizeof(*out));
	barrier();
	return out->check && out->check == cs_event_check(out);
}

/* Any context: the newest complete entry at distance >= *@i from @head. */
static bool cs_ring_back(struct cs_ring *r, u64 head, u64 *i,
			 struct cs_event *e)
{
	for (; *i <= min_t(u64, head, r->nr_entries); ++*i)
		if (cs_ring_get(r, head - *i, e))
			return true;
	return false;
}

/*
 * Any context: walk the complete entries of ring @r newest first, @e
 * holding each in turn; @head is the ring's head, @i the distance from it
 * (1 = newest). Entries that fail their check are skipped.
 */
#define cs_for_each_event_back(r, head, i, e)				\
	for ((head) = READ_ONCE((r)->head), (i) = 1;			\
	     cs_ring_back((r), (head), &(i), &(e)); (i)++)

static bool cs_is_sender_ev(u8 type)
{
	return type == CS_EV_QUEUE || type == CS_EV_IPI ||
	       type == CS_EV_NOIPI || type == CS_EV_PING ||
	       type == CS_EV_PINGED;
}

static bool cs_is_receiver_ev(u8 type)
{
	return type == CS_EV_GOTIPI || type == CS_EV_HANDLE ||
	       type == CS_EV_DEQUEUE || type == CS_EV_HDLEND ||
	       type == CS_EV_IDLE;
}

struct cs_analysis {
	u64 queue_seq;		/* QUEUE event of this csd, 0 unknown */
	u64 ipi_seq;		/* first IPI to dst after queue_seq */
	u64 noipi_seq;		/* NOIPI to dst after queue_seq */
	u64 gotipi_seq;		/* newest GOTIPI on dst */
	bool busy;		/* dst in a callback/flush without its end */
	struct cs_event busy_ev;
};

/* Hard-IRQ context: add an event to the report selection, deduplicated. */
static void cs_pick(struct cs_track_cpu *tc, unsigned int *nr,
		    const struct cs_event *e)
{
	unsigned int i;

	for (i = 0; i < *nr; i++)
		if (tc->ev[i].seq == e->seq && tc->ev[i].cpu == e->cpu)
			return;
	if (*nr < CS_REPORT_EV)
		tc->ev[(*nr)++] = *e;
}

/*
 * Hard-IRQ context: pick the newest relevant events of one side, each
 * with the event just before it in the same ring.
 */
static void cs_pick_side(struct cs_track_cpu *tc, unsigned int *nr,
			 struct cs_ring *r, int peer, bool sender)
{
	u64 head = READ_ONCE(r->head), i, lim;
	struct cs_event e, prev;
	unsigned int got = 0;

	lim = min_t(u64, head, r->nr_entries - 1);
	for (i = 1; i <= lim && got < CS_REPORT_SIDE; i++) {
		if (!cs_ring_get(r, head - i, &e))
			continue;
		if (sender ? !(cs_is_sender_ev(e.type) &&
			       (e.dst == peer || e.dst == CS_NO_CPU)) :
			     !cs_is_receiver_ev(e.type))
			continue;
		got++;
		cs_pick(tc, nr, &e);
		if (i < lim && cs_ring_get(r, head - i - 1, &prev))
			cs_pick(tc, nr, &prev);
	}
}

/* Hard-IRQ context: what the rings say about this request. */
static void cs_analyse(struct cs_track *t, int src, struct cs_analysis *a)
{
	struct cs_ring *rs = cs_ring_of(src), *rd = cs_ring_of(t->dst);
	bool seen_end = false;
	struct cs_event e;
	u64 head, i;

	memset(a, 0, sizeof(*a));
	if (rs) {
		cs_for_each_event_back(rs, head, i, e) {
			if (e.type == CS_EV_QUEUE && e.dst == t->dst &&
			    (t->csd ? e.csd == t->csd : e.func == t->func)) {
				a->queue_seq = e.seq;
				break;
			}
			if (e.dst != t->dst)
				continue;
			if (e.type == CS_EV_IPI)
				a->ipi_seq = e.seq;
			else if (e.type == CS_EV_NOIPI)
				a->noipi_seq = e.seq;
		}
		if (!a->queue_seq) {
			/* Queue event overwritten: only trust the wait. */
			a->ipi_seq = 0;
			a->noipi_seq = 0;
		}
	}
	if (!rd)
		return;
	cs_for_each_event_back(rd, head, i, e) {
		if (e.type == CS_EV_GOTIPI && !a->gotipi_seq)
			a->gotipi_seq = e.seq;
		if (e.type == CS_EV_HDLEND && !a->busy)
			seen_end = true;
		if ((e.type == CS_EV_HANDLE || e.type == CS_EV_IDLE) &&
		    !seen_end && !a->busy) {
			a->busy = true;
			a->busy_ev = e;
		}
		if (a->gotipi_seq && (a->busy || seen_end))
			break;
	}
}

/*
 * Hard-IRQ context: the first CSD IPI (or noipi) @src sent after @after,
 * 0 if none; with @dst >= 0 only one meant for @dst. The call's IPI goes
 * out after all its targets are queued.
 */
static u64 cs_sent_after(int src, u64 after, int dst)
{
	struct cs_ring *r = cs_ring_of(src);
	struct cs_event e;
	u64 head, i, sent = 0;

	if (!r)
		return 0;
	cs_for_each_event_back(r, head, i, e) {
		if (e.seq <= after)
			break;
		if (e.type != CS_EV_IPI && e.type != CS_EV_NOIPI &&
		    e.type != CS_EV_PING)
			continue;
		/* A ping to more CPUs than that has no per-target ipi. */
		if (dst >= 0 && e.dst != dst &&
		    !(e.type == CS_EV_PING && e.aux > CS_MASK_EXPAND_MAX))
			continue;
		sent = e.seq;
	}
	return sent;
}

/*
 * Hard-IRQ context: has @dst answered requests queued after @after?
 * weak: a queue flush ended on @dst since then (the flush that runs the
 * callback must end after it was queued, so !weak = certainly pending);
 * strong: a whole flush started after @sent, when the request was
 * certainly queued. Without @dst's ring there is no evidence either way:
 * count it as answered, never report it.
 */
static void cs_answered(int dst, u64 after, u64 sent, bool *weak,
			bool *strong)
{
	struct cs_ring *r = cs_ring_of(dst);
	bool end = false;
	struct cs_event e;
	u64 head, i;

	*weak = !r;
	*strong = !r;
	if (!r)
		return;
	cs_for_each_event_back(r, head, i, e) {
		if (e.seq <= after)
			break;
		if (e.type == CS_EV_HDLEND) {
			end = true;
			*weak = true;
		} else if (end && (e.type == CS_EV_HANDLE ||
				   e.type == CS_EV_IDLE)) {
			/* The newest complete flush decides. */
			*strong = sent && e.seq > sent;
			break;
		}
	}
}

static void cs_csd_report(struct cs_track *t, u64 now, u64 waited);

/*
 * Hard-IRQ context, this CPU's table claimed: multi-CPU wait @group timed
 * out. Report the targets that have not answered, drop the others.
 */
static void cs_many_eval(struct cs_track_cpu *tc, u64 group, u64 now)
{
	bool weak[CS_TRACK_SLOTS], strong[CS_TRACK_SLOTS], any = false;
	int src = smp_processor_id();
	u64 after = 0, sent;
	unsigned int i;

	for (i = 0; i < CS_TRACK_SLOTS; i++) {
		struct cs_track *t = &tc->t[i];

		if (t->used && t->many && t->group == group) {
			after = t->seq;
			break;
		}
	}
	sent = cs_sent_after(src, after, -1);
	for (i = 0; i < CS_TRACK_SLOTS; i++) {
		struct cs_track *t = &tc->t[i];

		weak[i] = true;
		strong[i] = true;
		if (!t->used || !t->many || t->group != group || t->reported)
			continue;
		cs_answered(t->dst, after, sent, &weak[i], &strong[i]);
		/* cond_func may have skipped it: report only if sent to. */
		if (t->cond && !cs_sent_after(src, after, t->dst))
			weak[i] = strong[i] = true;
		if (!weak[i])
			any = true;
	}
	/*
	 * Nobody is certainly pending, yet the wait goes on: one flush
	 * may have ended before its target was queued. Blame the targets
	 * without a whole flush since the IPI.
	 */
	for (i = 0; i < CS_TRACK_SLOTS; i++) {
		struct cs_track *t = &tc->t[i];

		if (!t->used || !t->many || t->group != group || t->reported)
			continue;
		if (any ? !weak[i] : !strong[i])
			cs_csd_report(t, now, now > t->seq ?
				      cs_cycles_to_ns(now - t->seq) : 0);
		else
			WRITE_ONCE(t->used, 0);	/* it ran the callback */
	}
}

static const char * const cs_verdict_names[] = {
	[CS_VERDICT_UNKNOWN]	= "unknown",
	[CS_VERDICT_IRQS_OFF]	= "irqs_off",
	[CS_VERDICT_LOST_IPI]	= "lost_ipi",
	[CS_VERDICT_NOIPI]	= "noipi",
	[CS_VERDICT_BUSY_PRIOR]	= "busy_prior",
	[CS_VERDICT_BUSY_THIS]	= "busy_this",
};

/* Hard-IRQ context: decide, record, log and maybe panic. */
static void cs_csd_report(struct cs_track *t, u64 now, u64 waited)
{
	struct cs_track_cpu *tc = this_cpu_ptr(&cs_tracks);
	int src = smp_processor_id(), dst = t->dst;
	u64 irqs_off, qseq;
	struct cs_csd_hang *h;
	struct cs_capture *cap;
	struct cs_analysis a;
	bool off = false, on = false;
	unsigned int nr = 0, i, j;
	u32 verdict, state = 0, id;
	unsigned long prior = 0;
	struct cs_ring *r;

	id = atomic_inc_return(&cs_hang_ids);
	t->id = id;
	t->reported = 1;
	h = cs_hang_slot(id - 1);
	if (h) {
		t->hang = id - 1;
		memset(h, 0, sizeof(*h));
		cap = &h->target;
	} else {
		cap = &tc->scratch;
		memset(cap, 0, sizeof(*cap));
	}
	cs_nmi_capture(dst, cap, 10000);
	irqs_off = cs_irqs_off_ns(dst, now);
	cs_analyse(t, src, &a);
	qseq = a.queue_seq ? a.queue_seq : t->seq;

	if (cap->flags & CS_CAP_VALID) {
		if (cap->regs.flags & X86_EFLAGS_IF)
			on = true;
		else
			off = true;
	}
	if (irqs_off != ~0ULL) {
		if (irqs_off >= waited)
			off = true;
		else if (!off)
			on = true;
	}

	if (a.busy) {
		prior = a.busy_ev.func;
		if ((a.busy_ev.csd && a.busy_ev.csd == t->csd) ||
		    (!a.busy_ev.csd && a.busy_ev.seq > qseq))
			state = CS_VERDICT_BUSY_THIS;
		else
			state = CS_VERDICT_BUSY_PRIOR;
		verdict = state;
	} else if (off) {
		verdict = CS_VERDICT_IRQS_OFF;
	} else if (a.ipi_seq && a.gotipi_seq < a.ipi_seq && on) {
		verdict = CS_VERDICT_LOST_IPI;
	} else if (a.queue_seq && !a.ipi_seq) {
		verdict = CS_VERDICT_NOIPI;
	} else {
		verdict = CS_VERDICT_UNKNOWN;
	}

	if (h) {
		h->id = id;
		h->flags = CS_HANG_VALID;
		h->source_cpu = src;
		h->target_cpu = dst;
		h->verdict = verdict;
		h->target_state = state;
		h->func = t->func;
		h->info = t->info;
		h->csd = t->csd;
		h->callsite = t->callsite;
		h->queued_seq = qseq;
		h->detected_seq = now;
		h->waited_ns = waited;
		h->target_irqs_off_ns = irqs_off;
		h->prior_func = prior;
		h->check = CS_SEAL(h, struct cs_csd_hang);
	}

	cs_log(KERN_ALERT "csd: Detected non-responsive CSD lock (#%u) on CPU#%d, waiting %llu ns for CPU#%02d %pS(%ps).\n",
	       id, src, waited, dst, (void *)t->func, (void *)t->info);
	if (state == CS_VERDICT_BUSY_PRIOR)
		cs_log(KERN_ALERT "csd: CSD lock (#%u) handling prior %pS request.\n",
		       id, (void *)prior);
	else
		cs_log(KERN_ALERT "csd: CSD lock (#%u) %s.\n", id,
		       state ? "handling this request" : "unresponsive");
	if (irqs_off != ~0ULL)
		cs_log(KERN_ALERT "csd: CSD lock (#%u) verdict %s: CPU#%d irqs off >= %llu ns, %s, ipi %s, gotipi %s\n",
		       id, cs_verdict_names[verdict], dst, irqs_off,
		       cap->flags & CS_CAP_VALID ?
		       (off ? "captured with irqs off" : "captured with irqs on") :
		       "no capture",
		       a.ipi_seq ? "sent" : "not sent",
		       a.gotipi_seq > qseq ? "since" : "none since");
	else
		cs_log(KERN_ALERT "csd: CSD lock (#%u) verdict %s: CPU#%d %s, ipi %s, gotipi %s\n",
		       id, cs_verdict_names[verdict], dst,
		       cap->flags & CS_CAP_VALID ?
		       (off ? "captured with irqs off" : "captured with irqs on") :
		       "no capture",
		       a.ipi_seq ? "sent" : "not sent",
		       a.gotipi_seq > qseq ? "since" : "none since");
	if (cap->flags & CS_CAP_VALID)
		cs_log(KERN_ALERT "csd: CPU#%d RIP %pS flags 0x%llx\n", dst,
		       (void *)(unsigned long)cap->regs.ip,
		       (unsigned long long)cap->regs.flags);

	r = cs_ring_of(src);
	if (r)
		cs_pick_side(tc, &nr, r, dst, true);
	r = cs_ring_of(dst);
	if (r)
		cs_pick_side(tc, &nr, r, dst, false);
	/* Insertion sort by seq: nr is small. */
	for (i = 1; i < nr; i++) {
		struct cs_event k = tc->ev[i];

		for (j = i; j > 0 && tc->ev[j - 1].seq > k.seq; j--)
			tc->ev[j] = tc->ev[j - 1];
		tc->ev[j] = k;
	}
	for (i = 0; i < nr; i++) {
		struct cs_event *e = &tc->ev[i];

		if (e->func)
			cs_log(KERN_ALERT "csd: cnt(%llx): %04x->%04x %s %ps\n",
			       e->seq, e->src, e->dst, cs_event_name(e->type),
			       (void *)(unsigned long)e->func);
		else
			cs_log(KERN_ALERT "csd: cnt(%llx): %04x->%04x %s\n", e->seq,
			       e->src, e->dst, cs_event_name(e->type));
	}
	cs_log(KERN_ALERT "csd: cnt now: %llx\n", now);

	t->waited = waited;
	if (READ_ONCE(panic_on_csd_hang)) {
		u32 khz = cs_root->tsc_khz ? cs_root->tsc_khz : 1000000;

		/* Give the log flusher a moment to put the report out. */
		t->panic_at = now + (u64)khz * CS_PANIC_DELAY_MS;
	}
}

/* Hard-IRQ context: mark the record and panic for a reported stall. */
static void cs_csd_panic(struct cs_track *t)
{
	struct cs_csd_hang *h = t->hang >= 0 ? cs_hang_slot(t->hang) : NULL;
	struct cs_crash *crash = cs_crash_area();

	if (h) {
		h->flags |= CS_HANG_PANICKED;
		h->check = CS_SEAL(h, struct cs_csd_hang);
		if (crash) {
			crash->hang_index = t->hang;
			crash->check = CS_SEAL(crash, struct cs_crash);
		}
	}
	panic("csd: Detected non-responsive CSD lock (#%u) on CPU#%d, waiting %llu ns for CPU#%02d %pS(%ps).\n",
	      t->id, smp_processor_id(), t->waited, t->dst, (void *)t->func,
	      (void *)t->info);
}

/* Hard-IRQ context (heartbeat hrtimer): check this CPU's csds. */
void cs_csd_check(u64 now_seq)
{
	struct cs_track_cpu *tc;
	u64 timeout_ns, now;
	unsigned long flags;
	unsigned int i;

	if (!READ_ONCE(cs_detect_ready) || in_nmi())
		return;
	now = cs_seq_now();
	if (now_seq > now)
		now = now_seq;
	timeout_ns = (u64)READ_ONCE(csd_timeout_ms) * NSEC_PER_MSEC;
	tc = cs_track_claim(&flags);
	if (!tc)
		return;
	for (i = 0; i < CS_TRACK_SLOTS; i++) {
		struct cs_track *t = &tc->t[i];
		unsigned long hdr[3];
		u64 waited;

		if (!t->used)
			continue;
		waited = now > t->seq ? cs_cycles_to_ns(now - t->seq) : 0;
		if ((t->call && !t->many &&
		     READ_ONCE(t->call_done) == t->gen) ||
		    (t->many && READ_ONCE(tc->many_done) >= t->group) ||
		    (t->csd &&
		     (copy_from_kernel_nofault(hdr, (void *)t->csd, sizeof(hdr)) ||
		      !(hdr[CS_CSD_FLAGS_OFF / 8] & CSD_FLAG_LOCK) ||
		      hdr[CS_CSD_FUNC_OFF / 8] != t->func))) {
			/* Done (or the csd memory moved on). */
			if (t->reported) {
				struct cs_csd_hang *h = t->hang >= 0 ?
					cs_hang_slot(t->hang) : NULL;

				if (h) {
					h->flags |= CS_HANG_RESOLVED;
					h->check = CS_SEAL(h, struct cs_csd_hang);
				}
				cs_log(KERN_ALERT "csd: CSD lock (#%u) released after %llu ns.\n",
				       t->id, waited);
			}
			WRITE_ONCE(t->used, 0);
			continue;
		}
		if (!t->reported && waited >= timeout_ns) {
			if (t->many)
				cs_many_eval(tc, t->group, now);
			else
				cs_csd_report(t, now, waited);
		} else if (t->reported && t->panic_at && now >= t->panic_at &&
			 READ_ONCE(panic_on_csd_hang))
			cs_csd_panic(t);
	}
	cs_track_release(tc, flags);
}

static DEFINE_PER_CPU(struct hrtimer, cs_poll_timer);
static struct cpumask cs_poll_cpus;

/* Hard-IRQ context. */
static enum hrtimer_restart cs_poll_fn(struct hrtimer *timer)
{
	cs_csd_check(cs_seq_now());
	hrtimer_forward_now(timer, ms_to_ktime(csd_poll_ms));
	return HRTIMER_RESTART;
}

static void cs_poll_start(void *unused)
{
	struct hrtimer *t = this_cpu_ptr(&cs_poll_timer);

	cs_hrtimer_setup(t, cs_poll_fn, CLOCK_MONOTONIC,
			 HRTIMER_MODE_REL_PINNED_HARD);
	hrtimer_start(t, ms_to_ktime(csd_poll_ms), HRTIMER_MODE_REL_PINNED_HARD);
	cpumask_set_cpu(smp_processor_id(), &cs_poll_cpus);
}

int cs_detect_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct cs_track_cpu *tc = per_cpu_ptr(&cs_tracks, cpu);
		int i;

		for (i = 0; i < CS_TRACK_SLOTS; i++)
			tc->t[i].hang = -1;
	}
	cs_root->csd_timeout_ms = csd_timeout_ms;
	cs_record_reseal();
	WRITE_ONCE(cs_detect_ready, true);
	if (csd_poll_ms)
		on_each_cpu(cs_poll_start, NULL, 1);
	return 0;
}

void cs_detect_exit(void)
{
	int cpu;

	WRITE_ONCE(cs_detect_ready, false);
	if (!csd_poll_ms)
		return;
	for_each_cpu(cpu, &cs_poll_cpus)
		hrtimer_cancel(per_cpu_ptr(&cs_poll_timer, cpu));
	cpumask_clear(&cs_poll_cpus);
}
