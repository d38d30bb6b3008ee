// SPDX-License-Identifier: GPL-2.0
/*
 * vmlinux symbols without debuginfo, from the kallsyms tables that 6.x
 * kernels name in VMCOREINFO (SYMBOL(kallsyms_names) and friends).
 *
 * Addresses: one of the kernel's encodings of kallsyms_offsets
 * (base-relative, absolute-percpu, place-relative) or plain
 * kallsyms_addresses; the one that yields SYMBOL(_stext) for some
 * symbol named _stext wins. The kernel keeps the table sorted by address
 * (its own lookup is a binary search), so we search it the same way,
 * reading the table in blocks as the search touches them (a damaged,
 * unsorted table gives wrong names, never an out-of-range access).
 * Names: per symbol a length byte (or two, 7-bit groups low first, when
 * the high bit is set), then that many token indices; token i is the
 * NUL-terminated string at kallsyms_token_table + kallsyms_token_index[i];
 * the first expanded character is the symbol type. Name i can only be
 * found by skipping names 0..i-1, so the raw names are read on demand, as
 * far as needed, and only the requested names are expanded.
 */
#define _GNU_SOURCE
#include "dump_priv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KS_MAX_SYMS		(4u << 20)
#define KS_MAX_NAME		1024		/* expanded, incl. type */
#define KS_MAX_NAMES_BYTES	(64u << 20)
#define KS_CHUNK_MIN		(4u << 10)
#define KS_CHUNK_MAX		(1u << 20)
#define KS_PAGE			4096u

enum ks_enc { KS_ABS, KS_BASE_REL, KS_ABS_PERCPU, KS_PLACE_REL, KS_NR_ENC };

#define KS_BLOCK		1024u		/* entries per offsets block */
#define KS_PCPU_MAX		8192u		/* per-CPU symbols scanned by name */

/* Address of symbol @i under the encoding being tried; 0 or -1. */
static int sym_addr(struct dump *d, uint32_t i, uint64_t *out)
{
	struct dump_kallsyms *ks = &d->ks;
	uint32_t blk = i / KS_BLOCK, first, n;
	const unsigned char *p;
	int32_t o;

	if (i >= ks->nr)
		return -1;
	if (ks->offs_have[blk] != 1) {
		if (ks->offs_have[blk] == 2)
			return -1;
		first = blk * KS_BLOCK;
		n = ks->nr - first < KS_BLOCK ? ks->nr - first : KS_BLOCK;
		if (dump_read_virt(d, ks->offs_va + (uint64_t)first * ks->esz,
				   ks->offs + (size_t)first * ks->esz,
				   (size_t)n * ks->esz)) {
			ks->offs_have[blk] = 2;
			return -1;
		}
		ks->offs_have[blk] = 1;
	}
	p = ks->offs + (size_t)i * ks->esz;
	if (ks->enc == KS_ABS) {
		memcpy(out, p, 8);
		return 0;
	}
	memcpy(&o, p, 4);
	switch (ks->enc) {
	case KS_BASE_REL:
		*out = ks->relbase + (uint32_t)o;
		return 0;
	case KS_ABS_PERCPU:
		*out = o >= 0 ? (uint64_t)o : ks->relbase - 1 - (uint64_t)(int64_t)o;
		return 0;
	case KS_PLACE_REL:
		*out = ks->offs_va + (uint64_t)i * 4 + (uint64_t)(int64_t)o;
		return 0;
	default:
		return -1;
	}
}

/* First index whose address is >= @a (binary search), or nr. */
static uint32_t lower_bound(struct dump *d, uint64_t a)
{
	uint32_t lo = 0, hi = d->ks.nr, mid;
	uint64_t v;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sym_addr(d, mid, &v))
			return d->ks.nr;
		if (v < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * lower_bound() for an address among the first symbols (_stext follows
 * the per-CPU ones): a galloping search from index 0 reads the first
 * pages of kallsyms_offsets only, where a bisection reads ~17 pages
 * across it. The same index as lower_bound() on a sorted table.
 */
static uint32_t lower_bound_near_start(struct dump *d, uint64_t a)
{
	uint32_t lo = 0, hi = 1, nr = d->ks.nr, mid;
	uint64_t v;

	for (;;) {		/* at most 32 doublings: hi is a uint32_t < nr */
		if (hi >= nr) {
			hi = nr;
			break;
		}
		if (sym_addr(d, hi - 1, &v))
			return nr;
		if (v >= a)
			break;
		lo = hi;
		hi = hi > nr / 2 ? nr : 2 * hi;
	}
	/* [0, lo) < a; the answer is in [lo, hi] */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sym_addr(d, mid, &v))
			return nr;
		if (v < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Read more raw name bytes: 0, or -1 when nothing more can be read. */
static int names_more(struct dump *d)
{
	struct dump_kallsyms *ks = &d->ks;
	size_t want = ks->names_len, got = 0;

	if (ks->names_len >= KS_MAX_NAMES_BYTES)
		return -1;
	/* grow geometrically: most lookups need only the first names */
	want = want < KS_CHUNK_MIN ? KS_CHUNK_MIN :
	       want > KS_CHUNK_MAX ? KS_CHUNK_MAX : want;
	if (ks->names_len + want > ks->names_cap) {
		size_t cap = ks->names_cap ? ks->names_cap * 2 : 4 * KS_CHUNK_MIN;
		unsigned char *n;

		while (cap < ks->names_len + want)
			cap *= 2;
		n = realloc(ks->names, cap);
		if (!n)
			return -1;
		ks->names = n;
		ks->names_cap = cap;
	}
	if (!dump_read_virt(d, ks->names_va + ks->names_len,
			    ks->names + ks->names_len, want)) {
		got = want;
	} else {
		/* page by page up to the first unreadable one */
		while (got < want) {
			uint64_t va = ks->names_va + ks->names_len + got;
			size_t n = KS_PAGE - (size_t)(va % KS_PAGE);

			if (n > want - got)
				n = want - got;
			if (dump_read_virt(d, va, ks->names + ks->names_len + got, n))
				break;
			got += n;
		}
	}
	if (!got)
		return -1;
	ks->names_len += got;
	return 0;
}

/* Bytes name at @pos takes (length prefix included), or 0 if not all
 * of it has been read yet. */
static size_t name_bytes(const struct dump_kallsyms *ks, size_t pos)
{
	size_t n;

	if (pos >= ks->names_len)
		return 0;
	n = ks->names[pos];
	if (n & 0x80) {
		if (pos + 1 >= ks->names_len)
			return 0;
		n = 2 + ((n & 0x7f) | ((size_t)ks->names[pos + 1] << 7));
	} else {
		n += 1;
	}
	return n <= ks->names_len - pos ? n : 0;
}

/* Make name_off[i] valid. 0, or -1 (names table unreadable/damaged). */
static int names_upto(struct dump *d, uint32_t i)
{
	struct dump_kallsyms *ks = &d->ks;

	if (i >= ks->nr)
		return -1;
	while (ks->nr_named <= i) {
		uint32_t k = ks->nr_named;
		size_t pos = 0;

		if (k)		/* name k-1 is complete: skip it */
			pos = ks->name_off[k - 1] +
			      name_bytes(ks, ks->name_off[k - 1]);
		while (!name_bytes(ks, pos)) {
			if (ks->names_done || names_more(d)) {
				ks->names_done = 1;
				return -1;
			}
		}
		if (pos > UINT32_MAX)
			return -1;
		ks->name_off[k] = (uint32_t)pos;
		ks->nr_named = k + 1;
	}
	return 0;
}

/* Bytes of the name at @p (length prefix included), at most @avail,
 * or 0 if it does not fit. */
static size_t name_len_at(const unsigned char *p, size_t avail)
{
	size_t n;

	if (!avail)
		return 0;
	n = p[0];
	if (n & 0x80) {
		if (avail < 2)
			return 0;
		n = 2 + ((n & 0x7f) | ((size_t)p[1] << 7));
	} else {
		n += 1;
	}
	return n <= avail ? n : 0;
}

/* Expand the name at @p (@avail bytes readable) into @buf. */
static int expand(struct dump_kallsyms *ks, const unsigned char *p,
		  size_t avail, char *buf, size_t len)
{
	size_t o = 0, nb = name_len_at(p, avail);
	unsigned n, k;

	if (!nb || len < 2)
		return -1;
	if (p[0] & 0x80) {
		n = (unsigned)nb - 2;
		p += 2;
	} else {
		n = (unsigned)nb - 1;
		p += 1;
	}
	for (k = 0; k < n; k++) {
		size_t off = ks->tidx[p[k]], tl;

		if (off >= ks->ttab_len)
			return -1;
		tl = strlen(ks->ttab + off);
		if (o + tl >= len)
			return -1;
		memcpy(buf + o, ks->ttab + off, tl);
		o += tl;
	}
	buf[o] = '\0';
	return o ? 0 : -1;
}

#define KS_MAX_BLOCK		(64u << 10)	/* bytes of 256 names */

/*
 * The raw bytes of names 256*m .. 256*m+255, via the markers, read from
 * the block's start page by page only as far as name @k (< 256) needs:
 * a lookup by name expands one name per block it probes, and reading
 * the rest of a 1-2 page block would cost a page decompression for
 * nothing half the time. A block that ends inside name @k is returned
 * as it is (the caller finds the name incomplete); NULL if unreadable.
 */
static const unsigned char *marker_block(struct dump *d, uint32_t m,
					 uint32_t k, size_t *len)
{
	struct dump_kallsyms *ks = &d->ks;
	unsigned int slot = m % 8;
	uint64_t start = ks->markers[m], end, va;
	size_t full, have, pos, nb, n;
	unsigned char *b;
	uint32_t i;

	end = m + 1 < ks->nr_markers ? ks->markers[m + 1] : ks->names_size;
	if (end > ks->names_size)
		end = ks->names_size;
	if (end <= start || end - start > KS_MAX_BLOCK)
		return NULL;
	full = (size_t)(end - start);
	if (ks->mcache[slot].blk != m + 1) {
		b = realloc(ks->mcache[slot].buf, full);
		if (!b)
			return NULL;
		ks->mcache[slot].buf = b;
		ks->mcache[slot].blk = m + 1;
		ks->mcache[slot].len = 0;
	}
	b = ks->mcache[slot].buf;
	for (;;) {	/* a page (or the rest of one) a round: <= 17 rounds */
		have = ks->mcache[slot].len;
		for (pos = 0, i = 0; i <= k; i++, pos += nb) {
			nb = name_len_at(b + pos, have - pos);
			if (!nb)
				break;
		}
		if (i > k || have == full) {
			*len = have;
			return b;
		}
		va = ks->names_va + start + have;
		n = KS_PAGE - (size_t)(va % KS_PAGE);
		if (n > full - have)
			n = full - have;
		if (dump_read_virt(d, va, b + have, n)) {
			ks->mcache[slot].blk = 0;
			return NULL;
		}
		ks->mcache[slot].len = (uint32_t)(have + n);
	}
}

/*
 * The raw bytes of name @i (length prefix first; *@avail readable from
 * there, the whole name among them): through its marker block, unless
 * the names read in order from the first already hold it or there are
 * no markers. NULL if unreadable or incomplete.
 */
static const unsigned char *raw_name(struct dump *d, uint32_t i, size_t *avail)
{
	struct dump_kallsyms *ks = &d->ks;
	const unsigned char *p;
	size_t nb;
	uint32_t k;

	if (i >= ks->nr)
		return NULL;
	if (ks->markers && i / 256 < ks->nr_markers && i >= ks->nr_named) {
		p = marker_block(d, i / 256, i % 256, avail);
		for (k = 0; p && k < i % 256; k++) {
			nb = name_len_at(p, *avail);
			if (!nb)
				return NULL;
			p += nb;
			*avail -= nb;
		}
		if (p)
			return name_len_at(p, *avail) ? p : NULL;
		/* unreadable block: try the sequential way */
	}
	if (names_upto(d, i))
		return NULL;
	*avail = ks->names_len - ks->name_off[i];
	return ks->names + ks->name_off[i];
}

/* Expand name @i (with the type character first) into @buf. */
static int name_of(struct dump *d, uint32_t i, char *buf, size_t len)
{
	const unsigned char *p;
	size_t avail;

	p = raw_name(d, i, &avail);
	return p ? expand(&d->ks, p, avail, buf, len) : -1;
}

/*
 * kallsyms_markers is not in VMCOREINFO, but scripts/kallsyms emits it
 * after the names and before the (8-aligned) token table: directly (6.12)
 * or with kallsyms_seqs_of_names (3 bytes per symbol) in between (Debian
 * 6.1). Accept it only if it starts at 0, grows strictly, stays inside
 * the names and its second entry matches the names themselves.
 */
static void find_markers(struct dump *d, uint64_t ttab_va)
{
	struct dump_kallsyms *ks = &d->ks;
	uint32_t nm = (ks->nr + 255) / 256, k;
	unsigned int v;

	if (ttab_va <= ks->names_va || ks->nr <= 256 ||
	    ttab_va - ks->names_va > KS_MAX_NAMES_BYTES)
		return;
	ks->names_size = ttab_va - ks->names_va;
	if (names_upto(d, 256))
		return;
	for (v = 0; v < 4; v++) {
		/* u32 or u64 entries, with or without seqs_of_names after */
		unsigned int esz = (v & 1) ? 8 : 4;
		uint64_t bytes = (((uint64_t)nm * esz + 7) & ~7ULL) +
				 ((v & 2) ? (((uint64_t)ks->nr * 3 + 7) & ~7ULL) : 0);
		unsigned char *raw = malloc((size_t)nm * esz);
		uint32_t *m = calloc(nm, sizeof(*m));
		int ok = raw && m && bytes < ks->names_size &&
			 !dump_read_virt(d, ttab_va - bytes, raw, (size_t)nm * esz);

		for (k = 0; ok && k < nm; k++) {
			uint64_t x = 0;

			memcpy(&x, raw + (size_t)k * esz, esz);
			ok = x < ks->names_size - bytes && (k ? x > m[k - 1] : x == 0);
			m[k] = (uint32_t)x;
		}
		free(raw);
		if (ok && nm > 1 && m[1] == ks->name_off[256]) {
			ks->markers = m;
			ks->nr_markers = nm;
			ks->names_size -= bytes;	/* names end here */
			return;
		}
		free(m);
	}
}

/*
 * kallsyms_seqs_of_names (6.2+, and Debian's 6.1): the symbol indices
 * sorted by name (strcmp without the type character; equal names by
 * address), 3 bytes each, big-endian. The kernel's own name lookup is a
 * binary search over it; ours too, so that a lookup by name expands
 * about 20 names instead of skipping through all of them. It is not in
 * VMCOREINFO: scripts/kallsyms emits it (8-aligned) after
 * kallsyms_relative_base (6.12), after kallsyms_offsets when there is no
 * relative base (8- or, as on 7.3, 4-aligned: it follows the offsets
 * directly), or between the markers and the token table
 * (Debian 6.1). A candidate is used only if sampled entries are in range
 * and name-sorted; every answer is checked by expanding its name.
 */
#define KS_ALIGN8(x)	(((x) + 7) & ~7ULL)

static void seqs_candidates(struct dump_kallsyms *ks, uint64_t ttab_va,
			    uint64_t relbase_va)
{
	uint64_t span = KS_ALIGN8((uint64_t)ks->nr * 3);

	ks->seqs_cand[0] = relbase_va ? KS_ALIGN8(relbase_va + 8) : 0;
	ks->seqs_cand[1] = KS_ALIGN8(ks->offs_va + (uint64_t)ks->nr * ks->esz);
	ks->seqs_cand[2] = ks->offs_va + (uint64_t)ks->nr * ks->esz;
	ks->seqs_cand[3] = ttab_va > span ? ttab_va - span : 0;
}

/* Symbol index at position @k of the name-sorted list; 0 or -1. */
static int seq_at(struct dump *d, uint64_t base, uint32_t k, uint32_t *out)
{
	unsigned char b[3];
	uint32_t v;

	if (k >= d->ks.nr || dump_read_virt(d, base + (uint64_t)k * 3, b, 3))
		return -1;
	v = (uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2];
	if (v >= d->ks.nr)
		return -1;
	*out = v;
	return 0;
}

static int name_of(struct dump *d, uint32_t i, char *buf, size_t len);

/* strcmp of the name at sorted position @k (type character skipped)
 * with @name into *@cmp; 0 or -1 (unreadable). */
static int seq_cmp(struct dump *d, uint64_t base, uint32_t k, const char *name,
		   int *cmp, uint32_t *idx)
{
	char buf[KS_MAX_NAME];
	uint32_t i;

	if (seq_at(d, base, k, &i) || name_of(d, i, buf, sizeof(buf)))
		return -1;
	*cmp = strcmp(buf + 1, name);
	if (idx)
		*idx = i;
	return 0;
}

/* First, middle (the bisection's first probe: read once) and last entry
 * in range and in name order. */
static int seqs_plausible(struct dump *d, uint64_t base)
{
	char prev[KS_MAX_NAME] = "", buf[KS_MAX_NAME];
	uint32_t nr = d->ks.nr, s, i, at[3] = { 0, nr / 2, nr - 1 };

	if (!base || nr < 2)
		return 0;
	for (s = 0; s < 3; s++) {
		if (seq_at(d, base, at[s], &i) || name_of(d, i, buf, sizeof(buf)))
			return 0;
		if (s && strcmp(prev, buf + 1) > 0)
			return 0;
		memcpy(prev, buf + 1, strlen(buf + 1) + 1);
	}
	return 1;
}

static void find_seqs(struct dump *d)
{
	struct dump_kallsyms *ks = &d->ks;
	unsigned int c;

	ks->seqs_state = -1;
	for (c = 0; c < 4; c++) {
		if (seqs_plausible(d, ks->seqs_cand[c])) {
			ks->seqs_va = ks->seqs_cand[c];
			ks->seqs_state = 1;
			return;
		}
	}
}

/*
 * Index of the first symbol named @name by the binary search: 1 found,
 * 0 not there, -1 no usable seqs_of_names (or unreadable on the way).
 */
static int seqs_lookup(struct dump *d, const char *name, uint32_t *idx)
{
	struct dump_kallsyms *ks = &d->ks;
	uint32_t lo = 0, hi, mid;
	int cmp;

	if (ks->seqs_state == 0)
		find_seqs(d);
	if (ks->seqs_state < 0)
		return -1;
	hi = ks->nr;
	while (lo < hi) {		/* at most 22 rounds: nr < 4M */
		mid = lo + (hi - lo) / 2;
		if (seq_cmp(d, ks->seqs_va, mid, name, &cmp, NULL))
			return -1;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= ks->nr)
		return 0;
	if (seq_cmp(d, ks->seqs_va, lo, name, &cmp, idx))
		return -1;
	return cmp == 0;
}

static int load(struct dump *d)
{
	struct dump_kallsyms *ks = &d->ks;
	uint64_t num_va, ttab_va, tidx_va, stext, v, relbase_va = 0;
	uint32_t num, i, k;
	int e, have_abs, have_rel;
	unsigned maxidx = 0;

	if (dump_vmcoreinfo_u64(d, "SYMBOL(kallsyms_names)", &ks->names_va) ||
	    dump_vmcoreinfo_u64(d, "SYMBOL(kallsyms_num_syms)", &num_va) ||
	    dump_vmcoreinfo_u64(d, "SYMBOL(kallsyms_token_table)", &ttab_va) ||
	    dump_vmcoreinfo_u64(d, "SYMBOL(kallsyms_token_index)", &tidx_va) ||
	    dump_vmcoreinfo_u64(d, "SYMBOL(_stext)", &stext))
		return -1;
	have_rel = !dump_vmcoreinfo_u64(d, "SYMBOL(kallsyms_offsets)", &ks->offs_va);
	have_abs = !have_rel &&
		   !dump_vmcoreinfo_u64(d, "SYMBOL(kallsyms_addresses)", &ks->offs_va);
	if (!have_rel && !have_abs)
		return -1;
	if (have_rel &&
	    !dump_vmcoreinfo_u64(d, "SYMBOL(kallsyms_relative_base)", &relbase_va) &&
	    dump_read_u64(d, relbase_va, &ks->relbase))
		return -1;
	if (dump_read_virt(d, num_va, &num, sizeof(num)) || !num ||
	    num > KS_MAX_SYMS)
		return -1;
	if (dump_read_virt(d, tidx_va, ks->tidx, sizeof(ks->tidx)))
		return -1;
	for (i = 0; i < 256; i++)
		if (ks->tidx[i] > maxidx)
			maxidx = ks->tidx[i];
	ks->ttab_len = (size_t)maxidx + 256;
	ks->ttab = malloc(ks->ttab_len + 1);
	ks->esz = have_abs ? 8 : 4;
	ks->offs = malloc((size_t)num * ks->esz);
	ks->offs_have = calloc(num / KS_BLOCK + 1, 1);
	ks->name_off = malloc((size_t)num * sizeof(*ks->name_off));
	if (!ks->ttab || !ks->offs || !ks->offs_have || !ks->name_off)
		goto fail;
	if (dump_read_virt(d, ttab_va, ks->ttab, ks->ttab_len)) {
		/* may end close to an unreadable page: read what exists */
		ks->ttab_len = (size_t)maxidx + 1;
		if (dump_read_virt(d, ttab_va, ks->ttab, ks->ttab_len))
			goto fail;
	}
	ks->ttab[ks->ttab_len] = '\0';
	ks->nr = num;
	find_markers(d, ttab_va);
	seqs_candidates(ks, ttab_va, have_rel ? relbase_va : 0);

	/*
	 * Pick the encoding in which a symbol named _stext sits at
	 * SYMBOL(_stext). (An address match alone is not enough:
	 * absolute-percpu offsets read as base-relative put the per-CPU
	 * symbol at offset 0 at relative_base == _stext.)
	 */
	for (e = 0; e < KS_NR_ENC; e++) {
		char name[KS_MAX_NAME];
		int found = 0;

		if ((e == KS_ABS) != have_abs)
			continue;
		ks->enc = e;
		i = lower_bound_near_start(d, stext);
		for (k = i; k < num && k < i + 64 && !found; k++) {
			if (sym_addr(d, k, &v) || v != stext)
				break;
			found = !name_of(d, k, name, sizeof(name)) &&
				!strcmp(name + 1, "_stext");
		}
		if (found)
			break;
	}
	if (e == KS_NR_ENC)
		goto fail;
	/* [_text: the first symbol of the 1 GiB kernel image, last symbol) */
	i = lower_bound_near_start(d, stext > (1ULL << 30) ? stext - (1ULL << 30) : 0);
	if (sym_addr(d, i, &ks->lo) || ks->lo > stext)
		ks->lo = stext;
	if (i < num && i <= KS_PCPU_MAX) {	/* below _text - 1 GiB: zero-based per-CPU symbols */
		ks->pc_lo = 0;
		ks->pc_hi = i;
	}
	if (sym_addr(d, num - 1, &ks->hi) || ks->hi < ks->lo)
		goto fail;
	return 0;
fail:
	dump_kallsyms_free(d);
	return -1;
}

static int ensure(struct dump *d)
{
	if (d->ks.state == 0)
		d->ks.state = load(d) ? -1 : 1;
	return d->ks.state > 0 ? 0 : -1;
}

void dump_kallsyms_free(struct dump *d)
{
	int state = d->ks.state;

	free(d->ks.offs);
	free(d->ks.offs_have);
	free(d->ks.names);
	free(d->ks.name_off);
	free(d->ks.ttab);
	free(d->ks.markers);
	for (unsigned int k = 0; k < 8; k++)
		free(d->ks.mcache[k].buf);
	memset(&d->ks, 0, sizeof(d->ks));
	d->ks.state = state;
}

/*
 * Symbol of @addr, or with @ret of the return address @addr the way the
 * kernel's %pB prints it (sprint_backtrace()): look up @addr - 1, so that
 * a call at the very end of a function names that function, and print
 * the offset of @addr itself ("f+0x20/0x20", not "next_fn+0x0/...").
 */
static int lookup(struct dump *d, uint64_t addr, int ret, char *buf, size_t len)
{
	struct dump_kallsyms *ks = &d->ks;
	char name[KS_MAX_NAME];
	uint64_t look = ret ? addr - 1 : addr, start, next;
	uint32_t i, j;

	if ((ret && !addr) || ensure(d) || look < ks->lo || look >= ks->hi)
		return -1;
	/* the last symbol at or below look, then its first alias (as the
	 * kernel), then the next higher address for the size */
	i = lower_bound(d, look + 1);
	if (i == 0 || i > ks->nr || sym_addr(d, i - 1, &start) || start > look)
		return -1;
	i = lower_bound(d, start);
	if (i >= ks->nr)
		return -1;
	j = lower_bound(d, start + 1);
	if (j >= ks->nr || sym_addr(d, j, &next) || next <= start)
		return -1;
	if (name_of(d, i, name, sizeof(name)))
		return -1;
	snprintf(buf, len, "%s+0x%" PRIx64 "/0x%" PRIx64, name + 1,
		 addr - start, next - start);
	return 0;
}

static int symbolize(struct dump *d, uint64_t addr, int ret, char *buf,
		     size_t len)
{
	if (!buf || !len)
		return -1;
	if (!lookup(d, addr, ret, buf, len))
		return 0;
	if (d->sym_fallback)
		return d->sym_fallback(d->sym_fallback_ctx, addr, ret, buf, len);
	return -1;
}

int dump_symbolize(struct dump *d, uint64_t addr, char *buf, size_t len)
{
	return symbolize(d, addr, 0, buf, len);
}

int dump_symbolize_ret(struct dump *d, uint64_t addr, char *buf, size_t len)
{
	return symbolize(d, addr, 1, buf, len);
}

/* 1 if the raw name at @p (complete: raw_name()) is @name, type
 * character skipped; compares token by token and stops at the first
 * difference. -1 if damaged. */
static int name_is(const struct dump_kallsyms *ks, const unsigned char *p,
		   const char *name, size_t nlen)
{
	size_t o = 0, skip = 1;
	unsigned n, k;

	n = p[0];
	if (n & 0x80) {
		n = (n & 0x7f) | ((unsigned)p[1] << 7);
		p += 2;
	} else {
		p += 1;
	}
	for (k = 0; k < n; k++) {
		size_t off = ks->tidx[p[k]], tl;
		const char *t;

		if (off >= ks->ttab_len)
			return -1;
		t = ks->ttab + off;
		tl = strlen(t);
		if (skip && tl) {		/* the type character */
			t++;
			tl--;
			skip = 0;
		}
		if (tl > nlen - o || memcmp(t, name + o, tl))
			return 0;
		o += tl;
	}
	return o == nlen;
}

uint64_t dump_symbol_addr(struct dump *d, const char *name)
{
	uint64_t v;

	return dump_symbol_lookup(d, name, &v) == 1 ? v : 0;
}

/*
 * Index of the first symbol named @name among symbols [@from, @to), by
 * the names themselves: 1 found, 0 not there, -1 unreadable. The
 * tokens that may start the name are worked out first (the first token
 * holds the type character and then a prefix of @name), so most symbols
 * cost a look at one byte.
 */
static int scan_names(struct dump *d, uint32_t from, uint32_t to,
		      const char *name, size_t nlen, uint32_t *idx)
{
	struct dump_kallsyms *ks = &d->ks;
	const unsigned char *p = NULL;
	unsigned char ok0[256];
	size_t avail = 0;
	uint32_t i;
	unsigned t;
	int r;

	for (t = 0; t < 256; t++) {
		const char *tok = ks->tidx[t] < ks->ttab_len ?
				  ks->ttab + ks->tidx[t] : "";
		size_t tl = strlen(tok);

		ok0[t] = tl && (tl - 1 <= nlen && !memcmp(tok + 1, name, tl - 1));
	}
	for (i = from; i < to && i < ks->nr; i++) {
		size_t nb;

		/* the next name follows the last one, when read with it */
		if (p && (nb = name_len_at(p, avail)) && nb < avail &&
		    name_len_at(p + nb, avail - nb)) {
			p += nb;
			avail -= nb;
		} else if (!(p = raw_name(d, i, &avail))) {
			return -1;
		}
		/* the whole name is there: no 0-length names here */
		if (name_len_at(p, avail) <= ((p[0] & 0x80) ? 2u : 1u) ||
		    !ok0[p[(p[0] & 0x80) ? 2 : 1]])
			continue;
		r = name_is(ks, p, name, nlen);
		if (r < 0)
			return -1;
		if (r) {
			*idx = i;
			return 1;
		}
	}
	return 0;
}

/*
 * Per-CPU symbols looked up by name (runqueues, current_task, ...) are
 * searched among the per-CPU symbols first (see struct dump_kallsyms):
 * a few hundred names in one or two pages of kallsyms_names, read once
 * in order, where a bisection by name reads a different page at each of
 * its ~17 probes (names are stored in address order): ~16 dump pages a
 * lookup on a first run. With zero-based per-CPU addresses (x86-64 6.x)
 * they are the first symbols, the ones the bisection would find first
 * too (ties go to the lower address); otherwise (7.x) a per-CPU symbol
 * wins over a symbol of the same name elsewhere, which is the one a
 * caller of a per-CPU name wants.
 */
static void pcpu_range(struct dump *d, const char *name, uint64_t addr)
{
	struct dump_kallsyms *ks = &d->ks;
	uint32_t lo, hi;

	if (ks->pc_hi)
		return;
	if (!strcmp(name, "__per_cpu_start")) {
		ks->pc_start = addr;
		ks->pc_known |= 1;
	} else if (!strcmp(name, "__per_cpu_end")) {
		ks->pc_end = addr;
		ks->pc_known |= 2;
	}
	if (ks->pc_known != 3 || ks->pc_end <= ks->pc_start)
		return;
	ks->pc_known = 0;		/* once */
	lo = lower_bound(d, ks->pc_start);
	hi = lower_bound(d, ks->pc_end + 1);
	if (lo < hi && hi <= ks->nr && hi - lo <= KS_PCPU_MAX) {
		ks->pc_lo = lo;
		ks->pc_hi = hi;
	}
}

int dump_symbol_lookup(struct dump *d, const char *name, uint64_t *out)
{
	struct dump_kallsyms *ks = &d->ks;
	size_t nlen = strlen(name);
	uint32_t i;
	int r;

	if (ensure(d) || !nlen)
		return -1;
	/* load() found the symbol _stext at SYMBOL(_stext): no search */
	if (!strcmp(name, "_stext") &&
	    !dump_vmcoreinfo_u64(d, "SYMBOL(_stext)", out))
		return 1;
	if (ks->pc_hi && scan_names(d, ks->pc_lo, ks->pc_hi, name, nlen, &i) == 1)
		return sym_addr(d, i, out) ? -1 : 1;
	r = seqs_lookup(d, name, &i);
	if (r < 0)		/* no usable seqs_of_names: every name */
		r = scan_names(d, 0, ks->nr, name, nlen, &i);
	if (r != 1)
		return r;
	if (sym_addr(d, i, out))
		return -1;
	pcpu_range(d, name, *out);
	return 1;
}

void dump_set_sym_fallback(struct dump *d, dump_sym_fallback_fn fn, void *ctx)
{
	d->sym_fallback = fn;
	d->sym_fallback_ctx = ctx;
}

/*
 * Data symbol of @addr anywhere in the table (no text-range limit), so
 * that per-CPU offsets (below _text with absolute per-CPU symbols) and
 * .data/.bss addresses can be named: "name+0xoff" into @buf, the
 * symbol's start into *@start. 0 or -1.
 */
int dump_symbolize_data(struct dump *d, uint64_t addr, char *buf, size_t len,
			uint64_t *start)
{
	struct dump_kallsyms *ks = &d->ks;
	char name[KS_MAX_NAME];
	uint64_t s;
	uint32_t i;

	if (!buf || !len || ensure(d))
		return -1;
	i = lower_bound(d, addr + 1);
	if (i == 0 || i > ks->nr || sym_addr(d, i - 1, &s) || s > addr)
		return -1;
	i = lower_bound(d, s);
	if (i >= ks->nr || name_of(d, i, name, sizeof(name)))
		return -1;
	snprintf(buf, len, "%s+0x%" PRIx64, name + 1, addr - s);
	if (start)
		*start = s;
	return 0;
}
