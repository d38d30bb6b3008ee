/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private state of the dump layer, shared by dump.c (libkdumpfile,
 * VMCOREINFO, registers), printk_log.c (kernel log) and kallsyms.c
 * (vmlinux symbols). Not for the rest of csdextract: use dump.h.
 */
#ifndef CSDEXTRACT_DUMP_PRIV_H
#define CSDEXTRACT_DUMP_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <libkdumpfile/kdumpfile.h>

#include "dump.h"

#define DUMP_MAX_VMCOREINFO	(1u << 20)	/* bytes */
#define DUMP_MAX_VMCI_LINES	4096

struct dump_vmci {
	char *key;			/* points into dump.vmci_buf */
	char *val;
};

struct dump_kallsyms {
	int state;			/* 0 not tried, 1 loaded, -1 failed */
	uint32_t nr;			/* kallsyms_num_syms */
	int enc;			/* address encoding (kallsyms.c) */
	uint64_t relbase;		/* kallsyms_relative_base */
	/* raw kallsyms_offsets/_addresses, read in blocks on demand */
	uint64_t offs_va;
	unsigned int esz;		/* 4 (offsets) or 8 (addresses) */
	unsigned char *offs;
	unsigned char *offs_have;	/* per block: 1 read, 2 unreadable */
	uint64_t lo, hi;		/* symbolisable range [_text, last) */
	/* the per-CPU symbols' indices [pc_lo, pc_hi), 0/0 unknown:
	 * the first ones with zero-based per-CPU addresses, else those
	 * between __per_cpu_start and __per_cpu_end once both are known */
	uint32_t pc_lo, pc_hi;
	uint64_t pc_start, pc_end;	/* their addresses, once looked up */
	unsigned int pc_known;		/* bit 0 start, bit 1 end */
	/* names: raw compressed bytes, read on demand (prefix) */
	uint64_t names_va;
	unsigned char *names;
	size_t names_len, names_cap;
	uint32_t *name_off;		/* offset of name i in names[] */
	uint32_t nr_named;		/* name_off[] valid below this */
	int names_done;			/* all names read (or failed) */
	/* kallsyms_markers (offset of every 256th name), found just below
	 * the token table and checked against the names; NULL if not */
	uint32_t *markers;
	uint32_t nr_markers;
	uint64_t names_size;		/* bytes from names to token table */
	struct {
		uint32_t blk;		/* marker index + 1, 0 = empty */
		uint32_t len;
		unsigned char *buf;
	} mcache[8];
	/* kallsyms_seqs_of_names (symbol indices sorted by name, 3 bytes
	 * each, big-endian), found next to the tables and checked */
	uint64_t seqs_va;
	uint64_t seqs_cand[4];		/* where scripts/kallsyms puts it */
	int seqs_state;			/* 0 not tried, 1 found, -1 none */
	char *ttab;			/* token table, NUL-terminated */
	size_t ttab_len;
	uint16_t tidx[256];
};

struct dump {
	kdump_ctx_t *ctx;
	int fd;				/* the opened file */
	int memfd;			/* rearranged flattened dump, or -1 */
	int flat_direct;		/* flattened, read by libkdumpfile */
	enum dump_format format;

	char *vmci_buf;			/* private copy, split into lines */
	struct dump_vmci *vmci;
	size_t nr_vmci;

	int nr_cpus;			/* -1 = not yet counted */
	/* dump_data_run(): libkdumpfile's file.pagemap (a reference) */
	int pagemap_state;		/* 0 not tried, 1 have, -1 none */
	kdump_bmp_t *pagemap;
	uint64_t page_size;
	char warning[200];		/* dump_warning(), "" if none */
	int past_eof_base;		/* SIGBUS pages before this dump */

	/* printk_log.c */
	int log_state;			/* 0 not read, 1 read, -1 failed */
	struct dump_log_line *log;
	size_t nr_log;
	char log_err[160];
	char *panic_msg;		/* dump_panic() result */

	/* kallsyms.c */
	struct dump_kallsyms ks;
	dump_sym_fallback_fn sym_fallback;
	void *sym_fallback_ctx;

#ifdef DUMP_FAULT_INJECT
	uint64_t fault_rng;		/* test builds only: hostile memory */
	unsigned int fault_permille;
#endif
};

#ifdef DUMP_FAULT_INJECT
/*
 * Test builds only (tests/unit/dump_test.c): from now on, each memory read
 * fails or comes back with corrupted bytes with probability permille/1000,
 * so the log and kallsyms parsers see hostile memory. Also resets the
 * cached log and symbol tables.
 */
void dump_fault_inject(struct dump *d, uint64_t seed, unsigned int permille);
#endif

void dump_log_free(struct dump *d);
void dump_kallsyms_free(struct dump *d);

/* Bounded helpers over dump_read_virt() for the parsers. */
int dump_read_u64(struct dump *d, uint64_t vaddr, uint64_t *out);

#endif /* CSDEXTRACT_DUMP_PRIV_H */
