// SPDX-License-Identifier: GPL-2.0
/*
 * Stack scans (userspace/stackscan.c): the call-instruction check on the
 * x86-64 encodings a return address follows (and on lookalikes that are
 * not calls), the return-address scan over a made-up stack whose code
 * bytes come from a fake text, and the value search.
 *
 *   test_stackscan        exit 0 when every check passes
 */
#include <stdio.h>
#include <string.h>

#include "stackscan.h"

static int fails;

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "FAIL %s:%d: %s\n", \
	__FILE__, __LINE__, #cond); fails++; } } while (0)

/* the 8 bytes before a return address: @tail at the end, nops before */
static int call_before(const unsigned char *tail, size_t n)
{
	unsigned char c[8];

	memset(c, 0x90, sizeof(c));
	memcpy(c + 8 - n, tail, n);
	return stack_is_call_before(c, 8);
}

#define TEXT	0xffffffff81000000ull
static unsigned char text[256];

static int is_text(void *ctx, uint64_t a)
{
	(void)ctx;
	return a >= TEXT && a < TEXT + sizeof(text);
}

static int code(void *ctx, uint64_t a, uint8_t *buf, size_t n)
{
	(void)ctx;
	if (a < TEXT || a - TEXT > sizeof(text) || n > sizeof(text) - (a - TEXT))
		return -1;
	memcpy(buf, text + (a - TEXT), n);
	return 0;
}

int main(void)
{
	static const unsigned char rel32[] = { 0xe8, 0x11, 0x22, 0x33, 0x44 };
	static const unsigned char rax[] = { 0xff, 0xd0 };
	static const unsigned char r11[] = { 0x41, 0xff, 0xd3 };
	static const unsigned char rsp[] = { 0xff, 0x14, 0x24 };
	static const unsigned char rbp8[] = { 0xff, 0x55, 0x08 };
	static const unsigned char rip[] = { 0xff, 0x15, 1, 2, 3, 4 };
	static const unsigned char rax32[] = { 0xff, 0x90, 1, 2, 3, 4 };
	static const unsigned char tab[] = { 0xff, 0x14, 0xc5, 1, 2, 3, 4 };
	static const unsigned char jmp_rax[] = { 0xff, 0xe0 };
	static const unsigned char jmp32[] = { 0xe9, 1, 2, 3, 4 };
	static const unsigned char push[] = { 0xff, 0x75, 0x08 };	/* push 8(%rbp) */
	static const unsigned char short6[] = { 0xff, 0x15, 1, 2, 3 };	/* cut short */
	unsigned char stack[64];
	uint64_t v, addrs[8], slots[8], where[4];
	size_t n;

	CHECK(call_before(rel32, sizeof(rel32)));
	CHECK(call_before(rax, sizeof(rax)));
	CHECK(call_before(r11, sizeof(r11)));
	CHECK(call_before(rsp, sizeof(rsp)));
	CHECK(call_before(rbp8, sizeof(rbp8)));
	CHECK(call_before(rip, sizeof(rip)));
	CHECK(call_before(rax32, sizeof(rax32)));
	CHECK(call_before(tab, sizeof(tab)));
	CHECK(!call_before(jmp_rax, sizeof(jmp_rax)));
	CHECK(!call_before(jmp32, sizeof(jmp32)));
	CHECK(!call_before(push, sizeof(push)));
	CHECK(!call_before(short6, sizeof(short6)));
	CHECK(!call_before((const unsigned char *)"", 0));
	CHECK(!stack_is_call_before(NULL, 8));
	CHECK(!stack_is_call_before(rel32, 9));

	/* text: a call ends at +0x40 (return address +0x40), none at +0x80 */
	memset(text, 0x90, sizeof(text));
	memcpy(text + 0x40 - 5, rel32, 5);
	memset(stack, 0, sizeof(stack));
	v = 0xffff888012345678ull;		/* a data pointer */
	memcpy(stack + 0, &v, 8);
	v = TEXT + 0x80;			/* text, no call before it */
	memcpy(stack + 8, &v, 8);
	v = TEXT + 0x40;			/* a return address */
	memcpy(stack + 24, &v, 8);
	v = TEXT + 0x1000;			/* past the text */
	memcpy(stack + 32, &v, 8);
	v = TEXT + 0x40;			/* again, higher up */
	memcpy(stack + 56, &v, 8);
	n = stack_return_addrs(stack, sizeof(stack), 0xffffc90000001000ull, is_text, code,
			       NULL, addrs, slots, 8);
	CHECK(n == 2);
	CHECK(n >= 1 && addrs[0] == TEXT + 0x40 && slots[0] == 0xffffc90000001018ull);
	CHECK(n >= 2 && slots[1] == 0xffffc90000001038ull);
	n = stack_return_addrs(stack, sizeof(stack), 0, is_text, NULL, NULL, addrs, NULL, 8);
	CHECK(n == 3);				/* without the call check */
	n = stack_return_addrs(stack, sizeof(stack), 0, is_text, code, NULL, addrs, slots, 1);
	CHECK(n == 1);				/* bounded by max */
	n = stack_return_addrs(stack, 13, 0, is_text, code, NULL, addrs, slots, 8);
	CHECK(n == 0);				/* a partial slot is no slot */

	n = stack_find_value(stack, sizeof(stack), 0x1000, TEXT + 0x40, where, 4);
	CHECK(n == 2 && where[0] == 0x1018 && where[1] == 0x1038);
	CHECK(stack_find_value(stack, sizeof(stack), 0, 0x42, where, 4) == 0);
	CHECK(stack_find_value(NULL, 64, 0, 0, where, 4) == 0);
	if (fails) {
		fprintf(stderr, "test_stackscan: %d check(s) failed\n", fails);
		return 1;
	}
	printf("test_stackscan: all checks passed\n");
	return 0;
}
