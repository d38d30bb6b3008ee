/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel types from the kernel's own BTF (CONFIG_DEBUG_INFO_BTF): the
 * blob between __start_BTF and __stop_BTF is in every vmcore. Parsed
 * with libbpf; only struct layouts are asked for (member offsets and
 * sizes by name), so the analysis needs no debuginfo.
 */
#ifndef CSDEXTRACT_BTF_H
#define CSDEXTRACT_BTF_H

#include <stddef.h>
#include <stdint.h>

struct dump;
struct kbtf;

#define KBTF_MAX_SIZE	(64u << 20)

/* The dump's vmlinux BTF, or NULL with a one-line reason in @note. */
struct kbtf *kbtf_load(struct dump *d, char *note, size_t len);

/*
 * The same, lazily and memoized (kschema.c): answers come from the
 * per-build cache file when it has them (no BTF or kallsyms names read),
 * else from the dump's BTF, loaded on the first miss. Never NULL except
 * on out-of-memory; kbtf_member() fails when neither has the answer.
 * @cache_dir NULL: no cache file.
 */
struct kbtf *kbtf_open_lazy(struct dump *d, const char *cache_dir);
/* Address of kernel symbol @name (memoized; KASLR-relocated), or 0. */
uint64_t kbtf_sym(struct kbtf *b, const char *name);
/* Write new answers to the cache file (best effort). */
void kbtf_save(struct kbtf *b);
/* 1 if BTF answered (from the cache or the dump), else 0 + note. */
int kbtf_ok(struct kbtf *b, char *note, size_t len);
/* Parse a raw BTF blob (copied); NULL if it is not valid BTF. */
struct kbtf *kbtf_from_mem(const void *data, size_t len);
void kbtf_free(struct kbtf *b);

/*
 * Offset and size in bytes of member @path ("thread.sp", anonymous
 * structs and unions looked through) of struct or union @type. 0 or -1
 * (no such type or member, a bitfield, or a path deeper than 8).
 */
int kbtf_member(const struct kbtf *b, const char *type, const char *path,
		uint64_t *off, uint64_t *size);
/* Size of struct/union @type, or 0. */
uint64_t kbtf_size(const struct kbtf *b, const char *type);
/* Number of types (tests). */
unsigned int kbtf_nr_types(const struct kbtf *b);

#endif
