#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end on a booted Debian system: the image from tests/system/image.sh
# (Debian's kdump-tools, the crashsafe packages, DKMS-built module) boots
# under QEMU TCG from a virtio disk with crashkernel= and Debian's `quiet`,
# kdump-tools arms the crash kernel, crashsafe-validate --crash/--csd-hang
# crashes it, kdump-tools saves the dump and reboots, the second boot logs
# the dump and powers off. The host then reads /var/crash off the disk image
# with debugfs and checks the dump and the report beside it.
#   tests/system/run.sh RELEASE [MODE...]   MODE: crash (sysrq) | csd-hang
#                                           (default: both)
# Env: DEBDIR (default build/deb; its RELEASE/ when that has the packages),
#      SYSTEM_OUT (default build/system),
#      SYSTEM_TIMEOUT (s per guest run, default 1500), SYSTEM_MEM (MiB, 2048),
#      SYSTEM_CRASHKERNEL (default 256M).
set -uo pipefail
release=$1
shift
modes=("$@")
[ ${#modes[@]} -gt 0 ] || modes=(crash csd-hang)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
debdir=${DEBDIR:-$top/build/deb}
# make deb puts trixie's packages (built against trixie's libkdumpfile) in trixie/
compgen -G "$debdir/$release/crashsafe_*.deb" >/dev/null && debdir=$debdir/$release
outdir=${SYSTEM_OUT:-$top/build/system}
log() { echo "[system $release] $*"; }

t0=$SECONDS
img=$("$here/image.sh" "$release" "$debdir" | tail -n1) && [ -s "$img/disk.img" ] || { log "FAIL: image build"; exit 1; }
log "image $img ($((SECONDS - t0)) s)"
kver=$(cat "$img/kver")

fails=0
for mode in "${modes[@]}"; do
	out=$outdir/$release-$mode
	rm -rf "$out"
	mkdir -p "$out"
	cp --sparse=always "$img/disk.img" "$out/disk.img"
	cmdline="root=/dev/vda rw console=ttyS0 quiet crashkernel=${SYSTEM_CRASHKERNEL:-256M} crashsafe_systest=$mode"
	log "$mode: boot $kver ($cmdline)"
	tq=$SECONDS
	# Every guest run on this machine takes the shared QEMU lock.
	exec 9>>/tmp/crashsafe-qemu.lock
	flock 9
	log "$mode: got the QEMU lock after $((SECONDS - tq)) s"
	tq=$SECONDS
	# Console lines get the host's seconds since QEMU started (timings).
	timeout -s KILL "${SYSTEM_TIMEOUT:-1500}" qemu-system-x86_64 -accel tcg -M q35 -cpu qemu64 \
		-smp 2 -m "${SYSTEM_MEM:-2048}" -nographic \
		-kernel "$img/vmlinuz" -initrd "$img/initrd.img" -append "$cmdline" \
		-drive file="$out/disk.img",if=virtio,format=raw,cache=unsafe -nic none \
		</dev/null 2>"$out/qemu.err" |
		while IFS= read -r l; do printf '%5d %s\n' $((SECONDS - tq)) "${l%$'\r'}"; done > "$out/console.log"
	rc=${PIPESTATUS[0]}
	exec 9>&-
	log "$mode: QEMU exit $rc after $((SECONDS - tq)) s"
	"$here/check.sh" "$mode" "$out" || fails=$((fails + 1))
done
log "total $((SECONDS - t0)) s"
[ "$fails" = 0 ] && { log "PASS"; exit 0; }
log "FAIL ($fails)"
exit 1
