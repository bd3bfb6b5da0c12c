// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Rule header: "action proto src sport -> dst dport". Addresses and ports
 * accept any, $VARIABLES (resolved through struct rule_vars), lists
 * [a,b] (nested, white space allowed inside), negation !, CIDRs (IPv4 and
 * IPv6) and port ranges N:M, N:, :M. Sets are flattened into arrays of
 * (value, negated) that a matcher tests in one pass (see rule.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/rule_priv.h"

#define HDR_FIELDS 7

/* Protocols Suricata accepts in the header, and the IP protocol each implies. */
static const struct {
	const char *name;
	uint8_t ipproto;
	bool app;
} protos[] = {
	{"ip", RULE_IPPROTO_ANY, false},      {"tcp", RULE_IPPROTO_TCP, false},
	{"udp", RULE_IPPROTO_UDP, false},     {"icmp", RULE_IPPROTO_ICMP, false},
	{"tcp-pkt", RULE_IPPROTO_TCP, false}, {"tcp-stream", RULE_IPPROTO_TCP, false},
	{"http", RULE_IPPROTO_TCP, true},     {"http1", RULE_IPPROTO_TCP, true},
	{"tls", RULE_IPPROTO_TCP, true},      {"ssl", RULE_IPPROTO_TCP, true},
	{"dns", RULE_IPPROTO_ANY, true},      {"smtp", RULE_IPPROTO_TCP, true},
	{"ftp", RULE_IPPROTO_TCP, true},      {"ftp-data", RULE_IPPROTO_TCP, true},
	{"ssh", RULE_IPPROTO_TCP, true},      {"smb", RULE_IPPROTO_TCP, true},
	{"dcerpc", RULE_IPPROTO_ANY, true},   {"imap", RULE_IPPROTO_TCP, true},
	{"pop3", RULE_IPPROTO_TCP, true},     {"nfs", RULE_IPPROTO_ANY, true},
	{"ntp", RULE_IPPROTO_UDP, true},      {"tftp", RULE_IPPROTO_UDP, true},
	{"dhcp", RULE_IPPROTO_UDP, true},     {"snmp", RULE_IPPROTO_UDP, true},
	{"sip", RULE_IPPROTO_ANY, true},      {"krb5", RULE_IPPROTO_ANY, true},
	{"ikev2", RULE_IPPROTO_UDP, true},    {"rdp", RULE_IPPROTO_TCP, true},
	{"rfb", RULE_IPPROTO_TCP, true},      {"mqtt", RULE_IPPROTO_TCP, true},
	{"modbus", RULE_IPPROTO_TCP, true},   {"dnp3", RULE_IPPROTO_TCP, true},
	{"enip", RULE_IPPROTO_ANY, true},     {"http2", RULE_IPPROTO_TCP, true},
	{"quic", RULE_IPPROTO_UDP, true},
};

static bool word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

static int parse_action(struct rule_pctx *c, const char *s, size_t n)
{
	static const char *const names[] = {"alert", "drop", "reject", "pass"};
	size_t i;

	for (i = 0; i < 4; i++) {
		if (word_is(s, n, names[i])) {
			c->r->action = (enum rule_action)i;
			return 0;
		}
	}
	/* rejectsrc/rejectdst/rejectboth are Suricata's reject variants. */
	if (n > 6 && strncasecmp(s, "reject", 6) == 0 &&
	    (word_is(s + 6, n - 6, "src") || word_is(s + 6, n - 6, "dst") ||
	     word_is(s + 6, n - 6, "both"))) {
		c->r->action = RULE_ACTION_REJECT;
		return 0;
	}
	return rule_fail(c, "unknown action \"%.*s\"", (int)(n > 32 ? 32 : n), s);
}

static int parse_proto(struct rule_pctx *c, const char *s, size_t n)
{
	size_t i, k;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (!word_is(s, n, protos[i].name))
			continue;
		for (k = 0; k < n; k++)
			c->r->proto[k] = (char)tolower((unsigned char)s[k]);
		c->r->proto[n] = '\0';
		c->r->ipproto = protos[i].ipproto;
		c->r->app_layer = protos[i].app;
		return 0;
	}
	return rule_fail(c, "unknown protocol \"%.*s\"", (int)(n > 32 ? 32 : n), s);
}

/* Split the header into its 7 fields; white space inside [...] stays. */
static int split_fields(struct rule_pctx *c, const char *s, size_t n, const char **f, size_t *fn)
{
	size_t i = 0, k = 0;

	while (i < n) {
		size_t start;
		int depth = 0;

		while (i < n && isspace((unsigned char)s[i]))
			i++;
		if (i == n)
			break;
		if (k == HDR_FIELDS)
			return rule_fail(c, "header has more than %d fields", HDR_FIELDS);
		start = i;
		for (; i < n && (depth > 0 || !isspace((unsigned char)s[i])); i++) {
			if (s[i] == '[')
				depth++;
			else if (s[i] == ']' && --depth < 0)
				return rule_fail(c, "unbalanced ']' in header");
		}
		if (depth)
			return rule_fail(c, "unbalanced '[' in header");
		f[k] = s + start;
		fn[k++] = i - start;
	}
	if (k != HDR_FIELDS)
		return rule_fail(c, "header has %zu fields, want %d", k, HDR_FIELDS);
	return 0;
}

/* Call fn on each top-level comma-separated element of a [...] body. */
typedef int (*elem_fn)(struct rule_pctx *c, const char *s, size_t n, bool neg, int depth,
		       void *set);

static int for_each_elem(struct rule_pctx *c, const char *s, size_t n, bool neg, int depth,
			 void *set, elem_fn fn)
{
	size_t i, start = 0;
	int nest = 0, ret;

	for (i = 0; i <= n; i++) {
		if (i < n && s[i] == '[')
			nest++;
		else if (i < n && s[i] == ']')
			nest--;
		if (i < n && (s[i] != ',' || nest > 0))
			continue;
		ret = fn(c, s + start, i - start, neg, depth, set);
		if (ret)
			return ret;
		start = i + 1;
	}
	return 0;
}

/*
 * The common part of an address/port element: blanks, "!", "[...]" and
 * "$VAR". Returns 1 when it handled the element (result in *ret), 0 when s
 * is a plain value for the caller.
 */
static int common_elem(struct rule_pctx *c, const char **s, size_t *n, bool *neg, int depth,
		       void *set, elem_fn fn, int *ret)
{
	const char *val;

	*s = rule_trim(*s, n);
	if (*n == 0) {
		*ret = rule_fail(c, "empty address or port element");
		return 1;
	}
	if (depth > RULE_VAR_DEPTH * 4) {
		*ret = rule_fail(c, "address or port nesting too deep");
		return 1;
	}
	if ((*s)[0] == '!') {
		*ret = fn(c, *s + 1, *n - 1, !*neg, depth + 1, set);
		return 1;
	}
	if ((*s)[0] == '[') {
		if ((*s)[*n - 1] != ']') {
			*ret = rule_fail(c, "list \"%.*s\" lacks ']'", (int)(*n > 40 ? 40 : *n),
					 *s);
			return 1;
		}
		*ret = for_each_elem(c, *s + 1, *n - 2, *neg, depth + 1, set, fn);
		return 1;
	}
	if ((*s)[0] == '$') {
		val = c->env ? rule_vars_lookup(c->env->vars, *s + 1, *n - 1)
			     : rule_vars_lookup(NULL, *s + 1, *n - 1);
		if (!val)
			*ret = rule_fail(c, "undefined variable %.*s", (int)(*n > 40 ? 40 : *n),
					 *s);
		else
			*ret = fn(c, val, strlen(val), *neg, depth + RULE_VAR_DEPTH / 2, set);
		return 1;
	}
	return 0;
}

static int addr_push(struct rule_pctx *c, struct rule_addrset *set, const struct ip_prefix *p,
		     bool neg)
{
	struct rule_addr *e;

	if (set->n >= RULE_MAX_ADDRS)
		return rule_fail(c, "more than %d addresses", RULE_MAX_ADDRS);
	if ((set->n & (set->n - 1)) == 0 || set->n == 0) {
		size_t cap = set->n ? (size_t)set->n * 2 : 4;

		e = realloc(set->e, cap * sizeof(*e));
		if (!e)
			return rule_nomem(c);
		set->e = e;
	}
	set->e[set->n].prefix = *p;
	set->e[set->n++].negated = neg;
	return 0;
}

static int addr_any(struct rule_pctx *c, struct rule_addrset *set, bool neg)
{
	struct ip_prefix p;
	int ret;

	if (!neg) {
		set->any = true; /* any in a positive position: the whole set matches all */
		return 0;
	}
	memset(&p, 0, sizeof(p));
	p.family = 4;
	ret = addr_push(c, set, &p, true);
	p.family = 6;
	return ret ? ret : addr_push(c, set, &p, true);
}

static int addr_elem(struct rule_pctx *c, const char *s, size_t n, bool neg, int depth, void *vset)
{
	struct rule_addrset *set = vset;
	struct ip_prefix p;
	char tmp[64];
	int ret;

	if (common_elem(c, &s, &n, &neg, depth, vset, addr_elem, &ret))
		return ret;
	if (word_is(s, n, "any"))
		return addr_any(c, set, neg);
	if (n >= sizeof(tmp))
		return rule_fail(c, "bad address \"%.*s\"", 40, s);
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (ip_prefix_parse(tmp, &p) < 0)
		return rule_fail(c, "bad address \"%s\"", tmp);
	return addr_push(c, set, &p, neg);
}

static int parse_addrs(struct rule_pctx *c, const char *s, size_t n, struct rule_addrset *set)
{
	int ret = addr_elem(c, s, n, false, 0, set);

	if (ret)
		return ret;
	if (set->any) {
		/* "any" (or [any,...]) matches every address: drop the entries. */
		bool any_top = word_is(s, n, "any");

		if (!any_top && set->n) {
			free(set->e);
			set->e = NULL;
			set->n = 0;
		}
	}
	return 0;
}

static int port_push(struct rule_pctx *c, struct rule_portset *set, uint32_t lo, uint32_t hi,
		     bool neg)
{
	struct rule_port *e;

	if (set->n >= RULE_MAX_PORTS)
		return rule_fail(c, "more than %d port ranges", RULE_MAX_PORTS);
	if (set->n == 0 || (set->n & (set->n - 1)) == 0) {
		size_t cap = set->n ? (size_t)set->n * 2 : 4;

		e = realloc(set->e, cap * sizeof(*e));
		if (!e)
			return rule_nomem(c);
		set->e = e;
	}
	set->e[set->n].lo = (uint16_t)lo;
	set->e[set->n].hi = (uint16_t)hi;
	set->e[set->n++].negated = neg;
	return 0;
}

static int port_elem(struct rule_pctx *c, const char *s, size_t n, bool neg, int depth, void *vset)
{
	struct rule_portset *set = vset;
	uint32_t lo = 0, hi = 65535;
	const char *rest;
	size_t lo_n, rest_n;
	int ret;

	if (common_elem(c, &s, &n, &neg, depth, vset, port_elem, &ret))
		return ret;
	if (word_is(s, n, "any")) {
		if (!neg) {
			set->any = true;
			return 0;
		}
		return rule_fail(c, "negated any port");
	}
	if (rule_split(s, n, ':', &lo_n, &rest, &rest_n)) {
		if ((lo_n && rule_parse_u32(s, lo_n, 65535, &lo) < 0) ||
		    (rest_n && rule_parse_u32(rest, rest_n, 65535, &hi) < 0) ||
		    (lo_n == 0 && rest_n == 0) || lo > hi)
			return rule_fail(c, "bad port range \"%.*s\"", (int)(n > 40 ? 40 : n), s);
	} else if (rule_parse_u32(s, n, 65535, &lo) < 0) {
		return rule_fail(c, "bad port \"%.*s\"", (int)(n > 40 ? 40 : n), s);
	} else {
		hi = lo;
	}
	return port_push(c, set, lo, hi, neg);
}

static int parse_ports(struct rule_pctx *c, const char *s, size_t n, struct rule_portset *set)
{
	int ret = port_elem(c, s, n, false, 0, set);

	if (!ret && set->any && set->n) {
		free(set->e);
		set->e = NULL;
		set->n = 0;
	}
	return ret;
}

int rule_header_parse(struct rule_pctx *c, const char *s, size_t n)
{
	const char *f[HDR_FIELDS];
	size_t fn[HDR_FIELDS];
	struct rule *r = c->r;
	int ret;

	c->keyword = "header";
	ret = split_fields(c, s, n, f, fn);
	if (!ret)
		ret = parse_action(c, f[0], fn[0]);
	if (!ret)
		ret = parse_proto(c, f[1], fn[1]);
	if (!ret)
		ret = parse_addrs(c, f[2], fn[2], &r->src);
	if (!ret)
		ret = parse_ports(c, f[3], fn[3], &r->sport);
	if (!ret && word_is(f[4], fn[4], "->"))
		r->dir = RULE_DIR_ONEWAY;
	else if (!ret && word_is(f[4], fn[4], "<>"))
		r->dir = RULE_DIR_BOTH;
	else if (!ret)
		ret = rule_fail(c, "bad direction \"%.*s\"", (int)(fn[4] > 8 ? 8 : fn[4]), f[4]);
	if (!ret)
		ret = parse_addrs(c, f[5], fn[5], &r->dst);
	if (!ret)
		ret = parse_ports(c, f[6], fn[6], &r->dport);
	return ret;
}
