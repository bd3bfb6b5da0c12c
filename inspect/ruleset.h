/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A ruleset: the rules of many .rules files, loaded from buffers the caller
 * read (I/O stays at the edges), with the per-keyword count of rules
 * skipped for an unsupported keyword, the malformed rules (file:line) and
 * the load report ("N rules loaded, M skipped: flowbits 1234, ...").
 *
 * File format: one rule per line; a line ending in '\' continues on the
 * next; lines whose first non-blank character is '#' are comments (a
 * commented-out rule is not an enabled rule and is not counted); blank
 * lines and CRLF endings are fine.
 *
 * Memory: the ruleset owns its rules (rule_free on ruleset_free) and copies
 * nothing else from the caller except the rule_env pointer, which must
 * outlive it. At most RULESET_MAX_RULES rules; a rule's text (joined
 * continuation lines) is at most RULE_MAX_TEXT bytes.
 */
#ifndef UTM_INSPECT_RULESET_H
#define UTM_INSPECT_RULESET_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/rule.h"

#define RULESET_MAX_RULES 1000000

/* Called for each rule that is not loaded (may be NULL in ruleset_new). */
typedef void (*ruleset_warn_fn)(void *ctx, const char *file, unsigned int line,
				const struct rule_error *err);

/* Counters over every load so far. */
struct ruleset_stats {
	size_t loaded;	    /* rules kept */
	size_t unsupported; /* skipped for an unsupported keyword */
	size_t malformed;   /* skipped for bad syntax (RULE_ERR_SYNTAX) */
	size_t duplicates;  /* skipped: same gid:sid as a rule already loaded */
	size_t ip_only;	    /* loaded rules with rule->ip_only */
};

/* An opaque set of rules. */
struct ruleset;

/* A new empty ruleset; env (may be NULL) is used for every rule. NULL on no memory. */
struct ruleset *ruleset_new(const struct rule_env *env, ruleset_warn_fn warn, void *warn_ctx);

/* Free the ruleset and all its rules. NULL is fine. */
void ruleset_free(struct ruleset *rs);

/*
 * Load the rules of one file's text. file names it in warnings. Returns the
 * number of rules loaded from this buffer, or -1 on no memory (the rules
 * loaded before the failure stay). Bad and unsupported rules are counted
 * and reported to warn, never fatal.
 */
long ruleset_load(struct ruleset *rs, const char *buf, size_t len, const char *file);

/* Counters. */
void ruleset_stats(const struct ruleset *rs, struct ruleset_stats *st);

/* Number of rules kept, and the i-th one (in load order). */
size_t ruleset_count(const struct ruleset *rs);
const struct rule *ruleset_rule(const struct ruleset *rs, size_t i);

/* The loaded rule with this gid:sid, or NULL. */
const struct rule *ruleset_find(const struct ruleset *rs, uint32_t gid, uint32_t sid);

/* Skipped rules per unsupported keyword: the i-th (by count, descending). */
size_t ruleset_skip_keywords(const struct ruleset *rs);
int ruleset_skip_keyword(const struct ruleset *rs, size_t i, const char **keyword, size_t *count);

/*
 * Write the report "N rules loaded, M skipped: kw1 c1, kw2 c2, ...; K
 * malformed; D duplicate" into out (always NUL-terminated when outlen > 0).
 * Returns the full length, as snprintf.
 */
size_t ruleset_report(const struct ruleset *rs, char *out, size_t outlen);

#endif /* UTM_INSPECT_RULESET_H */
