#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end on a booted Debian system: the image from tests/system/image.sh
# (Debian's kdump-tools, the crashsafe packages, DKMS-built module) boots
# under QEMU TCG from a virtio disk with crashkernel= and Debian's `quiet`,
# kdump-tools arms the crash kernel, and the guest driver
# (tests/system/guest/systest) makes the STEPs' crashes one after the other
# in the same image: boot 1 -> crash 1 -> kdump-tools saves the dump and
# reboots -> boot 2 checks dump 1 and makes crash 2 -> ... -> the last boot
# checks the last dump and powers off. One image and one kdump initrd
# generation serve every step. The host then reads /var/crash off the disk
# image with debugfs and checks every dump and the report beside it.
#   tests/system/run.sh RELEASE [STEP...]
#     STEP: crash (sysrq) | reload-csd-hang (module reloaded after
#     kdump-tools armed, then a CSD hang) | savefail (kdump-tools' save
#     fails, the report must be there) | dracut (the capture initramfs is
#     dracut's, with the 99crashsafe module; trixie images only: make
#     test-system-dracut, or add it with SYSTEM_STEPS); default
#     $SYSTEM_STEPS or "crash reload-csd-hang savefail" on trixie,
#     "crash reload-csd-hang" on bookworm.
# Env: DEBDIR (default build/deb; its RELEASE/ when that has the packages),
#      SYSTEM_OUT (default build/system),
#      SYSTEM_TIMEOUT (s for the whole guest run, default 2400), SYSTEM_MEM
#      (MiB, 2048), SYSTEM_CRASHKERNEL (default 256M).
set -uo pipefail
release=$1
shift
steps=("$@")
if [ ${#steps[@]} = 0 ]; then
	if [ -n "${SYSTEM_STEPS:-}" ]; then
		read -ra steps <<< "$SYSTEM_STEPS"
	elif [ "$release" = trixie ]; then
		steps=(crash reload-csd-hang savefail)
	else
		steps=(crash reload-csd-hang)
	fi
fi
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

out=$outdir/$release${SYSTEM_OUT_SUFFIX:-}
rm -rf "$out"
mkdir -p "$out"
cp --sparse=always "$img/disk.img" "$out/disk.img"
list=$(IFS=,; echo "${steps[*]}")
cmdline="root=/dev/vda rw console=ttyS0 quiet crashkernel=${SYSTEM_CRASHKERNEL:-256M} crashsafe_systest=$list"
log "steps ${steps[*]}: boot $kver ($cmdline)"
tq=$SECONDS
# Every guest run on this machine takes the shared QEMU lock.
exec 9>>/tmp/crashsafe-qemu.lock
flock 9
log "got the QEMU lock after $((SECONDS - tq)) s"
tq=$SECONDS
# Console lines get the host's seconds since QEMU started (timings).
timeout -s KILL "${SYSTEM_TIMEOUT:-2400}" qemu-system-x86_64 -accel tcg -M q35 -cpu qemu64 \
	-smp 2 -m "${SYSTEM_MEM:-2048}" -nographic \
	-kernel "$img/vmlinuz" -initrd "$img/initrd.img" -append "$cmdline" \
	-drive file="$out/disk.img",if=virtio,format=raw,cache=unsafe -nic none \
	</dev/null 2>"$out/qemu.err" |
	while IFS= read -r l; do printf '%5d %s\n' $((SECONDS - tq)) "${l%$'\r'}"; done > "$out/console.log"
rc=${PIPESTATUS[0]}
exec 9>&-
log "QEMU exit $rc after $((SECONDS - tq)) s"
if "$here/check.sh" "$out" "${steps[@]}"; then
	log "total $((SECONDS - t0)) s"
	log "PASS"
	exit 0
fi
log "total $((SECONDS - t0)) s"
log "FAIL"
exit 1
