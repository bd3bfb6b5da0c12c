/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * BPF map keys for IP list entries. Pure: turns a parsed struct ip_prefix
 * into the key of the map it belongs in.
 *
 * Why two kinds of map: LPM tries get slow as they grow (on the target
 * machines about 85 ns per lookup at 1k entries, 665 ns at 1M), and most
 * list entries are single hosts. Hosts (/32, /128) therefore go to the hash
 * maps ip4_exact / ip6_exact (constant-time lookups), and only real
 * prefixes go to the LPM tries ip4_prefix / ip6_prefix, which stay small.
 */
#ifndef UTM_IPKEY_H
#define UTM_IPKEY_H

#include <linux/types.h>

#include "bpf/utm_types.h"
#include "lib/iplist.h"

/*
 * Which map an entry goes to. The four real kinds are 0..3 so that they
 * index arrays of the four maps; IPKEY_INVALID comes after them.
 */
enum ipkey_kind {
	IPKEY_EXACT4 = 0, /* IPv4 /32: ip4_exact hash map */
	IPKEY_PREFIX4,	  /* IPv4 /0../31: ip4_prefix LPM trie */
	IPKEY_EXACT6,	  /* IPv6 /128: ip6_exact hash map */
	IPKEY_PREFIX6,	  /* IPv6 /0../127: ip6_prefix LPM trie */
	IPKEY_INVALID,	  /* family not 4 or 6, or prefix length too long */
};

#define IPKEY_NKINDS 4 /* real kinds, IPKEY_EXACT4..IPKEY_PREFIX6 */

/* Which map p belongs in; never IPKEY_INVALID for a parsed prefix. */
enum ipkey_kind ipkey_kind_of(const struct ip_prefix *p);

/* Key for a host entry: 0, or -1 (key untouched) when p is not an IPv4 /32. */
int ipkey_exact4(const struct ip_prefix *p, struct utm_ip4_key *key);

/* Key for a host entry: 0, or -1 (key untouched) when p is not an IPv6 /128. */
int ipkey_exact6(const struct ip_prefix *p, struct utm_ip6_key *key);

/*
 * LPM trie key for any IPv4 prefix, hosts included (a /32 key is how a
 * trie is queried for one address). Host bits are cleared. 0, or -1 (key
 * untouched) when p is not a valid IPv4 prefix.
 */
int ipkey_lpm4(const struct ip_prefix *p, struct utm_lpm4_key *key);

/* The same for IPv6 (prefix length 0..128). */
int ipkey_lpm6(const struct ip_prefix *p, struct utm_lpm6_key *key);

#endif /* UTM_IPKEY_H */
