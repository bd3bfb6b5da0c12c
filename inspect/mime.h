/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * MIME (RFC 2045-2049, 5322) for file extraction from mail: a streaming parser
 * fed a message (headers and body, e.g. the body_chunk bytes of the mail
 * framers) in pieces of any size, which reports every leaf part with its
 * decoded bytes and the offsets of its encoded body in the message as fed (so
 * that a part can be rewritten in place), plus the transfer decoders and the
 * header parameter decoding it uses (RFC 2231, RFC 2047), which work on their
 * own too (e.g. Content-Disposition of an HTTP download).
 *
 * Design rules:
 * - No allocation: a context lives in caller memory (about 9 KiB); nothing is
 *   buffered but one header line, one header field and a line start (at most
 *   MIME_HOLD_MAX bytes) that might be a boundary.
 * - Malformed input is never fatal: every irregularity is an anomaly callback
 *   and parsing goes on the way lenient mail clients would.
 * - Pointers handed to callbacks are valid only during the call.
 * - Every callback is optional (NULL is ignored).
 */
#ifndef UTM_INSPECT_MIME_H
#define UTM_INSPECT_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Nesting of multiparts and message/rfc822 parts followed; deeper ones are leaves. */
#define MIME_DEPTH_MAX 16
/* Bytes of a boundary kept (RFC 2046 allows 70); a longer one is matched on its start. */
#define MIME_BOUNDARY_MAX 128
/* Bytes of a header line kept (RFC 5322 allows 998); the rest is cut. */
#define MIME_LINE_MAX 1024
/* Bytes of one Content-* field kept, unfolded (long RFC 2231 file names fit). */
#define MIME_FIELD_MAX 4096
/* Header bytes of one part or message parsed; fields after them are ignored. */
#define MIME_HDR_MAX 65536
/* Sizes of the strings of struct mime_part, NUL included. */
#define MIME_TYPE_MAX	 128
#define MIME_CHARSET_MAX 48
#define MIME_DISP_MAX	 32
#define MIME_NAME_MAX	 256
#define MIME_PATH_MAX	 200
/* Most bytes of the message held back at a line start while deciding on a boundary. */
#define MIME_HOLD_MAX (2 + 2 + MIME_BOUNDARY_MAX)

/* Content-Transfer-Encoding. */
enum mime_cte {
	MIME_CTE_7BIT = 0, /* also the default when the header is missing */
	MIME_CTE_8BIT,
	MIME_CTE_BINARY,
	MIME_CTE_BASE64,
	MIME_CTE_QP,	/* quoted-printable */
	MIME_CTE_OTHER, /* unknown (x-uuencode...): passed through undecoded */
};

/* Irregularities, reported through the anomaly callback. */
enum mime_anomaly {
	MIME_ANOM_LINE_TOO_LONG = 1, /* a header line longer than MIME_LINE_MAX: cut */
	MIME_ANOM_HEADER_TOO_LONG,   /* a field over MIME_FIELD_MAX or a header over MIME_HDR_MAX */
	MIME_ANOM_BAD_HEADER_LINE,   /* a header line that is no field: the body starts there */
	MIME_ANOM_DUPLICATE_HEADER,  /* a second Content-* field of a kind: ignored */
	MIME_ANOM_DEPTH_EXCEEDED,    /* a container deeper than MIME_DEPTH_MAX: made a leaf */
	MIME_ANOM_NO_BOUNDARY,	     /* a multipart without boundary: made a leaf */
	MIME_ANOM_LONG_BOUNDARY,     /* a boundary over 70 bytes (cut at MIME_BOUNDARY_MAX) */
	MIME_ANOM_ENCODED_CONTAINER, /* a multipart or message in base64/QP: made a leaf */
	MIME_ANOM_MISSING_CLOSE,     /* a multipart ended without its closing delimiter */
	MIME_ANOM_BOUNDARY_JUNK,     /* text after a boundary on its line */
	MIME_ANOM_PART_AFTER_CLOSE,  /* a delimiter after the closing one: a part is opened */
	MIME_ANOM_BAD_BASE64,	     /* base64 characters ignored, or a dangling bit group */
	MIME_ANOM_BAD_QP,	     /* quoted-printable escapes that are no escapes */
	MIME_ANOM_UNKNOWN_ENCODING,  /* an unknown Content-Transfer-Encoding: not decoded */
};

/* Stable lower-case name of an anomaly, for EVE "anomaly" events. */
const char *mime_anomaly_name(enum mime_anomaly a);

/* A leaf part. Strings are NUL-terminated UTF-8, control characters replaced. */
struct mime_part {
	char path[MIME_PATH_MAX];	 /* IMAP section number: "1", "2.1", "3.2.1" */
	unsigned int depth;		 /* containers around it: 0 for a single-part message */
	char type[MIME_TYPE_MAX];	 /* lower-case "application/pdf"; "text/plain" by default */
	char charset[MIME_CHARSET_MAX];	 /* lower-case charset parameter, "" if none */
	enum mime_cte cte;		 /* how the body is encoded */
	char disposition[MIME_DISP_MAX]; /* lower-case "attachment", "inline", "" if none */
	char filename[MIME_NAME_MAX];	 /* Content-Disposition filename, else Content-Type
					  * name; "" if none; cut at a character boundary */
	uint64_t body_start;		 /* message offset of the first encoded body byte */
	uint64_t body_end;		 /* part_end: offset after the last one (the CRLF before
					  * the delimiter is not the body's) */
	uint64_t decoded;		 /* decoded bytes delivered so far (total at part_end) */
	uint32_t bad;			 /* decoding errors: base64 characters ignored, dangling
					  * bits, QP escapes that are no escapes */
	bool ended;			 /* part_end: the body ended where MIME says it ends (its
					  * delimiter, or the end of a message that needs none), not
					  * by the end of input or an outer boundary */
};

/* What the parser reports. user is the pointer given to mime_init(). */
struct mime_callbacks {
	/* A leaf part's headers are parsed; body_start is set. */
	void (*part_start)(void *user, const struct mime_part *p);
	/* Decoded bytes of the current part, in order. */
	void (*part_data)(void *user, const struct mime_part *p, const uint8_t *data, size_t len);
	/* The part ended: body_end, decoded, bad and ended are final. */
	void (*part_end)(void *user, const struct mime_part *p);
	/* An irregularity at (or near) message offset off; never fatal. */
	void (*anomaly)(void *user, enum mime_anomaly a, uint64_t off);
};

/* Streaming transfer decoder (base64, quoted-printable, or identity); set up by
 * mime_dec_init(). */
struct mime_dec {
	enum mime_cte cte; /* which decoding */
	uint8_t n;	   /* base64: sextets held; QP: bytes held in held[] */
	uint8_t state;	   /* QP: after '=', after '=X', after '=' and blanks (private) */
	bool ended;	   /* base64: padding seen, the next character starts a new group */
	uint32_t acc;	   /* base64: the sextets held */
	uint32_t bad;	   /* decoding errors so far */
	char held[12];	   /* QP: '=', a hex digit or blanks awaiting what follows */
};

/* Output room a feed of len input bytes needs (finish needs MIME_DEC_OUT(0)). */
#define MIME_DEC_OUT(len) ((len) + 16)

void mime_dec_init(struct mime_dec *d, enum mime_cte cte);
/* Decode in[0..len) into out (room MIME_DEC_OUT(len)); returns bytes written. */
size_t mime_dec_feed(struct mime_dec *d, const uint8_t *in, size_t len, uint8_t *out);
/* End of input: flush what is held (a partial base64 group); returns bytes written. */
size_t mime_dec_finish(struct mime_dec *d, uint8_t *out);
/* Decode a whole small string; output cut at cap; *bad (may be NULL) gets the errors. */
size_t mime_decode_buf(enum mime_cte cte, const uint8_t *in, size_t len, uint8_t *out, size_t cap,
		       uint32_t *bad);
/* Content-Transfer-Encoding value (any case, blanks and comments around) to enum. */
enum mime_cte mime_cte_parse(const char *s, size_t len);

/*
 * Header fields (inspect/mime_hdr.c). field is the value after "Name:",
 * unfolded (CRLFs removed), not NUL-terminated. Outputs are NUL-terminated and
 * cut to cap - 1 bytes (text at a UTF-8 character boundary); cap must be >= 1.
 */

/* The value before the parameters ("multipart/mixed"), lower-cased, comments dropped. */
size_t mime_hdr_value(const char *field, size_t len, char *out, size_t cap);
/* A parameter's raw value (quoted-string unescaped, no charset decoding), e.g. boundary;
 * false if absent. The first of duplicates wins. */
bool mime_hdr_param_raw(const char *field, size_t len, const char *name, char *out, size_t cap,
			size_t *out_len);
/* A parameter as text: RFC 2231 (name*=charset'lang'%XX, name*0*=... continuations),
 * else the plain value with RFC 2047 encoded words in it decoded (mailers do that with
 * file names); converted to UTF-8, control characters replaced. false if absent. */
bool mime_hdr_param_text(const char *field, size_t len, const char *name, char *out, size_t cap);
/* An unstructured field (Subject) with RFC 2047 encoded words decoded, as UTF-8. */
size_t mime_hdr_decode_words(const char *in, size_t len, char *out, size_t cap);

/* Charsets (inspect/mime_charset.c). */

/* Convert bytes in charset (MIME name, any case; "" means US-ASCII/UTF-8) to UTF-8:
 * iconv, with the Windows supersets mailers really use (CP932 for Shift_JIS and
 * ISO-2022-JP, GB18030, CP949, windows-1252 for Latin-1); undecodable bytes become
 * U+FFFD, control characters (C0, DEL, C1, bidirectional overrides) '_'. */
size_t mime_charset_to_utf8(const char *charset, const uint8_t *in, size_t len, char *out,
			    size_t cap);

/* ---- The streaming parser (inspect/mime.c) ---- */

/* An enclosing multipart or message/rfc822 part. */
struct mime_frame {
	uint8_t kind;	  /* multipart or message (private) */
	uint8_t state;	  /* multipart: preamble, in a part, epilogue (private) */
	uint8_t path_len; /* path components of the entity that holds it */
	uint8_t blen;	  /* bytes in boundary */
	bool digest;	  /* multipart/digest: parts are message/rfc822 by default */
	uint32_t parts;	  /* parts opened so far */
	char boundary[MIME_BOUNDARY_MAX];
};

/* One message being parsed. */
struct mime_ctx {
	const struct mime_callbacks *cb; /* borrowed, must outlive the context */
	void *user;
	uint64_t pos;	  /* bytes fed so far */
	uint8_t mode;	  /* headers, body, rest of a boundary line, done (private) */
	uint8_t nfr;	  /* frames in fr[] */
	uint8_t nmulti;	  /* of them multiparts (boundaries to look for) */
	uint8_t path_len; /* components in path[] of the entity being parsed */
	uint32_t path[MIME_DEPTH_MAX + 2];
	struct mime_frame fr[MIME_DEPTH_MAX];

	/* Headers of the entity being parsed. */
	bool h_msg;	   /* the entity is a message (top or message/rfc822) */
	uint8_t h_field;   /* which Content-* field fbuf holds (private) */
	uint8_t h_seen;	   /* Content-* fields seen (bits, private) */
	bool h_over;	   /* past MIME_HDR_MAX */
	bool h_first;	   /* no line of the top message seen yet (mbox "From ") */
	uint32_t h_bytes;  /* header bytes so far */
	uint64_t line_off; /* offset of the line in lbuf */
	size_t llen, lcut; /* bytes in lbuf, bytes of the line dropped */
	size_t flen;	   /* bytes in fbuf */
	bool fcut;	   /* the field did not fit */
	char boundary[MIME_BOUNDARY_MAX];
	uint8_t blen;
	char lbuf[MIME_LINE_MAX];
	char fbuf[MIME_FIELD_MAX];

	/* Body. */
	bool leaf;	   /* the body is a leaf part's: decoded and reported */
	bool at_ls;	   /* at a line start, collecting pfx */
	bool cr_held;	   /* hold is a CR that may start a CRLF */
	uint8_t hold_len;  /* line terminator held before a possible boundary */
	uint8_t pfx_len;   /* bytes in pfx */
	int8_t pfx_full;   /* innermost frame whose "--boundary" pfx matched, or -1 */
	uint32_t pfx_cand; /* frames still matching pfx (bits) */
	uint64_t hold_off; /* offset of hold[0] */
	uint64_t ls_off;   /* offset of pfx[0] */
	uint8_t hold[2];
	uint8_t pfx[2 + MIME_BOUNDARY_MAX];
	struct mime_dec dec;   /* the leaf's decoder */
	struct mime_part part; /* the leaf (or the entity whose headers are parsed) */

	/* Rest of a boundary line. */
	int8_t bl_frame; /* its frame */
	uint8_t bl_n;	 /* bytes after the boundary seen (up to 2) */
	bool bl_close;	 /* "--" followed: closing delimiter */
	bool bl_junk;	 /* non-blank text followed */
};

/* Start a message; cb must outlive ctx. */
void mime_init(struct mime_ctx *ctx, const struct mime_callbacks *cb, void *user);
/* Feed the next bytes of the message (any split). */
void mime_feed(struct mime_ctx *ctx, const uint8_t *buf, size_t len);
/* End of the message: ends the open part and reports unclosed multiparts. Further feeds
 * are ignored until mime_init(). */
void mime_finish(struct mime_ctx *ctx);

#endif /* UTM_INSPECT_MIME_H */
