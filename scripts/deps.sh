#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what crashsafe needs on a Debian 12 (bookworm) host, each package
# only if missing (apt-get update at most once), then fetch and unpack the
# guest kernels and their headers into the cache (scripts/kernels.sh).
#
# It never installs a linux-image (or linux-headers) package on the host:
# kernels and headers are `apt-get download`ed and unpacked with dpkg-deb -x
# into $CRASHSAFE_CACHE (default ~/.cache/crashsafe).
#
#   scripts/deps.sh            packages + kernels
#   scripts/deps.sh --no-kernels
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
log() { echo "[deps] $*" >&2; }

PKGS=(
	# guest harness
	qemu-system-x86 kexec-tools makedumpfile busybox-static kmod cpio
	xz-utils zstd util-linux coreutils
	# module builds against the unpacked headers; trixie's kernels build in
	# an mmdebstrap root (scripts/mkroot.sh) from the private apt setup
	gcc gcc-12 make libc6-dev bc dwarves mmdebstrap debian-archive-keyring
	# csdextract and its tests (binutils: readelf in the e2e checks)
	libkdumpfile-dev pkg-config jq clang libclang-rt-14-dev binutils libbpf-dev
	# the project's build of trixie's libkdumpfile 0.5.4 (scripts/libkdumpfile.sh)
	# (libdeflate-dev: its zlib pages decoded by libdeflate, scripts/libkdumpfile/)
	autoconf automake libtool zlib1g-dev liblzo2-dev libsnappy-dev libzstd-dev libdeflate-dev patch
	# checkpatch.pl
	perl linux-source-6.12
	# make deb (Debian packages, lintian) and tests/system (mmdebstrap
	# images, ext4 from a directory, debugfs reads of the guest's /var/crash)
	dpkg-dev debhelper dh-dkms lintian fakeroot mmdebstrap e2fsprogs qemu-utils
)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || { log "need root to install: ${missing[*]}"; exit 1; }
	log "installing ${missing[*]}"
	apt-get update -qq
	# Guard: refuse anything that would put a kernel on the host.
	if apt-get install -s --no-install-recommends "${missing[@]}" 2>/dev/null |
		grep -E '^Inst linux-(image|headers)-' >&2; then
		log "refusing: the install would pull a kernel image/headers onto the host"
		exit 1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >&2
	updated=1
else
	log "all packages present"
fi

if [ "${1:-}" != --no-kernels ]; then
	# apt-cache needs package lists to resolve the kernel versions.
	if ! "$top/scripts/kernels.sh" list >/dev/null 2>&1; then
		if [ -z "${updated:-}" ]; then
			log "apt-get update (to resolve kernel versions)"
			apt-get update -qq
		fi
	fi
	"$top/scripts/kernels.sh" fetch
	for v in $("$top/scripts/kernels.sh" list); do
		log "kernel $v: KDIR=$("$top/scripts/kernels.sh" kdir "$v")"
	done
fi

# checkpatch.pl from the Debian source package, unpacked once.
lsrc=${CRASHSAFE_LSRC:-/tmp/lsrc}
if [ ! -f "$lsrc/linux-source-6.12/scripts/checkpatch.pl" ]; then
	log "unpacking checkpatch.pl into $lsrc"
	mkdir -p "$lsrc"
	tar -C "$lsrc" -xf /usr/src/linux-source-6.12.tar.xz linux-source-6.12/scripts
fi
