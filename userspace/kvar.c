// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel variables by name and addresses by name (see kvar.h). Module
 * data symbols come from the kernel's own module list (struct module's
 * core_kallsyms, offsets from BTF), so they work without a crashsafe
 * record too.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "dump.h"
#include "kvar.h"

#define KVAR_MOD_MAX_SYMS	(1u << 18)

struct kvar_mod {
	char name[56];
	uint64_t text, text_size;	/* core text, when known */
	uint64_t percpu, percpu_size;	/* per-CPU area (offset form), 0 if none */
	uint64_t symtab, strtab;
	uint32_t nsym;
	Elf64_Sym *sym;			/* read on first use */
	int loaded;			/* 0 not yet, 1 ok, -1 failed */
};

uint64_t kvar_sym(struct kvar *kv, const char *name)
{
	/* memoized (and cached per build) when the schema is lazy */
	if (kv->btf && kv->btf_lazy)
		return kbtf_sym((struct kbtf *)kv->btf, name);
	return dump_symbol_addr(kv->d, name);
}

void kvar_init(struct kvar *kv, struct dump *d, const struct kbtf *btf,
	       unsigned int ncpus)
{
	uint64_t off;
	unsigned int i;

	memset(kv, 0, sizeof(*kv));
	kv->d = d;
	kv->btf = btf;
	kv->btf_lazy = btf && kbtf_sym((struct kbtf *)btf, "_stext") != 0;
	kv->nmods = -1;
	kv->stext = kvar_sym(kv, "_stext");
	/* _etext and _end: on first use (a name lookup costs ~12 dump
	 * pages on a first run, and many reports never need them) */
	kv->pcpu_start = kvar_sym(kv, "__per_cpu_start");
	kv->pcpu_end = kvar_sym(kv, "__per_cpu_end");
	if (ncpus > KVAR_MAX_CPUS)
		ncpus = KVAR_MAX_CPUS;
	off = kvar_sym(kv, "__per_cpu_offset");
	if (!off || !ncpus || kv->pcpu_end <= kv->pcpu_start)
		return;
	kv->pcpu_off = calloc(ncpus, sizeof(*kv->pcpu_off));
	if (!kv->pcpu_off)
		return;
	if (dump_read_virt(d, off, kv->pcpu_off, ncpus * sizeof(uint64_t))) {
		/* read one by one: keep what is readable */
		for (i = 0; i < ncpus; i++)
			if (dump_read_virt(d, off + 8ull * i, &kv->pcpu_off[i], 8))
				kv->pcpu_off[i] = 0;
	}
	kv->ncpus = ncpus;
}

static void free_mods(struct kvar *kv)
{
	int i;

	for (i = 0; i < kv->nmods; i++)
		free(kv->mods[i].sym);
	free(kv->mods);
	kv->mods = NULL;
}

void kvar_free(struct kvar *kv)
{
	free(kv->pcpu_off);
	free_mods(kv);
	memset(kv, 0, sizeof(*kv));
}

uint64_t kvar_percpu(struct kvar *kv, const char *name, unsigned int cpu)
{
	uint64_t a = kvar_sym(kv, name);

	if (!a || cpu >= kv->ncpus || !kv->pcpu_off[cpu])
		return 0;
	if (a < kv->pcpu_start || a >= kv->pcpu_end)
		return 0;
	return a + kv->pcpu_off[cpu];
}

/* The kernel's module list: name, core text, core_kallsyms. Bounded. */
static void read_mods(struct kvar *kv)
{
	uint64_t head = kvar_sym(kv, "modules"), p, o_list, o_name, o_ks, o_sym,
		 o_str, o_num, o_text = 0, o_tsize = 0, sz;
	uint64_t o_pcpu = 0, o_pcpusz = 0;
	int have_text, have_pcpu;

	kv->nmods = 0;
	if (!head || !kv->btf ||
	    kbtf_member(kv->btf, "module", "list", &o_list, NULL) ||
	    kbtf_member(kv->btf, "module", "name", &o_name, NULL) ||
	    kbtf_member(kv->btf, "module", "core_kallsyms", &o_ks, NULL) ||
	    kbtf_member(kv->btf, "mod_kallsyms", "symtab", &o_sym, NULL) ||
	    kbtf_member(kv->btf, "mod_kallsyms", "strtab", &o_str, NULL) ||
	    kbtf_member(kv->btf, "mod_kallsyms", "num_symtab", &o_num, &sz))
		return;
	/* 6.4+: mem[MOD_TEXT].base/size; before: core_layout.base/text_size */
	have_text = (!kbtf_member(kv->btf, "module", "mem", &o_text, NULL) &&
		     !kbtf_member(kv->btf, "module_memory", "size", &o_tsize, NULL)) ||
		    (!kbtf_member(kv->btf, "module", "core_layout.base", &o_text, NULL) &&
		     !kbtf_member(kv->btf, "module", "core_layout.text_size", &o_tsize, NULL) &&
		     (o_tsize -= o_text, 1));
	have_pcpu = !kbtf_member(kv->btf, "module", "percpu", &o_pcpu, NULL) &&
		    !kbtf_member(kv->btf, "module", "percpu_size", &o_pcpusz, NULL);
	kv->mods = calloc(KVAR_MAX_MODS, sizeof(*kv->mods));
	if (!kv->mods)
		return;
	if (dump_read_virt(kv->d, head, &p, 8))
		return;
	while (p != head && kv->nmods < KVAR_MAX_MODS) {
		struct kvar_mod *m = &kv->mods[kv->nmods];
		uint64_t base = p - o_list, ks = base + o_ks, next;
		uint32_t n = 0;

		if (dump_read_virt(kv->d, p, &next, 8) ||
		    dump_read_virt(kv->d, base + o_name, m->name, sizeof(m->name)) ||
		    dump_read_virt(kv->d, ks + o_sym, &m->symtab, 8) ||
		    dump_read_virt(kv->d, ks + o_str, &m->strtab, 8) ||
		    dump_read_virt(kv->d, ks + o_num, &n, sz < 4 ? sz : 4))
			break;
		m->name[sizeof(m->name) - 1] = 0;
		m->nsym = n;
		if (have_text) {
			if (dump_read_virt(kv->d, base + o_text, &m->text, 8) ||
			    dump_read_virt(kv->d, base + o_text + o_tsize,
					   &n, 4))
				m->text = 0;
			else
				m->text_size = n;
		}
		if (have_pcpu &&
		    (dump_read_virt(kv->d, base + o_pcpu, &m->percpu, 8) ||
		     dump_read_virt(kv->d, base + o_pcpusz, &n, 4)))
			m->percpu = 0;
		else if (have_pcpu)
			m->percpu_size = n;
		kv->nmods++;
		p = next;
	}
	kv->mods_whole = p == head;
}

int kvar_module_listed(struct kvar *kv, const char *name)
{
	int i;

	if (kv->nmods < 0)
		read_mods(kv);
	for (i = 0; i < kv->nmods; i++)
		if (!strcmp(kv->mods[i].name, name))
			return 1;
	return kv->mods_whole ? 0 : -1;
}

static int mod_syms(struct kvar *kv, struct kvar_mod *m)
{
	if (m->loaded)
		return m->loaded;
	m->loaded = -1;
	if (!m->nsym || m->nsym > KVAR_MOD_MAX_SYMS || !m->symtab)
		return -1;
	m->sym = malloc((size_t)m->nsym * sizeof(Elf64_Sym));
	if (!m->sym)
		return -1;
	if (dump_read_virt(kv->d, m->symtab, m->sym, (size_t)m->nsym * sizeof(Elf64_Sym))) {
		free(m->sym);
		m->sym = NULL;
		return -1;
	}
	m->loaded = 1;
	return 1;
}

/* _etext or _end, looked up once */
static uint64_t lazy_sym(struct kvar *kv, uint64_t *v, int *done, const char *name)
{
	if (!*done) {
		*v = kvar_sym(kv, name);
		*done = 1;
	}
	return *v;
}

int kvar_is_text(struct kvar *kv, uint64_t addr)
{
	int i;

	if (addr < 0xffffffffc0000000ull)	/* below the module area */
		return kv->stext && addr >= kv->stext &&
		       addr < lazy_sym(kv, &kv->etext, &kv->have_etext, "_etext");
	if (kv->nmods < 0)
		read_mods(kv);
	for (i = 0; i < kv->nmods; i++)
		if (kv->mods[i].text && addr >= kv->mods[i].text &&
		    addr - kv->mods[i].text < kv->mods[i].text_size)
			return 1;
	return 0;
}

/* A module's data symbol holding @addr (st_value <= addr < value+size). */
static int mod_name(struct kvar *kv, uint64_t addr, char *buf, size_t len)
{
	int i;
	uint32_t k;

	if (kv->nmods < 0)
		read_mods(kv);
	for (i = 0; i < kv->nmods; i++) {
		struct kvar_mod *m = &kv->mods[i];
		const Elf64_Sym *best = NULL;
		char name[128];

		if (mod_syms(kv, m) != 1)
			continue;
		for (k = 0; k < m->nsym; k++) {
			const Elf64_Sym *s = &m->sym[k];

			if (s->st_shndx == SHN_UNDEF || !s->st_name || !s->st_size ||
			    ELF64_ST_TYPE(s->st_info) != STT_OBJECT)
				continue;
			if (s->st_value <= addr && addr - s->st_value < s->st_size)
				best = s;
		}
		if (!best || m->strtab + best->st_name < m->strtab ||
		    dump_read_virt(kv->d, m->strtab + best->st_name, name, 1))
			continue;
		/* names end before an unreadable page: shrink the read */
		{
			size_t chunk = sizeof(name) - 1;

			while (chunk && dump_read_virt(kv->d, m->strtab + best->st_name,
						       name, chunk))
				chunk /= 2;
			name[chunk] = 0;
		}
		for (k = 0; name[k]; k++)
			if ((unsigned char)name[k] < 0x20 || (unsigned char)name[k] >= 0x7f)
				name[k] = '?';
		snprintf(buf, len, "%s+0x%" PRIx64, name, addr - best->st_value);
		return 0;
	}
	return -1;
}

/* Is the offset-form address @o in a module's per-CPU area? */
static int in_mod_percpu(struct kvar *kv, uint64_t o)
{
	int i;

	if (kv->nmods < 0)
		read_mods(kv);
	for (i = 0; i < kv->nmods; i++)
		if (kv->mods[i].percpu && o >= kv->mods[i].percpu &&
		    o - kv->mods[i].percpu < kv->mods[i].percpu_size)
			return 1;
	return 0;
}

int kvar_name(struct kvar *kv, uint64_t addr, char *buf, size_t len)
{
	char s[160];
	unsigned int cpu;

	if (!len)
		return -1;
	buf[0] = 0;
	for (cpu = 0; kv->pcpu_off && cpu < kv->ncpus; cpu++) {
		uint64_t o = addr - kv->pcpu_off[cpu];

		if (!kv->pcpu_off[cpu])
			continue;
		if (o >= kv->pcpu_start && o < kv->pcpu_end) {
			if (dump_symbolize_data(kv->d, o, s, sizeof(s), NULL))
				break;
		} else if (!in_mod_percpu(kv, o) || mod_name(kv, o, s, sizeof(s))) {
			/*
			 * Module per-CPU symbols: offsets from 0 before 6.15,
			 * addresses beside __per_cpu_end since (no absolute
			 * per-CPU kallsyms): the module's own range decides.
			 */
			continue;
		}
		/* "cpu_stopper+0x0" -> "cpu_stopper" */
		if (strlen(s) > 4 && !strcmp(s + strlen(s) - 4, "+0x0"))
			s[strlen(s) - 4] = 0;
		snprintf(buf, len, "%s of CPU %u", s, cpu);
		return 0;
	}
	if (kv->stext && addr >= kv->stext && addr < 0xffffffffc0000000ull &&
	    addr < lazy_sym(kv, &kv->end, &kv->have_end, "_end") &&
	    !dump_symbolize_data(kv->d, addr, buf, len, NULL))
		return 0;
	if (addr >= 0xffffffffc0000000ull && !mod_name(kv, addr, buf, len))
		return 0;
	buf[0] = 0;
	return -1;
}

/*
 * Symbol fallback for module text when there is no crashsafe record
 * (dump_sym_fallback_fn): the module's own kallsyms, as modsyms.c does
 * from the record. %pS of @addr, or with @ret %pB.
 */
int kvar_mod_symbolize(void *opaque, uint64_t addr, int ret, char *buf, size_t len)
{
	struct kvar *kv = opaque;
	uint64_t look = ret ? addr - 1 : addr;
	int i;
	uint32_t k;

	if (!kv || (ret && !addr) || look < 0xffffffffc0000000ull)
		return -1;
	if (kv->nmods < 0)
		read_mods(kv);
	for (i = 0; i < kv->nmods; i++) {
		struct kvar_mod *m = &kv->mods[i];
		const Elf64_Sym *best = NULL;
		uint64_t next = m->text + m->text_size;
		char name[128];
		size_t chunk = sizeof(name) - 1;

		if (!m->text || look < m->text || look - m->text >= m->text_size)
			continue;
		if (mod_syms(kv, m) != 1)
			return -1;
		for (k = 0; k < m->nsym; k++) {
			const Elf64_Sym *s = &m->sym[k];

			if (s->st_shndx == SHN_UNDEF || !s->st_name)
				continue;
			if (s->st_value <= look && (!best || s->st_value > best->st_value))
				best = s;
			if (s->st_value > look && s->st_value < next)
				next = s->st_value;
		}
		if (!best || m->strtab + best->st_name < m->strtab)
			return -1;
		while (chunk && dump_read_virt(kv->d, m->strtab + best->st_name, name, chunk))
			chunk /= 2;
		if (!chunk)
			return -1;
		name[chunk] = 0;
		for (k = 0; name[k]; k++)
			if ((unsigned char)name[k] < 0x20 || (unsigned char)name[k] >= 0x7f)
				name[k] = '?';
		snprintf(buf, len, "%s+0x%" PRIx64 "/0x%" PRIx64 " [%s]", name,
			 addr - best->st_value, next - best->st_value, m->name);
		return 0;
	}
	return -1;
}
