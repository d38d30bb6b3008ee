/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The analysis layer of csdextract: decoder (dump + record) -> analysis ->
 * reporters. It works out from the dump alone (kernel BTF, kallsyms,
 * per-CPU data, stacks) who runs where, who waits for which lock and who
 * holds it, the wait-for cycles, the hung tasks, the CSD statistics of the
 * rings and one verdict. The reporters only print what is here.
 */
#ifndef CSDEXTRACT_ANALYSIS_H
#define CSDEXTRACT_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

struct ctx;
struct kvar;
struct kbtf;

#define AN_COMM		16
#define AN_MAX_CPUS	4096
#define AN_MAX_LOCKS	256
#define AN_MAX_CYCLES	32
#define AN_MAX_HUNG	256
#define AN_MAX_FUNCS	64
#define AN_MAX_FRAMES	48
#define AN_TOP_SENDERS	3

struct an_task {
	int valid;
	uint64_t addr;
	int pid;
	char comm[AN_COMM + 1];
	char state;		/* R S D T t X Z I ? */
	int idle;
	int cpu;		/* task's cpu field, -1 unknown */
	uint64_t stack;		/* task->stack, 0 unknown */
	uint64_t sp;		/* task->thread.sp (sleeping tasks) */
	uint64_t list_next;	/* task->tasks.next (the walk) */
	uint64_t list_prev;	/* task->tasks.prev (the walk back) */
	uint64_t signal;	/* task->signal (the thread walk) */
	uint64_t thread_next;	/* task->thread_node.next (the thread walk) */
};

enum an_wait_kind {
	AN_WAIT_NONE = 0,
	AN_WAIT_SPINLOCK,
	AN_WAIT_CSD,
	AN_WAIT_TASK,
	AN_WAIT_MUTEX,
	AN_WAIT_RWSEM,
	AN_WAIT_COMPLETION,	/* lock = the completion; no owner */
};

struct an_wait {
	enum an_wait_kind kind;
	uint64_t lock;			/* lock address (lock kinds) */
	char lock_name[128];		/* "" if unknown */
	int owner_cpu;			/* -1 unknown */
	int owner_pid;			/* -1 unknown */
	char owner_comm[AN_COMM + 1];	/* "" unknown */
	int target_cpu;			/* csd / task waits, -1 */
	char evidence[512];
};

struct an_cpu {
	int present;
	struct an_task task;
	struct an_wait wait;
	int have_regs;
	uint64_t rip;
	char rip_sym[128];
};

struct an_waiter {
	int cpu, pid;
	char comm[AN_COMM + 1];
};

struct an_lock {
	uint64_t addr;
	char name[128];
	enum an_wait_kind kind;
	uint64_t word;
	int owner_cpu, owner_pid;
	char owner_comm[AN_COMM + 1];
	char evidence[512];
	struct an_waiter waiters[16];
	unsigned int nwaiters;
};

struct an_node {
	int cpu, pid;
	char comm[AN_COMM + 1];
	char waits_for[160];
	int held_by_cpu, held_by_pid;
};

struct an_cycle {
	struct an_node nodes[8];
	unsigned int nnodes;
	char text[1024];
};

struct an_hung {
	struct an_task task;
	struct an_wait wait;
};

struct an_sender {
	unsigned int cpu;
	uint64_t count;
};

struct an_csd_stat {
	uint64_t func;
	char name[128];
	uint64_t requests, completed;
	uint64_t max_ns, p99_ns;
	struct an_sender top[AN_TOP_SENDERS];
	unsigned int ntop;
};

struct an_frame {
	uint64_t addr;
	char fn[160];
	const char *source;	/* "orc", "stack-scan", "log" */
};

enum an_verdict_kind {
	AN_V_UNKNOWN = 0,
	AN_V_CSD_HANG,
	AN_V_DEADLOCK,
	AN_V_HUNG_TASK,
	AN_V_SOFT_LOCKUP,
	AN_V_RCU_STALL,
	AN_V_HARD_LOCKUP,
	AN_V_SYSRQ,
};

struct an_verdict {
	enum an_verdict_kind kind;
	int csd_healthy;	/* 1, 0, -1 = no ring evidence */
	int have_culprit;
	int c_cpu, c_pid;
	char c_comm[AN_COMM + 1];
	char c_function[160];
	char c_lock[128];
	char text[2048];
};

struct analysis {
	int btf_ok;
	char btf_note[160];
	unsigned int ncpus;
	struct an_cpu *cpu;		/* [ncpus] */
	struct an_lock locks[AN_MAX_LOCKS];
	unsigned int nlocks;
	struct an_cycle cycles[AN_MAX_CYCLES];
	unsigned int ncycles;
	struct an_hung hung[AN_MAX_HUNG];
	unsigned int nhung;
	unsigned int ntasks;		/* tasks walked */
	int tasks_walked;		/* 0: no D task, list not walked */
	char tasks_note[160];		/* why the walk stopped early, "" */
	struct an_csd_stat stats[AN_MAX_FUNCS];
	unsigned int nstats;
	int have_stats;
	uint64_t csd_requests, csd_completed;
	struct an_frame pframes[AN_MAX_FRAMES];
	unsigned int npframes;
	struct an_verdict verdict;
	struct kvar *modsym_kv;		/* module symbols without a record */
	struct kbtf *modsym_btf;	/* its schema (kept as long) */
};

/*
 * Fill @a, which must come zeroed (calloc), from @c (dump, record, log).
 * Never fails: unknowns stay unknown.
 * Without a record, it also gives the dump layer a module-text symbol
 * fallback from the kernel's module list (until analysis_free()).
 */
void analysis_run(struct ctx *c, struct analysis *a);
void analysis_free(struct ctx *c, struct analysis *a);

const char *an_wait_kind_name(enum an_wait_kind k);
const char *an_verdict_name(enum an_verdict_kind k);

#endif
