// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The block page (lib/blockpage.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "lib/blockpage.h"

/* A bounded writer: once something does not fit, nothing more is written. */
struct out {
	char *buf;
	size_t cap, len;
	int full;
};

static void put(struct out *o, const void *s, size_t n)
{
	if (o->full || n > o->cap - o->len) {
		o->full = 1;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at p (n bytes left) and its code point, 0 if invalid. */
static size_t utf8_seq(const uint8_t *p, size_t n, uint32_t *cp)
{
	uint8_t lo = 0x80, hi = 0xbf;
	size_t len, i;
	uint32_t c;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2, c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3, c = p[0] & 0x0f;
		if (p[0] == 0xe0)
			lo = 0xa0; /* overlong */
		else if (p[0] == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4, c = p[0] & 0x07;
		if (p[0] == 0xf0)
			lo = 0x90; /* overlong */
		else if (p[0] == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	} else {
		return 0;
	}
	if (len > n || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	*cp = c;
	return len;
}

/*
 * Characters that must not reach the page as they are: C0 and C1 controls,
 * and the bidirectional formatting ones, with which a hostile host name
 * could show itself reversed or hide part of the text.
 */
static int hidden(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x061c || c == 0x200e || c == 0x200f ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/*
 * n bytes of s, at most cap of them, as HTML text or attribute value: markup
 * escaped, invalid UTF-8 and hidden characters as U+FFFD, line breaks and
 * tabs as spaces, "…" when cut. Each byte becomes at most 6 ("&quot;").
 */
static void put_text(struct out *o, const void *s, size_t n, size_t cap)
{
	const uint8_t *p = s ? s : (const uint8_t *)"";
	size_t i = 0, end = s ? n : 0, k;
	int cut = 0;

	if (end > cap) {
		/* cut before the character that crosses the cap, not in it */
		for (end = cap, k = 0; end > 0 && k < 3 && (p[end] & 0xc0) == 0x80; k++)
			end--;
		cut = 1;
	}
	while (i < end) {
		uint32_t c;
		size_t len = utf8_seq(p + i, end - i, &c);

		if (!len) {
			puts_(o, "\xef\xbf\xbd");
			i++;
			continue;
		}
		if (c == '&')
			puts_(o, "&amp;");
		else if (c == '<')
			puts_(o, "&lt;");
		else if (c == '>')
			puts_(o, "&gt;");
		else if (c == '"')
			puts_(o, "&quot;");
		else if (c == '\'')
			puts_(o, "&#39;");
		else if (c == '\t' || c == '\n' || c == '\r')
			puts_(o, " ");
		else if (hidden(c))
			puts_(o, "\xef\xbf\xbd");
		else
			put(o, p + i, len);
		i += len;
	}
	if (cut)
		puts_(o, "\xe2\x80\xa6");
}

static void put_str(struct out *o, const char *s, size_t cap)
{
	put_text(o, s, s ? strlen(s) : 0, cap);
}

static int empty(const char *s)
{
	return !s || !s[0];
}

static const struct {
	const char *name, *ja, *en, *list_ja, *list_en;
} kinds[BLOCKPAGE_KIND_COUNT] = {
	[BLOCKPAGE_DOMAIN_LIST] = {"domain-list", "ドメインのブロックリスト", "Domain block list",
				   "リスト", "List"},
	[BLOCKPAGE_URL_LIST] = {"url-list", "URL のブロックリスト", "URL block list", "リスト",
				"List"},
	[BLOCKPAGE_CATEGORY] = {"category", "ブロック対象のカテゴリ", "Blocked category", "分類元",
				"Source"},
	[BLOCKPAGE_IPS_RULE] = {"ips-rule", "侵入防止 (IPS) のルール",
				"Intrusion prevention (IPS) rule", "ルール", "Rule"},
	[BLOCKPAGE_APPLICATION] = {"application", "ブロック対象のアプリケーション",
				   "Blocked application", "アプリケーション", "Application"},
};

const char *blockpage_kind_name(enum blockpage_kind kind)
{
	return (unsigned int)kind < BLOCKPAGE_KIND_COUNT ? kinds[kind].name : "unknown";
}

static const char page_head[] =
	"<!DOCTYPE html>\n"
	"<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	"<meta name=\"robots\" content=\"noindex\">\n"
	"<title>ブロックされました / Blocked</title>\n"
	"<style>\n"
	"body{margin:0;padding:16px;background:#eef0f3;color:#1d2329;"
	"font:16px/1.6 system-ui,-apple-system,\"Hiragino Sans\",\"Yu Gothic UI\",Meiryo,"
	"sans-serif}\n"
	"main{max-width:42em;margin:0 auto;background:#fff;border-top:6px solid #c0392b;"
	"border-radius:6px;padding:4px 20px 16px}\n"
	"h1{font-size:1.4em;color:#c0392b;margin:.6em 0 0}\n"
	"h2{font-size:1.05em;margin:1.4em 0 .3em}\n"
	"p{margin:.4em 0}.en{color:#59636e}\n"
	"table{border-collapse:collapse;width:100%;margin-top:.8em}\n"
	"th,td{text-align:left;vertical-align:top;padding:6px 4px;border-top:1px solid #e3e6ea}\n"
	"th{font-weight:600;white-space:nowrap;padding-right:14px}\n"
	"td{overflow-wrap:anywhere;word-break:break-word}\n"
	"@media(max-width:480px){th,td{display:block;border:0;padding:0}"
	"th{padding-top:10px}}\n"
	"</style>\n</head>\n<body>\n<main>\n"
	"<h1>このサイトはブロックされました</h1>\n"
	"<p class=\"en\" lang=\"en\"><b>This site was blocked</b></p>\n"
	"<p>このネットワークのセキュリティ設定により、次のサイトへのアクセスは止められました。</"
	"p>\n"
	"<p class=\"en\" lang=\"en\">The security settings of this network stopped access to "
	"the following site.</p>\n"
	"<table>\n";

/* Start a table row with its labels (en NULL: the same in both languages). */
static void row(struct out *o, const char *ja, const char *en)
{
	puts_(o, "<tr><th>");
	puts_(o, ja);
	if (en) {
		puts_(o, " <span class=\"en\" lang=\"en\">");
		puts_(o, en);
		puts_(o, "</span>");
	}
	puts_(o, "</th><td>");
}

static void put_time(struct out *o, const struct blockpage_info *in)
{
	long off = in->utc_offset, a;
	time_t t;
	struct tm tm;
	char s[96];

	if (off < -26 * 3600 || off > 26 * 3600)
		off = 0; /* no real zone: show UTC rather than nonsense */
	if (__builtin_add_overflow(in->when.tv_sec, (time_t)off, &t) || !gmtime_r(&t, &tm))
		return;
	a = off < 0 ? -off : off;
	snprintf(s, sizeof(s), "%04lld-%02d-%02d %02d:%02d:%02d %c%02ld%02ld",
		 (long long)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		 tm.tm_sec, off < 0 ? '-' : '+', a / 3600, a % 3600 / 60);
	row(o, "日時", "Time");
	puts_(o, s);
	puts_(o, "</td></tr>\n");
}

static void put_device(struct out *o, const struct blockpage_info *in)
{
	static const uint8_t zero[6];
	char ip[INET6_ADDRSTRLEN], mac[24];
	int has_ip = 0, has_mac = memcmp(in->mac, zero, 6) != 0;

	if (in->ip_family == 4 || in->ip_family == 6)
		has_ip = inet_ntop(in->ip_family == 4 ? AF_INET : AF_INET6, in->ip, ip,
				   sizeof(ip)) != NULL;
	if (!has_ip && !has_mac)
		return;
	row(o, "端末", "Device");
	if (has_ip)
		puts_(o, ip);
	if (has_mac) {
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", in->mac[0], in->mac[1],
			 in->mac[2], in->mac[3], in->mac[4], in->mac[5]);
		puts_(o, has_ip ? " (MAC " : "MAC ");
		puts_(o, mac);
		if (has_ip)
			puts_(o, ")");
	}
	puts_(o, "</td></tr>\n");
}

static void put_what_why(struct out *o, const struct blockpage_info *in)
{
	unsigned int k = (unsigned int)in->kind;
	int cat_ja = !empty(in->category_ja), cat_en = !empty(in->category_en);

	if (in->host && in->host_len) {
		row(o, "サイト", "Site");
		put_text(o, in->host, in->host_len, BLOCKPAGE_HOST_CAP);
		puts_(o, "</td></tr>\n");
	}
	if (in->path && in->path_len) {
		row(o, "URL", NULL);
		if (in->host && in->host_len) {
			puts_(o, "http://");
			put_text(o, in->host, in->host_len, BLOCKPAGE_HOST_CAP);
		}
		put_text(o, in->path, in->path_len, BLOCKPAGE_PATH_CAP);
		puts_(o, "</td></tr>\n");
	}
	if (k < BLOCKPAGE_KIND_COUNT) {
		row(o, "理由", "Reason");
		puts_(o, kinds[k].ja);
		puts_(o, " <span class=\"en\" lang=\"en\">");
		puts_(o, kinds[k].en);
		puts_(o, "</span></td></tr>\n");
	}
	if (cat_ja || cat_en) {
		row(o, "カテゴリ", "Category");
		put_str(o, in->category_ja, BLOCKPAGE_NAME_CAP);
		if (cat_ja && cat_en)
			puts_(o, " / ");
		put_str(o, in->category_en, BLOCKPAGE_NAME_CAP);
		puts_(o, "</td></tr>\n");
	}
	if (!empty(in->list)) {
		if (k < BLOCKPAGE_KIND_COUNT)
			row(o, kinds[k].list_ja, kinds[k].list_en);
		else
			row(o, "リスト", "List");
		put_str(o, in->list, BLOCKPAGE_NAME_CAP);
		puts_(o, "</td></tr>\n");
	}
	if (!empty(in->reason)) {
		row(o, "詳細", "Details");
		put_str(o, in->reason, BLOCKPAGE_REASON_CAP);
		puts_(o, "</td></tr>\n");
	}
}

/* A contact row; href_scheme makes it a link (tel:, mailto:), the value escaped for both. */
static void contact_row(struct out *o, const char *ja, const char *en, const char *v, size_t cap,
			const char *href_scheme)
{
	if (empty(v))
		return;
	row(o, ja, en);
	if (href_scheme) {
		puts_(o, "<a href=\"");
		puts_(o, href_scheme);
		put_str(o, v, cap);
		puts_(o, "\">");
	}
	put_str(o, v, cap);
	if (href_scheme)
		puts_(o, "</a>");
	puts_(o, "</td></tr>\n");
}

static void put_exception(struct out *o, const struct blockpage_info *in)
{
	int contact =
		!empty(in->contact_name) || !empty(in->contact_phone) || !empty(in->contact_email);
	int ref = !empty(in->ref);

	puts_(o, "<h2>例外を依頼するには <span class=\"en\" lang=\"en\">To ask for an "
		 "exception</span></h2>\n<p>業務でこのサイトが必要な場合は、");
	if (ref)
		puts_(o, "上の参照番号を添えて");
	puts_(o, contact ? "次の連絡先に依頼してください。</p>\n"
			 : "ネットワーク管理者に依頼してください。</p>\n");
	puts_(o, "<p class=\"en\" lang=\"en\">If you need this site for your work, ");
	puts_(o, contact ? "ask the contact below" : "ask your network administrator");
	puts_(o, ref ? " and quote the reference above.</p>\n" : ".</p>\n");
	if (!contact)
		return;
	puts_(o, "<table>\n");
	contact_row(o, "担当", "Contact", in->contact_name, BLOCKPAGE_NAME_CAP, NULL);
	contact_row(o, "電話", "Phone", in->contact_phone, BLOCKPAGE_SHORT_CAP, "tel:");
	contact_row(o, "メール", "Email", in->contact_email, BLOCKPAGE_NAME_CAP, "mailto:");
	puts_(o, "</table>\n");
}

static void put_body(struct out *o, const struct blockpage_info *in)
{
	puts_(o, page_head);
	put_what_why(o, in);
	put_device(o, in);
	put_time(o, in);
	if (!empty(in->ref)) {
		row(o, "参照番号", "Reference");
		put_str(o, in->ref, BLOCKPAGE_SHORT_CAP);
		puts_(o, "</td></tr>\n");
	}
	puts_(o, "</table>\n");
	put_exception(o, in);
	puts_(o, "</main>\n</body>\n</html>\n");
}

int blockpage_body(const struct blockpage_info *info, char *buf, size_t cap)
{
	struct out o = {.buf = buf, .cap = cap};

	if (!info || (!buf && cap))
		return -1;
	put_body(&o, info);
	return o.full ? -1 : (int)o.len;
}

/* "Date: <IMF-fixdate>\r\n" of t in s (at least 48 bytes), or "" when t has no such date. */
static void date_header(char *s, size_t n, time_t t)
{
	static const char wday[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char mon[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;

	s[0] = '\0';
	if (!gmtime_r(&t, &tm) || tm.tm_year < 70 || tm.tm_year > 8099)
		return;
	snprintf(s, n, "Date: %s, %02d %s %04d %02d:%02d:%02d GMT\r\n", wday[tm.tm_wday],
		 tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int blockpage_render(const struct blockpage_info *info, char *buf, size_t cap)
{
	char date[64], head[512];
	int body, hlen;

	body = blockpage_body(info, buf, cap);
	if (body < 0)
		return -1;
	date_header(date, sizeof(date), info->when.tv_sec);
	/*
	 * no-store: the page must not stand in for the site once unblocked.
	 * The CSP forbids scripts and any fetch even if escaping ever failed.
	 */
	hlen = snprintf(head, sizeof(head),
			"HTTP/1.1 403 Forbidden\r\n"
			"%s"
			"Content-Type: text/html; charset=utf-8\r\n"
			"Content-Length: %d\r\n"
			"Cache-Control: no-store\r\n"
			"Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n"
			"X-Content-Type-Options: nosniff\r\n"
			"X-UTM-Block: %s\r\n"
			"Connection: close\r\n"
			"\r\n",
			date, body, blockpage_kind_name(info->kind));
	if (hlen < 0 || (size_t)hlen >= sizeof(head) || (size_t)hlen + (size_t)body > cap)
		return -1;
	memmove(buf + hlen, buf, (size_t)body);
	memcpy(buf, head, (size_t)hlen);
	return hlen + body;
}
