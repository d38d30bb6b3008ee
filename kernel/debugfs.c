// SPDX-License-Identifier: GPL-2.0
/*
 * Root-only live views under /sys/kernel/debug/crashsafe/:
 *   events  all valid ring entries of all CPUs, merged in seq order
 *   log     the per-CPU text logs, merged in seq order (nmi_log.c)
 *   record  the raw root (struct cs_root)
 *   status  counters
 * events takes a snapshot at open.
 */
#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/sort.h>
#include <linux/fs.h>
#include <linux/cpumask.h>

#include "crashsafe.h"
#include "csd.h"

struct cs_snap {
	size_t nr;
	void *v;
	size_t esize;
	int (*show)(struct seq_file *m, void *v);
};

static struct dentry *cs_dir;

static const char *const cs_ctx_names[] = { "task", "softirq", "hardirq", "nmi" };

static const char *cs_ctx_name(unsigned int ctx)
{
	return ctx < ARRAY_SIZE(cs_ctx_names) ? cs_ctx_names[ctx] : "?";
}

static void *cs_snap_start(struct seq_file *m, loff_t *pos)
{
	struct cs_snap *s = m->private;

	return *pos < s->nr ? (char *)s->v + *pos * s->esize : NULL;
}

static void *cs_snap_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return cs_snap_start(m, pos);
}

static void cs_snap_stop(struct seq_file *m, void *v)
{
}

static int cs_snap_show(struct seq_file *m, void *v)
{
	struct cs_snap *s = m->private;

	return s->show(m, v);
}

static const struct seq_operations cs_snap_sops = {
	.start = cs_snap_start,
	.next = cs_snap_next,
	.stop = cs_snap_stop,
	.show = cs_snap_show,
};

static int cs_snap_open(struct file *file, int (*fill)(struct cs_snap *s))
{
	struct cs_snap *s = kzalloc(sizeof(*s), GFP_KERNEL);
	struct seq_file *m;
	int ret;

	if (!s)
		return -ENOMEM;
	ret = fill(s);
	if (ret)
		goto fail;
	ret = seq_open(file, &cs_snap_sops);
	if (ret)
		goto fail;
	m = file->private_data;
	m->private = s;
	return 0;
fail:
	kvfree(s->v);
	kfree(s);
	return ret;
}

static int cs_snap_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	struct cs_snap *s = m->private;

	kvfree(s->v);
	kfree(s);
	return seq_release(inode, file);
}

/* events ----------------------------------------------------------------- */

static int cs_ev_cmp(const void *a, const void *b)
{
	const struct cs_event *x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return (int)x->cpu - (int)y->cpu;
}

static int cs_events_show(struct seq_file *m, void *v)
{
	const struct cs_event *e = v;

	seq_printf(m, "cnt(%llx): %04x->%04x %-7s cpu=%u ctx=%s",
		   e->seq, e->src, e->dst, cs_event_name(e->type), e->cpu,
		   cs_ctx_name(e->ctx));
	if (e->func)
		seq_printf(m, " func=%ps", (void *)(unsigned long)e->func);
	if (e->csd)
		seq_printf(m, " csd=0x%llx", e->csd);
	if (e->callsite)
		seq_printf(m, " callsite=%pS",
			   (void *)(unsigned long)e->callsite);
	if (e->aux)
		seq_printf(m, " aux=%u", e->aux);
	seq_putc(m, '\n');
	return 0;
}

static int cs_events_fill(struct cs_snap *s)
{
	size_t total = 0;
	int cpu;

	s->esize = sizeof(struct cs_event);
	s->show = cs_events_show;
	for_each_possible_cpu(cpu) {
		struct cs_ring *r = cs_ring_of(cpu);

		if (r)
			total += r->nr_entries;
	}
	s->v = kvmalloc_array(total ? total : 1, s->esize, GFP_KERNEL);
	if (!s->v)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct cs_ring *r = cs_ring_of(cpu);
		u32 i;

		if (!r)
			continue;
		for (i = 0; i < r->nr_entries && s->nr < total; i++) {
			struct cs_event *e = (struct cs_event *)s->v + s->nr;

			memcpy(e, &r->ev[i], sizeof(*e));
			if (e->check && e->check == cs_event_check(e))
				s->nr++;
		}
	}
	sort(s->v, s->nr, s->esize, cs_ev_cmp, NULL);
	return 0;
}

static int cs_events_open(struct inode *inode, struct file *file)
{
	return cs_snap_open(file, cs_events_fill);
}

/* log: the log helper's merged view ---------------------------------------- */

static int cs_logf_show(struct seq_file *m, void *v)
{
	cs_log_show(m);
	return 0;
}

static int cs_logf_open(struct inode *inode, struct file *file)
{
	return single_open(file, cs_logf_show, NULL);
}

/* record, status ----------------------------------------------------------- */

static ssize_t cs_record_read(struct file *file, char __user *buf,
			      size_t len, loff_t *ppos)
{
	return simple_read_from_buffer(buf, len, ppos, cs_root,
				       sizeof(struct cs_root));
}

static int cs_status_show(struct seq_file *m, void *v)
{
	const struct cs_status *st = cs_record_status();
	int cpu;

	seq_printf(m, "version %s\nrecord_phys 0x%llx\nnr_cpus %u\n",
		   CRASHSAFE_VERSION, cs_root->self_phys, cs_root->nr_cpus);
	seq_printf(m, "tsc_khz %u\nflags 0x%x%s%s\nring_size %u\nlog_slots %u\n",
		   cs_root->tsc_khz, cs_root->flags,
		   cs_root->flags & CS_ROOT_TRACEPOINTS ? " tracepoints" : "",
		   cs_root->flags & CS_ROOT_KPROBES ? " kprobes" : "",
		   cs_ring_size, cs_log_slots);
	seq_printf(m, "csd_hangs %u\n", cs_csd_hang_count());
	if (st)
		seq_printf(m, "hooks_wanted 0x%x\nhooks_live 0x%x\nmodules_dropped %u\n",
			   READ_ONCE(st->hooks_wanted), READ_ONCE(st->hooks_live),
			   READ_ONCE(st->modules_dropped));
	for_each_possible_cpu(cpu) {
		struct cs_ring *r = cs_ring_of(cpu);
		struct cs_log *l = cs_log_of(cpu);

		if (!r)
			continue;
		seq_printf(m, "cpu%d events %llu last_seq %llx log %llu outstanding %u\n",
			   cpu, READ_ONCE(r->head), READ_ONCE(r->last_seq),
			   l ? READ_ONCE(l->head) : 0ULL, cs_csd_outstanding(cpu));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cs_status);

static const struct file_operations cs_events_fops = {
	.owner = THIS_MODULE,
	.open = cs_events_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = cs_snap_release,
};

static const struct file_operations cs_log_fops = {
	.owner = THIS_MODULE,
	.open = cs_logf_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static const struct file_operations cs_record_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = cs_record_read,
	.llseek = default_llseek,
};

int cs_debugfs_init(void)
{
	cs_dir = debugfs_create_dir("crashsafe", NULL);
	if (IS_ERR_OR_NULL(cs_dir))
		return 0;	/* debugfs is optional */
	debugfs_create_file("events", 0400, cs_dir, NULL, &cs_events_fops);
	debugfs_create_file("log", 0400, cs_dir, NULL, &cs_log_fops);
	debugfs_create_file("record", 0400, cs_dir, NULL, &cs_record_fops);
	debugfs_create_file("status", 0400, cs_dir, NULL, &cs_status_fops);
	return 0;
}

void cs_debugfs_exit(void)
{
	debugfs_remove_recursive(cs_dir);
	cs_dir = NULL;
}
