// SPDX-License-Identifier: GPL-2.0
/*
 * The wait-for graph (userspace/waitgraph.c) on recorded shapes: seed
 * 004 (a per-CPU spinlock and a task wake-up: CPU 1 -> CPU 26 -> CPU 1),
 * the lock-csd shape, ABBA, a cycle of sleeping-lock owners, a chain that
 * only leads into a cycle, a CPU that waits for itself, and chains with
 * no cycle. The one-line texts are the report's, checked verbatim.
 *
 *   test_waitgraph        exit 0 when every check passes
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "waitgraph.h"

static int fails;

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "FAIL %s:%d: %s\n", \
	__FILE__, __LINE__, #cond); fails++; } } while (0)

static struct analysis *new_an(unsigned int ncpus)
{
	struct analysis *a = calloc(1, sizeof(*a));
	unsigned int i;

	a->ncpus = ncpus;
	a->cpu = calloc(ncpus, sizeof(*a->cpu));
	for (i = 0; i < ncpus; i++) {
		a->cpu[i].wait.owner_cpu = a->cpu[i].wait.owner_pid = -1;
		a->cpu[i].wait.target_cpu = -1;
		a->cpu[i].task.valid = 1;
		a->cpu[i].task.idle = 1;
		a->cpu[i].task.cpu = (int)i;
		snprintf(a->cpu[i].task.comm, sizeof(a->cpu[i].task.comm), "swapper/%u", i & 0xfff);
	}
	return a;
}

static void free_an(struct analysis *a)
{
	free(a->cpu);
	free(a);
}

static void run(struct analysis *a, const char *task, int pid, unsigned int cpu)
{
	a->cpu[cpu].task.idle = 0;
	a->cpu[cpu].task.pid = pid;
	snprintf(a->cpu[cpu].task.comm, sizeof(a->cpu[cpu].task.comm), "%s", task);
}

static void spin(struct analysis *a, unsigned int cpu, const char *name, int owner)
{
	struct an_wait *w = &a->cpu[cpu].wait;

	w->kind = AN_WAIT_SPINLOCK;
	w->lock = 0xffff8f1afdf55fe8ull + cpu;
	snprintf(w->lock_name, sizeof(w->lock_name), "%s", name);
	w->owner_cpu = owner;
}

static void expect_text(const struct analysis *a, unsigned int k, const char *want)
{
	if (k >= a->ncycles || strcmp(a->cycles[k].text, want)) {
		fprintf(stderr, "FAIL: cycle %u:\n  got  '%s'\n  want '%s'\n", k,
			k < a->ncycles ? a->cycles[k].text : "(none)", want);
		fails++;
	}
}

int main(void)
{
	struct analysis *a;

	/* seed 004: CPU 1 (migration/1) spins on cpu_stopper of CPU 26,
	 * held by CPU 26 (custom_exporter), which spins in try_to_wake_up()
	 * on migration/1's on_cpu */
	a = new_an(32);
	run(a, "migration/1", 14, 1);
	run(a, "custom_exporter", 355608, 26);
	spin(a, 1, "cpu_stopper of CPU 26", 26);
	a->cpu[26].wait.kind = AN_WAIT_TASK;
	a->cpu[26].wait.target_cpu = 1;
	waitgraph_build(a);
	CHECK(a->ncycles == 1);
	expect_text(a, 0, "deadlock: CPU1 waits for cpu_stopper of CPU 26 held by CPU26; "
		    "CPU26 waits for task migration/1/14 on CPU1");
	CHECK(a->cycles[0].nnodes == 2);
	CHECK(a->cycles[0].nodes[0].cpu == 1 && a->cycles[0].nodes[0].pid == 14);
	CHECK(a->cycles[0].nodes[0].held_by_cpu == 26);
	CHECK(a->cycles[0].nodes[0].held_by_pid == 355608);
	CHECK(!strcmp(a->cycles[0].nodes[1].waits_for, "task migration/1/14 on CPU 1"));
	free_an(a);

	/* lock-csd: CPU 0 holds lk and waits for a CSD on CPU 2, which spins on lk */
	a = new_an(3);
	run(a, "sender", 100, 0);
	run(a, "victim", 101, 2);
	a->cpu[0].wait.kind = AN_WAIT_CSD;
	a->cpu[0].wait.target_cpu = 2;
	spin(a, 2, "cs_lock+0x0", 0);
	waitgraph_build(a);
	CHECK(a->ncycles == 1);
	expect_text(a, 0, "deadlock: CPU0 waits for CSD on CPU2; CPU2 waits for cs_lock held by CPU0");
	CHECK(!strcmp(a->cycles[0].nodes[0].waits_for, "CSD on CPU 2"));
	free_an(a);

	/* ABBA plus a third CPU queued on one of the locks (a tail, no new
	 * cycle) and an unnamed lock; rotated to start at the smallest CPU */
	a = new_an(4);
	spin(a, 2, "lock_a+0x0", 1);
	spin(a, 1, "", 2);
	a->cpu[1].wait.lock = 0x1234;
	spin(a, 3, "lock_a+0x0", 1);
	waitgraph_build(a);
	CHECK(a->ncycles == 1);
	expect_text(a, 0, "deadlock: CPU1 waits for lock 0x1234 held by CPU2; CPU2 waits for lock_a held by CPU1");
	CHECK(!strcmp(a->cycles[0].nodes[1].waits_for, "lock_a+0x0"));
	free_an(a);

	/* a CPU that waits for a lock it holds itself */
	a = new_an(4);
	spin(a, 3, "rq_lock of CPU 3", 3);
	waitgraph_build(a);
	CHECK(a->ncycles == 1);
	expect_text(a, 0, "deadlock: CPU3 waits for rq_lock of CPU 3 held by CPU3");
	free_an(a);

	/* sleeping locks: D task a/10 waits for m (owner b/11, not running),
	 * b/11 (D) waits for s (owner a/10) */
	a = new_an(2);
	a->nhung = 2;
	a->hung[0].task.valid = a->hung[1].task.valid = 1;
	a->hung[0].task.pid = 10;
	a->hung[1].task.pid = 11;
	a->hung[0].task.cpu = a->hung[1].task.cpu = -1;
	strcpy(a->hung[0].task.comm, "a");
	strcpy(a->hung[1].task.comm, "b");
	a->hung[0].wait = (struct an_wait){ .kind = AN_WAIT_MUTEX, .lock = 1, .owner_cpu = -1,
		.owner_pid = 11, .target_cpu = -1 };
	strcpy(a->hung[0].wait.lock_name, "m+0x0");
	a->hung[1].wait = (struct an_wait){ .kind = AN_WAIT_RWSEM, .lock = 2, .owner_cpu = -1,
		.owner_pid = 10, .target_cpu = -1 };
	strcpy(a->hung[1].wait.lock_name, "s+0x8");
	waitgraph_build(a);
	CHECK(a->ncycles == 1);
	expect_text(a, 0, "deadlock: a/10 waits for m held by b/11; b/11 waits for s+0x8 held by a/10");
	/* seed 001: the owner runs (on CPU 1, waiting for nothing): no cycle */
	a->hung[1].wait.kind = AN_WAIT_NONE;
	a->hung[0].wait.owner_cpu = 1;
	waitgraph_build(a);
	CHECK(a->ncycles == 0);
	free_an(a);

	/* chains without a cycle; an owner outside the CPU range */
	a = new_an(8);
	spin(a, 0, "x", 1);
	spin(a, 1, "y", 2);
	a->cpu[2].wait.kind = AN_WAIT_CSD;
	a->cpu[2].wait.target_cpu = 3;
	spin(a, 4, "z", 99);
	waitgraph_build(a);
	CHECK(a->ncycles == 0);
	free_an(a);

	/* the raw cycle finder: two disjoint cycles and a long tail */
	{
		int next[10] = { 1, 2, 0, 3, 3, 6, 5, 0, 7, -1 };
		int nodes[4][8];
		unsigned int len[4], nc;

		nc = waitgraph_cycles(next, 10, 4, 8, nodes, len);
		CHECK(nc == 3);
		CHECK(len[0] == 3 && nodes[0][0] == 0 && nodes[0][1] == 1 && nodes[0][2] == 2);
		CHECK(len[1] == 1 && nodes[1][0] == 3);
		CHECK(len[2] == 2 && nodes[2][0] == 5 && nodes[2][1] == 6);
		nc = waitgraph_cycles(next, 10, 4, 2, nodes, len);	/* max length 2 */
		CHECK(nc == 2);
	}
	if (fails) {
		fprintf(stderr, "test_waitgraph: %d check(s) failed\n", fails);
		return 1;
	}
	printf("test_waitgraph: all checks passed\n");
	return 0;
}
