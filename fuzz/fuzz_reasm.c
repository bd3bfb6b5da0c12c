// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target for inspect/reasm.c, checked against a model.
 *
 * The input is a header (ISN mode, ISN, depth, stream and pool caps) and a
 * list of 5-byte operations on two streams sharing one pool: a segment (seq
 * relative to the ISN, length, flags, a byte pattern that may disagree with
 * earlier copies), an ACK or a flush. A byte-per-offset model (first copy
 * wins, holes skipped by ACK/flush, limits at the FIN and the depth) replays
 * the same operations; after each one the delivered bytes, gaps, offset,
 * state, overlap anomaly range and refusals must agree, the memory charged
 * must stay within the caps, and after free the pool must be back to zero.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/reasm.h"

#define MAXO	  8192 /* model offsets stay below this (see rel_of) */
#define HDR_LEN	  11
#define OP_LEN	  5
#define NO_OFFSET UINT64_MAX

enum mark { M_NONE, M_DATA, M_GAP };

/* What the implementation reported, offset by offset. */
struct record {
	uint8_t out[MAXO];
	uint8_t mark[MAXO];
	uint64_t pos;	   /* next offset expected from deliver/gap */
	uint64_t anom_off; /* last OVERLAP_DIFF range, NO_OFFSET if none */
	uint64_t anom_len;
	int ends; /* ops->end calls */
};

/* The model of one stream: a byte per offset. */
struct model {
	int known, midstream, state;
	int64_t base; /* rel value of offset 0 */
	int64_t next, fin, depth;
	int has_fin;
	uint8_t have[MAXO], val[MAXO];
	uint8_t out[MAXO], mark[MAXO];
};

struct side {
	struct reasm_stream s;
	struct record rec;
	struct model m;
};

static int rec_deliver(void *ctx, const uint8_t *data, size_t len, uint64_t offset)
{
	struct record *r = ctx;

	if (offset != r->pos || len == 0 || offset + len > MAXO)
		abort();
	memcpy(r->out + offset, data, len);
	memset(r->mark + offset, M_DATA, len);
	r->pos += len;
	return 0;
}

static void rec_gap(void *ctx, uint64_t len, uint64_t offset)
{
	struct record *r = ctx;

	if (offset != r->pos || len == 0 || offset + len > MAXO)
		abort();
	memset(r->mark + offset, M_GAP, len);
	r->pos += len;
}

static void rec_anomaly(void *ctx, enum reasm_anomaly code, uint64_t offset, uint64_t len)
{
	struct record *r = ctx;

	if (code != REASM_ANOM_OVERLAP_DIFF)
		return;
	if (r->anom_off != NO_OFFSET) /* one per segment */
		abort();
	r->anom_off = offset;
	r->anom_len = len;
}

static void rec_end(void *ctx, enum reasm_state state)
{
	struct record *r = ctx;

	if (state < REASM_ST_END)
		abort();
	r->ends++;
}

static const struct reasm_ops rec_ops = {
	.deliver = rec_deliver,
	.gap = rec_gap,
	.anomaly = rec_anomaly,
	.end = rec_end,
};

/* The byte a segment carries at rel position r: canonical, or spoilt by fill. */
static uint8_t byte_at(int64_t r, uint8_t fill)
{
	uint8_t b = (uint8_t)(r * 31 + 7);

	if (fill && ((r + fill) & 3) == 0)
		b ^= fill;
	return b;
}

/* ---- the model ------------------------------------------------------------- */

static int64_t model_limit(const struct model *m)
{
	int64_t limit = m->depth ? m->depth : INT64_MAX;

	if (m->has_fin && m->fin < limit)
		limit = m->fin;
	return limit;
}

static void model_check_limits(struct model *m)
{
	if (m->state != REASM_ST_OPEN)
		return;
	if (m->has_fin && m->next >= m->fin)
		m->state = REASM_ST_END;
	else if (m->depth && m->next >= m->depth)
		m->state = REASM_ST_DEPTH;
}

/* Deliver what is contiguous at next. */
static void model_advance(struct model *m)
{
	int64_t limit = model_limit(m);

	while (m->state == REASM_ST_OPEN && m->next < limit && m->have[m->next]) {
		m->out[m->next] = m->val[m->next];
		m->mark[m->next] = M_DATA;
		m->next++;
	}
	model_check_limits(m);
}

/* Skip holes below target, delivering in between. */
static void model_skip_to(struct model *m, int64_t target)
{
	model_advance(m);
	while (m->state == REASM_ST_OPEN && m->next < target) {
		int64_t limit = model_limit(m);

		while (m->next < target && m->next < limit && !m->have[m->next])
			m->mark[m->next++] = M_GAP;
		model_check_limits(m);
		model_advance(m);
	}
}

static int64_t model_flush_target(const struct model *m)
{
	int64_t x, end = m->next;

	if (m->has_fin)
		return m->fin;
	for (x = m->next; x < MAXO; x++)
		if (m->have[x])
			end = x + 1;
	return end;
}

/* Result of one segment in the model. */
struct expect {
	uint64_t anom_off, anom_len;
	int refused;
};

/* Compare [a, b) with pending bytes, and the charge storing its holes would need. */
static size_t model_scan(const struct model *m, int64_t a, int64_t b, const uint8_t *bytes,
			 int64_t rel0, struct expect *e)
{
	size_t need = 0;
	int64_t x, first = -1, last = -1;

	for (x = a; x < b; x++) {
		if (m->have[x]) {
			if (m->val[x] != bytes[x + m->base - rel0]) {
				if (first < 0)
					first = x;
				last = x;
			}
		} else if (x == a || m->have[x - 1]) {
			need += REASM_SEG_OVERHEAD;
		}
		if (!m->have[x])
			need++;
	}
	if (first >= 0) {
		e->anom_off = (uint64_t)first;
		e->anom_len = (uint64_t)(last - first + 1);
	}
	return need;
}

static void model_bytes(struct model *m, int64_t a, int64_t b, const uint8_t *bytes, int64_t rel0,
			size_t room, struct expect *e)
{
	int64_t limit = model_limit(m), x;
	size_t need;

	if (a < 0)
		a = 0;
	if (b > limit)
		b = limit;
	if (a < m->next)
		a = m->next;
	if (a >= b)
		return;
	need = model_scan(m, a, b, bytes, rel0, e);
	if (a > m->next && need > room) {
		e->refused = 1;
		return;
	}
	for (x = a; x < b; x++) {
		if (!m->have[x]) {
			m->have[x] = 1;
			m->val[x] = bytes[x + m->base - rel0];
		}
	}
	model_advance(m);
}

static void model_segment(struct model *m, int64_t rel, const uint8_t *bytes, int64_t len,
			  unsigned int flags, size_t room, struct expect *e)
{
	int64_t drel = rel, a;

	if (m->state >= REASM_ST_END)
		return;
	if (flags & REASM_RST) {
		if (m->state == REASM_ST_OPEN)
			model_skip_to(m, model_flush_target(m));
		if (m->state < REASM_ST_END)
			m->state = REASM_ST_RST;
		return;
	}
	if (flags & REASM_SYN) {
		if (!m->known) {
			m->known = 1;
			m->midstream = 0;
			m->base = rel + 1;
			m->state = REASM_ST_OPEN;
		} else if (rel != m->base - 1) {
			return;
		}
		drel = rel + 1;
	} else if (!m->known) {
		if (!m->midstream)
			return;
		m->known = 1;
		m->base = rel;
		m->state = REASM_ST_OPEN;
	}
	a = drel - m->base;
	if (flags & REASM_FIN) {
		int64_t fo = a + len;

		if (!(m->has_fin ? fo != m->fin : fo < m->next)) {
			m->has_fin = 1;
			m->fin = fo;
		}
	}
	model_bytes(m, a, a + len, bytes, drel, room, e);
	model_check_limits(m);
}

static void model_ack(struct model *m, int64_t rel)
{
	int64_t target;

	if (m->state != REASM_ST_OPEN)
		return;
	target = rel - m->base;
	if (m->has_fin && target > m->fin)
		target = m->fin;
	model_skip_to(m, target);
}

/* ---- driver ---------------------------------------------------------------- */

static void check_side(const struct side *d, const struct reasm_pool *pool)
{
	const struct model *m = &d->m;

	if ((int)reasm_stream_state(&d->s) != m->state)
		abort();
	if (m->known && reasm_stream_offset(&d->s) != (uint64_t)m->next)
		abort();
	if (m->known && d->rec.pos != (uint64_t)m->next)
		abort();
	if (reasm_stream_charged(&d->s) > pool->stream_cap)
		abort();
	if (reasm_stream_done(&d->s) && (reasm_stream_charged(&d->s) != 0 || d->rec.ends != 1))
		abort();
	if (!reasm_stream_done(&d->s) && d->rec.ends != 0)
		abort();
}

static void check_final(const struct side *d)
{
	int64_t n = d->m.next;

	if (memcmp(d->rec.mark, d->m.mark, (size_t)n) != 0)
		abort();
	for (int64_t x = 0; x < n; x++)
		if (d->m.mark[x] == M_DATA && d->rec.out[x] != d->m.out[x])
			abort();
}

static size_t room_of(const struct reasm_stream *s, const struct reasm_pool *pool)
{
	size_t room = pool->stream_cap - reasm_stream_charged(s);

	if (pool->cap - pool->used < room)
		room = pool->cap - pool->used;
	return room;
}

static void do_segment(struct side *d, struct reasm_pool *pool, uint32_t isn, const uint8_t *op)
{
	int64_t rel = (int64_t)(((unsigned int)op[1] << 8 | op[2]) % 4400) - 128;
	unsigned int flags = (op[0] >> 3) & 7;
	int64_t len = op[3], drel = rel + ((flags & REASM_SYN) ? 1 : 0);
	uint8_t *buf = len ? malloc((size_t)len) : NULL;
	struct expect e = {NO_OFFSET, 0, 0};
	unsigned int res;

	for (int64_t i = 0; i < len; i++)
		buf[i] = byte_at(drel + i, op[4]);
	d->rec.anom_off = NO_OFFSET;
	model_segment(&d->m, rel, buf, len, flags, room_of(&d->s, pool), &e);
	res = reasm_segment(&d->s, isn + 1 + (uint32_t)rel, buf, (size_t)len, flags);
	if (d->rec.anom_off != e.anom_off ||
	    (e.anom_off != NO_OFFSET && d->rec.anom_len != e.anom_len))
		abort();
	if (!!(res & REASM_R_REFUSED) != e.refused)
		abort();
	if (!!(res & REASM_R_DONE) != reasm_stream_done(&d->s))
		abort();
	free(buf);
}

static void do_op(struct side *sides, struct reasm_pool *pool, uint32_t isn, const uint8_t *op)
{
	struct side *d = &sides[(op[0] >> 2) & 1];
	int64_t rel = (int64_t)(((unsigned int)op[1] << 8 | op[2]) % 4400) - 128;

	switch (op[0] & 3) {
	case 0:
	case 1:
		do_segment(d, pool, isn, op);
		break;
	case 2:
		model_ack(&d->m, rel);
		reasm_ack(&d->s, isn + 1 + (uint32_t)rel);
		break;
	case 3:
		if (d->m.state == REASM_ST_OPEN)
			model_skip_to(&d->m, model_flush_target(&d->m));
		reasm_stream_flush(&d->s);
		break;
	}
	check_side(d, pool);
	if (pool->used != reasm_stream_charged(&sides[0].s) + reasm_stream_charged(&sides[1].s) ||
	    pool->used > pool->cap)
		abort();
}

static void setup(struct side *d, struct reasm_pool *pool, const uint8_t *hdr, uint32_t isn)
{
	memset(d, 0, sizeof(*d));
	d->m.depth = (((unsigned int)hdr[5] << 8 | hdr[6]) % 6000);
	reasm_stream_init(&d->s, pool, (uint64_t)d->m.depth, &rec_ops, &d->rec);
	d->rec.anom_off = NO_OFFSET;
	switch (hdr[0] % 3) {
	case 0:
		if (reasm_stream_set_isn(&d->s, isn) != 0)
			abort();
		d->m.known = 1;
		d->m.state = REASM_ST_OPEN;
		break;
	case 1: /* wait for a SYN */
		break;
	case 2:
		reasm_stream_set_midstream(&d->s);
		d->m.midstream = 1;
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct side sides[2];
	struct reasm_pool pool;
	uint32_t isn;
	size_t stream_cap, cap, i;

	if (size < HDR_LEN)
		return 0;
	isn = (uint32_t)data[1] << 24 | (uint32_t)data[2] << 16 | (uint32_t)data[3] << 8 | data[4];
	stream_cap = (size_t)data[7] * 32;
	cap = stream_cap + (size_t)data[8] * 16;
	if (data[9] & 1)
		cap = stream_cap / 2 + (size_t)data[8]; /* tighter than two streams */
	if (cap < stream_cap) {
		if (reasm_pool_init(&pool, cap, stream_cap) != -1)
			abort();
		cap = stream_cap;
	}
	if (reasm_pool_init(&pool, cap, stream_cap) != 0)
		abort();
	setup(&sides[0], &pool, data, isn);
	setup(&sides[1], &pool, data, isn ^ data[10]);
	for (i = HDR_LEN; i + OP_LEN <= size; i += OP_LEN)
		do_op(sides, &pool, (data[i] >> 2) & 1 ? isn ^ data[10] : isn, data + i);
	for (i = 0; i < 2; i++) {
		check_final(&sides[i]);
		reasm_stream_free(&sides[i].s);
	}
	if (pool.used != 0 || pool.streams != 0 || reasm_pool_destroy(&pool) != 0)
		abort();
	return 0;
}
