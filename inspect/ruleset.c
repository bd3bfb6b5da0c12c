// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The ruleset loader: lines -> rules (comments, continuation lines), the
 * per-keyword skip counts, a gid:sid index against duplicates, and the
 * load report.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/ruleset.h"

/* One unsupported keyword and how many rules it cost. */
struct skip_count {
	char keyword[RULE_KEYWORD_LEN];
	size_t count;
};

struct ruleset {
	const struct rule_env *env;
	ruleset_warn_fn warn;
	void *warn_ctx;
	struct rule **rules;
	size_t n, cap;
	struct skip_count *skips;
	size_t n_skips, cap_skips;
	uint64_t *index; /* open addressing of gid:sid + 1 (0 = empty) */
	size_t index_cap;
	struct ruleset_stats st;
	char *text; /* joined continuation lines */
	size_t text_cap;
};

struct ruleset *ruleset_new(const struct rule_env *env, ruleset_warn_fn warn, void *warn_ctx)
{
	struct ruleset *rs = calloc(1, sizeof(*rs));

	if (!rs)
		return NULL;
	rs->env = env;
	rs->warn = warn;
	rs->warn_ctx = warn_ctx;
	return rs;
}

void ruleset_free(struct ruleset *rs)
{
	size_t i;

	if (!rs)
		return;
	for (i = 0; i < rs->n; i++)
		rule_free(rs->rules[i]);
	free(rs->rules);
	free(rs->skips);
	free(rs->index);
	free(rs->text);
	free(rs);
}

static uint64_t rule_key(uint32_t gid, uint32_t sid)
{
	return ((uint64_t)gid << 32 | sid) + 1;
}

static size_t key_slot(uint64_t key, size_t cap)
{
	key ^= key >> 31;
	key *= 0x9e3779b97f4a7c15ull;
	return (size_t)(key >> 17) & (cap - 1);
}

/* Position of key, or of the empty slot where it would go. */
static size_t index_find(const uint64_t *index, size_t cap, uint64_t key)
{
	size_t i = key_slot(key, cap);

	while (index[i] && index[i] != key)
		i = (i + 1) & (cap - 1);
	return i;
}

/* Keep the load factor under 1/2 so that probing stays short. */
static int index_grow(struct ruleset *rs)
{
	size_t cap = rs->index_cap ? rs->index_cap * 2 : 1024, i;
	uint64_t *index;

	if ((rs->n + 1) * 2 <= rs->index_cap)
		return 0;
	index = calloc(cap, sizeof(*index));
	if (!index)
		return -1;
	for (i = 0; i < rs->index_cap; i++)
		if (rs->index[i])
			index[index_find(index, cap, rs->index[i])] = rs->index[i];
	free(rs->index);
	rs->index = index;
	rs->index_cap = cap;
	return 0;
}

const struct rule *ruleset_find(const struct ruleset *rs, uint32_t gid, uint32_t sid)
{
	size_t i, k;
	uint64_t key = rule_key(gid, sid);

	if (!rs->index_cap || !rs->index[index_find(rs->index, rs->index_cap, key)])
		return NULL;
	for (k = 0; k < rs->n; k++) {
		i = rs->n - 1 - k;
		if (rs->rules[i]->gid == gid && rs->rules[i]->sid == sid)
			return rs->rules[i];
	}
	return NULL;
}

static int count_skip(struct ruleset *rs, const char *keyword)
{
	size_t i;

	for (i = 0; i < rs->n_skips; i++) {
		if (!strcmp(rs->skips[i].keyword, keyword)) {
			rs->skips[i].count++;
			return 0;
		}
	}
	if (rs->n_skips == rs->cap_skips) {
		size_t cap = rs->cap_skips ? rs->cap_skips * 2 : 32;
		struct skip_count *s = realloc(rs->skips, cap * sizeof(*s));

		if (!s)
			return -1;
		rs->skips = s;
		rs->cap_skips = cap;
	}
	snprintf(rs->skips[rs->n_skips].keyword, RULE_KEYWORD_LEN, "%s", keyword);
	rs->skips[rs->n_skips++].count = 1;
	return 0;
}

static void warn(struct ruleset *rs, const char *file, unsigned int line,
		 const struct rule_error *err)
{
	if (rs->warn)
		rs->warn(rs->warn_ctx, file, line, err);
}

/* Keep a parsed rule unless its gid:sid is taken. 1 kept, 0 duplicate, -1 no memory. */
static int keep_rule(struct ruleset *rs, struct rule *r)
{
	uint64_t key = rule_key(r->gid, r->sid);
	size_t slot;

	if (rs->n >= RULESET_MAX_RULES || index_grow(rs) < 0)
		return -1;
	slot = index_find(rs->index, rs->index_cap, key);
	if (rs->index[slot])
		return 0;
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 256;
		struct rule **v = realloc(rs->rules, cap * sizeof(*v));

		if (!v)
			return -1;
		rs->rules = v;
		rs->cap = cap;
	}
	rs->index[slot] = key;
	rs->rules[rs->n++] = r;
	return 1;
}

/* Parse one joined rule text. 1 loaded, 0 skipped, -1 no memory. */
static int load_one(struct ruleset *rs, const char *s, size_t n, const char *file,
		    unsigned int line)
{
	struct rule_error err;
	struct rule *r;
	int kept;

	switch (rule_parse(s, n, rs->env, &r, &err)) {
	case RULE_OK:
		break;
	case RULE_ERR_UNSUPPORTED:
		rs->st.unsupported++;
		warn(rs, file, line, &err);
		return count_skip(rs, err.keyword) < 0 ? -1 : 0;
	case RULE_ERR_SYNTAX:
		rs->st.malformed++;
		warn(rs, file, line, &err);
		return 0;
	default:
		return -1;
	}
	kept = keep_rule(rs, r);
	if (kept <= 0) {
		if (kept == 0) {
			memset(&err, 0, sizeof(err));
			err.status = RULE_ERR_SYNTAX;
			err.sid = r->sid;
			snprintf(err.keyword, sizeof(err.keyword), "sid");
			snprintf(err.reason, sizeof(err.reason), "duplicate sid %u:%u", r->gid,
				 r->sid);
			rs->st.duplicates++;
			warn(rs, file, line, &err);
		}
		rule_free(r);
		return kept;
	}
	rs->st.loaded++;
	rs->st.ip_only += r->ip_only;
	return 1;
}

/* Append s[0..n) to the joined text. -1 on no memory. */
static int text_add(struct ruleset *rs, size_t *used, const char *s, size_t n)
{
	if (*used + n + 1 > rs->text_cap) {
		size_t cap = (*used + n + 1) * 2;
		char *t = realloc(rs->text, cap);

		if (!t)
			return -1;
		rs->text = t;
		rs->text_cap = cap;
	}
	memcpy(rs->text + *used, s, n);
	*used += n;
	return 0;
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v';
}

/* One logical rule that was too long: report it as malformed. */
static void too_long(struct ruleset *rs, const char *file, unsigned int line)
{
	struct rule_error err = {.status = RULE_ERR_SYNTAX};

	snprintf(err.reason, sizeof(err.reason), "rule longer than %d bytes", RULE_MAX_TEXT);
	rs->st.malformed++;
	warn(rs, file, line, &err);
}

long ruleset_load(struct ruleset *rs, const char *buf, size_t len, const char *file)
{
	size_t pos = 0, used = 0;
	unsigned int ln = 0, start = 0;
	bool overflow = false;
	long loaded = 0;

	while (pos < len) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		bool more;
		int ret;

		pos += n + 1;
		ln++;
		while (n && is_blank(s[n - 1]))
			n--;
		if (used == 0 && !overflow) {
			while (n && is_blank(s[0])) {
				s++;
				n--;
			}
			if (n == 0 || s[0] == '#')
				continue;
			start = ln;
		}
		more = n && s[n - 1] == '\\';
		if (more)
			n--;
		if (used + n > RULE_MAX_TEXT)
			overflow = true;
		else if (text_add(rs, &used, s, n) < 0)
			return -1;
		if (more && pos < len)
			continue;
		if (overflow)
			too_long(rs, file, start);
		ret = overflow ? 0 : load_one(rs, rs->text, used, file, start);
		if (ret < 0)
			return -1;
		loaded += ret;
		used = 0;
		overflow = false;
	}
	return loaded;
}

void ruleset_stats(const struct ruleset *rs, struct ruleset_stats *st)
{
	*st = rs->st;
}

size_t ruleset_count(const struct ruleset *rs)
{
	return rs->n;
}

const struct rule *ruleset_rule(const struct ruleset *rs, size_t i)
{
	return i < rs->n ? rs->rules[i] : NULL;
}

static int skip_cmp(const void *a, const void *b)
{
	const struct skip_count *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->keyword, y->keyword);
}

size_t ruleset_skip_keywords(const struct ruleset *rs)
{
	return rs->n_skips;
}

int ruleset_skip_keyword(const struct ruleset *rs, size_t i, const char **keyword, size_t *count)
{
	struct ruleset *m = (struct ruleset *)rs;

	if (i >= rs->n_skips)
		return -1;
	/* Sorting is idempotent and cheap (tens of keywords): keep the order stable. */
	qsort(m->skips, m->n_skips, sizeof(*m->skips), skip_cmp);
	*keyword = rs->skips[i].keyword;
	*count = rs->skips[i].count;
	return 0;
}

/* snprintf that keeps going after truncation, adding up the full length. */
static void append(char *out, size_t outlen, size_t *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void append(char *out, size_t outlen, size_t *at, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(*at < outlen ? out + *at : NULL, *at < outlen ? outlen - *at : 0, fmt, ap);
	va_end(ap);
	if (k > 0)
		*at += (size_t)k;
}

size_t ruleset_report(const struct ruleset *rs, char *out, size_t outlen)
{
	size_t at = 0, i, count;
	const char *kw;

	if (outlen)
		out[0] = '\0';
	append(out, outlen, &at, "%zu rules loaded, %zu skipped", rs->st.loaded,
	       rs->st.unsupported);
	for (i = 0; ruleset_skip_keyword(rs, i, &kw, &count) == 0; i++)
		append(out, outlen, &at, "%s %s %zu", i ? "," : ":", kw, count);
	if (rs->st.malformed)
		append(out, outlen, &at, "; %zu malformed", rs->st.malformed);
	if (rs->st.duplicates)
		append(out, outlen, &at, "; %zu duplicate", rs->st.duplicates);
	return at;
}
