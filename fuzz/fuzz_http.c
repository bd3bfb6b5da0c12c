// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target for inspect/http*.c. Input: byte 0 picks the limits
 * (defaults or tiny ones that hit every cap), bytes 1-2 the split point
 * between the client->server and server->client streams, byte 3 seeds the
 * piece sizes; the two streams are then fed interleaved in pieces of random
 * size, each an exact-size copy, and both ends are closed. Besides "never
 * crash, never read past len", it checks what the parser promises:
 * transactions complete once each, in id order, all of them by the end;
 * the streamed body equals the decoded count and the kept body is a prefix
 * of it within the depth; views of a tx stay readable until tx_done.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/http_priv.h"

/* What the body callback saw of one transaction (kept in tx->user). */
struct txseen {
	uint64_t streamed[2];  /* body bytes per direction */
	uint8_t prefix[2][64]; /* their first bytes */
};

/* What the callbacks saw of the connection. */
struct seen {
	uint64_t next_id;	       /* id the next tx_done must have */
	const struct http_limits *lim; /* the connection's limits */
};

static void touch(struct http_buf b)
{
	volatile uint8_t sink = 0;

	if (b.len && !b.ptr)
		abort();
	for (size_t i = 0; i < b.len; i++)
		sink ^= b.ptr[i];
	(void)sink;
}

static void on_body(void *u, struct http_tx *tx, enum http_dir dir, const uint8_t *d, size_t n)
{
	struct txseen *t = tx->user;

	if (!n || (unsigned int)dir > 1)
		abort();
	if (!t) {
		t = calloc(1, sizeof(*t));
		if (!t)
			abort();
		tx->user = t;
	}
	for (size_t i = 0; i < n && t->streamed[dir] + i < sizeof(t->prefix[0]); i++)
		t->prefix[dir][t->streamed[dir] + i] = d[i];
	t->streamed[dir] += n;
}

static void check_msg(struct seen *s, const struct txseen *t, const struct http_msg *m,
		      enum http_dir dir)
{
	size_t depth = dir == HTTP_TO_SERVER ? s->lim->req_body_depth : s->lim->resp_body_depth;
	size_t cmp = m->body.len < sizeof(t->prefix[0]) ? m->body.len : sizeof(t->prefix[0]);

	if (m->body_decoded != t->streamed[dir] || m->body.len > depth ||
	    m->body.len > m->body_decoded)
		abort();
	if (cmp && memcmp(m->body.ptr, t->prefix[dir], cmp) != 0)
		abort();
	touch(m->head);
	touch(m->headers);
	touch(m->trailer);
	for (unsigned int i = 0; i < m->n_hdr; i++) {
		touch(m->hdr[i].name);
		touch(m->hdr[i].value);
		if (!m->hdr[i].name.len)
			abort();
	}
}

static void on_done(void *u, struct http_tx *tx)
{
	static const struct txseen none;
	struct seen *s = u;
	const struct txseen *t = tx->user ? tx->user : &none;

	if (tx->id != s->next_id++)
		abort();
	check_msg(s, t, &tx->req, HTTP_TO_SERVER);
	check_msg(s, t, &tx->resp, HTTP_TO_CLIENT);
	touch(tx->method);
	touch(tx->uri);
	touch(tx->uri_raw);
	touch(tx->host);
	touch(tx->host_raw);
	touch(tx->user_agent);
	touch(tx->cookie);
	touch(tx->stat_code);
	touch(tx->stat_msg);
	if (tx->uri.len > (tx->uri_raw.len ? tx->uri_raw.len : 1))
		abort();
	if (tx->stat_code.ptr && tx->stat_code.len != 3)
		abort();
	free(tx->user);
	tx->user = NULL;
}

static void on_anomaly(void *u, struct http_tx *tx, enum http_dir dir, enum http_anomaly code,
		       const char *text)
{
	if ((unsigned int)code >= HTTP_ANOM_COUNT || !text || !text[0])
		abort();
}

static const struct http_callbacks cbs = {
	.body = on_body,
	.tx_done = on_done,
	.anomaly = on_anomaly,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct http_limits tiny = {
		.max_head = 300,
		.max_headers = 4,
		.max_pipeline = 3,
		.req_body_depth = 16,
		.resp_body_depth = 32,
		.decomp_max = 4096,
		.bomb_min = 512,
		.bomb_ratio = 8,
	};
	struct http_limits lim = {0};
	struct seen s = {0};
	struct http_conn *c;
	const uint8_t *stream[2];
	size_t len[2], off[2] = {0, 0}, split;
	uint32_t rng;

	if (size < 4)
		return 0;
	if (data[0] & 1)
		lim = tiny;
	split = ((size_t)data[1] << 8 | data[2]) % (size - 3 + 1);
	rng = data[3] * 2654435761u + 1;
	stream[0] = data + 4;
	len[0] = split > size - 4 ? size - 4 : split;
	stream[1] = data + 4 + len[0];
	len[1] = size - 4 - len[0];
	c = http_conn_new(&cbs, &s, &lim);
	if (!c)
		return 0;
	s.lim = &c->lim;
	while (off[0] < len[0] || off[1] < len[1]) {
		int dir;
		size_t n;
		uint8_t *piece;

		rng = rng * 1103515245u + 12345u;
		dir = (rng >> 16) & 1;
		if (off[dir] >= len[dir])
			dir = !dir;
		n = 1 + (rng >> 20) % 64;
		if (n > len[dir] - off[dir])
			n = len[dir] - off[dir];
		piece = malloc(n);
		if (!piece)
			break;
		memcpy(piece, stream[dir] + off[dir], n);
		http_feed(c, (enum http_dir)dir, piece, n);
		free(piece);
		off[dir] += n;
	}
	http_eof(c, HTTP_TO_SERVER);
	http_eof(c, HTTP_TO_CLIENT);
	/* everything was completed in order */
	if (c->n_tx != 0 || c->head || s.next_id != c->next_id)
		abort();
	http_conn_free(c);
	return 0;
}
