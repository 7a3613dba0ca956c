// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/*
 * ospreyctl: command-line access to Osprey GPUs through libdrm.
 *
 *   ospreyctl [-d DEVICE] info     driver version and every device parameter
 *   ospreyctl [-d DEVICE] buffers  create, label, fill and share buffers,
 *                                  and show what the driver reports of them
 *   ospreyctl asm [-b BASE] [-D NAME=VALUE] [-o OUT.bin] FILE.s|-
 *                                  assemble a batch
 *   ospreyctl disasm [-s] [-b BASE] [-m MARK] FILE.bin|-  disassemble one
 *   ospreyctl [-d DEVICE] submit [options] FILE.s|-
 *                                  assemble a batch, run it on the GPU with
 *                                  a data buffer, report how it ended
 *   ospreyctl coredump [--extract DIR] [--dismiss] [--seq N] [FILE|-]
 *                                  check a GPU coredump (by default the
 *                                  newest in /sys/class/devcoredump) and
 *                                  summarise it, the batch disassembled
 *                                  around the faulting instruction
 *
 * Without -d, the first Osprey render node is used: found through libdrm's
 * device enumeration, or, where that does not list the device, by trying
 * /dev/dri/renderD128 onwards.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <xf86drm.h>

#include "coredump.h"
#include "isa_asm.h"
#include "libosprey.h"
#include "osprey_drm.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int is_osprey(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	int yes = v && !strcmp(v->name, "osprey");

	drmFreeVersion(v);
	return yes;
}

static int open_if_osprey(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (is_osprey(fd))
		return fd;
	close(fd);
	return -1;
}

static int open_osprey(const char *path, char *found, size_t len)
{
	drmDevicePtr devs[64];
	int n, i, fd = -1;

	if (path) {
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			fprintf(stderr, "ospreyctl: %s: %s\n", path, strerror(errno));
		else if (!is_osprey(fd))
			fprintf(stderr, "ospreyctl: %s is not an Osprey device\n", path);
		snprintf(found, len, "%s", path);
		return fd;
	}

	n = drmGetDevices2(0, devs, ARRAY_SIZE(devs));
	for (i = 0; i < n && fd < 0; i++) {
		if (!(devs[i]->available_nodes & (1 << DRM_NODE_RENDER)))
			continue;
		fd = open_if_osprey(devs[i]->nodes[DRM_NODE_RENDER]);
		if (fd >= 0)
			snprintf(found, len, "%s", devs[i]->nodes[DRM_NODE_RENDER]);
	}
	if (n > 0)
		drmFreeDevices(devs, n);

	for (i = 128; i < 192 && fd < 0; i++) {
		snprintf(found, len, "/dev/dri/renderD%d", i);
		fd = open_if_osprey(found);
	}
	if (fd < 0)
		fprintf(stderr, "ospreyctl: no Osprey device found\n");
	return fd;
}

static const struct {
	const char *name;
	__u32 param;
} params[] = {
	{ "gpu_model", DRM_OSPREY_PARAM_GPU_MODEL },
	{ "gpu_revision", DRM_OSPREY_PARAM_GPU_REVISION },
	{ "gpu_features", DRM_OSPREY_PARAM_GPU_FEATURES },
	{ "num_engines", DRM_OSPREY_PARAM_NUM_ENGINES },
	{ "max_bo_size", DRM_OSPREY_PARAM_MAX_BO_SIZE },
	{ "max_label_size", DRM_OSPREY_PARAM_MAX_LABEL_SIZE },
	{ "va_start", DRM_OSPREY_PARAM_VA_START },
	{ "va_end", DRM_OSPREY_PARAM_VA_END },
	{ "max_batch_size", DRM_OSPREY_PARAM_MAX_BATCH_SIZE },
	{ "max_syncs", DRM_OSPREY_PARAM_MAX_SYNCS },
	{ "max_vms", DRM_OSPREY_PARAM_MAX_VMS },
	{ "max_queues", DRM_OSPREY_PARAM_MAX_QUEUES },
};

static int cmd_info(int fd, const char *path)
{
	drmVersionPtr v = drmGetVersion(fd);
	unsigned int i;
	int ret = 0;

	if (!v) {
		fprintf(stderr, "ospreyctl: drmGetVersion: %s\n", strerror(errno));
		return 1;
	}
	printf("device: %s\n", path);
	printf("driver: %s %d.%d.%d (%s)\n", v->name, v->version_major,
	       v->version_minor, v->version_patchlevel, v->desc);
	drmFreeVersion(v);

	for (i = 0; i < ARRAY_SIZE(params); i++) {
		struct drm_osprey_get_param gp = { .param = params[i].param };

		if (drmIoctl(fd, DRM_IOCTL_OSPREY_GET_PARAM, &gp)) {
			printf("%s: error: %s\n", params[i].name, strerror(errno));
			ret = 1;
			continue;
		}
		printf("%s: 0x%llx\n", params[i].name, (unsigned long long)gp.value);
	}
	return ret;
}

static int fail(const char *what)
{
	fprintf(stderr, "ospreyctl: %s: %s\n", what, strerror(errno));
	return 1;
}

/* Print this device's debugfs file @name, if debugfs is mounted. */
static void show_debugfs(int fd, const char *name)
{
	char path[128], buf[4096];
	struct stat st;
	ssize_t n;
	int dfd;

	if (fstat(fd, &st))
		return;
	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%u/%s",
		 minor(st.st_rdev), name);
	dfd = open(path, O_RDONLY);
	if (dfd < 0)
		return;
	printf("%s:\n", path);
	while ((n = read(dfd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stdout);
	close(dfd);
}

static int create_labelled(int fd, uint64_t size, const char *label,
			   struct drm_osprey_gem_create *bo)
{
	struct drm_osprey_gem_set_label sl = {
		.size = strlen(label) + 1,
		.label = (uintptr_t)label,
	};

	*bo = (struct drm_osprey_gem_create){ .size = size };
	if (drmIoctl(fd, DRM_IOCTL_OSPREY_GEM_CREATE, bo))
		return fail("GEM_CREATE");
	sl.handle = bo->handle;
	if (drmIoctl(fd, DRM_IOCTL_OSPREY_GEM_SET_LABEL, &sl))
		return fail("GEM_SET_LABEL");
	printf("created %-8s handle %u, %" PRIu64 " bytes asked, %llu allocated\n",
	       label, bo->handle, size, (unsigned long long)bo->size);
	return 0;
}

/* Name @bo in debugfs and coredumps; a failure only loses the name. */
static void label_bo(const struct osp_bo *bo, const char *label)
{
	struct drm_osprey_gem_set_label sl = {
		.handle = bo->handle,
		.size = strlen(label) + 1,
		.label = (uintptr_t)label,
	};

	drmIoctl(bo->dev->fd, DRM_IOCTL_OSPREY_GEM_SET_LABEL, &sl);
}

/* A walk through the buffer uapi, for make run. */
static int cmd_buffers(int fd)
{
	struct drm_osprey_gem_create vertices, texture;
	struct drm_osprey_gem_mmap_offset mo = {};
	struct drm_osprey_gem_info info = {};
	uint32_t *map, sum = 0, i;
	uint32_t imported;
	int dmabuf;

	if (create_labelled(fd, 3000, "vertices", &vertices) ||
	    create_labelled(fd, 1 << 20, "texture", &texture))
		return 1;

	mo.handle = vertices.handle;
	if (drmIoctl(fd, DRM_IOCTL_OSPREY_GEM_MMAP_OFFSET, &mo))
		return fail("GEM_MMAP_OFFSET");
	map = mmap(NULL, vertices.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   mo.offset);
	if (map == MAP_FAILED)
		return fail("mmap");
	for (i = 0; i < vertices.size / 4; i++)
		map[i] = i * 3;
	for (i = 0; i < vertices.size / 4; i++)
		sum += map[i];
	munmap(map, vertices.size);
	printf("wrote and read back %llu bytes of vertices through mmap (checksum %u)\n",
	       (unsigned long long)vertices.size, sum);

	if (drmPrimeHandleToFD(fd, texture.handle, DRM_CLOEXEC | DRM_RDWR, &dmabuf))
		return fail("PRIME export");
	if (drmPrimeFDToHandle(fd, dmabuf, &imported))
		return fail("PRIME import");
	printf("exported texture as dma-buf fd %d; importing it back gives handle %u%s\n",
	       dmabuf, imported, imported == texture.handle ? " (the same object)" : "");
	info.handle = texture.handle;
	if (drmIoctl(fd, DRM_IOCTL_OSPREY_GEM_INFO, &info))
		return fail("GEM_INFO");
	printf("texture: %llu bytes, %s\n", (unsigned long long)info.size,
	       info.info & DRM_OSPREY_GEM_INFO_EXPORTED ? "exported" : "not exported");

	show_debugfs(fd, "gem_objects");
	close(dmabuf);
	drmCloseBufferHandle(fd, vertices.handle);
	drmCloseBufferHandle(fd, texture.handle);
	show_debugfs(fd, "gem_count");
	return 0;
}

/* "ospreyctl submit" --------------------------------------------------- */

#define SUBMIT_DATA_SIZE	(64 * 1024)
#define SUBMIT_TIMEOUT_MS	5000
#define SUBMIT_DUMP_WORDS	16
#define SUBMIT_WORDS_PER_LINE	8

struct submit_opts {
	const char *device;
	const char *file;		/* NULL: the -e lines */
	char *lines;			/* -e lines, each followed by '\n' */
	size_t lines_len;
	uint64_t data_size;
	bool fill;
	uint32_t pattern;
	int64_t timeout_ms;
	uint64_t dump_words;
	struct osprey_asm_sym *syms;
	size_t nsyms;
};

static void submit_usage(FILE *f)
{
	fprintf(f,
		"usage: ospreyctl [-d DEVICE] submit [-s DATA_SIZE] [-p PATTERN] [-t TIMEOUT_MS]\n"
		"                 [-n WORDS] [-D NAME=VALUE]... FILE.s|-|-e LINE...\n"
		"  Assemble FILE (or standard input, or the -e lines), run it as one job on a\n"
		"  new queue of the default VM with a data buffer, and report how it ended.\n"
		"  The source sees the symbols 'batch' (VA of its first word), 'data' (VA of\n"
		"  the data buffer) and 'data_size' (its size in bytes), and the -D ones.\n"
		"  -s DATA_SIZE  data buffer size in bytes, K or M suffix allowed (64K)\n"
		"  -p PATTERN    fill the data buffer with this 32-bit word (default zeros)\n"
		"  -t TIMEOUT_MS how long to wait for the job (5000)\n"
		"  -n WORDS      data words to dump once the job has ended (16)\n"
		"  -e LINE       a source line (repeatable), instead of FILE\n"
		"  -d DEVICE     the DRM node (default: the first Osprey render node)\n"
		"  Prints the status (ok, or the fence's error: EFAULT for a GPU page fault,\n"
		"  EINVAL for an invalid instruction, ETIMEDOUT for a job the driver reset),\n"
		"  the time from submit to signal and the data words. Exit status: 0 if the\n"
		"  job completed without error, 1 if not, 2 for a usage error.\n");
}

/*
 * A number (decimal, 0x hex) with, if @suffix, an optional K or M (binary)
 * multiplier.
 */
static int parse_number(const char *s, bool suffix, uint64_t *v)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno || end == s || *s == '-')
		return -1;
	if (suffix && *end) {
		unsigned int shift = (*end == 'k' || *end == 'K') ? 10 :
				     (*end == 'm' || *end == 'M') ? 20 : 0;

		if (!shift || n > UINT64_MAX >> shift)
			return -1;
		n <<= shift;
		end++;
	}
	if (*end)
		return -1;
	*v = n;
	return 0;
}

static int append_line(struct submit_opts *o, const char *line)
{
	size_t len = strlen(line);
	char *tmp = realloc(o->lines, o->lines_len + len + 2);

	if (!tmp)
		return -1;
	memcpy(tmp + o->lines_len, line, len);
	o->lines_len += len;
	tmp[o->lines_len++] = '\n';
	tmp[o->lines_len] = '\0';
	o->lines = tmp;
	return 0;
}

/* Parse the submit options; 0, or the exit status of a usage error. */
static int submit_parse(struct submit_opts *o, int argc, char **argv)
{
	uint64_t v;
	int opt;

	optind = 0;
	while ((opt = getopt(argc, argv, "d:s:p:t:n:D:e:h")) != -1) {
		switch (opt) {
		case 'd':
			o->device = optarg;
			break;
		case 's':
			if (parse_number(optarg, true, &o->data_size) || !o->data_size) {
				fprintf(stderr, "ospreyctl submit: bad data size '%s'\n", optarg);
				return 2;
			}
			break;
		case 'p':
			if (parse_number(optarg, false, &v) || v > UINT32_MAX) {
				fprintf(stderr, "ospreyctl submit: bad pattern '%s'\n", optarg);
				return 2;
			}
			o->fill = true;
			o->pattern = v;
			break;
		case 't':
			if (parse_number(optarg, false, &v) || v > INT64_MAX / 1000000) {
				fprintf(stderr, "ospreyctl submit: bad timeout '%s'\n", optarg);
				return 2;
			}
			o->timeout_ms = v;
			break;
		case 'n':
			if (parse_number(optarg, false, &o->dump_words)) {
				fprintf(stderr, "ospreyctl submit: bad word count '%s'\n", optarg);
				return 2;
			}
			break;
		case 'D':
			if (osprey_asm_add_define(&o->syms, &o->nsyms, optarg)) {
				fprintf(stderr, "ospreyctl submit: bad -D '%s' (NAME=NUMBER)\n",
					optarg);
				return 2;
			}
			break;
		case 'e':
			if (append_line(o, optarg)) {
				fprintf(stderr, "ospreyctl submit: out of memory\n");
				return 1;
			}
			break;
		case 'h':
			submit_usage(stdout);
			return -1;
		default:
			submit_usage(stderr);
			return 2;
		}
	}
	if (o->lines ? optind != argc : optind != argc - 1) {
		submit_usage(stderr);
		return 2;
	}
	o->file = o->lines ? NULL : argv[optind];
	return 0;
}

/* Read all of @path ("-": standard input), NUL-terminated, or NULL. */
static char *read_source(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	size_t len = 0, cap = 0, n;
	char *buf = NULL, *tmp;

	if (!f)
		return NULL;
	do {
		if (cap - len < 4096) {
			cap = cap ? 2 * cap : 8192;
			tmp = realloc(buf, cap);
			if (!tmp) {
				free(buf);
				buf = NULL;
				errno = ENOMEM;
				break;
			}
			buf = tmp;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n);
	if (buf && ferror(f)) {
		free(buf);
		buf = NULL;
		errno = EIO;
	}
	if (f != stdin)
		fclose(f);
	if (buf) {
		buf[len] = '\0';
		if (strlen(buf) != len) {
			free(buf);
			buf = NULL;
			errno = EINVAL;
		}
	}
	return buf;
}

/* How a job's fence status reads: "ok", or the error's name and meaning. */
static void describe_status(int status, char *buf, size_t len)
{
	const char *name, *what;

	switch (status) {
	case 1:
		snprintf(buf, len, "ok");
		return;
	case 0:
		snprintf(buf, len, "pending");
		return;
	case -EFAULT:
		what = "GPU page fault";
		break;
	case -EINVAL:
		what = "invalid instruction";
		break;
	case -ETIMEDOUT:
		what = "job timed out, engine reset";
		break;
	case -ESRCH:
		what = "cancelled before it ran";
		break;
	case -ENODEV:
		what = "device unplugged";
		break;
	default:
		what = strerror(-status);
		break;
	}
	name = strerrorname_np(-status);
	if (name)
		snprintf(buf, len, "%s (%s)", name, what);
	else
		snprintf(buf, len, "error %d (%s)", status, what);
}

static void dump_words(const uint32_t *words, uint64_t n, uint64_t va)
{
	uint64_t i;

	for (i = 0; i < n; i++) {
		if (i % SUBMIT_WORDS_PER_LINE == 0)
			printf("  0x%010llx:", (unsigned long long)(va + 4 * i));
		printf(" %08x", le32toh(words[i]));
		if (i % SUBMIT_WORDS_PER_LINE == SUBMIT_WORDS_PER_LINE - 1 || i == n - 1)
			printf("\n");
	}
}

/* The predefined symbols, then the -D ones (a clash is an error). */
static struct osprey_asm_sym *submit_syms(const struct submit_opts *o, uint64_t batch_va,
					  uint64_t data_va, uint64_t data_size, size_t *n)
{
	struct osprey_asm_sym *syms = calloc(o->nsyms + 3, sizeof(*syms));

	if (!syms)
		return NULL;
	syms[0] = (struct osprey_asm_sym){ "batch", batch_va };
	syms[1] = (struct osprey_asm_sym){ "data", data_va };
	syms[2] = (struct osprey_asm_sym){ "data_size", data_size };
	if (o->nsyms)
		memcpy(syms + 3, o->syms, o->nsyms * sizeof(*syms));
	*n = o->nsyms + 3;
	return syms;
}

/* The resources of one submit, released by submit_cleanup(). */
struct submit_job {
	struct osp_dev *dev;
	struct osp_vm *vm;
	struct osp_bo *data, *batch;
	uint64_t data_va, batch_va;
	uint32_t queue, syncobj;
};

static void submit_cleanup(struct submit_job *j)
{
	if (j->syncobj)
		osp_syncobj_destroy(j->dev, j->syncobj);
	if (j->queue)
		osp_queue_destroy(j->dev, j->queue);
	if (j->batch) {
		osp_vm_unmap(j->vm, j->batch_va, j->batch->size);
		osp_bo_del(j->batch);
	}
	if (j->data) {
		osp_vm_unmap(j->vm, j->data_va, j->data->size);
		osp_bo_del(j->data);
	}
	osp_vm_del(j->vm);
	osp_dev_close(j->dev);
}

static int submit_fail(const char *what, int err)
{
	fprintf(stderr, "ospreyctl submit: %s: %s\n", what, strerror(err));
	return 1;
}

/*
 * Assemble the source for a batch VA reserved up front (its size is known
 * only once assembled), put it in a buffer mapped there, and run it.
 */
static int submit_run(const struct submit_opts *o, const char *src, struct submit_job *j)
{
	struct drm_osprey_sync out = { 0 };
	struct osprey_asm_sym *syms;
	int64_t t0, t1, signalled = 0;
	uint32_t *data_map, *batch_map;
	size_t nwords, nsyms, i;
	__u32 *words;
	char err[256], status_text[96];
	int ret, status;

	j->dev = osp_dev_open(o->device);
	if (!j->dev && errno == ENODEV) {
		if (o->device)
			fprintf(stderr, "ospreyctl submit: %s is not an Osprey device\n",
				o->device);
		else
			fprintf(stderr, "ospreyctl submit: no Osprey device found\n");
		return 1;
	}
	if (!j->dev)
		return submit_fail(o->device ? o->device : "/dev/dri", errno);
	j->vm = osp_vm_default(j->dev);
	if (!j->vm)
		return submit_fail("default VM", errno);

	j->data = osp_bo_new_mapped(j->vm, o->data_size, &j->data_va);
	if (!j->data)
		return submit_fail("data buffer", errno);
	label_bo(j->data, "data");
	data_map = osp_bo_map(j->data);
	if (!data_map)
		return submit_fail("mmap data buffer", errno);
	if (o->fill)
		for (i = 0; i < j->data->size / 4; i++)
			data_map[i] = htole32(o->pattern);

	j->batch_va = osp_va_alloc(j->vm, j->dev->max_batch_size);
	if (!j->batch_va)
		return submit_fail("batch VA", ENOSPC);
	syms = submit_syms(o, j->batch_va, j->data_va, j->data->size, &nsyms);
	if (!syms)
		return submit_fail("symbols", ENOMEM);
	ret = osprey_asm_syms(src, j->batch_va, syms, nsyms, &words, &nwords, err,
			      sizeof(err));
	free(syms);
	if (ret) {
		fprintf(stderr, "ospreyctl submit: %s: %s\n", o->file ? o->file : "-e", err);
		return 1;
	}
	if (!nwords || nwords * 4 > j->dev->max_batch_size) {
		fprintf(stderr, "ospreyctl submit: the batch has %zu words (1 to %llu)\n",
			nwords, (unsigned long long)j->dev->max_batch_size / 4);
		free(words);
		return 1;
	}
	j->batch = osp_bo_new(j->dev, nwords * 4);
	if (j->batch)
		label_bo(j->batch, "batch");
	batch_map = j->batch ? osp_bo_map(j->batch) : NULL;
	if (!batch_map) {
		free(words);
		return submit_fail("batch buffer", errno);
	}
	for (i = 0; i < nwords; i++)
		batch_map[i] = htole32(words[i]);
	free(words);
	ret = osp_vm_map(j->vm, j->batch, 0, j->batch_va, j->batch->size, 0);
	if (ret) {
		/* Not mapped: keep submit_cleanup() from unmapping it. */
		osp_bo_del(j->batch);
		j->batch = NULL;
		return submit_fail("VM_BIND batch", -ret);
	}

	ret = osp_queue_create(j->dev, j->vm, DRM_OSPREY_QUEUE_PRIORITY_NORMAL, &j->queue);
	if (ret)
		return submit_fail("QUEUE_CREATE", -ret);
	ret = osp_syncobj_create(j->dev, &j->syncobj);
	if (ret)
		return submit_fail("syncobj", -ret);
	out.handle = j->syncobj;

	printf("batch: %zu words at 0x%llx\n", nwords, (unsigned long long)j->batch_va);
	printf("data: %llu bytes at 0x%llx\n", (unsigned long long)j->data->size,
	       (unsigned long long)j->data_va);
	fflush(stdout);
	t0 = osp_now_ns();
	ret = osp_submit(j->dev, j->queue, j->batch_va, nwords * 4, NULL, 0, &out, 1);
	if (ret)
		return submit_fail("SUBMIT", -ret);
	ret = osp_syncobj_wait(j->dev, j->syncobj, 0, o->timeout_ms * 1000000);
	t1 = osp_now_ns();
	if (ret == -ETIMEDOUT) {
		printf("status: still running after %lld ms\n", (long long)o->timeout_ms);
		return 1;
	}
	if (ret)
		return submit_fail("wait", -ret);

	status = osp_syncobj_status_ts(j->dev, j->syncobj, 0, &signalled);
	describe_status(status, status_text, sizeof(status_text));
	printf("status: %s\n", status_text);
	/* The fence's own timestamp when the kernel gives one, else our wake-up. */
	printf("time: %lld us (submit to signal)\n",
	       (long long)((signalled > t0 ? signalled : t1) - t0) / 1000);
	if (o->dump_words) {
		uint64_t n = o->dump_words < j->data->size / 4 ? o->dump_words :
				 j->data->size / 4;

		printf("data words:\n");
		dump_words(data_map, n, j->data_va);
	}
	return status == 1 ? 0 : 1;
}

static int cmd_submit(const char *device, int argc, char **argv)
{
	struct submit_opts o = {
		.device = device,
		.data_size = SUBMIT_DATA_SIZE,
		.timeout_ms = SUBMIT_TIMEOUT_MS,
		.dump_words = SUBMIT_DUMP_WORDS,
	};
	struct submit_job job = { 0 };
	char *src = NULL;
	int ret;

	ret = submit_parse(&o, argc, argv);
	if (ret) {
		ret = ret < 0 ? 0 : ret;
		goto out;
	}
	if (o.file) {
		src = read_source(o.file);
		if (!src) {
			ret = submit_fail(o.file, errno);
			goto out;
		}
	}
	ret = submit_run(&o, o.file ? src : o.lines, &job);
	submit_cleanup(&job);
out:
	free(src);
	free(o.lines);
	osprey_asm_free_syms(o.syms, o.nsyms);
	return ret;
}

static void print_usage(FILE *f)
{
	fprintf(f, "usage: ospreyctl [-d DEVICE] info|buffers\n"
		   "       ospreyctl [-d DEVICE] submit [-s DATA_SIZE] [-p PATTERN] [-t TIMEOUT_MS]\n"
		   "                 [-n WORDS] [-D NAME=VALUE]... FILE.s|-|-e LINE...\n"
		   "       ospreyctl asm [-b BASE_VA] [-D NAME=VALUE]... [-o OUT.bin] FILE.s|-\n"
		   "       ospreyctl disasm [-s] [-b BASE_VA] [-m MARK_VA] FILE.bin|-\n"
		   "       ospreyctl coredump [--extract DIR] [--dismiss] [--seq N] [FILE|-]\n"
		   "  'ospreyctl submit -h' and 'ospreyctl coredump -h' detail their options.\n");
}

int main(int argc, char **argv)
{
	const char *device = NULL;
	char path[64];
	int opt, fd, ret;

	/* These subcommands need no device and parse their own options. */
	if (argc > 1 && !strcmp(argv[1], "coredump"))
		return ospreyctl_coredump_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "asm"))
		return ospreyctl_asm_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "disasm"))
		return ospreyctl_disasm_main(argc - 1, argv + 1);

	/* '+': options after the command are the command's (submit has its own). */
	while ((opt = getopt(argc, argv, "+d:h")) != -1) {
		switch (opt) {
		case 'd':
			device = optarg;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	if (optind < argc && !strcmp(argv[optind], "submit"))
		return cmd_submit(device, argc - optind, argv + optind);
	if (optind + 1 != argc ||
	    (strcmp(argv[optind], "info") && strcmp(argv[optind], "buffers"))) {
		print_usage(stderr);
		return 2;
	}

	fd = open_osprey(device, path, sizeof(path));
	if (fd < 0)
		return 1;
	if (!strcmp(argv[optind], "info"))
		ret = cmd_info(fd, path);
	else
		ret = cmd_buffers(fd);
	close(fd);
	return ret;
}
