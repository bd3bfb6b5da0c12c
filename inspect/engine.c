// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The per-worker inspection engine (inspect/engine.h): flows, streams,
 * application parsers, detection and events, wired together. Each flow's
 * state (struct app) hangs off flow->app and is freed with the flow.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/dns.h"
#include "lib/eve.h"
#include "inspect/engine.h"
#include "inspect/engine_mail.h"
#include "inspect/eve_inspect.h"
#include "inspect/flow.h"
#include "inspect/http.h"
#include "inspect/pkt.h"
#include "inspect/reasm.h"
#include "inspect/rst.h"
#include "inspect/http_rawbufs.h"
#include "inspect/engine_av.h"
#include "inspect/engine_web.h"
#include "inspect/threshold.h"
#include "lib/blockpage.h"
#include "inspect/tls.h"

#define DEFAULT_DEPTH (1u << 20)
#define POOL_CAP      (64u << 20)
#define STREAM_CAP    (1u << 20)
#define TLS_BUF	      TLS_STREAM_BUF_DEFAULT
/* Frames of a flow no parser understands, inspected (payload rules) before it is handed back. */
#define OPAQUE_FRAMES 32
/* A DNS-over-TCP query larger than this is skipped (they are a few hundred bytes). */
#define DNS_TCP_BUF 4096
/*
 * Payload rules also run on each direction's reassembled stream, so that a
 * signature split across segments (a request line, a handshake, a beacon)
 * is still seen: Hyperscan follows the stream (detect_stream_run) and
 * candidates are confirmed on a window of it, the last STREAM_KEEP bytes
 * at least before the new piece. Up to STREAM_KEEP bytes into the stream
 * the window starts at its first byte, so offsets count from there, as
 * Suricata's.
 */
#define STREAM_KEEP 4096
/* Distinct rules that alert at most once per flow (the rest alert every time). */
#define ALERTED_MAX  32
#define EVE_LINE_MAX 16384
/* http.start and http.header_names of one message are built here (cut beyond). */
#define HTTP_RAW_SCRATCH (32u << 10)
/* Files kept for the antivirus at once, per worker, by default. */
#define AV_MEM_DEFAULT (256u << 20)
/* Category records remembered for their window, per worker (16 B each). */
#define WEB_SEEN_ENTRIES 65536
#define HOUR_NS		 (3600ull * 1000000000ull)
/* Threshold counters per worker (rule and tracked address), about 64 B each. */
#define THRESHOLD_ENTRIES 16384

enum app_proto { APP_NONE = 0, APP_HTTP, APP_TLS, APP_DNS, APP_SMTP, APP_POP3, APP_IMAP, APP_FTP };

static const char *const app_names[] = {NULL, "http", "tls", "dns", "smtp", "pop3", "imap", "ftp"};

struct app;

/* A stream's callback context: which flow, which direction. */
struct dir_ctx {
	struct app *a;
	enum flow_dir dir;
};

/* A window on one direction of a TCP stream, for the payload rules. */
struct stream_win {
	uint8_t *buf;
	size_t len, cap;
	uint64_t start;		  /* stream offset of buf[0] */
	struct detect_stream *ds; /* the Hyperscan stream; NULL: not opened (yet) */
	int off;		  /* no stream inspection: no rules for it, or no memory */
};

/* Everything the engine keeps per flow. */
struct app {
	struct engine *e;
	struct flow *f;
	enum app_proto proto;
	struct flow_tuple client; /* the first frame's tuple: src = the client */
	uint8_t lan_mac[6];
	int lan_client; /* opened from the LAN */
	int tcp;
	struct reasm_stream rs[2];
	struct dir_ctx dc[2];
	int rs_ready;
	struct http_conn *http;
	struct mail_flow *mail; /* SMTP, POP3, IMAP, FTP */
	struct tls_stream *tls; /* with its buffer after it; freed once the hello is parsed */
	int tls_done;
	int dropped;
	int reject; /* the dropping rule was a reject rule */
	int alerted;
	uint32_t alerted_sid[ALERTED_MAX]; /* rules that alerted on this flow: once each */
	unsigned int n_alerted;
	struct stream_win win[2]; /* per direction: the stream rules are confirmed on */
	struct flowbits fb;	  /* the rules' flowbits of this flow */
	struct app_state as;	  /* application detection (nDPI) */
	int app_log;		  /* its application is to be accounted: a record when it ends */
	int app_reported;	  /* ... handed to the io layer with the flow (verdict.report) */
	struct av_file *avf[2];	  /* the antivirus' files: [0] request body, [1] response body */
	struct av_file *mailf;	  /* the mail part being extracted for the antivirus */
	int mail_upload;	  /* ... sent by the client (SMTP, APPEND) */
	char mail_infected[128];  /* the current message's first virus, "" if none */
	const struct catdb_category *web_cat; /* the site's web category, when known */
	struct dnsmsg_tcp *dnstcp;	      /* DNS over TCP framing, with its buffer after it */
	struct http_tx *tx; /* the HTTP transaction being inspected (during its callbacks) */
	uint32_t drop_sid;
};

struct engine {
	struct engine_cfg cfg;
	struct flow_table *flows;
	struct detect_thread *dt;
	struct threshold_table *thr;	  /* the rules' threshold counters */
	uint8_t *http_scratch;		  /* HTTP_RAW_SCRATCH bytes for the raw-head buffers */
	struct web_seen *web_seen;	  /* category records already made in their window */
	struct engine_apps *apps;	  /* application detection, NULL when off */
	struct engine_flow_report report; /* the verdict's report (valid until the next frame) */
	struct av_mem av_mem;		  /* memory of the files kept for the antivirus */
	char *page;			  /* BLOCKPAGE_MAX bytes: the block page being sent */
	struct reasm_pool pool;
	struct engine_stats st;
	/* The frame being handled, for callbacks. */
	struct app *cur;
	const struct pkt_info *pkt;
	const uint8_t *frame; /* ... and its bytes */
	size_t frame_len;
	uint64_t ts_ns;
	int from_lan;
	enum flow_dir dir;
	struct engine_verdict *v;
	int shutting_down; /* engine_free: flows end by "shutdown" */
	int det_to_server; /* the data being matched goes to the server */
};

static const struct reasm_ops stream_ops;
static const struct http_callbacks http_cb;
static struct eve_http_info http_info(struct http_tx *tx);

/* ---------------------------------------------------------------- events */

static struct eve_inspect_ctx eve_ctx(const struct engine *e, const struct app *a)
{
	struct eve_inspect_ctx c = {
		.wall = {.tv_sec = (time_t)(e->ts_ns / 1000000000u),
			 .tv_nsec = (long)(e->ts_ns % 1000000000u)},
		.flow_id = a->f->id,
		.in_iface = e->from_lan ? e->cfg.lan_iface : e->cfg.wan_iface,
		.tuple = &a->client,
		.app_proto = app_names[a->proto],
		.lan_mac = a->lan_mac,
		.lan_ip = a->lan_client ? a->client.saddr : a->client.daddr,
		.lan_is_client = a->lan_client,
	};

	return c;
}

static void emit(struct engine *e, json_t *o)
{
	char line[EVE_LINE_MAX];

	if (e->cfg.eve && eve_inspect_format(o, line, sizeof(line)) > 0)
		e->cfg.eve(e->cfg.eve_ctx, line);
	else if (!e->cfg.eve)
		json_decref(o);
}

/* An alert rule the configured policy turns into a drop (by classtype or sid). */
static int policy_drops(const struct engine_cfg *cfg, const struct rule *r)
{
	size_t i;

	if (r->action != RULE_ACTION_ALERT)
		return 0;
	for (i = 0; i < cfg->n_drop_sids; i++)
		if (cfg->drop_sids[i] == r->sid)
			return 1;
	for (i = 0; r->classtype && i < cfg->n_drop_classes; i++)
		if (!strcmp(cfg->drop_classes[i], r->classtype))
			return 1;
	return 0;
}

/* 1 when sid already alerted on this flow; else remembers it (while there is room). */
static int alerted_before(struct app *a, uint32_t sid)
{
	unsigned int i;

	for (i = 0; i < a->n_alerted; i++)
		if (a->alerted_sid[i] == sid)
			return 1;
	if (a->n_alerted < ALERTED_MAX)
		a->alerted_sid[a->n_alerted++] = sid;
	return 0;
}

static void on_alert(const struct rule *r, void *arg)
{
	struct engine *e = arg;
	struct app *a = e->cur;
	int block = r->action == RULE_ACTION_DROP || r->action == RULE_ACTION_REJECT ||
		    policy_drops(&e->cfg, r);
	struct eve_inspect_ctx c = eve_ctx(e, a);
	struct flow_tuple server_first;
	struct eve_alert_info info = {
		.blocked = block,
		.gid = r->gid,
		.sid = r->sid,
		.rev = r->rev,
		.msg = r->msg,
		.category = r->class_desc,
		.priority = (int)r->priority,
	};
	json_t *o;

	if (r->action == RULE_ACTION_PASS)
		return;
	if (block && !a->dropped) {
		a->dropped = 1;
		a->reject = r->action == RULE_ACTION_REJECT;
		a->drop_sid = r->sid;
		e->st.drops++;
	}
	if (alerted_before(a, r->sid))
		return; /* one alert per rule and flow: the packet and the stream may both match */
	if (!threshold_check(e->thr, r, &e->pkt->tuple, e->ts_ns)) {
		e->st.thresholded++;
		return;
	}
	e->st.alerts++;
	a->alerted = 1;
	/* As Suricata: an alert's addresses are those of the data that matched. */
	if (!e->det_to_server) {
		server_first = flow_tuple_reversed(&a->client);
		c.tuple = &server_first;
	}
	o = eve_inspect_base(&c, "alert");
	if (o)
		json_object_set_new(o, "direction",
				    json_string(e->det_to_server ? "to_server" : "to_client"));
	/* As Suricata: an alert on an HTTP transaction carries its metadata. */
	if (o && a->tx) {
		struct eve_http_info h = http_info(a->tx);

		eve_inspect_add_http(o, &h);
	}
	if (o && eve_inspect_add_alert(o, &c, &info) == 0)
		emit(e, o);
	else
		json_decref(o);
}

/* The frame's facts, for the rules' header, flow, flags and dsize. */
static void frame_facts(struct engine *e, struct confirm_bufs *b)
{
	b->tuple = &e->pkt->tuple;
	b->to_server = e->dir == FLOW_TO_SERVER;
	b->established = e->cur->f->state != FLOW_NEW;
	b->tcp_flags = e->pkt->tcp_flags;
	b->dsize = e->pkt->payload_len;
	b->fb = &e->cur->fb;
	e->det_to_server = b->to_server;
}

/* Run the rules on bufs. */
static void detect(struct engine *e, struct confirm_bufs *b)
{
	if (!e->cfg.det || !e->dt)
		return;
	frame_facts(e, b);
	detect_run(e->cfg.det, e->dt, b, on_alert, e);
}

static void set_buf(struct confirm_bufs *b, enum rule_buffer k, struct http_buf v)
{
	if (v.ptr) {
		b->p[k] = v.ptr;
		b->len[k] = v.len;
	}
}

/* ---------------------------------------------------------------- HTTP */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Sticky buffers that are one header's value. */
struct header_buf {
	enum rule_buffer buf;
	const char *name;
};

static const struct header_buf request_headers[] = {
	{RULE_BUF_HTTP_REFERER, "Referer"},
	{RULE_BUF_HTTP_ACCEPT, "Accept"},
	{RULE_BUF_HTTP_ACCEPT_ENC, "Accept-Encoding"},
	{RULE_BUF_HTTP_ACCEPT_LANG, "Accept-Language"},
	{RULE_BUF_HTTP_CONNECTION, "Connection"},
	{RULE_BUF_HTTP_CONTENT_TYPE, "Content-Type"},
	{RULE_BUF_HTTP_CONTENT_LEN, "Content-Length"},
};

static const struct header_buf response_headers[] = {
	{RULE_BUF_HTTP_LOCATION, "Location"},	      {RULE_BUF_HTTP_SERVER, "Server"},
	{RULE_BUF_HTTP_CONTENT_TYPE, "Content-Type"}, {RULE_BUF_HTTP_CONTENT_LEN, "Content-Length"},
	{RULE_BUF_HTTP_CONNECTION, "Connection"},
};

static void set_header_bufs(struct confirm_bufs *b, const struct http_msg *m,
			    const struct header_buf *h, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct http_buf v = http_msg_header(m, h[i].name, 0);

		if (v.ptr) {
			b->p[h[i].buf] = v.ptr;
			b->len[h[i].buf] = v.len;
		}
	}
}

/* The buffers of a message's raw head: start line, header.raw, start, header_names. */
static void set_raw_bufs(struct engine *e, struct confirm_bufs *b, const struct http_msg *m,
			 enum rule_buffer start_line)
{
	struct http_rawbufs r;

	http_rawbufs(m, e->http_scratch, HTTP_RAW_SCRATCH, &r);
	set_buf(b, start_line, r.start_line);
	set_buf(b, RULE_BUF_HTTP_HEADER_RAW, r.header_raw);
	set_buf(b, RULE_BUF_HTTP_START, r.start);
	set_buf(b, RULE_BUF_HTTP_HEADER_NAMES, r.header_names);
}

/* ---------------------------------------------------------------- web policy */

static enum blockpage_kind page_kind(enum web_source s)
{
	return s == WEB_SRC_DOMAIN_LIST ? BLOCKPAGE_DOMAIN_LIST
	       : s == WEB_SRC_URL_LIST	? BLOCKPAGE_URL_LIST
					: BLOCKPAGE_CATEGORY;
}

/* The block page of a request into e->page; its length, or 0. */
static size_t render_page(struct engine *e, struct app *a, const struct web_event_info *w)
{
	const struct web_verdict *v = w->v;
	struct blockpage_info bp = {
		.host = w->host,
		.host_len = w->host_len,
		.path = w->url,
		.path_len = w->url_len,
		.kind = page_kind(v->source),
		.list = v->list,
		.category_ja = v->category ? v->category->name_ja : NULL,
		.category_en = v->category ? v->category->name_en : NULL,
		.ip_family = a->client.family,
		.when = {(time_t)(e->ts_ns / 1000000000u), (long)(e->ts_ns % 1000000000u)},
		.contact_name = e->cfg.contact_name,
		.contact_phone = e->cfg.contact_phone,
		.contact_email = e->cfg.contact_email,
	};
	char ref[32];
	struct tm tm;
	int n;

	memcpy(bp.ip, a->client.saddr, sizeof(bp.ip));
	memcpy(bp.mac, a->lan_mac, sizeof(bp.mac));
	if (localtime_r(&bp.when.tv_sec, &tm))
		bp.utc_offset = tm.tm_gmtoff;
	/* The flow id: the same number as the event's flow_id in eve.json. */
	snprintf(ref, sizeof(ref), "%llu", (unsigned long long)a->f->id);
	bp.ref = ref;
	n = blockpage_render(&bp, e->page, BLOCKPAGE_MAX);
	return n > 0 ? (size_t)n : 0;
}

/*
 * The web policy on what a LAN client asks for (HTTP: host and URL; TLS:
 * the SNI; DNS: the name): a record when it blocks, or for a category to
 * log once per window. 1 when it blocks.
 */
static int web_policy(struct engine *e, struct app *a, struct web_event_info *w)
{
	struct eve_inspect_ctx c;
	struct web_verdict v;
	json_t *o;

	if (!e->cfg.web || !a->lan_client || !w->host_len)
		return 0;
	if (w->url)
		web_check_request(e->cfg.web, w->host, w->host_len, w->url, w->url_len, &v);
	else
		web_check_name(e->cfg.web, w->host, w->host_len, &v);
	a->web_cat = v.category; /* every http, tls and dns record of the flow names it */
	if (v.action == WEB_PASS)
		return 0;
	if (v.action == WEB_LOG &&
	    !web_seen_first(e->web_seen, a->client.saddr, v.cat, w->host, w->host_len, e->ts_ns,
			    e->cfg.category_window_ns ? e->cfg.category_window_ns : HOUR_NS))
		return 0;
	w->v = &v;
	if (v.action == WEB_BLOCK)
		e->st.web_blocked++;
	else
		e->st.web_logged++;
	c = eve_ctx(e, a);
	o = web_event(&c, w);
	if (o)
		emit(e, o);
	return v.action == WEB_BLOCK;
}

/*
 * The policy switches on a new flow from the LAN: QUIC (UDP 443) dropped so
 * browsers fall back to TCP, where the SNI shows; DNS over TLS (TCP 853)
 * reset so the DNS guard cannot be bypassed silently. The name, or NULL.
 */
static const char *policy_block(const struct engine *e, const struct app *a)
{
	if (!a->lan_client)
		return NULL;
	if (e->cfg.block_quic && !a->tcp && a->client.proto == IPPROTO_UDP &&
	    a->client.dport == 443)
		return "quic";
	if (e->cfg.block_dot && a->tcp && a->client.dport == 853)
		return "dot";
	return NULL;
}

static void block_by_policy(struct engine *e, struct app *a, const char *what)
{
	struct web_verdict v = {.action = WEB_BLOCK,
				.source = WEB_SRC_POLICY,
				.list = what[0] == 'q' ? "block-quic" : "block-doh",
				.cat = -1};
	struct web_event_info w = {
		.v = &v, .via = what, .response = a->tcp ? WEB_RESP_RESET : WEB_RESP_DROPPED};
	struct eve_inspect_ctx c = eve_ctx(e, a);
	json_t *o;

	a->dropped = 1;
	a->reject = a->tcp;
	a->drop_sid = 0;
	e->st.web_blocked++;
	/* One record per device and window: a browser retries on every page. */
	if (!web_seen_first(e->web_seen, a->client.saddr, -2, what, strlen(what), e->ts_ns,
			    e->cfg.category_window_ns ? e->cfg.category_window_ns : HOUR_NS))
		return;
	o = web_event(&c, &w);
	if (o)
		emit(e, o);
}

/* A blocked HTTP request: the block page for the client, a reset for the server. */
static void block_request(struct engine *e, struct app *a, struct web_event_info *w)
{
	size_t n;

	a->dropped = 1;
	a->drop_sid = 0;
	/* Only the frame that completes the request can carry the page back (inline). */
	if (e->dir != FLOW_TO_SERVER || !(n = render_page(e, a, w))) {
		a->reject = 1;
		return;
	}
	e->v->page = e->page;
	e->v->page_len = n;
}

static void http_request(void *user, struct http_tx *tx)
{
	struct app *a = user;
	struct confirm_bufs b = {0};

	a->e->st.http_tx++;
	if (!a->dropped) {
		struct web_event_info w = {
			.via = "http",
			.host = (const char *)tx->host.ptr,
			.host_len = tx->host.ptr ? tx->host.len : 0,
			.url = tx->uri_raw.ptr ? (const char *)tx->uri_raw.ptr : "/",
			.url_len = tx->uri_raw.ptr ? tx->uri_raw.len : 1,
			.response = WEB_RESP_PAGE,
		};

		/* the record says what happens; render_page may still fall back to resets */
		if (web_policy(a->e, a, &w))
			block_request(a->e, a, &w);
	}
	set_buf(&b, RULE_BUF_HTTP_METHOD, tx->method);
	set_buf(&b, RULE_BUF_HTTP_URI, tx->uri);
	set_buf(&b, RULE_BUF_HTTP_URI_RAW, tx->uri_raw);
	set_buf(&b, RULE_BUF_HTTP_HOST, tx->host);
	set_buf(&b, RULE_BUF_HTTP_HOST_RAW, tx->host_raw);
	set_buf(&b, RULE_BUF_HTTP_USER_AGENT, tx->user_agent);
	set_buf(&b, RULE_BUF_HTTP_COOKIE, tx->cookie);
	set_buf(&b, RULE_BUF_HTTP_HEADER, tx->req.headers);
	set_buf(&b, RULE_BUF_HTTP_PROTOCOL, tx->req.proto);
	set_header_bufs(&b, &tx->req, request_headers, ARRAY_SIZE(request_headers));
	set_raw_bufs(a->e, &b, &tx->req, RULE_BUF_HTTP_REQUEST_LINE);
	a->tx = tx;
	detect(a->e, &b);
	a->tx = NULL;
}

/* ---------------------------------------------------------------- antivirus */

/*
 * The first piece of a body: keep it for the antivirus (side 0: the
 * request's, 1: the response's). A body without data is no file.
 */
static struct av_file *av_open(struct app *a, struct http_tx *tx, int side)
{
	char name[AV_NAME_MAX];

	av_http_filename(tx, !side, name, sizeof(name));
	a->avf[side] = av_file_new(name, strlen(name), !side);
	return a->avf[side];
}

static void http_body(void *user, struct http_tx *tx, enum http_dir dir, const uint8_t *data,
		      size_t len)
{
	struct app *a = user;
	int side = dir == HTTP_TO_SERVER ? 0 : 1;
	struct av_file *f = a->avf[side];

	if (!f && a->e->cfg.av)
		f = av_open(a, tx, side);
	if (f)
		av_file_add(f, data, len, a->e->cfg.av_max_file, &a->e->av_mem);
}

/*
 * A body is complete: scan it. This runs on the frame that completed it,
 * which the engine still holds: an infected file is blocked by dropping
 * that frame (the client never gets the whole file) and resetting both
 * ends.
 */
static void av_close(struct app *a, struct http_tx *tx, int side)
{
	struct engine *e = a->e;
	struct av_file *f = a->avf[side];
	struct eve_inspect_ctx c;
	struct eve_http_info h;
	struct av_result r;
	int block;
	json_t *o;

	if (!f)
		return;
	a->avf[side] = NULL;
	av_file_scan(e->cfg.av, f, &r);
	e->st.files++;
	e->st.files_infected += r.verdict == AV_INFECTED;
	e->st.files_unscanned += r.verdict == AV_NOT_SCANNED;
	block = r.verdict == AV_INFECTED ||
		(r.verdict == AV_NOT_SCANNED && e->cfg.av_block_unscanned);
	c = eve_ctx(e, a);
	h = http_info(tx);
	o = av_fileinfo_event(&c, f, &r, &h);
	if (o)
		emit(e, o);
	if (r.verdict == AV_INFECTED && (o = av_alert_event(&c, f, &r, &h, block)))
		emit(e, o);
	if (block && !a->dropped) {
		a->dropped = 1;
		a->reject = 1;
		a->drop_sid = 0;
		e->st.drops++;
	}
	av_file_free(f, &e->av_mem);
}

static void http_response(void *user, struct http_tx *tx)
{
	struct app *a = user;
	struct confirm_bufs b = {0};

	set_buf(&b, RULE_BUF_HTTP_STAT_CODE, tx->stat_code);
	set_buf(&b, RULE_BUF_HTTP_STAT_MSG, tx->stat_msg);
	set_buf(&b, RULE_BUF_HTTP_HEADER, tx->resp.headers);
	set_header_bufs(&b, &tx->resp, response_headers, ARRAY_SIZE(response_headers));
	set_raw_bufs(a->e, &b, &tx->resp, RULE_BUF_HTTP_RESPONSE_LINE);
	a->tx = tx;
	detect(a->e, &b);
	a->tx = NULL;
}

static void http_msg_done(void *user, struct http_tx *tx, enum http_dir dir)
{
	struct app *a = user;
	struct confirm_bufs b = {0};

	av_close(a, tx, dir == HTTP_TO_SERVER ? 0 : 1);
	if (dir == HTTP_TO_SERVER) {
		set_buf(&b, RULE_BUF_HTTP_REQUEST_BODY, tx->req.body);
	} else {
		set_buf(&b, RULE_BUF_HTTP_RESPONSE_BODY, tx->resp.body);
		set_buf(&b, RULE_BUF_FILE_DATA, tx->resp.body);
	}
	if (b.p[RULE_BUF_HTTP_REQUEST_BODY] || b.p[RULE_BUF_HTTP_RESPONSE_BODY]) {
		a->tx = tx;
		detect(a->e, &b);
		a->tx = NULL;
	}
}

static struct eve_bytes eb(struct http_buf v)
{
	return (struct eve_bytes){v.ptr, v.len};
}

static struct eve_http_info http_info(struct http_tx *tx)
{
	struct eve_http_info h = {
		.hostname = eb(tx->host),
		.url = eb(tx->uri_raw),
		.user_agent = eb(tx->user_agent),
		.method = eb(tx->method),
		.protocol = eb(tx->req.proto),
		.content_type = eb(http_msg_header(&tx->resp, "Content-Type", 0)),
		.status = (int)tx->status,
		.length = tx->resp.body_decoded,
	};

	return h;
}

/* The web category of what a record is about, under "utm" (Suricata's objects stay as they are). */
static void add_category(json_t *o, const struct app *a)
{
	const struct catdb_category *k = a->web_cat;

	if (o && k)
		json_object_set_new(o, "utm",
				    json_pack("{s:s, s:s, s:s}", "category", k->name, "category_en",
					      k->name_en, "category_ja", k->name_ja));
}

static void http_tx_done(void *user, struct http_tx *tx)
{
	struct app *a = user;
	struct eve_inspect_ctx c = eve_ctx(a->e, a);
	struct eve_http_info h = http_info(tx);
	json_t *o = eve_inspect_base(&c, "http");

	add_category(o, a);
	if (o && eve_inspect_add_http(o, &h) == 0)
		emit(a->e, o);
	else
		json_decref(o);
}

static void http_anomaly(void *user, struct http_tx *tx, enum http_dir dir, enum http_anomaly code,
			 const char *text)
{
	struct app *a = user;
	struct eve_inspect_ctx c = eve_ctx(a->e, a);
	json_t *o = eve_inspect_base(&c, "anomaly");

	if (o && eve_inspect_add_anomaly(o, "applayer", http_anomaly_name(code, dir),
					 "proto_parser") == 0)
		emit(a->e, o);
	else
		json_decref(o);
}

static const struct http_callbacks http_cb = {
	.request_headers = http_request,
	.response_headers = http_response,
	.body = http_body,
	.msg_done = http_msg_done,
	.tx_done = http_tx_done,
	.anomaly = http_anomaly,
};

/* ---------------------------------------------------------------- TLS */

static const char *tls_version_name(uint16_t v)
{
	switch (v) {
	case 0x0304:
		return "TLS 1.3";
	case 0x0303:
		return "TLS 1.2";
	case 0x0302:
		return "TLS 1.1";
	case 0x0301:
		return "TLS 1.0";
	}
	return "UNDETERMINED";
}

static void tls_hello(struct app *a)
{
	const struct tls_client_hello *h = &a->tls->hello.client;
	struct eve_inspect_ctx c = eve_ctx(a->e, a);
	struct eve_tls_info t = {.version = tls_version_name(h->max_version)};
	struct confirm_bufs b = {0};
	json_t *o;

	a->e->st.tls_hellos++;
	if (h->has_sni && h->sni[0] && !a->dropped) {
		struct web_event_info w = {
			.via = "tls",
			.host = h->sni,
			.host_len = strlen(h->sni),
			.response = WEB_RESP_RESET,
		};

		/* no interception, so no page: both ends are reset and the browser says so */
		if (web_policy(a->e, a, &w)) {
			a->dropped = 1;
			a->reject = 1;
			a->drop_sid = 0;
		}
	}
	if (h->has_sni && h->sni[0]) {
		b.p[RULE_BUF_TLS_SNI] = (const uint8_t *)h->sni;
		b.len[RULE_BUF_TLS_SNI] = strlen(h->sni);
		t.sni = (struct eve_bytes){(const uint8_t *)h->sni, strlen(h->sni)};
		detect(a->e, &b);
	}
	o = eve_inspect_base(&c, "tls");
	add_category(o, a);
	if (o && eve_inspect_add_tls(o, &t) == 0)
		emit(a->e, o);
	else
		json_decref(o);
}

/* Client bytes of a TLS flow: 1 once the hello is parsed (or is not TLS): stop delivering. */
static int tls_feed(struct app *a, const uint8_t *data, size_t len)
{
	enum tls_status st;

	if (!a->tls) {
		a->tls = malloc(sizeof(*a->tls) + TLS_BUF);
		if (!a->tls)
			return 1;
		tls_stream_init(a->tls, TLS_HS_CLIENT_HELLO, (uint8_t *)(a->tls + 1), TLS_BUF);
	}
	st = tls_stream_feed(a->tls, data, len);
	if (st == TLS_NEED_MORE)
		return 0;
	if (st == TLS_DONE)
		tls_hello(a);
	free(a->tls);
	a->tls = NULL;
	a->tls_done = 1;
	return 1;
}

/* ---------------------------------------------------------------- DNS */

static void dns_message(struct engine *e, struct app *a, const uint8_t *msg, size_t len)
{
	static __thread struct dnsmsg m;
	struct eve_inspect_ctx c;
	struct eve_dns_info d;
	struct confirm_bufs b = {0};
	char tb[16];
	json_t *o;

	if (dnsmsg_parse(msg, len, &m) != DNSMSG_OK || m.qr || !m.n_questions)
		return;
	e->st.dns_queries++;
	{
		struct web_event_info w = {
			.via = "dns",
			.host = m.questions[0].name.text,
			.host_len = m.questions[0].name.len,
			.response = a->tcp ? WEB_RESP_RESET : WEB_RESP_NXDOMAIN,
		};

		/*
		 * This query only: a UDP flow is a source port, and the next query
		 * from the same port may be for another name.
		 */
		if (web_policy(e, a, &w) && a->tcp) {
			a->dropped = 1; /* DNS over TCP: a dropped segment would stall it; reset */
			a->reject = 1;
		} else if (w.v) {
			/* Over UDP: "no such name" at once, rather than a PC waiting for a timeout.
			 */
			size_t n = dns_nxdomain_build(e->frame, e->frame_len, (uint8_t *)e->page);

			e->v->drop = 1;
			e->v->reply = n ? (const uint8_t *)e->page : NULL;
			e->v->reply_len = n;
		}
	}
	b.p[RULE_BUF_DNS_QUERY] = (const uint8_t *)m.questions[0].name.text;
	b.len[RULE_BUF_DNS_QUERY] = m.questions[0].name.len;
	detect(e, &b);
	c = eve_ctx(e, a);
	d = (struct eve_dns_info){
		.id = m.id,
		.rrname = {(const uint8_t *)m.questions[0].name.text, m.questions[0].name.len},
		.rrtype = dnsmsg_type_name(m.questions[0].qtype, tb, sizeof(tb)),
	};
	o = eve_inspect_base(&c, "dns");
	add_category(o, a);
	if (o && eve_inspect_add_dns_query(o, &d) == 0)
		emit(e, o);
	else
		json_decref(o);
}

static int on_dns_tcp_message(const uint8_t *msg, size_t len, void *ctx)
{
	struct app *a = ctx;

	dns_message(a->e, a, msg, len);
	return 0;
}

/* DNS over TCP: 2-byte length framing of the client's queries; 1 to stop delivering. */
static int dns_tcp_feed(struct app *a, const uint8_t *data, size_t len)
{
	if (!a->dnstcp) {
		a->dnstcp = malloc(sizeof(*a->dnstcp) + DNS_TCP_BUF);
		if (!a->dnstcp)
			return 1;
		dnsmsg_tcp_init(a->dnstcp, (uint8_t *)(a->dnstcp + 1), DNS_TCP_BUF);
	}
	return dnsmsg_tcp_feed(a->dnstcp, data, len, on_dns_tcp_message, a) < 0;
}

/* ---------------------------------------------------------------- mail */

/* An EVE record of the mail framers (smtp, with its email object). */
static void mail_event(void *ctx, const char *type, json_t *obj, json_t *email)
{
	struct app *a = ctx;
	struct eve_inspect_ctx c = eve_ctx(a->e, a);
	json_t *o = eve_inspect_base(&c, type);

	a->e->st.mail_messages++;
	if (!o) {
		json_decref(obj);
		json_decref(email);
		return;
	}
	json_object_set_new(o, type, obj);
	if (email)
		json_object_set_new(o, "email", email);
	emit(a->e, o);
}

/* ---------------------------------------------------------------- mail antivirus */

static void mail_part_start(void *ctx, const struct mime_part *p, enum mail_dir dir)
{
	struct app *a = ctx;
	char name[AV_NAME_MAX];

	av_file_free(a->mailf, &a->e->av_mem);
	/* the attachment's name; a part without one by its MIME section ("part 2.1") */
	if (p->filename[0])
		snprintf(name, sizeof(name), "%s", p->filename);
	else
		snprintf(name, sizeof(name), "part %s (%s)", p->path, p->type);
	a->mail_upload = dir == MAIL_TO_SERVER;
	a->mailf = av_file_new(name, strlen(name), a->mail_upload);
}

static void mail_part_data(void *ctx, const uint8_t *data, size_t len)
{
	struct app *a = ctx;

	if (a->mailf)
		av_file_add(a->mailf, data, len, a->e->cfg.av_max_file, &a->e->av_mem);
}

/* A part ended: scan it; a virus marks the message, acted on at its end. */
static void mail_part_end(void *ctx, const struct mime_part *p)
{
	struct app *a = ctx;
	struct engine *e = a->e;
	struct av_file *f = a->mailf;
	struct eve_inspect_ctx c;
	struct av_result r;
	json_t *o;

	if (!f)
		return;
	a->mailf = NULL;
	av_file_scan(e->cfg.av, f, &r);
	e->st.files++;
	e->st.files_infected += r.verdict == AV_INFECTED;
	e->st.files_unscanned += r.verdict == AV_NOT_SCANNED;
	c = eve_ctx(e, a);
	o = av_fileinfo_event(&c, f, &r, NULL);
	if (o)
		emit(e, o);
	if (r.verdict == AV_INFECTED) {
		if (!a->mail_infected[0])
			snprintf(a->mail_infected, sizeof(a->mail_infected), "%s", r.signature);
		o = av_alert_event(&c, f, &r, NULL, 1);
		if (o)
			emit(e, o);
	}
	av_file_free(f, &e->av_mem);
}

/*
 * The end of a message with a virus, on the frame that ends it (the final
 * "." of SMTP DATA, the end of a POP3 RETR or an IMAP literal), held until
 * now. SMTP: the sender gets a 5xx in the server's name, so it knows (a
 * bounce), and the server a reset, so nothing reaches the recipient. POP3,
 * IMAP: the download is reset (neutralising the attachment while delivering
 * the message is not done yet): the client keeps it on the server.
 */
static void mail_message_end(void *ctx, const struct mail_message *msg)
{
	struct app *a = ctx;
	struct engine *e = a->e;
	/* ASCII, as SMTP replies are; the event and the alert mail explain in Japanese too. */
	static const char refuse[] =
		"554 5.7.1 Message refused: the office's UTM found a virus in an attachment\r\n";

	av_file_free(a->mailf, &e->av_mem);
	a->mailf = NULL;
	if (!a->mail_infected[0] || a->dropped)
		return;
	a->mail_infected[0] = '\0';
	a->dropped = 1;
	a->drop_sid = 0;
	e->st.drops++;
	if (a->proto == APP_SMTP && msg->dir == MAIL_TO_SERVER && e->dir == FLOW_TO_SERVER) {
		memcpy(e->page, refuse, sizeof(refuse) - 1);
		e->v->page = e->page;
		e->v->page_len = sizeof(refuse) - 1;
		return;
	}
	a->reject = 1;
}

static const struct mail_part_ops mail_av = {
	.part_start = mail_part_start,
	.part_data = mail_part_data,
	.part_end = mail_part_end,
	.message_end = mail_message_end,
};

/* ---------------------------------------------------------------- streams */

/*
 * Append a piece to a window, first sliding it (keeping its last STREAM_KEEP
 * bytes) when there is no room: copies are rare, the buffer being three
 * times what is kept. -1 when out of memory.
 */
static int win_append(struct stream_win *w, const uint8_t *data, size_t len)
{
	if (w->len + len > w->cap && w->len > STREAM_KEEP) {
		size_t drop = w->len - STREAM_KEEP;

		memmove(w->buf, w->buf + drop, STREAM_KEEP);
		w->start += drop;
		w->len = STREAM_KEEP;
	}
	if (w->len + len > w->cap) {
		size_t cap = w->len + len > 3 * STREAM_KEEP ? w->len + len : 3 * STREAM_KEEP;
		uint8_t *nb = realloc(w->buf, cap);

		if (!nb)
			return -1;
		w->buf = nb;
		w->cap = cap;
	}
	memcpy(w->buf + w->len, data, len);
	w->len += len;
	return 0;
}

static void win_free(struct stream_win *w)
{
	detect_stream_close(w->ds);
	free(w->buf);
	memset(w, 0, sizeof(*w));
}

/* The payload rules on a new piece of a direction's stream. */
static void stream_detect(struct app *a, enum flow_dir dir, const uint8_t *data, size_t len)
{
	struct engine *e = a->e;
	struct stream_win *w = &a->win[dir];
	struct confirm_bufs b = {0};

	if (w->off || !e->cfg.det || !e->dt)
		return;
	if (!w->ds && !(w->ds = detect_stream_open(e->cfg.det, dir == FLOW_TO_SERVER))) {
		w->off = 1; /* no payload literal for this direction: the packets are enough */
		return;
	}
	if (win_append(w, data, len)) {
		win_free(w);
		w->off = 1;
		e->st.stream_nomem++;
		return;
	}
	b.p[RULE_BUF_PAYLOAD] = w->buf;
	b.len[RULE_BUF_PAYLOAD] = w->len;
	frame_facts(e, &b);
	/* The stream's direction, not the frame's: an ACK may deliver the other side's data. */
	b.to_server = dir == FLOW_TO_SERVER;
	e->det_to_server = b.to_server;
	b.stream = 1;
	detect_stream_run(e->cfg.det, e->dt, w->ds, len, w->start, &b, on_alert, e);
}

static int on_stream_data(void *ctx, const uint8_t *data, size_t len, uint64_t offset)
{
	struct dir_ctx *dc = ctx;
	struct app *a = dc->a;

	stream_detect(a, dc->dir, data, len);

	switch (a->proto) {
	case APP_HTTP:
		return http_feed(a->http,
				 dc->dir == FLOW_TO_SERVER ? HTTP_TO_SERVER : HTTP_TO_CLIENT, data,
				 len) == HTTP_STATE_OK
			       ? 0
			       : 1;
	case APP_TLS:
		return dc->dir == FLOW_TO_SERVER ? tls_feed(a, data, len) : 1;
	case APP_DNS:
		return dc->dir == FLOW_TO_SERVER ? dns_tcp_feed(a, data, len) : 1;
	case APP_SMTP:
	case APP_POP3:
	case APP_IMAP:
	case APP_FTP:
		if (mail_flow_feed(a->mail, dc->dir == FLOW_TO_SERVER, data, len)) {
			/* STARTTLS: what follows is encrypted, so not scanned (counted for the
			 * reports) */
			a->e->st.mail_encrypted++;
			return 1;
		}
		return 0;
	default:
		return 0; /* no parser: the payload rules read it until the flow is handed back */
	}
}

static void on_stream_end(void *ctx, enum reasm_state state)
{
	struct dir_ctx *dc = ctx;

	if (dc->a->mail)
		mail_flow_eof(dc->a->mail, dc->dir == FLOW_TO_SERVER);
	if (dc->a->proto == APP_HTTP && dc->a->http)
		http_eof(dc->a->http, dc->dir == FLOW_TO_SERVER ? HTTP_TO_SERVER : HTTP_TO_CLIENT);
}

static void stream_anomaly_event(struct app *a, const char *event)
{
	struct eve_inspect_ctx c = eve_ctx(a->e, a);
	json_t *o = eve_inspect_base(&c, "anomaly");

	if (o && eve_inspect_add_anomaly(o, "stream", event, NULL) == 0)
		emit(a->e, o);
	else
		json_decref(o);
}

/* A hole in the stream: the parsers cannot resynchronise, so this flow is parsed no more. */
static void on_stream_gap(void *ctx, uint64_t len, uint64_t offset)
{
	struct dir_ctx *dc = ctx;

	stream_anomaly_event(dc->a, "REASSEMBLY_GAP");
	dc->a->proto = APP_NONE;
}

/* Overlaps with other data and the like: what evasion attempts do. */
static void on_stream_anomaly(void *ctx, enum reasm_anomaly code, uint64_t offset, uint64_t len)
{
	struct dir_ctx *dc = ctx;

	stream_anomaly_event(dc->a, reasm_anomaly_name(code));
}

static const struct reasm_ops stream_ops = {
	.deliver = on_stream_data,
	.gap = on_stream_gap,
	.anomaly = on_stream_anomaly,
	.end = on_stream_end,
};

static void streams_init(struct engine *e, struct app *a, const struct pkt_info *p)
{
	int d;

	for (d = 0; d < 2; d++) {
		a->dc[d] = (struct dir_ctx){a, (enum flow_dir)d};
		reasm_stream_init(&a->rs[d], &e->pool, e->cfg.stream_depth, &stream_ops, &a->dc[d]);
		/*
		 * Only a flow first seen at its client's SYN has both ISNs coming;
		 * picked up later (even at the SYN-ACK), the first bytes seen start
		 * each direction.
		 */
		if ((p->tcp_flags & (PKT_TCP_SYN | PKT_TCP_ACK)) != PKT_TCP_SYN)
			reasm_stream_set_midstream(&a->rs[d]);
	}
	a->rs_ready = 1;
}

static void tcp_segment(struct engine *e, struct app *a, const struct pkt_info *p,
			const uint8_t *frame)
{
	unsigned int flags = 0, rc;

	if (!a->rs_ready)
		streams_init(e, a, p);
	flags |= p->tcp_flags & PKT_TCP_SYN ? REASM_SYN : 0;
	flags |= p->tcp_flags & PKT_TCP_FIN ? REASM_FIN : 0;
	flags |= p->tcp_flags & PKT_TCP_RST ? REASM_RST : 0;
	rc = reasm_segment(&a->rs[e->dir], p->seq, frame + p->payload_off, p->payload_len, flags);
	/* No room to queue it: drop it inline, the sender will send it again. */
	if (rc & REASM_R_REFUSED)
		e->v->drop = 1;
	if (p->tcp_flags & PKT_TCP_RST) /* a reset ends both directions */
		reasm_segment(&a->rs[!e->dir], p->ack, NULL, 0, REASM_RST);
	else if (p->tcp_flags & PKT_TCP_ACK)
		reasm_ack(&a->rs[!e->dir], p->ack);
}

/* ---------------------------------------------------------------- flows */

static enum app_proto guess_proto(const struct pkt_info *p)
{
	uint16_t port = p->tuple.dport;

	if (p->tuple.proto == IPPROTO_UDP)
		return port == 53 ? APP_DNS : APP_NONE;
	switch (port) {
	case 53:
		return APP_DNS; /* over TCP: the stream carries length-prefixed messages */
	case 80:
	case 8080:
		return APP_HTTP;
	case 443:
		return APP_TLS;
	case 25:
	case 587:
		return APP_SMTP;
	case 110:
		return APP_POP3;
	case 143:
		return APP_IMAP;
	case 21:
		return APP_FTP;
	}
	return APP_NONE;
}

static const char *flow_state_name(const struct flow *f)
{
	if (f->state == FLOW_CLOSING)
		return "closed";
	return f->state == FLOW_ESTABLISHED ? "established" : "new";
}

/* The flow record, when the flow leaves the table (timeout, eviction, shutdown). */
/*
 * A flow's application is known: the policy blocks it (live only: a flow
 * that ended is past blocking) or logs it, once per LAN device, application
 * and window.
 */
static void app_classified(struct engine *e, struct app *a, int live)
{
	enum web_action act = engine_apps_action(e->apps, &a->as.r);
	struct eve_inspect_ctx c;
	json_t *o;

	e->st.apps_classified++;
	if (act == WEB_BLOCK && !live)
		act = WEB_LOG;
	/* A category to log: one record per flow, when it ends, with its bytes. */
	a->app_log = act == WEB_LOG;
	if (act != WEB_BLOCK)
		return;
	a->dropped = 1;
	a->reject = a->tcp;
	a->drop_sid = 0;
	e->st.apps_blocked++;
	c = eve_ctx(e, a);
	o = app_event(&c, &a->as.r, act, a->tcp);
	if (o)
		emit(e, o);
}

/* The app record of a flow that ends in the engine (not handed back, or offline). */
static void app_flow_end(struct engine *e, struct flow *f, struct app *a)
{
	struct eve_inspect_ctx c = eve_ctx(e, a);
	json_t *o;

	c.wall = (struct timespec){(time_t)(f->last_ns / 1000000000u),
				   (long)(f->last_ns % 1000000000u)};
	o = app_event(&c, &a->as.r, WEB_LOG, a->tcp);
	app_event_add_counts(o, f->pkts, f->bytes, (f->last_ns - f->first_ns) / 1000000000u);
	if (o)
		emit(e, o);
}

/* A flow handed back to XDP with an application to account: the io layer ends its record. */
static const struct engine_flow_report *flow_report(struct engine *e, struct app *a)
{
	struct engine_flow_report *r = &e->report;

	if (!a->app_log || !e->cfg.account_in_xdp)
		return NULL;
	a->app_reported = 1;
	*r = (struct engine_flow_report){
		.app = a->as.r,
		.client = a->client,
		.lan_client = a->lan_client,
		.flow_id = a->f->id,
		.start_ns = a->f->first_ns,
		.pkts = {a->f->pkts[0], a->f->pkts[1]},
		.bytes = {a->f->bytes[0], a->f->bytes[1]},
		.app_proto = app_names[a->proto],
	};
	memcpy(r->lan_mac, a->lan_mac, sizeof(r->lan_mac));
	return r;
}

static void flow_event(struct engine *e, struct flow *f, struct app *a)
{
	struct eve_inspect_ctx c = eve_ctx(e, a);
	struct eve_flow_info fi = {
		.pkts_toserver = f->pkts[FLOW_TO_SERVER],
		.pkts_toclient = f->pkts[FLOW_TO_CLIENT],
		.bytes_toserver = f->bytes[FLOW_TO_SERVER],
		.bytes_toclient = f->bytes[FLOW_TO_CLIENT],
		.start = {(time_t)(f->first_ns / 1000000000u), (long)(f->first_ns % 1000000000u)},
		.end = {(time_t)(f->last_ns / 1000000000u), (long)(f->last_ns % 1000000000u)},
		.state = flow_state_name(f),
		.reason = e->shutting_down ? "shutdown" : "timeout",
		.alerted = a->alerted,
	};
	json_t *o;

	c.wall = fi.end;
	o = eve_inspect_base(&c, "flow");
	/* The application nDPI found, for the reports: per flow, not only the logged ones. */
	if (o && a->as.done && a->as.r.app[0])
		json_object_set_new(
			o, "app",
			json_pack("{s:s, s:s}", "name", a->as.r.app, "category", a->as.r.category));
	if (o && eve_inspect_add_flow(o, &fi) == 0)
		emit(e, o);
	else
		json_decref(o);
}

static void free_app(struct flow *f, void *ctx)
{
	struct engine *e = ctx;
	struct app *a = f->app;
	int d;

	if (!a)
		return;
	if (e->apps && a->as.af) {
		engine_apps_end(e->apps, &a->as);
		app_classified(e, a, 0);
	}
	if (a->app_log && !a->app_reported)
		app_flow_end(e, f, a);
	flow_event(e, f, a);
	if (a->rs_ready)
		for (d = 0; d < 2; d++)
			reasm_stream_free(&a->rs[d]);
	http_conn_free(a->http);
	av_file_free(a->avf[0], &e->av_mem);
	av_file_free(a->avf[1], &e->av_mem);
	av_file_free(a->mailf, &e->av_mem);
	mail_flow_free(a->mail);
	win_free(&a->win[0]);
	win_free(&a->win[1]);
	free(a->tls);
	free(a->dnstcp);
	free(a);
	f->app = NULL;
}

static struct app *new_app(struct engine *e, struct flow *f, const struct pkt_info *p,
			   const uint8_t *frame)
{
	struct app *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->e = e;
	a->f = f;
	a->client = p->tuple;
	a->lan_client = e->from_lan;
	memcpy(a->lan_mac, frame + (e->from_lan ? 6 : 0), 6);
	a->tcp = p->tuple.proto == IPPROTO_TCP;
	a->proto = guess_proto(p);
	if (a->proto == APP_HTTP)
		a->http = http_conn_new(&http_cb, a, NULL);
	if (a->proto == APP_HTTP && !a->http)
		a->proto = APP_NONE;
	if (a->proto >= APP_SMTP) {
		static const enum mail_proto mp[] = {
			[APP_SMTP] = MAIL_SMTP,
			[APP_POP3] = MAIL_POP3,
			[APP_IMAP] = MAIL_IMAP,
			[APP_FTP] = MAIL_FTP,
		};

		a->mail = mail_flow_new(mp[a->proto], mail_event, a, e->cfg.av ? &mail_av : NULL);
		if (!a->mail)
			a->proto = APP_NONE;
	}
	f->app = a;
	return a;
}

static void track_tcp_state(struct flow *f, const struct pkt_info *p, enum flow_dir dir)
{
	if (p->tcp_flags & (PKT_TCP_FIN | PKT_TCP_RST))
		f->state = FLOW_CLOSING;
	else if (f->state == FLOW_NEW && f->pkts[FLOW_TO_CLIENT] && dir == FLOW_TO_SERVER &&
		 p->tcp_flags & PKT_TCP_ACK)
		f->state = FLOW_ESTABLISHED;
}

/* Nothing more to learn from this flow: its parsers are done or gave up. */
/* The flow's ports were steered for the IPS, not only for application detection. */
static int ips_flow(const struct engine *e, const struct app *a)
{
	uint8_t want = a->tcp ? UTM_STEER_TCP : UTM_STEER_UDP;

	return !e->cfg.ips_ports ||
	       ((e->cfg.ips_ports[a->client.sport] | e->cfg.ips_ports[a->client.dport]) & want);
}

static int flow_done(const struct engine *e, const struct app *a)
{
	if (e->apps && !a->as.done)
		return 0;
	if (e->apps && !ips_flow(e, a))
		return 1; /* steered for its application only: classified, so handed back */
	if (a->proto == APP_NONE)
		return a->f->pkts[0] + a->f->pkts[1] >= OPAQUE_FRAMES;
	if (a->proto == APP_TLS)
		return a->tls_done;
	if (a->proto == APP_DNS)
		return 0;
	return a->rs_ready && reasm_stream_done(&a->rs[0]) && reasm_stream_done(&a->rs[1]);
}

/* The drop record of the frame that ended a flow (Suricata's "drop" event). */
static void drop_event(struct engine *e, struct app *a, const struct pkt_info *p, size_t len)
{
	struct eve_inspect_ctx c = eve_ctx(e, a);
	struct eve_drop_info d = {
		.len = (uint32_t)len,
		.tcp = p->tuple.proto == IPPROTO_TCP,
		.seq = p->seq,
		.ack = p->ack,
		.flags = p->tcp_flags,
		.sid = a->drop_sid,
	};
	json_t *o = eve_inspect_base(&c, "drop");

	if (o && eve_inspect_add_drop(o, &d) == 0)
		emit(e, o);
	else
		json_decref(o);
}

void engine_frame(struct engine *e, const uint8_t *frame, size_t len, uint64_t ts_ns, int from_lan,
		  struct engine_verdict *v)
{
	struct confirm_bufs b = {0};
	struct pkt_info p;
	struct flow *f;
	struct app *a;
	int created;

	memset(v, 0, sizeof(*v));
	e->st.frames++;
	if (pkt_parse(frame, len, &p) != PKT_OK) {
		e->st.other++;
		return;
	}
	e->st.tcp += p.tuple.proto == IPPROTO_TCP;
	e->st.udp += p.tuple.proto == IPPROTO_UDP;
	e->pkt = &p;
	e->frame = frame;
	e->frame_len = len;
	e->ts_ns = ts_ns;
	e->from_lan = from_lan;
	e->v = v;
	f = flow_get(e->flows, &p.tuple, ts_ns, (uint32_t)len, &e->dir, &created);
	a = f ? (f->app ? f->app : new_app(e, f, &p, frame)) : NULL;
	if (!a)
		return;
	e->cur = a;
	if (a->tcp)
		track_tcp_state(f, &p, e->dir);
	if (created && policy_block(e, a))
		block_by_policy(e, a, policy_block(e, a));
	if (!a->dropped) {
		if (p.payload_len || p.tuple.proto == IPPROTO_TCP) {
			b.p[RULE_BUF_PAYLOAD] = frame + p.payload_off;
			b.len[RULE_BUF_PAYLOAD] = p.payload_len;
			detect(e, &b);
		}
		if (a->tcp)
			tcp_segment(e, a, &p, frame);
		else if (a->proto == APP_DNS && e->dir == FLOW_TO_SERVER)
			dns_message(e, a, frame + p.payload_off, p.payload_len);
	}
	if (e->apps && !a->dropped &&
	    engine_apps_feed(e->apps, &a->as, frame, len, ts_ns, e->dir == FLOW_TO_SERVER))
		app_classified(e, a, 1);
	v->tuple = &a->client;
	/* Verdicts are reported once; a dropped flow's later frames are dropped here too. */
	if (a->dropped) {
		v->drop = 1;
		v->flow_drop = f->verdict != FLOW_DROP;
		if (v->flow_drop)
			drop_event(e, a, &p, len);
		v->reject = v->flow_drop && a->reject;
		v->sid = a->drop_sid;
		f->verdict = FLOW_DROP;
	} else if (f->verdict == FLOW_INSPECT &&
		   /*
		    * The frame budget does not hand back a file being scanned, nor a
		    * mail connection when the antivirus is on (its messages are
		    * what it scans; the stream depth still bounds it).
		    */
		   (flow_done(e, a) ||
		    (e->cfg.max_frames && f->pkts[0] + f->pkts[1] >= e->cfg.max_frames &&
		     !a->avf[0] && !a->avf[1] && !(e->cfg.av && a->mail)))) {
		v->flow_done = 1;
		v->report = flow_report(e, a);
		f->verdict = FLOW_PASS;
	}
}

/* ---------------------------------------------------------------- setup */

struct engine *engine_new(const struct engine_cfg *cfg)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->cfg = *cfg;
	if (!e->cfg.stream_depth)
		e->cfg.stream_depth = DEFAULT_DEPTH;
	if (!e->cfg.lan_iface)
		e->cfg.lan_iface = "lan";
	if (!e->cfg.wan_iface)
		e->cfg.wan_iface = "wan";
	reasm_pool_init(&e->pool, POOL_CAP, STREAM_CAP);
	e->flows = flow_table_new(cfg->max_flows ? cfg->max_flows : 65536, free_app, e);
	e->dt = cfg->det ? detect_thread_new(cfg->det) : NULL;
	e->thr = threshold_new(THRESHOLD_ENTRIES);
	e->http_scratch = malloc(HTTP_RAW_SCRATCH);
	e->web_seen = web_seen_new(WEB_SEEN_ENTRIES);
	e->page = malloc(BLOCKPAGE_MAX);
	e->av_mem.max = cfg->av_mem_max ? cfg->av_mem_max : AV_MEM_DEFAULT;
	if (cfg->apps) {
		char why[256];

		e->apps = engine_apps_new(&cfg->app_names, why, sizeof(why));
		if (!e->apps) {
			engine_free(e);
			return NULL;
		}
	}
	if (!e->flows || (cfg->det && !e->dt) || !e->thr || !e->http_scratch || !e->web_seen ||
	    !e->page) {
		engine_free(e);
		return NULL;
	}
	return e;
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	e->shutting_down = 1;
	flow_table_free(e->flows);
	detect_thread_free(e->dt);
	threshold_free(e->thr);
	free(e->http_scratch);
	web_seen_free(e->web_seen);
	engine_apps_free(e->apps);
	free(e->page);
	reasm_pool_destroy(&e->pool);
	free(e);
}

void engine_expire(struct engine *e, uint64_t now_ns)
{
	flow_table_expire(e->flows, now_ns, 4096);
}

int engine_rule_blocks(const struct engine_cfg *cfg, const struct rule *r)
{
	return r->action == RULE_ACTION_DROP || r->action == RULE_ACTION_REJECT ||
	       policy_drops(cfg, r);
}

void engine_stats(const struct engine *e, struct engine_stats *st)
{
	*st = e->st;
}

void engine_stats_event(struct engine *e, uint64_t ts_ns, uint64_t uptime_s)
{
	struct timespec t = {(time_t)(ts_ns / 1000000000u), (long)(ts_ns % 1000000000u)};
	struct flow_table_stats fs;
	char stamp[64];
	json_t *o;

	flow_table_stats(e->flows, &fs);
	if (eve_format_timestamp(t, stamp, sizeof(stamp)) < 0)
		return;
	o = json_pack("{s:s, s:s, s:{s:I, s:{s:I, s:I, s:I, s:I}, s:{s:I, s:I, s:I, s:I}, "
		      "s:{s:I, s:I, s:I, s:I}, s:{s:{s:I, s:I, s:I, s:I}}}}",
		      "timestamp", stamp, "event_type", "stats", "stats", "uptime",
		      (json_int_t)uptime_s, "decoder", "pkts", (json_int_t)e->st.frames, "tcp",
		      (json_int_t)e->st.tcp, "udp", (json_int_t)e->st.udp, "other",
		      (json_int_t)e->st.other, "flow", "active", (json_int_t)fs.active, "created",
		      (json_int_t)fs.created, "timeout", (json_int_t)fs.expired, "evicted",
		      (json_int_t)fs.evicted, "detect", "alert", (json_int_t)e->st.alerts, "drop",
		      (json_int_t)e->st.drops, "stream_nomem", (json_int_t)e->st.stream_nomem,
		      "thresholded", (json_int_t)e->st.thresholded, "app_layer", "tx", "http",
		      (json_int_t)e->st.http_tx, "tls", (json_int_t)e->st.tls_hellos, "dns",
		      (json_int_t)e->st.dns_queries, "smtp", (json_int_t)e->st.mail_messages);
	emit(e, o);
}
