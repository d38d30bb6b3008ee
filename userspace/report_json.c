// SPDX-License-Identifier: GPL-2.0
/*
 * The --json report: one object, schema documented in csdextract.1.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "csdextract.h"
#include "json.h"

static void jsym(struct ctx *c, struct json *j, uint64_t addr)
{
	char s[256];

	if (sym(c, addr, s, sizeof(s)))
		json_null(j);
	else
		json_str(j, s);
}

static void jframes(struct ctx *c, struct json *j, const struct cs_capture *cap)
{
	unsigned int i, n = 0;

	if (cap && (cap->flags & CS_CAP_VALID))
		n = cap->nr_frames < CS_MAX_FRAMES ? cap->nr_frames : CS_MAX_FRAMES;
	json_arr_begin(j);
	for (i = 0; i < n; i++) {
		json_obj_begin(j);
		json_key(j, "addr");
		json_addr(j, cap->frames[i]);
		json_key(j, "symbol");
		jsym(c, j, cap->frames[i]);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void jns(struct json *j, uint64_t ns)
{
	if (ns == ~0ull)
		json_null(j);
	else
		json_uint(j, ns);
}

static void jevent(struct ctx *c, struct json *j, const struct cs_dev *v)
{
	const struct cs_event *e = &v->ev;

	json_obj_begin(j);
	json_key(j, "seq");
	json_uint(j, e->seq);
	json_key(j, "cpu");
	json_uint(j, e->cpu);
	json_key(j, "type");
	json_str(j, cs_event_name(e->type));
	json_key(j, "inferred");
	json_bool(j, v->inferred);
	json_key(j, "src");
	json_uint(j, e->src);
	json_key(j, "dst");
	json_uint(j, e->dst);
	json_key(j, "ctx");
	json_str(j, cs_ctx_name(e->ctx));
	json_key(j, "func");
	json_addr(j, e->func);
	json_key(j, "func_symbol");
	jsym(c, j, e->func);
	json_key(j, "csd");
	json_addr(j, e->csd);
	json_key(j, "callsite");
	json_addr(j, e->callsite);
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
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		json_key(j, names[i]);
		json_addr(j, v[i]);
	}
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
		json_key(j, "cpu");
		json_uint(j, i);
		json_key(j, "stop");
		json_str(j, valid ? cs_stop_name(dc->st.stop) : "none");
		json_key(j, "stop_latency_ns");
		if (valid && dc->st.stop != CS_STOP_NONE && dc->st.stop != CS_STOP_PANIC)
			json_uint(j, dc->st.stop_latency_ns);
		else
			json_null(j);
		json_key(j, "rip");
		if (have)
			json_addr(j, rip);
		else
			json_null(j);
		json_key(j, "rip_from");
		json_str(j, have ? from : NULL);
		json_key(j, "symbol");
		if (have)
			jsym(c, j, rip);
		else
			json_null(j);
		json_key(j, "irqs_off_ns");
		if (valid)
			jns(j, dc->st.irqs_off_ns);
		else
			json_null(j);
		json_key(j, "regs");
		jregs(c, j, i, valid ? &dc->st.cap : NULL);
		json_key(j, "frames");
		jframes(c, j, valid ? &dc->st.cap : NULL);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void jhangs(struct ctx *c, struct json *j)
{
	unsigned int i;
	size_t *idx = malloc(4096 * sizeof(*idx)), n, k;
	char w[512];

	json_arr_begin(j);
	for (i = 0; c->found && i < c->rec.nhang; i++) {
		const struct cs_csd_hang *h = &c->rec.hang[i];

		json_obj_begin(j);
		json_key(j, "id");
		json_uint(j, h->id);
		json_key(j, "source_cpu");
		json_uint(j, h->source_cpu);
		json_key(j, "target_cpu");
		json_uint(j, h->target_cpu);
		json_key(j, "func");
		jsym(c, j, h->func);
		json_key(j, "func_addr");
		json_addr(j, h->func);
		json_key(j, "info");
		json_addr(j, h->info);
		json_key(j, "csd");
		json_addr(j, h->csd);
		json_key(j, "waited_ns");
		json_uint(j, h->waited_ns);
		json_key(j, "verdict");
		json_str(j, cs_verdict_name(hang_verdict(c, h)));
		json_key(j, "verdict_recorded");
		json_str(j, cs_verdict_name(h->verdict));
		json_key(j, "verdict_text");
		json_str(j, verdict_words(c, h, w, sizeof(w)));
		json_key(j, "target_state");
		json_str(j, h->target_state == CS_VERDICT_BUSY_PRIOR ? "busy_prior" :
			 h->target_state == CS_VERDICT_BUSY_THIS ? "busy_this" : "unresponsive");
		json_key(j, "completed");
		json_bool(j, cs_hang_completed(&c->rec, h));
		json_key(j, "panicked");
		json_bool(j, !!(h->flags & CS_HANG_PANICKED));
		json_key(j, "target_irqs_off_ns");
		jns(j, h->target_irqs_off_ns);
		json_key(j, "target_rip");
		if (h->target.flags & CS_CAP_VALID)
			json_addr(j, h->target.regs.ip);
		else
			json_null(j);
		json_key(j, "target_symbol");
		if (h->target.flags & CS_CAP_VALID)
			jsym(c, j, h->target.regs.ip);
		else
			json_null(j);
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
		json_key(j, "cpu");
		json_uint(j, l->cpu);
		json_key(j, "detector_cpu");
		json_uint(j, l->detector_cpu);
		json_key(j, "rip");
		if (v)
			json_addr(j, l->cap.regs.ip);
		else
			json_null(j);
		json_key(j, "symbol");
		if (v)
			jsym(c, j, l->cap.regs.ip);
		else
			json_null(j);
		json_key(j, "stuck_ns");
		json_uint(j, l->stuck_ns);
		json_key(j, "irqs_off_ns");
		jns(j, l->irqs_off_ns);
		json_key(j, "frames");
		jframes(c, j, &l->cap);
		json_key(j, "panicked");
		json_bool(j, !!(l->flags & CS_HANG_PANICKED));
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
		json_key(j, "seq");
		json_uint(j, s[i]->seq);
		json_key(j, "cpu");
		json_uint(j, s[i]->cpu);
		json_key(j, "ctx");
		json_str(j, cs_ctx_name(s[i]->ctx));
		json_key(j, "cont");
		json_bool(j, s[i]->cont);
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
	json_key(j, "csdextract_version");
	json_str(j, CSDEXTRACT_VERSION);
	json_key(j, "dump");
	json_obj_begin(j);
	json_key(j, "path");
	json_str(j, c->o.path);
	json_key(j, "format");
	json_str(j, dump_format_name(c->d));
	json_obj_end(j);
	json_key(j, "kernel");
	json_obj_begin(j);
	json_key(j, "release");
	json_str(j, rel && *rel ? rel : NULL);
	json_obj_end(j);
	json_key(j, "panic");
	json_obj_begin(j);
	json_key(j, "cpu");
	if (c->panic_cpu >= 0)
		json_int(j, c->panic_cpu);
	else
		json_null(j);
	json_key(j, "message");
	json_str(j, c->panic_msg);
	json_key(j, "time_ns");
	if (crash_time_ns(c))
		json_uint(j, crash_time_ns(c));
	else
		json_null(j);
	json_obj_end(j);

	json_key(j, "record");
	json_obj_begin(j);
	json_key(j, "found");
	json_bool(j, c->found);
	json_key(j, "found_by");
	json_str(j, c->found ? found_by_name(c->found_by) : NULL);
	json_key(j, "version");
	if (c->found) {
		snprintf(ver, sizeof(ver), "%u.%u", c->rec.root.version_major,
			 c->rec.root.version_minor);
		json_str(j, ver);
	} else {
		json_null(j);
	}
	json_key(j, "phys");
	if (c->found)
		json_addr(j, c->rec.phys);
	else
		json_null(j);
	json_key(j, "status");
	json_str(j, !c->found ? "absent" : c->rec.status == CS_DEC_OK ? "ok" : "damaged");
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
