// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for lib/minisign.c. The fixtures in tests/fixtures/feeds/minisign
 * were made with the real minisign 0.11 CLI (see the README there); the
 * cases it cannot make (an empty or over-long trusted comment, an unknown
 * algorithm) are signed here with libsodium and a throwaway key. Every buffer
 * handed to the library is a malloc of exactly its length with no NUL after
 * it, so that ASan catches any read past len.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/testutil.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "lib/minisign.h"

#define FIXTURES "tests/fixtures/feeds/minisign/"
#define KEY_ID	 "D2350A31A1227005" /* from the comment of key.pub */
#define OTHER_ID "1645A47FF8CFBA9C" /* from the comment of other.pub */
#define KEY_B64	 "RWQFcCKhMQo10t/WygHFA52W+xFQRqXrvWad822dmT+RTv5CYvcC/57P"

/* A fixture file, exact size, no NUL after it. */
struct blob {
	char *p;
	size_t n;
};

static struct blob fixture(const char *name)
{
	char rel[256], path[PATH_MAX];
	struct blob b;

	snprintf(rel, sizeof(rel), FIXTURES "%s", name);
	assert_int_equal(repo_path(path, sizeof(path), rel), 0);
	b.p = read_file(path, &b.n);
	if (!b.p)
		fail_msg("cannot read %s", path);
	return b;
}

/* An exact-size heap copy of n bytes of text. */
static struct blob copy_n(const char *text, size_t n)
{
	struct blob b = {malloc(n ? n : 1), n};

	assert_non_null(b.p);
	memcpy(b.p, text, n);
	return b;
}

static struct blob copy(const char *text)
{
	return copy_n(text, strlen(text));
}

/* The fixture text with the first occurrence of from replaced by to. */
static struct blob replaced(const char *name, const char *from, const char *to)
{
	struct blob f = fixture(name);
	char *text = malloc(f.n + strlen(to) + 1);
	const char *at;
	struct blob b;
	size_t head;

	assert_non_null(text);
	memcpy(text, f.p, f.n);
	text[f.n] = '\0';
	at = strstr(text, from);
	if (!at)
		fail_msg("%s has no \"%s\"", name, from);
	head = (size_t)(at - text);
	memcpy(text + head, to, strlen(to));
	memcpy(text + head + strlen(to), f.p + head + strlen(from), f.n - head - strlen(from));
	b = copy_n(text, f.n - strlen(from) + strlen(to));
	free(text);
	free(f.p);
	return b;
}

static struct minisign_pubkey key_from(const char *pubname)
{
	struct minisign_pubkey pk;
	struct blob f = fixture(pubname);
	char why[MINISIGN_WHY_MAX];

	if (minisign_pubkey_parse(f.p, f.n, &pk, why, sizeof(why)) != 0)
		fail_msg("%s: %s", pubname, why);
	free(f.p);
	return pk;
}

/* Verify data against sig with the key of pubname; the result, trusted and why. */
static int verify(const struct blob *data, const struct blob *sig, const char *pubname,
		  char *trusted, size_t trustedlen, char *why)
{
	struct minisign_pubkey pk = key_from(pubname);

	return minisign_verify(data->p, data->n, sig->p, sig->n, &pk, trusted, trustedlen, why,
			       MINISIGN_WHY_MAX);
}

/* Expect feed.txt with this signature text to be refused with exactly want_why. */
static void assert_sig_refused(struct blob sig, const char *want_why)
{
	struct blob data = fixture("feed.txt");
	char trusted[64] = "untouched", why[MINISIGN_WHY_MAX];

	assert_int_equal(verify(&data, &sig, "key.pub", trusted, sizeof(trusted), why), -1);
	assert_string_equal(why, want_why);
	assert_string_equal(trusted, "");
	free(data.p);
	free(sig.p);
}

static void assert_key_refused(const char *text, const char *want_why)
{
	struct blob b = copy(text);
	struct minisign_pubkey pk;
	char why[MINISIGN_WHY_MAX];

	assert_int_equal(minisign_pubkey_parse(b.p, b.n, &pk, why, sizeof(why)), -1);
	assert_string_equal(why, want_why);
	free(b.p);
}

static void test_pubkey_file_and_bare(void **state)
{
	struct minisign_pubkey from_file = key_from("key.pub"), bare;
	char why[MINISIGN_WHY_MAX], id[MINISIGN_KEY_ID_TEXT];
	struct blob b;

	(void)state;
	/* Stored little-endian, printed as minisign prints it. */
	assert_int_equal(from_file.key_id[0], 0x05);
	assert_int_equal(from_file.key_id[7], 0xd2);
	minisign_key_id_format(from_file.key_id, id);
	assert_string_equal(id, KEY_ID);

	/* The same key as a config value, with blanks around it. */
	b = copy("  " KEY_B64 " \r\n");
	assert_int_equal(minisign_pubkey_parse(b.p, b.n, &bare, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	assert_memory_equal(&bare, &from_file, sizeof(bare));
	free(b.p);

	/* Exactly the base64, no line end; a .pub with CRLF, a BOM and blanks before it. */
	b = copy(KEY_B64);
	assert_int_equal(minisign_pubkey_parse(b.p, b.n, &bare, NULL, 0), 0);
	assert_memory_equal(&bare, &from_file, sizeof(bare));
	free(b.p);
	b = copy("\xef\xbb\xbf\n untrusted comment: x\r\n" KEY_B64 "\r\nignored\n");
	assert_int_equal(minisign_pubkey_parse(b.p, b.n, &bare, why, sizeof(why)), 0);
	assert_memory_equal(&bare, &from_file, sizeof(bare));
	free(b.p);

	minisign_key_id_format(key_from("other.pub").key_id, id);
	assert_string_equal(id, OTHER_ID);
}

static void test_pubkey_refused(void **state)
{
	(void)state;
	assert_key_refused("", "empty public key");
	assert_key_refused(" \n", "empty public key");
	assert_key_refused("hello", "not a minisign public key: not base64 of 42 bytes");
	/* Truncated: four characters short, and one short. */
	assert_key_refused("RWQFcCKhMQo10t/WygHFA52W+xFQRqXrvWad822dmT+RTv5CYvcC",
			   "not a minisign public key: not base64 of 42 bytes");
	assert_key_refused("RWQFcCKhMQo10t/WygHFA52W+xFQRqXrvWad822dmT+RTv5CYvcC/57",
			   "not a minisign public key: not base64 of 42 bytes");
	/* Two keys on one line, and a key followed by junk. */
	assert_key_refused(KEY_B64 " " KEY_B64,
			   "not a minisign public key: not base64 of 42 bytes");
	assert_key_refused("untrusted comment: only a comment\n",
			   "not a minisign public key: line 2 missing");
	assert_key_refused("untrusted comment: x\nRWQ!\n",
			   "not a minisign public key: line 2 is not base64 of 42 bytes");
	/* 42 bytes, but "EX" instead of "Ed": "RVgF" encodes "EX\x05", "RWQF" "Ed\x05". */
	assert_key_refused("RVgFcCKhMQo10t/WygHFA52W+xFQRqXrvWad822dmT+RTv5CYvcC/57P",
			   "unknown public key algorithm \"EX\" (expected \"Ed\")");
}

static void test_good_prehashed(void **state)
{
	struct blob data = fixture("feed.txt"), sig = fixture("feed.txt.minisig");
	char trusted[128], why[MINISIGN_WHY_MAX] = "untouched";

	(void)state;
	assert_int_equal(verify(&data, &sig, "key.pub", trusted, sizeof(trusted), why), 0);
	assert_string_equal(why, "");
	assert_string_equal(trusted, "timestamp:1700000000\tfile:feed.txt\thashed");
	/* Both out-parameters may be NULL; a short buffer gets a cut comment. */
	assert_int_equal(verify(&data, &sig, "key.pub", NULL, 0, NULL), 0);
	assert_int_equal(verify(&data, &sig, "key.pub", trusted, 10, why), 0);
	assert_string_equal(trusted, "timestamp");
	free(data.p);
	free(sig.p);
}

static void test_good_legacy(void **state)
{
	struct blob data = fixture("feed.txt"), sig = fixture("feed.txt.legacy.minisig");
	char trusted[128], why[MINISIGN_WHY_MAX];

	(void)state;
	assert_memory_equal(
		sig.p + strlen("untrusted comment: signature from minisign secret key\n"), "RWQ",
		3); /* "Ed": really the legacy form */
	assert_int_equal(verify(&data, &sig, "key.pub", trusted, sizeof(trusted), why), 0);
	assert_string_equal(trusted, "timestamp:1700000000\tfile:feed.txt\tlegacy");
	free(data.p);
	free(sig.p);
}

static void test_good_empty_file(void **state)
{
	struct blob data = fixture("empty.txt"), sig = fixture("empty.txt.minisig");
	char trusted[128], why[MINISIGN_WHY_MAX];

	(void)state;
	assert_int_equal(data.n, 0);
	assert_int_equal(verify(&data, &sig, "key.pub", trusted, sizeof(trusted), why), 0);
	assert_string_equal(trusted, "timestamp:1795990049\tfile:empty.txt\thashed");
	/* No data at all (NULL, 0) is the same empty file. */
	data.n = 0;
	free(data.p);
	data.p = NULL;
	assert_int_equal(verify(&data, &sig, "key.pub", trusted, sizeof(trusted), why), 0);
	free(sig.p);
}

/* CRLF line ends, no final line end, and lines after line 4 are all accepted. */
static void test_good_variants(void **state)
{
	static const char *const sigs[] = {"feed.txt.minisig", "feed.txt.legacy.minisig"};
	struct blob data = fixture("feed.txt");
	char trusted[128], why[MINISIGN_WHY_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct blob f = fixture(sigs[i]), v;
		char *crlf = malloc(2 * f.n), *extra = malloc(f.n + 8);
		size_t j, n = 0;

		assert_non_null(crlf);
		assert_non_null(extra);
		for (j = 0; j < f.n; j++) {
			if (f.p[j] == '\n')
				crlf[n++] = '\r';
			crlf[n++] = f.p[j];
		}
		v = copy_n(crlf, n);
		assert_int_equal(verify(&data, &v, "key.pub", trusted, sizeof(trusted), why), 0);
		assert_null(strchr(trusted, '\r'));
		free(v.p);

		v = copy_n(f.p, f.n - 1); /* drop the final LF */
		assert_int_equal(verify(&data, &v, "key.pub", trusted, sizeof(trusted), why), 0);
		free(v.p);

		memcpy(extra, f.p, f.n);
		memcpy(extra + f.n, "junk\n\n", 6);
		v = copy_n(extra, f.n + 6);
		assert_int_equal(verify(&data, &v, "key.pub", trusted, sizeof(trusted), why), 0);
		free(v.p);
		free(crlf);
		free(extra);
		free(f.p);
	}
	free(data.p);
}

static void test_modified_data(void **state)
{
	static const char *const sigs[] = {"feed.txt.minisig", "feed.txt.legacy.minisig"};
	char trusted[128], why[MINISIGN_WHY_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct blob data = fixture("feed.txt"), sig = fixture(sigs[i]), longer;

		data.p[data.n - 2] ^= 1; /* one bit of the last address */
		assert_int_equal(verify(&data, &sig, "key.pub", trusted, sizeof(trusted), why), -1);
		assert_string_equal(why, "bad signature");
		assert_string_equal(trusted, "");
		data.p[data.n - 2] ^= 1;
		/* One byte more, one byte less. */
		longer = copy_n(data.p, data.n);
		longer.p = realloc(longer.p, data.n + 1);
		assert_non_null(longer.p);
		longer.p[longer.n++] = '\n';
		assert_int_equal(verify(&longer, &sig, "key.pub", NULL, 0, why), -1);
		assert_string_equal(why, "bad signature");
		data.n--;
		assert_int_equal(verify(&data, &sig, "key.pub", NULL, 0, why), -1);
		assert_string_equal(why, "bad signature");
		free(longer.p);
		free(data.p);
		free(sig.p);
	}
}

static void test_wrong_key(void **state)
{
	struct blob data = fixture("feed.txt"), sig = fixture("feed.txt.minisig");
	char trusted[128] = "untouched", why[MINISIGN_WHY_MAX];

	(void)state;
	assert_int_equal(verify(&data, &sig, "other.pub", trusted, sizeof(trusted), why), -1);
	assert_string_equal(why, "signature made with another key (id " KEY_ID
				 ", expected " OTHER_ID ")");
	assert_string_equal(trusted, "");
	free(data.p);
	free(sig.p);
}

/*
 * Another key that claims key.pub's id: the id check passes and the
 * signature itself must fail.
 */
static void test_wrong_key_same_id(void **state)
{
	struct blob data = fixture("feed.txt"), sig = fixture("feed.txt.minisig");
	struct minisign_pubkey pk = key_from("key.pub");
	char why[MINISIGN_WHY_MAX];

	(void)state;
	memcpy(pk.pk, key_from("other.pub").pk, sizeof(pk.pk));
	assert_int_equal(
		minisign_verify(data.p, data.n, sig.p, sig.n, &pk, NULL, 0, why, sizeof(why)), -1);
	assert_string_equal(why, "bad signature");
	free(data.p);
	free(sig.p);
}

static void test_tampered_trusted_comment(void **state)
{
	(void)state;
	assert_sig_refused(replaced("feed.txt.minisig", "1700000000", "1800000000"),
			   "bad trusted comment signature");
	assert_sig_refused(replaced("feed.txt.legacy.minisig", "\tlegacy", "\tlegacy "),
			   "bad trusted comment signature");
	/* The untrusted comment is not signed: changing it is fine. */
	{
		struct blob data = fixture("feed.txt"),
			    sig = replaced("feed.txt.minisig", "signature from", "anything");
		char why[MINISIGN_WHY_MAX];

		assert_int_equal(verify(&data, &sig, "key.pub", NULL, 0, why), 0);
		free(data.p);
		free(sig.p);
	}
}

/* "ED" and "Ed" signatures cannot pass for each other. */
static void test_algorithm_swapped(void **state)
{
	(void)state;
	/* "RUQ" encodes "ED", "RWQ" encodes "Ed" (same key id bits in the third char). */
	assert_sig_refused(replaced("feed.txt.minisig", "\nRUQ", "\nRWQ"), "bad signature");
	assert_sig_refused(replaced("feed.txt.legacy.minisig", "\nRWQ", "\nRUQ"), "bad signature");
	assert_sig_refused(replaced("feed.txt.minisig", "\nRUQ", "\nRVg"),
			   "unknown signature algorithm \"EX\"");
}

static void test_garbage_signature(void **state)
{
	(void)state;
	assert_sig_refused(copy(""),
			   "not a minisign signature: line 1 does not start with \"untrusted "
			   "comment: \"");
	assert_sig_refused(copy("<html>Not found</html>\n"),
			   "not a minisign signature: line 1 does not start with \"untrusted "
			   "comment: \"");
	assert_sig_refused(copy("untrusted comment: x\n"),
			   "not a minisign signature: line 2 missing");
	assert_sig_refused(copy("untrusted comment: x\nnot base64 at all\n"),
			   "not a minisign signature: line 2 is not base64 of 74 bytes");
	assert_sig_refused(replaced("feed.txt.minisig", "trusted comment: timestamp",
				    "trusted-comment: timestamp"),
			   "not a minisign signature: line 3 does not start with \"trusted "
			   "comment: \"");
	/* A public key where the signature should be. */
	assert_sig_refused(fixture("key.pub"),
			   "not a minisign signature: line 2 is not base64 of 74 bytes");
}

static void test_truncated_base64(void **state)
{
	struct blob f = fixture("feed.txt.minisig");
	const char *line3 = memmem(f.p, f.n, "\ntrusted", 8);
	size_t line4 = (size_t)((const char *)memchr(line3 + 1, '\n', f.n) - f.p) + 1;

	(void)state;
	/* Line 2 four characters short, and without its '=' padding. */
	assert_sig_refused(replaced("feed.txt.minisig", "Jd2QSdORwA=\n", "Jd2QSdO\n"),
			   "not a minisign signature: line 2 is not base64 of 74 bytes");
	assert_sig_refused(replaced("feed.txt.minisig", "ORwA=\n", "ORwA\n"),
			   "not a minisign signature: line 2 is not base64 of 74 bytes");
	/* Line 4 one character short, cut after line 3, cut within line 2. */
	assert_sig_refused(replaced("feed.txt.minisig", "PBw==\n", "PBw=\n"),
			   "not a minisign signature: line 4 is not base64 of 64 bytes");
	assert_sig_refused(copy_n(f.p, line4), "not a minisign signature: line 4 missing");
	assert_sig_refused(copy_n(f.p, 100),
			   "not a minisign signature: line 2 is not base64 of 74 bytes");
	free(f.p);
}

/* A minisign file made here: sign msg ("Ed" or "ED") with comment tc. */
static struct blob craft(const uint8_t *sk, const uint8_t id[8], const char *alg,
			 const struct blob *data, const char *tc, size_t tclen)
{
	uint8_t blob[74], hash[64], *global_msg = malloc(64 + tclen), global[64];
	char b64_blob[sodium_base64_ENCODED_LEN(74, sodium_base64_VARIANT_ORIGINAL)];
	char b64_global[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_ORIGINAL)];
	size_t size = 300 + tclen;
	char *text = malloc(size);
	struct blob b;
	int n;

	assert_non_null(global_msg);
	assert_non_null(text);
	memcpy(blob, alg, 2);
	memcpy(blob + 2, id, 8);
	if (alg[1] == 'D') {
		crypto_generichash(hash, sizeof(hash), (const uint8_t *)data->p, data->n, NULL, 0);
		crypto_sign_detached(blob + 10, NULL, hash, sizeof(hash), sk);
	} else {
		crypto_sign_detached(blob + 10, NULL, (const uint8_t *)data->p, data->n, sk);
	}
	memcpy(global_msg, blob + 10, 64);
	memcpy(global_msg + 64, tc, tclen);
	crypto_sign_detached(global, NULL, global_msg, 64 + tclen, sk);
	sodium_bin2base64(b64_blob, sizeof(b64_blob), blob, sizeof(blob),
			  sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(b64_global, sizeof(b64_global), global, sizeof(global),
			  sodium_base64_VARIANT_ORIGINAL);
	n = snprintf(text, size, "untrusted comment: crafted\n%s\ntrusted comment: %.*s\n%s\n",
		     b64_blob, (int)tclen, tc, b64_global);
	assert_true(n > 0 && (size_t)n < size);
	b = copy_n(text, (size_t)n);
	free(text);
	free(global_msg);
	return b;
}

/* Trusted comments minisign will not write: empty, at and over the limit. */
static void test_crafted_comments(void **state)
{
	static const uint8_t id[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	uint8_t pkbytes[32], sk[64];
	struct minisign_pubkey pk;
	struct blob data = copy("1.2.3.4\n"), sig;
	char *big = malloc(MINISIGN_TRUSTED_MAX + 1), trusted[16], why[MINISIGN_WHY_MAX];

	(void)state;
	assert_non_null(big);
	assert_true(sodium_init() >= 0);
	crypto_sign_keypair(pkbytes, sk);
	memcpy(pk.key_id, id, 8);
	memcpy(pk.pk, pkbytes, 32);
	memset(big, 'x', MINISIGN_TRUSTED_MAX + 1);

	sig = craft(sk, id, "Ed", &data, "", 0);
	strcpy(trusted, "untouched");
	assert_int_equal(minisign_verify(data.p, data.n, sig.p, sig.n, &pk, trusted,
					 sizeof(trusted), why, sizeof(why)),
			 0);
	assert_string_equal(trusted, "");
	free(sig.p);

	sig = craft(sk, id, "ED", &data, big, MINISIGN_TRUSTED_MAX);
	assert_int_equal(minisign_verify(data.p, data.n, sig.p, sig.n, &pk, trusted,
					 sizeof(trusted), why, sizeof(why)),
			 0);
	assert_string_equal(trusted, "xxxxxxxxxxxxxxx");
	free(sig.p);

	sig = craft(sk, id, "ED", &data, big, MINISIGN_TRUSTED_MAX + 1);
	assert_int_equal(minisign_verify(data.p, data.n, sig.p, sig.n, &pk, trusted,
					 sizeof(trusted), why, sizeof(why)),
			 -1);
	assert_string_equal(why, "trusted comment is 8193 bytes (max 8192)");
	free(sig.p);

	/* Validly signed, but with an algorithm minisign does not know. */
	sig = craft(sk, id, "EX", &data, "t", 1);
	assert_int_equal(
		minisign_verify(data.p, data.n, sig.p, sig.n, &pk, NULL, 0, why, sizeof(why)), -1);
	assert_string_equal(why, "unknown signature algorithm \"EX\"");
	free(sig.p);
	free(big);
	free(data.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pubkey_file_and_bare),
		cmocka_unit_test(test_pubkey_refused),
		cmocka_unit_test(test_good_prehashed),
		cmocka_unit_test(test_good_legacy),
		cmocka_unit_test(test_good_empty_file),
		cmocka_unit_test(test_good_variants),
		cmocka_unit_test(test_modified_data),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_wrong_key_same_id),
		cmocka_unit_test(test_tampered_trusted_comment),
		cmocka_unit_test(test_algorithm_swapped),
		cmocka_unit_test(test_garbage_signature),
		cmocka_unit_test(test_truncated_base64),
		cmocka_unit_test(test_crafted_comments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
