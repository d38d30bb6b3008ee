// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel BTF from the dump (see btf.h). libbpf's btf__new() checks the
 * header, the string section and that every type record fits in the type
 * section; libbpf 1.1 does not check type references, but its lookups
 * bound ids and string offsets, and the walks here are depth-bounded.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <linux/btf.h>
#include <bpf/libbpf.h>

#include "bpf_dl.h"
#include "btf_priv.h"
#include "dump.h"

/* libbpf, loaded when a whole blob is first parsed (every btf__ call
 * below is on a struct btf it made, so bpf is set there) */
static const struct bpf_dl *bpf;

/*
 * What libbpf 1.1 does not check before it casts: the type section must be
 * 4-byte aligned in the blob (its records are read as struct btf_type),
 * so hdr_len and type_off must be multiples of 4; and both sections lie
 * inside the blob. Little-endian only (x86-64 dumps).
 */
static int header_ok(const void *data, size_t len)
{
	struct btf_header h;

	if (len < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	return h.magic == BTF_MAGIC && h.version == BTF_VERSION &&
	       h.hdr_len >= sizeof(h) && h.hdr_len % 4 == 0 && h.hdr_len <= len &&
	       h.type_off % 4 == 0 &&
	       (uint64_t)h.hdr_len + h.type_off + h.type_len <= len &&
	       (uint64_t)h.hdr_len + h.str_off + h.str_len <= len;
}

struct kbtf *kbtf_from_mem(const void *data, size_t len)
{
	struct kbtf *b;

	if (!data || len < 24 || len > KBTF_MAX_SIZE || !header_ok(data, len))
		return NULL;
	bpf = bpf_dl();
	if (!bpf)
		return NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->btf = bpf->btf__new(data, (__u32)len);
	if (!b->btf) {		/* libbpf 1.x: NULL and errno */
		free(b);
		return NULL;
	}
	return b;
}

struct btf *kbtf_read_blob(struct dump *d, char *note, size_t len)
{
	uint64_t start = dump_symbol_addr(d, "__start_BTF");
	uint64_t stop = dump_symbol_addr(d, "__stop_BTF");
	struct btf *btf;
	void *buf;

	if (!start || !stop || stop <= start) {
		snprintf(note, len, "no __start_BTF/__stop_BTF in kallsyms");
		return NULL;
	}
	if (stop - start > KBTF_MAX_SIZE || stop - start < 24) {
		snprintf(note, len, "BTF size %llu out of range",
			 (unsigned long long)(stop - start));
		return NULL;
	}
	buf = malloc(stop - start);
	if (!buf) {
		snprintf(note, len, "out of memory");
		return NULL;
	}
	if (dump_read_virt(d, start, buf, stop - start)) {
		free(buf);
		snprintf(note, len, "BTF at 0x%llx unreadable",
			 (unsigned long long)start);
		return NULL;
	}
	bpf = bpf_dl();
	if (!bpf) {
		free(buf);
		snprintf(note, len, "libbpf.so.1 cannot be loaded");
		return NULL;
	}
	btf = header_ok(buf, stop - start) ? bpf->btf__new(buf, (__u32)(stop - start)) : NULL;
	free(buf);
	if (!btf)
		snprintf(note, len, "BTF at 0x%llx invalid", (unsigned long long)start);
	return btf;
}

struct kbtf *kbtf_load(struct dump *d, char *note, size_t len)
{
	struct kbtf *b;
	struct btf *btf = kbtf_read_blob(d, note, len);

	if (!btf)
		return NULL;
	b = calloc(1, sizeof(*b));
	if (!b) {
		bpf->btf__free(btf);
		return NULL;
	}
	b->btf = btf;
	return b;
}

void kbtf_free(struct kbtf *b)
{
	if (!b)
		return;
	kschema_free(b);
	if (b->btf)		/* set: bpf_dl() loaded libbpf */
		bpf->btf__free(b->btf);
	free(b);
}

unsigned int kbtf_nr_types(const struct kbtf *b)
{
	return b && b->btf ? bpf->btf__type_cnt(b->btf) : 0;
}

/* Skip typedefs and qualifiers (bounded: a loop in the blob ends here). */
static const struct btf_type *resolve(const struct btf *btf, __u32 *id)
{
	const struct btf_type *t = NULL;
	int n;

	for (n = 0; n < 32; n++) {
		t = bpf->btf__type_by_id(btf, *id);
		if (!t)
			return NULL;
		if (!btf_is_typedef(t) && !btf_is_mod(t))
			return t;
		*id = t->type;
	}
	return NULL;
}

static __s32 find_composite(const struct btf *btf, const char *name)
{
	__s32 id = bpf->btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);

	if (id <= 0)
		id = bpf->btf__find_by_name_kind(btf, name, BTF_KIND_UNION);
	return id;
}

/* Member @name (len @nl) of composite type @id, looking through anonymous
 * members; depth-bounded. Adds the byte offset to *off, sets *mid. */
static int find_in(const struct btf *btf, __u32 id, const char *name, size_t nl,
		   uint64_t *off, __u32 *mid, int depth)
{
	const struct btf_type *t;
	const struct btf_member *m;
	unsigned int i, n;

	if (depth > 8)
		return -1;
	t = resolve(btf, &id);
	if (!t || !btf_is_composite(t))
		return -1;
	m = btf_members(t);
	n = btf_vlen(t);
	for (i = 0; i < n; i++, m++) {
		const char *mn = bpf->btf__name_by_offset(btf, m->name_off);
		__u32 bits = btf_member_bit_offset(t, i);

		if (btf_member_bitfield_size(t, i) || bits % 8)
			continue;
		if (mn && *mn) {
			if (strlen(mn) == nl && !memcmp(mn, name, nl)) {
				*off += bits / 8;
				*mid = m->type;
				return 0;
			}
		} else {
			uint64_t o = *off + bits / 8;

			if (!find_in(btf, m->type, name, nl, &o, mid, depth + 1)) {
				*off = o;
				return 0;
			}
		}
	}
	return -1;
}

int kbtf_member(const struct kbtf *b, const char *type, const char *path,
		uint64_t *off, uint64_t *size)
{
	if (b && b->lazy)
		return kschema_member((struct kbtf *)b, type, path, off, size);
	return kbtf_member_raw(b, type, path, off, size);
}

int kbtf_member_raw(const struct kbtf *b, const char *type, const char *path,
		    uint64_t *off, uint64_t *size)
{
	__s32 sid;
	__u32 id;
	uint64_t o = 0;
	const char *p = path;
	int depth = 0;
	__s64 sz;

	if (!b || !b->btf || !type || !path || !*path)
		return -1;
	sid = find_composite(b->btf, type);
	if (sid <= 0)
		return -1;
	id = (__u32)sid;
	while (*p) {
		size_t nl = strcspn(p, ".");

		if (!nl || ++depth > 8 || find_in(b->btf, id, p, nl, &o, &id, 0))
			return -1;
		p += nl;
		if (*p == '.')
			p++;
	}
	sz = bpf->btf__resolve_size(b->btf, id);
	if (sz < 0)
		return -1;
	if (off)
		*off = o;
	if (size)
		*size = (uint64_t)sz;
	return 0;
}

uint64_t kbtf_size(const struct kbtf *b, const char *type)
{
	if (b && b->lazy)
		return kschema_size((struct kbtf *)b, type);
	return kbtf_size_raw(b, type);
}

uint64_t kbtf_size_raw(const struct kbtf *b, const char *type)
{
	__s32 id;
	__s64 sz;

	if (!b || !b->btf)
		return 0;
	id = find_composite(b->btf, type);
	if (id <= 0)
		return 0;
	sz = bpf->btf__resolve_size(b->btf, (__u32)id);
	return sz > 0 ? (uint64_t)sz : 0;
}
