// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU NMI-safe text log.
 *
 * Each CPU owns one struct cs_log (record.c allocates it). Only that CPU
 * writes it; task, soft-IRQ, hard-IRQ and NMI writers on the same CPU nest,
 * so slots are reserved with a local add-return on head (atomic against
 * interrupts on this CPU, no LOCK prefix, no lock) and every slot's check
 * word is written last. A message longer than one slot takes consecutive
 * slots, the later ones marked cont = 1.
 *
 * A kthread copies complete slots of all CPUs to printk every 100 ms, in
 * seq order, so that text logged in NMI or IRQ context reaches the console
 * once process context can run on some CPU. debugfs renders the merged log
 * on demand.
 *
 * A message carries its printk level, given as printk does (a KERN_<LEVEL>
 * prefix of the format, KERN_INFO without one), and the flusher prints it
 * at that level: reports an operator must see use the levels the kernel
 * uses for the same reports (kernel/smp.c's CSD stall report pr_alert,
 * kernel/watchdog.c's hard LOCKUP pr_emerg), which Debian's default
 * "quiet" (console_loglevel 4) still lets through to the console.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/timer.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/seq_file.h>
#include <linux/cpumask.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <linux/kprobes.h>
#include <asm/local.h>

#include "crashsafe.h"
#include "seq.h"

#define CS_LOG_MSG_MAX		256
#define CS_LOG_FLUSH_MS		100
/* Rounds a reserved but unwritten slot may block its CPU's reader. */
#define CS_LOG_STALL_ROUNDS	20

static struct task_struct *cs_log_thread;
static u64 *cs_log_rpos;		/* flusher: next slot per CPU */
static unsigned int *cs_log_stall;	/* flusher: rounds stuck per CPU */

/* Any context, NMI included: format into this CPU's log. */
void cs_log(const char *fmt, ...)
{
	char buf[CS_LOG_MSG_MAX];
	struct cs_log *log;
	struct cs_ring *ring;
	unsigned int len, nslots, i, mask;
	va_list ap;
	u64 first, seq;
	u8 ctx, level = 1 + LOGLEVEL_INFO;
	int cpu, kern = printk_get_level(fmt);

	if (kern >= '0' && kern <= '7')
		level = 1 + kern - '0';
	fmt = printk_skip_level(fmt);
	va_start(ap, fmt);
	len = vscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	while (len && buf[len - 1] == '\n')
		len--;
	nslots = len ? DIV_ROUND_UP(len, CS_LOG_TEXT) : 1;

	preempt_disable_notrace();
	cpu = raw_smp_processor_id();
	log = cs_log_of(cpu);
	if (!log || !log->nr_slots) {
		preempt_enable_notrace();
		return;
	}
	mask = log->nr_slots - 1;
	ctx = cs_ctx();
	ring = cs_ring_of(cpu);
	seq = ring ? cs_seq_next(ring) : cs_seq_now();
	first = local_add_return(nslots, (local_t *)&log->head) - nslots;

	for (i = 0; i < nslots; i++) {
		struct cs_log_slot *s = &log->slot[(first + i) & mask];
		unsigned int off = i * CS_LOG_TEXT;
		unsigned int n = min_t(unsigned int, len - off, CS_LOG_TEXT);

		if (!len)
			n = 0;
		/* Invalidate first: a reader never sees old check + new text. */
		WRITE_ONCE(s->check, 0);
		barrier();
		s->seq = seq;
		s->cpu = cpu;
		s->ctx = ctx;
		s->cont = i ? 1 : 0;
		s->len = n;
		s->level = level;
		s->pad = 0;
		s->pad2 = 0;
		memcpy(s->text, buf + off, n);
		if (n < CS_LOG_TEXT)
			memset(s->text + n, 0, CS_LOG_TEXT - n);
		smp_wmb();	/* slot contents before its check word */
		WRITE_ONCE(s->check, cs_log_check(s));
	}
	preempt_enable_notrace();
}
NOKPROBE_SYMBOL(cs_log);

/*
 * Any context: copy slot @idx of @log if it is complete and still holds
 * index @idx (not overwritten by a wrap). Returns true on success.
 */
static bool cs_log_read_slot(struct cs_log *log, u64 idx,
			     struct cs_log_slot *out)
{
	const struct cs_log_slot *s = &log->slot[idx & (log->nr_slots - 1)];
	u32 check = READ_ONCE(s->check);

	if (!check)
		return false;
	smp_rmb();	/* check word before the contents */
	memcpy(out, s, sizeof(*out));
	smp_rmb();	/* contents before re-reading the check word */
	if (READ_ONCE(s->check) != check || out->check != check)
		return false;
	if (cs_log_check(out) != check || out->len > CS_LOG_TEXT)
		return false;
	/* Overwritten meanwhile by a newer lap? */
	if (READ_ONCE(log->head) - idx > log->nr_slots)
		return false;
	return true;
}

/* A reader's view of one CPU: the next message (first slot + conts). */
struct cs_log_cursor {
	u64 pos;	/* next slot index */
	u64 end;	/* head when the scan started */
};

/*
 * Process context: assemble the message starting at cur->pos into buf
 * (NUL-terminated). Returns its first slot's seq, 0 if there is none yet,
 * or skips damaged/overwritten slots. *ctx gets the writer's context,
 * *level its 1 + printk level.
 */
static u64 cs_log_next_msg(struct cs_log *log, struct cs_log_cursor *cur,
			   char *buf, size_t size, u8 *ctx, u8 *level,
			   bool *blocked)
{
	struct cs_log_slot s;
	size_t used = 0;
	u64 seq = 0;

	*blocked = false;
	if (cur->end - cur->pos > log->nr_slots)
		cur->pos = cur->end - log->nr_slots;	/* lost a lap */
	while (cur->pos < cur->end) {
		if (!cs_log_read_slot(log, cur->pos, &s)) {
			if (!seq)
				*blocked = true;
			break;
		}
		if (seq && !s.cont)
			break;			/* next message begins */
		if (!seq && s.cont) {
			cur->pos++;		/* orphan continuation */
			continue;
		}
		if (!seq) {
			seq = s.seq;
			*ctx = s.ctx;
			*level = s.level;
		}
		if (used + s.len < size) {
			memcpy(buf + used, s.text, s.len);
			used += s.len;
		}
		cur->pos++;
	}
	if (size)
		buf[min(used, size - 1)] = '\0';
	return seq;
}

static const char * const cs_ctx_name[] = {
	[CS_CTX_TASK] = "task", [CS_CTX_SOFTIRQ] = "softirq",
	[CS_CTX_HARDIRQ] = "irq", [CS_CTX_NMI] = "nmi",
};

static const char *cs_log_ctx_name(u8 ctx)
{
	return ctx < ARRAY_SIZE(cs_ctx_name) ? cs_ctx_name[ctx] : "?";
}

struct cs_log_merge {
	struct cs_log_cursor *cur;	/* per CPU */
	char (*msg)[CS_LOG_MSG_MAX];	/* per CPU: pending message */
	u64 *seq;			/* per CPU: its seq, 0 = none */
	u8 *ctx;
	u8 *level;
	bool *blocked;
};

static void cs_log_merge_free(struct cs_log_merge *m)
{
	kfree(m->cur);
	kfree(m->msg);
	kfree(m->seq);
	kfree(m->ctx);
	kfree(m->level);
	kfree(m->blocked);
}

static int cs_log_merge_alloc(struct cs_log_merge *m)
{
	unsigned int n = nr_cpu_ids;

	m->cur = kcalloc(n, sizeof(*m->cur), GFP_KERNEL);
	m->msg = kcalloc(n, sizeof(*m->msg), GFP_KERNEL);
	m->seq = kcalloc(n, sizeof(*m->seq), GFP_KERNEL);
	m->ctx = kcalloc(n, sizeof(*m->ctx), GFP_KERNEL);
	m->level = kcalloc(n, sizeof(*m->level), GFP_KERNEL);
	m->blocked = kcalloc(n, sizeof(*m->blocked), GFP_KERNEL);
	if (!m->cur || !m->msg || !m->seq || !m->ctx || !m->level ||
	    !m->blocked) {
		cs_log_merge_free(m);
		return -ENOMEM;
	}
	return 0;
}

/* Process context: refill the pending message of @cpu. */
static void cs_log_merge_fill(struct cs_log_merge *m, int cpu)
{
	struct cs_log *log = cs_log_of(cpu);

	m->seq[cpu] = 0;
	if (!log || !log->nr_slots)
		return;
	m->seq[cpu] = cs_log_next_msg(log, &m->cur[cpu], m->msg[cpu],
				      CS_LOG_MSG_MAX, &m->ctx[cpu],
				      &m->level[cpu], &m->blocked[cpu]);
}

/* Process context: the CPU whose pending message has the smallest seq. */
static int cs_log_merge_min(struct cs_log_merge *m)
{
	int cpu, best = -1;

	for_each_possible_cpu(cpu) {
		if (!m->seq[cpu])
			continue;
		if (best < 0 || m->seq[cpu] < m->seq[best])
			best = cpu;
	}
	return best;
}

/*
 * Process context: fill @cpu's next message, skipping unfinished slots
 * instead of stopping at them (the debugfs reader must not stop at a slot
 * whose writer was interrupted and has not finished it yet).
 */
static void cs_log_merge_fill_skip(struct cs_log_merge *m, int cpu)
{
	do {
		cs_log_merge_fill(m, cpu);
		if (m->seq[cpu] || !m->blocked[cpu])
			break;
		m->cur[cpu].pos++;
	} while (m->cur[cpu].pos < m->cur[cpu].end);
}

/* Process context: render the merged log of all CPUs (debugfs). */
void cs_log_show(struct seq_file *sf)
{
	struct cs_log_merge m;
	int cpu;

	if (cs_log_merge_alloc(&m)) {
		seq_puts(sf, "crashsafe: out of memory\n");
		return;
	}
	for_each_possible_cpu(cpu) {
		struct cs_log *log = cs_log_of(cpu);

		if (!log || !log->nr_slots)
			continue;
		m.cur[cpu].end = READ_ONCE(log->head);
		m.cur[cpu].pos = m.cur[cpu].end > log->nr_slots ?
				 m.cur[cpu].end - log->nr_slots : 0;
		cs_log_merge_fill_skip(&m, cpu);
	}
	while ((cpu = cs_log_merge_min(&m)) >= 0) {
		seq_printf(sf, "[%llu] cpu%d %s: %s\n", m.seq[cpu], cpu,
			   cs_log_ctx_name(m.ctx[cpu]), m.msg[cpu]);
		cs_log_merge_fill_skip(&m, cpu);
	}
	cs_log_merge_free(&m);
}

/* Process context: printk one message at its level (1 + LOGLEVEL_*). */
static void cs_log_print(u8 level, const char *msg)
{
	switch (level ? level - 1 : LOGLEVEL_INFO) {
	case LOGLEVEL_EMERG:
		pr_emerg("%s\n", msg);
		break;
	case LOGLEVEL_ALERT:
		pr_alert("%s\n", msg);
		break;
	case LOGLEVEL_CRIT:
		pr_crit("%s\n", msg);
		break;
	case LOGLEVEL_ERR:
		pr_err("%s\n", msg);
		break;
	case LOGLEVEL_WARNING:
		pr_warn("%s\n", msg);
		break;
	case LOGLEVEL_NOTICE:
		pr_notice("%s\n", msg);
		break;
	default:
		pr_info("%s\n", msg);
		break;
	}
}

/* Process context: print what was logged since the last round. */
static void cs_log_flush(struct cs_log_merge *m)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct cs_log *log = cs_log_of(cpu);

		m->seq[cpu] = 0;
		if (!log || !log->nr_slots)
			continue;
		m->cur[cpu].pos = cs_log_rpos[cpu];
		m->cur[cpu].end = READ_ONCE(log->head);
		cs_log_merge_fill(m, cpu);
		if (m->blocked[cpu] && ++cs_log_stall[cpu] > CS_LOG_STALL_ROUNDS) {
			/* A writer never finished this slot: skip it. */
			m->cur[cpu].pos++;
			cs_log_stall[cpu] = 0;
			cs_log_merge_fill(m, cpu);
		} else if (!m->blocked[cpu]) {
			cs_log_stall[cpu] = 0;
		}
	}
	while ((cpu = cs_log_merge_min(m)) >= 0) {
		cs_log_print(m->level[cpu], m->msg[cpu]);
		cs_log_merge_fill(m, cpu);
	}
	for_each_possible_cpu(cpu)
		cs_log_rpos[cpu] = m->cur[cpu].pos;
}

/*
 * The flusher's sleep timeout is a timer on the CPU it last ran on, and
 * that may be the very CPU that has just wedged with interrupts off (the
 * CSD victim): its timers never fire again and the report would wait for
 * the panic. A second timer, on the next online CPU, wakes it as well.
 */
static struct timer_list cs_log_kick;

/* Soft-IRQ context (timer): wake the flusher. */
static void cs_log_kick_fn(struct timer_list *t)
{
	wake_up_process(cs_log_thread);
}

/* Process context (the flusher): arm cs_log_kick on another CPU. */
static void cs_log_arm_kick(void)
{
	unsigned int cpu = raw_smp_processor_id(), next;

	/* Still pending: it sits on a CPU that did not fire it; leave it. */
	if (timer_pending(&cs_log_kick))
		return;
	next = cpumask_next(cpu, cpu_online_mask);
	if (next >= nr_cpu_ids)
		next = cpumask_first(cpu_online_mask);
	if (next >= nr_cpu_ids || next == cpu)
		return;
	cs_log_kick.expires = jiffies + msecs_to_jiffies(CS_LOG_FLUSH_MS) + 1;
	add_timer_on(&cs_log_kick, next);
}

static int cs_log_thread_fn(void *arg)
{
	struct cs_log_merge *m = arg;

	while (!kthread_should_stop()) {
		cs_log_flush(m);
		cs_log_arm_kick();
		schedule_timeout_interruptible(msecs_to_jiffies(CS_LOG_FLUSH_MS));
	}
	/* No kick may fire once this thread is gone. */
	timer_delete_sync(&cs_log_kick);
	cs_log_flush(m);
	return 0;
}

static struct cs_log_merge cs_log_flush_state;

int cs_log_init(void)
{
	int cpu;

	cs_log_rpos = kcalloc(nr_cpu_ids, sizeof(*cs_log_rpos), GFP_KERNEL);
	cs_log_stall = kcalloc(nr_cpu_ids, sizeof(*cs_log_stall), GFP_KERNEL);
	if (!cs_log_rpos || !cs_log_stall)
		goto nomem;
	if (cs_log_merge_alloc(&cs_log_flush_state))
		goto nomem;
	for_each_possible_cpu(cpu) {
		struct cs_log *log = cs_log_of(cpu);

		if (log)
			cs_log_rpos[cpu] = READ_ONCE(log->head);
	}
	timer_setup(&cs_log_kick, cs_log_kick_fn, 0);
	cs_log_thread = kthread_run(cs_log_thread_fn, &cs_log_flush_state,
				    "crashsafe_log");
	if (IS_ERR(cs_log_thread)) {
		int ret = PTR_ERR(cs_log_thread);

		cs_log_thread = NULL;
		cs_log_merge_free(&cs_log_flush_state);
		kfree(cs_log_rpos);
		kfree(cs_log_stall);
		return ret;
	}
	return 0;
nomem:
	kfree(cs_log_rpos);
	kfree(cs_log_stall);
	cs_log_rpos = NULL;
	cs_log_stall = NULL;
	return -ENOMEM;
}

void cs_log_exit(void)
{
	if (cs_log_thread)
		kthread_stop(cs_log_thread);
	cs_log_thread = NULL;
	cs_log_merge_free(&cs_log_flush_state);
	kfree(cs_log_rpos);
	kfree(cs_log_stall);
	cs_log_rpos = NULL;
	cs_log_stall = NULL;
}
