/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Flowbits: named bits a flow carries from one rule to the next (a rule
 * sets "ET.http.binary" when a download starts, another alerts only when
 * it is set). Names are numbered across the ruleset when the engine is
 * built (fb_names); each rule's flowbits keywords become an fb_prog of
 * numbered operations; each flow has a small set of the bits it carries.
 */
#ifndef UTM_INSPECT_FLOWBITS_H
#define UTM_INSPECT_FLOWBITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect/rule.h"

#define FLOWBITS_MAX 32 /* bits one flow carries at once; more are refused and counted */

/* The bits a flow carries. Zeroed: none. */
struct flowbits {
	uint16_t id[FLOWBITS_MAX];
	uint8_t n;
	uint32_t refused; /* sets refused: the flow carried FLOWBITS_MAX bits already */
};

bool flowbits_isset(const struct flowbits *f, uint16_t id);
void flowbits_set(struct flowbits *f, uint16_t id);
void flowbits_unset(struct flowbits *f, uint16_t id);

/* One flowbits keyword with its names numbered. */
struct fb_op {
	uint8_t op; /* enum rule_fb_op */
	bool any;
	uint8_t n;
	uint16_t id[RULE_FB_NAMES];
};

/* A rule's flowbits keywords: the checks hold, then (on a match) the changes apply. */
struct fb_prog {
	struct fb_op *ops; /* NULL when the rule has none */
	uint8_t n;
	bool noalert;
	bool sets;   /* it has set, unset or toggle */
	bool checks; /* it has isset or isnotset */
};

/* The names of a ruleset, numbered from 0 in order of first use. */
struct fb_names;
struct fb_names *fb_names_new(void);
void fb_names_free(struct fb_names *t);
size_t fb_names_count(const struct fb_names *t);
/* A name's number, or -1 when t does not have it. */
int fb_names_find(const struct fb_names *t, const char *name);
/* Add the names r checks (isset, isnotset) to t. 0, or -1: no memory. */
int fb_names_add_checked(struct fb_names *t, const struct rule *r);
/* Whether r sets, unsets or toggles a name of t. */
bool fb_rule_changes_any(const struct rule *r, const struct fb_names *t);

/* Number r's flowbits into p (names added to t). 0, or -1: no memory or too many names. */
int fb_prog_compile(struct fb_prog *p, const struct rule *r, struct fb_names *t);
void fb_prog_free(struct fb_prog *p);

/* Whether p's isset/isnotset hold for f (f NULL: a flow without bits). */
bool fb_prog_check(const struct fb_prog *p, const struct flowbits *f);

/* Apply p's set/unset/toggle to f (f NULL: nothing to do). */
void fb_prog_apply(const struct fb_prog *p, struct flowbits *f);

#endif /* UTM_INSPECT_FLOWBITS_H */
