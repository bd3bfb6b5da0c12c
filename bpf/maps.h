/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The XDP bridge's maps. utm-load pins each under the pin root (default
 * /sys/fs/bpf/utm/<name>); their key and value types are in utm_types.h.
 * One owner: utm-load writes them, except the counters and buckets, which
 * the XDP program writes, and runtime list entries added by `utm-ctl add`.
 */
#ifndef UTM_MAPS_H
#define UTM_MAPS_H

/*
 * tx_ports: ingress ifindex -> ifindex of the other port (devmap redirect).
 * Not pinned: each utm-load fills its own before swapping its program into
 * the links (libbpf 1.1 cannot reuse a pinned devmap, whose flags the
 * kernel changes).
 */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
} tx_ports SEC(".maps");

/* port_cfg: ifindex -> role, own MAC and addresses of each bridge port. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, struct utm_port);
} port_cfg SEC(".maps");

/* settings: the live list generation and per-packet settings. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct utm_config);
} settings SEC(".maps");

/*
 * IP lists. Each outer map holds UTM_LIST_SLOTS inner maps indexed by
 * utm_slot(gen, UTM_SLOT_BLOCK | UTM_SLOT_ALLOW). utm-load builds a new
 * generation in fresh inner maps and flips config.gen, so a reload is
 * atomic for every packet. Single addresses live in hash maps and only real
 * prefixes in LPM tries, because LPM lookups slow down as tries grow. The
 * live inner maps are also pinned as ip4_block, ip4_block_net, ip4_allow...
 */
struct ip4_exact_inner {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct utm_ip4_key);
	__type(value, struct utm_ip_entry);
};

struct ip6_exact_inner {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct utm_ip6_key);
	__type(value, struct utm_ip_entry);
};

struct ip4_prefix_inner {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct utm_lpm4_key);
	__type(value, struct utm_ip_entry);
};

struct ip6_prefix_inner {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct utm_lpm6_key);
	__type(value, struct utm_ip_entry);
};

struct ip4_net_bits_inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, UTM_NET4_WORDS);
	__type(key, __u32);
	__type(value, __u64);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, UTM_LIST_SLOTS);
	__type(key, __u32);
	__array(values, struct ip4_exact_inner);
} ip4_exact SEC(".maps");

/*
 * Per slot (as the list maps), the /24 bitmap of the ip4_prefix map in the
 * same slot (see UTM_NET4_WORDS). An empty slot means "no bitmap": the
 * trie is always walked. Pinned live as ip4_block_bits, ip4_allow_bits.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, UTM_LIST_SLOTS);
	__type(key, __u32);
	__array(values, struct ip4_net_bits_inner);
} ip4_net_bits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, UTM_LIST_SLOTS);
	__type(key, __u32);
	__array(values, struct ip6_exact_inner);
} ip6_exact SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, UTM_LIST_SLOTS);
	__type(key, __u32);
	__array(values, struct ip4_prefix_inner);
} ip4_prefix SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, UTM_LIST_SLOTS);
	__type(key, __u32);
	__array(values, struct ip6_prefix_inner);
} ip6_prefix SEC(".maps");

/*
 * DNS guard names: the outer map holds one inner hash map per generation
 * (index = gen); key: hash of a domain (dnshash.h), value: the lists that
 * block or allow it and its subdomains. Pinned live as dns_names.
 */
struct dns_names_inner {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct utm_dns_key);
	__type(value, struct utm_dns_entry);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct dns_names_inner);
} dns_names SEC(".maps");

/* list_info: list id -> name, source file, entries, direction, severity. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, UTM_MAX_LISTS);
	__type(key, __u32);
	__type(value, struct utm_list_info);
} list_info SEC(".maps");

/* list_hits: list id -> frames matched (dropped, or let through by an allowlist). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, UTM_MAX_LISTS);
	__type(key, __u32);
	__type(value, struct utm_count);
} list_hits SEC(".maps");

/* port_stats: enum utm_port_role -> per-action frame counters. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, UTM_NPORTS);
	__type(key, __u32);
	__type(value, struct utm_port_stats);
} port_stats SEC(".maps");

/* event_stats: block events emitted and suppressed. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct utm_event_stats);
} event_stats SEC(".maps");

/*
 * ev_src_limit: source address -> token bucket for its block events. LRU,
 * so a flood of spoofed sources evicts old buckets instead of filling up.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct utm_src_key);
	__type(value, struct utm_bucket);
} ev_src_limit SEC(".maps");

/* ev_global_limit: per-CPU token bucket capping all block events. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct utm_bucket);
} ev_global_limit SEC(".maps");

/* events: struct utm_block_event records for utm-load. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

/*
 * clang emits only a forward declaration for a struct that is reached
 * solely through a pointer inside a map definition (the inner maps' keys),
 * and libbpf cannot size a forward declaration. This unused variable, in a
 * section libbpf ignores, makes clang emit the full types.
 */
struct utm_btf_anchor {
	struct utm_ip4_key ip4;
	struct utm_ip6_key ip6;
	struct utm_lpm4_key lpm4;
	struct utm_lpm6_key lpm6;
	struct utm_ip_entry entry;
	struct utm_block_event event;
	struct utm_dns_key dns_key;
	struct utm_dns_entry dns_entry;
} utm_btf_anchor SEC(".utm_btf") __attribute__((used));

/*
 * inspect_ports: TCP/UDP port -> UTM_STEER_* bits: flows to or from these
 * ports go to utm-inspect (when it has a socket on the queue); entry 0
 * holds UTM_STEER_ALL_*: every flow of the protocol. Written by
 * utm-inspect; all zero when it never ran.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} inspect_ports SEC(".maps");

/*
 * inspect_flows: per flow direction, utm-inspect's verdict (pass: bypass
 * the inspector; drop). LRU, so a flood of flows cannot fill it; utm-inspect
 * also removes entries idle past their timeout (last_ns, closing).
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 262144);
	__type(key, struct utm_flow_key);
	__type(value, struct utm_flow_entry);
} inspect_flows SEC(".maps");

/*
 * xsks: port role * UTM_XSK_QUEUES + rx queue -> utm-inspect's AF_XDP
 * socket for that port and queue (one per port and queue; the kernel removes a socket when it closes, so a
 * dead inspector leaves the slot empty and frames are bridged directly).
 */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 2 * UTM_XSK_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

#endif /* UTM_MAPS_H */
