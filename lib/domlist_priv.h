/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Internals of the domain list parser, shared by its parts: domlist.c
 * (lines, plain/hosts/URL forms), domlist_adblock.c, domlist_zone.c (RPZ).
 */
#ifndef UTM_DOMLIST_PRIV_H
#define UTM_DOMLIST_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "lib/dnsname.h"
#include "lib/domlist.h"

/* A blank-separated field of a line. */
struct dl_field {
	const char *s;
	size_t n;
};

/* What RPZ needs to remember between lines. */
struct dl_zone {
	char apex[DNSNAME_BUF];	  /* the first $ORIGIN: owners are relative to it */
	char suffix[DNSNAME_BUF]; /* a later $ORIGIN below the apex, less the apex */
	uint8_t have_apex;
	uint8_t origin_bad;  /* the last $ORIGIN was refused: relative owners are bad */
	uint8_t seen_record; /* a record came before any $ORIGIN: the apex is unknown */
	uint8_t in_parens;   /* inside a record's "( ... )" */
};

struct dl_parser {
	enum domlist_policy policy;
	unsigned int flags;
	domlist_entry_fn fn;
	void *ctx;
	struct domlist_error err;
	long entries;
	unsigned int line;
	int line_bad; /* this line was counted as bad or unsupported already */
	int stop;     /* fn's non-zero return, which ends the parse */
	struct dl_zone zone;
};

/* What an emitted name matches, and how to read it. */
#define DL_NAME	 (1u << 0) /* covers the name */
#define DL_SUB	 (1u << 1) /* covers the names below it */
#define DL_ALLOW (1u << 2) /* an allow entry */
#define DL_HOSTS (1u << 3) /* a hosts-file name: localhost & co. are silently ignored */
#define DL_RPZ	 (1u << 4) /* an RPZ trigger: rpz-ip & co. are unsupported */

/* Normalise tok and pass it to the callback, or count why not. */
void dl_emit(struct dl_parser *ps, const char *tok, size_t n, unsigned int what);
/* Count a bad line; the first problem of the list is described. */
void dl_bad(struct dl_parser *ps, const char *why, const char *tok, size_t n);
/* Count a valid rule the DNS guard cannot apply. */
void dl_unsupported(struct dl_parser *ps, const char *why, const char *tok, size_t n);

int dl_is_blank(char c);
/* Split s into at most max fields; a field starting with '#' or ';' ends the line. */
size_t dl_split(const char *s, size_t n, struct dl_field *f, size_t max);
/* The next field at or after *pos, like dl_split; 0 at the end of the line. */
int dl_next_field(const char *s, size_t n, size_t *pos, struct dl_field *f);
/* f is exactly word, ignoring ASCII case. */
int dl_field_is(const struct dl_field *f, const char *word);

/* "||name^..." or "@@||name^...": the trimmed line. */
void dl_adblock_line(struct dl_parser *ps, const char *s, size_t n);

/* "$ORIGIN name", "$TTL 30", ...: the trimmed line. */
void dl_zone_directive(struct dl_parser *ps, const char *s, size_t n);
/*
 * The trimmed line: 1 when it is a zone record (handled here), 0 when it is
 * something else. indented: the line started with a blank, so a record there
 * may have no owner.
 */
int dl_zone_record(struct dl_parser *ps, const char *s, size_t n, int indented);
/* Inside "( ... )": 1 when the line continues the record (and is consumed). */
int dl_zone_continues(struct dl_parser *ps, const char *s, size_t n);

#endif /* UTM_DOMLIST_PRIV_H */
