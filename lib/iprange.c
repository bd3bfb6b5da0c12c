// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Range to CIDR split. Addresses are big-endian byte strings of 4 or 16
 * bytes, so IPv4 and IPv6 share one code path without 128-bit integers.
 */
#include <string.h>

#include "lib/iprange.h"

/* How many low bits of a are zero (all of them for the zero address). */
static unsigned int low_zero_bits(const uint8_t *a, unsigned int nbytes)
{
	unsigned int bits = 0;
	unsigned int i;

	for (i = nbytes; i-- > 0;) {
		if (a[i])
			return bits + (unsigned int)__builtin_ctz(a[i]);
		bits += 8;
	}
	return bits;
}

/* dst = a with its k low bits set: the last address of a's block of 2^k. */
static void block_last(uint8_t *dst, const uint8_t *a, unsigned int nbytes, unsigned int k)
{
	unsigned int i;

	memcpy(dst, a, nbytes);
	for (i = nbytes; i-- > 0 && k > 0;) {
		unsigned int n = k < 8 ? k : 8;

		dst[i] |= (uint8_t)((1u << n) - 1);
		k -= n;
	}
}

static void increment(uint8_t *a, unsigned int nbytes)
{
	unsigned int i;

	for (i = nbytes; i-- > 0;) {
		if (++a[i])
			break;
	}
}

/*
 * The largest block that starts at cur (so cur is aligned to it) and does
 * not pass end. Returns its size as k (2^k addresses) and its last address.
 */
static unsigned int largest_block(const uint8_t *cur, const uint8_t *end, unsigned int nbytes,
				  uint8_t *last)
{
	unsigned int k = low_zero_bits(cur, nbytes);

	for (;;) {
		block_last(last, cur, nbytes, k);
		if (k == 0 || memcmp(last, end, nbytes) <= 0)
			return k;
		k--;
	}
}

int ip_range_split(const struct ip_prefix *start, const struct ip_prefix *end, ip_range_fn fn,
		   void *ctx)
{
	unsigned int nbytes = start->family == 4 ? 4 : 16;
	unsigned int bits = nbytes * 8;
	struct ip_prefix cur;
	uint8_t last[16];
	unsigned int n;
	int ret;

	if (start->family != end->family || (start->family != 4 && start->family != 6))
		return -1;
	if (memcmp(start->addr, end->addr, nbytes) > 0)
		return -1;

	memset(&cur, 0, sizeof(cur));
	cur.family = start->family;
	memcpy(cur.addr, start->addr, nbytes);
	/* Each pass emits one block; the bound makes termination evident. */
	for (n = 0; n < IP_RANGE_MAX_PREFIXES(bits); n++) {
		cur.prefixlen = (uint8_t)(bits - largest_block(cur.addr, end->addr, nbytes, last));
		ret = fn(&cur, ctx);
		if (ret)
			return ret;
		if (memcmp(last, end->addr, nbytes) == 0)
			break;
		/* last < end here, so this cannot wrap around. */
		memcpy(cur.addr, last, nbytes);
		increment(cur.addr, nbytes);
	}
	return 0;
}
