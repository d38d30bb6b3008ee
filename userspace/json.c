// SPDX-License-Identifier: GPL-2.0
/* A small streaming JSON writer with string escaping. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <string.h>

#include "json.h"

void json_init(struct json *j, FILE *f, int indent)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->indent = indent;
	j->first[0] = 1;
}

static void newline(struct json *j)
{
	int i;

	if (!j->indent)
		return;
	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Separator before a value or a key. */
static void pre(struct json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0) {
		if (!j->first[j->depth])
			fputc(',', j->f);
		newline(j);
	}
	j->first[j->depth] = 0;
}

static void open_(struct json *j, char c)
{
	pre(j);
	fputc(c, j->f);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = 1;
}

static void close_(struct json *j, char c)
{
	int empty = j->first[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (!empty)
		newline(j);
	fputc(c, j->f);
	if (j->depth == 0 && j->indent)
		fputc('\n', j->f);
}

void json_obj_begin(struct json *j) { open_(j, '{'); }
void json_obj_end(struct json *j) { close_(j, '}'); }
void json_arr_begin(struct json *j) { open_(j, '['); }
void json_arr_end(struct json *j) { close_(j, ']'); }

void json_escape(FILE *f, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		default:
			/* Control and non-ASCII bytes: dump bytes are not
			 * trusted to be UTF-8, so escape them as code points. */
			if (c < 0x20 || c >= 0x7f)
				fprintf(f, "\\u%04x", c);
			else
				fputc(c, f);
		}
	}
}

void json_key(struct json *j, const char *key)
{
	pre(j);
	fputc('"', j->f);
	json_escape(j->f, key, strlen(key));
	fputs(j->indent ? "\": " : "\":", j->f);
	j->after_key = 1;
}

void json_strn(struct json *j, const char *s, size_t n)
{
	pre(j);
	fputc('"', j->f);
	json_escape(j->f, s, n);
	fputc('"', j->f);
}

void json_str(struct json *j, const char *s)
{
	if (!s) {
		json_null(j);
		return;
	}
	json_strn(j, s, strlen(s));
}

void json_int(struct json *j, long long v)
{
	pre(j);
	fprintf(j->f, "%lld", v);
}

void json_uint(struct json *j, unsigned long long v)
{
	pre(j);
	fprintf(j->f, "%llu", v);
}

void json_bool(struct json *j, int v)
{
	pre(j);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j)
{
	pre(j);
	fputs("null", j->f);
}

void json_addr(struct json *j, uint64_t v)
{
	pre(j);
	fprintf(j->f, "\"0x%016" PRIx64 "\"", v);
}

void json_kstr(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str(j, s);
}

void json_kint(struct json *j, const char *key, long long v)
{
	json_key(j, key);
	json_int(j, v);
}

void json_kuint(struct json *j, const char *key, unsigned long long v)
{
	json_key(j, key);
	json_uint(j, v);
}

void json_kbool(struct json *j, const char *key, int v)
{
	json_key(j, key);
	json_bool(j, v);
}

void json_kaddr(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_addr(j, v);
}

void json_kaddr_opt(struct json *j, const char *key, int have, uint64_t v)
{
	json_key(j, key);
	if (have)
		json_addr(j, v);
	else
		json_null(j);
}
