// SPDX-License-Identifier: GPL-2.0
/*
 * Buddy hard-lockup detector that needs no PMU.
 *
 * Every online CPU runs a pinned hard-IRQ hrtimer (the heartbeat) every
 * hardlockup_thresh_ms / 5, counts its ticks and stamps its ring's
 * last_heartbeat_seq (for the record only). Each tick also checks the
 * buddy, the next CPU with a running heartbeat, by COUNTS as
 * kernel/watchdog_buddy.c does: a buddy whose tick count has not moved
 * during CS_HB_TICKS of our own ticks cannot take interrupts. No clock is
 * compared across CPUs, so unsynchronised or restarted TSCs and a paused
 * VM (every timer fires once on resume, the counts move together) cannot
 * produce a report. The buddy is then NMI-captured and reported once per
 * episode, and the kernel panics if panic_on_hardlockup is set. hrtimers
 * also fire on tickless idle CPUs, so idle CPUs keep beating.
 *
 * A probe on irq_vectors:local_timer_entry stamps last_irq_seq, giving a
 * lower bound on how long a CPU has gone without a timer interrupt.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/hrtimer.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/percpu.h>
#include <linux/atomic.h>
#include <linux/math64.h>
#include <linux/tracepoint.h>
#include <linux/panic.h>
#include <asm/tsc.h>

#include "crashsafe.h"
#include "compat.h"
#include "csd.h"
#include "seq.h"

static bool hardlockup = true;
module_param(hardlockup, bool, 0444);
MODULE_PARM_DESC(hardlockup, "Enable the buddy hard-lockup detector (default 1)");

static unsigned int hardlockup_thresh_ms = 10000;
module_param(hardlockup_thresh_ms, uint, 0444);
MODULE_PARM_DESC(hardlockup_thresh_ms, "Heartbeat age that counts as a hard lockup (ms, default 10000)");

static bool panic_on_hardlockup;
module_param(panic_on_hardlockup, bool, 0644);
MODULE_PARM_DESC(panic_on_hardlockup, "Panic on a detected hard lockup (default 0)");

#define CS_HB_NMI_TIMEOUT_US	200000
#define CS_HB_TICKS		5	/* own ticks = hardlockup_thresh_ms */

struct cs_hb {
	struct hrtimer timer;
	unsigned long ticks;	/* this CPU's heartbeats; read by its checker */
	unsigned long seen;	/* buddy's ticks at our last check */
	unsigned int buddy;	/* whom seen belongs to */
	unsigned int stale;	/* our ticks since buddy's count moved */
	bool reported;		/* buddy's current episode was reported */
};

static DEFINE_PER_CPU(struct cs_hb, cs_hb);
static struct cpumask cs_hb_cpus;	/* CPUs whose heartbeat runs */
static int cs_hb_state = -1;		/* cpuhp dynamic state */
static struct tracepoint *cs_hb_tp;
static atomic_t cs_lockup_next = ATOMIC_INIT(0);
static u64 cs_hb_period_ns;

/* Any context: convert a seq (TSC) delta to ns. */
static u64 cs_hb_seq_to_ns(u64 delta)
{
	u32 khz = cs_root && cs_root->tsc_khz ? cs_root->tsc_khz : tsc_khz;

	if (!khz)
		return delta;
	return mul_u64_u32_div(delta, 1000000, khz);
}

/* Any context: lower bound on how long @cpu has gone without a timer irq. */
u64 cs_irqs_off_ns(int cpu, u64 now_seq)
{
	struct cs_ring *ring;
	u64 last;

	if (!cs_hb_tp || cpu < 0 || cpu >= nr_cpu_ids)
		return ~0ULL;
	ring = cs_ring_of(cpu);
	if (!ring)
		return ~0ULL;
	last = READ_ONCE(ring->last_irq_seq);
	if (!last)
		return ~0ULL;
	if (now_seq <= last)
		return 0;
	return cs_hb_seq_to_ns(now_seq - last);
}

/* Hard-IRQ context: irq_vectors:local_timer_entry probe. */
static void cs_hb_timer_probe(void *data, int vector)
{
	struct cs_ring *ring = cs_ring_of(raw_smp_processor_id());

	if (ring)
		WRITE_ONCE(ring->last_irq_seq, cs_seq_next(ring));
}

/* Hard-IRQ context: report a stuck buddy (no printk: cs_log only). */
static void cs_hb_report(int cpu, int buddy, u64 now, u64 stuck_ns)
{
	unsigned int idx = atomic_inc_return(&cs_lockup_next) - 1;
	struct cs_lockup *l = idx < CS_MAX_LOCKUPS ? cs_lockup_slot(idx) : NULL;
	struct cs_crash *crash;
	u64 irqs_off = cs_irqs_off_ns(buddy, now);
	bool do_panic = READ_ONCE(panic_on_hardlockup);
	int ret;

	cs_log(KERN_EMERG "watchdog: Watchdog detected hard LOCKUP on cpu %d", buddy);
	cs_log(KERN_ERR "watchdog: cpu %d: no heartbeat for %llu ms, no timer interrupt for %s%llu ms (detected by cpu %d)",
	       buddy, stuck_ns / NSEC_PER_MSEC,
	       irqs_off == ~0ULL ? ">=? " : ">= ",
	       irqs_off == ~0ULL ? 0 : irqs_off / NSEC_PER_MSEC, cpu);
	if (!l) {
		cs_log(KERN_ERR "watchdog: no free lockup slot, cpu %d not captured",
		       buddy);
		if (do_panic)
			panic("Hard LOCKUP on CPU %d", buddy);
		return;
	}

	WRITE_ONCE(l->check, 0);
	l->flags = 0;
	l->cpu = buddy;
	l->detector_cpu = cpu;
	l->reserved = 0;
	l->reserved2 = 0;
	l->detected_seq = now;
	l->stuck_ns = stuck_ns;
	l->irqs_off_ns = irqs_off;
	ret = cs_nmi_capture(buddy, &l->cap, CS_HB_NMI_TIMEOUT_US);
	if (ret == -ETIMEDOUT)
		cs_log(KERN_ERR "watchdog: cpu %d did not answer the NMI within %u ms",
		       buddy, CS_HB_NMI_TIMEOUT_US / 1000);
	else if (ret)
		cs_log(KERN_ERR "watchdog: cpu %d not captured by NMI: error %d",
		       buddy, ret);
	else
		cs_log(KERN_ERR "watchdog: cpu %d RIP: %pS", buddy,
		       (void *)(unsigned long)l->cap.regs.ip);
	l->flags = CS_HANG_VALID | (do_panic ? CS_HANG_PANICKED : 0);
	l->check = CS_SEAL(l, struct cs_lockup);

	if (!do_panic)
		return;
	crash = cs_crash_area();
	if (crash) {
		crash->lockup_index = idx;
		crash->check = CS_SEAL(crash, struct cs_crash);
	}
	panic("Hard LOCKUP on CPU %d", buddy);
}

/* Hard-IRQ context: check the buddy of @cpu by its tick count. */
static void cs_hb_check_buddy(int cpu, u64 now)
{
	struct cs_hb *hb = this_cpu_ptr(&cs_hb);
	unsigned long ticks;
	unsigned int buddy;

	buddy = cs_cpumask_next_other(cpu, &cs_hb_cpus);
	if (buddy >= nr_cpu_ids || buddy == cpu)
		return;
	smp_rmb();	/* the buddy's online beat: see cs_hb_online() */
	ticks = READ_ONCE(per_cpu_ptr(&cs_hb, buddy)->ticks);
	if (buddy != hb->buddy || ticks != hb->seen) {
		/* New buddy (hotplug) or it beat: a new observation. */
		hb->buddy = buddy;
		hb->seen = ticks;
		hb->stale = 0;
		hb->reported = false;
		return;
	}
	if (++hb->stale < CS_HB_TICKS || hb->reported)
		return;
	hb->reported = true;
	cs_hb_report(cpu, buddy, now, hb->stale * cs_hb_period_ns);
}

/* Hard-IRQ context: the heartbeat. */
static enum hrtimer_restart cs_hb_fn(struct hrtimer *t)
{
	int cpu = raw_smp_processor_id();
	struct cs_ring *ring = cs_ring_of(cpu);
	u64 now = ring ? cs_seq_next(ring) : cs_seq_now();

	if (ring)
		WRITE_ONCE(ring->last_heartbeat_seq, now);
	WRITE_ONCE(this_cpu_ptr(&cs_hb)->ticks,
		   this_cpu_ptr(&cs_hb)->ticks + 1);
	cs_csd_check(now);
	if (hardlockup)
		cs_hb_check_buddy(cpu, now);
	hrtimer_forward_now(t, ns_to_ktime(cs_hb_period_ns));
	return HRTIMER_RESTART;
}

/* cpuhp callback, runs on @cpu. */
static int cs_hb_online(unsigned int cpu)
{
	struct cs_hb *hb = per_cpu_ptr(&cs_hb, cpu);

	/*
	 * No timestamp here: the checks compare counts, never clocks. Coming
	 * online counts as a beat, as watchdog_hardlockup_enable() touches a
	 * new CPU: the CPU that checks this one may still hold its count
	 * from before this CPU went offline (buddy unchanged, count
	 * unchanged), and the first heartbeat here is a period away. Without
	 * it a 2-CPU guest whose CPU 1 went offline and online every 1.5 s
	 * (under the 2 s period: its timer never fired) was reported as a
	 * hard LOCKUP 0.4 s after an online.
	 */
	WRITE_ONCE(hb->ticks, hb->ticks + 1);
	hb->buddy = nr_cpu_ids;
	hb->stale = 0;
	hb->reported = false;
	cs_hrtimer_setup(&hb->timer, cs_hb_fn, CLOCK_MONOTONIC,
			 HRTIMER_MODE_REL_PINNED_HARD);
	hrtimer_start(&hb->timer, ns_to_ktime(cs_hb_period_ns),
		      HRTIMER_MODE_REL_PINNED_HARD);
	/* The beat above before checkers see us: pairs with their smp_rmb() */
	smp_wmb();
	cpumask_set_cpu(cpu, &cs_hb_cpus);
	return 0;
}

/* cpuhp callback, runs on @cpu. */
static int cs_hb_offline(unsigned int cpu)
{
	struct cs_hb *hb = per_cpu_ptr(&cs_hb, cpu);

	cpumask_clear_cpu(cpu, &cs_hb_cpus);
	hrtimer_cancel(&hb->timer);
	return 0;
}

int cs_heartbeat_init(void)
{
	int ret;

	if (hardlockup_thresh_ms < 1000)
		hardlockup_thresh_ms = 1000;
	cs_hb_period_ns = (u64)hardlockup_thresh_ms * NSEC_PER_MSEC / 5;

	cs_hb_tp = cs_tracepoint_find("local_timer_entry");
	if (cs_hb_tp && cs_hook_forced_fail(CS_HOOK_TIMER_IRQ)) {
		pr_warn("local_timer_entry probe refused (fail_hooks)\n");
		cs_hb_tp = NULL;
	} else if (cs_hb_tp) {
		ret = tracepoint_probe_register(cs_hb_tp, cs_hb_timer_probe,
						NULL);
		if (ret) {
			pr_warn("local_timer_entry probe failed: %d\n", ret);
			cs_hb_tp = NULL;
		}
	} else {
		pr_warn("tracepoint local_timer_entry not found: irqs-off time unknown\n");
	}

	cs_csd_set_hooks(CS_HOOK_TIMER_IRQ, cs_hb_tp ? CS_HOOK_TIMER_IRQ : 0);

	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "crashsafe/heartbeat:online",
				cs_hb_online, cs_hb_offline);
	if (ret < 0) {
		if (cs_hb_tp) {
			tracepoint_probe_unregister(cs_hb_tp, cs_hb_timer_probe,
						    NULL);
			tracepoint_synchronize_unregister();
			cs_hb_tp = NULL;
		}
		return ret;
	}
	cs_hb_state = ret;
	if (cs_root)
		cs_root->hardlockup_thresh_ms = hardlockup ? hardlockup_thresh_ms : 0;
	cs_record_set_flag(hardlockup ? CS_ROOT_HARDLOCKUP : 0);
	if (hardlockup) {
		pr_info("buddy hard-lockup detector on, threshold %u ms%s\n",
			hardlockup_thresh_ms,
			panic_on_hardlockup ? ", panic on lockup" : "");
	}
	return 0;
}

void cs_heartbeat_exit(void)
{
	if (cs_hb_state >= 0)
		cpuhp_remove_state(cs_hb_state);
	cs_hb_state = -1;
	if (cs_hb_tp) {
		tracepoint_probe_unregister(cs_hb_tp, cs_hb_timer_probe, NULL);
		tracepoint_synchronize_unregister();
		cs_hb_tp = NULL;
	}
}
