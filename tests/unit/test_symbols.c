// SPDX-License-Identifier: GPL-2.0
/*
 * Module symbols (userspace/modsyms.c) as the kernel prints them: %pS for
 * an exact PC, %pB for a return address (look up addr - 1, print the
 * offset of addr, so a call that ends f is "f+0x20/0x20 [mod]", not the
 * next symbol at +0x0). The module's symtab/strtab live in a fake kernel
 * memory served by a stub dump_read_virt(); hostile tables must not crash.
 * The same rule for vmlinux kallsyms is checked on real dumps by
 * dump_test.c (every "Call Trace:" entry of the kernel's own dmesg).
 *
 *   test_symbols        exit 0 when every check passes
 */
#include "../../userspace/modsyms.c"

#include <stdio.h>

#define VA_SYMTAB	0xffffffffc1000000ull
#define VA_STRTAB	0xffffffffc1001000ull
#define TEXT		0xffffffffc0000000ull

static unsigned char symtab_mem[4096], strtab_mem[256];

int dump_read_virt(struct dump *d, uint64_t va, void *buf, size_t len)
{
	(void)d;
	if (va >= VA_SYMTAB && va - VA_SYMTAB <= sizeof(symtab_mem) &&
	    len <= sizeof(symtab_mem) - (va - VA_SYMTAB)) {
		memcpy(buf, symtab_mem + (va - VA_SYMTAB), len);
		return 0;
	}
	if (va >= VA_STRTAB && va - VA_STRTAB <= sizeof(strtab_mem) &&
	    len <= sizeof(strtab_mem) - (va - VA_STRTAB)) {
		memcpy(buf, strtab_mem + (va - VA_STRTAB), len);
		return 0;
	}
	return -1;
}

static int fails, checks;

static void expect(struct modsyms *m, uint64_t addr, int ret, const char *want)
{
	char got[256];
	int r = modsyms_lookup(m, addr, ret, got, sizeof(got));

	checks++;
	if (!want ? r == 0 : (r != 0 || strcmp(got, want))) {
		printf("FAIL %s of text+0x%llx: got %s, want %s\n", ret ? "%pB" : "%pS",
		       (unsigned long long)(addr - TEXT), r ? "(none)" : got,
		       want ? want : "(none)");
		fails++;
	}
}

int main(void)
{
	/* f1 [0x0, 0x20), f2 [0x20, 0x50), f3 [0x50, end of text 0x60) */
	static const char str[] = "\0f1\0f2\0f3";
	Elf64_Sym s[4];
	struct cs_decoded rec;
	struct modsyms *m;

	memset(s, 0, sizeof(s));
	s[1] = (Elf64_Sym){ .st_name = 1, .st_shndx = 1, .st_value = TEXT };
	s[2] = (Elf64_Sym){ .st_name = 4, .st_shndx = 1, .st_value = TEXT + 0x20 };
	s[3] = (Elf64_Sym){ .st_name = 7, .st_shndx = 1, .st_value = TEXT + 0x50 };
	memcpy(symtab_mem, s, sizeof(s));
	memcpy(strtab_mem, str, sizeof(str));
	memset(&rec, 0, sizeof(rec));
	snprintf(rec.module[0].name, sizeof(rec.module[0].name), "mod");
	rec.module[0].text_base = TEXT;
	rec.module[0].text_size = 0x60;
	rec.module[0].symtab = VA_SYMTAB;
	rec.module[0].strtab = VA_STRTAB;
	rec.module[0].num_syms = 4;
	rec.nmodule = 1;
	m = modsyms_load(NULL, &rec);
	if (!m) {
		printf("FAIL modsyms_load\n");
		return 1;
	}
	/* %pS: exact */
	expect(m, TEXT, 0, "f1+0x0/0x20 [mod]");
	expect(m, TEXT + 0x1f, 0, "f1+0x1f/0x20 [mod]");
	expect(m, TEXT + 0x20, 0, "f2+0x0/0x30 [mod]");
	expect(m, TEXT + 0x5f, 0, "f3+0xf/0x10 [mod]");
	expect(m, TEXT + 0x60, 0, NULL);		/* past the text */
	expect(m, TEXT - 1, 0, NULL);
	/* %pB: addr - 1 names the function, the offset is addr's */
	expect(m, TEXT + 0x20, 1, "f1+0x20/0x20 [mod]");	/* call ends f1 */
	expect(m, TEXT + 0x21, 1, "f2+0x1/0x30 [mod]");
	expect(m, TEXT + 0x50, 1, "f2+0x30/0x30 [mod]");
	expect(m, TEXT + 0x60, 1, "f3+0x10/0x10 [mod]");	/* end of the text */
	expect(m, TEXT + 0x1, 1, "f1+0x1/0x20 [mod]");
	expect(m, TEXT, 1, NULL);			/* addr - 1 is before the text */
	expect(m, 0, 1, NULL);
	expect(m, 1, 1, NULL);
	expect(m, UINT64_MAX, 0, NULL);
	expect(m, UINT64_MAX, 1, NULL);
	modsyms_free(m);

	/* hostile: symbols past the text, an unreadable string, no symtab */
	s[2].st_name = 0x7fffffff;
	s[3].st_value = TEXT + 0x1000;
	memcpy(symtab_mem, s, sizeof(s));
	m = modsyms_load(NULL, &rec);
	expect(m, TEXT + 0x20, 1, "f1+0x20/0x20 [mod]");
	expect(m, TEXT + 0x21, 1, "0xffffffffc0000021 [mod+0x21]");	/* f2 unnamed */
	expect(m, TEXT + 0x5f, 0, "0xffffffffc000005f [mod+0x5f]");
	modsyms_free(m);
	rec.module[0].num_syms = 1u << 30;
	m = modsyms_load(NULL, &rec);
	expect(m, TEXT + 0x20, 1, "0xffffffffc0000020 [mod+0x20]");
	modsyms_free(m);

	printf("test_symbols: %d checks, %d failures\n", checks, fails);
	return fails != 0;
}
