/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Helpers shared by the unit tests: finding the repository and its data. */
#ifndef UTM_TESTUTIL_H
#define UTM_TESTUTIL_H

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/fileutil.h"

/* A path under the repository: the working directory, else next to the binary. */
static inline int repo_path(char *out, size_t len, const char *rel)
{
	char exe[PATH_MAX];
	ssize_t n;
	int up;

	if (access("tests/fixtures", F_OK) == 0)
		return snprintf(out, len, "%s", rel) < (int)len ? 0 : -1;
	/* build/tests/test_x: the repository is two directories up. */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	for (up = 0; up < 3; up++) {
		char *slash = strrchr(exe, '/');

		if (!slash)
			return -1;
		*slash = '\0';
	}
	return snprintf(out, len, "%s/%s", exe, rel) < (int)len ? 0 : -1;
}

/* The whole file in an exact-size buffer (no NUL after it), or NULL. */
static inline char *read_file(const char *path, size_t *len)
{
	return file_read_all(path, len);
}

#endif /* UTM_TESTUTIL_H */
