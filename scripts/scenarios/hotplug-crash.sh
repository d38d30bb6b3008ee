# SPDX-License-Identifier: GPL-2.0
# Scenario "hotplug-crash": CPUs go offline and online under the CSD
# workload (crashsafe.ko with every panic_on_* switch on: a false report
# would crash the guest early), then CPU $ARG_offline (default the last)
# is left offline and CPU 0 crashes with sysrq. The record must say
# "offline" for that CPU and the dump must be complete.
#   --arg seconds=N   workload with hotplug cycles before the crash (30)
#   --arg offline=N   the CPU left offline for the crash (CPUS-1)
SCENARIO_TIMEOUT=$((${ARG_seconds:-30} + 240))
SCENARIO_CMDLINE=""

scenario_params() {
	echo "panic_on_csd_hang=1 panic_on_hardlockup=1"
}

hc_say() {
	echo "scenario: hotplug-crash: $*" > /dev/console
}

scenario_run() {
	secs=${ARG_seconds:-30}
	off=${ARG_offline:-$((CPUS - 1))}
	par=/sys/module/crashsafe_workload/parameters
	n=0

	insmod "$MODDIR/crashsafe_workload.ko" duration_s="$secs" \
		stat_interval_s=0 || { hc_say "FAIL: insmod crashsafe_workload.ko"; return 1; }
	while [ "$(cat $par/done)" != 1 ]; do
		c=1
		while [ $c -lt "$CPUS" ]; do
			f=/sys/devices/system/cpu/cpu$c/online
			if echo 0 > "$f" && echo 1 > "$f"; then
				n=$((n + 1))
			fi
			c=$((c + 1))
			sleep 1
		done
	done
	hc_say "workload: calls=$(cat $par/calls) errors=$(cat $par/errors), $n offline/online cycles"
	rmmod crashsafe_workload
	# csd_timeout_ms and more: a stale wait would be reported by now.
	sleep 8
	echo 0 > /sys/devices/system/cpu/cpu$off/online ||
		{ hc_say "FAIL: cannot offline cpu $off"; return 1; }
	hc_say "online now: $(cat /sys/devices/system/cpu/online), crash on cpu 0"
	sync
	taskset 1 sh -c 'echo c > /proc/sysrq-trigger'
}
