/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The web policy's side of the engine (inspect/engine.c calls it for every
 * HTTP request, TLS ClientHello and DNS query from the LAN): the "web" EVE
 * records of sites blocked and of non-business categories visited, and the
 * window that keeps a category visit to one record per device, category
 * and name however many flows the page opens.
 */
#ifndef UTM_INSPECT_ENGINE_WEB_H
#define UTM_INSPECT_ENGINE_WEB_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect/eve_inspect.h"
#include "inspect/webpolicy.h"

/* How a blocked connection was answered. */
enum web_response {
	WEB_RESP_NONE = 0, /* logged only */
	WEB_RESP_PAGE,	   /* HTTP: the block page, the server reset */
	WEB_RESP_RESET,	   /* TLS: both ends reset (no interception, so no page) */
	WEB_RESP_DROPPED,  /* the flow's frames dropped (QUIC) */
	WEB_RESP_NXDOMAIN, /* DNS: answered "no such name" in the server's name */
};

struct web_seen;

/* A window table of about n entries; NULL when out of memory. */
struct web_seen *web_seen_new(size_t n);
void web_seen_free(struct web_seen *w);

/*
 * 1 the first time (device, cat, name) is seen in a window of window_ns,
 * 0 when it was already reported in the current one.
 */
int web_seen_first(struct web_seen *w, const uint8_t dev[16], int cat, const char *name, size_t len,
		   uint64_t now_ns, uint64_t window_ns);

/* What a web record says. */
struct web_event_info {
	const struct web_verdict *v;
	const char *via; /* "http", "tls", "dns" */
	const char *host;
	size_t host_len;
	const char *url; /* NULL but for HTTP */
	size_t url_len;
	enum web_response response;
};

/* The "web" EVE record, or NULL when out of memory. */
json_t *web_event(const struct eve_inspect_ctx *c, const struct web_event_info *w);

#endif /* UTM_INSPECT_ENGINE_WEB_H */
