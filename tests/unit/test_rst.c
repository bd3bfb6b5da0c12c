// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Unit tests for inspect/rst.c: the resets of reject rules, both ways, v4 and v6. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "inspect/pkt.h"
#include "inspect/rst.h"

static size_t frame4(uint8_t *f, uint8_t flags, int vlan)
{
	static const uint8_t macs[12] = {2, 0, 0, 0, 0, 0xaa, 2, 0, 0, 0, 0, 0xbb};
	size_t o = 12;
	uint8_t *ip, *t;

	memcpy(f, macs, 12);
	if (vlan) {
		f[o++] = 0x81, f[o++] = 0, f[o++] = 0, f[o++] = 100;
	}
	f[o++] = 0x08, f[o++] = 0;
	ip = f + o;
	memset(ip, 0, 20 + 20 + 5);
	ip[0] = 0x45, ip[3] = 45, ip[8] = 64, ip[9] = IPPROTO_TCP;
	inet_pton(AF_INET, "10.99.0.10", ip + 12);
	inet_pton(AF_INET, "198.51.100.10", ip + 16);
	t = ip + 20;
	t[0] = 0x9c, t[1] = 0x40; /* 40000 */
	t[3] = 80;
	t[4] = 0, t[5] = 0, t[6] = 0x03, t[7] = 0xe8; /* seq 1000 */
	t[10] = 0xc3, t[11] = 0x50;		      /* ack 50000 */
	t[12] = 0x50, t[13] = flags;
	memcpy(t + 20, "GET /", 5);
	return o + 45;
}

/* The 16-bit one's complement sum of a region plus an initial value, folded. */
static uint16_t csum(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void check_checksums4(const uint8_t *ip)
{
	uint8_t pseudo[12];

	assert_int_equal(csum(ip, 20, 0), 0xffff);
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0, pseudo[9] = IPPROTO_TCP, pseudo[10] = 0, pseudo[11] = 20;
	assert_int_equal(csum(ip + 20, 20, csum(pseudo, 12, 0)), 0xffff);
}

static void test_both_ways_v4(void **state)
{
	uint8_t f[128], r[RST_FRAME_MAX];
	struct pkt_info p;
	size_t n = frame4(f, PKT_TCP_ACK | 0x08, 0);

	assert_int_equal(rst_build(f, n, RST_TO_SENDER, r), 54);
	assert_int_equal(pkt_parse(r, 54, &p), PKT_OK);
	assert_memory_equal(r, f + 6, 6); /* back to the sender's MAC */
	assert_int_equal(p.tuple.sport, 80);
	assert_int_equal(p.tuple.dport, 40000);
	assert_int_equal(p.tuple.saddr[0], 198);
	assert_int_equal(p.tcp_flags, PKT_TCP_RST);
	assert_int_equal(p.seq, 50000); /* what the sender acknowledged */
	assert_int_equal(p.payload_len, 0);
	check_checksums4(r + 14);
	assert_int_equal(rst_build(f, n, RST_TO_RECEIVER, r), 54);
	assert_int_equal(pkt_parse(r, 54, &p), PKT_OK);
	assert_memory_equal(r, f, 12);
	assert_int_equal(p.tuple.sport, 40000);
	assert_int_equal(p.seq, 1000);
	check_checksums4(r + 14);
}

static void test_syn_and_vlan(void **state)
{
	uint8_t f[128], r[RST_FRAME_MAX];
	struct pkt_info p;
	size_t n = frame4(f, PKT_TCP_SYN, 1);

	/* a SYN (with 5 bytes of data here) is answered RST+ACK of what it sent */
	assert_int_equal(rst_build(f, n, RST_TO_SENDER, r), 58);
	assert_int_equal(pkt_parse(r, 58, &p), PKT_OK);
	assert_int_equal(p.vlan, 100);
	assert_int_equal(p.tcp_flags, PKT_TCP_RST | PKT_TCP_ACK);
	assert_int_equal(p.ack, 1000 + 5 + 1);
	check_checksums4(r + 18);
}

static void test_udp_unreachable(void **state)
{
	uint8_t f[128], r[UNREACH_FRAME_MAX];
	struct pkt_info p;
	size_t n = frame4(f, 0, 0), m;

	f[14 + 9] = IPPROTO_UDP;
	f[14 + 20 + 4] = 0, f[14 + 20 + 5] = 13; /* UDP length */
	m = unreach_build(f, n, r);
	assert_int_equal(m, 14 + 20 + 8 + 28);
	assert_memory_equal(r, f + 6, 6);
	assert_int_equal(pkt_parse(r, m, &p), PKT_OTHER); /* ICMP */
	assert_int_equal(r[14 + 9], IPPROTO_ICMP);
	assert_int_equal(r[14 + 12], 198); /* from the destination */
	assert_int_equal(r[14 + 20], 3);
	assert_int_equal(r[14 + 21], 3);
	assert_memory_equal(r + 14 + 28, f + 14, 28); /* the quote */
	assert_int_equal(csum(r + 14, 20, 0), 0xffff);
	assert_int_equal(csum(r + 14 + 20, 8 + 28, 0), 0xffff);
	/* Not for TCP */
	f[14 + 9] = IPPROTO_TCP;
	assert_int_equal(unreach_build(f, n, r), 0);
}

static void test_not_tcp(void **state)
{
	uint8_t f[128], r[RST_FRAME_MAX];
	size_t n = frame4(f, PKT_TCP_ACK, 0);

	f[14 + 9] = IPPROTO_UDP;
	assert_int_equal(rst_build(f, n, RST_TO_SENDER, r), 0);
	assert_int_equal(rst_build(f, 20, RST_TO_SENDER, r), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_ways_v4),
		cmocka_unit_test(test_syn_and_vlan),
		cmocka_unit_test(test_udp_unreachable),
		cmocka_unit_test(test_not_tcp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
