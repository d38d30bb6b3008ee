#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build csdextract for a Debian release other than the host's, in that
# release's userspace root (scripts/release-root.sh), against the release's
# own libkdumpfile and libbpf, and print the binary's path.
#
#   scripts/csdextract-release.sh trixie [OUTDIR]
#
# trixie: libkdumpfile 0.5.4 (reads flattened dumps itself), libbpf 1.5,
# trixie's C library: the binary for the capture initramfs of trixie and
# trixie-backports guests (scripts/qemu-kdump.sh). Default OUTDIR:
# $CRASHSAFE_BUILD/csdextract-<release> (default <repo>/build/...). The
# sources are copied there with their times (make rebuilds what changed).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
rel=${1:?release (trixie)}
out=${2:-${CRASHSAFE_BUILD:-$top/build}/csdextract-$rel}
case "$rel" in
trixie) ;;
*) echo "csdextract-release.sh: no userspace root for '$rel' (trixie)" >&2; exit 2 ;;
esac
root=$("$top/scripts/release-root.sh" "$rel-userspace")
mkdir -p "$out"
out=$(cd "$out" && pwd)
(cd "$top" && tar -cf - include userspace/*.c userspace/*.h userspace/Makefile) |
	tar -C "$out" -xf -
# LIBKDUMPFILE=system: the root's libkdumpfile-dev (never the host's build).
"$top/scripts/in-root.sh" "$root" --bind "$out" --cd "$out/userspace" -- \
	make -s LIBKDUMPFILE=system csdextract >&2
"$top/scripts/in-root.sh" "$root" --bind "$out" -- "$out/userspace/csdextract" --version >&2 ||
	true
echo "$out/userspace/csdextract"
