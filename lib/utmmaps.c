// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* User-space access to the pinned maps; see utmmaps.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "dnsname.h"
#include "utmmaps.h"

const char *const utm_map_names[] = {
	"port_cfg",	 "settings",	    "ip4_exact", "ip6_exact",  "ip4_prefix",
	"ip6_prefix",	 "list_info",	    "list_hits", "port_stats", "event_stats",
	"ev_src_limit",	 "ev_global_limit", "events",	 "dns_names",  "ip4_net_bits",
	"inspect_ports", "inspect_flows",   "xsks",	 NULL,
};

const char *utm_outer_name(enum ipkey_kind k)
{
	switch (k) {
	case IPKEY_EXACT4:
		return "ip4_exact";
	case IPKEY_PREFIX4:
		return "ip4_prefix";
	case IPKEY_EXACT6:
		return "ip6_exact";
	case IPKEY_PREFIX6:
		return "ip6_prefix";
	case IPKEY_INVALID:
		break;
	}
	return "?";
}

const char *utm_live_bits_name(int allow)
{
	return allow ? "ip4_allow_bits" : "ip4_block_bits";
}

const char *utm_live_name(enum ipkey_kind k, int allow)
{
	static const char *const names[2][UTM_KIND_END] = {
		[0][IPKEY_EXACT4] = "ip4_block", [0][IPKEY_PREFIX4] = "ip4_block_net",
		[0][IPKEY_EXACT6] = "ip6_block", [0][IPKEY_PREFIX6] = "ip6_block_net",
		[1][IPKEY_EXACT4] = "ip4_allow", [1][IPKEY_PREFIX4] = "ip4_allow_net",
		[1][IPKEY_EXACT6] = "ip6_allow", [1][IPKEY_PREFIX6] = "ip6_allow_net",
	};
	return names[!!allow][k];
}

int utm_pin_path(char *buf, size_t len, const char *root, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", root, name);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int open_pin(const char *root, const char *name, char *err, size_t errlen)
{
	char path[4096];
	int fd;

	if (utm_pin_path(path, sizeof(path), root, name))
		return -1;
	fd = bpf_obj_get(path);
	if (fd < 0)
		snprintf(err, errlen, "%s: %s (is utm-load running with this pin root?)", path,
			 strerror(errno));
	return fd;
}

int utm_maps_open(const char *root, struct utm_maps *m, char *err, size_t errlen)
{
	int *fds[] = {&m->settings,   &m->port_cfg,    &m->list_info, &m->list_hits,
		      &m->port_stats, &m->event_stats, &m->dns_names, &m->net4_bits};
	const char *names[] = {"settings",   "port_cfg",    "list_info", "list_hits",
			       "port_stats", "event_stats", "dns_names", "ip4_net_bits"};
	size_t i;

	memset(m, -1, sizeof(*m));
	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		*fds[i] = open_pin(root, names[i], err, errlen);
		if (*fds[i] < 0)
			goto fail;
	}
	for (i = UTM_KIND_FIRST; i < UTM_KIND_END; i++) {
		m->outer[i] = open_pin(root, utm_outer_name(i), err, errlen);
		if (m->outer[i] < 0)
			goto fail;
	}
	return 0;
fail:
	utm_maps_close(m);
	return -1;
}

void utm_maps_close(struct utm_maps *m)
{
	int *fd = (int *)m;
	size_t i;

	for (i = 0; i < sizeof(*m) / sizeof(int); i++) {
		if (fd[i] >= 0)
			close(fd[i]);
		fd[i] = -1;
	}
}

int utm_live_gen(const struct utm_maps *m)
{
	struct utm_config cfg;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(m->settings, &zero, &cfg))
		return -1;
	return cfg.gen & 1;
}

int utm_inner_fd(int outer_fd, __u32 slot)
{
	__u32 id;

	if (bpf_map_lookup_elem(outer_fd, &slot, &id))
		return -1;
	return bpf_map_get_fd_by_id(id);
}

int utm_percpu_sum(int fd, __u32 key, void *out, size_t value_size)
{
	int ncpu = libbpf_num_possible_cpus(), c;
	size_t nf = value_size / sizeof(__u64), f;
	/* Per-CPU values are laid out 8-byte aligned, one per possible CPU. */
	size_t stride = (value_size + 7) & ~(size_t)7;
	__u64 *all, *sum = out;

	if (ncpu <= 0)
		return -1;
	all = calloc(ncpu, stride);
	if (!all)
		return -1;
	if (bpf_map_lookup_elem(fd, &key, all)) {
		free(all);
		return -1;
	}
	memset(out, 0, value_size);
	for (c = 0; c < ncpu; c++)
		for (f = 0; f < nf; f++)
			sum[f] += all[c * (stride / 8) + f];
	free(all);
	return 0;
}

int utm_list_info(const struct utm_maps *m, __u32 id, struct utm_list_info *out)
{
	if (id == 0 || id >= UTM_MAX_LISTS || bpf_map_lookup_elem(m->list_info, &id, out))
		return -1;
	return out->in_use ? 0 : -1;
}

static __u16 list_for_dir(const struct utm_ip_entry *e, int d)
{
	return d == 0 ? e->list_in : e->list_out;
}

/* 1 when prefix q (of the LPM map of kind k, raw key) contains addr. */
static int lpm_key_contains(enum ipkey_kind k, const void *key, const struct ip_prefix *addr,
			    struct ip_prefix *q)
{
	const __u32 *plen = key;
	const __u8 *a = (const __u8 *)key + 4;
	int bytes = k == IPKEY_PREFIX4 ? 4 : 16, full, rem;

	memset(q, 0, sizeof(*q));
	q->family = k == IPKEY_PREFIX4 ? 4 : 6;
	q->prefixlen = *plen;
	memcpy(q->addr, a, bytes);
	full = *plen / 8;
	rem = *plen % 8;
	if (memcmp(q->addr, addr->addr, full))
		return 0;
	if (rem && ((q->addr[full] ^ addr->addr[full]) & (0xff << (8 - rem))))
		return 0;
	return 1;
}

/* The longest prefix in LPM map fd holding addr for direction d. */
static int lpm_longest(int fd, enum ipkey_kind k, const struct ip_prefix *addr, int d,
		       struct utm_match *out)
{
	__u8 key[sizeof(struct utm_lpm6_key)], next[sizeof(key)];
	struct utm_ip_entry v;
	struct ip_prefix q;
	void *prev = NULL;

	/* LPM lookups return a value, not the prefix: walk the keys instead. */
	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		memcpy(key, next, sizeof(key));
		prev = key;
		if (!lpm_key_contains(k, key, addr, &q) || bpf_map_lookup_elem(fd, key, &v))
			continue;
		if (out->found && q.prefixlen <= out->prefix.prefixlen)
			continue;
		out->found = 1;
		out->prefix = q;
		out->entry = v;
	}
	/* The XDP program takes the longest prefix even if it is for the other direction. */
	if (out->found && !list_for_dir(&out->entry, d))
		out->found = 0;
	return 0;
}

int utm_match_addr(const struct utm_maps *m, int allow, const struct ip_prefix *addr,
		   struct utm_match out[2])
{
	enum ipkey_kind ek = addr->family == 4 ? IPKEY_EXACT4 : IPKEY_EXACT6;
	enum ipkey_kind pk = addr->family == 4 ? IPKEY_PREFIX4 : IPKEY_PREFIX6;
	int gen = utm_live_gen(m), efd, pfd, d;
	__u8 key[sizeof(struct utm_lpm6_key)];
	struct utm_ip_entry v;

	memset(out, 0, 2 * sizeof(*out));
	if (gen < 0)
		return -1;
	efd = utm_inner_fd(m->outer[ek], utm_slot(gen, allow ? UTM_SLOT_ALLOW : UTM_SLOT_BLOCK));
	pfd = utm_inner_fd(m->outer[pk], utm_slot(gen, allow ? UTM_SLOT_ALLOW : UTM_SLOT_BLOCK));
	for (d = 0; d < 2; d++) {
		if (efd >= 0) {
			memcpy(key, addr->addr, addr->family == 4 ? 4 : 16);
			if (!bpf_map_lookup_elem(efd, key, &v) && list_for_dir(&v, d)) {
				out[d].found = 1;
				out[d].prefix = *addr;
				out[d].entry = v;
				continue;
			}
		}
		if (pfd >= 0)
			lpm_longest(pfd, pk, addr, d, &out[d]);
	}
	if (efd >= 0)
		close(efd);
	if (pfd >= 0)
		close(pfd);
	return 0;
}

const char *utm_xdp_mode(unsigned int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query(ifindex, 0, &q))
		return "unknown";
	switch (q.attach_mode) {
	case XDP_ATTACHED_DRV:
		return "native";
	case XDP_ATTACHED_SKB:
		return "generic";
	case XDP_ATTACHED_HW:
		return "offload";
	case XDP_ATTACHED_NONE:
		return "none";
	}
	return "unknown";
}

int utm_link_prog_fd(const char *prog, const char *path, __u32 *ifindex)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);
	int link_fd, fd;

	link_fd = bpf_obj_get(path);
	if (link_fd < 0) {
		fprintf(stderr, "%s: %s: %s (is the program attached?)\n", prog, path,
			strerror(errno));
		return -1;
	}
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(link_fd, &info, &len) || info.type != BPF_LINK_TYPE_XDP) {
		fprintf(stderr, "%s: %s is not an XDP link\n", prog, path);
		close(link_fd);
		return -1;
	}
	close(link_fd);
	if (ifindex)
		*ifindex = info.xdp.ifindex;
	fd = bpf_prog_get_fd_by_id(info.prog_id);
	if (fd < 0)
		fprintf(stderr, "%s: program %u: %s\n", prog, info.prog_id, strerror(errno));
	return fd;
}

int utm_prog_run_stats(int fd, __u64 *run_ns, __u64 *runs)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -1;
	*run_ns = info.run_time_ns;
	*runs = info.run_cnt;
	return 0;
}

const char *utm_xdp_action_name(__u32 action)
{
	static const char *const names[] = {"XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX",
					    "XDP_REDIRECT"};

	return action < 5 ? names[action] : "unknown";
}

int utm_dns_why(const struct utm_maps *m, const char *name, struct utm_dns_hit *block,
		struct utm_dns_hit *allow)
{
	struct dnsname_suffix suf[DNSNAME_MAX_LABELS];
	struct utm_config cfg;
	__u32 zero = 0, gen;
	int n, i, fd;

	memset(block, 0, sizeof(*block));
	memset(allow, 0, sizeof(*allow));
	if (bpf_map_lookup_elem(m->settings, &zero, &cfg))
		return -1;
	gen = cfg.gen & 1;
	fd = utm_inner_fd(m->dns_names, gen);
	if (fd < 0)
		return 0; /* no domain lists loaded */
	n = dnsname_suffix_keys(name, cfg.dns_seed, suf, DNSNAME_MAX_LABELS);
	for (i = 0; i < n; i++) {
		struct utm_dns_key k = {.hash = suf[i].key};
		struct utm_dns_entry e;
		__u16 b, a;

		if (bpf_map_lookup_elem(fd, &k, &e))
			continue;
		b = i == 0 ? e.block_name : e.block_sub;
		a = i == 0 ? e.allow_name : e.allow_sub;
		if (b && !block->found)
			*block = (struct utm_dns_hit){1, suf[i].offset, b};
		if (a && !allow->found)
			*allow = (struct utm_dns_hit){1, suf[i].offset, a};
	}
	close(fd);
	return 0;
}
