/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* utm-load's state, shared by its files. */
#ifndef UTM_LOADER_H
#define UTM_LOADER_H

#include <linux/types.h>
#include <stdio.h>

#include "lib/config.h"
#include "lib/log.h"
#include "lib/utmmaps.h"

struct bridge_bpf;
struct feeds;

struct loader {
	struct utm_cfg cfg;
	char config_path[PATH_MAX]; /* "" when none */
	struct bridge_bpf *skel;
	struct utm_maps maps;
	unsigned int lan_ifindex, wan_ifindex;
	const char *mode_name;	   /* "native" or "generic" */
	int btf_fd;		   /* the program's BTF, for new inner maps */
	__u32 key_type[UTM_KIND_END], value_type;
	__u32 dns_key_type, dns_value_type;
	__u32 u32_type, u64_type; /* for the /24 bitmaps */
	__u64 dns_seed;	 /* the name hash seed, kept across restarts in settings */
	int dns_enabled; /* any domain list configured */
	FILE *event_log;
	struct feeds *feeds; /* the feeds thread, or NULL (--once) */
};

/* attach.c */
int loader_attach(struct loader *L);
int loader_detach(const struct utm_cfg *cfg);
int loader_write_ports(struct loader *L);
int loader_write_settings(struct loader *L, int gen);

/* reload.c: build a new generation from the lists and swap it in. */
int loader_reload(struct loader *L);

/* events.c */
int events_open_log(struct loader *L);
struct ring_buffer *events_start(struct loader *L);
/* Append one EVE line to the event log (thread-safe). */
void events_write_line(struct loader *L, const char *line);


#endif /* UTM_LOADER_H */
