/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Access to the UTM's pinned maps from user space (utm-load, utm-ctl):
 * pin names, opening them, reading per-CPU counters, finding the live
 * inner map of each IP list kind, and matching an address the way the XDP
 * program does.
 */
#ifndef UTM_UTMMAPS_H
#define UTM_UTMMAPS_H

#include <linux/types.h>
#include <stddef.h>

#include "../bpf/utm_types.h"
#include "iplist.h"
#include "ipkey.h"

/* Arrays indexed by enum ipkey_kind; the valid kinds are FIRST..END-1. */
#define UTM_KIND_FIRST IPKEY_EXACT4
#define UTM_KIND_END   (IPKEY_PREFIX6 + 1)

/* File descriptors of the pinned maps; -1 when not open. */
struct utm_maps {
	int settings, port_cfg, list_info, list_hits, port_stats, event_stats;
	int dns_names;		 /* outer map of the DNS guard, indexed by generation */
	int net4_bits;		 /* outer map of the /24 bitmaps, slots as the list maps */
	int outer[UTM_KIND_END]; /* ip4_exact, ip4_prefix, ip6_exact, ip6_prefix by ipkey_kind */
};

/* Names of the pinned maps the XDP program declares, NULL-terminated. */
extern const char *const utm_map_names[];

/* Name of the outer map for kind k ("ip4_exact", ...). */
const char *utm_outer_name(enum ipkey_kind k);

/* Name under which the live /24 bitmap of the block or allow prefixes is pinned. */
const char *utm_live_bits_name(int allow);

/* Name under which the DNS guard's live inner map is pinned. */
#define UTM_DNS_LIVE_NAME "domains"

/* Name under which the live inner map of kind k is pinned ("ip4_block_net", ...). */
const char *utm_live_name(enum ipkey_kind k, int allow);

/* "root/name" into buf; -1 when it does not fit. */
int utm_pin_path(char *buf, size_t len, const char *root, const char *name);

/* Open every map pinned under root. -1 with err set when the UTM is not loaded. */
int utm_maps_open(const char *root, struct utm_maps *m, char *err, size_t errlen);
void utm_maps_close(struct utm_maps *m);

/* The live generation (settings.gen), or -1. */
int utm_live_gen(const struct utm_maps *m);

/* A new fd for the inner map in slot of outer_fd, or -1 when the slot is empty. */
int utm_inner_fd(int outer_fd, __u32 slot);

/*
 * Sum a per-CPU value made only of __u64 fields over all possible CPUs into
 * out (value_size bytes). 0 or -1.
 */
int utm_percpu_sum(int fd, __u32 key, void *out, size_t value_size);

/* What one list kind (block or allow) says about an address. */
struct utm_match {
	int found;
	struct ip_prefix prefix;   /* the entry that matched */
	struct utm_ip_entry entry; /* its list ids per direction */
};

/*
 * Look addr up in the live maps of one kind as the XDP program would: the
 * exact entry first, then the longest prefix. Fills one match for each
 * direction (index 0 inbound, 1 outbound) because different entries may
 * apply in each. 0, or -1 on a map error.
 */
int utm_match_addr(const struct utm_maps *m, int allow, const struct ip_prefix *addr,
		   struct utm_match out[2]);

/* How XDP is attached to ifindex: "native", "generic", "offload", "none" or "unknown". */
const char *utm_xdp_mode(unsigned int ifindex);

/*
 * fd of the XDP program behind the pinned link at path (its interface in
 * *ifindex when not NULL), or -1 with a message on stderr naming prog.
 */
int utm_link_prog_fd(const char *prog, const char *path, __u32 *ifindex);

/* The kernel's run-time statistics of a program (while BPF_ENABLE_STATS is on). */
int utm_prog_run_stats(int fd, __u64 *run_ns, __u64 *runs);

/* "XDP_DROP", "XDP_REDIRECT"...: the name of an XDP verdict. */
const char *utm_xdp_action_name(__u32 action);

/* A domain list entry that applies to a name: where it starts in the name, its list. */
struct utm_dns_hit {
	int found;
	size_t offset; /* the entry is name + offset (the name, or a parent) */
	__u16 list;
};

/*
 * Look a canonical name (lib/dnsname.h) up in the DNS guard's live map as
 * the XDP program does: the name and each parent, the name matching "name"
 * entries, a parent "subdomain" entries, the most specific first. 0 (with
 * nothing found when no domain list is loaded), or -1 on a map error.
 */
int utm_dns_why(const struct utm_maps *m, const char *name, struct utm_dns_hit *block,
		struct utm_dns_hit *allow);

/* Read list_info[id]; 0, or -1 when unassigned. */
int utm_list_info(const struct utm_maps *m, __u32 id, struct utm_list_info *out);

#endif /* UTM_UTMMAPS_H */
