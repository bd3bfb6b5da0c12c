/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Antivirus: the project's only interface to libclamav. An engine is every
 * signature database of one directory, compiled once and then scanned by
 * any number of threads at the same time. A reload builds a new engine in
 * the caller's thread and swaps it into an av_holder: scans in progress
 * keep the engine they started with, which is freed when the last of them
 * ends, so a reload never pauses scanning.
 */
#ifndef UTM_INSPECT_AV_H
#define UTM_INSPECT_AV_H

#include <stddef.h>
#include <stdint.h>

/* The starter database, shipped in etc/clamav/ and installed as this. */
#define AV_DEFAULT_DB_DIR "/etc/utm/clamav"

/* What one scan may cost; 0 in a field means libclamav's own default. */
struct av_limits {
	uint64_t max_filesize;	  /* bytes: a larger file is not scanned at all */
	uint64_t max_scansize;	  /* bytes read in one scan, archive members included */
	uint32_t max_scantime_ms; /* wall time of one scan */
	uint32_t max_recursion;	  /* archive in archive depth */
	uint32_t max_files;	  /* members scanned in one container */
};

/* The inspector's defaults: a small office's downloads and attachments. */
void av_limits_default(struct av_limits *lim);

struct av_load_report {
	unsigned int signatures; /* as libclamav counts them */
	unsigned int databases;	 /* files loaded */
	unsigned int skipped;	 /* files in the directory that are no database */
	double load_ms;		 /* reading and parsing */
	double compile_ms;	 /* cl_engine_compile */
};

struct av_engine;

/*
 * Every database of dir (.cvd .cld .cud .hdb .hsb .mdb .msb .ndb .ldb .idb
 * .cdb .fp .sfp .ign .ign2 .pdb .gdb .wdb .ftm .crb .yar .yara .cbc...; other
 * files are skipped and counted), loaded with lim and compiled. Returns an
 * engine holding one reference, or NULL with why naming the failing file and
 * libclamav's own message. rep may be NULL.
 */
struct av_engine *av_engine_load(const char *dir, const struct av_limits *lim,
				 struct av_load_report *rep, char *why, size_t whylen);

/* Another reference for a scan; av_engine_put drops one, the last frees. */
struct av_engine *av_engine_get(struct av_engine *e);
void av_engine_put(struct av_engine *e);

/* The limits the engine was loaded with. */
const struct av_limits *av_engine_limits(const struct av_engine *e);

enum av_verdict {
	AV_CLEAN,
	AV_INFECTED,
	AV_NOT_SCANNED, /* wholly or partly: nothing found in what was scanned */
};

enum av_reason {
	AV_R_NONE,
	AV_R_FILESIZE,	/* the file, or a member, is over max_filesize */
	AV_R_SCANSIZE,	/* max_scansize reached */
	AV_R_SCANTIME,	/* max_scantime_ms reached */
	AV_R_RECURSION, /* archives nested deeper than max_recursion */
	AV_R_FILES,	/* more members than max_files */
	AV_R_ERROR,	/* libclamav failed: detail says why */
};

struct av_result {
	enum av_verdict verdict;
	enum av_reason reason;
	char signature[128]; /* AV_INFECTED: the signature's name */
	char detail[128];    /* AV_NOT_SCANNED: a human-readable why */
	uint8_t md5[16];     /* of the whole buffer, for fileinfo events */
	uint8_t sha256[32];
	uint64_t scanned; /* bytes libclamav read, members included */
};

/*
 * Scan len bytes of buf (name: the file name, for libclamav's type hints
 * and logs; may be NULL) with archives, mail, OLE2/Office, PDF, HTML and
 * executables unpacked. Fills out; returns 0, or -1 when the scan could not
 * run at all (out says why, verdict AV_NOT_SCANNED).
 */
int av_scan(struct av_engine *e, const uint8_t *buf, size_t len, const char *name,
	    struct av_result *out);

const char *av_verdict_str(enum av_verdict v);
const char *av_reason_str(enum av_reason r);

/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void av_hex(char *out, const uint8_t *bytes, size_t n);

/*
 * The current engine of a running program. av_holder_get takes a reference
 * to the current engine (put it back when the scan ends); av_holder_swap
 * installs a new one (taking over the caller's reference) and drops the
 * holder's reference to the old one. Both are safe from any thread.
 */
struct av_holder;

struct av_holder *av_holder_new(struct av_engine *e);
struct av_engine *av_holder_get(struct av_holder *h);
void av_holder_swap(struct av_holder *h, struct av_engine *e);
void av_holder_free(struct av_holder *h);

/* Engines loaded and not yet freed, in the whole process (tests, stats). */
unsigned int av_engines_alive(void);

#endif /* UTM_INSPECT_AV_H */
