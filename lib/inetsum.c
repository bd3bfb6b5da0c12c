// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The Internet checksum (lib/inetsum.h). */
#include "lib/inetsum.h"

uint32_t inetsum_add(uint32_t sum, const uint8_t *b, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	return sum;
}

uint16_t inetsum_final(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}
