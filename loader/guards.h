/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What a feed update must never do (lib/feedguard.h), set up for one
 * reload: the configured never-block addresses and names, plus the box's
 * own default gateway and resolvers, found at reload time.
 */
#ifndef UTM_LOADER_GUARDS_H
#define UTM_LOADER_GUARDS_H

#include "lib/config.h"
#include "lib/feedguard.h"

#define GUARDS_MAX_AUTO 16

struct reload_guards {
	struct ip_prefix addrs[UTM_CFG_MAX_NEVER + GUARDS_MAX_AUTO];
	const char *what[UTM_CFG_MAX_NEVER + GUARDS_MAX_AUTO];
	size_t naddrs;
	const char *names[UTM_CFG_MAX_NEVER];
	size_t nnames;
};

/* Collect the protected addresses and names; rg borrows from cfg. */
void guards_init(struct reload_guards *rg, const struct utm_cfg *cfg);

/* The guard of feed l (borrows from rg). */
void guards_for_feed(const struct reload_guards *rg, const struct utm_list_cfg *l,
		     struct feed_guard *g);

#endif /* UTM_LOADER_GUARDS_H */
