/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * DNS message parser for utm-inspect: header, questions and resource
 * records with name decompression, as a UDP payload or out of a TCP stream
 * (2-byte length framing, incremental across segments). What it extracts is
 * what Suricata's dns EVE events and the dns.query rule buffer need: rrname,
 * rrtype, rcode, and answers with TTL and A / AAAA / CNAME (also NS, PTR, MX)
 * data.
 *
 * Names are kept the way Suricata keeps them: the label bytes joined by '.',
 * no trailing dot, case preserved, "" for the root. dnsmsg_name_text() makes
 * the EVE text from that.
 *
 * Compression safety: a pointer must lead strictly before the start of the
 * run of labels it ends, so every jump goes backwards and a name can never
 * loop; names are refused beyond 255 wire bytes (RFC 1035 3.1), so at most
 * 127 labels, and at most DNSMSG_MAX_HOPS pointers are followed.
 *
 * No global state, no allocation, no I/O; all loops are bounded by the
 * message length.
 */
#ifndef UTM_INSPECT_DNS_H
#define UTM_INSPECT_DNS_H

#include <stddef.h>
#include <stdint.h>

#define DNSMSG_HEADER_LEN 12
/* Longest name in wire form, length bytes and root byte included (RFC 1035). */
#define DNSMSG_NAME_WIRE_MAX 255
/* Longest name as dotted text: 255 wire bytes give at most 253 characters. */
#define DNSMSG_NAME_MAX 253
/* At most 127 labels fit in 255 wire bytes. */
#define DNSMSG_MAX_LABELS 127
/* Compression pointers followed for one name; real messages need 1 or 2. */
#define DNSMSG_MAX_HOPS 32
/* Questions kept in struct dnsmsg (all are parsed; qdcount is 1 in practice). */
#define DNSMSG_MAX_QUESTIONS 4
/* Resource records kept, answers first (all are parsed and checked). */
#define DNSMSG_MAX_RRS 32
/* Room for dnsmsg_name_text output: each byte can become "\xNN". */
#define DNSMSG_NAME_TEXT_MAX (4 * DNSMSG_NAME_MAX + 1)
/* Largest DNS message over TCP (the length prefix is 16 bits). */
#define DNSMSG_TCP_MAX 65535

/* Record types given special treatment (others keep raw rdata). */
#define DNSMSG_TYPE_A	  1
#define DNSMSG_TYPE_NS	  2
#define DNSMSG_TYPE_CNAME 5
#define DNSMSG_TYPE_PTR	  12
#define DNSMSG_TYPE_MX	  15
#define DNSMSG_TYPE_AAAA  28

/* Why a message was refused. */
enum dnsmsg_error {
	DNSMSG_OK = 0,
	DNSMSG_ERR_SHORT,	  /* fewer than 12 bytes: no header */
	DNSMSG_ERR_TRUNCATED,	  /* a name or field runs past the end */
	DNSMSG_ERR_LABEL_TYPE,	  /* a label with the reserved 01/10 top bits */
	DNSMSG_ERR_POINTER_LOOP,  /* a pointer that does not lead backwards */
	DNSMSG_ERR_TOO_MANY_HOPS, /* more than DNSMSG_MAX_HOPS pointers */
	DNSMSG_ERR_NAME_TOO_LONG, /* a name over 255 wire bytes */
	DNSMSG_ERR_RDATA,	  /* rdata that does not fit its type (A not 4 bytes...) */
	DNSMSG_ERR_COUNT
};

/* A decoded domain name. */
struct dnsmsg_name {
	char text[DNSMSG_NAME_MAX + 1]; /* labels joined by '.', NUL-terminated; "" for root */
	uint8_t len;			/* strlen-like length of text (a label may hold a NUL) */
	uint8_t labels;			/* number of labels */
	uint8_t hops;			/* compression pointers followed */
};

/* One question. */
struct dnsmsg_question {
	struct dnsmsg_name name; /* qname */
	uint16_t qtype;		 /* e.g. DNSMSG_TYPE_A */
	uint16_t qclass;	 /* 1 for IN */
};

/* Sections a resource record comes from. */
enum dnsmsg_section {
	DNSMSG_ANSWER = 0,
	DNSMSG_AUTHORITY = 1,
	DNSMSG_ADDITIONAL = 2,
};

/* How the rdata of a record was decoded. */
enum dnsmsg_rdata_kind {
	DNSMSG_RDATA_RAW = 0, /* only rdata / rdlength */
	DNSMSG_RDATA_ADDR,    /* A or AAAA: addr holds rdlength (4 or 16) bytes */
	DNSMSG_RDATA_NAME,    /* CNAME, NS, PTR, MX (after its preference): target */
};

/* One resource record. */
struct dnsmsg_rr {
	enum dnsmsg_section section; /* where it was */
	struct dnsmsg_name name;     /* rrname */
	uint16_t type;		     /* rrtype */
	uint16_t rclass;	     /* class (for OPT: the UDP payload size) */
	uint32_t ttl;		     /* ttl (for OPT: extended rcode and flags) */
	uint16_t rdlength;	     /* rdata length */
	const uint8_t *rdata;	     /* rdata in the parsed buffer */
	enum dnsmsg_rdata_kind kind; /* which of the fields below is set */
	uint8_t addr[16];	     /* A / AAAA address bytes */
	struct dnsmsg_name target;   /* CNAME / NS / PTR / MX name, decompressed */
};

/*
 * A parsed message. Large (about 19 KiB: the fixed arrays); give each
 * worker one and re-use it. rdata pointers point into the parsed buffer.
 */
struct dnsmsg {
	uint16_t id;			/* transaction id */
	uint16_t flags;			/* the whole flags word, as Suricata logs it (hex) */
	uint8_t qr;			/* 1 for a response */
	uint8_t opcode;			/* 0 query, 4 notify, 5 update... */
	uint8_t aa, tc, rd, ra, ad, cd; /* flag bits */
	uint8_t rcode;			/* low 4 bits of the rcode */
	uint16_t qdcount, ancount, nscount, arcount; /* counts from the header */

	uint16_t n_questions; /* questions kept (min of qdcount and DNSMSG_MAX_QUESTIONS) */
	struct dnsmsg_question questions[DNSMSG_MAX_QUESTIONS];
	uint16_t n_rrs; /* records kept (at most DNSMSG_MAX_RRS) */
	struct dnsmsg_rr rrs[DNSMSG_MAX_RRS];

	size_t parsed;	 /* bytes read: where the last section ended (or the error) */
	size_t trailing; /* bytes after the last section (ignored) */
};

/*
 * Parse a DNS message of len bytes (a UDP payload, or one framed TCP message
 * without its length prefix). Returns DNSMSG_OK or why not; on error *out
 * still holds the header and the questions and records before the fault, so
 * a query name is available even when a later section is bad.
 */
enum dnsmsg_error dnsmsg_parse(const uint8_t *msg, size_t len, struct dnsmsg *out);

/*
 * Decode the possibly compressed name at *pos of msg into out and advance
 * *pos past it (past the first pointer, if any). Returns DNSMSG_OK or the
 * error; exposed for the dns.query fast path and for tests.
 */
enum dnsmsg_error dnsmsg_name_read(const uint8_t *msg, size_t len, size_t *pos,
				   struct dnsmsg_name *out);

/*
 * The EVE text of a name, as Suricata writes rrname/rdata: the bytes as they
 * are when they are valid UTF-8, otherwise bytes over 127 as "\xNN" (JSON
 * escaping of control characters is left to the JSON writer). out needs
 * DNSMSG_NAME_TEXT_MAX bytes; returns the text length.
 */
size_t dnsmsg_name_text(const struct dnsmsg_name *name, char *out, size_t outlen);

/* Suricata's name of a record type ("A", "AAAA", ...; else the number) into buf (>= 8). */
const char *dnsmsg_type_name(uint16_t type, char *buf, size_t buflen);

/* Suricata's name of an rcode ("NOERROR", "NXDOMAIN", ...; else the number) into buf (>= 8). */
const char *dnsmsg_rcode_name(uint8_t rcode, char *buf, size_t buflen);

/* Short text of an error. */
const char *dnsmsg_strerror(enum dnsmsg_error err);

/* ---- DNS over TCP ------------------------------------------------------------ */

/*
 * Called with each complete message of a TCP stream. msg is valid only
 * during the call (it points into the caller's data or the stream buffer).
 * Return 0 to go on, non-zero to stop feeding.
 */
typedef int (*dnsmsg_tcp_cb)(const uint8_t *msg, size_t len, void *ctx);

/* Framing state of one direction of a DNS-over-TCP stream. */
struct dnsmsg_tcp {
	uint8_t *buf;	      /* caller's buffer for messages split across segments */
	size_t cap;	      /* its size: longer messages are skipped (DNSMSG_TCP_MAX holds all) */
	uint8_t len_bytes[2]; /* the length prefix being read */
	uint8_t len_have;     /* bytes of it read */
	uint16_t msg_len;     /* length of the message being read */
	size_t have;	      /* bytes of it read */
	int skipping;	      /* 1 while skipping an oversized message */
	uint64_t messages;    /* messages delivered to the callback */
	uint64_t oversized;   /* messages skipped because longer than cap */
	uint64_t empty;	      /* zero-length messages skipped */
};

/* Start a stream; buf (cap bytes) stays the caller's. */
void dnsmsg_tcp_init(struct dnsmsg_tcp *t, uint8_t *buf, size_t cap);

/*
 * Feed the next len in-order bytes. Calls cb for every message completed.
 * A message wholly inside data is passed in place, without a copy. Returns
 * the number of messages delivered by this call, or -1 when cb asked to
 * stop (the stream is then mid-message and should be dropped).
 */
long dnsmsg_tcp_feed(struct dnsmsg_tcp *t, const uint8_t *data, size_t len, dnsmsg_tcp_cb cb,
		     void *ctx);

#endif /* UTM_INSPECT_DNS_H */
