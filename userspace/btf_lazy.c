// SPDX-License-Identifier: GPL-2.0
/*
 * BTF read piece by piece (see btf_lazy.h). Why: a first run on a new
 * dump must not cost more than about `makedumpfile --dump-dmesg`, and
 * decompressing the whole blob (1000-1400 pages of a compressed dump)
 * alone costs several times that. The types csdextract asks for sit in
 * the first ~2% of a 6.x kernel's BTF (pahole emits the types of the
 * first compilation units first, task_struct among them), so a walk
 * from id 1 that stops at the answer reads a few dozen KB; 7.x kernels
 * sort their BTF by name, which the kernel's own id index
 * (btf_vmlinux->types[]) lets us bisect.
 *
 * Every byte is hostile: records are read through bounds-checked copies,
 * the walk advances by at least 12 bytes a record inside the type
 * section, the bisection and all chains are bounded, and anything odd is
 * KBL_UNKNOWN (the caller then asks libbpf, which validates the blob).
 */
#include <stdlib.h>
#include <string.h>
#include <linux/btf.h>

#include "btf_lazy.h"

#define KBL_BLK		4096u
#define KBL_MAX_BLOB	(64u << 20)	/* = KBTF_MAX_SIZE */
#define KBL_MAX_NAME	256		/* longest name compared */
#define KBL_DEPTH	32		/* typedef/array chains (libbpf's) */
#define KBL_NEST	8		/* anonymous members, path parts */
#define KBL_MEMO	64
#define KBL_SAME_NAME	64		/* equal names looked through */
#define KBL_SAMPLES	9		/* sortedness check */
#define KBL_ANON_FIRST	64		/* of a sorted BTF: anonymous */
#define KBL_PTR_SIZE	8		/* x86-64 dumps only */
/*
 * Blocks kept at once: a 6.x walk reads up to ~800 KiB of types, once,
 * front to back; a fresh 4 KiB buffer for each block cost a page fault
 * (~10 us here) on top of its decompression. Reused buffers, least
 * recently used out: the walk's current block, the strings it compares
 * and the index entries stay in.
 */
#define KBL_SLOTS	64		/* < 256: slot_of[] is 8 bits */
#define KBL_NO_BLOCK	UINT64_MAX

struct kbl_rec {
	uint32_t name_off, info, size_type;
	uint64_t off;			/* of the record in the blob */
};

struct kbl {
	kbl_read_fn rd;
	void *ctx;
	uint64_t len;
	uint64_t toff, tlen, soff, slen;	/* absolute in the blob */
	uint8_t *slot_of;		/* block k's slot + 1, 0 if not in */
	uint32_t nblk;
	struct {
		unsigned char *data;
		uint64_t k;		/* block held, KBL_NO_BLOCK if none */
		uint64_t used;		/* tick of last use */
	} slot[KBL_SLOTS];
	unsigned int nslot;
	uint64_t tick;
	uint64_t bytes_read;
	/* sequential walk: off[id] for ids below nwalk */
	uint32_t *off;
	uint32_t nwalk, cap;
	uint64_t wpos;			/* next record, relative to toff */
	int wdone;			/* 1 end reached, -1 failed */
	/* the kernel's id index: nr set when it is bisected (sorted BTF);
	 * rnr alone when it only gives records past the walk (kbl_var_type) */
	kbl_id_fn idf;
	void *idctx;
	uint32_t nr, rnr;
	int sorted;
	struct {
		char name[KBL_MAX_NAME];
		int32_t id;		/* >0 id, 0 absent */
	} memo[KBL_MEMO];
	unsigned int nmemo;
};

/* Read block @k into a free or the least recently used slot. */
static int load_block(struct kbl *b, uint64_t k)
{
	uint64_t start = k * KBL_BLK;
	size_t bl = b->len - start < KBL_BLK ? (size_t)(b->len - start) : KBL_BLK;
	unsigned int i, s = 0;

	if (b->nslot < KBL_SLOTS) {
		b->slot[b->nslot].data = malloc(KBL_BLK);
		if (!b->slot[b->nslot].data)
			return -1;
		s = b->nslot++;
	} else {
		for (i = 1; i < KBL_SLOTS; i++)
			if (b->slot[i].used < b->slot[s].used)
				s = i;
		if (b->slot[s].k != KBL_NO_BLOCK)
			b->slot_of[b->slot[s].k] = 0;
	}
	b->slot[s].k = KBL_NO_BLOCK;
	b->slot[s].used = 0;		/* first out if the read fails */
	if (b->rd(b->ctx, start, b->slot[s].data, bl))
		return -1;
	b->bytes_read += bl;
	b->slot[s].k = k;
	b->slot_of[k] = (uint8_t)(s + 1);
	return 0;
}

static int rd(struct kbl *b, uint64_t off, void *buf, size_t n)
{
	unsigned char *out = buf;
	unsigned int s;

	if (off > b->len || n > b->len - off)
		return -1;
	while (n) {
		uint64_t k = off / KBL_BLK, bo = off % KBL_BLK;
		size_t take = KBL_BLK - bo;

		if (!b->slot_of[k] && load_block(b, k))
			return -1;
		s = b->slot_of[k] - 1;
		b->slot[s].used = ++b->tick;
		if (take > n)
			take = n;
		memcpy(out, b->slot[s].data + bo, take);
		out += take;
		off += take;
		n -= take;
	}
	return 0;
}

uint64_t kbl_blob_len(const void *hdr)
{
	struct btf_header h;
	uint64_t t, s;

	memcpy(&h, hdr, sizeof(h));
	if (h.magic != BTF_MAGIC || h.hdr_len < sizeof(h))
		return 0;
	t = (uint64_t)h.hdr_len + h.type_off + h.type_len;
	s = (uint64_t)h.hdr_len + h.str_off + h.str_len;
	return t > s ? t : s;
}

struct kbl *kbl_open(kbl_read_fn rdf, void *ctx, uint64_t blob_len)
{
	struct kbl *b;
	struct btf_header h;
	unsigned char c0, cl;

	if (!rdf || blob_len < sizeof(h) || blob_len > KBL_MAX_BLOB)
		return NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->rd = rdf;
	b->ctx = ctx;
	b->len = blob_len;
	b->nblk = (uint32_t)((blob_len + KBL_BLK - 1) / KBL_BLK);
	b->slot_of = calloc(b->nblk, sizeof(*b->slot_of));
	if (!b->slot_of || rd(b, 0, &h, sizeof(h)))
		goto fail;
	/* what btf.c's header_ok() and libbpf check */
	if (h.magic != BTF_MAGIC || h.version != BTF_VERSION ||
	    h.hdr_len < sizeof(h) || h.hdr_len % 4 || h.hdr_len > blob_len ||
	    h.type_off % 4 ||
	    (uint64_t)h.hdr_len + h.type_off + h.type_len > blob_len ||
	    (uint64_t)h.hdr_len + h.str_off + h.str_len > blob_len ||
	    !h.str_len)
		goto fail;
	b->toff = (uint64_t)h.hdr_len + h.type_off;
	b->tlen = h.type_len;
	b->soff = (uint64_t)h.hdr_len + h.str_off;
	b->slen = h.str_len;
	/* libbpf: the string section starts and ends with NUL */
	if (rd(b, b->soff, &c0, 1) || rd(b, b->soff + b->slen - 1, &cl, 1) ||
	    c0 || cl)
		goto fail;
	b->cap = 1024;
	b->off = malloc(b->cap * sizeof(*b->off));
	if (!b->off)
		goto fail;
	b->off[0] = 0;		/* VOID: no record */
	b->nwalk = 1;
	return b;
fail:
	kbl_close(b);
	return NULL;
}

void kbl_close(struct kbl *b)
{
	uint32_t k;

	if (!b)
		return;
	for (k = 0; k < b->nslot; k++)
		free(b->slot[k].data);
	free(b->slot_of);
	free(b->off);
	free(b);
}

int kbl_indexed(const struct kbl *b)
{
	return b && (b->nr || b->rnr);
}

uint64_t kbl_bytes_read(const struct kbl *b)
{
	return b ? b->bytes_read : 0;
}

static unsigned int kind_of(uint32_t info)
{
	return (info >> 24) & 0x1f;
}

/* Bytes after the 12-byte header; -1 for a kind libbpf 1.1 rejects. */
static int64_t extra(uint32_t info)
{
	uint64_t vlen = info & 0xffff;

	switch (kind_of(info)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return 12;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_DATASEC:
	case BTF_KIND_ENUM64:
		return (int64_t)vlen * 12;
	case BTF_KIND_ENUM:
	case BTF_KIND_FUNC_PROTO:
		return (int64_t)vlen * 8;
	default:
		return -1;
	}
}

/* Index one more record; 0, or -1 at the end / on a bad record. */
static int walk_one(struct kbl *b)
{
	uint32_t hdr[3];
	int64_t x;

	if (b->wdone)
		return -1;
	if (b->wpos >= b->tlen) {
		b->wdone = 1;
		return -1;
	}
	if (b->tlen - b->wpos < 12 || rd(b, b->toff + b->wpos, hdr, 12) ||
	    (x = extra(hdr[1])) < 0 || (uint64_t)x > b->tlen - b->wpos - 12 ||
	    b->wpos > UINT32_MAX) {
		b->wdone = -1;
		return -1;
	}
	if (b->nwalk == b->cap) {
		uint32_t *n = realloc(b->off, 2 * (size_t)b->cap * sizeof(*n));

		if (!n) {
			b->wdone = -1;
			return -1;
		}
		b->off = n;
		b->cap *= 2;
	}
	b->off[b->nwalk++] = (uint32_t)b->wpos;
	b->wpos += 12 + (uint64_t)x;
	return 0;
}

/* Record of type @id (id 0: VOID, kind 0). 0, -1 no such id, KBL_UNKNOWN. */
static int rec(struct kbl *b, uint32_t id, struct kbl_rec *r)
{
	uint64_t o;
	uint32_t hdr[3];
	int64_t x;

	memset(r, 0, sizeof(*r));
	if (!id)
		return 0;
	if (b->nr || (b->rnr && id >= b->nwalk)) {
		if (id >= (b->nr ? b->nr : b->rnr))
			return -1;
		if (b->idf(b->idctx, id, &o) || o < b->toff ||
		    o - b->toff > b->tlen || b->tlen - (o - b->toff) < 12)
			return KBL_UNKNOWN;
	} else if (id < b->nwalk) {
		o = b->toff + b->off[id];
	} else {
		while (id >= b->nwalk)
			if (walk_one(b))
				return b->wdone > 0 ? -1 : KBL_UNKNOWN;
		o = b->toff + b->off[id];
	}
	if (rd(b, o, hdr, 12) || (x = extra(hdr[1])) < 0 ||
	    (uint64_t)x > b->tlen - (o - b->toff) - 12)
		return KBL_UNKNOWN;
	r->name_off = hdr[0];
	r->info = hdr[1];
	r->size_type = hdr[2];
	r->off = o;
	return 0;
}

/*
 * strcmp(name at string offset @so, @s) into *@cmp; as libbpf, an offset
 * outside the section has no name (NULL: *cmp = 2). 0 or KBL_UNKNOWN.
 */
static int name_cmp(struct kbl *b, uint32_t so, const char *s, int *cmp)
{
	size_t i;
	unsigned char c;

	if (so >= b->slen) {
		*cmp = 2;
		return 0;
	}
	for (i = 0; i < KBL_MAX_NAME; i++) {
		if (rd(b, b->soff + so + i, &c, 1))
			return KBL_UNKNOWN;	/* the section ends with NUL */
		if (c != (unsigned char)s[i]) {
			*cmp = c < (unsigned char)s[i] ? -1 : 1;
			return 0;
		}
		if (!c) {
			*cmp = 0;
			return 0;
		}
	}
	return KBL_UNKNOWN;
}

/* 1 if the name at @so is empty or absent (an anonymous member). */
static int anon(struct kbl *b, uint32_t so, int *res)
{
	unsigned char c;

	if (so >= b->slen) {
		*res = 1;
		return 0;
	}
	if (rd(b, b->soff + so, &c, 1))
		return KBL_UNKNOWN;
	*res = !c;
	return 0;
}

/*
 * Member counts of structs that sit deep in a 6.x BTF: struct
 * swait_queue, used only by on-stack waiters, is ~35% into it (a walk
 * of ~200 dump pages on a first run). A walk compares the name of every
 * struct it passes, and those names are half of what it reads; with the
 * count it looks only at the names of structs with that many members
 * and that size (x86-64). A hint that no longer holds costs a second
 * walk, without it: the answer is the same.
 */
struct kbl_shape {
	const char *name;
	uint32_t vlen, size;
};

static const struct kbl_shape kbl_walk_hints[] = {
	{ "swait_queue", 2, 24 },	/* task, task_list (since 4.6) */
};

/* The walk from id 1: first STRUCT named @name, else first UNION; with
 * @shape only those of its member count and size. */
static int find_walk(struct kbl *b, const char *name,
		     const struct kbl_shape *shape, int32_t *out)
{
	uint32_t id;
	int32_t uni = 0;
	struct kbl_rec r;
	int e, cmp;

	for (id = 1;; id++) {
		/* a walk, even where an index gives single records */
		while (!b->nr && id >= b->nwalk)
			if (walk_one(b))
				break;
		if (!b->nr && id >= b->nwalk) {
			if (b->wdone < 0)
				return KBL_UNKNOWN;
			break;
		}
		e = rec(b, id, &r);
		if (e == -1)
			break;
		if (e)
			return e;
		if (kind_of(r.info) != BTF_KIND_STRUCT &&
		    (uni || kind_of(r.info) != BTF_KIND_UNION))
			continue;
		if (shape && ((r.info & 0xffff) != shape->vlen ||
			      r.size_type != shape->size))
			continue;
		if ((e = name_cmp(b, r.name_off, name, &cmp)))
			return e;
		if (cmp)
			continue;
		if (kind_of(r.info) == BTF_KIND_STRUCT) {
			*out = (int32_t)id;
			return 0;
		}
		uni = (int32_t)id;
	}
	*out = uni;
	return 0;
}

/* Bisection over a name-sorted BTF, then through the equal names. */
static int find_sorted(struct kbl *b, const char *name, int32_t *out)
{
	uint32_t lo = 1, hi = b->nr, mid, id;
	int32_t uni = 0;
	struct kbl_rec r;
	int cmp;

	while (lo < hi) {		/* at most 32 rounds */
		mid = lo + (hi - lo) / 2;
		if (rec(b, mid, &r) || name_cmp(b, r.name_off, name, &cmp))
			return KBL_UNKNOWN;
		if (cmp == 2)
			return KBL_UNKNOWN;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (id = lo; id < b->nr && id < lo + KBL_SAME_NAME; id++) {
		if (rec(b, id, &r) || name_cmp(b, r.name_off, name, &cmp))
			return KBL_UNKNOWN;
		if (cmp) {
			*out = uni;
			return 0;
		}
		if (kind_of(r.info) == BTF_KIND_STRUCT) {
			*out = (int32_t)id;
			return 0;
		}
		if (kind_of(r.info) == BTF_KIND_UNION && !uni)
			uni = (int32_t)id;
	}
	if (id == b->nr) {
		*out = uni;
		return 0;
	}
	return KBL_UNKNOWN;
}

static int find_composite(struct kbl *b, const char *name, int32_t *out)
{
	unsigned int k;
	int e;

	if (strlen(name) >= KBL_MAX_NAME)
		return KBL_UNKNOWN;
	if (!strcmp(name, "void")) {		/* libbpf: id 0 */
		*out = 0;
		return 0;
	}
	for (k = 0; k < b->nmemo; k++) {
		if (!strcmp(b->memo[k].name, name)) {
			*out = b->memo[k].id;
			return 0;
		}
	}
	if (b->sorted) {
		e = find_sorted(b, name, out);
	} else {
		e = 1;
		for (k = 0; k < sizeof(kbl_walk_hints) / sizeof(kbl_walk_hints[0]); k++)
			if (!strcmp(name, kbl_walk_hints[k].name))
				e = find_walk(b, name, &kbl_walk_hints[k], out);
		if (e || !*out)		/* no hint, or it did not hold */
			e = find_walk(b, name, NULL, out);
	}
	if (e)
		return e;
	if (b->nmemo < KBL_MEMO) {
		strcpy(b->memo[b->nmemo].name, name);
		b->memo[b->nmemo++].id = *out;
	}
	return 0;
}

/* Skip typedefs and qualifiers, as btf.c's resolve(). */
static int resolve(struct kbl *b, uint32_t *id, struct kbl_rec *r)
{
	int n, e;
	unsigned int k;

	for (n = 0; n < KBL_DEPTH; n++) {
		if ((e = rec(b, *id, r)))
			return e;
		k = kind_of(r->info);
		if (k != BTF_KIND_TYPEDEF && k != BTF_KIND_VOLATILE &&
		    k != BTF_KIND_CONST && k != BTF_KIND_RESTRICT &&
		    k != BTF_KIND_TYPE_TAG)
			return 0;
		*id = r->size_type;
	}
	return -1;
}

/* btf.c's find_in(). 0, -1 not there, KBL_UNKNOWN. */
static int find_in(struct kbl *b, uint32_t id, const char *name, size_t nl,
		   uint64_t *off, uint32_t *mid, int depth)
{
	struct kbl_rec t;
	uint32_t m[3], i, n, bits, bsz;
	char want[KBL_MAX_NAME];
	int e, cmp, an;

	if (depth > KBL_NEST || nl >= sizeof(want))
		return nl >= sizeof(want) ? KBL_UNKNOWN : -1;
	if ((e = resolve(b, &id, &t)))
		return e;
	if (kind_of(t.info) != BTF_KIND_STRUCT && kind_of(t.info) != BTF_KIND_UNION)
		return -1;
	memcpy(want, name, nl);
	want[nl] = 0;
	n = t.info & 0xffff;
	for (i = 0; i < n; i++) {
		if (rd(b, t.off + 12 + 12ull * i, m, 12))
			return KBL_UNKNOWN;
		bits = (t.info >> 31) ? m[2] & 0xffffff : m[2];
		bsz = (t.info >> 31) ? m[2] >> 24 : 0;
		if (bsz || bits % 8)
			continue;
		if ((e = anon(b, m[0], &an)))
			return e;
		if (!an) {
			if ((e = name_cmp(b, m[0], want, &cmp)))
				return e;
			if (!cmp) {
				*off += bits / 8;
				*mid = m[1];
				return 0;
			}
		} else {
			uint64_t o = *off + bits / 8;

			e = find_in(b, m[1], name, nl, &o, mid, depth + 1);
			if (!e) {
				*off = o;
				return 0;
			}
			if (e != -1)
				return e;
		}
	}
	return -1;
}

/* btf__resolve_size() of libbpf 1.1. */
static int resolve_size(struct kbl *b, uint32_t id, uint64_t *out)
{
	struct kbl_rec t;
	uint64_t nelems = 1;
	int64_t size = -1;
	int i, e;

	if ((e = rec(b, id, &t)))
		return e;
	for (i = 0; i < KBL_DEPTH && id && kind_of(t.info); i++) {
		switch (kind_of(t.info)) {
		case BTF_KIND_INT:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_DATASEC:
		case BTF_KIND_FLOAT:
			size = t.size_type;
			goto done;
		case BTF_KIND_PTR:
			size = KBL_PTR_SIZE;
			goto done;
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_VAR:
		case BTF_KIND_DECL_TAG:
		case BTF_KIND_TYPE_TAG:
			id = t.size_type;
			break;
		case BTF_KIND_ARRAY: {
			uint32_t a[3];	/* type, index_type, nelems */

			if (rd(b, t.off + 12, a, 12))
				return KBL_UNKNOWN;
			if (nelems && a[2] > UINT32_MAX / nelems)
				return -1;
			nelems *= a[2];
			id = a[0];
			break;
		}
		default:
			return -1;
		}
		if ((e = rec(b, id, &t)))
			return e;
	}
done:
	if (size < 0)
		return -1;
	if (nelems && (uint64_t)size > UINT32_MAX / nelems)
		return -1;
	*out = nelems * (uint64_t)size;
	return 0;
}

int kbl_member(struct kbl *b, const char *type, const char *path,
	       uint64_t *off, uint64_t *size)
{
	int32_t sid;
	uint32_t id;
	uint64_t o = 0, sz;
	const char *p = path;
	int depth = 0, e;

	if (!b || !type || !path || !*path)
		return -1;
	if ((e = find_composite(b, type, &sid)))
		return e;
	if (sid <= 0)
		return -1;
	id = (uint32_t)sid;
	while (*p) {
		size_t nl = strcspn(p, ".");

		if (!nl || ++depth > KBL_NEST)
			return -1;
		if ((e = find_in(b, id, p, nl, &o, &id, 0)))
			return e;
		p += nl;
		if (*p == '.')
			p++;
	}
	if ((e = resolve_size(b, id, &sz)))
		return e;
	if (off)
		*off = o;
	if (size)
		*size = sz;
	return 0;
}

int kbl_size(struct kbl *b, const char *type, uint64_t *size)
{
	int32_t sid;
	int e;

	if (!b || !type)
		return -1;
	if ((e = find_composite(b, type, &sid)))
		return e;
	if (sid <= 0)
		return -1;
	return resolve_size(b, (uint32_t)sid, size);
}

/* Names of @n evenly spread ids never decrease (anonymous ones first). */
static int looks_sorted(struct kbl *b)
{
	char prev[KBL_MAX_NAME] = "", cur[KBL_MAX_NAME];
	struct kbl_rec r;
	uint32_t s, id;
	size_t i;
	int cmp;

	for (s = 0; s < KBL_SAMPLES; s++) {
		id = 1 + (uint32_t)((uint64_t)(b->nr - 2) * s / (KBL_SAMPLES - 1));
		if (rec(b, id, &r) || r.name_off >= b->slen)
			return 0;
		for (i = 0; i < sizeof(cur); i++) {
			if (rd(b, b->soff + r.name_off + i, &cur[i], 1))
				return 0;
			if (!cur[i])
				break;
		}
		if (i == sizeof(cur))
			return 0;
		if (name_cmp(b, r.name_off, prev, &cmp) || cmp < 0)
			return 0;
		memcpy(prev, cur, i + 1);
	}
	return 1;
}

int kbl_may_be_sorted(struct kbl *b)
{
	struct kbl_rec r;
	uint32_t id;
	int an;

	/* sorted BTF starts with its anonymous types: if one of the first
	 * ones has a name (6.x), it is not */
	if (!b || b->nr)
		return 0;
	for (id = 1; id <= KBL_ANON_FIRST; id++)
		if (rec(b, id, &r) || anon(b, r.name_off, &an) || !an)
			return 0;
	return 1;
}

/* Take @fn as the index of @nr_types ids if it starts at the section and
 * its last record ends it: 1, else 0 (and no index). */
static int index_fits(struct kbl *b, kbl_id_fn fn, void *ctx, uint32_t nr_types)
{
	struct kbl_rec r;
	uint64_t o;
	int64_t x;

	if (!fn || nr_types < 3 || nr_types > b->tlen / 12 + 1)
		return 0;
	if (!fn(ctx, 1, &o) && o == b->toff) {
		b->idf = fn;
		b->idctx = ctx;
		b->rnr = nr_types;
		if (!rec(b, nr_types - 1, &r) && (x = extra(r.info)) >= 0 &&
		    r.off + 12 + (uint64_t)x == b->toff + b->tlen)
			return 1;
	}
	b->idf = NULL;
	b->rnr = 0;
	return 0;
}

int kbl_set_index(struct kbl *b, kbl_id_fn fn, void *ctx, uint32_t nr_types)
{
	if (!b || b->nr || b->rnr || !kbl_may_be_sorted(b) ||
	    !index_fits(b, fn, ctx, nr_types))
		return 0;
	b->nr = nr_types;
	b->rnr = 0;
	b->sorted = looks_sorted(b);
	if (!b->sorted) {		/* walking is as cheap and needs no index */
		b->idf = NULL;
		b->nr = 0;
	}
	return b->sorted;
}

#define KBL_TAIL	64	/* last ids looked at for a DATASEC */

int kbl_var_type(struct kbl *b, kbl_id_fn fn, void *ctx, uint32_t nr_types,
		 const char *sec, const char *var, uint64_t var_off,
		 const char *type)
{
	struct kbl_rec r, v;
	uint32_t id, e3[3], lo, hi, mid, tid;
	int cmp, found = 0;

	if (!b || !sec || !var || !type || strlen(type) >= KBL_MAX_NAME ||
	    b->nmemo >= KBL_MEMO)
		return KBL_UNKNOWN;
	if (b->nr)
		return KBL_UNKNOWN;	/* sorted: the bisection finds it */
	if (!b->rnr && !index_fits(b, fn, ctx, nr_types))
		return KBL_UNKNOWN;
	/* pahole emits the DATASECs last */
	for (id = b->rnr - 1; id > 0 && id + KBL_TAIL >= b->rnr; id--) {
		if (rec(b, id, &r))
			return KBL_UNKNOWN;
		if (kind_of(r.info) != BTF_KIND_DATASEC)
			continue;
		if (name_cmp(b, r.name_off, sec, &cmp))
			return KBL_UNKNOWN;
		if (!cmp) {
			found = 1;
			break;
		}
	}
	if (!found)
		return KBL_UNKNOWN;
	/* its btf_var_secinfo { type, offset, size } are sorted by offset
	 * (the kernel's BTF check refuses them otherwise) */
	lo = 0;
	hi = r.info & 0xffff;
	while (lo < hi) {		/* at most 16 rounds */
		mid = lo + (hi - lo) / 2;
		if (rd(b, r.off + 12 + 12ull * mid, e3, 12))
			return KBL_UNKNOWN;
		if (e3[1] < var_off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == (r.info & 0xffff) || rd(b, r.off + 12 + 12ull * lo, e3, 12) ||
	    e3[1] != var_off)
		return KBL_UNKNOWN;
	/* the VAR named @var, of a STRUCT named @type */
	if (rec(b, e3[0], &v) || kind_of(v.info) != BTF_KIND_VAR ||
	    name_cmp(b, v.name_off, var, &cmp) || cmp)
		return KBL_UNKNOWN;
	tid = v.size_type;
	if (resolve(b, &tid, &v) || kind_of(v.info) != BTF_KIND_STRUCT ||
	    name_cmp(b, v.name_off, type, &cmp) || cmp)
		return KBL_UNKNOWN;
	strcpy(b->memo[b->nmemo].name, type);
	b->memo[b->nmemo++].id = (int32_t)tid;
	return 0;
}
