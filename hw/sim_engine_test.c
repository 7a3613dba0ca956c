// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: KUnit tests of the model's command engine
 *
 * Checks the engine of docs/gpu-model.md ("The engine (specified)") as a
 * driver would see it: each test owns a model instance that is not attached
 * to any device, programs it only through the register bus, and looks at
 * the results in memory and in the registers.
 *
 * Memory is ordinary pages; their bus addresses are their physical
 * addresses. Every test starts with address space 0 enabled and mapping
 * three regions of two pages each, never physically contiguous so that the
 * engine has to translate every page:
 *
 * - code at %CODE_VA, read-only (fetches are always allowed);
 * - data at %DATA_VA, writable;
 * - high at %HIGH_VA, writable: the last two pages of the 39-bit VA space,
 *   so that the high words of the operands are not zero;
 *
 * and with a 4 KiB ring programmed. Tests write instructions with the
 * encoder of osprey_isa.h, queue packets, ring the doorbell and poll
 * LAST_SEQNO or ENGINE_STATUS, giving up after %ENG_TIMEOUT_MS. When a test
 * checks that nothing happens, it watches for %ENG_QUIET_MS after having
 * seen the engine reach the instruction in question.
 *
 * Interrupt delivery is replaced by a counter, so no Linux interrupt is
 * involved.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sizes.h>

#include "osprey_sim.h"

#define ENG_TIMEOUT_MS		5000
#define ENG_QUIET_MS		20
#define ENG_MAX_PAGES		64
#define ENG_REGION_PAGES	2
#define ENG_PAGE		SZ_4K
#define ENG_REGION_SIZE		(ENG_REGION_PAGES * ENG_PAGE)
#define ENG_REGION_WORDS	(ENG_REGION_SIZE / 4)
#define ENG_RING_SIZE		OSPREY_RING_SIZE_MIN
#define ENG_PT_ENTRIES		512
#define ENG_ANY			U32_MAX
#define ENG_BAD			0x0badbad0u

/* GPU virtual addresses (L0, L1, L2 indices in the comments). */
#define CODE_VA		0x0000100000ull	/* 0, 0, 256-257 */
#define DATA_VA		0x0040200000ull	/* 1, 1, 0-1 */
#define HOLE_VA		0x0040203000ull	/* 1, 1, 3: never mapped */
#define RO_VA		0x0040204000ull	/* 1, 1, 4 */
#define RSV2_VA		0x0040205000ull	/* 1, 1, 5 */
#define NOL1_VA		0x0000600000ull	/* 0, 3: no L1 entry */
#define RSV1_VA		0x0000800000ull	/* 0, 4, 0 */
#define NOL0_VA		0x1000000000ull	/* 64: no L0 entry */
#define HIGH_VA		0x7fffffe000ull	/* 511, 511, 510-511 */

/* A reserved bit of a page-table entry (bits 2-11 and 52-63 are). */
#define ENG_PTE_RESERVED	BIT_ULL(2)

struct eng_region {
	u64 va;
	struct page *pages[ENG_REGION_PAGES];
};

struct eng_test {
	struct kunit *test;
	struct osprey_sim sim;
	atomic_t deliveries;
	bool started;
	unsigned int npages;
	struct page *pages[ENG_MAX_PAGES];
	struct page *l0[OSPREY_NUM_AS];
	struct eng_region code;
	struct eng_region data;
	struct eng_region high;
	struct page *ring;
	u32 tail;
	u32 seqno;
};

/* Writes instructions into a region, from a byte offset on. */
struct eng_bb {
	struct eng_test *t;
	struct eng_region *r;
	u32 off;
};

/* What the engine's registers must say about a fault. */
struct eng_fault {
	const char *what;
	u32 status;
	u32 access;		/* or ENG_ANY */
	u32 as;
	u64 addr;
	u64 ip;
	u64 batch;
	u32 seqno;		/* the SEQNO packet after the faulting batch */
};

static void count_delivery(struct irq_work *work)
{
	struct eng_test *t = container_of(work, struct eng_test, sim.irq_work);

	atomic_inc(&t->deliveries);
}

static int deliveries(struct eng_test *t)
{
	irq_work_sync(&t->sim.irq_work);
	return atomic_read(&t->deliveries);
}

/* Registers. */

static u32 rd(struct eng_test *t, u32 offset)
{
	return osprey_sim_reg_read(&t->sim, offset);
}

static void wr(struct eng_test *t, u32 offset, u32 value)
{
	osprey_sim_reg_write(&t->sim, offset, value);
}

/* A 64-bit register pair, low word first (TIMESTAMP_LO latches HI). */
static u64 rd64(struct eng_test *t, u32 lo, u32 hi)
{
	u32 low = rd(t, lo);

	return (u64)rd(t, hi) << 32 | low;
}

static u64 rd_ip(struct eng_test *t)
{
	return rd64(t, OSPREY_REG_CURRENT_IP_LO, OSPREY_REG_CURRENT_IP_HI);
}

static u64 rd_batch(struct eng_test *t)
{
	return rd64(t, OSPREY_REG_CURRENT_BATCH_LO, OSPREY_REG_CURRENT_BATCH_HI);
}

static u64 rd_fault_address(struct eng_test *t)
{
	return rd64(t, OSPREY_REG_FAULT_ADDRESS_LO, OSPREY_REG_FAULT_ADDRESS_HI);
}

static u64 rd_timestamp(struct eng_test *t)
{
	return rd64(t, OSPREY_REG_TIMESTAMP_LO, OSPREY_REG_TIMESTAMP_HI);
}

/* Memory. */

static struct page *eng_page(struct eng_test *t)
{
	struct page *page;

	KUNIT_ASSERT_LT(t->test, t->npages, ENG_MAX_PAGES);
	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(t->test, page);
	t->pages[t->npages++] = page;
	return page;
}

static unsigned int pt_index(u64 va, unsigned int level)
{
	return (va >> (30 - 9 * level)) & (ENG_PT_ENTRIES - 1);
}

static __le64 *eng_l0(struct eng_test *t, unsigned int as)
{
	if (!t->l0[as])
		t->l0[as] = eng_page(t);
	return page_address(t->l0[as]);
}

/* Points AS_PGTABLE of @as at its L0 table and writes AS_CONTROL. */
static void eng_as_program(struct eng_test *t, unsigned int as, u32 control)
{
	u64 bus;

	eng_l0(t, as);
	bus = page_to_phys(t->l0[as]);
	wr(t, OSPREY_REG_AS_PGTABLE_LO(as), lower_32_bits(bus));
	wr(t, OSPREY_REG_AS_PGTABLE_HI(as), upper_32_bits(bus));
	wr(t, OSPREY_REG_AS_CONTROL(as), control);
}

/* The entry for @va at @level (0-2) of @as, making the tables above it. */
static __le64 *eng_pte(struct eng_test *t, unsigned int as, u64 va, unsigned int level)
{
	__le64 *table = eng_l0(t, as);
	unsigned int l;

	for (l = 0; l < level; l++) {
		__le64 *entry = &table[pt_index(va, l)];
		u64 e = le64_to_cpu(READ_ONCE(*entry));

		if (!(e & OSPREY_PTE_VALID)) {
			e = page_to_phys(eng_page(t)) | OSPREY_PTE_VALID;
			WRITE_ONCE(*entry, cpu_to_le64(e));
		}
		table = phys_to_virt(e & OSPREY_PTE_ADDR);
	}
	return &table[pt_index(va, level)];
}

static void eng_set_pte(__le64 *pte, u64 value)
{
	WRITE_ONCE(*pte, cpu_to_le64(value));
}

static void eng_map(struct eng_test *t, unsigned int as, u64 va, struct page *page,
		    bool writable)
{
	u64 e = page_to_phys(page) | OSPREY_PTE_VALID;

	if (writable)
		e |= OSPREY_PTE_WRITE;
	eng_set_pte(eng_pte(t, as, va, 2), e);
}

static void eng_region_alloc(struct eng_test *t, struct eng_region *r, u64 va)
{
	unsigned int i;

	r->va = va;
	for (i = 0; i < ENG_REGION_PAGES; i++) {
		struct page *page = eng_page(t);

		/* Never contiguous: the engine must translate each page. */
		if (i && page_to_phys(page) == page_to_phys(r->pages[i - 1]) + ENG_PAGE)
			page = eng_page(t);
		r->pages[i] = page;
	}
}

static void eng_region_map(struct eng_test *t, struct eng_region *r, unsigned int as,
			   bool writable)
{
	unsigned int i;

	for (i = 0; i < ENG_REGION_PAGES; i++)
		eng_map(t, as, r->va + i * ENG_PAGE, r->pages[i], writable);
}

static __le32 *eng_word(struct eng_test *t, struct eng_region *r, u32 off)
{
	KUNIT_ASSERT_LT(t->test, off, ENG_REGION_SIZE);
	KUNIT_ASSERT_EQ(t->test, off % 4, 0);
	return (__le32 *)page_address(r->pages[off / ENG_PAGE]) + off % ENG_PAGE / 4;
}

static u32 eng_get(struct eng_test *t, struct eng_region *r, u32 off)
{
	return le32_to_cpu(READ_ONCE(*eng_word(t, r, off)));
}

static u64 eng_get64(struct eng_test *t, struct eng_region *r, u32 off)
{
	return (u64)eng_get(t, r, off + 4) << 32 | eng_get(t, r, off);
}

static void eng_put(struct eng_test *t, struct eng_region *r, u32 off, u32 value)
{
	WRITE_ONCE(*eng_word(t, r, off), cpu_to_le32(value));
}

/*
 * Fills @r with a pattern and returns a copy of it, in which the test
 * applies what it expects the engine to do.
 */
static u32 *eng_image(struct eng_test *t, struct eng_region *r, u32 seed)
{
	u32 *img = kunit_kcalloc(t->test, ENG_REGION_WORDS, sizeof(u32), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(t->test, img);
	for (i = 0; i < ENG_REGION_WORDS; i++) {
		img[i] = seed + i * 0x01010101u;
		eng_put(t, r, i * 4, img[i]);
	}
	return img;
}

static void eng_check_image(struct eng_test *t, struct eng_region *r, const u32 *img,
			    const char *what)
{
	unsigned int i, bad = 0;

	for (i = 0; i < ENG_REGION_WORDS; i++) {
		u32 v = eng_get(t, r, i * 4);

		if (v == img[i])
			continue;
		if (bad++ < 4)
			KUNIT_FAIL(t->test, "%s: VA %#llx holds %#x, expected %#x",
				   what, r->va + i * 4, v, img[i]);
	}
	KUNIT_EXPECT_EQ_MSG(t->test, bad, 0, "%s: words that differ", what);
}

/* Instructions. */

static u64 bb_va(const struct eng_bb *b)
{
	return b->r->va + b->off;
}

static u64 bb_raw(struct eng_bb *b, const u32 *words, unsigned int n)
{
	u64 va = bb_va(b);
	unsigned int i;

	for (i = 0; i < n; i++) {
		eng_put(b->t, b->r, b->off, words[i]);
		b->off += 4;
	}
	return va;
}

static u64 bb_insn(struct eng_bb *b, const struct osprey_insn *insn)
{
	u32 words[OSPREY_INSN_MAX_WORDS];
	int n = osprey_insn_encode(insn, words, ARRAY_SIZE(words));

	KUNIT_ASSERT_GT_MSG(b->t->test, n, 0, "encoding opcode %#x", insn->opcode);
	return bb_raw(b, words, n);
}

static u64 bb_op(struct eng_bb *b, u8 opcode)
{
	struct osprey_insn insn = { .opcode = opcode };

	return bb_insn(b, &insn);
}

static u64 bb_store(struct eng_bb *b, u64 va, u32 value)
{
	struct osprey_insn insn = { .opcode = OSPREY_OP_STORE, .va = va, .value = value };

	return bb_insn(b, &insn);
}

static u64 bb_copy(struct eng_bb *b, u64 dst, u64 src, u32 bytes)
{
	struct osprey_insn insn = {
		.opcode = OSPREY_OP_COPY, .dst = dst, .src = src, .bytes = bytes,
	};

	return bb_insn(b, &insn);
}

static u64 bb_fill(struct eng_bb *b, u64 va, u32 bytes, u32 pattern)
{
	struct osprey_insn insn = {
		.opcode = OSPREY_OP_FILL, .va = va, .bytes = bytes, .pattern = pattern,
	};

	return bb_insn(b, &insn);
}

static u64 bb_sem(struct eng_bb *b, u8 cmp, u64 va, u32 value)
{
	struct osprey_insn insn = {
		.opcode = OSPREY_OP_SEM_WAIT, .modifier = cmp, .va = va, .value = value,
	};

	return bb_insn(b, &insn);
}

static u64 bb_atomic(struct eng_bb *b, u8 op, u64 va, u32 operand, u32 compare)
{
	struct osprey_insn insn = {
		.opcode = OSPREY_OP_ATOMIC, .modifier = op, .va = va,
		.operand = operand, .compare = compare,
	};

	return bb_insn(b, &insn);
}

static u64 bb_timestamp(struct eng_bb *b, u64 va)
{
	struct osprey_insn insn = { .opcode = OSPREY_OP_TIMESTAMP, .va = va };

	return bb_insn(b, &insn);
}

static u64 bb_branch(struct eng_bb *b, u8 opcode, u64 target)
{
	struct osprey_insn insn = { .opcode = opcode, .target = target };

	return bb_insn(b, &insn);
}

/* The ring. */

static void eng_ring_setup(struct eng_test *t)
{
	u64 bus;

	if (!t->ring)
		t->ring = eng_page(t);
	bus = page_to_phys(t->ring);
	t->tail = 0;
	wr(t, OSPREY_REG_RING_BASE_LO, lower_32_bits(bus));
	wr(t, OSPREY_REG_RING_BASE_HI, upper_32_bits(bus));
	wr(t, OSPREY_REG_RING_SIZE, ENG_RING_SIZE);
}

static void ring_raw(struct eng_test *t, const u32 *words, unsigned int n)
{
	__le32 *ring = page_address(t->ring);
	unsigned int i;

	for (i = 0; i < n; i++) {
		WRITE_ONCE(ring[t->tail / 4], cpu_to_le32(words[i]));
		t->tail = (t->tail + 4) % ENG_RING_SIZE;
	}
}

static void ring_pkt(struct eng_test *t, const struct osprey_pkt *pkt)
{
	u32 words[OSPREY_PKT_MAX_WORDS];
	int n = osprey_pkt_encode(pkt, words, ARRAY_SIZE(words));

	KUNIT_ASSERT_GT_MSG(t->test, n, 0, "encoding packet %#x", pkt->opcode);
	ring_raw(t, words, n);
}

static void ring_op(struct eng_test *t, u8 opcode)
{
	struct osprey_pkt pkt = { .opcode = opcode };

	ring_pkt(t, &pkt);
}

static void ring_set_as(struct eng_test *t, unsigned int as)
{
	struct osprey_pkt pkt = { .opcode = OSPREY_PKT_SET_AS, .as = as };

	ring_pkt(t, &pkt);
}

static void ring_batch(struct eng_test *t, u64 va, u32 bytes)
{
	struct osprey_pkt pkt = { .opcode = OSPREY_PKT_BATCH, .va = va, .bytes = bytes };

	ring_pkt(t, &pkt);
}

static u32 ring_seqno(struct eng_test *t)
{
	struct osprey_pkt pkt = { .opcode = OSPREY_PKT_SEQNO, .seqno = ++t->seqno };

	ring_pkt(t, &pkt);
	return t->seqno;
}

static void ring_kick(struct eng_test *t)
{
	/* The register write takes the model's lock: the packets are visible. */
	wr(t, OSPREY_REG_RING_TAIL, t->tail);
	wr(t, OSPREY_REG_DOORBELL, 1);
}

/* Queues SET_AS, BATCH [@start, @end) and SEQNO; returns the seqno. */
static u32 eng_queue(struct eng_test *t, unsigned int as, u64 start, u64 end)
{
	ring_set_as(t, as);
	ring_batch(t, start, end - start);
	return ring_seqno(t);
}

static u32 eng_submit(struct eng_test *t, unsigned int as, u64 start, u64 end)
{
	u32 seqno = eng_queue(t, as, start, end);

	ring_kick(t);
	return seqno;
}

/* Waiting. */

static bool eng_poll(struct eng_test *t, u32 offset, u32 mask, u32 want)
{
	unsigned long timeout = jiffies + msecs_to_jiffies(ENG_TIMEOUT_MS);

	for (;;) {
		if ((rd(t, offset) & mask) == want)
			return true;
		if (time_after(jiffies, timeout))
			return false;
		usleep_range(500, 1000);
	}
}

static void eng_wait_status(struct eng_test *t, u32 status, const char *what)
{
	bool ok = eng_poll(t, OSPREY_REG_ENGINE_STATUS, U32_MAX, status);

	KUNIT_ASSERT_TRUE_MSG(t->test, ok,
			      "%s: status %u, waited for %u (fault %u at %#llx, ip %#llx)",
			      what, rd(t, OSPREY_REG_ENGINE_STATUS), status,
			      rd(t, OSPREY_REG_FAULT_STATUS), rd_fault_address(t), rd_ip(t));
}

/* Waits until LAST_SEQNO is @seqno; fails at once if the engine stops in ERROR. */
static void eng_sync(struct eng_test *t, u32 seqno)
{
	unsigned long timeout = jiffies + msecs_to_jiffies(ENG_TIMEOUT_MS);
	u32 last;

	for (;;) {
		if (rd(t, OSPREY_REG_LAST_SEQNO) == seqno)
			return;
		if (rd(t, OSPREY_REG_ENGINE_STATUS) == OSPREY_ENGINE_ERROR ||
		    time_after(jiffies, timeout))
			break;
		usleep_range(500, 1000);
	}
	last = rd(t, OSPREY_REG_LAST_SEQNO);
	KUNIT_ASSERT_EQ_MSG(t->test, last, seqno,
			    "status %u, fault %u at %#llx (access %u), ip %#llx, head %#x, tail %#x",
			    rd(t, OSPREY_REG_ENGINE_STATUS), rd(t, OSPREY_REG_FAULT_STATUS),
			    rd_fault_address(t), rd(t, OSPREY_REG_FAULT_ACCESS), rd_ip(t),
			    rd(t, OSPREY_REG_RING_HEAD), rd(t, OSPREY_REG_RING_TAIL));
}

/* Waits until the engine executes the instruction at @va. */
static void eng_wait_ip(struct eng_test *t, u64 va)
{
	unsigned long timeout = jiffies + msecs_to_jiffies(ENG_TIMEOUT_MS);

	while (rd_ip(t) != va && time_before(jiffies, timeout))
		usleep_range(500, 1000);
	KUNIT_ASSERT_EQ_MSG(t->test, rd_ip(t), va, "status %u",
			    rd(t, OSPREY_REG_ENGINE_STATUS));
}

/* Waits until the word at @off of @r changes from @old; returns the new value. */
static u32 eng_wait_change(struct eng_test *t, struct eng_region *r, u32 off, u32 old)
{
	unsigned long timeout = jiffies + msecs_to_jiffies(ENG_TIMEOUT_MS);

	while (eng_get(t, r, off) == old && time_before(jiffies, timeout))
		usleep_range(500, 1000);
	KUNIT_ASSERT_NE_MSG(t->test, eng_get(t, r, off), old, "status %u",
			    rd(t, OSPREY_REG_ENGINE_STATUS));
	return eng_get(t, r, off);
}

/* Waits until the word at @off of @r stops changing; returns its value. */
static u32 eng_wait_stable(struct eng_test *t, struct eng_region *r, u32 off)
{
	unsigned long timeout = jiffies + msecs_to_jiffies(ENG_TIMEOUT_MS);
	u32 before, after;

	do {
		before = eng_get(t, r, off);
		msleep(ENG_QUIET_MS);
		after = eng_get(t, r, off);
	} while (before != after && time_before(jiffies, timeout));
	KUNIT_ASSERT_EQ_MSG(t->test, before, after, "the engine did not stop");
	return after;
}

/*
 * RESET, and check its effects: RESET_DONE, IDLE, HEAD = TAIL = 0, fault
 * registers cleared. Then clears the interrupts and reprograms the ring.
 */
static void eng_reset(struct eng_test *t)
{
	struct kunit *test = t->test;
	bool done;

	wr(t, OSPREY_REG_IRQ_CLEAR, OSPREY_IRQ_RESET_DONE);
	wr(t, OSPREY_REG_RESET, 1);
	done = eng_poll(t, OSPREY_REG_IRQ_RAWSTAT, OSPREY_IRQ_RESET_DONE, OSPREY_IRQ_RESET_DONE);
	KUNIT_ASSERT_TRUE_MSG(test, done, "no RESET_DONE; status %u",
			      rd(t, OSPREY_REG_ENGINE_STATUS));
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_ENGINE_STATUS), OSPREY_ENGINE_IDLE);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_RING_HEAD), 0);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_RING_TAIL), 0);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_FAULT_STATUS), OSPREY_FAULT_NONE);
	KUNIT_EXPECT_EQ(test, rd_fault_address(t), 0);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_FAULT_ACCESS), 0);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_FAULT_AS), 0);
	wr(t, OSPREY_REG_IRQ_CLEAR, OSPREY_IRQ_ALL);
	eng_ring_setup(t);
}

/* Waits for the engine to stop on @f and checks what it reports. */
static void eng_check_fault(struct eng_test *t, const struct eng_fault *f)
{
	struct kunit *test = t->test;
	u32 irq = f->status <= OSPREY_FAULT_PERMISSION ? OSPREY_IRQ_FAULT : OSPREY_IRQ_ERROR;

	eng_wait_status(t, OSPREY_ENGINE_ERROR, f->what);
	KUNIT_EXPECT_EQ_MSG(test, rd(t, OSPREY_REG_FAULT_STATUS), f->status, "%s", f->what);
	KUNIT_EXPECT_EQ_MSG(test, rd_fault_address(t), f->addr, "%s", f->what);
	if (f->access != ENG_ANY)
		KUNIT_EXPECT_EQ_MSG(test, rd(t, OSPREY_REG_FAULT_ACCESS), f->access,
				    "%s", f->what);
	KUNIT_EXPECT_EQ_MSG(test, rd(t, OSPREY_REG_FAULT_AS), f->as, "%s", f->what);
	KUNIT_EXPECT_EQ_MSG(test, rd_ip(t), f->ip, "%s", f->what);
	KUNIT_EXPECT_EQ_MSG(test, rd_batch(t), f->batch, "%s", f->what);
	KUNIT_EXPECT_EQ_MSG(test, rd(t, OSPREY_REG_IRQ_RAWSTAT) &
			    (OSPREY_IRQ_FAULT | OSPREY_IRQ_ERROR), irq, "%s", f->what);
	KUNIT_EXPECT_EQ_MSG(test, rd(t, OSPREY_REG_LAST_SEQNO), f->seqno - 1, "%s", f->what);
}

/*
 * The ring holds one faulting batch per entry of @f, each followed by its
 * SEQNO: check each fault, SKIP it, and see the engine go on.
 */
static void eng_run_faults(struct eng_test *t, const struct eng_fault *f, unsigned int n)
{
	unsigned int i;

	ring_kick(t);
	for (i = 0; i < n; i++) {
		unsigned long timeout;
		s32 behind;

		eng_check_fault(t, &f[i]);
		wr(t, OSPREY_REG_IRQ_CLEAR, OSPREY_IRQ_ALL);
		wr(t, OSPREY_REG_ENGINE_CONTROL, OSPREY_ENGINE_SKIP);
		/*
		 * Not eng_sync(): the engine may say ERROR until it sees the
		 * SKIP, and after the last fault it may run ahead.
		 */
		timeout = jiffies + msecs_to_jiffies(ENG_TIMEOUT_MS);
		while ((behind = f[i].seqno - rd(t, OSPREY_REG_LAST_SEQNO)) > 0 &&
		       time_before(jiffies, timeout))
			usleep_range(500, 1000);
		KUNIT_ASSERT_LE_MSG(t->test, behind, 0, "%s: SKIP: status %u, last seqno %u",
				    f[i].what, rd(t, OSPREY_REG_ENGINE_STATUS),
				    rd(t, OSPREY_REG_LAST_SEQNO));
	}
}

/* Suite. */

static int eng_test_init(struct kunit *test)
{
	struct eng_test *t;

	if (PAGE_SIZE != ENG_PAGE)
		kunit_skip(test, "the tests map 4 KiB kernel pages");

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->test = test;
	spin_lock_init(&t->sim.lock);
	t->sim.revision = 0x0100;
	init_irq_work(&t->sim.irq_work, count_delivery);
	test->priv = t;

	KUNIT_ASSERT_EQ(test, osprey_sim_engine_init(&t->sim), 0);
	t->started = true;

	eng_region_alloc(t, &t->code, CODE_VA);
	eng_region_alloc(t, &t->data, DATA_VA);
	eng_region_alloc(t, &t->high, HIGH_VA);
	eng_region_map(t, &t->code, 0, false);
	eng_region_map(t, &t->data, 0, true);
	eng_region_map(t, &t->high, 0, true);
	eng_as_program(t, 0, OSPREY_AS_ENABLE);
	eng_ring_setup(t);
	return 0;
}

static void eng_test_exit(struct kunit *test)
{
	struct eng_test *t = test->priv;
	unsigned int i;

	if (!t)
		return;
	/* Stop the engine before freeing the memory it may still be using. */
	if (t->started)
		osprey_sim_engine_fini(&t->sim);
	irq_work_sync(&t->sim.irq_work);
	for (i = 0; i < t->npages; i++)
		__free_page(t->pages[i]);
}

/* Tests. */

static void engine_registers(struct kunit *test)
{
	static const u32 write_only[] = {
		OSPREY_REG_MMU_INVALIDATE, OSPREY_REG_DOORBELL,
		OSPREY_REG_ENGINE_CONTROL, OSPREY_REG_RESET,
	};
	static const u32 unclaimed[] = { 0x080c, 0x087c, 0x0884, 0x1058, 0x2000, 0x2018 };
	struct eng_test *t = test->priv;
	u64 ring = page_to_phys(t->ring), l0 = page_to_phys(t->l0[0]);
	unsigned int i;
	u64 t0, t1;

	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_FEATURES),
			OSPREY_FEATURE_MMU | OSPREY_FEATURE_TIMESTAMP);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_ENGINE_STATUS), OSPREY_ENGINE_IDLE);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_RING_HEAD), 0);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_RING_TAIL), 0);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_LAST_SEQNO), 0);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_FAULT_STATUS), OSPREY_FAULT_NONE);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_IRQ_RAWSTAT), 0);

	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_RING_BASE_LO), lower_32_bits(ring));
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_RING_BASE_HI), upper_32_bits(ring));
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_RING_SIZE), ENG_RING_SIZE);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_AS_PGTABLE_LO(0)), lower_32_bits(l0));
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_AS_PGTABLE_HI(0)), upper_32_bits(l0));
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_AS_CONTROL(0)), OSPREY_AS_ENABLE);

	for (i = 1; i < OSPREY_NUM_AS; i++) {
		wr(t, OSPREY_REG_AS_PGTABLE_LO(i), 0x12345000 + i * 0x1000);
		wr(t, OSPREY_REG_AS_PGTABLE_HI(i), 0xabcd0 + i);
		wr(t, OSPREY_REG_AS_CONTROL(i), OSPREY_AS_ENABLE);
	}
	for (i = 1; i < OSPREY_NUM_AS; i++) {
		KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_AS_PGTABLE_LO(i)), 0x12345000 + i * 0x1000);
		KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_AS_PGTABLE_HI(i)), 0xabcd0 + i);
		KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_AS_CONTROL(i)), OSPREY_AS_ENABLE);
		wr(t, OSPREY_REG_AS_CONTROL(i), 0);
		KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_AS_CONTROL(i)), 0);
	}

	for (i = 0; i < ARRAY_SIZE(write_only); i++)
		KUNIT_EXPECT_EQ_MSG(test, rd(t, write_only[i]), OSPREY_REG_INVALID_READ,
				    "offset %#x", write_only[i]);
	for (i = 0; i < ARRAY_SIZE(unclaimed); i++)
		KUNIT_EXPECT_EQ_MSG(test, rd(t, unclaimed[i]), OSPREY_REG_INVALID_READ,
				    "offset %#x", unclaimed[i]);

	t0 = rd_timestamp(t);
	usleep_range(1000, 2000);
	t1 = rd_timestamp(t);
	KUNIT_EXPECT_GE(test, t1, t0 + 1000 * NSEC_PER_USEC);
}

static void insn_store(struct kunit *test)
{
	struct eng_test *t = test->priv;
	struct eng_bb b = { t, &t->code, 0 };
	u32 *data = eng_image(t, &t->data, 0x11000000);
	u32 *high = eng_image(t, &t->high, 0x22000000);

	bb_store(&b, DATA_VA, 0xdeadbeef);
	data[0] = 0xdeadbeef;
	bb_store(&b, DATA_VA + 0xffc, 0);
	data[0xffc / 4] = 0;
	bb_store(&b, DATA_VA + 0x1000, 0x80000001);
	data[0x1000 / 4] = 0x80000001;
	bb_store(&b, DATA_VA + 0x10, 1);
	bb_store(&b, DATA_VA + 0x10, 2);
	data[0x10 / 4] = 2;
	bb_store(&b, HIGH_VA + 0x1ffc, 0x7f7f7f7f);
	high[0x1ffc / 4] = 0x7f7f7f7f;
	bb_op(&b, OSPREY_OP_END);

	eng_sync(t, eng_submit(t, 0, CODE_VA, bb_va(&b)));
	eng_check_image(t, &t->data, data, "data");
	eng_check_image(t, &t->high, high, "high");
}

static void expect_copy(u32 *dst_img, u32 dst, const u32 *src_img, u32 src, u32 bytes)
{
	memmove(dst_img + dst / 4, src_img + src / 4, bytes);
}

static void insn_copy(struct kunit *test)
{
	struct eng_test *t = test->priv;
	struct eng_bb b = { t, &t->code, 0 };
	u32 *data = eng_image(t, &t->data, 0x11000000);
	u32 *high = eng_image(t, &t->high, 0x22000000);
	u64 start;

	/* Within a page. */
	bb_copy(&b, DATA_VA + 0x800, DATA_VA + 0x100, 0x40);
	expect_copy(data, 0x800, data, 0x100, 0x40);
	/* Both ranges cross a page boundary, at different offsets. */
	bb_copy(&b, DATA_VA + 0xe80, HIGH_VA + 0xf00, 0x200);
	expect_copy(data, 0xe80, high, 0xf00, 0x200);
	/* Overlapping, destination above and below the source. */
	bb_copy(&b, DATA_VA + 0x308, DATA_VA + 0x300, 0x40);
	expect_copy(data, 0x308, data, 0x300, 0x40);
	bb_copy(&b, DATA_VA + 0x400, DATA_VA + 0x40c, 0x40);
	expect_copy(data, 0x400, data, 0x40c, 0x40);
	/* Overlapping across a page boundary, both ways. */
	bb_copy(&b, DATA_VA + 0xff0, DATA_VA + 0xfe0, 0x40);
	expect_copy(data, 0xff0, data, 0xfe0, 0x40);
	bb_copy(&b, HIGH_VA + 0xfd0, HIGH_VA + 0xfe0, 0x40);
	expect_copy(high, 0xfd0, high, 0xfe0, 0x40);
	/* Nothing to copy. */
	bb_copy(&b, DATA_VA + 0x600, DATA_VA + 0x700, 0);
	bb_op(&b, OSPREY_OP_END);
	eng_sync(t, eng_submit(t, 0, CODE_VA, bb_va(&b)));
	eng_check_image(t, &t->data, data, "small copies: data");
	eng_check_image(t, &t->high, high, "small copies: high");

	/* Nearly two pages, then overlapping ones over two pages. */
	start = bb_va(&b);
	bb_copy(&b, DATA_VA + 0x4, HIGH_VA + 0x8, 0x1ff0);
	expect_copy(data, 0x4, high, 0x8, 0x1ff0);
	bb_copy(&b, HIGH_VA + 0x10, HIGH_VA, 0x1fe0);
	expect_copy(high, 0x10, high, 0, 0x1fe0);
	bb_copy(&b, DATA_VA, DATA_VA + 0xc, 0x1ff4);
	expect_copy(data, 0, data, 0xc, 0x1ff4);
	bb_op(&b, OSPREY_OP_END);
	eng_sync(t, eng_submit(t, 0, start, bb_va(&b)));
	eng_check_image(t, &t->data, data, "large copies: data");
	eng_check_image(t, &t->high, high, "large copies: high");
}

static void expect_fill(u32 *img, u32 off, u32 bytes, u32 pattern)
{
	unsigned int i;

	for (i = 0; i < bytes / 4; i++)
		img[off / 4 + i] = pattern;
}

static void insn_fill(struct kunit *test)
{
	struct eng_test *t = test->priv;
	struct eng_bb b = { t, &t->code, 0 };
	u32 *data = eng_image(t, &t->data, 0x11000000);
	u32 *high = eng_image(t, &t->high, 0x22000000);

	bb_fill(&b, DATA_VA + 0x10, 0x20, 0x5a5a0001);
	expect_fill(data, 0x10, 0x20, 0x5a5a0001);
	bb_fill(&b, DATA_VA + 0xff0, 0x24, 0xa5a50002);
	expect_fill(data, 0xff0, 0x24, 0xa5a50002);
	bb_fill(&b, DATA_VA + 0x500, 0, 0xdead);
	bb_fill(&b, HIGH_VA, ENG_REGION_SIZE, 0xc3c3c3c3);
	expect_fill(high, 0, ENG_REGION_SIZE, 0xc3c3c3c3);
	bb_fill(&b, DATA_VA + 0x1ffc, 4, 0);
	expect_fill(data, 0x1ffc, 4, 0);
	bb_op(&b, OSPREY_OP_END);

	eng_sync(t, eng_submit(t, 0, CODE_VA, bb_va(&b)));
	eng_check_image(t, &t->data, data, "data");
	eng_check_image(t, &t->high, high, "high");
}

static void insn_atomic(struct kunit *test)
{
	struct eng_test *t = test->priv;
	struct eng_bb b = { t, &t->code, 0 };

	eng_put(t, &t->data, 0x0, 40);
	eng_put(t, &t->data, 0x4, 0xffffffff);
	eng_put(t, &t->data, 0x8, 7);
	eng_put(t, &t->data, 0xc, 8);
	eng_put(t, &t->data, 0x10, 5);

	/* ADD ignores the compare operand. */
	bb_atomic(&b, OSPREY_ATOMIC_ADD, DATA_VA, 2, 0x12345);
	bb_atomic(&b, OSPREY_ATOMIC_ADD, DATA_VA + 0x4, 2, 0xffffffff);
	bb_atomic(&b, OSPREY_ATOMIC_CMPXCHG, DATA_VA + 0x8, 99, 7);
	bb_atomic(&b, OSPREY_ATOMIC_CMPXCHG, DATA_VA + 0xc, 99, 7);
	bb_atomic(&b, OSPREY_ATOMIC_ADD, DATA_VA + 0x10, 1, 0);
	bb_atomic(&b, OSPREY_ATOMIC_ADD, DATA_VA + 0x10, 1, 0);
	bb_atomic(&b, OSPREY_ATOMIC_CMPXCHG, DATA_VA + 0x10, 100, 7);
	bb_atomic(&b, OSPREY_ATOMIC_ADD, HIGH_VA + 0x1ffc, 0x7f, 0);
	bb_op(&b, OSPREY_OP_END);

	eng_sync(t, eng_submit(t, 0, CODE_VA, bb_va(&b)));
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x0), 42);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x4), 1);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x8), 99);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0xc), 8);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x10), 100);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->high, 0x1ffc), 0x7f);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x14), 0);
}

/*
 * The engine adds 1 to a counter 2000 times while the CPU adds 0x10000 with
 * cmpxchg: neither may lose the other's additions.
 */
static void insn_atomic_vs_cpu(struct kunit *test)
{
	const unsigned int calls = 20, adds = 100, cpu_max = 40000;
	struct eng_test *t = test->priv;
	struct eng_bb b = { t, &t->code, ENG_PAGE };
	__le32 *counter = eng_word(t, &t->data, 0);
	unsigned int i, cpu = 0, tries = 0;
	unsigned long timeout;
	u64 sub;
	u32 seqno, value;

	sub = bb_va(&b);
	for (i = 0; i < adds; i++)
		bb_atomic(&b, OSPREY_ATOMIC_ADD, DATA_VA, 1, 0);
	bb_op(&b, OSPREY_OP_RETURN);
	b.off = 0;
	for (i = 0; i < calls; i++)
		bb_branch(&b, OSPREY_OP_CALL, sub);
	bb_op(&b, OSPREY_OP_END);

	seqno = eng_submit(t, 0, CODE_VA, bb_va(&b));
	timeout = jiffies + msecs_to_jiffies(ENG_TIMEOUT_MS);
	while (rd(t, OSPREY_REG_LAST_SEQNO) != seqno && cpu < cpu_max &&
	       time_before(jiffies, timeout)) {
		__le32 old = READ_ONCE(*counter);
		__le32 new = cpu_to_le32(le32_to_cpu(old) + 0x10000);

		if (cmpxchg(counter, old, new) == old)
			cpu++;
		if (!(++tries % 32))
			cond_resched();
	}
	eng_sync(t, seqno);

	value = eng_get(t, &t->data, 0);
	KUNIT_EXPECT_EQ(test, value & 0xffff, calls * adds);
	KUNIT_EXPECT_EQ(test, value >> 16, cpu);
}

static void insn_timestamp(struct kunit *test)
{
	struct eng_test *t = test->priv;
	struct eng_bb b = { t, &t->code, 0 };
	u64 before, after, ts0, ts1;

	bb_timestamp(&b, DATA_VA);
	/* Some work between the two. */
	bb_fill(&b, DATA_VA + ENG_PAGE, ENG_PAGE, 0x5a5a5a5a);
	bb_timestamp(&b, DATA_VA + 0x8);
	bb_op(&b, OSPREY_OP_END);

	/* Prefilled, so that a missing high word shows (it is 0 this early). */
	eng_put(t, &t->data, 0x4, 0xffffffff);
	eng_put(t, &t->data, 0xc, 0xffffffff);
	before = rd_timestamp(t);
	eng_sync(t, eng_submit(t, 0, CODE_VA, bb_va(&b)));
	after = rd_timestamp(t);

	ts0 = eng_get64(t, &t->data, 0);
	ts1 = eng_get64(t, &t->data, 0x8);
	KUNIT_EXPECT_NE(test, ts0, 0);
	KUNIT_EXPECT_LE(test, before, ts0);
	KUNIT_EXPECT_LT(test, ts0, ts1);
	KUNIT_EXPECT_LE(test, ts1, after);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x10), 0);
}

static void insn_control_flow(struct kunit *test)
{
	struct eng_test *t = test->priv;
	struct eng_bb b = { t, &t->code, 0 };
	const u64 jump = CODE_VA + 0x1000, sub = CODE_VA + 0x1100, deep = CODE_VA + 0x1200;
	u64 back, end;
	unsigned int k;

	/* The batch is this first part; the rest is outside its range. */
	bb_store(&b, DATA_VA, 1);
	bb_branch(&b, OSPREY_OP_JUMP, jump);
	bb_store(&b, DATA_VA + 0x4, ENG_BAD);
	back = bb_branch(&b, OSPREY_OP_CALL, sub);
	bb_store(&b, DATA_VA + 0x8, 3);
	bb_branch(&b, OSPREY_OP_CALL, deep);
	bb_store(&b, DATA_VA + 0xc, 4);
	/* Returning with an empty stack ends the batch. */
	bb_op(&b, OSPREY_OP_RETURN);
	bb_store(&b, DATA_VA + 0x10, ENG_BAD);
	bb_op(&b, OSPREY_OP_END);
	end = bb_va(&b);

	b.off = jump - CODE_VA;
	bb_store(&b, DATA_VA + 0x14, 6);
	bb_branch(&b, OSPREY_OP_JUMP, back);

	b.off = sub - CODE_VA;
	bb_store(&b, DATA_VA + 0x18, 7);
	bb_op(&b, OSPREY_OP_RETURN);
	bb_store(&b, DATA_VA + 0x1c, ENG_BAD);

	/* Eight nested calls, the full depth of the stack. */
	for (k = 0; k < OSPREY_CALL_DEPTH - 1; k++) {
		b.off = deep - CODE_VA + 0x40 * k;
		bb_branch(&b, OSPREY_OP_CALL, deep + 0x40 * (k + 1));
		bb_atomic(&b, OSPREY_ATOMIC_ADD, DATA_VA + 0x24, 1, 0);
		bb_op(&b, OSPREY_OP_RETURN);
	}
	b.off = deep - CODE_VA + 0x40 * k;
	bb_store(&b, DATA_VA + 0x20, 9);
	bb_op(&b, OSPREY_OP_RETURN);

	eng_sync(t, eng_submit(t, 0, CODE_VA, end));
	KUNIT_EXPECT_EQ_MSG(test, eng_get(t, &t->data, 0x0), 1, "first store");
	KUNIT_EXPECT_EQ_MSG(test, eng_get(t, &t->data, 0x4), 0, "jumped over");
	KUNIT_EXPECT_EQ_MSG(test, eng_get(t, &t->data, 0x14), 6, "jump target");
	KUNIT_EXPECT_EQ_MSG(test, eng_get(t, &t->data, 0x18), 7, "subroutine");
	KUNIT_EXPECT_EQ_MSG(test, eng_get(t, &t->data, 0x1c), 0, "after RETURN");
	KUNIT_EXPECT_EQ_MSG(test, eng_get(t, &t->data, 0x8), 3, "after the first CALL");
	KUNIT_EXPECT_EQ_MSG(test, eng_get(t, &t->data, 0x20), 9, "depth 8");
	KUNIT_EXPECT_EQ_MSG(test, eng_get(t, &t->data, 0x24), 7, "returns from depth 8");
	KUNIT_EXPECT_EQ_MSG(test, eng_get(t, &t->data, 0xc), 4, "after the nested calls");
	KUNIT_EXPECT_EQ_MSG(test, eng_get(t, &t->data, 0x10), 0, "after the final RETURN");
}

static void insn_nop_end_length(struct kunit *test)
{
	struct eng_test *t = test->priv;
	struct eng_bb b = { t, &t->code, 0 };
	/* Header bits 15:8 have no meaning. */
	const u32 nop_reserved = osprey_insn_header(OSPREY_OP_NOP, 0, 1) | 0xa500;
	u64 a, bstart, bend, c, d, dend;

	/* END stops before what follows inside the batch's length. */
	a = bb_op(&b, OSPREY_OP_NOP);
	bb_raw(&b, &nop_reserved, 1);
	bb_store(&b, DATA_VA, 1);
	bb_op(&b, OSPREY_OP_END);
	bb_store(&b, DATA_VA + 0x4, ENG_BAD);
	eng_queue(t, 0, a, bb_va(&b));

	/* A batch ends at its length without END. */
	b.off = 0x100;
	bstart = bb_store(&b, DATA_VA + 0x8, 2);
	bb_op(&b, OSPREY_OP_NOP);
	bb_store(&b, DATA_VA + 0xc, 3);
	bend = bb_va(&b);
	bb_store(&b, DATA_VA + 0x10, ENG_BAD);
	bb_op(&b, OSPREY_OP_END);
	eng_queue(t, 0, bstart, bend);

	/* ... even when it ends where the mapping does (no fetch beyond). */
	b.off = ENG_REGION_SIZE - 16;
	c = bb_store(&b, DATA_VA + 0x14, 4);
	eng_queue(t, 0, c, c + 16);

	/* A batch of nothing but NOPs. */
	b.off = 0x200;
	d = bb_op(&b, OSPREY_OP_NOP);
	bb_op(&b, OSPREY_OP_NOP);
	dend = bb_op(&b, OSPREY_OP_NOP) + 4;
	eng_queue(t, 0, d, dend);

	ring_kick(t);
	eng_sync(t, t->seqno);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x0), 1);
	KUNIT_EXPECT_EQ_MSG(test, eng_get(t, &t->data, 0x4), 0, "after END");
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x8), 2);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0xc), 3);
	KUNIT_EXPECT_EQ_MSG(test, eng_get(t, &t->data, 0x10), 0, "beyond the length");
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x14), 4);
	KUNIT_EXPECT_TRUE(test, eng_poll(t, OSPREY_REG_ENGINE_STATUS, U32_MAX,
					 OSPREY_ENGINE_IDLE));
}

/* Batch k waits for a semaphore to reach k: the CPU lets them through one by one. */
static void seqno_in_order(struct kunit *test)
{
	const unsigned int n = 3;
	struct eng_test *t = test->priv;
	struct eng_bb b = { t, &t->code, 0 };
	u32 seqno[3];
	unsigned int k;

	for (k = 0; k < n; k++) {
		u64 start = bb_sem(&b, OSPREY_CMP_GE, DATA_VA + 0x100, k + 1);

		bb_store(&b, DATA_VA + 4 * k, k + 1);
		bb_op(&b, OSPREY_OP_END);
		seqno[k] = eng_queue(t, 0, start, bb_va(&b));
	}
	ring_kick(t);

	for (k = 0; k < n; k++) {
		msleep(ENG_QUIET_MS);
		KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_LAST_SEQNO), k ? seqno[k - 1] : 0);
		KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_ENGINE_STATUS), OSPREY_ENGINE_BUSY);
		KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 4 * k), 0);
		eng_put(t, &t->data, 0x100, k + 1);
		eng_sync(t, seqno[k]);
		KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 4 * k), k + 1);
	}

	KUNIT_ASSERT_TRUE(test, eng_poll(t, OSPREY_REG_ENGINE_STATUS, U32_MAX,
					 OSPREY_ENGINE_IDLE));
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_RING_HEAD), t->tail);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_RING_TAIL), t->tail);
}

static void irq_packet(struct kunit *test)
{
	struct eng_test *t = test->priv;
	struct eng_bb b = { t, &t->code, 0 };
	u64 start, end;
	u32 seqno;

	/* Masked: latched, not delivered. */
	bb_store(&b, DATA_VA, 1);
	bb_op(&b, OSPREY_OP_END);
	end = bb_va(&b);
	ring_set_as(t, 0);
	ring_batch(t, CODE_VA, end - CODE_VA);
	ring_op(t, OSPREY_PKT_IRQ);
	seqno = ring_seqno(t);
	ring_kick(t);
	eng_sync(t, seqno);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0), 1);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_IRQ_RAWSTAT), OSPREY_IRQ_JOB_DONE);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_IRQ_STATUS), 0);
	KUNIT_EXPECT_EQ(test, deliveries(t), 0);
	wr(t, OSPREY_REG_IRQ_CLEAR, OSPREY_IRQ_JOB_DONE);

	/* No IRQ packet, no JOB_DONE. */
	wr(t, OSPREY_REG_IRQ_MASK, OSPREY_IRQ_JOB_DONE);
	eng_sync(t, eng_submit(t, 0, CODE_VA, end));
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_IRQ_RAWSTAT), 0);
	KUNIT_EXPECT_EQ(test, deliveries(t), 0);

	/* The IRQ packet waits for the batch before it; then it is delivered. */
	start = bb_sem(&b, OSPREY_CMP_EQ, DATA_VA + 0x10, 1);
	bb_op(&b, OSPREY_OP_END);
	ring_set_as(t, 0);
	ring_batch(t, start, bb_va(&b) - start);
	ring_op(t, OSPREY_PKT_IRQ);
	seqno = ring_seqno(t);
	ring_kick(t);
	eng_wait_ip(t, start);
	msleep(ENG_QUIET_MS);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_IRQ_RAWSTAT), 0);
	KUNIT_EXPECT_EQ(test, deliveries(t), 0);
	eng_put(t, &t->data, 0x10, 1);
	eng_sync(t, seqno);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_IRQ_RAWSTAT), OSPREY_IRQ_JOB_DONE);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_IRQ_STATUS), OSPREY_IRQ_JOB_DONE);
	KUNIT_EXPECT_EQ(test, deliveries(t), 1);
}

static void sem_wait_compare(struct kunit *test)
{
	static const struct {
		u8 cmp;
		u32 value, before, still_false, after;
	} cases[] = {
		{ OSPREY_CMP_EQ, 10, 9, 11, 10 },
		{ OSPREY_CMP_NE, 10, 10, 10, 5 },
		{ OSPREY_CMP_GT, 10, 10, 3, 11 },
		{ OSPREY_CMP_GT, 0x7fffffff, 0x7fffffff, 0, 0x80000000 },
		{ OSPREY_CMP_GE, 10, 9, 0, 10 },
		{ OSPREY_CMP_LT, 5, 0xffffffff, 5, 4 },
		{ OSPREY_CMP_LE, 10, 11, 0x80000000, 10 },
	};
	struct eng_test *t = test->priv;
	struct eng_bb b = { t, &t->code, 0 };
	unsigned int i;
	u64 start;
	u32 seqno;

	/* Already true: no wait. */
	start = bb_sem(&b, OSPREY_CMP_EQ, DATA_VA + 0x1000, 0);
	bb_op(&b, OSPREY_OP_END);
	eng_sync(t, eng_submit(t, 0, start, bb_va(&b)));

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u32 sem = 0x100 + 4 * i;

		eng_put(t, &t->data, sem, cases[i].before);
		start = bb_sem(&b, cases[i].cmp, DATA_VA + sem, cases[i].value);
		bb_store(&b, DATA_VA + 4 * i, i + 1);
		bb_op(&b, OSPREY_OP_END);
		seqno = eng_submit(t, 0, start, bb_va(&b));

		eng_wait_ip(t, start);
		msleep(ENG_QUIET_MS);
		eng_put(t, &t->data, sem, cases[i].still_false);
		msleep(ENG_QUIET_MS);
		KUNIT_EXPECT_EQ_MSG(test, rd(t, OSPREY_REG_ENGINE_STATUS), OSPREY_ENGINE_BUSY,
				    "%s %#x", osprey_cmp_name(cases[i].cmp), cases[i].value);
		KUNIT_EXPECT_EQ_MSG(test, rd(t, OSPREY_REG_LAST_SEQNO), seqno - 1,
				    "%s %#x", osprey_cmp_name(cases[i].cmp), cases[i].value);
		KUNIT_EXPECT_EQ_MSG(test, eng_get(t, &t->data, 4 * i), 0,
				    "%s %#x", osprey_cmp_name(cases[i].cmp), cases[i].value);

		eng_put(t, &t->data, sem, cases[i].after);
		eng_sync(t, seqno);
		KUNIT_EXPECT_EQ_MSG(test, eng_get(t, &t->data, 4 * i), i + 1,
				    "%s %#x", osprey_cmp_name(cases[i].cmp), cases[i].value);
	}
}

static void fault_expect(struct eng_fault *f, const char *what, u32 status, u32 access,
			 u64 addr, u64 ip)
{
	f->what = what;
	f->status = status;
	f->access = access;
	f->addr = addr;
	f->ip = ip;
}

/* Queues the batch [@start, @end) in @as, which faults as @f says. */
static void fault_batch(struct eng_test *t, struct eng_fault *f, unsigned int as,
			u64 start, u64 end)
{
	f->as = as;
	f->batch = start;
	f->seqno = eng_queue(t, as, start, end);
}

static void mmu_faults(struct kunit *test)
{
	const u32 trans = OSPREY_FAULT_TRANSLATION, perm = OSPREY_FAULT_PERMISSION;
	const u32 read = OSPREY_ACCESS_READ, write = OSPREY_ACCESS_WRITE;
	const u32 fetch = OSPREY_ACCESS_FETCH;
	struct eng_test *t = test->priv;
	struct eng_bb b = { t, &t->code, 0 };
	struct eng_region ro;
	struct eng_fault f[11] = {}, *p = f;
	u32 *ro_img;
	u64 start, ip;

	/* A read-only page, and entries with reserved bits. */
	eng_region_alloc(t, &ro, RO_VA);
	eng_map(t, 0, RO_VA, ro.pages[0], false);
	ro_img = eng_image(t, &ro, 0x33000000);
	eng_map(t, 0, RSV2_VA, eng_page(t), true);
	*eng_pte(t, 0, RSV2_VA, 2) |= cpu_to_le64(ENG_PTE_RESERVED);
	eng_map(t, 0, RSV1_VA, eng_page(t), true);
	*eng_pte(t, 0, RSV1_VA, 1) |= cpu_to_le64(BIT_ULL(63));
	/* Slot 2: the code mapped, but the slot disabled. */
	eng_region_map(t, &t->code, 2, false);
	eng_as_program(t, 2, 0);

	start = bb_store(&b, DATA_VA, 1);
	ip = bb_store(&b, HOLE_VA + 0x10, ENG_BAD);
	bb_op(&b, OSPREY_OP_END);
	fault_expect(p, "store, no L2 entry", trans, write, HOLE_VA + 0x10, ip);
	fault_batch(t, p++, 0, start, bb_va(&b));

	start = bb_sem(&b, OSPREY_CMP_EQ, NOL0_VA + 0x20, 0);
	bb_op(&b, OSPREY_OP_END);
	fault_expect(p, "sem_wait, no L0 entry", trans, read, NOL0_VA + 0x20, start);
	fault_batch(t, p++, 0, start, bb_va(&b));

	start = bb_copy(&b, DATA_VA + 0x40, NOL1_VA + 0x40, 16);
	bb_op(&b, OSPREY_OP_END);
	fault_expect(p, "copy source, no L1 entry", trans, read, NOL1_VA + 0x40, start);
	fault_batch(t, p++, 0, start, bb_va(&b));

	fault_expect(p, "batch fetch", trans, fetch, NOL1_VA, NOL1_VA);
	fault_batch(t, p++, 0, NOL1_VA, NOL1_VA + 64);

	start = bb_branch(&b, OSPREY_OP_JUMP, HOLE_VA);
	fault_expect(p, "fetch at a jump target", trans, fetch, HOLE_VA, HOLE_VA);
	fault_batch(t, p++, 0, start, bb_va(&b));

	start = bb_copy(&b, DATA_VA + 0x80, RO_VA, 16);
	ip = bb_store(&b, RO_VA + 0x8, ENG_BAD);
	bb_op(&b, OSPREY_OP_END);
	fault_expect(p, "store, read-only", perm, write, RO_VA + 0x8, ip);
	fault_batch(t, p++, 0, start, bb_va(&b));

	start = bb_copy(&b, RO_VA + 0x100, DATA_VA, 16);
	bb_op(&b, OSPREY_OP_END);
	fault_expect(p, "copy destination, read-only", perm, write, RO_VA + 0x100, start);
	fault_batch(t, p++, 0, start, bb_va(&b));

	start = bb_fill(&b, RO_VA + 0x200, 8, ENG_BAD);
	bb_op(&b, OSPREY_OP_END);
	fault_expect(p, "fill, read-only", perm, write, RO_VA + 0x200, start);
	fault_batch(t, p++, 0, start, bb_va(&b));

	start = bb_store(&b, RSV2_VA + 0x4, ENG_BAD);
	bb_op(&b, OSPREY_OP_END);
	fault_expect(p, "reserved bit in an L2 entry", trans, write, RSV2_VA + 0x4, start);
	fault_batch(t, p++, 0, start, bb_va(&b));

	start = bb_sem(&b, OSPREY_CMP_EQ, RSV1_VA, 0);
	bb_op(&b, OSPREY_OP_END);
	fault_expect(p, "reserved bit in an L1 entry", trans, read, RSV1_VA, start);
	fault_batch(t, p++, 0, start, bb_va(&b));

	start = bb_store(&b, DATA_VA + 0xc, ENG_BAD);
	bb_op(&b, OSPREY_OP_END);
	fault_expect(p, "disabled slot", trans, fetch, start, start);
	fault_batch(t, p++, 2, start, bb_va(&b));
	KUNIT_ASSERT_EQ(test, p - f, ARRAY_SIZE(f));

	/* After all that, a batch that works. */
	start = bb_store(&b, DATA_VA + 0x300, 0x600d);
	bb_op(&b, OSPREY_OP_END);
	eng_queue(t, 0, start, bb_va(&b));

	eng_run_faults(t, f, ARRAY_SIZE(f));
	eng_sync(t, t->seqno);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x300), 0x600d);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x0), 1);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0xc), 0);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x40), 0);
	/* Reads of the read-only page worked, writes changed nothing. */
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x80), ro_img[0]);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x8c), ro_img[3]);
	eng_check_image(t, &ro, ro_img, "read-only page");
}

static void invalid_instructions(struct kunit *test)
{
	const u64 dst = DATA_VA + 0x200, deep = CODE_VA + ENG_PAGE;
	const u32 lo = lower_32_bits(dst), hi = upper_32_bits(dst);
	const struct {
		const char *what;
		u32 words[OSPREY_INSN_MAX_WORDS];
		unsigned int n;
	} cases[] = {
		{ "opcode 0x0b", { osprey_insn_header(0x0b, 0, 1) }, 1 },
		{ "opcode 0xff", { osprey_insn_header(0xff, 0, 4), lo, hi, ENG_BAD }, 4 },
		{ "store, length 3", { osprey_insn_header(OSPREY_OP_STORE, 0, 3), lo, hi, ENG_BAD },
		  4 },
		{ "nop, length 0", { osprey_insn_header(OSPREY_OP_NOP, 0, 0) }, 1 },
		{ "nop, modifier 1", { osprey_insn_header(OSPREY_OP_NOP, 1, 1) }, 1 },
		{ "sem_wait, modifier 6",
		  { osprey_insn_header(OSPREY_OP_SEM_WAIT, 6, 4), lo, hi, 0 }, 4 },
		{ "atomic, modifier 2",
		  { osprey_insn_header(OSPREY_OP_ATOMIC, 2, 5), lo, hi, 1, 0 }, 5 },
		{ "store, misaligned",
		  { osprey_insn_header(OSPREY_OP_STORE, 0, 4), lo + 2, hi, ENG_BAD }, 4 },
		{ "timestamp, misaligned",
		  { osprey_insn_header(OSPREY_OP_TIMESTAMP, 0, 3), lo + 4, hi }, 3 },
		{ "copy, length 6",
		  { osprey_insn_header(OSPREY_OP_COPY, 0, 6), lo + 0x10, hi,
		    lower_32_bits(DATA_VA), upper_32_bits(DATA_VA), 6 }, 6 },
		{ "fill, length 2",
		  { osprey_insn_header(OSPREY_OP_FILL, 0, 5), lo + 0x20, hi, 2, ENG_BAD }, 5 },
	};
	struct eng_test *t = test->priv;
	struct eng_bb b = { t, &t->code, 0 };
	struct eng_fault *f;
	unsigned int i, n = ARRAY_SIZE(cases) + 1;
	u64 start, end, ip = 0;

	f = kunit_kcalloc(test, n, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		start = bb_store(&b, DATA_VA + 4 * i, i + 1);
		ip = bb_raw(&b, cases[i].words, cases[i].n);
		bb_store(&b, DATA_VA + 0x100 + 4 * i, ENG_BAD);
		bb_op(&b, OSPREY_OP_END);
		fault_expect(&f[i], cases[i].what, OSPREY_FAULT_INVALID_INSN, ENG_ANY, ip, ip);
		fault_batch(t, &f[i], 0, start, bb_va(&b));
	}

	/* A ninth nested CALL: main calls deep, which calls down eight times. */
	start = bb_store(&b, DATA_VA + 4 * i, i + 1);
	bb_branch(&b, OSPREY_OP_CALL, deep);
	bb_op(&b, OSPREY_OP_END);
	end = bb_va(&b);
	b.off = deep - CODE_VA;
	while (b.off < deep - CODE_VA + 12 * OSPREY_CALL_DEPTH)
		ip = bb_branch(&b, OSPREY_OP_CALL, bb_va(&b) + 12);
	bb_store(&b, DATA_VA + 0x100 + 4 * i, ENG_BAD);
	bb_op(&b, OSPREY_OP_END);
	fault_expect(&f[i], "call depth 9", OSPREY_FAULT_INVALID_INSN, ENG_ANY, ip, ip);
	fault_batch(t, &f[i], 0, start, end);

	/* After all that, a batch that works. */
	b.off = 0x800;
	start = bb_store(&b, DATA_VA + 0x300, 0x600d);
	bb_op(&b, OSPREY_OP_END);
	eng_queue(t, 0, start, bb_va(&b));

	eng_run_faults(t, f, n);
	eng_sync(t, t->seqno);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x300), 0x600d);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, eng_get(t, &t->data, 4 * i), i + 1,
				    "before %s", f[i].what);
		KUNIT_EXPECT_EQ_MSG(test, eng_get(t, &t->data, 0x100 + 4 * i), 0,
				    "after %s", f[i].what);
	}
	/* Invalid instructions have no effect. */
	for (i = 0; i < 0x40; i += 4)
		KUNIT_EXPECT_EQ_MSG(test, eng_get(t, &t->data, 0x200 + i), 0,
				    "VA %#llx", DATA_VA + 0x200 + i);
}

/* Queues a good SEQNO, @words and another SEQNO: the engine must stop at @words. */
static void bad_packet(struct eng_test *t, const u32 *words, unsigned int n, const char *what)
{
	struct kunit *test = t->test;
	u32 seqno = ring_seqno(t);

	ring_raw(t, words, n);
	ring_seqno(t);
	ring_kick(t);
	eng_wait_status(t, OSPREY_ENGINE_ERROR, what);
	KUNIT_EXPECT_EQ_MSG(test, rd(t, OSPREY_REG_FAULT_STATUS), OSPREY_FAULT_INVALID_PACKET,
			    "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, rd(t, OSPREY_REG_LAST_SEQNO), seqno, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, rd(t, OSPREY_REG_IRQ_RAWSTAT) &
			    (OSPREY_IRQ_FAULT | OSPREY_IRQ_ERROR), OSPREY_IRQ_ERROR, "%s", what);
	eng_reset(t);
}

static void invalid_packets(struct kunit *test)
{
	const u32 opcode5[] = { osprey_pkt_header(5, 1) };
	const u32 opcode_ff[] = { osprey_pkt_header(0xff, 2), 0 };
	const u32 seqno_len3[] = { osprey_pkt_header(OSPREY_PKT_SEQNO, 3), 0x1234, 0 };
	const u32 nop_len0[] = { osprey_pkt_header(OSPREY_PKT_NOP, 0) };
	const u32 batch_len3[] = {
		osprey_pkt_header(OSPREY_PKT_BATCH, 3),
		lower_32_bits(CODE_VA), upper_32_bits(CODE_VA),
	};
	struct eng_test *t = test->priv;
	struct eng_bb b = { t, &t->code, 0 };
	u64 start, bad;

	/* A batch before the invalid packet runs; the one after does not. */
	start = bb_store(&b, DATA_VA, 1);
	bb_op(&b, OSPREY_OP_END);
	bad = bb_store(&b, DATA_VA + 0x4, ENG_BAD);
	bb_op(&b, OSPREY_OP_END);
	eng_queue(t, 0, start, bad);
	ring_raw(t, opcode5, ARRAY_SIZE(opcode5));
	eng_queue(t, 0, bad, bb_va(&b));
	ring_kick(t);
	eng_wait_status(t, OSPREY_ENGINE_ERROR, "opcode 5");
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_FAULT_STATUS), OSPREY_FAULT_INVALID_PACKET);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_LAST_SEQNO), t->seqno - 1);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_IRQ_RAWSTAT) &
			(OSPREY_IRQ_FAULT | OSPREY_IRQ_ERROR), OSPREY_IRQ_ERROR);
	msleep(ENG_QUIET_MS);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x0), 1);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x4), 0);
	eng_reset(t);

	bad_packet(t, opcode_ff, ARRAY_SIZE(opcode_ff), "opcode 0xff");
	bad_packet(t, seqno_len3, ARRAY_SIZE(seqno_len3), "seqno, length 3");
	bad_packet(t, nop_len0, ARRAY_SIZE(nop_len0), "nop, length 0");
	bad_packet(t, batch_len3, ARRAY_SIZE(batch_len3), "batch, length 3");

	/* The engine works after the resets. */
	eng_sync(t, eng_submit(t, 0, start, bad));
}

/* The same VAs, code included, lead to different pages in slots 0, 1 and 7. */
static void two_address_spaces(struct kunit *test)
{
	static const unsigned int slots[] = { 0, 1, 7 };
	struct eng_test *t = test->priv;
	struct eng_region code[3], data[3];
	unsigned int i;
	u32 seqno;

	for (i = 0; i < ARRAY_SIZE(slots); i++) {
		struct eng_bb b = { t, &code[i], 0 };

		if (slots[i]) {
			eng_region_alloc(t, &code[i], CODE_VA);
			eng_region_alloc(t, &data[i], DATA_VA);
			eng_region_map(t, &code[i], slots[i], false);
			eng_region_map(t, &data[i], slots[i], true);
			eng_as_program(t, slots[i], OSPREY_AS_ENABLE);
		} else {
			code[i] = t->code;
			data[i] = t->data;
		}
		bb_atomic(&b, OSPREY_ATOMIC_ADD, DATA_VA, 1, 0);
		bb_store(&b, DATA_VA + 0x4, 0xa0 + slots[i]);
		bb_op(&b, OSPREY_OP_END);
	}

	/* SET_AS holds for all the following batches. */
	ring_set_as(t, 0);
	ring_batch(t, CODE_VA, 64);
	ring_set_as(t, 1);
	ring_batch(t, CODE_VA, 64);
	ring_batch(t, CODE_VA, 64);
	ring_set_as(t, 7);
	ring_batch(t, CODE_VA, 64);
	ring_set_as(t, 0);
	ring_batch(t, CODE_VA, 64);
	seqno = ring_seqno(t);
	ring_kick(t);
	eng_sync(t, seqno);

	for (i = 0; i < ARRAY_SIZE(slots); i++) {
		KUNIT_EXPECT_EQ_MSG(test, eng_get(t, &data[i], 0), slots[i] == 7 ? 1 : 2,
				    "slot %u", slots[i]);
		KUNIT_EXPECT_EQ_MSG(test, eng_get(t, &data[i], 4), 0xa0 + slots[i],
				    "slot %u", slots[i]);
	}
}

static void reset_stops_hangs(struct kunit *test)
{
	struct eng_test *t = test->priv;
	struct eng_bb b = { t, &t->code, 0 };
	u64 start, loop, sem, good, good_end;

	wr(t, OSPREY_REG_IRQ_MASK, OSPREY_IRQ_RESET_DONE);

	b.off = 0x800;
	good = bb_atomic(&b, OSPREY_ATOMIC_ADD, DATA_VA + 0x20, 1, 0);
	bb_op(&b, OSPREY_OP_END);
	good_end = bb_va(&b);

	/* A batch that jumps to itself forever, and work queued after it. */
	b.off = 0;
	start = bb_store(&b, DATA_VA, 1);
	loop = bb_branch(&b, OSPREY_OP_JUMP, bb_va(&b));
	eng_queue(t, 0, start, bb_va(&b));
	start = bb_store(&b, DATA_VA + 0x4, ENG_BAD);
	bb_op(&b, OSPREY_OP_END);
	eng_queue(t, 0, start, bb_va(&b));
	ring_kick(t);
	eng_wait_ip(t, loop);
	msleep(ENG_QUIET_MS);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_ENGINE_STATUS), OSPREY_ENGINE_BUSY);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_LAST_SEQNO), 0);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x0), 1);
	eng_reset(t);
	eng_sync(t, eng_submit(t, 0, good, good_end));
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x20), 1);
	KUNIT_EXPECT_EQ_MSG(test, eng_get(t, &t->data, 0x4), 0, "work queued before RESET");

	/* A semaphore that is satisfied only after the RESET. */
	sem = bb_sem(&b, OSPREY_CMP_EQ, DATA_VA + 0x10, 1);
	bb_store(&b, DATA_VA + 0x8, ENG_BAD);
	bb_op(&b, OSPREY_OP_END);
	eng_submit(t, 0, sem, bb_va(&b));
	eng_wait_ip(t, sem);
	msleep(ENG_QUIET_MS);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_ENGINE_STATUS), OSPREY_ENGINE_BUSY);
	eng_reset(t);
	eng_put(t, &t->data, 0x10, 1);
	msleep(ENG_QUIET_MS);
	KUNIT_EXPECT_EQ_MSG(test, eng_get(t, &t->data, 0x8), 0, "SEM_WAIT ended by RESET");
	eng_sync(t, eng_submit(t, 0, good, good_end));
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x20), 2);

	/* A faulted engine: RESET clears the fault registers. */
	start = bb_store(&b, HOLE_VA, ENG_BAD);
	bb_op(&b, OSPREY_OP_END);
	eng_submit(t, 0, start, bb_va(&b));
	eng_wait_status(t, OSPREY_ENGINE_ERROR, "store to a hole");
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_FAULT_STATUS), OSPREY_FAULT_TRANSLATION);
	eng_reset(t);
	eng_sync(t, eng_submit(t, 0, good, good_end));
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x20), 3);

	KUNIT_EXPECT_EQ(test, deliveries(t), 3);
}

static void lockup_until_reset(struct kunit *test)
{
	struct eng_test *t = test->priv;
	struct eng_bb b = { t, &t->code, 0 };
	u64 start, loop;
	u32 seqno, count;

	/* Injected before the doorbell: nothing runs. */
	start = bb_store(&b, DATA_VA, 1);
	bb_op(&b, OSPREY_OP_END);
	osprey_sim_set_lockup(&t->sim, true);
	seqno = eng_submit(t, 0, start, bb_va(&b));
	msleep(100);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_LAST_SEQNO), seqno - 1);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x0), 0);
	eng_reset(t);
	eng_sync(t, eng_submit(t, 0, start, bb_va(&b)));
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x0), 1);

	/* Injected while a batch runs: it stops where it is. */
	loop = bb_atomic(&b, OSPREY_ATOMIC_ADD, DATA_VA + 0x4, 1, 0);
	bb_branch(&b, OSPREY_OP_JUMP, loop);
	seqno = eng_submit(t, 0, loop, bb_va(&b));
	eng_wait_change(t, &t->data, 0x4, 0);
	osprey_sim_set_lockup(&t->sim, true);
	count = eng_wait_stable(t, &t->data, 0x4);
	msleep(100);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x4), count);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_ENGINE_STATUS), OSPREY_ENGINE_BUSY);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_LAST_SEQNO), seqno - 1);
	/* DEBUG_STATUS tells a lockup from a slow batch; RESET clears it. */
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_DEBUG_STATUS), OSPREY_DEBUG_LOCKUP);
	eng_reset(t);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_DEBUG_STATUS), 0);

	start = bb_store(&b, DATA_VA + 0x8, 2);
	bb_op(&b, OSPREY_OP_END);
	eng_sync(t, eng_submit(t, 0, start, bb_va(&b)));
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x8), 2);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x4), count);
}

static void halt_resume(struct kunit *test)
{
	struct eng_test *t = test->priv;
	struct eng_bb b = { t, &t->code, 0 };
	u64 start, jump, ip;
	u32 count;

	start = bb_atomic(&b, OSPREY_ATOMIC_ADD, DATA_VA, 1, 0);
	jump = bb_branch(&b, OSPREY_OP_JUMP, start);
	eng_submit(t, 0, start, bb_va(&b));
	eng_wait_change(t, &t->data, 0, 0);

	wr(t, OSPREY_REG_ENGINE_CONTROL, OSPREY_ENGINE_HALT);
	eng_wait_status(t, OSPREY_ENGINE_HALTED, "HALT");
	count = eng_get(t, &t->data, 0);
	msleep(ENG_QUIET_MS);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0), count);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_ENGINE_STATUS), OSPREY_ENGINE_HALTED);
	ip = rd_ip(t);
	KUNIT_EXPECT_TRUE_MSG(test, ip == start || ip == jump, "CURRENT_IP %#llx", ip);
	KUNIT_EXPECT_EQ(test, rd_batch(t), start);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_LAST_SEQNO), 0);

	wr(t, OSPREY_REG_ENGINE_CONTROL, OSPREY_ENGINE_RESUME);
	eng_wait_status(t, OSPREY_ENGINE_BUSY, "RESUME");
	eng_wait_change(t, &t->data, 0, count);

	eng_reset(t);
	count = eng_wait_stable(t, &t->data, 0);
	start = bb_store(&b, DATA_VA + 0x4, 1);
	bb_op(&b, OSPREY_OP_END);
	eng_sync(t, eng_submit(t, 0, start, bb_va(&b)));
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x4), 1);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0), count);
}

static void mmu_invalidate(struct kunit *test)
{
	const u64 va = DATA_VA + ENG_PAGE, code_va = CODE_VA + ENG_PAGE;
	struct eng_test *t = test->priv;
	struct eng_bb b = { t, &t->code, 0 };
	struct eng_region moved = { .va = DATA_VA }, code2 = { .va = CODE_VA };
	struct eng_bb b2 = { t, &code2, ENG_PAGE };
	u64 store, start;

	eng_region_alloc(t, &moved, DATA_VA);
	eng_region_alloc(t, &code2, CODE_VA);

	/* A store through the page, and code run from the other code page. */
	store = bb_atomic(&b, OSPREY_ATOMIC_ADD, va + 0x10, 1, 0);
	bb_op(&b, OSPREY_OP_END);
	b.off = ENG_PAGE;
	bb_store(&b, DATA_VA + 0x30, 0xc0de1);
	bb_op(&b, OSPREY_OP_END);
	bb_store(&b2, DATA_VA + 0x30, 0xc0de2);
	bb_op(&b2, OSPREY_OP_END);

	eng_queue(t, 0, store, store + 24);
	eng_sync(t, eng_submit(t, 0, code_va, code_va + 20));
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, ENG_PAGE + 0x10), 1);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x30), 0xc0de1);

	/* Remap both pages, invalidate: the same batches see the new pages. */
	eng_map(t, 0, va, moved.pages[0], true);
	eng_map(t, 0, code_va, code2.pages[1], false);
	wr(t, OSPREY_REG_MMU_INVALIDATE, BIT(0));
	eng_queue(t, 0, store, store + 24);
	eng_sync(t, eng_submit(t, 0, code_va, code_va + 20));
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, ENG_PAGE + 0x10), 1);
	KUNIT_EXPECT_EQ(test, eng_get(t, &moved, 0x10), 1);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0x30), 0xc0de2);

	/* RESET drops cached translations too. */
	eng_map(t, 0, va, moved.pages[1], true);
	eng_reset(t);
	eng_sync(t, eng_submit(t, 0, store, store + 24));
	KUNIT_EXPECT_EQ(test, eng_get(t, &moved, 0x10), 1);
	KUNIT_EXPECT_EQ(test, eng_get(t, &moved, ENG_PAGE + 0x10), 1);

	/* Unmapped and invalidated: the store faults. */
	eng_set_pte(eng_pte(t, 0, va, 2), 0);
	wr(t, OSPREY_REG_MMU_INVALIDATE, BIT(0));
	b.off = 0x100;
	start = bb_store(&b, va + 0x20, ENG_BAD);
	bb_op(&b, OSPREY_OP_END);
	eng_submit(t, 0, start, bb_va(&b));
	eng_wait_status(t, OSPREY_ENGINE_ERROR, "store to an unmapped page");
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_FAULT_STATUS), OSPREY_FAULT_TRANSLATION);
	KUNIT_EXPECT_EQ(test, rd_fault_address(t), va + 0x20);
	KUNIT_EXPECT_EQ(test, eng_get(t, &moved, ENG_PAGE + 0x20), 0);
}

/* A packet that straddles the end of the ring. */
static void ring_wraps(struct kunit *test)
{
	struct eng_test *t = test->priv;
	struct eng_bb b = { t, &t->code, 0 };
	u64 start;
	u32 seqno;

	start = bb_store(&b, DATA_VA, 1);
	bb_op(&b, OSPREY_OP_END);

	while (t->tail < ENG_RING_SIZE - 20)
		ring_op(t, OSPREY_PKT_NOP);
	seqno = ring_seqno(t);
	ring_kick(t);
	eng_sync(t, seqno);
	KUNIT_ASSERT_TRUE(test, eng_poll(t, OSPREY_REG_ENGINE_STATUS, U32_MAX,
					 OSPREY_ENGINE_IDLE));
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_RING_HEAD), ENG_RING_SIZE - 12);

	/* SET_AS fits, BATCH starts in the last word. */
	seqno = eng_submit(t, 0, start, bb_va(&b));
	KUNIT_EXPECT_EQ(test, t->tail, 20);
	eng_sync(t, seqno);
	KUNIT_EXPECT_EQ(test, eng_get(t, &t->data, 0), 1);
	KUNIT_ASSERT_TRUE(test, eng_poll(t, OSPREY_REG_ENGINE_STATUS, U32_MAX,
					 OSPREY_ENGINE_IDLE));
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_RING_HEAD), 20);
	KUNIT_EXPECT_EQ(test, rd(t, OSPREY_REG_RING_TAIL), 20);
}

static struct kunit_case sim_engine_cases[] = {
	KUNIT_CASE(engine_registers),
	KUNIT_CASE(insn_store),
	KUNIT_CASE(insn_copy),
	KUNIT_CASE(insn_fill),
	KUNIT_CASE(insn_atomic),
	KUNIT_CASE(insn_atomic_vs_cpu),
	KUNIT_CASE(insn_timestamp),
	KUNIT_CASE(insn_control_flow),
	KUNIT_CASE(insn_nop_end_length),
	KUNIT_CASE(seqno_in_order),
	KUNIT_CASE(irq_packet),
	KUNIT_CASE(sem_wait_compare),
	KUNIT_CASE(mmu_faults),
	KUNIT_CASE(invalid_instructions),
	KUNIT_CASE(invalid_packets),
	KUNIT_CASE(two_address_spaces),
	KUNIT_CASE(reset_stops_hangs),
	KUNIT_CASE(lockup_until_reset),
	KUNIT_CASE(halt_resume),
	KUNIT_CASE(mmu_invalidate),
	KUNIT_CASE(ring_wraps),
	{}
};

static struct kunit_suite sim_engine_suite = {
	.name = "osprey_sim_engine",
	.init = eng_test_init,
	.exit = eng_test_exit,
	.test_cases = sim_engine_cases,
};

kunit_test_suite(sim_engine_suite);
