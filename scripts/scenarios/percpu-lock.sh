# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2034
# Scenario "percpu-lock": the seed 004 shape through a per-CPU lock.
# cs_pcpu_lock is a DEFINE_PER_CPU spinlock; CPU $ARG_a (default 1) holds
# its own instance and spins, interrupts off, on CPU $ARG_b's (default 2),
# which holds its own and spins on CPU $ARG_a's. Both hard-lock; the buddy
# detector (CPU 0 checks CPU 1: use 3 or more CPUs) panics.
SCENARIO_TIMEOUT=150
SCENARIO_CMDLINE=""

scenario_params() {
	echo "panic_on_hardlockup=1 hardlockup_thresh_ms=${ARG_thresh_ms:-10000}"
}

scenario_run() {
	a=${ARG_a:-1}
	b=${ARG_b:-2}
	echo "scenario: per-cpu lock deadlock on cpus $a and $b" > /dev/console
	insmod "$MODDIR"/crashsafe_test_deadlock.ko mode=percpu cpu_a="$a" cpu_b="$b"
	echo "scenario: cpus $a and $b deadlock, waiting for the detector" > /dev/console
	sleep 120
}
