// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * SMTP framing (see mailproto.h): commands with the envelope addresses, the
 * DATA body (dot-unstuffed) and BDAT chunks as a message, replies matched to
 * pipelined commands in order, STARTTLS and AUTH without credentials.
 *
 * Replies are matched to commands through a FIFO, because with PIPELINING
 * (RFC 2920) the client sends several commands before the first reply. The
 * client direction enters body mode on the DATA command itself, not on the
 * 354 reply, so the framer does not depend on how the caller interleaves the
 * two directions; a refused DATA aborts the body.
 */
#include <string.h>

#include "inspect/mailproto.h"

enum smtp_client_mode {
	SMTP_C_COMMAND,	 /* command lines */
	SMTP_C_DATA,	 /* DATA body until CRLF.CRLF */
	SMTP_C_BDAT,	 /* bdat_left raw bytes of a BDAT chunk */
	SMTP_C_AUTH,	 /* SASL exchange: lines are credentials, never reported */
	SMTP_C_TLS_WAIT, /* STARTTLS sent: what follows is probably a TLS ClientHello */
};

enum smtp_pending_kind {
	SMTP_P_GREETING, /* the 220 banner */
	SMTP_P_OTHER,	 /* any command with a single reply */
	SMTP_P_DATA,	 /* DATA: 354 expected */
	SMTP_P_DATA_END, /* the end of a DATA body: 250 expected */
	SMTP_P_BDAT,	 /* a BDAT chunk */
	SMTP_P_STARTTLS, /* STARTTLS: 220 switches to TLS */
	SMTP_P_AUTH,	 /* AUTH: 334 continues, anything else ends it */
};

void smtp_init(struct smtp_ctx *ctx, const struct mail_callbacks *cb, void *user)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->out.cb = cb;
	ctx->out.user = user;
	ctx->msg.dir = MAIL_TO_SERVER;
	ctx->msg.env = &ctx->env;
	linebuf_fifo_push(&ctx->pending, SMTP_P_GREETING, 0);
}

void smtp_free(struct smtp_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
}

static void smtp_expect(struct smtp_ctx *ctx, uint8_t kind)
{
	if (!linebuf_fifo_push(&ctx->pending, kind, 0))
		linebuf_anomaly(&ctx->out, MAIL_TO_SERVER, MAIL_ANOM_PIPELINE_OVERFLOW,
				"too many commands without reply");
}

/*
 * The address of "FROM:<a@b> SIZE=1" / "TO:<a@b>" after keyword, copied into
 * out (cut at MAIL_ADDR_MAX). Returns false if there is no address at all;
 * "<>" (null sender) is an empty address and true.
 */
static bool smtp_address(const char *args, size_t len, const char *keyword, char *out)
{
	size_t klen = strlen(keyword), i, start, end;

	out[0] = '\0';
	if (len < klen || !linebuf_ieq(args, klen, keyword))
		return false;
	i = klen;
	while (i < len && args[i] == ' ')
		i++;
	if (i < len && args[i] == '<') {
		start = ++i;
		while (i < len && args[i] != '>')
			i++;
	} else {
		start = i;
		while (i < len && args[i] != ' ')
			i++;
		if (i == start)
			return false;
	}
	end = i - start < MAIL_ADDR_MAX - 1 ? i : start + MAIL_ADDR_MAX - 1;
	memcpy(out, args + start, end - start);
	out[end - start] = '\0';
	return true;
}

static void smtp_envelope_reset(struct smtp_ctx *ctx)
{
	memset(&ctx->env, 0, sizeof(ctx->env));
}

static void smtp_rcpt(struct smtp_ctx *ctx, const char *args, size_t len)
{
	struct mail_envelope *env = &ctx->env;
	char addr[MAIL_ADDR_MAX];

	if (!smtp_address(args, len, "TO:", addr)) {
		linebuf_anomaly(&ctx->out, MAIL_TO_SERVER, MAIL_ANOM_NO_ADDRESS,
				"RCPT without TO:<address>");
		return;
	}
	env->rcpt_count++;
	if (env->rcpt_kept < MAIL_RCPT_KEEP) {
		memcpy(env->rcpt[env->rcpt_kept++], addr, sizeof(addr));
		return;
	}
	if (env->rcpt_count == MAIL_RCPT_KEEP + 1)
		linebuf_anomaly(&ctx->out, MAIL_TO_SERVER, MAIL_ANOM_TOO_MANY_RCPT,
				"recipients beyond MAIL_RCPT_KEEP are only counted");
}

static void smtp_mail_from(struct smtp_ctx *ctx, const char *args, size_t len)
{
	smtp_envelope_reset(ctx);
	if (!smtp_address(args, len, "FROM:", ctx->env.from))
		linebuf_anomaly(&ctx->out, MAIL_TO_SERVER, MAIL_ANOM_NO_ADDRESS,
				"MAIL without FROM:<address>");
}

static void smtp_begin_message(struct smtp_ctx *ctx)
{
	ctx->msg.index = 0;
	ctx->msg.partial = false;
	ctx->msg.section[0] = '\0';
	linebuf_msg_begin(&ctx->msg, &ctx->out);
}

/* "BDAT <size> [LAST]": the chunk's bytes follow the line directly. */
static void smtp_bdat(struct smtp_ctx *ctx, const char *args, size_t len)
{
	const char *word;
	size_t pos = 0, n = linebuf_word(args, len, &pos, &word);
	uint64_t size;

	if (!linebuf_number(word, n, UINT64_MAX, &size)) {
		linebuf_anomaly(&ctx->out, MAIL_TO_SERVER, MAIL_ANOM_BAD_BDAT,
				"BDAT size is not a number");
		smtp_expect(ctx, SMTP_P_OTHER);
		return;
	}
	n = linebuf_word(args, len, &pos, &word);
	ctx->bdat_last = linebuf_ieq(word, n, "LAST");
	ctx->bdat_left = size;
	smtp_expect(ctx, SMTP_P_BDAT);
	if (!ctx->msg.active)
		smtp_begin_message(ctx);
	if (size)
		ctx->client = SMTP_C_BDAT;
	else if (ctx->bdat_last)
		linebuf_msg_end(&ctx->msg, &ctx->out, false);
}

/* Report the command (credentials removed) and apply what it changes. */
static void smtp_command(struct smtp_ctx *ctx, const struct linebuf_line *line)
{
	struct mail_command cmd = {0};
	const char *verb;
	size_t pos = 0, vlen = linebuf_word(line->data, line->len, &pos, &verb);

	linebuf_upper(cmd.verb, sizeof(cmd.verb), verb, vlen);
	while (pos < line->len && line->data[pos] == ' ')
		pos++;
	cmd.args = line->data + pos;
	cmd.args_len = line->len - pos;
	cmd.truncated = line->truncated;
	if (!strcmp(cmd.verb, "AUTH"))
		linebuf_keep_first_word(&cmd); /* an initial response holds credentials */
	if (ctx->out.cb->command)
		ctx->out.cb->command(ctx->out.user, &cmd);

	if (!strcmp(cmd.verb, "DATA")) {
		smtp_expect(ctx, SMTP_P_DATA);
		memset(&ctx->dot, 0, sizeof(ctx->dot));
		smtp_begin_message(ctx);
		ctx->client = SMTP_C_DATA;
	} else if (!strcmp(cmd.verb, "BDAT")) {
		smtp_bdat(ctx, cmd.args, cmd.args_len);
	} else if (!strcmp(cmd.verb, "STARTTLS")) {
		smtp_expect(ctx, SMTP_P_STARTTLS);
		ctx->client = SMTP_C_TLS_WAIT;
	} else if (!strcmp(cmd.verb, "AUTH")) {
		smtp_expect(ctx, SMTP_P_AUTH);
		ctx->client = SMTP_C_AUTH;
	} else {
		if (!strcmp(cmd.verb, "MAIL"))
			smtp_mail_from(ctx, cmd.args, cmd.args_len);
		else if (!strcmp(cmd.verb, "RCPT"))
			smtp_rcpt(ctx, cmd.args, cmd.args_len);
		else if (!strcmp(cmd.verb, "RSET") || !strcmp(cmd.verb, "HELO") ||
			 !strcmp(cmd.verb, "EHLO"))
			smtp_envelope_reset(ctx);
		smtp_expect(ctx, SMTP_P_OTHER);
	}
}

static void smtp_client_line(struct smtp_ctx *ctx, const struct linebuf_line *line)
{
	linebuf_check_long(&ctx->out, MAIL_TO_SERVER, line);
	if (ctx->client == SMTP_C_AUTH)
		return; /* a SASL response: credentials, dropped unseen */
	smtp_command(ctx, line);
}

static void smtp_emit_body(void *arg, const uint8_t *data, size_t len)
{
	struct smtp_ctx *ctx = arg;

	linebuf_msg_data(&ctx->msg, &ctx->out, data, len);
}

/* DATA body bytes; returns bytes consumed. */
static size_t smtp_client_data(struct smtp_ctx *ctx, const uint8_t *buf, size_t len)
{
	bool done;
	size_t n = linebuf_dot_feed(&ctx->dot, buf, len, &done, smtp_emit_body, ctx);

	if (done) {
		if (ctx->dot.lax_end)
			linebuf_anomaly(&ctx->out, MAIL_TO_SERVER, MAIL_ANOM_LAX_DATA_END,
					"DATA ended by a bare LF");
		linebuf_msg_end(&ctx->msg, &ctx->out, false);
		smtp_expect(ctx, SMTP_P_DATA_END);
		ctx->client = SMTP_C_COMMAND;
	}
	return n;
}

/* BDAT chunk bytes; returns bytes consumed. */
static size_t smtp_client_bdat(struct smtp_ctx *ctx, const uint8_t *buf, size_t len)
{
	size_t n = ctx->bdat_left < len ? (size_t)ctx->bdat_left : len;

	linebuf_msg_data(&ctx->msg, &ctx->out, buf, n);
	ctx->bdat_left -= n;
	if (ctx->bdat_left == 0) {
		if (ctx->bdat_last)
			linebuf_msg_end(&ctx->msg, &ctx->out, false);
		ctx->client = SMTP_C_COMMAND;
	}
	return n;
}

static void smtp_client(struct smtp_ctx *ctx, const uint8_t *buf, size_t len)
{
	struct linebuf_line line;
	size_t off = 0;

	while (off < len && !ctx->tls) {
		switch (ctx->client) {
		case SMTP_C_DATA:
			off += smtp_client_data(ctx, buf + off, len - off);
			break;
		case SMTP_C_BDAT:
			off += smtp_client_bdat(ctx, buf + off, len - off);
			break;
		case SMTP_C_TLS_WAIT:
			/* Not parsed: only the server's reply says what these bytes are. */
			ctx->tls_refused_data = true;
			off = len;
			break;
		default:
			off += linebuf_take(&ctx->line[MAIL_TO_SERVER], buf + off, len - off,
					    &line);
			if (line.ready)
				smtp_client_line(ctx, &line);
		}
	}
}

/* A refused DATA/BDAT: whatever the client sent as body was not accepted. */
static void smtp_refused(struct smtp_ctx *ctx)
{
	linebuf_anomaly(&ctx->out, MAIL_TO_SERVER, MAIL_ANOM_DATA_REJECTED,
			"server refused the message data");
	if (ctx->client == SMTP_C_DATA || ctx->client == SMTP_C_BDAT)
		ctx->client = SMTP_C_COMMAND;
	linebuf_msg_end(&ctx->msg, &ctx->out, true);
}

static void smtp_starttls_reply(struct smtp_ctx *ctx, int code)
{
	if (code == 220) {
		ctx->tls = true;
		if (ctx->out.cb->tls_start)
			ctx->out.cb->tls_start(ctx->out.user);
		return;
	}
	if (ctx->tls_refused_data)
		linebuf_anomaly(&ctx->out, MAIL_TO_SERVER, MAIL_ANOM_DATA_BEFORE_TLS,
				"client data after a refused STARTTLS was not parsed");
	ctx->tls_refused_data = false;
	if (ctx->client == SMTP_C_TLS_WAIT)
		ctx->client = SMTP_C_COMMAND;
}

/* The last line of a reply: it answers the oldest waiting command. */
static void smtp_final_reply(struct smtp_ctx *ctx, int code)
{
	struct mail_pending *p = linebuf_fifo_peek(&ctx->pending);
	uint8_t kind;

	if (!p) {
		if (code != 421) /* "closing": may come at any time */
			linebuf_anomaly(&ctx->out, MAIL_TO_CLIENT, MAIL_ANOM_UNEXPECTED_REPLY,
					"reply without a command");
		return;
	}
	kind = p->kind;
	if (kind == SMTP_P_AUTH && code == 334)
		return; /* the SASL exchange goes on */
	linebuf_fifo_pop(&ctx->pending);
	switch (kind) {
	case SMTP_P_DATA:
		if (code != 354)
			smtp_refused(ctx);
		break;
	case SMTP_P_BDAT:
		if (code >= 400)
			smtp_refused(ctx);
		break;
	case SMTP_P_STARTTLS:
		smtp_starttls_reply(ctx, code);
		break;
	case SMTP_P_AUTH:
		if (ctx->client == SMTP_C_AUTH)
			ctx->client = SMTP_C_COMMAND;
		break;
	}
}

/* "250-text", "250 text" or "250": three digits, then '-', ' ' or nothing. */
static bool smtp_parse_reply(const struct linebuf_line *line, struct mail_reply *rep)
{
	const char *s = line->data;
	size_t i;

	if (line->len < 3 || (line->len > 3 && s[3] != ' ' && s[3] != '-'))
		return false;
	for (i = 0; i < 3; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	if (s[0] < '1' || s[0] > '5')
		return false;
	memset(rep, 0, sizeof(*rep));
	rep->code = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	rep->more = line->len > 3 && s[3] == '-';
	rep->text = s + (line->len > 3 ? 4 : 3);
	rep->text_len = line->len > 3 ? line->len - 4 : 0;
	rep->truncated = line->truncated;
	return true;
}

static void smtp_server_line(struct smtp_ctx *ctx, const struct linebuf_line *line)
{
	struct mail_reply rep;

	linebuf_check_long(&ctx->out, MAIL_TO_CLIENT, line);
	if (!smtp_parse_reply(line, &rep)) {
		linebuf_anomaly(&ctx->out, MAIL_TO_CLIENT, MAIL_ANOM_BAD_REPLY,
				"server line is not an SMTP reply");
		return;
	}
	if (ctx->out.cb->reply)
		ctx->out.cb->reply(ctx->out.user, &rep);
	if (!rep.more)
		smtp_final_reply(ctx, rep.code);
}

static void smtp_server(struct smtp_ctx *ctx, const uint8_t *buf, size_t len)
{
	struct linebuf_line line;
	size_t off = 0;

	while (off < len && !ctx->tls) {
		off += linebuf_take(&ctx->line[MAIL_TO_CLIENT], buf + off, len - off, &line);
		if (line.ready)
			smtp_server_line(ctx, &line);
	}
}

enum mail_result smtp_feed(struct smtp_ctx *ctx, enum mail_dir dir, const uint8_t *buf, size_t len)
{
	if (!ctx->tls) {
		if (dir == MAIL_TO_SERVER)
			smtp_client(ctx, buf, len);
		else
			smtp_server(ctx, buf, len);
	}
	return ctx->tls ? MAIL_TLS : MAIL_PARSING;
}

void smtp_eof(struct smtp_ctx *ctx, enum mail_dir dir)
{
	struct linebuf_line line;

	if (ctx->tls)
		return;
	linebuf_flush(&ctx->line[dir], &line);
	if (line.ready) {
		linebuf_anomaly(&ctx->out, dir, MAIL_ANOM_TRUNCATED_LINE,
				"stream ended inside a line");
		if (dir == MAIL_TO_SERVER)
			smtp_client_line(ctx, &line);
		else
			smtp_server_line(ctx, &line);
	}
	if (dir == MAIL_TO_SERVER && ctx->msg.active) {
		linebuf_anomaly(&ctx->out, dir, MAIL_ANOM_TRUNCATED_MESSAGE,
				"stream ended inside a message");
		linebuf_msg_end(&ctx->msg, &ctx->out, true);
		ctx->client = SMTP_C_COMMAND;
	}
}
