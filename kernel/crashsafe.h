/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crashsafe.ko internal interfaces. One concern per file:
 *
 *   main.c            module init/exit order
 *   record.c          allocation and sealing of the saved record (record.h)
 *   seq.h             the ordering key (per-CPU monotonic TSC), context
 *   csd_ring.c        per-CPU CSD/IPI event rings (hot path)
 *   csd_hooks_tp.c    6.12: csd:/ipi:/irq_vectors: tracepoints -> events
 *   csd_hooks_kp.c    6.1: kprobes on kernel/smp.c -> the same events
 *   csd_detect.c      non-responsive CSD detection and its report
 *   modtable.c        loaded modules' symbol tables, for the dump reader
 *   nmi_log.c         per-CPU NMI-safe text log
 *   nmi_capture.c     NMI handler: capture another CPU's regs and stack
 *   heartbeat.c       per-CPU hrtimer heartbeat, buddy hard-lockup detector
 *   crash_stop.c      smp_ops.crash_stop_other_cpus: IPI first, then NMI
 *   tracepoint_lookup.c  find built-in tracepoints that are not exported
 *   compat.h          every kernel version difference, in one place
 *   debugfs.c         root-only live views
 *
 * Context rules: a function that may run in NMI, hard-IRQ or crash context
 * says so in a one-line comment and never sleeps, allocates, takes a lock
 * or calls printk there. Text produced in those contexts goes to nmi_log.
 */
#ifndef _CRASHSAFE_INTERNAL_H
#define _CRASHSAFE_INTERNAL_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <crashsafe/record.h>

struct pt_regs;

#define CRASHSAFE_VERSION "0.1.0"

/* record.c */
extern struct cs_root *cs_root;
int cs_record_init(void);
void cs_record_exit(void);
struct cs_ring *cs_ring_of(int cpu);
struct cs_log *cs_log_of(int cpu);
struct cs_cpu_state *cs_cpu_state_of(int cpu);
struct cs_csd_hang *cs_hang_slot(unsigned int i);
struct cs_lockup *cs_lockup_slot(unsigned int i);
struct cs_crash *cs_crash_area(void);
struct cs_module *cs_module_slot(unsigned int i);
void cs_record_set_flag(u32 flag);	/* process context: reseals root */
/*
 * Process context: hook liveness for the record (CS_HOOK_* bits). For
 * each kind in @wanted, whether it is in @live; other kinds unchanged.
 * Every hook backend calls it after installing (and on failure) its hooks.
 */
void cs_record_set_hooks(u32 wanted, u32 live);
u32 cs_record_hooks_live(void);
const struct cs_status *cs_record_status(void);
/* Process context: a loaded module could (+1) / no longer (-1) not be listed. */
void cs_record_module_dropped(int n);

/* csd_ring.c */
/* Any context, NMI included. */
void cs_event(u8 type, int src, int dst, unsigned long func,
	      unsigned long csd, unsigned long callsite, u32 aux);

/* csd_hooks_tp.c / csd_hooks_kp.c: whichever the running kernel needs */
int cs_hooks_init(void);
void cs_hooks_exit(void);

/* csd_detect.c */
int cs_detect_init(void);
void cs_detect_exit(void);
/* Hard-IRQ context: sender side bookkeeping of a queued csd. */
void cs_csd_track(int dst, unsigned long func, unsigned long info,
		  unsigned long csd, unsigned long callsite);
/* Hard-IRQ context (heartbeat/poll hrtimer, any CPU): check every tracked wait. */
void cs_csd_check(u64 now_seq);

/* modtable.c */
int cs_modtable_init(void);
void cs_modtable_exit(void);

/* nmi_log.c */
int cs_log_init(void);
void cs_log_exit(void);
/* Any context, NMI included: format into this CPU's log. */
__printf(1, 2) void cs_log(const char *fmt, ...);
struct seq_file;
/* Process context: the merged log of all CPUs in seq order (debugfs). */
void cs_log_show(struct seq_file *m);

/* nmi_capture.c */
int cs_nmi_init(void);
void cs_nmi_exit(void);
/* Any context: fill a capture from regs (frames by ORC unwind, raw stack). */
void cs_capture_regs(struct cs_capture *c, struct pt_regs *regs, u32 flags);
/*
 * Hard-IRQ or crash context: NMI @cpu and wait up to @timeout_us for its
 * context. Returns 0; -ETIMEDOUT or -EINVAL (offline) with c->flags =
 * CS_CAP_TIMEOUT; -EBUSY if another requester is capturing that CPU.
 */
int cs_nmi_capture(int cpu, struct cs_capture *c, unsigned int timeout_us);

/* heartbeat.c */
int cs_heartbeat_init(void);
void cs_heartbeat_exit(void);
/* Any context: lower bound on how long @cpu has gone without a timer irq. */
u64 cs_irqs_off_ns(int cpu, u64 now_seq);

/* crash_stop.c */
int cs_crash_stop_init(void);
void cs_crash_stop_exit(void);

/* tracepoint_lookup.c */
struct tracepoint;
/* Process context: a built-in tracepoint by name (exported or not). */
struct tracepoint *cs_tracepoint_find(const char *name);

/* debugfs.c */
int cs_debugfs_init(void);
void cs_debugfs_exit(void);

#endif /* _CRASHSAFE_INTERNAL_H */
