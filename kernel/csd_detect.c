// SPDX-License-Identifier: GPL-2.0
/*
 * Non-responsive CSD detection.
 *
 * A wait belongs to its csd, not to a CPU: every csd queued with a lock
 * (SYNC and ASYNC types) is entered, keyed by its address, in one table
 * allocated at load (nr_cpu_ids * CS_WAITS_PER_CPU slots, open addressing).
 * Whether the wait is still on is read from the csd itself: CSD_FLAG_LOCK
 * in csd->node.u_flags, with the same func and info. So a waiter that
 * migrates (7.x waits with preemption on), a sender that goes offline, or
 * a csd queued again from another CPU never leaves a stale entry behind:
 * a re-queue refills the csd's slot, and a wait that ended anywhere is
 * dropped at the next check, never reported.
 *
 * Checks run in check passes, from every CPU's heartbeat (or csd_poll_ms
 * timer), one pass at a time (a trylock) and at most one per
 * CS_PASS_MIN_MS. Waits are measured on one clock, the monotonic fast
 * clock, and only as the sum of the gaps between passes, each gap capped
 * (cs_gap_cap_ns): a clock that goes backward adds nothing (as
 * kernel/smp.c's csd_lock_wait_toolong() restarts its measurement), and
 * a paused VM (every CPU stopped, then resumed) adds at most one cap,
 * less than csd_timeout_ms, so it cannot produce a report.
 *
 * The 6.1 hooks see a multi-CPU call (smp_call_function_many_cond()) at
 * its entry, before it locks the csds of its targets (one per target, no
 * limit): such a wait is entered "prelock" and becomes an ordinary csd
 * wait once a pass sees its csd locked with its func and info; one that
 * a pass finds unlocked a second time was done already or skipped by
 * cond_func, and is dropped. No return probe is needed to see the end.
 *
 * A report captures the target by NMI, decides the verdict from the rings
 * (only from hooks that were live), logs it to the NMI-safe log and the
 * crash record; with panic_on_csd_hang it ends in panic() a second later.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/smp.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/cpuhotplug.h>
#include <linux/irqflags.h>
#include <linux/uaccess.h>
#include <linux/hrtimer.h>
#include <linux/timekeeping.h>
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

static unsigned int fail_hooks;
module_param(fail_hooks, uint, 0444);
MODULE_PARM_DESC(fail_hooks, "tests: CS_HOOK_* bits whose hooks refuse to register");

#define CS_WAITS_PER_CPU 32	/* table slots per possible CPU */
#define CS_PROBE	32	/* slots looked at from a key's hash */
#define CS_REPORT_EV	40	/* ring entries in one report */
#define CS_REPORT_SIDE	8	/* newest relevant events per side */
#define CS_PANIC_DELAY_NS (1000 * NSEC_PER_MSEC) /* report, then panic */
#define CS_PASS_MIN_NS	(10 * NSEC_PER_MSEC)	/* between two passes */

/*
 * One tracked wait. Its key (the csd address) is in the
 * parallel array cs_keys, 0 for a free slot, so that the queue hook's
 * probe reads 8 bytes per slot. Changed only with busy held.
 */
struct cs_wait {
	atomic_t busy;		/* trylock: queue hook or check pass */
	u16 src;		/* CPU that queued it (its ring has the queue) */
	u16 dst;
	unsigned long csd;	/* 0: a 6.1 multi-CPU target */
	unsigned long func;
	unsigned long info;
	unsigned long callsite;
	u64 seq;		/* src's seq when queued (ring analysis) */
	u64 waited;		/* ns, sum of the capped gaps between passes */
	u64 reported_at;	/* waited when reported */
	u32 id;			/* #N once reported */
	int hang;		/* hang slot once reported, -1 none */
	u8 fresh;		/* no pass has seen it yet */
	u8 reported;
	u8 prelock;		/* tracked before its csd was locked (6.1 many) */
};

static struct cs_wait *cs_waits;
static unsigned long *cs_keys;
static unsigned int cs_waits_bits;
static struct cs_event *cs_rep_ev;	/* report scratch, pass held */
static struct cs_capture *cs_scratch;	/* capture without a hang slot */
static atomic_t cs_pass_busy = ATOMIC_INIT(0);
static u64 cs_pass_last;	/* monotonic ns of the last pass */
static u64 cs_pass_no;		/* passes made */
static atomic_t cs_hang_ids = ATOMIC_INIT(0);
static atomic_t cs_untracked = ATOMIC_INIT(0);
static bool cs_detect_ready;
static u32 cs_hooks_live;	/* CS_HOOK_* kinds live */
static u32 cs_hooks_wanted;

unsigned int cs_csd_hang_count(void)
{
	return atomic_read(&cs_hang_ids);
}

/* Process context. */
bool cs_hook_forced_fail(u32 kind)
{
	return fail_hooks & kind;
}

/*
 * Process context: a kind is live when every hook of it is, whichever
 * backend installed them (6.1: the flush's end comes from a kprobe and
 * from a tracepoint), so failures accumulate over the calls of one load.
 */
void cs_csd_set_hooks(u32 wanted, u32 live)
{
	static u32 failed;

	failed |= wanted & ~live;
	cs_hooks_wanted |= wanted;
	WRITE_ONCE(cs_hooks_live, cs_hooks_wanted & ~failed);
	cs_record_set_hooks(wanted, wanted & ~failed);
}

/* Any context: racy snapshot for debugfs. */
unsigned int cs_csd_outstanding(int cpu)
{
	unsigned int i, n = 0;

	if (!cs_waits)
		return 0;
	for (i = 0; i < (1U << cs_waits_bits); i++)
		if (READ_ONCE(cs_keys[i]) &&
		    READ_ONCE(cs_waits[i].src) == cpu)
			n++;
	return n;
}

/* Any context: the key word of slot @w. */
static unsigned long *cs_key(const struct cs_wait *w)
{
	return &cs_keys[w - cs_waits];
}

/* Any context, NMI included. */
static bool cs_wait_trylock(struct cs_wait *w)
{
	return atomic_cmpxchg_acquire(&w->busy, 0, 1) == 0;
}

/* Any context. */
static void cs_wait_unlock(struct cs_wait *w)
{
	atomic_set_release(&w->busy, 0);
}

/*
 * Any context: the slot of @key, or a free one, taken (busy held); NULL
 * when the probe window is full or contended (the wait goes untracked:
 * possibly a missed report, never a false one).
 */
static struct cs_wait *cs_wait_take(unsigned long key)
{
	unsigned int h = hash_long(key, cs_waits_bits), i;
	unsigned int mask = (1U << cs_waits_bits) - 1;
	struct cs_wait *free = NULL;

	for (i = 0; i < CS_PROBE; i++) {
		unsigned int j = (h + i) & mask;
		unsigned long k = READ_ONCE(cs_keys[j]);
		struct cs_wait *w = &cs_waits[j];

		if (k == key) {
			/* One writer per key: the csd lock serialises uses. */
			if (!cs_wait_trylock(w))
				return NULL;
			if (cs_keys[j] == key)
				return w;
			cs_wait_unlock(w);
			break;
		}
		if (!k && !free)
			free = w;
	}
	for (; free; free = NULL) {
		if (!cs_wait_trylock(free))
			break;
		if (!cs_keys[free - cs_waits])
			return free;
		cs_wait_unlock(free);
	}
	atomic_inc(&cs_untracked);
	return NULL;
}

/* Any context, slot held: a reported wait that is over. */
static void cs_wait_resolved(struct cs_wait *w)
{
	struct cs_csd_hang *h;

	if (!w->reported)
		return;
	h = w->hang >= 0 ? cs_hang_slot(w->hang) : NULL;
	if (h) {
		h->flags |= CS_HANG_RESOLVED;
		h->check = CS_SEAL(h, struct cs_csd_hang);
	}
	cs_log(KERN_ALERT "csd: CSD lock (#%u) released after %llu ns.\n", w->id,
	       w->waited);
}

/* Any context, slot held: (re)start the wait of @key; releases the slot. */
static void cs_wait_fill(struct cs_wait *w, unsigned long key, int src,
			 int dst, unsigned long func, unsigned long info,
			 unsigned long csd, unsigned long callsite)
{
	if (*cs_key(w) == key)
		cs_wait_resolved(w);	/* the csd was used again: over */
	w->src = src;
	w->dst = dst;
	w->csd = csd;
	w->func = func;
	w->info = info;
	w->callsite = callsite;
	w->seq = cs_seq_now();
	w->waited = 0;
	w->reported_at = 0;
	w->id = 0;
	w->hang = -1;
	w->fresh = 1;
	w->reported = 0;
	w->prelock = 0;
	WRITE_ONCE(*cs_key(w), key);
}

/* Any context: enter a wait for @csd queued from this CPU to @dst. */
static void cs_csd_enter(int dst, unsigned long func, unsigned long info,
			 unsigned long csd, unsigned long callsite, bool prelock)
{
	struct cs_wait *w;

	if (!READ_ONCE(cs_detect_ready) || !csd)
		return;
	w = cs_wait_take(csd);
	if (!w)
		return;
	cs_wait_fill(w, csd, raw_smp_processor_id(), dst, func, info, csd,
		     callsite);
	if (prelock)
		w->prelock = 1;
	cs_wait_unlock(w);
}

/*
 * Any context: sender side, a locked csd was just queued from this CPU
 * (real NMIs never queue SYNC/ASYNC csds). The csd lock is held and
 * func/info are set, so the wait is on until the lock flag clears.
 */
void cs_csd_track(int dst, unsigned long func, unsigned long info,
		  unsigned long csd, unsigned long callsite)
{
	cs_csd_enter(dst, func, info, csd, callsite, false);
}

/*
 * Any context (6.1 kprobe on smp_call_function_many_cond(SCF_WAIT), the
 * sender with preemption off): @csd is about to be locked and queued for
 * @dst, or skipped by the call's cond_func.
 */
void cs_csd_track_prelock(int dst, unsigned long func, unsigned long info,
			  unsigned long csd, unsigned long callsite)
{
	cs_csd_enter(dst, func, info, csd, callsite, true);
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

/* Hard-IRQ context, check pass held: add an event to the report selection, deduplicated. */
static void cs_pick(unsigned int *nr,
		    const struct cs_event *e)
{
	unsigned int i;

	for (i = 0; i < *nr; i++)
		if (cs_rep_ev[i].seq == e->seq && cs_rep_ev[i].cpu == e->cpu)
			return;
	if (*nr < CS_REPORT_EV)
		cs_rep_ev[(*nr)++] = *e;
}

/*
 * Hard-IRQ context: pick the newest relevant events of one side, each
 * with the event just before it in the same ring.
 */
static void cs_pick_side(unsigned int *nr,
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
		cs_pick(nr, &e);
		if (i < lim && cs_ring_get(r, head - i - 1, &prev))
			cs_pick(nr, &prev);
	}
}

/* Hard-IRQ context: what the rings say about this request. */
static void cs_analyse(struct cs_wait *t, int src, struct cs_analysis *a)
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

static const char * const cs_verdict_names[] = {
	[CS_VERDICT_UNKNOWN]	= "unknown",
	[CS_VERDICT_IRQS_OFF]	= "irqs_off",
	[CS_VERDICT_LOST_IPI]	= "lost_ipi",
	[CS_VERDICT_NOIPI]	= "noipi",
	[CS_VERDICT_BUSY_PRIOR]	= "busy_prior",
	[CS_VERDICT_BUSY_THIS]	= "busy_this",
};

/* Any context: were all hooks verdict @v is built from live? */
static bool cs_verdict_allowed(u32 v)
{
	u32 need = cs_verdict_needs(v);

	return (READ_ONCE(cs_hooks_live) & need) == need;
}

/* Hard-IRQ context, check pass and slot held: decide, record, log. */
static void cs_csd_report(struct cs_wait *t)
{
	int src = t->src, dst = t->dst;
	u64 irqs_off, qseq, now = cs_seq_now(), waited = t->waited;
	struct cs_csd_hang *h;
	struct cs_capture *cap;
	struct cs_analysis a;
	bool off = false, on = false, cap_off;
	unsigned int nr = 0, i, j;
	u32 verdict, state = 0, id;
	unsigned long prior = 0;
	struct cs_ring *r;

	id = atomic_inc_return(&cs_hang_ids);
	t->id = id;
	t->reported = 1;
	t->reported_at = waited;
	h = cs_hang_slot(id - 1);
	if (h) {
		t->hang = id - 1;
		memset(h, 0, sizeof(*h));
		cap = &h->target;
	} else {
		cap = cs_scratch;
		memset(cap, 0, sizeof(*cap));
	}
	cs_nmi_capture(dst, cap, 10000);
	irqs_off = cs_irqs_off_ns(dst, now);
	cs_analyse(t, src, &a);
	qseq = a.queue_seq ? a.queue_seq : t->seq;

	cap_off = (cap->flags & CS_CAP_VALID) && !(cap->regs.flags & X86_EFLAGS_IF);
	/*
	 * Interrupts off for the whole wait is what the heartbeat says (its
	 * timer interrupt last ran irqs_off ns ago); the capture's IF only
	 * without a heartbeat: an NMI that lands in a hard-IRQ handler sees
	 * IF=0 on a CPU that takes interrupts (csdextract infers the same).
	 */
	if (irqs_off != ~0ULL) {
		off = irqs_off >= waited;
		on = !off;
	} else if (cap->flags & CS_CAP_VALID) {
		off = cap_off;
		on = !cap_off;
	}

	/* Each verdict only from hooks that were live (cs_verdict_needs). */
	if (a.busy && cs_verdict_allowed(CS_VERDICT_BUSY_PRIOR)) {
		prior = a.busy_ev.func;
		if ((a.busy_ev.csd && a.busy_ev.csd == t->csd) ||
		    (!a.busy_ev.csd && a.busy_ev.seq > qseq))
			state = CS_VERDICT_BUSY_THIS;
		else
			state = CS_VERDICT_BUSY_PRIOR;
		verdict = state;
	} else if (off) {
		verdict = CS_VERDICT_IRQS_OFF;
	} else if (a.ipi_seq && a.gotipi_seq < a.ipi_seq && on &&
		   cs_verdict_allowed(CS_VERDICT_LOST_IPI)) {
		verdict = CS_VERDICT_LOST_IPI;
	} else if (a.queue_seq && !a.ipi_seq &&
		   cs_verdict_allowed(CS_VERDICT_NOIPI)) {
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
		       (cap_off ? "captured with irqs off" : "captured with irqs on") :
		       "no capture",
		       a.ipi_seq ? "sent" : "not sent",
		       a.gotipi_seq > qseq ? "since" : "none since");
	else
		cs_log(KERN_ALERT "csd: CSD lock (#%u) verdict %s: CPU#%d %s, ipi %s, gotipi %s\n",
		       id, cs_verdict_names[verdict], dst,
		       cap->flags & CS_CAP_VALID ?
		       (cap_off ? "captured with irqs off" : "captured with irqs on") :
		       "no capture",
		       a.ipi_seq ? "sent" : "not sent",
		       a.gotipi_seq > qseq ? "since" : "none since");
	if ((READ_ONCE(cs_hooks_live) & cs_hooks_wanted) != cs_hooks_wanted)
		cs_log(KERN_ALERT "csd: CSD lock (#%u) hooks live 0x%x of 0x%x: verdicts needing the others not given\n",
		       id, READ_ONCE(cs_hooks_live), cs_hooks_wanted);
	if (cap->flags & CS_CAP_VALID)
		cs_log(KERN_ALERT "csd: CPU#%d RIP %pS flags 0x%llx\n", dst,
		       (void *)(unsigned long)cap->regs.ip,
		       (unsigned long long)cap->regs.flags);

	r = cs_ring_of(src);
	if (r)
		cs_pick_side(&nr, r, dst, true);
	r = cs_ring_of(dst);
	if (r)
		cs_pick_side(&nr, r, dst, false);
	/* Insertion sort by seq: nr is small. */
	for (i = 1; i < nr; i++) {
		struct cs_event k = cs_rep_ev[i];

		for (j = i; j > 0 && cs_rep_ev[j - 1].seq > k.seq; j--)
			cs_rep_ev[j] = cs_rep_ev[j - 1];
		cs_rep_ev[j] = k;
	}
	for (i = 0; i < nr; i++) {
		struct cs_event *e = &cs_rep_ev[i];

		if (e->func)
			cs_log(KERN_ALERT "csd: cnt(%llx): %04x->%04x %s %ps\n",
			       e->seq, e->src, e->dst, cs_event_name(e->type),
			       (void *)(unsigned long)e->func);
		else
			cs_log(KERN_ALERT "csd: cnt(%llx): %04x->%04x %s\n", e->seq,
			       e->src, e->dst, cs_event_name(e->type));
	}
	cs_log(KERN_ALERT "csd: cnt now: %llx\n", now);
}

/* Hard-IRQ context: mark the record and panic for a reported stall. */
static void cs_csd_panic(struct cs_wait *t)
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
	/* The wait as reported and recorded, so the two lines match. */
	panic("csd: Detected non-responsive CSD lock (#%u) on CPU#%d, waiting %llu ns for CPU#%02d %pS(%ps).\n",
	      t->id, t->src, t->reported_at, t->dst, (void *)t->func,
	      (void *)t->info);
}

/*
 * Any context, slot held: is the wait of @w over, wherever it ended? A
 * prelock wait not yet seen locked gets the pass that first sees it.
 */
static bool cs_wait_over(struct cs_wait *w)
{
	unsigned long hdr[4];
	bool locked;

	if (copy_from_kernel_nofault(hdr, (void *)w->csd, sizeof(hdr)))
		return true;
	/* Locked, and the memory still holds this request. */
	locked = (hdr[CS_CSD_FLAGS_OFF / 8] & CSD_FLAG_LOCK) &&
		 hdr[CS_CSD_FUNC_OFF / 8] == w->func &&
		 hdr[CS_CSD_INFO_OFF / 8] == w->info;
	if (w->prelock) {
		if (locked)
			w->prelock = 0;
		return !locked && !w->fresh;
	}
	return !locked;
}

/* Hard-IRQ context, pass and slot held: one wait, @gap ns later. */
static void cs_wait_check(struct cs_wait *w, u64 gap, u64 timeout_ns)
{
	if (cs_wait_over(w)) {
		cs_wait_resolved(w);
		WRITE_ONCE(*cs_key(w), 0);
		return;
	}
	if (w->fresh)
		w->fresh = 0;	/* started within the gap: count from here */
	else
		w->waited += gap;
	if (!w->reported) {
		if (w->waited < timeout_ns)
			return;
		/* The target is alive if it runs this pass: let another CPU. */
		if (w->dst == raw_smp_processor_id())
			return;
		cs_csd_report(w);
	} else if (READ_ONCE(panic_on_csd_hang) &&
		   w->waited >= w->reported_at + CS_PANIC_DELAY_NS &&
		   (w->dst != raw_smp_processor_id() ||
		    w->waited >= w->reported_at + 4 * CS_PANIC_DELAY_NS)) {
		/*
		 * Not from the target, whose context the crash stop should
		 * capture as it is, unless no other CPU has come by since.
		 */
		cs_csd_panic(w);
	}
}

/*
 * Hard-IRQ context (heartbeat or poll hrtimer, any CPU): one check pass
 * over every tracked wait, unless another CPU is in one or the last was
 * less than CS_PASS_MIN_NS ago. @now_seq is not used: waits are measured
 * on the monotonic clock only.
 */
void cs_csd_check(u64 now_seq)
{
	u64 now, last, gap, timeout_ns;
	unsigned long flags;
	unsigned int i, n;

	if (!READ_ONCE(cs_detect_ready) || in_nmi())
		return;
	local_irq_save(flags);
	if (atomic_cmpxchg_acquire(&cs_pass_busy, 0, 1))
		goto out_irq;
	now = ktime_get_mono_fast_ns();
	last = cs_pass_last;
	if (last && now >= last && now - last < CS_PASS_MIN_NS)
		goto out;
	timeout_ns = (u64)READ_ONCE(csd_timeout_ms) * NSEC_PER_MSEC;
	/* Backward: nothing elapsed. Pause: at most half the timeout. */
	gap = last && now > last ? min(now - last, timeout_ns / 2) : 0;
	cs_pass_last = now;
	cs_pass_no++;
	n = 1U << cs_waits_bits;
	for (i = 0; i < n; i++) {
		struct cs_wait *w = &cs_waits[i];

		if (!READ_ONCE(cs_keys[i]) || !cs_wait_trylock(w))
			continue;
		if (cs_keys[i])
			cs_wait_check(w, gap, timeout_ns);
		cs_wait_unlock(w);
	}
out:
	atomic_set_release(&cs_pass_busy, 0);
out_irq:
	local_irq_restore(flags);
}

static DEFINE_PER_CPU(struct hrtimer, cs_poll_timer);
static int cs_poll_state = -1;	/* cpuhp dynamic state */

/* Hard-IRQ context. */
static enum hrtimer_restart cs_poll_fn(struct hrtimer *timer)
{
	cs_csd_check(0);
	hrtimer_forward_now(timer, ms_to_ktime(csd_poll_ms));
	return HRTIMER_RESTART;
}

/* cpuhp callback, runs on @cpu: its poll timer starts. */
static int cs_poll_online(unsigned int cpu)
{
	struct hrtimer *t = per_cpu_ptr(&cs_poll_timer, cpu);

	cs_hrtimer_setup(t, cs_poll_fn, CLOCK_MONOTONIC,
			 HRTIMER_MODE_REL_PINNED_HARD);
	hrtimer_start(t, ms_to_ktime(csd_poll_ms), HRTIMER_MODE_REL_PINNED_HARD);
	return 0;
}

/* cpuhp callback, runs on @cpu: its poll timer stops (no migration). */
static int cs_poll_offline(unsigned int cpu)
{
	hrtimer_cancel(per_cpu_ptr(&cs_poll_timer, cpu));
	return 0;
}

int cs_detect_init(void)
{
	unsigned int n = max_t(unsigned int, 256,
			       roundup_pow_of_two(nr_cpu_ids * CS_WAITS_PER_CPU));
	int ret;

	cs_waits_bits = ilog2(n);
	cs_waits = kvcalloc(n, sizeof(*cs_waits), GFP_KERNEL);
	cs_keys = kvcalloc(n, sizeof(*cs_keys), GFP_KERNEL);
	cs_rep_ev = kcalloc(CS_REPORT_EV, sizeof(*cs_rep_ev), GFP_KERNEL);
	cs_scratch = kzalloc(sizeof(*cs_scratch), GFP_KERNEL);
	if (!cs_waits || !cs_keys || !cs_rep_ev || !cs_scratch) {
		ret = -ENOMEM;
		goto fail;
	}
	cs_root->csd_timeout_ms = csd_timeout_ms;
	cs_record_reseal();
	WRITE_ONCE(cs_detect_ready, true);
	if (csd_poll_ms) {
		ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN,
					"crashsafe/csd_poll:online",
					cs_poll_online, cs_poll_offline);
		if (ret < 0) {
			WRITE_ONCE(cs_detect_ready, false);
			goto fail;
		}
		cs_poll_state = ret;
	}
	pr_info("CSD wait table: %u slots (%zu bytes)\n", n,
		n * (sizeof(*cs_waits) + sizeof(*cs_keys)));
	return 0;
fail:
	cs_detect_exit();
	return ret;
}

void cs_detect_exit(void)
{
	WRITE_ONCE(cs_detect_ready, false);
	if (cs_poll_state >= 0)
		cpuhp_remove_state(cs_poll_state);
	cs_poll_state = -1;
	/* Hooks and heartbeat are gone (main.c order): nothing runs a pass. */
	kvfree(cs_waits);
	kvfree(cs_keys);
	cs_keys = NULL;
	kfree(cs_rep_ev);
	kfree(cs_scratch);
	cs_waits = NULL;
	cs_rep_ev = NULL;
	cs_scratch = NULL;
}
