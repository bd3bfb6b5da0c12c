// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for lib/feedfmt*.c: Spamhaus DROP JSON, ET IP reputation,
 * URLhaus CSV, the CrowdSec decisions stream and its set. Every buffer
 * handed to a parser is a malloc of exactly its length with no NUL after
 * it, so that ASan (make SANITIZE=1) catches any read past len.
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
#include <time.h>

#include "lib/feedfmt.h"

#define MAX_SEEN 64

/* ---- helpers ----------------------------------------------------------- */

/* An exact-size heap copy of text (no NUL after it); free() it. */
static char *exact_copy(const char *text, size_t len)
{
	char *buf = malloc(len ? len : 1);

	assert_non_null(buf);
	memcpy(buf, text, len);
	return buf;
}

static char *fixture(const char *name, size_t *len)
{
	char rel[128], path[PATH_MAX];
	char *buf;

	snprintf(rel, sizeof(rel), "tests/fixtures/feeds/%s", name);
	assert_int_equal(repo_path(path, sizeof(path), rel), 0);
	buf = read_file(path, len);
	if (!buf)
		fail_msg("cannot read fixture %s", path);
	return buf;
}

static void assert_contains(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("\"%s\" lacks \"%s\"", text, part);
}

/* IP entries as the callback saw them. */
struct ipseen {
	size_t n;
	char text[MAX_SEEN][64];
	unsigned int line[MAX_SEEN];
	size_t stop_at; /* 1-based entry at which to return stop_ret; 0: never */
	int stop_ret;
};

static int ip_collect(const struct ip_prefix *p, unsigned int line, void *ctx)
{
	struct ipseen *s = ctx;

	if (s->n < MAX_SEEN) {
		ip_prefix_format(p, s->text[s->n], sizeof(s->text[0]));
		s->line[s->n] = line;
	}
	s->n++;
	return s->stop_at && s->n == s->stop_at ? s->stop_ret : 0;
}

static void assert_ip(const struct ipseen *s, size_t i, const char *want, unsigned int line)
{
	if (i >= s->n)
		fail_msg("entry %zu of %zu", i, s->n);
	assert_string_equal(s->text[i], want);
	assert_int_equal(s->line[i], line);
}

/* ---- Spamhaus DROP JSON ------------------------------------------------ */

static long drop_text(const char *text, struct ipseen *s, struct iplist_error *err)
{
	char *buf = exact_copy(text, strlen(text));
	long ret = spamhaus_json_parse(buf, strlen(text), ip_collect, s, err);

	free(buf);
	return ret;
}

static long drop_fixture(const char *name, struct ipseen *s, struct iplist_error *err)
{
	size_t len;
	char *buf = fixture(name, &len);
	long ret = spamhaus_json_parse(buf, len, ip_collect, s, err);

	free(buf);
	return ret;
}

static void assert_drop_refused(const char *text, unsigned int line, unsigned int bad,
				const char *reason)
{
	struct iplist_error err;
	struct ipseen s = {0};

	assert_int_equal(drop_text(text, &s, &err), -1);
	assert_int_equal(err.line, line);
	assert_int_equal(err.bad_lines, bad);
	assert_string_equal(err.reason, reason);
}

#define META	  "{\"type\":\"metadata\",\"timestamp\":1700000000,\"records\":%d}"
#define REC(cidr) "{\"cidr\":\"" cidr "\",\"sblid\":\"SBL1\",\"rir\":\"apnic\"}\n"

static void test_drop_v4_fixture(void **state)
{
	struct iplist_error err;
	struct ipseen s = {0};

	(void)state;
	assert_int_equal(drop_fixture("drop_v4.json", &s, &err), 5);
	assert_int_equal(s.n, 5);
	assert_ip(&s, 0, "1.10.16.0/20", 1);
	assert_ip(&s, 1, "1.19.0.0/16", 2);
	assert_ip(&s, 2, "1.32.128.0/18", 3);
	assert_ip(&s, 3, "2.56.192.0/22", 4);
	assert_ip(&s, 4, "223.254.0.0/16", 5);
	assert_int_equal(err.bad_lines, 0);
	assert_int_equal(err.line, 0);
}

static void test_drop_v6_fixture(void **state)
{
	struct iplist_error err;
	struct ipseen s = {0};

	(void)state;
	assert_int_equal(drop_fixture("drop_v6.json", &s, &err), 3);
	assert_ip(&s, 0, "2001:678:254::/48", 1);
	assert_ip(&s, 1, "2a06:e480::/29", 2);
	assert_ip(&s, 2, "2c0f:f6e8::/32", 3);
}

/* Cut in the middle of line 4: the truncation is what the error says. */
static void test_drop_truncated_mid_line(void **state)
{
	struct iplist_error err;
	struct ipseen s = {0};

	(void)state;
	assert_int_equal(drop_fixture("drop_truncated.json", &s, &err), -1);
	assert_int_equal(err.line, 5);
	assert_int_equal(err.bad_lines, 2); /* the cut line and the missing metadata */
	assert_string_equal(err.reason, "no metadata line: truncated download?");
	/* Entries before the cut were passed on; the caller discards them. */
	assert_int_equal(s.n, 3);
}

/* Cut at a line boundary: every line is good, the metadata is missing. */
static void test_drop_truncated_at_line_end(void **state)
{
	(void)state;
	assert_drop_refused(REC("1.2.3.0/24") REC("5.6.7.0/24"), 3, 1,
			    "no metadata line: truncated download?");
	assert_drop_refused(REC("1.2.3.0/24") "\n\n", 4, 1,
			    "no metadata line: truncated download?");
	assert_drop_refused("", 1, 1, "no metadata line: truncated download?");
	assert_drop_refused("\n", 2, 1, "no metadata line: truncated download?");
}

/* An HTML page saved as the list: the first line says what it is. */
static void test_drop_html_page(void **state)
{
	struct iplist_error err;
	struct ipseen s = {0};

	(void)state;
	assert_int_equal(drop_fixture("drop_html.json", &s, &err), -1);
	assert_int_equal(err.line, 1);
	assert_int_equal(err.bad_lines, 8); /* 7 lines of HTML, no metadata */
	assert_contains(err.reason, "not JSON (");
	assert_contains(err.reason, ": \"<!DOCTYPE html>\"");
	assert_int_equal(s.n, 0);
	/* One line of HTML is not mistaken for a cut download. */
	assert_drop_refused("<html><body>Forbidden</body></html>", 1, 2,
			    "not JSON ('[' or '{' expected): "
			    "\"<html><body>Forbidden</body></html>\"");
}

static void test_drop_wrong_count(void **state)
{
	struct iplist_error err;
	struct ipseen s = {0};

	(void)state;
	assert_int_equal(drop_fixture("drop_wrong_count.json", &s, &err), -1);
	assert_int_equal(err.line, 5);
	assert_int_equal(err.bad_lines, 1);
	assert_string_equal(err.reason, "metadata says 5 records, found 4");
}

static void test_drop_metadata_forms(void **state)
{
	char text[512];
	struct iplist_error err;
	struct ipseen s = {0};

	(void)state;
	/* Without "records" there is nothing to compare: fine. */
	assert_int_equal(drop_text(REC("1.2.3.0/24") "{\"type\":\"metadata\"}\n", &s, &err), 1);
	/* An empty list is good when its metadata says so. */
	snprintf(text, sizeof(text), META "\n", 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(drop_text(text, &s, &err), 0);
	/* CRLF, blank lines, no final newline, blanks around a line. */
	snprintf(text, sizeof(text), "\r\n" REC("1.2.3.0/24") "\r\n  " META "  \r\n\r\n", 1);
	memset(&s, 0, sizeof(s));
	assert_int_equal(drop_text(text, &s, &err), 1);
	assert_ip(&s, 0, "1.2.3.0/24", 2);
	snprintf(text, sizeof(text), REC("::ffff:1.2.3.4") META, 1);
	memset(&s, 0, sizeof(s));
	assert_int_equal(drop_text(text, &s, &err), 1);
	assert_ip(&s, 0, "1.2.3.4", 1);
	/* A record after the metadata: the file is two files, or garbage. */
	snprintf(text, sizeof(text), META "\n" REC("1.2.3.0/24"), 1);
	assert_drop_refused(text, 2, 1,
			    "line after the metadata line: "
			    "\"{\"cidr\":\"1.2.3.0/24\",\"sblid\":\"SBL1"
			    "\",\"rir\":\"apnic\"}\"");
	assert_drop_refused("{\"type\":\"metadata\",\"records\":\"5\"}\n", 1, 1,
			    "metadata \"records\" is not a count: "
			    "\"{\"type\":\"metadata\",\"records\":\"5\"}\"");
	assert_drop_refused("{\"type\":\"metadata\",\"records\":-1}\n", 1, 1,
			    "metadata \"records\" is not a count: "
			    "\"{\"type\":\"metadata\",\"records\":-1}\"");
}

static void test_drop_bad_lines(void **state)
{
	char text[1024];
	struct iplist_error err;
	struct ipseen s = {0};

	(void)state;
	snprintf(text, sizeof(text),
		 REC("1.2.3.0/24")		     /* 1 good */
		 "{\"sblid\":\"SBL2\"}\n"	     /* 2 no cidr */
		 REC("1.2.3.0/33")		     /* 3 bad prefix length */
		 "[\"1.2.3.4\"]\n"		     /* 4 an array */
		 "{\"cidr\":42}\n"		     /* 5 cidr not a string */
		 "{\"cidr\":\"1.2.3.4\"} trailing\n" /* 6 not JSON */
		 "{\"cidr\":\"1.2.3.4\\u0000/8\"}\n" /* 7 NUL in a string */
		 "{\"cidr\":\"evil.example\"}\n"     /* 8 a name */
		 REC("5.6.7.0/24")		     /* 9 good, not passed on */
		 META "\n",			     /* 10 */
		 2);
	assert_int_equal(drop_text(text, &s, &err), -1);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.bad_lines, 7);
	assert_string_equal(err.reason, "no \"cidr\" string: \"{\"sblid\":\"SBL2\"}\"");
	assert_int_equal(s.n, 1);
	/* Each kind alone, for its message. */
	snprintf(text, sizeof(text), REC("1.2.3.0/33") META, 1);
	assert_drop_refused(text, 1, 1, "cidr is not an IP address or CIDR: \"1.2.3.0/33\"");
	snprintf(text, sizeof(text), "[1]\n" META, 1);
	assert_drop_refused(text, 1, 1, "not a JSON object: \"[1]\"");
	snprintf(text, sizeof(text), "{\"cidr\":\"1.2.3.4\\u0000/8\"}\n" META, 1);
	assert_drop_refused(text, 1, 1,
			    "not JSON (\\u0000 is not allowed without JSON_ALLOW_NUL): "
			    "\"{\"cidr\":\"1.2.3.4\\u0000/8\"}\"");
}

static void test_drop_overlong_line(void **state)
{
	size_t len = IPLIST_MAX_LINE + 100;
	char *text = malloc(len + 64);
	struct iplist_error err;
	struct ipseen s = {0};

	(void)state;
	assert_non_null(text);
	memset(text, ' ', len);
	memcpy(text, "{\"cidr\":\"1.2.3.4\"}", 18);
	snprintf(text + len, 64, "\n" META, 1);
	/* Blanks are trimmed first: only a long line of content is refused. */
	assert_int_equal(drop_text(text, &s, &err), 1);
	memset(text, 'x', len);
	snprintf(text + len, 64, "\n" META, 1);
	assert_int_equal(drop_text(text, &s, &err), -1);
	assert_int_equal(err.line, 1);
	assert_contains(err.reason, "line longer than 4096 characters");
	free(text);
}

static void test_drop_callback_stop_and_null(void **state)
{
	struct iplist_error err;
	struct ipseen s = {.stop_at = 2, .stop_ret = 77};
	size_t len;
	char *buf;

	(void)state;
	assert_int_equal(drop_fixture("drop_v4.json", &s, &err), 77);
	assert_int_equal(s.n, 2);
	buf = fixture("drop_v4.json", &len);
	assert_int_equal(spamhaus_json_parse(buf, len, NULL, NULL, NULL), 5);
	assert_int_equal(spamhaus_json_parse(buf, len - 10, NULL, NULL, &err), -1);
	assert_string_equal(err.reason, "no metadata line: truncated download?");
	free(buf);
}

/* ---- ET IP reputation -------------------------------------------------- */

static int categories_text(const char *text, struct etrep_categories *c, struct iplist_error *err)
{
	char *buf = exact_copy(text, strlen(text));
	int ret = etrep_categories_parse(buf, strlen(text), c, err);

	free(buf);
	return ret;
}

static long etrep_text(const char *text, const struct etrep_filter *f, struct ipseen *s,
		       struct iplist_error *err)
{
	char *buf = exact_copy(text, strlen(text));
	long ret;

	memset(s, 0, sizeof(*s));
	ret = etrep_parse(buf, strlen(text), f, ip_collect, s, err);
	free(buf);
	return ret;
}

static void test_etrep_categories_fixture(void **state)
{
	static struct etrep_categories c;
	struct iplist_error err;
	size_t len;
	char *buf = fixture("et-categories.txt", &len);

	(void)state;
	assert_int_equal(etrep_categories_parse(buf, len, &c, &err), 0);
	free(buf);
	assert_int_equal(c.n, 12);
	assert_int_equal(err.bad_lines, 0);
	assert_string_equal(etrep_category_name(&c, 1), "CnC");
	assert_string_equal(etrep_category_name(&c, 10), "TorNode");
	assert_string_equal(etrep_category_name(&c, 16), "Proxy");
	assert_null(etrep_category_name(&c, 8)); /* not in the file */
	assert_null(etrep_category_name(&c, 0));
	assert_null(etrep_category_name(&c, 1000));
	assert_null(etrep_category_name(NULL, 1));
}

/* The Scirius export has a rule id where the shortname goes: still a name. */
static void test_etrep_categories_scirius(void **state)
{
	static struct etrep_categories c;
	struct iplist_error err;

	(void)state;
	assert_int_equal(categories_text("\xef\xbb\xbf"
					 "1,2520000,ET TOR Known Tor Exit Node Traffic\n"
					 "10,2402000,ET DROP Dshield Block Listed Source\r\n"
					 "# comment\n\n"
					 " 255 , spaced name , desc, with, commas\n"
					 "0,NoDescription\n",
					 &c, &err),
			 0);
	assert_int_equal(c.n, 4);
	assert_string_equal(etrep_category_name(&c, 1), "2520000");
	assert_string_equal(etrep_category_name(&c, 10), "2402000");
	assert_string_equal(etrep_category_name(&c, 255), "spaced name");
	assert_string_equal(etrep_category_name(&c, 0), "NoDescription");
	/* A long name is cut to fit. */
	assert_int_equal(
		categories_text("7,0123456789012345678901234567890123456789abcdefghijkl,x\n", &c,
				&err),
		0);
	assert_string_equal(etrep_category_name(&c, 7),
			    "0123456789012345678901234567890123456789abcdefg");
}

static void test_etrep_categories_bad(void **state)
{
	static struct etrep_categories c;
	struct iplist_error err;

	(void)state;
	assert_int_equal(categories_text("1,CnC,x\n"
					 "256,Big,x\n"	 /* 2 */
					 "x,Letters,x\n" /* 3 */
					 "3\n"		 /* 4 */
					 "4,,empty\n"	 /* 5 */
					 "1,Again,x\n"	 /* 6 */
					 "5,Ta\tb,x\n"	 /* 7 */
					 ",NoId,x\n"	 /* 8 */
					 "-1,Neg,x\n"	 /* 9 */
					 "6,Fine,x\n",
					 &c, &err),
			 -1);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.bad_lines, 8);
	assert_string_equal(err.reason, "category id out of range 0..255: \"256\"");
	/* The good lines are there all the same. */
	assert_int_equal(c.n, 2);
	assert_string_equal(etrep_category_name(&c, 6), "Fine");

	assert_int_equal(categories_text("x,Letters\n", &c, &err), -1);
	assert_string_equal(err.reason, "category id is not a number: \"x\"");
	assert_int_equal(categories_text("\n3\n", &c, &err), -1);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.reason, "missing category name: \"3\"");
	assert_int_equal(categories_text("4, ,empty\n", &c, &err), -1);
	assert_string_equal(err.reason, "missing category name: \"4, ,empty\"");
	assert_int_equal(categories_text("1,A\n1,B\n", &c, &err), -1);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.reason, "category id defined twice: \"1\"");
	assert_int_equal(categories_text("5,Ta\tb,x\n", &c, &err), -1);
	assert_string_equal(err.reason, "control character in category name: \"Ta?b\"");
	assert_int_equal(categories_text(",NoId\n", &c, &err), -1);
	assert_string_equal(err.reason, "missing category id: \"\"");
}

static void test_etrep_fixture_all(void **state)
{
	struct iplist_error err;
	struct ipseen s = {0};
	size_t len;
	char *buf = fixture("et-iprep.csv", &len);

	(void)state;
	assert_int_equal(etrep_parse(buf, len, NULL, ip_collect, &s, &err), 8);
	free(buf);
	assert_int_equal(err.bad_lines, 0);
	assert_ip(&s, 0, "104.244.72.152", 4);
	assert_ip(&s, 1, "51.210.242.169", 5);
	assert_ip(&s, 2, "193.218.118.100", 6);
	assert_ip(&s, 3, "4.4.4.4", 7);
	assert_ip(&s, 4, "185.220.101.0/24", 8);
	assert_ip(&s, 5, "2.56.192.0/22", 9);
	assert_ip(&s, 6, "45.95.147.229", 10);
	assert_ip(&s, 7, "2001:db8:bad::1", 11);
}

static void test_etrep_filter(void **state)
{
	struct etrep_filter f = {{0}, 0};
	struct iplist_error err;
	struct ipseen s;
	size_t len;
	char *buf = fixture("et-iprep.csv", &len);
	char *text = malloc(len + 1);

	(void)state;
	assert_non_null(text);
	memcpy(text, buf, len);
	text[len] = '\0';
	free(buf);
	/* All zero: every category, every score. */
	assert_int_equal(etrep_text(text, &f, &s, &err), 8);
	/* CnC and TorNode only. */
	f.want[1] = 1;
	f.want[10] = 1;
	assert_int_equal(etrep_text(text, &f, &s, &err), 5);
	assert_ip(&s, 3, "4.4.4.4", 7);
	assert_ip(&s, 4, "185.220.101.0/24", 8);
	/* ... with a score of at least 46: the /24 (45) goes. */
	f.min_score = 46;
	assert_int_equal(etrep_text(text, &f, &s, &err), 4);
	assert_ip(&s, 3, "4.4.4.4", 7);
	/* Every category, score at least 100: 12 and 45 and 80 go. */
	memset(f.want, 0, sizeof(f.want));
	f.min_score = 100;
	assert_int_equal(etrep_text(text, &f, &s, &err), 5);
	assert_ip(&s, 4, "2.56.192.0/22", 9);
	/* More than ET's maximum: nothing left. */
	f.min_score = 128;
	assert_int_equal(etrep_text(text, &f, &s, &err), 0);
	assert_int_equal(s.n, 0);
	free(text);
}

static void test_etrep_forms(void **state)
{
	struct iplist_error err;
	struct ipseen s;

	(void)state;
	assert_int_equal(etrep_text("\xef\xbb\xbf"
				    "1.2.3.4,1,100\r\n"
				    "  5.6.7.8 , 2 , 3  \n"
				    "1.2.3.99/24,0,0\n"
				    "2001:db8::1/32,255,127",
				    NULL, &s, &err),
			 4);
	assert_ip(&s, 0, "1.2.3.4", 1);
	assert_ip(&s, 1, "5.6.7.8", 2);
	assert_ip(&s, 2, "1.2.3.0/24", 3);
	assert_ip(&s, 3, "2001:db8::/32", 4);
	assert_int_equal(etrep_text("", NULL, &s, &err), 0);
	assert_int_equal(etrep_text("# only a comment\n\n", NULL, &s, &err), 0);
}

static void assert_etrep_bad(const char *text, unsigned int line, const char *reason)
{
	struct iplist_error err;
	struct ipseen s;

	assert_int_equal(etrep_text(text, NULL, &s, &err), -1);
	assert_int_equal(err.line, line);
	assert_int_equal(err.bad_lines, 1);
	assert_string_equal(err.reason, reason);
}

static void test_etrep_bad(void **state)
{
	struct etrep_filter f = {{0}, 127};
	struct iplist_error err;
	struct ipseen s;

	(void)state;
	assert_etrep_bad("1.2.3.4,1,100\n1.2.3.5,256,100\n", 2,
			 "category out of range 0..255: \"256\"");
	assert_etrep_bad("1.2.3.5,1,128\n", 1, "score out of range 0..127: \"128\"");
	assert_etrep_bad("1.2.3.5,1,99999999999999999999\n", 1,
			 "score out of range 0..127: \"99999999999999999999\"");
	assert_etrep_bad("1.2.3.5,1,-1\n", 1, "score is not a number: \"-1\"");
	assert_etrep_bad("1.2.3.5,0x1,1\n", 1, "category is not a number: \"0x1\"");
	assert_etrep_bad("1.2.3.5,1,\n", 1, "missing score: \"\"");
	assert_etrep_bad("1.2.3.5,,1\n", 1, "missing category: \"\"");
	assert_etrep_bad("1.2.3.5,1\n", 1, "missing score: \"1.2.3.5,1\"");
	assert_etrep_bad("1.2.3.5\n", 1, "missing category: \"1.2.3.5\"");
	assert_etrep_bad("1.2.3.5,1,2,3\n", 1, "more than 3 fields: \"1.2.3.5,1,2,3\"");
	assert_etrep_bad("1.2.3.256,1,2\n", 1, "not an IP address or CIDR: \"1.2.3.256\"");
	assert_etrep_bad("evil.example,1,2\n", 1, "not an IP address or CIDR: \"evil.example\"");
	assert_etrep_bad(",1,2\n", 1, "not an IP address or CIDR: \"\"");
	/* Every bad line is counted; fn sees nothing after the first. */
	assert_int_equal(etrep_text("1.1.1.1,1,1\nx\n2.2.2.2,1,1\n1.2.3.4,1,500\n", NULL, &s, &err),
			 -1);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.bad_lines, 2);
	assert_int_equal(s.n, 1);
	/* A line the filter drops is still checked. */
	assert_int_equal(etrep_text("1.1.1.1,1,1\n1.2.3.4,1,500\n", &f, &s, &err), -1);
	assert_int_equal(err.line, 2);
}

/* Blanks are trimmed; content over IPLIST_MAX_LINE is refused. */
static void test_etrep_overlong_line(void **state)
{
	size_t n = IPLIST_MAX_LINE + 1;
	char *text = malloc(n + 16);
	struct iplist_error err;
	struct ipseen s;

	(void)state;
	assert_non_null(text);
	memset(text, 'x', n);
	snprintf(text + n, 16, "\n1.2.3.4,1,1");
	assert_int_equal(etrep_text(text, NULL, &s, &err), -1);
	assert_int_equal(err.line, 1);
	assert_contains(err.reason, "line longer than 4096 characters: \"xxx");
	memset(text, ' ', n);
	assert_int_equal(etrep_text(text, NULL, &s, &err), 1);
	assert_ip(&s, 0, "1.2.3.4", 2);
	free(text);
}

static void test_etrep_callback_stop(void **state)
{
	struct ipseen s = {.stop_at = 2, .stop_ret = -5};
	char *buf = exact_copy("1.1.1.1,1,1\n2.2.2.2,1,1\n3.3.3.3,1,1\n", 36);

	(void)state;
	assert_int_equal(etrep_parse(buf, 36, NULL, ip_collect, &s, NULL), -5);
	assert_int_equal(s.n, 2);
	assert_int_equal(etrep_parse(buf, 36, NULL, NULL, NULL, NULL), 3);
	/* Cut short: the last line is "3.3" and bad. */
	assert_int_equal(etrep_parse(buf, 27, NULL, NULL, NULL, NULL), -1);
	free(buf);
}

/* ---- URLhaus ----------------------------------------------------------- */

struct domseen {
	size_t n;
	struct dom_entry e[MAX_SEEN];
	unsigned int line[MAX_SEEN];
	size_t stop_at;
	int stop_ret;
};

static int dom_collect(const struct dom_entry *e, unsigned int line, void *ctx)
{
	struct domseen *s = ctx;

	if (s->n < MAX_SEEN) {
		s->e[s->n] = *e;
		s->line[s->n] = line;
	}
	s->n++;
	return s->stop_at && s->n == s->stop_at ? s->stop_ret : 0;
}

/* Entry i is the exact name (never the names below it, never an allow). */
static void assert_dom(const struct domseen *s, size_t i, const char *name, unsigned int line)
{
	if (i >= s->n)
		fail_msg("entry %zu of %zu", i, s->n);
	assert_string_equal(s->e[i].name, name);
	assert_int_equal(s->line[i], line);
	assert_int_equal(s->e[i].covers_name, 1);
	assert_int_equal(s->e[i].covers_sub, 0);
	assert_int_equal(s->e[i].allow, 0);
}

static long urlhaus_text(const char *text, struct domseen *s, struct domlist_error *err)
{
	char *buf = exact_copy(text, strlen(text));
	long ret;

	memset(s, 0, sizeof(*s));
	ret = urlhaus_csv_parse(buf, strlen(text), dom_collect, s, err);
	free(buf);
	return ret;
}

static void test_urlhaus_fixture(void **state)
{
	struct domlist_error err;
	struct domseen s = {0};
	size_t len;
	char *buf = fixture("urlhaus.csv", &len);

	(void)state;
	assert_int_equal(urlhaus_csv_parse(buf, len, dom_collect, &s, &err), 5);
	free(buf);
	assert_dom(&s, 0, "update.evil-cdn.example", 11);
	assert_dom(&s, 1, "files.bad-host.example", 13);
	assert_dom(&s, 2, "xn--bcher-kva.example", 14);
	assert_dom(&s, 3, "payload.bad.example", 19);
	assert_dom(&s, 4, "evil.example", 20);
	assert_int_equal(err.ip_entries, 2);
	assert_int_equal(err.single_label, 1);
	assert_int_equal(err.bad_lines, 3);
	assert_int_equal(err.unsupported, 0);
	assert_int_equal(err.line, 16);
	assert_contains(err.reason, "text after a closing quote: \"\"3304040\",");
}

static void assert_urlhaus_bad(const char *text, const char *reason)
{
	struct domlist_error err;
	struct domseen s;

	assert_int_equal(urlhaus_text(text, &s, &err), 0);
	assert_int_equal(err.bad_lines, 1);
	assert_int_equal(err.line, 1);
	assert_string_equal(err.reason, reason);
}

static void test_urlhaus_bad_rows(void **state)
{
	(void)state;
	assert_urlhaus_bad("\"1\",\"d\",\"http://a.example/\n",
			   "unterminated quoted field: \"\"1\",\"d\",\"http://a.example/\"");
	assert_urlhaus_bad("\"1\",\"d\",\"http://a.example/\"x,\"online\"\n",
			   "text after a closing quote: "
			   "\"\"1\",\"d\",\"http://a.example/\"x,\"online\"\"");
	assert_urlhaus_bad("1,d,http://a\"b.example/\n",
			   "quote inside an unquoted field: \"1,d,http://a\"b.example/\"");
	assert_urlhaus_bad("\"1\",\"d\"\n", "fewer than 3 fields: \"\"1\",\"d\"\"");
	assert_urlhaus_bad("1,d,\n", "URL without a host: \"\"");
	assert_urlhaus_bad("1,d,http:///path\n", "URL without a host: \"http:///path\"");
	assert_urlhaus_bad("1,d,http://user@:80/\n", "URL without a host: \"http://user@:80/\"");
	assert_urlhaus_bad("1,d,http://[2001:db8::1/x\n",
			   "no ']' after '[' in the host: \"http://[2001:db8::1/x\"");
	assert_urlhaus_bad("1,d,http://[evil.example]/\n",
			   "bracketed host is not an IP address: \"evil.example\"");
	assert_urlhaus_bad("1,d,http://bad_host-.example/\n",
			   "label 1 ends with '-': \"bad_host-.example\"");
	assert_urlhaus_bad("1,d,http://a b.example/\n", "byte 0x20 not allowed: \"a b.example\"");
}

static void test_urlhaus_hosts(void **state)
{
	struct domlist_error err;
	struct domseen s;

	(void)state;
	assert_int_equal(urlhaus_text("1,d,HTTPS://WWW.Evil.Example./x\r\n"
				      "2,d,ftp://u:p:q@ftp.evil.example:21\n"
				      "3,d,http://q.evil.example?x=http://other.example/\n"
				      "4,d,http://f.evil.example#x\n"
				      "5,d,//proto-relative.example/x\n"
				      "6,d,hxxp://defanged.example/x\n"
				      "7,d,\"http://c.example/a,b\"\n"
				      "8,d,  http://blank.example/  ,online\n"
				      "9,d,http://1.2.3.4/x\n"
				      "10,d,http://[::ffff:1.2.3.4]:80/x\n"
				      "11,d,http://999.1.2.3/x\n"
				      "12,d,http://localhost/x\n"
				      "13,d,http://пример.испытание/x\n",
				      &s, &err),
			 9);
	assert_dom(&s, 0, "www.evil.example", 1);
	assert_dom(&s, 1, "ftp.evil.example", 2);
	assert_dom(&s, 2, "q.evil.example", 3);
	assert_dom(&s, 3, "f.evil.example", 4);
	assert_dom(&s, 4, "proto-relative.example", 5);
	assert_dom(&s, 5, "defanged.example", 6);
	assert_dom(&s, 6, "c.example", 7);
	assert_dom(&s, 7, "blank.example", 8);
	assert_dom(&s, 8, "xn--e1afmkfd.xn--80akhbyknj4f", 13);
	assert_int_equal(err.ip_entries, 3);
	assert_int_equal(err.single_label, 1);
	assert_int_equal(err.bad_lines, 0);
	assert_int_equal(err.line, 0);
}

/* The header row, comments, blank lines: nothing. */
static void test_urlhaus_noise(void **state)
{
	struct domlist_error err;
	struct domseen s;

	(void)state;
	assert_int_equal(urlhaus_text("id,dateadded,url,url_status,last_online,threat\n"
				      "\"id\",\"dateadded\",\"url\"\n"
				      "# comment\n\n   \n",
				      &s, &err),
			 0);
	assert_int_equal(err.bad_lines + err.ip_entries + err.single_label, 0);
	assert_int_equal(urlhaus_text("", &s, &err), 0);
	/* An HTML page: nothing, every line bad. */
	assert_int_equal(urlhaus_text("<html>\n<body>Rate limited</body>\n</html>\n", &s, &err), 0);
	assert_int_equal(err.bad_lines, 3);
	assert_string_equal(err.reason, "fewer than 3 fields: \"<html>\"");
}

struct rowseen {
	size_t n;
	char url[8][128];
	char status[8][16];
	char threat[8][32];
	unsigned int line[8];
};

static int row_collect(const struct urlhaus_row *r, unsigned int line, void *ctx)
{
	struct rowseen *s = ctx;

	if (s->n < 8) {
		snprintf(s->url[s->n], 128, "%.*s", (int)r->url_len, r->url);
		snprintf(s->status[s->n], 16, "%.*s", (int)r->status_len, r->status);
		snprintf(s->threat[s->n], 32, "%.*s", (int)r->threat_len, r->threat);
		s->line[s->n] = line;
	}
	s->n++;
	return 0;
}

static void test_urlhaus_rows(void **state)
{
	const char *text =
		"# x\n"
		"\"1\",\"d\",\"http://a.example/\"\"q\"\"\",\"online\",\"\",\"malware_download\","
		"\"a,b\"\n"
		"2,d,http://b.example/,offline\n"
		"bad\"\n"
		"3,d,\"\",,,,\n";
	struct domlist_error err;
	struct rowseen s = {0};
	char *buf = exact_copy(text, strlen(text));

	(void)state;
	assert_int_equal(urlhaus_csv_rows(buf, strlen(text), row_collect, &s, &err), 3);
	free(buf);
	assert_string_equal(s.url[0], "http://a.example/\"q\"");
	assert_string_equal(s.status[0], "online");
	assert_string_equal(s.threat[0], "malware_download");
	assert_int_equal(s.line[0], 2);
	assert_string_equal(s.url[1], "http://b.example/");
	assert_string_equal(s.status[1], "offline");
	assert_string_equal(s.threat[1], "");
	assert_string_equal(s.url[2], "");
	assert_int_equal(s.line[2], 5);
	assert_int_equal(err.bad_lines, 1);
	assert_int_equal(err.line, 4);
}

static void test_urlhaus_callback_stop_and_null(void **state)
{
	struct domseen s = {.stop_at = 2, .stop_ret = 9};
	struct domlist_error err;
	size_t len;
	char *buf = fixture("urlhaus.csv", &len);

	(void)state;
	assert_int_equal(urlhaus_csv_parse(buf, len, dom_collect, &s, &err), 9);
	assert_int_equal(s.n, 2);
	assert_int_equal(urlhaus_csv_parse(buf, len, NULL, NULL, NULL), 5);
	assert_int_equal(urlhaus_csv_rows(buf, len, NULL, NULL, &err), 9);
	assert_int_equal(err.bad_lines, 2);
	free(buf);
}

static void test_urlhaus_overlong_line(void **state)
{
	size_t len = DOMLIST_MAX_LINE + 10;
	char *text = malloc(len + 1);
	struct domlist_error err;
	struct domseen s;

	(void)state;
	assert_non_null(text);
	memcpy(text, "1,d,http://a.example/", 21);
	memset(text + 21, 'x', len - 21);
	text[len] = '\0';
	assert_int_equal(urlhaus_text(text, &s, &err), 0);
	assert_int_equal(err.bad_lines, 1);
	assert_contains(err.reason, "line longer than 4096 characters");
	/* Just at the limit it is a row. */
	text[DOMLIST_MAX_LINE] = '\0';
	assert_int_equal(urlhaus_text(text, &s, &err), 1);
	free(text);
}

/* ---- CrowdSec ---------------------------------------------------------- */

struct csseen {
	size_t n;
	struct crowdsec_decision d[MAX_SEEN];
};

static int cs_collect(const struct crowdsec_decision *d, void *ctx)
{
	struct csseen *s = ctx;

	if (s->n < MAX_SEEN)
		s->d[s->n] = *d;
	s->n++;
	return 0;
}

static int cs_text(const char *text, crowdsec_fn fn, void *ctx, struct crowdsec_stats *st)
{
	char *buf = exact_copy(text, strlen(text));
	int ret = crowdsec_stream_parse(buf, strlen(text), fn, ctx, st);

	free(buf);
	return ret;
}

static void assert_decision(const struct csseen *s, size_t i, const char *value, int deleted,
			    long long id, const char *origin)
{
	char text[64];

	if (i >= s->n)
		fail_msg("decision %zu of %zu", i, s->n);
	ip_prefix_format(&s->d[i].prefix, text, sizeof(text));
	assert_string_equal(text, value);
	assert_int_equal(s->d[i].deleted, deleted);
	assert_int_equal(s->d[i].id, id);
	assert_string_equal(s->d[i].origin, origin);
}

static void test_crowdsec_fixture(void **state)
{
	struct crowdsec_stats st;
	struct csseen s = {0};
	size_t len;
	char *buf = fixture("crowdsec-stream.json", &len);

	(void)state;
	assert_int_equal(crowdsec_stream_parse(buf, len, cs_collect, &s, &st), 0);
	free(buf);
	assert_int_equal(s.n, 5);
	assert_decision(&s, 0, "1.2.3.4", 1, 12, "cscli");
	assert_string_equal(s.d[0].scenario, "manual 'ban' from 'x'");
	assert_string_equal(s.d[0].duration, "-1h");
	assert_decision(&s, 1, "5.6.7.8", 0, 13, "crowdsec");
	assert_string_equal(s.d[1].scenario, "crowdsecurity/ssh-bf");
	assert_string_equal(s.d[1].duration, "3h59m");
	assert_decision(&s, 2, "10.1.0.0/16", 0, 14, "lists");
	assert_string_equal(s.d[2].duration, ""); /* absent */
	assert_decision(&s, 3, "2001:db8::7", 0, 15, "CAPI");
	assert_decision(&s, 4, "1.2.3.4", 0, 20, "crowdsec");
	assert_int_equal(st.added, 4);
	assert_int_equal(st.deleted, 1);
	assert_int_equal(st.skipped_scope, 2);
	assert_int_equal(st.skipped_type, 1);
	assert_int_equal(st.bad, 1);
	assert_string_equal(st.reason, "new[6]: value is not an IP address or CIDR: \"not-an-ip\"");
}

static void test_crowdsec_empty_arrays(void **state)
{
	struct crowdsec_stats st;
	struct csseen s = {0};

	(void)state;
	assert_int_equal(cs_text("{\"deleted\":null,\"new\":null}", cs_collect, &s, &st), 0);
	assert_int_equal(cs_text("{}", cs_collect, &s, &st), 0);
	assert_int_equal(cs_text(" {\"new\":[]}\n", cs_collect, &s, &st), 0);
	assert_int_equal(cs_text("{\"new\":[{\"scope\":\"RANGE\",\"type\":\"BAN\",\"value\":"
				 "\"2001:db8::/32\"}]}",
				 cs_collect, &s, &st),
			 0);
	assert_int_equal(s.n, 1);
	assert_decision(&s, 0, "2001:db8::/32", 0, 0, "");
	assert_int_equal(st.added, 1);
	assert_int_equal(st.bad + st.deleted + st.skipped_scope + st.skipped_type, 0);
	assert_string_equal(st.reason, "");
}

static void test_crowdsec_skipped_and_bad(void **state)
{
	struct crowdsec_stats st;
	struct csseen s = {0};

	(void)state;
	assert_int_equal(cs_text("{\"deleted\":[{\"scope\":\"Username\",\"type\":\"ban\",\"value\":"
				 "\"bob\"}, 42, {\"scope\":\"Ip\",\"value\":\"1.2.3.4\"}],"
				 "\"new\":[{\"scope\":\"Ip\",\"type\":\"ban\"},"
				 "{\"scope\":\"Ip\",\"type\":\"ban\",\"value\":7},"
				 "{\"type\":\"ban\",\"value\":\"1.2.3.4\"},"
				 "{\"scope\":\"Ip\",\"type\":\"ban\",\"value\":\"1.2.3.4/33\"},"
				 "{\"scope\":\"Ip\",\"type\":\"ban\",\"value\":\"1.2.3.4\"}]}",
				 cs_collect, &s, &st),
			 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(st.added, 1);
	assert_int_equal(st.skipped_scope, 1);
	assert_int_equal(st.bad, 6);
	assert_string_equal(st.reason, "deleted[1]: not an object");
	assert_int_equal(cs_text("{\"new\":[{\"scope\":\"Ip\",\"type\":\"ban\",\"value\":"
				 "\"1.2.3.4/33\"}]}",
				 cs_collect, &s, &st),
			 0);
	assert_string_equal(st.reason,
			    "new[0]: value is not an IP address or CIDR: \"1.2.3.4/33\"");
	assert_int_equal(cs_text("{\"new\":[{\"scope\":\"Ip\",\"value\":\"1.2.3.4\"}]}", cs_collect,
				 &s, &st),
			 0);
	assert_string_equal(st.reason, "new[0]: no \"type\" string: \"1.2.3.4\"");
}

static void assert_cs_refused(const char *text, const char *reason)
{
	struct crowdsec_stats st;
	struct csseen s = {0};

	assert_int_equal(cs_text(text, cs_collect, &s, &st), -1);
	assert_string_equal(st.reason, reason);
	assert_int_equal(s.n, 0);
}

static void test_crowdsec_refused(void **state)
{
	(void)state;
	assert_cs_refused("", "not JSON: '[' or '{' expected near end of file at line 1");
	assert_cs_refused("<html>\n<body>502 Bad Gateway</body>\n</html>\n",
			  "not JSON: '[' or '{' expected near '<' at line 1");
	assert_cs_refused("{\"new\":[\n{\"scope\":\"Ip\"",
			  "not JSON: '}' expected near end of file "
			  "at line 2");
	assert_cs_refused("[]", "not a JSON object");
	assert_cs_refused("{\"new\":{}}", "\"new\" is not an array");
	assert_cs_refused("{\"deleted\":\"x\",\"new\":[]}", "\"deleted\" is not an array");
	assert_cs_refused("{\"new\":[{\"scope\":\"Ip\",\"type\":\"ban\",\"value\":\"1.2.3.4\"}],"
			  "\"deleted\":5}",
			  "\"deleted\" is not an array");
}

static int stop_at_second(const struct crowdsec_decision *d, void *ctx)
{
	int *calls = ctx;

	(void)d;
	return ++*calls == 2 ? 31 : 0;
}

static void test_crowdsec_callback_stop(void **state)
{
	struct crowdsec_stats st;
	size_t len;
	char *buf = fixture("crowdsec-stream.json", &len);
	int calls = 0;

	(void)state;
	assert_int_equal(crowdsec_stream_parse(buf, len, stop_at_second, &calls, &st), 31);
	assert_int_equal(calls, 2);
	assert_int_equal(crowdsec_stream_parse(buf, len, NULL, NULL, NULL), 0);
	free(buf);
}

/* ---- the CrowdSec set -------------------------------------------------- */

static char *render(const struct crowdsec_set *set, size_t *len)
{
	char *out = crowdsec_set_render(set, len);

	assert_non_null(out);
	assert_int_equal(strlen(out), *len);
	return out;
}

static int apply_stream(struct crowdsec_set *set, const char *text)
{
	struct crowdsec_stats st;

	return cs_text(text, crowdsec_set_apply_cb, set, &st);
}

/* Deleted and re-added in one answer: present, with the new decision's data. */
static void test_set_from_fixture(void **state)
{
	struct crowdsec_set *set = crowdsec_set_new();
	struct iplist_error err;
	struct ipseen s = {0};
	size_t len;
	char *buf = fixture("crowdsec-stream.json", &len), *out;

	(void)state;
	assert_non_null(set);
	assert_int_equal(crowdsec_stream_parse(buf, len, crowdsec_set_apply_cb, set, NULL), 0);
	free(buf);
	assert_int_equal(crowdsec_set_count(set), 4);
	out = render(set, &len);
	assert_string_equal(out, "1.2.3.4 # crowdsec id=20 origin=crowdsec scenario=re-added\n"
				 "5.6.7.8 # crowdsec id=13 origin=crowdsec "
				 "scenario=crowdsecurity/ssh-bf\n"
				 "10.1.0.0/16 # crowdsec id=14 origin=lists scenario=x\n"
				 "2001:db8::7 # crowdsec id=15 origin=CAPI "
				 "scenario=crowdsecurity/http-probing\n");
	/* The loader keeps it as a plain list: iplist_parse reads it. */
	assert_int_equal(iplist_parse(out, len, ip_collect, &s, &err), 4);
	assert_ip(&s, 2, "10.1.0.0/16", 3);
	free(out);
	/* The next answer deletes one; deleting what is not there is no error. */
	assert_int_equal(apply_stream(set, "{\"deleted\":[{\"scope\":\"Ip\",\"type\":\"ban\","
					   "\"value\":\"5.6.7.8\"},{\"scope\":\"Ip\",\"type\":"
					   "\"ban\",\"value\":\"9.9.9.9\"}],\"new\":null}"),
			 0);
	assert_int_equal(crowdsec_set_count(set), 3);
	out = render(set, &len);
	assert_string_equal(out, "1.2.3.4 # crowdsec id=20 origin=crowdsec scenario=re-added\n"
				 "10.1.0.0/16 # crowdsec id=14 origin=lists scenario=x\n"
				 "2001:db8::7 # crowdsec id=15 origin=CAPI "
				 "scenario=crowdsecurity/http-probing\n");
	free(out);
	crowdsec_set_free(set);
}

static void test_set_sort_and_clean(void **state)
{
	struct crowdsec_set *set = crowdsec_set_new(), *back = crowdsec_set_new();
	struct crowdsec_decision d = {0};
	const char *values[] = {"::1",	    "10.0.0.0/8", "9.0.0.0/8",	  "10.0.0.0/16",
				"10.0.0.1", "1.2.3.4",	  "2001:db8::/32"};
	struct iplist_error err;
	char *out, *again;
	size_t i, len, len2;

	(void)state;
	assert_non_null(set);
	assert_non_null(back);
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		assert_int_equal(ip_prefix_parse(values[i], &d.prefix), 0);
		d.id = (long long)i - 1;
		snprintf(d.origin, sizeof(d.origin), "my origin\t%zu", i);
		snprintf(d.scenario, sizeof(d.scenario), "a\nb c  ");
		assert_int_equal(crowdsec_set_apply(set, &d), 0);
	}
	/* Adding again replaces, it does not duplicate. */
	assert_int_equal(crowdsec_set_apply(set, &d), 0);
	assert_int_equal(crowdsec_set_count(set), 7);
	out = render(set, &len);
	assert_string_equal(out,
			    "1.2.3.4 # crowdsec id=4 origin=my_origin_5 scenario=a?b c\n"
			    "9.0.0.0/8 # crowdsec id=1 origin=my_origin_2 scenario=a?b c\n"
			    "10.0.0.0/8 # crowdsec id=0 origin=my_origin_1 scenario=a?b c\n"
			    "10.0.0.0/16 # crowdsec id=2 origin=my_origin_3 scenario=a?b c\n"
			    "10.0.0.1 # crowdsec id=3 origin=my_origin_4 scenario=a?b c\n"
			    "::1 # crowdsec id=-1 origin=my_origin_0 scenario=a?b c\n"
			    "2001:db8::/32 # crowdsec id=5 origin=my_origin_6 scenario=a?b c\n");
	/* Render, load, render: the same text. */
	assert_int_equal(crowdsec_set_load(back, out, len, &err), 7);
	again = render(back, &len2);
	assert_string_equal(again, out);
	free(again);
	free(out);
	crowdsec_set_free(back);
	crowdsec_set_free(set);
}

static long load_text(struct crowdsec_set *set, const char *text, struct iplist_error *err)
{
	char *buf = exact_copy(text, strlen(text));
	long ret = crowdsec_set_load(set, buf, strlen(text), err);

	free(buf);
	return ret;
}

static void test_set_load(void **state)
{
	struct crowdsec_set *set = crowdsec_set_new();
	struct iplist_error err;
	size_t len;
	char *out;

	(void)state;
	assert_non_null(set);
	assert_int_equal(load_text(set,
				   "# saved by utm-load\n\n"
				   "1.2.3.4\n"
				   "5.6.7.0/24 # hand-written comment\n"
				   "10.0.0.1 # crowdsec id=7 origin= scenario=\r\n"
				   "10.0.0.1 # crowdsec id=8 origin=o scenario=last wins\n",
				   &err),
			 3);
	out = render(set, &len);
	assert_string_equal(out, "1.2.3.4 # crowdsec id=0 origin= scenario=\n"
				 "5.6.7.0/24 # crowdsec id=0 origin= scenario=\n"
				 "10.0.0.1 # crowdsec id=8 origin=o scenario=last wins\n");
	free(out);
	/* A bad file leaves the set as it was. */
	assert_int_equal(load_text(set,
				   "9.9.9.9\n"
				   "1.2.3.400 # crowdsec id=1 origin=o scenario=s\n"
				   "1.2.3.4 trailing\n"
				   "1.2.3.5 # crowdsec id=x origin=o scenario=s\n"
				   "1.2.3.6 # crowdsec id=1 scenario=s\n",
				   &err),
			 -1);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.bad_lines, 4);
	assert_string_equal(err.reason, "not an IP address or CIDR: "
					"\"1.2.3.400 # crowdsec id=1 origin=o scenario=s\"");
	assert_int_equal(crowdsec_set_count(set), 3);
	assert_int_equal(load_text(set, "1.2.3.4 trailing\n", &err), -1);
	assert_string_equal(err.reason,
			    "text after the address is not a comment: \"1.2.3.4 trailing\"");
	assert_int_equal(load_text(set, "1.2.3.6 # crowdsec id=1 scenario=s\n", &err), -1);
	assert_contains(err.reason, "bad crowdsec annotation");
	/* An empty file empties the set. */
	assert_int_equal(load_text(set, "", &err), 0);
	assert_int_equal(crowdsec_set_count(set), 0);
	out = render(set, &len);
	assert_int_equal(len, 0);
	free(out);
	crowdsec_set_free(set);
	crowdsec_set_free(NULL);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* 100k decisions: add, delete every other one, render, load: well under a second. */
static void test_set_100k(void **state)
{
	struct crowdsec_set *set = crowdsec_set_new(), *back = crowdsec_set_new();
	struct crowdsec_decision d = {0};
	struct iplist_error err;
	struct timespec t0;
	char *out, *again;
	size_t len, len2;
	uint32_t i;

	(void)state;
	assert_non_null(set);
	assert_non_null(back);
	/* CPU time: a loaded test machine does not make it fail. */
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	d.prefix.family = 4;
	d.prefix.prefixlen = 32;
	snprintf(d.origin, sizeof(d.origin), "CAPI");
	snprintf(d.scenario, sizeof(d.scenario), "crowdsecurity/ssh-bf");
	for (i = 0; i < 100000; i++) {
		uint32_t a = 0x0a000000u + i * 7919u; /* spread over 10/8 */

		d.prefix.addr[0] = (uint8_t)(a >> 24);
		d.prefix.addr[1] = (uint8_t)(a >> 16);
		d.prefix.addr[2] = (uint8_t)(a >> 8);
		d.prefix.addr[3] = (uint8_t)a;
		d.id = i;
		assert_int_equal(crowdsec_set_apply(set, &d), 0);
	}
	assert_int_equal(crowdsec_set_count(set), 100000);
	d.deleted = 1;
	for (i = 0; i < 100000; i += 2) {
		uint32_t a = 0x0a000000u + i * 7919u;

		d.prefix.addr[0] = (uint8_t)(a >> 24);
		d.prefix.addr[1] = (uint8_t)(a >> 16);
		d.prefix.addr[2] = (uint8_t)(a >> 8);
		d.prefix.addr[3] = (uint8_t)a;
		assert_int_equal(crowdsec_set_apply(set, &d), 0);
	}
	assert_int_equal(crowdsec_set_count(set), 50000);
	out = render(set, &len);
	assert_int_equal(crowdsec_set_load(back, out, len, &err), 50000);
	again = render(back, &len2);
	assert_string_equal(again, out);
	/* Every odd id survived, every even one went. */
	assert_non_null(strstr(out, " id=99999 "));
	assert_null(strstr(out, " id=99998 "));
	if (seconds_since(&t0) > 1.0)
		fail_msg("100k decisions took %.2f s", seconds_since(&t0));
	free(again);
	free(out);
	crowdsec_set_free(back);
	crowdsec_set_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drop_v4_fixture),
		cmocka_unit_test(test_drop_v6_fixture),
		cmocka_unit_test(test_drop_truncated_mid_line),
		cmocka_unit_test(test_drop_truncated_at_line_end),
		cmocka_unit_test(test_drop_html_page),
		cmocka_unit_test(test_drop_wrong_count),
		cmocka_unit_test(test_drop_metadata_forms),
		cmocka_unit_test(test_drop_bad_lines),
		cmocka_unit_test(test_drop_overlong_line),
		cmocka_unit_test(test_drop_callback_stop_and_null),
		cmocka_unit_test(test_etrep_categories_fixture),
		cmocka_unit_test(test_etrep_categories_scirius),
		cmocka_unit_test(test_etrep_categories_bad),
		cmocka_unit_test(test_etrep_fixture_all),
		cmocka_unit_test(test_etrep_filter),
		cmocka_unit_test(test_etrep_forms),
		cmocka_unit_test(test_etrep_bad),
		cmocka_unit_test(test_etrep_overlong_line),
		cmocka_unit_test(test_etrep_callback_stop),
		cmocka_unit_test(test_urlhaus_fixture),
		cmocka_unit_test(test_urlhaus_bad_rows),
		cmocka_unit_test(test_urlhaus_hosts),
		cmocka_unit_test(test_urlhaus_noise),
		cmocka_unit_test(test_urlhaus_rows),
		cmocka_unit_test(test_urlhaus_callback_stop_and_null),
		cmocka_unit_test(test_urlhaus_overlong_line),
		cmocka_unit_test(test_crowdsec_fixture),
		cmocka_unit_test(test_crowdsec_empty_arrays),
		cmocka_unit_test(test_crowdsec_skipped_and_bad),
		cmocka_unit_test(test_crowdsec_refused),
		cmocka_unit_test(test_crowdsec_callback_stop),
		cmocka_unit_test(test_set_from_fixture),
		cmocka_unit_test(test_set_sort_and_clean),
		cmocka_unit_test(test_set_load),
		cmocka_unit_test(test_set_100k),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
