/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* utm-ctl's commands, one file each group. */
#ifndef UTM_CTL_H
#define UTM_CTL_H

#include <jansson.h>

#include "lib/utmmaps.h"

struct ctl {
	const char *pin_root;
	const char *state_dir; /* NULL: found from the running UTM's lists */
	int json;
	struct utm_maps maps;
};

int cmd_status(struct ctl *c, int argc, char **argv);
int cmd_lists(struct ctl *c, int argc, char **argv);
int cmd_why(struct ctl *c, int argc, char **argv);
int cmd_add(struct ctl *c, int argc, char **argv);
int cmd_remove(struct ctl *c, int argc, char **argv);
int cmd_feeds(struct ctl *c, int argc, char **argv);
/* utm-ctl-category.c: opens the maps itself, only when it needs them. */
int cmd_category(struct ctl *c, int argc, char **argv);
/* utm-ctl-events.c: the event store; opens the maps itself, only to find STATE_DIR. */
int cmd_events(struct ctl *c, int argc, char **argv);

/* utm-ctl-feeds.c: add "feed": URL to a match object when list is a feed. */
void ctl_add_feed_url(struct ctl *c, json_t *o, const char *list);
/* "  block entry X from list L (file:line)" and the feed's URL, if any. */
void ctl_print_match(const char *indent, const char *what, json_t *m);

/* why NAME: the DNS guard's verdict on a domain name. */
int ctl_why_name(struct ctl *c, const char *name);

/* "runtime-block.list" path of the running UTM, from list_info. */
int ctl_runtime_path(struct ctl *c, int allow, char *buf, size_t len);

#endif /* UTM_CTL_H */
