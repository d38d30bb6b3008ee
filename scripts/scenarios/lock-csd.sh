# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2034
# Scenario "lock-csd": CPU $ARG_a (default 1) holds cs_lockcsd_lock and
# waits in smp_call_function_single() for CPU $ARG_b (default 2), which
# spins on that lock with interrupts off: a cycle through a spinlock and a
# CSD. crashsafe.ko reports the non-responsive CSD after csd_timeout_ms and
# panics (panic_on_csd_hang=1). CPU A keeps interrupts on (preemption off):
# a sender's CSDs are checked from its own heartbeat timer, so with
# interrupts off there only the hard-lockup detector would see it.
SCENARIO_TIMEOUT=150
SCENARIO_CMDLINE=""

scenario_params() {
	echo "panic_on_csd_hang=1 csd_timeout_ms=${ARG_timeout_ms:-5000}"
}

scenario_run() {
	a=${ARG_a:-1}
	b=${ARG_b:-2}
	echo "scenario: cpu $a holds a lock and waits for cpu $b, which spins on it" > /dev/console
	insmod "$MODDIR"/crashsafe_test_deadlock.ko mode=lockcsd cpu_a="$a" cpu_b="$b"
	echo "scenario: cpus $a and $b deadlock, waiting for the detector" > /dev/console
	sleep 120
}
