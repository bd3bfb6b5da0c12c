/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Rule confirmation: whether a rule (inspect/rule.h) really matches, once
 * the Hyperscan prefilter says it may. Suricata's semantics: contents in
 * order within their buffer, absolute (offset, depth, startswith) or
 * relative to the previous match (distance, within), endswith, nocase,
 * negation, isdataat, pcre (PCRE2, with match limits), bsize, dotprefix,
 * dsize, TCP flags, flow direction and state, and the header's addresses
 * and ports. When a later item fails, earlier contents are retried at
 * their next occurrence (backtracking), within a work budget so that a
 * crafted payload cannot make one rule cost more than a bounded amount.
 */
#ifndef UTM_INSPECT_CONFIRM_H
#define UTM_INSPECT_CONFIRM_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/flow.h"
#include "inspect/flowbits.h"
#include "inspect/rule.h"

/* Match steps one rule may take on one set of buffers (Suricata's recursion limit is 3000). */
#define CONFIRM_BUDGET 3000

/* The buffers of a packet or transaction, by enum rule_buffer; p NULL: not present. */
struct confirm_bufs {
	const uint8_t *p[RULE_BUF_COUNT];
	size_t len[RULE_BUF_COUNT];
	/* Packet-level facts for dsize, flags, flow. */
	uint32_t dsize;	   /* payload bytes of the packet */
	uint8_t tcp_flags; /* RULE_TCP_* bits of the packet, 0 for UDP */
	int to_server;	   /* the packet goes from the flow's client to its server */
	int established;   /* TCP: handshake seen; UDP: both directions seen */
	int stream;	   /* the payload buffer is a window on the reassembled stream */
	const struct flow_tuple *tuple; /* the packet's addresses and ports, or NULL: unchecked */
	struct flowbits *fb; /* the flow's flowbits (checked, and set by matches), or NULL */
};

/* A rule ready to confirm: its PCREs compiled (JIT where available). */
struct confirm_rule;

/* NULL with why when a pcre does not compile (the rule is then skipped). */
struct confirm_rule *confirm_compile(const struct rule *r, char *why, size_t whylen);
void confirm_free(struct confirm_rule *c);
const struct rule *confirm_rule_of(const struct confirm_rule *c);

/* 1 when the rule matches these buffers, 0 when not (or when the budget ran out). */
int confirm_match(const struct confirm_rule *c, const struct confirm_bufs *b);

/* The header alone: protocol, addresses and ports (either way for "<>"). */
int confirm_header(const struct rule *r, const struct flow_tuple *t);

#endif /* UTM_INSPECT_CONFIRM_H */
