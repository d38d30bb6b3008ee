#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 11: the crash paths on a 64-vCPU guest (single-threaded TCG: 64
# vCPUs on 2 host cores, and multi-threaded TCG's own text-patching
# artifacts, see the README). Runs, each followed by the common checks:
#   csd-hang     victim 63, sender 0 (far apart)
#   csd-hang     call=many, victim 40, sender 0 (stuck target beyond the
#                16th: needs the detector's untracked-target fix)
#   hard-lockup  victim 63
#   crash-lock-held  holder 63
#   sysrq        on CPU 32
# Common checks: the vmcore (ELF copy) has one NT_PRSTATUS note per CPU,
# every CPU was stopped (panic/ipi/nmi) and the crash-stop latency
# (IPI and NMI phase, slowest CPU) is printed.
#   tests/reliability/test_64cpus.sh 6.12|6.1 [CPUS (64)] [RUN...]
#   RUN: csd-single csd-many hard-lockup lock-held sysrq (default: all)
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
k=${1:?usage: test_64cpus.sh 6.12|6.1 [CPUS] [RUN...]}
cpus=${2:-64}
shift $(($# >= 2 ? 2 : 1))
runs=("$@")
[ ${#runs[@]} -gt 0 ] || runs=(csd-single csd-many hard-lockup lock-held sysrq)
base=${E2E_OUT:-/tmp/crashsafe-e2e/cpus$cpus-$k}
export QEMU_TCG_THREAD=${QEMU_TCG_THREAD:-single}
export QEMU_KDUMP_OPTS="--save-elf ${QEMU_KDUMP_OPTS:-}"
e2e=$top/tests/e2e
pass=0
failn=0

# common OUT NAME: notes, stops, latency
common() {
	local out=$1 name=$2 j=$1/report.json notes nst line maxlat
	notes=$(readelf -n "$out/vmcore.elf" 2>/dev/null | grep -c NT_PRSTATUS)
	if [ "$notes" != "$cpus" ]; then
		echo "FAIL $name: $notes NT_PRSTATUS notes, expected $cpus"
		return 1
	fi
	nst=$(jq '[.cpus[]? | select(.stop == "panic" or .stop == "ipi" or .stop == "nmi")] | length' "$j")
	if [ "$nst" != "$cpus" ]; then
		echo "FAIL $name: $nst of $cpus CPUs stopped: $(jq -c '[.cpus[]? | .stop] | group_by(.) | map({(.[0]): length}) | add' "$j")"
		return 1
	fi
	line=$(grep -m1 'crash stop:' "$out/report.txt" | sed 's/^ *//')
	maxlat=$(jq '[.cpus[]?.stop_latency_ns // 0] | max' "$j")
	echo "  $name: $notes NT_PRSTATUS notes, all $cpus CPUs stopped; $line; slowest CPU $((maxlat / 1000)) us"
}

# one NAME CMD...: run a test, then the common checks
one() {
	local name=$1 out=$base/$1 t0=$SECONDS rc
	shift
	rm -rf "$out"
	mkdir -p "$out"
	E2E_OUT=$out "$@" > "$out.log" 2>&1
	rc=$?
	tail -n1 "$out.log"
	if [ $rc = 0 ] && common "$out" "$name"; then
		pass=$((pass + 1))
	else
		failn=$((failn + 1))
	fi
	echo "  $name: $((SECONDS - t0)) s"
}

sysrq_run() {
	local out=$E2E_OUT j
	# shellcheck disable=SC2086
	"$top/scripts/qemu-kdump.sh" --kernel "$k" --cpus "$cpus" --scenario sysrq \
		--arg cpu=32 --out "$out" $QEMU_KDUMP_OPTS || { echo "FAIL sysrq: harness"; return 1; }
	j=$out/report.json
	[[ $(jq -r '.panic.message // ""' "$j") == *"sysrq triggered crash"* ]] &&
		[ "$(jq -r '.panic.cpu' "$j")" = 32 ] || { echo "FAIL sysrq: panic $(jq -c .panic "$j")"; return 1; }
	echo "PASS sysrq ($cpus cpus): panic on CPU 32"
}

for r in "${runs[@]}"; do
	case $r in
	csd-single) one "$r" bash "$e2e/test_csd_hang.sh" "$k" "$cpus" $((cpus - 1)) 0 ;;
	csd-many) one "$r" env CSD_HANG_ARGS="--arg call=many" \
		bash "$e2e/test_csd_hang.sh" "$k" "$cpus" $((cpus * 5 / 8)) 0 ;;
	hard-lockup) one "$r" bash "$e2e/test_hard_lockup.sh" "$k" "$cpus" $((cpus - 1)) ;;
	lock-held) one "$r" bash "$e2e/test_crash_lock_held.sh" "$k" "$cpus" $((cpus - 1)) ;;
	sysrq) one "$r" sysrq_run ;;
	*) echo "unknown run $r"; failn=$((failn + 1)) ;;
	esac
done
echo "test_64cpus $k ($cpus cpus): $pass passed, $failn failed"
[ $failn = 0 ]
