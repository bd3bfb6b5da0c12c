// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* utm-inspect's options (inspect/io_opts.h). */
#include <getopt.h>
#include <glob.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/utm_types.h"
#include "inspect/av.h"
#include "inspect/io_opts.h"
#include "lib/config.h"
#include "lib/log.h"

#define DEFAULT_PORTS OPTS_DEFAULT_PORTS

/* A default list as "[a,b,...]", wrapped under an option's text (column 25). */
static void default_list(char *buf, size_t size, const char *const *names)
{
	size_t i, len, line = 26; /* the column after the indent and "[" */

	snprintf(buf, size, "[");
	for (i = 0; names[i]; i++) {
		len = strlen(buf);
		if (i && line + strlen(names[i]) + 2 > 80) {
			snprintf(buf + len, size - len, ",\n%25s", "");
			line = 25;
		} else if (i) {
			snprintf(buf + len, size - len, ",");
			line++;
		}
		len = strlen(buf);
		snprintf(buf + len, size - len, "%s", names[i]);
		line += strlen(names[i]);
	}
	len = strlen(buf);
	snprintf(buf + len, size - len, "]");
}

static void usage(FILE *out)
{
	char default_log[512], default_app_log[512];
	unsigned long mib = UTM_INSPECT_DEFAULT_AV_MAX_FILE >> 20;

	default_list(default_log, sizeof(default_log), utm_inspect_default_log_categories);
	default_list(default_app_log, sizeof(default_app_log),
		     utm_inspect_default_log_app_categories);
	fprintf(out,
		"usage: utm-inspect --lan IF --wan IF [options]\n"
		"       utm-inspect --pcap FILE [--rules FILE] [--eve OUT.json]\n"
		"\n"
		"  --rules FILE...        Suricata/ET rules (repeatable, or several files after\n"
		"                         it); classification.config\n"
		"                         is read from the first file's directory when there\n"
		"                         [the configuration's inspect.rules, else the rules\n"
		"                         its ips-rules feeds unpacked]\n"
		"  --eve FILE             EVE JSON events, '-' for stdout [the configuration's\n"
		"                         event-log, where utm-load writes its events, else -]\n"
		"  --pcap FILE            inspect a capture offline and exit\n"
		"  --drop-class CLASS     alert rules of this classtype drop instead (repeatable;\n"
		"                         ET ships alert rules: alerting is the default policy)\n"
		"  --drop-sid SID         the same for one rule (repeatable)\n"
		"                         (these flags replace the configuration's lists)\n"
		"  --ip-only-dir DIR      write the blocking IP-only rules' addresses as lists "
		"for\n"
		"                         utm-load: DIR/ips-inbound.list, DIR/ips-outbound.list\n"
		"  --lan IF, --wan IF     the bridge ports utm-load runs (or from --config)\n"
		"  --config FILE          utm.yaml: ports, pin root, event log, and its inspect:\n"
		"                         section for the defaults of the options here\n"
		"  --pin-root DIR         where utm-load pinned the bridge's maps [%s]\n"
		"  --queues N             rx queues to serve on both ports, a worker each\n"
		"                         (0..N-1; needs symmetric RSS on the NICs) [1]\n"
		"  --ports LIST           flows to inspect, e.g. tcp:80,tcp:443,udp:53 [%s]\n"
		"  --depth-packets N      frames of a flow inspected before it is handed back to "
		"XDP "
		"[32]\n"
		"  --flow-timeout S       idle seconds before a bypass entry is removed [300]\n"
		"  --closing-timeout S    the same after a FIN or RST [10]\n"
		"\n"
		"web policy (these flags override the configuration's inspect: section):\n"
		"  --categories DIR       UT1 category tree (a directory per category) [the\n"
		"                         configuration's categories feed, unpacked, else none]\n"
		"  --log-category NAME    log visits to this category, an event per device and\n"
		"                         domain per window (repeatable; replaces the\n"
		"                         configuration's list)\n"
		"                         %s\n"
		"  --block-category NAME  block this category: block page, TLS reset, DNS answer\n"
		"                         (repeatable, the same) [none]\n"
		"  --no-block-sites       do not match HTTP Host/URL and TLS SNI against the\n"
		"                         domain and URL lists\n"
		"  --block-quic           drop UDP 443 from the LAN (browsers fall back to TCP)\n"
		"  --block-doh            reset TLS to known DNS-over-HTTPS resolvers and TCP 853\n"
		"  --contact-name S, --contact-phone S, --contact-email S\n"
		"                         whom to ask for an exception, on the block page\n"
		"\n"
		"application detection (nDPI names; these flags override the configuration):\n"
		"  --no-apps              do not identify applications (by default the first\n"
		"                         packets of every new TCP/UDP flow are inspected)\n"
		"  --log-app-category NAME\n"
		"                         log flows of this nDPI category, an event per device,\n"
		"                         application and window (repeatable; replaces the\n"
		"                         configuration's list)\n"
		"                         %s\n"
		"  --block-app NAME       block this nDPI application, e.g. BitTorrent: the flow\n"
		"                         is dropped or reset (repeatable, the same) [none]\n"
		"  --block-app-category NAME\n"
		"                         block this nDPI category, e.g. Download (repeatable,\n"
		"                         the same) [none]\n"
		"\n"
		"antivirus (libclamav; these flags override the configuration):\n"
		"  --no-av                do not scan HTTP downloads and uploads\n"
		"  --av-db DIR            the ClamAV database directory [%s]\n"
		"  --av-max-file SIZE     the largest file scanned, 1K..1G, e.g. 512K, 64M [%luM]\n"
		"  --av-block-unscanned   block a file over a limit (size, time) instead of\n"
		"                         passing it with an event\n",
		UTM_DEFAULT_PIN_ROOT, DEFAULT_PORTS, default_log, default_app_log,
		AV_DEFAULT_DB_DIR, mib);
}

enum {
	OPT_LAN = 256,
	OPT_WAN,
	OPT_CONFIG,
	OPT_PIN,
	OPT_QUEUES,
	OPT_PORTS,
	OPT_DEPTH,
	OPT_TIMEOUT,
	OPT_CLOSING,
	OPT_HELP,
	OPT_RULES,
	OPT_PCAP,
	OPT_EVE,
	OPT_DROP_CLASS,
	OPT_DROP_SID,
	OPT_IP_ONLY_DIR,
	OPT_CATEGORIES,
	OPT_LOG_CATEGORY,
	OPT_BLOCK_CATEGORY,
	OPT_NO_BLOCK_SITES,
	OPT_BLOCK_QUIC,
	OPT_BLOCK_DOH,
	OPT_CONTACT_NAME,
	OPT_CONTACT_PHONE,
	OPT_CONTACT_EMAIL,
	OPT_NO_APPS,
	OPT_LOG_APP_CATEGORY,
	OPT_BLOCK_APP,
	OPT_BLOCK_APP_CATEGORY,
	OPT_NO_AV,
	OPT_AV_DB,
	OPT_AV_MAX_FILE,
	OPT_AV_BLOCK_UNSCANNED,
};

static const struct option longopts[] = {
	{"lan", required_argument, NULL, OPT_LAN},
	{"wan", required_argument, NULL, OPT_WAN},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"pin-root", required_argument, NULL, OPT_PIN},
	{"queues", required_argument, NULL, OPT_QUEUES},
	{"ports", required_argument, NULL, OPT_PORTS},
	{"depth-packets", required_argument, NULL, OPT_DEPTH},
	{"flow-timeout", required_argument, NULL, OPT_TIMEOUT},
	{"closing-timeout", required_argument, NULL, OPT_CLOSING},
	{"help", no_argument, NULL, OPT_HELP},
	{"rules", required_argument, NULL, OPT_RULES},
	{"pcap", required_argument, NULL, OPT_PCAP},
	{"eve", required_argument, NULL, OPT_EVE},
	{"drop-class", required_argument, NULL, OPT_DROP_CLASS},
	{"drop-sid", required_argument, NULL, OPT_DROP_SID},
	{"ip-only-dir", required_argument, NULL, OPT_IP_ONLY_DIR},
	{"categories", required_argument, NULL, OPT_CATEGORIES},
	{"log-category", required_argument, NULL, OPT_LOG_CATEGORY},
	{"block-category", required_argument, NULL, OPT_BLOCK_CATEGORY},
	{"no-block-sites", no_argument, NULL, OPT_NO_BLOCK_SITES},
	{"block-quic", no_argument, NULL, OPT_BLOCK_QUIC},
	{"block-doh", no_argument, NULL, OPT_BLOCK_DOH},
	{"contact-name", required_argument, NULL, OPT_CONTACT_NAME},
	{"contact-phone", required_argument, NULL, OPT_CONTACT_PHONE},
	{"contact-email", required_argument, NULL, OPT_CONTACT_EMAIL},
	{"no-apps", no_argument, NULL, OPT_NO_APPS},
	{"log-app-category", required_argument, NULL, OPT_LOG_APP_CATEGORY},
	{"block-app", required_argument, NULL, OPT_BLOCK_APP},
	{"block-app-category", required_argument, NULL, OPT_BLOCK_APP_CATEGORY},
	{"no-av", no_argument, NULL, OPT_NO_AV},
	{"av-db", required_argument, NULL, OPT_AV_DB},
	{"av-max-file", required_argument, NULL, OPT_AV_MAX_FILE},
	{"av-block-unscanned", no_argument, NULL, OPT_AV_BLOCK_UNSCANNED},
	{NULL, 0, NULL, 0},
};

/* The inspect: section's lists fit the opts. */
#define OPT_N(m) (sizeof(((struct opts *)0)->m) / sizeof(((struct opts *)0)->m[0]))
_Static_assert(OPT_N(cfg_classes) == UTM_CFG_MAX_DROP_CLASSES, "drop-classtypes");
_Static_assert(OPT_N(cfg_classes[0]) == UTM_CFG_CLASSTYPE_LEN, "classtype names");
_Static_assert(OPT_N(drop_classes) >= UTM_CFG_MAX_DROP_CLASSES, "drop-classtypes");
_Static_assert(OPT_N(drop_sids) >= UTM_CFG_MAX_DROP_SIDS, "drop-sids");
_Static_assert(OPT_N(ports) >= UTM_CFG_PORTS_LEN, "ports");
_Static_assert(OPT_N(log_categories) == UTM_CFG_MAX_CATEGORIES, "log-categories");
_Static_assert(OPT_N(block_categories) == UTM_CFG_MAX_CATEGORIES, "block-categories");
_Static_assert(OPT_N(log_categories[0]) == UTM_CFG_CATEGORY_LEN, "category names");
_Static_assert(OPT_N(block_categories[0]) == UTM_CFG_CATEGORY_LEN, "category names");
_Static_assert(OPT_N(contact_name) == UTM_CFG_CONTACT_LEN, "contact-name");
_Static_assert(OPT_N(contact_phone) == UTM_CFG_CONTACT_LEN, "contact-phone");
_Static_assert(OPT_N(contact_email) == UTM_CFG_CONTACT_LEN, "contact-email");
_Static_assert(OPT_N(categories) == PATH_MAX, "categories");
_Static_assert(OPT_N(log_app_categories) == UTM_CFG_MAX_APP_NAMES, "log-app-categories");
_Static_assert(OPT_N(block_apps) == UTM_CFG_MAX_APP_NAMES, "block-apps");
_Static_assert(OPT_N(block_app_categories) == UTM_CFG_MAX_APP_NAMES, "block-app-categories");
_Static_assert(OPT_N(log_app_categories[0]) == UTM_CFG_APP_NAME_LEN, "nDPI names");
_Static_assert(OPT_N(block_apps[0]) == UTM_CFG_APP_NAME_LEN, "nDPI names");
_Static_assert(OPT_N(block_app_categories[0]) == UTM_CFG_APP_NAME_LEN, "nDPI names");
_Static_assert(OPT_N(av_db) == PATH_MAX, "av-db");
_Static_assert(sizeof(AV_DEFAULT_DB_DIR) == sizeof(UTM_INSPECT_DEFAULT_AV_DB), "av-db default");

/* The web policy of the inspect: section, copied: cfg is freed after. */
static void config_web(struct opts *o, const struct utm_cfg *cfg)
{
	const struct utm_inspect_cfg *ic = &cfg->inspect;

	utm_cfg_inspect_categories(cfg, o->categories, sizeof(o->categories));
	memcpy(o->log_categories, ic->log_categories, sizeof(o->log_categories));
	o->n_log_categories = ic->n_log_categories;
	memcpy(o->block_categories, ic->block_categories, sizeof(o->block_categories));
	o->n_block_categories = ic->n_block_categories;
	o->category_window_s = ic->category_window_s;
	o->block_sites = ic->block_sites;
	o->block_quic = ic->block_quic;
	o->block_doh = ic->block_doh;
	memcpy(o->contact_name, ic->contact_name, sizeof(o->contact_name));
	memcpy(o->contact_phone, ic->contact_phone, sizeof(o->contact_phone));
	memcpy(o->contact_email, ic->contact_email, sizeof(o->contact_email));
	o->apps = ic->apps;
	memcpy(o->log_app_categories, ic->log_app_categories, sizeof(o->log_app_categories));
	o->n_log_app_categories = ic->n_log_app_categories;
	memcpy(o->block_apps, ic->block_apps, sizeof(o->block_apps));
	o->n_block_apps = ic->n_block_apps;
	memcpy(o->block_app_categories, ic->block_app_categories, sizeof(o->block_app_categories));
	o->n_block_app_categories = ic->n_block_app_categories;
	o->av = ic->av;
	memcpy(o->av_db, ic->av_db, sizeof(o->av_db));
	o->av_max_file = ic->av_max_file;
	o->av_block_unscanned = ic->av_block_unscanned;
}

/* The inspect: section (and the ports, pin root, event log) as defaults for the flags. */
static int config_file(struct opts *o, const char *path)
{
	const struct utm_inspect_cfg *ic;
	struct utm_cfg cfg;
	char err[PATH_MAX + 256];
	size_t i;

	utm_cfg_defaults(&cfg);
	if (utm_cfg_load_file(path, &cfg, err, sizeof(err))) {
		fprintf(stderr, "utm-inspect: %s\n", err);
		return -1;
	}
	ic = &cfg.inspect;
	snprintf(o->lan, sizeof(o->lan), "%s", cfg.lan);
	snprintf(o->wan, sizeof(o->wan), "%s", cfg.wan);
	snprintf(o->pin_root, sizeof(o->pin_root), "%s", cfg.pin_root);
	/* utm-load's event log: one file, both programs appending whole lines. */
	snprintf(o->eve_buf, sizeof(o->eve_buf), "%s", ic->eve[0] ? ic->eve : cfg.event_log);
	o->eve = o->eve_buf;
	if (ic->ports[0])
		snprintf(o->ports, sizeof(o->ports), "%s", ic->ports);
	o->depth_packets = ic->depth_packets;
	o->flow_timeout_s = ic->flow_timeout_s;
	o->closing_timeout_s = ic->closing_timeout_s;
	/* Strings the opts own: cfg is freed below. */
	for (i = 0; i < ic->n_drop_classes; i++) {
		snprintf(o->cfg_classes[i], sizeof(o->cfg_classes[i]), "%s", ic->drop_classes[i]);
		o->drop_classes[i] = o->cfg_classes[i];
	}
	o->n_drop_classes = ic->n_drop_classes;
	memcpy(o->drop_sids, ic->drop_sids, ic->n_drop_sids * sizeof(o->drop_sids[0]));
	o->n_drop_sids = ic->n_drop_sids;
	o->ip_only_dir = NULL;
	if (ic->ip_only_dir[0]) {
		snprintf(o->cfg_ip_only_dir, sizeof(o->cfg_ip_only_dir), "%s", ic->ip_only_dir);
		o->ip_only_dir = o->cfg_ip_only_dir;
	}
	config_web(o, &cfg);
	free(o->rule_patterns);
	if (utm_cfg_inspect_rules(&cfg, &o->rule_patterns, &o->n_rule_patterns)) {
		fprintf(stderr, "utm-inspect: %s: out of memory\n", path);
		utm_cfg_free(&cfg);
		return -1;
	}
	utm_cfg_free(&cfg);
	return 0;
}

/*
 * Without --rules, the configuration's rule patterns, expanded now (a feed
 * may have been unpacked since the configuration was written). A pattern
 * that matches nothing is a warning: the feed may not have been fetched yet.
 */
static int expand_rule_patterns(struct opts *o)
{
	const size_t max = sizeof(o->rules) / sizeof(o->rules[0]);
	size_t i, j;
	int rc = 0;

	for (i = 0; !rc && i < o->n_rule_patterns; i++) {
		const char *pat = o->rule_patterns[i];
		glob_t g;
		int grc = glob(pat, 0, NULL, &g);

		if (grc == GLOB_NOMATCH) {
			log_warn("inspect.rules: '%s' matches no file", pat);
			globfree(&g);
			continue;
		}
		if (grc) {
			fprintf(stderr, "utm-inspect: inspect.rules: '%s': %s\n", pat,
				grc == GLOB_NOSPACE ? "out of memory" : "read error");
			globfree(&g);
			return -1;
		}
		for (j = 0; !rc && j < g.gl_pathc; j++) {
			char *file = o->nrules < max ? strdup(g.gl_pathv[j]) : NULL;

			if (!file) {
				fprintf(stderr, "utm-inspect: inspect.rules: %s\n",
					o->nrules < max ? "out of memory" : "too many rule files");
				rc = -1;
			} else {
				o->rules[o->nrules++] = file;
			}
		}
		globfree(&g);
	}
	return rc;
}

static int number(const char *name, const char *v, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);

	if (!*v || *end || n > max) {
		fprintf(stderr, "utm-inspect: --%s: expected a number 0..%u\n", name, max);
		return -1;
	}
	*out = (unsigned int)n;
	return 0;
}

/* --log-category, --block-category: the first use replaces the configuration's list. */
static int add_category(const char *flag, const char *name, char (*names)[UTM_CFG_CATEGORY_LEN],
			size_t *n, int *flags)
{
	size_t i;

	if (!(*flags)++)
		*n = 0;
	if (!utm_cfg_valid_category(name)) {
		fprintf(stderr,
			"utm-inspect: --%s: '%s' is not a category name (1..%d characters of a-z "
			"0-9 _ -)\n",
			flag, name, UTM_CFG_CATEGORY_LEN - 1);
		return -1;
	}
	for (i = 0; i < *n; i++)
		if (!strcmp(names[i], name))
			return 0;
	if (*n == UTM_CFG_MAX_CATEGORIES) {
		fprintf(stderr, "utm-inspect: --%s: more than %d categories\n", flag,
			UTM_CFG_MAX_CATEGORIES);
		return -1;
	}
	strcpy(names[(*n)++], name);
	return 0;
}

/*
 * --log-app-category, --block-app, --block-app-category: nDPI names, the
 * first use replacing the configuration's list; nDPI checks them at start.
 */
static int add_app_name(const char *flag, const char *noun, const char *name,
			char (*names)[UTM_CFG_APP_NAME_LEN], size_t *n, int *flags)
{
	size_t i;

	if (!(*flags)++)
		*n = 0;
	if (!utm_cfg_valid_app_name(name)) {
		fprintf(stderr,
			"utm-inspect: --%s: '%s' is not an nDPI %s name (1..%d characters of "
			"A-Z a-z 0-9 _ - . +)\n",
			flag, name, noun, UTM_CFG_APP_NAME_LEN - 1);
		return -1;
	}
	for (i = 0; i < *n; i++)
		if (!strcmp(names[i], name))
			return 0;
	if (*n == UTM_CFG_MAX_APP_NAMES) {
		fprintf(stderr, "utm-inspect: --%s: more than %d names\n", flag,
			UTM_CFG_MAX_APP_NAMES);
		return -1;
	}
	strcpy(names[(*n)++], name);
	return 0;
}

static int contact(const char *flag, const char *v, char *dst)
{
	char why[64];

	if (utm_cfg_check_contact(v, why, sizeof(why))) {
		fprintf(stderr, "utm-inspect: --%s: %s\n", flag, why);
		return -1;
	}
	strcpy(dst, v);
	return 0;
}

/* --av-max-file: the configuration's size syntax and range. */
static int av_max_file(const char *v, uint64_t *out)
{
	unsigned long b;

	if (utm_cfg_parse_size(v, UTM_INSPECT_MAX_AV_FILE, &b)) {
		fprintf(stderr,
			"utm-inspect: --av-max-file: expected a size 1K..1G such as 512K or 64M, "
			"got '%s'\n",
			v);
		return -1;
	}
	*out = b;
	return 0;
}

/* The web policy without --config: the configuration's defaults. */
static void default_web(struct opts *o)
{
	struct utm_cfg cfg;

	utm_cfg_defaults(&cfg);
	config_web(o, &cfg);
	utm_cfg_free(&cfg);
}

int opts_parse(struct opts *o, int argc, char **argv)
{
	int c, rc = 0, class_flags = 0, sid_flags = 0, log_flags = 0, block_flags = 0;
	int app_log_flags = 0, app_block_flags = 0, app_block_cat_flags = 0;

	snprintf(o->pin_root, sizeof(o->pin_root), "%s", UTM_DEFAULT_PIN_ROOT);
	snprintf(o->ports, sizeof(o->ports), "%s", DEFAULT_PORTS);
	o->depth_packets = UTM_INSPECT_DEFAULT_DEPTH;
	o->queues = 1;
	o->flow_timeout_s = UTM_INSPECT_DEFAULT_TIMEOUT;
	o->closing_timeout_s = UTM_INSPECT_DEFAULT_CLOSING;
	o->eve = "-";
	default_web(o);
	/* The configuration first, so that flags override it. */
	for (c = 1; c + 1 < argc; c++)
		if (!strcmp(argv[c], "--config") && (o->config_path = argv[c + 1]) &&
		    config_file(o, argv[c + 1]))
			return -1;
	while (!rc && (c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_LAN:
			snprintf(o->lan, sizeof(o->lan), "%s", optarg);
			break;
		case OPT_WAN:
			snprintf(o->wan, sizeof(o->wan), "%s", optarg);
			break;
		case OPT_CONFIG:
			break;
		case OPT_PIN:
			snprintf(o->pin_root, sizeof(o->pin_root), "%s", optarg);
			break;
		case OPT_QUEUES:
			rc = number("queues", optarg, UTM_XSK_QUEUES, &o->queues) || !o->queues;
			break;
		case OPT_PORTS:
			snprintf(o->ports, sizeof(o->ports), "%s", optarg);
			break;
		case OPT_DEPTH:
			rc = number("depth-packets", optarg, 1u << 30, &o->depth_packets);
			break;
		case OPT_TIMEOUT:
			rc = number("flow-timeout", optarg, 86400, &o->flow_timeout_s);
			break;
		case OPT_CLOSING:
			rc = number("closing-timeout", optarg, 86400, &o->closing_timeout_s);
			break;
		case OPT_HELP:
			usage(stdout);
			exit(0);
		case OPT_RULES:
			if (o->nrules == sizeof(o->rules) / sizeof(o->rules[0])) {
				fprintf(stderr, "utm-inspect: too many --rules\n");
				rc = -1;
			} else {
				o->rules[o->nrules++] = optarg;
			}
			break;
		case OPT_PCAP:
			o->pcap = optarg;
			break;
		case OPT_EVE:
			o->eve = optarg;
			break;
		case OPT_IP_ONLY_DIR:
			o->ip_only_dir = optarg;
			break;
		case OPT_CATEGORIES:
			if (strlen(optarg) >= sizeof(o->categories)) {
				fprintf(stderr, "utm-inspect: --categories: path too long\n");
				rc = -1;
			} else {
				strcpy(o->categories, optarg);
			}
			break;
		case OPT_LOG_CATEGORY:
			rc = add_category("log-category", optarg, o->log_categories,
					  &o->n_log_categories, &log_flags);
			break;
		case OPT_BLOCK_CATEGORY:
			rc = add_category("block-category", optarg, o->block_categories,
					  &o->n_block_categories, &block_flags);
			break;
		case OPT_NO_BLOCK_SITES:
			o->block_sites = 0;
			break;
		case OPT_BLOCK_QUIC:
			o->block_quic = 1;
			break;
		case OPT_BLOCK_DOH:
			o->block_doh = 1;
			break;
		case OPT_CONTACT_NAME:
			rc = contact("contact-name", optarg, o->contact_name);
			break;
		case OPT_CONTACT_PHONE:
			rc = contact("contact-phone", optarg, o->contact_phone);
			break;
		case OPT_CONTACT_EMAIL:
			rc = contact("contact-email", optarg, o->contact_email);
			break;
		case OPT_NO_APPS:
			o->apps = 0;
			break;
		case OPT_LOG_APP_CATEGORY:
			rc = add_app_name("log-app-category", "category", optarg,
					  o->log_app_categories, &o->n_log_app_categories,
					  &app_log_flags);
			break;
		case OPT_BLOCK_APP:
			rc = add_app_name("block-app", "application", optarg, o->block_apps,
					  &o->n_block_apps, &app_block_flags);
			break;
		case OPT_BLOCK_APP_CATEGORY:
			rc = add_app_name("block-app-category", "category", optarg,
					  o->block_app_categories, &o->n_block_app_categories,
					  &app_block_cat_flags);
			break;
		case OPT_NO_AV:
			o->av = 0;
			break;
		case OPT_AV_DB:
			if (!*optarg || strlen(optarg) >= sizeof(o->av_db)) {
				fprintf(stderr, "utm-inspect: --av-db: %s\n",
					*optarg ? "path too long" : "missing directory");
				rc = -1;
			} else {
				strcpy(o->av_db, optarg);
			}
			break;
		case OPT_AV_MAX_FILE:
			rc = av_max_file(optarg, &o->av_max_file);
			break;
		case OPT_AV_BLOCK_UNSCANNED:
			o->av_block_unscanned = 1;
			break;
		case OPT_DROP_CLASS:
			/* The flags replace the configuration's list. */
			if (!class_flags++)
				o->n_drop_classes = 0;
			if (o->n_drop_classes ==
			    sizeof(o->drop_classes) / sizeof(o->drop_classes[0]))
				rc = -1;
			else
				o->drop_classes[o->n_drop_classes++] = optarg;
			break;
		case OPT_DROP_SID: {
			unsigned int sid = 0;

			if (!sid_flags++)
				o->n_drop_sids = 0;
			rc = o->n_drop_sids == sizeof(o->drop_sids) / sizeof(o->drop_sids[0]) ||
			     number("drop-sid", optarg, UINT32_MAX, &sid);
			if (!rc)
				o->drop_sids[o->n_drop_sids++] = sid;
			break;
		}
		default:
			usage(stderr);
			return -1;
		}
	}
	/* More rule files may follow as plain arguments (--rules a.rules b.rules). */
	for (; !rc && optind < argc; optind++) {
		if (o->nrules == sizeof(o->rules) / sizeof(o->rules[0])) {
			fprintf(stderr, "utm-inspect: too many rule files\n");
			rc = -1;
		} else {
			o->rules[o->nrules++] = argv[optind];
		}
	}
	if (!rc && !o->nrules)
		rc = expand_rule_patterns(o);
	free(o->rule_patterns);
	o->rule_patterns = NULL;
	o->n_rule_patterns = 0;
	if (!rc && !o->pcap && (!o->lan[0] || !o->wan[0])) {
		fprintf(stderr, "utm-inspect: --lan and --wan are required\n");
		rc = -1;
	}
	return rc;
}
