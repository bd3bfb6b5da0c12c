// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Unit tests of lib/config*.c: utm.yaml parsing, errors with lines, lists. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/types.h>

#include "bpf/utm_types.h"
#include "inspect/av.h"
#include "lib/config.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static char top[1024]; /* source tree root, found from our own path */

/*
 * The tree root is three levels above build/tests/test_config (or $UTM_TOP),
 * so the tests run from any cwd.
 */
static int find_top(void **state)
{
	const char *env = getenv("UTM_TOP");
	ssize_t n;
	int i;

	if (env) {
		snprintf(top, sizeof(top), "%s", env);
		return 0;
	}
	n = readlink("/proc/self/exe", top, sizeof(top) - 1);
	if (n <= 0)
		return -1;
	top[n] = '\0';
	for (i = 0; i < 3; i++)
		*strrchr(top, '/') = '\0';
	return 0;
}

static void fixture(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/tests/fixtures/%s", top, name);
}

static int parse(const char *yaml, const char *file, struct utm_cfg *cfg, char *err, size_t errlen)
{
	return utm_cfg_parse(yaml, strlen(yaml), file, cfg, err, errlen);
}

static void test_defaults(void **state)
{
	struct utm_cfg cfg;

	memset(&cfg, 0x55, sizeof(cfg));
	utm_cfg_defaults(&cfg);
	assert_string_equal(cfg.lan, "");
	assert_string_equal(cfg.wan, "");
	assert_string_equal(cfg.pin_root, "/sys/fs/bpf/utm");
	assert_string_equal(cfg.state_dir, "/var/lib/utm");
	assert_string_equal(cfg.event_log, "-");
	assert_int_equal(cfg.xdp_mode, UTM_XDP_AUTO);
	assert_int_equal(cfg.drop_malformed, 0);
	assert_int_equal(cfg.ev_rate_per_src, 5);
	assert_int_equal(cfg.ev_burst_per_src, 10);
	assert_int_equal(cfg.ev_rate_global, 1000);
	assert_int_equal(cfg.ev_burst_global, 2000);
	assert_int_equal(cfg.ev_retention_days, 365);
	assert_int_equal(cfg.ev_max_db_size, 1ul << 30);
	assert_null(cfg.lists);
	assert_int_equal(cfg.nlists, 0);
}

static void assert_list(const struct utm_list_cfg *l, const char *name, const char *path, int allow,
			int dir, int severity)
{
	assert_string_equal(l->name, name);
	assert_string_equal(l->path, path);
	assert_int_equal(l->allow, allow);
	assert_int_equal(l->dir, dir);
	assert_int_equal(l->severity, severity);
}

static void test_full_example(void **state)
{
	char path[PATH_MAX], drop[PATH_MAX + 32], partners[PATH_MAX + 32], err[256];
	struct utm_cfg cfg;

	fixture(path, sizeof(path), "utm.yaml");
	snprintf(drop, sizeof(drop), "%s/tests/fixtures/lists/drop.txt", top);
	snprintf(partners, sizeof(partners), "%s/tests/fixtures/lists/partners.txt", top);
	utm_cfg_defaults(&cfg);
	assert_int_equal(utm_cfg_load_file(path, &cfg, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_string_equal(cfg.lan, "eth1");
	assert_string_equal(cfg.wan, "eth2");
	assert_int_equal(cfg.xdp_mode, UTM_XDP_NATIVE);
	assert_string_equal(cfg.pin_root, "/sys/fs/bpf/utm-lab");
	assert_string_equal(cfg.state_dir, "/var/lib/utm-lab");
	assert_string_equal(cfg.event_log, "/var/log/utm/eve.json");
	assert_int_equal(cfg.drop_malformed, 1);
	assert_int_equal(cfg.ev_rate_per_src, 7);
	assert_int_equal(cfg.ev_burst_per_src, 14);
	assert_int_equal(cfg.ev_rate_global, 900);
	assert_int_equal(cfg.ev_burst_global, 1800);
	assert_int_equal(cfg.ev_retention_days, 90);
	assert_int_equal(cfg.ev_max_db_size, 512ul << 20);
	assert_int_equal(cfg.dns_mode, UTM_DNS_NXDOMAIN);
	assert_int_equal(cfg.dns_ttl, 30);
	assert_int_equal(cfg.dns_sink4[3], 99);
	assert_int_equal(cfg.dns_sink6[15], 0x99);
	assert_int_equal(cfg.nlists, 9);
	assert_list(&cfg.lists[0], "spamhaus-drop", drop, 0, UTM_DIR_BOTH, 2);
	assert_list(&cfg.lists[1], "c2-servers", "/etc/utm/lists/c2.txt", 0, UTM_DIR_OUTBOUND, 3);
	assert_list(&cfg.lists[2], "office-partners", partners, 1, UTM_DIR_INBOUND, 1);
	assert_int_equal(cfg.lists[0].kind, UTM_LIST_KIND_IP);
	assert_int_equal(cfg.lists[3].kind, UTM_LIST_KIND_DOMAINS);
	assert_int_equal(cfg.lists[3].refuse_invalid, 1);
	assert_int_equal(cfg.lists[4].kind, UTM_LIST_KIND_URLS);
	/* The feeds follow the lists; every key of the schema is shown. */
	assert_int_equal(cfg.n_never_addrs, 2);
	assert_string_equal(cfg.never_names[0], "example.co.jp");
	assert_int_equal(cfg.lists[5].feed.format, UTM_FMT_SPAMHAUS_JSON);
	assert_int_equal(cfg.lists[5].feed.timeout_s, 120);
	assert_int_equal(cfg.lists[5].feed.max_size, 64ul << 20);
	assert_int_equal(cfg.lists[6].feed.min_score, 50);
	assert_string_equal(cfg.lists[6].feed.category_url,
			    "https://rules.example.net/iprep/categories.txt");
	assert_int_equal(cfg.lists[7].feed.format, UTM_FMT_CROWDSEC);
	assert_int_equal(cfg.lists[7].feed.allow_empty, 1);
	assert_string_equal(cfg.lists[7].feed.api_key, "0123456789abcdef");
	assert_int_equal(cfg.lists[8].kind, UTM_LIST_KIND_IPS_RULES);
	assert_int_equal(cfg.inspect.nrules, 2);
	snprintf(drop, sizeof(drop), "%s/tests/fixtures/local.rules", top);
	assert_string_equal(cfg.inspect.rules[1], drop);
	assert_string_equal(cfg.inspect.drop_classes[0], "trojan-activity");
	assert_int_equal(cfg.inspect.drop_sids[0], 2024897);
	assert_string_equal(cfg.inspect.ports, "tcp:80,tcp:443,udp:53");
	assert_string_equal(cfg.inspect.ip_only_dir, "/var/lib/utm-lab/ips");
	snprintf(drop, sizeof(drop), "%s/tests/fixtures/ut1", top);
	assert_string_equal(cfg.inspect.categories, drop);
	assert_int_equal(cfg.inspect.n_log_categories, 9);
	assert_string_equal(cfg.inspect.log_categories[7], "dating");
	assert_string_equal(cfg.inspect.log_categories[8], "malware");
	assert_int_equal(cfg.inspect.n_block_categories, 2);
	assert_string_equal(cfg.inspect.block_categories[1], "gambling");
	assert_int_equal(cfg.inspect.category_window_s, 1800);
	assert_int_equal(cfg.inspect.block_sites, 1);
	assert_int_equal(cfg.inspect.block_quic, 1);
	assert_int_equal(cfg.inspect.block_doh, 1);
	assert_string_equal(cfg.inspect.contact_name, "情報システム部 山田");
	assert_string_equal(cfg.inspect.contact_phone, "03-1234-5678");
	assert_string_equal(cfg.inspect.contact_email, "it@example.co.jp");
	assert_int_equal(cfg.inspect.apps, 1);
	assert_int_equal(cfg.inspect.n_log_app_categories, 10);
	assert_string_equal(cfg.inspect.log_app_categories[0], "SocialNetwork");
	assert_string_equal(cfg.inspect.log_app_categories[9], "Cloud");
	assert_int_equal(cfg.inspect.n_block_apps, 2);
	assert_string_equal(cfg.inspect.block_apps[0], "BitTorrent");
	assert_string_equal(cfg.inspect.block_apps[1], "Tor");
	assert_int_equal(cfg.inspect.n_block_app_categories, 1);
	assert_string_equal(cfg.inspect.block_app_categories[0], "Download");
	assert_int_equal(cfg.inspect.av, 1);
	snprintf(drop, sizeof(drop), "%s/tests/fixtures/../../etc/clamav", top);
	assert_string_equal(cfg.inspect.av_db, drop);
	assert_int_equal(cfg.inspect.av_max_file, 64ul << 20);
	assert_int_equal(cfg.inspect.av_block_unscanned, 1);
	utm_cfg_free(&cfg);
	assert_null(cfg.lists);
	assert_int_equal(cfg.nlists, 0);
}

/* Only the keys given change; the defaults of the others stay. */
static void test_partial(void **state)
{
	struct utm_cfg cfg, want;
	char err[256];

	utm_cfg_defaults(&cfg);
	utm_cfg_defaults(&want);
	assert_int_equal(parse("events:\n  rate-global: 0\nxdp-mode: generic\n", "t.yaml", &cfg,
			       err, sizeof(err)),
			 0);
	want.ev_rate_global = 0;
	want.xdp_mode = UTM_XDP_GENERIC;
	assert_memory_equal(&cfg, &want, sizeof(cfg));

	/* Longest names, quoted numbers and flow style are all fine. */
	assert_int_equal(parse("lists: [{name: A_b.c-01234567890123456789012345678901234567890, "
			       "file: f, severity: '3'}]\nports: {lan: 'eth0.100'}\n",
			       "t.yaml", &cfg, err, sizeof(err)),
			 0);
	assert_int_equal(strlen(cfg.lists[0].name), 47);
	assert_int_equal(cfg.lists[0].severity, 3);
	assert_string_equal(cfg.lan, "eth0.100");
	utm_cfg_free(&cfg);
}

/* The DNS guard's settings and domain lists. */
static void test_dns(void **state)
{
	static const unsigned char sink6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x99};
	static const unsigned char sink4[4] = {198, 51, 100, 99};
	struct utm_cfg cfg;
	char err[256];

	utm_cfg_defaults(&cfg);
	assert_int_equal(cfg.dns_mode, UTM_DNS_NULL);
	assert_int_equal(cfg.dns_ttl, 2);
	assert_int_equal(parse("dns:\n  mode: sinkhole\n  ttl: 60\n  sinkhole-ipv4: 198.51.100.99\n"
			       "  sinkhole-ipv6: '2001:db8::99'\nlists:\n"
			       "  - {name: bad, file: b.txt, kind: domains, invalid: refuse}\n"
			       "  - {name: phish, file: p.txt, kind: urls}\n"
			       "  - {name: ips, file: i.txt}\n",
			       "t.yaml", &cfg, err, sizeof(err)),
			 0);
	assert_int_equal(cfg.dns_mode, UTM_DNS_SINKHOLE);
	assert_int_equal(cfg.dns_ttl, 60);
	assert_memory_equal(cfg.dns_sink4, sink4, 4);
	assert_memory_equal(cfg.dns_sink6, sink6, 16);
	assert_int_equal(cfg.nlists, 3);
	assert_int_equal(cfg.lists[0].kind, UTM_LIST_KIND_DOMAINS);
	assert_int_equal(cfg.lists[0].refuse_invalid, 1);
	assert_int_equal(cfg.lists[1].kind, UTM_LIST_KIND_URLS);
	assert_int_equal(cfg.lists[1].refuse_invalid, 0);
	assert_int_equal(cfg.lists[2].kind, UTM_LIST_KIND_IP);
	utm_cfg_free(&cfg);
	/* `mode: null` (YAML's null) names the NULL mode; an empty value does not. */
	utm_cfg_defaults(&cfg);
	cfg.dns_mode = UTM_DNS_NODATA;
	assert_int_equal(parse("dns:\n  mode: null\n", "t.yaml", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.dns_mode, UTM_DNS_NULL);
	assert_int_not_equal(parse("dns:\n  mode:\n", "t.yaml", &cfg, err, sizeof(err)), 0);
	assert_string_equal(err, "t.yaml:2: dns.mode: missing value");
	utm_cfg_free(&cfg);
	(void)state;
}

static const char *first_list_path(const char *file, const char *dir, const char *yaml)
{
	static char path[PATH_MAX];
	struct utm_cfg cfg;
	char err[256];

	utm_cfg_defaults(&cfg);
	if (utm_cfg_parse_at(yaml, strlen(yaml), file, dir, &cfg, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(cfg.nlists, 1);
	strcpy(path, cfg.lists[0].path);
	utm_cfg_free(&cfg);
	return path;
}

static void test_relative_paths(void **state)
{
	const char *rel = "lists:\n  - name: a\n    file: lists/drop.txt\n";
	const char *abs = "lists:\n  - name: a\n    file: /srv/drop.txt\n";
	char want[PATH_MAX + 64], err[256];
	struct utm_cfg cfg;

	assert_string_equal(first_list_path("/etc/utm/utm.yaml", NULL, rel),
			    "/etc/utm/lists/drop.txt");
	assert_string_equal(first_list_path("/utm.yaml", NULL, rel), "/lists/drop.txt");
	assert_string_equal(first_list_path("conf/utm.yaml", NULL, rel), "conf/lists/drop.txt");
	assert_string_equal(first_list_path("utm.yaml", NULL, rel), "lists/drop.txt");
	assert_string_equal(first_list_path(NULL, NULL, rel), "lists/drop.txt");
	assert_string_equal(first_list_path("x/utm.yaml", "/opt/utm", rel),
			    "/opt/utm/lists/drop.txt");
	assert_string_equal(first_list_path("x/utm.yaml", "/opt/utm/", rel),
			    "/opt/utm/lists/drop.txt");
	assert_string_equal(first_list_path("/etc/utm/utm.yaml", NULL, abs), "/srv/drop.txt");

	/* A relative config path still gives absolute list paths. */
	assert_int_equal(chdir(top), 0);
	utm_cfg_defaults(&cfg);
	assert_int_equal(utm_cfg_load_file("tests/fixtures/utm.yaml", &cfg, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s/tests/fixtures/lists/drop.txt", top);
	assert_string_equal(cfg.lists[0].path, want);
	utm_cfg_free(&cfg);
	assert_int_equal(chdir(top), 0);
	assert_int_equal(chdir("tests"), 0);
	utm_cfg_defaults(&cfg);
	assert_int_equal(utm_cfg_load_file("fixtures/utm.yaml", &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.lists[0].path, want);
	utm_cfg_free(&cfg);
}

struct bad_case {
	const char *yaml;
	const char *msg;
};

static const struct bad_case bad_cases[] = {
	/* unknown keys */
	{"xdp-mode: auto\nfoo: 1\n", "t.yaml:2: unknown key 'foo'"},
	{"ports:\n  lan: eth1\n  lann: eth2\n", "t.yaml:3: unknown key 'lann' in ports"},
	{"events:\n\n  rate: 1\n", "t.yaml:3: unknown key 'rate' in events"},
	{"lists:\n  - name: a\n    file: a\n    sev: 1\n", "t.yaml:4: unknown key 'sev' in lists"},
	{"\"a\\tb\": 1\n", "t.yaml:1: unknown key 'a?b'"},
	{"ports:\n  lan: a\n  lan: b\n", "t.yaml:3: duplicate key 'lan'"},
	{"? [a]\n: b\n", "t.yaml:1: top level: keys must be plain words"},
	/* wrong types */
	{"- a\n", "t.yaml:1: top level: expected a mapping, got a sequence"},
	{"events: 5\n", "t.yaml:1: events: expected a mapping, got a scalar"},
	{"lists:\n  name: x\n", "t.yaml:2: lists: expected a sequence, got a mapping"},
	{"lists:\n  - drop\n", "t.yaml:2: lists: expected a mapping, got a scalar"},
	{"ports:\n  lan: [eth1]\n",
	 "t.yaml:2: ports.lan: expected an interface name, got a sequence"},
	{"event-log: {a: b}\n", "t.yaml:1: event-log: expected a path, got a mapping"},
	{"events:\n  rate-global: [1]\n",
	 "t.yaml:2: events.rate-global: expected an integer, got a sequence"},
	/* bad values */
	{"pin-root:\n", "t.yaml:1: pin-root: missing value"},
	{"state-dir: \"/a\\0b\"\n", "t.yaml:1: state-dir: value contains a NUL character"},
	{"ports:\n  lan: eth1234567890123\n",
	 "t.yaml:2: ports.lan: 'eth1234567890123' is not a valid interface name "
	 "(1..15 characters, no '/', ':' or spaces)"},
	{"ports:\n  wan: 'a b'\n", "t.yaml:2: ports.wan: 'a b' is not a valid interface name "
				   "(1..15 characters, no '/', ':' or spaces)"},
	{"ports:\n  lan: eth1\n  wan: eth1\n", "t.yaml:2: ports: lan and wan are both 'eth1'"},
	{"\n\nxdp-mode: fast\n",
	 "t.yaml:3: xdp-mode: expected auto | native | generic, got 'fast'"},
	{"malformed: yes\n", "t.yaml:1: malformed: expected forward | drop, got 'yes'"},
	{"events:\n  rate-global: 1000001\n",
	 "t.yaml:2: events.rate-global: expected an integer 0..1000000, got '1000001'"},
	{"events:\n  burst-global: -1\n",
	 "t.yaml:2: events.burst-global: expected an integer 0..1000000, got '-1'"},
	{"events:\n  retention-days: 10y\n",
	 "t.yaml:2: events.retention-days: expected an integer 0..1000000, got '10y'"},
	{"events:\n  max-db-size: 5T\n",
	 "t.yaml:2: events.max-db-size: expected a size 1K..4G such as 512K or 64M, got '5T'"},
	{"events:\n  rate-per-source: 5.0\n",
	 "t.yaml:2: events.rate-per-source: expected an integer 0..1000000, got '5.0'"},
	{"events:\n  burst-per-source: 99999999999999999999999\n",
	 "t.yaml:2: events.burst-per-source: expected an integer 0..1000000, "
	 "got '99999999999999999999999'"},
	{"lists:\n  - name: a\n    file: a\n    severity: 4\n",
	 "t.yaml:4: lists.severity: expected 1, 2 or 3, got '4'"},
	/* the DNS guard */
	{"dns:\n  mode: drop\n",
	 "t.yaml:2: dns.mode: expected null | nxdomain | nodata | sinkhole, got 'drop'"},
	{"dns:\n  sinkhole-ipv4: 1.2.3\n",
	 "t.yaml:2: dns.sinkhole-ipv4: '1.2.3' is not an IPv4 address"},
	{"dns:\n  sinkhole-ipv6: 10.0.0.1\n",
	 "t.yaml:2: dns.sinkhole-ipv6: '10.0.0.1' is not an IPv6 address"},
	{"dns:\n  ttl: -2\n", "t.yaml:2: dns.ttl: expected an integer 0..1000000, got '-2'"},
	{"lists:\n  - name: a\n    file: a\n    kind: hosts\n",
	 "t.yaml:4: lists.kind: expected ip | domains | urls | domain | url | ips-rules | "
	 "av-signatures | categories, got 'hosts'"},
	/* feeds */
	{"feeds:\n  - name: a\n    url: ftp://x/a\n",
	 "t.yaml:3: feeds.url: 'ftp://x/a' is not an http://, https:// or file:/// URL"},
	{"feeds:\n  - name: a\n", "t.yaml:2: feeds: 'a' has no url"},
	{"feeds:\n  - url: http://x/a\n", "t.yaml:2: feeds: entry without a name"},
	{"feeds:\n  - name: a\n    url: http://x/a\n    refresh: 1w\n",
	 "t.yaml:4: feeds.refresh: expected a duration 1s..30d such as 90s, 15m, 6h or 1d, "
	 "got '1w'"},
	{"feeds:\n  - name: a\n    url: http://x/a\n    refresh: 31d\n",
	 "t.yaml:4: feeds.refresh: expected a duration 1s..30d such as 90s, 15m, 6h or 1d, "
	 "got '31d'"},
	{"feeds:\n  - name: a\n    url: http://x/a\n    max-size: 12X\n",
	 "t.yaml:4: feeds.max-size: expected a size 1K..4G such as 512K or 64M, got '12X'"},
	{"feeds:\n  - name: a\n    url: http://x/a\n    max-change: 1001%\n",
	 "t.yaml:4: feeds.max-change: expected an integer 0..1000, got '1001%'"},
	{"feeds:\n  - name: a\n    url: http://x/a\n    allow-private: maybe\n",
	 "t.yaml:4: feeds.allow-private: expected true | false | yes | no, got 'maybe'"},
	{"feeds:\n  - name: a\n    url: http://x/a\n    format: spamhaus-json\n    kind: url\n",
	 "t.yaml:2: feeds: 'a': format spamhaus-json needs kind ip"},
	{"feeds:\n  - name: a\n    url: http://x/a\n    format: crowdsec\n",
	 "t.yaml:2: feeds: 'a': the crowdsec format needs an api-key"},
	{"feeds:\n  - name: a\n    url: http://x/a\n    categories: [1, 256]\n",
	 "t.yaml:4: feeds.categories: expected a category number 0..255, got '256'"},
	{"lists:\n  - name: a\n    file: a\nfeeds:\n  - name: a\n    url: http://x/a\n",
	 "t.yaml:5: feeds.name: duplicate list name 'a'"},
	{"never-block:\n  addresses: [192.0.2.1, 192.0.2]\n",
	 "t.yaml:2: never-block.addresses: '192.0.2' is not an address or prefix"},
	{"never-block:\n  domains: [-bad.example]\n",
	 "t.yaml:2: never-block.domains: '-bad.example' is not a domain name: label 1 starts "
	 "with '-'"},
	{"lists:\n  - name: a\n    file: a\n    invalid: ignore\n",
	 "t.yaml:4: lists.invalid: expected skip | refuse, got 'ignore'"},
	{"lists:\n  - name: a\n    file: a\n    severity: 0\n",
	 "t.yaml:4: lists.severity: expected 1, 2 or 3, got '0'"},
	{"lists:\n  - name: a\n    file: a\n    direction: in\n",
	 "t.yaml:4: lists.direction: expected inbound | outbound | both, got 'in'"},
	{"lists:\n  - name: a\n    action: drop\n",
	 "t.yaml:3: lists.action: expected block | allow, got 'drop'"},
	{"lists:\n  - name: a/b\n", "t.yaml:2: lists.name: 'a/b' is not a valid list name "
				    "(1..47 characters of A-Z a-z 0-9 _ . -)"},
	{"lists:\n  - name: abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuv\n",
	 "t.yaml:2: lists.name: 'abcdefghijklmnopqrstuvwxyzabcdefghij...' is not a valid "
	 "list name (1..47 characters of A-Z a-z 0-9 _ . -)"},
	{"lists:\n  - file: a\n", "t.yaml:2: lists: entry without a name"},
	{"lists:\n  - name: a\n    file: a\n  -\n", "t.yaml:4: lists: entry without a name"},
	{"lists:\n  - name: a\n    severity: 3\n", "t.yaml:2: lists: 'a' has no file"},
	{"lists:\n  - name: a\n    file: a\n  - name: b\n    file: b\n  - name: a\n    file: c\n",
	 "t.yaml:6: lists.name: duplicate list name 'a'"},
	/* inspect: utm-inspect's defaults */
	{"inspect:\n  rules: [a.rules]\n  drop-class: [x]\n",
	 "t.yaml:3: unknown key 'drop-class' in inspect"},
	{"inspect:\n  ports: tcp:80,udp:http\n",
	 "t.yaml:2: inspect.ports: 'udp:http' is not tcp:PORT or udp:PORT (at most 64)"},
	{"inspect:\n  ports: tcp:80,tcp:0\n",
	 "t.yaml:2: inspect.ports: 'tcp:0' is not tcp:PORT or udp:PORT (at most 64)"},
	{"inspect:\n  ports: sctp:80\n",
	 "t.yaml:2: inspect.ports: 'sctp:80' is not tcp:PORT or udp:PORT (at most 64)"},
	{"inspect:\n  ports: [tcp:80]\n",
	 "t.yaml:2: inspect.ports: expected a port list such as tcp:80,tcp:443,udp:53, got a "
	 "sequence"},
	{"inspect:\n  ports: \",\"\n",
	 "t.yaml:2: inspect.ports: no port (expected e.g. tcp:80,tcp:443,udp:53)"},
	{"inspect:\n  drop-sids:\n    - 2001\n    - 20x1\n",
	 "t.yaml:4: inspect.drop-sids: expected a rule sid 1..4294967295, got '20x1'"},
	{"inspect:\n  drop-sids: [0]\n",
	 "t.yaml:2: inspect.drop-sids: expected a rule sid 1..4294967295, got '0'"},
	{"inspect:\n  drop-sids: [4294967296]\n",
	 "t.yaml:2: inspect.drop-sids: expected a rule sid 1..4294967295, got '4294967296'"},
	{"inspect:\n  drop-sids: 2001\n",
	 "t.yaml:2: inspect.drop-sids: expected a sequence, got a scalar"},
	{"inspect:\n  rules: /etc/suricata/rules/*.rules\n",
	 "t.yaml:2: inspect.rules: expected a sequence, got a scalar"},
	{"inspect:\n  rules:\n    a: b\n",
	 "t.yaml:3: inspect.rules: expected a sequence, got a mapping"},
	{"inspect:\n  rules:\n    - [a]\n",
	 "t.yaml:3: inspect.rules: expected a path, got a sequence"},
	{"inspect:\n  drop-classtypes: [trojan-activity, \"bad class\"]\n",
	 "t.yaml:2: inspect.drop-classtypes: 'bad class' is not a classtype name (1..63 "
	 "characters of A-Z a-z 0-9 _ . -)"},
	{"inspect:\n  depth-packets: -1\n",
	 "t.yaml:2: inspect.depth-packets: expected an integer 0..1073741824, got '-1'"},
	{"inspect:\n  flow-timeout: 86401\n",
	 "t.yaml:2: inspect.flow-timeout: expected an integer 0..86400, got '86401'"},
	{"inspect:\n  closing-timeout: 10s\n",
	 "t.yaml:2: inspect.closing-timeout: expected an integer 0..86400, got '10s'"},
	{"inspect:\n  eve: [a]\n", "t.yaml:2: inspect.eve: expected a path, got a sequence"},
	{"inspect:\n  ip-only-dir:\n", "t.yaml:2: inspect.ip-only-dir: missing value"},
	{"inspect: [rules]\n", "t.yaml:1: inspect: expected a mapping, got a sequence"},
	/* inspect: the web policy */
	{"inspect:\n  block-categories: [adult, Social]\n",
	 "t.yaml:2: inspect.block-categories: 'Social' is not a category name (1..47 characters "
	 "of a-z 0-9 _ -)"},
	{"inspect:\n  log-categories:\n    - adult\n    - \"audio video\"\n",
	 "t.yaml:4: inspect.log-categories: 'audio video' is not a category name (1..47 "
	 "characters of a-z 0-9 _ -)"},
	{"inspect:\n  log-categories:\n    - adult.x\n",
	 "t.yaml:3: inspect.log-categories: 'adult.x' is not a category name (1..47 characters "
	 "of a-z 0-9 _ -)"},
	{"inspect:\n  log-categories: [\"\"]\n",
	 "t.yaml:2: inspect.log-categories: '' is not a category name (1..47 characters of a-z "
	 "0-9 _ -)"},
	{"inspect:\n  log-categories:\n    - [adult]\n",
	 "t.yaml:3: inspect.log-categories: expected a category name, got a sequence"},
	{"inspect:\n  log-categories: adult\n",
	 "t.yaml:2: inspect.log-categories: expected a sequence of category names, got a scalar"},
	{"inspect:\n  block-categories:\n    adult: true\n",
	 "t.yaml:3: inspect.block-categories: expected a sequence of category names, got a "
	 "mapping"},
	{"inspect:\n  category-window: 1w\n",
	 "t.yaml:2: inspect.category-window: expected a duration 1s..30d such as 90s, 15m, 6h or "
	 "1d, got '1w'"},
	{"inspect:\n  category-window: 0\n",
	 "t.yaml:2: inspect.category-window: expected a duration 1s..30d such as 90s, 15m, 6h or "
	 "1d, got '0'"},
	{"inspect:\n  category-window: 31d\n",
	 "t.yaml:2: inspect.category-window: expected a duration 1s..30d such as 90s, 15m, 6h or "
	 "1d, got '31d'"},
	{"inspect:\n  block-quic: maybe\n",
	 "t.yaml:2: inspect.block-quic: expected true | false | yes | no, got 'maybe'"},
	{"inspect:\n  block-sites: 1\n",
	 "t.yaml:2: inspect.block-sites: expected true | false | yes | no, got '1'"},
	{"inspect:\n  categories: \"\"\n", "t.yaml:2: inspect.categories: missing value"},
	{"inspect:\n  categories: [a, b]\n",
	 "t.yaml:2: inspect.categories: expected a directory, got a sequence"},
	{"inspect:\n  block-page:\n    contact-name: IT\n    contact-fax: x\n",
	 "t.yaml:4: unknown key 'contact-fax' in inspect.block-page"},
	{"inspect:\n  block-page: IT desk\n",
	 "t.yaml:2: inspect.block-page: expected a mapping, got a scalar"},
	{"inspect:\n  block-page:\n    contact-phone:\n",
	 "t.yaml:3: inspect.block-page.contact-phone: missing value"},
	{"inspect:\n  block-page:\n    contact-name: \"IT\\tdesk\"\n",
	 "t.yaml:3: inspect.block-page.contact-name: contains a control character"},
	{"inspect:\n  block-page:\n    contact-name: \"IT\\x85desk\"\n",
	 "t.yaml:3: inspect.block-page.contact-name: contains a control character"},
	/* inspect: application detection (nDPI names: their characters only) */
	{"inspect:\n  apps: maybe\n",
	 "t.yaml:2: inspect.apps: expected true | false | yes | no, got 'maybe'"},
	{"inspect:\n  apps:\n", "t.yaml:2: inspect.apps: missing value"},
	{"inspect:\n  block-apps: [BitTorrent, \"Apple iCloud\"]\n",
	 "t.yaml:2: inspect.block-apps: 'Apple iCloud' is not an nDPI application name (1..39 "
	 "characters of A-Z a-z 0-9 _ - . +)"},
	{"inspect:\n  block-apps:\n    - Tor\n    - Sina(Weibo)\n",
	 "t.yaml:4: inspect.block-apps: 'Sina(Weibo)' is not an nDPI application name (1..39 "
	 "characters of A-Z a-z 0-9 _ - . +)"},
	{"inspect:\n  log-app-categories:\n    - Game\n    - \"\"\n",
	 "t.yaml:4: inspect.log-app-categories: '' is not an nDPI category name (1..39 "
	 "characters of A-Z a-z 0-9 _ - . +)"},
	{"inspect:\n  block-app-categories: [Download, \"Video/Music\"]\n",
	 "t.yaml:2: inspect.block-app-categories: 'Video/Music' is not an nDPI category name "
	 "(1..39 characters of A-Z a-z 0-9 _ - . +)"},
	{"inspect:\n  block-app-categories:\n    - Abcdefghijklmnopqrstuvwxyz0123456789_-.+\n",
	 "t.yaml:3: inspect.block-app-categories: 'Abcdefghijklmnopqrstuvwxyz0123456789_-.+' "
	 "is not an nDPI category name (1..39 characters of A-Z a-z 0-9 _ - . +)"},
	{"inspect:\n  block-apps:\n    - [Tor]\n",
	 "t.yaml:3: inspect.block-apps: expected an nDPI application name, got a sequence"},
	{"inspect:\n  block-apps: BitTorrent\n",
	 "t.yaml:2: inspect.block-apps: expected a sequence of nDPI application names, got a "
	 "scalar"},
	{"inspect:\n  log-app-categories:\n    Game: true\n",
	 "t.yaml:3: inspect.log-app-categories: expected a sequence of nDPI category names, got "
	 "a mapping"},
	{"inspect:\n  block-app-categories: Download\n",
	 "t.yaml:2: inspect.block-app-categories: expected a sequence of nDPI category names, got "
	 "a scalar"},
	/* inspect: the antivirus */
	{"inspect:\n  antivirus: on\n",
	 "t.yaml:2: inspect.antivirus: expected true | false | yes | no, got 'on'"},
	{"inspect:\n  antivirus:\n", "t.yaml:2: inspect.antivirus: missing value"},
	{"inspect:\n  apps: true\n  av-block-unscanned: 1\n",
	 "t.yaml:3: inspect.av-block-unscanned: expected true | false | yes | no, got '1'"},
	{"inspect:\n  av-max-file: 32MB\n",
	 "t.yaml:2: inspect.av-max-file: expected a size 1K..1G such as 512K or 64M, got '32MB'"},
	{"inspect:\n  antivirus: true\n\n  av-max-file: 2G\n",
	 "t.yaml:4: inspect.av-max-file: expected a size 1K..1G such as 512K or 64M, got '2G'"},
	{"inspect:\n  av-max-file: 1025M\n",
	 "t.yaml:2: inspect.av-max-file: expected a size 1K..1G such as 512K or 64M, got '1025M'"},
	{"inspect:\n  av-max-file: 1023\n",
	 "t.yaml:2: inspect.av-max-file: expected a size 1K..1G such as 512K or 64M, got '1023'"},
	{"inspect:\n  av-max-file: -1M\n",
	 "t.yaml:2: inspect.av-max-file: expected a size 1K..1G such as 512K or 64M, got '-1M'"},
	{"inspect:\n  av-max-file: 32m\n",
	 "t.yaml:2: inspect.av-max-file: expected a size 1K..1G such as 512K or 64M, got '32m'"},
	{"inspect:\n  av-max-file: [32M]\n",
	 "t.yaml:2: inspect.av-max-file: expected a size, got a sequence"},
	{"inspect:\n  av-db: \"\"\n", "t.yaml:2: inspect.av-db: missing value"},
	{"inspect:\n  av-db:\n    - /etc/utm/clamav\n",
	 "t.yaml:3: inspect.av-db: expected a directory, got a sequence"},
	{"inspect:\n  av-timeout: 10s\n", "t.yaml:2: unknown key 'av-timeout' in inspect"},
	/* YAML syntax */
	{"ports:\n  lan: eth1\n wan: eth2\n",
	 "t.yaml:3: did not find expected key (while parsing a block mapping at line 1)"},
	{"ports:\n\tlan: eth1\n",
	 "t.yaml:2: found character that cannot start any token (while scanning for the next "
	 "token at line 2)"},
	{"a: 'b\n\n", "t.yaml:3: found unexpected end of stream (while scanning a quoted scalar at "
		      "line 1)"},
	{"ports: *x\n", "t.yaml:1: found undefined alias"},
	{"xdp-mode: auto\n\n\xff\n", "t.yaml:3: invalid leading UTF-8 octet"},
	{"xdp-mode: auto\n---\nxdp-mode: native\n", "t.yaml:3: only one YAML document is allowed"},
	{"xdp-mode: auto\n---\n- [\n", "t.yaml:4: did not find expected node content (while "
				       "parsing a flow node at line 4)"},
};

static void test_feeds(void **state)
{
	static const char yaml[] =
		"state-dir: /var/lib/x\n"
		"never-block:\n"
		"  addresses: [192.0.2.1, 2001:db8::53]\n"
		"  domains: [Example.CO.JP]\n"
		"feeds:\n"
		"  - name: drop\n"
		"    url: https://www.spamhaus.org/drop/drop_v4.json\n"
		"    format: spamhaus-json\n"
		"    direction: inbound\n"
		"    refresh: 12h\n"
		"  - name: et-rep\n"
		"    url: file:///srv/iprep.csv\n"
		"    format: et-iprep\n"
		"    categories: [1, 3]\n"
		"    min-score: 50\n"
		"    max-size: 64M\n"
		"    max-change: 20%\n"
		"    allow-private: yes\n"
		"    signature-key: RWQFcCKhMQo10t/WygHFA52W+xFQRqXrvWad822dmT+RTv5CYvcC/57P\n"
		"  - name: rules\n"
		"    url: https://rules.example/emerging.rules.tar.gz\n"
		"    kind: ips-rules\n"
		"    refresh: 1d\n";
	struct utm_cfg cfg;
	const struct utm_list_cfg *l;
	char err[256];

	utm_cfg_defaults(&cfg);
	assert_int_equal(parse(yaml, "t.yaml", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.nlists, 3);
	assert_int_equal(cfg.n_never_addrs, 2);
	assert_int_equal(cfg.never_addrs[1].family, 6);
	assert_int_equal(cfg.n_never_names, 1);
	assert_string_equal(cfg.never_names[0], "example.co.jp");
	l = &cfg.lists[0];
	assert_true(utm_list_is_feed(l));
	assert_int_equal(l->kind, UTM_LIST_KIND_IP);
	assert_int_equal(l->feed.format, UTM_FMT_SPAMHAUS_JSON);
	assert_int_equal(l->feed.refresh_s, 12 * 3600);
	assert_int_equal(l->feed.timeout_s, 120);
	assert_int_equal(l->feed.max_size, 256ul << 20);
	assert_int_equal(l->feed.max_change_pct, 50);
	assert_int_equal(l->feed.min_prefix4, 8);
	assert_string_equal(l->path, "/var/lib/x/feeds/drop.data");
	l = &cfg.lists[1];
	assert_int_equal(l->feed.format, UTM_FMT_ET_IPREP);
	assert_true(l->feed.categories[1] && l->feed.categories[3] && !l->feed.categories[2]);
	assert_int_equal(l->feed.min_score, 50);
	assert_int_equal(l->feed.max_size, 64ul << 20);
	assert_int_equal(l->feed.max_change_pct, 20);
	assert_int_equal(l->feed.allow_private, 1);
	assert_string_equal(l->feed.sig_key,
			    "RWQFcCKhMQo10t/WygHFA52W+xFQRqXrvWad822dmT+RTv5CYvcC/57P");
	l = &cfg.lists[2];
	assert_int_equal(l->kind, UTM_LIST_KIND_IPS_RULES);
	assert_false(utm_list_kind_in_maps(l->kind));
	assert_int_equal(l->feed.refresh_s, 86400);
	/* A state dir given later (a flag) moves the feeds' data with it. */
	strcpy(cfg.state_dir, "/tmp/s");
	utm_cfg_set_feed_paths(&cfg);
	assert_string_equal(cfg.lists[0].path, "/tmp/s/feeds/drop.data");
	utm_cfg_free(&cfg);
}

/* The inspect: section, utm-inspect's defaults. */
static void test_inspect(void **state)
{
	static const char yaml[] = "event-log: /var/log/utm/eve.json\n"
				   "inspect:\n"
				   "  rules:\n"
				   "    - /var/lib/utm/feeds/et-open.d/rules/*.rules\n"
				   "    - local.rules\n"
				   "  drop-classtypes: [trojan-activity, command-and-control]\n"
				   "  drop-sids: [2001, 4294967295]\n"
				   "  ports: tcp:80,tcp:443,udp:53\n"
				   "  depth-packets: 64\n"
				   "  flow-timeout: 600\n"
				   "  closing-timeout: 0\n"
				   "  eve: /var/log/utm/eve-inspect.json\n"
				   "  ip-only-dir: /var/lib/utm/ips\n";
	char(*pat)[PATH_MAX];
	struct utm_cfg cfg;
	char err[256];
	size_t n;

	utm_cfg_defaults(&cfg);
	if (parse(yaml, "/etc/utm/utm.yaml", &cfg, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(cfg.inspect.rules_set, 1);
	assert_int_equal(cfg.inspect.nrules, 2);
	assert_string_equal(cfg.inspect.rules[0], "/var/lib/utm/feeds/et-open.d/rules/*.rules");
	assert_string_equal(cfg.inspect.rules[1], "/etc/utm/local.rules");
	assert_int_equal(cfg.inspect.n_drop_classes, 2);
	assert_string_equal(cfg.inspect.drop_classes[0], "trojan-activity");
	assert_string_equal(cfg.inspect.drop_classes[1], "command-and-control");
	assert_int_equal(cfg.inspect.n_drop_sids, 2);
	assert_int_equal(cfg.inspect.drop_sids[0], 2001);
	assert_int_equal(cfg.inspect.drop_sids[1], 4294967295u);
	assert_string_equal(cfg.inspect.ports, "tcp:80,tcp:443,udp:53");
	assert_int_equal(cfg.inspect.depth_packets, 64);
	assert_int_equal(cfg.inspect.flow_timeout_s, 600);
	assert_int_equal(cfg.inspect.closing_timeout_s, 0);
	assert_string_equal(cfg.inspect.eve, "/var/log/utm/eve-inspect.json");
	assert_string_equal(cfg.inspect.ip_only_dir, "/var/lib/utm/ips");
	assert_int_equal(utm_cfg_inspect_rules(&cfg, &pat, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(pat[1], "/etc/utm/local.rules");
	free(pat);

	/* A bad second file leaves the first one's section whole (deep copies). */
	assert_int_equal(
		parse("inspect:\n  drop-sids: [1]\n  ports: x\n", "b.yaml", &cfg, err, sizeof(err)),
		-1);
	assert_string_equal(err, "b.yaml:3: inspect.ports: 'x' is not tcp:PORT or udp:PORT (at "
				 "most 64)");
	assert_int_equal(cfg.inspect.n_drop_sids, 2);
	assert_int_equal(cfg.inspect.drop_sids[1], 4294967295u);
	/* A later file's lists replace the earlier ones; an empty rules list means none. */
	assert_int_equal(parse("inspect:\n  rules: []\n  drop-sids: [7]\n", "c.yaml", &cfg, err,
			       sizeof(err)),
			 0);
	assert_int_equal(cfg.inspect.rules_set, 1);
	assert_int_equal(cfg.inspect.nrules, 0);
	assert_int_equal(cfg.inspect.n_drop_sids, 1);
	assert_int_equal(cfg.inspect.drop_sids[0], 7);
	assert_int_equal(cfg.inspect.n_drop_classes, 2);
	assert_int_equal(utm_cfg_inspect_rules(&cfg, &pat, &n), 0);
	assert_int_equal(n, 0);
	assert_null(pat);
	utm_cfg_free(&cfg);
	assert_null(cfg.inspect.rules);
	assert_null(cfg.inspect.drop_classes);
	assert_null(cfg.inspect.drop_sids);
}

/* The inspect: section's web policy keys. */
static void test_inspect_web(void **state)
{
	static const char yaml[] = "inspect:\n"
				   "  categories: ut1\n"
				   "  log-categories: [adult, gambling, games, adult]\n"
				   "  block-categories:\n"
				   "    - adult\n"
				   "    - malware\n"
				   "    - social_networks\n"
				   "    - audio-video\n"
				   "  category-window: 15m\n"
				   "  block-sites: no\n"
				   "  block-quic: true\n"
				   "  block-doh: yes\n"
				   "  block-page:\n"
				   "    contact-name: \"情報システム部 山田\"\n"
				   "    contact-phone: 03-1234-5678 (内線 201)\n"
				   "    contact-email: it@example.co.jp\n";
	char dir[PATH_MAX], err[256], *long_yaml;
	struct utm_cfg cfg, copy;
	size_t i;

	utm_cfg_defaults(&cfg);
	if (parse(yaml, "/etc/utm/utm.yaml", &cfg, err, sizeof(err)))
		fail_msg("%s", err);
	/* Relative to the configuration, as list files. */
	assert_string_equal(cfg.inspect.categories, "/etc/utm/ut1");
	utm_cfg_inspect_categories(&cfg, dir, sizeof(dir));
	assert_string_equal(dir, "/etc/utm/ut1");
	/* A name given twice counts once; a name in both lists is fine (block wins). */
	assert_int_equal(cfg.inspect.n_log_categories, 3);
	assert_string_equal(cfg.inspect.log_categories[0], "adult");
	assert_string_equal(cfg.inspect.log_categories[2], "games");
	assert_string_equal(cfg.inspect.log_categories[3], "");
	assert_int_equal(cfg.inspect.n_block_categories, 4);
	assert_string_equal(cfg.inspect.block_categories[0], "adult");
	assert_string_equal(cfg.inspect.block_categories[1], "malware");
	assert_string_equal(cfg.inspect.block_categories[2], "social_networks");
	assert_string_equal(cfg.inspect.block_categories[3], "audio-video");
	assert_int_equal(cfg.inspect.category_window_s, 900);
	assert_int_equal(cfg.inspect.block_sites, 0);
	assert_int_equal(cfg.inspect.block_quic, 1);
	assert_int_equal(cfg.inspect.block_doh, 1);
	assert_string_equal(cfg.inspect.contact_name, "情報システム部 山田");
	assert_string_equal(cfg.inspect.contact_phone, "03-1234-5678 (内線 201)");
	assert_string_equal(cfg.inspect.contact_email, "it@example.co.jp");

	/* A bad second file changes nothing; a good one replaces the lists it names. */
	copy = cfg;
	assert_int_equal(parse("inspect:\n  log-categories: []\n  block-categories: [a, B]\n",
			       "b.yaml", &cfg, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "b.yaml:3: inspect.block-categories: 'B' is not a category name "
				 "(1..47 characters of a-z 0-9 _ -)");
	assert_memory_equal(&cfg.inspect, &copy.inspect, sizeof(cfg.inspect));
	assert_int_equal(parse("inspect:\n  log-categories: []\n  block-page:\n"
			       "    contact-name: \"\"\n",
			       "c.yaml", &cfg, err, sizeof(err)),
			 0);
	assert_int_equal(cfg.inspect.n_log_categories, 0);
	assert_int_equal(cfg.inspect.n_block_categories, 4);
	assert_string_equal(cfg.inspect.contact_name, "");
	assert_string_equal(cfg.inspect.contact_email, "it@example.co.jp");
	/* A key with nothing after it: an empty list too. */
	assert_int_equal(parse("inspect:\n  block-categories:\n", "d.yaml", &cfg, err, sizeof(err)),
			 0);
	assert_int_equal(cfg.inspect.n_block_categories, 0);
	utm_cfg_free(&cfg);

	/* At most 64 names per list, and 127 bytes per contact. */
	long_yaml = malloc(4096);
	assert_non_null(long_yaml);
	strcpy(long_yaml, "inspect:\n  block-categories:\n");
	for (i = 0; i < 65; i++)
		snprintf(long_yaml + strlen(long_yaml), 4096 - strlen(long_yaml), "    - c%zu\n",
			 i);
	utm_cfg_defaults(&cfg);
	assert_int_equal(parse(long_yaml, "t.yaml", &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "t.yaml:67: inspect.block-categories: more than 64 categories");
	*strstr(long_yaml, "    - c64\n") = '\0';
	assert_int_equal(parse(long_yaml, "t.yaml", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.inspect.n_block_categories, 64);
	assert_string_equal(cfg.inspect.block_categories[63], "c63");
	snprintf(long_yaml, 4096, "inspect:\n  block-page:\n    contact-email: %0*d\n", 128, 0);
	assert_int_equal(parse(long_yaml, "t.yaml", &cfg, err, sizeof(err)), -1);
	assert_string_equal(err,
			    "t.yaml:3: inspect.block-page.contact-email: longer than 127 bytes");
	/* 127 bytes fit, counted in bytes: 42 three-byte characters and a 1. */
	strcpy(long_yaml, "inspect:\n  block-page:\n    contact-name: 1");
	for (i = 0; i < 42; i++)
		strcat(long_yaml, "山");
	strcat(long_yaml, "\n");
	assert_int_equal(parse(long_yaml, "t.yaml", &cfg, err, sizeof(err)), 0);
	assert_int_equal(strlen(cfg.inspect.contact_name), 127);
	strcpy(strstr(long_yaml, "1山"), "12山");
	for (i = 0; i < 41; i++)
		strcat(long_yaml, "山");
	strcat(long_yaml, "\n");
	assert_int_equal(parse(long_yaml, "t.yaml", &cfg, err, sizeof(err)), -1);
	assert_string_equal(err,
			    "t.yaml:3: inspect.block-page.contact-name: longer than 127 bytes");
	free(long_yaml);
	utm_cfg_free(&cfg);
}

/* The inspect: section's application detection keys (nDPI names). */
static void test_inspect_apps(void **state)
{
	static const char yaml[] = "inspect:\n"
				   "  apps: false\n"
				   "  log-app-categories: [Game, VPN, Game, IoT-Scada]\n"
				   "  block-apps:\n"
				   "    - BitTorrent\n"
				   "    - Tor\n"
				   "    - HTTP_Proxy\n"
				   "    - DNS.over+HTTPS\n"
				   "  block-app-categories: [Download, FileSharing]\n";
	struct utm_cfg cfg, copy;
	char err[256], *long_yaml;
	size_t i;

	utm_cfg_defaults(&cfg);
	if (parse(yaml, "/etc/utm/utm.yaml", &cfg, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(cfg.inspect.apps, 0);
	/* A name given twice counts once; the case is kept (nDPI's names are mixed case). */
	assert_int_equal(cfg.inspect.n_log_app_categories, 3);
	assert_string_equal(cfg.inspect.log_app_categories[0], "Game");
	assert_string_equal(cfg.inspect.log_app_categories[1], "VPN");
	assert_string_equal(cfg.inspect.log_app_categories[2], "IoT-Scada");
	assert_string_equal(cfg.inspect.log_app_categories[3], "");
	assert_int_equal(cfg.inspect.n_block_apps, 4);
	assert_string_equal(cfg.inspect.block_apps[0], "BitTorrent");
	assert_string_equal(cfg.inspect.block_apps[2], "HTTP_Proxy");
	assert_string_equal(cfg.inspect.block_apps[3], "DNS.over+HTTPS");
	assert_int_equal(cfg.inspect.n_block_app_categories, 2);
	assert_string_equal(cfg.inspect.block_app_categories[1], "FileSharing");
	/* The web policy's keys are not touched. */
	assert_int_equal(cfg.inspect.n_log_categories, 8);
	assert_int_equal(cfg.inspect.block_sites, 1);

	/* A bad second file changes nothing; a good one replaces the lists it names. */
	copy = cfg;
	assert_int_equal(parse("inspect:\n  apps: yes\n  block-apps: []\n"
			       "  block-app-categories:\n    - Download\n    - File Sharing\n",
			       "b.yaml", &cfg, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "b.yaml:6: inspect.block-app-categories: 'File Sharing' is not an "
				 "nDPI category name (1..39 characters of A-Z a-z 0-9 _ - . +)");
	assert_memory_equal(&cfg.inspect, &copy.inspect, sizeof(cfg.inspect));
	assert_int_equal(parse("inspect:\n  apps: yes\n  block-apps: []\n"
			       "  log-app-categories:\n",
			       "c.yaml", &cfg, err, sizeof(err)),
			 0);
	assert_int_equal(cfg.inspect.apps, 1);
	assert_int_equal(cfg.inspect.n_block_apps, 0);
	assert_string_equal(cfg.inspect.block_apps[0], "");
	assert_int_equal(cfg.inspect.n_log_app_categories, 0);
	assert_int_equal(cfg.inspect.n_block_app_categories, 2);
	utm_cfg_free(&cfg);

	/* At most 64 names per list, of at most 39 characters. */
	long_yaml = malloc(4096);
	assert_non_null(long_yaml);
	strcpy(long_yaml, "inspect:\n  block-apps:\n");
	for (i = 0; i < 65; i++)
		snprintf(long_yaml + strlen(long_yaml), 4096 - strlen(long_yaml), "    - App%zu\n",
			 i);
	utm_cfg_defaults(&cfg);
	assert_int_equal(parse(long_yaml, "t.yaml", &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "t.yaml:67: inspect.block-apps: more than 64 applications");
	*strstr(long_yaml, "    - App64\n") = '\0';
	assert_int_equal(parse(long_yaml, "t.yaml", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.inspect.n_block_apps, 64);
	assert_string_equal(cfg.inspect.block_apps[63], "App63");
	strcpy(long_yaml, "inspect:\n  log-app-categories: [a, b]\n  block-app-categories:\n");
	for (i = 0; i < 65; i++)
		snprintf(long_yaml + strlen(long_yaml), 4096 - strlen(long_yaml), "    - C%zu\n",
			 i);
	assert_int_equal(parse(long_yaml, "t.yaml", &cfg, err, sizeof(err)), -1);
	assert_string_equal(err,
			    "t.yaml:68: inspect.block-app-categories: more than 64 categories");
	/* Nothing of the failed file: log-app-categories is still the default. */
	assert_int_equal(cfg.inspect.n_log_app_categories, 9);
	snprintf(long_yaml, 4096, "inspect:\n  log-app-categories: [%0*d]\n", 39, 0);
	assert_int_equal(parse(long_yaml, "t.yaml", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.inspect.n_log_app_categories, 1);
	assert_int_equal(strlen(cfg.inspect.log_app_categories[0]), 39);
	snprintf(long_yaml, 4096, "inspect:\n  log-app-categories:\n    - %0*d\n", 40, 0);
	assert_int_equal(parse(long_yaml, "t.yaml", &cfg, err, sizeof(err)), -1);
	assert_string_equal(err,
			    "t.yaml:3: inspect.log-app-categories: "
			    "'0000000000000000000000000000000000000000' is not an nDPI category "
			    "name (1..39 characters of A-Z a-z 0-9 _ - . +)");
	free(long_yaml);
	utm_cfg_free(&cfg);
}

/* What the command line's nDPI names are checked with. */
static void test_inspect_app_names(void **state)
{
	char name[64];

	assert_true(utm_cfg_valid_app_name("BitTorrent"));
	assert_true(utm_cfg_valid_app_name("IoT-Scada"));
	assert_true(utm_cfg_valid_app_name("HTTP_Proxy"));
	assert_true(utm_cfg_valid_app_name("Amazon.com"));
	assert_true(utm_cfg_valid_app_name("Google+"));
	assert_true(utm_cfg_valid_app_name("0"));
	assert_false(utm_cfg_valid_app_name(""));
	assert_false(utm_cfg_valid_app_name("Apple iCloud"));
	assert_false(utm_cfg_valid_app_name("Sina(Weibo)"));
	assert_false(utm_cfg_valid_app_name("a/b"));
	assert_false(utm_cfg_valid_app_name("a\tb"));
	assert_false(utm_cfg_valid_app_name("caf\xc3\xa9"));
	memset(name, 'A', sizeof(name));
	name[39] = '\0';
	assert_true(utm_cfg_valid_app_name(name));
	name[39] = 'A';
	name[40] = '\0';
	assert_false(utm_cfg_valid_app_name(name));
}

/* The inspect: section's antivirus keys. */
static void test_inspect_av(void **state)
{
	static const char yaml[] = "inspect:\n"
				   "  antivirus: false\n"
				   "  av-db: clamav\n"
				   "  av-max-file: 512K\n"
				   "  av-block-unscanned: yes\n";
	struct utm_cfg cfg, copy;
	char err[256];

	utm_cfg_defaults(&cfg);
	if (parse(yaml, "/etc/utm/utm.yaml", &cfg, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(cfg.inspect.av, 0);
	/* Relative to the configuration's directory, as list files and categories. */
	assert_string_equal(cfg.inspect.av_db, "/etc/utm/clamav");
	assert_int_equal(cfg.inspect.av_max_file, 512ul << 10);
	assert_int_equal(cfg.inspect.av_block_unscanned, 1);
	/* The other sections' keys are not touched. */
	assert_int_equal(cfg.inspect.apps, 1);
	assert_int_equal(cfg.inspect.block_sites, 1);

	/* A bad second file changes nothing; a good one changes only the keys it names. */
	copy = cfg;
	assert_int_equal(parse("inspect:\n  antivirus: true\n  av-db: /srv/clamav\n"
			       "  av-max-file: 4G\n",
			       "b.yaml", &cfg, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "b.yaml:4: inspect.av-max-file: expected a size 1K..1G such as "
				 "512K or 64M, got '4G'");
	assert_memory_equal(&cfg.inspect, &copy.inspect, sizeof(cfg.inspect));
	assert_int_equal(parse("inspect:\n  antivirus: true\n  av-db: /srv/clamav/\n", "c.yaml",
			       &cfg, err, sizeof(err)),
			 0);
	assert_int_equal(cfg.inspect.av, 1);
	assert_string_equal(cfg.inspect.av_db, "/srv/clamav/");
	assert_int_equal(cfg.inspect.av_max_file, 512ul << 10);
	assert_int_equal(cfg.inspect.av_block_unscanned, 1);
	/* The bounds: 1K and 1G, in any unit. */
	assert_int_equal(parse("inspect:\n  av-max-file: 1G\n", "d.yaml", &cfg, err, sizeof(err)),
			 0);
	assert_int_equal(cfg.inspect.av_max_file, 1ul << 30);
	assert_int_equal(
		parse("inspect:\n  av-max-file: 1024M\n", "d.yaml", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.inspect.av_max_file, 1ul << 30);
	assert_int_equal(
		parse("inspect:\n  av-max-file: 1073741824\n", "d.yaml", &cfg, err, sizeof(err)),
		0);
	assert_int_equal(cfg.inspect.av_max_file, 1ul << 30);
	assert_int_equal(
		parse("inspect:\n  av-max-file: 1073741825\n", "d.yaml", &cfg, err, sizeof(err)),
		-1);
	assert_int_equal(parse("inspect:\n  av-max-file: 1K\n", "d.yaml", &cfg, err, sizeof(err)),
			 0);
	assert_int_equal(cfg.inspect.av_max_file, 1024);
	assert_int_equal(parse("inspect:\n  av-max-file: 1024\n", "d.yaml", &cfg, err, sizeof(err)),
			 0);
	assert_int_equal(cfg.inspect.av_max_file, 1024);
	utm_cfg_free(&cfg);
}

/* A relative av-db: against the directory of the configuration file, however named. */
static void test_inspect_av_db_relative(void **state)
{
	static const char yaml[] = "inspect:\n  av-db: db/clamav\n";
	static const struct {
		const char *file, *want;
	} cases[] = {
		{"/etc/utm/utm.yaml", "/etc/utm/db/clamav"},
		{"/utm.yaml", "/db/clamav"},
		{"conf/utm.yaml", "conf/db/clamav"},
		{"utm.yaml", "db/clamav"},
	};
	char want[PATH_MAX + 64], err[PATH_MAX + 128];
	struct utm_cfg cfg;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		utm_cfg_defaults(&cfg);
		if (parse(yaml, cases[i].file, &cfg, err, sizeof(err)))
			fail_msg("%s", err);
		assert_string_equal(cfg.inspect.av_db, cases[i].want);
		utm_cfg_free(&cfg);
	}
	/* An absolute one is kept. */
	utm_cfg_defaults(&cfg);
	assert_int_equal(parse("inspect:\n  av-db: /var/lib/clamav\n", "/etc/utm/utm.yaml", &cfg,
			       err, sizeof(err)),
			 0);
	assert_string_equal(cfg.inspect.av_db, "/var/lib/clamav");
	utm_cfg_free(&cfg);
	/* Through a file named relative to the cwd: still absolute. */
	assert_int_equal(chdir(top), 0);
	assert_int_equal(chdir("tests"), 0);
	utm_cfg_defaults(&cfg);
	if (utm_cfg_load_file("fixtures/utm.yaml", &cfg, err, sizeof(err)))
		fail_msg("%s", err);
	snprintf(want, sizeof(want), "%s/tests/fixtures/../../etc/clamav", top);
	assert_string_equal(cfg.inspect.av_db, want);
	utm_cfg_free(&cfg);
	assert_int_equal(chdir(top), 0);
}

/* What the command line's --av-max-file is checked with. */
static void test_parse_size(void **state)
{
	unsigned long b = 7;

	assert_int_equal(utm_cfg_parse_size("32M", UTM_INSPECT_MAX_AV_FILE, &b), 0);
	assert_int_equal(b, 32ul << 20);
	assert_int_equal(utm_cfg_parse_size("1G", UTM_INSPECT_MAX_AV_FILE, &b), 0);
	assert_int_equal(b, 1ul << 30);
	assert_int_equal(utm_cfg_parse_size("1K", UTM_INSPECT_MAX_AV_FILE, &b), 0);
	assert_int_equal(b, 1024);
	assert_int_equal(utm_cfg_parse_size("4096", UTM_INSPECT_MAX_AV_FILE, &b), 0);
	assert_int_equal(b, 4096);
	b = 7;
	assert_int_equal(utm_cfg_parse_size("2G", UTM_INSPECT_MAX_AV_FILE, &b), -1);
	assert_int_equal(utm_cfg_parse_size("1023", UTM_INSPECT_MAX_AV_FILE, &b), -1);
	assert_int_equal(utm_cfg_parse_size("0", UTM_INSPECT_MAX_AV_FILE, &b), -1);
	assert_int_equal(utm_cfg_parse_size("", UTM_INSPECT_MAX_AV_FILE, &b), -1);
	assert_int_equal(utm_cfg_parse_size("M", UTM_INSPECT_MAX_AV_FILE, &b), -1);
	assert_int_equal(utm_cfg_parse_size("32 M", UTM_INSPECT_MAX_AV_FILE, &b), -1);
	assert_int_equal(utm_cfg_parse_size("32MB", UTM_INSPECT_MAX_AV_FILE, &b), -1);
	assert_int_equal(utm_cfg_parse_size("-1", UTM_INSPECT_MAX_AV_FILE, &b), -1);
	assert_int_equal(
		utm_cfg_parse_size("99999999999999999999999G", UTM_INSPECT_MAX_AV_FILE, &b), -1);
	assert_int_equal(b, 7);
	/* The feeds' range. */
	assert_int_equal(utm_cfg_parse_size("4G", 4ul << 30, &b), 0);
	assert_int_equal(b, 4ul << 30);
}

/* What the command line's contacts and category names are checked with. */
static void test_inspect_web_checks(void **state)
{
	char why[64], name[64];

	assert_true(utm_cfg_valid_category("social_networks"));
	assert_true(utm_cfg_valid_category("audio-video"));
	assert_true(utm_cfg_valid_category("0"));
	assert_false(utm_cfg_valid_category(""));
	assert_false(utm_cfg_valid_category("Adult"));
	assert_false(utm_cfg_valid_category("a b"));
	assert_false(utm_cfg_valid_category("a/b"));
	memset(name, 'a', sizeof(name));
	name[47] = '\0';
	assert_true(utm_cfg_valid_category(name));
	name[47] = 'a';
	name[48] = '\0';
	assert_false(utm_cfg_valid_category(name));

	assert_int_equal(utm_cfg_check_contact("", why, sizeof(why)), 0);
	assert_int_equal(utm_cfg_check_contact("総務 佐藤 📞", why, sizeof(why)), 0);
	assert_int_equal(utm_cfg_check_contact("a\nb", why, sizeof(why)), -1);
	assert_string_equal(why, "contains a control character");
	assert_int_equal(utm_cfg_check_contact("a\x7f", why, sizeof(why)), -1);
	assert_int_equal(utm_cfg_check_contact("a\xc2\x9b", why, sizeof(why)), -1);
	assert_string_equal(why, "contains a control character");
	assert_int_equal(utm_cfg_check_contact("\xc2\xa0nbsp", why, sizeof(why)), 0);
	/* Latin-1, overlong, a surrogate, a truncated sequence, beyond U+10FFFF. */
	assert_int_equal(utm_cfg_check_contact("caf\xe9", why, sizeof(why)), -1);
	assert_string_equal(why, "not valid UTF-8");
	assert_int_equal(utm_cfg_check_contact("\xc0\xaf", why, sizeof(why)), -1);
	assert_int_equal(utm_cfg_check_contact("\xe0\x80\xaf", why, sizeof(why)), -1);
	assert_int_equal(utm_cfg_check_contact("\xed\xa0\x80", why, sizeof(why)), -1);
	assert_int_equal(utm_cfg_check_contact("\xe5\xb1", why, sizeof(why)), -1);
	assert_int_equal(utm_cfg_check_contact("\xf4\x90\x80\x80", why, sizeof(why)), -1);
}

/* No inspect: section: utm-inspect's own defaults, the rules from the ips-rules feeds. */
static void test_inspect_defaults(void **state)
{
	static const char yaml[] = "state-dir: /srv/utm\n"
				   "lists:\n"
				   "  - name: mine\n"
				   "    file: my.rules\n"
				   "    kind: ips-rules\n"
				   "  - name: drop\n"
				   "    file: drop.txt\n"
				   "feeds:\n"
				   "  - name: feodo\n"
				   "    url: https://x.example/feodo.txt\n"
				   "  - name: et-open\n"
				   "    url: https://x.example/emerging.rules.tar.gz\n"
				   "    kind: ips-rules\n"
				   "  - name: ut1\n"
				   "    url: https://x.example/blacklists.tar.gz\n"
				   "    kind: categories\n"
				   "  - name: ut1-mirror\n"
				   "    url: https://y.example/blacklists.tar.gz\n"
				   "    kind: categories\n";
	static const char *const default_log[] = {
		"adult", "gambling", "games", "social_networks", "audio-video", "shopping",
		"warez", "dating",   NULL,
	};
	static const char *const default_app_log[] = {
		"SocialNetwork", "Game",      "Download", "FileSharing", "VPN",
		"RemoteAccess",	 "Streaming", "Video",	  "Music",	 NULL,
	};
	char(*pat)[PATH_MAX], dir[PATH_MAX];
	struct utm_cfg cfg;
	char err[256];
	size_t i, n;

	utm_cfg_defaults(&cfg);
	assert_null(cfg.inspect.rules);
	assert_int_equal(cfg.inspect.rules_set, 0);
	assert_int_equal(cfg.inspect.n_drop_classes, 0);
	assert_int_equal(cfg.inspect.n_drop_sids, 0);
	assert_string_equal(cfg.inspect.ports, "");
	assert_int_equal(cfg.inspect.depth_packets, 32);
	assert_int_equal(cfg.inspect.flow_timeout_s, 300);
	assert_int_equal(cfg.inspect.closing_timeout_s, 10);
	assert_string_equal(cfg.inspect.eve, "");
	assert_string_equal(cfg.inspect.ip_only_dir, "");
	/* The web policy: the non-business categories logged, nothing blocked but the sites. */
	assert_string_equal(cfg.inspect.categories, "");
	assert_int_equal(cfg.inspect.n_log_categories, ARRAY_SIZE(default_log) - 1);
	for (i = 0; default_log[i]; i++) {
		assert_string_equal(cfg.inspect.log_categories[i], default_log[i]);
		assert_string_equal(utm_inspect_default_log_categories[i], default_log[i]);
	}
	assert_null(utm_inspect_default_log_categories[i]);
	/* dangerous sites blocked by default */
	assert_int_equal(cfg.inspect.n_block_categories, 2);
	assert_string_equal(cfg.inspect.block_categories[0], "malware");
	assert_string_equal(cfg.inspect.block_categories[1], "phishing");
	assert_int_equal(cfg.inspect.category_window_s, 3600);
	assert_int_equal(cfg.inspect.block_sites, 1);
	assert_int_equal(cfg.inspect.block_quic, 0);
	assert_int_equal(cfg.inspect.block_doh, 0);
	assert_string_equal(cfg.inspect.contact_name, "");
	assert_string_equal(cfg.inspect.contact_phone, "");
	assert_string_equal(cfg.inspect.contact_email, "");
	/* Application detection: on, the non-business nDPI categories logged, nothing blocked. */
	assert_int_equal(cfg.inspect.apps, 1);
	assert_int_equal(cfg.inspect.n_log_app_categories, ARRAY_SIZE(default_app_log) - 1);
	for (i = 0; default_app_log[i]; i++) {
		assert_string_equal(cfg.inspect.log_app_categories[i], default_app_log[i]);
		assert_string_equal(utm_inspect_default_log_app_categories[i], default_app_log[i]);
		assert_true(utm_cfg_valid_app_name(default_app_log[i]));
	}
	assert_null(utm_inspect_default_log_app_categories[i]);
	assert_string_equal(cfg.inspect.log_app_categories[i], "");
	assert_int_equal(cfg.inspect.n_block_apps, 0);
	assert_int_equal(cfg.inspect.n_block_app_categories, 0);
	/* The antivirus: on, the starter database, 32 MiB, a file over a limit passed. */
	assert_int_equal(cfg.inspect.av, 1);
	assert_string_equal(cfg.inspect.av_db, "/etc/utm/clamav");
	assert_string_equal(cfg.inspect.av_db, AV_DEFAULT_DB_DIR);
	assert_int_equal(cfg.inspect.av_max_file, 32ul << 20);
	assert_int_equal(cfg.inspect.av_block_unscanned, 0);
	/* Nothing configured: no rules, no categories. */
	assert_int_equal(utm_cfg_inspect_rules(&cfg, &pat, &n), 0);
	assert_int_equal(n, 0);
	assert_null(pat);
	utm_cfg_inspect_categories(&cfg, dir, sizeof(dir));
	assert_string_equal(dir, "");
	if (parse(yaml, "/etc/utm/utm.yaml", &cfg, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(cfg.inspect.rules_set, 0);
	assert_int_equal(cfg.inspect.depth_packets, 32);
	assert_int_equal(utm_cfg_inspect_rules(&cfg, &pat, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(pat[0], "/etc/utm/my.rules");
	assert_string_equal(pat[1], "/srv/utm/feeds/et-open.d/rules/*.rules");
	free(pat);
	/* The web policy keys are absent: their defaults stay. */
	assert_int_equal(cfg.inspect.n_log_categories, ARRAY_SIZE(default_log) - 1);
	assert_int_equal(cfg.inspect.category_window_s, 3600);
	assert_int_equal(cfg.inspect.block_sites, 1);
	assert_int_equal(cfg.inspect.apps, 1);
	assert_int_equal(cfg.inspect.n_log_app_categories, ARRAY_SIZE(default_app_log) - 1);
	assert_int_equal(cfg.inspect.av, 1);
	assert_string_equal(cfg.inspect.av_db, AV_DEFAULT_DB_DIR);
	assert_int_equal(cfg.inspect.av_max_file, 32ul << 20);
	assert_int_equal(cfg.inspect.av_block_unscanned, 0);
	/* The first categories feed's unpacked tree, where the state dir is once final. */
	utm_cfg_inspect_categories(&cfg, dir, sizeof(dir));
	assert_string_equal(dir, "/srv/utm/feeds/ut1.d");
	strcpy(cfg.state_dir, "/tmp/s");
	utm_cfg_inspect_categories(&cfg, dir, sizeof(dir));
	assert_string_equal(dir, "/tmp/s/feeds/ut1.d");
	/* inspect.categories, when given, wins. */
	assert_int_equal(
		parse("inspect:\n  categories: /srv/ut1\n", "e.yaml", &cfg, err, sizeof(err)), 0);
	utm_cfg_inspect_categories(&cfg, dir, sizeof(dir));
	assert_string_equal(dir, "/srv/ut1");
	utm_cfg_free(&cfg);
}

/* The configuration shipped as /etc/utm/utm.yaml parses, and every list is a feed. */
static void test_shipped_default(void **state)
{
	char path[PATH_MAX + 32], err[512];
	char(*pat)[PATH_MAX];
	struct utm_cfg cfg, def;
	size_t i, n;

	snprintf(path, sizeof(path), "%s/etc/utm.yaml", top);
	utm_cfg_defaults(&cfg);
	if (utm_cfg_load_file(path, &cfg, err, sizeof(err)))
		fail_msg("%s", err);
	assert_true(cfg.nlists >= 5);
	for (i = 0; i < cfg.nlists; i++) {
		assert_true(utm_list_is_feed(&cfg.lists[i]));
		assert_int_equal(strncmp(cfg.lists[i].feed.url, "https://", 8), 0);
	}
	/* utm-inspect reads the et-open feed's rules, alerting only. */
	assert_int_equal(utm_cfg_inspect_rules(&cfg, &pat, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(pat[0], "/var/lib/utm/feeds/et-open.d/rules/*.rules");
	free(pat);
	assert_int_equal(cfg.inspect.n_drop_classes, 0);
	assert_int_equal(cfg.inspect.n_drop_sids, 0);
	assert_int_equal(cfg.inspect.depth_packets, 32);
	/* The web policy's defaults, written out; the categories feed is off. */
	utm_cfg_defaults(&def);
	assert_memory_equal(cfg.inspect.log_categories, def.inspect.log_categories,
			    sizeof(def.inspect.log_categories));
	assert_int_equal(cfg.inspect.n_log_categories, def.inspect.n_log_categories);
	assert_int_equal(cfg.inspect.n_block_categories, 2);
	assert_int_equal(cfg.inspect.category_window_s, 3600);
	assert_int_equal(cfg.inspect.block_sites, 1);
	assert_int_equal(cfg.inspect.block_quic, 0);
	assert_int_equal(cfg.inspect.block_doh, 0);
	assert_string_equal(cfg.inspect.contact_name, "");
	/* Application detection's defaults, written out. */
	assert_int_equal(cfg.inspect.apps, 1);
	assert_memory_equal(cfg.inspect.log_app_categories, def.inspect.log_app_categories,
			    sizeof(def.inspect.log_app_categories));
	assert_int_equal(cfg.inspect.n_log_app_categories, def.inspect.n_log_app_categories);
	assert_int_equal(cfg.inspect.n_block_apps, 0);
	assert_int_equal(cfg.inspect.n_block_app_categories, 0);
	/* The antivirus' defaults, written out. */
	assert_int_equal(cfg.inspect.av, 1);
	assert_string_equal(cfg.inspect.av_db, def.inspect.av_db);
	assert_int_equal(cfg.inspect.av_max_file, def.inspect.av_max_file);
	assert_int_equal(cfg.inspect.av_block_unscanned, 0);
	utm_cfg_inspect_categories(&cfg, path, sizeof(path));
	assert_string_equal(path, "");
	utm_cfg_free(&cfg);
}

static void test_errors(void **state)
{
	struct utm_cfg cfg, want;
	char err[256];
	size_t i;

	utm_cfg_defaults(&want);
	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		utm_cfg_defaults(&cfg);
		memset(err, 0, sizeof(err));
		if (parse(bad_cases[i].yaml, "t.yaml", &cfg, err, sizeof(err)) != -1)
			fail_msg("case %zu parsed: %s", i, bad_cases[i].yaml);
		if (strcmp(err, bad_cases[i].msg))
			fail_msg("case %zu:\n got '%s'\nwant '%s'", i, err, bad_cases[i].msg);
		assert_memory_equal(&cfg, &want, sizeof(cfg));
	}
}

/* The same errors as the files users write, through utm_cfg_load_file. */
static void test_error_files(void **state)
{
	static const struct bad_case files[] = {
		{"config/unknown-key.yaml", "6: unknown key 'rate-per-src' in events"},
		{"config/wrong-type.yaml", "3: ports: expected a mapping, got a sequence"},
		{"config/bad-value.yaml",
		 "4: xdp-mode: expected auto | native | generic, got 'fast'"},
		{"config/syntax.yaml",
		 "3: did not find expected key (while parsing a block mapping at line 1)"},
		{"config/duplicate-list.yaml", "6: lists.name: duplicate list name 'drop'"},
		{"config/missing-file.yaml", "4: lists: 'edrop' has no file"},
		{"config/no-such-file.yaml", " No such file or directory"},
		{"config", " Is a directory"},
	};
	char path[PATH_MAX], want[PATH_MAX + 128], err[PATH_MAX + 128];
	struct utm_cfg cfg;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		fixture(path, sizeof(path), files[i].yaml);
		snprintf(want, sizeof(want), "%s:%s", path, files[i].msg);
		utm_cfg_defaults(&cfg);
		assert_int_equal(utm_cfg_load_file(path, &cfg, err, sizeof(err)), -1);
		assert_string_equal(err, want);
		assert_int_equal(cfg.nlists, 0);
	}
}

static void add(struct utm_cfg *cfg, const char *name)
{
	struct utm_list_cfg l = {.dir = UTM_DIR_BOTH, .severity = 2};

	snprintf(l.name, sizeof(l.name), "%s", name);
	snprintf(l.path, sizeof(l.path), "/lists/%s.txt", name);
	assert_int_equal(utm_cfg_add_list(cfg, &l), 0);
}

static void test_add_list(void **state)
{
	struct utm_list_cfg l = {
		.name = "x", .path = "/x", .dir = UTM_DIR_INBOUND, .severity = 3, .allow = 5};
	struct utm_cfg cfg;

	utm_cfg_defaults(&cfg);
	add(&cfg, "a");
	assert_int_equal(utm_cfg_add_list(&cfg, &l), 0);
	assert_list(&cfg.lists[1], "x", "/x", 1, UTM_DIR_INBOUND, 3);

	l.dir = UTM_DIR_BOTH;
	assert_int_equal(utm_cfg_add_list(&cfg, &l), -1);
	assert_int_equal(errno, EEXIST);
	strcpy(l.name, "y");
	l.severity = 4;
	assert_int_equal(utm_cfg_add_list(&cfg, &l), -1);
	assert_int_equal(errno, EINVAL);
	l.severity = 1;
	l.dir = 0;
	assert_int_equal(utm_cfg_add_list(&cfg, &l), -1);
	assert_int_equal(errno, EINVAL);
	l.dir = UTM_DIR_OUTBOUND;
	strcpy(l.name, "a b");
	assert_int_equal(utm_cfg_add_list(&cfg, &l), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(cfg.nlists, 2);
	utm_cfg_free(&cfg);
}

/* A list named on the command line clashes with one in the file. */
static void test_duplicate_across_sources(void **state)
{
	struct utm_cfg cfg;
	char err[256];

	utm_cfg_defaults(&cfg);
	add(&cfg, "drop");
	assert_int_equal(
		parse("lists:\n  - name: edrop\n    file: e\n  - name: drop\n    file: d\n",
		      "t.yaml", &cfg, err, sizeof(err)),
		-1);
	assert_string_equal(err, "t.yaml:4: lists.name: duplicate list name 'drop'");
	assert_int_equal(cfg.nlists, 1);
	assert_int_equal(
		parse("lists:\n  - name: edrop\n    file: e\n", "t.yaml", &cfg, err, sizeof(err)),
		0);
	assert_int_equal(cfg.nlists, 2);
	assert_list(&cfg.lists[0], "drop", "/lists/drop.txt", 0, UTM_DIR_BOTH, 2);
	assert_list(&cfg.lists[1], "edrop", "e", 0, UTM_DIR_BOTH, 2);
	utm_cfg_free(&cfg);
}

/* An error after many good keys leaves every field and every list as it was. */
static void test_unchanged_on_error(void **state)
{
	const char *yaml = "ports: {lan: eth7, wan: eth8}\nxdp-mode: generic\npin-root: /p\n"
			   "state-dir: /s\nevent-log: /e\nmalformed: drop\n"
			   "events: {rate-per-source: 1, burst-per-source: 2, rate-global: 3}\n"
			   "lists:\n  - {name: n1, file: f1}\n  - {name: n2, file: f2}\n"
			   "  - {name: n3, file: f3, severity: 9}\n";
	struct utm_list_cfg *lists;
	struct utm_cfg cfg, before;
	char err[256];

	utm_cfg_defaults(&cfg);
	add(&cfg, "keep");
	before = cfg;
	lists = malloc(sizeof(*lists));
	assert_non_null(lists);
	memcpy(lists, cfg.lists, sizeof(*lists));
	assert_int_equal(parse(yaml, "t.yaml", &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "t.yaml:11: lists.severity: expected 1, 2 or 3, got '9'");
	assert_memory_equal(&cfg, &before, sizeof(cfg));
	assert_memory_equal(cfg.lists, lists, sizeof(*lists));
	free(lists);
	utm_cfg_free(&cfg);
}

static void test_empty_documents(void **state)
{
	static const char *const empty[] = {"",		  "\n",	     "# only a comment\n",
					    "---\n",	  "--- ~\n", "---\n...\n",
					    "null\n",	  "{}\n",    "ports:\nevents:\nlists:\n",
					    "lists: []\n"};
	struct utm_cfg cfg, want;
	char err[64];
	size_t i;

	utm_cfg_defaults(&want);
	for (i = 0; i < ARRAY_SIZE(empty); i++) {
		utm_cfg_defaults(&cfg);
		if (parse(empty[i], "t.yaml", &cfg, err, sizeof(err)))
			fail_msg("case %zu: %s", i, err);
		assert_memory_equal(&cfg, &want, sizeof(cfg));
	}
	utm_cfg_defaults(&cfg);
	assert_int_equal(utm_cfg_parse(NULL, 0, NULL, &cfg, err, sizeof(err)), 0);
	assert_memory_equal(&cfg, &want, sizeof(cfg));
}

static void test_too_many_lists(void **state)
{
	size_t len = 16 + (UTM_CFG_MAX_LISTS + 1) * 40, off, i;
	char *yaml = malloc(len), err[256], want[64];
	struct utm_cfg cfg;

	assert_non_null(yaml);
	off = (size_t)snprintf(yaml, len, "lists:\n");
	for (i = 0; i <= UTM_CFG_MAX_LISTS; i++)
		off += (size_t)snprintf(yaml + off, len - off, "- {name: l%zu, file: f}\n", i);
	utm_cfg_defaults(&cfg);
	assert_int_equal(parse(yaml, "t.yaml", &cfg, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "t.yaml:%d: lists: more than %d lists", UTM_CFG_MAX_LISTS + 2,
		 UTM_CFG_MAX_LISTS);
	assert_string_equal(err, want);
	assert_int_equal(cfg.nlists, 0);

	/* Exactly the maximum is fine. */
	*strrchr(yaml, '-') = '\0';
	assert_int_equal(parse(yaml, "t.yaml", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.nlists, UTM_CFG_MAX_LISTS);
	utm_cfg_free(&cfg);
	free(yaml);
}

/* Messages are cut to errlen, never overflow it, and errlen 0 is allowed. */
static void test_error_buffer(void **state)
{
	char err[16];
	struct utm_cfg cfg;

	utm_cfg_defaults(&cfg);
	memset(err, 'x', sizeof(err));
	assert_int_equal(parse("foo: 1\n", "t.yaml", &cfg, err, 10), -1);
	assert_string_equal(err, "t.yaml:1:");
	assert_int_equal(err[10], 'x');
	assert_int_equal(parse("foo: 1\n", "t.yaml", &cfg, NULL, 0), -1);
	assert_int_equal(parse("{\n", "t.yaml", &cfg, NULL, 0), -1);
}

static void test_long_paths(void **state)
{
	char *yaml = malloc(PATH_MAX + 64), err[256];
	struct utm_cfg cfg;

	assert_non_null(yaml);
	utm_cfg_defaults(&cfg);
	/* PATH_MAX - 1 characters fit in the file, but not behind "/etc/utm/". */
	snprintf(yaml, PATH_MAX + 64, "lists:\n  - name: a\n    file: %0*d\n", PATH_MAX - 1, 0);
	assert_int_equal(parse(yaml, "/etc/utm/utm.yaml", &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "/etc/utm/utm.yaml:3: lists.file: path longer than 4095 bytes");
	assert_int_equal(parse(yaml, "utm.yaml", &cfg, err, sizeof(err)), 0);
	assert_int_equal(strlen(cfg.lists[0].path), PATH_MAX - 1);
	utm_cfg_free(&cfg);
	snprintf(yaml, PATH_MAX + 64, "pin-root: /%0*d\n", PATH_MAX - 1, 0);
	assert_int_equal(parse(yaml, "t.yaml", &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "t.yaml:1: pin-root: path longer than 4095 bytes");
	free(yaml);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full_example),
		cmocka_unit_test(test_partial),
		cmocka_unit_test(test_dns),
		cmocka_unit_test(test_relative_paths),
		cmocka_unit_test(test_feeds),
		cmocka_unit_test(test_shipped_default),
		cmocka_unit_test(test_inspect),
		cmocka_unit_test(test_inspect_defaults),
		cmocka_unit_test(test_inspect_web),
		cmocka_unit_test(test_inspect_web_checks),
		cmocka_unit_test(test_inspect_apps),
		cmocka_unit_test(test_inspect_app_names),
		cmocka_unit_test(test_inspect_av),
		cmocka_unit_test(test_inspect_av_db_relative),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_files),
		cmocka_unit_test(test_add_list),
		cmocka_unit_test(test_duplicate_across_sources),
		cmocka_unit_test(test_unchanged_on_error),
		cmocka_unit_test(test_empty_documents),
		cmocka_unit_test(test_too_many_lists),
		cmocka_unit_test(test_error_buffer),
		cmocka_unit_test(test_long_paths),
	};

	return cmocka_run_group_tests(tests, find_top, NULL);
}
