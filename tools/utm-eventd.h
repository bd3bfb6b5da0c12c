/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* utm-eventd's parts: following the event log into the event store. */
#ifndef UTM_EVENTD_H
#define UTM_EVENTD_H

#include <limits.h>
#include <stdint.h>

#include "lib/evstore.h"

/*
 * A follower of one log file. Its position is the store's cursor (inode,
 * offset after the last whole line stored), written in the same
 * transaction as the rows: what is stored and where to go on never differ.
 */
struct follower {
	char path[PATH_MAX];
	struct evstore *store;
	int fd; /* -1: the file does not exist (yet) */
	uint64_t inode, offset;
	int skipping; /* inside a line too long to store: drop until its newline */
	char *buf;
	size_t cap;
	struct evstore_row *rows; /* a batch */
	/* counters since start */
	uint64_t stored, bad, rotations, truncations;
	int db_failing;	      /* the last insert failed: the cursor did not move */
	char last_error[320]; /* the last insert error, or the last bad line's reason */
};

/* Open path at the store's cursor (see utm-eventd-follow.c for restarts). -1: no memory. */
int follow_start(struct follower *f, struct evstore *store, const char *path);

/*
 * Store every whole line there is, then follow a rotation (a new file at
 * path: the old one is finished first) or a truncation. reopen: open path
 * again even if it is the same file (SIGHUP). 0 when caught up, -1 when
 * the store refused (nothing lost: the next call tries again).
 */
int follow_step(struct follower *f, int reopen);

/* Bytes of the file not stored yet. */
uint64_t follow_lag(const struct follower *f);

void follow_end(struct follower *f);

#endif /* UTM_EVENTD_H */
