/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Verification of minisign signatures (https://jedisct1.github.io/minisign/),
 * so that a feed configured with a public key is only accepted when its file
 * comes with a valid FILE.minisig. Pure functions over buffers (not
 * NUL-terminated, never read past their length); no I/O, no allocation,
 * libsodium for base64, BLAKE2b and Ed25519.
 *
 * Public key, base64 of 42 bytes: "Ed", key id (8), Ed25519 public key (32).
 * Signature file, four lines:
 *   untrusted comment: <anything>
 *   base64 of 74 bytes: algorithm "Ed" (signs the file itself) or "ED"
 *     (signs its BLAKE2b-512 hash; minisign 0.11's default), key id (8),
 *     Ed25519 signature (64)
 *   trusted comment: <text>
 *   base64 of 64 bytes: Ed25519 signature of (signature || text)
 * Lines end with LF or CRLF; anything after line 4 is ignored, as minisign
 * itself does.
 */
#ifndef UTM_MINISIGN_H
#define UTM_MINISIGN_H

#include <stddef.h>
#include <stdint.h>

#define MINISIGN_KEY_ID_LEN 8
#define MINISIGN_PK_LEN	    32
/* Longest trusted comment text accepted (minisign's own limit). */
#define MINISIGN_TRUSTED_MAX 8192
/* Room for any `why` message of this module. */
#define MINISIGN_WHY_MAX 128
/* Room for a key id in text form (16 hex digits) and its NUL. */
#define MINISIGN_KEY_ID_TEXT 17

struct minisign_pubkey {
	uint8_t key_id[MINISIGN_KEY_ID_LEN]; /* as stored: little-endian */
	uint8_t pk[MINISIGN_PK_LEN];
};

/*
 * Parse a public key from len bytes of text: either the bare base64 string
 * ("RWQ...", as written in a config value; surrounding blanks and line ends
 * allowed) or the content of a .pub file (line 1 "untrusted comment: ...",
 * line 2 the base64; later lines ignored). Returns 0 and fills out, or -1
 * with why (when not NULL) saying what is wrong, e.g.
 * "not a minisign public key: line 2 is not base64 of 42 bytes".
 */
int minisign_pubkey_parse(const char *text, size_t len, struct minisign_pubkey *out, char *why,
			  size_t whylen);

/*
 * Verify len bytes of data against sig, the siglen bytes of a .minisig file,
 * made with the key pk. Returns 0 when the algorithm is known, the key ids
 * match, the signature over the data and the one over the trusted comment
 * are both valid. Otherwise -1 with why, e.g.
 *   "not a minisign signature: line 2 is not base64 of 74 bytes"
 *   "signature made with another key (id 1A2B..., expected 3C4D...)"
 *   "bad signature", "bad trusted comment signature".
 * trusted (may be NULL) receives the trusted comment text, cut to fit
 * trustedlen, only when the signature is valid ("" otherwise). It is the
 * signer's text verbatim (any bytes but line ends; a NUL in it cuts it
 * short): quote it before showing it on a terminal.
 */
int minisign_verify(const void *data, size_t len, const char *sig, size_t siglen,
		    const struct minisign_pubkey *pk, char *trusted, size_t trustedlen, char *why,
		    size_t whylen);

/* A key id as minisign prints it: 16 upper-case hex digits, last byte first. */
void minisign_key_id_format(const uint8_t id[MINISIGN_KEY_ID_LEN], char out[MINISIGN_KEY_ID_TEXT]);

#endif /* UTM_MINISIGN_H */
