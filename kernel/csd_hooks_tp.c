// SPDX-License-Identifier: GPL-2.0
/*
 * CSD/IPI hooks, chosen at load:
 *  - 6.12 (csd:csd_queue_cpu exists): csd:*, ipi:* tracepoints;
 *  - 6.1 (no csd:/ipi: tracepoints): kprobes, see csd_hooks_kp.c.
 * Both: irq_vectors:call_function{,_single}_entry (gotipi) and
 * sched:sched_wake_idle_without_ipi (noipi).
 *
 * Every probe may run in task, softirq, hard-IRQ and NMI context.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/tracepoint.h>
#include <linux/smp.h>
#include <linux/cpumask.h>
#include <linux/kernel.h>

#include "crashsafe.h"
#include "csd.h"

/* Any context: csd:csd_queue_cpu, before the llist_add. */
static void notrace cs_tp_csd_queue(void *data, const unsigned int cpu,
				    unsigned long callsite,
				    smp_call_func_t func,
				    call_single_data_t *csd)
{
	int this = raw_smp_processor_id();
	unsigned int type;

	cs_event(CS_EV_QUEUE, this, cpu, (unsigned long)func,
		 (unsigned long)csd, callsite, 0);
	if (!csd)
		return;
	type = READ_ONCE(csd->node.u_flags) & CSD_FLAG_TYPE_MASK;
	if (type == CSD_TYPE_SYNC || type == CSD_TYPE_ASYNC)
		cs_csd_track(cpu, (unsigned long)func,
			     (unsigned long)READ_ONCE(csd->info),
			     (unsigned long)csd, callsite);
}

/* Any context: ipi:ipi_send_cpu. */
static void notrace cs_tp_ipi_send_cpu(void *data, const unsigned int cpu,
				       unsigned long callsite, void *callback)
{
	int this = raw_smp_processor_id();

	/* NULL: reschedule IPI; self: irq_work self-IPI. Not CSD traffic. */
	if (!callback || cpu == this)
		return;
	cs_event(CS_EV_IPI, this, cpu, (unsigned long)callback, 0, callsite, 0);
}

/* Any context: ipi:ipi_send_cpumask. */
static void notrace cs_tp_ipi_send_mask(void *data,
					const struct cpumask *mask,
					unsigned long callsite, void *callback)
{
	int this = raw_smp_processor_id();
	unsigned int w, cpu;

	if (!callback)
		return;
	w = cpumask_weight(mask);
	cs_event(CS_EV_PING, this, CS_NO_CPU, (unsigned long)callback, 0,
		 callsite, w);
	if (w > CS_MASK_EXPAND_MAX)
		return;
	for_each_cpu(cpu, mask)
		cs_event(CS_EV_IPI, this, cpu, (unsigned long)callback, 0,
			 callsite, 1);
}

/* Hard-IRQ context: csd:csd_function_entry. */
static void notrace cs_tp_csd_entry(void *data, smp_call_func_t func,
				    call_single_data_t *csd)
{
	int this = raw_smp_processor_id();

	if (csd)
		cs_event(CS_EV_DEQUEUE, CS_NO_CPU, this, (unsigned long)func,
			 (unsigned long)csd, 0, 0);
	cs_event(CS_EV_HANDLE, CS_NO_CPU, this, (unsigned long)func,
		 (unsigned long)csd, 0, 0);
}

/* Hard-IRQ context: csd:csd_function_exit. */
static void notrace cs_tp_csd_exit(void *data, smp_call_func_t func,
				   call_single_data_t *csd)
{
	cs_event(CS_EV_HDLEND, CS_NO_CPU, raw_smp_processor_id(),
		 (unsigned long)func, (unsigned long)csd, 0, 0);
}

/* Hard-IRQ context: irq_vectors:call_function{,_single}_entry. */
static void notrace cs_tp_cf_entry(void *data, int vector)
{
	cs_event(CS_EV_GOTIPI, CS_NO_CPU, raw_smp_processor_id(), 0, 0, 0,
		 vector);
}

/* Any context: sched:sched_wake_idle_without_ipi. */
static void notrace cs_tp_noipi(void *data, int cpu)
{
	cs_event(CS_EV_NOIPI, raw_smp_processor_id(), cpu, 0, 0, 0, 0);
}

struct cs_tp_hook {
	const char *name;
	void *probe;
	bool csd_mode_only;	/* only with the csd:/ipi: tracepoints */
	struct tracepoint *tp;
};

static struct cs_tp_hook cs_tp_hooks[] = {
	{ "csd_queue_cpu",		cs_tp_csd_queue,	true },
	{ "ipi_send_cpu",		cs_tp_ipi_send_cpu,	true },
	{ "ipi_send_cpumask",		cs_tp_ipi_send_mask,	true },
	{ "csd_function_entry",		cs_tp_csd_entry,	true },
	{ "csd_function_exit",		cs_tp_csd_exit,		true },
	{ "call_function_entry",	cs_tp_cf_entry,		false },
	{ "call_function_single_entry",	cs_tp_cf_entry,		false },
	{ "sched_wake_idle_without_ipi", cs_tp_noipi,		false },
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
	int i, ret, nr = 0;

	for (i = 0; i < ARRAY_SIZE(cs_tp_hooks); i++) {
		struct cs_tp_hook *h = &cs_tp_hooks[i];
		struct tracepoint *tp;

		if (h->csd_mode_only && !csd_mode)
			continue;
		tp = cs_tracepoint_find(h->name);
		if (!tp) {
			pr_warn("tracepoint %s not found\n", h->name);
			continue;
		}
		ret = tracepoint_probe_register(tp, h->probe, NULL);
		if (ret) {
			pr_warn("tracepoint %s: register failed: %d\n",
				h->name, ret);
			continue;
		}
		h->tp = tp;
		nr++;
	}

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
