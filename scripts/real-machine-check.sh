#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Check crashsafe end to end on a real machine: load crashsafe.ko for the
# running kernel, check that kdump is armed, and, only with --yes, crash
# the machine with sysrq-c so that kdump saves a dump.  Afterwards (once the
# machine is back) run csdextract on the saved dump.
#   scripts/real-machine-check.sh            checks only
#   scripts/real-machine-check.sh --yes      checks, then CRASHES THE MACHINE
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kver=$(uname -r)
ko=${CRASHSAFE_KO:-$top/build/$kver/kernel/crashsafe.ko}
ok=1
say() { echo "[check] $*"; }
bad() { echo "[check] PROBLEM: $*"; ok=0; }

[ "$(id -u)" = 0 ] || { say "run as root"; exit 1; }
if [ ! -f "$ko" ]; then
	say "building crashsafe.ko for $kver"
	"$top/scripts/build-kmod.sh" "/lib/modules/$kver/build" "$top/build/$kver/kernel" ||
		{ bad "cannot build for $kver (linux-headers-$kver installed?)"; exit 1; }
fi
if grep -q '^crashsafe ' /proc/modules; then
	say "crashsafe.ko already loaded"
else
	insmod "$ko" || bad "insmod $ko failed (dmesg | tail)"
fi
if [ -r /sys/module/crashsafe/parameters/record_phys ]; then
	say "record at phys $(cat /sys/module/crashsafe/parameters/record_phys)"
fi
grep -q 'crashkernel=' /proc/cmdline || bad "no crashkernel= on the kernel command line"
[ "$(cat /sys/kernel/kexec_crash_loaded 2>/dev/null)" = 1 ] ||
	bad "no capture kernel loaded (kdump-config load / kdumpctl start)"
if command -v kdump-config >/dev/null; then
	kdump-config status 2>&1 | sed 's/^/[check] kdump-config: /'
fi
if [ -f /usr/lib/systemd/system/kdump-tools-dump.service.d/crashsafe.conf ] ||
	[ -d /usr/lib/dracut/modules.d/99crashsafe ]; then
	say "capture-side csdextract installed (crashsafe package; crashsafe-validate checks more)"
else
	say "note: csdextract is not in the capture path; run it on the dump afterwards"
fi
[ $ok = 1 ] || { say "not ready: fix the problems above"; exit 1; }
say "ready: crashsafe.ko loaded and kdump armed"
if [ "${1:-}" != --yes ]; then
	say "re-run with --yes to crash this machine now (echo c > /proc/sysrq-trigger)"
	exit 0
fi
say "WARNING: crashing $(hostname) in 10 s (Ctrl-C to abort)"
sleep 10
sync
echo c > /proc/sysrq-trigger
