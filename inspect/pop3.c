// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * POP3 framing (see mailproto.h): commands (USER kept, PASS/APOP/AUTH
 * credentials dropped), +OK/-ERR replies matched to commands in order, the
 * multi-line responses of LIST/UIDL/CAPA skipped, and the dot-unstuffed body
 * of RETR/TOP handed on as a message. STLS switches to TLS.
 */
#include <string.h>

#include "inspect/mailproto.h"

enum pop3_client_mode {
	POP3_C_COMMAND,	 /* command lines */
	POP3_C_AUTH,	 /* SASL exchange: lines are credentials, never reported */
	POP3_C_TLS_WAIT, /* STLS sent, its reply not seen yet */
};

enum pop3_server_mode {
	POP3_S_LINE,  /* status lines */
	POP3_S_MULTI, /* a multi-line listing until "." */
	POP3_S_BODY,  /* a message until "." */
};

enum pop3_pending_kind {
	POP3_P_GREETING, /* the +OK banner */
	POP3_P_SINGLE,	 /* a single-line reply */
	POP3_P_MULTI,	 /* +OK then lines until "." (LIST, UIDL, CAPA) */
	POP3_P_RETR,	 /* +OK then a message */
	POP3_P_TOP,	 /* +OK then headers and some lines of a message */
	POP3_P_STLS,	 /* +OK switches to TLS */
	POP3_P_AUTH,	 /* "+ " continues, +OK/-ERR ends */
};

void pop3_init(struct pop3_ctx *ctx, const struct mail_callbacks *cb, void *user)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->out.cb = cb;
	ctx->out.user = user;
	ctx->msg.dir = MAIL_TO_CLIENT;
	linebuf_fifo_push(&ctx->pending, POP3_P_GREETING, 0);
}

void pop3_free(struct pop3_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
}

static void pop3_expect(struct pop3_ctx *ctx, uint8_t kind, uint32_t arg)
{
	if (!linebuf_fifo_push(&ctx->pending, kind, arg))
		linebuf_anomaly(&ctx->out, MAIL_TO_SERVER, MAIL_ANOM_PIPELINE_OVERFLOW,
				"too many commands without reply");
}

/* The message number argument of RETR/TOP (0 if it does not parse). */
static uint32_t pop3_msgno(const char *args, size_t len)
{
	const char *word;
	size_t pos = 0, n = linebuf_word(args, len, &pos, &word);
	uint64_t v;

	return linebuf_number(word, n, UINT32_MAX, &v) ? (uint32_t)v : 0;
}

/* The kind of reply a command waits for, after reporting it without credentials. */
static uint8_t pop3_classify(struct pop3_ctx *ctx, struct mail_command *cmd)
{
	const char *v = cmd->verb;

	if (!strcmp(v, "PASS")) {
		cmd->redacted = cmd->args_len > 0;
		cmd->args_len = 0;
	} else if (!strcmp(v, "APOP") || !strcmp(v, "AUTH")) {
		linebuf_keep_first_word(cmd); /* the user name or mechanism */
	}
	if (!strcmp(v, "RETR"))
		return POP3_P_RETR;
	if (!strcmp(v, "TOP"))
		return POP3_P_TOP;
	if (!strcmp(v, "STLS"))
		return POP3_P_STLS;
	if (!strcmp(v, "CAPA") ||
	    ((!strcmp(v, "LIST") || !strcmp(v, "UIDL") || !strcmp(v, "AUTH")) &&
	     cmd->args_len == 0))
		return POP3_P_MULTI;
	if (!strcmp(v, "AUTH"))
		return POP3_P_AUTH;
	return POP3_P_SINGLE;
}

static void pop3_command(struct pop3_ctx *ctx, const struct linebuf_line *line)
{
	struct mail_command cmd = {0};
	const char *verb;
	size_t pos = 0, vlen = linebuf_word(line->data, line->len, &pos, &verb);
	uint8_t kind;

	linebuf_upper(cmd.verb, sizeof(cmd.verb), verb, vlen);
	while (pos < line->len && line->data[pos] == ' ')
		pos++;
	cmd.args = line->data + pos;
	cmd.args_len = line->len - pos;
	cmd.truncated = line->truncated;
	kind = pop3_classify(ctx, &cmd);
	if (ctx->out.cb->command)
		ctx->out.cb->command(ctx->out.user, &cmd);
	pop3_expect(ctx, kind,
		    kind == POP3_P_RETR || kind == POP3_P_TOP ? pop3_msgno(cmd.args, cmd.args_len)
							      : 0);
	if (kind == POP3_P_STLS)
		ctx->client = POP3_C_TLS_WAIT;
	else if (kind == POP3_P_AUTH)
		ctx->client = POP3_C_AUTH;
}

static void pop3_client(struct pop3_ctx *ctx, const uint8_t *buf, size_t len)
{
	struct linebuf_line line;
	size_t off = 0;

	while (off < len && !ctx->tls) {
		if (ctx->client == POP3_C_TLS_WAIT) {
			ctx->tls_refused_data = true;
			return;
		}
		off += linebuf_take(&ctx->line[MAIL_TO_SERVER], buf + off, len - off, &line);
		if (!line.ready)
			continue;
		linebuf_check_long(&ctx->out, MAIL_TO_SERVER, &line);
		if (ctx->client == POP3_C_AUTH)
			continue; /* a SASL response: credentials, dropped unseen */
		pop3_command(ctx, &line);
	}
}

static void pop3_stls_reply(struct pop3_ctx *ctx, enum mail_status st)
{
	if (st == MAIL_ST_OK) {
		ctx->tls = true;
		if (ctx->out.cb->tls_start)
			ctx->out.cb->tls_start(ctx->out.user);
		return;
	}
	if (ctx->tls_refused_data)
		linebuf_anomaly(&ctx->out, MAIL_TO_SERVER, MAIL_ANOM_DATA_BEFORE_TLS,
				"client data after a refused STLS was not parsed");
	ctx->tls_refused_data = false;
	ctx->client = POP3_C_COMMAND;
}

/* A status line answers the oldest waiting command. */
static void pop3_status(struct pop3_ctx *ctx, enum mail_status st)
{
	struct mail_pending *p = linebuf_fifo_peek(&ctx->pending);
	struct mail_pending cur;

	if (!p) {
		linebuf_anomaly(&ctx->out, MAIL_TO_CLIENT, MAIL_ANOM_UNEXPECTED_REPLY,
				"reply without a command");
		return;
	}
	if (p->kind == POP3_P_AUTH && st == MAIL_ST_CONT)
		return;
	cur = *p;
	linebuf_fifo_pop(&ctx->pending);
	if (cur.kind == POP3_P_STLS)
		pop3_stls_reply(ctx, st);
	else if (cur.kind == POP3_P_AUTH && ctx->client == POP3_C_AUTH)
		ctx->client = POP3_C_COMMAND;
	if (st != MAIL_ST_OK)
		return;
	if (cur.kind == POP3_P_MULTI) {
		ctx->server = POP3_S_MULTI;
	} else if (cur.kind == POP3_P_RETR || cur.kind == POP3_P_TOP) {
		ctx->msg.index = cur.arg;
		ctx->msg.partial = cur.kind == POP3_P_TOP;
		ctx->msg.section[0] = '\0';
		memset(&ctx->dot, 0, sizeof(ctx->dot));
		linebuf_msg_begin(&ctx->msg, &ctx->out);
		ctx->server = POP3_S_BODY;
	}
}

/* "+OK text", "-ERR text", "+ text"; false if the line is none of them. */
static bool pop3_parse_reply(const struct linebuf_line *line, struct mail_reply *rep)
{
	const char *s = line->data;
	size_t skip;

	memset(rep, 0, sizeof(*rep));
	if (line->len >= 3 && linebuf_ieq(s, 3, "+OK")) {
		rep->status = MAIL_ST_OK;
		skip = 3;
	} else if (line->len >= 4 && linebuf_ieq(s, 4, "-ERR")) {
		rep->status = MAIL_ST_ERR;
		skip = 4;
	} else if (line->len >= 1 && s[0] == '+' && (line->len == 1 || s[1] == ' ')) {
		rep->status = MAIL_ST_CONT;
		skip = 1;
	} else {
		return false;
	}
	if (skip < line->len && s[skip] != ' ')
		return false;
	if (skip < line->len)
		skip++;
	rep->text = s + skip;
	rep->text_len = line->len - skip;
	rep->truncated = line->truncated;
	return true;
}

static void pop3_server_line(struct pop3_ctx *ctx, const struct linebuf_line *line)
{
	struct mail_reply rep;

	linebuf_check_long(&ctx->out, MAIL_TO_CLIENT, line);
	if (ctx->server == POP3_S_MULTI) {
		if (line->len == 1 && line->data[0] == '.')
			ctx->server = POP3_S_LINE;
		return;
	}
	if (!pop3_parse_reply(line, &rep)) {
		linebuf_anomaly(&ctx->out, MAIL_TO_CLIENT, MAIL_ANOM_BAD_REPLY,
				"server line is not a POP3 reply");
		return;
	}
	if (ctx->out.cb->reply)
		ctx->out.cb->reply(ctx->out.user, &rep);
	pop3_status(ctx, rep.status);
}

static void pop3_emit_body(void *arg, const uint8_t *data, size_t len)
{
	struct pop3_ctx *ctx = arg;

	linebuf_msg_data(&ctx->msg, &ctx->out, data, len);
}

static size_t pop3_server_body(struct pop3_ctx *ctx, const uint8_t *buf, size_t len)
{
	bool done;
	size_t n = linebuf_dot_feed(&ctx->dot, buf, len, &done, pop3_emit_body, ctx);

	if (done) {
		if (ctx->dot.lax_end)
			linebuf_anomaly(&ctx->out, MAIL_TO_CLIENT, MAIL_ANOM_LAX_DATA_END,
					"message ended by a bare LF");
		linebuf_msg_end(&ctx->msg, &ctx->out, false);
		ctx->server = POP3_S_LINE;
	}
	return n;
}

static void pop3_server(struct pop3_ctx *ctx, const uint8_t *buf, size_t len)
{
	struct linebuf_line line;
	size_t off = 0;

	while (off < len && !ctx->tls) {
		if (ctx->server == POP3_S_BODY) {
			off += pop3_server_body(ctx, buf + off, len - off);
			continue;
		}
		off += linebuf_take(&ctx->line[MAIL_TO_CLIENT], buf + off, len - off, &line);
		if (line.ready)
			pop3_server_line(ctx, &line);
	}
}

enum mail_result pop3_feed(struct pop3_ctx *ctx, enum mail_dir dir, const uint8_t *buf, size_t len)
{
	if (!ctx->tls) {
		if (dir == MAIL_TO_SERVER)
			pop3_client(ctx, buf, len);
		else
			pop3_server(ctx, buf, len);
	}
	return ctx->tls ? MAIL_TLS : MAIL_PARSING;
}

void pop3_eof(struct pop3_ctx *ctx, enum mail_dir dir)
{
	struct linebuf_line line;

	if (ctx->tls)
		return;
	linebuf_flush(&ctx->line[dir], &line);
	if (line.ready) {
		linebuf_anomaly(&ctx->out, dir, MAIL_ANOM_TRUNCATED_LINE,
				"stream ended inside a line");
		/* Process the rest as a line, as a server would at connection close. */
		if (dir == MAIL_TO_CLIENT)
			pop3_server_line(ctx, &line);
		else if (ctx->client == POP3_C_COMMAND)
			pop3_command(ctx, &line);
	}
	if (dir == MAIL_TO_CLIENT && ctx->msg.active) {
		linebuf_anomaly(&ctx->out, dir, MAIL_ANOM_TRUNCATED_MESSAGE,
				"stream ended inside a message");
		linebuf_msg_end(&ctx->msg, &ctx->out, true);
		ctx->server = POP3_S_LINE;
	}
}
