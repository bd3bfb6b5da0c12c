/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Frame parsing for the XDP bridge: Ethernet, up to two VLAN tags
 * (802.1Q/802.1ad), ARP, IPv4, IPv6 with a bounded walk over extension
 * headers, and the first bytes of TCP/UDP/SCTP/ICMP. Every read is bounds
 * checked against data_end; a frame that is too short for what its headers
 * announce is reported as malformed, never read past.
 */
#ifndef UTM_PARSE_H
#define UTM_PARSE_H

/* Constants that BTF (and so vmlinux.h) does not carry. */
#define ETH_ALEN 6
#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_IPV6 0x86DD
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88A8
#define UTM_IPPROTO_HOPOPTS 0
#define UTM_IPPROTO_ROUTING 43
#define UTM_IPPROTO_FRAGMENT 44
#define UTM_IPPROTO_AH 51
#define UTM_IPPROTO_DSTOPTS 60
#define UTM_IPPROTO_ICMPV6 58
#define UTM_IPPROTO_SCTP 132
#define ARPOP_REQUEST 1
#define ND_NEIGHBOR_SOLICIT 135
#define IP_MF 0x2000
#define IP_OFFSET 0x1FFF
#define UTM_MAX_VLAN_TAGS 2
#define UTM_MAX_IPV6_EXT 6

/* What the bridge needs to know about a frame. */
struct pkt {
	__u8 family; /* 4, 6, or 0 for anything that is not IP */
	__u8 proto;  /* IP protocol of the transport header */
	__u16 vlan;  /* outer VLAN id, or 0 */
	__u16 sport; /* host order; 0 when unknown */
	__u16 dport; /* host order; ICMP: type << 8 | code */
	__u16 eth_proto; /* innermost ethertype, host order */
	__u8 arp_request_tpa[4]; /* target address of an ARP request, else 0 */
	__u8 nd_target[16];	 /* target of a neighbour solicitation, else 0 */
	__u8 is_ns;		 /* 1: ICMPv6 neighbour solicitation */
	__u8 tcp_flags;		 /* TCP: the flags byte (FIN 0x01, SYN 0x02, RST 0x04...), else 0 */
	__u8 l3_extra;		 /* 1: IPv4 options or IPv6 extension headers */
	__u16 l3_off;		 /* offset of the IP header in the frame */
	__u16 l4_off;		 /* offset of the transport header, 0 if none */
	__u8 saddr[16];
	__u8 daddr[16];
};

enum parse_result {
	PARSE_OK = 0,
	PARSE_MALFORMED = -1, /* headers announce more than the frame holds */
};

static __always_inline int parse_l4(void *data, void *l4, void *end, struct pkt *p)
{
	__u8 *b = l4;

	/* Extension headers may announce more than the frame holds. */
	if (l4 > end)
		return PARSE_MALFORMED;
	p->l4_off = l4 - data;
	switch (p->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case UTM_IPPROTO_SCTP:
		if ((void *)(b + 4) > end)
			return PARSE_MALFORMED;
		p->sport = (__u16)b[0] << 8 | b[1];
		p->dport = (__u16)b[2] << 8 | b[3];
		/* Ports are enough to bridge; the flags only serve flow expiry. */
		if (p->proto == IPPROTO_TCP && (void *)(b + 14) <= end)
			p->tcp_flags = b[13];
		return PARSE_OK;
	case IPPROTO_ICMP:
	case UTM_IPPROTO_ICMPV6:
		if ((void *)(b + 2) > end)
			return PARSE_MALFORMED;
		p->dport = (__u16)b[0] << 8 | b[1];
		if (p->proto == UTM_IPPROTO_ICMPV6 && b[0] == ND_NEIGHBOR_SOLICIT) {
			if ((void *)(b + 24) > end)
				return PARSE_MALFORMED;
			p->is_ns = 1;
			__builtin_memcpy(p->nd_target, b + 8, 16);
		}
		return PARSE_OK;
	}
	return PARSE_OK;
}

static __always_inline int parse_ipv4(void *data, void *l3, void *end, struct pkt *p)
{
	struct iphdr *ip = l3;
	__u32 hlen;

	if ((void *)(ip + 1) > end)
		return PARSE_MALFORMED;
	if (ip->version != 4 || ip->ihl < 5)
		return PARSE_MALFORMED;
	p->family = 4;
	p->proto = ip->protocol;
	__builtin_memcpy(p->saddr, &ip->saddr, 4);
	__builtin_memcpy(p->daddr, &ip->daddr, 4);
	hlen = (ip->ihl & 0xf) * 4;
	if (l3 + hlen > end)
		return PARSE_MALFORMED;
	p->l3_extra = hlen > sizeof(*ip) || (ip->frag_off & bpf_htons(IP_MF));
	/* Later fragments carry no transport header: addresses are enough. */
	if (ip->frag_off & bpf_htons(IP_OFFSET))
		return PARSE_OK;
	return parse_l4(data, l3 + hlen, end, p);
}

static __always_inline int parse_ipv6(void *data, void *l3, void *end, struct pkt *p)
{
	struct ipv6hdr *ip6 = l3;
	void *cur = ip6 + 1;
	__u8 next;
	int i;

	if ((void *)(ip6 + 1) > end)
		return PARSE_MALFORMED;
	if (ip6->version != 6)
		return PARSE_MALFORMED;
	p->family = 6;
	__builtin_memcpy(p->saddr, &ip6->saddr, 16);
	__builtin_memcpy(p->daddr, &ip6->daddr, 16);
	next = ip6->nexthdr;

	for (i = 0; i < UTM_MAX_IPV6_EXT; i++) {
		__u8 *ext = cur;

		if (next != UTM_IPPROTO_HOPOPTS && next != UTM_IPPROTO_ROUTING &&
		    next != UTM_IPPROTO_DSTOPTS && next != UTM_IPPROTO_FRAGMENT &&
		    next != UTM_IPPROTO_AH)
			break;
		if ((void *)(ext + 8) > end)
			return PARSE_MALFORMED;
		p->l3_extra = 1;
		if (next == UTM_IPPROTO_FRAGMENT) {
			/* A later fragment has no transport header. */
			if ((((__u16)ext[2] << 8 | ext[3]) & 0xFFF8) != 0) {
				p->proto = ext[0];
				return PARSE_OK;
			}
			cur = ext + 8;
		} else if (next == UTM_IPPROTO_AH) {
			cur = ext + ((__u32)ext[1] + 2) * 4;
		} else {
			cur = ext + ((__u32)ext[1] + 1) * 8;
		}
		next = ext[0];
	}
	p->proto = next;
	return parse_l4(data, cur, end, p);
}

static __always_inline int parse_arp(void *l3, void *end, struct pkt *p)
{
	__u8 *arp = l3;

	/* Ethernet/IPv4 ARP: 8 bytes of header, then sha, spa, tha, tpa. */
	if ((void *)(arp + 28) > end)
		return PARSE_MALFORMED;
	if (arp[6] == 0 && arp[7] == ARPOP_REQUEST && arp[4] == ETH_ALEN && arp[5] == 4)
		__builtin_memcpy(p->arp_request_tpa, arp + 24, 4);
	return PARSE_OK;
}

/* Parse a frame; the result says whether its headers were consistent. */
static __always_inline int parse_frame(void *data, void *end, struct pkt *p)
{
	struct ethhdr *eth = data;
	void *cur = eth + 1;
	__u16 proto;
	int i;

	if ((void *)(eth + 1) > end)
		return PARSE_MALFORMED;
	proto = bpf_ntohs(eth->h_proto);

	for (i = 0; i < UTM_MAX_VLAN_TAGS; i++) {
		struct vlan_hdr *vh = cur;

		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			break;
		if ((void *)(vh + 1) > end)
			return PARSE_MALFORMED;
		if (i == 0)
			p->vlan = bpf_ntohs(vh->h_vlan_TCI) & 0x0FFF;
		proto = bpf_ntohs(vh->h_vlan_encapsulated_proto);
		cur = vh + 1;
	}
	p->eth_proto = proto;
	p->l3_off = cur - data;
	/* More tags than we unwrap: the addresses inside are unknown. */
	if (proto == ETH_P_8021Q || proto == ETH_P_8021AD)
		return PARSE_MALFORMED;

	switch (proto) {
	case ETH_P_IP:
		return parse_ipv4(data, cur, end, p);
	case ETH_P_IPV6:
		return parse_ipv6(data, cur, end, p);
	case ETH_P_ARP:
		return parse_arp(cur, end, p);
	}
	return PARSE_OK; /* any other ethertype is bridged as it is */
}

#endif /* UTM_PARSE_H */
