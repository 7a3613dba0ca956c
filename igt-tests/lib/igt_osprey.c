// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/*
 * Osprey helpers for IGT tests: device checks, parameters, the sysfs
 * plumbing the hot-unplug tests use, and the display's: KMS objects and
 * atomic requests, framebuffers, a reference compositor and CRC-32, CRC
 * capture, vblanks and events, hotplug uevents and host screenshots.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/netlink.h>
#include <linux/sync_file.h>
#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

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
	return igt_osprey_sim_knob_write(fd, "lockup", on ? "1" : "0");
}

/* The path of the model's debugfs knob @knob for the device behind @fd. */
static int sim_knob_path(int fd, const char *knob, char *path, size_t len)
{
	const char *root = igt_debugfs_mount();
	char name[64];
	int ret;

	if (!root)
		return -ENOENT;
	ret = igt_osprey_device_name(fd, name, sizeof(name));
	if (ret)
		return ret;
	snprintf(path, len, "%s/osprey_sim/%s/%s", root, name, knob);
	return 0;
}

/**
 * igt_osprey_sim_knob_write: write @value to the GPU model's debugfs knob
 * @knob (osprey_sim/<device>/@knob) of the device behind @fd
 *
 * Returns 0 or -errno (-ENOENT without the knob).
 */
int igt_osprey_sim_knob_write(int fd, const char *knob, const char *value)
{
	char path[PATH_MAX];
	int ret = sim_knob_path(fd, knob, path, sizeof(path));

	return ret ? ret : igt_osprey_sysfs_write(path, value);
}

/**
 * igt_osprey_sim_knob_read: the GPU model's debugfs knob @knob of the
 * device behind @fd, as a malloc()ed string, or NULL (errno set)
 */
char *igt_osprey_sim_knob_read(int fd, const char *knob)
{
	char path[PATH_MAX];
	int ret = sim_knob_path(fd, knob, path, sizeof(path));

	if (ret) {
		errno = -ret;
		return NULL;
	}
	return igt_osprey_read_file(path, NULL);
}

/**
 * igt_osprey_sim_connector: plug (@plugged) or unplug the monitor of @pipe
 * through the model's connectorP knob; 0 or -errno
 */
int igt_osprey_sim_connector(int fd, unsigned int pipe, bool plugged)
{
	char knob[32];

	snprintf(knob, sizeof(knob), "connector%u", pipe);
	return igt_osprey_sim_knob_write(fd, knob, plugged ? "1" : "0");
}

/**
 * igt_osprey_sim_connector_state: 1 if the model's monitor of @pipe is
 * plugged, 0 if not, or -errno when the knob cannot be read
 */
int igt_osprey_sim_connector_state(int fd, unsigned int pipe)
{
	char knob[32], *buf;
	int state;

	snprintf(knob, sizeof(knob), "connector%u", pipe);
	buf = igt_osprey_sim_knob_read(fd, knob);
	if (!buf)
		return -errno;
	state = strtol(buf, NULL, 10) != 0;
	free(buf);
	return state;
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

/*
 * KMS
 *
 * The display side of the primary node, through libdrm's mode-setting API
 * only. A pipe is a CRTC with the connector, writeback connector and planes
 * whose possible CRTCs name it.
 */

/* Blobs (modes) made by the helpers, destroyed at reset and close. */
#define KMS_MAX_BLOBS 256
static uint32_t kms_blobs[KMS_MAX_BLOBS];
static unsigned int kms_n_blobs;

static void kms_free_blobs(int fd)
{
	while (kms_n_blobs)
		drmModeDestroyPropertyBlob(fd, kms_blobs[--kms_n_blobs]);
}

/* A property of an object by name: its id and value; false if none. */
static bool find_prop(int fd, uint32_t obj_id, uint32_t obj_type,
		      const char *name, uint32_t *id, uint64_t *value)
{
	drmModeObjectPropertiesPtr props;
	bool found = false;

	props = drmModeObjectGetProperties(fd, obj_id, obj_type);
	if (!props)
		return false;
	for (uint32_t i = 0; i < props->count_props && !found; i++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, name)) {
			found = true;
			if (id)
				*id = p->prop_id;
			if (value)
				*value = props->prop_values[i];
		}
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return found;
}

/**
 * igt_osprey_prop_id: the id of property @name of an object, 0 if it has none
 */
uint32_t igt_osprey_prop_id(int fd, uint32_t obj_id, uint32_t obj_type,
			    const char *name)
{
	uint32_t id = 0;

	return find_prop(fd, obj_id, obj_type, name, &id, NULL) ? id : 0;
}

/**
 * igt_osprey_prop_get: the current value of property @name of an object;
 * false if the object has no such property
 */
bool igt_osprey_prop_get(int fd, uint32_t obj_id, uint32_t obj_type,
			 const char *name, uint64_t *value)
{
	return find_prop(fd, obj_id, obj_type, name, NULL, value);
}

/**
 * igt_osprey_prop_info: property @name of an object (drmModeFreeProperty()
 * it), or NULL if the object has none
 */
drmModePropertyPtr igt_osprey_prop_info(int fd, uint32_t obj_id,
					uint32_t obj_type, const char *name)
{
	uint32_t id;

	if (!find_prop(fd, obj_id, obj_type, name, &id, NULL))
		return NULL;
	return drmModeGetProperty(fd, id);
}

/**
 * igt_osprey_prop_enum: the value of @enum_name in enum property @name of an
 * object; asserts that both exist
 */
uint64_t igt_osprey_prop_enum(int fd, uint32_t obj_id, uint32_t obj_type,
			      const char *name, const char *enum_name)
{
	drmModePropertyPtr p = igt_osprey_prop_info(fd, obj_id, obj_type, name);
	uint64_t value = 0;
	bool found = false;

	igt_assert_f(p, "object %u has no property \"%s\"\n", obj_id, name);
	for (int i = 0; i < p->count_enums && !found; i++) {
		if (!strcmp(p->enums[i].name, enum_name)) {
			value = p->enums[i].value;
			found = true;
		}
	}
	drmModeFreeProperty(p);
	igt_assert_f(found, "property \"%s\" of object %u has no value \"%s\"\n",
		     name, obj_id, enum_name);
	return value;
}

/**
 * igt_osprey_plane_has_format: whether a plane lists @format
 */
bool igt_osprey_plane_has_format(int fd, uint32_t plane_id, uint32_t format)
{
	drmModePlanePtr p = drmModeGetPlane(fd, plane_id);
	bool found = false;

	igt_assert_f(p, "GETPLANE %u: %s\n", plane_id, strerror(errno));
	for (uint32_t i = 0; i < p->count_formats; i++)
		found |= p->formats[i] == format;
	drmModeFreePlane(p);
	return found;
}

/* The "type" property's values. */
#define PLANE_TYPE_OVERLAY 0
#define PLANE_TYPE_PRIMARY 1
#define PLANE_TYPE_CURSOR 2

/* The lowest pipe of @mask whose slot *(@slot(pipe)) is still free. */
static int first_free_pipe(struct igt_osprey_kms *kms, uint32_t mask,
			   size_t offset)
{
	for (unsigned int i = 0; i < kms->n_pipes; i++) {
		uint32_t *slot = (uint32_t *)((char *)&kms->pipe[i] + offset);

		if ((mask & (1u << i)) && !*slot)
			return i;
	}
	return -1;
}

static void kms_find_connectors(struct igt_osprey_kms *kms, drmModeResPtr res)
{
	for (int i = 0; i < res->count_connectors; i++) {
		drmModeConnectorPtr c = drmModeGetConnectorCurrent(kms->fd,
								   res->connectors[i]);
		uint32_t mask = 0;
		size_t offset;
		int pipe;

		igt_assert_f(c, "GETCONNECTOR %u: %s\n", res->connectors[i],
			     strerror(errno));
		for (int e = 0; e < c->count_encoders; e++) {
			drmModeEncoderPtr enc = drmModeGetEncoder(kms->fd,
								  c->encoders[e]);

			igt_assert_f(enc, "GETENCODER %u: %s\n", c->encoders[e],
				     strerror(errno));
			mask |= enc->possible_crtcs;
			drmModeFreeEncoder(enc);
		}
		if (c->connector_type == DRM_MODE_CONNECTOR_WRITEBACK)
			offset = offsetof(struct igt_osprey_pipe, writeback_id);
		else
			offset = offsetof(struct igt_osprey_pipe, connector_id);
		pipe = first_free_pipe(kms, mask, offset);
		if (pipe >= 0)
			*(uint32_t *)((char *)&kms->pipe[pipe] + offset) =
				c->connector_id;
		drmModeFreeConnector(c);
	}
}

static void kms_find_planes(struct igt_osprey_kms *kms)
{
	drmModePlaneResPtr pres = drmModeGetPlaneResources(kms->fd);

	igt_assert_f(pres, "GETPLANERESOURCES: %s\n", strerror(errno));
	igt_assert_lte(pres->count_planes, IGT_OSPREY_MAX_PLANES);
	kms->n_planes = pres->count_planes;
	for (uint32_t i = 0; i < pres->count_planes; i++) {
		drmModePlanePtr p = drmModeGetPlane(kms->fd, pres->planes[i]);
		drmModePropertyPtr zpos;
		uint64_t type = PLANE_TYPE_OVERLAY, value;
		enum igt_osprey_plane_kind kind;
		int pipe;

		igt_assert_f(p, "GETPLANE %u: %s\n", pres->planes[i],
			     strerror(errno));
		kms->plane_ids[i] = p->plane_id;
		igt_assert(igt_osprey_prop_get(kms->fd, p->plane_id,
					       DRM_MODE_OBJECT_PLANE, "type", &type));
		kind = type == PLANE_TYPE_PRIMARY ? IGT_OSPREY_PLANE_PRIMARY :
		       type == PLANE_TYPE_CURSOR ? IGT_OSPREY_PLANE_CURSOR :
		       IGT_OSPREY_PLANE_OVERLAY;
		pipe = first_free_pipe(kms, p->possible_crtcs,
				       offsetof(struct igt_osprey_pipe, plane_id) +
				       kind * sizeof(uint32_t));
		if (pipe >= 0)
			kms->pipe[pipe].plane_id[kind] = p->plane_id;
		/* Mutable zpos values are put back by igt_osprey_kms_reset(). */
		kms->zpos[i] = -1;
		zpos = igt_osprey_prop_info(kms->fd, p->plane_id,
					    DRM_MODE_OBJECT_PLANE, "zpos");
		if (zpos && !(zpos->flags & DRM_MODE_PROP_IMMUTABLE) &&
		    igt_osprey_prop_get(kms->fd, p->plane_id,
					DRM_MODE_OBJECT_PLANE, "zpos", &value))
			kms->zpos[i] = value;
		drmModeFreeProperty(zpos);
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(pres);
}

/**
 * igt_osprey_kms_init: find the display of @fd, a primary node
 *
 * Sets the universal planes and atomic client caps (skips without atomic
 * modesetting) and the writeback one when the kernel has it.
 */
void igt_osprey_kms_init(struct igt_osprey_kms *kms, int fd)
{
	drmModeResPtr res;
	struct stat st;

	memset(kms, 0, sizeof(*kms));
	kms->fd = fd;
	igt_require_f(drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) == 0,
		      "no universal planes\n");
	igt_require_f(drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1) == 0,
		      "no atomic modesetting\n");
	kms->writeback = drmSetClientCap(fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS,
					 1) == 0;
	igt_assert_eq(fstat(fd, &st), 0);
	kms->card = minor(st.st_rdev);

	res = drmModeGetResources(fd);
	igt_require_f(res, "no KMS resources: %s\n", strerror(errno));
	igt_assert_lte(res->count_crtcs, IGT_OSPREY_MAX_PIPES);
	kms->n_pipes = res->count_crtcs;
	for (unsigned int i = 0; i < kms->n_pipes; i++) {
		kms->pipe[i].index = i;
		kms->pipe[i].crtc_id = res->crtcs[i];
	}
	kms_find_connectors(kms, res);
	drmModeFreeResources(res);
	kms_find_planes(kms);
}

/**
 * igt_osprey_kms_open: open the first Osprey primary node as DRM master
 * and find its display
 */
void igt_osprey_kms_open(struct igt_osprey_kms *kms)
{
	int fd = drm_open_driver_master(DRIVER_OSPREY);

	igt_require_osprey(fd);
	igt_osprey_kms_init(kms, fd);
}

/**
 * igt_osprey_kms_close: close the device (which removes its framebuffers)
 */
void igt_osprey_kms_close(struct igt_osprey_kms *kms)
{
	if (kms->fd < 0)
		return;
	kms_free_blobs(kms->fd);
	drm_close_driver(kms->fd);
	kms->fd = -1;
}

/* Set @name on an object if it has it and it is mutable. */
static void set_if_mutable(drmModeAtomicReq *req, int fd, uint32_t obj_id,
			   uint32_t obj_type, const char *name, uint64_t value)
{
	drmModePropertyPtr p = igt_osprey_prop_info(fd, obj_id, obj_type, name);

	if (p && !(p->flags & DRM_MODE_PROP_IMMUTABLE))
		igt_assert_lte(0, drmModeAtomicAddProperty(req, obj_id, p->prop_id,
							   value));
	drmModeFreeProperty(p);
}

/**
 * igt_osprey_kms_reset: turn everything off
 *
 * One atomic modeset disables every plane (putting back alpha, blend mode
 * and zpos to their defaults), detaches every connector and turns every
 * CRTC off. Then frees the mode blobs the helpers made.
 */
void igt_osprey_kms_reset(struct igt_osprey_kms *kms)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	drmModeResPtr res = drmModeGetResources(kms->fd);
	int ret;

	igt_assert(req && res);
	for (unsigned int i = 0; i < kms->n_planes; i++) {
		uint32_t id = kms->plane_ids[i];
		drmModePropertyPtr blend;

		igt_osprey_atomic_plane_off(req, kms->fd, id);
		set_if_mutable(req, kms->fd, id, DRM_MODE_OBJECT_PLANE, "alpha",
			       0xffff);
		blend = igt_osprey_prop_info(kms->fd, id, DRM_MODE_OBJECT_PLANE,
					     "pixel blend mode");
		if (blend)
			set_if_mutable(req, kms->fd, id, DRM_MODE_OBJECT_PLANE,
				       "pixel blend mode",
				       igt_osprey_prop_enum(kms->fd, id,
							    DRM_MODE_OBJECT_PLANE,
							    "pixel blend mode",
							    "Pre-multiplied"));
		drmModeFreeProperty(blend);
		if (kms->zpos[i] >= 0)
			igt_osprey_atomic_set(req, kms->fd, id, DRM_MODE_OBJECT_PLANE,
					      "zpos", kms->zpos[i]);
	}
	for (int i = 0; i < res->count_connectors; i++)
		igt_osprey_atomic_set(req, kms->fd, res->connectors[i],
				      DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", 0);
	for (unsigned int i = 0; i < kms->n_pipes; i++) {
		uint32_t wb = kms->pipe[i].writeback_id;

		if (wb) {
			igt_osprey_atomic_set(req, kms->fd, wb,
					      DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", 0);
			igt_osprey_atomic_set(req, kms->fd, wb,
					      DRM_MODE_OBJECT_CONNECTOR,
					      "WRITEBACK_FB_ID", 0);
		}
		igt_osprey_atomic_set(req, kms->fd, kms->pipe[i].crtc_id,
				      DRM_MODE_OBJECT_CRTC, "MODE_ID", 0);
		igt_osprey_atomic_set(req, kms->fd, kms->pipe[i].crtc_id,
				      DRM_MODE_OBJECT_CRTC, "ACTIVE", 0);
	}
	ret = __igt_osprey_atomic_commit(kms->fd, req,
					 DRM_MODE_ATOMIC_ALLOW_MODESET, NULL);
	igt_assert_f(ret == 0, "resetting the display: %s\n", strerror(-ret));
	drmModeAtomicFree(req);
	drmModeFreeResources(res);
	kms_free_blobs(kms->fd);
}

/**
 * igt_osprey_atomic_set: add property @name of an object to @req,
 * asserting that the object has it
 */
void igt_osprey_atomic_set(drmModeAtomicReq *req, int fd, uint32_t obj_id,
			   uint32_t obj_type, const char *name, uint64_t value)
{
	uint32_t id = igt_osprey_prop_id(fd, obj_id, obj_type, name);

	igt_assert_f(id, "object %u has no property \"%s\"\n", obj_id, name);
	igt_assert_lte(0, drmModeAtomicAddProperty(req, obj_id, id, value));
}

static void plane_set(drmModeAtomicReq *req, int fd, uint32_t plane_id,
		      const char *name, uint64_t value)
{
	igt_osprey_atomic_set(req, fd, plane_id, DRM_MODE_OBJECT_PLANE, name,
			      value);
}

/**
 * igt_osprey_atomic_plane: show @fb_id on @crtc_id: @w x @h pixels from
 * (@src_x, @src_y) of the framebuffer at (@x, @y) of the CRTC, unscaled
 */
void igt_osprey_atomic_plane(drmModeAtomicReq *req, int fd, uint32_t plane_id,
			     uint32_t crtc_id, uint32_t fb_id, int32_t x,
			     int32_t y, uint32_t w, uint32_t h, uint32_t src_x,
			     uint32_t src_y)
{
	plane_set(req, fd, plane_id, "FB_ID", fb_id);
	plane_set(req, fd, plane_id, "CRTC_ID", crtc_id);
	plane_set(req, fd, plane_id, "CRTC_X", (uint64_t)(int64_t)x);
	plane_set(req, fd, plane_id, "CRTC_Y", (uint64_t)(int64_t)y);
	plane_set(req, fd, plane_id, "CRTC_W", w);
	plane_set(req, fd, plane_id, "CRTC_H", h);
	plane_set(req, fd, plane_id, "SRC_X", (uint64_t)src_x << 16);
	plane_set(req, fd, plane_id, "SRC_Y", (uint64_t)src_y << 16);
	plane_set(req, fd, plane_id, "SRC_W", (uint64_t)w << 16);
	plane_set(req, fd, plane_id, "SRC_H", (uint64_t)h << 16);
}

/** igt_osprey_atomic_plane_off: disable a plane */
void igt_osprey_atomic_plane_off(drmModeAtomicReq *req, int fd,
				 uint32_t plane_id)
{
	plane_set(req, fd, plane_id, "FB_ID", 0);
	plane_set(req, fd, plane_id, "CRTC_ID", 0);
}

/**
 * igt_osprey_atomic_pipe_on: @pipe's CRTC on with @mode, driving its
 * connector (the commit needs DRM_MODE_ATOMIC_ALLOW_MODESET)
 */
void igt_osprey_atomic_pipe_on(drmModeAtomicReq *req, int fd,
			       const struct igt_osprey_pipe *pipe,
			       const drmModeModeInfo *mode)
{
	uint32_t blob = 0;

	igt_assert_lt(kms_n_blobs, KMS_MAX_BLOBS);
	igt_assert_eq(drmModeCreatePropertyBlob(fd, mode, sizeof(*mode), &blob), 0);
	kms_blobs[kms_n_blobs++] = blob;
	igt_osprey_atomic_set(req, fd, pipe->crtc_id, DRM_MODE_OBJECT_CRTC,
			      "MODE_ID", blob);
	igt_osprey_atomic_set(req, fd, pipe->crtc_id, DRM_MODE_OBJECT_CRTC,
			      "ACTIVE", 1);
	if (pipe->connector_id)
		igt_osprey_atomic_set(req, fd, pipe->connector_id,
				      DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID",
				      pipe->crtc_id);
}

/**
 * igt_osprey_atomic_pipe_off: @pipe's CRTC, connector and planes off
 */
void igt_osprey_atomic_pipe_off(drmModeAtomicReq *req, int fd,
				const struct igt_osprey_pipe *pipe)
{
	for (int k = 0; k < IGT_OSPREY_PLANE_KINDS; k++)
		if (pipe->plane_id[k])
			igt_osprey_atomic_plane_off(req, fd, pipe->plane_id[k]);
	if (pipe->connector_id)
		igt_osprey_atomic_set(req, fd, pipe->connector_id,
				      DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", 0);
	if (pipe->writeback_id)
		igt_osprey_atomic_set(req, fd, pipe->writeback_id,
				      DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", 0);
	igt_osprey_atomic_set(req, fd, pipe->crtc_id, DRM_MODE_OBJECT_CRTC,
			      "MODE_ID", 0);
	igt_osprey_atomic_set(req, fd, pipe->crtc_id, DRM_MODE_OBJECT_CRTC,
			      "ACTIVE", 0);
}

/**
 * __igt_osprey_atomic_commit: DRM_IOCTL_MODE_ATOMIC with @flags; 0 or -errno
 */
int __igt_osprey_atomic_commit(int fd, drmModeAtomicReq *req, uint32_t flags,
			       void *user_data)
{
	errno = 0;
	if (drmModeAtomicCommit(fd, req, flags, user_data))
		return errno ? -errno : -EINVAL;
	return 0;
}

/** igt_osprey_atomic_commit: commit @req, asserting success */
void igt_osprey_atomic_commit(int fd, drmModeAtomicReq *req, uint32_t flags)
{
	int ret = __igt_osprey_atomic_commit(fd, req, flags, NULL);

	igt_assert_f(ret == 0, "atomic commit (flags %#x): %s\n", flags,
		     strerror(-ret));
}

/**
 * igt_osprey_pipe_modeset: turn @pipe on with @mode, @fb (if not NULL) on
 * its primary plane at (0, 0), unscaled, as large as both; asserts success
 */
void igt_osprey_pipe_modeset(int fd, const struct igt_osprey_pipe *pipe,
			     const drmModeModeInfo *mode,
			     const struct igt_osprey_fb *fb)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();

	igt_assert(req);
	igt_osprey_atomic_pipe_on(req, fd, pipe, mode);
	if (fb)
		igt_osprey_atomic_plane(req, fd, pipe->plane_id[IGT_OSPREY_PLANE_PRIMARY],
					pipe->crtc_id, fb->fb_id, 0, 0,
					fb->width < mode->hdisplay ? fb->width :
					mode->hdisplay,
					fb->height < mode->vdisplay ? fb->height :
					mode->vdisplay, 0, 0);
	igt_osprey_atomic_commit(fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET);
	drmModeAtomicFree(req);
}

/**
 * igt_osprey_connector_mode: a connector's preferred mode (else its first);
 * false if it is not connected or has no mode
 *
 * Probes the connector (DRM_IOCTL_MODE_GETCONNECTOR).
 */
bool igt_osprey_connector_mode(int fd, uint32_t connector_id,
			       drmModeModeInfo *mode)
{
	drmModeConnectorPtr c = drmModeGetConnector(fd, connector_id);
	bool found = false;

	igt_assert_f(c, "GETCONNECTOR %u: %s\n", connector_id, strerror(errno));
	if (c->connection == DRM_MODE_CONNECTED && c->count_modes > 0) {
		*mode = c->modes[0];
		for (int i = 0; i < c->count_modes; i++) {
			if (c->modes[i].type & DRM_MODE_TYPE_PREFERRED) {
				*mode = c->modes[i];
				break;
			}
		}
		found = true;
	}
	drmModeFreeConnector(c);
	return found;
}

/**
 * igt_osprey_connector_find_mode: a mode of the connector of that size and
 * refresh rate (@vrefresh 0: any); false if it has none
 */
bool igt_osprey_connector_find_mode(int fd, uint32_t connector_id,
				    uint16_t width, uint16_t height,
				    uint32_t vrefresh, drmModeModeInfo *mode)
{
	drmModeConnectorPtr c = drmModeGetConnector(fd, connector_id);
	bool found = false;

	igt_assert_f(c, "GETCONNECTOR %u: %s\n", connector_id, strerror(errno));
	for (int i = 0; i < c->count_modes && !found; i++) {
		const drmModeModeInfo *m = &c->modes[i];

		if (m->hdisplay == width && m->vdisplay == height &&
		    (!vrefresh || m->vrefresh == vrefresh)) {
			*mode = *m;
			found = true;
		}
	}
	drmModeFreeConnector(c);
	return found;
}

/** igt_osprey_mode_period_ns: the frame period of a mode, in nanoseconds */
uint64_t igt_osprey_mode_period_ns(const drmModeModeInfo *mode)
{
	igt_assert_lt_u32(0, mode->clock);
	return (uint64_t)mode->htotal * mode->vtotal * 1000000ull / mode->clock;
}

/**
 * igt_osprey_format_cpp: bytes per pixel of a format the display supports
 * (XRGB8888, ARGB8888, XBGR8888, ABGR8888, RGB565), 0 for any other
 */
unsigned int igt_osprey_format_cpp(uint32_t format)
{
	switch (format) {
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:
	case DRM_FORMAT_XBGR8888:
	case DRM_FORMAT_ABGR8888:
		return 4;
	case DRM_FORMAT_RGB565:
		return 2;
	}
	return 0;
}

/**
 * igt_osprey_fb_create: a dumb buffer of @width x @height pixels of
 * @format, mapped, zeroed, with a framebuffer (ADDFB2, linear); asserts
 */
void igt_osprey_fb_create(int fd, uint32_t width, uint32_t height,
			  uint32_t format, struct igt_osprey_fb *fb)
{
	uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {};
	int ret;

	memset(fb, 0, sizeof(*fb));
	fb->fd = fd;
	fb->format = format;
	fb->width = width;
	fb->height = height;
	fb->cpp = igt_osprey_format_cpp(format);
	igt_assert_f(fb->cpp, "format %#x is not one of Osprey's\n", format);
	fb->handle = igt_osprey_dumb_create(fd, width, height, fb->cpp * 8,
					    &fb->pitch, &fb->size);
	fb->map = igt_osprey_dumb_mmap(fd, fb->handle, fb->size,
				       PROT_READ | PROT_WRITE);
	memset(fb->map, 0, fb->size);
	handles[0] = fb->handle;
	pitches[0] = fb->pitch;
	ret = drmModeAddFB2(fd, width, height, format, handles, pitches, offsets,
			    &fb->fb_id, 0);
	igt_assert_f(ret == 0, "ADDFB2 %ux%u format %#x pitch %u: %s\n", width,
		     height, format, fb->pitch, strerror(errno));
}

/**
 * igt_osprey_fb_remove: remove the framebuffer (unless @fb_id is 0), unmap
 * and destroy the buffer
 */
void igt_osprey_fb_remove(struct igt_osprey_fb *fb)
{
	if (!fb->map)
		return;
	if (fb->fb_id)
		igt_assert_f(drmModeRmFB(fb->fd, fb->fb_id) == 0, "RMFB %u: %s\n",
			     fb->fb_id, strerror(errno));
	igt_assert_eq(munmap(fb->map, fb->size), 0);
	igt_osprey_dumb_destroy(fb->fd, fb->handle);
	memset(fb, 0, sizeof(*fb));
}

static void fb_put(struct igt_osprey_fb *fb, uint32_t x, uint32_t y,
		   uint32_t word)
{
	char *p = (char *)fb->map + (size_t)y * fb->pitch + (size_t)x * fb->cpp;

	if (fb->cpp == 2) {
		uint16_t w16 = word;

		memcpy(p, &w16, 2);
	} else {
		memcpy(p, &word, 4);
	}
}

/**
 * igt_osprey_fb_word: the memory word of pixel (@x, @y) (16 bits for RGB565)
 */
uint32_t igt_osprey_fb_word(const struct igt_osprey_fb *fb, uint32_t x,
			    uint32_t y)
{
	const char *p = (const char *)fb->map + (size_t)y * fb->pitch +
			(size_t)x * fb->cpp;
	uint32_t word = 0;
	uint16_t w16;

	if (fb->cpp == 2) {
		memcpy(&w16, p, 2);
		return w16;
	}
	memcpy(&word, p, 4);
	return word;
}

/**
 * igt_osprey_fb_fill_rect: set every pixel of a rectangle to the memory
 * word @word (its low 16 bits for RGB565)
 */
void igt_osprey_fb_fill_rect(struct igt_osprey_fb *fb, uint32_t x, uint32_t y,
			     uint32_t w, uint32_t h, uint32_t word)
{
	igt_assert_lte_u32(x + w, fb->width);
	igt_assert_lte_u32(y + h, fb->height);
	for (uint32_t j = y; j < y + h; j++)
		for (uint32_t i = x; i < x + w; i++)
			fb_put(fb, i, j, word);
	__sync_synchronize();
}

/** igt_osprey_fb_fill: set every pixel to the memory word @word */
void igt_osprey_fb_fill(struct igt_osprey_fb *fb, uint32_t word)
{
	igt_osprey_fb_fill_rect(fb, 0, 0, fb->width, fb->height, word);
}

/**
 * igt_osprey_fb_pattern: noise of @seed in every pixel, every bit of the
 * memory word included (alpha, and the X byte that must be ignored)
 */
void igt_osprey_fb_pattern(struct igt_osprey_fb *fb, uint32_t seed)
{
	for (uint32_t y = 0; y < fb->height; y++)
		for (uint32_t x = 0; x < fb->width; x++)
			fb_put(fb, x, y, pattern_word((uint64_t)y * fb->width + x,
						      seed));
	__sync_synchronize();
}

/**
 * igt_osprey_div255: @x / 255 rounded to nearest, for 0 <= @x <= 65025
 */
uint32_t igt_osprey_div255(uint32_t x)
{
	return (x + 128 + ((x + 128) >> 8)) >> 8;
}

static uint32_t expand(uint32_t v, unsigned int bits)
{
	return (v << (8 - bits)) | (v >> (2 * bits - 8));
}

/**
 * igt_osprey_pixel_argb: a format's memory word as 0xAARRGGBB (alpha 0xff
 * for formats without alpha)
 */
uint32_t igt_osprey_pixel_argb(uint32_t format, uint32_t word)
{
	uint32_t r, g, b;

	switch (format) {
	case DRM_FORMAT_XRGB8888:
		return 0xff000000u | (word & 0xffffff);
	case DRM_FORMAT_ARGB8888:
		return word;
	case DRM_FORMAT_XBGR8888:
	case DRM_FORMAT_ABGR8888:
		r = word & 0xff;
		g = (word >> 8) & 0xff;
		b = (word >> 16) & 0xff;
		return (format == DRM_FORMAT_ABGR8888 ? word & 0xff000000u :
			0xff000000u) | r << 16 | g << 8 | b;
	case DRM_FORMAT_RGB565:
		r = expand((word >> 11) & 0x1f, 5);
		g = expand((word >> 5) & 0x3f, 6);
		b = expand(word & 0x1f, 5);
		return 0xff000000u | r << 16 | g << 8 | b;
	}
	igt_assert_f(false, "format %#x is not one of Osprey's\n", format);
	return 0;
}

/**
 * igt_osprey_blend_pixel: the source pixel @src_argb with plane alpha
 * @alpha drawn over the destination pixel @dst, as docs display.md says
 *
 * Returns 0x00RRGGBB.
 */
uint32_t igt_osprey_blend_pixel(uint32_t dst, uint32_t src_argb,
				uint8_t alpha, enum igt_osprey_blend blend)
{
	uint32_t pa = src_argb >> 24, a = igt_osprey_div255(pa * alpha), out = 0;

	for (unsigned int shift = 0; shift < 24; shift += 8) {
		uint32_t s = (src_argb >> shift) & 0xff, d = (dst >> shift) & 0xff;
		uint32_t c;

		switch (blend) {
		case IGT_OSPREY_BLEND_NONE:
			c = igt_osprey_div255(s * alpha + d * (255 - alpha));
			break;
		case IGT_OSPREY_BLEND_COVERAGE:
			c = igt_osprey_div255(s * a + d * (255 - a));
			break;
		default:
			c = igt_osprey_div255(s * alpha) +
			    igt_osprey_div255(d * (255 - a));
			if (c > 255)
				c = 255;
			break;
		}
		out |= c << shift;
	}
	return out;
}

static void ref_draw(uint32_t *frame, uint32_t width, uint32_t height,
		     const struct igt_osprey_ref_plane *p)
{
	const struct igt_osprey_fb *fb = p->fb;
	bool opaque = p->alpha == 255 && (fb->format == DRM_FORMAT_XRGB8888 ||
					  fb->format == DRM_FORMAT_XBGR8888 ||
					  fb->format == DRM_FORMAT_RGB565);

	igt_assert_lte_u32(p->src_x + p->w, fb->width);
	igt_assert_lte_u32(p->src_y + p->h, fb->height);
	for (uint32_t j = 0; j < p->h; j++) {
		int64_t py = (int64_t)p->y + j;

		if (py < 0 || py >= height)
			continue;
		for (uint32_t i = 0; i < p->w; i++) {
			int64_t px = (int64_t)p->x + i;
			uint32_t *dst = &frame[py * width + px];
			uint32_t src;

			if (px < 0 || px >= width)
				continue;
			src = igt_osprey_pixel_argb(fb->format,
						    igt_osprey_fb_word(fb, p->src_x + i,
								       p->src_y + j));
			*dst = opaque ? src & 0xffffff :
			       igt_osprey_blend_pixel(*dst, src, p->alpha, p->blend);
		}
	}
}

/**
 * igt_osprey_ref_compose: the frame a pipe of @width x @height with
 * background @bg composes from @planes
 *
 * Starts from @bg (its top byte ignored) and draws the planes in ascending
 * zpos, then ascending order, each clipped to the pipe.
 */
void igt_osprey_ref_compose(uint32_t *frame, uint32_t width, uint32_t height,
			    uint32_t bg, const struct igt_osprey_ref_plane *planes,
			    unsigned int n)
{
	const struct igt_osprey_ref_plane *sorted[IGT_OSPREY_MAX_PLANES];

	igt_assert_lte(n, IGT_OSPREY_MAX_PLANES);
	for (unsigned int i = 0; i < n; i++) {
		unsigned int j = i;

		while (j > 0 && (sorted[j - 1]->zpos > planes[i].zpos ||
				 (sorted[j - 1]->zpos == planes[i].zpos &&
				  sorted[j - 1]->order > planes[i].order))) {
			sorted[j] = sorted[j - 1];
			j--;
		}
		sorted[j] = &planes[i];
	}
	for (size_t i = 0; i < (size_t)width * height; i++)
		frame[i] = bg & 0xffffff;
	for (unsigned int i = 0; i < n; i++)
		ref_draw(frame, width, height, sorted[i]);
}

/* CRC-32 (IEEE 802.3, reflected, polynomial 0xedb88320), slicing by 8. */
static uint32_t crc_table[8][256];

static void crc_init(void)
{
	if (crc_table[0][1])
		return;
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^
					  crc_table[0][crc_table[t - 1][i] & 0xff];
}

static uint32_t le32_at(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/**
 * igt_osprey_crc32: zlib's crc32(): the CRC of @len bytes at @buf,
 * continuing @crc (0 to start)
 */
uint32_t igt_osprey_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc_init();
	crc = ~crc;
	for (; len >= 8; len -= 8, p += 8) {
		uint32_t lo = crc ^ le32_at(p), hi = le32_at(p + 4);

		crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		      crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		      crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
		      crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
	}
	while (len--)
		crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* Feed @n words to a CRC as little-endian bytes. */
static uint32_t crc_words(uint32_t crc, const uint32_t *words, size_t n)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return igt_osprey_crc32(crc, words, n * 4);
#else
	for (size_t i = 0; i < n; i++) {
		uint8_t b[4] = { words[i], words[i] >> 8, words[i] >> 16,
				 words[i] >> 24 };

		crc = igt_osprey_crc32(crc, b, 4);
	}
	return crc;
#endif
}

/**
 * igt_osprey_frame_crc: the CRC the display computes over a frame: rows
 * top to bottom, @width words each (@stride bytes apart), little endian
 */
uint32_t igt_osprey_frame_crc(const uint32_t *frame, uint32_t width,
			      uint32_t height, uint32_t stride)
{
	uint32_t crc = 0;

	for (uint32_t y = 0; y < height; y++)
		crc = crc_words(crc, (const uint32_t *)((const char *)frame +
							(size_t)y * stride), width);
	return crc;
}

/**
 * igt_osprey_solid_crc: the CRC of a frame of one colour, 0x00RRGGBB
 */
uint32_t igt_osprey_solid_crc(uint32_t xrgb, uint32_t width, uint32_t height)
{
	uint32_t *row = malloc(width * 4), crc;

	igt_assert(row);
	for (uint32_t i = 0; i < width; i++)
		row[i] = xrgb & 0xffffff;
	crc = igt_osprey_frame_crc(row, width, height, 0);
	free(row);
	return crc;
}

/**
 * __igt_osprey_crc_start: start capturing the CRCs of pipe @pipe's frames
 * (source "auto"); 0 or -errno
 */
int __igt_osprey_crc_start(int fd, unsigned int pipe, struct igt_osprey_crc *crc)
{
	char path[64];
	int dbg, ctl, err = 0;

	crc->dir = -1;
	crc->data = -1;
	dbg = igt_debugfs_dir(fd);
	if (dbg < 0)
		return -ENOENT;
	snprintf(path, sizeof(path), "crtc-%u/crc", pipe);
	crc->dir = openat(dbg, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	err = errno;
	close(dbg);
	if (crc->dir < 0)
		return -err;
	ctl = openat(crc->dir, "control", O_WRONLY | O_CLOEXEC);
	if (ctl < 0 || write(ctl, "auto", 4) != 4)
		err = errno ? errno : EIO;
	else
		err = 0;
	if (ctl >= 0)
		close(ctl);
	if (!err) {
		crc->data = openat(crc->dir, "data", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		err = crc->data < 0 ? errno : 0;
	}
	if (err) {
		close(crc->dir);
		crc->dir = -1;
	}
	return -err;
}

/** igt_osprey_crc_start: start capturing CRCs, asserting success */
void igt_osprey_crc_start(int fd, unsigned int pipe, struct igt_osprey_crc *crc)
{
	int ret = __igt_osprey_crc_start(fd, pipe, crc);

	igt_assert_f(ret == 0, "CRC capture of crtc-%u: %s\n", pipe,
		     strerror(-ret));
}

/** igt_osprey_crc_stop: stop capturing (closing the data file) */
void igt_osprey_crc_stop(struct igt_osprey_crc *crc)
{
	if (crc->data >= 0)
		close(crc->data);
	if (crc->dir >= 0)
		close(crc->dir);
	crc->data = -1;
	crc->dir = -1;
}

/**
 * __igt_osprey_crc_read: the next CRC entry, waiting up to @timeout_ms
 *
 * Returns 1 with @frame and @value set, 0 when none came, or -errno
 * (-EPROTO for an entry without a frame number or that does not parse).
 */
int __igt_osprey_crc_read(struct igt_osprey_crc *crc, int timeout_ms,
			  uint32_t *frame, uint32_t *value)
{
	struct pollfd pfd = { .fd = crc->data, .events = POLLIN };
	char buf[256], *end;
	ssize_t n;
	int ret;

	do {
		ret = poll(&pfd, 1, timeout_ms);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	if (ret == 0)
		return 0;
	n = read(crc->data, buf, sizeof(buf) - 1);
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	if (n == 0)
		return -ENODATA;
	buf[n] = '\0';
	if (buf[0] == 'X')
		return -EPROTO;
	errno = 0;
	*frame = strtoul(buf, &end, 16);
	if (end == buf || *end != ' ' || errno)
		return -EPROTO;
	*value = strtoul(end + 1, &end, 16);
	if (errno || (*end != '\n' && *end != ' '))
		return -EPROTO;
	return 1;
}

/**
 * igt_osprey_crc_after: the CRC of the first frame captured after frame
 * @after (in vblank sequence numbers, wrapping), skipping older entries;
 * asserts that one comes within 10 seconds. @frame (if not NULL) gets its
 * frame number.
 */
uint32_t igt_osprey_crc_after(struct igt_osprey_crc *crc, uint32_t after,
			      uint32_t *frame)
{
	int64_t deadline = igt_osprey_monotonic_ns() + 10000000000ll;
	uint32_t f = 0, v = 0;

	for (;;) {
		int64_t left = deadline - igt_osprey_monotonic_ns();
		int ret;

		igt_assert_f(left > 0, "no CRC of a frame after %u within 10 s\n",
			     after);
		ret = __igt_osprey_crc_read(crc, left / 1000000 + 1, &f, &v);
		igt_assert_f(ret >= 0, "reading CRCs: %s\n", strerror(-ret));
		if (ret && (int32_t)(f - after) > 0)
			break;
	}
	if (frame)
		*frame = f;
	return v;
}

/**
 * igt_osprey_display_debugfs: the value of @key ("update_pending",
 * "frame_count", ...) in pipe @pipe's section ("pipe P:") of the driver's
 * debugfs file "display", or -1 if there is none
 */
int64_t igt_osprey_display_debugfs(int fd, unsigned int pipe, const char *key)
{
	char *buf = igt_osprey_debugfs_read_all(fd, "display"), *line, *next;
	char section[32];
	bool in = false;
	int64_t value = -1;

	if (!buf)
		return -1;
	snprintf(section, sizeof(section), "pipe %u:", pipe);
	for (line = buf; line && *line; line = next) {
		size_t klen = strlen(key);
		char *p = line;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!strncmp(line, "pipe ", 5)) {
			in = !strcmp(line, section);
			continue;
		}
		while (*p == ' ')
			p++;
		if (in && !strncmp(p, key, klen) && p[klen] == ':') {
			value = strtoll(p + klen + 1, NULL, 0);
			break;
		}
	}
	free(buf);
	return value;
}

/* The DRM_VBLANK_* bits that select @pipe. */
static uint32_t vblank_pipe(unsigned int pipe)
{
	if (pipe == 0)
		return 0;
	if (pipe == 1)
		return DRM_VBLANK_SECONDARY;
	return (pipe << DRM_VBLANK_HIGH_CRTC_SHIFT) & DRM_VBLANK_HIGH_CRTC_MASK;
}

/**
 * __igt_osprey_wait_vblank: DRM_IOCTL_WAIT_VBLANK of @type
 * (DRM_VBLANK_RELATIVE or _ABSOLUTE, with flags) for @sequence on @pipe
 *
 * Returns 0 with the reply's sequence in @seq and its time in @ts_us
 * (either may be NULL), or -errno.
 */
int __igt_osprey_wait_vblank(int fd, unsigned int pipe, uint32_t type,
			     uint32_t sequence, uint32_t *seq, uint64_t *ts_us)
{
	drmVBlank vbl = {};

	vbl.request.type = type | vblank_pipe(pipe);
	vbl.request.sequence = sequence;
	if (drmWaitVBlank(fd, &vbl))
		return -errno;
	if (seq)
		*seq = vbl.reply.sequence;
	if (ts_us)
		*ts_us = (uint64_t)vbl.reply.tval_sec * 1000000 + vbl.reply.tval_usec;
	return 0;
}

/**
 * igt_osprey_vblank_count: @pipe's vblank counter and the time of its
 * last vblank (asserting success)
 */
uint32_t igt_osprey_vblank_count(int fd, unsigned int pipe, uint64_t *ts_us)
{
	uint32_t seq = 0;
	int ret = __igt_osprey_wait_vblank(fd, pipe, DRM_VBLANK_RELATIVE, 0,
					   &seq, ts_us);

	igt_assert_f(ret == 0, "vblank query of pipe %u: %s\n", pipe,
		     strerror(-ret));
	return seq;
}

/**
 * igt_osprey_wait_vblank: wait for @n vblanks of @pipe (asserting
 * success); the sequence reached and its time
 */
uint32_t igt_osprey_wait_vblank(int fd, unsigned int pipe, uint32_t n,
				uint64_t *ts_us)
{
	uint32_t seq = 0;
	int ret = __igt_osprey_wait_vblank(fd, pipe, DRM_VBLANK_RELATIVE, n,
					   &seq, ts_us);

	igt_assert_f(ret == 0, "waiting for %u vblanks of pipe %u: %s\n", n,
		     pipe, strerror(-ret));
	return seq;
}

/**
 * igt_osprey_read_event: read one DRM event from @fd, waiting up to
 * @timeout_ms
 *
 * Returns 1 with @ev filled (page flip and vblank events; any other event
 * only has @type), 0 when none came, or -errno.
 */
int igt_osprey_read_event(int fd, int timeout_ms, struct igt_osprey_event *ev)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	union {
		struct drm_event base;
		struct drm_event_vblank vbl;
		char bytes[256];
	} buf;
	ssize_t n;
	int ret;

	do {
		ret = poll(&pfd, 1, timeout_ms);
	} while (ret < 0 && errno == EINTR);
	if (ret <= 0)
		return ret < 0 ? -errno : 0;
	/* A buffer of one event's size: read() returns whole events only. */
	n = read(fd, &buf, sizeof(struct drm_event_vblank));
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	igt_assert_lte((int)sizeof(struct drm_event), n);
	memset(ev, 0, sizeof(*ev));
	ev->type = buf.base.type;
	if ((ev->type == DRM_EVENT_VBLANK || ev->type == DRM_EVENT_FLIP_COMPLETE) &&
	    n >= (ssize_t)sizeof(buf.vbl)) {
		ev->sequence = buf.vbl.sequence;
		ev->ts_us = (uint64_t)buf.vbl.tv_sec * 1000000 + buf.vbl.tv_usec;
		ev->crtc_id = buf.vbl.crtc_id;
		ev->user_data = buf.vbl.user_data;
	}
	return 1;
}

/**
 * igt_osprey_fence_wait: wait up to @timeout_ms for a sync_file
 *
 * Returns 0 when it signalled without error, the fence's error when it
 * signalled with one, -ETIMEDOUT, or another -errno.
 */
int igt_osprey_fence_wait(int fence, int timeout_ms)
{
	struct pollfd pfd = { .fd = fence, .events = POLLIN };
	struct sync_file_info info = {};
	int ret;

	do {
		ret = poll(&pfd, 1, timeout_ms);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	if (ret == 0)
		return -ETIMEDOUT;
	if (ioctl(fence, SYNC_IOC_FILE_INFO, &info))
		return -errno;
	return info.status < 0 ? info.status : 0;
}

/**
 * igt_osprey_uevent_open: a socket receiving the kernel's uevents
 */
int igt_osprey_uevent_open(void)
{
	struct sockaddr_nl addr = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1,		/* the kernel's own uevents */
	};
	int sock, size = 1 << 20;

	sock = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		      NETLINK_KOBJECT_UEVENT);
	igt_assert_f(sock >= 0, "uevent socket: %s\n", strerror(errno));
	setsockopt(sock, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	igt_assert_f(bind(sock, (struct sockaddr *)&addr, sizeof(addr)) == 0,
		     "binding the uevent socket: %s\n", strerror(errno));
	return sock;
}

/** igt_osprey_uevent_drain: drop the uevents received so far */
void igt_osprey_uevent_drain(int sock)
{
	char buf[4096];

	while (recv(sock, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

/* Whether a uevent is a DRM hotplug event of /dev/dri/card@card (any: -1). */
static bool uevent_is_hotplug(const char *msg, size_t len, int card)
{
	bool drm = false, hotplug = false, ours = card < 0;
	char devname[32];

	snprintf(devname, sizeof(devname), "DEVNAME=dri/card%d", card);
	for (size_t i = 0; i < len; i += strlen(msg + i) + 1) {
		const char *kv = msg + i;

		drm |= !strcmp(kv, "SUBSYSTEM=drm");
		hotplug |= !strcmp(kv, "HOTPLUG=1");
		ours |= !strcmp(kv, devname);
	}
	return drm && hotplug && ours;
}

/**
 * igt_osprey_uevent_wait_hotplug: wait up to @timeout_ms for a DRM uevent
 * with HOTPLUG=1 of card @card (-1: any card)
 *
 * Returns 1 when one came, 0 when none did.
 */
int igt_osprey_uevent_wait_hotplug(int sock, int card, int timeout_ms)
{
	int64_t deadline = igt_osprey_monotonic_ns() + timeout_ms * 1000000ll;
	char buf[8192];

	for (;;) {
		int64_t left = deadline - igt_osprey_monotonic_ns();
		struct pollfd pfd = { .fd = sock, .events = POLLIN };
		ssize_t n;

		if (left <= 0)
			return 0;
		if (poll(&pfd, 1, left / 1000000 + 1) <= 0)
			continue;
		n = recv(sock, buf, sizeof(buf) - 1, MSG_DONTWAIT);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		if (uevent_is_hotplug(buf, n, card))
			return 1;
	}
}

/**
 * igt_osprey_host_share: the directory shared with the host
 * (OSPREY_HOST_SHARE), or NULL
 */
const char *igt_osprey_host_share(void)
{
	const char *share = getenv("OSPREY_HOST_SHARE");

	return share && *share ? share : NULL;
}

/* Skip PPM whitespace and comments, then read a decimal number. */
static bool ppm_number(const char *buf, size_t len, size_t *pos, uint32_t *v)
{
	uint64_t n = 0;
	size_t start;

	for (;;) {
		while (*pos < len && strchr(" \t\r\n", buf[*pos]))
			(*pos)++;
		if (*pos < len && buf[*pos] == '#') {
			while (*pos < len && buf[*pos] != '\n')
				(*pos)++;
			continue;
		}
		break;
	}
	start = *pos;
	while (*pos < len && buf[*pos] >= '0' && buf[*pos] <= '9' && n < 1u << 20)
		n = n * 10 + (buf[(*pos)++] - '0');
	*v = n;
	return *pos > start && n < 1u << 20;
}

/* Decode a binary PPM (P6, maxval 255) into 0x00RRGGBB words. */
static int ppm_decode(const char *buf, size_t len, uint32_t **pixels,
		      uint32_t *width, uint32_t *height)
{
	uint32_t w, h, maxval;
	size_t pos = 2;

	if (len < 2 || buf[0] != 'P' || buf[1] != '6' ||
	    !ppm_number(buf, len, &pos, &w) || !ppm_number(buf, len, &pos, &h) ||
	    !ppm_number(buf, len, &pos, &maxval) || maxval != 255 || pos >= len)
		return -EINVAL;
	pos++;	/* the single whitespace before the raster */
	if (len - pos < (size_t)w * h * 3)
		return -EINVAL;
	*pixels = malloc((size_t)w * h * 4 + 4);
	if (!*pixels)
		return -ENOMEM;
	for (size_t i = 0; i < (size_t)w * h; i++) {
		const uint8_t *rgb = (const uint8_t *)buf + pos + 3 * i;

		(*pixels)[i] = rgb[0] << 16 | rgb[1] << 8 | rgb[2];
	}
	*width = w;
	*height = h;
	return 0;
}

/**
 * igt_osprey_host_screenshot: ask the host for a screenshot of virtio-gpu
 * scanout @head and wait up to @timeout_ms for it
 *
 * Writes <share>/@name.req ("head=@head"), waits for <share>/@name.done
 * ("ok ppm WxH" or "error MESSAGE") and reads <share>/@name.ppm, which it
 * decodes into @pixels (malloc()ed 0x00RRGGBB words, @width per row).
 * @name is letters, digits, '_', '-' and '.'. Returns 0, -ENOENT without
 * OSPREY_HOST_SHARE, -ETIMEDOUT, -EIO when the host says "error" (logged),
 * -EINVAL for a file that is not a P6 PPM, or another -errno.
 */
int igt_osprey_host_screenshot(const char *name, unsigned int head,
			       unsigned int timeout_ms, uint32_t **pixels,
			       uint32_t *width, uint32_t *height)
{
	const char *share = igt_osprey_host_share();
	char req[PATH_MAX], tmp[PATH_MAX], done[PATH_MAX], ppm[PATH_MAX];
	char options[32], *buf;
	size_t len = 0;
	int file, ret;

	if (!share)
		return -ENOENT;
	snprintf(req, sizeof(req), "%s/%s.req", share, name);
	snprintf(tmp, sizeof(tmp), "%s/%s.req.tmp", share, name);
	snprintf(done, sizeof(done), "%s/%s.done", share, name);
	snprintf(ppm, sizeof(ppm), "%s/%s.ppm", share, name);
	unlink(done);
	unlink(ppm);
	/* A request with options appears whole: written aside, then renamed. */
	file = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (file < 0)
		return -errno;
	snprintf(options, sizeof(options), "head=%u\n", head);
	ret = write(file, options, strlen(options)) < 0 ? -errno : 0;
	close(file);
	if (!ret && rename(tmp, req))
		ret = -errno;
	if (ret)
		return ret;
	if (!igt_wait(access(done, F_OK) == 0, timeout_ms, 20))
		return -ETIMEDOUT;
	buf = igt_osprey_read_file(done, NULL);
	if (!buf)
		return -errno;
	if (strncmp(buf, "ok ", 3)) {
		igt_info("screenshot %s: the host says: %s", name, buf);
		free(buf);
		return -EIO;
	}
	free(buf);
	buf = igt_osprey_read_file(ppm, &len);
	if (!buf)
		return -errno;
	ret = ppm_decode(buf, len, pixels, width, height);
	free(buf);
	unlink(done);
	unlink(ppm);
	return ret;
}
