# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2034
# Scenario "crash-lock-held": CPU $ARG_holder (default 1) holds an irq-safe
# spinlock with interrupts off forever; another CPU then crashes through
# sysrq. The crash stop must stop the holder by NMI and every other CPU by
# the regular IPI.
SCENARIO_TIMEOUT=120
SCENARIO_CMDLINE=""

scenario_params() {
	echo "stop_ipi_ms=${ARG_stop_ipi_ms:-1000}"
}

scenario_run() {
	holder=${ARG_holder:-1}
	panic_cpu=$(scenario_panic_cpu "$holder")
	echo "scenario: cpu $holder holds a lock with irqs off, cpu $panic_cpu crashes" > /dev/console
	scenario_crash_on "$panic_cpu" "insmod $MODDIR/crashsafe_test_lockup.ko mode=lockheld holder=$holder"
}
