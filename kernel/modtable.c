// SPDX-License-Identifier: GPL-2.0
/*
 * Loaded modules' core text ranges and kallsyms tables, kept in the
 * record (CS_SEC_MODULES) so that csdextract can symbolise module
 * addresses from a dump. Filled at load from the module list, then kept
 * current by a module notifier.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/string.h>
#include <asm/pgtable_types.h>

#include "crashsafe.h"

static DEFINE_MUTEX(cs_mod_lock);

static bool cs_in_module_area(const void *p)
{
	unsigned long a = (unsigned long)p;

	return a >= MODULES_VADDR && a < MODULES_END;
}

static void cs_mod_fill(struct cs_module *m, struct module *mod)
{
	m->check = 0;
	memset(m->name, 0, sizeof(m->name));
	strscpy(m->name, mod->name, sizeof(m->name));
#ifdef for_each_mod_mem_type	/* 6.4+: mod->mem[] */
	m->text_base = (unsigned long)mod->mem[MOD_TEXT].base;
	m->text_size = mod->mem[MOD_TEXT].size;
#else
	m->text_base = (unsigned long)mod->core_layout.base;
	m->text_size = mod->core_layout.text_size;
#endif
#ifdef CONFIG_KALLSYMS
	/* The core copy: mod->kallsyms points at init memory until LIVE. */
	m->symtab = (unsigned long)mod->core_kallsyms.symtab;
	m->strtab = (unsigned long)mod->core_kallsyms.strtab;
	m->num_syms = mod->core_kallsyms.num_symtab;
#endif
	m->check = CS_SEAL(m, struct cs_module);
}

/* Caller holds cs_mod_lock. */
static struct cs_module *cs_mod_find(const char *name, bool alloc)
{
	struct cs_module *m, *free = NULL;
	unsigned int i;

	for (i = 0; i < CS_MAX_MODULES; i++) {
		m = cs_module_slot(i);
		if (!m)
			break;
		if (!m->name[0]) {
			if (!free)
				free = m;
			continue;
		}
		if (!strncmp(m->name, name, sizeof(m->name)))
			return m;
	}
	return alloc ? free : NULL;
}

/*
 * Caller holds cs_mod_lock. A module that finds the table full is counted
 * in the record (cs_status.modules_dropped) so the reader can say that
 * some module addresses cannot be symbolised; it is uncounted when it goes.
 */
static void cs_mod_add(struct module *mod)
{
	struct cs_module *m = cs_mod_find(mod->name, true);

	if (m)
		cs_mod_fill(m, mod);
	else
		cs_record_module_dropped(1);
}

static int cs_mod_notify(struct notifier_block *nb, unsigned long action,
			 void *data)
{
	struct module *mod = data;
	struct cs_module *m;

	mutex_lock(&cs_mod_lock);
	switch (action) {
	case MODULE_STATE_COMING:
		cs_mod_add(mod);
		break;
	case MODULE_STATE_LIVE:
		/* Its entry from COMING, now with the core kallsyms. */
		m = cs_mod_find(mod->name, false);
		if (m)
			cs_mod_fill(m, mod);
		break;
	case MODULE_STATE_GOING:
		m = cs_mod_find(mod->name, false);
		if (m) {
			memset(m, 0, sizeof(*m));
			m->check = CS_SEAL(m, struct cs_module);
		} else {
			cs_record_module_dropped(-1);
		}
		break;
	}
	mutex_unlock(&cs_mod_lock);
	return NOTIFY_OK;
}

static struct notifier_block cs_mod_nb = {
	.notifier_call = cs_mod_notify,
};

int cs_modtable_init(void)
{
	struct module *mod;
	int ret;

	ret = register_module_notifier(&cs_mod_nb);
	if (ret)
		return ret;
	mutex_lock(&cs_mod_lock);
	cs_mod_add(THIS_MODULE);
	preempt_disable();
	rcu_read_lock();
	list_for_each_entry_rcu(mod, &THIS_MODULE->list, list) {
		/* The list head `modules' is kernel data, not a module. */
		if (!cs_in_module_area(mod) || mod->state == MODULE_STATE_UNFORMED)
			continue;
		cs_mod_add(mod);
	}
	rcu_read_unlock();
	preempt_enable();
	mutex_unlock(&cs_mod_lock);
	return 0;
}

void cs_modtable_exit(void)
{
	unregister_module_notifier(&cs_mod_nb);
}
