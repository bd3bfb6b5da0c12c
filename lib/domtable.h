/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The DNS guard's entries before they go into a map: name keys (dnshash.h)
 * merged across lists, so that a name carries, per form (the name itself,
 * its subdomains) and per action (block, allow), the first list that set it.
 */
#ifndef UTM_DOMTABLE_H
#define UTM_DOMTABLE_H

#include <linux/types.h>
#include <stddef.h>
#include <stdint.h>

#include "../bpf/utm_types.h"

struct domtable;

struct domtable *domtable_new(void);
void domtable_free(struct domtable *t);

/* Record list_id for key in the forms given. 0 or -ENOMEM. */
int domtable_add(struct domtable *t, uint64_t key, uint16_t list_id, int allow, int covers_name,
		 int covers_sub);

size_t domtable_size(const struct domtable *t);

/* Write every entry into keys/vals (domtable_size() elements each). */
size_t domtable_export(const struct domtable *t, struct utm_dns_key *keys,
		       struct utm_dns_entry *vals);

#endif /* UTM_DOMTABLE_H */
