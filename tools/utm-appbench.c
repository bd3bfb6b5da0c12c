// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-appbench: what application detection (inspect/appid.c, nDPI) costs
 * per new flow. Classifies N synthetic flows of a few packets each, built
 * here the way clients open them (TCP handshake, first request, server
 * ACK), each from its own client address and port, and prints the time per
 * flow and per packet for each kind of flow and for the mix. Flows are
 * created, fed until appid says final, and freed, as the engine would.
 *
 *     utm-appbench [FLOWS]      (default 200000, spread over the kinds)
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inspect/appid.h"
#include "lib/dnsname.h"

#define TH_SYN 0x02
#define TH_PSH 0x08
#define TH_ACK 0x10

struct pkt {
	uint8_t buf[600];
	size_t len;
	int to_server;
};

/* One kind of flow: its packets in order, built once and re-addressed per flow. */
struct kind {
	const char *name;
	struct pkt pkts[40];
	int n;
	/* Results, for the report. */
	double ns;
	uint64_t flows, fed;
	char app[APPID_NAME_MAX];
};

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

/* Sequence numbers of the connection being built. */
static uint32_t cseq, sseq;

static void add(struct kind *k, uint8_t proto, uint16_t sport, int to_server, uint8_t flags,
		const void *pl, size_t plen)
{
	struct pkt *p = &k->pkts[k->n++];
	size_t l4h = proto == IPPROTO_TCP ? 20 : 8;
	uint8_t *l4 = p->buf + 20;
	uint32_t *seq = to_server ? &cseq : &sseq;

	memset(p->buf, 0, sizeof(p->buf));
	p->len = 20 + l4h + plen;
	p->to_server = to_server;
	p->buf[0] = 0x45;
	put16(p->buf + 2, (uint16_t)p->len);
	p->buf[8] = 64;
	p->buf[9] = proto;
	/* Addresses and the client port are set per flow (readdress()). */
	put16(l4 + (to_server ? 2 : 0), sport);
	if (proto == IPPROTO_TCP) {
		put32(l4 + 4, *seq);
		put32(l4 + 8, flags & TH_ACK ? (to_server ? sseq : cseq) : 0);
		l4[12] = 5 << 4;
		l4[13] = flags;
		put16(l4 + 14, 64240);
		*seq += (uint32_t)plen + !!(flags & TH_SYN);
	} else {
		put16(l4 + 4, (uint16_t)(8 + plen));
	}
	if (plen)
		memcpy(l4 + l4h, pl, plen);
}

/* A TCP flow: handshake, then rounds of request, ACK, optional response. */
static void tcp_kind(struct kind *k, const char *name, uint16_t sport, const void *req,
		     size_t reqlen, const void *rsp, size_t rsplen, int rounds)
{
	int i;

	k->name = name;
	cseq = 1000;
	sseq = 7000000;
	add(k, IPPROTO_TCP, sport, 1, TH_SYN, NULL, 0);
	add(k, IPPROTO_TCP, sport, 0, TH_SYN | TH_ACK, NULL, 0);
	add(k, IPPROTO_TCP, sport, 1, TH_ACK, NULL, 0);
	for (i = 0; i < rounds; i++) {
		add(k, IPPROTO_TCP, sport, 1, TH_PSH | TH_ACK, req, reqlen);
		add(k, IPPROTO_TCP, sport, 0, TH_ACK, NULL, 0);
		if (rsp)
			add(k, IPPROTO_TCP, sport, 0, TH_PSH | TH_ACK, rsp, rsplen);
	}
}

static size_t client_hello(uint8_t *out, const char *sni)
{
	static const uint8_t head[] = {0x16, 0x03, 0x01, 0, 0, 0x01, 0, 0, 0, 0x03, 0x03};
	static const uint8_t tail[] = {0x00, 0x06, 0x13, 0x01, 0x13, 0x02, 0xc0, 0x2f, 0x01, 0x00};
	static const uint8_t exts[] = {0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x1d,
				       0x00, 0x2b, 0x00, 0x03, 0x02, 0x03, 0x04};
	size_t sl = strlen(sni), n = 0, ext;

	memcpy(out, head, sizeof(head));
	n = sizeof(head);
	memset(out + n, 0x5a, 32); /* random */
	n += 32;
	out[n++] = 0; /* no session id */
	memcpy(out + n, tail, sizeof(tail));
	n += sizeof(tail);
	ext = n;
	n += 2;
	put16(out + n, 0);
	put16(out + n + 2, (uint16_t)(sl + 5));
	put16(out + n + 4, (uint16_t)(sl + 3));
	out[n + 6] = 0;
	put16(out + n + 7, (uint16_t)sl);
	memcpy(out + n + 9, sni, sl);
	n += 9 + sl;
	memcpy(out + n, exts, sizeof(exts));
	n += sizeof(exts);
	put16(out + ext, (uint16_t)(n - ext - 2));
	put16(out + 3, (uint16_t)(n - 5));
	put16(out + 7, (uint16_t)(n - 9));
	return n;
}

static size_t dns_query(uint8_t *out, const char *name)
{
	/* header: id, RD, one question; then the name (lib/dnsname.c), its root, A, IN */
	int n = dnsname_to_wire(name, out + 12, DNSNAME_WIRE_MAX);

	memset(out, 0, 12);
	put16(out, 0x4242);
	put16(out + 2, 0x0100);
	put16(out + 4, 1);
	n = 12 + (n > 0 ? n : 0);
	out[n++] = 0;
	put16(out + n, 1);
	put16(out + n + 2, 1);
	return (size_t)n + 4;
}

static int build_kinds(struct kind *k)
{
	static const char get[] = "GET / HTTP/1.1\r\nHost: www.instagram.com\r\n"
				  "User-Agent: Mozilla/5.0\r\nAccept: */*\r\n\r\n";
	static const uint8_t answer[] = {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1};
	uint8_t b[512], junk[400];
	size_t n, i;
	int nk = 0;

	tcp_kind(&k[nk++], "tls-sni-facebook", 443, b, client_hello(b, "www.facebook.com"), NULL, 0,
		 1);
	tcp_kind(&k[nk++], "tls-sni-unlisted", 443, b, client_hello(b, "intranet.example.net"),
		 NULL, 0, 6);
	tcp_kind(&k[nk++], "http-instagram", 80, get, sizeof(get) - 1, NULL, 0, 1);
	n = 0;
	b[n++] = 19;
	memcpy(b + n, "BitTorrent protocol", 19);
	n += 19;
	memset(b + n, 0, 8);
	memset(b + n + 8, 0xab, 40);
	tcp_kind(&k[nk++], "bittorrent", 6881, b, n + 48, b, n + 48, 1);
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 151 + 17 + i / 7);
	tcp_kind(&k[nk++], "unknown-tcp", 47123, junk, 300, junk + 50, 350, 12);
	k[nk].name = "dns-query+answer";
	n = dns_query(b, "www.example.org");
	add(&k[nk], IPPROTO_UDP, 53, 1, 0, b, n);
	put16(b + 2, 0x8180);
	put16(b + 6, 1);
	memcpy(b + n, answer, sizeof(answer));
	add(&k[nk], IPPROTO_UDP, 53, 0, 0, b, n + sizeof(answer));
	nk++;
	return nk;
}

/* Each flow its own client (10.x.y.z, port) so no cache in nDPI links them. */
static void readdress(struct pkt *p, uint32_t flow)
{
	uint32_t client = htonl(0x0a000000 | (flow & 0xffffff)), server = htonl(0xc0000201);
	uint16_t cport = (uint16_t)(1024 + flow % 60000);

	memcpy(p->buf + (p->to_server ? 12 : 16), &client, 4);
	memcpy(p->buf + (p->to_server ? 16 : 12), &server, 4);
	put16(p->buf + 20 + (p->to_server ? 0 : 2), cport);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[128];
	long kib = -1;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

int main(int argc, char **argv)
{
	static struct kind kinds[8];
	long flows = argc > 1 ? atol(argv[1]) : 200000, rss0 = rss_kib();
	double t0 = now(), all_ns = 0;
	uint64_t all_fed = 0, all_flows = 0;
	struct appid_result r;
	char why[256];
	struct appid *a;
	int nk, i;
	long fl;

	a = appid_new(why, sizeof(why));
	if (!a) {
		fprintf(stderr, "utm-appbench: %s\n", why);
		return 1;
	}
	printf("nDPI %s: detection module %.1f ms, %ld KiB RSS; flow state %zu bytes\n",
	       appid_ndpi_version(), (now() - t0) / 1e6, rss_kib() - rss0, appid_flow_size());
	nk = build_kinds(kinds);
	for (fl = 0; fl < flows; fl++) {
		struct kind *k = &kinds[fl % nk];
		struct appid_flow *f;
		double t;
		int p;

		for (p = 0; p < k->n; p++)
			readdress(&k->pkts[p], (uint32_t)fl);
		t = now();
		f = appid_flow_new(a);
		for (p = 0; p < k->n; p++)
			if (appid_feed(a, f, k->pkts[p].buf, k->pkts[p].len, 1000 + (uint64_t)p,
				       k->pkts[p].to_server, &r))
				break;
		if (p == k->n)
			appid_giveup(a, f, &r);
		else
			p++;
		appid_flow_free(f);
		k->ns += now() - t;
		k->fed += (uint64_t)p;
		k->flows++;
		snprintf(k->app, sizeof(k->app), "%s%s%s", r.master, *r.master ? "." : "", r.app);
	}
	printf("%-18s %8s %7s %10s %10s  %s\n", "flow kind", "flows", "pkts", "ns/flow", "ns/pkt",
	       "result");
	for (i = 0; i < nk; i++) {
		struct kind *k = &kinds[i];

		if (!k->flows)
			continue;
		printf("%-18s %8lu %7.1f %10.0f %10.0f  %s\n", k->name, (unsigned long)k->flows,
		       (double)k->fed / (double)k->flows, k->ns / (double)k->flows,
		       k->ns / (double)k->fed, k->app);
		all_ns += k->ns;
		all_fed += k->fed;
		all_flows += k->flows;
	}
	if (all_flows)
		printf("%-18s %8lu %7.1f %10.0f %10.0f  (%.0f new flows/s on one core)\n", "mix",
		       (unsigned long)all_flows, (double)all_fed / (double)all_flows,
		       all_ns / (double)all_flows, all_ns / (double)all_fed,
		       1e9 * (double)all_flows / all_ns);
	printf("RSS after: %ld KiB\n", rss_kib());
	appid_free(a);
	return 0;
}
