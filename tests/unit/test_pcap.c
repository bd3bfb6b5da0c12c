// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for inspect/pcap.c: captures made by tcpdump (micro- and
 * nanosecond), the other byte order, and every way a file can be cut.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "inspect/pcap.h"
#include "inspect/pkt.h"
#include "testutil.h"

static uint8_t *load(const char *rel, size_t *len)
{
	char path[PATH_MAX];
	uint8_t *buf;

	assert_int_equal(repo_path(path, sizeof(path), rel), 0);
	buf = (uint8_t *)read_file(path, len);
	assert_non_null(buf);
	return buf;
}

/* Four ICMP frames of 98 bytes, the second a tenth of a second or so after the first. */
static void check_capture(const uint8_t *buf, size_t len)
{
	struct pcap_reader r;
	struct pcap_record rec;
	struct pkt_info info;
	uint64_t first = 0;
	char why[128];
	int n = 0;

	assert_int_equal(pcap_open(&r, buf, len, why, sizeof(why)), 0);
	while (pcap_next(&r, &rec, why, sizeof(why)) == 1) {
		assert_int_equal(rec.caplen, 98);
		assert_int_equal(rec.origlen, 98);
		assert_int_equal(pkt_parse(rec.frame, rec.caplen, &info), PKT_OTHER); /* ICMP */
		if (!n++)
			first = rec.ts_ns;
		assert_true(rec.ts_ns >= first);
		assert_true(rec.ts_ns - first < 5ull * 1000000000u);
	}
	assert_int_equal(n, 4);
	assert_true(first > 1700000000ull * 1000000000u); /* a real clock, in ns */
}

static void test_tcpdump_files(void **state)
{
	size_t len;
	uint8_t *buf = load("tests/fixtures/inspect/pcap/ping-usec.pcap", &len);

	check_capture(buf, len);
	free(buf);
	buf = load("tests/fixtures/inspect/pcap/ping-nsec.pcap", &len);
	check_capture(buf, len);
	free(buf);
}

/* The same capture written by a machine of the other byte order. */
static void test_swapped(void **state)
{
	static const int fields[] = {0, 16, 20};
	size_t len, off, i;
	uint8_t *buf = load("tests/fixtures/inspect/pcap/ping-usec.pcap", &len);
	uint32_t v;

	for (i = 0; i < 3; i++) {
		memcpy(&v, buf + fields[i], 4);
		v = __builtin_bswap32(v);
		memcpy(buf + fields[i], &v, 4);
	}
	for (off = 24; off + 16 <= len;) {
		uint32_t caplen;

		memcpy(&caplen, buf + off + 8, 4);
		for (i = 0; i < 4; i++) {
			memcpy(&v, buf + off + 4 * i, 4);
			v = __builtin_bswap32(v);
			memcpy(buf + off + 4 * i, &v, 4);
		}
		off += 16 + caplen;
	}
	check_capture(buf, len);
	free(buf);
}

static void test_cut_and_bad(void **state)
{
	size_t len, n;
	uint8_t *buf = load("tests/fixtures/inspect/pcap/ping-usec.pcap", &len);
	struct pcap_reader r;
	struct pcap_record rec;
	char why[128];
	int rc;

	/* Every cut inside a record is an error, at a record boundary a clean end. */
	for (n = 24; n < len; n++) {
		uint8_t *cut = malloc(n);

		memcpy(cut, buf, n);
		assert_int_equal(pcap_open(&r, cut, n, why, sizeof(why)), 0);
		while ((rc = pcap_next(&r, &rec, why, sizeof(why))) == 1)
			;
		assert_int_equal(rc, (n - 24) % (16 + 98) == 0 ? 0 : -1);
		free(cut);
	}
	assert_int_equal(pcap_open(&r, buf, 10, why, sizeof(why)), -1);
	buf[20] = 113; /* Linux cooked capture */
	assert_int_equal(pcap_open(&r, buf, len, why, sizeof(why)), -1);
	assert_string_equal(why, "link type 113 is not Ethernet");
	memcpy(buf, "\x0a\x0d\x0d\x0a", 4);
	assert_int_equal(pcap_open(&r, buf, len, why, sizeof(why)), -1);
	assert_string_equal(why, "a pcapng file: convert it (editcap -F pcap IN OUT)");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcpdump_files),
		cmocka_unit_test(test_swapped),
		cmocka_unit_test(test_cut_and_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
