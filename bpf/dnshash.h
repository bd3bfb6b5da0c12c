/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The DNS guard's name hash, shared by the XDP program and user space so
 * that both compute the same key for a domain.
 *
 * A name is hashed in DNS wire form (length-prefixed labels, no root byte),
 * ASCII letters folded to lower case, from its LAST byte back to its first.
 * Hashing backwards makes every parent domain a prefix of the computation:
 * while the XDP program walks back over a query name, the running value at
 * each label's length byte is the hash of the suffix starting there, so one
 * map lookup per label boundary matches the name and every parent domain.
 *
 * The step is FNV-1a's (xor, multiply by the 64-bit FNV prime), started from
 * a per-installation random seed kept in the settings map, and each suffix
 * value is finished with a murmur3-style mix before the lookup. With 64-bit
 * keys and N entries, a lookup of a name not in the list falsely matches
 * with probability N / 2^64: 5.4e-14 at 1M entries, so a query (a handful of
 * lookups, at most 127) is wrongly blocked less than once in 10^11 queries.
 * The secret seed keeps anyone from crafting names that collide with an
 * entry (say, an allowlisted one) offline.
 *
 * The includer provides __u8/__u64.
 */
#ifndef UTM_DNSHASH_H
#define UTM_DNSHASH_H

#define UTM_DNS_FNV_PRIME 0x100000001b3ULL

/* Fold ASCII upper case to lower case; every other byte is hashed as is. */
static __always_inline __u8 dnshash_fold(__u8 c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* One step backwards over the name: include byte c. */
static __always_inline __u64 dnshash_step(__u64 h, __u8 c)
{
	return (h ^ dnshash_fold(c)) * UTM_DNS_FNV_PRIME;
}

/* The map key for a suffix whose running value is h. */
static __always_inline __u64 dnshash_finish(__u64 h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

#endif /* UTM_DNSHASH_H */
