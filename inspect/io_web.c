// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The web policy at start (inspect/io_web.h). */
#include <string.h>

#include "inspect/io_web.h"
#include "lib/log.h"
#include "lib/ut1.h"

static int load_sites(struct web_loaded *w, const struct opts *o)
{
	struct utm_cfg cfg;
	char err[PATH_MAX + 256];
	int rc;

	if (!o->block_sites || !o->config_path)
		return 0;
	utm_cfg_defaults(&cfg);
	if (utm_cfg_load_file(o->config_path, &cfg, err, sizeof(err))) {
		log_err("%s", err);
		return -1;
	}
	rc = sitelists_load(&w->sites, &cfg);
	utm_cfg_free(&cfg);
	if (rc) {
		log_err("site lists: out of memory");
		return -1;
	}
	log_info(
		"site lists: %u lists, %lu domains and %lu URLs blocked or allowed (%u unreadable)",
		w->sites.lists, w->sites.domains, w->sites.urls, w->sites.failed);
	return 0;
}

static int load_categories(struct web_loaded *w, const struct opts *o)
{
	struct ut1_report rep;
	struct catdb_stats st;
	char err[PATH_MAX + 256];

	if (!o->categories[0])
		return 0;
	w->cats = catdb_new();
	if (!w->cats) {
		log_err("categories: out of memory");
		return -1;
	}
	memset(&rep, 0, sizeof(rep));
	if (ut1_load_dir(w->cats, o->categories, &rep, err, sizeof(err))) {
		/* A feed not fetched yet: inspect without categories rather than not at all. */
		log_warn("categories: %s; web categories are off", err);
		ut1_report_free(&rep);
		catdb_free(w->cats);
		w->cats = NULL;
		return 0;
	}
	catdb_get_stats(w->cats, &st);
	log_info("categories: %u from %s, %lu domains, %lu URLs (%u categories skipped)",
		 st.categories, rep.root, st.domains, st.urls, rep.skipped);
	ut1_report_free(&rep);
	return 0;
}

/*
 * Well-known DNS-over-HTTPS resolvers, for block-doh when the category tree
 * has no "doh" category (UT1's keeps the complete list): the ones browsers
 * and operating systems offer by default.
 */
static const char *const doh_resolvers[] = {
	"dns.google",
	"dns.google.com",
	"cloudflare-dns.com",
	"one.one.one.one",
	"1dot1dot1dot1.cloudflare-dns.com",
	"mozilla.cloudflare-dns.com",
	"security.cloudflare-dns.com",
	"family.cloudflare-dns.com",
	"dns.quad9.net",
	"dns9.quad9.net",
	"dns10.quad9.net",
	"dns11.quad9.net",
	"doh.opendns.com",
	"doh.familyshield.opendns.com",
	"dns.adguard.com",
	"dns.adguard-dns.com",
	"dns.nextdns.io",
	"doh.cleanbrowsing.org",
	"doh.dns.sb",
	"dns.alidns.com",
	"doh.pub",
	"doh.360.cn",
	"dns.twnic.tw",
	"public.dns.iij.jp",
	"dns.controld.com",
	"doh.mullvad.net",
	"chrome.cloudflare-dns.com",
	"doh.xfinity.com",
};

/* block-doh without a "doh" category: the built-in resolvers as a block list. */
static int builtin_doh(struct web_loaded *w)
{
	size_t i;
	int cat;

	if (!w->sites.block && !(w->sites.block = catdb_new()))
		return -1;
	if (!w->sites.allow && !(w->sites.allow = catdb_new()))
		return -1;
	cat = catdb_add_category(w->sites.block, "doh-resolvers", "DNS over HTTPS resolvers", NULL,
				 NULL, "black");
	if (cat < 0)
		return -1;
	for (i = 0; i < sizeof(doh_resolvers) / sizeof(doh_resolvers[0]); i++)
		if (catdb_add_domain(w->sites.block, doh_resolvers[i], strlen(doh_resolvers[i]),
				     (uint8_t)cat))
			return -1;
	log_info("block-doh: %zu well-known DNS-over-HTTPS resolvers blocked by SNI",
		 sizeof(doh_resolvers) / sizeof(doh_resolvers[0]));
	return 0;
}

/* The categories of names to log or block; a name the tree does not have is only a warning. */
static void set_actions(struct web_loaded *w, const char (*names)[48], size_t n, enum web_action a)
{
	size_t i;

	for (i = 0; w->cats && i < n; i++)
		if (webpolicy_set_category(&w->policy, names[i], a))
			log_warn("categories: no category '%s' in the tree", names[i]);
}

int web_start(struct web_loaded *w, const struct opts *o, struct engine_cfg *cfg)
{
	memset(w, 0, sizeof(*w));
	if (load_sites(w, o) || load_categories(w, o))
		return -1;
	w->policy.cats = w->cats;
	set_actions(w, o->log_categories, o->n_log_categories, WEB_LOG);
	set_actions(w, o->block_categories, o->n_block_categories, WEB_BLOCK);
	/* DoH resolvers: UT1's "doh" category, else the built-in list. DoT: its port. */
	if (o->block_doh && (!w->cats || webpolicy_set_category(&w->policy, "doh", WEB_BLOCK)) &&
	    builtin_doh(w)) {
		log_err("block-doh: out of memory");
		return -1;
	}
	w->policy.sites = w->sites.block ? &w->sites : NULL;
	if (w->policy.sites || w->policy.cats)
		cfg->web = &w->policy;
	cfg->category_window_ns = (uint64_t)o->category_window_s * 1000000000ull;
	cfg->block_quic = o->block_quic;
	cfg->block_dot = o->block_doh;
	cfg->contact_name = o->contact_name;
	cfg->contact_phone = o->contact_phone;
	cfg->contact_email = o->contact_email;
	return 0;
}

void web_stop(struct web_loaded *w)
{
	sitelists_free(&w->sites);
	catdb_free(w->cats);
	memset(w, 0, sizeof(*w));
}
