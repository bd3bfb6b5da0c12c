/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Types shared by the XDP bridge (bpf/) and user space (lib/, loader/, tools/).
 *
 * Every struct here is the key or value of a pinned map under the pin root
 * (default /sys/fs/bpf/utm/). They are fixed-size and naturally aligned so
 * that the BPF and user-space views agree, and they carry BTF so that
 * `bpftool map dump pinned /sys/fs/bpf/utm/<map>` prints named fields.
 *
 * The includer provides __u8/__u16/__u32/__u64: vmlinux.h in BPF programs,
 * <linux/types.h> in user space.
 */
#ifndef UTM_TYPES_H
#define UTM_TYPES_H

/* List ids index list_info and list_hits; id 0 means "no list". */
#define UTM_MAX_LISTS 256
#define UTM_LIST_RUNTIME_BLOCK 1 /* entries added with `utm-ctl add` */
#define UTM_LIST_RUNTIME_ALLOW 2 /* entries added with `utm-ctl add --allow` */
#define UTM_LIST_FIRST_CONFIGURED 3
#define UTM_LIST_NAME_LEN 48
#define UTM_LIST_SOURCE_LEN 200

/* Slots of each *_lists outer map: generation * 2 + kind. */
#define UTM_SLOT_BLOCK 0
#define UTM_SLOT_ALLOW 1
#define UTM_LIST_SLOTS 4
#define utm_slot(gen, kind) ((gen) * 2 + (kind))

/* Role of a bridge port; also the key of port_stats. */
enum utm_port_role {
	UTM_PORT_LAN = 0,
	UTM_PORT_WAN = 1,
	UTM_NPORTS = 2,
};

/*
 * Direction of traffic a list applies to. Inbound lists match the source of
 * wan->lan frames, outbound lists the destination of lan->wan frames.
 */
enum utm_dir {
	UTM_DIR_INBOUND = 1,
	UTM_DIR_OUTBOUND = 2,
	UTM_DIR_BOTH = 3,
};

/* What the XDP program did with a frame; used in events. */
enum utm_action {
	UTM_ACT_FORWARD = 0,
	UTM_ACT_DROP = 1,
};

/*
 * port_cfg (HASH, key: __u32 ifindex): the two bridge ports.
 * Written by utm-load at attach time.
 */
struct utm_port {
	__u32 role;	    /* enum utm_port_role */
	__u32 peer_ifindex; /* the other port; forwarding itself uses tx_ports */
	__u8 mac[6];	    /* the port's own MAC address */
	__u8 has_address;   /* 1: the port has an IP address, so frames to mac,
			     * ARP requests for ipv4 and neighbour solicitations
			     * for ipv6 go to the UTM's own stack */
	__u8 pad;
	__u8 ipv4[4];	    /* the port's IPv4 address, or 0.0.0.0 */
	__u8 ipv6[16];	    /* the port's global IPv6 address, or :: */
	__u8 ipv6_ll[16];   /* the port's link-local IPv6 address, or :: */
};

/*
 * settings (ARRAY, one entry): settings the XDP program reads per packet.
 * gen selects which half of the *_lists outer maps is live; utm-load fills
 * the other half and flips gen, so every packet sees one whole generation.
 */
struct utm_config {
	__u32 gen;		  /* live list generation: 0 or 1 */
	__u32 drop_malformed;	  /* 1: drop frames whose headers are cut short
				   * or inconsistent; 0 (default): forward them
				   * (listed addresses are dropped either way) */
	__u32 ev_rate_per_src;	  /* block events per second per source */
	__u32 ev_burst_per_src;	  /* burst allowance per source */
	__u32 ev_rate_global;	  /* block events per second per CPU */
	__u32 ev_burst_global;	  /* burst allowance per CPU */
	__u32 dns_mode;		  /* enum utm_dns_mode: how blocked names are answered */
	__u32 dns_ttl;		  /* TTL of those answers, seconds */
	__u64 dns_seed;		  /* secret seed of the name hash (dnshash.h) */
	__u8 dns_sink4[4];	  /* UTM_DNS_SINKHOLE: the A answer */
	__u8 dns_sink6[16];	  /* UTM_DNS_SINKHOLE: the AAAA answer (:: = none) */
	__u32 dns_enabled;	  /* 1: domain lists are loaded */
};

/* How the DNS guard answers a query for a blocked name. */
enum utm_dns_mode {
	UTM_DNS_NULL = 0,     /* A 0.0.0.0, AAAA ::, other types no data (Pi-hole's default) */
	UTM_DNS_NXDOMAIN = 1, /* the name does not exist */
	UTM_DNS_NODATA = 2,   /* the name exists but has no records of that type */
	UTM_DNS_SINKHOLE = 3, /* A/AAAA of the UTM's block page */
};

/* Kind of a ring-buffer event. */
enum utm_event_kind {
	UTM_EV_IP = 0,	/* an IP list dropped a frame */
	UTM_EV_DNS = 1, /* the DNS guard answered a query for a blocked name */
};

/*
 * Key of the dns_names inner maps: dnshash_finish() of the seeded backwards
 * hash of a domain in wire form (see dnshash.h).
 */
struct utm_dns_key {
	__u64 hash;
};

/*
 * Value of the dns_names inner maps: which list blocks or allows this name
 * itself, and which its subdomains (0 = none). `evil.example` in a plain
 * list sets both; an RPZ `*.evil.example` sets only the subdomain field.
 */
struct utm_dns_entry {
	__u16 block_name; /* list blocking exactly this name */
	__u16 block_sub;  /* list blocking every name below it */
	__u16 allow_name; /* list allowing exactly this name */
	__u16 allow_sub;  /* list allowing every name below it */
};

/*
 * ip4_net_bits inner maps (ARRAY of __u64): one bit per IPv4 /24, set when
 * some prefix in the matching ip4_prefix map covers any of that /24. Most
 * addresses are covered by no prefix; the bit spares them the trie walk.
 */
#define UTM_NET4_WORDS (1 << 18) /* 2^24 /24s, 64 bits a word: 2 MiB */

/* Key of ip4_exact inner maps: one IPv4 address. */
struct utm_ip4_key {
	__u8 addr[4];
};

/* Key of ip6_exact inner maps: one IPv6 address. */
struct utm_ip6_key {
	__u8 addr[16];
};

/* Key of ip4_prefix inner maps (LPM trie): prefixlen 0..32. */
struct utm_lpm4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

/* Key of ip6_prefix inner maps (LPM trie): prefixlen 0..128. */
struct utm_lpm6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

/*
 * Value of every IP list map: which list put the entry there, per direction.
 * 0 means the entry does not apply in that direction. When several lists
 * hold the same address, the first one loaded for a direction is recorded.
 */
struct utm_ip_entry {
	__u16 list_in;	/* list that applies to inbound traffic, or 0 */
	__u16 list_out; /* list that applies to outbound traffic, or 0 */
};

/* A packet and byte count. */
struct utm_count {
	__u64 packets;
	__u64 bytes;
};

/*
 * port_stats (PERCPU_ARRAY, key: enum utm_port_role): what happened to the
 * frames that arrived on each port.
 */
struct utm_port_stats {
	struct utm_count rx;		    /* every frame seen */
	struct utm_count forwarded;	    /* redirected to the peer port */
	struct utm_count to_host;	    /* passed to the UTM's own stack */
	struct utm_count dropped_blocklist; /* dropped by an IP list */
	struct utm_count dropped_malformed; /* dropped by the malformed policy */
	struct utm_count allowlisted;	    /* blocklisted but an allow entry won */
	struct utm_count malformed;	    /* could not be parsed (forwarded or dropped) */
	struct utm_count no_peer;	    /* peer port missing: given to the stack */
	struct utm_count dns_blocked;	    /* DNS queries answered by the guard */
	struct utm_count dns_allowlisted;   /* DNS queries for blocked names let through */
	struct utm_count to_inspector;	    /* steered to utm-inspect's AF_XDP socket */
	struct utm_count dropped_inspector; /* dropped by a flow verdict of utm-inspect */
};

/*
 * Steering to utm-inspect (inspect_ports, inspect_flows, xsks in maps.h).
 * utm-inspect owns these maps: it names the ports whose flows it wants,
 * puts its AF_XDP sockets into xsks, and writes a verdict per flow once it
 * has seen enough. Without a socket for the queue the frame is bridged
 * as usual: the inspector failing never cuts traffic.
 */
#define UTM_STEER_TCP (1 << 0) /* inspect_ports value: TCP flows to or from this port */
/* xsks key: port role (UTM_PORT_LAN/WAN) * UTM_XSK_QUEUES + rx queue index. */
#define UTM_XSK_QUEUES 32
#define UTM_STEER_UDP (1 << 1) /* UDP flows to or from this port */
/*
 * inspect_ports[0] (no flow has port 0): every TCP / UDP flow, for
 * application detection: the inspector sees the first frames of each and
 * hands it back with a pass verdict.
 */
#define UTM_STEER_ALL_TCP (1 << 2)
#define UTM_STEER_ALL_UDP (1 << 3)

/* inspect_flows key: one direction of a flow as seen on the wire (utm-inspect writes both). */
struct utm_flow_key {
	__u8 family; /* 4 or 6 */
	__u8 proto;  /* IPPROTO_TCP or IPPROTO_UDP */
	__u16 sport; /* network order, as in the packet */
	__u16 dport;
	__u16 pad;
	__u8 saddr[16]; /* IPv4 in the first 4 bytes */
	__u8 daddr[16];
};

/* What happens to the rest of a flow. */
enum utm_flow_verdict {
	UTM_FLOW_PASS = 1, /* bridge in XDP: nothing more to inspect */
	UTM_FLOW_DROP = 2, /* drop every frame of the flow */
};

/* inspect_flows value: the verdict, and what XDP saw since, for expiry. */
struct utm_flow_entry {
	__u8 verdict;  /* enum utm_flow_verdict */
	__u8 closing;  /* XDP saw a FIN or RST: expire soon */
	__u16 pad;
	__u32 sid;     /* the rule behind a drop verdict, 0 for none */
	__u64 last_ns; /* CLOCK_MONOTONIC of the last frame (bpf_ktime_get_ns) */
	__u64 packets; /* frames handled by this entry (racy across CPUs: a hint) */
	__u64 bytes;   /* their bytes, for the flow's accounting (as racy) */
};

/*
 * list_info (ARRAY, key: list id): what each list id means, so that the
 * maps explain themselves (`utm-ctl why`, events). Written by utm-load.
 */
struct utm_list_info {
	char name[UTM_LIST_NAME_LEN];	  /* configured list name */
	char source[UTM_LIST_SOURCE_LEN]; /* file the entries came from */
	__u32 entries;			  /* entries loaded from it */
	__u8 allow;			  /* 1: allowlist, 0: blocklist */
	__u8 dir;			  /* enum utm_dir */
	__u8 severity;			  /* 1..3 stars for its events */
	__u8 in_use;			  /* 1: the id is assigned */
	__u8 kind;			  /* 0 IP, 1 domains, 2 URLs (lib/config.h) */
	__u8 format;			  /* enum utm_feed_format of its file (lib/config.h) */
	__u8 reserved[6];
	__u64 loaded_at;		  /* CLOCK_REALTIME seconds */
};

/* list_hits (PERCPU_ARRAY, key: list id): frames matched per list. */
/* (value: struct utm_count) */

/*
 * event_stats (PERCPU_ARRAY, one entry): block events emitted and lost, so
 * that a flood can be seen without drowning the loader.
 */
struct utm_event_stats {
	__u64 emitted;		 /* written to the ring buffer */
	__u64 suppressed_source; /* over the per-source rate */
	__u64 suppressed_global; /* over the global rate */
	__u64 ringbuf_full;	 /* ring buffer had no room */
};

/* Token bucket for event rate limiting (ev_src_limit values, ev_global_limit). */
struct utm_bucket {
	__u64 last_ns;	   /* when tokens were last refilled */
	__u32 tokens;	   /* events that may still be emitted */
	__u32 suppressed;  /* events suppressed since the last one emitted */
};

/* Key of ev_src_limit (LRU_HASH): a source address, IPv4 in the first 4 bytes. */
struct utm_src_key {
	__u8 family; /* 4 or 6 */
	__u8 pad[3];
	__u8 addr[16];
};

#define UTM_QNAME_MAX 256

/* Record written to the events ring buffer for each block. */
struct utm_block_event {
	__u64 ts_ns;	  /* bpf_ktime_get_ns() (CLOCK_MONOTONIC) */
	__u32 kind;	  /* enum utm_event_kind */
	__u32 ifindex;	  /* port the frame arrived on */
	__u16 list_id;	  /* list that blocked it */
	__u8 dir;	  /* UTM_DIR_INBOUND or UTM_DIR_OUTBOUND */
	__u8 action;	  /* enum utm_action */
	__u8 family;	  /* 4 or 6 */
	__u8 proto;	  /* IP protocol number */
	__u16 sport;	  /* host order; 0 when not TCP/UDP */
	__u16 dport;	  /* host order; ICMP: type << 8 | code */
	__u16 vlan;	  /* outer VLAN id, or 0 */
	__u32 pkt_len;	  /* frame length */
	__u32 suppressed; /* events suppressed for this source before this one */
	__u8 lan_mac[6];  /* LAN-side device: source MAC outbound, dest MAC inbound */
	__u8 wan_mac[6];  /* WAN-side MAC (usually the router) */
	__u8 saddr[16];	  /* IPv4 in the first 4 bytes */
	__u8 daddr[16];
	/* UTM_EV_DNS only: */
	__u16 qtype;	  /* query type (1 A, 28 AAAA, ...) */
	__u16 qname_len;  /* bytes of qname used, without the root label */
	__u16 match_off;  /* qname + match_off is the list entry that matched */
	__u16 dns_mode;	  /* enum utm_dns_mode used for the answer */
	__u8 qname[UTM_QNAME_MAX]; /* the queried name in wire form, as sent */
};

#endif /* UTM_TYPES_H */
