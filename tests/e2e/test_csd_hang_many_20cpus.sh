#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e: csd-hang call=many on 20 CPUs, sender CPU 0, victim CPU 19: the stuck
# target is the 19th remote target. Before issue 11 the 6.1 kprobe backend
# tracked at most 16 targets of a multi-CPU wait and this gave no report at
# all (the sender sat in a soft lockup, no dump). Every target is tracked
# now. Single-threaded TCG (20 vCPUs on a 2-core host: faster, and the
# 8-CPU tests found multi-threaded TCG unreliable under IPI load).
#   usage: tests/e2e/test_csd_hang_many_20cpus.sh 6.12|6.1
export QEMU_TCG_THREAD=${QEMU_TCG_THREAD:-single}
exec bash "$(dirname "$0")/test_csd_hang_many.sh" "$1" 20 19 0
