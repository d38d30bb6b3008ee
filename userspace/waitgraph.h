/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The wait-for graph: nodes are CPUs and hung tasks, each with at most one
 * outgoing edge (what it waits for: a spinlock's owner CPU, the target of
 * a CSD, the CPU of a task it waits for, a sleeping lock's owner). Every
 * node has out-degree <= 1, so each cycle is found by following edges.
 */
#ifndef CSDEXTRACT_WAITGRAPH_H
#define CSDEXTRACT_WAITGRAPH_H

#include "analysis.h"

/* Cycles of the functional graph @next[0..n) (-1 = no edge), each
 * rotated to start at its smallest node, in order of that node. Stores
 * up to @maxc cycles (nodes into @nodes[c][0..len[c])). Returns count. */
unsigned int waitgraph_cycles(const int *next, unsigned int n, unsigned int maxc,
			      unsigned int maxlen, int (*nodes)[8], unsigned int *len);

/* Edges from @a's CPU and hung-task waits; fills a->cycles (with texts). */
void waitgraph_build(struct analysis *a);

#endif
