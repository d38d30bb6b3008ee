// SPDX-License-Identifier: GPL-2.0
/*
 * csdextract: read a vmcore, find the crashsafe record, print the forensic
 * report (text or JSON). See csdextract.1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis.h"
#include "btf.h"
#include "csdextract.h"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: csdextract [OPTIONS] VMCORE\n"
"Print the crashsafe forensic report of a kernel crash dump (ELF, e.g.\n"
"/proc/vmcore, or makedumpfile compressed/flattened).\n"
"\n"
"  --json              one JSON object instead of text (schema: csdextract(1))\n"
"  --all               every CPU on its own line (idle CPUs are not collapsed) and\n"
"                      the full merged event timeline, not only the relevant entries;\n"
"                      the task list is walked even when no task is in D state\n"
"  --record-phys ADDR  the record's root is at physical address ADDR (0x...)\n"
"  --no-scan           do not scan physical memory when no location hint is found\n"
"  --scan              scan even when the dump's module list has no crashsafe\n"
"                      (by default the scan is skipped then: nothing to find)\n"
"  --no-hints          ignore the capture cmdline and kernel-log location hints\n"
"                      (find the record by --record-phys or the scan only)\n"
"  --cache-dir DIR     keep the per-build kernel schema (struct offsets, symbol\n"
"                      addresses) in DIR (default $CSDEXTRACT_CACHE_DIR, else\n"
"                      $XDG_CACHE_HOME/csdextract, else for root\n"
"                      /var/cache/csdextract, else ~/.cache/csdextract)\n"
"  --no-cache          neither read nor write that cache\n"
"  -o, --output FILE   write the report to FILE instead of standard output\n"
"  -h, --help          this text\n"
"  -V, --version       version\n"
"\n"
"Exit status: 0 record found and consistent, 1 internal error, 2 usage,\n"
"3 no record found (dump-only report printed), 4 record damaged (partial\n"
"report printed), 5 dump unreadable.\n");
}

static int rphys(void *ctx, uint64_t pa, void *buf, size_t len)
{
	return dump_read_phys(ctx, pa, buf, len);
}

static int rvirt(void *ctx, uint64_t va, void *buf, size_t len)
{
	return dump_read_virt(ctx, va, buf, len);
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "all", no_argument, NULL, 'a' },
		{ "record-phys", required_argument, NULL, 'r' },
		{ "no-scan", no_argument, NULL, 'n' },
		{ "scan", no_argument, NULL, 'S' },
		{ "no-hints", no_argument, NULL, 'H' },
		{ "output", required_argument, NULL, 'o' },
		{ "cache-dir", required_argument, NULL, 'C' },
		{ "no-cache", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	char *end;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":o:hV", lo, NULL)) != -1) {
		switch (ch) {
		case 'j': o->json = 1; break;
		case 'a': o->all = 1; break;
		case 'n': o->no_scan = 1; break;
		case 'S': o->scan = 1; break;
		case 'H': o->no_hints = 1; break;
		case 'o': o->out = optarg; break;
		case 'C': o->cache_dir = optarg; break;
		case 'N': o->no_cache = 1; break;
		case 'r':
			errno = 0;
			o->record_phys = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end || optarg[0] == '-') {
				fprintf(stderr, "csdextract: --record-phys: invalid address '%s'\n", optarg);
				return -1;
			}
			o->have_phys = 1;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		case 'V':
			printf("csdextract %s (record format %d.%d), %s\n", CSDEXTRACT_VERSION,
			       CS_VERSION_MAJOR, CS_VERSION_MINOR, dump_library_info());
			exit(EXIT_OK);
		case ':':
			fprintf(stderr, "csdextract: option '%s' needs an argument\n",
				argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr, "csdextract: unknown option '%s'\n", argv[optind - 1]);
			return -1;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "csdextract: %s (try --help)\n",
			optind >= argc ? "no VMCORE given" : "more than one VMCORE given");
		return -1;
	}
	o->path = argv[optind];
	return 0;
}

/*
 * The schema cache directory: option, environment, XDG; for root
 * /var/cache/csdextract, so the capture boot's run (a service: no $HOME)
 * leaves the schema to every later run on that machine; else the home.
 * NULL: no cache.
 */
static char *cache_dir(const struct opts *o)
{
	const char *e;
	char *p = NULL;

	if (o->no_cache)
		return NULL;
	if (o->cache_dir)
		return strdup(o->cache_dir);
	if ((e = getenv("CSDEXTRACT_CACHE_DIR")) && *e)
		return strdup(e);
	if ((e = getenv("XDG_CACHE_HOME")) && *e == '/') {
		if (asprintf(&p, "%s/csdextract", e) < 0)
			p = NULL;
		return p;
	}
	if (geteuid() == 0)
		return strdup("/var/cache/csdextract");
	if ((e = getenv("HOME")) && *e == '/') {
		if (asprintf(&p, "%s/.cache/csdextract", e) < 0)
			p = NULL;
		if (p) {	/* ~/.cache itself may not exist yet */
			char *q = strdup(p);

			if (q) {
				*strrchr(q, '/') = 0;
				mkdir(q, 0700);
				free(q);
			}
		}
		return p;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct ctx c;
	char err[256];
	FILE *out = stdout;
	int rc, log_ok;
	const struct dump_log_line *ll;
	size_t nl;

	memset(&c, 0, sizeof(c));
	c.panic_cpu = -1;
	if (parse_opts(argc, argv, &c.o)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	c.d = dump_open(c.o.path, err, sizeof(err));
	if (!c.d) {
		fprintf(stderr, "csdextract: %s: cannot open dump: %s\n", c.o.path, err);
		return EXIT_UNREADABLE;
	}
	c.rd.ctx = c.d;
	c.rd.read_phys = rphys;
	c.rd.read_virt = rvirt;

	c.o.cache_dir = cache_dir(&c.o);
	log_ok = !dump_log(c.d, &ll, &nl, err, sizeof(err));
	record_locate(&c);
	if (!c.found && !log_ok && dump_nr_cpus(c.d) <= 0 &&
	    !(dump_release(c.d) && *dump_release(c.d))) {
		fprintf(stderr, "csdextract: %s: dump unreadable: no kernel log, no CPU notes, no VMCOREINFO (%s)\n",
			c.o.path, err);
		dump_close(c.d);
		return EXIT_UNREADABLE;
	}
	if (c.found) {
		c.ms = modsyms_load(c.d, &c.rec);
		if (c.ms)
			dump_set_sym_fallback(c.d, modsyms_lookup, c.ms);
	}
	if (dump_panic(c.d, &c.panic_msg, &c.panic_cpu)) {
		c.panic_msg = NULL;
		c.panic_cpu = -1;
	}
	/* The record knows which CPU ran the crash stop. */
	if (c.panic_cpu < 0 && c.found && c.rec.crash_valid)
		c.panic_cpu = (int)c.rec.crash.panic_cpu;
	c.an = calloc(1, sizeof(*c.an));
	if (c.an)
		analysis_run(&c, c.an);
	if (c.o.out) {
		out = fopen(c.o.out, "w");
		if (!out) {
			fprintf(stderr, "csdextract: %s: cannot write: %s\n", c.o.out,
				strerror(errno));
			rc = EXIT_INTERNAL;
			goto done;
		}
	}
	if (c.o.json)
		report_json(&c, out);
	else
		report_text(&c, out);
	if (fflush(out) || ferror(out)) {
		fprintf(stderr, "csdextract: %s: write error: %s\n",
			c.o.out ? c.o.out : "(stdout)", strerror(errno));
		rc = EXIT_INTERNAL;
		goto done;
	}
	if (!c.found) {
		fprintf(stderr, "csdextract: %s: no crashsafe record found (dump-only report printed)\n",
			c.o.path);
		rc = EXIT_NORECORD;
	} else if (c.rec.status != CS_DEC_OK) {
		fprintf(stderr, "csdextract: %s: crashsafe record damaged: %zu problem(s), first: %s\n",
			c.o.path, c.rec.nproblem,
			c.rec.nproblem ? c.rec.problem[0] : "?");
		rc = EXIT_DAMAGED;
	} else {
		rc = EXIT_OK;
	}
done:
	if (out && out != stdout)
		fclose(out);
	if (c.an)
		analysis_free(&c, c.an);
	free(c.an);
	if (c.btf) {		/* opened, and no analysis took it */
		kbtf_save(c.btf);
		kbtf_free(c.btf);
	}
	free((char *)c.o.cache_dir);
	dump_set_sym_fallback(c.d, NULL, NULL);
	modsyms_free(c.ms);
	cs_decoded_free(&c.rec);
	while (c.nlocate_notes)
		free(c.locate_notes[--c.nlocate_notes]);
	free(c.locate_notes);
	dump_close(c.d);
	return rc;
}
