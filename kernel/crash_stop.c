// SPDX-License-Identifier: GPL-2.0
/*
 * Crash stop: a regular IPI first, an NMI for the rest.
 *
 * x86 stops the other CPUs for kdump with NMIs only, so a CPU may be
 * stopped inside any irq-safe critical section and whatever the crash path
 * needs later can deadlock on it (seed 003). This replaces
 * smp_ops.crash_stop_other_cpus with:
 *
 *  1. a LOCAL_TIMER_VECTOR IPI sent straight through the APIC (no CSD
 *     queue involved; it is what the lapic timer broadcast sends). A CPU
 *     with interrupts on takes it; our irq_vectors:local_timer_entry probe
 *     records its interrupted registers and parks it with interrupts off.
 *     Waits up to stop_ipi_ms.
 *  2. an NMI to every CPU that did not answer: the NMI handler records its
 *     registers and holds the CPU until step 3. Waits up to stop_nmi_ms.
 *  3. seals the per-CPU states and the crash summary, lets the NMI-held
 *     CPUs return and calls the kernel's original stop, which NMIs every
 *     CPU again, writes the NT_PRSTATUS notes and disables virtualization
 *     exactly as the stock path does.
 *
 * stop_ipi_ms=0 skips step 1: the stock NMI-only behaviour.
 * Everything here runs in crash context: no locks, no allocation, no printk.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <linux/kexec.h>
#include <linux/kprobes.h>
#include <linux/rcupdate.h>
#include <asm/smp.h>
#include <asm/apic.h>
#include <asm/nmi.h>
#include <asm/irq_regs.h>
#include <asm/irq_vectors.h>
#include <asm/tsc.h>

#include "crashsafe.h"
#include "seq.h"

static unsigned int stop_ipi_ms = 1000;
module_param(stop_ipi_ms, uint, 0644);
MODULE_PARM_DESC(stop_ipi_ms, "Crash stop: wait for the regular IPI (ms, 0 = NMI only, default 1000)");

static unsigned int stop_nmi_ms = 1000;
module_param(stop_nmi_ms, uint, 0644);
MODULE_PARM_DESC(stop_nmi_ms, "Crash stop: wait for the NMI (ms, default 1000)");

static bool crash_stop = true;
module_param(crash_stop, bool, 0444);
MODULE_PARM_DESC(crash_stop, "Install the IPI-then-NMI crash stop (default 1)");

enum {
	CS_REQ_NONE = 0,
	CS_REQ_IPI,		/* asked to stop by the regular IPI */
	CS_REQ_NMI,		/* asked to stop by NMI */
	CS_REQ_TAKEN,		/* answering right now */
	CS_REQ_DONE,		/* answered */
	CS_REQ_CANCEL,		/* gave up on it */
};

static DEFINE_PER_CPU(atomic_t, cs_stop_req);
static int cs_stop_active;		/* a stop sequence is running */
static int cs_stop_release;		/* NMI-held CPUs may return */
static atomic_t cs_stop_acked;
static u64 cs_stop_start_ns;

static void (*cs_orig_stop)(void);
static struct tracepoint *cs_stop_tp;
static bool cs_stop_nmi_registered;

/* Any context: mono time that is safe in NMI and crash context. */
static u64 cs_stop_now(void)
{
	return ktime_get_mono_fast_ns();
}
NOKPROBE_SYMBOL(cs_stop_now);

/* Hard-IRQ, NMI or crash context: record how @cpu was stopped. */
static void cs_stop_record(int cpu, struct pt_regs *regs, u32 stop, u32 flags)
{
	struct cs_cpu_state *st = cs_cpu_state_of(cpu);

	if (!st)
		return;
	WRITE_ONCE(st->check, 0);
	st->cpu = cpu;
	st->online = 1;
	st->stop = stop;
	st->stop_latency_ns = cs_stop_now() - cs_stop_start_ns;
	cs_capture_regs(&st->cap, regs, flags);
}
NOKPROBE_SYMBOL(cs_stop_record);

/* Hard-IRQ context: irq_vectors:local_timer_entry, the IPI park point. */
static void cs_stop_timer_probe(void *data, int vector)
{
	atomic_t *req;

	if (likely(!READ_ONCE(cs_stop_active)))
		return;
	req = this_cpu_ptr(&cs_stop_req);
	if (atomic_cmpxchg(req, CS_REQ_IPI, CS_REQ_TAKEN) != CS_REQ_IPI)
		return;
	cs_stop_record(raw_smp_processor_id(), get_irq_regs(), CS_STOP_IPI,
		       CS_CAP_IRQ);
	atomic_set_release(req, CS_REQ_DONE);
	atomic_inc(&cs_stop_acked);
	/* Parked with interrupts off until the stock NMI halts us. */
	for (;;)
		cpu_relax();
}
NOKPROBE_SYMBOL(cs_stop_timer_probe);

/* NMI context: the NMI phase of the stop. */
static int cs_stop_nmi(unsigned int type, struct pt_regs *regs)
{
	atomic_t *req;
	int old;

	if (likely(!READ_ONCE(cs_stop_active)))
		return NMI_DONE;
	req = this_cpu_ptr(&cs_stop_req);
	old = atomic_cmpxchg(req, CS_REQ_NMI, CS_REQ_TAKEN);
	if (old == CS_REQ_CANCEL)
		return NMI_HANDLED;	/* our late NMI: not an unknown one */
	if (old != CS_REQ_NMI)
		return NMI_DONE;
	cs_stop_record(raw_smp_processor_id(), regs, CS_STOP_NMI, CS_CAP_NMI);
	atomic_set_release(req, CS_REQ_DONE);
	atomic_inc(&cs_stop_acked);
	/* Hold until the panic CPU is about to send the stock NMI. */
	while (!READ_ONCE(cs_stop_release))
		cpu_relax();
	return NMI_HANDLED;
}
NOKPROBE_SYMBOL(cs_stop_nmi);

/* Crash context: wait up to @ms for @want answers. */
static void cs_stop_wait(int want, unsigned int ms)
{
	u64 deadline = cs_stop_now() + (u64)ms * NSEC_PER_MSEC;

	while (atomic_read(&cs_stop_acked) < want && cs_stop_now() < deadline)
		udelay(10);
}
NOKPROBE_SYMBOL(cs_stop_wait);

/* Crash context: the replacement for smp_ops.crash_stop_other_cpus. */
static void cs_crash_stop_other_cpus(void)
{
	int self = raw_smp_processor_id();
	struct cs_crash *crash = cs_crash_area();
	unsigned int ipi_ms = READ_ONCE(stop_ipi_ms);
	unsigned int nmi_ms = READ_ONCE(stop_nmi_ms);
	u32 nr_ipi = 0, nr_nmi = 0, nr_noanswer = 0;
	int cpu, want = 0;
	u64 now_seq, t_ipi_end, t_nmi_end;
	struct pt_regs regs;

	now_seq = cs_seq_now();
	cs_stop_start_ns = cs_stop_now();
	if (crash) {
		WRITE_ONCE(crash->check, 0);
		crash->flags = CS_CRASH_VALID | CS_CRASH_STOP_RAN |
			       (check_tsc_unstable() ? CS_CRASH_TSC_UNSTABLE : 0);
		crash->panic_cpu = self;
		crash->crash_seq = now_seq;
		crash->crash_realtime_ns = ktime_get_real_fast_ns();
		crash->stop_ipi_ms = ipi_ms;
		crash->stop_nmi_ms = nmi_ms;
	}

	atomic_set(&cs_stop_acked, 0);
	WRITE_ONCE(cs_stop_release, 0);
	for_each_possible_cpu(cpu) {
		struct cs_cpu_state *st = cs_cpu_state_of(cpu);

		/* Time without a timer irq when the crash began. */
		if (st)
			st->irqs_off_ns = cs_irqs_off_ns(cpu, now_seq);
		if (cpu == self || !cpu_online(cpu)) {
			atomic_set(per_cpu_ptr(&cs_stop_req, cpu), CS_REQ_NONE);
			if (!st)
				continue;
			WRITE_ONCE(st->check, 0);
			st->cpu = cpu;
			st->online = cpu_online(cpu);
			st->stop_latency_ns = 0;
			if (cpu == self) {
				st->stop = CS_STOP_PANIC;
				crash_setup_regs(&regs, NULL);
				cs_capture_regs(&st->cap, &regs, 0);
			} else {
				st->stop = CS_STOP_OFFLINE;
				memset(&st->cap, 0, sizeof(st->cap));
				st->cap.cpu = cpu;
			}
			continue;
		}
		if (st) {
			WRITE_ONCE(st->check, 0);
			st->stop = CS_STOP_NONE;
		}
		atomic_set(per_cpu_ptr(&cs_stop_req, cpu),
			   ipi_ms ? CS_REQ_IPI : CS_REQ_NMI);
		want++;
	}
	smp_mb();	/* requests visible before the probes look */
	WRITE_ONCE(cs_stop_active, 1);
	smp_mb();	/* active before the IPIs go out */

	/* 1: the regular IPI, bypassing the CSD machinery. */
	if (ipi_ms && want) {
		for_each_online_cpu(cpu)
			if (cpu != self)
				apic->send_IPI(cpu, LOCAL_TIMER_VECTOR);
		cs_stop_wait(want, ipi_ms);
	}
	t_ipi_end = cs_stop_now();

	/* 2: NMI for whoever did not take the IPI. */
	if (atomic_read(&cs_stop_acked) < want) {
		for_each_online_cpu(cpu) {
			if (cpu == self)
				continue;
			if (atomic_cmpxchg(per_cpu_ptr(&cs_stop_req, cpu),
					   CS_REQ_IPI, CS_REQ_NMI) == CS_REQ_IPI ||
			    atomic_read(per_cpu_ptr(&cs_stop_req, cpu)) ==
			    CS_REQ_NMI)
				apic->send_IPI(cpu, NMI_VECTOR);
		}
		cs_stop_wait(want, nmi_ms);
	}
	t_nmi_end = cs_stop_now();

	/* 3: seal what we know, then the stock shootdown. */
	for_each_possible_cpu(cpu) {
		struct cs_cpu_state *st = cs_cpu_state_of(cpu);
		atomic_t *req = per_cpu_ptr(&cs_stop_req, cpu);
		int old;

		if (!st)
			continue;
		if (cpu != self && cpu_online(cpu)) {
			old = atomic_cmpxchg(req, CS_REQ_NMI, CS_REQ_CANCEL);
			if (old == CS_REQ_IPI)
				old = atomic_cmpxchg(req, CS_REQ_IPI,
						     CS_REQ_CANCEL);
			if (old == CS_REQ_NMI || old == CS_REQ_IPI) {
				WRITE_ONCE(st->check, 0);
				st->cpu = cpu;
				st->online = 1;
				st->stop = CS_STOP_NOANSWER;
				st->stop_latency_ns = 0;
				memset(&st->cap, 0, sizeof(st->cap));
				st->cap.cpu = cpu;
				st->cap.flags = CS_CAP_TIMEOUT;
				nr_noanswer++;
			} else if (old == CS_REQ_TAKEN) {
				/* Answering right now: give it a moment. */
				u64 until = cs_stop_now() + NSEC_PER_MSEC;

				while (atomic_read(req) == CS_REQ_TAKEN &&
				       cs_stop_now() < until)
					cpu_relax();
			}
			if (st->stop == CS_STOP_IPI)
				nr_ipi++;
			else if (st->stop == CS_STOP_NMI)
				nr_nmi++;
		}
		st->check = CS_SEAL(st, struct cs_cpu_state);
	}
	if (crash) {
		crash->ipi_phase_ns = t_ipi_end - cs_stop_start_ns;
		crash->nmi_phase_ns = t_nmi_end - t_ipi_end;
		crash->nr_ipi = nr_ipi;
		crash->nr_nmi = nr_nmi;
		crash->nr_noanswer = nr_noanswer;
		crash->check = CS_SEAL(crash, struct cs_crash);
	}
	cs_log(KERN_EMERG "crash stop on cpu %d: %u by IPI, %u by NMI, %u no answer (IPI phase %llu us, NMI phase %llu us)",
	       self, nr_ipi, nr_nmi, nr_noanswer,
	       (t_ipi_end - cs_stop_start_ns) / NSEC_PER_USEC,
	       (t_nmi_end - t_ipi_end) / NSEC_PER_USEC);

	smp_mb();	/* sealed states before releasing NMI-held CPUs */
	WRITE_ONCE(cs_stop_release, 1);
	if (cs_orig_stop)
		cs_orig_stop();
}
NOKPROBE_SYMBOL(cs_crash_stop_other_cpus);

int cs_crash_stop_init(void)
{
	int ret;

	if (cs_root) {
		cs_root->stop_ipi_ms = stop_ipi_ms;
		cs_root->stop_nmi_ms = stop_nmi_ms;
	}
	if (!crash_stop || !smp_ops.crash_stop_other_cpus) {
		if (crash_stop)
			pr_warn("no crash_stop_other_cpus to replace\n");
		cs_record_set_flag(0);
		return 0;
	}

	ret = register_nmi_handler(NMI_LOCAL, cs_stop_nmi, 0, "crashsafe_stop");
	if (ret)
		return ret;
	cs_stop_nmi_registered = true;

	cs_stop_tp = cs_tracepoint_find("local_timer_entry");
	if (cs_stop_tp &&
	    tracepoint_probe_register(cs_stop_tp, cs_stop_timer_probe, NULL))
		cs_stop_tp = NULL;
	if (!cs_stop_tp) {
		pr_warn("local_timer_entry not hooked: crash stop is NMI only\n");
		stop_ipi_ms = 0;
	}
	cs_record_set_hooks(CS_HOOK_STOP_IPI_VECTOR,
			    cs_stop_tp ? CS_HOOK_STOP_IPI_VECTOR : 0);

	cs_orig_stop = smp_ops.crash_stop_other_cpus;
	WRITE_ONCE(smp_ops.crash_stop_other_cpus, cs_crash_stop_other_cpus);
	cs_record_set_flag(CS_ROOT_CRASH_STOP);
	pr_info("crash stop installed: IPI %u ms, then NMI %u ms\n",
		stop_ipi_ms, stop_nmi_ms);
	return 0;
}

/*
 * Unload is safe by construction rather than by pinning the module (a
 * pinned module could never be unloaded, which the tests and DKMS
 * upgrades need). A CPU runs cs_crash_stop_other_cpus() with interrupts
 * disabled from before it loads smp_ops.crash_stop_other_cpus until it
 * jumps into the capture kernel (panic() and native_machine_crash_shutdown()
 * disable them first). Interrupts-off code is an RCU read-side critical
 * section, so once the pointer is restored, synchronize_rcu() returns only
 * when no CPU can still be in, or about to enter, our stop: one that is
 * never lets the grace period end, and its stop sequence halts this CPU
 * (parked by the stop IPI or held by NMI) inside synchronize_rcu(), before
 * anything is freed. cs_orig_stop stays set until then, for such a CPU.
 * The NMI handler and the timer probe are covered by
 * unregister_nmi_handler() and tracepoint_synchronize_unregister(), which
 * wait the same way. Every later stage of module exit runs after this.
 */
void cs_crash_stop_exit(void)
{
	if (cs_orig_stop &&
	    smp_ops.crash_stop_other_cpus == cs_crash_stop_other_cpus) {
		WRITE_ONCE(smp_ops.crash_stop_other_cpus, cs_orig_stop);
		synchronize_rcu();
	}
	cs_orig_stop = NULL;
	if (cs_stop_tp) {
		tracepoint_probe_unregister(cs_stop_tp, cs_stop_timer_probe,
					    NULL);
		tracepoint_synchronize_unregister();
		cs_stop_tp = NULL;
	}
	if (cs_stop_nmi_registered) {
		unregister_nmi_handler(NMI_LOCAL, "crashsafe_stop");
		cs_stop_nmi_registered = false;
	}
}
