#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build crashsafe.ko (kernel/) and the test modules (tests/kmod/) for one
# kernel in a private copy of the sources laid out like the tree, so builds
# for several kernels never share object files. Every .ko ends up in OUTDIR.
#   scripts/build-kmod.sh KDIR OUTDIR
set -eu
kdir=$1
out=$2
top=$(cd "$(dirname "$0")/.." && pwd)
src=$out/../src
mkdir -p "$out" "$src/kernel" "$src/include/crashsafe" "$src/tests/kmod"
# Copy only what Kbuild needs; keep timestamps so rebuilds are incremental.
cp -p "$top"/kernel/*.c "$top"/kernel/*.h "$top"/kernel/Kbuild "$src/kernel/"
cp -p "$top"/include/crashsafe/*.h "$src/include/crashsafe/"
cp -p "$top"/tests/kmod/*.c "$top"/tests/kmod/Kbuild "$src/tests/kmod/"
make -s -C "$kdir" M="$src/kernel" modules
make -s -C "$kdir" M="$src/tests/kmod" modules
cp -p "$src"/kernel/*.ko "$src"/tests/kmod/*.ko "$out/"
