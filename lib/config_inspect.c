// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm.yaml: the "inspect" key, utm-inspect's defaults (its command-line
 * flags override them): the rule files, the drop policy, the steered ports
 * and the flow limits. Rule patterns are kept as written (relative ones
 * made absolute against the configuration's directory) and expanded by
 * utm-inspect when it starts, so that a feed unpacked later is found.
 * Then the web policy: the UT1 category tree, the categories logged and
 * blocked, site blocking, QUIC and DoH, and the block page's contact.
 * Then application detection: nDPI's application and category names,
 * checked here for their characters only (lib/ does not link nDPI). Then
 * the antivirus: on or off, the ClamAV database directory, the limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include "../bpf/utm_types.h"
#include "catdb.h"
#include "config_priv.h"

_Static_assert(UTM_CFG_CATEGORY_LEN == CATDB_NAME_MAX, "category names fit the catdb");

const char *const utm_inspect_default_log_categories[] = {
	"adult", "gambling", "games", "social_networks", "audio-video", "shopping",
	"warez", "dating",   NULL,
};

const char *const utm_inspect_default_block_categories[] = {"malware", "phishing", NULL};

const char *const utm_inspect_default_log_app_categories[] = {
	"SocialNetwork", "Game",      "Download", "FileSharing", "VPN",
	"RemoteAccess",	 "Streaming", "Video",	  "Music",	 NULL,
};

#define INSPECT(m) offsetof(struct utm_cfg, inspect.m)

int utm_cfg_parse_ports(const char *list, uint32_t *port, uint8_t *bits, size_t max, size_t *n,
			char *why, size_t whylen)
{
	char *buf = strdup(list), *tok, *save = NULL;

	if (!buf) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	*n = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint8_t b = !strncmp(tok, "tcp:", 4)   ? UTM_STEER_TCP
			    : !strncmp(tok, "udp:", 4) ? UTM_STEER_UDP
						       : 0;
		unsigned long p;

		if (!b || cfg_parse_uint(tok + 4, 65535, &p) || p < 1 || *n == max) {
			char q[40];

			snprintf(why, whylen, "'%s' is not tcp:PORT or udp:PORT (at most %zu)",
				 cfg_excerpt(tok, q, sizeof(q)), max);
			free(buf);
			return -1;
		}
		port[*n] = (uint32_t)p;
		bits[(*n)++] = b;
	}
	free(buf);
	return 0;
}

/* Room for one more element of size sz in *arr (n of them); NULL on no memory. */
static void *grow(void *arr, size_t n, size_t sz)
{
	return realloc(arr, (n + 1) * sz);
}

static int add_rule(struct walk *w, const char *what, const yaml_node_t *n)
{
	struct utm_inspect_cfg *ic = &w->cfg->inspect;
	char(*rules)[PATH_MAX];

	if (ic->nrules >= UTM_CFG_MAX_RULE_PATTERNS)
		return cfg_fail(w, n, "%s: more than %d entries", what, UTM_CFG_MAX_RULE_PATTERNS);
	rules = grow(ic->rules, ic->nrules, sizeof(*rules));
	if (!rules)
		return cfg_fail(w, n, "%s: out of memory", what);
	ic->rules = rules;
	/* A path or a glob pattern: relative to the configuration, as list files. */
	if (cfg_set_list_file(w, what, n, rules[ic->nrules], NULL))
		return -1;
	ic->nrules++;
	return 0;
}

/* A later file's rules replace the earlier ones; an empty sequence means none. */
static int set_rules(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		     const void *arg)
{
	struct utm_inspect_cfg *ic = &w->cfg->inspect;

	free(ic->rules);
	ic->rules = NULL;
	ic->nrules = 0;
	ic->rules_set = 1;
	return cfg_each_item(w, what, n, add_rule);
}

static int valid_classtype(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (i >= UTM_CFG_CLASSTYPE_LEN - 1 ||
		    !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return 0;
	return i > 0;
}

static int add_class(struct walk *w, const char *what, const yaml_node_t *n)
{
	struct utm_inspect_cfg *ic = &w->cfg->inspect;
	const char *v = cfg_text(w, what, n, "a classtype");
	char(*classes)[UTM_CFG_CLASSTYPE_LEN];
	char q[40];

	if (!v)
		return -1;
	if (!valid_classtype(v))
		return cfg_fail(w, n,
				"%s: '%s' is not a classtype name (1..%d characters of A-Z a-z "
				"0-9 _ . -)",
				what, cfg_excerpt(v, q, sizeof(q)), UTM_CFG_CLASSTYPE_LEN - 1);
	if (ic->n_drop_classes >= UTM_CFG_MAX_DROP_CLASSES)
		return cfg_fail(w, n, "%s: more than %d classtypes", what,
				UTM_CFG_MAX_DROP_CLASSES);
	classes = grow(ic->drop_classes, ic->n_drop_classes, sizeof(*classes));
	if (!classes)
		return cfg_fail(w, n, "%s: out of memory", what);
	ic->drop_classes = classes;
	strcpy(classes[ic->n_drop_classes++], v);
	return 0;
}

static int set_classes(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		       const void *arg)
{
	struct utm_inspect_cfg *ic = &w->cfg->inspect;

	free(ic->drop_classes);
	ic->drop_classes = NULL;
	ic->n_drop_classes = 0;
	return cfg_each_item(w, what, n, add_class);
}

static int add_sid(struct walk *w, const char *what, const yaml_node_t *n)
{
	struct utm_inspect_cfg *ic = &w->cfg->inspect;
	const char *v = cfg_text(w, what, n, "a rule sid");
	unsigned long sid;
	uint32_t *sids;
	char q[40];

	if (!v)
		return -1;
	if (cfg_parse_uint(v, UINT32_MAX, &sid) || !sid)
		return cfg_fail(w, n, "%s: expected a rule sid 1..%u, got '%s'", what, UINT32_MAX,
				cfg_excerpt(v, q, sizeof(q)));
	if (ic->n_drop_sids >= UTM_CFG_MAX_DROP_SIDS)
		return cfg_fail(w, n, "%s: more than %d sids", what, UTM_CFG_MAX_DROP_SIDS);
	sids = grow(ic->drop_sids, ic->n_drop_sids, sizeof(*sids));
	if (!sids)
		return cfg_fail(w, n, "%s: out of memory", what);
	ic->drop_sids = sids;
	sids[ic->n_drop_sids++] = (uint32_t)sid;
	return 0;
}

static int set_sids(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		    const void *arg)
{
	struct utm_inspect_cfg *ic = &w->cfg->inspect;

	free(ic->drop_sids);
	ic->drop_sids = NULL;
	ic->n_drop_sids = 0;
	return cfg_each_item(w, what, n, add_sid);
}

/* The --ports syntax, checked now so that a typo names its line. */
static int set_steer_ports(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
			   const void *arg)
{
	const char *v = cfg_text(w, what, n, "a port list such as tcp:80,tcp:443,udp:53");
	uint32_t port[UTM_CFG_MAX_STEER_PORTS];
	uint8_t bits[UTM_CFG_MAX_STEER_PORTS];
	char why[128];
	size_t np;

	if (!v)
		return -1;
	if (strlen(v) >= UTM_CFG_PORTS_LEN)
		return cfg_fail(w, n, "%s: longer than %d bytes", what, UTM_CFG_PORTS_LEN - 1);
	if (utm_cfg_parse_ports(v, port, bits, UTM_CFG_MAX_STEER_PORTS, &np, why, sizeof(why)))
		return cfg_fail(w, n, "%s: %s", what, why);
	if (!np)
		return cfg_fail(w, n, "%s: no port (expected e.g. tcp:80,tcp:443,udp:53)", what);
	strcpy(dst, v);
	return 0;
}

/* arg: (void *)maximum; stored as unsigned int. */
static int set_count(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		     const void *arg)
{
	const char *v = cfg_text(w, what, n, "an integer");
	unsigned long max = (unsigned long)arg, u;
	char q[40];

	if (!v)
		return -1;
	if (cfg_parse_uint(v, max, &u))
		return cfg_fail(w, n, "%s: expected an integer 0..%lu, got '%s'", what, max,
				cfg_excerpt(v, q, sizeof(q)));
	*(unsigned int *)dst = (unsigned int)u;
	return 0;
}

int utm_cfg_valid_category(const char *name)
{
	size_t i;

	for (i = 0; name[i]; i++)
		if (i >= UTM_CFG_CATEGORY_LEN - 1 ||
		    !((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '_' || name[i] == '-'))
			return 0;
	return i > 0;
}

/*
 * log-categories, block-categories: a later file's list replaces the earlier
 * one, [] (or nothing) means none. dst: the names; arg: (void *)offset of
 * their count in struct utm_cfg.
 */
static int set_category_list(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
			     const void *arg)
{
	char(*names)[UTM_CFG_CATEGORY_LEN] = dst;
	size_t *count = (size_t *)((char *)w->cfg + (size_t)arg);
	const yaml_node_item_t *it;
	size_t k = 0, j;

	if (cfg_is_null(n)) {
		*count = 0;
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return cfg_fail(w, n, "%s: expected a sequence of category names, got a %s", what,
				cfg_kind_name(n));
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		const yaml_node_t *c = yaml_document_get_node(w->doc, *it);
		const char *v = cfg_text(w, what, c, "a category name");
		char q[40];

		if (!v)
			return -1;
		if (!utm_cfg_valid_category(v))
			return cfg_fail(w, c,
					"%s: '%s' is not a category name (1..%d characters of "
					"a-z 0-9 _ -)",
					what, cfg_excerpt(v, q, sizeof(q)),
					UTM_CFG_CATEGORY_LEN - 1);
		for (j = 0; j < k && strcmp(names[j], v); j++)
			;
		if (j < k)
			continue; /* named twice */
		if (k >= UTM_CFG_MAX_CATEGORIES)
			return cfg_fail(w, c, "%s: more than %d categories", what,
					UTM_CFG_MAX_CATEGORIES);
		strcpy(names[k++], v);
	}
	/* The rest zeroed; a failure above leaves the caller's list whole (a copy). */
	memset(names[k], 0, (UTM_CFG_MAX_CATEGORIES - k) * sizeof(names[0]));
	*count = k;
	return 0;
}

/* A directory: relative to the configuration, as list files. */
static int set_dir(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		   const void *arg)
{
	const char *v = cfg_text(w, what, n, "a directory");

	if (!v)
		return -1;
	if (!*v)
		return cfg_fail(w, n, "%s: missing value", what);
	return cfg_set_list_file(w, what, n, dst, arg);
}

/* The length of the UTF-8 sequence at s (1..4), or 0 when it is not valid UTF-8. */
static size_t utf8_len(const unsigned char *s)
{
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond U+10FFFF. */
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) || (c >= 0xd800 && c <= 0xdfff) ||
	    c > 0x10ffff)
		return 0;
	return len;
}

int utm_cfg_check_contact(const char *s, char *why, size_t whylen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len;

	if (strlen(s) >= UTM_CFG_CONTACT_LEN) {
		snprintf(why, whylen, "longer than %d bytes", UTM_CFG_CONTACT_LEN - 1);
		return -1;
	}
	for (; *p; p += len) {
		len = utf8_len(p);
		if (!len) {
			snprintf(why, whylen, "not valid UTF-8");
			return -1;
		}
		/* C0 controls, DEL and C1 controls (U+0080..U+009F). */
		if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] < 0xa0)) {
			snprintf(why, whylen, "contains a control character");
			return -1;
		}
	}
	return 0;
}

static int set_contact(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		       const void *arg)
{
	const char *v = cfg_text(w, what, n, "a text");
	char why[64];

	if (!v)
		return -1;
	if (utm_cfg_check_contact(v, why, sizeof(why)))
		return cfg_fail(w, n, "%s: %s", what, why);
	strcpy(dst, v);
	return 0;
}

static const struct field block_page_fields[] = {
	{"contact-name", set_contact, INSPECT(contact_name), NULL},
	{"contact-phone", set_contact, INSPECT(contact_phone), NULL},
	{"contact-email", set_contact, INSPECT(contact_email), NULL},
};

static const struct section block_page_section = {block_page_fields, ARRAY_SIZE(block_page_fields)};

static int set_block_page(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
			  const void *arg)
{
	return cfg_walk_map(w, n, what, &block_page_section, dst);
}

int utm_cfg_valid_app_name(const char *name)
{
	size_t i;

	for (i = 0; name[i]; i++)
		if (i >= UTM_CFG_APP_NAME_LEN - 1 ||
		    !((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		      (name[i] >= '0' && name[i] <= '9') || name[i] == '_' || name[i] == '-' ||
		      name[i] == '.' || name[i] == '+'))
			return 0;
	return i > 0;
}

/* What an nDPI name list holds: the noun of its messages, where its count is. */
struct app_list {
	const char *noun; /* "application", "category" */
	const char *plural;
	size_t count; /* offset of the count in struct utm_cfg */
};

static const struct app_list block_apps_list = {"application", "applications",
						INSPECT(n_block_apps)};
static const struct app_list log_app_categories_list = {"category", "categories",
							INSPECT(n_log_app_categories)};
static const struct app_list block_app_categories_list = {"category", "categories",
							  INSPECT(n_block_app_categories)};

/*
 * log-app-categories, block-apps, block-app-categories: as set_category_list,
 * nDPI names. dst: the names; arg: the struct app_list.
 */
static int set_app_list(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
			const void *arg)
{
	const struct app_list *l = arg;
	char(*names)[UTM_CFG_APP_NAME_LEN] = dst;
	size_t *count = (size_t *)((char *)w->cfg + l->count);
	const yaml_node_item_t *it;
	char expect[32];
	size_t k = 0, j;

	if (cfg_is_null(n)) {
		*count = 0;
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return cfg_fail(w, n, "%s: expected a sequence of nDPI %s names, got a %s", what,
				l->noun, cfg_kind_name(n));
	snprintf(expect, sizeof(expect), "an nDPI %s name", l->noun);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		const yaml_node_t *c = yaml_document_get_node(w->doc, *it);
		const char *v = cfg_text(w, what, c, expect);
		char q[48];

		if (!v)
			return -1;
		if (!utm_cfg_valid_app_name(v))
			return cfg_fail(w, c,
					"%s: '%s' is not an nDPI %s name (1..%d characters of "
					"A-Z a-z 0-9 _ - . +)",
					what, cfg_excerpt(v, q, sizeof(q)), l->noun,
					UTM_CFG_APP_NAME_LEN - 1);
		for (j = 0; j < k && strcmp(names[j], v); j++)
			;
		if (j < k)
			continue; /* named twice */
		if (k >= UTM_CFG_MAX_APP_NAMES)
			return cfg_fail(w, c, "%s: more than %d %s", what, UTM_CFG_MAX_APP_NAMES,
					l->plural);
		strcpy(names[k++], v);
	}
	/* The rest zeroed; a failure above leaves the caller's list whole (a copy). */
	memset(names[k], 0, (UTM_CFG_MAX_APP_NAMES - k) * sizeof(names[0]));
	*count = k;
	return 0;
}

static const struct field inspect_fields[] = {
	{"rules", set_rules, 0, NULL},
	{"drop-classtypes", set_classes, 0, NULL},
	{"drop-sids", set_sids, 0, NULL},
	{"ports", set_steer_ports, INSPECT(ports), NULL},
	{"depth-packets", set_count, INSPECT(depth_packets), (const void *)UTM_INSPECT_MAX_DEPTH},
	{"flow-timeout", set_count, INSPECT(flow_timeout_s), (const void *)UTM_INSPECT_MAX_TIMEOUT},
	{"closing-timeout", set_count, INSPECT(closing_timeout_s),
	 (const void *)UTM_INSPECT_MAX_TIMEOUT},
	{"eve", cfg_set_path, INSPECT(eve), NULL},
	{"ip-only-dir", cfg_set_path, INSPECT(ip_only_dir), NULL},
	{"categories", set_dir, INSPECT(categories), NULL},
	{"log-categories", set_category_list, INSPECT(log_categories),
	 (const void *)INSPECT(n_log_categories)},
	{"block-categories", set_category_list, INSPECT(block_categories),
	 (const void *)INSPECT(n_block_categories)},
	{"category-window", cfg_set_duration, INSPECT(category_window_s), (const void *)1},
	{"block-sites", cfg_set_choice, INSPECT(block_sites), cfg_booleans},
	{"block-quic", cfg_set_choice, INSPECT(block_quic), cfg_booleans},
	{"block-doh", cfg_set_choice, INSPECT(block_doh), cfg_booleans},
	{"block-page", set_block_page, 0, NULL},
	{"apps", cfg_set_choice, INSPECT(apps), cfg_booleans},
	{"log-app-categories", set_app_list, INSPECT(log_app_categories), &log_app_categories_list},
	{"block-apps", set_app_list, INSPECT(block_apps), &block_apps_list},
	{"block-app-categories", set_app_list, INSPECT(block_app_categories),
	 &block_app_categories_list},
	{"antivirus", cfg_set_choice, INSPECT(av), cfg_booleans},
	{"av-db", set_dir, INSPECT(av_db), NULL},
	{"av-max-file", cfg_set_size, INSPECT(av_max_file), (const void *)UTM_INSPECT_MAX_AV_FILE},
	{"av-block-unscanned", cfg_set_choice, INSPECT(av_block_unscanned), cfg_booleans},
};

static const struct section inspect_section = {inspect_fields, ARRAY_SIZE(inspect_fields)};

int cfg_set_inspect(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		    const void *arg)
{
	return cfg_walk_map(w, n, what, &inspect_section, dst);
}

int utm_cfg_inspect_rules(const struct utm_cfg *cfg, char (**out)[PATH_MAX], size_t *n)
{
	const struct utm_inspect_cfg *ic = &cfg->inspect;
	char(*pat)[PATH_MAX];
	size_t i, k = 0;

	*out = NULL;
	*n = 0;
	if (ic->rules_set) {
		if (!ic->nrules)
			return 0;
		pat = malloc(ic->nrules * sizeof(*pat));
		if (!pat)
			return -1;
		memcpy(pat, ic->rules, ic->nrules * sizeof(*pat));
		*out = pat;
		*n = ic->nrules;
		return 0;
	}
	for (i = 0; i < cfg->nlists; i++)
		k += cfg->lists[i].kind == UTM_LIST_KIND_IPS_RULES;
	if (!k)
		return 0;
	pat = malloc(k * sizeof(*pat));
	if (!pat)
		return -1;
	for (i = 0, k = 0; i < cfg->nlists; i++) {
		const struct utm_list_cfg *l = &cfg->lists[i];

		if (l->kind != UTM_LIST_KIND_IPS_RULES)
			continue;
		/* A feed's archive is unpacked into NAME.d (loader/feed_fetch.c). */
		if (utm_list_is_feed(l))
			utm_cfg_feed_path(cfg, l->name, ".d/rules/*.rules", pat[k++], PATH_MAX);
		else
			snprintf(pat[k++], PATH_MAX, "%s", l->path);
	}
	*out = pat;
	*n = k;
	return 0;
}

void utm_cfg_inspect_categories(const struct utm_cfg *cfg, char *buf, size_t len)
{
	size_t i;

	snprintf(buf, len, "%s", cfg->inspect.categories);
	for (i = 0; !buf[0] && i < cfg->nlists; i++) {
		const struct utm_list_cfg *l = &cfg->lists[i];

		if (l->kind != UTM_LIST_KIND_CATEGORIES)
			continue;
		/* A feed's archive is unpacked into NAME.d (loader/feed_fetch.c). */
		if (utm_list_is_feed(l))
			utm_cfg_feed_path(cfg, l->name, ".d", buf, len);
		else
			snprintf(buf, len, "%s", l->path);
	}
}
