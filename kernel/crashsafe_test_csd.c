// SPDX-License-Identifier: GPL-2.0
/* STUB: to be replaced by its owner. */
#include <linux/module.h>
MODULE_LICENSE("GPL");
