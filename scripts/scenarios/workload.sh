# SPDX-License-Identifier: GPL-2.0
# Scenario "workload": a healthy guest under the CSD workload generator.
# crashsafe.ko is loaded with its default detection settings and every
# panic_on_* switch on, so a false report would crash the guest. Runs
# crashsafe_workload.ko for $ARG_seconds (default 300) on all CPUs, then
# checks: the workload finished with calls made and zero errors, no
# detection report in the kernel log, and crashsafe recorded events
# (debugfs). Exits 0 (crashsafe-scenario-exit: 0) only if all hold.
#   --arg seconds=N   workload duration (default 300)
#   --arg nthreads=N  workload threads per CPU (default 1)
#   --arg idle=N      idle seconds after the workload, before the checks
#                     (default 15: longer than csd_timeout_ms, so a request
#                     left behind as outstanding would be reported)
#   --arg hotplug=1   while the workload runs, take CPUs 1..N-1 offline and
#                     back online in turn (one cycle every --arg
#                     hotplug_gap=S seconds, default 1), and print the
#                     number of offline/online cycles: a sender or waiter
#                     leaving its CPU must not produce a report
#   --arg migrate=1   a mover thread in crashsafe_workload re-pins random
#                     workers to random CPUs (every --arg move_us=N, default
#                     2000), mid-wait where the kernel waits preemptibly
#                     (7.x); prints the waits whose waiter moved mid-wait
#   --arg csd_timeout_ms=N, --arg hardlockup_thresh_ms=N: crashsafe.ko's
#                     thresholds (defaults 5000, 10000)
#   --arg noload=1    crashsafe.ko is not loaded: a control run, to tell
#                     what the kernel and the emulator do on their own
#                     (RCU stalls, soft lockups) from what crashsafe does;
#                     the crashsafe checks (debugfs, events) are skipped
#   --arg stall_ms=N  halfway through, stop every CPU with irqs off for N ms
#                     (crashsafe_workload stall_ms: what a VM paused from
#                     its monitor and resumed looks like from inside, the
#                     clocks having moved on); no report may follow
SCENARIO_NOCRASH=1
SCENARIO_TIMEOUT=$((${ARG_seconds:-300} + ${ARG_idle:-15} + 300))
SCENARIO_CMDLINE=""

scenario_params() {
	if [ "${ARG_noload:-0}" = 1 ]; then
		echo noload
		return
	fi
	echo "panic_on_csd_hang=1 panic_on_hardlockup=1" \
		${ARG_csd_timeout_ms:+csd_timeout_ms=$ARG_csd_timeout_ms} \
		${ARG_hardlockup_thresh_ms:+hardlockup_thresh_ms=$ARG_hardlockup_thresh_ms}
}

# Lines that must never appear on a healthy system.
WL_BAD='non-responsive CSD lock|hard LOCKUP|hard lockup|Kernel panic|BUG:|Oops|WARNING:|soft lockup|rcu_.*detected stall|self-detected stall'

wl_say() {
	echo "scenario: workload: $*" > /dev/console
}

# Offline and online CPUs 1..CPUS-1 in turn until $1 exists; the cycle
# count goes to $2 after every cycle.
wl_hotplug_loop() {
	n=0
	while [ ! -e "$1" ]; do
		c=1
		while [ $c -lt "$CPUS" ] && [ ! -e "$1" ]; do
			f=/sys/devices/system/cpu/cpu$c/online
			if [ -w "$f" ] && echo 0 > "$f" && echo 1 > "$f"; then
				n=$((n + 1))
				echo $n > "$2"
			fi
			c=$((c + 1))
			sleep "${ARG_hotplug_gap:-1}"
		done
	done
}

# Events ever recorded, summed over CPUs ("cpuN events M" in debugfs status).
wl_total_events() {
	f=/sys/kernel/debug/crashsafe/status
	[ -r "$f" ] || { echo 0; return; }
	awk '$2 == "events" { n += $3 } END { printf "%d\n", n }' "$f"
}

# Events currently readable in the rings (debugfs events: "cnt(...): ..."
# lines; without that file, lines naming an event of the seed vocabulary).
wl_visible_events() {
	d=/sys/kernel/debug/crashsafe
	if [ -r "$d/events" ]; then
		grep -c '^cnt(' "$d/events"
		return
	fi
	find "$d" -type f ! -name '*log*' ! -name '*record*' -exec grep -c -w -E \
		'queue|ipi|noipi|ping|pinged|gotipi|handle|dequeue|hdlend|idle' {} + 2>/dev/null |
		awk -F: '{ n += $NF } END { printf "%d\n", n }'
}

scenario_run() {
	secs=${ARG_seconds:-300}
	nthr=${ARG_nthreads:-1}
	fail=0

	noload=${ARG_noload:-0}
	if [ "$noload" = 1 ]; then
		wl_say "control run: crashsafe.ko not loaded"
	elif [ ! -d /sys/module/crashsafe ]; then
		wl_say "FAIL: crashsafe.ko is not loaded"
		return 1
	fi
	for p in /sys/module/crashsafe/parameters/*; do
		[ -r "$p" ] && wl_say "crashsafe param ${p##*/}=$(cat "$p")"
	done
	[ -d /sys/kernel/debug/crashsafe ] ||
		mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null

	ev0=$(wl_total_events)
	wl_say "running crashsafe_workload for $secs s on $CPUS cpus, $nthr thread(s) per cpu"
	if ! insmod "$MODDIR/crashsafe_workload.ko" duration_s="$secs" \
		nthreads="$nthr" stat_interval_s=30 stall_ms="${ARG_stall_ms:-0}" \
		migrate="${ARG_migrate:-0}" ${ARG_move_us:+move_us=$ARG_move_us}; then
		wl_say "FAIL: insmod crashsafe_workload.ko"
		return 1
	fi
	par=/sys/module/crashsafe_workload/parameters
	hp_pid=
	if [ "${ARG_hotplug:-0}" = 1 ]; then
		rm -f /tmp/hp-stop /tmp/hp-cycles
		wl_hotplug_loop /tmp/hp-stop /tmp/hp-cycles &
		hp_pid=$!
		wl_say "hotplug: cycling CPUs 1..$((CPUS - 1)) offline/online"
	fi
	waited=0
	limit=$((secs + 120))
	while [ "$(cat $par/done)" != 1 ]; do
		sleep 5
		waited=$((waited + 5))
		if [ $waited -gt $limit ]; then
			wl_say "FAIL: workload did not finish within $limit s"
			return 1
		fi
	done
	if [ -n "$hp_pid" ]; then
		touch /tmp/hp-stop
		wait "$hp_pid"
		cycles=$(cat /tmp/hp-cycles 2>/dev/null || echo 0)
		wl_say "hotplug: $cycles offline/online cycles, online now: $(cat /sys/devices/system/cpu/online)"
		if [ "$cycles" -le 0 ]; then
			wl_say "FAIL: no CPU went offline and online"
			fail=1
		fi
	fi
	if [ "${ARG_stall_ms:-0}" != 0 ]; then
		wl_say "stall: every CPU stopped for $(cat $par/stalled_ms) ms (asked ${ARG_stall_ms} ms)"
		if [ "$(cat $par/stalled_ms)" -lt "$ARG_stall_ms" ]; then
			wl_say "FAIL: the stall was shorter than asked"
			fail=1
		fi
	fi
	calls=$(cat $par/calls)
	errors=$(cat $par/errors)
	cbs=$(cat $par/callbacks)
	mid=$(cat $par/midwait 2>/dev/null || echo -)
	mig=$(cat $par/migrated 2>/dev/null || echo -)
	moves=$(cat $par/moves 2>/dev/null || echo -)
	rmmod crashsafe_workload || wl_say "warning: rmmod crashsafe_workload failed"
	wl_say "workload finished: calls=$calls callbacks=$cbs errors=$errors midwait=$mid migrated=$mig moves=$moves"
	if [ "$errors" != 0 ]; then
		wl_say "FAIL: the workload reported $errors errors"
		fail=1
	fi
	if [ "$calls" = 0 ]; then
		wl_say "FAIL: the workload made no calls"
		fail=1
	fi

	idle=${ARG_idle:-15}
	wl_say "idle for $idle s"
	sleep "$idle"

	bad=$(dmesg | grep -E "$WL_BAD")
	if [ -n "$bad" ]; then
		wl_say "FAIL: the kernel log has reports on a healthy system:"
		echo "$bad" | head -n 20 > /dev/console
		fail=1
	fi

	if [ "$noload" = 1 ]; then
		:
	elif [ ! -d /sys/kernel/debug/crashsafe ]; then
		wl_say "FAIL: no /sys/kernel/debug/crashsafe"
		fail=1
	else
		wl_say "debugfs: $(cd /sys/kernel/debug/crashsafe && echo *)"
		ev1=$(wl_total_events)
		vis=$(wl_visible_events)
		grep events /sys/kernel/debug/crashsafe/status 2>/dev/null |
			while read -r l; do wl_say "status: $l"; done
		wl_say "events recorded: $((ev1 - ev0)) during the workload ($ev1 since load), $vis readable in the rings"
		if [ "$vis" -le 0 ]; then
			wl_say "FAIL: crashsafe shows no recorded events"
			fail=1
		fi
		if [ -r /sys/kernel/debug/crashsafe/status ] && [ $((ev1 - ev0)) -le 0 ]; then
			wl_say "FAIL: crashsafe recorded no events during the workload"
			fail=1
		fi
		# The live, time-merged view of the per-CPU NMI-safe logs.
		if cat /sys/kernel/debug/crashsafe/log > /tmp/crashsafe-log; then
			wl_say "debugfs log: $(wc -l < /tmp/crashsafe-log) lines"
		else
			wl_say "FAIL: cannot read /sys/kernel/debug/crashsafe/log"
			fail=1
		fi
	fi
	[ "$noload" = 1 ] || [ -d /sys/module/crashsafe ] ||
		{ wl_say "FAIL: crashsafe.ko vanished"; fail=1; }
	[ $fail = 0 ] && wl_say "PASS"
	return $fail
}
