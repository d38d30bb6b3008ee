// SPDX-License-Identifier: GPL-2.0
/*
 * The BTF reader (userspace/btf.c) on a blob built here with libbpf's
 * writer, shaped like the kernel types the analysis reads: a task_struct
 * with an anonymous union and a nested thread_struct, a typedef'd member,
 * a bitfield (never reported: not byte addressable), and the lookups
 * that must fail. Then every truncation and a few corruptions of the
 * blob: refused or answered, never a crash (ASan/UBSan build).
 *
 * The piecewise reader (userspace/btf_lazy.c) must give libbpf's answers
 * on the same blob, walking it (6.x layout) and bisecting a name-sorted
 * one through an id index (7.x layout), and refuse a bad index; on an
 * unsorted one, name a type far in through a DATASEC variable.
 *
 *   test_btf                     exit 0 when every check passes
 *   test_btf --write-seed FILE   write the blobs (fuzz_btf's seeds: FILE,
 *                                FILE-percpu)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "btf.h"
#include "btf_lazy.h"

#include "dump_stubs.h"	/* kbtf_load() needs the dump layer; not under test here */

static int fails;

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "FAIL %s:%d: %s\n", \
	__FILE__, __LINE__, #cond); fails++; } } while (0)

/* the same blob, read piece by piece */
static const unsigned char *lazy_raw;
static size_t lazy_len;
static struct kbl *lazy;

static int mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	(void)ctx;
	if (off > lazy_len || len > lazy_len - off)
		return -1;
	memcpy(buf, lazy_raw + off, len);
	return 0;
}

static void expect_lazy(const char *type, const char *path, long off, long size)
{
	uint64_t o = 0, s = 0;
	int r;

	if (!lazy)
		return;
	r = kbl_member(lazy, type, path, &o, &s);
	if (off < 0 ? r != -1 : (r || (long)o != off || (long)s != size)) {
		fprintf(stderr, "FAIL lazy: %s.%s: r=%d off=%llu size=%llu, expected %ld/%ld\n",
			type, path, r, (unsigned long long)o, (unsigned long long)s, off, size);
		fails++;
	}
}

static void expect(const struct kbtf *b, const char *type, const char *path,
		   long off, long size)
{
	uint64_t o = 0, s = 0;
	int r = kbtf_member(b, type, path, &o, &s);

	expect_lazy(type, path, off, size);

	if (off < 0) {
		if (r == 0) {
			fprintf(stderr, "FAIL: %s.%s found at %llu, expected none\n", type,
				path, (unsigned long long)o);
			fails++;
		}
		return;
	}
	if (r || (long)o != off || (long)s != size) {
		fprintf(stderr, "FAIL: %s.%s: r=%d off=%llu size=%llu, expected %ld/%ld\n",
			type, path, r, (unsigned long long)o, (unsigned long long)s, off, size);
		fails++;
	}
}

/* ---- a name-sorted blob (7.x layout) and its id index ---------------- */

static uint64_t idx_off[4096];
static uint32_t idx_nr;
static int idx_bogus;

static int mem_index(void *ctx, uint32_t id, uint64_t *off)
{
	(void)ctx;
	if (id >= idx_nr)
		return -1;
	*off = idx_bogus ? idx_off[id] + (id % 3) * 4 : idx_off[id];
	return 0;
}

/* the kernel's types[]: record offsets from libbpf's parsed copy */
static void build_index(struct btf *w, const void *raw)
{
	const struct btf_header *h = raw;
	const char *first = (const char *)btf__type_by_id(w, 1);
	uint32_t id;

	idx_nr = btf__type_cnt(w);
	for (id = 1; id < idx_nr && id < 4096; id++)
		idx_off[id] = h->hdr_len + h->type_off +
			      (uint64_t)((const char *)btf__type_by_id(w, id) - first);
}

/* @raw (of @w) is the blob the piecewise reader reads, with its index */
static void use_blob(struct btf *w, const void *raw, size_t rawlen)
{
	build_index(w, raw);
	lazy_raw = raw;
	lazy_len = rawlen;
}

/* a fuzz seed; 0 or -1 */
static int write_blob(const char *path, const void *raw, size_t rawlen)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(raw, 1, rawlen, f) != rawlen) {
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f) ? -1 : 0;
}

static void sorted_blob(void)
{
	struct btf *w = btf__new_empty();
	/* ids: 1..64 anonymous pointers, 65 anonymous union, 66 array, then
	 * named in name order: 67 char, 68 int, 69 long unsigned int,
	 * 70 pid_t, 71 task_struct (union), 72 task_struct (struct),
	 * 73 thread_struct, 74 unsigned int */
	enum { ANON = 65, ARR, CH, INT, U64, PID, TSU, TS, THR, U32 };
	const void *raw;
	__u32 rawlen;
	int k, ok = 1;

	for (k = 0; k < 64; k++)
		ok &= btf__add_ptr(w, INT) > 0;
	ok &= btf__add_union(w, NULL, 4) == ANON;
	btf__add_field(w, "__state", U32, 0, 0);
	ok &= btf__add_array(w, U32, CH, 16) == ARR;
	ok &= btf__add_int(w, "char", 1, BTF_INT_SIGNED) == CH;
	ok &= btf__add_int(w, "int", 4, BTF_INT_SIGNED) == INT;
	ok &= btf__add_int(w, "long unsigned int", 8, 0) == U64;
	ok &= btf__add_typedef(w, "pid_t", INT) == PID;
	ok &= btf__add_union(w, "task_struct", 8) == TSU;	/* STRUCT wins */
	btf__add_field(w, "decoy", U64, 0, 0);
	ok &= btf__add_struct(w, "task_struct", 72) == TS;
	btf__add_field(w, NULL, ANON, 0, 0);
	btf__add_field(w, "pid", PID, 32, 0);
	btf__add_field(w, "comm", ARR, 64, 0);
	btf__add_field(w, "thread", THR, 192, 0);
	ok &= btf__add_struct(w, "thread_struct", 16) == THR;
	btf__add_field(w, "es", U64, 0, 0);
	btf__add_field(w, "sp", U64, 64, 0);
	ok &= btf__add_int(w, "unsigned int", 4, 0) == U32;
	CHECK(ok);
	raw = btf__raw_data(w, &rawlen);
	CHECK(raw != NULL);
	if (!ok || !raw) {
		btf__free(w);
		return;
	}
	use_blob(w, raw, rawlen);

	/* no index: the walk */
	lazy = kbl_open(mem_read, NULL, rawlen);
	CHECK(lazy && kbl_may_be_sorted(lazy));
	expect_lazy("task_struct", "pid", 4, 4);
	kbl_close(lazy);

	/* a bad index (offsets off by 4/8): refused, then the walk answers */
	lazy = kbl_open(mem_read, NULL, rawlen);
	idx_bogus = 1;
	CHECK(lazy && !kbl_set_index(lazy, mem_index, NULL, idx_nr));
	idx_bogus = 0;
	CHECK(lazy && !kbl_set_index(lazy, mem_index, NULL, idx_nr - 1));
	expect_lazy("task_struct", "thread.sp", 32, 8);
	kbl_close(lazy);

	/* the index: bisection */
	lazy = kbl_open(mem_read, NULL, rawlen);
	CHECK(lazy && kbl_set_index(lazy, mem_index, NULL, idx_nr));
	expect_lazy("task_struct", "__state", 0, 4);
	expect_lazy("task_struct", "pid", 4, 4);
	expect_lazy("task_struct", "comm", 8, 16);
	expect_lazy("task_struct", "thread.sp", 32, 8);
	expect_lazy("task_struct", "decoy", -1, 0);	/* the union's */
	expect_lazy("thread_struct", "es", 0, 8);
	expect_lazy("pid_t", "x", -1, 0);		/* not composite */
	expect_lazy("aaa", "x", -1, 0);			/* before all */
	expect_lazy("zzz", "x", -1, 0);			/* after all */
	expect_lazy("task_strucu", "pid", -1, 0);
	kbl_close(lazy);
	lazy = NULL;
	btf__free(w);
}

/* every query on a damaged blob: answered or refused, never a crash */
static void hostile_lazy(const void *blob, size_t len)
{
	static const char *const q[][2] = {
		{ "task_struct", "thread.sp" }, { "task_struct", "__state" },
		{ "task_struct", "pid" }, { "no_such", "x" },
	};
	struct kbl *k;
	uint64_t o, s;
	size_t i;

	lazy_raw = blob;
	lazy_len = len;
	k = kbl_open(mem_read, NULL, len);
	if (!k)
		return;
	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++)
		kbl_member(k, q[i][0], q[i][1], &o, &s);
	kbl_size(k, "task_struct", &s);
	kbl_close(k);
}

/*
 * 6.x layout (unsorted) with struct rq far from the start: kbl_var_type()
 * names it through the per-CPU variable runqueues in the DATASEC at the
 * end, read through the id index; every mismatch is refused.
 */
static void var_type_blob(const char *seed)
{
	struct btf *w = btf__new_empty();
	enum { U32 = 1, FILL };
	int k, ok = 1, rq, decoy, var, dvar, sec;
	uint64_t o = 0, s = 0;
	const void *raw;
	__u32 rawlen;

	ok &= btf__add_int(w, "unsigned int", 4, 0) == U32;
	for (k = 0; k < 2000; k++)	/* what a walk would read: 24 KB */
		ok &= btf__add_ptr(w, U32) > 0;
	decoy = btf__add_struct(w, "rq_decoy", 4);
	btf__add_field(w, "x", U32, 0, 0);
	rq = btf__add_struct(w, "rq", 16);
	btf__add_field(w, "nr_running", U32, 0, 0);
	btf__add_field(w, "nr_uninterruptible", U32, 64, 0);
	var = btf__add_var(w, "runqueues", BTF_VAR_GLOBAL_ALLOCATED, rq);
	dvar = btf__add_var(w, "other", BTF_VAR_GLOBAL_ALLOCATED, decoy);
	sec = btf__add_datasec(w, ".data..percpu", 0x2000);
	btf__add_datasec_var_info(w, dvar, 0x100, 4);
	btf__add_datasec_var_info(w, var, 0x1000, 16);
	CHECK(ok && decoy > 0 && rq > 0 && var > 0 && dvar > 0 && sec > 0);
	raw = btf__raw_data(w, &rawlen);
	CHECK(raw != NULL);
	if (!raw || seed) {
		if (raw && write_blob(seed, raw, rawlen))
			fails++;
		btf__free(w);
		return;
	}
	use_blob(w, raw, rawlen);

	lazy = kbl_open(mem_read, NULL, rawlen);
	CHECK(lazy && !kbl_may_be_sorted(lazy));
	CHECK(kbl_var_type(lazy, mem_index, NULL, idx_nr, ".data..percpu",
			   "runqueues", 0x1000, "rq") == 0);
	CHECK(kbl_member(lazy, "rq", "nr_uninterruptible", &o, &s) == 0 &&
	      o == 8 && s == 4);
	/* the header's and the last blocks, not the walk to rq */
	CHECK(kbl_bytes_read(lazy) <= 3 * 4096);
	kbl_close(lazy);

	/* wrong offset, variable, type or section name: refused */
	lazy = kbl_open(mem_read, NULL, rawlen);
	CHECK(kbl_var_type(lazy, mem_index, NULL, idx_nr, ".data..percpu",
			   "runqueues", 0x1004, "rq") == KBL_UNKNOWN);
	CHECK(kbl_var_type(lazy, mem_index, NULL, idx_nr, ".data..percpu",
			   "other", 0x1000, "rq") == KBL_UNKNOWN);
	CHECK(kbl_var_type(lazy, mem_index, NULL, idx_nr, ".data..percpu",
			   "other", 0x100, "rq") == KBL_UNKNOWN);
	CHECK(kbl_var_type(lazy, mem_index, NULL, idx_nr, ".data",
			   "runqueues", 0x1000, "rq") == KBL_UNKNOWN);
	/* then the walk still answers */
	CHECK(kbl_member(lazy, "rq", "nr_uninterruptible", &o, &s) == 0 &&
	      o == 8 && s == 4);
	kbl_close(lazy);

	/* a bad index: refused, the walk answers */
	lazy = kbl_open(mem_read, NULL, rawlen);
	idx_bogus = 1;
	CHECK(kbl_var_type(lazy, mem_index, NULL, idx_nr, ".data..percpu",
			   "runqueues", 0x1000, "rq") == KBL_UNKNOWN);
	idx_bogus = 0;
	CHECK(kbl_member(lazy, "rq", "nr_uninterruptible", &o, &s) == 0 &&
	      o == 8 && s == 4);
	kbl_close(lazy);
	lazy = NULL;
	btf__free(w);
}

/*
 * btf_lazy.c's walk hints (struct swait_queue: 2 members, 24 bytes): a
 * struct of that name is found whether its shape matches the hint or
 * not (then by a second, unhinted walk), and a decoy of the hinted shape
 * with another name is not taken. @three: swait_queue gets a third member.
 */
static void walk_hint_blob(int three)
{
	struct btf *w = btf__new_empty();
	int u64, lh, ptr, decoy, sq;
	const void *raw;
	__u32 rawlen;

	CHECK(w != NULL);
	if (!w)
		return;
	u64 = btf__add_int(w, "long unsigned int", 8, 0);
	lh = btf__add_struct(w, "list_head", 16);
	ptr = btf__add_ptr(w, lh);
	btf__add_field(w, "next", ptr, 0, 0);
	btf__add_field(w, "prev", ptr, 64, 0);
	decoy = btf__add_struct(w, "swait_queue_decoy", 24);	/* the shape */
	btf__add_field(w, "a", u64, 0, 0);
	btf__add_field(w, "b", lh, 64, 0);
	sq = btf__add_struct(w, "swait_queue", three ? 32 : 24);
	btf__add_field(w, "task", ptr, 0, 0);
	btf__add_field(w, "task_list", lh, 64, 0);
	if (three)
		btf__add_field(w, "extra", u64, 192, 0);
	CHECK(u64 > 0 && lh > 0 && decoy > 0 && sq > 0);
	raw = btf__raw_data(w, &rawlen);
	CHECK(raw != NULL);
	if (raw) {
		use_blob(w, raw, rawlen);
		lazy = kbl_open(mem_read, NULL, rawlen);
		CHECK(lazy != NULL);
		expect_lazy("swait_queue", "task", 0, 8);
		expect_lazy("swait_queue", "task_list", 8, 16);
		expect_lazy("swait_queue", "extra", three ? 24 : -1, three ? 8 : 0);
		expect_lazy("swait_queue_decoy", "a", 0, 8);
		kbl_close(lazy);
		lazy = NULL;
	}
	btf__free(w);
}

int main(int argc, char **argv)
{
	struct btf *w = btf__new_empty();
	int u64, u32, i32, ch, arr, thr, anon, td, task, ptr;
	const void *raw;
	__u32 rawlen;
	struct kbtf *b;
	unsigned char *copy;
	size_t n;

	CHECK(w != NULL);
	u64 = btf__add_int(w, "long unsigned int", 8, 0);
	u32 = btf__add_int(w, "unsigned int", 4, 0);
	i32 = btf__add_int(w, "int", 4, BTF_INT_SIGNED);
	ch = btf__add_int(w, "char", 1, BTF_INT_SIGNED);
	arr = btf__add_array(w, u32, ch, 16);
	td = btf__add_typedef(w, "pid_t", i32);
	/* struct thread_struct { u64 pad[2]... ; u64 sp at 24 } */
	thr = btf__add_struct(w, "thread_struct", 32);
	btf__add_field(w, "es", u64, 0, 0);
	btf__add_field(w, "fs", u64, 64, 0);
	btf__add_field(w, "gs", u64, 128, 0);
	btf__add_field(w, "sp", u64, 192, 0);
	/* anonymous union { unsigned int __state; unsigned int state; } */
	anon = btf__add_union(w, NULL, 4);
	btf__add_field(w, "__state", u32, 0, 0);
	btf__add_field(w, "alias", u32, 0, 0);
	ptr = btf__add_ptr(w, thr);
	task = btf__add_struct(w, "task_struct", 96);
	btf__add_field(w, "flags", u32, 0, 0);
	btf__add_field(w, NULL, anon, 32, 0);
	btf__add_field(w, "pid", td, 64, 0);
	btf__add_field(w, "bits", u32, 96, 3);		/* bitfield */
	btf__add_field(w, "comm", arr, 128, 0);
	btf__add_field(w, "thread", thr, 256, 0);
	btf__add_field(w, "parent", ptr, 512, 0);
	CHECK(u64 > 0 && thr > 0 && task > 0 && ptr > 0);

	raw = btf__raw_data(w, &rawlen);
	CHECK(raw != NULL);
	if (argc == 3 && !strcmp(argv[1], "--write-seed")) {	/* fuzz corpus */
		char more[4096];

		if (write_blob(argv[2], raw, rawlen))
			return 1;
		btf__free(w);
		snprintf(more, sizeof(more), "%s-percpu", argv[2]);
		var_type_blob(more);	/* a DATASEC, struct rq far in */
		return fails != 0;
	}
	lazy_raw = raw;
	lazy_len = rawlen;
	lazy = kbl_open(mem_read, NULL, rawlen);
	CHECK(lazy != NULL);
	b = kbtf_from_mem(raw, rawlen);
	CHECK(b != NULL);
	if (b) {
		expect(b, "task_struct", "flags", 0, 4);
		expect(b, "task_struct", "__state", 4, 4);	/* through the union */
		expect(b, "task_struct", "pid", 8, 4);		/* typedef resolved */
		expect(b, "task_struct", "comm", 16, 16);
		expect(b, "task_struct", "thread.sp", 56, 8);
		expect(b, "task_struct", "thread", 32, 32);
		expect(b, "task_struct", "parent", 64, 8);
		expect(b, "task_struct", "bits", -1, 0);	/* bitfield */
		expect(b, "task_struct", "thread.nope", -1, 0);
		expect(b, "task_struct", "comm.x", -1, 0);	/* not composite */
		expect(b, "task_struct", "", -1, 0);
		expect(b, "task_struct", "thread..sp", -1, 0);
		expect(b, "no_such", "pid", -1, 0);
		CHECK(kbtf_size(b, "task_struct") == 96);
		CHECK(kbtf_size(b, "thread_struct") == 32);
		CHECK(kbtf_size(b, "nope") == 0);
		CHECK(kbtf_nr_types(b) > 8);
		kbtf_free(b);
	}
	if (lazy) {
		uint64_t sz = 0;

		CHECK(kbl_size(lazy, "task_struct", &sz) == 0 && sz == 96);
		CHECK(kbl_size(lazy, "nope", &sz) == -1);
		CHECK(!kbl_may_be_sorted(lazy));	/* named types first */
		kbl_close(lazy);
		lazy = NULL;
	}
	sorted_blob();
	var_type_blob(NULL);
	walk_hint_blob(0);
	walk_hint_blob(1);
	CHECK(kbtf_from_mem(NULL, 100) == NULL);
	/* fuzz_btf finding: a header 2 bytes longer puts the type section
	 * off 4-byte alignment; libbpf 1.1 takes it and then reads
	 * misaligned btf_type records: it must be refused */
	{
		unsigned char *m = calloc(1, rawlen + 2);
		struct btf_header h;

		memcpy(&h, raw, sizeof(h));
		h.hdr_len += 2;
		memcpy(m, &h, sizeof(h));
		memcpy(m + sizeof(h) + 2, (const unsigned char *)raw + sizeof(h),
		       rawlen - sizeof(h));
		CHECK(kbtf_from_mem(m, rawlen + 2) == NULL);
		h.hdr_len += 2;		/* aligned again: accepted */
		memcpy(m, &h, sizeof(h));
		memmove(m + sizeof(h) + 4, m + sizeof(h) + 2, rawlen - sizeof(h) - 2);
		free(m);
	}
	CHECK(kbtf_from_mem(raw, 10) == NULL);

	/* hostile blobs: every truncation, then byte flips */
	copy = malloc(rawlen);
	CHECK(copy != NULL);
	for (n = 0; copy && n < rawlen; n++) {
		struct kbtf *t = kbtf_from_mem(raw, n);
		uint64_t o, s;

		hostile_lazy(raw, n);
		if (t) {
			kbtf_member(t, "task_struct", "thread.sp", &o, &s);
			kbtf_free(t);
		}
	}
	for (n = 0; copy && n < rawlen; n++) {
		unsigned int v;

		for (v = 0; v < 4; v++) {
			static const unsigned char x[4] = { 0xff, 0x80, 0x01, 0x7f };
			struct kbtf *t;
			uint64_t o, s;

			memcpy(copy, raw, rawlen);
			copy[n] ^= x[v];
			hostile_lazy(copy, rawlen);
			t = kbtf_from_mem(copy, rawlen);
			if (t) {
				kbtf_member(t, "task_struct", "thread.sp", &o, &s);
				kbtf_member(t, "task_struct", "__state", &o, &s);
				kbtf_size(t, "task_struct");
				kbtf_free(t);
			}
		}
	}
	free(copy);
	btf__free(w);
	if (fails) {
		fprintf(stderr, "test_btf: %d check(s) failed\n", fails);
		return 1;
	}
	printf("test_btf: all checks passed\n");
	return 0;
}
