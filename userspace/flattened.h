/* SPDX-License-Identifier: GPL-2.0 */
/*
 * makedumpfile's flattened format (makedumpfile -F, what Debian's
 * kdump-tools saves): a 4 KiB header starting with "makedumpfile", then
 * big-endian records {i64 offset, i64 size} each followed by size bytes
 * of data that belong at that offset of the real dump file, ended by a
 * record with offset = size = -1. libkdumpfile 0.5.1 cannot open it, so
 * it is rearranged into an anonymous memfd.
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

#endif /* CSDEXTRACT_FLATTENED_H */
