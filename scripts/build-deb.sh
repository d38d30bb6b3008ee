#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make deb: build crashsafe and crashsafe-dkms (.deb) from a copy of the
# tree in $OUT/src, so dpkg-buildpackage puts its products in $OUT and never
# beside the worktree; then run lintian on them (errors fail the build).
# Two builds, one per Debian release, each against that release's own
# libkdumpfile (the package's csdextract links the distribution's shared
# library, never the project's private build):
#   OUT/          bookworm's, built on the host (libkdumpfile 0.5.1:
#                 flattened dumps rearranged in memory)
#   OUT/trixie/   trixie's, built in the trixie-userspace root
#                 (scripts/release-root.sh; libkdumpfile 0.5.4 reads
#                 flattened dumps itself)
#   scripts/build-deb.sh [OUT]      default build/deb
#   DEB_RELEASES="bookworm trixie"  (default) which ones
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/deb}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# copy_src DIR: the packaging's view of the tree.
copy_src() {
	rm -rf "$1"
	mkdir -p "$1"
	(cd "$top" && tar -cf - debian kernel include tests/kmod userspace/*.c userspace/*.h \
		userspace/Makefile userspace/csdextract.1 scripts/crashsafe-validate scripts/crashsafe-validate.8 \
		scripts/kdump) | tar -C "$1" -xf -
}

# lint DIR: lintian errors fail (kept warnings: debian/lintian-notes.md).
lint() {
	lintian --fail-on error "$1"/*.changes | tee "$1/lintian.txt" ||
		{ echo "[deb] lintian errors ($1)"; exit 1; }
}

for rel in ${DEB_RELEASES:-bookworm trixie}; do
	case "$rel" in
	bookworm)
		d=$out
		rm -rf "$d"/*.deb "$d"/*.buildinfo "$d"/*.changes
		copy_src "$d/src"
		(cd "$d/src" && LIBKDUMPFILE=system dpkg-buildpackage -us -uc -b) > "$d/build.log" 2>&1 ||
			{ tail -n 40 "$d/build.log"; echo "[deb] bookworm: dpkg-buildpackage failed ($d/build.log)"; exit 1; }
		;;
	trixie)
		d=$out/trixie
		mkdir -p "$d"
		rm -rf "$d"/*.deb "$d"/*.buildinfo "$d"/*.changes
		copy_src "$d/src"
		root=$("$top/scripts/release-root.sh" trixie-userspace)
		"$top/scripts/in-root.sh" "$root" --bind "$d" --cd "$d/src" -- \
			env LIBKDUMPFILE=system dpkg-buildpackage -us -uc -b > "$d/build.log" 2>&1 ||
			{ tail -n 40 "$d/build.log"; echo "[deb] trixie: dpkg-buildpackage failed ($d/build.log)"; exit 1; }
		;;
	*) echo "[deb] unknown release '$rel' (bookworm, trixie)"; exit 1 ;;
	esac
	ls "$d"/*.deb
	lint "$d"
	echo "[deb] $rel ok: $(cd "$d" && ls *.deb | tr '\n' ' ')($(dpkg-deb -f "$d"/crashsafe_*_amd64.deb Depends | grep -o 'libkdumpfile[^,]*'))"
done
