// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/*
 * Osprey batch assembler and disassembler (the "ospreyctl asm" and
 * "ospreyctl disasm" commands), on top of the codec of include/osprey_isa.h.
 *
 * Assembly syntax: one statement per line, each optionally preceded by
 * labels and followed by a comment.
 *
 *   # comment                    from '#' to the end of the line
 *   name:                        a label: the VA of the next word
 *   nop
 *   store VA, VALUE              *(u32 *)VA = VALUE
 *   copy DST, SRC, BYTES         memmove(DST, SRC, BYTES)
 *   fill VA, BYTES, PATTERN      every u32 of [VA, VA + BYTES) = PATTERN
 *   sem_wait.CMP VA, VALUE       wait until *(u32 *)VA CMP VALUE (unsigned);
 *                                CMP is one of eq ne gt ge lt le
 *   atomic.add VA, OPERAND[, COMPARE]   *VA += OPERAND; COMPARE (default 0)
 *                                is encoded but ignored by the engine
 *   atomic.cmpxchg VA, OPERAND, COMPARE   if (*VA == COMPARE) *VA = OPERAND
 *   timestamp VA                 *(u64 *)VA = TIMESTAMP
 *   jump TARGET
 *   call TARGET
 *   return
 *   end
 *   .word W[, W...]              raw 32-bit words (e.g. invalid instructions)
 *
 * A line may hold labels only ("loop:"), labels and a statement
 * ("loop: nop"), or nothing. Mnemonics are lowercase. Operands are separated
 * by commas; each is an expression: terms joined by '+' and '-', a term
 * being a number (decimal, or hexadecimal after 0x; a leading 0 does not
 * make a number octal), a label, or '.' (the VA of the current statement;
 * "jump ." hangs). Labels are [A-Za-z_][A-Za-z0-9_]*, case-sensitive, defined
 * once, usable before and after their definition.
 *
 * The caller gives the VA of the batch's first word: labels and '.' are
 * absolute VAs. Expressions are 64-bit and must not overflow or go below 0;
 * VALUE, BYTES, PATTERN, OPERAND, COMPARE and .word values must fit in 32
 * bits. The assembler only emits valid instructions: addresses must be
 * 4-byte aligned (8-byte for timestamp) and byte counts multiples of 4;
 * .word builds anything else. VAs wider than 39 bits are accepted (they
 * fault when executed).
 *
 * Symbols may be predefined by the caller (osprey_asm_syms(), "ospreyctl asm
 * -D NAME=VALUE", the buffers of "ospreyctl submit"): they are used as labels
 * are, but their value is given rather than a VA of the batch, and the
 * source cannot define a label of the same name.
 *
 * Errors name the line and column: "line 3, column 7: undefined label 'lop'".
 */

#include <errno.h>
#include <endian.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "osprey_isa.h"
#include "isa_asm.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Operand kinds, for range and alignment checks. */
enum asm_kind {
	ASM_VA4,	/* 4-byte aligned address */
	ASM_VA8,	/* 8-byte aligned address */
	ASM_BYTES,	/* 32-bit byte count, multiple of 4 */
	ASM_U32,	/* any 32-bit value */
};

struct asm_mnem {
	const char *name;
	unsigned char opcode;
	unsigned char modifier;
	unsigned char min_ops;
	unsigned char max_ops;
	unsigned char kind[3];
	const char *usage;
};

#define ASM_MAX_OPS 3

static const struct asm_mnem asm_mnems[] = {
	{ "nop", OSPREY_OP_NOP, 0, 0, 0, { 0 }, "" },
	{ "store", OSPREY_OP_STORE, 0, 2, 2, { ASM_VA4, ASM_U32 }, "VA, VALUE" },
	{ "copy", OSPREY_OP_COPY, 0, 3, 3, { ASM_VA4, ASM_VA4, ASM_BYTES }, "DST, SRC, BYTES" },
	{ "fill", OSPREY_OP_FILL, 0, 3, 3, { ASM_VA4, ASM_BYTES, ASM_U32 }, "VA, BYTES, PATTERN" },
	{ "sem_wait.eq", OSPREY_OP_SEM_WAIT, OSPREY_CMP_EQ, 2, 2,
	  { ASM_VA4, ASM_U32 }, "VA, VALUE" },
	{ "sem_wait.ne", OSPREY_OP_SEM_WAIT, OSPREY_CMP_NE, 2, 2,
	  { ASM_VA4, ASM_U32 }, "VA, VALUE" },
	{ "sem_wait.gt", OSPREY_OP_SEM_WAIT, OSPREY_CMP_GT, 2, 2,
	  { ASM_VA4, ASM_U32 }, "VA, VALUE" },
	{ "sem_wait.ge", OSPREY_OP_SEM_WAIT, OSPREY_CMP_GE, 2, 2,
	  { ASM_VA4, ASM_U32 }, "VA, VALUE" },
	{ "sem_wait.lt", OSPREY_OP_SEM_WAIT, OSPREY_CMP_LT, 2, 2,
	  { ASM_VA4, ASM_U32 }, "VA, VALUE" },
	{ "sem_wait.le", OSPREY_OP_SEM_WAIT, OSPREY_CMP_LE, 2, 2,
	  { ASM_VA4, ASM_U32 }, "VA, VALUE" },
	{ "atomic.add", OSPREY_OP_ATOMIC, OSPREY_ATOMIC_ADD, 2, 3,
	  { ASM_VA4, ASM_U32, ASM_U32 }, "VA, OPERAND[, COMPARE]" },
	{ "atomic.cmpxchg", OSPREY_OP_ATOMIC, OSPREY_ATOMIC_CMPXCHG, 3, 3,
	  { ASM_VA4, ASM_U32, ASM_U32 }, "VA, OPERAND, COMPARE" },
	{ "timestamp", OSPREY_OP_TIMESTAMP, 0, 1, 1, { ASM_VA8 }, "VA" },
	{ "jump", OSPREY_OP_JUMP, 0, 1, 1, { ASM_VA4 }, "TARGET" },
	{ "call", OSPREY_OP_CALL, 0, 1, 1, { ASM_VA4 }, "TARGET" },
	{ "return", OSPREY_OP_RETURN, 0, 0, 0, { 0 }, "" },
	{ "end", OSPREY_OP_END, 0, 0, 0, { 0 }, "" },
};

struct asm_label {
	char *name;
	__u64 va;
	int predefined;		/* from osprey_asm_syms()' @syms */
};

struct asm_ctx {
	int pass;			/* 1: sizes and labels; 2: values, words */
	__u64 base_va;
	size_t pos;			/* words emitted (or counted) so far */
	__u32 *out;			/* pass 2: room for every word */
	struct asm_label *labels;
	size_t nlabels;
	size_t labels_cap;
	unsigned int line;
	const char *line_start;
	char *err;
	size_t errlen;
	int error;			/* 0, -EINVAL or -ENOMEM */
};

struct asm_operand {
	__u64 value;
	const char *at;
};

static void __attribute__((format(printf, 3, 4)))
asm_error(struct asm_ctx *ctx, const char *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ctx->error)
		return;
	ctx->error = -EINVAL;
	if (!ctx->err || !ctx->errlen)
		return;
	n = snprintf(ctx->err, ctx->errlen, "line %u, column %u: ", ctx->line,
		     (unsigned int)(at - ctx->line_start) + 1);
	if (n < 0 || (size_t)n >= ctx->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(ctx->err + n, ctx->errlen - n, fmt, ap);
	va_end(ap);
}

static int is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_ident_char(char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f' || *p == '\v'))
		p++;
	return p;
}

/*
 * Parse a number (decimal, or hex after 0x) at [p, end). Returns the end of
 * the number, or NULL with *why set if there is none or it is malformed.
 */
static const char *scan_number(const char *p, const char *end, __u64 *val, const char **why)
{
	__u64 v = 0;
	const char *q;

	if (end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		for (q = p + 2; q < end && hex_value(*q) >= 0; q++) {
			if (v >> 60) {
				*why = "number does not fit in 64 bits";
				return NULL;
			}
			v = v << 4 | hex_value(*q);
		}
		if (q == p + 2) {
			*why = "'0x' without hexadecimal digits";
			return NULL;
		}
	} else {
		for (q = p; q < end && is_digit(*q); q++) {
			unsigned int d = *q - '0';

			if (v > (~0ULL - d) / 10) {
				*why = "number does not fit in 64 bits";
				return NULL;
			}
			v = v * 10 + d;
		}
		if (q == p) {
			*why = "expected a number";
			return NULL;
		}
	}
	if (q < end && is_ident_char(*q)) {
		*why = "malformed number";
		return NULL;
	}
	*val = v;
	return q;
}

static struct asm_label *find_label(struct asm_ctx *ctx, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ctx->nlabels; i++) {
		if (strlen(ctx->labels[i].name) == len && !memcmp(ctx->labels[i].name, name, len))
			return &ctx->labels[i];
	}
	return NULL;
}

static __u64 cur_va(struct asm_ctx *ctx)
{
	return ctx->base_va + 4 * (__u64)ctx->pos;
}

static void define_label(struct asm_ctx *ctx, const char *name, size_t len)
{
	struct asm_label *l;

	if (ctx->pass != 1)
		return;
	l = find_label(ctx, name, len);
	if (l) {
		asm_error(ctx, name, "label '%.*s' already defined%s", (int)len, name,
			  l->predefined ? " (predefined symbol)" : "");
		return;
	}
	if (ctx->nlabels == ctx->labels_cap) {
		size_t cap = ctx->labels_cap ? 2 * ctx->labels_cap : 16;

		l = realloc(ctx->labels, cap * sizeof(*l));
		if (!l) {
			ctx->error = -ENOMEM;
			return;
		}
		ctx->labels = l;
		ctx->labels_cap = cap;
	}
	l = &ctx->labels[ctx->nlabels];
	l->name = strndup(name, len);
	if (!l->name) {
		ctx->error = -ENOMEM;
		return;
	}
	l->va = cur_va(ctx);
	l->predefined = 0;
	ctx->nlabels++;
}

/* Whether @name, NUL-terminated, is a valid label name. */
static int is_ident(const char *name)
{
	if (!is_ident_start(*name))
		return 0;
	while (*++name)
		if (!is_ident_char(*name))
			return 0;
	return 1;
}

/*
 * Enter the caller's symbols as labels before pass 1. Returns 0, or -1 with
 * ctx->error set (and the message in ctx->err) for a bad or repeated name.
 */
static int predefine(struct asm_ctx *ctx, const struct osprey_asm_sym *syms, size_t nsyms)
{
	size_t i;

	if (!nsyms)
		return 0;
	ctx->labels = calloc(nsyms, sizeof(*ctx->labels));
	if (!ctx->labels) {
		ctx->error = -ENOMEM;
		return -1;
	}
	ctx->labels_cap = nsyms;
	for (i = 0; i < nsyms; i++) {
		const char *name = syms[i].name;

		if (!name || !is_ident(name) || find_label(ctx, name, strlen(name))) {
			ctx->error = -EINVAL;
			if (ctx->err && ctx->errlen)
				snprintf(ctx->err, ctx->errlen, "symbol '%s': %s",
					 name ? name : "(null)",
					 name && is_ident(name) ? "defined twice" :
					 "not a valid name");
			return -1;
		}
		ctx->labels[i].name = strdup(name);
		if (!ctx->labels[i].name) {
			ctx->error = -ENOMEM;
			return -1;
		}
		ctx->labels[i].va = syms[i].value;
		ctx->labels[i].predefined = 1;
		ctx->nlabels++;
	}
	return 0;
}

/*
 * Parse an expression at *pp (leading blanks skipped). On success, returns 0,
 * sets *pp after it and fills @op. In pass 1, labels are worth 0 and values
 * are not checked.
 */
static int parse_expr(struct asm_ctx *ctx, const char **pp, const char *end,
		      struct asm_operand *op)
{
	const char *p = skip_ws(*pp, end);
	__u64 acc = 0, term;
	int negate = 0;

	op->at = p;
	for (;;) {
		const char *start = p, *why = NULL;

		if (p < end && is_ident_start(*p)) {
			struct asm_label *l;

			while (p < end && is_ident_char(*p))
				p++;
			l = find_label(ctx, start, p - start);
			if (l) {
				term = l->va;
			} else if (ctx->pass == 1) {
				term = 0;
			} else {
				asm_error(ctx, start, "undefined label '%.*s'", (int)(p - start),
					  start);
				return -1;
			}
		} else if (p < end && *p == '.' && (p + 1 == end || !is_ident_char(p[1]))) {
			term = cur_va(ctx);
			p++;
		} else if (p < end && is_digit(*p)) {
			p = scan_number(p, end, &term, &why);
			if (!p) {
				asm_error(ctx, start, "%s", why);
				return -1;
			}
		} else {
			asm_error(ctx, start, "expected a number, a label or '.'");
			return -1;
		}

		if (ctx->pass == 2) {
			if (negate ? __builtin_sub_overflow(acc, term, &acc) :
				     __builtin_add_overflow(acc, term, &acc)) {
				asm_error(ctx, op->at, "expression %s",
					  negate ? "is negative" : "overflows 64 bits");
				return -1;
			}
		}

		p = skip_ws(p, end);
		if (p < end && (*p == '+' || *p == '-')) {
			negate = *p == '-';
			p = skip_ws(p + 1, end);
			continue;
		}
		break;
	}
	op->value = acc;
	*pp = p;
	return 0;
}

static const struct asm_mnem *find_mnem(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(asm_mnems); i++) {
		if (strlen(asm_mnems[i].name) == len && !memcmp(asm_mnems[i].name, name, len))
			return &asm_mnems[i];
	}
	return NULL;
}

static int check_operand(struct asm_ctx *ctx, const struct asm_operand *op, enum asm_kind kind)
{
	unsigned long long v = op->value;

	switch (kind) {
	case ASM_VA4:
		if (v & 3) {
			asm_error(ctx, op->at, "address 0x%llx is not 4-byte aligned", v);
			return -1;
		}
		break;
	case ASM_VA8:
		if (v & 7) {
			asm_error(ctx, op->at, "address 0x%llx is not 8-byte aligned", v);
			return -1;
		}
		break;
	case ASM_BYTES:
	case ASM_U32:
		if (v > 0xffffffffULL) {
			asm_error(ctx, op->at, "value 0x%llx does not fit in 32 bits", v);
			return -1;
		}
		if (kind == ASM_BYTES && (v & 3)) {
			asm_error(ctx, op->at, "byte count %llu is not a multiple of 4", v);
			return -1;
		}
		break;
	}
	return 0;
}

static void emit_insn(struct asm_ctx *ctx, const struct asm_mnem *m,
		      const struct asm_operand *ops, unsigned int nops, const char *at)
{
	struct osprey_insn insn = { .opcode = m->opcode, .modifier = m->modifier };
	unsigned int i;
	int n;

	if (ctx->pass == 1) {
		ctx->pos += osprey_op_words(m->opcode);
		return;
	}
	for (i = 0; i < nops; i++) {
		if (check_operand(ctx, &ops[i], m->kind[i]))
			return;
	}

	switch (m->opcode) {
	case OSPREY_OP_STORE:
	case OSPREY_OP_SEM_WAIT:
		insn.va = ops[0].value;
		insn.value = ops[1].value;
		break;
	case OSPREY_OP_COPY:
		insn.dst = ops[0].value;
		insn.src = ops[1].value;
		insn.bytes = ops[2].value;
		break;
	case OSPREY_OP_FILL:
		insn.va = ops[0].value;
		insn.bytes = ops[1].value;
		insn.pattern = ops[2].value;
		break;
	case OSPREY_OP_ATOMIC:
		insn.va = ops[0].value;
		insn.operand = ops[1].value;
		insn.compare = nops > 2 ? ops[2].value : 0;
		break;
	case OSPREY_OP_TIMESTAMP:
		insn.va = ops[0].value;
		break;
	case OSPREY_OP_JUMP:
	case OSPREY_OP_CALL:
		insn.target = ops[0].value;
		break;
	default:
		break;
	}

	n = osprey_insn_encode(&insn, ctx->out + ctx->pos, osprey_op_words(m->opcode));
	if (n < 0) {
		asm_error(ctx, at, "cannot encode %s: %s", m->name, osprey_insn_strerror(n));
		return;
	}
	ctx->pos += n;
}

/* Assemble the line [p, end), comment included. */
static void asm_line(struct asm_ctx *ctx, const char *p, const char *end)
{
	struct asm_operand ops[ASM_MAX_OPS], op;
	const struct asm_mnem *m = NULL;
	const char *hash, *mnem, *name_end, *q;
	unsigned int nops = 0;
	int is_word;

	hash = memchr(p, '#', end - p);
	if (hash)
		end = hash;

	/* Labels. */
	for (;;) {
		p = skip_ws(p, end);
		if (p == end || !is_ident_start(*p))
			break;
		for (name_end = p; name_end < end && is_ident_char(*name_end); name_end++)
			;
		q = skip_ws(name_end, end);
		if (q == end || *q != ':')
			break;
		define_label(ctx, p, name_end - p);
		if (ctx->error)
			return;
		p = q + 1;
	}
	if (p == end)
		return;

	/* Mnemonic or directive. */
	mnem = p;
	while (p < end && (is_ident_char(*p) || *p == '.'))
		p++;
	if (p == mnem) {
		asm_error(ctx, mnem, "expected a label, a mnemonic or a directive");
		return;
	}
	if (p < end && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\f' && *p != '\v') {
		asm_error(ctx, p, "unexpected '%c' after '%.*s'", *p, (int)(p - mnem), mnem);
		return;
	}
	is_word = p - mnem == 5 && !memcmp(mnem, ".word", 5);
	if (!is_word) {
		m = find_mnem(mnem, p - mnem);
		if (!m) {
			int len = p - mnem;

			if ((len == 8 && !memcmp(mnem, "sem_wait", 8)) ||
			    (len == 6 && !memcmp(mnem, "atomic", 6)))
				asm_error(ctx, mnem, "'%.*s' needs a modifier suffix (%s)", len,
					  mnem, len == 6 ? ".add or .cmpxchg" :
					  ".eq, .ne, .gt, .ge, .lt or .le");
			else
				asm_error(ctx, mnem, "unknown mnemonic '%.*s'", len, mnem);
			return;
		}
	}

	/* Operands. */
	p = skip_ws(p, end);
	while (p < end) {
		if (parse_expr(ctx, &p, end, &op))
			return;
		if (is_word) {
			if (ctx->pass == 2) {
				if (check_operand(ctx, &op, ASM_U32))
					return;
				ctx->out[ctx->pos] = op.value;
			}
			ctx->pos++;
		} else if (nops < ASM_MAX_OPS) {
			ops[nops] = op;
		}
		nops++;
		p = skip_ws(p, end);
		if (p == end)
			break;
		if (*p != ',') {
			asm_error(ctx, p, "expected ',' or the end of the line");
			return;
		}
		p = skip_ws(p + 1, end);
		if (p == end) {
			asm_error(ctx, p, "expected an operand after ','");
			return;
		}
	}

	if (is_word) {
		if (!nops)
			asm_error(ctx, mnem, ".word needs at least one value");
		return;
	}
	if (nops < m->min_ops || nops > m->max_ops) {
		if (m->max_ops == 0)
			asm_error(ctx, mnem, "%s takes no operands", m->name);
		else if (m->min_ops == m->max_ops)
			asm_error(ctx, mnem, "%s takes %u operands (%s), not %u", m->name,
				  m->max_ops, m->usage, nops);
		else
			asm_error(ctx, mnem, "%s takes %u or %u operands (%s), not %u", m->name,
				  m->min_ops, m->max_ops, m->usage, nops);
		return;
	}
	emit_insn(ctx, m, ops, nops, mnem);
}

static void asm_pass(struct asm_ctx *ctx, const char *src)
{
	const char *p = src, *end;

	ctx->pos = 0;
	ctx->line = 0;
	while (*p && !ctx->error) {
		end = strchrnul(p, '\n');
		ctx->line++;
		ctx->line_start = p;
		asm_line(ctx, p, end);
		p = *end ? end + 1 : end;
	}
}

int osprey_asm(const char *src, __u64 base_va, __u32 **words, size_t *nwords,
	       char *err, size_t errlen)
{
	return osprey_asm_syms(src, base_va, NULL, 0, words, nwords, err, errlen);
}

int osprey_asm_syms(const char *src, __u64 base_va, const struct osprey_asm_sym *syms,
		    size_t nsyms, __u32 **words, size_t *nwords, char *err, size_t errlen)
{
	struct asm_ctx ctx = {
		.base_va = base_va,
		.err = err,
		.errlen = errlen,
	};
	size_t i;

	*words = NULL;
	*nwords = 0;
	if (err && errlen)
		err[0] = '\0';

	ctx.pass = 1;
	if (!predefine(&ctx, syms, nsyms))
		asm_pass(&ctx, src);
	if (!ctx.error && ctx.pos) {
		ctx.out = calloc(ctx.pos, sizeof(*ctx.out));
		if (!ctx.out)
			ctx.error = -ENOMEM;
	}
	if (!ctx.error) {
		ctx.pass = 2;
		asm_pass(&ctx, src);
	}

	for (i = 0; i < ctx.nlabels; i++)
		free(ctx.labels[i].name);
	free(ctx.labels);

	if (ctx.error) {
		if (ctx.error == -ENOMEM && err && errlen)
			snprintf(err, errlen, "out of memory");
		free(ctx.out);
		return ctx.error;
	}
	*words = ctx.out;
	*nwords = ctx.pos;
	return 0;
}

/* Disassembler. */

/* Width of the hex words column: OSPREY_INSN_MAX_WORDS words. */
#define DISASM_WORDS_WIDTH (OSPREY_INSN_MAX_WORDS * 9 - 1)
/* Width of the instruction column in source mode. */
#define DISASM_SOURCE_WIDTH 40

/* Print the instruction's mnemonic and operands. */
static void format_insn(char *buf, size_t len, const struct osprey_insn *insn)
{
	const char *name = osprey_op_name(insn->opcode);
	unsigned long long va = insn->va;

	switch (insn->opcode) {
	case OSPREY_OP_STORE:
		snprintf(buf, len, "%s 0x%llx, 0x%x", name, va, insn->value);
		break;
	case OSPREY_OP_SEM_WAIT:
		snprintf(buf, len, "%s.%s 0x%llx, 0x%x", name, osprey_cmp_name(insn->modifier), va,
			 insn->value);
		break;
	case OSPREY_OP_COPY:
		snprintf(buf, len, "%s 0x%llx, 0x%llx, %u", name, (unsigned long long)insn->dst,
			 (unsigned long long)insn->src, insn->bytes);
		break;
	case OSPREY_OP_FILL:
		snprintf(buf, len, "%s 0x%llx, %u, 0x%x", name, va, insn->bytes, insn->pattern);
		break;
	case OSPREY_OP_ATOMIC:
		if (insn->modifier == OSPREY_ATOMIC_ADD && !insn->compare)
			snprintf(buf, len, "%s.%s 0x%llx, 0x%x", name,
				 osprey_atomic_name(insn->modifier), va, insn->operand);
		else
			snprintf(buf, len, "%s.%s 0x%llx, 0x%x, 0x%x", name,
				 osprey_atomic_name(insn->modifier), va, insn->operand,
				 insn->compare);
		break;
	case OSPREY_OP_TIMESTAMP:
		snprintf(buf, len, "%s 0x%llx", name, va);
		break;
	case OSPREY_OP_JUMP:
	case OSPREY_OP_CALL:
		snprintf(buf, len, "%s 0x%llx", name, (unsigned long long)insn->target);
		break;
	default:
		snprintf(buf, len, "%s", name);
		break;
	}
}

/* Why the word at @words (with @avail words left) is not an instruction. */
static void format_invalid(char *buf, size_t len, int err, const struct osprey_insn *insn,
			   size_t avail)
{
	const char *name = osprey_op_name(insn->opcode);
	char text[128];

	switch (err) {
	case OSPREY_INSN_BAD_OPCODE:
		snprintf(buf, len, "invalid: unknown opcode 0x%02x", insn->opcode);
		break;
	case OSPREY_INSN_BAD_LENGTH:
		snprintf(buf, len, "invalid: %s: header length %u, must be %u", name, insn->length,
			 osprey_op_words(insn->opcode));
		break;
	case OSPREY_INSN_BAD_MODIFIER:
		snprintf(buf, len, "invalid: %s: unknown modifier %u", name, insn->modifier);
		break;
	case OSPREY_INSN_TRUNCATED:
		snprintf(buf, len, "invalid: %s: truncated, needs %u words, %zu left", name,
			 osprey_op_words(insn->opcode), avail);
		break;
	case OSPREY_INSN_BAD_ALIGNMENT:
		format_insn(text, sizeof(text), insn);
		snprintf(buf, len, "invalid: misaligned address or byte count: %s", text);
		break;
	default:
		snprintf(buf, len, "invalid: %s", osprey_insn_strerror(err));
		break;
	}
}

static void print_line(FILE *out, unsigned int flags, int marked, __u64 va,
		       const __u32 *words, unsigned int n, const char *text,
		       const char *comment)
{
	char hex[DISASM_WORDS_WIDTH + 1];
	unsigned int i;
	int pos = 0;

	for (i = 0; i < n && i < OSPREY_INSN_MAX_WORDS; i++)
		pos += snprintf(hex + pos, sizeof(hex) - pos, "%s%08x", i ? " " : "", words[i]);
	hex[pos] = '\0';

	if (flags & OSPREY_DISASM_SOURCE) {
		fprintf(out, "%-*s  # %s0x%010llx: %s%s%s\n", DISASM_SOURCE_WIDTH, text,
			marked ? "=> " : "", (unsigned long long)va, hex,
			comment ? "; " : "", comment ? comment : "");
		return;
	}
	fprintf(out, "%s0x%010llx:  %-*s  %s%s%s\n", marked ? "=> " : "   ",
		(unsigned long long)va, DISASM_WORDS_WIDTH, hex, text,
		comment ? "  # " : "", comment ? comment : "");
}

int osprey_disasm(FILE *out, const __u32 *words, size_t nwords, __u64 base_va,
		  __u64 mark_va, unsigned int flags)
{
	char text[256], comment[256];
	struct osprey_insn insn;
	size_t i = 0;
	int invalid = 0;

	while (i < nwords) {
		size_t left = nwords - i;
		__u32 avail = left > OSPREY_INSN_MAX_WORDS ? OSPREY_INSN_MAX_WORDS : left;
		__u64 va = base_va + 4 * (__u64)i;
		int rc = osprey_insn_decode(words + i, avail, &insn);
		int n = rc > 0 ? rc : 1;
		int marked = mark_va != OSPREY_DISASM_NO_MARK && mark_va - va < 4 * (__u64)n;

		if (rc < 0) {
			format_invalid(comment, sizeof(comment), rc, &insn, left);
			snprintf(text, sizeof(text), ".word 0x%08x", words[i]);
			print_line(out, flags, marked, va, words + i, 1, text, comment);
			invalid++;
		} else if (insn.reserved) {
			/* Valid, but the mnemonic would lose bits 15:8: keep the words. */
			int pos = snprintf(text, sizeof(text), ".word");
			int k;

			for (k = 0; k < n; k++)
				pos += snprintf(text + pos, sizeof(text) - pos, "%s 0x%08x",
						k ? "," : "", words[i + k]);
			format_insn(comment, sizeof(comment), &insn);
			pos = strlen(comment);
			snprintf(comment + pos, sizeof(comment) - pos,
				 " (header bits 15:8 = 0x%02x, ignored)", insn.reserved);
			print_line(out, flags, marked, va, words + i, n, text, comment);
		} else {
			format_insn(text, sizeof(text), &insn);
			print_line(out, flags, marked, va, words + i, n, text, NULL);
		}
		i += n;
	}
	if (fflush(out) || ferror(out))
		return -EIO;
	return invalid;
}

/* Command line. */

static int parse_u64_arg(const char *s, __u64 *v)
{
	const char *end = s + strlen(s), *why, *q;

	q = scan_number(s, end, v, &why);
	return q && q == end ? 0 : -1;
}

/* Read all of @path ("-": standard input), NUL-terminated. */
static char *read_all(const char *path, size_t *size)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t len = 0, cap = 4096;
	char *buf, *tmp;

	if (!f)
		return NULL;
	buf = malloc(cap);
	while (buf) {
		len += fread(buf + len, 1, cap - len - 1, f);
		if (len + 1 < cap)
			break;		/* short read: end of file or error */
		cap *= 2;
		tmp = realloc(buf, cap);
		if (!tmp)
			free(buf);
		buf = tmp;
	}
	if (!buf) {
		errno = ENOMEM;
	} else if (ferror(f)) {
		free(buf);
		buf = NULL;
		errno = EIO;
	}
	if (f != stdin)
		fclose(f);
	if (!buf)
		return NULL;
	buf[len] = '\0';
	*size = len;
	return buf;
}

int osprey_asm_parse_define(const char *arg, char **name, __u64 *value)
{
	const char *eq = strchr(arg, '=');
	char *n;

	*name = NULL;
	if (!eq || eq == arg || parse_u64_arg(eq + 1, value))
		return -EINVAL;
	n = strndup(arg, eq - arg);
	if (!n)
		return -ENOMEM;
	if (!is_ident(n)) {
		free(n);
		return -EINVAL;
	}
	*name = n;
	return 0;
}

void osprey_asm_free_syms(struct osprey_asm_sym *syms, size_t nsyms)
{
	size_t i;

	for (i = 0; i < nsyms; i++)
		free((char *)syms[i].name);
	free(syms);
}

int osprey_asm_add_define(struct osprey_asm_sym **syms, size_t *nsyms, const char *arg)
{
	struct osprey_asm_sym *tmp;
	char *name;
	__u64 value;
	int ret;

	ret = osprey_asm_parse_define(arg, &name, &value);
	if (ret)
		return ret;
	tmp = realloc(*syms, (*nsyms + 1) * sizeof(**syms));
	if (!tmp) {
		free(name);
		return -ENOMEM;
	}
	tmp[*nsyms].name = name;
	tmp[*nsyms].value = value;
	*syms = tmp;
	++*nsyms;
	return 0;
}

static void asm_usage(FILE *f)
{
	fprintf(f, "usage: ospreyctl asm [-b BASE_VA] [-D NAME=VALUE]... [-o OUT.bin] FILE.s|-\n"
		"  Assemble an Osprey batch for BASE_VA (default 0); write its words,\n"
		"  little-endian, to OUT.bin (default: standard output). -D predefines\n"
		"  a symbol the source uses as a label.\n");
}

int ospreyctl_asm_main(int argc, char **argv)
{
	const char *in, *outpath = NULL;
	struct osprey_asm_sym *syms = NULL;
	__u32 *words = NULL;
	__u64 base = 0;
	char err[256];
	size_t size, nwords, nsyms = 0, i;
	FILE *out;
	char *src;
	int opt, ret;

	optind = 0;
	while ((opt = getopt(argc, argv, "b:D:o:h")) != -1) {
		switch (opt) {
		case 'b':
			if (parse_u64_arg(optarg, &base)) {
				fprintf(stderr, "ospreyctl asm: bad base VA '%s'\n", optarg);
				goto usage_error;
			}
			break;
		case 'D':
			if (osprey_asm_add_define(&syms, &nsyms, optarg)) {
				fprintf(stderr, "ospreyctl asm: bad -D '%s' (NAME=NUMBER)\n",
					optarg);
				goto usage_error;
			}
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'h':
			asm_usage(stdout);
			osprey_asm_free_syms(syms, nsyms);
			return 0;
		default:
			asm_usage(stderr);
			goto usage_error;
		}
	}
	if (optind != argc - 1) {
		asm_usage(stderr);
		goto usage_error;
	}
	in = argv[optind];
	if (!outpath && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "ospreyctl asm: not writing binary to a terminal; use -o\n");
		osprey_asm_free_syms(syms, nsyms);
		return 1;
	}

	src = read_all(in, &size);
	if (!src) {
		fprintf(stderr, "ospreyctl asm: %s: %s\n", in, strerror(errno));
		osprey_asm_free_syms(syms, nsyms);
		return 1;
	}
	if (strlen(src) != size) {
		fprintf(stderr, "ospreyctl asm: %s: contains a NUL byte\n", in);
		free(src);
		osprey_asm_free_syms(syms, nsyms);
		return 1;
	}
	ret = osprey_asm_syms(src, base, syms, nsyms, &words, &nwords, err, sizeof(err));
	free(src);
	osprey_asm_free_syms(syms, nsyms);
	if (ret) {
		fprintf(stderr, "ospreyctl asm: %s: %s\n", in, err);
		return 1;
	}

	out = outpath ? fopen(outpath, "wb") : stdout;
	if (!out) {
		fprintf(stderr, "ospreyctl asm: %s: %s\n", outpath, strerror(errno));
		free(words);
		return 1;
	}
	for (i = 0; i < nwords; i++) {
		__u32 le = htole32(words[i]);

		fwrite(&le, sizeof(le), 1, out);
	}
	free(words);
	ret = fflush(out) || ferror(out);
	if (outpath)
		ret |= fclose(out);
	if (ret) {
		fprintf(stderr, "ospreyctl asm: %s: write error\n", outpath ? outpath : "stdout");
		return 1;
	}
	return 0;

usage_error:
	osprey_asm_free_syms(syms, nsyms);
	return 2;
}

static void disasm_usage(FILE *f)
{
	fprintf(f, "usage: ospreyctl disasm [-s] [-b BASE_VA] [-m MARK_VA] FILE.bin|-\n"
		"  Disassemble little-endian Osprey batch words whose first is at BASE_VA\n"
		"  (default 0); mark the instruction at MARK_VA with '=>'; -s prints\n"
		"  reassemblable source.\n");
}

int ospreyctl_disasm_main(int argc, char **argv)
{
	__u64 base = 0, mark = OSPREY_DISASM_NO_MARK;
	unsigned int flags = 0;
	size_t size, nwords, i;
	__u32 *words;
	const char *in;
	char *bytes;
	int opt, ret;

	optind = 0;
	while ((opt = getopt(argc, argv, "sb:m:h")) != -1) {
		switch (opt) {
		case 's':
			flags |= OSPREY_DISASM_SOURCE;
			break;
		case 'b':
			if (parse_u64_arg(optarg, &base)) {
				fprintf(stderr, "ospreyctl disasm: bad base VA '%s'\n", optarg);
				return 2;
			}
			break;
		case 'm':
			if (parse_u64_arg(optarg, &mark)) {
				fprintf(stderr, "ospreyctl disasm: bad mark VA '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h':
			disasm_usage(stdout);
			return 0;
		default:
			disasm_usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		disasm_usage(stderr);
		return 2;
	}
	in = argv[optind];

	bytes = read_all(in, &size);
	if (!bytes) {
		fprintf(stderr, "ospreyctl disasm: %s: %s\n", in, strerror(errno));
		return 1;
	}
	nwords = size / 4;
	if (size % 4)
		fprintf(stderr, "ospreyctl disasm: %s: %zu trailing bytes ignored\n", in,
			size % 4);
	words = malloc((nwords ? nwords : 1) * sizeof(*words));
	if (!words) {
		fprintf(stderr, "ospreyctl disasm: out of memory\n");
		free(bytes);
		return 1;
	}
	for (i = 0; i < nwords; i++) {
		__u32 le;

		memcpy(&le, bytes + 4 * i, sizeof(le));
		words[i] = le32toh(le);
	}
	free(bytes);

	ret = osprey_disasm(stdout, words, nwords, base, mark, flags);
	free(words);
	if (ret < 0) {
		fprintf(stderr, "ospreyctl disasm: write error\n");
		return 1;
	}
	return 0;
}
