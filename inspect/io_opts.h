/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* utm-inspect's command line and configuration file. */
#ifndef UTM_INSPECT_IO_OPTS_H
#define UTM_INSPECT_IO_OPTS_H

#include <limits.h>
#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

/* The ports the issue names: HTTP, SMTP, submission, POP3, IMAP, FTP, DNS (TCP and UDP), TLS. */
#define OPTS_DEFAULT_PORTS                                                                         \
	"tcp:80,tcp:8080,tcp:25,tcp:587,tcp:110,tcp:143,tcp:21,tcp:53,tcp:443,udp:53"

struct opts {
	char lan[IF_NAMESIZE], wan[IF_NAMESIZE];
	char pin_root[PATH_MAX];
	unsigned int queues;	    /* workers, one per rx queue 0..queues-1 */
	unsigned int depth_packets; /* frames of a flow seen before it is bypassed */
	unsigned int flow_timeout_s, closing_timeout_s;
	char ports[1024];
	const char *rules[256]; /* --rules FILE, repeatable */
	unsigned int nrules;
	const char *pcap;	      /* offline mode */
	char eve_buf[PATH_MAX];	      /* the event log of --config */
	const char *ip_only_dir;      /* --ip-only-dir: where the IP-only rules' lists go */
	const char *drop_classes[64]; /* --drop-class CLASSTYPE: these alert rules drop */
	size_t n_drop_classes;
	uint32_t drop_sids[256]; /* --drop-sid SID */
	size_t n_drop_sids;
	const char *eve; /* EVE JSON output, "-" for stdout */
	/* What the inspect: section of --config gave (flags override it). */
	char cfg_classes[64][64];	 /* its drop-classtypes */
	char cfg_ip_only_dir[PATH_MAX];	 /* its ip-only-dir */
	char (*rule_patterns)[PATH_MAX]; /* its rules (glob patterns), used without --rules */
	size_t n_rule_patterns;
	/* The web policy: the inspect: section's keys, then the flags. */
	const char *config_path;       /* --config, or NULL: its lists are the site lists */
	char categories[PATH_MAX];     /* --categories: the UT1 tree; "": no categories */
	char log_categories[64][48];   /* --log-category: non-business, an event each */
	size_t n_log_categories;       /* 0: none logged */
	char block_categories[64][48]; /* --block-category: blocked (wins over logging) */
	size_t n_block_categories;
	unsigned int category_window_s; /* one event per device and domain per window */
	int block_sites;	/* HTTP Host/URL, TLS SNI against the lists (--no-block-sites) */
	int block_quic;		/* --block-quic: drop UDP 443 from the LAN */
	int block_doh;		/* --block-doh: reset TLS to DoH resolvers, TCP 853 */
	char contact_name[128]; /* --contact-*: on the block page; "": not shown */
	char contact_phone[128];
	char contact_email[128];
	/* Application detection (nDPI): the inspect: section's keys, then the flags. */
	int apps; /* every new TCP/UDP flow's first packets to nDPI (--no-apps) */
	char log_app_categories[64][40]; /* --log-app-category: an event per device and app */
	size_t n_log_app_categories;	 /* 0: none logged */
	char block_apps[64][40];	 /* --block-app: nDPI applications blocked */
	size_t n_block_apps;
	char block_app_categories[64][40]; /* --block-app-category: nDPI categories blocked */
	size_t n_block_app_categories;
	/* Antivirus (libclamav): the inspect: section's keys, then the flags. */
	int av;			/* scan HTTP downloads and uploads (--no-av) */
	char av_db[PATH_MAX];	/* --av-db: the ClamAV database directory */
	uint64_t av_max_file;	/* --av-max-file: the largest file scanned, bytes */
	int av_block_unscanned; /* --av-block-unscanned: a file over a limit is blocked */
};

/* Fill o from the command line (and --config first). 0, or -1 after a message on stderr. */
int opts_parse(struct opts *o, int argc, char **argv);

#endif /* UTM_INSPECT_IO_OPTS_H */
