// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Application detection in the engine (inspect/engine_app.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/engine_app.h"

/* nDPI's numbers are small: protocols < 1024, categories < 256 (4.2: 282 and 40). */
#define MAX_APP_IDS 1024
#define MAX_CAT_IDS 256

struct engine_apps {
	struct appid *a;
	uint8_t app_block[MAX_APP_IDS];
	uint8_t cat_action[MAX_CAT_IDS]; /* enum web_action */
};

static int resolve(struct engine_apps *ea, const char (*names)[APPID_NAME_MAX], size_t n, int apps,
		   enum web_action act, char *why, size_t whylen)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int id = apps ? appid_app_lookup(ea->a, names[i], why, whylen)
			      : appid_category_lookup(ea->a, names[i], why, whylen);

		if (id < 0)
			return -1;
		if (apps && id < MAX_APP_IDS)
			ea->app_block[id] = 1;
		else if (!apps && id < MAX_CAT_IDS && act > ea->cat_action[id])
			ea->cat_action[id] = (uint8_t)act; /* block wins over log */
	}
	return 0;
}

struct engine_apps *engine_apps_new(const struct app_policy_names *n, char *why, size_t whylen)
{
	struct engine_apps *ea = calloc(1, sizeof(*ea));

	if (!ea) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	ea->a = appid_new(why, whylen);
	if (!ea->a ||
	    resolve(ea, n->log_categories, n->n_log_categories, 0, WEB_LOG, why, whylen) ||
	    resolve(ea, n->block_categories, n->n_block_categories, 0, WEB_BLOCK, why, whylen) ||
	    resolve(ea, n->block_apps, n->n_block_apps, 1, WEB_BLOCK, why, whylen)) {
		engine_apps_free(ea);
		return NULL;
	}
	return ea;
}

void engine_apps_free(struct engine_apps *ea)
{
	if (!ea)
		return;
	appid_free(ea->a);
	free(ea);
}

/* The IP header's offset: after the Ethernet header and any VLAN tags. */
static size_t l3_offset(const uint8_t *frame, size_t len)
{
	size_t l3 = 14;

	while (l3 + 4 <= len && l3 < 22 && (frame[l3 - 2] == 0x81 || frame[l3 - 2] == 0x88))
		l3 += 4;
	return l3;
}

int engine_apps_feed(struct engine_apps *ea, struct app_state *s, const uint8_t *frame, size_t len,
		     uint64_t ts_ns, int to_server)
{
	size_t l3 = l3_offset(frame, len);

	if (s->done || l3 >= len)
		return 0;
	if (!s->af && !(s->af = appid_flow_new(ea->a))) {
		s->done = 1; /* no memory: this flow goes unclassified */
		return 0;
	}
	if (!appid_feed(ea->a, s->af, frame + l3, len - l3, ts_ns / 1000000u, to_server, &s->r))
		return 0;
	s->done = 1;
	appid_flow_free(s->af);
	s->af = NULL;
	return 1;
}

void engine_apps_end(struct engine_apps *ea, struct app_state *s)
{
	if (!s->af)
		return;
	appid_giveup(ea->a, s->af, &s->r);
	s->done = 1;
	appid_flow_free(s->af);
	s->af = NULL;
}

enum web_action engine_apps_action(const struct engine_apps *ea, const struct appid_result *r)
{
	enum web_action a = WEB_PASS;

	if (r->app_id < MAX_APP_IDS && ea->app_block[r->app_id])
		return WEB_BLOCK;
	if (r->master_id < MAX_APP_IDS && ea->app_block[r->master_id])
		return WEB_BLOCK;
	if (r->category_id >= 0 && r->category_id < MAX_CAT_IDS)
		a = (enum web_action)ea->cat_action[r->category_id];
	return a;
}

void app_event_add_counts(json_t *o, const uint64_t pkts[2], const uint64_t bytes[2],
			  uint64_t age_s)
{
	json_t *app = o ? json_object_get(o, "app") : NULL;

	if (!app)
		return;
	json_object_set_new(app, "flow",
			    json_pack("{s:I, s:I, s:I, s:I, s:I}", "pkts_toserver",
				      (json_int_t)pkts[0], "pkts_toclient", (json_int_t)pkts[1],
				      "bytes_toserver", (json_int_t)bytes[0], "bytes_toclient",
				      (json_int_t)bytes[1], "age", (json_int_t)age_s));
}

json_t *app_event(const struct eve_inspect_ctx *c, const struct appid_result *r,
		  enum web_action action, int tcp)
{
	json_t *o = eve_inspect_base(c, "app");
	json_t *app = json_pack("{s:s, s:s, s:b, s:s}", "name", r->app, "category", r->category,
				"confident", r->confident, "action",
				action == WEB_BLOCK ? "blocked" : "logged");

	if (!o || !app) {
		json_decref(o);
		json_decref(app);
		return NULL;
	}
	if (r->master[0])
		json_object_set_new(app, "master", json_string(r->master));
	if (action == WEB_BLOCK)
		json_object_set_new(app, "response", json_string(tcp ? "reset" : "dropped"));
	json_object_set_new(o, "app", app);
	eve_inspect_add_utm(o, c, 1, "app_detection");
	return o;
}
