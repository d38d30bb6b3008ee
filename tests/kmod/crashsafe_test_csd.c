// SPDX-License-Identifier: GPL-2.0
/*
 * crashsafe_test_csd: make a non-responsive CSD on purpose.
 * A kthread bound to CPU @victim spins with interrupts disabled in
 * cs_test_victim_spin(); a kthread bound to CPU @sender then calls
 * smp_call_function_single(victim, cs_test_ipi_func, NULL, 1) and waits
 * forever. With call=many it waits in smp_call_function_many() instead,
 * on all online CPUs but itself: the victim never answers, the other
 * (healthy) targets run cs_test_ipi_func at once, and a watcher kthread
 * on a healthy CPU says so on the console.
 * With lost_ipi=1 the victim spins with interrupts enabled (preemption
 * off, so it never flushes its CSD queue on its own) and the sender's IPI
 * to it is dropped at the APIC driver, after crashsafe has seen it sent:
 * the shape of a "lost IPI" in a VM.
 * With busy=1 there is no victim kthread: the sender first sends the
 * victim an asynchronous request whose callback never returns (it spins
 * in the victim's call-function interrupt), then waits on a second one:
 * the target is busy in a prior callback.
 * With migrate=N (call=single, 3 CPUs or more) the waiter is a task that
 * moves between CPUs while it waits, as waits do on kernels whose
 * csd_lock_wait() is preemptible: N rounds in which the victim keeps
 * interrupts off for CS_TEST_ROUND_MS or more (less than csd_timeout_ms)
 * while the sender, queued from CPU @sender with
 * smp_call_function_single_async(), polls its csd's lock flag and hops to
 * another CPU every few ms (each round is over when the victim takes the
 * IPI: no report may follow); then
 * a real hang of the same shape, to be reported once as @sender -> victim.
 * On 6.x smp_call_function_single() itself waits with preemption off, so
 * its waiter cannot move: this is the 7.x shape, forced.
 * There is no way back: the module cannot be unloaded.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/smp.h>
#include <linux/delay.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/string.h>
#include <linux/preempt.h>
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <asm/irq_vectors.h>

static int victim = 1;
module_param(victim, int, 0444);
MODULE_PARM_DESC(victim, "CPU that spins with interrupts disabled");

static int sender;
module_param(sender, int, 0444);
MODULE_PARM_DESC(sender, "CPU that sends the CSD and waits for it");

static char *call = "single";
module_param(call, charp, 0444);
MODULE_PARM_DESC(call, "how the sender waits: single (smp_call_function_single) or many (smp_call_function_many on all other CPUs)");

static bool lost_ipi;
module_param(lost_ipi, bool, 0444);
MODULE_PARM_DESC(lost_ipi, "victim keeps interrupts on; the sender's IPI to it is dropped");

static bool busy;
module_param(busy, bool, 0444);
MODULE_PARM_DESC(busy, "the victim is stuck in an earlier callback of the sender's");

static int migrate;
module_param(migrate, int, 0444);
MODULE_PARM_DESC(migrate, "rounds of a short hang with a waiter that migrates mid-wait, before the real hang (call=single)");

static unsigned long sender_fn;
module_param(sender_fn, ulong, 0400);
MODULE_PARM_DESC(sender_fn, "(set by the module) address of the sender's function, for tests that look for its return address in the dump");

/*
 * migrate: a round keeps irqs off for CS_TEST_ROUND_MS and until the
 * waiter has moved CS_TEST_ROUND_MOVES times in it, never longer than
 * CS_TEST_ROUND_MAX_MS (< csd_timeout_ms, 5 s). Timed with ktime, not
 * mdelay(): a vCPU's loops_per_jiffy is calibrated at boot and under an
 * emulator on a loaded host may be several times off (a 7.3 guest's
 * "1500 ms" rounds lasted a few ms, and no waiter moved in them).
 */
#define CS_TEST_ROUND_MS	1500
#define CS_TEST_ROUND_MAX_MS	3000
#define CS_TEST_ROUND_MOVES	3

static int cs_test_spinning;
static int cs_test_round;		/* migrate: the victim's round */
static int cs_test_round_moves;		/* migrate: the waiter's, this round */
static call_single_data_t cs_test_async_csd;
static bool cs_test_many;
static struct cpumask cs_test_mask;	/* many: the targets */
static struct cpumask cs_test_ran;	/* CPUs that ran cs_test_ipi_func */

/* Hard-IRQ context (on a target; the victim never gets there). */
static noinline void cs_test_ipi_func(void *info)
{
	cpumask_set_cpu(smp_processor_id(), &cs_test_ran);
	/* migrate: the rounds' requests are answered, the hang's is not. */
	if (smp_processor_id() == victim && !migrate)
		WRITE_ONCE(cs_test_spinning, 2);
}

/* Runs with interrupts disabled, forever. */
static noinline void cs_test_victim_spin(void)
{
	WRITE_ONCE(cs_test_spinning, 1);
	for (;;)
		cpu_relax();
}

/*
 * lost_ipi: the APIC drivers' single-IPI senders (whichever this machine
 * uses; x2apic_send_IPI is static, kprobes still find it). The sender's
 * first CALL_FUNCTION_SINGLE IPI to the victim returns without being sent.
 */
static const char * const cs_test_ipi_senders[] = {
	"default_send_IPI_single_phys",
	"default_send_IPI_single",
	"x2apic_send_IPI",
};

static struct kprobe cs_test_kps[ARRAY_SIZE(cs_test_ipi_senders)];
static atomic_t cs_test_drop_armed = ATOMIC_INIT(0);

/* Where a dropped send "returns" from: the caller's return address. */
static noinline void cs_test_just_return(void)
{
}

/* Any context (kprobe, preemption and maybe interrupts off). */
static int cs_test_drop_pre(struct kprobe *p, struct pt_regs *regs)
{
	if ((int)regs->di != victim ||
	    (int)regs->si != CALL_FUNCTION_SINGLE_VECTOR ||
	    smp_processor_id() != sender ||
	    atomic_cmpxchg(&cs_test_drop_armed, 1, 0) != 1)
		return 0;
	regs->ip = (unsigned long)cs_test_just_return;
	return 1;	/* resume at regs->ip: the send is skipped */
}

/* A post handler makes the probe one whose pre handler may change ip. */
static void cs_test_drop_post(struct kprobe *p, struct pt_regs *regs,
			      unsigned long flags)
{
}

static int cs_test_drop_init(void)
{
	int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(cs_test_kps); i++) {
		cs_test_kps[i].symbol_name = cs_test_ipi_senders[i];
		cs_test_kps[i].pre_handler = cs_test_drop_pre;
		cs_test_kps[i].post_handler = cs_test_drop_post;
		if (!register_kprobe(&cs_test_kps[i]))
			n++;
		else
			cs_test_kps[i].symbol_name = NULL;
	}
	pr_info("lost_ipi: %d IPI sender probes\n", n);
	return n ? 0 : -ENOENT;
}

/* Process context: undo cs_test_drop_init() when init fails later. */
static void cs_test_drop_exit(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(cs_test_kps); i++)
		if (cs_test_kps[i].symbol_name)
			unregister_kprobe(&cs_test_kps[i]);
}

/* Hard-IRQ context on the victim (busy=1): the prior request, forever. */
static noinline void cs_test_busy_func(void *info)
{
	cs_test_victim_spin();
}

/* Interrupts off (the victim's round): see CS_TEST_ROUND_MS. */
static void cs_test_round_wait(void)
{
	u64 start = ktime_get_ns(), ms;

	do {
		cpu_relax();
		ms = div_u64(ktime_get_ns() - start, NSEC_PER_MSEC);
	} while (ms < CS_TEST_ROUND_MAX_MS &&
		 (ms < CS_TEST_ROUND_MS ||
		  READ_ONCE(cs_test_round_moves) < CS_TEST_ROUND_MOVES));
}

static int cs_test_victim_fn(void *unused)
{
	int r;

	/*
	 * Let insmod finish first: do_init_module() changes page attributes
	 * and frees init memory, and the TLB flushes that causes would wait
	 * for this CPU too and hang before the sender's request does.
	 */
	msleep(1000);
	for (r = 1; r <= migrate; r++) {
		local_irq_disable();
		WRITE_ONCE(cs_test_round_moves, 0);
		WRITE_ONCE(cs_test_round, r);
		cs_test_round_wait();
		local_irq_enable();
		msleep(500);	/* the sender logs the round */
	}
	if (lost_ipi)
		preempt_disable();	/* interrupts stay on */
	else
		local_irq_disable();
	cs_test_victim_spin();
	return 0;
}

/*
 * migrate: queue an async request to the victim from CPU @sender, then
 * wait for it, preemptible, hopping between the CPUs of cs_test_mask.
 * Returns the migrations seen mid-wait; never returns if the victim never
 * answers.
 */
static int cs_test_migrating_wait(int round)
{
	unsigned long start = jiffies;
	int ret, cpu, last, moves = 0;

	set_cpus_allowed_ptr(current, cpumask_of(sender));
	preempt_disable();
	ret = smp_call_function_single_async(victim, &cs_test_async_csd);
	cpu = smp_processor_id();
	preempt_enable();
	pr_info("round %d: async cs_test_ipi_func to CPU%d queued on CPU%d: %d\n",
		round, victim, cpu, ret);
	if (ret)
		return 0;
	last = cpu;
	while (READ_ONCE(cs_test_async_csd.node.u_flags) & CSD_FLAG_LOCK) {
		cpu = cpumask_next(raw_smp_processor_id(), &cs_test_mask);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first(&cs_test_mask);
		set_cpus_allowed_ptr(current, cpumask_of(cpu));
		if (raw_smp_processor_id() != last) {
			moves++;
			WRITE_ONCE(cs_test_round_moves, moves);
			last = raw_smp_processor_id();
		}
		usleep_range(5000, 6000);
	}
	pr_info("round %d: request done after %u ms, waiter migrated %d times mid-wait\n",
		round, jiffies_to_msecs(jiffies - start), moves);
	return moves;
}

static int cs_test_sender_fn(void *unused)
{
	int ret, r, moves = 0;

	if (migrate) {
		for (r = 1; r <= migrate; r++) {
			while (READ_ONCE(cs_test_round) < r)
				usleep_range(200, 400);
			moves += cs_test_migrating_wait(r);
		}
		pr_info("migrate: %d rounds, %d migrations mid-wait; now the real hang\n",
			migrate, moves);
		while (!READ_ONCE(cs_test_spinning))
			usleep_range(200, 400);
		cs_test_migrating_wait(r);
		return 0;
	}

	if (busy) {
		msleep(1000);	/* let insmod finish, as the victim does */
		pr_info("CPU%d: smp_call_function_single(%d, cs_test_busy_func, no wait)\n",
			sender, victim);
		smp_call_function_single(victim, cs_test_busy_func, NULL, 0);
	}
	while (!READ_ONCE(cs_test_spinning))
		usleep_range(200, 400);
	if (cs_test_many) {
		pr_info("CPU%d: smp_call_function_many(%*pbl, cs_test_ipi_func, wait)\n",
			sender, cpumask_pr_args(&cs_test_mask));
		preempt_disable();
		smp_call_function_many(&cs_test_mask, cs_test_ipi_func, NULL,
				       true);
		preempt_enable();
		pr_info("smp_call_function_many returned\n");
		return 0;
	}
	pr_info("CPU%d: smp_call_function_single(%d, cs_test_ipi_func, wait)%s\n",
		sender, victim, lost_ipi ? ", its IPI will be dropped" : "");
	if (lost_ipi)
		atomic_set(&cs_test_drop_armed, 1);
	ret = smp_call_function_single(victim, cs_test_ipi_func, NULL, 1);
	pr_info("smp_call_function_single returned %d\n", ret);
	return 0;
}

/* many: on a healthy CPU, tell which targets ran the callback. */
static int cs_test_watch_fn(void *unused)
{
	while (!READ_ONCE(cs_test_spinning))
		msleep(20);
	msleep(2000);
	pr_info("targets that ran cs_test_ipi_func: %*pbl (victim CPU%d: %s)\n",
		cpumask_pr_args(&cs_test_ran), victim,
		cpumask_test_cpu(victim, &cs_test_ran) ? "ran" : "not run");
	return 0;
}

static struct task_struct *cs_test_start(int (*fn)(void *), int cpu,
					 const char *name)
{
	struct task_struct *t = kthread_create(fn, NULL, "%s/%d", name, cpu);

	if (!IS_ERR(t)) {
		kthread_bind(t, cpu);
		wake_up_process(t);
	}
	return t;
}

static int __init cs_test_csd_init(void)
{
	struct task_struct *t;

	if (victim == sender || victim < 0 || sender < 0 ||
	    victim >= nr_cpu_ids || sender >= nr_cpu_ids ||
	    !cpu_online(victim) || !cpu_online(sender)) {
		pr_err("need two different online CPUs (victim=%d sender=%d)\n",
		       victim, sender);
		return -EINVAL;
	}
	if (!strcmp(call, "many")) {
		cs_test_many = true;
	} else if (strcmp(call, "single")) {
		pr_err("call=%s: want single or many\n", call);
		return -EINVAL;
	}
	if ((lost_ipi || busy || migrate) && cs_test_many) {
		pr_err("lost_ipi, busy and migrate work with call=single only\n");
		return -EINVAL;
	}
	if (migrate && (lost_ipi || busy || num_online_cpus() < 3)) {
		pr_err("migrate: alone, and with 3 online CPUs or more\n");
		return -EINVAL;
	}
	if (migrate) {
		/* Where the waiter hops: every online CPU but the victim. */
		cpumask_copy(&cs_test_mask, cpu_online_mask);
		cpumask_clear_cpu(victim, &cs_test_mask);
		INIT_CSD(&cs_test_async_csd, cs_test_ipi_func, NULL);
	}
	if (lost_ipi && busy) {
		pr_err("lost_ipi or busy, not both\n");
		return -EINVAL;
	}
	if (lost_ipi && cs_test_drop_init())
		return -ENOENT;
	pr_info("victim CPU%d spins with irqs %s in %ps%s, sender CPU%d in %pS\n",
		victim, lost_ipi ? "on" : "off", cs_test_victim_spin,
		busy ? " inside a prior callback" : "", sender,
		cs_test_sender_fn);
	sender_fn = (unsigned long)cs_test_sender_fn;
	if (cs_test_many) {
		int cpu;

		cpumask_copy(&cs_test_mask, cpu_online_mask);
		cpumask_clear_cpu(sender, &cs_test_mask);
		for_each_cpu(cpu, &cs_test_mask) {
			if (cpu == victim)
				continue;
			t = cs_test_start(cs_test_watch_fn, cpu, "cs_test_watch");
			if (IS_ERR(t))
				return PTR_ERR(t);
			break;
		}
	}
	t = busy ? NULL : cs_test_start(cs_test_victim_fn, victim,
					 "cs_test_victim");
	if (IS_ERR(t)) {
		if (lost_ipi)
			cs_test_drop_exit();
		return PTR_ERR(t);
	}
	t = cs_test_start(cs_test_sender_fn, sender, "cs_test_sender");
	if (IS_ERR(t))
		return PTR_ERR(t);	/* the victim spins on; reboot */
	return 0;
}

module_init(cs_test_csd_init);
/* No module_exit: the victim never comes back. */
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("crashsafe test: non-responsive CSD (victim spins with irqs off)");
