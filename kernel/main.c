// SPDX-License-Identifier: GPL-2.0
/*
 * crashsafe: CSD/IPI event rings, non-responsive CSD and hard-lockup
 * detection, and an IPI-then-NMI crash stop, for stock kernels.
 *
 * Init order matters: the record exists before anything can write to it,
 * the log before anything can log, the NMI handler before anyone can
 * be asked for a capture, and the crash stop goes in last (and comes out
 * first) so that it never runs against a half-built module.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/init.h>

#include "crashsafe.h"

struct cs_stage {
	const char *name;
	int (*init)(void);
	void (*exit)(void);
};

static const struct cs_stage cs_stages[] = {
	{ "record",	cs_record_init,		cs_record_exit },
	{ "log",	cs_log_init,		cs_log_exit },
	{ "modtable",	cs_modtable_init,	cs_modtable_exit },
	{ "nmi",	cs_nmi_init,		cs_nmi_exit },
	{ "detect",	cs_detect_init,		cs_detect_exit },
	{ "hooks",	cs_hooks_init,		cs_hooks_exit },
	{ "heartbeat",	cs_heartbeat_init,	cs_heartbeat_exit },
	{ "crash_stop",	cs_crash_stop_init,	cs_crash_stop_exit },
	{ "debugfs",	cs_debugfs_init,	cs_debugfs_exit },
};

static void cs_unwind(int upto)
{
	while (--upto >= 0)
		cs_stages[upto].exit();
}

static int __init crashsafe_init(void)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(cs_stages); i++) {
		ret = cs_stages[i].init();
		if (ret) {
			pr_err("%s setup failed: %d\n", cs_stages[i].name, ret);
			cs_unwind(i);
			return ret;
		}
	}
	pr_info("version %s loaded, record at phys 0x%llx\n",
		CRASHSAFE_VERSION, (unsigned long long)cs_root->self_phys);
	return 0;
}

static void __exit crashsafe_exit(void)
{
	cs_unwind(ARRAY_SIZE(cs_stages));
}

module_init(crashsafe_init);
module_exit(crashsafe_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("CSD/IPI forensics, hard-lockup detection and safe crash stop");
MODULE_VERSION(CRASHSAFE_VERSION);
