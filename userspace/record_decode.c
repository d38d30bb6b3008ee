// SPDX-License-Identifier: GPL-2.0
/*
 * Decoder of the crashsafe saved record. See record_decode.h.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record_decode.h"

#define RING_CHUNK	1024u	/* events read per callback call */
#define LOG_CHUNK	256u
#define CUT_WINDOW	4u	/* newest reservations that may be cut short */
#define MAX_PROBLEMS	256u
#define HANG_SIDE_EVENTS 8u	/* newest events per side shown for a hang */

_Static_assert(sizeof(struct cs_section) == 24, "cs_section");
_Static_assert(sizeof(struct cs_event) == 48, "cs_event");
_Static_assert(sizeof(struct cs_ring) == 64, "cs_ring");
_Static_assert(sizeof(struct cs_log) == 64, "cs_log");
_Static_assert(sizeof(struct cs_log_slot) == 128, "cs_log_slot");
_Static_assert(sizeof(struct cs_capture) == 968, "cs_capture");

static const char *const ev_names[CS_EV_MAX] = {
	[CS_EV_NONE] = "none",     [CS_EV_QUEUE] = "queue",
	[CS_EV_IPI] = "ipi",       [CS_EV_NOIPI] = "noipi",
	[CS_EV_PING] = "ping",     [CS_EV_PINGED] = "pinged",
	[CS_EV_GOTIPI] = "gotipi", [CS_EV_HANDLE] = "handle",
	[CS_EV_DEQUEUE] = "dequeue", [CS_EV_HDLEND] = "hdlend",
	[CS_EV_IDLE] = "idle",
};

const char *cs_event_name(unsigned int type)
{
	return type < CS_EV_MAX ? ev_names[type] : "unknown";
}

const char *cs_stop_name(unsigned int stop)
{
	switch (stop) {
	case CS_STOP_NONE: return "none";
	case CS_STOP_PANIC: return "panic";
	case CS_STOP_IPI: return "ipi";
	case CS_STOP_NMI: return "nmi";
	case CS_STOP_NOANSWER: return "noanswer";
	case CS_STOP_OFFLINE: return "offline";
	}
	return "none";
}

const char *cs_verdict_name(unsigned int v)
{
	switch (v) {
	case CS_VERDICT_IRQS_OFF: return "irqs_off";
	case CS_VERDICT_LOST_IPI: return "lost_ipi";
	case CS_VERDICT_NOIPI: return "noipi";
	case CS_VERDICT_BUSY_PRIOR: return "busy_prior";
	case CS_VERDICT_BUSY_THIS: return "busy_this";
	}
	return "unknown";
}

const char *cs_ctx_name(unsigned int ctx)
{
	switch (ctx) {
	case CS_CTX_TASK: return "task";
	case CS_CTX_SOFTIRQ: return "softirq";
	case CS_CTX_HARDIRQ: return "hardirq";
	case CS_CTX_NMI: return "nmi";
	}
	return "?";
}

const char *cs_log_level_name(unsigned int level)
{
	static const char *const names[] = {
		"emerg", "alert", "crit", "err", "warning", "notice", "info",
		"debug",
	};

	return level >= 1 && level <= 8 ? names[level - 1] : NULL;
}

void cs_problem(struct cs_decoded *d, const char *fmt, ...)
{
	char buf[256];
	char **np;
	va_list ap;

	if (d->nproblem >= MAX_PROBLEMS)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (d->nproblem == MAX_PROBLEMS - 1)
		snprintf(buf, sizeof(buf), "further problems not listed");
	np = realloc(d->problem, (d->nproblem + 1) * sizeof(*np));
	if (!np)
		return;
	d->problem = np;
	np[d->nproblem] = strdup(buf);
	if (np[d->nproblem])
		d->nproblem++;
}

static int rd(const struct cs_reader *r, uint64_t pa, void *buf, size_t len)
{
	if (!r->read_phys || pa + len < pa)
		return -1;
	return r->read_phys(r->ctx, pa, buf, len);
}

static int all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		if (*c++)
			return 0;
	return 1;
}

/* The check an event of a record with this minor version carries. */
static uint32_t event_check(const struct cs_decoded *d,
			    const struct cs_event *e)
{
	return d->root.version_minor == 0 ? cs_event_check_v1_0(e)
					  : cs_event_check(e);
}

static int is_pow2(uint32_t x)
{
	return x && !(x & (x - 1));
}

int cs_probe(const struct cs_reader *r, uint64_t phys)
{
	char m[CS_MAGIC_LEN];

	if (rd(r, phys, m, sizeof(m)))
		return -1;
	return memcmp(m, CS_ROOT_MAGIC, CS_MAGIC_LEN) == 0;
}

/* Find section @type; checks entry size and count. NULL if unusable. */
static const struct cs_section *find_sect(struct cs_decoded *d, uint32_t type,
					  uint32_t esize, uint32_t min_count,
					  uint32_t max_count, const char *name)
{
	const struct cs_section *s = NULL;
	uint32_t i, n = d->root.nr_sections;

	if (n > CS_MAX_SECTIONS)
		n = CS_MAX_SECTIONS;
	for (i = 0; i < n; i++) {
		if (d->root.sect[i].type == type) {
			if (s) {
				cs_problem(d, "section %s listed twice", name);
				break;
			}
			s = &d->root.sect[i];
		}
	}
	if (!s) {
		cs_problem(d, "section %s missing", name);
		return NULL;
	}
	if (s->entry_size != esize) {
		cs_problem(d, "section %s: entry size %u, expected %u", name,
			   s->entry_size, esize);
		return NULL;
	}
	if (s->count < min_count || s->count > max_count) {
		cs_problem(d, "section %s: count %u out of range [%u, %u]",
			   name, s->count, min_count, max_count);
		return NULL;
	}
	if (!s->phys) {
		cs_problem(d, "section %s: null address", name);
		return NULL;
	}
	return s;
}

static uint64_t *read_table(const struct cs_reader *r, struct cs_decoded *d,
			    uint32_t type, const char *name)
{
	const struct cs_section *s;
	uint64_t *t;

	s = find_sect(d, type, 8, d->nr_cpus, d->nr_cpus, name);
	if (!s)
		return NULL;
	t = calloc(d->nr_cpus, sizeof(*t));
	if (!t)
		return NULL;
	if (rd(r, s->phys, t, (size_t)d->nr_cpus * 8)) {
		cs_problem(d, "section %s at 0x%llx unreadable", name,
			   (unsigned long long)s->phys);
		free(t);
		return NULL;
	}
	return t;
}

static int ev_cmp(const void *a, const void *b)
{
	const struct cs_dev *x = a, *y = b;

	if (x->ev.seq != y->ev.seq)
		return x->ev.seq < y->ev.seq ? -1 : 1;
	if (x->inferred != y->inferred)
		return x->inferred < y->inferred ? -1 : 1;
	return 0;
}

static int is_sender(unsigned int t)
{
	return t == CS_EV_QUEUE || t == CS_EV_IPI || t == CS_EV_NOIPI ||
	       t == CS_EV_PING || t == CS_EV_PINGED;
}

static int is_receiver(unsigned int t)
{
	return t == CS_EV_GOTIPI || t == CS_EV_HANDLE || t == CS_EV_DEQUEUE ||
	       t == CS_EV_HDLEND || t == CS_EV_IDLE;
}

/*
 * noipi inference: a queue event to CPU D not followed, on the same CPU,
 * by an ipi to D, a ping/pinged (mask send) or an explicit noipi to D
 * before the next queue to D — while some later sender-side event exists
 * on that CPU (the sender moved on) — gets a synthetic "noipi" event with
 * the queue's seq, flagged inferred.
 */
static void infer_noipi(struct cs_dec_ring *rg)
{
	size_t i, j, n = rg->nev, extra = 0;
	struct cs_dev *ne;

	for (i = 0; i < n; i++) {
		const struct cs_event *q = &rg->ev[i].ev;
		int decided = 0, later = 0;

		if (q->type != CS_EV_QUEUE || q->dst == CS_NO_CPU)
			continue;
		for (j = i + 1; j < n && !decided; j++) {
			const struct cs_event *e = &rg->ev[j].ev;

			if (!is_sender(e->type))
				continue;
			later = 1;
			if (e->type == CS_EV_PING || e->type == CS_EV_PINGED ||
			    ((e->type == CS_EV_IPI || e->type == CS_EV_NOIPI) &&
			     e->dst == q->dst))
				decided = 1;	/* an IPI (or explicit noipi) */
			else if (e->type == CS_EV_QUEUE && e->dst == q->dst)
				decided = 2;
		}
		if (decided == 2 || (!decided && later))
			rg->ev[i].inferred = 2;	/* mark: add a noipi */
	}
	for (i = 0; i < n; i++)
		if (rg->ev[i].inferred == 2)
			extra++;
	if (!extra)
		return;
	ne = realloc(rg->ev, (n + extra) * sizeof(*ne));
	if (!ne) {
		for (i = 0; i < n; i++)
			rg->ev[i].inferred = 0;
		return;
	}
	rg->ev = ne;
	for (i = 0, j = n; i < n; i++) {
		if (ne[i].inferred != 2)
			continue;
		ne[i].inferred = 0;
		ne[j] = ne[i];
		ne[j].ev.type = CS_EV_NOIPI;
		ne[j].inferred = 1;
		j++;
	}
	rg->nev = n + extra;
	qsort(rg->ev, rg->nev, sizeof(*rg->ev), ev_cmp);
}

static void decode_ring(const struct cs_reader *r, struct cs_decoded *d,
			uint32_t cpu, uint64_t pa, size_t *budget)
{
	struct cs_dec_ring *rg = &d->ring[cpu];
	struct cs_ring h;
	struct cs_event *buf;
	uint64_t first, n, total, k;

	if (!pa)
		return;		/* the module leaves impossible CPUs out */
	if (rd(r, pa, &h, sizeof(h))) {
		cs_problem(d, "cpu %u: event ring at 0x%llx unreadable", cpu,
			   (unsigned long long)pa);
		return;
	}
	if (memcmp(h.magic, CS_RING_MAGIC, CS_MAGIC_LEN)) {
		cs_problem(d, "cpu %u: event ring at 0x%llx: bad magic", cpu,
			   (unsigned long long)pa);
		return;
	}
	if (h.cpu != cpu) {
		cs_problem(d, "cpu %u: event ring claims cpu %u", cpu, h.cpu);
		return;
	}
	if (!is_pow2(h.nr_entries) || h.nr_entries > CS_MAX_RING_ENTRIES) {
		cs_problem(d, "cpu %u: event ring size %u invalid", cpu,
			   h.nr_entries);
		return;
	}
	if (h.entry_size != sizeof(struct cs_event)) {
		cs_problem(d, "cpu %u: event entry size %u, expected %zu", cpu,
			   h.entry_size, sizeof(struct cs_event));
		return;
	}
	rg->present = 1;
	rg->nr_entries = h.nr_entries;
	rg->head = h.head;
	rg->last_seq = h.last_seq;
	rg->last_irq_seq = h.last_irq_seq;
	rg->last_heartbeat_seq = h.last_heartbeat_seq;
	total = h.head < h.nr_entries ? h.head : h.nr_entries;
	first = h.head - total;
	if (total > *budget) {
		cs_problem(d, "cpu %u: event budget exhausted, %llu events skipped",
			   cpu, (unsigned long long)(total - *budget));
		first += total - *budget;
		total = *budget;
	}
	if (!total)
		return;
	buf = malloc(RING_CHUNK * sizeof(*buf));
	rg->ev = malloc(total * sizeof(*rg->ev));
	if (!buf || !rg->ev) {
		free(buf);
		free(rg->ev);
		rg->ev = NULL;
		cs_problem(d, "cpu %u: out of memory for %llu events", cpu,
			   (unsigned long long)total);
		return;
	}
	for (n = 0; n < total;) {
		uint64_t slot = (first + n) % h.nr_entries;
		uint64_t cnt = total - n;

		if (cnt > RING_CHUNK)
			cnt = RING_CHUNK;
		if (cnt > h.nr_entries - slot)	/* no wrap inside a chunk */
			cnt = h.nr_entries - slot;
		if (rd(r, pa + sizeof(h) + slot * sizeof(*buf), buf,
		       cnt * sizeof(*buf))) {
			cs_problem(d, "cpu %u: ring slots %llu..%llu unreadable",
				   cpu, (unsigned long long)slot,
				   (unsigned long long)(slot + cnt - 1));
			n += cnt;
			continue;
		}
		for (k = 0; k < cnt; k++) {
			const struct cs_event *e = &buf[k];
			uint64_t resv = first + n + k;
			int ok = e->seq && e->type > CS_EV_NONE &&
				 e->type < CS_EV_MAX && e->cpu == cpu &&
				 e->ctx <= CS_CTX_NMI &&
				 e->check == event_check(d, e);

			/*
			 * The writer zeroes check before anything else and
			 * stores it last, so an entry cut short by the crash
			 * has check 0; a non-zero check that does not match
			 * is damage (or a check of another record version).
			 */
			if (!ok) {
				if (h.head - resv <= CUT_WINDOW && !e->check)
					rg->cut++;
				else
					rg->torn++;
				continue;
			}
			rg->ev[rg->nev].ev = *e;
			rg->ev[rg->nev].inferred = 0;
			rg->ev[rg->nev].midx = 0;
			rg->nev++;
		}
		n += cnt;
	}
	free(buf);
	*budget -= total;
	if (rg->torn)
		cs_problem(d, "cpu %u: %u damaged event entries skipped", cpu,
			   rg->torn);
	qsort(rg->ev, rg->nev, sizeof(*rg->ev), ev_cmp);
	/* "no IPI event" means "no IPI" only if IPI sends were seen. */
	if (!cs_hooks_known(d) || (d->st.hooks_live & CS_HOOK_IPI_SEND))
		infer_noipi(rg);
}

static void decode_log(const struct cs_reader *r, struct cs_decoded *d,
		       uint32_t cpu, uint64_t pa)
{
	struct cs_dec_log *lg = &d->log[cpu];
	struct cs_log h;
	struct cs_log_slot *buf;
	uint64_t first, n, total, k;

	if (!pa)
		return;
	if (rd(r, pa, &h, sizeof(h))) {
		cs_problem(d, "cpu %u: log at 0x%llx unreadable", cpu,
			   (unsigned long long)pa);
		return;
	}
	if (memcmp(h.magic, CS_LOG_MAGIC, CS_MAGIC_LEN) || h.cpu != cpu ||
	    !is_pow2(h.nr_slots) || h.nr_slots > CS_MAX_LOG_SLOTS) {
		cs_problem(d, "cpu %u: log header at 0x%llx invalid", cpu,
			   (unsigned long long)pa);
		return;
	}
	lg->present = 1;
	lg->nr_slots = h.nr_slots;
	lg->head = h.head;
	total = h.head < h.nr_slots ? h.head : h.nr_slots;
	first = h.head - total;
	if (!total)
		return;
	buf = malloc(LOG_CHUNK * sizeof(*buf));
	lg->slot = malloc(total * sizeof(*lg->slot));
	if (!buf || !lg->slot) {
		free(buf);
		free(lg->slot);
		lg->slot = NULL;
		return;
	}
	for (n = 0; n < total;) {
		uint64_t slot = (first + n) % h.nr_slots;
		uint64_t cnt = total - n;

		if (cnt > LOG_CHUNK)
			cnt = LOG_CHUNK;
		if (cnt > h.nr_slots - slot)
			cnt = h.nr_slots - slot;
		if (rd(r, pa + sizeof(h) + slot * sizeof(*buf), buf,
		       cnt * sizeof(*buf))) {
			cs_problem(d, "cpu %u: log slots unreadable", cpu);
			n += cnt;
			continue;
		}
		for (k = 0; k < cnt; k++) {
			const struct cs_log_slot *s = &buf[k];
			uint64_t resv = first + n + k;

			if (!s->seq || s->cpu != cpu || s->len > CS_LOG_TEXT ||
			    s->check != cs_log_check(s)) {
				if (h.head - resv > CUT_WINDOW)
					lg->torn++;
				continue;
			}
			lg->slot[lg->nslot++] = *s;
		}
		n += cnt;
	}
	free(buf);
	if (lg->torn)
		cs_problem(d, "cpu %u: %u damaged log slots skipped", cpu,
			   lg->torn);
}

static int cap_sane(struct cs_capture *c)
{
	if (c->nr_frames > CS_MAX_FRAMES)
		c->nr_frames = CS_MAX_FRAMES;
	if (c->stack_len > CS_STACK_BYTES)
		c->stack_len = CS_STACK_BYTES;
	return 1;
}

static void decode_cpu_state(const struct cs_reader *r, struct cs_decoded *d)
{
	const struct cs_section *s;
	uint32_t i;

	s = find_sect(d, CS_SEC_CPU_STATE, sizeof(struct cs_cpu_state),
		      d->nr_cpus, d->nr_cpus, "cpu_state");
	if (!s)
		return;
	d->have_cpu_state = 1;
	for (i = 0; i < d->nr_cpus; i++) {
		struct cs_cpu_state st;

		if (rd(r, s->phys + (uint64_t)i * sizeof(st), &st, sizeof(st))) {
			cs_problem(d, "cpu %u: state unreadable", i);
			continue;
		}
		if (all_zero(&st, sizeof(st)))
			continue;	/* never written */
		if (st.check != CS_SEAL(&st, struct cs_cpu_state) ||
		    st.cpu != i || st.stop > CS_STOP_OFFLINE) {
			cs_problem(d, "cpu %u: state entry damaged", i);
			continue;
		}
		cap_sane(&st.cap);
		d->cpu[i].valid = 1;
		d->cpu[i].st = st;
	}
}

static void decode_hangs(const struct cs_reader *r, struct cs_decoded *d)
{
	const struct cs_section *s;
	uint32_t i;

	s = find_sect(d, CS_SEC_CSD_HANGS, sizeof(struct cs_csd_hang), 0,
		      CS_MAX_HANGS, "csd_hangs");
	if (!s)
		return;
	for (i = 0; i < s->count; i++) {
		struct cs_csd_hang h;

		if (rd(r, s->phys + (uint64_t)i * sizeof(h), &h, sizeof(h))) {
			cs_problem(d, "csd hang %u unreadable", i);
			continue;
		}
		if (!(h.flags & CS_HANG_VALID))
			continue;
		if (h.check != CS_SEAL(&h, struct cs_csd_hang)) {
			cs_problem(d, "csd hang %u: check mismatch (damaged or cut short)", i);
			continue;
		}
		if (h.source_cpu >= d->nr_cpus || h.target_cpu >= d->nr_cpus) {
			cs_problem(d, "csd hang %u: cpu %u->%u out of range", i,
				   h.source_cpu, h.target_cpu);
			continue;
		}
		if (h.verdict > CS_VERDICT_BUSY_THIS)
			h.verdict = CS_VERDICT_UNKNOWN;
		cap_sane(&h.target);
		d->hang_index[d->nhang] = i;
		d->hang[d->nhang++] = h;
	}
}

static void decode_lockups(const struct cs_reader *r, struct cs_decoded *d)
{
	const struct cs_section *s;
	uint32_t i;

	s = find_sect(d, CS_SEC_LOCKUPS, sizeof(struct cs_lockup), 0,
		      CS_MAX_LOCKUPS, "lockups");
	if (!s)
		return;
	for (i = 0; i < s->count; i++) {
		struct cs_lockup l;

		if (rd(r, s->phys + (uint64_t)i * sizeof(l), &l, sizeof(l))) {
			cs_problem(d, "lockup %u unreadable", i);
			continue;
		}
		if (!(l.flags & CS_HANG_VALID))
			continue;
		if (l.check != CS_SEAL(&l, struct cs_lockup)) {
			cs_problem(d, "lockup %u: check mismatch (damaged or cut short)", i);
			continue;
		}
		if (l.cpu >= d->nr_cpus) {
			cs_problem(d, "lockup %u: cpu %u out of range", i, l.cpu);
			continue;
		}
		cap_sane(&l.cap);
		d->lockup_index[d->nlockup] = i;
		d->lockup[d->nlockup++] = l;
	}
}

static void decode_crash(const struct cs_reader *r, struct cs_decoded *d)
{
	const struct cs_section *s;
	struct cs_crash c;

	s = find_sect(d, CS_SEC_CRASH, sizeof(struct cs_crash), 1, 1, "crash");
	if (!s)
		return;
	if (rd(r, s->phys, &c, sizeof(c))) {
		cs_problem(d, "crash summary unreadable");
		return;
	}
	if (!(c.flags & CS_CRASH_VALID))
		return;		/* no crash recorded (e.g. sysrq before stop) */
	if (c.check != CS_SEAL(&c, struct cs_crash)) {
		cs_problem(d, "crash summary: check mismatch");
		return;
	}
	if (c.panic_cpu >= d->nr_cpus) {
		cs_problem(d, "crash summary: panic cpu %u out of range",
			   c.panic_cpu);
		return;
	}
	d->crash = c;
	d->crash_valid = 1;
}

static void decode_modules(const struct cs_reader *r, struct cs_decoded *d)
{
	const struct cs_section *s;
	uint32_t i;

	s = find_sect(d, CS_SEC_MODULES, sizeof(struct cs_module), 0,
		      CS_MAX_MODULES, "modules");
	if (!s)
		return;
	for (i = 0; i < s->count; i++) {
		struct cs_module m;

		if (rd(r, s->phys + (uint64_t)i * sizeof(m), &m, sizeof(m)))
			continue;
		if (!m.name[0])
			continue;
		if (m.check != CS_SEAL(&m, struct cs_module)) {
			cs_problem(d, "module slot %u: check mismatch", i);
			continue;
		}
		m.name[sizeof(m.name) - 1] = 0;
		d->module[d->nmodule++] = m;
	}
}

/*
 * CS_SEC_STATUS (record 1.2+): hook liveness and module table overflow.
 * Absent from older records, which is not a problem: have_status stays 0
 * and readers treat hook liveness as not recorded.
 */
static void decode_status(const struct cs_reader *r, struct cs_decoded *d)
{
	const struct cs_section *s = NULL;
	struct cs_status st;
	uint32_t i, n = d->root.nr_sections;

	if (n > CS_MAX_SECTIONS)
		n = CS_MAX_SECTIONS;
	for (i = 0; i < n && !s; i++)
		if (d->root.sect[i].type == CS_SEC_STATUS)
			s = &d->root.sect[i];
	if (!s) {
		if (d->root.version_minor >= 2)
			cs_problem(d, "section status missing");
		return;
	}
	s = find_sect(d, CS_SEC_STATUS, sizeof(st), 1, 1, "status");
	if (!s)
		return;
	if (rd(r, s->phys, &st, sizeof(st))) {
		cs_problem(d, "status section unreadable");
		return;
	}
	if (st.check != CS_SEAL(&st, struct cs_status)) {
		cs_problem(d, "status section: check mismatch");
		return;
	}
	st.hooks_wanted &= CS_HOOK_ALL;
	st.hooks_live &= st.hooks_wanted;
	d->have_status = 1;
	d->st = st;
}

static const char *const hook_names[] = {
	"csd_queue", "ipi_send", "csd_entry_exit", "callfunc_vector",
	"idle_noipi", "single_wait", "many_wait", "timer_irq",
	"stop_ipi_vector",
};

const char *cs_hook_name(uint32_t bit)
{
	unsigned int i;

	for (i = 0; i < sizeof(hook_names) / sizeof(hook_names[0]); i++)
		if (bit == 1u << i)
			return hook_names[i];
	return "?";
}

int cs_hooks_known(const struct cs_decoded *d)
{
	return d->have_status && (d->st.flags & CS_STATUS_HOOKS_SET) &&
	       (d->st.hooks_wanted & CS_HOOKS_CSD);
}

uint32_t cs_verdict_missing_hooks(const struct cs_decoded *d,
				  unsigned int verdict)
{
	if (!cs_hooks_known(d))
		return 0;
	return cs_verdict_needs(verdict) & ~d->st.hooks_live;
}

static int mcmp(const void *a, const void *b)
{
	const struct cs_dev *x = *(const struct cs_dev *const *)a;
	const struct cs_dev *y = *(const struct cs_dev *const *)b;

	if (x->ev.seq != y->ev.seq)
		return x->ev.seq < y->ev.seq ? -1 : 1;
	if (x->ev.cpu != y->ev.cpu)
		return x->ev.cpu < y->ev.cpu ? -1 : 1;
	if (x->inferred != y->inferred)
		return x->inferred < y->inferred ? -1 : 1;
	return 0;
}

static void merge_events(struct cs_decoded *d)
{
	size_t tot = 0, i, k = 0;
	uint32_t c;

	for (c = 0; c < d->nr_cpus; c++)
		tot += d->ring[c].nev;
	if (!tot)
		return;
	d->merged = malloc(tot * sizeof(*d->merged));
	if (!d->merged)
		return;
	for (c = 0; c < d->nr_cpus; c++)
		for (i = 0; i < d->ring[c].nev; i++)
			d->merged[k++] = &d->ring[c].ev[i];
	qsort(d->merged, tot, sizeof(*d->merged), mcmp);
	for (i = 0; i < tot; i++)
		d->merged[i]->midx = i;
	d->nmerged = tot;
}

int cs_decode(const struct cs_reader *r, uint64_t phys, struct cs_decoded *d)
{
	struct cs_root *rt = &d->root;
	uint64_t *rings, *logs;
	size_t budget = CS_DEC_MAX_EVENTS;
	uint32_t c;
	size_t before;

	memset(d, 0, sizeof(*d));
	d->phys = phys;
	d->status = CS_DEC_ABSENT;
	if (rd(r, phys, rt, sizeof(*rt))) {
		if (cs_probe(r, phys) == 1)
			cs_problem(d, "record root at 0x%llx cut short",
				   (unsigned long long)phys);
		else
			cs_problem(d, "no record at 0x%llx (unreadable)",
				   (unsigned long long)phys);
		if (cs_probe(r, phys) == 1)
			d->status = CS_DEC_DAMAGED;
		return d->status;
	}
	if (memcmp(rt->magic, CS_ROOT_MAGIC, CS_MAGIC_LEN)) {
		cs_problem(d, "no record magic at 0x%llx",
			   (unsigned long long)phys);
		return d->status;
	}
	d->status = CS_DEC_DAMAGED;
	rt->release[sizeof(rt->release) - 1] = 0;
	rt->module_version[sizeof(rt->module_version) - 1] = 0;
	if (rt->version_major != CS_VERSION_MAJOR) {
		cs_problem(d, "record version %u.%u not supported (reader knows %u.x)",
			   rt->version_major, rt->version_minor,
			   CS_VERSION_MAJOR);
		return d->status;
	}
	before = d->nproblem;
	if (rt->check != CS_SEAL(rt, struct cs_root))
		cs_problem(d, "record root check mismatch: root damaged, fields used with care");
	if (rt->root_size != sizeof(*rt))
		cs_problem(d, "record root size %u, expected %zu", rt->root_size,
			   sizeof(*rt));
	if (rt->self_phys != phys)
		cs_problem(d, "record root self_phys 0x%llx != 0x%llx",
			   (unsigned long long)rt->self_phys,
			   (unsigned long long)phys);
	if (rt->nr_sections > CS_MAX_SECTIONS) {
		cs_problem(d, "record root: %u sections > %u", rt->nr_sections,
			   CS_MAX_SECTIONS);
	}
	if (!rt->nr_cpus || rt->nr_cpus > CS_MAX_CPUS) {
		cs_problem(d, "record root: nr_cpus %u out of range [1, %u]",
			   rt->nr_cpus, CS_MAX_CPUS);
		return d->status;
	}
	d->root_valid = d->nproblem == before;
	d->nr_cpus = rt->nr_cpus;
	d->ring = calloc(d->nr_cpus, sizeof(*d->ring));
	d->log = calloc(d->nr_cpus, sizeof(*d->log));
	d->cpu = calloc(d->nr_cpus, sizeof(*d->cpu));
	if (!d->ring || !d->log || !d->cpu)
		return -1;

	decode_status(r, d);	/* first: hook liveness shapes the inference */
	rings = read_table(r, d, CS_SEC_RING_TABLE, "ring_table");
	for (c = 0; rings && c < d->nr_cpus; c++)
		decode_ring(r, d, c, rings[c], &budget);
	free(rings);
	logs = read_table(r, d, CS_SEC_LOG_TABLE, "log_table");
	for (c = 0; logs && c < d->nr_cpus; c++)
		decode_log(r, d, c, logs[c]);
	free(logs);
	decode_cpu_state(r, d);
	decode_hangs(r, d);
	decode_lockups(r, d);
	decode_crash(r, d);
	decode_modules(r, d);
	merge_events(d);
	if (!d->nproblem)
		d->status = CS_DEC_OK;
	return d->status;
}

void cs_decoded_free(struct cs_decoded *d)
{
	size_t i;

	if (d->ring)
		for (i = 0; i < d->nr_cpus; i++)
			free(d->ring[i].ev);
	if (d->log)
		for (i = 0; i < d->nr_cpus; i++)
			free(d->log[i].slot);
	free(d->ring);
	free(d->log);
	free(d->cpu);
	free(d->merged);
	for (i = 0; i < d->nproblem; i++)
		free(d->problem[i]);
	free(d->problem);
	memset(d, 0, sizeof(*d));
}

int cs_hang_completed(const struct cs_decoded *d, const struct cs_csd_hang *h)
{
	const struct cs_dec_ring *rg;
	size_t i;

	if (h->flags & CS_HANG_RESOLVED)
		return 1;
	if (h->target_cpu >= d->nr_cpus || !h->csd)
		return 0;
	rg = &d->ring[h->target_cpu];
	for (i = 0; i < rg->nev; i++) {
		const struct cs_event *e = &rg->ev[i].ev;

		if (e->type == CS_EV_HDLEND && e->csd == h->csd &&
		    e->seq > h->queued_seq)
			return 1;
	}
	return 0;
}

size_t cs_hang_events(const struct cs_decoded *d, const struct cs_csd_hang *h,
		      size_t *out, size_t max)
{
	unsigned char *mark;
	size_t i, n = 0, nsend = 0, nrecv = 0;
	uint64_t limit = h->detected_seq ? h->detected_seq : UINT64_MAX;

	if (!d->nmerged || !max)
		return 0;
	mark = calloc(d->nmerged, 1);
	if (!mark)
		return 0;
	for (i = d->nmerged; i-- > 0;) {
		const struct cs_dev *v = d->merged[i];
		const struct cs_event *e = &v->ev;
		int rel = 0;

		if (e->seq > limit && !(h->csd && e->csd == h->csd))
			continue;
		if (e->cpu == h->source_cpu && is_sender(e->type) &&
		    (e->dst == h->target_cpu || e->dst == CS_NO_CPU) &&
		    nsend < HANG_SIDE_EVENTS) {
			nsend++;
			rel = 1;
		}
		if (e->cpu == h->target_cpu && is_receiver(e->type) &&
		    nrecv < HANG_SIDE_EVENTS) {
			nrecv++;
			rel = 1;
		}
		if (h->csd && e->csd == h->csd)
			rel = 1;
		if (rel) {
			mark[i] = 1;
			if (i > 0 && !mark[i - 1])
				mark[i - 1] = 2;	/* the event just before */
		}
	}
	for (i = 0; i < d->nmerged && n < max; i++)
		if (mark[i])
			out[n++] = i;
	free(mark);
	return n;
}
