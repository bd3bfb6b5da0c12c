/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Whether a feed's new content may replace its current data: it parses in
 * its format, no entry trips a guard (lib/feedguard.h), it is not empty,
 * and its size did not jump. A pure function over the buffer, run before
 * anything is built, so that a refused update changes nothing.
 */
#ifndef UTM_FEEDCHECK_H
#define UTM_FEEDCHECK_H

#include <stddef.h>

#include "lib/domlist.h"
#include "lib/feedfmt.h"
#include "lib/feedguard.h"

/* Room for any `why` of feed_check: a line number and a guard's reason. */
#define FEED_CHECK_WHY_MAX (FEED_GUARD_WHY_MAX + 32)

struct feed_check {
	int kind;			  /* enum utm_list_kind: IP, DOMAINS or URLS */
	int format;			  /* enum utm_feed_format */
	int allow;			  /* an allowlist: guards do not apply */
	int refuse_invalid;		  /* domain lists: a bad line refuses the list */
	const struct etrep_filter *etrep; /* ET IP reputation filter, or NULL */
	const struct feed_guard *guard;	  /* NULL: no guard (local lists) */
	long prev;			  /* entries of the current data, -1: none */
	int allow_empty;		  /* an empty feed is fine (and no size guard) */
	unsigned int max_change_pct;	  /* size guard, percent */
};

/*
 * 0 with *entries (what would be applied) when buf may replace the current
 * data; -1 with why: "LINE: reason" for a bad line or an entry a guard
 * refuses, or the reason of a count check ("the feed has no entry",
 * "size changes from ...").
 */
int feed_check(const char *buf, size_t len, const struct feed_check *c, size_t *entries,
	       char *why, size_t whylen);

/*
 * What to do with one IP entry of a feed: 0 keep it, 1 leave it out (a
 * CrowdSec decision a guard refuses), -1 refuse the feed (why set).
 */
int feed_check_ip_entry(const struct feed_check *c, const struct ip_prefix *p, char *why,
			size_t whylen);

/*
 * What to do with one domain entry of a feed: 0 keep it, 1 leave it out
 * (a URL feed's host under a protected name: the URL, not the site, is
 * condemned), -1 refuse the feed (why set).
 */
int feed_check_domain_entry(const struct feed_check *c, const struct dom_entry *e, char *why,
			    size_t whylen);

#endif /* UTM_FEEDCHECK_H */
