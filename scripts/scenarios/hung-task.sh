# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2034
# Scenario "hung-task" (seed 001): kthread cs_hung_owner on CPU $ARG_cpu
# (default 1) holds cs_hung_rwsem for write for $ARG_hold_s (default 60)
# seconds while issuing fast, completing smp_call_function_single() calls
# to CPU $ARG_peer (default 0); $ARG_waiters (default 2) kthreads
# cs_hung_waiterN block in down_read(). The kernel's hung task detector
# panics (kernel.hung_task_panic=1, hung_task_timeout_secs=$ARG_timeout_s,
# default 5). The IPIs are healthy: the report must not blame them.
SCENARIO_TIMEOUT=150
SCENARIO_CMDLINE=""

scenario_params() {
	echo ""
}

scenario_run() {
	c=${ARG_cpu:-1}
	p=${ARG_peer:-0}
	echo "${ARG_timeout_s:-5}" > /proc/sys/kernel/hung_task_timeout_secs
	echo 1 > /proc/sys/kernel/hung_task_panic
	echo "scenario: hung task behind an rwsem held by cpu $c (calls to cpu $p), hung_task_timeout_secs $(cat /proc/sys/kernel/hung_task_timeout_secs)" > /dev/console
	insmod "$MODDIR"/crashsafe_test_hung.ko mode=hung cpu="$c" peer="$p" \
		hold_s="${ARG_hold_s:-60}" nwaiters="${ARG_waiters:-2}"
	echo "scenario: waiting for the hung task detector" > /dev/console
	sleep 120
}
