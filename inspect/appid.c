// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * inspect/appid.h over nDPI. Written for the nDPI 4.2 API (Debian 12's
 * libndpi-dev); every nDPI call and every read of an nDPI structure is in
 * this file, so porting to another nDPI changes nothing else.
 */
#include "inspect/appid.h"

#include <ndpi/ndpi_api.h>

#include <ctype.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * nDPI changes its API between minor releases, and this file reads nDPI
 * structures (struct ndpi_flow_struct) directly, so it accepts only the
 * release it was written and tested against. Differences a port will meet
 * (from nDPI's sources and pull requests; not built here):
 *  - 4.8: ndpi_detection_process_packet takes a 6th argument,
 *    const struct ndpi_flow_input_info * (NULL is allowed); see ndpi_feed().
 *  - later releases: protocols are enabled with ndpi_set_config() rather
 *    than ndpi_set_protocol_detection_bitmask2(), and ndpi_protocol and
 *    struct ndpi_flow_struct change layout; check every field read here.
 *  - category names change too (4.2's "Download" is later
 *    "Download-FileTransfer-FileSharing"): configured names may need mapping.
 */
#if !defined(NDPI_MAJOR) || !defined(NDPI_MINOR)
#error "inspect/appid.c: cannot tell the nDPI version (no NDPI_MAJOR/NDPI_MINOR)"
#elif NDPI_MAJOR != 4 || NDPI_MINOR != 2
#error "inspect/appid.c is written for the nDPI 4.2 API; port it to this nDPI (see its comments)"
#endif

#define APPID_STR_(x) #x
#define APPID_STR(x)  APPID_STR_(x)
/* The release prefix of the headers compiled against: "4.2." */
#define APPID_NDPI_RELEASE APPID_STR(NDPI_MAJOR) "." APPID_STR(NDPI_MINOR) "."

struct appid {
	struct ndpi_detection_module_struct *mod;
};

struct appid_flow {
	/* The classification once final, returned again by later feeds. */
	ndpi_protocol final;
	uint16_t pkts, data_pkts;
	uint8_t done;
	/* nDPI's flow state follows, in the same allocation. */
	struct ndpi_flow_struct nf[];
};

/*
 * nDPI 4.2: "ndpi_init_detection_module ... all these calls MUST NOT run in
 * parallel" (it initialises libgcrypt and shared tables); worker threads
 * start together, so their set-up is serialised here.
 */
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;

static ndpi_protocol ndpi_feed(struct ndpi_detection_module_struct *mod,
			       struct ndpi_flow_struct *nf, const uint8_t *l3, uint16_t len,
			       uint64_t ts_ms)
{
#if NDPI_MAJOR > 4 || (NDPI_MAJOR == 4 && NDPI_MINOR >= 8)
	return ndpi_detection_process_packet(mod, nf, l3, len, ts_ms, NULL);
#else
	return ndpi_detection_process_packet(mod, nf, l3, len, ts_ms);
#endif
}

const char *appid_ndpi_version(void)
{
	return ndpi_revision();
}

/*
 * The library loaded at run time must be the one compiled against: this
 * file uses nDPI's structure layouts, which differ between releases.
 */
static int check_runtime(char *why, size_t whylen)
{
	const char *rev = ndpi_revision();

	if (!rev || strncmp(rev, APPID_NDPI_RELEASE, strlen(APPID_NDPI_RELEASE)) != 0) {
		snprintf(why, whylen, "nDPI %s is loaded but utm-inspect was built for nDPI %sx",
			 rev ? rev : "(unknown)", APPID_NDPI_RELEASE);
		return -1;
	}
	if (ndpi_get_api_version() != NDPI_API_VERSION ||
	    ndpi_detection_get_sizeof_ndpi_flow_struct() != sizeof(struct ndpi_flow_struct)) {
		snprintf(why, whylen,
			 "nDPI %s is loaded but its API (%u, flow %u bytes) differs from the "
			 "headers utm-inspect was built with (%u, flow %zu bytes)",
			 rev, ndpi_get_api_version(), ndpi_detection_get_sizeof_ndpi_flow_struct(),
			 NDPI_API_VERSION, sizeof(struct ndpi_flow_struct));
		return -1;
	}
	return 0;
}

struct appid *appid_new(char *why, size_t whylen)
{
	NDPI_PROTOCOL_BITMASK all;
	struct appid *a;

	if (check_runtime(why, whylen))
		return NULL;
	a = calloc(1, sizeof(*a));
	if (!a) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	pthread_mutex_lock(&init_lock);
	a->mod = ndpi_init_detection_module(ndpi_no_prefs);
	if (a->mod) {
		NDPI_BITMASK_SET_ALL(all);
		ndpi_set_protocol_detection_bitmask2(a->mod, &all);
		/* The engine knows which side is the client; nDPI would guess from ports. */
		ndpi_set_detection_preferences(a->mod, ndpi_pref_direction_detect_disable, 1);
		ndpi_finalize_initialization(a->mod);
	}
	pthread_mutex_unlock(&init_lock);
	if (!a->mod) {
		snprintf(why, whylen, "nDPI %s: cannot create a detection module", ndpi_revision());
		free(a);
		return NULL;
	}
	return a;
}

void appid_free(struct appid *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&init_lock);
	ndpi_exit_detection_module(a->mod);
	pthread_mutex_unlock(&init_lock);
	free(a);
}

size_t appid_flow_size(void)
{
	return sizeof(struct appid_flow) + sizeof(struct ndpi_flow_struct);
}

struct appid_flow *appid_flow_new(struct appid *a)
{
	/* nDPI 4.2 wants the flow zeroed; it has no constructor. */
	return calloc(1, appid_flow_size());
}

void appid_flow_free(struct appid_flow *f)
{
	if (!f)
		return;
	/* Frees what dissectors allocated (host names, TLS fields), not the flow. */
	ndpi_free_flow_data(f->nf);
	free(f);
}

/* Bytes of L4 payload in an IP packet; -1 if it cannot tell (counted as data). */
static int l4_payload_len(const uint8_t *p, size_t len)
{
	size_t ip_len, hl, l4;
	uint8_t proto;

	if (len >= 20 && (p[0] >> 4) == 4) {
		hl = (size_t)(p[0] & 0xf) * 4;
		ip_len = (size_t)p[2] << 8 | p[3];
		proto = p[9];
	} else if (len >= 40 && (p[0] >> 4) == 6) {
		hl = 40;
		ip_len = 40 + ((size_t)p[4] << 8 | p[5]);
		proto = p[6];
	} else {
		return -1;
	}
	if (ip_len > len)
		ip_len = len;
	if (hl < 20 || hl > ip_len)
		return -1;
	l4 = ip_len - hl;
	if (proto == IPPROTO_TCP && l4 >= 20) {
		size_t doff = (size_t)(p[hl + 12] >> 4) * 4;

		return doff <= l4 ? (int)(l4 - doff) : -1;
	}
	if (proto == IPPROTO_UDP && l4 >= 8)
		return (int)(l4 - 8);
	return -1;
}

static int detected(ndpi_protocol p)
{
	return p.app_protocol != NDPI_PROTOCOL_UNKNOWN ||
	       p.master_protocol != NDPI_PROTOCOL_UNKNOWN;
}

static void copy_name(char *dst, const char *src)
{
	snprintf(dst, APPID_NAME_MAX, "%s", src ? src : "");
}

static void fill(struct appid *a, const struct appid_flow *f, ndpi_protocol p,
		 struct appid_result *out)
{
	uint16_t app = p.app_protocol, master = p.master_protocol;
	ndpi_protocol_category_t cat;

	/* nDPI puts a lone protocol in either field; app is the most specific one. */
	if (app == NDPI_PROTOCOL_UNKNOWN) {
		app = master;
		master = NDPI_PROTOCOL_UNKNOWN;
	}
	if (master == app)
		master = NDPI_PROTOCOL_UNKNOWN;
	memset(out, 0, sizeof(*out));
	out->app_id = app;
	out->master_id = master;
	copy_name(out->app, ndpi_get_proto_name(a->mod, app));
	if (master != NDPI_PROTOCOL_UNKNOWN)
		copy_name(out->master, ndpi_get_proto_name(a->mod, master));
	cat = ndpi_get_proto_category(a->mod, p);
	out->category_id = (int)cat;
	copy_name(out->category, ndpi_category_get_name(a->mod, cat));
	out->confident =
		app != NDPI_PROTOCOL_UNKNOWN && (f->nf->confidence == NDPI_CONFIDENCE_DPI ||
						 f->nf->confidence == NDPI_CONFIDENCE_DPI_CACHE);
}

static void finish(struct appid *a, struct appid_flow *f, ndpi_protocol p)
{
	uint8_t guessed = 0;

	if (!detected(p))
		p = ndpi_detection_giveup(a->mod, f->nf, 1, &guessed);
	f->final = p;
	f->done = 1;
}

int appid_feed(struct appid *a, struct appid_flow *f, const uint8_t *l3, size_t len, uint64_t ts_ms,
	       int to_server, struct appid_result *out)
{
	ndpi_protocol p;
	int final;

	if (f->done) {
		fill(a, f, f->final, out);
		return 1;
	}
	if (len > UINT16_MAX)
		len = UINT16_MAX;
	f->pkts++;
	if (l4_payload_len(l3, len) != 0)
		f->data_pkts++;
	/* nDPI's convention with direction detection off: 0 is client to server. */
	f->nf->packet_direction = to_server ? 0 : 1;
	p = ndpi_feed(a->mod, f->nf, l3, (uint16_t)len, ts_ms);
	/*
	 * A sub-protocol (TLS.Facebook) is what policy needs; metadata nDPI could
	 * still extract (certificates) is not worth more packets. A bare protocol
	 * (TLS without a known SNI) may still get one from later packets.
	 */
	if (detected(p))
		final = (p.app_protocol != NDPI_PROTOCOL_UNKNOWN &&
			 p.master_protocol != NDPI_PROTOCOL_UNKNOWN &&
			 p.app_protocol != p.master_protocol) ||
			!ndpi_extra_dissection_possible(a->mod, f->nf);
	else
		final = f->nf->fail_with_unknown;
	if (final || f->data_pkts >= APPID_MAX_DATA_PKTS || f->pkts >= APPID_MAX_PKTS)
		finish(a, f, p);
	fill(a, f, f->done ? f->final : p, out);
	return f->done;
}

void appid_giveup(struct appid *a, struct appid_flow *f, struct appid_result *out)
{
	ndpi_protocol p = NDPI_PROTOCOL_NULL;

	if (!f->done) {
		p.master_protocol = f->nf->detected_protocol_stack[1];
		p.app_protocol = f->nf->detected_protocol_stack[0];
		finish(a, f, p);
	}
	fill(a, f, f->final, out);
}

/* ---- names ------------------------------------------------------------- */

static int app_count(struct appid *a)
{
	return (int)ndpi_get_num_supported_protocols(a->mod);
}

const char *appid_app_name(struct appid *a, int app_id)
{
	if (app_id < 0 || app_id >= app_count(a))
		return "";
	return ndpi_get_proto_name(a->mod, (uint16_t)app_id);
}

/* nDPI leaves unused category numbers without a name. */
const char *appid_category_name(struct appid *a, int category_id)
{
	const char *name;

	if (category_id < 0 || category_id >= NDPI_PROTOCOL_NUM_CATEGORIES)
		return "";
	name = ndpi_category_get_name(a->mod, (ndpi_protocol_category_t)category_id);
	return name ? name : "";
}

typedef const char *(*name_fn)(struct appid *a, int id);

static int find(struct appid *a, name_fn fn, int n, const char *name)
{
	int id;

	if (!name || !*name)
		return -1;
	for (id = 0; id < n; id++)
		if (strcasecmp(fn(a, id), name) == 0)
			return id;
	return -1;
}

int appid_app_by_name(struct appid *a, const char *name)
{
	return find(a, appid_app_name, app_count(a), name);
}

int appid_category_by_name(struct appid *a, const char *name)
{
	return find(a, appid_category_name, NDPI_PROTOCOL_NUM_CATEGORIES, name);
}

/* Case-insensitive edit distance, capped: enough to catch typos in a name. */
static int distance(const char *s, const char *t)
{
	size_t n = strlen(s), m = strlen(t), i, j;
	int row[APPID_NAME_MAX + 1];

	if (n > APPID_NAME_MAX || m > APPID_NAME_MAX)
		return APPID_NAME_MAX;
	for (j = 0; j <= m; j++)
		row[j] = (int)j;
	for (i = 1; i <= n; i++) {
		int diag = row[0], best;

		row[0] = (int)i;
		for (j = 1; j <= m; j++) {
			int up = row[j];
			int sub = diag + (tolower((unsigned char)s[i - 1]) !=
					  tolower((unsigned char)t[j - 1]));

			best = sub;
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[m];
}

/* A known name close to the one asked for: a typo away, or containing it. */
static int close_to(const char *known, const char *name)
{
	size_t len = strlen(name);

	if (!*known)
		return 0;
	if (len >= 3 && strcasestr(known, name))
		return 1;
	return distance(known, name) <= (len < 8 ? 2 : 3);
}

#define APPID_MAX_SUGGEST 5

static int lookup(struct appid *a, name_fn fn, int n, const char *what, const char *name, char *why,
		  size_t whylen)
{
	int id = find(a, fn, n, name), found = 0;
	size_t off;

	if (id >= 0 || !why || !whylen)
		return id;
	off = (size_t)snprintf(why, whylen, "unknown %s \"%s\"", what, name ? name : "");
	for (id = 0; name && id < n && found < APPID_MAX_SUGGEST && off < whylen; id++) {
		if (!close_to(fn(a, id), name))
			continue;
		off += (size_t)snprintf(why + off, whylen - off, "%s%s",
					found ? ", " : " (did you mean: ", fn(a, id));
		found++;
	}
	if (found && off < whylen)
		snprintf(why + off, whylen - off, "?)");
	return -1;
}

int appid_app_lookup(struct appid *a, const char *name, char *why, size_t whylen)
{
	return lookup(a, appid_app_name, app_count(a), "application", name, why, whylen);
}

int appid_category_lookup(struct appid *a, const char *name, char *why, size_t whylen)
{
	return lookup(a, appid_category_name, NDPI_PROTOCOL_NUM_CATEGORIES, "category", name, why,
		      whylen);
}
