// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for inspect/flow.c: both directions find one flow, IPv4 and
 * IPv6 apart, the cap with LRU eviction, expiry by state and protocol
 * with bounded work, on_free for every flow that leaves, and a churn of
 * many flows against a simple model.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/flow.h"

#define SEC 1000000000ull

static unsigned int freed;

static void count_free(struct flow *f, void *ctx)
{
	freed++;
	free(f->app);
	f->app = NULL;
}

static struct flow_tuple tuple(int family, uint8_t proto, const char *src, uint16_t sport,
			       const char *dst, uint16_t dport)
{
	struct flow_tuple t = {.family = family, .proto = proto, .sport = sport, .dport = dport};

	assert_int_equal(inet_pton(family == 4 ? AF_INET : AF_INET6, src, t.saddr), 1);
	assert_int_equal(inet_pton(family == 4 ? AF_INET : AF_INET6, dst, t.daddr), 1);
	return t;
}

static struct flow_tuple reversed(const struct flow_tuple *t)
{
	struct flow_tuple r = *t;

	memcpy(r.saddr, t->daddr, 16);
	memcpy(r.daddr, t->saddr, 16);
	r.sport = t->dport;
	r.dport = t->sport;
	return r;
}

static void test_both_directions_one_flow(void **state)
{
	struct flow_table *t = flow_table_new(16, count_free, NULL);
	struct flow_tuple c = tuple(4, IPPROTO_TCP, "10.0.0.10", 50000, "198.51.100.10", 80);
	struct flow_tuple s = reversed(&c);
	enum flow_dir d;
	struct flow *f, *g;
	int created;

	assert_non_null(t);
	f = flow_get(t, &c, 1 * SEC, 60, &d, &created);
	assert_non_null(f);
	assert_true(created);
	assert_int_equal(d, FLOW_TO_SERVER);
	g = flow_get(t, &s, 2 * SEC, 1500, &d, &created);
	assert_ptr_equal(f, g);
	assert_false(created);
	assert_int_equal(d, FLOW_TO_CLIENT);
	/* The client is whoever opened the flow, even when it sorts second. */
	g = flow_get(t, &c, 3 * SEC, 40, &d, &created);
	assert_int_equal(d, FLOW_TO_SERVER);
	assert_int_equal(f->pkts[FLOW_TO_SERVER], 2);
	assert_int_equal(f->pkts[FLOW_TO_CLIENT], 1);
	assert_int_equal(f->bytes[FLOW_TO_SERVER], 100);
	assert_int_equal(f->bytes[FLOW_TO_CLIENT], 1500);
	assert_int_equal(f->first_ns, 1 * SEC);
	assert_int_equal(f->last_ns, 3 * SEC);
	/* TCP state is the caller's: a reply does not establish a TCP flow. */
	assert_int_equal(f->state, FLOW_NEW);
	assert_ptr_equal(flow_find(t, &s, &d), f);
	assert_int_equal(d, FLOW_TO_CLIENT);
	flow_table_free(t);
}

static void test_server_opens_sorting_first(void **state)
{
	/* The opener's endpoint sorts after the responder's. */
	struct flow_table *t = flow_table_new(4, NULL, NULL);
	struct flow_tuple c = tuple(4, IPPROTO_UDP, "203.0.113.9", 5353, "10.0.0.1", 53);
	struct flow_tuple s = reversed(&c);
	enum flow_dir d;
	struct flow *f;
	int created;

	f = flow_get(t, &c, 1, 10, &d, &created);
	assert_int_equal(d, FLOW_TO_SERVER);
	assert_int_equal(f->state, FLOW_NEW);
	flow_get(t, &s, 2, 10, &d, &created);
	assert_int_equal(d, FLOW_TO_CLIENT);
	/* UDP: the first reply establishes it. */
	assert_int_equal(f->state, FLOW_ESTABLISHED);
	flow_table_free(t);
}

static void test_distinct_keys(void **state)
{
	struct flow_table *t = flow_table_new(16, NULL, NULL);
	struct flow_tuple a = tuple(4, IPPROTO_TCP, "10.0.0.10", 50000, "198.51.100.10", 80);
	struct flow_tuple b = a, c = a,
			  v6 = tuple(6, IPPROTO_TCP, "fd00::10", 50000, "2001:db8::10", 80);
	struct flow_table_stats st;
	enum flow_dir d;
	int created;

	b.sport = 50001;
	c.proto = IPPROTO_UDP;
	flow_get(t, &a, 1, 1, &d, &created);
	flow_get(t, &b, 1, 1, &d, &created);
	assert_true(created);
	flow_get(t, &c, 1, 1, &d, &created);
	assert_true(created);
	flow_get(t, &v6, 1, 1, &d, &created);
	assert_true(created);
	flow_table_stats(t, &st);
	assert_int_equal(st.active, 4);
	assert_int_equal(st.created, 4);
	assert_true(flow_find(t, &a, NULL)->id != flow_find(t, &b, NULL)->id);
	v6.family = 5;
	assert_null(flow_get(t, &v6, 1, 1, &d, &created));
	flow_table_free(t);
}

static void test_full_table_evicts_lru(void **state)
{
	struct flow_table *t = flow_table_new(3, count_free, NULL);
	struct flow_tuple x[4];
	struct flow_table_stats st;
	enum flow_dir d;
	int created, i;

	freed = 0;
	for (i = 0; i < 4; i++)
		x[i] = tuple(4, IPPROTO_TCP, "10.0.0.10", 40000 + i, "198.51.100.10", 443);
	for (i = 0; i < 3; i++)
		flow_get(t, &x[i], i, 1, &d, &created)->app = malloc(8);
	/* Touch flow 0: flow 1 is now the least recently seen. */
	flow_get(t, &x[0], 10, 1, &d, &created);
	flow_get(t, &x[3], 11, 1, &d, &created);
	assert_true(created);
	assert_int_equal(freed, 1);
	assert_null(flow_find(t, &x[1], NULL));
	assert_non_null(flow_find(t, &x[0], NULL));
	assert_non_null(flow_find(t, &x[2], NULL));
	flow_table_stats(t, &st);
	assert_int_equal(st.evicted, 1);
	assert_int_equal(st.active, 3);
	flow_table_free(t);
	assert_int_equal(freed, 3 + 1);
}

static void test_expiry_by_state_and_proto(void **state)
{
	struct flow_table *t = flow_table_new(8, count_free, NULL);
	struct flow_tuple tcp = tuple(4, IPPROTO_TCP, "10.0.0.10", 1, "198.51.100.10", 80);
	struct flow_tuple udp = tuple(4, IPPROTO_UDP, "10.0.0.10", 2, "198.51.100.53", 53);
	struct flow_tuple closing = tuple(4, IPPROTO_TCP, "10.0.0.10", 3, "198.51.100.10", 80);
	struct flow_tuple r;
	enum flow_dir d;
	int created;

	freed = 0;
	flow_get(t, &tcp, 0, 1, &d, &created)->state = FLOW_ESTABLISHED;
	flow_get(t, &udp, 0, 1, &d, &created);
	r = reversed(&udp);
	flow_get(t, &r, 0, 1, &d, &created); /* established UDP: 60 s */
	flow_get(t, &closing, 0, 1, &d, &created)->state = FLOW_CLOSING;
	assert_int_equal(flow_table_expire(t, 9 * SEC, 100), 0);
	assert_int_equal(flow_table_expire(t, 10 * SEC, 100), 1);
	assert_null(flow_find(t, &closing, NULL));
	assert_int_equal(flow_table_expire(t, 59 * SEC, 100), 0);
	assert_int_equal(flow_table_expire(t, 60 * SEC, 100), 1);
	assert_null(flow_find(t, &udp, NULL));
	assert_non_null(flow_find(t, &tcp, NULL));
	assert_int_equal(flow_table_expire(t, 300 * SEC, 100), 1);
	assert_int_equal(freed, 3);
	flow_table_free(t);
}

static void test_expiry_bounded_work(void **state)
{
	struct flow_table *t = flow_table_new(100, NULL, NULL);
	struct flow_table_stats st;
	enum flow_dir d;
	int created, i;

	for (i = 0; i < 100; i++) {
		struct flow_tuple x =
			tuple(4, IPPROTO_TCP, "10.0.0.10", i + 1, "198.51.100.10", 80);

		flow_get(t, &x, 0, 1, &d, &created);
	}
	assert_int_equal(flow_table_expire(t, 31 * SEC, 10), 10);
	assert_int_equal(flow_table_expire(t, 31 * SEC, 1000), 90);
	flow_table_stats(t, &st);
	assert_int_equal(st.active, 0);
	assert_int_equal(st.expired, 100);
	flow_table_free(t);
}

static void test_remove_and_reuse(void **state)
{
	struct flow_table *t = flow_table_new(2, count_free, NULL);
	struct flow_tuple a = tuple(6, IPPROTO_TCP, "fd00::1", 1, "2001:db8::1", 443);
	enum flow_dir d;
	struct flow *f;
	uint64_t id;
	int created;

	freed = 0;
	f = flow_get(t, &a, 1, 1, &d, &created);
	id = f->id;
	flow_remove(t, f);
	assert_int_equal(freed, 1);
	assert_null(flow_find(t, &a, NULL));
	f = flow_get(t, &a, 2, 1, &d, &created);
	assert_true(created);
	assert_true(f->id > id); /* a new flow, a new EVE flow_id */
	flow_table_free(t);
}

/* Many flows in and out against a model: the table finds exactly the live ones. */
static void test_churn(void **state)
{
	enum { N = 512, CAP = 128, STEPS = 20000 };
	struct flow_table *t = flow_table_new(CAP, NULL, NULL);
	static uint64_t last[N];
	struct flow_table_stats st;
	unsigned int seed = 1, live = 0, i, step;
	enum flow_dir d;
	int created;

	memset(last, 0, sizeof(last));
	for (step = 1; step <= STEPS; step++) {
		struct flow_tuple x;

		i = rand_r(&seed) % N;
		x = tuple(4, IPPROTO_TCP, "10.0.0.10", (uint16_t)(i + 1), "198.51.100.10", 80);
		if (rand_r(&seed) % 2)
			x = reversed(&x);
		flow_get(t, &x, step, 1, &d, &created);
		assert_int_equal(created, last[i] == 0);
		if (created && live == CAP) {
			/* The model evicts the least recently seen as well. */
			unsigned int j, oldest = N;

			for (j = 0; j < N; j++)
				if (last[j] && j != i && (oldest == N || last[j] < last[oldest]))
					oldest = j;
			last[oldest] = 0;
			live--;
		}
		live += created;
		last[i] = step;
	}
	flow_table_stats(t, &st);
	assert_int_equal(st.active, live);
	flow_table_free(t);
}

static void test_bad_sizes(void **state)
{
	assert_null(flow_table_new(0, NULL, NULL));
	assert_null(flow_table_new((1u << 24) + 1, NULL, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_directions_one_flow),
		cmocka_unit_test(test_server_opens_sorting_first),
		cmocka_unit_test(test_distinct_keys),
		cmocka_unit_test(test_full_table_evicts_lru),
		cmocka_unit_test(test_expiry_by_state_and_proto),
		cmocka_unit_test(test_expiry_bounded_work),
		cmocka_unit_test(test_remove_and_reuse),
		cmocka_unit_test(test_churn),
		cmocka_unit_test(test_bad_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
