/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The Internet checksum (RFC 1071), for frames the programs build themselves. */
#ifndef UTM_INETSUM_H
#define UTM_INETSUM_H

#include <stddef.h>
#include <stdint.h>

/* Add len bytes (big-endian 16-bit words, an odd last byte padded) to a running sum. */
uint32_t inetsum_add(uint32_t sum, const uint8_t *b, size_t len);

/* The checksum field's value for a running sum: folded to 16 bits, complemented. */
uint16_t inetsum_final(uint32_t sum);

#endif /* UTM_INETSUM_H */
