// SPDX-License-Identifier: GPL-2.0
/* Tasks from the dump (see tasks.h). All list walks are bounded. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "dump.h"
#include "kvar.h"
#include "tasks.h"

#define PF_IDLE		0x00000002u

char tasks_state_char(uint64_t state, uint64_t exit_state)
{
	/* as the kernel's task_state_index(): TASK_REPORT bits */
	if (exit_state & 0x10)
		return 'X';
	if (exit_state & 0x20)
		return 'Z';
	if ((state & 0x402) == 0x402)	/* TASK_IDLE = D | NOLOAD */
		return 'I';
	if (state & 0x80)		/* TASK_DEAD */
		return 'X';
	if (state & 0x1)
		return 'S';
	if (state & 0x2)
		return 'D';
	if (state & 0x4)
		return 'T';
	if (state & 0x8)
		return 't';
	if (state & 0x40)		/* TASK_PARKED: sleeping */
		return 'S';
	if (state == 0)
		return 'R';
	return '?';
}

/* Little-endian field of @n bytes (1..8) at @off of the task copy. */
static uint64_t field(const struct tasks *ts, const uint8_t *buf, uint64_t off, size_t n)
{
	uint64_t v = 0;

	if (off < ts->span_lo || off - ts->span_lo + n > ts->span_len || n > 8)
		return 0;
	memcpy(&v, buf + (off - ts->span_lo), n);
	return v;
}

int tasks_read(struct tasks *ts, struct kvar *kv, uint64_t addr, struct an_task *t)
{
	uint8_t buf[TASKS_MAX_SPAN];
	uint64_t st, ex, flags, cpu;
	size_t i;

	memset(t, 0, sizeof(*t));
	t->cpu = -1;
	/* one read of the span of every field used (one address translation) */
	if (!addr || !ts->span_len ||
	    dump_read_virt(kv->d, addr + ts->span_lo, buf, ts->span_len))
		return -1;
	/* a page the dump left out reads as zeros: no task there */
	for (i = 0; i < ts->span_len && !buf[i]; i++)
		;
	if (i == ts->span_len || !buf[ts->o_comm - ts->span_lo])
		return -1;	/* (every task has a name; its page is missing) */
	memcpy(t->comm, buf + (ts->o_comm - ts->span_lo), AN_COMM);
	t->comm[AN_COMM] = 0;
	for (i = 0; t->comm[i]; i++)
		if ((unsigned char)t->comm[i] < 0x20 || (unsigned char)t->comm[i] >= 0x7f)
			t->comm[i] = '?';
	st = field(ts, buf, ts->o_state, ts->state_size <= 8 ? ts->state_size : 8);
	ex = ts->o_exit ? field(ts, buf, ts->o_exit, 4) : 0;
	flags = field(ts, buf, ts->o_flags, 4);
	t->stack = field(ts, buf, ts->o_stack, 8);
	if (st & 0x2)	/* the stack of a sleeper in D */
		dump_read_virt(kv->d, addr + ts->o_sp, &t->sp, 8);
	/*
	 * A task_struct that straddles a page the dump left out reads as
	 * zeros there (makedumpfile 1.7.6 -d 31 drops such slab pages of
	 * 7.x kernels): a zero state is then unknown, not running.
	 */
	if (!st && dump_virt_in_dump(kv->d, addr + ts->o_state) == 0) {
		t->state = '?';
		ts->nlost++;
	} else {
		t->state = tasks_state_char(st, ex);
	}
	cpu = ts->have_cpu ? field(ts, buf, ts->o_cpu, 4) : ~0ull;
	if (cpu < KVAR_MAX_CPUS)
		t->cpu = (int)cpu;
	t->addr = addr;
	t->pid = (int)field(ts, buf, ts->o_pid, 4);
	t->idle = t->pid == 0 || (flags & PF_IDLE);
	t->valid = 1;
	t->list_next = field(ts, buf, ts->o_tasks, 8);
	t->list_prev = field(ts, buf, ts->o_tasks + 8, 8);
	t->signal = ts->o_signal ? field(ts, buf, ts->o_signal, 8) : 0;
	t->thread_next = ts->o_tnode ? field(ts, buf, ts->o_tnode, 8) : 0;
	return 0;
}

/* The span [lo, hi) of the fields tasks_read() uses; -1 if too wide. */
static int set_span(struct tasks *ts)
{
	/* not thread.sp, far beyond the rest: read for D tasks only */
	const uint64_t o[] = { ts->o_pid, ts->o_comm, ts->o_state, ts->o_stack,
		ts->o_flags, ts->o_tasks, ts->o_exit, ts->have_cpu ? ts->o_cpu : ts->o_pid,
		ts->o_signal ? ts->o_signal : ts->o_pid, ts->o_tnode ? ts->o_tnode : ts->o_pid };
	const uint64_t sz[] = { 4, AN_COMM, ts->state_size, 8, 4, 16, 4, 4, 8, 8 };	/* tasks: next, prev */
	uint64_t lo = ~0ull, hi = 0;
	size_t k;

	for (k = 0; k < sizeof(o) / sizeof(o[0]); k++) {
		if (o[k] < lo)
			lo = o[k];
		if (o[k] + sz[k] > hi)
			hi = o[k] + sz[k];
	}
	if (hi - lo > TASKS_MAX_SPAN || ts->state_size > 8)
		return -1;
	ts->span_lo = lo;
	ts->span_len = hi - lo;
	return 0;
}

static int push(struct tasks *ts, size_t *cap, struct kvar *kv, uint64_t addr)
{
	if (ts->n >= TASKS_MAX)
		return -1;
	if (ts->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		struct an_task *nt = realloc(ts->t, nc * sizeof(*nt));

		if (!nt)
			return -1;
		ts->t = nt;
		*cap = nc;
	}
	if (tasks_read(ts, kv, addr, &ts->t[ts->n]))
		return -1;
	ts->n++;
	return 0;
}

/*
 * 1 when every runqueue's nr_uninterruptible reads and they sum to 0, as
 * the kernel's nr_uninterruptible() sums them for the load average: no
 * task is in D (TASK_UNINTERRUPTIBLE without TASK_NOLOAD) on any CPU,
 * online or not. 0 when anything is unreadable or the sum is not 0.
 */
static int no_d_task(struct tasks *ts, struct kvar *kv, const struct kbtf *btf)
{
	uint64_t o, sz, rq, v, sum = 0;
	unsigned int cpu, n = 0;

	if (kbtf_member(btf, "rq", "nr_uninterruptible", &o, &sz) ||
	    (sz != 4 && sz != 8))
		return 0;
	for (cpu = 0; cpu < kv->ncpus; cpu++) {
		rq = kvar_percpu(kv, "runqueues", cpu);
		if (!rq)
			continue;	/* not possible: counted below */
		v = 0;
		/* a runqueue page the dump left out reads as 0: unknown */
		if (dump_read_virt(kv->d, rq + o, &v, sz) ||
		    dump_virt_in_dump(kv->d, rq + o) == 0)
			return 0;
		sum += v;
		n++;
	}
	if (!n || n < ts->ncpus)
		return 0;
	/* the per-CPU counts may be negative; the sum is in their width */
	if (sz == 4)
		sum &= 0xffffffffu;
	if (sum)
		return 0;
	snprintf(ts->note, sizeof(ts->note),
		 "task list not walked: the %u runqueues count no task in D state", n);
	return 1;
}

int tasks_load(struct tasks *ts, struct kvar *kv, const struct kbtf *btf,
	       unsigned int ncpus, int walk_always)
{
	uint64_t o_tasks, o_signal, o_thead, o_tnode, init, p, o_cur = 0, pc;
	const char *curvar = NULL;
	size_t cap = 0, guard = 0;
	unsigned int cpu;
	int threads;

	memset(ts, 0, sizeof(*ts));
	if (!btf ||
	    kbtf_member(btf, "task_struct", "pid", &ts->o_pid, NULL) ||
	    kbtf_member(btf, "task_struct", "comm", &ts->o_comm, NULL) ||
	    kbtf_member(btf, "task_struct", "stack", &ts->o_stack, NULL) ||
	    kbtf_member(btf, "task_struct", "thread.sp", &ts->o_sp, NULL) ||
	    kbtf_member(btf, "task_struct", "flags", &ts->o_flags, NULL) ||
	    kbtf_member(btf, "task_struct", "tasks", &o_tasks, NULL) ||
	    (kbtf_member(btf, "task_struct", "__state", &ts->o_state, &ts->state_size) &&
	     kbtf_member(btf, "task_struct", "state", &ts->o_state, &ts->state_size))) {
		snprintf(ts->note, sizeof(ts->note), "BTF has no usable task_struct");
		return -1;
	}
	kbtf_member(btf, "task_struct", "exit_state", &ts->o_exit, NULL);
	ts->have_cpu = !kbtf_member(btf, "task_struct", "thread_info.cpu", &ts->o_cpu, NULL) ||
		       !kbtf_member(btf, "task_struct", "cpu", &ts->o_cpu, NULL);
	threads = !kbtf_member(btf, "task_struct", "signal", &o_signal, NULL) &&
		  !kbtf_member(btf, "signal_struct", "thread_head", &o_thead, NULL) &&
		  !kbtf_member(btf, "task_struct", "thread_node", &o_tnode, NULL);
	ts->o_tasks = o_tasks;
	ts->o_signal = threads ? o_signal : 0;
	ts->o_tnode = threads ? o_tnode : 0;
	if (set_span(ts)) {
		snprintf(ts->note, sizeof(ts->note), "task_struct fields too far apart");
		return -1;
	}

	/* the task running on each CPU */
	if (ncpus > KVAR_MAX_CPUS)
		ncpus = KVAR_MAX_CPUS;
	ts->cur = calloc(ncpus ? ncpus : 1, sizeof(*ts->cur));
	ts->ncpus = ncpus;
	if (kvar_sym(kv, "pcpu_hot") &&
	    !kbtf_member(btf, "pcpu_hot", "current_task", &o_cur, NULL))
		curvar = "pcpu_hot";
	else if (kvar_sym(kv, "current_task"))
		curvar = "current_task";
	for (cpu = 0; ts->cur && curvar && cpu < ncpus; cpu++) {
		pc = kvar_percpu(kv, curvar, cpu);
		if (!pc || dump_read_virt(kv->d, pc + o_cur, &ts->cur[cpu], 8))
			ts->cur[cpu] = 0;
	}

	/*
	 * No task sleeping uninterruptibly: the walk below (a read per task,
	 * thousands of dump pages on a fleet machine) could find no D task,
	 * the one thing it is for. Skipped unless @walk_always.
	 */
	if (!walk_always && no_d_task(ts, kv, btf))
		return 0;
	ts->walked = 1;

	/* every thread: the process list, then each process's threads */
	init = kvar_sym(kv, "init_task");
	if (!init) {
		snprintf(ts->note, sizeof(ts->note), "no init_task symbol");
		return 0;
	}
	p = init;
	do {
		uint64_t next, sig, th, head;

		if (push(ts, &cap, kv, p)) {
			snprintf(ts->note, sizeof(ts->note),
				 "task list unreadable after %zu tasks (task 0x%llx not in the dump)",
				 ts->n, (unsigned long long)p);
			break;
		}
		sig = ts->t[ts->n - 1].signal;
		next = ts->t[ts->n - 1].list_next;
		if (!next) {
			snprintf(ts->note, sizeof(ts->note),
				 "task list broken after %zu tasks (a page of task 0x%llx not in the dump)",
				 ts->n, (unsigned long long)p);
			break;
		}
		/*
		 * The other threads: around the ring of thread_node from the
		 * leader's, skipping signal->thread_head. A single-threaded
		 * process (most) has the head right after it: nothing to read.
		 */
		th = ts->t[ts->n - 1].thread_next;
		if (threads && p != init && sig && th != sig + o_thead) {
			head = sig + o_thead;
			while (th && th != p + o_tnode && guard++ < TASKS_MAX) {
				uint64_t tn;

				if (dump_read_virt(kv->d, th, &tn, 8))
					break;
				if (th != head && push(ts, &cap, kv, th - o_tnode))
					break;
				th = tn;
			}
		}
		p = next - o_tasks;
	} while (p != init && ++guard < TASKS_MAX);
	/* stopped at a task the dump lacks: the rest from the other end */
	if (ts->note[0] && ts->n) {
		size_t fwd = ts->n, k;
		uint64_t prev = ts->t[0].list_prev;

		for (p = prev - o_tasks; p != init && guard++ < TASKS_MAX; p = prev - o_tasks) {
			for (k = 0; k < fwd && ts->t[k].addr != p; k++)
				;
			if (k < fwd || push(ts, &cap, kv, p))
				break;
			prev = ts->t[ts->n - 1].list_prev;
		}
		snprintf(ts->note + strlen(ts->note), sizeof(ts->note) - strlen(ts->note),
			 "; %zu more from the list's tail", ts->n - fwd);
	}
	if (guard >= TASKS_MAX)
		snprintf(ts->note, sizeof(ts->note), "task list cut at %u entries",
			 TASKS_MAX);
	/* idle tasks other than init_task are on no list: add them */
	for (cpu = 0; ts->cur && cpu < ncpus; cpu++) {
		size_t k;

		if (!ts->cur[cpu])
			continue;
		for (k = 0; k < ts->n && ts->t[k].addr != ts->cur[cpu]; k++)
			;
		if (k == ts->n)
			push(ts, &cap, kv, ts->cur[cpu]);
	}
	return 0;
}

void tasks_free(struct tasks *ts)
{
	free(ts->t);
	free(ts->cur);
	memset(ts, 0, sizeof(*ts));
}

const struct an_task *tasks_get(struct tasks *ts, struct kvar *kv, uint64_t addr,
				struct an_task *out)
{
	size_t k;

	for (k = 0; k < ts->n; k++)
		if (ts->t[k].addr == addr)
			return &ts->t[k];
	if (!ts->o_comm || tasks_read(ts, kv, addr, out))
		return NULL;
	return out;
}

int tasks_running_cpu(const struct tasks *ts, uint64_t addr)
{
	unsigned int cpu;

	for (cpu = 0; addr && ts->cur && cpu < ts->ncpus; cpu++)
		if (ts->cur[cpu] == addr)
			return (int)cpu;
	return -1;
}
