/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few libbpf functions btf.c calls, loaded with dlopen() the first
 * time a whole BTF blob must be parsed (see bpf_dl.c).
 */
#ifndef CSDEXTRACT_BPF_DL_H
#define CSDEXTRACT_BPF_DL_H

#include <bpf/btf.h>
#include <bpf/libbpf.h>

struct bpf_dl {
	struct btf *(*btf__new)(const void *data, __u32 size);
	void (*btf__free)(struct btf *btf);
	__u32 (*btf__type_cnt)(const struct btf *btf);
	const struct btf_type *(*btf__type_by_id)(const struct btf *btf, __u32 id);
	__s32 (*btf__find_by_name_kind)(const struct btf *btf, const char *name,
					__u32 kind);
	const char *(*btf__name_by_offset)(const struct btf *btf, __u32 offset);
	__s64 (*btf__resolve_size)(const struct btf *btf, __u32 type_id);
	libbpf_print_fn_t (*libbpf_set_print)(libbpf_print_fn_t fn);
};

/* libbpf's functions (its print callback already off); NULL when
 * libbpf.so.1 or one of them cannot be loaded. Tried once per process. */
const struct bpf_dl *bpf_dl(void);

#endif
