/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The site lists utm-inspect matches HTTP hosts, URLs and TLS SNIs against:
 * the same domain and URL lists (and feeds' last good copies) that utm-load
 * gives the DNS guard, so that a PC that bypasses our DNS (its own
 * resolver, a hard-coded address, DNS over HTTPS) still cannot reach them.
 * Each list becomes a "category" of a lib/catdb.h database named after the
 * list, so a match names the list. Allow lists go into a second database:
 * an allow entry wins over any block.
 */
#ifndef UTM_INSPECT_SITELISTS_H
#define UTM_INSPECT_SITELISTS_H

#include <stddef.h>

#include "lib/catdb.h"
#include "lib/config.h"

struct sitelists {
	struct catdb *block, *allow;
	unsigned long domains, urls; /* entries loaded, both databases */
	unsigned int lists;	     /* lists read */
	unsigned int failed;	     /* lists that could not be read (reported, skipped) */
};

/* Parse one list's text into db under category cat. Pure: the entries added, or -1. */
long sitelists_parse(struct catdb *db, int cat, int kind, int format, const char *buf, size_t len);

/*
 * Load every domain and URL list of cfg (their files: a feed's is its last
 * good copy). A list that cannot be read is logged and skipped. -1 only
 * when out of memory.
 */
int sitelists_load(struct sitelists *s, const struct utm_cfg *cfg);
void sitelists_free(struct sitelists *s);

#endif /* UTM_INSPECT_SITELISTS_H */
