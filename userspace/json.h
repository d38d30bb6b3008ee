/* SPDX-License-Identifier: GPL-2.0 */
/* A small streaming JSON writer with string escaping. */
#ifndef CSDEXTRACT_JSON_H
#define CSDEXTRACT_JSON_H

#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json {
	FILE *f;
	int depth;
	int first[JSON_MAX_DEPTH];	/* no member written yet at this level */
	int after_key;
	int indent;
};

void json_init(struct json *j, FILE *f, int indent);
void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);
void json_key(struct json *j, const char *key);
/* Values (after json_key in an object, or as array elements). */
void json_str(struct json *j, const char *s);		/* NULL -> null */
void json_strn(struct json *j, const char *s, size_t n);
void json_int(struct json *j, long long v);
void json_uint(struct json *j, unsigned long long v);
void json_bool(struct json *j, int v);
void json_null(struct json *j);
void json_addr(struct json *j, uint64_t v);		/* "0x%016llx" */
/* A member in one call: json_key(key) and the value. */
void json_kstr(struct json *j, const char *key, const char *s);	/* NULL -> null */
void json_kint(struct json *j, const char *key, long long v);
void json_kuint(struct json *j, const char *key, unsigned long long v);
void json_kbool(struct json *j, const char *key, int v);
void json_kaddr(struct json *j, const char *key, uint64_t v);
/* The address if @have, else null. */
void json_kaddr_opt(struct json *j, const char *key, int have, uint64_t v);
/* Write the escaped form of s[0..n) (no quotes). */
void json_escape(FILE *f, const char *s, size_t n);

#endif
