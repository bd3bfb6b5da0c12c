// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Feed transport over libcurl (see fetch.h). One easy handle per call to
 * fetch_url(), reused by its retries; the body grows in one malloc'd
 * buffer that never exceeds the size cap plus its NUL. Failures are sorted
 * into transient (worth another try after a backoff) and permanent (the
 * same request would fail the same way), and described in plain words.
 */
#include "lib/fetch.h"

#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define USER_AGENT	  "utm-feeds/1 (+https://github.com/)"
#define MIN_BODY_ALLOC	  (16u << 10)
#define CANCEL_POLL_MS	  50u
#define RECENT_MTIME_S	  2
#define MAX_HEADER_VALUE  4096u
#define HEADER_LINE_EXTRA 32u

enum outcome {
	OUTCOME_OK,
	OUTCOME_NOT_MODIFIED,
	OUTCOME_PERMANENT, /* final: retrying would fail the same way */
	OUTCOME_TRANSIENT, /* worth another try */
};

/* Where the write callback puts the body of one transfer. */
struct body_sink {
	CURL *curl;
	bool is_file;
	size_t max;
	char *buf;
	size_t len, cap;
	bool started;	/* the first write came (and the answer was checked) */
	bool dropped;	/* not a 200: the body is not wanted, transfer stopped */
	bool too_large; /* over the cap: transfer stopped */
	bool no_memory;
};

/* One fetch_url() call: the request, the handle and what the URL says. */
struct fetcher {
	const struct fetch_req *req;
	struct fetch_result *res;
	CURL *curl;
	struct curl_slist *headers;
	bool is_file;
	char *file_path; /* file://: the decoded local path */
	char *host;	 /* http(s): for messages */
	size_t max_size;
	unsigned int timeout_s;
	struct body_sink sink;
	char errbuf[CURL_ERROR_SIZE];
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

static void global_init_once(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int fetch_global_init(void)
{
	pthread_once(&global_once, global_init_once);
	return global_rc == CURLE_OK ? 0 : -1;
}

unsigned int fetch_backoff_ms(unsigned int n, unsigned int base_ms, unsigned int cap_ms, double r)
{
	uint64_t delay = base_ms;
	double jittered;
	unsigned int i;

	if (!(r >= 0.0)) /* also catches NaN */
		r = 0.0;
	if (r > 1.0)
		r = 1.0;
	for (i = 1; i < n && delay < cap_ms; i++)
		delay *= 2;
	if (delay > cap_ms)
		delay = cap_ms;
	jittered = (double)delay * (0.75 + 0.5 * r);
	return jittered >= (double)UINT_MAX ? UINT_MAX : (unsigned int)jittered;
}

int fetch_format_http_date(time_t t, char *buf, size_t len)
{
	/* Fixed English names: strftime's %a and %b follow the locale. */
	static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	int n;

	if (!gmtime_r(&t, &tm) || tm.tm_wday < 0 || tm.tm_wday > 6 || tm.tm_mon < 0 ||
	    tm.tm_mon > 11)
		return -1;
	n = snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
		     months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return n > 0 && (size_t)n < len ? 0 : -1;
}

bool fetch_content_is_html(const char *content_type)
{
	static const char html[] = "text/html";
	const char *p = content_type;

	if (!p)
		return false;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncasecmp(p, html, sizeof(html) - 1) != 0)
		return false;
	p += sizeof(html) - 1;
	return *p == '\0' || *p == ';' || *p == ' ' || *p == '\t';
}

void fetch_result_free(struct fetch_result *res)
{
	if (!res)
		return;
	free(res->body);
	res->body = NULL;
	res->len = 0;
}

static bool is_cancelled(const struct fetch_req *req)
{
	return req->cancel && *req->cancel;
}

static void set_error(struct fetch_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_error(struct fetch_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->error, sizeof(res->error), fmt, ap);
	va_end(ap);
}

/* Copy src into a fixed field, or leave it empty when it does not fit whole. */
static void copy_whole(char *dst, size_t size, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= size)
		n = 0;
	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
}

/* ---- body ---- */

static void sink_reset(struct body_sink *sink)
{
	free(sink->buf);
	sink->buf = NULL;
	sink->len = 0;
	sink->cap = 0;
	sink->started = false;
	sink->dropped = false;
	sink->too_large = false;
	sink->no_memory = false;
}

/* The answer's Content-Encoding, when curl decodes it (then lengths differ). */
static bool answer_is_encoded(CURL *curl)
{
	struct curl_header *h;

	if (curl_easy_header(curl, "Content-Encoding", 0, CURLH_HEADER, -1, &h) != CURLHE_OK)
		return false;
	return strcasecmp(h->value, "identity") != 0;
}

/*
 * Checks made once, when the body starts: only a 200 is worth keeping, and
 * an announced length over the cap ends the transfer before it costs time.
 * The announced length counts encoded bytes, so it only decides when the
 * body is not encoded; the byte count in on_body() covers the rest.
 */
static void sink_check_answer(struct body_sink *sink)
{
	curl_off_t announced = -1;
	long code = 0;

	sink->started = true;
	if (!sink->is_file) {
		curl_easy_getinfo(sink->curl, CURLINFO_RESPONSE_CODE, &code);
		if (code != 200) {
			sink->dropped = true;
			return;
		}
		if (answer_is_encoded(sink->curl))
			return;
	}
	curl_easy_getinfo(sink->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced);
	if (announced > 0 && (uint64_t)announced > sink->max)
		sink->too_large = true;
}

static bool sink_grow(struct body_sink *sink, size_t need)
{
	size_t cap = sink->cap ? sink->cap : MIN_BODY_ALLOC;
	char *buf;

	while (cap < need && cap <= SIZE_MAX / 2)
		cap *= 2;
	if (cap < need)
		cap = need;
	if (cap > sink->max + 1) /* room for the NUL, never more */
		cap = sink->max + 1;
	buf = realloc(sink->buf, cap);
	if (!buf)
		return false;
	sink->buf = buf;
	sink->cap = cap;
	return true;
}

/* CURLOPT_WRITEFUNCTION: returning less than n stops the transfer. */
static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct body_sink *sink = ctx;
	size_t n = size * nmemb;

	if (!sink->started)
		sink_check_answer(sink);
	if (sink->dropped || sink->too_large)
		return 0;
	if (n > sink->max - sink->len) {
		sink->too_large = true;
		return 0;
	}
	if (sink->len + n + 1 > sink->cap && !sink_grow(sink, sink->len + n + 1)) {
		sink->no_memory = true;
		return 0;
	}
	memcpy(sink->buf + sink->len, data, n);
	sink->len += n;
	return n;
}

/* CURLOPT_XFERINFOFUNCTION: non-zero aborts the transfer. */
static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	return is_cancelled(ctx);
}

/* Hand the body over to the result, NUL-terminated (an empty body is ""). */
static int sink_to_result(struct body_sink *sink, struct fetch_result *res)
{
	if (!sink->buf && !sink_grow(sink, 1))
		return -1;
	sink->buf[sink->len] = '\0';
	res->body = sink->buf;
	res->len = sink->len;
	sink->buf = NULL;
	sink->len = 0;
	sink->cap = 0;
	return 0;
}

/* ---- request set-up ---- */

/* Scheme, host and (file://) path, or a permanent error. */
static int parse_url(struct fetcher *f)
{
	char *scheme = NULL;
	CURLUcode rc;
	CURLU *u;
	int ret = -1;

	u = curl_url();
	if (!u) {
		set_error(f->res, "out of memory");
		return -1;
	}
	rc = curl_url_set(u, CURLUPART_URL, f->req->url, 0);
	if (rc == CURLUE_UNSUPPORTED_SCHEME) {
		set_error(f->res, "unsupported protocol in URL");
		goto out;
	}
	if (rc != CURLUE_OK || curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
		set_error(f->res, "bad URL: %s", curl_url_strerror(rc));
		goto out;
	}
	if (strcmp(scheme, "file") == 0) {
		f->is_file = true;
		rc = curl_url_get(u, CURLUPART_HOST, &f->host, 0);
		if (rc == CURLUE_OK && f->host[0] && strcasecmp(f->host, "localhost") != 0) {
			set_error(f->res, "file:// URL names another host: %s", f->host);
			goto out;
		}
		rc = curl_url_get(u, CURLUPART_PATH, &f->file_path, CURLU_URLDECODE);
		if (rc != CURLUE_OK) {
			set_error(f->res, "bad URL: %s", curl_url_strerror(rc));
			goto out;
		}
	} else if (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0) {
		rc = curl_url_get(u, CURLUPART_HOST, &f->host, 0);
		if (rc != CURLUE_OK) {
			set_error(f->res, "bad URL: %s", curl_url_strerror(rc));
			goto out;
		}
	} else {
		set_error(f->res, "unsupported protocol %s://", scheme);
		goto out;
	}
	ret = 0;
out:
	curl_free(scheme);
	curl_url_cleanup(u);
	return ret;
}

/* A header value must not smuggle in more header lines. */
static bool header_value_ok(const char *value)
{
	return strlen(value) <= MAX_HEADER_VALUE && !strpbrk(value, "\r\n");
}

static int add_header(struct fetcher *f, const char *name, const char *value)
{
	char line[MAX_HEADER_VALUE + HEADER_LINE_EXTRA];
	struct curl_slist *list;

	if (!value || !value[0])
		return 0;
	if (!header_value_ok(value)) {
		set_error(f->res, "invalid %s value (line break or too long)", name);
		return -1;
	}
	snprintf(line, sizeof(line), "%s: %s", name, value);
	list = curl_slist_append(f->headers, line);
	if (!list) {
		set_error(f->res, "out of memory");
		return -1;
	}
	f->headers = list;
	return 0;
}

static int build_headers(struct fetcher *f)
{
	if (f->is_file)
		return 0;
	if (add_header(f, "If-None-Match", f->req->etag) ||
	    add_header(f, "If-Modified-Since", f->req->last_modified) ||
	    add_header(f, "X-Api-Key", f->req->api_key))
		return -1;
	return 0;
}

#define SETOPT(f, opt, val)                                                                        \
	do {                                                                                       \
		if (curl_easy_setopt((f)->curl, opt, val) != CURLE_OK)                             \
			return setopt_failed(f, #opt);                                             \
	} while (0)

static int setopt_failed(struct fetcher *f, const char *opt)
{
	set_error(f->res, "libcurl refused %s", opt);
	return -1;
}

static int set_transfer_options(struct fetcher *f)
{
	unsigned int connect_s =
		f->timeout_s < FETCH_CONNECT_TIMEOUT_S ? f->timeout_s : FETCH_CONNECT_TIMEOUT_S;
	/* Redirects would carry the API key to wherever they point. */
	long follow = f->req->api_key && f->req->api_key[0] ? 0L : 1L;

	SETOPT(f, CURLOPT_URL, f->req->url);
	SETOPT(f, CURLOPT_PROTOCOLS_STR, f->is_file ? "file" : "http,https");
	SETOPT(f, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SETOPT(f, CURLOPT_FOLLOWLOCATION, follow);
	SETOPT(f, CURLOPT_MAXREDIRS, (long)FETCH_MAX_REDIRECTS);
	SETOPT(f, CURLOPT_ACCEPT_ENCODING, "");
	SETOPT(f, CURLOPT_USERAGENT, USER_AGENT);
	SETOPT(f, CURLOPT_NOSIGNAL, 1L);
	SETOPT(f, CURLOPT_FAILONERROR, 0L);
	SETOPT(f, CURLOPT_SSL_VERIFYPEER, 1L);
	SETOPT(f, CURLOPT_SSL_VERIFYHOST, 2L);
	SETOPT(f, CURLOPT_TIMEOUT, (long)f->timeout_s);
	SETOPT(f, CURLOPT_CONNECTTIMEOUT, (long)connect_s);
	SETOPT(f, CURLOPT_HTTPHEADER, f->headers);
	SETOPT(f, CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(f, CURLOPT_WRITEDATA, &f->sink);
	SETOPT(f, CURLOPT_NOPROGRESS, 0L);
	SETOPT(f, CURLOPT_XFERINFOFUNCTION, on_progress);
	SETOPT(f, CURLOPT_XFERINFODATA, (void *)f->req);
	SETOPT(f, CURLOPT_ERRORBUFFER, f->errbuf);
	return 0;
}

/* ---- one try ---- */

/*
 * file://: the checks a web server would make. Refuses what is not a
 * regular file or is over the cap, and answers a conditional request from
 * the mtime. A file changed in the last seconds gets no Last-Modified:
 * another write within the same second would not change it.
 */
static enum outcome check_file(struct fetcher *f)
{
	struct fetch_result *res = f->res;
	const char *since = f->req->last_modified;
	struct stat st;
	bool recent;

	if (stat(f->file_path, &st) != 0) {
		set_error(res, "%s: %s", f->file_path, strerror(errno));
		return OUTCOME_PERMANENT;
	}
	if (!S_ISREG(st.st_mode)) {
		set_error(res, "%s: not a regular file", f->file_path);
		return OUTCOME_PERMANENT;
	}
	if ((uint64_t)st.st_size > f->max_size) {
		set_error(res, "larger than %zu bytes", f->max_size);
		return OUTCOME_PERMANENT;
	}
	recent = st.st_mtime > time(NULL) - RECENT_MTIME_S;
	if (recent || fetch_format_http_date(st.st_mtime, res->last_modified,
					     sizeof(res->last_modified)) != 0) {
		res->last_modified[0] = '\0';
		return OUTCOME_OK;
	}
	if (since && since[0] && curl_getdate(since, NULL) == st.st_mtime)
		return OUTCOME_NOT_MODIFIED;
	return OUTCOME_OK;
}

static void read_answer_headers(struct fetcher *f)
{
	struct fetch_result *res = f->res;
	struct curl_header *h;
	char *type = NULL;

	curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &res->http_code);
	if (curl_easy_getinfo(f->curl, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type)
		snprintf(res->content_type, sizeof(res->content_type), "%s", type);
	if (f->is_file)
		return;
	if (curl_easy_header(f->curl, "ETag", 0, CURLH_HEADER, -1, &h) == CURLHE_OK)
		copy_whole(res->etag, sizeof(res->etag), h->value);
	if (curl_easy_header(f->curl, "Last-Modified", 0, CURLH_HEADER, -1, &h) == CURLHE_OK)
		copy_whole(res->last_modified, sizeof(res->last_modified), h->value);
}

static enum outcome classify_http_code(struct fetcher *f)
{
	long code = f->res->http_code;

	if (f->is_file || code == 200)
		return OUTCOME_OK;
	if (code == 304)
		return OUTCOME_NOT_MODIFIED;
	if (code >= 300 && code < 400 && f->req->api_key && f->req->api_key[0]) {
		set_error(f->res, "HTTP %ld (redirects are not followed with an API key)", code);
		return OUTCOME_PERMANENT;
	}
	set_error(f->res, "HTTP %ld", code);
	return code == 429 || (code >= 500 && code < 600) ? OUTCOME_TRANSIENT : OUTCOME_PERMANENT;
}

static bool curl_error_is_transient(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

static void describe_curl_error(struct fetcher *f, CURLcode rc)
{
	curl_off_t connect_us = 0;
	long os_errno = 0;

	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		curl_easy_getinfo(f->curl, CURLINFO_OS_ERRNO, &os_errno);
		if (os_errno == ECONNREFUSED) {
			set_error(f->res, "connection refused");
			return;
		}
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
		set_error(f->res, "cannot resolve host %s", f->host ? f->host : "");
		return;
	case CURLE_OPERATION_TIMEDOUT:
		curl_easy_getinfo(f->curl, CURLINFO_CONNECT_TIME_T, &connect_us);
		if (connect_us > 0)
			set_error(f->res, "timeout after %u s", f->timeout_s);
		else
			set_error(f->res, "connect timeout after %u s",
				  f->timeout_s < FETCH_CONNECT_TIMEOUT_S ? f->timeout_s
									 : FETCH_CONNECT_TIMEOUT_S);
		return;
	case CURLE_UNSUPPORTED_PROTOCOL:
		/* The URL itself was checked: only a redirect can get here. */
		set_error(f->res, "redirected to a protocol other than http or https");
		return;
	case CURLE_TOO_MANY_REDIRECTS:
		set_error(f->res, "more than %d redirects", FETCH_MAX_REDIRECTS);
		return;
	default:
		break;
	}
	set_error(f->res, "%s", f->errbuf[0] ? f->errbuf : curl_easy_strerror(rc));
}

/* What a finished transfer means, the reasons we stopped it first. */
static enum outcome classify_transfer(struct fetcher *f, CURLcode rc)
{
	if (rc == CURLE_ABORTED_BY_CALLBACK && is_cancelled(f->req)) {
		set_error(f->res, "cancelled");
		return OUTCOME_PERMANENT;
	}
	if (f->sink.too_large) {
		set_error(f->res, "larger than %zu bytes", f->max_size);
		return OUTCOME_PERMANENT;
	}
	if (f->sink.no_memory) {
		set_error(f->res, "out of memory for %zu bytes", f->sink.len);
		return OUTCOME_PERMANENT;
	}
	if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && f->sink.dropped))
		return classify_http_code(f);
	describe_curl_error(f, rc);
	return curl_error_is_transient(rc) && !f->is_file ? OUTCOME_TRANSIENT : OUTCOME_PERMANENT;
}

static void clear_answer(struct fetch_result *res)
{
	res->http_code = 0;
	res->etag[0] = '\0';
	res->last_modified[0] = '\0';
	res->content_type[0] = '\0';
	res->error[0] = '\0';
}

static enum outcome transfer_once(struct fetcher *f)
{
	enum outcome outcome;
	CURLcode rc;

	clear_answer(f->res);
	sink_reset(&f->sink);
	f->errbuf[0] = '\0';
	if (f->is_file) {
		outcome = check_file(f);
		if (outcome != OUTCOME_OK)
			return outcome;
	}
	rc = curl_easy_perform(f->curl);
	read_answer_headers(f);
	outcome = classify_transfer(f, rc);
	if (outcome == OUTCOME_OK && sink_to_result(&f->sink, f->res) != 0) {
		set_error(f->res, "out of memory");
		return OUTCOME_PERMANENT;
	}
	return outcome;
}

/* ---- retries ---- */

/*
 * The wait before the next try: the server's Retry-After when an HTTP answer
 * (429, 5xx) had one, else the jittered backoff. curl reports a missing or
 * invalid Retry-After as 0, which is taken as "none".
 */
static unsigned int retry_delay_ms(struct fetcher *f, unsigned int *seed)
{
	double r = rand_r(seed) / ((double)RAND_MAX + 1.0);
	curl_off_t retry_after = 0;

	if (f->res->http_code != 0)
		curl_easy_getinfo(f->curl, CURLINFO_RETRY_AFTER, &retry_after);
	if (retry_after > FETCH_RETRY_CAP_MS / 1000)
		return FETCH_RETRY_CAP_MS;
	if (retry_after > 0)
		return (unsigned int)retry_after * 1000u;
	return fetch_backoff_ms(f->res->tries, f->req->retry_base_ms, FETCH_RETRY_CAP_MS, r);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Sleep ms in short naps so a cancel is seen quickly. 0, or -1 if cancelled. */
static int sleep_unless_cancelled(const struct fetch_req *req, unsigned int ms)
{
	uint64_t deadline = now_ms() + ms;
	uint64_t now;

	while ((now = now_ms()) < deadline) {
		uint64_t nap = deadline - now < CANCEL_POLL_MS ? deadline - now : CANCEL_POLL_MS;
		struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)nap * 1000000L};

		if (is_cancelled(req))
			return -1;
		nanosleep(&ts, NULL);
	}
	return is_cancelled(req) ? -1 : 0;
}

static enum outcome fetch_with_retries(struct fetcher *f)
{
	unsigned int attempts = f->req->attempts ? f->req->attempts : 1;
	unsigned int seed =
		(unsigned int)now_ms() ^ (unsigned int)(uintptr_t)f ^ (unsigned)getpid();
	enum outcome outcome;

	for (;;) {
		if (is_cancelled(f->req)) {
			set_error(f->res, "cancelled");
			return OUTCOME_PERMANENT;
		}
		f->res->tries++;
		outcome = transfer_once(f);
		if (outcome != OUTCOME_TRANSIENT)
			return outcome;
		if (f->res->tries >= attempts)
			break;
		if (sleep_unless_cancelled(f->req, retry_delay_ms(f, &seed)) != 0) {
			set_error(f->res, "cancelled");
			return OUTCOME_PERMANENT;
		}
	}
	if (f->res->tries > 1) {
		size_t n = strlen(f->res->error);

		snprintf(f->res->error + n, sizeof(f->res->error) - n, " after %u tries",
			 f->res->tries);
	}
	return outcome;
}

static int prepare(struct fetcher *f)
{
	if (!f->req->url || !f->req->url[0]) {
		set_error(f->res, "no URL");
		return -1;
	}
	if (fetch_global_init() != 0) {
		set_error(f->res, "libcurl initialisation failed");
		return -1;
	}
	if (parse_url(f) != 0 || build_headers(f) != 0)
		return -1;
	f->curl = curl_easy_init();
	if (!f->curl) {
		set_error(f->res, "libcurl handle creation failed");
		return -1;
	}
	f->sink.curl = f->curl;
	f->sink.is_file = f->is_file;
	f->sink.max = f->max_size;
	return set_transfer_options(f);
}

int fetch_url(const struct fetch_req *req, struct fetch_result *res)
{
	struct fetcher f = {
		.req = req,
		.res = res,
		.max_size = req->max_size ? req->max_size : FETCH_DEFAULT_MAX_SIZE,
		.timeout_s = req->timeout_s ? req->timeout_s : FETCH_DEFAULT_TIMEOUT_S,
	};
	enum outcome outcome = OUTCOME_PERMANENT;

	/* Room for the NUL after a body of max_size bytes. */
	if (f.max_size == SIZE_MAX)
		f.max_size--;
	memset(res, 0, sizeof(*res));
	if (is_cancelled(req))
		set_error(res, "cancelled");
	else if (prepare(&f) == 0)
		outcome = fetch_with_retries(&f);

	sink_reset(&f.sink);
	curl_easy_cleanup(f.curl);
	curl_slist_free_all(f.headers);
	curl_free(f.file_path);
	curl_free(f.host);

	switch (outcome) {
	case OUTCOME_OK:
		res->status = FETCH_OK;
		res->error[0] = '\0';
		return 0;
	case OUTCOME_NOT_MODIFIED:
		res->status = FETCH_NOT_MODIFIED;
		res->error[0] = '\0';
		return 0;
	default:
		res->status = FETCH_ERROR;
		return -1;
	}
}
