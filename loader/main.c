// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-load: attaches the XDP bridge to a LAN/WAN port pair, keeps its IP
 * lists in step with the list files, and streams block events as EVE JSON.
 * Stopping it leaves the bridge running; `utm-load --detach` removes it.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "bridge.skel.h"
#include "feeds.h"
#include "loader.h"
#include "watch.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: utm-load --lan IF --wan IF [options]\n"
		"       utm-load --detach [--pin-root DIR] [--state-dir DIR]\n"
		"\n"
		"  --lan IF, --wan IF   the bridge ports (the office side and the router side)\n"
		"  --config FILE        YAML configuration (ports, lists, events; see README)\n"
		"  --block FILE         a blocklist applied in both directions (repeatable)\n"
		"  --allow FILE         an allowlist; allow entries win (repeatable)\n"
		"  --block-domains FILE a domain blocklist for the DNS guard (repeatable)\n"
		"  --allow-domains FILE a domain allowlist; allow entries win (repeatable)\n"
		"  --dns-mode MODE      answer for blocked names: null | nxdomain | nodata [null]\n"
		"  --pin-root DIR       where maps and links are pinned [%s]\n"
		"  --state-dir DIR      runtime lists, last good copies, pid file [%s]\n"
		"  --event-log FILE     EVE JSON events, '-' for stdout [-]\n"
		"  --xdp-mode MODE      auto (native, else generic) | native | generic [auto]\n"
		"  --once               attach, refresh the feeds once, load the lists, then exit\n"
		"                       (the bridge stays)\n"
		"  --detach             remove the bridge: programs, links and pins\n",
		UTM_DEFAULT_PIN_ROOT, UTM_DEFAULT_STATE_DIR);
}

/* A list from --block/--allow/--*-domains: named after its file, made unique. */
static int add_flag_list(struct utm_cfg *cfg, const char *path, int allow, int kind)
{
	struct utm_list_cfg l = {
		.allow = allow, .dir = UTM_DIR_BOTH, .severity = 2, .kind = kind
	};
	char base[PATH_MAX], *dot;
	int n;

	if (!realpath(path, l.path)) {
		fprintf(stderr, "utm-load: %s: %s\n", path, strerror(errno));
		return -1;
	}
	snprintf(base, sizeof(base), "%s", path);
	snprintf(l.name, sizeof(l.name), "%s", basename(base));
	dot = strrchr(l.name, '.');
	if (dot && dot != l.name)
		*dot = '\0';
	for (n = 2; utm_cfg_add_list(cfg, &l); n++) {
		if (errno != EEXIST || n == 100) {
			fprintf(stderr, "utm-load: cannot add list %s: %s\n", path, strerror(errno));
			return -1;
		}
		snprintf(base, sizeof(base), "%.40s-%d", l.name, n);
		snprintf(l.name, sizeof(l.name), "%s", base);
	}
	return 0;
}

struct opts {
	int detach, once;
};

enum { OPT_LAN = 256, OPT_WAN, OPT_CONFIG, OPT_BLOCK, OPT_ALLOW, OPT_PIN, OPT_STATE,
       OPT_LOG, OPT_MODE, OPT_ONCE, OPT_DETACH, OPT_HELP, OPT_BLOCK_DOM, OPT_ALLOW_DOM,
       OPT_DNS_MODE };

static const struct option longopts[] = {
	{ "lan", required_argument, NULL, OPT_LAN },
	{ "wan", required_argument, NULL, OPT_WAN },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "block", required_argument, NULL, OPT_BLOCK },
	{ "allow", required_argument, NULL, OPT_ALLOW },
	{ "block-domains", required_argument, NULL, OPT_BLOCK_DOM },
	{ "allow-domains", required_argument, NULL, OPT_ALLOW_DOM },
	{ "dns-mode", required_argument, NULL, OPT_DNS_MODE },
	{ "pin-root", required_argument, NULL, OPT_PIN },
	{ "state-dir", required_argument, NULL, OPT_STATE },
	{ "event-log", required_argument, NULL, OPT_LOG },
	{ "xdp-mode", required_argument, NULL, OPT_MODE },
	{ "once", no_argument, NULL, OPT_ONCE },
	{ "detach", no_argument, NULL, OPT_DETACH },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static int set_mode(struct utm_cfg *cfg, const char *m)
{
	if (!strcmp(m, "auto"))
		cfg->xdp_mode = UTM_XDP_AUTO;
	else if (!strcmp(m, "native"))
		cfg->xdp_mode = UTM_XDP_NATIVE;
	else if (!strcmp(m, "generic"))
		cfg->xdp_mode = UTM_XDP_GENERIC;
	else
		return -1;
	return 0;
}

static int set_dns_mode(struct utm_cfg *cfg, const char *m)
{
	static const char *const names[] = { "null", "nxdomain", "nodata" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(m, names[i])) {
			cfg->dns_mode = i;
			return 0;
		}
	}
	return -1;
}

/* The config file is read first so that flags override it. */
static int load_config_arg(struct loader *L, int argc, char **argv)
{
	char err[PATH_MAX + 256];
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c != OPT_CONFIG)
			continue;
		if (!realpath(optarg, L->config_path)) {
			fprintf(stderr, "utm-load: %s: %s\n", optarg, strerror(errno));
			return -1;
		}
		if (utm_cfg_load_file(L->config_path, &L->cfg, err, sizeof(err))) {
			fprintf(stderr, "utm-load: %s\n", err);
			return -1;
		}
	}
	return 0;
}

#define COPY_ARG(dst) snprintf(dst, sizeof(dst), "%s", optarg)

static int parse_args(struct loader *L, struct opts *o, int argc, char **argv)
{
	int c;

	if (load_config_arg(L, argc, argv))
		return -1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_LAN: COPY_ARG(L->cfg.lan); break;
		case OPT_WAN: COPY_ARG(L->cfg.wan); break;
		case OPT_CONFIG: break;
		case OPT_BLOCK:
		case OPT_ALLOW:
			if (add_flag_list(&L->cfg, optarg, c == OPT_ALLOW, UTM_LIST_KIND_IP))
				return -1;
			break;
		case OPT_BLOCK_DOM:
		case OPT_ALLOW_DOM:
			if (add_flag_list(&L->cfg, optarg, c == OPT_ALLOW_DOM,
					  UTM_LIST_KIND_DOMAINS))
				return -1;
			break;
		case OPT_DNS_MODE:
			if (set_dns_mode(&L->cfg, optarg)) {
				fprintf(stderr, "utm-load: --dns-mode: null, nxdomain or nodata\n");
				return -1;
			}
			break;
		case OPT_PIN: COPY_ARG(L->cfg.pin_root); break;
		case OPT_STATE: COPY_ARG(L->cfg.state_dir); break;
		case OPT_LOG: COPY_ARG(L->cfg.event_log); break;
		case OPT_MODE:
			if (set_mode(&L->cfg, optarg)) {
				fprintf(stderr, "utm-load: --xdp-mode: auto, native or generic\n");
				return -1;
			}
			break;
		case OPT_ONCE: o->once = 1; break;
		case OPT_DETACH: o->detach = 1; break;
		case OPT_HELP: usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "utm-load: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (!o->detach && (!L->cfg.lan[0] || !L->cfg.wan[0])) {
		fprintf(stderr, "utm-load: --lan and --wan are required\n");
		usage(stderr);
		return -1;
	}
	return 0;
}

static int write_pidfile(const struct loader *L)
{
	char path[PATH_MAX];
	FILE *f;

	if (mkdir(L->cfg.state_dir, 0700) && errno != EEXIST) {
		log_err("creating state dir %s: %s", L->cfg.state_dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/utm-load.pid", L->cfg.state_dir);
	f = fopen(path, "we");
	if (!f)
		return -1;
	fprintf(f, "%d\n", getpid());
	fclose(f);
	return 0;
}

/* Re-read the configuration's lists; ports and pin root need a restart. */
static void reread_config(struct loader *L)
{
	struct utm_cfg fresh, old = { 0 };
	char err[PATH_MAX + 256];

	if (!L->config_path[0])
		return;
	utm_cfg_defaults(&fresh);
	if (utm_cfg_load_file(L->config_path, &fresh, err, sizeof(err))) {
		log_err("%s; keeping the current configuration", err);
		return;
	}
	old.lists = L->cfg.lists;
	old.nlists = L->cfg.nlists;
	utm_cfg_free(&old);
	L->cfg.lists = fresh.lists;
	L->cfg.nlists = fresh.nlists;
	fresh.lists = NULL;
	L->cfg.drop_malformed = fresh.drop_malformed;
	L->cfg.ev_rate_per_src = fresh.ev_rate_per_src;
	L->cfg.ev_burst_per_src = fresh.ev_burst_per_src;
	L->cfg.ev_rate_global = fresh.ev_rate_global;
	L->cfg.ev_burst_global = fresh.ev_burst_global;
	L->cfg.dns_mode = fresh.dns_mode;
	L->cfg.dns_ttl = fresh.dns_ttl;
	memcpy(L->cfg.never_addrs, fresh.never_addrs, sizeof(fresh.never_addrs));
	L->cfg.n_never_addrs = fresh.n_never_addrs;
	memcpy(L->cfg.never_names, fresh.never_names, sizeof(fresh.never_names));
	L->cfg.n_never_names = fresh.n_never_names;
	utm_cfg_set_feed_paths(&L->cfg);
	memcpy(L->cfg.dns_sink4, fresh.dns_sink4, sizeof(fresh.dns_sink4));
	memcpy(L->cfg.dns_sink6, fresh.dns_sink6, sizeof(fresh.dns_sink6));
	utm_cfg_free(&fresh);
}

static int epoll_add(int ep, int fd)
{
	struct epoll_event e = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

/* The feeds of a changed configuration: a new thread with the new list. */
static void restart_feeds(struct loader *L)
{
	feeds_stop(L->feeds);
	if (feeds_start(L->feeds, L))
		log_err("feeds: not refreshing until the next reload");
}

static int handle_signal(struct loader *L, int sfd, struct watch *w)
{
	struct signalfd_siginfo si;

	if (read(sfd, &si, sizeof(si)) != sizeof(si))
		return 0;
	if (si.ssi_signo != SIGHUP) {
		log_info("stopping; the bridge keeps forwarding (utm-load --detach removes it)");
		return 1;
	}
	log_info("SIGHUP: reopening the event log and reloading the lists");
	events_open_log(L);
	reread_config(L);
	restart_feeds(L);
	loader_reload(L);
	return 0;
}

static int run(struct loader *L, int sfd)
{
	struct ring_buffer *rb = events_start(L);
	struct watch w = { .inotify_fd = -1, .timer_fd = -1 };
	int ep = epoll_create1(EPOLL_CLOEXEC), stop = 0, rb_fd;

	if (!rb || ep < 0 || watch_start(&w, L))
		return 1;
	if (feeds_start(L->feeds, L))
		log_err("feeds: not refreshing; lists and cached feeds stay in force");
	rb_fd = ring_buffer__epoll_fd(rb);
	epoll_add(ep, rb_fd);
	epoll_add(ep, sfd);
	epoll_add(ep, w.inotify_fd);
	epoll_add(ep, w.timer_fd);
	epoll_add(ep, L->feeds->notify_fd);
	while (!stop) {
		struct epoll_event evs[8];
		int n = epoll_wait(ep, evs, 8, -1), i;

		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == rb_fd)
				ring_buffer__consume(rb);
			else if (fd == sfd)
				stop = handle_signal(L, sfd, &w);
			else if (fd == w.inotify_fd)
				watch_on_inotify(&w);
			else if (fd == w.timer_fd && watch_on_timer(&w)) {
				log_info("list or configuration file changed: reloading");
				reread_config(L);
				restart_feeds(L);
				epoll_add(ep, L->feeds->notify_fd);
				loader_reload(L);
			} else if (fd == L->feeds->notify_fd && feeds_on_notify(L->feeds)) {
				log_info("feed content changed: reloading");
				loader_reload(L);
			}
		}
	}
	feeds_stop(L->feeds);
	ring_buffer__consume(rb);
	ring_buffer__free(rb);
	watch_stop(&w);
	close(ep);
	return 0;
}

int main(int argc, char **argv)
{
	struct feeds feeds = { .notify_fd = -1 };
	struct loader L = { .btf_fd = -1, .feeds = &feeds };
	struct opts o = { 0 };
	sigset_t mask;
	int sfd, rc;

	log_set_program("utm-load");
	utm_cfg_defaults(&L.cfg);
	memset(&L.maps, -1, sizeof(L.maps));
	if (parse_args(&L, &o, argc, argv))
		return 2;
	if (o.detach)
		return loader_detach(&L.cfg) ? 1 : 0;
	utm_cfg_set_feed_paths(&L.cfg);

	/* curl runs with CURLOPT_NOSIGNAL: a TLS write to a closed socket must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);

	if (write_pidfile(&L) || events_open_log(&L) || loader_attach(&L))
		return 1;
	log_info("bridging %s <-> %s (%s mode), pins under %s", L.cfg.lan, L.cfg.wan,
		 L.mode_name, L.cfg.pin_root);
	/* A refused list keeps its previous data; the bridge runs regardless. */
	if (o.once)
		feeds_refresh_all(&feeds, &L);
	loader_reload(&L);
	rc = o.once ? 0 : run(&L, sfd);
	feeds_stop(&feeds);
	bridge_bpf__destroy(L.skel);
	utm_maps_close(&L.maps);
	utm_cfg_free(&L.cfg);
	return rc;
}
