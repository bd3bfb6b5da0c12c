/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Address ranges ("1.2.3.4-1.2.3.9") as CIDR prefixes. The maps only hold
 * prefixes, so a range is split into the fewest prefixes that cover exactly
 * the addresses from start to end. Pure: no I/O, no allocation.
 */
#ifndef UTM_IPRANGE_H
#define UTM_IPRANGE_H

#include "lib/iplist.h"

/*
 * Most prefixes one range can need: 2 * bits - 2 (e.g. 0.0.0.1-255.255.255.254
 * needs 62), so the work per range is small and bounded.
 */
#define IP_RANGE_MAX_PREFIXES(bits) (2 * (bits)-2)

/* Called for each prefix of a range; a non-zero return stops the split. */
typedef int (*ip_range_fn)(const struct ip_prefix *p, void *ctx);

/*
 * Call fn for each prefix covering start..end (inclusive), lowest first.
 * Only the addresses of start and end are used (their prefix lengths are
 * ignored). Returns 0, fn's non-zero return, or -1 when the families differ
 * or end is below start (fn is then never called).
 */
int ip_range_split(const struct ip_prefix *start, const struct ip_prefix *end, ip_range_fn fn,
		   void *ctx);

#endif /* UTM_IPRANGE_H */
