/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The web policy of the inspector: what to do with an HTTP request, a TLS
 * server name or a DNS name asked from the LAN. In order:
 *   1. an allow list entry: nothing blocks (the category is still noted);
 *   2. a block list entry (the DNS guard's domain lists, URL lists such as
 *      URLhaus): block, naming the list;
 *   3. the category (lib/catdb.h, UT1): block when the category is set to
 *      block, log when it is a non-business category to log.
 * Pure: the databases are built by the caller (inspect/sitelists.h,
 * lib/ut1.h) and only read here.
 */
#ifndef UTM_INSPECT_WEBPOLICY_H
#define UTM_INSPECT_WEBPOLICY_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/sitelists.h"
#include "lib/catdb.h"

enum web_action { WEB_PASS = 0, WEB_LOG, WEB_BLOCK };

enum web_source {
	WEB_SRC_NONE = 0,
	WEB_SRC_DOMAIN_LIST, /* a block list's domain entry */
	WEB_SRC_URL_LIST,    /* a block list's URL entry */
	WEB_SRC_CATEGORY,    /* the site's category */
	WEB_SRC_POLICY,	     /* a switch of the policy (block-quic): list names it */
};

struct webpolicy {
	const struct sitelists *sites;		/* NULL: no site lists */
	const struct catdb *cats;		/* NULL: no categories */
	uint8_t cat_action[CATDB_MAX_CATS + 1]; /* enum web_action per category id of cats */
};

struct web_verdict {
	enum web_action action;
	enum web_source source;
	const char *list;		       /* the block list that matched, or NULL */
	int cat;			       /* the site's category id in cats, or -1 */
	const struct catdb_category *category; /* its names, or NULL */
	int allowed;			       /* an allow list matched */
};

/* An HTTP request: host (no port) and path (the URI as sent). */
void web_check_request(const struct webpolicy *p, const char *host, size_t hostlen,
		       const char *path, size_t pathlen, struct web_verdict *v);

/* A TLS server name or a DNS query name. */
void web_check_name(const struct webpolicy *p, const char *name, size_t len, struct web_verdict *v);

/* Set the action of the category named (UT1 short name); -1 when cats has none of that name. */
int webpolicy_set_category(struct webpolicy *p, const char *name, enum web_action a);

#endif /* UTM_INSPECT_WEBPOLICY_H */
