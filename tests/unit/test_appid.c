// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for inspect/appid.c: flows built packet by packet here (IPv4,
 * TCP with a real handshake and consistent sequence numbers, UDP), fed to
 * nDPI through the wrapper, and the names it reports. The servers use
 * TEST-NET addresses, so that every result comes from the payload and none
 * from nDPI's address lists. Every packet is an exact-size heap copy, so that
 * ASan sees any read past its end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/appid.h"
#include "lib/dnsname.h"

/* ---- packets ----------------------------------------------------------- */

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_PSH 0x08
#define TH_ACK 0x10

/* One connection: client and server ends and each side's next sequence number. */
struct conn {
	uint8_t proto;
	uint32_t cip, sip;
	uint16_t cport, sport;
	uint32_t cseq, sseq;
	uint64_t ts_ms;
};

/*
 * Each test flow gets its own client port: nDPI remembers BitTorrent peers
 * by address and port (test_bittorrent_cache), across flows.
 */
static uint16_t next_cport = 51000;

static void conn_init(struct conn *c, uint8_t proto, const char *sip, uint16_t sport)
{
	memset(c, 0, sizeof(*c));
	c->proto = proto;
	c->cip = inet_addr("192.168.1.10");
	c->sip = inet_addr(sip);
	c->cport = next_cport++;
	c->sport = sport;
	c->cseq = 1000;
	c->sseq = 5000000;
	c->ts_ms = 1700000000000ULL;
}

static uint16_t csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* An IPv4 packet of c from the client if to_server, advancing its sequence numbers. */
static uint8_t *build(struct conn *c, int to_server, uint8_t flags, const void *pl, size_t plen,
		      size_t *len)
{
	size_t l4h = c->proto == IPPROTO_TCP ? 20 : 8;
	uint8_t *p = calloc(1, 20 + l4h + plen), *l4 = p + 20;
	uint32_t *seq = to_server ? &c->cseq : &c->sseq, ack = to_server ? c->sseq : c->cseq;

	assert_non_null(p);
	*len = 20 + l4h + plen;
	p[0] = 0x45;
	put16(p + 2, (uint16_t)*len);
	p[8] = 64;
	p[9] = c->proto;
	memcpy(p + 12, to_server ? &c->cip : &c->sip, 4);
	memcpy(p + 16, to_server ? &c->sip : &c->cip, 4);
	put16(p + 10, csum(p, 20));
	put16(l4, to_server ? c->cport : c->sport);
	put16(l4 + 2, to_server ? c->sport : c->cport);
	if (c->proto == IPPROTO_TCP) {
		put32(l4 + 4, *seq);
		put32(l4 + 8, flags & TH_ACK ? ack : 0);
		l4[12] = 5 << 4;
		l4[13] = flags;
		put16(l4 + 14, 64240);
		*seq += (uint32_t)plen + !!(flags & (TH_SYN | TH_FIN));
	} else {
		put16(l4 + 4, (uint16_t)(8 + plen));
	}
	if (plen)
		memcpy(l4 + l4h, pl, plen);
	return p;
}

/* Feed one packet; returns appid_feed's verdict. */
static int feed(struct appid *a, struct appid_flow *f, struct conn *c, int to_server, uint8_t flags,
		const void *pl, size_t plen, struct appid_result *r)
{
	size_t len;
	uint8_t *p = build(c, to_server, flags, pl, plen, &len);
	int ret;

	c->ts_ms += 3;
	ret = appid_feed(a, f, p, len, c->ts_ms, to_server, r);
	free(p);
	return ret;
}

static void handshake(struct appid *a, struct appid_flow *f, struct conn *c, struct appid_result *r)
{
	assert_int_equal(feed(a, f, c, 1, TH_SYN, NULL, 0, r), 0);
	assert_int_equal(feed(a, f, c, 0, TH_SYN | TH_ACK, NULL, 0, r), 0);
	assert_int_equal(feed(a, f, c, 1, TH_ACK, NULL, 0, r), 0);
}

/*
 * A TCP flow: handshake, then the client's payload, the server's ACK and
 * its optional reply, until the wrapper says final (at most max rounds).
 */
static void tcp_flow(struct appid *a, struct conn *c, const void *req, size_t reqlen,
		     const void *rsp, size_t rsplen, struct appid_result *r)
{
	struct appid_flow *f = appid_flow_new(a);
	int round, done = 0;

	assert_non_null(f);
	handshake(a, f, c, r);
	for (round = 0; round < 20 && !done; round++) {
		done = feed(a, f, c, 1, TH_PSH | TH_ACK, req, reqlen, r);
		if (!done)
			done = feed(a, f, c, 0, TH_ACK, NULL, 0, r);
		if (!done && rsp)
			done = feed(a, f, c, 0, TH_PSH | TH_ACK, rsp, rsplen, r);
	}
	assert_true(done);
	appid_flow_free(f);
}

/* ---- payloads ---------------------------------------------------------- */

static size_t bittorrent_handshake(uint8_t *out, uint8_t peer)
{
	static const char proto[] = "\x13"
				    "BitTorrent protocol";
	size_t n = sizeof(proto) - 1;

	memcpy(out, proto, n);
	memset(out + n, 0, 8); /* reserved */
	out[n + 5] = 0x10;     /* extension protocol, as real clients set */
	memset(out + n + 8, 0xab, 20);
	memcpy(out + n + 28, "-qB4500-", 8);
	memset(out + n + 36, '0' + peer, 12);
	return n + 48;
}

/* A TLS 1.3 ClientHello record for sni, with the extensions browsers send. */
static size_t client_hello(uint8_t *out, const char *sni)
{
	static const uint8_t suites[] = {0x13, 0x01, 0x13, 0x02, 0x13, 0x03, 0xc0, 0x2f};
	static const uint8_t groups[] = {0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x1d};
	static const uint8_t sigs[] = {0x00, 0x0d, 0x00, 0x06, 0x00, 0x04, 0x04, 0x03, 0x08, 0x04};
	static const uint8_t versions[] = {0x00, 0x2b, 0x00, 0x05, 0x04, 0x03, 0x04, 0x03, 0x03};
	static const uint8_t alpn[] = {0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c, 0x02, 'h', '2',
				       0x08, 'h',  't',	 't',  'p',  '/',  '1',	 '.', '1'};
	size_t sl = strlen(sni), n = 0, hs, ext;
	int i;

	out[n++] = 0x16;
	put16(out + n, 0x0301);
	n += 4; /* record length later */
	hs = n;
	out[n++] = 0x01;
	n += 3; /* handshake length later */
	put16(out + n, 0x0303);
	n += 2;
	for (i = 0; i < 32; i++)
		out[n++] = (uint8_t)(i * 7 + 1); /* random */
	out[n++] = 32;
	for (i = 0; i < 32; i++)
		out[n++] = (uint8_t)(i * 3 + 5); /* legacy session id */
	put16(out + n, sizeof(suites));
	n += 2;
	memcpy(out + n, suites, sizeof(suites));
	n += sizeof(suites);
	out[n++] = 1; /* compression methods: null */
	out[n++] = 0;
	ext = n;
	n += 2;
	put16(out + n, 0); /* server_name */
	put16(out + n + 2, (uint16_t)(sl + 5));
	put16(out + n + 4, (uint16_t)(sl + 3));
	out[n + 6] = 0; /* host_name */
	put16(out + n + 7, (uint16_t)sl);
	memcpy(out + n + 9, sni, sl);
	n += 9 + sl;
	memcpy(out + n, groups, sizeof(groups));
	n += sizeof(groups);
	memcpy(out + n, sigs, sizeof(sigs));
	n += sizeof(sigs);
	memcpy(out + n, versions, sizeof(versions));
	n += sizeof(versions);
	memcpy(out + n, alpn, sizeof(alpn));
	n += sizeof(alpn);
	put16(out + ext, (uint16_t)(n - ext - 2));
	put16(out + 3, (uint16_t)(n - 5));
	out[hs + 1] = 0;
	put16(out + hs + 2, (uint16_t)(n - hs - 4));
	return n;
}

static size_t dns_query(uint8_t *out, const char *name)
{
	/* header: id, RD, one question; then the name (lib/dnsname.c), its root, A, IN */
	int n = dnsname_to_wire(name, out + 12, DNSNAME_WIRE_MAX);

	memset(out, 0, 12);
	put16(out, 0x1234);
	put16(out + 2, 0x0100);
	put16(out + 4, 1);
	n = 12 + (n > 0 ? n : 0);
	out[n++] = 0;
	put16(out + n, 1);
	put16(out + n + 2, 1);
	return (size_t)n + 4;
}

/* ---- fixtures ---------------------------------------------------------- */

static int setup(void **state)
{
	char why[256] = "";
	struct appid *a = appid_new(why, sizeof(why));

	if (!a)
		fail_msg("appid_new: %s", why);
	*state = a;
	return 0;
}

static int teardown(void **state)
{
	appid_free(*state);
	return 0;
}

static void print(const char *what, const struct appid_result *r)
{
	printf("# %-22s app=%s master=%s category=%s confident=%d\n", what, r->app, r->master,
	       r->category, r->confident);
}

/* ---- tests ------------------------------------------------------------- */

static void test_version(void **state)
{
	assert_string_equal(appid_ndpi_version(), "4.2.0");
	assert_true(appid_flow_size() > 0);
}

static void test_bittorrent(void **state)
{
	struct appid *a = *state;
	struct appid_flow *f = appid_flow_new(a);
	uint8_t hs[68];
	struct appid_result r;
	struct conn c;
	int done;

	conn_init(&c, IPPROTO_TCP, "198.51.100.7", 6881);
	handshake(a, f, &c, &r);
	done = feed(a, f, &c, 1, TH_PSH | TH_ACK, hs, bittorrent_handshake(hs, 1), &r);
	if (!done)
		done = feed(a, f, &c, 0, TH_PSH | TH_ACK, hs, bittorrent_handshake(hs, 2), &r);
	print("bittorrent", &r);
	assert_true(done);
	assert_string_equal(r.app, "BitTorrent");
	/* nDPI 4.2's name; later releases call it "Download-FileTransfer-FileSharing". */
	assert_string_equal(r.category, "Download");
	assert_int_equal(r.app_id, appid_app_by_name(a, "BitTorrent"));
	assert_true(r.confident);
	/* Once final, more packets change nothing. */
	assert_int_equal(feed(a, f, &c, 0, TH_ACK, NULL, 0, &r), 1);
	assert_string_equal(r.app, "BitTorrent");
	appid_flow_free(f);
}

/*
 * nDPI remembers BitTorrent peers (address and port) from recognised
 * handshakes, so an encrypted flow of the same peer that it cannot read is
 * still called BitTorrent when nDPI gives up on it.
 */
static void test_bittorrent_cache(void **state)
{
	struct appid *a = *state;
	struct appid_flow *f = appid_flow_new(a);
	uint8_t hs[68], junk[120];
	struct appid_result r;
	struct conn c;
	size_t i;

	conn_init(&c, IPPROTO_TCP, "198.51.100.17", 51413);
	handshake(a, f, &c, &r);
	feed(a, f, &c, 1, TH_PSH | TH_ACK, hs, bittorrent_handshake(hs, 3), &r);
	assert_string_equal(r.app, "BitTorrent");
	appid_flow_free(f);

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 151 + 17);
	f = appid_flow_new(a);
	c.cport++;
	handshake(a, f, &c, &r);
	for (i = 0; i < 20 && !feed(a, f, &c, 1, TH_PSH | TH_ACK, junk, sizeof(junk), &r); i++)
		;
	print("encrypted, known peer", &r);
	assert_string_equal(r.app, "BitTorrent");
	appid_flow_free(f);
}

static void tls_case(struct appid *a, const char *sni, const char *app, const char *category)
{
	uint8_t hello[512];
	struct appid_result r;
	struct conn c;

	conn_init(&c, IPPROTO_TCP, "203.0.113.9", 443);
	tcp_flow(a, &c, hello, client_hello(hello, sni), NULL, 0, &r);
	print(sni, &r);
	assert_string_equal(r.master, "TLS");
	assert_string_equal(r.app, app);
	assert_string_equal(r.category, category);
	assert_true(r.confident);
}

static void test_tls_steam(void **state)
{
	tls_case(*state, "store.steampowered.com", "Steam", "Game");
}

static void test_tls_facebook(void **state)
{
	tls_case(*state, "www.facebook.com", "Facebook", "SocialNetwork");
}

static void test_tls_tiktok(void **state)
{
	tls_case(*state, "www.tiktok.com", "TikTok", "SocialNetwork");
}

/* A DNS query for name and its answer; returns the final result. */
static void dns_flow(struct appid *a, const char *name, struct appid_result *r)
{
	struct appid_flow *f = appid_flow_new(a);
	static const uint8_t answer[] = {0xc0, 0x0c, 0, 1, 0,	1,  0,	 0,
					 0,    60,   0, 4, 198, 51, 100, 1};
	uint8_t q[256];
	size_t n = dns_query(q, name);
	struct conn c;
	int done;

	conn_init(&c, IPPROTO_UDP, "198.51.100.53", 53);
	done = feed(a, f, &c, 1, 0, q, n, r);
	if (!done) {
		put16(q + 2, 0x8180); /* response, no error */
		put16(q + 6, 1);
		memcpy(q + n, answer, sizeof(answer));
		done = feed(a, f, &c, 0, 0, q, n + sizeof(answer), r);
	}
	print(name, r);
	assert_true(done);
	appid_flow_free(f);
}

/* nDPI 4.2 does not know Roblox (added in 4.8): the flow is plain DNS. */
static void test_dns_roblox(void **state)
{
	struct appid_result r;

	dns_flow(*state, "www.roblox.com", &r);
	assert_string_equal(r.app, "DNS");
	assert_string_equal(r.master, "");
	assert_string_equal(r.category, "Network");
	assert_true(r.confident);
}

/* A name nDPI knows makes a sub-protocol of DNS. */
static void test_dns_facebook(void **state)
{
	struct appid_result r;

	dns_flow(*state, "www.facebook.com", &r);
	assert_string_equal(r.app, "Facebook");
	assert_string_equal(r.master, "DNS");
	assert_string_equal(r.category, "SocialNetwork");
}

static void test_http_instagram(void **state)
{
	static const char get[] = "GET / HTTP/1.1\r\n"
				  "Host: www.instagram.com\r\n"
				  "User-Agent: curl/7.88.1\r\n"
				  "Accept: */*\r\n\r\n";
	struct appid_result r;
	struct conn c;

	conn_init(&c, IPPROTO_TCP, "198.51.100.80", 80);
	tcp_flow(*state, &c, get, sizeof(get) - 1, NULL, 0, &r);
	print("http www.instagram.com", &r);
	assert_string_equal(r.app, "Instagram");
	assert_string_equal(r.master, "HTTP");
	assert_string_equal(r.category, "SocialNetwork");
}

static void test_unknown(void **state)
{
	uint8_t junk[200];
	struct appid_result r;
	struct conn c;
	uint32_t x = 0x9e3779b9;
	size_t i;

	for (i = 0; i < sizeof(junk); i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		junk[i] = (uint8_t)x;
	}
	conn_init(&c, IPPROTO_TCP, "198.51.100.99", 47123);
	tcp_flow(*state, &c, junk, sizeof(junk), junk + 7, 150, &r);
	print("random payload", &r);
	assert_string_equal(r.app, "Unknown");
	assert_string_equal(r.master, "");
	assert_int_equal(r.app_id, 0);
	assert_false(r.confident);
}

/*
 * A flow picked up mid-stream (utm-inspect restarted, or steering began
 * late): nDPI 4.2 still reads a ClientHello without the handshake.
 */
static void test_midstream(void **state)
{
	struct appid *a = *state;
	struct appid_flow *f = appid_flow_new(a);
	uint8_t hello[512];
	struct appid_result r;
	struct conn c;
	int done, i;

	conn_init(&c, IPPROTO_TCP, "203.0.113.10", 443);
	c.cseq += 1, c.sseq += 1;
	done = feed(a, f, &c, 1, TH_PSH | TH_ACK, hello, client_hello(hello, "www.facebook.com"),
		    &r);
	for (i = 0; i < 20 && !done; i++)
		done = feed(a, f, &c, 0, TH_ACK, NULL, 0, &r);
	print("mid-stream hello", &r);
	assert_true(done);
	assert_string_equal(r.app, "Facebook");
	appid_flow_free(f);
}

/* Worker threads create their modules at the same time. */
static void *worker(void *arg)
{
	char why[256];
	struct appid *a = appid_new(why, sizeof(why));
	uint8_t hello[512];
	struct appid_result r;
	struct conn c;

	if (!a)
		return NULL;
	conn_init(&c, IPPROTO_TCP, "203.0.113.11", 443);
	c.cport = (uint16_t)(40000 + (uintptr_t)arg);
	tcp_flow(a, &c, hello, client_hello(hello, "store.steampowered.com"), NULL, 0, &r);
	appid_free(a);
	return strcmp(r.app, "Steam") == 0 ? arg : NULL;
}

static void test_threads(void **state)
{
	pthread_t t[4];
	uintptr_t i;
	void *ret;

	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, (void *)(i + 1)), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &ret), 0);
		assert_ptr_equal(ret, (void *)(i + 1));
	}
}

/* A flow that ends before nDPI decides still gets a (guessed) answer. */
static void test_giveup(void **state)
{
	struct appid *a = *state;
	struct appid_flow *f = appid_flow_new(a);
	struct appid_result r;
	struct conn c;

	conn_init(&c, IPPROTO_TCP, "198.51.100.7", 443);
	handshake(a, f, &c, &r);
	appid_giveup(a, f, &r);
	print("handshake only, :443", &r);
	assert_string_equal(r.app, "TLS");
	assert_false(r.confident);
	assert_int_equal(feed(a, f, &c, 1, TH_ACK, NULL, 0, &r), 1);
	appid_flow_free(f);
	/* Freeing a flow that never saw a packet, and NULL. */
	appid_flow_free(appid_flow_new(a));
	appid_flow_free(NULL);
}

static void test_names(void **state)
{
	struct appid *a = *state;
	char why[256];
	int id;

	id = appid_app_by_name(a, "BitTorrent");
	assert_true(id > 0);
	assert_string_equal(appid_app_name(a, id), "BitTorrent");
	assert_int_equal(appid_app_by_name(a, "bittorrent"), id);
	assert_int_equal(appid_app_by_name(a, "NoSuchApp"), -1);
	assert_int_equal(appid_app_by_name(a, ""), -1);
	assert_string_equal(appid_app_name(a, -1), "");
	assert_string_equal(appid_app_name(a, 65535), "");

	id = appid_category_by_name(a, "SocialNetwork");
	assert_true(id > 0);
	assert_string_equal(appid_category_name(a, id), "SocialNetwork");
	assert_true(appid_category_by_name(a, "Game") > 0);
	assert_int_equal(appid_category_by_name(a, "NoSuchCategory"), -1);

	assert_int_equal(appid_app_lookup(a, "Bittorent", why, sizeof(why)), -1);
	printf("# %s\n", why);
	assert_non_null(strstr(why, "unknown application \"Bittorent\""));
	assert_non_null(strstr(why, "BitTorrent"));
	assert_int_equal(appid_category_lookup(a, "Social", why, sizeof(why)), -1);
	printf("# %s\n", why);
	assert_non_null(strstr(why, "SocialNetwork"));
	assert_int_equal(appid_app_lookup(a, "zzzzzzzzzzzz", why, sizeof(why)), -1);
	assert_string_equal(why, "unknown application \"zzzzzzzzzzzz\"");
	/* A short buffer is truncated, never overrun. */
	assert_int_equal(appid_app_lookup(a, "Bittorent", why, 12), -1);
	assert_int_equal(strlen(why), 11);
	assert_int_equal(appid_app_lookup(a, "Facebook", why, sizeof(why)),
			 appid_app_by_name(a, "facebook"));
}

/* Every name fits the result's fields. */
static void test_name_lengths(void **state)
{
	struct appid *a = *state;
	int id;

	for (id = 0; id < 1024 && appid_app_name(a, id)[0]; id++)
		assert_true(strlen(appid_app_name(a, id)) < APPID_NAME_MAX);
	assert_true(id > 200);
	for (id = 0; id < 1024; id++)
		assert_true(strlen(appid_category_name(a, id)) < APPID_NAME_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version),
		/* flows, by payload */
		cmocka_unit_test(test_bittorrent),
		cmocka_unit_test(test_bittorrent_cache),
		cmocka_unit_test(test_tls_steam),
		cmocka_unit_test(test_tls_facebook),
		cmocka_unit_test(test_tls_tiktok),
		cmocka_unit_test(test_dns_roblox),
		cmocka_unit_test(test_dns_facebook),
		cmocka_unit_test(test_http_instagram),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_giveup),
		cmocka_unit_test(test_midstream),
		cmocka_unit_test(test_threads),
		/* names for policy */
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_name_lengths),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
