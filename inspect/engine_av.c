// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Files for the antivirus (inspect/engine_av.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inspect/engine_av.h"

struct av_file *av_file_new(const char *name, size_t name_len, int upload)
{
	struct av_file *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	if (name_len >= sizeof(f->name))
		name_len = sizeof(f->name) - 1;
	memcpy(f->name, name, name_len);
	f->upload = upload;
	return f;
}

static void cut(struct av_file *f, const char *why, struct av_mem *mem)
{
	f->cut = 1;
	snprintf(f->why_cut, sizeof(f->why_cut), "%s", why);
	mem->used -= f->cap;
	free(f->buf);
	f->buf = NULL;
	f->len = f->cap = 0;
}

void av_file_add(struct av_file *f, const uint8_t *p, size_t n, uint64_t max_file,
		 struct av_mem *mem)
{
	size_t cap;

	f->size += n;
	if (f->cut)
		return;
	if (f->size > max_file) {
		cut(f, "max-file", mem);
		return;
	}
	if (f->len + n > f->cap) {
		cap = f->cap ? f->cap : 16384;
		while (cap < f->len + n)
			cap *= 2;
		if (cap > max_file)
			cap = (size_t)max_file;
		if (mem->used - f->cap + cap > mem->max) {
			cut(f, "memory", mem);
			return;
		}
		uint8_t *nb = realloc(f->buf, cap);

		if (!nb) {
			cut(f, "memory", mem);
			return;
		}
		mem->used += cap - f->cap;
		f->buf = nb;
		f->cap = cap;
	}
	memcpy(f->buf + f->len, p, n);
	f->len += n;
}

void av_file_free(struct av_file *f, struct av_mem *mem)
{
	if (!f)
		return;
	mem->used -= f->cap;
	free(f->buf);
	free(f);
}

/* filename="a b.exe", filename=a.exe, filename*=UTF-8''a%20b.exe (the raw value: shown escaped). */
static int disposition_name(struct http_buf v, char *out, size_t cap)
{
	const char *s = (const char *)v.ptr, *end = s + v.len, *p;
	size_t n;

	for (p = s; p + 9 <= end; p++) {
		if (strncasecmp(p, "filename", 8))
			continue;
		p += 8;
		if (p < end && *p == '*')
			p++;
		while (p < end && (*p == ' ' || *p == '='))
			p++;
		if (p < end && *p == '"') {
			const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));

			s = p + 1;
			n = q ? (size_t)(q - s) : (size_t)(end - s);
		} else {
			s = p;
			for (n = 0; s + n < end && s[n] != ';' && s[n] != ' '; n++)
				;
		}
		if (!n)
			return 0;
		if (n >= cap)
			n = cap - 1;
		memcpy(out, s, n);
		out[n] = '\0';
		return 1;
	}
	return 0;
}

void av_http_filename(const struct http_tx *tx, int upload, char *out, size_t cap)
{
	const struct http_msg *m = upload ? &tx->req : &tx->resp;
	struct http_buf cd = http_msg_header(m, "Content-Disposition", 0);
	const char *u = (const char *)tx->uri_raw.ptr, *e, *slash;
	size_t n;

	out[0] = '\0';
	if (cd.ptr && disposition_name(cd, out, cap))
		return;
	if (!u)
		return;
	/* the URL's path (no query), its last segment, else the path itself ("/") */
	for (e = u; e < u + tx->uri_raw.len && *e != '?' && *e != '#'; e++)
		;
	for (slash = e; slash > u && slash[-1] != '/'; slash--)
		;
	if (slash == e)
		slash = u;
	n = (size_t)(e - slash) < cap - 1 ? (size_t)(e - slash) : cap - 1;
	memcpy(out, slash, n);
	out[n] = '\0';
}

void av_file_scan(struct av_holder *h, const struct av_file *f, struct av_result *r)
{
	struct av_engine *e;

	memset(r, 0, sizeof(*r));
	if (f->cut) {
		r->verdict = AV_NOT_SCANNED;
		r->reason = AV_R_FILESIZE;
		snprintf(r->detail, sizeof(r->detail), "%s", f->why_cut);
		return;
	}
	e = av_holder_get(h);
	if (!e) {
		r->verdict = AV_NOT_SCANNED;
		r->reason = AV_R_ERROR;
		snprintf(r->detail, sizeof(r->detail), "no engine");
		return;
	}
	av_scan(e, f->buf, f->len, f->name, r);
	av_engine_put(e);
}

static json_t *fileinfo(const struct av_file *f, const struct av_result *r)
{
	char md5[33], sha[65];
	json_t *o = json_pack("{s:s, s:b, s:s, s:b, s:I}", "filename", f->name, "gaps", 0, "state",
			      "CLOSED", "stored", 0, "size", (json_int_t)f->size);

	if (!o)
		return NULL;
	if (!f->cut) {
		av_hex(md5, r->md5, sizeof(r->md5));
		av_hex(sha, r->sha256, sizeof(r->sha256));
		json_object_set_new(o, "md5", json_string(md5));
		json_object_set_new(o, "sha256", json_string(sha));
	}
	/* the UTM's: what the scan said */
	json_object_set_new(o, "av", json_pack("{s:s}", "verdict", av_verdict_str(r->verdict)));
	if (r->verdict == AV_INFECTED)
		json_object_set_new(json_object_get(o, "av"), "signature",
				    json_string(r->signature));
	if (r->verdict == AV_NOT_SCANNED) {
		json_object_set_new(json_object_get(o, "av"), "reason",
				    json_string(av_reason_str(r->reason)));
		if (r->detail[0])
			json_object_set_new(json_object_get(o, "av"), "detail",
					    json_string(r->detail));
	}
	return o;
}

json_t *av_fileinfo_event(const struct eve_inspect_ctx *c, const struct av_file *f,
			  const struct av_result *r, const struct eve_http_info *http)
{
	json_t *o = eve_inspect_base(c, "fileinfo"), *fi = fileinfo(f, r);

	if (!o || !fi) {
		json_decref(o);
		json_decref(fi);
		return NULL;
	}
	if (http)
		eve_inspect_add_http(o, http);
	json_object_set_new(o, "fileinfo", fi);
	return o;
}

json_t *av_alert_event(const struct eve_inspect_ctx *c, const struct av_file *f,
		       const struct av_result *r, const struct eve_http_info *http, int blocked)
{
	json_t *o = eve_inspect_base(c, "alert"), *al, *files;
	char sig[160];

	snprintf(sig, sizeof(sig), "UTM ClamAV %s", r->signature);
	al = json_pack("{s:s, s:i, s:i, s:i, s:s, s:s, s:i}", "action",
		       blocked ? "blocked" : "allowed", "gid", 1, "signature_id", 0, "rev", 0,
		       "signature", sig, "category", "Malware", "severity", 1);
	files = json_array();
	if (!o || !al || !files) {
		json_decref(o);
		json_decref(al);
		json_decref(files);
		return NULL;
	}
	json_array_append_new(files, fileinfo(f, r));
	json_object_set_new(o, "alert", al);
	if (http)
		eve_inspect_add_http(o, http);
	/* as Suricata 7: the files of the transaction with the alert */
	json_object_set_new(o, "files", files);
	/*
	 * Antivirus inbound (function 2) for what comes to the office, ★★; outbound
	 * (function 5) for what leaves it, ★★★: the sending device is probably infected.
	 */
	eve_inspect_add_utm(o, c, f->upload == c->lan_is_client ? 3 : 2,
			    f->upload == c->lan_is_client ? "antivirus_outbound"
							  : "antivirus_inbound");
	return o;
}
