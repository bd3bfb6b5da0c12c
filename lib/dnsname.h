/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Domain names for the DNS guard: the canonical text form that lists are
 * normalised to, its DNS wire form, and the map keys (bpf/dnshash.h) that
 * the XDP program computes for the same name.
 *
 * Canonical form: lower-case ASCII letters, digits, '-' and '_', labels of
 * 1..63 bytes that neither start nor end with '-', at most 253 bytes in all,
 * no trailing dot. Internationalised names (UTF-8) become punycode A-labels;
 * existing "xn--" labels are kept as they are.
 */
#ifndef UTM_DNSNAME_H
#define UTM_DNSNAME_H

#include <stddef.h>
#include <stdint.h>

/* Longest canonical name (no trailing dot), and a buffer that holds one. */
#define DNSNAME_MAX	  253
#define DNSNAME_BUF	  (DNSNAME_MAX + 1)
#define DNSNAME_LABEL_MAX 63
/* A 253-byte name has at most 127 labels; its wire form (no root byte) 254 bytes. */
#define DNSNAME_MAX_LABELS 127
#define DNSNAME_WIRE_MAX   (DNSNAME_MAX + 1)
/* Room for any `why` message of dnsname_normalize. */
#define DNSNAME_WHY_MAX 96

/*
 * Results of dnsname_normalize. A positive code is a valid name that a
 * caller may refuse by policy; a negative one means the text is no usable
 * domain name.
 */
enum dnsname_rc {
	DNSNAME_SINGLE_LABEL = 1, /* valid, but one label ("com", "localhost") */
	DNSNAME_OK = 0,
	DNSNAME_IS_IP = -1,	     /* an IPv4 dotted quad or an IPv6 address */
	DNSNAME_EMPTY = -2,	     /* nothing, or only "." */
	DNSNAME_EMPTY_LABEL = -3,    /* "a..b", ".a", "a.." */
	DNSNAME_LABEL_TOO_LONG = -4, /* a label over 63 bytes */
	DNSNAME_TOO_LONG = -5,	     /* over 253 bytes */
	DNSNAME_BAD_CHAR = -6,	     /* a byte outside [a-z0-9-_] (after IDN conversion) */
	DNSNAME_BAD_HYPHEN = -7,     /* a label starts or ends with '-' */
	DNSNAME_BAD_IDN = -8,	     /* UTF-8 that IDNA refuses (or not UTF-8 at all) */
	DNSNAME_NUMERIC_TLD = -9,    /* last label all digits: no such top-level domain */
	DNSNAME_NO_ROOM = -10,	     /* out is too small (or a NULL argument) */
};

/*
 * Canonicalise len bytes at in (not NUL-terminated; never read past len)
 * into out. For DNSNAME_OK and DNSNAME_SINGLE_LABEL, out holds the canonical
 * name; otherwise out is "" and why (when not NULL) says what is wrong in a
 * few words, e.g. "label 2 is 64 bytes (max 63)". outlen >= DNSNAME_BUF
 * always suffices. Returns an enum dnsname_rc.
 *
 * Case is folded and one trailing dot dropped. A label with non-ASCII bytes
 * is converted with libidn2 (IDNA2008 with UTS #46 mapping, non-transitional,
 * falling back to transitional: an emoji label is refused by the first),
 * label by label, so that an ASCII label (say "_dmarc" or an "xn--" label
 * libidn2 would decode) is never judged by IDNA rules.
 */
int dnsname_normalize(const char *in, size_t len, char *out, size_t outlen, char *why,
		      size_t whylen);

/* The text of a code, e.g. "label too long". */
const char *dnsname_strerror(int rc);

/*
 * 1 when the n bytes at s are an IP address: what inet_pton accepts as IPv4
 * or IPv6 (an IPv6 zone "%eth0" allowed), or any all-numeric dotted quad
 * ("999.1.2.3" is a broken address, not a name). 0 otherwise.
 */
int dnsname_is_ip(const char *s, size_t n);

/*
 * Wire form of a canonical dotted name, without the root byte:
 * "a.bc" -> 01 'a' 02 'b' 'c'. Returns its length (0 for ""), or -1 when the
 * name has an empty or over-long label or the wire form needs more than len
 * bytes (DNSNAME_WIRE_MAX always suffices for a canonical name).
 */
int dnsname_to_wire(const char *name, uint8_t *wire, size_t len);

/*
 * Map key of a name in wire form: the seeded hash of bpf/dnshash.h over the
 * bytes from the last to the first, finished. This is what the XDP program
 * computes at the first length byte of a query name.
 */
uint64_t dnsname_wire_key(const uint8_t *wire, size_t len, uint64_t seed);

/* Map key of a canonical name (its wire form hashed); 0 if it has no wire form. */
uint64_t dnsname_key(const char *name, uint64_t seed);

/* A name or one of its parent domains, as `utm-ctl why` looks them up. */
struct dnsname_suffix {
	uint64_t key;  /* dnsname_key() of name + offset */
	size_t offset; /* where the suffix starts in the name */
};

/*
 * The keys of a canonical name and of each parent domain, the name first and
 * the top-level domain last: "a.b.c" gives a.b.c, b.c, c. They are computed
 * in one backward pass over the wire form, as the XDP program does. Returns
 * how many were written (at most max; DNSNAME_MAX_LABELS always suffices),
 * or -1 when the name has no wire form.
 */
int dnsname_suffix_keys(const char *name, uint64_t seed, struct dnsname_suffix *out, size_t max);

#endif /* UTM_DNSNAME_H */
