#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e: test_abba.sh on a stock dump: crashsafe.ko is not loaded and the
# kernel's own RCU stall detector panics (kernel.panic_on_rcu_stall=1, a
# 5 s stall timeout; the perf hard-lockup detector is off in a TCG guest
# without a PMU). From the dump alone the report must name both CPUs'
# tasks, the two locks by symbol, their owners and the cycle.
#   tests/e2e/test_abba_noload.sh 6.12|6.1 [CPUS (3)] [A (1)] [B (2)]
# Environment: as test_abba.sh.
ABBA_NOLOAD=1 exec bash "$(dirname "$0")/test_abba.sh" "$@"
