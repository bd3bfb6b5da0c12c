// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for lib/iplist.c and lib/iprange.c. Every buffer handed to
 * iplist_parse is a malloc of exactly its length with no NUL after it, so
 * that ASan (make SANITIZE=1) catches any read past len.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/testutil.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/iplist.h"
#include "lib/iprange.h"

#define MAX_SEEN 300

struct seen {
	size_t n;
	struct ip_prefix p[MAX_SEEN];
	unsigned int line[MAX_SEEN];
	size_t stop_at; /* 1-based entry at which to return stop_ret; 0: never */
	int stop_ret;
};

static int collect(const struct ip_prefix *p, unsigned int line, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < MAX_SEEN) {
		s->p[s->n] = *p;
		s->line[s->n] = line;
	}
	s->n++;
	if (s->stop_at && s->n == s->stop_at)
		return s->stop_ret;
	return 0;
}

/* Parse len bytes of text from an exact-size heap copy (no trailing NUL). */
static long parse_n(const char *text, size_t len, struct seen *s, struct iplist_error *err)
{
	char *buf = malloc(len ? len : 1);
	long ret;

	assert_non_null(buf);
	memcpy(buf, text, len);
	ret = iplist_parse(buf, len, collect, s, err);
	free(buf);
	return ret;
}

static long parse(const char *text, struct seen *s, struct iplist_error *err)
{
	return parse_n(text, strlen(text), s, err);
}

static void assert_entry(const struct seen *s, size_t i, const char *want, unsigned int line)
{
	char text[64];

	assert_true(i < s->n);
	ip_prefix_format(&s->p[i], text, sizeof(text));
	assert_string_equal(text, want);
	assert_int_equal(s->line[i], line);
}

/* Expect text to be refused with its first bad line, count and a reason part. */
static void assert_refused(const char *text, unsigned int line, unsigned int bad,
			   const char *reason_part)
{
	struct iplist_error err;
	struct seen s = {0};

	assert_int_equal(parse(text, &s, &err), -1);
	assert_int_equal(err.line, line);
	assert_int_equal(err.bad_lines, bad);
	if (!strstr(err.reason, reason_part))
		fail_msg("reason \"%s\" lacks \"%s\"", err.reason, reason_part);
}

static void test_plain_addresses(void **state)
{
	struct iplist_error err;
	struct seen s = {0};

	(void)state;
	assert_int_equal(parse("1.2.3.4\n2001:db8::1\n0.0.0.0\n::\n", &s, &err), 4);
	assert_entry(&s, 0, "1.2.3.4", 1);
	assert_entry(&s, 1, "2001:db8::1", 2);
	assert_entry(&s, 2, "0.0.0.0", 3);
	assert_entry(&s, 3, "::", 4);
	assert_int_equal(s.p[0].family, 4);
	assert_int_equal(s.p[0].prefixlen, 32);
	assert_int_equal(s.p[1].family, 6);
	assert_int_equal(s.p[1].prefixlen, 128);
	assert_int_equal(err.bad_lines, 0);
}

static void test_cidr_and_masking(void **state)
{
	static const uint8_t zero[12];
	struct iplist_error err;
	struct seen s = {0};

	(void)state;
	assert_int_equal(parse("10.0.0.0/8\n1.2.3.4/24\n10.1.2.3/31\n9.9.9.9/0\n"
			       "2001:db8::1/32\n2001:db8:ffff::/33\n::1/0\n1.2.3.4/32\n",
			       &s, &err),
			 8);
	assert_entry(&s, 0, "10.0.0.0/8", 1);
	assert_entry(&s, 1, "1.2.3.0/24", 2);
	assert_entry(&s, 2, "10.1.2.2/31", 3);
	assert_entry(&s, 3, "0.0.0.0/0", 4);
	assert_entry(&s, 4, "2001:db8::/32", 5);
	assert_entry(&s, 5, "2001:db8:8000::/33", 6);
	assert_entry(&s, 6, "::/0", 7);
	assert_entry(&s, 7, "1.2.3.4", 8);
	/* IPv4 leaves the tail of addr zero, so structs compare as wholes. */
	assert_memory_equal(s.p[1].addr + 4, zero, sizeof(zero));
}

static void test_ipv4_mapped(void **state)
{
	struct iplist_error err;
	struct seen s = {0};

	(void)state;
	assert_int_equal(parse("::ffff:1.2.3.4\n::ffff:1.2.3.99/120\n::ffff:0:0/96\n"
			       "::ffff:0:0/95\n::ffff:1.2.3.4-::ffff:1.2.3.5\n",
			       &s, &err),
			 5);
	assert_entry(&s, 0, "1.2.3.4", 1);
	assert_int_equal(s.p[0].family, 4);
	assert_entry(&s, 1, "1.2.3.0/24", 2);
	assert_entry(&s, 2, "0.0.0.0/0", 3);
	/* Shorter than /96 it is not an IPv4 network: it stays IPv6. */
	assert_entry(&s, 3, "::fffe:0:0/95", 4);
	assert_int_equal(s.p[3].family, 6);
	assert_entry(&s, 4, "1.2.3.4/31", 5);
	assert_int_equal(s.p[4].family, 4);
}

static void test_spamhaus_drop(void **state)
{
	struct iplist_error err;
	struct seen s = {0};

	(void)state;
	assert_int_equal(parse("; Spamhaus DROP List 2025/01/17 - (c) 2025 The Spamhaus Project\n"
			       "; Last-Modified: Fri, 17 Jan 2025 17:03:47 GMT\n"
			       "1.10.16.0/20 ; SBL256894\n"
			       "2001:678:254::/48 ; SBL697648\n"
			       "223.254.0.0/16;SBL212803\n"
			       "; EOF\n",
			       &s, &err),
			 3);
	assert_entry(&s, 0, "1.10.16.0/20", 3);
	assert_entry(&s, 1, "2001:678:254::/48", 4);
	assert_entry(&s, 2, "223.254.0.0/16", 5);
}

static void test_firehol_netset(void **state)
{
	struct iplist_error err;
	struct seen s = {0};

	(void)state;
	assert_int_equal(parse("#\n# feodo\n#\n# ipv4 hash:ip ipset\n#\n"
			       "50.16.16.211\n"
			       "1.2.3.0/24 # inline comment\n"
			       "5.6.7.8\t#tab then comment\n"
			       "9.9.9.9#no space\n",
			       &s, &err),
			 4);
	assert_entry(&s, 0, "50.16.16.211", 6);
	assert_entry(&s, 1, "1.2.3.0/24", 7);
	assert_entry(&s, 2, "5.6.7.8", 8);
	assert_entry(&s, 3, "9.9.9.9", 9);
}

static void test_hosts_style(void **state)
{
	struct iplist_error err;
	struct seen s = {0};

	(void)state;
	assert_int_equal(parse("1.2.3.4 bad.example.test more words here\n"
			       "2001:db8::7\tevil.example.test\n"
			       "0.0.0.0 ads.example.test # why\n",
			       &s, &err),
			 3);
	assert_entry(&s, 0, "1.2.3.4", 1);
	assert_entry(&s, 1, "2001:db8::7", 2);
	assert_entry(&s, 2, "0.0.0.0", 3);
}

static void test_csv(void **state)
{
	struct iplist_error err;
	struct seen s = {0};

	(void)state;
	assert_int_equal(parse("#8.8.8.8,10,100\n"
			       "104.244.72.152,1,100\n"
			       "192.168.1.0/16,2,100\n"
			       "2a01:04f8:0120:4023:0000:0000:0000:0110,2,100\n",
			       &s, &err),
			 3);
	assert_entry(&s, 0, "104.244.72.152", 2);
	assert_entry(&s, 1, "192.168.0.0/16", 3);
	assert_entry(&s, 2, "2a01:4f8:120:4023::110", 4);
}

static void test_range_full_ipv4_is_one_prefix(void **state)
{
	struct iplist_error err;
	struct seen s = {0};

	(void)state;
	assert_int_equal(parse("0.0.0.0-255.255.255.255\n", &s, &err), 1);
	assert_entry(&s, 0, "0.0.0.0/0", 1);
}

static void test_range_full_ipv6_is_one_prefix(void **state)
{
	struct iplist_error err;
	struct seen s = {0};

	(void)state;
	assert_int_equal(parse("::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", &s, &err), 1);
	assert_entry(&s, 0, "::/0", 1);
}

static void test_range_odd(void **state)
{
	struct iplist_error err;
	struct seen s = {0};

	(void)state;
	/* .5 | .6-.7 | .8-.15 | .16-.19 | .20 */
	assert_int_equal(parse("# odd\n1.2.3.5-1.2.3.20\n", &s, &err), 5);
	assert_entry(&s, 0, "1.2.3.5", 2);
	assert_entry(&s, 1, "1.2.3.6/31", 2);
	assert_entry(&s, 2, "1.2.3.8/29", 2);
	assert_entry(&s, 3, "1.2.3.16/30", 2);
	assert_entry(&s, 4, "1.2.3.20", 2);
}

static void test_range_forms(void **state)
{
	struct iplist_error err;
	struct seen s = {0};

	(void)state;
	assert_int_equal(parse("1.2.3.4-1.2.3.4\n"
			       "10.0.0.0 - 10.0.1.255 # spaced\n"
			       "2001:db8::ffff-2001:db8::1:0,csv\n"
			       "192.168.0.255-192.168.1.0 host\n",
			       &s, &err),
			 6);
	assert_entry(&s, 0, "1.2.3.4", 1);
	assert_entry(&s, 1, "10.0.0.0/23", 2);
	assert_entry(&s, 2, "2001:db8::ffff", 3);
	assert_entry(&s, 3, "2001:db8::1:0", 3);
	assert_entry(&s, 4, "192.168.0.255", 4);
	assert_entry(&s, 5, "192.168.1.0", 4);
}

/* The worst ranges need 2 * bits - 2 prefixes; nothing is cut off. */
static void test_range_worst_case(void **state)
{
	struct iplist_error err;
	struct seen s = {0};

	(void)state;
	assert_int_equal(parse("0.0.0.1-255.255.255.254\n", &s, &err), 62);
	assert_entry(&s, 0, "0.0.0.1", 1);
	assert_entry(&s, 30, "64.0.0.0/2", 1);
	assert_entry(&s, 31, "128.0.0.0/2", 1);
	assert_entry(&s, 61, "255.255.255.254", 1);
	memset(&s, 0, sizeof(s));
	assert_int_equal(parse("::1-ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe\n", &s, &err), 254);
	assert_entry(&s, 0, "::1", 1);
	assert_entry(&s, 253, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", 1);
}

static uint32_t prefix_u32(const struct ip_prefix *p)
{
	return (uint32_t)p->addr[0] << 24 | (uint32_t)p->addr[1] << 16 | (uint32_t)p->addr[2] << 8 |
	       p->addr[3];
}

struct cover {
	uint64_t next; /* first address not covered yet */
	unsigned int count;
	int bad;
};

/* Each prefix must be aligned and start right where the previous one ended. */
static int check_cover(const struct ip_prefix *p, void *ctx)
{
	struct cover *c = ctx;
	uint64_t size = 1ull << (32 - p->prefixlen);
	uint64_t first = prefix_u32(p);

	if (first != c->next || first % size != 0)
		c->bad = 1;
	c->next = first + size;
	c->count++;
	return 0;
}

static void make_v4(struct ip_prefix *p, uint32_t a)
{
	memset(p, 0, sizeof(*p));
	p->family = 4;
	p->prefixlen = 32;
	p->addr[0] = (uint8_t)(a >> 24);
	p->addr[1] = (uint8_t)(a >> 16);
	p->addr[2] = (uint8_t)(a >> 8);
	p->addr[3] = (uint8_t)a;
}

/* Many ranges, checked against the definition: exact, aligned, bounded cover. */
static void test_range_split_property(void **state)
{
	uint32_t x = 12345;
	int i;

	(void)state;
	for (i = 0; i < 20000; i++) {
		struct ip_prefix lo, hi;
		struct cover c = {0};
		uint32_t a, b;

		x = x * 1103515245u + 12345u;
		a = x;
		x = x * 1103515245u + 12345u;
		/* Mix long ranges with short ones near interesting boundaries. */
		b = (i & 1) ? x : a + (x >> (x & 31));
		if (b < a) {
			uint32_t t = a;

			a = b;
			b = t;
		}
		make_v4(&lo, a);
		make_v4(&hi, b);
		c.next = a;
		assert_int_equal(ip_range_split(&lo, &hi, check_cover, &c), 0);
		assert_false(c.bad);
		assert_true(c.next == (uint64_t)b + 1);
		assert_true(c.count >= 1 && c.count <= IP_RANGE_MAX_PREFIXES(32));
	}
}

static void test_range_split_rejects_bad_args(void **state)
{
	struct ip_prefix lo, hi;
	struct cover c = {0};

	(void)state;
	make_v4(&lo, 10);
	make_v4(&hi, 9);
	assert_int_equal(ip_range_split(&lo, &hi, check_cover, &c), -1);
	hi.family = 6;
	assert_int_equal(ip_range_split(&lo, &lo, check_cover, &c), 0);
	assert_int_equal(ip_range_split(&lo, &hi, check_cover, &c), -1);
	assert_int_equal(c.count, 1);
}

static void test_bom_and_crlf(void **state)
{
	struct iplist_error err;
	struct seen s = {0};

	(void)state;
	assert_int_equal(parse("\xef\xbb\xbf# header\r\n1.2.3.4\r\n\r\n5.6.7.0/24 ; x\r\n"
			       "2001:db8::1\r\n",
			       &s, &err),
			 3);
	assert_entry(&s, 0, "1.2.3.4", 2);
	assert_entry(&s, 1, "5.6.7.0/24", 4);
	assert_entry(&s, 2, "2001:db8::1", 5);
	memset(&s, 0, sizeof(s));
	/* BOM directly before an address on the first line. */
	assert_int_equal(parse("\xef\xbb\xbf"
			       "1.2.3.4\n",
			       &s, &err),
			 1);
	assert_entry(&s, 0, "1.2.3.4", 1);
	/* A BOM anywhere else is garbage. */
	assert_refused("1.2.3.4\n\xef\xbb\xbf"
		       "5.6.7.8\n",
		       2, 1, "not an IP address");
}

static void test_whitespace_blank_and_comments(void **state)
{
	struct iplist_error err;
	struct seen s = {0};

	(void)state;
	assert_int_equal(parse("\n\n   \n\t\t\n"
			       "  \t 1.2.3.4 \t \n"
			       "# comment\n"
			       "; comment\n"
			       "   # indented comment\n"
			       "\t; indented comment\n"
			       "\t5.6.7.8\n"
			       "\v\f2001:db8::2\f\n",
			       &s, &err),
			 3);
	assert_entry(&s, 0, "1.2.3.4", 5);
	assert_entry(&s, 1, "5.6.7.8", 10);
	assert_entry(&s, 2, "2001:db8::2", 11);
}

static void test_empty_and_comment_only(void **state)
{
	struct iplist_error err;
	struct seen s = {0};

	(void)state;
	assert_int_equal(parse_n("", 0, &s, &err), 0);
	assert_int_equal(iplist_parse(NULL, 0, collect, &s, &err), 0);
	assert_int_equal(parse("# only\n; comments\n\n", &s, &err), 0);
	assert_int_equal(parse("\xef\xbb\xbf", &s, &err), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(iplist_parse(NULL, 5, collect, &s, &err), -1);
}

static void test_no_trailing_newline(void **state)
{
	struct iplist_error err;
	struct seen s = {0};

	(void)state;
	assert_int_equal(parse("1.2.3.4\n5.6.7.0/24", &s, &err), 2);
	assert_entry(&s, 1, "5.6.7.0/24", 2);
	memset(&s, 0, sizeof(s));
	assert_int_equal(parse("2001:db8::/32 ; x", &s, &err), 1);
	assert_entry(&s, 0, "2001:db8::/32", 1);
	/* A bad last line without a newline is still found. */
	assert_refused("1.2.3.4\n1.2.3.4/", 2, 1, "missing prefix length");
}

/*
 * Cut a valid list at every length: each prefix of the buffer is parsed
 * from an exact-size allocation, so any read past len trips ASan, and a
 * line cut in the middle of "1.2.3.4/24" must never come out wrong silently.
 */
static void test_not_nul_terminated(void **state)
{
	const char *text = "1.2.3.4/24 ; x\n2001:db8::1\n10.0.0.1-10.0.0.6\n";
	size_t len = strlen(text);
	size_t cut;

	(void)state;
	for (cut = 0; cut <= len; cut++) {
		struct iplist_error err;
		struct seen s = {0};
		long ret = parse_n(text, cut, &s, &err);

		assert_true(ret >= -1);
		if (ret >= 0)
			assert_int_equal((size_t)ret, s.n);
	}
	/* "1.2.3.4/2" is a valid /2 and "1.2.3.4/" is bad: the cut is exact. */
	{
		struct iplist_error err;
		struct seen s = {0};

		assert_int_equal(parse_n(text, 9, &s, &err), 1);
		assert_entry(&s, 0, "0.0.0.0/2", 1);
		assert_int_equal(parse_n(text, 8, &s, &err), -1);
	}
}

static void test_bad_garbage(void **state)
{
	(void)state;
	assert_refused("1.2.3.4\nhello world\n", 2, 1, "not an IP address: \"hello\"");
	assert_refused("1.2.3\n", 1, 1, "\"1.2.3\"");
	assert_refused("1.2.3.4.5\n", 1, 1, "not an IP address");
	assert_refused("2001:db8:::1\n", 1, 1, "not an IP address");
	assert_refused("fe80::1%eth0\n", 1, 1, "not an IP address");
	assert_refused("01.2.3.4\n", 1, 1, "not an IP address");
	assert_refused(",1.2.3.4\n", 1, 1, "not an IP address");
}

static void test_bad_octet(void **state)
{
	(void)state;
	assert_refused("# x\n\n1.2.3.256\n", 3, 1, "not an IP address: \"1.2.3.256\"");
}

static void test_bad_prefix_lengths(void **state)
{
	(void)state;
	assert_refused("1.2.3.0/33\n", 1, 1, "prefix length 33 out of range 0..32: \"1.2.3.0/33\"");
	assert_refused("2001:db8::/129\n", 1, 1, "prefix length 129 out of range 0..128");
	assert_refused("1.2.3.0/999999999999999\n", 1, 1, "out of range 0..32");
	/* 2^32 + 24: a parser that lets the number wrap would read /24. */
	assert_refused("1.2.3.0/4294967320\n", 1, 1, "out of range 0..32");
	assert_refused("x\n1.2.3.0/abc\n", 1, 2, "not an IP address");
	assert_refused("1.2.3.0/abc\n", 1, 1, "prefix length is not a number: \"1.2.3.0/abc\"");
	assert_refused("1.2.3.0/+24\n", 1, 1, "prefix length is not a number");
	assert_refused("1.2.3.0/-1\n", 1, 1, "prefix length is not a number");
	assert_refused("1.2.3.0/0x18\n", 1, 1, "prefix length is not a number");
	assert_refused("1.2.3.0/24/24\n", 1, 1, "prefix length is not a number");
	assert_refused("1.2.3.4/\n", 1, 1, "missing prefix length after '/': \"1.2.3.4/\"");
	assert_refused("1.2.3.4/ 24\n", 1, 1, "missing prefix length");
	assert_refused("/24\n", 1, 1, "not an IP address");
}

static void test_bad_ranges(void **state)
{
	(void)state;
	assert_refused("1.2.3.4\n1.2.3.9-1.2.3.4\n", 2, 1,
		       "range end is before its start: \"1.2.3.9-1.2.3.4\"");
	assert_refused("1.2.3.4-2001:db8::1\n", 1, 1, "range mixes IPv4 and IPv6");
	assert_refused("2001:db8::2 - 2001:db8::1\n", 1, 1, "range end is before its start");
	assert_refused("1.2.3.4-\n", 1, 1, "range end is not an IP address");
	assert_refused("1.2.3.4 -\n", 1, 1, "range end is not an IP address");
	assert_refused("-1.2.3.4\n", 1, 1, "range start is not an IP address");
	assert_refused("1.2.3.0/24-1.2.4.0\n", 1, 1, "prefix length is not a number");
	assert_refused("1.2.3.0/24 - 1.2.4.0\n", 1, 1, "range start is not an IP address");
	assert_refused("1.2.3.4-1.2.3.5-1.2.3.6\n", 1, 1, "range end is not an IP address");
}

static void test_overlong_line(void **state)
{
	size_t n = IPLIST_MAX_LINE + 1;
	char *text = malloc(n + 32);
	struct iplist_error err;
	struct seen s = {0};

	(void)state;
	assert_non_null(text);
	/* Exactly the limit (a padded comment after an address) is fine... */
	strcpy(text, "1.2.3.4 #");
	memset(text + 9, 'x', IPLIST_MAX_LINE - 9);
	strcpy(text + IPLIST_MAX_LINE, "\r\n");
	assert_int_equal(parse(text, &s, &err), 1);
	/* ...one more character is not, even in a comment line. */
	strcpy(text, "1.2.3.4\n#");
	memset(text + 9, 'x', n - 1);
	strcpy(text + 8 + n, "\n5.6.7.8\n");
	assert_int_equal(parse(text, &s, &err), -1);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.bad_lines, 1);
	assert_non_null(strstr(err.reason, "line longer than 4096 characters: \"#xxx"));
	assert_non_null(strstr(err.reason, "...\""));
	free(text);
}

static void test_many_bad_lines(void **state)
{
	(void)state;
	assert_refused(
		"# list\n1.2.3.4\nbad\n5.6.7.8\n1.1.1.1/40\n\n2001:db8::/200\n9.9.9.9-1.1.1.1\n", 3,
		4, "not an IP address: \"bad\"");
}

static void test_embedded_nul(void **state)
{
	static const char text[] = "1.2.3.4\0junk\n5.6.7.8\n";
	struct iplist_error err;
	struct seen s = {0};

	(void)state;
	assert_int_equal(parse_n(text, sizeof(text) - 1, &s, &err), -1);
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.reason, "\"1.2.3.4?junk\""));
}

/* Long garbage and control bytes are quoted shortened and harmless. */
static void test_reason_is_truncated_and_printable(void **state)
{
	char text[400];
	struct iplist_error err;
	struct seen s = {0};
	size_t i;

	(void)state;
	memset(text, 'z', sizeof(text) - 1);
	text[0] = '\x1b';
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(parse(text, &s, &err), -1);
	assert_true(strlen(err.reason) < sizeof(err.reason));
	assert_non_null(strstr(err.reason, "\"?zzz"));
	assert_non_null(strstr(err.reason, "...\""));
	for (i = 0; err.reason[i]; i++)
		assert_true(err.reason[i] >= 0x20 && err.reason[i] < 0x7f);
}

static void test_callback_abort(void **state)
{
	struct iplist_error err;
	struct seen s = {.stop_at = 2, .stop_ret = 7};

	(void)state;
	assert_int_equal(parse("1.1.1.1\n2.2.2.2\n3.3.3.3\n", &s, &err), 7);
	assert_int_equal(s.n, 2);
	assert_int_equal(err.bad_lines, 0);
	/* In the middle of a range, too. */
	memset(&s, 0, sizeof(s));
	s.stop_at = 3;
	s.stop_ret = -42;
	assert_int_equal(parse("1.2.3.5-1.2.3.20\n9.9.9.9\n", &s, &err), -42);
	assert_int_equal(s.n, 3);
}

static void test_no_callback_after_bad_line(void **state)
{
	struct iplist_error err;
	struct seen s = {0};

	(void)state;
	assert_int_equal(parse("1.1.1.1\nbad\n2.2.2.2\n3.3.3.3\n", &s, &err), -1);
	assert_int_equal(s.n, 1);
	assert_int_equal(err.line, 2);
}

static void test_null_callback_and_err(void **state)
{
	static const char text[] = "1.1.1.1\n2.2.2.0-2.2.2.2\n";

	(void)state;
	assert_int_equal(iplist_parse(text, sizeof(text) - 1, NULL, NULL, NULL), 3);
	assert_int_equal(iplist_parse("x\n", 2, NULL, NULL, NULL), -1);
}

static void test_prefix_parse(void **state)
{
	struct ip_prefix p, q;
	char text[64];

	(void)state;
	assert_int_equal(ip_prefix_parse("10.1.2.3/8", &p), 0);
	assert_int_equal(p.family, 4);
	assert_int_equal(p.prefixlen, 8);
	ip_prefix_format(&p, text, sizeof(text));
	assert_string_equal(text, "10.0.0.0/8");
	assert_int_equal(ip_prefix_parse("2001:DB8::1", &p), 0);
	ip_prefix_format(&p, text, sizeof(text));
	assert_string_equal(text, "2001:db8::1");
	assert_int_equal(ip_prefix_parse("::ffff:10.0.0.1", &p), 0);
	assert_int_equal(p.family, 4);

	memset(&q, 0x5a, sizeof(q));
	p = q;
	assert_int_equal(ip_prefix_parse("", &p), -1);
	assert_int_equal(ip_prefix_parse(" 1.2.3.4", &p), -1);
	assert_int_equal(ip_prefix_parse("1.2.3.4 ", &p), -1);
	assert_int_equal(ip_prefix_parse("1.2.3.4-1.2.3.5", &p), -1);
	assert_int_equal(ip_prefix_parse("1.2.3.4/33", &p), -1);
	assert_int_equal(ip_prefix_parse("1.2.3.4/", &p), -1);
	assert_int_equal(ip_prefix_parse("1.2.3.4#x", &p), -1);
	assert_int_equal(
		ip_prefix_parse("1.2.3.4/32xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
				&p),
		-1);
	assert_int_equal(ip_prefix_parse(NULL, &p), -1);
	/* A failed parse leaves out untouched. */
	assert_memory_equal(&p, &q, sizeof(p));
}

static void test_prefix_format(void **state)
{
	struct ip_prefix p;
	char text[64];
	char small[6];

	(void)state;
	assert_int_equal(ip_prefix_parse("2001:db8:bad:1::/64", &p), 0);
	ip_prefix_format(&p, text, sizeof(text));
	assert_string_equal(text, "2001:db8:bad:1::/64");
	assert_int_equal(ip_prefix_parse("203.0.113.66/32", &p), 0);
	ip_prefix_format(&p, text, sizeof(text));
	assert_string_equal(text, "203.0.113.66");
	/* Truncated, but always terminated. */
	memset(small, 'x', sizeof(small));
	ip_prefix_format(&p, small, sizeof(small));
	assert_string_equal(small, "203.0");
	p.family = 5;
	ip_prefix_format(&p, text, sizeof(text));
	assert_string_equal(text, "(invalid)");
}

/* ---- files: the fixtures, then the real lists ---- */

static long parse_fixture(const char *name, struct seen *s, struct iplist_error *err)
{
	char rel[128], path[PATH_MAX];
	size_t len;
	char *buf;
	long ret;

	snprintf(rel, sizeof(rel), "tests/fixtures/lists/%s", name);
	assert_int_equal(repo_path(path, sizeof(path), rel), 0);
	buf = read_file(path, &len);
	if (!buf)
		fail_msg("cannot read fixture %s", path);
	ret = iplist_parse(buf, len, collect, s, err);
	free(buf);
	return ret;
}

static void test_fixture_good_mixed(void **state)
{
	struct iplist_error err;
	struct seen s = {0};

	(void)state;
	assert_int_equal(parse_fixture("good-mixed.txt", &s, &err), 12);
	assert_entry(&s, 0, "192.0.2.1", 4);
	assert_entry(&s, 1, "198.51.100.0/24", 5);
	assert_entry(&s, 2, "203.0.113.7", 6);
	assert_entry(&s, 3, "192.0.2.99", 7);
	assert_entry(&s, 4, "192.0.2.50", 8);
	assert_entry(&s, 5, "192.0.2.8/30", 9);
	assert_entry(&s, 6, "2001:db8::1", 10);
	assert_entry(&s, 7, "2001:db8:1::/48", 11);
	assert_entry(&s, 8, "2001:db8::5", 12);
	assert_entry(&s, 9, "2001:db8::6", 12);
	assert_entry(&s, 10, "192.0.2.77", 13);
	assert_entry(&s, 11, "10.0.0.0/8", 14);
}

static void test_fixture_bad_line(void **state)
{
	struct iplist_error err;
	struct seen s = {0};

	(void)state;
	assert_int_equal(parse_fixture("bad-line.txt", &s, &err), -1);
	assert_int_equal(err.line, 4);
	assert_int_equal(err.bad_lines, 2);
	assert_string_equal(err.reason, "not an IP address: \"192.0.2.256\"");
}

static void test_fixture_demo_block(void **state)
{
	struct iplist_error err;
	struct seen s = {0};

	(void)state;
	assert_int_equal(parse_fixture("demo-block.txt", &s, &err), 4);
	assert_entry(&s, 0, "203.0.113.66", 6);
	assert_entry(&s, 1, "198.51.100.128/25", 8);
	assert_entry(&s, 2, "2001:db8:bad::66", 10);
	assert_entry(&s, 3, "2001:db8:bad:1::/64", 12);
}

/* Lines that are neither blank nor a comment: what each real list should yield. */
static long count_entry_lines(const char *buf, size_t len)
{
	long n = 0;
	size_t i = 0;

	while (i < len) {
		while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r'))
			i++;
		if (i < len && buf[i] != '\n' && buf[i] != '#' && buf[i] != ';')
			n++;
		while (i < len && buf[i] != '\n')
			i++;
		i++;
	}
	return n;
}

static int count_only(const struct ip_prefix *p, unsigned int line, void *ctx)
{
	long *n = ctx;

	(void)line;
	if (p->family != 4 && p->family != 6)
		return -2;
	(*n)++;
	return 0;
}

static const char *const real_lists[] = {
	"spamhaus/drop.txt",
	"spamhaus/dropv6.txt",
	"spamhaus/drop-2025-01-17.txt",
	"spamhaus/edrop-2023-12-01.txt",
	"firehol/ciarmy.ipset",
	"firehol/cidr_report_bogons.netset",
	"firehol/dshield.netset",
	"firehol/et_block.netset",
	"firehol/et_compromised.ipset",
	"firehol/feodo.ipset",
	"firehol/feodo_badips.ipset",
	"firehol/firehol_level1.netset",
	"firehol/spamhaus_drop.netset",
	"firehol/spamhaus_edrop.netset",
	"raw/abuse-ch-ipblocklist.txt",
	"raw/et-compromised-ips.txt",
	"raw/threatfox.txt",
	"et-iprep/scirius-iprep.list",
};

static int shared_data_dir(char *out, size_t len)
{
	const char *env = getenv("UTM_SHARED_DATA");

	if (env && *env)
		snprintf(out, len, "%s", env);
	else if (repo_path(out, len, "../shared/data") != 0)
		return -1;
	return access(out, R_OK) == 0 ? 0 : -1;
}

static void test_real_lists(void **state)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	size_t i;

	(void)state;
	if (shared_data_dir(dir, sizeof(dir)) != 0) {
		print_message("SKIP real lists: no shared data (../shared/data from the repo root, "
			      "or set UTM_SHARED_DATA)\n");
		skip();
	}
	for (i = 0; i < sizeof(real_lists) / sizeof(real_lists[0]); i++) {
		struct iplist_error err;
		long want, got = 0, ret;
		size_t len;
		char *buf;

		snprintf(path, sizeof(path), "%s/ip-blocklists/%s", dir, real_lists[i]);
		buf = read_file(path, &len);
		if (!buf)
			fail_msg("cannot read %s", path);
		want = count_entry_lines(buf, len);
		ret = iplist_parse(buf, len, count_only, &got, &err);
		free(buf);
		if (ret != want || got != want)
			fail_msg("%s: parsed %ld (%ld seen), %ld entry lines; line %u: %s",
				 real_lists[i], ret, got, want, err.line, err.reason);
		assert_true(want > 0);
	}
}

/* Spot checks that real entries come out right, not merely counted. */
static void test_real_list_values(void **state)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	struct iplist_error err;
	struct seen s = {0};
	size_t len;
	char *buf;

	(void)state;
	if (shared_data_dir(dir, sizeof(dir)) != 0) {
		print_message("SKIP real list values: no shared data (../shared/data or "
			      "UTM_SHARED_DATA)\n");
		skip();
	}
	snprintf(path, sizeof(path), "%s/ip-blocklists/spamhaus/dropv6.txt", dir);
	buf = read_file(path, &len);
	if (!buf)
		fail_msg("cannot read %s", path);
	assert_true(iplist_parse(buf, len, collect, &s, &err) > 0);
	free(buf);
	assert_entry(&s, 0, "2001:678:254::/48", 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_addresses),
		cmocka_unit_test(test_cidr_and_masking),
		cmocka_unit_test(test_ipv4_mapped),
		cmocka_unit_test(test_spamhaus_drop),
		cmocka_unit_test(test_firehol_netset),
		cmocka_unit_test(test_hosts_style),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_range_full_ipv4_is_one_prefix),
		cmocka_unit_test(test_range_full_ipv6_is_one_prefix),
		cmocka_unit_test(test_range_odd),
		cmocka_unit_test(test_range_forms),
		cmocka_unit_test(test_range_worst_case),
		cmocka_unit_test(test_range_split_property),
		cmocka_unit_test(test_range_split_rejects_bad_args),
		cmocka_unit_test(test_bom_and_crlf),
		cmocka_unit_test(test_whitespace_blank_and_comments),
		cmocka_unit_test(test_empty_and_comment_only),
		cmocka_unit_test(test_no_trailing_newline),
		cmocka_unit_test(test_not_nul_terminated),
		cmocka_unit_test(test_bad_garbage),
		cmocka_unit_test(test_bad_octet),
		cmocka_unit_test(test_bad_prefix_lengths),
		cmocka_unit_test(test_bad_ranges),
		cmocka_unit_test(test_overlong_line),
		cmocka_unit_test(test_many_bad_lines),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_reason_is_truncated_and_printable),
		cmocka_unit_test(test_callback_abort),
		cmocka_unit_test(test_no_callback_after_bad_line),
		cmocka_unit_test(test_null_callback_and_err),
		cmocka_unit_test(test_prefix_parse),
		cmocka_unit_test(test_prefix_format),
		cmocka_unit_test(test_fixture_good_mixed),
		cmocka_unit_test(test_fixture_bad_line),
		cmocka_unit_test(test_fixture_demo_block),
		cmocka_unit_test(test_real_lists),
		cmocka_unit_test(test_real_list_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
