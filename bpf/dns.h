/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The DNS guard: a query from the LAN for a blocked name is answered here,
 * with XDP_TX back to the client, and never reaches the internet.
 *
 * Only plain queries are handled: UDP to port 53 from the LAN port, no IP
 * options or IPv6 extension headers, one question of class IN without
 * compression, at most an EDNS OPT record. Anything else (and any name not
 * blocked) is bridged untouched; DNS over TCP is the inspector's.
 *
 * The name is copied into a per-CPU scratch buffer, its labels are found
 * walking forward, then it is hashed walking backward label by label
 * (dnshash.h) so that keys[l] is the key of the suffix starting at label
 * offset l; one lookup per label then matches the name and each parent.
 */
#ifndef UTM_DNS_H
#define UTM_DNS_H

#include "dnshash.h"

#define DNS_PORT 53
#define DNS_HDR_LEN 12
#define DNS_NAME_MAX 255 /* wire bytes including the root label */
#define DNS_LABELS_MAX 127
#define DNS_TYPE_A 1
#define DNS_TYPE_AAAA 28
#define DNS_TYPE_OPT 41
#define DNS_CLASS_IN 1
#define DNS_RCODE_NXDOMAIN 3
#define DNS_FLAG_QR 0x8000
#define DNS_FLAG_RD 0x0100
#define DNS_FLAG_RA 0x0080
#define DNS_OPCODE_MASK 0x7800
#define DNS_OPT_LEN 11
#define DNS_EDNS_UDP_SIZE 1232
#define DNS_ANSWER_MAX 28 /* pointer, type, class, ttl, rdlength, 16-byte AAAA */
/* header + name + type/class + answer + OPT */
#define DNS_RESP_MAX (DNS_HDR_LEN + DNS_NAME_MAX + 4 + DNS_ANSWER_MAX + DNS_OPT_LEN)

/*
 * Clamp an index for the verifier. The empty asm hides the value from the
 * compiler, which would otherwise drop a mask it can prove redundant and
 * leave the verifier with an index it cannot bound.
 */
#define bounded(x, mask)                           \
	({                                         \
		__u32 __v = (x);                   \
		asm volatile("" : "+r"(__v));      \
		__v & (mask);                      \
	})

/* Per-CPU working memory of the guard (too big for the BPF stack). */
struct dns_scratch {
	__u8 name[256];		      /* the question name as received */
	__u8 resp[DNS_RESP_MAX + 5];  /* the answer's DNS message, padded for csum */
	__u16 labs[DNS_LABELS_MAX + 1]; /* offsets of the label length bytes */
	__u64 keys[256];	      /* keys[l]: key of the suffix at label offset l */
	/*
	 * Results of dns_find_labels. They go through this map value on
	 * purpose: read back, they are unknown to the verifier, so it checks
	 * the code after the label loop once instead of once per loop exit.
	 */
	__u32 name_len, nlab;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dns_scratch);
} dns_scratch SEC(".maps");

/* What the guard learnt about one query. */
struct dns_query {
	__u16 id, flags;
	__u16 udp_len;	 /* from the UDP header */
	__u16 name_len;	 /* wire bytes before the root label */
	__u16 nlab;	 /* labels */
	__u16 qtype, qclass;
	__u16 has_opt;	 /* 1: the query carried an EDNS OPT record */
	__u16 match_off; /* offset in the name of the entry that matched */
	__u16 list;	 /* the list that blocks it */
};

/* Read the UDP and DNS headers; 0 when this is a query we may answer. */
static __always_inline int dns_read_header(struct xdp_md *ctx, const struct pkt *p,
					   __u32 pkt_len, struct dns_query *q)
{
	__u8 hdr[8 + DNS_HDR_LEN];
	__u16 qd, an, ns, ar;

	if (bpf_xdp_load_bytes(ctx, p->l4_off, hdr, sizeof(hdr)))
		return -1;
	q->udp_len = (__u16)hdr[4] << 8 | hdr[5];
	if (q->udp_len < sizeof(hdr) || p->l4_off + q->udp_len > pkt_len)
		return -1;
	q->id = (__u16)hdr[8] << 8 | hdr[9];
	q->flags = (__u16)hdr[10] << 8 | hdr[11];
	qd = (__u16)hdr[12] << 8 | hdr[13];
	an = (__u16)hdr[14] << 8 | hdr[15];
	ns = (__u16)hdr[16] << 8 | hdr[17];
	ar = (__u16)hdr[18] << 8 | hdr[19];
	if ((q->flags & (DNS_FLAG_QR | DNS_OPCODE_MASK)) || qd != 1 || an || ns || ar > 1)
		return -1;
	q->has_opt = ar;
	return 0;
}

/*
 * The loops below run through bpf_loop(), which the verifier checks once
 * per callback (and inlines), instead of walking every iteration of every
 * path: plain loops over 255 name bytes exhaust its budget.
 */
static __always_inline struct dns_scratch *scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&dns_scratch, &zero);
}

struct labels_ctx {
	__u32 pos, avail;
	int result; /* 1 while walking, 0 done, -1 not a plain name */
};

static long label_step(__u64 i, void *arg)
{
	struct labels_ctx *c = arg;
	struct dns_scratch *s = scratch();
	__u8 len;

	if (!s || c->pos >= c->avail || c->pos >= DNS_NAME_MAX)
		goto bad;
	len = s->name[bounded(c->pos, 0xff)];
	if (len == 0) {
		s->name_len = c->pos;
		s->nlab = i;
		c->result = c->pos ? 0 : -1; /* the root itself: nothing to block */
		return 1;
	}
	if (len & 0xC0) /* compression pointer or reserved: not ours */
		goto bad;
	s->labs[bounded(i, DNS_LABELS_MAX)] = c->pos;
	c->pos += len + 1;
	return 0;
bad:
	c->result = -1;
	return 1;
}

/* Find the labels of the question name; 0 when it is plain and complete. */
static __always_inline int dns_find_labels(struct dns_scratch *s, __u32 avail)
{
	struct labels_ctx c = { .avail = avail, .result = 1 };

	bpf_loop(DNS_LABELS_MAX + 1, label_step, &c, 0);
	return c.result == 0 ? 0 : -1;
}

/* Question type and class, and the EDNS OPT record if any. */
static __always_inline int dns_read_tail(struct xdp_md *ctx, const struct pkt *p,
					 struct dns_query *q)
{
	__u32 off = p->l4_off + 8 + DNS_HDR_LEN + q->name_len + 1;
	__u32 msg_end = p->l4_off + q->udp_len;
	__u8 b[4 + DNS_OPT_LEN];

	if (off + 4 > msg_end || bpf_xdp_load_bytes(ctx, off, b, 4))
		return -1;
	q->qtype = (__u16)b[0] << 8 | b[1];
	q->qclass = (__u16)b[2] << 8 | b[3];
	if (q->qclass != DNS_CLASS_IN)
		return -1;
	if (!q->has_opt)
		return 0;
	/* The OPT record: root owner, type 41, version 0, options fit. */
	if (off + 4 + DNS_OPT_LEN > msg_end || bpf_xdp_load_bytes(ctx, off, b, sizeof(b)))
		return -1;
	if (b[4] != 0 || b[5] != 0 || b[6] != DNS_TYPE_OPT || b[10] != 0)
		return -1;
	if (off + 4 + DNS_OPT_LEN + ((__u32)b[13] << 8 | b[14]) > msg_end)
		return -1;
	return 0;
}

struct hash_ctx {
	__u64 h;
	__u32 nlab;
	__u32 end; /* the label being hashed ends before this offset */
};

/* Hash one label backwards, from its last byte to its length byte. */
static long hash_label(__u64 j, void *arg)
{
	struct hash_ctx *c = arg;
	struct dns_scratch *s = scratch();
	__u32 start, i;
	__u64 h = c->h;

	if (!s)
		return 1;
	start = bounded(s->labs[bounded(c->nlab - 1 - (__u32)j, DNS_LABELS_MAX)], 0xff);
	for (i = 0; i < 64; i++) { /* a length byte and at most 63 more */
		__u32 at = c->end - 1 - i;

		if (at < start || at >= c->end)
			break;
		h = dnshash_step(h, s->name[bounded(at, 0xff)]);
	}
	s->keys[start] = dnshash_finish(h);
	c->h = h;
	c->end = start;
	return 0;
}

/* keys[l] = key of the suffix starting at label offset l, for each label. */
static __always_inline void dns_hash_suffixes(__u32 len, __u32 nlab, __u64 seed)
{
	struct hash_ctx c = { .h = seed, .nlab = nlab, .end = len };

	bpf_loop(nlab & DNS_LABELS_MAX, hash_label, &c, 0);
}

struct match_ctx {
	__u32 gen;
	__u16 block, allow, at;
};

static long match_step(__u64 j, void *arg)
{
	struct match_ctx *c = arg;
	struct dns_scratch *s = scratch();
	struct utm_dns_entry *e;
	struct utm_dns_key k;
	__u16 off, b, a;
	void *names;

	names = bpf_map_lookup_elem(&dns_names, &c->gen);
	if (!s || !names)
		return 1;
	off = bounded(s->labs[bounded(j, DNS_LABELS_MAX)], 0xff);
	k.hash = s->keys[off];
	e = bpf_map_lookup_elem(names, &k);
	if (!e)
		return 0;
	/* The name itself matches "name" entries, a parent "sub" entries. */
	b = j == 0 ? e->block_name : e->block_sub;
	a = j == 0 ? e->allow_name : e->allow_sub;
	if (b && !c->block) {
		c->block = b;
		c->at = off;
	}
	if (a)
		c->allow = a;
	return 0;
}

/*
 * The most specific block entry for the name or a parent, unless an allow
 * entry matches the name or a parent: allowlists win. Sets q->list.
 */
static __always_inline int dns_match(struct dns_query *q, __u32 gen, __u16 *allowed)
{
	struct match_ctx c = { .gen = gen };

	/* The top-level label alone is never an entry (lists refuse to block a
	 * whole TLD), so its lookup is skipped: one hash lookup fewer. */
	*allowed = 0;
	q->list = 0;
	if (q->nlab < 2)
		return 0;
	bpf_loop((q->nlab - 1) & DNS_LABELS_MAX, match_step, &c, 0);
	*allowed = c.block ? c.allow : 0;
	q->list = c.block;
	q->match_off = c.at;
	return c.block && !c.allow;
}

static __always_inline void put16(__u8 *b, __u16 v)
{
	b[0] = v >> 8;
	b[1] = v;
}

static __always_inline void put32(__u8 *b, __u32 v)
{
	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
}

/* The answer record for the query, per mode; returns its length (0: none). */
static __always_inline __u32 dns_put_answer(__u8 *a, const struct dns_query *q,
					    const struct utm_config *cfg)
{
	__u32 rdlen;

	if (cfg->dns_mode == UTM_DNS_NXDOMAIN || cfg->dns_mode == UTM_DNS_NODATA)
		return 0;
	if (q->qtype == DNS_TYPE_A)
		rdlen = 4;
	else if (q->qtype == DNS_TYPE_AAAA)
		rdlen = 16;
	else
		return 0; /* other types: no data, as Pi-hole's NULL mode */
	__builtin_memset(a + 12, 0, 16);
	/* A sinkhole without an IPv6 address answers AAAA with no data. */
	if (cfg->dns_mode == UTM_DNS_SINKHOLE && rdlen == 16) {
		__u8 any = 0;
		int i;

#pragma unroll
		for (i = 0; i < 16; i++)
			any |= cfg->dns_sink6[i];
		if (!any)
			return 0;
	}
	if (cfg->dns_mode == UTM_DNS_SINKHOLE) {
		if (rdlen == 4)
			__builtin_memcpy(a + 12, cfg->dns_sink4, 4);
		else
			__builtin_memcpy(a + 12, cfg->dns_sink6, 16);
	}
	put16(a, 0xC000 | DNS_HDR_LEN); /* the name: a pointer to the question */
	put16(a + 2, q->qtype);
	put16(a + 4, DNS_CLASS_IN);
	put32(a + 6, cfg->dns_ttl);
	put16(a + 10, rdlen);
	return 12 + rdlen;
}

/* Build the response message in s->resp; returns its length. */
static __always_inline __u32 dns_build(struct dns_scratch *s, const struct dns_query *q,
				       const struct utm_config *cfg)
{
	__u8 *r = s->resp;
	__u32 off = DNS_HDR_LEN + q->name_len + 1, ans;
	__u16 rcode = cfg->dns_mode == UTM_DNS_NXDOMAIN ? DNS_RCODE_NXDOMAIN : 0;

	/* The question as received, case and all (DNS 0x20 stays intact). */
	if (bpf_probe_read_kernel(r + DNS_HDR_LEN, (q->name_len + 1) & 0xff, s->name))
		return 0;
	off = bounded(off, 0x1ff);
	if (off > DNS_HDR_LEN + DNS_NAME_MAX || off < DNS_HDR_LEN + 1)
		return 0;
	r[off - 1] = 0;
	put16(r + off, q->qtype);
	put16(r + off + 2, q->qclass);
	off += 4;
	ans = dns_put_answer(r + off, q, cfg);
	off += ans;
	if (q->has_opt) {
		/* Our own OPT: root owner, type 41, our UDP size, no flags. */
		__u8 *o;

		off = bounded(off, 0x1ff);
		if (off > DNS_RESP_MAX - DNS_OPT_LEN)
			return 0;
		o = r + off;
		o[0] = 0;
		put16(o + 1, DNS_TYPE_OPT);
		put16(o + 3, DNS_EDNS_UDP_SIZE);
		put32(o + 5, 0);
		put16(o + 9, 0);
		off += DNS_OPT_LEN;
	}
	put16(r, q->id);
	put16(r + 2, DNS_FLAG_QR | (q->flags & DNS_FLAG_RD) | DNS_FLAG_RA | rcode);
	put16(r + 4, 1);
	put16(r + 6, ans ? 1 : 0);
	put16(r + 8, 0);
	put16(r + 10, q->has_opt);
	/* Zero padding for the checksum, which sums whole 32-bit words. */
	off = bounded(off, 0x1ff);
	if (off > DNS_RESP_MAX)
		return 0;
	r[off] = r[off + 1] = r[off + 2] = r[off + 3] = 0;
	return off;
}

static __always_inline __u16 csum_fold(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* UDP checksum of the answer: pseudo header, UDP header, message. */
static __always_inline __u16 dns_udp_csum(struct dns_scratch *s, __u32 msg_len,
					  const struct pkt *p, __u16 sport, __u16 dport)
{
	__u32 words = (msg_len + 3) & ~3U, alen = p->family == 4 ? 4 : 16;
	__u16 udp_len = 8 + msg_len, c;
	__u64 sum = 0;
	__s64 part;

	if (words > sizeof(s->resp))
		return 0;
	part = bpf_csum_diff(0, 0, (__be32 *)s->resp, words, 0);
	if (part < 0)
		return 0;
	sum += (__u32)part;
	part = bpf_csum_diff(0, 0, (__be32 *)p->saddr, alen, 0);
	sum += part < 0 ? 0 : (__u32)part;
	part = bpf_csum_diff(0, 0, (__be32 *)p->daddr, alen, 0);
	sum += part < 0 ? 0 : (__u32)part;
	/* Protocol, UDP length (twice: pseudo header and UDP header), ports. */
	sum += bpf_htons(IPPROTO_UDP) + bpf_htons(udp_len) + bpf_htons(udp_len);
	sum += bpf_htons(sport) + bpf_htons(dport);
	c = ~csum_fold(sum);
	return c ? c : 0xffff;
}

static __always_inline void swap_bytes(__u8 *a, __u8 *b, int n)
{
	int i;

#pragma unroll
	for (i = 0; i < n; i++) {
		__u8 t = a[i];

		a[i] = b[i];
		b[i] = t;
	}
}

static __always_inline __u16 ip4_csum(struct iphdr *ip)
{
	__u16 *w = (__u16 *)ip;
	__u64 sum = 0;
	int i;

	ip->check = 0;
#pragma unroll
	for (i = 0; i < 10; i++)
		sum += w[i];
	return ~csum_fold(sum);
}

/*
 * Make the frame total bytes long. An answer is usually longer than its
 * query; drivers (and veth for frames from the stack) may leave no
 * tailroom, but XDP guarantees XDP_PACKET_HEADROOM in front, so when the
 * tail cannot grow the frame grows at the head: the caller rewrites every
 * byte of it anyway.
 */
static __always_inline int dns_resize(struct xdp_md *ctx, __u32 pkt_len, __u32 total)
{
	int delta = (int)total - (int)pkt_len;

	if (bpf_xdp_adjust_tail(ctx, delta) == 0)
		return 0;
	return delta > 0 ? bpf_xdp_adjust_head(ctx, -delta) : -1;
}

/*
 * Turn the query frame into the answer frame: swap the addresses and ports,
 * fix lengths and checksums, and put the answer message in. The headers are
 * read before the resize (which may move the frame's start) and written
 * back with bpf_xdp_store_bytes, which also spares the verifier variable
 * packet offsets (the IP header's moves with VLAN tags).
 */
static __always_inline int dns_reply(struct xdp_md *ctx, const struct pkt *p,
				     struct dns_scratch *s, __u32 pkt_len, __u32 msg_len)
{
	__u32 l3 = p->l3_off, l4 = p->l4_off, l2len = bounded(l3, 0x1f);
	__u16 csum = dns_udp_csum(s, msg_len, p, p->dport, p->sport);
	struct udphdr udp = {
		.source = bpf_htons(p->dport),
		.dest = bpf_htons(p->sport),
		.len = bpf_htons(8 + msg_len),
		.check = csum,
	};
	__u8 l2[ETH_HLEN + 4 * UTM_MAX_VLAN_TAGS];
	union {
		struct iphdr v4;
		struct ipv6hdr v6;
	} ip;

	if (!csum || msg_len > DNS_RESP_MAX || l2len < ETH_HLEN || l2len > sizeof(l2))
		return -1;
	if (bpf_xdp_load_bytes(ctx, 0, l2, l2len) ||
	    bpf_xdp_load_bytes(ctx, l3, &ip, p->family == 4 ? sizeof(ip.v4) : sizeof(ip.v6)))
		return -1;
	swap_bytes(l2, l2 + ETH_ALEN, ETH_ALEN);
	if (p->family == 4) {
		swap_bytes((__u8 *)&ip.v4.saddr, (__u8 *)&ip.v4.daddr, 4);
		ip.v4.tot_len = bpf_htons(l4 - l3 + 8 + msg_len);
		ip.v4.ttl = 64;
		ip.v4.frag_off = 0;
		ip.v4.check = ip4_csum(&ip.v4);
	} else {
		swap_bytes((__u8 *)&ip.v6.saddr, (__u8 *)&ip.v6.daddr, 16);
		ip.v6.payload_len = bpf_htons(8 + msg_len);
		ip.v6.hop_limit = 64;
	}
	if (dns_resize(ctx, pkt_len, l4 + 8 + msg_len))
		return -1;
	if (bpf_xdp_store_bytes(ctx, 0, l2, l2len) ||
	    bpf_xdp_store_bytes(ctx, l3, &ip, p->family == 4 ? sizeof(ip.v4) : sizeof(ip.v6)) ||
	    bpf_xdp_store_bytes(ctx, l4, &udp, sizeof(udp)))
		return -1;
	return bpf_xdp_store_bytes(ctx, l4 + 8, s->resp, msg_len) ? -1 : 0;
}

#endif /* UTM_DNS_H */
