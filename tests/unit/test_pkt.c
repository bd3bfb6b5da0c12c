// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Unit tests for inspect/pkt.c: frame headers as the inspector reads them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "inspect/pkt.h"

struct frame {
	uint8_t b[256];
	size_t len;
};

static void put(struct frame *f, const void *p, size_t n)
{
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static void put16(struct frame *f, uint16_t v)
{
	uint8_t b[2] = {v >> 8, v & 0xff};

	put(f, b, 2);
}

static void eth(struct frame *f, uint16_t type, int vlan)
{
	static const uint8_t macs[12] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2};

	f->len = 0;
	put(f, macs, 12);
	if (vlan) {
		put16(f, 0x8100);
		put16(f, (uint16_t)vlan);
	}
	put16(f, type);
}

static void ip4(struct frame *f, uint8_t proto, uint16_t l4len, int ihl_words)
{
	uint8_t h[24] = {0x40 | ihl_words, 0, 0, 0, 0, 0, 0x40, 0, 64, proto};
	uint16_t tot = (uint16_t)(ihl_words * 4 + l4len);

	h[2] = tot >> 8;
	h[3] = tot & 0xff;
	inet_pton(AF_INET, "10.0.0.10", h + 12);
	inet_pton(AF_INET, "198.51.100.10", h + 16);
	put(f, h, (size_t)ihl_words * 4);
}

static void tcp(struct frame *f, uint16_t sport, uint16_t dport, uint8_t flags, size_t payload)
{
	uint8_t h[20] = {0};

	h[0] = sport >> 8, h[1] = sport & 0xff, h[2] = dport >> 8, h[3] = dport & 0xff;
	h[4] = 0x11, h[7] = 0x22; /* seq 0x11000022 */
	h[11] = 0x05;		  /* ack 5 */
	h[12] = 0x50;
	h[13] = flags;
	put(f, h, 20);
	memset(f->b + f->len, 'x', payload);
	f->len += payload;
}

static void test_tcp4(void **state)
{
	struct pkt_info i;
	struct frame f;

	eth(&f, 0x0800, 0);
	ip4(&f, IPPROTO_TCP, 20 + 10, 5);
	tcp(&f, 40000, 80, PKT_TCP_ACK | PKT_TCP_FIN, 10);
	memset(f.b + f.len, 0, 8); /* Ethernet padding past the IP packet */
	f.len += 8;
	assert_int_equal(pkt_parse(f.b, f.len, &i), PKT_OK);
	assert_int_equal(i.tuple.family, 4);
	assert_int_equal(i.tuple.proto, IPPROTO_TCP);
	assert_int_equal(i.tuple.sport, 40000);
	assert_int_equal(i.tuple.dport, 80);
	assert_int_equal(i.tcp_flags, PKT_TCP_ACK | PKT_TCP_FIN);
	assert_int_equal(i.seq, 0x11000022);
	assert_int_equal(i.ack, 5);
	assert_int_equal(i.payload_off, 14 + 20 + 20);
	assert_int_equal(i.payload_len, 10);
	assert_int_equal(i.tuple.saddr[0], 10);
	assert_int_equal(i.tuple.daddr[0], 198);
}

static void test_vlan_udp6(void **state)
{
	uint8_t h6[40] = {0x60, 0, 0, 0, 0, 12, IPPROTO_UDP, 64};
	uint8_t udp[12] = {0xa0, 0x00, 0x00, 0x35, 0, 12, 0, 0, 'a', 'b', 'c', 'd'};
	struct pkt_info i;
	struct frame f;

	eth(&f, 0x86dd, 100);
	inet_pton(AF_INET6, "fd00::10", h6 + 8);
	inet_pton(AF_INET6, "2001:db8::53", h6 + 24);
	put(&f, h6, 40);
	put(&f, udp, 12);
	assert_int_equal(pkt_parse(f.b, f.len, &i), PKT_OK);
	assert_int_equal(i.vlan, 100);
	assert_int_equal(i.tuple.family, 6);
	assert_int_equal(i.tuple.sport, 0xa000);
	assert_int_equal(i.tuple.dport, 53);
	assert_int_equal(i.payload_len, 4);
	assert_int_equal(i.payload_off, 18 + 40 + 8);
}

static void test_other_and_malformed(void **state)
{
	struct pkt_info i;
	struct frame f;

	eth(&f, 0x0806, 0); /* ARP */
	memset(f.b + f.len, 0, 28);
	f.len += 28;
	assert_int_equal(pkt_parse(f.b, f.len, &i), PKT_OTHER);
	eth(&f, 0x0800, 0);
	ip4(&f, IPPROTO_TCP, 20, 6); /* IPv4 options */
	tcp(&f, 1, 2, 0, 0);
	assert_int_equal(pkt_parse(f.b, f.len, &i), PKT_OTHER);
	eth(&f, 0x0800, 0);
	ip4(&f, IPPROTO_ICMP, 8, 5);
	memset(f.b + f.len, 0, 8);
	f.len += 8;
	assert_int_equal(pkt_parse(f.b, f.len, &i), PKT_OTHER);
	eth(&f, 0x0800, 0);
	ip4(&f, IPPROTO_TCP, 20 + 100, 5); /* the IP length announces more than the frame */
	tcp(&f, 1, 2, 0, 0);
	assert_int_equal(pkt_parse(f.b, f.len, &i), PKT_MALFORMED);
	eth(&f, 0x0800, 0);
	ip4(&f, IPPROTO_TCP, 20, 5);
	tcp(&f, 1, 2, 0, 0);
	f.b[14 + 20 + 12] = 0xf0; /* data offset 60 bytes in a 20-byte segment */
	assert_int_equal(pkt_parse(f.b, f.len, &i), PKT_MALFORMED);
	assert_int_equal(pkt_parse(f.b, 13, &i), PKT_MALFORMED);
	/* Every cut of a good frame is refused or not TCP, never read past. */
	eth(&f, 0x0800, 0);
	ip4(&f, IPPROTO_TCP, 20, 5);
	tcp(&f, 1, 2, 0, 0);
	for (size_t n = 0; n < f.len; n++)
		assert_int_equal(pkt_parse(f.b, n, &i), PKT_MALFORMED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp4),
		cmocka_unit_test(test_vlan_udp6),
		cmocka_unit_test(test_other_and_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
