// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the crashsafe record decoder over an in-memory image.
 * The input is physical memory starting at BASE; the root is decoded at
 * BASE (the seed from `test_record_decode --write-seed` uses that layout).
 *
 *   clang -fsanitize=fuzzer,address,undefined ...; ./fuzz_record CORPUS
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "record_decode.h"

#define BASE 0x100000ull

struct img {
	const uint8_t *p;
	size_t n;
};

static int mread(void *ctx, uint64_t pa, void *buf, size_t len)
{
	const struct img *m = ctx;

	if (pa < BASE || pa - BASE > m->n || len > m->n - (pa - BASE))
		return -1;
	memcpy(buf, m->p + (pa - BASE), len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct img m = { data, size };
	struct cs_reader r = { &m, mread, mread };
	struct cs_decoded d;
	size_t idx[512];
	unsigned int h;

	cs_decode(&r, BASE, &d);
	for (h = 0; h < d.nhang; h++) {
		cs_hang_events(&d, &d.hang[h], idx, 512);
		cs_hang_completed(&d, &d.hang[h]);
	}
	cs_decoded_free(&d);
	return 0;
}
