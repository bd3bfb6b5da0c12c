/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * TCP stream reassembly for one direction of a connection: segments (seq,
 * flags, payload) in, in-order bytes out to the application parsers, the way
 * an inline IPS must see them.
 *
 * Offsets. Every byte of a stream has an offset: 0 is the byte after the SYN
 * (ISN + 1). Sequence numbers are mapped to offsets relative to the next byte
 * expected, with 32-bit serial arithmetic, so wraparound at 2^32 is seamless
 * and a stream may carry any number of bytes. A segment more than 2^31 away
 * from the next expected byte is read as lying behind it (old data).
 *
 * Delivery. In-order data is handed to ops->deliver straight from the
 * caller's buffer (no copy), also when it fills a hole in front of queued
 * data. Only out-of-order data is copied, into a queue sorted by offset that
 * never holds two copies of a byte.
 *
 * Overlap policy: the first copy of a byte wins (like Suricata's "bsd"-ish
 * default for the data it still holds). A later segment carrying different
 * bytes for offsets that are queued and not yet delivered raises
 * REASM_ANOM_OVERLAP_DIFF with the range from the first to the last
 * differing byte, and its bytes are discarded. Bytes already delivered (or
 * skipped as a gap) are not kept, so a retransmission of them is counted
 * (stats.dup_bytes) but cannot be compared: see "what is not done" in
 * reasm.c.
 *
 * Gaps. A hole is given up, reported through ops->gap with its size, and
 * delivery continues after it when the receiver acknowledges bytes beyond it
 * (reasm_ack: it has data we never saw), or when the caller gives up
 * waiting (reasm_stream_flush, e.g. on flow timeout; a RST flushes too).
 *
 * Memory. Queued data is charged to the stream and to a struct reasm_pool
 * shared by all streams of a worker: each queued piece costs its length plus
 * REASM_SEG_OVERHEAD (so the number of pieces is bounded too). A segment
 * whose new bytes would exceed the stream's limit or the pool's cap is
 * REFUSED as a whole: nothing of it is stored, it is counted and the caller
 * is told (REASM_R_REFUSED). An inline caller should then drop the packet,
 * so that the sender retransmits it when there is room again: no data is
 * lost to inspection. A caller that forwards it anyway loses nothing either
 * way: the receiver's ACK later turns the missing bytes into a reported gap.
 * In-order data is never refused, since it is not stored. So the memory of
 * a stream is at most stream_cap, and of all streams together at most the
 * pool's cap (plus the fixed struct reasm_stream each).
 *
 * End. A stream stops delivering, for good, at the first of: the FIN's
 * offset reached with every byte before it delivered or skipped (END), a RST
 * (RST), the inspection depth reached (DEPTH: the caller then bypasses the
 * flow in XDP), or ops->deliver asking to stop (STOPPED). Its queue is then
 * freed and ops->end is called once.
 *
 * Ownership and threads. The caller owns struct reasm_pool and struct
 * reasm_stream (typically inside its flow entry) and must call
 * reasm_stream_free before reusing or freeing a stream's memory. Data passed
 * to reasm_segment is only read during the call. A pool and its streams
 * belong to one thread (one worker): there is no locking. Callbacks must not
 * call back into the same stream.
 */
#ifndef UTM_INSPECT_REASM_H
#define UTM_INSPECT_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What one queued piece costs beyond its bytes (its node and allocator header). */
#define REASM_SEG_OVERHEAD 64

/* Largest payload accepted in one segment (TCP with GSO/BIG TCP stays far below). */
#define REASM_MAX_SEGMENT (1u << 24)

/* Segment flags: the TCP header's own bit values, so tcp->flags can be passed as is. */
enum reasm_flag {
	REASM_FIN = 0x01, /* last byte of the stream is before seq + len */
	REASM_SYN = 0x02, /* seq is the ISN; data starts at seq + 1 */
	REASM_RST = 0x04, /* connection aborted: flush what is queued, then stop */
};

/* Result of reasm_segment, reasm_ack and reasm_stream_flush: a mask of these. */
enum reasm_result {
	REASM_R_DELIVERED = 1u << 0, /* bytes were passed to ops->deliver */
	REASM_R_QUEUED = 1u << 1,    /* out-of-order bytes were stored */
	REASM_R_DUP = 1u << 2,	     /* bytes already seen (retransmission or overlap) */
	REASM_R_ANOMALY = 1u << 3,   /* ops->anomaly was called */
	REASM_R_REFUSED = 1u << 4,   /* memory limit: nothing of the segment was stored */
	REASM_R_GAP = 1u << 5,	     /* ops->gap was called: a hole was given up */
	REASM_R_IGNORED = 1u << 6,   /* segment unusable: no ISN yet, bad SYN, too long */
	REASM_R_DONE = 1u << 7,	     /* the stream has stopped delivering (any end state) */
	REASM_R_DEPTH = 1u << 8,     /* ... because the inspection depth is reached */
};

/* Where a stream is. Every state from REASM_ST_END on is final. */
enum reasm_state {
	REASM_ST_NO_ISN = 0, /* waiting for a SYN, reasm_stream_set_isn or (midstream) data */
	REASM_ST_OPEN,	     /* delivering */
	REASM_ST_END,	     /* all bytes up to the FIN delivered (or skipped as gaps) */
	REASM_ST_RST,	     /* reset seen */
	REASM_ST_DEPTH,	     /* inspection depth reached: bypass the rest of the flow */
	REASM_ST_STOPPED,    /* ops->deliver returned non-zero */
};

/* Anomalies, reported through ops->anomaly with a range of stream offsets. */
enum reasm_anomaly {
	/* [offset, offset + len): first to last byte differing from the queued copy */
	REASM_ANOM_OVERLAP_DIFF = 1,
	/* SYN whose seq is not the ISN in use; the segment is ignored (offset 0, len 0) */
	REASM_ANOM_SYN_MISMATCH,
	/* bytes before the ISN (negative offsets, given as offset 0 and their count) */
	REASM_ANOM_BEFORE_ISN,
	/* bytes after the FIN: [fin offset, +len) are discarded */
	REASM_ANOM_AFTER_FIN,
	/* a FIN at another offset than the first FIN, or before delivered data: ignored */
	REASM_ANOM_FIN_MISMATCH,
	/* the receiver acknowledged bytes never seen: [highest seen, ack) */
	REASM_ANOM_ACK_UNSEEN,
};

/*
 * Callbacks of a stream. ctx is the pointer given to reasm_stream_init;
 * offsets are stream offsets (see above). Any callback may be NULL.
 */
struct reasm_ops {
	/*
	 * In-order bytes [offset, offset + len), len > 0. data is valid only
	 * during the call (the caller's segment or a queued copy). Return 0 to
	 * go on, non-zero to stop inspecting this stream (REASM_ST_STOPPED):
	 * the hook for "verdict known, bypass".
	 */
	int (*deliver)(void *ctx, const uint8_t *data, size_t len, uint64_t offset);
	/* Bytes [offset, offset + len) will never be delivered: parsers must resync. */
	void (*gap)(void *ctx, uint64_t len, uint64_t offset);
	/* Something an evasion attempt or a broken stack would do. */
	void (*anomaly)(void *ctx, enum reasm_anomaly code, uint64_t offset, uint64_t len);
	/* The stream stopped delivering for good; state says why. Called once. */
	void (*end)(void *ctx, enum reasm_state state);
};

/*
 * Memory shared by the streams of one worker. Fill it with reasm_pool_init;
 * the fields are read-only for callers.
 */
struct reasm_pool {
	size_t cap;	   /* most bytes charged to all streams together */
	size_t stream_cap; /* most bytes charged to one stream */
	size_t used;	   /* bytes charged now (queued data + overhead) */
	size_t peak;	   /* highest value of used */
	uint64_t refused;  /* segments refused for lack of room (stream or pool) */
	uint64_t streams;  /* streams initialised and not yet freed */
};

/* Counters of one stream (what the flow's EVE record and stats events report). */
struct reasm_stats {
	uint64_t delivered;    /* bytes passed to ops->deliver */
	uint64_t queued;       /* bytes copied into the out-of-order queue */
	uint64_t dup_segments; /* segments that brought no new byte (retransmissions) */
	uint64_t dup_bytes;    /* bytes seen again (before the next expected or queued) */
	uint64_t overlap_diff; /* REASM_ANOM_OVERLAP_DIFF reports */
	uint64_t gaps;	       /* holes given up */
	uint64_t gap_bytes;    /* their total size */
	uint64_t refused;      /* segments refused for lack of room */
	uint64_t ignored;      /* segments ignored (no ISN, bad SYN, closed, too long) */
};

struct reasm_seg; /* a queued out-of-order piece (private) */

/*
 * One direction of a TCP connection. Fill it with reasm_stream_init; the
 * fields are private except through the accessors below and stats.
 */
struct reasm_stream {
	struct reasm_pool *pool;     /* where queued bytes are charged */
	const struct reasm_ops *ops; /* callbacks */
	void *ctx;		     /* their first argument */
	struct reasm_seg *head;	     /* queued pieces, sorted by offset, disjoint */
	struct reasm_seg *tail;	     /* last of them (most arrivals append) */
	uint64_t next_off;	     /* offset of the next byte to deliver */
	uint64_t seen_off;	     /* end of the highest byte ever received */
	uint64_t fin_off;	     /* offset of the FIN (valid if has_fin) */
	uint64_t depth;		     /* stop at this offset; 0: no limit */
	size_t charged;		     /* bytes charged to the pool by this stream */
	uint32_t isn;		     /* initial sequence number (valid from OPEN on) */
	uint32_t next_seq;	     /* sequence number of next_off */
	uint8_t state;		     /* enum reasm_state */
	bool midstream;		     /* take the first segment's seq as the start */
	bool has_fin;		     /* fin_off is known */
	bool end_called;	     /* ops->end was called */
	struct reasm_stats stats;    /* counters */
};

/*
 * Set up a pool: cap bounds the bytes charged by all its streams,
 * stream_cap those of one stream (both 0 = nothing is ever queued: every
 * out-of-order segment is refused). Returns 0, or -1 if stream_cap > cap.
 */
int reasm_pool_init(struct reasm_pool *pool, size_t cap, size_t stream_cap);

/*
 * Check that every stream of the pool was freed. Returns 0, or -1 (a leak
 * in the caller) if streams or charged bytes remain. A pool owns no memory.
 */
int reasm_pool_destroy(struct reasm_pool *pool);

/*
 * Set up a stream charged to pool that stops delivering at offset depth
 * (0: never). ops and ctx receive its bytes and events; ops must outlive
 * the stream. The ISN comes from a SYN, reasm_stream_set_isn, or (after
 * reasm_stream_set_midstream) the first segment.
 */
void reasm_stream_init(struct reasm_stream *s, struct reasm_pool *pool, uint64_t depth,
		       const struct reasm_ops *ops, void *ctx);

/*
 * Give the ISN (e.g. learnt from the other direction's SYN-ACK ack - 1):
 * data starts at isn + 1. Returns 0, or -1 if a different ISN is in use.
 */
int reasm_stream_set_isn(struct reasm_stream *s, uint32_t isn);

/*
 * Pick the stream up in the middle: the first segment seen (if not a SYN)
 * starts it, its first byte being offset 0. For flows whose handshake was
 * missed (inspector started late, flow table eviction).
 */
void reasm_stream_set_midstream(struct reasm_stream *s);

/*
 * One segment of this direction: its sequence number, payload and TCP
 * flags (enum reasm_flag; other bits ignored). Returns a mask of enum
 * reasm_result. A segment is processed in this order: RST (flush, stop),
 * SYN/ISN, FIN offset, then the bytes (clipped to [0, FIN) and to depth).
 */
unsigned int reasm_segment(struct reasm_stream *s, uint32_t seq, const uint8_t *data, size_t len,
			   unsigned int flags);

/*
 * The other direction acknowledged everything before ack: holes below it
 * will never be filled, so they are reported as gaps and delivery goes on
 * after them. Returns a mask of enum reasm_result.
 */
unsigned int reasm_ack(struct reasm_stream *s, uint32_t ack);

/*
 * Give up waiting for holes: deliver all queued bytes (up to the FIN),
 * reporting the holes in front of them as gaps. For flow timeout or
 * eviction, before reasm_stream_free. Returns a mask of enum reasm_result.
 */
unsigned int reasm_stream_flush(struct reasm_stream *s);

/*
 * Release the queued bytes (without delivering them, and without calling
 * ops->end: call reasm_stream_flush first to hand them over) and the
 * stream's charge to its pool. The stream may then be initialised again;
 * freeing twice is harmless.
 */
void reasm_stream_free(struct reasm_stream *s);

/* The stream's state (enum reasm_state). */
static inline enum reasm_state reasm_stream_state(const struct reasm_stream *s)
{
	return (enum reasm_state)s->state;
}

/* True once the stream stopped delivering for good (END, RST, DEPTH, STOPPED). */
static inline bool reasm_stream_done(const struct reasm_stream *s)
{
	return s->state >= REASM_ST_END;
}

/* True once the inspection depth is reached: the caller should bypass the flow. */
static inline bool reasm_stream_depth_reached(const struct reasm_stream *s)
{
	return s->state == REASM_ST_DEPTH;
}

/* Offset of the next byte to deliver (= bytes delivered + gap bytes). */
static inline uint64_t reasm_stream_offset(const struct reasm_stream *s)
{
	return s->next_off;
}

/* Bytes charged to the pool by this stream now. */
static inline size_t reasm_stream_charged(const struct reasm_stream *s)
{
	return s->charged;
}

/* Name of a state or anomaly, for logs and EVE ("overlap_diff", "depth", ...). */
const char *reasm_state_name(enum reasm_state state);
const char *reasm_anomaly_name(enum reasm_anomaly code);

#endif /* UTM_INSPECT_REASM_H */
