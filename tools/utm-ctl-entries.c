// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* utm-ctl why / add / remove: single entries, explained from the live maps. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <jansson.h>

#include "lib/fileutil.h"
#include "lib/listparse.h"
#include "lib/netbits.h"
#include "utm-ctl.h"

struct find_line {
	const struct ip_prefix *want;
	unsigned int line;
};

static int same_prefix(const struct ip_prefix *a, const struct ip_prefix *b)
{
	return a->family == b->family && a->prefixlen == b->prefixlen &&
	       memcmp(a->addr, b->addr, a->family == 4 ? 4 : 16) == 0;
}

static int on_entry(const struct ip_prefix *p, unsigned int line, void *arg)
{
	struct find_line *f = arg;

	if (!f->line && same_prefix(p, f->want))
		f->line = line;
	return 0;
}

/* The line of a list's file that holds prefix p, or 0. */
static unsigned int source_line(const struct utm_list_info *info, const struct ip_prefix *p)
{
	struct find_line f = { .want = p };
	struct iplist_error err;
	size_t len = 0;
	char *buf = file_read_all(info->source, &len);

	if (buf)
		listparse_ip(buf, len, info->format, NULL, on_entry, &f, &err);
	free(buf);
	return f.line;
}

static json_t *match_json(struct ctl *c, const struct utm_match *m, int d)
{
	__u16 id = d == 0 ? m->entry.list_in : m->entry.list_out;
	struct utm_list_info info;
	char pfx[64], where[UTM_LIST_SOURCE_LEN + 16];
	json_t *o;

	if (!m->found)
		return json_null();
	ip_prefix_format(&m->prefix, pfx, sizeof(pfx));
	o = json_pack("{s:s, s:i}", "entry", pfx, "list_id", id);
	if (utm_list_info(&c->maps, id, &info) == 0) {
		unsigned int line = source_line(&info, &m->prefix);

		if (line)
			snprintf(where, sizeof(where), "%s:%u", info.source, line);
		else
			snprintf(where, sizeof(where), "%s", info.source);
		json_object_set_new(o, "list", json_string(info.name));
		json_object_set_new(o, "source", json_string(where));
		ctl_add_feed_url(c, o, info.name);
	}
	return o;
}

static const char *verdict(json_t *block, json_t *allow)
{
	if (json_is_null(block))
		return "not listed";
	return json_is_null(allow) ? "blocked" : "allowed (allowlist wins)";
}

static void print_why(const char *addr, json_t *o)
{
	static const char *const what[2] = {
		"inbound  (as source of wan->lan traffic)",
		"outbound (as destination of lan->wan traffic)",
	};
	const char *keys[2] = { "inbound", "outbound" };
	int d, a;

	printf("%s\n", addr);
	for (d = 0; d < 2; d++) {
		json_t *dir = json_object_get(o, keys[d]);

		printf("  %s: %s\n", what[d], json_string_value(json_object_get(dir, "verdict")));
		for (a = 0; a < 2; a++) {
			json_t *m = json_object_get(dir, a ? "allow" : "block");

			if (json_is_null(m))
				continue;
			ctl_print_match("    ", a ? "allow" : "block", m);
		}
	}
}

int cmd_why(struct ctl *c, int argc, char **argv)
{
	struct utm_match block[2], allow[2];
	const char *keys[2] = { "inbound", "outbound" };
	struct ip_prefix addr;
	json_t *o;
	int d;

	if (argc != 2) {
		fprintf(stderr, "utm-ctl why: give one IPv4 or IPv6 address or a domain name\n");
		return 2;
	}
	if (ip_prefix_parse(argv[1], &addr))
		return ctl_why_name(c, argv[1]);
	if (!ip_prefix_is_host(&addr)) {
		fprintf(stderr, "utm-ctl why: give one address, not a prefix\n");
		return 2;
	}
	if (utm_match_addr(&c->maps, 0, &addr, block) || utm_match_addr(&c->maps, 1, &addr, allow)) {
		fprintf(stderr, "utm-ctl why: reading the maps: %s\n", strerror(errno));
		return 1;
	}
	o = json_pack("{s:s}", "address", argv[1]);
	for (d = 0; d < 2; d++) {
		json_t *b = match_json(c, &block[d], d), *a = match_json(c, &allow[d], d);
		json_t *dir = json_pack("{s:s}", "verdict", verdict(b, a));

		json_object_set_new(dir, "block", b);
		json_object_set_new(dir, "allow", a);
		json_object_set_new(o, keys[d], dir);
	}
	if (c->json) {
		char *s = json_dumps(o, JSON_INDENT(2));

		printf("%s\n", s);
		free(s);
	} else {
		print_why(argv[1], o);
	}
	json_decref(o);
	return 0;
}

int ctl_runtime_path(struct ctl *c, int allow, char *buf, size_t len)
{
	struct utm_list_info info;
	__u32 id = allow ? UTM_LIST_RUNTIME_ALLOW : UTM_LIST_RUNTIME_BLOCK;

	if (utm_list_info(&c->maps, id, &info)) {
		fprintf(stderr, "utm-ctl: the UTM has not loaded its lists yet\n");
		return -1;
	}
	snprintf(buf, len, "%s", info.source);
	return 0;
}

/* Parse "ADDRESS[/LEN] [--allow]". */
static int entry_args(int argc, char **argv, struct ip_prefix *p, int *allow)
{
	int i, have = 0;

	*allow = 0;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--allow") == 0)
			*allow = 1;
		else if (!have && ip_prefix_parse(argv[i], p) == 0)
			have = 1;
		else
			return -1;
	}
	return have ? 0 : -1;
}

/*
 * A new IPv4 prefix must also set its /24 bits, or the XDP program would
 * skip the trie for it. Bits are never cleared here: a stale bit only costs
 * a trie walk, and the next reload rebuilds the bitmap exactly.
 */
static int set_net4_bits(struct ctl *c, const struct ip_prefix *p, __u32 slot)
{
	__u32 first, count, b, w;
	int fd = utm_inner_fd(c->maps.net4_bits, slot), rc = 0;
	__u64 word;

	if (fd < 0)
		return 0; /* no bitmap: the trie is always walked */
	netbits_blocks(p, &first, &count);
	for (b = first; b < first + count && !rc; b = (w + 1) << 6) {
		w = b >> 6;
		if (bpf_map_lookup_elem(fd, &w, &word))
			word = 0;
		/* The bits of this word that the range covers. */
		for (; b < first + count && (b >> 6) == w; b++)
			word |= 1ULL << (b & 63);
		rc = bpf_map_update_elem(fd, &w, &word, BPF_ANY);
	}
	close(fd);
	return rc;
}

/* Update (or delete) p's entry in the live map: set or clear the runtime id. */
static int update_live(struct ctl *c, const struct ip_prefix *p, int allow, int add)
{
	enum ipkey_kind k = ipkey_kind_of(p);
	__u16 rt = allow ? UTM_LIST_RUNTIME_ALLOW : UTM_LIST_RUNTIME_BLOCK;
	union {
		struct utm_ip4_key e4;
		struct utm_ip6_key e6;
		struct utm_lpm4_key l4;
		struct utm_lpm6_key l6;
	} key;
	struct utm_ip_entry v = { 0 };
	int gen = utm_live_gen(&c->maps), fd, rc;

	if (gen < 0)
		return -1;
	fd = utm_inner_fd(c->maps.outer[k], utm_slot(gen, allow ? UTM_SLOT_ALLOW : UTM_SLOT_BLOCK));
	if (fd < 0) {
		fprintf(stderr, "utm-ctl: no live list map yet (utm-load has not loaded lists)\n");
		return -1;
	}
	memset(&key, 0, sizeof(key));
	if (k == IPKEY_EXACT4)
		ipkey_exact4(p, &key.e4);
	else if (k == IPKEY_EXACT6)
		ipkey_exact6(p, &key.e6);
	else if (k == IPKEY_PREFIX4)
		ipkey_lpm4(p, &key.l4);
	else
		ipkey_lpm6(p, &key.l6);
	/* An LPM lookup returns the longest match, which may be another entry. */
	if (bpf_map_lookup_elem(fd, &key, &v) == 0 && (k == IPKEY_PREFIX4 || k == IPKEY_PREFIX6)) {
		struct utm_match m[2];

		utm_match_addr(&c->maps, allow, p, m);
		if (!(m[0].found && same_prefix(&m[0].prefix, p)) &&
		    !(m[1].found && same_prefix(&m[1].prefix, p)))
			memset(&v, 0, sizeof(v));
	}
	if (add) {
		v.list_in = v.list_in ? v.list_in : rt;
		v.list_out = v.list_out ? v.list_out : rt;
	} else {
		v.list_in = v.list_in == rt ? 0 : v.list_in;
		v.list_out = v.list_out == rt ? 0 : v.list_out;
	}
	/* The bits before the entry, so the entry is never skipped. */
	if (add && k == IPKEY_PREFIX4 &&
	    set_net4_bits(c, p, utm_slot(gen, allow ? UTM_SLOT_ALLOW : UTM_SLOT_BLOCK)))
		fprintf(stderr, "utm-ctl: updating the /24 bitmap: %s\n", strerror(errno));
	if (!v.list_in && !v.list_out)
		rc = bpf_map_delete_elem(fd, &key);
	else
		rc = bpf_map_update_elem(fd, &key, &v, BPF_ANY);
	if (rc && !(errno == ENOENT && !add))
		fprintf(stderr, "utm-ctl: updating the live map: %s\n", strerror(errno));
	close(fd);
	return rc && !(errno == ENOENT && !add) ? -1 : 0;
}

int cmd_add(struct ctl *c, int argc, char **argv)
{
	char path[UTM_LIST_SOURCE_LEN], pfx[64], ts[32];
	struct ip_prefix p;
	time_t now = time(NULL);
	int allow;
	FILE *f;

	if (entry_args(argc, argv, &p, &allow)) {
		fprintf(stderr, "utm-ctl add: ADDRESS[/LEN] [--allow]\n");
		return 2;
	}
	if (ctl_runtime_path(c, allow, path, sizeof(path)))
		return 1;
	/* The file first: utm-load rebuilds from it, so the entry survives reloads. */
	f = fopen(path, "ae");
	if (!f) {
		fprintf(stderr, "utm-ctl: %s: %s\n", path, strerror(errno));
		return 1;
	}
	ip_prefix_format(&p, pfx, sizeof(pfx));
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S%z", localtime(&now));
	fprintf(f, "%s # added by utm-ctl %s\n", pfx, ts);
	fclose(f);
	if (update_live(c, &p, allow, 1))
		return 1;
	printf("%s %s (runtime list, both directions)\n", allow ? "allowed" : "blocked", pfx);
	return 0;
}

struct rewrite {
	const struct ip_prefix *drop;
	unsigned int lines[64];
	size_t n;
};

static int mark_line(const struct ip_prefix *p, unsigned int line, void *arg)
{
	struct rewrite *r = arg;

	if (same_prefix(p, r->drop) && r->n < 64)
		r->lines[r->n++] = line;
	return 0;
}

/* Rewrite the runtime file without the lines holding p. Returns lines removed. */
static int drop_from_file(const char *path, const struct ip_prefix *p)
{
	struct rewrite r = { .drop = p };
	struct iplist_error err;
	char tmp[UTM_LIST_SOURCE_LEN + 8];
	size_t len = 0, i;
	unsigned int line = 1;
	char *buf = file_read_all(path, &len), *s, *e;
	FILE *f;

	if (!buf)
		return 0;
	iplist_parse(buf, len, mark_line, &r, &err);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = r.n ? fopen(tmp, "we") : NULL;
	for (s = buf; f && s < buf + len; s = e + 1, line++) {
		int keep = 1;

		e = memchr(s, '\n', buf + len - s);
		if (!e)
			e = buf + len;
		for (i = 0; i < r.n; i++)
			keep &= r.lines[i] != line;
		if (keep)
			fprintf(f, "%.*s\n", (int)(e - s), s);
	}
	if (f && (fclose(f) || rename(tmp, path)))
		r.n = 0;
	free(buf);
	return r.n;
}

int cmd_remove(struct ctl *c, int argc, char **argv)
{
	char path[UTM_LIST_SOURCE_LEN], pfx[64];
	struct ip_prefix p;
	int allow;

	if (entry_args(argc, argv, &p, &allow)) {
		fprintf(stderr, "utm-ctl remove: ADDRESS[/LEN] [--allow]\n");
		return 2;
	}
	if (ctl_runtime_path(c, allow, path, sizeof(path)))
		return 1;
	ip_prefix_format(&p, pfx, sizeof(pfx));
	if (drop_from_file(path, &p) == 0) {
		fprintf(stderr, "utm-ctl: %s is not a runtime %s entry; entries from list files "
				"are removed by editing the file (see `utm-ctl why`)\n",
			pfx, allow ? "allow" : "block");
		return 1;
	}
	if (update_live(c, &p, allow, 0))
		return 1;
	printf("removed %s from the runtime %s list\n", pfx, allow ? "allow" : "block");
	return 0;
}
