/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Application detection's side of the engine (inspect/engine.c feeds it
 * the first frames of every flow): one nDPI module per engine (per worker:
 * nDPI is not shared between threads), the policy by application and
 * category name resolved to nDPI's numbers, and the "app" EVE record.
 */
#ifndef UTM_INSPECT_ENGINE_APP_H
#define UTM_INSPECT_ENGINE_APP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect/appid.h"
#include "inspect/eve_inspect.h"
#include "inspect/webpolicy.h"

/* The names of the policy (nDPI's), as configured. */
struct app_policy_names {
	const char (*log_categories)[APPID_NAME_MAX];
	size_t n_log_categories;
	const char (*block_apps)[APPID_NAME_MAX];
	size_t n_block_apps;
	const char (*block_categories)[APPID_NAME_MAX];
	size_t n_block_categories;
};

struct engine_apps;

/* A module and the policy; NULL with why (nDPI refused, an unknown name, no memory). */
struct engine_apps *engine_apps_new(const struct app_policy_names *n, char *why, size_t whylen);
void engine_apps_free(struct engine_apps *ea);

/* A flow's detection. Zeroed: not started. */
struct app_state {
	struct appid_flow *af;
	int done; /* classified (or given up): nothing more to feed */
	struct appid_result r;
};

/*
 * Feed one frame (Ethernet) of the flow; 1 when the classification became
 * final with it (s->r filled), 0 otherwise.
 */
int engine_apps_feed(struct engine_apps *ea, struct app_state *s, const uint8_t *frame, size_t len,
		     uint64_t ts_ns, int to_server);

/* The flow ends unclassified: nDPI's best guess into s->r (when it was fed at all). */
void engine_apps_end(struct engine_apps *ea, struct app_state *s);

/* What the policy says of a result: WEB_BLOCK, WEB_LOG or WEB_PASS. */
enum web_action engine_apps_action(const struct engine_apps *ea, const struct appid_result *r);

/* The counters of a flow's app record (pkts and bytes by enum flow_dir), its age. */
void app_event_add_counts(json_t *o, const uint64_t pkts[2], const uint64_t bytes[2],
			  uint64_t age_s);

/* The "app" EVE record (NULL when out of memory). */
json_t *app_event(const struct eve_inspect_ctx *c, const struct appid_result *r,
		  enum web_action action, int tcp);

#endif /* UTM_INSPECT_ENGINE_APP_H */
