// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for lib/archive.c: gunzip_buf on archives made by gzip and GNU
 * tar (tests/fixtures/feeds/archive/, see its README), tar_each on their
 * content and on headers built here for what the tools do not make on
 * demand (base-256 sizes, pax size records, bad fields). Every buffer handed
 * to tar_each is a malloc of exactly its length, so that ASan catches any
 * read past len.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/archive.h"

#define MiB	    (1024 * 1024)
#define MAX_MEMBERS 16
#define BLOCK	    512
#define MALWARE_BODY                                                                               \
	"alert ip $HOME_NET any -> [192.0.2.66] any (msg:\"ET MALWARE test\"; "                    \
	"sid:2000001; rev:1;)\n"
#define LONG_PATH                                                                                  \
	"blacklists/phishing-and-fraudulent-websites-category/"                                    \
	"subcategory-with-a-rather-long-name-too/domains-list-for-this-subcategory"

/* ---- helpers ---- */

struct seen {
	size_t n;
	char *name[MAX_MEMBERS];
	char *data[MAX_MEMBERS]; /* copies with a NUL after them */
	size_t size[MAX_MEMBERS];
	size_t stop_at; /* 1-based member at which to return stop_ret; 0: never */
	int stop_ret;
};

static int collect(const struct tar_member *m, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < MAX_MEMBERS) {
		s->name[s->n] = strdup(m->name);
		s->data[s->n] = malloc(m->size + 1);
		assert_non_null(s->data[s->n]);
		memcpy(s->data[s->n], m->data, m->size);
		s->data[s->n][m->size] = '\0';
		s->size[s->n] = m->size;
	}
	s->n++;
	if (s->stop_at && s->n == s->stop_at)
		return s->stop_ret;
	return 0;
}

static void seen_free(struct seen *s)
{
	size_t i;

	for (i = 0; i < s->n && i < MAX_MEMBERS; i++) {
		free(s->name[i]);
		free(s->data[i]);
	}
	memset(s, 0, sizeof(*s));
}

static void assert_member(const struct seen *s, size_t i, const char *name, const char *data)
{
	assert_true(i < s->n);
	assert_string_equal(s->name[i], name);
	assert_int_equal(s->size[i], strlen(data));
	assert_string_equal(s->data[i], data);
}

static void assert_why(const char *why, const char *want)
{
	if (strcmp(why, want) != 0)
		fail_msg("why is \"%s\", want \"%s\"", why, want);
}

/* A fixture file of tests/fixtures/feeds/archive/, in an exact-size buffer. */
static char *fixture(const char *name, size_t *len)
{
	char rel[256], path[PATH_MAX];
	char *buf;

	snprintf(rel, sizeof(rel), "tests/fixtures/feeds/archive/%s", name);
	assert_int_equal(repo_path(path, sizeof(path), rel), 0);
	buf = read_file(path, len);
	if (!buf)
		fail_msg("cannot read fixture %s", path);
	return buf;
}

/* An exact-size heap copy (no NUL after it). */
static char *exact_copy(const void *p, size_t len)
{
	char *buf = malloc(len ? len : 1);

	assert_non_null(buf);
	memcpy(buf, p, len);
	return buf;
}

/* gunzip a fixture that must decompress, into an exact-size buffer. */
static char *gunzip_fixture(const char *name, size_t *len)
{
	char why[ARCHIVE_WHY_MAX] = "";
	size_t inlen, outlen;
	char *in = fixture(name, &inlen), *out, *copy;

	if (gunzip_buf(in, inlen, 10 * MiB, &out, &outlen, why, sizeof(why)) != 0)
		fail_msg("gunzip %s: %s", name, why);
	assert_int_equal(out[outlen], '\0');
	copy = exact_copy(out, outlen);
	free(out);
	free(in);
	*len = outlen;
	return copy;
}

/* gunzip a fixture that must be refused, and check the reason. */
static void assert_gunzip_refused(const char *name, size_t max_out, const char *want)
{
	char why[ARCHIVE_WHY_MAX] = "";
	char *in, *out = (char *)1;
	size_t inlen, outlen = 42;

	in = fixture(name, &inlen);
	assert_int_equal(gunzip_buf(in, inlen, max_out, &out, &outlen, why, sizeof(why)), -1);
	assert_null(out);
	assert_int_equal(outlen, 0);
	assert_why(why, want);
	free(in);
}

static int tar_walk(const void *buf, size_t len, struct seen *s, char *why, size_t whylen)
{
	char *copy = exact_copy(buf, len);
	int rc = tar_each(copy, len, collect, s, why, whylen);

	free(copy);
	return rc;
}

/* ---- in-memory tar headers ---- */

static void set_octal(unsigned char *f, size_t n, unsigned long v)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%0*lo", (int)(n - 1), v);
	memcpy(f, tmp, n - 1);
	f[n - 1] = '\0';
}

static void set_checksum(unsigned char *h)
{
	unsigned long sum = 0;
	size_t i;

	memset(h + 148, ' ', 8);
	for (i = 0; i < BLOCK; i++)
		sum += h[i];
	set_octal(h + 148, 7, sum);
	h[155] = ' ';
}

/* A GNU-style header ("ustar  \0") at h for name, type and size. */
static void gnu_header(unsigned char *h, const char *name, char type, size_t size)
{
	memset(h, 0, BLOCK);
	memcpy(h, name, strnlen(name, 100));
	set_octal(h + 100, 8, 0644);
	set_octal(h + 108, 8, 0);
	set_octal(h + 116, 8, 0);
	set_octal(h + 124, 12, size);
	set_octal(h + 136, 12, 1704067200);
	h[156] = (unsigned char)type;
	memcpy(h + 257, "ustar  ", 8);
	set_checksum(h);
}

/* An archive being built: headers and data, block-aligned. */
struct tarbuf {
	unsigned char b[64 * BLOCK];
	size_t len;
};

/* Append a header and its data (padded); returns the header for tweaks. */
static unsigned char *tb_add(struct tarbuf *t, const char *name, char type, const void *data,
			     size_t size)
{
	unsigned char *h = t->b + t->len;

	assert_true(t->len + BLOCK + size + BLOCK <= sizeof(t->b));
	gnu_header(h, name, type, size);
	t->len += BLOCK;
	memset(t->b + t->len, 0, (size + BLOCK - 1) / BLOCK * BLOCK);
	if (size)
		memcpy(t->b + t->len, data, size);
	t->len += (size + BLOCK - 1) / BLOCK * BLOCK;
	return h;
}

static void tb_end(struct tarbuf *t)
{
	memset(t->b + t->len, 0, 2 * BLOCK);
	t->len += 2 * BLOCK;
}

/* A pax record "<len> key=value\n" of the right length. */
static size_t pax_record(char *out, size_t outlen, const char *kv)
{
	size_t body = strlen(kv) + 2, n = body + 1;

	while (snprintf(NULL, 0, "%zu", n) + body != n)
		n++;
	return (size_t)snprintf(out, outlen, "%zu %s\n", n, kv);
}

/* ---- gzip ---- */

static void test_gzip_is(void **state)
{
	(void)state;
	assert_int_equal(gzip_is("\x1f\x8b\x08", 3), 1);
	assert_int_equal(gzip_is("\x1f\x8b", 2), 1);
	assert_int_equal(gzip_is("\x1f", 1), 0);
	assert_int_equal(gzip_is("", 0), 0);
	assert_int_equal(gzip_is("\x8b\x1f", 2), 0);
	assert_int_equal(gzip_is("1.2.3.4\n", 8), 0);
}

static void test_gunzip_tarball(void **state)
{
	size_t len;
	char *tar = gunzip_fixture("rules.tar.gz", &len);

	(void)state;
	/* GNU tar pads to its 10 KiB record. */
	assert_int_equal(len, 10240);
	assert_int_equal(tar_is(tar, len), 1);
	free(tar);
}

static void test_gunzip_two_members(void **state)
{
	size_t len;
	char *text = gunzip_fixture("two-members.gz", &len);

	(void)state;
	assert_int_equal(len, 38);
	assert_memory_equal(text, "member-one.example\nmember-two.example\n", 38);
	free(text);
}

/* Tape-style zero padding after the last member is fine; other bytes are not gzip. */
static void test_gunzip_trailing_bytes(void **state)
{
	char why[ARCHIVE_WHY_MAX] = "";
	size_t inlen, outlen;
	char *in = fixture("two-members.gz", &inlen), *padded, *out;

	(void)state;
	padded = malloc(inlen + 100);
	assert_non_null(padded);
	memcpy(padded, in, inlen);
	memset(padded + inlen, 0, 100);
	assert_int_equal(gunzip_buf(padded, inlen + 100, MiB, &out, &outlen, why, sizeof(why)), 0);
	assert_int_equal(outlen, 38);
	free(out);

	memcpy(padded + inlen, "garbage", 7);
	assert_int_equal(gunzip_buf(padded, inlen + 7, MiB, &out, &outlen, why, sizeof(why)), -1);
	assert_null(out);
	assert_why(why, "corrupt gzip data: incorrect header check");
	free(padded);
	free(in);
}

static void test_gunzip_bomb(void **state)
{
	char why[ARCHIVE_WHY_MAX] = "";
	size_t inlen, outlen, i;
	char *in, *out;

	(void)state;
	assert_gunzip_refused("zeros-10MiB.gz", MiB, "larger than 1048576 bytes uncompressed");
	assert_gunzip_refused("zeros-10MiB.gz", 10 * MiB - 1,
			      "larger than 10485759 bytes uncompressed");
	/* Exactly max_out bytes is not too many. */
	in = fixture("zeros-10MiB.gz", &inlen);
	assert_int_equal(gunzip_buf(in, inlen, 10 * MiB, &out, &outlen, why, sizeof(why)), 0);
	assert_int_equal(outlen, 10 * MiB);
	for (i = 0; i < outlen; i++)
		if (out[i])
			fail_msg("byte %zu is %d", i, out[i]);
	assert_int_equal(out[outlen], '\0');
	free(out);
	free(in);
}

static void test_gunzip_max_out_small(void **state)
{
	char why[ARCHIVE_WHY_MAX] = "";
	size_t inlen, outlen;
	char *in = fixture("two-members.gz", &inlen), *out;

	(void)state;
	assert_int_equal(gunzip_buf(in, inlen, 38, &out, &outlen, why, sizeof(why)), 0);
	assert_int_equal(outlen, 38);
	free(out);
	/* The limit counts both members together. */
	assert_int_equal(gunzip_buf(in, inlen, 37, &out, &outlen, why, sizeof(why)), -1);
	assert_why(why, "larger than 37 bytes uncompressed");
	assert_int_equal(gunzip_buf(in, inlen, 0, &out, &outlen, why, sizeof(why)), -1);
	assert_why(why, "larger than 0 bytes uncompressed");
	free(in);
}

static void test_gunzip_truncated(void **state)
{
	char why[ARCHIVE_WHY_MAX];
	size_t inlen, outlen, cut;
	char *in, *copy, *out;

	(void)state;
	assert_gunzip_refused("rules-cut.tar.gz", 10 * MiB, "truncated gzip stream");
	/* Every cut of a two-member stream is refused, except right after member one. */
	in = fixture("two-members.gz", &inlen);
	for (cut = 0; cut < inlen; cut++) {
		copy = exact_copy(in, cut);
		strcpy(why, "");
		if (cut == 39) {
			assert_int_equal(
				gunzip_buf(copy, cut, MiB, &out, &outlen, why, sizeof(why)), 0);
			assert_int_equal(outlen, 19);
			assert_string_equal(out, "member-one.example\n");
			free(out);
		} else if (gunzip_buf(copy, cut, MiB, &out, &outlen, why, sizeof(why)) != -1 ||
			   strcmp(why, "truncated gzip stream") != 0) {
			fail_msg("cut at %zu: \"%s\"", cut, why);
		}
		free(copy);
	}
	free(in);
}

static void test_gunzip_corrupt(void **state)
{
	(void)state;
	assert_gunzip_refused("rules-badcrc.tar.gz", 10 * MiB,
			      "corrupt gzip data: incorrect data check");
	assert_gunzip_refused("rules-corrupt.tar.gz", 10 * MiB,
			      "corrupt gzip data: invalid literal/lengths set");
}

static void test_gunzip_not_gzip(void **state)
{
	char why[ARCHIVE_WHY_MAX] = "";
	size_t len, outlen;
	char *tar = gunzip_fixture("rules.tar.gz", &len), *out;

	(void)state;
	assert_int_equal(gunzip_buf(tar, len, MiB, &out, &outlen, why, sizeof(why)), -1);
	assert_why(why, "not gzip data (no 1f 8b magic)");
	assert_int_equal(gunzip_buf("", 0, MiB, &out, &outlen, why, sizeof(why)), -1);
	assert_why(why, "truncated gzip stream");
	assert_int_equal(gunzip_buf("\x1f", 1, MiB, &out, &outlen, why, sizeof(why)), -1);
	assert_why(why, "truncated gzip stream");
	/* why may be NULL. */
	assert_int_equal(gunzip_buf("xx", 2, MiB, &out, &outlen, NULL, 0), -1);
	free(tar);
}

/* ---- tar from GNU tar ---- */

static void test_tar_rules(void **state)
{
	char why[ARCHIVE_WHY_MAX] = "";
	struct seen s = {0};
	size_t len;
	char *tar = gunzip_fixture("rules.tar.gz", &len);

	(void)state;
	/* The directory rules/ and the symlink rules/latest.rules are skipped. */
	assert_int_equal(tar_walk(tar, len, &s, why, sizeof(why)), 0);
	assert_int_equal(s.n, 2);
	assert_member(&s, 0, "rules/emerging-malware.rules",
		      MALWARE_BODY "alert ip $HOME_NET any -> [198.51.100.7] any "
				   "(msg:\"ET MALWARE test 2\"; sid:2000002; rev:1;)\n");
	assert_member(&s, 1, "rules/emerging-scan.rules",
		      "alert tcp any any -> $HOME_NET 22 (msg:\"ET SCAN ssh\"; sid:2001219; "
		      "rev:20;)\n");
	seen_free(&s);
	/* Without a callback it only checks. */
	assert_int_equal(tar_each(tar, len, NULL, NULL, why, sizeof(why)), 0);
	free(tar);
}

/* The same 126-byte path as GNU 'L' entry, ustar prefix and pax "path=". */
static void check_long_names(const char *fixture_name)
{
	char why[ARCHIVE_WHY_MAX] = "";
	struct seen s = {0};
	size_t len;
	char *tar = gunzip_fixture(fixture_name, &len);

	assert_int_equal(tar_walk(tar, len, &s, why, sizeof(why)), 0);
	assert_int_equal(s.n, 2);
	assert_member(&s, 0, "blacklists/ads/domains", "ads.example\ntracker.example\n");
	assert_member(&s, 1, LONG_PATH, "phish.example\n");
	assert_int_equal(strlen(LONG_PATH), 126);
	seen_free(&s);
	free(tar);
}

static void test_tar_long_name_gnu(void **state)
{
	(void)state;
	check_long_names("longname-gnu.tar.gz");
}

static void test_tar_long_name_ustar(void **state)
{
	(void)state;
	check_long_names("longname-ustar.tar.gz");
}

static void test_tar_long_name_pax(void **state)
{
	(void)state;
	check_long_names("longname-posix.tar.gz");
}

static void test_tar_truncated_member(void **state)
{
	char why[ARCHIVE_WHY_MAX] = "";
	struct seen s = {0};
	size_t len;
	char *tar = gunzip_fixture("rules-truncated.tar.gz", &len);

	(void)state;
	assert_int_equal(len, 1124);
	assert_int_equal(tar_walk(tar, len, &s, why, sizeof(why)), -1);
	assert_why(why, "truncated tar: \"rules/emerging-malware.rules\" needs 180 bytes of data, "
			"100 left");
	assert_int_equal(s.n, 0);
	free(tar);
}

static void test_tar_bad_checksum(void **state)
{
	char why[ARCHIVE_WHY_MAX] = "";
	struct seen s = {0};
	size_t len;
	char *tar = gunzip_fixture("rules.tar.gz", &len);

	(void)state;
	/* Headers: rules/ at 0, emerging-malware.rules at 512 (data 1024), emerging-scan at 1536.
	 */
	assert_string_equal(tar + 1536, "rules/emerging-scan.rules");
	tar[1536] = 'R';
	assert_int_equal(tar_walk(tar, len, &s, why, sizeof(why)), -1);
	assert_why(why, "tar header at offset 1536: bad checksum");
	/* The member before the fault was already passed on. */
	assert_int_equal(s.n, 1);
	assert_string_equal(s.name[0], "rules/emerging-malware.rules");
	seen_free(&s);
	free(tar);
}

static void test_tar_callback_stops(void **state)
{
	char why[ARCHIVE_WHY_MAX] = "";
	struct seen s = {.stop_at = 1, .stop_ret = 7};
	size_t len;
	char *tar = gunzip_fixture("rules.tar.gz", &len);

	(void)state;
	assert_int_equal(tar_walk(tar, len, &s, why, sizeof(why)), 7);
	assert_int_equal(s.n, 1);
	seen_free(&s);
	/* -1 and 1 come back as they are too. */
	s.stop_at = 2;
	s.stop_ret = 1;
	assert_int_equal(tar_walk(tar, len, &s, why, sizeof(why)), 1);
	assert_int_equal(s.n, 2);
	seen_free(&s);
	s.stop_at = 2;
	s.stop_ret = -1;
	assert_int_equal(tar_walk(tar, len, &s, why, sizeof(why)), -1);
	seen_free(&s);
	free(tar);
}

/* An archive may end without its two zero blocks, even without the last padding. */
static void test_tar_no_end_blocks(void **state)
{
	char why[ARCHIVE_WHY_MAX] = "";
	struct seen s = {0};
	size_t len;
	char *tar = gunzip_fixture("rules.tar.gz", &len);

	(void)state;
	/* emerging-scan.rules (76 bytes) has its data at 2048; the symlink header is at 2560. */
	assert_int_equal(tar_walk(tar, 2048 + 76, &s, why, sizeof(why)), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.size[1], 76);
	seen_free(&s);
	assert_int_equal(tar_walk(tar, 2560, &s, why, sizeof(why)), 0);
	assert_int_equal(s.n, 2);
	seen_free(&s);
	/* A header cut short is a truncated archive; zero bytes are end padding. */
	assert_int_equal(tar_walk(tar, 2560 + 100, &s, why, sizeof(why)), -1);
	assert_why(why, "truncated tar: header at offset 2560 cut short");
	seen_free(&s);
	assert_int_equal(tar_walk(tar, 3072 + 100, &s, why, sizeof(why)), 0);
	assert_int_equal(s.n, 2);
	seen_free(&s);
	assert_int_equal(tar_walk(tar, 0, &s, why, sizeof(why)), 0);
	assert_int_equal(s.n, 0);
	free(tar);
}

/* ---- tar from headers built here ---- */

static void test_tar_base256_size(void **state)
{
	char why[ARCHIVE_WHY_MAX] = "";
	struct tarbuf t = {0};
	struct seen s = {0};
	unsigned char *h;

	(void)state;
	h = tb_add(&t, "big.txt", '0', "hello", 5);
	memset(h + 124, 0, 12);
	h[124] = 0x80;
	h[135] = 5;
	set_checksum(h);
	tb_end(&t);
	assert_int_equal(tar_walk(t.b, t.len, &s, why, sizeof(why)), 0);
	assert_int_equal(s.n, 1);
	assert_member(&s, 0, "big.txt", "hello");
	seen_free(&s);

	/* A negative base-256 number is no size. */
	h[124] = 0xff;
	set_checksum(h);
	assert_int_equal(tar_walk(t.b, t.len, &s, why, sizeof(why)), -1);
	assert_why(why, "tar header at offset 0: bad size field");
	/* Nor is one that cannot be a size_t (or would run far past the end). */
	memset(h + 124, 0xff, 12);
	h[124] = 0x80;
	set_checksum(h);
	assert_int_equal(tar_walk(t.b, t.len, &s, why, sizeof(why)), -1);
	assert_why(why, "tar header at offset 0: bad size field");
	assert_int_equal(s.n, 0);
}

static void test_tar_bad_octal(void **state)
{
	char why[ARCHIVE_WHY_MAX] = "";
	struct tarbuf t = {0};
	struct seen s = {0};
	unsigned char *h;

	(void)state;
	tb_add(&t, "a.txt", '0', "a\n", 2);
	h = tb_add(&t, "b.txt", '0', "b\n", 2);
	tb_end(&t);
	memcpy(h + 124, "0000000008\0", 12);
	set_checksum(h);
	assert_int_equal(tar_walk(t.b, t.len, &s, why, sizeof(why)), -1);
	assert_why(why, "tar header at offset 1024: bad size field");
	assert_int_equal(s.n, 1);
	seen_free(&s);
	/* Leading spaces and a space terminator, as old tars wrote them, are fine. */
	memcpy(h + 124, "          2 ", 12);
	set_checksum(h);
	assert_int_equal(tar_walk(t.b, t.len, &s, why, sizeof(why)), 0);
	assert_int_equal(s.n, 2);
	assert_member(&s, 1, "b.txt", "b\n");
	seen_free(&s);
	/* An empty field is not a number. */
	memset(h + 124, 0, 12);
	set_checksum(h);
	assert_int_equal(tar_walk(t.b, t.len, &s, why, sizeof(why)), -1);
	assert_why(why, "tar header at offset 1024: bad size field");
	seen_free(&s);
}

/* Old Unix tars summed the header as signed chars: a UTF-8 name shows the difference. */
static void test_tar_signed_checksum(void **state)
{
	char why[ARCHIVE_WHY_MAX] = "";
	struct tarbuf t = {0};
	struct seen s = {0};
	unsigned char *h;
	long sum = 0;
	size_t i;

	(void)state;
	h = tb_add(&t, "caf\xc3\xa9.txt", '0', "x", 1);
	memset(h + 148, ' ', 8);
	for (i = 0; i < BLOCK; i++)
		sum += (signed char)h[i];
	set_octal(h + 148, 7, (unsigned long)sum);
	tb_end(&t);
	assert_int_equal(tar_walk(t.b, t.len, &s, why, sizeof(why)), 0);
	assert_member(&s, 0, "caf\xc3\xa9.txt", "x");
	seen_free(&s);
}

static void test_tar_pax(void **state)
{
	char why[ARCHIVE_WHY_MAX] = "", pax[256];
	struct tarbuf t = {0};
	struct seen s = {0};
	size_t n;

	(void)state;
	/* "size=" overrides the header's size field, "path=" its name, for the next member only. */
	n = pax_record(pax, sizeof(pax), "path=feeds/real-name.txt");
	n += pax_record(pax + n, sizeof(pax) - n, "size=6");
	n += pax_record(pax + n, sizeof(pax) - n, "mtime=1704067200.5");
	tb_add(&t, "PaxHeaders/x", 'x', pax, n);
	tb_add(&t, "short", '0', "sixsix", 6);
	memcpy(t.b + t.len - BLOCK - BLOCK + 124, "00000000000\0", 12);
	set_checksum(t.b + t.len - BLOCK - BLOCK);
	tb_add(&t, "next.txt", '0', "n\n", 2);
	/* A global header is skipped; its path applies to no member. */
	n = pax_record(pax, sizeof(pax), "path=global.txt");
	tb_add(&t, "GlobalHead", 'g', pax, n);
	tb_add(&t, "last.txt", '0', "l\n", 2);
	tb_end(&t);
	assert_int_equal(tar_walk(t.b, t.len, &s, why, sizeof(why)), 0);
	assert_int_equal(s.n, 3);
	assert_member(&s, 0, "feeds/real-name.txt", "sixsix");
	assert_member(&s, 1, "next.txt", "n\n");
	assert_member(&s, 2, "last.txt", "l\n");
	seen_free(&s);
}

static void assert_pax_refused(const char *records, size_t n, const char *want)
{
	char why[ARCHIVE_WHY_MAX] = "";
	struct tarbuf t = {0};
	struct seen s = {0};

	tb_add(&t, "PaxHeaders/x", 'x', records, n);
	tb_add(&t, "file.txt", '0', "f\n", 2);
	tb_end(&t);
	assert_int_equal(tar_walk(t.b, t.len, &s, why, sizeof(why)), -1);
	assert_why(why, want);
	assert_int_equal(s.n, 0);
}

static void test_tar_bad_pax(void **state)
{
	static char huge[TAR_NAME_MAX + 64];
	char rec[TAR_NAME_MAX + 64];
	size_t n;

	(void)state;
	/* Length one short, so the record does not end in a newline. */
	assert_pax_refused("13 path=a.txt\n", 14,
			   "tar header at offset 0: bad pax record at byte 0");
	assert_pax_refused("14 path=a.txt\n10 size=x\n", 24,
			   "tar header at offset 0: bad pax record at byte 14");
	assert_pax_refused("99 path=a.txt\n", 14,
			   "tar header at offset 0: bad pax record at byte 0");
	assert_pax_refused("path=a.txt\n", 11, "tar header at offset 0: bad pax record at byte 0");
	assert_pax_refused("8 path=\n", 8, "tar header at offset 0: bad pax record at byte 0");
	assert_pax_refused("8 =x.tx\n", 8, "tar header at offset 0: bad pax record at byte 0");
	memset(huge, 'a', sizeof(huge) - 1);
	memcpy(huge, "path=", 5);
	huge[5 + TAR_NAME_MAX + 1] = '\0';
	n = pax_record(rec, sizeof(rec), huge);
	assert_pax_refused(rec, n, "tar header at offset 0: name of 4096 bytes (max 4095)");
}

static void test_tar_gnu_long_name(void **state)
{
	char why[ARCHIVE_WHY_MAX] = "", name[301];
	struct tarbuf t = {0};
	struct seen s = {0};

	(void)state;
	memset(name, 'n', 300);
	name[0] = 'd';
	name[1] = '/';
	name[300] = '\0';
	tb_add(&t, "././@LongLink", 'L', name, 301);
	tb_add(&t, "truncated-name", '0', "long\n", 5);
	tb_add(&t, "short.txt", '0', "short\n", 6);
	/* A long link name ('K') is skipped with its data. */
	tb_add(&t, "././@LongLink", 'K', "target-name", 11);
	tb_add(&t, "link", '2', NULL, 0);
	tb_end(&t);
	assert_int_equal(tar_walk(t.b, t.len, &s, why, sizeof(why)), 0);
	assert_int_equal(s.n, 2);
	assert_member(&s, 0, name, "long\n");
	assert_member(&s, 1, "short.txt", "short\n");
	seen_free(&s);
}

static void test_tar_skipped_types(void **state)
{
	char why[ARCHIVE_WHY_MAX] = "";
	struct tarbuf t = {0};
	struct seen s = {0};

	(void)state;
	tb_add(&t, "dir/", '5', NULL, 0);
	tb_add(&t, "v7dir/", '\0', NULL, 0);
	tb_add(&t, "hard", '1', NULL, 0);
	tb_add(&t, "sym", '2', NULL, 0);
	tb_add(&t, "fifo", '6', NULL, 0);
	/* Devices carry no data even when their size field says otherwise. */
	tb_add(&t, "chr", '3', NULL, 0);
	set_octal(t.b + t.len - BLOCK + 124, 12, 1000);
	set_checksum(t.b + t.len - BLOCK);
	tb_add(&t, "v7file", '\0', "v7\n", 3);
	tb_add(&t, "contig", '7', "c\n", 2);
	tb_add(&t, "sparse", 'S', "sp", 2);
	tb_end(&t);
	assert_int_equal(tar_walk(t.b, t.len, &s, why, sizeof(why)), 0);
	assert_int_equal(s.n, 2);
	assert_member(&s, 0, "v7file", "v7\n");
	assert_member(&s, 1, "contig", "c\n");
	seen_free(&s);
}

static void test_tar_extension_at_end(void **state)
{
	char why[ARCHIVE_WHY_MAX] = "", pax[64];
	struct tarbuf t = {0};
	struct seen s = {0};
	size_t n;

	(void)state;
	tb_add(&t, "a.txt", '0', "a\n", 2);
	n = pax_record(pax, sizeof(pax), "path=b.txt");
	tb_add(&t, "PaxHeaders/b", 'x', pax, n);
	assert_int_equal(tar_walk(t.b, t.len, &s, why, sizeof(why)), -1);
	assert_why(why, "truncated tar: ends after an extended header");
	assert_int_equal(s.n, 1);
	seen_free(&s);
	tb_end(&t);
	assert_int_equal(tar_walk(t.b, t.len, &s, why, sizeof(why)), -1);
	assert_why(why, "truncated tar: ends after an extended header");
	seen_free(&s);
	/* A long-name entry whose data runs past the end. */
	t.len = 0;
	tb_add(&t, "././@LongLink", 'L', "some/long/name", 15);
	assert_int_equal(tar_walk(t.b, BLOCK + 10, &s, why, sizeof(why)), -1);
	assert_why(why, "truncated tar: \"(GNU long name)\" needs 15 bytes of data, 10 left");
}

/* The data of a member ends where its size says, not at a NUL. */
static void test_tar_binary_member(void **state)
{
	char why[ARCHIVE_WHY_MAX] = "", block[BLOCK];
	struct tarbuf t = {0};
	struct seen s = {0};

	(void)state;
	memset(block, 'x', sizeof(block));
	tb_add(&t, "bin", '0', "a\0b", 3);
	tb_add(&t, "empty", '0', NULL, 0);
	/* Exactly one block of data: no padding after it. */
	tb_add(&t, "block", '0', block, sizeof(block));
	tb_add(&t, "after", '0', "z", 1);
	tb_end(&t);
	assert_int_equal(tar_walk(t.b, t.len, &s, why, sizeof(why)), 0);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.size[0], 3);
	assert_memory_equal(s.data[0], "a\0b", 3);
	assert_member(&s, 1, "empty", "");
	assert_int_equal(s.size[2], BLOCK);
	assert_member(&s, 3, "after", "z");
	seen_free(&s);
}

static void test_tar_is(void **state)
{
	unsigned char h[BLOCK];
	size_t len;
	char *tar;

	(void)state;
	tar = gunzip_fixture("longname-ustar.tar.gz", &len);
	assert_int_equal(tar_is(tar, len), 1);
	free(tar);
	tar = gunzip_fixture("longname-posix.tar.gz", &len);
	assert_int_equal(tar_is(tar, len), 1);
	free(tar);
	gnu_header(h, "x", '0', 0);
	assert_int_equal(tar_is(h, sizeof(h)), 1);
	assert_int_equal(tar_is(h, 262), 1);
	assert_int_equal(tar_is(h, 261), 0);
	h[257] = 'U';
	assert_int_equal(tar_is(h, sizeof(h)), 0);
	assert_int_equal(tar_is("", 0), 0);
}

static void test_tar_name_safe(void **state)
{
	static const char *const safe[] = {
		"rules/emerging-malware.rules",
		"blacklists/ads/domains",
		"a",
		"./rules/x.rules",
		"a/./b",
		".hidden",
		"..a",
		"a..",
		"a+b_c-d.e",
		LONG_PATH,
	};
	static const char *const unsafe[] = {
		"",	"/etc/passwd", "../x",	"a/../b", "a/..", "..",	 "a//b",
		"a/",	".",	       "a/.",	"a b",	  "a\\b", "a:b", "caf\xc3\xa9",
		"a\nb", "~user/x",     "$HOME", "a*",	  "./",	  "//x",
	};
	char longpart[300], longname[TAR_NAME_MAX + 2];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(safe) / sizeof(safe[0]); i++)
		if (!tar_name_safe(safe[i]))
			fail_msg("\"%s\" should be safe", safe[i]);
	for (i = 0; i < sizeof(unsafe) / sizeof(unsafe[0]); i++)
		if (tar_name_safe(unsafe[i]))
			fail_msg("\"%s\" should be unsafe", unsafe[i]);
	assert_int_equal(tar_name_safe(NULL), 0);
	memset(longpart, 'p', sizeof(longpart));
	longpart[255] = '\0';
	assert_int_equal(tar_name_safe(longpart), 1);
	longpart[255] = 'p';
	longpart[256] = '\0';
	assert_int_equal(tar_name_safe(longpart), 0);
	for (i = 0; i < sizeof(longname) - 1; i++)
		longname[i] = i % 100 == 99 ? '/' : 'n';
	longname[TAR_NAME_MAX] = '\0';
	assert_int_equal(tar_name_safe(longname), 1);
	longname[TAR_NAME_MAX] = 'n';
	longname[TAR_NAME_MAX + 1] = '\0';
	assert_int_equal(tar_name_safe(longname), 0);
}

/* What the fetcher will do: gunzip, then walk the tar. */
static void test_pipeline_rules(void **state)
{
	char why[ARCHIVE_WHY_MAX] = "";
	struct seen s = {0};
	size_t inlen, outlen, i;
	char *in = fixture("rules.tar.gz", &inlen), *out;

	(void)state;
	assert_int_equal(gzip_is(in, inlen), 1);
	assert_int_equal(gunzip_buf(in, inlen, MiB, &out, &outlen, why, sizeof(why)), 0);
	assert_int_equal(tar_is(out, outlen), 1);
	assert_int_equal(tar_each(out, outlen, collect, &s, why, sizeof(why)), 0);
	assert_int_equal(s.n, 2);
	for (i = 0; i < s.n; i++)
		assert_int_equal(tar_name_safe(s.name[i]), 1);
	seen_free(&s);
	free(out);
	free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gzip_is),
		cmocka_unit_test(test_gunzip_tarball),
		cmocka_unit_test(test_gunzip_two_members),
		cmocka_unit_test(test_gunzip_trailing_bytes),
		cmocka_unit_test(test_gunzip_bomb),
		cmocka_unit_test(test_gunzip_max_out_small),
		cmocka_unit_test(test_gunzip_truncated),
		cmocka_unit_test(test_gunzip_corrupt),
		cmocka_unit_test(test_gunzip_not_gzip),
		cmocka_unit_test(test_tar_rules),
		cmocka_unit_test(test_tar_long_name_gnu),
		cmocka_unit_test(test_tar_long_name_ustar),
		cmocka_unit_test(test_tar_long_name_pax),
		cmocka_unit_test(test_tar_truncated_member),
		cmocka_unit_test(test_tar_bad_checksum),
		cmocka_unit_test(test_tar_callback_stops),
		cmocka_unit_test(test_tar_no_end_blocks),
		cmocka_unit_test(test_tar_base256_size),
		cmocka_unit_test(test_tar_bad_octal),
		cmocka_unit_test(test_tar_signed_checksum),
		cmocka_unit_test(test_tar_pax),
		cmocka_unit_test(test_tar_bad_pax),
		cmocka_unit_test(test_tar_gnu_long_name),
		cmocka_unit_test(test_tar_skipped_types),
		cmocka_unit_test(test_tar_extension_at_end),
		cmocka_unit_test(test_tar_binary_member),
		cmocka_unit_test(test_tar_is),
		cmocka_unit_test(test_tar_name_safe),
		cmocka_unit_test(test_pipeline_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
