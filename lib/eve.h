/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * EVE JSON encoding: events in Suricata's eve.json shape (so jq, evebox,
 * Elastic and Splunk read them unchanged) plus the UTM's own fields under
 * "utm". Pure functions over buffers.
 */
#ifndef UTM_EVE_H
#define UTM_EVE_H

#include <linux/types.h>
#include <stddef.h>
#include <time.h>

#include "../bpf/utm_types.h"

/* Everything needed to describe one XDP block event. */
struct eve_block_ctx {
	const struct utm_block_event *ev;
	const char *in_iface;		  /* name of the port it arrived on */
	const struct utm_list_info *list; /* the list behind ev->list_id, or NULL */
	struct timespec wall;		  /* wall-clock time of the event */
};

/*
 * Suricata's timestamp format, "%Y-%m-%dT%H:%M:%S.%06u%z" in local time,
 * e.g. 2026-11-29T20:03:16.123456+0900. Returns the length, or -1.
 */
int eve_format_timestamp(struct timespec ts, char *buf, size_t len);

/*
 * One JSON object on one line, without the trailing newline. Returns its
 * length, or -1 when buf is too small. See README "Events" for the fields.
 */
int eve_format_block(const struct eve_block_ctx *c, char *buf, size_t len);

/* A DNS name in wire form (len bytes, no root) as text; returns its length. */
size_t eve_dns_name(const __u8 *wire, size_t len, char *out, size_t outlen);

/* Suricata's "proto" names: "TCP", "UDP", "ICMP", "IPv6-ICMP", else the number. */
const char *eve_proto_name(unsigned int proto, char *buf, size_t len);

#endif /* UTM_EVE_H */
