// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target for lib/ut1.c and lib/catdb.c. Besides "never crash,
 * never read past len" (ASan), it checks what they promise: global_usage
 * blocks carry a valid short name and NUL-terminated fields, in line order;
 * list entries come in line order, are counted in the stats with the bad
 * lines, and every entry added to a catdb is found again: a domain by its
 * name and by a subdomain of it, a URL by its host and path plus a further
 * segment. Every line of the input is also looked up raw, as a host and as
 * a host and path, and must give -1 or a known category.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/catdb.h"
#include "lib/ut1.h"

/* A name or path with a few bytes added. */
#define BUF_MAX (UT1_URL_MAX + 8)

struct ctx {
	struct catdb *db;
	uint8_t cat;
	enum ut1_kind kind;
	unsigned int last_line;
	unsigned long entries, bad;
};

static int check_info(const struct ut1_catinfo *c, void *arg)
{
	struct ctx *x = arg;

	if (!c->name[0] || !memchr(c->name_en, '\0', sizeof(c->name_en)) ||
	    !memchr(c->desc_en, '\0', sizeof(c->desc_en)) ||
	    !memchr(c->desc_fr, '\0', sizeof(c->desc_fr)) ||
	    !memchr(c->default_type, '\0', sizeof(c->default_type)))
		abort();
	if (c->line == 0 || c->line < x->last_line)
		abort();
	x->last_line = c->line;
	if (catdb_add_category(x->db, c->name, c->name_en, c->desc_en, c->desc_fr,
			       c->default_type) < 0 &&
	    catdb_ncategories(x->db) < CATDB_MAX_CATS)
		abort();
	return 0;
}

static void count_bad(unsigned int line, const char *why, void *arg)
{
	struct ctx *x = arg;

	if (!line || !why[0])
		abort();
	x->bad++;
}

static int add_entry(const struct ut1_entry *e, unsigned int line, void *arg)
{
	struct ctx *x = arg;
	char buf[BUF_MAX];
	int got;

	if (!line || line < x->last_line || !e->hostlen || e->len < e->hostlen ||
	    e->text[e->len] != '\0')
		abort();
	x->last_line = line;
	x->entries++;
	if (x->kind == UT1_DOMAINS) {
		if (catdb_add_domain(x->db, e->host, e->hostlen, x->cat))
			abort();
		if (catdb_lookup_host(x->db, e->host, e->hostlen) < 0)
			abort();
		/* A subdomain of a name (not of an address) matches it too. */
		if (e->hostlen + 4 < sizeof(buf) && !strchr(e->host, ':')) {
			memcpy(buf, "www.", 4);
			memcpy(buf + 4, e->host, e->hostlen);
			got = catdb_lookup_host(x->db, buf, e->hostlen + 4);
			if (got < -1 || got >= (int)catdb_ncategories(x->db))
				abort();
		}
	} else {
		if (catdb_add_url(x->db, e->text, e->len, x->cat))
			abort();
		if (catdb_lookup_url(x->db, e->host, e->hostlen, e->path, e->pathlen) < 0)
			abort();
		if (e->pathlen + 3 < sizeof(buf)) {
			memcpy(buf, e->path, e->pathlen);
			memcpy(buf + e->pathlen, "/zz", 3);
			if (catdb_lookup_url(x->db, e->host, e->hostlen, buf, e->pathlen + 3) < 0)
				abort();
		}
	}
	return 0;
}

static void parse_list(struct ctx *x, const char *buf, size_t size, enum ut1_kind kind)
{
	struct ut1_list_stats st;

	x->kind = kind;
	x->last_line = 0;
	x->entries = x->bad = 0;
	if (ut1_parse_list(buf, size, kind, add_entry, count_bad, x, &st))
		abort();
	if (st.entries != x->entries || st.bad != x->bad ||
	    (st.bad != 0) != (st.first_bad_line != 0))
		abort();
}

/* Each raw line as a host, and split at its first '/' as host and path. */
static void raw_lookups(const struct catdb *db, const char *buf, size_t size)
{
	const char *p = buf, *end = buf + size, *nl, *slash;
	int n = (int)catdb_ncategories(db), got;
	size_t len;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		got = catdb_lookup_host(db, p, len);
		if (got < -1 || got >= n)
			abort();
		slash = memchr(p, '/', len);
		if (slash) {
			got = catdb_lookup_url(db, p, (size_t)(slash - p), slash,
					       len - (size_t)(slash - p));
			if (got < -1 || got >= n)
				abort();
		}
		p += len + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct ctx x = {0};

	x.db = catdb_new();
	if (!x.db)
		return 0;
	if (ut1_parse_global_usage(buf, size, check_info, count_bad, &x))
		abort();
	if (catdb_add_category(x.db, "games", NULL, NULL, NULL, NULL) < 0 ||
	    catdb_add_category(x.db, "adult", NULL, NULL, NULL, NULL) < 0) {
		catdb_free(x.db);
		return 0; /* the input named CATDB_MAX_CATS categories: nothing left to add */
	}
	x.cat = (uint8_t)catdb_find_category(x.db, "games");
	parse_list(&x, buf, size, UT1_DOMAINS);
	x.cat = (uint8_t)catdb_find_category(x.db, "adult");
	parse_list(&x, buf, size, UT1_URLS);
	raw_lookups(x.db, buf, size);
	if (catdb_memory(x.db) == 0)
		abort();
	catdb_free(x.db);
	return 0;
}
