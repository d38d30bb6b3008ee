// SPDX-License-Identifier: GPL-2.0
/*
 * Built-in tracepoints that are not exported (csd:*, irq_vectors:*) are
 * still reachable through for_each_kernel_tracepoint(), and
 * tracepoint_probe_register() takes the struct tracepoint directly.
 */
#include <linux/tracepoint.h>
#include <linux/string.h>

#include "crashsafe.h"

struct cs_tp_search {
	const char *name;
	struct tracepoint *found;
};

static void cs_tp_match(struct tracepoint *tp, void *priv)
{
	struct cs_tp_search *s = priv;

	if (!s->found && !strcmp(tp->name, s->name))
		s->found = tp;
}

/* Process context. */
struct tracepoint *cs_tracepoint_find(const char *name)
{
	struct cs_tp_search s = { .name = name };

	for_each_kernel_tracepoint(cs_tp_match, &s);
	return s.found;
}
