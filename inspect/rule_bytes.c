// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * byte_test and byte_jump, as Suricata parses them:
 *   byte_test: NBYTES, [!]OP, VALUE, OFFSET [, relative] [, big|little]
 *              [, string, hex|dec|oct] [, bitmask MASK]
 *   byte_jump: NBYTES, OFFSET [, relative] [, multiplier N] [, big|little]
 *              [, string, hex|dec|oct] [, align] [, from_beginning|from_end]
 *              [, post_offset N] [, bitmask MASK]
 * The dce option and operands naming a byte_extract variable are valid
 * Suricata but not implemented here: the rule is skipped as unsupported.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/rule_priv.h"

#define MAX_FIELDS 16
#define MAX_OFFSET 65535

struct field {
	const char *s;
	size_t n;
};

static bool is(const struct field *f, const char *w)
{
	return strlen(w) == f->n && memcmp(f->s, w, f->n) == 0;
}

/* Comma-separated, trimmed fields; -1 when there are too many. */
static int split_fields(const char *v, size_t n, struct field *f)
{
	int k = 0;

	while (k < MAX_FIELDS) {
		const char *rest;
		size_t head, rn;

		if (!rule_split(v, n, ',', &head, &rest, &rn)) {
			f[k].n = n;
			f[k].s = rule_trim(v, &f[k].n);
			return k + 1;
		}
		f[k].n = head;
		f[k].s = rule_trim(v, &f[k].n);
		k++;
		v = rest;
		n = rn;
	}
	return -1;
}

/* A number in decimal or 0x hex. -1: not one. */
static int number(const struct field *f, uint64_t *out)
{
	char buf[32], *end;

	if (!f->n || f->n >= sizeof(buf) || f->s[0] == '-' || f->s[0] == '+')
		return -1;
	memcpy(buf, f->s, f->n);
	buf[f->n] = '\0';
	*out = strtoull(buf, &end, 0);
	return *end ? -1 : 0;
}

static int signed_number(const struct field *f, int64_t lo, int64_t hi, int32_t *out)
{
	struct field g = *f;
	uint64_t u;
	bool neg = f->n && f->s[0] == '-';

	if (neg) {
		g.s++;
		g.n--;
	}
	if (number(&g, &u) || u > (uint64_t)INT32_MAX)
		return -1;
	if ((neg ? -(int64_t)u : (int64_t)u) < lo || (neg ? -(int64_t)u : (int64_t)u) > hi)
		return -1;
	*out = (int32_t)(neg ? -(int64_t)u : (int64_t)u);
	return 0;
}

/* A byte_extract variable where a number belongs: valid Suricata we do not implement. */
static bool is_variable(const struct field *f)
{
	return f->n && (isalpha((unsigned char)f->s[0]) || f->s[0] == '_');
}

static int parse_op(struct rule_pctx *c, struct field f, struct rule_match *m)
{
	static const char *const ops[] = {"<", ">", "=", "<=", ">=", "&", "^"};
	size_t i;

	if (f.n && f.s[0] == '!') {
		m->negated = true;
		f.s++;
		f.n--;
		f.s = rule_trim(f.s, &f.n);
		if (!f.n) { /* "!" alone: Suricata's "not equal" */
			m->byte_op = RULE_BYTE_EQ;
			return 0;
		}
	}
	if (f.n == 2 && !memcmp(f.s, "!=", 2)) {
		m->negated = true;
		m->byte_op = RULE_BYTE_EQ;
		return 0;
	}
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (is(&f, ops[i])) {
			m->byte_op = (uint8_t)i;
			return 0;
		}
	}
	return rule_fail(c, "bad operator \"%.*s\"", (int)(f.n > 8 ? 8 : f.n), f.s);
}

/* One option word (or "word value"); 1 when unsupported. */
static int parse_option(struct rule_pctx *c, const struct field *f, struct rule_match *m, bool jump,
			bool *string)
{
	struct field word = *f, arg = {"", 0};
	const char *sp = memchr(f->s, ' ', f->n);
	uint64_t u;

	if (sp) {
		word.n = (size_t)(sp - f->s);
		arg.n = f->n - word.n;
		arg.s = rule_trim(sp, &arg.n);
	}
	if (is(&word, "relative"))
		m->relative = true;
	else if (is(&word, "big"))
		m->little = false;
	else if (is(&word, "little"))
		m->little = true;
	else if (is(&word, "string"))
		*string = true;
	else if (is(&word, "hex") || is(&word, "dec") || is(&word, "oct"))
		m->base = word.s[0] == 'h' ? 16 : word.s[0] == 'd' ? 10 : 8;
	else if (is(&word, "dce"))
		return 1;
	else if (is(&word, "bitmask") && !number(&arg, &u) && u)
		m->bitmask = u;
	else if (jump && is(&word, "align"))
		m->align = true;
	else if (jump && is(&word, "from_beginning"))
		m->from_beginning = true;
	else if (jump && is(&word, "from_end"))
		m->from_end = true;
	else if (jump && is(&word, "multiplier") && !number(&arg, &u) && u && u <= 65535)
		m->multiplier = (uint32_t)u;
	else if (jump && is(&word, "post_offset") && is_variable(&arg))
		return 1;
	else if (jump && is(&word, "post_offset") &&
		 !signed_number(&arg, -MAX_OFFSET, MAX_OFFSET, &m->post_offset))
		;
	else
		return rule_fail(c, "bad option \"%.*s\"", (int)(f->n > 32 ? 32 : f->n), f->s);
	return 0;
}

/* What is read, after the options: sizes Suricata allows. */
static int check_size(struct rule_pctx *c, struct rule_match *m, bool string)
{
	if (string && !m->base)
		m->base = 10;
	if (!string && m->base)
		return rule_fail(c, "hex/dec/oct without string");
	/* 0 with string: the digits there are, as ET uses it on http.content_len */
	if ((!m->nbytes && !string) || m->nbytes > (string ? 20 : 8))
		return rule_fail(c, "reads %d to %d bytes", string ? 0 : 1, string ? 20 : 8);
	if (m->from_beginning && m->from_end)
		return rule_fail(c, "from_beginning and from_end together");
	return 0;
}

int rule_opt_bytes(struct rule_pctx *c, const char *v, size_t n, int jump, bool *unsupported)
{
	struct field f[MAX_FIELDS];
	int nf = split_fields(v, n, f), first_opt = jump ? 2 : 4, i, ret;
	const struct rule_match *prev = rule_last_match(c);
	enum rule_buffer prev_buf = prev ? prev->buf : RULE_BUF_PAYLOAD;
	struct rule_match tmp = {.multiplier = 1}, *m;
	bool string = false;
	uint64_t u;

	if (nf < first_opt)
		return rule_fail(c, "needs %s",
				 jump ? "NBYTES, OFFSET" : "NBYTES, OP, VALUE, OFFSET");
	if (is_variable(&f[0]) || (!jump && is_variable(&f[2])) || is_variable(&f[jump ? 1 : 3])) {
		*unsupported = true; /* a byte_extract variable */
		return 0;
	}
	if (number(&f[0], &u) || u > 20)
		return rule_fail(c, "bad byte count");
	tmp.nbytes = (uint8_t)u;
	if (!jump) {
		ret = parse_op(c, f[1], &tmp);
		if (ret)
			return ret;
		if (number(&f[2], &tmp.value))
			return rule_fail(c, "bad value");
	}
	if (signed_number(&f[jump ? 1 : 3], -MAX_OFFSET, MAX_OFFSET, &tmp.offset))
		return rule_fail(c, "bad offset");
	for (i = first_opt; i < nf; i++) {
		ret = parse_option(c, &f[i], &tmp, jump, &string);
		if (ret == 1) {
			*unsupported = true;
			return 0;
		}
		if (ret)
			return ret;
	}
	if ((ret = check_size(c, &tmp, string)))
		return ret;
	m = rule_new_match(c, jump ? RULE_MATCH_BYTE_JUMP : RULE_MATCH_BYTE_TEST, c->sticky);
	if (!m)
		return c->err->status;
	tmp.kind = m->kind;
	tmp.buf = m->buf;
	tmp.has_offset = true;
	/* Relative with no sticky buffer: the buffer of the item it follows. */
	if (tmp.relative && c->sticky == RULE_BUF_PAYLOAD)
		tmp.buf = prev_buf;
	*m = tmp;
	c->used[m->buf] = true;
	return 0;
}
