// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* BPF map keys for IP list entries (see ipkey.h for why hosts and prefixes differ). */
#include <string.h>

#include "lib/ipkey.h"

enum ipkey_kind ipkey_kind_of(const struct ip_prefix *p)
{
	if (p->family == 4 && p->prefixlen <= 32)
		return p->prefixlen == 32 ? IPKEY_EXACT4 : IPKEY_PREFIX4;
	if (p->family == 6 && p->prefixlen <= 128)
		return p->prefixlen == 128 ? IPKEY_EXACT6 : IPKEY_PREFIX6;
	return IPKEY_INVALID;
}

int ipkey_exact4(const struct ip_prefix *p, struct utm_ip4_key *key)
{
	if (ipkey_kind_of(p) != IPKEY_EXACT4)
		return -1;
	memcpy(key->addr, p->addr, sizeof(key->addr));
	return 0;
}

int ipkey_exact6(const struct ip_prefix *p, struct utm_ip6_key *key)
{
	if (ipkey_kind_of(p) != IPKEY_EXACT6)
		return -1;
	memcpy(key->addr, p->addr, sizeof(key->addr));
	return 0;
}

/*
 * Copy the first nbytes of src, keeping only its first prefixlen bits: the
 * parser already masks, but a key built from any other source must not
 * carry host bits, or two spellings of one prefix would be two entries.
 */
static void copy_masked(__u8 *dst, const uint8_t *src, unsigned int nbytes, unsigned int prefixlen)
{
	unsigned int i;

	for (i = 0; i < nbytes; i++) {
		unsigned int keep = prefixlen > i * 8 ? prefixlen - i * 8 : 0;

		dst[i] = keep >= 8 ? src[i] : (__u8)(src[i] & (0xff00u >> keep));
	}
}

int ipkey_lpm4(const struct ip_prefix *p, struct utm_lpm4_key *key)
{
	enum ipkey_kind kind = ipkey_kind_of(p);

	if ((kind != IPKEY_EXACT4 && kind != IPKEY_PREFIX4))
		return -1;
	memset(key, 0, sizeof(*key));
	key->prefixlen = p->prefixlen; /* host order, as the LPM trie expects */
	copy_masked(key->addr, p->addr, sizeof(key->addr), p->prefixlen);
	return 0;
}

int ipkey_lpm6(const struct ip_prefix *p, struct utm_lpm6_key *key)
{
	enum ipkey_kind kind = ipkey_kind_of(p);

	if ((kind != IPKEY_EXACT6 && kind != IPKEY_PREFIX6))
		return -1;
	memset(key, 0, sizeof(*key));
	key->prefixlen = p->prefixlen;
	copy_masked(key->addr, p->addr, sizeof(key->addr), p->prefixlen);
	return 0;
}
