/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What both modes of utm-inspect share: the rules (and the lists of their
 * IP-only rules), the EVE output (one lock: the workers write to it), and
 * the engine configuration every worker's engine is made with.
 */
#ifndef UTM_INSPECT_IO_COMMON_H
#define UTM_INSPECT_IO_COMMON_H

#include <pthread.h>
#include <stdio.h>

#include "inspect/engine.h"
#include "inspect/io_opts.h"
#include "inspect/av.h"
#include "inspect/io_web.h"
#include "inspect/io_rules.h"

struct common {
	const struct opts *o;
	struct rules_loaded rules;
	struct engine_cfg cfg; /* eve callback, drop policy, depth; det from rules */
	struct web_loaded web; /* site lists, categories: cfg.web */
	struct av_holder *av;  /* the antivirus engine: cfg.av */
	FILE *eve;
	pthread_mutex_t eve_lock;
};

/* Load the rules, open the EVE output, write the IP-only lists. 0, or -1 after a log. */
int common_start(struct common *c, const struct opts *o);
void common_stop(struct common *c);

/* Load the antivirus databases again and swap them in (a bad one keeps the running engine). */
void common_reload_av(struct common *c);

/* Reopen the EVE output by its name (after logrotate moved it); stdout stays. */
void common_reopen_eve(struct common *c);

/* Microseconds are enough; both clocks in nanoseconds. */
uint64_t common_mono_ns(void);
uint64_t common_wall_ns(void);

#endif /* UTM_INSPECT_IO_COMMON_H */
