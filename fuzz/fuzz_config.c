// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target for the utm.yaml parser: no crash, no leak, and whatever
 * it accepts obeys the schema. Seeds: fuzz/corpus/config/.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <linux/types.h>

#include "bpf/utm_types.h"
#include "lib/config.h"

static void check(const struct utm_cfg *cfg)
{
	size_t i;

	if (cfg->nlists > UTM_CFG_MAX_LISTS || cfg->xdp_mode < UTM_XDP_AUTO ||
	    cfg->xdp_mode > UTM_XDP_GENERIC || cfg->ev_rate_global > UTM_CFG_MAX_EVENT_RATE ||
	    strlen(cfg->lan) >= sizeof(cfg->lan))
		__builtin_trap();
	for (i = 0; i < cfg->nlists; i++) {
		const struct utm_list_cfg *l = &cfg->lists[i];

		if (!utm_cfg_valid_list_name(l->name) || !l->path[0] || l->severity < 1 ||
		    l->severity > 3 || l->dir < UTM_DIR_INBOUND || l->dir > UTM_DIR_BOTH)
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct utm_cfg cfg, before;
	char err[128];

	utm_cfg_defaults(&cfg);
	if (utm_cfg_parse((const char *)data, size, "/etc/utm/utm.yaml", &cfg, err, sizeof(err)))
		if (!memchr(err, '\0', sizeof(err)) || !strchr(err, ':'))
			__builtin_trap();
	check(&cfg);

	/* Again on top of the result: lists now exist and must be copied, kept or freed. */
	before = cfg;
	if (utm_cfg_parse((const char *)data, size, "utm.yaml", &cfg, err, sizeof(err)) &&
	    memcmp(&before, &cfg, sizeof(cfg)))
		__builtin_trap();
	check(&cfg);
	utm_cfg_free(&cfg);
	return 0;
}
