/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * utm.yaml: the configuration shared by utm-load and utm-ctl.
 * Parsing is a pure function over a buffer; errors name file:line.
 */
#ifndef UTM_CONFIG_H
#define UTM_CONFIG_H

#include <limits.h>
#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/iplist.h"

#define UTM_DEFAULT_PIN_ROOT  "/sys/fs/bpf/utm"
#define UTM_DEFAULT_STATE_DIR "/var/lib/utm"

/* Configured lists get ids UTM_LIST_FIRST_CONFIGURED..UTM_MAX_LISTS - 1. */
#define UTM_CFG_MAX_LISTS 253
/* Upper bound of the events.* rates and bursts. */
#define UTM_CFG_MAX_EVENT_RATE 1000000
/* The event store's default retention (utm-eventd). */
#define UTM_DEFAULT_RETENTION_DAYS 365
#define UTM_DEFAULT_MAX_DB_SIZE	   (1ul << 30)

enum utm_xdp_mode {
	UTM_XDP_AUTO = 0, /* native, falling back to generic */
	UTM_XDP_NATIVE,
	UTM_XDP_GENERIC,
};

/* What a list holds. */
enum utm_list_kind {
	UTM_LIST_KIND_IP = 0,	   /* addresses and prefixes: the IP lists */
	UTM_LIST_KIND_DOMAINS = 1, /* domain names: the DNS guard */
	UTM_LIST_KIND_URLS = 2,	   /* URLs: their host names go to the DNS guard */
	/* Kinds that no BPF map holds: kept on disk for utm-inspect. */
	UTM_LIST_KIND_IPS_RULES = 3,	 /* Suricata rules */
	UTM_LIST_KIND_AV_SIGNATURES = 4, /* ClamAV databases */
	UTM_LIST_KIND_CATEGORIES = 5,	 /* web categories (domains by category) */
};

/* 1 for the kinds whose entries go into the bridge's maps. */
static inline int utm_list_kind_in_maps(int kind)
{
	return kind <= UTM_LIST_KIND_URLS;
}

/* How a feed's content is written (the line formats of iplist/domlist are AUTO). */
enum utm_feed_format {
	UTM_FMT_AUTO = 0,	   /* the line formats lib/iplist.h and lib/domlist.h detect */
	UTM_FMT_SPAMHAUS_JSON = 1, /* drop_v4.json / drop_v6.json */
	UTM_FMT_ET_IPREP = 2,	   /* ip,category,score + a category file */
	UTM_FMT_URLHAUS_CSV = 3,   /* URLhaus CSV dump: the URLs' hosts */
	UTM_FMT_CROWDSEC = 4,	   /* CrowdSec LAPI decisions stream (kept as a plain list) */
};

#define UTM_CFG_URL_LEN 1024
#define UTM_CFG_KEY_LEN 256
/* At most this many never-block addresses and names. */
#define UTM_CFG_MAX_NEVER 64

/* Where a feed comes from and how it is checked; zero for a local list. */
struct utm_feed_cfg {
	char url[UTM_CFG_URL_LEN];	       /* http://, https://, file:// */
	int format;			       /* enum utm_feed_format */
	unsigned int refresh_s;		       /* seconds between refreshes (default 3600) */
	unsigned int timeout_s;		       /* one download (default 120) */
	unsigned long max_size;		       /* bytes, after decompression (default 256 MiB) */
	unsigned int max_change_pct;	       /* refuse size changes above this % (default 50) */
	int allow_private;		       /* accept private/special ranges */
	int allow_empty;		       /* accept an empty feed (default: refuse) */
	unsigned int min_prefix4, min_prefix6; /* refuse shorter block prefixes (8, 16) */
	char sig_key[UTM_CFG_KEY_LEN];	       /* minisign public key: signature required */
	char sig_url[UTM_CFG_URL_LEN];	       /* default: url + ".minisig" */
	char api_key[UTM_CFG_KEY_LEN];	       /* sent as X-Api-Key (CrowdSec) */
	char category_url[UTM_CFG_URL_LEN];    /* ET IP reputation: the category file */
	unsigned int min_score;		       /* ET IP reputation: keep scores >= this */
	unsigned char categories[256];	       /* ET IP reputation: 1 = keep; none set = all */
};

/* One list: where its entries come from and how they apply. */
struct utm_list_cfg {
	char name[48];		  /* unique, [A-Za-z0-9_.-] */
	char path[PATH_MAX];	  /* absolute, or made absolute relative to the config file */
	int allow;		  /* 1: allowlist, 0: blocklist */
	int dir;		  /* enum utm_dir from bpf/utm_types.h (IP lists) */
	int severity;		  /* 1..3, default 2 */
	int kind;		  /* enum utm_list_kind */
	int refuse_invalid;	  /* domain lists: 1 refuses the list on a bad line,
				   * 0 (default) skips bad lines; IP lists always refuse */
	struct utm_feed_cfg feed; /* feed.url[0] != 0: a feed; path is then its cached copy */
};

static inline int utm_list_is_feed(const struct utm_list_cfg *l)
{
	return l->feed.url[0] != '\0';
}

/* utm-inspect: the "inspect:" section. */
#define UTM_CFG_MAX_RULE_PATTERNS   256 /* inspect.rules entries */
#define UTM_CFG_MAX_DROP_CLASSES    64
#define UTM_CFG_MAX_DROP_SIDS	    256
#define UTM_CFG_CLASSTYPE_LEN	    64
#define UTM_CFG_PORTS_LEN	    1024
#define UTM_CFG_MAX_STEER_PORTS	    64 /* entries of a "tcp:80,udp:53" list */
#define UTM_INSPECT_DEFAULT_DEPTH   32
#define UTM_INSPECT_DEFAULT_TIMEOUT 300
#define UTM_INSPECT_DEFAULT_CLOSING 10
#define UTM_INSPECT_MAX_DEPTH	    (1u << 30)
#define UTM_INSPECT_MAX_TIMEOUT	    86400
/* The web policy: UT1 categories, site blocking, the block page. */
#define UTM_CFG_MAX_CATEGORIES		    64	/* entries of log- and block-categories */
#define UTM_CFG_CATEGORY_LEN		    48	/* a UT1 short name and its NUL (CATDB_NAME_MAX) */
#define UTM_CFG_CONTACT_LEN		    128 /* a block-page contact and its NUL */
#define UTM_INSPECT_DEFAULT_CATEGORY_WINDOW 3600
/* Application detection (nDPI): application and category names. */
#define UTM_CFG_MAX_APP_NAMES 64 /* entries of log-app-categories, block-apps... */
#define UTM_CFG_APP_NAME_LEN  40 /* an nDPI name and its NUL */
/* Antivirus (libclamav): the database directory, the largest file scanned. */
#define UTM_INSPECT_DEFAULT_AV_DB	"/etc/utm/clamav" /* inspect/av.h's AV_DEFAULT_DB_DIR */
#define UTM_INSPECT_DEFAULT_AV_MAX_FILE (32ul << 20)
#define UTM_INSPECT_MAX_AV_FILE		(1ul << 30)

struct utm_inspect_cfg {
	/* Paths or glob(3) patterns, relative ones made absolute against the config's directory. */
	char (*rules)[PATH_MAX];
	size_t nrules;
	int rules_set; /* rules: given (maybe empty); else utm_cfg_inspect_rules' default */
	char (*drop_classes)[UTM_CFG_CLASSTYPE_LEN]; /* alert rules of these classtypes drop */
	size_t n_drop_classes;
	uint32_t *drop_sids; /* and these rules */
	size_t n_drop_sids;
	char ports[UTM_CFG_PORTS_LEN]; /* "tcp:80,udp:53", checked; "": utm-inspect's default */
	unsigned int depth_packets, flow_timeout_s, closing_timeout_s;
	char eve[PATH_MAX];	    /* "": the top-level event-log */
	char ip_only_dir[PATH_MAX]; /* "": IP-only rules are not written out */
	/* UT1 tree; "": utm_cfg_inspect_categories' default (relative: to the config's dir) */
	char categories[PATH_MAX];
	/* Non-business categories: an event per device and domain and window. */
	char log_categories[UTM_CFG_MAX_CATEGORIES][UTM_CFG_CATEGORY_LEN];
	size_t n_log_categories; /* default: utm_inspect_default_log_categories */
	char block_categories[UTM_CFG_MAX_CATEGORIES][UTM_CFG_CATEGORY_LEN]; /* blocked */
	size_t n_block_categories;
	unsigned int category_window_s; /* default UTM_INSPECT_DEFAULT_CATEGORY_WINDOW */
	int block_sites; /* HTTP Host/URL and TLS SNI against the lists (default 1) */
	int block_quic;	 /* drop UDP 443 from the LAN (default 0) */
	int block_doh;	 /* reset TLS to DoH resolvers and TCP 853 (default 0) */
	char contact_name[UTM_CFG_CONTACT_LEN]; /* the block page's contact; "": none */
	char contact_phone[UTM_CFG_CONTACT_LEN];
	char contact_email[UTM_CFG_CONTACT_LEN];
	/*
	 * Application detection: the first packets of every new TCP/UDP flow go
	 * to nDPI (default 1). The names are nDPI's, checked by utm-inspect.
	 */
	int apps;
	/* nDPI categories: an event per device, application and category window. */
	char log_app_categories[UTM_CFG_MAX_APP_NAMES][UTM_CFG_APP_NAME_LEN];
	size_t n_log_app_categories; /* default: utm_inspect_default_log_app_categories */
	char block_apps[UTM_CFG_MAX_APP_NAMES][UTM_CFG_APP_NAME_LEN]; /* nDPI apps blocked */
	size_t n_block_apps;
	char block_app_categories[UTM_CFG_MAX_APP_NAMES][UTM_CFG_APP_NAME_LEN]; /* blocked */
	size_t n_block_app_categories;
	/*
	 * Antivirus: HTTP downloads and uploads (mail later) scanned with
	 * libclamav (default 1), with the databases of av_db (relative: to the
	 * config's dir; default UTM_INSPECT_DEFAULT_AV_DB). A file over a limit
	 * (av_max_file bytes, time) is passed with an event, or blocked when
	 * av_block_unscanned (default 0).
	 */
	int av;
	char av_db[PATH_MAX];
	unsigned long av_max_file; /* 1K..UTM_INSPECT_MAX_AV_FILE */
	int av_block_unscanned;
};

struct utm_cfg {
	char lan[IF_NAMESIZE];
	char wan[IF_NAMESIZE];
	char pin_root[PATH_MAX];
	char state_dir[PATH_MAX];
	char event_log[PATH_MAX]; /* "-" = stdout */
	int xdp_mode;		  /* enum utm_xdp_mode */
	int drop_malformed;
	unsigned int ev_rate_per_src, ev_burst_per_src;
	unsigned int ev_rate_global, ev_burst_global;
	unsigned int ev_retention_days; /* the event store keeps this long; 0: no age limit */
	unsigned long ev_max_db_size;	/* and at most this many bytes (1K..4G) */
	int dns_mode;				   /* enum utm_dns_mode */
	unsigned int dns_ttl;			   /* TTL of answers for blocked names */
	unsigned char dns_sink4[4], dns_sink6[16]; /* sinkhole mode answers */
	struct utm_list_cfg *lists;		   /* lists, then feeds (in file order) */
	size_t nlists;
	/* Never blocked by a feed: the gateway, resolvers, what the office needs. */
	struct ip_prefix never_addrs[UTM_CFG_MAX_NEVER];
	size_t n_never_addrs;
	char never_names[UTM_CFG_MAX_NEVER][254]; /* canonical names */
	size_t n_never_names;
	struct utm_inspect_cfg inspect; /* lib/config_inspect.c */
};

/* Fill cfg with the defaults (no ports, no lists). */
void utm_cfg_defaults(struct utm_cfg *cfg);

/*
 * Parse YAML text (schema: the annotated tests/fixtures/utm.yaml) on top of
 * the current contents of cfg (call utm_cfg_defaults first); its lists are
 * appended to cfg's. filename is used in error messages and to make relative
 * list paths absolute. On error returns -1 and writes "file:line: reason"
 * into err; cfg is then left unchanged.
 */
int utm_cfg_parse(const char *buf, size_t len, const char *filename, struct utm_cfg *cfg, char *err,
		  size_t errlen);

/*
 * Like utm_cfg_parse, but relative list paths are made relative to dir
 * (NULL: the directory part of filename) so that filename can stay as the
 * user typed it in messages.
 */
int utm_cfg_parse_at(const char *buf, size_t len, const char *filename, const char *dir,
		     struct utm_cfg *cfg, char *err, size_t errlen);

/*
 * Read path and parse it (lib/config_file.c). Relative list paths become
 * absolute even when path is relative. Unreadable files give
 * "path: strerror"; cfg is unchanged on any error.
 */
int utm_cfg_load_file(const char *path, struct utm_cfg *cfg, char *err, size_t errlen);

/* 1 when name is 1..47 characters of [A-Za-z0-9_.-]. */
int utm_cfg_valid_list_name(const char *name);

/*
 * Add a copy of a list (used for --block/--allow flags too). Returns -1 with
 * errno EEXIST on a duplicate name, ENOSPC beyond UTM_CFG_MAX_LISTS, EINVAL
 * on a bad name, direction or severity, ENOMEM.
 */
int utm_cfg_add_list(struct utm_cfg *cfg, const struct utm_list_cfg *l);

void utm_cfg_free(struct utm_cfg *cfg);

/* A feed's defaults: hourly, 120 s timeout, 256 MiB, 50% size change, /8 and /16. */
void utm_feed_defaults(struct utm_feed_cfg *f);

/*
 * A feed's files live in STATE_DIR/feeds/: NAME.data (the current content),
 * NAME.meta, ... Call utm_cfg_set_feed_paths once the state directory is
 * final (flags override the file) to point each feed's path at NAME.data.
 */
void utm_cfg_feed_path(const struct utm_cfg *cfg, const char *name, const char *suffix, char *buf,
		       size_t len);
void utm_cfg_set_feed_paths(struct utm_cfg *cfg);

/*
 * Parse a steering list "tcp:80,tcp:443,udp:53" (utm-inspect's --ports and
 * inspect.ports): at most max entries into port[] and bits[] (UTM_STEER_TCP
 * or UTM_STEER_UDP), *n of them. On error returns -1 with why = "'ITEM' is
 * not tcp:PORT or udp:PORT (at most MAX)".
 */
int utm_cfg_parse_ports(const char *list, uint32_t *port, uint8_t *bits, size_t max, size_t *n,
			char *why, size_t whylen);

/*
 * The rule files utm-inspect reads, as glob(3) patterns to expand at use
 * time: inspect.rules when the configuration gives it, else the unpacked
 * rules of every ips-rules feed (the .rules files of
 * STATE_DIR/feeds/NAME.d/rules/, where the et-open feed of etc/utm.yaml
 * unpacks) and the file of every ips-rules list, in file order. *out is
 * malloc'ed (free it; NULL when *n is 0). 0, or -1 on no memory.
 */
int utm_cfg_inspect_rules(const struct utm_cfg *cfg, char (**out)[PATH_MAX], size_t *n);

/*
 * The UT1 tree utm-inspect reads its web categories from, into buf:
 * inspect.categories when the configuration gives it, else the unpacked
 * tree of the first categories feed (STATE_DIR/feeds/NAME.d, which holds
 * the tarball's blacklists/ directory: lib/ut1.h finds it), else the path
 * of the first categories list, else "" (no categories).
 */
void utm_cfg_inspect_categories(const struct utm_cfg *cfg, char *buf, size_t len);

/* 1 when name is a UT1 short category name: 1..47 characters of [a-z0-9_-]. */
int utm_cfg_valid_category(const char *name);

/*
 * 0 when s can be shown as a block-page contact: at most
 * UTM_CFG_CONTACT_LEN - 1 bytes of valid UTF-8 without control characters;
 * else -1 with the reason in why.
 */
int utm_cfg_check_contact(const char *s, char *why, size_t whylen);

/* The default log-categories, NULL-terminated. */
extern const char *const utm_inspect_default_log_categories[];
/* The categories blocked when the configuration names none: malware, phishing. */
extern const char *const utm_inspect_default_block_categories[];

/*
 * 1 when name can be an nDPI application or category name: 1..39 characters
 * of [A-Za-z0-9_.+-]. Whether nDPI knows it is utm-inspect's to check.
 */
int utm_cfg_valid_app_name(const char *name);

/* The default log-app-categories (nDPI category names), NULL-terminated. */
extern const char *const utm_inspect_default_log_app_categories[];

/*
 * A size as the configuration writes it ("512K", "32M", "1G" or bytes):
 * 0 with *bytes set when it is 1K..max, else -1 (utm-inspect's --av-max-file).
 */
int utm_cfg_parse_size(const char *s, unsigned long max, unsigned long *bytes);

#endif /* UTM_CONFIG_H */
