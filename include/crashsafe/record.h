/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crashsafe saved-record format: the one definition shared by crashsafe.ko
 * (which writes it) and csdextract (which reads it out of a vmcore).
 *
 * Layout rules (version 1):
 *  - Everything is little-endian x86_64, naturally aligned, no implicit
 *    padding (every struct below spells its padding out), so the same
 *    header compiles to the same layout in the kernel and in userspace.
 *  - The record starts with struct cs_root at a page-aligned, physically
 *    contiguous allocation. Every other area is reached through the
 *    root's section table by PHYSICAL address, so a reader needs no page
 *    tables to find anything (only module symbol tables, which live in
 *    module memory, are referenced by kernel-virtual address).
 *  - Static parts (root + section table + per-CPU address tables) are
 *    sealed with cs_crc32() at load. Parts written at run or crash time
 *    carry their own check word, written last, so a reader can tell a
 *    complete entry from one cut short by the crash.
 *  - A reader accepts any record whose version_major it knows; minor
 *    versions only append fields/sections, except that 1.1 changed the
 *    algorithm of cs_event_check() (1.0 records: cs_event_check_v1_0()). Unknown section types are skipped using their
 *    entry_size/count.
 *
 * Ordering key ("seq"): the CPU's TSC (rdtsc_ordered()), forced strictly
 * increasing per CPU (max(tsc, last + 1)). On x86 the kernel only keeps TSC
 * as clocksource when it is synchronised across CPUs, so seq gives a total
 * order across CPUs for causally related events (queue on the sender
 * precedes gotipi on the target by at least an IPI latency) without any
 * shared cache line being written. root.tsc_khz converts to time.
 */
#ifndef _CRASHSAFE_RECORD_H
#define _CRASHSAFE_RECORD_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/stddef.h>
#else
#include <linux/types.h>
#include <stddef.h>
#endif

#define CS_ROOT_MAGIC		"CSAFEREC"	/* 8 bytes, no NUL */
#define CS_RING_MAGIC		"CSAFERNG"
#define CS_LOG_MAGIC		"CSAFELOG"
#define CS_MAGIC_LEN		8

#define CS_VERSION_MAJOR	1
#define CS_VERSION_MINOR	2	/* 1: cheaper cs_event_check() */
					/* 2: CS_SEC_STATUS, log slot level */

/* Hard limits a reader enforces before trusting any count. */
#define CS_MAX_CPUS		8192
#define CS_MAX_SECTIONS		32
#define CS_MAX_RING_ENTRIES	(1u << 20)
#define CS_MAX_LOG_SLOTS	(1u << 16)
#define CS_MAX_HANGS		8
#define CS_MAX_LOCKUPS		8
#define CS_MAX_MODULES		128
#define CS_MAX_FRAMES		32
#define CS_STACK_BYTES		512
#define CS_NO_CPU		0xffffu	/* src/dst: none or a mask */

/* ---- section table --------------------------------------------------- */

enum cs_section_type {
	CS_SEC_RING_TABLE	= 1,	/* __u64[nr_cpus]: phys of struct cs_ring */
	CS_SEC_LOG_TABLE	= 2,	/* __u64[nr_cpus]: phys of struct cs_log */
	CS_SEC_CPU_STATE	= 3,	/* struct cs_cpu_state[nr_cpus] */
	CS_SEC_CSD_HANGS	= 4,	/* struct cs_csd_hang[CS_MAX_HANGS] */
	CS_SEC_LOCKUPS		= 5,	/* struct cs_lockup[CS_MAX_LOCKUPS] */
	CS_SEC_CRASH		= 6,	/* struct cs_crash[1] */
	CS_SEC_MODULES		= 7,	/* struct cs_module[CS_MAX_MODULES] */
	CS_SEC_STATUS		= 8,	/* struct cs_status[1], since 1.2 */
};

struct cs_section {
	__u32 type;		/* enum cs_section_type */
	__u32 entry_size;	/* bytes per entry */
	__u32 count;		/* number of entries */
	__u32 flags;		/* reserved, 0 */
	__u64 phys;		/* physical address of entry 0 */
};

/* ---- root -------------------------------------------------------------- */

enum cs_root_flags {
	CS_ROOT_TRACEPOINTS	= 1u << 0,	/* hooks are csd:/ipi: tracepoints */
	CS_ROOT_KPROBES		= 1u << 1,	/* hooks are kprobes (6.1) */
	CS_ROOT_CRASH_STOP	= 1u << 2,	/* crash_stop_other_cpus replaced */
	CS_ROOT_HARDLOCKUP	= 1u << 3,	/* buddy hard-lockup detector on */
};

struct cs_root {
	char magic[CS_MAGIC_LEN];	/* CS_ROOT_MAGIC */
	__u16 version_major;
	__u16 version_minor;
	__u32 root_size;		/* sizeof(struct cs_root) incl. sections */
	__u32 nr_cpus;			/* nr_cpu_ids when loaded */
	__u32 nr_sections;		/* used entries of sect[] */
	__u32 flags;			/* enum cs_root_flags */
	__u32 tsc_khz;			/* seq units: seq / tsc_khz = ms */
	__u64 self_phys;		/* physical address of this root */
	__u64 self_virt;		/* kernel-virtual address of this root */
	__u64 load_seq;			/* seq when the module loaded */
	__u64 load_realtime_ns;		/* CLOCK_REALTIME when loaded */
	__u32 csd_timeout_ms;		/* module parameters at load */
	__u32 hardlockup_thresh_ms;
	__u32 stop_ipi_ms;
	__u32 stop_nmi_ms;
	char release[64];		/* utsname()->release, NUL-terminated */
	char module_version[32];	/* crashsafe version string */
	struct cs_section sect[CS_MAX_SECTIONS];
	__u32 reserved;
	__u32 check;			/* cs_crc32 of all above, check = 0 */
};

/* ---- per-CPU CSD/IPI event ring ---------------------------------------- */

/* Event vocabulary of the v5.13 csdlock_debug=ext data (seed 000). */
enum cs_event_type {
	CS_EV_NONE	= 0,
	CS_EV_QUEUE	= 1,	/* sender queued a csd for dst */
	CS_EV_IPI	= 2,	/* sender sends an IPI to dst */
	CS_EV_NOIPI	= 3,	/* sender queued but sent no IPI (queue busy / idle poll) */
	CS_EV_PING	= 4,	/* sender starts IPI to a mask (dst = CS_NO_CPU) */
	CS_EV_PINGED	= 5,	/* sender done sending IPI to a mask */
	CS_EV_GOTIPI	= 6,	/* target entered the call-function IPI handler */
	CS_EV_HANDLE	= 7,	/* target starts running a queued callback */
	CS_EV_DEQUEUE	= 8,	/* target took a csd off its queue */
	CS_EV_HDLEND	= 9,	/* target finished a callback */
	CS_EV_IDLE	= 10,	/* target flushed its queue from idle */
	CS_EV_MAX
};

enum cs_ctx {
	CS_CTX_TASK	= 0,
	CS_CTX_SOFTIRQ	= 1,
	CS_CTX_HARDIRQ	= 2,
	CS_CTX_NMI	= 3,
};

struct cs_event {			/* 48 bytes */
	__u64 seq;			/* ordering key, 0 = never written */
	__u64 func;			/* callback address, 0 if unknown */
	__u64 csd;			/* csd address, 0 if unknown */
	__u64 callsite;			/* caller address, 0 if unknown */
	__u16 src;			/* sending CPU or CS_NO_CPU */
	__u16 dst;			/* target CPU or CS_NO_CPU */
	__u8 type;			/* enum cs_event_type */
	__u8 ctx;			/* enum cs_ctx of the writer */
	__u16 cpu;			/* CPU whose ring this is (writer) */
	__u32 aux;			/* type-specific (PING: mask weight) */
	__u32 check;			/* cs_event_check(), written last */
};

struct cs_ring {			/* header, then entries */
	char magic[CS_MAGIC_LEN];	/* CS_RING_MAGIC */
	__u32 cpu;
	__u32 nr_entries;		/* power of two */
	__u32 entry_size;		/* sizeof(struct cs_event) */
	__u32 pad0;
	__u64 head;			/* events ever reserved; slot = n % nr */
	__u64 last_seq;			/* last seq handed out on this CPU */
	__u64 last_irq_seq;		/* last time this CPU took a timer irq */
	__u64 last_heartbeat_seq;	/* last hrtimer heartbeat on this CPU */
	__u64 pad1;			/* header is 64 bytes */
	struct cs_event ev[];
};

/* ---- per-CPU NMI-safe text log ----------------------------------------- */

#define CS_LOG_TEXT	104

struct cs_log_slot {			/* 128 bytes */
	__u64 seq;			/* ordering key, 0 = never written */
	__u16 cpu;
	__u8 ctx;			/* enum cs_ctx */
	__u8 cont;			/* 1: continues the previous slot */
	__u16 len;			/* bytes used in text[] */
	__u8 level;			/* 1 + printk level (LOGLEVEL_*), 0: */
					/* not recorded (record < 1.2) */
	__u8 pad;
	__u32 check;			/* cs_log_check(), written last */
	__u32 pad2;
	char text[CS_LOG_TEXT];		/* not NUL-terminated */
};

struct cs_log {
	char magic[CS_MAGIC_LEN];	/* CS_LOG_MAGIC */
	__u32 cpu;
	__u32 nr_slots;			/* power of two */
	__u64 head;			/* slots ever reserved */
	__u64 pad[5];			/* header is 64 bytes */
	struct cs_log_slot slot[];
};

/* ---- captured CPU context --------------------------------------------- */

struct cs_regs {			/* same order as x86_64 struct pt_regs */
	__u64 r15, r14, r13, r12, bp, bx, r11, r10, r9, r8;
	__u64 ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss;
};

enum cs_capture_flags {
	CS_CAP_VALID	= 1u << 0,	/* regs hold a real context */
	CS_CAP_NMI	= 1u << 1,	/* captured by NMI */
	CS_CAP_IRQ	= 1u << 2,	/* captured by a regular interrupt */
	CS_CAP_USER	= 1u << 3,	/* interrupted context was user mode */
	CS_CAP_TIMEOUT	= 1u << 4,	/* target never answered the NMI */
};

struct cs_capture {
	__u32 cpu;
	__u32 flags;			/* enum cs_capture_flags */
	__u64 seq;			/* when captured */
	struct cs_regs regs;
	__u32 nr_frames;		/* valid entries of frames[] */
	__u32 stack_len;		/* valid bytes of stack[] */
	__u64 frames[CS_MAX_FRAMES];	/* unwound return addresses, frames[0] = ip */
	__u64 stack_sp;			/* address stack[0] was copied from */
	__u8 stack[CS_STACK_BYTES];	/* raw stack snapshot from regs.sp */
};

/* ---- crash stop: per-CPU state ---------------------------------------- */

enum cs_stop {
	CS_STOP_NONE	= 0,	/* no crash stop ran (or CPU not involved) */
	CS_STOP_PANIC	= 1,	/* the CPU that ran the stop sequence */
	CS_STOP_IPI	= 2,	/* answered the regular IPI */
	CS_STOP_NMI	= 3,	/* needed the NMI */
	CS_STOP_NOANSWER = 4,	/* answered neither */
	CS_STOP_OFFLINE	= 5,	/* was offline */
};

struct cs_cpu_state {
	__u32 cpu;
	__u32 stop;			/* enum cs_stop */
	__u64 stop_latency_ns;		/* from first request to answer */
	__u64 irqs_off_ns;		/* >= this long without a timer irq, ~0 unknown */
	__u32 online;
	__u32 check;			/* cs_crc32 of this entry, check = 0 */
	struct cs_capture cap;		/* context when it was stopped */
};

/* ---- CSD hang reports --------------------------------------------------- */

enum cs_csd_verdict {
	CS_VERDICT_UNKNOWN	= 0,
	CS_VERDICT_IRQS_OFF	= 1,	/* target has had interrupts disabled */
	CS_VERDICT_LOST_IPI	= 2,	/* IPI sent, never received, irqs were on */
	CS_VERDICT_NOIPI	= 3,	/* no IPI sent: one was already pending */
	CS_VERDICT_BUSY_PRIOR	= 4,	/* target busy in a prior callback */
	CS_VERDICT_BUSY_THIS	= 5,	/* target is running this callback */
};

enum cs_hang_flags {
	CS_HANG_VALID		= 1u << 0,
	CS_HANG_PANICKED	= 1u << 1,	/* this hang caused the panic */
	CS_HANG_RESOLVED	= 1u << 2,	/* request completed later */
};

struct cs_csd_hang {
	__u32 id;			/* #N as printed */
	__u32 flags;			/* enum cs_hang_flags */
	__u32 source_cpu;
	__u32 target_cpu;
	__u32 verdict;			/* enum cs_csd_verdict */
	__u32 target_state;		/* CS_VERDICT_BUSY_* or 0: none */
	__u64 func;
	__u64 info;
	__u64 csd;
	__u64 callsite;
	__u64 queued_seq;
	__u64 detected_seq;
	__u64 waited_ns;
	__u64 target_irqs_off_ns;	/* ~0 unknown */
	__u64 prior_func;		/* callback the target is in, if known */
	__u32 reserved;
	__u32 check;			/* cs_crc32 of this entry, check = 0 */
	struct cs_capture target;	/* target CPU context by NMI */
};

/* ---- hard lockups -------------------------------------------------------- */

struct cs_lockup {
	__u32 cpu;
	__u32 flags;			/* CS_HANG_VALID | CS_HANG_PANICKED */
	__u32 detector_cpu;
	__u32 reserved;
	__u64 detected_seq;
	__u64 stuck_ns;			/* heartbeat age when detected */
	__u64 irqs_off_ns;		/* >= this long without a timer irq */
	__u32 reserved2;
	__u32 check;			/* cs_crc32 of this entry, check = 0 */
	struct cs_capture cap;
};

/* ---- crash summary ----------------------------------------------------- */

enum cs_crash_flags {
	CS_CRASH_VALID		= 1u << 0,
	CS_CRASH_STOP_RAN	= 1u << 1,	/* our stop sequence ran */
	/* The kernel had marked the TSC unstable: order across CPUs is rough */
	CS_CRASH_TSC_UNSTABLE	= 1u << 2,
};

struct cs_crash {
	__u32 flags;			/* enum cs_crash_flags */
	__u32 panic_cpu;
	__u64 crash_seq;
	__u64 crash_realtime_ns;
	__u32 stop_ipi_ms;
	__u32 stop_nmi_ms;
	__u64 ipi_phase_ns;
	__u64 nmi_phase_ns;
	__u32 hang_index;		/* index in CS_SEC_CSD_HANGS, ~0 none */
	__u32 lockup_index;		/* index in CS_SEC_LOCKUPS, ~0 none */
	__u32 nr_ipi;
	__u32 nr_nmi;
	__u32 nr_noanswer;
	__u32 check;			/* cs_crc32 of this entry, check = 0 */
};

/* ---- loaded modules, for symbolising module addresses ------------------ */

struct cs_module {
	char name[56];			/* NUL-terminated, empty = free slot */
	__u64 text_base;		/* core text start (kernel virtual) */
	__u64 text_size;
	__u64 symtab;			/* Elf64_Sym[num_syms] (kernel virtual) */
	__u64 strtab;			/* string table (kernel virtual) */
	__u32 num_syms;
	__u32 check;			/* cs_crc32 of this entry, check = 0 */
};

/* ---- module status: hook liveness, table overflow (since 1.2) ---------- */

/*
 * Hook kinds, one bit each in cs_status.hooks_wanted / hooks_live. A kind
 * is "wanted" when the running module tried to install it on this kernel,
 * "live" when that worked. Which backend provides a kind differs (6.12:
 * tracepoints, 6.1: kprobes), the evidence it yields does not.
 */
enum cs_hook_kind {
	CS_HOOK_CSD_QUEUE	= 1u << 0,	/* sender queues a csd: QUEUE */
	CS_HOOK_IPI_SEND	= 1u << 1,	/* call-function IPI sent: IPI, PING */
	CS_HOOK_CSD_ENTRY_EXIT	= 1u << 2,	/* callback runs: DEQUEUE, HANDLE, HDLEND */
	CS_HOOK_CALLFUNC_VECTOR	= 1u << 3,	/* call-function IPI taken: GOTIPI */
	CS_HOOK_IDLE_NOIPI	= 1u << 4,	/* idle target woken without IPI: NOIPI */
	CS_HOOK_SINGLE_WAIT	= 1u << 5,	/* smp_call_function_single() waits tracked */
	CS_HOOK_MANY_WAIT	= 1u << 6,	/* smp_call_function_many() waits tracked */
	CS_HOOK_TIMER_IRQ	= 1u << 7,	/* local timer irq seen: irqs-off time */
	CS_HOOK_STOP_IPI_VECTOR	= 1u << 8,	/* crash stop can park CPUs by IPI */
	CS_HOOK_ALL		= (1u << 9) - 1,
};

/* The CSD kinds: a verdict mapping applies once any of them was reported. */
#define CS_HOOKS_CSD	(CS_HOOK_CSD_QUEUE | CS_HOOK_IPI_SEND | \
			 CS_HOOK_CSD_ENTRY_EXIT | CS_HOOK_CALLFUNC_VECTOR | \
			 CS_HOOK_IDLE_NOIPI | CS_HOOK_SINGLE_WAIT | \
			 CS_HOOK_MANY_WAIT)

/*
 * The hooks whose events a CSD verdict is built from; the one mapping
 * for the module and csdextract. A verdict may stand only when all of
 * them were live: "no ipi event" means "no IPI" only if IPIs are seen.
 *   irqs_off:   the target's NMI capture (IF clear) or its irqs-off time;
 *               the capture needs no hook, so nothing
 *   lost_ipi:   an IPI send seen, and no call-function entry after it
 *   noipi:      a queue seen and no IPI send after it
 *   busy_*:     the target's callback entry without its exit
 */
static inline __u32 cs_verdict_needs(__u32 verdict)
{
	switch (verdict) {
	case CS_VERDICT_LOST_IPI:
		return CS_HOOK_IPI_SEND | CS_HOOK_CALLFUNC_VECTOR;
	case CS_VERDICT_NOIPI:
		return CS_HOOK_CSD_QUEUE | CS_HOOK_IPI_SEND;
	case CS_VERDICT_BUSY_PRIOR:
	case CS_VERDICT_BUSY_THIS:
		return CS_HOOK_CSD_ENTRY_EXIT;
	}
	return 0;
}

enum cs_status_flags {
	CS_STATUS_HOOKS_SET	= 1u << 0,	/* cs_record_set_hooks() was called */
	CS_STATUS_MOD_OVERFLOW	= 1u << 1,	/* module table was full at least once */
};

struct cs_status {
	__u32 flags;			/* enum cs_status_flags */
	__u32 hooks_wanted;		/* enum cs_hook_kind bits */
	__u32 hooks_live;		/* subset of hooks_wanted */
	__u32 modules_dropped;		/* loaded modules not in CS_SEC_MODULES */
	__u32 reserved;
	__u32 check;			/* cs_crc32 of this entry, check = 0 */
};

/* ---- checks -------------------------------------------------------------- */

/*
 * CRC-32 (IEEE 802.3, as zlib's crc32()). Bitwise: no table, no FPU, safe
 * in NMI and crash context; only used on small structures.
 */
static inline __u32 cs_crc32(const void *buf, size_t len)
{
	const __u8 *p = (const __u8 *)buf;
	__u32 crc = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

/* CRC of a struct whose trailing-or-inner __u32 check field counts as 0. */
static inline __u32 cs_crc32_skip(const void *buf, size_t len, size_t check_off)
{
	const __u8 *p = (const __u8 *)buf;
	__u32 crc = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		__u8 b = (i >= check_off && i < check_off + 4) ? 0 : p[i];

		crc ^= b;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

#define CS_SEAL(ptr, type) \
	cs_crc32_skip((ptr), sizeof(type), offsetof(type, check))

static inline __u64 cs_mix64(__u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static inline __u64 cs_rol64(__u64 x, unsigned int r)
{
	return (x << (r & 63)) | (x >> ((64 - r) & 63));
}

/* cs_event's src, dst, type, ctx and cpu as one word, for its check. */
static inline __u64 cs_event_word(__u16 src, __u16 dst, __u8 type, __u8 ctx,
				  __u16 cpu)
{
	return (__u64)src | (__u64)dst << 16 | (__u64)type << 32 |
	       (__u64)ctx << 40 | (__u64)cpu << 48;
}

/*
 * Per-event check since record 1.1 (hot path, any context). The fields are
 * folded into one word with xor at distinct rotations, then mixed once by
 * cs_mix64(): a change confined to one field always changes the folded
 * word (a rotated non-zero difference is non-zero) and so, cs_mix64() being
 * a bijection, the 64-bit hash; garbage passes with p ~ 2^-31. Never 0 for
 * a written entry: an entry whose check is still 0 was cut short. Record
 * 1.0 mixed every field (6 cs_mix64() rounds); csdextract still knows it.
 */
static inline __u32 cs_event_check_vals(__u64 seq, __u64 func, __u64 csd,
					__u64 callsite, __u64 word, __u32 aux)
{
	__u64 h = seq ^ cs_rol64(func, 17) ^ cs_rol64(csd, 31) ^
		  cs_rol64(callsite, 47) ^ cs_rol64(word, 7) ^
		  ((__u64)aux << 24);

	return (__u32)(cs_mix64(h) >> 32) | 1u;
}

/* The per-event check of record 1.0 (six cs_mix64() rounds), for readers. */
static inline __u32 cs_event_check_v1_0(const struct cs_event *e)
{
	__u64 h = e->seq;

	h = cs_mix64(h ^ e->func);
	h = cs_mix64(h ^ e->csd);
	h = cs_mix64(h ^ e->callsite);
	h = cs_mix64(h ^ cs_event_word(e->src, e->dst, e->type, e->ctx,
				       e->cpu));
	h = cs_mix64(h ^ e->aux);
	return (__u32)(h >> 32) | 1u;
}

static inline __u32 cs_event_check(const struct cs_event *e)
{
	return cs_event_check_vals(e->seq, e->func, e->csd, e->callsite,
				   cs_event_word(e->src, e->dst, e->type,
						 e->ctx, e->cpu), e->aux);
}

static inline __u32 cs_log_check(const struct cs_log_slot *s)
{
	__u64 h = cs_mix64(s->seq ^ ((__u64)s->cpu | (__u64)s->ctx << 16 |
				     (__u64)s->cont << 24 |
				     (__u64)s->len << 32));
	__u16 i;

	for (i = 0; i < s->len && i < CS_LOG_TEXT; i++)
		h = (h ^ (__u8)s->text[i]) * 0x100000001b3ULL;
	return (__u32)(cs_mix64(h) >> 32) | 1u;
}

/* Compile-time layout pins: a change here is a format change. */
_Static_assert(sizeof(struct cs_section) == 24, "cs_section layout");
_Static_assert(sizeof(struct cs_event) == 48, "cs_event layout");
_Static_assert(sizeof(struct cs_ring) == 64, "cs_ring layout");
_Static_assert(sizeof(struct cs_log) == 64, "cs_log layout");
_Static_assert(sizeof(struct cs_log_slot) == 128, "cs_log_slot layout");
_Static_assert(sizeof(struct cs_regs) == 168, "cs_regs layout");
_Static_assert(sizeof(struct cs_capture) == 968, "cs_capture layout");
_Static_assert(sizeof(struct cs_root) % 8 == 0, "cs_root layout");
_Static_assert(sizeof(struct cs_status) == 24, "cs_status layout");

#endif /* _CRASHSAFE_RECORD_H */
