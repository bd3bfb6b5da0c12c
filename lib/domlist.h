/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Domain list parsing for the DNS guard: a pure function over a buffer, so
 * it can be unit-tested and fuzzed. The form is detected per line, so a file
 * may mix them:
 *
 *   evil.example                      plain: the name and every name below it
 *   =evil.example                     exact: the name only
 *   *.evil.example                    every name below it, not the name itself
 *   0.0.0.0 evil.example other.test   hosts: each name after the address (name
 *                                     and below); localhost & co. are ignored
 *   ||evil.example^$third-party       AdBlock domain rule (name and below),
 *                                     options after '^' ignored
 *   @@||good.example^                 AdBlock exception: allow (name and below)
 *   evil.example CNAME .              RPZ record: the name only
 *   *.evil.example CNAME .            RPZ record: every name below it
 *   good.example CNAME rpz-passthru.  RPZ passthru: allow (the owner's form)
 *   evil.example/path                 URL: with DOMLIST_URLS_AS_HOSTS, the host
 *   https://evil.example:8443/x       (name only: a bad URL does not condemn the
 *                                     names below its host); else a bad line
 *
 * Any other RPZ action (CNAME *., rpz-drop., local data such as A 192.0.2.1)
 * blocks. RPZ owners are triggers as written (names relative to the zone),
 * or absolute with a trailing dot; the first $ORIGIN names the zone and a
 * later one below it is appended to relative owners.
 *
 * Ignored: blank lines; comments: lines starting with '#', ';' or '!', text
 * after a blank from '#' or ';' on; filter-list headers ("[Adblock Plus 2.0]");
 * zone-file noise: $TTL, SOA/NS/DNSSEC records, records of the zone apex
 * ('@'), records without an owner (a line starting with a blank), the
 * continuation lines of a record in parentheses. CRLF and a UTF-8 BOM are
 * accepted. Names are canonicalised with dnsname_normalize (IDN to punycode).
 *
 * Skipped and counted, never errors: entries that are IP addresses, and
 * single-label names (never block a top-level domain by accident).
 *
 * Bad: anything else that does not parse, e.g. an invalid name. Unsupported,
 * counted apart: valid rules a DNS guard cannot apply (AdBlock rules with a
 * path, wildcard, regular expression or element hiding, $badfilter; RPZ
 * triggers on IP addresses or name servers; $INCLUDE).
 *
 * Every entry is passed to the callback as it is parsed, duplicates included:
 * merging is the caller's business.
 */
#ifndef UTM_DOMLIST_H
#define UTM_DOMLIST_H

#include <stddef.h>
#include <stdint.h>

#include "lib/dnsname.h"

/* Longest accepted line, without its line ending. */
#define DOMLIST_MAX_LINE 4096

/* What a list with bad or unsupported lines means. */
enum domlist_policy {
	DOMLIST_SKIP_BAD = 0,	/* skip them, count them, report the first: real-world lists */
	DOMLIST_REFUSE_BAD = 1, /* refuse the whole list, as the IP lists are */
};

/* Flags of domlist_parse. */
#define DOMLIST_URLS_AS_HOSTS (1u << 0) /* a urls file: a URL line means its host (name only) */

/* One entry: a canonical name and what it matches. */
struct dom_entry {
	char name[DNSNAME_BUF]; /* canonical (dnsname_normalize) */
	uint8_t covers_name;	/* the name itself matches */
	uint8_t covers_sub;	/* every name below it matches */
	uint8_t allow;		/* an exception (allow entry), not a block */
};

/* What was skipped, and the first problem. */
struct domlist_error {
	unsigned int line;	   /* 1-based line of the first bad or unsupported line; 0: none */
	unsigned int bad_lines;	   /* lines that are not valid in any accepted form */
	unsigned int unsupported;  /* valid rules of a kind the DNS guard cannot apply */
	unsigned int ip_entries;   /* entries that are IP addresses: skipped */
	unsigned int single_label; /* single-label names ("com", "lan"): skipped */
	char reason[160];	   /* e.g. "label 1 starts with '-': \"-evil.example\"" */
};

/* Called for each entry; a non-zero return stops parsing and is returned. */
typedef int (*domlist_entry_fn)(const struct dom_entry *e, unsigned int line, void *ctx);

/*
 * Parse a whole list of len bytes (not NUL-terminated; never read past len).
 * Returns the number of entries passed to fn (>= 0). With DOMLIST_REFUSE_BAD
 * a list with any bad or unsupported line gives -1, and fn is not called
 * after the first such line (entries already passed must be discarded: a
 * list is all or nothing); with DOMLIST_SKIP_BAD those lines are skipped.
 * Either way err (may be NULL) counts them and describes the first one. A
 * non-zero return of fn stops the parse and is passed back unchanged. fn may
 * be NULL to only validate and count. flags: DOMLIST_URLS_AS_HOSTS or 0.
 */
long domlist_parse(const char *buf, size_t len, enum domlist_policy policy, unsigned int flags,
		   domlist_entry_fn fn, void *ctx, struct domlist_error *err);

#endif /* UTM_DOMLIST_H */
