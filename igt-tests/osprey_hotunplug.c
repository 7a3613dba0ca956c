// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/sync_file.h>
#include <xf86drm.h>

#include "igt.h"
#include "igt_kmod.h"
#include "igt_osprey.h"
#include "libosprey.h"
#include "osprey_isa.h"

IGT_TEST_DESCRIPTION("Unbind, rebind and reload Osprey, with and without open files.");

#define DRIVER_DIR "/sys/bus/platform/drivers/osprey"

/* Name of the first Osprey device, found through a short-lived fd. */
static void first_device(char *name, size_t len)
{
	int fd = drm_open_driver(DRIVER_OSPREY);

	igt_require_osprey(fd);
	igt_assert_eq(igt_osprey_device_name(fd, name, len), 0);
	drm_close_driver(fd);
}

static bool bound(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), DRIVER_DIR "/%s", name);
	return access(path, F_OK) == 0;
}

static void unbind_device(const char *name)
{
	igt_assert_eq(igt_osprey_sysfs_write(DRIVER_DIR "/unbind", name), 0);
	igt_assert(!bound(name));
}

static void bind_device(const char *name)
{
	igt_assert_eq(igt_osprey_sysfs_write(DRIVER_DIR "/bind", name), 0);
	igt_assert(bound(name));
}

/* A freshly opened device answers on both nodes. */
static void check_working(void)
{
	int primary = drm_open_driver(DRIVER_OSPREY);
	int render = drm_open_driver_render(DRIVER_OSPREY);

	igt_assert_eq_u64(igt_osprey_get_param(primary, DRM_OSPREY_PARAM_GPU_MODEL), 1);
	igt_assert_eq_u64(igt_osprey_get_param(render, DRM_OSPREY_PARAM_GPU_MODEL), 1);
	drm_close_driver(render);
	drm_close_driver(primary);
}

static void reload_sim(const char *opts)
{
	igt_assert_eq(igt_kmod_unload("osprey"), 0);
	igt_assert_eq(igt_kmod_unload("osprey_sim"), 0);
	igt_assert_eq(igt_kmod_load("osprey_sim", opts), 0);
	igt_assert_eq(igt_kmod_load("osprey", NULL), 0);
}

/* The status of a sync_file once it signals: 1, or the fence's error. */
static int sync_file_status(int sync_file)
{
	struct pollfd pfd = { .fd = sync_file, .events = POLLIN };

	igt_assert_eq(poll(&pfd, 1, 10000), 1);
	return osp_sync_file_status(sync_file, true, NULL);
}

/*
 * Unbind while one job is stuck in SEM_WAIT on the engine and another is
 * queued behind it: both must complete with -ENODEV, nothing may leak, and
 * the files must close cleanly afterwards.
 */
static void unbind_with_jobs(const char *name)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	struct osp_dev *dev = osp_dev_wrap(fd);
	struct osp_vm *vm = osp_vm_default(dev);
	struct drm_osprey_sync out[2] = {};
	uint32_t wait[4], queue;
	struct osp_batch *batch;
	struct osp_bo *flag;
	int sync_file[2];
	uint64_t flag_va;
	const struct osprey_insn sem = {
		.opcode = OSPREY_OP_SEM_WAIT, .modifier = OSPREY_CMP_EQ, .value = 1,
	};
	struct osprey_insn insn = sem;

	igt_assert(dev && vm);
	flag = osp_bo_new_mapped(vm, 4096, &flag_va);
	batch = osp_batch_new(vm, 4096);
	igt_assert(flag && batch);
	insn.va = flag_va;
	igt_assert_eq(osprey_insn_encode(&insn, wait, 4), 4);
	igt_assert_eq(osp_batch_emit(batch, wait, 4), 0);
	igt_assert_eq(osp_batch_end(batch), 0);
	igt_assert_eq(osp_queue_create(dev, vm, DRM_OSPREY_QUEUE_PRIORITY_NORMAL, &queue), 0);

	for (int i = 0; i < 2; i++) {
		igt_assert_eq(osp_syncobj_create(dev, &out[i].handle), 0);
		igt_assert_eq(osp_batch_submit(batch, queue, NULL, 0, &out[i], 1), 0);
		igt_assert_eq(drmSyncobjExportSyncFile(fd, out[i].handle, &sync_file[i]), 0);
	}
	/* The first job waits on the engine: neither fence has signalled. */
	usleep(100000);
	for (int i = 0; i < 2; i++) {
		struct pollfd pfd = { .fd = sync_file[i], .events = POLLIN };

		igt_assert_eq(poll(&pfd, 1, 0), 0);
	}

	unbind_device(name);
	for (int i = 0; i < 2; i++) {
		igt_assert_eq(sync_file_status(sync_file[i]), -ENODEV);
		close(sync_file[i]);
	}

	/* Everything the file holds goes with -ENODEV ioctls and a close. */
	igt_assert_eq(osp_queue_destroy(dev, queue), -ENODEV);
	osp_batch_del(batch);
	osp_bo_del(flag);
	osp_vm_del(vm);
	osp_dev_close(dev);
	drm_close_driver(fd);
	bind_device(name);
	check_working();
}

/*
 * A sync_file of a job outlives its device: after unbind and the last
 * close, asking it for its fences' names and status (SYNC_IOC_FILE_INFO)
 * must still work. The scheduler's fences name their timeline through the
 * scheduler, which the driver keeps until the module goes; on the debug
 * kernel, KASAN reported the read of freed memory this guards against.
 */
static void sync_file_after_release(const char *name)
{
	int fd = drm_open_driver_render(DRIVER_OSPREY);
	struct osp_dev *dev = osp_dev_wrap(fd);
	struct osp_vm *vm = osp_vm_default(dev);
	struct drm_osprey_sync out = {};
	struct sync_fence_info fence = {};
	struct sync_file_info info = {};
	struct osp_batch *batch;
	uint32_t queue;
	int sync_file;

	igt_assert(dev && vm);
	batch = osp_batch_new(vm, 4096);
	igt_assert(batch);
	igt_assert_eq(osp_batch_nop(batch), 0);
	igt_assert_eq(osp_batch_end(batch), 0);
	igt_assert_eq(osp_queue_create(dev, vm, DRM_OSPREY_QUEUE_PRIORITY_NORMAL, &queue), 0);
	igt_assert_eq(osp_syncobj_create(dev, &out.handle), 0);
	igt_assert_eq(osp_batch_submit(batch, queue, NULL, 0, &out, 1), 0);
	igt_assert_eq(drmSyncobjExportSyncFile(fd, out.handle, &sync_file), 0);
	igt_assert_eq(sync_file_status(sync_file), 1);

	/* Everything else goes: the device is released. */
	osp_batch_del(batch);
	osp_vm_del(vm);
	osp_dev_close(dev);
	drm_close_driver(fd);
	unbind_device(name);

	info.num_fences = 1;
	info.sync_fence_info = to_user_pointer(&fence);
	do_ioctl(sync_file, SYNC_IOC_FILE_INFO, &info);
	igt_info("after release: fence of \"%s\" on \"%s\", status %d\n",
		 fence.driver_name, fence.obj_name, fence.status);
	igt_assert_eq(fence.status, 1);
	igt_assert(!strcmp(fence.obj_name, "osprey-engine0"));
	close(sync_file);

	bind_device(name);
	check_working();
}

int igt_main()
{
	char name[64] = "";

	igt_fixture() {
		first_device(name, sizeof(name));
	}

	igt_describe("Unbind and rebind through sysfs with no file open.");
	igt_subtest("unbind-rebind") {
		for (int i = 0; i < 3; i++) {
			unbind_device(name);
			igt_assert_eq(igt_osprey_count_render_nodes(), 0);
			bind_device(name);
			check_working();
		}
	}

	igt_describe("Unbind with files open: they get -ENODEV, and rebind works.");
	igt_subtest("unbind-with-open-fd") {
		int primary = drm_open_driver(DRIVER_OSPREY);
		int render = drm_open_driver_render(DRIVER_OSPREY);
		struct drm_osprey_get_param gp = { .param = DRM_OSPREY_PARAM_GPU_MODEL };
		struct drm_version version = {};

		unbind_device(name);
		do_ioctl_err(render, DRM_IOCTL_OSPREY_GET_PARAM, &gp, ENODEV);
		do_ioctl_err(primary, DRM_IOCTL_OSPREY_GET_PARAM, &gp, ENODEV);
		do_ioctl_err(primary, DRM_IOCTL_VERSION, &version, ENODEV);
		/* Rebind while the old files are still open. */
		bind_device(name);
		check_working();
		do_ioctl_err(render, DRM_IOCTL_OSPREY_GET_PARAM, &gp, ENODEV);
		drm_close_driver(render);
		drm_close_driver(primary);
		check_working();
	}

	igt_describe("Unbind with a job stuck on the engine and one queued: both get -ENODEV.");
	igt_subtest("unbind-with-jobs-in-flight")
		unbind_with_jobs(name);

	igt_describe("A job's sync_file still answers after its device is released.");
	igt_subtest("sync-file-after-release")
		sync_file_after_release(name);

	igt_describe("Unload and reload the driver module.");
	igt_subtest("module-reload") {
		for (int i = 0; i < 3; i++) {
			igt_assert_eq(igt_kmod_unload("osprey"), 0);
			igt_assert(!igt_kmod_is_loaded("osprey"));
			igt_assert_eq(igt_osprey_count_render_nodes(), 0);
			igt_assert_eq(igt_kmod_load("osprey", NULL), 0);
			check_working();
		}
	}

	igt_describe("An open file keeps the module loaded; closing it lets it go.");
	igt_subtest("module-busy") {
		int fd = drm_open_driver_render(DRIVER_OSPREY);

		/* delete_module(2) directly: igt_kmod_unload() retries for 10 s. */
		igt_assert_eq(syscall(SYS_delete_module, "osprey", O_NONBLOCK), -1);
		igt_assert_eq(errno, EWOULDBLOCK);
		igt_assert(igt_kmod_is_loaded("osprey"));
		drm_close_driver(fd);
		igt_assert_eq(igt_kmod_unload("osprey"), 0);
		igt_assert_eq(igt_kmod_load("osprey", NULL), 0);
		check_working();
	}

	igt_describe("The driver reports the revision the hardware model is given.");
	igt_subtest("sim-revision") {
		int fd;

		reload_sim("revision=0x0203");
		fd = drm_open_driver_render(DRIVER_OSPREY);
		igt_assert_eq_u64(igt_osprey_get_param(fd, DRM_OSPREY_PARAM_GPU_REVISION),
				  0x0203);
		drm_close_driver(fd);
		reload_sim(NULL);
		fd = drm_open_driver_render(DRIVER_OSPREY);
		igt_assert_eq_u64(igt_osprey_get_param(fd, DRM_OSPREY_PARAM_GPU_REVISION),
				  0x0100);
		drm_close_driver(fd);
	}

	igt_describe("Two GPUs get two sets of nodes, and both work.");
	igt_subtest("two-devices") {
		reload_sim("devices=2");
		igt_assert_eq(igt_osprey_count_render_nodes(), 2);
		reload_sim(NULL);
		igt_assert_eq(igt_osprey_count_render_nodes(), 1);
		check_working();
	}
}
