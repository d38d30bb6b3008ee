// SPDX-License-Identifier: GPL-2.0
/*
 * The analysis layer (see analysis.h): runs the readers (BTF, kernel
 * variables, tasks, stacks), then locks, the wait-for graph, the CSD
 * statistics, the panic CPU's frames and the verdict.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_priv.h"

#define PAGE 4096u

const char *an_wait_kind_name(enum an_wait_kind k)
{
	static const char *const n[] = { "none", "spinlock", "csd", "task", "mutex", "rwsem",
					      "completion" };

	return (unsigned int)k < sizeof(n) / sizeof(n[0]) ? n[k] : "none";
}

const char *an_verdict_name(enum an_verdict_kind k)
{
	static const char *const n[] = { "unknown", "csd_hang", "deadlock", "hung_task",
		"soft_lockup", "rcu_stall", "hard_lockup", "sysrq" };

	return (unsigned int)k < sizeof(n) / sizeof(n[0]) ? n[k] : "unknown";
}

int an_read_stack(struct an_env *e, uint64_t sp, uint64_t top, uint8_t **buf,
		  uint64_t *base, size_t *len)
{
	uint64_t a, end;
	uint8_t *b;
	int any = 0;

	*buf = NULL;
	*len = 0;
	if (sp < 0xffff800000000000ull)
		return -1;
	sp &= ~7ull;
	if (!top)
		top = (sp | (STACK_SIZE - 1)) + 1;
	if (top <= sp || top - sp > STACK_SIZE)
		return -1;
	b = calloc(1, top - sp);
	if (!b)
		return -1;
	/* page by page: an unreadable page reads as zeros */
	for (a = sp; a < top; a = end) {
		end = (a | (PAGE - 1)) + 1;
		if (end > top)
			end = top;
		if (!dump_read_virt(e->kv.d, a, b + (a - sp), end - a))
			any = 1;
	}
	if (!any) {
		free(b);
		return -1;
	}
	*buf = b;
	*base = sp;
	*len = top - sp;
	return 0;
}

void an_sym(struct an_env *e, uint64_t addr, int ret, char *buf, size_t len)
{
	if ((ret ? sym_ret : sym)(e->c, addr, buf, len))
		buf[0] = 0;
}

void an_fn(struct an_env *e, uint64_t addr, int ret, char *buf, size_t len)
{
	an_sym(e, addr, ret, buf, len);
	if (!strncmp(buf, "0x", 2))
		buf[0] = 0;
	buf[strcspn(buf, "+ ")] = 0;
}

int an_is_text(void *env, uint64_t addr)
{
	return kvar_is_text(&((struct an_env *)env)->kv, addr);
}

/*
 * A return address for the stack scans: kernel text, and not the start
 * of a function (that is a function pointer, not a place a call returns
 * to). Cheaper than reading the code before it for the call instruction
 * (a page of the dump per function); the symbol is needed for the frame
 * anyway.
 */
int an_is_ret(void *env, uint64_t addr)
{
	struct an_env *e = env;
	char s[160];

	if (!kvar_is_text(&e->kv, addr))
		return 0;
	an_sym(e, addr, 0, s, sizeof(s));
	return s[0] && !strstr(s, "+0x0/");
}

int an_read_code(void *env, uint64_t addr, uint8_t *buf, size_t n)
{
	return dump_read_virt(((struct an_env *)env)->kv.d, addr, buf, n);
}

/*
 * Top of @cpu's hard-IRQ stack (per-CPU hardirq_stack_ptr, in pcpu_hot
 * on 6.12, a variable of its own on 6.1, points at its last slot, which
 * holds the interrupted stack pointer); 0 if unknown.
 */
static uint64_t irq_stack_top(struct an_env *e, unsigned int cpu)
{
	uint64_t p = 0, o;

	/* the symbol first: asking BTF for a type it lacks reads all of it */
	if (kvar_sym(&e->kv, "pcpu_hot") &&
	    !kbtf_member(e->btf, "pcpu_hot", "hardirq_stack_ptr", &o, NULL))
		p = kvar_percpu(&e->kv, "pcpu_hot", cpu);
	else if ((p = kvar_percpu(&e->kv, "hardirq_stack_ptr", cpu)))
		o = 0;
	if (!p || dump_read_virt(e->kv.d, p + o, &p, 8) || p < 0xffff800000000000ull)
		return 0;
	return p + 8;
}

/*
 * The interrupted RIP: the IRET frame the interrupt entry pushed on the
 * interrupted stack (RIP, CS 0x10, RFLAGS, RSP, SS 0x18 or 0), in the
 * pt_regs just above the saved stack pointer. 0 if not found.
 */
static uint64_t iret_rip(struct an_env *e, const uint8_t *stk, size_t len, size_t *off)
{
	uint64_t v[5];
	size_t k;

	for (k = 0; k + 40 <= len && k < 1024; k += 8) {
		memcpy(v, stk + k, sizeof(v));
		if (v[1] == 0x10 && (v[4] == 0x18 || v[4] == 0) &&
		    v[3] >= 0xffff800000000000ull && (v[2] & 0x2) && an_is_text(e, v[0])) {
			*off = k;
			return v[0];
		}
	}
	return 0;
}

/* Stack of @sp, reading to the IRQ stack's real top when it is on it, and
 * then the interrupted stack too. */
static void read_stacks(struct an_env *e, unsigned int i, struct an_cpuctx *cc)
{
	uint64_t top = irq_stack_top(e, i), prev;

	if (top && cc->r.sp < top && top - cc->r.sp <= STACK_SIZE) {
		if (an_read_stack(e, cc->r.sp, top, &cc->stk, &cc->base, &cc->len))
			return;
		memcpy(&prev, cc->stk + cc->len - 8, 8);
		if (prev >= 0xffff800000000000ull && (prev < cc->base || prev >= top) &&
		    !an_read_stack(e, prev, 0, &cc->stk2, &cc->base2, &cc->len2))
			cc->irq_rip = iret_rip(e, cc->stk2, cc->len2, &cc->irq_rip_off);
		/* the IRET frame ends the interrupted context's pt_regs (ip is
		 * its 17th word, the layout of struct cs_regs) */
		if (cc->irq_rip && cc->irq_rip_off >= 16 * 8) {
			memcpy(&cc->ir, cc->stk2 + cc->irq_rip_off - 16 * 8, sizeof(cc->ir));
			cc->have_ir = cc->ir.ip == cc->irq_rip;
		}
		return;
	}
	an_read_stack(e, cc->r.sp, 0, &cc->stk, &cc->base, &cc->len);
}

void an_need_stack(struct an_env *e, unsigned int i)
{
	struct an_cpuctx *cc;

	if (i >= e->a->ncpus)
		return;
	cc = &e->cc[i];
	if (cc->stack_tried || !cc->have)
		return;
	cc->stack_tried = 1;
	read_stacks(e, i, cc);
}

int an_idling(struct an_env *e, unsigned int i)
{
	const struct an_cpu *ac = &e->a->cpu[i];
	const char *s = ac->rip_sym;

	return ac->task.valid && ac->task.idle &&
	       (strstr(s, "idle") || strstr(s, "halt") || strstr(s, "mwait"));
}

static void cpu_context(struct an_env *e, unsigned int i)
{
	struct ctx *c = e->c;
	struct an_cpuctx *cc = &e->cc[i];
	struct an_cpu *ac = &e->a->cpu[i];
	const struct an_task *t = NULL;
	struct an_task tmp;
	uint32_t pid;
	size_t k;

	ac->present = 1;
	if (c->found && i < c->rec.nr_cpus && c->rec.cpu && c->rec.cpu[i].valid &&
	    (c->rec.cpu[i].st.cap.flags & CS_CAP_VALID)) {
		cc->r = c->rec.cpu[i].st.cap.regs;
		cc->from = "record";
		cc->have = 1;
	} else if (!dump_cpu_regs(c->d, (int)i, &cc->r)) {
		cc->from = "prstatus";
		cc->have = 1;
	}
	if (cc->have) {
		ac->have_regs = 1;
		ac->rip = cc->r.ip;
		an_sym(e, cc->r.ip, 0, ac->rip_sym, sizeof(ac->rip_sym));
		/* stacks: an_need_stack(), when something needs them */
	}
	if (e->have_tasks && e->ts.cur && i < e->ts.ncpus && e->ts.cur[i])
		t = tasks_get(&e->ts, &e->kv, e->ts.cur[i], &tmp);
	if (!t && e->have_tasks && !dump_cpu_pid(c->d, (int)i, &pid) && pid)
		for (k = 0; k < e->ts.n && !t; k++)
			if (e->ts.t[k].pid == (int)pid)
				t = &e->ts.t[k];
	if (t) {
		ac->task = *t;
		ac->task.cpu = (int)i;
	} else if (!dump_cpu_pid(c->d, (int)i, &pid)) {
		/* its task_struct is not in the dump: the note's pid only */
		ac->task.valid = 1;
		ac->task.pid = (int)pid;
		ac->task.idle = pid == 0;
		ac->task.state = '?';
		ac->task.cpu = (int)i;
		ac->task.addr = e->ts.cur && i < e->ts.ncpus ? e->ts.cur[i] : 0;
		snprintf(ac->task.comm, sizeof(ac->task.comm), "%s", pid ? "?" : "swapper");
	}
	ac->wait.owner_cpu = ac->wait.owner_pid = ac->wait.target_cpu = -1;
}

/* ---- the panic CPU's frames -------------------------------------------- */

static void add_frame(struct analysis *a, struct an_env *e, uint64_t addr, int ret,
		      const char *fn, const char *src)
{
	struct an_frame *f;

	if (a->npframes >= AN_MAX_FRAMES)
		return;
	f = &a->pframes[a->npframes++];
	f->addr = addr;
	f->source = src;
	if (fn)
		snprintf(f->fn, sizeof(f->fn), "%s", fn);
	else
		an_sym(e, addr, ret, f->fn, sizeof(f->fn));
	if (!f->fn[0])
		snprintf(f->fn, sizeof(f->fn), "0x%" PRIx64, addr);
}

/* Return addresses on [base, base+len) past slot @after (0 = none). */
static void scan_frames(struct an_env *e, const uint8_t *stk, size_t len,
			uint64_t base, uint64_t after)
{
	struct analysis *a = e->a;
	uint64_t addrs[AN_MAX_FRAMES], slots[AN_MAX_FRAMES];
	size_t n, k, skip = 0;

	if (!stk)
		return;
	if (after >= base && after < base + len)
		skip = (size_t)(after - base) + 8;
	n = stack_return_addrs(stk + skip, len - skip, base + skip, an_is_ret,
			       NULL, e, addrs, slots, AN_MAX_FRAMES);
	for (k = 0; k < n; k++)
		add_frame(a, e, addrs[k], 1, NULL, "stack-scan");
}

static void log_frames(struct an_env *e)
{
	const struct dump_log_line *ll;
	size_t nl, i, start = 0;
	char err[80];
	int intrace = 0;

	if (dump_log(e->c->d, &ll, &nl, err, sizeof(err)))
		return;
	for (i = 0; i < nl; i++)
		if (strstr(ll[i].text, "Kernel panic - not syncing"))
			break;
	if (i == nl)
		return;
	start = i;
	for (i = start; i < nl && i < start + 400; i++) {
		const char *t = ll[i].text;
		char fn[160];
		size_t n;

		while (*t == ' ' || *t == '\t')
			t++;
		if (!intrace) {
			intrace = !!strstr(t, "Call Trace:");
			continue;
		}
		if (!strncmp(t, "</TASK>", 7) || !strncmp(t, "---[", 4) ||
		    !strncmp(t, "Kernel Offset", 13))
			break;
		if (*t == '?' || *t == '<' || !strstr(t, "+0x"))
			continue;
		n = strcspn(t, "\n");
		snprintf(fn, sizeof(fn), "%.*s", (int)(n < 159 ? n : 159), t);
		add_frame(e->a, e, 0, 0, fn, "log");
	}
}

static void panic_frames(struct an_env *e)
{
	struct ctx *c = e->c;
	struct analysis *a = e->a;
	const struct cs_capture *cap = NULL;
	const struct an_cpuctx *cc;
	uint64_t after = 0, where;
	unsigned int i, n = 0;
	int p = c->panic_cpu;

	if (p < 0 || (unsigned int)p >= a->ncpus)
		return;
	cc = &e->cc[p];
	an_need_stack(e, (unsigned int)p);
	if (c->found && (unsigned int)p < c->rec.nr_cpus && c->rec.cpu &&
	    c->rec.cpu[p].valid && (c->rec.cpu[p].st.cap.flags & CS_CAP_VALID)) {
		cap = &c->rec.cpu[p].st.cap;
		n = cap->nr_frames < CS_MAX_FRAMES ? cap->nr_frames : CS_MAX_FRAMES;
	}
	for (i = 0; i < n; i++)
		add_frame(a, e, cap->frames[i], i > 0, NULL, "orc");
	if (cc->stk) {
		if (n > 1 && stack_find_value(cc->stk, cc->len, cc->base,
					      cap->frames[n - 1], &where, 1))
			after = where;
		else if (!n)
			add_frame(a, e, cc->r.ip, 0, NULL, "stack-scan");
		scan_frames(e, cc->stk, cc->len, cc->base, after);
		/* the interrupted stack: the entry code's frames below its
		 * IRET frame, the interrupted RIP, then its callers */
		if (cc->irq_rip) {
			scan_frames(e, cc->stk2, cc->irq_rip_off, cc->base2, 0);
			add_frame(a, e, cc->irq_rip, 0, NULL, "stack-scan");
			scan_frames(e, cc->stk2, cc->len2, cc->base2,
				    cc->base2 + cc->irq_rip_off + 32);
		} else {
			scan_frames(e, cc->stk2, cc->len2, cc->base2, 0);
		}
	}
	if (a->npframes <= n + 1)
		log_frames(e);
}

/* ---- verdict -------------------------------------------------------------- */

static int log_find(struct ctx *c, const char *needle, const char **text)
{
	const struct dump_log_line *ll;
	size_t nl, i;
	char err[80];

	if (dump_log(c->d, &ll, &nl, err, sizeof(err)))
		return -1;
	for (i = nl; i-- > 0;)
		if (strstr(ll[i].text, needle)) {
			*text = strstr(ll[i].text, needle);
			return 0;
		}
	return -1;
}

static void fmt_ms(char *buf, size_t len, uint64_t ns)
{
	if (ns >= 1000000ull)
		snprintf(buf, len, "%" PRIu64 ".%03" PRIu64 " ms", ns / UINT64_C(1000000),
			 ns / 1000 % 1000);
	else
		snprintf(buf, len, "%" PRIu64 " us", ns / 1000);
}

static void set_culprit_cpu_at(struct analysis *a, int cpu, const char *fn);

/* The culprit CPU, and what it runs: for a CPU in an interrupt (the one
 * that panicked from its timer, one the crash stop's IPI caught), the
 * interrupted function, not the handler. */
static void set_culprit_cpu(struct an_env *e, int cpu)
{
	char fn[160] = "";

	if (cpu >= 0 && (unsigned int)cpu < e->a->ncpus) {
		an_need_stack(e, (unsigned int)cpu);
		/* in an interrupt (the panic, or the crash stop's IPI as the
		 * NT_PRSTATUS note shows it): what it interrupted */
		if (e->cc[cpu].irq_rip)
			an_sym(e, e->cc[cpu].irq_rip, 0, fn, sizeof(fn));
	}
	set_culprit_cpu_at(e->a, cpu, fn);
}

static void set_culprit_cpu_at(struct analysis *a, int cpu, const char *fn)
{
	struct an_verdict *v = &a->verdict;
	unsigned int k;

	if (cpu < 0 || (unsigned int)cpu >= a->ncpus)
		return;
	v->have_culprit = 1;
	v->c_cpu = cpu;
	if (a->cpu[cpu].task.valid) {
		v->c_pid = a->cpu[cpu].task.pid;
		snprintf(v->c_comm, sizeof(v->c_comm), "%s", a->cpu[cpu].task.comm);
	}
	snprintf(v->c_function, sizeof(v->c_function), "%s", fn && *fn ? fn : a->cpu[cpu].rip_sym);
	for (k = 0; k < a->nlocks; k++)
		if (a->locks[k].owner_cpu == cpu) {
			snprintf(v->c_lock, sizeof(v->c_lock), "%s", a->locks[k].name[0] ?
				 a->locks[k].name : "(unnamed lock)");
			break;
		}
}

static void culprit_from_hung(struct an_env *e)
{
	struct analysis *a = e->a;
	struct an_verdict *v = &a->verdict;
	unsigned int k;

	for (k = 0; k < a->nhung; k++) {
		const struct an_wait *w = &a->hung[k].wait;

		if (w->owner_pid < 0)
			continue;
		if (w->owner_cpu >= 0) {
			set_culprit_cpu(e, w->owner_cpu);
		} else {
			v->have_culprit = 1;
			v->c_cpu = -1;
			v->c_pid = w->owner_pid;
			snprintf(v->c_comm, sizeof(v->c_comm), "%s", w->owner_comm);
		}
		snprintf(v->c_lock, sizeof(v->c_lock), "%s", w->lock_name[0] ?
			 w->lock_name : "(unnamed lock)");
		if (!w->lock_name[0])
			snprintf(v->c_lock, sizeof(v->c_lock), "0x%" PRIx64, w->lock);
		return;
	}
}

static void csd_numbers(struct analysis *a, char *buf, size_t len)
{
	const struct an_csd_stat *top = NULL;
	char mx[32], p99[32];
	uint64_t maxns = 0;
	unsigned int k, s;
	size_t off;

	for (k = 0; k < a->nstats; k++) {
		if (a->stats[k].max_ns > maxns)
			maxns = a->stats[k].max_ns;
		if (!top || a->stats[k].requests > top->requests)
			top = &a->stats[k];
	}
	fmt_ms(mx, sizeof(mx), maxns);
	off = (size_t)snprintf(buf, len, "%" PRIu64 " requests, %" PRIu64
			       " completed, slowest %s", a->csd_requests,
			       a->csd_completed, mx);
	if (top && off < len) {
		fmt_ms(mx, sizeof(mx), top->max_ns);
		fmt_ms(p99, sizeof(p99), top->p99_ns);
		off += (size_t)snprintf(buf + off, len - off,
			" (busiest %s: %" PRIu64 " requests, %" PRIu64 " completed, max %s, p99 %s, top senders",
			top->name, top->requests, top->completed, mx, p99);
		for (s = 0; s < top->ntop && off < len; s++)
			off += (size_t)snprintf(buf + off, len - off, "%s CPU%u x%" PRIu64,
						s ? "," : "", top->top[s].cpu,
						top->top[s].count);
		if (off < len)
			snprintf(buf + off, len - off, ")");
	}
}

static void verdict(struct an_env *e)
{
	struct ctx *c = e->c;
	struct analysis *a = e->a;
	struct an_verdict *v = &a->verdict;
	const char *msg = c->panic_msg ? c->panic_msg : "", *t;
	int panicked_hang = -1, panicked_lockup = -1;
	unsigned int k;
	char who[320] = "", nums[512];

	v->c_cpu = v->c_pid = -1;
	for (k = 0; c->found && k < c->rec.nhang; k++)
		if (c->rec.hang[k].flags & CS_HANG_PANICKED)
			panicked_hang = (int)k;
	for (k = 0; c->found && k < c->rec.nlockup; k++)
		if (c->rec.lockup[k].flags & CS_HANG_PANICKED)
			panicked_lockup = (int)k;
	if (panicked_hang >= 0 || strstr(msg, "non-responsive CSD"))
		v->kind = AN_V_CSD_HANG;
	else if (a->ncycles)
		v->kind = AN_V_DEADLOCK;
	else if (strstr(msg, "soft lockup") || strstr(msg, "softlockup"))
		v->kind = AN_V_SOFT_LOCKUP;
	else if (strstr(msg, "hung_task") || strstr(msg, "hung task") ||
		 strstr(msg, "blocked tasks"))
		v->kind = AN_V_HUNG_TASK;
	else if (strstr(msg, "RCU Stall") || strstr(msg, "rcu_sched") ||
		 strstr(msg, "RCU stall"))
		v->kind = AN_V_RCU_STALL;
	else if (panicked_lockup >= 0 || strstr(msg, "Hard LOCKUP") ||
		 strstr(msg, "hard LOCKUP"))
		v->kind = AN_V_HARD_LOCKUP;
	else if (strstr(msg, "sysrq") || strstr(msg, "SysRq"))
		v->kind = AN_V_SYSRQ;
	else if (c->found && c->rec.nhang)
		v->kind = AN_V_CSD_HANG;

	if (!c->found || !a->have_stats)
		v->csd_healthy = -1;
	else
		v->csd_healthy = c->rec.nhang == 0;

	switch (v->kind) {
	case AN_V_CSD_HANG:
		k = panicked_hang >= 0 ? (unsigned int)panicked_hang : 0;
		if (c->found && k < c->rec.nhang) {
			set_culprit_cpu(e, (int)c->rec.hang[k].target_cpu);
			break;
		}
		/* no record: the target the panic CPU (else any CPU) waits for */
		for (k = 0; k <= a->ncpus; k++) {
			int cpu = k == 0 ? c->panic_cpu : (int)k - 1;

			if (cpu >= 0 && (unsigned int)cpu < a->ncpus &&
			    a->cpu[cpu].wait.kind == AN_WAIT_CSD &&
			    a->cpu[cpu].wait.target_cpu >= 0) {
				set_culprit_cpu(e, a->cpu[cpu].wait.target_cpu);
				break;
			}
		}
		break;
	case AN_V_DEADLOCK:
		set_culprit_cpu(e, a->cycles[0].nodes[0].cpu);
		break;
	case AN_V_SOFT_LOCKUP:
		if (!log_find(c, "soft lockup - CPU#", &t))
			set_culprit_cpu(e, atoi(t + strlen("soft lockup - CPU#")));
		break;
	case AN_V_HARD_LOCKUP:
		if (panicked_lockup >= 0)
			set_culprit_cpu(e, (int)c->rec.lockup[panicked_lockup].cpu);
		else if ((t = strstr(msg, "LOCKUP on CPU ")))
			set_culprit_cpu(e, atoi(t + strlen("LOCKUP on CPU ")));
		break;
	case AN_V_HUNG_TASK:
	case AN_V_RCU_STALL:
		culprit_from_hung(e);
		break;
	default:
		break;
	}
	if (v->kind == AN_V_HUNG_TASK && !v->have_culprit)
		culprit_from_hung(e);
	if (v->have_culprit) {
		size_t off = 0;

		if (v->c_cpu >= 0)
			off += (size_t)snprintf(who + off, sizeof(who) - off, "CPU%d ", v->c_cpu);
		if (v->c_pid >= 0)
			off += (size_t)snprintf(who + off, sizeof(who) - off, "task %s/%d ",
						v->c_comm, v->c_pid);
		if (v->c_function[0] && off < sizeof(who))
			off += (size_t)snprintf(who + off, sizeof(who) - off, "in %s ",
						v->c_function);
		if (v->c_lock[0] && off < sizeof(who))
			off += (size_t)snprintf(who + off, sizeof(who) - off, "holding %s ",
						v->c_lock);
		if (off && off <= sizeof(who))
			who[off - 1] = 0;
	}
	switch (v->kind) {
	case AN_V_DEADLOCK:
		snprintf(v->text, sizeof(v->text), "%s", a->cycles[0].text);
		break;
	case AN_V_SOFT_LOCKUP:
	case AN_V_HUNG_TASK:
	case AN_V_RCU_STALL:
		if (v->csd_healthy == 1) {
			csd_numbers(a, nums, sizeof(nums));
			snprintf(v->text, sizeof(v->text),
				 "%s, not the IPI: CSD machinery healthy (%s); look at %s",
				 v->kind == AN_V_SOFT_LOCKUP ? "soft lockup" :
				 v->kind == AN_V_HUNG_TASK ? "hung task" : "RCU stall",
				 nums, who[0] ? who : "the long-running task");
			break;
		}
		/* fall through */
	default:
		/* a cycle behind a CSD hang (lock-csd) is named with it */
		snprintf(v->text, sizeof(v->text), "%s%s%s%s%s",
			 an_verdict_name(v->kind), who[0] ? ": " : "", who,
			 a->ncycles ? "; " : "", a->ncycles ? a->cycles[0].text : "");
	}
}

void analysis_run(struct ctx *c, struct analysis *a)
{
	struct an_env e;
	unsigned int i, n;

	/* @a comes zeroed (calloc): a memset would fault in all its pages */
	memset(&e, 0, sizeof(e));
	e.c = c;
	e.a = a;
	n = c->found && c->rec.nr_cpus ? c->rec.nr_cpus : 0;
	if (!n && dump_nr_cpus(c->d) > 0)
		n = (unsigned int)dump_nr_cpus(c->d);
	if (n > AN_MAX_CPUS)
		n = AN_MAX_CPUS;
	a->cpu = calloc(n ? n : 1, sizeof(*a->cpu));
	e.cc = calloc(n ? n : 1, sizeof(*e.cc));
	if (!a->cpu || !e.cc) {
		free(e.cc);
		return;
	}
	a->ncpus = n;
	e.btf = c->btf ? c->btf : kbtf_open_lazy(c->d, c->o.cache_dir);
	c->btf = NULL;		/* ours now */
	a->btf_ok = kbtf_ok(e.btf, a->btf_note, sizeof(a->btf_note));
	kvar_init(&e.kv, c->d, e.btf, n);
	if (!c->ms && a->btf_ok) {
		/* module text symbols from the module list (kept: needs BTF
		 * offsets only at first use, read now) */
		a->modsym_kv = calloc(1, sizeof(*a->modsym_kv));
		if (a->modsym_kv) {
			kvar_init(a->modsym_kv, c->d, e.btf, 0);
			kvar_is_text(a->modsym_kv, ~0ull);	/* reads the list */
			dump_set_sym_fallback(c->d, kvar_mod_symbolize, a->modsym_kv);
		}
	}
	e.have_tasks = a->btf_ok && !tasks_load(&e.ts, &e.kv, e.btf, n, c->o.all);
	a->ntasks = (unsigned int)e.ts.n;
	a->tasks_walked = e.ts.walked;
	snprintf(a->tasks_note, sizeof(a->tasks_note), "%s", e.ts.note);
	if (e.ts.nlost)
		snprintf(a->tasks_note + strlen(a->tasks_note),
			 sizeof(a->tasks_note) - strlen(a->tasks_note),
			 "%s%zu task(s) with state ?: that page of their task_struct is not in the dump",
			 a->tasks_note[0] ? "; " : "", e.ts.nlost);
	for (i = 0; i < n; i++)
		cpu_context(&e, i);
	if (a->btf_ok) {
		locks_cpu_waits(&e);
		locks_hung_tasks(&e);
	}
	waitgraph_build(a);
	csd_stats_build(c, a);
	panic_frames(&e);
	verdict(&e);
	for (i = 0; i < n; i++) {
		free(e.cc[i].stk);
		free(e.cc[i].stk2);
	}
	free(e.cc);
	tasks_free(&e.ts);
	kvar_free(&e.kv);
	kbtf_save(e.btf);
	if (!a->modsym_kv)
		kbtf_free(e.btf);
	else
		a->modsym_btf = e.btf;	/* the module list reader's symbols */
}

void analysis_free(struct ctx *c, struct analysis *a)
{
	if (a->modsym_kv) {
		dump_set_sym_fallback(c->d, NULL, NULL);
		kvar_free(a->modsym_kv);
		free(a->modsym_kv);
		a->modsym_kv = NULL;
	}
	kbtf_free(a->modsym_btf);
	a->modsym_btf = NULL;
	free(a->cpu);
	a->cpu = NULL;
	a->ncpus = 0;
}
