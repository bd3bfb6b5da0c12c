/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The engine's mail and FTP flows (inspect/engine_mail.c). */
#ifndef UTM_INSPECT_ENGINE_MAIL_H
#define UTM_INSPECT_ENGINE_MAIL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect/mailproto.h"
#include "inspect/mime.h"

enum mail_proto { MAIL_SMTP, MAIL_POP3, MAIL_IMAP, MAIL_FTP };

/* An EVE record to emit: event_type, its object, and an optional "email" object (owned). */
typedef void (*mail_event_fn)(void *ctx, const char *event_type, json_t *obj, json_t *email);

/*
 * What the engine does with the messages' MIME parts (the antivirus): each
 * leaf part's decoded bytes, then the message's end. ctx is mail_flow_new's.
 */
struct mail_part_ops {
	void (*part_start)(void *ctx, const struct mime_part *p, enum mail_dir dir);
	void (*part_data)(void *ctx, const uint8_t *data, size_t len);
	void (*part_end)(void *ctx, const struct mime_part *p);
	void (*message_end)(void *ctx, const struct mail_message *msg);
};

struct mail_flow;

/* parts: NULL, or parsed as MIME and handed on (borrowed). */
struct mail_flow *mail_flow_new(enum mail_proto proto, mail_event_fn event, void *ctx,
				const struct mail_part_ops *parts);
/* In-order bytes of one direction; 1 when the rest of the connection is TLS (stop feeding). */
int mail_flow_feed(struct mail_flow *m, int to_server, const uint8_t *data, size_t len);
void mail_flow_eof(struct mail_flow *m, int to_server);
void mail_flow_free(struct mail_flow *m);
/* Messages handed on so far (SMTP sent, POP3/IMAP fetched or appended). */
uint64_t mail_flow_messages(const struct mail_flow *m);

#endif /* UTM_INSPECT_ENGINE_MAIL_H */
