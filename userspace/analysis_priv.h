/* SPDX-License-Identifier: GPL-2.0 */
/* Shared state of the analysis layer's files (not for the reporters). */
#ifndef CSDEXTRACT_ANALYSIS_PRIV_H
#define CSDEXTRACT_ANALYSIS_PRIV_H

#include <crashsafe/record.h>

#include "analysis.h"
#include "btf.h"
#include "csdextract.h"
#include "kvar.h"
#include "stackscan.h"
#include "tasks.h"
#include "waitgraph.h"

struct an_cpuctx {
	int have;			/* regs valid */
	int stack_tried;		/* an_need_stack() ran */
	struct cs_regs r;
	const char *from;		/* "record" or "prstatus" */
	uint8_t *stk;			/* stack bytes [base, base + len) */
	uint64_t base;
	size_t len;
	/* on the IRQ stack: the interrupted stack, from the saved sp */
	uint8_t *stk2;
	uint64_t base2;
	size_t len2;
	uint64_t irq_rip;		/* interrupted RIP (its IRET frame), 0 */
	size_t irq_rip_off;		/* offset of that frame in stk2 */
	int have_ir;			/* ir: the interrupted context's pt_regs */
	struct cs_regs ir;
};

struct an_env {
	struct ctx *c;
	struct analysis *a;
	struct kbtf *btf;
	struct kvar kv;
	struct tasks ts;
	int have_tasks;
	struct an_cpuctx *cc;		/* [a->ncpus] */
};

/* Read CPU @i's stacks (its own, an IRQ stack's interrupted one) now,
 * if not yet: they are read only when something needs them. */
void an_need_stack(struct an_env *e, unsigned int i);
/* CPU @i runs its idle task in the idle loop: it holds and waits nothing. */
int an_idling(struct an_env *e, unsigned int i);
/* Read [sp, end of its 16 KiB stack) into a fresh buffer; 0 or -1. */
int an_read_stack(struct an_env *e, uint64_t sp, uint64_t top, uint8_t **buf,
		  uint64_t *base, size_t *len);
/* Symbol of a text address ("" if unknown); @ret as %pB. */
void an_sym(struct an_env *e, uint64_t addr, int ret, char *buf, size_t len);
/* Function name only of a text address (no offset), "" if unknown. */
void an_fn(struct an_env *e, uint64_t addr, int ret, char *buf, size_t len);
int an_is_text(void *env, uint64_t addr);
int an_is_ret(void *env, uint64_t addr);
int an_read_code(void *env, uint64_t addr, uint8_t *buf, size_t n);

/* locks.c */
void locks_cpu_waits(struct an_env *e);
void locks_hung_tasks(struct an_env *e);
/* csd_stats.c */
void csd_stats_build(struct ctx *c, struct analysis *a);

#endif
