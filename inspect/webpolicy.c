// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The web policy (inspect/webpolicy.h). */
#include <string.h>

#include "inspect/webpolicy.h"

/* Lookup in db: the request's URL when there is a path, else the name alone. */
static int lookup(const struct catdb *db, const char *host, size_t hostlen, const char *path,
		  size_t pathlen, int *is_url)
{
	struct catdb_match m;
	int cat;

	*is_url = 0;
	if (!db)
		return -1;
	if (!path)
		return catdb_match_host(db, host, hostlen, &m);
	cat = catdb_lookup_url(db, host, hostlen, path, pathlen);
	if (cat >= 0 && catdb_match_host(db, host, hostlen, &m) != cat)
		*is_url = 1; /* the host alone does not give it: a URL entry did */
	return cat;
}

static void check(const struct webpolicy *p, const char *host, size_t hostlen, const char *path,
		  size_t pathlen, struct web_verdict *v)
{
	const struct sitelists *s = p->sites;
	int is_url, cat;

	memset(v, 0, sizeof(*v));
	v->cat = lookup(p->cats, host, hostlen, path, pathlen, &is_url);
	v->category = v->cat >= 0 ? catdb_category(p->cats, v->cat) : NULL;
	if (s && lookup(s->allow, host, hostlen, path, pathlen, &is_url) >= 0) {
		v->allowed = 1;
		return;
	}
	cat = s ? lookup(s->block, host, hostlen, path, pathlen, &is_url) : -1;
	if (cat >= 0) {
		const struct catdb_category *list = catdb_category(s->block, cat);

		v->action = WEB_BLOCK;
		v->source = is_url ? WEB_SRC_URL_LIST : WEB_SRC_DOMAIN_LIST;
		v->list = list ? list->name : NULL;
		return;
	}
	if (v->cat >= 0 && p->cat_action[v->cat] != WEB_PASS) {
		v->action = (enum web_action)p->cat_action[v->cat];
		v->source = WEB_SRC_CATEGORY;
	}
}

void web_check_request(const struct webpolicy *p, const char *host, size_t hostlen,
		       const char *path, size_t pathlen, struct web_verdict *v)
{
	check(p, host, hostlen, path ? path : "", path ? pathlen : 0, v);
}

void web_check_name(const struct webpolicy *p, const char *name, size_t len, struct web_verdict *v)
{
	check(p, name, len, NULL, 0, v);
}

int webpolicy_set_category(struct webpolicy *p, const char *name, enum web_action a)
{
	int cat = p->cats ? catdb_find_category(p->cats, name) : -1;

	if (cat < 0)
		return -1;
	if (a > p->cat_action[cat])
		p->cat_action[cat] = (uint8_t)a; /* block wins over log */
	return 0;
}
