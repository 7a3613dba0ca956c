// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: KUnit tests of the model's display controller
 *
 * Checks the display controller of docs/gpu-model.md ("The display
 * controller") as a driver would see it: each test owns a model instance
 * with two pipes that is not attached to any device, programs it only
 * through the register bus, and looks at the registers, the interrupt
 * events latched in IRQ_RAWSTAT, and memory written by the writeback unit.
 * The monitor cable is off (monitor_hz 0) and the debug knobs are called
 * as debugfs would call them.
 *
 * Memory is ordinary pages mapped in the display address space, never
 * physically contiguous, so that the model has to translate every page.
 * Expected frames are computed here from the contract's formulas, written
 * out again rather than shared with the model, and CRCs with the kernel's
 * crc32_le() checked against zlib's crc32() values.
 *
 * Modes are small with a 10 ms frame period; tests poll registers and give
 * up after %DT_TIMEOUT_MS.
 */

#include <kunit/test.h>
#include <linux/crc32.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <linux/vmalloc.h>

#include "osprey_sim.h"

#define DT_TIMEOUT_MS		10000
#define DT_PAGE			SZ_4K
#define DT_PT_ENTRIES		512
#define DT_PIPES		2

/* A 10 ms frame: 100 x 100 total at 1 MHz. */
#define DT_HTOTAL		100
#define DT_VTOTAL		100
#define DT_CLOCK_KHZ		1000
#define DT_PERIOD_NS		(10 * NSEC_PER_MSEC)

/* Display VAs of the surfaces (L0 index 0, L1 index 1 upwards). */
#define PRIMARY_VA		0x0000200000ull
#define OVERLAY_VA		0x0000400000ull
#define CURSOR_VA		0x0000600000ull
#define WB_VA			0x0000800000ull
#define HOLE_VA			0x0000a00000ull	/* never mapped */

struct dt_surface {
	u64 va;
	unsigned int npages;
	struct page **pages;
};

struct dt_test {
	struct kunit *test;
	struct osprey_sim sim;
	atomic_t deliveries;
	bool started;
	unsigned int npages, maxpages;
	struct page **pages;
	struct page *l0;
};

static void count_delivery(struct irq_work *work)
{
	struct dt_test *t = container_of(work, struct dt_test, sim.irq_work);

	atomic_inc(&t->deliveries);
}

/* Registers. */

static u32 rd(struct dt_test *t, u32 offset)
{
	return osprey_sim_reg_read(&t->sim, offset);
}

static void wr(struct dt_test *t, u32 offset, u32 value)
{
	osprey_sim_reg_write(&t->sim, offset, value);
}

static u32 prd(struct dt_test *t, unsigned int pipe, u32 reg)
{
	return rd(t, OSPREY_DISP_PIPE(pipe) + reg);
}

static void pwr(struct dt_test *t, unsigned int pipe, u32 reg, u32 value)
{
	wr(t, OSPREY_DISP_PIPE(pipe) + reg, value);
}

static void plwr(struct dt_test *t, unsigned int pipe, unsigned int plane, u32 reg, u32 value)
{
	pwr(t, pipe, OSPREY_PIPE_PLANE(plane) + reg, value);
}

static bool raw_has(struct dt_test *t, u32 bits)
{
	return (rd(t, OSPREY_REG_IRQ_RAWSTAT) & bits) == bits;
}

static void raw_clear(struct dt_test *t, u32 bits)
{
	wr(t, OSPREY_REG_IRQ_CLEAR, bits);
}

/* Poll @cond about every millisecond until it holds or DT_TIMEOUT_MS pass. */
#define dt_wait(cond) ({						\
	unsigned long __end = jiffies + msecs_to_jiffies(DT_TIMEOUT_MS);\
	bool __ok;							\
	while (!(__ok = (cond)) && time_before(jiffies, __end))		\
		usleep_range(500, 1500);				\
	__ok;								\
})

/* Wait for the interrupt events @bits, then clear them. */
static void dt_wait_irq(struct dt_test *t, u32 bits, const char *what)
{
	KUNIT_ASSERT_TRUE_MSG(t->test, dt_wait(raw_has(t, bits)), "waiting for %s", what);
	raw_clear(t, bits);
}

static u32 frame_count(struct dt_test *t, unsigned int pipe)
{
	return prd(t, pipe, OSPREY_PIPE_FRAME_COUNT);
}

/* Wait until FRAME_COUNT has moved @n past @from. */
static void dt_wait_frames(struct dt_test *t, unsigned int pipe, u32 from, u32 n)
{
	KUNIT_ASSERT_TRUE_MSG(t->test, dt_wait(frame_count(t, pipe) - from >= n),
			      "waiting for %u frames of pipe %u", n, pipe);
}

/* FRAME_COUNT and VBLANK_TS of the same vblank. */
static void vblank_sample(struct dt_test *t, unsigned int pipe, u32 *count, u64 *ts)
{
	u32 before, lo, hi;

	do {
		before = frame_count(t, pipe);
		lo = prd(t, pipe, OSPREY_PIPE_VBLANK_TS_LO);
		hi = prd(t, pipe, OSPREY_PIPE_VBLANK_TS_HI);
		*count = frame_count(t, pipe);
	} while (*count != before);
	*ts = (u64)hi << 32 | lo;
}

static u64 timestamp(struct dt_test *t)
{
	u32 lo = rd(t, OSPREY_REG_TIMESTAMP_LO);

	return (u64)rd(t, OSPREY_REG_TIMESTAMP_HI) << 32 | lo;
}

/* Memory. */

static struct page *dt_page(struct dt_test *t)
{
	struct page *page;

	KUNIT_ASSERT_LT(t->test, t->npages, t->maxpages);
	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(t->test, page);
	t->pages[t->npages++] = page;
	return page;
}

static __le64 *dt_pte(struct dt_test *t, u64 va)
{
	__le64 *table = page_address(t->l0);
	unsigned int level;

	for (level = 0; level < 2; level++) {
		__le64 *entry = &table[(va >> (30 - 9 * level)) & (DT_PT_ENTRIES - 1)];
		u64 e = le64_to_cpu(READ_ONCE(*entry));

		if (!(e & OSPREY_PTE_VALID)) {
			e = page_to_phys(dt_page(t)) | OSPREY_PTE_VALID;
			WRITE_ONCE(*entry, cpu_to_le64(e));
		}
		table = phys_to_virt(e & OSPREY_PTE_ADDR);
	}
	return &table[(va >> 12) & (DT_PT_ENTRIES - 1)];
}

static void dt_map(struct dt_test *t, u64 va, struct page *page, bool writable)
{
	u64 e = page_to_phys(page) | OSPREY_PTE_VALID;

	if (writable)
		e |= OSPREY_PTE_WRITE;
	WRITE_ONCE(*dt_pte(t, va), cpu_to_le64(e));
}

/* @bytes of memory at @va, mapped page by page, never contiguous. */
static void dt_surface(struct dt_test *t, struct dt_surface *s, u64 va, size_t bytes,
		       bool writable)
{
	unsigned int i;

	s->va = va;
	s->npages = DIV_ROUND_UP(bytes, DT_PAGE);
	s->pages = kunit_kcalloc(t->test, s->npages, sizeof(*s->pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(t->test, s->pages);
	for (i = 0; i < s->npages; i++) {
		struct page *page = dt_page(t);

		if (i && page_to_phys(page) == page_to_phys(s->pages[i - 1]) + DT_PAGE)
			page = dt_page(t);
		s->pages[i] = page;
		dt_map(t, va + (u64)i * DT_PAGE, page, writable);
	}
}

static u8 *dt_byte(struct dt_surface *s, size_t off)
{
	return (u8 *)page_address(s->pages[off / DT_PAGE]) + off % DT_PAGE;
}

static void dt_put(struct dt_surface *s, size_t off, u32 value, unsigned int bytes)
{
	unsigned int i;

	for (i = 0; i < bytes; i++)
		*dt_byte(s, off + i) = value >> (8 * i);
}

static u32 dt_get32(struct dt_surface *s, size_t off)
{
	u32 v = 0;
	unsigned int i;

	for (i = 0; i < 4; i++)
		v |= (u32)*dt_byte(s, off + i) << (8 * i);
	return v;
}

static void dt_fill(struct dt_surface *s, u32 value)
{
	size_t off;

	for (off = 0; off < (size_t)s->npages * DT_PAGE; off += 4)
		dt_put(s, off, value, 4);
}

static void dt_disp_as(struct dt_test *t, bool enable)
{
	u64 bus = page_to_phys(t->l0);

	wr(t, OSPREY_REG_DISP_PGTABLE_LO, lower_32_bits(bus));
	wr(t, OSPREY_REG_DISP_PGTABLE_HI, upper_32_bits(bus));
	wr(t, OSPREY_REG_DISP_AS_CONTROL, enable ? OSPREY_AS_ENABLE : 0);
	wr(t, OSPREY_REG_DISP_MMU_INVALIDATE, 1);
}

/* The contract, written out again. */

static u32 ref_div255(u32 x)
{
	return (x + 128 + ((x + 128) >> 8)) >> 8;
}

/* The pixel at @p in @format as 0xAARRGGBB. */
static u32 ref_pixel(u32 format, u32 v)
{
	u32 r, g, b;

	switch (format) {
	case OSPREY_FMT_XRGB8888:
		return v | 0xff000000;
	case OSPREY_FMT_ARGB8888:
		return v;
	case OSPREY_FMT_XBGR8888:
	case OSPREY_FMT_ABGR8888:
		r = v & 0xff;
		g = (v >> 8) & 0xff;
		b = (v >> 16) & 0xff;
		return (format == OSPREY_FMT_XBGR8888 ? 0xff000000 : (v & 0xff000000)) |
		       r << 16 | g << 8 | b;
	default:
		r = (v >> 11) & 0x1f;
		g = (v >> 5) & 0x3f;
		b = v & 0x1f;
		return 0xff000000 | (r << 3 | r >> 2) << 16 | (g << 2 | g >> 4) << 8 |
		       (b << 3 | b >> 2);
	}
}

static u32 ref_blend(u32 d, u32 s, u32 mode, u32 alpha)
{
	u32 pa = s >> 24, a = ref_div255(pa * alpha), out = 0;
	unsigned int c;

	for (c = 0; c < 3; c++) {
		u32 sc = (s >> (8 * c)) & 0xff, dc = (d >> (8 * c)) & 0xff, o;

		if (mode == OSPREY_BLEND_NONE)
			o = ref_div255(sc * alpha + dc * (255 - alpha));
		else if (mode == OSPREY_BLEND_COVERAGE)
			o = ref_div255(sc * a + dc * (255 - a));
		else
			o = min(255u, ref_div255(sc * alpha) + ref_div255(dc * (255 - a)));
		out |= o << (8 * c);
	}
	return out;
}

static u32 ref_crc(const u32 *frame, size_t pixels)
{
	u32 crc = ~0u;
	size_t i;

	for (i = 0; i < pixels; i++) {
		__le32 w = cpu_to_le32(frame[i]);

		crc = crc32_le(crc, (const u8 *)&w, 4);
	}
	return crc ^ ~0u;
}

/* Pipes. */

static void dt_mode(struct dt_test *t, unsigned int pipe, u32 w, u32 h)
{
	pwr(t, pipe, OSPREY_PIPE_MODE_SIZE, h << 16 | w);
	pwr(t, pipe, OSPREY_PIPE_MODE_TOTAL, max(DT_VTOTAL, h) << 16 | max(DT_HTOTAL, w));
	pwr(t, pipe, OSPREY_PIPE_MODE_CLOCK, DT_CLOCK_KHZ);
}

static void dt_plane(struct dt_test *t, unsigned int pipe, unsigned int plane, u32 format,
		     u64 va, u32 pitch, u32 w, u32 h, u32 x, u32 y)
{
	plwr(t, pipe, plane, OSPREY_PLANE_FORMAT, format);
	plwr(t, pipe, plane, OSPREY_PLANE_ADDR_LO, lower_32_bits(va));
	plwr(t, pipe, plane, OSPREY_PLANE_ADDR_HI, upper_32_bits(va));
	plwr(t, pipe, plane, OSPREY_PLANE_PITCH, pitch);
	plwr(t, pipe, plane, OSPREY_PLANE_SIZE, h << 16 | w);
	plwr(t, pipe, plane, OSPREY_PLANE_POS, y << 16 | x);
	plwr(t, pipe, plane, OSPREY_PLANE_ALPHA, 0xff);
	plwr(t, pipe, plane, OSPREY_PLANE_BLEND, OSPREY_BLEND_PREMULTI);
	plwr(t, pipe, plane, OSPREY_PLANE_ZPOS, plane);
	plwr(t, pipe, plane, OSPREY_PLANE_CONTROL, OSPREY_PLANE_ENABLE);
}

static void dt_update(struct dt_test *t, unsigned int pipe)
{
	pwr(t, pipe, OSPREY_PIPE_UPDATE, 1);
}

/* Latch now (pipe stopped) or at the next vblank, and wait for it. */
static void dt_commit(struct dt_test *t, unsigned int pipe)
{
	dt_update(t, pipe);
	KUNIT_ASSERT_TRUE_MSG(t->test, dt_wait(!(prd(t, pipe, OSPREY_PIPE_UPDATE) & 1)),
			      "waiting for pipe %u to latch", pipe);
}

static void dt_enable(struct dt_test *t, unsigned int pipe, bool enable)
{
	pwr(t, pipe, OSPREY_PIPE_CONTROL, enable ? OSPREY_PIPE_ENABLE : 0);
	dt_commit(t, pipe);
	if (!enable)
		KUNIT_ASSERT_TRUE(t->test, dt_wait(!(prd(t, pipe, OSPREY_PIPE_STATUS) &
							OSPREY_PIPE_ACTIVE)));
}

/* Arm the writeback of the next frame to @wb and wait for it. */
static u32 dt_writeback(struct dt_test *t, unsigned int pipe, struct dt_surface *wb, u32 pitch)
{
	raw_clear(t, OSPREY_IRQ_WB_DONE(pipe));
	pwr(t, pipe, OSPREY_PIPE_WB_ADDR_LO, lower_32_bits(wb->va));
	pwr(t, pipe, OSPREY_PIPE_WB_ADDR_HI, upper_32_bits(wb->va));
	pwr(t, pipe, OSPREY_PIPE_WB_PITCH, pitch);
	pwr(t, pipe, OSPREY_PIPE_WB_CONTROL, OSPREY_WB_ARM);
	dt_update(t, pipe);
	dt_wait_irq(t, OSPREY_IRQ_WB_DONE(pipe), "WB_DONE");
	KUNIT_EXPECT_EQ(t->test, prd(t, pipe, OSPREY_PIPE_WB_CONTROL), 0);
	return prd(t, pipe, OSPREY_PIPE_WB_STATUS);
}

/* The next CRC of a frame numbered @from or later; its frame in *frame. */
static u32 dt_crc(struct dt_test *t, unsigned int pipe, u32 from, u32 *frame)
{
	u32 crc, n;

	do {
		dt_wait_irq(t, OSPREY_IRQ_CRC(pipe), "a CRC");
		crc = prd(t, pipe, OSPREY_PIPE_CRC_VALUE);
		n = prd(t, pipe, OSPREY_PIPE_CRC_FRAME);
	} while ((s32)(n - from) < 0);
	if (frame)
		*frame = n;
	return crc;
}

/* Setup. */

static int dt_init(struct kunit *test)
{
	struct dt_test *t;

	if (PAGE_SIZE != DT_PAGE)
		kunit_skip(test, "the tests map 4 KiB kernel pages");

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->test = test;
	t->maxpages = 16384;
	t->pages = kvcalloc(t->maxpages, sizeof(*t->pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->pages);
	spin_lock_init(&t->sim.lock);
	t->sim.revision = 0x0100;
	t->sim.timestamp_base = ktime_get_ns();
	init_irq_work(&t->sim.irq_work, count_delivery);
	test->priv = t;

	KUNIT_ASSERT_EQ(test, osprey_sim_display_init(&t->sim, DT_PIPES, 0), 0);
	t->started = true;
	t->l0 = dt_page(t);
	dt_disp_as(t, true);
	return 0;
}

static void dt_exit(struct kunit *test)
{
	struct dt_test *t = test->priv;
	unsigned int i;

	if (!t)
		return;
	/* Stop the model before freeing the memory it may be reading. */
	if (t->started)
		osprey_sim_display_fini(&t->sim);
	irq_work_sync(&t->sim.irq_work);
	for (i = 0; i < t->npages; i++)
		__free_page(t->pages[i]);
	kvfree(t->pages);
}

/* Tests. */

static void disp_registers(struct kunit *test)
{
	struct dt_test *t = test->priv;

	KUNIT_EXPECT_TRUE(test, rd(t, OSPREY_REG_FEATURES) & OSPREY_FEATURE_DISPLAY);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_DISP_NUM_PIPES), DT_PIPES);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_DISP_MAX_WIDTH), 4096);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_DISP_MAX_HEIGHT), 4096);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_DISP_AS_CONTROL), OSPREY_AS_ENABLE);
	/* Write-only, and a pipe the model does not have. */
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_DISP_MMU_INVALIDATE), OSPREY_REG_INVALID_READ);
	KUNIT_EXPECT_EQ(test, prd(t, DT_PIPES, OSPREY_PIPE_STATUS), OSPREY_REG_INVALID_READ);
	KUNIT_EXPECT_EQ(test, prd(t, 0, 0x03c), OSPREY_REG_INVALID_READ);

	/* Reset state. */
	KUNIT_EXPECT_EQ(test, prd(t, 1, OSPREY_PIPE_STATUS), 0);
	KUNIT_EXPECT_EQ(test, prd(t, 1, OSPREY_PIPE_FRAME_COUNT), 0);
	KUNIT_EXPECT_EQ(test, prd(t, 1, OSPREY_PIPE_UPDATE), 0);
	KUNIT_EXPECT_EQ(test, prd(t, 1, OSPREY_PIPE_CONN_STATUS), 1);
	KUNIT_EXPECT_EQ(test, prd(t, 1, OSPREY_PIPE_EDID_SIZE), 128);

	/* Pending copies read back; read-only registers ignore writes. */
	pwr(t, 1, OSPREY_PIPE_BG_COLOR, 0x00abcdef);
	plwr(t, 1, OSPREY_PLANE_CURSOR, OSPREY_PLANE_POS, 0x00200010);
	plwr(t, 1, OSPREY_PLANE_CURSOR, OSPREY_PLANE_ALPHA, 0x1234);
	pwr(t, 1, OSPREY_PIPE_WB_PITCH, 0x103);
	pwr(t, 1, OSPREY_PIPE_FRAME_COUNT, 77);
	KUNIT_EXPECT_EQ(test, prd(t, 1, OSPREY_PIPE_BG_COLOR), 0x00abcdef);
	KUNIT_EXPECT_EQ(test, prd(t, 1, OSPREY_PIPE_PLANE(OSPREY_PLANE_CURSOR) +
				  OSPREY_PLANE_POS), 0x00200010);
	KUNIT_EXPECT_EQ(test, prd(t, 1, OSPREY_PIPE_PLANE(OSPREY_PLANE_CURSOR) +
				  OSPREY_PLANE_ALPHA), 0x34);
	KUNIT_EXPECT_EQ(test, prd(t, 1, OSPREY_PIPE_WB_PITCH), 0x100);
	KUNIT_EXPECT_EQ(test, prd(t, 1, OSPREY_PIPE_FRAME_COUNT), 0);
}

static void disp_timing(struct kunit *test)
{
	struct dt_test *t = test->priv;
	u32 c1, c2;
	u64 ts1, ts2, now;

	dt_mode(t, 0, 8, 8);
	pwr(t, 0, OSPREY_PIPE_CONTROL, OSPREY_PIPE_ENABLE);
	/* A pipe that does not run latches on the write. */
	dt_update(t, 0);
	KUNIT_EXPECT_EQ(test, prd(t, 0, OSPREY_PIPE_UPDATE), 0);
	KUNIT_EXPECT_EQ(test, prd(t, 0, OSPREY_PIPE_STATUS), OSPREY_PIPE_ACTIVE);

	dt_wait_irq(t, OSPREY_IRQ_VBLANK(0), "a vblank");
	vblank_sample(t, 0, &c1, &ts1);
	KUNIT_EXPECT_GE(test, c1, 1);
	dt_wait_frames(t, 0, c1, 3);
	vblank_sample(t, 0, &c2, &ts2);
	now = timestamp(t);

	/* Drift free: vblanks sit on a grid of the period. */
	KUNIT_EXPECT_EQ(test, ts2 - ts1, (u64)(c2 - c1) * DT_PERIOD_NS);
	KUNIT_EXPECT_LE(test, ts2, now);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_IRQ_RAWSTAT) & OSPREY_IRQ_VBLANK(1), 0);
	KUNIT_EXPECT_EQ(test, frame_count(t, 1), 0);

	/* Stopping: the latched state disables the pipe. */
	dt_enable(t, 0, false);
	c1 = frame_count(t, 0);
	msleep(4 * DT_PERIOD_NS / NSEC_PER_MSEC);
	KUNIT_EXPECT_EQ(test, frame_count(t, 0), c1);
	KUNIT_EXPECT_EQ(test, prd(t, 0, OSPREY_PIPE_STATUS), 0);

	/* An invalid mode does not run: a period under 1 ms. */
	pwr(t, 0, OSPREY_PIPE_MODE_CLOCK, 20 * DT_CLOCK_KHZ);
	dt_enable(t, 0, true);
	KUNIT_EXPECT_EQ(test, prd(t, 0, OSPREY_PIPE_STATUS), 0);
	msleep(2 * DT_PERIOD_NS / NSEC_PER_MSEC);
	KUNIT_EXPECT_EQ(test, frame_count(t, 0), c1);
}

static void disp_crc_known_frame(struct kunit *test)
{
	struct dt_test *t = test->priv;
	static const u8 check[] = "123456789";
	u32 n;

	/* The CRC of the contract: zlib's crc32(). */
	KUNIT_ASSERT_EQ(test, crc32_le(~0u, check, 9) ^ ~0u, 0xcbf43926);

	/* A 3x2 frame of BG 0x123456 (top byte ignored); zlib says 0x6e09eada. */
	dt_mode(t, 1, 3, 2);
	pwr(t, 1, OSPREY_PIPE_BG_COLOR, 0xff123456);
	pwr(t, 1, OSPREY_PIPE_CRC_CONTROL, 1);
	dt_enable(t, 1, true);
	KUNIT_EXPECT_EQ(test, dt_crc(t, 1, 1, &n), 0x6e09eada);
	KUNIT_EXPECT_GE(test, n, 1);
	KUNIT_EXPECT_LE(test, n, frame_count(t, 1));
}

static void disp_crc_planes(struct kunit *test)
{
	struct dt_test *t = test->priv;
	const u32 w = 64, h = 48, bg = 0x203040;
	struct dt_surface primary, cursor;
	u32 *expect, x, y;

	expect = kunit_kcalloc(test, w * h, sizeof(u32), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, expect);

	/* A primary plane of 40x30 at (10, 5), pitch 256; a cursor past the edge. */
	dt_surface(t, &primary, PRIMARY_VA, 256 * 30, false);
	dt_surface(t, &cursor, CURSOR_VA, 16 * 16 * 4, false);
	for (y = 0; y < 30; y++)
		for (x = 0; x < 40; x++)
			dt_put(&primary, y * 256 + x * 4,
			       0xee000000 | y << 16 | x << 8 | (x ^ y), 4);
	for (y = 0; y < 16; y++)
		for (x = 0; x < 16; x++)
			dt_put(&cursor, (y * 16 + x) * 4, 0xff0000ff | (x * 16) << 8, 4);

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			expect[y * w + x] = bg;
	for (y = 0; y < 30; y++)
		for (x = 0; x < 40; x++)
			expect[(y + 5) * w + x + 10] = y << 16 | x << 8 | (x ^ y);
	for (y = 40; y < h; y++)
		for (x = 56; x < w; x++)
			expect[y * w + x] = 0x0000ff | ((x - 56) * 16) << 8;

	dt_mode(t, 0, w, h);
	pwr(t, 0, OSPREY_PIPE_BG_COLOR, bg);
	dt_plane(t, 0, OSPREY_PLANE_PRIMARY, OSPREY_FMT_XRGB8888, PRIMARY_VA, 256, 40, 30, 10, 5);
	dt_plane(t, 0, OSPREY_PLANE_CURSOR, OSPREY_FMT_ARGB8888, CURSOR_VA, 64, 16, 16, 56, 40);
	pwr(t, 0, OSPREY_PIPE_CRC_CONTROL, 1);
	dt_enable(t, 0, true);
	KUNIT_EXPECT_EQ(test, dt_crc(t, 0, 1, NULL), ref_crc(expect, w * h));
	KUNIT_EXPECT_EQ(test, prd(t, 0, OSPREY_PIPE_STATUS), OSPREY_PIPE_ACTIVE);
}

static void disp_latch_at_vblank(struct kunit *test)
{
	struct dt_test *t = test->priv;
	u32 old_crc, new_crc, before, after, latched, n, crc;
	u32 frame[4];
	int i;

	for (i = 0; i < 4; i++)
		frame[i] = 0x111111;
	old_crc = ref_crc(frame, 4);
	for (i = 0; i < 4; i++)
		frame[i] = 0x222222;
	new_crc = ref_crc(frame, 4);

	dt_mode(t, 0, 2, 2);
	pwr(t, 0, OSPREY_PIPE_BG_COLOR, 0x111111);
	pwr(t, 0, OSPREY_PIPE_CRC_CONTROL, 1);
	dt_enable(t, 0, true);
	KUNIT_EXPECT_EQ(test, dt_crc(t, 0, 1, NULL), old_crc);

	/* A running pipe keeps the pending write until the next vblank. */
	pwr(t, 0, OSPREY_PIPE_BG_COLOR, 0x222222);
	KUNIT_EXPECT_EQ(test, prd(t, 0, OSPREY_PIPE_BG_COLOR), 0x222222);
	before = frame_count(t, 0);
	dt_update(t, 0);
	if (frame_count(t, 0) == before)
		KUNIT_EXPECT_EQ(test, prd(t, 0, OSPREY_PIPE_UPDATE) & 1, 1);
	KUNIT_ASSERT_TRUE(test, dt_wait(!(prd(t, 0, OSPREY_PIPE_UPDATE) & 1)));
	after = frame_count(t, 0);
	KUNIT_EXPECT_GT(test, after, before);

	/*
	 * The latch happened at a vblank in (before, after]: frames up to
	 * before show the old colour, frames from after on the new one.
	 */
	latched = after;
	do {
		crc = dt_crc(t, 0, before, &n);
		if ((s32)(n - latched) >= 0)
			KUNIT_EXPECT_EQ(test, crc, new_crc);
		else if ((s32)(n - before) <= 0)
			KUNIT_EXPECT_EQ(test, crc, old_crc);
	} while ((s32)(n - latched) < 0);

	/* CRC_FRAME is latched by the read of CRC_VALUE. */
	dt_wait_frames(t, 0, n, 2);
	KUNIT_EXPECT_EQ(test, prd(t, 0, OSPREY_PIPE_CRC_FRAME), n);
}

struct blend_case {
	const char *name;
	u32 format;
	u32 blend;
	u32 alpha;
};

static const struct blend_case blend_cases[] = {
	{ "ARGB8888 premultiplied", OSPREY_FMT_ARGB8888, OSPREY_BLEND_PREMULTI, 255 },
	{ "ARGB8888 premultiplied, alpha 128", OSPREY_FMT_ARGB8888, OSPREY_BLEND_PREMULTI, 128 },
	{ "ARGB8888 coverage", OSPREY_FMT_ARGB8888, OSPREY_BLEND_COVERAGE, 255 },
	{ "ARGB8888 coverage, alpha 77", OSPREY_FMT_ARGB8888, OSPREY_BLEND_COVERAGE, 77 },
	{ "ARGB8888 none", OSPREY_FMT_ARGB8888, OSPREY_BLEND_NONE, 255 },
	{ "ARGB8888 none, alpha 200", OSPREY_FMT_ARGB8888, OSPREY_BLEND_NONE, 200 },
	{ "ARGB8888 alpha 0", OSPREY_FMT_ARGB8888, OSPREY_BLEND_COVERAGE, 0 },
	{ "ABGR8888 premultiplied, alpha 190", OSPREY_FMT_ABGR8888, OSPREY_BLEND_PREMULTI, 190 },
	{ "ABGR8888 coverage", OSPREY_FMT_ABGR8888, OSPREY_BLEND_COVERAGE, 255 },
	{ "XRGB8888 coverage, alpha 100", OSPREY_FMT_XRGB8888, OSPREY_BLEND_COVERAGE, 100 },
	{ "XRGB8888 premultiplied, alpha 100", OSPREY_FMT_XRGB8888, OSPREY_BLEND_PREMULTI, 100 },
	{ "XBGR8888 none", OSPREY_FMT_XBGR8888, OSPREY_BLEND_NONE, 255 },
	{ "RGB565 premultiplied", OSPREY_FMT_RGB565, OSPREY_BLEND_PREMULTI, 255 },
	{ "RGB565 coverage, alpha 33", OSPREY_FMT_RGB565, OSPREY_BLEND_COVERAGE, 33 },
};

/* Test pixels: alpha 0, 255 and in between, colours over and under alpha. */
static u32 blend_src(unsigned int i)
{
	static const u8 alphas[] = { 0, 255, 1, 128, 254, 77 };
	u32 a = alphas[i % ARRAY_SIZE(alphas)];

	return a << 24 | ((i * 37 + 11) & 0xff) << 16 | ((i * 91) & 0xff) << 8 |
	       ((255 - i * 13) & 0xff);
}

static u32 blend_dst(unsigned int i)
{
	return ((i * 53) & 0xff) << 16 | ((255 - i * 7) & 0xff) << 8 | ((i * 29 + 3) & 0xff);
}

static void disp_blend_writeback(struct kunit *test)
{
	struct dt_test *t = test->priv;
	const u32 w = 24, h = 3, wb_pitch = 128;
	struct dt_surface primary, overlay, wb;
	unsigned int c, i, bad;

	dt_surface(t, &primary, PRIMARY_VA, w * h * 4, false);
	dt_surface(t, &overlay, OVERLAY_VA, w * h * 4, false);
	dt_surface(t, &wb, WB_VA, wb_pitch * h, true);
	for (i = 0; i < w * h; i++)
		dt_put(&primary, i * 4, 0xab000000 | blend_dst(i), 4);

	dt_mode(t, 0, w, h);
	dt_plane(t, 0, OSPREY_PLANE_PRIMARY, OSPREY_FMT_XRGB8888, PRIMARY_VA, w * 4, w, h, 0, 0);
	dt_enable(t, 0, true);

	for (c = 0; c < ARRAY_SIZE(blend_cases); c++) {
		const struct blend_case *bc = &blend_cases[c];
		u32 cpp = bc->format == OSPREY_FMT_RGB565 ? 2 : 4;

		for (i = 0; i < w * h; i++) {
			u32 v = blend_src(i);

			if (bc->format == OSPREY_FMT_ABGR8888)
				v = (v & 0xff00ff00) | (v & 0xff) << 16 | ((v >> 16) & 0xff);
			else if (bc->format == OSPREY_FMT_RGB565)
				v = (v * 2654435761u) >> 16;
			dt_put(&overlay, i * cpp, v, cpp);
		}
		dt_plane(t, 0, OSPREY_PLANE_OVERLAY, bc->format, OVERLAY_VA, w * cpp, w, h, 0, 0);
		plwr(t, 0, OSPREY_PLANE_OVERLAY, OSPREY_PLANE_BLEND, bc->blend);
		plwr(t, 0, OSPREY_PLANE_OVERLAY, OSPREY_PLANE_ALPHA, bc->alpha);
		dt_fill(&wb, 0xdeadbeef);
		KUNIT_EXPECT_EQ_MSG(test, dt_writeback(t, 0, &wb, wb_pitch), 0, "%s", bc->name);

		bad = 0;
		for (i = 0; i < w * h; i++) {
			u32 raw = cpp == 2 ? get_unaligned_le16(dt_byte(&overlay, i * 2)) :
					     dt_get32(&overlay, i * 4);
			u32 s = ref_pixel(bc->format, raw);
			u32 expect = ref_blend(blend_dst(i), s, bc->blend, bc->alpha);
			u32 got = dt_get32(&wb, (i / w) * wb_pitch + (i % w) * 4);

			if (got != expect && bad++ < 4)
				KUNIT_FAIL(test, "%s: pixel %u (s %#x d %#x) is %#x, expected %#x",
					   bc->name, i, s, blend_dst(i), got, expect);
		}
		KUNIT_EXPECT_EQ_MSG(test, bad, 0, "%s", bc->name);
		/* Beyond the width, the target is left alone. */
		KUNIT_EXPECT_EQ(test, dt_get32(&wb, w * 4), 0xdeadbeef);
	}
}

static void disp_zpos_and_geometry(struct kunit *test)
{
	struct dt_test *t = test->priv;
	const u32 w = 20, h = 6, wb_pitch = 80;
	struct dt_surface primary, overlay, wb;
	/* The overlay's top-left pixel 6 bytes before a page end: pixels straddle. */
	const u64 ov_va = OVERLAY_VA + DT_PAGE - 6;
	u32 x, y, bad = 0;

	dt_surface(t, &primary, PRIMARY_VA, w * h * 4, false);
	dt_surface(t, &overlay, OVERLAY_VA, 4 * DT_PAGE, false);
	dt_surface(t, &wb, WB_VA, wb_pitch * h, true);
	for (x = 0; x < w * h; x++)
		dt_put(&primary, x * 4, 0x00101010 + x, 4);
	/* Overlay: 8x3 XRGB8888, pitch 4099 (odd), at (15, 4): clipped to 5x2. */
	for (y = 0; y < 3; y++)
		for (x = 0; x < 8; x++)
			dt_put(&overlay, DT_PAGE - 6 + y * 4099 + x * 4,
			       0x00800000 | y << 8 | x, 4);

	dt_mode(t, 1, w, h);
	pwr(t, 1, OSPREY_PIPE_BG_COLOR, 0x0000ff);
	dt_plane(t, 1, OSPREY_PLANE_PRIMARY, OSPREY_FMT_XRGB8888, PRIMARY_VA, w * 4, w, h - 1,
		 0, 0);
	dt_plane(t, 1, OSPREY_PLANE_OVERLAY, OSPREY_FMT_XRGB8888, ov_va, 4099, 8, 3, 15, 4);
	/* The overlay under the primary: the same ZPOS, lower index first. */
	plwr(t, 1, OSPREY_PLANE_PRIMARY, OSPREY_PLANE_ZPOS, 1);
	plwr(t, 1, OSPREY_PLANE_OVERLAY, OSPREY_PLANE_ZPOS, 1);
	dt_enable(t, 1, true);
	dt_fill(&wb, 0);
	KUNIT_EXPECT_EQ(test, dt_writeback(t, 1, &wb, wb_pitch), 0);

	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++) {
			u32 expect = 0x0000ff, got;

			if (x >= 15 && y >= 4)
				expect = 0x00800000 | (y - 4) << 8 | (x - 15);
			else if (y < h - 1)
				expect = 0x00101010 + y * w + x;
			got = dt_get32(&wb, y * wb_pitch + x * 4);
			if (got != expect && bad++ < 4)
				KUNIT_FAIL(test, "(%u, %u) is %#x, expected %#x",
					   x, y, got, expect);
		}
	}
	KUNIT_EXPECT_EQ(test, bad, 0);

	/* Now the primary above the overlay (ZPOS 2 over 1). */
	plwr(t, 1, OSPREY_PLANE_PRIMARY, OSPREY_PLANE_ZPOS, 2);
	KUNIT_EXPECT_EQ(test, dt_writeback(t, 1, &wb, wb_pitch), 0);
	KUNIT_EXPECT_EQ(test, dt_get32(&wb, 4 * wb_pitch + 15 * 4), 0x00101010 + 4 * w + 15);
	KUNIT_EXPECT_EQ(test, dt_get32(&wb, 5 * wb_pitch + 15 * 4), 0x00800100);
}

static void disp_underrun(struct kunit *test)
{
	struct dt_test *t = test->priv;
	const u32 w = 16, h = 4;
	struct dt_surface primary, wb, ro, before_hole;
	u32 count;

	dt_surface(t, &primary, PRIMARY_VA, w * h * 4, false);
	dt_surface(t, &wb, WB_VA, w * h * 4, true);
	dt_surface(t, &ro, OVERLAY_VA, w * h * 4, false);
	dt_surface(t, &before_hole, HOLE_VA - 2 * DT_PAGE, 2 * DT_PAGE, false);
	dt_fill(&primary, 0x00445566);
	/* Opaque green: were the overlay drawn, it would show. */
	dt_fill(&before_hole, 0xff00ff00);

	dt_mode(t, 0, w, h);
	pwr(t, 0, OSPREY_PIPE_BG_COLOR, 0x000001);
	dt_plane(t, 0, OSPREY_PLANE_PRIMARY, OSPREY_FMT_XRGB8888, PRIMARY_VA, w * 4, w, h, 0, 0);
	/* The overlay reads a hole, from its third row on. */
	dt_plane(t, 0, OSPREY_PLANE_OVERLAY, OSPREY_FMT_ARGB8888, HOLE_VA - 2 * DT_PAGE, DT_PAGE,
		 w, h, 0, 0);
	dt_enable(t, 0, true);
	dt_wait_irq(t, OSPREY_IRQ_UNDERRUN(0), "an underrun");
	KUNIT_EXPECT_TRUE(test, prd(t, 0, OSPREY_PIPE_STATUS) & OSPREY_PIPE_UNDERRUN);
	KUNIT_EXPECT_EQ(test, prd(t, 0, OSPREY_PIPE_UNDERRUN_ADDR_LO), lower_32_bits(HOLE_VA));
	KUNIT_EXPECT_EQ(test, prd(t, 0, OSPREY_PIPE_UNDERRUN_ADDR_HI), upper_32_bits(HOLE_VA));
	KUNIT_EXPECT_EQ(test, prd(t, 0, OSPREY_PIPE_UNDERRUN_PLANE), OSPREY_PLANE_OVERLAY);
	KUNIT_EXPECT_GE(test, prd(t, 0, OSPREY_PIPE_UNDERRUN_COUNT), 1);

	/* The lost plane is not drawn at all. */
	KUNIT_EXPECT_EQ(test, dt_writeback(t, 0, &wb, w * 4), 0);
	KUNIT_EXPECT_EQ(test, dt_get32(&wb, 0), 0x00445566);
	KUNIT_EXPECT_EQ(test, dt_get32(&wb, w * h * 4 - 4), 0x00445566);

	/* A frame without underrun clears STATUS.UNDERRUN. */
	plwr(t, 0, OSPREY_PLANE_OVERLAY, OSPREY_PLANE_CONTROL, 0);
	dt_commit(t, 0);
	KUNIT_EXPECT_TRUE(test, dt_wait(!(prd(t, 0, OSPREY_PIPE_STATUS) &
					     OSPREY_PIPE_UNDERRUN)));
	count = prd(t, 0, OSPREY_PIPE_UNDERRUN_COUNT);
	raw_clear(t, OSPREY_IRQ_UNDERRUN(0));
	dt_wait_frames(t, 0, frame_count(t, 0), 3);
	KUNIT_EXPECT_EQ(test, prd(t, 0, OSPREY_PIPE_UNDERRUN_COUNT), count);
	KUNIT_EXPECT_FALSE(test, raw_has(t, OSPREY_IRQ_UNDERRUN(0)));

	/* A read-only writeback target faults. */
	KUNIT_EXPECT_EQ(test, dt_writeback(t, 0, &ro, w * 4), 1);
	KUNIT_EXPECT_TRUE(test, raw_has(t, OSPREY_IRQ_UNDERRUN(0)));
	KUNIT_EXPECT_EQ(test, prd(t, 0, OSPREY_PIPE_UNDERRUN_PLANE), OSPREY_UNDERRUN_WB);
	KUNIT_EXPECT_EQ(test, prd(t, 0, OSPREY_PIPE_UNDERRUN_ADDR_LO), lower_32_bits(OVERLAY_VA));
	KUNIT_EXPECT_EQ(test, dt_get32(&ro, 0), 0);

	/* The debug knob: plane 0, address 0, on the next frame. */
	raw_clear(t, OSPREY_IRQ_UNDERRUN(0));
	count = prd(t, 0, OSPREY_PIPE_UNDERRUN_COUNT);
	KUNIT_EXPECT_EQ(test, osprey_sim_display_inject_underrun(&t->sim, 0), 0);
	KUNIT_EXPECT_EQ(test, osprey_sim_display_inject_underrun(&t->sim, DT_PIPES), -EINVAL);
	dt_wait_irq(t, OSPREY_IRQ_UNDERRUN(0), "an injected underrun");
	KUNIT_EXPECT_EQ(test, prd(t, 0, OSPREY_PIPE_UNDERRUN_COUNT), count + 1);
	KUNIT_EXPECT_EQ(test, prd(t, 0, OSPREY_PIPE_UNDERRUN_PLANE), 0);
	KUNIT_EXPECT_EQ(test, prd(t, 0, OSPREY_PIPE_UNDERRUN_ADDR_LO), 0);
	KUNIT_EXPECT_EQ(test, prd(t, 0, OSPREY_PIPE_UNDERRUN_ADDR_HI), 0);

	/* The display address space disabled: the primary is lost. */
	raw_clear(t, OSPREY_IRQ_UNDERRUN(0));
	dt_disp_as(t, false);
	dt_wait_irq(t, OSPREY_IRQ_UNDERRUN(0), "an underrun with the AS disabled");
	KUNIT_EXPECT_EQ(test, prd(t, 0, OSPREY_PIPE_UNDERRUN_PLANE), OSPREY_PLANE_PRIMARY);
	KUNIT_EXPECT_EQ(test, prd(t, 0, OSPREY_PIPE_UNDERRUN_ADDR_LO), lower_32_bits(PRIMARY_VA));
}

static void disp_edid(struct kunit *test)
{
	struct dt_test *t = test->priv;
	unsigned int pipe, i;
	u8 edid[OSPREY_EDID_MAX];

	for (pipe = 0; pipe < DT_PIPES; pipe++) {
		u32 size = prd(t, pipe, OSPREY_PIPE_EDID_SIZE);
		u8 sum = 0;
		char name[16];
		bool named = false;

		KUNIT_ASSERT_EQ(test, size, 128);
		for (i = 0; i < size / 4; i++)
			put_unaligned_le32(prd(t, pipe, OSPREY_PIPE_EDID(i)), &edid[i * 4]);
		for (i = 0; i < size; i++)
			sum += edid[i];
		KUNIT_EXPECT_EQ(test, sum, 0);
		KUNIT_EXPECT_EQ(test, get_unaligned_be64(edid), 0x00ffffffffffff00ull);
		/* "OSP": 01111 10011 10000. */
		KUNIT_EXPECT_EQ(test, get_unaligned_be16(&edid[8]), 0x3e70);
		KUNIT_EXPECT_EQ(test, get_unaligned_le16(&edid[10]), 1 + pipe);
		KUNIT_EXPECT_EQ(test, get_unaligned_le32(&edid[12]), pipe);
		KUNIT_EXPECT_EQ(test, edid[18], 1);
		KUNIT_EXPECT_EQ(test, edid[19], 4);
		KUNIT_EXPECT_EQ(test, edid[126], 0);
		/* Established 640x480@60 and 800x600@60; standard 1280x720@60. */
		KUNIT_EXPECT_EQ(test, edid[35], 0x21);
		KUNIT_EXPECT_EQ(test, edid[38], 0x81);
		KUNIT_EXPECT_EQ(test, edid[39], 0xc0);
		/* Preferred: 65.00 MHz, 1024 + 320 by 768 + 38. */
		KUNIT_EXPECT_EQ(test, get_unaligned_le16(&edid[54]), 6500);
		KUNIT_EXPECT_EQ(test, edid[56] | (edid[58] >> 4) << 8, 1024);
		KUNIT_EXPECT_EQ(test, edid[57] | (edid[58] & 0xf) << 8, 320);
		KUNIT_EXPECT_EQ(test, edid[59] | (edid[61] >> 4) << 8, 768);
		KUNIT_EXPECT_EQ(test, edid[60] | (edid[61] & 0xf) << 8, 38);
		/* Second: 148.50 MHz, 1920 + 280 by 1080 + 45. */
		KUNIT_EXPECT_EQ(test, get_unaligned_le16(&edid[72]), 14850);
		KUNIT_EXPECT_EQ(test, edid[74] | (edid[76] >> 4) << 8, 1920);
		KUNIT_EXPECT_EQ(test, edid[75] | (edid[76] & 0xf) << 8, 280);
		KUNIT_EXPECT_EQ(test, edid[77] | (edid[79] >> 4) << 8, 1080);
		KUNIT_EXPECT_EQ(test, edid[78] | (edid[79] & 0xf) << 8, 45);

		snprintf(name, sizeof(name), "Osprey-%u\n", pipe);
		for (i = 90; i < 126; i += 18) {
			if (get_unaligned_be32(&edid[i]) != 0xfc)
				continue;
			named = !memcmp(&edid[i + 5], name, strlen(name));
		}
		KUNIT_EXPECT_TRUE_MSG(test, named, "pipe %u: no monitor name %s", pipe, name);
		for (i = 90; i < 126; i += 18)
			if (get_unaligned_be32(&edid[i]) == 0xfd)
				break;
		KUNIT_EXPECT_LT_MSG(test, i, 126, "pipe %u: no range limits", pipe);
		/* Past the EDID, zeros. */
		KUNIT_EXPECT_EQ(test, prd(t, pipe, OSPREY_PIPE_EDID(32)), 0);
	}
}

static void disp_hotplug(struct kunit *test)
{
	struct dt_test *t = test->priv;

	wr(t, OSPREY_REG_IRQ_MASK, OSPREY_IRQ_HOTPLUG);
	KUNIT_EXPECT_EQ(test, osprey_sim_display_set_connected(&t->sim, 1, false), 0);
	KUNIT_EXPECT_TRUE(test, raw_has(t, OSPREY_IRQ_HOTPLUG));
	irq_work_sync(&t->sim.irq_work);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->deliveries), 1);
	KUNIT_EXPECT_EQ(test, prd(t, 1, OSPREY_PIPE_CONN_STATUS), 0);
	KUNIT_EXPECT_EQ(test, prd(t, 1, OSPREY_PIPE_EDID_SIZE), 0);
	KUNIT_EXPECT_EQ(test, prd(t, 1, OSPREY_PIPE_EDID(0)), 0);
	KUNIT_EXPECT_EQ(test, prd(t, 0, OSPREY_PIPE_CONN_STATUS), 1);

	/* No change, no event. */
	raw_clear(t, OSPREY_IRQ_HOTPLUG);
	KUNIT_EXPECT_EQ(test, osprey_sim_display_set_connected(&t->sim, 1, false), 0);
	KUNIT_EXPECT_FALSE(test, raw_has(t, OSPREY_IRQ_HOTPLUG));

	KUNIT_EXPECT_EQ(test, osprey_sim_display_set_connected(&t->sim, 1, true), 0);
	KUNIT_EXPECT_TRUE(test, raw_has(t, OSPREY_IRQ_HOTPLUG));
	KUNIT_EXPECT_EQ(test, prd(t, 1, OSPREY_PIPE_CONN_STATUS), 1);
	KUNIT_EXPECT_EQ(test, prd(t, 1, OSPREY_PIPE_EDID_SIZE), 128);
	KUNIT_EXPECT_EQ(test, prd(t, 1, OSPREY_PIPE_EDID(0)), 0xffffff00);
	KUNIT_EXPECT_EQ(test, osprey_sim_display_set_connected(&t->sim, DT_PIPES, true), -EINVAL);
	wr(t, OSPREY_REG_IRQ_MASK, 0);
}

static void disp_two_pipes(struct kunit *test)
{
	struct dt_test *t = test->priv;
	u32 a[16], b[9], i;

	for (i = 0; i < 16; i++)
		a[i] = 0x0a0b0c;
	for (i = 0; i < 9; i++)
		b[i] = 0xc0b0a0;
	dt_mode(t, 0, 4, 4);
	dt_mode(t, 1, 3, 3);
	pwr(t, 0, OSPREY_PIPE_BG_COLOR, 0x0a0b0c);
	pwr(t, 1, OSPREY_PIPE_BG_COLOR, 0xc0b0a0);
	pwr(t, 0, OSPREY_PIPE_CRC_CONTROL, 1);
	pwr(t, 1, OSPREY_PIPE_CRC_CONTROL, 1);
	dt_enable(t, 0, true);
	dt_enable(t, 1, true);
	KUNIT_EXPECT_EQ(test, dt_crc(t, 0, 1, NULL), ref_crc(a, 16));
	KUNIT_EXPECT_EQ(test, dt_crc(t, 1, 1, NULL), ref_crc(b, 9));
	dt_wait_irq(t, OSPREY_IRQ_VBLANK(0) | OSPREY_IRQ_VBLANK(1), "vblanks of both pipes");

	/* Stopping one leaves the other running. */
	dt_enable(t, 0, false);
	raw_clear(t, OSPREY_IRQ_CRC(1));
	KUNIT_EXPECT_EQ(test, dt_crc(t, 1, frame_count(t, 1), NULL), ref_crc(b, 9));
	KUNIT_EXPECT_EQ(test, prd(t, 1, OSPREY_PIPE_STATUS), OSPREY_PIPE_ACTIVE);
}

static void disp_writeback_lost(struct kunit *test)
{
	struct dt_test *t = test->priv;
	struct dt_surface wb;

	/* Armed on a pipe that does not run: the writeback is lost. */
	dt_surface(t, &wb, WB_VA, 4 * 4 * 4, true);
	dt_fill(&wb, 0x5a5a5a5a);
	dt_mode(t, 0, 4, 4);
	KUNIT_EXPECT_EQ(test, dt_writeback(t, 0, &wb, 16), 1);
	KUNIT_EXPECT_EQ(test, dt_get32(&wb, 0), 0x5a5a5a5a);
	KUNIT_EXPECT_EQ(test, prd(t, 0, OSPREY_PIPE_UNDERRUN_COUNT), 0);

	/* The same once the pipe runs: written, from the background. */
	pwr(t, 0, OSPREY_PIPE_BG_COLOR, 0x00fedcba);
	dt_enable(t, 0, true);
	KUNIT_EXPECT_EQ(test, dt_writeback(t, 0, &wb, 16), 0);
	KUNIT_EXPECT_EQ(test, dt_get32(&wb, 0), 0x00fedcba);
	KUNIT_EXPECT_EQ(test, dt_get32(&wb, 60), 0x00fedcba);
}

/* A full HD frame of two full-screen planes, checked by its CRC. */
static void disp_large_frame(struct kunit *test)
{
	struct dt_test *t = test->priv;
	const u32 w = 1920, h = 1080;
	struct dt_surface primary, overlay;
	u32 *expect, i, crc;

	expect = vmalloc(array_size(w * h, sizeof(u32)));
	KUNIT_ASSERT_NOT_NULL(test, expect);
	dt_surface(t, &primary, PRIMARY_VA, w * h * 4, false);
	dt_surface(t, &overlay, OVERLAY_VA + 16 * SZ_1M, w * h * 4, false);
	for (i = 0; i < w * h; i++) {
		u32 d = blend_dst(i) ^ i, s = blend_src(i / 7);

		put_unaligned_le32(d, dt_byte(&primary, i * 4));
		put_unaligned_le32(s, dt_byte(&overlay, i * 4));
		expect[i] = ref_blend(d & 0xffffff, s, OSPREY_BLEND_PREMULTI, 255);
	}

	/* 1920x1080@60 timings. */
	pwr(t, 0, OSPREY_PIPE_MODE_SIZE, h << 16 | w);
	pwr(t, 0, OSPREY_PIPE_MODE_TOTAL, 1125 << 16 | 2200);
	pwr(t, 0, OSPREY_PIPE_MODE_CLOCK, 148500);
	dt_plane(t, 0, OSPREY_PLANE_PRIMARY, OSPREY_FMT_XRGB8888, PRIMARY_VA, w * 4, w, h, 0, 0);
	dt_plane(t, 0, OSPREY_PLANE_OVERLAY, OSPREY_FMT_ARGB8888, overlay.va, w * 4, w, h, 0, 0);
	pwr(t, 0, OSPREY_PIPE_CRC_CONTROL, 1);
	dt_enable(t, 0, true);
	crc = dt_crc(t, 0, 1, NULL);
	KUNIT_EXPECT_EQ(test, crc, ref_crc(expect, w * h));
	kunit_info(test, "composed in %llu us (longest %llu us)\n",
		   READ_ONCE(t->sim.disp.pipe[0].stats.last_ns) / 1000,
		   READ_ONCE(t->sim.disp.pipe[0].stats.max_ns) / 1000);
	dt_enable(t, 0, false);
	vfree(expect);
}

static struct kunit_case sim_display_cases[] = {
	KUNIT_CASE(disp_registers),
	KUNIT_CASE(disp_timing),
	KUNIT_CASE(disp_crc_known_frame),
	KUNIT_CASE(disp_crc_planes),
	KUNIT_CASE(disp_latch_at_vblank),
	KUNIT_CASE(disp_blend_writeback),
	KUNIT_CASE(disp_zpos_and_geometry),
	KUNIT_CASE(disp_underrun),
	KUNIT_CASE(disp_edid),
	KUNIT_CASE(disp_hotplug),
	KUNIT_CASE(disp_two_pipes),
	KUNIT_CASE(disp_writeback_lost),
	KUNIT_CASE_SLOW(disp_large_frame),
	{}
};

static struct kunit_suite sim_display_suite = {
	.name = "osprey_sim_display",
	.init = dt_init,
	.exit = dt_exit,
	.test_cases = sim_display_cases,
};

kunit_test_suite(sim_display_suite);
