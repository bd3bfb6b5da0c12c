/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Suricata/ET Open rule parser: one rule's text -> an AST (struct rule) that
 * the Hyperscan compiler and the confirmation matcher consume, plus the
 * variable table ($HOME_NET, $HTTP_PORTS, ...) and classification.config
 * lookups it needs. The ruleset loader (many files, skip report) is in
 * inspect/ruleset.h.
 *
 * Purity and bounds: rule_parse() reads exactly len bytes (not
 * NUL-terminated), keeps no global state and allocates at most a few times
 * the rule's length (a rule is at most RULE_MAX_TEXT bytes; a rule has at
 * most RULE_MAX_MATCHES content/pcre/isdataat items, RULE_MAX_ADDRS address
 * entries and RULE_MAX_PORTS port ranges per side, RULE_MAX_META metadata
 * pairs and RULE_MAX_REFS references). Variables nest at most
 * RULE_VAR_DEPTH deep.
 *
 * Ownership: a struct rule owns every string and array it points to;
 * rule_free() releases all of it. Strings are NUL-terminated copies;
 * content bytes may contain NULs and are sized by their len field.
 */
#ifndef UTM_INSPECT_RULE_H
#define UTM_INSPECT_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/iplist.h"

#define RULE_MAX_TEXT	 (256 * 1024) /* longest rule text accepted */
#define RULE_MAX_MATCHES 256	      /* content + pcre + isdataat items */
#define RULE_MAX_ADDRS	 8192	      /* address entries per side after expansion */
#define RULE_MAX_PORTS	 1024	      /* port ranges per side after expansion */
#define RULE_MAX_META	 64	      /* metadata key/value pairs */
#define RULE_MAX_REFS	 32	      /* references */
#define RULE_VAR_DEPTH	 8	      /* $VAR inside $VAR nesting limit */
#define RULE_KEYWORD_LEN 32	      /* keyword buffer in struct rule_error */

/* What a rule does when it matches. */
enum rule_action {
	RULE_ACTION_ALERT,
	RULE_ACTION_DROP,
	RULE_ACTION_REJECT,
	RULE_ACTION_PASS,
};

/* Header direction: "->" (source to destination) or "<>" (either way). */
enum rule_direction {
	RULE_DIR_ONEWAY,
	RULE_DIR_BOTH,
};

/*
 * The buffer a content/pcre inspects. PAYLOAD is the packet payload or the
 * reassembled stream (Suricata's default content buffer); the others are
 * filled by the protocol parsers. FILE_DATA is kept apart from
 * HTTP_RESPONSE_BODY because it also covers mail bodies (antivirus hook).
 */
enum rule_buffer {
	RULE_BUF_PAYLOAD,
	RULE_BUF_HTTP_URI,
	RULE_BUF_HTTP_URI_RAW,
	RULE_BUF_HTTP_HOST,
	RULE_BUF_HTTP_HOST_RAW,
	RULE_BUF_HTTP_METHOD,
	RULE_BUF_HTTP_USER_AGENT,
	RULE_BUF_HTTP_HEADER,
	RULE_BUF_HTTP_HEADER_RAW,
	RULE_BUF_HTTP_HEADER_NAMES,
	RULE_BUF_HTTP_COOKIE,
	RULE_BUF_HTTP_CONTENT_TYPE,
	RULE_BUF_HTTP_CONTENT_LEN,
	RULE_BUF_HTTP_REFERER,
	RULE_BUF_HTTP_ACCEPT,
	RULE_BUF_HTTP_ACCEPT_ENC,
	RULE_BUF_HTTP_ACCEPT_LANG,
	RULE_BUF_HTTP_CONNECTION,
	RULE_BUF_HTTP_LOCATION,
	RULE_BUF_HTTP_SERVER,
	RULE_BUF_HTTP_PROTOCOL,
	RULE_BUF_HTTP_START,
	RULE_BUF_HTTP_REQUEST_LINE,
	RULE_BUF_HTTP_RESPONSE_LINE,
	RULE_BUF_HTTP_REQUEST_BODY,
	RULE_BUF_HTTP_RESPONSE_BODY,
	RULE_BUF_HTTP_STAT_CODE,
	RULE_BUF_HTTP_STAT_MSG,
	RULE_BUF_FILE_DATA,
	RULE_BUF_TLS_SNI,
	RULE_BUF_DNS_QUERY,
	RULE_BUF_COUNT,
};

/* Canonical (Suricata 5+) name of a buffer, e.g. "http.uri"; "payload". */
const char *rule_buffer_name(enum rule_buffer b);

/* One address entry: in the set (negated = 0) or excluded from it. */
struct rule_addr {
	struct ip_prefix prefix; /* lib/iplist.h: family 4/6, masked */
	bool negated;
};

/*
 * An address set, flattened: an address matches when the set is "any", or
 * when (there is no positive entry or a positive entry contains it) and no
 * negated entry contains it. Nested negations are folded (!![a] == [a]).
 * An "any" set has n == 0.
 */
struct rule_addrset {
	bool any;
	uint32_t n;
	struct rule_addr *e;
};

/* One port range lo..hi inclusive, in or excluded from the set. */
struct rule_port {
	uint16_t lo, hi;
	bool negated;
};

/* A port set, same matching rule as struct rule_addrset. */
struct rule_portset {
	bool any;
	uint32_t n;
	struct rule_port *e;
};

/* Integer comparison used by dsize, bsize, urilen. */
enum rule_cmp {
	RULE_CMP_NONE, /* keyword absent */
	RULE_CMP_EQ,   /* N */
	RULE_CMP_LT,   /* <N */
	RULE_CMP_GT,   /* >N */
	RULE_CMP_LE,   /* <=N */
	RULE_CMP_GE,   /* >=N */
	RULE_CMP_NE,   /* !N */
	RULE_CMP_RANGE /* lo<>hi: lo < x < hi, as Suricata */
};

/* A parsed "dsize:<10" style value. */
struct rule_uint_cmp {
	enum rule_cmp op;
	uint32_t lo; /* the value (or range low end) */
	uint32_t hi; /* range high end, RULE_CMP_RANGE only */
};

/* Kinds of items in a match group. */
enum rule_match_kind {
	RULE_MATCH_CONTENT,
	RULE_MATCH_PCRE,
	RULE_MATCH_ISDATAAT,
	RULE_MATCH_BYTE_TEST, /* compare a number read from the buffer */
	RULE_MATCH_BYTE_JUMP, /* read a number and move the cursor by it */
};

/* byte_test operators. */
enum rule_byte_op {
	RULE_BYTE_LT,  /* < */
	RULE_BYTE_GT,  /* > */
	RULE_BYTE_EQ,  /* = */
	RULE_BYTE_LE,  /* <= */
	RULE_BYTE_GE,  /* >= */
	RULE_BYTE_AND, /* &: any bit of the value set */
	RULE_BYTE_XOR, /* ^: the number differs from the value in some bit */
};

/* pcre flags (the letters after the closing '/'), RULE_PCRE_* bits. */
#define RULE_PCRE_CASELESS   0x001 /* i */
#define RULE_PCRE_DOTALL     0x002 /* s */
#define RULE_PCRE_MULTILINE  0x004 /* m */
#define RULE_PCRE_EXTENDED   0x008 /* x */
#define RULE_PCRE_ANCHORED   0x010 /* A */
#define RULE_PCRE_DOLLAR_END 0x020 /* E */
#define RULE_PCRE_UNGREEDY   0x040 /* G */
#define RULE_PCRE_RELATIVE   0x080 /* R: relative to the previous match */
#define RULE_PCRE_RAWBYTES   0x100 /* B: accepted, no effect (as Suricata) */
#define RULE_PCRE_NO_LIMITS  0x200 /* O: override match limits */

/*
 * One content, pcre or isdataat, in rule order within its buffer.
 * Offsets: has_* says whether the keyword was given. "relative" is true for
 * content with distance or within, pcre with R and isdataat with relative:
 * it anchors on the end of the previous match in the same buffer.
 */
struct rule_match {
	enum rule_match_kind kind;
	enum rule_buffer buf;
	bool negated; /* content:!"x", pcre:!"/x/", isdataat:!N */
	bool relative;
	/* content */
	uint8_t *bytes; /* decoded bytes (|hex| and escapes), owned */
	uint32_t len;
	bool nocase;
	bool startswith, endswith;
	bool has_offset, has_depth, has_distance, has_within;
	int32_t offset, depth, distance, within; /* distance may be < 0 */
	bool fast_pattern;			 /* fast_pattern given on this content */
	bool fp_only;				 /* fast_pattern:only */
	bool fp_chop;				 /* fast_pattern:off,len */
	uint16_t fp_off, fp_len;		 /* chop part, fp_chop only */
	/* pcre */
	char *pattern;	     /* between the slashes, escapes kept, owned */
	uint32_t pcre_flags; /* RULE_PCRE_* */
	/* isdataat: a byte exists at this position (offset field) */
	/* byte_test, byte_jump: nbytes read at offset (relative or not), then */
	uint8_t nbytes;	  /* binary 1..8, or 0..20 digits with string (0: as many as there are) */
	uint8_t base;	  /* 0: binary; 8, 10 or 16: ASCII digits ("string") */
	bool little;	  /* binary little-endian (default big) */
	uint8_t byte_op;  /* byte_test: enum rule_byte_op; negated: "!" */
	uint64_t value;	  /* byte_test: compared with */
	uint64_t bitmask; /* applied (and shifted right to its lowest bit) when not 0 */
	uint32_t multiplier; /* byte_jump: the number times this (1) */
	int32_t post_offset; /* byte_jump: added after the jump */
	bool align;	     /* byte_jump: round the jump up to a multiple of 4 */
	bool from_beginning; /* byte_jump: from the buffer's start, not the read's end */
	bool from_end;	     /* byte_jump: from the buffer's end */
};

/*
 * The ordered items for one buffer, plus the buffer-wide checks that
 * Suricata attaches to a sticky buffer (bsize, dotprefix).
 */
struct rule_group {
	enum rule_buffer buf;
	uint32_t n;
	struct rule_match *m; /* points into rule->matches (not separately owned) */
	struct rule_uint_cmp bsize;
	bool dotprefix; /* dns.query/tls.sni: match against "." + buffer */
};

/* flow: keyword bits. */
#define RULE_FLOW_TO_SERVER	  0x01 /* also from_client */
#define RULE_FLOW_TO_CLIENT	  0x02 /* also from_server */
#define RULE_FLOW_ESTABLISHED	  0x04
#define RULE_FLOW_NOT_ESTABLISHED 0x08
#define RULE_FLOW_STATELESS	  0x10
#define RULE_FLOW_ONLY_STREAM	  0x20
#define RULE_FLOW_NO_STREAM	  0x40

/* TCP flag bits for flags: (wire order: CWR ECE URG ACK PSH RST SYN FIN). */
#define RULE_TCP_FIN 0x01
#define RULE_TCP_SYN 0x02
#define RULE_TCP_RST 0x04
#define RULE_TCP_PSH 0x08
#define RULE_TCP_ACK 0x10
#define RULE_TCP_URG 0x20
#define RULE_TCP_ECE 0x40
#define RULE_TCP_CWR 0x80

/* How the listed TCP flags are compared. */
enum rule_flags_mod {
	RULE_FLAGS_EXACT, /* exactly these (after the ignore mask) */
	RULE_FLAGS_PLUS,  /* +: these and possibly others */
	RULE_FLAGS_ANY,	  /* *: any of these */
	RULE_FLAGS_NOT,	  /* !: none of these */
};

/* flags:[mod]LETTERS[,IGNORE]. */
struct rule_tcp_flags {
	bool set; /* keyword given */
	enum rule_flags_mod mod;
	uint8_t flags;	/* RULE_TCP_* ("0" = no flags: 0) */
	uint8_t ignore; /* bits masked off before comparing */
};

/* threshold: type, track, count, seconds. */
enum rule_threshold_type {
	RULE_THRESHOLD_NONE,
	RULE_THRESHOLD_LIMIT,
	RULE_THRESHOLD_THRESHOLD,
	RULE_THRESHOLD_BOTH,
};

/* Which address the threshold counts by. */
enum rule_track {
	RULE_TRACK_BY_SRC,
	RULE_TRACK_BY_DST,
	RULE_TRACK_BY_BOTH,
	RULE_TRACK_BY_RULE,
};

/* A parsed threshold keyword. */
struct rule_threshold {
	enum rule_threshold_type type; /* NONE: keyword absent */
	enum rule_track track;
	uint32_t count;
	uint32_t seconds;
};

/* target: which side is the target of the attack (for EVE "source/target"). */
enum rule_target {
	RULE_TARGET_NONE,
	RULE_TARGET_SRC,
	RULE_TARGET_DST,
};

/* One metadata pair, e.g. key "signature_severity", value "Major". */
struct rule_meta {
	char *key;
	char *value; /* may be "" */
};

/* One reference, e.g. type "url", value "example.com/x". */
struct rule_ref {
	char *type;
	char *value;
};

/*
 * The literal a multi-pattern prefilter (Hyperscan) should use for this
 * rule: the fast_pattern content, else Suricata's automatic choice (see
 * rule_parse). bytes/len point into the chosen match (chop applied).
 */
struct rule_prefilter {
	const struct rule_match *match; /* NULL: the rule has no content */
	const uint8_t *bytes;
	uint32_t len;
	enum rule_buffer buf;
	bool nocase;
	bool only; /* fast_pattern:only: no confirmation of this content needed */
};

/* flowbits: operations, as Suricata's. */
enum rule_fb_op {
	RULE_FB_SET,	  /* set the bits when the rule matches */
	RULE_FB_UNSET,	  /* clear them */
	RULE_FB_TOGGLE,	  /* flip them */
	RULE_FB_ISSET,	  /* the rule matches only if they are set */
	RULE_FB_ISNOTSET, /* ... only if they are not */
};

#define RULE_FB_NAMES 8 /* names in one flowbits keyword: a|b|c or a&b */

/* One flowbits keyword (flowbits:noalert is struct rule.noalert). */
struct rule_flowbit {
	enum rule_fb_op op;
	bool any; /* names joined by '|': any of them is set; else all ('&', or one name) */
	uint8_t n;
	char *names[RULE_FB_NAMES]; /* owned */
};

/* IP protocol numbers used in struct rule.ipproto (0 = any IP). */
#define RULE_IPPROTO_ANY  0
#define RULE_IPPROTO_ICMP 1
#define RULE_IPPROTO_TCP  6
#define RULE_IPPROTO_UDP  17

/* One parsed rule. Everything it points to is owned by it. */
struct rule {
	enum rule_action action;
	char proto[16];	 /* as written, lower case: "tcp", "http", "tcp-pkt", ... */
	uint8_t ipproto; /* RULE_IPPROTO_*, implied by proto (dns: ANY) */
	bool app_layer;	 /* proto names an application protocol */
	struct rule_addrset src, dst;
	struct rule_portset sport, dport;
	enum rule_direction dir;

	uint32_t sid, rev, gid; /* gid defaults to 1, rev to 0 */
	char *msg;		/* "" when absent */
	char *classtype;	/* NULL when absent */
	char *class_desc;	/* description from classification.config, or NULL */
	uint32_t priority;	/* priority:, else the class's, else 3 */
	struct rule_meta *meta;
	uint32_t n_meta;
	struct rule_ref *refs;
	uint32_t n_refs;
	enum rule_target target;

	uint32_t flow; /* RULE_FLOW_* */
	struct rule_uint_cmp dsize;
	struct rule_uint_cmp urilen;
	bool urilen_raw; /* urilen:...,raw */
	struct rule_tcp_flags tcp_flags;
	struct rule_threshold threshold;

	struct rule_match *matches; /* all items, grouped by buffer */
	uint32_t n_matches;
	struct rule_group *groups; /* in order of each buffer's first use */
	uint32_t n_groups;
	struct rule_prefilter prefilter;

	struct rule_flowbit *flowbits; /* in rule order */
	uint32_t n_flowbits;
	bool noalert; /* flowbits:noalert: a match sets bits, never alerts */

	bool ip_only; /* only addresses: an XDP map entry rather than inspector work */
};

/* One variable: name without '$', value text as in suricata.yaml. */
struct rule_var {
	const char *name;
	const char *value;
};

/*
 * The caller's variable table. Lookups search vars first, then (when
 * use_defaults) the defaults of Suricata's suricata.yaml ($HOME_NET = the
 * RFC 1918 networks, $EXTERNAL_NET = !$HOME_NET, $HTTP_PORTS = 80, ...).
 * Strings are borrowed and must outlive the parse.
 */
struct rule_vars {
	const struct rule_var *vars;
	size_t n;
	bool use_defaults;
};

/* Value of $name (name without '$', n bytes), or NULL when undefined. */
const char *rule_vars_lookup(const struct rule_vars *v, const char *name, size_t n);

/* One classification.config entry. */
struct rule_class {
	char name[64];
	char desc[128];
	uint32_t priority;
};

/* The classification table (classification.config), caller-owned. */
struct rule_classes {
	struct rule_class *c;
	size_t n, cap;
};

/*
 * Parse classification.config text ("config classification: name,desc,prio"
 * lines; '#' comments). Appends to classes (growing c with realloc; release
 * with rule_classes_free). Returns the entries added, or -1 on a bad line
 * (line set to it) or no memory (line 0).
 */
long rule_classes_parse(struct rule_classes *classes, const char *buf, size_t len,
			unsigned int *line);

/* The entry for a class name, or NULL. */
const struct rule_class *rule_classes_find(const struct rule_classes *classes, const char *name,
					   size_t n);

/* Free classes->c and reset classes to empty. */
void rule_classes_free(struct rule_classes *classes);

/* What rule_parse needs besides the text; every member may be NULL. */
struct rule_env {
	const struct rule_vars *vars;	    /* NULL: Suricata defaults only */
	const struct rule_classes *classes; /* NULL: classtype kept, priority 3 */
};

/* Outcome of rule_parse. */
enum rule_status {
	RULE_OK = 0,
	RULE_ERR_SYNTAX = -1,	   /* malformed: reason says why */
	RULE_ERR_UNSUPPORTED = -2, /* valid rule with a keyword we do not implement */
	RULE_ERR_NOMEM = -3,
};

/* Why a rule was refused. */
struct rule_error {
	enum rule_status status;
	uint32_t sid;			/* 0 when not (yet) known */
	char keyword[RULE_KEYWORD_LEN]; /* the unsupported/faulty keyword, or "" */
	char reason[200];		/* e.g. "sid 2001: unsupported keyword flowbits" */
};

/*
 * Parse one rule (no leading '#', continuation lines already joined; leading
 * and trailing white space allowed). On RULE_OK *out is a new rule to
 * release with rule_free(); otherwise *out is NULL and err (may be NULL)
 * says why. An unsupported keyword does not stop the scan for the sid, so
 * the reason names both.
 *
 * The prefilter literal follows Suricata: the fast_pattern content; else,
 * among non-negated contents (negated ones only when there is no other),
 * those in the highest-priority buffer class (application buffers, then
 * the payload, then http.method), the longest, then the highest "pattern
 * strength" (new alpha byte 3, new printable 4, other new byte 6, repeat 1),
 * then the first in the rule.
 */
enum rule_status rule_parse(const char *buf, size_t len, const struct rule_env *env,
			    struct rule **out, struct rule_error *err);

/* Release a rule and everything it owns. NULL is fine. */
void rule_free(struct rule *r);

/* The group for a buffer, or NULL when the rule does not inspect it. */
const struct rule_group *rule_group_find(const struct rule *r, enum rule_buffer b);

/* Text of an action, "alert" ... */
const char *rule_action_name(enum rule_action a);

#endif /* UTM_INSPECT_RULE_H */
