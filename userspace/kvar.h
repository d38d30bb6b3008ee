/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel variables from the dump alone: data symbols by name (kallsyms,
 * which Debian builds with KALLSYMS_ALL), per-CPU variables through
 * __per_cpu_offset, and the reverse: naming an address as "sym+0xoff",
 * "<per-cpu sym> of CPU n" or a module's data symbol.
 */
#ifndef CSDEXTRACT_KVAR_H
#define CSDEXTRACT_KVAR_H

#include <stddef.h>
#include <stdint.h>

struct dump;
struct kbtf;

#define KVAR_MAX_CPUS	4096
#define KVAR_MAX_MODS	512

struct kvar_mod;

struct kvar {
	struct dump *d;
	const struct kbtf *btf;
	int btf_lazy;			/* btf is kbtf_open_lazy()'s: symbols too */
	uint64_t pcpu_start, pcpu_end;	/* per-CPU section (symbol values) */
	uint64_t *pcpu_off;		/* __per_cpu_offset[] */
	unsigned int ncpus;
	uint64_t stext, etext, end;	/* _stext, _etext, _end */
	int have_etext, have_end;	/* etext, end looked up (lazily) */
	struct kvar_mod *mods;		/* loaded modules (lazy) */
	int nmods;			/* -1 not yet read */
	int mods_whole;			/* the list was read to its end */
};

/* In kallsyms.c (appended): data symbol of any address, "name+0xoff". */
int dump_symbolize_data(struct dump *d, uint64_t addr, char *buf, size_t len,
			uint64_t *start);

void kvar_init(struct kvar *kv, struct dump *d, const struct kbtf *btf,
	       unsigned int ncpus);
void kvar_free(struct kvar *kv);

/* Address of symbol @name (0 if unknown); of its copy for @cpu if per-CPU. */
uint64_t kvar_sym(struct kvar *kv, const char *name);
uint64_t kvar_percpu(struct kvar *kv, const char *name, unsigned int cpu);
/*
 * Is module @name on the kernel's module list? 1 yes, 0 no (the list was
 * read to its end), -1 cannot tell (no BTF, list unreadable or too long).
 */
int kvar_module_listed(struct kvar *kv, const char *name);
/* Is @addr in kernel text (vmlinux or a module's core text)? */
int kvar_is_text(struct kvar *kv, uint64_t addr);
/* Name @addr: per-CPU, vmlinux data, module data. 0 or -1 (buf = ""). */
int kvar_name(struct kvar *kv, uint64_t addr, char *buf, size_t len);

/* dump_sym_fallback_fn for module text from the kernel's module list. */
int kvar_mod_symbolize(void *kv, uint64_t addr, int ret, char *buf, size_t len);

#endif
