/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The multi-pattern prefilter: every rule's prefilter literal (inspect/
 * rule.h, Suricata's fast pattern choice) compiled into Hyperscan
 * databases, one per buffer and direction (a flow:to_server rule is not in
 * the to-client database), in block mode; and, for the payload, one
 * streaming database per direction that follows a reassembled TCP stream,
 * so a literal split across segments is found without rescanning.
 * Scanning names the rules whose literal occurs, each once per scan;
 * inspect/confirm.h then decides. Rules without any content are candidates
 * on every inspection of their first buffer, or of the payload when they
 * inspect no buffer at all (dsize, flags): a short list, as such rules are
 * rare in ET.
 */
#ifndef UTM_INSPECT_MPM_H
#define UTM_INSPECT_MPM_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/rule.h"

struct mpm;
struct mpm_scratch;
struct mpm_stream;

/* Directions, as the databases are split: from the flow's client, from its server. */
enum mpm_dir { MPM_TO_SERVER = 0, MPM_TO_CLIENT = 1 };

/* Called once per candidate rule (its index in the array given to mpm_build). */
typedef void (*mpm_fn)(uint32_t rule, void *ctx);

/*
 * Compile the literals of n rules (borrowed: they must outlive the mpm).
 * NULL with why on a compile error or no memory.
 */
struct mpm *mpm_build(const struct rule *const *rules, size_t n, char *why, size_t whylen);
void mpm_free(struct mpm *m);

/* Per-thread scratch space for scanning; NULL when out of memory. */
struct mpm_scratch *mpm_scratch_new(const struct mpm *m);
void mpm_scratch_free(struct mpm_scratch *s);

/* Candidates among the rules for direction dir whose literal is in buffer b. 0, or -1. */
int mpm_scan(const struct mpm *m, struct mpm_scratch *s, enum rule_buffer b, enum mpm_dir dir,
	     const uint8_t *p, size_t len, mpm_fn fn, void *ctx);

/* Rules without a literal whose first buffer is b, for dir: to confirm on every inspection. */
size_t mpm_always(const struct mpm *m, enum rule_buffer b, enum mpm_dir dir,
		  const uint32_t **rules);

/* Rules with a literal in buffer b, and rules without any (for the load report). */
size_t mpm_literals(const struct mpm *m, enum rule_buffer b);
size_t mpm_no_literal(const struct mpm *m);

/*
 * A direction of a TCP stream scanned as it grows: the payload literals of
 * that direction, matches across the boundaries of the pieces fed found.
 * NULL when no rule has a payload literal for dir, or out of memory.
 */
struct mpm_stream *mpm_stream_open(const struct mpm *m, enum mpm_dir dir);
/* Candidates among the rules whose literal ends in this piece. 0, or -1. */
int mpm_stream_scan(struct mpm_stream *st, struct mpm_scratch *s, const uint8_t *p, size_t len,
		    mpm_fn fn, void *ctx);
void mpm_stream_close(struct mpm_stream *st);
/* Bytes of Hyperscan state per open stream (for the memory report). */
size_t mpm_stream_size(const struct mpm *m);

#endif /* UTM_INSPECT_MPM_H */
