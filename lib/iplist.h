/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * IP list parsing: a pure function over a buffer, so it can be unit-tested
 * and fuzzed. Accepted line forms (IPv4 and IPv6, any mix):
 *   1.2.3.4                      plain address
 *   1.2.3.0/24                   CIDR (host bits set are masked off)
 *   1.2.3.0/24 ; SBL123          Spamhaus DROP (text after ';' ignored)
 *   1.2.3.4 # comment            FireHOL netset/ipset, inline comments
 *   1.2.3.4 some.host.name       hosts-style: the first field is the address
 *   1.2.3.4,category,score       CSV: the first field is the address
 *   1.2.3.4-1.2.3.9              range, split into the covering CIDRs
 *   1.2.3.4 - 1.2.3.9            the same range written with spaces
 * Blank lines and lines starting with '#' or ';' are ignored; CRLF and a
 * UTF-8 BOM are accepted. IPv4-mapped IPv6 (::ffff:1.2.3.4, prefixes of 96
 * and more) is stored as IPv4. A line longer than IPLIST_MAX_LINE is bad.
 */
#ifndef UTM_IPLIST_H
#define UTM_IPLIST_H

#include <stddef.h>
#include <stdint.h>

/* Longest accepted line, without its line ending. */
#define IPLIST_MAX_LINE 4096

/* One network: family 4 or 6, address in network order, masked to prefixlen. */
struct ip_prefix {
	uint8_t family;
	uint8_t prefixlen;
	uint8_t addr[16]; /* IPv4 uses the first 4 bytes, the rest is zero */
};

/* Why a list was refused: the first bad line and how many were bad. */
struct iplist_error {
	unsigned int line;	/* 1-based line number of the first bad line */
	unsigned int bad_lines; /* how many lines were bad in all */
	char reason[160];	/* e.g. "prefix length 33 out of range 0..32" */
};

/* Called for each entry; a non-zero return stops parsing and is returned. */
typedef int (*iplist_entry_fn)(const struct ip_prefix *p, unsigned int line, void *ctx);

/*
 * Parse a whole list. Returns the number of entries (>= 0) when every line
 * is valid. When any line is bad, returns -1 and fills err; entries already
 * passed to fn must then be discarded by the caller (a list is all or
 * nothing). A non-zero return of fn is passed back unchanged (err unset).
 */
long iplist_parse(const char *buf, size_t len, iplist_entry_fn fn, void *ctx,
		  struct iplist_error *err);
/*
 * (fn may be NULL to only validate and count; err may be NULL. After the
 * first bad line fn is no longer called, but the rest is still checked so
 * that err->bad_lines counts every bad line.)
 */

/* Parse one address or CIDR ("10.0.0.0/8", "2001:db8::1"). 0 or -1. */
int ip_prefix_parse(const char *s, struct ip_prefix *out);

/* Format p as "addr/len" (or "addr" when it is a single host). */
void ip_prefix_format(const struct ip_prefix *p, char *buf, size_t len);

/* 1 when p is a single host (/32 or /128). */
static inline int ip_prefix_is_host(const struct ip_prefix *p)
{
	return p->prefixlen == (p->family == 4 ? 32 : 128);
}

#endif /* UTM_IPLIST_H */
