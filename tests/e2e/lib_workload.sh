# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Checks shared by the CSD-workload tests (test_healthy, test_hotplug,
# test_stall): sourced after the test defines fail(). On a console log of a
# workload run, check_workload_console LOG fails unless crashsafe.ko loaded,
# nothing was reported, nothing panicked, the scenario finished and the
# workload made calls without errors while crashsafe recorded events; it
# sets ncalls and ev for the test's PASS line. NOLOAD=1 (a control run
# without crashsafe.ko): the crashsafe checks are skipped, ev is "-".

check_workload_console() {
	local c=$1 done_line nerr
	if [ "${NOLOAD:-0}" = 1 ]; then
		grep -a -q 'crashsafe-guest: crashsafe.ko not loaded' "$c" ||
			fail "NOLOAD=1 but crashsafe.ko was loaded (see $c)"
	else
		grep -a -q 'crashsafe-guest: crashsafe.ko loaded' "$c" ||
			fail "crashsafe.ko did not load (see $c)"
	fi
	if grep -a -E -n 'Detected non-responsive CSD lock|hard LOCKUP|hard lockup' "$c" | head -n 5 | grep .; then
		fail "false detection report on a healthy guest (see $c)"
	fi
	if grep -a -n 'Kernel panic' "$c" | head -n 3 | grep .; then
		fail "the guest panicked (see $c)"
	fi
	grep -a -q 'crashsafe-scenario-exit: ' "$c" ||
		fail "the guest did not finish the scenario (crash or hang; see $c)"
	done_line=$(grep -a -o 'crashsafe_workload: done: [0-9]* calls, [0-9]* errors' "$c" | tail -n1)
	[ -n "$done_line" ] || fail "no 'crashsafe_workload: done' line (see $c)"
	ncalls=$(echo "$done_line" | awk '{print $3}')
	nerr=$(echo "$done_line" | awk '{print $5}')
	[ "$ncalls" -gt 0 ] || fail "the workload made no calls"
	[ "$nerr" = 0 ] || fail "the workload reported $nerr errors"
	ev=-
	[ "${NOLOAD:-0}" = 1 ] && return 0
	ev=$(grep -a -o 'scenario: workload: events recorded: [0-9]*' "$c" | tail -n1 | awk '{print $5}')
	if [ -z "$ev" ] || [ "$ev" -le 0 ]; then
		fail "crashsafe debugfs shows no recorded events (${ev:-none})"
	fi
}
