// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Loading a directory of ClamAV databases into one compiled engine. Each file
 * is given to cl_load on its own, not the directory at once, so that an error
 * names the file at fault; libclamav's own explanation reaches us only
 * through its message callback, which a thread-local buffer captures while
 * this thread loads.
 */
#include <clamav.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inspect/av_priv.h"
#include "lib/log.h"

#define MAX_DB_FILES 4096

/* The extensions libclamav 1.4's cli_loaddbdir takes (CLI_DBEXT). */
static const char *const db_exts[] = {
	".cvd",	 ".cld",  ".cud", ".hdb", ".hdu", ".hsb", ".hsu", ".mdb",  ".mdu", ".msb",
	".msu",	 ".ndb",  ".ndu", ".ldb", ".ldu", ".idb", ".cdb", ".fp",   ".sfp", ".ign",
	".ign2", ".pdb",  ".gdb", ".wdb", ".ftm", ".crb", ".cat", ".imp",  ".ioc", ".pwdb",
	".yar",	 ".yara", ".cbc", ".db",  ".sdb", ".zmd", ".rmd", ".info", ".cfg",
};

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;
static int lib_ret;

/* Set while this thread loads: libclamav's warnings and errors go there. */
static __thread char *capture;
static __thread size_t capture_len;

static void msg_cb(enum cl_msg severity, const char *fullmsg, const char *msg, void *ctx)
{
	size_t used;
	int n = (int)strcspn(msg, "\n");

	if (severity < CL_MSG_WARN)
		return;
	if (!capture) {
		/* Scans: a damaged archive is no reason to flood the log with warnings. */
		if (severity >= CL_MSG_ERROR)
			log_warn("libclamav: %.*s", n, msg);
		return;
	}
	/* "Can't load FILE: ..." repeats what the caller says already. */
	if (strncmp(msg, "Can't load ", 11) == 0)
		return;
	/* Every message, in order: the first says what, the next where (the line). */
	used = strlen(capture);
	if (used + 3 < capture_len)
		snprintf(capture + used, capture_len - used, "%s%.*s", used ? "; " : "", n, msg);
}

static void lib_init_once(void)
{
	cl_set_clcb_msg(msg_cb);
	lib_ret = cl_init(CL_INIT_DEFAULT);
}

int av_lib_init(char *why, size_t whylen)
{
	pthread_once(&lib_once, lib_init_once);
	if (lib_ret != CL_SUCCESS) {
		snprintf(why, whylen, "cl_init: %s", cl_strerror(lib_ret));
		return -1;
	}
	return 0;
}

void av_limits_default(struct av_limits *lim)
{
	/*
	 * The inspector holds a file's last packet until the verdict: scans
	 * must stay short. Larger files than these are rarely malware
	 * droppers, and the event says they were not scanned.
	 */
	lim->max_filesize = 32ULL << 20;
	lim->max_scansize = 128ULL << 20;
	lim->max_scantime_ms = 5000;
	lim->max_recursion = 16;
	lim->max_files = 1000;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1e3 + (t.tv_nsec - t0->tv_nsec) / 1e6;
}

static int is_db(const char *name)
{
	size_t n = strlen(name), i;

	if (name[0] == '.')
		return 0;
	for (i = 0; i < sizeof(db_exts) / sizeof(db_exts[0]); i++) {
		size_t e = strlen(db_exts[i]);

		if (n > e && strcmp(name + n - e, db_exts[i]) == 0)
			return 1;
	}
	return 0;
}

static int is_ign(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot && (strcmp(dot, ".ign") == 0 || strcmp(dot, ".ign2") == 0);
}

/* Ignore lists first (they only act on signatures loaded after them), then by name. */
static int db_order(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int d = is_ign(y) - is_ign(x);

	return d ? d : strcmp(x, y);
}

/* name.cvd when name.cld is there too: freshclam's incremental copy wins. */
static int superseded(char **names, size_t n, const char *name)
{
	size_t len = strlen(name), i;

	if (len < 4 || strcmp(name + len - 4, ".cvd") != 0)
		return 0;
	for (i = 0; i < n; i++)
		if (strlen(names[i]) == len && strncmp(names[i], name, len - 4) == 0 &&
		    strcmp(names[i] + len - 4, ".cld") == 0)
			return 1;
	return 0;
}

static int set_limits(struct cl_engine *cl, const struct av_limits *lim, char *why, size_t whylen)
{
	const struct {
		enum cl_engine_field f;
		unsigned long long v;
	} set[] = {
		{CL_ENGINE_MAX_FILESIZE, lim->max_filesize},
		{CL_ENGINE_MAX_SCANSIZE, lim->max_scansize},
		{CL_ENGINE_MAX_SCANTIME, lim->max_scantime_ms},
		{CL_ENGINE_MAX_RECURSION, lim->max_recursion},
		{CL_ENGINE_MAX_FILES, lim->max_files},
	};
	size_t i;

	for (i = 0; i < sizeof(set) / sizeof(set[0]); i++) {
		int r;

		if (!set[i].v)
			continue;
		r = cl_engine_set_num(cl, set[i].f, (long long)set[i].v);
		if (r != CL_SUCCESS) {
			snprintf(why, whylen, "cl_engine_set_num(%d, %llu): %s", set[i].f, set[i].v,
				 cl_strerror(r));
			return -1;
		}
	}
	return 0;
}

static int list_dbs(const char *dir, char ***out, size_t *n, unsigned int *skipped, char *why,
		    size_t whylen)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;

	*n = 0;
	if (!d) {
		snprintf(why, whylen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	names = calloc(MAX_DB_FILES, sizeof(*names));
	if (!names) {
		closedir(d);
		snprintf(why, whylen, "%s: out of memory", dir);
		return -1;
	}
	while ((de = readdir(d))) {
		if (de->d_type != DT_REG && de->d_type != DT_LNK && de->d_type != DT_UNKNOWN)
			continue;
		if (!is_db(de->d_name)) {
			if (de->d_name[0] != '.')
				(*skipped)++;
			continue;
		}
		if (*n == MAX_DB_FILES) {
			snprintf(why, whylen, "%s: more than %d databases", dir, MAX_DB_FILES);
			goto fail;
		}
		names[*n] = strdup(de->d_name);
		if (!names[*n]) {
			snprintf(why, whylen, "%s: out of memory", dir);
			goto fail;
		}
		(*n)++;
	}
	closedir(d);
	qsort(names, *n, sizeof(*names), db_order);
	*out = names;
	return 0;
fail:
	closedir(d);
	while (*n)
		free(names[--(*n)]);
	free(names);
	return -1;
}

static int load_files(struct cl_engine *cl, const char *dir, struct av_load_report *rep, char *why,
		      size_t whylen)
{
	char **names = NULL, path[4096], msg[512];
	size_t n, i;
	int ret = 0;

	if (list_dbs(dir, &names, &n, &rep->skipped, why, whylen))
		return -1;
	if (n == 0) {
		snprintf(why, whylen, "%s: no ClamAV database in the directory", dir);
		ret = -1;
	}
	for (i = 0; i < n && !ret; i++) {
		unsigned int sigs = 0;
		int r;

		if (superseded(names, n, names[i]))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		msg[0] = '\0';
		capture = msg;
		capture_len = sizeof(msg);
		r = cl_load(path, cl, &sigs, CL_DB_STDOPT);
		capture = NULL;
		if (r != CL_SUCCESS) {
			snprintf(why, whylen, "%s: %s%s%s", path, cl_strerror(r),
				 msg[0] ? ": " : "", msg);
			ret = -1;
			break;
		}
		rep->signatures += sigs;
		rep->databases++;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret;
}

struct av_engine *av_engine_load(const char *dir, const struct av_limits *lim,
				 struct av_load_report *rep, char *why, size_t whylen)
{
	struct av_load_report local;
	struct av_engine *e;
	struct timespec t0;
	char msg[512] = "";
	int r;

	if (!rep)
		rep = &local;
	memset(rep, 0, sizeof(*rep));
	if (av_lib_init(why, whylen))
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e || !(e->cl = cl_engine_new())) {
		snprintf(why, whylen, "%s: out of memory", dir);
		free(e);
		return NULL;
	}
	e->lim = *lim;
	atomic_init(&e->refs, 1);
	if (set_limits(e->cl, lim, why, whylen))
		goto fail;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (load_files(e->cl, dir, rep, why, whylen))
		goto fail;
	rep->load_ms = ms_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	capture = msg;
	capture_len = sizeof(msg);
	r = cl_engine_compile(e->cl);
	capture = NULL;
	if (r != CL_SUCCESS) {
		snprintf(why, whylen, "%s: compiling the signatures: %s%s%s", dir, cl_strerror(r),
			 msg[0] ? ": " : "", msg);
		goto fail;
	}
	rep->compile_ms = ms_since(&t0);
	atomic_fetch_add(&av_alive, 1);
	return e;
fail:
	cl_engine_free(e->cl);
	free(e);
	return NULL;
}

const struct av_limits *av_engine_limits(const struct av_engine *e)
{
	return &e->lim;
}
