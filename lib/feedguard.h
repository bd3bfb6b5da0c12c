/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Feed guards: a broken or hostile threat feed must never cut the office's
 * internet. Before an update of a feed is applied, the loader checks every
 * entry with these functions; one violation refuses the whole update and the
 * previous data stays active. All functions are pure: no I/O, no state, no
 * allocation; `why` is always written (NUL-terminated, truncated to whylen)
 * when it is not NULL and whylen > 0, and left "" on success.
 *
 * What is refused:
 *  - IP block entries shorter than a minimum prefix length (a /0 blocks the
 *    internet), that touch a private or special range (a feed has no business
 *    in the office's own addresses), or that contain an address that must
 *    never be blocked (the gateway, the resolvers, configured ones);
 *  - domain block entries that would block a protected name: a built-in top
 *    domain (lib/topdomains.c) or a configured never-block name, exactly or
 *    by blocking a parent domain of it ("com" blocks microsoft.com);
 *  - an update whose entry count jumps by more than a fraction of the last.
 */
#ifndef UTM_FEEDGUARD_H
#define UTM_FEEDGUARD_H

#include <stddef.h>

#include "lib/domlist.h"
#include "lib/iplist.h"

/* Defaults of feed_guard_defaults(). */
#define FEED_GUARD_MIN_PREFIX4 8
#define FEED_GUARD_MIN_PREFIX6 16
/* A sensible limit for feed_guard_size(): refuse changes of more than half. */
#define FEED_GUARD_MAX_CHANGE 0.5
/* Below this many entries in the previous update, any size change is accepted. */
#define FEED_GUARD_SIZE_MIN_PREV 20
/* Room for any `why` of this file (two names of DNSNAME_MAX bytes and the words). */
#define FEED_GUARD_WHY_MAX 640

/*
 * The guards of one feed. Every pointer is borrowed: the arrays and strings
 * must outlive the calls, and are never written.
 */
struct feed_guard {
	/* Refuse block prefixes shorter than these (defaults 8 and 16). */
	unsigned int min_prefix4, min_prefix6;
	/* 0: refuse entries that touch private/special ranges (10/8, fc00::/7...). */
	int allow_private;
	/*
	 * Networks that must never be blocked (the gateway, the resolvers,
	 * configured "never-block" addresses, usually single hosts). A block
	 * entry is refused when it overlaps one: contains it, or lies inside it.
	 */
	const struct ip_prefix *protect;
	size_t nprotect;
	/*
	 * Configured never-block names: canonical (lower case, no trailing
	 * dot). Neither they nor their parents may be blocked, and names below
	 * them are protected for feed_guard_name_protected(). The built-in top
	 * domains are always protected as well. Scanned linearly per entry:
	 * meant for tens of names, not thousands.
	 */
	const char *const *protect_names;
	size_t nprotect_names;
	/*
	 * Optional (may be NULL): what each protect[i] is, e.g. "the gateway",
	 * "a resolver", to name it in `why`. NULL elements are allowed.
	 */
	const char *const *protect_what;
};

/* Defaults: /8 and /16 minimum, private ranges refused, nothing configured. */
void feed_guard_defaults(struct feed_guard *g);

/*
 * 0 when the BLOCK entry p is acceptable; -1 with why otherwise, e.g.
 * "0.0.0.0/0 is shorter than /8", "10.0.0.0/8 covers private range
 * 10.0.0.0/8", "10.1.2.3 is inside private range 10.0.0.0/8",
 * "192.0.2.0/24 covers protected address 192.0.2.1 (the gateway)",
 * "invalid prefix (family 5)". Checked in that order. IPv4-mapped IPv6 is
 * expected as IPv4 already (lib/iplist.c does it). Allow entries need no
 * check.
 */
int feed_guard_ip(const struct feed_guard *g, const struct ip_prefix *p, char *why, size_t whylen);

/*
 * 0 when the domain entry e is acceptable; -1 with why when it would block a
 * protected name P (built-in top domain or configured):
 *  - e names P and blocks it (covers_name): "blocks microsoft.com (a top
 *    domain that must never be blocked)";
 *  - e names P and blocks every name below it (covers_sub, "*.P"): "blocks
 *    every name below microsoft.com (...)": that cuts P's services as well;
 *  - e is a parent of P and blocks the names below it (covers_sub): "co.jp
 *    is a parent of yahoo.co.jp (a top domain that must never be blocked)".
 * An entry below P (evil.github.io, www.microsoft.com) is acceptable, and so
 * is any allow entry, or one that blocks nothing. An empty name (the root)
 * with covers_sub blocks everything and is refused.
 */
int feed_guard_domain(const struct feed_guard *g, const struct dom_entry *e, char *why,
		      size_t whylen);

/*
 * 1 when the canonical name equals a protected name or lies below a
 * protected service: URL feeds use it to keep such hosts out of the DNS
 * guard (a malicious URL on github.com must not block github.com). Below a
 * shared suffix (co.jp, github.io: names registered by anyone) it is 0, so
 * evil.co.jp and evil.github.io can still be blocked. 0 otherwise, and for
 * NULL, "" or a name longer than DNSNAME_MAX (no canonical name).
 */
int feed_guard_name_protected(const struct feed_guard *g, const char *name);

/*
 * 0 when going from prev to next entries is acceptable: when prev <
 * FEED_GUARD_SIZE_MIN_PREV or |next - prev| <= max_change * prev. Otherwise
 * -1 with why, e.g. "size changes from 1000 to 12 entries (-99%, limit 50%)".
 * A negative or NaN max_change is refused as "invalid size change limit".
 */
int feed_guard_size(size_t prev, size_t next, double max_change, char *why, size_t whylen);

/*
 * The built-in top domains (lib/topdomains.c): names whose blocking would cut
 * an office off. Each is a service (the organisation runs every name below
 * it: google.com) or a shared suffix (names below it belong to anyone: co.jp,
 * github.io). The table is sorted by the name read backwards, a dot lower
 * than any other byte ("com" < "google.com" < "jp" < "co.jp" <
 * "yahoo.co.jp"), so that the names below any name follow it directly.
 */
size_t topdomains_count(void);
/* Name i (0 <= i < topdomains_count()), or NULL past the end. */
const char *topdomains_get(size_t i);
/* 1 when entry i is a shared suffix, 0 when it is a service (or i is out of range). */
int topdomains_is_suffix(size_t i);
/*
 * Where the len bytes at name fall in the table, with one binary search:
 * *exact is the index of the top domain equal to it, *below the index of one
 * strictly below it (name is a parent of it); -1 for none.
 */
void topdomains_lookup(const char *name, size_t len, long *exact, long *below);
/* Index of the top domain equal to the len bytes at name, or -1. */
long topdomains_find(const char *name, size_t len);
/* Index of a top domain strictly below the len bytes at name, or -1. */
long topdomains_find_below(const char *name, size_t len);
/*
 * Index of the top domain that protects the len bytes at name: one equal to
 * it, or a service it lies below; -1 when none does.
 */
long topdomains_protecting(const char *name, size_t len);
/*
 * The table order: <0, 0 or >0 as the len bytes at a sort before, equal or
 * after those at b, comparing bytes from the end, a '.' lower than any other
 * byte; when the other ends with a name (a parent of it, say), that name first.
 */
int topdomains_compare(const char *a, size_t alen, const char *b, size_t blen);

#endif /* UTM_FEEDGUARD_H */
