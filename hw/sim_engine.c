// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: Osprey GPU model: command engine and MMU
 *
 * The engine of docs/gpu-model.md ("The engine"): a kernel thread per
 * device that consumes kernel packets from the ring and runs batches from
 * GPU virtual memory, translating every access through the MMU's page
 * tables, which it reads from memory like hardware would.
 *
 * Bus addresses are CPU physical addresses: the model reaches a page
 * through its struct page, and a bus address with no page behind it is an
 * access that faults (as a translation fault, since only walks and ring
 * reads use bus addresses). The page-table walk, osprey_sim_mmu_walk(), and
 * osprey_sim_bus_map() are shared with the display controller.
 *
 * The thread never holds &osprey_sim.lock while it touches memory. It takes
 * it to read the registers it needs and to publish its progress (head,
 * status, instruction pointer, faults); register writes that ask it for
 * something (DOORBELL, ENGINE_CONTROL, RESET) set a flag under the lock and
 * wake it. It runs in slices of at most %SIM_SLICE instructions or
 * %SIM_COPY_SLICE bytes, with cond_resched() and a look at pending requests
 * between them, so HALT and RESET take effect promptly and a busy engine
 * never monopolises a CPU. SEM_WAIT polls once a jiffy. Every wait is
 * TASK_IDLE: an idle, halted or locked-up engine may wait for as long as
 * its driver likes, which is neither load nor a hung task.
 */

#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include <kunit/visibility.h>

#include "osprey_sim.h"

#define SIM_SLICE		256
#define SIM_COPY_SLICE		(256 * 1024)

/* How a batch ended. */
enum sim_outcome {
	SIM_DONE,	/* END, RETURN on an empty stack, or the end of its range */
	SIM_FAULTED,	/* stopped in ERROR; fault registers set */
	SIM_ABORTED,	/* RESET or thread stop */
};

/* The thread's private execution state of one batch. */
struct sim_exec {
	struct osprey_sim *sim;
	u32 as;
	u64 ip;
	u64 stack[OSPREY_CALL_DEPTH];
	unsigned int depth;
	unsigned int budget;
	/* The fault being reported, when an access fails. */
	u32 fault_status;
	u64 fault_address;
	u32 fault_access;
};

/* Bus (physical) memory ------------------------------------------------ */

void *osprey_sim_bus_map(u64 pa)
{
	unsigned long pfn = PHYS_PFN(pa);

	if (!pfn_valid(pfn))
		return NULL;
	return kmap_local_page(pfn_to_page(pfn)) + offset_in_page(pa);
}

static bool bus_read32(u64 pa, u32 *value)
{
	u32 *p = osprey_sim_bus_map(pa);

	if (!p)
		return false;
	*value = le32_to_cpu(READ_ONCE(*(__le32 *)p));
	kunmap_local(p);
	return true;
}

static bool bus_read64(u64 pa, u64 *value)
{
	u64 *p = osprey_sim_bus_map(pa);

	if (!p)
		return false;
	*value = le64_to_cpu(READ_ONCE(*(__le64 *)p));
	kunmap_local(p);
	return true;
}

/* MMU ------------------------------------------------------------------ */

static const u64 sim_pte_reserved = ~(OSPREY_PTE_VALID | OSPREY_PTE_WRITE | OSPREY_PTE_ADDR);

u32 osprey_sim_mmu_walk(const struct osprey_sim_as *as, u64 va, u32 access, u64 *pa)
{
	u64 table = as->pgtable, pte = 0;
	int level;

	if (!(as->control & OSPREY_AS_ENABLE) || va >> OSPREY_VA_BITS)
		return OSPREY_FAULT_TRANSLATION;

	for (level = 0; level < 3; level++) {
		unsigned int idx = (va >> (30 - 9 * level)) & 511;

		if (!bus_read64(table + idx * sizeof(u64), &pte) ||
		    !(pte & OSPREY_PTE_VALID) || (pte & sim_pte_reserved))
			return OSPREY_FAULT_TRANSLATION;
		table = pte & OSPREY_PTE_ADDR;
	}
	if (access == OSPREY_ACCESS_WRITE && !(pte & OSPREY_PTE_WRITE))
		return OSPREY_FAULT_PERMISSION;
	*pa = table | offset_in_page(va);
	return 0;
}

/* Translate @va for @access; 0, or the OSPREY_FAULT_* of the failed walk. */
static u32 sim_translate(struct sim_exec *x, u64 va, u32 access, u64 *pa)
{
	struct osprey_sim *sim = x->sim;
	struct osprey_sim_as as;
	unsigned long flags;

	spin_lock_irqsave(&sim->lock, flags);
	as = sim->as[x->as];
	spin_unlock_irqrestore(&sim->lock, flags);

	return osprey_sim_mmu_walk(&as, va, access, pa);
}

/* Map the GPU page holding @va for @access; NULL with the fault recorded. */
static void *gpu_map(struct sim_exec *x, u64 va, u32 access)
{
	u32 fault;
	void *p;
	u64 pa;

	fault = sim_translate(x, va, access, &pa);
	p = fault ? NULL : osprey_sim_bus_map(pa);
	if (!p) {
		x->fault_status = fault ?: OSPREY_FAULT_TRANSLATION;
		x->fault_address = va;
		x->fault_access = access;
	}
	return p;
}

static bool gpu_read32(struct sim_exec *x, u64 va, u32 access, u32 *value)
{
	u32 *p = gpu_map(x, va, access);

	if (!p)
		return false;
	*value = le32_to_cpu(READ_ONCE(*(__le32 *)p));
	kunmap_local(p);
	return true;
}

static bool gpu_write32(struct sim_exec *x, u64 va, u32 value)
{
	u32 *p = gpu_map(x, va, OSPREY_ACCESS_WRITE);

	if (!p)
		return false;
	WRITE_ONCE(*(__le32 *)p, cpu_to_le32(value));
	kunmap_local(p);
	return true;
}

/* Requests ------------------------------------------------------------- */

/* Whether the thread should stop what it is doing: RESET or module exit. */
static bool sim_must_abort(struct osprey_sim *sim)
{
	return READ_ONCE(sim->engine.reset) || kthread_should_stop();
}

/*
 * Between instructions: honour HALT (wait for RESUME) and an injected
 * lockup (wait for RESET). Return false if the batch must be abandoned.
 */
static bool sim_checkpoint(struct sim_exec *x)
{
	struct osprey_sim *sim = x->sim;
	struct osprey_sim_engine *e = &sim->engine;
	unsigned long flags;

	if (sim_must_abort(sim))
		return false;

	if (READ_ONCE(e->lockup))
		wait_event_idle(e->wq, sim_must_abort(sim));

	if (READ_ONCE(e->halt)) {
		spin_lock_irqsave(&sim->lock, flags);
		e->halt = false;
		e->status = OSPREY_ENGINE_HALTED;
		spin_unlock_irqrestore(&sim->lock, flags);
		wait_event_idle(e->wq, READ_ONCE(e->resume) || sim_must_abort(sim));
		spin_lock_irqsave(&sim->lock, flags);
		if (e->status == OSPREY_ENGINE_HALTED && e->resume && !e->skip) {
			e->resume = false;
			e->status = OSPREY_ENGINE_BUSY;
		}
		spin_unlock_irqrestore(&sim->lock, flags);
	}

	if (!--x->budget) {
		x->budget = SIM_SLICE;
		cond_resched();
	}
	return !sim_must_abort(sim);
}

/* Stop in ERROR with the fault in @x (or @status at @address). */
static enum sim_outcome sim_fail(struct sim_exec *x, u32 status, u64 address, u32 access)
{
	struct osprey_sim *sim = x->sim;
	struct osprey_sim_engine *e = &sim->engine;
	unsigned long flags;

	if (status) {
		x->fault_status = status;
		x->fault_address = address;
		x->fault_access = access;
	}
	spin_lock_irqsave(&sim->lock, flags);
	e->status = OSPREY_ENGINE_ERROR;
	e->fault_status = x->fault_status;
	e->fault_address = x->fault_address;
	e->fault_access = x->fault_access;
	e->fault_as = x->as;
	e->ip = x->ip;
	osprey_sim_raise_locked(sim, x->fault_status >= OSPREY_FAULT_INVALID_INSN ?
				     OSPREY_IRQ_ERROR : OSPREY_IRQ_FAULT);
	spin_unlock_irqrestore(&sim->lock, flags);
	return SIM_FAULTED;
}

/* Instructions --------------------------------------------------------- */

static bool sim_fetch(struct sim_exec *x, struct osprey_insn *insn, int *err)
{
	u32 words[OSPREY_INSN_MAX_WORDS];
	u32 n, i;

	*err = 0;
	if (!gpu_read32(x, x->ip, OSPREY_ACCESS_FETCH, &words[0]))
		return false;
	n = osprey_op_words(osprey_hdr_opcode(words[0]));
	if (!n || n != osprey_hdr_length(words[0]))
		n = 1;	/* let the decoder name the error */
	for (i = 1; i < n; i++)
		if (!gpu_read32(x, x->ip + 4 * i, OSPREY_ACCESS_FETCH, &words[i]))
			return false;
	*err = osprey_insn_decode(words, n, insn);
	return true;
}

/*
 * Account @n more bytes of a long COPY or FILL and yield once a slice is
 * done. Return false if the engine must stop (RESET or exit).
 */
static bool sim_slice(struct sim_exec *x, u32 *slice, u32 n)
{
	*slice += n;
	if (*slice < SIM_COPY_SLICE)
		return true;
	*slice = 0;
	cond_resched();
	return !sim_must_abort(x->sim);
}

/* COPY with memmove semantics, a page piece at a time. */
static bool sim_copy(struct sim_exec *x, u64 dst, u64 src, u32 bytes)
{
	bool backwards = dst > src && dst < src + bytes;
	bool overlap = dst < src + bytes && src < dst + bytes;
	u32 done = 0, slice = 0;

	while (done < bytes) {
		u32 left = bytes - done;
		u64 s = backwards ? src + left : src + done;
		u64 d = backwards ? dst + left : dst + done;
		u32 n;
		void *ps, *pd;

		if (backwards) {
			/* The piece ends at s and d: stay within their pages. */
			n = min3(left, (u32)(offset_in_page(s - 1) + 1),
				 (u32)(offset_in_page(d - 1) + 1));
			s -= n;
			d -= n;
		} else {
			n = min3(left, (u32)(PAGE_SIZE - offset_in_page(s)),
				 (u32)(PAGE_SIZE - offset_in_page(d)));
		}
		ps = gpu_map(x, s, OSPREY_ACCESS_READ);
		if (!ps)
			return false;
		pd = gpu_map(x, d, OSPREY_ACCESS_WRITE);
		if (!pd) {
			kunmap_local(ps);
			return false;
		}
		/* memcpy() is the faster routine; memmove() only when needed. */
		if (overlap)
			memmove(pd, ps, n);
		else
			memcpy(pd, ps, n);
		kunmap_local(pd);
		kunmap_local(ps);
		done += n;
		if (!sim_slice(x, &slice, n))
			return true;
	}
	return true;
}

static bool sim_fill(struct sim_exec *x, u64 va, u32 bytes, u32 pattern)
{
	u32 done = 0, slice = 0;

	while (done < bytes) {
		u32 n = min_t(u32, bytes - done, PAGE_SIZE - offset_in_page(va + done));
		__le32 *p = gpu_map(x, va + done, OSPREY_ACCESS_WRITE);
		u32 i;

		if (!p)
			return false;
		for (i = 0; i < n / 4; i++)
			p[i] = cpu_to_le32(pattern);
		kunmap_local(p);
		done += n;
		if (!sim_slice(x, &slice, n))
			return true;
	}
	return true;
}

static bool sim_atomic(struct sim_exec *x, const struct osprey_insn *insn)
{
	u32 *p = gpu_map(x, insn->va, OSPREY_ACCESS_WRITE);

	if (!p)
		return false;
	if (insn->modifier == OSPREY_ATOMIC_ADD)
		atomic_add(insn->operand, (atomic_t *)p);
	else
		cmpxchg(p, insn->compare, insn->operand);
	kunmap_local(p);
	return true;
}

/* Poll until the semaphore holds; false on a fault, true also on abort. */
static bool sim_sem_wait(struct sim_exec *x, const struct osprey_insn *insn)
{
	struct osprey_sim_engine *e = &x->sim->engine;
	u32 value;

	for (;;) {
		if (!gpu_read32(x, insn->va, OSPREY_ACCESS_READ, &value))
			return false;
		if (osprey_sem_cmp_eval(insn->modifier, value, insn->value))
			return true;
		wait_event_idle_timeout(e->wq, sim_must_abort(x->sim) || READ_ONCE(e->halt), 1);
		if (!sim_checkpoint(x))
			return true;
	}
}

static u64 sim_timestamp(struct osprey_sim *sim)
{
	return ktime_get_ns() - sim->timestamp_base;
}

/* Execute one decoded instruction; false if it faulted. */
static bool sim_execute(struct sim_exec *x, const struct osprey_insn *insn, u64 *next,
			bool *end)
{
	u64 ts;

	switch (insn->opcode) {
	case OSPREY_OP_NOP:
		return true;
	case OSPREY_OP_STORE:
		return gpu_write32(x, insn->va, insn->value);
	case OSPREY_OP_COPY:
		return sim_copy(x, insn->dst, insn->src, insn->bytes);
	case OSPREY_OP_FILL:
		return sim_fill(x, insn->va, insn->bytes, insn->pattern);
	case OSPREY_OP_SEM_WAIT:
		return sim_sem_wait(x, insn);
	case OSPREY_OP_ATOMIC:
		return sim_atomic(x, insn);
	case OSPREY_OP_TIMESTAMP:
		ts = sim_timestamp(x->sim);
		return gpu_write32(x, insn->va, lower_32_bits(ts)) &&
		       gpu_write32(x, insn->va + 4, upper_32_bits(ts));
	case OSPREY_OP_JUMP:
		*next = insn->target;
		return true;
	case OSPREY_OP_CALL:
		x->stack[x->depth++] = *next;
		*next = insn->target;
		return true;
	case OSPREY_OP_RETURN:
		if (!x->depth)
			*end = true;
		else
			*next = x->stack[--x->depth];
		return true;
	case OSPREY_OP_END:
		*end = true;
		return true;
	}
	return true;
}

static enum sim_outcome sim_run_batch(struct osprey_sim *sim, u32 as, u64 va, u32 bytes)
{
	struct osprey_sim_engine *e = &sim->engine;
	struct sim_exec x = { .sim = sim, .as = as, .ip = va, .budget = SIM_SLICE };
	unsigned long flags;

	spin_lock_irqsave(&sim->lock, flags);
	e->batch = va;
	e->ip = va;
	spin_unlock_irqrestore(&sim->lock, flags);

	/* Until END, or until the instruction pointer reaches the end of the range. */
	while (x.ip != va + bytes) {
		struct osprey_insn insn;
		bool end = false;
		u64 next;
		int err;

		if (!sim_checkpoint(&x))
			return SIM_ABORTED;
		WRITE_ONCE(e->ip, x.ip);

		if (!sim_fetch(&x, &insn, &err))
			return sim_fail(&x, 0, 0, 0);
		if (err < 0 || (insn.opcode == OSPREY_OP_CALL && x.depth == OSPREY_CALL_DEPTH))
			return sim_fail(&x, OSPREY_FAULT_INVALID_INSN, x.ip, OSPREY_ACCESS_FETCH);

		next = x.ip + 4 * insn.length;
		if (!sim_execute(&x, &insn, &next, &end))
			return sim_fail(&x, 0, 0, 0);
		if (sim_must_abort(sim))
			return SIM_ABORTED;
		if (end)
			break;
		x.ip = next;
	}
	return SIM_DONE;
}

/* Ring ----------------------------------------------------------------- */

/* Read the packet at the head; false if it cannot be (an invalid packet). */
static bool sim_read_packet(struct osprey_sim *sim, struct osprey_pkt *pkt, u32 *next_head)
{
	struct osprey_sim_engine *e = &sim->engine;
	u32 words[OSPREY_PKT_MAX_WORDS];
	unsigned long flags;
	u32 head, n, i;
	u64 base;
	u32 size;

	spin_lock_irqsave(&sim->lock, flags);
	base = e->ring_base;
	size = e->ring_size;
	head = e->head;
	spin_unlock_irqrestore(&sim->lock, flags);

	if (!size || !bus_read32(base + head, &words[0]))
		return false;
	n = osprey_pkt_words(osprey_hdr_opcode(words[0]));
	if (!n || n != osprey_hdr_length(words[0]))
		return false;
	for (i = 1; i < n; i++)
		if (!bus_read32(base + ((head + 4 * i) & (size - 1)), &words[i]))
			return false;
	if (osprey_pkt_decode(words, n, pkt) < 0)
		return false;
	*next_head = (head + 4 * n) & (size - 1);
	return true;
}

static void sim_reset_locked(struct osprey_sim *sim)
{
	struct osprey_sim_engine *e = &sim->engine;

	lockdep_assert_held(&sim->lock);
	e->head = 0;
	e->tail = 0;
	e->status = OSPREY_ENGINE_IDLE;
	e->cur_as = 0;
	e->ip = 0;
	e->batch = 0;
	e->fault_status = OSPREY_FAULT_NONE;
	e->fault_address = 0;
	e->fault_access = 0;
	e->fault_as = 0;
	e->halt = false;
	e->resume = false;
	e->skip = false;
	e->lockup = false;
	e->reset = false;
	osprey_sim_raise_locked(sim, OSPREY_IRQ_RESET_DONE);
}

/* What the thread waits for when it has nothing to run. */
static bool sim_has_work(struct osprey_sim *sim)
{
	struct osprey_sim_engine *e = &sim->engine;

	if (kthread_should_stop() || READ_ONCE(e->reset))
		return true;
	switch (READ_ONCE(e->status)) {
	case OSPREY_ENGINE_ERROR:
		return READ_ONCE(e->resume) && READ_ONCE(e->skip);
	case OSPREY_ENGINE_HALTED:
		return READ_ONCE(e->resume);
	default:
		return !READ_ONCE(e->lockup) && READ_ONCE(e->head) != READ_ONCE(e->tail);
	}
}

/* One step of the thread: a request, or one packet. */
static void sim_engine_step(struct osprey_sim *sim)
{
	struct osprey_sim_engine *e = &sim->engine;
	enum sim_outcome outcome = SIM_DONE;
	struct osprey_pkt pkt;
	unsigned long flags;
	u32 next_head;

	spin_lock_irqsave(&sim->lock, flags);
	if (e->reset) {
		sim_reset_locked(sim);
		spin_unlock_irqrestore(&sim->lock, flags);
		return;
	}
	if (e->status == OSPREY_ENGINE_ERROR || e->status == OSPREY_ENGINE_HALTED) {
		/* SKIP from ERROR; RESUME from a halt between packets. */
		if (e->resume && (e->skip || e->status == OSPREY_ENGINE_HALTED))
			e->status = e->head == e->tail ? OSPREY_ENGINE_IDLE : OSPREY_ENGINE_BUSY;
		e->resume = false;
		e->skip = false;
		spin_unlock_irqrestore(&sim->lock, flags);
		return;
	}
	if (e->head == e->tail || e->lockup) {
		if (e->head == e->tail)
			e->status = OSPREY_ENGINE_IDLE;
		spin_unlock_irqrestore(&sim->lock, flags);
		return;
	}
	e->status = OSPREY_ENGINE_BUSY;
	spin_unlock_irqrestore(&sim->lock, flags);

	if (!sim_read_packet(sim, &pkt, &next_head)) {
		struct sim_exec x = { .sim = sim, .as = READ_ONCE(e->cur_as) };

		sim_fail(&x, OSPREY_FAULT_INVALID_PACKET, e->ring_base + READ_ONCE(e->head),
			 OSPREY_ACCESS_FETCH);
		return;
	}
	/* The packet is consumed before it runs: SKIP goes on after it. */
	spin_lock_irqsave(&sim->lock, flags);
	e->head = next_head;
	spin_unlock_irqrestore(&sim->lock, flags);

	switch (pkt.opcode) {
	case OSPREY_PKT_SET_AS:
		WRITE_ONCE(e->cur_as, pkt.as % OSPREY_NUM_AS);
		break;
	case OSPREY_PKT_BATCH:
		outcome = sim_run_batch(sim, READ_ONCE(e->cur_as), pkt.va, pkt.bytes);
		break;
	case OSPREY_PKT_SEQNO:
		WRITE_ONCE(e->last_seqno, pkt.seqno);
		break;
	case OSPREY_PKT_IRQ:
		spin_lock_irqsave(&sim->lock, flags);
		osprey_sim_raise_locked(sim, OSPREY_IRQ_JOB_DONE);
		spin_unlock_irqrestore(&sim->lock, flags);
		break;
	}
	if (outcome == SIM_DONE) {
		spin_lock_irqsave(&sim->lock, flags);
		if (e->status == OSPREY_ENGINE_BUSY && e->head == e->tail)
			e->status = OSPREY_ENGINE_IDLE;
		spin_unlock_irqrestore(&sim->lock, flags);
	}
}

static int sim_engine_thread(void *data)
{
	struct osprey_sim *sim = data;

	while (!kthread_should_stop()) {
		wait_event_idle(sim->engine.wq, sim_has_work(sim));
		if (kthread_should_stop())
			break;
		sim_engine_step(sim);
		cond_resched();
	}
	return 0;
}

/* Registers ------------------------------------------------------------ */

bool osprey_sim_engine_read(struct osprey_sim *sim, u32 offset, u32 *value)
{
	struct osprey_sim_engine *e = &sim->engine;
	u64 ts;

	lockdep_assert_held(&sim->lock);
	if (offset >= OSPREY_REG_AS_PGTABLE_LO(0) && offset < OSPREY_REG_MMU_INVALIDATE) {
		struct osprey_sim_as *as = &sim->as[(offset - OSPREY_REG_AS_PGTABLE_LO(0)) / 0x10];

		switch (offset % 0x10) {
		case 0x0:
			*value = lower_32_bits(as->pgtable);
			return true;
		case 0x4:
			*value = upper_32_bits(as->pgtable);
			return true;
		case 0x8:
			*value = as->control;
			return true;
		}
		return false;
	}

	switch (offset) {
	case OSPREY_REG_RING_BASE_LO:
		*value = lower_32_bits(e->ring_base);
		break;
	case OSPREY_REG_RING_BASE_HI:
		*value = upper_32_bits(e->ring_base);
		break;
	case OSPREY_REG_RING_SIZE:
		*value = e->ring_size;
		break;
	case OSPREY_REG_RING_HEAD:
		*value = e->head;
		break;
	case OSPREY_REG_RING_TAIL:
		*value = e->tail;
		break;
	case OSPREY_REG_ENGINE_STATUS:
		*value = e->status;
		break;
	case OSPREY_REG_LAST_SEQNO:
		*value = e->last_seqno;
		break;
	case OSPREY_REG_CURRENT_IP_LO:
		*value = lower_32_bits(READ_ONCE(e->ip));
		break;
	case OSPREY_REG_CURRENT_IP_HI:
		*value = upper_32_bits(READ_ONCE(e->ip));
		break;
	case OSPREY_REG_CURRENT_BATCH_LO:
		*value = lower_32_bits(e->batch);
		break;
	case OSPREY_REG_CURRENT_BATCH_HI:
		*value = upper_32_bits(e->batch);
		break;
	case OSPREY_REG_FAULT_STATUS:
		*value = e->fault_status;
		break;
	case OSPREY_REG_FAULT_ADDRESS_LO:
		*value = lower_32_bits(e->fault_address);
		break;
	case OSPREY_REG_FAULT_ADDRESS_HI:
		*value = upper_32_bits(e->fault_address);
		break;
	case OSPREY_REG_FAULT_ACCESS:
		*value = e->fault_access;
		break;
	case OSPREY_REG_FAULT_AS:
		*value = e->fault_as;
		break;
	case OSPREY_REG_TIMESTAMP_LO:
		ts = sim_timestamp(sim);
		e->timestamp_hi = upper_32_bits(ts);
		*value = lower_32_bits(ts);
		break;
	case OSPREY_REG_TIMESTAMP_HI:
		*value = e->timestamp_hi;
		break;
	case OSPREY_REG_DEBUG_STATUS:
		*value = e->lockup ? OSPREY_DEBUG_LOCKUP : 0;
		break;
	default:
		return false;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(osprey_sim_engine_read);

static bool sim_ring_writable(const struct osprey_sim_engine *e)
{
	return e->status == OSPREY_ENGINE_IDLE || e->status == OSPREY_ENGINE_HALTED;
}

bool osprey_sim_engine_write(struct osprey_sim *sim, u32 offset, u32 value)
{
	struct osprey_sim_engine *e = &sim->engine;

	lockdep_assert_held(&sim->lock);
	if (offset >= OSPREY_REG_AS_PGTABLE_LO(0) && offset < OSPREY_REG_MMU_INVALIDATE) {
		struct osprey_sim_as *as = &sim->as[(offset - OSPREY_REG_AS_PGTABLE_LO(0)) / 0x10];

		switch (offset % 0x10) {
		case 0x0:
			as->pgtable = (as->pgtable & ~(u64)U32_MAX) | (value & ~0xfffu);
			return true;
		case 0x4:
			as->pgtable = lower_32_bits(as->pgtable) |
				      ((u64)(value & 0xfffff) << 32);
			return true;
		case 0x8:
			as->control = value & OSPREY_AS_ENABLE;
			return true;
		}
		return false;
	}

	switch (offset) {
	case OSPREY_REG_MMU_INVALIDATE:
		/* The model caches no translation: every access walks. */
		break;
	case OSPREY_REG_RING_BASE_LO:
		if (sim_ring_writable(e))
			e->ring_base = (e->ring_base & ~(u64)U32_MAX) | (value & ~0xfffu);
		break;
	case OSPREY_REG_RING_BASE_HI:
		if (sim_ring_writable(e))
			e->ring_base = lower_32_bits(e->ring_base) |
				       ((u64)(value & 0xfffff) << 32);
		break;
	case OSPREY_REG_RING_SIZE:
		if (sim_ring_writable(e) && is_power_of_2(value) &&
		    value >= OSPREY_RING_SIZE_MIN && value <= OSPREY_RING_SIZE_MAX)
			e->ring_size = value;
		break;
	case OSPREY_REG_RING_TAIL:
		if (e->ring_size)
			e->tail = value & (e->ring_size - 1) & ~3u;
		break;
	case OSPREY_REG_DOORBELL:
		/* The thread compares HEAD and TAIL itself: a wake-up is all it takes. */
		if (value & 1)
			wake_up(&e->wq);
		break;
	case OSPREY_REG_ENGINE_CONTROL:
		/* A request counts only where it means something. */
		if (value == OSPREY_ENGINE_HALT) {
			e->halt = true;
		} else if (value == OSPREY_ENGINE_RESUME &&
			   (e->status == OSPREY_ENGINE_HALTED || e->halt)) {
			e->resume = true;
			e->skip = false;
		} else if (value == OSPREY_ENGINE_SKIP && e->status == OSPREY_ENGINE_ERROR) {
			e->resume = true;
			e->skip = true;
		}
		wake_up(&e->wq);
		break;
	case OSPREY_REG_RESET:
		if (value & 1) {
			e->reset = true;
			wake_up(&e->wq);
		}
		break;
	default:
		return false;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(osprey_sim_engine_write);

void osprey_sim_set_lockup(struct osprey_sim *sim, bool lockup)
{
	unsigned long flags;

	spin_lock_irqsave(&sim->lock, flags);
	sim->engine.lockup = lockup;
	spin_unlock_irqrestore(&sim->lock, flags);
	wake_up(&sim->engine.wq);
}
EXPORT_SYMBOL_IF_KUNIT(osprey_sim_set_lockup);

int osprey_sim_engine_init(struct osprey_sim *sim)
{
	struct task_struct *t;

	init_waitqueue_head(&sim->engine.wq);
	sim->engine.status = OSPREY_ENGINE_IDLE;
	sim->timestamp_base = ktime_get_ns();
	t = kthread_run(sim_engine_thread, sim, "osprey-sim/%u", sim->index);
	if (IS_ERR(t))
		return PTR_ERR(t);
	sim->engine.thread = t;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(osprey_sim_engine_init);

void osprey_sim_engine_fini(struct osprey_sim *sim)
{
	if (sim->engine.thread)
		kthread_stop(sim->engine.thread);
	sim->engine.thread = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(osprey_sim_engine_fini);
