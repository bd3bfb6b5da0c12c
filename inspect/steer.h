/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The UDP ports the rules name, for utm-inspect to steer beside --ports:
 * the bridge steers a UDP flow to the inspector only when one of its ports
 * is in inspect_ports, so a UDP rule on port 1900 sees nothing unless 1900
 * is steered. Pure: a ruleset in, a port list out.
 *
 * A rule counts when it is not IP-only and its protocol runs over UDP
 * (udp, or an application protocol that can: dns, ntp, sip, ...). Of its
 * destination and source port sets, those that are a finite list of
 * positive entries (no "any", no negation) of at most STEER_RULE_MAX_PORTS
 * ports qualify; the smaller one is steered (the bridge steers on either
 * port of a flow, so one side is enough). A rule with neither is "on any
 * port": it sees only the flows of ports steered for other reasons.
 */
#ifndef UTM_INSPECT_STEER_H
#define UTM_INSPECT_STEER_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/ruleset.h"

#define STEER_RULE_MAX_PORTS 64	 /* a rule's port set above this is not steered */
#define STEER_MAX_UDP_PORTS  256 /* the union is capped here */

struct steer_udp {
	uint16_t port[STEER_MAX_UDP_PORTS]; /* ascending, no port 0 */
	size_t nports;
	size_t rules;	 /* UDP rules (not IP-only) */
	size_t steered;	 /* of them, whose ports are in port[] */
	size_t any_port; /* on any port, a negation or too many ports: not steered */
	size_t over_cap; /* their ports did not fit under STEER_MAX_UDP_PORTS */
};

/* 1 when the rule's protocol can run over UDP (udp, dns, ntp, sip, ...). */
int steer_rule_is_udp(const struct rule *r);

/* The UDP ports of rs's rules (rs may be NULL: none). */
void steer_udp_ports(const struct ruleset *rs, struct steer_udp *out);

#endif /* UTM_INSPECT_STEER_H */
