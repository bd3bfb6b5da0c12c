// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Hitless list reloads. All lists are parsed into memory first; a list that
 * fails to parse is refused with file:line and replaced by its last good
 * copy (kept in the state directory), so a bad update never empties it.
 * The entries then go into fresh inner maps of the idle generation, and one
 * write of settings.gen makes the whole new generation live: every packet
 * sees either the old lists or the new ones, never a mix or nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/membarrier.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "domains.h"
#include "feeds.h"
#include "guards.h"
#include "lib/domtable.h"
#include "lib/feedcheck.h"
#include "lib/listparse.h"
#include "lib/fileutil.h"
#include "lib/iptable.h"
#include "lib/netbits.h"
#include "loader.h"

/* Room for `utm-ctl add` entries in each live map between reloads. */
#define RUNTIME_HEADROOM 65536

struct list_src {
	const char *name;
	const char *path;
	int allow, dir, severity;
	__u32 id;
	size_t entries;
	int kind;	    /* enum utm_list_kind */
	int refuse_invalid; /* domain lists: refuse the list on a bad line */
	const struct utm_list_cfg *cfg; /* NULL for the runtime lists */
	struct feed_check check;	/* feeds: what an update must pass */
	struct etrep_filter etrep;	/* feeds: ET IP reputation filter */
	char *refusal;			/* feeds: why the new data was refused (malloc'd) */
	int fallback;			/* loading the last good copy */
};

/* Everything one generation is built from. */
struct gen_tables {
	struct iptable *ip[2]; /* by allow */
	struct domtable *dom;
	__u64 seed;
};

struct add_ctx {
	struct iptable *t;
	__u32 id;
	int dir;
	size_t n;
	const struct feed_check *check; /* entries it leaves out are not added */
	size_t left_out;
};

static int add_entry(const struct ip_prefix *p, unsigned int line, void *arg)
{
	struct add_ctx *c = arg;

	if (c->check && feed_check_ip_entry(c->check, p, NULL, 0)) {
		c->left_out++;
		return 0;
	}
	c->n++;
	return iptable_add(c->t, p, c->id, c->dir);
}

static int is_feed(const struct list_src *s)
{
	return s->cfg && utm_list_is_feed(s->cfg);
}

static int list_format(const struct list_src *s)
{
	return s->cfg ? s->cfg->feed.format : UTM_FMT_AUTO;
}

/* Validate the whole list first, so a bad list adds nothing to dst. */
static int parse_ip(const char *buf, size_t len, struct list_src *s, struct iptable *dst,
		    char *why, size_t whylen)
{
	struct add_ctx c = { .t = dst, .id = s->id, .dir = s->dir };
	struct iplist_error err = { 0 };
	int fmt = list_format(s);

	/* Only CrowdSec feeds leave entries out; other feeds were refused whole. */
	if (is_feed(s) && fmt == UTM_FMT_CROWDSEC)
		c.check = &s->check;

	/* A feed was checked whole by feed_check already: one pass is enough. */
	if ((!is_feed(s) && listparse_ip(buf, len, fmt, &s->etrep, NULL, NULL, &err) < 0) ||
	    listparse_ip(buf, len, fmt, &s->etrep, add_entry, &c, &err) < 0) {
		snprintf(why, whylen, "%u: %s (%u bad line%s)", err.line, err.reason,
			 err.bad_lines, err.bad_lines == 1 ? "" : "s");
		return -1;
	}
	if (c.left_out)
		log_warn("list %s: %zu decision%s left out: the bridge never blocks private ranges, "
			 "the gateway or the resolvers", s->name, c.left_out,
			 c.left_out == 1 ? "" : "s");
	s->entries = c.n;
	return 0;
}

static int parse_into(const char *buf, size_t len, struct list_src *s, struct gen_tables *g,
		      char *why, size_t whylen)
{
	struct domain_src d = {
		.name = s->name,
		.path = s->path,
		.id = s->id,
		.allow = s->allow,
		.urls = s->kind == UTM_LIST_KIND_URLS,
		.refuse_invalid = s->refuse_invalid,
		.format = list_format(s),
		.check = is_feed(s) ? &s->check : NULL,
	};
	size_t n;

	/* A feed update passes its checks (guards, counts) before anything is built. */
	if (is_feed(s) && feed_check(buf, len, &s->check, &n, why, whylen))
		return -1;
	if (s->kind == UTM_LIST_KIND_IP)
		return parse_ip(buf, len, s, g->ip[s->allow], why, whylen);
	return domains_parse(buf, len, &d, g->seed, g->dom, &s->entries, why, whylen);
}

static void last_good_path(const struct loader *L, const struct list_src *s, char *buf,
			   size_t len)
{
	snprintf(buf, len, "%s/last-good/%s.list", L->cfg.state_dir, s->name);
}

/* Tell the feeds thread (status, events) what became of the feeds' data, once live. */
static void note_feeds(struct loader *L, struct list_src *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (is_feed(&src[i]))
			feeds_note_applied(L->feeds, src[i].name, !src[i].fallback,
					   (long)src[i].entries, src[i].refusal);
		free(src[i].refusal);
	}
}

/* The entries a feed had before this reload, -1 when it had none. */
static long previous_entries(struct loader *L, const struct list_src *s)
{
	struct utm_list_info info;

	if (!is_feed(s) || utm_list_info(&L->maps, s->id, &info) || !info.loaded_at)
		return -1;
	return info.entries;
}

/* Load one list, or its last good copy when the file is bad or missing. */
static int load_list(struct loader *L, struct list_src *s, struct gen_tables *g)
{
	char good[PATH_MAX], dir[PATH_MAX], why[FEED_CHECK_WHY_MAX],
		msg[PATH_MAX + sizeof(why)];
	size_t len = 0;
	char *buf = file_read_all(s->path, &len);
	int rc, read_errno = errno, buf_was_read;

	if (!buf && read_errno == ENOENT && s->id <= UTM_LIST_RUNTIME_ALLOW)
		return 0; /* no runtime entries yet */
	s->check.prev = previous_entries(L, s);
	last_good_path(L, s, good, sizeof(good));
	if (mkdir(dirname(strcpy(dir, good)), 0700) && errno != EEXIST)
		log_warn("creating %s: %s", dir, strerror(errno));
	if (buf && parse_into(buf, len, s, g, why, sizeof(why)) == 0) {
		if (s->id > UTM_LIST_RUNTIME_ALLOW && file_write_atomic(good, buf, len))
			log_warn("cannot keep a last good copy of %s in %s: %s", s->name, good,
				 strerror(errno));
		free(buf);
		return 0;
	}
	buf_was_read = buf != NULL;
	if (buf) {
		snprintf(msg, sizeof(msg), "%s:%s", s->path, why);
		log_err("%s; list %s refused, keeping its previous entries", msg, s->name);
	} else if (is_feed(s) && read_errno == ENOENT) {
		log_warn("feed %s has not been fetched yet; using its last good copy", s->name);
	} else {
		log_err("%s: %s; list %s keeps its previous entries", s->path,
			strerror(read_errno), s->name);
	}
	free(buf);
	buf = file_read_all(good, &len);
	/* The last good copy passed its checks when it was new. */
	s->fallback = 1;
	s->check.prev = -1;
	s->check.allow_empty = 1;
	rc = buf ? parse_into(buf, len, s, g, why, sizeof(why)) : -1;
	free(buf);
	if (rc) {
		s->entries = 0;
		log_err("list %s has no usable previous copy; it is empty until fixed", s->name);
	}
	if (buf_was_read)
		s->refusal = strdup(msg);
	return -1;
}

/* Give each configured list a stable id: the one it had, or a free one. */
static int assign_ids(struct loader *L, struct list_src *src, size_t n)
{
	unsigned char taken[UTM_MAX_LISTS] = { 0 };
	struct utm_list_info info;
	size_t i;
	__u32 id;

	for (i = 0; i < n; i++) {
		src[i].id = 0;
		for (id = UTM_LIST_FIRST_CONFIGURED; id < UTM_MAX_LISTS; id++) {
			if (utm_list_info(&L->maps, id, &info) == 0 &&
			    strncmp(info.name, src[i].name, sizeof(info.name)) == 0) {
				src[i].id = id;
				taken[id] = 1;
				break;
			}
		}
	}
	for (i = 0; i < n; i++) {
		for (id = UTM_LIST_FIRST_CONFIGURED; !src[i].id && id < UTM_MAX_LISTS; id++) {
			if (taken[id] || utm_list_info(&L->maps, id, &info) == 0)
				continue;
			src[i].id = id;
			taken[id] = 1;
		}
		if (!src[i].id) {
			log_err("too many lists (at most %d)", UTM_MAX_LISTS - UTM_LIST_FIRST_CONFIGURED);
			return -1;
		}
	}
	return 0;
}

static int write_list_info(struct loader *L, const struct list_src *s)
{
	struct utm_list_info info = {
		.entries = s->entries,
		.allow = s->allow,
		.dir = s->dir,
		.severity = s->severity,
		.in_use = 1,
		.kind = s->kind,
		.format = s->cfg ? s->cfg->feed.format : UTM_FMT_AUTO,
		.loaded_at = time(NULL),
	};

	snprintf(info.name, sizeof(info.name), "%s", s->name);
	snprintf(info.source, sizeof(info.source), "%s", s->path);
	return bpf_map_update_elem(L->maps.list_info, &s->id, &info, BPF_ANY);
}

/* Release ids of lists that are no longer configured. */
static void free_stale_ids(struct loader *L, const struct list_src *src, size_t n)
{
	struct utm_list_info info, none = { 0 };
	__u32 id;
	size_t i;

	for (id = UTM_LIST_FIRST_CONFIGURED; id < UTM_MAX_LISTS; id++) {
		if (utm_list_info(&L->maps, id, &info))
			continue;
		for (i = 0; i < n && src[i].id != id; i++)
			;
		if (i == n)
			bpf_map_update_elem(L->maps.list_info, &id, &none, BPF_ANY);
	}
}

/* A new map of type holding n entries, with the program's BTF types. */
static int create_filled(struct loader *L, enum bpf_map_type type, const char *name,
			 __u32 key_type, __u32 value_type, size_t ksz, size_t vsz, size_t n,
			 void *keys, void *vals)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .btf_fd = L->btf_fd, .btf_key_type_id = key_type,
		    .btf_value_type_id = value_type, .map_flags = BPF_F_NO_PREALLOC);
	LIBBPF_OPTS(bpf_map_batch_opts, bo);
	__u32 done = n, i;
	int fd;

	fd = bpf_map_create(type, name, ksz, vsz, n + RUNTIME_HEADROOM, &o);
	if (fd < 0 || n == 0 || bpf_map_update_batch(fd, keys, vals, &done, &bo) == 0)
		return fd;
	/* Maps without batch support (LPM tries): one element at a time. */
	for (i = 0; i < n; i++) {
		if (bpf_map_update_elem(fd, (char *)keys + i * ksz, (char *)vals + i * vsz,
					BPF_ANY)) {
			int err = -errno;

			close(fd);
			return err;
		}
	}
	return fd;
}

/* A new inner map of kind k holding the entries of t. */
static int build_inner(struct loader *L, enum ipkey_kind k, int allow, const struct iptable *t)
{
	size_t n = iptable_count(t, k), ksz = ipkey_size(k);
	enum bpf_map_type type =
		k == IPKEY_EXACT4 || k == IPKEY_EXACT6 ? BPF_MAP_TYPE_HASH : BPF_MAP_TYPE_LPM_TRIE;
	struct utm_ip_entry *vals = malloc((n + 1) * sizeof(*vals));
	void *keys = malloc((n + 1) * ksz);
	int fd = -ENOMEM;

	if (vals && keys) {
		iptable_export(t, k, keys, vals);
		fd = create_filled(L, type, utm_live_name(k, allow), L->key_type[k],
				   L->value_type, ksz, sizeof(*vals), n, keys, vals);
	}
	free(vals);
	free(keys);
	return fd;
}

/* A new /24 bitmap of the IPv4 prefixes of t (lib/netbits.h). */
static int build_bits(struct loader *L, int allow, const struct iptable *t)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .btf_fd = L->btf_fd, .btf_key_type_id = L->u32_type,
		    .btf_value_type_id = L->u64_type);
	LIBBPF_OPTS(bpf_map_batch_opts, bo);
	uint64_t *words = calloc(NETBITS_WORDS, sizeof(*words));
	__u64 *vals = NULL;
	__u32 *keys = NULL, n = 0, i;
	int fd = -ENOMEM;

	if (!words)
		return fd;
	iptable_net4_bits(t, words);
	keys = calloc(NETBITS_WORDS, sizeof(*keys));
	vals = calloc(NETBITS_WORDS, sizeof(*vals));
	if (!keys || !vals)
		goto out;
	/* The array starts zeroed: only the words with bits set are written. */
	for (i = 0; i < NETBITS_WORDS; i++) {
		if (!words[i])
			continue;
		keys[n] = i;
		vals[n++] = words[i];
	}
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, utm_live_bits_name(allow), sizeof(__u32),
			    sizeof(__u64), NETBITS_WORDS, &o);
	if (fd >= 0 && n && bpf_map_update_batch(fd, keys, vals, &n, &bo)) {
		int err = -errno;

		close(fd);
		fd = err;
	}
out:
	free(words);
	free(keys);
	free(vals);
	return fd;
}

/* A new DNS guard map holding the names of t. */
static int build_dns(struct loader *L, const struct domtable *t)
{
	size_t n = domtable_size(t);
	struct utm_dns_key *keys = malloc((n + 1) * sizeof(*keys));
	struct utm_dns_entry *vals = malloc((n + 1) * sizeof(*vals));
	int fd = -ENOMEM;

	if (keys && vals) {
		domtable_export(t, keys, vals);
		fd = create_filled(L, BPF_MAP_TYPE_HASH, UTM_DNS_LIVE_NAME, L->dns_key_type,
				   L->dns_value_type, sizeof(*keys), sizeof(*vals), n, keys,
				   vals);
	}
	free(keys);
	free(vals);
	return fd;
}

/* Pin a live inner map under a readable name for bpftool. */
static void repin_live(struct loader *L, const char *name, int fd)
{
	char path[PATH_MAX], tmp[PATH_MAX];

	/* bpffs refuses names with dots; rename() replaces the old pin atomically. */
	utm_pin_path(path, sizeof(path), L->cfg.pin_root, name);
	snprintf(tmp, sizeof(tmp), "%s/new_%s", L->cfg.pin_root, name);
	unlink(tmp);
	if (bpf_obj_pin(fd, tmp) || rename(tmp, path)) {
		log_warn("pinning %s: %s", path, strerror(errno));
		unlink(tmp);
	}
}

/* Wait until no XDP program can still be using the old generation. */
static void wait_for_readers(void)
{
	/* MEMBARRIER_CMD_GLOBAL waits for an RCU grace period, which covers
	 * every XDP program run (they run under rcu_read_lock). */
	if (syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0))
		usleep(50 * 1000);
}

/* Build the idle generation's maps and put them in the outer maps. */
static int fill_idle(struct loader *L, const struct gen_tables *g, int ng,
		     int fds[UTM_KIND_END][2], int bits[2], int *dns_fd)
{
	__u32 slot = ng;
	int k, a;

	for (a = 0; a < 2; a++) {
		bits[a] = build_bits(L, a, g->ip[a]);
		slot = utm_slot(ng, a);
		if (bits[a] < 0 ||
		    bpf_map_update_elem(L->maps.net4_bits, &slot, &bits[a], BPF_ANY)) {
			log_err("building %s: %s", utm_live_bits_name(a),
				strerror(bits[a] < 0 ? -bits[a] : errno));
			return -1;
		}
	}
	for (k = UTM_KIND_FIRST; k < UTM_KIND_END; k++) {
		for (a = 0; a < 2; a++) {
			fds[k][a] = build_inner(L, k, a, g->ip[a]);
			slot = utm_slot(ng, a);
			if (fds[k][a] < 0 ||
			    bpf_map_update_elem(L->maps.outer[k], &slot, &fds[k][a], BPF_ANY)) {
				log_err("building %s: %s", utm_live_name(k, a),
					strerror(fds[k][a] < 0 ? -fds[k][a] : errno));
				return -1;
			}
		}
	}
	slot = ng;
	*dns_fd = build_dns(L, g->dom);
	if (*dns_fd < 0 || bpf_map_update_elem(L->maps.dns_names, &slot, dns_fd, BPF_ANY)) {
		log_err("building %s: %s", UTM_DNS_LIVE_NAME,
			strerror(*dns_fd < 0 ? -*dns_fd : errno));
		return -1;
	}
	return 0;
}

/* Empty generation g's slots, and close the fds of maps we built (not -1). */
static void clear_gen(struct loader *L, int g, int fds[UTM_KIND_END][2], int bits[2], int dns_fd)
{
	__u32 slot;
	int k, a;

	for (a = 0; a < 2; a++) {
		slot = utm_slot(g, a);
		bpf_map_delete_elem(L->maps.net4_bits, &slot);
		if (bits[a] >= 0)
			close(bits[a]);
	}
	for (k = UTM_KIND_FIRST; k < UTM_KIND_END; k++) {
		for (a = 0; a < 2; a++) {
			slot = utm_slot(g, a);
			bpf_map_delete_elem(L->maps.outer[k], &slot);
			if (fds[k][a] >= 0)
				close(fds[k][a]);
		}
	}
	slot = g;
	bpf_map_delete_elem(L->maps.dns_names, &slot);
	if (dns_fd >= 0)
		close(dns_fd);
}

static int swap_in(struct loader *L, const struct gen_tables *g)
{
	int gen = utm_live_gen(&L->maps), ng, k, a, fds[UTM_KIND_END][2], dns_fd = -1;
	int none[UTM_KIND_END][2], bits[2] = { -1, -1 }, no_bits[2] = { -1, -1 };

	if (gen < 0)
		return -1;
	ng = !gen;
	memset(fds, -1, sizeof(fds));
	memset(none, -1, sizeof(none));
	if (fill_idle(L, g, ng, fds, bits, &dns_fd) || loader_write_settings(L, ng)) {
		clear_gen(L, ng, fds, bits, dns_fd);
		return -1;
	}
	wait_for_readers();
	clear_gen(L, gen, none, no_bits, -1);
	for (a = 0; a < 2; a++) {
		repin_live(L, utm_live_bits_name(a), bits[a]);
		close(bits[a]);
	}
	for (k = UTM_KIND_FIRST; k < UTM_KIND_END; k++)
		for (a = 0; a < 2; a++)
			repin_live(L, utm_live_name(k, a), fds[k][a]);
	repin_live(L, UTM_DNS_LIVE_NAME, dns_fd);
	/* The outer maps hold them now; our fds are no longer needed. */
	for (k = UTM_KIND_FIRST; k < UTM_KIND_END; k++)
		for (a = 0; a < 2; a++)
			close(fds[k][a]);
	close(dns_fd);
	return 0;
}

static void runtime_sources(struct loader *L, struct list_src rt[2], char paths[2][PATH_MAX])
{
	snprintf(paths[0], PATH_MAX, "%s/runtime-block.list", L->cfg.state_dir);
	snprintf(paths[1], PATH_MAX, "%s/runtime-allow.list", L->cfg.state_dir);
	rt[0] = (struct list_src){ .name = "runtime-block", .path = paths[0], .allow = 0,
				   .dir = UTM_DIR_BOTH, .severity = 2,
				   .id = UTM_LIST_RUNTIME_BLOCK };
	rt[1] = (struct list_src){ .name = "runtime-allow", .path = paths[1], .allow = 1,
				   .dir = UTM_DIR_BOTH, .severity = 2,
				   .id = UTM_LIST_RUNTIME_ALLOW };
}

/* What a feed's updates must pass, from its configuration. */
static void feed_source(struct list_src *s, const struct reload_guards *rg, struct feed_guard *g)
{
	const struct utm_list_cfg *c = s->cfg;

	guards_for_feed(rg, c, g);
	memcpy(s->etrep.want, c->feed.categories, sizeof(s->etrep.want));
	s->etrep.min_score = c->feed.min_score;
	s->check = (struct feed_check){
		.kind = c->kind,
		.format = c->feed.format,
		.allow = c->allow,
		.refuse_invalid = c->refuse_invalid,
		.etrep = &s->etrep,
		.guard = g,
		.prev = -1,
		.allow_empty = c->feed.allow_empty,
		.max_change_pct = c->feed.max_change_pct,
	};
}

static void count_kinds(const struct list_src *src, size_t n, int *ip, int *dom)
{
	size_t i;

	*ip = *dom = 0;
	for (i = 2; i < n; i++) {
		if (src[i].kind == UTM_LIST_KIND_IP)
			(*ip)++;
		else
			(*dom)++;
	}
}

int loader_reload(struct loader *L)
{
	size_t n = 2, i;
	struct list_src *src = calloc(L->cfg.nlists + 2, sizeof(*src));
	struct gen_tables g = {
		.ip = { iptable_new(), iptable_new() },
		.dom = domtable_new(),
		.seed = L->dns_seed,
	};
	struct feed_guard *guards = calloc(L->cfg.nlists + 2, sizeof(*guards));
	struct reload_guards rg;
	char rt_paths[2][PATH_MAX];
	struct timespec t0, t1;
	int rc = -1, bad = 0, nip, ndom;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!src || !guards || !g.ip[0] || !g.ip[1] || !g.dom)
		goto out;
	guards_init(&rg, &L->cfg);
	runtime_sources(L, src, rt_paths);
	for (i = 0; i < L->cfg.nlists; i++) {
		const struct utm_list_cfg *c = &L->cfg.lists[i];

		if (!utm_list_kind_in_maps(c->kind))
			continue; /* rules, signatures, categories: utm-inspect's */
		src[n] = (struct list_src){ .name = c->name,
					    .path = c->path,
					    .allow = c->allow,
					    .dir = c->dir,
					    .severity = c->severity,
					    .kind = c->kind,
					    .refuse_invalid = c->refuse_invalid,
					    .cfg = c };
		if (utm_list_is_feed(c))
			feed_source(&src[n], &rg, &guards[n]);
		n++;
	}
	if (assign_ids(L, src + 2, n - 2))
		goto out;
	for (i = 0; i < n; i++)
		if (load_list(L, &src[i], &g))
			bad++;
	for (i = 0; i < n; i++)
		write_list_info(L, &src[i]);
	count_kinds(src, n, &nip, &ndom);
	L->dns_enabled = ndom > 0;
	rc = swap_in(L, &g);
	if (rc == 0)
		free_stale_ids(L, src + 2, n - 2);
	note_feeds(L, src, n);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc == 0)
		log_info("lists loaded: %zu block and %zu allow IP entries, %zu domain names, "
			 "from %d IP and %d domain lists (%d refused) in %.0f ms",
			 iptable_size(g.ip[0]), iptable_size(g.ip[1]), domtable_size(g.dom), nip,
			 ndom, bad, (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
out:
	iptable_free(g.ip[0]);
	iptable_free(g.ip[1]);
	domtable_free(g.dom);
	free(guards);
	free(src);
	return rc ? rc : (bad ? 1 : 0);
}
