// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for lib/feedsniff.c: pages that came back instead of a list
 * (captive portals, Cloudflare challenges, error pages) and binary junk,
 * against real list openings that must pass. Every buffer is an exact-size
 * heap copy, so that ASan catches any read past len.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lib/feedsniff.h"

static int html_n(const char *text, size_t len)
{
	char *buf = malloc(len ? len : 1);
	int ret;

	assert_non_null(buf);
	memcpy(buf, text, len);
	ret = feed_is_html(buf, len);
	free(buf);
	return ret;
}

static int binary_n(const char *text, size_t len)
{
	char *buf = malloc(len ? len : 1);
	int ret;

	assert_non_null(buf);
	memcpy(buf, text, len);
	ret = feed_is_binary(buf, len);
	free(buf);
	return ret;
}

static int html(const char *text)
{
	return html_n(text, strlen(text));
}

static void test_html_pages(void **state)
{
	static const char *const pages[] = {
		"<!DOCTYPE html>\n<html lang=\"en-US\"><head><title>Just a moment...</title>",
		"<!doctype html><html>",
		"<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\">",
		"<!DOCTYPE\thtml>",
		"<html><body>403 Forbidden</body></html>",
		"<HTML>",
		"<head><title>404 Not Found</title></head>",
		"<body>",
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code>",
		"\xef\xbb\xbf<!DOCTYPE html>",
		"  \r\n\t\f\v<html>",
		"\xef\xbb\xbf\n\n<hTmL>",
		"<!-- portal -->\n<html>",
		"<!-- one --><!-- two -->  <!DOCTYPE html>",
		"<html",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (html(pages[i]) != 1)
			fail_msg("page %zu \"%s\" not seen as HTML", i, pages[i]);
}

static void test_html_lists(void **state)
{
	static const char *const lists[] = {
		"",
		"1.2.3.4\n",
		"# <html> in a comment is still a list\n1.2.3.4\n",
		"0.0.0.0 ads.example\n",
		"[Adblock Plus 2.0]\n||ads.example^\n",
		"||html.example^\n",
		"html.example\n",
		"<!DOCTYPE",
		"<!DOCTYPEhtml>",
		"<!DOCTYPE svg>",
		"<htm",
		"<!-- unterminated comment <html>",
		"<!-- x --> 1.2.3.4\n",
		"\xef\xbb\xbf",
		"\xef\xbb",
		"\xbb\xef\xbf<html>",
		"$ORIGIN rpz.example.\n",
		"x <html>",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		if (html(lists[i]) != 0)
			fail_msg("list %zu \"%s\" seen as HTML", i, lists[i]);
}

/* Only the first 4 KiB count: a page's marker after them is not looked for. */
static void test_html_window(void **state)
{
	char buf[FEED_SNIFF_BYTES + 16];

	(void)state;
	memset(buf, ' ', sizeof(buf));
	memcpy(buf + FEED_SNIFF_BYTES - 5, "<html", 5);
	assert_int_equal(html_n(buf, sizeof(buf)), 1);
	memset(buf, ' ', sizeof(buf));
	memcpy(buf + FEED_SNIFF_BYTES - 4, "<html", 5);
	assert_int_equal(html_n(buf, sizeof(buf)), 0);
	/* A prefix cut by len is not the word. */
	assert_int_equal(html_n("<html>", 4), 0);
	assert_int_equal(html_n("<html>", 5), 1);
}

static void test_binary(void **state)
{
	char buf[FEED_SNIFF_BYTES + 100];
	size_t i;

	(void)state;
	assert_int_equal(binary_n("", 0), 0);
	assert_int_equal(binary_n("1.2.3.4\r\n\t# ok\n", 15), 0);
	assert_int_equal(binary_n("1.2.3.4\n\0", 9), 1);
	assert_int_equal(binary_n("\x1f\x8b\x08\x00", 4), 1);
	assert_int_equal(binary_n("PK\x03\x04\x14\x00", 6), 1);
	/* UTF-8 is text. */
	assert_int_equal(binary_n("caf\xc3\xa9.example\n\xe4\xbe\x8b.example\n", 26), 0);

	/* 10% control bytes is still text, one more is binary. */
	memset(buf, 'a', 100);
	for (i = 0; i < 10; i++)
		buf[i * 10] = '\x01';
	assert_int_equal(binary_n(buf, 100), 0);
	buf[5] = '\x7f';
	assert_int_equal(binary_n(buf, 100), 1);
	buf[5] = '\x1b';
	assert_int_equal(binary_n(buf, 100), 1);

	/* Only the first 4 KiB count. */
	memset(buf, 'a', sizeof(buf));
	buf[FEED_SNIFF_BYTES] = '\0';
	assert_int_equal(binary_n(buf, sizeof(buf)), 0);
	buf[FEED_SNIFF_BYTES - 1] = '\0';
	assert_int_equal(binary_n(buf, sizeof(buf)), 1);
	/* 410 control bytes of 4096 is more than 10%, 409 is not. */
	memset(buf, 'a', sizeof(buf));
	memset(buf + FEED_SNIFF_BYTES, '\x02', 100);
	memset(buf, '\x02', 409);
	assert_int_equal(binary_n(buf, sizeof(buf)), 0);
	buf[409] = '\x02';
	assert_int_equal(binary_n(buf, sizeof(buf)), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_pages),
		cmocka_unit_test(test_html_lists),
		cmocka_unit_test(test_html_window),
		cmocka_unit_test(test_binary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
