// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The engine's mail and FTP flows (SMTP, POP3, IMAP, FTP): the framers of
 * inspect/mailproto.h fed with reassembled bytes, an EVE "smtp" record per
 * message sent, and the message bodies counted (the antivirus issue takes
 * them from body_chunk).
 */
#include <stdlib.h>
#include <string.h>

#include "inspect/engine_mail.h"
#include "inspect/eve_inspect.h"

struct mail_flow {
	enum mail_proto proto;
	char helo[128];
	uint64_t messages, body_bytes;
	int tls;
	union {
		struct smtp_ctx smtp;
		struct pop3_ctx pop3;
		struct imap_ctx imap;
		struct ftp_ctx ftp;
	} u;
	mail_event_fn event;
	void *ctx;
	const struct mail_part_ops *parts;
	struct mime_ctx *mime; /* the message being parsed (parts only), else NULL */
	enum mail_dir mime_dir;
};

static void mime_start(void *user, const struct mime_part *p)
{
	struct mail_flow *m = user;

	m->parts->part_start(m->ctx, p, m->mime_dir);
}

static void mime_data(void *user, const struct mime_part *p, const uint8_t *data, size_t len)
{
	struct mail_flow *m = user;

	m->parts->part_data(m->ctx, data, len);
}

static void mime_end(void *user, const struct mime_part *p)
{
	struct mail_flow *m = user;

	m->parts->part_end(m->ctx, p);
}

static const struct mime_callbacks mime_cb = {
	.part_start = mime_start,
	.part_data = mime_data,
	.part_end = mime_end,
};

/*
 * A message starts: parse it as MIME when the engine wants its parts. An
 * IMAP partial fetch (BODY[2]) has no MIME headers: it is one part.
 */
static void on_begin(void *user, const struct mail_message *msg)
{
	struct mail_flow *m = user;

	if (!m->parts)
		return;
	if (!m->mime && !(m->mime = malloc(sizeof(*m->mime))))
		return;
	m->mime_dir = msg->dir;
	mime_init(m->mime, &mime_cb, m);
}

static void on_command(void *user, const struct mail_command *cmd)
{
	struct mail_flow *m = user;
	size_t n;

	if (m->proto != MAIL_SMTP || (strcmp(cmd->verb, "EHLO") && strcmp(cmd->verb, "HELO")))
		return;
	n = cmd->args_len < sizeof(m->helo) - 1 ? cmd->args_len : sizeof(m->helo) - 1;
	memcpy(m->helo, cmd->args, n);
	m->helo[n] = '\0';
}

static void on_body(void *user, enum mail_dir dir, const uint8_t *data, size_t len)
{
	struct mail_flow *m = user;

	m->body_bytes += len;
	if (m->mime)
		mime_feed(m->mime, data, len);
}

/* Suricata's smtp record: helo, mail_from, rcpt_to, and the message's subject. */
static void on_message(void *user, const struct mail_message *msg)
{
	struct mail_flow *m = user;
	json_t *smtp, *rcpt, *email;
	unsigned int i;

	m->messages++;
	if (m->mime) {
		mime_finish(m->mime);
		free(m->mime);
		m->mime = NULL;
		m->parts->message_end(m->ctx, msg);
	}
	if (m->proto != MAIL_SMTP || !msg->env || !m->event)
		return;
	rcpt = json_array();
	for (i = 0; i < msg->env->rcpt_kept; i++)
		json_array_append_new(rcpt, eve_inspect_bytes((struct eve_bytes){
						    (const uint8_t *)msg->env->rcpt[i],
						    strlen(msg->env->rcpt[i])}));
	smtp = json_object();
	json_object_set_new(
		smtp, "helo",
		eve_inspect_bytes((struct eve_bytes){(const uint8_t *)m->helo, strlen(m->helo)}));
	json_object_set_new(smtp, "mail_from",
			    eve_inspect_bytes((struct eve_bytes){(const uint8_t *)msg->env->from,
								 strlen(msg->env->from)}));
	json_object_set_new(smtp, "rcpt_to", rcpt);
	email = json_pack("{s:s, s:I}", "status", msg->aborted ? "ABORTED" : "COMPLETE",
			  "body_bytes", (json_int_t)msg->size);
	if (email && msg->subject && msg->subject[0])
		json_object_set_new(email, "subject",
				    eve_inspect_bytes((struct eve_bytes){
					    (const uint8_t *)msg->subject, strlen(msg->subject)}));
	m->event(m->ctx, "smtp", smtp, email);
}

static void on_tls(void *user)
{
	struct mail_flow *m = user;

	m->tls = 1;
}

static const struct mail_callbacks mail_cb = {
	.command = on_command,
	.message_begin = on_begin,
	.body_chunk = on_body,
	.message_complete = on_message,
	.tls_start = on_tls,
};

struct mail_flow *mail_flow_new(enum mail_proto proto, mail_event_fn event, void *ctx,
				const struct mail_part_ops *parts)
{
	struct mail_flow *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->parts = proto == MAIL_FTP ? NULL : parts;
	m->proto = proto;
	m->event = event;
	m->ctx = ctx;
	switch (proto) {
	case MAIL_SMTP:
		smtp_init(&m->u.smtp, &mail_cb, m);
		break;
	case MAIL_POP3:
		pop3_init(&m->u.pop3, &mail_cb, m);
		break;
	case MAIL_IMAP:
		imap_init(&m->u.imap, &mail_cb, m);
		break;
	case MAIL_FTP:
		ftp_init(&m->u.ftp, &mail_cb, m);
		break;
	}
	return m;
}

int mail_flow_feed(struct mail_flow *m, int to_server, const uint8_t *data, size_t len)
{
	enum mail_dir d = to_server ? MAIL_TO_SERVER : MAIL_TO_CLIENT;
	enum mail_result r = MAIL_PARSING;

	switch (m->proto) {
	case MAIL_SMTP:
		r = smtp_feed(&m->u.smtp, d, data, len);
		break;
	case MAIL_POP3:
		r = pop3_feed(&m->u.pop3, d, data, len);
		break;
	case MAIL_IMAP:
		r = imap_feed(&m->u.imap, d, data, len);
		break;
	case MAIL_FTP:
		r = ftp_feed(&m->u.ftp, d, data, len);
		break;
	}
	/* Under TLS there is nothing more to read. */
	return r == MAIL_TLS;
}

void mail_flow_eof(struct mail_flow *m, int to_server)
{
	enum mail_dir d = to_server ? MAIL_TO_SERVER : MAIL_TO_CLIENT;

	switch (m->proto) {
	case MAIL_SMTP:
		smtp_eof(&m->u.smtp, d);
		break;
	case MAIL_POP3:
		pop3_eof(&m->u.pop3, d);
		break;
	case MAIL_IMAP:
		imap_eof(&m->u.imap, d);
		break;
	case MAIL_FTP:
		ftp_eof(&m->u.ftp, d);
		break;
	}
}

void mail_flow_free(struct mail_flow *m)
{
	if (!m)
		return;
	free(m->mime);
	switch (m->proto) {
	case MAIL_SMTP:
		smtp_free(&m->u.smtp);
		break;
	case MAIL_POP3:
		pop3_free(&m->u.pop3);
		break;
	case MAIL_IMAP:
		imap_free(&m->u.imap);
		break;
	case MAIL_FTP:
		ftp_free(&m->u.ftp);
		break;
	}
	free(m);
}

uint64_t mail_flow_messages(const struct mail_flow *m)
{
	return m->messages;
}
