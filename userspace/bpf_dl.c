// SPDX-License-Identifier: GPL-2.0
/*
 * libbpf through dlopen(), on first use: most runs answer every layout
 * question from the piecewise reader (btf_lazy.c) or the cache and never
 * parse a whole blob, and linking libbpf (with libelf) costs every start
 * ~0.3 ms of mapping and relocation, a tenth of a first run. Each symbol
 * is bound to the version node it had when csdextract was linked against
 * libbpf (dlvsym), so the ABI is the one the prototypes describe.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

#include "bpf_dl.h"

const struct bpf_dl *bpf_dl(void)
{
	static const struct {
		const char *name, *version;
		size_t off;
	} syms[] = {
#define S(f, v) { #f, v, offsetof(struct bpf_dl, f) }
		S(btf__new, "LIBBPF_0.0.1"),
		S(btf__free, "LIBBPF_0.0.1"),
		S(btf__type_cnt, "LIBBPF_0.6.0"),
		S(btf__type_by_id, "LIBBPF_0.0.1"),
		S(btf__find_by_name_kind, "LIBBPF_0.0.6"),
		S(btf__name_by_offset, "LIBBPF_0.0.1"),
		S(btf__resolve_size, "LIBBPF_0.0.1"),
		S(libbpf_set_print, "LIBBPF_0.0.1"),
#undef S
	};
	static struct bpf_dl api;
	static int state;	/* 0 not tried, 1 loaded, -1 cannot */
	void *h, *p;
	size_t i;

	if (state)
		return state > 0 ? &api : NULL;
	state = -1;
	h = dlopen("libbpf.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return NULL;
	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		p = dlvsym(h, syms[i].name, syms[i].version);
		if (!p) {
			memset(&api, 0, sizeof(api));
			dlclose(h);
			return NULL;
		}
		/* POSIX: a function's address round-trips through void * */
		memcpy((char *)&api + syms[i].off, &p, sizeof(p));
	}
	api.libbpf_set_print(NULL);	/* a bad blob is our report, not stderr's */
	state = 1;
	return &api;
}
