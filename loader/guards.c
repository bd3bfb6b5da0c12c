// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The protected addresses of the feed guards. Besides what the
 * configuration names, the box's own default gateway and resolvers are
 * protected: in a small office they are usually the router and the
 * provider's DNS, and a feed that blocks them cuts everyone off.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "guards.h"

static void add_addr(struct reload_guards *rg, const struct ip_prefix *p, const char *what)
{
	if (rg->naddrs >= UTM_CFG_MAX_NEVER + GUARDS_MAX_AUTO)
		return;
	rg->addrs[rg->naddrs] = *p;
	rg->what[rg->naddrs++] = what;
}

/* "nameserver ADDR" lines of /etc/resolv.conf (loopback stubs are not the real resolver). */
static void add_resolvers(struct reload_guards *rg)
{
	FILE *f = fopen("/etc/resolv.conf", "re");
	char line[256], addr[128];
	struct ip_prefix p;
	int n = 0;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && n < GUARDS_MAX_AUTO / 2) {
		if (sscanf(line, " nameserver %127s", addr) != 1 || ip_prefix_parse(addr, &p))
			continue;
		if (p.family == 4 && p.addr[0] == 127)
			continue;
		add_addr(rg, &p, "a resolver of this box");
		n++;
	}
	fclose(f);
}

/* The IPv4 default gateways of /proc/net/route (hex, host order of the kernel: little endian). */
static void add_gateways(struct reload_guards *rg)
{
	FILE *f = fopen("/proc/net/route", "re");
	char line[256], ifname[32];
	unsigned int dest, gw, flags;
	struct ip_prefix p = { .family = 4, .prefixlen = 32 };

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %x %x %x", ifname, &dest, &gw, &flags) != 4 || dest || !gw)
			continue;
		memcpy(p.addr, &gw, 4);
		add_addr(rg, &p, "the default gateway of this box");
	}
	fclose(f);
}

void guards_init(struct reload_guards *rg, const struct utm_cfg *cfg)
{
	size_t i;

	memset(rg, 0, sizeof(*rg));
	for (i = 0; i < cfg->n_never_addrs; i++)
		add_addr(rg, &cfg->never_addrs[i], "a never-block address");
	add_resolvers(rg);
	add_gateways(rg);
	for (i = 0; i < cfg->n_never_names; i++)
		rg->names[rg->nnames++] = cfg->never_names[i];
}

void guards_for_feed(const struct reload_guards *rg, const struct utm_list_cfg *l,
		     struct feed_guard *g)
{
	feed_guard_defaults(g);
	g->min_prefix4 = l->feed.min_prefix4;
	g->min_prefix6 = l->feed.min_prefix6;
	g->allow_private = l->feed.allow_private;
	g->protect = rg->addrs;
	g->nprotect = rg->naddrs;
	g->protect_what = rg->what;
	g->protect_names = rg->names;
	g->nprotect_names = rg->nnames;
}
