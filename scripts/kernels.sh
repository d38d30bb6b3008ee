#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Resolve, fetch and unpack the Debian kernels crashsafe is built and tested
# against.  Nothing here installs a kernel (or headers) on the host: the
# packages are fetched with `apt-get download` into a cache directory and
# unpacked with `dpkg-deb -x` into one tree per kernel version.
#
#   scripts/kernels.sh list              full versions of all default kernels
#   scripts/kernels.sh resolve 6.12|6.1|<full version>
#   scripts/kernels.sh fetch <ver>       download + unpack image and headers
#   scripts/kernels.sh kdir <ver>        print KDIR (fetching if needed)
#   scripts/kernels.sh root <ver>        print the unpacked tree (fetching if needed)
#   scripts/kernels.sh vmlinuz <ver>     print the kernel image path
#   scripts/kernels.sh short <ver>       print 6.12 / 6.1
#
# Environment: CRASHSAFE_CACHE (default ~/.cache/crashsafe),
#              KVERS (overrides the list of default kernels, space separated).
# Layout:  $CRASHSAFE_CACHE/debs/*.deb
#          $CRASHSAFE_CACHE/kernels/<kver>/root/{boot,lib,usr}
#          KDIR = $CRASHSAFE_CACHE/kernels/<kver>/root/usr/src/linux-headers-<kver>
set -euo pipefail

CACHE=${CRASHSAFE_CACHE:-$HOME/.cache/crashsafe}
DEBS=$CACHE/debs

die() { echo "kernels.sh: $*" >&2; exit 1; }
log() { echo "[kernels] $*" >&2; }

# The package a meta-package depends on, e.g. linux-image-6.12-amd64 ->
# linux-image-6.12.117+deb12-amd64.
meta_dep() {
	apt-cache depends "$1" 2>/dev/null |
		sed -n 's/^ *|\{0,1\}Depends: linux-image-\([^ ]*\)$/\1/p' |
		grep -v -- '-unsigned$' | head -n1
}

default_kvers() {
	if [ -n "${KVERS:-}" ]; then
		echo "$KVERS" | tr ' ' '\n' | sed '/^$/d'
		return
	fi
	local v
	for meta in linux-image-6.12-amd64 linux-image-amd64; do
		v=$(meta_dep "$meta")
		[ -n "$v" ] || die "cannot resolve $meta with apt-cache depends (apt-get update?)"
		echo "$v"
	done
}

resolve() {
	case "$1" in
	6.12) meta_dep linux-image-6.12-amd64 ;;
	6.1) meta_dep linux-image-amd64 ;;
	*-amd64) echo "$1" ;;
	*) die "unknown kernel '$1' (6.12, 6.1 or a full version like 6.1.0-56-amd64)" ;;
	esac | { read -r v || true; [ -n "${v:-}" ] || die "cannot resolve kernel '$1'"; echo "$v"; }
}

short() {
	case "$1" in
	6.12*) echo 6.12 ;;
	6.1.*) echo 6.1 ;;
	*) echo "$1" ;;
	esac
}

# Depends: lines of a package (names only, alternatives included).
pkg_deps() {
	apt-cache depends "$1" 2>/dev/null | sed -n 's/^ *|\{0,1\}Depends: \([^ <]*\)$/\1/p'
}

# Exact package names needed for one kernel version.
packages_for() {
	local kver=$1 hdr=linux-headers-$1 d
	echo "linux-image-$kver"
	echo "$hdr"
	for d in $(pkg_deps "$hdr"); do
		case "$d" in
		linux-headers-*-common | linux-kbuild-*) echo "$d" ;;
		esac
	done
}

have_deb() {
	compgen -G "$DEBS/${1}_*.deb" >/dev/null
}

fetch() {
	local kver=$1 top=$CACHE/kernels/$1 p missing=()
	local root=$top/root
	if [ -f "$top/.done" ]; then
		return 0
	fi
	mkdir -p "$DEBS"
	local pkgs
	pkgs=$(packages_for "$kver")
	for p in $pkgs; do
		have_deb "$p" || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		log "downloading ${missing[*]}"
		(cd "$DEBS" && apt-get download "${missing[@]}" >&2) ||
			die "apt-get download ${missing[*]} failed"
	fi
	rm -rf "$top"
	mkdir -p "$root"
	for p in $pkgs; do
		local f
		f=$(compgen -G "$DEBS/${p}_*.deb" | sort -V | tail -n1)
		log "unpacking $(basename "$f")"
		dpkg-deb -x "$f" "$root"
	done
	fix_tree "$kver" "$root"
	touch "$top/.done"
}

# Make the unpacked headers usable as KDIR from where they are: rewrite
# absolute paths (Makefile includes, symlinks) into the cache tree.
fix_tree() {
	local kver=$1 root=$2 l t
	local kdir=$root/usr/src/linux-headers-$kver
	[ -d "$kdir" ] || die "headers for $kver missing in $root"
	sed -i "s#^include /usr/src/#include $root/usr/src/#" "$kdir/Makefile"
	while IFS= read -r l; do
		t=$(readlink "$l")
		ln -sfn "$root$t" "$l"
	done < <(find "$root/usr" -type l -lname '/*')
	# The image's modules directory links back to /usr/src; point it here.
	if [ -d "$root/lib/modules/$kver" ]; then
		ln -sfn "$kdir" "$root/lib/modules/$kver/build"
	fi
}

# One fetch per kernel at a time: parallel builds and tests share the cache.
locked_fetch() {
	mkdir -p "$CACHE/kernels"
	(
		flock 9
		fetch "$1"
	) 9>"$CACHE/kernels/.$1.lock"
}

need_done() {
	[ -f "$CACHE/kernels/$1/.done" ] || locked_fetch "$1"
}

cmd=${1:-}
case "$cmd" in
list) default_kvers ;;
resolve) resolve "${2:?version}" ;;
short) short "$(resolve "${2:?version}")" ;;
fetch)
	shift
	if [ $# -eq 0 ]; then set -- $(default_kvers); fi
	for v in "$@"; do locked_fetch "$(resolve "$v")"; done
	;;
kdir)
	v=$(resolve "${2:?version}"); need_done "$v"
	echo "$CACHE/kernels/$v/root/usr/src/linux-headers-$v"
	;;
root)
	v=$(resolve "${2:?version}"); need_done "$v"
	echo "$CACHE/kernels/$v/root"
	;;
vmlinuz)
	v=$(resolve "${2:?version}"); need_done "$v"
	echo "$CACHE/kernels/$v/root/boot/vmlinuz-$v"
	;;
*)
	sed -n '3,20s/^# \{0,1\}//p' "$0" >&2
	exit 2
	;;
esac
