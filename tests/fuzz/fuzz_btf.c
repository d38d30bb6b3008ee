// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the BTF reader (userspace/btf.c) over a hostile blob,
 * with the member lookups the analysis makes. Seed: test_btf --write-seed.
 *
 *   clang -fsanitize=fuzzer,address,undefined ...; ./fuzz_btf CORPUS
 */
#include <stddef.h>
#include <stdint.h>

#include "btf.h"

struct dump;
uint64_t dump_symbol_addr(struct dump *d, const char *name);
int dump_read_virt(struct dump *d, uint64_t va, void *buf, size_t len);
const char *dump_vmcoreinfo(struct dump *d, const char *key);
int dump_vmcoreinfo_u64(struct dump *d, const char *key, uint64_t *out);
const char *dump_release(struct dump *d);

uint64_t dump_symbol_addr(struct dump *d, const char *name)
{
	(void)d;
	(void)name;
	return 0;
}

int dump_read_virt(struct dump *d, uint64_t va, void *buf, size_t len)
{
	(void)d;
	(void)va;
	(void)buf;
	(void)len;
	return -1;
}

/* kschema.c's other needs from the dump layer: none answer */
const char *dump_vmcoreinfo(struct dump *d, const char *key)
{
	(void)d;
	(void)key;
	return NULL;
}

int dump_vmcoreinfo_u64(struct dump *d, const char *key, uint64_t *out)
{
	(void)d;
	(void)key;
	(void)out;
	return -1;
}

const char *dump_release(struct dump *d)
{
	(void)d;
	return "";
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
	uint64_t o, s;
	size_t i;

	if (!b)
		return 0;
	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		kbtf_member(b, q[i][0], q[i][1], &o, &s);
		kbtf_size(b, q[i][0]);
	}
	kbtf_nr_types(b);
	kbtf_free(b);
	return 0;
}
