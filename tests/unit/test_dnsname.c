// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for lib/dnsname.c: canonical names, wire form and the map keys
 * the XDP program must find. Inputs are exact-size heap copies (no NUL after
 * them), so ASan (make SANITIZE=1) catches any read past len.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/dnshash.h"
#include "lib/dnsname.h"

static int norm_n(const char *text, size_t len, char *out, size_t outlen, char *why)
{
	char *buf = malloc(len ? len : 1);
	int rc;

	assert_non_null(buf);
	memcpy(buf, text, len);
	rc = dnsname_normalize(buf, len, out, outlen, why, DNSNAME_WHY_MAX);
	free(buf);
	return rc;
}

/* in must normalise to want with DNSNAME_OK. */
static void assert_norm(const char *in, const char *want)
{
	char out[DNSNAME_BUF], why[DNSNAME_WHY_MAX];
	int rc = norm_n(in, strlen(in), out, sizeof(out), why);

	if (rc != DNSNAME_OK || strcmp(out, want) != 0)
		fail_msg("\"%s\": rc %d (%s) \"%s\", want \"%s\"", in, rc, why, out, want);
}

/* in must be refused with rc, out left empty, and why must contain why_part. */
static void assert_refused(const char *in, size_t len, int want_rc, const char *why_part)
{
	char out[DNSNAME_BUF], why[DNSNAME_WHY_MAX];
	int rc = norm_n(in, len, out, sizeof(out), why);

	if (rc != want_rc)
		fail_msg("\"%.*s\": rc %d (%s), want %d", (int)len, in, rc, why, want_rc);
	assert_string_equal(out, "");
	if (!strstr(why, why_part))
		fail_msg("\"%.*s\": why \"%s\" lacks \"%s\"", (int)len, in, why, why_part);
}

static void assert_bad(const char *in, int want_rc, const char *why_part)
{
	assert_refused(in, strlen(in), want_rc, why_part);
}

static void test_case_and_trailing_dot(void **state)
{
	(void)state;
	assert_norm("evil.example", "evil.example");
	assert_norm("EVIL.Example.", "evil.example");
	assert_norm("WWW.Evil-Site.EXAMPLE", "www.evil-site.example");
	assert_norm("a1.b2.c3", "a1.b2.c3");
	assert_norm("123.example", "123.example");
	assert_norm("4.3.2.1.in-addr.arpa", "4.3.2.1.in-addr.arpa");
	assert_norm("a--b.example", "a--b.example");
}

/* Real lists (nDPI, UT1) carry underscores: DNS allows them, only host names do not. */
static void test_underscore(void **state)
{
	(void)state;
	assert_norm("_dmarc.example.com", "_dmarc.example.com");
	assert_norm("nomini01_but_wheel.lpmediastorage.com",
		    "nomini01_but_wheel.lpmediastorage.com");
	assert_norm("_.example", "_.example");
}

static void test_idn(void **state)
{
	(void)state;
	assert_norm("bücher.example", "xn--bcher-kva.example");
	assert_norm("BÜCHER.Example.", "xn--bcher-kva.example");
	assert_norm("www.bücher.example", "www.xn--bcher-kva.example");
	/* Non-transitional: IDNA2008 keeps the sharp s (transitional would give fass). */
	assert_norm("faß.de", "xn--fa-hia.de");
	/* Disallowed by IDNA2008, accepted by the transitional fallback. */
	assert_norm("😀.example", "xn--e28h.example");
	/* An ideographic full stop separates labels like '.'. */
	assert_norm("bücher\xe3\x80\x82"
		    "example",
		    "xn--bcher-kva.example");
	/* A decomposed ü (u + combining diaeresis) is NFC-normalised first. */
	assert_norm("bu\xcc\x88"
		    "cher.example",
		    "xn--bcher-kva.example");
	/* ASCII labels are never judged by IDNA: underscore and odd xn-- labels stay. */
	assert_norm("_x.bücher.example", "_x.xn--bcher-kva.example");
	assert_norm("xn--zz.bücher.example", "xn--zz.xn--bcher-kva.example");
}

static void test_idn_bad(void **state)
{
	(void)state;
	assert_bad("b\xc3.example", DNSNAME_BAD_IDN, "IDN:");
	assert_bad("a\xff"
		   "b.example",
		   DNSNAME_BAD_IDN, "IDN:");
	assert_bad("-bücher.example", DNSNAME_BAD_IDN, "IDN:");
	/* A soft hyphen maps to nothing: the label becomes empty. */
	assert_bad("\xc2\xad.example", DNSNAME_EMPTY_LABEL, "label 1 is empty");
	assert_refused("b\xc3\xbc\0x.example", 13, DNSNAME_BAD_CHAR, "NUL byte");
}

/* n copies of "ü" (2 bytes each), then tail. */
static void make_umlauts(char *out, size_t n, const char *tail)
{
	size_t i;

	for (i = 0; i < n; i++)
		memcpy(out + 2 * i, "\xc3\xbc", 2);
	strcpy(out + 2 * n, tail);
}

/* Limits apply to the punycode, not to the UTF-8 text. */
static void test_idn_limits(void **state)
{
	char name[512], out[DNSNAME_BUF], why[DNSNAME_WHY_MAX];
	size_t i;

	(void)state;
	/* 60 characters, 120 bytes of UTF-8: its A-label exceeds 63 bytes. */
	make_umlauts(name, 60, ".example");
	assert_bad(name, DNSNAME_LABEL_TOO_LONG, "label over 63 bytes as punycode");
	/* 25 ü are a 31-byte A-label: 8 of them and "example" make 263 bytes. */
	for (i = 0; i < 8; i++)
		make_umlauts(name + 51 * i, 25, ".");
	strcpy(name + 51 * 8, "example");
	assert_bad(name, DNSNAME_TOO_LONG, "");
	/* 7 of them fit: 7 * 32 + 7 = 231 bytes. */
	strcpy(name + 51 * 7, "example");
	assert_int_equal(norm_n(name, strlen(name), out, sizeof(out), why), DNSNAME_OK);
	assert_int_equal(strlen(out), 231);
	assert_memory_equal(out, "xn--tdaaaaaaaaaaaaaaaaaaaaaaaaa.", 32);
}

static void test_existing_alabels(void **state)
{
	(void)state;
	assert_norm("xn--bcher-kva.example", "xn--bcher-kva.example");
	assert_norm("XN--BCHER-KVA.EXAMPLE", "xn--bcher-kva.example");
	assert_norm("crm.xn--80afgfsejihbtxf8lna.xn--p1ai", "crm.xn--80afgfsejihbtxf8lna.xn--p1ai");
	/* Not valid punycode, but a name DNS can carry: kept as it is. */
	assert_norm("xn--zz.example", "xn--zz.example");
}

static void test_bad_chars(void **state)
{
	(void)state;
	assert_bad("evil example", DNSNAME_BAD_CHAR, "byte 0x20 not allowed");
	assert_bad("evil.example/path", DNSNAME_BAD_CHAR, "character '/' not allowed");
	assert_bad("*.evil.example", DNSNAME_BAD_CHAR, "character '*' not allowed");
	assert_bad("evil.example:80", DNSNAME_BAD_CHAR, "character ':' not allowed");
	assert_bad("user@evil.example", DNSNAME_BAD_CHAR, "character '@' not allowed");
	assert_bad("evil\t.example", DNSNAME_BAD_CHAR, "byte 0x09");
	assert_refused("evil\0.example", 13, DNSNAME_BAD_CHAR, "byte 0x00");
	/* The first problem from the left is the one reported. */
	assert_bad("-a/b.example", DNSNAME_BAD_CHAR, "'/'");
}

static void test_hyphens(void **state)
{
	(void)state;
	assert_bad("-evil.example", DNSNAME_BAD_HYPHEN, "label 1 starts with '-'");
	assert_bad("evil-.example", DNSNAME_BAD_HYPHEN, "label 1 ends with '-'");
	assert_bad("evil.-", DNSNAME_BAD_HYPHEN, "label 2 starts with '-'");
}

/* A name of labels of the given lengths, all 'a'. */
static void make_name(char *out, const size_t *lens, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (i)
			out[o++] = '.';
		memset(out + o, 'a', lens[i]);
		o += lens[i];
	}
	out[o] = '\0';
}

static void test_label_length(void **state)
{
	static const size_t ok[] = {63, 7};
	static const size_t bad[] = {3, 64, 7};
	char name[200];

	(void)state;
	make_name(name, ok, 2);
	assert_norm(name, name);
	make_name(name, bad, 3);
	assert_bad(name, DNSNAME_LABEL_TOO_LONG, "label 2 is 64 bytes (max 63)");
}

static void test_name_length(void **state)
{
	/* 63 + 63 + 63 + 61 + 3 dots = 253 bytes; 254 with one more. */
	static const size_t max[] = {63, 63, 63, 61};
	static const size_t over[] = {63, 63, 63, 62};
	char name[300], dotted[300];

	(void)state;
	make_name(name, max, 4);
	assert_int_equal(strlen(name), DNSNAME_MAX);
	assert_norm(name, name);
	/* The trailing dot of a 253-byte name does not count. */
	snprintf(dotted, sizeof(dotted), "%s.", name);
	assert_norm(dotted, name);
	make_name(name, over, 4);
	assert_bad(name, DNSNAME_TOO_LONG, "name is 254 bytes (max 253)");
}

static void test_empty_labels(void **state)
{
	(void)state;
	assert_bad("a..b", DNSNAME_EMPTY_LABEL, "label 2 is empty");
	assert_bad(".evil.example", DNSNAME_EMPTY_LABEL, "label 1 is empty");
	assert_bad("evil.example..", DNSNAME_EMPTY_LABEL, "label 3 is empty");
	assert_bad("..", DNSNAME_EMPTY_LABEL, "label 1 is empty");
	assert_bad(".", DNSNAME_EMPTY, "empty name");
	assert_bad("", DNSNAME_EMPTY, "empty name");
}

static void test_ip_addresses(void **state)
{
	(void)state;
	assert_bad("1.2.3.4", DNSNAME_IS_IP, "IP address");
	assert_bad("1.2.3.4.", DNSNAME_IS_IP, "IP address");
	assert_bad("192.168.001.010", DNSNAME_IS_IP, "");
	/* A broken address is still no domain name. */
	assert_bad("999.1.2.3", DNSNAME_IS_IP, "");
	assert_bad("::1", DNSNAME_IS_IP, "");
	assert_bad("::", DNSNAME_IS_IP, "");
	assert_bad("2001:db8::bad:66", DNSNAME_IS_IP, "");
	assert_bad("::ffff:1.2.3.4", DNSNAME_IS_IP, "");
	assert_bad("fe80::1%eth0", DNSNAME_IS_IP, "");
	/* Not addresses: numeric top-level labels, or not inet_pton's syntax. */
	assert_bad("1.2.3", DNSNAME_NUMERIC_TLD, "top-level label \"3\" is all digits");
	assert_bad("1.2.3.4.5", DNSNAME_NUMERIC_TLD, "");
	assert_bad("evil.example.123", DNSNAME_NUMERIC_TLD, "");
	assert_bad("2001:db8:::1", DNSNAME_BAD_CHAR, "':'");
	assert_bad("fe80::1%", DNSNAME_BAD_CHAR, "':'");
	assert_true(dnsname_is_ip("1.2.3.4", 7));
	assert_true(dnsname_is_ip("1.2.3.4x", 7));
	assert_false(dnsname_is_ip("1.2.3.4x", 8));
	assert_false(dnsname_is_ip("1.2..4", 6));
	assert_false(dnsname_is_ip("", 0));
	assert_false(dnsname_is_ip(NULL, 3));
}

static void test_single_label(void **state)
{
	char out[DNSNAME_BUF], why[DNSNAME_WHY_MAX];

	(void)state;
	/* Valid, but its own code; the canonical name is still written. */
	assert_int_equal(norm_n("LocalHost.", 10, out, sizeof(out), why), DNSNAME_SINGLE_LABEL);
	assert_string_equal(out, "localhost");
	assert_int_equal(norm_n("com", 3, out, sizeof(out), why), DNSNAME_SINGLE_LABEL);
	assert_string_equal(out, "com");
	assert_int_equal(norm_n("ü", 2, out, sizeof(out), why), DNSNAME_SINGLE_LABEL);
	assert_string_equal(out, "xn--tda");
	assert_bad("123", DNSNAME_NUMERIC_TLD, "");
}

static void test_output_room(void **state)
{
	char out[13], why[DNSNAME_WHY_MAX];

	(void)state;
	/* Exactly the name plus its NUL fits... */
	assert_int_equal(norm_n("evil.example", 12, out, 13, why), DNSNAME_OK);
	assert_string_equal(out, "evil.example");
	/* ...one byte less does not, and nothing is written past outlen. */
	memset(out, 'x', sizeof(out));
	assert_int_equal(norm_n("evil.example", 12, out, 12, why), DNSNAME_NO_ROOM);
	assert_int_equal(out[0], '\0');
	assert_int_equal(out[12], 'x');
	assert_int_equal(dnsname_normalize("a.b", 3, NULL, 10, why, sizeof(why)), DNSNAME_NO_ROOM);
	assert_int_equal(dnsname_normalize(NULL, 0, out, sizeof(out), NULL, 0), DNSNAME_EMPTY);
	/* why is optional and always terminated when short. */
	assert_int_equal(dnsname_normalize("a..b", 4, out, sizeof(out), NULL, 0),
			 DNSNAME_EMPTY_LABEL);
	assert_int_equal(dnsname_normalize("a..b", 4, out, sizeof(out), why, 6),
			 DNSNAME_EMPTY_LABEL);
	assert_string_equal(why, "label");
}

/*
 * Every prefix of the buffer, from an exact-size allocation, gives what the
 * same bytes give as a C string: the length is honoured, nothing past it read.
 */
static void test_not_nul_terminated(void **state)
{
	static const char *const texts[] = {"WWW.Bücher.Example.", "1.2.3.4", "2001:db8::1",
					    "a-.b_c..d"};
	size_t t, cut;

	(void)state;
	for (t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		for (cut = 0; cut <= strlen(texts[t]); cut++) {
			char want[DNSNAME_BUF], got[DNSNAME_BUF], why[DNSNAME_WHY_MAX];
			char *c = strndup(texts[t], cut);
			int rc;

			assert_non_null(c);
			rc = dnsname_normalize(c, strlen(c), want, sizeof(want), why, sizeof(why));
			assert_int_equal(norm_n(texts[t], cut, got, sizeof(got), why), rc);
			assert_string_equal(got, want);
			free(c);
		}
	}
}

static void test_strerror(void **state)
{
	int rc;

	(void)state;
	for (rc = DNSNAME_NO_ROOM; rc <= DNSNAME_SINGLE_LABEL; rc++)
		assert_string_not_equal(dnsname_strerror(rc), "unknown error");
	assert_string_equal(dnsname_strerror(42), "unknown error");
	assert_string_equal(dnsname_strerror(DNSNAME_EMPTY_LABEL), "empty label");
}

/* ---- wire form ---- */

static void test_wire(void **state)
{
	static const uint8_t abc[] = {1, 'a', 2, 'b', 'c'};
	uint8_t wire[DNSNAME_WIRE_MAX];

	(void)state;
	assert_int_equal(dnsname_to_wire("a.bc", wire, sizeof(wire)), 5);
	assert_memory_equal(wire, abc, sizeof(abc));
	/* Exactly enough room, then one byte less. */
	assert_int_equal(dnsname_to_wire("a.bc", wire, 5), 5);
	assert_int_equal(dnsname_to_wire("a.bc", wire, 4), -1);
	assert_int_equal(dnsname_to_wire("", wire, 0), 0);
	assert_int_equal(dnsname_to_wire("com", wire, sizeof(wire)), 4);
	assert_int_equal(wire[0], 3);
	assert_int_equal(dnsname_to_wire("a..b", wire, sizeof(wire)), -1);
	assert_int_equal(dnsname_to_wire(".a", wire, sizeof(wire)), -1);
	assert_int_equal(dnsname_to_wire("a.", wire, sizeof(wire)), -1);
	assert_int_equal(dnsname_to_wire(NULL, wire, sizeof(wire)), -1);
}

static void test_wire_limits(void **state)
{
	static const size_t max[] = {63, 63, 63, 61};
	static const size_t long_label[] = {64};
	uint8_t wire[DNSNAME_WIRE_MAX + 8];
	char name[300];

	(void)state;
	make_name(name, max, 4);
	assert_int_equal(dnsname_to_wire(name, wire, sizeof(wire)), DNSNAME_WIRE_MAX);
	assert_int_equal(wire[0], 63);
	assert_int_equal(wire[192], 61);
	make_name(name, long_label, 1);
	assert_int_equal(dnsname_to_wire(name, wire, sizeof(wire)), -1);
	/* 254 bytes of text (labels 63, 63, 63, 62) cannot be canonical. */
	memset(name, 'a', 254);
	name[63] = '.';
	name[127] = '.';
	name[191] = '.';
	name[254] = '\0';
	assert_int_equal(dnsname_to_wire(name, wire, sizeof(wire)), -1);
}

/* ---- keys ---- */

/*
 * Known answers, computed once with an independent Python re-implementation
 * of bpf/dnshash.h (fold A-Z, h = (h ^ b) * 0x100000001b3 mod 2^64 over the
 * wire bytes from last to first starting at the seed, then the murmur3 fmix64
 * finaliser). A change to the hash or to the wire form breaks these, and the
 * XDP program and every stored key with it: change them only together.
 */
static void test_key_known_answers(void **state)
{
	(void)state;
	assert_true(dnsname_key("evil.example", 0x0123456789abcdefULL) == 0x693371912643eaceULL);
	assert_true(dnsname_key("example", 0x0123456789abcdefULL) == 0x0053419281d3bd51ULL);
	assert_true(dnsname_key("a.b.evil.example", 0) == 0x4115dcf5784deee8ULL);
	assert_true(dnsname_key("xn--bcher-kva.example", 0xfeedfacecafebeefULL) ==
		    0xc8e48b3d216d649fULL);
}

static void test_key_properties(void **state)
{
	static const uint8_t upper[] = {4,   'E', 'V', 'I', 'L', 7,  'E',
					'x', 'a', 'm', 'p', 'l', 'e'};
	uint64_t k = dnsname_key("evil.example", 7);

	(void)state;
	/* The XDP program hashes query bytes as they come: case must not matter. */
	assert_true(dnsname_wire_key(upper, sizeof(upper), 7) == k);
	/* The seed matters, and so does every byte, the length bytes included. */
	assert_true(dnsname_key("evil.example", 8) != k);
	assert_true(dnsname_key("evil.exampl", 7) != k);
	assert_true(dnsname_key("evi.lexample", 7) != k);
	assert_true(dnsname_key("a..b", 7) == 0);
}

/*
 * The property the XDP program relies on: walking a query name backwards in
 * wire form, the running value at each label's length byte, finished, is the
 * key of the suffix that starts there, i.e. dnsname_key() of the parent name
 * as a list would hold it. Checked independently of dnsname_suffix_keys,
 * whose output must agree too.
 */
static void check_suffix_walk(const char *name, uint64_t seed)
{
	struct dnsname_suffix sfx[DNSNAME_MAX_LABELS];
	uint8_t wire[DNSNAME_WIRE_MAX];
	size_t starts[DNSNAME_MAX_LABELS], nl = 0, pos = 0;
	int n = dnsname_to_wire(name, wire, sizeof(wire));
	uint64_t h = seed;
	int found = 0;

	assert_true(n > 0);
	while (pos < (size_t)n) {
		starts[nl++] = pos;
		pos += wire[pos] + 1u;
	}
	assert_int_equal(dnsname_suffix_keys(name, seed, sfx, DNSNAME_MAX_LABELS), (int)nl);
	for (pos = (size_t)n; pos-- > 0;) {
		size_t i;

		h = dnshash_step(h, wire[pos]);
		for (i = 0; i < nl; i++) {
			if (starts[i] != pos)
				continue;
			/* The length byte sits where the label starts in the text. */
			if (dnshash_finish(h) != dnsname_key(name + pos, seed))
				fail_msg("%s: suffix \"%s\" hashes differently", name, name + pos);
			assert_true(sfx[i].key == dnshash_finish(h));
			assert_int_equal(sfx[i].offset, pos);
			found++;
		}
	}
	assert_int_equal(found, (int)nl);
}

static void test_suffix_walk(void **state)
{
	static const size_t max[] = {63, 63, 63, 61};
	char name[DNSNAME_BUF];
	size_t i;

	(void)state;
	check_suffix_walk("a.b.evil.example", 0);
	check_suffix_walk("www.xn--bcher-kva.example", 0xfeedfacecafebeefULL);
	check_suffix_walk("com", 1);
	make_name(name, max, 4);
	check_suffix_walk(name, 99);
	/* 127 one-byte labels: the most a name can have. */
	for (i = 0; i < DNSNAME_MAX_LABELS; i++) {
		name[2 * i] = (char)('a' + i % 26);
		name[2 * i + 1] = '.';
	}
	name[2 * DNSNAME_MAX_LABELS - 1] = '\0';
	check_suffix_walk(name, 12345);
}

static void test_suffix_keys(void **state)
{
	struct dnsname_suffix sfx[4];

	(void)state;
	assert_int_equal(dnsname_suffix_keys("a.b.evil.example", 5, sfx, 4), 4);
	assert_true(sfx[0].key == dnsname_key("a.b.evil.example", 5));
	assert_true(sfx[1].key == dnsname_key("b.evil.example", 5));
	assert_true(sfx[2].key == dnsname_key("evil.example", 5));
	assert_true(sfx[3].key == dnsname_key("example", 5));
	assert_int_equal(sfx[0].offset, 0);
	assert_int_equal(sfx[1].offset, 2);
	assert_int_equal(sfx[2].offset, 4);
	assert_int_equal(sfx[3].offset, 9);
	assert_int_equal(dnsname_suffix_keys("a.b.evil.example", 5, sfx, 3), -1);
	assert_int_equal(dnsname_suffix_keys("", 5, sfx, 4), 0);
	assert_int_equal(dnsname_suffix_keys("a..b", 5, sfx, 4), -1);
	assert_int_equal(dnsname_suffix_keys("a.b", 5, NULL, 4), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_and_trailing_dot),
		cmocka_unit_test(test_underscore),
		cmocka_unit_test(test_idn),
		cmocka_unit_test(test_idn_bad),
		cmocka_unit_test(test_idn_limits),
		cmocka_unit_test(test_existing_alabels),
		cmocka_unit_test(test_bad_chars),
		cmocka_unit_test(test_hyphens),
		cmocka_unit_test(test_label_length),
		cmocka_unit_test(test_name_length),
		cmocka_unit_test(test_empty_labels),
		cmocka_unit_test(test_ip_addresses),
		cmocka_unit_test(test_single_label),
		cmocka_unit_test(test_output_room),
		cmocka_unit_test(test_not_nul_terminated),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_wire),
		cmocka_unit_test(test_wire_limits),
		cmocka_unit_test(test_key_known_answers),
		cmocka_unit_test(test_key_properties),
		cmocka_unit_test(test_suffix_walk),
		cmocka_unit_test(test_suffix_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
