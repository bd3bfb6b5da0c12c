/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * utm-inspect's web policy at start: the site lists of --config, the UT1
 * categories of --categories, the categories to log and to block, into
 * the engine configuration (inspect/webpolicy.h, inspect/engine.h).
 */
#ifndef UTM_INSPECT_IO_WEB_H
#define UTM_INSPECT_IO_WEB_H

#include "inspect/engine.h"
#include "inspect/io_opts.h"
#include "inspect/sitelists.h"
#include "inspect/webpolicy.h"

struct web_loaded {
	struct sitelists sites;
	struct catdb *cats;
	struct webpolicy policy;
};

/* Load and fill cfg's web fields. 0, or -1 after a log (a bad category name, no memory). */
int web_start(struct web_loaded *w, const struct opts *o, struct engine_cfg *cfg);
void web_stop(struct web_loaded *w);

#endif /* UTM_INSPECT_IO_WEB_H */
