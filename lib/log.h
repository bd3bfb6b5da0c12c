/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Structured logs: one JSON object per line on stderr, for the daemons. */
#ifndef UTM_LOG_H
#define UTM_LOG_H

/* Set once at start-up: "utm-load", "utm-inspect"... */
void log_set_program(const char *name);

void log_json(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_info(...) log_json("info", __VA_ARGS__)
#define log_warn(...) log_json("warning", __VA_ARGS__)
#define log_err(...) log_json("error", __VA_ARGS__)

#endif /* UTM_LOG_H */
