/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoder of the crashsafe saved record (include/crashsafe/record.h).
 *
 * Works through read callbacks only, so the same code decodes a vmcore (via
 * the dump layer) and an in-memory image (unit tests, fuzzing). Every byte
 * read is hostile: counts are bounded before use, nothing read is ever used
 * as a pointer, and whatever is consistent is kept when the rest is damaged.
 */
#ifndef CSDEXTRACT_RECORD_DECODE_H
#define CSDEXTRACT_RECORD_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <crashsafe/record.h>

struct cs_reader {
	void *ctx;
	/* 0 on success, -1 if any byte of the range cannot be read. */
	int (*read_phys)(void *ctx, uint64_t paddr, void *buf, size_t len);
	int (*read_virt)(void *ctx, uint64_t vaddr, void *buf, size_t len);
};

/* Total events kept over all rings (memory bound on absurd records). */
#define CS_DEC_MAX_EVENTS	(1u << 24)

enum cs_dec_status {
	CS_DEC_OK = 0,		/* record found, everything consistent */
	CS_DEC_DAMAGED = 1,	/* record found, parts damaged (partial) */
	CS_DEC_ABSENT = 2,	/* no record at that address */
};

/* One event as decoded; 'inferred' marks a noipi deduced by the reader. */
struct cs_dev {
	struct cs_event ev;
	uint8_t inferred;
	size_t midx;		/* index in cs_decoded.merged */
};

struct cs_dec_ring {
	int present;		/* header valid */
	uint32_t nr_entries;
	uint64_t head;
	uint64_t last_seq, last_irq_seq, last_heartbeat_seq;
	struct cs_dev *ev;	/* valid events, oldest first */
	size_t nev;
	unsigned int torn;	/* damaged entries skipped */
	unsigned int cut;	/* entries cut short by the crash (newest) */
};

struct cs_dec_log {
	int present;
	uint32_t nr_slots;
	uint64_t head;
	struct cs_log_slot *slot;	/* valid slots, oldest first */
	size_t nslot;
	unsigned int torn;
};

struct cs_dec_cpu {
	int valid;		/* entry present and sealed */
	struct cs_cpu_state st;
};

struct cs_decoded {
	enum cs_dec_status status;
	uint64_t phys;
	int root_valid;		/* magic, version and check all fine */
	struct cs_root root;
	uint32_t nr_cpus;	/* bounded copy of root.nr_cpus */

	struct cs_dec_ring *ring;	/* [nr_cpus] */
	struct cs_dec_log *log;		/* [nr_cpus] */
	struct cs_dec_cpu *cpu;		/* [nr_cpus] */
	int have_cpu_state;

	struct cs_csd_hang hang[CS_MAX_HANGS];
	unsigned int hang_index[CS_MAX_HANGS];	/* slot index in the section */
	unsigned int nhang;
	struct cs_lockup lockup[CS_MAX_LOCKUPS];
	unsigned int lockup_index[CS_MAX_LOCKUPS];
	unsigned int nlockup;
	int crash_valid;
	struct cs_crash crash;
	struct cs_module module[CS_MAX_MODULES];
	unsigned int nmodule;
	int have_status;		/* CS_SEC_STATUS present and sealed */
	struct cs_status st;		/* hook liveness, dropped modules */

	/* All valid events of all rings merged by seq (points into rings). */
	struct cs_dev **merged;
	size_t nmerged;

	char **problem;
	size_t nproblem;
};

/* Only checks for CS_ROOT_MAGIC at @phys: 1 yes, 0 no, -1 unreadable. */
int cs_probe(const struct cs_reader *r, uint64_t phys);

/*
 * Decode the record whose root is at @phys into @out (zeroed first).
 * Returns out->status; -1 only on out-of-memory.
 */
int cs_decode(const struct cs_reader *r, uint64_t phys, struct cs_decoded *out);
void cs_decoded_free(struct cs_decoded *d);

/* Append a problem (printf-style); never fails visibly. */
void cs_problem(struct cs_decoded *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

const char *cs_event_name(unsigned int type);
const char *cs_stop_name(unsigned int stop);
const char *cs_verdict_name(unsigned int verdict);
const char *cs_ctx_name(unsigned int ctx);
/* printk level name of a log slot's level (1 + LOGLEVEL_*), NULL if 0. */
const char *cs_log_level_name(unsigned int level);
/* Name of one CS_HOOK_* bit ("ipi_send", ...), "?" if unknown. */
const char *cs_hook_name(uint32_t bit);
/* Did the module record which CSD hooks were live? (record 1.2+) */
int cs_hooks_known(const struct cs_decoded *d);
/*
 * Hooks @verdict relies on (cs_verdict_needs()) that were not live; 0 when
 * all were live or liveness was not recorded (older records).
 */
uint32_t cs_verdict_missing_hooks(const struct cs_decoded *d,
				  unsigned int verdict);

/*
 * Relevant events of hang @h (seed 000: sender-side events of the source
 * CPU for the target, receiver-side events of the target CPU, and the event
 * just before each in the merged order), in seq order. Returns count stored
 * in @out (at most @max) — indexes into d->merged.
 */
size_t cs_hang_events(const struct cs_decoded *d, const struct cs_csd_hang *h,
		      size_t *out, size_t max);

/* Did the target handle this hang's csd after it was queued? */
int cs_hang_completed(const struct cs_decoded *d, const struct cs_csd_hang *h);

#endif /* CSDEXTRACT_RECORD_DECODE_H */
