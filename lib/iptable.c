// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Open-addressing hash set of prefixes with their per-direction list ids. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iptable.h"
#include "netbits.h"

struct slot {
	struct ip_prefix p;
	struct utm_ip_entry v;
	uint8_t used;
};

struct iptable {
	struct slot *slots;
	size_t cap; /* a power of two */
	size_t size;
	size_t per_kind[IPKEY_NKINDS];
};

static uint64_t prefix_hash(const struct ip_prefix *p)
{
	const uint8_t *b = (const uint8_t *)p;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < sizeof(*p); i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h ^ (h >> 29);
}

struct iptable *iptable_new(void)
{
	struct iptable *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->cap = 1024;
	t->slots = calloc(t->cap, sizeof(*t->slots));
	if (!t->slots) {
		free(t);
		return NULL;
	}
	return t;
}

void iptable_free(struct iptable *t)
{
	if (!t)
		return;
	free(t->slots);
	free(t);
}

static struct slot *find_slot(struct slot *slots, size_t cap, const struct ip_prefix *p)
{
	size_t i = prefix_hash(p) & (cap - 1);

	while (slots[i].used && memcmp(&slots[i].p, p, sizeof(*p)) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int grow(struct iptable *t)
{
	size_t ncap = t->cap * 2, i;
	struct slot *ns = calloc(ncap, sizeof(*ns));

	if (!ns)
		return -ENOMEM;
	for (i = 0; i < t->cap; i++)
		if (t->slots[i].used)
			*find_slot(ns, ncap, &t->slots[i].p) = t->slots[i];
	free(t->slots);
	t->slots = ns;
	t->cap = ncap;
	return 0;
}

int iptable_add(struct iptable *t, const struct ip_prefix *p, uint16_t list_id, int dir)
{
	struct ip_prefix key;
	struct slot *s;

	if (ipkey_kind_of(p) == IPKEY_INVALID)
		return -EINVAL;
	/* Keep the load factor under 1/2 so probes stay short. */
	if ((t->size + 1) * 2 > t->cap && grow(t))
		return -ENOMEM;
	memset(&key, 0, sizeof(key));
	key.family = p->family;
	key.prefixlen = p->prefixlen;
	memcpy(key.addr, p->addr, p->family == 4 ? 4 : 16);
	s = find_slot(t->slots, t->cap, &key);
	if (!s->used) {
		s->used = 1;
		s->p = key;
		memset(&s->v, 0, sizeof(s->v));
		t->size++;
		t->per_kind[ipkey_kind_of(&key)]++;
	}
	if ((dir & UTM_DIR_INBOUND) && !s->v.list_in)
		s->v.list_in = list_id;
	if ((dir & UTM_DIR_OUTBOUND) && !s->v.list_out)
		s->v.list_out = list_id;
	return 0;
}

size_t iptable_count(const struct iptable *t, enum ipkey_kind k)
{
	return t->per_kind[k];
}

size_t iptable_size(const struct iptable *t)
{
	return t->size;
}

size_t ipkey_size(enum ipkey_kind k)
{
	switch (k) {
	case IPKEY_EXACT4:
		return sizeof(struct utm_ip4_key);
	case IPKEY_PREFIX4:
		return sizeof(struct utm_lpm4_key);
	case IPKEY_EXACT6:
		return sizeof(struct utm_ip6_key);
	case IPKEY_PREFIX6:
		return sizeof(struct utm_lpm6_key);
	case IPKEY_INVALID:
		break;
	}
	return 0;
}

static void write_key(enum ipkey_kind k, const struct ip_prefix *p, void *key)
{
	switch (k) {
	case IPKEY_EXACT4:
		ipkey_exact4(p, key);
		break;
	case IPKEY_PREFIX4:
		ipkey_lpm4(p, key);
		break;
	case IPKEY_EXACT6:
		ipkey_exact6(p, key);
		break;
	case IPKEY_PREFIX6:
		ipkey_lpm6(p, key);
		break;
	case IPKEY_INVALID:
		break;
	}
}

size_t iptable_export(const struct iptable *t, enum ipkey_kind k, void *keys,
		      struct utm_ip_entry *vals)
{
	size_t i, n = 0, ksz = ipkey_size(k);

	for (i = 0; i < t->cap; i++) {
		const struct slot *s = &t->slots[i];

		if (!s->used || ipkey_kind_of(&s->p) != k)
			continue;
		write_key(k, &s->p, (char *)keys + n * ksz);
		vals[n++] = s->v;
	}
	return n;
}

void iptable_net4_bits(const struct iptable *t, uint64_t *words)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		if (t->slots[i].used && ipkey_kind_of(&t->slots[i].p) == IPKEY_PREFIX4)
			netbits_set(words, &t->slots[i].p);
}
