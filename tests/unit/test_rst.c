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

/* A DNS query for bad.example.test (A, RD) with an EDNS OPT record, over IPv4/UDP. */
static size_t dns_query4(uint8_t *f)
{
	static const uint8_t q[] = {0x12, 0x34, 0x01, 0x00, 0,	 1,   0,   0,	0,   0,	  0,   1,
				    3,	  'b',	'a',  'd',  7,	 'e', 'x', 'a', 'm', 'p', 'l', 'e',
				    4,	  't',	'e',  's',  't', 0,   0,   1,	0,   1,	  0,   0,
				    0x29, 0x10, 0,    0,    0,	 0,   0,   0,	0};
	size_t n = frame4(f, 0, 0);
	uint8_t *ip = f + 14, *u = ip + 20;

	(void)n;
	ip[9] = IPPROTO_UDP;
	ip[2] = 0, ip[3] = (uint8_t)(20 + 8 + sizeof(q));
	u[0] = 0x9c, u[1] = 0x41; /* 40001 */
	u[2] = 0, u[3] = 53;
	u[4] = 0, u[5] = (uint8_t)(8 + sizeof(q));
	u[6] = 0, u[7] = 0;
	memcpy(u + 8, q, sizeof(q));
	return 14 + 20 + 8 + sizeof(q);
}

static void test_dns_nxdomain(void **state)
{
	uint8_t f[160], r[NXDOMAIN_FRAME_MAX], pseudo[12];
	size_t n = dns_query4(f), m;
	const uint8_t *ip = r + 14, *u = ip + 20, *d = u + 8;

	m = dns_nxdomain_build(f, n, r);
	assert_int_equal(m, 14 + 20 + 8 + 34); /* the question kept, EDNS dropped */
	assert_memory_equal(r, f + 6, 6);      /* back to the sender */
	assert_memory_equal(r + 6, f, 6);
	assert_memory_equal(ip + 12, f + 14 + 16, 4); /* from the server asked */
	assert_memory_equal(ip + 16, f + 14 + 12, 4);
	assert_int_equal(u[0] << 8 | u[1], 53);
	assert_int_equal(u[2] << 8 | u[3], 40001);
	assert_int_equal(d[0], 0x12); /* the query's id */
	assert_int_equal(d[1], 0x34);
	assert_int_equal(d[2], 0x81); /* QR, RD */
	assert_int_equal(d[3], 0x83); /* RA, NXDOMAIN */
	assert_int_equal(d[5], 1);
	assert_int_equal(d[7] | d[9] | d[11], 0);
	assert_memory_equal(d + 12, f + 14 + 20 + 8 + 12, 22);
	assert_int_equal(csum(ip, 20, 0), 0xffff);
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0, pseudo[9] = IPPROTO_UDP, pseudo[10] = 0, pseudo[11] = 8 + 34;
	assert_int_equal(csum(u, 8 + 34, csum(pseudo, 12, 0)), 0xffff);
	/* an answer is not answered, nor a cut question, nor TCP */
	f[14 + 20 + 8 + 2] = 0x81;
	assert_int_equal(dns_nxdomain_build(f, n, r), 0);
	f[14 + 20 + 8 + 2] = 0x01;
	assert_int_equal(dns_nxdomain_build(f, 14 + 20 + 8 + 20, r), 0);
	f[14 + 9] = IPPROTO_TCP;
	assert_int_equal(dns_nxdomain_build(f, n, r), 0);
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
		cmocka_unit_test(test_both_ways_v4),	cmocka_unit_test(test_syn_and_vlan),
		cmocka_unit_test(test_udp_unreachable), cmocka_unit_test(test_not_tcp),
		cmocka_unit_test(test_dns_nxdomain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
