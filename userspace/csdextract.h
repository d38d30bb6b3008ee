/* SPDX-License-Identifier: GPL-2.0 */
/* csdextract: shared definitions (exit codes, options, context). */
#ifndef CSDEXTRACT_H
#define CSDEXTRACT_H

#include <stdint.h>
#include <stdio.h>

#include "dump.h"
#include "record_decode.h"

#define CSDEXTRACT_VERSION "0.1.0"

/* Exit codes (documented in csdextract.1). */
#define EXIT_OK		0	/* record found and consistent */
#define EXIT_INTERNAL	1	/* internal error (out of memory, I/O) */
#define EXIT_USAGE	2	/* bad command line */
#define EXIT_NORECORD	3	/* no crashsafe record in the dump */
#define EXIT_DAMAGED	4	/* record damaged, partial report printed */
#define EXIT_UNREADABLE	5	/* dump cannot be opened or read */

struct opts {
	int json;
	int all;
	int no_scan;
	int scan;		/* scan even if the module list lacks crashsafe */
	int no_hints;		/* skip the cmdline and dmesg hints */
	int have_phys;
	uint64_t record_phys;
	const char *out;
	const char *path;
	int no_cache;
	const char *cache_dir;	/* per-build schema cache (kschema.c), NULL none */
};

enum found_by {
	FOUND_NONE = 0,
	FOUND_OPTION,
	FOUND_CMDLINE,
	FOUND_DMESG,
	FOUND_SCAN,
};

struct ctx {
	struct opts o;
	struct dump *d;
	struct cs_reader rd;
	int found;
	enum found_by found_by;
	struct cs_decoded rec;	/* valid when found */
	char **locate_notes;	/* problems met while locating */
	size_t nlocate_notes;
	const char *panic_msg;
	int panic_cpu;		/* -1 unknown */
	struct modsyms *ms;
	struct kbtf *btf;	/* the schema, if opened before the analysis
				 * (record_locate); analysis_run() takes it */
	struct analysis *an;	/* the analysis layer's results (analysis.h) */
};

const char *found_by_name(enum found_by f);

/* record_locate.c: fills c->found, c->found_by, c->rec. */
void record_locate(struct ctx *c);

/* modsyms.c */
struct modsyms *modsyms_load(struct dump *d, const struct cs_decoded *rec);
void modsyms_free(struct modsyms *m);
int modsyms_lookup(void *m, uint64_t addr, int ret, char *buf, size_t len);

/*
 * Symbol of @addr into @buf ("func+0x1/0x20" or "func+0x1/0x20 [mod]");
 * 0 or -1. sym() is the kernel's %pS, for an exact PC (an interrupted
 * RIP, a function pointer); sym_ret() is %pB, for a return address
 * (every stack frame but #0): the symbol of addr - 1 with the offset of
 * addr. sym_frame() picks by frame index; sym_name() is %ps (no offset;
 * "0x..." when unknown, as the kernel prints it, 0x0 for NULL).
 */
int sym(struct ctx *c, uint64_t addr, char *buf, size_t len);
int sym_ret(struct ctx *c, uint64_t addr, char *buf, size_t len);
int sym_frame(struct ctx *c, const struct cs_capture *cap, unsigned int i,
	      char *buf, size_t len);
void sym_name(struct ctx *c, uint64_t addr, char *buf, size_t len);

/* report_text.c / report_json.c */
void report_text(struct ctx *c, FILE *f);
void report_json(struct ctx *c, FILE *f);

/* Shared report helpers (report_text.c) */
/* Crash time (record, else VMCOREINFO CRASHTIME), ns since the epoch, or 0. */
uint64_t crash_time_ns(struct ctx *c);
uint64_t seq_to_ns(const struct ctx *c, uint64_t dseq);
const char *verdict_words(struct ctx *c, const struct cs_csd_hang *h,
			  char *buf, size_t len);
/* Verdict after the reader's checks (seed 001: a completed CSD is no lost IPI). */
unsigned int hang_verdict(struct ctx *c, const struct cs_csd_hang *h);
/* CS_HOOK_* bits the hang's verdict relies on that were not live. */
uint32_t hang_verdict_missing(struct ctx *c, const struct cs_csd_hang *h);
/* NULL, or why the hang's verdict is unknown (evidence missing). */
const char *verdict_reason(struct ctx *c, const struct cs_csd_hang *h,
			   char *buf, size_t len);
/* "a,b,c" names of CS_HOOK_* bits, "none" for 0. */
const char *hook_list(uint32_t mask, char *buf, size_t len);
/* All valid NMI-log slots of all CPUs in seq order; caller frees *out. */
size_t merged_log(struct ctx *c, const struct cs_log_slot ***out);
/* RIP of @cpu: from the record's capture when valid, else NT_PRSTATUS. */
int cpu_rip(struct ctx *c, unsigned int cpu, uint64_t *rip, const char **from);

#endif
