/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Internals of the HTTP/1.x parser shared by http_parse.c (framing, heads)
 * and http_body.c (body decoding and delivery). Not for other modules.
 */
#ifndef UTM_INSPECT_HTTP_PRIV_H
#define UTM_INSPECT_HTTP_PRIV_H

#include <stdbool.h>
#include <zlib.h>

#include "inspect/http.h"

/* Where a direction is inside its current message. */
enum http_phase {
	HTTP_PH_HEAD = 0,   /* start line and headers (or between messages) */
	HTTP_PH_LENGTH,	    /* Content-Length body */
	HTTP_PH_CHUNK_LINE, /* chunk-size line */
	HTTP_PH_CHUNK_DATA, /* chunk data */
	HTTP_PH_CHUNK_END,  /* the CRLF after chunk data */
	HTTP_PH_TRAILER,    /* trailer lines after the last chunk */
	HTTP_PH_EOF,	    /* body until the end of the stream */
};

/* One direction's parsing state. */
struct http_side {
	enum http_state state; /* OK until tunnel, error or eof */
	enum http_phase phase; /* where in the message */
	uint8_t *acc;	       /* accumulated head / line bytes */
	size_t acc_len;	       /* bytes in acc */
	size_t acc_cap;	       /* allocated size of acc (<= max_head) */
	size_t line_start;     /* offset in acc of the line being received */
	uint64_t remain;       /* body or chunk bytes still expected */
	bool chunk_cr;	       /* CHUNK_END: the CR was seen */
	struct http_tx *tx;    /* transaction of the message in progress */
};

/* Content-Encoding decoder of the response body in progress. */
struct http_decoder {
	z_stream zs;	    /* zlib state when inited */
	bool inited;	    /* inflateInit2 done */
	uint8_t peek[2];    /* deflate: first bytes, to tell zlib from raw */
	size_t npeek;	    /* bytes in peek */
	uint8_t first[256]; /* the first input bytes, replayed raw if the header is bad */
	uint64_t given;	    /* input bytes handed to inflate_some() */
	uint64_t in_total;  /* compressed bytes consumed by zlib */
	uint64_t out_total; /* decompressed bytes produced */
};

/* The connection: see http.h. */
struct http_conn {
	struct http_callbacks cb; /* callbacks (NULL members skipped) */
	void *user;		  /* their user pointer */
	struct http_limits lim;	  /* limits with defaults filled in */
	struct http_side side[2]; /* indexed by enum http_dir */
	struct http_tx *head;	  /* oldest live transaction */
	struct http_tx *tail;	  /* newest live transaction */
	unsigned int n_tx;	  /* live transactions */
	uint64_t next_id;	  /* id of the next transaction */
	struct http_decoder dec;  /* response body decoder */
	uint64_t anomalies;	  /* anomalies not attributed to a tx */
};

/* Record an anomaly (tx may be NULL) and tell the callback. */
void http_anomaly(struct http_conn *c, struct http_tx *tx, enum http_dir dir,
		  enum http_anomaly code, const char *text);

/*
 * Parse the complete head acc[0..len) of tx in dir (copied into the tx):
 * start line, headers, derived views. -1: stop this direction (anomaly raised).
 */
int http_head_parse(struct http_conn *c, struct http_tx *tx, enum http_dir dir, const uint8_t *acc,
		    size_t len);

/*
 * How the body of the parsed head is delimited (msg->mode, msg->coding).
 * -1: it cannot be framed safely: stop this direction (anomaly raised).
 */
int http_head_framing(struct http_conn *c, struct http_tx *tx, enum http_dir dir);

/* Bytes of a message body after transfer decoding (http_body.c). */
void http_body_data(struct http_conn *c, struct http_tx *tx, enum http_dir dir, const uint8_t *p,
		    size_t n);

/* The body of tx in dir ended (or was cut): flush and free the decoder. */
void http_body_end(struct http_conn *c, struct http_tx *tx, enum http_dir dir);

/* Free the decoder state (http_body.c). */
void http_decoder_reset(struct http_decoder *d);

/* The message of tx in direction dir. */
static inline struct http_msg *http_tx_msg(struct http_tx *tx, enum http_dir dir)
{
	return dir == HTTP_TO_SERVER ? &tx->req : &tx->resp;
}

#endif /* UTM_INSPECT_HTTP_PRIV_H */
