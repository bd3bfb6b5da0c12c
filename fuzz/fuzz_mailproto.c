// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target for inspect/{linebuf,smtp,pop3,imap,ftp}.c. The first byte
 * selects the protocol (bits 0-1) and how the input is cut; the rest is split
 * into client and server pieces at 0xff bytes (a piece goes to the direction
 * that bit 2 of the selector and the piece number choose). Besides "never
 * crash, never read past len" (ASan), it checks the framers' promises: the
 * same input fed in one piece per step and one byte at a time gives the same
 * events, messages begin and complete in pairs and their size is what
 * body_chunk saw, no callback runs after TLS started, and no credential
 * argument (PASS, LOGIN password) is reported.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/mailproto.h"

/* A running digest of the events, to compare two ways of feeding. */
struct seen {
	uint64_t hash;
	uint64_t body[2];
	bool open[2];
	bool tls;
	int proto; /* 0 SMTP, 1 POP3, 2 IMAP, 3 FTP */
};

static void mix(struct seen *s, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		s->hash = (s->hash ^ b[i]) * 0x100000001b3ULL;
}

static void check_alive(struct seen *s)
{
	if (s->tls)
		abort();
}

static void on_command(void *u, const struct mail_command *c)
{
	struct seen *s = u;

	check_alive(s);
	if (!memchr(c->verb, '\0', sizeof(c->verb)))
		abort();
	if ((s->proto == 1 || s->proto == 3) && !strcmp(c->verb, "PASS") && c->args_len)
		abort();
	if (s->proto == 2 && !strcmp(c->verb, "LOGIN") && memchr(c->args, ' ', c->args_len))
		abort();
	mix(s, "C", 1);
	mix(s, c->verb, strlen(c->verb));
	mix(s, c->args, c->args_len);
	if (c->tag)
		mix(s, c->tag, c->tag_len);
}

static void on_reply(void *u, const struct mail_reply *r)
{
	struct seen *s = u;

	check_alive(s);
	if (r->code && (r->code < 100 || r->code > 599))
		abort();
	mix(s, "R", 1);
	mix(s, &r->code, sizeof(r->code));
	mix(s, &r->status, sizeof(r->status));
	mix(s, r->text, r->text_len);
}

static void on_begin(void *u, const struct mail_message *m)
{
	struct seen *s = u;

	check_alive(s);
	if (s->open[m->dir] || m->size != 0 || m->subject[0])
		abort();
	s->open[m->dir] = true;
	s->body[m->dir] = 0;
	mix(s, "B", 1);
}

static void on_body(void *u, enum mail_dir dir, const uint8_t *data, size_t len)
{
	struct seen *s = u;

	check_alive(s);
	if (!s->open[dir] || len == 0)
		abort();
	s->body[dir] += len;
	mix(s, data, len);
}

static void on_complete(void *u, const struct mail_message *m)
{
	struct seen *s = u;

	check_alive(s);
	if (!s->open[m->dir] || m->size != s->body[m->dir] ||
	    strlen(m->subject) >= LINEBUF_SUBJECT_MAX)
		abort();
	if (m->env &&
	    (m->env->rcpt_kept > MAIL_RCPT_KEEP || m->env->rcpt_kept > m->env->rcpt_count))
		abort();
	s->open[m->dir] = false;
	mix(s, "M", 1);
	mix(s, m->subject, strlen(m->subject));
	mix(s, &m->aborted, sizeof(m->aborted));
}

static void on_tls(void *u)
{
	struct seen *s = u;

	check_alive(s);
	s->tls = true;
}

static void on_anomaly(void *u, enum mail_dir dir, enum mail_anomaly code, const char *text)
{
	struct seen *s = u;

	check_alive(s);
	if (!text || !strcmp(mail_anomaly_name(code), "unknown"))
		abort();
	mix(s, &code, sizeof(code));
}

static void on_channel(void *u, const struct ftp_data_channel *ch)
{
	struct seen *s = u;

	check_alive(s);
	if (ch->family != 0 && ch->family != 4 && ch->family != 6)
		abort();
	if (ch->port == 0 || (ch->active && ch->family == 0))
		abort();
	mix(s, ch, sizeof(*ch));
}

static const struct mail_callbacks cbs = {
	.command = on_command,
	.reply = on_reply,
	.message_begin = on_begin,
	.body_chunk = on_body,
	.message_complete = on_complete,
	.tls_start = on_tls,
	.anomaly = on_anomaly,
	.data_channel = on_channel,
};

union anyctx {
	struct smtp_ctx smtp;
	struct pop3_ctx pop3;
	struct imap_ctx imap;
	struct ftp_ctx ftp;
};

static enum mail_result feed(union anyctx *c, int proto, enum mail_dir d, const uint8_t *p,
			     size_t n)
{
	/* An exact-size copy, so that ASan sees any read past n. */
	uint8_t *buf = malloc(n ? n : 1);
	enum mail_result r = MAIL_PARSING;

	if (!buf)
		abort();
	memcpy(buf, p, n);
	switch (proto) {
	case 0:
		r = smtp_feed(&c->smtp, d, buf, n);
		break;
	case 1:
		r = pop3_feed(&c->pop3, d, buf, n);
		break;
	case 2:
		r = imap_feed(&c->imap, d, buf, n);
		break;
	default:
		r = ftp_feed(&c->ftp, d, buf, n);
	}
	free(buf);
	return r;
}

static void init_eof(union anyctx *c, int proto, struct seen *s, bool eof)
{
	int d;

	for (d = 0; d < 2 && eof; d++) {
		if (proto == 0)
			smtp_eof(&c->smtp, d);
		else if (proto == 1)
			pop3_eof(&c->pop3, d);
		else if (proto == 2)
			imap_eof(&c->imap, d);
		else
			ftp_eof(&c->ftp, d);
	}
	if (eof)
		return;
	if (proto == 0)
		smtp_init(&c->smtp, &cbs, s);
	else if (proto == 1)
		pop3_init(&c->pop3, &cbs, s);
	else if (proto == 2)
		imap_init(&c->imap, &cbs, s);
	else
		ftp_init(&c->ftp, &cbs, s);
}

/* Feed every 0xff-separated piece to a direction; bytewise if asked. */
static void run(int proto, uint8_t sel, const uint8_t *data, size_t size, bool bytewise,
		struct seen *s)
{
	static union anyctx c;
	size_t start = 0, piece = 0, i;

	memset(s, 0, sizeof(*s));
	s->proto = proto;
	init_eof(&c, proto, s, false);
	while (start <= size) {
		const uint8_t *ff = memchr(data + start, 0xff, size - start);
		size_t end = ff ? (size_t)(ff - data) : size;
		enum mail_dir d = ((piece + (sel >> 2)) & 1) ? MAIL_TO_CLIENT : MAIL_TO_SERVER;
		enum mail_result r = MAIL_PARSING;

		if (bytewise)
			for (i = start; i < end; i++)
				r = feed(&c, proto, d, data + i, 1);
		else
			r = feed(&c, proto, d, data + start, end - start);
		if (end > start && (r == MAIL_TLS) != s->tls)
			abort();
		start = end + 1;
		piece++;
	}
	init_eof(&c, proto, s, true);
	if (!s->tls && (s->open[0] || s->open[1]))
		abort(); /* eof must close every message */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct seen whole, bytes;
	int proto;

	if (size == 0)
		return 0;
	proto = data[0] & 3;
	run(proto, data[0], data + 1, size - 1, false, &whole);
	run(proto, data[0], data + 1, size - 1, true, &bytes);
	if (whole.hash != bytes.hash || whole.tls != bytes.tls)
		abort();
	return 0;
}
