// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-sinkhole: the web server of the DNS guard's sinkhole address. In
 * sinkhole mode the DNS guard answers a blocked name with the sinkhole
 * address (dns: sinkhole-ipv4 / -ipv6 of utm.yaml); a browser then asks
 * that address for the page, and gets the block page, in Japanese and
 * English, naming the site, the list that blocked it (looked up in the DNS
 * guard's live map, as `utm-ctl why` does), the device and whom to ask.
 *
 *   utm-sinkhole --config /etc/utm/utm.yaml [--listen ADDR]... [--port N]
 *
 * One thread per connection, at most MAX_CONNS at once; a request must
 * arrive within READ_TIMEOUT_S and fit in REQ_MAX bytes. The answer is
 * always the block page (403) and the connection is closed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/blockpage.h"
#include "lib/config.h"
#include "lib/dnsname.h"
#include "lib/log.h"
#include "lib/utmmaps.h"

#define MAX_LISTEN     4
#define MAX_CONNS      64
#define REQ_MAX	       8192
#define READ_TIMEOUT_S 5

struct server {
	struct utm_maps maps;
	int maps_ok;
	struct utm_cfg cfg;
	int fds[MAX_LISTEN];
	int nfds;
	atomic_int conns;
};

struct conn {
	struct server *s;
	int fd;
	struct sockaddr_storage peer;
};

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	stopping = 1;
}

/* The request head, up to the empty line; its length, or -1 (timeout, too long, closed). */
static ssize_t read_head(int fd, char *buf, size_t cap)
{
	struct timespec t0, t;
	size_t n = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (n + 1 < cap) {
		struct pollfd p = {fd, POLLIN, 0};
		ssize_t r;

		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec >= READ_TIMEOUT_S || poll(&p, 1, 1000) < 0)
			return -1;
		if (!p.revents)
			continue;
		r = recv(fd, buf + n, cap - 1 - n, 0);
		if (r <= 0)
			return -1;
		n += (size_t)r;
		buf[n] = '\0';
		if (strstr(buf, "\r\n\r\n") || strstr(buf, "\n\n"))
			return (ssize_t)n;
	}
	return -1;
}

/* The Host header's name (no port), or "" when there is none. */
static void host_of(const char *req, char *out, size_t cap)
{
	const char *h = req, *e;
	size_t n;

	out[0] = '\0';
	while ((h = strchr(h, '\n'))) {
		h++;
		if (strncasecmp(h, "Host:", 5))
			continue;
		h += 5;
		while (*h == ' ' || *h == '\t')
			h++;
		for (e = h; *e && *e != '\r' && *e != '\n' && *e != ':'; e++)
			;
		n = (size_t)(e - h) < cap - 1 ? (size_t)(e - h) : cap - 1;
		memcpy(out, h, n);
		out[n] = '\0';
		return;
	}
}

/* The request target: "GET /path HTTP/1.1" -> "/path" (cut at cap). */
static void path_of(const char *req, char *out, size_t cap)
{
	const char *p = strchr(req, ' '), *e;
	size_t n;

	out[0] = '\0';
	if (!p)
		return;
	p++;
	for (e = p; *e && *e != ' ' && *e != '\r' && *e != '\n'; e++)
		;
	n = (size_t)(e - p) < cap - 1 ? (size_t)(e - p) : cap - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* Which list blocks name, from the DNS guard's live map; "" when none (or no map). */
static void list_of(struct server *s, const char *host, char *list, size_t cap)
{
	char name[DNSNAME_BUF], why[DNSNAME_WHY_MAX];
	struct utm_dns_hit block, allow;
	struct utm_list_info info;

	list[0] = '\0';
	if (!s->maps_ok ||
	    dnsname_normalize(host, strlen(host), name, sizeof(name), why, sizeof(why)) < 0)
		return;
	if (utm_dns_why(&s->maps, name, &block, &allow) || !block.found || allow.found)
		return;
	if (utm_list_info(&s->maps, block.list, &info) == 0)
		snprintf(list, cap, "%s", info.name);
}

static void answer(struct conn *c)
{
	static __thread char req[REQ_MAX], page[BLOCKPAGE_MAX];
	struct blockpage_info bp = {.kind = BLOCKPAGE_DOMAIN_LIST};
	char host[256], path[512], list[64], ref[32];
	struct tm tm;
	int n;

	if (read_head(c->fd, req, sizeof(req)) < 0)
		return;
	host_of(req, host, sizeof(host));
	path_of(req, path, sizeof(path));
	list_of(c->s, host, list, sizeof(list));
	bp.host = host;
	bp.host_len = strlen(host);
	bp.path = path;
	bp.path_len = strlen(path);
	bp.list = list[0] ? list : NULL;
	bp.reason = "DNS guard / DNS ガード";
	if (c->peer.ss_family == AF_INET) {
		bp.ip_family = 4;
		memcpy(bp.ip, &((struct sockaddr_in *)&c->peer)->sin_addr, 4);
	} else {
		const struct in6_addr *a = &((struct sockaddr_in6 *)&c->peer)->sin6_addr;

		/* a v4-mapped peer of a dual-stack socket is shown as the IPv4 address */
		bp.ip_family = IN6_IS_ADDR_V4MAPPED(a) ? 4 : 6;
		memcpy(bp.ip, bp.ip_family == 4 ? a->s6_addr + 12 : a->s6_addr,
		       bp.ip_family == 4 ? 4 : 16);
	}
	clock_gettime(CLOCK_REALTIME, &bp.when);
	if (localtime_r(&bp.when.tv_sec, &tm))
		bp.utc_offset = tm.tm_gmtoff;
	snprintf(ref, sizeof(ref), "dns-%lld", (long long)bp.when.tv_sec);
	bp.ref = ref;
	bp.contact_name = c->s->cfg.inspect.contact_name;
	bp.contact_phone = c->s->cfg.inspect.contact_phone;
	bp.contact_email = c->s->cfg.inspect.contact_email;
	n = blockpage_render(&bp, page, sizeof(page));
	if (n > 0 && send(c->fd, page, (size_t)n, MSG_NOSIGNAL) == n) {
		char who[INET6_ADDRSTRLEN] = "?";

		inet_ntop(bp.ip_family == 4 ? AF_INET : AF_INET6, bp.ip, who, sizeof(who));
		log_info("block page for %s%s%s to %s", host[0] ? host : "(no Host)",
			 list[0] ? ", list " : "", list, who);
	}
}

static void *conn_main(void *arg)
{
	struct conn *c = arg;

	answer(c);
	close(c->fd);
	atomic_fetch_sub(&c->s->conns, 1);
	free(c);
	return NULL;
}

static void accept_one(struct server *s, int lfd)
{
	struct conn *c = calloc(1, sizeof(*c));
	socklen_t len = sizeof(c ? c->peer : (struct sockaddr_storage){0});
	pthread_attr_t attr;
	pthread_t t;

	if (!c)
		return;
	c->s = s;
	c->fd = accept4(lfd, (struct sockaddr *)&c->peer, &len, SOCK_CLOEXEC);
	if (c->fd < 0 || atomic_load(&s->conns) >= MAX_CONNS) {
		/* too many at once: the newcomer is refused rather than the server stalled */
		if (c->fd >= 0)
			close(c->fd);
		free(c);
		return;
	}
	atomic_fetch_add(&s->conns, 1);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, conn_main, c)) {
		atomic_fetch_sub(&s->conns, 1);
		close(c->fd);
		free(c);
	}
	pthread_attr_destroy(&attr);
}

static int listen_on(struct server *s, const char *addr, unsigned int port)
{
	struct sockaddr_storage ss = {0};
	socklen_t len;
	int fd, one = 1;

	if (s->nfds == MAX_LISTEN)
		return -1;
	if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
		len = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
		len = sizeof(struct sockaddr_in6);
	} else {
		log_err("--listen %s: not an IPv4 or IPv6 address", addr);
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 64)) {
		log_err("listening on %s port %u: %s", addr, port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	s->fds[s->nfds++] = fd;
	log_info("serving the block page on %s port %u", addr, port);
	return 0;
}

/* The sinkhole addresses of the configuration, when no --listen was given. */
static int listen_config(struct server *s, unsigned int port)
{
	static const unsigned char none[16];
	char a[INET6_ADDRSTRLEN];

	if (memcmp(s->cfg.dns_sink4, none, 4) &&
	    listen_on(s, inet_ntop(AF_INET, s->cfg.dns_sink4, a, sizeof(a)), port))
		return -1;
	if (memcmp(s->cfg.dns_sink6, none, 16) &&
	    listen_on(s, inet_ntop(AF_INET6, s->cfg.dns_sink6, a, sizeof(a)), port))
		return -1;
	if (!s->nfds) {
		log_err("no sinkhole address: set dns: sinkhole-ipv4 (and -ipv6) or give --listen");
		return -1;
	}
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: utm-sinkhole [--config FILE] [--listen ADDR]... [--port N] "
		     "[--pin-root DIR]\n"
		     "  serves the block page on the DNS guard's sinkhole addresses\n"
		     "  (dns: sinkhole-ipv4/-ipv6 of the configuration, or --listen)\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"listen", required_argument, NULL, 'l'},
		{"port", required_argument, NULL, 'p'},
		{"pin-root", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static struct server s;
	const char *listen_addrs[MAX_LISTEN], *pin_root = NULL;
	char err[PATH_MAX + 256];
	unsigned int port = 80, nlisten = 0, i;
	int c;

	log_set_program("utm-sinkhole");
	utm_cfg_defaults(&s.cfg);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (utm_cfg_load_file(optarg, &s.cfg, err, sizeof(err))) {
				log_err("%s", err);
				return 2;
			}
			break;
		case 'l':
			if (nlisten == MAX_LISTEN)
				return usage(stderr), 2;
			listen_addrs[nlisten++] = optarg;
			break;
		case 'p':
			port = (unsigned int)strtoul(optarg, NULL, 10);
			if (!port || port > 65535)
				return usage(stderr), 2;
			break;
		case 'r':
			pin_root = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	/* Without the maps the page still shows, only without the list's name. */
	s.maps_ok =
		utm_maps_open(pin_root ? pin_root : s.cfg.pin_root, &s.maps, err, sizeof(err)) == 0;
	if (!s.maps_ok)
		log_warn("%s: pages will not name the list", err);
	for (i = 0; i < nlisten; i++)
		if (listen_on(&s, listen_addrs[i], port))
			return 1;
	if (!nlisten && listen_config(&s, port))
		return 1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (!stopping) {
		struct pollfd p[MAX_LISTEN];

		for (c = 0; c < s.nfds; c++)
			p[c] = (struct pollfd){s.fds[c], POLLIN, 0};
		if (poll(p, (nfds_t)s.nfds, 500) < 0 && errno != EINTR)
			break;
		for (c = 0; c < s.nfds; c++)
			if (p[c].revents & POLLIN)
				accept_one(&s, s.fds[c]);
	}
	for (c = 0; c < s.nfds; c++)
		close(s.fds[c]);
	if (s.maps_ok)
		utm_maps_close(&s.maps);
	utm_cfg_free(&s.cfg);
	return 0;
}
