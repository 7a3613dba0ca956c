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

#include <xf86drmMode.h>

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

/*
 * The GPU model's debugfs knobs: osprey_sim/<device>/<knob>, <device> being
 * the platform device behind @fd (igt_osprey_device_name()).
 */
int igt_osprey_sim_knob_write(int fd, const char *knob, const char *value);
char *igt_osprey_sim_knob_read(int fd, const char *knob);
int igt_osprey_sim_connector(int fd, unsigned int pipe, bool plugged);
int igt_osprey_sim_connector_state(int fd, unsigned int pipe);

/*
 * KMS: the display side of the primary node
 *
 * struct igt_osprey_kms describes one device's display: its pipes (a CRTC
 * with its connector, writeback connector and planes), found through the
 * objects' possible_crtcs. Properties are set by name.
 */

#define IGT_OSPREY_MAX_PIPES 4
#define IGT_OSPREY_MAX_PLANES 16

/* The planes of a pipe, by kind (the "type" property). */
enum igt_osprey_plane_kind {
	IGT_OSPREY_PLANE_PRIMARY,
	IGT_OSPREY_PLANE_OVERLAY,
	IGT_OSPREY_PLANE_CURSOR,
	IGT_OSPREY_PLANE_KINDS,
};

/**
 * struct igt_osprey_pipe - a CRTC and what belongs to it
 * @index: the CRTC's index (its place in the resources, the debugfs crtc-N)
 * @crtc_id: the CRTC
 * @connector_id: its physical connector (0 if none)
 * @writeback_id: its writeback connector (0 if none)
 * @plane_id: its planes by kind (0 if none)
 */
struct igt_osprey_pipe {
	unsigned int index;
	uint32_t crtc_id;
	uint32_t connector_id;
	uint32_t writeback_id;
	uint32_t plane_id[IGT_OSPREY_PLANE_KINDS];
};

/**
 * struct igt_osprey_kms - a device's display
 * @fd: the primary node, DRM master, with the atomic, universal planes
 *	and (when the kernel has them) writeback client caps
 * @card: the card's minor (dri/@card in debugfs, /dev/dri/card@card)
 * @n_pipes: how many pipes (CRTCs) there are
 * @pipe: the pipes, by CRTC index
 * @n_planes: how many planes there are
 * @plane_ids: every plane
 * @zpos: each plane's zpos when the device was opened (-1: no property)
 * @writeback: the writeback client cap is set
 */
struct igt_osprey_kms {
	int fd;
	int card;
	unsigned int n_pipes;
	struct igt_osprey_pipe pipe[IGT_OSPREY_MAX_PIPES];
	unsigned int n_planes;
	uint32_t plane_ids[IGT_OSPREY_MAX_PLANES];
	int64_t zpos[IGT_OSPREY_MAX_PLANES];
	bool writeback;
};

void igt_osprey_kms_init(struct igt_osprey_kms *kms, int fd);
void igt_osprey_kms_open(struct igt_osprey_kms *kms);
void igt_osprey_kms_close(struct igt_osprey_kms *kms);
void igt_osprey_kms_reset(struct igt_osprey_kms *kms);

uint32_t igt_osprey_prop_id(int fd, uint32_t obj_id, uint32_t obj_type,
			    const char *name);
bool igt_osprey_prop_get(int fd, uint32_t obj_id, uint32_t obj_type,
			 const char *name, uint64_t *value);
uint64_t igt_osprey_prop_enum(int fd, uint32_t obj_id, uint32_t obj_type,
			      const char *name, const char *enum_name);
drmModePropertyPtr igt_osprey_prop_info(int fd, uint32_t obj_id,
					uint32_t obj_type, const char *name);
bool igt_osprey_plane_has_format(int fd, uint32_t plane_id, uint32_t format);

/* Atomic requests: properties by name, asserting that they exist. */
void igt_osprey_atomic_set(drmModeAtomicReq *req, int fd, uint32_t obj_id,
			   uint32_t obj_type, const char *name, uint64_t value);
void igt_osprey_atomic_plane(drmModeAtomicReq *req, int fd, uint32_t plane_id,
			     uint32_t crtc_id, uint32_t fb_id, int32_t x,
			     int32_t y, uint32_t w, uint32_t h, uint32_t src_x,
			     uint32_t src_y);
void igt_osprey_atomic_plane_off(drmModeAtomicReq *req, int fd,
				 uint32_t plane_id);
void igt_osprey_atomic_pipe_on(drmModeAtomicReq *req, int fd,
			       const struct igt_osprey_pipe *pipe,
			       const drmModeModeInfo *mode);
void igt_osprey_atomic_pipe_off(drmModeAtomicReq *req, int fd,
				const struct igt_osprey_pipe *pipe);
int __igt_osprey_atomic_commit(int fd, drmModeAtomicReq *req, uint32_t flags,
			       void *user_data);
struct igt_osprey_fb;
void igt_osprey_pipe_modeset(int fd, const struct igt_osprey_pipe *pipe,
			     const drmModeModeInfo *mode,
			     const struct igt_osprey_fb *fb);
void igt_osprey_atomic_commit(int fd, drmModeAtomicReq *req, uint32_t flags);

/* Modes */
bool igt_osprey_connector_mode(int fd, uint32_t connector_id,
			       drmModeModeInfo *mode);
bool igt_osprey_connector_find_mode(int fd, uint32_t connector_id,
				    uint16_t width, uint16_t height,
				    uint32_t vrefresh, drmModeModeInfo *mode);
uint64_t igt_osprey_mode_period_ns(const drmModeModeInfo *mode);

/**
 * struct igt_osprey_fb - a dumb buffer, mapped, with a framebuffer on it
 * @fd: the DRM file
 * @fb_id: the framebuffer (0 once removed)
 * @handle: the dumb buffer
 * @format: DRM_FORMAT_*
 * @width: in pixels
 * @height: in pixels
 * @pitch: bytes per line
 * @cpp: bytes per pixel
 * @size: of the buffer, in bytes
 * @map: the buffer, mapped read-write
 */
struct igt_osprey_fb {
	int fd;
	uint32_t fb_id;
	uint32_t handle;
	uint32_t format;
	uint32_t width, height, pitch, cpp;
	uint64_t size;
	void *map;
};

unsigned int igt_osprey_format_cpp(uint32_t format);
void igt_osprey_fb_create(int fd, uint32_t width, uint32_t height,
			  uint32_t format, struct igt_osprey_fb *fb);
void igt_osprey_fb_remove(struct igt_osprey_fb *fb);
void igt_osprey_fb_fill(struct igt_osprey_fb *fb, uint32_t word);
void igt_osprey_fb_fill_rect(struct igt_osprey_fb *fb, uint32_t x, uint32_t y,
			     uint32_t w, uint32_t h, uint32_t word);
void igt_osprey_fb_pattern(struct igt_osprey_fb *fb, uint32_t seed);
uint32_t igt_osprey_fb_word(const struct igt_osprey_fb *fb, uint32_t x,
			    uint32_t y);

/*
 * The reference compositor: docs display.md's composition, exactly, in
 * software. Frames are XRGB8888 words 0x00RRGGBB, @width per row.
 */
enum igt_osprey_blend {
	IGT_OSPREY_BLEND_NONE,
	IGT_OSPREY_BLEND_PREMULTI,
	IGT_OSPREY_BLEND_COVERAGE,
};

/**
 * struct igt_osprey_ref_plane - a plane as the reference compositor sees it
 * @fb: its framebuffer
 * @x: where its first source pixel goes on the pipe (may be negative)
 * @y: likewise
 * @w: width shown (no scaling: source and destination alike)
 * @h: height shown
 * @src_x: its first source pixel in @fb
 * @src_y: likewise
 * @alpha: plane alpha, 8 bits
 * @blend: how it blends
 * @zpos: drawn in ascending zpos,
 * @order: and then in ascending @order (the DRM plane id)
 */
struct igt_osprey_ref_plane {
	const struct igt_osprey_fb *fb;
	int32_t x, y;
	uint32_t w, h;
	uint32_t src_x, src_y;
	uint8_t alpha;
	enum igt_osprey_blend blend;
	unsigned int zpos;
	unsigned int order;
};

uint32_t igt_osprey_div255(uint32_t x);
uint32_t igt_osprey_pixel_argb(uint32_t format, uint32_t word);
uint32_t igt_osprey_blend_pixel(uint32_t dst, uint32_t src_argb,
				uint8_t alpha, enum igt_osprey_blend blend);
void igt_osprey_ref_compose(uint32_t *frame, uint32_t width, uint32_t height,
			    uint32_t bg, const struct igt_osprey_ref_plane *planes,
			    unsigned int n);

/* zlib's crc32(): crc32(0, buf, len) starts a CRC, feeding it back continues. */
uint32_t igt_osprey_crc32(uint32_t crc, const void *buf, size_t len);
uint32_t igt_osprey_frame_crc(const uint32_t *frame, uint32_t width,
			      uint32_t height, uint32_t stride);
uint32_t igt_osprey_solid_crc(uint32_t xrgb, uint32_t width, uint32_t height);

/*
 * CRCs of a pipe's frames: the DRM core's debugfs dri/N/crtc-P/crc,
 * source "auto". Frame numbers are vblank sequence numbers.
 */

/**
 * struct igt_osprey_crc - a CRC capture
 * @dir: the crc directory
 * @data: its data file, open while capturing (else -1)
 */
struct igt_osprey_crc {
	int dir;
	int data;
};

int __igt_osprey_crc_start(int fd, unsigned int pipe, struct igt_osprey_crc *crc);
void igt_osprey_crc_start(int fd, unsigned int pipe, struct igt_osprey_crc *crc);
void igt_osprey_crc_stop(struct igt_osprey_crc *crc);
int __igt_osprey_crc_read(struct igt_osprey_crc *crc, int timeout_ms,
			  uint32_t *frame, uint32_t *value);
uint32_t igt_osprey_crc_after(struct igt_osprey_crc *crc, uint32_t after,
			      uint32_t *frame);

/* The driver's debugfs "display": a pipe's value of @key, or -1. */
int64_t igt_osprey_display_debugfs(int fd, unsigned int pipe, const char *key);

/* Vblanks, through DRM_IOCTL_WAIT_VBLANK: 0 or -errno. */
int __igt_osprey_wait_vblank(int fd, unsigned int pipe, uint32_t type,
			     uint32_t sequence, uint32_t *seq, uint64_t *ts_us);
uint32_t igt_osprey_vblank_count(int fd, unsigned int pipe, uint64_t *ts_us);
uint32_t igt_osprey_wait_vblank(int fd, unsigned int pipe, uint32_t n,
				uint64_t *ts_us);

/* Events on the DRM file: page flips (and atomic commits), vblanks. */

/**
 * struct igt_osprey_event - a DRM_EVENT_FLIP_COMPLETE or DRM_EVENT_VBLANK
 * @type: DRM_EVENT_*
 * @sequence: the vblank it happened at
 * @ts_us: that vblank's CLOCK_MONOTONIC time, in microseconds
 * @crtc_id: the CRTC (flip events)
 * @user_data: what the request passed
 */
struct igt_osprey_event {
	uint32_t type;
	uint32_t sequence;
	uint64_t ts_us;
	uint32_t crtc_id;
	uint64_t user_data;
};

int igt_osprey_read_event(int fd, int timeout_ms, struct igt_osprey_event *ev);

/* Writeback: a sync_file fence to wait for. */
int igt_osprey_fence_wait(int fence, int timeout_ms);

/* Hotplug uevents (NETLINK_KOBJECT_UEVENT) of a DRM card. */
int igt_osprey_uevent_open(void);
void igt_osprey_uevent_drain(int sock);
int igt_osprey_uevent_wait_hotplug(int sock, int card, int timeout_ms);

/*
 * The host's screenshot service (tools/vm/guest.py, ScreenshotService): a
 * request file in the directory named by OSPREY_HOST_SHARE, answered with
 * a P6 PPM of a virtio-gpu scanout (the model's monitor cable shows pipe
 * N on scanout N).
 */
const char *igt_osprey_host_share(void);
int igt_osprey_host_screenshot(const char *name, unsigned int head,
			       unsigned int timeout_ms, uint32_t **pixels,
			       uint32_t *width, uint32_t *height);

#endif /* IGT_OSPREY_H */
