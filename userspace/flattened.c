// SPDX-License-Identifier: GPL-2.0
/*
 * Rearrange a makedumpfile flattened dump into a memfd, or check that
 * libkdumpfile can read it as it is (see flattened.h).
 * Every header field is hostile: offsets and sizes are bounded, the data
 * of a record must be present in the input, a missing end marker is an
 * error. Each record consumes at least 16 input bytes, so the loop ends.
 */
#define _GNU_SOURCE
#include "errbuf.h"
#include "flattened.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#define FLAT_TYPE_HEADER	1
#define FLAT_COPY_CHUNK		(1u << 20)


static int64_t be64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return (int64_t)v;
}

int flat_is_flattened(const void *head, size_t len)
{
	const size_t n = sizeof(FLAT_SIGNATURE) - 1;

	return len >= n && !memcmp(head, FLAT_SIGNATURE, n);
}

/* Read exactly @len bytes at @off; 0, or -1 (short file or I/O error). */
static int pread_full(int fd, void *buf, size_t len, off_t off)
{
	unsigned char *p = buf;

	while (len) {
		ssize_t r = pread(fd, p, len, off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		len -= (size_t)r;
		off += r;
	}
	return 0;
}

static int pwrite_full(int fd, const void *buf, size_t len, off_t off)
{
	const unsigned char *p = buf;

	while (len) {
		ssize_t r = pwrite(fd, p, len, off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		len -= (size_t)r;
		off += r;
	}
	return 0;
}

/* Copy @len bytes from @in at @ioff to @out at @ooff. */
static int copy_range(int in, off_t ioff, int out, off_t ooff, size_t len,
		      unsigned char *buf)
{
	/* Fast path: sendfile() writes at out's file position. */
	if (lseek(out, ooff, SEEK_SET) == ooff) {
		while (len) {
			size_t want = len > FLAT_COPY_CHUNK ? FLAT_COPY_CHUNK : len;
			ssize_t r = sendfile(out, in, &ioff, want);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			len -= (size_t)r;
			ooff += r;
		}
		if (!len)
			return 0;
	}
	while (len) {
		size_t want = len > FLAT_COPY_CHUNK ? FLAT_COPY_CHUNK : len;

		if (pread_full(in, buf, want, ioff) ||
		    pwrite_full(out, buf, want, ooff))
			return -1;
		len -= want;
		ioff += (off_t)want;
		ooff += (off_t)want;
	}
	return 0;
}

/* Record headers are read through a small buffer: a file of many tiny
 * records costs one pread() per window, not per record. The window is
 * FLAT_HDR_BUF where the data is read too (rearranging), FLAT_HDR_PEEK
 * where only the headers are (flat_is_whole(): makedumpfile's records are
 * ~32 KiB, and a 64 KiB window copied the whole file, ~4 ms of a 24 MiB
 * dump's 7 ms check). */
#define FLAT_HDR_BUF		(64u << 10)
#define FLAT_HDR_PEEK		(1u << 10)

struct hdrbuf {
	unsigned char b[FLAT_HDR_BUF];
	uint64_t start;
	size_t len;
	size_t win;		/* bytes a refill reads, <= FLAT_HDR_BUF */
};

static int get_rec(int fd, struct hdrbuf *h, uint64_t pos, uint64_t insize,
		   unsigned char rec[16])
{
	if (pos < h->start || pos - h->start + 16 > h->len) {
		size_t want = h->win;

		if (insize - pos < want)
			want = (size_t)(insize - pos);
		if (want < 16 || pread_full(fd, h->b, want, (off_t)pos))
			return -1;
		h->start = pos;
		h->len = want;
	}
	memcpy(rec, h->b + (pos - h->start), 16);
	return 0;
}

int flat_rearrange(int fd, int *truncated, char *err, size_t errlen)
{
	struct hdrbuf *hb = NULL;
	unsigned char hdr[32], rec[16];
	unsigned char *buf = NULL;
	struct stat st;
	uint64_t insize, pos, nrec = 0;
	int64_t type, version;
	int out = -1;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < 0) {
		seterr(err, errlen, "flattened dump is not a regular file");
		return -1;
	}
	insize = (uint64_t)st.st_size;
	*truncated = 0;
	if (insize < FLAT_HEADER_SIZE + 16 || pread_full(fd, hdr, sizeof(hdr), 0)) {
		seterr(err, errlen, "flattened dump: truncated header (%llu bytes)",
		       (unsigned long long)insize);
		return -1;
	}
	if (!flat_is_flattened(hdr, sizeof(hdr))) {
		seterr(err, errlen, "flattened dump: bad signature");
		return -1;
	}
	type = be64(hdr + 16);
	version = be64(hdr + 24);
	if (type != FLAT_TYPE_HEADER) {
		seterr(err, errlen, "flattened dump: unknown header type %lld",
		       (long long)type);
		return -1;
	}
	if (version < 1 || version > 0xffff) {
		seterr(err, errlen, "flattened dump: bad header version %lld",
		       (long long)version);
		return -1;
	}

	out = memfd_create("csdextract-flat", MFD_CLOEXEC);
	if (out < 0) {
		seterr(err, errlen, "flattened dump: memfd_create: %s",
		       strerror(errno));
		return -1;
	}
	buf = malloc(FLAT_COPY_CHUNK);
	hb = calloc(1, sizeof(*hb));
	if (!buf || !hb) {
		seterr(err, errlen, "flattened dump: out of memory");
		goto fail;
	}
	hb->win = FLAT_HDR_BUF;

	for (pos = FLAT_HEADER_SIZE;;) {
		int64_t off, size;

		if (pos > insize || insize - pos < 16) {
			seterr(err, errlen,
			       "flattened dump truncated at byte %llu (no end marker)",
			       (unsigned long long)pos);
			*truncated = 1;
			break;
		}
		if (get_rec(fd, hb, pos, insize, rec)) {
			seterr(err, errlen, "flattened dump: read error at byte %llu: %s",
			       (unsigned long long)pos, strerror(errno));
			goto fail;
		}
		off = be64(rec);
		size = be64(rec + 8);
		if (off == -1 && size == -1)
			break;
		if (++nrec > FLAT_MAX_RECORDS) {
			seterr(err, errlen, "flattened dump: more than %llu records",
			       (unsigned long long)FLAT_MAX_RECORDS);
			goto fail;
		}
		if (off < 0 || size < 0 || (uint64_t)off > FLAT_MAX_OFFSET ||
		    (uint64_t)size > FLAT_MAX_OFFSET - (uint64_t)off) {
			seterr(err, errlen,
			       "flattened dump: record at byte %llu has bad offset %lld / size %lld",
			       (unsigned long long)pos, (long long)off,
			       (long long)size);
			goto fail;
		}
		pos += 16;
		if ((uint64_t)size > insize - pos) {
			seterr(err, errlen,
			       "flattened dump truncated: record at byte %llu has %lld data bytes, only %llu left",
			       (unsigned long long)(pos - 16), (long long)size,
			       (unsigned long long)(insize - pos));
			*truncated = 1;
			size = (int64_t)(insize - pos);	/* keep what is there */
		}
		if (size && copy_range(fd, (off_t)pos, out, (off_t)off,
				       (size_t)size, buf)) {
			seterr(err, errlen, "flattened dump: copy failed at byte %llu: %s",
			       (unsigned long long)pos, strerror(errno));
			goto fail;
		}
		pos += (uint64_t)size;
		if (*truncated)
			break;
	}
	if (nrec == 0) {
		seterr(err, errlen, "flattened dump: no data records");
		goto fail;
	}
	free(buf);
	free(hb);
	if (lseek(out, 0, SEEK_SET) != 0) {
		seterr(err, errlen, "flattened dump: lseek: %s", strerror(errno));
		close(out);
		return -1;
	}
	return out;
fail:
	free(buf);
	free(hb);
	close(out);
	return -1;
}

int flat_is_whole(int fd, const void *magic, size_t magic_len)
{
	unsigned char hdr[32], rec[16], inner[16];
	struct hdrbuf *hb;
	struct stat st;
	uint64_t insize, pos, nrec = 0;
	int ok = 0;

	if (magic_len > sizeof(inner) || fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    st.st_size < FLAT_HEADER_SIZE + 16)
		return 0;
	insize = (uint64_t)st.st_size;
	if (pread_full(fd, hdr, sizeof(hdr), 0) ||
	    !flat_is_flattened(hdr, sizeof(hdr)) ||
	    be64(hdr + 16) != FLAT_TYPE_HEADER || be64(hdr + 24) != 1)
		return 0;
	hb = calloc(1, sizeof(*hb));
	if (!hb)
		return 0;
	hb->win = FLAT_HDR_PEEK;
	for (pos = FLAT_HEADER_SIZE;;) {
		int64_t off, size;

		if (pos > insize || insize - pos < 16 ||
		    get_rec(fd, hb, pos, insize, rec))
			break;			/* cut short: no end marker */
		off = be64(rec);
		size = be64(rec + 8);
		if (off == -1 && size == -1) {
			ok = nrec > 0;
			break;
		}
		if (++nrec > FLAT_DIRECT_MAX_RECORDS || off < 0 || size <= 0 ||
		    (uint64_t)off > FLAT_MAX_OFFSET ||
		    (uint64_t)size > FLAT_MAX_OFFSET - (uint64_t)off)
			break;
		pos += 16;
		if ((uint64_t)size > insize - pos)
			break;			/* data cut short */
		if (nrec == 1 &&
		    (off != 0 || (uint64_t)size < magic_len ||
		     pread_full(fd, inner, magic_len, (off_t)pos) ||
		     memcmp(inner, magic, magic_len)))
			break;			/* not the dump we expect inside */
		pos += (uint64_t)size;
	}
	free(hb);
	return ok;
}
