// SPDX-License-Identifier: MIT
/* Copyright (C) 2026 The Osprey authors */

/*
 * The coredump reader of coredump_parse.h, over docs/coredump-format.md.
 *
 * Two passes. The first walks the section header lines of the input: magic,
 * header syntax, lengths within the input, CRCs and section order, up to the
 * end section, which gives the dump's size. The second copies the dump,
 * splits the bodies of the known sections into key lines (stored unescaped
 * in one arena no larger than the dump), checks each section's keys and
 * values, decodes the ring words and the buffer contents, and checks what
 * sections say of each other. Every step is linear in the dump's size, and
 * so is every allocation: the largest, buffer contents, is bounded by four
 * bytes per character of ascii85 ('z').
 *
 * The display section is optional and its keys repeat per pipe, so its
 * order is checked by its own code (check_display()), not by the generic
 * one.
 *
 * Building with -DOSP_COREDUMP_IGNORE_CRC (the fuzz target does) accepts a
 * wrong CRC, so that a fuzzer can reach what the CRC guards.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coredump_parse.h"
#include "osprey_coredump_format.h"

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
/* Dumps are bounded by the driver's budget; refuse anything this large. */
#define CD_MAX_SIZE		(4ull << 30)
#define CD_RING_MAX_WORDS	512
#define CD_RING_WORDS_PER_LINE	8
#define CD_WALK_ENTRIES		512

struct osp_coredump_entry {
	size_t section;
	size_t offset;		/* of the line, from the start of the dump */
	const char *key;	/* in cd->arena */
	const char *value;	/* in cd->arena */
};

enum cd_rank {
	R_HEADER, R_REGISTERS, R_DISPLAY, R_RING, R_JOB, R_FAULT, R_MAPPINGS, R_BO, R_JOBS,
	R_SKIPPED, R_END, R_NRANKS, R_UNKNOWN = R_NRANKS,
};

static const char *const rank_names[R_NRANKS] = {
	[R_HEADER] = OSPREY_CD_SEC_HEADER,
	[R_REGISTERS] = OSPREY_CD_SEC_REGISTERS,
	[R_DISPLAY] = OSPREY_CD_SEC_DISPLAY,
	[R_RING] = OSPREY_CD_SEC_RING,
	[R_JOB] = OSPREY_CD_SEC_JOB,
	[R_FAULT] = OSPREY_CD_SEC_FAULT,
	[R_MAPPINGS] = OSPREY_CD_SEC_MAPPINGS,
	[R_BO] = OSPREY_CD_SEC_BO,
	[R_JOBS] = OSPREY_CD_SEC_JOBS,
	[R_SKIPPED] = OSPREY_CD_SEC_SKIPPED,
	[R_END] = OSPREY_CD_SEC_END,
};

/* How a known key's value is checked when the line is read. */
enum cd_type {
	T_ANY,		/* checked by the section's code */
	T_DEC,		/* decimal number */
	T_HEX,		/* 0x hex number */
	T_NUM,		/* either */
	T_STR,		/* one quoted string */
	T_ENUM,		/* one of key_spec.words */
	T_EMPTY,	/* nothing */
	T_LIST,		/* name=value pairs, fields checked by the section's code */
};

#define K_REQ		0x1	/* required (job, fault: unless state/status none) */
#define K_REPEAT	0x2	/* may repeat */

struct key_spec {
	const char *key;
	enum cd_type type;
	unsigned int flags;
	const char *const *words;	/* T_ENUM: NULL-terminated */
};

static const char *const w_reason[] = { "timeout", "fault", "invalid-instruction",
	"lockup-injection", "manual", "display-underrun", NULL };
static const char *const w_halted[] = { "yes", "no", "error", "running", NULL };
static const char *const w_yesno[] = { "yes", "no", NULL };
static const char *const w_state[] = { "running", "none", NULL };
static const char *const w_status[] = { "none", "translation", "permission",
	"invalid-insn", "invalid-packet", NULL };
static const char *const w_access[] = { "read", "write", "fetch", NULL };
static const char *const w_role[] = { "batch", "buffer", NULL };
static const char *const w_shared[] = { "no", "exported", "imported", "flink", NULL };
static const char *const w_encoding[] = { "ascii85", NULL };

static const struct key_spec header_keys[] = {
	{ "format", T_DEC, K_REQ, NULL },
	{ "driver", T_ANY, K_REQ, NULL },
	{ "kernel", T_STR, K_REQ, NULL },
	{ "kernel_build", T_STR, K_REQ, NULL },
	{ "device", T_STR, K_REQ, NULL },
	{ "gpu", T_LIST, K_REQ, NULL },
	{ "sequence", T_DEC, K_REQ, NULL },
	{ "reason", T_ENUM, K_REQ, w_reason },
	{ "time", T_ANY, K_REQ, NULL },
	{ "uptime_ns", T_DEC, K_REQ, NULL },
	{ "detected_ns", T_DEC, K_REQ, NULL },
	{ "capture_us", T_DEC, K_REQ, NULL },
	{ "engine_halted", T_ENUM, K_REQ, w_halted },
	{ "budget", T_NUM, K_REQ, NULL },
	{ "truncated", T_ENUM, K_REQ, w_yesno },
};

static const char *const w_controller[] = { "present", "none", NULL };

/*
 * The display section's keys: the global ones, then those of a pipe (from
 * "pipe" on), which repeat per pipe. K_REQ and K_REPEAT are not used here:
 * check_display() checks presence and order.
 */
enum {
	D_CONTROLLER, D_PIPES, D_AS, D_MAX, D_UNDERRUN,
	D_PIPE, D_CONTROL, D_MODE, D_BG_COLOR, D_UPDATE, D_STATUS, D_FRAME_COUNT,
	D_VBLANK_TS, D_CRC, D_CONN, D_LAST_UNDERRUN, D_WB, D_PLANE, D_CRC_HISTORY,
};

static const struct key_spec display_keys[] = {
	[D_CONTROLLER] = { "controller", T_ENUM, 0, w_controller },
	[D_PIPES] = { "pipes", T_DEC, 0, NULL },
	[D_AS] = { "as", T_LIST, 0, NULL },
	[D_MAX] = { "max", T_LIST, 0, NULL },
	[D_UNDERRUN] = { "underrun", T_LIST, 0, NULL },
	[D_PIPE] = { "pipe", T_DEC, 0, NULL },
	[D_CONTROL] = { "control", T_HEX, 0, NULL },
	[D_MODE] = { "mode", T_LIST, 0, NULL },
	[D_BG_COLOR] = { "bg_color", T_HEX, 0, NULL },
	[D_UPDATE] = { "update", T_HEX, 0, NULL },
	[D_STATUS] = { "status", T_HEX, 0, NULL },
	[D_FRAME_COUNT] = { "frame_count", T_DEC, 0, NULL },
	[D_VBLANK_TS] = { "vblank_ts", T_DEC, 0, NULL },
	[D_CRC] = { "crc", T_LIST, 0, NULL },
	[D_CONN] = { "conn", T_LIST, 0, NULL },
	[D_LAST_UNDERRUN] = { "last_underrun", T_LIST, 0, NULL },
	[D_WB] = { "wb", T_LIST, 0, NULL },
	[D_PLANE] = { "plane", T_LIST, 0, NULL },
	[D_CRC_HISTORY] = { "crc_history", T_LIST, 0, NULL },
};

static const struct key_spec ring_keys[] = {
	{ "size", T_NUM, K_REQ, NULL },
	{ "head", T_HEX, K_REQ, NULL },
	{ "tail", T_HEX, K_REQ, NULL },
	{ "start", T_HEX, K_REQ, NULL },
	{ "words", T_DEC, K_REQ, NULL },
	{ "data", T_EMPTY, K_REQ, NULL },
};

static const struct key_spec job_keys[] = {
	{ "state", T_ENUM, K_REQ, w_state },
	{ "queue", T_DEC, K_REQ, NULL },
	{ "vm", T_DEC, K_REQ, NULL },
	{ "pid", T_DEC, K_REQ, NULL },
	{ "comm", T_STR, K_REQ, NULL },
	{ "fence_context", T_NUM, K_REQ, NULL },
	{ "fence_seqno", T_NUM, K_REQ, NULL },
	{ "hw_seqno", T_NUM, K_REQ, NULL },
	{ "submit_ns", T_DEC, K_REQ, NULL },
	{ "runtime_ms", T_DEC, K_REQ, NULL },
	{ "batch_va", T_NUM, K_REQ, NULL },
	{ "batch_size", T_NUM, K_REQ, NULL },
	{ "ip", T_NUM, K_REQ, NULL },
};

static const struct key_spec fault_keys[] = {
	{ "status", T_ENUM, K_REQ, w_status },
	{ "access", T_ENUM, K_REQ, w_access },
	{ "address", T_HEX, K_REQ, NULL },
	{ "as", T_NUM, K_REQ, NULL },
	{ "l0", T_LIST, 0, NULL },
	{ "l1", T_LIST, 0, NULL },
	{ "l2", T_LIST, 0, NULL },
};

static const struct key_spec mappings_keys[] = {
	{ "count", T_DEC, K_REQ, NULL },
	{ "map", T_LIST, K_REPEAT, NULL },
};

static const struct key_spec bo_keys[] = {
	{ "id", T_DEC, K_REQ, NULL },
	{ "label", T_STR, K_REQ, NULL },
	{ "size", T_NUM, K_REQ, NULL },
	{ "va", T_HEX, K_REQ, NULL },
	{ "role", T_ENUM, K_REQ, w_role },
	{ "owner_pid", T_DEC, K_REQ, NULL },
	{ "owner_comm", T_STR, K_REQ, NULL },
	{ "shared", T_ENUM, K_REQ, w_shared },
	{ "captured", T_NUM, K_REQ, NULL },
	{ "truncated", T_ENUM, K_REQ, w_yesno },
	{ "skipped", T_STR, 0, NULL },
	{ "encoding", T_ENUM, K_REQ, w_encoding },
	{ "data", T_EMPTY, 0, NULL },
};

static const struct key_spec jobs_keys[] = {
	{ "count", T_DEC, K_REQ, NULL },
	{ "job", T_LIST, K_REPEAT, NULL },
};

static const struct key_spec skipped_keys[] = {
	{ "count", T_DEC, K_REQ, NULL },
	{ "skip", T_LIST, K_REPEAT, NULL },
};

static const struct key_spec end_keys[] = {
	{ "sections", T_DEC, K_REQ, NULL },
	{ "bytes", T_DEC, K_REQ, NULL },
};

static const struct {
	const struct key_spec *keys;
	size_t nkeys;
	int own_order;		/* the section's code checks the order of its keys */
} rank_keys[R_NRANKS] = {
	[R_HEADER] = { header_keys, ARRAY_SIZE(header_keys), 0 },
	[R_REGISTERS] = { NULL, 0, 0 },
	[R_DISPLAY] = { display_keys, ARRAY_SIZE(display_keys), 1 },
	[R_RING] = { ring_keys, ARRAY_SIZE(ring_keys), 0 },
	[R_JOB] = { job_keys, ARRAY_SIZE(job_keys), 0 },
	[R_FAULT] = { fault_keys, ARRAY_SIZE(fault_keys), 0 },
	[R_MAPPINGS] = { mappings_keys, ARRAY_SIZE(mappings_keys), 0 },
	[R_BO] = { bo_keys, ARRAY_SIZE(bo_keys), 0 },
	[R_JOBS] = { jobs_keys, ARRAY_SIZE(jobs_keys), 0 },
	[R_SKIPPED] = { skipped_keys, ARRAY_SIZE(skipped_keys), 0 },
	[R_END] = { end_keys, ARRAY_SIZE(end_keys), 0 },
};

struct cd_ctx {
	const unsigned char *in;	/* the input (pass 1) or cd->raw (pass 2) */
	size_t len;
	char *err;
	size_t errlen;
	struct osp_coredump *cd;
	const char *sec_name;		/* the section being read, if known */
	size_t sec_no;			/* its number, from 1 */
	size_t arena_used;
	size_t entries_cap;
	size_t sections_cap;
	int ranks[R_NRANKS];		/* sections seen of each rank */
	int *sec_rank;			/* per section */
};

static int __attribute__((format(printf, 3, 4)))
cd_fail(struct cd_ctx *c, size_t at, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!c->err || !c->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->sec_name)
		snprintf(c->err, c->errlen, "section '%s' (#%zu) at byte %zu: %s", c->sec_name,
			 c->sec_no, at, msg);
	else
		snprintf(c->err, c->errlen, "section #%zu at byte %zu: %s", c->sec_no, at, msg);
	return -1;
}

/* A short printable rendering of input bytes, for messages. */
static const char *show(char *buf, size_t buflen, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i, o = 0;

	for (i = 0; i < len && o + 5 < buflen; i++) {
		if (p[i] >= 0x20 && p[i] <= 0x7e && p[i] != '\\' && p[i] != '\'')
			buf[o++] = (char)p[i];
		else
			o += (size_t)snprintf(buf + o, buflen - o, "\\x%02x", p[i]);
	}
	if (i < len && o + 4 < buflen) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o < buflen ? o : buflen - 1] = '\0';
	return buf;
}

/* CRC-32 of IEEE 802.3 (zlib's crc32()). */
static uint32_t cd_crc32(const unsigned char *p, size_t n)
{
	static uint32_t table[256];
	static int ready;
	uint32_t crc = 0xffffffffu;
	size_t i;

	if (!ready) {
		for (i = 0; i < 256; i++) {
			uint32_t v = (uint32_t)i;
			int k;

			for (k = 0; k < 8; k++)
				v = v & 1 ? (v >> 1) ^ 0xedb88320u : v >> 1;
			table[i] = v;
		}
		ready = 1;
	}
	for (i = 0; i < n; i++)
		crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return crc ^ 0xffffffffu;
}

static int is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static int hex_val(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static int is_name_char(int ch)
{
	return (ch >= 'a' && ch <= 'z') || is_digit(ch) || ch == '-';
}

static int is_key_char(int ch, int upper)
{
	if (upper)
		return (ch >= 'A' && ch <= 'Z') || is_digit(ch) || ch == '_';
	return (ch >= 'a' && ch <= 'z') || is_digit(ch) || ch == '_';
}

/* Numbers ------------------------------------------------------------- */

static int parse_u64_n(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n > 2 && s[0] == '0' && s[1] == 'x') {
		if (n > 18)
			return -EINVAL;
		for (i = 2; i < n; i++) {
			int d = hex_val((unsigned char)s[i]);

			if (d < 0)
				return -EINVAL;
			v = v << 4 | (uint64_t)d;
		}
	} else {
		if (!n)
			return -EINVAL;
		for (i = 0; i < n; i++) {
			if (!is_digit(s[i]))
				return -EINVAL;
			if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
				return -EINVAL;
			v = v * 10 + (uint64_t)(s[i] - '0');
		}
	}
	*out = v;
	return 0;
}

int osp_coredump_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v;

	if (!s || parse_u64_n(s, strlen(s), &v))
		return -EINVAL;
	*out = v;
	return 0;
}

static int check_type_num(const char *v, enum cd_type t)
{
	uint64_t x;

	if (parse_u64_n(v, strlen(v), &x))
		return -EINVAL;
	if (t == T_HEX && strncmp(v, "0x", 2))
		return -EINVAL;
	if (t == T_DEC && !strncmp(v, "0x", 2))
		return -EINVAL;
	return 0;
}

/* Lists: name=value pairs ------------------------------------------------ */

/* Length of the quoted string at @s (which starts with '"'), or 0 if bad. */
static size_t quoted_len(const char *s)
{
	size_t i = 1;

	for (;;) {
		if (!s[i])
			return 0;
		if (s[i] == '"')
			return i + 1;
		if (s[i] == '\\') {
			if (s[i + 1] == '\\' || s[i + 1] == '"')
				i += 2;
			else if (s[i + 1] == 'x' && hex_val((unsigned char)s[i + 2]) >= 0 &&
				 hex_val((unsigned char)s[i + 3]) >= 0)
				i += 4;
			else
				return 0;
		} else {
			i++;
		}
	}
}

/* Unescape the quoted string @s of @n bytes (quotes included) into @buf. */
static int unquote(const char *s, size_t n, char *buf, size_t buflen)
{
	size_t i, o = 0;
	int ret = 0;

	for (i = 1; i + 1 < n; o++) {
		char ch = s[i];

		if (ch == '\\' && s[i + 1] == 'x') {
			ch = (char)(hex_val((unsigned char)s[i + 2]) << 4 |
				    hex_val((unsigned char)s[i + 3]));
			i += 4;
		} else if (ch == '\\') {
			ch = s[i + 1];
			i += 2;
		} else {
			i++;
		}
		if (o + 1 < buflen)
			buf[o] = ch;
		else
			ret = -ENOSPC;
	}
	if (buflen)
		buf[o < buflen ? o : buflen - 1] = '\0';
	return ret;
}

/*
 * Find field @name of @list: its raw value (quotes included) in *@val,
 * *@vlen. 0, -ENOENT, or -EINVAL if the list is malformed before it.
 */
static int find_field(const char *list, const char *name, const char **val, size_t *vlen)
{
	size_t nlen = strlen(name);
	const char *p = list;

	while (*p) {
		const char *q = p, *v;
		size_t n;

		while (is_key_char((unsigned char)*q, 0))
			q++;
		if (q == p || *q != '=')
			return -EINVAL;
		v = q + 1;
		if (*v == '"') {
			n = quoted_len(v);
			if (!n)
				return -EINVAL;
		} else {
			n = 0;
			while (v[n] && v[n] != ' ' && v[n] != '"')
				n++;
		}
		if (v[n] && v[n] != ' ')
			return -EINVAL;
		if ((size_t)(q - p) == nlen && !memcmp(p, name, nlen)) {
			*val = v;
			*vlen = n;
			return 0;
		}
		p = v + n;
		if (*p == ' ') {
			p++;
			if (!*p || *p == ' ')
				return -EINVAL;
		}
	}
	return -ENOENT;
}

int osp_coredump_field(const char *list, const char *name, char *buf, size_t buflen)
{
	const char *v;
	size_t n;
	int ret;

	if (!list || !name)
		return -ENOENT;
	ret = find_field(list, name, &v, &n);
	if (ret)
		return ret;
	if (*v == '"')
		return unquote(v, n, buf, buflen);
	if (!buflen)
		return -ENOSPC;
	if (n >= buflen) {
		memcpy(buf, v, buflen - 1);
		buf[buflen - 1] = '\0';
		return -ENOSPC;
	}
	memcpy(buf, v, n);
	buf[n] = '\0';
	return 0;
}

/* Every token of @list is name=value. */
static int list_ok(const char *list)
{
	const char *v;
	size_t n;

	/* A name no field can have: the walk checks every field on the way. */
	return find_field(list, "-", &v, &n) == -ENOENT && *list;
}

/* Field of @list as a number of type @t, or -EINVAL/-ENOENT. */
static int field_num(const char *list, const char *name, enum cd_type t, uint64_t *out)
{
	char buf[24];
	int ret = osp_coredump_field(list, name, buf, sizeof(buf));

	if (ret == -ENOSPC)
		return -EINVAL;
	if (ret)
		return ret;
	if (check_type_num(buf, t))
		return -EINVAL;
	return parse_u64_n(buf, strlen(buf), out);
}

/* Field of @list that must be a bare word of @words (NULL: any word). */
static int field_word(const char *list, const char *name, const char *const *words)
{
	const char *v;
	size_t n, i;

	if (find_field(list, name, &v, &n) || !n || *v == '"')
		return -EINVAL;
	if (!words)
		return 0;
	for (i = 0; words[i]; i++)
		if (strlen(words[i]) == n && !memcmp(words[i], v, n))
			return 0;
	return -EINVAL;
}

/* Pass 1: header lines, lengths, CRCs, order ------------------------------ */

static enum cd_rank rank_of(const char *name)
{
	int r;

	for (r = 0; r < R_NRANKS; r++)
		if (!strcmp(rank_names[r], name))
			return (enum cd_rank)r;
	return R_UNKNOWN;
}

static int add_section(struct cd_ctx *c, struct osp_coredump_section *s, int rank)
{
	struct osp_coredump *cd = c->cd;

	if (cd->nsections == c->sections_cap) {
		size_t cap = c->sections_cap ? c->sections_cap * 2 : 16;
		struct osp_coredump_section *ns;
		int *nr;

		ns = realloc(cd->sections, cap * sizeof(*ns));
		if (!ns)
			return cd_fail(c, s->offset, "out of memory");
		cd->sections = ns;
		nr = realloc(c->sec_rank, cap * sizeof(*nr));
		if (!nr)
			return cd_fail(c, s->offset, "out of memory");
		c->sec_rank = nr;
		c->sections_cap = cap;
	}
	c->sec_rank[cd->nsections] = rank;
	cd->sections[cd->nsections++] = *s;
	return 0;
}

/* Read the section header line at @p into @s; 0 or -1. */
static int read_header_line(struct cd_ctx *c, size_t p, struct osp_coredump_section *s)
{
	const unsigned char *in = c->in;
	size_t q = p + 1, namelen, i;
	uint64_t length = 0;
	char b[48];

	if (in[p] != '@')
		return cd_fail(c, p, "expected a section header line ('@'), found '%s'",
			       show(b, sizeof(b), in + p, c->len - p < 16 ? c->len - p : 16));
	while (q < c->len && q - p - 1 <= OSPREY_COREDUMP_NAME_MAX && is_name_char(in[q]))
		q++;
	if (q == c->len)
		goto truncated;
	namelen = q - p - 1;
	if (!namelen || namelen > OSPREY_COREDUMP_NAME_MAX || in[q] != ' ')
		return cd_fail(c, q, "bad section name '%s' (1 to 31 of a-z, 0-9, '-', then ' ')",
			       show(b, sizeof(b), in + p + 1, namelen + 1));
	memcpy(s->name, in + p + 1, namelen);
	s->name[namelen] = '\0';
	c->sec_name = s->name;
	q++;
	for (i = 0; i < OSPREY_COREDUMP_LEN_DIGITS; i++, q++) {
		if (q == c->len)
			goto truncated;
		if (!is_digit(in[q]))
			return cd_fail(c, q, "bad length field (10 decimal digits expected)");
		length = length * 10 + (uint64_t)(in[q] - '0');
	}
	if (q == c->len)
		goto truncated;
	if (in[q++] != ' ')
		return cd_fail(c, q - 1, "bad length field (10 decimal digits expected)");
	s->length = 0;
	for (i = 0; i < OSPREY_COREDUMP_CRC_DIGITS; i++, q++) {
		if (q == c->len)
			goto truncated;
		if (!is_digit(in[q]) && !(in[q] >= 'a' && in[q] <= 'f'))
			return cd_fail(c, q, "bad crc field (8 lowercase hex digits expected)");
	}
	if (q == c->len)
		goto truncated;
	if (in[q] != '\n')
		return cd_fail(c, q, "bad crc field (8 lowercase hex digits expected)");
	s->offset = p;
	s->body_offset = q + 1;
	if (length > c->len - s->body_offset) {
		if (c->err && c->errlen)
			snprintf(c->err, c->errlen,
				 "truncated in section '%s' (#%zu) at byte %zu: body needs %llu bytes, %zu left",
				 s->name, c->sec_no, c->len, (unsigned long long)length,
				 c->len - s->body_offset);
		return -1;
	}
	if (length > CD_MAX_SIZE)
		return cd_fail(c, p, "length %llu: larger than the 4 GiB a dump may have",
			       (unsigned long long)length);
	s->length = (size_t)length;
	return 0;

truncated:
	if (!c->err || !c->errlen)
		return -1;
	if (c->sec_name)
		snprintf(c->err, c->errlen,
			 "truncated in the header line of section '%s' (#%zu) at byte %zu",
			 c->sec_name, c->sec_no, c->len);
	else
		snprintf(c->err, c->errlen,
			 "truncated in the header line of section #%zu at byte %zu", c->sec_no,
			 c->len);
	return -1;
}

static int pass1(struct cd_ctx *c)
{
	struct osp_coredump *cd = c->cd;
	const unsigned char *in = c->in;
	int last = -1;
	size_t p, i;
	char b[48];

	for (i = 0; i < OSPREY_COREDUMP_MAGIC_LEN; i++) {
		if (i == c->len) {
			if (c->err && c->errlen)
				snprintf(c->err, c->errlen,
					 "truncated in the magic line, before section 'header' (#1), at byte %zu",
					 c->len);
			return -1;
		}
		if (in[i] != (unsigned char)OSPREY_COREDUMP_MAGIC[i]) {
			if (c->err && c->errlen)
				snprintf(c->err, c->errlen,
					 "magic line, before section 'header' (#1), at byte %zu: not \"OSPREY-COREDUMP 1\" but '%s'",
					 i, show(b, sizeof(b), in, c->len < 18 ? c->len : 18));
			return -1;
		}
	}

	for (p = OSPREY_COREDUMP_MAGIC_LEN;;) {
		struct osp_coredump_section s;
		enum cd_rank r;
		uint32_t crc, want = 0;

		memset(&s, 0, sizeof(s));
		c->sec_no = cd->nsections + 1;
		c->sec_name = NULL;
		if (p == c->len) {
			if (!c->err || !c->errlen)
				return -1;
			if (cd->nsections)
				snprintf(c->err, c->errlen,
					 "truncated after section '%s' (#%zu) at byte %zu: no 'end' section",
					 cd->sections[cd->nsections - 1].name, cd->nsections, p);
			else
				snprintf(c->err, c->errlen,
					 "truncated before section #1 at byte %zu: no 'header' section",
					 p);
			return -1;
		}
		if (read_header_line(c, p, &s))
			return -1;
		c->sec_name = NULL;
		if (add_section(c, &s, R_UNKNOWN))
			return -1;
		c->sec_name = cd->sections[cd->nsections - 1].name;
		for (i = 0; i < OSPREY_COREDUMP_CRC_DIGITS; i++)
			want = want << 4 | (uint32_t)hex_val(in[s.body_offset - 9 + i]);
		crc = cd_crc32(in + s.body_offset, s.length);
#ifdef OSP_COREDUMP_IGNORE_CRC
		crc = want;
#endif
		if (crc != want)
			return cd_fail(c, s.offset,
				       "crc mismatch (header says %08x, body has %08x)", want, crc);
		r = rank_of(s.name);
		c->sec_rank[cd->nsections - 1] = r;
		if (r != R_UNKNOWN) {
			if ((int)r < last || ((int)r == last && r != R_BO))
				return cd_fail(c, s.offset, "section out of order (after '%s')",
					       rank_names[last]);
			last = r;
			c->ranks[r]++;
		}
		p = s.body_offset + s.length;
		if (r == R_END) {
			for (i = 0; i < R_NRANKS; i++)
				if (i != R_BO && i != R_DISPLAY && !c->ranks[i])
					return cd_fail(c, s.offset, "no '%s' section before 'end'",
						       rank_names[i]);
			cd->size = p;
			return 0;
		}
	}
}

/* Pass 2: key lines ------------------------------------------------------ */

static const struct key_spec *find_key(int rank, const char *key, size_t *idx)
{
	size_t i;

	if (rank >= R_NRANKS)
		return NULL;
	for (i = 0; i < rank_keys[rank].nkeys; i++) {
		if (!strcmp(rank_keys[rank].keys[i].key, key)) {
			*idx = i;
			return &rank_keys[rank].keys[i];
		}
	}
	return NULL;
}

/* Length of the escape at @p (which starts with '\\'), 0 if invalid. */
static size_t escape_len(const unsigned char *p, size_t n)
{
	if (n > 1 && (p[1] == '\\' || p[1] == '"'))
		return 2;
	if (n > 3 && p[1] == 'x' && hex_val(p[2]) >= 0 && hex_val(p[3]) >= 0)
		return 4;
	return 0;
}

/*
 * Check the syntax of a value: tokens separated by single spaces, printable
 * ASCII, quoted strings (at a token's start or after '=') well formed.
 * Returns the offset of the first error, or @n if none; *@whole is set if
 * the value is one quoted string.
 */
static size_t check_value(const unsigned char *v, size_t n, int *whole, const char **why)
{
	size_t i = 0;
	int at_start = 1;

	*whole = 0;
	while (i < n) {
		unsigned char ch = v[i];

		if (ch == '"') {
			size_t start = i;

			if (!at_start && v[i - 1] != '=') {
				*why = "quote inside a word";
				return i;
			}
			for (i++;; ) {
				if (i >= n) {
					*why = "unterminated quoted string";
					return start;
				}
				ch = v[i];
				if (ch == '"') {
					i++;
					break;
				}
				if (ch == '\\') {
					size_t esc = escape_len(v + i, n - i);

					if (!esc) {
						*why = "bad escape (\\\\, \\\" or \\xHH expected)";
						return i;
					}
					i += esc;
					continue;
				}
				if (ch < 0x20 || ch > 0x7e) {
					*why = "unescaped byte in a quoted string";
					return i;
				}
				i++;
			}
			if (i < n && v[i] != ' ') {
				*why = "text after a closing quote";
				return i;
			}
			if (start == 0 && i == n)
				*whole = 1;
			at_start = 0;
			continue;
		}
		if (ch == ' ') {
			if (at_start || i + 1 == n) {
				*why = "stray space";
				return i;
			}
			at_start = 1;
			i++;
			continue;
		}
		if (ch < 0x21 || ch > 0x7e || ch == '\\') {
			*why = "byte not allowed outside a quoted string";
			return i;
		}
		at_start = 0;
		i++;
	}
	return n;
}

static int add_entry(struct cd_ctx *c, size_t sec, size_t offset, const char *key,
		     const char *value)
{
	struct osp_coredump *cd = c->cd;

	if (cd->nentries == c->entries_cap) {
		size_t cap = c->entries_cap ? c->entries_cap * 2 : 64;
		struct osp_coredump_entry *ne = realloc(cd->entries, cap * sizeof(*ne));

		if (!ne)
			return cd_fail(c, offset, "out of memory");
		cd->entries = ne;
		c->entries_cap = cap;
	}
	cd->entries[cd->nentries].section = sec;
	cd->entries[cd->nentries].offset = offset;
	cd->entries[cd->nentries].key = key;
	cd->entries[cd->nentries].value = value;
	cd->nentries++;
	return 0;
}

static int parse_lines(struct cd_ctx *c, size_t si)
{
	struct osp_coredump *cd = c->cd;
	struct osp_coredump_section *s = &cd->sections[si];
	const unsigned char *b = (const unsigned char *)s->body;
	int rank = c->sec_rank[si];
	size_t n = s->length, base = s->body_offset, i = 0, last = 0;
	int have_last = 0;
	char sb[48];

	s->first_entry = cd->nentries;
	s->data_offset = n;
	if (n && b[n - 1] != '\n')
		return cd_fail(c, base + n - 1, "body does not end with a newline");
	while (i < n) {
		const unsigned char *eol = memchr(b + i, '\n', n - i);
		size_t e = (size_t)(eol - b), k = i, v, bad;
		const struct key_spec *ks;
		char *key, *val;
		const char *why = "";
		int whole;
		size_t idx;

		while (k < e && is_key_char(b[k], rank == R_REGISTERS))
			k++;
		if (k == i)
			return cd_fail(c, base + i, "expected a key, found '%s'",
				       show(sb, sizeof(sb), b + i, e - i));
		if (k == e || b[k] != ':')
			return cd_fail(c, base + k, "bad key '%s' (%s followed by ':')",
				       show(sb, sizeof(sb), b + i, e - i),
				       rank == R_REGISTERS ? "A-Z, 0-9, '_'" : "a-z, 0-9, '_'");
		v = k + 1;
		if (v < e) {
			if (b[v] != ' ')
				return cd_fail(c, base + v, "expected ': ' after key");
			v++;
		}
		bad = check_value(b + v, e - v, &whole, &why);
		if (bad != e - v)
			return cd_fail(c, base + v + bad, "%s in the value of '%s'", why,
				       show(sb, sizeof(sb), b + i, k - i));

		key = c->cd->arena + c->arena_used;
		memcpy(key, b + i, k - i);
		key[k - i] = '\0';
		val = key + (k - i) + 1;
		if (whole) {
			unquote((const char *)b + v, e - v, val, e - v);
			c->arena_used += (k - i) + 1 + strlen(val) + 1;
		} else {
			memcpy(val, b + v, e - v);
			val[e - v] = '\0';
			c->arena_used += (k - i) + 1 + (e - v) + 1;
		}
		if (add_entry(c, si, base + i, key, val))
			return -1;
		s->nentries++;

		ks = find_key(rank, key, &idx);
		if (ks) {
			size_t w;

			if (!rank_keys[rank].own_order && have_last &&
			    (idx < last || (idx == last && !(ks->flags & K_REPEAT))))
				return cd_fail(c, base + i, "key '%s' %s", key,
					       idx == last ? "repeated" : "out of order");
			last = idx;
			have_last = 1;
			if (whole && ks->type != T_STR)
				return cd_fail(c, base + v, "'%s': quoted string not expected",
					       key);
			switch (ks->type) {
			case T_DEC:
			case T_HEX:
			case T_NUM:
				if (check_type_num(val, ks->type))
					return cd_fail(c, base + v,
						       "'%s': bad number '%s' (%s expected)", key,
						       show(sb, sizeof(sb), b + v, e - v),
						       ks->type == T_DEC ? "decimal" :
						       ks->type == T_HEX ? "0x hex" :
						       "decimal or 0x hex");
				break;
			case T_STR:
				if (!whole)
					return cd_fail(c, base + v, "'%s': quoted string expected",
						       key);
				break;
			case T_ENUM:
				for (w = 0; ks->words[w]; w++)
					if (!strcmp(ks->words[w], val))
						break;
				if (!ks->words[w] || whole)
					return cd_fail(c, base + v, "'%s': bad value '%s'", key,
						       show(sb, sizeof(sb), b + v, e - v));
				break;
			case T_EMPTY:
				if (e != v)
					return cd_fail(c, base + v, "'%s': value must be empty",
						       key);
				break;
			case T_LIST:
				if (!list_ok(val))
					return cd_fail(c, base + v,
						       "'%s': name=value list expected", key);
				break;
			case T_ANY:
				break;
			}
			if ((rank == R_RING || rank == R_BO) && !strcmp(key, "data")) {
				s->data_offset = e + 1;
				return 0;
			}
		} else if (rank == R_REGISTERS) {
			size_t d;

			if (e - v != 10 || b[v] != '0' || b[v + 1] != 'x')
				return cd_fail(c, base + v,
					       "register '%s': 0x and 8 hex digits expected", key);
			for (d = v + 2; d < e; d++)
				if (hex_val(b[d]) < 0)
					return cd_fail(c, base + d,
						       "register '%s': 0x and 8 hex digits expected",
						       key);
		}
		i = e + 1;
	}
	return 0;
}

/* Section checks --------------------------------------------------------- */

static const struct osp_coredump_entry *sec_get(const struct osp_coredump *cd, size_t si,
						const char *key)
{
	const struct osp_coredump_section *s = &cd->sections[si];
	size_t i;

	for (i = s->first_entry; i < s->first_entry + s->nentries; i++)
		if (!strcmp(cd->entries[i].key, key))
			return &cd->entries[i];
	return NULL;
}

static uint64_t sec_u64(const struct osp_coredump *cd, size_t si, const char *key)
{
	const struct osp_coredump_entry *e = sec_get(cd, si, key);
	uint64_t v = 0;

	if (e)
		parse_u64_n(e->value, strlen(e->value), &v);
	return v;
}

/* Every required key is present, or (@only_first) only the first known key. */
static int check_required(struct cd_ctx *c, size_t si, int only_first)
{
	const struct osp_coredump_section *s = &c->cd->sections[si];
	int rank = c->sec_rank[si];
	size_t k;

	for (k = 0; k < rank_keys[rank].nkeys; k++) {
		const struct key_spec *ks = &rank_keys[rank].keys[k];
		const struct osp_coredump_entry *e = sec_get(c->cd, si, ks->key);

		if (only_first && k) {
			if (e)
				return cd_fail(c, e->offset, "key '%s' with '%s: none'", ks->key,
					       rank_keys[rank].keys[0].key);
		} else if (!e && (ks->flags & K_REQ)) {
			return cd_fail(c, s->offset, "missing key '%s'", ks->key);
		}
	}
	return 0;
}

static int check_time(const char *t)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd.dddddddddZ";
	size_t i;
	int mon, day, h, m, sec;

	if (strlen(t) != sizeof(pat) - 1)
		return -1;
	for (i = 0; pat[i]; i++)
		if (pat[i] == 'd' ? !is_digit(t[i]) : t[i] != pat[i])
			return -1;
	mon = (t[5] - '0') * 10 + t[6] - '0';
	day = (t[8] - '0') * 10 + t[9] - '0';
	h = (t[11] - '0') * 10 + t[12] - '0';
	m = (t[14] - '0') * 10 + t[15] - '0';
	sec = (t[17] - '0') * 10 + t[18] - '0';
	if (mon < 1 || mon > 12 || day < 1 || day > 31 || h > 23 || m > 59 || sec > 60)
		return -1;
	return 0;
}

/* "<digits>.<digits>[.<digits>]" with exactly @parts parts, whole string. */
static int check_version(const char *v, int parts)
{
	int i;

	for (i = 0; i < parts; i++) {
		if (i && *v++ != '.')
			return -1;
		if (!is_digit(*v))
			return -1;
		while (is_digit(*v))
			v++;
	}
	return *v ? -1 : 0;
}

static int check_header(struct cd_ctx *c, size_t si)
{
	const struct osp_coredump_entry *e;
	const char *v;
	char buf[32];

	if (check_required(c, si, 0))
		return -1;
	e = sec_get(c->cd, si, "format");
	if (strcmp(e->value, "1"))
		return cd_fail(c, e->offset, "format %s: only version 1 is known", e->value);
	e = sec_get(c->cd, si, "driver");
	if (strncmp(e->value, "osprey ", 7) || check_version(e->value + 7, 3))
		return cd_fail(c, e->offset, "driver: 'osprey <major>.<minor>.<patch>' expected");
	e = sec_get(c->cd, si, "gpu");
	v = e->value;
	if (osp_coredump_field(v, "model", buf, sizeof(buf)) || strlen(buf) < 6 ||
	    check_type_num(buf, T_HEX) ||
	    osp_coredump_field(v, "revision", buf, sizeof(buf)) || check_version(buf, 2))
		return cd_fail(c, e->offset,
			       "gpu: 'model=0xMMMM revision=<major>.<minor>' expected");
	e = sec_get(c->cd, si, "sequence");
	if (!sec_u64(c->cd, si, "sequence"))
		return cd_fail(c, e->offset, "sequence: numbered from 1");
	e = sec_get(c->cd, si, "time");
	if (check_time(e->value))
		return cd_fail(c, e->offset, "time: 'YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ' expected");
	return 0;
}

static int check_ring(struct cd_ctx *c, size_t si)
{
	struct osp_coredump *cd = c->cd;
	const struct osp_coredump_section *s = &cd->sections[si];
	const unsigned char *b = (const unsigned char *)s->body;
	uint64_t size, head, tail, start, words, got = 0, line = 0;
	size_t i;

	if (check_required(c, si, 0))
		return -1;
	size = sec_u64(cd, si, "size");
	head = sec_u64(cd, si, "head");
	tail = sec_u64(cd, si, "tail");
	start = sec_u64(cd, si, "start");
	words = sec_u64(cd, si, "words");
	if (words > CD_RING_MAX_WORDS)
		return cd_fail(c, sec_get(cd, si, "words")->offset, "words %llu: at most %d",
			       (unsigned long long)words, CD_RING_MAX_WORDS);
	if (size % 4 || (size && (head >= size || tail >= size || start >= size)) ||
	    ((head | tail | start) & 3) || (!size && (words || head || tail || start)))
		return cd_fail(c, s->offset,
			       "ring offsets (head, tail, start) must be word offsets within size");
	cd->ring_words = calloc(words ? words : 1, sizeof(uint32_t));
	if (!cd->ring_words)
		return cd_fail(c, s->offset, "out of memory");

	for (i = s->data_offset; i < s->length; line++) {
		const unsigned char *eol = memchr(b + i, '\n', s->length - i);
		size_t e = (size_t)(eol - b), p = i, nw = 0;
		uint64_t off = 0;

		if (e - p < 4 || b[p] != '0' || b[p + 1] != 'x')
			return cd_fail(c, s->body_offset + p,
				       "ring data line: '0xOFFSET:' expected");
		for (p += 2; p < e && hex_val(b[p]) >= 0 && p - i < 10; p++)
			off = off << 4 | (uint64_t)hex_val(b[p]);
		if (p == i + 2 || p == e || b[p] != ':')
			return cd_fail(c, s->body_offset + p,
				       "ring data line: '0xOFFSET:' expected");
		p++;
		if (got == words || off != (start + line * 4 * CD_RING_WORDS_PER_LINE) % size)
			return cd_fail(c, s->body_offset + i,
				       "ring data line at offset 0x%llx, expected %s",
				       (unsigned long long)off,
				       got == words ? "no more (all words seen)" :
				       "the next 8 words after the previous line");
		while (p < e) {
			uint32_t w = 0;
			size_t d;

			if (e - p < 9 || b[p] != ' ')
				return cd_fail(c, s->body_offset + p,
					       "ring data line: ' ' and 8 hex digits expected");
			for (d = 1; d <= 8; d++) {
				if (hex_val(b[p + d]) < 0)
					return cd_fail(c, s->body_offset + p + d,
						       "ring data line: bad hex digit");
				w = w << 4 | (uint32_t)hex_val(b[p + d]);
			}
			if (nw == CD_RING_WORDS_PER_LINE || got == words)
				return cd_fail(c, s->body_offset + p, "ring data line: %s",
					       got == words ? "more words than 'words' says" :
					       "more than 8 words");
			cd->ring_words[got++] = w;
			nw++;
			p += 9;
		}
		if (!nw || (nw < CD_RING_WORDS_PER_LINE && got != words))
			return cd_fail(c, s->body_offset + i,
				       "ring data line with %zu words (8 expected, fewer only on the last line)",
				       nw);
		i = e + 1;
	}
	if (got != words)
		return cd_fail(c, s->body_offset + s->length,
			       "ring data has %llu words, 'words' says %llu",
			       (unsigned long long)got, (unsigned long long)words);
	cd->nring_words = (size_t)words;
	return 0;
}

static int check_job(struct cd_ctx *c, size_t si)
{
	const struct osp_coredump_entry *e = sec_get(c->cd, si, "state");

	if (!e)
		return cd_fail(c, c->cd->sections[si].offset, "missing key 'state'");
	return check_required(c, si, !strcmp(e->value, "none"));
}

static int check_fault(struct cd_ctx *c, size_t si)
{
	const struct osp_coredump_entry *e = sec_get(c->cd, si, "status");
	static const char *const lk[] = { "l0", "l1", "l2" };
	int walk, valid = 1;
	size_t i;

	if (!e)
		return cd_fail(c, c->cd->sections[si].offset, "missing key 'status'");
	if (check_required(c, si, !strcmp(e->value, "none")))
		return -1;
	walk = !strcmp(e->value, "translation") || !strcmp(e->value, "permission");
	for (i = 0; i < ARRAY_SIZE(lk); i++) {
		const struct osp_coredump_entry *l = sec_get(c->cd, si, lk[i]);
		uint64_t index, entry;
		char buf[24];

		if (!l)
			continue;
		if (!walk)
			return cd_fail(c, l->offset, "page-table walk with fault status '%s'",
				       e->value);
		if (!valid || (i && !sec_get(c->cd, si, lk[i - 1])))
			return cd_fail(c, l->offset,
				       "'%s': the walk stops at the first entry without VALID",
				       lk[i]);
		if (field_num(l->value, "index", T_DEC, &index) || index >= CD_WALK_ENTRIES ||
		    osp_coredump_field(l->value, "entry", buf, sizeof(buf)) ||
		    strlen(buf) != 18 || check_type_num(buf, T_HEX))
			return cd_fail(c, l->offset,
				       "'%s': 'index=<0..511> entry=0x<16 hex digits>' expected",
				       lk[i]);
		parse_u64_n(buf, 18, &entry);
		valid = entry & 1;
	}
	return 0;
}

/* count: matches the number of @key lines; each of those checked by @fn. */
static int check_counted(struct cd_ctx *c, size_t si, const char *key,
			 int (*fn)(struct cd_ctx *c, const struct osp_coredump_entry *e,
				   void *arg), void *arg)
{
	const struct osp_coredump_section *s = &c->cd->sections[si];
	uint64_t count, n = 0;
	size_t i;

	if (check_required(c, si, 0))
		return -1;
	count = sec_u64(c->cd, si, "count");
	for (i = s->first_entry; i < s->first_entry + s->nentries; i++) {
		const struct osp_coredump_entry *e = &c->cd->entries[i];

		if (strcmp(e->key, key))
			continue;
		n++;
		if (fn(c, e, arg))
			return -1;
	}
	if (n != count)
		return cd_fail(c, sec_get(c->cd, si, "count")->offset,
			       "count %llu, but %llu '%s' lines", (unsigned long long)count,
			       (unsigned long long)n, key);
	return 0;
}

struct map_state {
	uint64_t end;		/* of the previous mapping */
	int any;
};

static int check_map(struct cd_ctx *c, const struct osp_coredump_entry *e, void *arg)
{
	static const char *const flags[] = { "rw", "ro", NULL };
	struct map_state *m = arg;
	uint64_t va, size, bo, off;

	if (field_num(e->value, "va", T_HEX, &va) || field_num(e->value, "size", T_HEX, &size) ||
	    field_num(e->value, "bo", T_DEC, &bo) || field_num(e->value, "offset", T_HEX, &off) ||
	    field_word(e->value, "flags", flags))
		return cd_fail(c, e->offset,
			       "map: 'va=0x... size=0x... bo=<id> offset=0x... flags=<rw|ro>' expected");
	if (!size || va + size < va)
		return cd_fail(c, e->offset, "map: bad size");
	if (m->any && va < m->end)
		return cd_fail(c, e->offset,
			       "map: not in VA order, or overlapping the previous one");
	m->end = va + size;
	m->any = 1;
	return 0;
}

static int check_mappings(struct cd_ctx *c, size_t si)
{
	struct map_state m = { 0 };

	return check_counted(c, si, "map", check_map, &m);
}

static int check_job_line(struct cd_ctx *c, const struct osp_coredump_entry *e, void *arg)
{
	uint64_t x;

	(void)arg;
	if (field_num(e->value, "hw_seqno", T_NUM, &x) || field_num(e->value, "queue", T_DEC, &x) ||
	    field_num(e->value, "vm", T_DEC, &x) || field_num(e->value, "pid", T_DEC, &x) ||
	    field_num(e->value, "batch_va", T_HEX, &x) || field_word(e->value, "state", NULL))
		return cd_fail(c, e->offset,
			       "job: 'hw_seqno=<n> queue=<id> vm=<id> pid=<pid> batch_va=0x... state=<state>' expected");
	return 0;
}

static int check_jobs(struct cd_ctx *c, size_t si)
{
	return check_counted(c, si, "job", check_job_line, NULL);
}

static int check_skip(struct cd_ctx *c, const struct osp_coredump_entry *e, void *arg)
{
	const char *v;
	size_t n;

	(void)arg;
	if (field_word(e->value, "what", NULL) || find_field(e->value, "reason", &v, &n) ||
	    *v != '"')
		return cd_fail(c, e->offset, "skip: 'what=<word> reason=\"<why>\"' expected");
	return 0;
}

static int check_skipped(struct cd_ctx *c, size_t si)
{
	return check_counted(c, si, "skip", check_skip, NULL);
}

/* Display section --------------------------------------------------------- */

_Static_assert(OSP_CD_DISPLAY_MAX_PIPES == OSPREY_CD_DISPLAY_MAX_PIPES, "pipes");
_Static_assert(OSP_CD_DISPLAY_PLANES == OSPREY_CD_DISPLAY_PLANES, "planes");
_Static_assert(OSP_CD_DISPLAY_CRCS == OSPREY_CD_DISPLAY_CRCS, "crcs");
_Static_assert(OSP_CD_DISPLAY_WB == OSPREY_CD_DISPLAY_WB, "wb");

#define U16_LIMIT	0xffffull
#define U32_LIMIT	0xffffffffull

static const char *const w_format[] = { "xrgb8888", "argb8888", "rgb565", "xbgr8888",
	"abgr8888", NULL };
static const char *const w_blend[] = { "premulti", "coverage", "none", NULL };

/* "0x" and eight hex digits: a 32-bit register, as the writer prints one. */
static int is_reg32(const char *v)
{
	size_t i;

	if (strlen(v) != 10 || v[0] != '0' || v[1] != 'x')
		return 0;
	for (i = 2; i < 10; i++)
		if (hex_val((unsigned char)v[i]) < 0)
			return 0;
	return 1;
}

static uint32_t reg32(const char *v)
{
	uint64_t x = 0;

	parse_u64_n(v, strlen(v), &x);
	return (uint32_t)x;
}

/* Field @name of @list, not quoted, into @buf. 0 or -1. */
static int field_bare(const char *list, const char *name, char *buf, size_t buflen)
{
	const char *v;
	size_t n;

	if (find_field(list, name, &v, &n) || !n || *v == '"' || n >= buflen)
		return -1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return 0;
}

/* Field @name of @list, a number of type @t, not quoted. 0 or -1. */
static int field_bare_num(const char *list, const char *name, enum cd_type t, uint64_t *out)
{
	char buf[24];

	if (field_bare(list, name, buf, sizeof(buf)) || check_type_num(buf, t))
		return -1;
	return parse_u64_n(buf, strlen(buf), out) ? -1 : 0;
}

/* Field @name of @list, a register (is_reg32()). 0 or -1. */
static int field_reg(const char *list, const char *name, uint32_t *out)
{
	char buf[16];

	if (field_bare(list, name, buf, sizeof(buf)) || !is_reg32(buf))
		return -1;
	*out = reg32(buf);
	return 0;
}

/* Field @name of @list, a decimal number at most @max. 0 or -1. */
static int field_dec(const char *list, const char *name, uint64_t max, uint32_t *out)
{
	uint64_t v;

	if (field_bare_num(list, name, T_DEC, &v) || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* Field @name of @list, a 0x hex number (an address). 0 or -1. */
static int field_hex(const char *list, const char *name, uint64_t *out)
{
	return field_bare_num(list, name, T_HEX, out);
}

/*
 * Field @name of @list, a value of a register the hardware defines some
 * values of: the word of @words (the i-th stands for i) or, for any other
 * value, the number in decimal. Its spelling goes to @buf. 0 or -1.
 */
static int field_code(const char *list, const char *name, const char *const *words,
		      char *buf, size_t buflen)
{
	uint64_t v;
	size_t n = 0;

	while (words[n])
		n++;
	if (!field_word(list, name, words))
		return osp_coredump_field(list, name, buf, buflen) ? -1 : 0;
	if (field_bare_num(list, name, T_DEC, &v) || v < n || v > U32_LIMIT)
		return -1;
	snprintf(buf, buflen, "%llu", (unsigned long long)v);
	return 0;
}

/* Field @name of @list, a plane: "wb" for the writeback, else decimal. 0 or -1. */
static int field_plane(const char *list, const char *name, uint32_t *out)
{
	static const char *const wb[] = { "wb", NULL };
	uint64_t v;

	if (!field_word(list, name, wb)) {
		*out = OSP_CD_DISPLAY_WB;
		return 0;
	}
	if (field_bare_num(list, name, T_DEC, &v) || v > U32_LIMIT || v == OSP_CD_DISPLAY_WB)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* A global key of the display section (after "controller"). */
static int display_global(struct cd_ctx *c, const struct osp_coredump_entry *e, size_t idx)
{
	struct osp_coredump_display *d = &c->cd->display;
	const char *v = e->value;
	uint64_t x = 0;

	switch (idx) {
	case D_PIPES:
		parse_u64_n(v, strlen(v), &x);
		if (x > OSP_CD_DISPLAY_MAX_PIPES)
			return cd_fail(c, e->offset, "pipes %s: at most %d", v,
				       OSP_CD_DISPLAY_MAX_PIPES);
		d->npipes = (uint32_t)x;
		return 0;
	case D_AS:
		if (field_reg(v, "control", &d->as_control) ||
		    field_hex(v, "pgtable", &d->pgtable))
			return cd_fail(c, e->offset,
				       "as: 'control=0x<8 hex digits> pgtable=0x...' expected");
		return 0;
	case D_MAX:
		if (field_dec(v, "width", U32_LIMIT, &d->max_width) ||
		    field_dec(v, "height", U32_LIMIT, &d->max_height))
			return cd_fail(c, e->offset, "max: 'width=<n> height=<n>' expected");
		return 0;
	case D_UNDERRUN:
		if (field_dec(v, "pipe", OSP_CD_DISPLAY_MAX_PIPES - 1, &d->underrun_pipe) ||
		    field_plane(v, "plane", &d->underrun_plane) ||
		    field_hex(v, "address", &d->underrun_address))
			return cd_fail(c, e->offset,
				       "underrun: 'pipe=<0..%d> plane=<n|wb> address=0x...' expected",
				       OSP_CD_DISPLAY_MAX_PIPES - 1);
		d->has_underrun = true;
		return 0;
	}
	return 0;
}

/* A key of a pipe's group; @nplanes: the pipe's planes so far. */
static int display_pipe_key(struct cd_ctx *c, const struct osp_coredump_entry *e, size_t idx,
			    struct osp_coredump_pipe *pp, size_t *nplanes)
{
	const char *v = e->value;
	struct osp_coredump_plane *pl;
	uint64_t x64 = 0;
	uint32_t x;

	switch (idx) {
	case D_CONTROL:
	case D_BG_COLOR:
	case D_UPDATE:
	case D_STATUS:
		if (!is_reg32(v))
			return cd_fail(c, e->offset, "'%s': 0x and 8 hex digits expected", e->key);
		x = reg32(v);
		if (idx == D_CONTROL) {
			pp->control = x;
			pp->enabled = x & 1;
		} else if (idx == D_BG_COLOR) {
			pp->bg_color = x;
		} else if (idx == D_UPDATE) {
			pp->update = x;
		} else {
			pp->status = x;
			pp->active = x & 1;
			pp->underrun = x & 2;
		}
		return 0;
	case D_MODE:
		if (field_dec(v, "width", U16_LIMIT, &pp->width) ||
		    field_dec(v, "height", U16_LIMIT, &pp->height) ||
		    field_dec(v, "htotal", U16_LIMIT, &pp->htotal) ||
		    field_dec(v, "vtotal", U16_LIMIT, &pp->vtotal) ||
		    field_dec(v, "clock", U32_LIMIT, &pp->clock_khz))
			return cd_fail(c, e->offset,
				       "mode: 'width=<n> height=<n> htotal=<n> vtotal=<n> clock=<kHz>' expected (16-bit sizes)");
		return 0;
	case D_FRAME_COUNT:
		parse_u64_n(v, strlen(v), &x64);
		if (x64 > U32_LIMIT)
			return cd_fail(c, e->offset, "frame_count %s: a 32-bit count expected", v);
		pp->frame_count = (uint32_t)x64;
		return 0;
	case D_VBLANK_TS:
		parse_u64_n(v, strlen(v), &pp->vblank_ts);
		return 0;
	case D_CRC:
		if (field_reg(v, "control", &pp->crc_control) ||
		    field_reg(v, "value", &pp->crc_value) ||
		    field_dec(v, "frame", U32_LIMIT, &pp->crc_frame))
			return cd_fail(c, e->offset,
				       "crc: 'control=0x<8 hex digits> value=0x<8 hex digits> frame=<n>' expected");
		return 0;
	case D_CONN:
		if (field_reg(v, "status", &pp->conn_status) ||
		    field_dec(v, "edid_size", U32_LIMIT, &pp->edid_size))
			return cd_fail(c, e->offset,
				       "conn: 'status=0x<8 hex digits> edid_size=<n>' expected");
		return 0;
	case D_LAST_UNDERRUN:
		if (field_hex(v, "address", &pp->underrun_address) ||
		    field_plane(v, "plane", &pp->underrun_plane) ||
		    field_dec(v, "count", U32_LIMIT, &pp->underrun_count))
			return cd_fail(c, e->offset,
				       "last_underrun: 'address=0x... plane=<n|wb> count=<n>' expected");
		return 0;
	case D_WB:
		if (field_reg(v, "control", &pp->wb_control) ||
		    field_hex(v, "address", &pp->wb_address) ||
		    field_dec(v, "pitch", U32_LIMIT, &pp->wb_pitch) ||
		    field_reg(v, "status", &pp->wb_status))
			return cd_fail(c, e->offset,
				       "wb: 'control=0x<8 hex digits> address=0x... pitch=<n> status=0x<8 hex digits>' expected");
		return 0;
	case D_PLANE:
		pl = &pp->planes[*nplanes];
		if (field_dec(v, "index", U32_LIMIT, &pl->index) ||
		    field_reg(v, "control", &pl->control) ||
		    field_code(v, "format", w_format, pl->format, sizeof(pl->format)) ||
		    field_hex(v, "address", &pl->address) ||
		    field_dec(v, "pitch", U32_LIMIT, &pl->pitch) ||
		    field_dec(v, "width", U16_LIMIT, &pl->width) ||
		    field_dec(v, "height", U16_LIMIT, &pl->height) ||
		    field_dec(v, "x", U16_LIMIT, &pl->x) ||
		    field_dec(v, "y", U16_LIMIT, &pl->y) ||
		    field_dec(v, "alpha", U32_LIMIT, &pl->alpha) ||
		    field_code(v, "blend", w_blend, pl->blend, sizeof(pl->blend)) ||
		    field_dec(v, "zpos", U32_LIMIT, &pl->zpos))
			return cd_fail(c, e->offset,
				       "plane: 'index=<n> control=0x<8 hex digits> format=<format> address=0x... pitch=<n> width=<n> height=<n> x=<n> y=<n> alpha=<n> blend=<blend> zpos=<n>' expected");
		if (pl->index != *nplanes)
			return cd_fail(c, e->offset,
				       "plane index %u: planes are listed from 0 in order (%zu expected)",
				       pl->index, *nplanes);
		pl->enabled = pl->control & 1;
		(*nplanes)++;
		return 0;
	case D_CRC_HISTORY:
		if (field_dec(v, "frame", U32_LIMIT, &pp->crc_frames[pp->ncrcs]) ||
		    field_reg(v, "value", &pp->crcs[pp->ncrcs]))
			return cd_fail(c, e->offset,
				       "crc_history: 'frame=<n> value=0x<8 hex digits>' expected");
		pp->ncrcs++;
		return 0;
	}
	return 0;
}

/* The end of a pipe's group, at byte @at: is it whole? */
static int display_pipe_done(struct cd_ctx *c, size_t at, const struct osp_coredump_pipe *pp,
			     size_t next, size_t nplanes)
{
	if (next < D_PLANE)
		return cd_fail(c, at, "pipe %u: missing key '%s'", pp->index,
			       display_keys[next].key);
	if (nplanes != OSP_CD_DISPLAY_PLANES)
		return cd_fail(c, at, "pipe %u: %zu planes, %d expected", pp->index, nplanes,
			       OSP_CD_DISPLAY_PLANES);
	return 0;
}

/*
 * The display section: "controller" first; with "present", the global keys
 * in order ("underrun" optional), then for each pipe from 0 a group that
 * starts with "pipe", has each of its keys once in order, three "plane"
 * lines from index 0, and at most OSP_CD_DISPLAY_CRCS "crc_history" lines.
 * Unknown keys may stand anywhere after "controller".
 */
static int check_display(struct cd_ctx *c, size_t si)
{
	struct osp_coredump *cd = c->cd;
	const struct osp_coredump_section *s = &cd->sections[si];
	struct osp_coredump_display *d = &cd->display;
	struct osp_coredump_pipe *pp = NULL;
	size_t i, top = 0, next = 0, nplanes = 0, underrun_at = 0;
	uint32_t seen = 0;
	char num[16];

	memset(d, 0, sizeof(*d));
	cd->has_display = true;
	d->section = si;
	for (i = s->first_entry; i < s->first_entry + s->nentries; i++) {
		const struct osp_coredump_entry *e = &cd->entries[i];
		size_t idx;

		if (!find_key(R_DISPLAY, e->key, &idx))
			continue;
		if (idx == D_CONTROLLER) {
			if (top)
				return cd_fail(c, e->offset, "key 'controller' repeated");
			top = D_PIPES;
			d->present = !strcmp(e->value, "present");
			continue;
		}
		if (!top)
			return cd_fail(c, e->offset, "key '%s' before 'controller'", e->key);
		if (!d->present)
			return cd_fail(c, e->offset, "key '%s' with 'controller: none'", e->key);
		if (idx < D_PIPE) {
			if (pp || idx < top)
				return cd_fail(c, e->offset, "key '%s' repeated or out of order",
					       e->key);
			if (top < D_UNDERRUN && idx > top)
				return cd_fail(c, e->offset, "missing key '%s' before '%s'",
					       display_keys[top].key, e->key);
			top = idx + 1;
			if (idx == D_UNDERRUN)
				underrun_at = e->offset;
			if (display_global(c, e, idx))
				return -1;
			continue;
		}
		if (top < D_UNDERRUN)
			return cd_fail(c, e->offset, "missing key '%s' before '%s'",
				       display_keys[top].key, e->key);
		if (idx == D_PIPE) {
			if (pp && display_pipe_done(c, e->offset, pp, next, nplanes))
				return -1;
			if (seen == d->npipes)
				return cd_fail(c, e->offset, "pipe %s: more pipes than 'pipes: %u'",
					       e->value, d->npipes);
			snprintf(num, sizeof(num), "%u", seen);
			if (strcmp(e->value, num))
				return cd_fail(c, e->offset,
					       "pipe %s: pipes are listed from 0 in order (%u expected)",
					       e->value, seen);
			pp = &d->pipes[seen];
			pp->index = seen++;
			next = D_CONTROL;
			nplanes = 0;
			continue;
		}
		if (!pp)
			return cd_fail(c, e->offset, "key '%s' before the first 'pipe'", e->key);
		if (idx < D_PLANE) {
			if (idx < next)
				return cd_fail(c, e->offset,
					       "pipe %u: key '%s' repeated or out of order",
					       pp->index, e->key);
			if (idx > next)
				return cd_fail(c, e->offset,
					       "pipe %u: missing key '%s' before '%s'",
					       pp->index, display_keys[next].key, e->key);
			next++;
		} else if (next < D_PLANE) {
			return cd_fail(c, e->offset, "pipe %u: missing key '%s' before '%s'",
				       pp->index, display_keys[next].key, e->key);
		} else if (idx == D_PLANE) {
			if (next == D_CRC_HISTORY || nplanes == OSP_CD_DISPLAY_PLANES)
				return cd_fail(c, e->offset,
					       "pipe %u: a plane after its %d planes and their CRCs",
					       pp->index, OSP_CD_DISPLAY_PLANES);
		} else {
			if (nplanes != OSP_CD_DISPLAY_PLANES)
				return cd_fail(c, e->offset,
					       "pipe %u: crc_history before its %d planes",
					       pp->index, OSP_CD_DISPLAY_PLANES);
			if (pp->ncrcs == OSP_CD_DISPLAY_CRCS)
				return cd_fail(c, e->offset,
					       "pipe %u: more than %d crc_history lines",
					       pp->index, OSP_CD_DISPLAY_CRCS);
			next = D_CRC_HISTORY;
		}
		if (display_pipe_key(c, e, idx, pp, &nplanes))
			return -1;
	}
	if (!top)
		return cd_fail(c, s->offset, "missing key 'controller'");
	if (!d->present)
		return 0;
	if (top < D_UNDERRUN)
		return cd_fail(c, s->offset, "missing key '%s'", display_keys[top].key);
	if (pp && display_pipe_done(c, s->body_offset + s->length, pp, next, nplanes))
		return -1;
	if (seen != d->npipes)
		return cd_fail(c, s->body_offset + s->length, "pipes %u, but %u pipe groups",
			       d->npipes, seen);
	if (d->has_underrun && d->underrun_pipe < d->npipes) {
		const struct osp_coredump_pipe *u = &d->pipes[d->underrun_pipe];

		if (u->underrun_plane != d->underrun_plane ||
		    u->underrun_address != d->underrun_address)
			return cd_fail(c, underrun_at,
				       "underrun: plane and address differ from pipe %u's last_underrun",
				       d->underrun_pipe);
	}
	return 0;
}

/* Copy a string value of at most @max bytes into @dst. */
static int copy_str(struct cd_ctx *c, size_t si, const char *key, char *dst, size_t max)
{
	const struct osp_coredump_entry *e = sec_get(c->cd, si, key);
	size_t n;

	if (!e) {
		dst[0] = '\0';
		return 0;
	}
	n = strlen(e->value);
	if (n >= max)
		return cd_fail(c, e->offset, "'%s': longer than %zu bytes", key, max - 1);
	memcpy(dst, e->value, n + 1);
	return 0;
}

static int decode_a85(struct cd_ctx *c, size_t si, struct osp_coredump_bo *bo)
{
	const struct osp_coredump_section *s = &c->cd->sections[si];
	const char *b = s->body;
	size_t i, o = 0, g = 0, chars = 0;
	char grp[5];

	for (i = s->data_offset; i < s->length; i++)
		chars += b[i] != '\n';
	/* 'z' is four bytes, five characters are four: no more can come out. */
	if (bo->captured > (uint64_t)chars * 4)
		return cd_fail(c, s->body_offset + s->data_offset,
			       "captured %llu bytes, but only %zu characters of data",
			       (unsigned long long)bo->captured, chars);
	bo->data = malloc(bo->captured);
	if (!bo->data)
		return cd_fail(c, s->body_offset, "out of memory for %llu bytes",
			       (unsigned long long)bo->captured);
	for (i = s->data_offset; i < s->length; i++) {
		char ch = b[i];

		if (ch == '\n')
			continue;
		if (o + 4 > bo->captured)
			return cd_fail(c, s->body_offset + i,
				       "more data than captured (%llu bytes)",
				       (unsigned long long)bo->captured);
		if (ch == 'z' && !g) {
			memset(bo->data + o, 0, 4);
			o += 4;
			continue;
		}
		if (ch < '!' || ch > 'u')
			return cd_fail(c, s->body_offset + i, "bad ascii85 character 0x%02x",
				       (unsigned char)ch);
		grp[g++] = ch;
		if (g == 5) {
			if (osprey_a85_decode_group(grp, bo->data + o))
				return cd_fail(c, s->body_offset + i,
					       "ascii85 group larger than 32 bits");
			o += 4;
			g = 0;
		}
	}
	if (g || o != bo->captured)
		return cd_fail(c, s->body_offset + s->length,
			       "data ends after %zu bytes%s, captured says %llu", o,
			       g ? " and a partial group" : "", (unsigned long long)bo->captured);
	return 0;
}

static int check_bo(struct cd_ctx *c, size_t si)
{
	struct osp_coredump *cd = c->cd;
	const struct osp_coredump_section *s = &cd->sections[si];
	struct osp_coredump_bo *bo = &cd->bos[cd->nbos];
	const struct osp_coredump_entry *e;
	uint64_t pid;
	char buf[8];

	if (check_required(c, si, 0))
		return -1;
	memset(bo, 0, sizeof(*bo));
	cd->nbos++;
	bo->section = si;
	e = sec_get(cd, si, "id");
	if (sec_u64(cd, si, "id") != cd->nbos)
		return cd_fail(c, e->offset, "id %s: bo ids run from 1 in order (%zu expected)",
			       e->value, cd->nbos);
	bo->id = (uint32_t)cd->nbos;
	bo->size = sec_u64(cd, si, "size");
	bo->va = sec_u64(cd, si, "va");
	bo->captured = sec_u64(cd, si, "captured");
	pid = sec_u64(cd, si, "owner_pid");
	if (pid > INT64_MAX)
		return cd_fail(c, sec_get(cd, si, "owner_pid")->offset, "owner_pid out of range");
	bo->owner_pid = (int64_t)pid;
	if (copy_str(c, si, "label", bo->label, sizeof(bo->label)) ||
	    copy_str(c, si, "role", bo->role, sizeof(bo->role)) ||
	    copy_str(c, si, "owner_comm", bo->owner_comm, sizeof(bo->owner_comm)) ||
	    copy_str(c, si, "shared", bo->shared, sizeof(bo->shared)) ||
	    copy_str(c, si, "skipped", bo->skipped, sizeof(bo->skipped)) ||
	    copy_str(c, si, "truncated", buf, sizeof(buf)))
		return -1;
	bo->truncated = !strcmp(buf, "yes");

	e = sec_get(cd, si, "captured");
	if (bo->captured % 4 || bo->captured > bo->size)
		return cd_fail(c, e->offset, "captured %llu: a multiple of 4, at most size %llu",
			       (unsigned long long)bo->captured, (unsigned long long)bo->size);
	if (bo->truncated && bo->captured == bo->size)
		return cd_fail(c, sec_get(cd, si, "truncated")->offset,
			       "truncated: yes, but all %llu bytes captured",
			       (unsigned long long)bo->size);
	if (!bo->truncated && bo->captured && bo->captured < bo->size)
		return cd_fail(c, sec_get(cd, si, "truncated")->offset,
			       "truncated: no, but only %llu of %llu bytes captured",
			       (unsigned long long)bo->captured, (unsigned long long)bo->size);
	if (strcmp(bo->shared, "no") && bo->captured)
		return cd_fail(c, e->offset, "contents of a shared (%s) buffer", bo->shared);
	e = sec_get(cd, si, "skipped");
	if (!!e != (!bo->captured && bo->size))
		return cd_fail(c, e ? e->offset : s->offset,
			       "'skipped' is present exactly when captured is 0 and size is not");
	e = sec_get(cd, si, "data");
	if (!!e != !!bo->captured)
		return cd_fail(c, e ? e->offset : s->offset,
			       "'data' is present exactly when captured is not 0");
	if (!strcmp(bo->role, "batch") && cd->nbos != 1)
		return cd_fail(c, s->offset, "batch buffer not the first bo");
	if (bo->captured && decode_a85(c, si, bo))
		return -1;
	return 0;
}

static int check_end(struct cd_ctx *c, size_t si)
{
	const struct osp_coredump_section *s = &c->cd->sections[si];
	uint64_t n, bytes;

	if (check_required(c, si, 0))
		return -1;
	n = sec_u64(c->cd, si, "sections");
	bytes = sec_u64(c->cd, si, "bytes");
	if (n != si)
		return cd_fail(c, sec_get(c->cd, si, "sections")->offset,
			       "sections %llu, but %zu sections come before 'end'",
			       (unsigned long long)n, si);
	if (bytes != s->offset)
		return cd_fail(c, sec_get(c->cd, si, "bytes")->offset,
			       "bytes %llu, but 'end' starts at byte %zu",
			       (unsigned long long)bytes, s->offset);
	return 0;
}

/* The first section of rank @r (there is one: pass 1 checked). */
static size_t rank_section(const struct cd_ctx *c, int r)
{
	size_t si;

	for (si = 0; si < c->cd->nsections && c->sec_rank[si] != r; si++)
		;
	return si;
}

/*
 * A display-underrun dump is the one whose engine kept running, has a
 * display section with an "underrun" line, and names no job and no fault.
 */
static int check_underrun_cross(struct cd_ctx *c)
{
	struct osp_coredump *cd = c->cd;
	size_t hs = rank_section(c, R_HEADER), js = rank_section(c, R_JOB);
	size_t fs = rank_section(c, R_FAULT);
	const struct osp_coredump_entry *reason = sec_get(cd, hs, "reason");
	const struct osp_coredump_entry *halted = sec_get(cd, hs, "engine_halted");
	int underrun = !strcmp(reason->value, "display-underrun");

	c->sec_name = cd->sections[hs].name;
	c->sec_no = hs + 1;
	if (underrun != !strcmp(halted->value, "running"))
		return cd_fail(c, halted->offset,
			       "engine_halted: 'running' exactly when the reason is display-underrun");
	if (underrun && !(cd->has_display && cd->display.has_underrun))
		return cd_fail(c, reason->offset,
			       "reason display-underrun, but no display section with an 'underrun' line");
	if (underrun && strcmp(sec_get(cd, js, "state")->value, "none")) {
		c->sec_name = cd->sections[js].name;
		c->sec_no = js + 1;
		return cd_fail(c, cd->sections[js].offset, "a job in a display-underrun dump");
	}
	if (underrun && strcmp(sec_get(cd, fs, "status")->value, "none")) {
		c->sec_name = cd->sections[fs].name;
		c->sec_no = fs + 1;
		return cd_fail(c, cd->sections[fs].offset, "a fault in a display-underrun dump");
	}
	if (!underrun && cd->has_display && cd->display.has_underrun) {
		c->sec_name = cd->sections[cd->display.section].name;
		c->sec_no = cd->display.section + 1;
		return cd_fail(c, sec_get(cd, cd->display.section, "underrun")->offset,
			       "'underrun' line, but the reason is %s", reason->value);
	}
	return 0;
}

/* What sections say of each other. */
static int check_cross(struct cd_ctx *c)
{
	struct osp_coredump *cd = c->cd;
	size_t si, i;

	if (check_underrun_cross(c))
		return -1;

	for (si = 0; si < cd->nsections; si++) {
		const struct osp_coredump_section *s = &cd->sections[si];

		if (c->sec_rank[si] != R_MAPPINGS)
			continue;
		c->sec_name = s->name;
		c->sec_no = si + 1;
		for (i = s->first_entry; i < s->first_entry + s->nentries; i++) {
			const struct osp_coredump_entry *e = &cd->entries[i];
			uint64_t bo;

			if (strcmp(e->key, "map"))
				continue;
			field_num(e->value, "bo", T_DEC, &bo);
			if (!bo || bo > cd->nbos)
				return cd_fail(c, e->offset,
					       "map: bo=%llu, but there are %zu bo sections",
					       (unsigned long long)bo, cd->nbos);
		}
	}
	return 0;
}

static int pass2(struct cd_ctx *c)
{
	struct osp_coredump *cd = c->cd;
	size_t si;

	cd->arena = malloc(cd->size + 1);
	cd->bos = calloc(c->ranks[R_BO] ? (size_t)c->ranks[R_BO] : 1, sizeof(*cd->bos));
	if (!cd->arena || !cd->bos) {
		if (c->err && c->errlen)
			snprintf(c->err, c->errlen,
				 "section 'header' (#1) at byte %zu: out of memory",
				 cd->sections[0].offset);
		return -1;
	}
	for (si = 0; si < cd->nsections; si++) {
		struct osp_coredump_section *s = &cd->sections[si];
		int r = c->sec_rank[si], ret = 0;

		s->body = cd->raw + s->body_offset;
		s->first_entry = cd->nentries;
		s->data_offset = s->length;
		c->sec_name = s->name;
		c->sec_no = si + 1;
		if (r == R_UNKNOWN)
			continue;
		if (parse_lines(c, si))
			return -1;
		switch (r) {
		case R_HEADER:
			ret = check_header(c, si);
			break;
		case R_DISPLAY:
			ret = check_display(c, si);
			break;
		case R_RING:
			ret = check_ring(c, si);
			break;
		case R_JOB:
			ret = check_job(c, si);
			break;
		case R_FAULT:
			ret = check_fault(c, si);
			break;
		case R_MAPPINGS:
			ret = check_mappings(c, si);
			break;
		case R_BO:
			ret = check_bo(c, si);
			break;
		case R_JOBS:
			ret = check_jobs(c, si);
			break;
		case R_SKIPPED:
			ret = check_skipped(c, si);
			break;
		case R_END:
			ret = check_end(c, si);
			break;
		default:
			break;
		}
		if (ret)
			return -1;
	}
	return check_cross(c);
}

void osp_coredump_free(struct osp_coredump *cd)
{
	size_t i;

	if (!cd)
		return;
	if (cd->bos)
		for (i = 0; i < cd->nbos; i++)
			free(cd->bos[i].data);
	free(cd->bos);
	free(cd->sections);
	free(cd->entries);
	free(cd->arena);
	free(cd->ring_words);
	free(cd->raw);
	free(cd);
}

int osp_coredump_parse(const void *data, size_t len, struct osp_coredump **out,
		       char *err, size_t errlen)
{
	struct cd_ctx c = {
		.in = data,
		.len = data ? len : 0,
		.err = err,
		.errlen = errlen,
	};
	struct osp_coredump *cd;

	if (err && errlen)
		err[0] = '\0';
	*out = NULL;
	cd = calloc(1, sizeof(*cd));
	if (!cd) {
		if (err && errlen)
			snprintf(err, errlen, "section 'header' (#1) at byte 0: out of memory");
		return -1;
	}
	c.cd = cd;
	if (pass1(&c))
		goto fail;
	cd->raw = malloc(cd->size);
	if (!cd->raw) {
		if (err && errlen)
			snprintf(err, errlen,
				 "section 'header' (#1) at byte 0: out of memory for %zu bytes",
				 cd->size);
		goto fail;
	}
	memcpy(cd->raw, data, cd->size);
	c.in = (const unsigned char *)cd->raw;
	c.len = cd->size;
	if (pass2(&c))
		goto fail;
	free(c.sec_rank);
	*out = cd;
	return 0;

fail:
	free(c.sec_rank);
	osp_coredump_free(cd);
	return -1;
}

/* Accessors --------------------------------------------------------------- */

const char *osp_coredump_section_value(const struct osp_coredump *cd, size_t section,
				       const char *key)
{
	const struct osp_coredump_entry *e;

	if (!cd || !key || section >= cd->nsections)
		return NULL;
	e = sec_get(cd, section, key);
	return e ? e->value : NULL;
}

static int find_section(const struct osp_coredump *cd, const char *section, size_t *si)
{
	size_t i;

	if (!cd || !section)
		return -ENOENT;
	for (i = 0; i < cd->nsections; i++) {
		if (!strcmp(cd->sections[i].name, section)) {
			*si = i;
			return 0;
		}
	}
	return -ENOENT;
}

const char *osp_coredump_value(const struct osp_coredump *cd, const char *section,
			       const char *key)
{
	size_t si;

	if (find_section(cd, section, &si))
		return NULL;
	return osp_coredump_section_value(cd, si, key);
}

int osp_coredump_u64(const struct osp_coredump *cd, const char *section, const char *key,
		     uint64_t *out)
{
	const char *v = osp_coredump_value(cd, section, key);

	if (!v)
		return -ENOENT;
	return osp_coredump_parse_u64(v, out);
}

size_t osp_coredump_values(const struct osp_coredump *cd, const char *section,
			   const char *key, const char **out, size_t max)
{
	const struct osp_coredump_section *s;
	size_t si, i, n = 0;

	if (!key || find_section(cd, section, &si))
		return 0;
	s = &cd->sections[si];
	for (i = s->first_entry; i < s->first_entry + s->nentries; i++) {
		if (strcmp(cd->entries[i].key, key))
			continue;
		if (n < max && out)
			out[n] = cd->entries[i].value;
		n++;
	}
	return n;
}
