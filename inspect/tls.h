/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * TLS first-flight parser for utm-inspect: the client's ClientHello (SNI,
 * ALPN, versions and the raw lists a JA3/JA4 fingerprint is built from) and
 * the server's ServerHello (selected version and cipher), read from the
 * in-order bytes of a TCP stream as they arrive.
 *
 * Two layers:
 *  - struct tls_stream reassembles the first handshake message of one
 *    direction from TLS records, incrementally: the bytes may come in any
 *    number of pieces, and the message may span several records. It copies
 *    the handshake message into a buffer the caller provides (its size is
 *    the memory cap), and parses it once complete.
 *  - tls_client_hello_parse() and tls_server_hello_parse() are pure
 *    functions over a complete handshake message body, usable on their own.
 *
 * Ownership: every pointer in struct tls_client_hello and struct
 * tls_server_hello points into the buffer that was parsed (for a stream, the
 * caller's buffer given to tls_stream_init), and is valid while that buffer
 * is neither freed nor re-used by tls_stream_init.
 *
 * No global state, no allocation, no I/O. All loops are bounded by the input
 * length.
 */
#ifndef UTM_INSPECT_TLS_H
#define UTM_INSPECT_TLS_H

#include <stddef.h>
#include <stdint.h>

/* Largest TLS record payload (RFC 8446 5.1: 2^14). Longer records are refused. */
#define TLS_RECORD_MAX 16384
/* Bytes of the record header: type, version (2), length (2). */
#define TLS_RECORD_HEADER 5
/* Bytes of the handshake message header: type, length (3). */
#define TLS_HS_HEADER 4
/*
 * A buffer size for tls_stream_init that holds any ClientHello seen in
 * practice (post-quantum key shares make them about 2 KiB): one full record.
 */
#define TLS_STREAM_BUF_DEFAULT (TLS_RECORD_MAX + TLS_HS_HEADER)

/* Handshake message types this parser reads. */
#define TLS_HS_CLIENT_HELLO 1
#define TLS_HS_SERVER_HELLO 2

/* Extension types the parser interprets (IANA TLS ExtensionType values). */
#define TLS_EXT_SERVER_NAME	   0
#define TLS_EXT_SUPPORTED_GROUPS   10
#define TLS_EXT_EC_POINT_FORMATS   11
#define TLS_EXT_SIGNATURE_ALGS	   13
#define TLS_EXT_ALPN		   16
#define TLS_EXT_SUPPORTED_VERSIONS 43

/* Protocol versions as they appear on the wire. */
#define TLS_VERSION_SSL3  0x0300
#define TLS_VERSION_TLS10 0x0301
#define TLS_VERSION_TLS11 0x0302
#define TLS_VERSION_TLS12 0x0303
#define TLS_VERSION_TLS13 0x0304

/* Longest SNI host name kept as text (a DNS name is at most 253 bytes; 255 leaves room). */
#define TLS_SNI_MAX 255
/* ALPN protocol names recorded individually; the raw list always has all of them. */
#define TLS_ALPN_MAX 8

/* What tls_stream_feed says about the stream so far. */
enum tls_status {
	TLS_NEED_MORE = 0, /* valid so far, feed more bytes */
	TLS_DONE = 1,	   /* the hello is complete and parsed; further bytes are ignored */
	TLS_NOT_TLS = -1,  /* the stream does not start with a TLS handshake record */
	TLS_MALFORMED = -2 /* it looked like TLS but breaks the protocol: see the reason */
};

/* Why a stream is TLS_NOT_TLS or TLS_MALFORMED (or why a parse function refused). */
enum tls_error {
	TLS_OK = 0,
	TLS_ERR_NOT_HANDSHAKE,	    /* first byte is not 22 (handshake record) */
	TLS_ERR_BAD_RECORD_VERSION, /* record version major byte is not 3 */
	TLS_ERR_UNEXPECTED_MESSAGE, /* first handshake message is not the expected hello */
	TLS_ERR_RECORD_TYPE,	    /* a later record of the hello is not a handshake record */
	TLS_ERR_RECORD_LENGTH,	    /* a record of length 0 or over TLS_RECORD_MAX */
	TLS_ERR_TOO_BIG,	    /* the hello does not fit the caller's buffer */
	TLS_ERR_TRUNCATED,	    /* a field runs past the end of the message */
	TLS_ERR_TRAILING,	    /* bytes after the last field of the message */
	TLS_ERR_SESSION_ID,	    /* session id longer than 32 bytes */
	TLS_ERR_CIPHER_SUITES,	    /* cipher suite list empty or of odd length */
	TLS_ERR_COMPRESSION,	    /* compression method list empty */
	TLS_ERR_EXTENSION_LENGTH,   /* an extension's length disagrees with its block */
	TLS_ERR_DUPLICATE_EXT,	    /* the same interpreted extension twice */
	TLS_ERR_SNI,		    /* server_name extension inconsistent or empty name */
	TLS_ERR_ALPN,		    /* ALPN list inconsistent or an empty protocol name */
	TLS_ERR_LIST,		    /* a u16 list (groups, versions, sigalgs) of odd length */
	TLS_ERR_COUNT
};

/* Verdict on an SNI host name: RFC 6066 asks for a DNS host name in ASCII, no trailing dot. */
enum tls_sni_check {
	TLS_SNI_VALID = 0,	    /* labels of [A-Za-z0-9_-], 1..63 bytes, at most 253 in all */
	TLS_SNI_BAD_CHAR = 1,	    /* a byte outside letters, digits, '-', '_' and '.' */
	TLS_SNI_EMPTY_LABEL = 2,    /* ".a", "a..b" */
	TLS_SNI_LABEL_TOO_LONG = 3, /* a label over 63 bytes */
	TLS_SNI_TOO_LONG = 4,	    /* over 253 bytes */
	TLS_SNI_TRAILING_DOT = 5,   /* "a.b." */
	TLS_SNI_IS_IPV4 = 6,	    /* an IPv4 literal, which RFC 6066 forbids */
};

/*
 * A list of big-endian 16-bit values (cipher suites, groups, ...) inside the
 * parsed buffer: n values at p. Read one with tls_u16_at().
 */
struct tls_u16_list {
	const uint8_t *p; /* first byte of the list (NULL when absent) */
	uint16_t n;	  /* number of values */
};

/* One ALPN protocol name, in the parsed buffer (not NUL-terminated). */
struct tls_alpn_name {
	const uint8_t *p; /* the name's bytes */
	uint8_t len;	  /* its length, 1..255 */
};

/* Everything extracted from a ClientHello. */
struct tls_client_hello {
	uint16_t legacy_version;     /* client_version field (0x0303 for TLS 1.2 and 1.3) */
	uint8_t session_id_len;	     /* 0..32 */
	struct tls_u16_list ciphers; /* cipher suites in order, GREASE included */
	const uint8_t *compression;  /* compression method bytes */
	uint8_t compression_len;     /* 1..255 */

	const uint8_t *extensions; /* the extension block (type, length, data)... or NULL */
	uint16_t extensions_len;   /* its length in bytes */
	uint16_t ext_count;	   /* number of extensions, GREASE included */

	/* server_name, host_name entry. */
	int has_sni;		      /* 1 when a host_name was present */
	const uint8_t *sni_raw;	      /* the name as sent (not NUL-terminated) */
	uint16_t sni_len;	      /* its length, >= 1 */
	char sni[TLS_SNI_MAX + 1];    /* lower-cased NUL-terminated copy ("" if over 255 or NUL) */
	enum tls_sni_check sni_check; /* host-name verdict on sni_raw */

	/* application_layer_protocol_negotiation. */
	int has_alpn;				 /* 1 when the extension was present */
	const uint8_t *alpn_raw;		 /* protocol_name_list without its length */
	uint16_t alpn_raw_len;			 /* its length */
	uint16_t alpn_count;			 /* number of protocol names in the list */
	struct tls_alpn_name alpn[TLS_ALPN_MAX]; /* the first TLS_ALPN_MAX of them */

	struct tls_u16_list supported_versions; /* supported_versions (n == 0 if absent) */
	uint16_t max_version;	    /* highest non-GREASE supported version, else legacy_version */
	struct tls_u16_list groups; /* supported_groups */
	const uint8_t *ec_point_formats;    /* ec_point_formats bytes, or NULL */
	uint8_t ec_point_formats_len;	    /* their number */
	struct tls_u16_list signature_algs; /* signature_algorithms */
};

/* What a ServerHello tells. */
struct tls_server_hello {
	uint16_t legacy_version;   /* server_version field */
	uint8_t session_id_len;	   /* 0..32 */
	uint16_t cipher;	   /* the selected cipher suite */
	uint8_t compression;	   /* the selected compression method */
	const uint8_t *extensions; /* extension block, or NULL */
	uint16_t extensions_len;   /* its length */
	uint16_t ext_count;	   /* number of extensions */
	uint16_t selected_version; /* supported_versions choice, else legacy_version */
	int hello_retry;	   /* 1 for a TLS 1.3 HelloRetryRequest (special random) */
	const uint8_t *alpn;	   /* ALPN protocol chosen (TLS <= 1.2 only), or NULL */
	uint8_t alpn_len;	   /* its length */
};

/*
 * Reassembly state of one direction's first handshake message. Initialise
 * with tls_stream_init; all fields are private to tls.c except the results
 * documented below (read them once tls_stream_feed returned TLS_DONE).
 */
struct tls_stream {
	uint8_t *buf;			/* the caller's buffer: the handshake message goes here */
	size_t cap;			/* its size: the memory cap of this stream */
	size_t have;			/* handshake bytes copied into buf so far */
	uint8_t hdr[TLS_RECORD_HEADER]; /* the record header being read */
	uint8_t hdr_have;		/* bytes of hdr read */
	uint16_t rec_left;		/* payload bytes of the current record not yet read */
	uint8_t expect;			/* TLS_HS_CLIENT_HELLO or TLS_HS_SERVER_HELLO */
	enum tls_status status;		/* last status returned */
	enum tls_error error;		/* reason when status < 0 */
	uint16_t record_version;	/* result: version field of the first record */
	unsigned int records;		/* result: records used for the hello */
	uint64_t consumed; /* stream bytes read, up to the hello's last byte when done */
	union {
		struct tls_client_hello client; /* result when expect is CLIENT_HELLO */
		struct tls_server_hello server; /* result when expect is SERVER_HELLO */
	} hello;
};

/*
 * Start reading the stream that should carry a hello of type expect
 * (TLS_HS_CLIENT_HELLO on the client-to-server side, TLS_HS_SERVER_HELLO on
 * the other). buf (cap bytes, TLS_STREAM_BUF_DEFAULT suggested, at least
 * TLS_HS_HEADER) receives the handshake message and stays the caller's.
 */
void tls_stream_init(struct tls_stream *s, uint8_t expect, uint8_t *buf, size_t cap);

/*
 * Feed the next len in-order bytes of the stream. Returns the new status;
 * once it is not TLS_NEED_MORE it stays so and further calls return it
 * without reading. On TLS_DONE, s->hello holds the result and s->consumed
 * is the stream offset just after the hello's last byte (what follows in the
 * same record, e.g. a Certificate message, is not read).
 */
enum tls_status tls_stream_feed(struct tls_stream *s, const uint8_t *data, size_t len);

/*
 * Parse a ClientHello body: the len bytes after the 4-byte handshake
 * header. Fills *out (which then points into body). Returns TLS_OK or the
 * error; on error *out holds what was read before it.
 */
enum tls_error tls_client_hello_parse(const uint8_t *body, size_t len,
				      struct tls_client_hello *out);

/* The same for a ServerHello body. */
enum tls_error tls_server_hello_parse(const uint8_t *body, size_t len,
				      struct tls_server_hello *out);

/* Value i (< l->n) of a u16 list. */
static inline uint16_t tls_u16_at(const struct tls_u16_list *l, unsigned int i)
{
	return (uint16_t)(l->p[2 * i] << 8 | l->p[2 * i + 1]);
}

/* 1 for a GREASE value (RFC 8701: 0x0a0a, 0x1a1a, ... 0xfafa). */
static inline int tls_is_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/*
 * Judge n bytes as an SNI host name (see enum tls_sni_check). Pure; also
 * used by the parser to fill sni_check.
 */
enum tls_sni_check tls_sni_classify(const uint8_t *name, size_t n);

/*
 * The JA3 string of a ClientHello: "version,ciphers,extensions,groups,
 * formats", decimal values joined by '-', GREASE values left out. Writes at
 * most outlen bytes including the NUL; returns the string length, or -1
 * when outlen is too small (out is then ""). A buffer of
 * 6 * (extensions_len + 2 * ciphers.n) + 32 bytes always suffices.
 * (The MD5 of this string is the JA3 hash; no hashing is done here.)
 */
int tls_ja3_string(const struct tls_client_hello *h, char *out, size_t outlen);

/* Short text of an error, e.g. "session id longer than 32 bytes". */
const char *tls_strerror(enum tls_error err);

/* Short text of a stream status: "need more", "done", "not TLS", "malformed". */
const char *tls_status_name(enum tls_status st);

#endif /* UTM_INSPECT_TLS_H */
