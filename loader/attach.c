// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Loading the XDP bridge, pinning its maps and links, adopting a bridge that
 * an earlier utm-load left running, and removing it all (--detach).
 *
 * The program is attached through bpf_links pinned under the pin root, so
 * it keeps bridging when utm-load exits or dies; a new utm-load reuses the
 * pinned maps and swaps its program into the pinned links atomically.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bridge.skel.h"
#include "loader.h"

static int mkdir_p(const char *path)
{
	char tmp[PATH_MAX], *p;

	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

static int set_pin_paths(struct loader *L)
{
	char path[PATH_MAX];
	int i;

	for (i = 0; utm_map_names[i]; i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(L->skel->obj, utm_map_names[i]);

		if (!m || utm_pin_path(path, sizeof(path), L->cfg.pin_root, utm_map_names[i]))
			return -1;
		if (bpf_map__set_pin_path(m, path))
			return -1;
	}
	return 0;
}

static int find_btf_types(struct loader *L)
{
	static const char *const key_names[UTM_KIND_END] = {
		[IPKEY_EXACT4] = "utm_ip4_key",
		[IPKEY_PREFIX4] = "utm_lpm4_key",
		[IPKEY_EXACT6] = "utm_ip6_key",
		[IPKEY_PREFIX6] = "utm_lpm6_key",
	};
	struct btf *btf = bpf_object__btf(L->skel->obj);
	int i, id;

	L->btf_fd = bpf_object__btf_fd(L->skel->obj);
	if (!btf || L->btf_fd < 0)
		return -1;
	for (i = UTM_KIND_FIRST; i < UTM_KIND_END; i++) {
		id = btf__find_by_name_kind(btf, key_names[i], BTF_KIND_STRUCT);
		if (id < 0)
			return -1;
		L->key_type[i] = id;
	}
	id = btf__find_by_name_kind(btf, "utm_ip_entry", BTF_KIND_STRUCT);
	if (id < 0)
		return -1;
	L->value_type = id;
	id = btf__find_by_name_kind(btf, "__u32", BTF_KIND_TYPEDEF);
	if (id < 0)
		return -1;
	L->u32_type = id;
	id = btf__find_by_name_kind(btf, "__u64", BTF_KIND_TYPEDEF);
	if (id < 0)
		return -1;
	L->u64_type = id;
	id = btf__find_by_name_kind(btf, "utm_dns_key", BTF_KIND_STRUCT);
	if (id < 0)
		return -1;
	L->dns_key_type = id;
	id = btf__find_by_name_kind(btf, "utm_dns_entry", BTF_KIND_STRUCT);
	if (id < 0)
		return -1;
	L->dns_value_type = id;
	return 0;
}

/* The port's own MAC and addresses, so frames for the UTM reach its stack. */
static void read_port_addresses(const char *ifname, struct utm_port *p)
{
	struct ifaddrs *ifa, *i;

	if (getifaddrs(&ifa))
		return;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || strcmp(i->ifa_name, ifname))
			continue;
		if (i->ifa_addr->sa_family == AF_PACKET) {
			struct sockaddr_ll *ll = (struct sockaddr_ll *)i->ifa_addr;

			if (ll->sll_halen == 6)
				memcpy(p->mac, ll->sll_addr, 6);
		} else if (i->ifa_addr->sa_family == AF_INET) {
			memcpy(p->ipv4, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, 4);
			p->has_address = 1;
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			struct in6_addr *a = &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;

			if (IN6_IS_ADDR_LINKLOCAL(a)) {
				memcpy(p->ipv6_ll, a, 16);
			} else {
				memcpy(p->ipv6, a, 16);
				p->has_address = 1;
			}
		}
	}
	freeifaddrs(ifa);
}

int loader_write_ports(struct loader *L)
{
	unsigned int idx[2] = { L->lan_ifindex, L->wan_ifindex };
	const char *names[2] = { L->cfg.lan, L->cfg.wan };
	int i;

	for (i = 0; i < 2; i++) {
		struct utm_port p = { .role = i, .peer_ifindex = idx[!i] };

		read_port_addresses(names[i], &p);
		if (bpf_map_update_elem(L->maps.port_cfg, &idx[i], &p, BPF_ANY) ||
		    bpf_map_update_elem(bpf_map__fd(L->skel->maps.tx_ports), &idx[i], &idx[!i], BPF_ANY)) {
			log_err("writing port %s into port_cfg/tx_ports: %s", names[i],
				strerror(errno));
			return -1;
		}
	}
	return 0;
}

int loader_write_settings(struct loader *L, int gen)
{
	struct utm_config c = {
		.gen = gen,
		.drop_malformed = L->cfg.drop_malformed,
		.ev_rate_per_src = L->cfg.ev_rate_per_src,
		.ev_burst_per_src = L->cfg.ev_burst_per_src,
		.ev_rate_global = L->cfg.ev_rate_global,
		.ev_burst_global = L->cfg.ev_burst_global,
		.dns_mode = L->cfg.dns_mode,
		.dns_ttl = L->cfg.dns_ttl,
		.dns_seed = L->dns_seed,
		.dns_enabled = L->dns_enabled,
	};
	__u32 zero = 0;

	memcpy(c.dns_sink4, L->cfg.dns_sink4, sizeof(c.dns_sink4));
	memcpy(c.dns_sink6, L->cfg.dns_sink6, sizeof(c.dns_sink6));
	if (bpf_map_update_elem(L->maps.settings, &zero, &c, BPF_ANY)) {
		log_err("writing settings: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Swap our program into a pinned link left by an earlier utm-load. */
static int adopt_link(struct loader *L, int link_fd, unsigned int ifindex, const char *ifname)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);
	int prog_fd = bpf_program__fd(L->skel->progs.utm_bridge);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(link_fd, &info, &len))
		return -errno;
	if (info.type != BPF_LINK_TYPE_XDP || info.xdp.ifindex != ifindex) {
		log_err("the pinned link for %s is attached elsewhere (ifindex %u); "
			"run utm-load --detach first",
			ifname, info.xdp.ifindex);
		return -EEXIST;
	}
	if (bpf_link_update(link_fd, prog_fd, NULL))
		return -errno;
	log_info("adopted the running bridge on %s (%s mode)", ifname, utm_xdp_mode(ifindex));
	return 0;
}

static int create_link(struct loader *L, unsigned int ifindex, const char *ifname, __u32 flags)
{
	LIBBPF_OPTS(bpf_link_create_opts, o, .flags = flags);

	return bpf_link_create(bpf_program__fd(L->skel->progs.utm_bridge), ifindex, BPF_XDP, &o);
}

static int attach_port(struct loader *L, unsigned int ifindex, const char *ifname,
		       const char *pin_name)
{
	char path[PATH_MAX];
	int fd, err;

	utm_pin_path(path, sizeof(path), L->cfg.pin_root, pin_name);
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		err = adopt_link(L, fd, ifindex, ifname);
		close(fd);
		return err;
	}
	fd = -1;
	if (L->cfg.xdp_mode != UTM_XDP_GENERIC) {
		fd = create_link(L, ifindex, ifname, XDP_FLAGS_DRV_MODE);
		if (fd < 0 && L->cfg.xdp_mode == UTM_XDP_NATIVE) {
			log_err("native XDP on %s failed: %s", ifname, strerror(-fd));
			return fd;
		}
		if (fd < 0)
			log_warn("native XDP on %s failed (%s); falling back to generic (skb) "
				 "mode, which is slower",
				 ifname, strerror(-fd));
	}
	if (fd < 0)
		fd = create_link(L, ifindex, ifname, XDP_FLAGS_SKB_MODE);
	if (fd < 0) {
		log_err("attaching XDP to %s failed: %s%s", ifname, strerror(-fd),
			fd == -EBUSY ? " (another XDP program is attached; remove it first)" : "");
		return fd;
	}
	if (bpf_obj_pin(fd, path)) {
		err = -errno;
		log_err("pinning %s: %s", path, strerror(errno));
		bpf_link_detach(fd);
		close(fd);
		return err;
	}
	close(fd);
	log_info("attached to %s in %s mode", ifname, utm_xdp_mode(ifindex));
	return 0;
}

static int quiet_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int resolve_ports(struct loader *L)
{
	L->lan_ifindex = if_nametoindex(L->cfg.lan);
	L->wan_ifindex = if_nametoindex(L->cfg.wan);
	if (!L->lan_ifindex || !L->wan_ifindex) {
		log_err("no such interface: %s", !L->lan_ifindex ? L->cfg.lan : L->cfg.wan);
		return -1;
	}
	if (L->lan_ifindex == L->wan_ifindex) {
		log_err("the LAN and WAN ports must differ (both are %s)", L->cfg.lan);
		return -1;
	}
	return 0;
}

/*
 * Keep the live generation and the name hash seed when adopting (the live
 * DNS map was hashed with it); initialise them otherwise. The DNS guard
 * stays as it was until the first reload has built its maps.
 */
static int init_settings(struct loader *L)
{
	struct utm_config c;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(L->maps.settings, &zero, &c))
		return -1;
	L->dns_seed = c.dns_seed;
	L->dns_enabled = c.dns_enabled;
	while (!L->dns_seed)
		if (getrandom(&L->dns_seed, sizeof(L->dns_seed), 0) != sizeof(L->dns_seed))
			return -1;
	return loader_write_settings(L, c.gen & 1);
}

int loader_attach(struct loader *L)
{
	char err[512];
	int rc;

	libbpf_set_print(quiet_libbpf);
	if (resolve_ports(L))
		return -1;
	rc = mkdir_p(L->cfg.pin_root);
	if (rc) {
		log_err("creating pin root %s: %s (is bpffs mounted on /sys/fs/bpf?)",
			L->cfg.pin_root, strerror(-rc));
		return -1;
	}
	L->skel = bridge_bpf__open();
	if (!L->skel || set_pin_paths(L)) {
		log_err("opening the BPF object failed");
		return -1;
	}
	rc = bridge_bpf__load(L->skel);
	if (rc) {
		log_err("loading the BPF program failed: %s (if the pinned maps under %s come "
			"from an incompatible version, run utm-load --detach first)",
			strerror(-rc), L->cfg.pin_root);
		return -1;
	}
	if (find_btf_types(L) || utm_maps_open(L->cfg.pin_root, &L->maps, err, sizeof(err))) {
		log_err("opening pinned maps: %s", err);
		return -1;
	}
	if (loader_write_ports(L) || init_settings(L))
		return -1;
	if (attach_port(L, L->lan_ifindex, L->cfg.lan, "link_lan") ||
	    attach_port(L, L->wan_ifindex, L->cfg.wan, "link_wan"))
		return -1;
	L->mode_name = utm_xdp_mode(L->lan_ifindex);
	return 0;
}

static void detach_link(const char *root, const char *name)
{
	char path[PATH_MAX];
	int fd;

	utm_pin_path(path, sizeof(path), root, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return;
	/* Detach even if a running utm-load still holds the link open. */
	if (bpf_link_detach(fd))
		log_warn("detaching %s: %s", path, strerror(errno));
	close(fd);
	unlink(path);
}

static void stop_running_loader(const struct utm_cfg *cfg)
{
	char path[PATH_MAX], comm[64] = "";
	FILE *f;
	int pid = 0;

	snprintf(path, sizeof(path), "%s/utm-load.pid", cfg->state_dir);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = pid > 0 ? fopen(path, "r") : NULL;
	if (f) {
		if (fgets(comm, sizeof(comm), f) && strncmp(comm, "utm-load", 8) == 0 &&
		    pid != getpid())
			kill(pid, SIGTERM);
		fclose(f);
	}
}

int loader_detach(const struct utm_cfg *cfg)
{
	char path[PATH_MAX];
	int i, k;

	stop_running_loader(cfg);
	detach_link(cfg->pin_root, "link_lan");
	detach_link(cfg->pin_root, "link_wan");
	for (i = 0; utm_map_names[i]; i++)
		if (!utm_pin_path(path, sizeof(path), cfg->pin_root, utm_map_names[i]))
			unlink(path);
	for (k = UTM_KIND_FIRST; k < UTM_KIND_END; k++)
		for (i = 0; i < 2; i++)
			if (!utm_pin_path(path, sizeof(path), cfg->pin_root, utm_live_name(k, i)))
				unlink(path);
	if (!utm_pin_path(path, sizeof(path), cfg->pin_root, UTM_DNS_LIVE_NAME))
		unlink(path);
	for (i = 0; i < 2; i++)
		if (!utm_pin_path(path, sizeof(path), cfg->pin_root, utm_live_bits_name(i)))
			unlink(path);
	if (rmdir(cfg->pin_root) && errno != ENOENT) {
		log_err("removing %s: %s", cfg->pin_root, strerror(errno));
		return -1;
	}
	log_info("detached: programs, links and pins under %s removed", cfg->pin_root);
	return 0;
}
