// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * HTTP body decoding and delivery: undoes a response's Content-Encoding
 * (gzip, deflate) with zlib under a decompression cap and a ratio guard,
 * keeps the first "depth" bytes of each body for rule matching and streams
 * every decoded byte to the body callback.
 *
 * A bomb (output over decomp_max, or over bomb_min and more than bomb_ratio
 * times the input) stops decompression: the anomaly is raised, nothing more
 * of that body is delivered, and the framing keeps being followed so the
 * next transactions still parse. A corrupt stream raises
 * DECOMPRESSION_FAILED and the rest of the body is delivered as received
 * (HTTP_MSG_DECODE_RAW), as libhtp does.
 */
#include <stdlib.h>
#include <string.h>

#include "inspect/http_priv.h"

/* Output chunk of one inflate call: bounds the stack and callback sizes. */
#define HTTP_INFLATE_CHUNK 16384

/* Keep the first depth bytes of the body of msg. */
static void keep_body(struct http_msg *msg, size_t depth, const uint8_t *p, size_t n)
{
	size_t room, want;

	if (msg->body.len >= depth) {
		if (n)
			msg->flags |= HTTP_MSG_BODY_CUT;
		return;
	}
	room = depth - msg->body.len;
	if (n > room) {
		msg->flags |= HTTP_MSG_BODY_CUT;
		n = room;
	}
	want = msg->body.len + n;
	if (want > msg->body_cap) {
		size_t cap = msg->body_cap ? msg->body_cap : 4096;
		uint8_t *grown;

		while (cap < want)
			cap *= 2;
		if (cap > depth)
			cap = depth;
		grown = realloc(msg->own_body, cap);
		if (!grown) {
			msg->flags |= HTTP_MSG_BODY_CUT;
			return;
		}
		msg->own_body = grown;
		msg->body_cap = cap;
	}
	memcpy(msg->own_body + msg->body.len, p, n);
	msg->body.len += n;
	msg->body.ptr = msg->own_body;
}

/* Decoded body bytes: keep the head of them and hand them to the callback. */
static void deliver(struct http_conn *c, struct http_tx *tx, enum http_dir dir, const uint8_t *p,
		    size_t n)
{
	struct http_msg *msg = http_tx_msg(tx, dir);
	size_t depth = dir == HTTP_TO_SERVER ? c->lim.req_body_depth : c->lim.resp_body_depth;

	if (!n)
		return;
	msg->body_decoded += n;
	keep_body(msg, depth, p, n);
	if (c->cb.body)
		c->cb.body(c->user, tx, dir, p, n);
}

void http_decoder_reset(struct http_decoder *d)
{
	if (d->inited)
		inflateEnd(&d->zs);
	memset(d, 0, sizeof(*d));
}

/* zlib header check (RFC 1950): CM 8, window <= 32K, FCHECK valid. */
static bool looks_like_zlib(const uint8_t b[2])
{
	return (b[0] & 0x0f) == 8 && (b[0] >> 4) <= 7 && ((b[0] << 8) | b[1]) % 31 == 0;
}

static bool decoder_init(struct http_decoder *d, enum http_coding coding)
{
	int bits = coding == HTTP_CODING_GZIP ? 16 + MAX_WBITS
		   : looks_like_zlib(d->peek) ? MAX_WBITS
					      : -MAX_WBITS;

	memset(&d->zs, 0, sizeof(d->zs));
	if (inflateInit2(&d->zs, bits) != Z_OK)
		return false;
	d->inited = true;
	return true;
}

/* Stop decoding: the rest of the body is delivered raw (corrupt) or not at all. */
static void decode_give_up(struct http_conn *c, struct http_tx *tx, bool bomb)
{
	http_decoder_reset(&c->dec);
	if (bomb) {
		tx->resp.flags |= HTTP_MSG_DECODE_STOPPED;
		http_anomaly(c, tx, HTTP_TO_CLIENT, HTTP_ANOM_COMPRESSION_BOMB,
			     "decompression cap or ratio reached");
	} else {
		tx->resp.flags |= HTTP_MSG_DECODE_RAW;
		http_anomaly(c, tx, HTTP_TO_CLIENT, HTTP_ANOM_DECOMPRESSION_FAILED,
			     "corrupt compressed body, passed on raw");
	}
}

static bool is_bomb(const struct http_conn *c)
{
	const struct http_decoder *d = &c->dec;

	if (d->out_total > c->lim.decomp_max)
		return true;
	return d->out_total > c->lim.bomb_min && d->out_total / c->lim.bomb_ratio > d->in_total;
}

/*
 * Inflate p[0..n) and deliver the output. Returns how many input bytes were
 * not consumed because decoding failed (to be delivered raw), else 0.
 */
static size_t inflate_some(struct http_conn *c, struct http_tx *tx, const uint8_t *p, size_t n)
{
	struct http_decoder *d = &c->dec;
	uint8_t out[HTTP_INFLATE_CHUNK];

	if (d->given < sizeof(d->first)) {
		size_t k = n < sizeof(d->first) - d->given ? n : sizeof(d->first) - d->given;

		memcpy(d->first + d->given, p, k);
	}
	d->given += n;
	d->zs.next_in = (Bytef *)p;
	d->zs.avail_in = (uInt)n;
	while (d->zs.avail_in > 0) {
		uInt before = d->zs.avail_in;
		size_t produced;
		int rc;

		d->zs.next_out = out;
		d->zs.avail_out = sizeof(out);
		rc = inflate(&d->zs, Z_NO_FLUSH);
		produced = sizeof(out) - d->zs.avail_out;
		d->in_total += before - d->zs.avail_in;
		d->out_total += produced;
		if (is_bomb(c)) {
			/* deliver nothing past the cap */
			decode_give_up(c, tx, true);
			return 0;
		}
		deliver(c, tx, HTTP_TO_CLIENT, out, produced);
		if (rc == Z_STREAM_END) {
			/* gzip may have several members; after deflate, ignore the rest */
			if (tx->resp.coding != HTTP_CODING_GZIP || inflateReset(&d->zs) != Z_OK)
				return 0;
			continue;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			size_t left = d->zs.avail_in, nfirst = 0;
			uint8_t first[sizeof(d->first)];

			if (d->out_total == 0 && d->given <= sizeof(d->first)) {
				/* nothing decoded yet: pass on all of it as received */
				nfirst = d->given;
				memcpy(first, d->first, nfirst);
				left = 0;
			}
			decode_give_up(c, tx, false);
			deliver(c, tx, HTTP_TO_CLIENT, first, nfirst);
			return left;
		}
		if (produced == 0 && before == d->zs.avail_in)
			break; /* no progress: needs more input */
	}
	return 0;
}

/* Response bytes under a Content-Encoding. */
static void decode_body(struct http_conn *c, struct http_tx *tx, const uint8_t *p, size_t n)
{
	struct http_decoder *d = &c->dec;
	uint8_t first[2];
	size_t raw;

	if (!d->inited && tx->resp.coding == HTTP_CODING_DEFLATE && d->npeek < 2) {
		/* zlib-wrapped or raw deflate: decided on the first two bytes */
		while (d->npeek < 2 && n > 0) {
			d->peek[d->npeek++] = *p++;
			n--;
		}
		if (d->npeek < 2)
			return;
		/* decode_give_up() clears the decoder: keep the bytes here */
		memcpy(first, d->peek, 2);
		if (!decoder_init(d, tx->resp.coding)) {
			decode_give_up(c, tx, false);
			deliver(c, tx, HTTP_TO_CLIENT, first, 2);
			deliver(c, tx, HTTP_TO_CLIENT, p, n);
			return;
		}
		raw = inflate_some(c, tx, first, 2);
		if (tx->resp.flags & HTTP_MSG_DECODE_RAW) {
			deliver(c, tx, HTTP_TO_CLIENT, first + 2 - raw, raw);
			deliver(c, tx, HTTP_TO_CLIENT, p, n);
			return;
		}
		if (tx->resp.flags & HTTP_MSG_DECODE_STOPPED)
			return;
	}
	if (!d->inited && !decoder_init(d, tx->resp.coding)) {
		decode_give_up(c, tx, false);
		deliver(c, tx, HTTP_TO_CLIENT, p, n);
		return;
	}
	raw = inflate_some(c, tx, p, n);
	if (raw)
		deliver(c, tx, HTTP_TO_CLIENT, p + n - raw, raw);
}

void http_body_data(struct http_conn *c, struct http_tx *tx, enum http_dir dir, const uint8_t *p,
		    size_t n)
{
	struct http_msg *msg = http_tx_msg(tx, dir);

	if (!n)
		return;
	msg->body_wire += n;
	if (msg->flags & HTTP_MSG_DECODE_STOPPED)
		return;
	if (dir == HTTP_TO_SERVER || msg->coding == HTTP_CODING_IDENTITY ||
	    (msg->flags & HTTP_MSG_DECODE_RAW)) {
		deliver(c, tx, dir, p, n);
		return;
	}
	decode_body(c, tx, p, n);
}

void http_body_end(struct http_conn *c, struct http_tx *tx, enum http_dir dir)
{
	struct http_msg *msg = http_tx_msg(tx, dir);

	if (dir != HTTP_TO_CLIENT || msg->coding == HTTP_CODING_IDENTITY)
		return;
	if (!c->dec.inited && c->dec.npeek > 0 &&
	    !(msg->flags & (HTTP_MSG_DECODE_RAW | HTTP_MSG_DECODE_STOPPED))) {
		/* a 1-byte deflate body cannot be decoded: pass it on */
		uint8_t first = c->dec.peek[0];

		msg->flags |= HTTP_MSG_DECODE_RAW;
		deliver(c, tx, dir, &first, 1);
	}
	http_decoder_reset(&c->dec);
}
