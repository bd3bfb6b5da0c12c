// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Segments from the server to the client in its name (inspect/inject.h). */
#include <limits.h>
#include <netinet/in.h>
#include <string.h>

#include "inspect/inject.h"
#include "inspect/pkt.h"
#include "inspect/rst.h"

/* Largest payload per segment: the IPv4 total length and IPv6 payload length are 16-bit. */
#define INJECT_MSS_MAX (65535 - 20 - 32)

/*
 * Not a zero window like a RST's: the client must still be able to send its
 * FIN after reading the page, and a zero window would leave it probing. The
 * server's window scale is unknown, so this is only a lower bound.
 */
#define INJECT_WINDOW 8192

#define TCPOPT_NOP	 1
#define TCPOPT_TIMESTAMP 8

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * The request's timestamp option (TSval, TSecr) in ts, 1 if it has one. On a
 * connection that negotiated timestamps, RFC 7323 lets a receiver drop
 * segments without them, so ours echo them: TSval is the request's TSecr
 * (the server's latest value, which passes the client's PAWS check) and
 * TSecr the request's TSval.
 */
static int find_timestamps(const uint8_t *opt, size_t len, uint32_t ts[2])
{
	size_t i = 0;

	while (i < len) {
		if (opt[i] == 0)
			break;
		if (opt[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len)
			break;
		if (opt[i] == TCPOPT_TIMESTAMP && opt[i + 1] == 10) {
			ts[0] = get32(opt + i + 2);
			ts[1] = get32(opt + i + 6);
			return 1;
		}
		i += opt[i + 1];
	}
	return 0;
}

size_t inject_nframes(size_t len, size_t mss)
{
	if (!mss)
		mss = INJECT_MSS_DEFAULT;
	return len ? (len + mss - 1) / mss : 1;
}

int inject_build(const uint8_t *req, size_t req_len, const uint8_t *payload, size_t len, size_t mss,
		 struct inject_frame *frames, size_t n)
{
	uint8_t head[INJECT_HDR_MAX];
	struct pkt_info p;
	size_t need, i, off = 0, l3, l4, thl;
	uint32_t ts[2], ack;
	int has_ts;

	if (!mss)
		mss = INJECT_MSS_DEFAULT;
	if (mss > INJECT_MSS_MAX || (len && !payload) || !frames)
		return -1;
	/* Without ACK (a SYN) the request says nothing of the server's sequence numbers. */
	if (pkt_parse(req, req_len, &p) != PKT_OK || p.tuple.proto != IPPROTO_TCP ||
	    !(p.tcp_flags & PKT_TCP_ACK) || (p.tcp_flags & PKT_TCP_RST))
		return -1;
	need = inject_nframes(len, mss);
	if (need > n || need > INT_MAX)
		return -1;
	l4 = tcp_reply_head(req, &p, RST_TO_SENDER, head, &l3);
	has_ts = find_timestamps(req + l4 + 20, p.payload_off - l4 - 20, ts);
	thl = has_ts ? 32 : 20;
	ack = p.seq + p.payload_len + (p.tcp_flags & PKT_TCP_SYN ? 1 : 0) +
	      (p.tcp_flags & PKT_TCP_FIN ? 1 : 0);
	if (p.tuple.family == 4) {
		/* Atomic datagrams (DF, RFC 6864): the id need not be unique, only vary. */
		head[l3 + 6] = 0x40;
		head[l3 + 7] = 0;
	}
	put32(head + l4 + 8, ack);
	head[l4 + 12] = (uint8_t)(thl / 4) << 4;
	head[l4 + 14] = INJECT_WINDOW >> 8;
	head[l4 + 15] = INJECT_WINDOW & 0xff;
	if (has_ts) {
		uint8_t *o = head + l4 + 20;

		o[0] = TCPOPT_NOP;
		o[1] = TCPOPT_NOP;
		o[2] = TCPOPT_TIMESTAMP;
		o[3] = 10;
		put32(o + 4, ts[1]);
		put32(o + 8, ts[0]);
	}
	for (i = 0; i < need; i++) {
		size_t seg = len - off < mss ? len - off : mss;
		uint8_t *f = frames[i].buf, *ip;

		if (!f || frames[i].cap < l4 + thl + seg)
			return -1;
		ip = f + l3;
		memcpy(f, head, l4 + thl);
		if (p.tuple.family == 4) {
			uint16_t id = (uint16_t)(ip[4] << 8 | ip[5]) + 1 + (uint16_t)i;

			ip[4] = (uint8_t)(id >> 8);
			ip[5] = (uint8_t)id;
		}
		put32(f + l4 + 4, p.ack + (uint32_t)off);
		f[l4 + 13] =
			PKT_TCP_ACK | (seg ? PKT_TCP_PSH : 0) | (i + 1 == need ? PKT_TCP_FIN : 0);
		if (seg)
			memcpy(f + l4 + thl, payload + off, seg);
		tcp_reply_finish(ip, p.tuple.family, thl + seg);
		frames[i].len = l4 + thl + seg;
		off += seg;
	}
	return (int)need;
}
