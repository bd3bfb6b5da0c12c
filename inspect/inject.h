/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Answering a held request in the server's name: from the client's request
 * frame, build the TCP segments that carry a payload (the block page) from
 * the server to the client and close the connection, as if the server had
 * sent them. Pure: frame in, frames out. The server side is reset with
 * rst_build(frame, len, RST_TO_RECEIVER, out) from inspect/rst.h, which
 * starts at the request's sequence number, what the server expects next
 * since the request was held.
 */
#ifndef UTM_INSPECT_INJECT_H
#define UTM_INSPECT_INJECT_H

#include <stddef.h>
#include <stdint.h>

/* Segment payload size when the caller passes mss 0: fits a 1500-byte MTU with room to spare. */
#define INJECT_MSS_DEFAULT 1400

/* Headers of one frame: Ethernet, two VLAN tags, IPv6, TCP with the timestamp option. */
#define INJECT_HDR_MAX (14 + 8 + 40 + 32)

/* Room for one frame of at most mss payload bytes. */
#define INJECT_FRAME_MAX(mss) (INJECT_HDR_MAX + (mss))

/* One output frame: the caller sets buf and cap, inject_build sets len. */
struct inject_frame {
	uint8_t *buf;
	size_t cap;
	size_t len;
};

/* How many frames inject_build makes for len payload bytes in segments of mss (0: default). */
size_t inject_nframes(size_t len, size_t mss);

/*
 * Build into frames (n of them, each with cap >= INJECT_FRAME_MAX(mss) or at
 * least what its segment needs) the segments from the server to the client
 * of the TCP request frame req (Ethernet, optional VLAN tags, IPv4 without
 * options or IPv6, TCP with ACK; as pkt_parse reads it): MACs, addresses and
 * ports turned around, seq = the request's ack, ack = its seq plus its
 * payload (plus one for a SYN or FIN), at most mss payload bytes each
 * (0: INJECT_MSS_DEFAULT), PSH|ACK, and PSH|FIN|ACK on the last (FIN|ACK alone
 * when the payload is empty). Returns the number of frames, or -1 when the
 * request is not such a frame or the frames do not fit.
 */
int inject_build(const uint8_t *req, size_t req_len, const uint8_t *payload, size_t len, size_t mss,
		 struct inject_frame *frames, size_t n);

#endif /* UTM_INSPECT_INJECT_H */
