// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <xf86drm.h>

#include "igt.h"
#include "igt_osprey.h"

IGT_TEST_DESCRIPTION("PRIME on Osprey: dma-buf export, import, mmap and sharing with vgem.");

/* The CPU page size, which is the kernel's PAGE_SIZE. */
static uint64_t ps;

/* Whether two fds are the same dma-buf (each dma-buf has its own inode). */
static bool same_file(int a, int b)
{
	struct stat sa, sb;

	igt_assert_eq(fstat(a, &sa), 0);
	igt_assert_eq(fstat(b, &sb), 0);
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Check a dma-buf mapping holds @seed's pattern, inside a CPU-access bracket. */
static void dmabuf_assert_pattern(int dmabuf, const void *ptr, uint64_t size,
				  uint32_t seed)
{
	igt_osprey_dmabuf_sync(dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
	igt_osprey_assert_pattern(ptr, size, seed);
	igt_osprey_dmabuf_sync(dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
}

/* Write @seed's pattern through a dma-buf mapping, inside a CPU-access bracket. */
static void dmabuf_fill(int dmabuf, void *ptr, uint64_t size, uint32_t seed)
{
	igt_osprey_dmabuf_sync(dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE);
	igt_osprey_fill(ptr, size, seed);
	igt_osprey_dmabuf_sync(dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE);
}

static void test_self_import(int fd)
{
	uint64_t size = 2 * ps;
	int count = igt_osprey_gem_count(fd);
	struct drm_osprey_gem_info info;
	uint32_t handle;
	int dmabuf, again;

	handle = igt_osprey_gem_create(fd, size);
	dmabuf = igt_osprey_prime_export(fd, handle);
	igt_assert_eq_u32(igt_osprey_prime_import(fd, dmabuf), handle);
	igt_assert_eq_u32(igt_osprey_prime_import(fd, dmabuf), handle);
	/* No new object: the import found the exported one. */
	igt_assert_eq(igt_osprey_gem_count(fd), count + 1);

	/* Exporting again gives the same dma-buf. */
	again = igt_osprey_prime_export(fd, handle);
	igt_assert(same_file(dmabuf, again));
	igt_assert_eq_u32(igt_osprey_prime_import(fd, again), handle);

	igt_osprey_gem_info(fd, handle, &info);
	igt_assert_eq_u64(info.size, size);
	igt_assert_eq_u32(info.info, DRM_OSPREY_GEM_INFO_EXPORTED);

	close(again);
	close(dmabuf);
	/* The imports added no reference to the handle: one close frees it. */
	gem_close(fd, handle);
	igt_assert_eq(__igt_osprey_gem_info(fd, handle, &info), -ENOENT);
	igt_assert_eq(igt_osprey_gem_count(fd), count);
}

static void test_two_files(int a)
{
	uint64_t size = 4 * ps;
	int b = drm_open_driver_render(DRIVER_OSPREY);
	int count = igt_osprey_gem_count(a);
	struct drm_osprey_gem_info info;
	uint32_t ha, hb;
	void *pa, *pb;
	int dmabuf;

	ha = igt_osprey_gem_create(a, size);
	dmabuf = igt_osprey_prime_export(a, ha);
	hb = igt_osprey_prime_import(b, dmabuf);
	close(dmabuf);
	/* Both files name the same object. */
	igt_assert_eq(igt_osprey_gem_count(a), count + 1);

	igt_osprey_gem_info(b, hb, &info);
	igt_assert_eq_u64(info.size, size);
	igt_assert_eq_u32(info.create_flags, 0);
	/* It is Osprey's own object, shared, not a foreign import. */
	igt_assert_eq_u32(info.info, DRM_OSPREY_GEM_INFO_EXPORTED);

	pa = igt_osprey_gem_mmap(a, ha, size, PROT_READ | PROT_WRITE);
	pb = igt_osprey_gem_mmap(b, hb, size, PROT_READ | PROT_WRITE);
	igt_osprey_fill(pa, size, 0x6001);
	igt_osprey_assert_pattern(pb, size, 0x6001);
	igt_osprey_fill(pb, size, 0x6002);
	igt_osprey_assert_pattern(pa, size, 0x6002);

	/* A's handle and mapping go; B's handle keeps the object. */
	igt_assert_eq(munmap(pa, size), 0);
	gem_close(a, ha);
	igt_assert_eq(igt_osprey_gem_count(a), count + 1);
	igt_osprey_gem_info(b, hb, &info);
	igt_osprey_assert_pattern(pb, size, 0x6002);

	igt_assert_eq(munmap(pb, size), 0);
	gem_close(b, hb);
	igt_assert_eq(igt_osprey_gem_count(a), count);
	drm_close_driver(b);
}

static void test_dmabuf_keeps_alive(int fd)
{
	uint64_t size = 2 * ps;
	int count = igt_osprey_gem_count(fd);
	struct drm_osprey_gem_info info;
	uint32_t handle, again;
	void *ptr, *map;
	int dmabuf;

	/* Written through GEM, then only the dma-buf holds it. */
	handle = igt_osprey_gem_create(fd, size);
	ptr = igt_osprey_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
	igt_osprey_fill(ptr, size, 0x7001);
	igt_assert_eq(munmap(ptr, size), 0);
	dmabuf = igt_osprey_prime_export(fd, handle);
	gem_close(fd, handle);
	igt_assert_eq(__igt_osprey_gem_info(fd, handle, &info), -ENOENT);
	igt_assert_eq(igt_osprey_gem_count(fd), count + 1);

	map = igt_osprey_dmabuf_mmap(dmabuf, size, PROT_READ | PROT_WRITE);
	dmabuf_assert_pattern(dmabuf, map, size, 0x7001);
	igt_assert_eq(munmap(map, size), 0);

	/* Importing it again gives a handle to the same object and data. */
	again = igt_osprey_prime_import(fd, dmabuf);
	igt_assert_eq(igt_osprey_gem_count(fd), count + 1);
	ptr = igt_osprey_gem_mmap(fd, again, size, PROT_READ);
	igt_osprey_assert_pattern(ptr, size, 0x7001);
	igt_assert_eq(munmap(ptr, size), 0);
	gem_close(fd, again);
	igt_assert_eq(igt_osprey_gem_count(fd), count + 1);

	/* The object goes when the dma-buf fd is closed. */
	close(dmabuf);
	igt_assert_eq(igt_osprey_gem_count(fd), count);

	/* A mapping of the dma-buf holds it past the close of its fd. */
	handle = igt_osprey_gem_create(fd, size);
	dmabuf = igt_osprey_prime_export(fd, handle);
	gem_close(fd, handle);
	map = igt_osprey_dmabuf_mmap(dmabuf, size, PROT_READ | PROT_WRITE);
	close(dmabuf);
	igt_assert_eq(igt_osprey_gem_count(fd), count + 1);
	igt_osprey_fill(map, size, 0x7002);
	igt_osprey_assert_pattern(map, size, 0x7002);
	igt_assert_eq(munmap(map, size), 0);
	igt_assert_eq(igt_osprey_gem_count(fd), count);
}

static void test_dmabuf_mmap(int fd)
{
	uint64_t size = 4 * ps;
	uint32_t handle = igt_osprey_gem_create(fd, size);
	void *gem, *map;
	int dmabuf;

	gem = igt_osprey_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
	dmabuf = igt_osprey_prime_export(fd, handle);
	map = igt_osprey_dmabuf_mmap(dmabuf, size, PROT_READ | PROT_WRITE);

	igt_osprey_fill(gem, size, 0x8001);
	dmabuf_assert_pattern(dmabuf, map, size, 0x8001);
	dmabuf_fill(dmabuf, map, size, 0x8002);
	igt_osprey_assert_pattern(gem, size, 0x8002);

	/* The dma-buf is as big as the object, no bigger. */
	errno = 0;
	igt_assert(mmap(NULL, size + ps, PROT_READ, MAP_SHARED, dmabuf, 0) == MAP_FAILED);
	igt_assert_eq(errno, EINVAL);

	igt_assert_eq(munmap(map, size), 0);
	igt_assert_eq(munmap(gem, size), 0);
	close(dmabuf);
	gem_close(fd, handle);
}

static void test_vgem_import(int fd, int vgem)
{
	struct igt_osprey_debugfs_bo bo;
	struct drm_osprey_gem_info info;
	uint32_t vhandle, handle, pitch;
	int count, dmabuf;
	void *vmap, *map;
	uint64_t size;

	vhandle = igt_osprey_dumb_create(vgem, 64, 64, 32, &pitch, &size);
	igt_assert_lte_u64((uint64_t)pitch * 64, size);
	vmap = igt_osprey_dumb_mmap(vgem, vhandle, size, PROT_READ | PROT_WRITE);
	igt_osprey_fill(vmap, size, 0x9001);
	dmabuf = igt_osprey_prime_export(vgem, vhandle);

	count = igt_osprey_gem_count(fd);
	handle = igt_osprey_prime_import(fd, dmabuf);
	igt_assert_eq(igt_osprey_gem_count(fd), count + 1);
	/* Importing the same dma-buf again finds the same object. */
	igt_assert_eq_u32(igt_osprey_prime_import(fd, dmabuf), handle);
	igt_assert_eq(igt_osprey_gem_count(fd), count + 1);

	igt_osprey_gem_info(fd, handle, &info);
	igt_assert_eq_u64(info.size, size);
	igt_assert_eq_u32(info.create_flags, 0);
	igt_assert_eq_u32(info.info, DRM_OSPREY_GEM_INFO_IMPORTED);

	igt_osprey_gem_set_label(fd, handle, "osprey-prime-vgem-import");
	igt_assert_eq(igt_osprey_gem_objects_find(fd, "osprey-prime-vgem-import", &bo), 1);
	igt_assert_eq_u64(bo.size, size);
	igt_assert_eq(bo.imported, 1);
	igt_assert_eq(bo.exported, 0);
	igt_assert_eq(bo.handles, 1);

	/* Osprey maps it through vgem: the data is shared both ways. */
	map = igt_osprey_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
	igt_osprey_assert_pattern(map, size, 0x9001);
	igt_osprey_fill(map, size, 0x9002);
	igt_osprey_assert_pattern(vmap, size, 0x9002);

	igt_assert_eq(munmap(map, size), 0);
	gem_close(fd, handle);
	igt_assert_eq(igt_osprey_gem_count(fd), count);
	igt_assert_eq(igt_osprey_gem_objects_find(fd, "osprey-prime-vgem-import", NULL), 0);

	close(dmabuf);
	igt_assert_eq(munmap(vmap, size), 0);
	gem_close(vgem, vhandle);
}

static void test_vgem_export(int fd, int vgem)
{
	uint64_t size = 4 * ps;
	int count = igt_osprey_gem_count(fd);
	struct drm_osprey_gem_info info;
	uint32_t handle, vhandle;
	int dmabuf, vdmabuf;
	void *map, *vmap;

	handle = igt_osprey_gem_create(fd, size);
	map = igt_osprey_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
	igt_osprey_fill(map, size, 0xa001);
	dmabuf = igt_osprey_prime_export(fd, handle);

	/* vgem attaches to the dma-buf and maps it for its own use. */
	vhandle = igt_osprey_prime_import(vgem, dmabuf);
	igt_assert_eq(igt_osprey_gem_count(fd), count + 1);
	igt_osprey_gem_info(fd, handle, &info);
	igt_assert_eq_u32(info.info, DRM_OSPREY_GEM_INFO_EXPORTED);

	/*
	 * vgem has no CPU mapping of its own for an imported object (the DRM
	 * core refuses MAP_DUMB on one): what vgem shares is the dma-buf it
	 * re-exports, which must be Osprey's.
	 */
	vdmabuf = igt_osprey_prime_export(vgem, vhandle);
	igt_assert(same_file(dmabuf, vdmabuf));
	igt_assert_eq_u32(igt_osprey_prime_import(fd, vdmabuf), handle);

	vmap = igt_osprey_dmabuf_mmap(vdmabuf, size, PROT_READ | PROT_WRITE);
	dmabuf_assert_pattern(vdmabuf, vmap, size, 0xa001);
	dmabuf_fill(vdmabuf, vmap, size, 0xa002);
	igt_osprey_assert_pattern(map, size, 0xa002);

	/* Osprey lets go of everything: vgem's import keeps the object. */
	igt_assert_eq(munmap(map, size), 0);
	close(dmabuf);
	gem_close(fd, handle);
	igt_assert_eq(igt_osprey_gem_count(fd), count + 1);
	dmabuf_fill(vdmabuf, vmap, size, 0xa003);
	dmabuf_assert_pattern(vdmabuf, vmap, size, 0xa003);

	igt_assert_eq(munmap(vmap, size), 0);
	close(vdmabuf);
	igt_assert_eq(igt_osprey_gem_count(fd), count + 1);
	gem_close(vgem, vhandle);
	igt_assert_eq(igt_osprey_gem_count(fd), count);
}

static void import_err(int fd, int bad, int err)
{
	uint32_t handle = 0;

	errno = 0;
	igt_assert_eq(drmPrimeFDToHandle(fd, bad, &handle), -1);
	igt_assert_eq(errno, err);
}

static void test_import_bad_fd(int fd)
{
	int count = igt_osprey_gem_count(fd);
	int null, pipes[2], closed;

	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	igt_assert_fd(null);
	igt_assert_eq(pipe(pipes), 0);

	/* Open files that are not dma-bufs. */
	import_err(fd, null, EINVAL);
	import_err(fd, pipes[0], EINVAL);
	import_err(fd, pipes[1], EINVAL);
	import_err(fd, fd, EINVAL);

	/* Numbers that are no open file. */
	closed = dup(null);
	igt_assert_fd(closed);
	close(closed);
	import_err(fd, closed, EBADF);
	import_err(fd, -1, EBADF);

	close(pipes[0]);
	close(pipes[1]);
	close(null);
	igt_assert_eq(igt_osprey_gem_count(fd), count);
}

static void export_err(int fd, uint32_t handle, int err)
{
	int dmabuf = -1;

	errno = 0;
	igt_assert_eq(drmPrimeHandleToFD(fd, handle, DRM_CLOEXEC | DRM_RDWR, &dmabuf), -1);
	igt_assert_eq(errno, err);
}

static void test_export_bad_handle(int fd)
{
	int fresh = drm_open_driver_render(DRIVER_OSPREY);
	const uint32_t handles[] = { 0, 1, 0xffffffff };
	uint32_t handle;

	/* A fresh file has no handles at all. */
	for (unsigned int i = 0; i < ARRAY_SIZE(handles); i++)
		export_err(fresh, handles[i], ENOENT);
	/* Nor does it have the handles of another file. */
	handle = igt_osprey_gem_create(fd, ps);
	export_err(fresh, handle, ENOENT);
	gem_close(fd, handle);
	/* A closed handle names nothing. */
	export_err(fd, handle, ENOENT);
	drm_close_driver(fresh);
}

int igt_main()
{
	int fd = -1, vgem = -1, start_count = 0;

	igt_fixture() {
		fd = drm_open_driver_render(DRIVER_OSPREY);
		igt_require_osprey(fd);
		ps = sysconf(_SC_PAGESIZE);
		start_count = igt_osprey_gem_count(fd);
	}

	igt_describe("Importing an exported object on its own file gives back its handle.");
	igt_subtest("self-import")
		test_self_import(fd);

	igt_describe("One object shared by two files: each writes, the other reads.");
	igt_subtest("two-files")
		test_two_files(fd);

	igt_describe("An exported object outlives its handle until the dma-buf goes.");
	igt_subtest("dmabuf-keeps-alive")
		test_dmabuf_keeps_alive(fd);

	igt_describe("The dma-buf's own mmap shares data with the GEM mapping, both ways.");
	igt_subtest("dmabuf-mmap")
		test_dmabuf_mmap(fd);

	igt_describe("drmPrimeFDToHandle of a file that is no dma-buf fails.");
	igt_subtest("import-bad-fd")
		test_import_bad_fd(fd);

	igt_describe("drmPrimeHandleToFD of a handle that names nothing gives -ENOENT.");
	igt_subtest("export-bad-handle")
		test_export_bad_handle(fd);

	igt_subtest_group() {
		igt_fixture() {
			vgem = drm_open_driver(DRIVER_VGEM);
			igt_require(vgem >= 0);
		}

		igt_describe("A vgem buffer imported into Osprey: imported, mapped, coherent.");
		igt_subtest("vgem-import")
			test_vgem_import(fd, vgem);

		igt_describe("An Osprey buffer imported by vgem: shared, coherent, kept alive.");
		igt_subtest("vgem-export")
			test_vgem_export(fd, vgem);

		igt_fixture() {
			drm_close_driver(vgem);
			vgem = -1;
		}
	}

	igt_fixture() {
		/* Every subtest cleaned up after itself: nothing leaked. */
		igt_assert_eq(igt_osprey_gem_count(fd), start_count);
		drm_close_driver(fd);
	}
}
