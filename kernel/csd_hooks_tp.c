// SPDX-License-Identifier: GPL-2.0
/*
 * CSD/IPI hooks, chosen at load:
 *  - 6.12 (csd:csd_queue_cpu exists): csd:*, ipi:* tracepoints;
 *  - 6.1 (no csd:/ipi: tracepoints): kprobes, see csd_hooks_kp.c.
 * Both: irq_vectors:call_function{,_single}_entry (gotipi) and
 * sched:sched_wake_idle_without_ipi (noipi).
 *
 * Every probe may run in task, softirq, hard-IRQ and NMI context. Since
 * 7.x tracepoint probes run under SRCU-fast, not with preemption off:
 * every probe that reads the CPU number or writes per-CPU state keeps
 * preemption off itself (cs_tp_enter/cs_tp_leave), so the event's CPU
 * and the ring it lands in are the same.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/tracepoint.h>
#include <linux/smp.h>
#include <linux/cpumask.h>
#include <linux/kernel.h>

#include "crashsafe.h"
#include "csd.h"

/* Any context: pin the probe to this CPU (a no-op nesting on <= 6.x). */
#define cs_tp_enter()	preempt_disable_notrace()
#define cs_tp_leave()	preempt_enable_notrace()

/* Any context: csd:csd_queue_cpu, before the llist_add. */
static void notrace cs_tp_csd_queue(void *data, const unsigned int cpu,
				    unsigned long callsite,
				    smp_call_func_t func,
				    call_single_data_t *csd)
{
	unsigned int type;

	cs_tp_enter();
	cs_event(CS_EV_QUEUE, raw_smp_processor_id(), cpu, (unsigned long)func,
		 (unsigned long)csd, callsite, 0);
	type = csd ? READ_ONCE(csd->node.u_flags) & CSD_FLAG_TYPE_MASK : 0;
	if (csd && (type == CSD_TYPE_SYNC || type == CSD_TYPE_ASYNC))
		cs_csd_track(cpu, (unsigned long)func,
			     (unsigned long)READ_ONCE(csd->info),
			     (unsigned long)csd, callsite);
	cs_tp_leave();
}

/* Any context: ipi:ipi_send_cpu. */
static void notrace cs_tp_ipi_send_cpu(void *data, const unsigned int cpu,
				       unsigned long callsite, void *callback)
{
	int this;

	cs_tp_enter();
	this = raw_smp_processor_id();
	/* NULL: reschedule IPI; self: irq_work self-IPI. Not CSD traffic. */
	if (callback && cpu != this)
		cs_event(CS_EV_IPI, this, cpu, (unsigned long)callback, 0,
			 callsite, 0);
	cs_tp_leave();
}

/* Any context: ipi:ipi_send_cpumask. */
static void notrace cs_tp_ipi_send_mask(void *data,
					const struct cpumask *mask,
					unsigned long callsite, void *callback)
{
	unsigned int w, cpu;
	int this;

	if (!callback)
		return;
	cs_tp_enter();
	this = raw_smp_processor_id();
	w = cpumask_weight(mask);
	cs_event(CS_EV_PING, this, CS_NO_CPU, (unsigned long)callback, 0,
		 callsite, w);
	if (w <= CS_MASK_EXPAND_MAX)
		for_each_cpu(cpu, mask)
			cs_event(CS_EV_IPI, this, cpu, (unsigned long)callback,
				 0, callsite, 1);
	cs_tp_leave();
}

/* Hard-IRQ context: csd:csd_function_entry. */
static void notrace cs_tp_csd_entry(void *data, smp_call_func_t func,
				    call_single_data_t *csd)
{
	int this;

	cs_tp_enter();
	this = raw_smp_processor_id();
	if (csd)
		cs_event(CS_EV_DEQUEUE, CS_NO_CPU, this, (unsigned long)func,
			 (unsigned long)csd, 0, 0);
	cs_event(CS_EV_HANDLE, CS_NO_CPU, this, (unsigned long)func,
		 (unsigned long)csd, 0, 0);
	cs_tp_leave();
}

/* Hard-IRQ context: csd:csd_function_exit. */
static void notrace cs_tp_csd_exit(void *data, smp_call_func_t func,
				   call_single_data_t *csd)
{
	cs_tp_enter();
	cs_event(CS_EV_HDLEND, CS_NO_CPU, raw_smp_processor_id(),
		 (unsigned long)func, (unsigned long)csd, 0, 0);
	cs_tp_leave();
}

/* Hard-IRQ context: irq_vectors:call_function{,_single}_entry. */
static void notrace cs_tp_cf_entry(void *data, int vector)
{
	cs_tp_enter();
	cs_event(CS_EV_GOTIPI, CS_NO_CPU, raw_smp_processor_id(), 0, 0, 0,
		 vector);
	cs_tp_leave();
}

/*
 * Hard-IRQ context: irq_vectors:call_function{,_single}_exit, kprobe mode
 * only (6.1): the end of the IPI handler's queue flush, without a return
 * probe on the flush.
 */
static void notrace cs_tp_cf_exit(void *data, int vector)
{
	cs_tp_enter();
	cs_event(CS_EV_HDLEND, CS_NO_CPU, raw_smp_processor_id(), 0, 0, 0, 0);
	cs_tp_leave();
}

/* Any context: sched:sched_wake_idle_without_ipi. */
static void notrace cs_tp_noipi(void *data, int cpu)
{
	cs_tp_enter();
	cs_event(CS_EV_NOIPI, raw_smp_processor_id(), cpu, 0, 0, 0, 0);
	cs_tp_leave();
}

struct cs_tp_hook {
	const char *name;
	void *probe;
	bool csd_mode_only;	/* only with the csd:/ipi: tracepoints */
	bool kp_mode_only;	/* only without them (kprobes, 6.1) */
	u32 kind;		/* CS_HOOK_* it gives evidence for */
	struct tracepoint *tp;
};

/* csd_queue_cpu sees every locked csd: single and multi-CPU waits. */
#define CS_TP_QUEUE (CS_HOOK_CSD_QUEUE | CS_HOOK_SINGLE_WAIT | CS_HOOK_MANY_WAIT)

static struct cs_tp_hook cs_tp_hooks[] = {
	{ "csd_queue_cpu",	cs_tp_csd_queue,	true, false, CS_TP_QUEUE },
	{ "ipi_send_cpu",	cs_tp_ipi_send_cpu,	true, false, CS_HOOK_IPI_SEND },
	{ "ipi_send_cpumask",	cs_tp_ipi_send_mask,	true, false, CS_HOOK_IPI_SEND },
	{ "csd_function_entry",	cs_tp_csd_entry,	true, false, CS_HOOK_CSD_ENTRY_EXIT },
	{ "csd_function_exit",	cs_tp_csd_exit,		true, false, CS_HOOK_CSD_ENTRY_EXIT },
	{ "call_function_entry", cs_tp_cf_entry,	false, false, CS_HOOK_CALLFUNC_VECTOR },
	{ "call_function_single_entry", cs_tp_cf_entry,	false, false, CS_HOOK_CALLFUNC_VECTOR },
	{ "call_function_exit",	cs_tp_cf_exit,		false, true, CS_HOOK_CSD_ENTRY_EXIT },
	{ "call_function_single_exit", cs_tp_cf_exit,	false, true, CS_HOOK_CSD_ENTRY_EXIT },
	{ "sched_wake_idle_without_ipi", cs_tp_noipi,	false, false, CS_HOOK_IDLE_NOIPI },
};

static bool cs_use_kprobes;

static void cs_tp_unregister_all(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(cs_tp_hooks); i++) {
		struct cs_tp_hook *h = &cs_tp_hooks[i];

		if (h->tp)
			tracepoint_probe_unregister(h->tp, h->probe, NULL);
		h->tp = NULL;
	}
	tracepoint_synchronize_unregister();
}

int cs_hooks_init(void)
{
	bool csd_mode = cs_tracepoint_find("csd_queue_cpu") != NULL;
	u32 wanted = 0, failed = 0;
	int i, ret, nr = 0;

	for (i = 0; i < ARRAY_SIZE(cs_tp_hooks); i++) {
		struct cs_tp_hook *h = &cs_tp_hooks[i];
		struct tracepoint *tp;

		if ((h->csd_mode_only && !csd_mode) ||
		    (h->kp_mode_only && csd_mode))
			continue;
		wanted |= h->kind;
		tp = cs_tracepoint_find(h->name);
		if (!tp) {
			pr_warn("tracepoint %s not found\n", h->name);
			failed |= h->kind;
			continue;
		}
		if (cs_hook_forced_fail(h->kind))
			ret = -EPERM;
		else
			ret = tracepoint_probe_register(tp, h->probe, NULL);
		if (ret) {
			pr_warn("tracepoint %s: register failed: %d%s\n",
				h->name, ret, ret == -EPERM ? " (fail_hooks)" : "");
			failed |= h->kind;
			continue;
		}
		h->tp = tp;
		nr++;
	}
	cs_csd_set_hooks(wanted, wanted & ~failed);

	if (csd_mode) {
		cs_record_set_flag(CS_ROOT_TRACEPOINTS);
		pr_info("CSD/IPI hooks: %d tracepoints\n", nr);
		return 0;
	}

	ret = cs_kp_init();
	if (ret) {
		cs_tp_unregister_all();
		return ret;
	}
	cs_use_kprobes = true;
	cs_record_set_flag(CS_ROOT_KPROBES);
	pr_info("CSD/IPI hooks: kprobes and %d tracepoints\n", nr);
	return 0;
}

void cs_hooks_exit(void)
{
	if (cs_use_kprobes)
		cs_kp_exit();
	cs_use_kprobes = false;
	cs_tp_unregister_all();
}
