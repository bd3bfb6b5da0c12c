// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target for EVE encoding: arbitrary event and list_info bytes
 * (as a corrupt map could hold) and buffer sizes. The line must parse as
 * JSON and never overrun its buffer (ASan sees the exact-size heap copy).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/eve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct utm_block_event ev;
	struct utm_list_info list;
	struct eve_block_ctx c = {.ev = &ev, .in_iface = "lan"};
	size_t need = sizeof(ev) + sizeof(list) + 2;
	size_t len;
	char *buf;
	json_t *o;
	int n;

	if (size < need)
		return 0;
	memcpy(&ev, data, sizeof(ev));
	memcpy(&list, data + sizeof(ev), sizeof(list));
	len = data[need - 2] | (size_t)data[need - 1] << 8;
	c.list = len & 1 ? &list : NULL;
	c.wall.tv_sec = (time_t)(ev.ts_ns % (1ULL << 40));
	c.wall.tv_nsec = (long)(ev.ts_ns % 1000000000ULL);
	setenv("TZ", "Asia/Tokyo", 1);

	buf = malloc(len ? len : 1);
	if (!buf)
		return 0;
	n = eve_format_block(&c, len ? buf : NULL, len);
	if (n >= 0) {
		if ((size_t)n >= len || buf[n])
			__builtin_trap();
		o = json_loads(buf, 0, NULL);
		if (!o)
			__builtin_trap();
		json_decref(o);
	}
	free(buf);
	return 0;
}
