// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the BTF reader (userspace/btf.c) over a hostile blob,
 * with the member lookups the analysis makes. Seed: test_btf --write-seed.
 *
 *   clang -fsanitize=fuzzer,address,undefined ...; ./fuzz_btf CORPUS
 */
#include <stddef.h>
#include <stdint.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "btf_lazy.h"

#include "../unit/dump_stubs.h"	/* the dump layer: nothing answers */

static const uint8_t *mem;
static size_t mem_len;

static int mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	(void)ctx;
	if (off > mem_len || len > mem_len - off)
		return -1;
	memcpy(buf, mem + off, len);
	return 0;
}

/* an id index read from the input's first bytes: hostile too */
static int mem_index(void *ctx, uint32_t id, uint64_t *off)
{
	(void)ctx;
	if (mem_len < 8 || (uint64_t)id * 4 + 4 > mem_len)
		return -1;
	*off = (uint64_t)mem[id * 4] | (uint64_t)mem[id * 4 + 1] << 8 |
	       (uint64_t)mem[id * 4 + 2] << 16;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const q[][2] = {
		{ "task_struct", "thread.sp" }, { "task_struct", "__state" },
		{ "task_struct", "pid" }, { "task_struct", "comm" },
		{ "task_struct", "thread_info.cpu" }, { "module", "mem" },
		{ "__call_single_data", "node.u_flags" }, { "rw_semaphore", "wait_list" },
	};
	struct kbtf *b = kbtf_from_mem(data, size);
	struct kbl *k;
	uint64_t o, s, lo, ls, ts;
	size_t i;
	int r, lr;

	/* the piecewise reader on the same bytes: never a crash, and where
	 * libbpf took the blob and both answer, the same answer */
	mem = data;
	mem_len = size;
	k = kbl_open(mem_read, NULL, size);
	if (k && size > 8)	/* an index that is garbage: refused or safe */
		kbl_set_index(k, mem_index, NULL, data[size - 1] | data[size - 2] << 8);
	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		lr = k ? kbl_member(k, q[i][0], q[i][1], &lo, &ls) : KBL_UNKNOWN;
		if (k)
			kbl_size(k, q[i][0], &ts);
		if (!b)
			continue;
		r = kbtf_member(b, q[i][0], q[i][1], &o, &s);
		kbtf_size(b, q[i][0]);
		if (lr == KBL_UNKNOWN || kbl_indexed(k))
			continue;
		if ((r == 0) != (lr == 0) || (!r && (o != lo || s != ls)))
			fprintf(stderr, "%s.%s: libbpf %d %llu/%llu, lazy %d %llu/%llu\n", q[i][0], q[i][1], r, (unsigned long long)o, (unsigned long long)s, lr, (unsigned long long)lo, (unsigned long long)ls), abort();
	}
	kbl_close(k);
	/* a type named through a DATASEC variable, over a hostile index */
	k = kbl_open(mem_read, NULL, size);
	if (k && size > 8 &&
	    !kbl_var_type(k, mem_index, NULL, data[size - 3] | data[size - 4] << 8,
			  ".data..percpu", "runqueues",
			  data[size - 5] | data[size - 6] << 8, "rq"))
		kbl_member(k, "rq", "nr_uninterruptible", &lo, &ls);
	kbl_close(k);
	if (!b)
		return 0;
	kbtf_nr_types(b);
	kbtf_free(b);
	return 0;
}
