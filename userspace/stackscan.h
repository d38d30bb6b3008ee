/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stack scans on raw stack bytes (copied from the dump): where a value
 * sits, and which slots hold return addresses into kernel text (a value
 * in text whose preceding bytes are a call instruction). Pure functions
 * over buffers, so that they are unit-tested and fuzzed without a dump.
 */
#ifndef CSDEXTRACT_STACKSCAN_H
#define CSDEXTRACT_STACKSCAN_H

#include <stddef.h>
#include <stdint.h>

#define STACK_SIZE	16384u	/* x86-64 THREAD_SIZE and IRQ stack size */

/* Slot addresses (base + 8k) where @value is stored; count, at most @max. */
size_t stack_find_value(const uint8_t *buf, size_t len, uint64_t base,
			uint64_t value, uint64_t *where, size_t max);

/*
 * Do the bytes @code[0..@n) that end right before a return address end
 * with an x86-64 call instruction (e8 rel32, ff /2 with any modrm form,
 * with or without a REX prefix)? @n is at most 8.
 */
int stack_is_call_before(const uint8_t *code, size_t n);

typedef int (*stack_text_fn)(void *ctx, uint64_t addr);	/* 1 text, else 0 */
typedef int (*stack_code_fn)(void *ctx, uint64_t addr, uint8_t *buf, size_t n);

/*
 * Return addresses on the stack, innermost first: slots whose value is
 * text (@is_text) and preceded by a call (@code reads the 8 bytes before
 * it; NULL skips that check). Stores value and slot address; count.
 */
size_t stack_return_addrs(const uint8_t *buf, size_t len, uint64_t base,
			  stack_text_fn is_text, stack_code_fn code, void *ctx,
			  uint64_t *addrs, uint64_t *slots, size_t max);

#endif
