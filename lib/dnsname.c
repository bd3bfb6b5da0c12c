// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Domain name canonicalisation, wire form and map keys (see dnsname.h).
 * Input is never assumed to be NUL-terminated: only short, checked pieces
 * are copied out for inet_pton and libidn2.
 */
#include <arpa/inet.h>
#include <idn2.h>
#include <linux/types.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bpf/dnshash.h"
#include "lib/dnsname.h"

/*
 * Longest UTF-8 name sent to libidn2. UTS #46 mapping can shorten text (a
 * soft hyphen maps to nothing), so this is more than DNSNAME_MAX, but the
 * copy stays bounded.
 */
#define IDN_INPUT_MAX 1024
/* An IPv6 address with a zone ("fe80::1%eth0"): INET6_ADDRSTRLEN + IFNAMSIZ. */
#define IP_TEXT_MAX 64

__attribute__((format(printf, 4, 5))) static int fail(int rc, char *why, size_t whylen,
						      const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

const char *dnsname_strerror(int rc)
{
	switch (rc) {
	case DNSNAME_SINGLE_LABEL:
		return "single-label name";
	case DNSNAME_OK:
		return "ok";
	case DNSNAME_IS_IP:
		return "an IP address, not a domain name";
	case DNSNAME_EMPTY:
		return "empty name";
	case DNSNAME_EMPTY_LABEL:
		return "empty label";
	case DNSNAME_LABEL_TOO_LONG:
		return "label too long";
	case DNSNAME_TOO_LONG:
		return "name too long";
	case DNSNAME_BAD_CHAR:
		return "character not allowed";
	case DNSNAME_BAD_HYPHEN:
		return "label starts or ends with '-'";
	case DNSNAME_BAD_IDN:
		return "invalid internationalised name";
	case DNSNAME_NUMERIC_TLD:
		return "top-level label is all digits";
	case DNSNAME_NO_ROOM:
		return "output buffer too small";
	}
	return "unknown error";
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Four dot-separated runs of digits: an IPv4 address, maybe a broken one. */
static int is_dotted_quad(const char *s, size_t n)
{
	unsigned int dots = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (i == 0 || s[i - 1] == '.')
				return 0;
			dots++;
		} else if (!is_digit(s[i])) {
			return 0;
		}
	}
	return dots == 3 && n > 0 && s[n - 1] != '.';
}

static int is_ipv6(const char *s, size_t n)
{
	char text[IP_TEXT_MAX];
	struct in6_addr a;
	char *zone;

	if (n >= sizeof(text) || !memchr(s, ':', n) || memchr(s, '\0', n))
		return 0;
	memcpy(text, s, n);
	text[n] = '\0';
	/* A scoped address names an interface after '%'; the address is before. */
	zone = strchr(text, '%');
	if (zone) {
		if (zone[1] == '\0')
			return 0;
		*zone = '\0';
	}
	return inet_pton(AF_INET6, text, &a) == 1;
}

int dnsname_is_ip(const char *s, size_t n)
{
	if (!s || n == 0)
		return 0;
	return is_dotted_quad(s, n) || is_ipv6(s, n);
}

static char fold(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
}

static int name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '_';
}

static int has_non_ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] >= 0x80)
			return 1;
	}
	return 0;
}

/* libidn2's verdict in our codes, so a caller sees one vocabulary. */
static int idn_fail(int idn_rc, char *why, size_t whylen)
{
	if (idn_rc == IDN2_TOO_BIG_LABEL || idn_rc == IDN2_PUNYCODE_BIG_OUTPUT)
		return fail(DNSNAME_LABEL_TOO_LONG, why, whylen, "label over %d bytes as punycode",
			    DNSNAME_LABEL_MAX);
	if (idn_rc == IDN2_TOO_BIG_DOMAIN)
		return fail(DNSNAME_TOO_LONG, why, whylen, "name over %d bytes as punycode",
			    DNSNAME_MAX);
	return fail(DNSNAME_BAD_IDN, why, whylen, "IDN: %s", idn2_strerror(idn_rc));
}

/*
 * One label (n bytes, some non-ASCII) to its A-label, appended at out[*o].
 * Non-transitional processing first (IDNA2008: "faß" stays itself), then
 * transitional, which also takes what IDNA2008 disallows (emoji) that
 * browsers still resolve.
 */
static int idn_label(const char *s, size_t n, char *out, size_t outlen, size_t *o, char *why,
		     size_t whylen)
{
	char text[IDN_INPUT_MAX + 1];
	uint8_t *res = NULL;
	size_t rn;
	int rc;

	memcpy(text, s, n);
	text[n] = '\0';
	rc = idn2_lookup_u8((const uint8_t *)text, &res, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
	if (rc != IDN2_OK && idn2_lookup_u8((const uint8_t *)text, &res,
					    IDN2_TRANSITIONAL | IDN2_NFC_INPUT) != IDN2_OK)
		return idn_fail(rc, why, whylen);
	rn = strlen((const char *)res);
	if (*o + rn >= outlen) {
		idn2_free(res);
		return fail(DNSNAME_TOO_LONG, why, whylen, "name over %d bytes as punycode",
			    DNSNAME_MAX);
	}
	memcpy(out + *o, res, rn);
	*o += rn;
	idn2_free(res);
	return DNSNAME_OK;
}

/*
 * Convert the labels with non-ASCII bytes; copy the others unchanged. The
 * result (NUL-terminated in out) is validated afterwards like any ASCII
 * name: the mapping may have produced dots ("a。b") or empty labels.
 */
static int idn_convert(const char *in, size_t len, char *out, size_t outlen, char *why,
		       size_t whylen)
{
	size_t o = 0, start = 0;

	if (len > IDN_INPUT_MAX)
		return fail(DNSNAME_TOO_LONG, why, whylen, "name is %zu bytes", len);
	if (memchr(in, '\0', len))
		return fail(DNSNAME_BAD_CHAR, why, whylen, "NUL byte in name");
	while (start <= len) {
		const char *dot = memchr(in + start, '.', len - start);
		size_t end = dot ? (size_t)(dot - in) : len;
		size_t n = end - start;
		int rc;

		if (has_non_ascii(in + start, n)) {
			rc = idn_label(in + start, n, out, outlen, &o, why, whylen);
			if (rc != DNSNAME_OK)
				return rc;
		} else if (o + n < outlen) {
			memcpy(out + o, in + start, n);
			o += n;
		} else {
			return fail(DNSNAME_TOO_LONG, why, whylen, "name over %d bytes",
				    DNSNAME_MAX);
		}
		if (dot && o + 1 < outlen)
			out[o++] = '.';
		else if (dot)
			return fail(DNSNAME_TOO_LONG, why, whylen, "name over %d bytes",
				    DNSNAME_MAX);
		start = end + 1;
	}
	out[o] = '\0';
	return DNSNAME_OK;
}

/* Check label number idx (1-based), n bytes of canonical text at s. */
static int check_label(const char *s, size_t n, unsigned int idx, char *why, size_t whylen)
{
	if (n == 0)
		return fail(DNSNAME_EMPTY_LABEL, why, whylen, "label %u is empty", idx);
	if (n > DNSNAME_LABEL_MAX)
		return fail(DNSNAME_LABEL_TOO_LONG, why, whylen, "label %u is %zu bytes (max %d)",
			    idx, n, DNSNAME_LABEL_MAX);
	if (s[0] == '-' || s[n - 1] == '-')
		return fail(DNSNAME_BAD_HYPHEN, why, whylen, "label %u %s with '-'", idx,
			    s[0] == '-' ? "starts" : "ends");
	return DNSNAME_OK;
}

static int bad_char(char c, char *why, size_t whylen)
{
	if (c > 0x20 && c < 0x7f)
		return fail(DNSNAME_BAD_CHAR, why, whylen, "character '%c' not allowed", c);
	return fail(DNSNAME_BAD_CHAR, why, whylen, "byte 0x%02x not allowed", (unsigned char)c);
}

static int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return 0;
	}
	return 1;
}

/*
 * Fold and validate n ASCII bytes into out (which has room for n + 1): the
 * first problem from the left is reported. Then classify the valid name.
 */
static int canonicalise(const char *s, size_t n, char *out, char *why, size_t whylen)
{
	size_t i, start = 0, last = 0;
	unsigned int idx = 1;
	int rc;

	for (i = 0; i <= n; i++) {
		char c = i < n ? fold(s[i]) : '.';

		if (c != '.' && !name_char_ok(c))
			return bad_char(s[i], why, whylen);
		out[i] = i < n ? c : '\0';
		if (c != '.')
			continue;
		rc = check_label(out + start, i - start, idx++, why, whylen);
		if (rc != DNSNAME_OK)
			return rc;
		last = start;
		start = i + 1;
	}
	/* No top-level domain is numeric (RFC 3696): "10.1.2" is a typo'd address. */
	if (all_digits(out + last, n - last))
		return fail(DNSNAME_NUMERIC_TLD, why, whylen,
			    "top-level label \"%s\" is all digits", out + last);
	if (idx == 2)
		return fail(DNSNAME_SINGLE_LABEL, why, whylen, "single-label name");
	return DNSNAME_OK;
}

/* Validate the (possibly converted) text and write the canonical name. */
static int finish_name(const char *s, size_t n, char *out, size_t outlen, char *why, size_t whylen)
{
	int rc;

	if (n == 0)
		return fail(DNSNAME_EMPTY, why, whylen, "empty name");
	if (dnsname_is_ip(s, n))
		return fail(DNSNAME_IS_IP, why, whylen, "an IP address, not a domain name");
	if (n > DNSNAME_MAX)
		return fail(DNSNAME_TOO_LONG, why, whylen, "name is %zu bytes (max %d)", n,
			    DNSNAME_MAX);
	if (outlen < n + 1)
		return fail(DNSNAME_NO_ROOM, why, whylen, "output buffer too small");
	rc = canonicalise(s, n, out, why, whylen);
	if (rc != DNSNAME_OK && rc != DNSNAME_SINGLE_LABEL)
		out[0] = '\0';
	return rc;
}

int dnsname_normalize(const char *in, size_t len, char *out, size_t outlen, char *why,
		      size_t whylen)
{
	char idn[DNSNAME_BUF + 1];
	int rc;

	if (why && whylen)
		why[0] = '\0';
	if (!out || outlen == 0)
		return fail(DNSNAME_NO_ROOM, why, whylen, "no output buffer");
	out[0] = '\0';
	if (!in)
		len = 0;
	/* The root is implied: "evil.example." is "evil.example". */
	if (len > 0 && in[len - 1] == '.')
		len--;
	if (!has_non_ascii(in, len))
		return finish_name(in, len, out, outlen, why, whylen);
	rc = idn_convert(in, len, idn, sizeof(idn), why, whylen);
	if (rc != DNSNAME_OK)
		return rc;
	return finish_name(idn, strlen(idn), out, outlen, why, whylen);
}

int dnsname_to_wire(const char *name, uint8_t *wire, size_t len)
{
	size_t n, start = 0, o = 0, i;

	if (!name || !wire)
		return -1;
	n = strnlen(name, DNSNAME_MAX + 1);
	if (n > DNSNAME_MAX)
		return -1;
	if (n == 0)
		return 0;
	if (n + 1 > len)
		return -1;
	for (i = 0; i <= n; i++) {
		if (i < n && name[i] != '.')
			continue;
		if (i == start || i - start > DNSNAME_LABEL_MAX)
			return -1;
		wire[o++] = (uint8_t)(i - start);
		memcpy(wire + o, name + start, i - start);
		o += i - start;
		start = i + 1;
	}
	return (int)o;
}

uint64_t dnsname_wire_key(const uint8_t *wire, size_t len, uint64_t seed)
{
	uint64_t h = seed;

	while (len > 0)
		h = dnshash_step(h, wire[--len]);
	return dnshash_finish(h);
}

uint64_t dnsname_key(const char *name, uint64_t seed)
{
	uint8_t wire[DNSNAME_WIRE_MAX];
	int n = dnsname_to_wire(name, wire, sizeof(wire));

	return n < 0 ? 0 : dnsname_wire_key(wire, (size_t)n, seed);
}

int dnsname_suffix_keys(const char *name, uint64_t seed, struct dnsname_suffix *out, size_t max)
{
	uint8_t wire[DNSNAME_WIRE_MAX];
	size_t starts[DNSNAME_MAX_LABELS + 1];
	size_t nlabels = 0, pos = 0, k;
	uint64_t h = seed;
	int n = dnsname_to_wire(name, wire, sizeof(wire));

	if (n < 0 || !out)
		return -1;
	/* Where each length byte is; it is also where the label starts in the text. */
	while (pos < (size_t)n) {
		starts[nlabels++] = pos;
		pos += (size_t)wire[pos] + 1;
	}
	if (nlabels > max)
		return -1;
	/* Backwards, as the XDP program: the value at a length byte keys that suffix. */
	k = nlabels;
	for (pos = (size_t)n; pos-- > 0;) {
		h = dnshash_step(h, wire[pos]);
		if (k > 0 && pos == starts[k - 1]) {
			k--;
			out[k].key = dnshash_finish(h);
			out[k].offset = starts[k];
		}
	}
	return (int)nlabels;
}
