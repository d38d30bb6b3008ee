// SPDX-License-Identifier: GPL-2.0
/*
 * Capture another CPU's context by NMI: registers, an ORC unwind of the
 * interrupted kernel stack and a raw copy of the stack top.
 *
 * One request per target CPU at a time. The requester owns the request
 * (owner 0 -> 1), fills in where the capture goes and raises state to
 * PENDING, then sends the NMI. The target's handler claims the request
 * (PENDING -> TAKEN), captures and sets DONE. A requester that gives up
 * retracts the request (PENDING -> IDLE); if the target has already taken
 * it, the requester waits for DONE, so the target never writes into a
 * capture its requester has stopped caring about.
 *
 * A retracted request's NMI is still on its way (or latched while the
 * target has NMIs blocked): the requester leaves a "late" mark, and the
 * handler claims the next NMI that finds no request, so that it is not
 * reported as "NMI received for unknown reason". At most one mark per
 * CPU: NMIs that arrive while one is latched merge, so a count could
 * swallow a genuine unknown NMI much later.
 *
 * Everything the NMI runs here is NOKPROBE_SYMBOL(): a kprobe hit in NMI
 * context would recurse into the kprobe machinery.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/kprobes.h>
#include <asm/nmi.h>
#include <asm/apic.h>
#include <asm/irq_vectors.h>
#include <asm/ptrace.h>
#include <asm/irq_regs.h>
#include <asm/unwind.h>

#include "crashsafe.h"
#include "seq.h"

enum {
	CS_NMI_IDLE = 0,
	CS_NMI_PENDING,
	CS_NMI_TAKEN,
	CS_NMI_DONE,
};

struct cs_nmi_req {
	atomic_t owner;
	atomic_t state;
	atomic_t late;		/* 1: a retracted request's NMI may still come */
	struct cs_capture *cap;
};

static DEFINE_PER_CPU(struct cs_nmi_req, cs_nmi_req);
static bool cs_nmi_registered;

/* Any context, NMI included: fill a capture from regs. */
void cs_capture_regs(struct cs_capture *c, struct pt_regs *regs, u32 flags)
{
	struct unwind_state state;
	unsigned long sp;
	unsigned int n = 0;
	size_t len;

	memset(c, 0, sizeof(*c));
	c->cpu = raw_smp_processor_id();
	c->seq = cs_seq_now();
	if (!regs) {
		c->flags = flags;
		return;
	}
	BUILD_BUG_ON(sizeof(c->regs) != sizeof(*regs));
	memcpy(&c->regs, regs, sizeof(c->regs));
	c->flags = flags | CS_CAP_VALID;
	c->frames[n++] = regs->ip;

	if (user_mode(regs)) {
		c->flags |= CS_CAP_USER;
		c->nr_frames = n;
		return;
	}

	for (unwind_start(&state, current, regs, NULL);
	     !unwind_done(&state) && n < CS_MAX_FRAMES;
	     unwind_next_frame(&state)) {
		unsigned long addr = unwind_get_return_address(&state);

		if (!addr)
			break;
		/* The first unwind step may report regs->ip itself. */
		if (n == 1 && addr == regs->ip)
			continue;
		c->frames[n++] = addr;
	}
	c->nr_frames = n;


	sp = regs->sp;
	len = CS_STACK_BYTES;
	/* Do not run off the end of the page the stack pointer is in. */
	if (offset_in_page(sp) + len > PAGE_SIZE)
		len = PAGE_SIZE - offset_in_page(sp);
	c->stack_sp = sp;
	if (!copy_from_kernel_nofault(c->stack, (void *)sp, len)) {
		c->stack_len = len;
		/* The rest of the window, from the next page, if mapped. */
		if (len < CS_STACK_BYTES &&
		    !copy_from_kernel_nofault(c->stack + len, (void *)(sp + len),
					      CS_STACK_BYTES - len))
			c->stack_len = CS_STACK_BYTES;
	}
}
NOKPROBE_SYMBOL(cs_capture_regs);

/* NMI context. */
static int cs_nmi_handler(unsigned int type, struct pt_regs *regs)
{
	struct cs_nmi_req *r = this_cpu_ptr(&cs_nmi_req);

	if (atomic_read(&r->state) != CS_NMI_PENDING ||
	    atomic_cmpxchg(&r->state, CS_NMI_PENDING, CS_NMI_TAKEN) !=
	    CS_NMI_PENDING) {
		/* A late NMI of a request its requester gave up on. */
		if (atomic_read(&r->late) && atomic_xchg(&r->late, 0))
			return NMI_HANDLED;
		return NMI_DONE;
	}
	cs_capture_regs(r->cap, regs, CS_CAP_NMI);
	atomic_set_release(&r->state, CS_NMI_DONE);
	return NMI_HANDLED;
}
NOKPROBE_SYMBOL(cs_nmi_handler);

/* Hard-IRQ or crash context: NMI @cpu and wait for its context. */
int cs_nmi_capture(int cpu, struct cs_capture *c, unsigned int timeout_us)
{
	struct cs_nmi_req *r;
	u64 deadline;
	int ret = 0;

	if (cpu < 0 || cpu >= nr_cpu_ids || !cpu_online(cpu) ||
	    !cs_nmi_registered) {
		memset(c, 0, sizeof(*c));
		c->cpu = cpu;
		c->flags = CS_CAP_TIMEOUT;
		return -EINVAL;
	}
	if (cpu == raw_smp_processor_id()) {
		cs_capture_regs(c, get_irq_regs(), CS_CAP_IRQ);
		return 0;
	}
	r = per_cpu_ptr(&cs_nmi_req, cpu);
	if (atomic_cmpxchg(&r->owner, 0, 1) != 0)
		return -EBUSY;

	r->cap = c;
	atomic_set_release(&r->state, CS_NMI_PENDING);
	apic->send_IPI(cpu, NMI_VECTOR);

	/*
	 * Wait by the clock, not by counting udelay()s: udelay() trusts this
	 * CPU's loops_per_jiffy, which can be far off (seen in TCG guests
	 * where a secondary CPU's calibration failed: a 200 ms wait took 1 ms).
	 */
	deadline = ktime_get_mono_fast_ns() + (u64)timeout_us * NSEC_PER_USEC;
	while (atomic_read_acquire(&r->state) != CS_NMI_DONE) {
		if (ktime_get_mono_fast_ns() >= deadline) {
			/* Marked before retracting: the NMI may come any time. */
			atomic_set(&r->late, 1);
			if (atomic_cmpxchg(&r->state, CS_NMI_PENDING,
					   CS_NMI_IDLE) == CS_NMI_PENDING) {
				memset(c, 0, sizeof(*c));
				c->cpu = cpu;
				c->flags = CS_CAP_TIMEOUT;
				ret = -ETIMEDOUT;
				goto out;
			}
			/* Taken: the target is capturing right now. */
			atomic_set(&r->late, 0);
		}
		cpu_relax();
	}
out:
	atomic_set(&r->state, CS_NMI_IDLE);
	r->cap = NULL;
	atomic_set_release(&r->owner, 0);
	return ret;
}
NOKPROBE_SYMBOL(cs_nmi_capture);

int cs_nmi_init(void)
{
	int ret;

	ret = register_nmi_handler(NMI_LOCAL, cs_nmi_handler, 0,
				   "crashsafe_capture");
	if (ret)
		return ret;
	cs_nmi_registered = true;
	return 0;
}

void cs_nmi_exit(void)
{
	if (!cs_nmi_registered)
		return;
	cs_nmi_registered = false;
	unregister_nmi_handler(NMI_LOCAL, "crashsafe_capture");
}
