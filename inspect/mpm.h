/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The multi-pattern prefilter: every rule's prefilter literal (inspect/
 * rule.h, Suricata's fast pattern choice) compiled into one Hyperscan
 * block-mode database per buffer. Scanning a buffer names the rules whose
 * literal occurs in it, each once; inspect/confirm.h then decides. Rules
 * without any content are candidates on every inspection of their first
 * buffer, or of the payload when they inspect no buffer at all (dsize,
 * flags): a short list, as such rules are rare in ET.
 */
#ifndef UTM_INSPECT_MPM_H
#define UTM_INSPECT_MPM_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/rule.h"

struct mpm;
struct mpm_scratch;

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

/* Candidates among the rules whose literal is in buffer b. 0, or -1 on a scan error. */
int mpm_scan(const struct mpm *m, struct mpm_scratch *s, enum rule_buffer b, const uint8_t *p,
	     size_t len, mpm_fn fn, void *ctx);

/* Rules without a literal whose first buffer is b: to confirm on every inspection of b. */
size_t mpm_always(const struct mpm *m, enum rule_buffer b, const uint32_t **rules);

/* Literals compiled for buffer b (for the load report). */
size_t mpm_literals(const struct mpm *m, enum rule_buffer b);

#endif /* UTM_INSPECT_MPM_H */
