#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build (or reuse) a bootable Debian system image for tests/system/run.sh.
#   tests/system/image.sh RELEASE DEBDIR     RELEASE: trixie | bookworm
# Prints the image directory: disk.img (ext4, the whole root file system,
# booted as /dev/vda), vmlinuz, initrd.img, kver.
#
# Two cached layers under $CRASHSAFE_CACHE/system (default
# ~/.cache/crashsafe/system), each named by a key of everything it is made
# from:
#   base-<release>-<key>.tar   mmdebstrap: systemd, that release's
#                              linux-image-amd64 + headers, dkms, then
#                              kdump-tools/makedumpfile/kexec-tools (after the
#                              kernel: bookworm's kdump-tools kernel hook has
#                              no chroot check). Key: release, this script,
#                              the package lists.
#   <release>-<key>/           base + the .debs of `make deb` (DKMS builds
#                              crashsafe.ko in the image) + the test unit.
#                              Key: base key, the .debs, tests/system/guest/*.
# The mirror is the host's own (scripts/debian-mirror.sh).
set -euo pipefail
release=$1
debdir=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${CRASHSAFE_CACHE:-$HOME/.cache/crashsafe}/system
mkdir -p "$cache"
log() { echo "[image $release] $*" >&2; }

BASE_PKGS="systemd-sysv,udev,kmod,initramfs-tools,linux-image-amd64,linux-headers-amd64,dkms,make,jq,procps,e2fsprogs,zstd"
KDUMP_PKGS="kdump-tools makedumpfile kexec-tools"

bkey=$( { echo "$release $BASE_PKGS $KDUMP_PKGS"; sed -n '1,/^# ---- end of base/p' "$0"; } |
	sha256sum | cut -c1-16)
base=$cache/base-$release-$bkey.tar

if [ ! -s "$base" ]; then
	mirror=$("$top/scripts/debian-mirror.sh")
	log "mmdebstrap base ($BASE_PKGS; then $KDUMP_PKGS)"
	t0=$SECONDS
	mmdebstrap --mode=root --variant=apt --format=tar \
		--aptopt='APT::Install-Recommends "false"' \
		--include="$BASE_PKGS" \
		--customize-hook="chroot \"\$1\" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $KDUMP_PKGS" \
		--customize-hook='chroot "$1" apt-get clean' \
		"$release" "$base.tmp" "$mirror" > "$cache/base-$release.log" 2>&1 ||
		{ tail -n 30 "$cache/base-$release.log" >&2; rm -f "$base.tmp"; exit 1; }
	mv "$base.tmp" "$base"
	log "base ready in $((SECONDS - t0)) s ($(du -m "$base" | cut -f1) MiB)"
fi
# ---- end of base

key=$( { echo "$bkey"; sha256sum "$debdir"/crashsafe_*.deb "$debdir"/crashsafe-dkms_*.deb | cut -c1-64;
	cat "$here"/guest/* "$0"; } | sha256sum | cut -c1-16)
img=$cache/$release-$key
if [ -s "$img/disk.img" ]; then
	log "cached: $img"
	echo "$img"
	exit 0
fi

t0=$SECONDS
work=$cache/.work-$release-$$
rm -rf "$work"
mkdir -p "$work/root"
trap 'rm -rf "$work"' EXIT
tar -C "$work/root" --numeric-owner --xattrs -xpf "$base"
root=$work/root
mkdir -p "$root/tmp/debs"
cp "$debdir"/crashsafe_*.deb "$debdir"/crashsafe-dkms_*.deb "$root/tmp/debs/"
install -m 755 "$here/guest/systest" "$root/usr/local/sbin/crashsafe-systest"
install -m 644 "$here/guest/crashsafe-systest.service" "$root/etc/systemd/system/"
echo "/dev/vda / ext4 rw,errors=remount-ro 0 1" > "$root/etc/fstab"
echo "crashsafe-$release" > "$root/etc/hostname"

cp /etc/resolv.conf "$root/etc/resolv.conf"
# In a private mount namespace: /proc, /sys, /dev for dpkg and DKMS.
log "install the packages (DKMS builds crashsafe.ko), reinstall, purge, install again"
unshare -m bash -euo pipefail -c '
	root=$1
	mount -t proc proc "$root/proc"
	mount -t sysfs sys "$root/sys"
	mount --rbind /dev "$root/dev"
	c() { chroot "$root" env DEBIAN_FRONTEND=noninteractive PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
	c apt-get update -q
	# As a site would: apt resolves the dependencies (libkdumpfile);
	# openssl lets DKMS make its MOK key and sign the modules.
	c sh -c "apt-get install -y -q --no-install-recommends openssl /tmp/debs/crashsafe-dkms_*.deb /tmp/debs/crashsafe_*.deb"
	c sh -c "apt-get install -y -q --reinstall /tmp/debs/crashsafe-dkms_*.deb /tmp/debs/crashsafe_*.deb"
	c dpkg --purge crashsafe crashsafe-dkms
	left=$(cd "$root" && ls -d usr/src/crashsafe-* etc/default/crashsafe etc/modprobe.d/crashsafe.conf \
		etc/modules-load.d/crashsafe.conf usr/lib/crashsafe var/lib/crashsafe \
		lib/modules/*/updates/dkms/crashsafe* 2>/dev/null || true)
	[ -z "$left" ] || { echo "purge left: $left"; exit 1; }
	! grep -q crashsafe "$root/etc/default/kdump-tools" || { echo "purge left the hint in kdump-tools"; exit 1; }
	echo "purge: clean"
	c sh -c "apt-get install -y -q /tmp/debs/crashsafe-dkms_*.deb /tmp/debs/crashsafe_*.deb"
	if [ "$2" = trixie ]; then
		# dracut (dracut-core: the tool, beside initramfs-tools) and an
		# initramfs with the 99crashsafe module of the package for the
		# "dracut" step: kdump-tools loads it as the capture initramfs.
		c apt-get install -y -q --no-install-recommends dracut-core
		for k in "$root"/lib/modules/*/; do
			kv=$(basename "$k")
			mkdir -p "$root/var/lib/kdump/dracut"
			c dracut --no-hostonly -m "base rootfs-block kernel-modules udev-rules crashsafe" \
				--drivers "virtio_pci virtio_blk ext4" --force \
				"/var/lib/kdump/dracut/initrd.img-$kv" "$kv" > "$root/tmp/dracut.log" 2>&1 ||
				{ tail -n 30 "$root/tmp/dracut.log"; echo "dracut failed for $kv"; exit 1; }
			c lsinitrd "/var/lib/kdump/dracut/initrd.img-$kv" > "$root/tmp/lsinitrd.txt"
			for f in usr/sbin/csdextract usr/bin/crashsafe-kdump-capture "hooks/pre-pivot/00-crashsafe-hook.sh"; do
				grep -q " $f\$" "$root/tmp/lsinitrd.txt" ||
					grep -q "/$f\$" "$root/tmp/lsinitrd.txt" ||
					{ echo "dracut: $f not in the initramfs"; grep -i crashsafe "$root/tmp/lsinitrd.txt"; exit 1; }
			done
			echo "dracut $(c dracut --version 2>/dev/null | head -n1): initramfs for $kv with module crashsafe" \
				"($(du -k "$root/var/lib/kdump/dracut/initrd.img-$kv" | cut -f1) KiB):" \
				"$(grep -oE "[^ ]*(csdextract|crashsafe-kdump-capture|crashsafe-hook.sh)\$" "$root/tmp/lsinitrd.txt" | tr "\n" " ")"
			rm -f "$root/tmp/dracut.log" "$root/tmp/lsinitrd.txt"
		done
	fi
	c apt-get clean
	rm -rf "$root"/var/lib/apt/lists/*
	for u in kdump-tools.service.wants/crashsafe-kdump-hint.service \
		multi-user.target.wants/crashsafe-report.service; do
		[ -L "$root/etc/systemd/system/$u" ] || { echo "package did not enable $u"; exit 1; }
	done
	echo "units enabled by the package: crashsafe-kdump-hint, crashsafe-report"
	c systemctl enable crashsafe-systest.service
	c sed -i "s/^USE_KDUMP=.*/USE_KDUMP=1/" /etc/default/kdump-tools
	# The kdump initrd is MODULES=dep, worked out from the machine it is
	# made on: name the guest disk and root fs drivers so that an initrd made
	# here (not in the guest) boots the guest too.
	printf "virtio_pci\nvirtio_blk\next4\n" >> "$root/etc/initramfs-tools/modules"
	# The kdump initrd at image time where kdump-tools allows it (bookworm
	# 1.8.x; trixie 1.10.x skips chroots and makes it at first boot).
	for k in "$root"/lib/modules/*/; do
		{ c /etc/kernel/postinst.d/kdump-tools "$(basename "$k")" 2>&1 ||
			echo "hook failed ($?): made at first boot"; } | sed "s/^/kdump initrd: /"
		[ -e "$root/var/lib/kdump/initrd.img-$(basename "$k")" ] &&
			echo "kdump initrd: made at image time for $(basename "$k")" ||
			echo "kdump initrd: none at image time for $(basename "$k") (first boot makes it)"
	done
	for k in "$root"/lib/modules/*/; do
		kv=$(basename "$k")
		ls "$k"updates/dkms/crashsafe.ko* "$k"updates/dkms/crashsafe_test_csd.ko* >/dev/null ||
			{ echo "no DKMS crashsafe.ko for $kv"; exit 1; }
		echo "DKMS built for $kv: $(cd "$k"updates/dkms && ls | tr "\n" " ")"
		echo "DKMS signature: $(c modinfo -F signer "/lib/modules/$kv/updates/dkms/crashsafe.ko.xz" 2>/dev/null ||
			c modinfo -F signer "/lib/modules/$kv/updates/dkms/crashsafe.ko")"
	done
' _ "$root" "$release" > "$work/install.log" 2>&1 || { tail -n 40 "$work/install.log" >&2; exit 1; }
grep -E "^(purge|units enabled|DKMS built|DKMS signature|kdump initrd|dracut)" "$work/install.log" | sed "s/^/[image $release] /" >&2

rm -rf "$root/tmp/debs"
: > "$root/etc/resolv.conf"
mkdir -p "$img.tmp"
kver=$(cd "$root/lib/modules" && ls | sort -V | tail -n1)
cp "$root/boot/vmlinuz-$kver" "$img.tmp/vmlinuz"
cp "$root/boot/initrd.img-$kver" "$img.tmp/initrd.img"
echo "$kver" > "$img.tmp/kver"
cp "$work/install.log" "$img.tmp/"
mkfs.ext4 -q -F -L root -d "$root" "$img.tmp/disk.img" "${SYSTEM_DISK_SIZE:-4G}" >&2
rm -rf "$img"
mv "$img.tmp" "$img"
log "image ready in $((SECONDS - t0)) s: $img (kernel $kver)"
echo "$img"
