// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "netbits.h"

void netbits_blocks(const struct ip_prefix *p, uint32_t *first, uint32_t *count)
{
	uint32_t blk = (uint32_t)p->addr[0] << 16 | (uint32_t)p->addr[1] << 8 | p->addr[2];
	unsigned int len = p->prefixlen > 24 ? 24 : p->prefixlen;

	*count = 1u << (24 - len);
	*first = blk & ~(*count - 1);
}

void netbits_set(uint64_t *words, const struct ip_prefix *p)
{
	uint32_t first, count, b;

	netbits_blocks(p, &first, &count);
	/* Whole words at a time where the range covers them (short prefixes). */
	for (b = first; b < first + count;) {
		if ((b & 63) == 0 && first + count - b >= 64) {
			words[b >> 6] = ~0ULL;
			b += 64;
		} else {
			words[b >> 6] |= 1ULL << (b & 63);
			b++;
		}
	}
}
