// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for inspect/reasm.c: in-order (zero-copy), out-of-order,
 * permutations, retransmissions, overlaps (first copy wins, anomaly ranges),
 * sequence wraparound, gaps by ACK and flush, per-stream and pool memory
 * caps, depth, FIN, RST, SYN with data, midstream pickup. Every segment is
 * an exact-size heap copy so that ASan catches a read past its end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "inspect/reasm.h"

#define OUT_MAX	   8192
#define EVENTS_MAX 32

/* Something a stream reported, in order. */
struct event {
	char kind; /* 'd' deliver, 'g' gap, 'a' anomaly, 'e' end */
	int code;  /* anomaly code or end state */
	uint64_t offset, len;
	const uint8_t *data; /* deliver: the pointer handed over */
};

/* What the callbacks saw. */
struct sink {
	uint8_t out[OUT_MAX]; /* delivered bytes at their offsets */
	uint64_t out_len;     /* next offset expected */
	struct event ev[EVENTS_MAX];
	size_t n;
	int stop_after; /* make deliver return 1 on this (1-based) delivery; 0: never */
	int deliveries;
};

static void add_event(struct sink *k, struct event e)
{
	if (k->n < EVENTS_MAX)
		k->ev[k->n] = e;
	k->n++;
}

static int sink_deliver(void *ctx, const uint8_t *data, size_t len, uint64_t offset)
{
	struct sink *k = ctx;

	assert_int_equal(offset, k->out_len);
	assert_true(offset + len <= OUT_MAX);
	memcpy(k->out + offset, data, len);
	k->out_len += len;
	add_event(k, (struct event){'d', 0, offset, len, data});
	return ++k->deliveries == k->stop_after;
}

static void sink_gap(void *ctx, uint64_t len, uint64_t offset)
{
	struct sink *k = ctx;

	assert_int_equal(offset, k->out_len);
	memset(k->out + offset, '?', len);
	k->out_len += len;
	add_event(k, (struct event){'g', 0, offset, len, NULL});
}

static void sink_anomaly(void *ctx, enum reasm_anomaly code, uint64_t offset, uint64_t len)
{
	add_event(ctx, (struct event){'a', code, offset, len, NULL});
}

static void sink_end(void *ctx, enum reasm_state state)
{
	add_event(ctx, (struct event){'e', state, 0, 0, NULL});
}

static const struct reasm_ops sink_ops = {
	.deliver = sink_deliver,
	.gap = sink_gap,
	.anomaly = sink_anomaly,
	.end = sink_end,
};

/* One stream with its own pool and sink. */
struct fix {
	struct reasm_pool pool;
	struct reasm_stream s;
	struct sink k;
};

static struct fix *fix_new(size_t cap, size_t stream_cap, uint64_t depth, uint32_t isn)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(reasm_pool_init(&f->pool, cap, stream_cap), 0);
	reasm_stream_init(&f->s, &f->pool, depth, &sink_ops, &f->k);
	assert_int_equal(reasm_stream_set_isn(&f->s, isn), 0);
	return f;
}

static void fix_free(struct fix *f)
{
	reasm_stream_free(&f->s);
	assert_int_equal(f->pool.used, 0);
	assert_int_equal(reasm_pool_destroy(&f->pool), 0);
	free(f);
}

/* The test payload: byte i of the stream. */
static uint8_t pat(uint64_t i)
{
	return (uint8_t)('a' + i % 26);
}

/* Send bytes [off, off + len) of the pattern (exact-size copy), seq = isn + 1 + off. */
static unsigned int send_pat(struct fix *f, uint32_t isn, uint64_t off, size_t len,
			     unsigned int flags)
{
	uint8_t *buf = malloc(len ? len : 1);
	unsigned int res;
	size_t i;

	assert_non_null(buf);
	for (i = 0; i < len; i++)
		buf[i] = pat(off + i);
	res = reasm_segment(&f->s, isn + 1 + (uint32_t)off, buf, len, flags);
	free(buf);
	return res;
}

/* Send text as bytes at offset off. */
static unsigned int send_text(struct fix *f, uint32_t isn, uint64_t off, const char *text,
			      unsigned int flags)
{
	size_t len = strlen(text);
	uint8_t *buf = malloc(len ? len : 1);
	unsigned int res;

	assert_non_null(buf);
	memcpy(buf, text, len);
	res = reasm_segment(&f->s, isn + 1 + (uint32_t)off, buf, len, flags);
	free(buf);
	return res;
}

static void assert_pattern(const struct fix *f, uint64_t from, uint64_t to)
{
	uint64_t i;

	for (i = from; i < to; i++)
		if (f->k.out[i] != pat(i))
			fail_msg("byte %llu is %c, not %c", (unsigned long long)i, f->k.out[i],
				 pat(i));
}

static void assert_event(const struct sink *k, size_t i, char kind, int code, uint64_t offset,
			 uint64_t len)
{
	if (i >= k->n)
		fail_msg("event %zu of %zu", i, k->n);
	assert_int_equal(k->ev[i].kind, kind);
	assert_int_equal(k->ev[i].code, code);
	assert_int_equal(k->ev[i].offset, offset);
	assert_int_equal(k->ev[i].len, len);
}

#define CAP_BIG (1u << 20)
#define COST(n) ((n) + REASM_SEG_OVERHEAD)

/* ---- order ----------------------------------------------------------------- */

static void test_in_order_zero_copy(void **state)
{
	struct fix *f = fix_new(CAP_BIG, CAP_BIG, 0, 1000);
	uint8_t buf[5] = {'h', 'e', 'l', 'l', 'o'};

	assert_int_equal(reasm_segment(&f->s, 1001, buf, 5, 0), REASM_R_DELIVERED);
	/* Nothing pending: the parser gets the caller's own buffer. */
	assert_ptr_equal(f->k.ev[0].data, buf);
	assert_int_equal(send_pat(f, 1000, 5, 7, 0), REASM_R_DELIVERED);
	assert_int_equal(f->k.out_len, 12);
	assert_memory_equal(f->k.out, "hello", 5);
	assert_pattern(f, 5, 12);
	assert_int_equal(f->s.stats.delivered, 12);
	assert_int_equal(f->s.stats.queued, 0);
	assert_int_equal(f->pool.peak, 0);
	assert_int_equal(reasm_stream_offset(&f->s), 12);
	fix_free(f);
}

static void test_reversed(void **state)
{
	struct fix *f = fix_new(CAP_BIG, CAP_BIG, 0, 7);
	int i;

	for (i = 9; i >= 1; i--) {
		assert_int_equal(send_pat(f, 7, (uint64_t)i * 10, 10, 0), REASM_R_QUEUED);
		assert_int_equal(f->pool.used, (size_t)(10 - i) * COST(10));
	}
	assert_int_equal(f->k.out_len, 0);
	assert_int_equal(send_pat(f, 7, 0, 10, 0), REASM_R_DELIVERED);
	assert_int_equal(f->k.out_len, 100);
	assert_pattern(f, 0, 100);
	/* The first 10 straight from the caller, then the nine queued pieces. */
	assert_int_equal(f->k.n, 10);
	assert_int_equal(f->pool.used, 0);
	assert_int_equal(f->pool.peak, 9 * COST(10));
	assert_int_equal(f->s.stats.queued, 90);
	fix_free(f);
}

/* xorshift32: a fixed sequence, the same on every run. */
static uint32_t next_rand(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static void test_permutations(void **state)
{
	uint32_t seed = 0x12345678;
	int round;

	for (round = 0; round < 50; round++) {
		uint32_t isn = next_rand(&seed);
		struct fix *f = fix_new(CAP_BIG, CAP_BIG, 0, isn);
		uint64_t off[40], len[40], total = 0;
		int n = 40, i;

		for (i = 0; i < n; i++) {
			off[i] = total;
			len[i] = 1 + next_rand(&seed) % 100;
			total += len[i];
		}
		for (i = n - 1; i > 0; i--) {
			int j = (int)(next_rand(&seed) % (uint32_t)(i + 1));
			uint64_t o = off[i], l = len[i];

			off[i] = off[j];
			len[i] = len[j];
			off[j] = o;
			len[j] = l;
		}
		for (i = 0; i < n; i++)
			send_pat(f, isn, off[i], len[i], 0);
		assert_int_equal(f->k.out_len, total);
		assert_pattern(f, 0, total);
		assert_int_equal(f->s.stats.gaps, 0);
		assert_int_equal(f->s.stats.dup_bytes, 0);
		assert_int_equal(f->pool.used, 0);
		fix_free(f);
	}
}

/* ---- retransmissions and overlaps ----------------------------------------- */

static void test_retransmission(void **state)
{
	struct fix *f = fix_new(CAP_BIG, CAP_BIG, 0, 0);

	send_pat(f, 0, 0, 10, 0);
	/* Delivered data again: ignored, counted. */
	assert_int_equal(send_pat(f, 0, 0, 10, 0), REASM_R_DUP);
	/* Queued data again (same bytes): silent. */
	assert_int_equal(send_pat(f, 0, 20, 10, 0), REASM_R_QUEUED);
	assert_int_equal(send_pat(f, 0, 20, 10, 0), REASM_R_DUP);
	assert_int_equal(f->s.stats.dup_segments, 2);
	assert_int_equal(f->s.stats.dup_bytes, 20);
	assert_int_equal(f->pool.used, COST(10));
	/* Half old, half new: the new half is delivered, then the queued piece. */
	assert_int_equal(send_pat(f, 0, 5, 15, 0), REASM_R_DUP | REASM_R_DELIVERED);
	assert_int_equal(f->k.out_len, 30);
	assert_pattern(f, 0, 30);
	assert_int_equal(f->s.stats.dup_bytes, 25);
	for (size_t i = 0; i < f->k.n; i++)
		assert_int_not_equal(f->k.ev[i].kind, 'a');
	fix_free(f);
}

static void test_overlap_different(void **state)
{
	struct fix *f = fix_new(CAP_BIG, CAP_BIG, 0, 0);
	unsigned int res;

	/* Queued: "ABCDEFGHIJ" at 10..19. */
	assert_int_equal(send_text(f, 0, 10, "ABCDEFGHIJ", 0), REASM_R_QUEUED);
	/* 15..24: bytes 17 and 18 differ from the queued copy ('H','I'), 20..24 are new. */
	res = send_text(f, 0, 15, "FGxyJklmno", 0);
	assert_int_equal(res, REASM_R_ANOMALY | REASM_R_DUP | REASM_R_QUEUED);
	assert_int_equal(f->k.n, 1);
	assert_event(&f->k, 0, 'a', REASM_ANOM_OVERLAP_DIFF, 17, 2);
	assert_int_equal(f->s.stats.overlap_diff, 1);
	send_text(f, 0, 0, "0123456789", 0);
	assert_int_equal(f->k.out_len, 25);
	/* The first copy won for 10..19; the later one filled 20..24 only. */
	assert_memory_equal(f->k.out, "0123456789ABCDEFGHIJklmno", 25);
	fix_free(f);
}

static void test_overlap_both_ends(void **state)
{
	struct fix *f = fix_new(CAP_BIG, CAP_BIG, 0, 0);

	send_text(f, 0, 10, "ABCDEFGHIJ", 0);
	send_text(f, 0, 30, "abcde", 0);
	/* 5..34 covers both pieces: differs at 10 (first byte) and 32 (inside). */
	send_text(f, 0, 5, "vwxyzXBCDEFGHIJ----------ab!de", 0);
	assert_int_equal(f->k.n, 1);
	assert_event(&f->k, 0, 'a', REASM_ANOM_OVERLAP_DIFF, 10, 23);
	/* Its two holes were stored (5..9 and 20..29), next to the two first copies. */
	assert_int_equal(f->pool.used, COST(10) + COST(5) + COST(5) + COST(10));
	send_text(f, 0, 0, "01234", 0);
	assert_int_equal(f->k.out_len, 35);
	assert_memory_equal(f->k.out, "01234vwxyzABCDEFGHIJ----------abcde", 35);
	/* In order over queued data: the queued copy wins there too. */
	send_text(f, 0, 40, "KLM", 0);
	send_text(f, 0, 35, "fghijZLM", 0);
	assert_memory_equal(f->k.out + 35, "fghijKLM", 8);
	assert_event(&f->k, f->k.n - 3, 'a', REASM_ANOM_OVERLAP_DIFF, 40, 1);
	fix_free(f);
}

static void test_extends_queued_piece(void **state)
{
	struct fix *f = fix_new(CAP_BIG, CAP_BIG, 0, 0);

	send_pat(f, 0, 10, 10, 0);
	/* Starts exactly on the queued piece and goes past it: only 20..29 is new. */
	assert_int_equal(send_pat(f, 0, 10, 20, 0), REASM_R_DUP | REASM_R_QUEUED);
	assert_int_equal(f->pool.used, 2 * COST(10));
	/* Ends exactly on a queued piece's start: stored up to it. */
	assert_int_equal(send_pat(f, 0, 5, 5, 0), REASM_R_QUEUED);
	assert_int_equal(f->pool.used, 2 * COST(10) + COST(5));
	assert_int_equal(f->s.stats.queued, 25);
	send_pat(f, 0, 0, 5, 0);
	assert_int_equal(f->k.out_len, 30);
	assert_pattern(f, 0, 30);
	assert_int_equal(f->k.n, 4);
	fix_free(f);
}

/* ---- sequence numbers ------------------------------------------------------ */

static void test_wraparound(void **state)
{
	uint32_t isn = 0xfffffff0u;
	struct fix *f = fix_new(CAP_BIG, CAP_BIG, 0, isn);

	/* Offsets 0..49 are seqs 0xfffffff1 .. 0x00000022. */
	assert_int_equal(send_pat(f, isn, 30, 20, 0), REASM_R_QUEUED);
	assert_int_equal(send_pat(f, isn, 0, 10, 0), REASM_R_DELIVERED);
	assert_int_equal(send_pat(f, isn, 10, 20, 0), REASM_R_DELIVERED);
	assert_int_equal(f->k.out_len, 50);
	assert_pattern(f, 0, 50);
	assert_int_equal(f->s.next_seq, isn + 51);
	/* An old segment from before the wrap is a retransmission, not future data. */
	assert_int_equal(send_pat(f, isn, 2, 5, 0), REASM_R_DUP);
	assert_int_equal(reasm_ack(&f->s, isn + 1 + 60), REASM_R_ANOMALY | REASM_R_GAP);
	assert_event(&f->k, f->k.n - 2, 'a', REASM_ANOM_ACK_UNSEEN, 50, 10);
	assert_event(&f->k, f->k.n - 1, 'g', 0, 50, 10);
	fix_free(f);
}

static void test_syn_with_data(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	reasm_pool_init(&f->pool, CAP_BIG, CAP_BIG);
	reasm_stream_init(&f->s, &f->pool, 0, &sink_ops, &f->k);
	/* No ISN, no midstream: data is ignored until the SYN. */
	assert_int_equal(send_text(f, 99, 0, "early", 0), REASM_R_IGNORED);
	assert_int_equal(reasm_stream_state(&f->s), REASM_ST_NO_ISN);
	/* SYN seq 100 carrying "GET": the data starts at 101 (offset 0). */
	assert_int_equal(send_text(f, 99, 0, "GET", REASM_SYN), REASM_R_DELIVERED);
	assert_int_equal(f->s.isn, 100);
	/* The SYN again (retransmitted with its data): a duplicate. */
	assert_int_equal(send_text(f, 99, 0, "GET", REASM_SYN), REASM_R_DUP);
	/* A SYN with another ISN: ignored, reported. */
	assert_int_equal(send_text(f, 500, 0, "XYZ", REASM_SYN), REASM_R_IGNORED | REASM_R_ANOMALY);
	assert_event(&f->k, f->k.n - 1, 'a', REASM_ANOM_SYN_MISMATCH, 0, 0);
	assert_int_equal(reasm_stream_set_isn(&f->s, 100), 0);
	assert_int_equal(reasm_stream_set_isn(&f->s, 101), -1);
	send_text(f, 100, 3, " /", 0);
	assert_int_equal(f->k.out_len, 5);
	assert_memory_equal(f->k.out, "GET /", 5);
	assert_int_equal(f->s.stats.ignored, 2);
	fix_free(f);
}

static void test_midstream(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	reasm_pool_init(&f->pool, CAP_BIG, CAP_BIG);
	reasm_stream_init(&f->s, &f->pool, 0, &sink_ops, &f->k);
	reasm_stream_set_midstream(&f->s);
	/* The first segment seen (seq 5000) becomes offset 0. */
	assert_int_equal(send_text(f, 4999, 0, "world", 0), REASM_R_DELIVERED);
	assert_int_equal(reasm_stream_state(&f->s), REASM_ST_OPEN);
	assert_int_equal(f->s.isn, 4999);
	/* Earlier bytes are behind the pickup point: dropped without an anomaly. */
	assert_int_equal(send_text(f, 4999 - 6, 0, "hello ", 0), 0);
	assert_int_equal(send_text(f, 4999, 5, "!", 0), REASM_R_DELIVERED);
	assert_int_equal(f->k.out_len, 6);
	assert_memory_equal(f->k.out, "world!", 6);
	assert_int_equal(f->k.n, 2);
	fix_free(f);
}

static void test_before_isn(void **state)
{
	struct fix *f = fix_new(CAP_BIG, CAP_BIG, 0, 1000);

	/* Seq 995: bytes at offsets -6..-1 are bogus, 0..3 are real. */
	assert_int_equal(send_text(f, 994, 0, "xxxxxxabcd", 0),
			 REASM_R_ANOMALY | REASM_R_DELIVERED);
	assert_event(&f->k, 0, 'a', REASM_ANOM_BEFORE_ISN, 0, 6);
	assert_int_equal(f->k.out_len, 4);
	assert_memory_equal(f->k.out, "abcd", 4);
	fix_free(f);
}

/* ---- gaps ------------------------------------------------------------------ */

static void test_gap_by_ack(void **state)
{
	struct fix *f = fix_new(CAP_BIG, CAP_BIG, 0, 0);

	send_pat(f, 0, 0, 10, 0);
	send_pat(f, 0, 20, 10, 0);
	send_pat(f, 0, 40, 10, 0);
	/* ACK below what we have: nothing to do. */
	assert_int_equal(reasm_ack(&f->s, 1 + 5), 0);
	/* ACK 35: the hole 10..19 is given up, 20..29 delivered, 30..34 too. */
	assert_int_equal(reasm_ack(&f->s, 1 + 35), REASM_R_GAP | REASM_R_DELIVERED);
	assert_int_equal(f->k.n, 4);
	assert_event(&f->k, 1, 'g', 0, 10, 10);
	assert_event(&f->k, 2, 'd', 0, 20, 10);
	assert_event(&f->k, 3, 'g', 0, 30, 5);
	/* Bytes 35..39 may still come; 40..49 stay queued. */
	assert_int_equal(f->pool.used, COST(10));
	assert_int_equal(send_pat(f, 0, 30, 10, 0), REASM_R_DUP | REASM_R_DELIVERED);
	assert_int_equal(f->k.out_len, 50);
	assert_pattern(f, 0, 10);
	assert_pattern(f, 20, 30);
	assert_pattern(f, 35, 50);
	assert_int_equal(f->s.stats.gaps, 2);
	assert_int_equal(f->s.stats.gap_bytes, 15);
	fix_free(f);
}

static void test_flush(void **state)
{
	struct fix *f = fix_new(CAP_BIG, CAP_BIG, 0, 0);

	send_pat(f, 0, 5, 5, 0);
	send_pat(f, 0, 20, 5, 0);
	assert_int_equal(reasm_stream_flush(&f->s), REASM_R_GAP | REASM_R_DELIVERED);
	assert_int_equal(f->k.out_len, 25);
	assert_event(&f->k, 0, 'g', 0, 0, 5);
	assert_event(&f->k, 2, 'g', 0, 10, 10);
	assert_pattern(f, 20, 25);
	assert_int_equal(f->pool.used, 0);
	assert_int_equal(reasm_stream_state(&f->s), REASM_ST_OPEN);
	fix_free(f);
}

/* ---- memory ---------------------------------------------------------------- */

static void test_stream_cap(void **state)
{
	struct fix *f = fix_new(CAP_BIG, 2 * COST(100) + COST(10), 0, 0);

	assert_int_equal(send_pat(f, 0, 100, 100, 0), REASM_R_QUEUED);
	assert_int_equal(send_pat(f, 0, 300, 100, 0), REASM_R_QUEUED);
	/* One byte more than the stream may still hold: refused as a whole. */
	assert_int_equal(send_pat(f, 0, 500, 11, 0), REASM_R_REFUSED);
	/* Exactly what it may hold: stored. */
	assert_int_equal(send_pat(f, 0, 500, 10, 0), REASM_R_QUEUED);
	assert_int_equal(reasm_stream_charged(&f->s), f->pool.stream_cap);
	assert_int_equal(send_pat(f, 0, 600, 1, 0), REASM_R_REFUSED);
	assert_int_equal(f->s.stats.refused, 2);
	assert_int_equal(f->pool.refused, 2);
	/* A segment over queued data only needs its holes: 200..299 is still too much. */
	assert_int_equal(send_pat(f, 0, 150, 200, 0), REASM_R_DUP | REASM_R_REFUSED);
	/* In-order data is never refused: it is not stored. */
	assert_int_equal(send_pat(f, 0, 0, 100, 0), REASM_R_DELIVERED);
	assert_int_equal(reasm_stream_charged(&f->s), COST(100) + COST(10));
	send_pat(f, 0, 200, 100, 0);
	send_pat(f, 0, 400, 100, 0);
	assert_int_equal(f->k.out_len, 510);
	assert_pattern(f, 0, 510);
	assert_int_equal(f->s.stats.gaps, 0);
	assert_int_equal(reasm_stream_charged(&f->s), 0);
	fix_free(f);
}

static void test_pool_cap(void **state)
{
	struct reasm_pool pool;
	struct reasm_stream a, b;
	struct sink ka = {0}, kb = {0};
	uint8_t data[100];

	memset(data, 'z', sizeof(data));
	assert_int_equal(reasm_pool_init(&pool, 10, 20), -1);
	assert_int_equal(reasm_pool_init(&pool, 3 * COST(100), 2 * COST(100)), 0);
	reasm_stream_init(&a, &pool, 0, &sink_ops, &ka);
	reasm_stream_init(&b, &pool, 0, &sink_ops, &kb);
	reasm_stream_set_isn(&a, 0);
	reasm_stream_set_isn(&b, 0);
	assert_int_equal(reasm_segment(&a, 101, data, 100, 0), REASM_R_QUEUED);
	assert_int_equal(reasm_segment(&a, 301, data, 100, 0), REASM_R_QUEUED);
	assert_int_equal(reasm_segment(&b, 101, data, 100, 0), REASM_R_QUEUED);
	/* b is within its own cap, but the pool is full. */
	assert_int_equal(reasm_segment(&b, 301, data, 100, 0), REASM_R_REFUSED);
	assert_int_equal(pool.used, 3 * COST(100));
	assert_int_equal(pool.peak, 3 * COST(100));
	assert_int_equal(pool.refused, 1);
	assert_int_equal(pool.streams, 2);
	/* While streams hold memory, destroying the pool is a caller bug. */
	assert_int_equal(reasm_pool_destroy(&pool), -1);
	reasm_stream_free(&a);
	assert_int_equal(pool.used, COST(100));
	assert_int_equal(reasm_segment(&b, 301, data, 100, 0), REASM_R_QUEUED);
	reasm_stream_free(&b);
	reasm_stream_free(&b); /* twice is harmless */
	assert_int_equal(pool.used, 0);
	assert_int_equal(pool.streams, 0);
	assert_int_equal(reasm_pool_destroy(&pool), 0);
	assert_int_equal(ka.out_len, 0);
}

/* ---- end of stream ----------------------------------------------------------- */

static void test_depth(void **state)
{
	struct fix *f = fix_new(CAP_BIG, CAP_BIG, 25, 0);
	unsigned int res;

	/* Data beyond the depth is not even queued. */
	assert_int_equal(send_pat(f, 0, 30, 10, 0), 0);
	assert_int_equal(send_pat(f, 0, 20, 10, 0), REASM_R_QUEUED);
	assert_int_equal(f->pool.used, COST(5));
	assert_int_equal(send_pat(f, 0, 0, 10, 0), REASM_R_DELIVERED);
	assert_false(reasm_stream_depth_reached(&f->s));
	res = send_pat(f, 0, 10, 10, 0);
	assert_int_equal(res, REASM_R_DELIVERED | REASM_R_DONE | REASM_R_DEPTH);
	assert_true(reasm_stream_depth_reached(&f->s));
	assert_true(reasm_stream_done(&f->s));
	assert_int_equal(f->k.out_len, 25);
	assert_pattern(f, 0, 25);
	assert_event(&f->k, f->k.n - 1, 'e', REASM_ST_DEPTH, 0, 0);
	assert_int_equal(f->pool.used, 0);
	/* Afterwards everything is ignored, and end is not called again. */
	assert_int_equal(send_pat(f, 0, 25, 10, 0), REASM_R_IGNORED | REASM_R_DONE | REASM_R_DEPTH);
	assert_int_equal(reasm_ack(&f->s, 100), REASM_R_DONE | REASM_R_DEPTH);
	assert_int_equal(f->k.out_len, 25);
	assert_int_equal(f->k.ev[f->k.n - 1].kind, 'e');
	fix_free(f);
}

static void test_depth_by_gap(void **state)
{
	struct fix *f = fix_new(CAP_BIG, CAP_BIG, 100, 0);

	send_pat(f, 0, 0, 10, 0);
	/* The receiver has far more than we saw: the gap stops at the depth. */
	assert_int_equal(reasm_ack(&f->s, 1 + 1000),
			 REASM_R_ANOMALY | REASM_R_GAP | REASM_R_DONE | REASM_R_DEPTH);
	assert_event(&f->k, 2, 'g', 0, 10, 90);
	assert_int_equal(reasm_stream_offset(&f->s), 100);
	assert_int_equal(reasm_stream_state(&f->s), REASM_ST_DEPTH);
	fix_free(f);
}

static void test_fin_before_missing_data(void **state)
{
	struct fix *f = fix_new(CAP_BIG, CAP_BIG, 0, 0);

	send_pat(f, 0, 0, 10, 0);
	/* The FIN arrives first, 10..19 are still missing. */
	assert_int_equal(send_pat(f, 0, 20, 10, REASM_FIN), REASM_R_QUEUED);
	assert_int_equal(reasm_stream_state(&f->s), REASM_ST_OPEN);
	/* Data after the FIN: reported and dropped. */
	assert_int_equal(send_pat(f, 0, 25, 10, 0), REASM_R_ANOMALY | REASM_R_DUP);
	assert_event(&f->k, f->k.n - 1, 'a', REASM_ANOM_AFTER_FIN, 30, 5);
	/* Another FIN offset: ignored. */
	assert_int_equal(send_pat(f, 0, 40, 0, REASM_FIN), REASM_R_ANOMALY);
	assert_event(&f->k, f->k.n - 1, 'a', REASM_ANOM_FIN_MISMATCH, 40, 0);
	assert_int_equal(send_pat(f, 0, 10, 10, 0), REASM_R_DELIVERED | REASM_R_DONE);
	assert_int_equal(reasm_stream_state(&f->s), REASM_ST_END);
	assert_int_equal(f->k.out_len, 30);
	assert_pattern(f, 0, 30);
	assert_event(&f->k, f->k.n - 1, 'e', REASM_ST_END, 0, 0);
	fix_free(f);
}

static void test_zero_length(void **state)
{
	struct fix *f = fix_new(CAP_BIG, CAP_BIG, 0, 0);

	/* A pure ACK (no payload, NULL data) anywhere: nothing happens. */
	assert_int_equal(reasm_segment(&f->s, 1, NULL, 0, 0), 0);
	assert_int_equal(reasm_segment(&f->s, 1 + 50, NULL, 0, 0), 0);
	assert_int_equal(f->k.n, 0);
	send_pat(f, 0, 0, 4, 0);
	/* A bare FIN right after the data ends the stream. */
	assert_int_equal(reasm_segment(&f->s, 1 + 4, NULL, 0, REASM_FIN), REASM_R_DONE);
	assert_int_equal(reasm_stream_state(&f->s), REASM_ST_END);
	assert_int_equal(f->s.stats.dup_segments, 0);
	fix_free(f);
}

static void test_rst(void **state)
{
	struct fix *f = fix_new(CAP_BIG, CAP_BIG, 0, 0);

	send_pat(f, 0, 0, 5, 0);
	send_pat(f, 0, 10, 5, 0);
	/* RST: what is queued is still inspected (after a gap), then the stream ends. */
	assert_int_equal(send_text(f, 0, 100, "ignored", REASM_RST),
			 REASM_R_GAP | REASM_R_DELIVERED | REASM_R_DONE);
	assert_event(&f->k, 1, 'g', 0, 5, 5);
	assert_event(&f->k, 2, 'd', 0, 10, 5);
	assert_event(&f->k, 3, 'e', REASM_ST_RST, 0, 0);
	assert_int_equal(f->k.out_len, 15);
	assert_int_equal(f->pool.used, 0);
	fix_free(f);
}

static void test_deliver_stops(void **state)
{
	struct fix *f = fix_new(CAP_BIG, CAP_BIG, 0, 0);

	f->k.stop_after = 2;
	send_pat(f, 0, 10, 10, 0);
	send_pat(f, 0, 30, 10, 0);
	send_pat(f, 0, 20, 10, 0);
	/* The parser has its verdict after the second delivery (10..19). */
	assert_int_equal(send_pat(f, 0, 0, 10, 0), REASM_R_DELIVERED | REASM_R_DONE);
	assert_int_equal(reasm_stream_state(&f->s), REASM_ST_STOPPED);
	assert_int_equal(f->k.out_len, 20);
	assert_int_equal(f->pool.used, 0);
	assert_event(&f->k, 2, 'e', REASM_ST_STOPPED, 0, 0);
	fix_free(f);
}

static void test_names(void **state)
{
	assert_string_equal(reasm_state_name(REASM_ST_DEPTH), "depth");
	assert_string_equal(reasm_state_name((enum reasm_state)99), "unknown");
	assert_string_equal(reasm_anomaly_name(REASM_ANOM_OVERLAP_DIFF), "overlap_diff");
	assert_string_equal(reasm_anomaly_name(REASM_ANOM_ACK_UNSEEN), "ack_unseen");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order_zero_copy),
		cmocka_unit_test(test_reversed),
		cmocka_unit_test(test_permutations),
		cmocka_unit_test(test_retransmission),
		cmocka_unit_test(test_overlap_different),
		cmocka_unit_test(test_overlap_both_ends),
		cmocka_unit_test(test_extends_queued_piece),
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_syn_with_data),
		cmocka_unit_test(test_midstream),
		cmocka_unit_test(test_before_isn),
		cmocka_unit_test(test_gap_by_ack),
		cmocka_unit_test(test_flush),
		cmocka_unit_test(test_stream_cap),
		cmocka_unit_test(test_pool_cap),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_depth_by_gap),
		cmocka_unit_test(test_fin_before_missing_data),
		cmocka_unit_test(test_zero_length),
		cmocka_unit_test(test_rst),
		cmocka_unit_test(test_deliver_stops),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
