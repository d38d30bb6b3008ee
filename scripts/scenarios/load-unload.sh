# SPDX-License-Identifier: GPL-2.0
# Scenario "load-unload" (issue 11): unload and reload crashsafe.ko
# $ARG_cycles times (default 20) while the CSD workload generator runs on
# every CPU, then crash by sysrq with the workload still running. Each
# cycle's outcome and any kernel report (Oops, BUG, WARNING, unknown NMI,
# a CSD or lockup report on this healthy system) go to $OUT/load-unload.txt.
# The harness's record hint names the first load's record, which the
# first unload invalidates: csdextract must find the last one by scanning.
# shellcheck disable=SC2034  # read by the harness that sources this file
SCENARIO_TIMEOUT=900

LU_PARAMS="panic_on_csd_hang=1 panic_on_hardlockup=1"
LU_BAD='Oops|BUG:|WARNING:|general protection|unknown reason|non-responsive CSD lock|hard LOCKUP|soft lockup|self-detected stall|rcu_.*detected stall'

scenario_params() {
	echo "$LU_PARAMS"
}

scenario_run() {
	n=${ARG_cycles:-20}
	r=$OUT/load-unload.txt
	ok=0
	: > "$r"
	insmod "$MODDIR/crashsafe_workload.ko" duration_s=0 nthreads=1 stat_interval_s=1 ||
		echo "FAIL: insmod crashsafe_workload.ko" >> "$r"
	sleep 2
	i=1
	while [ "$i" -le "$n" ]; do
		# shellcheck disable=SC2086
		if rmmod crashsafe && insmod "$MODDIR/crashsafe.ko" $LU_PARAMS; then
			ok=$((ok + 1))
		else
			echo "cycle $i: FAILED" >> "$r"
		fi
		echo "scenario: load-unload cycle $i of $n" > /dev/console
		i=$((i + 1))
	done
	sleep 2
	par=/sys/module/crashsafe_workload/parameters
	{
		echo "cycles: $ok of $n"
		echo "workload calls: $(cat $par/calls 2>/dev/null) errors: $(cat $par/errors 2>/dev/null)"
		echo "record_phys: $(cat /sys/module/crashsafe/parameters/record_phys 2>/dev/null)"
		echo "bad lines: $(dmesg | grep -cE "$LU_BAD")"
		dmesg | grep -E "$LU_BAD" | head -n 20
	} >> "$r"
	sync
	echo "scenario: load-unload: $(tr '\n' ';' < "$r" | head -c 400)" > /dev/console
	echo c > /proc/sysrq-trigger
}
