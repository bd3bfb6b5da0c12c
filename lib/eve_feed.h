/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * EVE JSON for feed events: a feed update refused, a feed that cannot be
 * fetched, and its recovery. event_type "feed"; the UTM's fields under
 * "utm" as for block events, with the message in English and Japanese for
 * the alert mail.
 */
#ifndef UTM_EVE_FEED_H
#define UTM_EVE_FEED_H

#include <stddef.h>
#include <time.h>

struct eve_feed_ctx {
	const char *name, *url, *kind;
	const char *action; /* "refused", "failed" or "recovered" */
	const char *reason; /* why, or NULL */
	long entries;	    /* entries in use (the previous data), -1: unknown */
	struct timespec wall;
};

/* One JSON object on one line, no newline. Its length, or -1 when buf is too small. */
int eve_format_feed(const struct eve_feed_ctx *c, char *buf, size_t len);

#endif /* UTM_EVE_FEED_H */
