// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Unit tests of lib/eve.c: EVE JSON block events, parsed back with jansson. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "lib/eve.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* 2026-11-29T20:03:16.123456789Z */
static const struct timespec when = {1795982596, 123456789};

static const struct utm_list_info demo = {
	.name = "demo",
	.source = "/etc/utm/lists/demo.txt",
	.severity = 2,
	.in_use = 1,
};

static void addr(struct utm_block_event *ev, int family, const char *src, const char *dst)
{
	int af = family == 4 ? AF_INET : AF_INET6;

	ev->family = (__u8)family;
	memset(ev->saddr, 0, sizeof(ev->saddr));
	memset(ev->daddr, 0, sizeof(ev->daddr));
	assert_int_equal(inet_pton(af, src, ev->saddr), 1);
	assert_int_equal(inet_pton(af, dst, ev->daddr), 1);
}

/* The event of DESIGN.md's example: a LAN device talking to a blocked server. */
static struct utm_block_event tcp4_outbound(void)
{
	struct utm_block_event ev = {
		.ts_ns = 42,
		.ifindex = 7,
		.list_id = 3,
		.dir = UTM_DIR_OUTBOUND,
		.action = UTM_ACT_DROP,
		.proto = 6,
		.sport = 40000,
		.dport = 80,
		.vlan = 100,
		.pkt_len = 74,
		.lan_mac = {2, 0, 0, 0, 0, 1},
		.wan_mac = {2, 0, 0, 0, 0, 2},
	};

	addr(&ev, 4, "10.99.0.10", "203.0.113.66");
	return ev;
}

static struct eve_block_ctx ctx(const struct utm_block_event *ev, const char *iface,
				const struct utm_list_info *list)
{
	struct eve_block_ctx c = {.ev = ev, .in_iface = iface, .list = list, .wall = when};

	return c;
}

static int format(const struct eve_block_ctx *c, char *buf, size_t len)
{
	setenv("TZ", "UTC", 1);
	return eve_format_block(c, buf, len);
}

static json_int_t flow_id_of(const struct eve_block_ctx *c)
{
	char buf[1024];
	json_error_t jerr;
	json_t *o, *id;
	json_int_t v;

	assert_true(format(c, buf, sizeof(buf)) > 0);
	o = json_loads(buf, 0, &jerr);
	assert_non_null(o);
	id = json_object_get(o, "flow_id");
	assert_true(json_is_integer(id));
	v = json_integer_value(id);
	json_decref(o);
	assert_true(v > 0 && v < (1LL << 53));
	return v;
}

/* Parse the line of c back; the caller json_decref()s it. */
static json_t *parsed(const struct eve_block_ctx *c)
{
	char buf[1024];
	json_error_t jerr;
	json_t *o;

	assert_true(format(c, buf, sizeof(buf)) > 0);
	o = json_loads(buf, JSON_REJECT_DUPLICATES, &jerr);
	if (!o)
		fail_msg("not JSON (%s): %s", jerr.text, buf);
	return o;
}

static const char *utm_string(json_t *o, const char *key)
{
	return json_string_value(json_object_get(json_object_get(o, "utm"), key));
}

static void expect_severity(const struct eve_block_ctx *c, int sev, const char *stars)
{
	json_t *o = parsed(c);

	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "utm"), "severity")),
			 sev);
	assert_string_equal(utm_string(o, "stars"), stars);
	json_decref(o);
}

/*
 * Format c, parse it back, check flow_id is a positive 53-bit integer and
 * compare everything else with want (JSON with single quotes for readability).
 */
static void expect(const struct eve_block_ctx *c, const char *want)
{
	char buf[1024], w[1024];
	json_t *got, *exp, *id;
	json_error_t jerr;
	size_t i;
	int n;

	n = format(c, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(strlen(buf), n);
	assert_null(strchr(buf, '\n'));
	got = json_loads(buf, JSON_REJECT_DUPLICATES, &jerr);
	if (!got)
		fail_msg("not JSON (%s): %s", jerr.text, buf);
	id = json_object_get(got, "flow_id");
	assert_true(json_is_integer(id));
	assert_true(json_integer_value(id) > 0 && json_integer_value(id) < (1LL << 53));
	json_object_del(got, "flow_id");

	for (i = 0; want[i] && i < sizeof(w) - 1; i++)
		w[i] = want[i] == '\'' ? '"' : want[i];
	w[i] = '\0';
	exp = json_loads(w, 0, &jerr);
	if (!exp)
		fail_msg("bad expectation (%s): %s", jerr.text, w);
	if (!json_equal(got, exp)) {
		char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);
		char *e = json_dumps(exp, JSON_COMPACT | JSON_SORT_KEYS);

		fail_msg("\n got %s\nwant %s", g, e);
	}
	json_decref(got);
	json_decref(exp);
}

/* Byte for byte, key order included, as DESIGN.md shows it. */
static void test_tcp4_outbound_exact(void **state)
{
	struct utm_block_event ev = tcp4_outbound();
	struct eve_block_ctx c = ctx(&ev, "lan", &demo);
	char buf[1024], want[1024];

	snprintf(want, sizeof(want),
		 "{\"timestamp\":\"2026-11-29T20:03:16.123456+0000\",\"flow_id\":%lld,"
		 "\"in_iface\":\"lan\",\"event_type\":\"drop\",\"vlan\":[100],"
		 "\"src_ip\":\"10.99.0.10\",\"src_port\":40000,\"dest_ip\":\"203.0.113.66\","
		 "\"dest_port\":80,\"proto\":\"TCP\",\"ether\":{\"src_mac\":\"02:00:00:00:00:01\","
		 "\"dest_mac\":\"02:00:00:00:00:02\"},\"drop\":{\"len\":74,\"reason\":"
		 "\"blocklist\"},"
		 "\"utm\":{\"function\":\"ips_outbound\",\"severity\":2,\"stars\":\"★★\","
		 "\"direction\":\"outbound\",\"action\":\"drop\",\"list\":\"demo\",\"list_id\":3,"
		 "\"list_source\":\"/etc/utm/lists/"
		 "demo.txt\",\"device\":{\"mac\":\"02:00:00:00:00:01\","
		 "\"ip\":\"10.99.0.10\"},\"suppressed\":0}}",
		 (long long)flow_id_of(&c));
	assert_int_equal(format(&c, buf, sizeof(buf)), strlen(want));
	assert_string_equal(buf, want);
}

static void test_udp6_inbound(void **state)
{
	struct utm_list_info l = {.name = "c2", .source = "/lists/c2.txt", .severity = 3};
	struct utm_block_event ev = tcp4_outbound();
	struct eve_block_ctx c = ctx(&ev, "wan", &l);

	addr(&ev, 6, "2001:db8::66", "fd00::10");
	ev.dir = UTM_DIR_INBOUND;
	ev.proto = 17;
	ev.sport = 53;
	ev.dport = 5353;
	ev.vlan = 0;
	ev.list_id = 9;
	ev.suppressed = 17;
	ev.pkt_len = 1514;
	expect(&c, "{'timestamp':'2026-11-29T20:03:16.123456+0000','in_iface':'wan',"
		   "'event_type':'drop','src_ip':'2001:db8::66','src_port':53,"
		   "'dest_ip':'fd00::10','dest_port':5353,'proto':'UDP',"
		   "'ether':{'src_mac':'02:00:00:00:00:02','dest_mac':'02:00:00:00:00:01'},"
		   "'drop':{'len':1514,'reason':'blocklist'},"
		   "'utm':{'function':'ips_inbound','severity':3,'stars':'★★★',"
		   "'direction':'inbound','action':'drop','list':'c2','list_id':9,"
		   "'list_source':'/lists/c2.txt',"
		   "'device':{'mac':'02:00:00:00:00:01','ip':'fd00::10'},'suppressed':17}}");
}

static void test_icmp(void **state)
{
	struct utm_block_event ev = tcp4_outbound();
	struct eve_block_ctx c = ctx(&ev, "lan", &demo);

	ev.proto = 1;
	ev.sport = 0;
	ev.dport = 3 << 8 | 13; /* destination unreachable, administratively prohibited */
	ev.vlan = 0;
	expect(&c, "{'timestamp':'2026-11-29T20:03:16.123456+0000','in_iface':'lan',"
		   "'event_type':'drop','src_ip':'10.99.0.10','dest_ip':'203.0.113.66',"
		   "'proto':'ICMP','icmp_type':3,'icmp_code':13,"
		   "'ether':{'src_mac':'02:00:00:00:00:01','dest_mac':'02:00:00:00:00:02'},"
		   "'drop':{'len':74,'reason':'blocklist'},"
		   "'utm':{'function':'ips_outbound','severity':2,'stars':'★★',"
		   "'direction':'outbound','action':'drop','list':'demo','list_id':3,"
		   "'list_source':'/etc/utm/lists/demo.txt',"
		   "'device':{'mac':'02:00:00:00:00:01','ip':'10.99.0.10'},'suppressed':0}}");

	addr(&ev, 6, "fd00::10", "2001:db8::1");
	ev.proto = 58;
	ev.dport = 128 << 8; /* echo request */
	expect(&c, "{'timestamp':'2026-11-29T20:03:16.123456+0000','in_iface':'lan',"
		   "'event_type':'drop','src_ip':'fd00::10','dest_ip':'2001:db8::1',"
		   "'proto':'IPv6-ICMP','icmp_type':128,'icmp_code':0,"
		   "'ether':{'src_mac':'02:00:00:00:00:01','dest_mac':'02:00:00:00:00:02'},"
		   "'drop':{'len':74,'reason':'blocklist'},"
		   "'utm':{'function':'ips_outbound','severity':2,'stars':'★★',"
		   "'direction':'outbound','action':'drop','list':'demo','list_id':3,"
		   "'list_source':'/etc/utm/lists/demo.txt',"
		   "'device':{'mac':'02:00:00:00:00:01','ip':'fd00::10'},'suppressed':0}}");
}

/* GRE has no ports: neither the event's port fields nor ICMP fields appear. */
static void test_unknown_proto(void **state)
{
	struct utm_block_event ev = tcp4_outbound();
	struct eve_block_ctx c = ctx(&ev, "lan", &demo);

	ev.proto = 47;
	ev.vlan = 0;
	expect(&c, "{'timestamp':'2026-11-29T20:03:16.123456+0000','in_iface':'lan',"
		   "'event_type':'drop','src_ip':'10.99.0.10','dest_ip':'203.0.113.66',"
		   "'proto':'47',"
		   "'ether':{'src_mac':'02:00:00:00:00:01','dest_mac':'02:00:00:00:00:02'},"
		   "'drop':{'len':74,'reason':'blocklist'},"
		   "'utm':{'function':'ips_outbound','severity':2,'stars':'★★',"
		   "'direction':'outbound','action':'drop','list':'demo','list_id':3,"
		   "'list_source':'/etc/utm/lists/demo.txt',"
		   "'device':{'mac':'02:00:00:00:00:01','ip':'10.99.0.10'},'suppressed':0}}");
}

static void test_sctp_vlan(void **state)
{
	struct utm_block_event ev = tcp4_outbound();
	struct eve_block_ctx c = ctx(&ev, "lan", &demo);

	ev.proto = 132;
	ev.vlan = 4094;
	ev.sport = 2905;
	ev.dport = 2905;
	expect(&c, "{'timestamp':'2026-11-29T20:03:16.123456+0000','in_iface':'lan',"
		   "'event_type':'drop','vlan':[4094],'src_ip':'10.99.0.10','src_port':2905,"
		   "'dest_ip':'203.0.113.66','dest_port':2905,'proto':'SCTP',"
		   "'ether':{'src_mac':'02:00:00:00:00:01','dest_mac':'02:00:00:00:00:02'},"
		   "'drop':{'len':74,'reason':'blocklist'},"
		   "'utm':{'function':'ips_outbound','severity':2,'stars':'★★',"
		   "'direction':'outbound','action':'drop','list':'demo','list_id':3,"
		   "'list_source':'/etc/utm/lists/demo.txt',"
		   "'device':{'mac':'02:00:00:00:00:01','ip':'10.99.0.10'},'suppressed':0}}");
}

/* Without list_info the event still names the list id, at the default severity. */
static void test_null_list(void **state)
{
	struct utm_list_info zero_sev = demo, high = demo;
	struct utm_block_event ev = tcp4_outbound();
	struct eve_block_ctx c = ctx(&ev, NULL, NULL);
	const char *tail = "'ether':{'src_mac':'02:00:00:00:00:01','dest_mac':'02:00:00:00:00:02'},"
			   "'drop':{'len':74,'reason':'blocklist'},";
	char want[1024];

	ev.vlan = 0;
	snprintf(want, sizeof(want),
		 "{'timestamp':'2026-11-29T20:03:16.123456+0000','event_type':'drop',"
		 "'src_ip':'10.99.0.10','src_port':40000,'dest_ip':'203.0.113.66',"
		 "'dest_port':80,'proto':'TCP',%s"
		 "'utm':{'function':'ips_outbound','severity':2,'stars':'★★',"
		 "'direction':'outbound','action':'drop','list_id':3,"
		 "'device':{'mac':'02:00:00:00:00:01','ip':'10.99.0.10'},'suppressed':0}}",
		 tail);
	expect(&c, want);

	zero_sev.severity = 0;
	high.severity = 200;
	c.list = &zero_sev;
	expect_severity(&c, 2, "★★");
	c.list = &high;
	expect_severity(&c, 3, "★★★");
	zero_sev.severity = 1;
	c.list = &zero_sev;
	expect_severity(&c, 1, "★");
}

static void test_forward_action(void **state)
{
	struct utm_block_event ev = tcp4_outbound();
	struct eve_block_ctx c = ctx(&ev, "lan", &demo);

	ev.action = UTM_ACT_FORWARD;
	ev.vlan = 0;
	expect(&c, "{'timestamp':'2026-11-29T20:03:16.123456+0000','in_iface':'lan',"
		   "'event_type':'alert','src_ip':'10.99.0.10','src_port':40000,"
		   "'dest_ip':'203.0.113.66','dest_port':80,'proto':'TCP',"
		   "'ether':{'src_mac':'02:00:00:00:00:01','dest_mac':'02:00:00:00:00:02'},"
		   "'alert':{'action':'allowed'},"
		   "'utm':{'function':'ips_outbound','severity':2,'stars':'★★',"
		   "'direction':'outbound','action':'forward','list':'demo','list_id':3,"
		   "'list_source':'/etc/utm/lists/demo.txt',"
		   "'device':{'mac':'02:00:00:00:00:01','ip':'10.99.0.10'},'suppressed':0}}");
}

/* Map strings may lack their NUL or hold bytes that are not UTF-8. */
static void test_hostile_strings(void **state)
{
	struct utm_block_event ev = tcp4_outbound();
	struct utm_list_info l;
	struct eve_block_ctx c = ctx(&ev, "l\"a\\n\x01", &l);
	char name[UTM_LIST_NAME_LEN + 1];
	json_t *o;

	memset(&l, 'A', sizeof(l));
	l.name[0] = (char)0xff;
	l.severity = 1;
	o = parsed(&c);
	memset(name, 'A', sizeof(name));
	name[0] = '?';
	name[UTM_LIST_NAME_LEN] = '\0';
	assert_string_equal(json_string_value(json_object_get(o, "in_iface")), "l\"a\\n\x01");
	assert_string_equal(utm_string(o, "list"), name);
	assert_int_equal(strlen(utm_string(o, "list_source")), UTM_LIST_SOURCE_LEN);
	json_decref(o);
}

static void test_flow_id(void **state)
{
	struct utm_block_event a = tcp4_outbound(), b;
	struct eve_block_ctx ca = ctx(&a, "lan", &demo), cb = ctx(&b, "wan", &demo);
	json_int_t id = flow_id_of(&ca);

	/* The reply, seen inbound on the other port, is the same flow. */
	b = a;
	memcpy(b.saddr, a.daddr, sizeof(b.saddr));
	memcpy(b.daddr, a.saddr, sizeof(b.daddr));
	b.sport = a.dport;
	b.dport = a.sport;
	b.dir = UTM_DIR_INBOUND;
	assert_true(flow_id_of(&cb) == id);

	/* Same addresses but the ports swapped on one side only: another flow. */
	b = a;
	b.sport = a.dport;
	b.dport = a.sport;
	assert_true(flow_id_of(&cb) != id);
	b = a;
	b.sport++;
	assert_true(flow_id_of(&cb) != id);
	b = a;
	b.proto = 17;
	assert_true(flow_id_of(&cb) != id);
	b = a;
	b.daddr[3]++;
	assert_true(flow_id_of(&cb) != id);
	b = a;
	b.family = 6;
	assert_true(flow_id_of(&cb) != id);

	/* Bytes after the IPv4 address are not part of it. */
	b = a;
	b.saddr[10] = 0x99;
	assert_true(flow_id_of(&cb) == id);

	/* An ICMP echo and its reply differ in type, yet are one exchange. */
	a.proto = b.proto = 1;
	a.dport = 8 << 8;
	b = a;
	memcpy(b.saddr, a.daddr, sizeof(b.saddr));
	memcpy(b.daddr, a.saddr, sizeof(b.daddr));
	b.dport = 0;
	assert_true(flow_id_of(&cb) == flow_id_of(&ca));
}

static void timestamp_in(const char *tz, struct timespec ts, const char *want)
{
	char buf[64];

	setenv("TZ", tz, 1);
	assert_int_equal(eve_format_timestamp(ts, buf, sizeof(buf)), strlen(want));
	assert_string_equal(buf, want);
}

static void test_timestamps(void **state)
{
	struct timespec late = {when.tv_sec, 999999999}, bad = {when.tv_sec, 1000000000};
	char buf[64];

	timestamp_in("UTC", when, "2026-11-29T20:03:16.123456+0000");
	timestamp_in("Asia/Tokyo", when, "2026-11-30T05:03:16.123456+0900");
	timestamp_in("UTC", when, "2026-11-29T20:03:16.123456+0000");
	timestamp_in("America/St_Johns", when, "2026-11-29T16:33:16.123456-0330");
	/* Microseconds are truncated like Suricata's, never rounded into the next second. */
	timestamp_in("UTC", late, "2026-11-29T20:03:16.999999+0000");
	timestamp_in("UTC", (struct timespec){0, 0}, "1970-01-01T00:00:00.000000+0000");
	assert_int_equal(eve_format_timestamp(bad, buf, sizeof(buf)), -1);
	bad.tv_nsec = -1;
	assert_int_equal(eve_format_timestamp(bad, buf, sizeof(buf)), -1);
	assert_int_equal(eve_format_timestamp(when, buf, 31), -1);
	assert_int_equal(eve_format_timestamp(when, buf, 32), 31);
	assert_int_equal(eve_format_timestamp(when, NULL, 0), -1);

	/* The event itself follows TZ too. */
	{
		struct utm_block_event ev = tcp4_outbound();
		struct eve_block_ctx c = ctx(&ev, "lan", &demo);
		char line[1024];

		setenv("TZ", "Asia/Tokyo", 1);
		assert_true(eve_format_block(&c, line, sizeof(line)) > 0);
		assert_non_null(strstr(line, "\"timestamp\":\"2026-11-30T05:03:16.123456+0900\""));
	}
}

/* Every length short of the line plus its NUL fails without writing past len. */
static void test_buffer_too_small(void **state)
{
	struct utm_block_event ev = tcp4_outbound();
	struct eve_block_ctx c = ctx(&ev, "lan", &demo);
	char full[1024], buf[1024 + 16];
	size_t len, i;
	int n;

	n = format(&c, full, sizeof(full));
	assert_true(n > 100);
	for (len = 0; len <= (size_t)n; len++) {
		memset(buf, 0x5a, sizeof(buf));
		assert_int_equal(format(&c, len ? buf : NULL, len), -1);
		for (i = len; i < sizeof(buf); i++)
			if (buf[i] != 0x5a)
				fail_msg("len %zu: byte %zu written", len, i);
	}
	memset(buf, 0x5a, sizeof(buf));
	assert_int_equal(format(&c, buf, (size_t)n + 1), n);
	assert_string_equal(buf, full);
	assert_int_equal(buf[n + 1], 0x5a);
}

static void test_proto_names(void **state)
{
	static const struct {
		unsigned int proto;
		const char *name;
	} names[] = {{6, "TCP"}, {17, "UDP"}, {1, "ICMP"},  {58, "IPv6-ICMP"}, {132, "SCTP"},
		     {0, "0"},	 {47, "47"},  {255, "255"}, {41, "41"},	       {70000, "70000"}};
	char buf[8];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		assert_string_equal(eve_proto_name(names[i].proto, buf, sizeof(buf)),
				    names[i].name);
	assert_null(eve_proto_name(255, buf, 3));
	assert_string_equal(eve_proto_name(6, NULL, 0), "TCP");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp4_outbound_exact),
		cmocka_unit_test(test_udp6_inbound),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_unknown_proto),
		cmocka_unit_test(test_sctp_vlan),
		cmocka_unit_test(test_null_list),
		cmocka_unit_test(test_forward_action),
		cmocka_unit_test(test_hostile_strings),
		cmocka_unit_test(test_flow_id),
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_buffer_too_small),
		cmocka_unit_test(test_proto_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
