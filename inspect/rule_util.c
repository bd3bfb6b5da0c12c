// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Small pure helpers for the rule parser: errors, bounded copies, number
 * and comparison parsing over (s, n) that is not NUL-terminated.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/rule_priv.h"

int rule_fail(struct rule_pctx *c, const char *fmt, ...)
{
	struct rule_error *e = c->err;
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	e->status = RULE_ERR_SYNTAX;
	snprintf(e->keyword, sizeof(e->keyword), "%s", c->keyword ? c->keyword : "");
	snprintf(e->reason, sizeof(e->reason), "%s: %s", e->keyword[0] ? e->keyword : "rule", msg);
	return RULE_ERR_SYNTAX;
}

int rule_nomem(struct rule_pctx *c)
{
	c->err->status = RULE_ERR_NOMEM;
	snprintf(c->err->reason, sizeof(c->err->reason), "out of memory");
	return RULE_ERR_NOMEM;
}

char *rule_strndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

const char *rule_trim(const char *s, size_t *n)
{
	while (*n && isspace((unsigned char)s[0])) {
		s++;
		(*n)--;
	}
	while (*n && isspace((unsigned char)s[*n - 1]))
		(*n)--;
	return s;
}

int rule_parse_u32(const char *s, size_t n, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 10)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int rule_parse_i32(const char *s, size_t n, int32_t min, int32_t max, int32_t *out)
{
	bool neg = n && s[0] == '-';
	uint32_t mag;

	if (neg) {
		s++;
		n--;
	}
	if (rule_parse_u32(s, n, (uint32_t)INT32_MAX, &mag) < 0)
		return -1;
	if ((neg ? -(int64_t)mag : (int64_t)mag) < min || (int64_t)(neg ? 0 : mag) > max)
		return -1;
	*out = neg ? -(int32_t)mag : (int32_t)mag;
	return 0;
}

bool rule_split(const char *s, size_t n, char sep, size_t *head_n, const char **rest,
		size_t *rest_n)
{
	const char *p = memchr(s, sep, n);

	if (!p)
		return false;
	*head_n = (size_t)(p - s);
	*rest = p + 1;
	*rest_n = n - *head_n - 1;
	return true;
}

static int cmp_number(const char *s, size_t n, uint32_t *out)
{
	s = rule_trim(s, &n);
	return rule_parse_u32(s, n, UINT32_MAX, out);
}

int rule_parse_cmp(const char *s, size_t n, struct rule_uint_cmp *out)
{
	const char *p;

	memset(out, 0, sizeof(*out));
	s = rule_trim(s, &n);
	p = n >= 2 ? memmem(s, n, "<>", 2) : NULL;
	if (p) {
		out->op = RULE_CMP_RANGE;
		if (cmp_number(s, (size_t)(p - s), &out->lo) < 0 ||
		    cmp_number(p + 2, n - (size_t)(p - s) - 2, &out->hi) < 0 || out->lo >= out->hi)
			return -1;
		return 0;
	}
	out->op = RULE_CMP_EQ;
	if (n >= 2 && (s[0] == '<' || s[0] == '>') && s[1] == '=') {
		out->op = s[0] == '<' ? RULE_CMP_LE : RULE_CMP_GE;
		s += 2;
		n -= 2;
	} else if (n && (s[0] == '<' || s[0] == '>' || s[0] == '!')) {
		out->op = s[0] == '<' ? RULE_CMP_LT : s[0] == '>' ? RULE_CMP_GT : RULE_CMP_NE;
		s++;
		n--;
	}
	return cmp_number(s, n, &out->lo);
}
