// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target for lib/archive.c and lib/feedsniff.c. Besides "never
 * crash, never read past len" (ASan), it checks what they promise: gunzip_buf
 * keeps to max_out and NUL-terminates, or fails with out NULL and a reason;
 * every tar member lies inside the archive with a NUL-terminated name of at
 * most TAR_NAME_MAX bytes; a refusal says why; the verdict does not depend
 * on the callback; a callback's non-zero return stops the walk and comes
 * back unchanged. The input is walked as a tar both as it is and, when it
 * is gzip, decompressed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/archive.h"
#include "lib/feedsniff.h"

/* Small, so that a bomb is found quickly and a run stays fast. */
#define FUZZ_MAX_OUT  (256 * 1024)
#define STOP_SENTINEL 4242

/* Absolute, or a ".." part: what tar_name_safe must never call safe. */
static int climbs_out(const char *name)
{
	size_t n = strlen(name);

	return name[0] == '/' || strcmp(name, "..") == 0 || strncmp(name, "../", 3) == 0 ||
	       strstr(name, "/../") || (n >= 3 && strcmp(name + n - 3, "/..") == 0) ||
	       strstr(name, "//");
}

struct walk {
	const char *buf;
	size_t len;
	unsigned long members;
};

static int check_member(const struct tar_member *m, void *ctx)
{
	struct walk *w = ctx;

	if (!m->name || strnlen(m->name, TAR_NAME_MAX + 1) > TAR_NAME_MAX)
		abort();
	if (m->data < w->buf || m->size > w->len || (size_t)(m->data - w->buf) > w->len - m->size)
		abort();
	if (tar_name_safe(m->name) && climbs_out(m->name))
		abort();
	w->members++;
	return 0;
}

static int stop_at_first(const struct tar_member *m, void *ctx)
{
	(void)m;
	(void)ctx;
	return STOP_SENTINEL;
}

static void check_why(int rc, const char *why)
{
	if (rc == -1 && (why[0] == '\0' || !memchr(why, '\0', ARCHIVE_WHY_MAX)))
		abort();
}

/* Walk len bytes at buf (an exact-size copy) as a tar, with the promises checked. */
static void fuzz_tar(const char *buf, size_t len)
{
	struct walk w = {buf, len, 0};
	char why[ARCHIVE_WHY_MAX] = "";
	int rc;

	rc = tar_each(buf, len, check_member, &w, why, sizeof(why));
	if (rc != 0 && rc != -1)
		abort();
	check_why(rc, why);
	if (tar_each(buf, len, NULL, NULL, NULL, 0) != rc)
		abort();
	if (w.members && tar_each(buf, len, stop_at_first, NULL, why, sizeof(why)) != STOP_SENTINEL)
		abort();
	if (tar_is(buf, len) && len < 262)
		abort();
}

static void fuzz_sniff(const char *buf, size_t len)
{
	int html = feed_is_html(buf, len), binary = feed_is_binary(buf, len);

	if ((html != 0 && html != 1) || (binary != 0 && binary != 1))
		abort();
	if (len && memchr(buf, '\0', len < FEED_SNIFF_BYTES ? len : FEED_SNIFF_BYTES) && !binary)
		abort();
}

static void fuzz_gunzip(const char *buf, size_t len)
{
	char why[ARCHIVE_WHY_MAX] = "", *out = (char *)1, *copy;
	size_t outlen = 1;
	int rc;

	rc = gunzip_buf(buf, len, FUZZ_MAX_OUT, &out, &outlen, why, sizeof(why));
	if (rc != 0) {
		if (rc != -1 || out || outlen)
			abort();
		check_why(rc, why);
		return;
	}
	if (!gzip_is(buf, len) || outlen > FUZZ_MAX_OUT || out[outlen] != '\0')
		abort();
	/* An exact-size copy, so that ASan sees a read past outlen. */
	copy = malloc(outlen ? outlen : 1);
	if (copy) {
		memcpy(copy, out, outlen);
		fuzz_tar(copy, outlen);
		fuzz_sniff(copy, outlen);
		free(copy);
	}
	free(out);
}

/* The input, cut at its first NUL, as a name for tar_name_safe. */
static void fuzz_name(const uint8_t *data, size_t size)
{
	char name[TAR_NAME_MAX + 2];
	size_t n = size < sizeof(name) - 1 ? size : sizeof(name) - 1;

	memcpy(name, data, n);
	name[n] = '\0';
	if (tar_name_safe(name) && climbs_out(name))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;

	fuzz_gunzip(buf, size);
	fuzz_tar(buf, size);
	fuzz_sniff(buf, size);
	fuzz_name(data, size);
	return 0;
}
