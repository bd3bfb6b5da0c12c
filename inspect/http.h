/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Incremental HTTP/1.x parser for one TCP connection (utm-inspect).
 *
 * The caller feeds the in-order bytes of each direction as they arrive
 * (http_feed) and signals the end of a direction (http_eof). The parser
 * splits the streams into transactions (pipelining and keep-alive: several per
 * connection), and for each one exposes what the IPS sticky buffers need
 * (http.method, http.uri, http.uri.raw, http.host, http.user_agent,
 * http.cookie, http.header, http.stat_code, http.request_body,
 * http.response_body / file.data) as (ptr, len) views, and streams the
 * de-chunked and decompressed bodies to a callback so that a consumer (the
 * antivirus) can scan a download of any size without it being buffered.
 *
 * Ownership and lifetime: a transaction and every buffer it points to belong
 * to the connection. A transaction is valid from the callback that first
 * shows it until the tx_done callback for it has returned; then it is freed.
 * http_conn_free() frees whatever is left without calling callbacks.
 *
 * No global state: any number of connections may be parsed in parallel from
 * different threads as long as one connection is fed by one thread at a time.
 *
 * Memory bounds (per connection, with the limits in struct http_limits):
 *   - per direction, one accumulation buffer <= max_head bytes (start line and
 *     headers, or a chunk-size line, or the chunked trailer);
 *   - at most max_pipeline transactions alive; each owns its two header blocks
 *     (<= max_head each, about 3x that with the derived views), at most
 *     max_headers header entries per message, and its body inspection
 *     buffers (<= req_body_depth and resp_body_depth);
 *   - one zlib inflate state (about 45 KiB) while a compressed response body
 *     is being decoded.
 * CPU: every input byte is looked at a bounded number of times; decompression
 * output per input byte is bounded by the ratio guard.
 */
#ifndef UTM_INSPECT_HTTP_H
#define UTM_INSPECT_HTTP_H

#include <stddef.h>
#include <stdint.h>

/* A direction of the connection. */
enum http_dir {
	HTTP_TO_SERVER = 0, /* client -> server: requests */
	HTTP_TO_CLIENT = 1, /* server -> client: responses */
};

/* What a direction is doing, as returned by http_feed() and http_eof(). */
enum http_state {
	HTTP_STATE_OK = 0, /* parsing HTTP; feed more */
	HTTP_STATE_TUNNEL, /* CONNECT or Upgrade: the rest is opaque, stop feeding */
	HTTP_STATE_ERROR,  /* unparseable or ambiguous input; parsing stopped */
	HTTP_STATE_CLOSED, /* http_eof() was called for this direction */
};

/*
 * Anomalies. Codes are direction neutral; http_anomaly_name() gives the
 * Suricata http event name for the direction (REQUEST_... or RESPONSE_...)
 * where Suricata has one, and a name in the same style otherwise.
 */
enum http_anomaly {
	HTTP_ANOM_LINE_INVALID = 0,	 /* bad request/status line: stops */
	HTTP_ANOM_LINE_LEADING_WS,	 /* whitespace before the method */
	HTTP_ANOM_URI_DELIM,		 /* unusual separators (tabs, several SP) */
	HTTP_ANOM_UNKNOWN_METHOD,	 /* method not in the well-known list */
	HTTP_ANOM_MISSING_PROTOCOL,	 /* HTTP/0.9 simple request */
	HTTP_ANOM_INVALID_PROTOCOL,	 /* response without "HTTP/x.y": stops */
	HTTP_ANOM_INVALID_STATUS,	 /* status code not 3 digits: stops */
	HTTP_ANOM_FIELD_MISSING_COLON,	 /* header line without ':' (skipped) */
	HTTP_ANOM_HEADER_INVALID,	 /* empty name, bad name chars, space before ':' */
	HTTP_ANOM_FIELD_FOLDING,	 /* obsolete line folding (unfolded) */
	HTTP_ANOM_FIELD_TOO_LONG,	 /* header block over max_head: stops */
	HTTP_ANOM_TOO_MANY_HEADERS,	 /* over max_headers: the rest ignored */
	HTTP_ANOM_MISSING_HOST,		 /* HTTP/1.1 request without Host */
	HTTP_ANOM_HOST_AMBIGUOUS,	 /* several different Hosts, or URI vs Host */
	HTTP_ANOM_HEADER_REPETITION,	 /* repeated CL or TE header */
	HTTP_ANOM_INVALID_CL,		 /* Content-Length not a number: stops */
	HTTP_ANOM_CL_MISMATCH,		 /* several different Content-Lengths: stops */
	HTTP_ANOM_CL_AND_TE,		 /* both: TE wins (smuggling attempt?) */
	HTTP_ANOM_INVALID_TE,		 /* TE other than "...chunked" (request: stops) */
	HTTP_ANOM_INVALID_CHUNK_LEN,	 /* bad chunk-size line or CRLF: stops */
	HTTP_ANOM_CHUNK_EXTENSION,	 /* chunk extension present */
	HTTP_ANOM_UNMATCHED_RESPONSE,	 /* response without a request */
	HTTP_ANOM_COMPRESSION_BOMB,	 /* decompression cap or ratio hit */
	HTTP_ANOM_DECOMPRESSION_FAILED,	 /* corrupt gzip/deflate: raw passed on */
	HTTP_ANOM_TOO_MANY_ENCODINGS,	 /* stacked Content-Encodings: raw passed on */
	HTTP_ANOM_TRUNCATED,		 /* end of stream inside a message */
	HTTP_ANOM_TOO_MANY_TRANSACTIONS, /* over max_pipeline pending: stops */
	HTTP_ANOM_NO_MEMORY,		 /* allocation failed: stops */
	HTTP_ANOM_COUNT,
};

/* A read-only view into parser-owned memory; not NUL-terminated. */
struct http_buf {
	const uint8_t *ptr; /* NULL when absent */
	size_t len;	    /* bytes at ptr */
};

/* One header field, as a view into the message's http.header buffer. */
struct http_header {
	struct http_buf name;  /* as sent (case kept), without surrounding blanks */
	struct http_buf value; /* blanks trimmed both ends; folded lines joined by one SP */
};

/* Message (request or response) framing of the body. */
enum http_body_mode {
	HTTP_BODY_NONE = 0, /* no body (GET without CL, HEAD response, 204, 304, 1xx) */
	HTTP_BODY_LENGTH,   /* Content-Length bytes */
	HTTP_BODY_CHUNKED,  /* Transfer-Encoding: chunked */
	HTTP_BODY_EOF,	    /* response delimited by the end of the stream */
};

/* Content-Encoding that the parser undoes (responses only). */
enum http_coding {
	HTTP_CODING_IDENTITY = 0, /* none, identity, or one the parser passes raw */
	HTTP_CODING_GZIP,	  /* gzip, x-gzip */
	HTTP_CODING_DEFLATE,	  /* deflate: zlib-wrapped or raw, detected */
};

/* struct http_msg.flags */
#define HTTP_MSG_HEAD_DONE	(1u << 0) /* start line and headers parsed */
#define HTTP_MSG_DONE		(1u << 1) /* whole message (with body) seen */
#define HTTP_MSG_TRUNCATED	(1u << 2) /* stream ended or stopped inside it */
#define HTTP_MSG_BODY_CUT	(1u << 3) /* body longer than the kept depth */
#define HTTP_MSG_DECODE_STOPPED (1u << 4) /* decompression stopped (bomb) */
#define HTTP_MSG_DECODE_RAW	(1u << 5) /* body passed on still encoded */

/* One direction of a transaction. Every view points into memory the tx owns. */
struct http_msg {
	struct http_buf head;	  /* start line + header lines as received, no empty line */
	struct http_buf headers;  /* http.header: "Name: value\r\n" per header */
	struct http_header *hdr;  /* the headers in order (same-name ones repeated) */
	unsigned int n_hdr;	  /* entries in hdr */
	struct http_buf proto;	  /* "HTTP/1.1"; empty for HTTP/0.9 */
	struct http_buf body;	  /* the first depth bytes of the decoded body */
	struct http_buf trailer;  /* chunked trailer lines as received */
	enum http_body_mode mode; /* how the body is delimited */
	enum http_coding coding;  /* Content-Encoding being undone */
	uint64_t content_length;  /* the value when mode == HTTP_BODY_LENGTH */
	uint64_t body_wire;	  /* body bytes after transfer decoding, before CE */
	uint64_t body_decoded;	  /* body bytes delivered to the body callback */
	unsigned int flags;	  /* HTTP_MSG_* */
	/* internal: */
	uint8_t *own_head, *own_headers, *own_body, *own_trailer;
	size_t body_cap;
};

/* struct http_tx.flags */
#define HTTP_TX_HTTP09	    (1u << 0) /* HTTP/0.9 simple request (no headers) */
#define HTTP_TX_HEAD	    (1u << 1) /* HEAD request: the response has no body */
#define HTTP_TX_CONNECT	    (1u << 2) /* CONNECT request */
#define HTTP_TX_UPGRADE	    (1u << 3) /* request asked for Upgrade */
#define HTTP_TX_TUNNEL	    (1u << 4) /* the connection became a tunnel after it */
#define HTTP_TX_UNSOLICITED (1u << 5) /* response without a request */

/* One request/response exchange. */
struct http_tx {
	uint64_t id;		    /* 0, 1, 2... in order on the connection */
	struct http_msg req;	    /* the request */
	struct http_msg resp;	    /* the response (final one; 1xx are skipped) */
	struct http_buf method;	    /* http.method */
	struct http_buf uri_raw;    /* http.uri.raw: the request-target as sent */
	struct http_buf uri;	    /* http.uri: normalised, see http_uri_normalize() */
	struct http_buf host;	    /* http.host: lowercased, no port; from an absolute
				     * URI if any, else from Host */
	struct http_buf host_raw;   /* http.host.raw: the first Host value as sent */
	struct http_buf user_agent; /* http.user_agent: User-Agent values, ", "-joined */
	struct http_buf cookie;	    /* http.cookie: Cookie values, ", "-joined */
	struct http_buf stat_code;  /* http.stat_code: "200" */
	struct http_buf stat_msg;   /* http.stat_msg: "OK" (may be empty) */
	unsigned int status;	    /* 200; 0 before the response */
	unsigned int flags;	    /* HTTP_TX_* */
	uint64_t anomalies;	    /* bit (1 << enum http_anomaly) per anomaly seen */
	void *user;		    /* free for the caller (per-tx detection state) */
	/* internal: */
	struct http_tx *next;
	uint8_t *own_uri, *own_host, *own_ua, *own_cookie;
};

/*
 * Callbacks; any may be NULL. They must not call http_feed/http_eof/
 * http_conn_free on the same connection.
 */
struct http_callbacks {
	/* Request line and headers parsed: method, URI, host... are set. */
	void (*request_headers)(void *user, struct http_tx *tx);
	/* Final response status line and headers parsed. */
	void (*response_headers)(void *user, struct http_tx *tx);
	/*
	 * A piece of a decoded body (de-chunked; responses also decompressed).
	 * Pieces arrive in order and cover the whole body, whatever its size,
	 * unless decompression stopped (HTTP_MSG_DECODE_STOPPED).
	 */
	void (*body)(void *user, struct http_tx *tx, enum http_dir dir, const uint8_t *data,
		     size_t len);
	/* The request (dir TO_SERVER) or response is complete (or cut short). */
	void (*msg_done)(void *user, struct http_tx *tx, enum http_dir dir);
	/* Both halves are done: last call for this tx before it is freed. */
	void (*tx_done)(void *user, struct http_tx *tx);
	/* An anomaly; tx may be NULL when none could be attributed. */
	void (*anomaly)(void *user, struct http_tx *tx, enum http_dir dir, enum http_anomaly code,
			const char *text);
};

/* Limits; zero fields take the defaults in brackets. */
struct http_limits {
	size_t max_head;	   /* start line + headers bytes [64 KiB] */
	unsigned int max_headers;  /* header fields per message [256] */
	unsigned int max_pipeline; /* transactions alive at once [32] */
	size_t req_body_depth;	   /* request body bytes kept [64 KiB] */
	size_t resp_body_depth;	   /* response body bytes kept [1 MiB] */
	uint64_t decomp_max;	   /* decoded bytes per body before a bomb [256 MiB] */
	uint64_t bomb_min;	   /* ratio guard applies above this output [1 MiB] */
	unsigned int bomb_ratio;   /* output/input ratio counted as a bomb [1000]; one
				    * deflate layer peaks at ~1032, so libhtp's 2048
				    * would never fire on a single gzip */
};

/* Per-connection state. Treat as opaque; allocate with http_conn_new(). */
struct http_conn;

/* A new connection with callbacks cb (copied; may be NULL) and their user
 * pointer; limits may be NULL for the defaults. NULL when out of memory. */
struct http_conn *http_conn_new(const struct http_callbacks *cb, void *user,
				const struct http_limits *limits);

/* Free the connection and any transaction still alive (no callbacks). */
void http_conn_free(struct http_conn *conn);

/*
 * The next len in-order bytes of direction dir. Returns the direction's state;
 * once not HTTP_STATE_OK further bytes of that direction are ignored.
 */
enum http_state http_feed(struct http_conn *conn, enum http_dir dir, const uint8_t *buf,
			  size_t len);

/*
 * The direction ended (FIN/RST): completes a body delimited by the end of the
 * stream, flags a message cut short (HTTP_ANOM_TRUNCATED). When both
 * directions have ended or stopped, every remaining transaction is completed.
 */
enum http_state http_eof(struct http_conn *conn, enum http_dir dir);

/* The current state of a direction. */
enum http_state http_conn_state(const struct http_conn *conn, enum http_dir dir);

/* The Suricata-style event name of an anomaly in a direction, e.g.
 * "REQUEST_FIELD_MISSING_COLON"; "UNKNOWN" for an out-of-range code. */
const char *http_anomaly_name(enum http_anomaly code, enum http_dir dir);

/*
 * The idx-th (0-based) header of msg named name (case-insensitive), or an
 * absent view (ptr NULL).
 */
struct http_buf http_msg_header(const struct http_msg *msg, const char *name, unsigned int idx);

/*
 * http.uri normalisation of a request-target (as libhtp's defaults for
 * Suricata do it): for an absolute URI the scheme and authority are dropped;
 * every valid %XX is decoded (invalid ones are kept); in the path, '\' becomes
 * '/', runs of '/' collapse to one, and "." and ".." segments are resolved
 * ("/.." above the root stays at the root); the query is only %-decoded.
 * Writes at most max(len, 1) bytes to out and returns how many.
 */
size_t http_uri_normalize(const uint8_t *in, size_t len, uint8_t *out);

/*
 * The authority of an absolute URI ("http://user@Host:80/x" -> "Host:80"), or
 * an absent view when in is not "scheme://...".
 */
struct http_buf http_uri_authority(const uint8_t *in, size_t len);

/*
 * http.host normalisation: blanks trimmed, userinfo and port dropped (IPv6
 * literals keep their brackets), lowercased; a trailing '.' is kept, as
 * Suricata keeps it. Writes at most len bytes to out and returns how many.
 */
size_t http_host_normalize(const uint8_t *in, size_t len, uint8_t *out);

#endif /* UTM_INSPECT_HTTP_H */
