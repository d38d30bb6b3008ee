// SPDX-License-Identifier: GPL-2.0
/* Stack scans over raw bytes (see stackscan.h). */
#include <string.h>

#include "stackscan.h"

static uint64_t slot(const uint8_t *buf, size_t i)
{
	uint64_t v;

	memcpy(&v, buf + i, 8);
	return v;
}

size_t stack_find_value(const uint8_t *buf, size_t len, uint64_t base,
			uint64_t value, uint64_t *where, size_t max)
{
	size_t i, n = 0;

	if (!buf)
		return 0;
	for (i = 0; i + 8 <= len && n < max; i += 8)
		if (slot(buf, i) == value)
			where[n++] = base + i;
	return n;
}

int stack_is_call_before(const uint8_t *code, size_t n)
{
	size_t k;

	if (!code || n > 8)
		return 0;
	/* call rel32: e8 xx xx xx xx */
	if (n >= 5 && code[n - 5] == 0xe8)
		return 1;
	/*
	 * call r/m64: ff /2; modrm reg field 2; the instruction is 2 (ff d0),
	 * 3 (ff 14 24 / ff 55 08), 6 (ff 15 disp32, ff 90 disp32) or 7
	 * (ff 14 c5 disp32) bytes, plus an optional REX (41/42/43).
	 */
	for (k = 2; k <= 7 && k <= n; k++) {
		uint8_t op = code[n - k], modrm;
		unsigned int mod, rm, need;

		if (op != 0xff || k < 2)
			continue;
		modrm = code[n - k + 1];
		if (((modrm >> 3) & 7) != 2)
			continue;
		mod = modrm >> 6;
		rm = modrm & 7;
		need = 2;
		if (mod != 3 && rm == 4)
			need++;			/* SIB */
		if (mod == 1)
			need += 1;
		else if (mod == 2 || (mod == 0 && rm == 5))
			need += 4;
		else if (mod == 0 && rm == 4 && k >= 3 &&
			 (code[n - k + 2] & 7) == 5)
			need += 4;		/* SIB with disp32, no base */
		if (need == k)
			return 1;
	}
	return 0;
}

size_t stack_return_addrs(const uint8_t *buf, size_t len, uint64_t base,
			  stack_text_fn is_text, stack_code_fn code, void *ctx,
			  uint64_t *addrs, uint64_t *slots, size_t max)
{
	size_t i, n = 0;
	uint8_t c[8];

	if (!buf || !is_text)
		return 0;
	for (i = 0; i + 8 <= len && n < max; i += 8) {
		uint64_t v = slot(buf, i);

		if (!is_text(ctx, v))
			continue;
		if (code && (code(ctx, v - 8, c, 8) || !stack_is_call_before(c, 8)))
			continue;
		addrs[n] = v;
		if (slots)
			slots[n] = base + i;
		n++;
	}
	return n;
}
