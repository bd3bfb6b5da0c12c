// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The UTM's XDP bridge. The same program runs on the LAN and the WAN port:
 * every frame goes to the other port by devmap redirect, except frames for
 * the UTM itself (to its own stack) and IP frames that an IP list blocks
 * (dropped, counted, and reported on the events ring buffer). A frame is only
 * ever dropped by policy; anything the parser does not understand is bridged.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "utm_types.h"
#include "parse.h"
#include "maps.h"
#include "dns.h"

#define NSEC_PER_SEC 1000000000ULL

char LICENSE[] SEC("license") = "Dual BSD/GPL";

static __always_inline void count(struct utm_count *c, __u64 bytes)
{
	c->packets++;
	c->bytes += bytes;
}

static __always_inline __u16 entry_list(const struct utm_ip_entry *e, __u8 dir)
{
	if (!e)
		return 0;
	return dir == UTM_DIR_INBOUND ? e->list_in : e->list_out;
}

/*
 * 0 when no prefix of the slot can cover addr: its /24's bit is clear. One
 * array lookup instead of a trie walk for the addresses no prefix covers.
 */
static __always_inline int may_be_in_prefix4(__u32 slot, const __u8 *addr)
{
	__u32 blk = (__u32)addr[0] << 16 | (__u32)addr[1] << 8 | addr[2], word = blk >> 6;
	void *bits = bpf_map_lookup_elem(&ip4_net_bits, &slot);
	__u64 *w;

	if (!bits)
		return 1;
	w = bpf_map_lookup_elem(bits, &word);
	return !w || (*w >> (blk & 63)) & 1;
}

/* Which list of one kind (block or allow) holds an IPv4 address, or 0. */
static __always_inline __u16 match4(__u32 gen, __u32 kind, const __u8 *addr, __u8 dir)
{
	__u32 slot = utm_slot(gen, kind);
	__u16 list = 0;
	void *inner;

	inner = bpf_map_lookup_elem(&ip4_exact, &slot);
	if (inner) {
		struct utm_ip4_key k;

		__builtin_memcpy(k.addr, addr, 4);
		list = entry_list(bpf_map_lookup_elem(inner, &k), dir);
	}
	if (list || !may_be_in_prefix4(slot, addr))
		return list;
	inner = bpf_map_lookup_elem(&ip4_prefix, &slot);
	if (inner) {
		struct utm_lpm4_key k = { .prefixlen = 32 };

		__builtin_memcpy(k.addr, addr, 4);
		list = entry_list(bpf_map_lookup_elem(inner, &k), dir);
	}
	return list;
}

/* Which list of one kind holds an IPv6 address, or 0. */
static __always_inline __u16 match6(__u32 gen, __u32 kind, const __u8 *addr, __u8 dir)
{
	__u32 slot = utm_slot(gen, kind);
	__u16 list = 0;
	void *inner;

	inner = bpf_map_lookup_elem(&ip6_exact, &slot);
	if (inner) {
		struct utm_ip6_key k;

		__builtin_memcpy(k.addr, addr, 16);
		list = entry_list(bpf_map_lookup_elem(inner, &k), dir);
	}
	if (list)
		return list;
	inner = bpf_map_lookup_elem(&ip6_prefix, &slot);
	if (inner) {
		struct utm_lpm6_key k = { .prefixlen = 128 };

		__builtin_memcpy(k.addr, addr, 16);
		list = entry_list(bpf_map_lookup_elem(inner, &k), dir);
	}
	return list;
}

static __always_inline __u16 match(__u32 gen, __u32 kind, const struct pkt *p, __u8 dir)
{
	const __u8 *addr = dir == UTM_DIR_INBOUND ? p->saddr : p->daddr;

	if (p->family == 4)
		return match4(gen, kind, addr, dir);
	return match6(gen, kind, addr, dir);
}

/*
 * Token bucket: refill at rate per second up to burst, then take one token.
 * Updates from several CPUs may race; the limit is approximate by design,
 * which is enough to keep a flood from drowning the loader.
 */
static __always_inline int bucket_take(struct utm_bucket *b, __u64 now, __u32 rate, __u32 burst)
{
	__u64 elapsed = now - b->last_ns;

	if (rate && elapsed >= (__u64)burst * NSEC_PER_SEC / rate) {
		/* Idle long enough to earn a full bucket. */
		b->tokens = burst;
		b->last_ns = now;
	} else if (rate) {
		/* elapsed < burst / rate seconds, so the product cannot overflow. */
		__u64 add = elapsed * rate / NSEC_PER_SEC;

		if (add) {
			b->tokens = b->tokens + add > burst ? burst : b->tokens + add;
			b->last_ns += add * NSEC_PER_SEC / rate;
		}
	}
	if (!b->tokens) {
		b->suppressed++;
		return 0;
	}
	b->tokens--;
	return 1;
}

/* May a block event be emitted for this source? Sets *suppressed. */
static __always_inline int event_allowed(const struct pkt *p, const struct utm_config *cfg,
					  struct utm_event_stats *es, __u32 *suppressed)
{
	struct utm_src_key key = { .family = p->family };
	struct utm_bucket *b, *g, fresh = {};
	__u64 now = bpf_ktime_get_ns();
	__u32 zero = 0;

	__builtin_memcpy(key.addr, p->saddr, 16);
	b = bpf_map_lookup_elem(&ev_src_limit, &key);
	if (!b) {
		fresh.last_ns = now;
		fresh.tokens = cfg->ev_burst_per_src;
		bpf_map_update_elem(&ev_src_limit, &key, &fresh, BPF_NOEXIST);
		b = bpf_map_lookup_elem(&ev_src_limit, &key);
		if (!b)
			return 0;
	}
	if (!bucket_take(b, now, cfg->ev_rate_per_src, cfg->ev_burst_per_src)) {
		es->suppressed_source++;
		return 0;
	}
	g = bpf_map_lookup_elem(&ev_global_limit, &zero);
	if (!g || !bucket_take(g, now, cfg->ev_rate_global, cfg->ev_burst_global)) {
		/* Give the source its token back and let its next event report
		 * this one as suppressed too. */
		b->tokens++;
		b->suppressed++;
		es->suppressed_global++;
		return 0;
	}
	*suppressed = b->suppressed;
	b->suppressed = 0;
	return 1;
}

/* Report a block; q and s describe the query when the DNS guard answered. */
static __always_inline void emit_block(struct xdp_md *ctx, const struct pkt *p,
				       const struct utm_config *cfg, __u16 list, __u8 dir,
				       const struct dns_query *q, const struct dns_scratch *s)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct utm_block_event *ev;
	struct utm_event_stats *es;
	__u32 zero = 0, suppressed = 0;

	es = bpf_map_lookup_elem(&event_stats, &zero);
	if (!es || (void *)(eth + 1) > end)
		return;
	if (!event_allowed(p, cfg, es, &suppressed))
		return;
	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev) {
		es->ringbuf_full++;
		return;
	}
	ev->ts_ns = bpf_ktime_get_ns();
	ev->ifindex = ctx->ingress_ifindex;
	ev->list_id = list;
	ev->dir = dir;
	ev->action = UTM_ACT_DROP;
	ev->family = p->family;
	ev->proto = p->proto;
	ev->sport = p->sport;
	ev->dport = p->dport;
	ev->vlan = p->vlan;
	ev->pkt_len = end - data;
	ev->suppressed = suppressed;
	/* Outbound frames come from the LAN device; inbound ones go to it. */
	if (dir == UTM_DIR_OUTBOUND) {
		__builtin_memcpy(ev->lan_mac, eth->h_source, ETH_ALEN);
		__builtin_memcpy(ev->wan_mac, eth->h_dest, ETH_ALEN);
	} else {
		__builtin_memcpy(ev->lan_mac, eth->h_dest, ETH_ALEN);
		__builtin_memcpy(ev->wan_mac, eth->h_source, ETH_ALEN);
	}
	__builtin_memcpy(ev->saddr, p->saddr, 16);
	__builtin_memcpy(ev->daddr, p->daddr, 16);
	ev->kind = q ? UTM_EV_DNS : UTM_EV_IP;
	if (q && s) {
		ev->qtype = q->qtype;
		ev->qname_len = q->name_len;
		ev->match_off = q->match_off;
		ev->dns_mode = cfg->dns_mode;
		/* Only this query's name: the scratch buffer holds older bytes after it. */
		__builtin_memset(ev->qname, 0, sizeof(ev->qname));
		bpf_probe_read_kernel(ev->qname, (q->name_len + 1) & 0xff, s->name);
	} else {
		ev->qtype = ev->qname_len = ev->match_off = ev->dns_mode = 0;
		ev->qname[0] = 0;
	}
	bpf_ringbuf_submit(ev, 0);
	es->emitted++;
}

static __always_inline void count_list(__u16 list, __u64 bytes)
{
	__u32 key = list;
	struct utm_count *c = bpf_map_lookup_elem(&list_hits, &key);

	if (c)
		count(c, bytes);
}

/* Byte comparison: clang does not lower memcmp for the BPF target. */
static __always_inline int bytes_equal(const __u8 *a, const __u8 *b, int n)
{
	__u8 diff = 0;
	int i;

#pragma unroll
	for (i = 0; i < n; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

static __always_inline int bytes_zero(const __u8 *a, int n)
{
	__u8 any = 0;
	int i;

#pragma unroll
	for (i = 0; i < n; i++)
		any |= a[i];
	return any == 0;
}

/* 1 when the frame is for the UTM itself rather than for the other side. */
static __always_inline int for_host(const struct utm_port *port, const struct ethhdr *eth,
				    const struct pkt *p)
{
	if (!port->has_address)
		return 0;
	if (bytes_equal(eth->h_dest, port->mac, ETH_ALEN))
		return 1;
	if (p->eth_proto == ETH_P_ARP && !bytes_zero(p->arp_request_tpa, 4) &&
	    bytes_equal(p->arp_request_tpa, port->ipv4, 4))
		return 1;
	if (p->is_ns && !bytes_zero(p->nd_target, 16) &&
	    (bytes_equal(p->nd_target, port->ipv6, 16) || bytes_equal(p->nd_target, port->ipv6_ll, 16)))
		return 1;
	return 0;
}

enum verdict {
	V_FORWARD,
	V_DROP,
};

/* Apply the IP lists: block entries drop unless an allow entry matches. */
static __always_inline int check_lists(struct xdp_md *ctx, const struct pkt *p,
				       const struct utm_config *cfg, struct utm_port_stats *st,
				       __u32 role, __u64 len)
{
	__u8 dir = role == UTM_PORT_WAN ? UTM_DIR_INBOUND : UTM_DIR_OUTBOUND;
	__u32 gen = cfg->gen & 1;
	__u16 block, allow;

	block = match(gen, UTM_SLOT_BLOCK, p, dir);
	if (!block)
		return V_FORWARD;
	allow = match(gen, UTM_SLOT_ALLOW, p, dir);
	if (allow) {
		count(&st->allowlisted, len);
		count_list(allow, len);
		return V_FORWARD;
	}
	count(&st->dropped_blocklist, len);
	count_list(block, len);
	emit_block(ctx, p, cfg, block, dir, NULL, NULL);
	return V_DROP;
}

/*
 * The DNS guard, for queries from the LAN: XDP_TX when it answered,
 * XDP_DROP when it could not finish an answer (the query stays blocked),
 * -1 to bridge the frame as usual.
 */
static __always_inline int dns_guard(struct xdp_md *ctx, const struct pkt *p,
				     const struct utm_config *cfg, struct utm_port_stats *st,
				     __u64 len)
{
	struct dns_query q = {};
	struct dns_scratch *s;
	__u32 gen = cfg->gen & 1, avail, msg_len;
	__u16 allowed = 0;

	if (dns_read_header(ctx, p, len, &q))
		return -1;
	s = scratch();
	if (!s || !bpf_map_lookup_elem(&dns_names, &gen))
		return -1;
	avail = q.udp_len - 8 - DNS_HDR_LEN;
	if (avail > DNS_NAME_MAX)
		avail = DNS_NAME_MAX;
	if (avail == 0 ||
	    bpf_xdp_load_bytes(ctx, p->l4_off + 8 + DNS_HDR_LEN, s->name, avail))
		return -1;
	if (dns_find_labels(s, avail))
		return -1;
	q.name_len = s->name_len;
	q.nlab = s->nlab;
	if (dns_read_tail(ctx, p, &q))
		return -1;
	dns_hash_suffixes(q.name_len, q.nlab, cfg->dns_seed);
	if (!dns_match(&q, gen, &allowed)) {
		if (allowed) {
			count(&st->dns_allowlisted, len);
			count_list(allowed, len);
		}
		return -1;
	}
	msg_len = dns_build(s, &q, cfg);
	if (!msg_len)
		return -1;
	count(&st->dns_blocked, len);
	count_list(q.list, len);
	emit_block(ctx, p, cfg, q.list, UTM_DIR_OUTBOUND, &q, s);
	return dns_reply(ctx, p, s, len, msg_len) ? XDP_DROP : XDP_TX;
}

/* Plain UDP queries to port 53 from the LAN are the guard's. */
static __always_inline int dns_candidate(const struct pkt *p, const struct utm_config *cfg,
					 __u32 role, int rc)
{
	return cfg->dns_enabled && role == UTM_PORT_LAN && rc == PARSE_OK && p->family &&
	       p->proto == IPPROTO_UDP && p->dport == DNS_PORT && p->l4_off && !p->l3_extra;
}

#define TCP_FIN 0x01
#define TCP_RST 0x04

static __always_inline void flow_key_of(const struct pkt *p, struct utm_flow_key *k)
{
	k->family = p->family;
	k->proto = p->proto;
	k->sport = bpf_htons(p->sport);
	k->dport = bpf_htons(p->dport);
	__builtin_memcpy(k->saddr, p->saddr, 16);
	__builtin_memcpy(k->daddr, p->daddr, 16);
}

/*
 * Flows utm-inspect asked for: its verdict when it gave one (XDP_DROP, or
 * -1 to bridge), else XDP_REDIRECT to its socket for this port and queue.
 * -1 (bridge as usual) when the flow is not wanted or no socket is there:
 * the inspector failing open is the kernel removing its closed sockets.
 */
static __always_inline int steer(struct xdp_md *ctx, const struct pkt *p,
				 struct utm_port_stats *st, __u32 role, __u64 len)
{
	__u32 sp = p->sport, dp = p->dport, all = 0, slot;
	__u8 *fs = bpf_map_lookup_elem(&inspect_ports, &sp);
	__u8 *fd = bpf_map_lookup_elem(&inspect_ports, &dp);
	__u8 *fa = bpf_map_lookup_elem(&inspect_ports, &all);
	__u8 want = p->proto == IPPROTO_TCP ? UTM_STEER_TCP : UTM_STEER_UDP;
	__u8 want_all = p->proto == IPPROTO_TCP ? UTM_STEER_ALL_TCP : UTM_STEER_ALL_UDP;
	struct utm_flow_entry *v;
	struct utm_flow_key k = {};

	if (!fs || !fd || !fa || (!((*fs | *fd) & want) && !(*fa & want_all)))
		return -1;
	flow_key_of(p, &k);
	v = bpf_map_lookup_elem(&inspect_flows, &k);
	if (v) {
		v->last_ns = bpf_ktime_get_ns();
		v->packets++;
		v->bytes += len;
		if (p->tcp_flags & (TCP_FIN | TCP_RST))
			v->closing = 1;
		if (v->verdict != UTM_FLOW_DROP)
			return -1;
		count(&st->dropped_inspector, len);
		return XDP_DROP;
	}
	slot = role * UTM_XSK_QUEUES + (ctx->rx_queue_index & (UTM_XSK_QUEUES - 1));
	if (!bpf_map_lookup_elem(&xsks, &slot))
		return -1;
	count(&st->to_inspector, len);
	return bpf_redirect_map(&xsks, slot, 0);
}

/* TCP and UDP over IP, fully parsed, without IP options or extension headers. */
static __always_inline int steer_candidate(const struct pkt *p, int rc)
{
	return rc == PARSE_OK && p->family && p->l4_off && !p->l3_extra &&
	       (p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP);
}

SEC("xdp")
int utm_bridge(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 ifindex = ctx->ingress_ifindex, zero = 0, role;
	struct utm_port_stats *st;
	struct utm_config *cfg;
	struct utm_port *port;
	struct pkt p = {};
	__u64 len = end - data;
	long act;
	int rc;

	port = bpf_map_lookup_elem(&port_cfg, &ifindex);
	cfg = bpf_map_lookup_elem(&settings, &zero);
	if (!port || !cfg)
		return XDP_PASS; /* not (yet) a configured bridge port */
	role = port->role == UTM_PORT_WAN ? UTM_PORT_WAN : UTM_PORT_LAN;
	st = bpf_map_lookup_elem(&port_stats, &role);
	if (!st)
		return XDP_PASS;
	count(&st->rx, len);

	rc = parse_frame(data, end, &p);
	if ((void *)((struct ethhdr *)data + 1) <= end && for_host(port, data, &p)) {
		count(&st->to_host, len);
		return XDP_PASS;
	}
	/* Addresses, when known, are checked even if later headers are cut. */
	if (p.family && check_lists(ctx, &p, cfg, st, role, len) == V_DROP)
		return XDP_DROP;
	if (dns_candidate(&p, cfg, role, rc)) {
		act = dns_guard(ctx, &p, cfg, st, len);
		if (act >= 0)
			return act;
	}
	if (steer_candidate(&p, rc)) {
		act = steer(ctx, &p, st, role, len);
		if (act >= 0)
			return act;
	}
	if (rc != PARSE_OK) {
		count(&st->malformed, len);
		if (cfg->drop_malformed) {
			count(&st->dropped_malformed, len);
			return XDP_DROP;
		}
	}

	act = bpf_redirect_map(&tx_ports, ifindex, XDP_PASS);
	if (act == XDP_REDIRECT)
		count(&st->forwarded, len);
	else
		count(&st->no_peer, len);
	return act;
}
