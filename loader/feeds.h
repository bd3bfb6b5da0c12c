/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Threat feeds: a thread that refreshes each configured feed on its own
 * schedule and keeps the result in STATE_DIR/feeds/. It never touches the
 * BPF maps: when a feed's content changes it wakes the main loop (notify
 * fd), whose reload parses, guards and swaps it in like any list file.
 *
 * Files, per feed NAME (all written atomically):
 *   NAME.data        the current content, decompressed and verified
 *   NAME.d/          the members of a tar archive (rules, categories)
 *   NAME.meta        JSON: ETag, Last-Modified, when fetched, signature
 *   NAME.categories  ET IP reputation: the category file
 *   NAME.update      written by `utm-ctl feeds update`: refresh now
 *   status.json      every feed's state, for utm-ctl and the portal
 */
#ifndef UTM_LOADER_FEEDS_H
#define UTM_LOADER_FEEDS_H

#include <pthread.h>
#include <stddef.h>
#include <time.h>

#include "lib/config.h"

struct loader;

/* What the last attempt did. */
enum feed_state_code {
	FEED_PENDING = 0,  /* not tried yet */
	FEED_UPDATED,	   /* new content fetched (applied or refused: see applied) */
	FEED_NOT_MODIFIED, /* 304 or same content: nothing to do */
	FEED_FAILED,	   /* could not fetch it; the previous content stays */
	FEED_REFUSED,	   /* fetched but refused (signature, HTML, guard); previous stays */
};

/* One feed's schedule and state; guarded by feeds.lock. */
struct feed {
	struct utm_list_cfg cfg;
	enum feed_state_code state;
	time_t last_attempt, last_success, last_change, next_run;
	unsigned int failures;	/* consecutive */
	long http_code;
	long entries;		/* applied entries (-1: not applied yet) */
	char error[320];	/* why the last attempt failed or was refused */
	char signature[160];	/* "verified: <trusted comment>" or "" */
	char etag[256], last_modified[64];
	char sha256[65]; /* of the current content (hex), "" when none */
	int synced;	 /* CrowdSec: the full set was pulled since start */
	int apply_refused; /* the reload refused the content on disk */
	char request[64]; /* token of a pending `utm-ctl feeds update` */
	char served[64];  /* token of the last request served */
};

struct feeds {
	struct loader *L;
	pthread_t thread;
	int inited, running;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	volatile int stop;
	int notify_fd; /* eventfd: readable when a feed's content changed */
	char dir[PATH_MAX];
	struct feed *f;
	size_t n;
};

/* Start the thread for the feeds of L->cfg (none: no thread). 0 / -1. */
int feeds_start(struct feeds *F, struct loader *L);
/* utm-load --once: refresh every feed now, in this thread. */
void feeds_refresh_all(struct feeds *F, struct loader *L);
/* Stop the thread (a download in progress is cancelled) and free. */
void feeds_stop(struct feeds *F);
/* Drain the notify fd; 1 when a reload is due. */
int feeds_on_notify(struct feeds *F);

/*
 * Called by the reload for each feed list: whether its data was applied
 * (entries) or refused (why); updates status.json and raises an event on a
 * refusal. F may be NULL (no feeds running: utm-load --once).
 */
void feeds_note_applied(struct feeds *F, const char *name, int ok, long entries, const char *why);

/* What one refresh found; merged into the feed under the lock. */
struct feed_outcome {
	enum feed_state_code state;
	int changed; /* new content stored: reload */
	long http_code;
	char error[320];
	char signature[160];
	char etag[256], last_modified[64];
	char sha256[65];
	int synced;
};

/*
 * feed_fetch.c: one refresh of the feed described by snap (a copy taken
 * under the lock; called without it). Stores new content and NAME.meta.
 */
void feed_refresh(struct feeds *F, const struct feed *snap, struct feed_outcome *out);

/* feed_status.c */
void feed_meta_load(const struct feeds *F, struct feed *f);
int feed_meta_save(const struct feeds *F, const struct feed *f);
void feeds_write_status(struct feeds *F); /* call with the lock held */
void feeds_event(struct feeds *F, const struct feed *f, const char *action, const char *reason);

#endif /* UTM_LOADER_FEEDS_H */
