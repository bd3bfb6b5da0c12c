// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target for lib/minisign.c. The input is "key NUL sig NUL data":
 * a public key (bare or .pub content), a .minisig and the signed file; a
 * key that does not parse is replaced by the fixture key, so that the
 * signature parser is exercised whatever the first part holds. Each part is
 * copied to a buffer of exactly its size so that ASan sees any read past it.
 * Besides "never crash", it checks the promises: 0 or -1, a reason on every
 * refusal and none on success, a trusted comment only when valid, cut
 * cleanly to a short buffer, and a valid signature no longer valid once one
 * bit of the data changes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/minisign.h"

/* tests/fixtures/feeds/minisign/key.pub */
static const char fixture_key[] = "RWQFcCKhMQo10t/WygHFA52W+xFQRqXrvWad822dmT+RTv5CYvcC/57P";

struct part {
	char *p;
	size_t n;
};

/*
 * The next NUL-separated part of the input (the rest when there is no NUL,
 * or when whole is set: the data may hold NULs).
 */
static struct part take_part(const uint8_t **data, size_t *size, int whole)
{
	const uint8_t *nul = whole ? NULL : memchr(*data, '\0', *size);
	size_t n = nul ? (size_t)(nul - *data) : *size;
	struct part part = {malloc(n ? n : 1), n};

	if (!part.p)
		abort();
	memcpy(part.p, *data, n);
	*data += nul ? n + 1 : n;
	*size -= nul ? n + 1 : n;
	return part;
}

/* A reason is a non-empty C string within its buffer on failure, "" on success. */
static void check_why(int rc, const char *why)
{
	if (rc != 0 && rc != -1)
		abort();
	if (!memchr(why, '\0', MINISIGN_WHY_MAX) || (rc == 0) != (why[0] == '\0'))
		abort();
}

static void parse_key(const struct part *key, struct minisign_pubkey *pk)
{
	char why[MINISIGN_WHY_MAX];
	int rc = minisign_pubkey_parse(key->p, key->n, pk, why, sizeof(why));

	check_why(rc, why);
	if (rc != 0 && minisign_pubkey_parse(fixture_key, strlen(fixture_key), pk, NULL, 0) != 0)
		abort();
}

/* What must hold once a signature verified. */
static void check_valid(struct part *data, const struct part *sig, const struct minisign_pubkey *pk,
			const char *trusted)
{
	char small[8], why[MINISIGN_WHY_MAX];
	size_t tlen = strlen(trusted);

	if (tlen > MINISIGN_TRUSTED_MAX)
		abort();
	if (minisign_verify(data->p, data->n, sig->p, sig->n, pk, small, sizeof(small), NULL, 0))
		abort();
	if (strlen(small) != (tlen < sizeof(small) ? tlen : sizeof(small) - 1) ||
	    memcmp(small, trusted, strlen(small)) != 0)
		abort();
	if (data->n == 0)
		return;
	data->p[data->n / 2] ^= 1;
	if (minisign_verify(data->p, data->n, sig->p, sig->n, pk, NULL, 0, why, sizeof(why)) !=
		    -1 ||
	    strcmp(why, "bad signature") != 0)
		abort();
	data->p[data->n / 2] ^= 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	char trusted[MINISIGN_TRUSTED_MAX + 1], why[MINISIGN_WHY_MAX];
	struct part key = take_part(&in, &size, 0);
	struct part sig = take_part(&in, &size, 0);
	struct part data = take_part(&in, &size, 1);
	struct minisign_pubkey pk;
	int rc;

	parse_key(&key, &pk);
	rc = minisign_verify(data.p, data.n, sig.p, sig.n, &pk, trusted, sizeof(trusted), why,
			     sizeof(why));
	check_why(rc, why);
	if (rc == 0)
		check_valid(&data, &sig, &pk, trusted);
	else if (trusted[0] != '\0')
		abort();
	free(key.p);
	free(sig.p);
	free(data.p);
	return 0;
}
