/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The Osprey authors */
#ifndef IGT_OSPREY_H
#define IGT_OSPREY_H

/*
 * Osprey helpers for IGT tests, in the manner of IGT's igt_panfrost.h.
 * This file is written against IGT's public API only, so that it builds in
 * upstream IGT's lib/ as well as against this project's IGT subset.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drmtest.h"
#include "igt_vgem.h"
#include "osprey_drm.h"

#ifndef DRIVER_OSPREY
/*
 * An IGT that does not know Osprey: open any driver; the tests' fixtures
 * then call igt_require_osprey() so that another driver is skipped.
 */
#define DRIVER_OSPREY DRIVER_ANY
#endif

bool is_osprey_device(int fd);
int igt_osprey_open_render(int n);
int igt_osprey_count_render_nodes(void);
unsigned int igt_osprey_module_param(const char *name, unsigned int fallback);
void igt_require_osprey(int fd);

int __igt_osprey_get_param(int fd, uint32_t param, uint64_t *value);
uint64_t igt_osprey_get_param(int fd, uint32_t param);

int igt_osprey_device_name(int fd, char *name, size_t len);
int igt_osprey_sysfs_write(const char *path, const char *value);

/* Buffer objects */
int __igt_osprey_gem_create(int fd, uint64_t *size, uint32_t flags,
			    uint32_t *handle);
uint32_t igt_osprey_gem_create(int fd, uint64_t size);
int __igt_osprey_gem_mmap_offset(int fd, uint32_t handle, uint64_t *offset);
uint64_t igt_osprey_gem_mmap_offset(int fd, uint32_t handle);
void *__igt_osprey_gem_mmap(int fd, uint32_t handle, uint64_t size, int prot);
void *igt_osprey_gem_mmap(int fd, uint32_t handle, uint64_t size, int prot);
int __igt_osprey_gem_info(int fd, uint32_t handle,
			  struct drm_osprey_gem_info *info);
void igt_osprey_gem_info(int fd, uint32_t handle,
			 struct drm_osprey_gem_info *info);
int __igt_osprey_gem_set_label(int fd, uint32_t handle, const char *label);
void igt_osprey_gem_set_label(int fd, uint32_t handle, const char *label);
int __igt_osprey_gem_wait(int fd, uint32_t handle, int64_t timeout_ns);
int64_t igt_osprey_monotonic_ns(void);

/* Dumb buffers (any DRM driver with dumb buffers, e.g. vgem) */
uint32_t igt_osprey_dumb_create(int fd, uint32_t width, uint32_t height,
				uint32_t bpp, uint32_t *pitch, uint64_t *size);
void *igt_osprey_dumb_mmap(int fd, uint32_t handle, uint64_t size, int prot);
void igt_osprey_dumb_destroy(int fd, uint32_t handle);

/* PRIME and dma-buf (any DRM driver) */
int igt_osprey_prime_export(int fd, uint32_t handle);
uint32_t igt_osprey_prime_import(int fd, int dmabuf);
void *igt_osprey_dmabuf_mmap(int dmabuf, uint64_t size, int prot);
void igt_osprey_dmabuf_sync(int dmabuf, uint64_t flags);

/* Data patterns: @size must be a multiple of 4 */
void igt_osprey_fill(void *ptr, uint64_t size, uint32_t seed);
void igt_osprey_assert_pattern(const void *ptr, uint64_t size, uint32_t seed);
void igt_osprey_assert_zero(const void *ptr, uint64_t size);

/* debugfs: gem_count and gem_objects */
char *igt_osprey_debugfs_read_all(int fd, const char *filename);
int igt_osprey_gem_count(int fd);

#define IGT_OSPREY_DEBUGFS_LABEL_MAX 256

/**
 * struct igt_osprey_debugfs_bo - one line of the gem_objects debugfs file
 */
struct igt_osprey_debugfs_bo {
	uint64_t size;
	unsigned int handles;
	char label[IGT_OSPREY_DEBUGFS_LABEL_MAX];
	bool imported;
	bool exported;
	bool pinned;
};

int igt_osprey_gem_objects(int fd, struct igt_osprey_debugfs_bo **bos);
int igt_osprey_gem_objects_find(int fd, const char *label,
				struct igt_osprey_debugfs_bo *found);

/* fdinfo memory stats, in bytes; @key is e.g. "drm-total-memory" */
int __igt_osprey_fdinfo_memory(int fd, const char *key, uint64_t *bytes);
uint64_t igt_osprey_fdinfo_memory(int fd, const char *key);

/* debugfs: job_count and last_fault */
int igt_osprey_job_count(int fd);

/**
 * struct igt_osprey_fault - the debugfs last_fault line, parsed
 */
struct igt_osprey_fault {
	char status[16];	/* translation, permission, invalid-insn, invalid-packet */
	char access[8];		/* read, write, fetch */
	uint64_t va;
	unsigned int as;
	uint64_t ip;
	uint64_t batch;
};

bool igt_osprey_last_fault(int fd, struct igt_osprey_fault *fault);

/* GPU address spaces */
int __igt_osprey_vm_create(int fd, uint32_t flags, uint32_t *vm_id);
uint32_t igt_osprey_vm_create(int fd);
int __igt_osprey_vm_destroy(int fd, uint32_t vm_id);
void igt_osprey_vm_destroy(int fd, uint32_t vm_id);
int __igt_osprey_vm_bind(int fd, uint32_t vm_id, uint32_t op, uint32_t flags,
			 uint32_t handle, uint64_t bo_offset, uint64_t va,
			 uint64_t size);
void igt_osprey_vm_bind(int fd, uint32_t vm_id, uint32_t op, uint32_t flags,
			uint32_t handle, uint64_t bo_offset, uint64_t va,
			uint64_t size);
void igt_osprey_vm_map(int fd, uint32_t vm_id, uint32_t handle,
		       uint64_t bo_offset, uint64_t va, uint64_t size,
		       uint32_t flags);
void igt_osprey_vm_unmap(int fd, uint32_t vm_id, uint64_t va, uint64_t size);

/* Queues and jobs */
int __igt_osprey_queue_create(int fd, uint32_t vm_id, uint32_t priority,
			      uint32_t flags, uint32_t *queue_id);
uint32_t igt_osprey_queue_create(int fd, uint32_t vm_id, uint32_t priority);
int __igt_osprey_queue_destroy(int fd, uint32_t queue_id);
void igt_osprey_queue_destroy(int fd, uint32_t queue_id);
int __igt_osprey_submit(int fd, struct drm_osprey_submit *submit);
void igt_osprey_submit(int fd, uint32_t queue_id, uint64_t batch_va,
		       uint32_t batch_size,
		       const struct drm_osprey_sync *in, uint32_t in_count,
		       const struct drm_osprey_sync *out, uint32_t out_count);
int __igt_osprey_queue_get_state(int fd,
				 struct drm_osprey_queue_get_state *arg);
void igt_osprey_queue_get_state(int fd, uint32_t queue_id,
				struct drm_osprey_queue_get_state *state);

/* Hangs and coredumps */
char *igt_osprey_read_file(const char *path, size_t *len);

#define IGT_OSPREY_COREDUMP_KEPT_MAX 64

/**
 * struct igt_osprey_coredump_stats - the debugfs coredump_stats file, parsed
 */
struct igt_osprey_coredump_stats {
	uint64_t captured;
	uint64_t published;
	uint64_t lost;
	uint64_t failed;
	unsigned int nkept;	/* sequence numbers in @kept, oldest first */
	uint64_t kept[IGT_OSPREY_COREDUMP_KEPT_MAX];
	uint64_t last_capture_us;
	uint64_t last_format_us;
};

void igt_osprey_coredump_stats(int fd, struct igt_osprey_coredump_stats *stats);
int igt_osprey_coredump_capture(int fd);
int igt_osprey_devcoredump_find(const char *device, char *dir, size_t len);
int igt_osprey_devcoredump_dismiss(const char *dir);
int igt_osprey_devcoredump_dismiss_all(const char *device);
int igt_osprey_sim_lockup(int fd, bool on);

/**
 * struct igt_osprey_bo - a buffer object with a read-write CPU mapping
 */
struct igt_osprey_bo {
	int fd;
	uint32_t handle;
	uint64_t size;
	void *map;
};

struct igt_osprey_bo *igt_osprey_bo_new(int fd, uint64_t size);
void igt_osprey_bo_free(struct igt_osprey_bo *bo);

/**
 * struct igt_osprey_cs - a batch written through a CPU mapping
 *
 * @words is where the first instruction goes on the CPU, @va where the GPU
 * sees it; @len words of @cap are written.
 */
struct igt_osprey_cs {
	uint32_t *words;
	uint64_t va;
	uint32_t len;
	uint32_t cap;
};

struct osprey_insn;

void igt_osprey_cs_init(struct igt_osprey_cs *cs, void *cpu, uint64_t va,
			uint64_t bytes);
uint64_t igt_osprey_cs_next_va(const struct igt_osprey_cs *cs);
uint32_t igt_osprey_cs_bytes(const struct igt_osprey_cs *cs);
void igt_osprey_emit_words(struct igt_osprey_cs *cs, const uint32_t *words,
			   uint32_t count);
void igt_osprey_emit_insn(struct igt_osprey_cs *cs,
			  const struct osprey_insn *insn);
void igt_osprey_emit_nop(struct igt_osprey_cs *cs);
void igt_osprey_emit_store(struct igt_osprey_cs *cs, uint64_t va,
			   uint32_t value);
void igt_osprey_emit_copy(struct igt_osprey_cs *cs, uint64_t dst,
			  uint64_t src, uint32_t bytes);
void igt_osprey_emit_fill(struct igt_osprey_cs *cs, uint64_t va,
			  uint32_t bytes, uint32_t pattern);
void igt_osprey_emit_sem_wait(struct igt_osprey_cs *cs, unsigned int cmp,
			      uint64_t va, uint32_t value);
void igt_osprey_emit_atomic(struct igt_osprey_cs *cs, unsigned int op,
			    uint64_t va, uint32_t operand, uint32_t compare);
void igt_osprey_emit_timestamp(struct igt_osprey_cs *cs, uint64_t va);
void igt_osprey_emit_jump(struct igt_osprey_cs *cs, uint64_t target);
void igt_osprey_emit_call(struct igt_osprey_cs *cs, uint64_t target);
void igt_osprey_emit_return(struct igt_osprey_cs *cs);
void igt_osprey_emit_end(struct igt_osprey_cs *cs);

/*
 * A gate: a fence no engine holds, signalled by the test (a vgem fence
 * on a vgem buffer), to hold jobs back for as long as a test needs.
 */
struct igt_osprey_gate {
	int vgem;
	struct vgem_bo bo;
	uint32_t fence;
	bool signalled;
};

void igt_osprey_gate_open(struct igt_osprey_gate *g);
uint32_t igt_osprey_gate_syncobj(struct igt_osprey_gate *g, int fd);
void igt_osprey_gate_signal(struct igt_osprey_gate *g);
void igt_osprey_gate_close(struct igt_osprey_gate *g);

/*
 * Fault injection: fail-nth of the calling thread, and the knobs of the
 * failslab and fail_page_alloc capabilities in debugfs (kernels with
 * CONFIG_FAULT_INJECTION_DEBUG_FS).
 */
int igt_osprey_fail_nth_open(void);
void igt_osprey_fail_nth_arm(int nth, unsigned int n);
bool igt_osprey_fail_nth_disarm(int nth);
int igt_osprey_fault_attr_get(const char *cap, const char *knob, char *buf,
			      size_t len);
int igt_osprey_fault_attr_set(const char *cap, const char *knob,
			      const char *value);

#endif /* IGT_OSPREY_H */
