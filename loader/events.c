// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Block events: from the XDP ring buffer to EVE JSON lines. */
#include <errno.h>
#include <net/if.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "bridge.skel.h"
#include "lib/eve.h"
#include "loader.h"

/* The feeds thread writes events too: one line at a time. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

int events_open_log(struct loader *L)
{
	FILE *f;

	if (strcmp(L->cfg.event_log, "-") == 0) {
		L->event_log = stdout;
		return 0;
	}
	f = fopen(L->cfg.event_log, "ae");
	if (!f) {
		log_err("opening event log %s: %s", L->cfg.event_log, strerror(errno));
		return -1;
	}
	pthread_mutex_lock(&log_lock);
	if (L->event_log && L->event_log != stdout)
		fclose(L->event_log);
	L->event_log = f;
	pthread_mutex_unlock(&log_lock);
	return 0;
}

void events_write_line(struct loader *L, const char *line)
{
	pthread_mutex_lock(&log_lock);
	fprintf(L->event_log, "%s\n", line);
	fflush(L->event_log);
	pthread_mutex_unlock(&log_lock);
}

/* Wall-clock time of a CLOCK_MONOTONIC timestamp taken by the XDP program. */
static struct timespec wall_time(__u64 mono_ns)
{
	struct timespec now, mono, t;
	long long delta;

	clock_gettime(CLOCK_REALTIME, &now);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	delta = (long long)mono.tv_sec * 1000000000LL + mono.tv_nsec - (long long)mono_ns;
	long long wall = (long long)now.tv_sec * 1000000000LL + now.tv_nsec - delta;

	t.tv_sec = wall / 1000000000LL;
	t.tv_nsec = wall % 1000000000LL;
	return t;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct loader *L = ctx;
	const struct utm_block_event *ev = data;
	struct utm_list_info info;
	char ifname[IF_NAMESIZE] = "?", line[2048];
	struct eve_block_ctx c = { .ev = ev, .in_iface = ifname };

	if (size < sizeof(*ev))
		return 0;
	if_indextoname(ev->ifindex, ifname);
	if (utm_list_info(&L->maps, ev->list_id, &info) == 0)
		c.list = &info;
	c.wall = wall_time(ev->ts_ns);
	if (eve_format_block(&c, line, sizeof(line)) < 0)
		return 0;
	events_write_line(L, line);
	return 0;
}

struct ring_buffer *events_start(struct loader *L)
{
	struct ring_buffer *rb;

	rb = ring_buffer__new(bpf_map__fd(L->skel->maps.events), on_event, L, NULL);
	if (!rb)
		log_err("opening the events ring buffer: %s", strerror(errno));
	return rb;
}
