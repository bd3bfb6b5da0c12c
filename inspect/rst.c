// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* TCP reset frames (inspect/rst.h). */
#include <netinet/in.h>
#include <string.h>

#include "inspect/pkt.h"
#include "inspect/rst.h"
#include "lib/inetsum.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static void tcp_checksum(uint8_t *ip, int family, uint8_t *tcp, size_t tcp_len)
{
	uint8_t pseudo[40];
	size_t alen = family == 4 ? 4 : 16, plen;
	uint32_t s;

	memcpy(pseudo, ip + (family == 4 ? 12 : 8), alen);
	memcpy(pseudo + alen, ip + (family == 4 ? 16 : 24), alen);
	plen = 2 * alen;
	pseudo[plen] = 0;
	pseudo[plen + 1] = IPPROTO_TCP;
	put16(pseudo + plen + 2, (uint16_t)tcp_len);
	put16(tcp + 16, 0);
	s = inetsum_add(0, pseudo, plen + 4);
	put16(tcp + 16, inetsum_final(inetsum_add(s, tcp, tcp_len)));
}

size_t tcp_reply_head(const uint8_t *frame, const struct pkt_info *p, enum rst_target target,
		      uint8_t *out, size_t *l3_out)
{
	size_t l3 = 14, l4;
	uint8_t *ip;
	int fam = p->tuple.family, to_sender = target == RST_TO_SENDER;

	while ((frame[l3 - 2] == 0x81 || frame[l3 - 2] == 0x88) && l3 < 22)
		l3 += 4; /* VLAN tags: kept as they are */
	l4 = l3 + (fam == 4 ? 20 : 40);
	memcpy(out, frame, l3);
	if (to_sender) { /* swap the MACs */
		memcpy(out, frame + 6, 6);
		memcpy(out + 6, frame, 6);
	}
	ip = out + l3;
	memcpy(ip, frame + l3, l4 - l3);
	if (to_sender) { /* and the addresses */
		size_t a = fam == 4 ? 12 : 8, n = fam == 4 ? 4 : 16;

		memcpy(ip + a, frame + l3 + a + n, n);
		memcpy(ip + a + n, frame + l3 + a, n);
	}
	memset(out + l4, 0, 20);
	put16(out + l4, to_sender ? p->tuple.dport : p->tuple.sport);
	put16(out + l4 + 2, to_sender ? p->tuple.sport : p->tuple.dport);
	*l3_out = l3;
	return l4;
}

void tcp_reply_finish(uint8_t *ip, int family, size_t tcp_len)
{
	if (family == 4) {
		put16(ip + 2, (uint16_t)(20 + tcp_len));
		ip[8] = 64; /* TTL */
		put16(ip + 10, 0);
		put16(ip + 10, inetsum_final(inetsum_add(0, ip, 20)));
	} else {
		put16(ip + 4, (uint16_t)tcp_len);
		ip[7] = 64; /* hop limit */
	}
	tcp_checksum(ip, family, ip + (family == 4 ? 20 : 40), tcp_len);
}

size_t rst_build(const uint8_t *frame, size_t len, enum rst_target target, uint8_t *out)
{
	struct pkt_info p;
	size_t l3, l4;
	uint8_t *tcp;
	int to_sender = target == RST_TO_SENDER;
	uint32_t seq;

	if (pkt_parse(frame, len, &p) != PKT_OK || p.tuple.proto != IPPROTO_TCP)
		return 0;
	l4 = tcp_reply_head(frame, &p, target, out, &l3);
	tcp = out + l4;
	/*
	 * To the sender: at the sequence number it expects from the peer (the
	 * frame's ack). To the receiver: at the sequence of the dropped frame,
	 * which is what it expects next.
	 */
	seq = to_sender ? p.ack : p.seq;
	put32(tcp + 4, seq);
	tcp[12] = 5 << 4;
	tcp[13] = PKT_TCP_RST;
	if (to_sender && !(p.tcp_flags & PKT_TCP_ACK)) {
		/* A frame without ACK (a SYN) is answered by RST+ACK of what it sent. */
		put32(tcp + 4, 0);
		put32(tcp + 8, p.seq + p.payload_len + (p.tcp_flags & PKT_TCP_SYN ? 1 : 0));
		tcp[13] |= PKT_TCP_ACK;
	}
	tcp_reply_finish(out + l3, p.tuple.family, 20);
	return l4 + 20;
}

/* Ethernet (MACs swapped, tags kept) of a reply to frame; its length. */
static size_t reply_l2(const uint8_t *frame, uint8_t *out)
{
	size_t l3 = 14;

	while ((frame[l3 - 2] == 0x81 || frame[l3 - 2] == 0x88) && l3 < 22)
		l3 += 4;
	memcpy(out, frame, l3);
	memcpy(out, frame + 6, 6);
	memcpy(out + 6, frame, 6);
	return l3;
}

size_t unreach_build(const uint8_t *frame, size_t len, uint8_t *out)
{
	struct pkt_info p;
	size_t l3, ihl, quote;
	uint8_t *ip, *icmp;
	const uint8_t *orig;

	if (pkt_parse(frame, len, &p) != PKT_OK || p.tuple.proto != IPPROTO_UDP)
		return 0;
	l3 = reply_l2(frame, out);
	orig = frame + l3;
	ip = out + l3;
	ihl = p.tuple.family == 4 ? 20 : 40;
	quote = ihl + 8; /* the offending header and the UDP header */
	if (p.tuple.family == 4) {
		memset(ip, 0, 20);
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(20 + 8 + quote));
		ip[8] = 64;
		ip[9] = IPPROTO_ICMP;
		memcpy(ip + 12, orig + 16, 4);
		memcpy(ip + 16, orig + 12, 4);
		put16(ip + 10, inetsum_final(inetsum_add(0, ip, 20)));
		icmp = ip + 20;
		memset(icmp, 0, 8);
		icmp[0] = 3; /* destination unreachable */
		icmp[1] = 3; /* port unreachable */
		memcpy(icmp + 8, orig, quote);
		put16(icmp + 2, inetsum_final(inetsum_add(0, icmp, 8 + quote)));
		return l3 + 20 + 8 + quote;
	}
	memset(ip, 0, 40);
	ip[0] = 0x60;
	put16(ip + 4, (uint16_t)(8 + quote));
	ip[6] = 58; /* ICMPv6 */
	ip[7] = 64;
	memcpy(ip + 8, orig + 24, 16);
	memcpy(ip + 24, orig + 8, 16);
	icmp = ip + 40;
	memset(icmp, 0, 8);
	icmp[0] = 1; /* destination unreachable */
	icmp[1] = 4; /* port unreachable */
	memcpy(icmp + 8, orig, quote);
	{
		uint8_t pseudo[40];
		uint32_t sum;

		memcpy(pseudo, ip + 8, 32);
		memset(pseudo + 32, 0, 8);
		put16(pseudo + 34, (uint16_t)(8 + quote));
		pseudo[39] = 58;
		sum = inetsum_add(0, pseudo, 40);
		put16(icmp + 2, inetsum_final(inetsum_add(sum, icmp, 8 + quote)));
	}
	return l3 + 40 + 8 + quote;
}

/* The end of the question at q (name, type, class) within n bytes; 0 when cut or bad. */
static size_t question_end(const uint8_t *dns, size_t n)
{
	size_t o = 12;

	while (o < n && dns[o]) {
		if (dns[o] & 0xc0) /* a compression pointer has no place in a query's question */
			return 0;
		o += 1 + dns[o];
	}
	return o + 5 <= n && o - 12 < 256 ? o + 5 : 0;
}

size_t dns_nxdomain_build(const uint8_t *frame, size_t len, uint8_t *out)
{
	struct pkt_info p;
	const uint8_t *dns;
	uint8_t *ip, *udp, *ans;
	size_t l3, ihl, qend, udp_len;
	uint32_t sum;

	if (pkt_parse(frame, len, &p) != PKT_OK || p.tuple.proto != IPPROTO_UDP ||
	    p.payload_len < 12)
		return 0;
	dns = frame + p.payload_off;
	/* a query (QR 0, opcode QUERY) with one question */
	if ((dns[2] & 0xf8) || dns[4] || dns[5] != 1 || !(qend = question_end(dns, p.payload_len)))
		return 0;
	l3 = reply_l2(frame, out);
	ihl = p.tuple.family == 4 ? 20 : 40;
	ip = out + l3;
	memcpy(ip, frame + l3, ihl);
	udp = ip + ihl;
	ans = udp + 8;
	memcpy(ans, dns, qend);
	ans[2] = 0x80 | (dns[2] & 0x01); /* QR, RD as asked */
	ans[3] = 0x80 | 3;		 /* RA, NXDOMAIN */
	memset(ans + 6, 0, 6);		 /* no answer, authority or additional record */
	udp_len = 8 + qend;
	put16(udp, p.tuple.dport);
	put16(udp + 2, p.tuple.sport);
	put16(udp + 4, (uint16_t)udp_len);
	put16(udp + 6, 0);
	if (p.tuple.family == 4) {
		memcpy(ip + 12, frame + l3 + 16, 4);
		memcpy(ip + 16, frame + l3 + 12, 4);
		put16(ip + 2, (uint16_t)(20 + udp_len));
		ip[8] = 64;
		put16(ip + 10, 0);
		put16(ip + 10, inetsum_final(inetsum_add(0, ip, 20)));
		sum = inetsum_add(0, ip + 12, 8);
	} else {
		memcpy(ip + 8, frame + l3 + 24, 16);
		memcpy(ip + 24, frame + l3 + 8, 16);
		put16(ip + 4, (uint16_t)udp_len);
		ip[7] = 64;
		sum = inetsum_add(0, ip + 8, 32);
	}
	{
		uint8_t tail[4] = {0, IPPROTO_UDP, (uint8_t)(udp_len >> 8), (uint8_t)udp_len};
		uint16_t c;

		sum = inetsum_add(sum, tail, 4);
		c = inetsum_final(inetsum_add(sum, udp, udp_len));
		put16(udp + 6, c ? c : 0xffff); /* 0 means "no checksum" in UDP */
	}
	return l3 + ihl + udp_len;
}
