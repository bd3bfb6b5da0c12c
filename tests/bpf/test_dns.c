// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * BPF_PROG_TEST_RUN tests of the DNS guard (bpf/dns.h, run by
 * bpf/bridge.bpf.c): queries from the LAN for blocked names must come back
 * as the exact expected response frame (XDP_TX), with one event and the
 * counters bumped; everything else must be bridged byte for byte.
 *
 * The expected frames, checksums and verdicts are computed here from the
 * RFCs (1035, 6891, 768, 791, 8200), never from the program's code: the
 * response builder, the checksum code and the query parser of the random
 * test's model are this file's own.
 *
 * The fixture (skeleton, ports, settings, ring buffer, namespace) is
 * tests/bpf/bpf_fixture.h, shared with test_bridge.c.
 */

/* Frames up to a maximum-length name behind IPv6, a tag and an OPT record. */
#define FX_FRAME_MAX 512
#include "bpf_fixture.h"

#include "lib/dnsname.h"

#define SEED 0x5eedf00dcafe1234ULL
#define TTL  2

/* List ids of the test entries. */
#define L_PLAIN	 3 /* bad.example.test and every name below it */
#define L_EXACT	 4 /* exact.example.test only */
#define L_SUB	 5 /* every name below sub.example.test, not itself */
#define L_ALLOW	 6 /* good.bad.example.test and below: allowed */
#define L_EXTRA	 7 /* entries of single tests */
#define L_ALLOW2 8 /* every name below partner.bad.example.test: allowed */
#define L_LATER	 9 /* the idle generation's entry */

#define CLIENT4 "192.168.1.10"
#define SERVER4 "192.0.2.53"
#define CLIENT6 "2001:db8:1::10"
#define SERVER6 "2001:db8:53::53"
#define CPORT	40123
#define QID	0xbeef
#define IP4_ID	0x4d2e

#define T_A    1
#define T_MX   15
#define T_TXT  16
#define T_AAAA 28
#define T_OPT  41
#define T_ANY  255
#define C_IN   1

#define F_QR 0x8000
#define F_AA 0x0400
#define F_TC 0x0200
#define F_RD 0x0100
#define F_RA 0x0080
#define F_AD 0x0020
#define F_CD 0x0010

/* Offsets in a DNS message. */
#define M_FLAGS 2
#define M_QD	4
#define M_AN	6
#define M_NS	8
#define M_AR	10
#define M_NAME	12

static const uint8_t SINK4[4] = {198, 51, 100, 80};
static const uint8_t SINK6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80};

/* The query's OPT: root owner, type 41, 4096 bytes, version 0, DO set, no options. */
static const uint8_t QUERY_OPT[11] = {0x00, 0x00, 0x29, 0x10, 0x00, 0x00,
				      0x00, 0x80, 0x00, 0x00, 0x00};
/* The answer's OPT must be exactly this: 1232 bytes (DNS Flag Day 2020), no flags. */
static const uint8_t ANSWER_OPT[11] = {0x00, 0x00, 0x29, 0x04, 0xd0, 0x00,
				       0x00, 0x00, 0x00, 0x00, 0x00};

struct name_entry {
	const char *name;
	struct utm_dns_entry e;
};

/* What every test starts with, in generation 0. */
static const struct name_entry base_entries[] = {
	{"bad.example.test", {.block_name = L_PLAIN, .block_sub = L_PLAIN}},
	{"exact.example.test", {.block_name = L_EXACT}},
	{"sub.example.test", {.block_sub = L_SUB}},
	{"good.bad.example.test", {.allow_name = L_ALLOW, .allow_sub = L_ALLOW}},
};

#define N_BASE (sizeof(base_entries) / sizeof(base_entries[0]))

/* An RPZ-style allow of the subdomains only (`*.partner...`). */
static const struct name_entry partner_entry = {"partner.bad.example.test",
						{.allow_sub = L_ALLOW2}};

/* ---------------------------------------------------------------------- */
/* Domain lists and settings                                               */

/* The dns_names inner map of a generation, created and inserted on first use. */
static int dns_map(struct fx *fx, uint32_t gen)
{
	/* Must equal the inner template's flags or the outer map refuses it. */
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_NO_PREALLOC);
	int fd = fx->dns_inner[gen];

	if (fd >= 0)
		return fd;
	fd = bpf_map_create(BPF_MAP_TYPE_HASH, NULL, sizeof(struct utm_dns_key),
			    sizeof(struct utm_dns_entry), 1024, &opts);
	assert_true(fd >= 0);
	assert_int_equal(
		bpf_map_update_elem(bpf_map__fd(fx->skel->maps.dns_names), &gen, &fd, BPF_ANY), 0);
	fx->dns_inner[gen] = fd;
	return fd;
}

/* Put a name in a generation, keyed the way utm-load keys it. */
static void dns_put(struct fx *fx, uint32_t gen, const struct name_entry *n)
{
	struct utm_dns_key k = {.hash = dnsname_key(n->name, SEED)};

	assert_true(k.hash != 0);
	assert_int_equal(bpf_map_update_elem(dns_map(fx, gen), &k, &n->e, BPF_ANY), 0);
}

static void set_mode(struct fx *fx, uint32_t mode)
{
	fx->cfg.dns_mode = mode;
	write_cfg(fx);
}

static int dns_setup(void **state)
{
	struct fx *fx;
	size_t i;

	if (setup(state))
		return -1;
	fx = *state;
	fx->cfg.dns_enabled = 1;
	fx->cfg.dns_seed = SEED;
	fx->cfg.dns_ttl = TTL;
	fx->cfg.dns_mode = UTM_DNS_NULL;
	memcpy(fx->cfg.dns_sink4, SINK4, 4);
	memcpy(fx->cfg.dns_sink6, SINK6, 16);
	write_cfg(fx);
	for (i = 0; i < N_BASE; i++)
		dns_put(fx, 0, &base_entries[i]);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Bytes and checksums (RFC 1071), independent of the program's             */

static void put32(struct frame *f, uint32_t v)
{
	put16(f, v >> 16);
	put16(f, v & 0xffff);
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void set16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* One's complement sum of big-endian 16-bit words, an odd byte padded with zero. */
static uint32_t sum16(const uint8_t *b, size_t n, uint32_t acc)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		acc += be16(b + i);
	if (n & 1)
		acc += (uint32_t)b[n - 1] << 8;
	return acc;
}

static uint16_t fold16(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

/* Sum of the UDP pseudo header (RFC 768, RFC 8200 8.1). */
static uint32_t pseudo_sum(int family, const uint8_t *src, const uint8_t *dst, size_t ulen)
{
	size_t alen = family == 4 ? 4 : 16;

	return sum16(dst, alen, sum16(src, alen, 0)) + IPPROTO_UDP + (uint32_t)ulen;
}

/* Fill in the checksum of the IPv4 header at h. */
static void fix_ip4_csum(uint8_t *h, size_t hlen)
{
	set16(h + 10, 0);
	set16(h + 10, (uint16_t)~fold16(sum16(h, hlen, 0)));
}

/* Fill in the checksum of the UDP datagram at u; 0 is sent as 0xffff. */
static void fix_udp_csum(int family, const uint8_t *src, const uint8_t *dst, uint8_t *u,
			 size_t ulen)
{
	uint16_t c;

	set16(u + 6, 0);
	c = ~fold16(sum16(u, ulen, pseudo_sum(family, src, dst, ulen)));
	set16(u + 6, c ? c : 0xffff);
}

/* ---------------------------------------------------------------------- */
/* Queries                                                                 */

/* Transport variants the guard must leave alone. */
enum quirk { Q_NONE, Q_IP4_OPTIONS, Q_IP4_MF, Q_IP4_LATER_FRAG, Q_IP6_HBH, Q_IP6_FRAG };

struct query {
	int family;	    /* 4 or 6 */
	uint16_t tci;	    /* 802.1Q tag control information; 0: untagged */
	uint16_t id, flags; /* DNS header */
	const char *name;   /* dotted, sent as written: letter case is kept */
	uint16_t qtype, qclass;
	bool opt; /* append QUERY_OPT and count it in ARCOUNT */
	uint16_t sport, dport;
	uint8_t proto; /* IPPROTO_UDP; IPPROTO_TCP for DNS over TCP */
	enum quirk quirk;
};

static struct query query(const char *name, uint16_t qtype)
{
	return (struct query){
		.family = 4,
		.id = QID,
		.flags = F_RD,
		.name = name,
		.qtype = qtype,
		.qclass = C_IN,
		.opt = true,
		.sport = CPORT,
		.dport = 53,
		.proto = IPPROTO_UDP,
	};
}

static const char *client_of(int family)
{
	return family == 4 ? CLIENT4 : CLIENT6;
}

static const char *server_of(int family)
{
	return family == 4 ? SERVER4 : SERVER6;
}

/* A dotted name in wire form, letter case kept, root byte included ("" is the root). */
static void put_name(struct frame *m, const char *dotted)
{
	const char *p = dotted;

	while (*p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);

		put8(m, (uint8_t)n);
		put(m, p, n);
		p += n + (dot ? 1 : 0);
	}
	put8(m, 0);
}

static void put_dns_header(struct frame *m, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an,
			   uint16_t ns, uint16_t ar)
{
	m->len = 0;
	put16(m, id);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, ns);
	put16(m, ar);
}

/* The DNS message of a query. */
static void put_msg(struct frame *m, const struct query *q)
{
	put_dns_header(m, q->id, q->flags, 1, 0, 0, q->opt);
	put_name(m, q->name);
	put16(m, q->qtype);
	put16(m, q->qclass);
	if (q->opt)
		put(m, QUERY_OPT, sizeof(QUERY_OPT));
}

static void put_ip4_query(struct frame *f, const struct query *q, size_t l4len)
{
	size_t l3 = f->len, hlen = q->quirk == Q_IP4_OPTIONS ? 24 : 20;
	uint16_t frag = 0x4000; /* DF, as resolvers' stub libraries send */

	if (q->quirk == Q_IP4_MF)
		frag = 0x2000;
	else if (q->quirk == Q_IP4_LATER_FRAG)
		frag = 185; /* offset 1480 */
	put16(f, ETH_P_IP);
	l3 += 2;
	put8(f, 0x40 | hlen / 4);
	put8(f, 0);
	put16(f, hlen + l4len);
	put16(f, IP4_ID);
	put16(f, frag);
	put8(f, 128); /* not 64, so that the answer's TTL shows */
	put8(f, q->proto);
	put16(f, 0);
	put_addr(f, client_of(4), 4);
	put_addr(f, server_of(4), 4);
	if (hlen > 20)
		put(f, "\x01\x01\x01\x00", 4); /* NOP NOP NOP EOL */
	fix_ip4_csum(f->b + l3, hlen);
}

static void put_ip6_query(struct frame *f, const struct query *q, size_t l4len)
{
	bool ext = q->quirk == Q_IP6_HBH || q->quirk == Q_IP6_FRAG;

	put16(f, ETH_P_IPV6);
	put32(f, 0x60000000);
	put16(f, l4len + (ext ? 8 : 0));
	put8(f, q->quirk == Q_IP6_HBH ? 0 : q->quirk == Q_IP6_FRAG ? 44 : q->proto);
	put8(f, 255);
	put_addr(f, client_of(6), 6);
	put_addr(f, server_of(6), 6);
	if (q->quirk == Q_IP6_HBH) {
		put8(f, q->proto);
		put8(f, 0);
		put(f, "\x01\x04\x00\x00\x00\x00", 6); /* PadN */
	} else if (q->quirk == Q_IP6_FRAG) {
		put8(f, q->proto);
		put8(f, 0);
		put16(f, 0x0001); /* offset 0, more fragments */
		put32(f, 0x12345678);
	}
}

/* DNS over TCP (RFC 1035 4.2.2): a segment with a 2-byte length before the message. */
static void put_tcp_dns(struct frame *f, const struct query *q, const struct frame *m)
{
	put16(f, q->sport);
	put16(f, q->dport);
	put32(f, 1000);
	put32(f, 2000);
	put8(f, 0x50);
	put8(f, 0x18); /* PSH ACK */
	put16(f, 65535);
	put32(f, 0);
	put16(f, m->len);
	put(f, m->b, m->len);
}

/* The frame of a query from the LAN host to the resolver, around message m. */
static void wrap(const struct query *q, const struct frame *m, struct frame *f)
{
	size_t l4len = (q->proto == IPPROTO_TCP ? 22 : 8) + m->len, l4;
	uint8_t src[16], dst[16];

	put_eth(f, ROUTER_MAC, HOST_MAC);
	if (q->tci)
		put_tag(f, ETH_P_8021Q, q->tci);
	if (q->family == 4)
		put_ip4_query(f, q, l4len);
	else
		put_ip6_query(f, q, l4len);
	l4 = f->len;
	if (q->proto == IPPROTO_TCP) {
		put_tcp_dns(f, q, m);
		return;
	}
	put16(f, q->sport);
	put16(f, q->dport);
	put16(f, l4len);
	put16(f, 0);
	put(f, m->b, m->len);
	addr_of(client_of(q->family), src);
	addr_of(server_of(q->family), dst);
	fix_udp_csum(q->family, src, dst, f->b + l4, l4len);
}

static void make_query(const struct query *q, struct frame *f)
{
	struct frame m;

	put_msg(&m, q);
	wrap(q, &m, f);
}

/* ---------------------------------------------------------------------- */
/* Expected responses                                                      */

/* What a response depends on, as read from its query. */
struct qinfo {
	int family;
	uint16_t tci;
	uint8_t cmac[6], smac[6]; /* client (query source) and router MAC */
	uint8_t src[16], dst[16]; /* query source and destination address */
	uint16_t sport, dport;
	uint16_t ip4_id;
	uint16_t id, flags;
	uint8_t name[256]; /* wire form as sent, root byte included */
	size_t name_len;   /* with the root byte */
	uint16_t qtype, qclass;
	bool opt;
};

static void qinfo_of(const struct query *q, struct qinfo *qi)
{
	struct frame n = {0};

	memset(qi, 0, sizeof(*qi));
	qi->family = q->family;
	qi->tci = q->tci;
	memcpy(qi->cmac, HOST_MAC, 6);
	memcpy(qi->smac, ROUTER_MAC, 6);
	addr_of(client_of(q->family), qi->src);
	addr_of(server_of(q->family), qi->dst);
	qi->sport = q->sport;
	qi->dport = q->dport;
	qi->ip4_id = IP4_ID;
	qi->id = q->id;
	qi->flags = q->flags;
	put_name(&n, q->name);
	assert_true(n.len <= sizeof(qi->name));
	memcpy(qi->name, n.b, n.len);
	qi->name_len = n.len;
	qi->qtype = q->qtype;
	qi->qclass = q->qclass;
	qi->opt = q->opt;
}

/* RDATA length of the answer record: 0 when the response has none. */
static size_t answer_rdlen(const struct qinfo *qi, uint32_t mode)
{
	if (mode != UTM_DNS_NULL && mode != UTM_DNS_SINKHOLE)
		return 0;
	if (qi->qtype == T_A)
		return 4;
	return qi->qtype == T_AAAA ? 16 : 0;
}

static void put_answer_msg(struct frame *m, const struct qinfo *qi, const struct utm_config *cfg)
{
	static const uint8_t zero[16];
	size_t rdlen = answer_rdlen(qi, cfg->dns_mode);
	uint16_t rcode = cfg->dns_mode == UTM_DNS_NXDOMAIN ? 3 : 0;
	const uint8_t *rdata = zero;

	put_dns_header(m, qi->id, F_QR | (qi->flags & F_RD) | F_RA | rcode, 1, rdlen ? 1 : 0, 0,
		       qi->opt);
	put(m, qi->name, qi->name_len);
	put16(m, qi->qtype);
	put16(m, qi->qclass);
	if (rdlen) {
		if (cfg->dns_mode == UTM_DNS_SINKHOLE)
			rdata = rdlen == 4 ? SINK4 : SINK6;
		put16(m, 0xc00c); /* the owner: a pointer to the question's name */
		put16(m, qi->qtype);
		put16(m, C_IN);
		put32(m, cfg->dns_ttl);
		put16(m, rdlen);
		put(m, rdata, rdlen);
	}
	if (qi->opt)
		put(m, ANSWER_OPT, sizeof(ANSWER_OPT));
}

/* The whole response frame: addresses and ports swapped, fresh IP/UDP headers. */
static void expect_frame(const struct qinfo *qi, const struct utm_config *cfg, struct frame *f)
{
	size_t alen = qi->family == 4 ? 4 : 16, l3, l4;
	struct frame m;

	put_answer_msg(&m, qi, cfg);
	put_eth(f, qi->cmac, qi->smac);
	if (qi->tci)
		put_tag(f, ETH_P_8021Q, qi->tci);
	if (qi->family == 4) {
		put16(f, ETH_P_IP);
		l3 = f->len;
		put8(f, 0x45);
		put8(f, 0);
		put16(f, 20 + 8 + m.len);
		put16(f, qi->ip4_id);
		put16(f, 0); /* no DF, no fragment */
		put8(f, 64);
		put8(f, IPPROTO_UDP);
		put16(f, 0);
		put(f, qi->dst, alen);
		put(f, qi->src, alen);
		fix_ip4_csum(f->b + l3, 20);
	} else {
		put16(f, ETH_P_IPV6);
		put32(f, 0x60000000);
		put16(f, 8 + m.len);
		put8(f, IPPROTO_UDP);
		put8(f, 64);
		put(f, qi->dst, alen);
		put(f, qi->src, alen);
	}
	l4 = f->len;
	put16(f, qi->dport);
	put16(f, qi->sport);
	put16(f, 8 + m.len);
	put16(f, 0);
	put(f, m.b, m.len);
	fix_udp_csum(qi->family, qi->dst, qi->src, f->b + l4, 8 + m.len);
}

/*
 * The answer to query("BaD.ExAmple.TEST", A) with EDNS, NULL mode, TTL 2,
 * written out by hand (checksums computed apart) to pin expect_frame down.
 */
/* clang-format off */
static const uint8_t GOLDEN_A4[] = {
	/* Ethernet: to the client, from the router's MAC */
	0x02, 0x11, 0x11, 0x11, 0x11, 0x11, 0x02, 0x22, 0x22, 0x22, 0x22, 0x22, 0x08, 0x00,
	/* IPv4: 89 bytes, id kept, no DF, TTL 64, UDP, checksum, 192.0.2.53 -> 192.168.1.10 */
	0x45, 0x00, 0x00, 0x59, 0x4d, 0x2e, 0x00, 0x00, 0x40, 0x11, 0xa9, 0x7e,
	0xc0, 0x00, 0x02, 0x35, 0xc0, 0xa8, 0x01, 0x0a,
	/* UDP: 53 -> 40123, 69 bytes, checksum */
	0x00, 0x35, 0x9c, 0xbb, 0x00, 0x45, 0x89, 0x72,
	/* DNS: id, QR RD RA, QD 1, AN 1, NS 0, AR 1 */
	0xbe, 0xef, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
	/* question, case as sent: BaD.ExAmple.TEST A IN */
	0x03, 'B', 'a', 'D', 0x07, 'E', 'x', 'A', 'm', 'p', 'l', 'e', 0x04, 'T', 'E', 'S', 'T', 0x00,
	0x00, 0x01, 0x00, 0x01,
	/* answer: C00C A IN TTL 2, 0.0.0.0 */
	0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
	/* OPT: root, 41, 1232, rcode 0, version 0, flags 0, no options */
	0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* clang-format on */

/* ---------------------------------------------------------------------- */
/* Running the program and checking what it did                           */

struct result {
	uint32_t ret;
	size_t len;
	uint8_t b[4096]; /* test_run gives the frame a page; the answer grows it a little */
};

static void run_out(struct fx *fx, int ifx, const uint8_t *data, size_t len, struct result *r)
{
	struct xdp_md md = {.data_end = len, .ingress_ifindex = ifx};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = data, .data_size_in = len, .data_out = r->b,
		    .data_size_out = sizeof(r->b), .ctx_in = &md, .ctx_size_in = sizeof(md),
		    .repeat = 1);

	fx->t0 = mono_ns();
	if (bpf_prog_test_run_opts(fx->prog, &opts) != 0)
		fail_msg("test_run of a %zu-byte frame: %s", len, strerror(errno));
	fx->t1 = mono_ns();
	r->ret = opts.retval;
	r->len = opts.data_size_out;
}

static void dump(const char *title, const uint8_t *b, size_t len)
{
	size_t i;

	fprintf(stderr, "%s (%zu bytes):\n", title, len);
	for (i = 0; i < len; i++)
		fprintf(stderr, "%02x%s", b[i], i % 16 == 15 || i + 1 == len ? "\n" : " ");
}

static void assert_frame(const uint8_t *got, size_t len, const uint8_t *want, size_t wlen,
			 const char *what)
{
	size_t i;

	if (len == wlen && memcmp(got, want, len) == 0)
		return;
	for (i = 0; i < len && i < wlen && got[i] == want[i]; i++)
		;
	dump("got", got, len);
	dump("want", want, wlen);
	fail_msg("%s: frame differs at byte %zu (got %zu bytes, want %zu)", what, i, len, wlen);
}

#define EXPECT_EQ(got, want, what)                                                                 \
	do {                                                                                       \
		long long g_ = (long long)(got), w_ = (long long)(want);                           \
		if (g_ != w_)                                                                      \
			fail_msg("%s: %s is %lld, want %lld", what, #got, g_, w_);                 \
	} while (0)

#define EXPECT_MEM(got, want, n, what)                                                             \
	do {                                                                                       \
		if (memcmp(got, want, n) != 0)                                                     \
			fail_msg("%s: %s differs from %s", what, #got, #want);                     \
	} while (0)

/*
 * Property check of a response, by parsing it: the layers fit together,
 * both checksums verify, and it answers the question that was asked.
 */
static void check_response(const uint8_t *b, size_t len, const struct qinfo *qi, const char *what)
{
	size_t l3 = qi->tci ? 18 : 14, alen = qi->family == 4 ? 4 : 16, l4, d;

	assert_true(len > l3 + 40 + 8 + 12);
	EXPECT_MEM(b, qi->cmac, 6, what);
	EXPECT_MEM(b + 6, qi->smac, 6, what);
	if (qi->family == 4) {
		l4 = l3 + 20;
		EXPECT_EQ(b[l3], 0x45, what);
		EXPECT_EQ(be16(b + l3 + 2), len - l3, what);
		EXPECT_EQ(fold16(sum16(b + l3, 20, 0)), 0xffff, what);
		EXPECT_MEM(b + l3 + 12, qi->dst, 4, what);
		EXPECT_MEM(b + l3 + 16, qi->src, 4, what);
	} else {
		l4 = l3 + 40;
		EXPECT_EQ(be16(b + l3 + 4), len - l4, what);
		EXPECT_MEM(b + l3 + 8, qi->dst, 16, what);
		EXPECT_MEM(b + l3 + 24, qi->src, 16, what);
	}
	EXPECT_EQ(be16(b + l4), qi->dport, what);
	EXPECT_EQ(be16(b + l4 + 2), qi->sport, what);
	EXPECT_EQ(be16(b + l4 + 4), len - l4, what);
	assert_true(be16(b + l4 + 6) != 0);
	EXPECT_EQ(fold16(sum16(b + l4, len - l4,
			       pseudo_sum(qi->family, b + l4 - 2 * alen, b + l4 - alen, len - l4))),
		  0xffff, what);
	d = l4 + 8;
	EXPECT_EQ(be16(b + d), qi->id, what);
	EXPECT_EQ(be16(b + d + M_FLAGS) & (F_QR | 0x7800), F_QR, what);
	EXPECT_EQ(be16(b + d + M_QD), 1, what);
	assert_true(len >= d + M_NAME + qi->name_len + 4);
	EXPECT_MEM(b + d + M_NAME, qi->name, qi->name_len, what);
	EXPECT_EQ(be16(b + d + M_NAME + qi->name_len), qi->qtype, what);
	EXPECT_EQ(be16(b + d + M_NAME + qi->name_len + 2), qi->qclass, what);
}

/* Every field of the event for an answered query; ts_ns lies within the run. */
static void check_event(const struct fx *fx, const struct utm_block_event *ev,
			const struct qinfo *qi, size_t pkt_len, uint16_t list, uint16_t match_off,
			const char *what)
{
	uint8_t addr[16] = {0};

	assert_in_range(ev->ts_ns, fx->t0, fx->t1);
	EXPECT_EQ(ev->kind, UTM_EV_DNS, what);
	EXPECT_EQ(ev->ifindex, lan_ifx, what);
	EXPECT_EQ(ev->list_id, list, what);
	EXPECT_EQ(ev->dir, UTM_DIR_OUTBOUND, what);
	EXPECT_EQ(ev->action, UTM_ACT_DROP, what);
	EXPECT_EQ(ev->family, qi->family, what);
	EXPECT_EQ(ev->proto, IPPROTO_UDP, what);
	EXPECT_EQ(ev->sport, qi->sport, what);
	EXPECT_EQ(ev->dport, qi->dport, what);
	EXPECT_EQ(ev->vlan, qi->tci & 0xfff, what);
	EXPECT_EQ(ev->pkt_len, pkt_len, what);
	EXPECT_EQ(ev->suppressed, 0, what);
	EXPECT_MEM(ev->lan_mac, qi->cmac, 6, what);
	EXPECT_MEM(ev->wan_mac, qi->smac, 6, what);
	memcpy(addr, qi->src, qi->family == 4 ? 4 : 16);
	EXPECT_MEM(ev->saddr, addr, 16, what);
	memset(addr, 0, 16);
	memcpy(addr, qi->dst, qi->family == 4 ? 4 : 16);
	EXPECT_MEM(ev->daddr, addr, 16, what);
	EXPECT_EQ(ev->qtype, qi->qtype, what);
	EXPECT_EQ(ev->qname_len, qi->name_len - 1, what);
	EXPECT_EQ(ev->match_off, match_off, what);
	EXPECT_EQ(ev->dns_mode, fx->cfg.dns_mode, what);
	/* The name as sent, and its root label. */
	EXPECT_MEM(ev->qname, qi->name, qi->name_len, what);
}

/* Counters of the LAN port and of one list, before and after a run. */
struct snap {
	struct utm_port_stats st;
	struct utm_count list;
	uint64_t emitted;
};

static struct snap snap(struct fx *fx, uint16_t list)
{
	return (struct snap){
		.st = port_stats(fx, UTM_PORT_LAN),
		.list = list_hits(fx, list),
		.emitted = event_stats(fx).emitted,
	};
}

/*
 * Run frame f (len bytes) that the guard must answer: the response must be
 * exactly want, parse as an answer to qi, and come with one event, one
 * dns_blocked and one hit of list.
 */
static void answer_frame(struct fx *fx, const struct frame *f, size_t len, const struct qinfo *qi,
			 const struct frame *want, uint16_t list, uint16_t match_off,
			 const char *what)
{
	struct snap a, b = snap(fx, list);
	struct result r;

	run_out(fx, lan_ifx, f->b, len, &r);
	if (r.ret != XDP_TX) {
		dump("query", f->b, len);
		fail_msg("%s: verdict %u, want XDP_TX (%u)", what, r.ret, XDP_TX);
	}
	assert_frame(r.b, r.len, want->b, want->len, what);
	check_response(r.b, r.len, qi, what);
	a = snap(fx, list);
	EXPECT_EQ(a.st.rx.packets - b.st.rx.packets, 1, what);
	EXPECT_EQ(a.st.dns_blocked.packets - b.st.dns_blocked.packets, 1, what);
	EXPECT_EQ(a.st.dns_blocked.bytes - b.st.dns_blocked.bytes, len, what);
	EXPECT_EQ(a.st.forwarded.packets - b.st.forwarded.packets, 0, what);
	EXPECT_EQ(a.st.dns_allowlisted.packets - b.st.dns_allowlisted.packets, 0, what);
	EXPECT_EQ(a.list.packets - b.list.packets, 1, what);
	EXPECT_EQ(a.list.bytes - b.list.bytes, len, what);
	EXPECT_EQ(a.emitted - b.emitted, 1, what);
	EXPECT_EQ(drain(fx), 1, what);
	check_event(fx, &fx->ev[0], qi, len, list, match_off, what);
}

/* Query q must be answered, on behalf of list, the entry at match_off in the name. */
static void answer_ok(struct fx *fx, const struct query *q, uint16_t list, uint16_t match_off,
		      const char *what)
{
	struct frame f, want;
	struct qinfo qi;

	make_query(q, &f);
	qinfo_of(q, &qi);
	expect_frame(&qi, &fx->cfg, &want);
	answer_frame(fx, &f, f.len, &qi, &want, list, match_off, what);
}

/* Frame f (len bytes) must be bridged untouched, with nothing counted as DNS. */
static void pass_frame(struct fx *fx, int ifx, const struct frame *f, size_t len, const char *what)
{
	uint32_t role = ifx == lan_ifx ? UTM_PORT_LAN : UTM_PORT_WAN;
	struct utm_port_stats b = port_stats(fx, role), a;
	struct result r;

	run_out(fx, ifx, f->b, len, &r);
	if (r.ret != XDP_REDIRECT) {
		dump("query", f->b, len);
		fail_msg("%s: verdict %u, want XDP_REDIRECT (%u)", what, r.ret, XDP_REDIRECT);
	}
	assert_frame(r.b, r.len, f->b, len, what);
	a = port_stats(fx, role);
	EXPECT_EQ(a.forwarded.packets - b.forwarded.packets, 1, what);
	EXPECT_EQ(a.dns_blocked.packets - b.dns_blocked.packets, 0, what);
	EXPECT_EQ(drain(fx), 0, what);
}

static void pass_query(struct fx *fx, const struct query *q, const char *what)
{
	struct frame f;

	make_query(q, &f);
	pass_frame(fx, lan_ifx, &f, f.len, what);
}

/* Message m of query q (headers from q) must be bridged untouched. */
static void pass_msg(struct fx *fx, const struct query *q, const struct frame *m, const char *what)
{
	struct frame f;

	wrap(q, m, &f);
	pass_frame(fx, lan_ifx, &f, f.len, what);
}

/* ---------------------------------------------------------------------- */
/* Answers: the exact frame for each mode, type, transport                 */

static const uint32_t all_modes[] = {UTM_DNS_NULL, UTM_DNS_NXDOMAIN, UTM_DNS_NODATA,
				     UTM_DNS_SINKHOLE};

static const char *mode_name(uint32_t mode)
{
	static const char *const names[] = {"NULL", "NXDOMAIN", "NODATA", "SINKHOLE"};

	return mode < 4 ? names[mode] : "?";
}

/* Query q in every mode, with and without EDNS: each must be answered exactly. */
static void answer_all_modes(struct fx *fx, struct query q, const char *what)
{
	char desc[128];
	size_t i;
	int opt;

	for (i = 0; i < sizeof(all_modes) / sizeof(all_modes[0]); i++) {
		set_mode(fx, all_modes[i]);
		for (opt = 1; opt >= 0; opt--) {
			q.opt = opt;
			snprintf(desc, sizeof(desc), "%s, %s, %s", what, mode_name(all_modes[i]),
				 opt ? "EDNS" : "no EDNS");
			answer_ok(fx, &q, L_PLAIN, 0, desc);
		}
	}
}

static void test_golden_frame(void **state)
{
	struct fx *fx = *state;
	struct query q = query("BaD.ExAmple.TEST", T_A);
	struct frame f, want;
	struct qinfo qi;

	/* The builder the other tests use agrees with the hand-written frame. */
	qinfo_of(&q, &qi);
	expect_frame(&qi, &fx->cfg, &want);
	assert_frame(want.b, want.len, GOLDEN_A4, sizeof(GOLDEN_A4), "expect_frame vs golden");
	make_query(&q, &f);
	memcpy(want.b, GOLDEN_A4, sizeof(GOLDEN_A4));
	want.len = sizeof(GOLDEN_A4);
	answer_frame(fx, &f, f.len, &qi, &want, L_PLAIN, 0, "golden A over IPv4");
}

static void test_answer_a(void **state)
{
	answer_all_modes(*state, query("BaD.ExAmple.TEST", T_A), "A over IPv4");
}

static void test_answer_aaaa(void **state)
{
	answer_all_modes(*state, query("BaD.ExAmple.TEST", T_AAAA), "AAAA over IPv4");
}

/* Other types get no answer record in any mode (NULL: no data, as Pi-hole). */
static void test_answer_other_types(void **state)
{
	static const uint16_t types[] = {T_MX, T_TXT, T_ANY, 5 /* CNAME */, 65 /* HTTPS */};
	char what[64];
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		snprintf(what, sizeof(what), "type %u over IPv4", types[i]);
		answer_all_modes(*state, query("BaD.ExAmple.TEST", types[i]), what);
	}
}

static void test_answer_ipv6(void **state)
{
	struct query q = query("bad.example.test", T_A);

	q.family = 6;
	answer_all_modes(*state, q, "A over IPv6");
	q.qtype = T_AAAA;
	answer_all_modes(*state, q, "AAAA over IPv6");
	q.qtype = T_MX;
	answer_all_modes(*state, q, "MX over IPv6");
}

/* The answer keeps the 802.1Q tag, priority bits and all. */
static void test_answer_vlan(void **state)
{
	struct query q = query("bad.example.test", T_A);

	q.tci = 0xa064; /* priority 5, VLAN 100 */
	answer_all_modes(*state, q, "A over IPv4 in VLAN 100");
	q.family = 6;
	q.qtype = T_AAAA;
	answer_all_modes(*state, q, "AAAA over IPv6 in VLAN 100");
}

/* Only RD is copied from the query; AA, TC, AD, CD and Z are not echoed. */
static void test_answer_flags(void **state)
{
	struct fx *fx = *state;
	struct query q = query("bad.example.test", T_A);

	q.flags = 0;
	answer_ok(fx, &q, L_PLAIN, 0, "RD clear");
	q.flags = F_RD | F_AD | F_CD;
	answer_ok(fx, &q, L_PLAIN, 0, "RD AD CD");
	q.flags = F_AA | F_TC | 0x0040 /* Z */ | 0x000f /* rcode */;
	answer_ok(fx, &q, L_PLAIN, 0, "AA TC Z rcode set in a query");
	q.id = 0;
	answer_ok(fx, &q, L_PLAIN, 0, "id 0");
	q.id = 0xffff;
	answer_ok(fx, &q, L_PLAIN, 0, "id ffff");
}

/* Ethernet padding after the datagram, and EDNS options: the answer drops both. */
static void test_answer_padding_and_options(void **state)
{
	struct fx *fx = *state;
	struct query q = query("bad.example.test", T_A);
	struct frame f, m, want;
	struct qinfo qi;

	qinfo_of(&q, &qi);
	expect_frame(&qi, &fx->cfg, &want);
	make_query(&q, &f);
	put_zero(&f, 30);
	answer_frame(fx, &f, f.len, &qi, &want, L_PLAIN, 0, "30 bytes of padding");

	/* A cookie option (RFC 7873): code 10, 8 bytes. */
	put_msg(&m, &q);
	set16(m.b + m.len - 2, 12);
	put(&m, "\000\012\000\010abcdefgh", 12);
	wrap(&q, &m, &f);
	answer_frame(fx, &f, f.len, &qi, &want, L_PLAIN, 0, "OPT with a cookie option");
}

/* Set q's DNS id so that the answer's UDP checksum computes to 0 (sent as ffff). */
static void id_for_csum_ffff(const struct fx *fx, struct query *q)
{
	size_t l4 = 14 + (q->family == 4 ? 20 : 40);
	struct frame want;
	struct qinfo qi;
	uint32_t id;

	/* The id is summed as it is, so exactly one value makes the sum 0. */
	for (id = 0; id <= 0xffff; id++) {
		q->id = id;
		qinfo_of(q, &qi);
		expect_frame(&qi, &fx->cfg, &want);
		if (be16(want.b + l4 + 6) == 0xffff)
			return;
	}
	fail_msg("no DNS id gives a zero UDP checksum");
}

/* RFC 768: a computed UDP checksum of 0 is sent as ffff (0 means "none"). */
static void test_answer_csum_ffff(void **state)
{
	struct fx *fx = *state;
	struct query q = query("bad.example.test", T_A);

	id_for_csum_ffff(fx, &q);
	answer_ok(fx, &q, L_PLAIN, 0, "UDP checksum ffff over IPv4");
	q.family = 6;
	id_for_csum_ffff(fx, &q);
	answer_ok(fx, &q, L_PLAIN, 0, "UDP checksum ffff over IPv6");
}

/* ---------------------------------------------------------------------- */
/* Matching                                                                */

static void test_match_subdomain(void **state)
{
	struct fx *fx = *state;
	struct query q = query("bad.example.test", T_A);

	answer_ok(fx, &q, L_PLAIN, 0, "the entry itself");
	q.name = "www.bad.example.test";
	answer_ok(fx, &q, L_PLAIN, 4, "child");
	q.name = "a.b.bad.example.test";
	answer_ok(fx, &q, L_PLAIN, 4, "grandchild");
	q.name = "x-1_2.y.z.bad.example.test";
	answer_ok(fx, &q, L_PLAIN, 10, "three labels below");
}

static void test_match_exact(void **state)
{
	struct fx *fx = *state;
	struct query q = query("exact.example.test", T_A);

	answer_ok(fx, &q, L_EXACT, 0, "exact entry");
	q.name = "example.test";
	pass_query(fx, &q, "parent of an exact entry");
	q.name = "www.exact.example.test";
	pass_query(fx, &q, "child of an exact entry");
	q.name = "a.b.exact.example.test";
	pass_query(fx, &q, "grandchild of an exact entry");
}

/* The most specific block entry is the one reported. */
static void test_match_most_specific(void **state)
{
	static const struct name_entry parent = {"example.test",
						 {.block_name = L_EXTRA, .block_sub = L_EXTRA}};
	struct fx *fx = *state;
	struct query q = query("www.bad.example.test", T_A);

	dns_put(fx, 0, &parent);
	answer_ok(fx, &q, L_PLAIN, 4, "below two block entries");
	q.name = "bad.example.test";
	answer_ok(fx, &q, L_PLAIN, 0, "the inner entry");
	q.name = "other.example.test";
	answer_ok(fx, &q, L_EXTRA, 6, "below the outer entry only");
	q.name = "example.test";
	answer_ok(fx, &q, L_EXTRA, 0, "the outer entry");
	q.name = "good.bad.example.test";
	pass_query(fx, &q, "an allow entry still wins over both");
}

/*
 * `*.sub.example.test` blocks every name below sub.example.test, not the
 * name itself (lib/domlist.h; RPZ wildcard semantics).
 *
 * KNOWN PROGRAM BUG (fails until fixed): match_step() in bpf/dns.h takes
 * `j == 0 && e->block_name ? e->block_name : e->block_sub`, so at the name
 * itself an entry with only block_sub matches: sub.example.test is answered.
 * Same for allow_sub (see test_match_allow_sub_only). Fix: at j == 0 use
 * only block_name / allow_name, above it only block_sub / allow_sub.
 */
static void test_match_sub_only(void **state)
{
	struct fx *fx = *state;
	struct query q = query("x.sub.example.test", T_A);

	answer_ok(fx, &q, L_SUB, 2, "child of a subdomains-only entry");
	q.name = "a.b.sub.example.test";
	answer_ok(fx, &q, L_SUB, 4, "grandchild of a subdomains-only entry");
	q.name = "example.test";
	pass_query(fx, &q, "parent of a subdomains-only entry");
	q.name = "sub.example.test";
	pass_query(fx, &q, "the subdomains-only entry's own name");
}

static void test_match_allow(void **state)
{
	struct fx *fx = *state;
	struct query q = query("good.bad.example.test", T_A);
	struct utm_port_stats b = port_stats(fx, UTM_PORT_LAN), a;
	struct utm_count hb = list_hits(fx, L_ALLOW), ha;
	struct frame f;

	make_query(&q, &f);
	pass_frame(fx, lan_ifx, &f, f.len, "allowlisted child of a blocked domain");
	q.name = "deep.GOOD.bad.example.test";
	pass_query(fx, &q, "below an allowlisted name");
	a = port_stats(fx, UTM_PORT_LAN);
	ha = list_hits(fx, L_ALLOW);
	EXPECT_EQ(a.dns_allowlisted.packets - b.dns_allowlisted.packets, 2, "allowlisted");
	EXPECT_EQ(ha.packets - hb.packets, 2, "allow list hits");
	EXPECT_EQ(list_hits(fx, L_PLAIN).packets, 0, "block list hits");
	/* The sibling of the allowed name is still blocked. */
	q.name = "evil.bad.example.test";
	answer_ok(fx, &q, L_PLAIN, 5, "sibling of an allowlisted name");
	/* A name not blocked at all is not "allowlisted". */
	b = port_stats(fx, UTM_PORT_LAN);
	q.name = "unrelated.test";
	pass_query(fx, &q, "unrelated name");
	a = port_stats(fx, UTM_PORT_LAN);
	EXPECT_EQ(a.dns_allowlisted.packets - b.dns_allowlisted.packets, 0, "not allowlisted");
}

/*
 * An allow entry for the subdomains only (`@@||*.partner...`-style):
 * partner.bad.example.test itself stays blocked by bad.example.test.
 * KNOWN PROGRAM BUG (fails until fixed): see test_match_sub_only.
 */
static void test_match_allow_sub_only(void **state)
{
	struct fx *fx = *state;
	struct query q = query("x.partner.bad.example.test", T_A);

	dns_put(fx, 0, &partner_entry);
	pass_query(fx, &q, "below a subdomains-only allow entry");
	q.name = "partner.bad.example.test";
	answer_ok(fx, &q, L_PLAIN, 8, "the subdomains-only allow entry's own name");
}

static void test_match_unrelated(void **state)
{
	static const char *const names[] = {
		"example.test",		 /* parent */
		"test",			 /* top-level domain */
		"notbad.example.test",	 /* ends with the entry, not at a label */
		"bad.example.test.evil", /* the entry as a prefix */
		"bad.example",		 /* a prefix of the entry */
		"bad-example.test",
		"bad.example.tes",
		"bad.example.testx",
		"bad.exampl.test",
		"xbad.example.test",
		"bad\\.example.test", /* a label with a backslash */
	};
	struct fx *fx = *state;
	struct query q = query("", T_A);
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		q.name = names[i];
		pass_query(fx, &q, names[i]);
	}
	EXPECT_EQ(port_stats(fx, UTM_PORT_LAN).dns_allowlisted.packets, 0, "allowlisted");
	q.name = "bad.example.test";
	answer_ok(fx, &q, L_PLAIN, 0, "control: the entry");
}

/* A label with a dot in it is not two labels. */
static void test_match_dot_in_label(void **state)
{
	struct fx *fx = *state;
	struct query q = query("bad.example.test", T_A);
	struct frame m;

	put_dns_header(&m, QID, F_RD, 1, 0, 0, 1);
	put(&m, "\020bad.example.test\000", 18); /* one 16-byte label */
	put16(&m, T_A);
	put16(&m, C_IN);
	put(&m, QUERY_OPT, sizeof(QUERY_OPT));
	pass_msg(fx, &q, &m, "one label \"bad.example.test\"");
}

static void test_match_case(void **state)
{
	static const char *const names[] = {
		"BAD.EXAMPLE.TEST",
		"bAd.ExAmPlE.tEsT",
		"Www.BaD.eXaMpLe.TeSt",
	};
	struct fx *fx = *state;
	struct query q = query("", T_A);
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		q.name = names[i];
		answer_ok(fx, &q, L_PLAIN, i == 2 ? 4 : 0, names[i]);
	}
	q.name = "EXACT.example.TEST";
	answer_ok(fx, &q, L_EXACT, 0, "exact, upper case");
	q.name = "GOOD.BAD.EXAMPLE.TEST";
	pass_query(fx, &q, "allowlisted, upper case");
}

/* Entries of the idle generation count only once settings.gen points at it. */
static void test_generation_flip(void **state)
{
	static const struct name_entry later = {"later.example.test",
						{.block_name = L_LATER, .block_sub = L_LATER}};
	struct fx *fx = *state;
	struct query q = query("later.example.test", T_A);
	struct query old = query("bad.example.test", T_A);

	fx->cfg.gen = 1;
	write_cfg(fx);
	pass_query(fx, &old, "generation 1 has no map yet");
	fx->cfg.gen = 0;
	write_cfg(fx);

	dns_put(fx, 1, &later);
	pass_query(fx, &q, "entry of the idle generation");
	answer_ok(fx, &old, L_PLAIN, 0, "entry of the live generation");
	fx->cfg.gen = 1;
	write_cfg(fx);
	answer_ok(fx, &q, L_LATER, 0, "after the flip");
	pass_query(fx, &old, "entry of the old generation after the flip");
	fx->cfg.gen = 0;
	write_cfg(fx);
	pass_query(fx, &q, "after flipping back");
	answer_ok(fx, &old, L_PLAIN, 0, "old entry after flipping back");
}

static void test_disabled(void **state)
{
	struct fx *fx = *state;
	struct query q = query("bad.example.test", T_A);

	answer_ok(fx, &q, L_PLAIN, 0, "enabled");
	fx->cfg.dns_enabled = 0;
	write_cfg(fx);
	pass_query(fx, &q, "disabled");
	q.name = "exact.example.test";
	pass_query(fx, &q, "disabled, exact");
	q.family = 6;
	pass_query(fx, &q, "disabled, IPv6");
	q.name = "good.bad.example.test";
	pass_query(fx, &q, "disabled, allowlisted");
	EXPECT_EQ(port_stats(fx, UTM_PORT_LAN).dns_allowlisted.packets, 0, "allowlisted");
	EXPECT_EQ(list_hits(fx, L_PLAIN).packets, 1, "list hits");
}

/* ---------------------------------------------------------------------- */
/* Events                                                                  */

/* The event, field by field, written out rather than derived from the query. */
static void test_event(void **state)
{
	static const uint8_t qname[] = "\001A\001b\003BAD\007example\004test";
	struct fx *fx = *state;
	struct query q = query("A.b.BAD.example.test", T_AAAA);
	struct utm_port_stats st;
	struct utm_block_event *ev;
	struct frame f;
	struct result r;
	uint8_t a[16];

	q.family = 6;
	q.tci = 0x0064;
	set_mode(fx, UTM_DNS_SINKHOLE);
	make_query(&q, &f);
	run_out(fx, lan_ifx, f.b, f.len, &r);
	assert_int_equal(r.ret, XDP_TX);
	assert_int_equal(drain(fx), 1);
	ev = &fx->ev[0];
	assert_in_range(ev->ts_ns, fx->t0, fx->t1);
	assert_int_equal(ev->kind, UTM_EV_DNS);
	assert_int_equal(ev->ifindex, lan_ifx);
	assert_int_equal(ev->list_id, L_PLAIN);
	assert_int_equal(ev->dir, UTM_DIR_OUTBOUND);
	assert_int_equal(ev->family, 6);
	assert_int_equal(ev->proto, IPPROTO_UDP);
	assert_int_equal(ev->sport, CPORT);
	assert_int_equal(ev->dport, 53);
	assert_int_equal(ev->vlan, 100);
	assert_int_equal(ev->pkt_len, f.len);
	assert_memory_equal(ev->lan_mac, HOST_MAC, 6);
	assert_memory_equal(ev->wan_mac, ROUTER_MAC, 6);
	addr_of(CLIENT6, a);
	assert_memory_equal(ev->saddr, a, 16);
	addr_of(SERVER6, a);
	assert_memory_equal(ev->daddr, a, 16);
	assert_int_equal(ev->qtype, T_AAAA);
	assert_int_equal(ev->qname_len, sizeof(qname) - 1);
	assert_int_equal(ev->qname_len, 21);
	assert_int_equal(ev->match_off, 4); /* "\x03BAD..." */
	assert_int_equal(ev->dns_mode, UTM_DNS_SINKHOLE);
	assert_memory_equal(ev->qname, qname, sizeof(qname)); /* with the root byte */
	st = port_stats(fx, UTM_PORT_LAN);
	assert_int_equal(st.dns_blocked.packets, 1);
	assert_int_equal(st.dns_blocked.bytes, f.len);
	assert_int_equal(st.forwarded.packets, 0);
	assert_int_equal(list_hits(fx, L_PLAIN).packets, 1);
	assert_int_equal(event_stats(fx).emitted, 1);

	/* One event per answered query, none for the others. */
	run_out(fx, lan_ifx, f.b, f.len, &r);
	run_out(fx, lan_ifx, f.b, f.len, &r);
	assert_int_equal(drain(fx), 2);
	q.name = "good.bad.example.test";
	pass_query(fx, &q, "allowlisted");
	assert_int_equal(event_stats(fx).emitted, 3);
}

/*
 * After the name's root byte, qname holds zeros: no bytes of an earlier
 * query (another client's name) may ride along in an event.
 *
 * KNOWN PROGRAM BUG (fails until fixed): dns_guard() loads only the
 * message's bytes into the per-CPU scratch name, and emit_block() copies all
 * 256 bytes of it into the event, so a short query's event carries the tail
 * of the previous, longer query handled on that CPU. Fix: zero ev->qname and
 * copy only name_len + 1 bytes (e.g. bpf_probe_read_kernel with a bounded
 * length), or zero the scratch name past name_len + 1 before emitting.
 */
static void test_event_no_stale_bytes(void **state)
{
	static const uint8_t zero[UTM_QNAME_MAX];
	struct fx *fx = *state;
	struct query q = query("another-clients-secret.www.bad.example.test", T_A);
	size_t rest;

	answer_ok(fx, &q, L_PLAIN, 27, "a long name");
	q.name = "bad.example.test";
	q.opt = false;
	answer_ok(fx, &q, L_PLAIN, 0, "then a short one");
	rest = UTM_QNAME_MAX - 18; /* after "\003bad\007example\004test\000" */
	assert_memory_equal(fx->ev[0].qname + 18, zero, rest);
}

/* ---------------------------------------------------------------------- */
/* Left alone: transport                                                   */

static void test_pass_ports(void **state)
{
	struct fx *fx = *state;
	struct query q = query("bad.example.test", T_A);
	struct frame f;

	q.dport = 54;
	pass_query(fx, &q, "to port 54");
	q.dport = 5353;
	pass_query(fx, &q, "to port 5353 (mDNS)");
	q.dport = 853;
	pass_query(fx, &q, "to port 853");
	q.sport = 53;
	q.dport = 1053;
	pass_query(fx, &q, "from port 53");
	q = query("bad.example.test", T_A);
	q.proto = IPPROTO_TCP;
	pass_query(fx, &q, "DNS over TCP");
	q = query("bad.example.test", T_A);
	make_query(&q, &f);
	pass_frame(fx, wan_ifx, &f, f.len, "arriving on the WAN port");
	q.family = 6;
	make_query(&q, &f);
	pass_frame(fx, wan_ifx, &f, f.len, "IPv6, arriving on the WAN port");
	answer_ok(fx, &q, L_PLAIN, 0, "control: the same query from the LAN");
}

static void test_pass_ip_quirks(void **state)
{
	static const struct {
		int family;
		enum quirk quirk;
		const char *what;
	} cases[] = {
		{4, Q_IP4_OPTIONS, "IPv4 with options"},
		{4, Q_IP4_MF, "IPv4 first fragment"},
		{4, Q_IP4_LATER_FRAG, "IPv4 later fragment"},
		{6, Q_IP6_HBH, "IPv6 with a hop-by-hop header"},
		{6, Q_IP6_FRAG, "IPv6 first fragment"},
	};
	struct fx *fx = *state;
	struct query q = query("bad.example.test", T_A);
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		q.family = cases[i].family;
		q.quirk = cases[i].quirk;
		pass_query(fx, &q, cases[i].what);
	}
	q.quirk = Q_NONE;
	answer_ok(fx, &q, L_PLAIN, 0, "control: IPv6 without extension headers");
}

/* ---------------------------------------------------------------------- */
/* Left alone: DNS header, name, class, OPT                                */

/* Query q with the 16-bit field at off of its message set to v must pass. */
static void pass_field(struct fx *fx, const struct query *q, size_t off, uint16_t v,
		       const char *what)
{
	struct frame m;

	put_msg(&m, q);
	set16(m.b + off, v);
	pass_msg(fx, q, &m, what);
}

static void test_pass_header(void **state)
{
	struct fx *fx = *state;
	struct query q = query("bad.example.test", T_A);
	char what[64];
	uint16_t op;

	answer_ok(fx, &q, L_PLAIN, 0, "control");
	pass_field(fx, &q, M_FLAGS, F_QR | F_RD | F_RA, "a response (QR)");
	pass_field(fx, &q, M_FLAGS, F_QR | F_RD | F_RA | 3, "an NXDOMAIN response");
	for (op = 1; op < 16; op++) {
		snprintf(what, sizeof(what), "opcode %u", op);
		pass_field(fx, &q, M_FLAGS, F_RD | op << 11, what);
	}
	pass_field(fx, &q, M_QD, 0, "QDCOUNT 0");
	pass_field(fx, &q, M_QD, 2, "QDCOUNT 2");
	pass_field(fx, &q, M_QD, 0xffff, "QDCOUNT 65535");
	pass_field(fx, &q, M_AN, 1, "ANCOUNT 1");
	pass_field(fx, &q, M_NS, 1, "NSCOUNT 1");
	pass_field(fx, &q, M_AR, 2, "ARCOUNT 2");
	q.opt = false;
	pass_field(fx, &q, M_AR, 1, "ARCOUNT 1 without a record");
	pass_field(fx, &q, M_AR, 2, "ARCOUNT 2 without records");
}

static void test_pass_name(void **state)
{
	static const struct {
		const char *wire; /* the name region: a C string can't hold the 00s, so len */
		size_t len;
		const char *what;
	} cases[] = {
		{"\003bad\300\014", 6, "pointer after a label"},
		{"\300\014", 2, "pointer first"},
		{"\003bad\007example\004test\300\014", 19, "pointer at the end"},
		{"\003bad\200abc\000", 9, "label type 10 (reserved)"},
		{"\003bad\101abc\000", 9, "label type 01 (extended, RFC 6891)"},
		{"\x00", 1, "the root"},
	};
	struct fx *fx = *state;
	struct query q = query("bad.example.test", T_A);
	char label[100];
	struct frame m;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put_dns_header(&m, QID, F_RD, 1, 0, 0, 1);
		put(&m, cases[i].wire, cases[i].len);
		put16(&m, T_A);
		put16(&m, C_IN);
		put(&m, QUERY_OPT, sizeof(QUERY_OPT));
		pass_msg(fx, &q, &m, cases[i].what);
	}
	memset(label, 'a', 64);
	strcpy(label + 64, ".bad.example.test");
	q.name = label;
	pass_query(fx, &q, "label length 64");
	q.name = "";
	pass_query(fx, &q, "the root, built by put_name");
	q.opt = false;
	pass_query(fx, &q, "the root without EDNS");
	/* A label that runs past the end of the message. */
	put_dns_header(&m, QID, F_RD, 1, 0, 0, 0);
	put(&m, "\003bad\007example\077test", 18); /* 63 bytes announced */
	pass_msg(fx, &q, &m, "label running past the end");
	/* The message ends with the name: no type and class. */
	put_dns_header(&m, QID, F_RD, 1, 0, 0, 0);
	put_name(&m, "bad.example.test");
	pass_msg(fx, &q, &m, "no QTYPE, QCLASS");
	put16(&m, T_A);
	pass_msg(fx, &q, &m, "no QCLASS");
	put8(&m, 0);
	pass_msg(fx, &q, &m, "half a QCLASS");
}

static void test_pass_class(void **state)
{
	static const uint16_t classes[] = {0, 2, 3 /* CH */, 4 /* HS */, 254, 255, 0x8001};
	struct fx *fx = *state;
	struct query q = query("bad.example.test", T_A);
	char what[64];
	size_t i;

	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		q.qclass = classes[i];
		snprintf(what, sizeof(what), "QCLASS %u", classes[i]);
		pass_query(fx, &q, what);
	}
}

/* Query q's message with byte at (OPT start + off) set to v must pass. */
static void pass_opt_byte(struct fx *fx, const struct query *q, size_t off, uint8_t v,
			  const char *what)
{
	struct frame m;

	put_msg(&m, q);
	m.b[m.len - sizeof(QUERY_OPT) + off] = v;
	pass_msg(fx, q, &m, what);
}

static void test_pass_opt(void **state)
{
	struct fx *fx = *state;
	struct query q = query("bad.example.test", T_A);
	struct frame m;
	size_t cut;

	pass_opt_byte(fx, &q, 6, 1, "EDNS version 1");
	pass_opt_byte(fx, &q, 6, 255, "EDNS version 255");
	pass_opt_byte(fx, &q, 0, 1, "OPT owner not the root");
	pass_opt_byte(fx, &q, 2, 250, "TSIG instead of OPT");
	pass_opt_byte(fx, &q, 10, 1, "OPT RDLENGTH 1 past the end");
	pass_opt_byte(fx, &q, 9, 0xff, "OPT RDLENGTH 65280 past the end");
	/* RDLENGTH says 12, 11 bytes of options follow. */
	put_msg(&m, &q);
	set16(m.b + m.len - 2, 12);
	put(&m, "\000\012\000\010abcdefg", 11);
	pass_msg(fx, &q, &m, "OPT option cut short");
	for (cut = 1; cut < sizeof(QUERY_OPT); cut++) {
		put_msg(&m, &q);
		m.len -= cut;
		pass_msg(fx, &q, &m, "OPT record cut short");
	}
	answer_ok(fx, &q, L_PLAIN, 0, "control");
}

/* ---------------------------------------------------------------------- */
/* Left alone: truncation; names at the length limits                      */

/* Every prefix of the frame: the UDP length then says more than the frame holds. */
static void pass_frame_prefixes(struct fx *fx, const struct query *q)
{
	char what[64];
	struct frame f;
	size_t len;

	make_query(q, &f);
	for (len = 14; len < f.len; len++) {
		snprintf(what, sizeof(what), "IPv%d frame cut to %zu of %zu bytes", q->family, len,
			 f.len);
		pass_frame(fx, lan_ifx, &f, len, what);
	}
}

/* Every prefix of the message, IP and UDP lengths and checksums made to fit. */
static void pass_msg_prefixes(struct fx *fx, const struct query *q)
{
	char what[64];
	struct frame m;
	size_t full;

	put_msg(&m, q);
	full = m.len;
	for (m.len = 0; m.len < full; m.len++) {
		snprintf(what, sizeof(what), "message cut to %zu of %zu bytes", m.len, full);
		pass_msg(fx, q, &m, what);
	}
}

static void test_truncated(void **state)
{
	struct fx *fx = *state;
	struct query q = query("a.b.bad.example.test", T_A);

	pass_frame_prefixes(fx, &q);
	pass_msg_prefixes(fx, &q);
	q.opt = false;
	pass_frame_prefixes(fx, &q);
	pass_msg_prefixes(fx, &q);
	answer_ok(fx, &q, L_PLAIN, 4, "control: the whole query");
	q.family = 6;
	q.opt = true;
	pass_frame_prefixes(fx, &q);
	pass_msg_prefixes(fx, &q);
}

/*
 * A dotted name whose wire form, root byte included, is wire_len bytes and
 * ends with suffix: labels of 'a's (up to 63) in front.
 */
static void long_name(char *out, size_t cap, size_t wire_len, const char *suffix)
{
	size_t rest = wire_len - 1 - (strlen(suffix) + 1), o = 0, n;

	while (rest > 0) {
		/* A label takes 2..64 wire bytes: never leave 1 behind. */
		n = rest > 64 ? (rest - 64 >= 2 ? 64 : rest - 2) : rest;
		assert_true(n >= 2 && o + n < cap);
		memset(out + o, 'a', n - 1);
		out[o + n - 1] = '.';
		o += n;
		rest -= n;
	}
	assert_true(o + strlen(suffix) < cap);
	strcpy(out + o, suffix);
}

/*
 * RFC 1035 2.3.4: a name is at most 255 bytes in wire form, root byte
 * included, so at most 127 labels; labels are at most 63 bytes.
 */
static void test_name_limits(void **state)
{
	static const struct name_entry xy = {"x.y", {.block_name = L_EXTRA, .block_sub = L_EXTRA}};
	struct fx *fx = *state;
	struct query q = query("", T_A);
	char name[400];
	int i;

	long_name(name, sizeof(name), 255, "bad.example.test");
	q.name = name;
	answer_ok(fx, &q, L_PLAIN, 255 - 18, "255-byte name");
	q.family = 6;
	q.tci = 7;
	answer_ok(fx, &q, L_PLAIN, 255 - 18, "255-byte name, IPv6 in a VLAN");
	q.qtype = T_AAAA;
	answer_ok(fx, &q, L_PLAIN, 255 - 18, "255-byte name, AAAA, IPv6 in a VLAN");
	q = query(name, T_A);
	long_name(name, sizeof(name), 254, "bad.example.test");
	answer_ok(fx, &q, L_PLAIN, 254 - 18, "254-byte name");
	long_name(name, sizeof(name), 256, "bad.example.test");
	pass_query(fx, &q, "256-byte name");
	long_name(name, sizeof(name), 300, "bad.example.test");
	pass_query(fx, &q, "300-byte name");
	memset(name, 'a', 63);
	strcpy(name + 63, ".bad.example.test");
	answer_ok(fx, &q, L_PLAIN, 64, "63-byte label");

	dns_put(fx, 0, &xy);
	for (i = 0, name[0] = 0; i < 125; i++)
		strcat(name, "a.");
	strcat(name, "x.y");
	answer_ok(fx, &q, L_EXTRA, 250, "127 labels");
	memmove(name + 2, name, strlen(name) + 1);
	memcpy(name, "a.", 2);
	pass_query(fx, &q, "128 labels");
}

/* ---------------------------------------------------------------------- */
/* Random queries against a model                                          */

/* xorshift64*: deterministic, so a failure replays. */
static uint64_t rnd_state = 0xd15ea5e5eed5ULL;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return (rnd_state * 0x2545F4914F6CDD1DULL) >> 32;
}

/* The entries the model knows, in wire form (lower case). */
struct model_entry {
	uint8_t wire[256];
	size_t len; /* root byte included */
	struct utm_dns_entry e;
};

struct model {
	struct model_entry ent[N_BASE + 1];
	size_t n;
};

static void model_add(struct model *md, const struct name_entry *n)
{
	struct model_entry *me = &md->ent[md->n++];
	struct frame w = {0};

	put_name(&w, n->name);
	memcpy(me->wire, w.b, w.len);
	me->len = w.len;
	me->e = n->e;
}

/* Names are equal ignoring ASCII case (RFC 4343); other bytes must be equal. */
static bool wire_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t x = a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i];
		uint8_t y = b[i] >= 'A' && b[i] <= 'Z' ? b[i] + 32 : b[i];

		if (x != y)
			return false;
	}
	return true;
}

static const struct utm_dns_entry *model_find(const struct model *md, const uint8_t *w, size_t n)
{
	size_t i;

	for (i = 0; i < md->n; i++)
		if (md->ent[i].len == n && wire_equal(md->ent[i].wire, w, n))
			return &md->ent[i].e;
	return NULL;
}

/*
 * The list blocking a name (wire form, root included), or 0: the most
 * specific block entry of the name ("name" form) or a parent ("sub" form),
 * unless an allow entry matches the same way. *allowed: the allow list
 * that won over a block; *at: where the blocking entry starts.
 */
static uint16_t model_block(const struct model *md, const uint8_t *w, size_t n, uint16_t *allowed,
			    uint16_t *at)
{
	uint16_t block = 0, allow = 0;
	size_t s;

	for (s = 0; w[s]; s += w[s] + 1) {
		const struct utm_dns_entry *e = model_find(md, w + s, n - s);
		uint16_t b, a;

		if (!e)
			continue;
		b = s == 0 ? e->block_name : e->block_sub;
		a = s == 0 ? e->allow_name : e->allow_sub;
		if (b && !block) {
			block = b;
			*at = s;
		}
		if (a && !allow)
			allow = a;
	}
	*allowed = block ? allow : 0;
	return allow ? 0 : block;
}

/* The guard's view of the frame's L2-L4, or false when it is no UDP/53 candidate. */
static bool model_transport(const uint8_t *b, size_t len, struct qinfo *qi, size_t *l4)
{
	size_t l3 = 14, alen;
	uint16_t type;

	if (len < 14)
		return false;
	type = be16(b + 12);
	if (type == ETH_P_8021Q) {
		if (len < 18)
			return false;
		qi->tci = be16(b + 14);
		type = be16(b + 16);
		l3 = 18;
	}
	memcpy(qi->smac, b, 6);
	memcpy(qi->cmac, b + 6, 6);
	if (type == ETH_P_IP) {
		/* No options, not a fragment (DF is fine), UDP. */
		if (len < l3 + 20 || b[l3] != 0x45 || (be16(b + l3 + 6) & 0x3fff) ||
		    b[l3 + 9] != IPPROTO_UDP)
			return false;
		qi->family = 4;
		qi->ip4_id = be16(b + l3 + 4);
		*l4 = l3 + 20;
	} else if (type == ETH_P_IPV6) {
		if (len < l3 + 40 || b[l3] >> 4 != 6 || b[l3 + 6] != IPPROTO_UDP)
			return false;
		qi->family = 6;
		*l4 = l3 + 40;
	} else {
		return false;
	}
	alen = qi->family == 4 ? 4 : 16;
	memcpy(qi->src, b + *l4 - 2 * alen, alen);
	memcpy(qi->dst, b + *l4 - alen, alen);
	if (len < *l4 + 8)
		return false;
	qi->sport = be16(b + *l4);
	qi->dport = be16(b + *l4 + 2);
	return qi->dport == 53;
}

/* The question name at m[M_NAME]: plain labels, at most 255 bytes with the root, not the root. */
static bool model_name(const uint8_t *m, size_t mlen, struct qinfo *qi)
{
	size_t pos = M_NAME;

	for (;;) {
		if (pos >= mlen || pos - M_NAME >= 255)
			return false;
		if (m[pos] == 0)
			break;
		if (m[pos] & 0xc0) /* pointer or reserved label type */
			return false;
		pos += m[pos] + 1;
	}
	qi->name_len = pos + 1 - M_NAME;
	memcpy(qi->name, m + M_NAME, qi->name_len);
	return qi->name_len > 1;
}

/* An EDNS OPT record at m[off]: root owner, type 41, version 0, options within the message. */
static bool model_opt(const uint8_t *m, size_t mlen, size_t off)
{
	if (off + 11 > mlen || m[off] != 0 || be16(m + off + 1) != T_OPT || m[off + 6] != 0)
		return false;
	return off + 11 + be16(m + off + 9) <= mlen;
}

/*
 * RFC 1035 4.1: a plain query the guard may answer. The message is what the
 * UDP length covers; bytes after it (padding, trailing data) do not count.
 */
static bool model_query(const uint8_t *b, size_t len, struct qinfo *qi)
{
	size_t l4, mlen, q;
	const uint8_t *m;
	uint16_t flags;

	memset(qi, 0, sizeof(*qi));
	if (!model_transport(b, len, qi, &l4))
		return false;
	mlen = be16(b + l4 + 4);
	if (mlen < 8 + 12 || l4 + mlen > len)
		return false;
	m = b + l4 + 8;
	mlen -= 8;
	qi->id = be16(m);
	flags = qi->flags = be16(m + M_FLAGS);
	if ((flags & (F_QR | 0x7800)) || be16(m + M_QD) != 1 || be16(m + M_AN) || be16(m + M_NS) ||
	    be16(m + M_AR) > 1)
		return false;
	if (!model_name(m, mlen, qi))
		return false;
	q = M_NAME + qi->name_len;
	if (q + 4 > mlen)
		return false;
	qi->qtype = be16(m + q);
	qi->qclass = be16(m + q + 2);
	qi->opt = be16(m + M_AR) == 1;
	return qi->qclass == C_IN && (!qi->opt || model_opt(m, mlen, q + 4));
}

static const char *const rnd_pool[] = {
	"bad.example.test",
	"www.bad.example.test",
	"a.b.bad.example.test",
	"exact.example.test",
	"www.exact.example.test",
	"sub.example.test",
	"x.sub.example.test",
	"good.bad.example.test",
	"y.good.bad.example.test",
	"partner.bad.example.test",
	"z.partner.bad.example.test",
	"example.test",
	"notbad.example.test",
	"bad.example.test.org",
	"test",
	"unrelated.org",
};

#define N_POOL (sizeof(rnd_pool) / sizeof(rnd_pool[0]))

/* A name from the pool, random labels, or both; letters in random case. */
static void rnd_name(char *out, size_t cap)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t o = 0, i, n, labels;

	labels = rnd() % 3 ? 0 : 1 + rnd() % 4;
	for (i = 0; i < labels; i++) {
		for (n = 1 + rnd() % 12; n > 0; n--)
			out[o++] = chars[rnd() % (sizeof(chars) - 1)];
		out[o++] = '.';
	}
	if (labels && rnd() % 4 == 0)
		strcpy(out + o, "test");
	else
		strcpy(out + o, rnd_pool[rnd() % N_POOL]);
	assert_true(strlen(out) < cap);
	for (i = 0; out[i]; i++)
		if (out[i] >= 'a' && out[i] <= 'z' && rnd() % 3 == 0)
			out[i] -= 32;
}

static struct query rnd_query(const char *name)
{
	static const uint16_t types[] = {T_A, T_A, T_AAAA, T_AAAA, T_MX, T_TXT, T_ANY, 65, 5};
	struct query q = query(name, types[rnd() % (sizeof(types) / sizeof(types[0]))]);

	if (rnd() % 8 == 0)
		q.qtype = rnd();
	q.family = rnd() % 2 ? 4 : 6;
	q.tci = rnd() % 4 ? 0 : 1 + rnd() % 4094;
	q.id = rnd();
	q.flags = rnd() % 4 ? F_RD : 0;
	if (rnd() % 8 == 0)
		q.flags |= rnd() & (F_AA | F_TC | F_AD | F_CD | 0x0040);
	q.opt = rnd() % 2;
	q.sport = 1024 + rnd() % 60000;
	return q;
}

/* Bytes that steer a DNS parser: label lengths and types, pointers, counts, OPT. */
static const uint8_t dns_steering[] = {0x00, 0x01, 0x02, 0x03, 0x3f, 0x40, 0x41, 0x80,
				       0xbf, 0xc0, 0xc1, 0xff, 0x29, 0x0c, 0x20};

static void mutate_msg(struct frame *m)
{
	size_t at = m->len ? rnd() % m->len : 0, n;

	if (!m->len)
		return;
	switch (rnd() % 8) {
	case 0:
		m->b[at] = rnd();
		break;
	case 1: /* a header bit */
		m->b[rnd() % 12] ^= 1 << (rnd() % 8);
		break;
	case 2: /* the name and what follows it */
		if (m->len <= M_NAME)
			break;
		n = m->len - M_NAME;
		m->b[M_NAME + rnd() % (n < 28 ? n : 28)] =
			dns_steering[rnd() % sizeof(dns_steering)];
		break;
	case 3: /* near the end: type, class, OPT */
		at = m->len - 1 - rnd() % (m->len < 16 ? m->len : 16);
		m->b[at] = dns_steering[rnd() % sizeof(dns_steering)];
		break;
	case 4:
		m->len = rnd() % m->len;
		break;
	case 5: /* trailing bytes */
		for (n = 1 + rnd() % 16; n > 0 && m->len < 300; n--)
			m->b[m->len++] = rnd();
		break;
	case 6: /* a count */
		set16(m->b + M_QD + 2 * (rnd() % 4), rnd() % 3);
		break;
	default: /* letter case, which must not matter */
		if ((m->b[at] | 0x20) >= 'a' && (m->b[at] | 0x20) <= 'z')
			m->b[at] ^= 0x20;
		break;
	}
}

/* Options in the OPT record: RDLENGTH and that many bytes. */
static void add_options(struct frame *m)
{
	size_t n = rnd() % 13, i;

	set16(m->b + m->len - 2, n);
	for (i = 0; i < n; i++)
		put8(m, rnd());
}

static void mutate_frame(struct frame *f, const struct query *q)
{
	size_t l4 = 14 + (q->tci ? 4 : 0) + (q->family == 4 ? 20 : 40), n;

	switch (rnd() % 4) {
	case 0:
		f->len = 14 + rnd() % (f->len - 14);
		break;
	case 1: /* Ethernet padding */
		for (n = 1 + rnd() % 30; n > 0; n--)
			put8(f, rnd());
		break;
	case 2:
		set16(f->b + l4 + 4, rnd() % (f->len - l4 + 16));
		break;
	default:
		set16(f->b + l4 + 2, rnd() % 4 ? 53 : rnd());
		break;
	}
}

struct rnd_run {
	struct model md;
	uint64_t tx, allowed, fwd;
	size_t i;
};

/* The name in text form for a message, with its root dot; odd bytes as \ooo. */
static void name_text(const struct qinfo *qi, char *out, size_t cap)
{
	size_t o = 0, i = 0, n;

	while (i < qi->name_len && qi->name[i] && o + 6 < cap) {
		for (n = qi->name[i++]; n > 0 && i < qi->name_len && o + 6 < cap; n--, i++) {
			uint8_t c = qi->name[i];

			o += snprintf(out + o, cap - o,
				      c > 32 && c < 127 && c != '.' ? "%c" : "\\%03o", c);
		}
		out[o++] = '.';
	}
	out[o] = 0;
}

static void rnd_fail(const struct rnd_run *rr, const struct frame *f, const struct qinfo *qi,
		     bool wellformed, uint16_t list, uint32_t ret, const char *why)
{
	char name[1100] = "";

	if (wellformed)
		name_text(qi, name, sizeof(name));
	dump("query", f->b, f->len);
	fail_msg("random query %zu: %s (verdict %u; model: well-formed %d, name \"%s\", list %u)",
		 rr->i, why, ret, wellformed, name, list);
}

/* Run one frame and hold the program to the model. */
static void rnd_check(struct fx *fx, struct rnd_run *rr, const struct frame *f, int ifx)
{
	uint16_t list = 0, allowed = 0, at = 0;
	struct frame want;
	struct qinfo qi;
	struct result r;
	bool ok;

	ok = ifx == lan_ifx && fx->cfg.dns_enabled && model_query(f->b, f->len, &qi);
	if (ok)
		list = model_block(&rr->md, qi.name, qi.name_len, &allowed, &at);
	run_out(fx, ifx, f->b, f->len, &r);
	if (!list) {
		if (r.ret != XDP_REDIRECT)
			rnd_fail(rr, f, &qi, ok, list, r.ret, "not bridged");
		if (r.len != f->len || memcmp(r.b, f->b, f->len))
			rnd_fail(rr, f, &qi, ok, list, r.ret, "bridged but modified");
		if (drain(fx))
			rnd_fail(rr, f, &qi, ok, list, r.ret, "an event for a query not answered");
		rr->fwd++;
		rr->allowed += allowed != 0;
		return;
	}
	if (r.ret != XDP_TX)
		rnd_fail(rr, f, &qi, ok, list, r.ret, "not answered");
	check_response(r.b, r.len, &qi, "random");
	expect_frame(&qi, &fx->cfg, &want);
	assert_frame(r.b, r.len, want.b, want.len, "random");
	EXPECT_EQ(drain(fx), 1, "random: events");
	check_event(fx, &fx->ev[0], &qi, f->len, list, at, "random");
	rr->tx++;
}

/* Now and then another mode, and a stretch with the guard disabled. */
static void rnd_settings(struct fx *fx)
{
	fx->cfg.dns_mode = rnd() % 4;
	fx->cfg.dns_enabled = rnd() % 8 != 0;
	fx->cfg.dns_ttl = rnd() % 2 ? TTL : rnd();
	write_cfg(fx);
}

#define RANDOM_QUERIES 5000

/*
 * Mutated queries, blocked names and others: XDP_TX exactly when the model
 * says the query is well formed and its name blocked, then with a response
 * that parses and matches the expected frame; otherwise bridged untouched.
 *
 * KNOWN PROGRAM BUG: the pool holds sub.example.test and
 * partner.bad.example.test, which the program mismatches (see
 * test_match_sub_only), so this test fails on them until the fix.
 */
static void test_random_queries(void **state)
{
	struct fx *fx = *state;
	struct rnd_run rr = {0};
	struct utm_port_stats st;
	char name[300];
	size_t i, n;

	for (i = 0; i < N_BASE; i++)
		model_add(&rr.md, &base_entries[i]);
	model_add(&rr.md, &partner_entry);
	dns_put(fx, 0, &partner_entry);
	for (rr.i = 0; rr.i < RANDOM_QUERIES; rr.i++) {
		struct frame m, f;
		struct query q;

		if (rr.i % 250 == 0)
			rnd_settings(fx);
		rnd_name(name, sizeof(name));
		q = rnd_query(name);
		put_msg(&m, &q);
		if (q.opt && rnd() % 4 == 0)
			add_options(&m);
		for (n = rnd() % 2 ? 0 : 1 + rnd() % 3; n > 0; n--)
			mutate_msg(&m);
		wrap(&q, &m, &f);
		if (rnd() % 8 == 0)
			mutate_frame(&f, &q);
		rnd_check(fx, &rr, &f, rnd() % 20 ? lan_ifx : wan_ifx);
	}
	st = port_stats(fx, UTM_PORT_LAN);
	EXPECT_EQ(st.dns_blocked.packets, rr.tx, "dns_blocked");
	EXPECT_EQ(st.dns_allowlisted.packets, rr.allowed, "dns_allowlisted");
	EXPECT_EQ(st.forwarded.packets + port_stats(fx, UTM_PORT_WAN).forwarded.packets, rr.fwd,
		  "forwarded");
	/* The mix must exercise both outcomes, or the test proves little. */
	assert_true(rr.tx > RANDOM_QUERIES / 10);
	assert_true(rr.fwd > RANDOM_QUERIES / 4);
	assert_true(rr.allowed > 0);
}

/* ---------------------------------------------------------------------- */

#define T(fn) cmocka_unit_test_setup_teardown(fn, dns_setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_golden_frame),
		T(test_answer_a),
		T(test_answer_aaaa),
		T(test_answer_other_types),
		T(test_answer_ipv6),
		T(test_answer_vlan),
		T(test_answer_flags),
		T(test_answer_padding_and_options),
		T(test_answer_csum_ffff),
		T(test_match_subdomain),
		T(test_match_exact),
		T(test_match_most_specific),
		T(test_match_sub_only),
		T(test_match_allow),
		T(test_match_allow_sub_only),
		T(test_match_unrelated),
		T(test_match_dot_in_label),
		T(test_match_case),
		T(test_generation_flip),
		T(test_disabled),
		T(test_event),
		T(test_event_no_stale_bytes),
		T(test_pass_ports),
		T(test_pass_ip_quirks),
		T(test_pass_header),
		T(test_pass_name),
		T(test_pass_class),
		T(test_pass_opt),
		T(test_truncated),
		T(test_name_limits),
		T(test_random_queries),
	};
	const struct CMUnitTest skipped[] = {
		cmocka_unit_test(test_skipped),
	};

	if (geteuid() != 0) {
		fprintf(stderr, "test_dns: SKIPPED: needs root (BPF programs, a network "
				"namespace and veth devices)\n");
		return cmocka_run_group_tests_name("dns (skipped: not root)", skipped, NULL, NULL);
	}
	if (make_ports() != 0) {
		fprintf(stderr, "test_dns: cannot set up a namespace with a veth pair\n");
		return 1;
	}
	return cmocka_run_group_tests_name("dns", tests, NULL, NULL);
}
