// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Alert thresholds (inspect/threshold.h). */
#include <stdlib.h>
#include <string.h>

#include "inspect/threshold.h"
#include "lib/fnv.h"

/* Slots probed for a key before the oldest of them is reused. */
#define PROBES 8

/* What a counter is for: the rule and the tracked address(es). */
struct thr_key {
	uint32_t gid, sid;
	uint8_t family, track;
	uint8_t addr[2][16];
};

struct thr_entry {
	struct thr_key key;
	int used;
	uint64_t start_ns; /* the current window's start */
	uint32_t count;	   /* alerts in it */
};

struct threshold_table {
	struct thr_entry *e;
	size_t mask;
};

struct threshold_table *threshold_new(size_t max_entries)
{
	struct threshold_table *t = calloc(1, sizeof(*t));
	size_t n = 16;

	while (n < max_entries)
		n <<= 1;
	if (!t || !(t->e = calloc(n, sizeof(*t->e)))) {
		free(t);
		return NULL;
	}
	t->mask = n - 1;
	return t;
}

void threshold_free(struct threshold_table *t)
{
	if (!t)
		return;
	free(t->e);
	free(t);
}

static void make_key(struct thr_key *k, const struct rule *r, const struct flow_tuple *tp)
{
	memset(k, 0, sizeof(*k));
	k->gid = r->gid;
	k->sid = r->sid;
	k->track = (uint8_t)r->threshold.track;
	k->family = tp->family;
	switch (r->threshold.track) {
	case RULE_TRACK_BY_SRC:
		memcpy(k->addr[0], tp->saddr, 16);
		break;
	case RULE_TRACK_BY_DST:
		memcpy(k->addr[0], tp->daddr, 16);
		break;
	case RULE_TRACK_BY_BOTH:
		memcpy(k->addr[0], tp->saddr, 16);
		memcpy(k->addr[1], tp->daddr, 16);
		break;
	case RULE_TRACK_BY_RULE:
		k->family = 0;
		break;
	}
}

/* FNV-1a over the key (padding zeroed by make_key). */
static uint64_t key_hash(const struct thr_key *k)
{
	return fnv1a64(FNV1A64_INIT, k, sizeof(*k));
}

/* The key's entry, a free slot, or the oldest probed slot, emptied. */
static struct thr_entry *find(struct threshold_table *t, const struct thr_key *k)
{
	size_t i, at = (size_t)key_hash(k);
	struct thr_entry *oldest = NULL;

	for (i = 0; i < PROBES; i++) {
		struct thr_entry *x = &t->e[(at + i) & t->mask];

		if (!x->used) {
			oldest = x;
			break;
		}
		if (!memcmp(&x->key, k, sizeof(*k)))
			return x;
		if (!oldest || x->start_ns < oldest->start_ns)
			oldest = x;
	}
	memset(oldest, 0, sizeof(*oldest));
	oldest->key = *k;
	oldest->used = 1;
	return oldest;
}

int threshold_check(struct threshold_table *t, const struct rule *r, const struct flow_tuple *tp,
		    uint64_t now_ns)
{
	const struct rule_threshold *th = &r->threshold;
	uint64_t window = (uint64_t)th->seconds * 1000000000ull;
	struct thr_entry *x;
	struct thr_key k;

	if (th->type == RULE_THRESHOLD_NONE || !t || !tp)
		return 1;
	make_key(&k, r, tp);
	x = find(t, &k);
	if (!x->count || now_ns - x->start_ns >= window || now_ns < x->start_ns) {
		x->start_ns = now_ns;
		x->count = 0;
	}
	x->count++;
	switch (th->type) {
	case RULE_THRESHOLD_LIMIT:
		return x->count <= th->count;
	case RULE_THRESHOLD_THRESHOLD:
		if (x->count < th->count)
			return 0;
		x->count = 0; /* every count-th: start counting again, same window */
		x->start_ns = now_ns;
		return 1;
	case RULE_THRESHOLD_BOTH:
		return x->count == th->count;
	default:
		return 1;
	}
}
