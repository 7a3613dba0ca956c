// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: Osprey coredump text
 *
 * Writes a &struct osprey_cd_snapshot in the format of
 * docs/coredump-format.md. The same code runs twice over a snapshot: once
 * with no buffer, to count the bytes, and once into a buffer of exactly
 * that size, so that nothing is reallocated or cut. Each section is written
 * with a placeholder header, then its body, then the header is filled in
 * with the body's length and CRC-32.
 *
 * Runs in the worker, never in the fence-signalling path; it only reads
 * the snapshot and allocates nothing.
 *
 * The display section writes the registers of the display controller as
 * the format names them: the double-buffered ones as read (their pending
 * copies), fields of a register (a mode's width and height, a plane's
 * position) apart, a plane's format and blend mode as words when the value
 * is one the hardware knows and as a number otherwise.
 */

#include <linux/bitfield.h>
#include <linux/crc32.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/unaligned.h>
#include <linux/utsname.h>

#include <drm/drm_drv.h>

#include "osprey_coredump.h"
#include "osprey_drv.h"

/* Where the text goes; with @buf NULL, only @pos moves. */
struct osprey_cd_out {
	char *buf;
	size_t size;
	size_t pos;
	/* Offset of the current section's header line. */
	size_t section;
	size_t name_len;
	unsigned int nsections;
	/* The ascii85 digit pairs of 0 to 85 * 85 - 1. */
	const u16 *pairs;
	/* CRC-32 of the section's body up to @crc_pos (seeded with ~0). */
	u32 crc;
	size_t crc_pos;
};

static void cd_write(struct osprey_cd_out *o, const void *data, size_t len)
{
	if (o->buf && !WARN_ON(o->pos + len > o->size))
		memcpy(o->buf + o->pos, data, len);
	o->pos += len;
}

static __printf(2, 3) void cd_printf(struct osprey_cd_out *o, const char *fmt, ...)
{
	char line[160];
	va_list args;
	int len;

	va_start(args, fmt);
	len = vsnprintf(line, sizeof(line), fmt, args);
	va_end(args);
	/* Every format here fits; a longer line would be a driver bug. */
	if (WARN_ON(len >= sizeof(line)))
		len = sizeof(line) - 1;
	cd_write(o, line, len);
}

/* "key: " and @s quoted, with the format's escapes. */
static void cd_quoted(struct osprey_cd_out *o, const char *key, const char *s, size_t max)
{
	size_t i;

	if (key)
		cd_printf(o, "%s: ", key);
	cd_write(o, "\"", 1);
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			cd_printf(o, "\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			cd_printf(o, "\\x%02x", c);
		else
			cd_write(o, &c, 1);
	}
	cd_write(o, "\"", 1);
	if (key)
		cd_write(o, "\n", 1);
}

static void cd_section_begin(struct osprey_cd_out *o, const char *name)
{
	o->section = o->pos;
	o->name_len = strlen(name);
	/* Filled in by cd_section_end(). */
	cd_printf(o, "@%s %0*u %0*x\n", name, OSPREY_COREDUMP_LEN_DIGITS, 0,
		  OSPREY_COREDUMP_CRC_DIGITS, 0);
	o->crc = ~0;
	o->crc_pos = o->pos;
}

/* Bring the section's CRC up to the end of what is written. */
static void cd_crc_update(struct osprey_cd_out *o)
{
	if (o->buf)
		o->crc = crc32_le(o->crc, o->buf + o->crc_pos, o->pos - o->crc_pos);
	o->crc_pos = o->pos;
}

static void cd_section_end(struct osprey_cd_out *o)
{
	size_t body = o->section + OSPREY_COREDUMP_SECTION_HDR_LEN(o->name_len);
	char tail[OSPREY_COREDUMP_LEN_DIGITS + OSPREY_COREDUMP_CRC_DIGITS + 3];

	o->nsections++;
	if (!o->buf)
		return;
	cd_crc_update(o);
	snprintf(tail, sizeof(tail), "%0*zu %0*x\n", OSPREY_COREDUMP_LEN_DIGITS,
		 o->pos - body, OSPREY_COREDUMP_CRC_DIGITS, ~o->crc);
	memcpy(o->buf + o->section + 1 + o->name_len + 1, tail, strlen(tail));
}

/*
 * The registers of a dump, in register order. The entries marked @slot are
 * the registers of address-space slot 0; the dump lists them for every
 * slot, slot by slot, as AS<n>_<name>.
 */
struct cd_reg {
	const char *name;
	u32 offset;
	bool slot;
};

#define CD_REG(name) { #name, OSPREY_REG_##name, false }
#define CD_SLOT_REG(name) { #name, OSPREY_REG_AS_##name(0), true }
#define CD_SLOT_STRIDE (OSPREY_REG_AS_PGTABLE_LO(1) - OSPREY_REG_AS_PGTABLE_LO(0))

static const struct cd_reg cd_regs[] = {
	CD_REG(MAGIC), CD_REG(MODEL), CD_REG(REVISION), CD_REG(FEATURES),
	CD_REG(NUM_ENGINES), CD_REG(SCRATCH),
	CD_REG(IRQ_RAWSTAT), CD_REG(IRQ_MASK), CD_REG(IRQ_STATUS),
	CD_SLOT_REG(PGTABLE_LO), CD_SLOT_REG(PGTABLE_HI), CD_SLOT_REG(CONTROL),
	CD_REG(RING_BASE_LO), CD_REG(RING_BASE_HI), CD_REG(RING_SIZE),
	CD_REG(RING_HEAD), CD_REG(RING_TAIL), CD_REG(ENGINE_STATUS),
	CD_REG(LAST_SEQNO), CD_REG(CURRENT_IP_LO), CD_REG(CURRENT_IP_HI),
	CD_REG(CURRENT_BATCH_LO), CD_REG(CURRENT_BATCH_HI),
	CD_REG(FAULT_STATUS), CD_REG(FAULT_ADDRESS_LO), CD_REG(FAULT_ADDRESS_HI),
	CD_REG(FAULT_ACCESS), CD_REG(FAULT_AS),
	CD_REG(TIMESTAMP_LO), CD_REG(TIMESTAMP_HI), CD_REG(DEBUG_STATUS),
};

#define CD_SLOT_REGS 3
static_assert(ARRAY_SIZE(cd_regs) + CD_SLOT_REGS * (OSPREY_NUM_AS - 1) <= OSPREY_CD_NUM_REGS);

unsigned int osprey_cd_reg_count(void)
{
	return ARRAY_SIZE(cd_regs) + CD_SLOT_REGS * (OSPREY_NUM_AS - 1);
}

u32 osprey_cd_reg_at(unsigned int i, const char **name, int *as)
{
	unsigned int t;

	*as = -1;
	for (t = 0; t < ARRAY_SIZE(cd_regs); t++) {
		if (!cd_regs[t].slot) {
			if (!i--) {
				*name = cd_regs[t].name;
				return cd_regs[t].offset;
			}
			continue;
		}
		/* The slot registers are consecutive entries, CD_SLOT_REGS of them. */
		if (i < CD_SLOT_REGS * OSPREY_NUM_AS) {
			*as = i / CD_SLOT_REGS;
			*name = cd_regs[t + i % CD_SLOT_REGS].name;
			return cd_regs[t + i % CD_SLOT_REGS].offset + CD_SLOT_STRIDE * *as;
		}
		i -= CD_SLOT_REGS * OSPREY_NUM_AS;
		t += CD_SLOT_REGS - 1;
	}
	*name = "?";
	return OSPREY_REG_WINDOW_SIZE;
}

static void cd_header(struct osprey_cd_out *o, const struct osprey_cd_snapshot *snap,
		      const struct osprey_device *odev)
{
	const struct drm_driver *drv = odev->drm.driver;
	struct tm tm;
	static const char *const halts[] = {
		[OSPREY_CD_HALTED] = "yes",
		[OSPREY_CD_NOT_HALTED] = "no",
		[OSPREY_CD_STOPPED_ERROR] = "error",
		[OSPREY_CD_RUNNING] = "running",
	};

	time64_to_tm(snap->time.tv_sec, 0, &tm);
	cd_section_begin(o, OSPREY_CD_SEC_HEADER);
	cd_printf(o, "format: %u\n", OSPREY_COREDUMP_VERSION);
	cd_printf(o, "driver: %s %d.%d.%d\n", drv->name, drv->major, drv->minor,
		  drv->patchlevel);
	cd_quoted(o, "kernel", init_utsname()->release, sizeof(init_utsname()->release));
	cd_quoted(o, "kernel_build", init_utsname()->version, sizeof(init_utsname()->version));
	cd_quoted(o, "device", dev_name(odev->drm.dev), 64);
	cd_printf(o, "gpu: model=0x%04x revision=%lu.%lu\n", odev->info.model,
		  FIELD_GET(OSPREY_REVISION_MAJOR, odev->info.revision),
		  FIELD_GET(OSPREY_REVISION_MINOR, odev->info.revision));
	cd_printf(o, "sequence: %u\n", snap->seq);
	cd_printf(o, "reason: %s\n", osprey_coredump_reason_name(snap->reason));
	cd_printf(o, "time: %04ld-%02d-%02dT%02d:%02d:%02d.%09ldZ\n",
		  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		  tm.tm_min, tm.tm_sec, snap->time.tv_nsec);
	cd_printf(o, "uptime_ns: %llu\n", snap->uptime_ns);
	cd_printf(o, "detected_ns: %llu\n", snap->detected_ns);
	cd_printf(o, "capture_us: %llu\n", div_u64(snap->capture_ns, NSEC_PER_USEC));
	cd_printf(o, "engine_halted: %s\n", halts[snap->halt]);
	cd_printf(o, "budget: %llu\n", snap->budget);
	cd_printf(o, "truncated: %s\n", snap->truncated ? "yes" : "no");
	cd_section_end(o);
}

static void cd_registers(struct osprey_cd_out *o, const struct osprey_cd_snapshot *snap)
{
	unsigned int i;

	cd_section_begin(o, OSPREY_CD_SEC_REGISTERS);
	for (i = 0; i < osprey_cd_reg_count(); i++) {
		const char *name;
		int as;

		osprey_cd_reg_at(i, &name, &as);
		if (as >= 0)
			cd_printf(o, "AS%d_%s: 0x%08x\n", as, name, snap->regs[i]);
		else
			cd_printf(o, "%s: 0x%08x\n", name, snap->regs[i]);
	}
	cd_section_end(o);
}

static_assert(OSPREY_CD_DISPLAY_MAX_PIPES == OSPREY_DISP_MAX_PIPES);
static_assert(OSPREY_CD_DISPLAY_PLANES == OSPREY_NUM_PLANES);
static_assert(OSPREY_CD_DISPLAY_WB == OSPREY_UNDERRUN_WB);

static const char *const cd_format_names[] = {
	[OSPREY_FMT_XRGB8888] = "xrgb8888",
	[OSPREY_FMT_ARGB8888] = "argb8888",
	[OSPREY_FMT_RGB565] = "rgb565",
	[OSPREY_FMT_XBGR8888] = "xbgr8888",
	[OSPREY_FMT_ABGR8888] = "abgr8888",
};

static const char *const cd_blend_names[] = {
	[OSPREY_BLEND_PREMULTI] = "premulti",
	[OSPREY_BLEND_COVERAGE] = "coverage",
	[OSPREY_BLEND_NONE] = "none",
};

/* " <key>=<word>" if @names has a word for @value, else " <key>=<decimal>". */
static void cd_word(struct osprey_cd_out *o, const char *key, const char *const *names,
		    size_t n, u32 value)
{
	if (value < n && names[value])
		cd_printf(o, " %s=%s", key, names[value]);
	else
		cd_printf(o, " %s=%u", key, value);
}

/* " plane=<n>", "wb" for the writeback unit. */
static void cd_underrun_plane(struct osprey_cd_out *o, u32 plane)
{
	if (plane == OSPREY_UNDERRUN_WB)
		cd_printf(o, " plane=wb");
	else
		cd_printf(o, " plane=%u", plane);
}

static void cd_display_pipe(struct osprey_cd_out *o, const struct osprey_cd_pipe *pp,
			    unsigned int p)
{
	unsigned int i;

	cd_printf(o, "pipe: %u\n", p);
	cd_printf(o, "control: 0x%08x\n", pp->control);
	cd_printf(o, "mode: width=%lu height=%lu htotal=%lu vtotal=%lu clock=%u\n",
		  FIELD_GET(GENMASK(15, 0), pp->mode_size),
		  FIELD_GET(GENMASK(31, 16), pp->mode_size),
		  FIELD_GET(GENMASK(15, 0), pp->mode_total),
		  FIELD_GET(GENMASK(31, 16), pp->mode_total), pp->mode_clock);
	cd_printf(o, "bg_color: 0x%08x\n", pp->bg_color);
	cd_printf(o, "update: 0x%08x\n", pp->update);
	cd_printf(o, "status: 0x%08x\n", pp->status);
	cd_printf(o, "frame_count: %u\n", pp->frame_count);
	cd_printf(o, "vblank_ts: %llu\n", pp->vblank_ts);
	cd_printf(o, "crc: control=0x%08x value=0x%08x frame=%u\n", pp->crc_control,
		  pp->crc_value, pp->crc_frame);
	cd_printf(o, "conn: status=0x%08x edid_size=%u\n", pp->conn_status, pp->edid_size);
	cd_printf(o, "last_underrun: address=0x%llx", pp->underrun_addr);
	cd_underrun_plane(o, pp->underrun_plane);
	cd_printf(o, " count=%u\n", pp->underrun_count);
	cd_printf(o, "wb: control=0x%08x address=0x%llx pitch=%u status=0x%08x\n",
		  pp->wb_control, pp->wb_addr, pp->wb_pitch, pp->wb_status);
	for (i = 0; i < OSPREY_NUM_PLANES; i++) {
		const struct osprey_cd_plane *pl = &pp->planes[i];

		cd_printf(o, "plane: index=%u control=0x%08x", i, pl->control);
		cd_word(o, "format", cd_format_names, ARRAY_SIZE(cd_format_names), pl->format);
		cd_printf(o, " address=0x%llx pitch=%u width=%lu height=%lu x=%lu y=%lu",
			  pl->addr, pl->pitch, FIELD_GET(GENMASK(15, 0), pl->size),
			  FIELD_GET(GENMASK(31, 16), pl->size),
			  FIELD_GET(GENMASK(15, 0), pl->pos), FIELD_GET(GENMASK(31, 16), pl->pos));
		cd_printf(o, " alpha=%u", pl->alpha);
		cd_word(o, "blend", cd_blend_names, ARRAY_SIZE(cd_blend_names), pl->blend);
		cd_printf(o, " zpos=%u\n", pl->zpos);
	}
	for (i = 0; i < pp->ncrcs; i++)
		cd_printf(o, "crc_history: frame=%u value=0x%08x\n", pp->crc_frames[i],
			  pp->crcs[i]);
}

static void cd_display(struct osprey_cd_out *o, const struct osprey_cd_snapshot *snap)
{
	const struct osprey_cd_display *d = &snap->display;
	unsigned int p;

	cd_section_begin(o, OSPREY_CD_SEC_DISPLAY);
	if (!d->present) {
		cd_printf(o, "controller: none\n");
		cd_section_end(o);
		return;
	}
	cd_printf(o, "controller: present\n");
	cd_printf(o, "pipes: %u\n", d->npipes);
	cd_printf(o, "as: control=0x%08x pgtable=0x%llx\n", d->as_control, d->pgtable);
	cd_printf(o, "max: width=%u height=%u\n", d->max_width, d->max_height);
	if (d->underrun_pipe != OSPREY_CD_NO_PIPE) {
		cd_printf(o, "underrun: pipe=%u", d->underrun_pipe);
		cd_underrun_plane(o, d->underrun_plane);
		cd_printf(o, " address=0x%llx\n", d->underrun_addr);
	}
	for (p = 0; p < d->npipes; p++)
		cd_display_pipe(o, &d->pipes[p], p);
	cd_section_end(o);
}

static void cd_ring(struct osprey_cd_out *o, const struct osprey_cd_snapshot *snap)
{
	unsigned int i;

	cd_section_begin(o, OSPREY_CD_SEC_RING);
	cd_printf(o, "size: %u\n", snap->ring_size);
	cd_printf(o, "head: 0x%x\n", snap->ring_head);
	cd_printf(o, "tail: 0x%x\n", snap->ring_tail);
	cd_printf(o, "start: 0x%x\n", snap->ring_start);
	cd_printf(o, "words: %u\n", snap->ring_nwords);
	cd_printf(o, "data:\n");
	for (i = 0; i < snap->ring_nwords; i++) {
		if (i % 8 == 0)
			cd_printf(o, "0x%04x:", (snap->ring_start + i * 4) & (snap->ring_size - 1));
		cd_printf(o, " %08x", snap->ring_words[i]);
		if (i % 8 == 7 || i + 1 == snap->ring_nwords)
			cd_write(o, "\n", 1);
	}
	cd_section_end(o);
}

static void cd_job(struct osprey_cd_out *o, const struct osprey_cd_snapshot *snap)
{
	const struct osprey_cd_job *job = &snap->job;

	cd_section_begin(o, OSPREY_CD_SEC_JOB);
	if (!snap->has_job) {
		cd_printf(o, "state: none\n");
		cd_section_end(o);
		return;
	}
	cd_printf(o, "state: running\n");
	cd_printf(o, "queue: %u\n", job->queue_id);
	cd_printf(o, "vm: %u\n", job->vm_id);
	cd_printf(o, "pid: %d\n", job->pid);
	cd_quoted(o, "comm", job->comm, sizeof(job->comm));
	cd_printf(o, "fence_context: %llu\n", job->fence_context);
	cd_printf(o, "fence_seqno: %llu\n", job->fence_seqno);
	cd_printf(o, "hw_seqno: %u\n", job->hw_seqno);
	cd_printf(o, "submit_ns: %llu\n", job->submit_ns);
	cd_printf(o, "runtime_ms: %llu\n",
		  div_u64(snap->uptime_ns - min(job->submit_ns, snap->uptime_ns), NSEC_PER_MSEC));
	cd_printf(o, "batch_va: 0x%llx\n", job->batch_va);
	cd_printf(o, "batch_size: %u\n", job->batch_size);
	cd_printf(o, "ip: 0x%llx\n", snap->ip);
	cd_section_end(o);
}

static void cd_fault(struct osprey_cd_out *o, const struct osprey_cd_snapshot *snap)
{
	static const char *const statuses[] = {
		[OSPREY_FAULT_NONE] = "none",
		[OSPREY_FAULT_TRANSLATION] = "translation",
		[OSPREY_FAULT_PERMISSION] = "permission",
		[OSPREY_FAULT_INVALID_INSN] = "invalid-insn",
		[OSPREY_FAULT_INVALID_PACKET] = "invalid-packet",
	};
	static const char *const accesses[] = {
		[OSPREY_ACCESS_READ] = "read",
		[OSPREY_ACCESS_WRITE] = "write",
		[OSPREY_ACCESS_FETCH] = "fetch",
	};
	unsigned int i;

	cd_section_begin(o, OSPREY_CD_SEC_FAULT);
	if (snap->fault_status == OSPREY_FAULT_NONE ||
	    snap->fault_status >= ARRAY_SIZE(statuses)) {
		cd_printf(o, "status: none\n");
		cd_section_end(o);
		return;
	}
	cd_printf(o, "status: %s\n", statuses[snap->fault_status]);
	cd_printf(o, "access: %s\n", snap->fault_access < ARRAY_SIZE(accesses) ?
		  accesses[snap->fault_access] : "read");
	cd_printf(o, "address: 0x%llx\n", snap->fault_address);
	cd_printf(o, "as: %u\n", snap->fault_as);
	for (i = 0; i < snap->walk_levels; i++)
		cd_printf(o, "l%u: index=%llu entry=0x%016llx\n", i,
			  (snap->fault_address >> (30 - 9 * i)) & 511, snap->walk[i]);
	cd_section_end(o);
}

static void cd_mappings(struct osprey_cd_out *o, const struct osprey_cd_snapshot *snap)
{
	unsigned int i;

	cd_section_begin(o, OSPREY_CD_SEC_MAPPINGS);
	cd_printf(o, "count: %u\n", snap->nmappings);
	for (i = 0; i < snap->nmappings; i++) {
		const struct osprey_cd_mapping *m = &snap->mappings[i];

		cd_printf(o, "map: va=0x%llx size=0x%llx bo=%u offset=0x%llx flags=%s\n",
			  m->va, m->size, m->bo + 1, m->offset, m->readonly ? "ro" : "rw");
	}
	cd_section_end(o);
}

static const char *const cd_shared_names[] = {
	[OSPREY_CD_PRIVATE] = "no",
	[OSPREY_CD_EXPORTED] = "exported",
	[OSPREY_CD_IMPORTED] = "imported",
	[OSPREY_CD_FLINK] = "flink",
};

u64 osprey_coredump_bo_text_max(u64 bytes)
{
	return osprey_a85_max_len(bytes);
}

void osprey_coredump_a85_init(u16 *pairs)
{
	unsigned int i;

	for (i = 0; i < 85 * 85; i++)
		pairs[i] = ('!' + i / 85) | ('!' + i % 85) << 8;
}

/*
 * One group as osprey_a85_encode_group() writes it, two characters at a
 * time from a table: the hottest loop of a dump (64 MiB of buffers are 16
 * million groups).
 */
static unsigned int cd_a85_group(const u16 *pairs, const u8 *in, char *out)
{
	u32 v = get_unaligned_be32(in), hi, lo, d0;

	if (!v) {
		*out = 'z';
		return 1;
	}
	hi = v / (85 * 85);
	lo = v - hi * (85 * 85);
	d0 = hi / (85 * 85);
	out[0] = '!' + d0;
	put_unaligned_le16(pairs[hi - d0 * (85 * 85)], out + 1);
	put_unaligned_le16(pairs[lo], out + 3);
	return 5;
}

/*
 * A run of content: @bytes from the start of @page on, through the
 * following pages of the list. Runs start on page boundaries, which are
 * line boundaries (a page is 64 lines of 16 groups).
 */
struct cd_run {
	struct page *page;
	u64 bytes;
};

/* The page after @page in its run. */
static struct page *cd_next_page(struct page *page)
{
	return list_next_entry(page, lru);
}

/* Characters of the ascii85 of @run, newlines included. */
static size_t cd_a85_len(const struct cd_run *run)
{
	size_t len = DIV_ROUND_UP(run->bytes / 4, OSPREY_A85_GROUPS_PER_LINE), i, n;
	struct page *page = run->page;
	u64 left;

	for (left = run->bytes; left; left -= n, page = cd_next_page(page)) {
		const u32 *w = page_address(page);

		n = min_t(u64, left, PAGE_SIZE);
		for (i = 0; i < n / 4; i++)
			len += w[i] ? 5 : 1;
	}
	return len;
}

/* Write the ascii85 of @run at @p; return the end. */
static char *cd_a85_encode(const u16 *pairs, const struct cd_run *run, char *p)
{
	struct page *page = run->page;
	unsigned int groups = 0;
	size_t i, n;
	u64 left;

	for (left = run->bytes; left; left -= n, page = cd_next_page(page)) {
		const u8 *bytes = page_address(page);

		n = min_t(u64, left, PAGE_SIZE);
		for (i = 0; i < n; i += 4) {
			p += cd_a85_group(pairs, bytes + i, p);
			if (++groups == OSPREY_A85_GROUPS_PER_LINE) {
				*p++ = '\n';
				groups = 0;
			}
		}
	}
	if (groups)
		*p++ = '\n';
	return p;
}

/* The second half of a large buffer, encoded on another CPU. */
struct cd_a85_job {
	struct work_struct work;
	const u16 *pairs;
	struct cd_run run;
	char *out;
	size_t len;
	u32 crc;
};

static void cd_a85_work(struct work_struct *work)
{
	struct cd_a85_job *job = container_of(work, struct cd_a85_job, work);

	cd_a85_encode(job->pairs, &job->run, job->out);
	job->crc = crc32_le(0, job->out, job->len);
}

/* Content from which the encoding is split in two, when there are two CPUs. */
#define CD_SPLIT_BYTES	SZ_1M

/*
 * The ascii85 of @bo's content, OSPREY_A85_GROUPS_PER_LINE groups a line.
 * The first pass only counts; the second writes straight into the buffer,
 * whose room it checks once. A large buffer's second half is encoded (and
 * its CRC computed) by a worker on another CPU while this one does the
 * first: encoding is most of a large dump's formatting time.
 */
static void cd_bo_data(struct osprey_cd_out *o, const struct osprey_cd_bo *bo)
{
	struct cd_run all = {
		.page = bo->captured ? list_first_entry(&bo->pages, struct page, lru) : NULL,
		.bytes = bo->captured,
	};
	struct cd_a85_job job = { .pairs = o->pairs };
	struct cd_run first = all;
	size_t len = cd_a85_len(&all);
	unsigned int i;

	if (!o->buf || WARN_ON(o->pos + len > o->size)) {
		o->pos += len;
		return;
	}
	if (bo->captured < CD_SPLIT_BYTES || num_online_cpus() < 2) {
		o->pos = cd_a85_encode(o->pairs, &all, o->buf + o->pos) - o->buf;
		return;
	}

	first.bytes = round_down(bo->captured / 2, PAGE_SIZE);
	job.run.page = all.page;
	for (i = 0; i < first.bytes / PAGE_SIZE; i++)
		job.run.page = cd_next_page(job.run.page);
	job.run.bytes = bo->captured - first.bytes;
	job.out = o->buf + o->pos + cd_a85_len(&first);
	job.len = o->buf + o->pos + len - job.out;
	INIT_WORK_ONSTACK(&job.work, cd_a85_work);
	queue_work(system_unbound_wq, &job.work);

	o->pos = cd_a85_encode(o->pairs, &first, o->buf + o->pos) - o->buf;
	cd_crc_update(o);

	flush_work(&job.work);
	destroy_work_on_stack(&job.work);
	o->crc = crc32_le_combine(o->crc, job.crc, job.len);
	o->pos += job.len;
	o->crc_pos = o->pos;
}

static void cd_bo(struct osprey_cd_out *o, const struct osprey_cd_snapshot *snap,
		  unsigned int i)
{
	const struct osprey_cd_bo *bo = &snap->bos[i];

	cd_section_begin(o, OSPREY_CD_SEC_BO);
	cd_printf(o, "id: %u\n", i + 1);
	cd_quoted(o, "label", bo->label, sizeof(bo->label));
	cd_printf(o, "size: %llu\n", bo->size);
	cd_printf(o, "va: 0x%llx\n", bo->va);
	cd_printf(o, "role: %s\n", bo->batch ? "batch" : "buffer");
	cd_printf(o, "owner_pid: %d\n", snap->owner_pid);
	cd_quoted(o, "owner_comm", snap->owner_comm, sizeof(snap->owner_comm));
	cd_printf(o, "shared: %s\n", cd_shared_names[bo->shared]);
	cd_printf(o, "captured: %llu\n", bo->captured);
	cd_printf(o, "truncated: %s\n", bo->truncated ? "yes" : "no");
	if (!bo->captured && bo->size)
		cd_quoted(o, "skipped", bo->skipped ?: "not captured", 64);
	cd_printf(o, "encoding: ascii85\n");
	if (bo->captured) {
		cd_printf(o, "data:\n");
		cd_bo_data(o, bo);
	}
	cd_section_end(o);
}

static void cd_jobs(struct osprey_cd_out *o, const struct osprey_cd_snapshot *snap)
{
	unsigned int i;

	cd_section_begin(o, OSPREY_CD_SEC_JOBS);
	cd_printf(o, "count: %u\n", snap->njobs);
	for (i = 0; i < snap->njobs; i++) {
		const struct osprey_cd_job *job = &snap->jobs[i];

		cd_printf(o, "job: hw_seqno=%u queue=%u vm=%u pid=%d batch_va=0x%llx %s\n",
			  job->hw_seqno, job->queue_id, job->vm_id, job->pid, job->batch_va,
			  "state=queued");
	}
	cd_section_end(o);
}

static void cd_skipped(struct osprey_cd_out *o, const struct osprey_cd_snapshot *snap)
{
	unsigned int i;

	cd_section_begin(o, OSPREY_CD_SEC_SKIPPED);
	cd_printf(o, "count: %u\n", snap->nskips);
	for (i = 0; i < snap->nskips; i++) {
		const struct osprey_cd_skip *s = &snap->skips[i];

		if (!strcmp(s->what, "bo"))
			cd_printf(o, "skip: what=bo-%u reason=", s->index + 1);
		else
			cd_printf(o, "skip: what=%s reason=", s->what);
		cd_quoted(o, NULL, s->reason, 64);
		cd_write(o, "\n", 1);
	}
	cd_section_end(o);
}

size_t osprey_coredump_format(const struct osprey_cd_snapshot *snap,
			      const struct osprey_device *odev, char *buf, size_t size)
{
	struct osprey_cd_out o = { .buf = buf, .size = size, .pairs = odev->coredump.a85_pairs };
	size_t end;
	unsigned int i;

	cd_write(&o, OSPREY_COREDUMP_MAGIC, OSPREY_COREDUMP_MAGIC_LEN);
	cd_header(&o, snap, odev);
	cd_registers(&o, snap);
	cd_display(&o, snap);
	cd_ring(&o, snap);
	cd_job(&o, snap);
	cd_fault(&o, snap);
	cd_mappings(&o, snap);
	for (i = 0; i < snap->nbos; i++)
		cd_bo(&o, snap, i);
	cd_jobs(&o, snap);
	cd_skipped(&o, snap);

	end = o.pos;
	i = o.nsections;
	cd_section_begin(&o, OSPREY_CD_SEC_END);
	cd_printf(&o, "sections: %u\n", i);
	cd_printf(&o, "bytes: %zu\n", end);
	cd_section_end(&o);
	return o.pos;
}
