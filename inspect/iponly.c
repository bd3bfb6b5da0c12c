// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* IP-only rules as bridge lists (inspect/iponly.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/iponly.h"
#include "lib/iplist.h"

struct text {
	char *p;
	size_t len, cap;
};

static int append(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4096;
		char *p;

		while (cap < t->len + n + 1)
			cap *= 2;
		p = realloc(t->p, cap);
		if (!p)
			return -1;
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
	return 0;
}

/* Private, unique-local and link-local: what $HOME_NET is made of. */
static int private_prefix(const struct ip_prefix *p)
{
	const uint8_t *a = p->addr;

	if (p->family == 4)
		return (a[0] == 10 && p->prefixlen >= 8) ||
		       (a[0] == 172 && (a[1] & 0xf0) == 16 && p->prefixlen >= 12) ||
		       (a[0] == 192 && a[1] == 168 && p->prefixlen >= 16) ||
		       (a[0] == 169 && a[1] == 254 && p->prefixlen >= 16);
	return ((a[0] & 0xfe) == 0xfc && p->prefixlen >= 7) ||
	       (a[0] == 0xfe && (a[1] & 0xc0) == 0x80 && p->prefixlen >= 10);
}

/* The office's side: any address, or only private ones (the $HOME_NET of the rules). */
static int office_side(const struct rule_addrset *s)
{
	uint32_t i;

	if (s->any)
		return 1;
	for (i = 0; i < s->n; i++)
		if (s->e[i].negated || !private_prefix(&s->e[i].prefix))
			return 0;
	return 1;
}

/* A reputation list: public addresses, none negated (not $EXTERNAL_NET). */
static int plain_list(const struct rule_addrset *s)
{
	uint32_t i;

	if (s->any || !s->n || office_side(s))
		return 0;
	for (i = 0; i < s->n; i++)
		if (s->e[i].negated)
			return 0;
	return 1;
}

static int render_rule(struct text *t, const struct rule *r, const struct rule_addrset *list,
		       size_t *entries)
{
	char line[256], addr[64];
	uint32_t i;

	for (i = 0; i < list->n; i++) {
		int n;

		ip_prefix_format(&list->e[i].prefix, addr, sizeof(addr));
		n = snprintf(line, sizeof(line), "%s # sid %u: %.150s\n", addr, r->sid, r->msg);
		if (n < 0 ||
		    append(t, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1))
			return -1;
		(*entries)++;
	}
	return 0;
}

int iponly_render(const struct ruleset *rs, iponly_blocks_fn blocks, void *ctx,
		  struct iponly_lists *out)
{
	static const char in_head[] = "# utm-inspect's IP-only rules: sources of inbound traffic\n";
	static const char out_head[] = "# utm-inspect's IP-only rules: outbound destinations\n";
	struct text in = {0}, outb = {0};
	size_t i, n = ruleset_count(rs);
	int rc = 0;

	memset(out, 0, sizeof(*out));
	rc |= append(&in, in_head, sizeof(in_head) - 1);
	rc |= append(&outb, out_head, sizeof(out_head) - 1);
	for (i = 0; !rc && i < n; i++) {
		const struct rule *r = ruleset_rule(rs, i);

		if (!r->ip_only)
			continue;
		if (!blocks(r, ctx)) {
			out->skipped++;
		} else if (plain_list(&r->src) && office_side(&r->dst)) {
			rc = render_rule(&in, r, &r->src, &out->entries);
			out->rules++;
		} else if (plain_list(&r->dst) && office_side(&r->src)) {
			rc = render_rule(&outb, r, &r->dst, &out->entries);
			out->rules++;
		} else {
			out->skipped++;
		}
	}
	out->inbound = in.p;
	out->inbound_len = in.len;
	out->outbound = outb.p;
	out->outbound_len = outb.len;
	if (rc)
		iponly_free(out);
	return rc ? -1 : 0;
}

void iponly_free(struct iponly_lists *l)
{
	free(l->inbound);
	free(l->outbound);
	memset(l, 0, sizeof(*l));
}
