// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Streaming MIME structure parser (RFC 2045, 2046, 5322): headers are read a
 * line at a time, bodies are passed on as they come, and only a line start
 * that may still turn out to be a boundary (with the line end before it, which
 * belongs to the delimiter) is held back. Leaf parts are numbered as IMAP
 * sections (RFC 3501 6.4.5) so that a part can be named the same way in a log,
 * an IMAP fetch and a rewrite. Boundary matching is on the line start, like
 * Thunderbird's, and a part after the closing delimiter is still parsed, so
 * that nothing a client may show is left unscanned.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "inspect/mime.h"

enum { M_HDR, M_BODY, M_BLINE, M_DONE };
enum { FR_MULTI, FR_MSG };
enum { ST_PREAMBLE, ST_PART, ST_EPILOGUE };
enum { F_NONE, F_CTYPE, F_CTE, F_CDISP };
/* Bit in h_seen: a filename parameter came from Content-Disposition (it wins over name). */
#define SEEN_DISP_NAME 0x10

/* Boundary matching results besides a frame index. */
#define PFX_NOT	 (-1)
#define PFX_MORE (-2)

/* Bytes of a body decoded at once (on the stack). */
#define DEC_CHUNK 1024

const char *mime_anomaly_name(enum mime_anomaly a)
{
	switch (a) {
	case MIME_ANOM_LINE_TOO_LONG:
		return "line_too_long";
	case MIME_ANOM_HEADER_TOO_LONG:
		return "header_too_long";
	case MIME_ANOM_BAD_HEADER_LINE:
		return "bad_header_line";
	case MIME_ANOM_DUPLICATE_HEADER:
		return "duplicate_header";
	case MIME_ANOM_DEPTH_EXCEEDED:
		return "depth_exceeded";
	case MIME_ANOM_NO_BOUNDARY:
		return "no_boundary";
	case MIME_ANOM_LONG_BOUNDARY:
		return "long_boundary";
	case MIME_ANOM_ENCODED_CONTAINER:
		return "encoded_container";
	case MIME_ANOM_MISSING_CLOSE:
		return "missing_close_boundary";
	case MIME_ANOM_BOUNDARY_JUNK:
		return "boundary_junk";
	case MIME_ANOM_PART_AFTER_CLOSE:
		return "part_after_close";
	case MIME_ANOM_BAD_BASE64:
		return "bad_base64";
	case MIME_ANOM_BAD_QP:
		return "bad_quoted_printable";
	case MIME_ANOM_UNKNOWN_ENCODING:
		return "unknown_encoding";
	}
	return "unknown";
}

static void anomaly(struct mime_ctx *ctx, enum mime_anomaly a, uint64_t off)
{
	if (ctx->cb->anomaly)
		ctx->cb->anomaly(ctx->user, a, off);
}

static void run(struct mime_ctx *ctx, const uint8_t *buf, size_t len);

/* ---- Leaf bodies ---- */

/* Encoded body bytes of the current leaf: decode and report; nothing for containers. */
static void emit(struct mime_ctx *ctx, const uint8_t *data, size_t len)
{
	uint8_t out[MIME_DEC_OUT(DEC_CHUNK)];

	if (!ctx->leaf)
		return;
	while (len) {
		size_t n = len < DEC_CHUNK ? len : DEC_CHUNK, o;

		o = mime_dec_feed(&ctx->dec, data, n, out);
		data += n;
		len -= n;
		if (!o)
			continue;
		ctx->part.decoded += o;
		if (ctx->cb->part_data)
			ctx->cb->part_data(ctx->user, &ctx->part, out, o);
	}
}

static void end_leaf(struct mime_ctx *ctx, uint64_t end, bool ended)
{
	uint8_t out[MIME_DEC_OUT(0)];
	size_t o = mime_dec_finish(&ctx->dec, out);

	if (o) {
		ctx->part.decoded += o;
		if (ctx->cb->part_data)
			ctx->cb->part_data(ctx->user, &ctx->part, out, o);
	}
	ctx->leaf = false;
	ctx->part.body_end = end;
	ctx->part.ended = ended;
	ctx->part.bad = ctx->dec.bad;
	if (ctx->dec.bad)
		anomaly(ctx, ctx->part.cte == MIME_CTE_QP ? MIME_ANOM_BAD_QP : MIME_ANOM_BAD_BASE64,
			ctx->part.body_start);
	if (ctx->cb->part_end)
		ctx->cb->part_end(ctx->user, &ctx->part);
}

/* Frames whose boundary a line start may be (bits). */
static uint32_t multi_mask(const struct mime_ctx *ctx)
{
	uint32_t m = 0;
	int k;

	for (k = 0; k < ctx->nfr; k++)
		if (ctx->fr[k].kind == FR_MULTI)
			m |= 1u << k;
	return m;
}

static void line_start(struct mime_ctx *ctx, uint64_t off)
{
	ctx->at_ls = true;
	ctx->ls_off = off;
	ctx->pfx_len = 0;
	ctx->pfx_full = -1;
	ctx->pfx_cand = multi_mask(ctx);
}

static void body_begin(struct mime_ctx *ctx, uint64_t off, bool leaf)
{
	ctx->mode = M_BODY;
	ctx->leaf = leaf;
	ctx->cr_held = false;
	ctx->hold_len = 0;
	line_start(ctx, off);
}

/* pfx grew by one byte: a frame index (its "--boundary" is matched), PFX_NOT or PFX_MORE.
 * The innermost frame wins, as nested boundaries are checked inside out. */
static int pfx_step(struct mime_ctx *ctx)
{
	size_t p = ctx->pfx_len - 1;
	uint8_t c = ctx->pfx[p];
	int k;

	for (k = 0; k < ctx->nfr; k++) {
		const struct mime_frame *f = &ctx->fr[k];
		uint32_t bit = 1u << k;

		if (!(ctx->pfx_cand & bit))
			continue;
		if ((p < 2 ? '-' : (uint8_t)f->boundary[p - 2]) != c) {
			ctx->pfx_cand &= ~bit;
		} else if (p + 1 == 2u + f->blen) {
			ctx->pfx_cand &= ~bit;
			if (k > ctx->pfx_full)
				ctx->pfx_full = (int8_t)k;
		}
	}
	if (ctx->pfx_full >= 0)
		ctx->pfx_cand &= ~((2u << ctx->pfx_full) - 1);
	if (ctx->pfx_cand)
		return PFX_MORE;
	return ctx->pfx_full >= 0 ? ctx->pfx_full : PFX_NOT;
}

/* Whether some multipart still waits for its closing delimiter. */
static bool open_multi(const struct mime_ctx *ctx)
{
	int k;

	for (k = 0; k < ctx->nfr; k++)
		if (ctx->fr[k].kind == FR_MULTI && ctx->fr[k].state != ST_EPILOGUE)
			return true;
	return false;
}

static void pop_to(struct mime_ctx *ctx, int keep, uint64_t off)
{
	while (ctx->nfr > keep) {
		struct mime_frame *f = &ctx->fr[--ctx->nfr];

		if (f->kind == FR_MULTI) {
			ctx->nmulti--;
			if (f->state != ST_EPILOGUE)
				anomaly(ctx, MIME_ANOM_MISSING_CLOSE, off);
		}
	}
}

/* A delimiter of frame k starts at end (its line end before it excluded): whatever was open
 * inside frame k ends there. */
static void boundary_found(struct mime_ctx *ctx, int k, uint64_t end)
{
	if (ctx->mode == M_BODY && ctx->leaf) {
		int inner = ctx->nfr - 1;

		while (inner >= 0 && ctx->fr[inner].kind != FR_MULTI)
			inner--;
		end_leaf(ctx, end, inner == k);
	}
	pop_to(ctx, k + 1, end);
}

/* ---- Headers ---- */

static void hdr_begin(struct mime_ctx *ctx, uint64_t off, bool msg, bool digest)
{
	ctx->mode = M_HDR;
	ctx->h_msg = msg;
	ctx->h_field = F_NONE;
	ctx->h_seen = 0;
	ctx->h_over = false;
	ctx->h_first = false;
	ctx->h_bytes = 0;
	ctx->line_off = off;
	ctx->llen = 0;
	ctx->lcut = 0;
	ctx->flen = 0;
	ctx->fcut = false;
	ctx->blen = 0;
	memset(&ctx->part, 0, sizeof(ctx->part));
	strcpy(ctx->part.type, digest ? "message/rfc822" : "text/plain");
}

/* The boundary line follows: after "--" a part's headers, after "--" "--" the epilogue. */
static void boundary_line_done(struct mime_ctx *ctx, int k, bool close, bool junk, uint64_t next)
{
	struct mime_frame *f = &ctx->fr[k];

	if (junk)
		anomaly(ctx, MIME_ANOM_BOUNDARY_JUNK, next);
	ctx->path_len = f->path_len;
	if (close) {
		f->state = ST_EPILOGUE;
		body_begin(ctx, next, false);
		return;
	}
	if (f->state == ST_EPILOGUE)
		anomaly(ctx, MIME_ANOM_PART_AFTER_CLOSE, next);
	f->state = ST_PART;
	f->parts++;
	ctx->path[ctx->path_len++] = f->parts;
	hdr_begin(ctx, next, false, f->digest);
}

static void start_leaf(struct mime_ctx *ctx, uint64_t off)
{
	struct mime_part *p = &ctx->part;
	size_t n = 0;
	int i;

	/* The body of a message is its part 1 (RFC 3501 6.4.5). */
	if (ctx->h_msg)
		ctx->path[ctx->path_len++] = 1;
	for (i = 0; i < ctx->path_len && n < sizeof(p->path); i++)
		n += (size_t)snprintf(p->path + n, sizeof(p->path) - n, i ? ".%u" : "%u",
				      ctx->path[i]);
	p->depth = ctx->nfr;
	p->body_start = off;
	if (p->cte == MIME_CTE_OTHER)
		anomaly(ctx, MIME_ANOM_UNKNOWN_ENCODING, off);
	mime_dec_init(&ctx->dec, p->cte);
	if (ctx->cb->part_start)
		ctx->cb->part_start(ctx->user, p);
	body_begin(ctx, off, true);
}

/* The headers of the entity ended; its body starts at off. */
static void end_headers(struct mime_ctx *ctx, uint64_t off)
{
	const char *type = ctx->part.type;
	bool multi = !strncmp(type, "multipart/", 10);
	bool msg = !strcmp(type, "message/rfc822") || !strcmp(type, "message/global");
	struct mime_frame *f;

	if (multi || msg) {
		int a = 0;

		/* RFC 2046 5.1/5.2 allow only identity encodings; anything else is opaque. */
		if (ctx->part.cte >= MIME_CTE_BASE64)
			a = MIME_ANOM_ENCODED_CONTAINER;
		else if (ctx->nfr >= MIME_DEPTH_MAX)
			a = MIME_ANOM_DEPTH_EXCEEDED;
		else if (multi && !ctx->blen)
			a = MIME_ANOM_NO_BOUNDARY;
		if (a) {
			anomaly(ctx, a, off);
			start_leaf(ctx, off);
			return;
		}
		f = &ctx->fr[ctx->nfr++];
		memset(f, 0, sizeof(*f));
		if (msg) {
			f->kind = FR_MSG;
			if (ctx->h_msg)
				ctx->path[ctx->path_len++] = 1;
			f->path_len = ctx->path_len;
			hdr_begin(ctx, off, true, false);
			return;
		}
		f->kind = FR_MULTI;
		f->state = ST_PREAMBLE;
		f->path_len = ctx->path_len;
		f->digest = !strcmp(type, "multipart/digest");
		f->blen = ctx->blen;
		memcpy(f->boundary, ctx->boundary, ctx->blen);
		ctx->nmulti++;
		body_begin(ctx, off, false);
		return;
	}
	start_leaf(ctx, off);
}

/* Keep only printable ASCII, lower-cased (charset names go into logs). */
static void ascii_lower(char *s)
{
	for (; *s; s++) {
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s + 32);
		else if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
			*s = '_';
	}
}

/* A Content-* field is complete in fbuf: parse it into part (and boundary). */
static void field_done(struct mime_ctx *ctx)
{
	struct mime_part *p = &ctx->part;
	const char *f = ctx->fbuf;
	size_t len = ctx->flen, blen;
	char tmp[MIME_TYPE_MAX], b[MIME_LINE_MAX];

	if (ctx->h_field == F_NONE)
		return;
	if (ctx->fcut)
		anomaly(ctx, MIME_ANOM_HEADER_TOO_LONG, ctx->line_off);
	switch (ctx->h_field) {
	case F_CTYPE:
		/* A value without a subtype is invalid: the default stays (RFC 2045 5.2). */
		if (mime_hdr_value(f, len, tmp, sizeof(tmp)) && strchr(tmp, '/')) {
			strcpy(p->type, tmp);
			ascii_lower(p->type);
		}
		if (mime_hdr_param_raw(f, len, "charset", p->charset, sizeof(p->charset), NULL))
			ascii_lower(p->charset);
		if (mime_hdr_param_raw(f, len, "boundary", b, sizeof(b), &blen) && blen) {
			if (blen > 70)
				anomaly(ctx, MIME_ANOM_LONG_BOUNDARY, ctx->line_off);
			ctx->blen = blen < MIME_BOUNDARY_MAX ? (uint8_t)blen : MIME_BOUNDARY_MAX;
			memcpy(ctx->boundary, b, ctx->blen);
		}
		if (!(ctx->h_seen & SEEN_DISP_NAME))
			mime_hdr_param_text(f, len, "name", p->filename, sizeof(p->filename));
		break;
	case F_CTE:
		p->cte = mime_cte_parse(f, len);
		break;
	case F_CDISP:
		mime_hdr_value(f, len, p->disposition, sizeof(p->disposition));
		ascii_lower(p->disposition);
		if (mime_hdr_param_text(f, len, "filename", p->filename, sizeof(p->filename)))
			ctx->h_seen |= SEEN_DISP_NAME;
		break;
	}
	ctx->h_seen |= 1u << ctx->h_field;
	ctx->h_field = F_NONE;
}

static void field_append(struct mime_ctx *ctx, const char *s, size_t len)
{
	size_t room = sizeof(ctx->fbuf) - ctx->flen;

	if (len > room) {
		len = room;
		ctx->fcut = true;
	}
	memcpy(ctx->fbuf + ctx->flen, s, len);
	ctx->flen += len;
}

/* A header line "Name: value" starts a field; false if the line is no field. */
static bool field_start(struct mime_ctx *ctx, const char *s, size_t len)
{
	static const struct {
		const char *name;
		uint8_t kind;
	} names[] = {
		{"content-type", F_CTYPE},
		{"content-transfer-encoding", F_CTE},
		{"content-disposition", F_CDISP},
	};
	const char *colon = memchr(s, ':', len);
	size_t n, i;

	if (!colon || colon == s)
		return false;
	n = (size_t)(colon - s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--; /* obsolete "Name :" syntax (RFC 5322 4.5) */
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126)
			return false;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i].name) != n || strncasecmp(s, names[i].name, n))
			continue;
		if (ctx->h_seen & (1u << names[i].kind)) {
			/* The first wins, as in Thunderbird and Python; a second one is suspect. */
			anomaly(ctx, MIME_ANOM_DUPLICATE_HEADER, ctx->line_off);
			return true;
		}
		ctx->h_field = names[i].kind;
		ctx->flen = 0;
		ctx->fcut = false;
		field_append(ctx, colon + 1, len - (size_t)(colon + 1 - s));
		return true;
	}
	return true;
}

/* The innermost frame whose "--boundary" starts the line, or -1. */
static int line_boundary(const struct mime_ctx *ctx, const char *s, size_t len)
{
	int k;

	for (k = ctx->nfr - 1; k >= 0; k--) {
		const struct mime_frame *f = &ctx->fr[k];

		if (f->kind == FR_MULTI && len >= 2u + f->blen && s[0] == '-' && s[1] == '-' &&
		    !memcmp(s + 2, f->boundary, f->blen))
			return k;
	}
	return -1;
}

/* A header line that is no field: the body starts with it (as in Python's parser). */
static void replay(struct mime_ctx *ctx, const char *s, size_t len, size_t term, uint64_t off)
{
	uint8_t copy[MIME_LINE_MAX + 2];
	uint64_t saved = ctx->pos;
	size_t n = len;

	memcpy(copy, s, len);
	if (term == 2)
		copy[n++] = '\r';
	if (term)
		copy[n++] = '\n';
	ctx->pos = off;
	run(ctx, copy, n);
	ctx->pos = saved;
}

/* A header line lbuf[0..len) at off, ended by term bytes (LF, CRLF, none at the end of
 * input); next follows it. */
static void hdr_line(struct mime_ctx *ctx, size_t len, bool cut, size_t term, uint64_t off,
		     uint64_t next)
{
	const char *s = ctx->lbuf;
	int k;

	if (ctx->nmulti && (k = line_boundary(ctx, s, len)) >= 0) {
		const char *r = s + 2 + ctx->fr[k].blen;
		size_t rl = len - 2 - ctx->fr[k].blen, i = 0;
		bool close = rl >= 2 && r[0] == '-' && r[1] == '-';

		if (close)
			i = 2;
		while (i < rl && (r[i] == ' ' || r[i] == '\t'))
			i++;
		field_done(ctx);
		end_headers(ctx, off);
		boundary_found(ctx, k, off);
		boundary_line_done(ctx, k, close, i < rl || cut, next);
		return;
	}
	if (!len && !cut) {
		field_done(ctx);
		end_headers(ctx, next);
		return;
	}
	if (s[0] == ' ' || s[0] == '\t') {
		if (ctx->h_field != F_NONE && !ctx->h_over) {
			field_append(ctx, s, len);
			ctx->fcut |= cut;
		}
		return;
	}
	field_done(ctx);
	if (ctx->h_first && len >= 5 && !memcmp(s, "From ", 5)) {
		ctx->h_first = false; /* an mbox separator before the message */
		return;
	}
	ctx->h_first = false;
	if (ctx->h_over)
		return;
	if (!field_start(ctx, s, len)) {
		anomaly(ctx, MIME_ANOM_BAD_HEADER_LINE, off);
		end_headers(ctx, off);
		replay(ctx, s, len, term, off);
		return;
	}
	ctx->fcut |= cut && ctx->h_field != F_NONE;
}

/* Header bytes: collect a line, act on it at its LF. Returns bytes consumed. */
static size_t hdr_feed(struct mime_ctx *ctx, const uint8_t *buf, size_t len)
{
	const uint8_t *lf = memchr(buf, '\n', len);
	size_t n = lf ? (size_t)(lf - buf) + 1 : len, body = lf ? n - 1 : n;
	size_t room = sizeof(ctx->lbuf) - ctx->llen, l;
	uint64_t off = ctx->line_off, next = ctx->pos + n;
	bool cut;
	size_t term = 1;

	if (body > room) {
		if (!ctx->lcut)
			anomaly(ctx, MIME_ANOM_LINE_TOO_LONG, off);
		ctx->lcut += body - room;
		body = room;
	}
	memcpy(ctx->lbuf + ctx->llen, buf, body);
	ctx->llen += body;
	if (ctx->h_bytes <= MIME_HDR_MAX)
		ctx->h_bytes += (uint32_t)(n < MIME_HDR_MAX ? n : MIME_HDR_MAX);
	if (ctx->h_bytes > MIME_HDR_MAX && !ctx->h_over) {
		ctx->h_over = true;
		ctx->h_field = F_NONE;
		anomaly(ctx, MIME_ANOM_HEADER_TOO_LONG, off);
	}
	if (!lf)
		return n;
	l = ctx->llen;
	cut = ctx->lcut > 0;
	if (!cut && l && ctx->lbuf[l - 1] == '\r') {
		l--;
		term = 2;
	}
	ctx->llen = 0;
	ctx->lcut = 0;
	ctx->line_off = next;
	hdr_line(ctx, l, cut, term, off, next);
	return n;
}

/* ---- Body and boundary lines ---- */

static size_t body_feed(struct mime_ctx *ctx, const uint8_t *buf, size_t len)
{
	size_t i = 0;

	if (!ctx->nmulti) {
		emit(ctx, buf, len);
		return len;
	}
	while (i < len) {
		const uint8_t *lf;
		size_t j, k;

		if (ctx->at_ls) {
			int r;

			ctx->pfx[ctx->pfx_len++] = buf[i++];
			r = pfx_step(ctx);
			if (r == PFX_MORE)
				continue;
			if (r == PFX_NOT) {
				/* Text: the held line end and the start; the last byte again. */
				emit(ctx, ctx->hold, ctx->hold_len);
				emit(ctx, ctx->pfx, ctx->pfx_len - 1u);
				ctx->hold_len = 0;
				ctx->at_ls = false;
				i--;
				continue;
			}
			boundary_found(ctx, r, ctx->hold_len ? ctx->hold_off : ctx->ls_off);
			ctx->hold_len = 0;
			ctx->at_ls = false;
			ctx->mode = M_BLINE;
			ctx->bl_frame = (int8_t)r;
			ctx->bl_n = 0;
			ctx->bl_close = false;
			ctx->bl_junk = false;
			return i;
		}
		if (ctx->cr_held) {
			ctx->cr_held = false;
			if (buf[i] == '\n') {
				ctx->hold[1] = '\n';
				ctx->hold_len = 2;
				i++;
				line_start(ctx, ctx->pos + i);
				continue;
			}
			emit(ctx, ctx->hold, 1);
			ctx->hold_len = 0;
		}
		lf = memchr(buf + i, '\n', len - i);
		if (!lf) {
			/* A CR at the end may be the start of the next line end. */
			if (buf[len - 1] == '\r') {
				emit(ctx, buf + i, len - i - 1);
				ctx->hold[0] = '\r';
				ctx->hold_len = 1;
				ctx->hold_off = ctx->pos + len - 1;
				ctx->cr_held = true;
			} else {
				emit(ctx, buf + i, len - i);
			}
			return len;
		}
		j = (size_t)(lf - buf);
		k = j > i && buf[j - 1] == '\r' ? j - 1 : j;
		emit(ctx, buf + i, k - i);
		ctx->hold_len = (uint8_t)(j + 1 - k);
		memcpy(ctx->hold, buf + k, ctx->hold_len);
		ctx->hold_off = ctx->pos + k;
		i = j + 1;
		line_start(ctx, ctx->pos + i);
	}
	return len;
}

/* After "--boundary": "--" makes it the closing one; blanks may follow, text should not. */
static size_t bline_feed(struct mime_ctx *ctx, const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		uint8_t c = buf[i];

		if (c == '\n') {
			if (ctx->bl_n == 1)
				ctx->bl_junk = true;
			boundary_line_done(ctx, ctx->bl_frame, ctx->bl_close, ctx->bl_junk,
					   ctx->pos + i + 1);
			return i + 1;
		}
		if (ctx->bl_n < 2 && c == '-') {
			if (++ctx->bl_n == 2)
				ctx->bl_close = true;
			continue;
		}
		if (ctx->bl_n == 1)
			ctx->bl_junk = true;
		ctx->bl_n = 2;
		if (c != ' ' && c != '\t' && c != '\r')
			ctx->bl_junk = true;
	}
	return len;
}

static void run(struct mime_ctx *ctx, const uint8_t *buf, size_t len)
{
	while (len && ctx->mode != M_DONE) {
		size_t n;

		if (ctx->mode == M_HDR)
			n = hdr_feed(ctx, buf, len);
		else if (ctx->mode == M_BODY)
			n = body_feed(ctx, buf, len);
		else
			n = bline_feed(ctx, buf, len);
		ctx->pos += n;
		buf += n;
		len -= n;
	}
}

void mime_init(struct mime_ctx *ctx, const struct mime_callbacks *cb, void *user)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->cb = cb;
	ctx->user = user;
	hdr_begin(ctx, 0, true, false);
	ctx->h_first = true;
}

void mime_feed(struct mime_ctx *ctx, const uint8_t *buf, size_t len)
{
	run(ctx, buf, len);
}

void mime_finish(struct mime_ctx *ctx)
{
	if (ctx->mode == M_DONE)
		return;
	if (ctx->mode == M_HDR && (ctx->llen || ctx->lcut)) {
		size_t l = ctx->llen;
		bool cut = ctx->lcut > 0;

		ctx->llen = 0;
		ctx->lcut = 0;
		hdr_line(ctx, l, cut, 0, ctx->line_off, ctx->pos);
	}
	/* Headers without a body; an empty message/rfc822 nests at most MIME_DEPTH_MAX times. */
	while (ctx->mode == M_HDR) {
		field_done(ctx);
		end_headers(ctx, ctx->pos);
	}
	if (ctx->mode == M_BLINE && ctx->bl_close)
		ctx->fr[ctx->bl_frame].state = ST_EPILOGUE;
	if (ctx->mode == M_BODY) {
		emit(ctx, ctx->hold, ctx->hold_len);
		if (ctx->at_ls)
			emit(ctx, ctx->pfx, ctx->pfx_len);
	}
	if (ctx->leaf)
		end_leaf(ctx, ctx->pos, !open_multi(ctx));
	pop_to(ctx, 0, ctx->pos);
	ctx->mode = M_DONE;
}
