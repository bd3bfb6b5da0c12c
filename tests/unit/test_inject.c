// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Unit tests for inspect/inject.c: the server-side segments that carry a block page. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "inspect/inject.h"
#include "inspect/pkt.h"
#include "inspect/rst.h"
#include "lib/inetsum.h"

#define REQ "GET /x HTTP/1.1\r\nHost: blocked.example\r\n\r\n"

static const uint8_t mac_c[6] = {2, 0, 0, 0, 0, 0xaa}, mac_s[6] = {2, 0, 0, 0, 0, 0xbb};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * The client's request: 10.99.0.10:40000 -> 198.51.100.10:80 (or the v6
 * pair), seq 1000, ack 0xfffffff0 (so that the reply's seq wraps), PSH|ACK,
 * REQ as payload; optional VLAN tag and timestamp option.
 */
static size_t request(uint8_t *f, int fam, int vlan, int ts)
{
	size_t o = 12, iphl = fam == 4 ? 20 : 40, thl = ts ? 32 : 20, plen = strlen(REQ);
	uint8_t *ip, *t;

	memcpy(f, mac_s, 6);
	memcpy(f + 6, mac_c, 6);
	if (vlan) {
		f[o++] = 0x81, f[o++] = 0, f[o++] = 0, f[o++] = 100;
	}
	f[o++] = fam == 4 ? 0x08 : 0x86, f[o++] = fam == 4 ? 0 : 0xdd;
	ip = f + o;
	memset(ip, 0, iphl + thl);
	if (fam == 4) {
		ip[0] = 0x45, ip[2] = (uint8_t)((20 + thl + plen) >> 8);
		ip[3] = (uint8_t)(20 + thl + plen);
		ip[4] = 0x12, ip[5] = 0x34, ip[6] = 0x40, ip[8] = 64, ip[9] = IPPROTO_TCP;
		inet_pton(AF_INET, "10.99.0.10", ip + 12);
		inet_pton(AF_INET, "198.51.100.10", ip + 16);
	} else {
		ip[0] = 0x60, ip[4] = 0, ip[5] = (uint8_t)(thl + plen), ip[6] = IPPROTO_TCP;
		ip[7] = 64;
		inet_pton(AF_INET6, "fd00::10", ip + 8);
		inet_pton(AF_INET6, "2001:db8::10", ip + 24);
	}
	t = ip + iphl;
	t[0] = 0x9c, t[1] = 0x40; /* 40000 */
	t[3] = 80;
	put32(t + 4, 1000);
	put32(t + 8, 0xfffffff0u);
	t[12] = (uint8_t)(thl / 4) << 4, t[13] = PKT_TCP_ACK | PKT_TCP_PSH;
	t[14] = 0xff, t[15] = 0xff;
	if (ts) { /* NOP NOP TS(val 0x11111111, ecr 0x22222222) */
		t[20] = 1, t[21] = 1, t[22] = 8, t[23] = 10;
		put32(t + 24, 0x11111111), put32(t + 28, 0x22222222);
	}
	memcpy(t + thl, REQ, plen);
	return o + iphl + thl + plen;
}

/* The frame's IPv4 header and TCP checksums verify (summing to 0 with the pseudo-header). */
static void check_sums(const uint8_t *f, size_t len, const struct pkt_info *p)
{
	const uint8_t *ip = f + (f[12] == 0x81 ? 18 : 14), *tcp;
	uint8_t pseudo[40];
	size_t a = p->tuple.family == 4 ? 4 : 16, tl;
	uint32_t s;

	if (p->tuple.family == 4) {
		assert_int_equal(inetsum_final(inetsum_add(0, ip, 20)), 0);
		tcp = ip + 20;
	} else {
		tcp = ip + 40;
	}
	tl = len - (size_t)(tcp - f);
	memcpy(pseudo, p->tuple.saddr, a);
	memcpy(pseudo + a, p->tuple.daddr, a);
	pseudo[2 * a] = 0, pseudo[2 * a + 1] = IPPROTO_TCP;
	pseudo[2 * a + 2] = (uint8_t)(tl >> 8), pseudo[2 * a + 3] = (uint8_t)tl;
	s = inetsum_add(0, pseudo, 2 * a + 4);
	assert_int_equal(inetsum_final(inetsum_add(s, tcp, tl)), 0);
}

static uint8_t bufs[8][INJECT_FRAME_MAX(INJECT_MSS_DEFAULT)];
static struct inject_frame frames[8];

static void setup_frames(size_t cap)
{
	for (int i = 0; i < 8; i++) {
		frames[i].buf = bufs[i];
		frames[i].cap = cap;
		frames[i].len = 0;
	}
}

static void check_reply(int fam, int vlan, int ts, size_t plen, size_t mss)
{
	uint8_t req[256], payload[4000], got[4000];
	struct pkt_info rq, p;
	size_t n = request(req, fam, vlan, ts), off = 0, eff = mss ? mss : INJECT_MSS_DEFAULT;
	int k, i;

	for (size_t j = 0; j < sizeof(payload); j++)
		payload[j] = (uint8_t)(j * 7 + 3);
	assert_int_equal(pkt_parse(req, n, &rq), PKT_OK);
	setup_frames(sizeof(bufs[0]));
	k = inject_build(req, n, payload, plen, mss, frames, 8);
	assert_int_equal(k, (int)inject_nframes(plen, mss));
	assert_int_equal(k, plen ? (int)((plen + eff - 1) / eff) : 1);
	for (i = 0; i < k; i++) {
		const uint8_t *f = frames[i].buf;
		uint8_t want = PKT_TCP_ACK;

		assert_int_equal(pkt_parse(f, frames[i].len, &p), PKT_OK);
		assert_memory_equal(f, mac_c, 6); /* to the client */
		assert_memory_equal(f + 6, mac_s, 6);
		assert_int_equal(p.vlan, vlan ? 100 : 0);
		assert_int_equal(p.tuple.family, fam);
		assert_int_equal(p.tuple.proto, IPPROTO_TCP);
		assert_memory_equal(p.tuple.saddr, rq.tuple.daddr, 16);
		assert_memory_equal(p.tuple.daddr, rq.tuple.saddr, 16);
		assert_int_equal(p.tuple.sport, 80);
		assert_int_equal(p.tuple.dport, 40000);
		assert_int_equal(p.seq, (uint32_t)(0xfffffff0u + off));
		assert_int_equal(p.ack, 1000 + strlen(REQ));
		if (plen)
			want |= PKT_TCP_PSH;
		if (i == k - 1)
			want |= PKT_TCP_FIN;
		assert_int_equal(p.tcp_flags, want);
		assert_true(p.payload_len <= eff);
		assert_true(p.payload_len > 0 || !plen);
		assert_true(off + p.payload_len <= plen);
		memcpy(got + off, f + p.payload_off, p.payload_len);
		off += p.payload_len;
		check_sums(f, frames[i].len, &p);
		if (ts) { /* the timestamps echoed the other way round */
			const uint8_t *o = f + p.payload_off - 12;

			assert_int_equal(o[2], 8);
			assert_int_equal(get32(o + 4), 0x22222222);
			assert_int_equal(get32(o + 8), 0x11111111);
		} else {
			assert_int_equal(f[p.payload_off - 20 + 12], 5 << 4);
		}
		if (fam == 4) {
			const uint8_t *ip = f + (vlan ? 18 : 14);

			assert_int_equal(ip[6], 0x40); /* DF */
			assert_int_equal(ip[8], 64);
		}
	}
	assert_int_equal(off, plen);
	assert_memory_equal(got, payload, plen);
}

static void test_ipv4(void **state)
{
	check_reply(4, 0, 0, 3000, 1400);
	check_reply(4, 0, 0, 2800, 1400);
	check_reply(4, 1, 0, 3000, 0);
	check_reply(4, 0, 1, 100, 536);
	check_reply(4, 0, 0, 1, 1);
}

static void test_ipv6(void **state)
{
	check_reply(6, 0, 0, 3000, 1400);
	check_reply(6, 1, 1, 3999, 1220);
	check_reply(6, 0, 1, 1400, 0);
}

static void test_empty_payload(void **state)
{
	check_reply(4, 0, 0, 0, 0);
	check_reply(6, 1, 1, 0, 1400);
}

static void test_rst_to_server(void **state)
{
	uint8_t req[256], r[RST_FRAME_MAX];
	struct pkt_info p;
	size_t n = request(req, 6, 1, 1);

	/* the server never got the held request: it expects the request's seq */
	assert_int_equal(rst_build(req, n, RST_TO_RECEIVER, r), 18 + 40 + 20);
	assert_int_equal(pkt_parse(r, 78, &p), PKT_OK);
	assert_memory_equal(r, mac_s, 6);
	assert_int_equal(p.tuple.dport, 80);
	assert_int_equal(p.seq, 1000);
	assert_int_equal(p.tcp_flags, PKT_TCP_RST);
	check_sums(r, 78, &p);
}

static void test_bad_input(void **state)
{
	uint8_t req[256];
	size_t n = request(req, 4, 0, 0);

	setup_frames(sizeof(bufs[0]));
	assert_int_equal(inject_build(req, n, (const uint8_t *)"x", 1, 0, frames, 8), 1);
	/* cut short, or not a frame at all */
	assert_int_equal(inject_build(req, n - 60, (const uint8_t *)"x", 1, 0, frames, 8), -1);
	assert_int_equal(inject_build(req, 10, (const uint8_t *)"x", 1, 0, frames, 8), -1);
	/* too few frames, or too small */
	assert_int_equal(inject_build(req, n, bufs[7], 2801, 1400, frames, 2), -1);
	setup_frames(14 + 20 + 20 + 100 - 1);
	assert_int_equal(inject_build(req, n, bufs[7], 100, 100, frames, 8), -1);
	setup_frames(14 + 20 + 20 + 100); /* exactly what an untagged IPv4 segment needs */
	assert_int_equal(inject_build(req, n, bufs[7], 100, 100, frames, 8), 1);
	setup_frames(sizeof(bufs[0]));
	/* payload without a pointer, absurd MSS */
	assert_int_equal(inject_build(req, n, NULL, 10, 0, frames, 8), -1);
	assert_int_equal(inject_build(req, n, bufs[7], 10, 70000, frames, 8), -1);
	/* a SYN (no ACK) and a RST have nothing to answer */
	req[14 + 20 + 13] = PKT_TCP_SYN;
	assert_int_equal(inject_build(req, n, bufs[7], 10, 0, frames, 8), -1);
	req[14 + 20 + 13] = PKT_TCP_RST | PKT_TCP_ACK;
	assert_int_equal(inject_build(req, n, bufs[7], 10, 0, frames, 8), -1);
	/* UDP */
	req[14 + 20 + 13] = PKT_TCP_ACK;
	req[14 + 9] = IPPROTO_UDP;
	assert_int_equal(inject_build(req, n, bufs[7], 10, 0, frames, 8), -1);
	/* ARP */
	req[12] = 0x08, req[13] = 0x06;
	assert_int_equal(inject_build(req, n, bufs[7], 10, 0, frames, 8), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),	      cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_empty_payload), cmocka_unit_test(test_rst_to_server),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
