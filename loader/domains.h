/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Domain lists for the DNS guard: list files to name keys. */
#ifndef UTM_LOADER_DOMAINS_H
#define UTM_LOADER_DOMAINS_H

#include <linux/types.h>
#include <stddef.h>

#include "lib/domtable.h"
#include "lib/feedcheck.h"

struct domain_src {
	const char *name, *path;
	__u32 id;
	int allow;
	int urls;	    /* a list of URLs: their hosts, exactly */
	int refuse_invalid; /* refuse the whole list on a bad line */
	int format;	    /* enum utm_feed_format */
	const struct feed_check *check; /* a feed's checks, or NULL */
};

/*
 * Parse a domain list into t, keyed with seed. 0 on success (bad lines
 * skipped by policy are logged), -1 when the list is refused, with
 * "LINE: reason" in why. Hosts of a URL feed under a protected name are
 * left out (lib/feedcheck.h): the URL, not the whole site, is condemned.
 */
int domains_parse(const char *buf, size_t len, const struct domain_src *s, __u64 seed,
		  struct domtable *t, size_t *entries, char *why, size_t whylen);

#endif /* UTM_LOADER_DOMAINS_H */
