/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * FNV-1a, 64 bits: the hash of the user-space tables keyed by small binary
 * keys (flow ids, prefixes, threshold counters). Not for anything an
 * attacker can pick to collide on purpose at scale: those tables are
 * bounded and evict.
 */
#ifndef UTM_FNV_H
#define UTM_FNV_H

#include <stddef.h>
#include <stdint.h>

#define FNV1A64_INIT  0xcbf29ce484222325ull
#define FNV1A64_PRIME 0x100000001b3ull

/* Continue the hash h over len bytes at data. */
static inline uint64_t fnv1a64(uint64_t h, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len--)
		h = (h ^ *p++) * FNV1A64_PRIME;
	return h;
}

#endif /* UTM_FNV_H */
