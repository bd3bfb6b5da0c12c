// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Unit tests for lib/blockpage.c: the block page's response, escaping, caps and bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/blockpage.h"

#define HOSTILE "<script>\"'&\x01\x7f\xff\xc3(\xe2\x80\xae"
/* HOSTILE as the page must show it */
#define HOSTILE_SHOWN                                                                              \
	"&lt;script&gt;&quot;&#39;&amp;\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd("          \
	"\xef\xbf\xbd"

static char page[BLOCKPAGE_MAX];

static void fill(struct blockpage_info *in)
{
	struct tm tm = {.tm_year = 126,
			.tm_mon = 10,
			.tm_mday = 29,
			.tm_hour = 14,
			.tm_min = 58,
			.tm_sec = 12};

	memset(in, 0, sizeof(*in));
	in->host = "phish.example";
	in->host_len = strlen("phish.example");
	in->path = "/login?u=1";
	in->path_len = strlen("/login?u=1");
	in->kind = BLOCKPAGE_CATEGORY;
	in->list = "UT1";
	in->category_ja = "フィッシング";
	in->category_en = "Phishing";
	in->reason = "known phishing site";
	in->ip_family = 4;
	in->ip[0] = 192, in->ip[1] = 168, in->ip[2] = 1, in->ip[3] = 23;
	memcpy(in->mac, "\x00\x11\x22\xaa\xbb\xcc", 6);
	in->when.tv_sec = timegm(&tm);
	in->utc_offset = 9 * 3600;
	in->ref = "ev-000123";
	in->contact_name = "総務 山田";
	in->contact_phone = "03-1234-5678";
	in->contact_email = "it@example.jp";
}

/* The body of response r (n bytes), checking Content-Length against it. */
static const char *body_of(const char *r, int n)
{
	const char *end = memmem(r, (size_t)n, "\r\n\r\n", 4), *cl;

	assert_non_null(end);
	cl = memmem(r, (size_t)(end - r), "\r\nContent-Length: ", 18);
	assert_non_null(cl);
	assert_int_equal(strtol(cl + 18, NULL, 10), n - (end + 4 - r));
	return end + 4;
}

static int contains(const char *r, int n, const char *s)
{
	return memmem(r, (size_t)n, s, strlen(s)) != NULL;
}

static void test_response(void **state)
{
	struct blockpage_info in;
	const char *b, *ja, *en;
	int n;

	fill(&in);
	n = blockpage_render(&in, page, sizeof(page));
	assert_true(n > 0);
	assert_memory_equal(page, "HTTP/1.1 403 Forbidden\r\n", 24);
	b = body_of(page, n);
	assert_true(contains(page, n, "\r\nContent-Type: text/html; charset=utf-8\r\n"));
	assert_true(contains(page, n, "\r\nCache-Control: no-store\r\n"));
	assert_true(contains(page, n, "\r\nConnection: close\r\n"));
	assert_true(contains(page, n, "\r\nX-UTM-Block: category\r\n"));
	assert_true(contains(page, n, "\r\nDate: Sun, 29 Nov 2026 14:58:12 GMT\r\n"));
	/* Japanese first, then English */
	ja = memmem(b, (size_t)(page + n - b), "このサイトはブロックされました", 45);
	en = memmem(b, (size_t)(page + n - b), "This site was blocked", 21);
	assert_non_null(ja);
	assert_non_null(en);
	assert_true(ja < en);
	assert_true(contains(b, n, "例外を依頼するには"));
	assert_true(contains(b, n, "To ask for an exception"));
	assert_true(contains(page, n, "http://phish.example/login?u=1"));
	assert_true(contains(page, n, "フィッシング / Phishing"));
	assert_true(contains(page, n, ">UT1<"));
	assert_true(contains(page, n, "192.168.1.23 (MAC 00:11:22:aa:bb:cc)"));
	assert_true(contains(page, n, "2026-11-29 23:58:12 +0900"));
	assert_true(contains(page, n, ">ev-000123<"));
	assert_true(contains(page, n, "<a href=\"tel:03-1234-5678\">03-1234-5678</a>"));
	assert_true(contains(page, n, "<a href=\"mailto:it@example.jp\">it@example.jp</a>"));
	assert_true(contains(page, n, "総務 山田"));
	/* self-contained: nothing fetched from elsewhere */
	assert_false(contains(page, n, "src="));
	assert_false(contains(page, n, "<link"));
	assert_false(contains(page, n, "<script"));

	/* the body alone is the response's body */
	assert_int_equal(blockpage_body(&in, page + BLOCKPAGE_MAX / 2, BLOCKPAGE_MAX / 2),
			 page + n - b);
	assert_memory_equal(page + BLOCKPAGE_MAX / 2, b, (size_t)(page + n - b));
}

static void test_negative_offset_and_ipv6(void **state)
{
	struct blockpage_info in;
	int n;

	fill(&in);
	in.utc_offset = -(5 * 3600 + 30 * 60);
	in.ip_family = 6;
	memset(in.ip, 0, 16);
	in.ip[0] = 0x20, in.ip[1] = 0x01, in.ip[2] = 0x0d, in.ip[3] = 0xb8, in.ip[15] = 5;
	memset(in.mac, 0, 6);
	in.kind = BLOCKPAGE_IPS_RULE;
	n = blockpage_render(&in, page, sizeof(page));
	assert_true(n > 0);
	assert_true(contains(page, n, "2026-11-29 09:28:12 -0530"));
	assert_true(contains(page, n, "<td>2001:db8::5</td>"));
	assert_false(contains(page, n, "MAC"));
	assert_true(contains(page, n, "X-UTM-Block: ips-rule\r\n"));
}

/* Every byte of s (n) is valid UTF-8 and no control character but CR/LF/tab. */
static void check_clean(const char *s, int n)
{
	const uint8_t *p = (const uint8_t *)s;
	int i = 0;

	while (i < n) {
		int len = p[i] < 0x80 ? 1 : p[i] >= 0xf0 ? 4 : p[i] >= 0xe0 ? 3 : 2;

		if (p[i] < 0x80) {
			assert_true(p[i] >= 0x20 || p[i] == '\n' || p[i] == '\r' || p[i] == '\t');
			assert_true(p[i] != 0x7f);
		} else {
			assert_true(p[i] >= 0xc2 && p[i] <= 0xf4);
			assert_true(i + len <= n);
			for (int k = 1; k < len; k++)
				assert_int_equal(p[i + k] & 0xc0, 0x80);
		}
		i += len;
	}
	/* no bidi override reached the page */
	assert_null(memmem(s, (size_t)n, "\xe2\x80\xae", 3));
}

static void test_every_field_escaped(void **state)
{
	static const char *fields[] = {"H", "P", "L", "J", "E", "R", "F", "N", "T", "M"};
	char v[10][64];
	struct blockpage_info in;
	int n, i;

	fill(&in);
	for (i = 0; i < 10; i++)
		snprintf(v[i], sizeof(v[i]), "%s%s%s", "@@", fields[i], HOSTILE);
	in.host = v[0], in.host_len = strlen(v[0]);
	in.path = v[1], in.path_len = strlen(v[1]);
	in.list = v[2];
	in.category_ja = v[3];
	in.category_en = v[4];
	in.reason = v[5];
	in.ref = v[6];
	in.contact_name = v[7];
	in.contact_phone = v[8];
	in.contact_email = v[9];
	n = blockpage_render(&in, page, sizeof(page));
	assert_true(n > 0);
	body_of(page, n);
	check_clean(page, n);
	assert_false(contains(page, n, "<script"));
	assert_false(contains(page, n, "'&"));
	for (i = 0; i < 10; i++) {
		char want[128];

		/* each field is shown, and shown escaped, every time it is shown */
		snprintf(want, sizeof(want), "@@%s" HOSTILE_SHOWN, fields[i]);
		assert_true(contains(page, n, want));
		for (const char *p = page; (p = memmem(p, (size_t)(page + n - p), "@@", 2)); p++)
			assert_memory_equal(p + 3, HOSTILE_SHOWN, strlen(HOSTILE_SHOWN));
	}
	/* a NUL in the host (the length says where it ends) is shown, not an end */
	in.host = "a\0<b", in.host_len = 4;
	n = blockpage_render(&in, page, sizeof(page));
	assert_true(n > 0);
	assert_true(contains(page, n, ">a\xef\xbf\xbd&lt;b<"));
}

static void test_caps(void **state)
{
	char host[400], path[700], want[600];
	struct blockpage_info in;
	int n;

	fill(&in);
	memset(host, 'a', sizeof(host));
	memset(path, 'b', sizeof(path));
	in.host = host, in.host_len = 300;
	in.path = path, in.path_len = 700;
	n = blockpage_render(&in, page, sizeof(page));
	assert_true(n > 0);
	memset(want, 'a', BLOCKPAGE_HOST_CAP);
	memcpy(want + BLOCKPAGE_HOST_CAP, "\xe2\x80\xa6<", 5);
	assert_true(memmem(page, (size_t)n, want, BLOCKPAGE_HOST_CAP + 4) != NULL);
	assert_false(memmem(page, (size_t)n, host, BLOCKPAGE_HOST_CAP + 1) != NULL);
	memset(want, 'b', BLOCKPAGE_PATH_CAP);
	memcpy(want + BLOCKPAGE_PATH_CAP, "\xe2\x80\xa6<", 5);
	assert_true(memmem(page, (size_t)n, want, BLOCKPAGE_PATH_CAP + 4) != NULL);

	/* a character across the cap is left out whole */
	memcpy(host + BLOCKPAGE_HOST_CAP - 1, "\xe3\x81\x82", 3);
	in.host_len = BLOCKPAGE_HOST_CAP + 2;
	n = blockpage_render(&in, page, sizeof(page));
	assert_true(n > 0);
	check_clean(page, n);
	memset(want, 'a', BLOCKPAGE_HOST_CAP - 1);
	memcpy(want + BLOCKPAGE_HOST_CAP - 1, "\xe2\x80\xa6<", 5);
	assert_true(memmem(page, (size_t)n, want, BLOCKPAGE_HOST_CAP + 3) != NULL);
	/* exactly at the cap: no ellipsis */
	memset(host, 'a', sizeof(host));
	in.host_len = BLOCKPAGE_HOST_CAP;
	in.path_len = 0;
	n = blockpage_render(&in, page, sizeof(page));
	assert_false(contains(page, n, "\xe2\x80\xa6"));
}

static void test_worst_case_fits(void **state)
{
	static char q[2048];
	struct blockpage_info in;
	int n;

	/* every field over its cap, all of '"', the longest escape */
	memset(q, '"', sizeof(q) - 1);
	fill(&in);
	in.host = q, in.host_len = sizeof(q) - 1;
	in.path = q, in.path_len = sizeof(q) - 1;
	in.list = in.category_ja = in.category_en = in.reason = in.ref = q;
	in.contact_name = in.contact_phone = in.contact_email = q;
	in.kind = BLOCKPAGE_APPLICATION;
	n = blockpage_render(&in, page, sizeof(page));
	assert_true(n > 0);
	assert_true(n <= BLOCKPAGE_MAX);
	body_of(page, n);
}

static void test_no_contact(void **state)
{
	struct blockpage_info in;
	int n;

	fill(&in);
	in.contact_name = NULL;
	in.contact_phone = "";
	in.contact_email = NULL;
	n = blockpage_render(&in, page, sizeof(page));
	assert_true(n > 0);
	assert_true(contains(page, n, "ネットワーク管理者に依頼してください"));
	assert_true(contains(page, n, "ask your network administrator"));
	assert_false(contains(page, n, "tel:"));
	assert_false(contains(page, n, "mailto:"));
	/* only a phone number */
	in.contact_phone = "内線 123";
	n = blockpage_render(&in, page, sizeof(page));
	assert_true(contains(page, n, "次の連絡先に依頼してください"));
	assert_true(contains(page, n, "tel:内線 123"));
	assert_false(contains(page, n, "mailto:"));
}

static void test_empty_info(void **state)
{
	struct blockpage_info in;
	int n;

	memset(&in, 0, sizeof(in));
	in.kind = (enum blockpage_kind)99;
	n = blockpage_render(&in, page, sizeof(page));
	assert_true(n > 0);
	body_of(page, n);
	assert_true(contains(page, n, "X-UTM-Block: unknown\r\n"));
	assert_true(contains(page, n, "1970-01-01 00:00:00 +0000"));
	assert_string_equal(blockpage_kind_name(BLOCKPAGE_DOMAIN_LIST), "domain-list");
	assert_string_equal(blockpage_kind_name(BLOCKPAGE_URL_LIST), "url-list");
	assert_string_equal(blockpage_kind_name(BLOCKPAGE_APPLICATION), "application");
}

static void test_buffer_too_small(void **state)
{
	static char big[BLOCKPAGE_MAX + 64];
	struct blockpage_info in;
	size_t caps[] = {0, 1, 100, 0, 0, 0};
	int n, bn, i;

	fill(&in);
	bn = blockpage_body(&in, page, sizeof(page));
	n = blockpage_render(&in, page, sizeof(page));
	assert_true(n > bn && bn > 0);
	caps[3] = (size_t)bn; /* the body fits, not the headers */
	caps[4] = (size_t)n - 1;
	caps[5] = (size_t)n / 2;
	for (i = 0; i < 6; i++) {
		memset(big, 0x5a, sizeof(big));
		assert_int_equal(blockpage_render(&in, big, caps[i]), -1);
		for (size_t k = caps[i]; k < sizeof(big); k++)
			assert_int_equal(big[k], 0x5a);
	}
	memset(big, 0x5a, sizeof(big));
	assert_int_equal(blockpage_body(&in, big, (size_t)bn - 1), -1);
	for (size_t k = (size_t)bn - 1; k < sizeof(big); k++)
		assert_int_equal(big[k], 0x5a);
	/* exactly enough */
	memset(big, 0x5a, sizeof(big));
	assert_int_equal(blockpage_render(&in, big, (size_t)n), n);
	assert_memory_equal(big, page, (size_t)n);
	assert_int_equal(big[n], 0x5a);
	assert_int_equal(blockpage_body(&in, big, (size_t)bn), bn);
	assert_int_equal(blockpage_render(NULL, big, sizeof(big)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_response),
		cmocka_unit_test(test_negative_offset_and_ipv6),
		cmocka_unit_test(test_every_field_escaped),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_worst_case_fits),
		cmocka_unit_test(test_no_contact),
		cmocka_unit_test(test_empty_info),
		cmocka_unit_test(test_buffer_too_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
