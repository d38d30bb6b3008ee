#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build crashsafe.ko (kernel/) and the test modules (tests/kmod/) for one
# kernel in a private copy of the sources laid out like the tree, so builds
# for several kernels never share object files. Every .ko ends up in OUTDIR.
#   scripts/build-kmod.sh KERNEL OUTDIR
# KERNEL: a name or version for scripts/kernels.sh (6.12, trixie, bpo,
# 7.3.4+deb13-amd64, ...), or a KDIR (a headers directory: built on the host).
# Bookworm kernels build on the host; trixie's and trixie-backports' in the
# trixie tool root (scripts/release-root.sh: gcc-14, trixie's C library for
# their kbuild binaries), with /proc mounted and the kernel cache and the
# build directory bound in at the same paths.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=$2
rel=bookworm
if [ -d "$1" ]; then
	kdir=$1
else
	kdir=$("$top/scripts/kernels.sh" kdir "$1")
	rel=$("$top/scripts/kernels.sh" release "$1")
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
src=$(dirname "$out")/src
mkdir -p "$src/kernel" "$src/include/crashsafe" "$src/tests/kmod"
# Copy only what Kbuild needs; keep timestamps so rebuilds are incremental.
cp -p "$top"/kernel/*.c "$top"/kernel/*.h "$top"/kernel/Kbuild "$src/kernel/"
cp -p "$top"/include/crashsafe/*.h "$src/include/crashsafe/"
cp -p "$top"/tests/kmod/*.c "$top"/tests/kmod/Kbuild "$src/tests/kmod/"
build="make -s -C $kdir M=$src/kernel modules && make -s -C $kdir M=$src/tests/kmod modules"
if [ "$rel" = bookworm ]; then
	sh -c "$build"
else
	root=$("$top/scripts/release-root.sh" "$rel")
	cache=$(cd "$kdir/../../../../.." && pwd) # <cache>/kernels/<kver>/root/usr/src/linux-headers-*
	"$top/scripts/in-root.sh" "$root" --bind "$cache" --bind "$(dirname "$out")" -- sh -c "$build"
fi
cp -p "$src"/kernel/*.ko "$src"/tests/kmod/*.ko "$out/"
