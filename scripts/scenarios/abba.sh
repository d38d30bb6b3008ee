# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2034
# Scenario "abba": CPU $ARG_a (default 1) takes cs_abba_lock_a then
# cs_abba_lock_b, CPU $ARG_b (default 2) takes them in the opposite order,
# both with interrupts off: both hard-lock. crashsafe's buddy detector
# (CPU n checks CPU n+1, so CPU 0 must be live and check CPU 1: use 3 or
# more CPUs) panics (panic_on_hardlockup=1).
# --arg noload=1: crashsafe.ko is not loaded (a stock dump); the kernel's
# own RCU stall detector panics instead (kernel.panic_on_rcu_stall=1,
# rcupdate.rcu_cpu_stall_timeout=$ARG_stall_s, default 5): in a TCG guest
# without a PMU the perf hard-lockup detector is off, Debian amd64 has no
# buddy detector, and the soft lockup detector needs the stuck CPU's own
# timer interrupt. RCU only looks for stalls while a grace period is
# waiting, so CPU 0 keeps forking (every exit queues an RCU callback).
SCENARIO_TIMEOUT=150
SCENARIO_CMDLINE=""
if [ "${ARG_noload:-0}" = 1 ]; then
	SCENARIO_CMDLINE="rcupdate.rcu_cpu_stall_timeout=${ARG_stall_s:-5}"
	SCENARIO_EXPECT_NORECORD=1
fi

scenario_params() {
	if [ "${ARG_noload:-0}" = 1 ]; then
		echo noload
	else
		echo "panic_on_hardlockup=1 hardlockup_thresh_ms=${ARG_thresh_ms:-10000}"
	fi
}

scenario_run() {
	a=${ARG_a:-1}
	b=${ARG_b:-2}
	if [ "${ARG_noload:-0}" = 1 ]; then
		echo 1 > /proc/sys/kernel/panic_on_rcu_stall
		echo "scenario: abba on cpus $a and $b, no crashsafe.ko, RCU stall panic ($(cat /sys/module/rcupdate/parameters/rcu_cpu_stall_timeout) s)" > /dev/console
	else
		echo "scenario: abba on cpus $a and $b" > /dev/console
	fi
	insmod "$MODDIR"/crashsafe_test_deadlock.ko mode=abba cpu_a="$a" cpu_b="$b"
	if [ "${ARG_noload:-0}" = 1 ]; then
		taskset 1 sh -c 'while :; do /bin/true; done' &
	fi
	echo "scenario: cpus $a and $b deadlock, waiting for the detector" > /dev/console
	sleep 120
}
