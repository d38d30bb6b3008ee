// SPDX-License-Identifier: GPL-2.0
/*
 * Who waits for what, and who holds it.
 *
 * Spinlocks (seed 004): a CPU interrupted in queued_spin_lock_slowpath has
 * the lock's address in RDI (the function's first argument, which it keeps
 * there); its owner is the other CPU that has that address in a register
 * or on its stack: a holder that will unlock later keeps the address live.
 * CSD waits: a CPU in the csd_lock_wait() loop points at a locked csd
 * (flags bit 0) whose dst is the CPU it waits for. Task waits: a CPU in
 * try_to_wake_up() and friends spins on p->on_cpu of a task running on
 * another CPU. Sleeping locks (seed 001): a task in D state in a mutex or
 * rwsem slow path has its waiter on its own stack, linked into the lock's
 * wait_list, so the lock is the stack slot value whose wait_list points
 * back into that stack; the owner field then names the owner task.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_priv.h"

static const char *const reg_names[] = {
	"R15", "R14", "R13", "R12", "RBP", "RBX", "R11", "R10", "R9",
	"R8", "RAX", "RCX", "RDX", "RSI", "RDI",
};

#define NREGS (sizeof(reg_names) / sizeof(reg_names[0]))

static uint64_t reg(const struct cs_regs *r, unsigned int i)
{
	const uint64_t *v = (const uint64_t *)r;

	return v[i];
}

static int kaddr(uint64_t v)
{
	return v >= 0xffff800000000000ull && !(v & 3);
}

static int starts(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

static void set_owner_task(struct an_env *e, struct an_wait *w, int cpu)
{
	const struct an_cpu *oc;

	w->owner_cpu = cpu;
	if (cpu < 0 || (unsigned int)cpu >= e->a->ncpus)
		return;
	oc = &e->a->cpu[cpu];
	if (oc->task.valid) {
		w->owner_pid = oc->task.pid;
		snprintf(w->owner_comm, sizeof(w->owner_comm), "%s", oc->task.comm);
	}
}

/* The slot's frame: the nearest return address above it ("" if none). */
static void slot_frame(struct an_env *e, const struct an_cpuctx *cc,
		       uint64_t slot, char *buf, size_t len)
{
	size_t i;

	const uint8_t *stk = cc->stk;
	uint64_t base = cc->base;
	size_t slen = cc->len;

	buf[0] = 0;
	if (slot < base || slot >= base + slen) {	/* the interrupted stack */
		stk = cc->stk2;
		base = cc->base2;
		slen = cc->len2;
	}
	for (i = (size_t)(slot - base) + 8; stk && i + 8 <= slen; i += 8) {
		uint64_t v;

		memcpy(&v, stk + i, 8);
		if (an_is_text(e, v)) {
			uint8_t code[8];

			/* the call check here: once per lock, worth its page */
			if (an_read_code(e, v - 8, code, 8) ||
			    !stack_is_call_before(code, 8))
				continue;
			an_sym(e, v, 1, buf, len);
			return;
		}
	}
}

/*
 * Does the code of a function on this CPU's stack, from its start to the
 * return address (the part it has run), take @lock's address: a 32-bit
 * RIP-relative displacement that ends an instruction and points at it,
 * or a sign-extended 32-bit immediate equal to it (a module's static
 * lock)? The return address of the first such frame, or 0. Bounded: 24
 * frames, 4 KiB of code each.
 */
static uint64_t code_takes(struct an_env *e, const struct an_cpuctx *cc, uint64_t lock)
{
	uint64_t addrs[24];
	uint8_t code[4096];
	size_t n = 0, k, m, p;
	char s[160], *plus, *slash;

	if (cc->stk)
		n = stack_return_addrs(cc->stk, cc->len, cc->base, an_is_ret, NULL,
				       e, addrs, NULL, 24);
	if (cc->stk2 && n < 24)
		n += stack_return_addrs(cc->stk2, cc->len2, cc->base2, an_is_ret,
					NULL, e, addrs + n, NULL, 24 - n);
	for (k = 0; k < n; k++) {
		uint64_t off, start;

		an_sym(e, addrs[k], 1, s, sizeof(s));
		plus = strchr(s, '+');
		slash = plus ? strchr(plus, '/') : NULL;
		if (!plus || !slash)
			continue;
		off = strtoull(plus + 1, NULL, 16);
		if (!off || off > sizeof(code))
			continue;
		start = addrs[k] - off;
		m = (size_t)off;
		if (an_read_code(e, start, code, m))
			continue;
		for (p = 0; p + 4 <= m; p++) {
			int32_t d;

			memcpy(&d, code + p, 4);
			if (start + p + 4 + (uint64_t)(int64_t)d == lock ||
			    (uint64_t)(int64_t)d == lock)
				return addrs[k];
		}
	}
	return 0;
}

/* Search every other CPU's registers, then stacks, then code, for @lock. */
static int find_holder(struct an_env *e, uint64_t lock, char *ev, size_t evlen)
{
	struct analysis *a = e->a;
	unsigned int j, k;
	char fn[160];

	for (j = 0; j < a->ncpus; j++) {
		const struct an_cpuctx *cc = &e->cc[j];

		if (!cc->have || (a->cpu[j].wait.kind == AN_WAIT_SPINLOCK &&
				  a->cpu[j].wait.lock == lock))
			continue;
		for (k = 0; k < NREGS; k++)
			if (reg(&cc->r, k) == lock) {
				an_sym(e, cc->r.ip, 0, fn, sizeof(fn));
				snprintf(ev, evlen, "address in %s of CPU %u (at %s)",
					 reg_names[k], j, fn[0] ? fn : "?");
				return (int)j;
			}
	}
	for (j = 0; j < a->ncpus; j++) {
		const struct an_cpuctx *cc = &e->cc[j];
		uint64_t where;

		if (cc->have && !an_idling(e, j))
			an_need_stack(e, j);
		if (!cc->have || !cc->stk || (a->cpu[j].wait.kind == AN_WAIT_SPINLOCK &&
					      a->cpu[j].wait.lock == lock))
			continue;
		if (stack_find_value(cc->stk, cc->len, cc->base, lock, &where, 1) ||
		    stack_find_value(cc->stk2, cc->len2, cc->base2, lock, &where, 1)) {
			slot_frame(e, cc, where, fn, sizeof(fn));
			snprintf(ev, evlen, "address in stack slot 0x%" PRIx64
				 " of CPU %u (frame below the return to %s)",
				 where, j, fn[0] ? fn : "?");
			return (int)j;
		}
	}
	/* a static lock's address need not stay in a register: the code */
	for (j = 0; j < a->ncpus; j++) {
		const struct an_cpuctx *cc = &e->cc[j];
		uint64_t ra;

		if (!cc->have || a->cpu[j].task.idle ||
		    (a->cpu[j].wait.kind == AN_WAIT_SPINLOCK && a->cpu[j].wait.lock == lock))
			continue;
		ra = code_takes(e, cc, lock);
		if (ra) {
			an_sym(e, ra, 1, fn, sizeof(fn));
			snprintf(ev, evlen, "no copy of the address in CPU %u's registers or stack, "
				 "but its frame %s took the lock's address (RIP-relative or "
				 "absolute operand) before the call it is still in",
				 j, fn[0] ? fn : "?");
			return (int)j;
		}
	}
	snprintf(ev, evlen, "address not found in any other CPU's registers or stack");
	return -1;
}

/* Is @p a locked csd (flags bit 0) whose func is a function start? */
static int csd_locked(struct an_env *e, uint64_t p, uint64_t *func)
{
	uint64_t o_flags, o_func, f;
	uint32_t flags = 0;
	char s[160];

	if (!kaddr(p) ||
	    kbtf_member(e->btf, "__call_single_data", "node.u_flags", &o_flags, NULL) ||
	    kbtf_member(e->btf, "__call_single_data", "func", &o_func, NULL))
		return 0;
	if (dump_read_virt(e->kv.d, p + o_flags, &flags, 4) || !(flags & 1) ||
	    dump_read_virt(e->kv.d, p + o_func, &f, 8) || !an_is_text(e, f))
		return 0;
	an_sym(e, f, 0, s, sizeof(s));
	if (!strstr(s, "+0x0/"))
		return 0;
	*func = f;
	return 1;
}

/*
 * The CPU whose call_single_queue holds csd @p (not yet taken off by its
 * target), or -1. The csd's own src/dst fields are no help: the kernel
 * fills them only with CONFIG_CSD_LOCK_WAIT_DEBUG, which Debian leaves off.
 */
static int csd_queued_on(struct an_env *e, uint64_t p)
{
	unsigned int j, n;
	uint64_t q, node;

	for (j = 0; j < e->a->ncpus; j++) {
		q = kvar_percpu(&e->kv, "call_single_queue", j);
		if (!q || dump_read_virt(e->kv.d, q, &node, 8))
			continue;
		for (n = 0; node && n < 256; n++) {
			if (node == p)	/* llist node first in the csd */
				return (int)j;
			if (!kaddr(node) || dump_read_virt(e->kv.d, node, &node, 8))
				break;
		}
	}
	return -1;
}

/* A locked csd at @p queued on another CPU than @self: that CPU, or -1. */
static int csd_dst(struct an_env *e, uint64_t p, unsigned int self, uint64_t *func)
{
	int dst;

	if (!csd_locked(e, p, func))
		return -1;
	dst = csd_queued_on(e, p);
	return dst >= 0 && (unsigned int)dst != self ? dst : -1;
}

static void csd_wait(struct an_env *e, unsigned int i, struct an_wait *w)
{
	struct ctx *c = e->c;
	const struct an_cpuctx *cc = (an_need_stack(e, i), &e->cc[i]);
	unsigned int k;
	uint64_t func;
	char s[160];
	int dst;

	w->kind = AN_WAIT_CSD;
	/* the record's hang report knows the pair */
	for (k = 0; c->found && k < c->rec.nhang; k++)
		if (c->rec.hang[k].source_cpu == i &&
		    !cs_hang_completed(&c->rec, &c->rec.hang[k])) {
			w->target_cpu = (int)c->rec.hang[k].target_cpu;
			snprintf(w->evidence, sizeof(w->evidence),
				 "crashsafe CSD hang report #%u", c->rec.hang[k].id);
			return;
		}
	for (k = 0; k < NREGS; k++) {
		dst = csd_dst(e, reg(&cc->r, k), i, &func);
		if (dst >= 0 && (unsigned int)dst != i) {
			w->target_cpu = dst;
			an_sym(e, func, 0, s, sizeof(s));
			snprintf(w->evidence, sizeof(w->evidence),
				 "locked csd 0x%" PRIx64 " in %s, func %s, queued on that CPU",
				 reg(&cc->r, k), reg_names[k], s);
			return;
		}
	}
	/* smp_call_function_single()'s csd_stack lives on the stack (the
	 * interrupted one, when the CPU is in an interrupt) */
	for (k = 0; k < 2 * 2048; k += 8) {
		const uint8_t *stk = k < 2048 ? cc->stk : cc->stk2;
		uint64_t b = k < 2048 ? cc->base : cc->base2;
		size_t len = k < 2048 ? cc->len : cc->len2, o = k % 2048;

		if (!stk || o + 32 > len)
			continue;
		dst = csd_dst(e, b + o, i, &func);
		if (dst >= 0 && (unsigned int)dst != i) {
			w->target_cpu = dst;
			an_sym(e, func, 0, s, sizeof(s));
			snprintf(w->evidence, sizeof(w->evidence),
				 "locked csd on the stack at 0x%" PRIx64 ", func %s, queued on that CPU",
				 b + o, s);
			return;
		}
	}
	/* the rings: the newest request this CPU queued */
	for (k = c->found ? (unsigned int)0 : 1; !k && c->rec.ring && i < c->rec.nr_cpus;
	     k = 1) {
		const struct cs_dec_ring *r = &c->rec.ring[i];
		size_t n;

		for (n = r->nev; n-- > 0;) {
			const struct cs_event *ev = &r->ev[n].ev;

			if (ev->type != CS_EV_QUEUE || ev->src != i || ev->dst >= e->a->ncpus)
				continue;
			w->target_cpu = ev->dst;
			if (ev->func)
				an_sym(e, ev->func, 0, s, sizeof(s));
			else
				snprintf(s, sizeof(s), "?");
			snprintf(w->evidence, sizeof(w->evidence),
				 "in the CSD wait loop; the newest request it queued (ring): %s to CPU %u",
				 s, ev->dst);
			return;
		}
	}
	snprintf(w->evidence, sizeof(w->evidence), "in the CSD wait loop; target not found");
}

static void task_wait(struct an_env *e, unsigned int i, struct an_wait *w,
		      const char *fn)
{
	const struct an_cpuctx *cc = &e->cc[i];
	unsigned int k;

	for (k = 0; e->have_tasks && k < NREGS; k++) {
		uint64_t v = reg(&cc->r, k);
		int cpu = tasks_running_cpu(&e->ts, v);

		if (cpu < 0 || (unsigned int)cpu == i || !kaddr(v))
			continue;
		w->kind = AN_WAIT_TASK;
		w->target_cpu = cpu;
		w->owner_cpu = cpu;
		set_owner_task(e, w, cpu);
		snprintf(w->evidence, sizeof(w->evidence),
			 "%s spins on task 0x%" PRIx64 " (%s) running on CPU %d",
			 fn, v, reg_names[k], cpu);
		return;
	}
}

static struct an_lock *lock_entry(struct analysis *a, uint64_t addr)
{
	unsigned int k;

	for (k = 0; k < a->nlocks; k++)
		if (a->locks[k].addr == addr)
			return &a->locks[k];
	if (a->nlocks >= AN_MAX_LOCKS)
		return NULL;
	memset(&a->locks[a->nlocks], 0, sizeof(a->locks[0]));
	a->locks[a->nlocks].addr = addr;
	a->locks[a->nlocks].owner_cpu = -1;
	a->locks[a->nlocks].owner_pid = -1;
	return &a->locks[a->nlocks++];
}

static void add_waiter(struct an_lock *l, int cpu, const struct an_task *t)
{
	struct an_waiter *w;

	if (l->nwaiters >= sizeof(l->waiters) / sizeof(l->waiters[0]))
		return;
	w = &l->waiters[l->nwaiters++];
	w->cpu = cpu;
	w->pid = t && t->valid ? t->pid : -1;
	snprintf(w->comm, sizeof(w->comm), "%s", t && t->valid ? t->comm : "");
}

/* What CPU @i waits for, judged from @r (its registers or, when it was
 * interrupted, the interrupted context's). */
static void detect_wait(struct an_env *e, unsigned int i, const struct cs_regs *r,
			const char *ctxname)
{
	struct an_wait *w = &e->a->cpu[i].wait;
	struct an_cpuctx *cc = &e->cc[i];
	struct cs_regs saved = cc->r;
	char fn[160];
	uint32_t word;

	an_fn(e, r->ip, 0, fn, sizeof(fn));
	cc->r = *r;		/* the helpers read cc->r */
	if (strstr(fn, "queued_spin_lock_slowpath") &&
	    kaddr(r->di) && !dump_read_virt(e->kv.d, r->di, &word, 4) && word) {
		w->kind = AN_WAIT_SPINLOCK;
		w->lock = r->di;
		kvar_name(&e->kv, w->lock, w->lock_name, sizeof(w->lock_name));
		snprintf(w->evidence, sizeof(w->evidence), "RDI of CPU %u%s at %s", i,
			 ctxname, fn);
	} else if (!strcmp(fn, "smp_call_function_single") ||
		   !strcmp(fn, "smp_call_function_many_cond") ||
		   !strcmp(fn, "csd_lock_wait") ||
		   !strcmp(fn, "generic_exec_single")) {
		csd_wait(e, i, w);
	} else if (!strcmp(fn, "try_to_wake_up") ||
		   !strcmp(fn, "wait_task_inactive") ||
		   !strcmp(fn, "task_call_func")) {
		task_wait(e, i, w, fn);
	}
	cc->r = saved;
}

void locks_cpu_waits(struct an_env *e)
{
	struct analysis *a = e->a;
	unsigned int i;

	for (i = 0; i < a->ncpus; i++) {
		struct an_wait *w = &a->cpu[i].wait;
		const struct an_cpuctx *cc = &e->cc[i];

		if (!cc->have)
			continue;
		detect_wait(e, i, &cc->r, "");
		if (w->kind == AN_WAIT_NONE && !an_idling(e, i))
			an_need_stack(e, i);	/* for the interrupted context */
		if (w->kind == AN_WAIT_NONE && cc->have_ir)
			detect_wait(e, i, &cc->ir, " (interrupted context)");
		/* a CPU interrupted (or panicking) while it waits for a CSD:
		 * the record's hang report says so whatever it runs now */
		if (w->kind == AN_WAIT_NONE && e->c->found) {
			unsigned int k;

			for (k = 0; k < e->c->rec.nhang; k++)
				if (e->c->rec.hang[k].source_cpu == i &&
				    !cs_hang_completed(&e->c->rec, &e->c->rec.hang[k]))
					csd_wait(e, i, w);
		}
	}
	/* owners of the spinlocks waited for */
	for (i = 0; i < a->ncpus; i++) {
		struct an_wait *w = &a->cpu[i].wait;
		struct an_lock *l;
		uint32_t word = 0;

		if (w->kind != AN_WAIT_SPINLOCK)
			continue;
		l = lock_entry(a, w->lock);
		if (!l)
			continue;
		if (!l->nwaiters) {
			l->kind = AN_WAIT_SPINLOCK;
			snprintf(l->name, sizeof(l->name), "%s", w->lock_name);
			dump_read_virt(e->kv.d, l->addr, &word, 4);
			l->word = word;
			l->owner_cpu = find_holder(e, l->addr, l->evidence,
						   sizeof(l->evidence));
			if (l->owner_cpu >= 0 && a->cpu[l->owner_cpu].task.valid) {
				l->owner_pid = a->cpu[l->owner_cpu].task.pid;
				snprintf(l->owner_comm, sizeof(l->owner_comm), "%s",
					 a->cpu[l->owner_cpu].task.comm);
			}
		}
		add_waiter(l, (int)i, &a->cpu[i].task);
		set_owner_task(e, w, l->owner_cpu);
		snprintf(w->evidence + strlen(w->evidence),
			 sizeof(w->evidence) - strlen(w->evidence), "; owner: %s",
			 l->evidence);
	}
}

/* ---- sleeping locks of D tasks ------------------------------------------ */

static int sleeping_kind(struct an_env *e, const uint8_t *stk, size_t len,
			 uint64_t base, char *where, size_t wlen)
{
	uint64_t addrs[8];
	size_t n, k;
	char fn[160];

	/* the lock slow path sits right above schedule() (__schedule,
	 * schedule, schedule_preempt_disabled / _timeout, the slow path) */
	n = stack_return_addrs(stk, len, base, an_is_ret, NULL, e, addrs, NULL, 8);
	for (k = 0; k < n; k++) {
		an_fn(e, addrs[k], 1, fn, sizeof(fn));
		/* where it sleeps: the first frames above the scheduler */
		if (!where[0] && fn[0] && !strstr(fn, "schedule") &&
		    strcmp(fn, "__switch_to_asm") && strcmp(fn, "__switch_to"))
			snprintf(where, wlen, "%s", fn);
		if (strstr(fn, "rwsem_down_") || starts(fn, "down_read") ||
		    starts(fn, "down_write")) {
			snprintf(where, wlen, "%s", fn);
			return AN_WAIT_RWSEM;
		}
		if (strstr(fn, "mutex_lock")) {
			snprintf(where, wlen, "%s", fn);
			return AN_WAIT_MUTEX;
		}
		if (strstr(fn, "wait_for_completion") || strstr(fn, "wait_for_common")) {
			snprintf(where, wlen, "%s", fn);
			return AN_WAIT_COMPLETION;
		}
	}
	return AN_WAIT_NONE;
}

/*
 * Is @w a list node on this stack (a waiter) linked back to the list
 * head @head? The first and the last waiter of a lock are; so the lock's
 * head pointing at @w and @w pointing back at the head proves the lock.
 */
static int waiter_links(const uint8_t *stk, size_t len, uint64_t base, uint64_t w,
			uint64_t head)
{
	uint64_t nx, pv;

	if (w < base || w - base > len || len - (w - base) < 16)
		return 0;
	memcpy(&nx, stk + (w - base), 8);
	memcpy(&pv, stk + (w - base) + 8, 8);
	return nx == head || pv == head;
}

#define AN_MAX_RING	64	/* waiters followed on a first_waiter ring */

/*
 * 7.x rw_semaphore: no wait_list head but first_waiter, a struct
 * rwsem_waiter (on its task's stack) whose list links the waiters in a
 * ring of their own. Is a waiter of @task on the ring from @fw? (The
 * walk stops at a bad link, at the start again, or after AN_MAX_RING.)
 */
static int on_waiter_ring(struct an_env *e, uint64_t fw, uint64_t o_list,
			  uint64_t o_task, uint64_t task)
{
	uint64_t w = fw, tk, nx;
	int n;

	for (n = 0; n < AN_MAX_RING && kaddr(w); n++) {
		if (dump_read_virt(e->kv.d, w + o_task, &tk, 8))
			return 0;
		if (tk == task)
			return 1;
		if (!kaddr(tk) || dump_read_virt(e->kv.d, w + o_list, &nx, 8) ||
		    !kaddr(nx) || nx - o_list == fw)
			return 0;
		w = nx - o_list;
	}
	return 0;
}

/*
 * The completion task @t (its stack @stk at @base) sleeps on: its
 * swait_queue is on its stack ({ task = @t, task_list } linked both
 * ways), and going around that wait list the node whose preceding word
 * is not a task pointer is the head, inside the completion. 1 and
 * *@comp, or 0.
 */
static int find_completion(struct an_env *e, const struct an_task *t,
			   const uint8_t *stk, size_t len, uint64_t base, uint64_t *comp)
{
	uint64_t o_qtask, o_qlist, o_cwait, o_hlist, k;

	if (kbtf_member(e->btf, "swait_queue", "task", &o_qtask, NULL) ||
	    kbtf_member(e->btf, "swait_queue", "task_list", &o_qlist, NULL) ||
	    kbtf_member(e->btf, "completion", "wait", &o_cwait, NULL) ||
	    kbtf_member(e->btf, "swait_queue_head", "task_list", &o_hlist, NULL) ||
	    o_qtask + 8 > o_qlist)
		return 0;
	for (k = 0; k + o_qlist + 16 <= len; k += 8) {
		uint64_t v, node, me, nx, pv, before;
		unsigned int n;

		memcpy(&v, stk + k + o_qtask, 8);
		if (v != t->addr)
			continue;
		me = base + k + o_qlist;
		memcpy(&node, stk + k + o_qlist, 8);
		if (!kaddr(node) || dump_read_virt(e->kv.d, node + 8, &pv, 8) || pv != me)
			continue;	/* not linked back: not a queued waiter */
		for (n = 0; n < AN_MAX_RING && kaddr(node) && node != me; n++) {
			if (dump_read_virt(e->kv.d, node - 8, &before, 8))
				break;
			if (!kaddr(before)) {	/* done/lock words: the head */
				*comp = node - o_hlist - o_cwait;
				return 1;
			}
			if (dump_read_virt(e->kv.d, node, &nx, 8))
				break;
			node = nx;
		}
	}
	return 0;
}

void locks_hung_tasks(struct an_env *e)
{
	struct analysis *a = e->a;
	size_t i;

	if (!e->have_tasks)
		return;
	for (i = 0; i < e->ts.n && a->nhung < AN_MAX_HUNG; i++) {
		const struct an_task *t = &e->ts.t[i];
		struct an_hung *h;
		uint8_t *stk = NULL;
		uint64_t base = 0, o_wl = 0, o_own = 0, owner = 0, k;
		uint64_t o_fw = 0, o_wlist = 0, o_wtask = 0;
		size_t len = 0;
		char where[160] = "";
		int kind, ring = 0;

		if (t->state != 'D')
			continue;
		h = &a->hung[a->nhung++];
		memset(h, 0, sizeof(*h));
		h->task = *t;
		h->task.cpu = tasks_running_cpu(&e->ts, t->addr) >= 0 ?
			      tasks_running_cpu(&e->ts, t->addr) : t->cpu;
		h->wait.owner_cpu = h->wait.owner_pid = h->wait.target_cpu = -1;
		if (!t->stack || t->sp < t->stack || t->sp >= t->stack + STACK_SIZE ||
		    an_read_stack(e, t->sp, t->stack + STACK_SIZE, &stk, &base, &len))
			continue;
		kind = sleeping_kind(e, stk, len, base, where, sizeof(where));
		if (kind == AN_WAIT_COMPLETION) {
			uint64_t comp;

			if (find_completion(e, t, stk, len, base, &comp)) {
				h->wait.kind = AN_WAIT_COMPLETION;
				h->wait.lock = comp;
				if (comp >= t->stack && comp < t->stack + STACK_SIZE)
					snprintf(h->wait.lock_name, sizeof(h->wait.lock_name),
						 "on its own stack");
				else
					kvar_name(&e->kv, comp, h->wait.lock_name,
						  sizeof(h->wait.lock_name));
				snprintf(h->wait.evidence, sizeof(h->wait.evidence),
					 "in %.96s; its swait_queue on the stack is on the wait list of the completion at 0x%" PRIx64,
					 where, comp);
			} else {
				snprintf(h->wait.evidence, sizeof(h->wait.evidence),
					 "in %s; completion not found on the stack", where);
			}
			free(stk);
			continue;
		}
		if (kind == AN_WAIT_RWSEM &&
		    (kbtf_member(e->btf, "rw_semaphore", "wait_list", &o_wl, NULL) ||
		     kbtf_member(e->btf, "rw_semaphore", "owner", &o_own, NULL))) {
			/* 7.x: first_waiter and a ring of rwsem_waiters */
			ring = !kbtf_member(e->btf, "rw_semaphore", "first_waiter", &o_fw, NULL) &&
			       !kbtf_member(e->btf, "rw_semaphore", "owner", &o_own, NULL) &&
			       !kbtf_member(e->btf, "rwsem_waiter", "list", &o_wlist, NULL) &&
			       !kbtf_member(e->btf, "rwsem_waiter", "task", &o_wtask, NULL);
			if (!ring)
				kind = AN_WAIT_NONE;
		}
		if (kind == AN_WAIT_MUTEX &&
		    (kbtf_member(e->btf, "mutex", "wait_list", &o_wl, NULL) ||
		     kbtf_member(e->btf, "mutex", "owner", &o_own, NULL)))
			kind = AN_WAIT_NONE;
		for (k = 0; kind != AN_WAIT_NONE && k + 8 <= len; k += 8) {
			uint64_t v, wl[2];
			struct an_lock *l;
			struct an_task tmp;
			const struct an_task *ot;

			memcpy(&v, stk + k, 8);
			if (!kaddr(v) || (v >= t->stack && v < t->stack + STACK_SIZE))
				continue;
			if (ring ? dump_read_virt(e->kv.d, v + o_fw, wl, 8) ||
				   !on_waiter_ring(e, wl[0], o_wlist, o_wtask, t->addr) :
				   dump_read_virt(e->kv.d, v + o_wl, wl, 16) ||
				   !(waiter_links(stk, len, base, wl[0], v + o_wl) ||
				     waiter_links(stk, len, base, wl[1], v + o_wl)))
				continue;
			if (dump_read_virt(e->kv.d, v + o_own, &owner, 8))
				continue;
			h->wait.kind = kind;
			h->wait.lock = v;
			kvar_name(&e->kv, v, h->wait.lock_name, sizeof(h->wait.lock_name));
			ot = (owner & ~7ull) ? tasks_get(&e->ts, &e->kv, owner & ~7ull, &tmp) : NULL;
			if (ot) {
				h->wait.owner_pid = ot->pid;
				snprintf(h->wait.owner_comm, sizeof(h->wait.owner_comm),
					 "%s", ot->comm);
				h->wait.owner_cpu = tasks_running_cpu(&e->ts, ot->addr);
			} else if (owner & ~7ull) {
				/* owner's task_struct not in the dump: the CPU it runs on */
				h->wait.owner_cpu = tasks_running_cpu(&e->ts, owner & ~7ull);
				if (h->wait.owner_cpu >= 0)
					set_owner_task(e, &h->wait, h->wait.owner_cpu);
			}
			snprintf(h->wait.evidence, sizeof(h->wait.evidence),
				 "in %.96s; its waiter %s of 0x%" PRIx64
				 "; owner field 0x%" PRIx64 "%s%s%s", where,
				 ring ? "is on the waiter ring (first_waiter)" :
					"on the stack is on the wait_list", v, owner,
				 kind == AN_WAIT_RWSEM && (owner & 1) ? " (reader-owned: last reader)" : "",
				 ot && h->wait.owner_cpu < 0 ? ", owner not running on a CPU, state " : "",
				 ot && h->wait.owner_cpu < 0 ? (char[]){ ot->state, 0 } : "");
			l = lock_entry(a, v);
			if (l) {
				if (!l->nwaiters) {
					l->kind = kind;
					snprintf(l->name, sizeof(l->name), "%s", h->wait.lock_name);
					l->word = owner;
					l->owner_cpu = h->wait.owner_cpu;
					l->owner_pid = h->wait.owner_pid;
					snprintf(l->owner_comm, sizeof(l->owner_comm), "%s",
						 h->wait.owner_comm);
					snprintf(l->evidence, sizeof(l->evidence),
						 "owner field 0x%" PRIx64, owner);
				}
				add_waiter(l, h->task.cpu >= 0 &&
					   tasks_running_cpu(&e->ts, t->addr) >= 0 ?
					   h->task.cpu : -1, t);
			}
			break;
		}
		if (h->wait.kind == AN_WAIT_NONE && where[0])
			snprintf(h->wait.evidence, sizeof(h->wait.evidence),
				 kind == AN_WAIT_NONE ? "sleeps in %s (no mutex or rwsem slow path on its stack)" :
				 "in %s; lock not found on the stack", where);
		free(stk);
	}
}
