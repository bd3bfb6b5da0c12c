// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-ctl feeds: the state of every feed (STATE_DIR/feeds/status.json,
 * written by utm-load's feeds thread), and `feeds update [NAME]`, which
 * asks for a refresh now by dropping NAME.update next to it and waits
 * until the feed has been tried.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/config.h"
#include "lib/fileutil.h"
#include "utm-ctl.h"

/* How long `feeds update` waits for the refresh, at most. */
#define UPDATE_WAIT_S 300

/* STATE_DIR: --state-dir, else the directory of the running UTM's runtime list. */
static int state_dir(struct ctl *c, char *buf, size_t len)
{
	char rt[PATH_MAX];

	if (c->state_dir) {
		snprintf(buf, len, "%s", c->state_dir);
		return 0;
	}
	if (ctl_runtime_path(c, 0, rt, sizeof(rt)))
		return -1;
	snprintf(buf, len, "%s", dirname(rt));
	return 0;
}

static json_t *load_status(struct ctl *c, int quiet)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	json_error_t e;
	json_t *o;

	if (state_dir(c, dir, sizeof(dir)))
		return NULL;
	snprintf(path, sizeof(path), "%s/feeds/status.json", dir);
	o = json_load_file(path, 0, &e);
	if (!o && !quiet)
		fprintf(stderr, "utm-ctl: %s: %s (is utm-load running with feeds?)\n", path,
			e.text);
	return o;
}

static json_t *find_feed(json_t *status, const char *name)
{
	json_t *f;
	size_t i;

	json_array_foreach(json_object_get(status, "feeds"), i, f)
		if (!strcmp(json_string_value(json_object_get(f, "name")), name))
			return f;
	return NULL;
}

void ctl_add_feed_url(struct ctl *c, json_t *o, const char *list)
{
	json_t *status = load_status(c, 1), *f;

	f = status ? find_feed(status, list) : NULL;
	if (f)
		json_object_set(o, "feed", json_object_get(f, "url"));
	json_decref(status);
}

void ctl_print_match(const char *indent, const char *what, json_t *m)
{
	const char *feed = json_string_value(json_object_get(m, "feed"));

	printf("%s%s entry %s from list %s (%s)\n", indent, what,
	       json_string_value(json_object_get(m, "entry")),
	       json_string_value(json_object_get(m, "list")),
	       json_string_value(json_object_get(m, "source")));
	if (feed)
		printf("%s  feed %s\n", indent, feed);
}

/* "2026-11-29 22:13" local time, "-" for none; "in 5m" style for the future. */
static const char *when(json_t *v, char *buf, size_t len)
{
	time_t t = (time_t)json_integer_value(v), now = time(NULL);
	struct tm tm;

	if (!json_is_integer(v) || !t)
		return "-";
	if (t > now) {
		long d = (long)(t - now);

		if (d < 120)
			snprintf(buf, len, "in %lds", d);
		else if (d < 7200)
			snprintf(buf, len, "in %ldm", d / 60);
		else
			snprintf(buf, len, "in %ldh", d / 3600);
		return buf;
	}
	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

static void print_feed(json_t *f)
{
	char a[32], s[32], n[32], e[24] = "-";
	json_t *entries = json_object_get(f, "entries");
	const char *err = json_string_value(json_object_get(f, "error"));
	const char *sig = json_string_value(json_object_get(f, "signature"));

	if (json_is_integer(entries))
		snprintf(e, sizeof(e), "%lld", (long long)json_integer_value(entries));
	printf("%-20s %-12s %8s  %-19s  %-19s  %s\n", json_string_value(json_object_get(f, "name")),
	       json_string_value(json_object_get(f, "state")), e,
	       when(json_object_get(f, "last_attempt"), a, sizeof(a)),
	       when(json_object_get(f, "last_success"), s, sizeof(s)),
	       when(json_object_get(f, "next_run"), n, sizeof(n)));
	printf("    %s (%s, %s)\n", json_string_value(json_object_get(f, "url")),
	       json_string_value(json_object_get(f, "kind")),
	       json_string_value(json_object_get(f, "format")));
	if (sig)
		printf("    signature %s\n", sig);
	if (err)
		printf("    error: %s\n", err);
}

static int show(struct ctl *c)
{
	json_t *status = load_status(c, 0), *f;
	size_t i;

	if (!status)
		return 1;
	if (c->json) {
		char *s = json_dumps(status, JSON_INDENT(2));

		printf("%s\n", s);
		free(s);
	} else {
		printf("%-20s %-12s %8s  %-19s  %-19s  %s\n", "FEED", "STATE", "ENTRIES", "LAST ATTEMPT",
		       "LAST SUCCESS", "NEXT");
		json_array_foreach(json_object_get(status, "feeds"), i, f)
			print_feed(f);
	}
	json_decref(status);
	return 0;
}

/* The token of the last request feed name served, "" when none. */
static int served(struct ctl *c, const char *name, const char *token)
{
	json_t *status = load_status(c, 1), *f;
	const char *t;
	int done = 0;

	f = status ? find_feed(status, name) : NULL;
	t = f ? json_string_value(json_object_get(f, "served_request")) : NULL;
	done = t && !strcmp(t, token);
	json_decref(status);
	return done;
}

/* Wait until every feed in names has served the request token; 0 when all did. */
static int wait_served(struct ctl *c, json_t *names, const char *token)
{
	time_t deadline = time(NULL) + UPDATE_WAIT_S;
	size_t i, done = 0;
	json_t *n;

	while (time(NULL) < deadline) {
		done = 0;
		json_array_foreach(names, i, n)
			done += served(c, json_string_value(n), token);
		if (done == json_array_size(names))
			return 0;
		usleep(200 * 1000);
	}
	return -1;
}

/* Exit status 0 when every named feed is current now. */
static int report(struct ctl *c, json_t *names)
{
	json_t *status = load_status(c, 0), *n;
	int bad = 0;
	size_t i;

	json_array_foreach(names, i, n) {
		json_t *f = status ? find_feed(status, json_string_value(n)) : NULL;
		const char *state = f ? json_string_value(json_object_get(f, "state")) : "?";

		if (!c->json && f)
			print_feed(f);
		bad |= strcmp(state, "updated") && strcmp(state, "not-modified");
	}
	if (c->json && status) {
		char *s = json_dumps(status, JSON_INDENT(2));

		printf("%s\n", s);
		free(s);
	}
	json_decref(status);
	return bad;
}

static int update(struct ctl *c, const char *name)
{
	json_t *status = load_status(c, 0), *names = json_array(), *f;
	char dir[PATH_MAX], path[PATH_MAX + 64], token[64];
	struct timespec now;
	size_t i;
	int rc;

	if (!status || state_dir(c, dir, sizeof(dir)))
		return 1;
	json_array_foreach(json_object_get(status, "feeds"), i, f)
		if (!name || !strcmp(json_string_value(json_object_get(f, "name")), name))
			json_array_append(names, json_object_get(f, "name"));
	json_decref(status);
	if (!json_array_size(names)) {
		fprintf(stderr, "utm-ctl: no feed named '%s'\n", name ? name : "");
		json_decref(names);
		return 2;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	snprintf(token, sizeof(token), "%d-%lld.%09ld", (int)getpid(), (long long)now.tv_sec,
		 now.tv_nsec);
	snprintf(path, sizeof(path), "%s/feeds/%s.update", dir, name ? name : "all");
	if (file_write_atomic(path, token, strlen(token))) {
		fprintf(stderr, "utm-ctl: %s: %s\n", path, strerror(errno));
		json_decref(names);
		return 1;
	}
	rc = wait_served(c, names, token);
	if (rc)
		fprintf(stderr, "utm-ctl: feeds not tried within %ds (is utm-load running?)\n",
			UPDATE_WAIT_S);
	else
		rc = report(c, names) ? 1 : 0;
	json_decref(names);
	return rc;
}

int cmd_feeds(struct ctl *c, int argc, char **argv)
{
	if (argc == 1)
		return show(c);
	if (!strcmp(argv[1], "update") && argc <= 3)
		return update(c, argc == 3 ? argv[2] : NULL);
	fprintf(stderr, "usage: utm-ctl feeds [update [NAME]]\n");
	return 2;
}
