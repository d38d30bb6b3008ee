/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dump layer of csdextract: everything it knows about a vmcore that
 * does not depend on crashsafe's record. Backed by libkdumpfile (ELF and
 * makedumpfile-compressed dumps); flattened (makedumpfile -F) input is
 * rearranged into an anonymous memfd first because libkdumpfile 0.5.1
 * cannot open it.
 *
 * Every function treats the dump as hostile: lengths are bounded, reads
 * that fail return an error, nothing from the dump is used as a pointer.
 */
#ifndef CSDEXTRACT_DUMP_H
#define CSDEXTRACT_DUMP_H

#include <stddef.h>
#include <stdint.h>
#include <crashsafe/record.h>

struct dump;

enum dump_format {
	DUMP_FMT_ELF,
	DUMP_FMT_COMPRESSED,	/* makedumpfile kdump-compressed */
	DUMP_FMT_FLATTENED,	/* makedumpfile -F, rearranged on the fly */
};

/*
 * Open @path. On failure returns NULL and writes a one-line reason
 * (without the file name) into @err.
 */
struct dump *dump_open(const char *path, char *err, size_t errlen);
void dump_close(struct dump *d);

enum dump_format dump_format(const struct dump *d);
const char *dump_format_name(const struct dump *d);

/* 0 on success, -1 if any byte of the range cannot be read. */
int dump_read_phys(struct dump *d, uint64_t paddr, void *buf, size_t len);
int dump_read_virt(struct dump *d, uint64_t vaddr, void *buf, size_t len);

/* VMCOREINFO: value of KEY=value (e.g. "OSRELEASE", "SYMBOL(_stext)"), or NULL. */
const char *dump_vmcoreinfo(struct dump *d, const char *key);
/* Convenience: parse a hex (SYMBOL/ADDRESS) or decimal (others) value. */
int dump_vmcoreinfo_u64(struct dump *d, const char *key, uint64_t *out);

const char *dump_release(struct dump *d);	/* OSRELEASE, "" if unknown */

/* CPUs with NT_PRSTATUS notes in the dump, and their registers. */
int dump_nr_cpus(struct dump *d);
int dump_cpu_regs(struct dump *d, int cpu, struct cs_regs *regs);

/* The kernel log (printk ring buffer via VMCOREINFO), in order. */
struct dump_log_line {
	uint64_t ts_nsec;
	uint32_t caller_id;	/* as printk: bit 31 set = CPU, else task id */
	uint8_t level;
	char *text;		/* NUL-terminated, owned by the dump */
};
/* 0 and the lines, or -1 with a reason. Lines live until dump_close(). */
int dump_log(struct dump *d, const struct dump_log_line **lines, size_t *n,
	     char *err, size_t errlen);

/* "Kernel panic - not syncing: MSG" from the log: MSG and the CPU, or -1. */
int dump_panic(struct dump *d, const char **msg, int *cpu);

/*
 * Symbolise a kernel address without debuginfo (kallsyms tables named in
 * VMCOREINFO). Writes "name+0xoff/0xsize" into @buf and returns 0, or -1.
 * Module addresses are resolved by the record layer (modsyms.c), which
 * registers a fallback here.
 */
int dump_symbolize(struct dump *d, uint64_t addr, char *buf, size_t len);
/* Start address of a symbol by name (exact), or 0. */
uint64_t dump_symbol_addr(struct dump *d, const char *name);

typedef int (*dump_sym_fallback_fn)(void *ctx, uint64_t addr, char *buf,
				    size_t len);
void dump_set_sym_fallback(struct dump *d, dump_sym_fallback_fn fn, void *ctx);

#endif /* CSDEXTRACT_DUMP_H */
