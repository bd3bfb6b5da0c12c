/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * An in-memory set of IP list entries, built before a generation of BPF
 * maps is filled: it merges duplicates across lists (the first list loaded
 * for a direction is the one recorded) and exports the entries of each map
 * kind as key/value arrays for bpf_map_update_batch().
 */
#ifndef UTM_IPTABLE_H
#define UTM_IPTABLE_H

#include <linux/types.h>
#include <stddef.h>
#include <stdint.h>

#include "../bpf/utm_types.h"
#include "iplist.h"
#include "ipkey.h"

struct iptable;

struct iptable *iptable_new(void);
void iptable_free(struct iptable *t);

/* Record p for list_id in the directions of dir (enum utm_dir). 0 or -ENOMEM. */
int iptable_add(struct iptable *t, const struct ip_prefix *p, uint16_t list_id, int dir);

/* Number of entries that go to maps of kind k. */
size_t iptable_count(const struct iptable *t, enum ipkey_kind k);

/* Number of entries in all. */
size_t iptable_size(const struct iptable *t);

/*
 * Write the entries of kind k as map keys (struct utm_ip4_key, utm_lpm4_key,
 * ... depending on k) into keys and their values into vals; both must hold
 * iptable_count(t, k) elements. Returns the number written.
 */
size_t iptable_export(const struct iptable *t, enum ipkey_kind k, void *keys,
		      struct utm_ip_entry *vals);

/* Set the /24 bits (lib/netbits.h) of every IPv4 prefix in t into words. */
void iptable_net4_bits(const struct iptable *t, uint64_t *words);

/* Size of one map key of kind k. */
size_t ipkey_size(enum ipkey_kind k);

#endif /* UTM_IPTABLE_H */
