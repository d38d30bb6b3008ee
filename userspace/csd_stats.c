// SPDX-License-Identifier: GPL-2.0
/*
 * Per-callback CSD statistics from the rings: requests (QUEUE events),
 * completed (a HDLEND of the same csd on the target after the queue),
 * slowest and 99th-percentile queue-to-end latency, top senders. The
 * merged events are in seq order, so one pass with a table of pending
 * (csd, target) pairs matches each end to its queue; where the ends carry
 * no csd (6.1, kprobe hooks), a target's ends are matched first in,
 * first out, as its queue is run: one end closes every request queued
 * before the IPI that started that run. Requests queued
 * before the oldest event the target's ring still holds are not counted
 * (their end may have been overwritten).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_priv.h"

struct pend {
	uint64_t csd;		/* 0 = empty */
	uint32_t dst;
	uint32_t fi;		/* stats index */
	uint64_t seq;
};

/* Targets whose ends carry no csd (6.1's kprobe hooks): first in, first out. */
struct fifo {
	uint64_t *seq;
	uint32_t *fi;
	size_t head, n, cap;
};

static void fifo_push(struct fifo *q, uint64_t seq, uint32_t fi)
{
	if (q->n == q->cap) {
		size_t nc = q->cap ? q->cap * 2 : 64;
		uint64_t *ns = realloc(q->seq, nc * sizeof(*ns));
		uint32_t *nf;

		if (!ns)
			return;
		q->seq = ns;
		nf = realloc(q->fi, nc * sizeof(*nf));
		if (!nf)
			return;
		q->fi = nf;
		q->cap = nc;
	}
	q->seq[q->n] = seq;
	q->fi[q->n++] = fi;
}

struct fstat {
	uint64_t *lat;		/* seq deltas */
	size_t nlat, cap;
	uint64_t *by_src;	/* [nr_cpus] */
};

static size_t hslot(uint64_t csd, uint32_t dst, size_t mask)
{
	uint64_t h = (csd ^ ((uint64_t)dst << 48)) * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 20) & mask;
}

/*
 * Requests to a CPU are judged from the later of the oldest event its
 * ring still holds (older ends are overwritten) and its first callback
 * end (the end hook is armed last at load; the IPIs that arming itself
 * sends are handled before it is live). ~0 when the ring has no end.
 */
static uint64_t win_start(const struct cs_dec_ring *r)
{
	size_t i;

	for (i = 0; i < r->nev; i++)
		if (r->ev[i].ev.type == CS_EV_HDLEND)
			return r->ev[i].ev.seq;
	return ~0ull;
}

/* Do this ring's callback ends carry the csd (exact matching)? */
static int ends_have_csd(const struct cs_dec_ring *r)
{
	size_t i;

	for (i = 0; i < r->nev; i++)
		if (r->ev[i].ev.type == CS_EV_HDLEND && r->ev[i].ev.csd)
			return 1;
	return 0;
}

/* func of a queue event that lacks it: another queue of the same csd. */
static uint64_t func_of_csd(const struct cs_decoded *d, uint64_t csd)
{
	size_t i;

	for (i = d->nmerged; i-- > 0;)
		if (d->merged[i]->ev.type == CS_EV_QUEUE && d->merged[i]->ev.csd == csd &&
		    d->merged[i]->ev.func)
			return d->merged[i]->ev.func;
	return 0;
}

static void add_latency(struct fstat *f, uint64_t lat)
{
	if (f->nlat == f->cap) {
		size_t nc = f->cap ? f->cap * 2 : 64;
		uint64_t *nl = realloc(f->lat, nc * sizeof(*nl));

		if (nl) {
			f->lat = nl;
			f->cap = nc;
		}
	}
	if (f->nlat < f->cap)
		f->lat[f->nlat++] = lat;
}

static int ucmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int func_index(struct analysis *a, struct fstat *fs, unsigned int ncpus,
		      uint64_t func)
{
	unsigned int k;

	for (k = 0; k < a->nstats; k++)
		if (a->stats[k].func == func)
			return (int)k;
	if (a->nstats >= AN_MAX_FUNCS)
		return -1;
	fs[a->nstats].by_src = calloc(ncpus ? ncpus : 1, sizeof(uint64_t));
	if (!fs[a->nstats].by_src)
		return -1;
	memset(&a->stats[a->nstats], 0, sizeof(a->stats[0]));
	a->stats[a->nstats].func = func;
	return (int)a->nstats++;
}

void csd_stats_build(struct ctx *c, struct analysis *a)
{
	const struct cs_decoded *d = &c->rec;
	struct fstat fs[AN_MAX_FUNCS];
	struct pend *tab;
	size_t mask, i, cap = 256, nq = 0;
	uint64_t *win, *gotipi, *lastend;	/* [cpu] */
	unsigned char *exact;
	struct fifo *fq;
	unsigned int k, ncpus = d->nr_cpus;

	a->nstats = 0;
	if (!c->found || !d->nmerged)
		return;
	/* pending requests are at most the queue events: size for those */
	for (i = 0; i < d->nmerged; i++)
		nq += d->merged[i]->ev.type == CS_EV_QUEUE;
	while (cap < nq * 2 && cap < (1u << 26))
		cap <<= 1;
	mask = cap - 1;
	tab = calloc(cap, sizeof(*tab));
	if (!tab)
		return;
	win = calloc(ncpus ? ncpus : 1, sizeof(*win));
	gotipi = calloc(ncpus ? ncpus : 1, sizeof(*gotipi));
	lastend = calloc(ncpus ? ncpus : 1, sizeof(*lastend));
	exact = calloc(ncpus ? ncpus : 1, 1);
	fq = calloc(ncpus ? ncpus : 1, sizeof(*fq));
	if (!win || !exact || !fq || !gotipi || !lastend) {
		free(gotipi);
		free(lastend);
		free(tab);
		free(win);
		free(exact);
		free(fq);
		return;
	}
	for (k = 0; k < ncpus; k++) {
		win[k] = win_start(&d->ring[k]);
		exact[k] = (unsigned char)ends_have_csd(&d->ring[k]);
	}
	memset(fs, 0, sizeof(fs));
	a->have_stats = 1;
	for (i = 0; i < d->nmerged; i++) {
		const struct cs_event *e = &d->merged[i]->ev;
		size_t h, n;
		int fi;

		if (e->type == CS_EV_GOTIPI && !d->merged[i]->inferred && e->cpu < ncpus) {
			gotipi[e->cpu] = e->seq;
			continue;
		}
		if (d->merged[i]->inferred || (!e->csd && e->type != CS_EV_HDLEND))
			continue;
		if (e->type == CS_EV_QUEUE && e->dst < ncpus) {
			/* only while the target's ring holds its events and
			 * its end hook is live (see win_start()) */
			if (e->seq < win[e->dst])
				continue;
			fi = func_index(a, fs, ncpus, e->func ? e->func :
					func_of_csd(d, e->csd));
			if (fi < 0)
				continue;
			a->stats[fi].requests++;
			a->csd_requests++;
			if (e->src < ncpus)
				fs[fi].by_src[e->src]++;
			if (!exact[e->dst]) {
				fifo_push(&fq[e->dst], e->seq, (uint32_t)fi);
				continue;
			}
			h = hslot(e->csd, e->dst, mask);
			for (n = 0; n < cap && tab[h].csd &&
			     !(tab[h].csd == e->csd && tab[h].dst == e->dst); n++)
				h = (h + 1) & mask;
			if (n == cap)
				continue;
			tab[h].csd = e->csd;
			tab[h].dst = e->dst;
			tab[h].fi = (uint32_t)fi;
			tab[h].seq = e->seq;
		} else if (e->type == CS_EV_HDLEND && e->cpu < ncpus && !exact[e->cpu]) {
			struct fifo *q = &fq[e->cpu];

			/*
			 * Such an end closes one run of the CPU's whole queue:
			 * after an IPI, every request queued before that IPI
			 * arrived is done (several may be run in one flush);
			 * else (no IPI since the last end) one request.
			 */
			uint64_t upto = gotipi[e->cpu] > lastend[e->cpu] ?
					gotipi[e->cpu] : 0;
			int one = 1;

			while (q->head < q->n && q->seq[q->head] <= e->seq &&
			       (one || q->seq[q->head] <= upto)) {
				fi = (int)q->fi[q->head];
				a->stats[fi].completed++;
				a->csd_completed++;
				add_latency(&fs[fi], e->seq - q->seq[q->head]);
				q->head++;
				one = 0;
			}
			lastend[e->cpu] = e->seq;
		} else if (e->type == CS_EV_HDLEND) {
			struct fstat *f;

			h = hslot(e->csd, e->cpu, mask);
			for (n = 0; n < cap && tab[h].csd &&
			     !(tab[h].csd == e->csd && tab[h].dst == e->cpu); n++)
				h = (h + 1) & mask;
			if (n == cap || !tab[h].csd)
				continue;
			fi = (int)tab[h].fi;
			f = &fs[fi];
			a->stats[fi].completed++;
			a->csd_completed++;
			add_latency(f, e->seq >= tab[h].seq ? e->seq - tab[h].seq : 0);
			/* delete with backward shift (linear probing) */
			{
				size_t j = h, m;

				tab[h].csd = 0;
				for (m = (j + 1) & mask; tab[m].csd; m = (m + 1) & mask) {
					size_t home = hslot(tab[m].csd, tab[m].dst, mask);

					if (((m - home) & mask) >= ((m - j) & mask)) {
						tab[j] = tab[m];
						tab[m].csd = 0;
						j = m;
					}
				}
			}
		}
	}
	for (k = 0; k < a->nstats; k++) {
		struct an_csd_stat *s = &a->stats[k];
		struct fstat *f = &fs[k];
		unsigned int cpu, t;

		if (s->func)
			sym_name(c, s->func, s->name, sizeof(s->name));
		else	/* 6.1's queue hook sees llist nodes with no func (TTWU) */
			snprintf(s->name, sizeof(s->name), "(no callback recorded)");
		if (f->nlat) {
			qsort(f->lat, f->nlat, sizeof(uint64_t), ucmp);
			s->max_ns = seq_to_ns(c, f->lat[f->nlat - 1]);
			s->p99_ns = seq_to_ns(c, f->lat[(f->nlat * 99 + 99) / 100 - 1]);
		}
		for (t = 0; t < AN_TOP_SENDERS; t++) {
			int best = -1;

			for (cpu = 0; cpu < ncpus; cpu++)
				if (f->by_src[cpu] && (best < 0 || f->by_src[cpu] > f->by_src[best]))
					best = (int)cpu;
			if (best < 0)
				break;
			s->top[s->ntop].cpu = (unsigned int)best;
			s->top[s->ntop++].count = f->by_src[best];
			f->by_src[best] = 0;
		}
		free(f->lat);
		free(f->by_src);
	}
	for (k = 0; k < ncpus; k++) {
		free(fq[k].seq);
		free(fq[k].fi);
	}
	free(fq);
	free(exact);
	free(tab);
	free(win);
	free(gotipi);
	free(lastend);
}
