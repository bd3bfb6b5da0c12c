// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Payload keywords: content (|hex| and \\ \" \; \: escapes) and its
 * modifiers, pcre with its flags, isdataat, sticky buffers (http.uri; ...)
 * and the legacy content modifiers (content:"x"; http_uri;) that ET's
 * Suricata 5 rules still use. Items are appended in rule order to
 * r->matches, each tagged with its buffer; rule_finish_groups() groups them.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/rule_priv.h"

#define MAX_OFFSET 65535 /* Suricata's bound for depth/offset/distance/within */

/* Sticky buffer keywords (new names and the old sticky forms). */
static const struct {
	const char *name;
	enum rule_buffer buf;
} sticky_names[] = {
	{"pkt_data", RULE_BUF_PAYLOAD},
	{"http.uri", RULE_BUF_HTTP_URI},
	{"http.uri.raw", RULE_BUF_HTTP_URI_RAW},
	{"http.host", RULE_BUF_HTTP_HOST},
	{"http.host.raw", RULE_BUF_HTTP_HOST_RAW},
	{"http.method", RULE_BUF_HTTP_METHOD},
	{"http.user_agent", RULE_BUF_HTTP_USER_AGENT},
	{"http.header", RULE_BUF_HTTP_HEADER},
	{"http.header.raw", RULE_BUF_HTTP_HEADER_RAW},
	{"http.header_names", RULE_BUF_HTTP_HEADER_NAMES},
	{"http.cookie", RULE_BUF_HTTP_COOKIE},
	{"http.content_type", RULE_BUF_HTTP_CONTENT_TYPE},
	{"http.content_len", RULE_BUF_HTTP_CONTENT_LEN},
	{"http.referer", RULE_BUF_HTTP_REFERER},
	{"http.accept", RULE_BUF_HTTP_ACCEPT},
	{"http.accept_enc", RULE_BUF_HTTP_ACCEPT_ENC},
	{"http.accept_lang", RULE_BUF_HTTP_ACCEPT_LANG},
	{"http.connection", RULE_BUF_HTTP_CONNECTION},
	{"http.location", RULE_BUF_HTTP_LOCATION},
	{"http.server", RULE_BUF_HTTP_SERVER},
	{"http.protocol", RULE_BUF_HTTP_PROTOCOL},
	{"http.start", RULE_BUF_HTTP_START},
	{"http.request_line", RULE_BUF_HTTP_REQUEST_LINE},
	{"http.response_line", RULE_BUF_HTTP_RESPONSE_LINE},
	{"http.request_body", RULE_BUF_HTTP_REQUEST_BODY},
	{"http.response_body", RULE_BUF_HTTP_RESPONSE_BODY},
	{"http.stat_code", RULE_BUF_HTTP_STAT_CODE},
	{"http.stat_msg", RULE_BUF_HTTP_STAT_MSG},
	{"file.data", RULE_BUF_FILE_DATA},
	{"file_data", RULE_BUF_FILE_DATA},
	{"tls.sni", RULE_BUF_TLS_SNI},
	{"tls_sni", RULE_BUF_TLS_SNI},
	{"dns.query", RULE_BUF_DNS_QUERY},
	{"dns_query", RULE_BUF_DNS_QUERY},
};

/* Legacy content modifiers: they move the previous content to a buffer. */
static const struct {
	const char *name;
	enum rule_buffer buf;
} legacy_names[] = {
	{"http_uri", RULE_BUF_HTTP_URI},
	{"http_raw_uri", RULE_BUF_HTTP_URI_RAW},
	{"http_host", RULE_BUF_HTTP_HOST},
	{"http_raw_host", RULE_BUF_HTTP_HOST_RAW},
	{"http_method", RULE_BUF_HTTP_METHOD},
	{"http_user_agent", RULE_BUF_HTTP_USER_AGENT},
	{"http_header", RULE_BUF_HTTP_HEADER},
	{"http_raw_header", RULE_BUF_HTTP_HEADER_RAW},
	{"http_cookie", RULE_BUF_HTTP_COOKIE},
	{"http_client_body", RULE_BUF_HTTP_REQUEST_BODY},
	{"http_server_body", RULE_BUF_HTTP_RESPONSE_BODY},
	{"http_stat_code", RULE_BUF_HTTP_STAT_CODE},
	{"http_stat_msg", RULE_BUF_HTTP_STAT_MSG},
};

/* pcre flag letters that name a buffer, as Suricata maps them. */
static const struct {
	char flag;
	enum rule_buffer buf;
} pcre_buffers[] = {
	{'U', RULE_BUF_HTTP_URI},	   {'I', RULE_BUF_HTTP_URI_RAW},
	{'P', RULE_BUF_HTTP_REQUEST_BODY}, {'Q', RULE_BUF_FILE_DATA},
	{'H', RULE_BUF_HTTP_HEADER},	   {'D', RULE_BUF_HTTP_HEADER_RAW},
	{'M', RULE_BUF_HTTP_METHOD},	   {'C', RULE_BUF_HTTP_COOKIE},
	{'S', RULE_BUF_HTTP_STAT_CODE},	   {'Y', RULE_BUF_HTTP_STAT_MSG},
	{'V', RULE_BUF_HTTP_USER_AGENT},   {'W', RULE_BUF_HTTP_HOST},
	{'Z', RULE_BUF_HTTP_HOST_RAW},
};

/* pcre modifier letters and their RULE_PCRE_* bits. */
static const struct {
	char flag;
	uint32_t bit;
} pcre_mods[] = {
	{'i', RULE_PCRE_CASELESS},  {'s', RULE_PCRE_DOTALL},   {'m', RULE_PCRE_MULTILINE},
	{'x', RULE_PCRE_EXTENDED},  {'A', RULE_PCRE_ANCHORED}, {'E', RULE_PCRE_DOLLAR_END},
	{'G', RULE_PCRE_UNGREEDY},  {'R', RULE_PCRE_RELATIVE}, {'B', RULE_PCRE_RAWBYTES},
	{'O', RULE_PCRE_NO_LIMITS},
};

static bool name_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(s, w, n) == 0;
}

/* A new zeroed item at the end of r->matches. */
struct rule_match *rule_new_match(struct rule_pctx *c, enum rule_match_kind kind,
				  enum rule_buffer buf)
{
	struct rule *r = c->r;
	struct rule_match *m;

	if (r->n_matches >= RULE_MAX_MATCHES) {
		rule_fail(c, "more than %d content/pcre items", RULE_MAX_MATCHES);
		return NULL;
	}
	if (r->n_matches == c->cap) {
		uint32_t cap = c->cap ? c->cap * 2 : 8;

		m = realloc(r->matches, cap * sizeof(*m));
		if (!m) {
			rule_nomem(c);
			return NULL;
		}
		r->matches = m;
		c->cap = cap;
	}
	m = &r->matches[r->n_matches++];
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->buf = buf;
	c->used[buf] = true;
	return m;
}

struct rule_match *rule_last_match(struct rule_pctx *c)
{
	return c->r->n_matches ? &c->r->matches[c->r->n_matches - 1] : NULL;
}

static struct rule_match *last_content(struct rule_pctx *c)
{
	uint32_t i;

	for (i = c->r->n_matches; i > 0; i--)
		if (c->r->matches[i - 1].kind == RULE_MATCH_CONTENT)
			return &c->r->matches[i - 1];
	return NULL;
}

/* "!" and blanks before a quoted value. */
static const char *strip_negation(const char *v, size_t *n, bool *neg)
{
	v = rule_trim(v, n);
	*neg = *n > 0 && v[0] == '!';
	if (*neg) {
		v++;
		(*n)--;
		v = rule_trim(v, n);
	}
	return v;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = (char)tolower((unsigned char)ch);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* Decode content bytes between the quotes into out (at most n bytes). */
static int decode_content(struct rule_pctx *c, const char *s, size_t n, uint8_t *out,
			  uint32_t *outlen)
{
	bool hex = false;
	int hi = -1;
	size_t i;
	uint32_t k = 0;

	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (hex) {
			if (ch == '|') {
				if (hi >= 0)
					return rule_fail(c, "odd number of hex digits");
				hex = false;
			} else if (hexval(ch) >= 0) {
				if (hi < 0) {
					hi = hexval(ch);
				} else {
					out[k++] = (uint8_t)(hi << 4 | hexval(ch));
					hi = -1;
				}
			} else if (!isspace((unsigned char)ch)) {
				return rule_fail(c, "bad hex character '%c'", ch);
			}
			continue;
		}
		if (ch == '|') {
			hex = true;
		} else if (ch == '\\') {
			if (i + 1 == n || !strchr("\\\";:", s[i + 1]))
				return rule_fail(c, "bad escape in content");
			out[k++] = (uint8_t)s[++i];
		} else if (ch == '"') {
			return rule_fail(c, "unescaped '\"' in content");
		} else {
			out[k++] = (uint8_t)ch;
		}
	}
	if (hex)
		return rule_fail(c, "unterminated |hex| in content");
	if (k == 0)
		return rule_fail(c, "empty content");
	*outlen = k;
	return 0;
}

int rule_opt_content(struct rule_pctx *c, const char *v, size_t n)
{
	struct rule_match *m;
	uint8_t *bytes;
	uint32_t len = 0;
	bool neg;
	int ret;

	v = strip_negation(v, &n, &neg);
	if (n < 2 || v[0] != '"' || v[n - 1] != '"')
		return rule_fail(c, "content must be a quoted string (unbalanced quotes?)");
	bytes = malloc(n);
	if (!bytes)
		return rule_nomem(c);
	ret = decode_content(c, v + 1, n - 2, bytes, &len);
	m = ret ? NULL : rule_new_match(c, RULE_MATCH_CONTENT, c->sticky);
	if (!m) {
		free(bytes);
		return ret ? ret : c->err->status;
	}
	m->bytes = bytes;
	m->len = len;
	m->negated = neg;
	return 0;
}

static int pcre_flag(struct rule_pctx *c, struct rule_match *m, char f, bool *has_buf)
{
	size_t i;

	for (i = 0; i < sizeof(pcre_mods) / sizeof(pcre_mods[0]); i++) {
		if (pcre_mods[i].flag == f) {
			m->pcre_flags |= pcre_mods[i].bit;
			return 0;
		}
	}
	for (i = 0; i < sizeof(pcre_buffers) / sizeof(pcre_buffers[0]); i++) {
		if (pcre_buffers[i].flag != f)
			continue;
		if (*has_buf)
			return rule_fail(c, "pcre names two buffers");
		if (c->sticky != RULE_BUF_PAYLOAD && c->sticky != pcre_buffers[i].buf)
			return rule_fail(c, "pcre flag %c conflicts with sticky buffer %s", f,
					 rule_buffer_name(c->sticky));
		*has_buf = true;
		m->buf = pcre_buffers[i].buf;
		return 0;
	}
	return rule_fail(c, "unknown pcre flag '%c'", f);
}

int rule_opt_pcre(struct rule_pctx *c, const char *v, size_t n)
{
	const struct rule_match *prev = rule_last_match(c);
	enum rule_buffer prev_buf = prev ? prev->buf : RULE_BUF_PAYLOAD;
	struct rule_match *m;
	const char *slash;
	bool neg, has_buf = false;
	size_t i, flags_at;
	int ret;

	v = strip_negation(v, &n, &neg);
	if (n < 4 || v[0] != '"' || v[n - 1] != '"' || v[1] != '/')
		return rule_fail(c, "pcre must be \"/pattern/flags\"");
	slash = NULL;
	for (i = n - 2; i > 1; i--) {
		if (v[i] == '/') {
			slash = v + i;
			break;
		}
	}
	if (!slash)
		return rule_fail(c, "pcre lacks its closing '/'");
	m = rule_new_match(c, RULE_MATCH_PCRE, c->sticky);
	if (!m)
		return c->err->status;
	m->negated = neg;
	m->pattern = rule_strndup(v + 2, (size_t)(slash - v - 2));
	if (!m->pattern)
		return rule_nomem(c);
	flags_at = (size_t)(slash - v) + 1;
	for (i = flags_at; i < n - 1; i++) {
		ret = pcre_flag(c, m, v[i], &has_buf);
		if (ret)
			return ret;
	}
	m->relative = m->pcre_flags & RULE_PCRE_RELATIVE;
	/* A relative pcre without a buffer continues the previous item's buffer. */
	if (!has_buf && c->sticky == RULE_BUF_PAYLOAD && m->relative)
		m->buf = prev_buf;
	c->used[m->buf] = true;
	return 0;
}

int rule_opt_isdataat(struct rule_pctx *c, const char *v, size_t n)
{
	const struct rule_match *prev = rule_last_match(c);
	enum rule_buffer prev_buf = prev ? prev->buf : RULE_BUF_PAYLOAD;
	struct rule_match *m;
	const char *rest;
	size_t num_n, rest_n;
	bool neg, relative = false;
	uint32_t pos;

	v = strip_negation(v, &n, &neg);
	if (rule_split(v, n, ',', &num_n, &rest, &rest_n)) {
		while (rest_n) {
			const char *word = rest, *next;
			size_t wn, next_n;

			if (!rule_split(rest, rest_n, ',', &wn, &next, &next_n)) {
				wn = rest_n;
				next_n = 0;
				next = rest + rest_n;
			}
			word = rule_trim(word, &wn);
			if (name_is(word, wn, "relative"))
				relative = true;
			else if (!name_is(word, wn, "rawbytes"))
				return rule_fail(c, "bad isdataat option \"%.*s\"", (int)wn, word);
			rest = next;
			rest_n = next_n;
		}
	} else {
		num_n = n;
	}
	v = rule_trim(v, &num_n);
	if (rule_parse_u32(v, num_n, MAX_OFFSET, &pos) < 0)
		return rule_fail(c, "bad isdataat position");
	m = rule_new_match(c, RULE_MATCH_ISDATAAT, c->sticky);
	if (!m)
		return c->err->status;
	m->negated = neg;
	m->relative = relative;
	m->has_offset = true;
	m->offset = (int32_t)pos;
	if (relative && c->sticky == RULE_BUF_PAYLOAD)
		m->buf = prev_buf;
	c->used[m->buf] = true;
	return 0;
}

static int fast_pattern(struct rule_pctx *c, struct rule_match *m, const char *v, size_t n,
			bool has_value)
{
	const char *rest;
	size_t off_n, rest_n;
	uint32_t off, len;

	if (c->have_fast_pattern)
		return rule_fail(c, "fast_pattern given twice");
	c->have_fast_pattern = true;
	m->fast_pattern = true;
	if (!has_value)
		return 0;
	v = rule_trim(v, &n);
	if (name_is(v, n, "only")) {
		m->fp_only = true;
		return 0;
	}
	if (!rule_split(v, n, ',', &off_n, &rest, &rest_n))
		return rule_fail(c, "bad fast_pattern value");
	v = rule_trim(v, &off_n);
	rest = rule_trim(rest, &rest_n);
	if (rule_parse_u32(v, off_n, MAX_OFFSET, &off) < 0 ||
	    rule_parse_u32(rest, rest_n, MAX_OFFSET, &len) < 0 || len == 0 || off + len > m->len)
		return rule_fail(c, "fast_pattern chop outside the content");
	m->fp_chop = true;
	m->fp_off = (uint16_t)off;
	m->fp_len = (uint16_t)len;
	return 0;
}

/* depth/offset/distance/within value: a number (byte_extract names are not supported). */
static int offset_value(struct rule_pctx *c, const char *v, size_t n, int32_t min, int32_t *out,
			bool *has)
{
	v = rule_trim(v, &n);
	if (*has)
		return rule_fail(c, "given twice");
	if (rule_parse_i32(v, n, min, MAX_OFFSET, out) < 0)
		return rule_fail(c, "bad value \"%.*s\"", (int)(n > 32 ? 32 : n), v);
	*has = true;
	return 0;
}

static int startswith_conflict(struct rule_pctx *c, const struct rule_match *m)
{
	if (m->startswith && (m->has_offset || m->has_depth || m->has_distance || m->has_within))
		return rule_fail(c, "startswith with offset/depth/distance/within");
	return 0;
}

int rule_opt_modifier(struct rule_pctx *c, const char *name, const char *v, size_t n,
		      bool has_value)
{
	struct rule_match *m = last_content(c);
	size_t nn = strlen(name);
	int ret = 0;

	if (!m)
		return rule_fail(c, "modifier without a preceding content");
	if (name_is(name, nn, "fast_pattern"))
		return fast_pattern(c, m, v, n, has_value);
	if (has_value != !(name_is(name, nn, "nocase") || name_is(name, nn, "startswith") ||
			   name_is(name, nn, "endswith")))
		return rule_fail(c, has_value ? "takes no value" : "needs a value");
	if (name_is(name, nn, "nocase"))
		m->nocase = true;
	else if (name_is(name, nn, "startswith"))
		m->startswith = true;
	else if (name_is(name, nn, "endswith"))
		m->endswith = true;
	else if (name_is(name, nn, "depth"))
		ret = offset_value(c, v, n, 1, &m->depth, &m->has_depth);
	else if (name_is(name, nn, "offset"))
		ret = offset_value(c, v, n, 0, &m->offset, &m->has_offset);
	else if (name_is(name, nn, "distance"))
		ret = offset_value(c, v, n, -MAX_OFFSET, &m->distance, &m->has_distance);
	else
		ret = offset_value(c, v, n, 1, &m->within, &m->has_within);
	if (has_value && ret)
		return ret;
	m->relative = m->has_distance || m->has_within;
	return startswith_conflict(c, m);
}

int rule_opt_sticky(struct rule_pctx *c, const char *name, size_t n, int *ret)
{
	size_t i;

	for (i = 0; i < sizeof(sticky_names) / sizeof(sticky_names[0]); i++) {
		if (name_is(name, n, sticky_names[i].name)) {
			c->sticky = sticky_names[i].buf;
			c->used[c->sticky] = true;
			*ret = 0;
			return 1;
		}
	}
	return 0;
}

int rule_opt_legacy(struct rule_pctx *c, const char *name, size_t n, int *ret)
{
	struct rule_match *m;
	size_t i;

	for (i = 0; i < sizeof(legacy_names) / sizeof(legacy_names[0]); i++) {
		if (!name_is(name, n, legacy_names[i].name))
			continue;
		m = last_content(c);
		if (!m)
			*ret = rule_fail(c, "no content before it");
		else if (c->sticky != RULE_BUF_PAYLOAD || m->buf != RULE_BUF_PAYLOAD)
			*ret = rule_fail(c, "content already has buffer %s",
					 rule_buffer_name(c->sticky != RULE_BUF_PAYLOAD ? c->sticky
											: m->buf));
		else
			*ret = 0;
		if (*ret == 0) {
			m->buf = legacy_names[i].buf;
			c->used[m->buf] = true;
		}
		return 1;
	}
	return 0;
}
