/* SPDX-License-Identifier: GPL-2.0 */
/*
 * makedumpfile's flattened format (makedumpfile -F, what Debian's
 * kdump-tools saves): a 4 KiB header starting with "makedumpfile", then
 * big-endian records {i64 offset, i64 size} each followed by size bytes
 * of data that belong at that offset of the real dump file, ended by a
 * record with offset = size = -1. libkdumpfile reads a whole flattened
 * kdump-compressed dump itself since 0.5.3 (csdextract uses that from
 * 0.5.4, the version it is tested with: dump.c); older libraries, a
 * flattened ELF dump and a dump cut short are rearranged into an
 * anonymous memfd instead.
 */
#ifndef CSDEXTRACT_FLATTENED_H
#define CSDEXTRACT_FLATTENED_H

#include <stddef.h>
#include <stdint.h>

#define FLAT_SIGNATURE		"makedumpfile"
#define FLAT_HEADER_SIZE	4096

/* Hard limits for hostile input. */
#define FLAT_MAX_OFFSET		(1ULL << 40)	/* 1 TiB: end of any record */
#define FLAT_MAX_RECORDS	(1ULL << 26)
/*
 * libkdumpfile 0.5.4 keeps the records in a map whose inserts cost O(n):
 * opening takes O(n^2) (200,000 tiny records: 38 s). makedumpfile writes
 * 64 KiB records, so this covers flattened dumps up to about 4 GiB (at
 * most ~5 s on this machine); more records go to the memfd, which is linear.
 */
#define FLAT_DIRECT_MAX_RECORDS	(1ULL << 16)

/* 1 if the @len bytes at @head start a flattened dump. */
int flat_is_flattened(const void *head, size_t len);

/*
 * Rearrange the flattened dump open on @fd (read from offset 0) into a
 * new memfd. Returns the memfd, or -1 and a one-line reason in @err.
 * A dump cut short (EOF inside a record or before the end marker, e.g. a
 * full disk while saving) is rearranged as far as it goes: the memfd is
 * returned, *@truncated is set and @err says where it ends. Damage that
 * is not a plain truncation (absurd offsets or sizes, bad header) fails.
 */
int flat_rearrange(int fd, int *truncated, char *err, size_t errlen);

/*
 * 1 if libkdumpfile (>= 0.5.3) can read the flattened dump open on @fd as
 * it is: header version 1, at most FLAT_DIRECT_MAX_RECORDS records, each
 * within the limits above with
 * size > 0 and all its data present, the end marker present, and the
 * first record at offset 0 starting with the @magic_len bytes of @magic
 * (the dump inside). 0 otherwise, and for any read error: rearrange it
 * with flat_rearrange(), which says what is wrong. Reads only the record
 * headers (one pread() per 64 KiB of headers).
 */
int flat_is_whole(int fd, const void *magic, size_t magic_len);

#endif /* CSDEXTRACT_FLATTENED_H */
