/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The /24 bitmap that lets the XDP program skip the IPv4 prefix trie for
 * addresses no prefix covers (UTM_NET4_WORDS in bpf/utm_types.h).
 */
#ifndef UTM_NETBITS_H
#define UTM_NETBITS_H

#include <stdint.h>

#include "iplist.h"

#define NETBITS_WORDS (1u << 18)

/* The /24 blocks an IPv4 prefix covers: [*first, *first + *count). */
void netbits_blocks(const struct ip_prefix *p, uint32_t *first, uint32_t *count);

/* Set the bits of those blocks in words (NETBITS_WORDS of them). */
void netbits_set(uint64_t *words, const struct ip_prefix *p);

#endif /* UTM_NETBITS_H */
