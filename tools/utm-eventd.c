// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-eventd: every line of the event log into the event store
 * (lib/evstore.h), for the portal and utm-ctl events.
 *
 *   utm-eventd [--config FILE] [--db PATH] [--event-log PATH] [--state-dir DIR]
 *
 * It follows the log with inotify, plus a poll each second in case a
 * notification is missed (a file system without inotify, a race with a
 * rotation). SIGHUP reopens the log; SIGINT/SIGTERM stop it. Counters go
 * to the log every minute and to STATE_DIR/eventd.json (next to the db);
 * retention (events: retention-days, max-db-size) is applied hourly.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/config.h"
#include "lib/eve.h"
#include "lib/fileutil.h"
#include "lib/log.h"
#include "utm-eventd.h"

#define DEFAULT_CONFIG "/etc/utm/utm.yaml"
#define STATS_EVERY_S  60
#define PRUNE_EVERY_S  3600
#define POLL_MS	       1000

struct eventd {
	struct utm_cfg cfg;
	char db[PATH_MAX], status[PATH_MAX + 16], log_path[PATH_MAX];
	struct evstore *store;
	struct follower f;
	int ino_fd, dir_wd, file_wd;
	uint64_t watched_inode;
	long long pruned, db_rows;
	time_t started, last_error_log;
};

static void usage(FILE *out)
{
	fprintf(out, "usage: utm-eventd [--config FILE] [--db PATH] [--event-log PATH] "
		     "[--state-dir DIR]\n"
		     "  --config FILE     utm.yaml (default " DEFAULT_CONFIG
		     "; a missing default is no error)\n"
		     "  --db PATH         the event store (default STATE_DIR/events.db)\n"
		     "  --event-log PATH  the log to follow (default: event-log of the config)\n"
		     "  --state-dir DIR   overrides state-dir of the config\n");
}

static int parse_args(struct eventd *d, int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"db", required_argument, NULL, 'd'},
		{"event-log", required_argument, NULL, 'e'},
		{"state-dir", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *config = NULL, *db = NULL, *ev = NULL, *state = NULL;
	char err[512];
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'c')
			config = optarg;
		else if (o == 'd')
			db = optarg;
		else if (o == 'e')
			ev = optarg;
		else if (o == 's')
			state = optarg;
		else {
			usage(o == 'h' ? stdout : stderr);
			exit(o == 'h' ? 0 : 2);
		}
	}
	if (optind < argc) {
		usage(stderr);
		exit(2);
	}
	utm_cfg_defaults(&d->cfg);
	if ((config || access(DEFAULT_CONFIG, F_OK) == 0) &&
	    utm_cfg_load_file(config ? config : DEFAULT_CONFIG, &d->cfg, err, sizeof(err))) {
		log_err("%s", err);
		return -1;
	}
	if (state)
		snprintf(d->cfg.state_dir, sizeof(d->cfg.state_dir), "%s", state);
	snprintf(d->log_path, sizeof(d->log_path), "%s", ev ? ev : d->cfg.event_log);
	if (!strcmp(d->log_path, "-")) {
		log_err("no event log to follow: event-log in the configuration, or --event-log");
		return -1;
	}
	if (db)
		snprintf(d->db, sizeof(d->db), "%s", db);
	else
		snprintf(d->db, sizeof(d->db), "%s/events.db", d->cfg.state_dir);
	/* Next to the db: the portal and utm-ctl status find it there. */
	snprintf(err, sizeof(err), "%s", d->db);
	snprintf(d->status, sizeof(d->status), "%s/eventd.json", dirname(err));
	return 0;
}

/* Watch the log's directory (new files) and the file we read (by its fd: renames). */
static void watch(struct eventd *d)
{
	char dir[PATH_MAX], fdpath[64];

	if (d->ino_fd < 0)
		return;
	if (d->dir_wd < 0) {
		snprintf(dir, sizeof(dir), "%s", d->log_path);
		d->dir_wd = inotify_add_watch(d->ino_fd, dirname(dir),
					      IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE);
	}
	if (d->f.fd < 0 || d->f.inode == d->watched_inode)
		return;
	if (d->file_wd >= 0)
		inotify_rm_watch(d->ino_fd, d->file_wd);
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", d->f.fd);
	d->file_wd = inotify_add_watch(d->ino_fd, fdpath,
				       IN_MODIFY | IN_MOVE_SELF | IN_DELETE_SELF | IN_ATTRIB);
	d->watched_inode = d->f.inode;
}

static void drain_inotify(int fd)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	while (fd >= 0 && read(fd, buf, sizeof(buf)) > 0)
		;
}

static json_t *status_json(struct eventd *d)
{
	char ts[64];
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	if (eve_format_timestamp(now, ts, sizeof(ts)) < 0)
		ts[0] = '\0';
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:s, s:I, "
			 "s:I}",
			 "timestamp", ts, "db", d->db, "event_log", d->log_path, "inode",
			 (json_int_t)d->f.inode, "offset", (json_int_t)d->f.offset, "lines_stored",
			 (json_int_t)d->f.stored, "bad_lines", (json_int_t)d->f.bad, "lag_bytes",
			 (json_int_t)follow_lag(&d->f), "rotations", (json_int_t)d->f.rotations,
			 "truncations", (json_int_t)d->f.truncations, "pruned",
			 (json_int_t)d->pruned, "db_ok", !d->f.db_failing, "last_error",
			 d->f.last_error, "started", (json_int_t)d->started, "db_rows",
			 (json_int_t)d->db_rows);
}

static void report(struct eventd *d, int to_log)
{
	json_t *o;
	char *s;

	d->db_rows = evstore_count(d->store, NULL);
	o = status_json(d);
	s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	if (s && file_write_atomic(d->status, s, strlen(s)))
		log_warn("writing %s: %s", d->status, strerror(errno));
	if (s && to_log)
		log_info("counters: %s", s);
	free(s);
	json_decref(o);
}

static void prune(struct eventd *d)
{
	long long n = evstore_prune(d->store, (long long)d->cfg.ev_retention_days * 86400,
				    (long long)d->cfg.ev_max_db_size);

	if (n < 0) {
		log_err("retention: %s", evstore_errmsg(d->store));
		return;
	}
	d->pruned += n;
	if (n)
		log_info("retention: deleted the %lld oldest events (keeping %u days, %lu bytes)",
			 n, d->cfg.ev_retention_days, d->cfg.ev_max_db_size);
}

static void step(struct eventd *d, int reopen)
{
	time_t now = time(NULL);

	if (follow_step(&d->f, reopen) && now - d->last_error_log >= STATS_EVERY_S) {
		/* Nothing is lost: the cursor stayed; retried each second, logged each minute. */
		log_err("%s; retrying", d->f.last_error);
		d->last_error_log = now;
	}
	watch(d);
}

static int run(struct eventd *d, int sfd)
{
	struct pollfd p[2] = {{.fd = sfd, .events = POLLIN}, {.fd = d->ino_fd, .events = POLLIN}};
	struct signalfd_siginfo si;
	time_t last_stats = time(NULL), last_prune = last_stats;

	prune(d);
	step(d, 0);
	report(d, 0);
	for (;;) {
		int reopen = 0;

		if (poll(p, d->ino_fd >= 0 ? 2 : 1, POLL_MS) < 0 && errno != EINTR)
			return -1;
		if (p[0].revents & POLLIN) {
			if (read(sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			if (si.ssi_signo != SIGHUP) {
				step(d, 0);
				log_info("stopping; %llu lines stored",
					 (unsigned long long)d->f.stored);
				report(d, 1);
				return 0;
			}
			log_info("SIGHUP: reopening %s", d->log_path);
			reopen = 1;
		}
		drain_inotify(d->ino_fd);
		step(d, reopen);
		if (time(NULL) - last_stats >= STATS_EVERY_S) {
			last_stats = time(NULL);
			report(d, 1);
		}
		if (time(NULL) - last_prune >= PRUNE_EVERY_S) {
			last_prune = time(NULL);
			prune(d);
		}
	}
}

/* Two daemons on one store would store every line twice: the second refuses to start. */
static int lock_store(const char *db)
{
	char path[PATH_MAX + 8];
	int fd;

	snprintf(path, sizeof(path), "%s.lock", db);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		log_err("%s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		log_err("another utm-eventd is storing into %s (%s is locked)", db, path);
		close(fd);
		return -1;
	}
	return fd; /* held until exit */
}

int main(int argc, char **argv)
{
	struct eventd d = {.ino_fd = -1, .dir_wd = -1, .file_wd = -1};
	char err[600];
	sigset_t mask;
	int sfd, rc;

	log_set_program("utm-eventd");
	if (parse_args(&d, argc, argv) || lock_store(d.db) < 0)
		return 1;
	d.store = evstore_open(d.db, 0, err, sizeof(err));
	if (!d.store) {
		log_err("%s", err);
		return 1;
	}
	if (follow_start(&d.f, d.store, d.log_path)) {
		log_err("out of memory");
		return 1;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	d.ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (d.ino_fd < 0)
		log_warn("inotify: %s; polling each second only", strerror(errno));
	d.started = time(NULL);
	log_info("storing %s into %s (retention %u days, %lu bytes)", d.log_path, d.db,
		 d.cfg.ev_retention_days, d.cfg.ev_max_db_size);
	rc = run(&d, sfd);
	follow_end(&d.f);
	evstore_close(d.store);
	utm_cfg_free(&d.cfg);
	return rc ? 1 : 0;
}
