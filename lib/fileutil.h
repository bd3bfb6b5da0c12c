/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Small file and text helpers shared by the programs and the tests. */
#ifndef UTM_FILEUTIL_H
#define UTM_FILEUTIL_H

#include <stddef.h>

/*
 * A whole file in a buffer of exactly its size (no NUL after it: parsers
 * take a length, and ASan catches any read past it). NULL with errno set
 * on failure; free() the result.
 */
char *file_read_all(const char *path, size_t *len);

/*
 * Replace path with len bytes of buf: written to path.tmp, fsync'd and
 * renamed, so a crash or a full disk leaves the old file whole. 0, or -1
 * with errno.
 */
int file_write_atomic(const char *path, const void *buf, size_t len);

/*
 * Quote up to max bytes of s (n bytes long) into dst (max + 4 bytes),
 * replacing bytes a terminal would act on by '?' and marking a cut "...".
 */
void text_quote(char *dst, const char *s, size_t n, size_t max);

#endif /* UTM_FILEUTIL_H */
