// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * HTTP/1.x connection state machine: gathers each direction's heads, follows
 * the body framing (Content-Length, chunked, until end of stream), pairs
 * responses with pipelined requests, switches to "tunnel" on CONNECT and
 * Upgrade, and completes and frees transactions in order. Head parsing is in
 * http_head.c, body decoding in http_body.c.
 */
#include <stdlib.h>
#include <string.h>

#include "inspect/http_priv.h"

/* A chunk-size line longer than this is an attack, not an extension. */
#define HTTP_CHUNK_LINE_MAX 1024

static const char *const anomaly_names[HTTP_ANOM_COUNT][2] = {
	[HTTP_ANOM_LINE_INVALID] = {"REQUEST_LINE_INVALID", "RESPONSE_LINE_INVALID"},
	[HTTP_ANOM_LINE_LEADING_WS] = {"REQUEST_LINE_LEADING_WHITESPACE",
				       "RESPONSE_LINE_LEADING_WHITESPACE"},
	[HTTP_ANOM_URI_DELIM] = {"URI_DELIM_NON_COMPLIANT", "URI_DELIM_NON_COMPLIANT"},
	[HTTP_ANOM_UNKNOWN_METHOD] = {"UNKNOWN_METHOD", "UNKNOWN_METHOD"},
	[HTTP_ANOM_MISSING_PROTOCOL] = {"REQUEST_LINE_MISSING_PROTOCOL",
					"REQUEST_LINE_MISSING_PROTOCOL"},
	[HTTP_ANOM_INVALID_PROTOCOL] = {"REQUEST_INVALID_PROTOCOL", "RESPONSE_INVALID_PROTOCOL"},
	[HTTP_ANOM_INVALID_STATUS] = {"RESPONSE_INVALID_STATUS", "RESPONSE_INVALID_STATUS"},
	[HTTP_ANOM_FIELD_MISSING_COLON] = {"REQUEST_FIELD_MISSING_COLON",
					   "RESPONSE_FIELD_MISSING_COLON"},
	[HTTP_ANOM_HEADER_INVALID] = {"REQUEST_HEADER_INVALID", "RESPONSE_HEADER_INVALID"},
	[HTTP_ANOM_FIELD_FOLDING] = {"INVALID_REQUEST_FIELD_FOLDING",
				     "INVALID_RESPONSE_FIELD_FOLDING"},
	[HTTP_ANOM_FIELD_TOO_LONG] = {"REQUEST_FIELD_TOO_LONG", "RESPONSE_FIELD_TOO_LONG"},
	[HTTP_ANOM_TOO_MANY_HEADERS] = {"REQUEST_TOO_MANY_HEADERS", "RESPONSE_TOO_MANY_HEADERS"},
	[HTTP_ANOM_MISSING_HOST] = {"MISSING_HOST_HEADER", "MISSING_HOST_HEADER"},
	[HTTP_ANOM_HOST_AMBIGUOUS] = {"HOST_HEADER_AMBIGUOUS", "HOST_HEADER_AMBIGUOUS"},
	[HTTP_ANOM_HEADER_REPETITION] = {"REQUEST_HEADER_REPETITION", "RESPONSE_HEADER_REPETITION"},
	[HTTP_ANOM_INVALID_CL] = {"INVALID_CONTENT_LENGTH_FIELD_IN_REQUEST",
				  "INVALID_CONTENT_LENGTH_FIELD_IN_RESPONSE"},
	[HTTP_ANOM_CL_MISMATCH] = {"REQUEST_CONTENT_LENGTH_MISMATCH",
				   "RESPONSE_CONTENT_LENGTH_MISMATCH"},
	[HTTP_ANOM_CL_AND_TE] = {"REQUEST_SMUGGLING_CL_TE", "RESPONSE_SMUGGLING_CL_TE"},
	[HTTP_ANOM_INVALID_TE] = {"INVALID_TRANSFER_ENCODING_VALUE_IN_REQUEST",
				  "RESPONSE_ABNORMAL_TRANSFER_ENCODING"},
	[HTTP_ANOM_INVALID_CHUNK_LEN] = {"INVALID_REQUEST_CHUNK_LEN", "INVALID_RESPONSE_CHUNK_LEN"},
	[HTTP_ANOM_CHUNK_EXTENSION] = {"REQUEST_CHUNK_EXTENSION", "RESPONSE_CHUNK_EXTENSION"},
	[HTTP_ANOM_UNMATCHED_RESPONSE] = {"UNABLE_TO_MATCH_RESPONSE_TO_REQUEST",
					  "UNABLE_TO_MATCH_RESPONSE_TO_REQUEST"},
	[HTTP_ANOM_COMPRESSION_BOMB] = {"COMPRESSION_BOMB", "COMPRESSION_BOMB"},
	[HTTP_ANOM_DECOMPRESSION_FAILED] = {"GZIP_DECOMPRESSION_FAILED",
					    "GZIP_DECOMPRESSION_FAILED"},
	[HTTP_ANOM_TOO_MANY_ENCODINGS] = {"TOO_MANY_ENCODING_LAYERS", "TOO_MANY_ENCODING_LAYERS"},
	[HTTP_ANOM_TRUNCATED] = {"REQUEST_TRUNCATED", "RESPONSE_TRUNCATED"},
	[HTTP_ANOM_TOO_MANY_TRANSACTIONS] = {"TOO_MANY_TRANSACTIONS", "TOO_MANY_TRANSACTIONS"},
	[HTTP_ANOM_NO_MEMORY] = {"MEMCAP_REACHED", "MEMCAP_REACHED"},
};

const char *http_anomaly_name(enum http_anomaly code, enum http_dir dir)
{
	if ((unsigned int)code >= HTTP_ANOM_COUNT || (unsigned int)dir > 1)
		return "UNKNOWN";
	return anomaly_names[code][dir];
}

void http_anomaly(struct http_conn *c, struct http_tx *tx, enum http_dir dir,
		  enum http_anomaly code, const char *text)
{
	if (tx)
		tx->anomalies |= 1ull << code;
	else
		c->anomalies |= 1ull << code;
	if (c->cb.anomaly)
		c->cb.anomaly(c->user, tx, dir, code, text);
}

static void fill_limits(struct http_limits *l)
{
	if (!l->max_head)
		l->max_head = 64 * 1024;
	if (!l->max_headers)
		l->max_headers = 256;
	if (!l->max_pipeline)
		l->max_pipeline = 32;
	if (!l->req_body_depth)
		l->req_body_depth = 64 * 1024;
	if (!l->resp_body_depth)
		l->resp_body_depth = 1024 * 1024;
	if (!l->decomp_max)
		l->decomp_max = 256ull * 1024 * 1024;
	if (!l->bomb_min)
		l->bomb_min = 1024 * 1024;
	if (!l->bomb_ratio)
		l->bomb_ratio = 1000;
}

struct http_conn *http_conn_new(const struct http_callbacks *cb, void *user,
				const struct http_limits *limits)
{
	struct http_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	if (cb)
		c->cb = *cb;
	c->user = user;
	if (limits)
		c->lim = *limits;
	fill_limits(&c->lim);
	return c;
}

static void msg_free(struct http_msg *m)
{
	free(m->own_head);
	free(m->own_headers);
	free(m->hdr);
	free(m->own_body);
	free(m->own_trailer);
	memset(m, 0, sizeof(*m));
}

static void tx_free(struct http_tx *tx)
{
	msg_free(&tx->req);
	msg_free(&tx->resp);
	free(tx->own_uri);
	free(tx->own_host);
	free(tx->own_ua);
	free(tx->own_cookie);
	free(tx);
}

void http_conn_free(struct http_conn *c)
{
	if (!c)
		return;
	while (c->head) {
		struct http_tx *next = c->head->next;

		tx_free(c->head);
		c->head = next;
	}
	http_decoder_reset(&c->dec);
	free(c->side[0].acc);
	free(c->side[1].acc);
	free(c);
}

enum http_state http_conn_state(const struct http_conn *c, enum http_dir dir)
{
	return c->side[dir].state;
}

/* A direction's half of tx is over: done, or the direction stopped. */
static bool half_over(const struct http_conn *c, const struct http_tx *tx, enum http_dir dir)
{
	const struct http_msg *m = dir == HTTP_TO_SERVER ? &tx->req : &tx->resp;

	return (m->flags & HTTP_MSG_DONE) || c->side[dir].state != HTTP_STATE_OK;
}

/* Complete and free finished transactions from the oldest on. */
static void reap(struct http_conn *c)
{
	while (c->head && c->side[0].tx != c->head && c->side[1].tx != c->head &&
	       half_over(c, c->head, HTTP_TO_SERVER) && half_over(c, c->head, HTTP_TO_CLIENT)) {
		struct http_tx *tx = c->head;

		c->head = tx->next;
		if (!c->head)
			c->tail = NULL;
		c->n_tx--;
		if (c->cb.tx_done)
			c->cb.tx_done(c->user, tx);
		tx_free(tx);
	}
}

/* The message in dir is complete (or cut: truncated). */
static void msg_finish(struct http_conn *c, enum http_dir dir, bool truncated)
{
	struct http_side *s = &c->side[dir];
	struct http_tx *tx = s->tx;
	struct http_msg *m;

	s->tx = NULL;
	s->phase = HTTP_PH_HEAD;
	s->acc_len = 0;
	s->line_start = 0;
	if (!tx)
		return;
	m = http_tx_msg(tx, dir);
	http_body_end(c, tx, dir);
	m->flags |= truncated ? HTTP_MSG_TRUNCATED : HTTP_MSG_DONE;
	if (c->cb.msg_done)
		c->cb.msg_done(c->user, tx, dir);
	reap(c);
}

/* Stop parsing dir with state st; the message in progress is cut. */
static void side_stop(struct http_conn *c, enum http_dir dir, enum http_state st)
{
	struct http_side *s = &c->side[dir];

	if (s->state != HTTP_STATE_OK)
		return;
	s->state = st;
	if (s->tx && !(http_tx_msg(s->tx, dir)->flags & HTTP_MSG_DONE))
		msg_finish(c, dir, st != HTTP_STATE_TUNNEL);
	s->tx = NULL;
	free(s->acc);
	s->acc = NULL;
	s->acc_len = s->acc_cap = 0;
	reap(c);
}

static struct http_tx *tx_new(struct http_conn *c, enum http_dir dir)
{
	struct http_tx *tx;

	if (c->n_tx >= c->lim.max_pipeline) {
		http_anomaly(c, NULL, dir, HTTP_ANOM_TOO_MANY_TRANSACTIONS,
			     "too many pipelined transactions");
		return NULL;
	}
	tx = calloc(1, sizeof(*tx));
	if (!tx) {
		http_anomaly(c, NULL, dir, HTTP_ANOM_NO_MEMORY, "out of memory");
		return NULL;
	}
	tx->id = c->next_id++;
	if (c->tail)
		c->tail->next = tx;
	else
		c->head = tx;
	c->tail = tx;
	c->n_tx++;
	return tx;
}

/* The oldest transaction still waiting for its response, or NULL. */
static struct http_tx *waiting_tx(const struct http_conn *c)
{
	struct http_tx *tx;

	for (tx = c->head; tx; tx = tx->next)
		if (!(tx->resp.flags & (HTTP_MSG_HEAD_DONE | HTTP_MSG_DONE)) &&
		    !(tx->flags & HTTP_TX_UNSOLICITED))
			return tx;
	return NULL;
}

/* The transaction a new response belongs to (made up when none waits). */
static struct http_tx *response_tx(struct http_conn *c)
{
	struct http_tx *tx = waiting_tx(c);

	if (tx)
		return tx;
	tx = tx_new(c, HTTP_TO_CLIENT);
	if (!tx)
		return NULL;
	tx->flags |= HTTP_TX_UNSOLICITED;
	tx->req.flags |= HTTP_MSG_DONE;
	http_anomaly(c, tx, HTTP_TO_CLIENT, HTTP_ANOM_UNMATCHED_RESPONSE,
		     "response without a request");
	return tx;
}

/* Append p[0..n) to the direction's accumulator; false when over max_head. */
static bool acc_append(struct http_conn *c, struct http_side *s, const uint8_t *p, size_t n)
{
	if (s->acc_len + n > c->lim.max_head)
		return false;
	if (s->acc_len + n > s->acc_cap) {
		size_t cap = s->acc_cap ? s->acc_cap : 512;
		uint8_t *grown;

		while (cap < s->acc_len + n)
			cap *= 2;
		if (cap > c->lim.max_head)
			cap = c->lim.max_head;
		grown = realloc(s->acc, cap);
		if (!grown)
			return false;
		s->acc = grown;
		s->acc_cap = cap;
	}
	memcpy(s->acc + s->acc_len, p, n);
	s->acc_len += n;
	return true;
}

/*
 * Take bytes up to and with the next LF into the accumulator. Returns the
 * bytes used; *line is set (content without CR/LF) when a line completed.
 */
static size_t take_line(struct http_conn *c, enum http_dir dir, const uint8_t *p, size_t n,
			struct http_buf *line, enum http_anomaly too_long)
{
	struct http_side *s = &c->side[dir];
	const uint8_t *nl = memchr(p, '\n', n);
	size_t take = nl ? (size_t)(nl - p) + 1 : n;

	line->ptr = NULL;
	if (!acc_append(c, s, p, take)) {
		http_anomaly(c, s->tx, dir, too_long, "line or header block too long");
		side_stop(c, dir, HTTP_STATE_ERROR);
		return take;
	}
	if (nl) {
		line->ptr = s->acc + s->line_start;
		line->len = s->acc_len - s->line_start - 1;
		if (line->len && line->ptr[line->len - 1] == '\r')
			line->len--;
		s->line_start = s->acc_len;
	}
	return take;
}

/* Begin a message in dir; false when the direction stopped. */
static bool msg_begin(struct http_conn *c, enum http_dir dir)
{
	struct http_side *s = &c->side[dir];

	s->tx = dir == HTTP_TO_SERVER ? tx_new(c, dir) : response_tx(c);
	if (!s->tx) {
		side_stop(c, dir, HTTP_STATE_ERROR);
		return false;
	}
	if (dir == HTTP_TO_CLIENT && (s->tx->flags & HTTP_TX_HTTP09)) {
		/* the answer to a simple request is the bare body */
		s->tx->resp.flags |= HTTP_MSG_HEAD_DONE;
		s->tx->resp.mode = HTTP_BODY_EOF;
		s->phase = HTTP_PH_EOF;
		if (c->cb.response_headers)
			c->cb.response_headers(c->user, s->tx);
	}
	return true;
}

/* Enter the body phase for the head just parsed. */
static void body_begin(struct http_conn *c, enum http_dir dir)
{
	struct http_side *s = &c->side[dir];
	struct http_msg *m = http_tx_msg(s->tx, dir);

	s->acc_len = 0;
	s->line_start = 0;
	switch (m->mode) {
	case HTTP_BODY_NONE:
		msg_finish(c, dir, false);
		break;
	case HTTP_BODY_LENGTH:
		s->remain = m->content_length;
		s->phase = HTTP_PH_LENGTH;
		if (!s->remain)
			msg_finish(c, dir, false);
		break;
	case HTTP_BODY_CHUNKED:
		s->phase = HTTP_PH_CHUNK_LINE;
		break;
	case HTTP_BODY_EOF:
		s->phase = HTTP_PH_EOF;
		break;
	}
}

/* Both directions become opaque after tx (CONNECT accepted, 101). */
static void to_tunnel(struct http_conn *c, struct http_tx *tx)
{
	tx->flags |= HTTP_TX_TUNNEL;
	tx->resp.flags |= HTTP_MSG_DONE;
	if (c->cb.msg_done)
		c->cb.msg_done(c->user, tx, HTTP_TO_CLIENT);
	c->side[HTTP_TO_CLIENT].tx = NULL;
	side_stop(c, HTTP_TO_SERVER, HTTP_STATE_TUNNEL);
	side_stop(c, HTTP_TO_CLIENT, HTTP_STATE_TUNNEL);
}

static void request_head_done(struct http_conn *c, struct http_tx *tx)
{
	if (c->cb.request_headers)
		c->cb.request_headers(c->user, tx);
	if ((tx->flags & HTTP_TX_CONNECT) || (tx->req.proto.len && tx->req.proto.ptr[5] == '2')) {
		/* CONNECT, or the HTTP/2 preface: the rest of the stream is opaque */
		tx->req.flags |= HTTP_MSG_DONE;
		if (c->cb.msg_done)
			c->cb.msg_done(c->user, tx, HTTP_TO_SERVER);
		c->side[HTTP_TO_SERVER].tx = NULL;
		side_stop(c, HTTP_TO_SERVER, HTTP_STATE_TUNNEL);
		return;
	}
	if (http_head_framing(c, tx, HTTP_TO_SERVER)) {
		side_stop(c, HTTP_TO_SERVER, HTTP_STATE_ERROR);
		return;
	}
	body_begin(c, HTTP_TO_SERVER);
}

/* Forget an interim (1xx) response: the final one follows for the same tx. */
static void interim_reset(struct http_conn *c, struct http_tx *tx)
{
	uint64_t anomalies = tx->anomalies;

	msg_free(&tx->resp);
	tx->anomalies = anomalies;
	tx->status = 0;
	tx->stat_code = tx->stat_msg = (struct http_buf){NULL, 0};
	c->side[HTTP_TO_CLIENT].acc_len = 0;
	c->side[HTTP_TO_CLIENT].line_start = 0;
}

static void response_head_done(struct http_conn *c, struct http_tx *tx)
{
	if (tx->status == 101 || ((tx->flags & HTTP_TX_CONNECT) && tx->status / 100 == 2)) {
		if (c->cb.response_headers)
			c->cb.response_headers(c->user, tx);
		to_tunnel(c, tx);
		return;
	}
	if (tx->status < 200) {
		interim_reset(c, tx);
		return;
	}
	if (c->cb.response_headers)
		c->cb.response_headers(c->user, tx);
	if (http_head_framing(c, tx, HTTP_TO_CLIENT)) {
		side_stop(c, HTTP_TO_CLIENT, HTTP_STATE_ERROR);
		return;
	}
	body_begin(c, HTTP_TO_CLIENT);
}

/* The head in the accumulator is complete: parse it and go on. */
static void head_done(struct http_conn *c, enum http_dir dir)
{
	struct http_side *s = &c->side[dir];
	struct http_tx *tx = s->tx;

	if (http_head_parse(c, tx, dir, s->acc, s->acc_len)) {
		side_stop(c, dir, HTTP_STATE_ERROR);
		return;
	}
	if (dir == HTTP_TO_SERVER)
		request_head_done(c, tx);
	else
		response_head_done(c, tx);
}

/* A response must start with "HTTP/": catch garbage before max_head. */
static bool bad_response_start(const struct http_side *s)
{
	static const char want[] = "http/";
	size_t n = s->acc_len < 5 ? s->acc_len : 5;

	for (size_t i = 0; i < n; i++)
		if ((s->acc[i] | 0x20) != want[i])
			return true;
	return false;
}

static size_t step_head(struct http_conn *c, enum http_dir dir, const uint8_t *p, size_t n)
{
	struct http_side *s = &c->side[dir];
	struct http_buf line;
	size_t used = 0;
	bool first;

	if (!s->tx) {
		/* blank lines between messages are tolerated (as libhtp does) */
		struct http_tx *w = dir == HTTP_TO_CLIENT ? waiting_tx(c) : NULL;

		if (!w || !(w->flags & HTTP_TX_HTTP09))
			while (used < n && (p[used] == '\r' || p[used] == '\n'))
				used++;
		if (used)
			return used;
		if (!msg_begin(c, dir) || s->phase != HTTP_PH_HEAD)
			return 0;
	}
	first = s->line_start == 0;
	used = take_line(c, dir, p, n, &line, HTTP_ANOM_FIELD_TOO_LONG);
	if (s->state != HTTP_STATE_OK)
		return used;
	if (dir == HTTP_TO_CLIENT && first && bad_response_start(s)) {
		http_anomaly(c, s->tx, dir, HTTP_ANOM_INVALID_PROTOCOL,
			     "response does not start with HTTP/");
		side_stop(c, dir, HTTP_STATE_ERROR);
		return used;
	}
	if (!line.ptr)
		return used;
	if (first && dir == HTTP_TO_SERVER) {
		/* a request line of two words is a whole HTTP/0.9 request */
		const uint8_t *e = line.ptr + line.len;
		unsigned int words = 0;

		for (const uint8_t *q = line.ptr; q < e; q++)
			if (*q != ' ' && *q != '\t' &&
			    (q == line.ptr || q[-1] == ' ' || q[-1] == '\t'))
				words++;
		if (words == 2)
			head_done(c, dir);
		return used;
	}
	if (!first && line.len == 0) {
		/* the empty line is not part of the head */
		s->acc_len -= s->acc_len - (size_t)(line.ptr - s->acc);
		head_done(c, dir);
	}
	return used;
}

/* Chunk-size line: hex size, blanks, optional ";ext". -1 when invalid. */
static int parse_chunk_size(struct http_conn *c, enum http_dir dir, struct http_buf l,
			    uint64_t *size)
{
	size_t i = 0, digits = 0;

	*size = 0;
	while (i < l.len && (l.ptr[i] == ' ' || l.ptr[i] == '\t'))
		i++;
	for (; i < l.len; i++) {
		uint8_t ch = l.ptr[i];
		int v = ch >= '0' && ch <= '9'	 ? ch - '0'
			: ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
			: ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
						 : -1;

		if (v < 0)
			break;
		if (++digits > 15)
			return -1; /* more than 2^60: nobody sends that */
		*size = *size << 4 | (uint64_t)v;
	}
	while (i < l.len && (l.ptr[i] == ' ' || l.ptr[i] == '\t'))
		i++;
	if (!digits || (i < l.len && l.ptr[i] != ';'))
		return -1;
	if (i < l.len)
		http_anomaly(c, c->side[dir].tx, dir, HTTP_ANOM_CHUNK_EXTENSION, "chunk extension");
	return 0;
}

static size_t step_chunk_line(struct http_conn *c, enum http_dir dir, const uint8_t *p, size_t n)
{
	struct http_side *s = &c->side[dir];
	struct http_buf line;
	uint64_t size;
	size_t used;

	used = take_line(c, dir, p, n, &line, HTTP_ANOM_INVALID_CHUNK_LEN);
	if (s->state != HTTP_STATE_OK)
		return used;
	if (!line.ptr) {
		if (s->acc_len > HTTP_CHUNK_LINE_MAX) {
			http_anomaly(c, s->tx, dir, HTTP_ANOM_INVALID_CHUNK_LEN,
				     "chunk-size line too long");
			side_stop(c, dir, HTTP_STATE_ERROR);
		}
		return used;
	}
	if (line.len > HTTP_CHUNK_LINE_MAX || parse_chunk_size(c, dir, line, &size)) {
		http_anomaly(c, s->tx, dir, HTTP_ANOM_INVALID_CHUNK_LEN, "invalid chunk-size line");
		side_stop(c, dir, HTTP_STATE_ERROR);
		return used;
	}
	s->acc_len = 0;
	s->line_start = 0;
	s->remain = size;
	s->phase = size ? HTTP_PH_CHUNK_DATA : HTTP_PH_TRAILER;
	return used;
}

static size_t step_chunk_end(struct http_conn *c, enum http_dir dir, const uint8_t *p, size_t n)
{
	struct http_side *s = &c->side[dir];

	if (p[0] == '\r' && !s->chunk_cr) {
		s->chunk_cr = true;
		return 1;
	}
	if (p[0] == '\n') {
		s->chunk_cr = false;
		s->phase = HTTP_PH_CHUNK_LINE;
		return 1;
	}
	http_anomaly(c, s->tx, dir, HTTP_ANOM_INVALID_CHUNK_LEN, "no CRLF after chunk data");
	side_stop(c, dir, HTTP_STATE_ERROR);
	return 1;
}

static size_t step_trailer(struct http_conn *c, enum http_dir dir, const uint8_t *p, size_t n)
{
	struct http_side *s = &c->side[dir];
	struct http_msg *m = http_tx_msg(s->tx, dir);
	struct http_buf line;
	size_t used = take_line(c, dir, p, n, &line, HTTP_ANOM_FIELD_TOO_LONG);

	if (!line.ptr || s->state != HTTP_STATE_OK || line.len)
		return used;
	/* the empty line ends the message; keep the trailer lines before it */
	s->acc_len = (size_t)(line.ptr - s->acc);
	if (s->acc_len) {
		m->own_trailer = malloc(s->acc_len);
		if (m->own_trailer) {
			memcpy(m->own_trailer, s->acc, s->acc_len);
			m->trailer = (struct http_buf){m->own_trailer, s->acc_len};
		}
	}
	msg_finish(c, dir, false);
	return used;
}

/* Body bytes counted by s->remain (Content-Length or chunk data). */
static size_t step_counted(struct http_conn *c, enum http_dir dir, const uint8_t *p, size_t n)
{
	struct http_side *s = &c->side[dir];
	size_t take = s->remain < n ? (size_t)s->remain : n;

	s->remain -= take;
	http_body_data(c, s->tx, dir, p, take);
	if (s->remain == 0) {
		if (s->phase == HTTP_PH_LENGTH)
			msg_finish(c, dir, false);
		else
			s->phase = HTTP_PH_CHUNK_END;
	}
	return take;
}

/* One parsing step: consumes at least one byte unless the direction stops. */
static size_t step(struct http_conn *c, enum http_dir dir, const uint8_t *p, size_t n)
{
	struct http_side *s = &c->side[dir];

	switch (s->phase) {
	case HTTP_PH_HEAD:
		return step_head(c, dir, p, n);
	case HTTP_PH_LENGTH:
	case HTTP_PH_CHUNK_DATA:
		return step_counted(c, dir, p, n);
	case HTTP_PH_CHUNK_LINE:
		return step_chunk_line(c, dir, p, n);
	case HTTP_PH_CHUNK_END:
		return step_chunk_end(c, dir, p, n);
	case HTTP_PH_TRAILER:
		return step_trailer(c, dir, p, n);
	case HTTP_PH_EOF:
		http_body_data(c, s->tx, dir, p, n);
		return n;
	}
	return n;
}

enum http_state http_feed(struct http_conn *c, enum http_dir dir, const uint8_t *buf, size_t len)
{
	struct http_side *s = &c->side[dir];
	size_t off = 0;

	while (off < len && s->state == HTTP_STATE_OK)
		off += step(c, dir, buf + off, len - off);
	return s->state;
}

enum http_state http_eof(struct http_conn *c, enum http_dir dir)
{
	struct http_side *s = &c->side[dir];

	if (s->state == HTTP_STATE_OK) {
		if (s->tx && s->phase == HTTP_PH_EOF) {
			msg_finish(c, dir, false);
		} else if (s->tx) {
			http_anomaly(c, s->tx, dir, HTTP_ANOM_TRUNCATED,
				     "stream ended inside a message");
			msg_finish(c, dir, true);
		}
		s->state = HTTP_STATE_CLOSED;
		free(s->acc);
		s->acc = NULL;
		s->acc_len = s->acc_cap = 0;
	}
	reap(c);
	return s->state;
}
