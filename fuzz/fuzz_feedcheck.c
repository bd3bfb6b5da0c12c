// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target for lib/feedcheck.c: a feed update in any format and
 * kind, with every guard on. Besides "never crash, never read past len",
 * it checks the promises: a refusal always says why, an accepted update
 * is never empty unless empty ones are allowed, and checking is
 * deterministic (the same verdict twice).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/config.h"
#include "lib/feedcheck.h"

static const int kinds[] = { UTM_LIST_KIND_IP, UTM_LIST_KIND_DOMAINS, UTM_LIST_KIND_URLS };
static const int formats[] = { UTM_FMT_AUTO, UTM_FMT_SPAMHAUS_JSON, UTM_FMT_ET_IPREP,
			       UTM_FMT_URLHAUS_CSV };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "office.example" };
	struct feed_guard g;
	struct ip_prefix gw;
	struct feed_check c = { .prev = -1, .max_change_pct = 50 };
	char why[FEED_CHECK_WHY_MAX], why2[FEED_CHECK_WHY_MAX];
	size_t n = 0, n2 = 0;
	int rc, rc2;

	if (size < 2)
		return 0;
	feed_guard_defaults(&g);
	ip_prefix_parse("192.0.2.1", &gw);
	g.protect = &gw;
	g.nprotect = 1;
	g.protect_names = names;
	g.nprotect_names = 1;
	g.allow_private = data[0] >> 7;
	c.guard = &g;
	c.kind = kinds[data[0] % 3];
	c.format = formats[(data[0] >> 2) % 4];
	c.allow_empty = data[0] >> 6 & 1;
	c.refuse_invalid = data[0] >> 4 & 1;
	c.prev = data[1] < 128 ? -1 : (long)(data[1] - 128) * 4;
	why[0] = '\0';
	rc = feed_check((const char *)data + 2, size - 2, &c, &n, why, sizeof(why));
	if (rc < 0 && !why[0])
		abort(); /* a refusal says why */
	if (rc == 0 && n == 0 && !c.allow_empty)
		abort(); /* an empty update is refused */
	rc2 = feed_check((const char *)data + 2, size - 2, &c, &n2, why2, sizeof(why2));
	if (rc != rc2 || (rc == 0 && n != n2) || (rc < 0 && strcmp(why, why2)))
		abort();
	return 0;
}
