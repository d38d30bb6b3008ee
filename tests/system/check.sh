#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Checks of one tests/system guest run, on the host, after QEMU has exited:
# the console (both boots and the capture boot) and /var/crash read off the
# disk image with e2fsprogs' debugfs (no mount).
#   tests/system/check.sh MODE OUT       MODE: crash | csd-hang
set -uo pipefail
mode=$1
out=$2
con=$out/console.log
fails=0
ok() { echo "  ok   $*"; }
bad() { echo "  FAIL $*"; fails=$((fails + 1)); }
# has PATTERN WHAT: the console has a line matching PATTERN (grep -E).
has() { if grep -qE -- "$1" "$con"; then ok "$2"; else bad "$2 (no /$1/ in $con)"; fi; }
at() { grep -E -m1 -- "$1" "$con" | awk '{print $1}'; }

echo "[check $mode] $out"
has 'SYSTEST: boot 1 multi-user active' "first boot reached multi-user"
has 'SYSTEST: kernel: crashsafe: version .* loaded, record at phys 0x' "crashsafe.ko loaded at boot (DKMS build)"
has 'SYSTEST: validate rc=0' "crashsafe-validate: all checks pass before the crash"
has 'crashsafe: csdextract exit 0 in' "capture boot: csdextract ran on /proc/vmcore before the save"
has 'SYSTEST: boot 2 multi-user active' "second boot reached multi-user"
has 'SYSTEST: journal: crashsafe: new dump .*/dump\.[0-9]{12} in ' "second boot logged the new dump"
has 'SYSTEST: check rc=0' "crashsafe-validate --check passes"
if grep -q 'SYSTEST: journal: .*report made now' "$con"; then
	bad "the report was made at the second boot, not in the capture boot"
fi

# Timings (host seconds since QEMU started, from the console).
t1=$(at 'SYSTEST: boot 1 multi-user'); ta=$(at 'SYSTEST: kdump armed')
tc=$(at "SYSTEST: crash $mode"); tx=$(at 'crashsafe: csdextract exit')
ts=$(at 'saved vmcore in'); t2=$(at 'SYSTEST: boot 2 multi-user'); te=$(at 'SYSTEST: done')
echo "  time: boot 1 multi-user ${t1:-?} s, kdump armed ${ta:-?} s, crash ${tc:-?} s," \
	"capture report ${tx:-?} s, dump saved ${ts:-?} s, boot 2 multi-user ${t2:-?} s, done ${te:-?} s"

rm -rf "$out/crash"
mkdir -p "$out/crash"
debugfs -R "rdump /var/crash $out/crash" "$out/disk.img" > "$out/debugfs.log" 2>&1
d=$(find "$out/crash/crash" -mindepth 1 -maxdepth 1 -type d -name '2*' 2>/dev/null | sort | tail -n1)
if [ -z "$d" ]; then
	bad "no /var/crash/<stamp>/ on the disk image"
	echo "[check $mode] FAIL ($fails)"
	exit 1
fi
stamp=${d##*/}
ok "dump directory /var/crash/$stamp ($(cd "$d" && ls | tr '\n' ' '))"
dump=$d/dump.$stamp
if [ -s "$dump" ] && [ "$(head -c 12 "$dump")" = makedumpfile ]; then
	ok "dump.$stamp is in makedumpfile's flattened format (kdump-tools' -F), $(($(stat -c %s "$dump") / 1048576)) MiB"
else
	bad "dump.$stamp missing or not flattened"
fi
[ -s "$d/dmesg.$stamp" ] && ok "dmesg.$stamp saved" || bad "no dmesg.$stamp"
j=$d/report.json
if ! jq -e . "$j" >/dev/null 2>&1; then
	bad "report.json missing or not JSON"
	echo "[check $mode] FAIL ($fails)"
	exit 1
fi
[ -s "$d/report.txt" ] && ok "report.txt beside the dump" || bad "no report.txt"
q() { jq -r "$1" "$j"; }
[ "$(q '.record.found')/$(q '.record.status')" = true/ok ] &&
	ok "record found ($(q .record.found_by)) at $(q .record.phys), status ok" ||
	bad "record found/status $(q '.record.found')/$(q '.record.status')"
[ "$(q .dump.path)" = /proc/vmcore ] && ok "report made from /proc/vmcore in the capture boot" ||
	bad "report made from $(q .dump.path), not /proc/vmcore"
msg=$(q '.panic.message // ""')
stops=$(q '[.cpus[] | "cpu\(.cpu):\(.stop)"] | join(" ")')
n=$(q '.cpus | length')
[ "$n" = 2 ] && ok "2 CPUs in the report" || bad "$n CPUs in the report, want 2"
if [ "$(q '[.cpus[] | select(.stop == null or .stop == "none")] | length')" = 0 ]; then
	ok "every CPU's stop method: $stops"
else
	bad "CPU without a stop method: $stops"
fi
case $mode in
crash)
	[[ $msg == *"sysrq triggered crash"* ]] && ok "panic message: $msg" || bad "panic message '$msg'"
	# sysrq runs wherever the shell was: the other CPU answers the IPI.
	pc=$(q '.panic.cpu')
	[ "$(q ".cpus[] | select(.cpu == $pc) | .stop")" = panic ] &&
		[ "$(q "[.cpus[] | select(.cpu != $pc) | .stop] | unique | join(\",\")")" = ipi ] &&
		ok "CPU $pc panicked, the other stopped by the regular IPI" ||
		bad "stop methods $stops, want panic on CPU $pc and ipi on the other"
	;;
csd-hang)
	h=$(q '.csd_hangs[] | select(.panicked) | "\(.source_cpu)->\(.target_cpu) \(.func)"' | head -n1)
	[[ $h == "0->1 cs_test_ipi_func+"*"[crashsafe_test_csd]" ]] &&
		ok "CSD hang that panicked: CPU $h" || bad "CSD hang: '${h:-none}', want 0->1 cs_test_ipi_func [crashsafe_test_csd]"
	[[ $msg == *"non-responsive CSD"* ]] && ok "panic message: $msg" || bad "panic message '$msg'"
	[ "$(q '.cpus[] | select(.cpu == 1) | .stop')" = nmi ] &&
		ok "victim CPU 1 stopped by NMI" || bad "CPU 1 stop $(q '.cpus[] | select(.cpu == 1) | .stop'), want nmi"
	;;
esac
[ "$fails" = 0 ] && { echo "[check $mode] PASS"; exit 0; }
echo "[check $mode] FAIL ($fails)"
exit 1
