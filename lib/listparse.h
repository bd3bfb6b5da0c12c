/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A list's content parsed by its format (enum utm_feed_format): one entry
 * stream for IP lists and one for domain lists, whatever the format, so
 * the loader and `utm-ctl why` read a feed the same way.
 */
#ifndef UTM_LISTPARSE_H
#define UTM_LISTPARSE_H

#include <stddef.h>

#include "lib/domlist.h"
#include "lib/feedfmt.h"
#include "lib/iplist.h"

/*
 * IP entries of a list of format fmt (AUTO, SPAMHAUS_JSON, ET_IPREP; a
 * CrowdSec feed is kept as an AUTO list). etrep may be NULL. Contract of
 * iplist_parse.
 */
long listparse_ip(const char *buf, size_t len, int fmt, const struct etrep_filter *etrep,
		  iplist_entry_fn fn, void *ctx, struct iplist_error *err);

/*
 * Domain entries of a list of format fmt (AUTO or URLHAUS_CSV). urls: the
 * AUTO lines are URLs (their hosts). Contract of domlist_parse; a URLhaus
 * dump is always parsed with the skip policy.
 */
long listparse_domains(const char *buf, size_t len, int fmt, enum domlist_policy policy, int urls,
		       domlist_entry_fn fn, void *ctx, struct domlist_error *err);

#endif /* UTM_LISTPARSE_H */
