// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm.yaml: the "feeds" and "never-block" keys. A feed is a list whose
 * content is fetched from a URL and refreshed on its own; it shares the
 * list fields (name, kind, action, direction, severity) and adds where it
 * comes from, how often, and the guards its updates must pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include "../bpf/utm_types.h"
#include "config_priv.h"
#include "dnsname.h"

#define LIST(m) offsetof(struct utm_list_cfg, m)
#define FEED(m) offsetof(struct utm_list_cfg, feed.m)

static const struct choice formats[] = {
	{"auto", UTM_FMT_AUTO},
	{"spamhaus-json", UTM_FMT_SPAMHAUS_JSON},
	{"et-iprep", UTM_FMT_ET_IPREP},
	{"urlhaus-csv", UTM_FMT_URLHAUS_CSV},
	{"crowdsec", UTM_FMT_CROWDSEC},
	{NULL, 0},
};

static int set_url(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		   const void *arg)
{
	const char *v = cfg_text(w, what, n, "a URL");
	char q[40];

	if (!v)
		return -1;
	if (strncmp(v, "http://", 7) && strncmp(v, "https://", 8) && strncmp(v, "file:///", 8))
		return cfg_fail(w, n, "%s: '%s' is not an http://, https:// or file:/// URL", what,
				cfg_excerpt(v, q, sizeof(q)));
	if (strlen(v) >= UTM_CFG_URL_LEN || strpbrk(v, " \t\r\n"))
		return cfg_fail(w, n, "%s: URL longer than %d bytes or with blanks", what,
				UTM_CFG_URL_LEN - 1);
	strcpy(dst, v);
	return 0;
}

static int set_key(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		   const void *arg)
{
	const char *v = cfg_text(w, what, n, "a key");

	if (!v)
		return -1;
	if (strlen(v) >= UTM_CFG_KEY_LEN || strpbrk(v, "\r\n"))
		return cfg_fail(w, n, "%s: longer than %d bytes or several lines", what,
				UTM_CFG_KEY_LEN - 1);
	strcpy(dst, v);
	return 0;
}

/* A number with an optional unit; units: {suffix, multiplier}, "" first. */
struct unit {
	const char *suffix;
	unsigned long mult;
};

static int parse_with_unit(const char *v, const struct unit *units, unsigned long max,
			   unsigned long *out)
{
	char digits[24];
	size_t n = strspn(v, "0123456789");
	unsigned long u;

	if (!n || n >= sizeof(digits))
		return -1;
	memcpy(digits, v, n);
	digits[n] = '\0';
	if (cfg_parse_uint(digits, max, &u))
		return -1;
	for (; units->suffix; units++) {
		if (strcmp(v + n, units->suffix))
			continue;
		if (u > max / units->mult)
			return -1;
		*out = u * units->mult;
		return 0;
	}
	return -1;
}

static const struct unit durations[] = {
	{"", 1}, {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}, {NULL, 0},
};

/* arg: (void *)minimum seconds. Stored as unsigned int. */
int cfg_set_duration(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		     const void *arg)
{
	const char *v = cfg_text(w, what, n, "a duration");
	unsigned long min = (unsigned long)arg, s;
	char q[40];

	if (!v)
		return -1;
	if (parse_with_unit(v, durations, 30 * 86400ul, &s) || s < min)
		return cfg_fail(w, n, "%s: expected a duration %lus..30d such as 90s, 15m, 6h or 1d, "
				"got '%s'", what, min, cfg_excerpt(v, q, sizeof(q)));
	*(unsigned int *)dst = (unsigned int)s;
	return 0;
}

static const struct unit sizes[] = {
	{"", 1}, {"K", 1ul << 10}, {"M", 1ul << 20}, {"G", 1ul << 30}, {NULL, 0},
};

int utm_cfg_parse_size(const char *s, unsigned long max, unsigned long *bytes)
{
	unsigned long b;

	if (parse_with_unit(s, sizes, max, &b) || b < 1024)
		return -1;
	*bytes = b;
	return 0;
}

/* A size as the messages write it: 4G, 512M, 64K or bytes. */
static const char *size_name(unsigned long b, char *buf, size_t len)
{
	const struct unit *u = &sizes[ARRAY_SIZE(sizes) - 2];

	for (; u > sizes && b % u->mult; u--)
		;
	snprintf(buf, len, "%lu%s", b / u->mult, u->suffix);
	return buf;
}

/* arg: (void *)maximum bytes, NULL for 4G. Stored as unsigned long. */
int cfg_set_size(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		    const void *arg)
{
	const char *v = cfg_text(w, what, n, "a size");
	unsigned long max = arg ? (unsigned long)arg : 4ul << 30, b;
	char q[40], m[24];

	if (!v)
		return -1;
	if (utm_cfg_parse_size(v, max, &b))
		return cfg_fail(w, n, "%s: expected a size 1K..%s such as 512K or 64M, got '%s'",
				what, size_name(max, m, sizeof(m)), cfg_excerpt(v, q, sizeof(q)));
	*(unsigned long *)dst = b;
	return 0;
}

/* "50%" or "50"; arg: (void *)maximum. */
static int set_uint_max(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
			const void *arg)
{
	static const struct unit pct[] = { {"", 1}, {"%", 1}, {NULL, 0} };
	const char *v = cfg_text(w, what, n, "an integer");
	unsigned long max = (unsigned long)arg, u;
	char q[40];

	if (!v)
		return -1;
	if (parse_with_unit(v, pct, max, &u))
		return cfg_fail(w, n, "%s: expected an integer 0..%lu, got '%s'", what, max,
				cfg_excerpt(v, q, sizeof(q)));
	*(unsigned int *)dst = (unsigned int)u;
	return 0;
}

/* categories: [1, 3, 30]: the ET IP reputation categories to keep. */
static int set_categories(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
			  const void *arg)
{
	unsigned char *want = dst;
	const yaml_node_item_t *it;
	unsigned long id;

	if (n->type != YAML_SEQUENCE_NODE)
		return cfg_fail(w, n, "%s: expected a sequence of category numbers, got a %s",
				what, cfg_kind_name(n));
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		const yaml_node_t *c = yaml_document_get_node(w->doc, *it);
		const char *v = cfg_text(w, what, c, "a category number");
		char q[40];

		if (!v)
			return -1;
		if (cfg_parse_uint(v, 255, &id))
			return cfg_fail(w, c, "%s: expected a category number 0..255, got '%s'",
					what, cfg_excerpt(v, q, sizeof(q)));
		want[id] = 1;
	}
	return 0;
}

static const struct field feed_fields[] = {
	{"name", cfg_set_list_name, LIST(name), NULL},
	{"url", set_url, FEED(url), NULL},
	{"kind", cfg_set_choice, LIST(kind), cfg_list_kinds},
	{"format", cfg_set_choice, FEED(format), formats},
	{"action", cfg_set_choice, LIST(allow), cfg_actions},
	{"direction", cfg_set_choice, LIST(dir), cfg_directions},
	{"severity", cfg_set_severity, LIST(severity), NULL},
	{"invalid", cfg_set_choice, LIST(refuse_invalid), cfg_invalid_policies},
	{"refresh", cfg_set_duration, FEED(refresh_s), (const void *)1},
	{"timeout", cfg_set_duration, FEED(timeout_s), (const void *)1},
	{"max-size", cfg_set_size, FEED(max_size), NULL},
	{"max-change", set_uint_max, FEED(max_change_pct), (const void *)1000},
	{"allow-private", cfg_set_choice, FEED(allow_private), cfg_booleans},
	{"allow-empty", cfg_set_choice, FEED(allow_empty), cfg_booleans},
	{"min-prefix-ipv4", set_uint_max, FEED(min_prefix4), (const void *)32},
	{"min-prefix-ipv6", set_uint_max, FEED(min_prefix6), (const void *)128},
	{"signature-key", set_key, FEED(sig_key), NULL},
	{"signature-url", set_url, FEED(sig_url), NULL},
	{"api-key", set_key, FEED(api_key), NULL},
	{"category-url", set_url, FEED(category_url), NULL},
	{"categories", set_categories, FEED(categories), NULL},
	{"min-score", set_uint_max, FEED(min_score), (const void *)127},
};

static const struct section feed_section = {feed_fields, ARRAY_SIZE(feed_fields)};

/* Formats only make sense for some kinds. */
static int check_format(struct walk *w, const yaml_node_t *n, const struct utm_list_cfg *l)
{
	static const int kind_of[] = {
		[UTM_FMT_SPAMHAUS_JSON] = UTM_LIST_KIND_IP,
		[UTM_FMT_ET_IPREP] = UTM_LIST_KIND_IP,
		[UTM_FMT_URLHAUS_CSV] = UTM_LIST_KIND_URLS,
		[UTM_FMT_CROWDSEC] = UTM_LIST_KIND_IP,
	};

	if (l->feed.format != UTM_FMT_AUTO && kind_of[l->feed.format] != l->kind)
		return cfg_fail(w, n, "feeds: '%s': format %s needs kind %s", l->name,
				formats[l->feed.format].name,
				kind_of[l->feed.format] == UTM_LIST_KIND_IP ? "ip" : "url");
	if (l->feed.format == UTM_FMT_CROWDSEC && !l->feed.api_key[0])
		return cfg_fail(w, n, "feeds: '%s': the crowdsec format needs an api-key", l->name);
	return 0;
}

static int set_feed(struct walk *w, const char *what, const yaml_node_t *n)
{
	struct utm_list_cfg l = {.allow = 0, .dir = UTM_DIR_BOTH, .severity = 2};

	utm_feed_defaults(&l.feed);
	if (cfg_walk_map(w, n, "feeds", &feed_section, &l))
		return -1;
	if (!l.name[0])
		return cfg_fail(w, n, "feeds: entry without a name");
	if (!l.feed.url[0])
		return cfg_fail(w, n, "feeds: '%s' has no url", l.name);
	if (check_format(w, n, &l))
		return -1;
	/* No decision at all is a normal state for a CrowdSec LAPI. */
	if (l.feed.format == UTM_FMT_CROWDSEC)
		l.feed.allow_empty = 1;
	/* The real path (STATE_DIR/feeds/NAME.data) is set once the state dir is final. */
	snprintf(l.path, sizeof(l.path), "%s/feeds/%s.data", w->cfg->state_dir, l.name);
	if (w->cfg->nlists >= UTM_CFG_MAX_LISTS)
		return cfg_fail(w, n, "feeds: more than %d lists and feeds", UTM_CFG_MAX_LISTS);
	if (utm_cfg_add_list(w->cfg, &l))
		return cfg_fail(w, n, "feeds: out of memory");
	return 0;
}

int cfg_set_feeds(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		  const void *arg)
{
	return cfg_each_item(w, what, n, set_feed);
}

static int add_never_addr(struct walk *w, const char *what, const yaml_node_t *n)
{
	struct utm_cfg *cfg = w->cfg;
	const char *v = cfg_text(w, what, n, "an address");
	char q[40];

	if (!v)
		return -1;
	if (cfg->n_never_addrs >= UTM_CFG_MAX_NEVER)
		return cfg_fail(w, n, "%s: more than %d addresses", what, UTM_CFG_MAX_NEVER);
	if (ip_prefix_parse(v, &cfg->never_addrs[cfg->n_never_addrs]))
		return cfg_fail(w, n, "%s: '%s' is not an address or prefix", what,
				cfg_excerpt(v, q, sizeof(q)));
	cfg->n_never_addrs++;
	return 0;
}

static int add_never_name(struct walk *w, const char *what, const yaml_node_t *n)
{
	struct utm_cfg *cfg = w->cfg;
	const char *v = cfg_text(w, what, n, "a domain name");
	char why[DNSNAME_WHY_MAX], q[40];

	if (!v)
		return -1;
	if (cfg->n_never_names >= UTM_CFG_MAX_NEVER)
		return cfg_fail(w, n, "%s: more than %d names", what, UTM_CFG_MAX_NEVER);
	if (dnsname_normalize(v, strlen(v), cfg->never_names[cfg->n_never_names],
			      sizeof(cfg->never_names[0]), why, sizeof(why)) < 0)
		return cfg_fail(w, n, "%s: '%s' is not a domain name: %s", what,
				cfg_excerpt(v, q, sizeof(q)), why);
	cfg->n_never_names++;
	return 0;
}

/* arg: add_never_addr or add_never_name. */
static int set_never_seq(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
			 const void *arg)
{
	return cfg_each_item(w, what, n, arg);
}

static const struct field never_fields[] = {
	{"addresses", set_never_seq, 0, (const void *)add_never_addr},
	{"domains", set_never_seq, 0, (const void *)add_never_name},
};

static const struct section never_section = {never_fields, ARRAY_SIZE(never_fields)};

int cfg_set_never_block(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
			const void *arg)
{
	return cfg_walk_map(w, n, what, &never_section, dst);
}
