// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-ctl why NAME: which domain list entry the DNS guard would apply to a
 * name, looked up in the live map exactly as the XDP program does: the name
 * and each parent, the name matching "name" entries, a parent "subdomain"
 * entries, the most specific block, and any allow winning.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <jansson.h>

#include "lib/config.h"
#include "lib/dnsname.h"
#include "lib/domlist.h"
#include "lib/fileutil.h"
#include "lib/listparse.h"
#include "utm-ctl.h"

struct find_entry {
	const char *name;
	int allow;
	unsigned int line;
};

static int on_dom(const struct dom_entry *e, unsigned int line, void *arg)
{
	struct find_entry *f = arg;

	if (!f->line && e->allow == f->allow && strcmp(e->name, f->name) == 0)
		f->line = line;
	return 0;
}

/* The line of a domain list that holds entry name, or 0. */
static unsigned int domain_line(const struct utm_list_info *info, const char *name, int allow)
{
	struct find_entry f = { .name = name, .allow = allow && !info->allow };
	struct domlist_error err;
	size_t len = 0;
	char *buf = file_read_all(info->source, &len);

	if (buf)
		listparse_domains(buf, len, info->format, DOMLIST_SKIP_BAD,
				  info->kind == UTM_LIST_KIND_URLS, on_dom, &f, &err);
	free(buf);
	return f.line;
}

static json_t *hit_json(struct ctl *c, const char *name, const struct utm_dns_hit *h, int allow)
{
	struct utm_list_info info;
	char where[UTM_LIST_SOURCE_LEN + 16];
	const char *entry = name + h->offset;
	json_t *o;

	if (!h->found)
		return json_null();
	o = json_pack("{s:s, s:i}", "entry", entry, "list_id", h->list);
	if (utm_list_info(&c->maps, h->list, &info) == 0) {
		unsigned int line = domain_line(&info, entry, allow);

		snprintf(where, sizeof(where), line ? "%s:%u" : "%s", info.source, line);
		json_object_set_new(o, "list", json_string(info.name));
		json_object_set_new(o, "source", json_string(where));
		ctl_add_feed_url(c, o, info.name);
	}
	return o;
}

int ctl_why_name(struct ctl *c, const char *arg)
{
	char name[DNSNAME_BUF], why[DNSNAME_WHY_MAX];
	struct utm_dns_hit block, allow;
	json_t *o, *b, *a;
	int rc = dnsname_normalize(arg, strlen(arg), name, sizeof(name), why, sizeof(why));

	if (rc < 0) {
		fprintf(stderr, "utm-ctl why: '%s' is neither an address nor a domain name: %s\n",
			arg, why);
		return 2;
	}
	if (utm_dns_why(&c->maps, name, &block, &allow)) {
		fprintf(stderr, "utm-ctl why: reading the maps: %s\n", strerror(errno));
		return 1;
	}
	b = hit_json(c, name, &block, 0);
	a = hit_json(c, name, &allow, 1);
	o = json_pack("{s:s, s:s, s:o, s:o}", "name", name, "verdict",
		      !block.found ? "not listed" : allow.found ? "allowed (allowlist wins)" : "blocked",
		      "block", b, "allow", a);
	if (c->json) {
		char *s = json_dumps(o, JSON_INDENT(2));

		printf("%s\n", s);
		free(s);
	} else {
		printf("%s: %s\n", name, json_string_value(json_object_get(o, "verdict")));
		if (block.found)
			ctl_print_match("  ", "block", b);
		if (allow.found)
			ctl_print_match("  ", "allow", a);
	}
	json_decref(o);
	return 0;
}
