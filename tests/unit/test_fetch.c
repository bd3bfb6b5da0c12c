// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for lib/fetch.c, without the network: file:// URLs in a
 * temporary directory, the pure helpers, and HTTP against a local python3
 * server this test starts itself (http.server's file handler, plus a few
 * paths that answer with chosen codes, echo the request headers, redirect,
 * compress or stall). Without python3 the HTTP cases are skipped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/fetch.h"

/* A fixed mtime in the past: "Sun, 13 Sep 2020 12:26:40 GMT". */
#define OLD_MTIME      1600000000
#define OLD_MTIME_DATE "Sun, 13 Sep 2020 12:26:40 GMT"
#define FEED_TEXT      "192.0.2.1\n198.51.100.0/24\n"
#define PAGE_TEXT      "<html><body>log in to the wifi</body></html>\n"

/*
 * The test server: http.server's file handler for the directory, and
 *   /status/N[?ra=S]  answer N (with Retry-After: S)
 *   /hits/PATH        how many requests PATH has had
 *   /echo             the request headers, one per line
 *   /etag             ETag "v1", 304 for If-None-Match "v1"
 *   /gzip             100000 'x' sent gzip-encoded
 *   /stream           100000 'y' without Content-Length
 *   /redirect, /loop, /tofile   302 to feed.txt, itself, a file:// URL
 *   /announce-big     Content-Length 10000000, 10 bytes, then 3 s of silence
 *   /slow             answers after 3 s
 */
static const char server_py[] =
	"import gzip, http.server, sys, threading, time\n"
	"hits = {}\n"
	"lock = threading.Lock()\n"
	"class H(http.server.SimpleHTTPRequestHandler):\n"
	"    def log_message(self, *a):\n"
	"        pass\n"
	"    def reply(self, code, body=b'', headers=()):\n"
	"        self.send_response(code)\n"
	"        for k, v in headers:\n"
	"            self.send_header(k, v)\n"
	"        self.send_header('Content-Length', str(len(body)))\n"
	"        self.end_headers()\n"
	"        self.wfile.write(body)\n"
	"    def do_GET(self):\n"
	"        p = self.path\n"
	"        with lock:\n"
	"            hits[p] = hits.get(p, 0) + 1\n"
	"        if p.startswith('/status/'):\n"
	"            code, _, q = p[8:].partition('?ra=')\n"
	"            self.reply(int(code), b'', [('Retry-After', q)] if q else [])\n"
	"        elif p.startswith('/hits/'):\n"
	"            with lock:\n"
	"                n = hits.get(p[5:], 0)\n"
	"            self.reply(200, str(n).encode())\n"
	"        elif p == '/echo':\n"
	"            h = ''.join('%s: %s\\n' % (k, v) for k, v in self.headers.items())\n"
	"            self.reply(200, h.encode(), [('Content-Type', 'text/plain')])\n"
	"        elif p == '/etag':\n"
	"            if self.headers.get('If-None-Match') == '\"v1\"':\n"
	"                self.reply(304, b'', [('ETag', '\"v1\"')])\n"
	"            else:\n"
	"                self.reply(200, b'etag body', [('ETag', '\"v1\"')])\n"
	"        elif p == '/gzip':\n"
	"            z = gzip.compress(b'x' * 100000)\n"
	"            self.reply(200, z, [('Content-Encoding', 'gzip')])\n"
	"        elif p == '/stream':\n"
	"            self.send_response(200)\n"
	"            self.end_headers()\n"
	"            self.wfile.write(b'y' * 100000)\n"
	"        elif p in ('/redirect', '/loop', '/tofile'):\n"
	"            to = {'/redirect': '/feed.txt', '/loop': '/loop',\n"
	"                  '/tofile': 'file:///etc/hostname'}[p]\n"
	"            self.reply(302, b'moved elsewhere', [('Location', to)])\n"
	"        elif p == '/announce-big':\n"
	"            self.send_response(200)\n"
	"            self.send_header('Content-Length', '10000000')\n"
	"            self.end_headers()\n"
	"            self.wfile.write(b'z' * 10)\n"
	"            self.wfile.flush()\n"
	"            time.sleep(3)\n"
	"        elif p == '/slow':\n"
	"            time.sleep(3)\n"
	"            self.reply(200, b'late')\n"
	"        else:\n"
	"            super().do_GET()\n"
	"http.server.ThreadingHTTPServer.daemon_threads = True\n"
	"s = http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H)\n"
	"s.serve_forever()\n";

struct fixture {
	char dir[64];
	pid_t server;  /* 0 when not running */
	int port;      /* the server's */
	int dead_port; /* a port nobody listens on */
	bool http;     /* the server answered */
	char why_no_http[128];
};

/* ---- helpers ---- */

static long elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

static void assert_contains(const char *text, const char *part)
{
	if (!text || !strstr(text, part))
		fail_msg("\"%s\" lacks \"%s\"", text ? text : "(null)", part);
}

static void write_file(const struct fixture *fx, const char *name, const char *text, time_t mtime)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	if (mtime) {
		struct timespec times[2] = {{.tv_sec = mtime}, {.tv_sec = mtime}};

		assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
	}
}

static void file_url(const struct fixture *fx, const char *name, char *url, size_t len)
{
	snprintf(url, len, "file://%s/%s", fx->dir, name);
}

static void http_url(const struct fixture *fx, const char *path, char *url, size_t len)
{
	snprintf(url, len, "http://127.0.0.1:%d%s", fx->port, path);
}

/* A request with short timeouts and fast retries; tests change what they need. */
static struct fetch_req quick_req(const char *url)
{
	struct fetch_req req = {
		.url = url,
		.max_size = 1 << 20,
		.timeout_s = 5,
		.attempts = 1,
		.retry_base_ms = 10,
	};

	return req;
}

/* A port that was free a moment ago (bound to port 0, then released). */
static int free_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int port = -1;

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static bool port_answers(int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	bool ok;

	if (fd < 0)
		return false;
	ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

static void start_server(struct fixture *fx)
{
	char port[16];
	pid_t parent;
	int i;

	fx->port = free_port();
	if (fx->port < 0) {
		snprintf(fx->why_no_http, sizeof(fx->why_no_http), "no free port");
		return;
	}
	snprintf(port, sizeof(port), "%d", fx->port);
	parent = getpid();
	fx->server = fork();
	if (fx->server < 0) {
		fx->server = 0;
		snprintf(fx->why_no_http, sizeof(fx->why_no_http), "fork: %s", strerror(errno));
		return;
	}
	if (fx->server == 0) {
		int devnull = open("/dev/null", O_RDWR);

		/* A test that crashes must not leave its server behind. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
			_exit(126);
		if (devnull >= 0) {
			dup2(devnull, STDOUT_FILENO);
			dup2(devnull, STDERR_FILENO);
		}
		if (chdir(fx->dir) == 0)
			execlp("python3", "python3", "-c", server_py, port, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100; i++) {
		int status;

		if (port_answers(fx->port)) {
			fx->http = true;
			return;
		}
		if (waitpid(fx->server, &status, WNOHANG) == fx->server) {
			fx->server = 0;
			snprintf(fx->why_no_http, sizeof(fx->why_no_http),
				 "python3 missing or failed (exit %d)", WEXITSTATUS(status));
			return;
		}
		usleep(100 * 1000);
	}
	snprintf(fx->why_no_http, sizeof(fx->why_no_http), "python3 server did not start");
}

static void stop_server(struct fixture *fx)
{
	if (!fx->server)
		return;
	kill(fx->server, SIGTERM);
	waitpid(fx->server, NULL, 0);
	fx->server = 0;
}

static const char *fixture_files[] = {"feed.txt",   "page.html", "ten.txt",
				      "eleven.txt", "empty.txt", "fresh.txt"};

static int group_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/utm-test-fetch.XXXXXX");
	if (!mkdtemp(fx->dir) || fetch_global_init() != 0) {
		free(fx);
		return -1;
	}
	write_file(fx, "feed.txt", FEED_TEXT, OLD_MTIME);
	write_file(fx, "page.html", PAGE_TEXT, OLD_MTIME);
	write_file(fx, "ten.txt", "0123456789", OLD_MTIME);
	write_file(fx, "eleven.txt", "0123456789a", OLD_MTIME);
	write_file(fx, "empty.txt", "", OLD_MTIME);
	write_file(fx, "fresh.txt", "new\n", 0);
	fx->dead_port = free_port();
	start_server(fx);
	*state = fx;
	return 0;
}

static int group_teardown(void **state)
{
	struct fixture *fx = *state;
	char path[128];
	size_t i;

	stop_server(fx);
	for (i = 0; i < sizeof(fixture_files) / sizeof(fixture_files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", fx->dir, fixture_files[i]);
		unlink(path);
	}
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static struct fixture *need_http(void **state)
{
	struct fixture *fx = *state;

	if (!fx->http) {
		print_message("skipping HTTP case: %s\n", fx->why_no_http);
		skip();
	}
	return fx;
}

/* ---- pure helpers ---- */

static void test_backoff(void **state)
{
	(void)state;
	/* base * 2^(n-1) times 0.75 at r = 0 ... */
	assert_int_equal(fetch_backoff_ms(1, 1000, 60000, 0.0), 750);
	assert_int_equal(fetch_backoff_ms(2, 1000, 60000, 0.0), 1500);
	assert_int_equal(fetch_backoff_ms(3, 1000, 60000, 0.0), 3000);
	assert_int_equal(fetch_backoff_ms(0, 1000, 60000, 0.0), 750); /* n = 0 is 1 */
	/* ... and times 1.2495 at r = 0.999 (rounded down). */
	assert_int_equal(fetch_backoff_ms(1, 1000, 60000, 0.999), 1249);
	assert_int_equal(fetch_backoff_ms(3, 1000, 60000, 0.999), 4998);
	assert_int_equal(fetch_backoff_ms(1, 10, 60000, 0.5), 10);
	/* The cap applies before the jitter: 2^6 s is over 60 s. */
	assert_int_equal(fetch_backoff_ms(7, 1000, 60000, 0.0), 45000);
	assert_int_equal(fetch_backoff_ms(7, 1000, 60000, 0.999), 74970);
	assert_int_equal(fetch_backoff_ms(6, 1000, 60000, 0.0), 24000);
	/* Huge n neither overflows nor loops forever. */
	assert_int_equal(fetch_backoff_ms(4000000000u, 1000, 60000, 0.5), 60000);
	assert_int_equal(fetch_backoff_ms(64, 4000000000u, 4000000000u, 0.999), 4294967295u);
	/* r out of range is clamped. */
	assert_int_equal(fetch_backoff_ms(1, 1000, 60000, -3.0), 750);
	assert_int_equal(fetch_backoff_ms(1, 1000, 60000, 7.0), 1250);
	assert_int_equal(fetch_backoff_ms(1, 0, 60000, 0.5), 0);
}

static void test_http_date(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(fetch_format_http_date(0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "Thu, 01 Jan 1970 00:00:00 GMT");
	assert_int_equal(fetch_format_http_date(784111777, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "Sun, 06 Nov 1994 08:49:37 GMT");
	assert_int_equal(fetch_format_http_date(OLD_MTIME, buf, sizeof(buf)), 0);
	assert_string_equal(buf, OLD_MTIME_DATE);
	/* 29 characters and the NUL: one byte less is refused. */
	assert_int_equal(fetch_format_http_date(0, buf, 30), 0);
	assert_int_equal(fetch_format_http_date(0, buf, 29), -1);
}

static void test_content_is_html(void **state)
{
	(void)state;
	assert_true(fetch_content_is_html("text/html"));
	assert_true(fetch_content_is_html("text/html; charset=utf-8"));
	assert_true(fetch_content_is_html(" TEXT/HTML;charset=UTF-8"));
	assert_false(fetch_content_is_html("text/htmlx"));
	assert_false(fetch_content_is_html("text/plain"));
	assert_false(fetch_content_is_html(""));
	assert_false(fetch_content_is_html(NULL));
}

/* ---- file:// ---- */

static void test_file_ok(void **state)
{
	struct fixture *fx = *state;
	struct fetch_result res;
	struct fetch_req req;
	char url[160];

	file_url(fx, "feed.txt", url, sizeof(url));
	req = quick_req(url);
	req.last_modified = "Sat, 12 Sep 2020 12:26:40 GMT"; /* a day older */
	assert_int_equal(fetch_url(&req, &res), 0);
	assert_int_equal(res.status, FETCH_OK);
	assert_int_equal(res.http_code, 0);
	assert_int_equal(res.len, strlen(FEED_TEXT));
	assert_memory_equal(res.body, FEED_TEXT, res.len);
	assert_int_equal(res.body[res.len], '\0');
	assert_string_equal(res.last_modified, OLD_MTIME_DATE);
	assert_string_equal(res.etag, "");
	assert_int_equal(res.tries, 1);
	assert_string_equal(res.error, "");
	fetch_result_free(&res);
	assert_null(res.body);
	fetch_result_free(&res); /* twice is harmless */
}

static void test_file_empty(void **state)
{
	struct fixture *fx = *state;
	struct fetch_result res;
	struct fetch_req req;
	char url[160];

	file_url(fx, "empty.txt", url, sizeof(url));
	req = quick_req(url);
	assert_int_equal(fetch_url(&req, &res), 0);
	assert_int_equal(res.status, FETCH_OK);
	assert_non_null(res.body);
	assert_int_equal(res.len, 0);
	assert_string_equal(res.body, "");
	fetch_result_free(&res);
}

static void test_file_not_modified(void **state)
{
	struct fixture *fx = *state;
	struct fetch_result res;
	struct fetch_req req;
	char url[160];

	file_url(fx, "feed.txt", url, sizeof(url));
	req = quick_req(url);
	req.last_modified = OLD_MTIME_DATE;
	assert_int_equal(fetch_url(&req, &res), 0);
	assert_int_equal(res.status, FETCH_NOT_MODIFIED);
	assert_null(res.body);
	assert_int_equal(res.len, 0);
	assert_string_equal(res.last_modified, OLD_MTIME_DATE);
	assert_int_equal(res.tries, 1);
	/* file://localhost/ is the same file. */
	snprintf(url, sizeof(url), "file://localhost%s/feed.txt", fx->dir);
	assert_int_equal(fetch_url(&req, &res), 0);
	assert_int_equal(res.status, FETCH_NOT_MODIFIED);
}

/* A file written this very second gets no Last-Modified, so is read again. */
static void test_file_fresh_has_no_date(void **state)
{
	struct fixture *fx = *state;
	struct fetch_result res;
	struct fetch_req req;
	char url[160], now[64];

	write_file(fx, "fresh.txt", "new\n", 0);
	assert_int_equal(fetch_format_http_date(time(NULL), now, sizeof(now)), 0);
	file_url(fx, "fresh.txt", url, sizeof(url));
	req = quick_req(url);
	req.last_modified = now;
	assert_int_equal(fetch_url(&req, &res), 0);
	assert_int_equal(res.status, FETCH_OK);
	assert_string_equal(res.body, "new\n");
	assert_string_equal(res.last_modified, "");
	fetch_result_free(&res);
}

static void test_file_size_cap(void **state)
{
	struct fixture *fx = *state;
	struct fetch_result res;
	struct fetch_req req;
	char url[160];

	file_url(fx, "ten.txt", url, sizeof(url));
	req = quick_req(url);
	req.max_size = 10;
	req.attempts = 3;
	assert_int_equal(fetch_url(&req, &res), 0);
	assert_int_equal(res.len, 10);
	fetch_result_free(&res);

	file_url(fx, "eleven.txt", url, sizeof(url));
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_int_equal(res.status, FETCH_ERROR);
	assert_null(res.body);
	assert_string_equal(res.error, "larger than 10 bytes");
	assert_int_equal(res.tries, 1); /* permanent: no retry */
}

static void test_file_missing(void **state)
{
	struct fixture *fx = *state;
	struct fetch_result res;
	struct fetch_req req;
	char url[160], want[160];

	file_url(fx, "missing.txt", url, sizeof(url));
	req = quick_req(url);
	req.attempts = 3;
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_int_equal(res.status, FETCH_ERROR);
	snprintf(want, sizeof(want), "%s/missing.txt: No such file or directory", fx->dir);
	assert_string_equal(res.error, want);
	assert_int_equal(res.tries, 1);
}

static void test_file_directory(void **state)
{
	struct fixture *fx = *state;
	struct fetch_result res;
	struct fetch_req req;
	char url[160], want[160];

	snprintf(url, sizeof(url), "file://%s", fx->dir);
	req = quick_req(url);
	assert_int_equal(fetch_url(&req, &res), -1);
	snprintf(want, sizeof(want), "%s: not a regular file", fx->dir);
	assert_string_equal(res.error, want);
	assert_int_equal(res.tries, 1);

	req.url = "file:///dev/null";
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_string_equal(res.error, "/dev/null: not a regular file");
}

static void test_bad_urls(void **state)
{
	struct fetch_result res;
	struct fetch_req req = quick_req("ftp://example.com/list.txt");

	(void)state;
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_string_equal(res.error, "unsupported protocol ftp://");
	assert_int_equal(res.tries, 0);

	req.url = "gopher-ish://example.com/";
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_string_equal(res.error, "unsupported protocol in URL");

	req.url = "http://[::1/list.txt";
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_contains(res.error, "bad URL: ");

	req.url = "file://feeds.example/etc/hostname";
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_int_equal(res.tries, 0);
	assert_true(strstr(res.error, "bad URL") || strstr(res.error, "another host"));

	req.url = "";
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_string_equal(res.error, "no URL");

	/* A header value with a line break would inject headers. */
	req.url = "http://127.0.0.1:1/";
	req.api_key = "k\r\nX-Evil: 1";
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_string_equal(res.error, "invalid X-Api-Key value (line break or too long)");
	assert_int_equal(res.tries, 0);
}

static void test_cancel_before(void **state)
{
	struct fixture *fx = *state;
	volatile int cancel = 1;
	struct fetch_result res;
	struct timespec start;
	struct fetch_req req;
	char url[160];

	file_url(fx, "feed.txt", url, sizeof(url));
	req = quick_req(url);
	req.cancel = &cancel;
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_true(elapsed_ms(&start) < 100);
	assert_int_equal(res.status, FETCH_ERROR);
	assert_string_equal(res.error, "cancelled");
	assert_int_equal(res.tries, 0);
	assert_null(res.body);
}

struct canceller {
	volatile int *flag;
	unsigned int after_ms;
};

static void *cancel_later(void *arg)
{
	struct canceller *c = arg;

	usleep(c->after_ms * 1000);
	*c->flag = 1;
	return NULL;
}

/* Cancel from another thread while fetch_url sleeps before a retry. */
static void test_cancel_during_backoff(void **state)
{
	struct fixture *fx = *state;
	volatile int cancel = 0;
	struct canceller c = {.flag = &cancel, .after_ms = 200};
	struct fetch_result res;
	struct timespec start;
	struct fetch_req req;
	pthread_t thread;
	char url[160];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", fx->dead_port);
	req = quick_req(url);
	req.attempts = 5;
	req.retry_base_ms = 20000;
	req.cancel = &cancel;
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(pthread_create(&thread, NULL, cancel_later, &c), 0);
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_int_equal(pthread_join(thread, NULL), 0);
	assert_true(elapsed_ms(&start) < 2000);
	assert_string_equal(res.error, "cancelled");
	assert_int_equal(res.tries, 1);
}

/* ---- HTTP ---- */

static void test_http_ok_then_not_modified(void **state)
{
	struct fixture *fx = need_http(state);
	struct fetch_result res, again;
	struct fetch_req req;
	char url[160];

	http_url(fx, "/feed.txt", url, sizeof(url));
	req = quick_req(url);
	assert_int_equal(fetch_url(&req, &res), 0);
	assert_int_equal(res.status, FETCH_OK);
	assert_int_equal(res.http_code, 200);
	assert_int_equal(res.len, strlen(FEED_TEXT));
	assert_string_equal(res.body, FEED_TEXT);
	assert_string_equal(res.last_modified, OLD_MTIME_DATE);
	assert_string_equal(res.content_type, "text/plain");
	assert_false(fetch_content_is_html(res.content_type));
	assert_int_equal(res.tries, 1);

	req.last_modified = res.last_modified;
	assert_int_equal(fetch_url(&req, &again), 0);
	assert_int_equal(again.status, FETCH_NOT_MODIFIED);
	assert_int_equal(again.http_code, 304);
	assert_null(again.body);
	assert_int_equal(again.tries, 1);
	fetch_result_free(&res);
}

static void test_http_etag(void **state)
{
	struct fixture *fx = need_http(state);
	struct fetch_result res, again;
	struct fetch_req req;
	char url[160];

	http_url(fx, "/etag", url, sizeof(url));
	req = quick_req(url);
	assert_int_equal(fetch_url(&req, &res), 0);
	assert_int_equal(res.status, FETCH_OK);
	assert_string_equal(res.etag, "\"v1\"");
	assert_string_equal(res.body, "etag body");

	req.etag = res.etag;
	assert_int_equal(fetch_url(&req, &again), 0);
	assert_int_equal(again.status, FETCH_NOT_MODIFIED);
	assert_int_equal(again.http_code, 304);
	fetch_result_free(&res);
}

static void test_http_html(void **state)
{
	struct fixture *fx = need_http(state);
	struct fetch_result res;
	struct fetch_req req;
	char url[160];

	http_url(fx, "/page.html", url, sizeof(url));
	req = quick_req(url);
	assert_int_equal(fetch_url(&req, &res), 0);
	assert_string_equal(res.content_type, "text/html");
	assert_true(fetch_content_is_html(res.content_type));
	fetch_result_free(&res);
}

static long server_hits(const struct fixture *fx, const char *path)
{
	struct fetch_result res;
	struct fetch_req req;
	char url[160], hits_path[96];
	long n;

	snprintf(hits_path, sizeof(hits_path), "/hits%s", path);
	http_url(fx, hits_path, url, sizeof(url));
	req = quick_req(url);
	assert_int_equal(fetch_url(&req, &res), 0);
	n = strtol(res.body, NULL, 10);
	fetch_result_free(&res);
	return n;
}

static void test_http_404_not_retried(void **state)
{
	struct fixture *fx = need_http(state);
	struct fetch_result res;
	struct fetch_req req;
	char url[160];

	http_url(fx, "/missing.txt", url, sizeof(url));
	req = quick_req(url);
	req.attempts = 3;
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_int_equal(res.status, FETCH_ERROR);
	assert_int_equal(res.http_code, 404);
	assert_string_equal(res.error, "HTTP 404");
	assert_int_equal(res.tries, 1);
	assert_null(res.body);
	assert_int_equal(server_hits(fx, "/missing.txt"), 1);
}

static void test_http_5xx_and_429_retried(void **state)
{
	struct fixture *fx = need_http(state);
	struct fetch_result res;
	struct fetch_req req;
	char url[160];

	http_url(fx, "/status/503", url, sizeof(url));
	req = quick_req(url);
	req.attempts = 3;
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_int_equal(res.http_code, 503);
	assert_string_equal(res.error, "HTTP 503 after 3 tries");
	assert_int_equal(res.tries, 3);
	assert_int_equal(server_hits(fx, "/status/503"), 3);

	http_url(fx, "/status/429", url, sizeof(url));
	req.attempts = 2;
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_string_equal(res.error, "HTTP 429 after 2 tries");
	assert_int_equal(server_hits(fx, "/status/429"), 2);

	/* 204 is not a feed, and not worth another try. */
	http_url(fx, "/status/204", url, sizeof(url));
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_string_equal(res.error, "HTTP 204");
	assert_int_equal(res.tries, 1);
}

/* Retry-After: 1 replaces the 10 ms backoff. */
static void test_http_retry_after(void **state)
{
	struct fixture *fx = need_http(state);
	struct fetch_result res;
	struct timespec start;
	struct fetch_req req;
	char url[160];
	long ms;

	http_url(fx, "/status/503?ra=1", url, sizeof(url));
	req = quick_req(url);
	req.attempts = 2;
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(fetch_url(&req, &res), -1);
	ms = elapsed_ms(&start);
	assert_string_equal(res.error, "HTTP 503 after 2 tries");
	if (ms < 950 || ms > 3000)
		fail_msg("two tries with Retry-After: 1 took %ld ms", ms);
}

static void test_http_refused(void **state)
{
	struct fixture *fx = *state;
	struct fetch_result res;
	struct timespec start;
	struct fetch_req req;
	char url[160];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/feed.txt", fx->dead_port);
	req = quick_req(url);
	req.attempts = 3;
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_true(elapsed_ms(&start) < 2000);
	assert_int_equal(res.status, FETCH_ERROR);
	assert_int_equal(res.http_code, 0);
	assert_string_equal(res.error, "connection refused after 3 tries");
	assert_int_equal(res.tries, 3);

	req.attempts = 1;
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_string_equal(res.error, "connection refused");
	assert_int_equal(res.tries, 1);
}

static void test_http_request_headers(void **state)
{
	struct fixture *fx = need_http(state);
	struct fetch_result res;
	struct fetch_req req;
	char url[160];

	http_url(fx, "/echo", url, sizeof(url));
	req = quick_req(url);
	req.api_key = "secret-key";
	req.etag = "\"abc\"";
	req.last_modified = OLD_MTIME_DATE;
	assert_int_equal(fetch_url(&req, &res), 0);
	assert_contains(res.body, "X-Api-Key: secret-key\n");
	assert_contains(res.body, "If-None-Match: \"abc\"\n");
	assert_contains(res.body, "If-Modified-Since: " OLD_MTIME_DATE "\n");
	assert_contains(res.body, "User-Agent: utm-feeds/1");
	assert_contains(res.body, "Accept-Encoding: ");
	fetch_result_free(&res);

	/* Nothing conditional or secret unless asked for. */
	req = quick_req(url);
	assert_int_equal(fetch_url(&req, &res), 0);
	assert_null(strstr(res.body, "X-Api-Key"));
	assert_null(strstr(res.body, "If-None-Match"));
	assert_null(strstr(res.body, "If-Modified-Since"));
	fetch_result_free(&res);
}

static void test_http_size_cap(void **state)
{
	struct fixture *fx = need_http(state);
	struct fetch_result res;
	struct timespec start;
	struct fetch_req req;
	char url[160];
	size_t i;

	/* Announced by Content-Length. */
	http_url(fx, "/feed.txt", url, sizeof(url));
	req = quick_req(url);
	req.max_size = 5;
	req.attempts = 3;
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_string_equal(res.error, "larger than 5 bytes");
	assert_int_equal(res.tries, 1);
	assert_null(res.body);

	/* Refused as soon as the length is announced, not when the transfer ends. */
	http_url(fx, "/announce-big", url, sizeof(url));
	req.max_size = 1000;
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_string_equal(res.error, "larger than 1000 bytes");
	if (elapsed_ms(&start) > 1500)
		fail_msg("an announced oversize body took %ld ms to refuse", elapsed_ms(&start));

	/* Not announced: counted as it arrives. */
	http_url(fx, "/stream", url, sizeof(url));
	req.max_size = 1000;
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_string_equal(res.error, "larger than 1000 bytes");
	req.max_size = 100000;
	assert_int_equal(fetch_url(&req, &res), 0);
	assert_int_equal(res.len, 100000);
	fetch_result_free(&res);

	/* Small when compressed, too big once decoded. */
	http_url(fx, "/gzip", url, sizeof(url));
	req.max_size = 50000;
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_string_equal(res.error, "larger than 50000 bytes");
	req.max_size = 100000;
	assert_int_equal(fetch_url(&req, &res), 0);
	assert_int_equal(res.len, 100000);
	for (i = 0; i < res.len; i++)
		if (res.body[i] != 'x')
			fail_msg("byte %zu is 0x%02x", i, (unsigned char)res.body[i]);
	fetch_result_free(&res);
}

static void test_http_redirects(void **state)
{
	struct fixture *fx = need_http(state);
	struct fetch_result res;
	struct fetch_req req;
	char url[160];

	http_url(fx, "/redirect", url, sizeof(url));
	req = quick_req(url);
	assert_int_equal(fetch_url(&req, &res), 0);
	assert_int_equal(res.http_code, 200);
	assert_string_equal(res.body, FEED_TEXT);
	fetch_result_free(&res);

	/* Not with an API key: it would travel along. */
	req.api_key = "secret-key";
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_int_equal(res.http_code, 302);
	assert_string_equal(res.error, "HTTP 302 (redirects are not followed with an API key)");
	req.api_key = NULL;

	http_url(fx, "/loop", url, sizeof(url));
	req.attempts = 3;
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_string_equal(res.error, "more than 5 redirects");
	assert_int_equal(res.tries, 1);

	/* A web server must not send us to a local file. */
	http_url(fx, "/tofile", url, sizeof(url));
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_string_equal(res.error, "redirected to a protocol other than http or https");
	assert_int_equal(res.status, FETCH_ERROR);
	assert_int_equal(res.tries, 1);
	assert_null(res.body);
}

static void test_http_timeout_and_cancel(void **state)
{
	struct fixture *fx = need_http(state);
	volatile int cancel = 0;
	struct canceller c = {.flag = &cancel, .after_ms = 200};
	struct fetch_result res;
	struct timespec start;
	struct fetch_req req;
	pthread_t thread;
	char url[160];
	long ms;

	http_url(fx, "/slow", url, sizeof(url));
	req = quick_req(url);
	req.timeout_s = 1;
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(fetch_url(&req, &res), -1);
	ms = elapsed_ms(&start);
	assert_string_equal(res.error, "timeout after 1 s");
	if (ms < 900 || ms > 2500)
		fail_msg("a 1 s timeout took %ld ms", ms);

	/* Cancelled in the middle of the transfer. */
	req.timeout_s = 10;
	req.cancel = &cancel;
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(pthread_create(&thread, NULL, cancel_later, &c), 0);
	assert_int_equal(fetch_url(&req, &res), -1);
	assert_int_equal(pthread_join(thread, NULL), 0);
	ms = elapsed_ms(&start);
	assert_string_equal(res.error, "cancelled");
	assert_int_equal(res.tries, 1);
	if (ms > 1800)
		fail_msg("cancel took %ld ms", ms);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_http_date),
		cmocka_unit_test(test_content_is_html),
		cmocka_unit_test(test_file_ok),
		cmocka_unit_test(test_file_empty),
		cmocka_unit_test(test_file_not_modified),
		cmocka_unit_test(test_file_fresh_has_no_date),
		cmocka_unit_test(test_file_size_cap),
		cmocka_unit_test(test_file_missing),
		cmocka_unit_test(test_file_directory),
		cmocka_unit_test(test_bad_urls),
		cmocka_unit_test(test_cancel_before),
		cmocka_unit_test(test_cancel_during_backoff),
		cmocka_unit_test(test_http_ok_then_not_modified),
		cmocka_unit_test(test_http_etag),
		cmocka_unit_test(test_http_html),
		cmocka_unit_test(test_http_404_not_retried),
		cmocka_unit_test(test_http_5xx_and_429_retried),
		cmocka_unit_test(test_http_retry_after),
		cmocka_unit_test(test_http_refused),
		cmocka_unit_test(test_http_request_headers),
		cmocka_unit_test(test_http_size_cap),
		cmocka_unit_test(test_http_redirects),
		cmocka_unit_test(test_http_timeout_and_cancel),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
