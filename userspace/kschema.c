// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel "schema" the analysis needs (a few dozen struct member
 * offsets and symbol addresses), memoized and kept in a small per-build
 * cache file, so that a second dump of the same kernel build needs no
 * BTF and no kallsyms name lookup at all. Without the file (a first
 * run) the answers come from btf_lazy.c (the few BTF pieces that hold
 * them) and kallsyms' name bisection; libbpf loads the whole 4-6 MB
 * blob only when btf_lazy.c cannot tell.
 *
 * The file is named by the dump's VMCOREINFO BUILD-ID (hex only, else no
 * cache) and also checked against its OSRELEASE. Symbol addresses in the
 * kernel image are kept relative to _stext (KASLR moves them per boot),
 * others (per-CPU offsets) as they are. The file is as hostile as the
 * dump: a line that does not parse is ignored, and every answer is only
 * ever used for bounded reads of the dump.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "btf_lazy.h"
#include "btf_priv.h"
#include "dump.h"

#define KS_MAX_FILE	(1u << 20)
#define KS_MAX_ENT	4096
#define KS_MAGIC	"csdextract-schema 2"
#define KS_IMAGE_SPAN	(1ull << 31)	/* around _stext: the kernel image */

static struct kschema_ent *find(struct kbtf *b, char kind, const char *key)
{
	size_t i;

	for (i = 0; i < b->nent; i++)
		if (b->ent[i].kind == kind && !strcmp(b->ent[i].key, key))
			return &b->ent[i];
	return NULL;
}

static struct kschema_ent *add(struct kbtf *b, char kind, const char *key)
{
	struct kschema_ent *e;

	if (b->nent >= KS_MAX_ENT)
		return NULL;
	if (b->nent == b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 64;
		struct kschema_ent *n = realloc(b->ent, nc * sizeof(*n));

		if (!n)
			return NULL;
		b->ent = n;
		b->cap = nc;
	}
	e = &b->ent[b->nent];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->key = strdup(key);
	if (!e->key)
		return NULL;
	b->nent++;
	return e;
}

static int ensure_btf(struct kbtf *b)
{
	if (b->load_state == 0) {
		b->btf = kbtf_read_blob(b->d, b->note, sizeof(b->note));
		b->load_state = b->btf ? 1 : -1;
	}
	return b->load_state > 0 ? 0 : -1;
}

/* ---- the blob read piece by piece (btf_lazy.c) ------------------------- */

static int kbl_read_dump(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct kbtf *b = ctx;

	return dump_read_virt(b->d, b->kbl_va + off, buf, len);
}

static int kbl_id_dump(void *ctx, uint32_t id, uint64_t *off)
{
	struct kbtf *b = ctx;
	uint64_t p;

	if (dump_read_virt(b->d, b->kbl_types + 8ull * id, &p, 8) ||
	    p < b->kbl_va)
		return -1;
	*off = p - b->kbl_va;
	return 0;
}

/*
 * The kernel's own id index of its BTF: btf_vmlinux (parsed at boot when
 * BPF registers its kfuncs) is a struct btf { data, types, ... }, data
 * being __start_BTF; its nr_types follows a copy of the header, at byte
 * 72 on 6.12 and 80 on 7.3, so each u32 from 72 to 92 is offered and
 * kbl_set_index() keeps the one whose last record ends the type section.
 */
#define KBL_NR_OFF_FIRST	72
#define KBL_NR_OFF_LAST		92

static int kbl_kernel_index_words(struct kbtf *b, uint64_t w[12])
{
	uint64_t sym, p;

	sym = dump_symbol_addr(b->d, "btf_vmlinux");
	if (!sym || dump_read_virt(b->d, sym, &p, 8) ||
	    dump_read_virt(b->d, p, w, 12 * sizeof(*w)) || w[0] != b->kbl_va)
		return -1;
	b->kbl_types = w[1];
	return 0;
}

static void kbl_kernel_index(struct kbtf *b)
{
	uint64_t w[12];
	uint32_t nr;
	unsigned int k;

	if (!kbl_may_be_sorted(b->kbl))
		return;		/* a 6.x walk needs no index (and no lookup) */
	if (kbl_kernel_index_words(b, w))
		return;
	for (k = KBL_NR_OFF_FIRST; k <= KBL_NR_OFF_LAST; k += 4) {
		memcpy(&nr, (const char *)w + k, 4);
		if (kbl_set_index(b->kbl, kbl_id_dump, b, nr))
			return;
	}
}

/*
 * Types that sit far into an unsorted (6.x) BTF, each named instead
 * through a per-CPU variable of that type (the DATASEC records are at the
 * blob's end, reached through the kernel's id index): struct rq at ~900
 * KiB would otherwise cost a walk of ~220 dump pages on a first run.
 */
static const struct {
	const char *type, *var;
} kbl_var_hints[] = {
	{ "rq", "runqueues" },
};

static void kbl_hint(struct kbtf *b, const char *type)
{
	uint64_t w[12], v, base;
	uint32_t nr;
	unsigned int i, k;

	for (i = 0; i < sizeof(kbl_var_hints) / sizeof(kbl_var_hints[0]); i++)
		if (!strcmp(type, kbl_var_hints[i].type))
			break;
	if (i == sizeof(kbl_var_hints) / sizeof(kbl_var_hints[0]) ||
	    kbl_indexed(b->kbl))
		return;
	v = kbtf_sym(b, kbl_var_hints[i].var);
	base = kbtf_sym(b, "__per_cpu_start");	/* 0 on 6.x: offsets */
	if (!v || v < base || v - base > UINT32_MAX ||
	    kbl_kernel_index_words(b, w))
		return;
	for (k = KBL_NR_OFF_FIRST; k <= KBL_NR_OFF_LAST; k += 4) {
		memcpy(&nr, (const char *)w + k, 4);
		/*
		 * Done once an nr fits the index, found or not: kbl_var_type()
		 * keeps that index, and another nr would search the same.
		 */
		if (!kbl_var_type(b->kbl, kbl_id_dump, b, nr, ".data..percpu",
				  kbl_var_hints[i].var, v - base, type) ||
		    kbl_indexed(b->kbl))
			return;
	}
}

/*
 * The blob's length from its own header rather than from __stop_BTF:
 * one name lookup less (the .BTF section is the blob, nothing more;
 * libbpf, when asked, gets the blob up to __stop_BTF and checks it).
 */
static struct kbl *ensure_kbl(struct kbtf *b)
{
	unsigned char h[24];
	uint64_t len;

	if (b->kbl_state)
		return b->kbl;
	b->kbl_state = -1;
	b->kbl_va = dump_symbol_addr(b->d, "__start_BTF");
	if (!b->kbl_va || dump_read_virt(b->d, b->kbl_va, h, sizeof(h)))
		return NULL;
	len = kbl_blob_len(h);
	if (len < sizeof(h) || len > KBTF_MAX_SIZE)
		return NULL;
	b->kbl = kbl_open(kbl_read_dump, b, len);
	if (!b->kbl)
		return NULL;
	b->kbl_state = 1;
	kbl_kernel_index(b);
	return b->kbl;
}

int kschema_member(struct kbtf *b, const char *type, const char *path,
		   uint64_t *off, uint64_t *size)
{
	char key[256];
	struct kschema_ent *e;
	uint64_t o = 0, s = 0;
	int r;

	if (!type || !path || strchr(type, '\t') || strchr(path, '\t'))
		return -1;
	snprintf(key, sizeof(key), "%s\t%s", type, path);
	e = find(b, 'm', key);
	if (!e) {
		r = KBL_UNKNOWN;
		if (ensure_kbl(b)) {
			kbl_hint(b, type);
			r = kbl_member(b->kbl, type, path, &o, &s);
		}
		if (r == KBL_UNKNOWN) {
			r = ensure_btf(b) ? -1 : kbtf_member_raw(b, type, path, &o, &s);
			if (b->load_state < 0)
				return -1;	/* no answer: do not cache a failure to read */
		}
		e = add(b, 'm', key);
		if (!e)
			return r;
		e->ok = !r;
		e->a = o;
		e->b = s;
		b->dirty = 1;
	}
	if (!e->ok)
		return -1;
	if (off)
		*off = e->a;
	if (size)
		*size = e->b;
	return 0;
}

uint64_t kschema_size(struct kbtf *b, const char *type)
{
	struct kschema_ent *e = find(b, 's', type);
	uint64_t s;

	if (!e) {
		int r = ensure_kbl(b) ? kbl_size(b->kbl, type, &s) : KBL_UNKNOWN;

		if (r == KBL_UNKNOWN) {
			if (ensure_btf(b))
				return 0;
			s = kbtf_size_raw(b, type);
		} else if (r) {
			s = 0;
		}
		e = add(b, 's', type);
		if (!e)
			return s;
		e->ok = s != 0;
		e->a = s;
		b->dirty = 1;
	}
	return e->ok ? e->a : 0;
}

uint64_t kbtf_sym(struct kbtf *b, const char *name)
{
	struct kschema_ent *e;
	uint64_t v;

	if (!b || !b->lazy)
		return 0;
	e = find(b, 'y', name);
	if (!e) {
		int r = dump_symbol_lookup(b->d, name, &v);

		/*
		 * "Could not tell" (kallsyms unreadable: a truncated dump of
		 * this build) is not kept: kept as "absent" it would hide the
		 * symbol from every later dump of the build.
		 */
		if (r < 0)
			return 0;
		if (!r)
			v = 0;
		e = add(b, 'y', name);
		if (!e)
			return v;
		e->ok = v != 0;
		/* b: 1 = relative to _stext (in the kernel image) */
		e->b = b->stext && v &&	/* unsigned: no overflow at the top */
		       v - (b->stext - KS_IMAGE_SPAN / 2) < KS_IMAGE_SPAN;
		e->a = e->b ? v - b->stext : v;
		b->dirty = 1;
	}
	if (!e->ok)
		return 0;
	return e->b ? b->stext + e->a : e->a;
}

/* ---- the cache file ------------------------------------------------------ */

static int header_ok(struct kbtf *b, const char *line)
{
	char want[256];

	snprintf(want, sizeof(want), "%s %s %s", KS_MAGIC,
		 dump_vmcoreinfo(b->d, "BUILD-ID"), dump_release(b->d));
	return !strcmp(line, want);
}

static void parse_line(struct kbtf *b, char *line)
{
	char *f[6], *save = NULL, *t, *end;
	unsigned int n = 0;
	struct kschema_ent *e;
	char key[256];
	uint64_t v[3];
	unsigned int k, nnum;

	for (t = strtok_r(line, "\t", &save); t && n < 6; t = strtok_r(NULL, "\t", &save))
		f[n++] = t;
	if (n < 2 || strlen(f[0]) != 1)
		return;
	switch (f[0][0]) {
	case 'm':
		if (n != 6)
			return;
		snprintf(key, sizeof(key), "%s\t%s", f[1], f[2]);
		nnum = 3;
		break;
	case 's':
	case 'y':
		if (n != 5)
			return;
		snprintf(key, sizeof(key), "%s", f[1]);
		nnum = 3;
		break;
	default:
		return;
	}
	for (k = 0; k < nnum; k++) {
		const char *s = f[n - nnum + k];

		errno = 0;
		v[k] = strtoull(s, &end, 16);
		if (errno || end == s || *end)
			return;
	}
	if (find(b, f[0][0], key) || v[0] > 1)
		return;
	e = add(b, f[0][0], key);
	if (!e)
		return;
	e->ok = (int)v[0];
	e->a = v[1];
	e->b = v[2];
	b->from_cache = 1;
}

static void load_file(struct kbtf *b)
{
	FILE *f = fopen(b->path, "r");
	char *buf, *line, *save = NULL;
	size_t n;

	if (!f)
		return;
	buf = malloc(KS_MAX_FILE + 1);
	if (!buf) {
		fclose(f);
		return;
	}
	n = fread(buf, 1, KS_MAX_FILE, f);
	fclose(f);
	buf[n] = 0;
	line = strtok_r(buf, "\n", &save);
	if (line && header_ok(b, line))
		while ((line = strtok_r(NULL, "\n", &save)))
			parse_line(b, line);
	free(buf);
}

struct kbtf *kbtf_open_lazy(struct dump *d, const char *cache_dir)
{
	struct kbtf *b = calloc(1, sizeof(*b));
	const char *id = dump_vmcoreinfo(d, "BUILD-ID");
	size_t k;

	if (!b)
		return NULL;
	b->lazy = 1;
	b->d = d;
	dump_vmcoreinfo_u64(d, "SYMBOL(_stext)", &b->stext);
	if (!cache_dir || !*cache_dir || !id || !*id || strlen(id) > 80 || !b->stext)
		return b;
	for (k = 0; id[k]; k++)
		if (!strchr("0123456789abcdefABCDEF", id[k]))
			return b;
	if (asprintf(&b->path, "%s/%s.schema", cache_dir, id) < 0) {
		b->path = NULL;
		return b;
	}
	load_file(b);
	return b;
}

void kbtf_save(struct kbtf *b)
{
	char *tmp = NULL, *dir, *slash;
	FILE *f;
	size_t i;

	if (!b || !b->lazy || !b->path || !b->dirty)
		return;
	dir = strdup(b->path);
	if (!dir)
		return;
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = 0;
		mkdir(dir, 0755);	/* one level, best effort */
	}
	free(dir);
	if (asprintf(&tmp, "%s.tmp.%ld", b->path, (long)getpid()) < 0)
		return;
	f = fopen(tmp, "w");
	if (!f) {
		free(tmp);
		return;
	}
	fprintf(f, "%s %s %s\n", KS_MAGIC, dump_vmcoreinfo(b->d, "BUILD-ID"),
		dump_release(b->d));
	for (i = 0; i < b->nent; i++) {
		const struct kschema_ent *e = &b->ent[i];

		fprintf(f, "%c\t%s\t%x\t%llx\t%llx\n", e->kind, e->key, e->ok,
			(unsigned long long)e->a, (unsigned long long)e->b);
	}
	if (fclose(f) || rename(tmp, b->path))
		unlink(tmp);
	free(tmp);
	b->dirty = 0;
}

int kbtf_ok(struct kbtf *b, char *note, size_t len)
{
	uint64_t o;

	if (b && !kbtf_member(b, "task_struct", "pid", &o, NULL))
		return 1;
	snprintf(note, len, "%s", b && b->note[0] ? b->note : "no kernel BTF");
	return 0;
}

void kschema_free(struct kbtf *b)
{
	size_t i;

	kbl_close(b->kbl);
	b->kbl = NULL;
	b->kbl_state = 0;
	for (i = 0; i < b->nent; i++)
		free(b->ent[i].key);
	free(b->ent);
	free(b->path);
	b->ent = NULL;
	b->nent = b->cap = 0;
	b->path = NULL;
}
