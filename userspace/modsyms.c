// SPDX-License-Identifier: GPL-2.0
/*
 * Symbolise module addresses from the record's CS_SEC_MODULES table: each
 * entry gives a module's core text range and its kallsyms symtab/strtab by
 * kernel-virtual address. Everything read is bounded; the tables are read
 * lazily, the first time an address falls into that module.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "csdextract.h"

#define MOD_MAX_SYMS	(1u << 18)
#define NAME_MAX_LEN	128

struct modent {
	struct cs_module m;
	int loaded;		/* 0 not yet, 1 ok, -1 failed */
	Elf64_Sym *sym;
	uint32_t nsym;
};

struct modsyms {
	struct dump *d;
	struct modent *e;
	unsigned int n;
};

struct modsyms *modsyms_load(struct dump *d, const struct cs_decoded *rec)
{
	struct modsyms *m = calloc(1, sizeof(*m));
	unsigned int i;

	if (!m)
		return NULL;
	m->d = d;
	m->e = calloc(rec->nmodule ? rec->nmodule : 1, sizeof(*m->e));
	if (!m->e) {
		free(m);
		return NULL;
	}
	for (i = 0; i < rec->nmodule && i < CS_MAX_MODULES; i++) {
		const struct cs_module *cm = &rec->module[i];

		if (!cm->text_size || cm->text_base + cm->text_size < cm->text_base)
			continue;
		m->e[m->n++].m = *cm;
	}
	return m;
}

void modsyms_free(struct modsyms *m)
{
	unsigned int i;

	if (!m)
		return;
	for (i = 0; i < m->n; i++)
		free(m->e[i].sym);
	free(m->e);
	free(m);
}

static int load(struct modsyms *m, struct modent *e)
{
	uint32_t n = e->m.num_syms;

	if (e->loaded)
		return e->loaded;
	e->loaded = -1;
	if (!n || n > MOD_MAX_SYMS || !e->m.symtab || !e->m.strtab)
		return -1;
	e->sym = malloc((size_t)n * sizeof(Elf64_Sym));
	if (!e->sym)
		return -1;
	if (dump_read_virt(m->d, e->m.symtab, e->sym, (size_t)n * sizeof(Elf64_Sym))) {
		free(e->sym);
		e->sym = NULL;
		return -1;
	}
	e->nsym = n;
	e->loaded = 1;
	return 1;
}

/* Read a NUL-terminated name at @va, bounded; 0 on success. */
static int read_name(struct modsyms *m, uint64_t va, char *buf, size_t len)
{
	size_t chunk = len - 1, i;

	if (len < 2)
		return -1;
	/* A name may end just before an unreadable page: shrink the read. */
	while (chunk >= 1) {
		if (!dump_read_virt(m->d, va, buf, chunk))
			break;
		chunk /= 2;
	}
	if (!chunk)
		return -1;
	buf[chunk] = 0;
	for (i = 0; buf[i]; i++)
		if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] >= 0x7f)
			return -1;
	return i ? 0 : -1;
}

/* %pS of @addr, or with @ret %pB (look up @addr - 1, offset of @addr). */
int modsyms_lookup(void *opaque, uint64_t addr, int ret, char *buf, size_t len)
{
	struct modsyms *m = opaque;
	uint64_t look = ret ? addr - 1 : addr;
	unsigned int i;
	uint32_t k;

	if (!m || (ret && !addr))
		return -1;
	for (i = 0; i < m->n; i++) {
		struct modent *e = &m->e[i];
		const Elf64_Sym *best = NULL;
		uint64_t next = e->m.text_base + e->m.text_size, size;
		char name[NAME_MAX_LEN];

		if (look < e->m.text_base || look >= e->m.text_base + e->m.text_size)
			continue;
		if (load(m, e) != 1)
			goto noname;
		/*
		 * As the kernel's find_kallsyms_symbol() (so that sizes match
		 * %pS): named defined symbols of any type; size = distance to
		 * the next such symbol, or to the end of the module's text.
		 */
		for (k = 0; k < e->nsym; k++) {
			const Elf64_Sym *s = &e->sym[k];

			if (s->st_shndx == SHN_UNDEF || !s->st_name)
				continue;
			if (s->st_value <= look && (!best || s->st_value > best->st_value))
				best = s;
			if (s->st_value > look && s->st_value < next)
				next = s->st_value;
		}
		if (!best)
			goto noname;
		size = next - best->st_value;
		if (e->m.strtab + best->st_name < e->m.strtab ||
		    read_name(m, e->m.strtab + best->st_name, name, sizeof(name)))
			goto noname;
		snprintf(buf, len, "%s+0x%" PRIx64 "/0x%" PRIx64 " [%s]", name,
			 addr - best->st_value, size, e->m.name);
		return 0;
noname:
		snprintf(buf, len, "0x%" PRIx64 " [%s+0x%" PRIx64 "]", addr,
			 e->m.name, (uint64_t)(addr - e->m.text_base));
		return 0;
	}
	return -1;
}
