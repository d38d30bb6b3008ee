/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A BTF blob read piece by piece: the few struct layouts csdextract asks
 * for without reading (decompressing) the whole 4-6 MB blob from the dump.
 * Answers are those of libbpf's btf__find_by_name_kind() (STRUCT, else
 * UNION, lowest id), find_in() of btf.c and btf__resolve_size(); when it
 * cannot tell (unreadable piece, odd record, bounds) it says so and the
 * caller loads the whole blob with libbpf instead.
 */
#ifndef CSDEXTRACT_BTF_LAZY_H
#define CSDEXTRACT_BTF_LAZY_H

#include <stddef.h>
#include <stdint.h>

/* Read @len bytes at offset @off of the blob; 0 or -1. */
typedef int (*kbl_read_fn)(void *ctx, uint64_t off, void *buf, size_t len);
/* Blob offset of type @id's record (an index the kernel keeps, e.g.
 * btf_vmlinux->types[]); 0 or -1. Optional. */
typedef int (*kbl_id_fn)(void *ctx, uint32_t id, uint64_t *off);

struct kbl;

#define KBL_UNKNOWN	(-2)	/* cannot tell: ask libbpf */

/* NULL if the header is not BTF we can read this way. */
struct kbl *kbl_open(kbl_read_fn rd, void *ctx, uint64_t blob_len);
/* Bytes the blob whose first 24 bytes are @hdr spans by its header, or 0. */
uint64_t kbl_blob_len(const void *hdr);
/*
 * Use an id index of @nr_types entries (VOID included) for random access;
 * with it, a name-sorted BTF (7.x kernels: anonymous types first, then by
 * name) is searched by bisection instead of a walk from the start.
 * Checked against the blob (first record, last record ends the section).
 */
/* 0 if the BTF cannot be name-sorted (a named type among the first). */
int kbl_may_be_sorted(struct kbl *b);
int kbl_set_index(struct kbl *b, kbl_id_fn fn, void *ctx, uint32_t nr_types);
/* (1 if the index is used, 0 if not: not sorted, or it does not fit) */
void kbl_close(struct kbl *b);
/*
 * For a BTF that is not name-sorted, where a walk from id 1 to @type would
 * read far into the blob (6.x: struct rq sits ~900 KiB in): name @type's
 * id through per-CPU or global variable @var at @var_off of DATASEC @sec,
 * read through the index @fn (only single records; the walk stays the
 * walk). 0 (later lookups of @type use it), KBL_UNKNOWN (walk as before).
 * Every step is checked: the DATASEC's name, the VAR's name at that
 * offset, the STRUCT's name.
 */
int kbl_var_type(struct kbl *b, kbl_id_fn fn, void *ctx, uint32_t nr_types,
		 const char *sec, const char *var, uint64_t var_off,
		 const char *type);

/* 0 (found: offset and size set), -1 (no such type or member), KBL_UNKNOWN. */
int kbl_member(struct kbl *b, const char *type, const char *path,
	       uint64_t *off, uint64_t *size);
/* 0 (found), -1 (no such composite), KBL_UNKNOWN. */
int kbl_size(struct kbl *b, const char *type, uint64_t *size);
/* 1 if an id index is in use (the BTF is bisected). */
int kbl_indexed(const struct kbl *b);
/* Bytes of the blob read so far (tests, bench). */
uint64_t kbl_bytes_read(const struct kbl *b);

#endif
