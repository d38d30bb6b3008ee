#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run a command inside a root made by scripts/mkroot.sh, in a private mount
# namespace (nothing stays mounted afterwards): /proc, /sys, /dev and
# /dev/pts are mounted, each --bind DIR appears at the same path inside,
# (--bind DIR:PATH at PATH), the host's resolv.conf is copied in, and the
# command runs in --cd DIR (default /).
#
#   scripts/in-root.sh ROOT [--bind DIR[:PATH]]... [--cd DIR] -- CMD [ARG...]
#
# Why /proc: 7.x's objtool reads /proc/self/maps; apt and dpkg need it too.
set -euo pipefail
die() { echo "in-root.sh: $*" >&2; exit 1; }

root=${1:?ROOT}
shift
[ -f "$root/.crashsafe-root" ] || [ -x "$root/bin/sh" ] || die "$root is not a root"
binds=()
cwd=/
while [ $# -gt 0 ]; do
	case "$1" in
	--bind)
		case "$2" in
		*:*) binds+=("$(realpath -- "${2%%:*}"):${2#*:}") ;;
		*) b=$(realpath -- "$2"); binds+=("$b:$b") ;;
		esac
		shift 2 ;;
	--cd) cwd=$2; shift 2 ;;
	--) shift; break ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || die "no command"
[ "$(id -u)" = 0 ] || die "needs root"

# The mount namespace's setup runs as a child shell; arguments pass through
# the environment-free positional list.
exec unshare --mount --propagation private -- /bin/bash -euc '
	root=$1 cwd=$2 nb=$3
	shift 3
	mount -t proc proc "$root/proc"
	mount -t sysfs sysfs "$root/sys"
	mount --rbind /dev "$root/dev"
	i=0
	while [ $i -lt "$nb" ]; do
		d=${1#*:}
		mkdir -p "$root$d"
		mount --rbind "${1%%:*}" "$root$d"
		shift
		i=$((i + 1))
	done
	[ -f /etc/resolv.conf ] && cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
	exec chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root TERM="${TERM:-dumb}" LANG=C.UTF-8 /bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
' in-root "$root" "$cwd" "${#binds[@]}" "${binds[@]}" "$@"
