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
	if [ "$holder" = 0 ]; then panic_cpu=1; else panic_cpu=0; fi
	panic_cpu=${ARG_panic_cpu:-$panic_cpu}
	echo "scenario: cpu $holder holds a lock with irqs off, cpu $panic_cpu crashes" > /dev/console
	mask=$(printf '%x' $((1 << panic_cpu)))
	# Everything from here on stays on the panic CPU: a task that lands on
	# the wedged CPU's run queue (or a timer queued there) never runs again.
	taskset "$mask" sh -c "insmod $MODDIR/crashsafe_test_lockup.ko mode=lockheld holder=$holder; sleep 3; echo c > /proc/sysrq-trigger"
}
