# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2034
# Scenario "crash-lock-hammer" (seed 003): CPU $ARG_holder (default 1)
# takes and releases an irq-safe spinlock, holding it about 99% of the time
# with interrupts off; a panic notifier needs the same lock and runs after
# the other CPUs are stopped (crash_kexec_post_notifiers=1). Another CPU
# then crashes. NMI-only stopping (--arg stop_ipi_ms=0) usually stops the
# holder inside its critical section and the crash path deadlocks; the
# default IPI-first stop catches it between critical sections.
# A short timeout makes a deadlock fail fast.
SCENARIO_TIMEOUT=90
SCENARIO_CMDLINE="crash_kexec_post_notifiers=1"

scenario_params() {
	echo "stop_ipi_ms=${ARG_stop_ipi_ms:-1000}"
}

scenario_run() {
	holder=${ARG_holder:-1}
	panic_cpu=$(scenario_panic_cpu "$holder")
	echo 1 > /sys/module/kernel/parameters/crash_kexec_post_notifiers 2>/dev/null
	echo "scenario: cpu $holder hammers a lock, cpu $panic_cpu crashes (stop_ipi_ms=${ARG_stop_ipi_ms:-1000})" > /dev/console
	scenario_crash_on "$panic_cpu" "insmod $MODDIR/crashsafe_test_lockup.ko mode=hammer holder=$holder"
}
