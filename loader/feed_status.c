// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What the feeds thread keeps on disk besides the content: NAME.meta (so
 * that a restart sends conditional requests and knows when the copy was
 * fetched) and status.json (read by `utm-ctl feeds` and the portal), and
 * the feed events of the event log.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "feeds.h"
#include "lib/eve_feed.h"
#include "lib/fileutil.h"
#include "loader.h"

static const char *const state_names[] = {
	[FEED_PENDING] = "pending",	      [FEED_UPDATED] = "updated",
	[FEED_NOT_MODIFIED] = "not-modified", [FEED_FAILED] = "failed",
	[FEED_REFUSED] = "refused",
};

static const char *const kind_names[] = {
	[UTM_LIST_KIND_IP] = "ip",
	[UTM_LIST_KIND_DOMAINS] = "domain",
	[UTM_LIST_KIND_URLS] = "url",
	[UTM_LIST_KIND_IPS_RULES] = "ips-rules",
	[UTM_LIST_KIND_AV_SIGNATURES] = "av-signatures",
	[UTM_LIST_KIND_CATEGORIES] = "categories",
};

static const char *const format_names[] = {
	[UTM_FMT_AUTO] = "auto",
	[UTM_FMT_SPAMHAUS_JSON] = "spamhaus-json",
	[UTM_FMT_ET_IPREP] = "et-iprep",
	[UTM_FMT_URLHAUS_CSV] = "urlhaus-csv",
	[UTM_FMT_CROWDSEC] = "crowdsec",
};

static void meta_path(const struct feeds *F, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s.meta", F->dir, name);
}

static void copy_str(json_t *o, const char *key, char *dst, size_t len)
{
	const char *v = json_string_value(json_object_get(o, key));

	snprintf(dst, len, "%s", v ? v : "");
}

/* A meta file of another URL (the config changed) is ignored: start afresh. */
void feed_meta_load(const struct feeds *F, struct feed *f)
{
	char path[PATH_MAX];
	const char *url;
	json_t *o;

	meta_path(F, f->cfg.name, path, sizeof(path));
	o = json_load_file(path, 0, NULL);
	if (!o)
		return;
	url = json_string_value(json_object_get(o, "url"));
	if (url && !strcmp(url, f->cfg.feed.url)) {
		copy_str(o, "etag", f->etag, sizeof(f->etag));
		copy_str(o, "last_modified", f->last_modified, sizeof(f->last_modified));
		copy_str(o, "sha256", f->sha256, sizeof(f->sha256));
		copy_str(o, "signature", f->signature, sizeof(f->signature));
		f->last_success = json_integer_value(json_object_get(o, "last_success"));
		f->last_change = json_integer_value(json_object_get(o, "last_change"));
	}
	json_decref(o);
}

int feed_meta_save(const struct feeds *F, const struct feed *f)
{
	char path[PATH_MAX], *s;
	json_t *o;
	int rc = -1;

	meta_path(F, f->cfg.name, path, sizeof(path));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I}", "url", f->cfg.feed.url, "etag",
		      f->etag, "last_modified", f->last_modified, "sha256", f->sha256,
		      "signature", f->signature, "last_success", (json_int_t)f->last_success,
		      "last_change", (json_int_t)f->last_change);
	s = o ? json_dumps(o, JSON_INDENT(1)) : NULL;
	if (s)
		rc = file_write_atomic(path, s, strlen(s));
	if (rc)
		log_warn("feed %s: cannot write %s: %s", f->cfg.name, path, strerror(errno));
	free(s);
	json_decref(o);
	return rc;
}

static json_t *time_or_null(time_t t)
{
	return t ? json_integer((json_int_t)t) : json_null();
}

static json_t *feed_json(const struct feed *f)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(f->cfg.name));
	json_object_set_new(o, "url", json_string(f->cfg.feed.url));
	json_object_set_new(o, "kind", json_string(kind_names[f->cfg.kind]));
	json_object_set_new(o, "format", json_string(format_names[f->cfg.feed.format]));
	json_object_set_new(o, "action", json_string(f->cfg.allow ? "allow" : "block"));
	json_object_set_new(o, "refresh_s", json_integer(f->cfg.feed.refresh_s));
	json_object_set_new(o, "state", json_string(state_names[f->state]));
	json_object_set_new(o, "last_attempt", time_or_null(f->last_attempt));
	json_object_set_new(o, "last_success", time_or_null(f->last_success));
	json_object_set_new(o, "last_change", time_or_null(f->last_change));
	json_object_set_new(o, "next_run", time_or_null(f->next_run));
	json_object_set_new(o, "entries", f->entries >= 0 ? json_integer(f->entries) : json_null());
	json_object_set_new(o, "failures", json_integer(f->failures));
	json_object_set_new(o, "http_code", json_integer(f->http_code));
	json_object_set_new(o, "error", f->error[0] ? json_string(f->error) : json_null());
	json_object_set_new(o, "signature",
			    f->signature[0] ? json_string(f->signature) : json_null());
	json_object_set_new(o, "data", json_string(f->cfg.path));
	json_object_set_new(o, "served_request", json_string(f->served));
	return o;
}

void feeds_write_status(struct feeds *F)
{
	json_t *o = json_object(), *arr = json_array();
	char path[PATH_MAX], *s;
	size_t i;

	for (i = 0; i < F->n; i++)
		json_array_append_new(arr, feed_json(&F->f[i]));
	json_object_set_new(o, "written", json_integer((json_int_t)time(NULL)));
	json_object_set_new(o, "feeds", arr);
	snprintf(path, sizeof(path), "%s/status.json", F->dir);
	s = json_dumps(o, JSON_INDENT(1));
	if (!s || file_write_atomic(path, s, strlen(s)))
		log_warn("feeds: cannot write %s: %s", path, strerror(errno));
	free(s);
	json_decref(o);
}

void feeds_event(struct feeds *F, const struct feed *f, const char *action, const char *reason)
{
	struct eve_feed_ctx c = {
		.name = f->cfg.name,
		.url = f->cfg.feed.url,
		.kind = kind_names[f->cfg.kind],
		.action = action,
		.reason = reason,
		.entries = f->entries,
	};
	char line[2048];

	clock_gettime(CLOCK_REALTIME, &c.wall);
	if (eve_format_feed(&c, line, sizeof(line)) > 0)
		events_write_line(F->L, line);
}
