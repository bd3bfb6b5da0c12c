/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Internals shared by the rule parser's files (rule_parse.c, rule_header.c,
 * rule_content.c, rule_options.c): the parse context and small helpers.
 * Not part of the engine's API.
 */
#ifndef UTM_INSPECT_RULE_PRIV_H
#define UTM_INSPECT_RULE_PRIV_H

#include <stdarg.h>

#include "inspect/rule.h"

/* State while parsing one rule's options. */
struct rule_pctx {
	struct rule *r;
	const struct rule_env *env;
	struct rule_error *err;
	const char *keyword;	   /* keyword being handled, for messages */
	uint32_t cap;		   /* allocated r->matches entries */
	enum rule_buffer sticky;   /* current sticky buffer, PAYLOAD when none */
	bool used[RULE_BUF_COUNT]; /* the buffer appeared (sticky or legacy) */
	struct rule_uint_cmp bsize[RULE_BUF_COUNT];
	bool dotprefix[RULE_BUF_COUNT];
	bool have_priority; /* priority: given, overrides the class */
	bool have_sid;
	bool have_fast_pattern;
};

/* Set a syntax error "sid N: keyword: reason"; returns RULE_ERR_SYNTAX. */
int rule_fail(struct rule_pctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Record an allocation failure; returns RULE_ERR_NOMEM. */
int rule_nomem(struct rule_pctx *c);

/* Bounded, NUL-terminated copy of s[0..n); NULL on no memory. */
char *rule_strndup(const char *s, size_t n);

/* Trim blanks at both ends of s[0..*n): returns the new start, updates *n. */
const char *rule_trim(const char *s, size_t *n);

/* Parse an unsigned decimal of n bytes (no sign, no blanks) <= max. 0 or -1. */
int rule_parse_u32(const char *s, size_t n, uint32_t max, uint32_t *out);

/* Parse a signed decimal of n bytes in [min, max]. 0 or -1. */
int rule_parse_i32(const char *s, size_t n, int32_t min, int32_t max, int32_t *out);

/* Split s[0..n) at the first sep: the part before is [s, *head_n), the rest after. */
bool rule_split(const char *s, size_t n, char sep, size_t *head_n, const char **rest,
		size_t *rest_n);

/* Header: fill r->action .. r->dport and r->dir from the header text. */
int rule_header_parse(struct rule_pctx *c, const char *s, size_t n);

/* Content and its modifiers, pcre, isdataat, sticky buffers (rule_content.c). */
int rule_opt_content(struct rule_pctx *c, const char *v, size_t n);
int rule_opt_pcre(struct rule_pctx *c, const char *v, size_t n);
int rule_opt_isdataat(struct rule_pctx *c, const char *v, size_t n);
int rule_opt_modifier(struct rule_pctx *c, const char *name, const char *v, size_t n,
		      bool has_value);
/* A sticky buffer name (Suricata 5+ or legacy sticky form): 1 handled, 0 not one. */
int rule_opt_sticky(struct rule_pctx *c, const char *name, size_t n, int *ret);
/* A legacy content modifier (http_uri; ...): 1 handled, 0 not one. */
int rule_opt_legacy(struct rule_pctx *c, const char *name, size_t n, int *ret);

/* The items of content, pcre, isdataat and the byte keywords (rule_content.c). */
struct rule_match *rule_new_match(struct rule_pctx *c, enum rule_match_kind kind,
				  enum rule_buffer buf);
struct rule_match *rule_last_match(struct rule_pctx *c);

/*
 * byte_test (jump 0) and byte_jump (jump 1) (rule_bytes.c). *unsupported
 * set: a valid form we do not implement (dce, a byte_extract variable).
 */
int rule_opt_bytes(struct rule_pctx *c, const char *v, size_t n, int jump, bool *unsupported);

/* flowbits (rule_flowbits.c). */
int rule_opt_flowbits(struct rule_pctx *c, const char *v, size_t n);

/* Other keywords (rule_options.c): 1 handled (*ret set), 0 not a known keyword. */
int rule_opt_other(struct rule_pctx *c, const char *name, size_t nn, const char *v, size_t n,
		   bool has_value, int *ret);

/* Parse a "N", "<N", ">N", "<=N", ">=N", "!N", "A<>B" comparison. 0 or -1. */
int rule_parse_cmp(const char *s, size_t n, struct rule_uint_cmp *out);

/* Decode a quoted option string ("..." with \\ \" \; \: escapes). */
int rule_unquote(struct rule_pctx *c, const char *s, size_t n, char **out);

/* Sort the flat matches into groups and choose the prefilter literal. */
int rule_finish_groups(struct rule_pctx *c);
void rule_choose_prefilter(struct rule *r);

#endif /* UTM_INSPECT_RULE_PRIV_H */
