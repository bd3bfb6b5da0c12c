// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rule_parse(): splits a rule into header and options, walks the options
 * ("keyword;" or "keyword:value;", where only an unescaped ';' ends a
 * value) and dispatches each keyword. A keyword we do not implement makes
 * the rule RULE_ERR_UNSUPPORTED, but the walk goes on to find the sid and
 * to catch syntax errors, which take precedence. Also rule_free() and the
 * small lookups of rule.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/rule_priv.h"

#define DEFAULT_PRIORITY 3

static const char *const buffer_names[RULE_BUF_COUNT] = {
	[RULE_BUF_PAYLOAD] = "payload",
	[RULE_BUF_HTTP_URI] = "http.uri",
	[RULE_BUF_HTTP_URI_RAW] = "http.uri.raw",
	[RULE_BUF_HTTP_HOST] = "http.host",
	[RULE_BUF_HTTP_HOST_RAW] = "http.host.raw",
	[RULE_BUF_HTTP_METHOD] = "http.method",
	[RULE_BUF_HTTP_USER_AGENT] = "http.user_agent",
	[RULE_BUF_HTTP_HEADER] = "http.header",
	[RULE_BUF_HTTP_HEADER_RAW] = "http.header.raw",
	[RULE_BUF_HTTP_HEADER_NAMES] = "http.header_names",
	[RULE_BUF_HTTP_COOKIE] = "http.cookie",
	[RULE_BUF_HTTP_CONTENT_TYPE] = "http.content_type",
	[RULE_BUF_HTTP_CONTENT_LEN] = "http.content_len",
	[RULE_BUF_HTTP_REFERER] = "http.referer",
	[RULE_BUF_HTTP_ACCEPT] = "http.accept",
	[RULE_BUF_HTTP_ACCEPT_ENC] = "http.accept_enc",
	[RULE_BUF_HTTP_ACCEPT_LANG] = "http.accept_lang",
	[RULE_BUF_HTTP_CONNECTION] = "http.connection",
	[RULE_BUF_HTTP_LOCATION] = "http.location",
	[RULE_BUF_HTTP_SERVER] = "http.server",
	[RULE_BUF_HTTP_PROTOCOL] = "http.protocol",
	[RULE_BUF_HTTP_START] = "http.start",
	[RULE_BUF_HTTP_REQUEST_LINE] = "http.request_line",
	[RULE_BUF_HTTP_RESPONSE_LINE] = "http.response_line",
	[RULE_BUF_HTTP_REQUEST_BODY] = "http.request_body",
	[RULE_BUF_HTTP_RESPONSE_BODY] = "http.response_body",
	[RULE_BUF_HTTP_STAT_CODE] = "http.stat_code",
	[RULE_BUF_HTTP_STAT_MSG] = "http.stat_msg",
	[RULE_BUF_FILE_DATA] = "file.data",
	[RULE_BUF_TLS_SNI] = "tls.sni",
	[RULE_BUF_DNS_QUERY] = "dns.query",
};

const char *rule_buffer_name(enum rule_buffer b)
{
	return (unsigned int)b < RULE_BUF_COUNT ? buffer_names[b] : "?";
}

const char *rule_action_name(enum rule_action a)
{
	static const char *const names[] = {"alert", "drop", "reject", "pass"};

	return (unsigned int)a < 4 ? names[a] : "?";
}

const struct rule_group *rule_group_find(const struct rule *r, enum rule_buffer b)
{
	uint32_t i;

	for (i = 0; i < r->n_groups; i++)
		if (r->groups[i].buf == b)
			return &r->groups[i];
	return NULL;
}

void rule_free(struct rule *r)
{
	uint32_t i;

	if (!r)
		return;
	free(r->src.e);
	free(r->dst.e);
	free(r->sport.e);
	free(r->dport.e);
	free(r->msg);
	free(r->classtype);
	free(r->class_desc);
	for (i = 0; i < r->n_meta; i++) {
		free(r->meta[i].key);
		free(r->meta[i].value);
	}
	free(r->meta);
	for (i = 0; i < r->n_refs; i++) {
		free(r->refs[i].type);
		free(r->refs[i].value);
	}
	free(r->refs);
	for (i = 0; i < r->n_matches; i++) {
		free(r->matches[i].bytes);
		free(r->matches[i].pattern);
	}
	free(r->matches);
	free(r->groups);
	for (i = 0; i < r->n_flowbits; i++)
		for (uint8_t k = 0; k < r->flowbits[i].n; k++)
			free(r->flowbits[i].names[k]);
	free(r->flowbits);
	free(r);
}

static bool is_modifier(const char *s, size_t n)
{
	static const char *const mods[] = {"nocase", "depth",	   "offset",   "distance",
					   "within", "startswith", "endswith", "fast_pattern"};
	size_t i;

	for (i = 0; i < sizeof(mods) / sizeof(mods[0]); i++)
		if (strlen(mods[i]) == n && memcmp(mods[i], s, n) == 0)
			return true;
	return false;
}

/* One option; 1 when the keyword is not one we implement. */
static int dispatch(struct rule_pctx *c, const char *kw, size_t kn, const char *v, size_t vn,
		    bool has_value, int *ret)
{
	char name[RULE_KEYWORD_LEN];

	if (kn >= sizeof(name))
		return 1;
	memcpy(name, kw, kn);
	name[kn] = '\0';
	c->keyword = name;
	*ret = 0;
	if (has_value && !strcmp(name, "content"))
		*ret = rule_opt_content(c, v, vn);
	else if (has_value && !strcmp(name, "pcre"))
		*ret = rule_opt_pcre(c, v, vn);
	else if (has_value && !strcmp(name, "isdataat"))
		*ret = rule_opt_isdataat(c, v, vn);
	else if (is_modifier(kw, kn))
		*ret = rule_opt_modifier(c, name, v, vn, has_value);
	else if (!has_value && rule_opt_sticky(c, kw, kn, ret))
		;
	else if (!has_value && rule_opt_legacy(c, kw, kn, ret))
		;
	else if (has_value && (!strcmp(name, "byte_test") || !strcmp(name, "byte_jump"))) {
		bool unsupported = false;

		*ret = rule_opt_bytes(c, v, vn, name[5] == 'j', &unsupported);
		if (unsupported)
			return 1;
	} else if (!strcmp(name, "flowbits"))
		*ret = has_value ? rule_opt_flowbits(c, v, vn) : rule_fail(c, "needs a value");
	else if (!rule_opt_other(c, kw, kn, v, vn, has_value, ret))
		return 1;
	c->keyword = NULL;
	return 0;
}

static bool keyword_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '.' || ch == '-';
}

/* The end of a value: the first ';' not escaped by '\'; n when there is none. */
static size_t value_end(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == ';')
			return i;
	}
	return n;
}

static void note_unsupported(struct rule_pctx *c, const char *kw, size_t kn)
{
	struct rule_error *e = c->err;

	if (e->status == RULE_ERR_UNSUPPORTED)
		return;
	e->status = RULE_ERR_UNSUPPORTED;
	snprintf(e->keyword, sizeof(e->keyword), "%.*s", (int)kn, kw);
}

/* Walk "kw; kw:value; ..." in s[0..n). */
static int parse_options(struct rule_pctx *c, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t kstart, kn, vstart, vend;
		bool has_value = false;
		int ret = 0;

		while (i < n && isspace((unsigned char)s[i]))
			i++;
		if (i == n)
			break;
		kstart = i;
		while (i < n && keyword_char(s[i]))
			i++;
		kn = i - kstart;
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		c->keyword = NULL;
		if (kn == 0 || i == n || (s[i] != ':' && s[i] != ';'))
			return rule_fail(c,
					 i == n && kn ? "missing ';' after \"%.*s\""
						      : "bad option at \"%.*s\"",
					 (int)((n - kstart) > 24 ? 24 : n - kstart), s + kstart);
		vstart = vend = i;
		if (s[i] == ':') {
			has_value = true;
			vstart = i + 1;
			vend = vstart + value_end(s + vstart, n - vstart);
			if (vend == n)
				return rule_fail(c, "missing ';' after \"%.*s\"", (int)kn,
						 s + kstart);
		}
		i = vend + 1;
		if (c->err->status == RULE_ERR_UNSUPPORTED) {
			/* Only the sid still matters; it names the rule in the report. */
			if (!(kn == 3 && !memcmp(s + kstart, "sid", 3)))
				continue;
		}
		if (dispatch(c, s + kstart, kn, s + vstart, vend - vstart, has_value, &ret))
			note_unsupported(c, s + kstart, kn);
		else if (ret)
			return ret;
	}
	return 0;
}

/* Split "header (options)" and parse both. */
static int parse_text(struct rule_pctx *c, const char *s, size_t n)
{
	const char *open;
	int ret;

	s = rule_trim(s, &n);
	if (n > RULE_MAX_TEXT)
		return rule_fail(c, "longer than %d bytes", RULE_MAX_TEXT);
	open = memchr(s, '(', n);
	if (!open)
		return rule_fail(c, "no '(' starting the options");
	if (s[n - 1] != ')')
		return rule_fail(c, "options do not end with ')'");
	ret = rule_header_parse(c, s, (size_t)(open - s));
	if (ret)
		return ret;
	c->keyword = NULL;
	return parse_options(c, open + 1, n - (size_t)(open - s) - 2);
}

/* A rule that only names addresses: XDP can handle it with map entries. */
/* flowbits that only set (unset, toggle) bits: no condition on the rule itself. */
static bool flowbits_only_change(const struct rule *r)
{
	uint32_t i;

	for (i = 0; i < r->n_flowbits; i++)
		if (r->flowbits[i].op == RULE_FB_ISSET || r->flowbits[i].op == RULE_FB_ISNOTSET)
			return false;
	return !r->noalert;
}

/*
 * Addresses only (ET's reputation rules). Bits such a rule sets are lost on
 * the XDP path: inspect/detect.c keeps in the engine those that set a bit
 * another rule checks.
 */
static bool is_ip_only(const struct rule *r)
{
	return r->n_groups == 0 && !r->app_layer && r->flow == 0 && r->dsize.op == RULE_CMP_NONE &&
	       r->urilen.op == RULE_CMP_NONE && !r->tcp_flags.set && r->sport.any && r->dport.any &&
	       flowbits_only_change(r) && strcmp(r->proto, "tcp-pkt") &&
	       strcmp(r->proto, "tcp-stream");
}

/* Fill in defaults and derived fields after a successful walk. */
static int finish(struct rule_pctx *c)
{
	struct rule *r = c->r;
	int ret;

	c->keyword = "sid";
	if (!c->r->sid)
		return rule_fail(c, "missing");
	c->keyword = NULL;
	if (!r->msg) {
		r->msg = strdup("");
		if (!r->msg)
			return rule_nomem(c);
	}
	if (!r->priority)
		r->priority = DEFAULT_PRIORITY;
	ret = rule_finish_groups(c);
	if (ret)
		return ret;
	rule_choose_prefilter(r);
	r->ip_only = is_ip_only(r);
	return 0;
}

enum rule_status rule_parse(const char *buf, size_t len, const struct rule_env *env,
			    struct rule **out, struct rule_error *err)
{
	struct rule_error local;
	struct rule_pctx c;
	int ret;

	if (!err)
		err = &local;
	memset(err, 0, sizeof(*err));
	*out = NULL;
	memset(&c, 0, sizeof(c));
	c.env = env;
	c.err = err;
	c.r = calloc(1, sizeof(*c.r));
	if (!c.r)
		return rule_nomem(&c);
	c.r->gid = 1;
	ret = parse_text(&c, buf, len);
	err->sid = c.r->sid;
	if (!ret && err->status == RULE_ERR_UNSUPPORTED) {
		snprintf(err->reason, sizeof(err->reason), "sid %u: unsupported keyword %s",
			 c.r->sid, err->keyword);
		ret = RULE_ERR_UNSUPPORTED;
	}
	if (!ret)
		ret = finish(&c);
	if (ret) {
		err->status = (enum rule_status)ret;
		rule_free(c.r);
		return (enum rule_status)ret;
	}
	*out = c.r;
	return RULE_OK;
}
