// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-avscan: scan files with the inspector's antivirus engine and limits
 * (inspect/av.h), for users who want to know what the box would say about a
 * file, and for bench/av.sh. Output and exit status as clamscan's:
 *
 *     utm-avscan [--db DIR] [--quiet] FILE...
 *
 *     FILE: OK | FILE: SIGNATURE FOUND | FILE: not scanned (REASON)
 *
 * Exit 1 when something is infected, else 2 when something could not be
 * read or scanned, else 0. Files over the size limit are not read whole.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "inspect/av.h"
#include "lib/fileutil.h"

struct totals {
	unsigned long files, infected, not_scanned, errors;
	unsigned long long bytes;
	double scan_s;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: utm-avscan [--db DIR] [--quiet] FILE...\n"
		   "  --db DIR   ClamAV databases (default " AV_DEFAULT_DB_DIR ")\n"
		   "  --quiet    print only infected files and errors\n");
}

static void scan_one(struct av_engine *e, const char *path, int quiet, struct totals *t)
{
	const struct av_limits *lim = av_engine_limits(e);
	struct av_result r;
	struct stat st;
	uint8_t *buf;
	size_t len;
	double t0;

	if (stat(path, &st) != 0) {
		printf("%s: not scanned (%s)\n", path, strerror(errno));
		t->errors++;
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		printf("%s: not scanned (not a regular file)\n", path);
		t->errors++;
		return;
	}
	/* A file over the limit is judged by its size, as the inspector judges a download. */
	if (lim->max_filesize && (uint64_t)st.st_size > lim->max_filesize) {
		printf("%s: not scanned (file over the size limit, %llu bytes)\n", path,
		       (unsigned long long)lim->max_filesize);
		t->files++;
		t->not_scanned++;
		return;
	}
	buf = (uint8_t *)file_read_all(path, &len);
	if (!buf) {
		printf("%s: not scanned (%s)\n", path, strerror(errno));
		t->errors++;
		return;
	}
	t0 = now();
	av_scan(e, buf, len, path, &r);
	t->scan_s += now() - t0;
	free(buf);
	t->files++;
	t->bytes += len;
	switch (r.verdict) {
	case AV_CLEAN:
		if (!quiet)
			printf("%s: OK\n", path);
		break;
	case AV_INFECTED:
		printf("%s: %s FOUND\n", path, r.signature);
		t->infected++;
		break;
	case AV_NOT_SCANNED:
		printf("%s: not scanned (%s)\n", path, r.detail);
		t->not_scanned++;
		if (r.reason == AV_R_ERROR)
			t->errors++;
		break;
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *db = AV_DEFAULT_DB_DIR;
	struct av_load_report rep;
	struct totals t = {0};
	struct av_limits lim;
	struct av_engine *e;
	char why[1024];
	int c, quiet = 0, i;

	while ((c = getopt_long(argc, argv, "d:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	av_limits_default(&lim);
	e = av_engine_load(db, &lim, &rep, why, sizeof(why));
	if (!e) {
		fprintf(stderr, "utm-avscan: %s\n", why);
		return 2;
	}
	for (i = optind; i < argc; i++)
		scan_one(e, argv[i], quiet, &t);
	av_engine_put(e);

	printf("\n----------- SCAN SUMMARY -----------\n");
	printf("Known viruses: %u\n", rep.signatures);
	printf("Databases: %u (%s)\n", rep.databases, db);
	printf("Scanned files: %lu\n", t.files - t.not_scanned);
	printf("Infected files: %lu\n", t.infected);
	printf("Not scanned: %lu\n", t.not_scanned);
	printf("Errors: %lu\n", t.errors);
	printf("Data scanned: %.2f MB\n", t.bytes / 1e6);
	printf("Load time: %.3f s (compile %.3f s)\n", (rep.load_ms + rep.compile_ms) / 1e3,
	       rep.compile_ms / 1e3);
	printf("Scan time: %.3f s (%.1f MB/s)\n", t.scan_s,
	       t.scan_s > 0 ? t.bytes / 1e6 / t.scan_s : 0.0);
	if (t.infected)
		return 1;
	return t.errors ? 2 : 0;
}
