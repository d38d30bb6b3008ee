/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dump layer as the BTF tests see it: nothing answers. btf.c and
 * kschema.c call these; test_btf and fuzz_btf run them on blobs alone.
 * Include from one translation unit of a test program only.
 */
#ifndef CRASHSAFE_TEST_DUMP_STUBS_H
#define CRASHSAFE_TEST_DUMP_STUBS_H

#include <stddef.h>
#include <stdint.h>

struct dump;
uint64_t dump_symbol_addr(struct dump *d, const char *name);
int dump_symbol_lookup(struct dump *d, const char *name, uint64_t *out);
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

int dump_symbol_lookup(struct dump *d, const char *name, uint64_t *out)
{
	(void)d;
	(void)name;
	(void)out;
	return -1;
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

#endif
