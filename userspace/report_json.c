// SPDX-License-Identifier: GPL-2.0
/*
 * The --json report: one object, schema documented in csdextract.1.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

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
	json_obj_end(j);
}
