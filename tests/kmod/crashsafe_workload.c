// SPDX-License-Identifier: GPL-2.0
/*
 * crashsafe_workload: a CSD/IPI workload generator in the spirit of
 * scftorture (which Debian does not build). Per online CPU, nthreads
 * kthreads bound to that CPU loop over a random mix of
 *
 *   smp_call_function_single(wait=1 and wait=0)
 *   smp_call_function_single_async() on a per-thread csd (-EBUSY respected)
 *   smp_call_function_many() (wait=1 and wait=0, caller excluded)
 *   on_each_cpu_mask() (wait=1 and wait=0, caller included)
 *   smp_call_function_any() (wait=1 and wait=0)
 *
 * with random target CPUs and masks. Every callback does a little work,
 * checks that it runs on a CPU it was sent to, and counts. At the end the
 * number of callbacks that ran is compared with the number that were
 * requested, so a lost or duplicated callback is an error.
 *
 * migrate=1: the workers are not bound to their CPU for good; a mover
 * thread re-pins a random worker to another random CPU every move_us, so a
 * worker is moved off its CPU while it waits for a call whenever the kernel
 * waits with preemption enabled (7.x: smp_call_function_single() and
 * smp_call_function_any() on a preemptible kernel). For those two wait=1
 * calls the callback looks where the waiting task is while it waits (the
 * csd is released only after the callback returns): a waiter found on
 * another CPU than it made the call on counts in "midwait". On kernels
 * that pin the waiter (get_cpu() around the wait: 6.1, 6.12, 6.12-rt)
 * midwait stays 0, the moves land before or after the wait; "migrated"
 * counts the calls that returned on another CPU, for either reason.
 *
 * Results: pr_info "crashsafe_workload: done: N calls, M errors",
 * "crashsafe_workload: migrated: N waits moved mid-wait, M ended on
 * another CPU, K moves" and the read-only parameters done (0 running,
 * 1 finished), calls, errors, callbacks, midwait, migrated, moves under
 * /sys/module/crashsafe_workload/parameters/.
 * duration_s=0 runs until the module is removed.
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
#include <linux/random.h>
#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/preempt.h>
#include <linux/stop_machine.h>
#include <linux/timekeeping.h>
#include <linux/math64.h>

static int duration_s = 60;
module_param(duration_s, int, 0444);
MODULE_PARM_DESC(duration_s, "Seconds to run (0: until unload)");

static int nthreads = 1;
module_param(nthreads, int, 0444);
MODULE_PARM_DESC(nthreads, "Worker threads per online CPU");

static uint opmask = 0x1ff;
module_param(opmask, uint, 0444);
MODULE_PARM_DESC(opmask, "Operations to mix, bit per op (see WL_OP_*), default all");

static int delay_us;
module_param(delay_us, int, 0444);
MODULE_PARM_DESC(delay_us, "Sleep between two calls of a thread (0: cond_resched only)");

static int stat_interval_s = 30;
module_param(stat_interval_s, int, 0444);
MODULE_PARM_DESC(stat_interval_s, "Seconds between progress lines (0: none)");

static int stall_ms;
module_param(stall_ms, int, 0444);
MODULE_PARM_DESC(stall_ms, "Halfway through, stop every CPU with irqs off this long (stop_machine): what a paused and resumed VM looks like from inside (0: off)");

static int migrate;
module_param(migrate, int, 0444);
MODULE_PARM_DESC(migrate, "1: a mover thread re-pins random workers to random CPUs, also mid-wait (0: workers stay bound)");

static int move_us = 2000;
module_param(move_us, int, 0444);
MODULE_PARM_DESC(move_us, "Microseconds between two moves of the mover (migrate=1)");

/* Results, read-only from sysfs. */
static int stalled_ms;
module_param(stalled_ms, int, 0444);
MODULE_PARM_DESC(stalled_ms, "Length of the all-CPU stall made (ms, monotonic clock)");

static int done;
module_param(done, int, 0444);
MODULE_PARM_DESC(done, "1 once the run finished and was checked");

static ulong calls;
module_param(calls, ulong, 0444);
MODULE_PARM_DESC(calls, "smp_call_function*() calls made");

static ulong errors;
module_param(errors, ulong, 0444);
MODULE_PARM_DESC(errors, "Failed checks (0 on a healthy system)");

static ulong callbacks;
module_param(callbacks, ulong, 0444);
MODULE_PARM_DESC(callbacks, "Callbacks that ran");

static ulong midwait;
module_param(midwait, ulong, 0444);
MODULE_PARM_DESC(midwait, "wait=1 calls whose waiter was on another CPU while its callback ran");

static ulong migrated;
module_param(migrated, ulong, 0444);
MODULE_PARM_DESC(migrated, "wait=1 calls that returned on another CPU than they were made on");

static ulong moves;
module_param(moves, ulong, 0444);
MODULE_PARM_DESC(moves, "Workers re-pinned to another CPU by the mover (migrate=1)");

enum wl_op {
	WL_OP_SINGLE_WAIT,	/* smp_call_function_single(wait=1) */
	WL_OP_SINGLE_NOWAIT,	/* smp_call_function_single(wait=0) */
	WL_OP_SINGLE_ASYNC,	/* smp_call_function_single_async() */
	WL_OP_MANY_WAIT,	/* smp_call_function_many(wait=1) */
	WL_OP_MANY_NOWAIT,	/* smp_call_function_many(wait=0) */
	WL_OP_MASK_WAIT,	/* on_each_cpu_mask(wait=1) */
	WL_OP_MASK_NOWAIT,	/* on_each_cpu_mask(wait=0) */
	WL_OP_ANY_WAIT,		/* smp_call_function_any(wait=1) */
	WL_OP_ANY_NOWAIT,	/* smp_call_function_any(wait=0) */
	WL_NR_OPS
};

static const char * const wl_op_names[WL_NR_OPS] = {
	"single_wait", "single_nowait", "single_async", "many_wait",
	"many_nowait", "mask_wait", "mask_nowait", "any_wait", "any_nowait",
};

/* What a callback is told: where it may run, and a hit counter. */
struct wl_req {
	atomic_t hits;
	int expect_cpu;			/* -1: any CPU of mask */
	const struct cpumask *mask;	/* NULL: any CPU */
	struct task_struct *waiter;	/* wait=1: the calling task, or NULL */
	int from;			/* the CPU it made the call on */
	bool moved;			/* the callback found it elsewhere */
};

struct wl_thread {
	struct task_struct *task;
	int cpu;
	u64 rng;
	cpumask_var_t mask;		/* random target mask, this thread only */
	call_single_data_t csd;		/* for smp_call_function_single_async */
	struct wl_req nowait_req;	/* info of every no-wait call */
	u64 calls;
	u64 expected;			/* callbacks this thread asked for */
	u64 errors;
	u64 ebusy;
	u64 offline;
	u64 midwait;			/* waiter moved while it waited */
	u64 migrated;			/* wait=1 calls that ended elsewhere */
	u64 ops[WL_NR_OPS];
};

static struct wl_thread *wl_threads;
static int wl_nr_threads;
static struct task_struct *wl_manager;
static struct task_struct *wl_mover;
static atomic_long_t wl_moves = ATOMIC_LONG_INIT(0);
static unsigned long wl_deadline;
static DEFINE_PER_CPU(u64, wl_handled);
static DEFINE_PER_CPU(u64, wl_sink);
static atomic_long_t wl_handler_errors = ATOMIC_LONG_INIT(0);

/* Hard-IRQ context (or local with interrupts off): the callback. */
static void wl_handler(void *info)
{
	struct wl_req *req = info;
	int cpu = smp_processor_id();
	u64 x = this_cpu_read(wl_sink) ^ cpu;
	int i;

	for (i = 0; i < 16; i++)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	this_cpu_write(wl_sink, x);

	if (req->expect_cpu >= 0 && req->expect_cpu != cpu)
		atomic_long_inc(&wl_handler_errors);
	else if (req->mask && !cpumask_test_cpu(cpu, req->mask))
		atomic_long_inc(&wl_handler_errors);
	/* the waiter still waits: its csd is released after we return */
	if (req->waiter && task_cpu(req->waiter) != req->from)
		WRITE_ONCE(req->moved, true);
	atomic_inc(&req->hits);
	this_cpu_inc(wl_handled);
}

/* Hard-IRQ context: used to flush every CPU's queue at the end. */
static void wl_nop(void *info)
{
}

static u64 wl_rand(struct wl_thread *t)
{
	/* xorshift64*: cheap, per thread, same on every kernel */
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return t->rng * 2685821657736338717ULL;
}

/* The (r mod online)-th online CPU. */
static int wl_pick_cpu(u64 r)
{
	unsigned int k = r % num_online_cpus();
	int cpu;

	for_each_online_cpu(cpu)
		if (k-- == 0)
			return cpu;
	return cpumask_first(cpu_online_mask);
}

static int wl_rand_cpu(struct wl_thread *t)
{
	return wl_pick_cpu(wl_rand(t));
}

static void wl_rand_mask(struct wl_thread *t)
{
	u64 r = wl_rand(t);
	int cpu, bit = 0;

	cpumask_clear(t->mask);
	for_each_online_cpu(cpu) {
		if (r & (1ULL << (bit++ & 63)))
			cpumask_set_cpu(cpu, t->mask);
	}
	if (cpumask_empty(t->mask))
		cpumask_set_cpu(wl_rand_cpu(t), t->mask);
}

/* Callbacks that a many/mask call will run, seen with preemption off. */
static unsigned int wl_count_targets(const struct cpumask *mask, bool self)
{
	unsigned int n = 0;
	int cpu;

	for_each_cpu_and(cpu, mask, cpu_online_mask)
		if (self || cpu != smp_processor_id())
			n++;
	return n;
}

static void wl_check_ret(struct wl_thread *t, int ret, enum wl_op op)
{
	if (!ret)
		return;
	if (ret == -ENXIO) {
		t->offline++;
		return;
	}
	t->errors++;
	pr_err("%s on CPU%d returned %d\n", wl_op_names[op], t->cpu, ret);
}

static void wl_check_hits(struct wl_thread *t, struct wl_req *req,
			  unsigned int want, enum wl_op op)
{
	unsigned int got = atomic_read(&req->hits);

	t->expected += want;
	if (got == want)
		return;
	t->errors++;
	pr_err("%s on CPU%d: %u callbacks ran, %u expected\n",
	       wl_op_names[op], t->cpu, got, want);
}

static void wl_one_op(struct wl_thread *t, enum wl_op op)
{
	struct wl_req req = { .hits = ATOMIC_INIT(0), .expect_cpu = -1 };
	unsigned int n;
	int cpu, ret;

	switch (op) {
	case WL_OP_SINGLE_WAIT:
		cpu = wl_rand_cpu(t);
		req.expect_cpu = cpu;
		req.waiter = current;
		/* raw_: the worker may move (migrate=1), that is the point */
		req.from = raw_smp_processor_id();
		ret = smp_call_function_single(cpu, wl_handler, &req, 1);
		wl_check_ret(t, ret, op);
		if (!ret)
			wl_check_hits(t, &req, 1, op);
		break;
	case WL_OP_SINGLE_NOWAIT:
		/* Legal: the per-CPU csd is used; info outlives the call. */
		cpu = wl_rand_cpu(t);
		ret = smp_call_function_single(cpu, wl_handler, &t->nowait_req, 0);
		wl_check_ret(t, ret, op);
		if (!ret)
			t->expected++;
		break;
	case WL_OP_SINGLE_ASYNC:
		cpu = wl_rand_cpu(t);
		ret = smp_call_function_single_async(cpu, &t->csd);
		if (ret == -EBUSY) {
			t->ebusy++;	/* previous request still in flight */
			break;
		}
		wl_check_ret(t, ret, op);
		if (!ret)
			t->expected++;
		break;
	case WL_OP_MANY_WAIT:
		wl_rand_mask(t);
		req.mask = t->mask;
		preempt_disable();
		n = wl_count_targets(t->mask, false);
		smp_call_function_many(t->mask, wl_handler, &req, true);
		preempt_enable();
		wl_check_hits(t, &req, n, op);
		break;
	case WL_OP_MANY_NOWAIT:
		wl_rand_mask(t);
		preempt_disable();
		t->expected += wl_count_targets(t->mask, false);
		smp_call_function_many(t->mask, wl_handler, &t->nowait_req, false);
		preempt_enable();
		break;
	case WL_OP_MASK_WAIT:
		wl_rand_mask(t);
		req.mask = t->mask;
		preempt_disable();
		n = wl_count_targets(t->mask, true);
		on_each_cpu_mask(t->mask, wl_handler, &req, true);
		preempt_enable();
		wl_check_hits(t, &req, n, op);
		break;
	case WL_OP_MASK_NOWAIT:
		wl_rand_mask(t);
		preempt_disable();
		t->expected += wl_count_targets(t->mask, true);
		on_each_cpu_mask(t->mask, wl_handler, &t->nowait_req, false);
		preempt_enable();
		break;
	case WL_OP_ANY_WAIT:
		wl_rand_mask(t);
		req.mask = t->mask;
		req.waiter = current;
		req.from = raw_smp_processor_id();
		ret = smp_call_function_any(t->mask, wl_handler, &req, 1);
		wl_check_ret(t, ret, op);
		if (!ret)
			wl_check_hits(t, &req, 1, op);
		break;
	case WL_OP_ANY_NOWAIT:
		wl_rand_mask(t);
		ret = smp_call_function_any(t->mask, wl_handler, &t->nowait_req, 0);
		wl_check_ret(t, ret, op);
		if (!ret)
			t->expected++;
		break;
	default:
		return;
	}
	if (req.waiter && raw_smp_processor_id() != req.from)
		t->migrated++;
	if (READ_ONCE(req.moved))
		t->midwait++;
	t->ops[op]++;
	t->calls++;
}

static int wl_worker(void *arg)
{
	struct wl_thread *t = arg;
	unsigned int mask = opmask & ((1u << WL_NR_OPS) - 1);

	while (mask && !kthread_should_stop() &&
	       (!duration_s || time_before(jiffies, wl_deadline))) {
		enum wl_op op = wl_rand(t) % WL_NR_OPS;

		if (mask & (1u << op))
			wl_one_op(t, op);
		if (delay_us)
			usleep_range(delay_us, delay_us + delay_us / 4 + 1);
		else
			cond_resched();
	}
	/* Stay around until the manager collects us. */
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

/*
 * migrate=1: re-pin a random worker to a random other online CPU every
 * move_us. set_cpus_allowed_ptr() moves a running worker through the
 * stopper, i.e. at its next preemption point, mid-wait where the kernel
 * waits preemptibly.
 * Each move holds the CPU hotplug lock: a kthread may be pinned to a CPU
 * that is online but already going down (the kernel allows it for the
 * per-CPU kthreads of hotplug), and a worker pinned there after the
 * scheduler pushed the CPU's tasks away is left on the dying CPU
 * (WARNING in sched_cpu_dying) while the mover waits forever for that
 * CPU's stopper: with hotplug=1 and migrate=1 every guest hung at its
 * first offline, with crashsafe.ko loaded or not.
 */
static int wl_move(void *unused)
{
	u64 rng = get_random_u64() | 1;

	while (!kthread_should_stop() &&
	       (!duration_s || time_before(jiffies, wl_deadline))) {
		struct wl_thread *t;
		int cpu;

		rng ^= rng >> 12;
		rng ^= rng << 25;
		rng ^= rng >> 27;
		t = &wl_threads[(rng * 2685821657736338717ULL) % wl_nr_threads];
		cpus_read_lock();
		cpu = wl_pick_cpu(rng >> 17);
		if (cpu != task_cpu(t->task) &&
		    !set_cpus_allowed_ptr(t->task, cpumask_of(cpu))) {
			WRITE_ONCE(t->cpu, cpu);
			atomic_long_inc(&wl_moves);
		}
		cpus_read_unlock();
		usleep_range(move_us, move_us + move_us / 4 + 1);
	}
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static u64 wl_sum_handled(void)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu(wl_handled, cpu);
	return sum;
}

static void wl_totals(u64 *c, u64 *e, u64 *exp)
{
	int i;

	*c = 0;
	*e = 0;
	*exp = 0;
	for (i = 0; i < wl_nr_threads; i++) {
		*c += READ_ONCE(wl_threads[i].calls);
		*e += READ_ONCE(wl_threads[i].errors);
		*exp += READ_ONCE(wl_threads[i].expected);
	}
	*e += atomic_long_read(&wl_handler_errors);
}

/* Stop the workers, wait for every queued callback, check and report. */
static void wl_finish(void)
{
	u64 c, e, expected, handled, ebusy = 0, offline = 0;
	u64 ops[WL_NR_OPS] = { 0 };
	unsigned long until;
	u64 mig = 0, mid = 0;
	int i, k;

	if (wl_mover) {
		kthread_stop(wl_mover);
		wl_mover = NULL;
	}
	for (i = 0; i < wl_nr_threads; i++)
		if (wl_threads[i].task)
			kthread_stop(wl_threads[i].task);

	/*
	 * The callbacks that were queued with wait=0 all run within a few
	 * ms on a healthy system. Give them 30 s before calling them lost.
	 */
	wl_totals(&c, &e, &expected);
	until = jiffies + 30 * HZ;
	while (wl_sum_handled() < expected && time_before(jiffies, until))
		msleep(20);
	/* Every CPU has left its callbacks once it answered this one. */
	on_each_cpu(wl_nop, NULL, 1);

	handled = wl_sum_handled();
	if (handled != expected) {
		e++;
		pr_err("%llu callbacks ran, %llu were requested\n",
		       handled, expected);
	}
	for (i = 0; i < wl_nr_threads; i++) {
		ebusy += wl_threads[i].ebusy;
		offline += wl_threads[i].offline;
		mig += wl_threads[i].migrated;
		mid += wl_threads[i].midwait;
		for (k = 0; k < WL_NR_OPS; k++)
			ops[k] += wl_threads[i].ops[k];
	}
	for (k = 0; k < WL_NR_OPS; k++)
		pr_info("op %s: %llu\n", wl_op_names[k], ops[k]);
	pr_info("%llu callbacks, %llu async -EBUSY, %llu offline targets\n",
		handled, ebusy, offline);
	pr_info("migrated: %llu waits moved mid-wait, %llu ended on another CPU, %ld moves\n",
		mid, mig, atomic_long_read(&wl_moves));
	pr_info("done: %llu calls, %llu errors\n", c, e);

	midwait = mid;
	migrated = mig;
	moves = atomic_long_read(&wl_moves);
	calls = c;
	errors = e;
	callbacks = handled;
	/* results visible before done: pairs with sysfs readers' ordering */
	smp_wmb();
	WRITE_ONCE(done, 1);
}

/* Every CPU, irqs off (stop_machine): spin @data ms by the clock. */
static int wl_stall_fn(void *data)
{
	u64 end = ktime_get_mono_fast_ns() + (u64)stall_ms * NSEC_PER_MSEC;

	while (ktime_get_mono_fast_ns() < end)
		cpu_relax();
	return 0;
}

/* Stall every online CPU at once for stall_ms, while calls are in flight. */
static void wl_stall_all(void)
{
	u64 t0 = ktime_get_ns();

	pr_info("stalling every CPU with irqs off for %d ms\n", stall_ms);
	stop_machine(wl_stall_fn, NULL, cpu_online_mask);
	stalled_ms = div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC);
	pr_info("stall over: %d ms\n", stalled_ms);
}

static int wl_manage(void *unused)
{
	unsigned long next_stat = jiffies + stat_interval_s * HZ;
	unsigned long stall_at = jiffies + (unsigned long)duration_s * HZ / 2;
	bool stalled = !stall_ms;
	int i;

	for (i = 0; i < wl_nr_threads; i++)
		wake_up_process(wl_threads[i].task);
	if (wl_mover)
		wake_up_process(wl_mover);

	while (!kthread_should_stop() &&
	       (!duration_s || time_before(jiffies, wl_deadline))) {
		msleep_interruptible(200);
		if (!stalled && time_after_eq(jiffies, stall_at)) {
			stalled = true;
			wl_stall_all();
		}
		if (stat_interval_s && time_after_eq(jiffies, next_stat)) {
			u64 c, e, exp;

			wl_totals(&c, &e, &exp);
			calls = c;
			errors = e;
			pr_info("progress: %llu calls, %llu errors\n", c, e);
			next_stat = jiffies + stat_interval_s * HZ;
		}
	}
	wl_finish();

	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static void wl_free_threads(void)
{
	int i;

	for (i = 0; i < wl_nr_threads; i++)
		free_cpumask_var(wl_threads[i].mask);
	kfree(wl_threads);
	wl_threads = NULL;
}

static int __init wl_init(void)
{
	int cpu, i, n = 0, ret;

	if (nthreads < 1 || nthreads > 64 || duration_s < 0 ||
	    delay_us < 0 || stat_interval_s < 0 || stall_ms < 0 ||
	    stall_ms > 60000 || move_us < 10)
		return -EINVAL;

	cpus_read_lock();
	wl_nr_threads = num_online_cpus() * nthreads;
	wl_threads = kcalloc(wl_nr_threads, sizeof(*wl_threads), GFP_KERNEL);
	if (!wl_threads) {
		cpus_read_unlock();
		return -ENOMEM;
	}
	for_each_online_cpu(cpu) {
		for (i = 0; i < nthreads && n < wl_nr_threads; i++, n++) {
			struct wl_thread *t = &wl_threads[n];

			t->cpu = cpu;
			t->rng = get_random_u64() | 1;
			t->nowait_req.expect_cpu = -1;
			INIT_CSD(&t->csd, wl_handler, &t->nowait_req);
			if (!zalloc_cpumask_var(&t->mask, GFP_KERNEL)) {
				ret = -ENOMEM;
				goto fail;
			}
			t->task = kthread_create(wl_worker, t, "cs_wl/%d:%d",
						 cpu, i);
			if (IS_ERR(t->task)) {
				ret = PTR_ERR(t->task);
				t->task = NULL;
				goto fail;
			}
			if (migrate)
				set_cpus_allowed_ptr(t->task, cpumask_of(cpu));
			else
				kthread_bind(t->task, cpu);
		}
	}
	cpus_read_unlock();
	wl_nr_threads = n;

	wl_deadline = jiffies + (unsigned long)duration_s * HZ;
	if (migrate) {
		wl_mover = kthread_create(wl_move, NULL, "cs_wl_mover");
		if (IS_ERR(wl_mover)) {
			ret = PTR_ERR(wl_mover);
			wl_mover = NULL;
			goto fail_unlocked;
		}
	}
	wl_manager = kthread_run(wl_manage, NULL, "cs_wl_manager");
	if (IS_ERR(wl_manager)) {
		ret = PTR_ERR(wl_manager);
		wl_manager = NULL;
		goto fail_unlocked;
	}
	pr_info("started: %d threads on %u CPUs for %d s, opmask 0x%x, migrate %d\n",
		wl_nr_threads, num_online_cpus(), duration_s, opmask, migrate);
	return 0;

fail:
	cpus_read_unlock();
fail_unlocked:
	if (wl_mover) {
		kthread_stop(wl_mover);
		wl_mover = NULL;
	}
	for (i = 0; i < wl_nr_threads; i++)
		if (wl_threads[i].task)
			kthread_stop(wl_threads[i].task);
	wl_free_threads();
	return ret;
}

static void __exit wl_exit(void)
{
	/* The manager stops the workers and drains callbacks if needed. */
	kthread_stop(wl_manager);
	wl_free_threads();
}

module_init(wl_init);
module_exit(wl_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("crashsafe: CSD/IPI workload generator (scftorture-like)");
