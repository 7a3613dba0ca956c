/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The Osprey authors */
#ifndef _OSPREY_ISA_ASM_H_
#define _OSPREY_ISA_ASM_H_

/*
 * Assembler and disassembler for Osprey batches (include/osprey_isa.h),
 * and the "ospreyctl asm" and "ospreyctl disasm" commands. The assembly
 * syntax is described at the top of isa_asm.c.
 */

#include <stddef.h>
#include <stdio.h>

#include <linux/types.h>

/* osprey_disasm() mark_va meaning "mark no line" (no word can contain it). */
#define OSPREY_DISASM_NO_MARK	(~0ULL)

/*
 * osprey_disasm() flag: print reassemblable source, one instruction per
 * line, with the VA and words in a trailing comment, instead of the listing.
 */
#define OSPREY_DISASM_SOURCE	0x1u

/*
 * Assemble the NUL-terminated source @src for a batch whose first word is
 * at GPU VA @base_va. On success, returns 0 and sets *@words to a malloc()ed
 * array of *@nwords host-order words (the caller frees it; it may be NULL
 * when *@nwords is 0). On failure, returns -EINVAL (syntax or semantic error)
 * or -ENOMEM, sets *@words to NULL and *@nwords to 0, and, if @err is not
 * NULL, writes a message naming the line and column ("line 3, column 9:
 * undefined label 'loop'") to @err (at most @errlen bytes, NUL-terminated).
 */
int osprey_asm(const char *src, __u64 base_va, __u32 **words, size_t *nwords,
	       char *err, size_t errlen);

/* A symbol predefined for the source: usable as a label worth @value. */
struct osprey_asm_sym {
	const char *name;
	__u64 value;
};

/*
 * osprey_asm() with @nsyms symbols predefined (@syms may be NULL when
 * @nsyms is 0). A symbol name must be a valid label name and appear once;
 * the source cannot define a label of the same name. Errors as
 * osprey_asm(); a bad symbol gives -EINVAL and "symbol 'NAME': ...".
 */
int osprey_asm_syms(const char *src, __u64 base_va, const struct osprey_asm_sym *syms,
		    size_t nsyms, __u32 **words, size_t *nwords, char *err, size_t errlen);

/*
 * Parse "NAME=VALUE" (VALUE as the assembler's numbers: decimal, or hex after
 * 0x): 0 with *@name a malloc()ed copy of NAME, or -EINVAL (NAME not a label
 * name, no '=', bad number) or -ENOMEM with *@name NULL.
 */
int osprey_asm_parse_define(const char *arg, char **name, __u64 *value);
/* Append the parsed "NAME=VALUE" @arg to the malloc()ed array *@syms. */
int osprey_asm_add_define(struct osprey_asm_sym **syms, size_t *nsyms, const char *arg);
/* Free an array built by osprey_asm_add_define() and its names. */
void osprey_asm_free_syms(struct osprey_asm_sym *syms, size_t nsyms);

/*
 * Disassemble the @nwords host-order words at @words, the first of which is
 * at GPU VA @base_va, to @out, one line per instruction:
 *
 *   "   0x0000010000:  01000004 00020000 00000000 0000002a  store 0x20000, 0x2a"
 *
 * The line whose words contain @mark_va starts with "=>" instead of three
 * spaces (OSPREY_DISASM_NO_MARK: none). A word that does not start a valid
 * instruction is printed alone as ".word 0x... # invalid: <reason>" and
 * disassembly goes on with the next word. No word beyond @nwords is read.
 * With OSPREY_DISASM_SOURCE in @flags, lines are reassemblable source
 * instead: "store 0x20000, 0x2a    # 0x0000010000: 01000004 ...", the marked
 * one flagged "# => ...".
 *
 * Returns the number of invalid words printed (0 if every word belonged to a
 * valid instruction), or -EIO if writing to @out failed.
 */
int osprey_disasm(FILE *out, const __u32 *words, size_t nwords, __u64 base_va,
		  __u64 mark_va, unsigned int flags);

/*
 * "ospreyctl asm [-b BASE_VA] [-D NAME=VALUE]... [-o OUT.bin] FILE.s|-":
 * assemble FILE (or standard input) for BASE_VA (default 0), with the -D
 * symbols predefined, and write the words, little-endian, to OUT.bin (or
 * standard output, unless it is a terminal).
 *
 * "ospreyctl disasm [-s] [-b BASE_VA] [-m MARK_VA] FILE.bin|-": disassemble
 * FILE (or standard input), little-endian words, to standard output; -s for
 * reassemblable source.
 *
 * argv[0] is the command's name ("asm", "disasm"), options and operands
 * follow. They parse with getopt() from the start (they reset optind).
 * Return the process exit status: 0 success, 1 failure, 2 usage error.
 */
int ospreyctl_asm_main(int argc, char **argv);
int ospreyctl_disasm_main(int argc, char **argv);

#endif /* _OSPREY_ISA_ASM_H_ */
