// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The UDP ports rules name (inspect/steer.h). */
#include <string.h>

#include "inspect/steer.h"

int steer_rule_is_udp(const struct rule *r)
{
	if (r->ipproto == RULE_IPPROTO_UDP)
		return 1;
	/* dns, dcerpc, nfs, sip, krb5, enip: over TCP or UDP. Plain "ip" is not UDP work. */
	return r->app_layer && r->ipproto == RULE_IPPROTO_ANY;
}

/* The number of ports of a finite, positive set; 0 when it does not qualify. */
static uint32_t finite_ports(const struct rule_portset *s)
{
	uint32_t i, n = 0;

	if (s->any || !s->n)
		return 0;
	for (i = 0; i < s->n; i++) {
		const struct rule_port *p = &s->e[i];

		if (p->negated || p->hi < p->lo)
			return 0;
		n += (uint32_t)(p->hi - p->lo) + 1;
		if (n > STEER_RULE_MAX_PORTS)
			return 0;
	}
	return n;
}

/*
 * Add s's ports to the bitmap, *n counting them; when the cap would be
 * passed, take the ports this set added out again and return -1.
 */
static int add_set(uint8_t *bits, size_t *n, const struct rule_portset *s)
{
	uint16_t added[STEER_RULE_MAX_PORTS];
	size_t nadded = 0, i;
	uint32_t k, p;

	for (k = 0; k < s->n; k++)
		for (p = s->e[k].lo; p <= s->e[k].hi; p++) {
			if (!p || bits[p / 8] & (1u << (p % 8)))
				continue;
			if (*n + nadded == STEER_MAX_UDP_PORTS) {
				for (i = 0; i < nadded; i++)
					bits[added[i] / 8] &= (uint8_t) ~(1u << (added[i] % 8));
				return -1;
			}
			bits[p / 8] |= (uint8_t)(1u << (p % 8));
			added[nadded++] = (uint16_t)p;
		}
	*n += nadded;
	return 0;
}

void steer_udp_ports(const struct ruleset *rs, struct steer_udp *out)
{
	uint8_t bits[65536 / 8];
	size_t i, n = 0, count = rs ? ruleset_count(rs) : 0;
	uint32_t p;

	memset(out, 0, sizeof(*out));
	memset(bits, 0, sizeof(bits));
	for (i = 0; i < count; i++) {
		const struct rule *r = ruleset_rule(rs, i);
		uint32_t nd, ns;

		if (r->ip_only || !steer_rule_is_udp(r))
			continue;
		out->rules++;
		nd = finite_ports(&r->dport);
		ns = finite_ports(&r->sport);
		if (!nd && !ns) {
			out->any_port++;
			continue;
		}
		/* Either side catches the rule's flows: the smaller one, the destination on a tie.
		 */
		if (add_set(bits, &n, nd && (!ns || nd <= ns) ? &r->dport : &r->sport)) {
			out->over_cap++;
			continue;
		}
		out->steered++;
	}
	for (p = 1; p < 65536 && out->nports < n; p++)
		if (bits[p / 8] & (1u << (p % 8)))
			out->port[out->nports++] = (uint16_t)p;
}
