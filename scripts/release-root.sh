#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The project's tool root for a Debian release whose kernels cannot be
# handled with the host's (bookworm's) tools: print its path, making it with
# scripts/mkroot.sh on first use (cached).
#
#   scripts/release-root.sh trixie           kernel modules, capture tools
#   scripts/release-root.sh trixie-userspace csdextract and the .debs
#
# trixie: gcc-14 and what linux-kbuild-*+deb13 needs to build modules for
# trixie's and trixie-backports' kernels (their kbuild binaries need
# trixie's C library), and the capture tools a trixie system has
# (kexec-tools, makedumpfile) for the guests of trixie kernels.
# trixie-userspace: csdextract built against trixie's libkdumpfile (0.5.4,
# which reads flattened dumps itself) and libbpf, and the trixie .debs. A
# root of its own: the module root stays as it is (a changed package list
# makes a new root and removes the old one).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

case "${1:-}" in
trixie)
	exec "$top/scripts/mkroot.sh" trixie trixie-tools \
		gcc-14 make bc pahole libc6-dev binutils libelf1t64 libssl3t64 zlib1g \
		kmod xz-utils zstd kexec-tools makedumpfile
	;;
trixie-userspace)
	exec "$top/scripts/mkroot.sh" trixie trixie-userspace \
		build-essential pkgconf libkdumpfile-dev libbpf-dev debhelper dh-dkms
	;;
*)
	echo "release-root.sh: no tool root for '${1:-}' (trixie, trixie-userspace)" >&2
	exit 2
	;;
esac
