// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for inspect/{linebuf,smtp,pop3,imap,ftp}.c: transcripts of real
 * sessions (RFC examples with real servers' greetings: Postfix, Dovecot,
 * vsftpd) are fed whole, one byte at a time and cut at every position; the
 * events (commands, replies, messages, TLS, anomalies, data channels) must be
 * exactly the expected ones and the same for every split. Every buffer handed
 * to a framer is a malloc of exactly its length, so ASan catches over-reads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/mailproto.h"

#define LOG_MAX	 16384
#define BODY_MAX 8192

enum proto { P_SMTP, P_POP3, P_IMAP, P_FTP };

/* What the callbacks saw, as text. */
struct rec {
	char log[LOG_MAX];
	size_t log_len;
	char body[2][BODY_MAX]; /* per direction, all messages concatenated */
	size_t body_len[2];
};

static void logf_(struct rec *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(struct rec *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(r->log + r->log_len, sizeof(r->log) - r->log_len, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(r->log) - r->log_len);
	r->log_len += (size_t)n;
}

static void on_command(void *u, const struct mail_command *c)
{
	logf_(u, "C %.*s%s%s|%.*s%s\n", (int)c->tag_len, c->tag ? c->tag : "", c->tag ? " " : "",
	      c->verb, (int)c->args_len, c->args, c->redacted ? " [redacted]" : "");
}

static void on_reply(void *u, const struct mail_reply *r)
{
	static const char *const st[] = {"", "OK", "ERR", "NO", "BAD", "PREAUTH", "BYE", "+"};

	logf_(u, "R %d%s %.*s%s%s|%.*s\n", r->code, r->more ? "-" : "", (int)r->tag_len,
	      r->tag ? r->tag : "", r->tag ? " " : "", st[r->status], (int)r->text_len, r->text);
}

static void on_begin(void *u, const struct mail_message *m)
{
	logf_(u, "B dir=%d idx=%u sec=%s partial=%d\n", m->dir, m->index, m->section, m->partial);
}

static void on_body(void *u, enum mail_dir dir, const uint8_t *data, size_t len)
{
	struct rec *r = u;

	assert_true(len > 0);
	assert_true(r->body_len[dir] + len <= BODY_MAX);
	memcpy(r->body[dir] + r->body_len[dir], data, len);
	r->body_len[dir] += len;
}

static void on_complete(void *u, const struct mail_message *m)
{
	unsigned int i;

	logf_(u, "M dir=%d idx=%u size=%llu subject=\"%s\" aborted=%d", m->dir, m->index,
	      (unsigned long long)m->size, m->subject, m->aborted);
	if (m->env) {
		logf_(u, " from=<%s> rcpt=%u:", m->env->from, m->env->rcpt_count);
		for (i = 0; i < m->env->rcpt_kept; i++)
			logf_(u, "<%s>", m->env->rcpt[i]);
	}
	logf_(u, "\n");
}

static void on_tls(void *u)
{
	logf_(u, "TLS\n");
}

static void on_anomaly(void *u, enum mail_dir dir, enum mail_anomaly code, const char *text)
{
	assert_non_null(text);
	logf_(u, "A %d %s\n", dir, mail_anomaly_name(code));
}

static void on_channel(void *u, const struct ftp_data_channel *ch)
{
	char text[64] = "-";

	if (ch->family)
		inet_ntop(ch->family == 4 ? AF_INET : AF_INET6, ch->addr, text, sizeof(text));
	logf_(u, "D active=%d %s %u\n", ch->active, text, ch->port);
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

/* One step of a transcript: 'C' client->server, 'S' server->client, 'E' eof of both. */
struct step {
	char who;
	const char *text; /* NUL-terminated */
};

union anyctx {
	struct smtp_ctx smtp;
	struct pop3_ctx pop3;
	struct imap_ctx imap;
	struct ftp_ctx ftp;
};

static void ctx_init(union anyctx *c, enum proto p, struct rec *r)
{
	switch (p) {
	case P_SMTP:
		smtp_init(&c->smtp, &cbs, r);
		break;
	case P_POP3:
		pop3_init(&c->pop3, &cbs, r);
		break;
	case P_IMAP:
		imap_init(&c->imap, &cbs, r);
		break;
	case P_FTP:
		ftp_init(&c->ftp, &cbs, r);
		break;
	}
}

/* Feed an exact-size heap copy (no byte after it for ASan to miss). */
static enum mail_result ctx_feed(union anyctx *c, enum proto p, enum mail_dir d, const char *s,
				 size_t len)
{
	uint8_t *buf = malloc(len ? len : 1);
	enum mail_result res = MAIL_PARSING;

	assert_non_null(buf);
	memcpy(buf, s, len);
	switch (p) {
	case P_SMTP:
		res = smtp_feed(&c->smtp, d, buf, len);
		break;
	case P_POP3:
		res = pop3_feed(&c->pop3, d, buf, len);
		break;
	case P_IMAP:
		res = imap_feed(&c->imap, d, buf, len);
		break;
	case P_FTP:
		res = ftp_feed(&c->ftp, d, buf, len);
		break;
	}
	free(buf);
	return res;
}

static void ctx_eof(union anyctx *c, enum proto p, enum mail_dir d)
{
	switch (p) {
	case P_SMTP:
		smtp_eof(&c->smtp, d);
		break;
	case P_POP3:
		pop3_eof(&c->pop3, d);
		break;
	case P_IMAP:
		imap_eof(&c->imap, d);
		break;
	case P_FTP:
		ftp_eof(&c->ftp, d);
		break;
	}
}

/*
 * Run a transcript, cutting each step into pieces of at most piece bytes
 * (0: whole), the first piece of each step cut at first_cut if nonzero.
 * Returns the result of the last feed.
 */
static enum mail_result run(enum proto p, const struct step *steps, size_t piece, size_t first_cut,
			    struct rec *r)
{
	static union anyctx c;
	enum mail_result res = MAIL_PARSING;
	size_t i, off;

	memset(r, 0, sizeof(*r));
	ctx_init(&c, p, r);
	for (i = 0; steps[i].who; i++) {
		const char *s = steps[i].text;
		size_t len = strlen(s);
		enum mail_dir d = steps[i].who == 'C' ? MAIL_TO_SERVER : MAIL_TO_CLIENT;

		if (steps[i].who == 'E') {
			ctx_eof(&c, p, MAIL_TO_SERVER);
			ctx_eof(&c, p, MAIL_TO_CLIENT);
			continue;
		}
		for (off = 0; off < len || len == 0;) {
			size_t n = piece && piece < len - off ? piece : len - off;

			if (first_cut && off == 0 && first_cut < len)
				n = first_cut;
			res = ctx_feed(&c, p, d, s + off, n);
			off += n;
			if (len == 0)
				break;
		}
	}
	return res;
}

/* The transcript gives want_log and bodies whole, byte by byte and cut anywhere. */
static void check_transcript(enum proto p, const struct step *steps, const char *want_log,
			     const char *want_up, const char *want_down, enum mail_result want_res)
{
	static struct rec whole, split;
	size_t cut;

	assert_int_equal(run(p, steps, 0, 0, &whole), want_res);
	if (strcmp(whole.log, want_log))
		fail_msg("log differs:\n--- got\n%s--- want\n%s", whole.log, want_log);
	assert_int_equal(whole.body_len[MAIL_TO_SERVER], strlen(want_up));
	assert_memory_equal(whole.body[MAIL_TO_SERVER], want_up, strlen(want_up));
	assert_int_equal(whole.body_len[MAIL_TO_CLIENT], strlen(want_down));
	assert_memory_equal(whole.body[MAIL_TO_CLIENT], want_down, strlen(want_down));

	assert_int_equal(run(p, steps, 1, 0, &split), want_res);
	assert_string_equal(split.log, whole.log);
	assert_int_equal(split.body_len[0], whole.body_len[0]);
	assert_memory_equal(split.body[0], whole.body[0], whole.body_len[0]);
	assert_int_equal(split.body_len[1], whole.body_len[1]);
	assert_memory_equal(split.body[1], whole.body[1], whole.body_len[1]);

	for (cut = 1; cut < 400; cut++) {
		run(p, steps, 0, cut, &split);
		if (strcmp(split.log, whole.log))
			fail_msg("cut at %zu:\n--- got\n%s--- want\n%s", cut, split.log, whole.log);
		assert_memory_equal(split.body[0], whole.body[0], whole.body_len[0]);
		assert_memory_equal(split.body[1], whole.body[1], whole.body_len[1]);
	}
}

/* ---- SMTP ------------------------------------------------------------------ */

/* RFC 5321 D.1 shape, Postfix greeting and EHLO, RFC 2920 pipelining, AUTH PLAIN. */
static const struct step smtp_session[] = {
	{'S', "220 mail.example.org ESMTP Postfix (Debian/GNU)\r\n"},
	{'C', "EHLO client.example.com\r\n"},
	{'S', "250-mail.example.org\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n"
	      "250-AUTH PLAIN LOGIN\r\n250-CHUNKING\r\n250 SMTPUTF8\r\n"},
	{'C', "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n"},
	{'S', "235 2.7.0 Authentication successful\r\n"},
	{'C', "MAIL FROM:<alice@example.com> SIZE=200\r\nRCPT TO:<bob@example.org>\r\n"
	      "RCPT TO:<carol@example.org> NOTIFY=NEVER\r\nDATA\r\n"},
	{'S', "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n"
	      "354 End data with <CR><LF>.<CR><LF>\r\n"},
	{'C', "From: alice@example.com\r\nSubject: Quarterly\r\n report\r\n\r\nHello Bob,\r\n"
	      "..leading dot\r\n.\r\n"},
	{'S', "250 2.0.0 Ok: queued as 4F2C81E0\r\n"},
	{'C', "QUIT\r\n"},
	{'S', "221 2.0.0 Bye\r\n"},
	{0, NULL},
};

static void test_smtp_session(void **state)
{
	check_transcript(P_SMTP, smtp_session,
			 "R 220 |mail.example.org ESMTP Postfix (Debian/GNU)\n"
			 "C EHLO|client.example.com\n"
			 "R 250- |mail.example.org\n"
			 "R 250- |PIPELINING\n"
			 "R 250- |SIZE 10240000\n"
			 "R 250- |STARTTLS\n"
			 "R 250- |AUTH PLAIN LOGIN\n"
			 "R 250- |CHUNKING\n"
			 "R 250 |SMTPUTF8\n"
			 "C AUTH|PLAIN [redacted]\n"
			 "R 235 |2.7.0 Authentication successful\n"
			 "C MAIL|FROM:<alice@example.com> SIZE=200\n"
			 "C RCPT|TO:<bob@example.org>\n"
			 "C RCPT|TO:<carol@example.org> NOTIFY=NEVER\n"
			 "C DATA|\n"
			 "B dir=0 idx=0 sec= partial=0\n"
			 "R 250 |2.1.0 Ok\n"
			 "R 250 |2.1.5 Ok\n"
			 "R 250 |2.1.5 Ok\n"
			 "R 354 |End data with <CR><LF>.<CR><LF>\n"
			 "M dir=0 idx=0 size=82 subject=\"Quarterly report\" aborted=0 "
			 "from=<alice@example.com> rcpt=2:<bob@example.org><carol@example.org>\n"
			 "R 250 |2.0.0 Ok: queued as 4F2C81E0\n"
			 "C QUIT|\n"
			 "R 221 |2.0.0 Bye\n",
			 "From: alice@example.com\r\nSubject: Quarterly\r\n report\r\n\r\n"
			 "Hello Bob,\r\n.leading dot\r\n",
			 "", MAIL_PARSING);
}

/* SASL continuation lines (AUTH LOGIN) are credentials: never reported. */
static const struct step smtp_auth_login[] = {
	{'S', "220 mx ESMTP\r\n"},
	{'C', "AUTH LOGIN\r\n"},
	{'S', "334 VXNlcm5hbWU6\r\n"},
	{'C', "YWxpY2U=\r\n"},
	{'S', "334 UGFzc3dvcmQ6\r\n"},
	{'C', "c2VjcmV0\r\n"},
	{'S', "535 5.7.8 Error: authentication failed\r\n"},
	{'C', "NOOP\r\n"},
	{'S', "250 2.0.0 Ok\r\n"},
	{0, NULL},
};

static void test_smtp_auth_login(void **state)
{
	check_transcript(P_SMTP, smtp_auth_login,
			 "R 220 |mx ESMTP\n"
			 "C AUTH|LOGIN\n"
			 "R 334 |VXNlcm5hbWU6\n"
			 "R 334 |UGFzc3dvcmQ6\n"
			 "R 535 |5.7.8 Error: authentication failed\n"
			 "C NOOP|\n"
			 "R 250 |2.0.0 Ok\n",
			 "", "", MAIL_PARSING);
}

/* RFC 3030 example: BDAT chunks are raw (no dot-unstuffing), LAST ends the message. */
static const struct step smtp_bdat[] = {
	{'S', "220 mx ESMTP\r\n"},
	{'C', "MAIL FROM:<Sam@Random.com>\r\nRCPT TO:<Susan@Random.com>\r\n"
	      "BDAT 29\r\nSubject: hi\r\n\r\nline\r\n.\r\n..x\r\n"
	      "BDAT 4 LAST\r\nend\n"},
	{'S', "250 <Sam@Random.com>... Sender ok\r\n250 <Susan@Random.com>... Recipient ok\r\n"
	      "250 29 octets received\r\n250 Message OK, 33 octets received\r\n"},
	{'C', "BDAT 0 LAST\r\n"},
	{'S', "250 ok\r\n"},
	{0, NULL},
};

static void test_smtp_bdat(void **state)
{
	check_transcript(P_SMTP, smtp_bdat,
			 "R 220 |mx ESMTP\n"
			 "C MAIL|FROM:<Sam@Random.com>\n"
			 "C RCPT|TO:<Susan@Random.com>\n"
			 "C BDAT|29\n"
			 "B dir=0 idx=0 sec= partial=0\n"
			 "C BDAT|4 LAST\n"
			 "M dir=0 idx=0 size=33 subject=\"hi\" aborted=0 "
			 "from=<Sam@Random.com> rcpt=1:<Susan@Random.com>\n"
			 "R 250 |<Sam@Random.com>... Sender ok\n"
			 "R 250 |<Susan@Random.com>... Recipient ok\n"
			 "R 250 |29 octets received\n"
			 "R 250 |Message OK, 33 octets received\n"
			 "C BDAT|0 LAST\n"
			 "B dir=0 idx=0 sec= partial=0\n"
			 "M dir=0 idx=0 size=0 subject=\"\" aborted=0 "
			 "from=<Sam@Random.com> rcpt=1:<Susan@Random.com>\n"
			 "R 250 |ok\n",
			 "Subject: hi\r\n\r\nline\r\n.\r\n..x\r\nend\n", "", MAIL_PARSING);
}

/* After the 220 reply to STARTTLS nothing is parsed: the ClientHello is not a command. */
static const struct step smtp_starttls[] = {
	{'S', "220 mx ESMTP\r\n"},
	{'C', "EHLO c\r\n"},
	{'S', "250-mx\r\n250 STARTTLS\r\n"},
	{'C', "STARTTLS\r\n"},
	{'C', "\x16\x03\x01\x02\x01\x01\x02\x01\xfc\x03\x03QUIT\r\n"},
	{'S', "220 2.0.0 Ready to start TLS\r\n\x16\x03\x03\x01\x7a"},
	{'C', "MAIL FROM:<x@y>\r\n"},
	{0, NULL},
};

static void test_smtp_starttls(void **state)
{
	check_transcript(P_SMTP, smtp_starttls,
			 "R 220 |mx ESMTP\n"
			 "C EHLO|c\n"
			 "R 250- |mx\n"
			 "R 250 |STARTTLS\n"
			 "C STARTTLS|\n"
			 "R 220 |2.0.0 Ready to start TLS\n"
			 "TLS\n",
			 "", "", MAIL_TLS);
}

static const struct step smtp_starttls_refused[] = {
	{'S', "220 mx ESMTP\r\n"},
	{'C', "STARTTLS\r\n"},
	{'S', "454 4.7.0 TLS not available due to local problem\r\n"},
	{'C', "QUIT\r\n"},
	{0, NULL},
};

static void test_smtp_starttls_refused(void **state)
{
	check_transcript(P_SMTP, smtp_starttls_refused,
			 "R 220 |mx ESMTP\n"
			 "C STARTTLS|\n"
			 "R 454 |4.7.0 TLS not available due to local problem\n"
			 "C QUIT|\n",
			 "", "", MAIL_PARSING);
}

/* "SMTP smuggling": a bare-LF end of data is accepted but flagged; refused DATA aborts. */
static const struct step smtp_smuggle[] = {
	{'S', "220 mx ESMTP\r\n"},
	{'C', "DATA\r\n"},
	{'S', "354 go\r\n"},
	{'C', "a\r\n\n.\nMAIL FROM:<evil@x>\r\n"},
	{'S', "250 queued\r\n250 ok\r\n"},
	{'C', "DATA\r\nstray\r\n"},
	{'S', "554 5.5.1 Error: no valid recipients\r\n"},
	{'C', "QUIT\r\n"},
	{'E', ""},
	{0, NULL},
};

static void test_smtp_smuggling_and_refusal(void **state)
{
	check_transcript(P_SMTP, smtp_smuggle,
			 "R 220 |mx ESMTP\n"
			 "C DATA|\n"
			 "B dir=0 idx=0 sec= partial=0\n"
			 "R 354 |go\n"
			 "A 0 lax_data_end\n"
			 "M dir=0 idx=0 size=4 subject=\"\" aborted=0 from=<> rcpt=0:\n"
			 "C MAIL|FROM:<evil@x>\n"
			 "R 250 |queued\n"
			 "R 250 |ok\n"
			 "C DATA|\n"
			 "B dir=0 idx=0 sec= partial=0\n"
			 "R 554 |5.5.1 Error: no valid recipients\n"
			 "A 0 data_rejected\n"
			 "M dir=0 idx=0 size=7 subject=\"\" aborted=1 from=<evil@x> rcpt=0:\n"
			 "C QUIT|\n",
			 "a\r\n\nstray\r\n", "", MAIL_PARSING);
}

/* An over-long command is cut and flagged; the next one is intact. Also EOF mid-message. */
static void test_smtp_long_line_and_eof(void **state)
{
	static char big[3000];
	struct step steps[] = {
		{'S', "220 mx\r\n"}, {'C', big}, {'C', "NOOP\r\nDATA\r\nSubject: cut"},
		{'E', ""},	     {0, NULL},
	};
	static struct rec r;

	memset(big, 'A', sizeof(big) - 3);
	memcpy(big, "HELO ", 5);
	memcpy(big + sizeof(big) - 3, "\r\n", 3);
	run(P_SMTP, steps, 0, 0, &r);
	assert_int_equal(r.body_len[0], 12);
	/* The cut line keeps its first LINEBUF_MAX bytes: "HELO " + 1019 'A'. */
	assert_non_null(strstr(r.log, "A 0 line_too_long\nC HELO|AAAA"));
	assert_non_null(strstr(r.log, "AAA\nC NOOP|\nC DATA|\nB dir=0 idx=0 sec= partial=0\n"
				      "A 0 truncated_message\n"
				      "M dir=0 idx=0 size=12 subject=\"cut\" aborted=1"));
	assert_int_equal(strchr(strstr(r.log, "C HELO|"), '\n') - strstr(r.log, "C HELO|"),
			 7 + LINEBUF_MAX - 5);
}

/* ---- POP3 ------------------------------------------------------------------ */

/* RFC 1939 section 10 example with a Dovecot greeting, pipelined RETR and TOP. */
static const struct step pop3_session[] = {
	{'S', "+OK Dovecot (Debian) ready.\r\n"},
	{'C', "CAPA\r\n"},
	{'S', "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nSTLS\r\nPIPELINING\r\n.\r\n"},
	{'C', "USER mrose\r\n"},
	{'S', "+OK\r\n"},
	{'C', "PASS tanstaaf\r\n"},
	{'S', "+OK Logged in.\r\n"},
	{'C', "STAT\r\nLIST\r\n"},
	{'S', "+OK 2 320\r\n+OK 2 messages:\r\n1 120\r\n2 200\r\n.\r\n"},
	{'C', "RETR 1\r\nTOP 2 0\r\nRETR 9\r\n"},
	{'S', "+OK 120 octets\r\nSubject: =?UTF-8?Q?caf=C3=A9?=\r\nFrom: a@b\r\n\r\n"
	      "..hidden\r\n...\r\n.\r\n"},
	{'S', "+OK\r\nSubject: second\r\n\r\n.\r\n-ERR no such message\r\n"},
	{'C', "QUIT\r\n"},
	{'S', "+OK Logging out.\r\n"},
	{0, NULL},
};

static void test_pop3_session(void **state)
{
	check_transcript(P_POP3, pop3_session,
			 "R 0 OK|Dovecot (Debian) ready.\n"
			 "C CAPA|\n"
			 "R 0 OK|\n"
			 "C USER|mrose\n"
			 "R 0 OK|\n"
			 "C PASS| [redacted]\n"
			 "R 0 OK|Logged in.\n"
			 "C STAT|\n"
			 "C LIST|\n"
			 "R 0 OK|2 320\n"
			 "R 0 OK|2 messages:\n"
			 "C RETR|1\n"
			 "C TOP|2 0\n"
			 "C RETR|9\n"
			 "R 0 OK|120 octets\n"
			 "B dir=1 idx=1 sec= partial=0\n"
			 "M dir=1 idx=1 size=58 subject=\"=?UTF-8?Q?caf=C3=A9?=\" aborted=0\n"
			 "R 0 OK|\n"
			 "B dir=1 idx=2 sec= partial=1\n"
			 "M dir=1 idx=2 size=19 subject=\"second\" aborted=0\n"
			 "R 0 ERR|no such message\n"
			 "C QUIT|\n"
			 "R 0 OK|Logging out.\n",
			 "",
			 "Subject: =?UTF-8?Q?caf=C3=A9?=\r\nFrom: a@b\r\n\r\n.hidden\r\n..\r\n"
			 "Subject: second\r\n\r\n",
			 MAIL_PARSING);
}

static const struct step pop3_stls[] = {
	{'S', "+OK ready\r\n"},
	{'C', "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"},
	{'S', "-ERR bad\r\n"},
	{'C', "STLS\r\n"},
	{'S', "+OK Begin TLS negotiation now.\r\n"},
	{'C', "\x16\x03\x01"},
	{0, NULL},
};

static void test_pop3_stls(void **state)
{
	check_transcript(P_POP3, pop3_stls,
			 "R 0 OK|ready\n"
			 "C APOP|mrose [redacted]\n"
			 "R 0 ERR|bad\n"
			 "C STLS|\n"
			 "R 0 OK|Begin TLS negotiation now.\n"
			 "TLS\n",
			 "", "", MAIL_TLS);
}

static const struct step pop3_cut[] = {
	{'S', "+OK ready\r\n"},
	{'C', "RETR 3\r\n"},
	{'S', "+OK\r\nSubject: partial\r\n\r\nbody"},
	{'E', ""},
	{0, NULL},
};

static void test_pop3_eof_in_message(void **state)
{
	check_transcript(P_POP3, pop3_cut,
			 "R 0 OK|ready\n"
			 "C RETR|3\n"
			 "R 0 OK|\n"
			 "B dir=1 idx=3 sec= partial=0\n"
			 "A 1 truncated_message\n"
			 "M dir=1 idx=3 size=24 subject=\"partial\" aborted=1\n",
			 "", "Subject: partial\r\n\r\nbody", MAIL_PARSING);
}

/* ---- IMAP ------------------------------------------------------------------ */

/* RFC 3501 6.3.11 APPEND and 8 (example) with a Dovecot greeting. */
static const struct step imap_session[] = {
	{'S', "* OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE STARTTLS] Dovecot ready.\r\n"},
	{'C', "a001 LOGIN mrc secret\r\n"},
	{'S', "a001 OK LOGIN completed\r\n"},
	{'C', "a002 select inbox\r\n"},
	{'S', "* 18 EXISTS\r\n* FLAGS (\\Answered \\Seen)\r\na002 OK [READ-WRITE] done\r\n"},
	{'C', "a003 FETCH 12 (FLAGS BODY[])\r\n"},
	{'S', "* 12 FETCH (FLAGS (\\Seen) BODY[] {38}\r\n"
	      "Subject: Hi\r\n\r\nbody line\r\n.\r\nnot end\r\n"
	      " UID 7)\r\na003 OK FETCH completed\r\n"},
	{'C', "a004 UID FETCH 7 (BODY[HEADER] BODY[2]<0>)\r\n"},
	{'S', "* 12 FETCH (UID 7 BODY[HEADER] {14}\r\nSubject: Hi\r\n BODY[2]<0> {3}\r\n"
	      "abc)\r\na004 OK done\r\n"},
	{'C', "A005 APPEND saved-messages (\\Seen) {26}\r\n"},
	{'S', "+ Ready for literal data\r\n"},
	{'C', "Subject: afternoon\r\n\r\nhi\r\n\r\n"},
	{'C', "A006 APPEND {5+}\r\nDrafts {9+}\r\nbody\r\n.\r\n\r\n"},
	{'S', "A005 OK APPEND completed\r\nA006 OK done\r\n"},
	{'C', "A007 IDLE\r\n"},
	{'S', "+ idling\r\n* 19 EXISTS\r\n"},
	{'C', "DONE\r\n"},
	{'S', "A007 OK IDLE terminated\r\n"},
	{'C', "A008 LOGOUT\r\n"},
	{'S', "* BYE IMAP4rev1 Server logging out\r\nA008 OK LOGOUT completed\r\n"},
	{0, NULL},
};

static void test_imap_session(void **state)
{
	check_transcript(P_IMAP, imap_session,
			 "R 0 * OK|[CAPABILITY IMAP4rev1 LITERAL+ IDLE STARTTLS] Dovecot ready.\n"
			 "C a001 LOGIN|mrc [redacted]\n"
			 "R 0 a001 OK|LOGIN completed\n"
			 "C a002 SELECT|inbox\n"
			 "R 0 * |18 EXISTS\n"
			 "R 0 * |FLAGS (\\Answered \\Seen)\n"
			 "R 0 a002 OK|[READ-WRITE] done\n"
			 "C a003 FETCH|12 (FLAGS BODY[])\n"
			 "R 0 * |12 FETCH (FLAGS (\\Seen) BODY[] {38}\n"
			 "B dir=1 idx=12 sec=BODY[] partial=0\n"
			 "M dir=1 idx=12 size=38 subject=\"Hi\" aborted=0\n"
			 "R 0 a003 OK|FETCH completed\n"
			 "C a004 UID FETCH|7 (BODY[HEADER] BODY[2]<0>)\n"
			 "R 0 * |12 FETCH (UID 7 BODY[HEADER] {14}\n"
			 "B dir=1 idx=12 sec=BODY[2]<0> partial=1\n"
			 "M dir=1 idx=12 size=3 subject=\"\" aborted=0\n"
			 "R 0 a004 OK|done\n"
			 "C A005 APPEND|saved-messages (\\Seen) {26}\n"
			 "B dir=0 idx=0 sec=APPEND partial=0\n"
			 "R 0 + +|Ready for literal data\n"
			 "M dir=0 idx=0 size=26 subject=\"afternoon\" aborted=0\n"
			 "C A006 APPEND|{5+}\n"
			 "B dir=0 idx=0 sec=APPEND partial=0\n"
			 "M dir=0 idx=0 size=9 subject=\"\" aborted=0\n"
			 "R 0 A005 OK|APPEND completed\n"
			 "R 0 A006 OK|done\n"
			 "C A007 IDLE|\n"
			 "R 0 + +|idling\n"
			 "R 0 * |19 EXISTS\n"
			 "C DONE|\n"
			 "R 0 A007 OK|IDLE terminated\n"
			 "C A008 LOGOUT|\n"
			 "R 0 * BYE|IMAP4rev1 Server logging out\n"
			 "R 0 A008 OK|LOGOUT completed\n",
			 "Subject: afternoon\r\n\r\nhi\r\nbody\r\n.\r\n",
			 "Subject: Hi\r\n\r\nbody line\r\n.\r\nnot end\r\nabc", MAIL_PARSING);
}

/* A refused synchronising literal is never sent: the next line is a command again. */
static const struct step imap_refused_literal[] = {
	{'S', "* OK ready\r\n"},
	{'C', "a1 APPEND INBOX {999999}\r\n"},
	{'S', "a1 NO [OVERQUOTA] too big\r\n"},
	{'C', "a2 STARTTLS\r\n"},
	{'S', "a2 OK Begin TLS negotiation now\r\n"},
	{'C', "\x16\x03\x01"},
	{0, NULL},
};

static void test_imap_refused_literal_starttls(void **state)
{
	check_transcript(P_IMAP, imap_refused_literal,
			 "R 0 * OK|ready\n"
			 "C a1 APPEND|INBOX {999999}\n"
			 "B dir=0 idx=0 sec=APPEND partial=0\n"
			 "R 0 a1 NO|[OVERQUOTA] too big\n"
			 "M dir=0 idx=0 size=0 subject=\"\" aborted=1\n"
			 "C a2 STARTTLS|\n"
			 "R 0 a2 OK|Begin TLS negotiation now\n"
			 "TLS\n",
			 "", "", MAIL_TLS);
}

/* AUTHENTICATE: the SASL lines are skipped; LOGIN literals are not kept. */
static const struct step imap_auth[] = {
	{'S', "* OK ready\r\n"},   {'C', "a1 AUTHENTICATE PLAIN\r\n"},
	{'S', "+ \r\n"},	   {'C', "AGFsaWNlAHNlY3JldA==\r\n"},
	{'S', "a1 NO failed\r\n"}, {'C', "a2 LOGIN {5}\r\nalice {6}\r\nsecret\r\n"},
	{'S', "a2 OK done\r\n"},   {0, NULL},
};

static void test_imap_auth(void **state)
{
	check_transcript(P_IMAP, imap_auth,
			 "R 0 * OK|ready\n"
			 "C a1 AUTHENTICATE|PLAIN\n"
			 "R 0 + +|\n"
			 "R 0 a1 NO|failed\n"
			 "C a2 LOGIN|{5}\n"
			 "R 0 a2 OK|done\n",
			 "", "", MAIL_PARSING);
}

/* ---- FTP ------------------------------------------------------------------- */

static const struct step ftp_session[] = {
	{'S', "220 (vsFTPd 3.0.3)\r\n"},
	{'C', "USER anonymous\r\n"},
	{'S', "331 Please specify the password.\r\n"},
	{'C', "PASS guest@\r\n"},
	{'S', "230 Login successful.\r\n"},
	{'C', "FEAT\r\n"},
	{'S', "211-Features:\r\n EPRT\r\n EPSV\r\n PASV\r\n211 End\r\n"},
	{'C', "PASV\r\n"},
	{'S', "227 Entering Passive Mode (192,168,1,20,195,80).\r\n"},
	{'C', "RETR pub/file name.zip\r\n"},
	{'S', "150 Opening BINARY mode data connection.\r\n226 Transfer complete.\r\n"},
	{'C', "EPSV\r\n"},
	{'S', "229 Entering Extended Passive Mode (|||6446|)\r\n"},
	{'C', "PORT 10,0,0,5,4,1\r\nEPRT |2|2001:db8::1|5282|\r\nSTOR up.txt\r\n"},
	{'C', "PORT 300,1,1,1,1,1\r\n"},
	{'C', "AUTH TLS\r\n"},
	{'S', "234 Proceed with negotiation.\r\n"},
	{0, NULL},
};

static void test_ftp_session(void **state)
{
	check_transcript(P_FTP, ftp_session,
			 "R 220 |(vsFTPd 3.0.3)\n"
			 "C USER|anonymous\n"
			 "R 331 |Please specify the password.\n"
			 "C PASS| [redacted]\n"
			 "R 230 |Login successful.\n"
			 "C FEAT|\n"
			 "R 211- |Features:\n"
			 "R 211- | EPRT\n"
			 "R 211- | EPSV\n"
			 "R 211- | PASV\n"
			 "R 211 |End\n"
			 "C PASV|\n"
			 "R 227 |Entering Passive Mode (192,168,1,20,195,80).\n"
			 "D active=0 192.168.1.20 50000\n"
			 "C RETR|pub/file name.zip\n"
			 "R 150 |Opening BINARY mode data connection.\n"
			 "R 226 |Transfer complete.\n"
			 "C EPSV|\n"
			 "R 229 |Entering Extended Passive Mode (|||6446|)\n"
			 "D active=0 - 6446\n"
			 "C PORT|10,0,0,5,4,1\n"
			 "D active=1 10.0.0.5 1025\n"
			 "C EPRT||2|2001:db8::1|5282|\n"
			 "D active=1 2001:db8::1 5282\n"
			 "C STOR|up.txt\n"
			 "C PORT|300,1,1,1,1,1\n"
			 "A 0 bad_data_channel\n"
			 "C AUTH|TLS\n"
			 "R 234 |Proceed with negotiation.\n"
			 "TLS\n",
			 "", "", MAIL_TLS);
}

/* ---- linebuf --------------------------------------------------------------- */

static void test_linebuf_lines(void **state)
{
	static struct linebuf lb;
	struct linebuf_line line;
	static uint8_t big[LINEBUF_MAX + 100];
	size_t n;

	linebuf_reset(&lb);
	/* CR and LF in different pieces. */
	assert_int_equal(linebuf_take(&lb, (const uint8_t *)"ab\r", 3, &line), 3);
	assert_false(line.ready);
	assert_int_equal(linebuf_take(&lb, (const uint8_t *)"\nxy\n", 4, &line), 1);
	assert_true(line.ready);
	assert_false(line.bare_lf);
	assert_int_equal(line.len, 2);
	assert_memory_equal(line.data, "ab", 2);
	assert_int_equal(linebuf_take(&lb, (const uint8_t *)"xy\n", 3, &line), 3);
	assert_true(line.bare_lf);
	assert_int_equal(line.len, 2);

	/* A line exactly LINEBUF_MAX long plus CRLF is not truncated, one more byte is. */
	memset(big, 'x', sizeof(big));
	big[LINEBUF_MAX] = '\r';
	big[LINEBUF_MAX + 1] = '\n';
	n = linebuf_take(&lb, big, 10, &line);
	n += linebuf_take(&lb, big + n, sizeof(big) - n, &line);
	assert_int_equal(n, LINEBUF_MAX + 2);
	assert_false(line.truncated);
	assert_int_equal(line.len, LINEBUF_MAX);
	big[LINEBUF_MAX] = 'y';
	big[LINEBUF_MAX + 1] = '}';
	big[LINEBUF_MAX + 2] = '\r';
	big[LINEBUF_MAX + 3] = '\n';
	n = linebuf_take(&lb, big, sizeof(big), &line);
	assert_int_equal(n, LINEBUF_MAX + 4);
	assert_true(line.truncated);
	assert_int_equal(line.len, LINEBUF_MAX);
	assert_int_equal(line.full_len, LINEBUF_MAX + 2);
	assert_int_equal(line.tail_len, LINEBUF_TAIL);
	assert_memory_equal(line.tail + LINEBUF_TAIL - 2, "y}", 2);
	/* At end of stream the unterminated rest is a line. */
	linebuf_take(&lb, (const uint8_t *)"QUI", 3, &line);
	assert_true(linebuf_pending(&lb));
	linebuf_flush(&lb, &line);
	assert_true(line.ready);
	assert_int_equal(line.len, 3);
	assert_false(linebuf_pending(&lb));
}

static void emit_cat(void *arg, const uint8_t *data, size_t len)
{
	struct rec *r = arg;

	memcpy(r->body[0] + r->body_len[0], data, len);
	r->body_len[0] += len;
}

static void test_linebuf_dot(void **state)
{
	static const char in[] = ".\r.x\r\n..\r\n.\rz\r\n.\r\nafter";
	static const char want[] = "\r.x\r\n.\r\n\rz\r\n";
	static struct rec r;
	struct linebuf_dot d = {0};
	size_t i, used = 0;
	bool done = false;

	/* One byte at a time: held-back CRs and dots come out right. */
	memset(&r, 0, sizeof(r));
	for (i = 0; i < sizeof(in) - 1 && !done; i++)
		used += linebuf_dot_feed(&d, (const uint8_t *)in + i, 1, &done, emit_cat, &r);
	assert_true(done);
	assert_false(d.lax_end);
	assert_int_equal(used, sizeof(in) - 1 - 5);
	assert_int_equal(r.body_len[0], sizeof(want) - 1);
	assert_memory_equal(r.body[0], want, sizeof(want) - 1);

	/* The whole at once, and "\r\n.\n" flagged lax. */
	memset(&r, 0, sizeof(r));
	used = linebuf_dot_feed(&d, (const uint8_t *)"a\r\n.\nb", 6, &done, emit_cat, &r);
	assert_true(done);
	assert_true(d.lax_end);
	assert_int_equal(used, 5);
	assert_int_equal(r.body_len[0], 3);
}

static void test_ftp_address_parsers(void **state)
{
	struct ftp_data_channel ch;

	assert_true(ftp_parse_hostport("1,2,3,4,0,21)", 13, &ch));
	assert_int_equal(ch.family, 4);
	assert_int_equal(ch.port, 21);
	assert_memory_equal(ch.addr, "\x01\x02\x03\x04", 4);
	assert_false(ftp_parse_hostport("1,2,3,4,0", 9, &ch));
	assert_false(ftp_parse_hostport("1,2,3,4,0,0", 11, &ch)); /* port 0 */
	assert_false(ftp_parse_hostport("1,2,3,4,256,1", 13, &ch));
	assert_true(ftp_parse_extended("!1!132.235.1.2!6275!", 20, &ch));
	assert_int_equal(ch.family, 4);
	assert_int_equal(ch.port, 6275);
	assert_false(ftp_parse_extended("|1|::1|21|", 10, &ch));
	assert_false(ftp_parse_extended("|||70000|", 9, &ch));
	assert_false(ftp_parse_extended("|||21", 5, &ch));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smtp_session),
		cmocka_unit_test(test_smtp_auth_login),
		cmocka_unit_test(test_smtp_bdat),
		cmocka_unit_test(test_smtp_starttls),
		cmocka_unit_test(test_smtp_starttls_refused),
		cmocka_unit_test(test_smtp_smuggling_and_refusal),
		cmocka_unit_test(test_smtp_long_line_and_eof),
		cmocka_unit_test(test_pop3_session),
		cmocka_unit_test(test_pop3_stls),
		cmocka_unit_test(test_pop3_eof_in_message),
		cmocka_unit_test(test_imap_session),
		cmocka_unit_test(test_imap_refused_literal_starttls),
		cmocka_unit_test(test_imap_auth),
		cmocka_unit_test(test_ftp_session),
		cmocka_unit_test(test_linebuf_lines),
		cmocka_unit_test(test_linebuf_dot),
		cmocka_unit_test(test_ftp_address_parsers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
