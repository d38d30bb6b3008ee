// SPDX-License-Identifier: GPL-2.0
/*
 * Find the crashsafe record in a dump. In order, the first candidate whose
 * root magic is there wins:
 *   1. --record-phys ADDR                              (found_by "option")
 *   2. crashsafe.record=0x... in /proc/cmdline, when reading /proc/vmcore
 *      in the capture kernel                           ("cmdline")
 *   3. "crashsafe: version X loaded, record at phys 0x..." in the dump's
 *      kernel log                                      ("dmesg")
 *   4. a bounded scan of page starts for CS_ROOT_MAGIC ("scan"), unless
 *      --no-scan, or the dump's module list is read to its end and has
 *      no crashsafe (--scan scans then too)
 * --no-hints skips 2 and 3 (to check that the scan alone finds it).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "btf.h"
#include "csdextract.h"
#include "kvar.h"

#define PAGE		4096ull
#define SCAN_MAX_BYTES	(64ull << 30)	/* never scan beyond 64 GiB */
#define SCAN_DEFAULT	(4ull << 30)	/* when max_pfn is unknown */
#define SCAN_MAX_SECS	120		/* and never longer than this */

const char *found_by_name(enum found_by f)
{
	switch (f) {
	case FOUND_OPTION: return "option";
	case FOUND_CMDLINE: return "cmdline";
	case FOUND_DMESG: return "dmesg";
	case FOUND_SCAN: return "scan";
	default: return NULL;
	}
}

static void note(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note(struct ctx *c, const char *fmt, ...)
{
	char buf[256], **n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n = realloc(c->locate_notes, (c->nlocate_notes + 1) * sizeof(*n));
	if (!n)
		return;
	c->locate_notes = n;
	n[c->nlocate_notes] = strdup(buf);
	if (n[c->nlocate_notes])
		c->nlocate_notes++;
}

/* Parse "0x..." hex after @key in @s; 0 on success. */
static int parse_after(const char *s, const char *key, uint64_t *out)
{
	const char *p = strstr(s, key);
	char *end;
	unsigned long long v;

	if (!p)
		return -1;
	p += strlen(key);
	v = strtoull(p, &end, 0);
	if (end == p)
		return -1;
	*out = v;
	return 0;
}

/* First hint whose address could not be read (truncated dump). */
static int unreadable_hint;
static uint64_t unreadable_phys;
static enum found_by unreadable_how;

static int try_at(struct ctx *c, uint64_t phys, enum found_by how)
{
	int r = cs_probe(&c->rd, phys);

	if (r < 0 && how != FOUND_SCAN && !unreadable_hint) {
		unreadable_hint = 1;
		unreadable_phys = phys;
		unreadable_how = how;
	}
	if (r != 1) {
		note(c, "%s: no record magic at 0x%llx%s", found_by_name(how),
		     (unsigned long long)phys, r < 0 ? " (unreadable)" : "");
		return 0;
	}
	c->found = 1;
	c->found_by = how;
	cs_decode(&c->rd, phys, &c->rec);
	return 1;
}

static int from_cmdline(struct ctx *c)
{
	char buf[4096];
	FILE *f;
	size_t n;
	uint64_t pa;

	if (strcmp(c->o.path, "/proc/vmcore"))
		return 0;
	f = fopen("/proc/cmdline", "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	if (parse_after(buf, "crashsafe.record=", &pa))
		return 0;
	return try_at(c, pa, FOUND_CMDLINE);
}

static int from_dmesg(struct ctx *c)
{
	const struct dump_log_line *lines;
	size_t n, i;
	char err[256];
	uint64_t pa;

	if (dump_log(c->d, &lines, &n, err, sizeof(err))) {
		note(c, "dmesg: kernel log unreadable: %s", err);
		return 0;
	}
	/* The newest load wins (the module may have been reloaded). */
	for (i = n; i-- > 0;) {
		const char *t = lines[i].text;

		if (!t || !strstr(t, "crashsafe: version") ||
		    parse_after(t, "record at phys ", &pa))
			continue;
		return try_at(c, pa, FOUND_DMESG);
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Probe the page starts below @max for the root magic. Only pages the dump
 * holds data for (dump_data_run(): makedumpfile's bitmap of pages not
 * excluded, an ELF dump's file ranges) are read: every other page reads as
 * zeros or not at all, so it cannot hold the magic and skipping it loses
 * nothing. The root is a page of kernel memory (alloc_pages), which
 * makedumpfile -d 31 keeps. Without a page map, every page is read.
 */
static int from_scan(struct ctx *c)
{
	uint64_t max = 0, pfn = 0, pa, addr, run_end = 0, probed = 0;
	double t0 = now_s(), last = t0;
	int progress = 0, map = 1;

	addr = dump_symbol_addr(c->d, "max_pfn");
	if (addr && !dump_read_virt(c->d, addr, &pfn, sizeof(pfn)) && pfn &&
	    pfn <= SCAN_MAX_BYTES / PAGE)
		max = pfn * PAGE;
	if (!max) {
		note(c, "scan: max_pfn %s, scanning the first %llu MiB",
		     pfn ? "too large" : "unknown",
		     (unsigned long long)((pfn ? SCAN_MAX_BYTES : SCAN_DEFAULT) >> 20));
		max = pfn ? SCAN_MAX_BYTES : SCAN_DEFAULT;
	}
	for (pa = 0; pa < max; pa += PAGE) {
		if (map && pa >= run_end) {
			uint64_t s = pa, e = 0;
			int r = dump_data_run(c->d, &s, &e);

			if (r == 0 || (r == 1 && s >= max))
				break;			/* no data above */
			if (r < 0 || s < pa || e <= s) {
				map = 0;		/* read every page */
				if (r < 0)
					note(c, "scan: the dump has no page map, reading every page");
			} else {
				pa = s & ~(PAGE - 1);	/* pages may be < 4 KiB */
				run_end = e;
			}
		}
		if (!(++probed & 16383)) {		/* every 64 MiB read */
			double t = now_s();

			if (t - t0 > SCAN_MAX_SECS) {
				note(c, "scan: gave up after %d s at 0x%llx",
				     SCAN_MAX_SECS, (unsigned long long)pa);
				break;
			}
			if (t - last > 1.0) {
				fprintf(stderr, "csdextract: scanning for the record: %llu/%llu MiB\r",
					(unsigned long long)(pa >> 20),
					(unsigned long long)(max >> 20));
				last = t;
				progress = 1;
			}
		}
		if (cs_probe(&c->rd, pa) == 1) {
			if (progress)
				fputc('\n', stderr);
			/* A stale copy may carry the magic too: take only a
			 * root that says it lives here. */
			struct cs_root r;

			if (!dump_read_phys(c->d, pa, &r, sizeof(r)) &&
			    r.self_phys != pa)
				continue;
			return try_at(c, pa, FOUND_SCAN);
		}
	}
	if (progress)
		fputc('\n', stderr);
	note(c, "scan: no record in the first %llu MiB (%llu pages with data read)",
	     (unsigned long long)(max >> 20), (unsigned long long)probed);
	return 0;
}

/*
 * Is crashsafe.ko on the dump's module list? The scan reads every page
 * with data (~0.3 s a GiB here, minutes on a fleet machine's dump) and a
 * stock dump has nothing to find; with no hint the module's load line
 * left the kernel log (quiet boots keep it: a full ring lost it). The
 * schema opened here is the analysis's (c->btf): nothing is read twice.
 * 1 listed, 0 not, -1 cannot tell.
 */
static int crashsafe_listed(struct ctx *c)
{
	struct kvar kv;
	int r;

	if (!c->btf)
		c->btf = kbtf_open_lazy(c->d, c->o.cache_dir);
	if (!kbtf_ok(c->btf, NULL, 0))
		return -1;
	kvar_init(&kv, c->d, c->btf, 0);
	r = kvar_module_listed(&kv, "crashsafe");
	kvar_free(&kv);
	return r;
}

void record_locate(struct ctx *c)
{
	if (c->o.have_phys && try_at(c, c->o.record_phys, FOUND_OPTION))
		return;
	if (!c->o.no_hints && from_cmdline(c))
		return;
	if (!c->o.no_hints && from_dmesg(c))
		return;
	if (!c->o.no_scan && !c->o.scan && !c->o.have_phys &&
	    crashsafe_listed(c) == 0)
		note(c, "scan: skipped: crashsafe is not on the dump's module list (--scan scans anyway)");
	else if (!c->o.no_scan && from_scan(c))
		return;
	/*
	 * A location hint named an address the dump cannot deliver (dump
	 * truncated, or the page was filtered out): the record existed but
	 * is lost, which is damage, not absence.
	 */
	if (unreadable_hint) {
		cs_decode(&c->rd, unreadable_phys, &c->rec);
		c->found = 1;
		c->found_by = unreadable_how;
		c->rec.status = CS_DEC_DAMAGED;
		cs_problem(&c->rec, "record at 0x%llx (from %s) unreadable: dump truncated or page excluded",
			   (unsigned long long)unreadable_phys,
			   found_by_name(unreadable_how));
	}
}
