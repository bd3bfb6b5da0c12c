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

#include "lib/iptable.h"
#include "loader.h"

/* Room for `utm-ctl add` entries in each live map between reloads. */
#define RUNTIME_HEADROOM 65536

struct list_src {
	const char *name;
	const char *path;
	int allow, dir, severity;
	__u32 id;
	size_t entries;
};

struct add_ctx {
	struct iptable *t;
	__u32 id;
	int dir;
	size_t n;
};

static int add_entry(const struct ip_prefix *p, unsigned int line, void *arg)
{
	struct add_ctx *c = arg;

	c->n++;
	return iptable_add(c->t, p, c->id, c->dir);
}

static char *read_file(const char *path, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && (buf = malloc(st.st_size + 1)) != NULL) {
		n = read(fd, buf, st.st_size);
		if (n != st.st_size) {
			free(buf);
			buf = NULL;
		} else {
			*len = n;
		}
	}
	close(fd);
	return buf;
}

static int write_file_atomic(const char *path, const char *buf, size_t len)
{
	char tmp[PATH_MAX];
	int fd, ok;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	ok = write(fd, buf, len) == (ssize_t)len && fsync(fd) == 0;
	close(fd);
	if (!ok || rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int count_entry(const struct ip_prefix *p, unsigned int line, void *arg)
{
	return 0;
}

/* Validate the whole list first, so a bad list adds nothing to dst. */
static int parse_into(const char *buf, size_t len, struct list_src *s, struct iptable *dst,
		      struct iplist_error *err)
{
	struct add_ctx c = { .t = dst, .id = s->id, .dir = s->dir };

	if (iplist_parse(buf, len, count_entry, NULL, err) < 0)
		return -1;
	if (iplist_parse(buf, len, add_entry, &c, err) < 0)
		return -1;
	s->entries = c.n;
	return 0;
}

static void last_good_path(const struct loader *L, const struct list_src *s, char *buf,
			   size_t len)
{
	snprintf(buf, len, "%s/last-good/%s.list", L->cfg.state_dir, s->name);
}

/* Load one list, or its last good copy when the file is bad or missing. */
static int load_list(struct loader *L, struct list_src *s, struct iptable *dst)
{
	struct iplist_error err = { 0 };
	char good[PATH_MAX], dir[PATH_MAX];
	size_t len = 0;
	char *buf = read_file(s->path, &len);
	int rc, read_errno = errno;

	if (!buf && read_errno == ENOENT && s->id <= UTM_LIST_RUNTIME_ALLOW)
		return 0; /* no runtime entries yet */
	last_good_path(L, s, good, sizeof(good));
	if (mkdir(dirname(strcpy(dir, good)), 0700) && errno != EEXIST)
		log_warn("creating %s: %s", dir, strerror(errno));
	if (buf && parse_into(buf, len, s, dst, &err) == 0) {
		if (s->id > UTM_LIST_RUNTIME_ALLOW && write_file_atomic(good, buf, len))
			log_warn("cannot keep a last good copy of %s in %s: %s", s->name, good,
				 strerror(errno));
		free(buf);
		return 0;
	}
	if (buf)
		log_err("%s:%u: %s (%u bad line%s); list %s refused, keeping its previous "
			"entries",
			s->path, err.line, err.reason, err.bad_lines, err.bad_lines == 1 ? "" : "s",
			s->name);
	else
		log_err("%s: %s; list %s keeps its previous entries", s->path,
			strerror(read_errno), s->name);
	free(buf);
	buf = read_file(good, &len);
	rc = buf ? parse_into(buf, len, s, dst, &err) : -1;
	free(buf);
	if (rc)
		log_err("list %s has no usable previous copy; it is empty until fixed", s->name);
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

static int fill_map(int fd, enum ipkey_kind k, void *keys, struct utm_ip_entry *vals, __u32 n)
{
	LIBBPF_OPTS(bpf_map_batch_opts, o);
	size_t ksz = ipkey_size(k);
	__u32 done = n, i;

	if (n == 0 || bpf_map_update_batch(fd, keys, vals, &done, &o) == 0)
		return 0;
	/* Maps without batch support (LPM tries): one element at a time. */
	for (i = 0; i < n; i++)
		if (bpf_map_update_elem(fd, (char *)keys + i * ksz, &vals[i], BPF_ANY))
			return -errno;
	return 0;
}

/* A new inner map of kind k holding the entries of t. */
static int build_inner(struct loader *L, enum ipkey_kind k, int allow, const struct iptable *t)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .btf_fd = L->btf_fd, .btf_key_type_id = L->key_type[k],
		    .btf_value_type_id = L->value_type, .map_flags = BPF_F_NO_PREALLOC);
	size_t n = iptable_count(t, k), ksz = ipkey_size(k);
	enum bpf_map_type type =
		k == IPKEY_EXACT4 || k == IPKEY_EXACT6 ? BPF_MAP_TYPE_HASH : BPF_MAP_TYPE_LPM_TRIE;
	struct utm_ip_entry *vals = malloc((n + 1) * sizeof(*vals));
	void *keys = malloc((n + 1) * ksz);
	int fd = -ENOMEM, rc;

	if (!vals || !keys)
		goto out;
	iptable_export(t, k, keys, vals);
	fd = bpf_map_create(type, utm_live_name(k, allow), ksz, sizeof(*vals),
			    n + RUNTIME_HEADROOM, &o);
	if (fd < 0)
		goto out;
	rc = fill_map(fd, k, keys, vals, n);
	if (rc) {
		close(fd);
		fd = rc;
	}
out:
	free(vals);
	free(keys);
	return fd;
}

/* Pin the live inner maps under readable names for bpftool. */
static void repin_live(struct loader *L, enum ipkey_kind k, int allow, int fd)
{
	char path[PATH_MAX], tmp[PATH_MAX];

	/* bpffs refuses names with dots; rename() replaces the old pin atomically. */
	utm_pin_path(path, sizeof(path), L->cfg.pin_root, utm_live_name(k, allow));
	snprintf(tmp, sizeof(tmp), "%s/new_%s", L->cfg.pin_root, utm_live_name(k, allow));
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

static int swap_in(struct loader *L, struct iptable *tables[2])
{
	int gen = utm_live_gen(&L->maps), ng, k, a, fds[UTM_KIND_END][2];
	__u32 slot;

	if (gen < 0)
		return -1;
	ng = !gen;
	memset(fds, -1, sizeof(fds));
	for (k = UTM_KIND_FIRST; k < UTM_KIND_END; k++) {
		for (a = 0; a < 2; a++) {
			fds[k][a] = build_inner(L, k, a, tables[a]);
			slot = utm_slot(ng, a);
			if (fds[k][a] < 0 ||
			    bpf_map_update_elem(L->maps.outer[k], &slot, &fds[k][a], BPF_ANY)) {
				log_err("building %s: %s", utm_live_name(k, a),
					strerror(fds[k][a] < 0 ? -fds[k][a] : errno));
				goto fail;
			}
		}
	}
	if (loader_write_settings(L, ng))
		goto fail;
	wait_for_readers();
	for (k = UTM_KIND_FIRST; k < UTM_KIND_END; k++) {
		for (a = 0; a < 2; a++) {
			slot = utm_slot(gen, a);
			bpf_map_delete_elem(L->maps.outer[k], &slot);
			repin_live(L, k, a, fds[k][a]);
			close(fds[k][a]);
		}
	}
	return 0;
fail:
	for (k = UTM_KIND_FIRST; k < UTM_KIND_END; k++) {
		for (a = 0; a < 2; a++) {
			slot = utm_slot(ng, a);
			bpf_map_delete_elem(L->maps.outer[k], &slot);
			if (fds[k][a] >= 0)
				close(fds[k][a]);
		}
	}
	return -1;
}

static void runtime_sources(struct loader *L, struct list_src rt[2], char paths[2][PATH_MAX])
{
	snprintf(paths[0], PATH_MAX, "%s/runtime-block.list", L->cfg.state_dir);
	snprintf(paths[1], PATH_MAX, "%s/runtime-allow.list", L->cfg.state_dir);
	rt[0] = (struct list_src){ "runtime-block", paths[0], 0, UTM_DIR_BOTH, 2,
				   UTM_LIST_RUNTIME_BLOCK, 0 };
	rt[1] = (struct list_src){ "runtime-allow", paths[1], 1, UTM_DIR_BOTH, 2,
				   UTM_LIST_RUNTIME_ALLOW, 0 };
}

int loader_reload(struct loader *L)
{
	size_t n = L->cfg.nlists + 2, i;
	struct list_src *src = calloc(n, sizeof(*src));
	struct iptable *tables[2] = { iptable_new(), iptable_new() };
	char rt_paths[2][PATH_MAX];
	struct timespec t0, t1;
	int rc = -1, bad = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!src || !tables[0] || !tables[1])
		goto out;
	runtime_sources(L, src, rt_paths);
	for (i = 2; i < n; i++) {
		const struct utm_list_cfg *c = &L->cfg.lists[i - 2];

		src[i] = (struct list_src){ c->name, c->path, c->allow, c->dir, c->severity, 0, 0 };
	}
	if (assign_ids(L, src + 2, n - 2))
		goto out;
	for (i = 0; i < n; i++)
		if (load_list(L, &src[i], tables[src[i].allow]))
			bad++;
	for (i = 0; i < n; i++)
		write_list_info(L, &src[i]);
	rc = swap_in(L, tables);
	if (rc == 0)
		free_stale_ids(L, src + 2, n - 2);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc == 0)
		log_info("lists loaded: %zu block and %zu allow entries from %zu lists "
			 "(%d refused) in %.0f ms",
			 iptable_size(tables[0]), iptable_size(tables[1]), n - 2, bad,
			 (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	L->reloads++;
	if (rc || bad)
		L->reload_failures++;
out:
	iptable_free(tables[0]);
	iptable_free(tables[1]);
	free(src);
	return rc ? rc : (bad ? 1 : 0);
}
