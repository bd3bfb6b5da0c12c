// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-catbench DIR QUERIES: the web category database's side of
 * bench/categories.sh. Loads the UT1 tree DIR (ut1_load_dir), then looks up
 * every host name of QUERIES (one a line) with catdb_lookup_host, as many
 * rounds as fit in about a second, and prints "key=value" lines: load time,
 * catdb_memory, the process's RSS growth over the load, lookups per second
 * and the hits (per category too, to compare with the reference).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/catdb.h"
#include "lib/fileutil.h"
#include "lib/ut1.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* VmRSS of this process in kB (what the load adds is the database's real cost). */
static long rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

struct query {
	const char *s;
	size_t n;
};

static struct query *split_lines(char *buf, size_t len, size_t *nq)
{
	struct query *q = NULL;
	size_t n = 0, cap = 0, i = 0, start;

	while (i < len) {
		start = i;
		while (i < len && buf[i] != '\n')
			i++;
		if (i > start) {
			if (n == cap) {
				struct query *nqv;

				cap = cap ? cap * 2 : 1 << 16;
				nqv = realloc(q, cap * sizeof(*q));
				if (!nqv) {
					free(q);
					return NULL;
				}
				q = nqv;
			}
			q[n].s = buf + start;
			q[n++].n = i - start;
		}
		i++;
	}
	*nq = n;
	return q;
}

int main(int argc, char **argv)
{
	unsigned long hits[CATDB_MAX_CATS] = {0}, total = 0, rounds = 0, nhits = 0;
	struct ut1_report rep;
	struct catdb_stats st;
	struct query *q;
	struct catdb *db;
	double t0, load_s, look_s;
	long rss0, rss1;
	char err[512], *buf;
	size_t len, nq, i;
	unsigned int c;
	int cat;

	if (argc != 3) {
		fprintf(stderr, "usage: utm-catbench UT1_DIR QUERIES\n");
		return 2;
	}
	buf = file_read_all(argv[2], &len);
	if (!buf) {
		perror(argv[2]);
		return 1;
	}
	q = split_lines(buf, len, &nq);
	if (!q || !nq) {
		fprintf(stderr, "utm-catbench: %s: no queries\n", argv[2]);
		return 1;
	}

	rss0 = rss_kb();
	t0 = now();
	db = catdb_new();
	if (!db || ut1_load_dir(db, argv[1], &rep, err, sizeof(err))) {
		fprintf(stderr, "utm-catbench: %s\n", db ? err : "out of memory");
		return 1;
	}
	load_s = now() - t0;
	rss1 = rss_kb();
	catdb_get_stats(db, &st);

	/* Whole rounds over the queries until a second has passed. */
	t0 = now();
	do {
		for (i = 0; i < nq; i++) {
			cat = catdb_lookup_host(db, q[i].s, q[i].n);
			if (rounds == 0 && cat >= 0) {
				hits[cat]++;
				nhits++;
			}
		}
		total += nq;
		rounds++;
		look_s = now() - t0;
	} while (look_s < 1.0);

	printf("entries=%lu\n", st.domains);
	printf("lines=%lu\n", rep.domains);
	printf("bad=%lu\n", rep.bad);
	printf("categories=%u\n", st.categories);
	printf("load_s=%.3f\n", load_s);
	printf("catdb_bytes=%zu\n", catdb_memory(db));
	printf("rss_delta_kb=%ld\n", rss1 - rss0);
	printf("queries=%zu\n", nq);
	printf("lookups=%lu\n", total);
	printf("lookup_s=%.3f\n", look_s);
	printf("lookups_per_s=%.0f\n", (double)total / look_s);
	printf("hits=%lu\n", nhits);
	for (c = 0; c < st.categories; c++)
		printf("hits_%s=%lu\n", catdb_category(db, (int)c)->name, hits[c]);
	ut1_report_free(&rep);
	catdb_free(db);
	free(q);
	free(buf);
	return 0;
}
