// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for inspect/dns.c: queries made by dig and answers from
 * dnsmasq (tests/fixtures/inspect/dns/README.md), hand-built compression
 * loops and truncations, and DNS-over-TCP framing split at every offset.
 * Buffers are exact-size heap copies so that ASan sees reads past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/dns.h"

static uint8_t *fixture(const char *name, size_t *len)
{
	char rel[128], path[PATH_MAX];
	char *buf;

	snprintf(rel, sizeof(rel), "tests/fixtures/inspect/dns/%s", name);
	assert_int_equal(repo_path(path, sizeof(path), rel), 0);
	buf = read_file(path, len);
	if (!buf)
		fail_msg("cannot read fixture %s", path);
	return (uint8_t *)buf;
}

/* Parse an exact-size copy of len bytes. */
static enum dnsmsg_error parse(const void *data, size_t len, struct dnsmsg *m)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum dnsmsg_error err;

	assert_non_null(copy);
	memcpy(copy, data, len);
	err = dnsmsg_parse(copy, len, m);
	free(copy);
	return err;
}

static struct dnsmsg msg; /* large: keep it off the stack */

static void test_query_from_dig(void **state)
{
	size_t len;
	uint8_t *q = fixture("alias-a.query", &len);
	char buf[16];

	assert_int_equal(dnsmsg_parse(q, len, &msg), DNSMSG_OK);
	assert_int_equal(msg.id, 0xdfe3);
	assert_int_equal(msg.flags, 0x0120);
	assert_int_equal(msg.qr, 0);
	assert_int_equal(msg.rd, 1);
	assert_int_equal(msg.ad, 1);
	assert_int_equal(msg.qdcount, 1);
	assert_int_equal(msg.arcount, 1);
	assert_int_equal(msg.n_questions, 1);
	assert_string_equal(msg.questions[0].name.text, "alias.example.test");
	assert_int_equal(msg.questions[0].name.labels, 3);
	assert_int_equal(msg.questions[0].qtype, DNSMSG_TYPE_A);
	assert_int_equal(msg.questions[0].qclass, 1);
	/* The EDNS OPT record: root name, type 41, UDP size 1232. */
	assert_int_equal(msg.n_rrs, 1);
	assert_int_equal(msg.rrs[0].section, DNSMSG_ADDITIONAL);
	assert_string_equal(msg.rrs[0].name.text, "");
	assert_int_equal(msg.rrs[0].type, 41);
	assert_int_equal(msg.rrs[0].rclass, 1232);
	assert_int_equal(msg.rrs[0].rdlength, 12);
	assert_string_equal(dnsmsg_type_name(41, buf, sizeof(buf)), "OPT");
	assert_int_equal(msg.parsed, len);
	assert_int_equal(msg.trailing, 0);
	free(q);
}

static void test_cname_answer(void **state)
{
	size_t len;
	uint8_t *r = fixture("alias-a.response", &len);
	static const uint8_t addr[4] = {192, 0, 2, 10};
	char buf[16];

	assert_int_equal(dnsmsg_parse(r, len, &msg), DNSMSG_OK);
	assert_int_equal(msg.qr, 1);
	assert_int_equal(msg.aa, 1);
	assert_int_equal(msg.ra, 1);
	assert_string_equal(dnsmsg_rcode_name(msg.rcode, buf, sizeof(buf)), "NOERROR");
	assert_int_equal(msg.n_rrs, 3);
	/* alias.example.test CNAME www.example.test (rrname compressed to the question). */
	assert_int_equal(msg.rrs[0].section, DNSMSG_ANSWER);
	assert_string_equal(msg.rrs[0].name.text, "alias.example.test");
	assert_int_equal(msg.rrs[0].name.hops, 1);
	assert_int_equal(msg.rrs[0].type, DNSMSG_TYPE_CNAME);
	assert_int_equal(msg.rrs[0].ttl, 0);
	assert_int_equal(msg.rrs[0].kind, DNSMSG_RDATA_NAME);
	assert_string_equal(msg.rrs[0].target.text, "www.example.test");
	/* www.example.test A 192.0.2.10, its name a pointer into the CNAME rdata. */
	assert_string_equal(msg.rrs[1].name.text, "www.example.test");
	assert_int_equal(msg.rrs[1].type, DNSMSG_TYPE_A);
	assert_int_equal(msg.rrs[1].kind, DNSMSG_RDATA_ADDR);
	assert_memory_equal(msg.rrs[1].addr, addr, 4);
	assert_string_equal(dnsmsg_type_name(msg.rrs[1].type, buf, sizeof(buf)), "A");
	free(r);
}

static void test_aaaa_and_case(void **state)
{
	size_t len;
	uint8_t *r = fixture("www-aaaa.response", &len);
	static const uint8_t addr[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x10};

	assert_int_equal(dnsmsg_parse(r, len, &msg), DNSMSG_OK);
	/* dig sent WWW.Example.Test: the case is kept, as Suricata keeps it. */
	assert_string_equal(msg.questions[0].name.text, "WWW.Example.Test");
	assert_int_equal(msg.questions[0].qtype, DNSMSG_TYPE_AAAA);
	assert_int_equal(msg.rrs[0].type, DNSMSG_TYPE_AAAA);
	assert_string_equal(msg.rrs[0].name.text, "WWW.Example.Test");
	assert_memory_equal(msg.rrs[0].addr, addr, 16);
	free(r);
}

static void test_nxdomain(void **state)
{
	size_t len;
	uint8_t *r = fixture("nx-a.response", &len);
	char buf[16];

	assert_int_equal(dnsmsg_parse(r, len, &msg), DNSMSG_OK);
	assert_int_equal(msg.rcode, 3);
	assert_string_equal(dnsmsg_rcode_name(msg.rcode, buf, sizeof(buf)), "NXDOMAIN");
	assert_string_equal(dnsmsg_rcode_name(14, buf, sizeof(buf)), "14");
	assert_string_equal(dnsmsg_type_name(4242, buf, sizeof(buf)), "4242");
	assert_int_equal(msg.ancount, 0);
	assert_string_equal(msg.questions[0].name.text, "nothere.example.test");
	free(r);
}

/* Every shorter prefix of a real response is refused, and never read past. */
static void test_truncated_every_length(void **state)
{
	size_t len, n;
	uint8_t *r = fixture("alias-a.response", &len);

	for (n = 0; n < len; n++)
		assert_int_equal(parse(r, n, &msg),
				 n < DNSMSG_HEADER_LEN ? DNSMSG_ERR_SHORT : DNSMSG_ERR_TRUNCATED);
	free(r);
}

/* A header with one question followed by the given name bytes and type/class. */
static size_t question_msg(uint8_t *m, const void *name, size_t n)
{
	static const uint8_t hdr[12] = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};

	memcpy(m, hdr, 12);
	memcpy(m + 12, name, n);
	memcpy(m + 12 + n, "\x00\x01\x00\x01", 4);
	return 12 + n + 4;
}

static void test_compression_loops(void **state)
{
	uint8_t m[600];
	size_t n;
	/* Pointer to itself (offset 12). */
	static const uint8_t self[] = {0xc0, 12};
	/* "a" then a pointer back to the "a": a two-step loop. */
	static const uint8_t back_to_run[] = {1, 'a', 0xc0, 12};
	/* A forward pointer (to offset 20). */
	static const uint8_t forward[] = {0xc0, 20, 0, 0, 0, 0, 0, 0, 1, 'x', 0};
	/* Into the header. */
	static const uint8_t header[] = {0xc0, 2};
	/* Reserved label types 01 and 10. */
	static const uint8_t ext40[] = {0x41, 'a', 0};
	static const uint8_t ext80[] = {0x81, 'a', 0};
	/* A pointer whose second byte is missing. */
	static const uint8_t cut_ptr[] = {1, 'a', 0xc0};

	n = question_msg(m, self, sizeof(self));
	assert_int_equal(parse(m, n, &msg), DNSMSG_ERR_POINTER_LOOP);
	n = question_msg(m, back_to_run, sizeof(back_to_run));
	assert_int_equal(parse(m, n, &msg), DNSMSG_ERR_POINTER_LOOP);
	n = question_msg(m, forward, sizeof(forward));
	assert_int_equal(parse(m, n, &msg), DNSMSG_ERR_POINTER_LOOP);
	n = question_msg(m, header, sizeof(header));
	assert_int_equal(parse(m, n, &msg), DNSMSG_ERR_POINTER_LOOP);
	n = question_msg(m, ext40, sizeof(ext40));
	assert_int_equal(parse(m, n, &msg), DNSMSG_ERR_LABEL_TYPE);
	n = question_msg(m, ext80, sizeof(ext80));
	assert_int_equal(parse(m, n, &msg), DNSMSG_ERR_LABEL_TYPE);
	memcpy(m, "\x12\x34\x01\x00\x00\x01\0\0\0\0\0\0", 12);
	memcpy(m + 12, cut_ptr, sizeof(cut_ptr));
	assert_int_equal(parse(m, 12 + sizeof(cut_ptr), &msg), DNSMSG_ERR_TRUNCATED);
	assert_string_equal(dnsmsg_strerror(DNSMSG_ERR_POINTER_LOOP),
			    "compression pointer not backwards");
}

/* A chain of pointers, each to the one before: allowed up to DNSMSG_MAX_HOPS. */
static void test_pointer_chain(void **state)
{
	uint8_t m[600];
	struct dnsmsg_name name;
	size_t pos, i, n = 12;
	static const uint8_t hdr[12] = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};

	memcpy(m, hdr, 12);
	memcpy(m + n,
	       "\x03"
	       "www\x04test\x00",
	       10);
	n += 10;
	/* Pointer k at 22 + 2k leads to pointer k-1 (or to the name for k = 0). */
	for (i = 0; i <= DNSMSG_MAX_HOPS; i++) {
		size_t target = i == 0 ? 12 : n - 2;

		m[n] = (uint8_t)(0xc0 | target >> 8);
		m[n + 1] = (uint8_t)target;
		n += 2;
	}
	/* Pointer number DNSMSG_MAX_HOPS - 1 needs exactly DNSMSG_MAX_HOPS jumps. */
	pos = 22 + 2 * (DNSMSG_MAX_HOPS - 1);
	assert_int_equal(dnsmsg_name_read(m, n, &pos, &name), DNSMSG_OK);
	assert_string_equal(name.text, "www.test");
	assert_int_equal(name.hops, DNSMSG_MAX_HOPS);
	assert_int_equal(pos, 22 + 2 * DNSMSG_MAX_HOPS);
	pos = 22 + 2 * DNSMSG_MAX_HOPS;
	assert_int_equal(dnsmsg_name_read(m, n, &pos, &name), DNSMSG_ERR_TOO_MANY_HOPS);
}

static void test_name_length_limits(void **state)
{
	uint8_t m[600], name[300];
	size_t n, i, o = 0;

	/* Four labels of 63 and one of 61: 4 * 64 + 62 + 1 = 319 wire bytes, too long. */
	for (i = 0; i < 5; i++) {
		size_t l = i < 4 ? 63 : 61;

		if (o + 1 + l > sizeof(name) - 1)
			break;
		name[o++] = (uint8_t)l;
		memset(name + o, 'a', l);
		o += l;
	}
	name[o++] = 0;
	n = question_msg(m, name, o);
	assert_int_equal(parse(m, n, &msg), DNSMSG_ERR_NAME_TOO_LONG);

	/* Exactly 255 wire bytes: 3 * 64 + 62 + root = 255, text of 253. */
	o = 0;
	for (i = 0; i < 4; i++) {
		size_t l = i < 3 ? 63 : 61;

		name[o++] = (uint8_t)l;
		memset(name + o, 'b', l);
		o += l;
	}
	name[o++] = 0;
	assert_int_equal(o, 255);
	n = question_msg(m, name, o);
	assert_int_equal(parse(m, n, &msg), DNSMSG_OK);
	assert_int_equal(msg.questions[0].name.len, 253);
	assert_int_equal(strlen(msg.questions[0].name.text), 253);
	/* One more byte in the last label: 256. */
	name[3 * 64] = 62;
	memmove(name + 3 * 64 + 1 + 62, name + 3 * 64 + 1 + 61, 1);
	name[3 * 64 + 62] = 'b';
	n = question_msg(m, name, 256);
	assert_int_equal(parse(m, n, &msg), DNSMSG_ERR_NAME_TOO_LONG);
}

static void test_rdata_checks(void **state)
{
	size_t len;
	uint8_t *r = fixture("alias-a.response", &len);
	uint8_t m[200];

	memcpy(m, r, len);
	/* Question: 12..35; CNAME answer: name 36, rdlength 46..47 (18), rdata 48..65. */
	assert_int_equal(m[46], 0x00);
	assert_int_equal(m[47], 0x12);
	m[47] = 0x11; /* CNAME rdata one byte shorter than its name */
	assert_int_equal(parse(m, len, &msg), DNSMSG_ERR_RDATA);
	assert_int_equal(msg.n_questions, 1); /* what came before the fault is kept */
	assert_string_equal(msg.questions[0].name.text, "alias.example.test");
	memcpy(m, r, len);
	/* A answer: name 66, rdlength 76..77: 5 instead of 4. */
	assert_int_equal(m[77], 4);
	m[77] = 5;
	assert_int_equal(parse(m, len, &msg), DNSMSG_ERR_RDATA);
	/* Lying counts: more answers than there are. */
	memcpy(m, r, len);
	m[7] = 9;
	assert_int_equal(parse(m, len, &msg), DNSMSG_ERR_TRUNCATED);
	free(r);
}

static void test_name_text(void **state)
{
	struct dnsmsg_name name = {0};
	char out[DNSMSG_NAME_TEXT_MAX];

	memcpy(name.text, "caf\xc3\xa9.example", 13);
	name.len = 13;
	assert_int_equal(dnsmsg_name_text(&name, out, sizeof(out)), 13);
	assert_string_equal(out, "caf\xc3\xa9.example");
	/* Not UTF-8: high bytes as \xNN. */
	memcpy(name.text, "a\xff\xc3.b", 5);
	name.len = 5;
	assert_int_equal(dnsmsg_name_text(&name, out, sizeof(out)), 11);
	assert_string_equal(out, "a\\xff\\xc3.b");
}

/* ---- TCP ----------------------------------------------------------------- */

struct seen {
	unsigned int n;
	size_t len[8];
	uint16_t id[8];
	int stop_after;
};

static int collect(const uint8_t *m, size_t len, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 8) {
		s->len[s->n] = len;
		s->id[s->n] = len >= 2 ? (uint16_t)(m[0] << 8 | m[1]) : 0;
		assert_int_equal(dnsmsg_parse(m, len, &msg), DNSMSG_OK);
	}
	s->n++;
	return s->stop_after && s->n == (unsigned int)s->stop_after;
}

static long tcp_feed_copy(struct dnsmsg_tcp *t, const uint8_t *data, size_t len, struct seen *s)
{
	uint8_t *copy = malloc(len ? len : 1);
	long ret;

	assert_non_null(copy);
	memcpy(copy, data, len);
	ret = dnsmsg_tcp_feed(t, copy, len, collect, s);
	free(copy);
	return ret;
}

static void test_tcp_split_every_offset(void **state)
{
	size_t qlen, rlen, len, cut, i;
	uint8_t *q = fixture("alias-a.tcpquery", &qlen);
	uint8_t *r = fixture("alias-a.tcpresponse", &rlen);
	uint8_t stream[512], buf[512];
	struct dnsmsg_tcp t;
	struct seen s;

	/* Two pipelined messages (query then response: same framing), and an empty one. */
	memcpy(stream, q, qlen);
	memcpy(stream + qlen, "\x00\x00", 2);
	memcpy(stream + qlen + 2, r, rlen);
	len = qlen + 2 + rlen;
	for (cut = 0; cut <= len; cut++) {
		memset(&s, 0, sizeof(s));
		dnsmsg_tcp_init(&t, buf, sizeof(buf));
		tcp_feed_copy(&t, stream, cut, &s);
		tcp_feed_copy(&t, stream + cut, len - cut, &s);
		assert_int_equal(s.n, 2);
		assert_int_equal(s.len[0], 59);
		assert_int_equal(s.len[1], 93);
		assert_int_equal(s.id[0], 0x8789);
		assert_int_equal(s.id[1], 0x8789);
		assert_int_equal(t.messages, 2);
		assert_int_equal(t.empty, 1);
	}
	memset(&s, 0, sizeof(s));
	dnsmsg_tcp_init(&t, buf, sizeof(buf));
	for (i = 0; i < len; i++)
		tcp_feed_copy(&t, stream + i, 1, &s);
	assert_int_equal(s.n, 2);
	assert_string_equal(msg.questions[0].name.text, "alias.example.test");

	/* A 60-byte cap: the 93-byte response is skipped, the query after it still read. */
	memcpy(stream, r, rlen);
	memcpy(stream + rlen, q, qlen);
	memset(&s, 0, sizeof(s));
	dnsmsg_tcp_init(&t, buf, 60);
	for (i = 0; i < rlen + qlen; i += 10)
		tcp_feed_copy(&t, stream + i, rlen + qlen - i < 10 ? rlen + qlen - i : 10, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.len[0], 59);
	assert_int_equal(t.oversized, 1);

	/* The callback stops the feed. */
	memcpy(stream, q, qlen);
	memcpy(stream + qlen, q, qlen);
	memset(&s, 0, sizeof(s));
	s.stop_after = 1;
	dnsmsg_tcp_init(&t, buf, sizeof(buf));
	assert_int_equal(tcp_feed_copy(&t, stream, 2 * qlen, &s), -1);
	assert_int_equal(s.n, 1);
	free(q);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_from_dig),
		cmocka_unit_test(test_cname_answer),
		cmocka_unit_test(test_aaaa_and_case),
		cmocka_unit_test(test_nxdomain),
		cmocka_unit_test(test_truncated_every_length),
		cmocka_unit_test(test_compression_loops),
		cmocka_unit_test(test_pointer_chain),
		cmocka_unit_test(test_name_length_limits),
		cmocka_unit_test(test_rdata_checks),
		cmocka_unit_test(test_name_text),
		cmocka_unit_test(test_tcp_split_every_offset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
