// SPDX-License-Identifier: GPL-2.0
/* The wait-for graph over CPUs and hung tasks, and its cycles. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_priv.h"
#include "waitgraph.h"

unsigned int waitgraph_cycles(const int *next, unsigned int n, unsigned int maxc,
			      unsigned int maxlen, int (*nodes)[8], unsigned int *len)
{
	unsigned int *mark, s, nc = 0;

	if (!n)
		return 0;
	mark = calloc(n, sizeof(*mark));	/* 0 unseen, else walk id */
	if (!mark)
		return 0;
	for (s = 0; s < n && nc < maxc; s++) {
		int v = (int)s;
		unsigned int steps = 0;

		while (v >= 0 && (unsigned int)v < n && !mark[v] && steps++ <= n) {
			mark[v] = s + 1;
			v = next[v];
		}
		if (v < 0 || (unsigned int)v >= n || mark[v] != s + 1)
			continue;
		/* v is on a new cycle: collect, rotate to the smallest */
		{
			int cyc[8], u = v, k, m = 0, min = 0;
			unsigned int cl = 0;

			do {
				if (cl < 8)
					cyc[cl] = u;
				cl++;
				u = next[u];
			} while (u != v && cl <= n);
			if (cl > maxlen || cl > 8)
				continue;
			for (k = 1; k < (int)cl; k++)
				if (cyc[k] < cyc[min])
					min = k;
			for (k = 0; k < (int)cl; k++)
				nodes[nc][m++] = cyc[(min + k) % cl];
			len[nc++] = cl;
		}
	}
	free(mark);
	return nc;
}

static void node_label(const struct analysis *a, int v, char *buf, size_t len)
{
	if ((unsigned int)v < a->ncpus)
		snprintf(buf, len, "CPU%d", v);
	else {
		const struct an_task *t = &a->hung[v - (int)a->ncpus].task;

		snprintf(buf, len, "%s/%d", t->comm, t->pid);
	}
}

static const struct an_wait *node_wait(const struct analysis *a, int v)
{
	return (unsigned int)v < a->ncpus ? &a->cpu[v].wait :
	       &a->hung[v - (int)a->ncpus].wait;
}

/* The lock as the one-line text names it: "sym" for "sym+0x0" (the
 * lock is the variable itself), else the full name or the address. */
static void lock_label(const struct an_wait *w, char *buf, size_t len)
{
	size_t n = strlen(w->lock_name);

	if (n > 4 && !strcmp(w->lock_name + n - 4, "+0x0"))
		snprintf(buf, len, "%.*s", (int)(n - 4), w->lock_name);
	else if (n)
		snprintf(buf, len, "%s", w->lock_name);
	else
		snprintf(buf, len, "lock 0x%llx", (unsigned long long)w->lock);
}

void waitgraph_build(struct analysis *a)
{
	unsigned int n = a->ncpus + a->nhung, i, k, nc;
	int *next, (*nodes)[8];
	unsigned int len[AN_MAX_CYCLES];

	a->ncycles = 0;
	next = malloc((n ? n : 1) * sizeof(*next));
	nodes = malloc(AN_MAX_CYCLES * sizeof(*nodes));
	if (!next || !nodes)
		goto out;
	for (i = 0; i < n; i++) {
		const struct an_wait *w = node_wait(a, (int)i);

		next[i] = -1;
		switch (w->kind) {
		case AN_WAIT_SPINLOCK:
			next[i] = w->owner_cpu;
			break;
		case AN_WAIT_CSD:
		case AN_WAIT_TASK:
			next[i] = w->target_cpu;
			break;
		case AN_WAIT_MUTEX:
		case AN_WAIT_RWSEM:
			if (w->owner_cpu >= 0) {
				next[i] = w->owner_cpu;
				break;
			}
			for (k = 0; k < a->nhung; k++)
				if (w->owner_pid >= 0 && a->hung[k].task.pid == w->owner_pid)
					next[i] = (int)(a->ncpus + k);
			break;
		default:
			break;
		}
		if (next[i] >= (int)n)
			next[i] = -1;
	}
	nc = waitgraph_cycles(next, n, AN_MAX_CYCLES, 8, nodes, len);
	for (k = 0; k < nc; k++) {
		struct an_cycle *cy = &a->cycles[a->ncycles++];
		size_t off;

		memset(cy, 0, sizeof(*cy));
		off = (size_t)snprintf(cy->text, sizeof(cy->text), "deadlock: ");
		cy->nnodes = len[k];
		for (i = 0; i < len[k]; i++) {
			int v = nodes[k][i], nx = nodes[k][(i + 1) % len[k]];
			const struct an_wait *w = node_wait(a, v);
			struct an_node *nd = &cy->nodes[i];
			const struct an_task *t = (unsigned int)v < a->ncpus ?
				&a->cpu[v].task : &a->hung[v - (int)a->ncpus].task;
			const struct an_task *nt = (unsigned int)nx < a->ncpus ?
				&a->cpu[nx].task : &a->hung[nx - (int)a->ncpus].task;
			char me[64], him[64], lk[160];

			nd->cpu = (unsigned int)v < a->ncpus ? v : t->cpu;
			nd->pid = t->valid ? t->pid : -1;
			snprintf(nd->comm, sizeof(nd->comm), "%s", t->valid ? t->comm : "");
			nd->held_by_cpu = (unsigned int)nx < a->ncpus ? nx : nt->cpu;
			nd->held_by_pid = nt->valid ? nt->pid : -1;
			node_label(a, v, me, sizeof(me));
			node_label(a, nx, him, sizeof(him));
			switch (w->kind) {
			case AN_WAIT_CSD:
				snprintf(nd->waits_for, sizeof(nd->waits_for),
					 "CSD on CPU %d", w->target_cpu);
				off += (size_t)snprintf(cy->text + off, sizeof(cy->text) - off,
					"%s%s waits for CSD on CPU%d", i ? "; " : "", me,
					w->target_cpu);
				break;
			case AN_WAIT_TASK:
				snprintf(nd->waits_for, sizeof(nd->waits_for),
					 "task %s/%d on CPU %d", nt->comm, nt->pid, w->target_cpu);
				off += (size_t)snprintf(cy->text + off, sizeof(cy->text) - off,
					"%s%s waits for task %s/%d on CPU%d", i ? "; " : "", me,
					nt->comm, nt->pid, w->target_cpu);
				break;
			default:
				lock_label(w, lk, sizeof(lk));
				if (w->lock_name[0])
					snprintf(nd->waits_for, sizeof(nd->waits_for), "%s",
						 w->lock_name);
				else
					snprintf(nd->waits_for, sizeof(nd->waits_for), "%s", lk);
				off += (size_t)snprintf(cy->text + off, sizeof(cy->text) - off,
					"%s%s waits for %s held by %s", i ? "; " : "", me, lk, him);
				break;
			}
			if (off >= sizeof(cy->text))
				off = sizeof(cy->text) - 1;
		}
	}
out:
	free(next);
	free(nodes);
}
