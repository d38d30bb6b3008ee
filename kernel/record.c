// SPDX-License-Identifier: GPL-2.0
/*
 * The saved record (include/crashsafe/record.h): a page-aligned root with
 * a section table, every area physically contiguous and referenced by
 * physical address, so that csdextract finds everything in a vmcore
 * without page tables. Allocated once at load for all possible CPUs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/utsname.h>
#include <linux/timekeeping.h>
#include <linux/cpumask.h>
#include <linux/topology.h>
#include <linux/mutex.h>
#include <linux/io.h>
#include <linux/kprobes.h>
#include <asm/tsc.h>

#include "crashsafe.h"
#include "csd.h"
#include "seq.h"

unsigned int cs_ring_size = 4096;
module_param_named(ring_size, cs_ring_size, uint, 0444);
MODULE_PARM_DESC(ring_size, "CSD/IPI events per CPU ring (power of two, 64..65536)");

unsigned int cs_log_slots = 1024;
module_param_named(log_slots, cs_log_slots, uint, 0444);
MODULE_PARM_DESC(log_slots, "text log slots per CPU (power of two, 16..16384)");

struct cs_root *cs_root;

struct cs_area {
	void *virt;
	size_t size;
};

static struct cs_area cs_root_area, cs_ring_tab, cs_log_tab, cs_state_area;
static struct cs_area cs_hang_area, cs_lockup_area, cs_crash_mem, cs_mod_area;
static struct cs_area cs_status_area;
static struct cs_area *cs_ring_areas, *cs_log_areas;
static struct cs_ring **cs_rings;
static struct cs_log **cs_logs;
static unsigned int cs_nr_cpus;
static DEFINE_MUTEX(cs_seal_lock);
static DEFINE_MUTEX(cs_status_lock);

static int cs_record_phys_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "0x%llx\n",
			  cs_root ? (unsigned long long)cs_root->self_phys : 0ULL);
}

static const struct kernel_param_ops cs_record_phys_ops = {
	.get = cs_record_phys_get,
};
module_param_cb(record_phys, &cs_record_phys_ops, NULL, 0444);
MODULE_PARM_DESC(record_phys, "physical address of the saved record (read-only)");

/*
 * Zeroed, physically contiguous memory of @size bytes (whole pages, not
 * rounded up to a power of two: a ring of 4096 events is 196672 bytes,
 * which a page order would make 256 KiB) on node @nid if possible.
 */
static int cs_area_alloc(struct cs_area *a, size_t size, int nid)
{
	unsigned int order, i, used;
	struct page *page = NULL;

	a->size = PAGE_ALIGN(size);
	a->virt = NULL;
	order = get_order(a->size);
	used = a->size >> PAGE_SHIFT;
	if (nid != NUMA_NO_NODE)
		page = alloc_pages_node(nid, GFP_KERNEL | __GFP_ZERO |
					__GFP_NOWARN, order);
	if (page) {
		/* As alloc_pages_exact() does (its _nid variant is not exported). */
		split_page(page, order);
		for (i = used; i < (1u << order); i++)
			__free_page(page + i);
		a->virt = page_address(page);
	}
	if (!a->virt)
		a->virt = alloc_pages_exact(a->size, GFP_KERNEL | __GFP_ZERO);
	return a->virt ? 0 : -ENOMEM;
}

static void cs_area_free(struct cs_area *a)
{
	if (!a->virt)
		return;
	free_pages_exact(a->virt, a->size);
	a->virt = NULL;
}

static void cs_add_section(u32 type, u32 entry_size, u32 count, void *virt)
{
	struct cs_section *s = &cs_root->sect[cs_root->nr_sections++];

	s->type = type;
	s->entry_size = entry_size;
	s->count = count;
	s->flags = 0;
	s->phys = virt_to_phys(virt);
}

void cs_record_reseal(void)
{
	mutex_lock(&cs_seal_lock);
	cs_root->check = 0;
	cs_root->check = CS_SEAL(cs_root, struct cs_root);
	mutex_unlock(&cs_seal_lock);
}

void cs_record_set_flag(u32 flag)
{
	mutex_lock(&cs_seal_lock);
	cs_root->flags |= flag;
	cs_root->check = CS_SEAL(cs_root, struct cs_root);
	mutex_unlock(&cs_seal_lock);
}

/* Process context: change the status entry under its lock and reseal it. */
static void cs_status_update(u32 set_flags, u32 kinds, u32 live,
			     int dropped_delta)
{
	struct cs_status *st = cs_status_area.virt;

	if (!st)
		return;
	mutex_lock(&cs_status_lock);
	WRITE_ONCE(st->check, 0);
	st->flags |= set_flags;
	st->hooks_wanted |= kinds;
	st->hooks_live = (st->hooks_live & ~kinds) | (live & kinds);
	if (dropped_delta < 0 && st->modules_dropped)
		st->modules_dropped--;
	else if (dropped_delta > 0)
		st->modules_dropped++;
	st->check = CS_SEAL(st, struct cs_status);
	mutex_unlock(&cs_status_lock);
}

/*
 * Process context. For every hook kind in @wanted (CS_HOOK_*), record
 * whether it is in @live; kinds not in @wanted keep what earlier calls
 * said, so each backend reports only the kinds it installs.
 */
void cs_record_set_hooks(u32 wanted, u32 live)
{
	cs_status_update(CS_STATUS_HOOKS_SET, wanted & CS_HOOK_ALL, live, 0);
}

/* Process context: the status entry (hooks, dropped modules), or NULL. */
const struct cs_status *cs_record_status(void)
{
	return cs_status_area.virt;
}

/* Process context: hook kinds that are live now. */
u32 cs_record_hooks_live(void)
{
	struct cs_status *st = cs_status_area.virt;

	return st ? READ_ONCE(st->hooks_live) : 0;
}

/* Process context: one more (@n > 0) or one less loaded module missing. */
void cs_record_module_dropped(int n)
{
	cs_status_update(n > 0 ? CS_STATUS_MOD_OVERFLOW : 0, 0, 0, n);
}

/* Any context. */
struct cs_ring *cs_ring_of(int cpu)
{
	if (unlikely(!cs_rings || (unsigned int)cpu >= cs_nr_cpus))
		return NULL;
	return cs_rings[cpu];
}
NOKPROBE_SYMBOL(cs_ring_of);

/* Any context. */
struct cs_log *cs_log_of(int cpu)
{
	if (unlikely(!cs_logs || (unsigned int)cpu >= cs_nr_cpus))
		return NULL;
	return cs_logs[cpu];
}
NOKPROBE_SYMBOL(cs_log_of);

/* Any context. */
struct cs_cpu_state *cs_cpu_state_of(int cpu)
{
	if (!cs_state_area.virt || (unsigned int)cpu >= cs_nr_cpus)
		return NULL;
	return (struct cs_cpu_state *)cs_state_area.virt + cpu;
}
NOKPROBE_SYMBOL(cs_cpu_state_of);

/* Any context. */
struct cs_csd_hang *cs_hang_slot(unsigned int i)
{
	if (!cs_hang_area.virt || i >= CS_MAX_HANGS)
		return NULL;
	return (struct cs_csd_hang *)cs_hang_area.virt + i;
}
NOKPROBE_SYMBOL(cs_hang_slot);

/* Any context. */
struct cs_lockup *cs_lockup_slot(unsigned int i)
{
	if (!cs_lockup_area.virt || i >= CS_MAX_LOCKUPS)
		return NULL;
	return (struct cs_lockup *)cs_lockup_area.virt + i;
}
NOKPROBE_SYMBOL(cs_lockup_slot);

/* Any context. */
struct cs_crash *cs_crash_area(void)
{
	return cs_crash_mem.virt;
}
NOKPROBE_SYMBOL(cs_crash_area);

/* Any context. */
struct cs_module *cs_module_slot(unsigned int i)
{
	if (!cs_mod_area.virt || i >= CS_MAX_MODULES)
		return NULL;
	return (struct cs_module *)cs_mod_area.virt + i;
}
NOKPROBE_SYMBOL(cs_module_slot);

static void cs_free_all(void)
{
	unsigned int cpu;

	if (cs_ring_areas)
		for (cpu = 0; cpu < cs_nr_cpus; cpu++)
			cs_area_free(&cs_ring_areas[cpu]);
	if (cs_log_areas)
		for (cpu = 0; cpu < cs_nr_cpus; cpu++)
			cs_area_free(&cs_log_areas[cpu]);
	kfree(cs_ring_areas);
	kfree(cs_log_areas);
	kfree(cs_rings);
	kfree(cs_logs);
	cs_ring_areas = NULL;
	cs_log_areas = NULL;
	cs_rings = NULL;
	cs_logs = NULL;
	cs_area_free(&cs_ring_tab);
	cs_area_free(&cs_log_tab);
	cs_area_free(&cs_state_area);
	cs_area_free(&cs_hang_area);
	cs_area_free(&cs_lockup_area);
	cs_area_free(&cs_crash_mem);
	cs_area_free(&cs_mod_area);
	cs_area_free(&cs_status_area);
	cs_area_free(&cs_root_area);
	cs_root = NULL;
}

static int cs_alloc_cpu(unsigned int cpu)
{
	int nid = cpu_to_node(cpu);
	struct cs_ring *r;
	struct cs_log *l;
	int ret;

	ret = cs_area_alloc(&cs_ring_areas[cpu], sizeof(struct cs_ring) +
			    (size_t)cs_ring_size * sizeof(struct cs_event), nid);
	if (ret)
		return ret;
	ret = cs_area_alloc(&cs_log_areas[cpu], sizeof(struct cs_log) +
			    (size_t)cs_log_slots * sizeof(struct cs_log_slot), nid);
	if (ret)
		return ret;
	r = cs_ring_areas[cpu].virt;
	memcpy(r->magic, CS_RING_MAGIC, CS_MAGIC_LEN);
	r->cpu = cpu;
	r->nr_entries = cs_ring_size;
	r->entry_size = sizeof(struct cs_event);
	cs_rings[cpu] = r;
	((u64 *)cs_ring_tab.virt)[cpu] = virt_to_phys(r);

	l = cs_log_areas[cpu].virt;
	memcpy(l->magic, CS_LOG_MAGIC, CS_MAGIC_LEN);
	l->cpu = cpu;
	l->nr_slots = cs_log_slots;
	cs_logs[cpu] = l;
	((u64 *)cs_log_tab.virt)[cpu] = virt_to_phys(l);
	return 0;
}

int cs_record_init(void)
{
	unsigned int cpu, i, n = nr_cpu_ids;
	struct cs_crash *crash;
	int ret = -ENOMEM;

	BUILD_BUG_ON(sizeof(struct cs_root) > PAGE_SIZE);

	if (!is_power_of_2(cs_ring_size) || cs_ring_size < 64 ||
	    cs_ring_size > 65536) {
		pr_err("ring_size must be a power of two in 64..65536\n");
		return -EINVAL;
	}
	if (!is_power_of_2(cs_log_slots) || cs_log_slots < 16 ||
	    cs_log_slots > 16384) {
		pr_err("log_slots must be a power of two in 16..16384\n");
		return -EINVAL;
	}
	if (n > CS_MAX_CPUS)
		return -EINVAL;
	cs_nr_cpus = n;

	if (cs_area_alloc(&cs_root_area, PAGE_SIZE, NUMA_NO_NODE) ||
	    cs_area_alloc(&cs_ring_tab, n * sizeof(u64), NUMA_NO_NODE) ||
	    cs_area_alloc(&cs_log_tab, n * sizeof(u64), NUMA_NO_NODE) ||
	    cs_area_alloc(&cs_state_area, n * sizeof(struct cs_cpu_state),
			  NUMA_NO_NODE) ||
	    cs_area_alloc(&cs_hang_area,
			  CS_MAX_HANGS * sizeof(struct cs_csd_hang),
			  NUMA_NO_NODE) ||
	    cs_area_alloc(&cs_lockup_area,
			  CS_MAX_LOCKUPS * sizeof(struct cs_lockup),
			  NUMA_NO_NODE) ||
	    cs_area_alloc(&cs_crash_mem, sizeof(struct cs_crash),
			  NUMA_NO_NODE) ||
	    cs_area_alloc(&cs_mod_area,
			  CS_MAX_MODULES * sizeof(struct cs_module),
			  NUMA_NO_NODE) ||
	    cs_area_alloc(&cs_status_area, sizeof(struct cs_status),
			  NUMA_NO_NODE))
		goto fail;

	cs_ring_areas = kcalloc(n, sizeof(*cs_ring_areas), GFP_KERNEL);
	cs_log_areas = kcalloc(n, sizeof(*cs_log_areas), GFP_KERNEL);
	cs_rings = kcalloc(n, sizeof(*cs_rings), GFP_KERNEL);
	cs_logs = kcalloc(n, sizeof(*cs_logs), GFP_KERNEL);
	if (!cs_ring_areas || !cs_log_areas || !cs_rings || !cs_logs)
		goto fail;

	for (cpu = 0; cpu < n; cpu++) {
		if (!cpu_possible(cpu))
			continue;
		ret = cs_alloc_cpu(cpu);
		if (ret)
			goto fail;
	}

	for (cpu = 0; cpu < n; cpu++) {
		struct cs_cpu_state *st = cs_cpu_state_of(cpu);

		st->cpu = cpu;
		st->irqs_off_ns = ~0ULL;
		st->online = cpu_online(cpu);
		st->check = CS_SEAL(st, struct cs_cpu_state);
	}
	for (i = 0; i < CS_MAX_HANGS; i++) {
		struct cs_csd_hang *h = cs_hang_slot(i);

		h->target_irqs_off_ns = ~0ULL;
	}
	crash = cs_crash_area();
	crash->hang_index = ~0U;
	crash->lockup_index = ~0U;
	crash->check = CS_SEAL(crash, struct cs_crash);
	cs_status_update(0, 0, 0, 0);	/* sealed, all zero */

	cs_root = cs_root_area.virt;
	memcpy(cs_root->magic, CS_ROOT_MAGIC, CS_MAGIC_LEN);
	cs_root->version_major = CS_VERSION_MAJOR;
	cs_root->version_minor = CS_VERSION_MINOR;
	cs_root->root_size = sizeof(struct cs_root);
	cs_root->nr_cpus = n;
	cs_root->tsc_khz = tsc_khz;
	cs_root->self_phys = virt_to_phys(cs_root);
	cs_root->self_virt = (unsigned long)cs_root;
	cs_root->load_seq = cs_seq_now();
	cs_root->load_realtime_ns = ktime_get_real_ns();
	strscpy(cs_root->release, init_utsname()->release,
		sizeof(cs_root->release));
	strscpy(cs_root->module_version, CRASHSAFE_VERSION,
		sizeof(cs_root->module_version));
	cs_add_section(CS_SEC_RING_TABLE, sizeof(u64), n, cs_ring_tab.virt);
	cs_add_section(CS_SEC_LOG_TABLE, sizeof(u64), n, cs_log_tab.virt);
	cs_add_section(CS_SEC_CPU_STATE, sizeof(struct cs_cpu_state), n,
		       cs_state_area.virt);
	cs_add_section(CS_SEC_CSD_HANGS, sizeof(struct cs_csd_hang),
		       CS_MAX_HANGS, cs_hang_area.virt);
	cs_add_section(CS_SEC_LOCKUPS, sizeof(struct cs_lockup),
		       CS_MAX_LOCKUPS, cs_lockup_area.virt);
	cs_add_section(CS_SEC_CRASH, sizeof(struct cs_crash), 1,
		       cs_crash_mem.virt);
	cs_add_section(CS_SEC_MODULES, sizeof(struct cs_module),
		       CS_MAX_MODULES, cs_mod_area.virt);
	cs_add_section(CS_SEC_STATUS, sizeof(struct cs_status), 1,
		       cs_status_area.virt);
	cs_record_reseal();
	return 0;

fail:
	cs_free_all();
	return ret ? ret : -ENOMEM;
}

void cs_record_exit(void)
{
	/* Make a stale root unrecognisable before its memory is reused. */
	if (cs_root)
		memset(cs_root->magic, 0, CS_MAGIC_LEN);
	cs_free_all();
}
