// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of csdextract's dump layer over real vmcores (run by dump_test.sh,
 * built with ASan+UBSan and -DDUMP_FAULT_INJECT).
 *
 *   dump_test check DUMP DMESG   the log must render exactly as
 *                                makedumpfile --dump-dmesg did in DMESG,
 *                                dump_panic() must give its "Kernel panic -
 *                                not syncing: " message, and every
 *                                "sym+0xoff/0xsize" of DMESG's backtraces
 *                                must symbolise back to itself.
 *   dump_test hostile FILE       open and use everything; an error is fine,
 *                                a crash, hang or sanitizer report is not.
 *   dump_test faults DUMP N      N rounds of corrupted/failing memory reads
 *                                under the log and kallsyms parsers.
 *   dump_test panic-synth        dump_panic() over hand-made logs (panic
 *                                line, CPU from caller_id or "CPU: N",
 *                                oops-path fallbacks).
 */
#define _GNU_SOURCE
#include "dump_priv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* The log as makedumpfile --dump-dmesg prints it. */
static char *render_log(const struct dump_log_line *l, size_t n, size_t *len)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, len);
	size_t i;

	if (!f)
		return NULL;
	for (i = 0; i < n; i++) {
		int w = fprintf(f, "[%5" PRIu64 ".%06" PRIu64 "] ",
				l[i].ts_nsec / 1000000000,
				(l[i].ts_nsec % 1000000000) / 1000);
		const char *c;

		for (c = l[i].text; *c; c++) {
			fputc(*c, f);
			if (*c == '\n' && c[1])
				fprintf(f, "%*s", w, "");
		}
		fputc('\n', f);
	}
	fclose(f);
	return out;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[n] = '\0';
		*len = (size_t)n;
	}
	return buf;
}

/*
 * makedumpfile 1.7.4+ (trixie's 1.7.6) prints the record's caller id after
 * the time stamp ("[    0.000000] [      T0] text") and indents
 * continuation lines past it; csdextract's log has no such column. Remove
 * it, in place, when the first line has one.
 */
static void strip_caller_ids(char *s, size_t *len)
{
	static const size_t ts = 15;	/* "[%5d.%06d] " */
	char *r = s, *w = s, *e;
	size_t cid;			/* "[%8s] " in 1.7.6 */

	if (*len < ts + 4 || s[ts] != '[')
		return;
	e = memchr(s + ts, ']', 16);
	if (!e || e[1] != ' ')
		return;
	cid = (size_t)(e - (s + ts)) + 2;
	while (*r) {
		char *eol = strchr(r, '\n');
		size_t n = eol ? (size_t)(eol - r) + 1 : strlen(r);

		if (n >= ts + cid && r[0] == '[' && r[ts] == '[' &&
		    r[ts + cid - 2] == ']') {
			memmove(w, r, ts);
			memmove(w + ts, r + ts + cid, n - ts - cid);
			w += n - cid;
		} else if (n >= cid && strspn(r, " ") >= ts + cid) {
			memmove(w, r + cid, n - cid);
			w += n - cid;
		} else {
			memmove(w, r, n);
			w += n;
		}
		r += n;
	}
	*w = '\0';
	*len = (size_t)(w - s);
}

/*
 * Names looked up among the per-CPU symbols first (kallsyms.c) give what
 * the bisection by name gives: for per-CPU variables, names that are not
 * per-CPU and names that do not exist. The range must be known once
 * __per_cpu_start and __per_cpu_end were looked up, and runqueues found.
 */
static int check_percpu_names(struct dump *d, const char *dumpf)
{
	static const char *const nm[] = {
		"__per_cpu_start", "__per_cpu_end", "runqueues",
		"hardirq_stack_ptr", "current_task", "pcpu_hot", "cpu_number",
		"this_cpu_off", "irq_stat", "__per_cpu_offset", "init_task",
		"modules", "no_such_symbol_here",
	};
	const int nn = (int)(sizeof(nm) / sizeof(nm[0]));
	uint64_t a1, a2, runq = 0;
	uint32_t lo, hi;
	int k, r1, r2, same = 0;

	for (k = 0; k < nn; k++)
		dump_symbol_lookup(d, nm[k], &a1);
	lo = d->ks.pc_lo;
	hi = d->ks.pc_hi;
	for (k = 0; k < nn; k++) {
		d->ks.pc_lo = lo;
		d->ks.pc_hi = hi;
		a1 = a2 = 0;
		r1 = dump_symbol_lookup(d, nm[k], &a1);
		d->ks.pc_lo = d->ks.pc_hi = 0;
		r2 = dump_symbol_lookup(d, nm[k], &a2);
		if (r1 == r2 && a1 == a2) {
			same++;
		} else {
			printf("FAIL %s: %s: %d 0x%" PRIx64 " among the per-CPU symbols, %d 0x%" PRIx64 " by bisection\n",
			       dumpf, nm[k], r1, a1, r2, a2);
		}
		if (!strcmp(nm[k], "runqueues") && r1 == 1)
			runq = a1;
	}
	d->ks.pc_lo = lo;
	d->ks.pc_hi = hi;
	printf("%s %s: per-CPU symbols [%u, %u): %d/%d names as by bisection, runqueues at 0x%" PRIx64 "\n",
	       hi > lo && same == nn && runq ? "ok  " : "FAIL", dumpf, lo, hi,
	       same, nn, runq);
	return !(hi > lo && same == nn && runq);
}

static int check(const char *dumpf, const char *dmesgf)
{
	const struct dump_log_line *l;
	char err[256], sym[256], *want, *got, *p;
	size_t wlen, glen, n, nsym = 0, nret = 0;
	const char *msg;
	double t0, t1, t2, t3;
	struct dump *d;
	int cpu, fails = 0;

	want = slurp(dmesgf, &wlen);
	if (!want) {
		printf("FAIL cannot read %s\n", dmesgf);
		return 1;
	}
	/* makedumpfile's own warning for kernels newer than it knows */
	if (!strncmp(want, "The kernel version is not supported.", 36)) {
		p = strchr(want, '\n');
		memmove(want, p + 1, strlen(p + 1) + 1);
		wlen = strlen(want);
	}
	strip_caller_ids(want, &wlen);
	t0 = now_ms();
	d = dump_open(dumpf, err, sizeof(err));
	t1 = now_ms();
	if (!d) {
		printf("FAIL %s: %s\n", dumpf, err);
		return 1;
	}
	/* DUMP_TEST_FLAT=libkdumpfile|memfd: the flattened path expected */
	if (dump_flat_method(d) && getenv("DUMP_TEST_FLAT")) {
		if (strcmp(dump_flat_method(d), getenv("DUMP_TEST_FLAT"))) {
			printf("FAIL %s: flattened dump read by %s, not %s\n", dumpf,
			       dump_flat_method(d), getenv("DUMP_TEST_FLAT"));
			fails++;
		} else {
			printf("ok   %s: flattened dump read by %s\n", dumpf,
			       dump_flat_method(d));
		}
	}
	if (dump_log(d, &l, &n, err, sizeof(err))) {
		printf("FAIL %s: log: %s\n", dumpf, err);
		return 1;
	}
	t2 = now_ms();
	got = render_log(l, n, &glen);
	if (!got || glen != wlen || memcmp(got, want, wlen)) {
		printf("FAIL %s: log differs from %s (%zu vs %zu bytes)\n",
		       dumpf, dmesgf, glen, wlen);
		fails++;
	} else {
		printf("ok   %s: log (%zu records) == makedumpfile --dump-dmesg\n",
		       dumpf, n);
	}
	p = strstr(want, "Kernel panic - not syncing: ");
	if (p) {
		char *e = strchr(p, '\n');
		size_t ml;

		p += strlen("Kernel panic - not syncing: ");
		ml = e ? (size_t)(e - p) : strlen(p);
		if (dump_panic(d, &msg, &cpu) || strlen(msg) != ml ||
		    memcmp(msg, p, ml)) {
			printf("FAIL %s: panic message\n", dumpf);
			fails++;
		} else {
			uint32_t pid = 0;

			printf("ok   %s: panic \"%s\" on CPU %d\n", dumpf, msg, cpu);
			/* the panic CPU's NT_PRSTATUS names the same task */
			for (size_t i = 0; i < n; i++)
				if (strstr(l[i].text, msg) == l[i].text + 28 &&
				    !(l[i].caller_id & 0x80000000u) &&
				    (cpu < 0 || dump_cpu_pid(d, cpu, &pid) ||
				     pid != l[i].caller_id)) {
					printf("FAIL %s: panic task %u, CPU %d note pid %u\n",
					       dumpf, l[i].caller_id, cpu, pid);
					fails++;
				}
		}
	}
	/* every name+0xoff/0xsize in the log symbolises back to itself */
	for (p = want; (p = strstr(p, "+0x")); p++) {
		char name[256], line[600];
		unsigned long long off, size;
		char *s = p;
		uint64_t a;

		while (s > want && (s[-1] == '_' || s[-1] == '.' ||
				    (s[-1] >= '0' && s[-1] <= '9') ||
				    (s[-1] >= 'a' && s[-1] <= 'z') ||
				    (s[-1] >= 'A' && s[-1] <= 'Z')))
			s--;
		if (s == p || (size_t)(p - s) >= sizeof(name) ||
		    sscanf(p, "+0x%llx/0x%llx", &off, &size) != 2)
			continue;
		if (!strncmp(p + strspn(p, "+0123456789abcdefx/"), " [", 2))
			continue;	/* module symbol: not vmlinux kallsyms */
		memcpy(name, s, (size_t)(p - s));
		name[p - s] = '\0';
		snprintf(line, sizeof(line), "%s+0x%llx/0x%llx", name, off, size);
		a = dump_symbol_addr(d, name);
		if (!a) {
			printf("FAIL %s: %s: no such symbol\n", dumpf, line);
			fails++;
			continue;
		}
		/*
		 * Backtraces print return addresses the way %pB does: look up
		 * addr - 1 and print the offset of addr, so "f+0x20/0x20" is
		 * a call at the very end of f. dump_symbolize_ret() must give
		 * every such line back (and %pS lines too unless at +0x0);
		 * dump_symbolize() (%pS) every line short of the end of f.
		 */
		if (off && dump_symbolize_ret(d, a + off, sym, sizeof(sym)))
			sym[0] = '\0';
		if (off && strcmp(sym, line)) {
			printf("FAIL %s: %s symbolises (%%pB) as %s\n", dumpf, line, sym);
			fails++;
		}
		if (off < size && dump_symbolize(d, a + off, sym, sizeof(sym)))
			sym[0] = '\0';
		if (off < size && strcmp(sym, line)) {
			printf("FAIL %s: %s symbolises (%%pS) as %s\n", dumpf, line, sym);
			fails++;
		}
		nret += off == size;
		/*
		 * The addr - 1 rule at the end of this function: a return
		 * address a + size is still f (f+size/size); the exact PC
		 * a + size is the next symbol at +0x0; a return address at
		 * f's first byte belongs to the symbol before f.
		 */
		{
			char pb[300], ps[300], pb0[300], want[300];
			int n0 = snprintf(want, sizeof(want), "%s+0x", name);

			snprintf(want, sizeof(want), "%s+0x%llx/0x%llx", name, size, size);
			if (dump_symbolize_ret(d, a + size, pb, sizeof(pb)) ||
			    strcmp(pb, want) ||
			    dump_symbolize(d, a + size, ps, sizeof(ps)) ||
			    !strncmp(ps, want, (size_t)n0) || !strstr(ps, "+0x0/") ||
			    dump_symbolize_ret(d, a, pb0, sizeof(pb0)) ||
			    !strncmp(pb0, want, (size_t)n0) || strstr(pb0, "+0x0/")) {
				printf("FAIL %s: addr-1 rule at the end of %s: %%pB %s, %%pS %s, %%pB of its start %s\n",
				       dumpf, line, pb, ps, pb0);
				fails++;
			}
		}
		nsym++;
	}
	printf("%s %s: %zu backtrace symbols checked (%zu at f+size/size), addr-1 rule at each\n",
	       nsym ? "ok  " : "FAIL", dumpf, nsym, nret);
	if (!nsym)
		fails++;
	/* names through kallsyms_markers == names by sequential skipping */
	if (d->ks.markers) {
		enum { NS = 3000 };
		static char a[NS][160];
		uint32_t *mk = d->ks.markers;
		uint64_t lo = d->ks.lo, step = (d->ks.hi - d->ks.lo) / NS;
		int k, same = 0;

		for (k = 0; k < NS; k++)
			if (dump_symbolize(d, lo + step * (uint64_t)k, a[k], sizeof(a[k])))
				strcpy(a[k], "?");
		d->ks.markers = NULL;
		for (k = 0; k < NS; k++) {
			if (dump_symbolize(d, lo + step * (uint64_t)k, sym, sizeof(sym)))
				strcpy(sym, "?");
			same += !strcmp(sym, a[k]) && strcmp(sym, "?");
		}
		d->ks.markers = mk;
		printf("%s %s: kallsyms_markers: %d/%d sampled addresses name alike\n",
		       same == NS ? "ok  " : "FAIL", dumpf, same, NS);
		fails += same != NS;
	} else {
		printf("note %s: kallsyms_markers not found (sequential names)\n", dumpf);
	}
	fails += check_percpu_names(d, dumpf);
	t3 = now_ms();
	printf("time %s: open %.1f ms, log %.1f ms, symbols %.1f ms\n", dumpf,
	       t1 - t0, t2 - t1, t3 - t2);
	free(got);
	free(want);
	dump_close(d);
	return fails != 0;
}

/* Use every entry point; results are ignored, only safety matters. */
static void exercise(struct dump *d)
{
	const struct dump_log_line *l;
	char err[256], sym[256];
	const char *msg;
	struct cs_regs r;
	unsigned char buf[64];
	uint64_t v, a, s_;
	size_t n;
	int cpu, i;

	dump_format_name(d);
	dump_release(d);
	dump_vmcoreinfo_u64(d, "SYMBOL(_stext)", &v);
	dump_read_phys(d, 0x1000, buf, sizeof(buf));
	dump_read_phys(d, UINT64_MAX - 8, buf, sizeof(buf));
	dump_read_virt(d, UINT64_MAX - 8, buf, sizeof(buf));
	dump_log(d, &l, &n, err, sizeof(err));
	dump_panic(d, &msg, &cpu);
	for (i = 0; i < dump_nr_cpus(d) && i < 64; i++)
		if (!dump_cpu_regs(d, i, &r))
			dump_symbolize(d, r.ip, sym, sizeof(sym));
	a = dump_symbol_addr(d, "panic");
	dump_symbol_addr(d, "__per_cpu_start");
	dump_symbol_addr(d, "__per_cpu_end");
	dump_symbol_addr(d, "runqueues");
	dump_symbolize(d, a + 1, sym, sizeof(sym));
	dump_symbolize_ret(d, a + 1, sym, sizeof(sym));
	dump_symbolize_ret(d, a, sym, sizeof(sym));
	dump_symbolize_ret(d, 0, sym, sizeof(sym));
	dump_symbolize_ret(d, 1, sym, sizeof(sym));
	dump_symbolize(d, 0, sym, sizeof(sym));
	dump_symbolize(d, UINT64_MAX, sym, sizeof(sym));
	dump_symbolize(d, a, sym, 1);
	/* the page map the record scan follows: runs ascend, never stall */
	for (i = 0, v = 0; i < 4096; i++) {
		uint64_t s = v, e = 0;

		if (dump_data_run(d, &s, &e) != 1)
			break;
		if (s < v || e <= s) {
			printf("FAIL dump_data_run(0x%" PRIx64 "): [0x%" PRIx64 ", 0x%" PRIx64 ")\n",
			       v, s, e);
			exit(1);
		}
		dump_read_phys(d, s, buf, sizeof(buf));
		v = e;
	}
	s_ = UINT64_MAX - 4095;
	dump_data_run(d, &s_, &v);
}

static int hostile(const char *path)
{
	char err[256];
	struct dump *d = dump_open(path, err, sizeof(err));

	if (!d) {
		printf("error %s: %s\n", path, err);
		return 0;
	}
	exercise(d);
	printf("opened %s (%s%s%s)%s%s\n", path, dump_format_name(d),
	       dump_flat_method(d) ? ", read by " : "",
	       dump_flat_method(d) ? dump_flat_method(d) : "",
	       dump_warning(d) ? ", warning: " : "",
	       dump_warning(d) ? dump_warning(d) : "");
	dump_close(d);
	return 0;
}

static int faults(const char *path, int rounds)
{
	char err[256];
	struct dump *d = dump_open(path, err, sizeof(err));
	int i;

	if (!d) {
		printf("FAIL %s: %s\n", path, err);
		return 1;
	}
	for (i = 1; i <= rounds; i++) {
		dump_fault_inject(d, (uint64_t)i * 0x9e3779b97f4a7c15ULL,
				  (unsigned int)(1 + i % 200));
		exercise(d);
	}
	dump_close(d);
	printf("ok   %s: %d rounds of corrupted memory reads\n", path, rounds);
	return 0;
}

/* dump_panic() over hand-made logs (no dump file needed). */
static int panic_synth(void)
{
	static const struct {
		const char *lines[4];
		uint32_t caller[4];
		const char *msg;
		int cpu;
	} t[] = {
		{ { "sysrq: Trigger a crash",
		    "Kernel panic - not syncing: sysrq triggered crash\n" },
		  { 0x80000002u, 0x80000002u }, "sysrq triggered crash", 2 },
		{ { "Kernel panic - not syncing: Fatal exception",
		    "other task", "CPU: 3 UID: 0 PID: 99 Comm: sh" },
		  { 99, 7, 99 }, "Fatal exception", 3 },
		{ { "Kernel panic - not syncing: hung", "CPU: 1 PID: 5 Comm: x" },
		  { 99, 5 }, "hung", -1 },
		{ { "sysrq: Trigger a crash",
		    "BUG: kernel NULL pointer dereference, address: 0" },
		  { 0x80000001u, 0x80000001u }, "sysrq: Trigger a crash", 1 },
		{ { "hello", "Oops: general protection fault 0000 [#1]",
		    "BUG: later" },
		  { 1, 0x80000000u, 1 }, "Oops: general protection fault 0000 [#1]", 0 },
		{ { "Kernel panic - not syncing: \\x01 odd  \n\n" },
		  { 0x80000007u }, "\\x01 odd", 7 },
		{ { "nothing here", "Kernel panic - not" }, { 1, 1 }, NULL, -1 },
	};
	unsigned int i, k, fails = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct dump *d = calloc(1, sizeof(*d));
		const char *msg = NULL;
		int cpu = -2, r;

		d->fd = d->memfd = -1;
		d->nr_cpus = 0;		/* no NT_PRSTATUS: no libkdumpfile */
		d->log_state = 1;
		d->log = calloc(4, sizeof(*d->log));
		for (k = 0; k < 4 && t[i].lines[k]; k++) {
			d->log[k].text = strdup(t[i].lines[k]);
			d->log[k].caller_id = t[i].caller[k];
		}
		d->nr_log = k;
		r = dump_panic(d, &msg, &cpu);
		if (t[i].msg ? (r || strcmp(msg, t[i].msg) || cpu != t[i].cpu) : !r) {
			printf("FAIL panic case %u: r=%d msg=%s cpu=%d\n", i, r,
			       r ? "-" : msg, cpu);
			fails++;
		}
		dump_close(d);
	}
	printf("%s dump_panic: %u/%zu synthetic logs\n", fails ? "FAIL" : "ok  ",
	       (unsigned int)(sizeof(t) / sizeof(t[0])) - fails,
	       sizeof(t) / sizeof(t[0]));
	return fails != 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "libinfo")) {
		printf("%s\n", dump_library_info());
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "panic-synth"))
		return panic_synth();
	if (argc == 4 && !strcmp(argv[1], "check"))
		return check(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "hostile"))
		return hostile(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "faults"))
		return faults(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: dump_test check DUMP DMESG | hostile FILE | faults DUMP N | panic-synth | libinfo\n");
	return 2;
}
