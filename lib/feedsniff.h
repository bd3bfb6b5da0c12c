/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Content sniffing for downloaded feeds: is what came back the list at all?
 * A feed URL that answers 200 with a captive-portal page, a Cloudflare
 * challenge or an HTML error page, or with binary junk, must be refused
 * rather than parsed (a list parser would call every line of it bad, or
 * worse, find a few "entries" in it). Pure functions over (buf, len), never
 * reading past len nor past the first FEED_SNIFF_BYTES.
 */
#ifndef UTM_FEEDSNIFF_H
#define UTM_FEEDSNIFF_H

#include <stddef.h>

/* How much of the content the sniffers look at. */
#define FEED_SNIFF_BYTES 4096

/*
 * 1 when the content is an HTML or XML page rather than a list: after an
 * optional UTF-8 BOM, whitespace and HTML comments ("<!-- ... -->"), it
 * starts with "<!DOCTYPE html", "<html", "<head", "<body" or "<?xml"
 * (case-insensitive). 0 otherwise.
 */
int feed_is_html(const char *buf, size_t len);

/*
 * 1 when the content looks binary: a NUL byte, or more than 10% control
 * bytes (below 0x20 other than \t \r \n, and 0x7f), in the first
 * FEED_SNIFF_BYTES. Bytes of 0x80 and up count as text (UTF-8). 0 otherwise,
 * and for empty content.
 */
int feed_is_binary(const char *buf, size_t len);

#endif /* UTM_FEEDSNIFF_H */
