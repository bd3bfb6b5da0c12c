/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef UTM_WATCH_H
#define UTM_WATCH_H

struct loader;

#define WATCH_MAX 300

/* The files whose changes trigger a reload: (watch descriptor, base name). */
struct watch {
	int inotify_fd;
	int timer_fd;
	size_t n;
	int wd[WATCH_MAX];
	char name[WATCH_MAX][256];
};

int watch_start(struct watch *w, const struct loader *L);
void watch_on_inotify(struct watch *w);
int watch_on_timer(struct watch *w);
void watch_stop(struct watch *w);

#endif /* UTM_WATCH_H */
