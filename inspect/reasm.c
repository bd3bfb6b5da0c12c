// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * TCP stream reassembly (see reasm.h for the model: offsets, first-copy-wins
 * overlaps, gaps, memory accounting, end states).
 *
 * The out-of-order queue is a doubly linked list of disjoint pieces sorted by
 * offset. Its length is bounded by stream_cap / (REASM_SEG_OVERHEAD + 1);
 * lookups walk from whichever end is nearer, and most arrivals (the next
 * segments after a loss) append at the tail. A new segment is walked against
 * the queue once to compare the bytes it overlaps and measure the holes it
 * fills, then once more to deliver or store it: every loop is bounded by the
 * queue length plus one.
 *
 * Invariant while OPEN: every queued piece starts after next_off (a piece that
 * becomes contiguous is delivered at once), and next_off < the stream's limit
 * (the FIN offset and the depth).
 *
 * What is not done (yet):
 *  - Bytes already delivered are not kept, so a retransmission that changes
 *    them is counted (dup_bytes) but not compared; a small per-stream
 *    history window would catch that evasion at the cost of one copy.
 *  - Adjacent queued pieces are not merged, so a stream of tiny out-of-order
 *    segments pays the per-piece overhead and reaches its cap early (by
 *    design: that bounds the work per segment as well).
 *  - RST validity (in-window check) and the three-way handshake belong to the
 *    flow table; here a RST always ends the stream.
 */
#include <stdlib.h>
#include <string.h>

#include "inspect/reasm.h"

/* A queued piece: bytes [off, off + len), a private copy. */
struct reasm_seg {
	struct reasm_seg *prev, *next;
	uint64_t off;
	uint32_t len;
	uint8_t data[];
};

/* The overhead charged must cover the node and a typical malloc header. */
_Static_assert(sizeof(struct reasm_seg) + 16 <= REASM_SEG_OVERHEAD, "REASM_SEG_OVERHEAD too small");

static uint64_t seg_end(const struct reasm_seg *g)
{
	return g->off + g->len;
}

static size_t seg_cost(uint64_t len)
{
	return (size_t)len + REASM_SEG_OVERHEAD;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* ---- events -------------------------------------------------------------- */

static unsigned int report(struct reasm_stream *s, enum reasm_anomaly code, uint64_t offset,
			   uint64_t len)
{
	if (code == REASM_ANOM_OVERLAP_DIFF)
		s->stats.overlap_diff++;
	if (s->ops && s->ops->anomaly)
		s->ops->anomaly(s->ctx, code, offset, len);
	return REASM_R_ANOMALY;
}

/* The first offset that is never delivered: the FIN's, or the depth. */
static uint64_t stream_limit(const struct reasm_stream *s)
{
	uint64_t limit = s->depth ? s->depth : UINT64_MAX;

	if (s->has_fin && s->fin_off < limit)
		limit = s->fin_off;
	return limit;
}

/* Move to END or DEPTH once next_off reaches the FIN or the depth (FIN first). */
static void check_limits(struct reasm_stream *s)
{
	if (s->state != REASM_ST_OPEN)
		return;
	if (s->has_fin && s->next_off >= s->fin_off)
		s->state = REASM_ST_END;
	else if (s->depth && s->next_off >= s->depth)
		s->state = REASM_ST_DEPTH;
}

/* Hand in-order bytes at next_off to the parser, cut at the limit. */
static unsigned int emit(struct reasm_stream *s, const uint8_t *data, uint64_t len)
{
	uint64_t off = s->next_off;
	int stop = 0;

	len = min_u64(len, stream_limit(s) - off);
	if (len == 0)
		return 0;
	s->next_off += len;
	s->next_seq += (uint32_t)len;
	s->stats.delivered += len;
	if (s->ops && s->ops->deliver)
		stop = s->ops->deliver(s->ctx, data, (size_t)len, off);
	check_limits(s);
	if (stop && s->state == REASM_ST_OPEN)
		s->state = REASM_ST_STOPPED;
	return REASM_R_DELIVERED;
}

/* Give up len bytes at next_off (a hole), cut at the limit. */
static unsigned int skip(struct reasm_stream *s, uint64_t len)
{
	uint64_t off = s->next_off;

	len = min_u64(len, stream_limit(s) - off);
	if (len == 0)
		return 0;
	s->next_off += len;
	s->next_seq += (uint32_t)len;
	s->stats.gaps++;
	s->stats.gap_bytes += len;
	if (s->ops && s->ops->gap)
		s->ops->gap(s->ctx, len, off);
	check_limits(s);
	return REASM_R_GAP;
}

/* ---- the out-of-order queue ------------------------------------------------ */

static void seg_unlink(struct reasm_stream *s, struct reasm_seg *g)
{
	if (g->prev)
		g->prev->next = g->next;
	else
		s->head = g->next;
	if (g->next)
		g->next->prev = g->prev;
	else
		s->tail = g->prev;
}

/* Unlink and free a piece, returning its charge. */
static void seg_release(struct reasm_stream *s, struct reasm_seg *g)
{
	size_t cost = seg_cost(g->len);

	seg_unlink(s, g);
	s->charged -= cost;
	if (s->pool)
		s->pool->used -= cost;
	free(g);
}

static void queue_release_all(struct reasm_stream *s)
{
	while (s->head)
		seg_release(s, s->head);
}

/* The first queued piece ending after off (NULL if none), walking from the nearer end. */
static struct reasm_seg *seg_first_ending_after(const struct reasm_stream *s, uint64_t off)
{
	struct reasm_seg *g;

	if (!s->tail || seg_end(s->tail) <= off)
		return NULL;
	if (off <= s->head->off)
		return s->head;
	if (off - s->head->off < seg_end(s->tail) - off) {
		for (g = s->head; seg_end(g) <= off; g = g->next)
			;
		return g;
	}
	for (g = s->tail; g->prev && seg_end(g->prev) > off; g = g->prev)
		;
	return g;
}

/* Bytes that can still be charged to this stream (and its pool). */
static size_t queue_room(const struct reasm_stream *s)
{
	size_t room;

	if (!s->pool)
		return 0;
	room = s->pool->stream_cap > s->charged ? s->pool->stream_cap - s->charged : 0;
	if (s->pool->cap - s->pool->used < room)
		room = s->pool->cap - s->pool->used;
	return room;
}

/* What walking [a, b) against the queue found. */
struct overlap_scan {
	uint64_t queued; /* bytes of [a, b) already queued */
	size_t need;	 /* charge to store the rest (holes + overhead each) */
	uint64_t first;	 /* first differing offset, UINT64_MAX if none */
	uint64_t last;	 /* last differing offset */
};

/* Record where p and q (n bytes at offset off) differ, if they do. */
static void scan_diff(struct overlap_scan *sc, const uint8_t *p, const uint8_t *q, uint64_t n,
		      uint64_t off)
{
	uint64_t i, j;

	if (memcmp(p, q, n) == 0)
		return;
	for (i = 0; p[i] == q[i]; i++)
		;
	for (j = n - 1; p[j] == q[j]; j--)
		;
	if (sc->first == UINT64_MAX)
		sc->first = off + i;
	sc->last = off + j;
}

/* Compare data ([a, b)) with what is queued, and size the holes it would fill. */
static void scan_queue(const struct reasm_stream *s, uint64_t a, uint64_t b, const uint8_t *data,
		       struct overlap_scan *sc)
{
	const struct reasm_seg *g;
	uint64_t cur = a;

	sc->queued = 0;
	sc->need = 0;
	sc->first = UINT64_MAX;
	sc->last = 0;
	for (g = seg_first_ending_after(s, a); g && g->off < b; g = g->next) {
		uint64_t lo = g->off > a ? g->off : a;
		uint64_t hi = min_u64(b, seg_end(g));

		if (g->off > cur)
			sc->need += seg_cost(g->off - cur);
		scan_diff(sc, data + (lo - a), g->data + (lo - g->off), hi - lo, lo);
		sc->queued += hi - lo;
		cur = seg_end(g);
	}
	if (cur < b)
		sc->need += seg_cost(b - cur);
}

/* Copy [a, b) of data into a new piece and link it before next (NULL: at the tail). */
static int seg_insert(struct reasm_stream *s, struct reasm_seg *next, uint64_t a, uint64_t b,
		      const uint8_t *data)
{
	struct reasm_seg *g = malloc(sizeof(*g) + (b - a));
	size_t cost = seg_cost(b - a);

	if (!g)
		return -1;
	g->off = a;
	g->len = (uint32_t)(b - a);
	memcpy(g->data, data, b - a);
	g->next = next;
	g->prev = next ? next->prev : s->tail;
	if (g->prev)
		g->prev->next = g;
	else
		s->head = g;
	if (next)
		next->prev = g;
	else
		s->tail = g;
	s->charged += cost;
	s->pool->used += cost;
	if (s->pool->used > s->pool->peak)
		s->pool->peak = s->pool->used;
	s->stats.queued += b - a;
	return 0;
}

/* Store the bytes of [a, b) (a > next_off) that are not queued yet, one piece per hole. */
static unsigned int queue_store(struct reasm_stream *s, uint64_t a, uint64_t b, const uint8_t *data)
{
	struct reasm_seg *g = seg_first_ending_after(s, a);
	uint64_t cur = a;

	while (cur < b) {
		uint64_t end;

		if (g && g->off <= cur) {
			cur = seg_end(g);
			g = g->next;
			continue;
		}
		end = g ? min_u64(b, g->off) : b;
		if (end <= cur)
			break; /* cannot happen: the queue is sorted and disjoint */
		if (seg_insert(s, g, cur, end, data + (cur - a)) < 0)
			return REASM_R_REFUSED; /* out of memory: the rest is lost */
		cur = end;
	}
	return REASM_R_QUEUED;
}

/* Deliver queued pieces that are contiguous with next_off. */
static unsigned int queue_drain(struct reasm_stream *s)
{
	unsigned int res = 0;

	while (s->state == REASM_ST_OPEN && s->head && s->head->off <= s->next_off) {
		struct reasm_seg *g = s->head;

		if (seg_end(g) > s->next_off) {
			uint64_t from = s->next_off - g->off;

			res |= emit(s, g->data + from, g->len - from);
		}
		seg_release(s, g);
	}
	return res;
}

/* ---- data paths ------------------------------------------------------------ */

/*
 * Deliver [a, b) with a == next_off: the caller's bytes where nothing is
 * queued, the queued (first) copy where something is, then what follows.
 */
static unsigned int deliver_in_order(struct reasm_stream *s, uint64_t a, uint64_t b,
				     const uint8_t *data)
{
	unsigned int res = 0;

	while (s->state == REASM_ST_OPEN && s->next_off < b) {
		const struct reasm_seg *g = s->head;
		uint64_t before = s->next_off;

		if (g && g->off <= s->next_off) {
			res |= queue_drain(s); /* frees at least one piece */
			continue;
		}
		res |= emit(s, data + (s->next_off - a),
			    (g ? min_u64(b, g->off) : b) - s->next_off);
		if (s->next_off == before)
			break; /* cannot happen while the invariant holds; never spin */
	}
	return res | queue_drain(s);
}

/* Report gaps for the holes below target and deliver what lies between them. */
static unsigned int skip_to(struct reasm_stream *s, uint64_t target)
{
	unsigned int res = 0;

	while (s->state == REASM_ST_OPEN && s->next_off < target) {
		const struct reasm_seg *g = s->head;
		uint64_t before = s->next_off;

		if (g && g->off <= s->next_off) {
			res |= queue_drain(s); /* frees at least one piece */
			continue;
		}
		res |= skip(s, (g ? min_u64(g->off, target) : target) - s->next_off);
		if (s->next_off == before)
			break; /* cannot happen while the invariant holds; never spin */
	}
	return res | queue_drain(s);
}

/* Drop the part of [*a, b) below next_off (already delivered or skipped). */
static uint64_t clip_old(struct reasm_stream *s, int64_t *a, int64_t b)
{
	uint64_t old;

	if (*a >= (int64_t)s->next_off)
		return 0;
	old = (uint64_t)((b < (int64_t)s->next_off ? b : (int64_t)s->next_off) - *a);
	s->stats.dup_bytes += old;
	*a += (int64_t)old;
	return old;
}

/* The bytes of a segment, at offsets [a, b) (possibly negative). */
static unsigned int take_bytes(struct reasm_stream *s, int64_t a, int64_t b, const uint8_t *data)
{
	unsigned int res = 0;
	struct overlap_scan sc;
	uint64_t limit;
	int64_t a0;

	if (a >= b)
		return 0;
	if (a < 0) {
		if (!s->midstream)
			res |= report(s, REASM_ANOM_BEFORE_ISN, 0, (uint64_t)((b < 0 ? b : 0) - a));
		if (b <= 0)
			return res;
		data += -a;
		a = 0;
	}
	if ((uint64_t)b > s->seen_off)
		s->seen_off = (uint64_t)b;
	if (s->has_fin && (uint64_t)b > s->fin_off) {
		uint64_t from = (uint64_t)a > s->fin_off ? (uint64_t)a : s->fin_off;

		res |= report(s, REASM_ANOM_AFTER_FIN, from, (uint64_t)b - from);
	}
	limit = stream_limit(s);
	if ((uint64_t)b > limit)
		b = (int64_t)limit;
	if (a >= b)
		return res; /* all of it after the FIN or beyond the depth */
	a0 = a;
	if (clip_old(s, &a, b))
		res |= REASM_R_DUP;
	data += a - a0;
	if (a >= b) {
		s->stats.dup_segments++;
		return res;
	}
	scan_queue(s, (uint64_t)a, (uint64_t)b, data, &sc);
	if (sc.first != UINT64_MAX)
		res |= report(s, REASM_ANOM_OVERLAP_DIFF, sc.first, sc.last - sc.first + 1);
	if (sc.queued) {
		s->stats.dup_bytes += sc.queued;
		res |= REASM_R_DUP;
	}
	if ((uint64_t)a == s->next_off)
		return res | deliver_in_order(s, (uint64_t)a, (uint64_t)b, data);
	if (sc.need == 0) {
		s->stats.dup_segments++;
		return res;
	}
	if (sc.need > queue_room(s)) {
		s->stats.refused++;
		if (s->pool)
			s->pool->refused++;
		return res | REASM_R_REFUSED;
	}
	return res | queue_store(s, (uint64_t)a, (uint64_t)b, data);
}

/* A FIN ending the stream at offset fin (possibly negative: bogus). */
static unsigned int take_fin(struct reasm_stream *s, int64_t fin)
{
	if (s->has_fin ? (uint64_t)fin != s->fin_off || fin < 0 : fin < (int64_t)s->next_off)
		return report(s, REASM_ANOM_FIN_MISMATCH, fin < 0 ? 0 : (uint64_t)fin, 0);
	s->has_fin = true;
	s->fin_off = (uint64_t)fin;
	if (s->fin_off > s->seen_off)
		s->seen_off = s->fin_off;
	return 0;
}

/* ---- state ----------------------------------------------------------------- */

static void stream_open(struct reasm_stream *s, uint32_t isn)
{
	s->isn = isn;
	s->next_seq = isn + 1;
	s->next_off = 0;
	s->state = REASM_ST_OPEN;
}

/* Once done: free the queue, call ops->end once, and say so. */
static unsigned int finish(struct reasm_stream *s)
{
	if (!reasm_stream_done(s))
		return 0;
	if (!s->end_called) {
		queue_release_all(s);
		s->end_called = true;
		if (s->ops && s->ops->end)
			s->ops->end(s->ctx, (enum reasm_state)s->state);
	}
	return REASM_R_DONE | (s->state == REASM_ST_DEPTH ? REASM_R_DEPTH : 0);
}

static unsigned int ignore(struct reasm_stream *s, unsigned int res)
{
	s->stats.ignored++;
	return res | REASM_R_IGNORED | finish(s);
}

/* The offset target to flush to: the FIN, else the end of the queue. */
static uint64_t flush_target(const struct reasm_stream *s)
{
	if (s->has_fin)
		return s->fin_off;
	return s->tail ? seg_end(s->tail) : s->next_off;
}

/* ---- public API ------------------------------------------------------------ */

int reasm_pool_init(struct reasm_pool *pool, size_t cap, size_t stream_cap)
{
	memset(pool, 0, sizeof(*pool));
	if (stream_cap > cap)
		return -1;
	pool->cap = cap;
	pool->stream_cap = stream_cap;
	return 0;
}

int reasm_pool_destroy(struct reasm_pool *pool)
{
	return pool->used || pool->streams ? -1 : 0;
}

void reasm_stream_init(struct reasm_stream *s, struct reasm_pool *pool, uint64_t depth,
		       const struct reasm_ops *ops, void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->pool = pool;
	s->ops = ops;
	s->ctx = ctx;
	s->depth = depth;
	s->state = REASM_ST_NO_ISN;
	if (pool)
		pool->streams++;
}

int reasm_stream_set_isn(struct reasm_stream *s, uint32_t isn)
{
	if (s->state != REASM_ST_NO_ISN)
		return s->isn == isn ? 0 : -1;
	stream_open(s, isn);
	return 0;
}

void reasm_stream_set_midstream(struct reasm_stream *s)
{
	s->midstream = true;
}

unsigned int reasm_segment(struct reasm_stream *s, uint32_t seq, const uint8_t *data, size_t len,
			   unsigned int flags)
{
	unsigned int res = 0;
	int64_t a;

	if (reasm_stream_done(s) || len > REASM_MAX_SEGMENT)
		return ignore(s, 0);
	if (flags & REASM_RST) {
		if (s->state == REASM_ST_OPEN)
			res |= skip_to(s, flush_target(s));
		if (!reasm_stream_done(s))
			s->state = REASM_ST_RST;
		return res | finish(s);
	}
	if (flags & REASM_SYN) {
		if (s->state == REASM_ST_NO_ISN) {
			s->midstream = false; /* a real ISN: data before it is bogus */
			stream_open(s, seq);
		} else if (seq != s->isn) {
			return ignore(s, report(s, REASM_ANOM_SYN_MISMATCH, 0, 0));
		}
		seq++;
	} else if (s->state == REASM_ST_NO_ISN) {
		if (!s->midstream)
			return ignore(s, 0);
		stream_open(s, seq - 1);
	}
	a = (int64_t)s->next_off + (int32_t)(seq - s->next_seq);
	if (flags & REASM_FIN)
		res |= take_fin(s, a + (int64_t)len);
	res |= take_bytes(s, a, a + (int64_t)len, data);
	check_limits(s);
	return res | finish(s);
}

unsigned int reasm_ack(struct reasm_stream *s, uint32_t ack)
{
	unsigned int res = 0;
	int32_t ahead;
	uint64_t target;

	if (s->state != REASM_ST_OPEN)
		return finish(s);
	ahead = (int32_t)(ack - s->next_seq);
	if (ahead <= 0)
		return 0;
	target = s->next_off + (uint64_t)ahead;
	if (s->has_fin && target > s->fin_off)
		target = s->fin_off; /* the FIN itself takes one sequence number */
	if (target > s->seen_off)
		res |= report(s, REASM_ANOM_ACK_UNSEEN, s->seen_off, target - s->seen_off);
	return res | skip_to(s, target) | finish(s);
}

unsigned int reasm_stream_flush(struct reasm_stream *s)
{
	if (s->state != REASM_ST_OPEN)
		return finish(s);
	return skip_to(s, flush_target(s)) | finish(s);
}

void reasm_stream_free(struct reasm_stream *s)
{
	queue_release_all(s);
	if (s->pool) {
		s->pool->streams--;
		s->pool = NULL;
	}
}

const char *reasm_state_name(enum reasm_state state)
{
	switch (state) {
	case REASM_ST_NO_ISN:
		return "no_isn";
	case REASM_ST_OPEN:
		return "open";
	case REASM_ST_END:
		return "end";
	case REASM_ST_RST:
		return "rst";
	case REASM_ST_DEPTH:
		return "depth";
	case REASM_ST_STOPPED:
		return "stopped";
	}
	return "unknown";
}

const char *reasm_anomaly_name(enum reasm_anomaly code)
{
	switch (code) {
	case REASM_ANOM_OVERLAP_DIFF:
		return "overlap_diff";
	case REASM_ANOM_SYN_MISMATCH:
		return "syn_mismatch";
	case REASM_ANOM_BEFORE_ISN:
		return "before_isn";
	case REASM_ANOM_AFTER_FIN:
		return "after_fin";
	case REASM_ANOM_FIN_MISMATCH:
		return "fin_mismatch";
	case REASM_ANOM_ACK_UNSEEN:
		return "ack_unseen";
	}
	return "unknown";
}
