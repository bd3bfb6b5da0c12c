// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * FTP control connection framing (see mailproto.h): commands (PASS and ACCT
 * arguments dropped), replies including multi-line ones ("123-" ... "123 "),
 * the data connection announced by PORT/EPRT (client) and 227/229 replies
 * (server) reported through data_channel, and AUTH TLS/SSL switching to TLS
 * on its 234 reply. RETR/STOR file names are the command arguments.
 */
#include <arpa/inet.h>
#include <string.h>

#include "inspect/mailproto.h"

void ftp_init(struct ftp_ctx *ctx, const struct mail_callbacks *cb, void *user)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->out.cb = cb;
	ctx->out.user = user;
}

void ftp_free(struct ftp_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
}

/* A decimal number of at most 5 digits at s[*pos], advancing *pos; -1 if none. */
static long ftp_small_number(const char *s, size_t len, size_t *pos)
{
	size_t start = *pos;
	long v = 0;

	while (*pos < len && *pos - start < 5 && s[*pos] >= '0' && s[*pos] <= '9')
		v = v * 10 + (s[(*pos)++] - '0');
	return *pos == start ? -1 : v;
}

bool ftp_parse_hostport(const char *s, size_t len, struct ftp_data_channel *ch)
{
	long v[6];
	size_t pos = 0;
	int i;

	for (i = 0; i < 6; i++) {
		if (i > 0) {
			if (pos >= len || s[pos] != ',')
				return false;
			pos++;
		}
		v[i] = ftp_small_number(s, len, &pos);
		if (v[i] < 0 || v[i] > 255)
			return false;
	}
	memset(ch->addr, 0, sizeof(ch->addr));
	for (i = 0; i < 4; i++)
		ch->addr[i] = (uint8_t)v[i];
	ch->family = 4;
	ch->port = (uint16_t)(v[4] * 256 + v[5]);
	return ch->port != 0;
}

/* The next field of an extended address up to the delimiter d; false if d is missing. */
static bool ftp_field(const char *s, size_t len, size_t *pos, char d, const char **f, size_t *flen)
{
	const char *end = memchr(s + *pos, d, len - *pos);

	if (!end)
		return false;
	*f = s + *pos;
	*flen = (size_t)(end - *f);
	*pos += *flen + 1;
	return true;
}

/* Parse an IPv4/IPv6 address text field into ch. */
static bool ftp_extended_addr(const char *af, size_t aflen, const char *a, size_t alen,
			      struct ftp_data_channel *ch)
{
	char text[64];

	memset(ch->addr, 0, sizeof(ch->addr));
	if (aflen == 0 && alen == 0) {
		ch->family = 0; /* EPSV: the server's address on the control connection */
		return true;
	}
	if (aflen != 1 || (af[0] != '1' && af[0] != '2') || alen == 0 || alen >= sizeof(text))
		return false;
	memcpy(text, a, alen);
	text[alen] = '\0';
	ch->family = af[0] == '1' ? 4 : 6;
	return inet_pton(ch->family == 4 ? AF_INET : AF_INET6, text, ch->addr) == 1;
}

bool ftp_parse_extended(const char *s, size_t len, struct ftp_data_channel *ch)
{
	const char *af, *a, *p;
	size_t aflen, alen, plen, pos = 1, ppos = 0;
	long port;
	char d;

	if (len < 4)
		return false;
	d = s[0];
	if (d < 33 || d > 126) /* RFC 2428: a printable delimiter */
		return false;
	if (!ftp_field(s, len, &pos, d, &af, &aflen) || !ftp_field(s, len, &pos, d, &a, &alen) ||
	    !ftp_field(s, len, &pos, d, &p, &plen))
		return false;
	port = ftp_small_number(p, plen, &ppos);
	if (port <= 0 || port > 65535 || ppos != plen)
		return false;
	if (!ftp_extended_addr(af, aflen, a, alen, ch))
		return false;
	ch->port = (uint16_t)port;
	return true;
}

static void ftp_report_channel(struct ftp_ctx *ctx, enum mail_dir dir, bool ok,
			       const struct ftp_data_channel *ch)
{
	if (!ok) {
		linebuf_anomaly(&ctx->out, dir, MAIL_ANOM_BAD_DATA_CHANNEL,
				"data connection address does not parse");
		return;
	}
	if (ctx->out.cb->data_channel)
		ctx->out.cb->data_channel(ctx->out.user, ch);
}

static void ftp_command(struct ftp_ctx *ctx, const struct linebuf_line *line)
{
	struct mail_command cmd = {0};
	struct ftp_data_channel ch = {.active = true};
	const char *verb;
	size_t pos = 0, vlen = linebuf_word(line->data, line->len, &pos, &verb);

	linebuf_upper(cmd.verb, sizeof(cmd.verb), verb, vlen);
	while (pos < line->len && line->data[pos] == ' ')
		pos++;
	cmd.args = line->data + pos;
	cmd.args_len = line->len - pos;
	cmd.truncated = line->truncated;
	if (!strcmp(cmd.verb, "PASS") || !strcmp(cmd.verb, "ACCT")) {
		cmd.redacted = cmd.args_len > 0;
		cmd.args_len = 0;
	}
	if (ctx->out.cb->command)
		ctx->out.cb->command(ctx->out.user, &cmd);
	if (!strcmp(cmd.verb, "PORT"))
		ftp_report_channel(ctx, MAIL_TO_SERVER,
				   ftp_parse_hostport(cmd.args, cmd.args_len, &ch), &ch);
	else if (!strcmp(cmd.verb, "EPRT"))
		ftp_report_channel(ctx, MAIL_TO_SERVER,
				   ftp_parse_extended(cmd.args, cmd.args_len, &ch) && ch.family,
				   &ch);
	else if (!strcmp(cmd.verb, "AUTH"))
		ctx->auth_wait = true; /* TLS, SSL, TLS-C, TLS-P: all end in TLS on 234 */
}

/* 227 "Entering Passive Mode (h1,h2,h3,h4,p1,p2)": the numbers start at the first digit. */
static void ftp_pasv_reply(struct ftp_ctx *ctx, const char *text, size_t len)
{
	struct ftp_data_channel ch = {0};
	size_t i = 0;

	while (i < len && (text[i] < '0' || text[i] > '9'))
		i++;
	ftp_report_channel(ctx, MAIL_TO_CLIENT, ftp_parse_hostport(text + i, len - i, &ch), &ch);
}

/* 229 "Entering Extended Passive Mode (|||6446|)". */
static void ftp_epsv_reply(struct ftp_ctx *ctx, const char *text, size_t len)
{
	struct ftp_data_channel ch = {0};
	const char *open = memchr(text, '(', len);
	size_t off = open ? (size_t)(open - text) + 1 : len;

	ftp_report_channel(ctx, MAIL_TO_CLIENT,
			   open && ftp_parse_extended(text + off, len - off, &ch), &ch);
}

static void ftp_final_reply(struct ftp_ctx *ctx, int code, const char *text, size_t len)
{
	if (code == 227)
		ftp_pasv_reply(ctx, text, len);
	else if (code == 229)
		ftp_epsv_reply(ctx, text, len);
	if (!ctx->auth_wait || code < 200)
		return;
	ctx->auth_wait = false;
	if (code == 234) {
		ctx->tls = true;
		if (ctx->out.cb->tls_start)
			ctx->out.cb->tls_start(ctx->out.user);
		return;
	}
	if (ctx->tls_refused_data)
		linebuf_anomaly(&ctx->out, MAIL_TO_SERVER, MAIL_ANOM_DATA_BEFORE_TLS,
				"client data after a refused AUTH was not parsed");
	ctx->tls_refused_data = false;
}

/* The code of "123 text"/"123-text"/"123", or -1. sep gets the character after it. */
static int ftp_code(const char *s, size_t len, char *sep)
{
	if (len < 3 || s[0] < '1' || s[0] > '5' || s[1] < '0' || s[1] > '9' || s[2] < '0' ||
	    s[2] > '9')
		return -1;
	*sep = len > 3 ? s[3] : ' ';
	if (*sep != ' ' && *sep != '-')
		return -1;
	return (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}

static void ftp_server_line(struct ftp_ctx *ctx, const struct linebuf_line *line)
{
	struct mail_reply rep = {0};
	char sep = ' ';
	int code = ftp_code(line->data, line->len, &sep);

	linebuf_check_long(&ctx->out, MAIL_TO_CLIENT, line);
	rep.truncated = line->truncated;
	if (ctx->multi_code && (code != ctx->multi_code || sep != ' ')) {
		/* Inside a multi-line reply any line is text until "<code> ". */
		rep.code = ctx->multi_code;
		rep.more = true;
		rep.text = line->data;
		rep.text_len = line->len;
	} else if (code < 0) {
		linebuf_anomaly(&ctx->out, MAIL_TO_CLIENT, MAIL_ANOM_BAD_REPLY,
				"server line is not an FTP reply");
		return;
	} else {
		rep.code = code;
		rep.more = sep == '-';
		rep.text = line->data + (line->len > 3 ? 4 : 3);
		rep.text_len = line->len > 3 ? line->len - 4 : 0;
		ctx->multi_code = rep.more ? code : 0;
	}
	if (ctx->out.cb->reply)
		ctx->out.cb->reply(ctx->out.user, &rep);
	if (!rep.more)
		ftp_final_reply(ctx, rep.code, rep.text, rep.text_len);
}

static void ftp_direction(struct ftp_ctx *ctx, enum mail_dir dir, const uint8_t *buf, size_t len)
{
	struct linebuf_line line;
	size_t off = 0;

	while (off < len && !ctx->tls) {
		if (dir == MAIL_TO_SERVER && ctx->auth_wait) {
			ctx->tls_refused_data = true;
			return;
		}
		off += linebuf_take(&ctx->line[dir], buf + off, len - off, &line);
		if (!line.ready)
			continue;
		if (dir == MAIL_TO_SERVER) {
			linebuf_check_long(&ctx->out, dir, &line);
			ftp_command(ctx, &line);
		} else {
			ftp_server_line(ctx, &line);
		}
	}
}

enum mail_result ftp_feed(struct ftp_ctx *ctx, enum mail_dir dir, const uint8_t *buf, size_t len)
{
	if (!ctx->tls)
		ftp_direction(ctx, dir, buf, len);
	return ctx->tls ? MAIL_TLS : MAIL_PARSING;
}

void ftp_eof(struct ftp_ctx *ctx, enum mail_dir dir)
{
	struct linebuf_line line;

	if (ctx->tls)
		return;
	linebuf_flush(&ctx->line[dir], &line);
	if (!line.ready)
		return;
	linebuf_anomaly(&ctx->out, dir, MAIL_ANOM_TRUNCATED_LINE, "stream ended inside a line");
	if (dir == MAIL_TO_SERVER)
		ftp_command(ctx, &line);
	else
		ftp_server_line(ctx, &line);
}
