/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The Osprey authors */
#ifndef COREDUMP_PARSE_H
#define COREDUMP_PARSE_H

/*
 * A reader of Osprey GPU coredumps (docs/coredump-format.md), part of
 * libosprey. osp_coredump_parse() checks a dump completely (magic, section
 * header lines, lengths, CRCs, section order, key and value syntax, the
 * fields of every known section, the ascii85 of buffer contents and the
 * counts of the end section) before it returns one: a dump it accepts can
 * be trusted to hold what the accessors say. It never reads outside the
 * input, its time is linear in the input's size and so are its
 * allocations.
 *
 * Unknown sections (with a valid header line and CRC) and unknown keys are
 * skipped, as the format requires of readers.
 *
 * The display section is optional (dumps written before it existed have
 * none); when present it is checked like the others and decoded into
 * cd->display. A dump whose reason is "display-underrun" must have one,
 * with its "underrun" line.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__cplusplus)
extern "C" {
#endif

struct osp_coredump_entry;

struct osp_coredump_section {
	char name[32];
	size_t offset;		/* of the '@' line in the input */
	size_t body_offset;
	size_t length;
	const char *body;	/* points into cd->raw, NOT NUL-terminated */
	/* The key lines of the body: cd->entries[first_entry..+nentries). */
	size_t first_entry;
	size_t nentries;
	/* ring and bo: where the data lines start in the body (length if none). */
	size_t data_offset;
};

struct osp_coredump_bo {
	uint32_t id;
	char label[65];
	uint64_t size, va;
	char role[16];
	int64_t owner_pid;
	char owner_comm[33];
	char shared[16];
	uint64_t captured;
	bool truncated;
	char skipped[64];	/* "" when the section has no skipped key */
	uint8_t *data;		/* `captured` decoded bytes, or NULL */
	size_t section;		/* index in cd->sections */
};

/* Limits of the display section (docs/coredump-format.md). */
#define OSP_CD_DISPLAY_MAX_PIPES	4
#define OSP_CD_DISPLAY_PLANES		3
#define OSP_CD_DISPLAY_CRCS		8
/* A plane index that stands for the pipe's writeback unit ("wb"). */
#define OSP_CD_DISPLAY_WB		0xf

struct osp_coredump_plane {
	uint32_t index;
	uint32_t control;
	bool enabled;		/* control bit 0 */
	char format[16];	/* "xrgb8888", ..., or the unknown value in decimal */
	uint64_t address;	/* display VA of the first pixel */
	uint32_t pitch, width, height, x, y;
	uint32_t alpha;
	char blend[16];		/* "premulti", "coverage", "none", or a number */
	uint32_t zpos;
};

struct osp_coredump_pipe {
	uint32_t index;
	uint32_t control;
	bool enabled;		/* control bit 0 */
	uint32_t width, height, htotal, vtotal, clock_khz;
	uint32_t bg_color;
	uint32_t update;
	uint32_t status;
	bool active;		/* status bit 0 */
	bool underrun;		/* status bit 1: the last frame lost a plane */
	uint32_t frame_count;
	uint64_t vblank_ts;
	uint32_t crc_control, crc_value, crc_frame;
	uint32_t conn_status, edid_size;
	/* The UNDERRUN_* registers: the last underrun of the pipe. */
	uint64_t underrun_address;
	uint32_t underrun_plane;	/* OSP_CD_DISPLAY_WB for the writeback */
	uint32_t underrun_count;
	uint32_t wb_control;
	uint64_t wb_address;
	uint32_t wb_pitch, wb_status;
	struct osp_coredump_plane planes[OSP_CD_DISPLAY_PLANES];
	/* The driver's last CRCs, newest first. */
	size_t ncrcs;
	uint32_t crc_frames[OSP_CD_DISPLAY_CRCS];
	uint32_t crcs[OSP_CD_DISPLAY_CRCS];
};

struct osp_coredump_display {
	size_t section;		/* index in cd->sections */
	bool present;		/* "controller: present"; else nothing below is set */
	uint32_t npipes;
	uint32_t as_control;
	uint64_t pgtable;
	uint32_t max_width, max_height;
	/* The "underrun" line (reason display-underrun): who failed, where. */
	bool has_underrun;
	uint32_t underrun_pipe;
	uint32_t underrun_plane;	/* OSP_CD_DISPLAY_WB for the writeback */
	uint64_t underrun_address;
	struct osp_coredump_pipe pipes[OSP_CD_DISPLAY_MAX_PIPES];
};

struct osp_coredump {
	char *raw;
	size_t size;		/* bytes of this dump consumed, magic..end */
	size_t nsections;
	struct osp_coredump_section *sections;
	size_t nbos;
	struct osp_coredump_bo *bos;
	/* The ring words dumped (ring section "words", from "start"). */
	size_t nring_words;
	uint32_t *ring_words;
	/* The display section, if the dump has one (has_display). */
	bool has_display;
	struct osp_coredump_display display;
	/* Private to the parser. */
	size_t nentries;
	struct osp_coredump_entry *entries;
	char *arena;
};

/*
 * Parse the first dump in data[0..len). 0 on success, with *out set (free
 * it with osp_coredump_free()); on failure -1, *out NULL and a message in
 * @err (at most @errlen bytes, NUL-terminated) naming the section and the
 * byte offset, e.g.
 *   "section 'bo' (#7) at byte 12345: crc mismatch (header says 1a2b3c4d,
 *    body has 5e6f7a8b)"
 *   "truncated in section 'ring' at byte 2048: body needs 1200 bytes, 300 left"
 * Offsets count from data[0]. The bytes after the dump (cd->size) are not
 * looked at: the next dump of a concatenation starts there.
 */
int osp_coredump_parse(const void *data, size_t len, struct osp_coredump **out,
		       char *err, size_t errlen);
void osp_coredump_free(struct osp_coredump *cd);

/*
 * Value of the first @key in the first section called @section: unquoted
 * and unescaped when the whole value is one quoted string (an escaped NUL
 * ends it early), else as written (lists keep their quotes, for
 * osp_coredump_field()). NULL if absent. Valid until osp_coredump_free().
 */
const char *osp_coredump_value(const struct osp_coredump *cd, const char *section,
			       const char *key);
/* The same in the section of index @section (e.g. a bo's cd->bos[i].section). */
const char *osp_coredump_section_value(const struct osp_coredump *cd, size_t section,
				       const char *key);
/* A number value, decimal or 0x hex: 0, -ENOENT (absent) or -EINVAL. */
int osp_coredump_u64(const struct osp_coredump *cd, const char *section, const char *key,
		     uint64_t *out);
/*
 * All values of a repeated key (map, job, skip, l0..) of the first section
 * called @section, in order: returns their count and fills up to @max of
 * them into @out.
 */
size_t osp_coredump_values(const struct osp_coredump *cd, const char *section,
			   const char *key, const char **out, size_t max);
/*
 * Field @name of a "name=value name=value" list: copies the value (unquoted
 * and unescaped) into @buf, NUL-terminated. 0, -ENOENT if there is no such
 * field, -EINVAL if the list is malformed, -ENOSPC if @buflen is too small
 * (@buf then holds as much as fits).
 */
int osp_coredump_field(const char *list, const char *name, char *buf, size_t buflen);
/* Parse a number as the format writes them: decimal or 0x hex. 0 or -EINVAL. */
int osp_coredump_parse_u64(const char *s, uint64_t *out);

#if defined(__cplusplus)
}
#endif

#endif /* COREDUMP_PARSE_H */
