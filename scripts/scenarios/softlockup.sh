# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2034
# Scenario "softlockup": kthread cs_softlockup on CPU $ARG_cpu (default 1)
# loops with preemption off (interrupts on) in cs_softlockup_spin();
# kthread cs_soft_ipi on CPU $ARG_peer (default 0) calls it every 10 ms
# and it answers. The kernel's soft lockup detector panics
# (kernel.softlockup_panic=1, kernel.watchdog_thresh=$ARG_thresh_s,
# default 3: reported after 2 x thresh). The IPIs are healthy.
SCENARIO_TIMEOUT=150
SCENARIO_CMDLINE=""

scenario_params() {
	echo ""
}

scenario_run() {
	c=${ARG_cpu:-1}
	p=${ARG_peer:-0}
	echo 1 > /proc/sys/kernel/softlockup_panic
	echo "${ARG_thresh_s:-3}" > /proc/sys/kernel/watchdog_thresh
	echo "scenario: soft lockup on cpu $c (called by cpu $p), watchdog_thresh $(cat /proc/sys/kernel/watchdog_thresh)" > /dev/console
	insmod "$MODDIR"/crashsafe_test_hung.ko mode=softlockup cpu="$c" peer="$p"
	echo "scenario: waiting for the soft lockup detector" > /dev/console
	sleep 120
}
