/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Application detection for utm-inspect: which application a flow belongs
 * to (Facebook, BitTorrent, Steam...) and its category (SocialNetwork,
 * Download-FileTransfer-FileSharing, Game...), as nDPI classifies it.
 *
 * This is the project's only interface to nDPI: nothing else includes an
 * nDPI header, so that a new nDPI (whose API changes between releases) is a
 * change to inspect/appid.c alone. Names are nDPI's own, so that a policy
 * written against nDPI's protocol list needs no translation table here.
 *
 * Threads: one struct appid per worker thread; a struct appid and the flows
 * created from it are used by that thread only. appid_new may be called
 * from several threads at once (it serialises nDPI's non-reentrant set-up).
 *
 * Feeding: give every packet of a flow, in both directions and starting with
 * the TCP handshake, from its IP header, until appid_feed returns 1; then
 * the result is final and the flow can be freed or bypassed. nDPI gives up
 * early on TCP flows whose handshake it did not see.
 */
#ifndef UTM_INSPECT_APPID_H
#define UTM_INSPECT_APPID_H

#include <stddef.h>
#include <stdint.h>

/* Room for one nDPI protocol or category name (4.2: at most 22 bytes; later 33). */
#define APPID_NAME_MAX 40

/*
 * Packets of one flow that carry an L4 payload after which classification
 * stops with nDPI's best guess; and packets of any kind, bounding flows that
 * send only ACKs.
 */
#define APPID_MAX_DATA_PKTS 12
#define APPID_MAX_PKTS	    32

struct appid;
struct appid_flow;

struct appid_result {
	/* Most specific protocol ("Facebook", "BitTorrent"), "Unknown" if none. */
	char app[APPID_NAME_MAX];
	/* The protocol carrying it ("TLS", "HTTP", "DNS"), "" if none. */
	char master[APPID_NAME_MAX];
	/* nDPI's category of the flow ("SocialNetwork", "Game"...). */
	char category[APPID_NAME_MAX];
	uint16_t app_id, master_id;
	int category_id;
	/* 1: seen in the payload; 0: guessed from ports or addresses, or unknown. */
	int confident;
};

/* A detection module with all of nDPI's protocols, or NULL and why. */
struct appid *appid_new(char *why, size_t whylen);
void appid_free(struct appid *a);

/* The version of nDPI in use ("4.2.0"). */
const char *appid_ndpi_version(void);

/* Per-flow state: 704 bytes with nDPI 4.2, plus what dissectors allocate (host names). */
struct appid_flow *appid_flow_new(struct appid *a);
void appid_flow_free(struct appid_flow *f);
/* Bytes of one flow's state, without nDPI's lazy allocations. */
size_t appid_flow_size(void);

/*
 * Feed one IP packet (l3 starts at the IPv4 or IPv6 header; len is at most
 * 65535) seen at ts_ms, sent by the client if to_server. Fills *out with the
 * classification so far. Returns 1 when it is final (nDPI is done, or gave
 * up after APPID_MAX_*_PKTS), 0 when more packets could refine it. Feeding a
 * finished flow returns 1 and its result again.
 */
int appid_feed(struct appid *a, struct appid_flow *f, const uint8_t *l3, size_t len, uint64_t ts_ms,
	       int to_server, struct appid_result *out);

/* Stop now and take nDPI's best guess (the flow ended or timed out). */
void appid_giveup(struct appid *a, struct appid_flow *f, struct appid_result *out);

/*
 * nDPI's id of an application or protocol, by its name (case-insensitive),
 * or -1. For policy: configuration names applications the way nDPI does.
 */
int appid_app_by_name(struct appid *a, const char *name);
/* The id of a category by name ("SocialNetwork"), or -1. */
int appid_category_by_name(struct appid *a, const char *name);

/*
 * As above, but on failure writes a message for the configuration error,
 * naming the closest known names: 'unknown application "Bittorent" (did you
 * mean: BitTorrent?)'.
 */
int appid_app_lookup(struct appid *a, const char *name, char *why, size_t whylen);
int appid_category_lookup(struct appid *a, const char *name, char *why, size_t whylen);

/* Names of an id (for events), "" for an id nDPI does not know. */
const char *appid_app_name(struct appid *a, int app_id);
const char *appid_category_name(struct appid *a, int category_id);

#endif /* UTM_INSPECT_APPID_H */
