// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the flattened-dump rearranger (userspace/flattened.c)
 * and its check that libkdumpfile may read a dump as it is (flat_is_whole).
 * The input is the flattened file minus its 4 KiB header (which the target
 * supplies, with a fuzzed type/version in the first 16 bytes of input when
 * the input starts with 'H'), so the fuzzer spends its time on records.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iuserspace \
 *     tests/fuzz/fuzz_flattened.c userspace/flattened.c -o fuzz_flattened
 *   ./fuzz_flattened -max_total_time=60 -max_len=65536
 */
#define _GNU_SOURCE
#include "flattened.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char hdr[FLAT_HEADER_SIZE] = { 0 };
	char err[256];
	int in, out, whole, trunc = 0;

	memcpy(hdr, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE) - 1);
	hdr[23] = 1;			/* type 1, big-endian i64 */
	hdr[31] = 1;			/* version 1 */
	if (size >= 17 && data[0] == 'H') {
		memcpy(hdr + 16, data + 1, 16);
		data += 17;
		size -= 17;
	}
	in = memfd_create("fuzz-in", MFD_CLOEXEC);
	if (in < 0)
		return 0;
	if (write(in, hdr, sizeof(hdr)) != (ssize_t)sizeof(hdr) ||
	    (size && write(in, data, size) != (ssize_t)size)) {
		close(in);
		return 0;
	}
	/* what flat_is_whole() hands to libkdumpfile must rearrange cleanly */
	whole = flat_is_whole(in, "KDUMP   ", 8);
	err[0] = '\0';
	out = flat_rearrange(in, &trunc, err, sizeof(err));
	if (whole && (out < 0 || trunc))
		__builtin_trap();
	if (out >= 0) {
		off_t end = lseek(out, 0, SEEK_END);

		/* bounded by FLAT_MAX_OFFSET, and sparse */
		if (end < 0 || (unsigned long long)end > FLAT_MAX_OFFSET)
			__builtin_trap();
		if (trunc && !err[0])
			__builtin_trap();	/* truncation is reported */
		close(out);
	} else if (!err[0]) {
		__builtin_trap();	/* every failure says why */
	}
	close(in);
	return 0;
}
