// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Rule confirmation with Suricata's content semantics (inspect/confirm.h). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/confirm.h"

/* PCRE2 limits per match: the backtracking a crafted payload may cause. */
#define PCRE_MATCH_LIMIT 3500
#define PCRE_DEPTH_LIMIT 1500
/* The longest buffer dotprefix copies ("." + buffer). */
#define DOTPREFIX_MAX 1024

struct confirm_rule {
	const struct rule *r;
	pcre2_code **re; /* by index in r->matches; NULL for non-pcre items */
	pcre2_match_context *mctx;
};

/* One search over one buffer: the items left, and the work budget. */
struct search {
	const struct confirm_rule *c;
	const uint8_t *buf;
	size_t len;
	int budget;
	pcre2_match_data *md;
};

static uint32_t pcre_options(uint32_t f)
{
	uint32_t o = 0;

	o |= f & RULE_PCRE_CASELESS ? PCRE2_CASELESS : 0;
	o |= f & RULE_PCRE_DOTALL ? PCRE2_DOTALL : 0;
	o |= f & RULE_PCRE_MULTILINE ? PCRE2_MULTILINE : 0;
	o |= f & RULE_PCRE_EXTENDED ? PCRE2_EXTENDED : 0;
	o |= f & RULE_PCRE_ANCHORED ? PCRE2_ANCHORED : 0;
	o |= f & RULE_PCRE_DOLLAR_END ? PCRE2_DOLLAR_ENDONLY : 0;
	o |= f & RULE_PCRE_UNGREEDY ? PCRE2_UNGREEDY : 0;
	return o;
}

struct confirm_rule *confirm_compile(const struct rule *r, char *why, size_t whylen)
{
	struct confirm_rule *c = calloc(1, sizeof(*c));
	uint32_t i;

	if (!c || !(c->re = calloc(r->n_matches ? r->n_matches : 1, sizeof(*c->re))) ||
	    !(c->mctx = pcre2_match_context_create(NULL))) {
		snprintf(why, whylen, "out of memory");
		confirm_free(c);
		return NULL;
	}
	c->r = r;
	pcre2_set_match_limit(c->mctx, PCRE_MATCH_LIMIT);
	pcre2_set_depth_limit(c->mctx, PCRE_DEPTH_LIMIT);
	for (i = 0; i < r->n_matches; i++) {
		const struct rule_match *m = &r->matches[i];
		PCRE2_SIZE off;
		int err;

		if (m->kind != RULE_MATCH_PCRE)
			continue;
		c->re[i] = pcre2_compile((PCRE2_SPTR)m->pattern, PCRE2_ZERO_TERMINATED,
					 pcre_options(m->pcre_flags), &err, &off, NULL);
		if (!c->re[i]) {
			PCRE2_UCHAR msg[120];

			pcre2_get_error_message(err, msg, sizeof(msg));
			snprintf(why, whylen, "sid %u: pcre \"%.60s\" at %zu: %s", r->sid,
				 m->pattern, (size_t)off, (char *)msg);
			confirm_free(c);
			return NULL;
		}
		pcre2_jit_compile(c->re[i], PCRE2_JIT_COMPLETE); /* best effort */
	}
	return c;
}

void confirm_free(struct confirm_rule *c)
{
	uint32_t i;

	if (!c)
		return;
	for (i = 0; c->re && c->r && i < c->r->n_matches; i++)
		pcre2_code_free(c->re[i]);
	free(c->re);
	pcre2_match_context_free(c->mctx);
	free(c);
}

const struct rule *confirm_rule_of(const struct confirm_rule *c)
{
	return c->r;
}

static int bytes_eq(const uint8_t *a, const uint8_t *b, size_t n, int nocase)
{
	size_t i;

	if (!nocase)
		return memcmp(a, b, n) == 0;
	for (i = 0; i < n; i++) {
		uint8_t x = a[i], y = b[i];

		if (x >= 'A' && x <= 'Z')
			x += 32;
		if (y >= 'A' && y <= 'Z')
			y += 32;
		if (x != y)
			return 0;
	}
	return 1;
}

/* The window [lo, hi] in which a content may start, given the previous match's end. */
static int content_window(const struct rule_match *m, size_t len, size_t prev_end, size_t *lo,
			  size_t *hi_end)
{
	long long start = 0, end = (long long)len;

	if (m->relative) {
		/* As Suricata: within counts from where distance puts the search. */
		start = (long long)prev_end + (m->has_distance ? m->distance : 0);
		if (m->has_within)
			end = start + m->within;
	}
	if (m->has_offset)
		start = m->relative ? start : m->offset;
	if (m->has_depth)
		end = (m->has_offset && !m->relative ? m->offset : start) + (long long)m->depth;
	if (m->startswith) {
		start = m->relative ? start : 0;
		end = start + m->len;
	}
	if (start < 0)
		start = 0;
	if (end > (long long)len)
		end = (long long)len;
	if (end - start < (long long)m->len)
		return -1;
	*lo = (size_t)start;
	*hi_end = (size_t)end; /* the match must end at or before this */
	return 0;
}

static int search_from(struct search *s, const struct rule_match *m, uint32_t n, size_t prev_end);

static uint8_t fold(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* The first occurrence of m's bytes starting in [pos, hi_end - len], or SIZE_MAX. */
static size_t next_occurrence(const struct search *s, const struct rule_match *m, size_t pos,
			      size_t hi_end)
{
	const uint8_t *hit;
	uint8_t first;

	if (!m->nocase) {
		hit = memmem(s->buf + pos, hi_end - pos, m->bytes, m->len);
		return hit ? (size_t)(hit - s->buf) : SIZE_MAX;
	}
	first = fold(m->bytes[0]);
	for (; pos + m->len <= hi_end; pos++)
		if (fold(s->buf[pos]) == first && bytes_eq(s->buf + pos, m->bytes, m->len, 1))
			return pos;
	return SIZE_MAX;
}

/*
 * A content: every occurrence in its window, the rest tried after each. The
 * budget counts occurrences (backtracking), not bytes: a long buffer costs
 * a memmem, a content that occurs everywhere is bounded.
 */
static int try_content(struct search *s, const struct rule_match *m, uint32_t n, size_t prev_end)
{
	size_t lo, hi_end, pos;
	int found = 0;

	if (content_window(m, s->len, prev_end, &lo, &hi_end) == 0) {
		for (pos = lo; pos + m->len <= hi_end; pos++) {
			pos = next_occurrence(s, m, pos, hi_end);
			if (pos == SIZE_MAX)
				break;
			if (--s->budget < 0)
				return 0;
			if (m->endswith && pos + m->len != s->len)
				continue;
			found = 1;
			if (m->negated)
				break;
			if (search_from(s, m + 1, n - 1, pos + m->len))
				return 1;
		}
	}
	/* A negated content holds when it is absent; it moves nothing. */
	return m->negated && !found ? search_from(s, m + 1, n - 1, prev_end) : 0;
}

static int try_pcre(struct search *s, const struct rule_match *m, uint32_t n, size_t prev_end)
{
	pcre2_code *re = s->c->re[m - s->c->r->matches];
	size_t start = m->relative ? prev_end : 0;
	int rc;

	if (--s->budget < 0 || !re || start > s->len)
		return 0;
	/* The subject starts at the relative position, so that ^ anchors there (as Suricata). */
	rc = pcre2_match(re, s->buf + start, s->len - start, 0, 0, s->md, s->c->mctx);
	if (m->negated)
		return rc < 0 ? search_from(s, m + 1, n - 1, prev_end) : 0;
	if (rc < 0)
		return 0;
	return search_from(s, m + 1, n - 1, start + pcre2_get_ovector_pointer(s->md)[1]);
}

static int try_isdataat(struct search *s, const struct rule_match *m, uint32_t n, size_t prev_end)
{
	size_t at = (m->relative ? prev_end : 0) + (size_t)m->offset;
	int has = at < s->len;

	if (has == m->negated)
		return 0;
	return search_from(s, m + 1, n - 1, prev_end);
}

static int hexdigit(uint8_t ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch |= 0x20;
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/*
 * The number nbytes at pos: binary (big or little endian) or ASCII digits.
 * The bytes it spans (nbytes, or the digits read for a string of 0 bytes); -1: none.
 */
static int read_number(const struct search *s, const struct rule_match *m, size_t pos,
		       uint64_t *out)
{
	size_t want = m->nbytes, i;
	uint64_t v = 0;

	if (!want && m->base) /* string with 0 bytes: the digits there are, at most 20 */
		want = s->len > pos ? (s->len - pos < 20 ? s->len - pos : 20) : 0;
	if (!want || pos + want > s->len)
		return -1;
	if (!m->base) {
		for (i = 0; i < want; i++)
			v |= (uint64_t)s->buf[pos + (m->little ? want - 1 - i : i)]
			     << (8 * (want - 1 - i));
	} else {
		/* As strtoull on the bytes: leading digits count, at least one. */
		for (i = 0; i < want; i++) {
			int d = hexdigit(s->buf[pos + i]);

			if (d < 0 || d >= m->base)
				break;
			v = v * m->base + (uint64_t)d;
		}
		if (!i)
			return -1;
		if (!m->nbytes)
			want = i;
	}
	if (m->bitmask) {
		v &= m->bitmask;
		v >>= __builtin_ctzll(m->bitmask);
	}
	*out = v;
	return (int)want;
}

/* Where a byte keyword reads: after the previous match when relative. -1: outside. */
static long long byte_pos(const struct rule_match *m, size_t prev_end)
{
	return (m->relative ? (long long)prev_end : 0) + m->offset;
}

static int try_byte_test(struct search *s, const struct rule_match *m, uint32_t n, size_t prev_end)
{
	long long pos = byte_pos(m, prev_end);
	uint64_t v;
	int ok;

	if (pos < 0 || read_number(s, m, (size_t)pos, &v) < 0)
		return 0;
	switch (m->byte_op) {
	case RULE_BYTE_LT:
		ok = v < m->value;
		break;
	case RULE_BYTE_GT:
		ok = v > m->value;
		break;
	case RULE_BYTE_EQ:
		ok = v == m->value;
		break;
	case RULE_BYTE_LE:
		ok = v <= m->value;
		break;
	case RULE_BYTE_GE:
		ok = v >= m->value;
		break;
	case RULE_BYTE_AND:
		ok = (v & m->value) != 0;
		break;
	default: /* RULE_BYTE_XOR */
		ok = (v ^ m->value) != 0;
		break;
	}
	if (ok == m->negated)
		return 0;
	/* byte_test does not move the cursor */
	return search_from(s, m + 1, n - 1, prev_end);
}

static int try_byte_jump(struct search *s, const struct rule_match *m, uint32_t n, size_t prev_end)
{
	long long pos = byte_pos(m, prev_end), to;
	uint64_t v;
	int read;

	if (pos < 0 || (read = read_number(s, m, (size_t)pos, &v)) < 0 || v > (1ull << 32))
		return 0;
	v *= m->multiplier;
	if (m->align)
		v = (v + 3) & ~3ull;
	to = m->from_beginning ? 0 : m->from_end ? (long long)s->len : pos + read;
	to += (long long)v + m->post_offset;
	if (to < 0 || to > (long long)s->len)
		return 0;
	return search_from(s, m + 1, n - 1, (size_t)to);
}

static int search_from(struct search *s, const struct rule_match *m, uint32_t n, size_t prev_end)
{
	if (!n)
		return 1;
	switch (m->kind) {
	case RULE_MATCH_CONTENT:
		return try_content(s, m, n, prev_end);
	case RULE_MATCH_PCRE:
		return try_pcre(s, m, n, prev_end);
	case RULE_MATCH_ISDATAAT:
		return try_isdataat(s, m, n, prev_end);
	case RULE_MATCH_BYTE_TEST:
		return try_byte_test(s, m, n, prev_end);
	case RULE_MATCH_BYTE_JUMP:
		return try_byte_jump(s, m, n, prev_end);
	}
	return 0;
}

static int cmp_ok(const struct rule_uint_cmp *c, uint64_t v)
{
	switch (c->op) {
	case RULE_CMP_NONE:
		return 1;
	case RULE_CMP_EQ:
		return v == c->lo;
	case RULE_CMP_LT:
		return v < c->lo;
	case RULE_CMP_GT:
		return v > c->lo;
	case RULE_CMP_LE:
		return v <= c->lo;
	case RULE_CMP_GE:
		return v >= c->lo;
	case RULE_CMP_NE:
		return v != c->lo;
	case RULE_CMP_RANGE:
		return v > c->lo && v < c->hi;
	}
	return 0;
}

static int group_matches(const struct confirm_rule *c, const struct rule_group *g,
			 const struct confirm_bufs *b, pcre2_match_data *md, int *budget)
{
	uint8_t dotted[DOTPREFIX_MAX + 1];
	struct search s = {.c = c, .buf = b->p[g->buf], .len = b->len[g->buf], .md = md};
	int rc;

	if (!s.buf)
		return 0; /* the buffer is not there: Suricata does not match */
	if (!cmp_ok(&g->bsize, s.len))
		return 0;
	if (g->dotprefix) {
		if (s.len > DOTPREFIX_MAX)
			return 0;
		dotted[0] = '.';
		memcpy(dotted + 1, s.buf, s.len);
		s.buf = dotted;
		s.len++;
	}
	s.budget = *budget;
	rc = search_from(&s, g->m, g->n, 0);
	*budget = s.budget;
	return rc;
}

static int flags_ok(const struct rule_tcp_flags *f, uint8_t pkt)
{
	uint8_t got = pkt & (uint8_t)~f->ignore;

	if (!f->set)
		return 1;
	switch (f->mod) {
	case RULE_FLAGS_EXACT:
		return got == f->flags;
	case RULE_FLAGS_PLUS:
		return (got & f->flags) == f->flags;
	case RULE_FLAGS_ANY:
		return (got & f->flags) != 0;
	case RULE_FLAGS_NOT:
		return (got & f->flags) == 0;
	}
	return 0;
}

static int flow_ok(uint32_t flow, const struct confirm_bufs *b)
{
	if (flow & RULE_FLOW_TO_SERVER && !b->to_server)
		return 0;
	if (flow & RULE_FLOW_TO_CLIENT && b->to_server)
		return 0;
	if (flow & RULE_FLOW_ESTABLISHED && !b->established)
		return 0;
	if (flow & RULE_FLOW_NOT_ESTABLISHED && b->established)
		return 0;
	/* only_stream / no_stream: the payload is a packet's, or a window on the stream. */
	if (flow & RULE_FLOW_ONLY_STREAM && b->p[RULE_BUF_PAYLOAD] && !b->stream)
		return 0;
	if (flow & RULE_FLOW_NO_STREAM && b->stream)
		return 0;
	return 1;
}

static int prefix_has(const struct ip_prefix *p, const uint8_t *addr, int family)
{
	unsigned int bits = p->prefixlen, i;

	if (p->family != family)
		return 0;
	for (i = 0; i < bits / 8; i++)
		if (p->addr[i] != addr[i])
			return 0;
	if (bits % 8) {
		uint8_t mask = (uint8_t)(0xff << (8 - bits % 8));

		if ((p->addr[i] & mask) != (addr[i] & mask))
			return 0;
	}
	return 1;
}

static int addr_in(const struct rule_addrset *s, const uint8_t *addr, int family)
{
	int positive = 0, hit = 0;
	uint32_t i;

	if (s->any)
		return 1;
	for (i = 0; i < s->n; i++) {
		if (!s->e[i].negated)
			positive = 1;
		if (!prefix_has(&s->e[i].prefix, addr, family))
			continue;
		if (s->e[i].negated)
			return 0;
		hit = 1;
	}
	return hit || !positive;
}

static int port_in(const struct rule_portset *s, uint16_t port)
{
	int positive = 0, hit = 0;
	uint32_t i;

	if (s->any)
		return 1;
	for (i = 0; i < s->n; i++) {
		int in = port >= s->e[i].lo && port <= s->e[i].hi;

		if (!s->e[i].negated)
			positive = 1;
		if (in && s->e[i].negated)
			return 0;
		hit |= in && !s->e[i].negated;
	}
	return hit || !positive;
}

static int one_way(const struct rule *r, const uint8_t *sa, uint16_t sp, const uint8_t *da,
		   uint16_t dp, int family)
{
	return addr_in(&r->src, sa, family) && addr_in(&r->dst, da, family) &&
	       port_in(&r->sport, sp) && port_in(&r->dport, dp);
}

int confirm_header(const struct rule *r, const struct flow_tuple *t)
{
	if (r->ipproto != RULE_IPPROTO_ANY && r->ipproto != t->proto)
		return 0;
	if (one_way(r, t->saddr, t->sport, t->daddr, t->dport, t->family))
		return 1;
	return r->dir == RULE_DIR_BOTH &&
	       one_way(r, t->daddr, t->dport, t->saddr, t->sport, t->family);
}

int confirm_match(const struct confirm_rule *c, const struct confirm_bufs *b)
{
	const struct rule *r = c->r;
	pcre2_match_data *md;
	int budget = CONFIRM_BUDGET, ok = 1;
	uint32_t i;

	if (b->tuple && !confirm_header(r, b->tuple))
		return 0;
	if (!cmp_ok(&r->dsize, b->dsize) || !flags_ok(&r->tcp_flags, b->tcp_flags) ||
	    !flow_ok(r->flow, b))
		return 0;
	md = pcre2_match_data_create(3, NULL);
	if (!md)
		return 0;
	for (i = 0; ok && i < r->n_groups; i++)
		ok = group_matches(c, &r->groups[i], b, md, &budget);
	pcre2_match_data_free(md);
	return ok;
}
