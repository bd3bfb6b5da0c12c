// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Non-payload rule keywords: msg, sid, rev, gid, classtype, priority,
 * metadata, reference, target, flow, flags, dsize, bsize, dotprefix,
 * urilen and threshold. Each handler checks its value completely and
 * refuses anything it does not understand, naming the keyword.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/rule_priv.h"

#define MAX_PRIORITY 255

static bool word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(s, w, n) == 0;
}

/*
 * Walk a comma-separated list: the next trimmed element in (*e, *en).
 * Returns false at the end.
 */
static bool next_elem(const char **s, size_t *n, const char **e, size_t *en)
{
	const char *rest;
	size_t head, rest_n;

	if (*n == 0)
		return false;
	if (rule_split(*s, *n, ',', &head, &rest, &rest_n)) {
		*e = *s;
		*en = head;
		*s = rest;
		*n = rest_n;
	} else {
		*e = *s;
		*en = *n;
		*s += *n;
		*n = 0;
	}
	*e = rule_trim(*e, en);
	return true;
}

int rule_unquote(struct rule_pctx *c, const char *s, size_t n, char **out)
{
	size_t i, k = 0;
	char *buf;

	s = rule_trim(s, &n);
	if (n && s[0] == '"') {
		/* The closing quote: the first one not escaped. */
		for (i = 1; i < n && s[i] != '"'; i++)
			if (s[i] == '\\')
				i++;
		if (i >= n)
			return rule_fail(c, "unbalanced quotes");
		if (i != n - 1)
			return rule_fail(c, "text after the closing quote (missing ';'?)");
		s++;
		n -= 2;
	} else if (n && s[n - 1] == '"') {
		return rule_fail(c, "unbalanced quotes");
	}
	buf = malloc(n + 1);
	if (!buf)
		return rule_nomem(c);
	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		else if (s[i] == '"') {
			free(buf);
			return rule_fail(c, "unescaped '\"'");
		}
		buf[k++] = s[i];
	}
	buf[k] = '\0';
	*out = buf;
	return 0;
}

static int opt_u32(struct rule_pctx *c, const char *v, size_t n, uint32_t min, uint32_t max,
		   uint32_t *out)
{
	v = rule_trim(v, &n);
	if (rule_parse_u32(v, n, max, out) < 0 || *out < min)
		return rule_fail(c, "bad number \"%.*s\"", (int)(n > 32 ? 32 : n), v);
	return 0;
}

static int opt_msg(struct rule_pctx *c, const char *v, size_t n)
{
	char *msg;
	int ret = rule_unquote(c, v, n, &msg);

	if (ret)
		return ret;
	free(c->r->msg);
	c->r->msg = msg;
	return 0;
}

static int opt_classtype(struct rule_pctx *c, const char *v, size_t n)
{
	const struct rule_class *cl;

	v = rule_trim(v, &n);
	if (n == 0)
		return rule_fail(c, "empty classtype");
	if (c->r->classtype)
		return rule_fail(c, "given twice");
	c->r->classtype = rule_strndup(v, n);
	if (!c->r->classtype)
		return rule_nomem(c);
	cl = c->env ? rule_classes_find(c->env->classes, v, n) : NULL;
	if (c->env && c->env->classes && !cl)
		return rule_fail(c, "unknown classtype \"%s\"", c->r->classtype);
	if (cl) {
		c->r->class_desc = strdup(cl->desc);
		if (!c->r->class_desc)
			return rule_nomem(c);
		if (!c->have_priority)
			c->r->priority = cl->priority;
	}
	return 0;
}

static int opt_priority(struct rule_pctx *c, const char *v, size_t n)
{
	int ret = opt_u32(c, v, n, 1, MAX_PRIORITY, &c->r->priority);

	c->have_priority = true;
	return ret;
}

static int opt_metadata(struct rule_pctx *c, const char *v, size_t n)
{
	struct rule *r = c->r;
	const char *e;
	size_t en, kn;

	while (next_elem(&v, &n, &e, &en)) {
		struct rule_meta *m;
		const char *val = e;

		if (en == 0)
			continue;
		if (r->n_meta >= RULE_MAX_META)
			return rule_fail(c, "more than %d metadata pairs", RULE_MAX_META);
		m = realloc(r->meta, (r->n_meta + 1) * sizeof(*m));
		if (!m)
			return rule_nomem(c);
		r->meta = m;
		for (kn = 0; kn < en && !isspace((unsigned char)e[kn]); kn++)
			;
		m = &r->meta[r->n_meta];
		en -= kn;
		val = rule_trim(e + kn, &en);
		m->key = rule_strndup(e, kn);
		m->value = rule_strndup(val, en);
		r->n_meta++;
		if (!m->key || !m->value)
			return rule_nomem(c);
	}
	return 0;
}

static int opt_reference(struct rule_pctx *c, const char *v, size_t n)
{
	struct rule *r = c->r;
	struct rule_ref *ref;
	const char *val;
	size_t tn, vn;

	v = rule_trim(v, &n);
	if (!rule_split(v, n, ',', &tn, &val, &vn) || tn == 0)
		return rule_fail(c, "want type,value");
	if (r->n_refs >= RULE_MAX_REFS)
		return rule_fail(c, "more than %d references", RULE_MAX_REFS);
	ref = realloc(r->refs, (r->n_refs + 1) * sizeof(*ref));
	if (!ref)
		return rule_nomem(c);
	r->refs = ref;
	ref = &r->refs[r->n_refs++];
	v = rule_trim(v, &tn);
	val = rule_trim(val, &vn);
	ref->type = rule_strndup(v, tn);
	ref->value = rule_strndup(val, vn);
	if (!ref->type || !ref->value)
		return rule_nomem(c);
	return 0;
}

static int opt_target(struct rule_pctx *c, const char *v, size_t n)
{
	v = rule_trim(v, &n);
	if (word_is(v, n, "src_ip"))
		c->r->target = RULE_TARGET_SRC;
	else if (word_is(v, n, "dest_ip"))
		c->r->target = RULE_TARGET_DST;
	else
		return rule_fail(c, "want src_ip or dest_ip");
	return 0;
}

static const struct {
	const char *name;
	uint32_t bit;
} flow_words[] = {
	{"to_server", RULE_FLOW_TO_SERVER},	{"from_client", RULE_FLOW_TO_SERVER},
	{"to_client", RULE_FLOW_TO_CLIENT},	{"from_server", RULE_FLOW_TO_CLIENT},
	{"established", RULE_FLOW_ESTABLISHED}, {"not_established", RULE_FLOW_NOT_ESTABLISHED},
	{"stateless", RULE_FLOW_STATELESS},	{"only_stream", RULE_FLOW_ONLY_STREAM},
	{"no_stream", RULE_FLOW_NO_STREAM},
};

static int opt_flow(struct rule_pctx *c, const char *v, size_t n)
{
	const char *e;
	size_t en, i;
	uint32_t f = 0;

	while (next_elem(&v, &n, &e, &en)) {
		for (i = 0; i < sizeof(flow_words) / sizeof(flow_words[0]); i++)
			if (word_is(e, en, flow_words[i].name))
				break;
		if (i == sizeof(flow_words) / sizeof(flow_words[0]))
			return rule_fail(c, "unknown flow option \"%.*s\"",
					 (int)(en > 32 ? 32 : en), e);
		if (f & flow_words[i].bit)
			return rule_fail(c, "flow option \"%s\" repeated", flow_words[i].name);
		f |= flow_words[i].bit;
	}
	if (f == 0)
		return rule_fail(c, "empty flow");
#define BOTH(a, b) ((f & (a)) && (f & (b)))
	if (BOTH(RULE_FLOW_TO_SERVER, RULE_FLOW_TO_CLIENT) ||
	    BOTH(RULE_FLOW_ESTABLISHED, RULE_FLOW_NOT_ESTABLISHED) ||
	    BOTH(RULE_FLOW_ESTABLISHED, RULE_FLOW_STATELESS) ||
	    BOTH(RULE_FLOW_ONLY_STREAM, RULE_FLOW_NO_STREAM))
		return rule_fail(c, "contradicting flow options");
#undef BOTH
	c->r->flow = f;
	return 0;
}

/* A TCP flag letter's bit; 0 for "0" (no flags); -1 when unknown. */
static int tcp_flag_bit(char ch)
{
	static const char letters[] = "FSRPAUEC";
	const char *p;

	if (ch == '0')
		return 0;
	if (ch == '1')
		return RULE_TCP_CWR; /* Snort's old names for the ECN bits */
	if (ch == '2')
		return RULE_TCP_ECE;
	p = strchr(letters, toupper((unsigned char)ch));
	return p && ch ? 1 << (p - letters) : -1;
}

static int flag_letters(struct rule_pctx *c, const char *s, size_t n, uint8_t *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < n; i++) {
		int bit = tcp_flag_bit(s[i]);

		if (bit < 0)
			return rule_fail(c, "unknown TCP flag '%c'", s[i]);
		*out |= (uint8_t)bit;
	}
	return 0;
}

static int opt_flags(struct rule_pctx *c, const char *v, size_t n)
{
	struct rule_tcp_flags *tf = &c->r->tcp_flags;
	const char *mask;
	size_t fn, mn = 0;
	int ret;

	v = rule_trim(v, &n);
	if (!rule_split(v, n, ',', &fn, &mask, &mn))
		fn = n;
	v = rule_trim(v, &fn);
	tf->mod = RULE_FLAGS_EXACT;
	/* The modifier may lead or trail the letters (flags:+SA or flags:SA+). */
	if (fn && strchr("+*!", v[0])) {
		tf->mod = v[0] == '+'	? RULE_FLAGS_PLUS
			  : v[0] == '*' ? RULE_FLAGS_ANY
					: RULE_FLAGS_NOT;
		v++;
		fn--;
	} else if (fn && strchr("+*!", v[fn - 1])) {
		tf->mod = v[fn - 1] == '+'   ? RULE_FLAGS_PLUS
			  : v[fn - 1] == '*' ? RULE_FLAGS_ANY
					     : RULE_FLAGS_NOT;
		fn--;
	}
	if (fn == 0)
		return rule_fail(c, "no TCP flags");
	ret = flag_letters(c, v, fn, &tf->flags);
	if (!ret && mn) {
		mask = rule_trim(mask, &mn);
		ret = flag_letters(c, mask, mn, &tf->ignore);
	}
	tf->set = true;
	return ret;
}

static int opt_cmp(struct rule_pctx *c, const char *v, size_t n, struct rule_uint_cmp *out)
{
	v = rule_trim(v, &n);
	if (out->op != RULE_CMP_NONE)
		return rule_fail(c, "given twice");
	if (rule_parse_cmp(v, n, out) < 0)
		return rule_fail(c, "bad size \"%.*s\"", (int)(n > 32 ? 32 : n), v);
	return 0;
}

static int opt_urilen(struct rule_pctx *c, const char *v, size_t n)
{
	const char *kind;
	size_t cn, kn;

	if (rule_split(v, n, ',', &cn, &kind, &kn)) {
		kind = rule_trim(kind, &kn);
		if (word_is(kind, kn, "raw"))
			c->r->urilen_raw = true;
		else if (!word_is(kind, kn, "norm"))
			return rule_fail(c, "want norm or raw");
		n = cn;
	}
	return opt_cmp(c, v, n, &c->r->urilen);
}

/* bsize and dotprefix apply to the current sticky buffer. */
static int opt_sticky_attr(struct rule_pctx *c, bool is_bsize, const char *v, size_t n)
{
	if (c->sticky == RULE_BUF_PAYLOAD)
		return rule_fail(c, "needs a sticky buffer before it");
	if (is_bsize)
		return opt_cmp(c, v, n, &c->bsize[c->sticky]);
	c->dotprefix[c->sticky] = true;
	return 0;
}

static int threshold_pair(struct rule_pctx *c, struct rule_threshold *t, const char *k, size_t kn,
			  const char *v, size_t vn, unsigned int *seen)
{
	static const char *const types[] = {"limit", "threshold", "both"};
	static const char *const tracks[] = {"by_src", "by_dst", "by_both", "by_rule"};
	size_t i;

	if (word_is(k, kn, "type")) {
		for (i = 0; i < 3 && !word_is(v, vn, types[i]); i++)
			;
		if (i == 3)
			return rule_fail(c, "bad type");
		t->type = (enum rule_threshold_type)(RULE_THRESHOLD_LIMIT + i);
		*seen |= 1;
	} else if (word_is(k, kn, "track")) {
		for (i = 0; i < 4 && !word_is(v, vn, tracks[i]); i++)
			;
		if (i == 4)
			return rule_fail(c, "bad track");
		t->track = (enum rule_track)i;
		*seen |= 2;
	} else if (word_is(k, kn, "count")) {
		if (rule_parse_u32(v, vn, UINT32_MAX, &t->count) < 0 || t->count == 0)
			return rule_fail(c, "bad count");
		*seen |= 4;
	} else if (word_is(k, kn, "seconds")) {
		if (rule_parse_u32(v, vn, UINT32_MAX, &t->seconds) < 0 || t->seconds == 0)
			return rule_fail(c, "bad seconds");
		*seen |= 8;
	} else {
		return rule_fail(c, "unknown part \"%.*s\"", (int)(kn > 32 ? 32 : kn), k);
	}
	return 0;
}

static int opt_threshold(struct rule_pctx *c, const char *v, size_t n)
{
	struct rule_threshold t = {0};
	unsigned int seen = 0;
	const char *e;
	size_t en, kn;
	int ret;

	if (c->r->threshold.type != RULE_THRESHOLD_NONE)
		return rule_fail(c, "given twice");
	while (next_elem(&v, &n, &e, &en)) {
		const char *val;
		size_t vn;

		for (kn = 0; kn < en && !isspace((unsigned char)e[kn]); kn++)
			;
		vn = en - kn;
		val = rule_trim(e + kn, &vn);
		ret = threshold_pair(c, &t, e, kn, val, vn, &seen);
		if (ret)
			return ret;
	}
	if (seen != 15)
		return rule_fail(c, "needs type, track, count and seconds");
	c->r->threshold = t;
	return 0;
}

/* Keywords that take no value. */
static int novalue(struct rule_pctx *c, bool has_value)
{
	return has_value ? rule_fail(c, "takes no value") : 0;
}

int rule_opt_other(struct rule_pctx *c, const char *name, size_t nn, const char *v, size_t n,
		   bool has_value, int *ret)
{
	struct rule *r = c->r;

	if (word_is(name, nn, "dotprefix")) {
		*ret = novalue(c, has_value);
		if (!*ret)
			*ret = opt_sticky_attr(c, false, v, n);
		return 1;
	}
	if (!has_value) {
		/* Every keyword below needs a value. */
		static const char *const valued[] = {
			"msg",	    "sid",	"rev",	     "gid",    "classtype",
			"priority", "metadata", "reference", "target", "flow",
			"flags",    "dsize",	"bsize",     "urilen", "threshold"};
		size_t i;

		for (i = 0; i < sizeof(valued) / sizeof(valued[0]); i++)
			if (word_is(name, nn, valued[i]))
				break;
		if (i == sizeof(valued) / sizeof(valued[0]))
			return 0;
		*ret = rule_fail(c, "needs a value");
		return 1;
	}
	if (word_is(name, nn, "msg"))
		*ret = opt_msg(c, v, n);
	else if (word_is(name, nn, "sid"))
		*ret = opt_u32(c, v, n, 1, UINT32_MAX, &r->sid);
	else if (word_is(name, nn, "rev"))
		*ret = opt_u32(c, v, n, 0, UINT32_MAX, &r->rev);
	else if (word_is(name, nn, "gid"))
		*ret = opt_u32(c, v, n, 0, UINT32_MAX, &r->gid);
	else if (word_is(name, nn, "classtype"))
		*ret = opt_classtype(c, v, n);
	else if (word_is(name, nn, "priority"))
		*ret = opt_priority(c, v, n);
	else if (word_is(name, nn, "metadata"))
		*ret = opt_metadata(c, v, n);
	else if (word_is(name, nn, "reference"))
		*ret = opt_reference(c, v, n);
	else if (word_is(name, nn, "target"))
		*ret = opt_target(c, v, n);
	else if (word_is(name, nn, "flow"))
		*ret = opt_flow(c, v, n);
	else if (word_is(name, nn, "flags"))
		*ret = opt_flags(c, v, n);
	else if (word_is(name, nn, "dsize"))
		*ret = opt_cmp(c, v, n, &r->dsize);
	else if (word_is(name, nn, "bsize"))
		*ret = opt_sticky_attr(c, true, v, n);
	else if (word_is(name, nn, "urilen"))
		*ret = opt_urilen(c, v, n);
	else if (word_is(name, nn, "threshold"))
		*ret = opt_threshold(c, v, n);
	else
		return 0;
	return 1;
}
