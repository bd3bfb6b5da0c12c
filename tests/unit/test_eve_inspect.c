// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for inspect/eve_inspect.c: each event type as one exact JSON
 * line with Suricata's field names, the stars of alerts by direction, and
 * wire bytes made printable.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inspect/eve_inspect.h"

#define B(s) ((struct eve_bytes){(const uint8_t *)(s), sizeof(s) - 1})

static struct flow_tuple tup;
static const uint8_t mac[6] = {0x02, 0x99, 0, 0, 0, 0x10};

static struct eve_inspect_ctx ctx(const char *app, int outbound)
{
	struct eve_inspect_ctx c = {
		.wall = {.tv_sec = 1796000000, .tv_nsec = 123456000},
		.flow_id = 42,
		.in_iface = "lan",
		.tuple = &tup,
		.app_proto = app,
		.lan_mac = mac,
		.lan_is_client = outbound,
	};

	memset(&tup, 0, sizeof(tup));
	tup.family = 4;
	tup.proto = IPPROTO_TCP;
	tup.sport = 50000;
	tup.dport = 80;
	inet_pton(AF_INET, "10.99.0.10", tup.saddr);
	inet_pton(AF_INET, "198.51.100.10", tup.daddr);
	return c;
}

static void assert_line(json_t *o, const char *want)
{
	char buf[2048];

	assert_true(eve_inspect_format(o, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, want);
}

#define HEAD(type, app)                                                                            \
	"{\"timestamp\":\"2026-11-30T00:53:20.123456+0000\",\"flow_id\":42,\"in_iface\":\"lan\","  \
	"\"event_type\":\"" type "\",\"src_ip\":\"10.99.0.10\",\"src_port\":50000,"                \
	"\"dest_ip\":\"198.51.100.10\",\"dest_port\":80,\"proto\":\"TCP\"" app

static void test_alert_outbound(void **state)
{
	struct eve_inspect_ctx c = ctx("http", 1);
	struct eve_alert_info a = {.blocked = 1,
				   .gid = 1,
				   .sid = 2000001,
				   .rev = 3,
				   .msg = "ET MALWARE beacon",
				   .category = "A Network Trojan was "
					       "detected",
				   .priority = 1};
	json_t *o = eve_inspect_base(&c, "alert");

	assert_int_equal(eve_inspect_add_alert(o, &c, &a), 0);
	assert_line(
		o, HEAD("alert", ",\"app_proto\":\"http\"") ",\"alert\":{\"action\":\"blocked\","
							    "\"gid\":1,\"signature_id\":2000001,"
							    "\"rev\":3,\"signature\":\"ET MALWARE "
							    "beacon\",\"severity\":1,"
							    "\"category\":\"A Network Trojan was "
							    "detected\"},\"utm\":{\"function\":"
							    "\"ips_outbound\",\"severity\":3,"
							    "\"stars\":\"★★★\",\"device\":{\"mac\":"
							    "\"02:99:00:00:00:10\"}}}");
}

static void test_alert_inbound_stars(void **state)
{
	struct eve_inspect_ctx c = ctx(NULL, 0);
	struct eve_alert_info a = {.gid = 1, .sid = 7, .rev = 1, .msg = "x", .priority = 3};
	json_t *o = eve_inspect_base(&c, "alert"), *u;

	assert_int_equal(eve_inspect_add_alert(o, &c, &a), 0);
	u = json_object_get(o, "utm");
	assert_string_equal(json_string_value(json_object_get(u, "function")), "ips_inbound");
	assert_int_equal(json_integer_value(json_object_get(u, "severity")), 1);
	assert_string_equal(json_string_value(json_object_get(u, "stars")), "★");
	a.blocked = 1;
	json_object_del(o, "utm");
	assert_int_equal(eve_inspect_add_alert(o, &c, &a), 0);
	u = json_object_get(o, "utm");
	assert_int_equal(json_integer_value(json_object_get(u, "severity")), 2);
	json_decref(o);
}

static void test_http_and_wire_bytes(void **state)
{
	struct eve_inspect_ctx c = ctx("http", 1);
	struct eve_http_info h = {.hostname = B("www.example.test"),
				  .url = B("/a b\x01\xff"),
				  .user_agent = B("curl/7.88.1"),
				  .method = B("GET"),
				  .protocol = B("HTTP/1.1"),
				  .status = 200,
				  .length = 8388608};
	json_t *o = eve_inspect_base(&c, "http");

	assert_int_equal(eve_inspect_add_http(o, &h), 0);
	assert_line(
		o,
		HEAD("http",
		     ",\"app_proto\":\"http\"") ",\"http\":{\"hostname\":\"www.example.test\","
						"\"url\":\"/a b\\\\x01\\\\xff\","
						"\"http_user_agent\":\"curl/"
						"7.88.1\",\"http_method\":\"GET\",\"protocol\":"
						"\"HTTP/1.1\",\"status\":200,\"length\":8388608}}");
}

static void test_tls_dns_flow_anomaly(void **state)
{
	struct eve_inspect_ctx c = ctx("tls", 1);
	struct eve_tls_info t = {.sni = B("www.example.test"), .version = "TLS 1.3"};
	struct eve_dns_info d = {.id = 4660, .rrname = B("bad.example.test"), .rrtype = "A"};
	struct eve_flow_info f = {.pkts_toserver = 3,
				  .pkts_toclient = 2,
				  .bytes_toserver = 300,
				  .bytes_toclient = 200,
				  .start = {1796000000, 0},
				  .end = {1796000010, 0},
				  .state = "closed",
				  .reason = "timeout"};
	json_t *o = eve_inspect_base(&c, "tls");
	char buf[2048];

	assert_int_equal(eve_inspect_add_tls(o, &t), 0);
	assert_line(o, HEAD("tls", ",\"app_proto\":\"tls\"") ",\"tls\":{\"sni\":\"www.example."
							     "test\",\"version\":\"TLS 1.3\"}}");
	c.app_proto = "dns";
	o = eve_inspect_base(&c, "dns");
	assert_int_equal(eve_inspect_add_dns_query(o, &d), 0);
	assert_line(
		o, HEAD("dns", ",\"app_proto\":\"dns\"") ",\"dns\":{\"version\":2,\"type\":"
							 "\"query\",\"id\":4660,\"rrname\":"
							 "\"bad.example.test\",\"rrtype\":\"A\"}}");
	c.app_proto = NULL;
	o = eve_inspect_base(&c, "flow");
	assert_int_equal(eve_inspect_add_flow(o, &f), 0);
	assert_line(o,
		    HEAD("flow",
			 "") ",\"flow\":{\"pkts_toserver\":3,\"pkts_toclient\":2,\"bytes_"
			     "toserver\":300,"
			     "\"bytes_toclient\":200,\"start\":\"2026-11-30T00:53:20.000000+0000\","
			     "\"end\":\"2026-11-30T00:53:30.000000+0000\",\"age\":10,\"state\":"
			     "\"closed\","
			     "\"reason\":\"timeout\",\"alerted\":false}}");
	o = eve_inspect_base(&c, "anomaly");
	assert_int_equal(eve_inspect_add_anomaly(o, "stream", "OVERLAP_DIFFERENT_DATA", NULL), 0);
	assert_line(o, HEAD("anomaly", "") ",\"anomaly\":{\"type\":\"stream\",\"event\":\"OVERLAP_"
					   "DIFFERENT_DATA\"}}");
	/* Too small a buffer: -1, and o is still freed (ASan would tell). */
	o = eve_inspect_base(&c, "flow");
	assert_int_equal(eve_inspect_format(o, buf, 10), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alert_outbound),
		cmocka_unit_test(test_alert_inbound_stars),
		cmocka_unit_test(test_http_and_wire_bytes),
		cmocka_unit_test(test_tls_dns_flow_anomaly),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
