// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for inspect/http_rawbufs.c: the start line, header.raw, start
 * and header_names buffers of a message head, in Suricata's layout; a
 * short scratch buffer cuts them instead of overflowing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "inspect/http_rawbufs.h"

static const char HEAD[] = "GET /a?b=1 HTTP/1.1\r\nHost: x.example\r\nUser-Agent: t/1\r\n";

static struct http_header hdr[] = {
	{{(const uint8_t *)"Host", 4}, {(const uint8_t *)"x.example", 9}},
	{{(const uint8_t *)"User-Agent", 10}, {(const uint8_t *)"t/1", 3}},
};

static struct http_msg msg(void)
{
	struct http_msg m = {.hdr = hdr, .n_hdr = 2};

	m.head = (struct http_buf){(const uint8_t *)HEAD, sizeof(HEAD) - 1};
	return m;
}

static void assert_buf(struct http_buf b, const char *want)
{
	assert_non_null(b.ptr);
	assert_int_equal(b.len, strlen(want));
	assert_memory_equal(b.ptr, want, b.len);
}

static void test_buffers(void **state)
{
	struct http_msg m = msg();
	struct http_rawbufs r;
	uint8_t scratch[512];

	http_rawbufs(&m, scratch, sizeof(scratch), &r);
	assert_buf(r.start_line, "GET /a?b=1 HTTP/1.1");
	assert_buf(r.header_raw, "Host: x.example\r\nUser-Agent: t/1\r\n");
	assert_buf(r.start, "GET /a?b=1 HTTP/1.1\r\nHost: x.example\r\nUser-Agent: t/1\r\n\r\n");
	assert_buf(r.header_names, "\r\nHost\r\nUser-Agent\r\n\r\n");
}

/* HTTP/0.9: a request line alone, without its line end. */
static void test_line_only(void **state)
{
	struct http_msg m = {.n_hdr = 0};
	struct http_rawbufs r;
	uint8_t scratch[64];

	m.head = (struct http_buf){(const uint8_t *)"GET /", 5};
	http_rawbufs(&m, scratch, sizeof(scratch), &r);
	assert_buf(r.start_line, "GET /");
	assert_null(r.header_raw.ptr);
	assert_buf(r.start, "GET /\r\n\r\n");
	assert_buf(r.header_names, "\r\n\r\n");
}

static void test_cut(void **state)
{
	struct http_msg m = msg();
	struct http_rawbufs r;
	uint8_t scratch[24 + 8];

	memset(scratch + 24, 0xAA, 8);
	http_rawbufs(&m, scratch, 24, &r);
	assert_int_equal(r.start.len, 24);
	assert_memory_equal(r.start.ptr, HEAD, 24);
	assert_int_equal(r.header_names.len, 0);
	assert_int_equal(scratch[24], 0xAA); /* nothing written beyond */
}

static void test_empty(void **state)
{
	struct http_msg m = {.n_hdr = 0};
	struct http_rawbufs r;
	uint8_t scratch[16];

	http_rawbufs(&m, scratch, sizeof(scratch), &r);
	assert_null(r.start_line.ptr);
	assert_null(r.start.ptr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buffers),
		cmocka_unit_test(test_line_only),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
