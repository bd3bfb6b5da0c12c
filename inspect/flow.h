/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The inspector's flow table: one entry per connection (TCP, UDP, other IP
 * protocols), found from either direction's packets, with a hard cap on
 * entries, idle timeouts per state, and eviction of the least recently
 * seen flow when full. Hashing is keyed (SipHash, a random key per table),
 * so a flood of crafted tuples cannot degrade lookups into list walks.
 *
 * Everything is bounded: the entries are preallocated (max_flows), the
 * expiry pass does at most a given amount of work per call, and a flow's
 * protocol state hangs off flow->app, released through the table's
 * on_free callback when the flow ends (expiry, eviction, removal, free).
 */
#ifndef UTM_INSPECT_FLOW_H
#define UTM_INSPECT_FLOW_H

#include <stddef.h>
#include <stdint.h>

/* A packet's addresses and ports as seen on the wire (network order bytes, host order ports). */
struct flow_tuple {
	uint8_t family; /* 4 or 6 */
	uint8_t proto;	/* IPPROTO_TCP, IPPROTO_UDP, ... */
	uint16_t sport; /* host order; 0 for protocols without ports */
	uint16_t dport;
	uint8_t saddr[16]; /* IPv4 in the first 4 bytes, the rest zero */
	uint8_t daddr[16];
};

/*
 * A flow's key: the tuple in a canonical order (the lower address/port
 * pair first), so that both directions of a connection find the same
 * entry. flow->client says which side opened it.
 */
struct flow_key {
	uint8_t family, proto;
	uint16_t port[2];
	uint8_t addr[2][16];
};

/* Directions relative to the flow's first packet. */
enum flow_dir {
	FLOW_TO_SERVER = 0, /* same direction as the packet that created the flow */
	FLOW_TO_CLIENT = 1,
};

/* Coarse lifecycle, which picks the idle timeout. */
enum flow_state {
	FLOW_NEW = 0,	  /* one direction seen (or TCP handshake not completed) */
	FLOW_ESTABLISHED, /* both directions seen (TCP: handshake completed) */
	FLOW_CLOSING,	  /* TCP FIN or RST seen */
	FLOW_STATE_COUNT,
};

/* What the inspector decided; FLOW_INSPECT until then. */
enum flow_verdict {
	FLOW_INSPECT = 0, /* keep steering packets to the inspector */
	FLOW_PASS,	  /* nothing more to learn: bypass in XDP */
	FLOW_DROP,	  /* drop the rest of the flow */
};

struct flow {
	struct flow_key key;
	uint8_t client;	 /* index (0/1) into key.addr/port of the side that opened it */
	uint8_t state;	 /* enum flow_state */
	uint8_t verdict; /* enum flow_verdict */
	uint64_t id;	 /* unique per table: the EVE flow_id */
	uint64_t first_ns, last_ns;
	uint64_t pkts[2], bytes[2]; /* by enum flow_dir */
	void *app;		    /* protocol state (parsers, reassembly); freed by on_free */
	/* Internal: hash chain and LRU list links (indexes into the entry array). */
	uint32_t next_in_bucket, lru_prev, lru_next;
	uint8_t in_use;
};

/* Called when a flow leaves the table, before its entry is reused: free flow->app. */
typedef void (*flow_free_fn)(struct flow *f, void *ctx);

/* Idle timeouts in nanoseconds, by enum flow_state. */
struct flow_timeouts {
	uint64_t idle_ns[FLOW_STATE_COUNT];
};

struct flow_table;

/* Suricata-like defaults: new 30 s, established 300 s (TCP) / 60 s (others), closing 10 s. */
void flow_timeouts_default(struct flow_timeouts *t, uint8_t proto);

struct flow_table;

/* Set the timeouts of TCP flows (proto IPPROTO_TCP) or of all others (any other proto). */
void flow_table_set_timeouts(struct flow_table *t, uint8_t proto, const struct flow_timeouts *to);

/*
 * A table of at most max_flows flows (1..2^24). on_free (may be NULL) is
 * called for every flow that leaves the table. NULL when out of memory or
 * max_flows is out of range.
 */
struct flow_table *flow_table_new(uint32_t max_flows, flow_free_fn on_free, void *ctx);

/* Release every flow (on_free for each) and the table. */
void flow_table_free(struct flow_table *t);

/*
 * The flow of a packet, created when new. *dir receives the packet's
 * direction, *created whether the flow is new. When the table is full,
 * the least recently seen flow is evicted to make room (counted in
 * flow_table_stats.evicted). Updates last_ns, the counters (len bytes)
 * and the LRU order; a non-TCP flow becomes ESTABLISHED at its first
 * reply (TCP state is the caller's, who sees the flags). NULL only for a
 * tuple of another family than 4 or 6.
 */
struct flow *flow_get(struct flow_table *t, const struct flow_tuple *tup, uint64_t now_ns,
		      uint32_t len, enum flow_dir *dir, int *created);

/* The flow of a tuple if it exists (either direction), without touching it. */
struct flow *flow_find(struct flow_table *t, const struct flow_tuple *tup, enum flow_dir *dir);

/* Remove a flow now (on_free is called). */
void flow_remove(struct flow_table *t, struct flow *f);

/*
 * Expire flows idle for longer than their state's timeout, oldest first,
 * looking at no more than max_work flows. Returns the number expired.
 */
size_t flow_table_expire(struct flow_table *t, uint64_t now_ns, size_t max_work);

struct flow_table_stats {
	uint32_t active, max;
	uint64_t created, expired, evicted, removed;
};

void flow_table_stats(const struct flow_table *t, struct flow_table_stats *s);

/* The canonical key of a tuple and the tuple's direction relative to it (pure). */
void flow_key_of(const struct flow_tuple *tup, struct flow_key *key, int *tuple_is_first);

/* The same connection seen the other way: addresses and ports swapped. */
struct flow_tuple flow_tuple_reversed(const struct flow_tuple *t);

#endif /* UTM_INSPECT_FLOW_H */
