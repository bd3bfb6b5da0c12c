// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <jansson.h>

#include "eve.h"
#include "log.h"

static const char *program = "utm";

void log_set_program(const char *name)
{
	program = name;
}

void log_json(const char *level, const char *fmt, ...)
{
	char msg[1024], ts[64];
	struct timespec now;
	json_t *o;
	char *line;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	clock_gettime(CLOCK_REALTIME, &now);
	if (eve_format_timestamp(now, ts, sizeof(ts)) < 0)
		ts[0] = '\0';
	o = json_pack("{s:s, s:s, s:s, s:s}", "timestamp", ts, "program", program, "level", level,
		      "message", msg);
	line = o ? json_dumps(o, JSON_COMPACT) : NULL;
	fprintf(stderr, "%s\n", line ? line : msg);
	free(line);
	json_decref(o);
}
