/* SPDX-License-Identifier: GPL-2.0 */
/* Private state shared by btf.c (the BTF reader) and kschema.c (its memo). */
#ifndef CSDEXTRACT_BTF_PRIV_H
#define CSDEXTRACT_BTF_PRIV_H

#include <stdint.h>

#include "btf.h"

struct btf;
struct kbl;

struct kschema_ent {
	char kind;		/* 'm' member, 's' size, 'y' symbol */
	char *key;		/* "type\\tpath" or "type" or "name" */
	int ok;
	uint64_t a, b;		/* offset, size / size / value (relocated) */
};

struct kbtf {
	struct btf *btf;	/* NULL until loaded (lazy) */
	/* lazy + memoized mode (kschema.c) */
	int lazy;
	struct dump *d;
	int load_state;		/* 0 not tried, 1 loaded, -1 failed */
	char note[160];
	struct kschema_ent *ent;
	size_t nent, cap;
	int dirty;
	int from_cache;		/* entries came from a cache file */
	char *path;		/* cache file, NULL = none */
	uint64_t stext;		/* this dump's SYMBOL(_stext) */
	/* the blob read piece by piece (btf_lazy.c), before libbpf */
	struct kbl *kbl;
	int kbl_state;		/* 0 not tried, 1 open, -1 not usable */
	uint64_t kbl_va;	/* __start_BTF */
	uint64_t kbl_types;	/* btf_vmlinux->types[], 0 if not used */
};

/* btf.c: the answers straight from the BTF (b->btf loaded). */
int kbtf_member_raw(const struct kbtf *b, const char *type, const char *path,
		    uint64_t *off, uint64_t *size);
uint64_t kbtf_size_raw(const struct kbtf *b, const char *type);
struct btf *kbtf_read_blob(struct dump *d, char *note, size_t len);

/* kschema.c */
int kschema_member(struct kbtf *b, const char *type, const char *path,
		   uint64_t *off, uint64_t *size);
uint64_t kschema_size(struct kbtf *b, const char *type);
void kschema_free(struct kbtf *b);

#endif
