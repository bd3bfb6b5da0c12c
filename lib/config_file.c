// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The configuration's only file I/O: read utm.yaml whole and hand the buffer
 * to the pure parser in config_yaml.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

/* A configuration is a few KB; refuse to slurp a wrong path to a huge file. */
#define UTM_CFG_MAX_FILE (4u << 20)

static char *read_fd(int fd, size_t *lenp)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *nbuf;
	ssize_t n;

	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			nbuf = cap > UTM_CFG_MAX_FILE ? NULL : realloc(buf, cap);
			if (!nbuf) {
				errno = cap > UTM_CFG_MAX_FILE ? EFBIG : ENOMEM;
				break;
			}
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len);
		if (n == 0) {
			*lenp = len;
			return buf;
		}
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0)
			len += (size_t)n;
	}
	free(buf);
	return NULL;
}

static char *read_file(const char *path, size_t *lenp)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;
	int saved;

	if (fd < 0)
		return NULL;
	buf = read_fd(fd, lenp);
	saved = errno;
	close(fd);
	errno = saved;
	return buf;
}

/*
 * The directory list paths are relative to, made absolute now: the loader
 * may chdir later, and list_info should name files unambiguously.
 */
static int config_dir(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path + 1) : 0;
	char cwd[PATH_MAX];
	int n;

	if (path[0] == '/') {
		n = snprintf(buf, len, "%.*s", dirlen, path);
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			return -1;
		n = snprintf(buf, len, "%s%s%.*s", cwd, strcmp(cwd, "/") ? "/" : "", dirlen, path);
	}
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int utm_cfg_load_file(const char *path, struct utm_cfg *cfg, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	size_t len = 0;
	char *buf;
	int rc;

	buf = read_file(path, &len);
	if (!buf || config_dir(path, dir, sizeof(dir))) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(buf);
		return -1;
	}
	rc = utm_cfg_parse_at(buf, len, path, dir, cfg, err, errlen);
	free(buf);
	return rc;
}
