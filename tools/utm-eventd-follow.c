// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Following the event log (tools/utm-eventd.h): read whole lines after the
 * cursor, store them with the new cursor in one transaction, and go on
 * across rotations. Nothing is lost and nothing is stored twice:
 * - the cursor only moves in the transaction that stores the lines;
 * - a partial last line (a writer mid-write) is read again next time;
 * - a rotated file (renamed, a new one created) is read to its end before
 *   the new one, from its start; a restart finds the rotated file as
 *   PATH.1 (logrotate's name) by its inode;
 * - a file that shrank was truncated (copytruncate): read from its start.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "utm-eventd.h"

#define READ_CHUNK (256u << 10)
/* Rows per transaction: bounds the memory, and a commit per batch is cheap. */
#define BATCH 1024
/* A longer line is counted bad and skipped: EVE lines are a few KiB. */
#define MAX_LINE (16u << 20)

static int open_at(struct follower *f, const char *path, uint64_t offset)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (f->fd >= 0)
		close(f->fd);
	f->fd = fd;
	f->inode = (uint64_t)st.st_ino;
	f->offset = (uint64_t)st.st_size < offset ? 0 : offset;
	f->skipping = 0;
	return 0;
}

static uint64_t inode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (uint64_t)st.st_ino;
}

int follow_start(struct follower *f, struct evstore *store, const char *path)
{
	struct evstore_cursor cur = {0};
	char old[PATH_MAX + 2];
	int have;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->store = store;
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->cap = READ_CHUNK;
	f->buf = malloc(f->cap);
	/* One more: a refused line's reason is written into the next free row. */
	f->rows = calloc(BATCH + 1, sizeof(*f->rows));
	if (!f->buf || !f->rows)
		return -1;
	snprintf(cur.name, sizeof(cur.name), "%s", path);
	have = evstore_cursor_get(store, &cur);
	if (have < 0)
		log_warn("reading the cursor: %s; starting at the log's beginning",
			 evstore_errmsg(store));
	snprintf(old, sizeof(old), "%s.1", path);
	if (have <= 0) {
		open_at(f, path, 0);
	} else if (inode_of(path) == cur.inode) {
		open_at(f, path, cur.offset);
		if (f->offset != cur.offset)
			log_warn("%s shrank while stopped (truncated): reading it from its start",
				 path);
	} else if (inode_of(old) == cur.inode) {
		/* Rotated while stopped: finish the old file first (follow_step moves on). */
		open_at(f, old, cur.offset);
		log_info("%s was rotated while stopped: finishing %s first", path, old);
	} else {
		open_at(f, path, 0);
		log_warn("%s is another file than when stopped, and the old one is not %s: "
			 "lines it got after the last stored one are not in the store",
			 path, old);
	}
	if (f->fd >= 0)
		log_info("following %s from byte %llu", path, (unsigned long long)f->offset);
	return 0;
}

void follow_end(struct follower *f)
{
	if (f->fd >= 0)
		close(f->fd);
	free(f->buf);
	free(f->rows);
	f->fd = -1;
	f->buf = NULL;
	f->rows = NULL;
}

uint64_t follow_lag(const struct follower *f)
{
	struct stat st;

	if (f->fd < 0 || fstat(f->fd, &st) || (uint64_t)st.st_size < f->offset)
		return 0;
	return (uint64_t)st.st_size - f->offset;
}

/*
 * Parse the whole lines of buf[0..n), at most BATCH good ones, into rows;
 * *used: the bytes they take (up to the last newline parsed). Returns the
 * number of rows; *bad the lines refused.
 */
static size_t parse_lines(struct follower *f, size_t n, size_t *used, size_t *bad)
{
	size_t start = 0, nrows = 0;
	char *nl;

	*bad = 0;
	while (nrows < BATCH && start < n && (nl = memchr(f->buf + start, '\n', n - start))) {
		size_t len = (size_t)(nl - (f->buf + start)) + 1;

		if (f->skipping) {
			f->skipping = 0; /* the end of a line already counted bad */
		} else if (len > 1 &&
			   evstore_parse_line(f->buf + start, len, &f->rows[nrows]) == 0) {
			nrows++;
		} else if (len > 1 && !(len == 2 && f->buf[start] == '\r')) {
			snprintf(f->last_error, sizeof(f->last_error), "bad line at byte %llu: %s",
				 (unsigned long long)(f->offset + start), f->rows[nrows].why);
			(*bad)++;
		}
		start += len;
	}
	*used = start;
	return nrows;
}

/* One read and one transaction. 1: more to read, 0: caught up, -1: the store failed. */
static int drain_once(struct follower *f)
{
	struct evstore_cursor cur;
	size_t used, bad, nrows;
	ssize_t n;

	n = pread(f->fd, f->buf, f->cap, (off_t)f->offset);
	if (n <= 0)
		return 0;
	nrows = parse_lines(f, (size_t)n, &used, &bad);
	if (!used) {
		if ((size_t)n < f->cap)
			return 0; /* a partial line: wait for its newline */
		if (f->cap < MAX_LINE) {
			char *b = realloc(f->buf, f->cap * 2);

			if (!b)
				return -1;
			f->buf = b;
			f->cap *= 2;
			return 1;
		}
		/* No newline in MAX_LINE bytes: drop them, and the rest of that line. */
		used = (size_t)n;
		bad = f->skipping ? 0 : 1;
		f->skipping = 1;
		snprintf(f->last_error, sizeof(f->last_error),
			 "line at byte %llu longer than %u bytes: skipped",
			 (unsigned long long)f->offset, MAX_LINE);
	}
	snprintf(cur.name, sizeof(cur.name), "%s", f->path);
	cur.inode = f->inode;
	cur.offset = f->offset + used;
	if (evstore_insert(f->store, f->rows, nrows, &cur)) {
		f->db_failing = 1;
		snprintf(f->last_error, sizeof(f->last_error), "storing events: %s",
			 evstore_errmsg(f->store));
		return -1;
	}
	f->db_failing = 0;
	f->offset = cur.offset;
	f->stored += nrows;
	f->bad += bad;
	return 1;
}

static int drain(struct follower *f)
{
	struct stat st;
	int rc;

	if (f->fd < 0)
		return 0;
	if (fstat(f->fd, &st) == 0 && (uint64_t)st.st_size < f->offset) {
		log_warn("%s shrank from %llu to %llu bytes (copytruncate): reading it from its "
			 "start",
			 f->path, (unsigned long long)f->offset, (unsigned long long)st.st_size);
		f->offset = 0;
		f->skipping = 0;
		f->truncations++;
	}
	while ((rc = drain_once(f)) == 1)
		;
	return rc;
}

int follow_step(struct follower *f, int reopen)
{
	uint64_t ino;
	int first;

	if (drain(f))
		return -1;
	ino = inode_of(f->path);
	if (!ino)
		return 0; /* renamed, no new file yet: the old one is still ours */
	if (f->fd >= 0 && ino == f->inode && !reopen)
		return 0;
	if (f->fd >= 0 && ino == f->inode) {
		open_at(f, f->path, f->offset); /* SIGHUP: the same file again */
		return 0;
	}
	/* A new file (or the first): the old one was read to its end just above. */
	first = f->fd < 0;
	if (open_at(f, f->path, 0))
		return 0;
	if (first) {
		log_info("following %s from its start", f->path);
	} else {
		f->rotations++;
		log_info("%s is a new file (rotated): following it from its start", f->path);
	}
	return drain(f);
}
