/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Compressed and archived threat feeds: gzip streams (".gz") and tar
 * archives (".tar", ".tar.gz": ET Open's emerging.rules.tar.gz, UT1's
 * blacklists.tar.gz). Pure functions over (buf, len) buffers that are not
 * NUL-terminated: no I/O, no state, never a read past len. The fetcher uses
 * them to turn a download into plain content, or to refuse it with a reason.
 */
#ifndef UTM_ARCHIVE_H
#define UTM_ARCHIVE_H

#include <stddef.h>

/* Longest member name tar_each passes on; a longer GNU long name or pax path is refused. */
#define TAR_NAME_MAX 4095
/* Room for any `why` message of this file. */
#define ARCHIVE_WHY_MAX 160

/* 1 when buf starts with the gzip magic 1f 8b, else 0. */
int gzip_is(const void *buf, size_t len);

/*
 * Decompress the gzip stream in (inlen bytes; several concatenated members,
 * as `cat a.gz b.gz` makes, are one stream; zero bytes after the last member
 * are ignored) into a malloc'd buffer: *out (the caller frees it) holds
 * *outlen bytes followed by a NUL that *outlen does not count.
 *
 * Returns 0, or -1 with *out NULL, *outlen 0 and why (when not NULL) saying
 * why: "larger than N bytes uncompressed" when the output would exceed
 * max_out (a gzip bomb), "truncated gzip stream", "not gzip data (no 1f 8b
 * magic)", "corrupt gzip data: <zlib's message>" (a bad CRC is "incorrect
 * data check"), "out of memory".
 */
int gunzip_buf(const void *in, size_t inlen, size_t max_out, char **out, size_t *outlen, char *why,
	       size_t whylen);

/* A regular file of a tar archive. */
struct tar_member {
	/*
	 * Full path as stored (ustar prefix, GNU long name or pax path
	 * applied), NUL-terminated, at most TAR_NAME_MAX bytes. It lives in
	 * tar_each's own scratch and is only valid during the callback.
	 */
	const char *name;
	const char *data; /* points into the archive buffer: no copy, no NUL after it */
	size_t size;
};

/* Called for each regular file; a non-zero return stops tar_each and is returned. */
typedef int (*tar_member_fn)(const struct tar_member *m, void *ctx);

/*
 * Call fn (may be NULL: only check the archive) for each regular file of
 * the tar archive in buf, in archive order; directories, links, devices,
 * FIFOs and GNU sparse or volume entries are skipped. Reads POSIX ustar
 * (prefix field), GNU (long names 'L', base-256 sizes), pax ('x' headers:
 * "path=" and "size=" apply to the next member; 'g' headers are skipped)
 * and v7 headers. The archive ends at the first zero block (GNU tar writes
 * two) or at the end of buf when an archive has none.
 *
 * Returns 0; fn's non-zero return; or -1 with why (when not NULL) saying
 * why, e.g. "tar header at offset 1024: bad checksum", "tar header at
 * offset 512: bad size field", "truncated tar: \"rules/a.rules\" needs 9000
 * bytes of data, 4096 left". Members before the fault have been passed to
 * fn by then: a caller that wants all or nothing collects, then commits.
 */
int tar_each(const void *buf, size_t len, tar_member_fn fn, void *ctx, char *why, size_t whylen);

/* 1 when buf has the "ustar" magic at offset 257 (POSIX and GNU tar), else 0. */
int tar_is(const void *buf, size_t len);

/*
 * 1 when name is safe to create under a directory: not empty, relative, only
 * [A-Za-z0-9._+-/], no empty part ("a//b", "a/"), no ".." part, not ending in
 * a "." part, parts of at most 255 bytes and at most TAR_NAME_MAX in all.
 * "./rules/x.rules" is safe ("." parts elsewhere are harmless). 0 otherwise,
 * and for NULL.
 */
int tar_name_safe(const char *name);

#endif /* UTM_ARCHIVE_H */
