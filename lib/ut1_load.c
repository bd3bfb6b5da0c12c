// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The I/O edge of the UT1 parsers: walk a category tree into a catdb (see
 * ut1_load_dir in ut1.h). Every file of a category is read before any of
 * it is added, so a category is loaded whole or skipped whole.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/fileutil.h"
#include "lib/ut1.h"

/* Files of one category: domains and urls, at most this many of each. */
#define MAX_FILES 8

struct catinfos {
	struct ut1_catinfo *v;
	size_t n, cap;
	unsigned long bad;
};

static int keep_info(const struct ut1_catinfo *c, void *ctx)
{
	struct catinfos *ci = ctx;

	if (ci->n == ci->cap) {
		size_t cap = ci->cap ? ci->cap * 2 : 64;
		struct ut1_catinfo *v = realloc(ci->v, cap * sizeof(*v));

		if (!v)
			return -1;
		ci->v = v;
		ci->cap = cap;
	}
	ci->v[ci->n++] = *c;
	return 0;
}

static void count_bad(unsigned int line, const char *why, void *ctx)
{
	((struct catinfos *)ctx)->bad++;
}

static const struct ut1_catinfo *info_of(const struct catinfos *ci, const char *name)
{
	size_t i;

	for (i = 0; i < ci->n; i++)
		if (!strcmp(ci->v[i].name, name))
			return &ci->v[i];
	return NULL;
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

struct catfile {
	char name[NAME_MAX + 1];
	enum ut1_kind kind;
	char *buf;
	size_t len;
};

struct adder {
	struct catdb *db;
	uint8_t id;
	enum ut1_kind kind;
	int oom;
};

static int add_entry(const struct ut1_entry *e, unsigned int line, void *ctx)
{
	struct adder *a = ctx;
	int rc = a->kind == UT1_URLS ? catdb_add_url(a->db, e->text, e->len, a->id)
				     : catdb_add_domain(a->db, e->host, e->hostlen, a->id);

	if (rc) {
		a->oom = 1;
		return -1;
	}
	return 0;
}

/* The domains and urls files of a category directory; -1 when one is unreadable. */
static int read_files(const char *path, struct catfile *f, int *nf, char *why, size_t whylen)
{
	char fp[PATH_MAX + NAME_MAX + 2];
	struct dirent **ents;
	int n, i;

	*nf = 0;
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		int domains = !strcmp(name, "domains") || ends_with(name, "domains.list");

		if ((domains || !strcmp(name, "urls")) && *nf < MAX_FILES) {
			struct catfile *c = &f[(*nf)++];

			snprintf(c->name, sizeof(c->name), "%s", name);
			c->kind = domains ? UT1_DOMAINS : UT1_URLS;
			snprintf(fp, sizeof(fp), "%s/%s", path, name);
			c->buf = file_read_all(fp, &c->len);
			if (!c->buf && why[0] == '\0')
				snprintf(why, whylen, "%s: %s", fp, strerror(errno));
		}
		free(ents[i]);
	}
	free(ents);
	return why[0] ? -1 : 0;
}

static void free_files(struct catfile *f, int nf)
{
	while (nf--)
		free(f[nf].buf);
}

/* Parse one category's files into db; -1 only when memory runs out. */
static int load_category(struct catdb *db, const char *root, const struct catinfos *ci,
			 struct ut1_cat_report *r)
{
	const struct ut1_catinfo *info = info_of(ci, r->name);
	char path[PATH_MAX], why[256] = "";
	struct catfile f[MAX_FILES];
	struct ut1_list_stats st;
	struct adder a = {.db = db};
	int nf, i, id;

	r->id = -1;
	snprintf(path, sizeof(path), "%s/%s", root, r->name);
	if (read_files(path, f, &nf, why, sizeof(why))) {
		snprintf(r->skipped, sizeof(r->skipped), "%s", why);
		free_files(f, nf);
		return 0;
	}
	if (!nf) {
		snprintf(r->skipped, sizeof(r->skipped), "no domains or urls file");
		return 0;
	}
	id = catdb_add_category(db, r->name, info ? info->name_en : NULL,
				info ? info->desc_en : NULL, info ? info->desc_fr : NULL,
				info ? info->default_type : NULL);
	if (id < 0) {
		snprintf(r->skipped, sizeof(r->skipped), "more than %d categories", CATDB_MAX_CATS);
		free_files(f, nf);
		return 0;
	}
	r->id = id;
	a.id = (uint8_t)id;
	for (i = 0; i < nf && !a.oom; i++) {
		a.kind = f[i].kind;
		ut1_parse_list(f[i].buf, f[i].len, f[i].kind, add_entry, NULL, &a, &st);
		if (f[i].kind == UT1_DOMAINS)
			r->domains += st.entries;
		else
			r->urls += st.entries;
		r->bad += st.bad;
		if (st.bad && !r->first_bad[0])
			snprintf(r->first_bad, sizeof(r->first_bad), "%s/%s:%u: %s", r->name,
				 f[i].name, st.first_bad_line, st.first_bad_why);
	}
	free_files(f, nf);
	return a.oom ? -1 : 0;
}

static int fail(char *err, size_t errlen, const char *what, const char *path)
{
	snprintf(err, errlen, "%s%s%s: %s", what, *what ? " " : "", path, strerror(errno));
	return -1;
}

int ut1_load_dir(struct catdb *db, const char *dir, struct ut1_report *rep, char *err,
		 size_t errlen)
{
	struct catinfos ci = {0};
	char path[PATH_MAX + 32];
	struct dirent **ents;
	struct stat st;
	size_t len;
	char *buf;
	int n, i, rc = 0;

	memset(rep, 0, sizeof(*rep));
	snprintf(path, sizeof(path), "%s/blacklists", dir);
	snprintf(rep->root, sizeof(rep->root), "%s", is_dir(path) ? path : dir);
	if (stat(rep->root, &st))
		return fail(err, errlen, "UT1 category directory", rep->root);
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return fail(err, errlen, "UT1 category directory", rep->root);
	}
	/* The catalogue is optional: without it a category is known by its short name. */
	snprintf(path, sizeof(path), "%s/global_usage", rep->root);
	buf = file_read_all(path, &len);
	if (buf) {
		rep->global_usage = 1;
		rc = ut1_parse_global_usage(buf, len, keep_info, count_bad, &ci);
		rep->global_bad = ci.bad;
		free(buf);
		if (rc) {
			free(ci.v);
			errno = ENOMEM;
			return fail(err, errlen, "reading", path);
		}
	}
	n = scandir(rep->root, &ents, NULL, alphasort);
	if (n < 0) {
		free(ci.v);
		return fail(err, errlen, "UT1 category directory", rep->root);
	}
	rep->cats = calloc((size_t)n + 1, sizeof(*rep->cats));
	for (i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		struct ut1_cat_report *r;

		snprintf(path, sizeof(path), "%s/%s", rep->root, name);
		if (!rc && rep->cats && name[0] != '.' && strlen(name) < CATDB_NAME_MAX &&
		    is_dir(path)) {
			r = &rep->cats[rep->ncats++];
			snprintf(r->name, sizeof(r->name), "%s", name);
			rc = load_category(db, rep->root, &ci, r);
			rep->skipped += r->id < 0;
			rep->domains += r->domains;
			rep->urls += r->urls;
			rep->bad += r->bad;
		}
		free(ents[i]);
	}
	free(ents);
	free(ci.v);
	if (!rep->cats || rc) {
		errno = ENOMEM;
		return fail(err, errlen, "loading", rep->root);
	}
	return 0;
}

void ut1_report_free(struct ut1_report *rep)
{
	free(rep->cats);
	rep->cats = NULL;
	rep->ncats = 0;
}
