#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make deb: build crashsafe and crashsafe-dkms (.deb) from a copy of the
# tree in $OUT/src, so dpkg-buildpackage puts its products in $OUT and never
# beside the worktree; then run lintian on them (errors fail the build).
#   scripts/build-deb.sh [OUT]      default build/deb
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/deb}
src=$out/src
rm -rf "$src" "$out"/*.deb "$out"/*.buildinfo "$out"/*.changes
mkdir -p "$src"
(cd "$top" && tar -cf - debian kernel include tests/kmod userspace/*.c userspace/*.h \
	userspace/Makefile userspace/csdextract.1 scripts/crashsafe-validate scripts/crashsafe-validate.8 \
	scripts/kdump) | tar -C "$src" -xf -
(cd "$src" && dpkg-buildpackage -us -uc -b) > "$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log"; echo "[deb] dpkg-buildpackage failed ($out/build.log)"; exit 1; }
ls "$out"/*.deb
# Warnings kept on purpose are listed in debian/lintian-notes.md.
lintian --fail-on error \
	"$out"/*.changes | tee "$out/lintian.txt" || { echo "[deb] lintian errors"; exit 1; }
echo "[deb] ok: $(cd "$out" && ls *.deb | tr '\n' ' ')"
