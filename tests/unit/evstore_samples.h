/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One EVE line of every event type the UTM writes, as utm-load (lib/eve.c,
 * lib/eve_feed.c) and utm-inspect (inspect/eve_inspect.c, engine*.c) write
 * them: for the event store's tests (and its fuzz seeds).
 */
#ifndef UTM_EVSTORE_SAMPLES_H
#define UTM_EVSTORE_SAMPLES_H

/* utm-load: a blocklisted address, outbound (README "Events"). */
#define EV_XDP_DROP                                                                                \
	"{\"timestamp\":\"2026-11-29T20:13:18.499518+0000\",\"flow_id\":8715776187441085,"         \
	"\"in_iface\":\"lan\",\"event_type\":\"drop\",\"src_ip\":\"10.99.0.10\","                  \
	"\"dest_ip\":\"203.0.113.66\",\"proto\":\"ICMP\",\"icmp_type\":8,\"icmp_code\":0,"         \
	"\"ether\":{\"src_mac\":\"02:99:00:00:00:10\",\"dest_mac\":\"02:99:00:00:00:01\"},"        \
	"\"drop\":{\"len\":98,\"reason\":\"blocklist\"},\"utm\":{\"function\":\"ips_outbound\","   \
	"\"severity\":2,\"stars\":\"★★\",\"direction\":\"outbound\",\"action\":\"drop\","      \
	"\"list\":\"demo\",\"list_id\":3,\"list_source\":\"/etc/utm/lists/demo.txt\","             \
	"\"device\":{\"mac\":\"02:99:00:00:00:10\",\"ip\":\"10.99.0.10\"},\"suppressed\":0}}"

/* utm-load: the DNS guard answered a blocked name (Japan time). */
#define EV_XDP_DNS                                                                                     \
	"{\"timestamp\":\"2026-11-30T05:13:19.000001+0900\",\"flow_id\":77,\"in_iface\":\"lan\","      \
	"\"event_type\":\"dns\",\"src_ip\":\"10.99.0.11\",\"src_port\":40000,"                         \
	"\"dest_ip\":\"198.51.100.53\",\"dest_port\":53,\"proto\":\"UDP\","                            \
	"\"dns\":{\"version\":2,\"type\":\"answer\",\"rrname\":\"x.bad.example\",\"rrtype\":"          \
	"\"A\","                                                                                       \
	"\"rcode\":\"NOERROR\"},\"utm\":{\"function\":\"site_blocking\",\"severity\":2,"               \
	"\"stars\":\"★★\",\"list\":\"web-block\",\"entry\":\"bad.example\",\"dns_mode\":\"null\"," \
	"\"device\":{\"mac\":\"02:99:00:00:00:11\",\"ip\":\"10.99.0.11\"}}}"

/* utm-load: a feed that cannot be fetched. */
#define EV_FEED                                                                                    \
	"{\"timestamp\":\"2026-11-29T21:00:00.000000+0000\",\"event_type\":\"feed\","              \
	"\"feed\":{\"name\":\"et-open\",\"url\":\"https://rules.example/et.tar.gz\","              \
	"\"kind\":\"ips-rules\",\"action\":\"failed\",\"reason\":\"HTTP 503\"},"                   \
	"\"utm\":{\"function\":\"feeds\",\"severity\":1,\"message\":{\"en\":\"Threat feed "        \
	"et-open "                                                                                 \
	"cannot be fetched\",\"ja\":\"脅威フィード et-open を取得できません\"}}}"

#define INSPECT_HEAD(type, ts)                                                                     \
	"{\"timestamp\":\"" ts "\",\"flow_id\":42,\"in_iface\":\"lan\",\"event_type\":\"" type     \
	"\",\"src_ip\":\"10.99.0.10\",\"src_port\":50000,\"dest_ip\":\"198.51.100.10\","           \
	"\"dest_port\":80,\"proto\":\"TCP\""

#define UTM_OBJ(func, sev)                                                                         \
	"\"utm\":{\"function\":\"" func "\",\"severity\":" #sev ",\"stars\":\"★\","              \
	"\"device\":{\"mac\":\"02:99:00:00:00:10\"}}"

/* utm-inspect: an outbound IPS hit (★★★). */
#define EV_ALERT                                                                                   \
	INSPECT_HEAD("alert", "2026-11-29T20:20:00.000000+0000")                                   \
	",\"app_proto\":\"http\",\"alert\":{\"action\":\"blocked\",\"gid\":1,"                     \
	"\"signature_id\":2000001,\"rev\":3,\"signature\":\"ET MALWARE beacon\",\"severity\":1,"   \
	"\"category\":\"A Network Trojan was detected\"}," UTM_OBJ("ips_outbound", 3) "}"

#define EV_HTTP                                                                                    \
	INSPECT_HEAD("http", "2026-11-29T20:21:00.000000+0000")                                    \
	",\"app_proto\":\"http\",\"http\":{\"hostname\":\"www.example.test\",\"url\":\"/a.html\"," \
	"\"http_method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"status\":200,\"length\":12}}"

#define EV_TLS                                                                                     \
	INSPECT_HEAD("tls", "2026-11-29T20:22:00.000000+0000")                                     \
	",\"app_proto\":\"tls\",\"tls\":{\"sni\":\"secure.example.test\",\"version\":\"TLS "       \
	"1.3\"}}"

#define EV_DNS_QUERY                                                                               \
	INSPECT_HEAD("dns", "2026-11-29T20:23:00.000000+0000")                                     \
	",\"app_proto\":\"dns\",\"dns\":{\"version\":2,\"type\":\"query\",\"id\":4660,"            \
	"\"rrname\":\"www.example.test\",\"rrtype\":\"A\"}}"

#define EV_FLOW                                                                                    \
	INSPECT_HEAD("flow", "2026-11-29T20:24:00.000000+0000")                                    \
	",\"flow\":{\"pkts_toserver\":3,\"pkts_toclient\":2,\"bytes_toserver\":200,"               \
	"\"bytes_toclient\":100,\"start\":\"2026-11-29T20:23:00.000000+0000\","                    \
	"\"end\":\"2026-11-29T20:24:00.000000+0000\",\"age\":60,\"state\":\"closed\","             \
	"\"reason\":\"timeout\",\"alerted\":false}}"

#define EV_INSPECT_DROP                                                                            \
	INSPECT_HEAD("drop", "2026-11-29T20:25:00.000000+0000")                                    \
	",\"drop\":{\"len\":60,\"reason\":\"rules\",\"signature_id\":2000001,\"tcpseq\":1,"        \
	"\"tcpack\":0,\"syn\":true,\"ack\":false,\"psh\":false,\"rst\":false,\"fin\":false}}"

#define EV_ANOMALY                                                                                 \
	INSPECT_HEAD("anomaly", "2026-11-29T20:26:00.000000+0000")                                 \
	",\"anomaly\":{\"type\":\"stream\",\"event\":\"reassembly_overlap\",\"layer\":\"tcp\"}}"

#define EV_STATS                                                                                   \
	"{\"timestamp\":\"2026-11-29T20:27:00.000000+0000\",\"event_type\":\"stats\","             \
	"\"stats\":{\"uptime\":60,\"decoder\":{\"pkts\":10,\"tcp\":8,\"udp\":2,\"other\":0}}}"

#define EV_WEB                                                                                     \
	INSPECT_HEAD("web", "2026-11-29T20:28:00.000000+0000")                                     \
	",\"web\":{\"action\":\"blocked\",\"reason\":\"domain-list\",\"via\":\"http\","            \
	"\"hostname\":\"blocked.example.test\",\"url\":\"/index.html\",\"list\":\"web-block\","    \
	"\"response\":\"block-page\"},\"utm\":{\"function\":\"site_blocking\",\"severity\":2,"     \
	"\"stars\":\"★★\",\"device\":{\"mac\":\"02:99:00:00:00:10\"}}}"

#define EV_APP                                                                                     \
	INSPECT_HEAD("app", "2026-11-29T20:29:00.000000+0000")                                     \
	",\"app\":{\"name\":\"BitTorrent\",\"category\":\"Download\",\"confident\":true,"          \
	"\"action\":\"logged\"}," UTM_OBJ("app_detection", 1) "}"

#define EV_SMTP                                                                                    \
	INSPECT_HEAD("smtp", "2026-11-29T20:30:00.000000+0000")                                    \
	",\"app_proto\":\"smtp\",\"smtp\":{\"helo\":\"pc1\",\"mail_from\":\"<a@office.example>\"," \
	"\"rcpt_to\":[\"<b@partner.example>\"]},\"email\":{\"status\":\"COMPLETE\","               \
	"\"body_bytes\":120,\"subject\":\"Invoice\"}}"

#endif /* UTM_EVSTORE_SAMPLES_H */
