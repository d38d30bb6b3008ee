#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make test-healthy: the 5-minute healthy workload (test_healthy.sh) on
# several kernels at once, so that it fits make test's budget: one guest
# per kernel, all started together under one hold of the QEMU lock
# (/tmp/crashsafe-qemu.lock, taken here once; the harness is told with
# CRASHSAFE_QEMU_LOCK_HELD=1 not to take it again), each with its own
# output directory and checked by test_healthy.sh as a single run is.
#   tests/e2e/healthy_all.sh [KERNEL[:CPUS]...]
# Default: 6.12:2 6.1:2 trixie:2 bpo:3 trixie-rt:2 ($HEALTHY_KERNELS).
# HOTPLUG=1 (default; HOTPLUG=0 turns it off) also cycles CPUs 1..N-1
# offline and online in every guest, one every second (the 2-CPU guests'
# CPU 1 is online ~1.5 s at a time, under the heartbeat's 2 s period: the
# shape that found the stale-count false hard LOCKUP). Every guest
# runs crashsafe_workload with MIGRATE=1 (workers re-pinned to
# random CPUs, mid-wait where the kernel waits preemptibly); on 7.x (bpo)
# the run fails unless some waiter was moved mid-wait, which needs 3 CPUs
# or more there. Fails if any guest fails; prints one line per kernel:
# calls, errors, CSD/IPI events, waits moved mid-wait, offline/online
# cycles, result.
# Environment: HEALTHY_SECONDS (300), E2E_OUT (output dir, default
# build/e2e/healthy_all), BOOT_TIMEOUT (600 here: five guests
# booting at once on 2 host cores boot slower than one), QEMU_CPU.
#
# Fairness on an overcommitted host: 11 vCPUs on 2 cores means a vCPU is
# often descheduled for a few ms; to the guest that is a vCPU that did not
# run, as under any hypervisor. Pauses stay far below csd_timeout_ms
# (5 s) and the hard-lockup threshold (10 s), so a report here is a false
# report; the workload's own counts show each guest did real work.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${HEALTHY_SECONDS:-300}
if [ $# -gt 0 ]; then
	specs=("$@")
else
	read -r -a specs <<<"${HEALTHY_KERNELS:-6.12:2 6.1:2 trixie:2 bpo:3 trixie-rt:2}"
fi
base=${E2E_OUT:-$top/build/e2e/healthy_all}
mkdir -p "$base"

lock=/tmp/crashsafe-qemu.lock
exec 9>>"$lock"
if ! flock -n 9; then
	echo "[healthy] waiting for $lock (another guest is running)"
	tw=$SECONDS
	flock 9 || { echo "FAIL healthy_all: could not take $lock"; exit 1; }
	echo "[healthy] got the lock after $((SECONDS - tw)) s"
fi
export CRASHSAFE_QEMU_LOCK_HELD=1 MIGRATE=1 HOTPLUG=${HOTPLUG:-1}
export BOOT_TIMEOUT=${BOOT_TIMEOUT:-600}

t0=$SECONDS
declare -A pid=() cpus=()
for s in "${specs[@]}"; do
	k=${s%%:*}
	n=${s#*:}
	[ "$n" = "$s" ] && n=2
	# 7.x waiters must be able to move to a CPU that is neither their own
	# nor the target's.
	case $k in bpo*) [ "$n" -lt 3 ] && n=3 ;; esac
	cpus[$k]=$n
	d=$base/$k
	rm -rf "$d"
	mkdir -p "$d"
	echo "[healthy] $k: $n cpus, $secs s of workload -> $d"
	CPUS=$n E2E_OUT=$d/out bash "$top/tests/e2e/test_healthy.sh" "$k" "$secs" > "$d/log" 2>&1 &
	pid[$k]=$!
done

fails=()
for s in "${specs[@]}"; do
	k=${s%%:*}
	wait "${pid[$k]}"
	echo "$?" > "$base/$k/rc"
done
flock -u 9
wall=$((SECONDS - t0))

echo "[healthy] $secs s of CSD workload per guest, ${#specs[@]} guests at once, $wall s wall time"
printf '[healthy] %-10s %4s %10s %6s %12s %8s %9s %7s %7s  %s\n' kernel cpus calls errors csd/ipi-evts midwait ended-else moves hotplug result
for s in "${specs[@]}"; do
	k=${s%%:*}
	d=$base/$k
	c=$d/out/console.log
	rc=$(cat "$d/rc")
	calls=$(grep -a -o 'crashsafe_workload: done: [0-9]* calls, [0-9]* errors' "$c" 2>/dev/null | tail -n1)
	errs=$(echo "$calls" | awk '{print $5}')
	calls=$(echo "$calls" | awk '{print $3}')
	ev=$(grep -a -o 'scenario: workload: events recorded: [0-9]*' "$c" 2>/dev/null | tail -n1 | awk '{print $5}')
	read -r mid mig mv <<<"$(grep -a -o 'crashsafe_workload: migrated: [0-9]* waits moved mid-wait, [0-9]* ended on another CPU, [0-9]* moves' "$c" 2>/dev/null |
		tail -n1 | awk '{print $3, $7, $12}')"
	cyc=$(grep -a -o 'scenario: workload: hotplug: [0-9]* offline/online cycles' "$c" 2>/dev/null | tail -n1 | awk '{print $4}')
	res=PASS
	[ "$rc" = 0 ] || { res=FAIL; fails+=("$k"); }
	printf '[healthy] %-10s %4s %10s %6s %12s %8s %9s %7s %7s  %s\n' "$k" "${cpus[$k]}" "${calls:--}" "${errs:--}" \
		"${ev:--}" "${mid:--}" "${mig:--}" "${mv:--}" "${cyc:--}" "$res"
done
for k in "${fails[@]+"${fails[@]}"}"; do
	echo "[healthy] $k: $(tail -n1 "$base/$k/log")"
	echo "[healthy] $k: log $base/$k/log, console $base/$k/out/console.log"
	grep -a -E -n 'non-responsive CSD lock|hard LOCKUP|hard lockup|Kernel panic|BUG:|Oops|WARNING:|soft lockup|detected stall' \
		"$base/$k/out/console.log" 2>/dev/null | head -n 20 | sed "s/^/[healthy] $k: /"
done
if [ ${#fails[@]} -gt 0 ]; then
	echo "FAIL healthy_all: ${fails[*]} ($wall s)"
	exit 1
fi
echo "PASS healthy_all: ${#specs[@]} kernels, $secs s each, no report ($wall s)"
