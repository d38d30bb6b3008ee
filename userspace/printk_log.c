// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel log of a 6.x kernel from its lockless printk_ringbuffer,
 * located and laid out only through VMCOREINFO (SYMBOL(prb), SIZE()s and
 * OFFSET()s), read the way makedumpfile --dump-dmesg reads it: all
 * descriptors from tail_id to head_id, committed or finalized ones only,
 * text from the data ring (wrapped blocks start at 0, each block begins
 * with its descriptor id), text_len clamped to the block. Every size and
 * index comes from the dump and is bounded before use.
 */
#define _GNU_SOURCE
#include "errbuf.h"
#include "dump_priv.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PRB_MAX_COUNT_BITS	22	/* 4M descriptors */
#define PRB_MAX_SIZE_BITS	28	/* 256 MiB of text */
#define PRB_MAX_STRUCT		4096	/* any SIZE() we accept */
#define PRB_MAX_RING_BYTES	(256u << 20)	/* descs, infos: each */

#define DESC_SV_BITS		64
#define DESC_FLAGS_SHIFT	(DESC_SV_BITS - 2)
#define DESC_FLAGS_MASK		(3ULL << DESC_FLAGS_SHIFT)
#define DESC_ID_MASK		(~DESC_FLAGS_MASK)
#define DESC_STATE(sv)		(3ULL & ((sv) >> DESC_FLAGS_SHIFT))
#define DESC_COMMITTED		1
#define DESC_FINALIZED		2

#define PANIC_PREFIX		"Kernel panic - not syncing: "

struct prb_layout {
	uint64_t sz_rb, sz_desc, sz_info, sz_atomic;
	uint64_t rb_desc_ring, rb_text_ring;
	uint64_t dr_count_bits, dr_descs, dr_infos, dr_head_id, dr_tail_id;
	uint64_t desc_state_var, desc_text_blk_lpos;
	uint64_t lpos_begin, lpos_next;
	uint64_t info_ts_nsec, info_text_len, info_caller_id;
	uint64_t tr_size_bits, tr_data;
	uint64_t atomic_counter;
};


static int get_layout(struct dump *d, struct prb_layout *l, const char **miss)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
#define K(k, f) { k, offsetof(struct prb_layout, f) }
		K("SIZE(printk_ringbuffer)", sz_rb),
		K("SIZE(prb_desc)", sz_desc),
		K("SIZE(printk_info)", sz_info),
		K("OFFSET(printk_ringbuffer.desc_ring)", rb_desc_ring),
		K("OFFSET(printk_ringbuffer.text_data_ring)", rb_text_ring),
		K("OFFSET(prb_desc_ring.count_bits)", dr_count_bits),
		K("OFFSET(prb_desc_ring.descs)", dr_descs),
		K("OFFSET(prb_desc_ring.infos)", dr_infos),
		K("OFFSET(prb_desc_ring.head_id)", dr_head_id),
		K("OFFSET(prb_desc_ring.tail_id)", dr_tail_id),
		K("OFFSET(prb_desc.state_var)", desc_state_var),
		K("OFFSET(prb_desc.text_blk_lpos)", desc_text_blk_lpos),
		K("OFFSET(prb_data_blk_lpos.begin)", lpos_begin),
		K("OFFSET(prb_data_blk_lpos.next)", lpos_next),
		K("OFFSET(printk_info.ts_nsec)", info_ts_nsec),
		K("OFFSET(printk_info.text_len)", info_text_len),
		K("OFFSET(printk_info.caller_id)", info_caller_id),
		K("OFFSET(prb_data_ring.size_bits)", tr_size_bits),
		K("OFFSET(prb_data_ring.data)", tr_data),
		K("SIZE(atomic_long_t)", sz_atomic),
		K("OFFSET(atomic_long_t.counter)", atomic_counter),
#undef K
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		uint64_t *dst = (uint64_t *)((char *)l + keys[i].off);

		if (dump_vmcoreinfo_u64(d, keys[i].key, dst) ||
		    *dst > PRB_MAX_STRUCT) {
			*miss = keys[i].key;
			return -1;
		}
	}
	return 0;
}

/* Field of @size bytes at @off inside an object of @objsz bytes. */
static int fits(uint64_t off, uint64_t size, uint64_t objsz)
{
	return off <= objsz && size <= objsz - off;
}

static uint64_t get_le(const unsigned char *p, size_t n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

/* Text as makedumpfile prints it: non-printable, non-space bytes as \xNN. */
static char *escape_text(const unsigned char *t, size_t len)
{
	char *out = malloc(len * 4 + 1), *p = out;
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i < len; i++) {
		unsigned char c = t[i];

		if (!isprint(c) && !isspace(c))
			p += sprintf(p, "\\x%02x", c);
		else
			*p++ = (char)c;
	}
	*p = '\0';
	return out;
}

static int push_line(struct dump *d, size_t *cap, uint64_t ts, uint32_t caller,
		     uint8_t level, const unsigned char *text, size_t len)
{
	struct dump_log_line *ln;

	if (d->nr_log == *cap) {
		size_t ncap = *cap ? 2 * *cap : 256;

		ln = realloc(d->log, ncap * sizeof(*ln));
		if (!ln)
			return -1;
		d->log = ln;
		*cap = ncap;
	}
	ln = &d->log[d->nr_log];
	ln->ts_nsec = ts;
	ln->caller_id = caller;
	ln->level = level;
	ln->text = escape_text(text, len);
	if (!ln->text)
		return -1;
	d->nr_log++;
	return 0;
}

/*
 * A ring of @size bytes at @va, read from the dump one page (@step, the
 * pages of va) at a time on first use; @have has a bit per page.
 */
struct lazy_ring {
	struct dump *d;
	uint64_t va, size;
	unsigned char *buf;
	uint8_t *have;
};

#define LR_STEP 4096u

static int lr_init(struct lazy_ring *r, struct dump *d, uint64_t va,
		   uint64_t size)
{
	r->d = d;
	r->va = va;
	r->size = size;
	/* calloc: pages never read stay untouched (no page faults) */
	r->buf = malloc((size_t)size);
	r->have = calloc((size_t)((size + 2 * LR_STEP) / LR_STEP / 8 + 1), 1);
	return r->buf && r->have ? 0 : -1;
}

static void lr_free(struct lazy_ring *r)
{
	free(r->buf);
	free(r->have);
}

/* @r's bytes [off, off + len) read from the dump; NULL if they cannot be. */
static const unsigned char *lr_get(struct lazy_ring *r, uint64_t off,
				   uint64_t len)
{
	uint64_t head = r->va % LR_STEP, k, k_end, lo, hi;

	if (off > r->size || len > r->size - off)
		return NULL;
	if (!len)
		return r->buf + off;
	k_end = (head + off + len - 1) / LR_STEP;
	for (k = (head + off) / LR_STEP; k <= k_end; k++) {
		if (r->have[k / 8] & (1u << (k % 8)))
			continue;
		lo = k * LR_STEP > head ? k * LR_STEP - head : 0;
		hi = (k + 1) * LR_STEP - head;
		if (hi > r->size)
			hi = r->size;
		if (dump_read_virt(r->d, r->va + lo, r->buf + lo, (size_t)(hi - lo)))
			return NULL;
		r->have[k / 8] |= (uint8_t)(1u << (k % 8));
	}
	return r->buf + off;
}

static int read_log(struct dump *d, char *err, size_t errlen)
{
	struct prb_layout l;
	const char *miss = NULL;
	unsigned char rb[PRB_MAX_STRUCT];
	struct lazy_ring descs = { 0 }, infos = { 0 }, text = { 0 };
	uint64_t prb_sym, rb_addr, count_bits, size_bits, descs_addr, infos_addr;
	uint64_t text_addr, head_id, tail_id, id, ndesc, tsize, n;
	const unsigned char *dr, *tr;
	size_t cap = 0;
	int ret = -1;

	if (dump_vmcoreinfo_u64(d, "SYMBOL(prb)", &prb_sym)) {
		seterr(err, errlen,
		       "VMCOREINFO has no SYMBOL(prb) (not a lockless-printk kernel)");
		return -1;
	}
	if (get_layout(d, &l, &miss)) {
		seterr(err, errlen, "VMCOREINFO: %s missing or out of range", miss);
		return -1;
	}
	if (l.sz_atomic != 8 || !fits(l.atomic_counter, 8, l.sz_atomic) ||
	    !fits(l.rb_desc_ring, 0, l.sz_rb) || !fits(l.rb_text_ring, 0, l.sz_rb) ||
	    !fits(l.rb_desc_ring + l.dr_count_bits, 4, l.sz_rb) ||
	    !fits(l.rb_desc_ring + l.dr_descs, 8, l.sz_rb) ||
	    !fits(l.rb_desc_ring + l.dr_infos, 8, l.sz_rb) ||
	    !fits(l.rb_desc_ring + l.dr_head_id + l.atomic_counter, 8, l.sz_rb) ||
	    !fits(l.rb_desc_ring + l.dr_tail_id + l.atomic_counter, 8, l.sz_rb) ||
	    !fits(l.rb_text_ring + l.tr_size_bits, 4, l.sz_rb) ||
	    !fits(l.rb_text_ring + l.tr_data, 8, l.sz_rb) ||
	    !fits(l.desc_state_var + l.atomic_counter, 8, l.sz_desc) ||
	    !fits(l.desc_text_blk_lpos + l.lpos_begin, 8, l.sz_desc) ||
	    !fits(l.desc_text_blk_lpos + l.lpos_next, 8, l.sz_desc) ||
	    !fits(l.info_ts_nsec, 8, l.sz_info) ||
	    !fits(l.info_text_len, 4, l.sz_info) ||
	    !fits(l.info_caller_id, 4, l.sz_info) || !l.sz_desc || !l.sz_info) {
		seterr(err, errlen, "VMCOREINFO: inconsistent printk_ringbuffer layout");
		return -1;
	}
	if (dump_read_u64(d, prb_sym, &rb_addr) ||
	    dump_read_virt(d, rb_addr, rb, (size_t)l.sz_rb)) {
		seterr(err, errlen, "cannot read the printk ring buffer (prb at 0x%" PRIx64 ")",
		       prb_sym);
		return -1;
	}
	dr = rb + l.rb_desc_ring;
	tr = rb + l.rb_text_ring;
	count_bits = get_le(dr + l.dr_count_bits, 4);
	descs_addr = get_le(dr + l.dr_descs, 8);
	infos_addr = get_le(dr + l.dr_infos, 8);
	head_id = get_le(dr + l.dr_head_id + l.atomic_counter, 8);
	tail_id = get_le(dr + l.dr_tail_id + l.atomic_counter, 8);
	size_bits = get_le(tr + l.tr_size_bits, 4);
	text_addr = get_le(tr + l.tr_data, 8);
	if (count_bits > PRB_MAX_COUNT_BITS || size_bits > PRB_MAX_SIZE_BITS ||
	    size_bits < 4) {
		seterr(err, errlen,
		       "printk ring buffer: absurd sizes (count_bits %" PRIu64
		       ", size_bits %" PRIu64 ")", count_bits, size_bits);
		return -1;
	}
	ndesc = 1ULL << count_bits;
	tsize = 1ULL << size_bits;
	if (ndesc * l.sz_desc > PRB_MAX_RING_BYTES ||
	    ndesc * l.sz_info > PRB_MAX_RING_BYTES) {
		seterr(err, errlen,
		       "printk ring buffer: absurd descriptor ring (%" PRIu64 " entries)",
		       ndesc);
		return -1;
	}
	if (lr_init(&descs, d, descs_addr, ndesc * l.sz_desc) ||
	    lr_init(&infos, d, infos_addr, ndesc * l.sz_info) ||
	    lr_init(&text, d, text_addr, tsize)) {
		seterr(err, errlen, "out of memory for the printk ring buffer");
		goto out;
	}

	/* tail_id .. head_id inclusive; at most ndesc records. */
	for (id = tail_id & DESC_ID_MASK, n = 0; n < ndesc;
	     id = (id + 1) & DESC_ID_MASK, n++) {
		const unsigned char *desc, *inf, *t;
		uint64_t sv, begin, next, text_len, ts;
		uint32_t caller;
		uint8_t level = 0;

		desc = lr_get(&descs, (id % ndesc) * l.sz_desc, l.sz_desc);
		if (!desc)
			goto unreadable;
		sv = get_le(desc + l.desc_state_var + l.atomic_counter, 8);
		if (DESC_STATE(sv) == DESC_COMMITTED ||
		    DESC_STATE(sv) == DESC_FINALIZED) {
			begin = get_le(desc + l.desc_text_blk_lpos + l.lpos_begin, 8) % tsize;
			next = get_le(desc + l.desc_text_blk_lpos + l.lpos_next, 8) % tsize;
			inf = lr_get(&infos, (id % ndesc) * l.sz_info, l.sz_info);
			if (!inf)
				goto unreadable;
			text_len = get_le(inf + l.info_text_len, 2);
			ts = get_le(inf + l.info_ts_nsec, 8);
			caller = (uint32_t)get_le(inf + l.info_caller_id, 4);
			/* level:3 sits above flags:5 after facility (u8) */
			if (fits(l.info_text_len + 3, 1, l.sz_info))
				level = inf[l.info_text_len + 3] >> 5;
			if (begin != next) {
				if (begin > next)
					begin = 0;
				begin += sizeof(uint64_t);
				if (begin > next)
					begin = next;
				if (next - begin < text_len)
					text_len = next - begin;
				t = lr_get(&text, begin, text_len);
				if (!t)
					goto unreadable;
				if (push_line(d, &cap, ts, caller, level,
					      t, (size_t)text_len)) {
					seterr(err, errlen, "out of memory for the kernel log");
					goto out;
				}
			}
		}
		if (id == (head_id & DESC_ID_MASK))
			break;
	}
	ret = 0;
	goto out;
unreadable:
	seterr(err, errlen, "cannot read the printk ring buffer's descriptors or text");
out:
	lr_free(&descs);
	lr_free(&infos);
	lr_free(&text);
	return ret;
}

int dump_log(struct dump *d, const struct dump_log_line **lines, size_t *n,
	     char *err, size_t errlen)
{
	if (d->log_state == 0) {
		d->log_state = read_log(d, d->log_err, sizeof(d->log_err)) ? -1 : 1;
		if (d->log_state < 0)
			dump_log_free(d);
	}
	if (d->log_state < 0) {
		seterr(err, errlen, "%s", d->log_err);
		return -1;
	}
	*lines = d->log;
	*n = d->nr_log;
	return 0;
}

void dump_log_free(struct dump *d)
{
	size_t i;

	for (i = 0; i < d->nr_log; i++)
		free(d->log[i].text);
	free(d->log);
	d->log = NULL;
	d->nr_log = 0;
	free(d->panic_msg);
	d->panic_msg = NULL;
}

/* CPU of line @i: from its caller_id, else a following "CPU: N " line
 * of the same caller (dump_stack's header), else the NT_PRSTATUS note of
 * that task. -1 if unknown. */
static int line_cpu(struct dump *d, const struct dump_log_line *l, size_t nr,
		    size_t i)
{
	uint32_t pid;
	size_t j;
	int c, found = -1;

	if (l[i].caller_id & 0x80000000u)
		return (int)(l[i].caller_id & 0x7fffffffu);
	for (j = i + 1; j < nr && j < i + 32; j++) {
		unsigned long cpu;
		char *end;

		if (l[j].caller_id != l[i].caller_id ||
		    strncmp(l[j].text, "CPU: ", 5))
			continue;
		cpu = strtoul(l[j].text + 5, &end, 10);
		if (end != l[j].text + 5 && (*end == ' ' || *end == '\0') &&
		    cpu < CS_MAX_CPUS)
			return (int)cpu;
	}
	for (c = 0; c < dump_nr_cpus(d); c++)
		if (!dump_cpu_pid(d, c, &pid) && pid && pid == l[i].caller_id) {
			if (found >= 0)
				return -1;	/* ambiguous */
			found = c;
		}
	return found;
}

static int starts(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

int dump_panic(struct dump *d, const char **msg, int *cpu)
{
	const struct dump_log_line *l;
	size_t nr, i, found = (size_t)-1, skip = 0;
	char *m;
	size_t len;

	if (dump_log(d, &l, &nr, NULL, 0))
		return -1;
	for (i = 0; i < nr && found == (size_t)-1; i++)
		if (starts(l[i].text, PANIC_PREFIX)) {
			found = i;
			skip = strlen(PANIC_PREFIX);
		}
	/* No panic() line: a crash straight from an oops (or sysrq). */
	for (i = nr; i-- > 0 && found == (size_t)-1;)
		if (starts(l[i].text, "sysrq: Trigger a crash"))
			found = i;
	for (i = 0; i < nr && found == (size_t)-1; i++)
		if (starts(l[i].text, "BUG: ") || starts(l[i].text, "Oops: ") ||
		    starts(l[i].text, "kernel BUG at ") ||
		    starts(l[i].text, "general protection fault"))
			found = i;
	if (found == (size_t)-1)
		return -1;

	len = strlen(l[found].text + skip);
	while (len && (l[found].text[skip + len - 1] == '\n' ||
		       l[found].text[skip + len - 1] == ' '))
		len--;
	m = strndup(l[found].text + skip, len);
	if (!m)
		return -1;
	free(d->panic_msg);
	d->panic_msg = m;
	*msg = m;
	*cpu = line_cpu(d, l, nr, found);
	return 0;
}
