// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The feeds thread: picks the feed whose refresh is due (or that
 * `utm-ctl feeds update` asked for), refreshes it, and wakes the main loop
 * when content changed. Downloads run one at a time: a small office box
 * has one uplink and nothing to gain from parallel fetches.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "feeds.h"
#include "lib/fetch.h"
#include "lib/fileutil.h"
#include "loader.h"

/* How often the thread looks for NAME.update request files, at most. */
#define REQUEST_POLL_S 1

static int request_path(const struct feeds *F, const char *name, char *buf, size_t len)
{
	return snprintf(buf, len, "%s/%s.update", F->dir, name);
}

/* Read and consume a request file: its token (any short text) into tok. 1 when there was one. */
static int read_request(const char *path, char *tok, size_t len, int consume)
{
	size_t n = 0, i;
	char *buf = file_read_all(path, &n);

	if (!buf)
		return 0;
	for (i = 0; i < n && i + 1 < len && buf[i] != '\n' && buf[i] != '\r'; i++)
		tok[i] = buf[i];
	tok[i] = '\0';
	free(buf);
	if (consume)
		unlink(path);
	return 1;
}

/* `utm-ctl feeds update` asked for f (or for every feed): note its token. */
static void take_request(const struct feeds *F, struct feed *f)
{
	char path[PATH_MAX];

	request_path(F, f->cfg.name, path, sizeof(path));
	if (read_request(path, f->request, sizeof(f->request), 1))
		f->next_run = 0;
	request_path(F, "all", path, sizeof(path));
	if (read_request(path, f->request, sizeof(f->request), 0))
		f->next_run = 0;
}

static void clear_all_request(const struct feeds *F)
{
	char path[PATH_MAX];

	request_path(F, "all", path, sizeof(path));
	unlink(path);
}

/* The feed to refresh now, or NULL with *wait_s set to the time until the next one. */
static struct feed *next_due(struct feeds *F, time_t now, time_t *wait_s)
{
	struct feed *due = NULL;
	size_t i;

	*wait_s = REQUEST_POLL_S;
	for (i = 0; i < F->n; i++) {
		struct feed *f = &F->f[i];

		take_request(F, f);
		if (f->next_run <= now && (!due || f->next_run < due->next_run))
			due = f;
		else if (f->next_run > now && f->next_run - now < *wait_s)
			*wait_s = f->next_run - now;
	}
	clear_all_request(F);
	return due;
}

static void notify_main(struct feeds *F)
{
	uint64_t one = 1;

	if (write(F->notify_fd, &one, sizeof(one)) != sizeof(one))
		log_warn("feeds: cannot wake the main loop: %s", strerror(errno));
}

/* Retry a failing feed sooner than its refresh: 1, 2, 4... minutes, jittered. */
static time_t retry_delay(const struct feed *f)
{
	unsigned int cap_ms = f->cfg.feed.refresh_s < 3600 ? f->cfg.feed.refresh_s * 1000 : 3600000;

	return fetch_backoff_ms(f->failures, 60000, cap_ms, drand48()) / 1000 + 1;
}

/* Spread regular refreshes by +-5% so that many boxes do not hit a feed at once. */
static time_t jittered(unsigned int refresh_s)
{
	if (refresh_s < 60)
		return refresh_s;
	return refresh_s - refresh_s / 20 + (time_t)(drand48() * (refresh_s / 10));
}

static void merge_outcome(struct feed *f, const struct feed_outcome *out, time_t started)
{
	f->last_attempt = started;
	f->http_code = out->http_code;
	if (out->state == FEED_FAILED || out->state == FEED_REFUSED) {
		f->state = out->state;
		f->failures++;
		snprintf(f->error, sizeof(f->error), "%s", out->error);
		f->next_run = time(NULL) + retry_delay(f);
		return;
	}
	f->failures = 0;
	f->last_success = time(NULL);
	/* Unchanged content that the reload refused stays refused, with its reason. */
	if (out->changed || !f->apply_refused) {
		f->state = out->state;
		f->error[0] = '\0';
	} else {
		f->state = FEED_REFUSED;
	}
	if (out->changed)
		f->last_change = f->last_success;
	if (out->signature[0])
		snprintf(f->signature, sizeof(f->signature), "%s", out->signature);
	if (out->etag[0] || out->last_modified[0]) {
		snprintf(f->etag, sizeof(f->etag), "%s", out->etag);
		snprintf(f->last_modified, sizeof(f->last_modified), "%s", out->last_modified);
	}
	if (out->sha256[0])
		snprintf(f->sha256, sizeof(f->sha256), "%s", out->sha256);
	f->synced |= out->synced;
	f->next_run = f->last_success + jittered(f->cfg.feed.refresh_s);
}

/*
 * Merge, keep NAME.meta, and raise events on the transitions users care
 * about: into "failed", into "refused" (or refused for another reason),
 * and back to health. A feed failing or refused the same way every retry
 * is one event, not one per retry.
 */
static void report_outcome(struct feeds *F, struct feed *f, const struct feed_outcome *out,
			   time_t started)
{
	enum feed_state_code was = f->state;
	int same_error = !strcmp(f->error, out->error);

	merge_outcome(f, out, started);
	if (out->state != FEED_FAILED && out->state != FEED_REFUSED)
		feed_meta_save(F, f);
	if (out->state == FEED_REFUSED) {
		log_err("feed %s refused: %s; keeping its previous data", f->cfg.name, out->error);
		if (was != FEED_REFUSED || !same_error)
			feeds_event(F, f, "refused", out->error);
	} else if (out->state == FEED_FAILED) {
		log_warn("feed %s: %s; keeping its previous data, next try in %lds", f->cfg.name,
			 out->error, (long)(f->next_run - time(NULL)));
		if (was != FEED_FAILED)
			feeds_event(F, f, "failed", out->error);
	} else {
		if (was == FEED_FAILED || (was == FEED_REFUSED && !f->apply_refused))
			feeds_event(F, f, "recovered", NULL);
		log_info("feed %s: %s", f->cfg.name,
			 out->changed ? "new content" : "not modified");
	}
}

static void *feeds_main(void *arg)
{
	struct feeds *F = arg;

	pthread_mutex_lock(&F->lock);
	while (!F->stop) {
		time_t now = time(NULL), wait_s;
		struct feed *f = next_due(F, now, &wait_s);
		struct timespec until;

		if (f) {
			struct feed snap = *f;
			struct feed_outcome out;

			pthread_mutex_unlock(&F->lock);
			memset(&out, 0, sizeof(out));
			feed_refresh(F, &snap, &out);
			pthread_mutex_lock(&F->lock);
			report_outcome(F, f, &out, now);
			/* The request this refresh served, for `utm-ctl feeds update` to see. */
			if (snap.request[0]) {
				snprintf(f->served, sizeof(f->served), "%s", snap.request);
				if (!strcmp(f->request, snap.request))
					f->request[0] = '\0';
			}
			feeds_write_status(F);
			/* Rules, signatures and categories are utm-inspect's: no map to rebuild. */
			if (out.changed && utm_list_kind_in_maps(f->cfg.kind))
				notify_main(F);
			continue;
		}
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += wait_s;
		pthread_cond_timedwait(&F->wake, &F->lock, &until);
	}
	pthread_mutex_unlock(&F->lock);
	return NULL;
}

/* When to refresh first: when the cached copy is due, or now when there is none. */
static void first_run(const struct feeds *F, struct feed *f, time_t now)
{
	struct stat st;

	f->entries = -1;
	feed_meta_load(F, f);
	if (stat(f->cfg.path, &st) || !f->last_success || f->last_success > now)
		f->next_run = now;
	else
		f->next_run = f->last_success + f->cfg.feed.refresh_s;
}

static int count_feeds(const struct utm_cfg *cfg)
{
	size_t i;
	int n = 0;

	for (i = 0; i < cfg->nlists; i++)
		n += utm_list_is_feed(&cfg->lists[i]);
	return n;
}

/* The feeds of L's configuration, their state from disk; no thread yet. */
static int feeds_init(struct feeds *F, struct loader *L)
{
	const struct utm_cfg *cfg = &L->cfg;
	time_t now = time(NULL);
	size_t i, n = count_feeds(cfg);

	memset(F, 0, sizeof(*F));
	F->L = L;
	F->notify_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	pthread_mutex_init(&F->lock, NULL);
	pthread_cond_init(&F->wake, NULL);
	F->inited = 1;
	utm_cfg_feed_path(cfg, "", "", F->dir, sizeof(F->dir));
	F->dir[strlen(F->dir) - 1] = '\0'; /* drop the '/' of the empty name */
	if (F->notify_fd < 0 || (mkdir(F->dir, 0700) && errno != EEXIST)) {
		log_err("feeds: %s: %s", F->dir, strerror(errno));
		return -1;
	}
	F->f = calloc(n ? n : 1, sizeof(*F->f));
	if (!F->f)
		return -1;
	for (i = 0; i < cfg->nlists; i++) {
		if (!utm_list_is_feed(&cfg->lists[i]))
			continue;
		F->f[F->n].cfg = cfg->lists[i];
		first_run(F, &F->f[F->n], now);
		F->n++;
	}
	pthread_mutex_lock(&F->lock);
	feeds_write_status(F);
	pthread_mutex_unlock(&F->lock);
	fetch_global_init();
	return 0;
}

int feeds_start(struct feeds *F, struct loader *L)
{
	if (feeds_init(F, L))
		return -1;
	if (!F->n)
		return 0;
	if (pthread_create(&F->thread, NULL, feeds_main, F)) {
		log_err("feeds: cannot start the thread");
		return -1;
	}
	F->running = 1;
	log_info("feeds: %zu feed%s, state in %s", F->n, F->n == 1 ? "" : "s", F->dir);
	return 0;
}

void feeds_refresh_all(struct feeds *F, struct loader *L)
{
	time_t now = time(NULL);
	size_t i;

	if (feeds_init(F, L))
		return;
	for (i = 0; i < F->n; i++) {
		struct feed_outcome out = { 0 };

		feed_refresh(F, &F->f[i], &out);
		pthread_mutex_lock(&F->lock);
		report_outcome(F, &F->f[i], &out, now);
		feeds_write_status(F);
		pthread_mutex_unlock(&F->lock);
	}
}

void feeds_stop(struct feeds *F)
{
	if (!F->inited)
		return;
	if (F->running) {
		pthread_mutex_lock(&F->lock);
		F->stop = 1;
		pthread_cond_signal(&F->wake);
		pthread_mutex_unlock(&F->lock);
		pthread_join(F->thread, NULL);
	}
	pthread_mutex_destroy(&F->lock);
	pthread_cond_destroy(&F->wake);
	if (F->notify_fd >= 0)
		close(F->notify_fd);
	free(F->f);
	memset(F, 0, sizeof(*F));
	F->notify_fd = -1;
}

int feeds_on_notify(struct feeds *F)
{
	uint64_t n;

	return read(F->notify_fd, &n, sizeof(n)) == sizeof(n);
}

static struct feed *find_feed(struct feeds *F, const char *name)
{
	size_t i;

	for (i = 0; i < F->n; i++)
		if (!strcmp(F->f[i].cfg.name, name))
			return &F->f[i];
	return NULL;
}

void feeds_note_applied(struct feeds *F, const char *name, int ok, long entries, const char *why)
{
	struct feed *f;

	if (!F || !F->inited)
		return;
	pthread_mutex_lock(&F->lock);
	f = find_feed(F, name);
	if (f) {
		f->entries = entries; /* in use: the new data, or the previous data kept */
		if (ok) {
			f->apply_refused = 0;
			if (f->state == FEED_REFUSED) {
				f->state = FEED_UPDATED;
				f->error[0] = '\0';
				feeds_event(F, f, "recovered", NULL);
			}
		} else if (why) {
			f->apply_refused = 1;
			/* Once per refusal, not at every reload that meets the same data. */
			if (f->state != FEED_REFUSED || strcmp(f->error, why)) {
				f->state = FEED_REFUSED;
				snprintf(f->error, sizeof(f->error), "%s", why);
				log_err("feed %s refused: %s", f->cfg.name, why);
				feeds_event(F, f, "refused", why);
			}
		}
		feeds_write_status(F);
	}
	pthread_mutex_unlock(&F->lock);
}
