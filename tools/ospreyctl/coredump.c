// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/*
 * "ospreyctl coredump": the reference reader of Osprey GPU coredumps
 * (docs/coredump-format.md). It checks the dump with libosprey's parser
 * (coredump_parse.h) and prints a summary, one "key: value" line per fact,
 * then the batch disassembled around the instruction that hung or faulted,
 * that line marked "=>". The display controller gets a short block: one
 * line per pipe, one per plane, and for a display underrun the plane and
 * address that failed.
 */

#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "coredump.h"
#include "coredump_parse.h"
#include "isa_asm.h"

#define DEVCOREDUMP_ROOT	"/sys/class/devcoredump"
#define DISASM_CONTEXT		8	/* instructions shown before and after ip */

static void coredump_usage(FILE *f)
{
	fprintf(f, "usage: ospreyctl coredump [--extract DIR] [--dismiss] [--seq N] [FILE|-]\n"
		"  Check an Osprey GPU coredump and summarise it: the job, the fault, the\n"
		"  mappings, the buffers and the batch around the instruction that hung or\n"
		"  faulted. Without FILE, the newest Osprey dump in %s.\n"
		"  -x, --extract DIR  write each captured buffer to DIR/bo-<id>-<label>.bin\n"
		"  -d, --dismiss      then dismiss the dump (write to its devcoredump data)\n"
		"  -s, --seq N        the dump with sequence N, when the input holds several\n"
		"                     (debugfs 'coredumps'); by default the highest\n"
		"  Exit status: 0 valid, 1 invalid or not found, 2 usage error.\n",
		DEVCOREDUMP_ROOT);
}

static const char *devcoredump_root(void)
{
	const char *root = getenv("OSPREY_DEVCOREDUMP_ROOT");

	return root && *root ? root : DEVCOREDUMP_ROOT;
}

/* The newest devcdN of @root whose device's driver is "osprey", or -1. */
static long find_devcd(const char *root)
{
	struct dirent *de;
	long best = -1;
	DIR *d = opendir(root);

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char path[PATH_MAX], target[PATH_MAX];
		const char *base;
		char *end;
		long n;

		if (strncmp(de->d_name, "devcd", 5) || !de->d_name[5])
			continue;
		errno = 0;
		n = strtol(de->d_name + 5, &end, 10);
		if (*end || errno || n < 0 || n <= best)
			continue;
		snprintf(path, sizeof(path), "%s/%s/failing_device/driver", root, de->d_name);
		if (!realpath(path, target))
			continue;
		base = strrchr(target, '/');
		if (base && !strcmp(base + 1, "osprey"))
			best = n;
	}
	closedir(d);
	return best;
}

static char *read_all(int fd, size_t *size)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);

	while (buf) {
		ssize_t n;

		if (len == cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (!n) {
			*size = len;
			return buf;
		}
		len += (size_t)n;
	}
	free(buf);
	return NULL;
}

/* Print @s as a quoted string, escaping as the format does. */
static void print_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch > 0x7e)
			fprintf(f, "\\x%02x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/*
 * A value for printing: "?" if absent, bytes outside printable ASCII as
 * \xHH (strings from userspace must not break the one-fact-a-line output).
 * The result lives until eight more calls.
 */
static const char *val(const struct osp_coredump *cd, const char *sec, const char *key)
{
	static char ring[8][256];
	static unsigned int next;
	const char *v = osp_coredump_value(cd, sec, key);
	char *buf = ring[next++ % 8];
	size_t o = 0;

	if (!v)
		return "?";
	for (; *v && o + 5 < sizeof(ring[0]); v++) {
		unsigned char ch = (unsigned char)*v;

		if (ch < 0x20 || ch > 0x7e)
			o += (size_t)snprintf(buf + o, sizeof(ring[0]) - o, "\\x%02x", ch);
		else
			buf[o++] = (char)ch;
	}
	buf[o] = '\0';
	return buf;
}

static void print_list(const struct osp_coredump *cd, const char *sec, const char *key,
		       const char *title)
{
	const char *v[64];
	size_t n = osp_coredump_values(cd, sec, key, v, 64), i;

	printf("%s: %zu\n", title, n);
	for (i = 0; i < n && i < 64; i++)
		printf("  %s %s\n", key, v[i]);
	if (n > 64)
		printf("  ... %zu more\n", n - 64);
}

static void print_bo(const struct osp_coredump_bo *bo)
{
	printf("  bo %u ", bo->id);
	print_quoted(stdout, bo->label);
	printf(" size 0x%" PRIx64 " va 0x%" PRIx64 " %s owner %" PRId64 " (", bo->size, bo->va,
	       bo->role, bo->owner_pid);
	print_quoted(stdout, bo->owner_comm);
	printf(") shared %s captured %" PRIu64 "%s", bo->shared, bo->captured,
	       bo->truncated ? " (truncated)" : "");
	if (bo->skipped[0]) {
		printf(" skipped: ");
		print_quoted(stdout, bo->skipped);
	}
	printf("\n");
}

static const char *plane_name(uint32_t plane)
{
	static const char *const names[OSP_CD_DISPLAY_PLANES] = { "primary", "overlay", "cursor" };

	if (plane == OSP_CD_DISPLAY_WB)
		return "writeback";
	return plane < OSP_CD_DISPLAY_PLANES ? names[plane] : "unknown";
}

static void print_plane_index(uint32_t plane)
{
	if (plane == OSP_CD_DISPLAY_WB)
		printf("wb (writeback)");
	else
		printf("%" PRIu32 " (%s)", plane, plane_name(plane));
}

static void print_pipe(const struct osp_coredump_pipe *pp)
{
	size_t i;

	printf("  pipe %" PRIu32 ": %s, %s, mode %" PRIu32 "x%" PRIu32 " (total %" PRIu32 "x%"
	       PRIu32 ", %" PRIu32 " kHz)%s, frame %" PRIu32 ", %s\n", pp->index,
	       pp->enabled ? "enabled" : "disabled", pp->active ? "active" : "inactive",
	       pp->width, pp->height, pp->htotal, pp->vtotal, pp->clock_khz,
	       pp->update & 1 ? ", update pending" : "", pp->frame_count,
	       pp->conn_status & 1 ? "connected" : "disconnected");
	if (pp->crc_control & 1)
		printf("    crc: on, 0x%08" PRIx32 " of frame %" PRIu32, pp->crc_value,
		       pp->crc_frame);
	else
		printf("    crc: off");
	printf(", %zu in the driver's history", pp->ncrcs);
	if (pp->ncrcs)
		printf(" (newest 0x%08" PRIx32 " of frame %" PRIu32 ")", pp->crcs[0],
		       pp->crc_frames[0]);
	printf("\n");
	for (i = 0; i < OSP_CD_DISPLAY_PLANES; i++) {
		const struct osp_coredump_plane *pl = &pp->planes[i];

		printf("    plane %" PRIu32 " (%s): ", pl->index, plane_name(pl->index));
		if (!pl->enabled) {
			printf("disabled\n");
			continue;
		}
		printf("va 0x%" PRIx64 " %s %" PRIu32 "x%" PRIu32 " at %" PRIu32 ",%" PRIu32
		       " pitch %" PRIu32 " alpha %" PRIu32 " %s zpos %" PRIu32 "\n", pl->address,
		       pl->format, pl->width, pl->height, pl->x, pl->y, pl->pitch, pl->alpha,
		       pl->blend, pl->zpos);
	}
	if (pp->underrun_count || pp->underrun)
		printf("    underruns: %" PRIu32 "%s, last: plane %s at 0x%" PRIx64 "\n",
		       pp->underrun_count, pp->underrun ? " (the last frame had one)" : "",
		       plane_name(pp->underrun_plane), pp->underrun_address);
	if (pp->wb_control & 1)
		printf("    writeback: armed, to 0x%" PRIx64 " pitch %" PRIu32 "\n", pp->wb_address,
		       pp->wb_pitch);
}

/* The display block; for a display underrun, which plane failed and where. */
static void print_display(const struct osp_coredump *cd)
{
	const struct osp_coredump_display *d = &cd->display;
	uint32_t p;

	if (!cd->has_display) {
		printf("display: not in this dump\n");
		return;
	}
	if (!d->present) {
		printf("display: none (no display controller)\n");
		return;
	}
	printf("display: %" PRIu32 " pipes, address space %s (page table 0x%" PRIx64
	       "), max %" PRIu32 "x%" PRIu32 "\n", d->npipes,
	       d->as_control & 1 ? "enabled" : "disabled", d->pgtable, d->max_width,
	       d->max_height);
	for (p = 0; p < d->npipes; p++)
		print_pipe(&d->pipes[p]);
	if (d->has_underrun) {
		printf("underrun: pipe %" PRIu32 ", plane ", d->underrun_pipe);
		print_plane_index(d->underrun_plane);
		printf(", address 0x%" PRIx64 "\n", d->underrun_address);
	}
}

/*
 * Where the batch starts in the contents of its buffer: the mapping that
 * holds batch_va says which buffer and at which offset (a buffer's
 * contents start at its offset 0, whatever VA it is mapped at). 0 and
 * *@bo, *@off; -1 if no mapping holds it.
 */
static int find_batch(const struct osp_coredump *cd, uint64_t batch_va,
		      const struct osp_coredump_bo **bo, uint64_t *off)
{
	const char *maps[256];
	size_t n = osp_coredump_values(cd, "mappings", "map", maps, 256), i;

	for (i = 0; i < n && i < 256; i++) {
		uint64_t va, size, id, offset;
		char buf[24];

		if (osp_coredump_field(maps[i], "va", buf, sizeof(buf)) ||
		    osp_coredump_parse_u64(buf, &va) ||
		    osp_coredump_field(maps[i], "size", buf, sizeof(buf)) ||
		    osp_coredump_parse_u64(buf, &size) ||
		    osp_coredump_field(maps[i], "bo", buf, sizeof(buf)) ||
		    osp_coredump_parse_u64(buf, &id) ||
		    osp_coredump_field(maps[i], "offset", buf, sizeof(buf)) ||
		    osp_coredump_parse_u64(buf, &offset))
			continue;
		if (batch_va < va || batch_va - va >= size || !id || id > cd->nbos)
			continue;
		*bo = &cd->bos[id - 1];
		*off = batch_va - va + offset;
		return 0;
	}
	return -1;
}

/* The batch around ip, DISASM_CONTEXT instructions on each side. */
static void print_disasm(const struct osp_coredump *cd)
{
	uint64_t batch_va, batch_size, ip, from, to, i;
	const struct osp_coredump_bo *bo = NULL;
	size_t nlines = 0, mark = 0, n, len = 0, k;
	char *text = NULL, *line, *save;
	char **lines = NULL;
	uint32_t *words;
	FILE *f;

	if (osp_coredump_u64(cd, "job", "batch_va", &batch_va) ||
	    osp_coredump_u64(cd, "job", "batch_size", &batch_size) ||
	    osp_coredump_u64(cd, "job", "ip", &ip))
		return;
	printf("disassembly:");
	if (find_batch(cd, batch_va, &bo, &from)) {
		printf(" none (no mapping holds batch_va 0x%" PRIx64 ")\n", batch_va);
		return;
	}
	/* Decode from the batch's start, within what was captured. */
	if (from >= bo->captured || from % 4) {
		printf(" none (the batch was not captured: bo %u captured %" PRIu64 " bytes)\n",
		       bo->id, bo->captured);
		return;
	}
	to = batch_size < bo->captured - from ? from + batch_size : bo->captured;
	to &= ~3ull;
	if (ip < batch_va || ip - batch_va >= to - from) {
		printf(" none (ip 0x%" PRIx64 " outside the captured batch)\n", ip);
		return;
	}
	printf(" batch at 0x%" PRIx64 ", ip 0x%" PRIx64 "\n", batch_va, ip);
	n = (size_t)((to - from) / 4);
	words = malloc(n * sizeof(*words));
	f = words ? open_memstream(&text, &len) : NULL;
	if (!f) {
		free(words);
		printf("  (out of memory)\n");
		return;
	}
	for (i = 0; i < n; i++) {
		uint32_t le;

		memcpy(&le, bo->data + from + 4 * i, sizeof(le));
		words[i] = le32toh(le);
	}
	osprey_disasm(f, words, n, batch_va, ip, 0);
	fclose(f);
	free(words);

	for (k = 0; k < len; k++)
		nlines += text[k] == '\n';
	lines = calloc(nlines + 1, sizeof(*lines));
	if (!lines) {
		free(text);
		printf("  (out of memory)\n");
		return;
	}
	nlines = 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "=>", 2))
			mark = nlines;
		lines[nlines++] = line;
	}
	for (k = mark > DISASM_CONTEXT ? mark - DISASM_CONTEXT : 0;
	     k < nlines && k <= mark + DISASM_CONTEXT; k++)
		printf("%s\n", lines[k]);
	free(lines);
	free(text);
}

static void summarise(const struct osp_coredump *cd, const char *source)
{
	const char *walk[3], *v;
	int running;
	size_t k;

	printf("dump: sequence %s, %zu bytes, %zu sections, from %s\n",
	       val(cd, "header", "sequence"), cd->size, cd->nsections, source);
	printf("reason: %s\n", val(cd, "header", "reason"));
	printf("time: %s (uptime %s ns, detected at %s ns, capture took %s us)\n",
	       val(cd, "header", "time"), val(cd, "header", "uptime_ns"),
	       val(cd, "header", "detected_ns"), val(cd, "header", "capture_us"));
	printf("device: %s (gpu %s)\n", val(cd, "header", "device"), val(cd, "header", "gpu"));
	printf("driver: %s, kernel %s %s\n", val(cd, "header", "driver"),
	       val(cd, "header", "kernel"), val(cd, "header", "kernel_build"));
	printf("engine_halted: %s\n", val(cd, "header", "engine_halted"));
	printf("truncated: %s (budget %s bytes)\n", val(cd, "header", "truncated"),
	       val(cd, "header", "budget"));

	v = osp_coredump_value(cd, "job", "state");
	running = v && !strcmp(v, "running");
	if (running) {
		printf("process: %s (%s)\n", val(cd, "job", "pid"), val(cd, "job", "comm"));
		printf("queue: %s\n", val(cd, "job", "queue"));
		printf("vm: %s\n", val(cd, "job", "vm"));
		printf("fence: context %s seqno %s (hw_seqno %s)\n",
		       val(cd, "job", "fence_context"), val(cd, "job", "fence_seqno"),
		       val(cd, "job", "hw_seqno"));
		printf("batch: va %s size %s\n", val(cd, "job", "batch_va"),
		       val(cd, "job", "batch_size"));
		printf("ip: %s\n", val(cd, "job", "ip"));
		printf("runtime: %s ms\n", val(cd, "job", "runtime_ms"));
	} else {
		printf("job: none\n");
	}

	v = osp_coredump_value(cd, "fault", "status");
	if (v && strcmp(v, "none")) {
		printf("fault: %s %s at %s (as %s)\n", v, val(cd, "fault", "access"),
		       val(cd, "fault", "address"), val(cd, "fault", "as"));
		walk[0] = osp_coredump_value(cd, "fault", "l0");
		walk[1] = osp_coredump_value(cd, "fault", "l1");
		walk[2] = osp_coredump_value(cd, "fault", "l2");
		for (k = 0; k < 3 && walk[k]; k++)
			printf("  walk l%zu %s\n", k, walk[k]);
	} else {
		printf("fault: none\n");
	}
	print_display(cd);

	print_list(cd, "mappings", "map", "mappings");
	printf("bos: %zu\n", cd->nbos);
	for (k = 0; k < cd->nbos; k++)
		print_bo(&cd->bos[k]);
	print_list(cd, "jobs", "job", "other jobs");
	print_list(cd, "skipped", "skip", "skipped");
	printf("ring: size %s head %s tail %s, %zu words from %s\n", val(cd, "ring", "size"),
	       val(cd, "ring", "head"), val(cd, "ring", "tail"), cd->nring_words,
	       val(cd, "ring", "start"));
	if (running)
		print_disasm(cd);
}

static int extract(const struct osp_coredump *cd, const char *dir)
{
	size_t k;

	if (mkdir(dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "ospreyctl coredump: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	for (k = 0; k < cd->nbos; k++) {
		const struct osp_coredump_bo *bo = &cd->bos[k];
		char path[PATH_MAX], name[sizeof(bo->label)];
		size_t i;
		FILE *f;

		if (!bo->captured)
			continue;
		for (i = 0; bo->label[i]; i++) {
			char ch = bo->label[i];

			name[i] = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
				  (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ? ch : '_';
		}
		name[i] = '\0';
		snprintf(path, sizeof(path), "%s/bo-%u%s%s.bin", dir, bo->id, i ? "-" : "", name);
		f = fopen(path, "wb");
		if (!f || fwrite(bo->data, 1, bo->captured, f) != bo->captured || fclose(f)) {
			fprintf(stderr, "ospreyctl coredump: %s: %s\n", path, strerror(errno));
			return 1;
		}
		printf("extracted: %s (%" PRIu64 " bytes)\n", path, bo->captured);
	}
	return 0;
}

static int dismiss_dump(const char *path)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);

	if (fd < 0 || write(fd, "1", 1) != 1) {
		fprintf(stderr, "ospreyctl coredump: --dismiss %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	close(fd);
	printf("dismissed: %s\n", path);
	return 0;
}

int ospreyctl_coredump_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "extract", required_argument, NULL, 'x' },
		{ "dismiss", no_argument, NULL, 'd' },
		{ "seq", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = devcoredump_root(), *extract_dir = NULL, *in;
	struct osp_coredump *cd, *chosen = NULL;
	uint64_t want = 0, seq, best = 0;
	int opt, do_dismiss = 0, from_sysfs = 0, ret = 1, fd;
	size_t size = 0, off = 0, ndumps = 0;
	char path[PATH_MAX], err[512];
	char *buf;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "x:ds:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'x':
			extract_dir = optarg;
			break;
		case 'd':
			do_dismiss = 1;
			break;
		case 's':
			if (osp_coredump_parse_u64(optarg, &want) || !want) {
				fprintf(stderr, "ospreyctl coredump: bad sequence '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h':
			coredump_usage(stdout);
			return 0;
		default:
			coredump_usage(stderr);
			return 2;
		}
	}
	if (optind < argc - 1) {
		coredump_usage(stderr);
		return 2;
	}

	if (optind == argc) {
		long n = find_devcd(root);

		if (n < 0) {
			fprintf(stderr, "ospreyctl coredump: no Osprey coredump in %s\n", root);
			return 1;
		}
		snprintf(path, sizeof(path), "%s/devcd%ld/data", root, n);
		from_sysfs = 1;
	} else {
		snprintf(path, sizeof(path), "%s", argv[optind]);
		from_sysfs = !strncmp(path, root, strlen(root)) && path[strlen(root)] == '/';
	}
	in = path;
	if (do_dismiss && !from_sysfs) {
		fprintf(stderr, "ospreyctl coredump: --dismiss: %s is not in %s\n", in, root);
		return 1;
	}

	fd = strcmp(in, "-") ? open(in, O_RDONLY | O_CLOEXEC) : 0;
	if (fd < 0) {
		fprintf(stderr, "ospreyctl coredump: %s: %s\n", in, strerror(errno));
		return 1;
	}
	buf = read_all(fd, &size);
	if (fd)
		close(fd);
	if (!buf) {
		fprintf(stderr, "ospreyctl coredump: %s: %s\n", in, strerror(errno));
		return 1;
	}

	/* Every dump of the input must be valid; keep the one asked for. */
	do {
		if (osp_coredump_parse(buf + off, size - off, &cd, err, sizeof(err))) {
			if (off)
				fprintf(stderr,
					"ospreyctl coredump: %s: dump #%zu, at byte %zu of the input: %s\n",
					in, ndumps + 1, off, err);
			else
				fprintf(stderr, "ospreyctl coredump: %s: %s\n", in, err);
			goto out;
		}
		ndumps++;
		off += cd->size;
		osp_coredump_u64(cd, "header", "sequence", &seq);
		if (want ? seq == want && !chosen : !chosen || seq > best) {
			osp_coredump_free(chosen);
			chosen = cd;
			best = seq;
		} else {
			osp_coredump_free(cd);
		}
	} while (off < size);

	if (!chosen) {
		fprintf(stderr,
			"ospreyctl coredump: %s: no dump with sequence %" PRIu64 " (%zu dumps)\n",
			in, want, ndumps);
		goto out;
	}
	if (ndumps > 1)
		printf("dumps: %zu in the input, showing sequence %" PRIu64 "\n", ndumps, best);
	summarise(chosen, strcmp(in, "-") ? in : "standard input");
	ret = 0;
	if (extract_dir && extract(chosen, extract_dir))
		ret = 1;
out:
	if (do_dismiss && dismiss_dump(in))
		ret = 1;
	osp_coredump_free(chosen);
	free(buf);
	return ret;
}
