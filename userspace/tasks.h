/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tasks from the dump: every thread (init_task.tasks, then each thread
 * group's signal->thread_head), and the task running on each CPU
 * (per-CPU pcpu_hot.current_task on 6.12, current_task on 6.1: picked by
 * what BTF and kallsyms have, not by the version). Offsets from BTF.
 */
#ifndef CSDEXTRACT_TASKS_H
#define CSDEXTRACT_TASKS_H

#include <stddef.h>
#include <stdint.h>

#include "analysis.h"

struct kvar;
struct kbtf;

#define TASKS_MAX	(1u << 17)
#define TASKS_MAX_SPAN	16384	/* bytes of task_struct read at once */

struct tasks {
	struct an_task *t;
	size_t n;
	uint64_t *cur;		/* [ncpus] task running on CPU, 0 unknown */
	unsigned int ncpus;
	char note[160];		/* why the walk stopped early, "" if not */
	/* task_struct member offsets */
	uint64_t o_pid, o_comm, o_state, o_stack, o_sp, o_cpu, o_exit;
	uint64_t o_flags, state_size, o_tasks, o_signal, o_tnode;
	uint64_t span_lo, span_len;	/* one read per task covers the fields */
	int have_cpu;
	int walked;		/* the task list was walked (else: no D task) */
	size_t nlost;		/* tasks whose state's page the dump left out */
};

/*
 * 0, or -1 when BTF lacks task_struct (then nothing is known). The task
 * list is walked only when some task may be in D state (the runqueues'
 * nr_uninterruptible), or always with @walk_always.
 */
int tasks_load(struct tasks *ts, struct kvar *kv, const struct kbtf *btf,
	       unsigned int ncpus, int walk_always);
void tasks_free(struct tasks *ts);
/* The task at @addr (walked or read now into *@out); NULL if unreadable. */
const struct an_task *tasks_get(struct tasks *ts, struct kvar *kv, uint64_t addr,
				struct an_task *out);
/* CPU @addr is running on now, or -1. */
int tasks_running_cpu(const struct tasks *ts, uint64_t addr);
/* Read the task_struct fields at @addr into @t; 0 or -1. */
int tasks_read(struct tasks *ts, struct kvar *kv, uint64_t addr, struct an_task *t);
char tasks_state_char(uint64_t state, uint64_t exit_state);

#endif
