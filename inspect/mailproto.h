/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Command/response framing for SMTP, POP3, IMAP and FTP: each context is fed
 * the in-order bytes of both directions of one TCP connection (from the
 * reassembler) and reports, through a callback table, the commands and
 * replies (for IPS rules on commands), message bodies as decoded chunks plus
 * begin/complete events (for the antivirus), the switch to TLS (STARTTLS,
 * STLS, AUTH TLS: parsing stops, the TLS parser takes over) and, for FTP, the
 * address of the data connection (so the flow table can expect it).
 *
 * Design rules shared by the four framers:
 * - No allocation: a context lives in caller memory (e.g. the flow entry); its
 *   size is fixed by the limits below. *_free() only forgets state.
 * - No credentials are kept or reported: PASS, the password of IMAP LOGIN,
 *   the initial response of AUTH/AUTHENTICATE and every SASL exchange line are
 *   dropped; commands that had something removed carry redacted = true.
 * - Pointers handed to callbacks are valid only during the call.
 * - Bodies are never buffered: body_chunk gets slices as they are decoded, so
 *   a message of any size costs no memory.
 * - Every callback is optional (NULL is ignored).
 */
#ifndef UTM_INSPECT_MAILPROTO_H
#define UTM_INSPECT_MAILPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect/linebuf.h"

/* Bytes of an SMTP envelope address kept (NUL included); longer ones are cut. */
#define MAIL_ADDR_MAX 256
/* Recipients of one SMTP transaction kept; more are counted only. */
#define MAIL_RCPT_KEEP 8
/* Commands awaiting a reply that are remembered (SMTP/POP3 pipelining). */
#define MAIL_PENDING_MAX 32
/* Bytes of the IMAP fetch item name kept for a message ("BODY[1.2]"), NUL included. */
#define MAIL_SECTION_MAX 64
/* Bytes of an IMAP tag kept for matching replies (longer tags never match). */
#define MAIL_TAG_MAX 64
/* Bytes of a command verb kept, NUL included ("UID FETCH" fits). */
#define MAIL_VERB_MAX 24

/* Which way bytes travel on the connection. */
enum mail_dir {
	MAIL_TO_SERVER = 0, /* client -> server */
	MAIL_TO_CLIENT = 1, /* server -> client */
};

/* What a feed call left the connection in. */
enum mail_result {
	MAIL_PARSING = 0, /* keep feeding */
	MAIL_TLS = 1,	  /* the connection switched to TLS: further bytes are ignored */
};

/* Protocol irregularities, reported through the anomaly callback. */
enum mail_anomaly {
	MAIL_ANOM_LINE_TOO_LONG = 1, /* a line exceeded LINEBUF_MAX and was cut */
	MAIL_ANOM_BAD_REPLY,	     /* a server line that is not a reply of the protocol */
	MAIL_ANOM_UNEXPECTED_REPLY,  /* a reply with no command waiting for it */
	MAIL_ANOM_PIPELINE_OVERFLOW, /* more than MAIL_PENDING_MAX commands unanswered */
	MAIL_ANOM_DATA_REJECTED,     /* the server refused DATA/BDAT the client went on with */
	MAIL_ANOM_TRUNCATED_MESSAGE, /* the stream ended inside a message body */
	MAIL_ANOM_TRUNCATED_LINE,    /* the stream ended inside a line */
	MAIL_ANOM_BAD_BDAT,	     /* a BDAT size that is not a number */
	MAIL_ANOM_BAD_LITERAL,	     /* an IMAP literal size that is not a number */
	MAIL_ANOM_BAD_DATA_CHANNEL,  /* an FTP PORT/EPRT/PASV/EPSV address that does not parse */
	MAIL_ANOM_DATA_BEFORE_TLS,   /* client bytes after STARTTLS, and the server refused it */
	MAIL_ANOM_LAX_DATA_END,	     /* a body ended by "." with a bare LF (SMTP smuggling) */
	MAIL_ANOM_TOO_MANY_RCPT,     /* more than MAIL_RCPT_KEEP recipients: only counted */
	MAIL_ANOM_NO_ADDRESS,	     /* MAIL FROM / RCPT TO without an address */
};

/* Stable lower-case name of an anomaly, for EVE "anomaly" events. */
static inline const char *mail_anomaly_name(enum mail_anomaly a)
{
	switch (a) {
	case MAIL_ANOM_LINE_TOO_LONG:
		return "line_too_long";
	case MAIL_ANOM_BAD_REPLY:
		return "bad_reply";
	case MAIL_ANOM_UNEXPECTED_REPLY:
		return "unexpected_reply";
	case MAIL_ANOM_PIPELINE_OVERFLOW:
		return "pipeline_overflow";
	case MAIL_ANOM_DATA_REJECTED:
		return "data_rejected";
	case MAIL_ANOM_TRUNCATED_MESSAGE:
		return "truncated_message";
	case MAIL_ANOM_TRUNCATED_LINE:
		return "truncated_line";
	case MAIL_ANOM_BAD_BDAT:
		return "bad_bdat";
	case MAIL_ANOM_BAD_LITERAL:
		return "bad_literal";
	case MAIL_ANOM_BAD_DATA_CHANNEL:
		return "bad_data_channel";
	case MAIL_ANOM_DATA_BEFORE_TLS:
		return "data_before_tls";
	case MAIL_ANOM_LAX_DATA_END:
		return "lax_data_end";
	case MAIL_ANOM_TOO_MANY_RCPT:
		return "too_many_rcpt";
	case MAIL_ANOM_NO_ADDRESS:
		return "no_address";
	}
	return "unknown";
}

/* Status word of a POP3 or IMAP reply. */
enum mail_status {
	MAIL_ST_NONE = 0, /* SMTP/FTP (see code), IMAP untagged data ("* 3 EXISTS") */
	MAIL_ST_OK,	  /* POP3 +OK, IMAP OK */
	MAIL_ST_ERR,	  /* POP3 -ERR */
	MAIL_ST_NO,	  /* IMAP NO */
	MAIL_ST_BAD,	  /* IMAP BAD */
	MAIL_ST_PREAUTH,  /* IMAP PREAUTH greeting */
	MAIL_ST_BYE,	  /* IMAP BYE */
	MAIL_ST_CONT,	  /* POP3/IMAP continuation "+ " (SASL, literal go-ahead, IDLE) */
};

/* One client command line. */
struct mail_command {
	char verb[MAIL_VERB_MAX]; /* upper-cased, NUL-terminated ("MAIL", "UID FETCH") */
	const char *tag;	  /* IMAP tag, else NULL */
	size_t tag_len;		  /* bytes at tag */
	const char *args;	  /* the rest of the line after the verb, blanks skipped */
	size_t args_len;	  /* bytes at args; credentials are never included */
	bool redacted;		  /* something (password, SASL response) was removed from args */
	bool truncated;		  /* the line was longer than LINEBUF_MAX: args is its start */
};

/* One server reply line (a multi-line reply gives one call per line). */
struct mail_reply {
	int code;		 /* SMTP/FTP three-digit code; 0 for POP3/IMAP */
	enum mail_status status; /* POP3/IMAP status word; MAIL_ST_NONE for SMTP/FTP */
	const char *tag;	 /* IMAP: the tag, "*" or "+"; else NULL */
	size_t tag_len;		 /* bytes at tag */
	const char *text;	 /* the text after the code/status */
	size_t text_len;	 /* bytes at text */
	bool more;		 /* SMTP/FTP: more lines of this reply follow ("250-") */
	bool truncated;		 /* the line was longer than LINEBUF_MAX */
};

/* SMTP envelope of the current transaction. */
struct mail_envelope {
	char from[MAIL_ADDR_MAX];		  /* MAIL FROM address without <>, "" if none */
	char rcpt[MAIL_RCPT_KEEP][MAIL_ADDR_MAX]; /* RCPT TO addresses, the first rcpt_kept */
	unsigned int rcpt_kept;			  /* entries valid in rcpt */
	unsigned int rcpt_count;		  /* RCPT TO commands seen (may exceed rcpt_kept) */
};

/* A message handed on (SMTP DATA/BDAT, POP3 RETR/TOP, IMAP FETCH body/APPEND). */
struct mail_message {
	enum mail_dir dir;   /* MAIL_TO_SERVER: sent by the client (SMTP, APPEND) */
	uint32_t index;	     /* POP3 message number, IMAP sequence number, else 0 */
	const char *section; /* IMAP fetch item ("BODY[]", "RFC822", "APPEND"), else "" */
	bool partial;	     /* only a part: POP3 TOP, IMAP section or <partial> fetch */
	bool aborted;	     /* ended without its terminator (end of stream, refused) */
	uint64_t size;	     /* decoded bytes passed to body_chunk so far */
	const char *subject; /* first Subject header, unfolded, raw; "" if none (yet) */
	const struct mail_envelope *env; /* SMTP envelope; NULL for POP3/IMAP */
};

/* FTP data connection announced by PORT/EPRT (active) or a PASV/EPSV reply. */
struct ftp_data_channel {
	bool active;	  /* PORT/EPRT: the server connects to addr:port on the client side */
	uint8_t family;	  /* 4, 6, or 0 if only a port was given (EPSV, EPRT-less): use the
			   * address of the control connection's server */
	uint8_t addr[16]; /* network order; IPv4 in the first 4 bytes */
	uint16_t port;	  /* host order */
};

/* What the framers report. user is the pointer given to *_init(). */
struct mail_callbacks {
	/* A client command (pipelined commands give one call each, in order). */
	void (*command)(void *user, const struct mail_command *cmd);
	/* A server reply line. */
	void (*reply)(void *user, const struct mail_reply *rep);
	/* A message starts; msg->size is 0 and msg->subject "". */
	void (*message_begin)(void *user, const struct mail_message *msg);
	/* Decoded (dot-unstuffed) bytes of the current message of direction dir. */
	void (*body_chunk)(void *user, enum mail_dir dir, const uint8_t *data, size_t len);
	/* The message ended (complete, or aborted); meta as known at the end. */
	void (*message_complete)(void *user, const struct mail_message *msg);
	/* The server accepted STARTTLS/STLS/AUTH TLS: the rest of the connection is TLS. */
	void (*tls_start)(void *user);
	/* A protocol irregularity; text is a short static description. */
	void (*anomaly)(void *user, enum mail_dir dir, enum mail_anomaly code, const char *text);
	/* FTP only: a data connection to expect. */
	void (*data_channel)(void *user, const struct ftp_data_channel *ch);
};

/* Where a framer reports to. */
struct mail_sink {
	const struct mail_callbacks *cb; /* borrowed, must outlive the context */
	void *user;			 /* passed back to every callback */
};

/* A command waiting for its reply. */
struct mail_pending {
	uint8_t kind; /* protocol-specific command class */
	uint32_t arg; /* e.g. the POP3 message number of RETR */
};

/* FIFO of commands awaiting replies (pipelining), at most MAIL_PENDING_MAX. */
struct mail_fifo {
	uint8_t head;				 /* index of the oldest entry */
	uint8_t count;				 /* entries held */
	struct mail_pending e[MAIL_PENDING_MAX]; /* ring storage */
};

/* Decoding state of one message in flight (one per direction that can carry one). */
struct mail_msgstate {
	bool active;			 /* between message_begin and message_complete */
	enum mail_dir dir;		 /* see struct mail_message */
	uint32_t index;			 /* see struct mail_message */
	bool partial;			 /* see struct mail_message */
	uint64_t size;			 /* decoded bytes so far */
	char section[MAIL_SECTION_MAX];	 /* see struct mail_message, NUL-terminated */
	struct linebuf_hdr hdr;		 /* Subject scanner over the decoded bytes */
	const struct mail_envelope *env; /* SMTP envelope, or NULL */
};

/* Shared helpers (inspect/linebuf.c) for the framers below. */

/* Queue a command awaiting a reply; false (and nothing queued) when full. */
bool linebuf_fifo_push(struct mail_fifo *f, uint8_t kind, uint32_t arg);
/* The oldest waiting command, or NULL. */
struct mail_pending *linebuf_fifo_peek(struct mail_fifo *f);
/* Drop the oldest waiting command (no-op when empty). */
void linebuf_fifo_pop(struct mail_fifo *f);

/* Start a message (set dir, index, partial, section, env first); calls message_begin. */
void linebuf_msg_begin(struct mail_msgstate *m, const struct mail_sink *out);
/* Pass decoded bytes on to body_chunk and the Subject scanner. */
void linebuf_msg_data(struct mail_msgstate *m, const struct mail_sink *out, const uint8_t *data,
		      size_t len);
/* End the message (if one is active); calls message_complete. */
void linebuf_msg_end(struct mail_msgstate *m, const struct mail_sink *out, bool aborted);
/* Cut a command's arguments to their first word; redacted if more words were dropped. */
void linebuf_keep_first_word(struct mail_command *cmd);
/* Report an anomaly through the sink. */
void linebuf_anomaly(const struct mail_sink *out, enum mail_dir dir, enum mail_anomaly code,
		     const char *text);
/* Report a line cut at LINEBUF_MAX, if it was. */
void linebuf_check_long(const struct mail_sink *out, enum mail_dir dir,
			const struct linebuf_line *line);

/* ---- SMTP (RFC 5321, 3030 CHUNKING, 2920 PIPELINING, 3207 STARTTLS, 4954 AUTH) ---- */

/* One SMTP connection. Size: about 5 KiB (two line buffers, envelope). */
struct smtp_ctx {
	struct mail_sink out;	  /* callbacks */
	struct linebuf line[2];	  /* per direction: the line being received */
	uint8_t client;		  /* client direction mode (private) */
	bool tls;		  /* switched to TLS: nothing more is parsed */
	bool bdat_last;		  /* the BDAT chunk being received is the LAST one */
	bool tls_refused_data;	  /* client bytes arrived while waiting for STARTTLS reply */
	uint64_t bdat_left;	  /* bytes of the current BDAT chunk still to come */
	struct linebuf_dot dot;	  /* DATA body decoder */
	struct mail_fifo pending; /* commands awaiting replies */
	struct mail_envelope env; /* current transaction */
	struct mail_msgstate msg; /* the message being sent */
};

/* Start a connection; cb must outlive ctx. */
void smtp_init(struct smtp_ctx *ctx, const struct mail_callbacks *cb, void *user);
/* Feed in-order bytes of one direction (any split). */
enum mail_result smtp_feed(struct smtp_ctx *ctx, enum mail_dir dir, const uint8_t *buf, size_t len);
/* The direction ended: a partial line is processed, an open message is aborted. */
void smtp_eof(struct smtp_ctx *ctx, enum mail_dir dir);
/* Forget the connection (no memory is owned; provided for symmetry). */
void smtp_free(struct smtp_ctx *ctx);

/* ---- POP3 (RFC 1939, 2449 CAPA/PIPELINING, 2595 STLS, 5034 AUTH) ---- */

/* One POP3 connection. Size: about 2.8 KiB. */
struct pop3_ctx {
	struct mail_sink out;	  /* callbacks */
	struct linebuf line[2];	  /* per direction: the line being received */
	uint8_t client;		  /* client direction mode (private) */
	uint8_t server;		  /* server direction mode (private) */
	bool tls;		  /* switched to TLS */
	bool tls_refused_data;	  /* client bytes while waiting for the STLS reply */
	struct linebuf_dot dot;	  /* RETR/TOP body decoder */
	struct mail_fifo pending; /* commands awaiting replies */
	struct mail_msgstate msg; /* the message being retrieved */
};

/* Start a connection; cb must outlive ctx. */
void pop3_init(struct pop3_ctx *ctx, const struct mail_callbacks *cb, void *user);
/* Feed in-order bytes of one direction (any split). */
enum mail_result pop3_feed(struct pop3_ctx *ctx, enum mail_dir dir, const uint8_t *buf, size_t len);
/* The direction ended: a partial line is processed, an open message is aborted. */
void pop3_eof(struct pop3_ctx *ctx, enum mail_dir dir);
/* Forget the connection (no memory is owned). */
void pop3_free(struct pop3_ctx *ctx);

/* ---- IMAP (RFC 9051/3501, 7888 LITERAL+, 2177 IDLE, 3516 literal8) ---- */

/* Per-direction IMAP state. */
struct imap_side {
	uint8_t mode;	       /* line, continuation after a literal, inside a literal (private) */
	uint8_t cmd;	       /* client: class of the command being continued (private) */
	bool literal_body;     /* the literal being received is a message */
	bool literal_sync;     /* client: a synchronising literal, nothing of it seen yet */
	uint64_t literal_left; /* bytes of the literal still to come */
	uint32_t seq;	       /* server: sequence number of the FETCH being received */
	struct mail_msgstate msg; /* the message in this direction */
};

/* One IMAP connection. Size: about 3 KiB. */
struct imap_ctx {
	struct mail_sink out;		/* callbacks */
	struct linebuf line[2];		/* per direction: the line being received */
	struct imap_side side[2];	/* per direction */
	uint8_t client;			/* client session mode: normal, SASL, IDLE, TLS wait */
	bool tls;			/* switched to TLS */
	bool tls_refused_data;		/* client bytes while waiting for the STARTTLS reply */
	char wait_tag[MAIL_TAG_MAX];	/* tag of the STARTTLS/AUTHENTICATE/IDLE in progress */
	uint8_t wait_tag_len;		/* bytes in wait_tag (0: none) */
	char literal_tag[MAIL_TAG_MAX]; /* tag of the command with a synchronising literal */
	uint8_t literal_tag_len;	/* bytes in literal_tag (0: none) */
};

/* Start a connection; cb must outlive ctx. */
void imap_init(struct imap_ctx *ctx, const struct mail_callbacks *cb, void *user);
/* Feed in-order bytes of one direction (any split). */
enum mail_result imap_feed(struct imap_ctx *ctx, enum mail_dir dir, const uint8_t *buf, size_t len);
/* The direction ended: a partial line is processed, an open message is aborted. */
void imap_eof(struct imap_ctx *ctx, enum mail_dir dir);
/* Forget the connection (no memory is owned). */
void imap_free(struct imap_ctx *ctx);

/* ---- FTP control connection (RFC 959, 2428 EPRT/EPSV, 4217 AUTH TLS) ---- */

/* One FTP control connection. Size: about 2.2 KiB. */
struct ftp_ctx {
	struct mail_sink out;	/* callbacks */
	struct linebuf line[2]; /* per direction: the line being received */
	bool tls;		/* switched to TLS */
	bool auth_wait;		/* AUTH TLS/SSL sent, its reply not seen yet */
	bool tls_refused_data;	/* client bytes while waiting for the AUTH reply */
	int multi_code;		/* code of the multi-line reply in progress, 0 if none */
};

/* Start a connection; cb must outlive ctx. */
void ftp_init(struct ftp_ctx *ctx, const struct mail_callbacks *cb, void *user);
/* Feed in-order bytes of one direction (any split). */
enum mail_result ftp_feed(struct ftp_ctx *ctx, enum mail_dir dir, const uint8_t *buf, size_t len);
/* The direction ended: a partial line is processed. */
void ftp_eof(struct ftp_ctx *ctx, enum mail_dir dir);
/* Forget the connection (no memory is owned). */
void ftp_free(struct ftp_ctx *ctx);

/*
 * Parse the FTP address forms into ch (family, addr, port; active is left
 * alone): "h1,h2,h3,h4,p1,p2" (PORT argument; for a 227 reply pass the text
 * from the first digit), "|af|addr|port|" (EPRT argument, "|||port|" in a 229
 * reply: family 0). Return false if s does not parse.
 */
bool ftp_parse_hostport(const char *s, size_t len, struct ftp_data_channel *ch);
bool ftp_parse_extended(const char *s, size_t len, struct ftp_data_channel *ch);

#endif /* UTM_INSPECT_MAILPROTO_H */
