/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/* Copyright (C) 2026 The Osprey authors */
#ifndef _OSPREY_ISA_H_
#define _OSPREY_ISA_H_

/**
 * DOC: Osprey instruction set and ring packets
 *
 * This header is the codec for what the Osprey command engine reads: the
 * batch instructions and the kernel ring packets of docs/gpu-model.md ("The
 * engine (specified)"). It states their encodings in C and nothing else: how
 * an instruction executes is the GPU model's business, when a packet is
 * written is the driver's.
 *
 * It is shared, unchanged, by the GPU model and its KUnit tests (kernel) and
 * by the userspace tools (the assembler and disassembler of ospreyctl, the
 * tests). It therefore includes only <linux/types.h>, uses the __u32 family of
 * types, allocates nothing and has only static inline functions.
 *
 * Both instructions and packets are little-endian 32-bit words, taken here as
 * host-order __u32 values (the caller converts). The first word is a header:
 * opcode in bits 31:24, length in words (header included) in bits 7:0 and,
 * for instructions, a modifier in bits 23:16. The other header bits (15:8 of
 * an instruction, 23:8 of a packet) have no meaning: the specification does
 * not make an instruction or packet invalid for them, so decoding ignores them
 * but keeps them (&osprey_insn.reserved, &osprey_pkt.reserved) so that
 * encoding a decoded instruction gives back the very same words.
 *
 * osprey_insn_decode() says whether words are a valid instruction: everything
 * the specification calls an invalid instruction and that can be known from
 * the words alone (unknown opcode, header length that does not match, unknown
 * modifier, misaligned address or byte count) is a decode error. What depends
 * on execution (a CALL beyond depth %OSPREY_CALL_DEPTH, faults) is not.
 * Decoding never reads past the number of words it is given.
 */

#include <linux/types.h>

/* Instruction and packet header fields. */
#define OSPREY_HDR_OPCODE_SHIFT		24
#define OSPREY_HDR_MODIFIER_SHIFT	16
#define OSPREY_HDR_RESERVED_SHIFT	8
#define OSPREY_HDR_FIELD_MASK		0xffu
#define OSPREY_HDR_LENGTH_MASK		0xffu
#define OSPREY_PKT_RESERVED_MASK	0xffffu

/* Longest instruction (COPY) and longest packet (BATCH), in words. */
#define OSPREY_INSN_MAX_WORDS		6
#define OSPREY_PKT_MAX_WORDS		4

/* Depth of the CALL stack. */
#define OSPREY_CALL_DEPTH		8

/* Width of a GPU virtual address: bits 63:39 must be zero. */
#define OSPREY_VA_BITS			39

/* Number of address-space slots (SET_AS operand range). */
#define OSPREY_NUM_AS			8

/**
 * enum osprey_op - Batch instruction opcodes (header bits 31:24)
 * @OSPREY_OP_NOP: Nothing (1 word).
 * @OSPREY_OP_STORE: ``*(u32 *)va = value`` (4 words: va lo, va hi, value).
 * @OSPREY_OP_COPY: Copy bytes from src to dst, as memmove (6 words: dst lo,
 *	dst hi, src lo, src hi, bytes).
 * @OSPREY_OP_FILL: Store a pattern to every u32 of a range (5 words: va lo,
 *	va hi, bytes, pattern).
 * @OSPREY_OP_SEM_WAIT: Wait until ``*(u32 *)va`` compares true with value,
 *	comparison in the modifier, &enum osprey_sem_cmp (4 words: va lo, va hi,
 *	value).
 * @OSPREY_OP_ATOMIC: Atomic operation on ``*(u32 *)va``, operation in the
 *	modifier, &enum osprey_atomic_op (5 words: va lo, va hi, operand,
 *	compare).
 * @OSPREY_OP_TIMESTAMP: ``*(u64 *)va = TIMESTAMP`` (3 words: va lo, va hi).
 * @OSPREY_OP_JUMP: Instruction pointer = target (3 words: target lo, hi).
 * @OSPREY_OP_CALL: Push the next instruction's VA, jump (3 words: target lo,
 *	target hi).
 * @OSPREY_OP_RETURN: Pop and jump; an empty stack ends the batch (1 word).
 * @OSPREY_OP_END: The batch is complete (1 word).
 */
enum osprey_op {
	OSPREY_OP_NOP = 0x00,
	OSPREY_OP_STORE = 0x01,
	OSPREY_OP_COPY = 0x02,
	OSPREY_OP_FILL = 0x03,
	OSPREY_OP_SEM_WAIT = 0x04,
	OSPREY_OP_ATOMIC = 0x05,
	OSPREY_OP_TIMESTAMP = 0x06,
	OSPREY_OP_JUMP = 0x07,
	OSPREY_OP_CALL = 0x08,
	OSPREY_OP_RETURN = 0x09,
	OSPREY_OP_END = 0x0a,
};

/**
 * enum osprey_sem_cmp - SEM_WAIT comparisons (modifier of %OSPREY_OP_SEM_WAIT)
 * @OSPREY_CMP_EQ: ``*va == value``.
 * @OSPREY_CMP_NE: ``*va != value``.
 * @OSPREY_CMP_GT: ``*va > value``.
 * @OSPREY_CMP_GE: ``*va >= value``.
 * @OSPREY_CMP_LT: ``*va < value``.
 * @OSPREY_CMP_LE: ``*va <= value``.
 *
 * The comparisons are unsigned, memory on the left: see osprey_sem_cmp_eval().
 */
enum osprey_sem_cmp {
	OSPREY_CMP_EQ = 0,
	OSPREY_CMP_NE = 1,
	OSPREY_CMP_GT = 2,
	OSPREY_CMP_GE = 3,
	OSPREY_CMP_LT = 4,
	OSPREY_CMP_LE = 5,
};

/**
 * enum osprey_atomic_op - ATOMIC operations (modifier of %OSPREY_OP_ATOMIC)
 * @OSPREY_ATOMIC_ADD: ``*va += operand``; compare is not used.
 * @OSPREY_ATOMIC_CMPXCHG: ``if (*va == compare) *va = operand``.
 */
enum osprey_atomic_op {
	OSPREY_ATOMIC_ADD = 0,
	OSPREY_ATOMIC_CMPXCHG = 1,
};

/**
 * enum osprey_pkt_op - Kernel ring packet opcodes (header bits 31:24)
 * @OSPREY_PKT_NOP: Nothing (1 word).
 * @OSPREY_PKT_SET_AS: Address-space slot for the following batches (2 words:
 *	slot).
 * @OSPREY_PKT_BATCH: Run a batch in the current address space (4 words: va
 *	lo, va hi, length in bytes).
 * @OSPREY_PKT_SEQNO: Write LAST_SEQNO once everything before has completed
 *	(2 words: seqno).
 * @OSPREY_PKT_IRQ: Raise JOB_DONE (1 word).
 */
enum osprey_pkt_op {
	OSPREY_PKT_NOP = 0x00,
	OSPREY_PKT_SET_AS = 0x01,
	OSPREY_PKT_BATCH = 0x02,
	OSPREY_PKT_SEQNO = 0x03,
	OSPREY_PKT_IRQ = 0x04,
};

/**
 * enum osprey_insn_error - Why words do not decode, or an instruction or
 *	packet does not encode
 * @OSPREY_INSN_TRUNCATED: Fewer words are available than the header's opcode
 *	needs (or none at all).
 * @OSPREY_INSN_BAD_OPCODE: The opcode is not in the table.
 * @OSPREY_INSN_BAD_LENGTH: The header length is not the opcode's.
 * @OSPREY_INSN_BAD_MODIFIER: The modifier is not one the opcode defines
 *	(opcodes without modifiers define only 0).
 * @OSPREY_INSN_BAD_ALIGNMENT: An address is not 4-byte aligned (8-byte for
 *	TIMESTAMP), or a COPY or FILL byte count is not a multiple of 4.
 * @OSPREY_INSN_NO_SPACE: Encoding: the output has fewer words than needed.
 *
 * All are negative, so that the decode and encode functions return either a
 * word count or one of these. Packets use the same codes (never
 * %OSPREY_INSN_BAD_MODIFIER or %OSPREY_INSN_BAD_ALIGNMENT).
 */
enum osprey_insn_error {
	OSPREY_INSN_TRUNCATED = -1,
	OSPREY_INSN_BAD_OPCODE = -2,
	OSPREY_INSN_BAD_LENGTH = -3,
	OSPREY_INSN_BAD_MODIFIER = -4,
	OSPREY_INSN_BAD_ALIGNMENT = -5,
	OSPREY_INSN_NO_SPACE = -6,
};

/**
 * struct osprey_insn - One decoded batch instruction
 *
 * Only the operands of @opcode are meaningful; decoding sets the others to 0
 * and encoding ignores them.
 */
struct osprey_insn {
	/** @opcode: &enum osprey_op. */
	__u8 opcode;
	/** @modifier: &enum osprey_sem_cmp or &enum osprey_atomic_op, else 0. */
	__u8 modifier;
	/**
	 * @length: Length in words, header included. Encoding accepts 0 for
	 * "the opcode's length".
	 */
	__u8 length;
	/** @reserved: Header bits 15:8, ignored by the engine, kept as is. */
	__u8 reserved;
	/** @value: STORE's value, SEM_WAIT's comparison value. */
	__u32 value;
	/** @va: Address of STORE, FILL, SEM_WAIT, ATOMIC and TIMESTAMP. */
	__u64 va;
	/** @dst: COPY's destination address. */
	__u64 dst;
	/** @src: COPY's source address. */
	__u64 src;
	/** @target: JUMP's and CALL's target address. */
	__u64 target;
	/** @bytes: COPY's and FILL's byte count. */
	__u32 bytes;
	/** @pattern: FILL's pattern. */
	__u32 pattern;
	/** @operand: ATOMIC's operand (the addend, or the new value). */
	__u32 operand;
	/** @compare: ATOMIC CMPXCHG's expected value (ADD keeps but ignores it). */
	__u32 compare;
};

/**
 * struct osprey_pkt - One decoded kernel ring packet
 *
 * Only the operands of @opcode are meaningful; decoding sets the others to 0
 * and encoding ignores them.
 */
struct osprey_pkt {
	/** @opcode: &enum osprey_pkt_op. */
	__u8 opcode;
	/**
	 * @length: Length in words, header included. Encoding accepts 0 for
	 * "the opcode's length".
	 */
	__u8 length;
	/** @reserved: Header bits 23:8, ignored by the engine, kept as is. */
	__u16 reserved;
	/** @as: SET_AS's address-space slot (not range-checked here). */
	__u32 as;
	/** @va: BATCH's batch VA. */
	__u64 va;
	/** @bytes: BATCH's length in bytes. */
	__u32 bytes;
	/** @seqno: SEQNO's sequence number. */
	__u32 seqno;
};

/**
 * osprey_hdr_opcode() - Opcode field of an instruction or packet header
 * @hdr: Header word.
 *
 * Return: Bits 31:24 of @hdr.
 */
static inline __u32 osprey_hdr_opcode(__u32 hdr)
{
	return (hdr >> OSPREY_HDR_OPCODE_SHIFT) & OSPREY_HDR_FIELD_MASK;
}

/**
 * osprey_hdr_modifier() - Modifier field of an instruction header
 * @hdr: Header word.
 *
 * Return: Bits 23:16 of @hdr.
 */
static inline __u32 osprey_hdr_modifier(__u32 hdr)
{
	return (hdr >> OSPREY_HDR_MODIFIER_SHIFT) & OSPREY_HDR_FIELD_MASK;
}

/**
 * osprey_hdr_length() - Length field of an instruction or packet header
 * @hdr: Header word.
 *
 * Return: Bits 7:0 of @hdr, the length in words, header included.
 */
static inline __u32 osprey_hdr_length(__u32 hdr)
{
	return hdr & OSPREY_HDR_LENGTH_MASK;
}

/**
 * osprey_insn_header() - Build an instruction header
 * @opcode: &enum osprey_op (only bits 7:0 are used).
 * @modifier: Modifier (only bits 7:0 are used).
 * @length: Length in words (only bits 7:0 are used).
 *
 * Return: The header word, bits 15:8 zero.
 */
static inline __u32 osprey_insn_header(__u32 opcode, __u32 modifier, __u32 length)
{
	return (opcode & OSPREY_HDR_FIELD_MASK) << OSPREY_HDR_OPCODE_SHIFT |
	       (modifier & OSPREY_HDR_FIELD_MASK) << OSPREY_HDR_MODIFIER_SHIFT |
	       (length & OSPREY_HDR_LENGTH_MASK);
}

/**
 * osprey_pkt_header() - Build a packet header
 * @opcode: &enum osprey_pkt_op (only bits 7:0 are used).
 * @length: Length in words (only bits 7:0 are used).
 *
 * Return: The header word, bits 23:8 zero.
 */
static inline __u32 osprey_pkt_header(__u32 opcode, __u32 length)
{
	return (opcode & OSPREY_HDR_FIELD_MASK) << OSPREY_HDR_OPCODE_SHIFT |
	       (length & OSPREY_HDR_LENGTH_MASK);
}

/**
 * osprey_op_words() - Length of an instruction
 * @opcode: Opcode, any value.
 *
 * Return: The length in words, header included, of instructions with this
 * opcode, or 0 if @opcode is not an &enum osprey_op.
 */
static inline __u32 osprey_op_words(unsigned int opcode)
{
	switch (opcode) {
	case OSPREY_OP_NOP:
	case OSPREY_OP_RETURN:
	case OSPREY_OP_END:
		return 1;
	case OSPREY_OP_TIMESTAMP:
	case OSPREY_OP_JUMP:
	case OSPREY_OP_CALL:
		return 3;
	case OSPREY_OP_STORE:
	case OSPREY_OP_SEM_WAIT:
		return 4;
	case OSPREY_OP_FILL:
	case OSPREY_OP_ATOMIC:
		return 5;
	case OSPREY_OP_COPY:
		return 6;
	default:
		return 0;
	}
}

/**
 * osprey_op_name() - Mnemonic of an instruction opcode
 * @opcode: Opcode, any value.
 *
 * Return: The lowercase mnemonic ("nop", "store", "copy", "fill", "sem_wait",
 * "atomic", "timestamp", "jump", "call", "return", "end"), or NULL if @opcode
 * is not an &enum osprey_op.
 */
static inline const char *osprey_op_name(unsigned int opcode)
{
	switch (opcode) {
	case OSPREY_OP_NOP:
		return "nop";
	case OSPREY_OP_STORE:
		return "store";
	case OSPREY_OP_COPY:
		return "copy";
	case OSPREY_OP_FILL:
		return "fill";
	case OSPREY_OP_SEM_WAIT:
		return "sem_wait";
	case OSPREY_OP_ATOMIC:
		return "atomic";
	case OSPREY_OP_TIMESTAMP:
		return "timestamp";
	case OSPREY_OP_JUMP:
		return "jump";
	case OSPREY_OP_CALL:
		return "call";
	case OSPREY_OP_RETURN:
		return "return";
	case OSPREY_OP_END:
		return "end";
	default:
		return NULL;
	}
}

/**
 * osprey_cmp_name() - Mnemonic of a SEM_WAIT comparison
 * @cmp: Modifier, any value.
 *
 * Return: "eq", "ne", "gt", "ge", "lt" or "le", or NULL if @cmp is not an
 * &enum osprey_sem_cmp.
 */
static inline const char *osprey_cmp_name(unsigned int cmp)
{
	switch (cmp) {
	case OSPREY_CMP_EQ:
		return "eq";
	case OSPREY_CMP_NE:
		return "ne";
	case OSPREY_CMP_GT:
		return "gt";
	case OSPREY_CMP_GE:
		return "ge";
	case OSPREY_CMP_LT:
		return "lt";
	case OSPREY_CMP_LE:
		return "le";
	default:
		return NULL;
	}
}

/**
 * osprey_atomic_name() - Mnemonic of an ATOMIC operation
 * @op: Modifier, any value.
 *
 * Return: "add" or "cmpxchg", or NULL if @op is not an &enum osprey_atomic_op.
 */
static inline const char *osprey_atomic_name(unsigned int op)
{
	switch (op) {
	case OSPREY_ATOMIC_ADD:
		return "add";
	case OSPREY_ATOMIC_CMPXCHG:
		return "cmpxchg";
	default:
		return NULL;
	}
}

/**
 * osprey_op_modifier_valid() - Whether an opcode defines a modifier
 * @opcode: &enum osprey_op.
 * @modifier: Modifier, any value.
 *
 * SEM_WAIT defines the &enum osprey_sem_cmp values, ATOMIC the &enum
 * osprey_atomic_op values, every other opcode only 0.
 *
 * Return: Non-zero if @modifier is valid for @opcode, 0 if not.
 */
static inline int osprey_op_modifier_valid(unsigned int opcode, unsigned int modifier)
{
	switch (opcode) {
	case OSPREY_OP_SEM_WAIT:
		return modifier <= OSPREY_CMP_LE;
	case OSPREY_OP_ATOMIC:
		return modifier <= OSPREY_ATOMIC_CMPXCHG;
	default:
		return modifier == 0;
	}
}

/**
 * osprey_sem_cmp_eval() - Evaluate a SEM_WAIT comparison
 * @cmp: &enum osprey_sem_cmp.
 * @mem: The u32 read at the instruction's address.
 * @value: The instruction's value.
 *
 * The comparison is unsigned with memory on the left: SEM_WAIT with
 * %OSPREY_CMP_GE waits until ``mem >= value``.
 *
 * Return: Non-zero if the comparison is true, 0 if it is false or @cmp is not
 * an &enum osprey_sem_cmp.
 */
static inline int osprey_sem_cmp_eval(unsigned int cmp, __u32 mem, __u32 value)
{
	switch (cmp) {
	case OSPREY_CMP_EQ:
		return mem == value;
	case OSPREY_CMP_NE:
		return mem != value;
	case OSPREY_CMP_GT:
		return mem > value;
	case OSPREY_CMP_GE:
		return mem >= value;
	case OSPREY_CMP_LT:
		return mem < value;
	case OSPREY_CMP_LE:
		return mem <= value;
	default:
		return 0;
	}
}

/**
 * osprey_insn_strerror() - Describe a decode or encode error
 * @err: &enum osprey_insn_error value, any value.
 *
 * Return: A short lowercase description, never NULL.
 */
static inline const char *osprey_insn_strerror(int err)
{
	switch (err) {
	case OSPREY_INSN_TRUNCATED:
		return "truncated";
	case OSPREY_INSN_BAD_OPCODE:
		return "unknown opcode";
	case OSPREY_INSN_BAD_LENGTH:
		return "wrong header length";
	case OSPREY_INSN_BAD_MODIFIER:
		return "unknown modifier";
	case OSPREY_INSN_BAD_ALIGNMENT:
		return "misaligned address or byte count";
	case OSPREY_INSN_NO_SPACE:
		return "not enough space";
	default:
		return "unknown error";
	}
}

/**
 * osprey_isa_u64() - Build a 64-bit operand from its two words
 * @lo: Bits 31:0.
 * @hi: Bits 63:32.
 *
 * Return: ``hi << 32 | lo``.
 */
static inline __u64 osprey_isa_u64(__u32 lo, __u32 hi)
{
	return (__u64)hi << 32 | lo;
}

/**
 * osprey_insn_check() - Check the alignment rules of an instruction's operands
 * @insn: Instruction whose opcode is an &enum osprey_op.
 *
 * Return: 0, or %OSPREY_INSN_BAD_ALIGNMENT if an address is not 4-byte
 * aligned (TIMESTAMP: 8-byte) or a COPY or FILL byte count is not a multiple
 * of 4. JUMP and CALL targets are instruction addresses, 4-byte aligned too.
 */
static inline int osprey_insn_check(const struct osprey_insn *insn)
{
	int bad;

	switch (insn->opcode) {
	case OSPREY_OP_STORE:
	case OSPREY_OP_SEM_WAIT:
	case OSPREY_OP_ATOMIC:
		bad = (insn->va & 3) != 0;
		break;
	case OSPREY_OP_TIMESTAMP:
		bad = (insn->va & 7) != 0;
		break;
	case OSPREY_OP_FILL:
		bad = (insn->va & 3) || (insn->bytes & 3);
		break;
	case OSPREY_OP_COPY:
		bad = (insn->dst & 3) || (insn->src & 3) || (insn->bytes & 3);
		break;
	case OSPREY_OP_JUMP:
	case OSPREY_OP_CALL:
		bad = (insn->target & 3) != 0;
		break;
	default:
		bad = 0;
		break;
	}
	return bad ? OSPREY_INSN_BAD_ALIGNMENT : 0;
}

/**
 * osprey_insn_decode() - Decode one instruction
 * @words: The instruction's words, host order; may be NULL if @avail is 0.
 * @avail: Number of words readable at @words. No word at or beyond
 *	@words[@avail] is ever read.
 * @insn: Filled with the instruction. On error, if at least the header could
 *	be read, @insn's opcode, modifier, length and reserved are the header's
 *	and its operands are 0.
 *
 * Checks, in this order: a header is available, its opcode is known, its
 * length is the opcode's, its modifier is the opcode's (these need only the
 * header), then that @avail covers the length, then the alignment rules of
 * osprey_insn_check().
 *
 * Return: The number of words the instruction occupies (> 0), or a negative
 * &enum osprey_insn_error.
 */
static inline int osprey_insn_decode(const __u32 *words, __u32 avail, struct osprey_insn *insn)
{
	__u32 hdr, op, len;

	*insn = (struct osprey_insn){ .opcode = 0 };
	if (avail < 1)
		return OSPREY_INSN_TRUNCATED;

	hdr = words[0];
	op = osprey_hdr_opcode(hdr);
	insn->opcode = op;
	insn->modifier = osprey_hdr_modifier(hdr);
	insn->length = osprey_hdr_length(hdr);
	insn->reserved = (hdr >> OSPREY_HDR_RESERVED_SHIFT) & OSPREY_HDR_FIELD_MASK;

	len = osprey_op_words(op);
	if (!len)
		return OSPREY_INSN_BAD_OPCODE;
	if (insn->length != len)
		return OSPREY_INSN_BAD_LENGTH;
	if (!osprey_op_modifier_valid(op, insn->modifier))
		return OSPREY_INSN_BAD_MODIFIER;
	if (avail < len)
		return OSPREY_INSN_TRUNCATED;

	switch (op) {
	case OSPREY_OP_STORE:
	case OSPREY_OP_SEM_WAIT:
		insn->va = osprey_isa_u64(words[1], words[2]);
		insn->value = words[3];
		break;
	case OSPREY_OP_COPY:
		insn->dst = osprey_isa_u64(words[1], words[2]);
		insn->src = osprey_isa_u64(words[3], words[4]);
		insn->bytes = words[5];
		break;
	case OSPREY_OP_FILL:
		insn->va = osprey_isa_u64(words[1], words[2]);
		insn->bytes = words[3];
		insn->pattern = words[4];
		break;
	case OSPREY_OP_ATOMIC:
		insn->va = osprey_isa_u64(words[1], words[2]);
		insn->operand = words[3];
		insn->compare = words[4];
		break;
	case OSPREY_OP_TIMESTAMP:
		insn->va = osprey_isa_u64(words[1], words[2]);
		break;
	case OSPREY_OP_JUMP:
	case OSPREY_OP_CALL:
		insn->target = osprey_isa_u64(words[1], words[2]);
		break;
	default:
		break;
	}

	if (osprey_insn_check(insn))
		return OSPREY_INSN_BAD_ALIGNMENT;
	return len;
}

/**
 * osprey_insn_encode() - Encode one instruction
 * @insn: Instruction; its length must be the opcode's, or 0.
 * @words: Where to write the words, host order.
 * @space: Number of words writable at @words; none is written beyond.
 *
 * Encoding an instruction that osprey_insn_decode() returned gives back the
 * decoded words exactly.
 *
 * Return: The number of words written (> 0), or a negative &enum
 * osprey_insn_error: the instruction is invalid (nothing is written), or
 * %OSPREY_INSN_NO_SPACE (nothing is written).
 */
static inline int osprey_insn_encode(const struct osprey_insn *insn, __u32 *words, __u32 space)
{
	__u32 len = osprey_op_words(insn->opcode);
	int err;

	if (!len)
		return OSPREY_INSN_BAD_OPCODE;
	if (insn->length && insn->length != len)
		return OSPREY_INSN_BAD_LENGTH;
	if (!osprey_op_modifier_valid(insn->opcode, insn->modifier))
		return OSPREY_INSN_BAD_MODIFIER;
	err = osprey_insn_check(insn);
	if (err)
		return err;
	if (space < len)
		return OSPREY_INSN_NO_SPACE;

	words[0] = osprey_insn_header(insn->opcode, insn->modifier, len) |
		   (__u32)insn->reserved << OSPREY_HDR_RESERVED_SHIFT;

	switch (insn->opcode) {
	case OSPREY_OP_STORE:
	case OSPREY_OP_SEM_WAIT:
		words[1] = (__u32)insn->va;
		words[2] = (__u32)(insn->va >> 32);
		words[3] = insn->value;
		break;
	case OSPREY_OP_COPY:
		words[1] = (__u32)insn->dst;
		words[2] = (__u32)(insn->dst >> 32);
		words[3] = (__u32)insn->src;
		words[4] = (__u32)(insn->src >> 32);
		words[5] = insn->bytes;
		break;
	case OSPREY_OP_FILL:
		words[1] = (__u32)insn->va;
		words[2] = (__u32)(insn->va >> 32);
		words[3] = insn->bytes;
		words[4] = insn->pattern;
		break;
	case OSPREY_OP_ATOMIC:
		words[1] = (__u32)insn->va;
		words[2] = (__u32)(insn->va >> 32);
		words[3] = insn->operand;
		words[4] = insn->compare;
		break;
	case OSPREY_OP_TIMESTAMP:
		words[1] = (__u32)insn->va;
		words[2] = (__u32)(insn->va >> 32);
		break;
	case OSPREY_OP_JUMP:
	case OSPREY_OP_CALL:
		words[1] = (__u32)insn->target;
		words[2] = (__u32)(insn->target >> 32);
		break;
	default:
		break;
	}
	return len;
}

/**
 * osprey_pkt_words() - Length of a packet
 * @opcode: Opcode, any value.
 *
 * Return: The length in words, header included, of packets with this opcode,
 * or 0 if @opcode is not an &enum osprey_pkt_op.
 */
static inline __u32 osprey_pkt_words(unsigned int opcode)
{
	switch (opcode) {
	case OSPREY_PKT_NOP:
	case OSPREY_PKT_IRQ:
		return 1;
	case OSPREY_PKT_SET_AS:
	case OSPREY_PKT_SEQNO:
		return 2;
	case OSPREY_PKT_BATCH:
		return 4;
	default:
		return 0;
	}
}

/**
 * osprey_pkt_name() - Name of a packet opcode
 * @opcode: Opcode, any value.
 *
 * Return: "nop", "set_as", "batch", "seqno" or "irq", or NULL if @opcode is
 * not an &enum osprey_pkt_op.
 */
static inline const char *osprey_pkt_name(unsigned int opcode)
{
	switch (opcode) {
	case OSPREY_PKT_NOP:
		return "nop";
	case OSPREY_PKT_SET_AS:
		return "set_as";
	case OSPREY_PKT_BATCH:
		return "batch";
	case OSPREY_PKT_SEQNO:
		return "seqno";
	case OSPREY_PKT_IRQ:
		return "irq";
	default:
		return NULL;
	}
}

/**
 * osprey_pkt_decode() - Decode one ring packet
 * @words: The packet's words, host order; may be NULL if @avail is 0.
 * @avail: Number of words readable at @words. No word at or beyond
 *	@words[@avail] is ever read.
 * @pkt: Filled with the packet. On error, if at least the header could be
 *	read, @pkt's opcode, length and reserved are the header's and its
 *	operands are 0.
 *
 * Checks, in this order: a header is available, its opcode is known, its
 * length is the opcode's, then that @avail covers the length. Operand values
 * (a SET_AS slot, a BATCH VA or length) are not checked: the specification
 * makes only an unknown opcode or a wrong length an invalid packet.
 *
 * Return: The number of words the packet occupies (> 0), or a negative
 * &enum osprey_insn_error.
 */
static inline int osprey_pkt_decode(const __u32 *words, __u32 avail, struct osprey_pkt *pkt)
{
	__u32 hdr, len;

	*pkt = (struct osprey_pkt){ .opcode = 0 };
	if (avail < 1)
		return OSPREY_INSN_TRUNCATED;

	hdr = words[0];
	pkt->opcode = osprey_hdr_opcode(hdr);
	pkt->length = osprey_hdr_length(hdr);
	pkt->reserved = (hdr >> OSPREY_HDR_RESERVED_SHIFT) & OSPREY_PKT_RESERVED_MASK;

	len = osprey_pkt_words(pkt->opcode);
	if (!len)
		return OSPREY_INSN_BAD_OPCODE;
	if (pkt->length != len)
		return OSPREY_INSN_BAD_LENGTH;
	if (avail < len)
		return OSPREY_INSN_TRUNCATED;

	switch (pkt->opcode) {
	case OSPREY_PKT_SET_AS:
		pkt->as = words[1];
		break;
	case OSPREY_PKT_BATCH:
		pkt->va = osprey_isa_u64(words[1], words[2]);
		pkt->bytes = words[3];
		break;
	case OSPREY_PKT_SEQNO:
		pkt->seqno = words[1];
		break;
	default:
		break;
	}
	return len;
}

/**
 * osprey_pkt_encode() - Encode one ring packet
 * @pkt: Packet; its length must be the opcode's, or 0.
 * @words: Where to write the words, host order.
 * @space: Number of words writable at @words; none is written beyond.
 *
 * Encoding a packet that osprey_pkt_decode() returned gives back the decoded
 * words exactly.
 *
 * Return: The number of words written (> 0), or a negative &enum
 * osprey_insn_error (nothing is written).
 */
static inline int osprey_pkt_encode(const struct osprey_pkt *pkt, __u32 *words, __u32 space)
{
	__u32 len = osprey_pkt_words(pkt->opcode);

	if (!len)
		return OSPREY_INSN_BAD_OPCODE;
	if (pkt->length && pkt->length != len)
		return OSPREY_INSN_BAD_LENGTH;
	if (space < len)
		return OSPREY_INSN_NO_SPACE;

	words[0] = osprey_pkt_header(pkt->opcode, len) |
		   (__u32)pkt->reserved << OSPREY_HDR_RESERVED_SHIFT;

	switch (pkt->opcode) {
	case OSPREY_PKT_SET_AS:
		words[1] = pkt->as;
		break;
	case OSPREY_PKT_BATCH:
		words[1] = (__u32)pkt->va;
		words[2] = (__u32)(pkt->va >> 32);
		words[3] = pkt->bytes;
		break;
	case OSPREY_PKT_SEQNO:
		words[1] = pkt->seqno;
		break;
	default:
		break;
	}
	return len;
}

#endif /* _OSPREY_ISA_H_ */
