// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for lib/domlist*.c. Every buffer handed to domlist_parse is a
 * malloc of exactly its length with no NUL after it, so that ASan (make
 * SANITIZE=1) catches any read past len. The real lists in ../shared/data
 * (or $UTM_SHARED_DATA) are parsed too when they are there.
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

#include "lib/domlist.h"

#define MAX_SEEN 64
#define SKIP	 DOMLIST_SKIP_BAD
#define REFUSE	 DOMLIST_REFUSE_BAD
#define URLS	 DOMLIST_URLS_AS_HOSTS

struct seen {
	size_t n;
	struct dom_entry e[MAX_SEEN];
	unsigned int line[MAX_SEEN];
	size_t stop_at; /* 1-based entry at which to return stop_ret; 0: never */
	int stop_ret;
};

static int collect(const struct dom_entry *e, unsigned int line, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < MAX_SEEN) {
		s->e[s->n] = *e;
		s->line[s->n] = line;
	}
	s->n++;
	if (s->stop_at && s->n == s->stop_at)
		return s->stop_ret;
	return 0;
}

/* Parse len bytes of text from an exact-size heap copy (no trailing NUL). */
static long parse_n(const char *text, size_t len, enum domlist_policy policy, unsigned int flags,
		    struct seen *s, struct domlist_error *err)
{
	char *buf = malloc(len ? len : 1);
	long ret;

	assert_non_null(buf);
	memcpy(buf, text, len);
	memset(s, 0, sizeof(*s));
	ret = domlist_parse(buf, len, policy, flags, collect, s, err);
	free(buf);
	return ret;
}

static long parse(const char *text, unsigned int flags, struct seen *s, struct domlist_error *err)
{
	return parse_n(text, strlen(text), SKIP, flags, s, err);
}

/*
 * Entry i is name from line, matching as `what` says: 'n' the name itself,
 * 's' the names below it, 'a' an allow entry; e.g. "ns", "n", "nsa".
 */
static void assert_entry(const struct seen *s, size_t i, const char *name, unsigned int line,
			 const char *what)
{
	const struct dom_entry *e;

	if (i >= s->n)
		fail_msg("entry %zu missing (%zu entries); want %s", i, s->n, name);
	e = &s->e[i];
	if (strcmp(e->name, name) != 0 || s->line[i] != line)
		fail_msg("entry %zu: %s line %u, want %s line %u", i, e->name, s->line[i], name,
			 line);
	assert_int_equal(e->covers_name, strchr(what, 'n') != NULL);
	assert_int_equal(e->covers_sub, strchr(what, 's') != NULL);
	assert_int_equal(e->allow, strchr(what, 'a') != NULL);
}

/* The counts in err, in one go: bad, unsupported, IP entries, single labels. */
static void assert_counts(const struct domlist_error *err, unsigned int bad, unsigned int unsup,
			  unsigned int ip, unsigned int single)
{
	if (err->bad_lines != bad || err->unsupported != unsup || err->ip_entries != ip ||
	    err->single_label != single)
		fail_msg("bad %u unsupported %u ip %u single %u, want %u %u %u %u (line %u: %s)",
			 err->bad_lines, err->unsupported, err->ip_entries, err->single_label, bad,
			 unsup, ip, single, err->line, err->reason);
}

static void assert_reason(const struct domlist_error *err, unsigned int line, const char *part)
{
	assert_int_equal(err->line, line);
	if (!strstr(err->reason, part))
		fail_msg("reason \"%s\" lacks \"%s\"", err->reason, part);
}

/* text has exactly one problem, on line 1, whose reason contains part. */
static void assert_one_bad(const char *text, unsigned int flags, const char *part)
{
	struct domlist_error err;
	struct seen s;

	assert_int_equal(parse(text, flags, &s, &err), 0);
	assert_int_equal(err.bad_lines + err.unsupported, 1);
	assert_reason(&err, 1, part);
}

static void assert_one_unsupported(const char *text, unsigned int flags, const char *part)
{
	struct domlist_error err;
	struct seen s;

	assert_int_equal(parse(text, flags, &s, &err), 0);
	assert_counts(&err, 0, 1, 0, 0);
	assert_reason(&err, 1, part);
}

/* ---- the forms ---- */

static void test_plain(void **state)
{
	struct domlist_error err;
	struct seen s;

	(void)state;
	assert_int_equal(parse("evil.example\nWWW.Evil.EXAMPLE.\nbücher.example\n"
			       "sub_domain.example\n",
			       0, &s, &err),
			 4);
	assert_entry(&s, 0, "evil.example", 1, "ns");
	assert_entry(&s, 1, "www.evil.example", 2, "ns");
	assert_entry(&s, 2, "xn--bcher-kva.example", 3, "ns");
	assert_entry(&s, 3, "sub_domain.example", 4, "ns");
	assert_counts(&err, 0, 0, 0, 0);
	assert_int_equal(err.line, 0);
	assert_string_equal(err.reason, "");
}

static void test_exact_and_wildcard(void **state)
{
	struct domlist_error err;
	struct seen s;

	(void)state;
	assert_int_equal(parse("=exact.example\n*.wild.example\n=Exact.Example.\n", 0, &s, &err),
			 3);
	assert_entry(&s, 0, "exact.example", 1, "n");
	assert_entry(&s, 1, "wild.example", 2, "s");
	assert_entry(&s, 2, "exact.example", 3, "n");
	assert_one_bad("=*.x.example\n", 0, "character '*' not allowed");
	assert_one_bad("=\n", 0, "empty name");
	assert_one_bad("*.\n", 0, "empty name");
	assert_one_bad("a.*.example\n", 0, "character '*'");
	assert_one_bad("*\n", 0, "character '*'");
}

static void test_hosts(void **state)
{
	struct domlist_error err;
	struct seen s;

	(void)state;
	assert_int_equal(parse("0.0.0.0 ads.example\n"
			       "127.0.0.1 a.example b.example\tc.example # d.example\n"
			       "::1 v6.example\n"
			       ":: null6.example\n"
			       "192.0.2.9 Mapped.Example.\n",
			       0, &s, &err),
			 7);
	assert_entry(&s, 0, "ads.example", 1, "ns");
	assert_entry(&s, 1, "a.example", 2, "ns");
	assert_entry(&s, 2, "b.example", 2, "ns");
	assert_entry(&s, 3, "c.example", 2, "ns");
	assert_entry(&s, 4, "v6.example", 3, "ns");
	assert_entry(&s, 5, "null6.example", 4, "ns");
	assert_entry(&s, 6, "mapped.example", 5, "ns");
	assert_counts(&err, 0, 0, 0, 0);
}

/* What every hosts file starts with is no entry, and no error either. */
static void test_hosts_noise(void **state)
{
	struct domlist_error err;
	struct seen s;

	(void)state;
	assert_int_equal(
		parse("127.0.0.1 localhost\n127.0.0.1 localhost.localdomain\n"
		      "127.0.0.1 LocalHost local\n255.255.255.255 broadcasthost\n"
		      "::1 localhost ip6-localhost ip6-loopback\nfe80::1%lo0 localhost\n"
		      "ff00::0 ip6-localnet\nff00::0 ip6-mcastprefix\nff02::1 ip6-allnodes\n"
		      "ff02::2 ip6-allrouters\nff02::3 ip6-allhosts\n"
		      "127.0.0.1 localhost4 localhost4.localdomain4\n"
		      "::1 localhost6 localhost6.localdomain6\n",
		      0, &s, &err),
		0);
	assert_counts(&err, 0, 0, 0, 0);
	/* Only in hosts lines: as a plain entry it is an ordinary name. */
	assert_int_equal(parse("localhost.localdomain\n", 0, &s, &err), 1);
	/* "0.0.0.0 0.0.0.0" maps an address: counted as one, and a bad name is bad. */
	assert_int_equal(parse("0.0.0.0 0.0.0.0\n0.0.0.0 x..example ok.example\n", 0, &s, &err), 1);
	assert_counts(&err, 1, 0, 1, 0);
	assert_reason(&err, 2, "label 2 is empty: \"x..example\"");
	assert_entry(&s, 0, "ok.example", 2, "ns");
}

static void test_adblock(void **state)
{
	struct domlist_error err;
	struct seen s;

	(void)state;
	assert_int_equal(parse("[Adblock Plus 2.0]\n"
			       "! comment\n"
			       "||ads.example^\n"
			       "||imp.example^$important\n"
			       "||tp.example^$third-party,domain=a.example|b.example\n"
			       "@@||good.example^\n"
			       "@@||good2.example^$important\n"
			       "||bare.example\n"
			       "||pipe.example^|\n"
			       "||Case.Example^ # comment\n",
			       0, &s, &err),
			 8);
	assert_entry(&s, 0, "ads.example", 3, "ns");
	assert_entry(&s, 1, "imp.example", 4, "ns");
	assert_entry(&s, 2, "tp.example", 5, "ns");
	assert_entry(&s, 3, "good.example", 6, "nsa");
	assert_entry(&s, 4, "good2.example", 7, "nsa");
	assert_entry(&s, 5, "bare.example", 8, "ns");
	assert_entry(&s, 6, "pipe.example", 9, "ns");
	assert_entry(&s, 7, "case.example", 10, "ns");
	assert_counts(&err, 0, 0, 0, 0);
}

static void test_adblock_unsupported(void **state)
{
	(void)state;
	assert_one_unsupported("||ads.example/banner.js\n", 0, "AdBlock rule with a path or port");
	assert_one_unsupported("||ads.example:8080^\n", 0, "path or port");
	assert_one_unsupported("||*.ads.example^\n", 0, "AdBlock rule with a wildcard");
	assert_one_unsupported("||ads*.example^\n", 0, "wildcard");
	assert_one_unsupported("example.org##.banner\n", 0, "element-hiding");
	assert_one_unsupported("example.org#@#.banner\n", 0, "element-hiding");
	assert_one_unsupported("example.org#?#div:has(a)\n", 0, "element-hiding");
	assert_one_unsupported("/banner[0-9]+/\n", 0, "regular expression");
	assert_one_unsupported("|https://ads.example/\n", 0, "not a domain rule");
	assert_one_unsupported("@@ads.example\n", 0, "not a domain rule");
	assert_one_unsupported("||ads.example^*\n", 0, "not a domain rule");
	assert_one_unsupported("||ads.example^/x\n", 0, "not a domain rule");
	assert_one_unsupported("||ads.example^$badfilter\n", 0, "$badfilter");
	assert_one_unsupported("||ads.example^$important,BadFilter\n", 0, "$badfilter");
	assert_one_unsupported("||ads.example^ extra\n", 0, "blanks");
	/* Not unsupported but bad: the name itself. */
	assert_one_bad("||^\n", 0, "empty name");
	assert_one_bad("||-x.example^\n", 0, "starts with '-'");
}

/* In a urls list a URL rule stands for its host, but an allow rule never does. */
static void test_adblock_url_mode(void **state)
{
	struct domlist_error err;
	struct seen s;

	(void)state;
	assert_int_equal(parse("||mal.example/x/y.pdf^$all\n||port.example:81/\n"
			       "@@||good.example/path^\n||1.2.3.4/x^\n||plain.example^\n",
			       URLS, &s, &err),
			 3);
	assert_entry(&s, 0, "mal.example", 1, "n");
	assert_entry(&s, 1, "port.example", 2, "n");
	assert_entry(&s, 2, "plain.example", 5, "ns");
	assert_counts(&err, 0, 1, 1, 0);
	assert_reason(&err, 3, "path or port: \"@@||good.example/path^\"");
}

static void test_rpz(void **state)
{
	struct domlist_error err;
	struct seen s;

	(void)state;
	assert_int_equal(
		parse("$TTL 30\n"
		      "@ IN SOA localhost. root.localhost. 1752927088 86400 3600 604800 30\n"
		      " NS localhost.\n"
		      "\n"
		      "evil.example CNAME .\n"
		      "*.evil.example CNAME .\n"
		      "nodata.example CNAME *.\n"
		      "pass.example CNAME rpz-passthru.\n"
		      "*.pass.example CNAME rpz-passthru\n"
		      "drop.example 300 IN CNAME rpz-drop.\n"
		      "local.example IN 300 A 192.0.2.1\n"
		      "Upper.Example. cname .\n"
		      "txt.example TXT \"x\"\n"
		      "t65.example TYPE65 \\# 0\n",
		      0, &s, &err),
		10);
	assert_entry(&s, 0, "evil.example", 5, "n");
	assert_entry(&s, 1, "evil.example", 6, "s");
	assert_entry(&s, 2, "nodata.example", 7, "n");
	assert_entry(&s, 3, "pass.example", 8, "na");
	assert_entry(&s, 4, "pass.example", 9, "sa");
	assert_entry(&s, 5, "drop.example", 10, "n");
	assert_entry(&s, 6, "local.example", 11, "n");
	assert_entry(&s, 7, "upper.example", 12, "n");
	assert_entry(&s, 8, "txt.example", 13, "n");
	assert_entry(&s, 9, "t65.example", 14, "n");
	assert_counts(&err, 0, 0, 0, 0);
}

static void test_rpz_noise_and_unsupported(void **state)
{
	struct domlist_error err;
	struct seen s;

	(void)state;
	/* Zone records, apex records and owner-less records are no rules. */
	assert_int_equal(parse("@ 3600 IN NS ns1.example.\n"
			       "@ CNAME .\n"
			       "x.example NS ns.example.\n"
			       "x.example DS 1 2 3 abcd\n"
			       "\tIN A 192.0.2.1\n"
			       "  AAAA 2001:db8::1\n",
			       0, &s, &err),
			 0);
	assert_counts(&err, 0, 0, 0, 0);
	assert_one_unsupported("32.1.2.0.192.rpz-ip CNAME .\n", 0, "RPZ trigger on addresses");
	assert_one_unsupported("ns.evil.example.rpz-nsdname CNAME .\n", 0, "RPZ trigger");
	assert_one_unsupported("32.1.0.0.10.rpz-client-ip CNAME rpz-passthru.\n", 0, "RPZ trigger");
	assert_one_unsupported("$INCLUDE other.zone\n", 0, "zone file directive");
	assert_one_bad("* CNAME .\n", 0, "wildcard over the whole zone");
	assert_one_bad("bad..example CNAME .\n", 0, "label 2 is empty");
	/* A record needs data: two fields are no record but a bad line. */
	assert_one_bad("evil.example CNAME\n", 0, "text after the name");
	/* A single label is skipped as everywhere. */
	assert_int_equal(parse("com CNAME .\n", 0, &s, &err), 0);
	assert_counts(&err, 0, 0, 0, 1);
}

/* A multi-line SOA is skipped; parentheses that are not a record's are not. */
static void test_rpz_parentheses(void **state)
{
	struct domlist_error err;
	struct seen s;

	(void)state;
	assert_int_equal(parse("@ IN SOA ns.example. admin.example. (\n"
			       "\t2024010101 ; serial\n"
			       "\t1h ; refresh (an hour)\n"
			       "\t600 86400\n"
			       "\t300 )\n"
			       "dotted.example.\n"
			       "evil.example CNAME .\n",
			       0, &s, &err),
			 2);
	/* Closed: a name that could continue an SOA is an entry again. */
	assert_entry(&s, 0, "dotted.example", 6, "ns");
	assert_entry(&s, 1, "evil.example", 7, "n");
	assert_counts(&err, 0, 0, 0, 0);
	assert_int_equal(parse("x.example TXT ( \"open\"\nafter.example\n", 0, &s, &err), 2);
	assert_entry(&s, 0, "x.example", 1, "n");
	assert_entry(&s, 1, "after.example", 2, "ns");
}

static void test_rpz_origin(void **state)
{
	struct domlist_error err;
	struct seen s;

	(void)state;
	assert_int_equal(parse("$ORIGIN rpz.local.\n"
			       "@ SOA ns. admin. 1 2 3 4 5\n"
			       "rel.example CNAME .\n"
			       "abs.example.rpz.local. CNAME .\n"
			       "outside.example. CNAME .\n"
			       "$ORIGIN grp.example.rpz.local.\n"
			       "@ CNAME .\n"
			       "* CNAME .\n"
			       "www CNAME rpz-passthru.\n"
			       "$ORIGIN RPZ.LOCAL.\n"
			       "back.example CNAME .\n",
			       0, &s, &err),
			 7);
	assert_entry(&s, 0, "rel.example", 3, "n");
	assert_entry(&s, 1, "abs.example", 4, "n");
	assert_entry(&s, 2, "outside.example", 5, "n");
	assert_entry(&s, 3, "grp.example", 7, "n");
	assert_entry(&s, 4, "grp.example", 8, "s");
	assert_entry(&s, 5, "www.grp.example", 9, "na");
	assert_entry(&s, 6, "back.example", 11, "n");
	assert_counts(&err, 0, 0, 0, 0);
	/* The apex written out is the zone itself: noise, or a wildcard over everything. */
	assert_int_equal(parse("$ORIGIN rpz.local.\nrpz.local. CNAME .\n", 0, &s, &err), 0);
	assert_counts(&err, 0, 0, 0, 0);
	assert_int_equal(parse("$ORIGIN rpz.local.\n*.rpz.local. CNAME .\n", 0, &s, &err), 0);
	assert_counts(&err, 1, 0, 0, 0);
	/* "$ORIGIN ." makes relative names absolute. */
	assert_int_equal(parse("$ORIGIN .\nevil.example CNAME .\n", 0, &s, &err), 1);
	assert_entry(&s, 0, "evil.example", 2, "n");
}

/* A $ORIGIN that cannot be placed makes names relative to it bad, not wrong. */
static void test_rpz_origin_unusable(void **state)
{
	struct domlist_error err;
	struct seen s;

	(void)state;
	assert_int_equal(parse("$ORIGIN rpz.local.\n"
			       "$ORIGIN other.org.\n"
			       "x CNAME .\n"
			       "@ CNAME .\n"
			       "abs.example. CNAME .\n"
			       "$ORIGIN rpz.local.\n"
			       "ok.example CNAME .\n",
			       0, &s, &err),
			 2);
	assert_counts(&err, 2, 1, 0, 0);
	assert_reason(&err, 2, "$ORIGIN outside the zone of the first $ORIGIN: \"other.org.\"");
	assert_entry(&s, 0, "abs.example", 5, "n");
	assert_entry(&s, 1, "ok.example", 7, "n");
	assert_one_unsupported("$ORIGIN relative\n", 0, "relative $ORIGIN");
	assert_one_bad("$ORIGIN\n", 0, "$ORIGIN takes one name");
	assert_one_bad("$ORIGIN a..b.\n", 0, "label 2 is empty");
	/* After relative names, a first $ORIGIN cannot be the zone's name. */
	assert_int_equal(
		parse("a.example CNAME .\n$ORIGIN rpz.local.\nb.example CNAME .\n", 0, &s, &err),
		1);
	assert_counts(&err, 1, 1, 0, 0);
	assert_reason(&err, 2, "$ORIGIN after names relative to an unnamed zone");
}

static void test_urls(void **state)
{
	struct domlist_error err;
	struct seen s;

	(void)state;
	assert_int_equal(parse("phish.example/login/secure\n"
			       "http://Malware.Example:8080/payload.exe\n"
			       "https://user:pw@drop.example/x?y=1#frag\n"
			       "host.example/page#%2F\n"
			       "ftp://files.example\n"
			       "plain.example\n"
			       "198.51.100.7/admin\n"
			       "http://[2001:db8::7]:8080/x\n"
			       "host.example?q=/x\n",
			       URLS, &s, &err),
			 7);
	assert_entry(&s, 0, "phish.example", 1, "n");
	assert_entry(&s, 1, "malware.example", 2, "n");
	assert_entry(&s, 2, "drop.example", 3, "n");
	assert_entry(&s, 3, "host.example", 4, "n");
	assert_entry(&s, 4, "files.example", 5, "n");
	/* A line without a path keeps its plain meaning. */
	assert_entry(&s, 5, "plain.example", 6, "ns");
	assert_entry(&s, 6, "host.example", 9, "n");
	assert_counts(&err, 0, 0, 2, 0);
	assert_one_bad("/just/a/path\n", URLS, "URL without a host");
	assert_one_bad("http:///x\n", URLS, "URL without a host");
	assert_one_bad("bad_host-.example/x\n", URLS, "label 1 ends with '-'");
}

static void test_urls_need_the_flag(void **state)
{
	struct domlist_error err;
	struct seen s;

	(void)state;
	assert_int_equal(parse("ok.example\nevil.example/path\nhttp://x.example\n", 0, &s, &err),
			 1);
	assert_counts(&err, 2, 0, 0, 0);
	assert_reason(&err, 2,
		      "URL or path, not a domain name (not a urls list): "
		      "\"evil.example/path\"");
}

static void test_mixed_file(void **state)
{
	struct domlist_error err;
	struct seen s;

	(void)state;
	assert_int_equal(parse("plain.example\n"
			       "0.0.0.0 hosts.example\n"
			       "||adblock.example^\n"
			       "rpz.example CNAME .\n"
			       "=exact.example\n"
			       "@@||allow.example^\n",
			       0, &s, &err),
			 6);
	assert_entry(&s, 0, "plain.example", 1, "ns");
	assert_entry(&s, 1, "hosts.example", 2, "ns");
	assert_entry(&s, 2, "adblock.example", 3, "ns");
	assert_entry(&s, 3, "rpz.example", 4, "n");
	assert_entry(&s, 4, "exact.example", 5, "n");
	assert_entry(&s, 5, "allow.example", 6, "nsa");
}

/* ---- lines, comments, what is skipped ---- */

static void test_comments_blank_crlf_bom(void **state)
{
	struct domlist_error err;
	struct seen s;

	(void)state;
	assert_int_equal(parse("\xef\xbb\xbf# header\r\n"
			       "a.example\r\n"
			       "\r\n"
			       "   \t\n"
			       "; zone comment\n"
			       "! adblock comment\n"
			       "  # indented comment\n"
			       "b.example # trailing\n"
			       "c.example\t; trailing\n"
			       "\t d.example \t\r\n"
			       "[uBlock Origin]\n"
			       "e.example",
			       0, &s, &err),
			 5);
	assert_entry(&s, 0, "a.example", 2, "ns");
	assert_entry(&s, 1, "b.example", 8, "ns");
	assert_entry(&s, 2, "c.example", 9, "ns");
	assert_entry(&s, 3, "d.example", 10, "ns");
	assert_entry(&s, 4, "e.example", 12, "ns");
	assert_counts(&err, 0, 0, 0, 0);
	/*
	 * Elsewhere a BOM is U+FEFF, which IDNA mapping ignores, so the name
	 * stands. A '#' without a blank before it is no comment: a bad byte.
	 */
	assert_int_equal(parse("a.example\n\xef\xbb\xbf"
			       "b.example\nc.example#x\n",
			       0, &s, &err),
			 2);
	assert_entry(&s, 1, "b.example", 2, "ns");
	assert_counts(&err, 1, 0, 0, 0);
	assert_reason(&err, 3, "character '#' not allowed: \"c.example#x\"");
}

static void test_ip_and_single_label_are_skipped(void **state)
{
	const char *text = "1.2.3.4\n2001:db8::1\n::\ncom\nLocalHost.\n||lan^\nok.example\n"
			   "||192.0.2.1^\n";
	struct domlist_error err;
	struct seen s;

	(void)state;
	/* Counted, not errors: a list refusing bad lines still loads. */
	assert_int_equal(parse_n(text, strlen(text), REFUSE, 0, &s, &err), 1);
	assert_entry(&s, 0, "ok.example", 7, "ns");
	assert_counts(&err, 0, 0, 4, 3);
	assert_int_equal(err.line, 0);
}

static const char policy_text[] = "# list\n"
				  "one.example\n"
				  "bad..example\n"
				  "two.example\n"
				  "||path.example/x\n"
				  "-three.example\n"
				  "four.example\n";

static void test_policy_skip(void **state)
{
	struct domlist_error err;
	struct seen s;

	(void)state;
	assert_int_equal(parse_n(policy_text, strlen(policy_text), SKIP, 0, &s, &err), 3);
	assert_entry(&s, 0, "one.example", 2, "ns");
	assert_entry(&s, 1, "two.example", 4, "ns");
	assert_entry(&s, 2, "four.example", 7, "ns");
	assert_counts(&err, 2, 1, 0, 0);
	assert_int_equal(err.line, 3);
	assert_string_equal(err.reason, "label 2 is empty: \"bad..example\"");
}

static void test_policy_refuse(void **state)
{
	struct domlist_error err;
	struct seen s;

	(void)state;
	assert_int_equal(parse_n(policy_text, strlen(policy_text), REFUSE, 0, &s, &err), -1);
	/* No entry after the first bad line reaches the callback... */
	assert_int_equal(s.n, 1);
	assert_entry(&s, 0, "one.example", 2, "ns");
	/* ...but every bad line is still counted. */
	assert_counts(&err, 2, 1, 0, 0);
	assert_int_equal(err.line, 3);
	assert_string_equal(err.reason, "label 2 is empty: \"bad..example\"");
	/* An unsupported rule alone refuses too, and comes first when it is first. */
	assert_int_equal(parse_n("a.example\n||a.example/x\nb.example\n", 34, REFUSE, 0, &s, &err),
			 -1);
	assert_counts(&err, 0, 1, 0, 0);
	assert_reason(&err, 2, "AdBlock rule with a path or port: \"||a.example/x\"");
	/* A clean list loads whole. */
	assert_int_equal(parse_n("a.example\nb.example\n", 20, REFUSE, 0, &s, &err), 2);
}

/* A hosts line with several bad names is one bad line, reported by its first. */
static void test_bad_line_counted_once(void **state)
{
	struct domlist_error err;
	struct seen s;

	(void)state;
	assert_int_equal(parse("0.0.0.0 -a.example ok.example b..example\n", 0, &s, &err), 1);
	assert_counts(&err, 1, 0, 0, 0);
	assert_reason(&err, 1, "label 1 starts with '-': \"-a.example\"");
	assert_one_bad("evil.example extra\n", 0, "text after the name: \"evil.example extra\"");
}

static void test_overlong_line(void **state)
{
	size_t n = DOMLIST_MAX_LINE + 1;
	char *text = malloc(n + 32);
	struct domlist_error err;
	struct seen s;

	(void)state;
	assert_non_null(text);
	/* Exactly the limit (a padded comment after a name) is fine... */
	strcpy(text, "a.example #");
	memset(text + 11, 'x', DOMLIST_MAX_LINE - 11);
	strcpy(text + DOMLIST_MAX_LINE, "\r\n");
	assert_int_equal(parse(text, 0, &s, &err), 1);
	/* ...one more character is not, even in a comment line. */
	strcpy(text, "a.example\n#");
	memset(text + 11, 'x', n - 1);
	strcpy(text + 10 + n, "\nb.example\n");
	assert_int_equal(parse(text, 0, &s, &err), 2);
	assert_counts(&err, 1, 0, 0, 0);
	assert_reason(&err, 2, "line longer than 4096 characters: \"#xxx");
	assert_non_null(strstr(err.reason, "...\""));
	free(text);
}

static void test_embedded_nul(void **state)
{
	static const char text[] = "a.example\0junk\nb.example\n";
	struct domlist_error err;
	struct seen s;

	(void)state;
	assert_int_equal(parse_n(text, sizeof(text) - 1, SKIP, 0, &s, &err), 1);
	assert_entry(&s, 0, "b.example", 2, "ns");
	assert_reason(&err, 1, "byte 0x00 not allowed: \"a.example?junk\"");
}

/* Long garbage and control bytes are quoted shortened and harmless. */
static void test_reason_is_truncated_and_printable(void **state)
{
	char text[400];
	struct domlist_error err;
	struct seen s;
	size_t i;

	(void)state;
	memset(text, 'z', sizeof(text) - 1);
	text[0] = '\x1b';
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(parse(text, 0, &s, &err), 0);
	assert_true(strlen(err.reason) < sizeof(err.reason));
	assert_non_null(strstr(err.reason, "\"?zzz"));
	assert_non_null(strstr(err.reason, "...\""));
	for (i = 0; err.reason[i]; i++)
		assert_true(err.reason[i] >= 0x20 && err.reason[i] < 0x7f);
}

/*
 * Cut a list at every length, from exact-size allocations: any read past
 * len trips ASan, and a cut name must come out as what is left of it.
 */
static void test_not_nul_terminated(void **state)
{
	const char *text = "evil.example\n0.0.0.0 h.example\n||ad.example^\n"
			   "x.example CNAME .\nhttp://u.example/p\n";
	size_t len = strlen(text), cut;
	unsigned int flags;

	(void)state;
	for (flags = 0; flags <= URLS; flags += URLS) {
		for (cut = 0; cut <= len; cut++) {
			struct domlist_error err;
			struct seen s;
			long ret = parse_n(text, cut, REFUSE, flags, &s, &err);

			assert_true(ret >= -1);
			if (ret >= 0)
				assert_int_equal((size_t)ret, s.n);
		}
	}
	/* "evil.ex" is a name in its own right; "0.0.0.0 h" names a single label. */
	{
		struct domlist_error err;
		struct seen s;

		assert_int_equal(parse_n(text, 7, SKIP, 0, &s, &err), 1);
		assert_entry(&s, 0, "evil.ex", 1, "ns");
		assert_int_equal(parse_n(text, 22, SKIP, 0, &s, &err), 1);
		assert_counts(&err, 0, 0, 0, 1);
	}
}

static void test_callback_abort(void **state)
{
	struct domlist_error err;
	struct seen s;
	char *buf = strdup("a.example\nb.example\nc.example\n");

	(void)state;
	assert_non_null(buf);
	memset(&s, 0, sizeof(s));
	s.stop_at = 2;
	s.stop_ret = -42;
	assert_int_equal(domlist_parse(buf, strlen(buf), SKIP, 0, collect, &s, &err), -42);
	assert_int_equal(s.n, 2);
	/* In a hosts line too: the rest of the line is not delivered. */
	memset(&s, 0, sizeof(s));
	s.stop_at = 1;
	s.stop_ret = 7;
	assert_int_equal(
		domlist_parse("0.0.0.0 a.example b.example", 27, SKIP, 0, collect, &s, &err), 7);
	assert_int_equal(s.n, 1);
	free(buf);
}

static void test_null_callback_and_err(void **state)
{
	const char *text = "a.example\nb..example\nc.example\n";
	struct domlist_error err;

	(void)state;
	assert_int_equal(domlist_parse(text, strlen(text), SKIP, 0, NULL, NULL, NULL), 2);
	assert_int_equal(domlist_parse(text, strlen(text), REFUSE, 0, NULL, NULL, NULL), -1);
	assert_int_equal(domlist_parse(text, strlen(text), SKIP, 0, NULL, NULL, &err), 2);
	assert_int_equal(err.bad_lines, 1);
	assert_int_equal(domlist_parse(NULL, 0, REFUSE, 0, NULL, NULL, &err), 0);
	assert_int_equal(domlist_parse(NULL, 5, SKIP, 0, NULL, NULL, &err), -1);
	assert_string_equal(err.reason, "no buffer");
}

/* ---- files: the fixtures, then the real lists ---- */

static long parse_fixture(const char *name, unsigned int flags, struct seen *s,
			  struct domlist_error *err)
{
	char rel[128], path[PATH_MAX];
	size_t len;
	char *buf;
	long ret;

	snprintf(rel, sizeof(rel), "tests/fixtures/domains/%s", name);
	assert_int_equal(repo_path(path, sizeof(path), rel), 0);
	buf = read_file(path, &len);
	if (!buf)
		fail_msg("cannot read fixture %s", path);
	memset(s, 0, sizeof(*s));
	ret = domlist_parse(buf, len, SKIP, flags, collect, s, err);
	free(buf);
	return ret;
}

static void test_fixture_demo(void **state)
{
	struct domlist_error err;
	struct seen s;

	(void)state;
	assert_int_equal(parse_fixture("demo-block.txt", 0, &s, &err), 2);
	assert_entry(&s, 0, "bad.example.test", 5, "ns");
	assert_entry(&s, 1, "exact.example.test", 7, "n");
	assert_counts(&err, 0, 0, 0, 0);
	assert_int_equal(parse_fixture("demo-allow.txt", 0, &s, &err), 1);
	assert_entry(&s, 0, "good.bad.example.test", 4, "ns");
	assert_counts(&err, 0, 0, 0, 0);
}

static void test_fixture_plain_and_hosts(void **state)
{
	struct domlist_error err;
	struct seen s;

	(void)state;
	assert_int_equal(parse_fixture("plain.txt", 0, &s, &err), 7);
	assert_entry(&s, 0, "evil.example", 3, "ns");
	assert_entry(&s, 1, "www.mixed-case.example", 4, "ns");
	assert_entry(&s, 2, "exact.example", 5, "n");
	assert_entry(&s, 3, "wild.example", 6, "s");
	assert_entry(&s, 4, "tracker_1.example", 7, "ns");
	assert_entry(&s, 5, "xn--bcher-kva.example", 8, "ns");
	assert_entry(&s, 6, "xn--bcher-kva.example", 9, "ns");
	assert_counts(&err, 0, 0, 2, 1);
	assert_int_equal(parse_fixture("hosts.txt", 0, &s, &err), 6);
	assert_entry(&s, 0, "ads.example", 14, "ns");
	assert_entry(&s, 1, "tracker.example", 15, "ns");
	assert_entry(&s, 2, "one.example", 16, "ns");
	assert_entry(&s, 3, "two.example", 16, "ns");
	assert_entry(&s, 4, "three.example", 16, "ns");
	assert_entry(&s, 5, "v6null.example", 17, "ns");
	assert_counts(&err, 0, 0, 1, 0);
}

static void test_fixture_adblock(void **state)
{
	struct domlist_error err;
	struct seen s;

	(void)state;
	assert_int_equal(parse_fixture("adblock.txt", 0, &s, &err), 6);
	assert_entry(&s, 0, "ads.example", 4, "ns");
	assert_entry(&s, 1, "tracker.example", 5, "ns");
	assert_entry(&s, 2, "cdn.ads.example", 6, "ns");
	assert_entry(&s, 3, "noanchor.example", 7, "ns");
	assert_entry(&s, 4, "partner.example", 8, "nsa");
	assert_entry(&s, 5, "cdn.partner.example", 9, "nsa");
	assert_counts(&err, 0, 6, 0, 0);
	assert_reason(&err, 11, "AdBlock rule with a path or port");
}

static void test_fixture_rpz(void **state)
{
	struct domlist_error err;
	struct seen s;

	(void)state;
	assert_int_equal(parse_fixture("rpz.zone", 0, &s, &err), 8);
	assert_entry(&s, 0, "evil.example", 10, "n");
	assert_entry(&s, 1, "evil.example", 11, "s");
	assert_entry(&s, 2, "nodata.example", 12, "n");
	assert_entry(&s, 3, "dropped.example", 13, "n");
	assert_entry(&s, 4, "sinkholed.example", 14, "n");
	assert_entry(&s, 5, "partner.example", 16, "na");
	assert_entry(&s, 6, "partner.example", 17, "sa");
	assert_entry(&s, 7, "absolute.example", 18, "n");
	assert_counts(&err, 0, 2, 0, 0);
	assert_reason(&err, 20, "RPZ trigger on addresses or name servers");
}

static void test_fixture_urls(void **state)
{
	struct domlist_error err;
	struct seen s;

	(void)state;
	assert_int_equal(parse_fixture("urls.txt", URLS, &s, &err), 4);
	assert_entry(&s, 0, "phish.example", 3, "n");
	assert_entry(&s, 1, "malware.example", 4, "n");
	assert_entry(&s, 2, "drop.example", 5, "n");
	assert_entry(&s, 3, "test-filter.example", 6, "n");
	assert_counts(&err, 0, 0, 2, 0);
	/* Without the flag every URL line is bad. */
	assert_int_equal(parse_fixture("urls.txt", 0, &s, &err), 0);
	assert_counts(&err, 6, 0, 0, 0);
}

static int shared_data_dir(char *out, size_t len)
{
	const char *env = getenv("UTM_SHARED_DATA");

	if (env && *env)
		snprintf(out, len, "%s", env);
	else if (repo_path(out, len, "../shared/data") != 0)
		return -1;
	return access(out, R_OK) == 0 ? 0 : -1;
}

/*
 * Lines that carry a rule: not blank, not a comment, not zone-file noise
 * ($ directives, '@' apex records, owner-less lines starting with a blank).
 */
static long count_rule_lines(const char *buf, size_t len)
{
	long n = 0;
	size_t i = 0;

	while (i < len) {
		char c = buf[i];

		if (c != '\n' && c != '\r' && c != ' ' && c != '\t' && !strchr("#!;$@", c))
			n++;
		while (i < len && buf[i] != '\n')
			i++;
		i++;
	}
	return n;
}

struct real_list {
	const char *path;   /* under the shared data directory */
	unsigned int flags; /* DOMLIST_URLS_AS_HOSTS for urls files */
	int ip_ok;	    /* may contain IP entries */
	int unsupported_ok; /* may contain rules a DNS guard cannot apply */
};

static const struct real_list real_lists[] = {
	{"domain-blocklists/urlhaus-filter/urlhaus-filter-hosts.txt", 0, 0, 0},
	{"domain-blocklists/urlhaus-filter/urlhaus-filter-hosts-online.txt", 0, 0, 0},
	{"domain-blocklists/urlhaus-filter/urlhaus-filter-domains.txt", 0, 1, 0},
	{"domain-blocklists/urlhaus-filter/urlhaus-filter-domains-online.txt", 0, 1, 0},
	{"domain-blocklists/urlhaus-filter/urlhaus-filter-rpz.conf", 0, 0, 0},
	{"domain-blocklists/urlhaus-filter/urlhaus-filter-rpz-online.conf", 0, 0, 0},
	/* AdBlock URL rules: unsupported as a domain list, hosts in URL mode. */
	{"domain-blocklists/urlhaus-filter/urlhaus-filter-online.txt", 0, 1, 1},
	{"domain-blocklists/urlhaus-filter/urlhaus-filter-online.txt", URLS, 1, 0},
	{"domain-blocklists/ndpi-lists/107_gambling.list", 0, 0, 0},
	{"ut1-categories/adult/adult-top1m-domains.list", 0, 0, 0},
	{"ut1-categories/audio-video/domains", 0, 1, 0},
	{"ut1-categories/gambling/domains", 0, 1, 0},
	{"ut1-categories/games/domains", 0, 1, 0},
	{"ut1-categories/shopping/domains", 0, 1, 0},
	{"ut1-categories/social_networks/domains", 0, 1, 0},
	{"ut1-categories/warez/domains", 0, 1, 0},
	{"ut1-categories/phishing/urls", URLS, 1, 0},
	{"ut1-categories/malware/urls", URLS, 1, 0},
	{"ut1-categories/adult/urls", URLS, 1, 0},
	{"ut1-categories/games/urls", URLS, 1, 0},
	{"ut1-categories/audio-video/urls", URLS, 1, 0},
};

static int count_only(const struct dom_entry *e, unsigned int line, void *ctx)
{
	long *n = ctx;

	if (line == 0 || e->name[0] == '\0' || !(e->covers_name || e->covers_sub))
		return -2;
	(*n)++;
	return 0;
}

/* Every rule line is an entry, an IP entry or an unsupported rule; none is bad. */
static void check_real_list(const char *dir, const struct real_list *rl)
{
	char path[PATH_MAX + 128];
	struct domlist_error err;
	long want, got = 0, ret;
	size_t len;
	char *buf;

	snprintf(path, sizeof(path), "%s/%s", dir, rl->path);
	buf = read_file(path, &len);
	if (!buf)
		fail_msg("cannot read %s", path);
	want = count_rule_lines(buf, len);
	ret = domlist_parse(buf, len, SKIP, rl->flags, count_only, &got, &err);
	if (ret != got || err.bad_lines != 0 || err.single_label != 0 ||
	    (!rl->ip_ok && err.ip_entries) || (!rl->unsupported_ok && err.unsupported) ||
	    ret + err.ip_entries + err.unsupported != want)
		fail_msg("%s: %ld entries (%ld seen), %u bad, %u unsupported, %u IP, %u single "
			 "of %ld rule lines; line %u: %s",
			 rl->path, ret, got, err.bad_lines, err.unsupported, err.ip_entries,
			 err.single_label, want, err.line, err.reason);
	/* A clean list loads the same when bad lines would refuse it. */
	if (!err.unsupported)
		assert_int_equal(domlist_parse(buf, len, REFUSE, rl->flags, NULL, NULL, NULL), ret);
	free(buf);
	assert_true(ret > 0);
}

static void test_real_lists(void **state)
{
	char dir[PATH_MAX];
	size_t i;

	(void)state;
	if (shared_data_dir(dir, sizeof(dir)) != 0) {
		print_message("SKIP real lists: no shared data (../shared/data from the repo root, "
			      "or set UTM_SHARED_DATA)\n");
		skip();
	}
	for (i = 0; i < sizeof(real_lists) / sizeof(real_lists[0]); i++)
		check_real_list(dir, &real_lists[i]);
}

static void parse_real(const char *dir, const char *rel, unsigned int flags, struct seen *s,
		       struct domlist_error *err)
{
	char path[PATH_MAX + 128];
	size_t len;
	char *buf;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	buf = read_file(path, &len);
	if (!buf)
		fail_msg("cannot read %s", path);
	memset(s, 0, sizeof(*s));
	s->stop_at = MAX_SEEN;
	s->stop_ret = 1;
	domlist_parse(buf, len, SKIP, flags, collect, s, err);
	free(buf);
}

/* Spot checks that real entries come out right, not merely counted. */
static void test_real_list_values(void **state)
{
	struct domlist_error err;
	char dir[PATH_MAX];
	struct seen s;

	(void)state;
	if (shared_data_dir(dir, sizeof(dir)) != 0) {
		print_message("SKIP real list values: no shared data (../shared/data or "
			      "UTM_SHARED_DATA)\n");
		skip();
	}
	parse_real(dir, "domain-blocklists/urlhaus-filter/urlhaus-filter-rpz.conf", 0, &s, &err);
	assert_entry(&s, 0, "0022a601.pphost.net", 12, "n");
	parse_real(dir, "domain-blocklists/urlhaus-filter/urlhaus-filter-hosts.txt", 0, &s, &err);
	assert_entry(&s, 0, "0022a601.pphost.net", 7, "ns");
	parse_real(dir, "ut1-categories/phishing/urls", URLS, &s, &err);
	assert_entry(&s, 0, "0001-5cf.pages.dev", 1, "n");
	parse_real(dir, "domain-blocklists/ndpi-lists/107_gambling.list", 0, &s, &err);
	assert_entry(&s, 0, "0grand-casino.com", 1, "ns");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_exact_and_wildcard),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_hosts_noise),
		cmocka_unit_test(test_adblock),
		cmocka_unit_test(test_adblock_unsupported),
		cmocka_unit_test(test_adblock_url_mode),
		cmocka_unit_test(test_rpz),
		cmocka_unit_test(test_rpz_noise_and_unsupported),
		cmocka_unit_test(test_rpz_parentheses),
		cmocka_unit_test(test_rpz_origin),
		cmocka_unit_test(test_rpz_origin_unusable),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_urls_need_the_flag),
		cmocka_unit_test(test_mixed_file),
		cmocka_unit_test(test_comments_blank_crlf_bom),
		cmocka_unit_test(test_ip_and_single_label_are_skipped),
		cmocka_unit_test(test_policy_skip),
		cmocka_unit_test(test_policy_refuse),
		cmocka_unit_test(test_bad_line_counted_once),
		cmocka_unit_test(test_overlong_line),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_reason_is_truncated_and_printable),
		cmocka_unit_test(test_not_nul_terminated),
		cmocka_unit_test(test_callback_abort),
		cmocka_unit_test(test_null_callback_and_err),
		cmocka_unit_test(test_fixture_demo),
		cmocka_unit_test(test_fixture_plain_and_hosts),
		cmocka_unit_test(test_fixture_adblock),
		cmocka_unit_test(test_fixture_rpz),
		cmocka_unit_test(test_fixture_urls),
		cmocka_unit_test(test_real_lists),
		cmocka_unit_test(test_real_list_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
