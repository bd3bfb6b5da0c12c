// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-ctl: look at and adjust the running UTM through its pinned maps.
 * It works whether or not utm-load is running.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <jansson.h>
#include <linux/if_link.h>

#include "lib/config.h"
#include "utm-ctl.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: utm-ctl [--pin-root DIR] [--json] COMMAND\n"
		     "\n"
		     "  status                 mode, ports, counters, lists\n"
		     "  lists                  the loaded lists with entry and hit counts\n"
		     "  why ADDRESS|NAME       which list entries match, allowlisted or not\n"
		     "  add ADDRESS[/LEN] [--allow]     add a runtime block (or allow) entry\n"
		     "  remove ADDRESS[/LEN] [--allow]  remove a runtime entry\n"
		     "  feeds                  every feed: state, entries, last and next refresh\n"
		     "  feeds update [NAME]    refresh one feed (or all) now and show the result\n"
		     "  category NAME|URL [--dir DIR]  web category (UT1) of a host or URL\n"
		     "  events [--since 1h] [--device MAC|IP] [--function F] [--min-stars N]\n"
		     "         [--grep TEXT] [--limit N] [--db PATH]  the event store, newest first\n"
		     "\n"
		     "  --state-dir DIR        utm-load's state directory (default: the running UTM's)\n");
}

static const char *const dir_names[] = { "none", "inbound", "outbound", "both" };

static json_t *count_json(const struct utm_count *c)
{
	return json_pack("{s:I, s:I}", "packets", (json_int_t)c->packets, "bytes",
			 (json_int_t)c->bytes);
}

/* Field names of struct utm_port_stats, in order. */
static const char *const stat_names[] = { "rx",	       "forwarded", "to_host",
					  "dropped_blocklist", "dropped_malformed",
					  "allowlisted", "malformed", "no_peer",
					  "dns_blocked", "dns_allowlisted",
					  "to_inspector", "dropped_inspector" };

_Static_assert(sizeof(stat_names) / sizeof(stat_names[0]) ==
		       sizeof(struct utm_port_stats) / sizeof(struct utm_count),
	       "stat_names must name every counter of struct utm_port_stats");

static json_t *port_json(struct ctl *c, __u32 ifindex, const struct utm_port *p)
{
	struct utm_port_stats st;
	char name[IF_NAMESIZE] = "?";
	const struct utm_count *cnt = (const struct utm_count *)&st;
	json_t *o, *counters = json_object();
	size_t i;

	if_indextoname(ifindex, name);
	memset(&st, 0, sizeof(st));
	utm_percpu_sum(c->maps.port_stats, p->role, &st, sizeof(st));
	for (i = 0; i < sizeof(stat_names) / sizeof(stat_names[0]); i++)
		json_object_set_new(counters, stat_names[i], count_json(&cnt[i]));
	o = json_pack("{s:s, s:s, s:i, s:s}", "role", p->role == UTM_PORT_WAN ? "wan" : "lan",
		      "name", name, "ifindex", (int)ifindex, "xdp_mode", utm_xdp_mode(ifindex));
	json_object_set_new(o, "counters", counters);
	return o;
}

static json_t *lists_json(struct ctl *c)
{
	json_t *arr = json_array();
	struct utm_list_info info;
	struct utm_count hits;
	__u32 id;

	for (id = 1; id < UTM_MAX_LISTS; id++) {
		if (utm_list_info(&c->maps, id, &info))
			continue;
		memset(&hits, 0, sizeof(hits));
		utm_percpu_sum(c->maps.list_hits, id, &hits, sizeof(hits));
		json_array_append_new(
			arr, json_pack("{s:i, s:s, s:s, s:s, s:s, s:i, s:i, s:I, s:I}", "id", (int)id,
				       "name", info.name, "action", info.allow ? "allow" : "block",
				       "direction", dir_names[info.dir & 3], "source", info.source,
				       "entries", (int)info.entries, "severity", info.severity,
				       "hits", (json_int_t)hits.packets, "loaded_at",
				       (json_int_t)info.loaded_at));
	}
	return arr;
}

static json_t *status_json(struct ctl *c)
{
	json_t *o = json_object(), *ports = json_array();
	struct utm_event_stats es;
	struct utm_port p;
	__u32 key, next, *prev = NULL;

	while (bpf_map_get_next_key(c->maps.port_cfg, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(c->maps.port_cfg, &key, &p) == 0)
			json_array_append_new(ports, port_json(c, key, &p));
	}
	memset(&es, 0, sizeof(es));
	utm_percpu_sum(c->maps.event_stats, 0, &es, sizeof(es));
	json_object_set_new(o, "pin_root", json_string(c->pin_root));
	json_object_set_new(o, "generation", json_integer(utm_live_gen(&c->maps)));
	json_object_set_new(o, "ports", ports);
	json_object_set_new(o, "events",
			    json_pack("{s:I, s:I, s:I, s:I}", "emitted", (json_int_t)es.emitted,
				      "suppressed_source", (json_int_t)es.suppressed_source,
				      "suppressed_global", (json_int_t)es.suppressed_global,
				      "ringbuf_full", (json_int_t)es.ringbuf_full));
	json_object_set_new(o, "lists", lists_json(c));
	return o;
}

static void print_lists_text(json_t *lists)
{
	size_t i;
	json_t *l;

	printf("lists:\n");
	printf("  %3s  %-20s %-6s %-9s %9s %12s  %s\n", "id", "name", "action", "direction",
	       "entries", "hits", "source");
	json_array_foreach(lists, i, l)
	{
		printf("  %3d  %-20s %-6s %-9s %9d %12lld  %s\n",
		       (int)json_integer_value(json_object_get(l, "id")),
		       json_string_value(json_object_get(l, "name")),
		       json_string_value(json_object_get(l, "action")),
		       json_string_value(json_object_get(l, "direction")),
		       (int)json_integer_value(json_object_get(l, "entries")),
		       (long long)json_integer_value(json_object_get(l, "hits")),
		       json_string_value(json_object_get(l, "source")));
	}
}

static void print_status_text(json_t *s)
{
	json_t *ports = json_object_get(s, "ports"), *p, *ev = json_object_get(s, "events");
	size_t i, f;

	printf("UTM bridge, pins under %s, list generation %lld\n",
	       json_string_value(json_object_get(s, "pin_root")),
	       (long long)json_integer_value(json_object_get(s, "generation")));
	json_array_foreach(ports, i, p)
	{
		json_t *cnt = json_object_get(p, "counters");

		printf("port %s: %s (ifindex %lld, %s mode)\n",
		       json_string_value(json_object_get(p, "role")),
		       json_string_value(json_object_get(p, "name")),
		       (long long)json_integer_value(json_object_get(p, "ifindex")),
		       json_string_value(json_object_get(p, "xdp_mode")));
		for (f = 0; f < sizeof(stat_names) / sizeof(stat_names[0]); f++) {
			json_t *x = json_object_get(cnt, stat_names[f]);

			printf("  %-18s %12lld packets %15lld bytes\n", stat_names[f],
			       (long long)json_integer_value(json_object_get(x, "packets")),
			       (long long)json_integer_value(json_object_get(x, "bytes")));
		}
	}
	printf("events: %lld emitted, %lld suppressed (per source), %lld suppressed (global), "
	       "%lld lost (ring buffer full)\n",
	       (long long)json_integer_value(json_object_get(ev, "emitted")),
	       (long long)json_integer_value(json_object_get(ev, "suppressed_source")),
	       (long long)json_integer_value(json_object_get(ev, "suppressed_global")),
	       (long long)json_integer_value(json_object_get(ev, "ringbuf_full")));
	print_lists_text(json_object_get(s, "lists"));
}

static void emit(struct ctl *c, json_t *o, void (*text)(json_t *))
{
	if (c->json) {
		char *s = json_dumps(o, JSON_INDENT(2));

		printf("%s\n", s);
		free(s);
	} else {
		text(o);
	}
	json_decref(o);
}

int cmd_status(struct ctl *c, int argc, char **argv)
{
	emit(c, status_json(c), print_status_text);
	return 0;
}

int cmd_lists(struct ctl *c, int argc, char **argv)
{
	emit(c, lists_json(c), print_lists_text);
	return 0;
}

/* own_maps: the command opens the maps itself, if at all (it works without a UTM). */
static const struct {
	const char *name;
	int (*fn)(struct ctl *c, int argc, char **argv);
	int own_maps;
} commands[] = {
	{ "status", cmd_status, 0 }, { "lists", cmd_lists, 0 },	  { "why", cmd_why, 0 },
	{ "add", cmd_add, 0 },	     { "remove", cmd_remove, 0 }, { "feeds", cmd_feeds, 0 },
	{ "category", cmd_category, 1 },  { "events", cmd_events, 1 },
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pin-root", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl c = { .pin_root = UTM_DEFAULT_PIN_ROOT };
	char err[512];
	size_t i;
	int o, rc;

	while ((o = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (o == 'p')
			c.pin_root = optarg;
		else if (o == 'j')
			c.json = 1;
		else if (o == 's')
			c.state_dir = optarg;
		else {
			usage(o == 'h' ? stdout : stderr);
			return o == 'h' ? 0 : 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name))
			continue;
		if (commands[i].own_maps)
			return commands[i].fn(&c, argc - optind, argv + optind);
		if (utm_maps_open(c.pin_root, &c.maps, err, sizeof(err))) {
			fprintf(stderr, "utm-ctl: %s\n", err);
			return 1;
		}
		rc = commands[i].fn(&c, argc - optind, argv + optind);
		utm_maps_close(&c.maps);
		return rc;
	}
	fprintf(stderr, "utm-ctl: unknown command '%s'\n", argv[optind]);
	usage(stderr);
	return 2;
}
