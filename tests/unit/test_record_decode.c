// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the crashsafe record decoder over synthetic in-memory
 * records: valid, wrapped rings, truncated, flipped bytes, absurd counts,
 * wrong version, event checks of record 1.0 and 1.1, the 1.2 status section
 * (hook liveness, dropped modules) and log levels. Run under ASan+UBSan by
 * `make test`.
 *
 *   test_record_decode                 run the tests
 *   test_record_decode --write-seed F  write a valid image (fuzz seed)
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record_decode.h"

#define BASE	0x100000ull	/* phys address of the image */
#define IMG	(256u << 10)
#define NCPU	2
#define NRING	16
#define NLOG	8

static unsigned char img[IMG];
static size_t img_len = IMG;
static int failures, checks;

#define CHECK(cond, ...) do {						\
	checks++;							\
	if (!(cond)) {							\
		failures++;						\
		fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
	}								\
} while (0)

static int mread(void *ctx, uint64_t pa, void *buf, size_t len)
{
	(void)ctx;
	if (pa < BASE || pa - BASE > img_len || len > img_len - (pa - BASE))
		return -1;
	memcpy(buf, img + (pa - BASE), len);
	return 0;
}

static const struct cs_reader rdr = { NULL, mread, mread };

/* Offsets of the parts inside the image. */
enum {
	O_ROOT = 0,
	O_RTAB = 0x1000,
	O_LTAB = 0x1100,
	O_CPUS = 0x1200,
	O_HANG = 0x2000,	/* 8 * ~1.1K */
	O_LOCK = 0x5000,
	O_CRASH = 0x7800,
	O_STAT = 0x7c00,
	O_MODS = 0x8000,
	O_RING = 0x10000,	/* per CPU 0x1000 */
	O_LOG = 0x20000,	/* per CPU 0x1000 */
};

static struct cs_root *root(void) { return (struct cs_root *)(img + O_ROOT); }
static struct cs_ring *ring(int c) { return (struct cs_ring *)(img + O_RING + c * 0x1000); }
static struct cs_log *logp(int c) { return (struct cs_log *)(img + O_LOG + c * 0x1000); }
static struct cs_status *stat_ent(void) { return (struct cs_status *)(img + O_STAT); }

/* Set the status entry (record 1.2) and reseal it. */
static void set_status(uint32_t flags, uint32_t wanted, uint32_t live,
		       uint32_t dropped)
{
	struct cs_status *st = stat_ent();

	memset(st, 0, sizeof(*st));
	st->flags = flags;
	st->hooks_wanted = wanted;
	st->hooks_live = live;
	st->modules_dropped = dropped;
	st->check = CS_SEAL(st, struct cs_status);
}

static void seal_root(void)
{
	root()->check = CS_SEAL(root(), struct cs_root);
}

static void add_sect(uint32_t type, uint32_t esz, uint32_t count, uint64_t off)
{
	struct cs_root *r = root();
	struct cs_section *s = &r->sect[r->nr_sections++];

	s->type = type;
	s->entry_size = esz;
	s->count = count;
	s->phys = BASE + off;
}

static uint64_t seqc = 1000;

static void ev(int cpu, int type, int src, int dst, uint64_t func, uint64_t csd)
{
	struct cs_ring *rg = ring(cpu);
	struct cs_event *e = &rg->ev[rg->head % rg->nr_entries];

	memset(e, 0, sizeof(*e));
	e->seq = seqc += 10;
	e->func = func;
	e->csd = csd;
	e->src = (uint16_t)src;
	e->dst = (uint16_t)dst;
	e->type = (uint8_t)type;
	e->ctx = type >= CS_EV_GOTIPI ? CS_CTX_HARDIRQ : CS_CTX_TASK;
	e->cpu = (uint16_t)cpu;
	e->check = cs_event_check(e);
	rg->head++;
	rg->last_seq = e->seq;
}

static void logmsg(int cpu, const char *fmt, ...)
{
	struct cs_log *l = logp(cpu);
	struct cs_log_slot *s = &l->slot[l->head % l->nr_slots];
	va_list ap;
	char buf[CS_LOG_TEXT + 1];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	memset(s, 0, sizeof(*s));
	s->seq = seqc += 10;
	s->cpu = (uint16_t)cpu;
	s->len = (uint16_t)strlen(buf);
	s->level = 1 + 1;	/* KERN_ALERT, as the CSD report */
	memcpy(s->text, buf, s->len);
	s->check = cs_log_check(s);
	l->head++;
}

#define FUNC	0xffffffffc0001230ull
#define CSD	0xffff888001234500ull

static void build(void)
{
	struct cs_root *r = root();
	uint64_t *rt = (uint64_t *)(img + O_RTAB), *lt = (uint64_t *)(img + O_LTAB);
	struct cs_cpu_state *cs = (struct cs_cpu_state *)(img + O_CPUS);
	struct cs_csd_hang *h = (struct cs_csd_hang *)(img + O_HANG);
	struct cs_crash *cr = (struct cs_crash *)(img + O_CRASH);
	struct cs_module *m = (struct cs_module *)(img + O_MODS);
	int c;

	memset(img, 0, sizeof(img));
	img_len = IMG;
	seqc = 1000;
	memcpy(r->magic, CS_ROOT_MAGIC, 8);
	r->version_major = CS_VERSION_MAJOR;
	r->version_minor = CS_VERSION_MINOR;
	r->root_size = sizeof(*r);
	r->nr_cpus = NCPU;
	r->tsc_khz = 1000000;
	r->self_phys = BASE;
	strcpy(r->release, "6.12.117+deb12-amd64");
	strcpy(r->module_version, "0.1.0");
	add_sect(CS_SEC_RING_TABLE, 8, NCPU, O_RTAB);
	add_sect(CS_SEC_LOG_TABLE, 8, NCPU, O_LTAB);
	add_sect(CS_SEC_CPU_STATE, sizeof(*cs), NCPU, O_CPUS);
	add_sect(CS_SEC_CSD_HANGS, sizeof(*h), CS_MAX_HANGS, O_HANG);
	add_sect(CS_SEC_LOCKUPS, sizeof(struct cs_lockup), CS_MAX_LOCKUPS, O_LOCK);
	add_sect(CS_SEC_CRASH, sizeof(*cr), 1, O_CRASH);
	add_sect(CS_SEC_MODULES, sizeof(*m), CS_MAX_MODULES, O_MODS);
	add_sect(CS_SEC_STATUS, sizeof(struct cs_status), 1, O_STAT);
	set_status(CS_STATUS_HOOKS_SET, CS_HOOKS_CSD | CS_HOOK_STOP_IPI_VECTOR,
		   CS_HOOKS_CSD | CS_HOOK_STOP_IPI_VECTOR, 0);
	for (c = 0; c < NCPU; c++) {
		rt[c] = BASE + O_RING + c * 0x1000;
		lt[c] = BASE + O_LOG + c * 0x1000;
		memcpy(ring(c)->magic, CS_RING_MAGIC, 8);
		ring(c)->cpu = c;
		ring(c)->nr_entries = NRING;
		ring(c)->entry_size = sizeof(struct cs_event);
		memcpy(logp(c)->magic, CS_LOG_MAGIC, 8);
		logp(c)->cpu = c;
		logp(c)->nr_slots = NLOG;
	}
	/* Earlier, healthy exchange 0 -> 1. */
	ev(0, CS_EV_QUEUE, 0, 1, FUNC, CSD);
	ev(0, CS_EV_IPI, 0, 1, FUNC, CSD);
	ev(1, CS_EV_GOTIPI, CS_NO_CPU, 1, 0, 0);
	ev(1, CS_EV_HANDLE, CS_NO_CPU, 1, FUNC, CSD);
	ev(1, CS_EV_DEQUEUE, CS_NO_CPU, 1, FUNC, CSD);
	ev(1, CS_EV_HDLEND, CS_NO_CPU, 1, FUNC, CSD);
	/* The hung request: queued, no IPI follows (sender moves on). */
	ev(0, CS_EV_QUEUE, 0, 1, FUNC, CSD + 0x40);
	h->queued_seq = seqc;
	ev(0, CS_EV_QUEUE, 0, 1, FUNC, CSD + 0x80);	/* sender moved on */
	logmsg(0, "csd: Detected non-responsive CSD lock (#1) on CPU#0");
	logmsg(1, "hello from cpu 1");
	h->id = 1;
	h->flags = CS_HANG_VALID | CS_HANG_PANICKED;
	h->source_cpu = 0;
	h->target_cpu = 1;
	h->verdict = CS_VERDICT_UNKNOWN;
	h->func = FUNC;
	h->csd = CSD + 0x40;
	h->detected_seq = seqc + 5;
	h->waited_ns = 5000000003ull;
	h->target_irqs_off_ns = 10;
	h->check = CS_SEAL(h, struct cs_csd_hang);
	for (c = 0; c < NCPU; c++) {
		cs[c].cpu = c;
		cs[c].stop = c ? CS_STOP_NMI : CS_STOP_PANIC;
		cs[c].stop_latency_ns = 1234;
		cs[c].online = 1;
		cs[c].cap.cpu = c;
		cs[c].cap.flags = CS_CAP_VALID | CS_CAP_NMI;
		cs[c].cap.regs.ip = 0xffffffff81000000ull + c;
		cs[c].cap.nr_frames = 1;
		cs[c].cap.frames[0] = cs[c].cap.regs.ip;
		cs[c].check = CS_SEAL(&cs[c], struct cs_cpu_state);
	}
	cr->flags = CS_CRASH_VALID | CS_CRASH_STOP_RAN;
	cr->panic_cpu = 0;
	cr->crash_seq = seqc + 100;
	cr->crash_realtime_ns = 1795000000123456789ull;
	cr->hang_index = 0;
	cr->lockup_index = ~0u;
	cr->check = CS_SEAL(cr, struct cs_crash);
	strcpy(m->name, "crashsafe_test_csd");
	m->text_base = 0xffffffffc0001000ull;
	m->text_size = 0x1000;
	m->check = CS_SEAL(m, struct cs_module);
	seal_root();
}

static int has_problem(const struct cs_decoded *d, const char *s)
{
	size_t i;

	for (i = 0; i < d->nproblem; i++)
		if (strstr(d->problem[i], s))
			return 1;
	return 0;
}

static void test_valid(void)
{
	struct cs_decoded d;
	size_t idx[64], n, i;
	int inferred = 0;

	build();
	CHECK(cs_decode(&rdr, BASE, &d) == CS_DEC_OK, "status %d, problem %s",
	      d.status, d.nproblem ? d.problem[0] : "-");
	CHECK(d.nr_cpus == NCPU, "nr_cpus %u", d.nr_cpus);
	CHECK(d.nhang == 1, "nhang %u", d.nhang);
	CHECK(d.crash_valid, "crash");
	CHECK(d.nmodule == 1, "nmodule %u", d.nmodule);
	CHECK(d.cpu[1].valid && d.cpu[1].st.stop == CS_STOP_NMI, "cpu state");
	CHECK(d.ring[0].nev == 5 && d.ring[1].nev == 4, "nev %zu %zu",
	      d.ring[0].nev, d.ring[1].nev);	/* 4 + inferred noipi */
	CHECK(d.log[0].nslot == 1 && d.log[1].nslot == 1, "log");
	CHECK(d.nmerged == 9, "merged %zu", d.nmerged);
	for (i = 1; i < d.nmerged; i++)
		CHECK(d.merged[i - 1]->ev.seq <= d.merged[i]->ev.seq, "order at %zu", i);
	for (i = 0; i < d.nmerged; i++)
		if (d.merged[i]->inferred) {
			inferred++;
			CHECK(d.merged[i]->ev.type == CS_EV_NOIPI &&
			      d.merged[i]->ev.csd == CSD + 0x40 &&
			      d.merged[i - 1]->ev.type == CS_EV_QUEUE,
			      "inferred noipi follows its queue");
		}
	CHECK(inferred == 1, "inferred %d", inferred);
	n = cs_hang_events(&d, &d.hang[0], idx, 64);
	CHECK(n >= 4, "relevant events %zu", n);
	for (i = 1; i < n; i++)
		CHECK(idx[i - 1] < idx[i], "relevant order");
	CHECK(!cs_hang_completed(&d, &d.hang[0]), "hang not completed");
	cs_decoded_free(&d);

	/* The CSD completed later: the reader must see it (seed 001). */
	build();
	ev(1, CS_EV_HDLEND, CS_NO_CPU, 1, FUNC, CSD + 0x40);
	cs_decode(&rdr, BASE, &d);
	CHECK(cs_hang_completed(&d, &d.hang[0]), "hang completed");
	cs_decoded_free(&d);
}

/* Record 1.2 status: hook liveness gates verdicts, dropped modules, levels. */
static void test_status(void)
{
	struct cs_decoded d;
	uint32_t all = CS_HOOKS_CSD | CS_HOOK_STOP_IPI_VECTOR;

	/* All live: no verdict loses its evidence. */
	build();
	CHECK(cs_decode(&rdr, BASE, &d) == CS_DEC_OK, "status %d (%s)",
	      d.status, d.nproblem ? d.problem[0] : "-");
	CHECK(d.have_status && cs_hooks_known(&d), "hooks known");
	CHECK(!cs_verdict_missing_hooks(&d, CS_VERDICT_NOIPI) &&
	      !cs_verdict_missing_hooks(&d, CS_VERDICT_LOST_IPI) &&
	      !cs_verdict_missing_hooks(&d, CS_VERDICT_BUSY_PRIOR),
	      "all live, nothing missing");
	CHECK(d.log[0].nslot == 1 && d.log[0].slot[0].level == 2 &&
	      !strcmp(cs_log_level_name(d.log[0].slot[0].level), "alert"),
	      "log level");
	CHECK(cs_log_level_name(0) == NULL && cs_log_level_name(9) == NULL,
	      "level 0 / out of range");
	cs_decoded_free(&d);

	/* The IPI-send hook did not register: noipi and lost_ipi lose it. */
	build();
	set_status(CS_STATUS_HOOKS_SET | CS_STATUS_MOD_OVERFLOW, all,
		   all & ~CS_HOOK_IPI_SEND, 3);
	CHECK(cs_decode(&rdr, BASE, &d) == CS_DEC_OK, "no ipi_send: status %d",
	      d.status);
	CHECK(cs_verdict_missing_hooks(&d, CS_VERDICT_NOIPI) == CS_HOOK_IPI_SEND,
	      "noipi missing 0x%x", cs_verdict_missing_hooks(&d, CS_VERDICT_NOIPI));
	CHECK(cs_verdict_missing_hooks(&d, CS_VERDICT_LOST_IPI) == CS_HOOK_IPI_SEND,
	      "lost_ipi missing");
	CHECK(!cs_verdict_missing_hooks(&d, CS_VERDICT_BUSY_THIS) &&
	      !cs_verdict_missing_hooks(&d, CS_VERDICT_IRQS_OFF) &&
	      !cs_verdict_missing_hooks(&d, CS_VERDICT_UNKNOWN),
	      "busy/irqs_off do not need the IPI hook");
	CHECK(d.st.modules_dropped == 3 && (d.st.flags & CS_STATUS_MOD_OVERFLOW),
	      "modules dropped %u", d.st.modules_dropped);
	CHECK(d.nmerged == 8, "no noipi inferred without IPI sends: %zu",
	      d.nmerged);
	cs_decoded_free(&d);

	/* Entry/exit hooks missing: busy_* lose their evidence. */
	build();
	set_status(CS_STATUS_HOOKS_SET, all, all & ~CS_HOOK_CSD_ENTRY_EXIT, 0);
	cs_decode(&rdr, BASE, &d);
	CHECK(cs_verdict_missing_hooks(&d, CS_VERDICT_BUSY_PRIOR) ==
	      CS_HOOK_CSD_ENTRY_EXIT, "busy_prior missing");
	CHECK(!cs_verdict_missing_hooks(&d, CS_VERDICT_NOIPI), "noipi kept");
	cs_decoded_free(&d);

	/* Live bits outside wanted are ignored; no CSD backend reported:
	 * liveness unknown, verdicts stand as recorded. */
	build();
	set_status(CS_STATUS_HOOKS_SET, CS_HOOK_STOP_IPI_VECTOR, ~0u, 0);
	cs_decode(&rdr, BASE, &d);
	CHECK(d.st.hooks_live == CS_HOOK_STOP_IPI_VECTOR, "live masked 0x%x",
	      d.st.hooks_live);
	CHECK(!cs_hooks_known(&d) &&
	      !cs_verdict_missing_hooks(&d, CS_VERDICT_NOIPI), "csd hooks unknown");
	cs_decoded_free(&d);

	/* A 1.1 record has no status section: fine, liveness unknown. */
	build();
	root()->version_minor = 1;
	root()->nr_sections--;
	memset(&root()->sect[root()->nr_sections], 0, sizeof(struct cs_section));
	for (int c = 0; c < NCPU; c++)
		logp(c)->slot[0].level = 0;	/* 1.1 slots: pad 0 */
	seal_root();
	CHECK(cs_decode(&rdr, BASE, &d) == CS_DEC_OK, "1.1 status %d (%s)",
	      d.status, d.nproblem ? d.problem[0] : "-");
	CHECK(!d.have_status && !cs_hooks_known(&d) &&
	      !cs_verdict_missing_hooks(&d, CS_VERDICT_NOIPI), "1.1: unknown");
	cs_decoded_free(&d);

	/* A 1.2 record without it, or with a damaged one: a problem. */
	build();
	root()->nr_sections--;
	seal_root();
	CHECK(cs_decode(&rdr, BASE, &d) == CS_DEC_DAMAGED, "1.2 no status");
	CHECK(has_problem(&d, "section status missing"), "missing text");
	cs_decoded_free(&d);
	build();
	stat_ent()->hooks_live ^= CS_HOOK_IPI_SEND;	/* not resealed */
	CHECK(cs_decode(&rdr, BASE, &d) == CS_DEC_DAMAGED, "damaged status");
	CHECK(has_problem(&d, "status section: check mismatch") &&
	      !d.have_status && !cs_hooks_known(&d), "damaged status ignored");
	cs_decoded_free(&d);
	CHECK(!strcmp(cs_hook_name(CS_HOOK_IPI_SEND), "ipi_send") &&
	      !strcmp(cs_hook_name(CS_HOOK_STOP_IPI_VECTOR), "stop_ipi_vector") &&
	      !strcmp(cs_hook_name(1u << 20), "?"), "hook names");
}

static void test_wrap(void)
{
	struct cs_decoded d;
	int i;
	size_t k;

	build();
	for (i = 0; i < 3 * NRING + 5; i++)
		ev(1, CS_EV_IDLE, CS_NO_CPU, 1, 0, 0);
	CHECK(cs_decode(&rdr, BASE, &d) == CS_DEC_OK, "wrap status %d", d.status);
	CHECK(d.ring[1].nev == NRING, "wrap nev %zu", d.ring[1].nev);
	for (k = 1; k < d.ring[1].nev; k++)
		CHECK(d.ring[1].ev[k - 1].ev.seq < d.ring[1].ev[k].ev.seq, "wrap order");
	cs_decoded_free(&d);
	/* Absurd head: still bounded by nr_entries. */
	ring(1)->head = ~0ull;
	cs_decode(&rdr, BASE, &d);
	CHECK(d.ring[1].nev <= NRING, "absurd head");
	cs_decoded_free(&d);
}

static void test_torn(void)
{
	struct cs_decoded d;

	build();
	for (int i = 0; i < 4; i++)
		ev(1, CS_EV_IDLE, CS_NO_CPU, 1, 0, 0);
	ring(1)->ev[0].func ^= 1;	/* old entry damaged */
	CHECK(cs_decode(&rdr, BASE, &d) == CS_DEC_DAMAGED, "torn old -> damaged");
	CHECK(d.ring[1].torn == 1 && d.ring[1].nev == 7, "torn %u nev %zu",
	      d.ring[1].torn, d.ring[1].nev);
	CHECK(has_problem(&d, "damaged event"), "problem text");
	cs_decoded_free(&d);
	build();
	ring(0)->ev[ring(0)->head - 1].check = 0;	/* newest: cut short */
	CHECK(cs_decode(&rdr, BASE, &d) == CS_DEC_OK, "cut newest -> ok (%s)",
	      d.nproblem ? d.problem[0] : "-");
	CHECK(d.ring[0].cut == 1, "cut %u", d.ring[0].cut);
	cs_decoded_free(&d);
}

static void test_version_magic(void)
{
	struct cs_decoded d;
	char want[64];

	build();
	root()->version_major = 2;
	seal_root();
	CHECK(cs_decode(&rdr, BASE, &d) == CS_DEC_DAMAGED, "version");
	snprintf(want, sizeof(want), "version 2.%u not supported",
		 (unsigned int)CS_VERSION_MINOR);
	CHECK(has_problem(&d, want), "version text");
	CHECK(d.nmerged == 0 && d.nr_cpus == 0, "nothing decoded");
	cs_decoded_free(&d);
	build();
	root()->magic[0] = 'X';
	CHECK(cs_decode(&rdr, BASE, &d) == CS_DEC_ABSENT, "magic");
	cs_decoded_free(&d);
	CHECK(cs_decode(&rdr, BASE + IMG, &d) == CS_DEC_ABSENT, "out of image");
	cs_decoded_free(&d);
	build();
	root()->nr_cpus ^= 0x10;	/* without resealing */
	CHECK(cs_decode(&rdr, BASE, &d) == CS_DEC_DAMAGED, "root check");
	CHECK(has_problem(&d, "root check mismatch"), "root check text");
	cs_decoded_free(&d);
}

/* Re-check every written event with the record 1.0 algorithm. */
static void recheck_v1_0(void)
{
	int c;
	uint32_t k;

	for (c = 0; c < NCPU; c++)
		for (k = 0; k < NRING; k++)
			if (ring(c)->ev[k].seq)
				ring(c)->ev[k].check =
					cs_event_check_v1_0(&ring(c)->ev[k]);
}

static void test_event_check_versions(void)
{
	struct cs_decoded d;
	struct cs_event e0, e;
	unsigned int bit, bad = 0;

	/* 1.0 record, 1.0 checks: fully valid, as the 1.1 one. */
	build();
	root()->version_minor = 0;
	recheck_v1_0();
	seal_root();
	CHECK(cs_decode(&rdr, BASE, &d) == CS_DEC_OK, "1.0 status %d (%s)",
	      d.status, d.nproblem ? d.problem[0] : "-");
	CHECK(d.ring[0].nev == 5 && d.ring[1].nev == 4 && d.nmerged == 9,
	      "1.0 nev %zu %zu merged %zu", d.ring[0].nev, d.ring[1].nev,
	      d.nmerged);
	cs_decoded_free(&d);

	/* 1.0 record carrying 1.1 checks: every event rejected. */
	build();
	root()->version_minor = 0;
	seal_root();
	CHECK(cs_decode(&rdr, BASE, &d) == CS_DEC_DAMAGED, "1.0/1.1 status");
	CHECK(d.nmerged == 0, "1.0/1.1 merged %zu", d.nmerged);
	cs_decoded_free(&d);

	/* 1.1 record carrying 1.0 checks: every event rejected. */
	build();
	recheck_v1_0();
	CHECK(cs_decode(&rdr, BASE, &d) == CS_DEC_DAMAGED, "1.1/1.0 status");
	CHECK(d.nmerged == 0, "1.1/1.0 merged %zu", d.nmerged);
	cs_decoded_free(&d);

	/* 1.1: any single flipped bit outside the check word is caught. */
	build();
	e0 = ring(0)->ev[0];
	CHECK(e0.check == cs_event_check(&e0), "fresh event checks");
	for (bit = 0; bit < offsetof(struct cs_event, check) * 8; bit++) {
		e = e0;
		((unsigned char *)&e)[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		if (e.check == cs_event_check(&e))
			bad++;
	}
	CHECK(bad == 0, "%u single-bit flips pass the 1.1 check", bad);
	e = e0;
	e.check = 0;
	CHECK(cs_event_check(&e) != 0 && cs_event_check_v1_0(&e) != 0,
	      "check never 0");
}

static void test_absurd(void)
{
	struct cs_decoded d;

	build();
	root()->nr_cpus = 0xffffffffu;
	seal_root();
	CHECK(cs_decode(&rdr, BASE, &d) == CS_DEC_DAMAGED, "nr_cpus");
	CHECK(has_problem(&d, "nr_cpus"), "nr_cpus text");
	cs_decoded_free(&d);

	build();
	root()->nr_sections = 1000;
	seal_root();
	CHECK(cs_decode(&rdr, BASE, &d) == CS_DEC_DAMAGED, "nr_sections");
	cs_decoded_free(&d);

	build();
	root()->sect[3].count = 0x7fffffff;	/* hangs */
	seal_root();
	CHECK(cs_decode(&rdr, BASE, &d) == CS_DEC_DAMAGED, "hang count");
	CHECK(has_problem(&d, "csd_hangs: count"), "hang count text");
	CHECK(d.nmerged == 9, "rings still decoded (%zu)", d.nmerged);
	cs_decoded_free(&d);

	build();
	root()->sect[0].entry_size = 4096;
	seal_root();
	CHECK(cs_decode(&rdr, BASE, &d) == CS_DEC_DAMAGED, "entry size");
	CHECK(d.nmerged == 0, "no rings without table");
	cs_decoded_free(&d);

	build();
	ring(1)->nr_entries = 1u << 30;
	CHECK(cs_decode(&rdr, BASE, &d) == CS_DEC_DAMAGED, "ring size");
	CHECK(has_problem(&d, "event ring size"), "ring size text");
	CHECK(d.ring[0].nev == 5, "cpu 0 ring still there");
	cs_decoded_free(&d);

	build();
	ring(1)->nr_entries = 12;	/* not a power of two */
	CHECK(cs_decode(&rdr, BASE, &d) == CS_DEC_DAMAGED, "ring pow2");
	cs_decoded_free(&d);

	build();
	ring(1)->cpu = 7;
	CHECK(cs_decode(&rdr, BASE, &d) == CS_DEC_DAMAGED, "ring cpu");
	cs_decoded_free(&d);

	build();
	((uint64_t *)(img + O_RTAB))[1] = 0xfffffffffffff000ull;
	CHECK(cs_decode(&rdr, BASE, &d) == CS_DEC_DAMAGED, "ring phys wild");
	cs_decoded_free(&d);

	build();
	((struct cs_csd_hang *)(img + O_HANG))->target_cpu = 5000;
	((struct cs_csd_hang *)(img + O_HANG))->check =
		CS_SEAL((struct cs_csd_hang *)(img + O_HANG), struct cs_csd_hang);
	CHECK(cs_decode(&rdr, BASE, &d) == CS_DEC_DAMAGED, "hang cpu");
	CHECK(d.nhang == 0, "hang dropped");
	cs_decoded_free(&d);

	build();
	((struct cs_csd_hang *)(img + O_HANG))->target.nr_frames = 1000;
	((struct cs_csd_hang *)(img + O_HANG))->check =
		CS_SEAL((struct cs_csd_hang *)(img + O_HANG), struct cs_csd_hang);
	cs_decode(&rdr, BASE, &d);
	CHECK(d.nhang == 1 && d.hang[0].target.nr_frames == CS_MAX_FRAMES, "frames clamped");
	cs_decoded_free(&d);
}

static void test_truncated(void)
{
	struct cs_decoded d;
	size_t cut;
	int ok = 0, bad = 0;

	for (cut = 0; cut <= 0x22000; cut += 0x40) {
		build();
		img_len = cut;
		/* Last byte read: CPU 1's log slot 0 ends at 0x210c0. */
		if ((cs_decode(&rdr, BASE, &d) == CS_DEC_OK) != (cut >= 0x210c0))
			bad++;
		else
			ok++;
		cs_decoded_free(&d);
	}
	CHECK(bad == 0, "ok exactly when nothing is cut (%d right, %d wrong)", ok, bad);
}

static void test_flips(void)
{
	struct cs_decoded d;
	size_t pos;
	int bit, absent = 0, n = 0;
	size_t idx[256];
	unsigned int h;

	for (pos = 0; pos < 0x22000; pos += (pos < 0x1400 ? 1 : 13)) {
		for (bit = 0; bit < 8; bit += 3) {
			build();
			img[pos] ^= (unsigned char)(1u << bit);
			if (cs_decode(&rdr, BASE, &d) == CS_DEC_ABSENT)
				absent++;
			for (h = 0; h < d.nhang; h++) {
				cs_hang_events(&d, &d.hang[h], idx, 256);
				cs_hang_completed(&d, &d.hang[h]);
			}
			cs_decoded_free(&d);
			n++;
		}
	}
	/* Only flips inside the 8 magic bytes make the record vanish. */
	CHECK(absent == 8 * 3, "absent %d of %d", absent, n);
}

/*
 * A minimal ELF vmcore holding the synthetic record at phys BASE: notes
 * (VMCOREINFO, NT_PRSTATUS per CPU) and one PT_LOAD. For the end-to-end
 * runs of csdextract in `make test` (no real dump needed).
 */
#include <elf.h>

static void note(unsigned char *buf, size_t *off, const char *name,
		 uint32_t type, const void *desc, uint32_t dlen)
{
	Elf64_Nhdr nh = { (uint32_t)strlen(name) + 1, dlen, type };

	memcpy(buf + *off, &nh, sizeof(nh));
	*off += sizeof(nh);
	memcpy(buf + *off, name, nh.n_namesz);
	*off += (nh.n_namesz + 3) & ~3u;
	memcpy(buf + *off, desc, dlen);
	*off += (dlen + 3) & ~3u;
}

static int write_elf(const char *path, int corrupt_record)
{
	static unsigned char notes[8192];
	const char *vmci = "OSRELEASE=6.12.117+deb12-amd64\nPAGESIZE=4096\n"
			   "CRASHTIME=1700000000\nNUMBER(pgtable_l5_enabled)=0\n"
			   "NUMBER(phys_base)=0\nKERNELOFFSET=0\n";
	unsigned char prs[336];
	size_t nlen = 0, dlen = 0x22000;
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	FILE *f;
	int c;

	build();
	if (corrupt_record == 1) {
		root()->nr_cpus = 0xffffffffu;
		seal_root();
	}
	if (corrupt_record == 2) {
		/* Seed 001: the module said lost_ipi, yet the target handled the
		 * hung csd to its end later: the reader must not blame the IPI. */
		struct cs_csd_hang *h = (struct cs_csd_hang *)(img + O_HANG);

		ev(1, CS_EV_GOTIPI, CS_NO_CPU, 1, 0, 0);
		ev(1, CS_EV_HANDLE, CS_NO_CPU, 1, FUNC, CSD + 0x40);
		ev(1, CS_EV_HDLEND, CS_NO_CPU, 1, FUNC, CSD + 0x40);
		h->verdict = CS_VERDICT_LOST_IPI;
		h->check = CS_SEAL(h, struct cs_csd_hang);
	}
	if (corrupt_record == 3) {
		/*
		 * The IPI-send hook was not live, yet the module said noipi
		 * (as one without the check would); 3 modules did not fit.
		 */
		uint32_t all = CS_HOOKS_CSD | CS_HOOK_STOP_IPI_VECTOR;
		struct cs_csd_hang *h = (struct cs_csd_hang *)(img + O_HANG);

		h->verdict = CS_VERDICT_NOIPI;
		h->check = CS_SEAL(h, struct cs_csd_hang);

		set_status(CS_STATUS_HOOKS_SET | CS_STATUS_MOD_OVERFLOW, all,
			   all & ~CS_HOOK_IPI_SEND, 3);
	}
	note(notes, &nlen, "VMCOREINFO", 0, vmci, (uint32_t)strlen(vmci));
	for (c = 0; c < NCPU; c++) {
		uint64_t rip = 0xffffffff81000100ull + (uint64_t)c;

		memset(prs, 0, sizeof(prs));
		memcpy(prs + 32, &c, 4);		/* pr_pid */
		memcpy(prs + 112 + 16 * 8, &rip, 8);	/* pr_reg.rip */
		note(notes, &nlen, "CORE", NT_PRSTATUS, prs, sizeof(prs));
	}
	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = 2;
	memset(ph, 0, sizeof(ph));
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = sizeof(eh) + sizeof(ph);
	ph[0].p_filesz = nlen;
	ph[1].p_type = PT_LOAD;
	ph[1].p_flags = PF_R | PF_W | PF_X;
	ph[1].p_offset = 0x4000;
	ph[1].p_paddr = BASE;
	ph[1].p_vaddr = 0xffff888000000000ull + BASE;
	ph[1].p_filesz = ph[1].p_memsz = dlen;
	ph[1].p_align = 4096;
	f = fopen(path, "wb");
	if (!f)
		return -1;
	fwrite(&eh, sizeof(eh), 1, f);
	fwrite(ph, sizeof(ph), 1, f);
	fwrite(notes, 1, nlen, f);
	fseek(f, 0x4000, SEEK_SET);
	fwrite(img, 1, dlen, f);
	return fclose(f);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--write-elf"))
		return write_elf(argv[2], 0) ? 1 : 0;
	if (argc == 3 && !strcmp(argv[1], "--write-elf-absurd"))
		return write_elf(argv[2], 1) ? 1 : 0;
	if (argc == 3 && !strcmp(argv[1], "--write-elf-completed"))
		return write_elf(argv[2], 2) ? 1 : 0;
	if (argc == 3 && !strcmp(argv[1], "--write-elf-nohooks"))
		return write_elf(argv[2], 3) ? 1 : 0;
	if (argc == 3 && !strcmp(argv[1], "--write-seed")) {
		FILE *f = fopen(argv[2], "wb");

		build();
		/* The fuzz target maps its input at phys 0x1000 + offset. */
		if (!f || fwrite(img, 1, 0x22000, f) != 0x22000 || fclose(f)) {
			perror(argv[2]);
			return 1;
		}
		return 0;
	}
	test_valid();
	test_status();
	test_wrap();
	test_torn();
	test_version_magic();
	test_event_check_versions();
	test_absurd();
	test_truncated();
	test_flips();
	printf("test_record_decode: %d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
