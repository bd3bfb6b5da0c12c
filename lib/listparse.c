// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Format dispatch for list contents (lib/listparse.h). */
#include "lib/config.h"
#include "lib/listparse.h"

long listparse_ip(const char *buf, size_t len, int fmt, const struct etrep_filter *etrep,
		  iplist_entry_fn fn, void *ctx, struct iplist_error *err)
{
	switch (fmt) {
	case UTM_FMT_SPAMHAUS_JSON:
		return spamhaus_json_parse(buf, len, fn, ctx, err);
	case UTM_FMT_ET_IPREP:
		return etrep_parse(buf, len, etrep, fn, ctx, err);
	default:
		return iplist_parse(buf, len, fn, ctx, err);
	}
}

long listparse_domains(const char *buf, size_t len, int fmt, enum domlist_policy policy, int urls,
		       domlist_entry_fn fn, void *ctx, struct domlist_error *err)
{
	if (fmt == UTM_FMT_URLHAUS_CSV)
		return urlhaus_csv_parse(buf, len, fn, ctx, err);
	return domlist_parse(buf, len, policy, urls ? DOMLIST_URLS_AS_HOSTS : 0, fn, ctx, err);
}
