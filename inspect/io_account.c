// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* App records of flows that end in XDP (inspect/io_account.h). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/engine_app.h"
#include "inspect/eve_inspect.h"
#include "inspect/io_account.h"
#include "lib/fnv.h"

#define PROBES	     16
#define EVE_LINE_MAX 16384

struct account_entry {
	int used;
	int gone[2];		 /* by enum flow_dir: that direction's bypass entry was removed */
	struct utm_flow_key key; /* the client's direction, as the bypass map keys it */
	struct engine_flow_report r;
};

void bypass_key(const struct flow_tuple *t, struct utm_flow_key *k)
{
	memset(k, 0, sizeof(*k));
	k->family = t->family;
	k->proto = t->proto;
	k->sport = htons(t->sport);
	k->dport = htons(t->dport);
	memcpy(k->saddr, t->saddr, 16);
	memcpy(k->daddr, t->daddr, 16);
}

void bypass_key_reverse(const struct utm_flow_key *k, struct utm_flow_key *r)
{
	*r = *k;
	r->sport = k->dport;
	r->dport = k->sport;
	memcpy(r->saddr, k->daddr, 16);
	memcpy(r->daddr, k->saddr, 16);
}

int account_init(struct account *a, size_t n, engine_eve_fn eve, void *eve_ctx,
		 const char *lan_iface, const char *wan_iface)
{
	size_t cap = 64;

	memset(a, 0, sizeof(*a));
	while (cap < 2 * n)
		cap <<= 1;
	a->e = calloc(cap, sizeof(*a->e));
	if (!a->e)
		return -1;
	a->mask = cap - 1;
	a->eve = eve;
	a->eve_ctx = eve_ctx;
	a->lan_iface = lan_iface;
	a->wan_iface = wan_iface;
	pthread_mutex_init(&a->lock, NULL);
	return 0;
}

void account_free(struct account *a)
{
	if (!a->e)
		return;
	pthread_mutex_destroy(&a->lock);
	free(a->e);
	memset(a, 0, sizeof(*a));
}

/* The slot of client key k, or (when add) a free one; NULL when none. */
static struct account_entry *slot(struct account *a, const struct utm_flow_key *k, int add)
{
	size_t h = (size_t)fnv1a64(FNV1A64_INIT, k, sizeof(*k)), i;

	for (i = 0; i < PROBES; i++) {
		struct account_entry *x = &a->e[(h + i) & a->mask];

		if (x->used && !memcmp(&x->key, k, sizeof(*k)))
			return x;
		if (!x->used && add)
			return x;
	}
	return NULL;
}

void account_add(struct account *a, const struct engine_flow_report *r)
{
	struct utm_flow_key k;
	struct account_entry *x;

	bypass_key(&r->client, &k);
	pthread_mutex_lock(&a->lock);
	x = slot(a, &k, 1);
	if (x) {
		if (!x->used)
			a->n++;
		memset(x, 0, sizeof(*x));
		x->used = 1;
		x->key = k;
		x->r = *r;
	} else {
		a->dropped++; /* its flow record still has the inspector's view */
	}
	pthread_mutex_unlock(&a->lock);
}

static void write_record(struct account *a, struct account_entry *x, uint64_t now)
{
	const struct engine_flow_report *r = &x->r;
	struct eve_inspect_ctx c = {
		.wall = {(time_t)(now / 1000000000u), (long)(now % 1000000000u)},
		.flow_id = r->flow_id,
		.in_iface = r->lan_client ? a->lan_iface : a->wan_iface,
		.tuple = &r->client,
		.app_proto = r->app_proto,
		.lan_mac = r->lan_mac,
		.lan_ip = r->lan_client ? r->client.saddr : r->client.daddr,
		.lan_is_client = r->lan_client,
	};
	char line[EVE_LINE_MAX];
	json_t *o = app_event(&c, &r->app, WEB_LOG, r->client.proto == IPPROTO_TCP);

	app_event_add_counts(o, r->pkts, r->bytes,
			     now > r->start_ns ? (now - r->start_ns) / 1000000000u : 0);
	if (o && eve_inspect_format(o, line, sizeof(line)) > 0)
		a->eve(a->eve_ctx, line);
	else
		json_decref(o);
}

void account_gone(struct account *a, const struct utm_flow_key *k, const struct utm_flow_entry *e,
		  int other_left, uint64_t now_wall_ns)
{
	struct utm_flow_key rk;
	struct account_entry *x;
	int dir = 0;

	pthread_mutex_lock(&a->lock);
	x = slot(a, k, 0);
	if (!x) {
		bypass_key_reverse(k, &rk);
		x = slot(a, &rk, 0);
		dir = 1;
	}
	if (x) {
		/* XDP's count of a direction adds to what the inspector saw of it */
		x->r.pkts[dir] += e->packets;
		x->r.bytes[dir] += e->bytes;
		x->gone[dir] = 1;
		if (!other_left || x->gone[!dir]) {
			write_record(a, x, now_wall_ns);
			x->used = 0;
			a->n--;
		}
	}
	pthread_mutex_unlock(&a->lock);
}

void account_flush(struct account *a, uint64_t now_wall_ns)
{
	size_t i;

	pthread_mutex_lock(&a->lock);
	for (i = 0; a->e && i <= a->mask; i++) {
		if (!a->e[i].used)
			continue;
		write_record(a, &a->e[i], now_wall_ns);
		a->e[i].used = 0;
	}
	a->n = 0;
	pthread_mutex_unlock(&a->lock);
}
