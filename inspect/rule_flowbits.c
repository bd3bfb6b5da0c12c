// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The flowbits keyword: "flowbits:set,NAME", unset, toggle, isset,
 * isnotset (NAME may be a|b for any of them, or a&b for all of them) and
 * "flowbits:noalert". Names are kept as text; the detection engine numbers
 * them across the ruleset (inspect/detect.c).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/rule_priv.h"

static const struct {
	const char *word;
	enum rule_fb_op op;
} ops[] = {
	{"set", RULE_FB_SET},	  {"unset", RULE_FB_UNSET},	  {"toggle", RULE_FB_TOGGLE},
	{"isset", RULE_FB_ISSET}, {"isnotset", RULE_FB_ISNOTSET},
};

static bool name_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '.' || ch == '-';
}

/* "a", "a|b|c" or "a&b" into fb's names. */
static int parse_names(struct rule_pctx *c, struct rule_flowbit *fb, const char *s, size_t n)
{
	char sep = memchr(s, '|', n) ? '|' : '&';
	size_t i = 0;

	if (sep == '|' && memchr(s, '&', n))
		return rule_fail(c, "'|' and '&' mixed");
	if (sep == '|' && fb->op != RULE_FB_ISSET && fb->op != RULE_FB_ISNOTSET)
		return rule_fail(c, "'|' only with isset and isnotset");
	fb->any = sep == '|';
	while (i <= n) {
		size_t start = i, len;
		const char *name;

		while (i < n && s[i] != sep)
			i++;
		len = i - start;
		name = rule_trim(s + start, &len);
		if (!len)
			return rule_fail(c, "empty flowbit name");
		for (size_t k = 0; k < len; k++)
			if (!name_char(name[k]))
				return rule_fail(c, "bad flowbit name \"%.*s\"",
						 (int)(len > 40 ? 40 : len), name);
		if (fb->n == RULE_FB_NAMES)
			return rule_fail(c, "more than %d names", RULE_FB_NAMES);
		fb->names[fb->n] = rule_strndup(name, len);
		if (!fb->names[fb->n])
			return rule_nomem(c);
		fb->n++;
		i++; /* past the separator (or the end) */
	}
	return 0;
}

static int add(struct rule_pctx *c, struct rule_flowbit *fb)
{
	struct rule *r = c->r;
	struct rule_flowbit *nf = realloc(r->flowbits, (r->n_flowbits + 1) * sizeof(*nf));

	if (!nf)
		return rule_nomem(c);
	r->flowbits = nf;
	r->flowbits[r->n_flowbits++] = *fb;
	return 0;
}

int rule_opt_flowbits(struct rule_pctx *c, const char *v, size_t n)
{
	struct rule_flowbit fb = {0};
	const char *rest;
	size_t head, rn, i;
	int ret;

	v = rule_trim(v, &n);
	if (!rule_split(v, n, ',', &head, &rest, &rn)) {
		if (n == 7 && !memcmp(v, "noalert", 7)) {
			c->r->noalert = true;
			return 0;
		}
		return rule_fail(c, "expected noalert or OPERATION,NAME");
	}
	v = rule_trim(v, &head);
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strlen(ops[i].word) == head && !memcmp(ops[i].word, v, head))
			break;
	if (i == sizeof(ops) / sizeof(ops[0]))
		return rule_fail(c, "unknown operation \"%.*s\"", (int)(head > 20 ? 20 : head), v);
	fb.op = ops[i].op;
	ret = parse_names(c, &fb, rest, rn);
	if (!ret)
		ret = add(c, &fb);
	if (ret)
		for (i = 0; i < fb.n; i++)
			free(fb.names[i]);
	return ret;
}
