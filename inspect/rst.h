/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * TCP resets (and ICMP port unreachables for UDP) for reject rules: from the frame that triggered
 * the rule, build the RST its sender must see (as if from the peer) and the RST its receiver must
 * see (as if from the sender), so that both ends drop the connection at once instead of timing out.
 * Pure: frame in, frame out.
 */
#ifndef UTM_INSPECT_RST_H
#define UTM_INSPECT_RST_H

#include <stddef.h>
#include <stdint.h>

/* Room for any RST this builds: Ethernet, two VLAN tags, IPv6, TCP. */
#define RST_FRAME_MAX (14 + 8 + 40 + 20)

struct pkt_info;

enum rst_target {
	RST_TO_SENDER = 0,   /* back out of the port the frame came in on */
	RST_TO_RECEIVER = 1, /* out of the other port, where the frame was going */
};

/*
 * Build in out (RST_FRAME_MAX bytes) the reset for target from a TCP frame
 * (Ethernet, optional VLAN tags, IPv4 without options or IPv6, TCP). Its
 * length, or 0 when the frame is not such a TCP frame.
 */
size_t rst_build(const uint8_t *frame, size_t len, enum rst_target target, uint8_t *out);

/*
 * The pieces of rst_build that inject.c (block pages) shares. tcp_reply_head
 * writes to out the Ethernet header (tags kept), the IP header (IPv4 without
 * options or IPv6, its fields copied) and a zeroed 20-byte TCP header with
 * the ports, all turned around for RST_TO_SENDER, of a segment on the
 * connection of frame, which pkt_parse accepted as TCP (p). Returns the
 * offset of the TCP header; *l3 is the IP header's. tcp_reply_finish, once
 * the TCP header and payload (tcp_len bytes after the IP header) are
 * written, sets the IP length, TTL 64 and the IPv4 and TCP checksums.
 */
size_t tcp_reply_head(const uint8_t *frame, const struct pkt_info *p, enum rst_target target,
		      uint8_t *out, size_t *l3);
void tcp_reply_finish(uint8_t *ip, int family, size_t tcp_len);

/* Room for any ICMP unreachable this builds: headers plus the quoted IP header and 8 bytes. */
#define UNREACH_FRAME_MAX (14 + 8 + 40 + 8 + 40 + 8)

/*
 * reject for UDP: the ICMP (or ICMPv6) port unreachable its sender gets
 * from the destination, quoting the offending datagram's IP header and
 * first 8 bytes. Its length in out (UNREACH_FRAME_MAX bytes), or 0 when the
 * frame is not UDP over IPv4/IPv6.
 */
size_t unreach_build(const uint8_t *frame, size_t len, uint8_t *out);

/* The largest DNS refusal dns_nxdomain_build writes (a question of a 255-byte name). */
#define NXDOMAIN_FRAME_MAX (22 + 40 + 8 + 12 + 256 + 4)

/*
 * From a DNS query over UDP (Ethernet, VLAN tags, IPv4 without options or
 * IPv6), the answer "no such name" (NXDOMAIN) from the server it was
 * asked, to send back out of the port it came in on: the question kept,
 * no record, RA set, EDNS dropped. Its length, or 0 when the frame is not a
 * single-question query.
 */
size_t dns_nxdomain_build(const uint8_t *frame, size_t len, uint8_t *out);

#endif /* UTM_INSPECT_RST_H */
