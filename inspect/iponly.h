/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * IP-only rules (address lists and nothing else, as ET's compromised,
 * drop, ciarmy and tor rules) are the bridge's business, not the
 * inspector's: their addresses become lists that utm-load puts into the
 * XDP maps. This renders them as list files (lib/iplist.h's plain format,
 * "ADDRESS # sid N: msg"), one for the sources of inbound rules
 * ([list] -> $HOME_NET) and one for the destinations of outbound rules
 * ($HOME_NET -> [list]). Pure: rules in, text out.
 */
#ifndef UTM_INSPECT_IPONLY_H
#define UTM_INSPECT_IPONLY_H

#include <stddef.h>

#include "inspect/ruleset.h"

/* Which rules block (their action, or the policy): only those become list entries. */
typedef int (*iponly_blocks_fn)(const struct rule *r, void *ctx);

struct iponly_lists {
	char *inbound, *outbound; /* malloc'd list texts */
	size_t inbound_len, outbound_len;
	size_t rules, entries; /* rules rendered, addresses written */
	size_t skipped;	       /* IP-only rules left out: both sides lists, negations, alert-only */
};

/* 0, or -1 when out of memory. Free with iponly_free. */
int iponly_render(const struct ruleset *rs, iponly_blocks_fn blocks, void *ctx,
		  struct iponly_lists *out);
void iponly_free(struct iponly_lists *l);

#endif /* UTM_INSPECT_IPONLY_H */
