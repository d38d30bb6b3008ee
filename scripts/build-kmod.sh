#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build crashsafe.ko and the test modules for one kernel in a private copy
# of the sources, so builds for several kernels never share object files.
#   scripts/build-kmod.sh KDIR OUTDIR
set -eu
kdir=$1
out=$2
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
# Copy only what Kbuild needs; keep timestamps so rebuilds are incremental.
cp -p "$top"/kernel/*.c "$top"/kernel/*.h "$top"/kernel/Kbuild "$out"/
mkdir -p "$out/../include/crashsafe"
cp -p "$top"/include/crashsafe/*.h "$out/../include/crashsafe/"
make -s -C "$kdir" M="$out" modules
