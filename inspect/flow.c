// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The flow table (inspect/flow.h): preallocated entries linked by 32-bit
 * indexes into hash chains (keyed SipHash, buckets >= entries) and one
 * LRU list, least recently seen first, which serves both eviction and
 * expiry.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "inspect/flow.h"

#define NIL	  UINT32_MAX
#define MAX_FLOWS (1u << 24)
#define SEC	  1000000000ull

struct flow_table {
	struct flow *e;	   /* max entries */
	uint32_t *bucket;  /* heads of hash chains */
	uint32_t nbuckets; /* a power of two */
	uint32_t max;
	uint32_t free_head; /* free entries, chained by next_in_bucket */
	uint32_t lru_head, lru_tail;
	uint64_t next_id;
	unsigned char key[crypto_shorthash_KEYBYTES];
	struct flow_timeouts to[2]; /* [1]: TCP, [0]: the others */
	flow_free_fn on_free;
	void *ctx;
	struct flow_table_stats st;
};

void flow_timeouts_default(struct flow_timeouts *t, uint8_t proto)
{
	t->idle_ns[FLOW_NEW] = 30 * SEC;
	t->idle_ns[FLOW_ESTABLISHED] = (proto == IPPROTO_TCP ? 300 : 60) * SEC;
	t->idle_ns[FLOW_CLOSING] = 10 * SEC;
}

void flow_table_set_timeouts(struct flow_table *t, uint8_t proto, const struct flow_timeouts *to)
{
	t->to[proto == IPPROTO_TCP] = *to;
}

/* Negative, zero or positive as (a, pa) sorts before, with or after (b, pb). */
static int endpoint_cmp(const uint8_t *a, uint16_t pa, const uint8_t *b, uint16_t pb)
{
	int c = memcmp(a, b, 16);

	if (c)
		return c;
	return (int)pa - (int)pb;
}

void flow_key_of(const struct flow_tuple *tup, struct flow_key *key, int *tuple_is_first)
{
	int first = endpoint_cmp(tup->saddr, tup->sport, tup->daddr, tup->dport) <= 0;

	memset(key, 0, sizeof(*key));
	key->family = tup->family;
	key->proto = tup->proto;
	memcpy(key->addr[!first], tup->saddr, 16);
	memcpy(key->addr[first], tup->daddr, 16);
	key->port[!first] = tup->sport;
	key->port[first] = tup->dport;
	*tuple_is_first = first;
}

static uint32_t bucket_of(const struct flow_table *t, const struct flow_key *k)
{
	uint64_t h;

	crypto_shorthash((unsigned char *)&h, (const unsigned char *)k, sizeof(*k), t->key);
	return (uint32_t)h & (t->nbuckets - 1);
}

struct flow_table *flow_table_new(uint32_t max_flows, flow_free_fn on_free, void *ctx)
{
	struct flow_table *t;
	uint32_t i;

	if (!max_flows || max_flows > MAX_FLOWS || sodium_init() < 0)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	for (t->nbuckets = 1; t->nbuckets < max_flows; t->nbuckets <<= 1)
		;
	t->e = calloc(max_flows, sizeof(*t->e));
	t->bucket = malloc(t->nbuckets * sizeof(*t->bucket));
	if (!t->e || !t->bucket) {
		free(t->e);
		free(t->bucket);
		free(t);
		return NULL;
	}
	memset(t->bucket, 0xff, t->nbuckets * sizeof(*t->bucket));
	for (i = 0; i < max_flows; i++)
		t->e[i].next_in_bucket = i + 1 < max_flows ? i + 1 : NIL;
	t->free_head = 0;
	t->lru_head = t->lru_tail = NIL;
	t->max = t->st.max = max_flows;
	t->next_id = 1;
	t->on_free = on_free;
	t->ctx = ctx;
	randombytes_buf(t->key, sizeof(t->key));
	flow_timeouts_default(&t->to[0], IPPROTO_UDP);
	flow_timeouts_default(&t->to[1], IPPROTO_TCP);
	return t;
}

static uint32_t index_of(const struct flow_table *t, const struct flow *f)
{
	return (uint32_t)(f - t->e);
}

static void lru_unlink(struct flow_table *t, struct flow *f)
{
	if (f->lru_prev != NIL)
		t->e[f->lru_prev].lru_next = f->lru_next;
	else
		t->lru_head = f->lru_next;
	if (f->lru_next != NIL)
		t->e[f->lru_next].lru_prev = f->lru_prev;
	else
		t->lru_tail = f->lru_prev;
}

/* Most recently seen at the tail. */
static void lru_append(struct flow_table *t, struct flow *f)
{
	uint32_t i = index_of(t, f);

	f->lru_prev = t->lru_tail;
	f->lru_next = NIL;
	if (t->lru_tail != NIL)
		t->e[t->lru_tail].lru_next = i;
	else
		t->lru_head = i;
	t->lru_tail = i;
}

static void chain_unlink(struct flow_table *t, struct flow *f)
{
	uint32_t *p = &t->bucket[bucket_of(t, &f->key)], i = index_of(t, f);

	while (*p != NIL && *p != i)
		p = &t->e[*p].next_in_bucket;
	if (*p == i)
		*p = f->next_in_bucket;
}

/* Take f out of the table and give its entry back. */
static void release(struct flow_table *t, struct flow *f)
{
	if (t->on_free)
		t->on_free(f, t->ctx);
	chain_unlink(t, f);
	lru_unlink(t, f);
	memset(f, 0, sizeof(*f));
	f->next_in_bucket = t->free_head;
	t->free_head = index_of(t, f);
	t->st.active--;
}

static struct flow *lookup(struct flow_table *t, const struct flow_key *k)
{
	uint32_t i;

	for (i = t->bucket[bucket_of(t, k)]; i != NIL; i = t->e[i].next_in_bucket)
		if (!memcmp(&t->e[i].key, k, sizeof(*k)))
			return &t->e[i];
	return NULL;
}

static struct flow *create(struct flow_table *t, const struct flow_key *k, int tuple_is_first,
			   uint64_t now_ns)
{
	uint32_t i, b = bucket_of(t, k);
	struct flow *f;

	if (t->free_head == NIL) {
		release(t, &t->e[t->lru_head]); /* full: the least recently seen goes */
		t->st.evicted++;
	}
	i = t->free_head;
	f = &t->e[i];
	t->free_head = f->next_in_bucket;
	memset(f, 0, sizeof(*f));
	f->key = *k;
	f->client = tuple_is_first ? 0 : 1;
	f->id = t->next_id++;
	f->first_ns = now_ns;
	f->in_use = 1;
	f->next_in_bucket = t->bucket[b];
	t->bucket[b] = i;
	lru_append(t, f);
	t->st.active++;
	t->st.created++;
	return f;
}

/* The packet's direction: from the client (the side that opened the flow) or not. */
static enum flow_dir dir_of(const struct flow *f, int tuple_is_first)
{
	int from_first = tuple_is_first;

	return (f->client == 0) == from_first ? FLOW_TO_SERVER : FLOW_TO_CLIENT;
}

struct flow *flow_get(struct flow_table *t, const struct flow_tuple *tup, uint64_t now_ns,
		      uint32_t len, enum flow_dir *dir, int *created)
{
	struct flow_key k;
	struct flow *f;
	int first;

	if (tup->family != 4 && tup->family != 6)
		return NULL;
	flow_key_of(tup, &k, &first);
	f = lookup(t, &k);
	*created = !f;
	if (!f)
		f = create(t, &k, first, now_ns);
	else
		lru_unlink(t, f), lru_append(t, f);
	*dir = dir_of(f, first);
	f->last_ns = now_ns;
	f->pkts[*dir]++;
	f->bytes[*dir] += len;
	if (tup->proto != IPPROTO_TCP && *dir == FLOW_TO_CLIENT && f->state == FLOW_NEW)
		f->state = FLOW_ESTABLISHED;
	return f;
}

struct flow *flow_find(struct flow_table *t, const struct flow_tuple *tup, enum flow_dir *dir)
{
	struct flow_key k;
	struct flow *f;
	int first;

	flow_key_of(tup, &k, &first);
	f = lookup(t, &k);
	if (f && dir)
		*dir = dir_of(f, first);
	return f;
}

void flow_remove(struct flow_table *t, struct flow *f)
{
	if (!f || !f->in_use)
		return;
	release(t, f);
	t->st.removed++;
}

static uint64_t timeout_of(const struct flow_table *t, const struct flow *f)
{
	return t->to[f->key.proto == IPPROTO_TCP]
		.idle_ns[f->state < FLOW_STATE_COUNT ? f->state : FLOW_CLOSING];
}

/* The shortest timeout of any flow: older entries than that may be due. */
static uint64_t min_timeout(const struct flow_table *t)
{
	uint64_t m = UINT64_MAX;
	int p, s;

	for (p = 0; p < 2; p++)
		for (s = 0; s < FLOW_STATE_COUNT; s++)
			if (t->to[p].idle_ns[s] < m)
				m = t->to[p].idle_ns[s];
	return m;
}

size_t flow_table_expire(struct flow_table *t, uint64_t now_ns, size_t max_work)
{
	uint64_t shortest = min_timeout(t);
	uint32_t i = t->lru_head;
	size_t n = 0, work;

	for (work = 0; i != NIL && work < max_work; work++) {
		struct flow *f = &t->e[i];
		uint64_t idle = now_ns > f->last_ns ? now_ns - f->last_ns : 0;

		/* LRU order: every later flow was seen more recently than this one. */
		if (idle < shortest)
			break;
		i = f->lru_next;
		if (idle >= timeout_of(t, f)) {
			release(t, f);
			t->st.expired++;
			n++;
		}
	}
	return n;
}

void flow_table_stats(const struct flow_table *t, struct flow_table_stats *s)
{
	*s = t->st;
}

void flow_table_free(struct flow_table *t)
{
	if (!t)
		return;
	while (t->lru_head != NIL)
		release(t, &t->e[t->lru_head]);
	free(t->e);
	free(t->bucket);
	free(t);
}

struct flow_tuple flow_tuple_reversed(const struct flow_tuple *t)
{
	struct flow_tuple r = *t;

	memcpy(r.saddr, t->daddr, sizeof(r.saddr));
	memcpy(r.daddr, t->saddr, sizeof(r.daddr));
	r.sport = t->dport;
	r.dport = t->sport;
	return r;
}
