# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2034
# Scenario "hard-lockup": CPU $ARG_victim (default 1) spins with interrupts
# off forever. The buddy hard-lockup detector of crashsafe.ko must notice
# it (threshold 10 s), NMI-capture it and panic (panic_on_hardlockup=1).
SCENARIO_TIMEOUT=150
SCENARIO_CMDLINE=""

scenario_params() {
	echo "panic_on_hardlockup=1 hardlockup_thresh_ms=${ARG_thresh_ms:-10000}"
}

scenario_run() {
	victim=${ARG_victim:-1}
	echo "scenario: hard lockup on cpu $victim" > /dev/console
	insmod "$MODDIR"/crashsafe_test_lockup.ko mode=hardlockup victim="$victim"
	echo "scenario: cpu $victim wedged, waiting for the detector" > /dev/console
	sleep 120
}
