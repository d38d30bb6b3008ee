// SPDX-License-Identifier: GPL-2.0
/*
 * The --json report: one object, schema documented in csdextract.1.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "csdextract.h"
#include "json.h"

/* "key": the symbol of @addr (%pS), null if unknown or !@have. */
static void jksym(struct ctx *c, struct json *j, const char *key, int have,
		  uint64_t addr)
{
	char s[256];

	json_kstr(j, key, have && !sym(c, addr, s, sizeof(s)) ? s : NULL);
}

/* "key": @v if @have, else null. */
static void jkuint_opt(struct json *j, const char *key, int have, uint64_t v)
{
	json_key(j, key);
	if (have)
		json_uint(j, v);
	else
		json_null(j);
}

/* "key": a time in ns, null for ~0 (unknown). */
static void jkns(struct json *j, const char *key, uint64_t ns)
{
	jkuint_opt(j, key, ns != ~0ull, ns);
}

static void jframes(struct ctx *c, struct json *j, const struct cs_capture *cap)
{
	unsigned int i, n = 0;
	char s[256];

	if (cap && (cap->flags & CS_CAP_VALID))
		n = cap->nr_frames < CS_MAX_FRAMES ? cap->nr_frames : CS_MAX_FRAMES;
	json_arr_begin(j);
	for (i = 0; i < n; i++) {
		json_obj_begin(j);
		json_kaddr(j, "addr", cap->frames[i]);
		/* #0 the interrupted RIP (%pS), then return addresses (%pB) */
		json_kstr(j, "symbol", sym_frame(c, cap, i, s, sizeof(s)) ? NULL : s);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void jevent(struct ctx *c, struct json *j, const struct cs_dev *v)
{
	const struct cs_event *e = &v->ev;

	json_obj_begin(j);
	json_kuint(j, "seq", e->seq);
	json_kuint(j, "cpu", e->cpu);
	json_kstr(j, "type", cs_event_name(e->type));
	json_kbool(j, "inferred", v->inferred);
	json_kuint(j, "src", e->src);
	json_kuint(j, "dst", e->dst);
	json_kstr(j, "ctx", cs_ctx_name(e->ctx));
	json_kaddr(j, "func", e->func);
	jksym(c, j, "func_symbol", 1, e->func);
	json_kaddr(j, "csd", e->csd);
	json_kaddr(j, "callsite", e->callsite);
	json_obj_end(j);
}

/* Registers of @cpu: the record's capture when valid, else NT_PRSTATUS. */
static void jregs(struct ctx *c, struct json *j, unsigned int cpu,
		  const struct cs_capture *cap)
{
	static const char *const names[] = {
		"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9",
		"r8", "rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip",
		"cs", "rflags", "rsp", "ss",
	};
	struct cs_regs r;
	const uint64_t *v = (const uint64_t *)&r;
	size_t i;

	_Static_assert(sizeof(names) / sizeof(names[0]) * 8 == sizeof(r), "regs");
	if (cap && (cap->flags & CS_CAP_VALID))
		r = cap->regs;
	else if (cpu >= 4096 || dump_cpu_regs(c->d, (int)cpu, &r)) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		json_kaddr(j, names[i], v[i]);
	json_obj_end(j);
}

/* "key": N, or null for a negative (unknown) value. */
static void jkint_opt(struct json *j, const char *key, long long v)
{
	json_key(j, key);
	if (v >= 0)
		json_int(j, v);
	else
		json_null(j);
}

/* "key": the string, or null when empty. */
static void jkstr_opt(struct json *j, const char *key, const char *s)
{
	json_kstr(j, key, s && *s ? s : NULL);
}

static void jtask(struct json *j, const struct an_task *t)
{
	char st[2] = { t->state ? t->state : '?', 0 };

	if (!t->valid) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	json_kint(j, "pid", t->pid);
	json_kstr(j, "comm", t->comm);
	json_kstr(j, "state", st);
	json_kbool(j, "idle", t->idle);
	json_kaddr(j, "addr", t->addr);
	json_obj_end(j);
}

static void jwait(struct json *j, const struct an_wait *w)
{
	int lock = w->kind == AN_WAIT_SPINLOCK || w->kind == AN_WAIT_MUTEX ||
		   w->kind == AN_WAIT_RWSEM || w->kind == AN_WAIT_COMPLETION;

	json_obj_begin(j);
	json_kstr(j, "kind", an_wait_kind_name(w->kind));
	json_kaddr_opt(j, "lock", lock, w->lock);
	jkstr_opt(j, "lock_name", lock ? w->lock_name : NULL);
	jkint_opt(j, "owner_cpu", w->owner_cpu);
	jkint_opt(j, "owner_pid", w->owner_pid);
	jkstr_opt(j, "owner_comm", w->owner_pid >= 0 ? w->owner_comm : NULL);
	jkint_opt(j, "target_cpu", w->target_cpu);
	jkstr_opt(j, "evidence", w->evidence);
	json_obj_end(j);
}

static void jcpu_analysis(struct ctx *c, struct json *j, unsigned int i)
{
	const struct an_cpu *ac = c->an && i < c->an->ncpus ? &c->an->cpu[i] : NULL;

	json_key(j, "task");
	if (ac)
		jtask(j, &ac->task);
	else
		json_null(j);
	json_key(j, "waits_for");
	if (ac)
		jwait(j, &ac->wait);
	else
		json_null(j);
}

static void jlocks(const struct analysis *a, struct json *j)
{
	unsigned int i, k;

	json_arr_begin(j);
	for (i = 0; a && i < a->nlocks; i++) {
		const struct an_lock *l = &a->locks[i];

		json_obj_begin(j);
		json_kaddr(j, "addr", l->addr);
		jkstr_opt(j, "name", l->name);
		json_kstr(j, "kind", an_wait_kind_name(l->kind));
		json_kaddr(j, "word", l->word);
		jkint_opt(j, "owner_cpu", l->owner_cpu);
		jkint_opt(j, "owner_pid", l->owner_pid);
		jkstr_opt(j, "owner_comm", l->owner_pid >= 0 ? l->owner_comm : NULL);
		json_kstr(j, "evidence", l->evidence);
		json_key(j, "waiters");
		json_arr_begin(j);
		for (k = 0; k < l->nwaiters; k++) {
			json_obj_begin(j);
			jkint_opt(j, "cpu", l->waiters[k].cpu);
			jkint_opt(j, "pid", l->waiters[k].pid);
			jkstr_opt(j, "comm", l->waiters[k].comm);
			json_obj_end(j);
		}
		json_arr_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void jdeadlocks(const struct analysis *a, struct json *j)
{
	unsigned int i, k;

	json_arr_begin(j);
	for (i = 0; a && i < a->ncycles; i++) {
		const struct an_cycle *cy = &a->cycles[i];

		json_obj_begin(j);
		json_key(j, "nodes");
		json_arr_begin(j);
		for (k = 0; k < cy->nnodes; k++) {
			const struct an_node *n = &cy->nodes[k];

			json_obj_begin(j);
			jkint_opt(j, "cpu", n->cpu);
			jkint_opt(j, "pid", n->pid);
			jkstr_opt(j, "comm", n->comm);
			json_kstr(j, "waits_for", n->waits_for);
			jkint_opt(j, "held_by_cpu", n->held_by_cpu);
			jkint_opt(j, "held_by_pid", n->held_by_pid);
			json_obj_end(j);
		}
		json_arr_end(j);
		json_kstr(j, "text", cy->text);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void jcsd_stats(const struct analysis *a, struct json *j)
{
	unsigned int i, k;

	json_arr_begin(j);
	for (i = 0; a && i < a->nstats; i++) {
		const struct an_csd_stat *s = &a->stats[i];

		json_obj_begin(j);
		json_kstr(j, "func", s->name);
		json_kaddr(j, "func_addr", s->func);
		json_kuint(j, "requests", s->requests);
		json_kuint(j, "completed", s->completed);
		json_kuint(j, "max_ns", s->max_ns);
		json_kuint(j, "p99_ns", s->p99_ns);
		json_key(j, "top_senders");
		json_arr_begin(j);
		for (k = 0; k < s->ntop; k++) {
			json_obj_begin(j);
			json_kuint(j, "cpu", s->top[k].cpu);
			json_kuint(j, "count", s->top[k].count);
			json_obj_end(j);
		}
		json_arr_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void jhung(const struct analysis *a, struct json *j)
{
	unsigned int i;

	json_arr_begin(j);
	for (i = 0; a && i < a->nhung; i++) {
		const struct an_hung *h = &a->hung[i];

		json_obj_begin(j);
		json_kint(j, "pid", h->task.pid);
		json_kstr(j, "comm", h->task.comm);
		json_kstr(j, "state", "D");
		json_kaddr(j, "addr", h->task.addr);
		jkint_opt(j, "cpu", h->task.cpu);
		json_key(j, "waits_for");
		jwait(j, &h->wait);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void jverdict(const struct analysis *a, struct json *j)
{
	const struct an_verdict *v = &a->verdict;

	json_obj_begin(j);
	json_kstr(j, "kind", an_verdict_name(v->kind));
	json_key(j, "csd_healthy");
	if (v->csd_healthy < 0)
		json_null(j);
	else
		json_bool(j, v->csd_healthy);
	json_key(j, "culprit");
	if (v->have_culprit) {
		json_obj_begin(j);
		jkint_opt(j, "cpu", v->c_cpu);
		jkint_opt(j, "pid", v->c_pid);
		jkstr_opt(j, "comm", v->c_pid >= 0 ? v->c_comm : NULL);
		jkstr_opt(j, "function", v->c_function);
		jkstr_opt(j, "lock", v->c_lock);
		json_obj_end(j);
	} else {
		json_null(j);
	}
	json_kstr(j, "text", v->text);
	json_obj_end(j);
}

static void jpanic_frames(const struct analysis *a, struct json *j)
{
	unsigned int i;

	json_arr_begin(j);
	for (i = 0; a && i < a->npframes; i++) {
		json_obj_begin(j);
		json_kstr(j, "fn", a->pframes[i].fn);
		json_kaddr_opt(j, "addr", !!a->pframes[i].addr, a->pframes[i].addr);
		json_kstr(j, "source", a->pframes[i].source);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void janalysis(struct ctx *c, struct json *j)
{
	const struct analysis *a = c->an;

	json_key(j, "locks");
	jlocks(a, j);
	json_key(j, "deadlocks");
	jdeadlocks(a, j);
	json_key(j, "csd_stats");
	jcsd_stats(a, j);
	json_key(j, "hung_tasks");
	jhung(a, j);
	json_key(j, "verdict");
	if (a)
		jverdict(a, j);
	else
		json_null(j);
	json_key(j, "panic_cpu_frames");
	jpanic_frames(a, j);
	json_key(j, "analysis");
	json_obj_begin(j);
	json_kbool(j, "btf", a && a->btf_ok);
	jkstr_opt(j, "btf_note", a ? a->btf_note : NULL);
	json_kuint(j, "tasks", a ? a->ntasks : 0);
	json_kbool(j, "tasks_walked", a && a->tasks_walked);
	jkstr_opt(j, "tasks_note", a ? a->tasks_note : NULL);
	json_kuint(j, "csd_requests", a ? a->csd_requests : 0);
	json_kuint(j, "csd_completed", a ? a->csd_completed : 0);
	json_obj_end(j);
}

static void jcpus(struct ctx *c, struct json *j)
{
	unsigned int n, i;

	n = c->found && c->rec.nr_cpus ? c->rec.nr_cpus : 0;
	if (!n && dump_nr_cpus(c->d) > 0)
		n = (unsigned int)dump_nr_cpus(c->d);
	json_arr_begin(j);
	for (i = 0; i < n; i++) {
		const struct cs_dec_cpu *dc = c->found && c->rec.cpu ? &c->rec.cpu[i] : NULL;
		int valid = dc && dc->valid;
		uint64_t rip = 0;
		const char *from = NULL;
		int have = !cpu_rip(c, i, &rip, &from);

		json_obj_begin(j);
		json_kuint(j, "cpu", i);
		json_kstr(j, "stop", valid ? cs_stop_name(dc->st.stop) : "none");
		jkuint_opt(j, "stop_latency_ns", valid && dc->st.stop != CS_STOP_NONE &&
			   dc->st.stop != CS_STOP_PANIC,
			   valid ? dc->st.stop_latency_ns : 0);
		json_kaddr_opt(j, "rip", have, rip);
		json_kstr(j, "rip_from", have ? from : NULL);
		jksym(c, j, "symbol", have, rip);
		jkns(j, "irqs_off_ns", valid ? dc->st.irqs_off_ns : ~0ull);
		json_key(j, "regs");
		jregs(c, j, i, valid ? &dc->st.cap : NULL);
		json_key(j, "frames");
		jframes(c, j, valid ? &dc->st.cap : NULL);
		jcpu_analysis(c, j, i);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void jhook_names(struct json *j, const char *key, uint32_t mask)
{
	uint32_t bit;

	json_key(j, key);
	json_arr_begin(j);
	for (bit = 1; bit && bit <= CS_HOOK_ALL; bit <<= 1)
		if (mask & bit)
			json_str(j, cs_hook_name(bit));
	json_arr_end(j);
}

/* record.hooks: which hook kinds were wanted, live, missing (1.2+). */
static void jhooks(struct ctx *c, struct json *j)
{
	int known = c->found && cs_hooks_known(&c->rec);
	const struct cs_status *st = &c->rec.st;

	json_key(j, "hooks");
	json_obj_begin(j);
	json_kbool(j, "recorded", known);
	jhook_names(j, "wanted", known ? st->hooks_wanted : 0);
	jhook_names(j, "live", known ? st->hooks_live : 0);
	jhook_names(j, "missing", known ? st->hooks_wanted & ~st->hooks_live : 0);
	json_obj_end(j);
}

static void jhangs(struct ctx *c, struct json *j)
{
	unsigned int i;
	size_t *idx = malloc(4096 * sizeof(*idx)), n, k;
	char w[512];

	json_arr_begin(j);
	for (i = 0; c->found && i < c->rec.nhang; i++) {
		const struct cs_csd_hang *h = &c->rec.hang[i];
		int tv = !!(h->target.flags & CS_CAP_VALID);

		json_obj_begin(j);
		json_kuint(j, "id", h->id);
		json_kuint(j, "source_cpu", h->source_cpu);
		json_kuint(j, "target_cpu", h->target_cpu);
		jksym(c, j, "func", 1, h->func);
		json_kaddr(j, "func_addr", h->func);
		json_kaddr(j, "info", h->info);
		json_kaddr(j, "csd", h->csd);
		json_kuint(j, "waited_ns", h->waited_ns);
		json_kstr(j, "verdict", cs_verdict_name(hang_verdict(c, h)));
		json_kstr(j, "verdict_recorded", cs_verdict_name(h->verdict));
		json_kstr(j, "verdict_text", verdict_words(c, h, w, sizeof(w)));
		json_kstr(j, "verdict_reason", verdict_reason(c, h, w, sizeof(w)));
		json_kstr(j, "target_state",
			  h->target_state == CS_VERDICT_BUSY_PRIOR ? "busy_prior" :
			  h->target_state == CS_VERDICT_BUSY_THIS ? "busy_this" :
			  "unresponsive");
		json_kbool(j, "completed", cs_hang_completed(&c->rec, h));
		json_kbool(j, "panicked", !!(h->flags & CS_HANG_PANICKED));
		jkns(j, "target_irqs_off_ns", h->target_irqs_off_ns);
		json_kaddr_opt(j, "target_rip", tv, h->target.regs.ip);
		jksym(c, j, "target_symbol", tv, h->target.regs.ip);
		json_key(j, "target_frames");
		jframes(c, j, &h->target);
		json_key(j, "events");
		json_arr_begin(j);
		n = idx ? cs_hang_events(&c->rec, h, idx, 4096) : 0;
		for (k = 0; k < n; k++)
			jevent(c, j, c->rec.merged[idx[k]]);
		json_arr_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
	free(idx);
}

static void jlockups(struct ctx *c, struct json *j)
{
	unsigned int i;

	json_arr_begin(j);
	for (i = 0; c->found && i < c->rec.nlockup; i++) {
		const struct cs_lockup *l = &c->rec.lockup[i];
		int v = !!(l->cap.flags & CS_CAP_VALID);

		json_obj_begin(j);
		json_kuint(j, "cpu", l->cpu);
		json_kuint(j, "detector_cpu", l->detector_cpu);
		json_kaddr_opt(j, "rip", v, l->cap.regs.ip);
		jksym(c, j, "symbol", v, l->cap.regs.ip);
		json_kuint(j, "stuck_ns", l->stuck_ns);
		jkns(j, "irqs_off_ns", l->irqs_off_ns);
		json_key(j, "frames");
		jframes(c, j, &l->cap);
		json_kbool(j, "panicked", !!(l->flags & CS_HANG_PANICKED));
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void jlog(struct ctx *c, struct json *j)
{
	const struct cs_log_slot **s;
	size_t n = merged_log(c, &s), i;

	json_arr_begin(j);
	for (i = 0; i < n; i++) {
		json_obj_begin(j);
		json_kuint(j, "seq", s[i]->seq);
		json_kuint(j, "cpu", s[i]->cpu);
		json_kstr(j, "ctx", cs_ctx_name(s[i]->ctx));
		json_kbool(j, "cont", s[i]->cont);
		json_kstr(j, "level", cs_log_level_name(s[i]->level));
		json_key(j, "text");
		json_strn(j, s[i]->text, s[i]->len <= CS_LOG_TEXT ? s[i]->len : CS_LOG_TEXT);
		json_obj_end(j);
	}
	json_arr_end(j);
	free(s);
}

static void jevents(struct ctx *c, struct json *j)
{
	unsigned char *mark = NULL;
	size_t *idx = NULL, i, k, n;
	unsigned int h;

	json_arr_begin(j);
	if (!c->found || !c->rec.nmerged)
		goto out;
	if (c->o.all) {
		for (i = 0; i < c->rec.nmerged; i++)
			jevent(c, j, c->rec.merged[i]);
		goto out;
	}
	mark = calloc(c->rec.nmerged, 1);
	idx = malloc(4096 * sizeof(*idx));
	if (!mark || !idx)
		goto out;
	for (h = 0; h < c->rec.nhang; h++) {
		n = cs_hang_events(&c->rec, &c->rec.hang[h], idx, 4096);
		for (k = 0; k < n; k++)
			mark[idx[k]] = 1;
	}
	for (i = 0; i < c->rec.nmerged; i++)
		if (mark[i])
			jevent(c, j, c->rec.merged[i]);
out:
	json_arr_end(j);
	free(mark);
	free(idx);
}

void report_json(struct ctx *c, FILE *f)
{
	struct json js, *j = &js;
	const char *rel = dump_release(c->d);
	char ver[16];
	size_t i;

	if ((!rel || !*rel) && c->found)
		rel = c->rec.root.release;
	json_init(j, f, 1);
	json_obj_begin(j);
	json_kstr(j, "csdextract_version", CSDEXTRACT_VERSION);
	json_key(j, "dump");
	json_obj_begin(j);
	json_kstr(j, "path", c->o.path);
	json_kstr(j, "format", dump_format_name(c->d));
	json_kstr(j, "warning", dump_warning(c->d));
	json_obj_end(j);
	json_key(j, "kernel");
	json_obj_begin(j);
	json_kstr(j, "release", rel && *rel ? rel : NULL);
	json_obj_end(j);
	json_key(j, "panic");
	json_obj_begin(j);
	json_key(j, "cpu");
	if (c->panic_cpu >= 0)
		json_int(j, c->panic_cpu);
	else
		json_null(j);
	json_kstr(j, "message", c->panic_msg);
	jkuint_opt(j, "time_ns", !!crash_time_ns(c), crash_time_ns(c));
	json_obj_end(j);

	json_key(j, "record");
	json_obj_begin(j);
	json_kbool(j, "found", c->found);
	json_kstr(j, "found_by", c->found ? found_by_name(c->found_by) : NULL);
	snprintf(ver, sizeof(ver), "%u.%u", c->rec.root.version_major,
		 c->rec.root.version_minor);
	json_kstr(j, "version", c->found ? ver : NULL);
	json_kaddr_opt(j, "phys", c->found, c->rec.phys);
	json_kstr(j, "status", !c->found ? "absent" :
		  c->rec.status == CS_DEC_OK ? "ok" : "damaged");
	json_key(j, "problems");
	json_arr_begin(j);
	for (i = 0; c->found && i < c->rec.nproblem; i++)
		json_str(j, c->rec.problem[i]);
	json_arr_end(j);
	json_key(j, "modules");
	json_arr_begin(j);
	for (i = 0; c->found && i < c->rec.nmodule; i++)
		json_str(j, c->rec.module[i].name);
	json_arr_end(j);
	jhooks(c, j);
	if (c->found && c->rec.have_status)
		json_kuint(j, "modules_dropped", c->rec.st.modules_dropped);
	else
		json_kstr(j, "modules_dropped", NULL);
	if (c->found && c->rec.crash_valid)
		json_kbool(j, "tsc_unstable",
			   !!(c->rec.crash.flags & CS_CRASH_TSC_UNSTABLE));
	else
		json_kstr(j, "tsc_unstable", NULL);
	json_key(j, "notes");
	json_arr_begin(j);
	for (i = 0; i < c->nlocate_notes; i++)
		json_str(j, c->locate_notes[i]);
	json_arr_end(j);
	json_obj_end(j);

	json_key(j, "cpus");
	jcpus(c, j);
	json_key(j, "csd_hangs");
	jhangs(c, j);
	json_key(j, "hard_lockups");
	jlockups(c, j);
	json_key(j, "log");
	jlog(c, j);
	json_key(j, "events");
	jevents(c, j);
	janalysis(c, j);
	json_obj_end(j);
}
