// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileutil.h"

char *file_read_all(const char *path, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), saved;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		saved = S_ISREG(st.st_mode) ? errno : EINVAL;
		goto fail;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		saved = ENOMEM;
		goto fail;
	}
	while (got < (size_t)st.st_size && (n = read(fd, buf + got, st.st_size - got)) > 0)
		got += n;
	if (got != (size_t)st.st_size) {
		saved = EIO;
		goto fail;
	}
	close(fd);
	*len = got;
	return buf;
fail:
	free(buf);
	close(fd);
	errno = saved;
	return NULL;
}

void text_quote(char *dst, const char *s, size_t n, size_t max)
{
	size_t take = n > max ? max : n, i;

	for (i = 0; i < take; i++)
		dst[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	strcpy(dst + take, n > take ? "..." : "");
}

int file_write_atomic(const char *path, const void *buf, size_t len)
{
	char tmp[4096];
	int fd, ok, saved;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	ok = write(fd, buf, len) == (ssize_t)len && fsync(fd) == 0;
	saved = errno;
	close(fd);
	if (!ok || rename(tmp, path)) {
		saved = ok ? errno : saved;
		unlink(tmp);
		errno = saved ? saved : EIO;
		return -1;
	}
	return 0;
}
