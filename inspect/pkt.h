/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The headers of a frame the inspector received: Ethernet (with up to two
 * VLAN tags), IPv4 or IPv6, TCP or UDP, and where the payload is. A pure
 * function over the frame's bytes; what it cannot parse it says so, and
 * the inspector then forwards the frame untouched.
 */
#ifndef UTM_INSPECT_PKT_H
#define UTM_INSPECT_PKT_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/flow.h"

/* TCP flags of struct pkt_info.tcp_flags. */
#define PKT_TCP_FIN 0x01
#define PKT_TCP_SYN 0x02
#define PKT_TCP_RST 0x04
#define PKT_TCP_PSH 0x08
#define PKT_TCP_ACK 0x10

struct pkt_info {
	struct flow_tuple tuple; /* addresses, ports (host order), protocol */
	uint16_t vlan;		 /* outer VLAN id, 0 when untagged */
	uint8_t tcp_flags;
	uint32_t seq, ack;    /* TCP, host order */
	uint16_t payload_off; /* offset of the transport payload in the frame */
	uint16_t payload_len; /* bytes of payload (IP length minus headers, within the frame) */
};

enum pkt_result {
	PKT_OK = 0,	   /* TCP or UDP over IPv4/IPv6: info filled */
	PKT_OTHER = 1,	   /* not TCP/UDP over IP (ARP, ICMP, IP options...): forward as is */
	PKT_MALFORMED = -1 /* headers cut short or inconsistent */
};

/*
 * Parse len bytes of an Ethernet frame. IPv4 with options and IPv6 with
 * extension headers are PKT_OTHER: the XDP program never steers them.
 */
enum pkt_result pkt_parse(const uint8_t *frame, size_t len, struct pkt_info *info);

#endif /* UTM_INSPECT_PKT_H */
