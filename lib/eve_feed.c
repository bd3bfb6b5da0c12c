// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Feed events as EVE JSON (lib/eve_feed.h). */
#include <jansson.h>
#include <string.h>

#include "eve.h"
#include "eve_feed.h"

/* Stars: a refused update means an attack on, or a fault of, the protection itself. */
static int severity_of(const char *action)
{
	if (!strcmp(action, "refused"))
		return 2;
	return 1;
}

static json_t *message(const struct eve_feed_ctx *c)
{
	char en[512], ja[512];
	const char *why = c->reason ? c->reason : "";

	if (!strcmp(c->action, "refused")) {
		snprintf(en, sizeof(en),
			 "The update of threat feed %s was refused and its previous data is kept: %s",
			 c->name, why);
		snprintf(ja, sizeof(ja),
			 "脅威フィード %s の更新を拒否し、以前のデータを引き続き使用しています: %s",
			 c->name, why);
	} else if (!strcmp(c->action, "failed")) {
		snprintf(en, sizeof(en),
			 "Threat feed %s cannot be fetched; protection continues with its last "
			 "good copy: %s", c->name, why);
		snprintf(ja, sizeof(ja),
			 "脅威フィード %s を取得できません。最後に正常だったデータで保護を続けています: %s",
			 c->name, why);
	} else {
		snprintf(en, sizeof(en), "Threat feed %s is being updated again.", c->name);
		snprintf(ja, sizeof(ja), "脅威フィード %s の更新が再開しました。", c->name);
	}
	return json_pack("{s:s, s:s}", "en", en, "ja", ja);
}

int eve_format_feed(const struct eve_feed_ctx *c, char *buf, size_t len)
{
	json_t *o, *feed;
	char ts[64];
	char *s;
	int n = -1;

	if (eve_format_timestamp(c->wall, ts, sizeof(ts)) < 0)
		return -1;
	feed = json_pack("{s:s, s:s, s:s, s:s}", "name", c->name, "url", c->url, "kind", c->kind,
			 "action", c->action);
	if (feed && c->reason)
		json_object_set_new(feed, "reason", json_string(c->reason));
	if (feed && c->entries >= 0)
		json_object_set_new(feed, "entries", json_integer(c->entries));
	o = json_pack("{s:s, s:s, s:o*, s:{s:s, s:i, s:o*}}", "timestamp", ts, "event_type", "feed",
		      "feed", feed, "utm", "function", "feeds", "severity", severity_of(c->action),
		      "message", message(c));
	if (!o)
		return -1;
	s = json_dumps(o, JSON_COMPACT);
	if (s && strlen(s) < len) {
		n = (int)strlen(s);
		memcpy(buf, s, n + 1);
	}
	free(s);
	json_decref(o);
	return n;
}
