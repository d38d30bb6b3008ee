// SPDX-License-Identifier: GPL-2.0
/*
 * The human-readable report, and helpers shared with the JSON report.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis.h"
#include "csdextract.h"

#define TEXT_FRAMES 8

static int symbolize(struct ctx *c, uint64_t addr, int ret, char *buf, size_t len)
{
	if (!addr || !c->d || !len)
		return -1;
	if ((ret ? dump_symbolize_ret : dump_symbolize)(c->d, addr, buf, len))
		return -1;
	buf[len - 1] = 0;
	return 0;
}

int sym(struct ctx *c, uint64_t addr, char *buf, size_t len)
{
	return symbolize(c, addr, 0, buf, len);
}

int sym_ret(struct ctx *c, uint64_t addr, char *buf, size_t len)
{
	return symbolize(c, addr, 1, buf, len);
}

/* frames[0] is the interrupted RIP (exact), the rest return addresses. */
int sym_frame(struct ctx *c, const struct cs_capture *cap, unsigned int i,
	      char *buf, size_t len)
{
	if (i >= CS_MAX_FRAMES)
		return -1;
	return i ? sym_ret(c, cap->frames[i], buf, len) :
		   sym(c, cap->frames[i], buf, len);
}

void sym_name(struct ctx *c, uint64_t addr, char *buf, size_t len)
{
	char s[256];
	size_t n;
	const char *mod;

	if (!len)
		return;
	/* the module fallback's "0x... [mod+0x...]": no name, as the kernel */
	if (sym(c, addr, s, sizeof(s)) || !strncmp(s, "0x", 2)) {
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
		return;
	}
	n = strcspn(s, "+ ");
	mod = strstr(s + n, " [");
	snprintf(buf, len, "%.*s%s", (int)n, s, mod ? mod : "");
}

uint64_t seq_to_ns(const struct ctx *c, uint64_t dseq)
{
	unsigned int khz = c->rec.root.tsc_khz;

	if (!khz)
		return 0;
	return (uint64_t)((unsigned __int128)dseq * 1000000u / khz);
}

int cpu_rip(struct ctx *c, unsigned int cpu, uint64_t *rip, const char **from)
{
	struct cs_regs r;

	if (c->found && cpu < c->rec.nr_cpus && c->rec.cpu &&
	    c->rec.cpu[cpu].valid &&
	    (c->rec.cpu[cpu].st.cap.flags & CS_CAP_VALID)) {
		*rip = c->rec.cpu[cpu].st.cap.regs.ip;
		*from = "record";
		return 0;
	}
	if (cpu < 4096 && !dump_cpu_regs(c->d, (int)cpu, &r)) {
		*rip = r.ip;
		*from = "prstatus";
		return 0;
	}
	return -1;
}

/* Reader-side verdict when the record has none. */
static unsigned int infer_verdict(struct ctx *c, const struct cs_csd_hang *h)
{
	const struct cs_decoded *d = &c->rec;
	const struct cs_dec_ring *rs, *rt;
	uint64_t ipi_seq = 0;
	int noipi = 0;
	size_t i;

	if (h->target_irqs_off_ns != ~0ull && h->waited_ns &&
	    h->target_irqs_off_ns >= h->waited_ns)
		return CS_VERDICT_IRQS_OFF;
	rs = &d->ring[h->source_cpu];
	rt = &d->ring[h->target_cpu];
	for (i = 0; i < rs->nev; i++) {
		const struct cs_event *e = &rs->ev[i].ev;

		if (e->seq < h->queued_seq)
			continue;
		if (e->type == CS_EV_NOIPI && e->dst == h->target_cpu)
			noipi = 1;
		if ((e->type == CS_EV_IPI && e->dst == h->target_cpu) ||
		    e->type == CS_EV_PING)
			if (!ipi_seq)
				ipi_seq = e->seq;
	}
	if (!ipi_seq && noipi)
		return CS_VERDICT_NOIPI;
	if (ipi_seq) {
		int got = 0;

		for (i = 0; i < rt->nev; i++)
			if (rt->ev[i].ev.seq > ipi_seq &&
			    rt->ev[i].ev.type == CS_EV_GOTIPI)
				got = 1;
		if (!got && h->target_irqs_off_ns != ~0ull &&
		    h->target_irqs_off_ns < h->waited_ns)
			return CS_VERDICT_LOST_IPI;
	}
	return CS_VERDICT_UNKNOWN;
}

/* The verdict from the record and the rings, before the hook check. */
static unsigned int ring_verdict(struct ctx *c, const struct cs_csd_hang *h)
{
	unsigned int v = h->verdict;

	if (v == CS_VERDICT_UNKNOWN)
		v = infer_verdict(c, h);
	/* Seed 001: never blame the IPI when the request completed. */
	if ((v == CS_VERDICT_LOST_IPI || v == CS_VERDICT_NOIPI) &&
	    cs_hang_completed(&c->rec, h))
		v = CS_VERDICT_UNKNOWN;
	return v;
}

/* Hooks the verdict would rely on that were not live (0: it may stand). */
uint32_t hang_verdict_missing(struct ctx *c, const struct cs_csd_hang *h)
{
	return cs_verdict_missing_hooks(&c->rec, ring_verdict(c, h));
}

/* Effective verdict: unknown when evidence it relies on was not recorded. */
static unsigned int eff_verdict(struct ctx *c, const struct cs_csd_hang *h)
{
	return hang_verdict_missing(c, h) ? CS_VERDICT_UNKNOWN :
					    ring_verdict(c, h);
}

unsigned int hang_verdict(struct ctx *c, const struct cs_csd_hang *h)
{
	return eff_verdict(c, h);
}

/* Comma-separated names of the CS_HOOK_* bits in @mask. */
const char *hook_list(uint32_t mask, char *buf, size_t len)
{
	size_t used = 0;
	uint32_t bit;

	if (!len)
		return buf;
	buf[0] = 0;
	for (bit = 1; bit && bit <= CS_HOOK_ALL; bit <<= 1) {
		int n;

		if (!(mask & bit))
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? "," : "",
			     cs_hook_name(bit));
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	if (!used)
		snprintf(buf, len, "none");
	return buf;
}

/* Why the verdict is unknown although the rings suggested one, or NULL. */
const char *verdict_reason(struct ctx *c, const struct cs_csd_hang *h,
			   char *buf, size_t len)
{
	uint32_t miss = hang_verdict_missing(c, h);
	char hl[160];

	if (!miss)
		return NULL;
	snprintf(buf, len, "evidence missing: verdict %s relies on the %s hook%s, not live on this kernel",
		 cs_verdict_name(ring_verdict(c, h)),
		 hook_list(miss, hl, sizeof(hl)), miss & (miss - 1) ? "s" : "");
	return buf;
}

const char *verdict_words(struct ctx *c, const struct cs_csd_hang *h,
			  char *buf, size_t len)
{
	char fs[160] = "an earlier callback";
	unsigned int v = eff_verdict(c, h);
	int done = cs_hang_completed(&c->rec, h);
	unsigned long long ms = h->target_irqs_off_ns == ~0ull ? 0 :
				h->target_irqs_off_ns / 1000000;

	switch (v) {
	case CS_VERDICT_IRQS_OFF:
		snprintf(buf, len, "CPU#%u has had interrupts disabled for at least %llu ms: it cannot take the IPI; look at what it runs (below), not at IPI delivery",
			 h->target_cpu, ms);
		break;
	case CS_VERDICT_LOST_IPI:
		snprintf(buf, len, "lost IPI: CPU#%u was sent the IPI and never entered the call-function handler although its interrupts were on (no timer interrupt gap)",
			 h->target_cpu);
		break;
	case CS_VERDICT_NOIPI:
		snprintf(buf, len, "no IPI was sent for this request because CPU#%u's queue was already non-empty (an IPI was assumed pending); the earlier queued request was never handled",
			 h->target_cpu);
		break;
	case CS_VERDICT_BUSY_PRIOR:
		if (h->prior_func)
			sym(c, h->prior_func, fs, sizeof(fs));
		snprintf(buf, len, "CPU#%u got the IPI but is still busy in a prior callback (%s): the wait is that callback's, not the IPI's",
			 h->target_cpu, fs);
		break;
	case CS_VERDICT_BUSY_THIS:
		snprintf(buf, len, "CPU#%u is running this very callback and has not finished: a slow callback, not an IPI problem",
			 h->target_cpu);
		break;
	default:
		if (hang_verdict_missing(c, h))
			verdict_reason(c, h, buf, len);
		else if (done)
			snprintf(buf, len, "the request completed later (CPU#%u handled it): the IPI was not lost; the wait was spent elsewhere (see the sender's stack)",
				 h->target_cpu);
		else
			snprintf(buf, len, "undetermined from the record");
	}
	return buf;
}

static void fmt_ns(char *buf, size_t len, uint64_t ns)
{
	if (ns == ~0ull)
		snprintf(buf, len, "-");
	else if (ns >= 1000000000ull)
		snprintf(buf, len, "%llu.%03llu s", (unsigned long long)(ns / 1000000000ull),
			 (unsigned long long)(ns / 1000000ull % 1000));
	else if (ns >= 1000000ull)
		snprintf(buf, len, "%llu.%03llu ms", (unsigned long long)(ns / 1000000ull),
			 (unsigned long long)(ns / 1000ull % 1000));
	else
		snprintf(buf, len, "%llu us", (unsigned long long)(ns / 1000ull));
}

static void print_frames(struct ctx *c, FILE *f, const struct cs_capture *cap,
			 const char *ind, unsigned int max)
{
	unsigned int i, n = cap->nr_frames < CS_MAX_FRAMES ? cap->nr_frames : CS_MAX_FRAMES;
	char s[256];

	for (i = 0; i < n && i < max; i++) {
		if (sym_frame(c, cap, i, s, sizeof(s)))
			snprintf(s, sizeof(s), "?");
		fprintf(f, "%s#%u 0x%016llx %s\n", ind, i,
			(unsigned long long)cap->frames[i], s);
	}
	if (n > max)
		fprintf(f, "%s... %u more frames (see --json)\n", ind, n - max);
}

static void print_regs(FILE *f, const struct cs_regs *r, const char *ind)
{
	fprintf(f, "%sRIP: %04llx:%016llx RSP: %04llx:%016llx EFLAGS: %08llx (IF=%d)\n",
		ind, (unsigned long long)r->cs, (unsigned long long)r->ip,
		(unsigned long long)r->ss, (unsigned long long)r->sp,
		(unsigned long long)r->flags, (int)((r->flags >> 9) & 1));
	fprintf(f, "%sRAX: %016llx RBX: %016llx RCX: %016llx\n", ind,
		(unsigned long long)r->ax, (unsigned long long)r->bx, (unsigned long long)r->cx);
	fprintf(f, "%sRDX: %016llx RSI: %016llx RDI: %016llx\n", ind,
		(unsigned long long)r->dx, (unsigned long long)r->si, (unsigned long long)r->di);
	fprintf(f, "%sRBP: %016llx R08: %016llx R09: %016llx\n", ind,
		(unsigned long long)r->bp, (unsigned long long)r->r8, (unsigned long long)r->r9);
	fprintf(f, "%sR10: %016llx R11: %016llx R12: %016llx\n", ind,
		(unsigned long long)r->r10, (unsigned long long)r->r11, (unsigned long long)r->r12);
	fprintf(f, "%sR13: %016llx R14: %016llx R15: %016llx\n", ind,
		(unsigned long long)r->r13, (unsigned long long)r->r14, (unsigned long long)r->r15);
}

/* "cnt(%07llx): %04x->%04x %s" line, cnt = seq - base. */
static void print_event(struct ctx *c, FILE *f, const char *pfx,
			const struct cs_dev *v, uint64_t base)
{
	const struct cs_event *e = &v->ev;
	char s[256];

	fprintf(f, "%scnt(%07llx): %04x->%04x %s%s", pfx,
		(unsigned long long)(e->seq - base), e->src, e->dst,
		cs_event_name(e->type), v->inferred ? " (inferred)" : "");
	fprintf(f, "  [cpu %u %s", e->cpu, cs_ctx_name(e->ctx));
	if (e->func && !v->inferred) {
		if (sym(c, e->func, s, sizeof(s)))
			snprintf(s, sizeof(s), "0x%llx", (unsigned long long)e->func);
		fprintf(f, " %s", s);
	}
	if (e->csd && !v->inferred)
		fprintf(f, " csd=0x%llx", (unsigned long long)e->csd);
	fprintf(f, "]\n");
}

uint64_t crash_time_ns(struct ctx *c)
{
	uint64_t t = 0;

	if (c->found && c->rec.crash_valid && c->rec.crash.crash_realtime_ns)
		return c->rec.crash.crash_realtime_ns;
	if (!dump_vmcoreinfo_u64(c->d, "CRASHTIME", &t) && t < (1ull << 34))
		return t * 1000000000ull;
	return 0;
}

static void header(struct ctx *c, FILE *f)
{
	const char *rel = dump_release(c->d);

	fprintf(f, "csdextract %s: %s (%s dump)\n", CSDEXTRACT_VERSION,
		c->o.path, dump_format_name(c->d));
	if (dump_warning(c->d))
		fprintf(f, "Dump warning: %s\n", dump_warning(c->d));
	if ((!rel || !*rel) && c->found)
		rel = c->rec.root.release;
	fprintf(f, "Kernel:      %s\n", rel && *rel ? rel : "(unknown)");
	{
		uint64_t ns = crash_time_ns(c);
		time_t t = (time_t)(ns / 1000000000ull);
		struct tm tm;
		char tb[64];

		if (ns) {
			gmtime_r(&t, &tm);
			strftime(tb, sizeof(tb), "%Y-%m-%d %H:%M:%S", &tm);
			fprintf(f, "Crash time:  %s.%06llu UTC (%s)\n", tb,
				(unsigned long long)(ns % 1000000000ull / 1000),
				c->found && c->rec.crash_valid && c->rec.crash.crash_realtime_ns ?
				"record" : "VMCOREINFO CRASHTIME");
		} else {
			fprintf(f, "Crash time:  (unknown)\n");
		}
	}
	if (c->panic_msg && c->panic_cpu >= 0)
		fprintf(f, "Panic:       CPU %d: %s\n", c->panic_cpu, c->panic_msg);
	else if (c->panic_msg)
		fprintf(f, "Panic:       CPU ?: %s\n", c->panic_msg);
	else
		fprintf(f, "Panic:       (no panic message in the kernel log)\n");
}

/* Hook liveness and module table overflow (record 1.2+). */
static void status_lines(struct ctx *c, FILE *f)
{
	const struct cs_status *st = &c->rec.st;
	char a[256], b[256];

	if (!cs_hooks_known(&c->rec)) {
		fprintf(f, "Hooks:       CSD hook liveness not recorded by the module (record %u.%u): verdicts taken as recorded\n",
			c->rec.root.version_major, c->rec.root.version_minor);
	} else if (st->hooks_wanted & ~st->hooks_live) {
		fprintf(f, "Hooks:       live %s; NOT live: %s (verdicts that rely on them are reported unknown)\n",
			hook_list(st->hooks_live, a, sizeof(a)),
			hook_list(st->hooks_wanted & ~st->hooks_live, b, sizeof(b)));
	} else {
		fprintf(f, "Hooks:       all live (%s)\n",
			hook_list(st->hooks_live, a, sizeof(a)));
	}
	if (c->rec.have_status && st->modules_dropped)
		fprintf(f, "Modules:     %u loaded module%s did not fit the record's table of %u: %s addresses are not symbolised\n",
			st->modules_dropped, st->modules_dropped == 1 ? "" : "s",
			CS_MAX_MODULES, st->modules_dropped == 1 ? "its" : "their");
	else if (c->rec.have_status && (st->flags & CS_STATUS_MOD_OVERFLOW))
		fprintf(f, "Modules:     the record's module table (%u) was full at some point; modules loaded then may not be symbolised\n",
			CS_MAX_MODULES);
}

static void record_line(struct ctx *c, FILE *f)
{
	size_t i;

	if (!c->found) {
		fprintf(f, "Record:      NOT FOUND (crashsafe record absent); report from the dump alone\n");
		for (i = 0; i < c->nlocate_notes; i++)
			fprintf(f, "  tried: %s\n", c->locate_notes[i]);
		return;
	}
	fprintf(f, "Record:      found by %s at phys 0x%llx, version %u.%u (module %s), status %s\n",
		found_by_name(c->found_by), (unsigned long long)c->rec.phys,
		c->rec.root.version_major, c->rec.root.version_minor,
		c->rec.root.module_version[0] ? c->rec.root.module_version : "?",
		c->rec.status == CS_DEC_OK ? "ok" : "damaged");
	for (i = 0; i < c->nlocate_notes; i++)
		fprintf(f, "  note: %s\n", c->locate_notes[i]);
	for (i = 0; i < c->rec.nproblem; i++)
		fprintf(f, "  problem: %s\n", c->rec.problem[i]);
	status_lines(c, f);
}

static void task_str(const struct an_task *t, char *buf, size_t len)
{
	if (!t->valid)
		snprintf(buf, len, "?");
	else if (t->idle)
		snprintf(buf, len, "idle (%s/%d)", t->comm, t->pid);
	else
		snprintf(buf, len, "%s/%d (%c)", t->comm, t->pid, t->state);
}

/* One line: what a CPU or task waits for, and who holds it. */
static void wait_str(const struct an_wait *w, char *buf, size_t len)
{
	char owner[96] = "";

	if (w->owner_cpu >= 0 && w->owner_pid >= 0)
		snprintf(owner, sizeof(owner), " held by CPU%d (%s/%d)", w->owner_cpu,
			 w->owner_comm, w->owner_pid);
	else if (w->owner_cpu >= 0)
		snprintf(owner, sizeof(owner), " held by CPU%d", w->owner_cpu);
	else if (w->owner_pid >= 0)
		snprintf(owner, sizeof(owner), " held by %s/%d (not running)",
			 w->owner_comm, w->owner_pid);
	else
		snprintf(owner, sizeof(owner), ", owner unknown");
	switch (w->kind) {
	case AN_WAIT_SPINLOCK:
	case AN_WAIT_MUTEX:
	case AN_WAIT_RWSEM:
		snprintf(buf, len, "%s 0x%llx %s%s", an_wait_kind_name(w->kind),
			 (unsigned long long)w->lock, w->lock_name[0] ? w->lock_name : "(unnamed)",
			 owner);
		break;
	case AN_WAIT_COMPLETION:
		snprintf(buf, len, "completion 0x%llx %s", (unsigned long long)w->lock,
			 w->lock_name[0] ? w->lock_name : "(unnamed)");
		break;
	case AN_WAIT_CSD:
		if (w->target_cpu >= 0)
			snprintf(buf, len, "CSD on CPU%d", w->target_cpu);
		else
			snprintf(buf, len, "CSD (target unknown)");
		break;
	case AN_WAIT_TASK:
		snprintf(buf, len, "task %s/%d on CPU%d", w->owner_comm, w->owner_pid,
			 w->target_cpu);
		break;
	default:
		snprintf(buf, len, "nothing visible");
	}
}

static void print_cpu_analysis(struct ctx *c, FILE *f, unsigned int i)
{
	const struct an_cpu *ac;
	char t[96], w[400];

	if (!c->an || i >= c->an->ncpus)
		return;
	ac = &c->an->cpu[i];
	task_str(&ac->task, t, sizeof(t));
	fprintf(f, "         task: %s\n", t);
	if (ac->wait.kind != AN_WAIT_NONE) {
		wait_str(&ac->wait, w, sizeof(w));
		fprintf(f, "         waits for: %s\n", w);
		fprintf(f, "           evidence: %s\n", ac->wait.evidence);
	}
}

/* A CPU that only idles: idle task, nothing waited for, not the panic CPU. */
static int idle_cpu(struct ctx *c, unsigned int i)
{
	const struct an_cpu *ac;

	if (!c->an || i >= c->an->ncpus || (int)i == c->panic_cpu)
		return 0;
	ac = &c->an->cpu[i];
	return ac->task.valid && ac->task.idle && ac->wait.kind == AN_WAIT_NONE;
}

static unsigned int stop_of(struct ctx *c, unsigned int i)
{
	const struct cs_dec_cpu *dc = c->found && c->rec.cpu && i < c->rec.nr_cpus ?
				      &c->rec.cpu[i] : NULL;

	return dc && dc->valid ? dc->st.stop : CS_STOP_NONE;
}

/* Length of the run of idle CPUs with the same stop kind from @i. */
static unsigned int idle_run(struct ctx *c, unsigned int i, unsigned int n,
			     unsigned int *last)
{
	unsigned int k;

	if (!idle_cpu(c, i))
		return 0;
	for (k = i + 1; k < n && idle_cpu(c, k) && stop_of(c, k) == stop_of(c, i); k++)
		;
	*last = k - 1;
	return k - i;
}

static void print_idle_run(struct ctx *c, FILE *f, unsigned int a, unsigned int b)
{
	uint64_t lo = ~0ull, hi = 0;
	unsigned int k, st = stop_of(c, a);
	char l1[32], l2[32];

	for (k = a; k <= b && st != CS_STOP_NONE; k++) {
		uint64_t ns = c->rec.cpu[k].st.stop_latency_ns;	/* stop_of(): valid */

		if (ns < lo)
			lo = ns;
		if (ns > hi)
			hi = ns;
	}
	if (st == CS_STOP_IPI || st == CS_STOP_NMI) {
		snprintf(l1, sizeof(l1), "%.1f", lo / 1e6);
		snprintf(l2, sizeof(l2), "%.1f", hi / 1e6);
		fprintf(f, "  CPUs %u-%u idle, stopped by %s in %s%s%s ms\n", a, b,
			st == CS_STOP_IPI ? "IPI" : "NMI", l1, strcmp(l1, l2) ? "-" : "",
			strcmp(l1, l2) ? l2 : "");
	} else {
		fprintf(f, "  CPUs %u-%u idle\n", a, b);
	}
}

static void cpu_table(struct ctx *c, FILE *f)
{
	unsigned int n, i;
	char s[256], lat[32], irq[32];

	n = c->found && c->rec.nr_cpus ? c->rec.nr_cpus : 0;
	if (!n && dump_nr_cpus(c->d) > 0)
		n = (unsigned int)dump_nr_cpus(c->d);
	fprintf(f, "\nCPUs:\n");
	if (c->found && c->rec.crash_valid)
		fprintf(f, "  crash stop: %u by IPI, %u by NMI, %u did not answer (IPI phase %llu ms, NMI phase %llu ms)\n",
			c->rec.crash.nr_ipi, c->rec.crash.nr_nmi, c->rec.crash.nr_noanswer,
			(unsigned long long)(c->rec.crash.ipi_phase_ns / 1000000),
			(unsigned long long)(c->rec.crash.nmi_phase_ns / 1000000));
	if (c->found && c->rec.crash_valid &&
	    (c->rec.crash.flags & CS_CRASH_TSC_UNSTABLE))
		fprintf(f, "  note: the kernel had marked the TSC unstable: the order of events across CPUs is approximate\n");
	fprintf(f, "  %-4s %-9s %-12s %-12s %-18s %s\n", "CPU", "STOP", "LATENCY",
		"IRQS-OFF", "RIP", "SYMBOL");
	for (i = 0; i < n; i++) {
		const struct cs_dec_cpu *dc = c->found && c->rec.cpu ? &c->rec.cpu[i] : NULL;
		uint64_t rip = 0;
		const char *from = NULL;
		int have = !cpu_rip(c, i, &rip, &from);
		unsigned int last;

		if (!c->o.all && idle_run(c, i, n, &last) > 1) {
			print_idle_run(c, f, i, last);
			i = last;
			continue;
		}
		if (dc && dc->valid) {
			fmt_ns(lat, sizeof(lat), dc->st.stop == CS_STOP_PANIC ||
			       dc->st.stop == CS_STOP_NONE ? ~0ull : dc->st.stop_latency_ns);
			fmt_ns(irq, sizeof(irq), dc->st.irqs_off_ns);
		} else {
			snprintf(lat, sizeof(lat), "-");
			snprintf(irq, sizeof(irq), "-");
		}
		if (!have || sym(c, rip, s, sizeof(s)))
			snprintf(s, sizeof(s), "?");
		fprintf(f, "  %-4u %-9s %-12s %-12s 0x%016llx %s%s\n", i,
			dc && dc->valid ? cs_stop_name(dc->st.stop) : "-", lat, irq,
			(unsigned long long)rip, s,
			from && !strcmp(from, "prstatus") ? " (NT_PRSTATUS)" : "");
		if (dc && dc->valid && (dc->st.cap.flags & CS_CAP_VALID)) {
			print_frames(c, f, &dc->st.cap, "         ", 4);
		} else if (have && !strcmp(from, "prstatus")) {
			struct cs_regs r;

			if (!dump_cpu_regs(c->d, (int)i, &r))
				print_regs(f, &r, "         ");
		}
		print_cpu_analysis(c, f, i);
	}
}

static void hangs(struct ctx *c, FILE *f)
{
	unsigned int i;
	size_t *idx, n, k;
	char s[256], w[512], info[256];

	if (!c->found)
		return;
	fprintf(f, "\nCSD hangs: %u\n", c->rec.nhang);
	idx = malloc(4096 * sizeof(*idx));
	for (i = 0; i < c->rec.nhang; i++) {
		const struct cs_csd_hang *h = &c->rec.hang[i];
		uint64_t base;

		if (sym(c, h->func, s, sizeof(s)))
			snprintf(s, sizeof(s), "0x%llx", (unsigned long long)h->func);
		/* as the kernel's "%pS(%ps)": %ps of NULL prints 0x0 */
		sym_name(c, h->info, info, sizeof(info));
		fprintf(f, "\ncsd: Detected non-responsive CSD lock (#%u) on CPU#%u, waiting %llu ns for CPU#%02u %s(%s).%s\n",
			h->id, h->source_cpu, (unsigned long long)h->waited_ns,
			h->target_cpu, s, info,
			(h->flags & CS_HANG_PANICKED) ? "  [caused the panic]" : "");
		if (h->target_state == CS_VERDICT_BUSY_PRIOR) {
			if (sym(c, h->prior_func, s, sizeof(s)))
				snprintf(s, sizeof(s), "0x%llx", (unsigned long long)h->prior_func);
			fprintf(f, "\tcsd: CSD lock (#%u) handling prior %s request.\n", h->id, s);
		} else {
			fprintf(f, "\tcsd: CSD lock (#%u) %s.\n", h->id,
				h->target_state == CS_VERDICT_BUSY_THIS ?
				"handling this request" : "unresponsive");
		}
		n = idx ? cs_hang_events(&c->rec, h, idx, 4096) : 0;
		base = n ? c->rec.merged[idx[0]]->ev.seq : 0;
		for (k = 0; k < n; k++)
			print_event(c, f, "\tcsd: ", c->rec.merged[idx[k]], base);
		if (n && h->detected_seq >= base)
			fprintf(f, "\tcsd: cnt now: %07llx (detection)\n",
				(unsigned long long)(h->detected_seq - base));
		if (!n)
			fprintf(f, "\tcsd: (no ring entries for CPU#%u->CPU#%u)\n",
				h->source_cpu, h->target_cpu);
		fprintf(f, "  verdict: %s: %s\n", cs_verdict_name(hang_verdict(c, h)),
			verdict_words(c, h, w, sizeof(w)));
		if (h->verdict != hang_verdict(c, h) && hang_verdict_missing(c, h))
			fprintf(f, "  (the module recorded verdict %s; not used: the hooks it relies on were not live)\n",
				cs_verdict_name(h->verdict));
		else if (h->verdict != hang_verdict(c, h))
			fprintf(f, "  (the module recorded verdict %s; corrected from the event rings)\n",
				cs_verdict_name(h->verdict));
		if (h->target.flags & CS_CAP_VALID) {
			if (sym(c, h->target.regs.ip, s, sizeof(s)))	/* as %pS */
				snprintf(s, sizeof(s), "0x%llx",
					 (unsigned long long)h->target.regs.ip);
			fprintf(f, "  target CPU#%u at %s (captured by %s):\n", h->target_cpu, s,
				(h->target.flags & CS_CAP_NMI) ? "NMI" : "IRQ");
			print_regs(f, &h->target.regs, "    ");
			print_frames(c, f, &h->target, "    ", TEXT_FRAMES);
		} else if (h->target.flags & CS_CAP_TIMEOUT) {
			fprintf(f, "  target CPU#%u did not answer the NMI\n", h->target_cpu);
		}
	}
	free(idx);
}

static void lockups(struct ctx *c, FILE *f)
{
	unsigned int i;
	char s[256], a[32], b[32];

	if (!c->found)
		return;
	fprintf(f, "\nHard lockups: %u\n", c->rec.nlockup);
	for (i = 0; i < c->rec.nlockup; i++) {
		const struct cs_lockup *l = &c->rec.lockup[i];

		fmt_ns(a, sizeof(a), l->stuck_ns);
		fmt_ns(b, sizeof(b), l->irqs_off_ns);
		if (!(l->cap.flags & CS_CAP_VALID) || sym(c, l->cap.regs.ip, s, sizeof(s)))
			snprintf(s, sizeof(s), "0x%llx",	/* as %pS */
				 (unsigned long long)l->cap.regs.ip);
		fprintf(f, "  Watchdog: hard LOCKUP on CPU#%u (detected by CPU#%u): stuck %s, irqs off >= %s%s\n",
			l->cpu, l->detector_cpu, a, b,
			(l->flags & CS_HANG_PANICKED) ? "  [caused the panic]" : "");
		if (l->cap.flags & CS_CAP_VALID) {
			fprintf(f, "  CPU#%u at %s\n", l->cpu, s);
			print_regs(f, &l->cap.regs, "    ");
			print_frames(c, f, &l->cap, "    ", TEXT_FRAMES);
		} else {
			fprintf(f, "  CPU#%u %s\n", l->cpu,
				(l->cap.flags & CS_CAP_TIMEOUT) ?
				"did not answer the NMI" : "context not captured");
		}
	}
}

struct logref {
	const struct cs_log_slot *s;
};

static int lcmp(const void *a, const void *b)
{
	const struct cs_log_slot *x = ((const struct logref *)a)->s;
	const struct cs_log_slot *y = ((const struct logref *)b)->s;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
}

/* All valid log slots of all CPUs in seq order; caller frees. */
size_t merged_log(struct ctx *c, const struct cs_log_slot ***out)
{
	size_t n = 0, k = 0, i;
	unsigned int cpu;
	struct logref *r;
	const struct cs_log_slot **o;

	*out = NULL;
	if (!c->found || !c->rec.log)
		return 0;
	for (cpu = 0; cpu < c->rec.nr_cpus; cpu++)
		n += c->rec.log[cpu].nslot;
	if (!n)
		return 0;
	r = malloc(n * sizeof(*r));
	o = malloc(n * sizeof(*o));
	if (!r || !o) {
		free(r);
		free(o);
		return 0;
	}
	for (cpu = 0; cpu < c->rec.nr_cpus; cpu++)
		for (i = 0; i < c->rec.log[cpu].nslot; i++)
			r[k++].s = &c->rec.log[cpu].slot[i];
	qsort(r, n, sizeof(*r), lcmp);
	for (i = 0; i < n; i++)
		o[i] = r[i].s;
	free(r);
	*out = o;
	return n;
}

static void print_text_bytes(FILE *f, const char *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)t[i];

		if (ch == '\n' && i + 1 == n)
			break;
		if (ch == '\n' || ch == '\t' || (ch >= 0x20 && ch < 0x7f))
			fputc(ch, f);
		else
			fprintf(f, "\\x%02x", ch);
	}
}

static void nmilog(struct ctx *c, FILE *f)
{
	const struct cs_log_slot **s;
	size_t n = merged_log(c, &s), i;

	if (!c->found)
		return;
	fprintf(f, "\nNMI-safe log: %zu entries (time relative to module load)\n", n);
	for (i = 0; i < n; i++) {
		uint64_t t = s[i]->seq > c->rec.root.load_seq ?
			seq_to_ns(c, s[i]->seq - c->rec.root.load_seq) : 0;

		if (s[i]->cont)
			fprintf(f, "  %*s ", 24, "");
		else
			fprintf(f, "  [%6llu.%06llu] CPU%-3u %-7s ",
				(unsigned long long)(t / 1000000000ull),
				(unsigned long long)(t / 1000 % 1000000),
				s[i]->cpu, cs_ctx_name(s[i]->ctx));
		print_text_bytes(f, s[i]->text, s[i]->len);
		fputc('\n', f);
	}
	free(s);
}

static void all_events(struct ctx *c, FILE *f)
{
	size_t i;
	uint64_t base;

	if (!c->found)
		return;
	base = c->rec.nmerged ? c->rec.merged[0]->ev.seq : 0;
	fprintf(f, "\nAll events: %zu, merged across CPUs in seq order (cnt relative to the first)\n",
		c->rec.nmerged);
	for (i = 0; i < c->rec.nmerged; i++)
		print_event(c, f, "  ", c->rec.merged[i], base);
}

static void analysis_sections(struct ctx *c, FILE *f)
{
	const struct analysis *a = c->an;
	unsigned int i, k;
	char w[400], t[96], mx[32], p99[32];

	if (!a)
		return;
	if (!a->btf_ok)
		fprintf(f, "\nAnalysis: no kernel BTF (%s): no tasks, locks or waits\n",
			a->btf_note);
	fprintf(f, "\nLocks waited for: %u\n", a->nlocks);
	for (i = 0; i < a->nlocks; i++) {
		const struct an_lock *l = &a->locks[i];

		fprintf(f, "  %s 0x%llx %s word 0x%llx: ", an_wait_kind_name(l->kind),
			(unsigned long long)l->addr, l->name[0] ? l->name : "(unnamed)",
			(unsigned long long)l->word);
		if (l->owner_cpu >= 0)
			fprintf(f, "held by CPU%d (%s/%d)", l->owner_cpu, l->owner_comm,
				l->owner_pid);
		else if (l->owner_pid >= 0)
			fprintf(f, "held by %s/%d (not running)", l->owner_comm, l->owner_pid);
		else
			fprintf(f, "owner unknown");
		fprintf(f, "; waiters:");
		for (k = 0; k < l->nwaiters; k++) {
			if (l->waiters[k].cpu >= 0)
				fprintf(f, " CPU%d", l->waiters[k].cpu);
			fprintf(f, " %s/%d", l->waiters[k].comm, l->waiters[k].pid);
		}
		fprintf(f, "\n    evidence: %s\n", l->evidence);
	}
	fprintf(f, "\nWait-for cycles: %u\n", a->ncycles);
	for (i = 0; i < a->ncycles; i++)
		fprintf(f, "%s\n", a->cycles[i].text);
	if (a->tasks_walked)
		fprintf(f, "\nHung tasks (D state): %u of %u tasks%s%s\n", a->nhung,
			a->ntasks, a->tasks_note[0] ? "; " : "", a->tasks_note);
	else
		fprintf(f, "\nHung tasks (D state): none%s%s\n",
			a->tasks_note[0] ? "; " : "", a->tasks_note);
	for (i = 0; i < a->nhung; i++) {
		const struct an_hung *h = &a->hung[i];

		task_str(&h->task, t, sizeof(t));
		wait_str(&h->wait, w, sizeof(w));
		fprintf(f, "  %s waits for %s\n", t, w);
		if (h->wait.evidence[0])
			fprintf(f, "    evidence: %s\n", h->wait.evidence);
	}
	if (a->have_stats) {
		fprintf(f, "\nCSD statistics (from the rings): %llu requests, %llu completed\n",
			(unsigned long long)a->csd_requests, (unsigned long long)a->csd_completed);
		fprintf(f, "  %-32s %9s %9s %12s %12s  %s\n", "CALLBACK", "REQUESTS",
			"COMPLETED", "MAX", "P99", "TOP SENDERS");
		for (i = 0; i < a->nstats; i++) {
			const struct an_csd_stat *s = &a->stats[i];

			fmt_ns(mx, sizeof(mx), s->max_ns);
			fmt_ns(p99, sizeof(p99), s->p99_ns);
			fprintf(f, "  %-32s %9llu %9llu %12s %12s ", s->name,
				(unsigned long long)s->requests,
				(unsigned long long)s->completed, mx, p99);
			for (k = 0; k < s->ntop; k++)
				fprintf(f, " CPU%u x%llu", s->top[k].cpu,
					(unsigned long long)s->top[k].count);
			fprintf(f, "\n");
		}
	}
	if (a->npframes) {
		fprintf(f, "\nPanic CPU %d frames:\n", c->panic_cpu);
		for (i = 0; i < a->npframes; i++)
			fprintf(f, "  #%-2u %-60s [%s]\n", i, a->pframes[i].fn,
				a->pframes[i].source);
	}
	fprintf(f, "\nVerdict: %s\n", a->verdict.text);
}

void report_text(struct ctx *c, FILE *f)
{
	header(c, f);
	record_line(c, f);
	cpu_table(c, f);
	hangs(c, f);
	lockups(c, f);
	analysis_sections(c, f);
	nmilog(c, f);
	if (c->o.all)
		all_events(c, f);
}
