/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Byte-stream helpers shared by the SMTP, POP3, IMAP and FTP framers: an
 * incremental line splitter with a fixed maximum line length, the
 * dot-stuffing decoder for "CRLF.CRLF"-terminated message bodies, a cheap
 * Subject header scanner and word splitting. All of them work on pieces of a
 * stream as they arrive, never read past the length they are given, keep no
 * global state and hold at most the fixed-size buffers declared here.
 */
#ifndef UTM_INSPECT_LINEBUF_H
#define UTM_INSPECT_LINEBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes of a line kept (terminator excluded); the rest of a longer line is cut. */
#define LINEBUF_MAX 1024
/* Bytes kept of the end of every line, also of a cut one (IMAP literals end lines). */
#define LINEBUF_TAIL 32
/* Bytes of the unfolded Subject header kept (NUL included). */
#define LINEBUF_SUBJECT_MAX 256
/* Header bytes of a message scanned for Subject before giving up. */
#define LINEBUF_HDR_SCAN_MAX 65536

/* A line splitter: holds the part of a line that has arrived so far. */
struct linebuf {
	size_t len;	  /* bytes held in buf (at most LINEBUF_MAX) */
	size_t cut;	  /* bytes of the current line that did not fit and were dropped */
	bool emitted;	  /* buf holds a line handed out; cleared on the next call */
	uint8_t tail_len; /* valid bytes in tail */
	char tail[LINEBUF_TAIL + 1]; /* the last bytes of the current line and a CR */
	char buf[LINEBUF_MAX];	     /* the start of the current line */
};

/*
 * One complete line as handed out by linebuf_take(). The pointers are valid
 * until the next call on the same linebuf or until the input buffer given to
 * linebuf_take() goes away, whichever is first.
 */
struct linebuf_line {
	bool ready;	  /* a line is complete; the other fields are only set if so */
	bool truncated;	  /* the line was longer than LINEBUF_MAX: data is its start */
	bool bare_lf;	  /* ended by LF alone, not CRLF */
	const char *data; /* the line without its CRLF or LF, not NUL-terminated */
	size_t len;	  /* bytes at data (at most LINEBUF_MAX) */
	size_t full_len;  /* length of the whole line before cutting, terminator excluded */
	const char *tail; /* the last tail_len bytes of the whole line */
	size_t tail_len;  /* at most LINEBUF_TAIL */
};

/* Start empty. */
void linebuf_reset(struct linebuf *lb);

/*
 * Consume bytes of buf up to and including the first line end, or all of buf
 * when it holds none (the bytes are then kept, up to LINEBUF_MAX). Returns the
 * number of bytes consumed; line->ready says whether a line was completed.
 * Callers loop until all bytes are consumed, so that they can switch to a
 * non-line mode (message body, literal) right after any line.
 */
size_t linebuf_take(struct linebuf *lb, const uint8_t *buf, size_t len, struct linebuf_line *line);

/* The unterminated rest held at end of stream as a line (ready false if nothing is held). */
void linebuf_flush(struct linebuf *lb, struct linebuf_line *line);

/* Whether a line is partly held (used to report data cut off by end of stream). */
bool linebuf_pending(const struct linebuf *lb);

/* Receives decoded body bytes. */
typedef void (*linebuf_emit_fn)(void *arg, const uint8_t *data, size_t len);

/* Dot-stuffing decoder state (RFC 5321 4.5.2, RFC 1939 3). Zero is "start of a body". */
struct linebuf_dot {
	uint8_t state;	/* private: position relative to a line start and a leading dot */
	bool prev_cr;	/* the last byte seen was CR */
	bool bare_line; /* the current line began after a bare LF */
	bool lax_end;	/* output: the last terminator was not exactly CRLF "." CRLF */
};

/*
 * Decode a dot-stuffed body: bytes are passed to emit with the leading dot of
 * each line removed, until the terminating line "." (CRLF or bare LF), which is
 * not emitted. The CRLF before the terminator belongs to the body; d->lax_end
 * says whether a bare LF was part of the terminator (the ambiguity that "SMTP
 * smuggling" exploits: other servers may not end the message there). Returns the
 * bytes consumed; *done is set when the terminator was consumed (the decoder is
 * then reset for the next body). Emits slices of buf, without copying.
 */
size_t linebuf_dot_feed(struct linebuf_dot *d, const uint8_t *buf, size_t len, bool *done,
			linebuf_emit_fn emit, void *arg);

/* Header scanner: finds the first Subject header of an RFC 5322 message. Zero-initialise. */
struct linebuf_hdr {
	uint32_t scanned;     /* header bytes seen so far (stops at LINEBUF_HDR_SCAN_MAX) */
	uint16_t col;	      /* position in the current physical line (saturating) */
	uint8_t match;	      /* bytes of "subject:" matched at the start of this line */
	bool only_cr;	      /* the current line holds nothing but CR so far */
	bool in_subject;      /* the current (possibly folded) header is the Subject */
	bool have_subject;    /* a Subject header was found: later ones are ignored */
	bool done;	      /* the end of the header section (or the scan limit) was reached */
	uint16_t subject_len; /* bytes in subject */
	char subject[LINEBUF_SUBJECT_MAX]; /* unfolded, raw, NUL-terminated, control bytes -> ' ' */
};

/* Feed decoded message bytes; stops looking at the end of the header section. */
void linebuf_hdr_feed(struct linebuf_hdr *h, const uint8_t *data, size_t len);

/*
 * The next space-separated word of s[0..len) from *pos (spaces and tabs
 * skipped first): its start and length; *pos moves past it. Length 0 at the end.
 */
size_t linebuf_word(const char *s, size_t len, size_t *pos, const char **word);

/* Copy up to cap-1 bytes of s into out upper-cased and NUL-terminate; returns bytes copied. */
size_t linebuf_upper(char *out, size_t cap, const char *s, size_t len);

/* Case-insensitive equality of s[0..len) with the NUL-terminated ASCII word. */
bool linebuf_ieq(const char *s, size_t len, const char *word);

/*
 * Parse the decimal number s[0..len) (digits only, nothing else) into *out.
 * Returns false on an empty string, a non-digit or a value above max.
 */
bool linebuf_number(const char *s, size_t len, uint64_t max, uint64_t *out);

#endif /* UTM_INSPECT_LINEBUF_H */
