// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * One refresh of one feed: download (conditionally), refuse what is not a
 * feed (an HTML page, a bad signature, a corrupt archive), decode (gzip,
 * tar), and store the content when it changed. Whether the content is
 * acceptable as a list (format, guards, size change) is decided by the
 * reload that applies it; this file only guarantees that what it stores
 * is what the publisher published.
 */
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "feeds.h"
#include "lib/archive.h"
#include "lib/feedfmt.h"
#include "lib/feedsniff.h"
#include "lib/fetch.h"
#include "lib/fileutil.h"
#include "lib/minisign.h"
#include "loader.h"

/* Tries per refresh for transient errors, and the first retry delay. */
#define FETCH_ATTEMPTS	3
#define FETCH_RETRY_MS	2000

__attribute__((format(printf, 3, 4))) static void refuse(struct feed_outcome *out,
							 enum feed_state_code code,
							 const char *fmt, ...)
{
	va_list ap;

	out->state = code;
	va_start(ap, fmt);
	vsnprintf(out->error, sizeof(out->error), fmt, ap);
	va_end(ap);
}

static void sha256_hex(const void *buf, size_t len, char hex[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, buf, len);
	sodium_bin2hex(hex, 65, h, sizeof(h));
}

static void fill_req(struct fetch_req *r, struct feeds *F, const struct feed *f, const char *url)
{
	memset(r, 0, sizeof(*r));
	r->url = url;
	r->max_size = f->cfg.feed.max_size;
	r->timeout_s = f->cfg.feed.timeout_s;
	r->attempts = FETCH_ATTEMPTS;
	r->retry_base_ms = FETCH_RETRY_MS;
	r->cancel = &F->stop;
	r->api_key = f->cfg.feed.api_key[0] ? f->cfg.feed.api_key : NULL;
}

/* The signature of body, fetched from signature-url or URL.minisig. */
static int check_signature(struct feeds *F, const struct feed *f, const char *body, size_t len,
			   struct feed_outcome *out)
{
	const struct utm_feed_cfg *fc = &f->cfg.feed;
	char url[UTM_CFG_URL_LEN + 16], why[MINISIGN_WHY_MAX], trusted[128];
	struct minisign_pubkey pk;
	struct fetch_result sig = { 0 };
	struct fetch_req r;
	int rc = -1;

	if (minisign_pubkey_parse(fc->sig_key, strlen(fc->sig_key), &pk, why, sizeof(why))) {
		refuse(out, FEED_REFUSED, "signature-key: %s", why);
		return -1;
	}
	snprintf(url, sizeof(url), "%s%s", fc->sig_url[0] ? fc->sig_url : fc->url,
		 fc->sig_url[0] ? "" : ".minisig");
	fill_req(&r, F, f, url);
	r.max_size = 64 << 10;
	if (fetch_url(&r, &sig) || sig.status != FETCH_OK)
		refuse(out, FEED_REFUSED, "no signature from %s: %s", url, sig.error);
	else if (minisign_verify(body, len, sig.body, sig.len, &pk, trusted, sizeof(trusted), why,
				 sizeof(why)))
		refuse(out, FEED_REFUSED, "signature check failed: %s", why);
	else {
		char quoted[sizeof(trusted) + 4];

		text_quote(quoted, trusted, strlen(trusted), sizeof(trusted) - 1);
		snprintf(out->signature, sizeof(out->signature), "verified: %s", quoted);
		rc = 0;
	}
	fetch_result_free(&sig);
	return rc;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void rm_tree(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

struct tar_out {
	const char *dir;
	unsigned int files;
	char why[160];
};

/* Create the parent directories of dir/name. */
static int make_parents(const char *dir, const char *name)
{
	char path[PATH_MAX];
	char *s;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	for (s = path + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(path, 0700) && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return 0;
}

/* The checking pass: a member that would land outside NAME.d refuses the archive. */
static int check_member(const struct tar_member *m, void *ctx)
{
	struct tar_out *t = ctx;
	char quoted[64];

	if (tar_name_safe(m->name))
		return 0;
	text_quote(quoted, m->name, strlen(m->name), sizeof(quoted) - 4);
	snprintf(t->why, sizeof(t->why), "unsafe member name \"%s\" in the archive", quoted);
	return 1;
}

static int store_member(const struct tar_member *m, void *ctx)
{
	struct tar_out *t = ctx;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", t->dir, m->name);
	if (make_parents(t->dir, m->name) || file_write_atomic(path, m->data, m->size)) {
		snprintf(t->why, sizeof(t->why), "writing %s: %s", path, strerror(errno));
		return -1;
	}
	t->files++;
	return 0;
}

/* Unpack a tar archive into NAME.d, replacing the previous tree whole. */
static int store_tar(struct feeds *F, const struct feed *f, const char *buf, size_t len,
		     struct feed_outcome *out)
{
	char dir[PATH_MAX], tmp[PATH_MAX], old[PATH_MAX], why[160] = "";
	struct tar_out t = { .dir = tmp };
	int rc;

	snprintf(dir, sizeof(dir), "%s/%s.d", F->dir, f->cfg.name);
	snprintf(tmp, sizeof(tmp), "%s.new", dir);
	snprintf(old, sizeof(old), "%s.old", dir);
	rm_tree(tmp);
	rm_tree(old);
	/* Check the whole archive first: a truncated one must not replace a good tree. */
	rc = tar_each(buf, len, check_member, &t, why, sizeof(why));
	if (rc) {
		refuse(out, FEED_REFUSED, "bad archive: %s", rc > 0 ? t.why : why);
		return -1;
	}
	if (mkdir(tmp, 0700)) {
		refuse(out, FEED_FAILED, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	rc = tar_each(buf, len, store_member, &t, why, sizeof(why));
	if (rc || !t.files) {
		refuse(out, rc ? FEED_FAILED : FEED_REFUSED, "%s",
		       rc ? (t.why[0] ? t.why : why) : "the archive holds no file");
		rm_tree(tmp);
		return -1;
	}
	if ((rename(dir, old) && errno != ENOENT) || rename(tmp, dir)) {
		refuse(out, FEED_FAILED, "replacing %s: %s", dir, strerror(errno));
		rename(old, dir);
		rm_tree(tmp);
		return -1;
	}
	rm_tree(old);
	return 0;
}

/* What a download must look like before it is stored. */
static int sane_content(const struct feed *f, const char *buf, size_t len,
			struct feed_outcome *out)
{
	if (feed_is_html(buf, len)) {
		refuse(out, FEED_REFUSED,
		       "the server sent an HTML page, not the feed (an error page or a "
		       "captive portal?)");
		return -1;
	}
	if (f->cfg.kind != UTM_LIST_KIND_AV_SIGNATURES && feed_is_binary(buf, len)) {
		refuse(out, FEED_REFUSED, "binary content where a text feed was expected");
		return -1;
	}
	if (!len && !f->cfg.feed.allow_empty) {
		refuse(out, FEED_REFUSED, "the feed is empty");
		return -1;
	}
	return 0;
}

/* Gunzip when compressed; *owned is the buffer to free (or NULL). */
static int decode(const struct feed *f, char **buf, size_t *len, char **owned,
		  struct feed_outcome *out)
{
	char why[160];

	*owned = NULL;
	if (!gzip_is(*buf, *len))
		return 0;
	if (gunzip_buf(*buf, *len, f->cfg.feed.max_size, owned, len, why, sizeof(why))) {
		refuse(out, FEED_REFUSED, "%s", why);
		return -1;
	}
	*buf = *owned;
	return 0;
}

/* ET IP reputation: the category file, kept next to the data. Best effort. */
static void fetch_categories(struct feeds *F, const struct feed *f)
{
	struct fetch_result res = { 0 };
	char path[PATH_MAX];
	struct fetch_req r;

	if (!f->cfg.feed.category_url[0])
		return;
	fill_req(&r, F, f, f->cfg.feed.category_url);
	r.max_size = 1 << 20;
	snprintf(path, sizeof(path), "%s/%s.categories", F->dir, f->cfg.name);
	if (fetch_url(&r, &res) || res.status != FETCH_OK || feed_is_html(res.body, res.len))
		log_warn("feed %s: category file %s: %s; keeping the previous one", f->cfg.name,
			 f->cfg.feed.category_url, res.error[0] ? res.error : "not a list");
	else if (file_write_atomic(path, res.body, res.len))
		log_warn("feed %s: writing %s: %s", f->cfg.name, path, strerror(errno));
	fetch_result_free(&res);
}

/* Store decoded content as NAME.data (lists) or NAME.d/ (archives). */
static int store(struct feeds *F, const struct feed *f, const char *buf, size_t len,
		 struct feed_outcome *out)
{
	if (tar_is(buf, len)) {
		if (utm_list_kind_in_maps(f->cfg.kind)) {
			refuse(out, FEED_REFUSED, "a tar archive where a list was expected");
			return -1;
		}
		return store_tar(F, f, buf, len, out);
	}
	if (sane_content(f, buf, len, out))
		return -1;
	if (file_write_atomic(f->cfg.path, buf, len)) {
		refuse(out, FEED_FAILED, "writing %s: %s", f->cfg.path, strerror(errno));
		return -1;
	}
	return 0;
}

static void handle_body(struct feeds *F, const struct feed *f, struct fetch_result *res,
			struct feed_outcome *out)
{
	char *buf = res->body, *owned = NULL;
	size_t len = res->len;

	/* The content decides: some servers label plain lists text/html. */
	if (feed_is_html(buf, len)) {
		refuse(out, FEED_REFUSED,
		       "the server sent an HTML page, not the feed (an error page or a "
		       "captive portal?)");
		return;
	}
	if (fetch_content_is_html(res->content_type))
		log_warn("feed %s: served as %s, but the content is not HTML: taken as the feed",
			 f->cfg.name, res->content_type);
	if (f->cfg.feed.sig_key[0] && check_signature(F, f, buf, len, out))
		return;
	if (decode(f, &buf, &len, &owned, out))
		return;
	sha256_hex(buf, len, out->sha256);
	if (!strcmp(out->sha256, f->sha256) && access(f->cfg.path, F_OK) == 0) {
		out->state = FEED_NOT_MODIFIED; /* same bytes under a new ETag */
	} else if (store(F, f, buf, len, out) == 0) {
		fetch_categories(F, f);
		out->state = FEED_UPDATED;
		out->changed = 1;
	}
	free(owned);
}

static void refresh_crowdsec(struct feeds *F, const struct feed *f, struct feed_outcome *out);

void feed_refresh(struct feeds *F, const struct feed *f, struct feed_outcome *out)
{
	struct fetch_result res = { 0 };
	struct fetch_req r;

	if (f->cfg.feed.format == UTM_FMT_CROWDSEC) {
		refresh_crowdsec(F, f, out);
		return;
	}
	fill_req(&r, F, f, f->cfg.feed.url);
	/* Without the data, a 304 would leave nothing to apply: ask unconditionally. */
	if (access(f->cfg.path, F_OK) == 0 || f->cfg.kind > UTM_LIST_KIND_URLS) {
		r.etag = f->etag[0] ? f->etag : NULL;
		r.last_modified = f->last_modified[0] ? f->last_modified : NULL;
	}
	if (fetch_url(&r, &res) && res.status != FETCH_NOT_MODIFIED) {
		refuse(out, FEED_FAILED, "%s", res.error);
	} else if (res.status == FETCH_NOT_MODIFIED) {
		out->state = FEED_NOT_MODIFIED;
		snprintf(out->sha256, sizeof(out->sha256), "%s", f->sha256);
	} else {
		handle_body(F, f, &res, out);
	}
	out->http_code = res.http_code;
	snprintf(out->etag, sizeof(out->etag), "%s", res.etag);
	snprintf(out->last_modified, sizeof(out->last_modified), "%s", res.last_modified);
	fetch_result_free(&res);
}

/*
 * CrowdSec: the first pull after start asks for every active decision
 * (startup=true) and replaces the set; later pulls apply the changes.
 */
static void refresh_crowdsec(struct feeds *F, const struct feed *f, struct feed_outcome *out)
{
	char url[UTM_CFG_URL_LEN + 64], *text = NULL, *cur;
	const char *base = f->cfg.feed.url;
	struct crowdsec_set *set = crowdsec_set_new();
	struct fetch_result res = { 0 };
	struct crowdsec_stats st = { 0 };
	size_t len = 0, curlen = 0;
	struct fetch_req r;

	snprintf(url, sizeof(url), "%s%sv1/decisions/stream?startup=%s", base,
		 base[strlen(base) - 1] == '/' ? "" : "/", f->synced ? "false" : "true");
	fill_req(&r, F, f, url);
	cur = f->synced ? file_read_all(f->cfg.path, &curlen) : NULL;
	if (!set || (cur && crowdsec_set_load(set, cur, curlen, NULL) < 0))
		refuse(out, FEED_FAILED, "cannot read the current decisions of %s", f->cfg.path);
	else if (fetch_url(&r, &res) || res.status != FETCH_OK)
		refuse(out, FEED_FAILED, "%s", res.error[0] ? res.error : "no answer");
	else if (crowdsec_stream_parse(res.body, res.len, crowdsec_set_apply_cb, set, &st))
		refuse(out, FEED_REFUSED, "not a decisions stream: %s", st.reason);
	else if (!(text = crowdsec_set_render(set, &len)))
		refuse(out, FEED_FAILED, "out of memory");
	else {
		out->synced = 1;
		sha256_hex(text, len, out->sha256);
		out->state = FEED_NOT_MODIFIED;
		if (strcmp(out->sha256, f->sha256) || access(f->cfg.path, F_OK)) {
			if (file_write_atomic(f->cfg.path, text, len))
				refuse(out, FEED_FAILED, "writing %s: %s", f->cfg.path,
				       strerror(errno));
			else
				out->state = FEED_UPDATED, out->changed = 1;
		}
		log_info("feed %s: %u new, %u deleted decisions (%u skipped); %zu active",
			 f->cfg.name, st.added, st.deleted, st.skipped_scope + st.skipped_type,
			 crowdsec_set_count(set));
	}
	out->http_code = res.http_code;
	free(text);
	free(cur);
	fetch_result_free(&res);
	crowdsec_set_free(set);
}
