/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/* Copyright (C) 2026 The Osprey authors */
#ifndef _OSPREY_COREDUMP_FORMAT_H_
#define _OSPREY_COREDUMP_FORMAT_H_

/**
 * DOC: Osprey coredump format constants
 *
 * The pieces of the devcoredump format (docs/coredump-format.md) that the
 * writer (coredump/, kernel) and the readers (tools/, userspace) must agree
 * on byte for byte: the magic line, the section header line, the section
 * names, the reasons, and the ascii85 encoding of buffer contents. Shared
 * unchanged by both sides, like osprey_isa.h: only <linux/types.h>, static
 * inline functions, no allocation.
 *
 * A dump is the magic line, then sections. A section is a header line
 * ``@<name> <length> <crc32>\n`` (length: ten decimal digits, the body's
 * size in bytes; crc32: eight lowercase hex digits, the CRC-32 of IEEE
 * 802.3 as zlib computes it, of the body), then the body. The last section
 * is ``end``.
 */

#include <linux/types.h>

/* The first line of every dump; the digit is the format version. */
#define OSPREY_COREDUMP_MAGIC		"OSPREY-COREDUMP 1\n"
#define OSPREY_COREDUMP_MAGIC_LEN	(sizeof(OSPREY_COREDUMP_MAGIC) - 1)
#define OSPREY_COREDUMP_VERSION		1

/* Section header: '@', name, ' ', 10 digits, ' ', 8 hex digits, '\n'. */
#define OSPREY_COREDUMP_NAME_MAX	31
#define OSPREY_COREDUMP_LEN_DIGITS	10
#define OSPREY_COREDUMP_CRC_DIGITS	8
#define OSPREY_COREDUMP_SECTION_HDR_LEN(namelen) \
	(1 + (namelen) + 1 + OSPREY_COREDUMP_LEN_DIGITS + 1 + \
	 OSPREY_COREDUMP_CRC_DIGITS + 1)

/* Section names, in the order a dump holds them ("bo" repeats). */
#define OSPREY_CD_SEC_HEADER		"header"
#define OSPREY_CD_SEC_REGISTERS		"registers"
#define OSPREY_CD_SEC_DISPLAY		"display"	/* optional: older dumps lack it */
#define OSPREY_CD_SEC_RING		"ring"
#define OSPREY_CD_SEC_JOB		"job"
#define OSPREY_CD_SEC_FAULT		"fault"
#define OSPREY_CD_SEC_MAPPINGS		"mappings"
#define OSPREY_CD_SEC_BO		"bo"
#define OSPREY_CD_SEC_JOBS		"jobs"
#define OSPREY_CD_SEC_SKIPPED		"skipped"
#define OSPREY_CD_SEC_END		"end"

/**
 * enum osprey_coredump_reason - Why a dump was taken (header ``reason``)
 * @OSPREY_CD_REASON_TIMEOUT: A job ran past the scheduler's timeout.
 * @OSPREY_CD_REASON_FAULT: An MMU fault (translation or permission).
 * @OSPREY_CD_REASON_INVALID_INSN: An invalid instruction or ring packet.
 * @OSPREY_CD_REASON_LOCKUP: A timeout while the engine reported an
 *	injected lockup (DEBUG_STATUS).
 * @OSPREY_CD_REASON_MANUAL: Asked for through debugfs, without a hang.
 * @OSPREY_CD_REASON_DISPLAY_UNDERRUN: A display pipe could not read a
 *	plane (or write its writeback target); the engine is not involved.
 * @OSPREY_CD_REASON_COUNT: Number of reasons.
 */
enum osprey_coredump_reason {
	OSPREY_CD_REASON_TIMEOUT,
	OSPREY_CD_REASON_FAULT,
	OSPREY_CD_REASON_INVALID_INSN,
	OSPREY_CD_REASON_LOCKUP,
	OSPREY_CD_REASON_MANUAL,
	OSPREY_CD_REASON_DISPLAY_UNDERRUN,
	OSPREY_CD_REASON_COUNT,
};

/**
 * osprey_coredump_reason_name() - The header's spelling of a reason
 * @reason: An &enum osprey_coredump_reason.
 *
 * Return: The name, or "unknown".
 */
static inline const char *osprey_coredump_reason_name(unsigned int reason)
{
	static const char *const names[OSPREY_CD_REASON_COUNT] = {
		[OSPREY_CD_REASON_TIMEOUT] = "timeout",
		[OSPREY_CD_REASON_FAULT] = "fault",
		[OSPREY_CD_REASON_INVALID_INSN] = "invalid-instruction",
		[OSPREY_CD_REASON_LOCKUP] = "lockup-injection",
		[OSPREY_CD_REASON_MANUAL] = "manual",
		[OSPREY_CD_REASON_DISPLAY_UNDERRUN] = "display-underrun",
	};

	return reason < OSPREY_CD_REASON_COUNT ? names[reason] : "unknown";
}

/*
 * The display section: at most this many pipes (the display controller's
 * limit), each with this many planes and at most this many CRCs of the
 * driver's history, newest first. A plane or writeback index of
 * %OSPREY_CD_DISPLAY_WB is the pipe's writeback unit (written "wb").
 */
#define OSPREY_CD_DISPLAY_MAX_PIPES	4
#define OSPREY_CD_DISPLAY_PLANES	3
#define OSPREY_CD_DISPLAY_CRCS		8
#define OSPREY_CD_DISPLAY_WB		0xf

/*
 * Ascii85 of buffer contents: each group of four bytes b0..b3 is the
 * big-endian value v = b0 << 24 | b1 << 16 | b2 << 8 | b3, written as five
 * characters '!' + (v / 85^4 % 85), ..., '!' + (v % 85); a group of four
 * zero bytes is the single character 'z'. Lengths are always multiples of
 * four, so there is no partial group. The writer ends a line after every
 * %OSPREY_A85_GROUPS_PER_LINE groups; readers skip '\n'.
 */
#define OSPREY_A85_GROUPS_PER_LINE	16

/**
 * osprey_a85_max_len() - Upper bound of the encoding of @bytes bytes
 * @bytes: A multiple of four.
 *
 * Return: Characters, newlines included, when no group is all zero.
 */
static inline __u64 osprey_a85_max_len(__u64 bytes)
{
	__u64 groups = bytes / 4;

	return groups * 5 + (groups + OSPREY_A85_GROUPS_PER_LINE - 1) /
			    OSPREY_A85_GROUPS_PER_LINE;
}

/**
 * osprey_a85_encode_group() - Encode four bytes
 * @in: Four bytes.
 * @out: Room for five characters.
 *
 * Return: The number of characters written, 1 or 5.
 */
static inline unsigned int osprey_a85_encode_group(const __u8 *in, char *out)
{
	__u32 v = (__u32)in[0] << 24 | (__u32)in[1] << 16 | (__u32)in[2] << 8 | in[3];
	int i;

	if (!v) {
		out[0] = 'z';
		return 1;
	}
	for (i = 4; i >= 0; i--) {
		out[i] = (char)('!' + v % 85);
		v /= 85;
	}
	return 5;
}

/**
 * osprey_a85_decode_group() - Decode five characters
 * @in: Five characters, each in '!'..'u'.
 * @out: Four bytes.
 *
 * Return: 0, or -1 if a character is out of range or the value does not
 * fit in 32 bits.
 */
static inline int osprey_a85_decode_group(const char *in, __u8 *out)
{
	__u64 v = 0;
	int i;

	for (i = 0; i < 5; i++) {
		if (in[i] < '!' || in[i] > 'u')
			return -1;
		v = v * 85 + (__u64)(in[i] - '!');
	}
	if (v > 0xffffffffull)
		return -1;
	out[0] = (__u8)(v >> 24);
	out[1] = (__u8)(v >> 16);
	out[2] = (__u8)(v >> 8);
	out[3] = (__u8)v;
	return 0;
}

#endif /* _OSPREY_COREDUMP_FORMAT_H_ */
