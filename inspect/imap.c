// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * IMAP framing (see mailproto.h): tagged commands (LOGIN password and SASL
 * exchanges dropped), tagged/untagged/continuation responses, and literals
 * "{n}", "{n+}" (LITERAL+) and "~{n}" (literal8) in both directions. Literals
 * carrying a message are handed on as messages: FETCH BODY[...]/BINARY[...]/
 * RFC822/RFC822.TEXT from the server (header-only items are not messages) and
 * the message of APPEND from the client. Other literals (strings, a LOGIN
 * password) are skipped without being kept. STARTTLS switches to TLS; IDLE
 * and AUTHENTICATE take the client out of command mode until they end.
 *
 * A command or response with literals spans several lines: the line that
 * announces a literal is followed by the literal bytes and then by a
 * continuation line of the same command, which is not a new command.
 */
#include <string.h>

#include "inspect/mailproto.h"

enum imap_side_mode {
	IMAP_M_LINE,	/* a new command or response starts */
	IMAP_M_CONT,	/* the rest of a command or response after a literal */
	IMAP_M_LITERAL, /* literal_left bytes of a literal */
};

enum imap_client_session {
	IMAP_C_NORMAL,	 /* tagged commands */
	IMAP_C_AUTH,	 /* AUTHENTICATE: SASL lines until its tagged reply */
	IMAP_C_IDLE,	 /* IDLE: until "DONE" */
	IMAP_C_TLS_WAIT, /* STARTTLS sent, its tagged reply not seen yet */
};

enum imap_command_class {
	IMAP_CMD_OTHER,	 /* literals are strings: skipped */
	IMAP_CMD_APPEND, /* literals after the mailbox are messages */
};

/* A literal announced at the end of a line. */
struct imap_literal {
	uint64_t size; /* bytes that follow the line */
	bool sync;     /* "{n}": a client waits for "+" before sending it */
	size_t start;  /* offset in the tail of the '{' (or '~') */
};

void imap_init(struct imap_ctx *ctx, const struct mail_callbacks *cb, void *user)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->out.cb = cb;
	ctx->out.user = user;
	ctx->side[MAIL_TO_SERVER].msg.dir = MAIL_TO_SERVER;
	ctx->side[MAIL_TO_CLIENT].msg.dir = MAIL_TO_CLIENT;
}

void imap_free(struct imap_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
}

/*
 * Whether the line ends in a literal announcement "{n}", "{n+}" or "~{n}";
 * looks at the tail so that it works on lines cut at LINEBUF_MAX too.
 */
static bool imap_find_literal(struct imap_ctx *ctx, enum mail_dir dir,
			      const struct linebuf_line *line, struct imap_literal *lit)
{
	const char *t = line->tail;
	size_t end = line->tail_len, open, digits_end;

	if (end < 3 || t[end - 1] != '}')
		return false;
	for (open = end - 1; open > 0 && t[open - 1] != '{'; open--)
		;
	if (open == 0)
		return false;
	open--;
	digits_end = end - 1;
	lit->sync = true;
	if (digits_end > open + 1 && t[digits_end - 1] == '+') {
		lit->sync = false;
		digits_end--;
	}
	if (!linebuf_number(t + open + 1, digits_end - open - 1, UINT64_MAX, &lit->size)) {
		size_t i;

		for (i = open + 1; i < digits_end; i++)
			if (t[i] < '0' || t[i] > '9')
				return false; /* just text ending in '}' */
		linebuf_anomaly(&ctx->out, dir, MAIL_ANOM_BAD_LITERAL, "literal size too large");
		return false;
	}
	lit->start = open > 0 && t[open - 1] == '~' ? open - 1 : open;
	return true;
}

/* The NUL-terminated copy of s[0..len) into a section name buffer, cut to fit. */
static void imap_set_section(struct mail_msgstate *m, const char *s, size_t len)
{
	if (len >= sizeof(m->section))
		len = sizeof(m->section) - 1;
	memcpy(m->section, s, len);
	m->section[len] = '\0';
}

static bool imap_has(const char *s, size_t len, const char *word)
{
	size_t w = strlen(word), i;

	for (i = 0; i + w <= len; i++)
		if (linebuf_ieq(s + i, w, word))
			return true;
	return false;
}

/*
 * Whether the FETCH item just before a literal (t[0..end)) carries a message:
 * "BODY[...]<n>", "BINARY[...]", "RFC822", "RFC822.TEXT". Header-only items are
 * not. Sets the message's section and partial flag.
 */
static bool imap_body_item(const char *t, size_t end, struct mail_msgstate *m)
{
	size_t stop, i, open = 0;
	bool partial = false;

	while (end > 0 && t[end - 1] == ' ')
		end--;
	stop = end;
	if (end > 0 && t[end - 1] == '>') {
		while (end > 0 && t[end - 1] != '<')
			end--;
		if (end == 0)
			return false;
		end--;
		partial = true;
	}
	if (end > 0 && t[end - 1] == ']') {
		for (open = end - 1; open > 0 && t[open - 1] != '['; open--)
			;
		if (open == 0)
			return false;
		partial |= open < end - 1; /* a section, not the whole message */
		if (imap_has(t + open, end - open, "HEADER") ||
		    imap_has(t + open, end - open, "MIME"))
			return false;
		end = open - 1;
	}
	for (i = end; i > 0 && t[i - 1] != ' ' && t[i - 1] != '('; i--)
		;
	if (open) {
		if (!linebuf_ieq(t + i, end - i, "BODY") && !linebuf_ieq(t + i, end - i, "BINARY"))
			return false;
	} else if (linebuf_ieq(t + i, end - i, "RFC822.TEXT")) {
		partial = true;
	} else if (!linebuf_ieq(t + i, end - i, "RFC822")) {
		return false;
	}
	m->partial = partial;
	imap_set_section(m, t + i, stop - i);
	return true;
}

/* Enter a literal of this direction; body says whether it is a message. */
static void imap_start_literal(struct imap_ctx *ctx, enum mail_dir dir,
			       const struct imap_literal *lit, bool body)
{
	struct imap_side *s = &ctx->side[dir];

	s->mode = IMAP_M_LITERAL;
	s->literal_left = lit->size;
	s->literal_body = body;
	s->literal_sync = dir == MAIL_TO_SERVER && lit->sync;
	if (body) {
		s->msg.index = dir == MAIL_TO_CLIENT ? s->seq : 0;
		linebuf_msg_begin(&s->msg, &ctx->out);
	}
	if (lit->size == 0) {
		s->mode = IMAP_M_CONT;
		linebuf_msg_end(&s->msg, &ctx->out, false);
	}
}

static bool imap_tag_is(const char *stored, uint8_t stored_len, const char *tag, size_t len)
{
	return stored_len && stored_len == len && !memcmp(stored, tag, len);
}

static void imap_store_tag(char *out, uint8_t *out_len, const char *tag, size_t len)
{
	if (len >= MAIL_TAG_MAX) {
		*out_len = 0; /* too long to match; the reply will not be recognised */
		return;
	}
	memcpy(out, tag, len);
	*out_len = (uint8_t)len;
}

/* Report a command line; credentials removed. Returns its class. */
static uint8_t imap_command(struct imap_ctx *ctx, const struct linebuf_line *line)
{
	struct mail_command cmd = {0};
	const char *tag, *verb, *sub;
	size_t pos = 0, tlen, vlen, slen, p2, n;

	tlen = linebuf_word(line->data, line->len, &pos, &tag);
	vlen = linebuf_word(line->data, line->len, &pos, &verb);
	n = linebuf_upper(cmd.verb, sizeof(cmd.verb), verb, vlen);
	p2 = pos;
	slen = linebuf_word(line->data, line->len, &p2, &sub);
	if (!strcmp(cmd.verb, "UID") && slen && n + 1 < sizeof(cmd.verb)) {
		cmd.verb[n] = ' ';
		linebuf_upper(cmd.verb + n + 1, sizeof(cmd.verb) - n - 1, sub, slen);
		pos = p2;
	}
	while (pos < line->len && line->data[pos] == ' ')
		pos++;
	cmd.tag = tag;
	cmd.tag_len = tlen;
	cmd.args = line->data + pos;
	cmd.args_len = line->len - pos;
	cmd.truncated = line->truncated;
	/* The user name or the mechanism; never the password or SASL response. */
	if (!strcmp(cmd.verb, "LOGIN") || !strcmp(cmd.verb, "AUTHENTICATE"))
		linebuf_keep_first_word(&cmd);
	if (ctx->out.cb->command)
		ctx->out.cb->command(ctx->out.user, &cmd);

	if (!strcmp(cmd.verb, "STARTTLS"))
		ctx->client = IMAP_C_TLS_WAIT;
	else if (!strcmp(cmd.verb, "AUTHENTICATE"))
		ctx->client = IMAP_C_AUTH;
	else if (!strcmp(cmd.verb, "IDLE"))
		ctx->client = IMAP_C_IDLE;
	if (ctx->client != IMAP_C_NORMAL)
		imap_store_tag(ctx->wait_tag, &ctx->wait_tag_len, tag, tlen);
	imap_store_tag(ctx->literal_tag, &ctx->literal_tag_len, tag, tlen);
	return !strcmp(cmd.verb, "APPEND") ? IMAP_CMD_APPEND : IMAP_CMD_OTHER;
}

/* In IDLE only "DONE" is meaningful; it is reported as an untagged command. */
static void imap_idle_line(struct imap_ctx *ctx, const struct linebuf_line *line)
{
	struct mail_command cmd = {.verb = "DONE"};

	if (!linebuf_ieq(line->data, line->len, "DONE"))
		return;
	cmd.args = line->data + line->len;
	if (ctx->out.cb->command)
		ctx->out.cb->command(ctx->out.user, &cmd);
	ctx->client = IMAP_C_NORMAL;
}

/*
 * Whether the literal ending this APPEND segment is the message: it is,
 * unless it is the mailbox name ("tag APPEND {5}" with nothing in between).
 */
static bool imap_append_literal_is_message(const struct linebuf_line *line, bool first)
{
	const char *w;
	size_t pos = 0, n;

	if (!first)
		return true;
	linebuf_word(line->data, line->len, &pos, &w);	   /* tag */
	linebuf_word(line->data, line->len, &pos, &w);	   /* APPEND */
	n = linebuf_word(line->data, line->len, &pos, &w); /* mailbox or literal */
	return n > 0 && w[0] != '{' && w[0] != '~';
}

static void imap_client_line(struct imap_ctx *ctx, const struct linebuf_line *line)
{
	struct imap_side *s = &ctx->side[MAIL_TO_SERVER];
	struct imap_literal lit;
	bool first = s->mode == IMAP_M_LINE;

	linebuf_check_long(&ctx->out, MAIL_TO_SERVER, line);
	if (ctx->client == IMAP_C_AUTH)
		return; /* a SASL response: credentials, dropped unseen */
	if (ctx->client == IMAP_C_IDLE) {
		imap_idle_line(ctx, line);
		return;
	}
	if (first)
		s->cmd = imap_command(ctx, line);
	s->mode = IMAP_M_LINE;
	if (!imap_find_literal(ctx, MAIL_TO_SERVER, line, &lit))
		return;
	if (s->cmd == IMAP_CMD_APPEND && imap_append_literal_is_message(line, first)) {
		imap_set_section(&s->msg, "APPEND", 6);
		s->msg.partial = false;
		imap_start_literal(ctx, MAIL_TO_SERVER, &lit, true);
	} else {
		imap_start_literal(ctx, MAIL_TO_SERVER, &lit, false);
	}
}

/* Literal bytes of direction dir; returns bytes consumed. */
static size_t imap_literal_bytes(struct imap_ctx *ctx, enum mail_dir dir, const uint8_t *buf,
				 size_t len)
{
	struct imap_side *s = &ctx->side[dir];
	size_t n = s->literal_left < len ? (size_t)s->literal_left : len;

	if (s->literal_body)
		linebuf_msg_data(&s->msg, &ctx->out, buf, n);
	s->literal_left -= n;
	s->literal_sync = false;
	if (s->literal_left == 0) {
		if (s->literal_body)
			linebuf_msg_end(&s->msg, &ctx->out, false);
		s->mode = IMAP_M_CONT;
	}
	return n;
}

static void imap_tls_reply(struct imap_ctx *ctx, enum mail_status st)
{
	if (st == MAIL_ST_OK) {
		ctx->tls = true;
		if (ctx->out.cb->tls_start)
			ctx->out.cb->tls_start(ctx->out.user);
		return;
	}
	if (ctx->tls_refused_data)
		linebuf_anomaly(&ctx->out, MAIL_TO_SERVER, MAIL_ANOM_DATA_BEFORE_TLS,
				"client data after a refused STARTTLS was not parsed");
	ctx->tls_refused_data = false;
}

/*
 * A tagged completion: it may end STARTTLS, AUTHENTICATE or IDLE, or refuse
 * a command whose synchronising literal the client will then never send.
 */
static void imap_tagged(struct imap_ctx *ctx, const char *tag, size_t len, enum mail_status st)
{
	struct imap_side *c = &ctx->side[MAIL_TO_SERVER];

	if (imap_tag_is(ctx->wait_tag, ctx->wait_tag_len, tag, len)) {
		if (ctx->client == IMAP_C_TLS_WAIT)
			imap_tls_reply(ctx, st);
		ctx->client = IMAP_C_NORMAL;
		ctx->wait_tag_len = 0;
	}
	if (imap_tag_is(ctx->literal_tag, ctx->literal_tag_len, tag, len) &&
	    c->mode == IMAP_M_LITERAL && c->literal_sync && st != MAIL_ST_OK) {
		c->mode = IMAP_M_LINE;
		linebuf_msg_end(&c->msg, &ctx->out, true);
	}
}

static enum mail_status imap_status_word(const char *w, size_t len)
{
	if (linebuf_ieq(w, len, "OK"))
		return MAIL_ST_OK;
	if (linebuf_ieq(w, len, "NO"))
		return MAIL_ST_NO;
	if (linebuf_ieq(w, len, "BAD"))
		return MAIL_ST_BAD;
	if (linebuf_ieq(w, len, "PREAUTH"))
		return MAIL_ST_PREAUTH;
	if (linebuf_ieq(w, len, "BYE"))
		return MAIL_ST_BYE;
	return MAIL_ST_NONE;
}

/* The first line of a response: report it, note a FETCH's sequence number. */
static void imap_response(struct imap_ctx *ctx, const struct linebuf_line *line)
{
	struct mail_reply rep = {0};
	const char *w, *w2;
	size_t pos = 0, wl, p2, wl2;
	uint64_t seq;

	ctx->side[MAIL_TO_CLIENT].seq = 0;
	rep.tag_len = linebuf_word(line->data, line->len, &pos, &rep.tag);
	rep.truncated = line->truncated;
	if (rep.tag_len == 0) {
		linebuf_anomaly(&ctx->out, MAIL_TO_CLIENT, MAIL_ANOM_BAD_REPLY, "empty IMAP line");
		return;
	}
	p2 = pos;
	wl = linebuf_word(line->data, line->len, &p2, &w);
	if (rep.tag_len == 1 && rep.tag[0] == '+') {
		rep.status = MAIL_ST_CONT;
	} else {
		rep.status = imap_status_word(w, wl);
		if (rep.status != MAIL_ST_NONE)
			pos = p2;
	}
	if (rep.tag_len == 1 && rep.tag[0] == '*' && rep.status == MAIL_ST_NONE &&
	    linebuf_number(w, wl, UINT32_MAX, &seq)) {
		wl2 = linebuf_word(line->data, line->len, &p2, &w2);
		ctx->side[MAIL_TO_CLIENT].seq = linebuf_ieq(w2, wl2, "FETCH") ? (uint32_t)seq : 0;
	}
	while (pos < line->len && line->data[pos] == ' ')
		pos++;
	rep.text = line->data + pos;
	rep.text_len = line->len - pos;
	if (ctx->out.cb->reply)
		ctx->out.cb->reply(ctx->out.user, &rep);
	if (rep.status != MAIL_ST_CONT && !(rep.tag_len == 1 && rep.tag[0] == '*'))
		imap_tagged(ctx, rep.tag, rep.tag_len, rep.status);
}

static void imap_server_line(struct imap_ctx *ctx, const struct linebuf_line *line)
{
	struct imap_side *s = &ctx->side[MAIL_TO_CLIENT];
	struct imap_literal lit;

	linebuf_check_long(&ctx->out, MAIL_TO_CLIENT, line);
	if (s->mode == IMAP_M_LINE)
		imap_response(ctx, line);
	s->mode = IMAP_M_LINE;
	if (ctx->tls || !imap_find_literal(ctx, MAIL_TO_CLIENT, line, &lit))
		return;
	imap_start_literal(ctx, MAIL_TO_CLIENT, &lit,
			   s->seq && imap_body_item(line->tail, lit.start, &s->msg));
}

static void imap_direction(struct imap_ctx *ctx, enum mail_dir dir, const uint8_t *buf, size_t len)
{
	struct linebuf_line line;
	size_t off = 0;

	while (off < len && !ctx->tls) {
		if (ctx->side[dir].mode == IMAP_M_LITERAL) {
			off += imap_literal_bytes(ctx, dir, buf + off, len - off);
			continue;
		}
		if (dir == MAIL_TO_SERVER && ctx->client == IMAP_C_TLS_WAIT) {
			ctx->tls_refused_data = true;
			return;
		}
		off += linebuf_take(&ctx->line[dir], buf + off, len - off, &line);
		if (!line.ready)
			continue;
		if (dir == MAIL_TO_SERVER)
			imap_client_line(ctx, &line);
		else
			imap_server_line(ctx, &line);
	}
}

enum mail_result imap_feed(struct imap_ctx *ctx, enum mail_dir dir, const uint8_t *buf, size_t len)
{
	if (!ctx->tls)
		imap_direction(ctx, dir, buf, len);
	return ctx->tls ? MAIL_TLS : MAIL_PARSING;
}

void imap_eof(struct imap_ctx *ctx, enum mail_dir dir)
{
	struct imap_side *s = &ctx->side[dir];
	struct linebuf_line line;

	if (ctx->tls)
		return;
	linebuf_flush(&ctx->line[dir], &line);
	if (line.ready) {
		linebuf_anomaly(&ctx->out, dir, MAIL_ANOM_TRUNCATED_LINE,
				"stream ended inside a line");
		if (dir == MAIL_TO_SERVER)
			imap_client_line(ctx, &line);
		else
			imap_server_line(ctx, &line);
	}
	if (s->msg.active) {
		linebuf_anomaly(&ctx->out, dir, MAIL_ANOM_TRUNCATED_MESSAGE,
				"stream ended inside a message");
		linebuf_msg_end(&s->msg, &ctx->out, true);
	}
	s->mode = IMAP_M_LINE;
}
