// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* utm-inspect's shared set-up (inspect/io_common.h). */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "inspect/io_common.h"
#include "inspect/iponly.h"
#include "lib/fileutil.h"
#include "lib/log.h"

uint64_t common_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t common_wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One write per line (the workers, and utm-load appending to the same file). */
static void eve_line(void *ctx, const char *line)
{
	struct common *c = ctx;

	pthread_mutex_lock(&c->eve_lock);
	fprintf(c->eve, "%s\n", line);
	fflush(c->eve);
	pthread_mutex_unlock(&c->eve_lock);
}

static int rule_blocks(const struct rule *r, void *ctx)
{
	struct common *c = ctx;

	return engine_rule_blocks(&c->cfg, r);
}

/* The IP-only rules as two list files for utm-load (it reloads them when they change). */
static int write_ip_only(struct common *c)
{
	char in_path[PATH_MAX + 32], out_path[PATH_MAX + 32];
	struct iponly_lists l;

	if (iponly_render(c->rules.rs, rule_blocks, c, &l)) {
		log_err("IP-only rules: out of memory");
		return -1;
	}
	snprintf(in_path, sizeof(in_path), "%s/ips-inbound.list", c->o->ip_only_dir);
	snprintf(out_path, sizeof(out_path), "%s/ips-outbound.list", c->o->ip_only_dir);
	if (file_write_atomic(in_path, l.inbound, l.inbound_len) ||
	    file_write_atomic(out_path, l.outbound, l.outbound_len)) {
		log_err("writing %s: %s", in_path, strerror(errno));
		iponly_free(&l);
		return -1;
	}
	log_info("IP-only rules: %zu blocking rules, %zu addresses into %s and %s (%zu left "
		 "out: alert-only, or not one list against the office)",
		 l.rules, l.entries, in_path, out_path, l.skipped);
	iponly_free(&l);
	return 0;
}

/*
 * Application detection: the policy's names checked against nDPI once, so
 * that a typo stops utm-inspect at start with a suggestion, not a worker.
 */
static int apps_start(struct common *c, const struct opts *o)
{
	struct engine_apps *check;
	char why[512];

	if (!o->apps)
		return 0;
	c->cfg.apps = 1;
	c->cfg.app_names = (struct app_policy_names){
		.log_categories = o->log_app_categories,
		.n_log_categories = o->n_log_app_categories,
		.block_apps = o->block_apps,
		.n_block_apps = o->n_block_apps,
		.block_categories = o->block_app_categories,
		.n_block_categories = o->n_block_app_categories,
	};
	check = engine_apps_new(&c->cfg.app_names, why, sizeof(why));
	if (!check) {
		log_err("application detection: %s", why);
		return -1;
	}
	log_info("application detection: nDPI %s, %zu applications and %zu categories blocked, "
		 "%zu categories logged",
		 appid_ndpi_version(), o->n_block_apps, o->n_block_app_categories,
		 o->n_log_app_categories);
	engine_apps_free(check);
	return 0;
}

/*
 * The antivirus: the databases of --av-db compiled into an engine; the
 * files are kept whole up to --av-max-file, so the streams are reassembled
 * that far. Without a usable database the inspector runs without the
 * antivirus (the error names the file and libclamav's reason) rather than
 * not at all: the IPS and the web policy still protect.
 */
static int av_start(struct common *c, const struct opts *o)
{
	struct av_load_report rep;
	struct av_limits lim;
	struct av_engine *e;
	char why[1024];

	if (!o->av)
		return 0;
	av_limits_default(&lim);
	lim.max_filesize = o->av_max_file;
	if (lim.max_scansize < lim.max_filesize)
		lim.max_scansize = lim.max_filesize;
	e = av_engine_load(o->av_db, &lim, &rep, why, sizeof(why));
	if (!e) {
		log_err("antivirus off: %s", why);
		return 0;
	}
	c->av = av_holder_new(e);
	if (!c->av) {
		av_engine_put(e);
		log_err("antivirus: out of memory");
		return -1;
	}
	c->cfg.av = c->av;
	c->cfg.av_max_file = o->av_max_file;
	c->cfg.av_block_unscanned = o->av_block_unscanned;
	if (c->cfg.stream_depth < o->av_max_file + (1u << 20))
		c->cfg.stream_depth = o->av_max_file + (1u << 20);
	log_info("antivirus: %u signatures from %u databases in %s (%.0f ms), files up to %llu "
		 "bytes",
		 rep.signatures, rep.databases, o->av_db, rep.load_ms + rep.compile_ms,
		 (unsigned long long)o->av_max_file);
	return 0;
}

int common_start(struct common *c, const struct opts *o)
{
	char err[512];

	memset(c, 0, sizeof(*c));
	c->o = o;
	pthread_mutex_init(&c->eve_lock, NULL);
	c->eve = strcmp(o->eve, "-") ? fopen(o->eve, "ae") : stdout;
	if (!c->eve) {
		log_err("%s: %s", o->eve, strerror(errno));
		return -1;
	}
	/* Larger than any event line, so that each line is one write(2). */
	setvbuf(c->eve, NULL, _IOFBF, 65536);
	if (o->nrules && rules_load(&c->rules, o->rules, o->nrules, err, sizeof(err))) {
		log_err("%s", err);
		return -1;
	}
	c->cfg = (struct engine_cfg){
		.det = c->rules.det,
		.eve = eve_line,
		.eve_ctx = c,
		.max_frames = o->depth_packets,
		.lan_iface = o->lan[0] ? o->lan : "lan",
		.wan_iface = o->wan[0] ? o->wan : "wan",
		.drop_classes = o->drop_classes,
		.n_drop_classes = o->n_drop_classes,
		.drop_sids = o->drop_sids,
		.n_drop_sids = o->n_drop_sids,
	};
	if (web_start(&c->web, o, &c->cfg) || apps_start(c, o) || av_start(c, o))
		return -1;
	return o->ip_only_dir && c->rules.rs ? write_ip_only(c) : 0;
}

void common_reopen_eve(struct common *c)
{
	FILE *f;

	if (c->eve == stdout)
		return;
	f = fopen(c->o->eve, "ae");
	if (!f) {
		log_err("reopening %s: %s; still writing to the old file", c->o->eve,
			strerror(errno));
		return;
	}
	setvbuf(f, NULL, _IOFBF, 65536);
	/* Under the lock: a worker's line goes whole to one file or the other. */
	pthread_mutex_lock(&c->eve_lock);
	fclose(c->eve);
	c->eve = f;
	pthread_mutex_unlock(&c->eve_lock);
	log_info("event log %s reopened", c->o->eve);
}

void common_reload_av(struct common *c)
{
	struct av_load_report rep;
	struct av_limits lim;
	struct av_engine *e;
	char why[1024];

	if (!c->av)
		return;
	av_limits_default(&lim);
	lim.max_filesize = c->o->av_max_file;
	if (lim.max_scansize < lim.max_filesize)
		lim.max_scansize = lim.max_filesize;
	e = av_engine_load(c->o->av_db, &lim, &rep, why, sizeof(why));
	if (!e) {
		/* a bad update keeps the running engine */
		log_err("antivirus reload refused, the running databases stay: %s", why);
		return;
	}
	/* scans in progress finish on the old engine, freed after them */
	av_holder_swap(c->av, e);
	log_info("antivirus reloaded: %u signatures from %u databases in %s", rep.signatures,
		 rep.databases, c->o->av_db);
}

void common_stop(struct common *c)
{
	rules_free(&c->rules);
	web_stop(&c->web);
	av_holder_free(c->av);
	c->av = NULL;
	if (c->eve && c->eve != stdout)
		fclose(c->eve);
	c->eve = NULL;
	pthread_mutex_destroy(&c->eve_lock);
}
