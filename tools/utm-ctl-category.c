// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-ctl category NAME-OR-URL [--dir DIR]: the web category of a host name
 * or URL, from the UT1 tree the categories feed unpacks
 * (STATE_DIR/feeds/ut1-categories.d/, see loader/feed_fetch.c), and which
 * entry matched. It loads the tree itself, as utm-inspect does, so it
 * answers whether or not the UTM runs; the maps are only opened to find
 * STATE_DIR when neither --dir nor --state-dir is given.
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/catdb.h"
#include "lib/config.h"
#include "lib/dnsname.h"
#include "lib/ut1.h"
#include "utm-ctl.h"

/* The feed name etc/utm.yaml gives the UT1 categories. */
#define UT1_FEED_DIR "feeds/ut1-categories.d"

/* DIR: --dir, else STATE_DIR/feeds/ut1-categories.d (the running UTM's, else the default). */
static void tree_dir(struct ctl *c, const char *dir, char *buf, size_t len)
{
	char err[512], rt[PATH_MAX];
	const char *state = c->state_dir;

	if (dir) {
		snprintf(buf, len, "%s", dir);
		return;
	}
	if (!state && utm_maps_open(c->pin_root, &c->maps, err, sizeof(err)) == 0) {
		if (ctl_runtime_path(c, 0, rt, sizeof(rt)) == 0)
			state = dirname(rt);
		utm_maps_close(&c->maps);
	}
	snprintf(buf, len, "%s/%s", state ? state : UTM_DEFAULT_STATE_DIR, UT1_FEED_DIR);
}

/* Split "[scheme://][user@]host[:port][/path]" into host and path. */
static void split_url(const char *arg, const char **host, size_t *hostlen, const char **path)
{
	const char *s = strstr(arg, "://"), *end, *at, *colon;

	s = s ? s + 3 : arg;
	end = s + strcspn(s, "/?#");
	at = memchr(s, '@', (size_t)(end - s));
	if (at)
		s = at + 1;
	*path = end;
	/* A port, but not the colons of a bare IPv6 address. */
	colon = memchr(s, ':', (size_t)(end - s));
	if (colon && !memchr(colon + 1, ':', (size_t)(end - colon - 1)))
		end = colon;
	if (*s == '[' && end > s + 1 && end[-1] == ']')
		s++, end--;
	*host = s;
	*hostlen = (size_t)(end - s);
}

static json_t *cat_json(const struct catdb *db, int id)
{
	const struct catdb_category *k = catdb_category(db, id);

	return json_pack("{s:s, s:s, s:s, s:s}", "category", k->name, "name_ja", k->name_ja,
			 "name_en", k->name_en, "description", k->desc_en);
}

static json_t *answer_json(const struct catdb *db, const char *arg, const char *host,
			   const char *path, const struct catdb_match *m, const char *dir)
{
	json_t *o, *also;
	char *entry;
	int i;

	if (m->cat < 0)
		return json_pack("{s:s, s:s, s:n}", "query", arg, "database", dir, "category");
	o = cat_json(db, m->cat);
	json_object_set_new(o, "query", json_string(arg));
	json_object_set_new(o, "database", json_string(dir));
	/* The entry as its list line reads: the host suffix, and the path for a URL. */
	if (asprintf(&entry, "%s%.*s", host + m->host_off, m->is_url ? (int)m->path_len : 0, path) <
	    0)
		entry = NULL;
	json_object_set_new(
		o, "match",
		json_pack("{s:s, s:s?}", "kind", m->is_url ? "url" : "domain", "entry", entry));
	free(entry);
	also = json_array();
	for (i = 1; i < m->ncats; i++)
		json_array_append_new(also, cat_json(db, m->cats[i]));
	json_object_set_new(o, "also", also);
	return o;
}

static void print_text(json_t *o)
{
	json_t *m = json_object_get(o, "match"), *a;
	size_t i;

	if (!m) {
		printf("%s: no category\n", json_string_value(json_object_get(o, "query")));
		return;
	}
	printf("%s: %s (%s / %s)\n", json_string_value(json_object_get(o, "query")),
	       json_string_value(json_object_get(o, "category")),
	       json_string_value(json_object_get(o, "name_ja")),
	       json_string_value(json_object_get(o, "name_en")));
	printf("  matched %s entry %s of %s/%s\n", json_string_value(json_object_get(m, "kind")),
	       json_string_value(json_object_get(m, "entry")),
	       json_string_value(json_object_get(o, "category")),
	       strcmp(json_string_value(json_object_get(m, "kind")), "url") ? "domains" : "urls");
	json_array_foreach(json_object_get(o, "also"), i, a)
		printf("  also listed in %s (%s / %s)\n",
		       json_string_value(json_object_get(a, "category")),
		       json_string_value(json_object_get(a, "name_ja")),
		       json_string_value(json_object_get(a, "name_en")));
}

static void usage(void)
{
	fprintf(stderr, "usage: utm-ctl category NAME-OR-URL [--dir DIR]\n");
}

int cmd_category(struct ctl *c, int argc, char **argv)
{
	const char *arg = NULL, *dir = NULL, *host, *path;
	char tree[PATH_MAX + 32], err[512], lhost[DNSNAME_MAX + 2];
	struct ut1_report rep;
	struct catdb_match m;
	struct catdb *db;
	size_t hostlen;
	json_t *o;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			dir = argv[++i];
		else if (!arg && argv[i][0] != '-')
			arg = argv[i];
		else {
			usage();
			return 2;
		}
	}
	if (!arg) {
		usage();
		return 2;
	}
	split_url(arg, &host, &hostlen, &path);
	if (!hostlen || hostlen > DNSNAME_MAX + 1) {
		fprintf(stderr, "utm-ctl: '%s': no host name\n", arg);
		return 2;
	}
	memcpy(lhost, host, hostlen);
	lhost[hostlen] = '\0';
	tree_dir(c, dir, tree, sizeof(tree));
	db = catdb_new();
	if (!db || ut1_load_dir(db, tree, &rep, err, sizeof(err))) {
		fprintf(stderr, "utm-ctl: %s\n", db ? err : "out of memory");
		if (!dir)
			fprintf(stderr,
				"utm-ctl: is a `kind: categories` feed named ut1-categories "
				"enabled and fetched? Or give --dir DIR\n");
		catdb_free(db);
		return 1;
	}
	if (rep.domains + rep.urls == 0)
		fprintf(stderr, "utm-ctl: warning: %s holds no category entries\n", rep.root);
	catdb_match_url(db, lhost, hostlen, path, strlen(path), &m);
	o = answer_json(db, arg, lhost, path, &m, rep.root);
	if (c->json) {
		char *s = json_dumps(o, JSON_INDENT(2));

		printf("%s\n", s);
		free(s);
	} else {
		print_text(o);
	}
	json_decref(o);
	ut1_report_free(&rep);
	catdb_free(db);
	return 0;
}
