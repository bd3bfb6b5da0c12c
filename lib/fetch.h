/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Feed transport: one URL in (http://, https:// or file://), one result
 * out, with conditional requests, a size cap, a timeout, retries with
 * exponential backoff for transient failures, and cancellation. It knows
 * nothing of list formats, files on disk or schedules: utm-load decides
 * what to fetch and when, and what to do with the body.
 *
 * Threads: call fetch_global_init() once before starting threads; then
 * fetch_url() may run in several threads at once (one request each). The
 * transfers never raise signals themselves (CURLOPT_NOSIGNAL), but a TLS
 * library may write to a socket the peer closed: the program should ignore
 * SIGPIPE.
 */
#ifndef UTM_FETCH_H
#define UTM_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Defaults used when the request leaves a field 0. */
#define FETCH_DEFAULT_MAX_SIZE	(64u << 20)
#define FETCH_DEFAULT_TIMEOUT_S 60u
#define FETCH_CONNECT_TIMEOUT_S 10u
#define FETCH_RETRY_CAP_MS	60000u
#define FETCH_MAX_REDIRECTS	5

/* What to fetch and how hard to try. Only url is required. */
struct fetch_req {
	const char *url;	    /* http://, https://, file:// (local host only) */
	const char *etag;	    /* previous ETag or NULL: sends If-None-Match */
	const char *last_modified;  /* previous Last-Modified (HTTP date) or NULL */
	const char *api_key;	    /* NULL, or sent as "X-Api-Key: ..." (CrowdSec LAPI) */
	size_t max_size;	    /* bodies larger than this are refused; 0: the default */
	unsigned int timeout_s;	    /* whole transfer; connect: min(10, this); 0: default */
	unsigned int attempts;	    /* tries for transient errors; 0 counts as 1 */
	unsigned int retry_base_ms; /* first retry delay, doubled each time, +-25% jitter */
	volatile int *cancel;	    /* non-NULL: abort soon after *cancel becomes non-zero */
};

enum fetch_status {
	FETCH_OK = 0,	    /* body holds the new content */
	FETCH_NOT_MODIFIED, /* the copy named by etag/last_modified is still current */
	FETCH_ERROR,	    /* error says why */
};

struct fetch_result {
	enum fetch_status status;
	long http_code; /* last HTTP status seen; 0 for file:// or no answer */
	char *body;	/* FETCH_OK: malloc'd, NUL after len bytes; else NULL */
	size_t len;
	char etag[256];		/* the answer's ETag, "" when none (or too long to keep) */
	char last_modified[64]; /* the answer's Last-Modified; file://: the mtime */
	char content_type[128]; /* the answer's Content-Type, "" when none */
	unsigned int tries;	/* attempts made; 0 if cancelled first or the request is bad */
	char error[256];	/* FETCH_ERROR: e.g. "HTTP 503 after 3 tries" */
};

/* curl_global_init, done once however often this is called. 0 or -1. */
int fetch_global_init(void);

/*
 * Fetch req->url into res (res is overwritten: free a previous result
 * first). Returns 0 for FETCH_OK and FETCH_NOT_MODIFIED, -1 for FETCH_ERROR.
 *
 * http(s): a 200 is FETCH_OK, a 304 FETCH_NOT_MODIFIED. Connect and
 * resolve failures, timeouts, dropped connections, 429 and 5xx are retried
 * up to req->attempts times (Retry-After, capped at 60 s, replaces the
 * backoff delay when the server sends one); every other answer is final.
 * Redirects are followed (at most 5, to http/https only) unless an API key
 * is set: the key must not travel to wherever a redirect points.
 *
 * file://: regular files only. When req->last_modified is the file's mtime,
 * the answer is FETCH_NOT_MODIFIED without reading the file. A file changed
 * within the last 2 seconds gets no last_modified, because a second write
 * in the same second would keep its mtime and could go unnoticed.
 *
 * A body with Content-Encoding gzip or deflate is decoded; a .gz file is
 * returned as it is (the caller decompresses it).
 */
int fetch_url(const struct fetch_req *req, struct fetch_result *res);

/* Free the body (safe on a zeroed or already freed result). */
void fetch_result_free(struct fetch_result *res);

/*
 * The delay before retry n (1-based): base_ms * 2^(n-1), capped at cap_ms,
 * times (0.75 + 0.5 * r) for r in [0, 1), rounded down. n = 0 counts as 1;
 * r outside [0, 1) is clamped.
 */
unsigned int fetch_backoff_ms(unsigned int n, unsigned int base_ms, unsigned int cap_ms, double r);

/* t as an HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT"), locale-free. 0 or -1. */
int fetch_format_http_date(time_t t, char *buf, size_t len);

/* Whether a Content-Type names HTML ("text/html; charset=utf-8", any case). */
bool fetch_content_is_html(const char *content_type);

#endif /* UTM_FETCH_H */
