/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The YAML schema walker shared by the parts of the utm.yaml parser
 * (lib/config_yaml.c: the core sections; lib/config_feeds.c: feeds and
 * never-block). Internal to lib/.
 */
#ifndef UTM_CONFIG_PRIV_H
#define UTM_CONFIG_PRIV_H

#include <stddef.h>
#include <yaml.h>

#include "config.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct walk {
	yaml_document_t *doc;
	const char *file; /* for messages */
	const char *dir;  /* base of relative list paths, or NULL */
	struct utm_cfg *cfg;
	char *err;
	size_t errlen;
};

/* One key of a mapping: set() stores the value at obj + off. */
struct field {
	const char *key;
	int (*set)(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		   const void *arg);
	size_t off;
	const void *arg;
};

struct section {
	const struct field *fields;
	size_t nfields;
};

/* A word of an enumeration and its value; arrays end with {NULL, 0}. */
struct choice {
	const char *name;
	int value;
};

/* Report "file:line: ..." for node n into w->err; returns -1. */
__attribute__((format(printf, 3, 4))) int cfg_fail(struct walk *w, const yaml_node_t *n,
						   const char *fmt, ...);
const char *cfg_excerpt(const char *s, char *buf, size_t len);
const char *cfg_kind_name(const yaml_node_t *n);
int cfg_is_null(const yaml_node_t *n);
const char *cfg_text(struct walk *w, const char *what, const yaml_node_t *n, const char *expect);
int cfg_parse_uint(const char *s, unsigned long max, unsigned long *out);
int cfg_walk_map(struct walk *w, const yaml_node_t *map, const char *prefix,
		 const struct section *s, void *obj);

/* Call fn for each item of sequence n (null: none); -1 at the first failure. */
int cfg_each_item(struct walk *w, const char *what, const yaml_node_t *n,
		  int (*fn)(struct walk *w, const char *what, const yaml_node_t *item));

/* Setters usable in struct field tables. */
int cfg_set_path(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		 const void *arg);
int cfg_set_choice(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		   const void *arg);
int cfg_set_list_name(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		      const void *arg);
int cfg_set_list_file(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		      const void *arg);
int cfg_set_severity(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		     const void *arg);
/* "90s", "15m", "6h", "1d" or seconds, up to 30d; arg: (void *)minimum seconds; unsigned int. */
int cfg_set_duration(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		     const void *arg);

/* "512K", "64M", "1G" or bytes, 1K..4G (arg: (void *)a lower maximum); unsigned long. */
int cfg_set_size(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		 const void *arg);

/* The choices shared by lists and feeds. */
extern const struct choice cfg_actions[], cfg_directions[], cfg_list_kinds[],
	cfg_invalid_policies[];
/* true | false | yes | no, stored as int 1 or 0. */
extern const struct choice cfg_booleans[];

/* lib/config_feeds.c: the "feeds" and "never-block" top-level keys. */
int cfg_set_feeds(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		  const void *arg);
int cfg_set_never_block(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
			const void *arg);

/* lib/config_inspect.c: the "inspect" top-level key (utm-inspect). */
int cfg_set_inspect(struct walk *w, const char *what, const yaml_node_t *n, void *dst,
		    const void *arg);

#endif /* UTM_CONFIG_PRIV_H */
