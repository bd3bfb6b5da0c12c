/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The threshold keyword (Suricata's semantics): whether an alert of a rule
 * is reported, counted per rule and tracked address over a time window.
 *   limit:     the first count alerts of each window of seconds;
 *   threshold: every count-th alert within a window;
 *   both:      one alert per window, once count is reached in it.
 * Tracked by source, destination, both (the pair) or the rule alone. The
 * table has a fixed number of entries: when a probe finds no room, the
 * entry with the oldest window is reused (an attacker cycling addresses
 * only evicts the counts of idle windows first). One table per worker.
 * Rules without threshold are always reported.
 */
#ifndef UTM_INSPECT_THRESHOLD_H
#define UTM_INSPECT_THRESHOLD_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/flow.h"
#include "inspect/rule.h"

struct threshold_table;

/* A table of at least max_entries counters; NULL when out of memory. */
struct threshold_table *threshold_new(size_t max_entries);
void threshold_free(struct threshold_table *t);

/* Whether this alert of r (a packet with tuple tp, at now_ns) is reported; counts it. */
int threshold_check(struct threshold_table *t, const struct rule *r, const struct flow_tuple *tp,
		    uint64_t now_ns);

#endif /* UTM_INSPECT_THRESHOLD_H */
