/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Shared fixture of the BPF_PROG_TEST_RUN tests (tests/bpf/test_*.c): a
 * fresh bridge skeleton per test with its ports, settings and ring buffer,
 * counter readers, frame builders and the test_run wrapper.
 *
 * test_run resolves xdp_md.ingress_ifindex to a device of the caller's
 * network namespace, so main() calls make_ports() to move into a namespace
 * of its own with a veth pair: the host's interfaces are never touched.
 *
 * Everything is static inline so that a test file may use only a part.
 * A file that builds larger frames defines FX_FRAME_MAX before including.
 */
#ifndef BPF_FIXTURE_H
#define BPF_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/ipkey.h"
#include "lib/iplist.h"
#include "bridge.skel.h"

#define ETH_P_IP     0x0800
#define ETH_P_ARP    0x0806
#define ETH_P_IPV6   0x86DD
#define ETH_P_8021Q  0x8100
#define ETH_P_8021AD 0x88A8

static int lan_ifx, wan_ifx;

static const uint8_t LAN_PORT_MAC[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t WAN_PORT_MAC[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
static const uint8_t HOST_MAC[6] = {0x02, 0x11, 0x11, 0x11, 0x11, 0x11};
static const uint8_t ROUTER_MAC[6] = {0x02, 0x22, 0x22, 0x22, 0x22, 0x22};
static const uint8_t BCAST_MAC[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* ---------------------------------------------------------------------- */
/* Fixture: one loaded skeleton and the maps around it                     */

struct fx {
	struct bridge_bpf *skel;
	int prog;
	int outer[IPKEY_NKINDS];
	int inner[IPKEY_NKINDS][UTM_LIST_SLOTS];
	int dns_inner[2];		  /* dns_names inner map of each generation, or -1 */
	struct utm_port port[UTM_NPORTS]; /* what port_cfg holds, by role */
	struct utm_config cfg;		  /* what settings holds */
	struct ring_buffer *rb;
	struct utm_block_event *ev; /* events drained so far */
	size_t nev, cap;
	size_t bad_event_size;
	uint64_t t0, t1; /* CLOCK_MONOTONIC before and after the last run */
};

static inline uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* inet_pton for either family; returns 4 or 6 and fails the test otherwise. */
static inline int addr_of(const char *text, uint8_t out[16])
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, text, out) == 1)
		return 4;
	if (inet_pton(AF_INET6, text, out) == 1)
		return 6;
	fail_msg("bad address %s", text);
	return 0;
}

static inline void write_cfg(struct fx *fx)
{
	uint32_t zero = 0;

	assert_int_equal(
		bpf_map_update_elem(bpf_map__fd(fx->skel->maps.settings), &zero, &fx->cfg, BPF_ANY),
		0);
}

/* A bridge port; it has an address (and so gets frames for it) if v4 is set. */
static inline void set_port(struct fx *fx, int ifx, uint32_t role, int peer, const uint8_t *mac,
			    const char *v4, const char *v6, const char *ll)
{
	struct utm_port *p = &fx->port[role];
	uint8_t a[16];
	uint32_t key = ifx;

	memset(p, 0, sizeof(*p));
	p->role = role;
	p->peer_ifindex = peer;
	memcpy(p->mac, mac, 6);
	p->has_address = v4 != NULL;
	if (v4 && addr_of(v4, a) == 4)
		memcpy(p->ipv4, a, 4);
	if (v6 && addr_of(v6, a) == 6)
		memcpy(p->ipv6, a, 16);
	if (ll && addr_of(ll, a) == 6)
		memcpy(p->ipv6_ll, a, 16);
	assert_int_equal(
		bpf_map_update_elem(bpf_map__fd(fx->skel->maps.port_cfg), &key, p, BPF_ANY), 0);
}

static inline void set_peer(struct fx *fx, uint32_t ifx, uint32_t peer)
{
	assert_int_equal(
		bpf_map_update_elem(bpf_map__fd(fx->skel->maps.tx_ports), &ifx, &peer, BPF_ANY), 0);
}

static inline int on_event(void *ctx, void *data, size_t size)
{
	struct fx *fx = ctx;

	if (size != sizeof(struct utm_block_event)) {
		fx->bad_event_size++;
		return 0;
	}
	if (fx->nev == fx->cap) {
		fx->cap = fx->cap ? fx->cap * 2 : 64;
		fx->ev = realloc(fx->ev, fx->cap * sizeof(*fx->ev));
		if (!fx->ev)
			return -ENOMEM;
	}
	memcpy(&fx->ev[fx->nev++], data, size);
	return 0;
}

/* Drain the ring buffer; returns how many events it held. */
static inline size_t drain(struct fx *fx)
{
	fx->nev = 0;
	assert_true(ring_buffer__consume(fx->rb) >= 0);
	assert_int_equal(fx->bad_event_size, 0);
	return fx->nev;
}

static inline int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	fx->skel = bridge_bpf__open_and_load();
	if (!fx->skel) {
		fprintf(stderr, "bridge_bpf__open_and_load: %s\n", strerror(errno));
		free(fx);
		return -1;
	}
	fx->prog = bpf_program__fd(fx->skel->progs.utm_bridge);
	memset(fx->inner, -1, sizeof(fx->inner));
	memset(fx->dns_inner, -1, sizeof(fx->dns_inner));
	fx->outer[IPKEY_EXACT4] = bpf_map__fd(fx->skel->maps.ip4_exact);
	fx->outer[IPKEY_PREFIX4] = bpf_map__fd(fx->skel->maps.ip4_prefix);
	fx->outer[IPKEY_EXACT6] = bpf_map__fd(fx->skel->maps.ip6_exact);
	fx->outer[IPKEY_PREFIX6] = bpf_map__fd(fx->skel->maps.ip6_prefix);
	*state = fx;

	set_port(fx, lan_ifx, UTM_PORT_LAN, wan_ifx, LAN_PORT_MAC, "192.168.1.1", "2001:db8:1::1",
		 "fe80::1");
	set_port(fx, wan_ifx, UTM_PORT_WAN, lan_ifx, WAN_PORT_MAC, NULL, NULL, NULL);
	set_peer(fx, lan_ifx, wan_ifx);
	set_peer(fx, wan_ifx, lan_ifx);
	/* Limits high enough that only the rate-limit tests ever hit them. */
	fx->cfg = (struct utm_config){
		.ev_rate_per_src = 100000,
		.ev_burst_per_src = 100000,
		.ev_rate_global = 100000,
		.ev_burst_global = 100000,
	};
	write_cfg(fx);
	fx->rb = ring_buffer__new(bpf_map__fd(fx->skel->maps.events), on_event, fx, NULL);
	return fx->rb ? 0 : -1;
}

static inline int teardown(void **state)
{
	struct fx *fx = *state;
	int k, s;

	ring_buffer__free(fx->rb);
	bridge_bpf__destroy(fx->skel);
	for (k = 0; k < IPKEY_NKINDS; k++)
		for (s = 0; s < UTM_LIST_SLOTS; s++)
			if (fx->inner[k][s] >= 0)
				close(fx->inner[k][s]);
	for (s = 0; s < 2; s++)
		if (fx->dns_inner[s] >= 0)
			close(fx->dns_inner[s]);
	free(fx->ev);
	free(fx);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Counters                                                                */

/*
 * Sum a per-CPU value made of n u64 fields over all possible CPUs into out.
 * The sums are built in a uint64_t array and copied: out is a struct of
 * __u64 (unsigned long long) fields, and storing through a uint64_t
 * (unsigned long) pointer into it would break strict aliasing once inlined.
 */
static inline void percpu_sum(int fd, uint32_t key, void *out, size_t n)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *v, *sum;
	int c;
	size_t i;

	assert_true(ncpu > 0);
	v = calloc(ncpu, n * sizeof(*v));
	sum = calloc(n, sizeof(*sum));
	assert_non_null(v);
	assert_non_null(sum);
	assert_int_equal(bpf_map_lookup_elem(fd, &key, v), 0);
	for (c = 0; c < ncpu; c++)
		for (i = 0; i < n; i++)
			sum[i] += v[c * n + i];
	memcpy(out, sum, n * sizeof(*sum));
	free(sum);
	free(v);
}

static inline struct utm_port_stats port_stats(struct fx *fx, uint32_t role)
{
	struct utm_port_stats s;

	percpu_sum(bpf_map__fd(fx->skel->maps.port_stats), role, (uint64_t *)&s, sizeof(s) / 8);
	return s;
}

static inline struct utm_count list_hits(struct fx *fx, uint32_t id)
{
	struct utm_count c;

	percpu_sum(bpf_map__fd(fx->skel->maps.list_hits), id, (uint64_t *)&c, sizeof(c) / 8);
	return c;
}

static inline struct utm_event_stats event_stats(struct fx *fx)
{
	struct utm_event_stats e;

	percpu_sum(bpf_map__fd(fx->skel->maps.event_stats), 0, (uint64_t *)&e, sizeof(e) / 8);
	return e;
}

/* Packet counts of one port, so that a test states every counter at once. */
/* ---------------------------------------------------------------------- */
/* Frames                                                                  */

#ifndef FX_FRAME_MAX
#define FX_FRAME_MAX 256
#endif

struct frame {
	uint8_t b[FX_FRAME_MAX];
	size_t len;
};

enum side { FROM_LAN, FROM_WAN };

static inline void put(struct frame *f, const void *p, size_t n)
{
	assert_true(f->len + n <= sizeof(f->b));
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static inline void put8(struct frame *f, uint8_t v)
{
	put(f, &v, 1);
}

static inline void put16(struct frame *f, uint16_t v)
{
	put8(f, v >> 8);
	put8(f, v & 0xff);
}

static inline void put_zero(struct frame *f, size_t n)
{
	static const uint8_t zero[64];

	assert_true(n <= sizeof(zero));
	put(f, zero, n);
}

static inline void put_addr(struct frame *f, const char *text, int family)
{
	uint8_t a[16];

	assert_int_equal(addr_of(text, a), family);
	put(f, a, family == 4 ? 4 : 16);
}

/* Starts a frame; the ethertype comes with whatever is put next. */
static inline void put_eth(struct frame *f, const uint8_t *dst, const uint8_t *src)
{
	f->len = 0;
	put(f, dst, 6);
	put(f, src, 6);
}

/* LAN devices talk to the router; the router talks to LAN devices. */
static inline void put_macs(struct frame *f, enum side side)
{
	if (side == FROM_LAN)
		put_eth(f, ROUTER_MAC, HOST_MAC);
	else
		put_eth(f, HOST_MAC, ROUTER_MAC);
}

static inline void put_tag(struct frame *f, uint16_t tpid, uint16_t tci)
{
	put16(f, tpid);
	put16(f, tci);
}

/* Push a VLAN tag in after the MACs of a whole frame. */
static inline void insert_tag(struct frame *f, uint16_t tpid, uint16_t tci)
{
	assert_true(f->len + 4 <= sizeof(f->b));
	memmove(f->b + 16, f->b + 12, f->len - 12);
	f->b[12] = tpid >> 8;
	f->b[13] = tpid & 0xff;
	f->b[14] = tci >> 8;
	f->b[15] = tci & 0xff;
	f->len += 4;
}

/* ---------------------------------------------------------------------- */
/* Running the program                                                     */

/* test_run on ingress port ifx; returns 0 or -errno, and the verdict in *ret. */
static inline int try_run(struct fx *fx, int ifx, const void *data, size_t len, uint32_t *ret)
{
	struct xdp_md md = {.data_end = len, .ingress_ifindex = ifx};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = data, .data_size_in = len, .ctx_in = &md,
		    .ctx_size_in = sizeof(md), .repeat = 1);
	int rc;

	fx->t0 = mono_ns();
	rc = bpf_prog_test_run_opts(fx->prog, &opts);
	fx->t1 = mono_ns();
	*ret = opts.retval;
	return rc ? -errno : 0;
}

static inline uint32_t run_len(struct fx *fx, int ifx, const struct frame *f, size_t len)
{
	uint32_t ret;

	assert_int_equal(try_run(fx, ifx, f->b, len, &ret), 0);
	return ret;
}

static inline uint32_t run(struct fx *fx, int ifx, const struct frame *f)
{
	return run_len(fx, ifx, f, f->len);
}

/* ---------------------------------------------------------------------- */

/* The only test of a run without root. */
static inline void test_skipped(void **state)
{
	skip();
}

/* A network namespace of our own with a veth pair for the two ports. */
static inline int make_ports(void)
{
	cpu_set_t cpus;

	/* The global event bucket is per CPU: stay on one so its tests are exact. */
	CPU_ZERO(&cpus);
	CPU_SET(sched_getcpu(), &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus) != 0)
		return -1;
	if (unshare(CLONE_NEWNET) != 0) {
		perror("unshare(CLONE_NEWNET)");
		return -1;
	}
	if (system("ip link add utm-lan type veth peer name utm-wan") != 0)
		return -1;
	lan_ifx = if_nametoindex("utm-lan");
	wan_ifx = if_nametoindex("utm-wan");
	return lan_ifx && wan_ifx ? 0 : -1;
}

#endif /* BPF_FIXTURE_H */
