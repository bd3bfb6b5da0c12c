/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The app records of flows that end in XDP: a flow whose application is to
 * be accounted (a category to log) is handed back to the fast path after a
 * few frames, and ends there. Its record waits here (workers add it with
 * the counters the inspector saw, engine_verdict.report) until the main
 * thread removes the flow's bypass entries, whose packets and bytes it
 * adds; then it is written, once, with the whole flow's counters.
 */
#ifndef UTM_INSPECT_IO_ACCOUNT_H
#define UTM_INSPECT_IO_ACCOUNT_H

#include <linux/types.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/utm_types.h"
#include "inspect/engine.h"

/* The bypass map's key of one direction of a flow (ports in network order). */
void bypass_key(const struct flow_tuple *t, struct utm_flow_key *k);
/* The other direction's key. */
void bypass_key_reverse(const struct utm_flow_key *k, struct utm_flow_key *r);

struct account_entry;

struct account {
	pthread_mutex_t lock;
	struct account_entry *e;
	size_t mask, n;
	uint64_t dropped; /* reports refused: the table was full */
	engine_eve_fn eve;
	void *eve_ctx;
	const char *lan_iface, *wan_iface;
};

/* A table of about n flows writing records through eve. 0, or -1 (no memory). */
int account_init(struct account *a, size_t n, engine_eve_fn eve, void *eve_ctx,
		 const char *lan_iface, const char *wan_iface);
void account_free(struct account *a);

/* A worker hands a flow back with its report. */
void account_add(struct account *a, const struct engine_flow_report *r);

/*
 * The main thread removed one direction's bypass entry k with its last
 * counters e; other_left: the other direction's entry is still there (the
 * record waits for it). now_wall_ns dates the record.
 */
void account_gone(struct account *a, const struct utm_flow_key *k, const struct utm_flow_entry *e,
		  int other_left, uint64_t now_wall_ns);

/* At stop: write what is still waiting, with the counters so far. */
void account_flush(struct account *a, uint64_t now_wall_ns);

#endif /* UTM_INSPECT_IO_ACCOUNT_H */
