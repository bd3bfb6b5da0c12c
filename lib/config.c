// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The utm_cfg structure itself: defaults, lists, freeing. The YAML schema
 * that fills it lives in config_yaml.c, file reading in config_file.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include "../bpf/utm_types.h"
#include "config.h"

_Static_assert(UTM_CFG_MAX_LISTS == UTM_MAX_LISTS - UTM_LIST_FIRST_CONFIGURED,
	       "every configured list needs a list id");
_Static_assert(UTM_LIST_NAME_LEN == sizeof(((struct utm_list_cfg *)0)->name),
	       "list names must fit list_info");

void utm_cfg_defaults(struct utm_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	strcpy(cfg->pin_root, UTM_DEFAULT_PIN_ROOT);
	strcpy(cfg->state_dir, UTM_DEFAULT_STATE_DIR);
	strcpy(cfg->event_log, "-");
	cfg->xdp_mode = UTM_XDP_AUTO;
	cfg->drop_malformed = 0;
	cfg->ev_rate_per_src = 5;
	cfg->ev_burst_per_src = 10;
	cfg->ev_rate_global = 1000;
	cfg->ev_burst_global = 2000;
	cfg->ev_retention_days = UTM_DEFAULT_RETENTION_DAYS;
	cfg->ev_max_db_size = UTM_DEFAULT_MAX_DB_SIZE;
	cfg->dns_mode = UTM_DNS_NULL;
	cfg->dns_ttl = 2; /* short, as Pi-hole: an unblocked name works again soon */
	cfg->inspect.depth_packets = UTM_INSPECT_DEFAULT_DEPTH;
	cfg->inspect.flow_timeout_s = UTM_INSPECT_DEFAULT_TIMEOUT;
	cfg->inspect.closing_timeout_s = UTM_INSPECT_DEFAULT_CLOSING;
	for (; utm_inspect_default_log_categories[cfg->inspect.n_log_categories];
	     cfg->inspect.n_log_categories++)
		strcpy(cfg->inspect.log_categories[cfg->inspect.n_log_categories],
		       utm_inspect_default_log_categories[cfg->inspect.n_log_categories]);
	/* Dangerous sites (UT1's malware and phishing URLs) are blocked unless configured off. */
	for (; utm_inspect_default_block_categories[cfg->inspect.n_block_categories];
	     cfg->inspect.n_block_categories++)
		strcpy(cfg->inspect.block_categories[cfg->inspect.n_block_categories],
		       utm_inspect_default_block_categories[cfg->inspect.n_block_categories]);
	cfg->inspect.category_window_s = UTM_INSPECT_DEFAULT_CATEGORY_WINDOW;
	cfg->inspect.block_sites = 1;
	cfg->inspect.apps = 1;
	for (; utm_inspect_default_log_app_categories[cfg->inspect.n_log_app_categories];
	     cfg->inspect.n_log_app_categories++)
		strcpy(cfg->inspect.log_app_categories[cfg->inspect.n_log_app_categories],
		       utm_inspect_default_log_app_categories[cfg->inspect.n_log_app_categories]);
	cfg->inspect.av = 1;
	strcpy(cfg->inspect.av_db, UTM_INSPECT_DEFAULT_AV_DB);
	cfg->inspect.av_max_file = UTM_INSPECT_DEFAULT_AV_MAX_FILE;
}

int utm_cfg_valid_list_name(const char *name)
{
	size_t i;

	for (i = 0; name[i]; i++) {
		char c = name[i];

		if (i >= UTM_LIST_NAME_LEN - 1)
			return 0;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return 0;
	}
	return i > 0;
}

static const struct utm_list_cfg *find_list(const struct utm_cfg *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nlists; i++)
		if (!strcmp(cfg->lists[i].name, name))
			return &cfg->lists[i];
	return NULL;
}

int utm_cfg_add_list(struct utm_cfg *cfg, const struct utm_list_cfg *l)
{
	struct utm_list_cfg *lists;

	if (!utm_cfg_valid_list_name(l->name) || l->dir < UTM_DIR_INBOUND ||
	    l->dir > UTM_DIR_BOTH || l->severity < 1 || l->severity > 3 ||
	    !memchr(l->path, '\0', sizeof(l->path))) {
		errno = EINVAL;
		return -1;
	}
	if (find_list(cfg, l->name)) {
		errno = EEXIST;
		return -1;
	}
	if (cfg->nlists >= UTM_CFG_MAX_LISTS) {
		errno = ENOSPC;
		return -1;
	}
	/* At most 253 lists: growing one by one costs nothing worth optimising. */
	lists = realloc(cfg->lists, (cfg->nlists + 1) * sizeof(*lists));
	if (!lists)
		return -1;
	lists[cfg->nlists] = *l;
	lists[cfg->nlists].allow = !!l->allow;
	cfg->lists = lists;
	cfg->nlists++;
	return 0;
}

void utm_cfg_free(struct utm_cfg *cfg)
{
	free(cfg->lists);
	cfg->lists = NULL;
	cfg->nlists = 0;
	free(cfg->inspect.rules);
	cfg->inspect.rules = NULL;
	cfg->inspect.nrules = 0;
	free(cfg->inspect.drop_classes);
	cfg->inspect.drop_classes = NULL;
	cfg->inspect.n_drop_classes = 0;
	free(cfg->inspect.drop_sids);
	cfg->inspect.drop_sids = NULL;
	cfg->inspect.n_drop_sids = 0;
}

void utm_feed_defaults(struct utm_feed_cfg *f)
{
	memset(f, 0, sizeof(*f));
	f->refresh_s = 3600;
	f->timeout_s = 120;
	f->max_size = 256ul << 20;
	f->max_change_pct = 50;
	f->min_prefix4 = 8;
	f->min_prefix6 = 16;
}

void utm_cfg_feed_path(const struct utm_cfg *cfg, const char *name, const char *suffix, char *buf,
		       size_t len)
{
	snprintf(buf, len, "%s/feeds/%s%s", cfg->state_dir, name, suffix);
}

void utm_cfg_set_feed_paths(struct utm_cfg *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nlists; i++)
		if (utm_list_is_feed(&cfg->lists[i]))
			utm_cfg_feed_path(cfg, cfg->lists[i].name, ".data", cfg->lists[i].path,
					  sizeof(cfg->lists[i].path));
}
