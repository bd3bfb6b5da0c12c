/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The HTTP sticky buffers made from a message's head as received
 * (Suricata's definitions):
 *   http.request_line / http.response_line: the start line, no line end;
 *   http.header.raw: the header lines as received, line ends included;
 *   http.start: the start line and the header lines, then the empty line;
 *   http.header_names: "\r\n", each header name followed by "\r\n", then
 *   "\r\n" (so content:"|0d 0a|Host|0d 0a|" finds a Host header).
 * The first two are views into the head; the last two are written into
 * a caller's scratch buffer, and cut (not overflowed) when it is short.
 */
#ifndef UTM_INSPECT_HTTP_RAWBUFS_H
#define UTM_INSPECT_HTTP_RAWBUFS_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/http.h"

struct http_rawbufs {
	struct http_buf start_line, header_raw, start, header_names;
};

/* Fill out from m's head; scratch holds start and header_names. */
void http_rawbufs(const struct http_msg *m, uint8_t *scratch, size_t cap, struct http_rawbufs *out);

#endif /* UTM_INSPECT_HTTP_RAWBUFS_H */
