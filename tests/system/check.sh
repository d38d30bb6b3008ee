#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Checks of one tests/system guest run, on the host, after QEMU has exited:
# the console (every boot and capture boot) and /var/crash read off the
# disk image with e2fsprogs' debugfs (no mount).
#   tests/system/check.sh OUT STEP...     STEP: crash | reload-csd-hang |
#                                         savefail | dracut, in run order
# Boot i makes crash i (step i); its capture boot writes the report into
# /var/crash/<stamp>/, which the capture console line names; boot i+1
# checks the dump.
set -uo pipefail
out=$1
shift
steps=("$@")
con=$out/console.log
fails=0
ok() { echo "  ok   $*"; }
bad() { echo "  FAIL $*"; fails=$((fails + 1)); }
# has FILE PATTERN WHAT: FILE has a line matching PATTERN (grep -E).
has() { if grep -qE -- "$2" "$1"; then ok "$3"; else bad "$3 (no /$2/)"; fi; }
at() { grep -E -m1 -- "$1" "$2" | awk '{print $1}'; }

echo "[check] $out: ${steps[*]}"
rm -rf "$out/crash"
mkdir -p "$out/crash"
debugfs -R "rdump /var/crash $out/crash" "$out/disk.img" > "$out/debugfs.log" 2>&1

i=0
for step in "${steps[@]}"; do
	i=$((i + 1))
	n=$((i + 1))
	echo "[check] step $i: $step (boot $i crashes, boot $n checks)"
	# This step's part of the console: from boot i's first line to boot
	# n's last line (boot i, its capture boot, boot n).
	seg=$out/console-step$i.log
	awk -v a="SYSTEST: boot $i " -v b="SYSTEST: boot $((n + 1)) " \
		'index($0, a) { on = 1 } index($0, b) { on = 0 } on' "$con" > "$seg"
	cap=$out/console-capture$i.log
	awk -v a="SYSTEST: boot $i crash " -v b="SYSTEST: boot $n " \
		'index($0, a) { on = 1 } index($0, b) { on = 0 } on' "$con" > "$cap"
	has "$seg" "SYSTEST: boot $i multi-user active" "boot $i reached multi-user"
	has "$seg" "SYSTEST: boot $i kernel: crashsafe: version .* loaded, record at phys 0x" \
		"boot $i: crashsafe.ko loaded at boot (DKMS build)"
	has "$seg" "SYSTEST: boot $i validate rc=0" "boot $i: crashsafe-validate: all checks pass before the crash"
	has "$cap" 'crashsafe: csdextract exit 0 in .* report in /var/crash/2[0-9]{11}/report.txt' \
		"capture boot $i: csdextract ran on /proc/vmcore before the save, report in /var/crash/<stamp>"
	has "$seg" "SYSTEST: boot $n multi-user active" "boot $n (after the capture) reached multi-user"
	if [ "$step" = savefail ]; then
		has "$cap" 'SYSTEST: capture: /var/crash is read-only now' "capture boot $i: /var/crash made read-only after the report step"
		has "$cap" 'failed to save vmcore in /var/crash/' "capture boot $i: kdump-tools' save failed"
		has "$seg" "SYSTEST: boot $n journal: crashsafe: new dump \(not saved\) in /var/crash/2[0-9]{11}: record ok; panic: sysrq triggered crash" \
			"boot $n logged the dump that was not saved, verdict from the capture report"
		has "$seg" "SYSTEST: boot $n FAIL +no dump file in" "boot $n: crashsafe-validate --check says the dump is missing"
	else
		has "$seg" "SYSTEST: boot $n journal: crashsafe: new dump .*/dump\.[0-9]{12} in " "boot $n logged the new dump"
		has "$seg" "SYSTEST: boot $n check rc=0" "boot $n: crashsafe-validate --check passes"
	fi
	if grep -q "SYSTEST: boot $n journal: .*report made now" "$seg"; then
		bad "the report of crash $i was made at boot $n, not in the capture boot"
	fi
	t1=$(at "SYSTEST: boot $i multi-user" "$seg"); ta=$(at "SYSTEST: boot $i kdump armed" "$seg")
	tc=$(at "SYSTEST: boot $i crash " "$seg"); tx=$(at 'crashsafe: csdextract exit' "$cap")
	ts=$(at 'saved vmcore in|failed to save vmcore' "$cap"); t2=$(at "SYSTEST: boot $n multi-user" "$seg")
	echo "  time: boot $i multi-user ${t1:-?} s, kdump armed ${ta:-?} s, crash ${tc:-?} s," \
		"capture report ${tx:-?} s, dump saved/failed ${ts:-?} s, boot $n multi-user ${t2:-?} s"

	stamp=$(grep -oE -m1 'report in /var/crash/2[0-9]{11}/' "$cap" | grep -oE '2[0-9]{11}')
	d=$out/crash/crash/$stamp
	if [ -z "$stamp" ] || [ ! -d "$d" ]; then
		bad "no /var/crash/<stamp>/ of crash $i on the disk image"
		continue
	fi
	ok "dump directory /var/crash/$stamp ($(cd "$d" && ls | tr '\n' ' '))"
	dump=$d/dump.$stamp
	if [ "$step" = savefail ]; then
		if ls "$d"/dump.* "$d"/vmcore.* >/dev/null 2>&1; then
			bad "a dump file was saved although /var/crash was read-only"
		else
			ok "no dump file (the save failed), the report is there anyway"
		fi
	else
		if [ -s "$dump" ] && [ "$(head -c 12 "$dump")" = makedumpfile ]; then
			ok "dump.$stamp is in makedumpfile's flattened format (kdump-tools' -F), $(($(stat -c %s "$dump") / 1048576)) MiB"
		else
			bad "dump.$stamp missing or not flattened"
		fi
		[ -s "$d/dmesg.$stamp" ] && ok "dmesg.$stamp saved" || bad "no dmesg.$stamp"
	fi
	j=$d/report.json
	if ! jq -e . "$j" >/dev/null 2>&1; then
		bad "report.json missing or not JSON"
		continue
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
	nc=$(q '.cpus | length')
	[ "$nc" = 2 ] && ok "2 CPUs in the report" || bad "$nc CPUs in the report, want 2"
	if [ "$(q '[.cpus[] | select(.stop == null or .stop == "none")] | length')" = 0 ]; then
		ok "every CPU's stop method: $stops"
	else
		bad "CPU without a stop method: $stops"
	fi
	case $step in
	crash|savefail|dracut)
		[[ $msg == *"sysrq triggered crash"* ]] && ok "panic message: $msg" || bad "panic message '$msg'"
		# sysrq runs wherever the shell was: the other CPU answers the IPI.
		pc=$(q '.panic.cpu')
		[ "$(q ".cpus[] | select(.cpu == $pc) | .stop")" = panic ] &&
			[ "$(q "[.cpus[] | select(.cpu != $pc) | .stop] | unique | join(\",\")")" = ipi ] &&
			ok "CPU $pc panicked, the other stopped by the regular IPI" ||
			bad "stop methods $stops, want panic on CPU $pc and ipi on the other"
		;;
	esac
	case $step in
	dracut)
		has "$seg" "SYSTEST: boot $i capture initramfs: --initrd=/var/lib/kdump/dracut/initrd.img-[^ ]* \(armed 1\)" \
			"boot $i: kdump-tools armed with the dracut initramfs (99crashsafe module)"
		has "$cap" 'crashsafe: csdextract exit 0 in .* report in /run/crashsafe/2[0-9]{11}/report.txt' \
			"capture boot $i: the dracut pre-pivot hook ran csdextract on /proc/vmcore"
		dj=$(find "$out/crash/crash/dracut-run" -name report.json 2>/dev/null | head -n1)
		if [ -n "$dj" ] && [ "$(jq -r '"\(.record.found)/\(.record.status)/\(.dump.path)"' "$dj")" = true/ok//proc/vmcore ] &&
			[[ $(jq -r '.panic.message // ""' "$dj") == *"sysrq triggered crash"* ]]; then
			ok "the dracut hook's report (${dj#"$out/crash/crash/"}): record found ($(jq -r .record.found_by "$dj")), ok, from /proc/vmcore, sysrq panic"
		else
			bad "no good report from the dracut hook (${dj:-no dracut-run/*/report.json})"
		fi
		;;
	reload-csd-hang)
		h=$(q '.csd_hangs[] | select(.panicked) | "\(.source_cpu)->\(.target_cpu) \(.func)"' | head -n1)
		[[ $h == "0->1 cs_test_ipi_func+"*"[crashsafe_test_csd]" ]] &&
			ok "CSD hang that panicked: CPU $h" || bad "CSD hang: '${h:-none}', want 0->1 cs_test_ipi_func [crashsafe_test_csd]"
		[[ $msg == *"non-responsive CSD"* ]] && ok "panic message: $msg" || bad "panic message '$msg'"
		[ "$(q '.cpus[] | select(.cpu == 1) | .stop')" = nmi ] &&
			ok "victim CPU 1 stopped by NMI" || bad "CPU 1 stop $(q '.cpus[] | select(.cpu == 1) | .stop'), want nmi"
		# The module was reloaded after kdump-tools had armed the crash
		# kernel: the record moved, and the capture kernel's command line
		# must name the new place.
		mv=$(grep -oE -m1 "SYSTEST: boot $i reloaded: record moved 0x[0-9a-f]+ -> 0x[0-9a-f]+" "$seg")
		old=$(echo "$mv" | awk '{print $7}'); new=$(echo "$mv" | awk '{print $9}')
		if [ -n "$old" ] && [ -n "$new" ] && [ "$old" != "$new" ]; then
			ok "boot $i: module reloaded after kdump-tools armed, record moved $old -> $new"
		else
			bad "boot $i: the record did not move on reload ('${mv:-no reload line}')"
		fi
		has "$seg" "SYSTEST: boot $i capture command line after the reload: crashsafe.record=${new:-none} \(armed 1" \
			"boot $i: kdump-tools re-armed with crashsafe.record=${new:-?} (install hook -> kdump-hint --reload)"
		rp=$(q '.record.phys')
		if [ "$(q .record.found_by)" = cmdline ] && [ -n "$new" ] && [[ $rp == 0x* ]] &&
			[ $((rp)) = $((new)) ]; then
			ok "record found (cmdline) at the new place $rp"
		else
			bad "record found by $(q .record.found_by) at $rp, want cmdline at ${new:-?}"
		fi
		;;
	esac
	rel=$(q .kernel.release)
done
# csdextract runs as root (the capture boot's unit has no $HOME) keep the
# kernel schema in /var/cache/csdextract: the capture's JSON run and every
# later run on the machine are cached runs. A schema file names its build.
rm -rf "$out/csdextract"
debugfs -R "rdump /var/cache/csdextract $out" "$out/disk.img" >> "$out/debugfs.log" 2>&1
sch=$(grep -l "^csdextract-schema [0-9]* [0-9a-f]* ${rel:-?}\$" "$out"/csdextract/*.schema 2>/dev/null | head -n 1)
[ -n "$sch" ] && ok "kernel schema left in /var/cache/csdextract ($(basename "$sch"), $(wc -l < "$sch") lines)" ||
	bad "no schema of ${rel:-?} in /var/cache/csdextract ($(ls "$out/csdextract" 2>&1 | tr '\n' ' '))"
[ "$fails" = 0 ] && { echo "[check] PASS"; exit 0; }
echo "[check] FAIL ($fails)"
exit 1
