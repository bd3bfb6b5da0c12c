// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target for inspect/mime*.c. The first byte seeds how the rest (a
 * message) is cut into pieces. Besides "never crash, never read past len"
 * (ASan), it checks the parser's promises: the message fed whole and in
 * random pieces gives the same events; parts start and end in pairs; offsets
 * lie within the bytes fed, are ordered, and frame an encoded body that
 * decodes on its own to exactly the bytes reported; decoded sizes fit the
 * encoding; names are valid UTF-8 without control characters. The header
 * helpers are run over the input as a field too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/mime.h"

struct seen {
	const uint8_t *msg;
	size_t fed; /* bytes fed so far */
	uint64_t hash, part_hash, last_end;
	bool open, cut_lines;
};

static void mix(uint64_t *h, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		*h = (*h ^ b[i]) * 0x100000001b3ULL;
}

/* NUL-terminated within size, valid UTF-8, no C0/DEL controls. */
static void check_text(const char *s, size_t size)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0, n, k;

	if (!memchr(s, '\0', size))
		abort();
	while (p[i]) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			abort();
		n = p[i] < 0x80 ? 1 : p[i] < 0xe0 ? 2 : p[i] < 0xf0 ? 3 : 4;
		if (p[i] >= 0x80 && p[i] < 0xc2)
			abort();
		for (k = 1; k < n; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				abort();
		i += n;
	}
}

static void on_start(void *u, const struct mime_part *p)
{
	struct seen *s = u;

	if (s->open || p->body_start < s->last_end || p->body_start > s->fed || p->decoded)
		abort();
	check_text(p->filename, sizeof(p->filename));
	check_text(p->path, sizeof(p->path));
	if (p->depth > MIME_DEPTH_MAX)
		abort();
	s->open = true;
	s->part_hash = 0xcbf29ce484222325ULL;
	mix(&s->hash, "S", 1);
	mix(&s->hash, p->path, strlen(p->path));
	mix(&s->hash, p->type, strlen(p->type));
	mix(&s->hash, p->filename, strlen(p->filename));
	mix(&s->hash, &p->body_start, sizeof(p->body_start));
}

static void on_data(void *u, const struct mime_part *p, const uint8_t *d, size_t len)
{
	struct seen *s = u;

	if (!s->open || !len)
		abort();
	mix(&s->part_hash, d, len);
}

static void on_end(void *u, const struct mime_part *p)
{
	struct seen *s = u;
	uint64_t enc = p->body_end - p->body_start, h = 0xcbf29ce484222325ULL;

	if (!s->open || p->body_end < p->body_start || p->body_end > s->fed)
		abort();
	s->open = false;
	s->last_end = p->body_end;
	switch (p->cte) {
	case MIME_CTE_BASE64:
		if (p->decoded > enc / 4 * 3 + 3)
			abort();
		break;
	case MIME_CTE_QP:
		if (p->decoded > enc)
			abort();
		break;
	default:
		if (p->decoded > enc || (!s->cut_lines && p->decoded != enc))
			abort();
	}
	/* The framed bytes alone decode to what was reported (a cut header line that turned
	 * out to be body text is the one exception: its cut part is gone). */
	if (!s->cut_lines) {
		uint8_t *out = malloc(enc + 16);

		mix(&h, out,
		    mime_decode_buf(p->cte, s->msg + p->body_start, enc, out, enc + 16, NULL));
		free(out);
		if (h != s->part_hash)
			abort();
	}
	mix(&s->hash, "E", 1);
	mix(&s->hash, &s->part_hash, sizeof(s->part_hash));
	mix(&s->hash, &p->body_end, sizeof(p->body_end));
	mix(&s->hash, &p->bad, sizeof(p->bad));
	mix(&s->hash, &p->ended, sizeof(p->ended));
}

static void on_anomaly(void *u, enum mime_anomaly a, uint64_t off)
{
	struct seen *s = u;

	if (a == MIME_ANOM_LINE_TOO_LONG)
		s->cut_lines = true;
	if (!strcmp(mime_anomaly_name(a), "unknown"))
		abort();
	mix(&s->hash, &a, sizeof(a));
}

static const struct mime_callbacks cbs = {
	.part_start = on_start,
	.part_data = on_data,
	.part_end = on_end,
	.anomaly = on_anomaly,
};

static uint64_t run(const uint8_t *msg, size_t len, uint32_t seed)
{
	static struct mime_ctx ctx;
	struct seen s = {.msg = msg, .hash = 0xcbf29ce484222325ULL};
	size_t i = 0;

	mime_init(&ctx, &cbs, &s);
	while (i < len) {
		size_t n = len - i;
		uint8_t *piece;

		if (seed) {
			seed ^= seed << 13;
			seed ^= seed >> 17;
			seed ^= seed << 5;
			n = 1 + seed % (seed & 0x100 ? 3 : 200);
			if (n > len - i)
				n = len - i;
		}
		piece = malloc(n);
		memcpy(piece, msg + i, n);
		s.fed += n;
		mime_feed(&ctx, piece, n);
		free(piece);
		i += n;
	}
	mime_finish(&ctx);
	if (s.open)
		abort();
	return s.hash;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[64];
	size_t n;

	if (!size)
		return 0;
	if (run(data + 1, size - 1, 0) != run(data + 1, size - 1, data[0] | 0x1000u))
		abort();
	n = size - 1 < 4096 ? size - 1 : 4096;
	out[0] = '\0';
	mime_hdr_param_text((const char *)data + 1, n, "filename", out, sizeof(out));
	check_text(out, sizeof(out));
	mime_hdr_decode_words((const char *)data + 1, n, out, sizeof(out));
	check_text(out, sizeof(out));
	return 0;
}
