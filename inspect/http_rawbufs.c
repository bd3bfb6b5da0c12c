// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* HTTP buffers from the raw head (inspect/http_rawbufs.h). */
#include <string.h>

#include "inspect/http_rawbufs.h"

/* Append what fits of p[0..n) at *o; the rest is cut. */
static void put(uint8_t *buf, size_t cap, size_t *o, const void *p, size_t n)
{
	if (n > cap - *o)
		n = cap - *o;
	memcpy(buf + *o, p, n);
	*o += n;
}

void http_rawbufs(const struct http_msg *m, uint8_t *scratch, size_t cap, struct http_rawbufs *out)
{
	const uint8_t *h = m->head.ptr;
	size_t len = h ? m->head.len : 0, line_end, o = 0, names;
	const uint8_t *nl = len ? memchr(h, '\n', len) : NULL;
	unsigned int i;

	memset(out, 0, sizeof(*out));
	if (!len)
		return;
	line_end = nl ? (size_t)(nl - h) : len;
	out->start_line =
		(struct http_buf){h, line_end && h[line_end - 1] == '\r' ? line_end - 1 : line_end};
	if (nl)
		out->header_raw = (struct http_buf){nl + 1, len - line_end - 1};
	/* http.start: the head (ending with its last line's end), then the empty line. */
	put(scratch, cap, &o, h, len);
	if (!nl || h[len - 1] != '\n')
		put(scratch, cap, &o, "\r\n", 2);
	put(scratch, cap, &o, "\r\n", 2);
	out->start = (struct http_buf){scratch, o};
	names = o;
	put(scratch, cap, &o, "\r\n", 2);
	for (i = 0; i < m->n_hdr; i++) {
		put(scratch, cap, &o, m->hdr[i].name.ptr, m->hdr[i].name.len);
		put(scratch, cap, &o, "\r\n", 2);
	}
	put(scratch, cap, &o, "\r\n", 2);
	out->header_names = (struct http_buf){scratch + names, o - names};
}
