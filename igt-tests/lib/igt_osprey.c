// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/*
 * Osprey helpers for IGT tests: device checks, parameters, and the sysfs
 * plumbing the hot-unplug tests use.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <xf86drm.h>

#include "igt_aux.h"
#include "igt_core.h"
#include "igt_debugfs.h"
#include "igt_osprey.h"
#include "igt_vgem.h"
#include "ioctl_wrappers.h"
#include "osprey_isa.h"

/**
 * is_osprey_device: whether @fd is a node of the Osprey driver
 */
bool is_osprey_device(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	bool yes = v && !strcmp(v->name, "osprey");

	drmFreeVersion(v);
	return yes;
}

/**
 * igt_osprey_open_render: the render node of the @n-th Osprey device
 *
 * Devices count from 0 in render-node order; returns the open file, or -1
 * when there are not that many.
 */
int igt_osprey_open_render(int n)
{
	for (int i = 128; i < 192; i++) {
		char path[64];
		int fd;

		snprintf(path, sizeof(path), "/dev/dri/renderD%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (is_osprey_device(fd) && n-- == 0)
			return fd;
		close(fd);
	}
	return -1;
}

/**
 * igt_osprey_count_render_nodes: how many Osprey render nodes there are
 */
int igt_osprey_count_render_nodes(void)
{
	int count = 0, fd;

	while ((fd = igt_osprey_open_render(count)) >= 0) {
		close(fd);
		count++;
	}
	return count;
}

/**
 * igt_osprey_module_param: an unsigned parameter of the osprey module
 *
 * Returns the value of /sys/module/osprey/parameters/@name, or @fallback
 * when it cannot be read.
 */
unsigned int igt_osprey_module_param(const char *name, unsigned int fallback)
{
	char path[128], *buf;
	unsigned int v;

	snprintf(path, sizeof(path), "/sys/module/osprey/parameters/%s", name);
	buf = igt_osprey_read_file(path, NULL);
	if (!buf)
		return fallback;
	v = strtoul(buf, NULL, 10);
	free(buf);
	return v;
}

/**
 * igt_require_osprey: skip unless @fd is an Osprey node
 */
void igt_require_osprey(int fd)
{
	igt_require(is_osprey_device(fd));
}

/**
 * __igt_osprey_get_param: DRM_IOCTL_OSPREY_GET_PARAM; 0 or -errno
 */
int __igt_osprey_get_param(int fd, uint32_t param, uint64_t *value)
{
	struct drm_osprey_get_param gp = { .param = param };

	if (igt_ioctl(fd, DRM_IOCTL_OSPREY_GET_PARAM, &gp))
		return -errno;
	*value = gp.value;
	return 0;
}

/**
 * igt_osprey_get_param: read a parameter, asserting that the read succeeds
 */
uint64_t igt_osprey_get_param(int fd, uint32_t param)
{
	uint64_t value = 0;

	igt_assert_eq(__igt_osprey_get_param(fd, param, &value), 0);
	return value;
}

/**
 * igt_osprey_device_name: the platform device behind @fd, e.g. "osprey.0"
 *
 * Returns 0, or -errno if the node has no device in sysfs.
 */
int igt_osprey_device_name(int fd, char *name, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st))
		return -errno;
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u/device",
		 major(st.st_rdev), minor(st.st_rdev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	snprintf(name, len, "%s", basename(target));
	return 0;
}

/**
 * igt_osprey_sysfs_write: write @value to the sysfs file @path
 *
 * Returns 0, or -errno of the failing open or write.
 */
int igt_osprey_sysfs_write(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/**
 * __igt_osprey_gem_create: DRM_IOCTL_OSPREY_GEM_CREATE; 0 or -errno
 *
 * @size is in/out: the size asked for, then the size allocated.
 */
int __igt_osprey_gem_create(int fd, uint64_t *size, uint32_t flags,
			    uint32_t *handle)
{
	struct drm_osprey_gem_create create = {
		.size = *size,
		.flags = flags,
	};

	if (igt_ioctl(fd, DRM_IOCTL_OSPREY_GEM_CREATE, &create))
		return -errno;
	*size = create.size;
	*handle = create.handle;
	return 0;
}

/**
 * igt_osprey_gem_create: create a buffer object, asserting success
 */
uint32_t igt_osprey_gem_create(int fd, uint64_t size)
{
	uint32_t handle = 0;

	igt_assert_eq(__igt_osprey_gem_create(fd, &size, 0, &handle), 0);
	igt_assert_neq_u32(handle, 0);
	return handle;
}

/**
 * __igt_osprey_gem_mmap_offset: DRM_IOCTL_OSPREY_GEM_MMAP_OFFSET; 0 or -errno
 */
int __igt_osprey_gem_mmap_offset(int fd, uint32_t handle, uint64_t *offset)
{
	struct drm_osprey_gem_mmap_offset arg = { .handle = handle };

	if (igt_ioctl(fd, DRM_IOCTL_OSPREY_GEM_MMAP_OFFSET, &arg))
		return -errno;
	*offset = arg.offset;
	return 0;
}

/**
 * igt_osprey_gem_mmap_offset: a buffer's mmap() offset, asserting success
 */
uint64_t igt_osprey_gem_mmap_offset(int fd, uint32_t handle)
{
	uint64_t offset = 0;

	igt_assert_eq(__igt_osprey_gem_mmap_offset(fd, handle, &offset), 0);
	return offset;
}

/**
 * __igt_osprey_gem_mmap: map @size bytes of a buffer (MAP_SHARED)
 *
 * Returns the mapping, or NULL with errno set.
 */
void *__igt_osprey_gem_mmap(int fd, uint32_t handle, uint64_t size, int prot)
{
	uint64_t offset = 0;
	void *ptr;
	int ret;

	ret = __igt_osprey_gem_mmap_offset(fd, handle, &offset);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	ptr = mmap(NULL, size, prot, MAP_SHARED, fd, offset);
	return ptr == MAP_FAILED ? NULL : ptr;
}

/**
 * igt_osprey_gem_mmap: map @size bytes of a buffer, asserting success
 */
void *igt_osprey_gem_mmap(int fd, uint32_t handle, uint64_t size, int prot)
{
	void *ptr = __igt_osprey_gem_mmap(fd, handle, size, prot);

	igt_assert_f(ptr, "mmap of handle %u (%" PRIu64 " bytes) failed: %s\n",
		     handle, size, strerror(errno));
	return ptr;
}

/**
 * __igt_osprey_gem_info: DRM_IOCTL_OSPREY_GEM_INFO; 0 or -errno
 */
int __igt_osprey_gem_info(int fd, uint32_t handle,
			  struct drm_osprey_gem_info *info)
{
	memset(info, 0, sizeof(*info));
	info->handle = handle;
	if (igt_ioctl(fd, DRM_IOCTL_OSPREY_GEM_INFO, info))
		return -errno;
	return 0;
}

/**
 * igt_osprey_gem_info: describe a buffer object, asserting success
 */
void igt_osprey_gem_info(int fd, uint32_t handle,
			 struct drm_osprey_gem_info *info)
{
	igt_assert_eq(__igt_osprey_gem_info(fd, handle, info), 0);
}

/**
 * __igt_osprey_gem_set_label: label a buffer; NULL removes the label
 *
 * Returns 0 or -errno.
 */
int __igt_osprey_gem_set_label(int fd, uint32_t handle, const char *label)
{
	struct drm_osprey_gem_set_label arg = {
		.handle = handle,
		.size = label ? strlen(label) + 1 : 0,
		.label = to_user_pointer(label),
	};

	if (igt_ioctl(fd, DRM_IOCTL_OSPREY_GEM_SET_LABEL, &arg))
		return -errno;
	return 0;
}

/**
 * igt_osprey_gem_set_label: label a buffer, asserting success
 */
void igt_osprey_gem_set_label(int fd, uint32_t handle, const char *label)
{
	igt_assert_eq(__igt_osprey_gem_set_label(fd, handle, label), 0);
}

/**
 * __igt_osprey_gem_wait: DRM_IOCTL_OSPREY_GEM_WAIT until the absolute
 * CLOCK_MONOTONIC time @timeout_ns; 0 or -errno
 */
int __igt_osprey_gem_wait(int fd, uint32_t handle, int64_t timeout_ns)
{
	struct drm_osprey_gem_wait arg = {
		.handle = handle,
		.timeout_ns = timeout_ns,
	};

	if (igt_ioctl(fd, DRM_IOCTL_OSPREY_GEM_WAIT, &arg))
		return -errno;
	return 0;
}

/**
 * igt_osprey_monotonic_ns: CLOCK_MONOTONIC now, in nanoseconds
 */
int64_t igt_osprey_monotonic_ns(void)
{
	struct timespec ts;

	igt_assert_eq(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/**
 * igt_osprey_dumb_create: DRM_IOCTL_MODE_CREATE_DUMB, asserting success
 *
 * @pitch and @size may be NULL.
 */
uint32_t igt_osprey_dumb_create(int fd, uint32_t width, uint32_t height,
				uint32_t bpp, uint32_t *pitch, uint64_t *size)
{
	struct drm_mode_create_dumb create = {
		.width = width,
		.height = height,
		.bpp = bpp,
	};

	do_ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create);
	igt_assert_neq_u32(create.handle, 0);
	if (pitch)
		*pitch = create.pitch;
	if (size)
		*size = create.size;
	return create.handle;
}

/**
 * igt_osprey_dumb_mmap: map a dumb buffer through DRM_IOCTL_MODE_MAP_DUMB
 */
void *igt_osprey_dumb_mmap(int fd, uint32_t handle, uint64_t size, int prot)
{
	struct drm_mode_map_dumb map = { .handle = handle };
	void *ptr;

	do_ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &map);
	ptr = mmap(NULL, size, prot, MAP_SHARED, fd, map.offset);
	igt_assert_f(ptr != MAP_FAILED, "mmap of dumb handle %u failed: %s\n",
		     handle, strerror(errno));
	return ptr;
}

/**
 * igt_osprey_dumb_destroy: DRM_IOCTL_MODE_DESTROY_DUMB, asserting success
 */
void igt_osprey_dumb_destroy(int fd, uint32_t handle)
{
	struct drm_mode_destroy_dumb destroy = { .handle = handle };

	do_ioctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy);
}

/**
 * igt_osprey_prime_export: export a handle as a read-write dma-buf fd
 */
int igt_osprey_prime_export(int fd, uint32_t handle)
{
	int dmabuf = -1;

	igt_assert_f(drmPrimeHandleToFD(fd, handle, DRM_CLOEXEC | DRM_RDWR,
					&dmabuf) == 0,
		     "export of handle %u failed: %s\n", handle, strerror(errno));
	igt_assert_fd(dmabuf);
	return dmabuf;
}

/**
 * igt_osprey_prime_import: import a dma-buf fd, asserting success
 */
uint32_t igt_osprey_prime_import(int fd, int dmabuf)
{
	uint32_t handle = 0;

	igt_assert_f(drmPrimeFDToHandle(fd, dmabuf, &handle) == 0,
		     "import of dma-buf fd %d failed: %s\n", dmabuf,
		     strerror(errno));
	igt_assert_neq_u32(handle, 0);
	return handle;
}

/**
 * igt_osprey_dmabuf_mmap: map a dma-buf fd (MAP_SHARED), asserting success
 */
void *igt_osprey_dmabuf_mmap(int dmabuf, uint64_t size, int prot)
{
	void *ptr = mmap(NULL, size, prot, MAP_SHARED, dmabuf, 0);

	igt_assert_f(ptr != MAP_FAILED, "mmap of dma-buf fd %d failed: %s\n",
		     dmabuf, strerror(errno));
	return ptr;
}

/**
 * igt_osprey_dmabuf_sync: DMA_BUF_IOCTL_SYNC with @flags (DMA_BUF_SYNC_*)
 */
void igt_osprey_dmabuf_sync(int dmabuf, uint64_t flags)
{
	struct dma_buf_sync sync = { .flags = flags };

	do_ioctl(dmabuf, DMA_BUF_IOCTL_SYNC, &sync);
}

/* The pattern's word @i for @seed: a 64-bit mix, so seeds differ everywhere. */
static uint32_t pattern_word(uint64_t i, uint32_t seed)
{
	uint64_t x = i + (uint64_t)seed * 0x9e3779b97f4a7c15ull + 1;

	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return (uint32_t)x;
}

/**
 * igt_osprey_fill: write the pattern of @seed over @size bytes at @ptr
 *
 * Ends with a full barrier, so that the data is visible through other
 * (possibly write-combined) mappings of the same pages.
 */
void igt_osprey_fill(void *ptr, uint64_t size, uint32_t seed)
{
	uint32_t *words = ptr;

	igt_assert_eq_u64(size % 4, 0);
	for (uint64_t i = 0; i < size / 4; i++)
		words[i] = pattern_word(i, seed);
	__sync_synchronize();
}

/**
 * igt_osprey_assert_pattern: assert that @ptr holds the pattern of @seed
 */
void igt_osprey_assert_pattern(const void *ptr, uint64_t size, uint32_t seed)
{
	const volatile uint32_t *words = ptr;

	igt_assert_eq_u64(size % 4, 0);
	__sync_synchronize();
	for (uint64_t i = 0; i < size / 4; i++) {
		uint32_t got = words[i], want = pattern_word(i, seed);

		igt_assert_f(got == want,
			     "pattern %#x: offset %#" PRIx64 " holds %#010x, not %#010x\n",
			     seed, i * 4, got, want);
	}
}

/**
 * igt_osprey_assert_zero: assert that @size bytes at @ptr are all zero
 */
void igt_osprey_assert_zero(const void *ptr, uint64_t size)
{
	const volatile uint8_t *bytes = ptr;

	for (uint64_t i = 0; i < size; i++)
		igt_assert_f(bytes[i] == 0, "byte offset %#" PRIx64 " holds %#04x\n",
			     i, bytes[i]);
}

/* All of @file, then closed: as igt_osprey_read_file() says. */
static char *read_all_and_close(int file, size_t *len)
{
	size_t used = 0, cap = 65536;
	char *buf, *bigger;
	ssize_t n = 0;
	int err;

	buf = malloc(cap);
	igt_assert(buf);
	for (;;) {
		if (cap - used < 2) {
			cap *= 2;
			bigger = realloc(buf, cap);
			igt_assert(bigger);
			buf = bigger;
		}
		n = read(file, buf + used, cap - used - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += n;
	}
	err = errno;
	close(file);
	if (n < 0) {
		free(buf);
		errno = err;
		return NULL;
	}
	buf[used] = '\0';
	if (len)
		*len = used;
	return buf;
}

/**
 * igt_osprey_debugfs_read_all: the whole of a file in @fd's debugfs directory
 *
 * Returns a malloc()ed NUL-terminated string, or NULL (errno set) if the
 * file cannot be opened or read.
 */
char *igt_osprey_debugfs_read_all(int fd, const char *filename)
{
	int dir, file, err;

	dir = igt_debugfs_dir(fd);
	if (dir < 0)
		return NULL;
	file = openat(dir, filename, O_RDONLY | O_CLOEXEC);
	err = errno;
	close(dir);
	if (file < 0) {
		errno = err;
		return NULL;
	}
	return read_all_and_close(file, NULL);
}

/* A debugfs file of the device that holds a single decimal count. */
static int debugfs_count(int fd, const char *filename)
{
	char *buf = igt_osprey_debugfs_read_all(fd, filename);
	char *end;
	long count;

	igt_assert_f(buf, "cannot read debugfs %s: %s\n", filename, strerror(errno));
	errno = 0;
	count = strtol(buf, &end, 10);
	igt_assert_f(end != buf && errno == 0 && count >= 0 && count <= INT_MAX,
		     "%s is not a count: \"%s\"\n", filename, buf);
	while (*end == '\n' || *end == ' ' || *end == '\t')
		end++;
	igt_assert_f(*end == '\0', "%s has more than a number: \"%s\"\n",
		     filename, buf);
	free(buf);
	return count;
}

/**
 * igt_osprey_gem_count: the device's live buffer objects (debugfs gem_count)
 *
 * Asserts that the file exists and holds a single decimal number.
 */
int igt_osprey_gem_count(int fd)
{
	return debugfs_count(fd, "gem_count");
}

/**
 * igt_osprey_job_count: the device's live jobs (debugfs job_count): jobs
 * submitted and not yet freed
 *
 * Asserts that the file exists and holds a single decimal number.
 */
int igt_osprey_job_count(int fd)
{
	return debugfs_count(fd, "job_count");
}

/**
 * igt_osprey_last_fault: parse the device's debugfs last_fault
 *
 * The file holds "none" before any job has faulted, else one line
 * "status=S access=A va=0xV as=N ip=0xI batch=0xB". Returns false for
 * "none", true with @fault filled for a fault; asserts that the file exists
 * and has one of these two forms.
 */
bool igt_osprey_last_fault(int fd, struct igt_osprey_fault *fault)
{
	char *buf = igt_osprey_debugfs_read_all(fd, "last_fault");
	unsigned long long va, ip, batch;
	unsigned int as;
	int n = -1;

	igt_assert_f(buf, "cannot read debugfs last_fault: %s\n", strerror(errno));
	if (!strcmp(buf, "none\n") || !strcmp(buf, "none")) {
		free(buf);
		return false;
	}
	memset(fault, 0, sizeof(*fault));
	igt_assert_f(sscanf(buf, "status=%15s access=%7s va=0x%llx as=%u ip=0x%llx batch=0x%llx%n",
			    fault->status, fault->access, &va, &as, &ip, &batch,
			    &n) == 6 && n > 0 &&
		     (buf[n] == '\0' || (buf[n] == '\n' && buf[n + 1] == '\0')),
		     "last_fault is neither \"none\" nor a fault line: \"%s\"\n", buf);
	fault->va = va;
	fault->as = as;
	fault->ip = ip;
	fault->batch = batch;
	free(buf);
	return true;
}

/*
 * Parse one gem_objects line: "[other fields ]size=N handles=N label="L"
 * imported=B exported=B pinned=B". Returns false if it has no such fields.
 */
static bool parse_gem_object(const char *line, struct igt_osprey_debugfs_bo *bo)
{
	static const char tail_key[] = "\" imported=";
	const char *p, *label, *tail = NULL;
	int imported, exported, pinned, n = -1;
	unsigned long long size;
	unsigned int handles;
	size_t len;

	/* The first "size=" starting a field that is followed by the others. */
	for (p = strstr(line, "size="); p; p = strstr(p + 1, "size=")) {
		n = -1;
		if (p != line && p[-1] != ' ')
			continue;
		if (sscanf(p, "size=%llu handles=%u label=\"%n", &size, &handles,
			   &n) == 2 && n > 0)
			break;
	}
	if (!p || n <= 0)
		return false;
	label = p + n;
	/* The label ends at the last '" imported=' (it may itself hold quotes). */
	for (p = strstr(label, tail_key); p; p = strstr(p + 1, tail_key))
		tail = p;
	if (!tail)
		return false;
	if (sscanf(tail, "\" imported=%d exported=%d pinned=%d", &imported,
		   &exported, &pinned) != 3)
		return false;
	igt_assert_f((unsigned int)imported <= 1 && (unsigned int)exported <= 1 &&
		     (unsigned int)pinned <= 1,
		     "gem_objects flags are not 0 or 1: %s\n", line);
	len = tail - label;
	if (len >= sizeof(bo->label))
		len = sizeof(bo->label) - 1;
	memset(bo, 0, sizeof(*bo));
	memcpy(bo->label, label, len);
	bo->size = size;
	bo->handles = handles;
	bo->imported = imported;
	bo->exported = exported;
	bo->pinned = pinned;
	return true;
}

/**
 * igt_osprey_gem_objects: parse the device's debugfs gem_objects file
 *
 * Stores a malloc()ed array of the objects listed in *@bos and returns
 * their number. Asserts that the file exists and that every line after the
 * header describes an object.
 */
int igt_osprey_gem_objects(int fd, struct igt_osprey_debugfs_bo **bos)
{
	char *buf = igt_osprey_debugfs_read_all(fd, "gem_objects");
	struct igt_osprey_debugfs_bo *array = NULL;
	int count = 0, cap = 0;
	char *line, *next;

	igt_assert_f(buf, "cannot read debugfs gem_objects: %s\n", strerror(errno));
	line = strchr(buf, '\n');	/* skip the header line */
	line = line ? line + 1 : buf + strlen(buf);
	for (; *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (!*line)
			continue;
		if (count == cap) {
			cap = cap ? 2 * cap : 64;
			array = realloc(array, cap * sizeof(*array));
			igt_assert(array);
		}
		igt_assert_f(parse_gem_object(line, &array[count]),
			     "gem_objects line without the object fields: \"%s\"\n",
			     line);
		count++;
	}
	free(buf);
	*bos = array;
	return count;
}

/**
 * igt_osprey_gem_objects_find: the gem_objects lines with label @label
 *
 * Returns how many objects have exactly that label; the first one is
 * copied to @found if that is not NULL.
 */
int igt_osprey_gem_objects_find(int fd, const char *label,
				struct igt_osprey_debugfs_bo *found)
{
	struct igt_osprey_debugfs_bo *bos;
	int n = igt_osprey_gem_objects(fd, &bos), matches = 0;

	for (int i = 0; i < n; i++) {
		if (strcmp(bos[i].label, label))
			continue;
		if (!matches++ && found)
			*found = bos[i];
	}
	free(bos);
	return matches;
}

/**
 * __igt_osprey_fdinfo_memory: a memory stat of @fd's fdinfo, in bytes
 *
 * @key is the name before the colon, e.g. "drm-total-memory". The value is
 * a number followed by no unit or by B, KiB, MiB or GiB (the kernel's
 * drm_print_memory_stats() prints bytes with no unit, and the largest of
 * KiB or MiB that divides the value exactly otherwise). Returns 0, -ENOENT
 * if there is no such line, or -EINVAL if the value does not parse.
 */
int __igt_osprey_fdinfo_memory(int fd, const char *key, uint64_t *bytes)
{
	char path[64], buf[8192], *line, *next, *p, *end;
	size_t keylen = strlen(key), len = 0;
	unsigned long long value;
	int file;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	file = open(path, O_RDONLY | O_CLOEXEC);
	if (file < 0)
		return -errno;
	while (len < sizeof(buf) - 1 &&
	       (n = read(file, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(file);
	buf[len] = '\0';

	for (line = buf; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			next++;
		if (strncmp(line, key, keylen) || line[keylen] != ':')
			continue;
		p = line + keylen + 1;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		errno = 0;
		value = strtoull(p, &end, 10);
		if (errno)
			return -EINVAL;
		p = end;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\n' || *p == '\0')
			*bytes = value;
		else if (!strncmp(p, "B", 1) && (p[1] == '\n' || !p[1]))
			*bytes = value;
		else if (!strncmp(p, "KiB", 3) && (p[3] == '\n' || !p[3]))
			*bytes = value << 10;
		else if (!strncmp(p, "MiB", 3) && (p[3] == '\n' || !p[3]))
			*bytes = value << 20;
		else if (!strncmp(p, "GiB", 3) && (p[3] == '\n' || !p[3]))
			*bytes = value << 30;
		else
			return -EINVAL;
		return 0;
	}
	return -ENOENT;
}

/**
 * igt_osprey_fdinfo_memory: a memory stat of @fd's fdinfo, asserting that
 * it is there and parses
 */
uint64_t igt_osprey_fdinfo_memory(int fd, const char *key)
{
	uint64_t bytes = 0;
	int ret = __igt_osprey_fdinfo_memory(fd, key, &bytes);

	igt_assert_f(ret == 0, "fdinfo of fd %d: no valid \"%s\" line (%s)\n",
		     fd, key, strerror(-ret));
	return bytes;
}

/**
 * __igt_osprey_vm_create: DRM_IOCTL_OSPREY_VM_CREATE; 0 or -errno
 */
int __igt_osprey_vm_create(int fd, uint32_t flags, uint32_t *vm_id)
{
	struct drm_osprey_vm_create arg = { .flags = flags };

	if (igt_ioctl(fd, DRM_IOCTL_OSPREY_VM_CREATE, &arg))
		return -errno;
	*vm_id = arg.vm_id;
	return 0;
}

/**
 * igt_osprey_vm_create: create an address space, asserting success
 */
uint32_t igt_osprey_vm_create(int fd)
{
	uint32_t vm_id = DRM_OSPREY_VM_DEFAULT;

	igt_assert_eq(__igt_osprey_vm_create(fd, 0, &vm_id), 0);
	igt_assert_neq_u32(vm_id, DRM_OSPREY_VM_DEFAULT);
	return vm_id;
}

/**
 * __igt_osprey_vm_destroy: DRM_IOCTL_OSPREY_VM_DESTROY; 0 or -errno
 */
int __igt_osprey_vm_destroy(int fd, uint32_t vm_id)
{
	struct drm_osprey_vm_destroy arg = { .vm_id = vm_id };

	if (igt_ioctl(fd, DRM_IOCTL_OSPREY_VM_DESTROY, &arg))
		return -errno;
	return 0;
}

/**
 * igt_osprey_vm_destroy: destroy an address space, asserting success
 */
void igt_osprey_vm_destroy(int fd, uint32_t vm_id)
{
	igt_assert_eq(__igt_osprey_vm_destroy(fd, vm_id), 0);
}

/**
 * __igt_osprey_vm_bind: DRM_IOCTL_OSPREY_VM_BIND with every field given;
 * 0 or -errno
 */
int __igt_osprey_vm_bind(int fd, uint32_t vm_id, uint32_t op, uint32_t flags,
			 uint32_t handle, uint64_t bo_offset, uint64_t va,
			 uint64_t size)
{
	struct drm_osprey_vm_bind arg = {
		.vm_id = vm_id,
		.op = op,
		.flags = flags,
		.handle = handle,
		.bo_offset = bo_offset,
		.va = va,
		.size = size,
	};

	if (igt_ioctl(fd, DRM_IOCTL_OSPREY_VM_BIND, &arg))
		return -errno;
	return 0;
}

/**
 * igt_osprey_vm_bind: DRM_IOCTL_OSPREY_VM_BIND, asserting success
 */
void igt_osprey_vm_bind(int fd, uint32_t vm_id, uint32_t op, uint32_t flags,
			uint32_t handle, uint64_t bo_offset, uint64_t va,
			uint64_t size)
{
	int ret = __igt_osprey_vm_bind(fd, vm_id, op, flags, handle, bo_offset,
				       va, size);

	igt_assert_f(ret == 0,
		     "VM_BIND vm %u op %u flags %#x handle %u offset %#" PRIx64
		     " va %#" PRIx64 " size %#" PRIx64 ": %s\n", vm_id, op, flags,
		     handle, bo_offset, va, size, strerror(-ret));
}

/**
 * igt_osprey_vm_map: map @size bytes of @handle from @bo_offset at @va,
 * asserting success; @flags are DRM_OSPREY_VM_BIND_* flags
 */
void igt_osprey_vm_map(int fd, uint32_t vm_id, uint32_t handle,
		       uint64_t bo_offset, uint64_t va, uint64_t size,
		       uint32_t flags)
{
	igt_osprey_vm_bind(fd, vm_id, DRM_OSPREY_VM_BIND_OP_MAP, flags, handle,
			   bo_offset, va, size);
}

/**
 * igt_osprey_vm_unmap: unmap [@va, @va + @size), asserting success
 */
void igt_osprey_vm_unmap(int fd, uint32_t vm_id, uint64_t va, uint64_t size)
{
	igt_osprey_vm_bind(fd, vm_id, DRM_OSPREY_VM_BIND_OP_UNMAP, 0, 0, 0, va,
			   size);
}

/**
 * __igt_osprey_queue_create: DRM_IOCTL_OSPREY_QUEUE_CREATE; 0 or -errno
 */
int __igt_osprey_queue_create(int fd, uint32_t vm_id, uint32_t priority,
			      uint32_t flags, uint32_t *queue_id)
{
	struct drm_osprey_queue_create arg = {
		.vm_id = vm_id,
		.priority = priority,
		.flags = flags,
	};

	if (igt_ioctl(fd, DRM_IOCTL_OSPREY_QUEUE_CREATE, &arg))
		return -errno;
	*queue_id = arg.queue_id;
	return 0;
}

/**
 * igt_osprey_queue_create: create a queue, asserting success
 */
uint32_t igt_osprey_queue_create(int fd, uint32_t vm_id, uint32_t priority)
{
	uint32_t queue_id = 0;

	igt_assert_eq(__igt_osprey_queue_create(fd, vm_id, priority, 0, &queue_id), 0);
	igt_assert_neq_u32(queue_id, 0);
	return queue_id;
}

/**
 * __igt_osprey_queue_destroy: DRM_IOCTL_OSPREY_QUEUE_DESTROY; 0 or -errno
 */
int __igt_osprey_queue_destroy(int fd, uint32_t queue_id)
{
	struct drm_osprey_queue_destroy arg = { .queue_id = queue_id };

	if (igt_ioctl(fd, DRM_IOCTL_OSPREY_QUEUE_DESTROY, &arg))
		return -errno;
	return 0;
}

/**
 * igt_osprey_queue_destroy: destroy a queue, asserting success
 */
void igt_osprey_queue_destroy(int fd, uint32_t queue_id)
{
	igt_assert_eq(__igt_osprey_queue_destroy(fd, queue_id), 0);
}

/**
 * __igt_osprey_submit: DRM_IOCTL_OSPREY_SUBMIT of @submit as it is; 0 or
 * -errno
 */
int __igt_osprey_submit(int fd, struct drm_osprey_submit *submit)
{
	if (igt_ioctl(fd, DRM_IOCTL_OSPREY_SUBMIT, submit))
		return -errno;
	return 0;
}

/**
 * igt_osprey_submit: queue a job, asserting that the ioctl succeeds
 */
void igt_osprey_submit(int fd, uint32_t queue_id, uint64_t batch_va,
		       uint32_t batch_size,
		       const struct drm_osprey_sync *in, uint32_t in_count,
		       const struct drm_osprey_sync *out, uint32_t out_count)
{
	struct drm_osprey_submit submit = {
		.queue_id = queue_id,
		.batch_va = batch_va,
		.batch_size = batch_size,
		.in_sync_count = in_count,
		.out_sync_count = out_count,
		.in_syncs = to_user_pointer(in),
		.out_syncs = to_user_pointer(out),
	};
	int ret = __igt_osprey_submit(fd, &submit);

	igt_assert_f(ret == 0, "SUBMIT queue %u batch %#" PRIx64 "+%u: %s\n",
		     queue_id, batch_va, batch_size, strerror(-ret));
}

/**
 * __igt_osprey_queue_get_state: DRM_IOCTL_OSPREY_QUEUE_GET_STATE of @arg as
 * it is (flags and pad included); 0 or -errno
 */
int __igt_osprey_queue_get_state(int fd, struct drm_osprey_queue_get_state *arg)
{
	if (igt_ioctl(fd, DRM_IOCTL_OSPREY_QUEUE_GET_STATE, arg))
		return -errno;
	return 0;
}

/**
 * igt_osprey_queue_get_state: read a queue's reset and ban state, asserting
 * that the ioctl succeeds
 */
void igt_osprey_queue_get_state(int fd, uint32_t queue_id,
				struct drm_osprey_queue_get_state *state)
{
	int ret;

	memset(state, 0, sizeof(*state));
	state->queue_id = queue_id;
	ret = __igt_osprey_queue_get_state(fd, state);
	igt_assert_f(ret == 0, "QUEUE_GET_STATE of queue %u: %s\n", queue_id,
		     strerror(-ret));
}

/**
 * igt_osprey_read_file: the whole of a file (sysfs, debugfs or any other)
 *
 * Returns a malloc()ed buffer with a NUL after the @len bytes read (@len
 * may be NULL), or NULL with errno set if the file cannot be opened or
 * read. The contents may hold NUL bytes.
 */
char *igt_osprey_read_file(const char *path, size_t *len)
{
	int file = open(path, O_RDONLY | O_CLOEXEC);

	if (file < 0)
		return NULL;
	return read_all_and_close(file, len);
}

/* A "key: number" line of coredump_stats; false if it is not @key's. */
static bool stats_number(const char *line, const char *key, uint64_t *value)
{
	size_t keylen = strlen(key);
	unsigned long long v;
	char *end;

	if (strncmp(line, key, keylen) || line[keylen] != ':')
		return false;
	line += keylen + 1;
	while (*line == ' ')
		line++;
	errno = 0;
	v = strtoull(line, &end, 10);
	igt_assert_f(end != line && errno == 0 && *end == '\0',
		     "coredump_stats: %s is not a number: \"%s\"\n", key, line);
	*value = v;
	return true;
}

/**
 * igt_osprey_coredump_stats: parse the device's debugfs coredump_stats
 *
 * The file holds "captured: N", "published: N", "lost: N", "failed: N",
 * "kept: S S ..." (the sequence numbers of the dumps debugfs keeps, oldest
 * first; possibly none), "last_capture_us: N" and "last_format_us: N", one
 * a line. Asserts that the file exists and that each of these is there
 * once and parses; lines with other keys are ignored.
 */
void igt_osprey_coredump_stats(int fd, struct igt_osprey_coredump_stats *stats)
{
	static const char * const keys[] = {
		"captured", "published", "lost", "failed", "last_capture_us",
		"last_format_us",
	};
	char *buf = igt_osprey_debugfs_read_all(fd, "coredump_stats");
	uint64_t *fields[ARRAY_SIZE(keys)] = {
		&stats->captured, &stats->published, &stats->lost,
		&stats->failed, &stats->last_capture_us, &stats->last_format_us,
	};
	unsigned int seen[ARRAY_SIZE(keys)] = {}, kept_seen = 0;
	char *line, *next;

	igt_assert_f(buf, "cannot read debugfs coredump_stats: %s\n",
		     strerror(errno));
	memset(stats, 0, sizeof(*stats));
	for (line = buf; *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (!strncmp(line, "kept:", 5)) {
			char *p = line + 5, *end;

			kept_seen++;
			for (;;) {
				while (*p == ' ')
					p++;
				if (!*p)
					break;
				igt_assert_f(stats->nkept < IGT_OSPREY_COREDUMP_KEPT_MAX,
					     "coredump_stats: too many kept dumps\n");
				errno = 0;
				stats->kept[stats->nkept++] = strtoull(p, &end, 10);
				igt_assert_f(end != p && errno == 0 &&
					     (*end == ' ' || *end == '\0'),
					     "coredump_stats: bad kept list \"%s\"\n",
					     line);
				p = end;
			}
			continue;
		}
		for (unsigned int i = 0; i < ARRAY_SIZE(keys); i++)
			if (stats_number(line, keys[i], fields[i]))
				seen[i]++;
	}
	free(buf);
	igt_assert_f(kept_seen == 1, "coredump_stats: %u kept lines\n", kept_seen);
	for (unsigned int i = 0; i < ARRAY_SIZE(keys); i++)
		igt_assert_f(seen[i] == 1, "coredump_stats: %u %s lines\n", seen[i],
			     keys[i]);
}

/**
 * igt_osprey_coredump_capture: write "1" to the device's debugfs
 * coredump_capture, which takes a dump at once (reason manual)
 *
 * Returns 0, or -errno of the failing open or write.
 */
int igt_osprey_coredump_capture(int fd)
{
	int file = igt_debugfs_open(fd, "coredump_capture", O_WRONLY);
	int ret = 0;

	if (file < 0)
		return -errno;
	if (write(file, "1", 1) != 1)
		ret = errno ? -errno : -EIO;
	close(file);
	return ret;
}

#define DEVCOREDUMP_CLASS "/sys/class/devcoredump"

/* Whether the devcoredump @name (devcdN) is of @device (any Osprey if NULL). */
static bool devcoredump_of(const char *name, const char *device)
{
	char link[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(link, sizeof(link), DEVCOREDUMP_CLASS "/%s/failing_device", name);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (device)
		return !strcmp(base, device);
	return !strncmp(base, "osprey.", 7);
}

/**
 * igt_osprey_devcoredump_find: the pending devcoredumps of a device
 *
 * @device is the platform device's name (igt_osprey_device_name()), or
 * NULL for any Osprey device. Returns how many devcoredumps under
 * /sys/class/devcoredump name it as their failing device, and copies the
 * directory of the newest (the highest devcdN) to @dir when there is one
 * and @dir is not NULL.
 */
int igt_osprey_devcoredump_find(const char *device, char *dir, size_t len)
{
	DIR *class = opendir(DEVCOREDUMP_CLASS);
	long newest = -1;
	struct dirent *de;
	int count = 0;

	if (!class)
		return 0;	/* no devcoredump has ever been made */
	while ((de = readdir(class))) {
		char *end;
		long n;

		if (strncmp(de->d_name, "devcd", 5))
			continue;
		n = strtol(de->d_name + 5, &end, 10);
		if (end == de->d_name + 5 || *end || !devcoredump_of(de->d_name, device))
			continue;
		count++;
		if (n > newest) {
			newest = n;
			if (dir)
				snprintf(dir, len, DEVCOREDUMP_CLASS "/%s", de->d_name);
		}
	}
	closedir(class);
	return count;
}

/**
 * igt_osprey_devcoredump_dismiss: dismiss a devcoredump (write to its data)
 * and wait up to 5 s for its directory @dir to go
 *
 * Returns 0, -errno of the failing write, or -ETIMEDOUT.
 */
int igt_osprey_devcoredump_dismiss(const char *dir)
{
	char path[PATH_MAX];
	int ret;

	snprintf(path, sizeof(path), "%s/data", dir);
	ret = igt_osprey_sysfs_write(path, "1");
	if (ret && ret != -ENOENT && ret != -ENODEV)
		return ret;
	return igt_wait(access(dir, F_OK) != 0, 5000, 10) ? 0 : -ETIMEDOUT;
}

/**
 * igt_osprey_devcoredump_dismiss_all: dismiss every pending devcoredump of
 * @device (any Osprey device if NULL), asserting that each goes
 *
 * Returns how many there were.
 */
int igt_osprey_devcoredump_dismiss_all(const char *device)
{
	char dir[PATH_MAX];
	int count = 0;

	while (igt_osprey_devcoredump_find(device, dir, sizeof(dir)) > 0) {
		int ret = igt_osprey_devcoredump_dismiss(dir);

		igt_assert_f(ret == 0, "cannot dismiss %s: %s\n", dir, strerror(-ret));
		igt_assert_f(++count < 1000, "devcoredumps keep coming\n");
	}
	return count;
}

/**
 * igt_osprey_sim_lockup: set or clear the GPU model's injected lockup of the
 * device behind @fd (debugfs osprey_sim/<device>/lockup)
 *
 * While set, the engine stops between two instructions and ignores HALT
 * until the driver resets it, which clears the setting. Returns 0 or -errno
 * (-ENOENT without the knob).
 */
int igt_osprey_sim_lockup(int fd, bool on)
{
	const char *root = igt_debugfs_mount();
	char name[64], path[PATH_MAX];
	int ret;

	if (!root)
		return -ENOENT;
	ret = igt_osprey_device_name(fd, name, sizeof(name));
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/osprey_sim/%s/lockup", root, name);
	return igt_osprey_sysfs_write(path, on ? "1" : "0");
}

/**
 * igt_osprey_bo_new: a buffer object of @size bytes, mapped read-write on
 * the CPU; asserts success
 */
struct igt_osprey_bo *igt_osprey_bo_new(int fd, uint64_t size)
{
	struct igt_osprey_bo *bo = calloc(1, sizeof(*bo));

	igt_assert(bo);
	bo->fd = fd;
	igt_assert_eq(__igt_osprey_gem_create(fd, &size, 0, &bo->handle), 0);
	bo->size = size;
	bo->map = igt_osprey_gem_mmap(fd, bo->handle, size, PROT_READ | PROT_WRITE);
	return bo;
}

/**
 * igt_osprey_bo_free: unmap and close a buffer from igt_osprey_bo_new()
 *
 * GPU mappings are the caller's: a buffer still bound in a VM lives on.
 */
void igt_osprey_bo_free(struct igt_osprey_bo *bo)
{
	if (!bo)
		return;
	igt_assert_eq(munmap(bo->map, bo->size), 0);
	gem_close(bo->fd, bo->handle);
	free(bo);
}

/**
 * igt_osprey_cs_init: start a batch at @cpu, which the GPU sees at @va,
 * with room for @bytes
 */
void igt_osprey_cs_init(struct igt_osprey_cs *cs, void *cpu, uint64_t va,
			uint64_t bytes)
{
	igt_assert_eq_u64(va % 4, 0);
	cs->words = cpu;
	cs->va = va;
	cs->len = 0;
	cs->cap = bytes / 4;
}

/**
 * igt_osprey_cs_next_va: the GPU VA of the next word to be written
 */
uint64_t igt_osprey_cs_next_va(const struct igt_osprey_cs *cs)
{
	return cs->va + 4ull * cs->len;
}

/**
 * igt_osprey_cs_bytes: the size in bytes of what has been written
 */
uint32_t igt_osprey_cs_bytes(const struct igt_osprey_cs *cs)
{
	return 4 * cs->len;
}

/**
 * igt_osprey_emit_words: append raw words (e.g. an invalid instruction)
 */
void igt_osprey_emit_words(struct igt_osprey_cs *cs, const uint32_t *words,
			   uint32_t count)
{
	igt_assert_f(count <= cs->cap - cs->len,
		     "batch full: %u of %u words, %u more\n", cs->len, cs->cap,
		     count);
	memcpy(cs->words + cs->len, words, 4 * count);
	cs->len += count;
}

/**
 * igt_osprey_emit_insn: append a valid instruction; asserts that it encodes
 */
void igt_osprey_emit_insn(struct igt_osprey_cs *cs,
			  const struct osprey_insn *insn)
{
	uint32_t words[OSPREY_INSN_MAX_WORDS];
	int n = osprey_insn_encode(insn, words, OSPREY_INSN_MAX_WORDS);

	igt_assert_f(n > 0, "instruction %#x does not encode: %s\n",
		     insn->opcode, osprey_insn_strerror(n));
	igt_osprey_emit_words(cs, words, n);
}

/** igt_osprey_emit_nop: NOP */
void igt_osprey_emit_nop(struct igt_osprey_cs *cs)
{
	struct osprey_insn insn = { .opcode = OSPREY_OP_NOP };

	igt_osprey_emit_insn(cs, &insn);
}

/** igt_osprey_emit_store: STORE @value to @va */
void igt_osprey_emit_store(struct igt_osprey_cs *cs, uint64_t va,
			   uint32_t value)
{
	struct osprey_insn insn = {
		.opcode = OSPREY_OP_STORE, .va = va, .value = value,
	};

	igt_osprey_emit_insn(cs, &insn);
}

/** igt_osprey_emit_copy: COPY @bytes from @src to @dst */
void igt_osprey_emit_copy(struct igt_osprey_cs *cs, uint64_t dst,
			  uint64_t src, uint32_t bytes)
{
	struct osprey_insn insn = {
		.opcode = OSPREY_OP_COPY, .dst = dst, .src = src, .bytes = bytes,
	};

	igt_osprey_emit_insn(cs, &insn);
}

/** igt_osprey_emit_fill: FILL @bytes at @va with @pattern */
void igt_osprey_emit_fill(struct igt_osprey_cs *cs, uint64_t va,
			  uint32_t bytes, uint32_t pattern)
{
	struct osprey_insn insn = {
		.opcode = OSPREY_OP_FILL, .va = va, .bytes = bytes,
		.pattern = pattern,
	};

	igt_osprey_emit_insn(cs, &insn);
}

/** igt_osprey_emit_sem_wait: SEM_WAIT until *@va @cmp @value */
void igt_osprey_emit_sem_wait(struct igt_osprey_cs *cs, unsigned int cmp,
			      uint64_t va, uint32_t value)
{
	struct osprey_insn insn = {
		.opcode = OSPREY_OP_SEM_WAIT, .modifier = cmp, .va = va,
		.value = value,
	};

	igt_osprey_emit_insn(cs, &insn);
}

/** igt_osprey_emit_atomic: ATOMIC @op (ADD or CMPXCHG) on @va */
void igt_osprey_emit_atomic(struct igt_osprey_cs *cs, unsigned int op,
			    uint64_t va, uint32_t operand, uint32_t compare)
{
	struct osprey_insn insn = {
		.opcode = OSPREY_OP_ATOMIC, .modifier = op, .va = va,
		.operand = operand, .compare = compare,
	};

	igt_osprey_emit_insn(cs, &insn);
}

/** igt_osprey_emit_timestamp: TIMESTAMP to the u64 at @va */
void igt_osprey_emit_timestamp(struct igt_osprey_cs *cs, uint64_t va)
{
	struct osprey_insn insn = { .opcode = OSPREY_OP_TIMESTAMP, .va = va };

	igt_osprey_emit_insn(cs, &insn);
}

/** igt_osprey_emit_jump: JUMP to @target */
void igt_osprey_emit_jump(struct igt_osprey_cs *cs, uint64_t target)
{
	struct osprey_insn insn = { .opcode = OSPREY_OP_JUMP, .target = target };

	igt_osprey_emit_insn(cs, &insn);
}

/** igt_osprey_emit_call: CALL @target */
void igt_osprey_emit_call(struct igt_osprey_cs *cs, uint64_t target)
{
	struct osprey_insn insn = { .opcode = OSPREY_OP_CALL, .target = target };

	igt_osprey_emit_insn(cs, &insn);
}

/** igt_osprey_emit_return: RETURN */
void igt_osprey_emit_return(struct igt_osprey_cs *cs)
{
	struct osprey_insn insn = { .opcode = OSPREY_OP_RETURN };

	igt_osprey_emit_insn(cs, &insn);
}

/** igt_osprey_emit_end: END */
void igt_osprey_emit_end(struct igt_osprey_cs *cs)
{
	struct osprey_insn insn = { .opcode = OSPREY_OP_END };

	igt_osprey_emit_insn(cs, &insn);
}

/*
 * A fence no engine holds, which the test signals when it wants: a vgem
 * fence on a vgem buffer, taken through the buffer's dma-buf as a
 * sync_file.
 */

/** igt_osprey_gate_open: a gate; skips when vgem has no fences */
void igt_osprey_gate_open(struct igt_osprey_gate *g)
{
	memset(g, 0, sizeof(*g));
	g->vgem = drm_open_driver(DRIVER_VGEM);
	if (!vgem_has_fences(g->vgem)) {
		drm_close_driver(g->vgem);
		igt_skip("vgem has no fences\n");
	}
	g->bo = (struct vgem_bo){ .width = 1, .height = 1, .bpp = 32 };
	vgem_create(g->vgem, &g->bo);
	g->fence = vgem_fence_attach(g->vgem, &g->bo, VGEM_FENCE_WRITE);
}

/** igt_osprey_gate_syncobj: a new syncobj of @fd holding the gate's fence */
uint32_t igt_osprey_gate_syncobj(struct igt_osprey_gate *g, int fd)
{
	struct dma_buf_export_sync_file arg = { .flags = DMA_BUF_SYNC_READ };
	uint32_t syncobj;
	int dmabuf;

	igt_assert_eq(drmSyncobjCreate(fd, 0, &syncobj), 0);
	dmabuf = igt_osprey_prime_export(g->vgem, g->bo.handle);
	do_ioctl(dmabuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &arg);
	close(dmabuf);
	igt_assert_eq(drmSyncobjImportSyncFile(fd, syncobj, arg.fd), 0);
	close(arg.fd);
	/* Not signalled: a wait that does not wait times out. */
	igt_assert_eq(drmSyncobjWait(fd, &syncobj, 1, 0, 0, NULL), -ETIME);
	return syncobj;
}

/** igt_osprey_gate_signal: signal the gate's fence, once */
void igt_osprey_gate_signal(struct igt_osprey_gate *g)
{
	if (!g->signalled)
		vgem_fence_signal(g->vgem, g->fence);
	g->signalled = true;
}

/** igt_osprey_gate_close: signal the gate if needed and free it */
void igt_osprey_gate_close(struct igt_osprey_gate *g)
{
	igt_osprey_gate_signal(g);
	gem_close(g->vgem, g->bo.handle);
	drm_close_driver(g->vgem);
}

/*
 * Fault injection
 *
 * Documentation/fault-injection/fault-injection.rst: /proc/<tid>/fail-nth
 * fails the N-th allocation (slab or page, whichever the capabilities let
 * through) of one task; the debugfs directories failslab and
 * fail_page_alloc hold the capabilities' knobs. Arming and disarming
 * fail-nth allocate nothing in the calling task, so that nothing but the
 * call under test is counted.
 */

/** igt_osprey_fail_nth_open: /proc/thread-self/fail-nth, or a negative errno */
int igt_osprey_fail_nth_open(void)
{
	int nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);

	return nth < 0 ? -errno : nth;
}

/** igt_osprey_fail_nth_arm: fail the @n-th allocation from now on (0: none) */
void igt_osprey_fail_nth_arm(int nth, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	igt_assert_eq(write(nth, buf, len), len);
}

/**
 * igt_osprey_fail_nth_disarm: whether the armed fault fired
 *
 * Reading fail-nth back gives 0 once the fault was injected, else what
 * was left of the count; it is then set to 0, so that nothing fires later.
 */
bool igt_osprey_fail_nth_disarm(int nth)
{
	char buf[16] = "";
	ssize_t len = pread(nth, buf, sizeof(buf) - 1, 0);

	igt_osprey_fail_nth_arm(nth, 0);
	igt_assert_lt(0, len);
	return strtoul(buf, NULL, 10) == 0;
}

static void fault_attr_path(char *path, size_t len, const char *cap,
			    const char *knob)
{
	snprintf(path, len, "%s/%s/%s", igt_debugfs_mount(), cap, knob);
}

/**
 * igt_osprey_fault_attr_get: read knob @knob of capability @cap
 *
 * E.g. ("failslab", "ignore-gfp-wait"). Copies the value, without its
 * newline, to @buf; returns 0 or a negative errno (-ENOENT for a kernel
 * without that capability).
 */
int igt_osprey_fault_attr_get(const char *cap, const char *knob, char *buf,
			      size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int file;

	fault_attr_path(path, sizeof(path), cap, knob);
	file = open(path, O_RDONLY | O_CLOEXEC);
	if (file < 0)
		return -errno;
	n = read(file, buf, len - 1);
	close(file);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/** igt_osprey_fault_attr_set: write @value to knob @knob of @cap; 0 or -errno */
int igt_osprey_fault_attr_set(const char *cap, const char *knob,
			      const char *value)
{
	char path[PATH_MAX];

	fault_attr_path(path, sizeof(path), cap, knob);
	return igt_osprey_sysfs_write(path, value);
}
