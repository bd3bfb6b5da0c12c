/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The page a LAN device sees instead of a blocked site: a complete HTTP/1.1
 * response (403, a small self-contained HTML page in Japanese then English)
 * rendered into a caller's buffer. Every field is shown escaped, valid
 * UTF-8 and cut to a cap, since the host and URL come from the request the
 * device sent and may be anything. Pure: no clock, no time zone files.
 *
 * 403 Forbidden, as other inline block pages: the site exists but policy
 * refuses it. A 200 would let caches and downloaders keep the page as the
 * file asked for; 451 means a legal demand; a redirect needs a server.
 */
#ifndef UTM_BLOCKPAGE_H
#define UTM_BLOCKPAGE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Why the site was blocked: X-UTM-Block's value is the name in the comment. */
enum blockpage_kind {
	BLOCKPAGE_DOMAIN_LIST = 0, /* domain-list: a domain list or feed */
	BLOCKPAGE_URL_LIST,	   /* url-list: a URL list or feed */
	BLOCKPAGE_CATEGORY,	   /* category: a blocked web category */
	BLOCKPAGE_IPS_RULE,	   /* ips-rule: an IPS rule */
	BLOCKPAGE_APPLICATION,	   /* application: a blocked application */
	BLOCKPAGE_KIND_COUNT
};

/* Bytes of each field shown; a longer one is cut at a character and ends in "…". */
#define BLOCKPAGE_HOST_CAP   256
#define BLOCKPAGE_PATH_CAP   512
#define BLOCKPAGE_NAME_CAP   128 /* list, categories, contact name and email */
#define BLOCKPAGE_REASON_CAP 256
#define BLOCKPAGE_SHORT_CAP  64 /* reference, phone */

/* Room for any page, whatever the fields (the unit test and the fuzzer check it). */
#define BLOCKPAGE_MAX 24576

/* What the page says. NULL strings are empty; rows with nothing to say are left out. */
struct blockpage_info {
	const void *host; /* Host header or SNI as received (any bytes, not NUL-terminated) */
	size_t host_len;
	const void *path; /* request target as received: path and query */
	size_t path_len;
	enum blockpage_kind kind;
	const char *list;	 /* list, feed, rule or application name */
	const char *category_ja; /* category display names */
	const char *category_en;
	const char *reason;	  /* free text, e.g. the rule's msg */
	int ip_family;		  /* 4 or 6 for ip, 0: no address */
	uint8_t ip[16];		  /* the device's address, network order */
	uint8_t mac[6];		  /* the device's MAC, all zero: unknown */
	struct timespec when;	  /* when it was blocked (UTC) */
	long utc_offset;	  /* seconds east of UTC for local time (localtime_r's tm_gmtoff) */
	const char *ref;	  /* event or reference id */
	const char *contact_name; /* whom to ask for an exception (configuration) */
	const char *contact_phone;
	const char *contact_email;
};

/* The X-UTM-Block value of kind ("domain-list"...), "unknown" when out of range. */
const char *blockpage_kind_name(enum blockpage_kind kind);

/*
 * The whole response (status line, headers with the exact Content-Length,
 * body) in buf. Its length, or -1 when it does not fit in cap bytes; nothing
 * is ever written past buf + cap, and nothing is NUL-terminated.
 */
int blockpage_render(const struct blockpage_info *info, char *buf, size_t cap);

/* The HTML body alone (for a sinkhole web server), same contract. */
int blockpage_body(const struct blockpage_info *info, char *buf, size_t cap);

#endif /* UTM_BLOCKPAGE_H */
