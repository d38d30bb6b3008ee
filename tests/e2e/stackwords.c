// SPDX-License-Identifier: GPL-2.0
/*
 * stackwords: where given 64-bit values sit on the kernel stacks of given
 * tasks in a vmcore. For tests that check what a dump's stacks hold, e.g.
 * that no return address was replaced by a kretprobe trampoline.
 *
 *   stackwords VMCORE TASK[,TASK...] VALUE[:LEN] [VALUE[:LEN]...]
 *
 * TASK is a task_struct address (csdextract --json gives each CPU's), its
 * stack is task->stack (offset 0x20 in Debian's 6.1 and 6.12 BTF), 16 KiB.
 * A VALUE matches a word equal to it, VALUE:LEN any word in
 * [VALUE, VALUE + LEN). Output, one line per match:
 *   match TASK VALUE SLOT WORD
 * and per task "stack TASK BASE" or "nostack TASK". Exit 0 after the
 * scan (matches or not), 1 on an unreadable dump, 2 on usage.
 * Every byte of the dump is untrusted: reads are bounded and checked.
 */
#define _POSIX_C_SOURCE 200809L
#include <libkdumpfile/kdumpfile.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TASK_STACK_OFF	0x20
#define STACK_BYTES	16384u
#define MAX_VALUES	32

struct want {
	uint64_t lo, len;
};

static int read_kv(kdump_ctx_t *ctx, uint64_t addr, void *buf, size_t len)
{
	size_t got = len;

	if (kdump_read(ctx, KDUMP_KVADDR, addr, buf, &got) != KDUMP_OK)
		return -1;
	return got == len ? 0 : -1;
}

static void scan_task(kdump_ctx_t *ctx, uint64_t task, const struct want *w,
		      size_t nw)
{
	static uint64_t stack[STACK_BYTES / 8];
	uint64_t base = 0;
	size_t i, j;

	if (read_kv(ctx, task + TASK_STACK_OFF, &base, sizeof(base)) ||
	    base < 0xffff800000000000ull || base % STACK_BYTES ||
	    read_kv(ctx, base, stack, sizeof(stack))) {
		printf("nostack 0x%016llx\n", (unsigned long long)task);
		return;
	}
	printf("stack 0x%016llx 0x%016llx\n", (unsigned long long)task,
	       (unsigned long long)base);
	for (i = 0; i < STACK_BYTES / 8; i++)
		for (j = 0; j < nw; j++)
			if (stack[i] - w[j].lo < w[j].len)
				printf("match 0x%016llx 0x%016llx 0x%016llx 0x%016llx\n",
				       (unsigned long long)task,
				       (unsigned long long)w[j].lo,
				       (unsigned long long)(base + 8 * i),
				       (unsigned long long)stack[i]);
}

int main(int argc, char **argv)
{
	struct want w[MAX_VALUES];
	kdump_ctx_t *ctx;
	char *tasks, *t, *end;
	size_t nw = 0;
	FILE *f;
	int i;

	if (argc < 4 || argc - 3 > MAX_VALUES) {
		fprintf(stderr, "usage: stackwords VMCORE TASK[,TASK...] VALUE[:LEN]...\n");
		return 2;
	}
	for (i = 3; i < argc; i++) {
		w[nw].lo = strtoull(argv[i], &end, 0);
		w[nw].len = *end == ':' ? strtoull(end + 1, &end, 0) : 1;
		if (*end || !w[nw].len) {
			fprintf(stderr, "stackwords: bad value '%s'\n", argv[i]);
			return 2;
		}
		nw++;
	}
	f = fopen(argv[1], "rb");
	ctx = kdump_new();
	if (!f || !ctx || kdump_open_fd(ctx, fileno(f)) != KDUMP_OK ||
	    kdump_set_string_attr(ctx, "addrxlat.ostype", "linux") != KDUMP_OK) {
		fprintf(stderr, "stackwords: %s: %s\n", argv[1],
			ctx ? kdump_get_err(ctx) : "cannot open");
		return 1;
	}
	tasks = strdup(argv[2]);
	for (t = strtok(tasks, ","); t; t = strtok(NULL, ","))
		scan_task(ctx, strtoull(t, NULL, 0), w, nw);
	free(tasks);
	kdump_free(ctx);
	fclose(f);
	return 0;
}
