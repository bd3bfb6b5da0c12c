/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The detection engine: a ruleset's inspector rules (IP-only rules are the
 * XDP maps' business) behind the Hyperscan prefilter (inspect/mpm.h) and
 * the confirmation matcher (inspect/confirm.h). One engine is shared by
 * the workers; each worker has its own detect_thread scratch.
 */
#ifndef UTM_INSPECT_DETECT_H
#define UTM_INSPECT_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/confirm.h"
#include "inspect/ruleset.h"

struct detect_engine;
struct detect_thread;

struct detect_stats {
	size_t rules;	     /* rules in the engine */
	size_t ip_only;	     /* left to the XDP maps */
	size_t bad_pcre;     /* skipped: a pcre PCRE2 refuses */
	size_t literals;     /* prefilter literals compiled, all buffers */
	size_t no_literal;   /* rules confirmed on every inspection of their buffer */
	size_t stream_state; /* bytes of Hyperscan state per stream direction inspected */
	size_t flowbits;     /* distinct flowbit names */
};

/* Build from the rules of rs (borrowed: rs must outlive the engine). NULL with why. */
struct detect_engine *detect_build(const struct ruleset *rs, char *why, size_t whylen);
void detect_free(struct detect_engine *e);
void detect_stats(const struct detect_engine *e, struct detect_stats *st);

struct detect_thread *detect_thread_new(const struct detect_engine *e);
void detect_thread_free(struct detect_thread *t);

/* Called for each rule that matched. */
typedef void (*detect_alert_fn)(const struct rule *r, void *ctx);

/* Run every candidate rule on these buffers; the number of rules that matched. */
size_t detect_run(const struct detect_engine *e, struct detect_thread *t,
		  const struct confirm_bufs *b, detect_alert_fn fn, void *ctx);

/*
 * One direction of a reassembled TCP stream, scanned as it grows (Hyperscan
 * streaming mode), so that a payload rule whose pieces straddle segments is
 * matched wherever in the inspected part of the stream it is. NULL when no
 * rule has a payload literal for that direction, or out of memory.
 */
struct detect_stream;
struct detect_stream *detect_stream_open(const struct detect_engine *e, int to_server);
void detect_stream_close(struct detect_stream *ds);

/*
 * The next piece of the stream (len bytes), which b's payload buffer ends
 * with: b's payload is a window on the stream, starting at stream offset
 * win_start, that rules are confirmed on. A candidate that does not
 * confirm yet is tried again with the next pieces while the piece its
 * literal was found in is still in the window. With win_start 0 offsets
 * are absolute, as Suricata's on the raw stream; beyond, rules anchored by
 * offset, depth, startswith or dsize are left to the start of the stream
 * and to the packets. The number of rules that matched.
 */
size_t detect_stream_run(const struct detect_engine *e, struct detect_thread *t,
			 struct detect_stream *ds, size_t len, uint64_t win_start,
			 const struct confirm_bufs *b, detect_alert_fn fn, void *ctx);

#endif /* UTM_INSPECT_DETECT_H */
