// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Web policy records and their window (inspect/engine_web.h). */
#include <stdlib.h>
#include <string.h>

#include "inspect/engine_web.h"
#include "lib/fnv.h"

#define PROBES 8

struct seen_entry {
	uint64_t key; /* hash of device, category and name; 0: free */
	uint64_t at;  /* when it was last reported */
};

struct web_seen {
	struct seen_entry *e;
	size_t mask;
};

struct web_seen *web_seen_new(size_t n)
{
	struct web_seen *w = calloc(1, sizeof(*w));
	size_t cap = 64;

	while (cap < n)
		cap <<= 1;
	if (!w || !(w->e = calloc(cap, sizeof(*w->e)))) {
		free(w);
		return NULL;
	}
	w->mask = cap - 1;
	return w;
}

void web_seen_free(struct web_seen *w)
{
	if (!w)
		return;
	free(w->e);
	free(w);
}

int web_seen_first(struct web_seen *w, const uint8_t dev[16], int cat, const char *name, size_t len,
		   uint64_t now_ns, uint64_t window_ns)
{
	uint64_t k = fnv1a64(fnv1a64(fnv1a64(FNV1A64_INIT, dev, 16), &cat, sizeof(cat)), name, len);
	struct seen_entry *oldest = NULL;
	size_t i;

	k |= 1; /* never 0: 0 marks a free slot */
	for (i = 0; i < PROBES; i++) {
		struct seen_entry *x = &w->e[(k + i) & w->mask];

		if (x->key == k) {
			if (now_ns >= x->at && now_ns - x->at < window_ns)
				return 0;
			x->at = now_ns;
			return 1;
		}
		if (!oldest || !x->key || x->at < oldest->at)
			oldest = x;
		if (!x->key)
			break;
	}
	/* A full neighbourhood forgets its oldest: at worst a repeated event, never a lost one. */
	oldest->key = k;
	oldest->at = now_ns;
	return 1;
}

static const char *const response_names[] = {NULL, "block-page", "reset", "dropped", "nxdomain"};

static const char *reason_name(enum web_source s)
{
	return s == WEB_SRC_DOMAIN_LIST ? "domain-list"
	       : s == WEB_SRC_URL_LIST	? "url-list"
	       : s == WEB_SRC_CATEGORY	? "category"
	       : s == WEB_SRC_POLICY	? "policy"
					: "none";
}

static void set_text(json_t *o, const char *key, const char *s, size_t n)
{
	if (s && n)
		json_object_set_new(o, key,
				    eve_inspect_bytes((struct eve_bytes){(const uint8_t *)s, n}));
}

json_t *web_event(const struct eve_inspect_ctx *c, const struct web_event_info *w)
{
	const struct web_verdict *v = w->v;
	int blocked = v->action == WEB_BLOCK;
	json_t *o = eve_inspect_base(c, "web"), *web = json_object();

	if (!o || !web) {
		json_decref(o);
		json_decref(web);
		return NULL;
	}
	json_object_set_new(web, "action", json_string(blocked ? "blocked" : "logged"));
	json_object_set_new(web, "reason", json_string(reason_name(v->source)));
	json_object_set_new(web, "via", json_string(w->via));
	set_text(web, "hostname", w->host, w->host_len);
	set_text(web, "url", w->url, w->url_len);
	if (v->list)
		json_object_set_new(web, "list", json_string(v->list));
	if (v->category) {
		json_object_set_new(web, "category", json_string(v->category->name));
		json_object_set_new(web, "category_en", json_string(v->category->name_en));
		json_object_set_new(web, "category_ja", json_string(v->category->name_ja));
	}
	if (w->response)
		json_object_set_new(web, "response", json_string(response_names[w->response]));
	json_object_set_new(o, "web", web);
	/* A site on a threat list blocked: ★★; a category seen or blocked by policy: ★. */
	eve_inspect_add_utm(o, c, blocked && v->source != WEB_SRC_CATEGORY ? 2 : 1,
			    v->source == WEB_SRC_CATEGORY ? "web_category" : "site_blocking");
	return o;
}
