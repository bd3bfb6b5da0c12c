// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * minisign signature verification (see minisign.h for the formats). The
 * text is split into lines by hand over (buf, len); libsodium decodes the
 * base64 (strictly: padding required, no stray bits, nothing left over),
 * hashes prehashed ("ED") input with BLAKE2b-512 and checks both Ed25519
 * signatures. Nothing is allocated: the message of the trusted comment
 * signature is built in a bounded stack buffer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "lib/minisign.h"

#define ALG_LEN		 2
#define SIG_LEN		 crypto_sign_BYTES				   /* 64 */
#define PREHASH_LEN	 crypto_generichash_BYTES_MAX			   /* 64: BLAKE2b-512 */
#define PUBKEY_BLOB_LEN	 (ALG_LEN + MINISIGN_KEY_ID_LEN + MINISIGN_PK_LEN) /* 42 */
#define SIG_BLOB_LEN	 (ALG_LEN + MINISIGN_KEY_ID_LEN + SIG_LEN)	   /* 74 */
#define UNTRUSTED_PREFIX "untrusted comment: "
#define TRUSTED_PREFIX	 "trusted comment: "

static const char alg_pubkey[ALG_LEN] = {'E', 'd'};
static const char alg_legacy[ALG_LEN] = {'E', 'd'};    /* signs the data itself */
static const char alg_prehashed[ALG_LEN] = {'E', 'D'}; /* signs BLAKE2b-512(data) */

/* A .minisig split into its parts; comment points into the caller's buffer. */
struct sig_parts {
	uint8_t alg[ALG_LEN];
	uint8_t key_id[MINISIGN_KEY_ID_LEN];
	uint8_t sig[SIG_LEN];
	const char *comment; /* trusted comment text, commentlen bytes */
	size_t commentlen;
	uint8_t global_sig[SIG_LEN];
};

/* Walks a buffer line by line; never looks past p + left. */
struct line_reader {
	const char *p;
	size_t left;
};

static void set_why(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_why(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (!why || whylen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

/*
 * The next line without its LF and the CRs before it (minisign strips them
 * all too). Returns 0 at the end of the buffer, 1 with a line.
 */
static int next_line(struct line_reader *r, const char **line, size_t *n)
{
	const char *nl;
	size_t len;

	if (r->left == 0)
		return 0;
	nl = memchr(r->p, '\n', r->left);
	len = nl ? (size_t)(nl - r->p) : r->left;
	*line = r->p;
	r->p += nl ? len + 1 : len;
	r->left -= nl ? len + 1 : len;
	while (len > 0 && (*line)[len - 1] == '\r')
		len--;
	*n = len;
	return 1;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Drop blanks at both ends of s (n bytes): config values and pasted keys carry some. */
static void trim_blanks(const char **s, size_t *n)
{
	while (*n > 0 && is_blank((*s)[0])) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_blank((*s)[*n - 1]))
		(*n)--;
}

static int has_prefix(const char *s, size_t n, const char *prefix)
{
	size_t plen = strlen(prefix);

	return n >= plen && memcmp(s, prefix, plen) == 0;
}

/* Base64 of exactly want bytes, the whole text consumed. 0 or -1. */
static int decode_exact(const char *s, size_t n, uint8_t *out, size_t want)
{
	size_t got = 0;

	/* With no end pointer, libsodium refuses anything it did not consume. */
	if (sodium_base642bin(out, want, s, n, NULL, &got, NULL, sodium_base64_VARIANT_ORIGINAL) !=
	    0)
		return -1;
	return got == want ? 0 : -1;
}

/* Two algorithm bytes as text for a message, unprintable ones as '?'. */
static void alg_text(const uint8_t alg[ALG_LEN], char out[ALG_LEN + 1])
{
	size_t i;

	for (i = 0; i < ALG_LEN; i++)
		out[i] = alg[i] >= 0x20 && alg[i] < 0x7f && alg[i] != '"' ? (char)alg[i] : '?';
	out[ALG_LEN] = '\0';
}

void minisign_key_id_format(const uint8_t id[MINISIGN_KEY_ID_LEN], char out[MINISIGN_KEY_ID_TEXT])
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	/* minisign prints the id as a little-endian 64-bit number. */
	for (i = 0; i < MINISIGN_KEY_ID_LEN; i++) {
		uint8_t b = id[MINISIGN_KEY_ID_LEN - 1 - i];

		out[2 * i] = hex[b >> 4];
		out[2 * i + 1] = hex[b & 0xf];
	}
	out[2 * MINISIGN_KEY_ID_LEN] = '\0';
}

/* The base64 line of a key (already located and trimmed) into out. */
static int pubkey_decode(const char *b64, size_t n, const char *where, struct minisign_pubkey *out,
			 char *why, size_t whylen)
{
	uint8_t blob[PUBKEY_BLOB_LEN];
	char alg[ALG_LEN + 1];

	if (decode_exact(b64, n, blob, sizeof(blob)) != 0) {
		set_why(why, whylen, "not a minisign public key: %snot base64 of %d bytes", where,
			PUBKEY_BLOB_LEN);
		return -1;
	}
	if (memcmp(blob, alg_pubkey, ALG_LEN) != 0) {
		alg_text(blob, alg);
		set_why(why, whylen, "unknown public key algorithm \"%s\" (expected \"Ed\")", alg);
		return -1;
	}
	memcpy(out->key_id, blob + ALG_LEN, MINISIGN_KEY_ID_LEN);
	memcpy(out->pk, blob + ALG_LEN + MINISIGN_KEY_ID_LEN, MINISIGN_PK_LEN);
	return 0;
}

int minisign_pubkey_parse(const char *text, size_t len, struct minisign_pubkey *out, char *why,
			  size_t whylen)
{
	struct line_reader r = {text, len};
	const char *line;
	size_t n;

	set_why(why, whylen, "%s", "");
	if (!text || !out) {
		set_why(why, whylen, "no public key");
		return -1;
	}
	/* A .pub saved by a Windows editor may start with a UTF-8 BOM. */
	if (has_prefix(r.p, r.left, "\xef\xbb\xbf")) {
		r.p += 3;
		r.left -= 3;
	}
	/* A YAML block scalar may put a line end before the .pub content. */
	while (r.left > 0 && is_blank(r.p[0])) {
		r.p++;
		r.left--;
	}
	if (!has_prefix(r.p, r.left, "untrusted comment:")) {
		line = r.p;
		n = r.left;
		trim_blanks(&line, &n);
		if (n == 0) {
			set_why(why, whylen, "empty public key");
			return -1;
		}
		return pubkey_decode(line, n, "", out, why, whylen);
	}
	/* .pub file content: the key is line 2, what follows it is ignored. */
	next_line(&r, &line, &n);
	if (!next_line(&r, &line, &n)) {
		set_why(why, whylen, "not a minisign public key: line 2 missing");
		return -1;
	}
	trim_blanks(&line, &n);
	return pubkey_decode(line, n, "line 2 is ", out, why, whylen);
}

/* A base64 line of a signature file; blanks around it are tolerated. */
static int sig_line_decode(struct line_reader *r, unsigned int lineno, uint8_t *out, size_t want,
			   char *why, size_t whylen)
{
	const char *line;
	size_t n;

	if (!next_line(r, &line, &n)) {
		set_why(why, whylen, "not a minisign signature: line %u missing", lineno);
		return -1;
	}
	trim_blanks(&line, &n);
	if (decode_exact(line, n, out, want) != 0) {
		set_why(why, whylen, "not a minisign signature: line %u is not base64 of %zu bytes",
			lineno, want);
		return -1;
	}
	return 0;
}

/* Split the four lines of a .minisig; only their form is checked here. */
static int sig_parse(const char *sig, size_t siglen, struct sig_parts *out, char *why,
		     size_t whylen)
{
	struct line_reader r = {sig, siglen};
	uint8_t blob[SIG_BLOB_LEN];
	const char *line;
	size_t n;

	if (!sig || !next_line(&r, &line, &n) || !has_prefix(line, n, UNTRUSTED_PREFIX)) {
		set_why(why, whylen,
			"not a minisign signature: line 1 does not start with \"" UNTRUSTED_PREFIX
			"\"");
		return -1;
	}
	if (sig_line_decode(&r, 2, blob, sizeof(blob), why, whylen) != 0)
		return -1;
	memcpy(out->alg, blob, ALG_LEN);
	memcpy(out->key_id, blob + ALG_LEN, MINISIGN_KEY_ID_LEN);
	memcpy(out->sig, blob + ALG_LEN + MINISIGN_KEY_ID_LEN, SIG_LEN);

	if (!next_line(&r, &line, &n) || !has_prefix(line, n, TRUSTED_PREFIX)) {
		set_why(why, whylen,
			"not a minisign signature: line 3 does not start with \"" TRUSTED_PREFIX
			"\"");
		return -1;
	}
	out->comment = line + strlen(TRUSTED_PREFIX);
	out->commentlen = n - strlen(TRUSTED_PREFIX);
	if (out->commentlen > MINISIGN_TRUSTED_MAX) {
		set_why(why, whylen, "trusted comment is %zu bytes (max %d)", out->commentlen,
			MINISIGN_TRUSTED_MAX);
		return -1;
	}
	return sig_line_decode(&r, 4, out->global_sig, SIG_LEN, why, whylen);
}

/* The Ed25519 signature over the data, or over its BLAKE2b-512 hash for "ED". */
static int data_sig_valid(const struct sig_parts *s, const void *data, size_t len,
			  const uint8_t *pk)
{
	static const uint8_t nothing[1];
	const uint8_t *m = data ? data : nothing;
	uint8_t hash[PREHASH_LEN];

	if (memcmp(s->alg, alg_prehashed, ALG_LEN) == 0) {
		if (crypto_generichash(hash, sizeof(hash), m, len, NULL, 0) != 0)
			return 0;
		return crypto_sign_verify_detached(s->sig, hash, sizeof(hash), pk) == 0;
	}
	return crypto_sign_verify_detached(s->sig, m, len, pk) == 0;
}

/* The global signature binds the trusted comment to the data signature. */
static int comment_sig_valid(const struct sig_parts *s, const uint8_t *pk)
{
	uint8_t msg[SIG_LEN + MINISIGN_TRUSTED_MAX];

	memcpy(msg, s->sig, SIG_LEN);
	if (s->commentlen)
		memcpy(msg + SIG_LEN, s->comment, s->commentlen);
	return crypto_sign_verify_detached(s->global_sig, msg, SIG_LEN + s->commentlen, pk) == 0;
}

static void copy_trusted(const struct sig_parts *s, char *trusted, size_t trustedlen)
{
	size_t n = s->commentlen;

	if (!trusted || trustedlen == 0)
		return;
	if (n > trustedlen - 1)
		n = trustedlen - 1;
	memcpy(trusted, s->comment, n);
	trusted[n] = '\0';
}

int minisign_verify(const void *data, size_t len, const char *sig, size_t siglen,
		    const struct minisign_pubkey *pk, char *trusted, size_t trustedlen, char *why,
		    size_t whylen)
{
	char got_id[MINISIGN_KEY_ID_TEXT], want_id[MINISIGN_KEY_ID_TEXT];
	struct sig_parts s;
	char alg[ALG_LEN + 1];

	if (trusted && trustedlen)
		trusted[0] = '\0';
	set_why(why, whylen, "%s", "");
	if (!pk || (!data && len)) {
		set_why(why, whylen, "no public key or no data");
		return -1;
	}
	/* Idempotent and thread-safe; only -1 is a failure. */
	if (sodium_init() < 0) {
		set_why(why, whylen, "libsodium failed to initialise");
		return -1;
	}
	if (sig_parse(sig, siglen, &s, why, whylen) != 0)
		return -1;
	if (memcmp(s.alg, alg_prehashed, ALG_LEN) != 0 && memcmp(s.alg, alg_legacy, ALG_LEN) != 0) {
		alg_text(s.alg, alg);
		set_why(why, whylen, "unknown signature algorithm \"%s\"", alg);
		return -1;
	}
	if (memcmp(s.key_id, pk->key_id, MINISIGN_KEY_ID_LEN) != 0) {
		minisign_key_id_format(s.key_id, got_id);
		minisign_key_id_format(pk->key_id, want_id);
		set_why(why, whylen, "signature made with another key (id %s, expected %s)", got_id,
			want_id);
		return -1;
	}
	if (!data_sig_valid(&s, data, len, pk->pk)) {
		set_why(why, whylen, "bad signature");
		return -1;
	}
	if (!comment_sig_valid(&s, pk->pk)) {
		set_why(why, whylen, "bad trusted comment signature");
		return -1;
	}
	copy_trusted(&s, trusted, trustedlen);
	return 0;
}
