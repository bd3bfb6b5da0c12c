// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target for evstore_parse_line: any bytes (a torn, corrupt or
 * hostile event log line) give a row or a reason, never a crash; a row's
 * texts are terminated, its raw line inside the input, its time printable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/evstore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: ASan sees any read past the line. */
	char *line = malloc(size ? size : 1);
	struct evstore_row r;

	if (!line)
		return 0;
	memcpy(line, data, size);
	if (evstore_parse_line(line, size, &r) == 0) {
		if (!r.event_type[0] || r.raw != line || r.raw_len > size ||
		    strlen(r.summary) >= sizeof(r.summary) || strlen(r.ts) != 27 ||
		    r.severity < 0 || r.severity > 3)
			__builtin_trap();
	} else if (!r.why[0]) {
		__builtin_trap();
	}
	free(line);
	return 0;
}
