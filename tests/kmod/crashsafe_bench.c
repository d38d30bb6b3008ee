// SPDX-License-Identifier: GPL-2.0
/*
 * crashsafe_bench: measures, on every online CPU at once (one bound
 * kthread per CPU, synchronised start):
 *
 *  events: the cost per event of crashsafe's recorder cs_event(), next to
 *          the removed upstream design (v5.13 csdlock_debug=ext,
 *          kernel/smp.c cfd_seq_inc()): one global 64-bit counter advanced
 *          with a cmpxchg loop per event, plus a per-CPU store of the
 *          event. Next to them, copies of the recorder's hot path cut into
 *          cumulative parts (writing to rings of this module, not
 *          crashsafe's):
 *            call      an empty function: the indirect call and loop
 *            rdtsc     call + rdtsc_ordered() alone, nothing stored
 *            store     call + preempt off/on, ring lookup, reservation,
 *                        the entry's stores (seq = slot number, check 1)
 *            tsc       + seq = rdtsc_ordered()
 *            seq       + cs_seq_next() (tsc + per-CPU monotonic fix)
 *            check10   + the record 1.0 check (6 cs_mix64 rounds over the
 *                        entry read back) and src..cpu, aux, check as
 *                        7 narrow stores: the 1.0 cs_event
 *            narrow    seq + the 1.1 check, src..cpu and aux, check as 7
 *                        narrow stores as in 1.0
 *            check11   seq + the 1.1 check (fold + 1 round over the values
 *                        in registers), src..cpu as one 8-byte store and
 *                        aux with the check as another: the 1.1 cs_event
 *            nopreempt check11 without preempt_disable/enable
 *          All called through a function pointer, all interleaved in
 *          lockstep: in each round every CPU runs BENCH_CHUNK events of
 *          each variant, in a per-round shuffled order, with a barrier
 *          before each chunk (all CPUs record the same variant at once,
 *          so the baseline's counter is contended), each chunk timed on
 *          its own. Per repetition a variant's cost is the median over
 *          rounds; reported: medians and minima over @reps repetitions and
 *          the median of same-repetition ratios.
 *  ipi:    round trip of smp_call_function_single(next CPU, empty, wait=1),
 *          every CPU sending to the next one; median and minimum of @reps.
 *
 * cs_event is resolved at run time with symbol_get(), so part=ipi works
 * without crashsafe.ko loaded (the IPI cost without the module).
 * Output lines:
 *   bench: recorder_ns_per_event=X baseline_ns_per_event=Y ratio=Y/X ...
 *   bench: variant=V ns_per_event=X min_ns=M base_ratio=Y/X rec_ratio=X/R
 *          (one per variant, recorder and baseline included; ratios are
 *          medians of same-repetition ratios, R = recorder, Y = baseline)
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
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/minmax.h>
#include <asm/local.h>

#include "crashsafe.h"
#include "seq.h"

static char *part = "all";
module_param(part, charp, 0444);
MODULE_PARM_DESC(part, "What to measure: all, events or ipi");

static ulong events = 200000;
module_param(events, ulong, 0444);
MODULE_PARM_DESC(events, "Events per CPU, variant and repetition (rounded down to 1024s)");

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

/* ---- the recorder's hot path in parts --------------------------------- */

#define BV_ENTRIES	4096	/* crashsafe's default ring_size */

static DEFINE_PER_CPU(struct cs_ring *, bv_ring);

enum {
	BVF_TSC		= 1 << 0,
	BVF_SEQ		= 1 << 1,
	BVF_CHECK10	= 1 << 2,
	BVF_CHECK11	= 1 << 3,
	BVF_NOPREEMPT	= 1 << 4,
	BVF_NARROW	= 1 << 5,	/* src..cpu as 5 stores, as in 1.0 */
};


static __always_inline u16 bv_cpu16(int cpu)
{
	return cpu < 0 || cpu >= CS_NO_CPU ? CS_NO_CPU : (u16)cpu;
}

/* Any context: a copy of cs_event() with the parts selected by @f. */
static __always_inline void bv_body(unsigned int f, u8 type, int src, int dst,
				    unsigned long func, unsigned long csd,
				    unsigned long callsite, u32 aux)
{
	u16 s16 = bv_cpu16(src), d16 = bv_cpu16(dst), cpu;
	struct cs_event *e;
	struct cs_ring *r;
	unsigned long n;
	u64 seq, word;
	u32 chk;
	u8 ctx;

	if (!(f & BVF_NOPREEMPT))
		preempt_disable_notrace();
	r = this_cpu_read(bv_ring);
	if (unlikely(!r))
		goto out;
	cpu = (u16)r->cpu;
	n = local_add_return(1, (local_t *)&r->head) - 1;
	e = &r->ev[n & (r->nr_entries - 1)];
	WRITE_ONCE(e->check, 0);
	barrier();
	if (f & BVF_SEQ)
		seq = cs_seq_next(r);
	else if (f & BVF_TSC)
		seq = rdtsc_ordered();
	else
		seq = n + 1;
	ctx = cs_ctx();
	e->seq = seq;
	e->func = func;
	e->csd = csd;
	e->callsite = callsite;
	if (f & BVF_NARROW) {
		e->src = s16;
		e->dst = d16;
		e->type = type;
		e->ctx = ctx;
		e->cpu = cpu;
		e->aux = aux;
		barrier();
		if (f & BVF_CHECK10)
			chk = cs_event_check_v1_0(e);
		else
			chk = cs_event_check_vals(seq, func, csd, callsite,
						  cs_event_word(s16, d16, type,
								ctx, cpu), aux);
		WRITE_ONCE(e->check, chk);
	} else {
		word = cs_event_word(s16, d16, type, ctx, cpu);
		*(u64 *)&e->src = word;
		barrier();
		chk = f & BVF_CHECK11 ?
		      cs_event_check_vals(seq, func, csd, callsite, word, aux) :
		      1;
		WRITE_ONCE(*(u64 *)&e->aux, (u64)aux | (u64)chk << 32);
	}
out:
	if (!(f & BVF_NOPREEMPT))
		preempt_enable_notrace();
}

#define BV_FN(name, flags)						\
static noinline notrace void bv_##name(u8 type, int src, int dst,	\
				       unsigned long func,		\
				       unsigned long csd,		\
				       unsigned long callsite, u32 aux)	\
{									\
	bv_body(flags, type, src, dst, func, csd, callsite, aux);	\
}

/* Any context: the bench's hot-path parts (see the top of this file). */
BV_FN(store, 0)
BV_FN(tsc, BVF_TSC)
BV_FN(seq, BVF_SEQ)
BV_FN(check10, BVF_SEQ | BVF_CHECK10 | BVF_NARROW)
BV_FN(narrow, BVF_SEQ | BVF_CHECK11 | BVF_NARROW)
BV_FN(check11, BVF_SEQ | BVF_CHECK11)
BV_FN(nopreempt, BVF_SEQ | BVF_CHECK11 | BVF_NOPREEMPT)

/* Any context: the call alone. */
static noinline notrace void bv_call(u8 type, int src, int dst,
				     unsigned long func, unsigned long csd,
				     unsigned long callsite, u32 aux)
{
	barrier();
}

/* Any context: the call and a TSC read (asm volatile: not optimised out). */
static noinline notrace void bv_rdtsc(u8 type, int src, int dst,
				      unsigned long func, unsigned long csd,
				      unsigned long callsite, u32 aux)
{
	rdtsc_ordered();
}

enum bench_variant {
	BV_RECORDER, BV_BASELINE, BV_CALL, BV_RDTSC, BV_STORE, BV_TSC, BV_SEQ,
	BV_CHECK10, BV_NARROW, BV_CHECK11, BV_NOPREEMPT, BV_MAX
};

static const char * const bv_names[BV_MAX] = {
	[BV_RECORDER]	= "recorder",
	[BV_BASELINE]	= "baseline",
	[BV_CALL]	= "call",
	[BV_RDTSC]	= "rdtsc",
	[BV_STORE]	= "store",
	[BV_TSC]	= "tsc",
	[BV_SEQ]	= "seq",
	[BV_CHECK10]	= "check10",
	[BV_NARROW]	= "narrow",
	[BV_CHECK11]	= "check11",
	[BV_NOPREEMPT]	= "nopreempt",
};

/* ---- per-CPU runner --------------------------------------------------- */

enum bench_kind { BK_EVENTS, BK_IPI };

struct bench_cpu {
	struct task_struct *task;
	int cpu;
	int dst;
	u64 ns;
	u64 n;
	u64 *chunk_ns;		/* BK_EVENTS: [BV_MAX][n] chunk times */
};

static struct bench_cpu *bench_cpus;
static int bench_nr;
static enum bench_kind bench_kind;
static bench_event_fn bench_fns[BV_MAX];
static u8 *bench_order;		/* BK_EVENTS: [n][BV_MAX] variant order */
static atomic_t bench_bar_count;
static int bench_bar_sense;
static u64 bench_csd_dummy[4];
static atomic_t bench_ready;
static atomic_t bench_left;
static int bench_go;
static DECLARE_COMPLETION(bench_done);

/* Hard-IRQ context: the empty IPI callback. */
static void bench_nop(void *info)
{
}

/* Process context: wait until every bench thread has arrived. */
static void bench_barrier(int *sense)
{
	*sense = !*sense;
	if (atomic_inc_return(&bench_bar_count) == bench_nr) {
		atomic_set(&bench_bar_count, 0);
		/* release: the count reset is seen before the flip */
		smp_store_release(&bench_bar_sense, *sense);
		return;
	}
	/*
	 * acquire: pairs with the last arriver's release. cond_resched():
	 * with voluntary preemption a spinning kthread would otherwise keep
	 * the stopper thread (stop_machine, e.g. a clocksource change) off
	 * this CPU while another CPU's stopper waits for it: deadlock.
	 */
	while (smp_load_acquire(&bench_bar_sense) != *sense) {
		cpu_relax();
		cond_resched();
	}
}

/*
 * All variants interleaved in lockstep: in round r every thread runs
 * BENCH_CHUNK events of each variant in the order bench_order[r], with a
 * barrier before each chunk, so all CPUs record the same variant at the
 * same time (the baseline's counter is contended as in real use) and host
 * interference, which comes in bursts far longer than a chunk, falls on
 * every variant alike. Each chunk is timed on its own.
 */
static void bench_events(struct bench_cpu *b)
{
	unsigned long func = (unsigned long)bench_nop;
	unsigned long csd = (unsigned long)&bench_csd_dummy[b->cpu & 3];
	unsigned long site = (unsigned long)bench_events;
	int sense = READ_ONCE(bench_bar_sense);
	unsigned int j, k;
	bench_event_fn fn;
	u64 r, t0;
	u8 v;

	for (r = 0; r < b->n; r++) {
		for (j = 0; j < BV_MAX; j++) {
			v = bench_order[r * BV_MAX + j];
			fn = bench_fns[v];
			bench_barrier(&sense);
			preempt_disable();
			t0 = ktime_get_ns();
			for (k = 0; k < BENCH_CHUNK; k++) {
				/* a sender's queue, ipi; a receiver's gotipi.. */
				fn(CS_EV_QUEUE + (k & 7), b->cpu, b->dst, func,
				   csd, site, 0);
			}
			b->chunk_ns[v * b->n + r] = ktime_get_ns() - t0;
			preempt_enable();
		}
		cond_resched();
	}
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
static int bench_run(enum bench_kind kind, u64 n, u64 *ns_per_op)
{
	u64 ns = 0, ops = 0;
	int i, ret = 0;

	bench_kind = kind;
	atomic_set(&bench_ready, 0);
	atomic_set(&bench_bar_count, 0);
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
static u64 bench_per_op_milli(enum bench_kind kind, u64 n, int *err)
{
	u64 ns = 0, ops = 0;
	int i;

	/* Recompute with more precision than ns/op: sum over all CPUs. */
	*err = bench_run(kind, n, &ns);
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

/* Process context: the bench's own rings, one per measured CPU. */
static int bv_rings_alloc(void)
{
	size_t size = sizeof(struct cs_ring) +
		      BV_ENTRIES * sizeof(struct cs_event);
	struct cs_ring *r;
	int i;

	for (i = 0; i < bench_nr; i++) {
		r = alloc_pages_exact(size, GFP_KERNEL | __GFP_ZERO);
		if (!r)
			return -ENOMEM;
		r->cpu = bench_cpus[i].cpu;
		r->nr_entries = BV_ENTRIES;
		r->entry_size = sizeof(struct cs_event);
		per_cpu(bv_ring, bench_cpus[i].cpu) = r;
	}
	return 0;
}

static void bv_rings_free(void)
{
	size_t size = sizeof(struct cs_ring) +
		      BV_ENTRIES * sizeof(struct cs_event);
	int i;

	for (i = 0; i < bench_nr; i++) {
		int cpu = bench_cpus[i].cpu;

		if (per_cpu(bv_ring, cpu))
			free_pages_exact(per_cpu(bv_ring, cpu), size);
		per_cpu(bv_ring, cpu) = NULL;
	}
}

/* ns/event of every variant and repetition (1/1000 ns), and ratios */
static u64 bv_res[BV_MAX][BENCH_MAX_REPS];
static u64 bv_tmp[BENCH_MAX_REPS];

/* Median (and min) over repetitions of num[i] * 1000 / den[i]. */
static u64 bv_ratio_median(const u64 *num, const u64 *den, u64 *min)
{
	int i;

	for (i = 0; i < reps; i++)
		bv_tmp[i] = den[i] ? div64_u64(num[i] * 1000, den[i]) : 0;
	return bench_median(bv_tmp, reps, min);
}

static int bench_part_events(void)
{
	u64 *rec = bv_res[BV_RECORDER], *base = bv_res[BV_BASELINE];
	u64 r, bl, q, rmin, bmin, qmin, v, vmin, br, rr, dummy, sum;
	u64 rounds = max_t(u64, 1, events / BENCH_CHUNK), *rtmp = NULL;
	int i, j, k, t, err = 0;
	u32 rnd = 0x9e3779b9;
	u64 n;

	bench_fns[BV_BASELINE] = bl_event;
	bench_fns[BV_CALL] = bv_call;
	bench_fns[BV_RDTSC] = bv_rdtsc;
	bench_fns[BV_STORE] = bv_store;
	bench_fns[BV_TSC] = bv_tsc;
	bench_fns[BV_SEQ] = bv_seq;
	bench_fns[BV_CHECK10] = bv_check10;
	bench_fns[BV_NARROW] = bv_narrow;
	bench_fns[BV_CHECK11] = bv_check11;
	bench_fns[BV_NOPREEMPT] = bv_nopreempt;
	bench_fns[BV_RECORDER] = symbol_get(cs_event);
	if (!bench_fns[BV_RECORDER]) {
		pr_err("bench: cs_event not available (is crashsafe.ko loaded?)\n");
		return -ENOENT;
	}
	bench_order = kvmalloc_array(rounds, BV_MAX, GFP_KERNEL);
	rtmp = kvmalloc_array(rounds, sizeof(u64), GFP_KERNEL);
	err = bench_order && rtmp ? bv_rings_alloc() : -ENOMEM;
	for (t = 0; t < bench_nr && !err; t++) {
		bench_cpus[t].chunk_ns = kvcalloc(rounds * BV_MAX, sizeof(u64),
						  GFP_KERNEL);
		if (!bench_cpus[t].chunk_ns)
			err = -ENOMEM;
	}
	for (i = 0; i < reps && !err; i++) {
		/* every round: each variant once, order shuffled (xorshift32) */
		for (n = 0; n < rounds; n++) {
			u8 *o = &bench_order[n * BV_MAX];

			for (j = 0; j < BV_MAX; j++)
				o[j] = j;
			for (j = BV_MAX - 1; j > 0; j--) {
				rnd ^= rnd << 13;
				rnd ^= rnd >> 17;
				rnd ^= rnd << 5;
				k = rnd % (j + 1);
				swap(o[j], o[k]);
			}
		}
		err = bench_run(BK_EVENTS, rounds, &dummy);
		if (err)
			break;
		/* per variant: median over rounds of the all-CPU mean chunk */
		for (k = 0; k < BV_MAX; k++) {
			for (n = 0; n < rounds; n++) {
				sum = 0;
				for (t = 0; t < bench_nr; t++)
					sum += bench_cpus[t].chunk_ns[k * rounds + n];
				rtmp[n] = div64_u64(sum * 1000,
						    (u64)bench_nr * BENCH_CHUNK);
			}
			bv_res[k][i] = bench_median(rtmp, (int)rounds, &dummy);
		}
		pr_info("bench: rep %d: recorder " MILLI_FMT " ns/event, baseline "
			MILLI_FMT " ns/event\n", i, rec[i] / 1000, rec[i] % 1000,
			base[i] / 1000, base[i] % 1000);
		pr_info("bench: rep %d: parts call=" MILLI_FMT " rdtsc=" MILLI_FMT
			" store=" MILLI_FMT " tsc=" MILLI_FMT " seq=" MILLI_FMT
			" check10=" MILLI_FMT " narrow=" MILLI_FMT " check11="
			MILLI_FMT " nopreempt=" MILLI_FMT "\n", i,
			bv_res[BV_CALL][i] / 1000, bv_res[BV_CALL][i] % 1000,
			bv_res[BV_RDTSC][i] / 1000, bv_res[BV_RDTSC][i] % 1000,
			bv_res[BV_STORE][i] / 1000, bv_res[BV_STORE][i] % 1000,
			bv_res[BV_TSC][i] / 1000, bv_res[BV_TSC][i] % 1000,
			bv_res[BV_SEQ][i] / 1000, bv_res[BV_SEQ][i] % 1000,
			bv_res[BV_CHECK10][i] / 1000, bv_res[BV_CHECK10][i] % 1000,
			bv_res[BV_NARROW][i] / 1000, bv_res[BV_NARROW][i] % 1000,
			bv_res[BV_CHECK11][i] / 1000, bv_res[BV_CHECK11][i] % 1000,
			bv_res[BV_NOPREEMPT][i] / 1000,
			bv_res[BV_NOPREEMPT][i] % 1000);
	}
	symbol_put(cs_event);
	bv_rings_free();
	for (t = 0; t < bench_nr; t++) {
		kvfree(bench_cpus[t].chunk_ns);
		bench_cpus[t].chunk_ns = NULL;
	}
	kvfree(bench_order);
	bench_order = NULL;
	kvfree(rtmp);
	if (err)
		return err;

	/* ratios first: bench_median() sorts its argument in place */
	q = bv_ratio_median(base, rec, &dummy);
	for (k = 0; k < BV_MAX; k++) {
		br = bv_ratio_median(base, bv_res[k], &dummy);
		rr = bv_ratio_median(bv_res[k], rec, &dummy);
		memcpy(bv_tmp, bv_res[k], reps * sizeof(u64));
		v = bench_median(bv_tmp, reps, &vmin);
		pr_info("bench: variant=%s ns_per_event=" MILLI_FMT " min_ns="
			MILLI_FMT " base_ratio=" MILLI_FMT " rec_ratio=" MILLI_FMT
			"\n", bv_names[k], v / 1000, v % 1000, vmin / 1000,
			vmin % 1000, br / 1000, br % 1000, rr / 1000, rr % 1000);
	}
	r = bench_median(rec, reps, &rmin);
	bl = bench_median(base, reps, &bmin);
	qmin = rmin ? div64_u64(bmin * 1000, rmin) : 0;
	/* ratio: median of the per-repetition baseline/recorder ratios */
	pr_info("bench: recorder_ns_per_event=" MILLI_FMT " baseline_ns_per_event="
		MILLI_FMT " ratio=" MILLI_FMT " recorder_min_ns=" MILLI_FMT
		" baseline_min_ns=" MILLI_FMT " ratio_of_min=" MILLI_FMT
		" cpus=%d events_per_cpu=%llu reps=%d\n",
		r / 1000, r % 1000, bl / 1000, bl % 1000, q / 1000, q % 1000,
		rmin / 1000, rmin % 1000, bmin / 1000, bmin % 1000,
		qmin / 1000, qmin % 1000, bench_nr, rounds * BENCH_CHUNK, reps);
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
		v[i] = bench_per_op_milli(BK_IPI, ipi_calls, &err);
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
	    !events || events > (1UL << 27) || !ipi_calls)
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
