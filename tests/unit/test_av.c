// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for inspect/av*.c, the libclamav engine: the starter database
 * (etc/clamav/), EICAR in a buffer and in a zip built here, clean buffers,
 * the limits reported as "not scanned, and why", a bad database named in the
 * error, and the engine swap under scans. With ../shared/data/clamav (or
 * $UTM_SHARED_DATA/clamav), ClamAV's unit-test signatures in every format are
 * loaded and its test files (XOR-obfuscated there) scanned.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/testutil.h"

#include <dirent.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "inspect/av.h"

#define EICAR	     "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
#define EICAR_MD5    "44d88612fea8a8f36de82e1278abb02f"
#define EICAR_SHA256 "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"
#define SWAP_STRING  "UTM-SWAP-TEST-STRING-0123456789"
#define XOR_KEY                                                                                    \
	"bhcftqarohcdiayfohalohkgmoefxrrgfnczssgybajvkzjaahpfrlqsratkhhfvpxytculmwgmtyzujlbjlgrht" \
	"wxhzpjazlibbwepffyjyfkjwzyofgpopoueurinpdujkphxwhnaxfkaiwrpzdqsnwughtejr"

/* ---- helpers ---- */

static void starter_dir(char *out, size_t len)
{
	assert_int_equal(repo_path(out, len, "etc/clamav"), 0);
}

static struct av_engine *load_ok(const char *dir, const struct av_limits *lim,
				 struct av_load_report *rep)
{
	struct av_limits def;
	struct av_engine *e;
	char why[1024] = "";

	if (!lim) {
		av_limits_default(&def);
		lim = &def;
	}
	e = av_engine_load(dir, lim, rep, why, sizeof(why));
	if (!e)
		fail_msg("%s: %s", dir, why);
	return e;
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void tmp_dir(char *out, size_t len)
{
	snprintf(out, len, "/tmp/utm-test-av.XXXXXX");
	assert_non_null(mkdtemp(out));
}

/* An .ndb body signature for a string, anywhere in any file. */
static void ndb_line(char *out, size_t len, const char *name, const char *s)
{
	size_t n = snprintf(out, len, "%s:0:*:", name), i;

	for (i = 0; s[i] && n + 3 < len; i++)
		n += snprintf(out + n, len - n, "%02x", (unsigned char)s[i]);
	snprintf(out + n, len - n, "\n");
}

static void put16(uint8_t **p, uint16_t v)
{
	(*p)[0] = v & 0xff;
	(*p)[1] = v >> 8;
	*p += 2;
}

static void put32(uint8_t **p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p, v >> 16);
}

struct zmember {
	const char *name;
	const uint8_t *data;
	size_t len;
};

/* A zip of stored (uncompressed) members, as PKZIP 1.0 wrote them. */
static uint8_t *zip_build(const struct zmember *m, int n, size_t *len)
{
	size_t cap = 22, i;
	uint32_t off[16], cd;
	uint8_t *buf, *p;

	assert_true(n <= 16);
	for (i = 0; i < (size_t)n; i++)
		cap += 30 + 46 + 2 * strlen(m[i].name) + m[i].len;
	buf = malloc(cap);
	assert_non_null(buf);
	p = buf;
	for (i = 0; i < (size_t)n; i++) {
		uint32_t crc = crc32(0, m[i].data, m[i].len);

		off[i] = p - buf;
		put32(&p, 0x04034b50);
		put16(&p, 10);
		put16(&p, 0);
		put16(&p, 0);
		put16(&p, 0);
		put16(&p, 0x21); /* 1980-01-01 */
		put32(&p, crc);
		put32(&p, m[i].len);
		put32(&p, m[i].len);
		put16(&p, strlen(m[i].name));
		put16(&p, 0);
		memcpy(p, m[i].name, strlen(m[i].name));
		p += strlen(m[i].name);
		memcpy(p, m[i].data, m[i].len);
		p += m[i].len;
	}
	cd = p - buf;
	for (i = 0; i < (size_t)n; i++) {
		put32(&p, 0x02014b50);
		put16(&p, 20);
		put16(&p, 10);
		put16(&p, 0);
		put16(&p, 0);
		put16(&p, 0);
		put16(&p, 0x21);
		put32(&p, crc32(0, m[i].data, m[i].len));
		put32(&p, m[i].len);
		put32(&p, m[i].len);
		put16(&p, strlen(m[i].name));
		put16(&p, 0);
		put16(&p, 0);
		put16(&p, 0);
		put16(&p, 0);
		put32(&p, 0);
		put32(&p, off[i]);
		memcpy(p, m[i].name, strlen(m[i].name));
		p += strlen(m[i].name);
	}
	put32(&p, 0x06054b50);
	put16(&p, 0);
	put16(&p, 0);
	put16(&p, n);
	put16(&p, n);
	put32(&p, (p - buf) - cd - 8);
	put32(&p, cd);
	put16(&p, 0);
	*len = p - buf;
	return buf;
}

static void scan(struct av_engine *e, const void *buf, size_t len, struct av_result *r)
{
	av_scan(e, buf, len, "test", r);
}

static void assert_infected(const struct av_result *r, const char *prefix)
{
	if (r->verdict != AV_INFECTED || strncmp(r->signature, prefix, strlen(prefix)) != 0)
		fail_msg("want %s..., got %s %s (%s)", prefix, av_verdict_str(r->verdict),
			 r->signature, r->detail);
}

/* ---- the starter database ---- */

static void test_starter_loads(void **state)
{
	struct av_load_report rep;
	struct av_engine *e;
	char dir[PATH_MAX];

	starter_dir(dir, sizeof(dir));
	e = load_ok(dir, NULL, &rep);
	assert_int_equal(rep.databases, 3);
	assert_int_equal(rep.signatures, 6);
	assert_int_equal(rep.skipped, 1); /* README.md */
	av_engine_put(e);
}

static void test_eicar_buffer(void **state)
{
	struct av_engine *e;
	struct av_result r;
	char dir[PATH_MAX], hex[65];

	starter_dir(dir, sizeof(dir));
	e = load_ok(dir, NULL, NULL);
	scan(e, EICAR, strlen(EICAR), &r);
	assert_infected(&r, "Eicar-Test-Signature");
	av_hex(hex, r.md5, sizeof(r.md5));
	assert_string_equal(hex, EICAR_MD5);
	av_hex(hex, r.sha256, sizeof(r.sha256));
	assert_string_equal(hex, EICAR_SHA256);
	av_engine_put(e);
}

static void test_eicar_in_zip(void **state)
{
	const char *readme = "Nothing to see here.\n";
	struct zmember m[] = {
		{"readme.txt", (const uint8_t *)readme, strlen(readme)},
		{"dir/eicar.com", (const uint8_t *)EICAR, strlen(EICAR)},
	};
	struct av_engine *e;
	struct av_result r;
	char dir[PATH_MAX];
	uint8_t *zip, *inner;
	size_t len, ilen;

	starter_dir(dir, sizeof(dir));
	e = load_ok(dir, NULL, NULL);
	zip = zip_build(m, 2, &len);
	scan(e, zip, len, &r);
	assert_infected(&r, "Eicar-Test-Signature");
	/* A zip in a zip. */
	inner = zip;
	ilen = len;
	{
		struct zmember outer = {"inner.zip", inner, ilen};

		zip = zip_build(&outer, 1, &len);
	}
	scan(e, zip, len, &r);
	assert_infected(&r, "Eicar-Test-Signature");
	free(zip);
	/* The clean member alone. */
	zip = zip_build(m, 1, &len);
	scan(e, zip, len, &r);
	assert_int_equal(r.verdict, AV_CLEAN);
	free(zip);
	free(inner);
	av_engine_put(e);
}

static void test_clean(void **state)
{
	static const char text[] = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\nhello, world\n";
	struct av_engine *e;
	struct av_result r;
	char dir[PATH_MAX], hex[65];
	uint8_t *big;

	starter_dir(dir, sizeof(dir));
	e = load_ok(dir, NULL, NULL);
	scan(e, text, sizeof(text) - 1, &r);
	assert_int_equal(r.verdict, AV_CLEAN);
	assert_int_equal(r.reason, AV_R_NONE);
	assert_string_equal(r.signature, "");
	/* Nothing at all: clean, with the hashes of nothing. */
	scan(e, NULL, 0, &r);
	assert_int_equal(r.verdict, AV_CLEAN);
	av_hex(hex, r.md5, sizeof(r.md5));
	assert_string_equal(hex, "d41d8cd98f00b204e9800998ecf8427e");
	/* EICAR not at the start of a file is no EICAR file. */
	big = calloc(1, 1 << 20);
	assert_non_null(big);
	memcpy(big + 12345, EICAR, strlen(EICAR));
	scan(e, big, 1 << 20, &r);
	assert_int_equal(r.verdict, AV_CLEAN);
	free(big);
	av_engine_put(e);
}

/* ---- limits ---- */

static void test_too_big(void **state)
{
	struct av_limits lim;
	struct av_engine *e;
	struct av_result r;
	char dir[PATH_MAX];
	uint8_t *buf;

	starter_dir(dir, sizeof(dir));
	av_limits_default(&lim);
	lim.max_filesize = 4096;
	e = load_ok(dir, &lim, NULL);
	buf = calloc(1, 8192);
	assert_non_null(buf);
	memcpy(buf, EICAR, strlen(EICAR));
	scan(e, buf, 8192, &r);
	assert_int_equal(r.verdict, AV_NOT_SCANNED);
	assert_int_equal(r.reason, AV_R_FILESIZE);
	assert_non_null(strstr(r.detail, "size limit"));
	assert_string_equal(av_reason_str(r.reason), "max filesize");
	/* Hashes even so: the fileinfo event names the file. */
	assert_int_not_equal(r.sha256[0] | r.sha256[1] | r.sha256[2], 0);
	/* At the limit: scanned. */
	scan(e, buf, 4096, &r);
	assert_infected(&r, "Eicar-Test-Signature");
	free(buf);
	av_engine_put(e);
}

static void test_limits_in_archives(void **state)
{
	static const char a[] = "first member\n", b[] = "second member\n";
	struct zmember m[] = {
		{"a.txt", (const uint8_t *)a, sizeof(a) - 1},
		{"b.txt", (const uint8_t *)b, sizeof(b) - 1},
		{"eicar.com", (const uint8_t *)EICAR, strlen(EICAR)},
	};
	struct av_limits lim;
	struct av_engine *e;
	struct av_result r;
	char dir[PATH_MAX];
	uint8_t *zip, *z2, *z3;
	size_t len, l2, l3;

	starter_dir(dir, sizeof(dir));
	/* More members than max_files: what was skipped is said. */
	av_limits_default(&lim);
	lim.max_files = 1;
	e = load_ok(dir, &lim, NULL);
	zip = zip_build(m, 3, &len);
	scan(e, zip, len, &r);
	assert_int_equal(r.verdict, AV_NOT_SCANNED);
	assert_int_equal(r.reason, AV_R_FILES);
	av_engine_put(e);

	/* Nested deeper than max_recursion. */
	av_limits_default(&lim);
	lim.max_recursion = 2;
	e = load_ok(dir, &lim, NULL);
	{
		struct zmember i2 = {"l2.zip", zip, len};
		struct zmember i3;

		z2 = zip_build(&i2, 1, &l2);
		i3 = (struct zmember){"l3.zip", z2, l2};
		z3 = zip_build(&i3, 1, &l3);
	}
	scan(e, z3, l3, &r);
	assert_int_equal(r.verdict, AV_NOT_SCANNED);
	assert_int_equal(r.reason, AV_R_RECURSION);
	/* A match in what was scanned wins over a limit. */
	{
		struct zmember both[] = {
			{"eicar.com", (const uint8_t *)EICAR, strlen(EICAR)},
			{"deep.zip", z3, l3},
		};
		uint8_t *zb;
		size_t lb;

		zb = zip_build(both, 2, &lb);
		scan(e, zb, lb, &r);
		assert_infected(&r, "Eicar-Test-Signature");
		free(zb);
	}
	free(z2);
	free(z3);
	free(zip);
	av_engine_put(e);
}

/* ---- database errors ---- */

static void test_bad_database(void **state)
{
	struct av_limits lim;
	char dir[PATH_MAX], why[1024];

	av_limits_default(&lim);
	tmp_dir(dir, sizeof(dir));
	write_file(dir, "good.hdb", "44d88612fea8a8f36de82e1278abb02f:68:Good\n");
	write_file(dir, "broken.ndb", "Bad-Signature:0:*:this is not hex\n");
	assert_null(av_engine_load(dir, &lim, NULL, why, sizeof(why)));
	print_message("error: %s\n", why);
	assert_non_null(strstr(why, "/broken.ndb: "));
	assert_non_null(strstr(why, "Malformed database"));
	assert_non_null(strstr(why, "line 1"));
	rm_tree(dir);

	/* No database at all. */
	tmp_dir(dir, sizeof(dir));
	write_file(dir, "notes.txt", "not a database\n");
	assert_null(av_engine_load(dir, &lim, NULL, why, sizeof(why)));
	assert_non_null(strstr(why, "no ClamAV database"));
	rm_tree(dir);

	/* No directory. */
	assert_null(av_engine_load("/nonexistent/clamav", &lim, NULL, why, sizeof(why)));
	assert_non_null(strstr(why, "/nonexistent/clamav: No such file"));
}

/* ---- the swap ---- */

struct scanner {
	struct av_holder *h;
	volatile int *stop;
	unsigned long scans, eicar_found;
};

static void *scan_loop(void *arg)
{
	struct scanner *s = arg;

	while (!*s->stop) {
		struct av_engine *e = av_holder_get(s->h);
		struct av_result r;

		av_scan(e, (const uint8_t *)EICAR, strlen(EICAR), NULL, &r);
		s->eicar_found += r.verdict == AV_INFECTED;
		s->scans++;
		av_engine_put(e);
	}
	return NULL;
}

static void test_swap(void **state)
{
	char starter[PATH_MAX], dir[PATH_MAX], line[256];
	struct av_engine *a, *b, *held, *cur;
	unsigned int base = av_engines_alive();
	struct scanner s[2];
	volatile int stop = 0;
	struct av_holder *h;
	struct av_result r;
	pthread_t t[2];
	int i;

	starter_dir(starter, sizeof(starter));
	tmp_dir(dir, sizeof(dir));
	/* B knows EICAR (by hash) and a string A does not know. */
	ndb_line(line, sizeof(line), "Utm-Swap-Test", SWAP_STRING);
	write_file(dir, "swap.ndb", line);
	write_file(dir, "eicar.hdb", "44d88612fea8a8f36de82e1278abb02f:68:Eicar-B\n");

	a = load_ok(starter, NULL, NULL);
	h = av_holder_new(a);
	assert_non_null(h);
	held = av_holder_get(h); /* a scan in progress on A */
	b = load_ok(dir, NULL, NULL);
	assert_int_equal(av_engines_alive(), base + 2);
	av_holder_swap(h, b);
	/* A lives on for the scan that holds it... */
	assert_int_equal(av_engines_alive(), base + 2);
	scan(held, EICAR, strlen(EICAR), &r);
	assert_infected(&r, "Eicar-Test-Signature");
	scan(held, SWAP_STRING, strlen(SWAP_STRING), &r);
	assert_int_equal(r.verdict, AV_CLEAN);
	/* ...while new scans get B. */
	cur = av_holder_get(h);
	assert_ptr_equal(cur, b);
	scan(cur, SWAP_STRING, strlen(SWAP_STRING), &r);
	assert_infected(&r, "Utm-Swap-Test");
	scan(cur, EICAR, strlen(EICAR), &r);
	assert_infected(&r, "Eicar-B");
	av_engine_put(cur);
	/* The last scan of A ends: A is freed. */
	av_engine_put(held);
	assert_int_equal(av_engines_alive(), base + 1);

	/* Scans on two threads while engines are swapped under them. */
	for (i = 0; i < 2; i++) {
		s[i] = (struct scanner){.h = h, .stop = &stop};
		assert_int_equal(pthread_create(&t[i], NULL, scan_loop, &s[i]), 0);
	}
	for (i = 0; i < 6; i++)
		av_holder_swap(h, load_ok(i % 2 ? dir : starter, NULL, NULL));
	stop = 1;
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		assert_true(s[i].scans > 0);
		assert_int_equal(s[i].eicar_found, s[i].scans);
	}
	print_message("swap: %lu + %lu scans during 6 swaps\n", s[0].scans, s[1].scans);
	assert_int_equal(av_engines_alive(), base + 1);
	av_holder_free(h);
	assert_int_equal(av_engines_alive(), base);
	rm_tree(dir);
}

/* ---- ClamAV's own test signatures and files ---- */

static int shared_clamav(char *out, size_t len)
{
	const char *env = getenv("UTM_SHARED_DATA");
	char base[PATH_MAX];

	if (env)
		snprintf(base, sizeof(base), "%s", env);
	else if (repo_path(base, sizeof(base), "../shared/data") != 0)
		return -1;
	snprintf(out, len, "%s/clamav", base);
	return access(out, R_OK) == 0 ? 0 : -1;
}

static const char *const sig_exts[] = {".hdb", ".hsb", ".mdb", ".msb", ".ndb",
				       ".ldb", ".idb", ".imp", ".cbc", ".crb",
				       ".gdb", ".pdb", ".wdb", ".yar", ".cvd"};
static char link_dir[PATH_MAX];
static unsigned int linked;

static int link_sig(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	const char *name = path + ftw->base, *dot = strrchr(name, '.');
	char dst[PATH_MAX];
	size_t i;

	if (flag != FTW_F || !dot)
		return 0;
	for (i = 0; i < sizeof(sig_exts) / sizeof(sig_exts[0]); i++) {
		if (strcmp(dot, sig_exts[i]) == 0) {
			snprintf(dst, sizeof(dst), "%s/%s", link_dir, name);
			assert_int_equal(symlink(path, dst), 0);
			linked++;
		}
	}
	return 0;
}

static uint8_t *xor_file(const char *path, size_t *len)
{
	static const char key[] = XOR_KEY;
	uint8_t *buf = (uint8_t *)read_file(path, len);
	size_t i;

	assert_non_null(buf);
	for (i = 0; i < *len; i++)
		buf[i] ^= key[i % (sizeof(key) - 1)];
	return buf;
}

static void test_clamav_unit_sigs(void **state)
{
	static const char *const files[] = {
		"clam.exe", "clam.zip",	 "clam.7z",	  "clam.tar.gz",
		"clam.pdf", "clam.mail", "clam.exe.html", "clam.exe.mbox.base64"};
	char data[PATH_MAX], path[PATH_MAX], rel[PATH_MAX];
	struct av_load_report rep;
	struct av_engine *e;
	struct av_result r;
	size_t i, len;

	if (shared_clamav(rel, sizeof(rel)) != 0 || !realpath(rel, data)) {
		print_message("SKIP ClamAV unit-test signatures: no shared data (../shared/data "
			      "from the repo root, or set UTM_SHARED_DATA)\n");
		return;
	}
	/* Every database of ClamAV's unit tests in one engine, all formats at once. */
	tmp_dir(link_dir, sizeof(link_dir));
	linked = 0;
	snprintf(path, sizeof(path), "%s/unit-test-sigs", data);
	assert_int_equal(nftw(path, link_sig, 16, FTW_PHYS), 0);
	e = load_ok(link_dir, NULL, &rep);
	print_message("unit-test-sigs: %u databases, %u signatures (%u files linked)\n",
		      rep.databases, rep.signatures, linked);
	assert_int_equal(rep.databases, linked);
	assert_true(rep.signatures > 300);

	/* clam.exe, bare and in every container ClamAV's tests put it in. */
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		uint8_t *buf;

		snprintf(path, sizeof(path), "%s/scanfiles-xor/%s.xor", data, files[i]);
		buf = xor_file(path, &len);
		av_scan(e, buf, len, files[i], &r);
		print_message("  %s: %s %s\n", files[i], av_verdict_str(r.verdict), r.signature);
		/* clamav.hdb's ClamAV-Test-File, or the test CVDs' Clamav.Test.File-N. */
		assert_int_equal(r.verdict, AV_INFECTED);
		assert_true(strcasestr(r.signature, "Test-File") ||
			    strcasestr(r.signature, "Test.File"));
		free(buf);
	}
	scan(e, "CLAMAV-TEST-STRING-NOT-EICAR xx", 31, &r);
	assert_infected(&r, "NDB.Clamav-Unit-Test-Signature");
	scan(e, "nothing here", 12, &r);
	assert_int_equal(r.verdict, AV_CLEAN);
	av_engine_put(e);
	rm_tree(link_dir);

	/* The real EICAR file with the starter database; LMD's 2012 databases load. */
	snprintf(path, sizeof(path), "%s/eicar/eicar.com.txt", data);
	{
		uint8_t *buf = (uint8_t *)read_file(path, &len);
		char dir[PATH_MAX];

		assert_non_null(buf);
		starter_dir(dir, sizeof(dir));
		e = load_ok(dir, NULL, NULL);
		av_scan(e, buf, len, "eicar.com.txt", &r);
		assert_infected(&r, "Eicar-Test-Signature");
		av_engine_put(e);
		free(buf);
	}
	snprintf(path, sizeof(path), "%s/lmd-rfxn", data);
	e = load_ok(path, NULL, &rep);
	print_message("lmd-rfxn: %u signatures\n", rep.signatures);
	assert_true(rep.signatures > 8000);
	av_engine_put(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_starter_loads),	 cmocka_unit_test(test_eicar_buffer),
		cmocka_unit_test(test_eicar_in_zip),	 cmocka_unit_test(test_clean),
		cmocka_unit_test(test_too_big),		 cmocka_unit_test(test_limits_in_archives),
		cmocka_unit_test(test_bad_database),	 cmocka_unit_test(test_swap),
		cmocka_unit_test(test_clamav_unit_sigs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
