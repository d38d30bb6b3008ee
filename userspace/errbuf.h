/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One-line error messages into a caller's buffer. Header-only so that
 * flattened.c still builds alone (the flattened-reader fuzz target).
 */
#ifndef CSDEXTRACT_ERRBUF_H
#define CSDEXTRACT_ERRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

static inline __attribute__((format(printf, 3, 4)))
void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

#endif /* CSDEXTRACT_ERRBUF_H */
