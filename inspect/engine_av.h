/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The antivirus side of the engine: files extracted from flows (HTTP
 * request and response bodies, decoded: de-chunked and decompressed) are
 * kept whole up to a size limit and scanned by libclamav (inspect/av.h)
 * when complete. The engine holds the frame that completes a file until
 * the verdict: an infected download never reaches the client whole.
 * fileinfo records (Suricata's fields) for every file, an alert for an
 * infected one.
 */
#ifndef UTM_INSPECT_ENGINE_AV_H
#define UTM_INSPECT_ENGINE_AV_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect/av.h"
#include "inspect/eve_inspect.h"
#include "inspect/http.h"

#define AV_NAME_MAX 256

/* One file being extracted. */
struct av_file {
	uint8_t *buf;
	size_t len, cap;
	uint64_t size;		/* bytes of the file, kept or not */
	int cut;		/* over a limit: the rest was not kept, so it is not scanned */
	char why_cut[32];	/* "max-file", "memory" */
	char name[AV_NAME_MAX]; /* from Content-Disposition, else the URL's last segment */
	int upload;		/* a request body (leaving with the client) */
};

/* Memory of every file a worker keeps, and its cap. */
struct av_mem {
	size_t used, max;
};

struct av_file *av_file_new(const char *name, size_t name_len, int upload);
/* Keep n more bytes (up to max_file, and the worker's memory). */
void av_file_add(struct av_file *f, const uint8_t *p, size_t n, uint64_t max_file,
		 struct av_mem *mem);
void av_file_free(struct av_file *f, struct av_mem *mem);

/* The file name of an HTTP body: Content-Disposition's filename, else the URL's last segment. */
void av_http_filename(const struct http_tx *tx, int upload, char *out, size_t cap);

/* Scan a complete file (one that was cut is not scanned: the result says why). */
void av_file_scan(struct av_holder *h, const struct av_file *f, struct av_result *r);

/* The fileinfo record; http (may be NULL) the transaction's metadata. */
json_t *av_fileinfo_event(const struct eve_inspect_ctx *c, const struct av_file *f,
			  const struct av_result *r, const struct eve_http_info *http);

/* The alert of an infected file; blocked: the transfer was stopped. */
json_t *av_alert_event(const struct eve_inspect_ctx *c, const struct av_file *f,
		       const struct av_result *r, const struct eve_http_info *http, int blocked);

#endif /* UTM_INSPECT_ENGINE_AV_H */
