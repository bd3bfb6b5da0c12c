// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Frame headers for the inspector (inspect/pkt.h). */
#include <netinet/in.h>
#include <string.h>

#include "inspect/pkt.h"

#define ETH_HLEN     14
#define ETH_P_IP     0x0800
#define ETH_P_IPV6   0x86dd
#define ETH_P_8021Q  0x8100
#define ETH_P_8021AD 0x88a8

static uint16_t get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t get32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* The transport header at off, l4_len bytes of the IP payload. */
static enum pkt_result parse_l4(const uint8_t *f, size_t len, size_t off, size_t l4_len,
				struct pkt_info *info)
{
	size_t hlen;

	if (off + l4_len > len)
		return PKT_MALFORMED;
	if (info->tuple.proto == IPPROTO_UDP) {
		if (l4_len < 8)
			return PKT_MALFORMED;
		hlen = 8;
	} else if (info->tuple.proto == IPPROTO_TCP) {
		if (l4_len < 20)
			return PKT_MALFORMED;
		hlen = (size_t)(f[off + 12] >> 4) * 4;
		if (hlen < 20 || hlen > l4_len)
			return PKT_MALFORMED;
		info->seq = get32(f + off + 4);
		info->ack = get32(f + off + 8);
		info->tcp_flags = f[off + 13];
	} else {
		return PKT_OTHER;
	}
	info->tuple.sport = get16(f + off);
	info->tuple.dport = get16(f + off + 2);
	info->payload_off = (uint16_t)(off + hlen);
	info->payload_len = (uint16_t)(l4_len - hlen);
	return PKT_OK;
}

static enum pkt_result parse_ipv4(const uint8_t *f, size_t len, size_t off, struct pkt_info *info)
{
	size_t tot, ihl;

	if (off + 20 > len || f[off] >> 4 != 4)
		return PKT_MALFORMED;
	ihl = (size_t)(f[off] & 0xf) * 4;
	tot = get16(f + off + 2);
	if (ihl < 20 || tot < ihl || off + tot > len)
		return PKT_MALFORMED;
	if (ihl != 20 || (get16(f + off + 6) & 0x3fff))
		return PKT_OTHER; /* options or a fragment: not steered */
	info->tuple.family = 4;
	info->tuple.proto = f[off + 9];
	memcpy(info->tuple.saddr, f + off + 12, 4);
	memcpy(info->tuple.daddr, f + off + 16, 4);
	return parse_l4(f, len, off + 20, tot - 20, info);
}

static enum pkt_result parse_ipv6(const uint8_t *f, size_t len, size_t off, struct pkt_info *info)
{
	size_t plen;

	if (off + 40 > len || f[off] >> 4 != 6)
		return PKT_MALFORMED;
	plen = get16(f + off + 4);
	if (off + 40 + plen > len)
		return PKT_MALFORMED;
	info->tuple.family = 6;
	info->tuple.proto = f[off + 6];
	memcpy(info->tuple.saddr, f + off + 8, 16);
	memcpy(info->tuple.daddr, f + off + 24, 16);
	return parse_l4(f, len, off + 40, plen, info);
}

enum pkt_result pkt_parse(const uint8_t *frame, size_t len, struct pkt_info *info)
{
	size_t off = 12;
	uint16_t type;
	int tags;

	memset(info, 0, sizeof(*info));
	if (len < ETH_HLEN)
		return PKT_MALFORMED;
	type = get16(frame + off);
	for (tags = 0; (type == ETH_P_8021Q || type == ETH_P_8021AD) && tags < 2; tags++) {
		if (off + 6 > len)
			return PKT_MALFORMED;
		if (!tags)
			info->vlan = get16(frame + off + 2) & 0x0fff;
		off += 4;
		type = get16(frame + off);
	}
	off += 2;
	if (type == ETH_P_IP)
		return parse_ipv4(frame, len, off, info);
	if (type == ETH_P_IPV6)
		return parse_ipv6(frame, len, off, info);
	return PKT_OTHER;
}
