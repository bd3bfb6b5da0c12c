// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * HTTP message heads: the request line, the status line and the header
 * fields of one complete head (as gathered by http_parse.c), and what is
 * derived from them: the sticky-buffer views of the transaction and how the
 * body is delimited (Content-Length vs Transfer-Encoding, with the
 * smuggling checks).
 *
 * Header lines end in LF with an optional CR before it. Folded lines are
 * joined to the previous value with one SP. Lines without ':' are skipped.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inspect/http_priv.h"

static bool is_blank(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* RFC 9110 tchar. */
static bool is_tchar(uint8_t c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c);
}

static bool buf_ieq(struct http_buf b, const char *s)
{
	size_t n = strlen(s);

	return b.len == n && strncasecmp((const char *)b.ptr, s, n) == 0;
}

/* Trim blanks at both ends of p[0..*n); returns the new start. */
static const uint8_t *trim(const uint8_t *p, size_t *n)
{
	while (*n && is_blank(p[0])) {
		p++;
		(*n)--;
	}
	while (*n && is_blank(p[*n - 1]))
		(*n)--;
	return p;
}

/* The next line of head from *off: its content (no CR/LF). */
static struct http_buf next_line(const uint8_t *head, size_t len, size_t *off)
{
	struct http_buf l = {head + *off, 0};
	const uint8_t *nl = memchr(head + *off, '\n', len - *off);
	size_t end = nl ? (size_t)(nl - head) : len;

	l.len = end - *off;
	*off = nl ? end + 1 : len;
	if (l.len && l.ptr[l.len - 1] == '\r')
		l.len--;
	return l;
}

/* "HTTP/d.d" (letters in any case): the minor version, or -1. */
static int http_version(struct http_buf p, int *major)
{
	if (p.len != 8 || strncasecmp((const char *)p.ptr, "HTTP/", 5) != 0 || p.ptr[6] != '.' ||
	    p.ptr[5] < '0' || p.ptr[5] > '9' || p.ptr[7] < '0' || p.ptr[7] > '9')
		return -1;
	*major = p.ptr[5] - '0';
	return p.ptr[7] - '0';
}

static bool known_method(struct http_buf m)
{
	static const char *const known[] = {
		"GET",	 "HEAD",   "POST",     "PUT",	    "DELETE",	"CONNECT", "OPTIONS",
		"TRACE", "PATCH",  "PROPFIND", "PROPPATCH", "MKCOL",	"COPY",	   "MOVE",
		"LOCK",	 "UNLOCK", "SEARCH",   "REPORT",    "CHECKOUT", "MERGE",   "PRI",
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (m.len == strlen(known[i]) && memcmp(m.ptr, known[i], m.len) == 0)
			return true;
	return false;
}

/* Request line -> method, uri_raw, proto. -1: invalid (anomaly raised). */
static int parse_request_line(struct http_conn *c, struct http_tx *tx, struct http_buf l)
{
	const uint8_t *p = l.ptr, *end = l.ptr + l.len, *m, *u, *last;
	int major = 0, minor;

	if (p < end && is_blank(*p)) {
		http_anomaly(c, tx, HTTP_TO_SERVER, HTTP_ANOM_LINE_LEADING_WS,
			     "whitespace before the method");
		while (p < end && is_blank(*p))
			p++;
	}
	while (end > p && is_blank(end[-1]))
		end--;
	for (m = p; m < end && !is_blank(*m); m++)
		if (!is_tchar(*m))
			goto invalid;
	if (m == p || m == end)
		goto invalid;
	tx->method = (struct http_buf){p, (size_t)(m - p)};
	u = m;
	while (u < end && is_blank(*u))
		u++;
	if (u - m != 1 || *m != ' ')
		http_anomaly(c, tx, HTTP_TO_SERVER, HTTP_ANOM_URI_DELIM,
			     "non-compliant delimiter after the method");
	for (last = end; last > u && !is_blank(last[-1]); last--)
		;
	if (last == u) {
		/* "GET /path": HTTP/0.9 */
		tx->uri_raw = (struct http_buf){u, (size_t)(end - u)};
		tx->flags |= HTTP_TX_HTTP09;
		http_anomaly(c, tx, HTTP_TO_SERVER, HTTP_ANOM_MISSING_PROTOCOL,
			     "request line without protocol (HTTP/0.9)");
	} else {
		tx->req.proto = (struct http_buf){last, (size_t)(end - last)};
		minor = http_version(tx->req.proto, &major);
		if (minor < 0 || major != 1) {
			if (!(major == 2 && buf_ieq(tx->method, "PRI")))
				goto invalid;
		}
		while (last > u && is_blank(last[-1]))
			last--;
		tx->uri_raw = (struct http_buf){u, (size_t)(last - u)};
		if (memchr(u, ' ', last - u) || memchr(u, '\t', last - u))
			http_anomaly(c, tx, HTTP_TO_SERVER, HTTP_ANOM_URI_DELIM,
				     "whitespace inside the URI");
	}
	if (!known_method(tx->method))
		http_anomaly(c, tx, HTTP_TO_SERVER, HTTP_ANOM_UNKNOWN_METHOD, "unknown method");
	return 0;
invalid:
	http_anomaly(c, tx, HTTP_TO_SERVER, HTTP_ANOM_LINE_INVALID, "invalid request line");
	return -1;
}

/* Status line -> proto, stat_code, stat_msg. -1: invalid (anomaly raised). */
static int parse_status_line(struct http_conn *c, struct http_tx *tx, struct http_buf l)
{
	const uint8_t *p = l.ptr, *end = l.ptr + l.len, *s;
	int major;

	for (s = p; s < end && !is_blank(*s); s++)
		;
	tx->resp.proto = (struct http_buf){p, (size_t)(s - p)};
	if (http_version(tx->resp.proto, &major) < 0) {
		http_anomaly(c, tx, HTTP_TO_CLIENT, HTTP_ANOM_INVALID_PROTOCOL,
			     "response protocol is not HTTP/x.y");
		return -1;
	}
	while (s < end && is_blank(*s))
		s++;
	if (end - s < 3 || s[0] < '1' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2] < '0' ||
	    s[2] > '9' || (end - s > 3 && !is_blank(s[3]))) {
		http_anomaly(c, tx, HTTP_TO_CLIENT, HTTP_ANOM_INVALID_STATUS,
			     "status code is not 3 digits");
		return -1;
	}
	tx->stat_code = (struct http_buf){s, 3};
	tx->status = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	s += 3;
	while (s < end && is_blank(*s))
		s++;
	tx->stat_msg = (struct http_buf){s, (size_t)(end - s)};
	return 0;
}

/* Count the header lines after the start line (an upper bound of fields). */
static unsigned int count_lines(const uint8_t *head, size_t len, size_t off)
{
	unsigned int n = 0;

	while (off < len) {
		const uint8_t *nl = memchr(head + off, '\n', len - off);

		n++;
		off = nl ? (size_t)(nl - head) + 1 : len;
	}
	return n;
}

/* Append bytes to a buffer sized beforehand. */
static void put(uint8_t *hb, size_t *o, const void *p, size_t n)
{
	memcpy(hb + *o, p, n);
	*o += n;
}

/* The http.header buffer under construction. */
struct hdr_out {
	uint8_t *hb;	   /* the buffer (2 * head length + 16 bytes) */
	size_t o;	   /* bytes written */
	bool overflow;	   /* max_headers reached (reported once) */
	bool last_dropped; /* the previous field was not stored: drop its folds */
};

/*
 * One header line into msg->hdr and the http.header buffer hb. A folded
 * line extends the previous value (whose "\r\n" is written later).
 */
static void add_header(struct http_conn *c, struct http_tx *tx, enum http_dir dir,
		       struct http_buf l, struct hdr_out *out)
{
	uint8_t *hb = out->hb;
	size_t *o = &out->o;
	struct http_msg *msg = http_tx_msg(tx, dir);
	const uint8_t *colon, *name, *val;
	size_t nlen, vlen;

	if (l.len && is_blank(l.ptr[0])) {
		vlen = l.len;
		val = trim(l.ptr, &vlen);
		if (!msg->n_hdr) {
			http_anomaly(c, tx, dir, HTTP_ANOM_HEADER_INVALID,
				     "continuation line before any header");
			return;
		}
		http_anomaly(c, tx, dir, HTTP_ANOM_FIELD_FOLDING, "obsolete line folding");
		if (vlen && !out->last_dropped) {
			put(hb, o, " ", 1);
			put(hb, o, val, vlen);
			msg->hdr[msg->n_hdr - 1].value.len += 1 + vlen;
		}
		return;
	}
	out->last_dropped = true;
	colon = memchr(l.ptr, ':', l.len);
	if (!colon) {
		http_anomaly(c, tx, dir, HTTP_ANOM_FIELD_MISSING_COLON, "header line without ':'");
		return;
	}
	nlen = colon - l.ptr;
	name = trim(l.ptr, &nlen);
	if (nlen != (size_t)(colon - l.ptr) || !nlen)
		http_anomaly(c, tx, dir, HTTP_ANOM_HEADER_INVALID,
			     nlen ? "whitespace around the header name" : "empty header name");
	if (!nlen)
		return;
	for (size_t i = 0; i < nlen; i++) {
		if (!is_tchar(name[i])) {
			http_anomaly(c, tx, dir, HTTP_ANOM_HEADER_INVALID,
				     "invalid character in header name");
			break;
		}
	}
	if (msg->n_hdr >= c->lim.max_headers) {
		if (!out->overflow)
			http_anomaly(c, tx, dir, HTTP_ANOM_TOO_MANY_HEADERS, "too many headers");
		out->overflow = true;
		return;
	}
	out->last_dropped = false;
	vlen = l.len - (colon + 1 - l.ptr);
	val = trim(colon + 1, &vlen);
	if (msg->n_hdr)
		put(hb, o, "\r\n", 2);
	msg->hdr[msg->n_hdr].name = (struct http_buf){hb + *o, nlen};
	put(hb, o, name, nlen);
	put(hb, o, ": ", 2);
	msg->hdr[msg->n_hdr].value = (struct http_buf){hb + *o, vlen};
	put(hb, o, val, vlen);
	msg->n_hdr++;
}

/* Header lines from off into msg->hdr and msg->headers. -1: no memory. */
static int parse_headers(struct http_conn *c, struct http_tx *tx, enum http_dir dir,
			 const uint8_t *head, size_t len, size_t off)
{
	struct http_msg *msg = http_tx_msg(tx, dir);
	unsigned int lines = count_lines(head, len, off);
	struct hdr_out out = {0};

	if (lines > c->lim.max_headers)
		lines = c->lim.max_headers;
	/* each line grows by at most 2 bytes (": " and CRLF for ":" and LF) */
	msg->own_headers = malloc(2 * len + 16);
	msg->hdr = calloc(lines ? lines : 1, sizeof(*msg->hdr));
	if (!msg->own_headers || !msg->hdr)
		return -1;
	out.hb = msg->own_headers;
	out.last_dropped = true;
	while (off < len) {
		struct http_buf l = next_line(head, len, &off);

		add_header(c, tx, dir, l, &out);
	}
	if (msg->n_hdr)
		put(out.hb, &out.o, "\r\n", 2);
	msg->headers = (struct http_buf){out.hb, out.o};
	return 0;
}

struct http_buf http_msg_header(const struct http_msg *msg, const char *name, unsigned int idx)
{
	struct http_buf none = {NULL, 0};

	for (unsigned int i = 0; i < msg->n_hdr; i++)
		if (buf_ieq(msg->hdr[i].name, name) && idx-- == 0)
			return msg->hdr[i].value;
	return none;
}

/* All values of a header joined with ", " (owned in *own when several). */
static int join_header(const struct http_msg *msg, const char *name, struct http_buf *out,
		       uint8_t **own)
{
	size_t total = 0, k = 0, o = 0;
	struct http_buf v;

	while ((v = http_msg_header(msg, name, k)).ptr) {
		total += v.len + (k ? 2 : 0);
		k++;
	}
	if (k <= 1) {
		*out = http_msg_header(msg, name, 0);
		return 0;
	}
	*own = malloc(total);
	if (!*own)
		return -1;
	for (size_t i = 0; i < k; i++) {
		v = http_msg_header(msg, name, i);
		if (i)
			put(*own, &o, ", ", 2);
		put(*own, &o, v.ptr, v.len);
	}
	*out = (struct http_buf){*own, o};
	return 0;
}

/* http.host and http.host.raw, with the ambiguity checks. */
static int derive_host(struct http_conn *c, struct http_tx *tx)
{
	struct http_buf auth = http_uri_authority(tx->uri_raw.ptr, tx->uri_raw.len);
	struct http_buf src, h;
	size_t n, cap;

	tx->host_raw = http_msg_header(&tx->req, "Host", 0);
	src = auth.ptr ? auth : tx->host_raw;
	if (!src.ptr) {
		int major = 0;

		if (http_version(tx->req.proto, &major) == 1 && major == 1)
			http_anomaly(c, tx, HTTP_TO_SERVER, HTTP_ANOM_MISSING_HOST,
				     "HTTP/1.1 request without Host");
		return 0;
	}
	cap = src.len + tx->host_raw.len + 1;
	tx->own_host = malloc(cap);
	if (!tx->own_host)
		return -1;
	n = http_host_normalize(src.ptr, src.len, tx->own_host);
	tx->host = (struct http_buf){tx->own_host, n};
	/* every Host header (and the URI's authority) must name the same host */
	for (unsigned int i = 0; (h = http_msg_header(&tx->req, "Host", i)).ptr; i++) {
		uint8_t *tmp = tx->own_host + n;
		size_t m;

		if (h.len > cap - n)
			continue;
		m = http_host_normalize(h.ptr, h.len, tmp);
		if (m != n || memcmp(tmp, tx->own_host, n) != 0) {
			http_anomaly(c, tx, HTTP_TO_SERVER, HTTP_ANOM_HOST_AMBIGUOUS,
				     "Host headers or URI name different hosts");
			break;
		}
	}
	return 0;
}

/* Derived request views. -1: no memory. */
static int derive_request(struct http_conn *c, struct http_tx *tx)
{
	size_t n;

	tx->own_uri = malloc(tx->uri_raw.len + 1);
	if (!tx->own_uri)
		return -1;
	n = http_uri_normalize(tx->uri_raw.ptr, tx->uri_raw.len, tx->own_uri);
	tx->uri = (struct http_buf){tx->own_uri, n};
	if (buf_ieq(tx->method, "HEAD"))
		tx->flags |= HTTP_TX_HEAD;
	if (buf_ieq(tx->method, "CONNECT"))
		tx->flags |= HTTP_TX_CONNECT;
	if (http_msg_header(&tx->req, "Upgrade", 0).ptr)
		tx->flags |= HTTP_TX_UPGRADE;
	if (derive_host(c, tx) ||
	    join_header(&tx->req, "User-Agent", &tx->user_agent, &tx->own_ua) ||
	    join_header(&tx->req, "Cookie", &tx->cookie, &tx->own_cookie))
		return -1;
	return 0;
}

int http_head_parse(struct http_conn *c, struct http_tx *tx, enum http_dir dir, const uint8_t *acc,
		    size_t len)
{
	struct http_msg *msg = http_tx_msg(tx, dir);
	size_t off = 0;
	struct http_buf line;

	msg->own_head = malloc(len ? len : 1);
	if (!msg->own_head)
		goto nomem;
	memcpy(msg->own_head, acc, len);
	msg->head = (struct http_buf){msg->own_head, len};
	line = next_line(msg->own_head, len, &off);
	if (dir == HTTP_TO_SERVER ? parse_request_line(c, tx, line)
				  : parse_status_line(c, tx, line))
		return -1;
	if (parse_headers(c, tx, dir, msg->own_head, len, off))
		goto nomem;
	if (dir == HTTP_TO_SERVER && derive_request(c, tx))
		goto nomem;
	msg->flags |= HTTP_MSG_HEAD_DONE;
	return 0;
nomem:
	http_anomaly(c, tx, dir, HTTP_ANOM_NO_MEMORY, "out of memory");
	return -1;
}

/* Case-insensitive comparison of a token with a C string. */
static bool tok_ieq(const uint8_t *p, size_t n, const char *s)
{
	return n == strlen(s) && strncasecmp((const char *)p, s, n) == 0;
}

/*
 * Transfer-Encoding, all headers' comma lists: 1 when the last coding is
 * chunked, 0 when there is no TE, -1 when there is one without final chunked.
 */
static int te_chunked(const struct http_msg *msg, bool *several)
{
	const uint8_t *last = NULL;
	size_t last_len = 0;
	struct http_buf v;
	unsigned int k;

	for (k = 0; (v = http_msg_header(msg, "Transfer-Encoding", k)).ptr; k++) {
		size_t i = 0;

		while (i < v.len) {
			size_t s = i, n;
			const uint8_t *t;

			while (i < v.len && v.ptr[i] != ',')
				i++;
			n = i - s;
			t = trim(v.ptr + s, &n);
			if (n) {
				last = t;
				last_len = n;
			}
			i++;
		}
	}
	*several = k > 1;
	if (!k)
		return 0;
	return last && tok_ieq(last, last_len, "chunked") ? 1 : -1;
}

/*
 * Content-Length over all headers and comma lists: 0 none, 1 one value (in
 * *cl), -1 not a number, -2 different values. *several: repeated.
 */
static int content_length(const struct http_msg *msg, uint64_t *cl, bool *several)
{
	struct http_buf v;
	unsigned int k, count = 0;

	for (k = 0; (v = http_msg_header(msg, "Content-Length", k)).ptr; k++) {
		size_t i = 0;

		do {
			uint64_t val = 0;
			size_t digits = 0;

			while (i < v.len && is_blank(v.ptr[i]))
				i++;
			while (i < v.len && v.ptr[i] >= '0' && v.ptr[i] <= '9') {
				if (val > (UINT64_MAX - 9) / 10 || ++digits > 18)
					return -1;
				val = val * 10 + (v.ptr[i++] - '0');
			}
			while (i < v.len && is_blank(v.ptr[i]))
				i++;
			if (!digits || (i < v.len && v.ptr[i] != ','))
				return -1;
			if (count++ && val != *cl)
				return -2;
			*cl = val;
		} while (i++ < v.len);
	}
	*several = count > 1;
	return count ? 1 : 0;
}

/* The Content-Encoding of a response, flagging stacked ones. */
static enum http_coding content_coding(struct http_conn *c, struct http_tx *tx)
{
	struct http_buf v = http_msg_header(&tx->resp, "Content-Encoding", 0);
	size_t n = v.len;
	const uint8_t *t;

	if (!v.ptr)
		return HTTP_CODING_IDENTITY;
	t = trim(v.ptr, &n);
	if (memchr(t, ',', n) || http_msg_header(&tx->resp, "Content-Encoding", 1).ptr) {
		http_anomaly(c, tx, HTTP_TO_CLIENT, HTTP_ANOM_TOO_MANY_ENCODINGS,
			     "several content codings: body passed on raw");
		return HTTP_CODING_IDENTITY;
	}
	if (tok_ieq(t, n, "gzip") || tok_ieq(t, n, "x-gzip"))
		return HTTP_CODING_GZIP;
	if (tok_ieq(t, n, "deflate"))
		return HTTP_CODING_DEFLATE;
	return HTTP_CODING_IDENTITY;
}

int http_head_framing(struct http_conn *c, struct http_tx *tx, enum http_dir dir)
{
	struct http_msg *msg = http_tx_msg(tx, dir);
	bool te_several = false, cl_several = false;
	int te = te_chunked(msg, &te_several),
	    cl = content_length(msg, &msg->content_length, &cl_several);

	msg->mode = HTTP_BODY_NONE;
	if (dir == HTTP_TO_CLIENT) {
		msg->coding = content_coding(c, tx);
		if ((tx->flags & HTTP_TX_HEAD) || tx->status < 200 || tx->status == 204 ||
		    tx->status == 304)
			return 0;
	}
	if (te_several || cl_several)
		http_anomaly(c, tx, dir, HTTP_ANOM_HEADER_REPETITION,
			     "repeated Content-Length or Transfer-Encoding");
	if (te && cl)
		http_anomaly(c, tx, dir, HTTP_ANOM_CL_AND_TE,
			     "both Content-Length and Transfer-Encoding: chunked wins");
	if (te == 1) {
		msg->mode = HTTP_BODY_CHUNKED;
		return 0;
	}
	if (te < 0) {
		http_anomaly(c, tx, dir, HTTP_ANOM_INVALID_TE,
			     "Transfer-Encoding without final chunked");
		if (dir == HTTP_TO_SERVER)
			return -1;
		msg->mode = HTTP_BODY_EOF;
		return 0;
	}
	if (cl == -1) {
		http_anomaly(c, tx, dir, HTTP_ANOM_INVALID_CL, "invalid Content-Length");
		return -1;
	}
	if (cl == -2) {
		http_anomaly(c, tx, dir, HTTP_ANOM_CL_MISMATCH, "different Content-Length values");
		return -1;
	}
	if (cl == 1)
		msg->mode = HTTP_BODY_LENGTH;
	else if (dir == HTTP_TO_CLIENT)
		msg->mode = HTTP_BODY_EOF;
	return 0;
}
