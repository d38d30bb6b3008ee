/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dump layer of csdextract: everything it knows about a vmcore that
 * does not depend on crashsafe's record. Backed by libkdumpfile (ELF and
 * makedumpfile-compressed dumps). Flattened (makedumpfile -F) input goes
 * to libkdumpfile as it is when the library reads it (>= 0.5.4 here) and
 * the dump is whole; otherwise (libkdumpfile 0.5.1, flattened ELF, a dump
 * cut short) it is rearranged into an anonymous memfd first.
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
	DUMP_FMT_FLATTENED,	/* makedumpfile -F */
};

/*
 * Open @path. On failure returns NULL and writes a one-line reason
 * (without the file name) into @err.
 */
struct dump *dump_open(const char *path, char *err, size_t errlen);
void dump_close(struct dump *d);

/*
 * A problem dump_open() or a read worked around, one line (e.g.
 * "flattened dump truncated at byte N (no end marker)", "ELF dump
 * truncated: ...", pages read past the file's end): the dump is read as
 * far as it goes; past the end there are zeros or failed reads. NULL if
 * none. Ask after the reads: the last one shows.
 */
const char *dump_warning(struct dump *d);

enum dump_format dump_format(const struct dump *d);

/* How a flattened dump is read: "libkdumpfile" or "memfd"; NULL if not flattened. */
const char *dump_flat_method(const struct dump *d);

/* "libkdumpfile <version built with> (how flattened dumps are read)". */
const char *dump_library_info(void);
const char *dump_format_name(const struct dump *d);

/* 0 on success, -1 if any byte of the range cannot be read. */
int dump_read_phys(struct dump *d, uint64_t paddr, void *buf, size_t len);
int dump_read_virt(struct dump *d, uint64_t vaddr, void *buf, size_t len);
/* Is the page of @vaddr in the dump file? 1, 0 (left out: reads as zeros), -1 unknown */
int dump_virt_in_dump(struct dump *d, uint64_t vaddr);

/*
 * Where the dump holds page data (libkdumpfile's file.pagemap: the pages
 * makedumpfile did not exclude, an ELF dump's PT_LOAD file ranges). The
 * first run of such pages at or above *start: 1 and [*start, *end), page
 * aligned; 0 if there is none; -1 if the dump has no usable page map
 * (then any page may hold data). A page outside every run reads as zeros
 * or not at all, so a search for non-zero bytes may skip it.
 */
int dump_data_run(struct dump *d, uint64_t *start, uint64_t *end);

/* VMCOREINFO: value of KEY=value (e.g. "OSRELEASE", "SYMBOL(_stext)"), or NULL. */
const char *dump_vmcoreinfo(struct dump *d, const char *key);
/* Convenience: parse a hex (SYMBOL/ADDRESS) or decimal (others) value. */
int dump_vmcoreinfo_u64(struct dump *d, const char *key, uint64_t *out);

const char *dump_release(struct dump *d);	/* OSRELEASE, "" if unknown */

/*
 * CPUs with NT_PRSTATUS notes in the dump, and their registers. @cpu is
 * the index of the note (libkdumpfile's cpu.N); it equals the CPU number
 * when every CPU up to it saved a note (a CPU that never stopped leaves
 * an empty note, which the kernel drops from /proc/vmcore).
 */
int dump_nr_cpus(struct dump *d);
int dump_cpu_regs(struct dump *d, int cpu, struct cs_regs *regs);
/* pr_pid of that note: the task running there (0 = idle). 0 or -1. */
int dump_cpu_pid(struct dump *d, int cpu, uint32_t *pid);

/* The kernel log (printk ring buffer via VMCOREINFO), in order. */
struct dump_log_line {
	uint64_t ts_nsec;
	uint32_t caller_id;	/* as printk: bit 31 set = CPU, else task id */
	uint8_t level;		/* 0..7 (printk_info's level bits) */
	/*
	 * NUL-terminated, owned by the dump; as makedumpfile --dump-dmesg
	 * prints it: bytes neither printable nor space as \xNN. May contain
	 * '\n' (multi-line records; makedumpfile indents the continuation
	 * lines by the width of the "[    1.234567] " prefix) and may end
	 * with '\n' (a record printed with an extra newline).
	 */
	char *text;
};
/* 0 and the lines, or -1 with a reason. Lines live until dump_close(). */
int dump_log(struct dump *d, const struct dump_log_line **lines, size_t *n,
	     char *err, size_t errlen);

/*
 * The crash reason from the log: MSG of the first "Kernel panic - not
 * syncing: MSG" (trailing newlines/spaces removed: equal to what
 * makedumpfile --dump-dmesg shows after the prefix). Without a panic()
 * line (crash_kexec() straight from an oops), the whole last
 * "sysrq: Trigger a crash" line, else the first "BUG: ", "Oops: ",
 * "kernel BUG at " or "general protection fault" line.
 * *cpu: from the line's caller_id when printed in CPU context, else from
 * the "CPU: N ..." header dump_stack() prints next for the same task,
 * else the NT_PRSTATUS note whose pid is that task; -1 if unknown.
 * Returns 0 (msg lives until dump_close()), or -1 if none found.
 */
int dump_panic(struct dump *d, const char **msg, int *cpu);

/*
 * Symbolise a kernel address without debuginfo (kallsyms tables named in
 * VMCOREINFO). Writes "name+0xoff/0xsize" into @buf and returns 0, or -1.
 * This is the kernel's %pS: use it for an exact PC (an interrupted RIP).
 * Module addresses are resolved by the record layer (modsyms.c), which
 * registers a fallback here.
 */
int dump_symbolize(struct dump *d, uint64_t addr, char *buf, size_t len);
/*
 * The same for a return address (a stack frame above the interrupted
 * one), as the kernel's %pB prints backtraces: the symbol holding
 * @addr - 1, with the offset of @addr, so a call at the very end of f
 * gives "f+0x20/0x20" and not "next+0x0/...". -1 for @addr 0.
 */
int dump_symbolize_ret(struct dump *d, uint64_t addr, char *buf, size_t len);
/* Start address of a symbol by name (exact), or 0. */
uint64_t dump_symbol_addr(struct dump *d, const char *name);
/* The same: 1 found (*@out), 0 searched and not there, -1 could not tell
 * (kallsyms unreadable on the way). */
int dump_symbol_lookup(struct dump *d, const char *name, uint64_t *out);

/* Fallback lookup for addresses kallsyms does not cover; @ret as
 * dump_symbolize_ret() (look up @addr - 1, print the offset of @addr). */
typedef int (*dump_sym_fallback_fn)(void *ctx, uint64_t addr, int ret,
				    char *buf, size_t len);
void dump_set_sym_fallback(struct dump *d, dump_sym_fallback_fn fn, void *ctx);

#endif /* CSDEXTRACT_DUMP_H */
