// SPDX-License-Identifier: GPL-2.0
/*
 * crashsafe_test_deadlock: deadlock two CPUs on purpose (test only, never
 * unload). Each mode binds one kthread to CPU @cpu_a and one to CPU @cpu_b:
 *
 *   mode=abba     A takes cs_abba_lock_a then cs_abba_lock_b, B takes them
 *                 in the opposite order, both with interrupts off: both
 *                 CPUs hard-lock, each spinning on the lock the other holds.
 *   mode=lockcsd  A holds cs_lockcsd_lock (preemption off) and waits in
 *                 smp_call_function_single(B); B spins on that lock with
 *                 interrupts off, so it never runs A's callback. A keeps
 *                 interrupts on: crashsafe checks a sender's CSDs from the
 *                 sender's own heartbeat timer, so with interrupts off on A
 *                 only the hard-lockup detector could see it.
 *   mode=percpu   the same as abba through a per-CPU lock, cs_pcpu_lock:
 *                 A holds its own instance and takes B's, B holds its own
 *                 and takes A's (the seed 004 shape: a CPU waits for the
 *                 per-CPU lock of another CPU).
 *
 * Before wedging, every kthread prints its pid, comm, CPU and the address
 * and name of each lock it holds and waits for: the tests' ground truth.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/spinlock.h>
#include <linux/percpu.h>
#include <linux/delay.h>
#include <linux/cpumask.h>
#include <linux/smp.h>
#include <linux/sched.h>
#include <linux/atomic.h>
#include <asm/mmu.h>

static char *mode = "abba";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "abba | lockcsd | percpu");

static int cpu_a = 1;
module_param(cpu_a, int, 0444);
MODULE_PARM_DESC(cpu_a, "CPU of the first party (abba: takes lock a first; lockcsd: holds the lock and sends)");

static int cpu_b = 2;
module_param(cpu_b, int, 0444);
MODULE_PARM_DESC(cpu_b, "CPU of the second party");

static unsigned int delay_ms = 1000;
module_param(delay_ms, uint, 0444);
MODULE_PARM_DESC(delay_ms, "wait before wedging, so that insmod can finish (its TLB flush IPIs every CPU)");

/* raw: on PREEMPT_RT a spinlock_t sleeps and leaves interrupts on. */
static DEFINE_RAW_SPINLOCK(cs_abba_lock_a);
static DEFINE_RAW_SPINLOCK(cs_abba_lock_b);
static DEFINE_RAW_SPINLOCK(cs_lockcsd_lock);
static DEFINE_PER_CPU(raw_spinlock_t, cs_pcpu_lock);
/* lockcsd: read at run time, so the compiler cannot fold the pointer. */
static raw_spinlock_t *cs_lockcsd_lockp = &cs_lockcsd_lock;

/* Both parties hold their first lock: now take the second one. */
static atomic_t cs_dl_holding = ATOMIC_INIT(0);
/* lockcsd: B has interrupts off and is about to spin on the lock. */
static int cs_lockcsd_b_spinning;

/*
 * Interrupts off: drop the user mm this kthread borrowed lazily, so that
 * TLB flushes of that mm do not wait for the wedged CPU (as in
 * crashsafe_test_lockup.c). leave_mm() takes the CPU before v6.8.
 */
static void cs_dl_leave_mm(void)
{
	void (*leave)(int cpu) = (void (*)(int))(void *)leave_mm;

	leave(raw_smp_processor_id());
}

/* Ground truth for the tests: who holds what, by address and name. */
static void cs_dl_say(const char *what, const char *held_name,
		      raw_spinlock_t *held, const char *wants_name,
		      raw_spinlock_t *wants)
{
	pr_info("%s: CPU %d pid %d comm %s holds %s at 0x%lx, waits for %s at 0x%lx\n",
		what, raw_smp_processor_id(), current->pid, current->comm,
		held_name, (unsigned long)held,
		wants_name, (unsigned long)wants);
}

/* Interrupts off from here on, forever: hold @first, then spin on @second. */
static noinline void cs_dl_take_two(raw_spinlock_t *first, raw_spinlock_t *second)
{
	unsigned long flags;

	raw_spin_lock_irqsave(first, flags);
	cs_dl_leave_mm();
	atomic_inc(&cs_dl_holding);
	while (atomic_read(&cs_dl_holding) < 2)
		cpu_relax();
	raw_spin_lock(second);
	for (;;)	/* not reached */
		cpu_relax();
}

static int cs_abba_fn(void *arg)
{
	bool is_a = arg;
	raw_spinlock_t *first = is_a ? &cs_abba_lock_a : &cs_abba_lock_b;
	raw_spinlock_t *second = is_a ? &cs_abba_lock_b : &cs_abba_lock_a;

	msleep(delay_ms);
	cs_dl_say("abba", is_a ? "cs_abba_lock_a" : "cs_abba_lock_b", first,
		  is_a ? "cs_abba_lock_b" : "cs_abba_lock_a", second);
	cs_dl_take_two(first, second);
	return 0;
}

static int cs_pcpu_fn(void *arg)
{
	int me = raw_smp_processor_id();
	int other = me == cpu_a ? cpu_b : cpu_a;
	raw_spinlock_t *mine = per_cpu_ptr(&cs_pcpu_lock, me);
	raw_spinlock_t *theirs = per_cpu_ptr(&cs_pcpu_lock, other);
	char mine_name[32], theirs_name[32];

	snprintf(mine_name, sizeof(mine_name), "cs_pcpu_lock of CPU %d", me);
	snprintf(theirs_name, sizeof(theirs_name), "cs_pcpu_lock of CPU %d",
		 other);
	msleep(delay_ms);
	cs_dl_say("percpu", mine_name, mine, theirs_name, theirs);
	cs_dl_take_two(mine, theirs);
	return 0;
}

/* Hard-IRQ context on B: never runs, B has interrupts off. */
static noinline void cs_lockcsd_ipi_func(void *info)
{
}

/*
 * A: hold @lock (preemption off), then wait for B forever. The lock comes
 * in as a pointer that stays live across the call, as in code that locks
 * &obj->lock: its address is in A's registers or stack (with a global
 * locked by name it would only be an immediate in the code).
 */
static noinline void cs_lockcsd_hold_and_call(raw_spinlock_t *lock)
{
	raw_spin_lock(lock);
	while (!READ_ONCE(cs_lockcsd_b_spinning))
		cpu_relax();
	smp_call_function_single(cpu_b, cs_lockcsd_ipi_func, NULL, 1);
	raw_spin_unlock(lock);	/* not reached */
}

/* B: interrupts off, then spin on the lock A holds, forever. */
static noinline void cs_lockcsd_spin_on_lock(void)
{
	unsigned long flags;

	local_irq_save(flags);
	cs_dl_leave_mm();
	WRITE_ONCE(cs_lockcsd_b_spinning, 1);
	raw_spin_lock(&cs_lockcsd_lock);
	for (;;)	/* not reached */
		cpu_relax();
}

static int cs_lockcsd_fn(void *arg)
{
	bool is_a = arg;

	msleep(delay_ms);
	if (is_a) {
		pr_info("lockcsd: CPU %d pid %d comm %s holds %pS at 0x%lx, waits in smp_call_function_single(%d, %ps)\n",
			raw_smp_processor_id(), current->pid, current->comm,
			&cs_lockcsd_lock, (unsigned long)&cs_lockcsd_lock,
			cpu_b, cs_lockcsd_ipi_func);
		cs_lockcsd_hold_and_call(READ_ONCE(cs_lockcsd_lockp));
	} else {
		/* Let A take the lock first. */
		msleep(200);
		pr_info("lockcsd: CPU %d pid %d comm %s waits for %pS at 0x%lx with interrupts off\n",
			raw_smp_processor_id(), current->pid, current->comm,
			&cs_lockcsd_lock, (unsigned long)&cs_lockcsd_lock);
		cs_lockcsd_spin_on_lock();
	}
	return 0;
}

static struct task_struct *cs_dl_create(int (*fn)(void *), bool is_a,
					const char *name)
{
	int cpu = is_a ? cpu_a : cpu_b;
	struct task_struct *t;

	t = kthread_create(fn, is_a ? (void *)1UL : NULL, "%s/%d", name, cpu);
	if (!IS_ERR(t))
		kthread_bind(t, cpu);
	return t;
}

static int __init cs_test_deadlock_init(void)
{
	int (*fn)(void *arg);
	const char *name;
	struct task_struct *ta, *tb;
	int cpu;

	if (!strcmp(mode, "abba")) {
		fn = cs_abba_fn;
		name = "cs_abba";
	} else if (!strcmp(mode, "lockcsd")) {
		fn = cs_lockcsd_fn;
		name = "cs_lockcsd";
	} else if (!strcmp(mode, "percpu")) {
		fn = cs_pcpu_fn;
		name = "cs_pcpu";
	} else {
		pr_err("unknown mode %s\n", mode);
		return -EINVAL;
	}
	if (cpu_a == cpu_b || cpu_a < 0 || cpu_b < 0 ||
	    cpu_a >= nr_cpu_ids || cpu_b >= nr_cpu_ids ||
	    !cpu_online(cpu_a) || !cpu_online(cpu_b)) {
		pr_err("need two different online CPUs (cpu_a=%d cpu_b=%d)\n",
		       cpu_a, cpu_b);
		return -EINVAL;
	}
	for_each_possible_cpu(cpu)
		raw_spin_lock_init(per_cpu_ptr(&cs_pcpu_lock, cpu));
	ta = cs_dl_create(fn, true, name);
	if (IS_ERR(ta))
		return PTR_ERR(ta);
	tb = cs_dl_create(fn, false, name);
	if (IS_ERR(tb)) {
		kthread_stop(ta);	/* never woken: fn does not run */
		return PTR_ERR(tb);
	}
	wake_up_process(ta);
	wake_up_process(tb);
	pr_info("mode %s: CPUs %d and %d wedge in %u ms\n", mode, cpu_a, cpu_b,
		delay_ms);
	return 0;
}

module_init(cs_test_deadlock_init);
/* No module_exit: the wedged CPUs run this module's code forever. */
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("crashsafe test: ABBA, lock vs CSD and per-CPU lock deadlocks");
