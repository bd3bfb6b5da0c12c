// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Line splitting, dot-unstuffing, Subject scanning and word helpers for the
 * mail and FTP framers (see linebuf.h). Memory is only what the caller's
 * structs hold; every loop is bounded by the length it was given.
 */
#include <string.h>

#include "inspect/linebuf.h"
#include "inspect/mailproto.h"

void linebuf_reset(struct linebuf *lb)
{
	lb->len = 0;
	lb->cut = 0;
	lb->emitted = false;
	lb->tail_len = 0;
}

bool linebuf_pending(const struct linebuf *lb)
{
	return !lb->emitted && (lb->len || lb->cut);
}

/* Keep the last LINEBUF_TAIL bytes of the line seen so far, plus one for a CR. */
static void linebuf_tail_add(struct linebuf *lb, const uint8_t *p, size_t n)
{
	const size_t cap = sizeof(lb->tail);
	size_t keep;

	if (n >= cap) {
		memcpy(lb->tail, p + n - cap, cap);
		lb->tail_len = cap;
		return;
	}
	keep = lb->tail_len;
	if (keep + n > cap)
		keep = cap - n;
	memmove(lb->tail, lb->tail + lb->tail_len - keep, keep);
	memcpy(lb->tail + keep, p, n);
	lb->tail_len = (uint8_t)(keep + n);
}

static void linebuf_append(struct linebuf *lb, const uint8_t *p, size_t n)
{
	size_t room = LINEBUF_MAX - lb->len;
	size_t keep = n < room ? n : room;

	memcpy(lb->buf + lb->len, p, keep);
	lb->len += keep;
	lb->cut += n - keep;
	linebuf_tail_add(lb, p, n);
}

/* Hand out what is held as one line; a trailing CR (CRLF split or not) is dropped. */
static void linebuf_emit_held(struct linebuf *lb, struct linebuf_line *line, bool has_lf)
{
	size_t total = lb->len + lb->cut;
	bool cr = lb->tail_len && lb->tail[lb->tail_len - 1] == '\r';
	size_t content = total - (has_lf && cr ? 1 : 0);

	line->ready = true;
	line->bare_lf = has_lf && !cr;
	line->data = lb->buf;
	line->len = content < lb->len ? content : lb->len;
	line->full_len = content;
	line->truncated = content > LINEBUF_MAX;
	line->tail_len = lb->tail_len - (has_lf && cr ? 1 : 0);
	line->tail = lb->tail;
	if (line->tail_len > LINEBUF_TAIL) {
		line->tail += line->tail_len - LINEBUF_TAIL;
		line->tail_len = LINEBUF_TAIL;
	}
	lb->emitted = true;
}

size_t linebuf_take(struct linebuf *lb, const uint8_t *buf, size_t len, struct linebuf_line *line)
{
	const uint8_t *lf = memchr(buf, '\n', len);
	size_t seg = lf ? (size_t)(lf - buf) : len;

	line->ready = false;
	if (lb->emitted)
		linebuf_reset(lb);
	if (!lf) {
		linebuf_append(lb, buf, seg);
		return len;
	}
	if (lb->len == 0 && lb->cut == 0) {
		size_t n = seg && buf[seg - 1] == '\r' ? seg - 1 : seg;

		if (n <= LINEBUF_MAX) {
			/* The whole line is in buf: hand it out without copying. */
			line->ready = true;
			line->bare_lf = n == seg;
			line->data = (const char *)buf;
			line->len = n;
			line->full_len = n;
			line->truncated = false;
			line->tail_len = n < LINEBUF_TAIL ? n : LINEBUF_TAIL;
			line->tail = line->data + n - line->tail_len;
			return seg + 1;
		}
	}
	linebuf_append(lb, buf, seg);
	linebuf_emit_held(lb, line, true);
	return seg + 1;
}

void linebuf_flush(struct linebuf *lb, struct linebuf_line *line)
{
	line->ready = false;
	if (!linebuf_pending(lb))
		return;
	linebuf_emit_held(lb, line, false);
}

enum dot_state {
	DOT_LINE_START, /* at the start of a line: a dot here is special */
	DOT_MID,	/* inside a line */
	DOT_DOT,	/* a line began with a dot (dropped) */
	DOT_DOT_CR,	/* ".\r" seen at a line start; the CR is held back */
};

/* Index of the first LF at or after i, or len; notes whether the byte before it was CR. */
static size_t linebuf_dot_skip(struct linebuf_dot *d, const uint8_t *buf, size_t i, size_t len)
{
	const uint8_t *lf = memchr(buf + i, '\n', len - i);
	size_t at = lf ? (size_t)(lf - buf) : len;

	if (at > i)
		d->prev_cr = buf[at - 1] == '\r';
	return at;
}

size_t linebuf_dot_feed(struct linebuf_dot *d, const uint8_t *buf, size_t len, bool *done,
			linebuf_emit_fn emit, void *arg)
{
	size_t i, run = 0;

	*done = false;
	for (i = 0; i < len; i++) {
		uint8_t c;

		if (d->state == DOT_MID) {
			i = linebuf_dot_skip(d, buf, i, len);
			if (i == len)
				break;
		}
		c = buf[i];
		switch (d->state) {
		case DOT_LINE_START:
			if (c == '.') {
				if (i > run)
					emit(arg, buf + run, i - run);
				run = i + 1;
				d->state = DOT_DOT;
				continue;
			}
			break;
		case DOT_DOT:
			if (c == '\n') {
				d->lax_end = true;
				goto end;
			}
			if (c == '\r') {
				run = i + 1;
				d->state = DOT_DOT_CR;
				continue;
			}
			break; /* a stuffed dot: it stays dropped */
		case DOT_DOT_CR:
			if (c == '\n') {
				d->lax_end = d->bare_line;
				goto end;
			}
			/* ".\r" then something else: the CR was data. */
			emit(arg, (const uint8_t *)"\r", 1);
			run = i;
			d->prev_cr = true;
			break;
		}
		if (c == '\n') {
			d->bare_line = !d->prev_cr;
			d->state = DOT_LINE_START;
		} else {
			d->state = DOT_MID;
		}
		d->prev_cr = c == '\r';
	}
	if (d->state != DOT_DOT_CR && len > run)
		emit(arg, buf + run, len - run);
	return len;
end:
	d->state = DOT_LINE_START;
	d->prev_cr = false;
	d->bare_line = false;
	*done = true;
	return i + 1;
}

static char linebuf_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static void linebuf_hdr_subject_add(struct linebuf_hdr *h, uint8_t c)
{
	if (c == '\r')
		return;
	if (c < 0x20 || c == 0x7f)
		c = ' ';
	/* Skip the blanks between "Subject:" and the text. */
	if (h->subject_len == 0 && c == ' ')
		return;
	if (h->subject_len + 1 < LINEBUF_SUBJECT_MAX)
		h->subject[h->subject_len++] = (char)c;
	h->subject[h->subject_len] = '\0';
}

static void linebuf_hdr_finish(struct linebuf_hdr *h)
{
	h->done = true;
	if (h->in_subject)
		h->have_subject = true;
	h->in_subject = false;
	while (h->subject_len && h->subject[h->subject_len - 1] == ' ')
		h->subject[--h->subject_len] = '\0';
}

/* One byte at the start of a physical line: a new header or a folded continuation. */
static void linebuf_hdr_line_start(struct linebuf_hdr *h, uint8_t c)
{
	h->only_cr = true;
	h->match = 0;
	if (c == ' ' || c == '\t')
		return; /* folding: the current header goes on */
	if (h->in_subject) {
		h->in_subject = false;
		h->have_subject = true;
	}
}

void linebuf_hdr_feed(struct linebuf_hdr *h, const uint8_t *data, size_t len)
{
	static const char want[] = "subject:";
	size_t i;

	for (i = 0; i < len && !h->done; i++) {
		uint8_t c = data[i];

		if (++h->scanned >= LINEBUF_HDR_SCAN_MAX) {
			linebuf_hdr_finish(h);
			break;
		}
		if (c == '\n') {
			if (h->col == 0 || h->only_cr)
				linebuf_hdr_finish(h);
			h->col = 0;
			continue;
		}
		if (h->col == 0)
			linebuf_hdr_line_start(h, c);
		if (c != '\r')
			h->only_cr = false;
		if (h->in_subject) {
			linebuf_hdr_subject_add(h, c);
		} else if (!h->have_subject && h->match == h->col && h->col < sizeof(want) - 1 &&
			   linebuf_lower((char)c) == want[h->col]) {
			h->match++;
			h->in_subject = h->match == sizeof(want) - 1;
		}
		if (h->col < UINT16_MAX)
			h->col++;
	}
}

size_t linebuf_word(const char *s, size_t len, size_t *pos, const char **word)
{
	size_t i = *pos, start;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	start = i;
	while (i < len && s[i] != ' ' && s[i] != '\t')
		i++;
	*word = s + start;
	*pos = i;
	return i - start;
}

size_t linebuf_upper(char *out, size_t cap, const char *s, size_t len)
{
	size_t i, n = len < cap - 1 ? len : cap - 1;

	for (i = 0; i < n; i++)
		out[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 'a' + 'A') : s[i];
	out[n] = '\0';
	return n;
}

bool linebuf_ieq(const char *s, size_t len, const char *word)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (word[i] == '\0' || linebuf_lower(s[i]) != linebuf_lower(word[i]))
			return false;
	return word[len] == '\0';
}

bool linebuf_number(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		uint64_t digit = (uint64_t)(s[i] - '0');

		if (digit > max || v > (max - digit) / 10)
			return false;
		v = v * 10 + digit;
	}
	*out = v;
	return true;
}

bool linebuf_fifo_push(struct mail_fifo *f, uint8_t kind, uint32_t arg)
{
	struct mail_pending *p;

	if (f->count >= MAIL_PENDING_MAX)
		return false;
	p = &f->e[(f->head + f->count) % MAIL_PENDING_MAX];
	p->kind = kind;
	p->arg = arg;
	f->count++;
	return true;
}

struct mail_pending *linebuf_fifo_peek(struct mail_fifo *f)
{
	return f->count ? &f->e[f->head] : NULL;
}

void linebuf_fifo_pop(struct mail_fifo *f)
{
	if (!f->count)
		return;
	f->head = (uint8_t)((f->head + 1) % MAIL_PENDING_MAX);
	f->count--;
}

static void linebuf_msg_fill(const struct mail_msgstate *m, struct mail_message *msg, bool aborted)
{
	msg->dir = m->dir;
	msg->index = m->index;
	msg->section = m->section;
	msg->partial = m->partial;
	msg->aborted = aborted;
	msg->size = m->size;
	msg->subject = m->hdr.subject;
	msg->env = m->env;
}

void linebuf_msg_begin(struct mail_msgstate *m, const struct mail_sink *out)
{
	struct mail_message msg;

	if (m->active) /* e.g. DATA after BDAT without LAST: the first one never ended */
		linebuf_msg_end(m, out, true);
	m->active = true;
	m->size = 0;
	memset(&m->hdr, 0, sizeof(m->hdr));
	if (out->cb->message_begin) {
		linebuf_msg_fill(m, &msg, false);
		out->cb->message_begin(out->user, &msg);
	}
}

void linebuf_msg_data(struct mail_msgstate *m, const struct mail_sink *out, const uint8_t *data,
		      size_t len)
{
	if (!m->active || len == 0)
		return;
	m->size += len;
	if (!m->hdr.done)
		linebuf_hdr_feed(&m->hdr, data, len);
	if (out->cb->body_chunk)
		out->cb->body_chunk(out->user, m->dir, data, len);
}

void linebuf_msg_end(struct mail_msgstate *m, const struct mail_sink *out, bool aborted)
{
	struct mail_message msg;

	if (!m->active)
		return;
	m->active = false;
	if (!m->hdr.done)
		linebuf_hdr_finish(&m->hdr);
	if (out->cb->message_complete) {
		linebuf_msg_fill(m, &msg, aborted);
		out->cb->message_complete(out->user, &msg);
	}
}

void linebuf_keep_first_word(struct mail_command *cmd)
{
	const char *word, *rest;
	size_t pos = 0, n = linebuf_word(cmd->args, cmd->args_len, &pos, &word);

	cmd->redacted = linebuf_word(cmd->args, cmd->args_len, &pos, &rest) > 0;
	cmd->args = word;
	cmd->args_len = n;
}

void linebuf_anomaly(const struct mail_sink *out, enum mail_dir dir, enum mail_anomaly code,
		     const char *text)
{
	if (out->cb->anomaly)
		out->cb->anomaly(out->user, dir, code, text);
}

void linebuf_check_long(const struct mail_sink *out, enum mail_dir dir,
			const struct linebuf_line *line)
{
	if (line->truncated)
		linebuf_anomaly(out, dir, MAIL_ANOM_LINE_TOO_LONG, "line longer than LINEBUF_MAX");
}
