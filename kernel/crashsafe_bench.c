// SPDX-License-Identifier: GPL-2.0
/*
 * crashsafe_bench: measures, on every online CPU at once (one bound
 * kthread per CPU, synchronised start):
 *
 *  events: the cost per event of crashsafe's recorder cs_event(), next to
 *          the removed upstream design (v5.13 csdlock_debug=ext,
 *          kernel/smp.c cfd_seq_inc()): one global 64-bit counter advanced
 *          with a cmpxchg loop per event, plus a per-CPU store of the
 *          event. Same number of events, same threads, both called through
 *          a function pointer. @reps back-to-back pairs, alternating
 *          order; medians, minima and the median pair ratio are reported.
 *  ipi:    round trip of smp_call_function_single(next CPU, empty, wait=1),
 *          every CPU sending to the next one; median and minimum of @reps.
 *
 * cs_event is resolved at run time with symbol_get(), so part=ipi works
 * without crashsafe.ko loaded (the IPI cost without the module).
 * Output lines:
 *   bench: recorder_ns_per_event=X baseline_ns_per_event=Y ratio=Y/X
 *   bench: ipi_roundtrip_ns=Z crashsafe_loaded=0|1
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/delay.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/timekeeping.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "crashsafe.h"

static char *part = "all";
module_param(part, charp, 0444);
MODULE_PARM_DESC(part, "What to measure: all, events or ipi");

static ulong events = 200000;
module_param(events, ulong, 0444);
MODULE_PARM_DESC(events, "Events per CPU and repetition");

static ulong ipi_calls = 5000;
module_param(ipi_calls, ulong, 0444);
MODULE_PARM_DESC(ipi_calls, "IPI round trips per CPU and repetition");

static int reps = 9;
module_param(reps, int, 0444);
MODULE_PARM_DESC(reps, "Repetitions (median reported)");

#define BENCH_MAX_REPS	15
#define BENCH_CHUNK	1024	/* events per preemption-off stretch */

typedef void (*bench_event_fn)(u8 type, int src, int dst, unsigned long func,
			       unsigned long csd, unsigned long callsite,
			       u32 aux);

/* ---- the upstream baseline (v5.13 kernel/smp.c, csdlock_debug=ext) ---- */

union bl_seq_cnt {
	u64 val;
	struct {
		u64 src:16;
		u64 dst:16;
		u64 type:4;
		u64 cnt:28;
	} u;
};

struct bl_seq_local {
	u64 seq[CS_EV_MAX];	/* last event of each type, like cfd_seq_local */
	u64 seq_dst[CS_EV_MAX];	/* per-target slot, like cfd_percpu seq_* */
};

static u64 bl_seq ____cacheline_aligned_in_smp;
static DEFINE_PER_CPU(struct bl_seq_local, bl_seq_local);

/* Any context: cfd_seq_inc() as upstream had it. */
static u64 bl_seq_inc(unsigned int src, unsigned int dst, unsigned int type)
{
	union bl_seq_cnt new, old;

	new.val = 0;
	new.u.src = src;
	new.u.dst = dst;
	new.u.type = type;
	do {
		old.val = READ_ONCE(bl_seq);
		new.u.cnt = old.u.cnt + 1;
	} while (cmpxchg(&bl_seq, old.val, new.val) != old.val);

	return old.val;
}

/* Any context: one event of the upstream design (cfd_seq_store()). */
static noinline void bl_event(u8 type, int src, int dst, unsigned long func,
			      unsigned long csd, unsigned long callsite,
			      u32 aux)
{
	struct bl_seq_local *l = this_cpu_ptr(&bl_seq_local);
	u64 v = bl_seq_inc(src, dst, type);

	if (type >= CS_EV_MAX)
		type = 0;
	WRITE_ONCE(l->seq[type], v);
	if (type == CS_EV_QUEUE || type == CS_EV_IPI || type == CS_EV_NOIPI)
		WRITE_ONCE(l->seq_dst[type], v);
}

/* ---- per-CPU runner --------------------------------------------------- */

enum bench_kind { BK_RECORDER, BK_BASELINE, BK_IPI };

struct bench_cpu {
	struct task_struct *task;
	int cpu;
	int dst;
	u64 ns;
	u64 n;
};

static struct bench_cpu *bench_cpus;
static int bench_nr;
static enum bench_kind bench_kind;
static bench_event_fn bench_fn;
static u64 bench_csd_dummy[4];
static atomic_t bench_ready;
static atomic_t bench_left;
static int bench_go;
static DECLARE_COMPLETION(bench_done);

/* Hard-IRQ context: the empty IPI callback. */
static void bench_nop(void *info)
{
}

static void bench_events(struct bench_cpu *b)
{
	bench_event_fn fn = READ_ONCE(bench_fn);
	unsigned long func = (unsigned long)bench_nop;
	unsigned long csd = (unsigned long)&bench_csd_dummy[b->cpu & 3];
	unsigned long site = (unsigned long)bench_events;
	u64 i, t0, t1;
	unsigned int k;

	t0 = ktime_get_ns();
	for (i = 0; i < b->n; i += BENCH_CHUNK) {
		preempt_disable();
		for (k = 0; k < BENCH_CHUNK; k++) {
			/* a sender's queue, ipi; a receiver's gotipi..hdlend */
			fn(CS_EV_QUEUE + (k & 7), b->cpu, b->dst, func, csd,
			   site, 0);
		}
		preempt_enable();
		cond_resched();
	}
	t1 = ktime_get_ns();
	b->n = i;
	b->ns = t1 - t0;
}

static void bench_ipi(struct bench_cpu *b)
{
	u64 i, t0, t1, fails = 0;

	t0 = ktime_get_ns();
	for (i = 0; i < b->n; i++) {
		if (smp_call_function_single(b->dst, bench_nop, NULL, 1))
			fails++;
		if ((i & 255) == 255)
			cond_resched();
	}
	t1 = ktime_get_ns();
	b->ns = t1 - t0;
	if (fails)
		pr_warn("CPU%d: %llu IPI calls failed\n", b->cpu, fails);
}

static int bench_thread(void *arg)
{
	struct bench_cpu *b = arg;

	atomic_inc(&bench_ready);
	while (!READ_ONCE(bench_go))
		cond_resched();
	if (bench_kind == BK_IPI)
		bench_ipi(b);
	else
		bench_events(b);
	if (atomic_dec_and_test(&bench_left))
		complete(&bench_done);
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

/* One measurement on all online CPUs; returns ns per operation (mean). */
static int bench_run(enum bench_kind kind, bench_event_fn fn, u64 n,
		     u64 *ns_per_op)
{
	u64 ns = 0, ops = 0;
	int i, ret = 0;

	bench_kind = kind;
	bench_fn = fn;
	atomic_set(&bench_ready, 0);
	atomic_set(&bench_left, bench_nr);
	WRITE_ONCE(bench_go, 0);
	reinit_completion(&bench_done);

	for (i = 0; i < bench_nr; i++) {
		struct bench_cpu *b = &bench_cpus[i];

		b->n = n;
		b->ns = 0;
		b->task = kthread_create(bench_thread, b, "cs_bench/%d", b->cpu);
		if (IS_ERR(b->task)) {
			ret = PTR_ERR(b->task);
			b->task = NULL;
			break;
		}
		kthread_bind(b->task, b->cpu);
	}
	if (ret) {
		/* threads not yet woken exit at kthread_stop() untouched */
		for (i = 0; i < bench_nr; i++) {
			if (bench_cpus[i].task)
				kthread_stop(bench_cpus[i].task);
			bench_cpus[i].task = NULL;
		}
		return ret;
	}
	for (i = 0; i < bench_nr; i++)
		wake_up_process(bench_cpus[i].task);
	while (atomic_read(&bench_ready) < bench_nr)
		usleep_range(500, 1000);
	WRITE_ONCE(bench_go, 1);
	wait_for_completion(&bench_done);

	for (i = 0; i < bench_nr; i++) {
		kthread_stop(bench_cpus[i].task);
		bench_cpus[i].task = NULL;
		ns += bench_cpus[i].ns;
		ops += bench_cpus[i].n;
	}
	*ns_per_op = ops ? div64_u64(ns, ops) : 0;
	return 0;
}

/* Fixed point with 1/1000 resolution, printed as "I.FFF". */
static u64 bench_per_op_milli(enum bench_kind kind, bench_event_fn fn, u64 n,
			      int *err)
{
	u64 ns = 0, ops = 0;
	int i;

	/* Recompute with more precision than ns/op: sum over all CPUs. */
	*err = bench_run(kind, fn, n, &ns);
	if (*err)
		return 0;
	ns = 0;
	for (i = 0; i < bench_nr; i++) {
		ns += bench_cpus[i].ns;
		ops += bench_cpus[i].n;
	}
	return ops ? div64_u64(ns * 1000, ops) : 0;
}

static int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Median and minimum of v[0..n-1] (v is sorted in place). */
static u64 bench_median(u64 *v, int n, u64 *min)
{
	sort(v, n, sizeof(*v), bench_cmp_u64, NULL);
	*min = v[0];
	return v[n / 2];
}

/* Values are fixed point, 1/1000 units, printed as "I.FFF". */
#define MILLI_FMT	"%llu.%03llu"

static int bench_part_events(void)
{
	u64 rec[BENCH_MAX_REPS], base[BENCH_MAX_REPS], ratio[BENCH_MAX_REPS];
	u64 r, bl, q, rmin, bmin, qmin;
	bench_event_fn rec_fn;
	int i, err = 0;

	rec_fn = symbol_get(cs_event);
	if (!rec_fn) {
		pr_err("bench: cs_event not available (is crashsafe.ko loaded?)\n");
		return -ENOENT;
	}
	/* Back-to-back pairs, alternating which goes first. */
	for (i = 0; i < reps && !err; i++) {
		if (i & 1) {
			base[i] = bench_per_op_milli(BK_BASELINE, bl_event,
						     events, &err);
			if (!err)
				rec[i] = bench_per_op_milli(BK_RECORDER, rec_fn,
							    events, &err);
		} else {
			rec[i] = bench_per_op_milli(BK_RECORDER, rec_fn,
						    events, &err);
			if (!err)
				base[i] = bench_per_op_milli(BK_BASELINE,
							     bl_event, events,
							     &err);
		}
		if (err)
			break;
		ratio[i] = rec[i] ? div64_u64(base[i] * 1000, rec[i]) : 0;
		pr_info("bench: rep %d: recorder " MILLI_FMT " ns/event, baseline "
			MILLI_FMT " ns/event\n", i, rec[i] / 1000, rec[i] % 1000,
			base[i] / 1000, base[i] % 1000);
	}
	symbol_put(cs_event);
	if (err)
		return err;

	r = bench_median(rec, reps, &rmin);
	bl = bench_median(base, reps, &bmin);
	q = bench_median(ratio, reps, &qmin);
	qmin = rmin ? div64_u64(bmin * 1000, rmin) : 0;
	/* ratio: median of the per-pair baseline/recorder ratios */
	pr_info("bench: recorder_ns_per_event=" MILLI_FMT " baseline_ns_per_event="
		MILLI_FMT " ratio=" MILLI_FMT " recorder_min_ns=" MILLI_FMT
		" baseline_min_ns=" MILLI_FMT " ratio_of_min=" MILLI_FMT
		" cpus=%d events_per_cpu=%lu reps=%d\n",
		r / 1000, r % 1000, bl / 1000, bl % 1000, q / 1000, q % 1000,
		rmin / 1000, rmin % 1000, bmin / 1000, bmin % 1000,
		qmin / 1000, qmin % 1000, bench_nr, events, reps);
	return 0;
}

static int bench_part_ipi(void)
{
	u64 v[BENCH_MAX_REPS], m, mn;
	bench_event_fn rec_fn;
	int i, err = 0, loaded;

	if (bench_nr < 2) {
		pr_err("bench: IPI round trip needs 2 online CPUs\n");
		return -EINVAL;
	}
	/* Only to tell whether crashsafe.ko is loaded; not called. */
	rec_fn = symbol_get(cs_event);
	loaded = rec_fn != NULL;
	if (rec_fn)
		symbol_put(cs_event);

	for (i = 0; i < reps && !err; i++) {
		v[i] = bench_per_op_milli(BK_IPI, NULL, ipi_calls, &err);
		if (!err)
			pr_info("bench: rep %d: ipi round trip " MILLI_FMT " ns\n",
				i, v[i] / 1000, v[i] % 1000);
	}
	if (err)
		return err;
	m = bench_median(v, reps, &mn);
	pr_info("bench: ipi_roundtrip_ns=" MILLI_FMT " ipi_roundtrip_min_ns=" MILLI_FMT
		" crashsafe_loaded=%d cpus=%d calls_per_cpu=%lu reps=%d\n",
		m / 1000, m % 1000, mn / 1000, mn % 1000, loaded, bench_nr,
		ipi_calls, reps);
	return 0;
}

static int __init bench_init(void)
{
	bool do_ipi, do_events;
	int cpu, i = 0, ret = 0;

	do_ipi = !strcmp(part, "all") || !strcmp(part, "ipi");
	do_events = !strcmp(part, "all") || !strcmp(part, "events");
	if ((!do_ipi && !do_events) || reps < 1 || reps > BENCH_MAX_REPS ||
	    !events || !ipi_calls)
		return -EINVAL;

	cpus_read_lock();
	bench_nr = num_online_cpus();
	bench_cpus = kcalloc(bench_nr, sizeof(*bench_cpus), GFP_KERNEL);
	if (!bench_cpus) {
		cpus_read_unlock();
		return -ENOMEM;
	}
	for_each_online_cpu(cpu)
		if (i < bench_nr)
			bench_cpus[i++].cpu = cpu;
	bench_nr = i;
	/* each CPU sends to the next one, so every CPU sends and receives */
	for (i = 0; i < bench_nr; i++)
		bench_cpus[i].dst = bench_cpus[(i + 1) % bench_nr].cpu;

	if (do_ipi)
		ret = bench_part_ipi();
	if (!ret && do_events)
		ret = bench_part_events();
	cpus_read_unlock();

	kfree(bench_cpus);
	bench_cpus = NULL;
	return ret;
}

static void __exit bench_exit(void)
{
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("crashsafe: recorder vs global-counter baseline, IPI round trip");
