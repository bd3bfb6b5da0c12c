// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Scanning one buffer with a compiled engine. libclamav skips what is over
 * its limits and still says "clean"; with the exceeds-max heuristic on it
 * names the limit instead (Heuristics.Limits.Exceeded.*), and only when no
 * real signature matched, which is how a verdict can say "not scanned, and
 * why" without hiding malware found in the part that was scanned.
 */
#include <clamav.h>
#include <stdio.h>
#include <string.h>

#include "inspect/av_priv.h"

#define LIMIT_PREFIX "Heuristics.Limits.Exceeded."

static const struct {
	const char *name; /* after LIMIT_PREFIX */
	enum av_reason reason;
	const char *text;
} limit_names[] = {
	{"MaxFileSize", AV_R_FILESIZE, "a member is over the file size limit"},
	{"MaxScanSize", AV_R_SCANSIZE, "scan size limit reached"},
	{"MaxScanTime", AV_R_SCANTIME, "scan time limit reached"},
	{"MaxRecursion", AV_R_RECURSION, "archives nested too deep"},
	{"MaxFiles", AV_R_FILES, "too many archive members"},
};

const char *av_verdict_str(enum av_verdict v)
{
	switch (v) {
	case AV_CLEAN:
		return "clean";
	case AV_INFECTED:
		return "infected";
	case AV_NOT_SCANNED:
		return "not scanned";
	}
	return "?";
}

const char *av_reason_str(enum av_reason r)
{
	switch (r) {
	case AV_R_NONE:
		return "none";
	case AV_R_FILESIZE:
		return "max filesize";
	case AV_R_SCANSIZE:
		return "max scansize";
	case AV_R_SCANTIME:
		return "max scantime";
	case AV_R_RECURSION:
		return "max recursion";
	case AV_R_FILES:
		return "max files";
	case AV_R_ERROR:
		return "error";
	}
	return "?";
}

void av_hex(char *out, const uint8_t *bytes, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * n] = '\0';
}

static void not_scanned(struct av_result *out, enum av_reason r, const char *fmt, const char *arg)
{
	out->verdict = AV_NOT_SCANNED;
	out->reason = r;
	snprintf(out->detail, sizeof(out->detail), fmt, arg);
}

static void hashes(const uint8_t *buf, size_t len, struct av_result *out)
{
	unsigned int olen = sizeof(out->md5);

	/* cl_hash_data takes no NULL buffer, even for no bytes. */
	if (!buf)
		buf = (const uint8_t *)"";
	cl_hash_data("md5", buf, len, out->md5, &olen);
	olen = sizeof(out->sha256);
	cl_hash_data("sha256", buf, len, out->sha256, &olen);
}

/* A match's name: a real signature, or one of the limits in disguise. */
static void virus(struct av_result *out, const char *name)
{
	size_t i, p = strlen(LIMIT_PREFIX);

	if (strncmp(name, LIMIT_PREFIX, p) == 0) {
		for (i = 0; i < sizeof(limit_names) / sizeof(limit_names[0]); i++) {
			if (strcmp(name + p, limit_names[i].name) == 0) {
				not_scanned(out, limit_names[i].reason, "%s", limit_names[i].text);
				return;
			}
		}
	}
	out->verdict = AV_INFECTED;
	snprintf(out->signature, sizeof(out->signature), "%s", name);
}

static void error(struct av_result *out, cl_error_t r)
{
	switch (r) {
	case CL_ETIMEOUT:
		not_scanned(out, AV_R_SCANTIME, "%s", "scan time limit reached");
		break;
	case CL_EMAXSIZE:
		not_scanned(out, AV_R_SCANSIZE, "%s", "scan size limit reached");
		break;
	case CL_EMAXREC:
		not_scanned(out, AV_R_RECURSION, "%s", "archives nested too deep");
		break;
	case CL_EMAXFILES:
		not_scanned(out, AV_R_FILES, "%s", "too many archive members");
		break;
	default:
		not_scanned(out, AV_R_ERROR, "libclamav: %s", cl_strerror(r));
	}
}

int av_scan(struct av_engine *e, const uint8_t *buf, size_t len, const char *name,
	    struct av_result *out)
{
	struct cl_scan_options opts = {
		/* Every format libclamav unpacks, as clamscan does by default. */
		.parse = ~0U,
		/*
		 * Heuristic alerts (broken executables, phishing, encrypted
		 * archives) are off: a false alarm costs a small office its
		 * mail; the limits' names only tell what was not scanned.
		 */
		.heuristic = CL_SCAN_HEURISTIC_EXCEEDS_MAX,
	};
	const char *virname = NULL;
	unsigned long scanned = 0;
	cl_fmap_t *map;
	cl_error_t r;

	memset(out, 0, sizeof(*out));
	hashes(buf, len, out);
	if (e->lim.max_filesize && len > e->lim.max_filesize) {
		char size[32];

		snprintf(size, sizeof(size), "%llu", (unsigned long long)e->lim.max_filesize);
		not_scanned(out, AV_R_FILESIZE, "file over the size limit (%s bytes)", size);
		return 0;
	}
	if (len == 0) {
		out->verdict = AV_CLEAN;
		return 0;
	}
	map = cl_fmap_open_memory(buf, len);
	if (!map) {
		not_scanned(out, AV_R_ERROR, "%s", "libclamav: cannot map the buffer");
		return -1;
	}
	r = cl_scanmap_callback(map, name, &virname, &scanned, e->cl, &opts, NULL);
	cl_fmap_close(map);
	out->scanned = (uint64_t)scanned * CL_COUNT_PRECISION;
	if (r == CL_VIRUS)
		virus(out, virname ? virname : "unknown");
	else if (r == CL_CLEAN)
		out->verdict = AV_CLEAN;
	else
		error(out, r);
	return out->verdict == AV_NOT_SCANNED && out->reason == AV_R_ERROR ? -1 : 0;
}
