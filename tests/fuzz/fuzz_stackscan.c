// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the stack scans (userspace/stackscan.c). The input is
 * both the stack and the "text" whose code bytes the call check reads:
 * text addresses are TEXT + offset into the input.
 *
 *   clang -fsanitize=fuzzer,address,undefined ...; ./fuzz_stackscan CORPUS
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "stackscan.h"

#define TEXT 0xffffffff81000000ull

struct in {
	const uint8_t *p;
	size_t n;
};

static int is_text(void *ctx, uint64_t a)
{
	const struct in *m = ctx;

	return a >= TEXT && a - TEXT < m->n;
}

static int code(void *ctx, uint64_t a, uint8_t *buf, size_t n)
{
	const struct in *m = ctx;

	if (a < TEXT || a - TEXT > m->n || n > m->n - (a - TEXT))
		return -1;
	memcpy(buf, m->p + (a - TEXT), n);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in m = { data, size };
	uint64_t addrs[64], slots[64], where[8], v = 0;
	size_t i;

	stack_return_addrs(data, size, 0xffffc90000000000ull, is_text, code, &m,
			   addrs, slots, 64);
	stack_return_addrs(data, size, 0, is_text, NULL, &m, addrs, NULL, 64);
	if (size >= 8)
		memcpy(&v, data, 8);
	stack_find_value(data, size, 0x1000, v, where, 8);
	for (i = 0; i + 8 <= size && i < 64; i++)
		stack_is_call_before(data + i, 8);
	return 0;
}
