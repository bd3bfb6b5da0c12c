// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-ctl events: the event store (lib/evstore.h) that utm-eventd fills,
 * newest first, one line per event or one JSON object per line. It opens
 * the store read-only and needs no running UTM; the maps are only opened
 * to find STATE_DIR when neither --db nor --state-dir is given.
 */
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/config.h"
#include "lib/evstore.h"
#include "utm-ctl.h"

#define DEFAULT_LIMIT 100

static void usage(FILE *out)
{
	fprintf(out,
		"usage: utm-ctl events [--since DURATION | --from TIME --to TIME]\n"
		"         [--device MAC|IP] [--function F] [--min-stars N] [--grep TEXT]\n"
		"         [--limit N] [--offset N] [--json] [--db PATH]\n"
		"  DURATION: 90s, 15m, 6h, 2d, 1w; TIME: 2026-11-29, 2026-11-29T20:00:00\n"
		"  (UTC unless it ends with Z or +hh:mm); --limit 0: all (default %d)\n",
		DEFAULT_LIMIT);
}

/* "90s", "15m", "6h", "2d", "1w" or seconds. -1 when not one. */
static long long duration_s(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (end == s || v < 0)
		return -1;
	switch (*end) {
	case '\0':
	case 's':
		break;
	case 'm':
		v *= 60;
		break;
	case 'h':
		v *= 3600;
		break;
	case 'd':
		v *= 86400;
		break;
	case 'w':
		v *= 7 * 86400;
		break;
	default:
		return -1;
	}
	return *end && end[1] ? -1 : v;
}

/* A date, or a date and time without a zone (UTC), or a full ISO 8601 time. */
static int time_arg(const char *s, int64_t *us)
{
	char buf[64];

	if (evstore_parse_time(s, us) == 0)
		return 0;
	if (strlen(s) == 10)
		snprintf(buf, sizeof(buf), "%sT00:00:00Z", s);
	else
		snprintf(buf, sizeof(buf), "%sZ", s);
	return evstore_parse_time(buf, us);
}

/* The store: --db, else STATE_DIR/events.db (--state-dir, the running UTM's, the default). */
static void db_path(struct ctl *c, const char *db, char *buf, size_t len)
{
	char err[512], rt[PATH_MAX];
	const char *state = c->state_dir;

	if (db) {
		snprintf(buf, len, "%s", db);
		return;
	}
	if (!state && utm_maps_open(c->pin_root, &c->maps, err, sizeof(err)) == 0) {
		if (ctl_runtime_path(c, 0, rt, sizeof(rt)) == 0)
			state = dirname(rt);
		utm_maps_close(&c->maps);
	}
	snprintf(buf, len, "%s/events.db", state ? state : UTM_DEFAULT_STATE_DIR);
}

static json_t *row_json(const struct evstore_row *r)
{
	json_t *o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)r->id, "timestamp", r->ts,
			      "event_type", r->event_type);
	json_t *raw = json_loadb(r->raw, r->raw_len, 0, NULL);

	json_object_set_new(o, "function", r->function[0] ? json_string(r->function) : json_null());
	json_object_set_new(o, "severity", r->severity ? json_integer(r->severity) : json_null());
	json_object_set_new(o, "src_ip", r->src_ip[0] ? json_string(r->src_ip) : json_null());
	json_object_set_new(o, "dest_ip", r->dest_ip[0] ? json_string(r->dest_ip) : json_null());
	json_object_set_new(o, "device",
			    json_pack("{s:o, s:o}", "mac",
				      r->device_mac[0] ? json_string(r->device_mac) : json_null(),
				      "ip",
				      r->device_ip[0] ? json_string(r->device_ip) : json_null()));
	if (r->has_flow_id)
		json_object_set_new(o, "flow_id", json_integer(r->flow_id));
	json_object_set_new(o, "summary", json_string(r->summary));
	/* The line itself, so that jq sees the whole EVE record. */
	json_object_set_new(o, "event", raw ? raw : json_stringn(r->raw, r->raw_len));
	return o;
}

static int print_json(const struct evstore_row *r, void *ctx)
{
	json_t *o = row_json(r);
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

	if (s)
		printf("%s\n", s);
	free(s);
	json_decref(o);
	return 0;
}

static int print_text(const struct evstore_row *r, void *ctx)
{
	static const char *const stars[] = {"-  ", "★  ", "★★ ", "★★★"};
	time_t t = (time_t)(r->ts_us / 1000000);
	char when[32], dev[96];
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(dev, sizeof(dev), "%s%s%s", r->device_mac,
		 r->device_mac[0] && r->device_ip[0] ? " " : "", r->device_ip);
	printf("%s  %s  %-14s %-36s %s\n", when, stars[r->severity],
	       r->function[0] ? r->function : r->event_type, dev[0] ? dev : "-", r->summary);
	return 0;
}

int cmd_events(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"since", required_argument, NULL, 'S'},
		{"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},
		{"device", required_argument, NULL, 'd'},
		{"function", required_argument, NULL, 'F'},
		{"min-stars", required_argument, NULL, 'm'},
		{"grep", required_argument, NULL, 'g'},
		{"limit", required_argument, NULL, 'l'},
		{"offset", required_argument, NULL, 'o'},
		{"json", no_argument, NULL, 'j'},
		{"db", required_argument, NULL, 'D'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct evstore_filter f = {.limit = DEFAULT_LIMIT};
	const char *db = NULL;
	char path[PATH_MAX], err[PATH_MAX + 256], *end;
	struct evstore *s;
	long long since = -1;
	int o, rc;

	optind = 1;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'S':
			since = duration_s(optarg);
			if (since < 0)
				goto bad;
			break;
		case 'f':
			if (time_arg(optarg, &f.from_us))
				goto bad;
			break;
		case 't':
			if (time_arg(optarg, &f.to_us))
				goto bad;
			break;
		case 'd':
			f.device = optarg;
			break;
		case 'F':
			f.function = optarg;
			break;
		case 'm':
			f.min_severity = (int)strtol(optarg, &end, 10);
			if (*end || f.min_severity < 1 || f.min_severity > 3)
				goto bad;
			break;
		case 'g':
			f.text = optarg;
			break;
		case 'l':
		case 'o':
			*(o == 'l' ? &f.limit : &f.offset) = strtol(optarg, &end, 10);
			if (*end || f.limit < 0 || f.offset < 0)
				goto bad;
			break;
		case 'j':
			c->json = 1;
			break;
		case 'D':
			db = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc || (since >= 0 && (f.from_us || f.to_us))) {
		usage(stderr);
		return 2;
	}
	if (since >= 0)
		f.from_us = ((int64_t)time(NULL) - since) * 1000000;
	db_path(c, db, path, sizeof(path));
	s = evstore_open(path, EVSTORE_RDONLY, err, sizeof(err));
	if (!s) {
		fprintf(stderr, "utm-ctl: event store %s (is utm-eventd running?)\n", err);
		return 1;
	}
	rc = evstore_query(s, &f, c->json ? print_json : print_text, NULL);
	if (rc)
		fprintf(stderr, "utm-ctl: %s\n", evstore_errmsg(s));
	evstore_close(s);
	return rc ? 1 : 0;
bad:
	fprintf(stderr, "utm-ctl events: bad value '%s'\n", optarg);
	usage(stderr);
	return 2;
}
