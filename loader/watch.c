// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Reload when a list file, the runtime lists or the configuration change.
 * Directories are watched rather than files, because feeds and editors
 * replace files by rename; a short timer folds bursts of writes into one
 * reload.
 */
#include <errno.h>
#include <libgen.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "loader.h"
#include "watch.h"

#define SETTLE_MS 300

static void watch_file(struct watch *w, const char *path)
{
	char dir[PATH_MAX], base[PATH_MAX];
	int wd;

	if (w->n == WATCH_MAX)
		return;
	snprintf(dir, sizeof(dir), "%s", path);
	snprintf(base, sizeof(base), "%s", path);
	wd = inotify_add_watch(w->inotify_fd, dirname(dir),
			       IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE);
	if (wd < 0) {
		log_warn("cannot watch %s for changes: %s", dir, strerror(errno));
		return;
	}
	w->wd[w->n] = wd;
	snprintf(w->name[w->n], sizeof(w->name[0]), "%s", basename(base));
	w->n++;
}

static int watched(const struct watch *w, int wd, const char *name)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (w->wd[i] == wd && strcmp(w->name[i], name) == 0)
			return 1;
	return 0;
}

int watch_start(struct watch *w, const struct loader *L)
{
	char rt[PATH_MAX];
	size_t i;

	w->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	w->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (w->inotify_fd < 0 || w->timer_fd < 0)
		return -1;
	w->n = 0;
	/* Feeds are not watched: their thread says when their content changed. */
	for (i = 0; i < L->cfg.nlists; i++)
		if (!utm_list_is_feed(&L->cfg.lists[i]))
			watch_file(w, L->cfg.lists[i].path);
	snprintf(rt, sizeof(rt), "%s/runtime-block.list", L->cfg.state_dir);
	watch_file(w, rt);
	snprintf(rt, sizeof(rt), "%s/runtime-allow.list", L->cfg.state_dir);
	watch_file(w, rt);
	if (L->config_path[0])
		watch_file(w, L->config_path);
	return 0;
}

/* Drain inotify events; arm the settle timer if any concerns us. */
void watch_on_inotify(struct watch *w)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	struct itimerspec its = { .it_value.tv_nsec = SETTLE_MS * 1000000L };
	int relevant = 0;
	ssize_t n;

	while ((n = read(w->inotify_fd, buf, sizeof(buf))) > 0) {
		char *p = buf;

		while (p < buf + n) {
			struct inotify_event *e = (struct inotify_event *)p;
			if (e->len && watched(w, e->wd, e->name))
				relevant = 1;
			p += sizeof(*e) + e->len;
		}
	}
	if (relevant)
		timerfd_settime(w->timer_fd, 0, &its, NULL);
}

/* 1 when the settle timer fired: time to reload. */
int watch_on_timer(struct watch *w)
{
	__u64 expirations;

	return read(w->timer_fd, &expirations, sizeof(expirations)) == sizeof(expirations);
}

void watch_stop(struct watch *w)
{
	if (w->inotify_fd >= 0)
		close(w->inotify_fd);
	if (w->timer_fd >= 0)
		close(w->timer_fd);
}
