// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/*
 * Host unit tests of the coredump reader: libosprey's parser
 * (tools/libosprey/coredump_parse.c) and "ospreyctl coredump"
 * (tools/ospreyctl/coredump.c), against docs/coredump-format.md.
 *
 * The test writes its own dumps: a small generator below builds the
 * sections of a dump of a given shape as text, lets a test edit them, and
 * assembles them with their lengths, CRCs (computed here bit by bit,
 * independently of the parser's table) and end section. Every file in the
 * samples directory (argv[1], default tools/tests/coredump-samples) must
 * parse too; the driver's samples there predate the display section, so
 * they also check that dumps without one still parse. "coredump_test
 * --write-samples DIR" writes the generated samples that directory holds.
 *
 * Prints "PASS name" or "FAIL name: why" per test and exits 1 if any failed.
 */

#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "coredump_parse.h"
#include "osprey_coredump_format.h"
#include "../ospreyctl/coredump.h"
#include "../ospreyctl/isa_asm.h"

#ifndef COREDUMP_SAMPLES
#define COREDUMP_SAMPLES "tools/tests/coredump-samples"
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Test harness. */

static char fail_msg[1024];
static int test_failed;
static int failures;
static const char *samples_dir = COREDUMP_SAMPLES;

static int __attribute__((format(printf, 2, 3))) check(int cond, const char *fmt, ...)
{
	va_list ap;

	if (cond)
		return 1;
	if (!test_failed) {
		va_start(ap, fmt);
		vsnprintf(fail_msg, sizeof(fail_msg), fmt, ap);
		va_end(ap);
	}
	test_failed = 1;
	return 0;
}

static void run(const char *name, void (*fn)(void))
{
	test_failed = 0;
	fail_msg[0] = '\0';
	fn();
	if (test_failed) {
		printf("FAIL %s: %s\n", name, fail_msg);
		failures++;
	} else {
		printf("PASS %s\n", name);
	}
	fflush(stdout);
}

/* A growing byte string. */

struct sb {
	char *p;
	size_t len, cap;
};

static void sb_add(struct sb *b, const void *d, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (!b->p)
			abort();
		b->cap = cap;
	}
	memcpy(b->p + b->len, d, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void __attribute__((format(printf, 2, 3))) sb_printf(struct sb *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		abort();
	sb_add(b, tmp, (size_t)n);
}

/* A quoted string, escaped as the writer does. */
static void sb_quote(struct sb *b, const char *s, size_t n)
{
	size_t i;

	sb_add(b, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			sb_printf(b, "\\%c", ch);
		else if (ch < 0x20 || ch > 0x7e)
			sb_printf(b, "\\x%02x", ch);
		else
			sb_add(b, &ch, 1);
	}
	sb_add(b, "\"", 1);
}

/* CRC-32 (IEEE 802.3, reflected), bit by bit. */
static uint32_t ref_crc32(const void *data, size_t n)
{
	const unsigned char *p = data;
	uint32_t crc = 0xffffffffu;
	int k;

	while (n--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

/* The generator. */

struct tbo {
	const char *label;
	uint64_t size, va;
	const char *role, *shared, *skipped;
	uint64_t captured;
	bool truncated;
	const uint8_t *data;
};

/*
 * A display section: @npipes pipes whose registers derive from the pipe's
 * index (tpipe_*() below), pipe 0 enabled with its primary plane, the
 * others off. @underrun_pipe >= 0 adds the "underrun" line of that pipe.
 */
struct tdisplay {
	bool present;
	int npipes;
	int underrun_pipe;
	const char *underrun_plane;	/* "0".."2", "wb": every pipe's last one */
	uint64_t underrun_address;
	int ncrcs;			/* crc_history lines of each pipe */
	const char *format, *blend;	/* plane 1's spelling */
};

struct tdump {
	unsigned int seq;
	const char *reason;
	const char *halted;	/* engine_halted; NULL: from job and fault */
	const struct tdisplay *display;	/* NULL: no display section (older dumps) */
	bool truncated;
	bool job;
	const char *comm;
	uint64_t batch_va, batch_size, ip;
	const char *fault;	/* NULL: status none */
	const char *access;
	uint64_t address;
	int nwalk;
	uint64_t walk[3];
	int nbos;
	struct tbo bo[4];
	int njobs;
	int nskips;
	const char *skip[4];
};

struct tsec {
	char name[40];
	struct sb body;
};

struct tdoc {
	struct tsec s[40];
	int n;
	long end_sections_delta, end_bytes_delta;
};

static struct sb *doc_sec(struct tdoc *doc, const char *name)
{
	struct tsec *s = &doc->s[doc->n++];

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	sb_add(&s->body, "", 0);
	return &s->body;
}

static void doc_free(struct tdoc *doc)
{
	int i;

	for (i = 0; i < doc->n; i++)
		free(doc->s[i].body.p);
	doc->n = 0;
}

static void a85(struct sb *b, const uint8_t *data, size_t n)
{
	size_t g;

	for (g = 0; g < n / 4; g++) {
		char out[5];
		unsigned int k = osprey_a85_encode_group(data + 4 * g, out);

		sb_add(b, out, k);
		if (g % OSPREY_A85_GROUPS_PER_LINE == OSPREY_A85_GROUPS_PER_LINE - 1 ||
		    g == n / 4 - 1)
			sb_add(b, "\n", 1);
	}
}

#define RING_SIZE	0x10000u
#define RING_HEAD	0x40u
#define RING_TAIL	0x80u
#define RING_START	((RING_HEAD - 256) & (RING_SIZE - 1))
#define RING_WORDS	((RING_TAIL + 64 - RING_START) % RING_SIZE / 4)

static uint32_t ring_word(unsigned int i)
{
	return 0x10000000u + i * 0x01010101u;
}

/* What the generator writes of pipe @p and its plane @i. */
static bool tpipe_enabled(int p)
{
	return p == 0;
}

static uint32_t tpipe_frame(int p)
{
	return 1000u + 100u * (uint32_t)p;
}

static uint64_t tplane_address(int p, int i)
{
	return 0x10000000ull * (uint64_t)(p + 1) + 0x100000ull * (uint64_t)i;
}

static uint32_t tcrc(int p, int k)
{
	return 0xc0000000u + 0x10000u * (uint32_t)p + (uint32_t)k;
}

static void build_display(const struct tdisplay *t, struct sb *b)
{
	int p, i, k;

	if (!t->present) {
		sb_printf(b, "controller: none\n");
		return;
	}
	sb_printf(b, "controller: present\npipes: %d\n", t->npipes);
	sb_printf(b, "as: control=0x00000001 pgtable=0x12345000\nmax: width=4096 height=4096\n");
	if (t->underrun_pipe >= 0)
		sb_printf(b, "underrun: pipe=%d plane=%s address=0x%llx\n", t->underrun_pipe,
			  t->underrun_plane, (unsigned long long)t->underrun_address);
	for (p = 0; p < t->npipes; p++) {
		bool on = tpipe_enabled(p);

		sb_printf(b, "pipe: %d\ncontrol: 0x%08x\n", p, on);
		sb_printf(b, "mode: width=1024 height=768 htotal=1344 vtotal=806 clock=65000\n");
		sb_printf(b, "bg_color: 0x00102030\nupdate: 0x00000000\nstatus: 0x%08x\n",
			  on | (t->underrun_pipe == p ? 2 : 0));
		sb_printf(b, "frame_count: %u\nvblank_ts: 123456789%d\n", tpipe_frame(p), p);
		sb_printf(b, "crc: control=0x%08x value=0x%08x frame=%u\n", on,
			  on ? tcrc(p, 0) : 0, on ? tpipe_frame(p) - 1 : 0);
		sb_printf(b, "conn: status=0x00000001 edid_size=128\n");
		sb_printf(b, "last_underrun: address=0x%llx plane=%s count=%d\n",
			  (unsigned long long)t->underrun_address, t->underrun_plane,
			  p + (t->underrun_pipe == p));
		sb_printf(b, "wb: control=0x00000000 address=0x0 pitch=0 status=0x00000000\n");
		for (i = 0; i < 3; i++) {
			sb_printf(b, "plane: index=%d control=0x%08x format=%s address=0x%llx",
				  i, on && i == 0, i == 1 ? t->format : "xrgb8888",
				  (unsigned long long)tplane_address(p, i));
			sb_printf(b, " pitch=4096 width=%d height=%d x=%d y=%d alpha=255",
				  i == 2 ? 64 : 1024, i == 2 ? 64 : 768, 10 * i, 20 * i);
			sb_printf(b, " blend=%s zpos=%d\n", i == 1 ? t->blend : "premulti", i);
		}
		for (k = 0; k < t->ncrcs; k++)
			sb_printf(b, "crc_history: frame=%u value=0x%08x\n",
				  tpipe_frame(p) - 1 - (uint32_t)k, tcrc(p, k));
	}
}

static void build_doc(const struct tdump *d, struct tdoc *doc)
{
	static const char *const regs[] = { "MAGIC", "MODEL", "REVISION", "RING_HEAD",
		"RING_TAIL", "CURRENT_IP_LO", "CURRENT_IP_HI", "FAULT_STATUS",
		"AS0_PGTABLE_LO", "AS0_PGTABLE_HI", "AS0_CONTROL" };
	struct sb *b;
	unsigned int i;
	int k;

	memset(doc, 0, sizeof(*doc));
	b = doc_sec(doc, "header");
	sb_printf(b, "format: 1\ndriver: osprey 1.2.3\nkernel: \"6.12.38+deb12-amd64\"\n");
	sb_printf(b, "kernel_build: \"#1 SMP PREEMPT_DYNAMIC Debian \\\"x\\\" \\\\ \\x01\"\n");
	sb_printf(b, "device: \"osprey.0\"\ngpu: model=0x05e1 revision=1.0\n");
	sb_printf(b, "sequence: %u\nreason: %s\n", d->seq, d->reason);
	sb_printf(b, "time: 2026-03-04T05:06:07.123456789Z\nuptime_ns: 1000000123\n");
	sb_printf(b, "detected_ns: 999000000\ncapture_us: 37\n");
	sb_printf(b, "engine_halted: %s\nbudget: 16777216\ntruncated: %s\n",
		  d->halted ? d->halted : d->fault ? "error" : d->job ? "yes" : "no",
		  d->truncated ? "yes" : "no");

	b = doc_sec(doc, "registers");
	for (i = 0; i < ARRAY_SIZE(regs); i++)
		sb_printf(b, "%s: 0x%08x\n", regs[i], !strcmp(regs[i], "CURRENT_IP_LO") ?
			  (unsigned int)d->ip : 0x1000u * i);

	if (d->display) {
		b = doc_sec(doc, "display");
		build_display(d->display, b);
	}

	b = doc_sec(doc, "ring");
	sb_printf(b, "size: %u\nhead: 0x%x\ntail: 0x%x\nstart: 0x%x\nwords: %u\ndata:\n",
		  RING_SIZE, RING_HEAD, RING_TAIL, RING_START, RING_WORDS);
	for (i = 0; i < RING_WORDS; i++) {
		if (i % 8 == 0)
			sb_printf(b, "0x%04x:", (RING_START + 4 * i) % RING_SIZE);
		sb_printf(b, " %08x", ring_word(i));
		if (i % 8 == 7 || i == RING_WORDS - 1)
			sb_add(b, "\n", 1);
	}

	b = doc_sec(doc, "job");
	if (d->job) {
		sb_printf(b, "state: running\nqueue: 2\nvm: 1\npid: 4242\ncomm: ");
		sb_quote(b, d->comm, strlen(d->comm));
		sb_printf(b, "\nfence_context: 17\nfence_seqno: 5\nhw_seqno: 0x2a\n");
		sb_printf(b, "submit_ns: 900000000\nruntime_ms: 100\n");
		sb_printf(b, "batch_va: 0x%llx\nbatch_size: 0x%llx\nip: 0x%llx\n",
			  (unsigned long long)d->batch_va, (unsigned long long)d->batch_size,
			  (unsigned long long)d->ip);
	} else {
		sb_printf(b, "state: none\n");
	}

	b = doc_sec(doc, "fault");
	if (d->fault) {
		sb_printf(b, "status: %s\naccess: %s\naddress: 0x%llx\nas: 1\n", d->fault,
			  d->access, (unsigned long long)d->address);
		for (k = 0; k < d->nwalk; k++)
			sb_printf(b, "l%d: index=%llu entry=0x%016llx\n", k,
				  (unsigned long long)(d->address >> (30 - 9 * k)) & 511,
				  (unsigned long long)d->walk[k]);
	} else {
		sb_printf(b, "status: none\n");
	}

	b = doc_sec(doc, "mappings");
	sb_printf(b, "count: %d\n", d->nbos);
	for (k = 0; k < d->nbos; k++)
		sb_printf(b, "map: va=0x%llx size=0x%llx bo=%d offset=0x0 flags=%s\n",
			  (unsigned long long)d->bo[k].va, (unsigned long long)d->bo[k].size,
			  k + 1, !strcmp(d->bo[k].role, "batch") ? "ro" : "rw");

	for (k = 0; k < d->nbos; k++) {
		const struct tbo *bo = &d->bo[k];

		b = doc_sec(doc, "bo");
		sb_printf(b, "id: %d\nlabel: ", k + 1);
		sb_quote(b, bo->label, strlen(bo->label));
		sb_printf(b, "\nsize: %llu\nva: 0x%llx\nrole: %s\nowner_pid: 4242\n",
			  (unsigned long long)bo->size, (unsigned long long)bo->va, bo->role);
		sb_printf(b, "owner_comm: \"osprey_hang\"\nshared: %s\ncaptured: %llu\n",
			  bo->shared, (unsigned long long)bo->captured);
		sb_printf(b, "truncated: %s\n", bo->truncated ? "yes" : "no");
		if (bo->skipped) {
			sb_printf(b, "skipped: ");
			sb_quote(b, bo->skipped, strlen(bo->skipped));
			sb_add(b, "\n", 1);
		}
		sb_printf(b, "encoding: ascii85\n");
		if (bo->captured) {
			sb_printf(b, "data:\n");
			a85(b, bo->data, bo->captured);
		}
	}

	b = doc_sec(doc, "jobs");
	sb_printf(b, "count: %d\n", d->njobs);
	for (k = 0; k < d->njobs; k++)
		sb_printf(b, "job: hw_seqno=%d queue=%d vm=1 pid=%d batch_va=0x%x state=queued\n",
			  43 + k, k, 5000 + k, 0x300000 + 0x1000 * k);

	b = doc_sec(doc, "skipped");
	sb_printf(b, "count: %d\n", d->nskips);
	for (k = 0; k < d->nskips; k++)
		sb_printf(b, "skip: %s\n", d->skip[k]);
}

/* Append the dump of @doc (magic, sections, end) to @out. */
static void assemble(const struct tdoc *doc, struct sb *out)
{
	size_t start = out->len, at;
	struct sb end = { 0 };
	int i;

	sb_add(out, OSPREY_COREDUMP_MAGIC, OSPREY_COREDUMP_MAGIC_LEN);
	for (i = 0; i < doc->n; i++) {
		const struct tsec *s = &doc->s[i];

		sb_printf(out, "@%s %010zu %08x\n", s->name, s->body.len,
			  ref_crc32(s->body.p, s->body.len));
		sb_add(out, s->body.p, s->body.len);
	}
	at = out->len - start;
	sb_printf(&end, "sections: %ld\nbytes: %ld\n", (long)doc->n + doc->end_sections_delta,
		  (long)at + doc->end_bytes_delta);
	sb_printf(out, "@end %010zu %08x\n", end.len, ref_crc32(end.p, end.len));
	sb_add(out, end.p, end.len);
	free(end.p);
}

/* The body of the @nth section called @name. */
static struct sb *find_sec(struct tdoc *doc, const char *name, int nth)
{
	int i;

	for (i = 0; i < doc->n; i++)
		if (!strcmp(doc->s[i].name, name) && !nth--)
			return &doc->s[i].body;
	abort();
}

/* Replace the first @from in the @nth section @name by @to; 0 if found. */
static int doc_replace(struct tdoc *doc, const char *name, int nth, const char *from,
		       const char *to)
{
	struct sb *b = find_sec(doc, name, nth), nb = { 0 };
	char *at = strstr(b->p, from);

	if (!at)
		return -1;
	sb_add(&nb, b->p, (size_t)(at - b->p));
	sb_add(&nb, to, strlen(to));
	sb_add(&nb, at + strlen(from), b->len - (size_t)(at - b->p) - strlen(from));
	free(b->p);
	*b = nb;
	return 0;
}

static void doc_insert(struct tdoc *doc, int idx, const char *name, const char *body)
{
	struct tsec s;

	memset(&s, 0, sizeof(s));
	snprintf(s.name, sizeof(s.name), "%s", name);
	sb_add(&s.body, body, strlen(body));
	memmove(&doc->s[idx + 1], &doc->s[idx], sizeof(s) * (size_t)(doc->n - idx));
	doc->s[idx] = s;
	doc->n++;
}

static void doc_remove(struct tdoc *doc, int idx)
{
	free(doc->s[idx].body.p);
	memmove(&doc->s[idx], &doc->s[idx + 1], sizeof(doc->s[0]) * (size_t)(doc->n - idx - 1));
	doc->n--;
}

/* The shapes. */

#define BATCH_VA	0x100000ull
#define BATCH_SIZE	4096u
#define DATA_VA		0x200000ull

static uint8_t batch_bytes[BATCH_SIZE];
static uint64_t batch_ip;	/* the "jump ." that hangs */
static uint8_t data_bytes[65536];

static void make_batch(void)
{
	static const char prefix[] =
		"nop\nnop\nnop\nnop\nnop\nnop\nnop\nnop\nnop\nnop\n"
		"store 0x200000, 1\nfill 0x200040, 64, 0xcafe\n";
	static const char full[] =
		"nop\nnop\nnop\nnop\nnop\nnop\nnop\nnop\nnop\nnop\n"
		"store 0x200000, 1\nfill 0x200040, 64, 0xcafe\n"
		"jump .\nnop\nnop\nnop\nnop\nnop\nnop\nnop\nnop\nnop\nnop\nend\n";
	__u32 *words;
	size_t n, i;
	char err[128];

	if (osprey_asm(prefix, BATCH_VA, &words, &n, err, sizeof(err)))
		abort();
	batch_ip = BATCH_VA + 4 * n;
	free(words);
	if (osprey_asm(full, BATCH_VA, &words, &n, err, sizeof(err)) || n * 4 > BATCH_SIZE)
		abort();
	for (i = 0; i < n; i++) {
		__u32 le = htole32(words[i]);

		memcpy(batch_bytes + 4 * i, &le, 4);
	}
	free(words);
	for (i = 0; i < sizeof(data_bytes); i++)
		data_bytes[i] = (uint8_t)(i * 7 + (i >> 8));
	/* Some all-zero groups, for 'z'. */
	memset(data_bytes + 16, 0, 8);
}

static const struct tbo batch_bo = {
	.label = "batch", .size = BATCH_SIZE, .va = BATCH_VA, .role = "batch",
	.shared = "no", .captured = BATCH_SIZE, .data = batch_bytes,
};

static struct tdump shape_timeout(void)
{
	struct tdump d = {
		.seq = 1, .reason = "timeout", .job = true, .comm = "osprey_hang",
		.batch_va = BATCH_VA, .batch_size = BATCH_SIZE, .ip = batch_ip,
		.nbos = 2, .njobs = 2,
	};

	d.bo[0] = batch_bo;
	d.bo[1] = (struct tbo){ .label = "data \"q\" \\\x7f\n\xe9", .size = 64, .va = DATA_VA,
				.role = "buffer", .shared = "no", .captured = 64,
				.data = data_bytes };
	return d;
}

static struct tdump shape_fault(void)
{
	struct tdump d = {
		.seq = 2, .reason = "fault", .job = true, .comm = "osprey_fault",
		.batch_va = BATCH_VA, .batch_size = BATCH_SIZE, .ip = batch_ip,
		.fault = "translation", .access = "write", .address = 0x12345678ull,
		.nwalk = 2, .walk = { 0x0000000001234001ull, 0 },
		.nbos = 2,
	};

	d.bo[0] = batch_bo;
	d.bo[1] = (struct tbo){ .label = "", .size = 4096, .va = DATA_VA, .role = "buffer",
				.shared = "no", .captured = 4096, .data = data_bytes };
	return d;
}

static struct tdump shape_manual(void)
{
	struct tdump d = { .seq = 3, .reason = "manual" };

	return d;
}

static struct tdump shape_budget(void)
{
	struct tdump d = shape_timeout();

	d.seq = 4;
	d.truncated = true;
	d.nbos = 3;
	d.bo[1] = (struct tbo){ .label = "big", .size = 65536, .va = DATA_VA, .role = "buffer",
				.shared = "no", .captured = 1024, .truncated = true,
				.data = data_bytes };
	d.bo[2] = (struct tbo){ .label = "bigger", .size = 1 << 20, .va = 0x400000,
				.role = "buffer", .shared = "no", .truncated = true,
				.skipped = "budget" };
	d.nskips = 2;
	d.skip[0] = "what=bo-2 reason=\"budget\"";
	d.skip[1] = "what=bo-3 reason=\"budget\"";
	return d;
}

static struct tdump shape_shared(void)
{
	struct tdump d = shape_fault();

	d.seq = 5;
	d.bo[1] = (struct tbo){ .label = "scanout", .size = 8192, .va = DATA_VA,
				.role = "buffer", .shared = "exported",
				.skipped = "shared buffer" };
	d.nskips = 1;
	d.skip[0] = "what=bo-2 reason=\"shared buffer\"";
	return d;
}

static struct tdump shape_zero_bo(void)
{
	struct tdump d = shape_timeout();

	d.seq = 6;
	d.reason = "invalid-instruction";
	d.nbos = 0;
	d.njobs = 0;
	d.fault = "invalid-insn";
	d.access = "fetch";
	d.address = batch_ip;
	d.nskips = 1;
	d.skip[0] = "what=mappings reason=\"vm busy\"";
	return d;
}

/* A display underrun: engine running, no job, the display section says where. */
static const struct tdisplay display_underrun = {
	.present = true, .npipes = 2, .underrun_pipe = 0, .underrun_plane = "0",
	.underrun_address = 0, .ncrcs = 3, .format = "argb8888", .blend = "coverage",
};

/* Every pipe, every CRC; values the hardware does not define; a writeback underrun. */
static const struct tdisplay display_full = {
	.present = true, .npipes = 4, .underrun_pipe = -1, .underrun_plane = "wb",
	.underrun_address = 0xfedcba9876543000ull, .ncrcs = 8, .format = "7", .blend = "3",
};

static const struct tdisplay display_zero_pipes = {
	.present = true, .npipes = 0, .underrun_pipe = -1, .underrun_plane = "0",
};

static const struct tdisplay display_none = { .present = false };

static struct tdump shape_underrun(void)
{
	struct tdump d = { .seq = 7, .reason = "display-underrun", .halted = "running",
			   .display = &display_underrun, .nskips = 1 };

	d.skip[0] = "what=jobs reason=\"the engine was not stopped for this capture\"";
	return d;
}

static struct tdump shape_display_full(void)
{
	struct tdump d = shape_timeout();

	d.seq = 8;
	d.display = &display_full;
	return d;
}

static struct tdump shape_display_zero(void)
{
	struct tdump d = shape_fault();

	d.seq = 9;
	d.display = &display_zero_pipes;
	return d;
}

static struct tdump shape_display_none(void)
{
	struct tdump d = shape_manual();

	d.seq = 10;
	d.display = &display_none;
	return d;
}

/* Generate the dump of @d into a new buffer; the caller frees it. */
static char *gen(const struct tdump *d, size_t *len)
{
	struct tdoc doc;
	struct sb out = { 0 };

	build_doc(d, &doc);
	assemble(&doc, &out);
	doc_free(&doc);
	*len = out.len;
	return out.p;
}

static char *gen_doc(struct tdoc *doc, size_t *len)
{
	struct sb out = { 0 };

	assemble(doc, &out);
	*len = out.len;
	return out.p;
}

/* Parse, expecting success; NULL (and a failed check) if not. */
static struct osp_coredump *parse_ok(const char *what, const void *p, size_t len)
{
	struct osp_coredump *cd;
	char err[512];

	if (!check(!osp_coredump_parse(p, len, &cd, err, sizeof(err)),
		   "%s: parse failed: %s", what, err))
		return NULL;
	check(cd->size == len, "%s: size %zu, expected %zu", what, cd->size, len);
	return cd;
}

/* Parse, expecting failure with a message containing @want (and a byte). */
static void parse_bad(const char *what, const void *p, size_t len, const char *want)
{
	struct osp_coredump *cd = (void *)1;
	char err[512];

	memset(err, 0, sizeof(err));
	if (!check(osp_coredump_parse(p, len, &cd, err, sizeof(err)) == -1,
		   "%s: parsed, should have failed (%s)", what, want)) {
		osp_coredump_free(cd);
		return;
	}
	check(!cd, "%s: out not NULL on failure", what);
	check(strstr(err, "section") && strstr(err, "byte"),
	      "%s: message names no section or byte: '%s'", what, err);
	check(!want || strstr(err, want), "%s: message '%s' lacks '%s'", what, err, want);
}

static void parse_bad_doc(const char *what, struct tdoc *doc, const char *want)
{
	size_t len;
	char *p = gen_doc(doc, &len);

	parse_bad(what, p, len, want);
	free(p);
}

static bool streq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static void check_val(const struct osp_coredump *cd, const char *sec, const char *key,
		      const char *want)
{
	const char *v = osp_coredump_value(cd, sec, key);

	check(want ? streq(v, want) : !v, "%s.%s: '%s', expected '%s'", sec, key,
	      v ? v : "(null)", want ? want : "(null)");
}

static void check_u64(const struct osp_coredump *cd, const char *sec, const char *key,
		      uint64_t want)
{
	uint64_t v = 0;
	int r = osp_coredump_u64(cd, sec, key, &v);

	check(!r && v == want, "%s.%s: %d, 0x%llx, expected 0x%llx", sec, key, r,
	      (unsigned long long)v, (unsigned long long)want);
}

static void check_bo(const struct osp_coredump *cd, size_t i, const struct tbo *want)
{
	const struct osp_coredump_bo *bo = &cd->bos[i];

	check(bo->id == i + 1, "bo %zu: id %u", i, bo->id);
	check(!strcmp(bo->label, want->label), "bo %zu: label '%s'", i, bo->label);
	check(bo->size == want->size && bo->va == want->va, "bo %zu: size/va", i);
	check(!strcmp(bo->role, want->role), "bo %zu: role '%s'", i, bo->role);
	check(bo->owner_pid == 4242 && !strcmp(bo->owner_comm, "osprey_hang"),
	      "bo %zu: owner %lld '%s'", i, (long long)bo->owner_pid, bo->owner_comm);
	check(!strcmp(bo->shared, want->shared), "bo %zu: shared '%s'", i, bo->shared);
	check(bo->captured == want->captured, "bo %zu: captured %llu", i,
	      (unsigned long long)bo->captured);
	check(bo->truncated == want->truncated, "bo %zu: truncated %d", i, bo->truncated);
	check(!strcmp(bo->skipped, want->skipped ? want->skipped : ""), "bo %zu: skipped '%s'",
	      i, bo->skipped);
	if (want->captured)
		check(bo->data && !memcmp(bo->data, want->data, want->captured),
		      "bo %zu: data differs", i);
	else
		check(!bo->data, "bo %zu: data without captured bytes", i);
	check(streq(osp_coredump_section_value(cd, bo->section, "label"), want->label),
	      "bo %zu: section_value(label)", i);
}

/* The display section of a dump generated with @t (NULL: none). */
static void check_display_dump(const struct osp_coredump *cd, const struct tdisplay *t)
{
	const struct osp_coredump_display *d = &cd->display;
	uint32_t plane;
	int p, i, k;

	if (!t) {
		check(!cd->has_display, "a display section in a dump without one");
		return;
	}
	if (!check(cd->has_display, "no display section"))
		return;
	check(!strcmp(cd->sections[d->section].name, "display"), "display section index");
	check(d->present == t->present, "present %d", d->present);
	if (!t->present) {
		check_val(cd, "display", "controller", "none");
		return;
	}
	check(d->npipes == (uint32_t)t->npipes, "%u pipes", d->npipes);
	check(d->as_control == 1 && d->pgtable == 0x12345000, "as");
	check(d->max_width == 4096 && d->max_height == 4096, "max");
	check(d->has_underrun == (t->underrun_pipe >= 0), "has_underrun %d", d->has_underrun);
	plane = !strcmp(t->underrun_plane, "wb") ? OSP_CD_DISPLAY_WB :
		(uint32_t)atoi(t->underrun_plane);
	if (d->has_underrun)
		check(d->underrun_pipe == (uint32_t)t->underrun_pipe &&
		      d->underrun_plane == plane && d->underrun_address == t->underrun_address,
		      "underrun %u %u 0x%llx", d->underrun_pipe, d->underrun_plane,
		      (unsigned long long)d->underrun_address);
	for (p = 0; p < t->npipes && p < (int)d->npipes; p++) {
		const struct osp_coredump_pipe *pp = &d->pipes[p];
		bool on = tpipe_enabled(p);

		check(pp->index == (uint32_t)p, "pipe %d index %u", p, pp->index);
		check(pp->enabled == on && pp->control == on, "pipe %d control", p);
		check(pp->active == on && pp->underrun == (t->underrun_pipe == p),
		      "pipe %d status 0x%x", p, pp->status);
		check(pp->width == 1024 && pp->height == 768 && pp->htotal == 1344 &&
		      pp->vtotal == 806 && pp->clock_khz == 65000, "pipe %d mode", p);
		check(pp->bg_color == 0x102030 && pp->update == 0, "pipe %d bg/update", p);
		check(pp->frame_count == tpipe_frame(p), "pipe %d frame %u", p, pp->frame_count);
		check(pp->vblank_ts == 1234567890ull + (uint64_t)p, "pipe %d vblank_ts", p);
		check(pp->crc_control == on && pp->crc_value == (on ? tcrc(p, 0) : 0),
		      "pipe %d crc", p);
		check(pp->conn_status == 1 && pp->edid_size == 128, "pipe %d conn", p);
		check(pp->underrun_plane == plane && pp->underrun_address == t->underrun_address &&
		      pp->underrun_count == (uint32_t)(p + (t->underrun_pipe == p)),
		      "pipe %d last_underrun", p);
		for (i = 0; i < 3; i++) {
			const struct osp_coredump_plane *pl = &pp->planes[i];

			check(pl->index == (uint32_t)i && pl->enabled == (on && i == 0),
			      "pipe %d plane %d", p, i);
			check(pl->address == tplane_address(p, i) && pl->pitch == 4096,
			      "pipe %d plane %d address", p, i);
			check(pl->width == (i == 2 ? 64u : 1024u) && pl->x == 10u * (uint32_t)i &&
			      pl->y == 20u * (uint32_t)i && pl->zpos == (uint32_t)i,
			      "pipe %d plane %d geometry", p, i);
			check(!strcmp(pl->format, i == 1 ? t->format : "xrgb8888") &&
			      !strcmp(pl->blend, i == 1 ? t->blend : "premulti"),
			      "pipe %d plane %d format '%s' blend '%s'", p, i, pl->format,
			      pl->blend);
		}
		check(pp->ncrcs == (size_t)t->ncrcs, "pipe %d: %zu crcs", p, pp->ncrcs);
		for (k = 0; k < t->ncrcs && k < (int)pp->ncrcs; k++)
			check(pp->crcs[k] == tcrc(p, k) &&
			      pp->crc_frames[k] == tpipe_frame(p) - 1 - (uint32_t)k,
			      "pipe %d crc %d", p, k);
	}
}

/* Every field of a dump generated from @d. */
static void check_dump(const struct osp_coredump *cd, const struct tdump *d)
{
	const char *v[8];
	char buf[64];
	size_t n;
	int k;

	check_val(cd, "header", "format", "1");
	check_val(cd, "header", "driver", "osprey 1.2.3");
	check_val(cd, "header", "kernel", "6.12.38+deb12-amd64");
	check_val(cd, "header", "kernel_build", "#1 SMP PREEMPT_DYNAMIC Debian \"x\" \\ \x01");
	check_val(cd, "header", "device", "osprey.0");
	check(!osp_coredump_field(osp_coredump_value(cd, "header", "gpu"), "model", buf,
				  sizeof(buf)) && !strcmp(buf, "0x05e1"), "gpu model '%s'", buf);
	check_u64(cd, "header", "sequence", d->seq);
	check_val(cd, "header", "reason", d->reason);
	check_val(cd, "header", "time", "2026-03-04T05:06:07.123456789Z");
	check_u64(cd, "header", "uptime_ns", 1000000123);
	check_u64(cd, "header", "budget", 16777216);
	check_val(cd, "header", "truncated", d->truncated ? "yes" : "no");
	check_val(cd, "registers", "RING_HEAD", "0x00003000");
	check_u64(cd, "registers", "CURRENT_IP_LO", (uint32_t)d->ip);

	check_u64(cd, "ring", "start", RING_START);
	check(cd->nring_words == RING_WORDS, "ring: %zu words", cd->nring_words);
	for (n = 0; n < cd->nring_words && n < RING_WORDS; n++)
		if (!check(cd->ring_words[n] == ring_word((unsigned int)n), "ring word %zu", n))
			break;

	if (d->job) {
		check_val(cd, "job", "state", "running");
		check_val(cd, "job", "comm", d->comm);
		check_u64(cd, "job", "pid", 4242);
		check_u64(cd, "job", "hw_seqno", 42);
		check_u64(cd, "job", "batch_va", d->batch_va);
		check_u64(cd, "job", "batch_size", d->batch_size);
		check_u64(cd, "job", "ip", d->ip);
	} else {
		check_val(cd, "job", "state", "none");
		check(!osp_coredump_value(cd, "job", "pid"), "idle job with a pid");
	}
	if (d->fault) {
		check_val(cd, "fault", "status", d->fault);
		check_val(cd, "fault", "access", d->access);
		check_u64(cd, "fault", "address", d->address);
		for (k = 0; k < 3; k++) {
			char key[16];
			uint64_t e;

			snprintf(key, sizeof(key), "l%d", k);
			n = osp_coredump_values(cd, "fault", key, v, 8);
			check(n == (k < d->nwalk), "walk %s: %zu lines", key, n);
			if (n != 1)
				continue;
			check(!osp_coredump_field(v[0], "entry", buf, sizeof(buf)) &&
			      !osp_coredump_parse_u64(buf, &e) && e == d->walk[k],
			      "walk %s: entry '%s'", key, buf);
		}
	} else {
		check_val(cd, "fault", "status", "none");
		check(!osp_coredump_value(cd, "fault", "address"), "no fault with an address");
	}

	n = osp_coredump_values(cd, "mappings", "map", v, 8);
	check(n == (size_t)d->nbos, "%zu map lines", n);
	for (k = 0; k < d->nbos && k < (int)n; k++) {
		uint64_t x;

		check(!osp_coredump_field(v[k], "va", buf, sizeof(buf)) &&
		      !osp_coredump_parse_u64(buf, &x) && x == d->bo[k].va, "map %d va", k);
		check(!osp_coredump_field(v[k], "bo", buf, sizeof(buf)) &&
		      atoi(buf) == k + 1, "map %d bo", k);
	}
	check(cd->nbos == (size_t)d->nbos, "%zu bos, expected %d", cd->nbos, d->nbos);
	for (k = 0; k < d->nbos && k < (int)cd->nbos; k++)
		check_bo(cd, (size_t)k, &d->bo[k]);

	check_u64(cd, "jobs", "count", (uint64_t)d->njobs);
	n = osp_coredump_values(cd, "jobs", "job", v, 8);
	check(n == (size_t)d->njobs, "%zu job lines", n);
	if (n >= 2)
		check(!osp_coredump_field(v[1], "pid", buf, sizeof(buf)) && !strcmp(buf, "5001"),
		      "job 2 pid '%s'", buf);
	n = osp_coredump_values(cd, "skipped", "skip", v, 8);
	check(n == (size_t)d->nskips, "%zu skip lines", n);
	for (k = 0; k < d->nskips && k < (int)n; k++)
		check(!strcmp(v[k], d->skip[k]), "skip %d: '%s'", k, v[k]);
	check_u64(cd, "end", "sections", cd->nsections - 1);
	check(cd->nsections == (size_t)(9 + d->nbos + !!d->display), "%zu sections",
	      cd->nsections);
	check_display_dump(cd, d->display);
	check(!strcmp(cd->sections[0].name, "header") &&
	      !strcmp(cd->sections[cd->nsections - 1].name, "end"), "section names");
	check(cd->sections[0].offset == OSPREY_COREDUMP_MAGIC_LEN, "header offset %zu",
	      cd->sections[0].offset);
}

static void shape_test(struct tdump (*shape)(void), const char *name)
{
	struct tdump d = shape();
	struct osp_coredump *cd;
	size_t len;
	char *p = gen(&d, &len);

	cd = parse_ok(name, p, len);
	if (cd)
		check_dump(cd, &d);
	osp_coredump_free(cd);
	free(p);
}

static void test_timeout(void)
{
	shape_test(shape_timeout, "timeout");
}

static void test_fault_walk(void)
{
	shape_test(shape_fault, "fault");
}

static void test_manual_idle(void)
{
	shape_test(shape_manual, "manual");
}

static void test_budget_truncated(void)
{
	shape_test(shape_budget, "budget");
}

static void test_shared_skipped(void)
{
	shape_test(shape_shared, "shared");
}

static void test_zero_bo(void)
{
	shape_test(shape_zero_bo, "zero-bo");
}

static void test_display_underrun(void)
{
	shape_test(shape_underrun, "display-underrun");
}

static void test_display_full(void)
{
	shape_test(shape_display_full, "display, 4 pipes");
}

static void test_display_zero(void)
{
	shape_test(shape_display_zero, "display, 0 pipes");
}

static void test_display_none(void)
{
	shape_test(shape_display_none, "display, no controller");
}

/* Unknown keys in the display section are skipped, wherever they stand. */
static void test_display_unknown_keys(void)
{
	struct tdump d = shape_underrun();
	struct osp_coredump *cd;
	struct tdoc doc;
	size_t len;
	char *p;

	build_doc(&d, &doc);
	check(!doc_replace(&doc, "display", 0, "pipes:", "later: 1\npipes:") &&
	      !doc_replace(&doc, "display", 0, "pipe: 1\n", "pipe: 1\nnote: \"x y\"\n") &&
	      !doc_replace(&doc, "display", 0, "plane: index=1", "gamma: 1 2 3\nplane: index=1") &&
	      !doc_replace(&doc, "display", 0, "crc_history: frame=1099",
			   "crc_history: frame=1099 extra=\"yes\""), "replace");
	p = gen_doc(&doc, &len);
	cd = parse_ok("unknown display keys", p, len);
	if (cd) {
		check_display_dump(cd, &display_underrun);
		check_val(cd, "display", "later", "1");
	}
	osp_coredump_free(cd);
	free(p);
	doc_free(&doc);
}

/* Every broken rule of the display section is refused, and says which. */
static void test_display_rules(void)
{
	static const struct {
		const char *from, *to, *why;
	} cases[] = {
		{ "controller: present", "controller: maybe", "bad value" },
		{ "controller: present\n", "", "before 'controller'" },
		{ "controller: present\n", "controller: present\ncontroller: present\n",
		  "'controller' repeated" },
		{ "controller: present", "controller: none", "with 'controller: none'" },
		{ "pipes: 2\n", "", "missing key 'pipes' before 'as'" },
		{ "pipes: 2", "pipes: 3", "pipes 3, but 2 pipe groups" },
		{ "pipes: 2", "pipes: 5", "at most 4" },
		{ "pipes: 2", "pipes: 1", "more pipes than 'pipes: 1'" },
		{ "pipes: 2", "pipes: 0x2", "bad number" },
		{ "max: width=4096 height=4096\n", "", "missing key 'max'" },
		{ "as: control=0x00000001", "as: control=1", "as:" },
		{ "as: control=0x00000001 pgtable=0x12345000", "as: control=0x00000001",
		  "as:" },
		{ "max: width=4096", "max: width=0x1000", "max:" },
		{ "underrun: pipe=0", "underrun: pipe=4", "underrun:" },
		{ "underrun: pipe=0 plane=0", "underrun: pipe=0 plane=15", "underrun:" },
		{ "underrun: pipe=0 plane=0 address=0x0", "underrun: pipe=0 plane=0 address=0x40",
		  "differ from pipe 0's last_underrun" },
		{ "underrun: pipe=0 plane=0 address=0x0", "underrun: pipe=1 plane=1 address=0x0",
		  "differ from pipe 1's last_underrun" },
		{ "underrun: pipe=0 plane=0 address=0x0\n", "", "no display section with an" },
		{ "pipe: 0\n", "", "before the first 'pipe'" },
		{ "pipe: 1", "pipe: 2", "listed from 0 in order" },
		{ "pipe: 1", "pipe: 01", "listed from 0 in order" },
		{ "pipe: 0\n", "pipe: 0\npipes: 2\n", "repeated or out of order" },
		{ "control: 0x00000001", "control: 0x1", "8 hex digits" },
		{ "control: 0x00000001", "control: 1", "bad number" },
		{ "bg_color: 0x00102030\nupdate: 0x00000000\n",
		  "update: 0x00000000\nbg_color: 0x00102030\n", "missing key 'bg_color'" },
		{ "status: 0x00000003\n", "status: 0x00000003\nstatus: 0x00000003\n",
		  "repeated or out of order" },
		{ "wb: control=0x00000000 address=0x0 pitch=0 status=0x00000000\n", "",
		  "missing key 'wb' before 'plane'" },
		{ "mode: width=1024", "mode: width=70000", "mode:" },
		{ "mode: width=1024 height=768 htotal=1344 vtotal=806 clock=65000",
		  "mode: width=1024 height=768 htotal=1344 vtotal=806", "mode:" },
		{ "frame_count: 1000", "frame_count: 4294967296", "32-bit count" },
		{ "crc: control=0x00000001 value=0xc0000000",
		  "crc: control=0x00000001 value=0xc000", "crc:" },
		{ "conn: status=0x00000001", "conn: status=\"0x00000001\"", "conn:" },
		{ "last_underrun: address=0x0 plane=0 count=1",
		  "last_underrun: address=0 plane=0 count=1", "last_underrun:" },
		{ "plane: index=1", "plane: index=2", "plane index 2" },
		{ "format=argb8888", "format=1", "plane:" },
		{ "format=argb8888", "format=rgb888", "plane:" },
		{ "format=argb8888", "format=4294967296", "plane:" },
		{ "blend=coverage", "blend=\"coverage\"", "plane:" },
		{ "blend=coverage", "blend=2", "plane:" },
		{ "x=10 y=20", "x=65536 y=20", "plane:" },
		{ "zpos=1", "zpos=-1", "plane:" },
		{ "zpos=1", "zpos=\"1\"", "plane:" },
		{ "address=0x10100000", "address=\"0x10100000\"", "plane:" },
		{ "crc_history: frame=999 value=0xc0000000\n", "crc_history: frame=999\n",
		  "crc_history:" },
	};
	struct tdump d = shape_underrun();
	struct tdoc doc;
	char what[160];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		build_doc(&d, &doc);
		snprintf(what, sizeof(what), "display: '%s' -> '%s'", cases[i].from, cases[i].to);
		check(!doc_replace(&doc, "display", 0, cases[i].from, cases[i].to),
		      "%s: nothing to replace", what);
		parse_bad_doc(what, &doc, cases[i].why);
		doc_free(&doc);
	}

	/* A pipe with two planes; a plane after the CRCs; nine CRCs; CRCs first. */
	build_doc(&d, &doc);
	doc_replace(&doc, "display", 0, "plane: index=2 ", "planet: index=2 ");
	parse_bad_doc("two planes, then CRCs", &doc, "pipe 0: crc_history before its 3 planes");
	doc_free(&doc);
	{
		struct tdisplay nocrc = display_underrun;
		struct tdump e = d;

		nocrc.ncrcs = 0;
		e.display = &nocrc;
		build_doc(&e, &doc);
		doc_replace(&doc, "display", 0, "plane: index=2 ", "planet: index=2 ");
		parse_bad_doc("two planes", &doc, "pipe 0: 2 planes, 3 expected");
		doc_free(&doc);
		build_doc(&e, &doc);
		{
			struct sb *b = find_sec(&doc, "display", 0);
			char *cut = strstr(strstr(b->p, "pipe: 1\n"), "plane: index=2");

			b->len = (size_t)(cut - b->p);
			b->p[b->len] = '\0';
		}
		parse_bad_doc("last pipe, two planes", &doc, "pipe 1: 2 planes, 3 expected");
		doc_free(&doc);
	}
	build_doc(&d, &doc);
	doc_replace(&doc, "display", 0, "pipe: 1\n",
		    "plane: index=3 control=0x00000000 format=xrgb8888 address=0x0 pitch=0 width=0 height=0 x=0 y=0 alpha=0 blend=none zpos=0\npipe: 1\n");
	parse_bad_doc("plane after the CRCs", &doc, "a plane after its 3 planes");
	doc_free(&doc);
	build_doc(&d, &doc);
	doc_replace(&doc, "display", 0, "crc_history: frame=999 value=0xc0000000\n",
		    "crc_history: frame=999 value=0xc0000000\n"
		    "crc_history: frame=1 value=0x00000001\ncrc_history: frame=1 value=0x00000001\n"
		    "crc_history: frame=1 value=0x00000001\ncrc_history: frame=1 value=0x00000001\n"
		    "crc_history: frame=1 value=0x00000001\ncrc_history: frame=1 value=0x00000001\n");
	parse_bad_doc("nine CRCs", &doc, "more than 8 crc_history lines");
	doc_free(&doc);
	build_doc(&d, &doc);
	doc_replace(&doc, "display", 0, "plane: index=0", "crc_history: frame=1 value=0x00000001\n"
		    "plane: index=0");
	parse_bad_doc("CRCs before the planes", &doc, "crc_history before its 3 planes");
	doc_free(&doc);
	/* The last pipe cut short. */
	build_doc(&d, &doc);
	{
		struct sb *b = find_sec(&doc, "display", 0);
		char *last = strstr(strstr(b->p, "pipe: 1\n"), "last_underrun:");

		b->len = (size_t)(last - b->p);
		b->p[b->len] = '\0';
	}
	parse_bad_doc("last pipe cut", &doc, "pipe 1: missing key 'last_underrun'");
	doc_free(&doc);
	/* Nothing but the controller. */
	build_doc(&d, &doc);
	{
		struct sb *b = find_sec(&doc, "display", 0);

		b->len = strlen("controller: present\n");
		b->p[b->len] = '\0';
	}
	parse_bad_doc("controller only", &doc, "missing key 'pipes'");
	doc_free(&doc);
	/* An empty section. */
	build_doc(&d, &doc);
	find_sec(&doc, "display", 0)->len = 0;
	parse_bad_doc("empty display", &doc, "missing key 'controller'");
	doc_free(&doc);
}

/* The reason, the engine, the job and the display section agree. */
static void test_display_cross(void)
{
	struct tdump d = shape_underrun(), t = shape_display_full();
	struct tdoc doc;

	d.halted = "yes";
	build_doc(&d, &doc);
	parse_bad_doc("underrun, engine halted", &doc, "engine_halted: 'running' exactly");
	doc_free(&doc);

	t.halted = "running";
	build_doc(&t, &doc);
	parse_bad_doc("timeout, engine running", &doc, "engine_halted: 'running' exactly");
	doc_free(&doc);

	d = shape_underrun();
	d.display = NULL;
	build_doc(&d, &doc);
	parse_bad_doc("underrun, no display", &doc, "no display section with an 'underrun'");
	doc_free(&doc);

	d = shape_underrun();
	d.job = true;
	d.comm = "x";
	build_doc(&d, &doc);
	parse_bad_doc("underrun with a job", &doc, "a job in a display-underrun dump");
	doc_free(&doc);

	d = shape_underrun();
	d.fault = "translation";
	d.access = "read";
	build_doc(&d, &doc);
	doc_replace(&doc, "header", 0, "engine_halted: error", "engine_halted: running");
	parse_bad_doc("underrun with a fault", &doc, "a fault in a display-underrun dump");
	doc_free(&doc);

	t = shape_display_full();
	build_doc(&t, &doc);
	doc_replace(&doc, "display", 0, "max: width=4096 height=4096\n",
		    "max: width=4096 height=4096\nunderrun: pipe=3 plane=wb address=0xfedcba9876543000\n");
	parse_bad_doc("timeout with an underrun line", &doc,
		      "'underrun' line, but the reason is timeout");
	doc_free(&doc);

	/* Display sections: one at most, after registers, before ring. */
	t = shape_display_full();
	build_doc(&t, &doc);
	doc_insert(&doc, 3, "display", "controller: none\n");
	parse_bad_doc("two display sections", &doc, "out of order");
	doc_free(&doc);
	build_doc(&t, &doc);
	doc_insert(&doc, 1, "display", "controller: none\n");
	doc_remove(&doc, 3);
	parse_bad_doc("display before registers", &doc, "out of order");
	doc_free(&doc);
	build_doc(&t, &doc);
	{
		struct tsec tmp = doc.s[2];

		doc.s[2] = doc.s[3];
		doc.s[3] = tmp;
	}
	parse_bad_doc("display after ring", &doc, "out of order");
	doc_free(&doc);
}

/* Every prefix and every byte of a display-underrun dump is checked. */
static void test_display_damage(void)
{
	static const unsigned char flips[] = { 0x01, 0x20, 0x80 };
	struct tdump d = shape_underrun();
	size_t len, i, f;
	char *p = gen(&d, &len), *copy = malloc(len), what[64];

	for (i = 0; i < len && !test_failed; i++) {
		memcpy(copy, p, i);
		snprintf(what, sizeof(what), "prefix %zu", i);
		parse_bad(what, copy, i, i < OSPREY_COREDUMP_MAGIC_LEN ? "magic" : "truncated");
	}
	for (i = 0; i < len && !test_failed; i++) {
		for (f = 0; f < ARRAY_SIZE(flips); f++) {
			p[i] ^= flips[f];
			snprintf(what, sizeof(what), "byte %zu ^ 0x%02x", i, flips[f]);
			parse_bad(what, p, len, NULL);
			p[i] ^= flips[f];
		}
	}
	free(copy);
	free(p);
}

static void test_concatenated(void)
{
	struct tdump a = shape_timeout(), b = shape_fault();
	struct tdoc doc;
	struct sb out = { 0 };
	struct osp_coredump *cd;
	size_t first;

	build_doc(&a, &doc);
	assemble(&doc, &out);
	doc_free(&doc);
	first = out.len;
	build_doc(&b, &doc);
	assemble(&doc, &out);
	doc_free(&doc);

	cd = parse_ok("first", out.p, first);
	osp_coredump_free(cd);
	if (osp_coredump_parse(out.p, out.len, &cd, NULL, 0) == 0) {
		check(cd->size == first, "first dump: size %zu, expected %zu", cd->size, first);
		check_dump(cd, &a);
		osp_coredump_free(cd);
	} else {
		check(0, "concatenation: first dump does not parse");
	}
	cd = parse_ok("second", out.p + first, out.len - first);
	if (cd)
		check_dump(cd, &b);
	osp_coredump_free(cd);
	free(out.p);
}

/* Codec vectors and the reference CRC. */
static void test_vectors(void)
{
	static const uint8_t ones[4] = { 0xff, 0xff, 0xff, 0xff }, man[4] = { 'M', 'a', 'n', ' ' };
	static const uint8_t zero[4];
	char out[6] = { 0 };
	uint8_t back[4];

	check(ref_crc32("123456789", 9) == 0xcbf43926u, "crc32 check value");
	check(ref_crc32("", 0) == 0, "crc32 of nothing");
	check(osprey_a85_encode_group(ones, out) == 5 && !memcmp(out, "s8W-!", 5),
	      "a85 0xffffffff: '%.5s'", out);
	check(osprey_a85_encode_group(man, out) == 5 && !memcmp(out, "9jqo^", 5),
	      "a85 'Man ': '%.5s'", out);
	check(osprey_a85_encode_group(zero, out) == 1 && out[0] == 'z', "a85 zero");
	check(!osprey_a85_decode_group("s8W-!", back) && !memcmp(back, ones, 4), "a85 decode");
	check(osprey_a85_decode_group("s8W-\"", back), "a85 overflow accepted");
	check(osprey_a85_decode_group("s8W-v", back), "a85 'v' accepted");
}

/* Every prefix of a dump fails, naming a section and a byte. */
static void test_truncation(void)
{
	struct tdump d = shape_budget();
	size_t len, i;
	char *p = gen(&d, &len), *copy;
	struct osp_coredump *cd;
	char err[512], what[32];

	copy = malloc(len);
	for (i = 0; i < len && !test_failed; i++) {
		/* An exact-size copy, so that ASan would catch a read past it. */
		memcpy(copy, p, i);
		snprintf(what, sizeof(what), "prefix %zu", i);
		parse_bad(what, copy, i, i < OSPREY_COREDUMP_MAGIC_LEN ? "magic" : "truncated");
	}
	check(osp_coredump_parse(p, len, &cd, err, sizeof(err)) == 0, "full length: %s", err);
	osp_coredump_free(cd);
	/* The two messages the format names. */
	parse_bad("in ring body", p, strstr(p, "@ring ") - p + 40, "truncated in section 'ring'");
	memcpy(err, p, 0);
	cd = NULL;
	osp_coredump_parse(p, strstr(p, "@ring ") - p + 40, &cd, err, sizeof(err));
	check(strstr(err, "body needs") && strstr(err, "left"), "truncation message: '%s'", err);
	free(copy);
	free(p);
}

/* Any single-byte change is caught (CRCs cover bodies, syntax the rest). */
static void test_corruption(void)
{
	static const unsigned char flips[] = { 0x01, 0x20, 0x80, 0xff };
	struct tdump d = shape_fault();
	size_t len, i, f;
	char *p = gen(&d, &len), what[64];

	for (i = 0; i < len && !test_failed; i++) {
		for (f = 0; f < ARRAY_SIZE(flips); f++) {
			p[i] ^= flips[f];
			snprintf(what, sizeof(what), "byte %zu ^ 0x%02x", i, flips[f]);
			parse_bad(what, p, len, NULL);
			p[i] ^= flips[f];
		}
	}
	free(p);
}

static void test_wrong_crc(void)
{
	struct tdump d = shape_timeout();
	size_t len;
	char *p = gen(&d, &len), *hdr = strstr(p, "@job "), err[512];
	struct osp_coredump *cd;
	char want[64];

	/* Swap the CRC's first digit for another valid one. */
	hdr[16] = hdr[16] == '0' ? '1' : '0';
	check(osp_coredump_parse(p, len, &cd, err, sizeof(err)) == -1, "wrong crc accepted");
	snprintf(want, sizeof(want), "section 'job' (#4) at byte %zu: crc mismatch (header says",
		 (size_t)(hdr - p));
	check(!!strstr(err, want) && strstr(err, "body has"), "message '%s'", err);
	hdr[16] = 'g';
	parse_bad("bad crc digit", p, len, "crc field");
	hdr[16] = 'A';
	parse_bad("uppercase crc digit", p, len, "crc field");
	free(p);
}

static void test_wrong_length(void)
{
	struct tdump d = shape_timeout();
	size_t len;
	char *p = gen(&d, &len), *hdr = strstr(p, "@fault ");
	char *q;

	/* One byte longer or shorter: the CRC no longer matches. */
	hdr[16]++;
	parse_bad("length +1", p, len, "crc mismatch");
	hdr[16] -= 2;
	parse_bad("length -1", p, len, NULL);
	hdr[16]++;
	/* Longer than what is left. */
	memcpy(hdr + 7, "9999999999", 10);
	parse_bad("length past the end", p, len, "truncated in section 'fault'");
	memcpy(hdr + 7, "00000000x0", 10);
	parse_bad("length not digits", p, len, "length field");
	free(p);

	/* Widths: nine digits, eleven digits, a name too long. */
	p = gen(&d, &len);
	hdr = strstr(p, "@fault ");
	memmove(hdr + 7, hdr + 8, len - (size_t)(hdr + 8 - p));
	parse_bad("nine-digit length", p, len - 1, "length field");
	free(p);
	p = gen(&d, &len);
	q = malloc(len + 1);
	hdr = strstr(p, "@fault ");
	memcpy(q, p, (size_t)(hdr - p) + 7);
	q[hdr - p + 7] = '0';
	memcpy(q + (hdr - p) + 8, hdr + 7, len - (size_t)(hdr + 7 - p));
	parse_bad("eleven-digit length", q, len + 1, "length field");
	free(q);
	free(p);
}

static void test_bad_magic(void)
{
	struct tdump d = shape_manual();
	size_t len;
	char *p = gen(&d, &len);

	p[16] = '2';
	parse_bad("version 2", p, len, "magic");
	p[16] = '1';
	p[0] = 'o';
	parse_bad("lowercase magic", p, len, "magic");
	free(p);
	parse_bad("empty", "", 0, "magic");
	parse_bad("magic only", OSPREY_COREDUMP_MAGIC, OSPREY_COREDUMP_MAGIC_LEN, "no 'header'");
}

static void test_bad_ascii85(void)
{
	static const struct {
		const char *from, *to, *why;
	} cases[] = {
		{ "data:\n", "data:\nv", "ascii85" },		/* out of range */
		{ "data:\n", "data:\n!z", "ascii85" },		/* 'z' inside a group */
		{ "data:\n", "data:\nz", "more data than captured" },
		{ "data:\n", "data:\ns8W-\"", "larger than 32 bits" },
		{ "data:\n", "data:\n~", "ascii85" },
	};
	struct tdump d = shape_timeout();
	struct tdoc doc;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		build_doc(&d, &doc);
		check(!doc_replace(&doc, "bo", 1, cases[i].from, cases[i].to), "replace");
		parse_bad_doc(cases[i].to + 6, &doc, cases[i].why);
		doc_free(&doc);
	}
	/* Fewer bytes than captured. */
	build_doc(&d, &doc);
	doc_replace(&doc, "bo", 1, "captured: 64", "captured: 68");
	doc_replace(&doc, "bo", 1, "size: 64", "size: 68");
	parse_bad_doc("short data", &doc, "data ends after 64 bytes");
	doc_free(&doc);
	/* A partial group at the end. */
	build_doc(&d, &doc);
	{
		struct sb *b = find_sec(&doc, "bo", 1);

		memcpy(b->p + b->len - 3, "\n", 2);
		b->len -= 2;
	}
	parse_bad_doc("partial group", &doc, "partial group");
	doc_free(&doc);
	/* Line breaks anywhere in the data are ignored. */
	build_doc(&d, &doc);
	doc_replace(&doc, "bo", 1, "data:\n", "data:\n\n");
	check(!doc_replace(&doc, "bo", 0, "data:\n", "data:\n\n"), "replace");
	{
		struct sb *b = find_sec(&doc, "bo", 1);
		char *at = b->p + b->len - 9;
		struct sb nb = { 0 };
		struct osp_coredump *cd;
		size_t len;
		char *p;

		sb_add(&nb, b->p, (size_t)(at - b->p));
		sb_add(&nb, "\n", 1);
		sb_add(&nb, at, b->len - (size_t)(at - b->p));
		free(b->p);
		*b = nb;
		p = gen_doc(&doc, &len);
		cd = parse_ok("line breaks in data", p, len);
		if (cd)
			check(cd->bos[1].captured == 64 && !memcmp(cd->bos[1].data, data_bytes, 64),
			      "data with line breaks");
		osp_coredump_free(cd);
		free(p);
	}
	doc_free(&doc);
}

static void test_bad_escapes(void)
{
	static const struct {
		const char *to, *why;
	} cases[] = {
		{ "label: \"a\\qb\"", "bad escape" },
		{ "label: \"a\\x4\"", "bad escape" },
		{ "label: \"a\\xg0\"", "bad escape" },
		{ "label: \"ab", "unterminated" },
		{ "label: \"a\"b", "after a closing quote" },
		{ "label: \"a\tb\"", "unescaped byte" },
		{ "label: \"a\\\"", "unterminated" },
		{ "label: ab", "quoted string expected" },
		{ "label: a\"b\"", "quote inside a word" },
	};
	struct tdump d = shape_timeout();
	struct tdoc doc;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		build_doc(&d, &doc);
		check(!doc_replace(&doc, "bo", 0, "label: \"batch\"", cases[i].to), "replace");
		parse_bad_doc(cases[i].to, &doc, cases[i].why);
		doc_free(&doc);
	}
}

static void test_bad_keys(void)
{
	static const struct {
		const char *sec, *from, *to, *why;
	} cases[] = {
		{ "job", "queue: 2", "Queue: 2", "expected a key" },
		{ "job", "queue: 2", "qUeue: 2", "bad key" },
		{ "job", "queue: 2", "queue:2", "expected ': '" },
		{ "job", "queue: 2", "queue: 2 ", "stray space" },
		{ "job", "queue: 2", "queue:  2", "stray space" },
		{ "job", "queue: 2", "queue: two", "bad number" },
		{ "job", "queue: 2", "queue: 0x2", "bad number" },
		{ "job", "queue: 2", "queue: \"2\"", "quoted string not expected" },
		{ "mappings", "map: va=0x100000 size=0x1000 bo=1 offset=0x0 flags=ro",
		  "map: \"va=0x100000 size=0x1000 bo=1 offset=0x0 flags=ro\"",
		  "quoted string not expected" },
		{ "job", "queue: 2", ": 2", "expected a key" },
		{ "job", "queue: 2", "queue 2", "bad key" },
		{ "job", "queue: 2\n", "queue: 2\n\n", "expected a key" },
		{ "job", "queue: 2\n", "", "missing key 'queue'" },
		{ "job", "queue: 2\n", "queue: 2\nqueue: 2\n", "repeated" },
		{ "job", "state: running\nqueue: 2\n", "queue: 2\nstate: running\n",
		  "out of order" },
		{ "job", "state: running", "state: idle", "bad value" },
		{ "registers", "MAGIC: 0x00000000", "MAGIC: 0x0000000", "8 hex digits" },
		{ "registers", "MAGIC:", "magic:", "expected a key" },
		{ "registers", "MAGIC:", "MAGIc:", "bad key" },
		{ "header", "format: 1", "format: 2", "only version 1" },
		{ "header", "time: 2026-03-04T05:06:07.123456789Z", "time: 2026-03-04 05:06:07",
		  "time" },
		{ "header", "sequence: 1", "sequence: 0", "from 1" },
		{ "header", "driver: osprey 1.2.3", "driver: osprey 1.2", "driver" },
		{ "header", "gpu: model=0x05e1", "gpu: model=0x5e1", "gpu" },
		{ "header", "uptime_ns: 1000000123", "uptime_ns: 99999999999999999999",
		  "bad number" },
		{ "ring", "words: 96", "words: 95", "words" },
		{ "ring", "0xff60:", "0xff80:", "ring data line" },
		{ "ring", "data:\n", "data: x\n", "must be empty" },
		{ "mappings", "count: 2", "count: 3", "count 3, but 2" },
		{ "mappings", "flags=ro", "flags=rx", "map:" },
		{ "mappings", "bo=2", "bo=3", "bo=3, but there are 2" },
		{ "mappings", "va=0x200000", "va=0x100800", "VA order" },
		{ "jobs", "count: 2", "count: 1", "count 1, but 2" },
		{ "jobs", "state=queued", "state=\"queued\"", "job:" },
		{ "skipped", "count: 0", "count: 1", "count 1, but 0" },
		{ "end", "sections: ", "sections: 1", "sections" },
		{ "end", "bytes: ", "bytes: 1", "bytes" },
	};
	struct tdump d = shape_timeout();
	struct tdoc doc;
	size_t i;
	char what[96];

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		build_doc(&d, &doc);
		snprintf(what, sizeof(what), "%s: '%s'", cases[i].sec, cases[i].to);
		if (!strcmp(cases[i].sec, "end")) {
			/* assemble() writes the end section: off by one. */
			doc.end_sections_delta = cases[i].from[0] == 's';
			doc.end_bytes_delta = cases[i].from[0] == 'b';
			parse_bad_doc(what, &doc, cases[i].why);
		} else {
			check(!doc_replace(&doc, cases[i].sec, 0, cases[i].from, cases[i].to),
			      "%s: nothing to replace", what);
			parse_bad_doc(what, &doc, cases[i].why);
		}
		doc_free(&doc);
	}
}

static void test_bo_rules(void)
{
	static const struct {
		int bo;
		const char *from, *to, *why;
	} cases[] = {
		{ 1, "id: 2", "id: 3", "bo ids run from 1" },
		{ 1, "captured: 64", "captured: 62", "multiple of 4" },
		{ 1, "size: 64", "size: 60", "at most size" },
		{ 1, "shared: no", "shared: exported", "shared (exported)" },
		{ 1, "truncated: no", "truncated: yes", "all 64 bytes captured" },
		{ 1, "role: buffer", "role: batch", "batch buffer not the first" },
		{ 1, "encoding: ascii85\n", "skipped: \"budget\"\nencoding: ascii85\n",
		  "'skipped' is present exactly" },
		{ 1, "encoding: ascii85", "encoding: base64", "bad value" },
		{ 1, "label: ", "labels: ", "missing key 'label'" },
		{ 0, "owner_pid: 4242", "owner_pid: 18446744073709551615", "owner_pid" },
		{ 0, "size: 4096", "size: 8192", "only 4096 of 8192" },
	};
	struct tdump d = shape_timeout();
	struct tdoc doc;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		build_doc(&d, &doc);
		check(!doc_replace(&doc, "bo", cases[i].bo, cases[i].from, cases[i].to),
		      "nothing to replace: %s", cases[i].from);
		parse_bad_doc(cases[i].to, &doc, cases[i].why);
		doc_free(&doc);
	}
	/* A label longer than 64 bytes. */
	d.bo[1].label = "0123456789012345678901234567890123456789012345678901234567890123X";
	build_doc(&d, &doc);
	parse_bad_doc("long label", &doc, "longer than 64");
	doc_free(&doc);
	/* 'data' with nothing captured. */
	d = shape_budget();
	build_doc(&d, &doc);
	doc_replace(&doc, "bo", 2, "encoding: ascii85\n", "encoding: ascii85\ndata:\n");
	parse_bad_doc("data without captured", &doc, "'data' is present exactly");
	doc_free(&doc);
}

static void test_fault_rules(void)
{
	struct tdump d = shape_fault();
	struct tdoc doc;

	build_doc(&d, &doc);
	doc_replace(&doc, "fault", 0, "l1: index=145 entry=0x0000000000000000\n",
		    "l1: index=145 entry=0x0000000000000000\nl2: index=1 entry=0x0000000000000001\n");
	parse_bad_doc("walk past an invalid entry", &doc, "VALID");
	doc_free(&doc);
	build_doc(&d, &doc);
	doc_replace(&doc, "fault", 0, "l0: index=0 entry=0x0000000001234001\n", "");
	parse_bad_doc("l1 without l0", &doc, "VALID");
	doc_free(&doc);
	build_doc(&d, &doc);
	doc_replace(&doc, "fault", 0, "index=145", "index=512");
	parse_bad_doc("index 512", &doc, "index=<0..511>");
	doc_free(&doc);
	build_doc(&d, &doc);
	doc_replace(&doc, "fault", 0, "entry=0x0000000000000000", "entry=0x0");
	parse_bad_doc("short entry", &doc, "16 hex digits");
	doc_free(&doc);
	build_doc(&d, &doc);
	doc_replace(&doc, "fault", 0, "status: translation", "status: invalid-insn");
	parse_bad_doc("walk of an invalid-insn fault", &doc, "page-table walk");
	doc_free(&doc);
	build_doc(&d, &doc);
	doc_replace(&doc, "fault", 0, "status: translation", "status: none");
	parse_bad_doc("status none with more", &doc, "with 'status: none'");
	doc_free(&doc);
	build_doc(&d, &doc);
	doc_replace(&doc, "job", 0, "state: running", "state: none");
	parse_bad_doc("state none with more", &doc, "with 'state: none'");
	doc_free(&doc);
}

static void test_section_order(void)
{
	struct tdump d = shape_timeout();
	struct tdoc doc;
	struct tsec tmp;

	build_doc(&d, &doc);
	tmp = doc.s[1];
	doc.s[1] = doc.s[2];
	doc.s[2] = tmp;
	parse_bad_doc("ring before registers", &doc, "out of order");
	doc_free(&doc);

	build_doc(&d, &doc);
	tmp = doc.s[6];		/* bo 1 after jobs */
	memmove(&doc.s[6], &doc.s[7], sizeof(tmp) * 2);
	doc.s[8] = tmp;
	parse_bad_doc("bo after jobs", &doc, "out of order");
	doc_free(&doc);

	build_doc(&d, &doc);
	doc_insert(&doc, 4, "job", "state: none\n");
	parse_bad_doc("two job sections", &doc, "out of order");
	doc_free(&doc);

	build_doc(&d, &doc);
	doc_remove(&doc, 4);	/* fault */
	parse_bad_doc("no fault section", &doc, "no 'fault' section");
	doc_free(&doc);

	build_doc(&d, &doc);
	doc_insert(&doc, 2, "Ring", "");
	parse_bad_doc("uppercase name", &doc, "bad section name");
	doc_free(&doc);

	build_doc(&d, &doc);
	doc_insert(&doc, 2, "a234567890123456789012345678901x", "");
	parse_bad_doc("32-byte name", &doc, "bad section name");
	doc_free(&doc);
}

static void test_unknown_ok(void)
{
	struct tdump d = shape_timeout();
	struct osp_coredump *cd;
	struct tdoc doc;
	size_t len;
	char *p;

	build_doc(&d, &doc);
	/* 31-character name, any body, anywhere before end; one empty. */
	doc_insert(&doc, 1, "a234567890123456789012345678901", "free text\x01\xff no key\n");
	doc_insert(&doc, 0, "zz-future-0", "");
	doc_insert(&doc, doc.n, "late", "x");
	doc_replace(&doc, "job", 0, "queue: 2\n", "queue: 2\nnew_key: \"new\"\nnumbers: 1 2 3\n");
	doc_replace(&doc, "header", 0, "budget:", "newer_thing: yes\nbudget:");
	doc_replace(&doc, "bo", 1, "encoding:", "origin: \"x\"\nencoding:");
	doc_replace(&doc, "mappings", 0, "count: 2\n", "count: 2\nnote: later\n");
	p = gen_doc(&doc, &len);
	cd = parse_ok("unknown sections and keys", p, len);
	if (cd) {
		check(cd->nsections == 14, "%zu sections", cd->nsections);
		check(!strcmp(cd->sections[0].name, "zz-future-0") &&
		      cd->sections[0].length == 0, "unknown section 0");
		check(cd->sections[2].length == 19 &&
		      !memcmp(cd->sections[2].body, "free text\x01\xff no key\n", 19),
		      "unknown section body");
		check_val(cd, "job", "new_key", "new");
		check_val(cd, "job", "numbers", "1 2 3");
		check_val(cd, "header", "newer_thing", "yes");
		check_val(cd, "zz-future-0", "anything", NULL);
		check(!osp_coredump_value(cd, "late", "x"), "value of an unknown section");
		check(cd->nbos == 2 && cd->bos[1].captured == 64, "bos");
	}
	osp_coredump_free(cd);
	free(p);
	/* An unknown section still needs its CRC. */
	p = gen_doc(&doc, &len);
	p[strstr(p, "free text") - p] = 'F';
	parse_bad("unknown section, bad crc", p, len, "crc mismatch");
	free(p);
	doc_free(&doc);
}

static void test_accessors(void)
{
	const char *list = "what=bo-2 reason=\"a \\\"b\\\" \\x41\\\\\" n=0x10 e=";
	struct tdump d = shape_timeout();
	struct osp_coredump *cd;
	const char *v[2];
	char buf[16];
	uint64_t x;
	size_t len;
	char *p;

	check(!osp_coredump_field(list, "what", buf, sizeof(buf)) && !strcmp(buf, "bo-2"),
	      "field what '%s'", buf);
	check(!osp_coredump_field(list, "reason", buf, sizeof(buf)) &&
	      !strcmp(buf, "a \"b\" A\\"), "field reason '%s'", buf);
	check(!osp_coredump_field(list, "n", buf, sizeof(buf)) && !strcmp(buf, "0x10"), "n");
	check(!osp_coredump_field(list, "e", buf, sizeof(buf)) && !buf[0], "empty field");
	check(osp_coredump_field(list, "nope", buf, sizeof(buf)) == -ENOENT, "absent field");
	check(osp_coredump_field(list, "wha", buf, sizeof(buf)) == -ENOENT, "prefix of a name");
	check(osp_coredump_field(list, "reason", buf, 4) == -ENOSPC && !strcmp(buf, "a \""),
	      "short buffer '%s'", buf);
	check(osp_coredump_field("a=1  b=2", "b", buf, sizeof(buf)) == -EINVAL, "double space");
	check(osp_coredump_field("a=\"1 b=2", "b", buf, sizeof(buf)) == -EINVAL, "open quote");
	check(osp_coredump_field(NULL, "b", buf, sizeof(buf)) == -ENOENT, "NULL list");
	check(!osp_coredump_parse_u64("18446744073709551615", &x) && x == UINT64_MAX, "max");
	check(osp_coredump_parse_u64("18446744073709551616", &x) == -EINVAL, "overflow");
	check(!osp_coredump_parse_u64("0xffffffffffffffff", &x) && x == UINT64_MAX, "hex max");
	check(osp_coredump_parse_u64("0x1ffffffffffffffff", &x) == -EINVAL, "hex overflow");
	check(osp_coredump_parse_u64("0x", &x) == -EINVAL && osp_coredump_parse_u64("", &x) ==
	      -EINVAL && osp_coredump_parse_u64("-1", &x) == -EINVAL, "not numbers");

	p = gen(&d, &len);
	cd = parse_ok("accessors", p, len);
	if (cd) {
		check(osp_coredump_u64(cd, "job", "nope", &x) == -ENOENT, "u64 absent key");
		check(osp_coredump_u64(cd, "nope", "pid", &x) == -ENOENT, "u64 absent section");
		check(osp_coredump_u64(cd, "job", "comm", &x) == -EINVAL, "u64 of a string");
		check(osp_coredump_values(cd, "mappings", "map", v, 1) == 2 && v[0] &&
		      strstr(v[0], "bo=1"), "values with max 1");
		check(osp_coredump_values(cd, "mappings", "map", NULL, 0) == 2, "values count");
		check(osp_coredump_values(cd, "nope", "map", v, 2) == 0, "values absent");
		check_val(cd, "bo", "label", "batch");
		check(!osp_coredump_section_value(cd, cd->nsections, "id"), "section out of range");
	}
	osp_coredump_free(cd);
	osp_coredump_free(NULL);
	free(p);
}

/* Linear time: a large buffer and many mappings parse quickly. */
static void test_large(void)
{
	struct tdump d = shape_timeout();
	size_t n = 4u << 20, i, len;
	struct timespec t0, t1;
	struct osp_coredump *cd;
	struct tdoc doc;
	struct sb *maps;
	uint8_t *big = malloc(n);
	double s;
	char *p;

	for (i = 0; i < n; i++)
		big[i] = (uint8_t)(i * 2654435761u >> 13);
	d.bo[1].size = n;
	d.bo[1].captured = n;
	d.bo[1].data = big;
	build_doc(&d, &doc);
	maps = find_sec(&doc, "mappings", 0);
	free(maps->p);
	memset(maps, 0, sizeof(*maps));
	sb_printf(maps, "count: 50002\n");
	sb_printf(maps, "map: va=0x100000 size=0x1000 bo=1 offset=0x0 flags=ro\n");
	sb_printf(maps, "map: va=0x200000 size=0x%zx bo=2 offset=0x0 flags=rw\n", n);
	for (i = 0; i < 50000; i++)
		sb_printf(maps, "map: va=0x%zx size=0x1000 bo=2 offset=0x0 flags=rw\n",
			  0x10000000 + i * 0x1000);
	p = gen_doc(&doc, &len);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cd = parse_ok("large", p, len);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (cd)
		check(cd->bos[1].captured == n && !memcmp(cd->bos[1].data, big, n), "big data");
	check(s < 5.0, "%zu bytes took %.2f s", len, s);
	osp_coredump_free(cd);
	free(p);
	doc_free(&doc);
	free(big);
}

/* Read a whole file; NULL if it cannot be. */
static char *slurp(const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	FILE *f = fopen(path, "rb");

	if (!f)
		return NULL;
	buf = fstat(fileno(f), &st) ? NULL : malloc((size_t)st.st_size + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	*len = fread(buf, 1, (size_t)st.st_size, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* Every file of the samples directory is a valid sequence of dumps. */
static void test_samples(void)
{
	struct dirent *de;
	int files = 0;
	DIR *dir = opendir(samples_dir);

	if (!check(!!dir, "%s: %s", samples_dir, strerror(errno)))
		return;
	while ((de = readdir(dir))) {
		char path[512], err[512];
		struct osp_coredump *cd;
		size_t len, off = 0;
		int dumps = 0;
		char *p;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", samples_dir, de->d_name);
		p = slurp(path, &len);
		if (!check(!!p, "%s: %s", path, strerror(errno)))
			break;
		files++;
		while (off < len || !dumps) {
			if (!check(!osp_coredump_parse(p + off, len - off, &cd, err, sizeof(err)),
				   "%s: dump at byte %zu: %s", path, off, err))
				break;
			off += cd->size;
			dumps++;
			osp_coredump_free(cd);
		}
		free(p);
	}
	closedir(dir);
	check(files > 0, "no sample in %s", samples_dir);
}

/* @v, or a word saying it is missing. */
static const char *or_none(const char *v)
{
	if (!v)
		return "(none)";
	return v;
}

/* A little-endian word of a decoded buffer. */
static uint32_t le_word(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * The dumps the driver wrote in a guest (driver-*.coredump, read from
 * /sys/class/devcoredump after "ospreyctl submit" ran the batches below, as
 * make run does): what the batches did is in them, and every prefix of
 * them is refused. To refresh them after a format change, run the same
 * commands in make shell and copy the data files here.
 */
static void test_driver_samples(void)
{
	static const struct {
		const char *file, *reason, *ip, *fault;
		uint32_t data0;
	} cases[] = {
		/* store data, 0x0badf00d; sem_wait.eq data + 4, 1; end */
		{ "driver-timeout.coredump", "timeout", "0x110010", "none", 0x0badf00d },
		/* store data, 0x1234; store 0x40000000, 1; end */
		{ "driver-fault.coredump", "fault", "0x110010", "translation", 0x1234 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct osp_coredump_bo *batch = NULL, *data = NULL;
		char path[512], err[512];
		struct osp_coredump *cd;
		size_t len, cut, b;
		const char *v;
		char *p;

		snprintf(path, sizeof(path), "%s/%s", samples_dir, cases[i].file);
		p = slurp(path, &len);
		if (!check(!!p, "%s: %s", path, strerror(errno)))
			continue;
		if (!check(!osp_coredump_parse(p, len, &cd, err, sizeof(err)),
			   "%s: %s", path, err)) {
			free(p);
			continue;
		}
		v = or_none(osp_coredump_value(cd, "header", "reason"));
		check(!strcmp(v, cases[i].reason), "%s: reason %s", path, v);
		/* Written before the display section: a dump of the previous shape. */
		check(!cd->has_display, "%s: a display section", path);
		v = or_none(osp_coredump_value(cd, "job", "ip"));
		check(!strcmp(v, cases[i].ip), "%s: ip %s", path, v);
		v = or_none(osp_coredump_value(cd, "fault", "status"));
		check(!strcmp(v, cases[i].fault), "%s: fault status %s", path, v);
		for (b = 0; b < cd->nbos; b++) {
			if (!strcmp(cd->bos[b].label, "batch"))
				batch = &cd->bos[b];
			if (!strcmp(cd->bos[b].label, "data"))
				data = &cd->bos[b];
		}
		if (check(batch && batch->data && batch->captured >= 16, "%s: no batch", path))
			check(le_word(batch->data) == 0x01000004, "%s: batch word 0 %#x", path,
			      le_word(batch->data));
		if (check(data && data->data && data->captured >= 4, "%s: no data buffer", path))
			check(le_word(data->data) == cases[i].data0, "%s: data word 0 %#x", path,
			      le_word(data->data));
		osp_coredump_free(cd);
		for (cut = 0; cut < len; cut++) {
			char *copy = malloc(cut ? cut : 1);

			memcpy(copy, p, cut);
			if (!osp_coredump_parse(copy, cut, &cd, err, sizeof(err))) {
				check(0, "%s: the first %zu bytes parse", path, cut);
				osp_coredump_free(cd);
				free(copy);
				break;
			}
			free(copy);
		}
		free(p);
	}
}

/* Command line. */

static int run_cli(const char *out_path, int argc, ...)
{
	int saved_out, saved_err, fd, r, i;
	char *argv[16];
	va_list ap;

	va_start(ap, argc);
	for (i = 0; i < argc && i < 15; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	argv[i] = NULL;
	fflush(stdout);
	fflush(stderr);
	fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	saved_out = dup(STDOUT_FILENO);
	saved_err = dup(STDERR_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
	r = ospreyctl_coredump_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	close(saved_out);
	close(saved_err);
	return r;
}

static int write_file(const char *path, const void *p, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	if (fwrite(p, 1, len, f) != len) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

/* The line of @text starting with @prefix, or NULL. */
static const char *has_line(const char *text, const char *prefix)
{
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, prefix, strlen(prefix)))
			return p;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

static void test_cli(void)
{
	char dir[] = "/tmp/coredump_test.XXXXXX";
	char dump[128], two[128], out[128], xdir[128], bin[192], sys[128], path[256];
	struct tdump a = shape_timeout(), b = shape_fault();
	char marked[64];
	size_t len, len2;
	char *p, *q, *text;
	const char *l;
	int r;

	if (!check(!!mkdtemp(dir), "mkdtemp: %s", strerror(errno)))
		return;
	snprintf(dump, sizeof(dump), "%s/timeout.cd", dir);
	snprintf(two, sizeof(two), "%s/two.cd", dir);
	snprintf(out, sizeof(out), "%s/out.txt", dir);
	snprintf(xdir, sizeof(xdir), "%s/x", dir);
	p = gen(&a, &len);
	q = gen(&b, &len2);
	write_file(dump, p, len);
	p = realloc(p, len + len2);
	memcpy(p + len, q, len2);
	write_file(two, p, len + len2);

	r = run_cli(out, 4, "coredump", "--extract", xdir, dump);
	text = slurp(out, &len);
	check(r == 0, "exit %d: %s", r, text ? text : "");
	if (text) {
		check(!!has_line(text, "reason: timeout\n"), "no reason line");
		check(!!has_line(text, "process: 4242 (osprey_hang)\n"), "no process line");
		check(!!has_line(text, "fault: none\n"), "no fault line");
		check(!!has_line(text, "device: osprey.0"), "no device line");
		check(!!has_line(text, "bos: 2\n"), "no bos line");
		check(!!has_line(text, "  bo 2 \"data \\\"q\\\" \\\\\\x7f\\x0a\\xe9\" size 0x40"),
		      "bo 2 line");
		check(!!has_line(text, "other jobs: 2\n"), "no jobs line");
		check(!!has_line(text, "display: not in this dump\n"), "no display line");
		snprintf(marked, sizeof(marked), "=> 0x%010llx:", (unsigned long long)batch_ip);
		l = has_line(text, "=>");
		check(l && !strncmp(l, marked, strlen(marked)) && strstr(l, "jump"),
		      "marker line '%.60s', expected '%s'", l ? l : "", marked);
		check(!!has_line(text, "disassembly: batch at 0x100000"), "no disassembly line");
		snprintf(bin, sizeof(bin), "extracted: %s/bo-1-batch.bin (4096 bytes)", xdir);
		check(!!has_line(text, bin), "no extracted line for bo 1");
		free(text);
	}
	snprintf(bin, sizeof(bin), "%s/bo-1-batch.bin", xdir);
	text = slurp(bin, &len);
	check(text && len == BATCH_SIZE && !memcmp(text, batch_bytes, BATCH_SIZE), "bo-1 file");
	free(text);
	snprintf(bin, sizeof(bin), "%s/bo-2-data__q______.bin", xdir);
	text = slurp(bin, &len);
	check(text && len == 64 && !memcmp(text, data_bytes, 64), "bo-2 file %s", bin);
	free(text);

	/* Several dumps: the highest sequence by default, or --seq. */
	r = run_cli(out, 2, "coredump", two);
	text = slurp(out, &len);
	check(r == 0 && text && has_line(text, "reason: fault\n") &&
	      has_line(text, "fault: translation write at 0x12345678 (as 1)") &&
	      has_line(text, "dumps: 2 in the input, showing sequence 2") &&
	      has_line(text, "  walk l1 index=145 entry=0x0000000000000000"),
	      "two dumps: %d: %s", r, text ? text : "");
	free(text);
	r = run_cli(out, 4, "coredump", "--seq", "1", two);
	text = slurp(out, &len);
	check(r == 0 && text && has_line(text, "reason: timeout\n"), "--seq 1: %d", r);
	free(text);
	r = run_cli(out, 4, "coredump", "-s", "7", two);
	check(r == 1, "--seq 7 of 2: exit %d", r);

	/* A display underrun: the display block and the plane that failed. */
	{
		struct tdump u = shape_underrun(), f = shape_display_full();
		struct tdump n = shape_display_none();
		size_t ulen;
		char *up = gen(&u, &ulen), udump[160];

		snprintf(udump, sizeof(udump), "%s/underrun.cd", dir);

		write_file(udump, up, ulen);
		free(up);
		r = run_cli(out, 2, "coredump", udump);
		text = slurp(out, &len);
		check(r == 0 && text, "underrun: exit %d", r);
		if (text) {
			check(!!has_line(text, "reason: display-underrun\n"), "underrun: reason");
			check(!!has_line(text, "engine_halted: running\n"), "underrun: halted");
			check(!!has_line(text, "job: none\n"), "underrun: job");
			static const char *const lines[] = {
				"display: 2 pipes, address space enabled (page table 0x12345000), max 4096x4096\n",
				"  pipe 0: enabled, active, mode 1024x768 (total 1344x806, 65000 kHz), frame 1000, connected\n",
				"    crc: on, 0xc0000000 of frame 999, 3 in the driver's history (newest 0xc0000000 of frame 999)\n",
				"    plane 0 (primary): va 0x10000000 xrgb8888 1024x768 at 0,0 pitch 4096 alpha 255 premulti zpos 0\n",
				"    plane 1 (overlay): disabled\n",
				"  pipe 1: disabled, inactive",
				"underrun: pipe 0, plane 0 (primary), address 0x0\n",
			};
			size_t k;

			for (k = 0; k < ARRAY_SIZE(lines); k++)
				check(!!has_line(text, lines[k]), "no line '%s'", lines[k]);
			check(!has_line(text, "disassembly"), "underrun: disassembly");
			free(text);
		}
		up = gen(&f, &ulen);
		write_file(udump, up, ulen);
		free(up);
		r = run_cli(out, 2, "coredump", udump);
		text = slurp(out, &len);
		check(r == 0 && text && has_line(text, "display: 4 pipes") &&
		      has_line(text,
			       "    underruns: 1, last: plane writeback at 0xfedcba9876543000\n") &&
		      !has_line(text, "underrun: pipe"), "4 pipes: %d: %s", r, text ? text : "");
		free(text);
		up = gen(&n, &ulen);
		write_file(udump, up, ulen);
		free(up);
		r = run_cli(out, 2, "coredump", udump);
		text = slurp(out, &len);
		check(r == 0 && text && has_line(text, "display: none (no display controller)\n"),
		      "no controller: %d: %s", r, text ? text : "");
		free(text);
	}

	/* Invalid input: the parser's message, exit 1. */
	p[100] ^= 1;
	write_file(two, p, len + len2);
	r = run_cli(out, 2, "coredump", two);
	text = slurp(out, &len);
	check(r == 1 && text && strstr(text, "crc mismatch"), "corrupt: %d: %s", r,
	      text ? text : "");
	free(text);
	r = run_cli(out, 3, "coredump", "--dismiss", dump);
	check(r == 1, "--dismiss of a plain file: exit %d", r);
	r = run_cli(out, 2, "coredump", "--bogus");
	check(r == 2, "bad option: exit %d", r);

	/* A devcoredump tree: the newest Osprey dump, then dismissed. */
	snprintf(sys, sizeof(sys), "%s/sys", dir);
	setenv("OSPREY_DEVCOREDUMP_ROOT", sys, 1);
	r = run_cli(out, 1, "coredump");
	check(r == 1, "no devcoredump dir: exit %d", r);
	mkdir(sys, 0700);
	snprintf(path, sizeof(path), "%s/drivers", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/drivers/osprey", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/drivers/other", dir);
	mkdir(path, 0700);
	{
		static const struct {
			int n;
			const char *drv;
			bool valid;
		} cds[] = { { 1, "osprey", false }, { 3, "osprey", true }, { 9, "other", false } };
		size_t i;

		for (i = 0; i < ARRAY_SIZE(cds); i++) {
			char d2[192], link[300];

			snprintf(d2, sizeof(d2), "%s/devcd%d", sys, cds[i].n);
			mkdir(d2, 0700);
			snprintf(path, sizeof(path), "%s/dev%d", dir, cds[i].n);
			mkdir(path, 0700);
			snprintf(link, sizeof(link), "%s/dev%d/driver", dir, cds[i].n);
			snprintf(path, sizeof(path), "../drivers/%s", cds[i].drv);
			check(!symlink(path, link), "symlink: %s", strerror(errno));
			snprintf(link, sizeof(link), "%s/failing_device", d2);
			snprintf(path, sizeof(path), "../../dev%d", cds[i].n);
			check(!symlink(path, link), "symlink: %s", strerror(errno));
			snprintf(path, sizeof(path), "%s/data", d2);
			write_file(path, cds[i].valid ? q : "garbage", cds[i].valid ? len2 : 7);
		}
	}
	r = run_cli(out, 2, "coredump", "--dismiss");
	text = slurp(out, &len);
	snprintf(path, sizeof(path), "dismissed: %s/devcd3/data", sys);
	check(r == 0 && text && has_line(text, "reason: fault") && has_line(text, path),
	      "devcoredump: %d: %s", r, text ? text : "");
	free(text);
	snprintf(path, sizeof(path), "%s/devcd3/data", sys);
	text = slurp(path, &len);
	check(text && len == 1 && text[0] == '1', "data not dismissed ('1' written)");
	free(text);
	unsetenv("OSPREY_DEVCOREDUMP_ROOT");

	free(p);
	free(q);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path))
		check(0, "rm -rf %s", dir);
}

static int write_samples(const char *dir)
{
	static struct tdump (*const display_shapes[])(void) = {
		shape_underrun, shape_display_full, shape_display_none,
	};
	struct tdump a = shape_timeout(), b = shape_fault(), c = shape_manual();
	struct tdoc doc;
	size_t i;
	struct sb out = { 0 };
	char path[512];
	int ret;

	build_doc(&a, &doc);
	assemble(&doc, &out);
	doc_free(&doc);
	snprintf(path, sizeof(path), "%s/generated-timeout.coredump", dir);
	ret = write_file(path, out.p, out.len);
	out.len = 0;
	build_doc(&b, &doc);
	assemble(&doc, &out);
	doc_free(&doc);
	build_doc(&c, &doc);
	assemble(&doc, &out);
	doc_free(&doc);
	snprintf(path, sizeof(path), "%s/generated-fault-and-manual.coredump", dir);
	ret |= write_file(path, out.p, out.len);
	/* With display sections: an underrun, four pipes, no controller. */
	out.len = 0;
	for (i = 0; i < ARRAY_SIZE(display_shapes); i++) {
		struct tdump d = display_shapes[i]();

		build_doc(&d, &doc);
		assemble(&doc, &out);
		doc_free(&doc);
	}
	snprintf(path, sizeof(path), "%s/generated-display.coredump", dir);
	ret |= write_file(path, out.p, out.len);
	free(out.p);
	return ret ? 1 : 0;
}

int main(int argc, char **argv)
{
	make_batch();
	if (argc == 3 && !strcmp(argv[1], "--write-samples"))
		return write_samples(argv[2]);
	if (argc == 2)
		samples_dir = argv[1];

	run("vectors", test_vectors);
	run("parse_timeout", test_timeout);
	run("parse_fault_walk", test_fault_walk);
	run("parse_manual_idle", test_manual_idle);
	run("parse_budget_truncated", test_budget_truncated);
	run("parse_shared_skipped", test_shared_skipped);
	run("parse_zero_bo", test_zero_bo);
	run("parse_display_underrun", test_display_underrun);
	run("parse_display_four_pipes", test_display_full);
	run("parse_display_zero_pipes", test_display_zero);
	run("parse_display_no_controller", test_display_none);
	run("display_unknown_keys", test_display_unknown_keys);
	run("display_rules", test_display_rules);
	run("display_cross_checks", test_display_cross);
	run("display_truncated_and_corrupt", test_display_damage);
	run("parse_concatenated", test_concatenated);
	run("truncated_every_length", test_truncation);
	run("corrupt_every_byte", test_corruption);
	run("wrong_crc", test_wrong_crc);
	run("wrong_length", test_wrong_length);
	run("bad_magic", test_bad_magic);
	run("bad_ascii85", test_bad_ascii85);
	run("bad_escapes", test_bad_escapes);
	run("bad_keys_and_values", test_bad_keys);
	run("bo_rules", test_bo_rules);
	run("fault_rules", test_fault_rules);
	run("section_order", test_section_order);
	run("unknown_sections_and_keys", test_unknown_ok);
	run("accessors", test_accessors);
	run("large_linear", test_large);
	run("samples", test_samples);
	run("driver_samples", test_driver_samples);
	run("cli", test_cli);
	printf("# coredump: %d failed\n", failures);
	return failures ? 1 : 0;
}
