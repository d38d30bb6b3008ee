#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# csd-hang with 4 CPUs and a victim/sender pair other than the defaults:
# CPU#2 waits in smp_call_function_single() on CPU#3, which spins with
# interrupts off.   usage: tests/e2e/test_csd_hang_4cpus.sh 6.12|6.1
exec bash "$(dirname "$0")/test_csd_hang.sh" "$1" 4 3 2
