/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Reading rule files for utm-inspect (the I/O edge of the rule engine):
 * classification.config next to the first rules file, every file into one
 * ruleset (a warning per skipped rule naming its sid and keyword, then the
 * report of loaded and skipped rules per keyword), and the detection
 * engine built from it.
 */
#ifndef UTM_INSPECT_IO_RULES_H
#define UTM_INSPECT_IO_RULES_H

#include <stddef.h>

#include "inspect/detect.h"
#include "inspect/rule.h"
#include "inspect/ruleset.h"

struct rules_loaded {
	struct rule_classes classes;
	struct rule_env env;
	struct ruleset *rs;
	struct detect_engine *det;
};

/* 0, or -1 with err ("FILE: reason") when a file cannot be read or the engine not built. */
int rules_load(struct rules_loaded *rl, const char *const *files, size_t n, char *err,
	       size_t errlen);
void rules_free(struct rules_loaded *rl);

#endif /* UTM_INSPECT_IO_RULES_H */
