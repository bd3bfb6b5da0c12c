// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm.yaml parser: libyaml's document API over a buffer, walked against a
 * fixed schema (see tests/fixtures/utm.yaml). Every error names the line of
 * the offending node, and the result is built in a copy so that a bad file
 * never half-applies.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include <linux/types.h>
#include <yaml.h>

#include "../bpf/utm_types.h"
#include "config.h"
#include "config_priv.h"

int cfg_fail(struct walk *w, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	int off;

	off = snprintf(w->err, w->errlen, "%s:%zu: ", w->file, n->start_mark.line + 1);
	if (off >= 0 && (size_t)off < w->errlen) {
		va_start(ap, fmt);
		vsnprintf(w->err + off, w->errlen - off, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* A short printable copy of user text for messages (keys can be megabytes). */
const char *cfg_excerpt(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 4 < len; i++) {
		unsigned char c = (unsigned char)s[i];

		buf[i] = c < ' ' || c == 0x7f ? '?' : (char)c;
	}
	strcpy(buf + i, s[i] ? "..." : "");
	return buf;
}

const char *cfg_kind_name(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "mapping";
	case YAML_SEQUENCE_NODE:
		return "sequence";
	default:
		return "scalar";
	}
}

/* A key with nothing after it, "~" or "null": YAML's null, plain style only. */
int cfg_is_null(const yaml_node_t *n)
{
	const char *v = (const char *)n->data.scalar.value;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
	       !strcmp(v, "NULL");
}

/* The text of a scalar value, or NULL after reporting why there is none. */
const char *cfg_text(struct walk *w, const char *what, const yaml_node_t *n, const char *expect)
{
	const char *v = (const char *)n->data.scalar.value;

	if (n->type != YAML_SCALAR_NODE)
		cfg_fail(w, n, "%s: expected %s, got a %s", what, expect, cfg_kind_name(n));
	else if (cfg_is_null(n))
		cfg_fail(w, n, "%s: missing value", what);
	else if (strlen(v) != n->data.scalar.length)
		cfg_fail(w, n, "%s: value contains a NUL character", what);
	else
		return v;
	return NULL;
}

/* Decimal digits only: "-1", "0x10", "1e3" and "5.0" are all mistakes here. */
int cfg_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -1;
	}
	*out = v;
	return 0;
}

/* What the kernel's dev_valid_name() accepts. */
static int valid_ifname(const char *s)
{
	size_t len = strlen(s);

	if (!len || len >= IF_NAMESIZE || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || isspace((unsigned char)*s))
			return 0;
	return 1;
}

static int set_ifname(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		      const void *arg)
{
	const char *v = cfg_text(w, what, n, "an interface name");
	char q[40];

	if (!v)
		return -1;
	if (!valid_ifname(v))
		return cfg_fail(
			w, n,
			"%s: '%s' is not a valid interface name (1..%d characters, no '/', ':' "
			"or spaces)",
			what, cfg_excerpt(v, q, sizeof(q)), IF_NAMESIZE - 1);
	strcpy(dst, v);
	return 0;
}

int cfg_set_path(struct walk *w, const char *what, const yaml_node_t *n, void *dst, const void *arg)
{
	const char *v = cfg_text(w, what, n, "a path");

	if (!v)
		return -1;
	if (strlen(v) >= PATH_MAX)
		return cfg_fail(w, n, "%s: path longer than %d bytes", what, PATH_MAX - 1);
	strcpy(dst, v);
	return 0;
}

static int set_uint(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		    const void *arg)
{
	const char *v = cfg_text(w, what, n, "an integer");
	unsigned long u;
	char q[40];

	if (!v)
		return -1;
	if (cfg_parse_uint(v, UTM_CFG_MAX_EVENT_RATE, &u))
		return cfg_fail(w, n, "%s: expected an integer 0..%d, got '%s'", what,
				UTM_CFG_MAX_EVENT_RATE, cfg_excerpt(v, q, sizeof(q)));
	*(unsigned int *)dst = (unsigned int)u;
	return 0;
}

/* arg: a NULL-terminated array of struct choice. */
int cfg_set_choice(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		   const void *arg)
{
	const struct choice *c, *choices = arg;
	const char *v = cfg_text(w, what, n, "a word");
	char names[200] = "", q[40];

	if (!v)
		return -1;
	for (c = choices; c->name; c++) {
		if (!strcmp(v, c->name)) {
			*(int *)dst = c->value;
			return 0;
		}
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 c == choices ? "" : " | ", c->name);
	}
	return cfg_fail(w, n, "%s: expected %s, got '%s'", what, names,
			cfg_excerpt(v, q, sizeof(q)));
}

/* arg: the struct section of the nested mapping, filled into the same obj. */
static int set_section(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		       const void *arg)
{
	return cfg_walk_map(w, n, what, arg, dst);
}

static int set_ports(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		     const void *arg)
{
	struct utm_cfg *cfg = dst;

	if (cfg_walk_map(w, n, what, arg, dst))
		return -1;
	if (cfg->lan[0] && !strcmp(cfg->lan, cfg->wan))
		return cfg_fail(w, n, "%s: lan and wan are both '%s'", what, cfg->lan);
	return 0;
}

int cfg_set_list_name(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		      const void *arg)
{
	const char *v = cfg_text(w, what, n, "a name");
	char q[40];
	size_t i;

	if (!v)
		return -1;
	if (!utm_cfg_valid_list_name(v))
		return cfg_fail(
			w, n,
			"%s: '%s' is not a valid list name (1..%d characters of A-Z a-z 0-9 _ . -)",
			what, cfg_excerpt(v, q, sizeof(q)), UTM_LIST_NAME_LEN - 1);
	for (i = 0; i < w->cfg->nlists; i++)
		if (!strcmp(w->cfg->lists[i].name, v))
			return cfg_fail(w, n, "%s: duplicate list name '%s'", what, v);
	strcpy(dst, v);
	return 0;
}

/* Relative list files are relative to the configuration, not the cwd. */
int cfg_set_list_file(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		      const void *arg)
{
	const char *v = cfg_text(w, what, n, "a path");
	int len;

	if (!v)
		return -1;
	if (v[0] == '/' || !w->dir)
		len = snprintf(dst, PATH_MAX, "%s", v);
	else
		len = snprintf(dst, PATH_MAX, "%s%s%s", w->dir,
			       w->dir[strlen(w->dir) - 1] == '/' ? "" : "/", v);
	if (len < 0 || len >= PATH_MAX)
		return cfg_fail(w, n, "%s: path longer than %d bytes", what, PATH_MAX - 1);
	return 0;
}

int cfg_set_severity(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		     const void *arg)
{
	const char *v = cfg_text(w, what, n, "an integer");
	unsigned long u;
	char q[40];

	if (!v)
		return -1;
	if (cfg_parse_uint(v, 3, &u) || u < 1)
		return cfg_fail(w, n, "%s: expected 1, 2 or 3, got '%s'", what,
				cfg_excerpt(v, q, sizeof(q)));
	*(int *)dst = (int)u;
	return 0;
}

static const struct choice xdp_modes[] = {
	{"auto", UTM_XDP_AUTO},
	{"native", UTM_XDP_NATIVE},
	{"generic", UTM_XDP_GENERIC},
	{NULL, 0},
};

static const struct choice malformed_modes[] = {
	{"forward", 0},
	{"drop", 1},
	{NULL, 0},
};

const struct choice cfg_booleans[] = {
	{"true", 1}, {"false", 0}, {"yes", 1}, {"no", 0}, {NULL, 0},
};

const struct choice cfg_actions[] = {
	{"block", 0},
	{"allow", 1},
	{NULL, 0},
};

const struct choice cfg_directions[] = {
	{"inbound", UTM_DIR_INBOUND},
	{"outbound", UTM_DIR_OUTBOUND},
	{"both", UTM_DIR_BOTH},
	{NULL, 0},
};

const struct choice cfg_list_kinds[] = {
	{"ip", UTM_LIST_KIND_IP},
	{"domains", UTM_LIST_KIND_DOMAINS},
	{"urls", UTM_LIST_KIND_URLS},
	{"domain", UTM_LIST_KIND_DOMAINS},
	{"url", UTM_LIST_KIND_URLS},
	{"ips-rules", UTM_LIST_KIND_IPS_RULES},
	{"av-signatures", UTM_LIST_KIND_AV_SIGNATURES},
	{"categories", UTM_LIST_KIND_CATEGORIES},
	{NULL, 0},
};

const struct choice cfg_invalid_policies[] = {
	{"skip", 0},
	{"refuse", 1},
	{NULL, 0},
};

static const struct choice dns_modes[] = {
	{"null", UTM_DNS_NULL},
	{"nxdomain", UTM_DNS_NXDOMAIN},
	{"nodata", UTM_DNS_NODATA},
	{"sinkhole", UTM_DNS_SINKHOLE},
	{NULL, 0},
};

/*
 * dns.mode: `mode: null` is YAML's null, but it is also the natural way to
 * name the NULL answer mode (Pi-hole's term), so the word itself is taken
 * as the mode; an empty value is still "missing".
 */
static int set_dns_mode(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
			const void *arg)
{
	const char *v = (const char *)n->data.scalar.value;

	if (n->type == YAML_SCALAR_NODE && cfg_is_null(n) && !strcasecmp(v, "null")) {
		*(int *)dst = UTM_DNS_NULL;
		return 0;
	}
	return cfg_set_choice(w, what, n, dst, arg);
}

/* arg: (void *)4 or (void *)6, the address family expected. */
int cfg_set_addr(struct walk *w, const char *what, const yaml_node_t *n, void *dst, const void *arg)
{
	const char *v = cfg_text(w, what, n, "an address");
	int v6 = arg == (const void *)6;
	char q[40];

	if (!v)
		return -1;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, v, dst) != 1)
		return cfg_fail(w, n, "%s: '%s' is not an IPv%d address", what,
				cfg_excerpt(v, q, sizeof(q)), v6 ? 6 : 4);
	return 0;
}

#define CFG(m)	offsetof(struct utm_cfg, m)
#define LIST(m) offsetof(struct utm_list_cfg, m)

static const struct field port_fields[] = {
	{"lan", set_ifname, CFG(lan), NULL},
	{"wan", set_ifname, CFG(wan), NULL},
};

static const struct field event_fields[] = {
	{"rate-per-source", set_uint, CFG(ev_rate_per_src), NULL},
	{"burst-per-source", set_uint, CFG(ev_burst_per_src), NULL},
	{"rate-global", set_uint, CFG(ev_rate_global), NULL},
	{"burst-global", set_uint, CFG(ev_burst_global), NULL},
	{"retention-days", set_uint, CFG(ev_retention_days), NULL},
	{"max-db-size", cfg_set_size, CFG(ev_max_db_size), NULL},
};

static const struct field list_fields[] = {
	{"name", cfg_set_list_name, LIST(name), NULL},
	{"file", cfg_set_list_file, LIST(path), NULL},
	{"action", cfg_set_choice, LIST(allow), cfg_actions},
	{"direction", cfg_set_choice, LIST(dir), cfg_directions},
	{"severity", cfg_set_severity, LIST(severity), NULL},
	{"kind", cfg_set_choice, LIST(kind), cfg_list_kinds},
	{"invalid", cfg_set_choice, LIST(refuse_invalid), cfg_invalid_policies},
};

static const struct field dns_fields[] = {
	{"mode", set_dns_mode, CFG(dns_mode), dns_modes},
	{"ttl", set_uint, CFG(dns_ttl), NULL},
	{"sinkhole-ipv4", cfg_set_addr, CFG(dns_sink4), (const void *)4},
	{"sinkhole-ipv6", cfg_set_addr, CFG(dns_sink6), (const void *)6},
};

static const struct section ports = {port_fields, ARRAY_SIZE(port_fields)};
static const struct section events = {event_fields, ARRAY_SIZE(event_fields)};
static const struct section list = {list_fields, ARRAY_SIZE(list_fields)};
static const struct section dns = {dns_fields, ARRAY_SIZE(dns_fields)};

static int set_list(struct walk *w, const char *what, const yaml_node_t *n)
{
	struct utm_list_cfg l = {.allow = 0, .dir = UTM_DIR_BOTH, .severity = 2};

	if (cfg_walk_map(w, n, "lists", &list, &l))
		return -1;
	if (!l.name[0])
		return cfg_fail(w, n, "lists: entry without a name");
	if (!l.path[0])
		return cfg_fail(w, n, "lists: '%s' has no file", l.name);
	if (w->cfg->nlists >= UTM_CFG_MAX_LISTS)
		return cfg_fail(w, n, "lists: more than %d lists", UTM_CFG_MAX_LISTS);
	if (utm_cfg_add_list(w->cfg, &l))
		return cfg_fail(w, n, "lists: out of memory");
	return 0;
}

int cfg_each_item(struct walk *w, const char *what, const yaml_node_t *n,
		  int (*fn)(struct walk *w, const char *what, const yaml_node_t *item))
{
	const yaml_node_item_t *it;

	if (cfg_is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return cfg_fail(w, n, "%s: expected a sequence, got a %s", what, cfg_kind_name(n));
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
		if (fn(w, what, yaml_document_get_node(w->doc, *it)))
			return -1;
	return 0;
}

static int set_lists(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		     const void *arg)
{
	return cfg_each_item(w, what, n, set_list);
}

static const struct field top_fields[] = {
	{"ports", set_ports, 0, &ports},
	{"xdp-mode", cfg_set_choice, CFG(xdp_mode), xdp_modes},
	{"pin-root", cfg_set_path, CFG(pin_root), NULL},
	{"state-dir", cfg_set_path, CFG(state_dir), NULL},
	{"event-log", cfg_set_path, CFG(event_log), NULL},
	{"malformed", cfg_set_choice, CFG(drop_malformed), malformed_modes},
	{"events", set_section, 0, &events},
	{"dns", set_section, 0, &dns},
	{"lists", set_lists, 0, NULL},
	{"feeds", cfg_set_feeds, 0, NULL},
	{"never-block", cfg_set_never_block, 0, NULL},
	{"inspect", cfg_set_inspect, 0, NULL},
};

static const struct section top = {top_fields, ARRAY_SIZE(top_fields)};

static const struct field *find_field(const struct section *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->nfields; i++)
		if (!strcmp(s->fields[i].key, key))
			return &s->fields[i];
	return NULL;
}

static int set_pair(struct walk *w, const yaml_node_pair_t *p, const char *prefix,
		    const struct section *s, void *obj, unsigned int *seen)
{
	const yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
	const yaml_node_t *v = yaml_document_get_node(w->doc, p->value);
	const struct field *f;
	const char *key;
	char what[64], q[40];

	key = (const char *)k->data.scalar.value;
	if (k->type != YAML_SCALAR_NODE || strlen(key) != k->data.scalar.length)
		return cfg_fail(w, k, "%s: keys must be plain words",
				*prefix ? prefix : "top level");
	f = find_field(s, key);
	if (!f)
		return cfg_fail(w, k, "unknown key '%s'%s%s", cfg_excerpt(key, q, sizeof(q)),
				*prefix ? " in " : "", prefix);
	if (*seen & (1u << (f - s->fields)))
		return cfg_fail(w, k, "duplicate key '%s'", key);
	*seen |= 1u << (f - s->fields);
	snprintf(what, sizeof(what), "%s%s%s", prefix, *prefix ? "." : "", key);
	return f->set(w, what, v, (char *)obj + f->off, f->arg);
}

/* An absent section (a key with nothing after it) is an empty one. */
int cfg_walk_map(struct walk *w, const yaml_node_t *map, const char *prefix,
		 const struct section *s, void *obj)
{
	const yaml_node_pair_t *p;
	unsigned int seen = 0;

	if (cfg_is_null(map))
		return 0;
	if (map->type != YAML_MAPPING_NODE)
		return cfg_fail(w, map, "%s: expected a mapping, got a %s",
				*prefix ? prefix : "top level", cfg_kind_name(map));
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++)
		if (set_pair(w, p, prefix, s, obj, &seen))
			return -1;
	return 0;
}

static int yaml_error(struct walk *w, const yaml_parser_t *p, const char *buf, size_t len)
{
	size_t line = p->problem_mark.line + 1, i;

	if (p->error == YAML_MEMORY_ERROR) {
		snprintf(w->err, w->errlen, "%s: out of memory", w->file);
		return -1;
	}
	/* The reader reports a byte offset instead of a mark. */
	if (p->error == YAML_READER_ERROR)
		for (i = 0, line = 1; i < p->problem_offset && i < len; i++)
			line += buf[i] == '\n';
	if (p->context)
		snprintf(w->err, w->errlen, "%s:%zu: %s (%s at line %zu)", w->file, line,
			 p->problem ? p->problem : "syntax error", p->context,
			 p->context_mark.line + 1);
	else
		snprintf(w->err, w->errlen, "%s:%zu: %s", w->file, line,
			 p->problem ? p->problem : "syntax error");
	return -1;
}

/* A second "---" document would be silently ignored otherwise. */
static int check_single_document(struct walk *w, yaml_parser_t *p, const char *buf, size_t len)
{
	yaml_document_t doc;
	const yaml_node_t *root;
	int rc = 0;

	if (!yaml_parser_load(p, &doc))
		return yaml_error(w, p, buf, len);
	root = yaml_document_get_root_node(&doc);
	if (root)
		rc = cfg_fail(w, root, "only one YAML document is allowed");
	yaml_document_delete(&doc);
	return rc;
}

static int walk_document(struct walk *w, yaml_parser_t *p, const char *buf, size_t len)
{
	yaml_document_t doc;
	const yaml_node_t *root;
	int rc = 0;

	if (!yaml_parser_load(p, &doc))
		return yaml_error(w, p, buf, len);
	w->doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (root)
		rc = cfg_walk_map(w, root, "", &top, w->cfg);
	yaml_document_delete(&doc);
	w->doc = NULL;
	if (!rc && root)
		rc = check_single_document(w, p, buf, len);
	return rc;
}

/* A heap copy of n elements of size sz (NULL for none); *failed set on no memory. */
static void *dup_array(const void *src, size_t n, size_t sz, int *failed)
{
	void *p;

	if (!n)
		return NULL;
	p = malloc(n * sz);
	if (!p) {
		*failed = 1;
		return NULL;
	}
	return memcpy(p, src, n * sz);
}

static int copy_cfg(struct utm_cfg *dst, const struct utm_cfg *src)
{
	const struct utm_inspect_cfg *si = &src->inspect;
	struct utm_inspect_cfg *di = &dst->inspect;
	int failed = 0;

	*dst = *src;
	dst->lists = dup_array(src->lists, src->nlists, sizeof(*src->lists), &failed);
	di->rules = dup_array(si->rules, si->nrules, sizeof(*si->rules), &failed);
	di->drop_classes =
		dup_array(si->drop_classes, si->n_drop_classes, sizeof(*si->drop_classes), &failed);
	di->drop_sids = dup_array(si->drop_sids, si->n_drop_sids, sizeof(*si->drop_sids), &failed);
	return failed ? -1 : 0;
}

static const char *dir_of(const char *filename, char *buf, size_t len)
{
	const char *slash = strrchr(filename, '/');

	if (!slash)
		return NULL;
	snprintf(buf, len, "%.*s", (int)(slash - filename + 1), filename);
	return buf;
}

int utm_cfg_parse_at(const char *buf, size_t len, const char *filename, const char *dir,
		     struct utm_cfg *cfg, char *err, size_t errlen)
{
	struct walk w = {.file = filename ? filename : "<config>", .err = err, .errlen = errlen};
	struct utm_cfg tmp;
	yaml_parser_t p;
	char dirbuf[PATH_MAX];
	int rc;

	w.dir = dir ? dir : filename ? dir_of(filename, dirbuf, sizeof(dirbuf)) : NULL;
	if (w.dir && !*w.dir)
		w.dir = NULL;
	if (copy_cfg(&tmp, cfg) || !yaml_parser_initialize(&p)) {
		utm_cfg_free(&tmp);
		snprintf(err, errlen, "%s: out of memory", w.file);
		return -1;
	}
	w.cfg = &tmp;
	yaml_parser_set_input_string(&p, (const unsigned char *)(buf ? buf : ""), len);
	rc = walk_document(&w, &p, buf, len);
	yaml_parser_delete(&p);
	if (rc) {
		utm_cfg_free(&tmp);
		return -1;
	}
	utm_cfg_free(cfg);
	*cfg = tmp;
	if (errlen)
		err[0] = '\0';
	return 0;
}

int utm_cfg_parse(const char *buf, size_t len, const char *filename, struct utm_cfg *cfg, char *err,
		  size_t errlen)
{
	return utm_cfg_parse_at(buf, len, filename, NULL, cfg, err, errlen);
}
