// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/*
 * Host unit tests of the instruction codec (include/osprey_isa.h) and of the
 * assembler and disassembler (tools/ospreyctl/isa_asm.c). Plain C, no
 * framework: build this file with isa_asm.c and -Iinclude, run it.
 *
 * Prints "PASS name" or "FAIL name: why" per test and exits 1 if any failed.
 * Decoding is checked never to read past the words it is given by placing
 * them at the end of a page followed by an inaccessible one; a read beyond
 * faults, and the fault is reported as the current test's failure.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "osprey_isa.h"
#include "../ospreyctl/isa_asm.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Test harness. */

static const char *current_test;
static char fail_msg[1024];
static int test_failed;
static int failures;
static unsigned long fuzz_valid;

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
	current_test = name;
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

static void on_fault(int sig)
{
	static const char msg1[] = "FAIL ";
	static const char msg2[] = ": fault (out-of-bounds access)\n";
	ssize_t r;

	(void)sig;
	r = write(STDOUT_FILENO, msg1, sizeof(msg1) - 1);
	if (current_test)
		r = write(STDOUT_FILENO, current_test, strlen(current_test));
	r = write(STDOUT_FILENO, msg2, sizeof(msg2) - 1);
	(void)r;
	_exit(1);
}

/* Guard page: words placed at its end are followed by PROT_NONE memory. */

static unsigned char *guard_base;
static size_t page_size;

static int guard_init(void)
{
	page_size = sysconf(_SC_PAGESIZE);
	guard_base = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard_base == MAP_FAILED)
		return -1;
	return mprotect(guard_base + page_size, page_size, PROT_NONE);
}

/* Copy @n words to the end of the guard page; returns where they are. */
static __u32 *guard_place(const __u32 *words, size_t n)
{
	__u32 *p = (__u32 *)(guard_base + page_size) - n;

	if (n)
		memcpy(p, words, n * sizeof(*p));
	return p;
}

/* Fixed-seed xorshift64*. */
static __u64 rng_state = 0x9e3779b97f4a7c15ULL;

static __u32 rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (rng_state * 0x2545f4914f6cdd1dULL) >> 32;
}

/* One sample of every opcode and modifier, with its encoding by hand. */
struct sample {
	const char *name;
	struct osprey_insn insn;
	__u32 words[OSPREY_INSN_MAX_WORDS];
	unsigned int n;
};

static const struct sample samples[] = {
	{ "nop", { .opcode = OSPREY_OP_NOP }, { 0x00000001 }, 1 },
	{ "store", { .opcode = OSPREY_OP_STORE, .va = 0x7f12345678ULL, .value = 0xcafef00d },
	  { 0x01000004, 0x12345678, 0x7f, 0xcafef00d }, 4 },
	{ "copy", { .opcode = OSPREY_OP_COPY, .dst = 0x1000, .src = 0x4000002000ULL,
		    .bytes = 4096 },
	  { 0x02000006, 0x1000, 0, 0x2000, 0x40, 4096 }, 6 },
	{ "fill", { .opcode = OSPREY_OP_FILL, .va = 0x2000, .bytes = 64, .pattern = 0xdeadbeef },
	  { 0x03000005, 0x2000, 0, 64, 0xdeadbeef }, 5 },
	{ "sem_wait.eq", { .opcode = OSPREY_OP_SEM_WAIT, .modifier = OSPREY_CMP_EQ,
			   .va = 0x3000, .value = 1 },
	  { 0x04000004, 0x3000, 0, 1 }, 4 },
	{ "sem_wait.ne", { .opcode = OSPREY_OP_SEM_WAIT, .modifier = OSPREY_CMP_NE,
			   .va = 0x3004, .value = 2 },
	  { 0x04010004, 0x3004, 0, 2 }, 4 },
	{ "sem_wait.gt", { .opcode = OSPREY_OP_SEM_WAIT, .modifier = OSPREY_CMP_GT,
			   .va = 0x3008, .value = 3 },
	  { 0x04020004, 0x3008, 0, 3 }, 4 },
	{ "sem_wait.ge", { .opcode = OSPREY_OP_SEM_WAIT, .modifier = OSPREY_CMP_GE,
			   .va = 0x100000300cULL, .value = 4 },
	  { 0x04030004, 0x300c, 0x10, 4 }, 4 },
	{ "sem_wait.lt", { .opcode = OSPREY_OP_SEM_WAIT, .modifier = OSPREY_CMP_LT,
			   .va = 0x3010, .value = 0xffffffff },
	  { 0x04040004, 0x3010, 0, 0xffffffff }, 4 },
	{ "sem_wait.le", { .opcode = OSPREY_OP_SEM_WAIT, .modifier = OSPREY_CMP_LE,
			   .va = 0x3014, .value = 6 },
	  { 0x04050004, 0x3014, 0, 6 }, 4 },
	{ "atomic.add", { .opcode = OSPREY_OP_ATOMIC, .modifier = OSPREY_ATOMIC_ADD,
			  .va = 0x4000, .operand = 1 },
	  { 0x05000005, 0x4000, 0, 1, 0 }, 5 },
	{ "atomic.cmpxchg", { .opcode = OSPREY_OP_ATOMIC, .modifier = OSPREY_ATOMIC_CMPXCHG,
			      .va = 0x4004, .operand = 5, .compare = 4 },
	  { 0x05010005, 0x4004, 0, 5, 4 }, 5 },
	{ "timestamp", { .opcode = OSPREY_OP_TIMESTAMP, .va = 0x5008 },
	  { 0x06000003, 0x5008, 0 }, 3 },
	{ "jump", { .opcode = OSPREY_OP_JUMP, .target = 0x10000 },
	  { 0x07000003, 0x10000, 0 }, 3 },
	{ "call", { .opcode = OSPREY_OP_CALL, .target = 0x5500000040ULL },
	  { 0x08000003, 0x40, 0x55 }, 3 },
	{ "return", { .opcode = OSPREY_OP_RETURN }, { 0x09000001 }, 1 },
	{ "end", { .opcode = OSPREY_OP_END }, { 0x0a000001 }, 1 },
};

/* Compare two instructions, operands of their opcode only. */
static int insn_equal(const struct osprey_insn *a, const struct osprey_insn *b)
{
	if (a->opcode != b->opcode || a->modifier != b->modifier ||
	    a->reserved != b->reserved)
		return 0;
	switch (a->opcode) {
	case OSPREY_OP_STORE:
	case OSPREY_OP_SEM_WAIT:
		return a->va == b->va && a->value == b->value;
	case OSPREY_OP_COPY:
		return a->dst == b->dst && a->src == b->src && a->bytes == b->bytes;
	case OSPREY_OP_FILL:
		return a->va == b->va && a->bytes == b->bytes && a->pattern == b->pattern;
	case OSPREY_OP_ATOMIC:
		return a->va == b->va && a->operand == b->operand && a->compare == b->compare;
	case OSPREY_OP_TIMESTAMP:
		return a->va == b->va;
	case OSPREY_OP_JUMP:
	case OSPREY_OP_CALL:
		return a->target == b->target;
	default:
		return 1;
	}
}

/*
 * Reference decoder, written from the specification's table independently
 * of the header: a pattern per opcode, one letter per word. H header, a
 * 4-byte aligned address low word, 8 8-byte aligned address low word,
 * h address high word, b byte count (multiple of 4), v any value.
 */
static const char *const ref_pattern[] = {
	"H", "Hahv", "Hahahb", "Hahbv", "Hahv", "Hahvv", "H8h", "Hah", "Hah", "H", "H",
};

static const unsigned int ref_modifiers[] = { 1, 1, 1, 1, 6, 2, 1, 1, 1, 1, 1 };

static int ref_decode(const __u32 *w, __u32 avail)
{
	unsigned int op, len, i;

	if (!avail)
		return OSPREY_INSN_TRUNCATED;
	op = w[0] >> 24;
	if (op >= ARRAY_SIZE(ref_pattern))
		return OSPREY_INSN_BAD_OPCODE;
	len = strlen(ref_pattern[op]);
	if ((w[0] & 0xff) != len)
		return OSPREY_INSN_BAD_LENGTH;
	if (((w[0] >> 16) & 0xff) >= ref_modifiers[op])
		return OSPREY_INSN_BAD_MODIFIER;
	if (avail < len)
		return OSPREY_INSN_TRUNCATED;
	for (i = 1; i < len; i++) {
		char c = ref_pattern[op][i];

		if (((c == 'a' || c == 'b') && (w[i] & 3)) || (c == '8' && (w[i] & 7)))
			return OSPREY_INSN_BAD_ALIGNMENT;
	}
	return len;
}

/* Codec tests. */

static void test_roundtrip(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(samples); i++) {
		const struct sample *s = &samples[i];
		__u32 out[OSPREY_INSN_MAX_WORDS + 1];
		struct osprey_insn insn;
		int n;

		memset(out, 0xa5, sizeof(out));
		n = osprey_insn_encode(&s->insn, out, OSPREY_INSN_MAX_WORDS);
		if (!check(n == (int)s->n, "%s: encode returned %d, expected %u", s->name, n, s->n))
			continue;
		check(!memcmp(out, s->words, n * sizeof(__u32)), "%s: encode: wrong words",
		      s->name);
		check(out[n] == 0xa5a5a5a5, "%s: encode wrote past its length", s->name);
		check(osprey_op_words(s->insn.opcode) == s->n, "%s: osprey_op_words", s->name);

		n = osprey_insn_decode(s->words, s->n, &insn);
		check(n == (int)s->n, "%s: decode returned %d, expected %u", s->name, n, s->n);
		check(insn.length == s->n, "%s: decoded length %u", s->name, insn.length);
		check(insn_equal(&insn, &s->insn), "%s: decoded operands differ", s->name);

		memset(out, 0, sizeof(out));
		n = osprey_insn_encode(&insn, out, s->n);
		check(n == (int)s->n && !memcmp(out, s->words, n * sizeof(__u32)),
		      "%s: encode(decode(x)) != x", s->name);

		/* One word short: nothing written. */
		memset(out, 0xa5, sizeof(out));
		n = osprey_insn_encode(&s->insn, out, s->n - 1);
		check(n == OSPREY_INSN_NO_SPACE, "%s: encode with %u words: %d", s->name,
		      s->n - 1, n);
		check(out[0] == 0xa5a5a5a5, "%s: encode wrote without space", s->name);
	}
}

/* A valid instruction of opcode @op, with modifier 0, in @w; its length. */
static unsigned int sample_words(unsigned int op, __u32 *w)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(samples); i++) {
		if (samples[i].insn.opcode == op) {
			memcpy(w, samples[i].words, sizeof(samples[i].words));
			w[0] &= ~0x00ff0000u;
			return samples[i].n;
		}
	}
	return 0;
}

static void test_every_opcode_sampled(void)
{
	__u32 w[OSPREY_INSN_MAX_WORDS];
	unsigned int op;

	for (op = 0; op <= OSPREY_OP_END; op++)
		check(sample_words(op, w) != 0, "opcode 0x%02x has no sample", op);
}

static void test_decode_truncated(void)
{
	struct osprey_insn insn;
	size_t i;
	__u32 n;

	check(osprey_insn_decode(NULL, 0, &insn) == OSPREY_INSN_TRUNCATED, "avail 0");
	for (i = 0; i < ARRAY_SIZE(samples); i++) {
		for (n = 1; n < samples[i].n; n++) {
			int r = osprey_insn_decode(samples[i].words, n, &insn);

			check(r == OSPREY_INSN_TRUNCATED, "%s with %u words: %d", samples[i].name,
			      n, r);
			check(insn.opcode == samples[i].insn.opcode &&
			      insn.length == samples[i].n, "%s: header fields not reported",
			      samples[i].name);
		}
	}
}

static void test_decode_bad_opcode(void)
{
	__u32 w[OSPREY_INSN_MAX_WORDS] = { 0 };
	struct osprey_insn insn;
	unsigned int op, len;

	for (op = OSPREY_OP_END + 1; op <= 0xff; op++) {
		for (len = 0; len <= 7; len++) {
			int r;

			w[0] = osprey_insn_header(op, 0, len);
			/* The header alone decides: even one word is enough. */
			r = osprey_insn_decode(w, 1, &insn);
			check(r == OSPREY_INSN_BAD_OPCODE, "opcode 0x%02x len %u: %d", op, len, r);
			check(!osprey_op_name(op), "opcode 0x%02x has a name", op);
			check(!osprey_op_words(op), "opcode 0x%02x has a length", op);
		}
	}
}

static void test_decode_bad_length(void)
{
	__u32 w[OSPREY_INSN_MAX_WORDS + 1];
	struct osprey_insn insn;
	unsigned int op, len, good;

	for (op = 0; op <= OSPREY_OP_END; op++) {
		good = sample_words(op, w);
		for (len = 0; len <= 0xff; len++) {
			int r;

			w[0] = osprey_insn_header(op, 0, len);
			r = osprey_insn_decode(w, OSPREY_INSN_MAX_WORDS, &insn);
			if (len == good)
				check(r == (int)good, "%s: right length rejected: %d",
				      osprey_op_name(op), r);
			else
				check(r == OSPREY_INSN_BAD_LENGTH, "%s length %u: %d",
				      osprey_op_name(op), len, r);
		}
	}
}

static void test_decode_bad_modifier(void)
{
	__u32 w[OSPREY_INSN_MAX_WORDS];
	struct osprey_insn insn;
	unsigned int op, mod, len, nmods;

	for (op = 0; op <= OSPREY_OP_END; op++) {
		len = sample_words(op, w);
		nmods = op == OSPREY_OP_SEM_WAIT ? 6 : op == OSPREY_OP_ATOMIC ? 2 : 1;
		for (mod = 0; mod <= 0xff; mod++) {
			int r;

			w[0] = osprey_insn_header(op, mod, len);
			r = osprey_insn_decode(w, len, &insn);
			if (mod < nmods) {
				check(r == (int)len, "%s.%u rejected: %d", osprey_op_name(op), mod,
				      r);
				check(insn.modifier == mod, "%s.%u: modifier lost",
				      osprey_op_name(op), mod);
			} else {
				check(r == OSPREY_INSN_BAD_MODIFIER, "%s.%u: %d",
				      osprey_op_name(op), mod, r);
				/* Known from the header: with one word too. */
				r = osprey_insn_decode(w, 1, &insn);
				check(r == OSPREY_INSN_BAD_MODIFIER, "%s.%u, 1 word: %d",
				      osprey_op_name(op), mod, r);
			}
		}
	}
}

static void test_decode_bad_alignment(void)
{
	static const struct {
		const char *what;
		__u32 words[OSPREY_INSN_MAX_WORDS];
		unsigned int n;
		int expect;
	} cases[] = {
		{ "store va+1", { 0x01000004, 0x1001, 0, 0 }, 4, OSPREY_INSN_BAD_ALIGNMENT },
		{ "store va+2", { 0x01000004, 0x1002, 0, 0 }, 4, OSPREY_INSN_BAD_ALIGNMENT },
		{ "store va+3", { 0x01000004, 0x1003, 0, 0 }, 4, OSPREY_INSN_BAD_ALIGNMENT },
		{ "store va hi odd", { 0x01000004, 0x1000, 1, 0 }, 4, 4 },
		{ "store va beyond 39 bits", { 0x01000004, 0x1000, 0xffffffff, 3 }, 4, 4 },
		{ "copy dst+2", { 0x02000006, 0x1002, 0, 0x2000, 0, 4 }, 6,
		  OSPREY_INSN_BAD_ALIGNMENT },
		{ "copy src+1", { 0x02000006, 0x1000, 0, 0x2001, 0, 4 }, 6,
		  OSPREY_INSN_BAD_ALIGNMENT },
		{ "copy bytes 6", { 0x02000006, 0x1000, 0, 0x2000, 0, 6 }, 6,
		  OSPREY_INSN_BAD_ALIGNMENT },
		{ "copy bytes 0", { 0x02000006, 0x1000, 0, 0x2000, 0, 0 }, 6, 6 },
		{ "fill va+1", { 0x03000005, 0x1001, 0, 4, 0 }, 5, OSPREY_INSN_BAD_ALIGNMENT },
		{ "fill bytes 2", { 0x03000005, 0x1000, 0, 2, 0 }, 5, OSPREY_INSN_BAD_ALIGNMENT },
		{ "fill bytes 0xfffffffc", { 0x03000005, 0x1000, 0, 0xfffffffc, 0 }, 5, 5 },
		{ "sem_wait va+2", { 0x04000004, 0x1002, 0, 0 }, 4, OSPREY_INSN_BAD_ALIGNMENT },
		{ "sem_wait value odd", { 0x04000004, 0x1000, 0, 3 }, 4, 4 },
		{ "atomic va+3", { 0x05010005, 0x1003, 0, 0, 0 }, 5, OSPREY_INSN_BAD_ALIGNMENT },
		{ "atomic operands odd", { 0x05010005, 0x1000, 0, 1, 3 }, 5, 5 },
		{ "timestamp va+4", { 0x06000003, 0x1004, 0 }, 3, OSPREY_INSN_BAD_ALIGNMENT },
		{ "timestamp va+1", { 0x06000003, 0x1001, 0 }, 3, OSPREY_INSN_BAD_ALIGNMENT },
		{ "timestamp va+8", { 0x06000003, 0x1008, 0 }, 3, 3 },
		{ "jump target+2", { 0x07000003, 0x1002, 0 }, 3, OSPREY_INSN_BAD_ALIGNMENT },
		{ "call target+1", { 0x08000003, 0x1001, 0 }, 3, OSPREY_INSN_BAD_ALIGNMENT },
	};
	struct osprey_insn insn;
	__u32 out[OSPREY_INSN_MAX_WORDS];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int r = osprey_insn_decode(cases[i].words, cases[i].n, &insn);

		check(r == cases[i].expect, "%s: decode %d, expected %d", cases[i].what, r,
		      cases[i].expect);
		if (r != OSPREY_INSN_BAD_ALIGNMENT)
			continue;
		/* The operands are reported, and encode refuses them too. */
		r = osprey_insn_encode(&insn, out, ARRAY_SIZE(out));
		check(r == OSPREY_INSN_BAD_ALIGNMENT, "%s: encode %d", cases[i].what, r);
	}
}

static void test_decode_reserved_bits(void)
{
	__u32 w[] = { 0x0100ab04, 0x1000, 0, 7 }, out[4];
	struct osprey_insn insn;
	int r;

	r = osprey_insn_decode(w, 4, &insn);
	check(r == 4, "store with bits 15:8 set: %d", r);
	check(insn.reserved == 0xab, "reserved 0x%x", insn.reserved);
	r = osprey_insn_encode(&insn, out, 4);
	check(r == 4 && !memcmp(out, w, sizeof(w)), "reserved bits not re-encoded");
}

static void test_encode_invalid(void)
{
	struct osprey_insn insn;
	__u32 out[OSPREY_INSN_MAX_WORDS + 1];
	int r;

	memset(out, 0xa5, sizeof(out));
	insn = (struct osprey_insn){ .opcode = 0x0b };
	r = osprey_insn_encode(&insn, out, OSPREY_INSN_MAX_WORDS);
	check(r == OSPREY_INSN_BAD_OPCODE, "opcode 0x0b: %d", r);
	insn = (struct osprey_insn){ .opcode = OSPREY_OP_STORE, .length = 3 };
	r = osprey_insn_encode(&insn, out, OSPREY_INSN_MAX_WORDS);
	check(r == OSPREY_INSN_BAD_LENGTH, "store length 3: %d", r);
	insn = (struct osprey_insn){ .opcode = OSPREY_OP_SEM_WAIT, .modifier = 6 };
	r = osprey_insn_encode(&insn, out, OSPREY_INSN_MAX_WORDS);
	check(r == OSPREY_INSN_BAD_MODIFIER, "sem_wait.6: %d", r);
	insn = (struct osprey_insn){ .opcode = OSPREY_OP_END, .modifier = 1 };
	r = osprey_insn_encode(&insn, out, OSPREY_INSN_MAX_WORDS);
	check(r == OSPREY_INSN_BAD_MODIFIER, "end.1: %d", r);
	insn = (struct osprey_insn){ .opcode = OSPREY_OP_FILL, .va = 0x1000, .bytes = 5 };
	r = osprey_insn_encode(&insn, out, OSPREY_INSN_MAX_WORDS);
	check(r == OSPREY_INSN_BAD_ALIGNMENT, "fill 5 bytes: %d", r);
	check(out[0] == 0xa5a5a5a5, "encode wrote an invalid instruction");

	insn = (struct osprey_insn){ .opcode = OSPREY_OP_STORE, .length = 4, .va = 8 };
	r = osprey_insn_encode(&insn, out, 4);
	check(r == 4, "store with length 4: %d", r);
	insn = (struct osprey_insn){ .opcode = OSPREY_OP_END };
	r = osprey_insn_encode(&insn, out, 0);
	check(r == OSPREY_INSN_NO_SPACE, "end in 0 words: %d", r);
}

static void test_names(void)
{
	static const char *const ops[] = {
		"nop", "store", "copy", "fill", "sem_wait", "atomic", "timestamp", "jump",
		"call", "return", "end",
	};
	static const char *const cmps[] = { "eq", "ne", "gt", "ge", "lt", "le" };
	static const char *const pkts[] = { "nop", "set_as", "batch", "seqno", "irq" };
	unsigned int i;

	for (i = 0; i < 0x200; i++) {
		const char *n = osprey_op_name(i);

		if (i < ARRAY_SIZE(ops))
			check(n && !strcmp(n, ops[i]), "op 0x%x: %s", i, n ? n : "NULL");
		else
			check(!n, "op 0x%x has name %s", i, n ? n : "NULL");
		n = osprey_cmp_name(i);
		if (i < ARRAY_SIZE(cmps))
			check(n && !strcmp(n, cmps[i]), "cmp %u: %s", i, n ? n : "NULL");
		else
			check(!n, "cmp %u has name %s", i, n ? n : "NULL");
		n = osprey_pkt_name(i);
		if (i < ARRAY_SIZE(pkts))
			check(n && !strcmp(n, pkts[i]), "pkt %u: %s", i, n ? n : "NULL");
		else
			check(!n, "pkt %u has name %s", i, n ? n : "NULL");
		n = osprey_atomic_name(i);
		if (i == 0)
			check(n && !strcmp(n, "add"), "atomic 0");
		else if (i == 1)
			check(n && !strcmp(n, "cmpxchg"), "atomic 1");
		else
			check(!n, "atomic %u has name %s", i, n ? n : "NULL");
	}
	for (i = 0; i < 8; i++)
		check(!!osprey_insn_strerror(-(int)i), "strerror(%d) NULL", -(int)i);
}

static void test_header_helpers(void)
{
	__u32 h = osprey_insn_header(0xab, 0xcd, 0xef);

	check(h == 0xabcd00ef, "header 0x%08x", h);
	check(osprey_hdr_opcode(h) == 0xab && osprey_hdr_modifier(h) == 0xcd &&
	      osprey_hdr_length(h) == 0xef, "field extraction");
	check(osprey_insn_header(0x1ff, 0x1ff, 0x1ff) == 0xffff00ff, "fields masked");
	check(osprey_pkt_header(2, 4) == 0x02000004, "packet header");
}

static void test_sem_cmp_eval(void)
{
	static const __u32 vals[] = { 0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff };
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(vals); i++) {
		for (j = 0; j < ARRAY_SIZE(vals); j++) {
			__u32 m = vals[i], v = vals[j];

			check(osprey_sem_cmp_eval(OSPREY_CMP_EQ, m, v) == (m == v), "eq");
			check(osprey_sem_cmp_eval(OSPREY_CMP_NE, m, v) == (m != v), "ne");
			check(osprey_sem_cmp_eval(OSPREY_CMP_GT, m, v) == (m > v), "gt");
			check(osprey_sem_cmp_eval(OSPREY_CMP_GE, m, v) == (m >= v), "ge");
			check(osprey_sem_cmp_eval(OSPREY_CMP_LT, m, v) == (m < v), "lt");
			check(osprey_sem_cmp_eval(OSPREY_CMP_LE, m, v) == (m <= v), "le");
			check(!osprey_sem_cmp_eval(6, m, v), "unknown comparison true");
		}
	}
}

/* Every prefix of every sample, at the end of the guard page. */
static void test_guard_prefixes(void)
{
	struct osprey_insn insn;
	size_t i;
	__u32 n;

	for (i = 0; i < ARRAY_SIZE(samples); i++) {
		for (n = 0; n <= samples[i].n; n++) {
			const __u32 *p = guard_place(samples[i].words, n);
			int r = osprey_insn_decode(p, n, &insn);
			int expect = n == samples[i].n ? (int)n : OSPREY_INSN_TRUNCATED;

			check(r == expect, "%s, %u of %u words: %d", samples[i].name, n,
			      samples[i].n, r);
		}
	}
}

/* Packets. */

static void test_pkt_roundtrip(void)
{
	static const struct {
		const char *name;
		struct osprey_pkt pkt;
		__u32 words[OSPREY_PKT_MAX_WORDS];
		unsigned int n;
	} cases[] = {
		{ "nop", { .opcode = OSPREY_PKT_NOP }, { 0x00000001 }, 1 },
		{ "set_as", { .opcode = OSPREY_PKT_SET_AS, .as = 7 }, { 0x01000002, 7 }, 2 },
		{ "batch", { .opcode = OSPREY_PKT_BATCH, .va = 0x12345678000ULL, .bytes = 256 },
		  { 0x02000004, 0x45678000, 0x123, 256 }, 4 },
		{ "seqno", { .opcode = OSPREY_PKT_SEQNO, .seqno = 0xfffffffe },
		  { 0x03000002, 0xfffffffe }, 2 },
		{ "irq", { .opcode = OSPREY_PKT_IRQ }, { 0x04000001 }, 1 },
	};
	__u32 out[OSPREY_PKT_MAX_WORDS + 1];
	struct osprey_pkt pkt;
	size_t i;
	__u32 n;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int r;

		memset(out, 0xa5, sizeof(out));
		r = osprey_pkt_encode(&cases[i].pkt, out, OSPREY_PKT_MAX_WORDS);
		check(r == (int)cases[i].n && !memcmp(out, cases[i].words, r * 4) &&
		      out[r] == 0xa5a5a5a5, "%s: encode %d", cases[i].name, r);
		check(osprey_pkt_words(cases[i].pkt.opcode) == cases[i].n, "%s: words",
		      cases[i].name);
		r = osprey_pkt_decode(cases[i].words, cases[i].n, &pkt);
		check(r == (int)cases[i].n && pkt.opcode == cases[i].pkt.opcode &&
		      pkt.as == cases[i].pkt.as && pkt.va == cases[i].pkt.va &&
		      pkt.bytes == cases[i].pkt.bytes && pkt.seqno == cases[i].pkt.seqno,
		      "%s: decode %d", cases[i].name, r);
		r = osprey_pkt_encode(&pkt, out, cases[i].n);
		check(r == (int)cases[i].n && !memcmp(out, cases[i].words, r * 4),
		      "%s: encode(decode(x)) != x", cases[i].name);
		r = osprey_pkt_encode(&pkt, out, cases[i].n - 1);
		check(r == OSPREY_INSN_NO_SPACE, "%s: no space: %d", cases[i].name, r);
		for (n = 0; n <= cases[i].n; n++) {
			const __u32 *p = guard_place(cases[i].words, n);
			int expect = OSPREY_INSN_TRUNCATED;

			if (n == cases[i].n)
				expect = n;
			r = osprey_pkt_decode(p, n, &pkt);
			check(r == expect, "%s, %u words: %d", cases[i].name, n, r);
		}
	}
}

static void test_pkt_errors(void)
{
	__u32 w[OSPREY_PKT_MAX_WORDS] = { 0 }, out[OSPREY_PKT_MAX_WORDS];
	struct osprey_pkt pkt;
	unsigned int op, len;
	int r;

	for (op = 0; op <= 0xff; op++) {
		for (len = 0; len <= 0xff; len++) {
			w[0] = osprey_pkt_header(op, len);
			r = osprey_pkt_decode(w, OSPREY_PKT_MAX_WORDS, &pkt);
			if (op > OSPREY_PKT_IRQ)
				check(r == OSPREY_INSN_BAD_OPCODE, "pkt 0x%02x: %d", op, r);
			else if (len != osprey_pkt_words(op))
				check(r == OSPREY_INSN_BAD_LENGTH, "pkt %u len %u: %d", op, len, r);
			else
				check(r == (int)len, "pkt %u: %d", op, r);
		}
	}
	w[0] = 0x02abcd04;
	r = osprey_pkt_decode(w, 4, &pkt);
	check(r == 4 && pkt.reserved == 0xabcd, "packet reserved bits: %d", r);
	r = osprey_pkt_encode(&pkt, out, 4);
	check(r == 4 && !memcmp(out, w, sizeof(w)), "packet reserved bits not re-encoded");
	pkt = (struct osprey_pkt){ .opcode = OSPREY_PKT_SEQNO, .length = 3 };
	check(osprey_pkt_encode(&pkt, out, 4) == OSPREY_INSN_BAD_LENGTH, "encode bad length");
	pkt = (struct osprey_pkt){ .opcode = 9 };
	check(osprey_pkt_encode(&pkt, out, 4) == OSPREY_INSN_BAD_OPCODE, "encode bad opcode");
	check(osprey_pkt_decode(NULL, 0, &pkt) == OSPREY_INSN_TRUNCATED, "avail 0");
}

/* Fuzz. */

static __u32 fuzz_word(void)
{
	__u32 r = rnd(), w = rnd();

	/* Mostly plausible words, so that every path is reached often. */
	switch (r & 7) {
	case 0:
		return w;
	case 1:
	case 2:
		return w & ~3u;
	case 3:
		return w & ~7u;
	default:
		return w & 0x3ffc;
	}
}

static __u32 fuzz_header(void)
{
	__u32 r = rnd();
	unsigned int op = !(r & 0x70) ? rnd() & 0xff : rnd() % 12;
	unsigned int mod = !(r & 0x380) ? rnd() & 0xff : !(r & 0x400) ? rnd() % 7 : 0;
	unsigned int len = !(r & 0x3800) ? rnd() & 0xff : osprey_op_words(op);
	unsigned int rsvd = r & 0x4000 ? rnd() & 0xff : 0;

	if (!(r & 0x38000))
		return rnd();
	return osprey_insn_header(op, mod, len) | rsvd << 8;
}

static void test_fuzz_decode(void)
{
	unsigned long iter, ok = 0;
	__u32 buf[8], out[OSPREY_INSN_MAX_WORDS];
	struct osprey_insn insn, again;
	unsigned int i;

	for (iter = 0; iter < 1000000 && !test_failed; iter++) {
		__u32 n, len;
		const __u32 *p;
		int r, ref;

		buf[0] = fuzz_header();
		/* Mostly the header's length, sometimes a prefix or more. */
		len = osprey_hdr_length(buf[0]);
		n = rnd() & 3 || len > 8 ? rnd() % 9 : len;
		if (rnd() & 1 && len <= 8)
			n = len;
		for (i = 1; i < n; i++)
			buf[i] = fuzz_word();
		p = guard_place(buf, n);
		r = osprey_insn_decode(p, n, &insn);
		ref = ref_decode(p, n);
		check(r == ref, "iteration %lu: decode %d, reference %d (%08x, %u words)", iter, r,
		      ref, n ? buf[0] : 0, n);
		if (r <= 0) {
			check(r >= OSPREY_INSN_BAD_ALIGNMENT, "iteration %lu: error %d", iter, r);
			continue;
		}
		ok++;
		check((__u32)r <= n, "iteration %lu: consumed %d of %u", iter, r, n);
		memset(out, 0, sizeof(out));
		check(osprey_insn_encode(&insn, out, r) == r && !memcmp(out, p, r * 4),
		      "iteration %lu: encode(decode(x)) != x", iter);
		/* More words available change nothing. */
		check(osprey_insn_decode(buf, 8, &again) == r && insn_equal(&insn, &again),
		      "iteration %lu: decode depends on extra words", iter);
	}
	check(ok > 100000, "only %lu of %lu inputs were valid instructions", ok, iter);
	fuzz_valid = ok;
}

static void test_fuzz_pkt_decode(void)
{
	__u32 buf[OSPREY_PKT_MAX_WORDS], out[OSPREY_PKT_MAX_WORDS];
	struct osprey_pkt pkt;
	unsigned long iter;
	unsigned int i;

	for (iter = 0; iter < 200000 && !test_failed; iter++) {
		__u32 n = rnd() % 5, r0 = rnd();
		const __u32 *p;
		int r;

		buf[0] = r0 & 1 ? rnd() : osprey_pkt_header(rnd() % 6, rnd() % 5) |
					  (r0 & 2 ? (rnd() & 0xffff) << 8 : 0);
		for (i = 1; i < n; i++)
			buf[i] = rnd();
		p = guard_place(buf, n);
		r = osprey_pkt_decode(p, n, &pkt);
		if (r <= 0)
			continue;
		check((__u32)r <= n && osprey_pkt_encode(&pkt, out, r) == r &&
		      !memcmp(out, p, r * 4), "iteration %lu: encode(decode(x)) != x", iter);
	}
}

/* Assembler. */

static int asm_ok(const char *src, __u64 base, __u32 **words, size_t *n)
{
	char err[256];
	int r = osprey_asm(src, base, words, n, err, sizeof(err));

	return check(r == 0, "assembly failed (%d): %s", r, err);
}

static int words_equal(const __u32 *got, size_t n, const __u32 *want, size_t wn)
{
	size_t i;

	if (!check(n == wn, "%zu words, expected %zu", n, wn))
		return 0;
	for (i = 0; i < n; i++) {
		if (!check(got[i] == want[i], "word %zu is 0x%08x, expected 0x%08x", i, got[i],
			   want[i]))
			return 0;
	}
	return 1;
}

static void test_asm_labels(void)
{
	static const char src[] =
		"start:\n"
		"\tjump fwd\t\t# forward\n"
		"back:\tnop\n"
		"fwd: call back\n"
		"\tjump start\n"
		"  here :  jump .\n"
		"a: b:\n"
		"\tstore a + 8, fwd - back\n"
		"end: end\n";
	static const __u32 want[] = {
		0x07000003, 0x10010, 0x1,	/* start = 0x1_0001_0000 */
		0x00000001,			/* back = 0x1_0001_000c */
		0x08000003, 0x1000c, 0x1,	/* fwd = 0x1_0001_0010 */
		0x07000003, 0x10000, 0x1,
		0x07000003, 0x10028, 0x1,	/* here = 0x1_0001_0028 */
		0x01000004, 0x1003c, 0x1, 4,	/* a = b = 0x1_0001_0034 */
		0x0a000001,			/* end = 0x1_0001_0044 */
	};
	__u32 *w;
	size_t n;

	if (!asm_ok(src, 0x100010000ULL, &w, &n))
		return;
	words_equal(w, n, want, ARRAY_SIZE(want));
	free(w);
}

static void test_asm_numbers_comments(void)
{
	static const char src[] =
		"# a comment line\n"
		"\n"
		"   \t  \r\n"
		"store 0x1000, 4294967295   # max u32\n"
		"store 0X10FC, 0xFFFFFFFF\n"
		"store 4096, 010 # decimal, not octal\n"
		"fill 0x2000, 16, 0xdeadbeef\r\n"
		"copy 0x3000,0x4000,8\n"
		"sem_wait.ge 0x1000, 5\n"
		"atomic.add 0x1000, 1\n"
		"atomic.add 0x1000, 1, 2\n"
		"atomic.cmpxchg 0x1000, 3, 4\n"
		"timestamp 0x7ffffffff8\n"
		"return\n"
		"end";
	static const __u32 want[] = {
		0x01000004, 0x1000, 0, 0xffffffff,
		0x01000004, 0x10fc, 0, 0xffffffff,
		0x01000004, 0x1000, 0, 10,
		0x03000005, 0x2000, 0, 16, 0xdeadbeef,
		0x02000006, 0x3000, 0, 0x4000, 0, 8,
		0x04030004, 0x1000, 0, 5,
		0x05000005, 0x1000, 0, 1, 0,
		0x05000005, 0x1000, 0, 1, 2,
		0x05010005, 0x1000, 0, 3, 4,
		0x06000003, 0xfffffff8, 0x7f,
		0x09000001,
		0x0a000001,
	};
	__u32 *w;
	size_t n;

	if (!asm_ok(src, 0, &w, &n))
		return;
	words_equal(w, n, want, ARRAY_SIZE(want));
	free(w);
}

static void test_asm_word(void)
{
	static const char src[] =
		"\t.word 0x0b000001\n"
		"\t.word 0x01000003, 7, here\n"
		"here: .word 0\n";
	static const __u32 want[] = { 0x0b000001, 0x01000003, 7, 0x50010, 0 };
	struct osprey_insn insn;
	__u32 *w;
	size_t n;

	if (!asm_ok(src, 0x50000, &w, &n))
		return;
	if (words_equal(w, n, want, ARRAY_SIZE(want))) {
		check(osprey_insn_decode(w, n, &insn) == OSPREY_INSN_BAD_OPCODE, "opcode 0x0b");
		check(osprey_insn_decode(w + 1, n - 1, &insn) == OSPREY_INSN_BAD_LENGTH,
		      "store length 3");
	}
	free(w);
}

static void test_asm_empty(void)
{
	static const char *const srcs[] = { "", "\n\n", "# nothing\n", "only: # a label\n" };
	size_t i, n;
	__u32 *w;

	for (i = 0; i < ARRAY_SIZE(srcs); i++) {
		if (asm_ok(srcs[i], 0x1000, &w, &n))
			check(n == 0, "'%s': %zu words", srcs[i], n);
		free(w);
	}
}

static void test_asm_errors(void)
{
	static const struct {
		const char *src;
		const char *msg;
	} cases[] = {
		{ "nop\nstor 1, 2\n", "line 2, column 1: unknown mnemonic 'stor'" },
		{ "nop\n\n  jump nowhere\n", "line 3, column 8: undefined label 'nowhere'" },
		{ "a: nop\na: nop\n", "line 2, column 1: label 'a' already defined" },
		{ "store 0x1002, 1\n", "line 1, column 7: address 0x1002 is not 4-byte aligned" },
		{ "timestamp 0x1004\n", "line 1, column 11: address 0x1004 is not 8-byte aligned" },
		{ "fill 0x1000, 6, 0\n", "line 1, column 14: byte count 6 is not a multiple of 4" },
		{ "copy 0, 0, 0x100000000\n", "line 1, column 12: value 0x100000000 does not fit" },
		{ "store 0, 0x1_0\n", "line 1, column 10: malformed number" },
		{ "store 0, 0x\n", "line 1, column 10: '0x' without hexadecimal digits" },
		{ "store 0, 99999999999999999999\n", "line 1, column 10: number does not fit" },
		{ "store 0\n", "line 1, column 1: store takes 2 operands (VA, VALUE), not 1" },
		{ "atomic.add 0\n", "line 1, column 1: atomic.add takes 2 or 3 operands" },
		{ "end 1\n", "line 1, column 1: end takes no operands" },
		{ "store 0, 1,\n", "line 1, column 12: expected an operand after ','" },
		{ "store 0 1\n", "line 1, column 9: expected ',' or the end of the line" },
		{ "store 0, -1\n", "line 1, column 10: expected a number, a label or '.'" },
		{ "x: store x - 0x2000, 1\n", "line 1, column 10: expression is negative" },
		{ "sem_wait 0, 1\n", "line 1, column 1: 'sem_wait' needs a modifier suffix" },
		{ "sem_wait.xx 0, 1\n", "line 1, column 1: unknown mnemonic 'sem_wait.xx'" },
		{ "atomic 0, 1\n", "line 1, column 1: 'atomic' needs a modifier suffix" },
		{ "NOP\n", "line 1, column 1: unknown mnemonic 'NOP'" },
		{ ".word\n", "line 1, column 1: .word needs at least one value" },
		{ ".word 0x100000000\n", "line 1, column 7: value 0x100000000 does not fit" },
		{ "nop; end\n", "line 1, column 4: unexpected ';' after 'nop'" },
		{ "  : nop\n", "line 1, column 3: expected a label, a mnemonic or a directive" },
		{ "# ok\nnop\nend\n\tjump 0x1000 + later\n", "line 4, column 16: undefined label" },
	};
	static __u32 dummy;
	char err[256];
	size_t i, n;
	__u32 *w;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int r;

		w = &dummy;	/* must be reset */
		n = 99;
		r = osprey_asm(cases[i].src, 0x1000, &w, &n, err, sizeof(err));
		check(r == -EINVAL, "'%s': returned %d", cases[i].src, r);
		check(!w && !n, "'%s': output not cleared", cases[i].src);
		check(!strncmp(err, cases[i].msg, strlen(cases[i].msg)),
		      "'%s': error \"%s\", expected \"%s...\"", cases[i].src, err, cases[i].msg);
	}
	/* No error buffer: still fails cleanly. */
	check(osprey_asm("bogus\n", 0, &w, &n, NULL, 0) == -EINVAL, "without error buffer");
	/* A short buffer is truncated, NUL-terminated. */
	memset(err, 'x', sizeof(err));
	osprey_asm("bogus\n", 0, &w, &n, err, 8);
	check(!strcmp(err, "line 1,"), "short error buffer: '%.8s'", err);
}

static void test_asm_base_va(void)
{
	static const char src[] = "l: jump l\n";
	__u32 *w;
	size_t n;

	if (!asm_ok(src, 0x7ffffff000ULL, &w, &n))
		return;
	check(n == 3 && w[1] == 0xfffff000 && w[2] == 0x7f, "label at the base VA");
	free(w);
}

static void test_asm_syms(void)
{
	static const struct osprey_asm_sym syms[] = {
		{ "data", 0x200000 },
		{ "data_size", 0x10000 },
		{ "batch", 0x100000 },
	};
	static const char src[] =
		"\tstore data + 4, 7\n"
		"\tfill data, data_size, 0xcafe\n"
		"\tjump batch + 24\n"
		"l: end\n";
	static const __u32 want[] = {
		0x01000004, 0x200004, 0, 7,
		0x03000005, 0x200000, 0, 0x10000, 0xcafe,
		0x07000003, 0x100018, 0,
		0x0a000001,
	};
	static const struct osprey_asm_sym bad_name[] = { { "1x", 1 } };
	static const struct osprey_asm_sym twice[] = { { "a", 1 }, { "a", 2 } };
	char err[256], *name;
	__u32 *w;
	size_t n;
	__u64 v;
	int r;

	r = osprey_asm_syms(src, 0x100000, syms, ARRAY_SIZE(syms), &w, &n, err, sizeof(err));
	if (check(r == 0, "assembly failed (%d): %s", r, err)) {
		words_equal(w, n, want, ARRAY_SIZE(want));
		free(w);
	}
	/* No symbols: as osprey_asm(). */
	r = osprey_asm_syms("end\n", 0, NULL, 0, &w, &n, err, sizeof(err));
	check(r == 0 && n == 1 && w[0] == 0x0a000001, "without symbols: %d", r);
	free(w);

	r = osprey_asm_syms("nop\ndata: end\n", 0, syms, ARRAY_SIZE(syms), &w, &n, err,
			    sizeof(err));
	check(r == -EINVAL && !w && !n, "label over a symbol: %d", r);
	check(!strcmp(err, "line 2, column 1: label 'data' already defined (predefined symbol)"),
	      "label over a symbol: \"%s\"", err);
	r = osprey_asm_syms("end\n", 0, bad_name, 1, &w, &n, err, sizeof(err));
	check(r == -EINVAL && !strcmp(err, "symbol '1x': not a valid name"),
	      "bad symbol name: %d \"%s\"", r, err);
	r = osprey_asm_syms("end\n", 0, twice, 2, &w, &n, err, sizeof(err));
	check(r == -EINVAL && !strcmp(err, "symbol 'a': defined twice"),
	      "symbol defined twice: %d \"%s\"", r, err);
	r = osprey_asm_syms("store nowhere, 1\n", 0, syms, ARRAY_SIZE(syms), &w, &n, err,
			    sizeof(err));
	check(r == -EINVAL && strstr(err, "undefined label 'nowhere'"),
	      "undefined with symbols: %d \"%s\"", r, err);

	r = osprey_asm_parse_define("data=0x10", &name, &v);
	check(r == 0 && name && !strcmp(name, "data") && v == 0x10, "data=0x10: %d", r);
	free(name);
	r = osprey_asm_parse_define("_x9=42", &name, &v);
	check(r == 0 && name && !strcmp(name, "_x9") && v == 42, "_x9=42: %d", r);
	free(name);
	check(osprey_asm_parse_define("data", &name, &v) == -EINVAL && !name, "no '='");
	check(osprey_asm_parse_define("=1", &name, &v) == -EINVAL && !name, "no name");
	check(osprey_asm_parse_define("x=", &name, &v) == -EINVAL && !name, "no value");
	check(osprey_asm_parse_define("x=zz", &name, &v) == -EINVAL && !name, "bad value");
	check(osprey_asm_parse_define("a b=1", &name, &v) == -EINVAL && !name, "bad name");
	check(osprey_asm_parse_define("9a=1", &name, &v) == -EINVAL && !name, "digit first");
}

/* Disassembler. */

/* Disassemble into a malloc()ed string. */
static char *disasm_str(const __u32 *words, size_t n, __u64 base, __u64 mark,
			unsigned int flags, int *ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	*ret = -1;
	if (!f)
		return NULL;
	*ret = osprey_disasm(f, words, n, base, mark, flags);
	fclose(f);
	return buf;
}

/* Listing to source: drop the marker, VA and words columns. */
static char *listing_to_source(const char *listing)
{
	/* "=> " + "0x0000010000:" + 2 blanks + words column + 2 blanks */
	const size_t col = 3 + 13 + 2 + (OSPREY_INSN_MAX_WORDS * 9 - 1) + 2;
	char *src = malloc(strlen(listing) + 1), *o = src;
	const char *p = listing;

	while (*p) {
		const char *nl = strchrnul(p, '\n');

		if ((size_t)(nl - p) > col) {
			memcpy(o, p + col, nl - p - col);
			o += nl - p - col;
		}
		*o++ = '\n';
		p = *nl ? nl + 1 : nl;
	}
	*o = '\0';
	return src;
}

static const char program[] =
	"# every instruction, every modifier, and invalid words\n"
	"start:\tnop\n"
	"\tstore 0x20000, 0x2a\n"
	"\tcopy 0x20010, 0x20000, 16\n"
	"\tfill 0x20000, 32, 0xdeadbeef\n"
	"\tsem_wait.eq 0x20000, 1\n"
	"\tsem_wait.ne 0x20000, 2\n"
	"\tsem_wait.gt 0x20000, 3\n"
	"\tsem_wait.ge 0x20000, 4\n"
	"\tsem_wait.lt 0x20000, 5\n"
	"\tsem_wait.le 0x20000, 6\n"
	"\tatomic.add 0x20004, 1\n"
	"\tatomic.add 0x20004, 2, 9\n"
	"\tatomic.cmpxchg 0x20004, 3, 4\n"
	"\ttimestamp 0x20008\n"
	"\tcall sub\n"
	"\tjump over\n"
	"sub:\treturn\n"
	"over:\tend\n"
	"\t.word 0x0b000001, 0x01000003\t# bad opcode, bad length\n"
	"\t.word 0x0406aa04, 0x20000, 0, 0\t# bad modifier\n"
	"\t.word 0x01000004, 0x20002, 0, 0\t# misaligned\n"
	"\t.word 0x0a00ff01\t\t# end, header bits 15:8 set\n"
	"\t.word 0x01000004, 0x20000\t# truncated store\n";

static void test_asm_disasm_roundtrip(void)
{
	__u32 *w, *w2 = NULL, *w3 = NULL;
	char *listing = NULL, *src = NULL, *source = NULL;
	size_t n, n2, n3;
	char err[256];
	int r, r2;

	if (!asm_ok(program, 0x10000, &w, &n))
		return;
	listing = disasm_str(w, n, 0x10000, OSPREY_DISASM_NO_MARK, 0, &r);
	if (!listing) {
		check(0, "no listing");
		goto out;
	}
	check(r == 12, "%d invalid words, expected 12", r);
	src = listing_to_source(listing);
	r = osprey_asm(src, 0x10000, &w2, &n2, err, sizeof(err));
	if (check(r == 0, "listing does not reassemble: %s\n%s", err, src))
		words_equal(w2, n2, w, n);

	source = disasm_str(w, n, 0x10000, OSPREY_DISASM_NO_MARK, OSPREY_DISASM_SOURCE, &r2);
	check(r2 == 12, "source mode: %d invalid words", r2);
	r = osprey_asm(source, 0x10000, &w3, &n3, err, sizeof(err));
	if (check(r == 0, "source does not reassemble: %s\n%s", err, source))
		words_equal(w3, n3, w, n);

	check(!!strstr(listing, "sem_wait.le 0x20000, 0x6"), "no sem_wait.le line");
	check(!!strstr(listing, ".word 0x0b000001  # invalid: unknown opcode 0x0b"),
	      "no invalid opcode line:\n%s", listing);
	check(!!strstr(listing, "# invalid: store: truncated"), "no truncated line");
	check(!!strstr(listing, "# invalid: sem_wait: unknown modifier 6"),
	      "no bad modifier line");
	check(!!strstr(listing, "# invalid: misaligned address or byte count: store 0x20002"),
	      "no misaligned line");
	check(!!strstr(listing, "header bits 15:8 = 0xff"), "no reserved bits note");
	check(strstr(listing, "   0x0000010000:  00000001") == listing, "first line: %.40s",
	      listing);
out:
	free(listing);
	free(src);
	free(source);
	free(w);
	free(w2);
	free(w3);
}

static int count_marks(const char *s, const char **line)
{
	int marks = 0;

	*line = NULL;
	for (; s && *s; s = strchrnul(s, '\n'), s += *s ? 1 : 0) {
		if (!strncmp(s, "=> ", 3)) {
			marks++;
			*line = s;
		}
	}
	return marks;
}

static void test_disasm_mark(void)
{
	static const char src[] = "nop\nstore 0x1000, 1\nl: jump l\nend\n";
	const char *line;
	__u32 *w;
	size_t n;
	char *s;
	int r;

	if (!asm_ok(src, 0x40000, &w, &n))
		return;
	/* nop 0x40000, store 0x40004, jump 0x40014, end 0x40020 */
	s = disasm_str(w, n, 0x40000, 0x40014, 0, &r);
	check(r == 0, "disasm returned %d", r);
	check(count_marks(s, &line) == 1 && !strncmp(line, "=> 0x0000040014:  07000003", 26),
	      "mark at jump:\n%s", s);
	check(line && strstr(line, "jump 0x40014\n") == strchr(line, 'j'), "marked line text");
	free(s);

	s = disasm_str(w, n, 0x40000, 0x4000c, 0, &r);
	check(count_marks(s, &line) == 1 && !strncmp(line, "=> 0x0000040004:", 16),
	      "mark inside store:\n%s", s);
	free(s);

	s = disasm_str(w, n, 0x40000, 0x40020, OSPREY_DISASM_SOURCE, &r);
	check(!!strstr(s, "# => 0x0000040020: 0a000001"), "source mark:\n%s", s);
	free(s);

	s = disasm_str(w, n, 0x40000, OSPREY_DISASM_NO_MARK, 0, &r);
	check(count_marks(s, &line) == 0, "marked without a mark");
	free(s);
	s = disasm_str(w, n, 0x40000, 0x40024, 0, &r);
	check(count_marks(s, &line) == 0, "mark past the end marked a line");
	free(s);
	s = disasm_str(w, n, 0x40000, 0x3fffc, 0, &r);
	check(count_marks(s, &line) == 0, "mark before the start marked a line");
	free(s);
	free(w);
}

static void test_disasm_garbage(void)
{
	__u32 buf[64];
	unsigned int iter, i;

	for (iter = 0; iter < 20000 && !test_failed; iter++) {
		size_t n = rnd() % (ARRAY_SIZE(buf) + 1), lines = 0;
		const __u32 *p;
		char *s, *q;
		int r;

		for (i = 0; i < n; i++)
			buf[i] = i && (rnd() & 1) ? fuzz_word() : fuzz_header();
		p = guard_place(buf, n);
		s = disasm_str(p, n, (__u64)rnd() << 2, (__u64)rnd() << 2, iter & 1, &r);
		if (!check(!!s, "no output"))
			return;
		for (q = s; *q; q++)
			lines += *q == '\n';
		check(r >= 0 && (size_t)r <= n, "%zu words: %d invalid", n, r);
		check(lines <= n && (n == 0 || lines > 0), "%zu words, %zu lines", n, lines);
		free(s);
	}
	/* Empty input: no output. */
	{
		char *s;
		int r;

		s = disasm_str(NULL, 0, 0, 0, 0, &r);
		check(r == 0 && s && !*s, "empty input");
		free(s);
	}
}

/* Command line entry points. */

static int run_cli(int (*fn)(int, char **), const char *out_path, int argc, ...)
{
	char *argv[16];
	int saved = -1, fd, r, i;
	va_list ap;

	va_start(ap, argc);
	for (i = 0; i < argc && i < 15; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	argv[i] = NULL;

	fflush(stdout);
	fflush(stderr);
	if (out_path) {
		fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			return -1;
		saved = dup(STDOUT_FILENO);
		dup2(fd, STDOUT_FILENO);
		close(fd);
	}
	fd = open("/dev/null", O_WRONLY);
	i = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
	r = fn(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(i, STDERR_FILENO);
	close(i);
	if (saved >= 0) {
		dup2(saved, STDOUT_FILENO);
		close(saved);
	}
	return r;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (!f)
		return NULL;
	buf = calloc(1, 65536);
	*len = buf ? fread(buf, 1, 65535, f) : 0;
	fclose(f);
	return buf;
}

static void test_cli(void)
{
	char dir[] = "/tmp/isa_test.XXXXXX";
	char src[64], bin[64], txt[64], bad[64];
	static const unsigned char want[] = {
		0x01, 0x00, 0x00, 0x00,	/* nop */
		0x03, 0x00, 0x00, 0x07, 0x04, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x01, 0x00, 0x00, 0x0a,	/* end */
	};
	const char *line;
	size_t len;
	FILE *f;
	char *s;
	int r;

	if (!check(!!mkdtemp(dir), "mkdtemp: %s", strerror(errno)))
		return;
	snprintf(src, sizeof(src), "%s/p.s", dir);
	snprintf(bin, sizeof(bin), "%s/p.bin", dir);
	snprintf(txt, sizeof(txt), "%s/p.txt", dir);
	snprintf(bad, sizeof(bad), "%s/bad.s", dir);
	f = fopen(src, "w");
	if (f) {
		fputs("nop\nl: jump l\nend\n", f);
		fclose(f);
	}
	f = fopen(bad, "w");
	if (f) {
		fputs("nop\nbogus\n", f);
		fclose(f);
	}

	r = run_cli(ospreyctl_asm_main, NULL, 6, "asm", "-b", "0x20000", "-o", bin, src);
	check(r == 0, "asm returned %d", r);
	s = slurp(bin, &len);
	check(s && len == sizeof(want) && !memcmp(s, want, len), "asm output: %zu bytes", len);
	free(s);

	r = run_cli(ospreyctl_disasm_main, txt, 6, "disasm", "-b", "0x20000", "-m", "0x20004",
		    bin);
	check(r == 0, "disasm returned %d", r);
	s = slurp(txt, &len);
	check(s && count_marks(s, &line) == 1 && strstr(line, "jump 0x20004"),
	      "disasm output:\n%s", s ? s : "");
	free(s);

	r = run_cli(ospreyctl_asm_main, txt, 4, "asm", "-o", bin, bad);
	check(r == 1, "asm of a bad source returned %d", r);
	f = fopen(src, "w");
	if (f) {
		fputs("store dst + 4, 2\n", f);
		fclose(f);
	}
	r = run_cli(ospreyctl_asm_main, NULL, 6, "asm", "-D", "dst=0x3000", "-o", bin, src);
	check(r == 0, "asm -D returned %d", r);
	s = slurp(bin, &len);
	check(s && len == 16 && s[4] == 0x04 && s[5] == 0x30 && s[12] == 2,
	      "asm -D output: %zu bytes", len);
	free(s);
	r = run_cli(ospreyctl_asm_main, txt, 4, "asm", "-o", bin, src);
	check(r == 1, "asm without the -D its source needs returned %d", r);
	r = run_cli(ospreyctl_asm_main, txt, 6, "asm", "-D", "dst", "-o", bin, src);
	check(r == 2, "asm -D without a value returned %d", r);
	r = run_cli(ospreyctl_asm_main, txt, 2, "asm", "-x");
	check(r == 2, "asm -x returned %d", r);
	r = run_cli(ospreyctl_asm_main, txt, 4, "asm", "-b", "zz", src);
	check(r == 2, "asm -b zz returned %d", r);
	r = run_cli(ospreyctl_disasm_main, txt, 1, "disasm");
	check(r == 2, "disasm without a file returned %d", r);
	r = run_cli(ospreyctl_disasm_main, txt, 2, "disasm", "/nonexistent/x.bin");
	check(r == 1, "disasm of a missing file returned %d", r);

	unlink(src);
	unlink(bin);
	unlink(txt);
	unlink(bad);
	rmdir(dir);
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_fault };
	struct timespec t0, t1;

	if (guard_init()) {
		printf("FAIL setup: guard page: %s\n", strerror(errno));
		return 1;
	}
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	run("codec_roundtrip_every_opcode", test_roundtrip);
	run("codec_every_opcode_sampled", test_every_opcode_sampled);
	run("decode_truncated", test_decode_truncated);
	run("decode_bad_opcode", test_decode_bad_opcode);
	run("decode_bad_length", test_decode_bad_length);
	run("decode_bad_modifier", test_decode_bad_modifier);
	run("decode_bad_alignment", test_decode_bad_alignment);
	run("decode_reserved_header_bits", test_decode_reserved_bits);
	run("encode_invalid", test_encode_invalid);
	run("names", test_names);
	run("header_helpers", test_header_helpers);
	run("sem_cmp_eval", test_sem_cmp_eval);
	run("decode_guard_page_prefixes", test_guard_prefixes);
	run("pkt_roundtrip_and_guard", test_pkt_roundtrip);
	run("pkt_errors", test_pkt_errors);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run("fuzz_decode_1e6", test_fuzz_decode);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	run("fuzz_pkt_decode", test_fuzz_pkt_decode);
	run("asm_labels", test_asm_labels);
	run("asm_numbers_comments", test_asm_numbers_comments);
	run("asm_word", test_asm_word);
	run("asm_empty", test_asm_empty);
	run("asm_errors", test_asm_errors);
	run("asm_base_va", test_asm_base_va);
	run("asm_predefined_symbols", test_asm_syms);
	run("asm_disasm_roundtrip", test_asm_disasm_roundtrip);
	run("disasm_mark", test_disasm_mark);
	run("disasm_garbage", test_disasm_garbage);
	run("cli", test_cli);

	printf("# decode fuzz: 1000000 inputs, %lu valid, %.2f s; %d failed\n", fuzz_valid,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, failures);
	return failures ? 1 : 0;
}
