#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Resolve, fetch and unpack the Debian kernels crashsafe is built and tested
# against.  Nothing here installs a kernel (or headers) on the host: the
# packages are fetched with `apt-get download` (through the project-private
# apt configuration of their suite, scripts/apt-suite.sh) into a cache
# directory and unpacked with `dpkg-deb -x` into one tree per kernel version.
#
#   scripts/kernels.sh list              full versions of all default kernels
#   scripts/kernels.sh names             the short names and what they resolve to
#   scripts/kernels.sh resolve NAME|<full version>
#   scripts/kernels.sh fetch [<ver>...]  download + unpack image, modules and headers
#   scripts/kernels.sh kdir <ver>        print KDIR (fetching if needed)
#   scripts/kernels.sh root <ver>        print the unpacked tree (fetching if needed)
#   scripts/kernels.sh vmlinuz <ver>     print the kernel image path
#   scripts/kernels.sh moddir <ver>      print the modules directory (.../modules/<kver>)
#   scripts/kernels.sh short <ver>       print the short name (6.12, 6.1, trixie, bpo, ...)
#   scripts/kernels.sh suite <ver>       apt suite it comes from (bookworm, trixie-backports)
#   scripts/kernels.sh release <ver>     Debian release it belongs to (bookworm, trixie)
#
# Short names (resolved through apt at run time):
#   6.1          bookworm linux-image-amd64           (6.1.0-*-amd64)
#   6.12         bookworm linux-image-6.12-amd64      (6.12.*+deb12-amd64)
#   trixie       trixie linux-image-amd64             (6.12.*+deb13-amd64)
#   trixie-cloud trixie linux-image-cloud-amd64       (6.12.*+deb13-cloud-amd64)
#   trixie-rt    trixie linux-image-rt-amd64          (6.12.*+deb13-rt-amd64, PREEMPT_RT)
#   bpo          trixie-backports linux-image-amd64   (the newest, 7.3.*+deb13-amd64 today)
#   bpo-cloud, bpo-rt   the same flavours from trixie-backports
# Default kernels (list): 6.12 6.1 trixie bpo.
#
# Environment: CRASHSAFE_CACHE (default ~/.cache/crashsafe),
#              KVERS (overrides the list of default kernels, space separated;
#              short names or full versions).
# Layout:  $CRASHSAFE_CACHE/debs/*.deb
#          $CRASHSAFE_CACHE/kernels/<kver>/root/{boot,lib,usr}
#          KDIR = $CRASHSAFE_CACHE/kernels/<kver>/root/usr/src/linux-headers-<kver>
# Since 7.x Debian ships the image as /usr/lib/modules/<kver>/vmlinuz
# (package linux-binary-<kver>) and the modules under /usr/lib/modules
# (linux-modules-<kver>); `vmlinuz` and `moddir` find either layout.
set -euo pipefail

CACHE=${CRASHSAFE_CACHE:-$HOME/.cache/crashsafe}
DEBS=$CACHE/debs

die() { echo "kernels.sh: $*" >&2; exit 1; }
log() { echo "[kernels] $*" >&2; }

APT_SUITE=$(cd "$(dirname "$0")" && pwd)/apt-suite.sh

# The kernel a meta-package of SUITE depends on, e.g. bookworm
# linux-image-6.12-amd64 -> 6.12.118+deb12-amd64.  With ONLY_FROM, the
# newest version of the meta-package in that suite, not apt's candidate
# (backports are pinned below the release).
meta_dep() {
	local suite=$1 meta=$2 only=${3:-} ver=
	if [ -n "$only" ]; then
		ver=$("$APT_SUITE" "$suite" apt-cache madison "$meta" |
			awk -F ' [|] ' -v s=" $only/" 'index($3, s) { print $2 }' | sort -V | tail -n1)
		[ -n "$ver" ] || return 0
		meta="$meta=$ver"
	fi
	"$APT_SUITE" "$suite" apt-cache depends "$meta" 2>/dev/null |
		sed -n 's/^ *|\{0,1\}Depends: linux-image-\([^ ]*\)$/\1/p' |
		grep -v -- '-unsigned$' | head -n1
}

DEFAULT_NAMES="6.12 6.1 trixie bpo"

resolve_name() {
	case "$1" in
	6.1) meta_dep bookworm linux-image-amd64 ;;
	6.12) meta_dep bookworm linux-image-6.12-amd64 ;;
	trixie) meta_dep trixie linux-image-amd64 ;;
	trixie-cloud) meta_dep trixie linux-image-cloud-amd64 ;;
	trixie-rt) meta_dep trixie linux-image-rt-amd64 ;;
	bpo) meta_dep trixie-backports linux-image-amd64 trixie-backports ;;
	bpo-cloud) meta_dep trixie-backports linux-image-cloud-amd64 trixie-backports ;;
	bpo-rt) meta_dep trixie-backports linux-image-rt-amd64 trixie-backports ;;
	*-amd64) echo "$1" ;;
	*) die "unknown kernel '$1' (6.12, 6.1, trixie, trixie-cloud, trixie-rt, bpo, bpo-cloud, bpo-rt or a full version like 6.1.0-56-amd64)" ;;
	esac
}

resolve() {
	local v
	v=$(resolve_name "$1" | head -n1)
	[ -n "$v" ] || die "cannot resolve kernel '$1' (apt lists: scripts/apt-suite.sh <suite> update)"
	echo "$v"
}

default_kvers() {
	local n
	for n in ${KVERS:-$DEFAULT_NAMES}; do
		resolve "$n"
	done
}

# The suite whose private apt configuration has a kernel's packages:
# +deb13 kernels are trixie's or trixie-backports' (the backports
# configuration has both), everything else is bookworm's.
suite() {
	case "$1" in
	*+deb13-*) echo trixie-backports ;;
	*) echo bookworm ;;
	esac
}

release() {
	case "$1" in
	*+deb13-*) echo trixie ;;
	*) echo bookworm ;;
	esac
}

# Trixie's kernel is 6.12 for its whole life; any other +deb13 kernel is a
# backport.
short() {
	local fl=
	case "$1" in
	*-cloud-amd64) fl=-cloud ;;
	*-rt-amd64) fl=-rt ;;
	esac
	case "$1" in
	6.12.*+deb12-amd64) echo 6.12 ;;
	6.1.*-amd64) echo 6.1 ;;
	6.12.*+deb13-*) echo "trixie$fl" ;;
	*+deb13-*) echo "bpo$fl" ;;
	*) echo "$1" ;;
	esac
}

names() {
	local n
	for n in 6.12 6.1 trixie trixie-cloud trixie-rt bpo bpo-cloud bpo-rt; do
		printf '%-13s %s\n' "$n" "$(resolve "$n" 2>/dev/null || echo '(not resolvable)')"
	done
}

# Depends: and PreDepends: lines of a package (names only, alternatives included).
pkg_deps() {
	"$APT_SUITE" "$(suite "$1")" apt-cache depends "$1" 2>/dev/null |
		sed -n 's/^ *|\{0,1\}\(Pre\)\{0,1\}Depends: \([^ <]*\)$/\2/p'
}

# Exact package names needed for one kernel version: the image (and since
# 7.x the linux-binary/-modules/-base packages it is split into), the
# headers with their common part and kbuild.
packages_for() {
	local kver=$1 d
	echo "linux-image-$kver"
	echo "linux-headers-$kver"
	for d in $(pkg_deps "linux-image-$kver"); do
		case "$d" in
		linux-binary-"$kver" | linux-modules-"$kver" | linux-base-"$kver") echo "$d" ;;
		esac
	done
	for d in $(pkg_deps "linux-headers-$kver"); do
		case "$d" in
		linux-headers-*-common | linux-headers-*-common-* | linux-kbuild-*) echo "$d" ;;
		esac
	done
}

fetch() {
	local kver=$1 top=$CACHE/kernels/$1 f uris
	local root=$top/root suite
	if [ -f "$top/.done" ]; then
		return 0
	fi
	suite=$(suite "$kver")
	mkdir -p "$DEBS"
	local pkgs files=() missing=()
	pkgs=$(packages_for "$kver")
	# Exact file names (name_version_arch.deb) of apt's candidates, so that
	# an older .deb of the same package left in the cache is never used.
	uris=$("$APT_SUITE" "$suite" apt-get download --print-uris $pkgs) ||
		die "cannot find the packages of $kver in $suite: $pkgs"
	while read -r _ f _; do
		files+=("$f")
		[ -s "$DEBS/$f" ] || missing+=("${f%%_*}")
	done <<<"$uris"
	if [ ${#missing[@]} -gt 0 ]; then
		log "downloading ${missing[*]} ($suite)"
		(cd "$DEBS" && "$APT_SUITE" "$suite" apt-get -q download "${missing[@]}" >&2) ||
			die "apt-get download ${missing[*]} failed"
	fi
	rm -rf "$top"
	mkdir -p "$root"
	for f in "${files[@]}"; do
		log "unpacking $f"
		dpkg-deb -x "$DEBS/$f" "$root"
	done
	fix_tree "$kver" "$root"
	[ -n "$(image_of "$kver")" ] || die "no kernel image for $kver in $root"
	touch "$top/.done"
}

# The kernel image in an unpacked tree: /boot/vmlinuz-<kver> up to 6.x,
# /usr/lib/modules/<kver>/vmlinuz (linux-binary-<kver>) since 7.x.
image_of() {
	local root=$CACHE/kernels/$1/root f
	for f in "$root/boot/vmlinuz-$1" "$root/usr/lib/modules/$1/vmlinuz" "$root/lib/modules/$1/vmlinuz"; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
}

moddir_of() {
	local root=$CACHE/kernels/$1/root d
	for d in "$root/lib/modules/$1" "$root/usr/lib/modules/$1"; do
		[ -d "$d/kernel" ] && { echo "$d"; return 0; }
	done
}

# Make the unpacked headers usable as KDIR from where they are: rewrite
# absolute paths (Makefile includes, symlinks) into the cache tree.
fix_tree() {
	local kver=$1 root=$2 l t
	local kdir=$root/usr/src/linux-headers-$kver
	[ -d "$kdir" ] || die "headers for $kver missing in $root"
	# 7.x also names its output directory (KBUILD_OUTPUT=/usr/src/...).
	sed -i -e "s#^include /usr/src/#include $root/usr/src/#" \
		-e "s#^KBUILD_OUTPUT=/usr/src/#KBUILD_OUTPUT=$root/usr/src/#" "$kdir/Makefile"
	while IFS= read -r l; do
		t=$(readlink "$l")
		ln -sfn "$root$t" "$l"
	done < <(find "$root/usr" -type l -lname '/*')
	# The image's modules directory links back to /usr/src; point it here.
	for l in "$root/lib/modules/$kver" "$root/usr/lib/modules/$kver"; do
		[ -d "$l" ] && ln -sfn "$kdir" "$l/build"
	done
	return 0
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
names) names ;;
resolve) resolve "${2:?version}" ;;
short) short "$(resolve "${2:?version}")" ;;
suite) suite "$(resolve "${2:?version}")" ;;
release) release "$(resolve "${2:?version}")" ;;
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
	f=$(image_of "$v"); [ -n "$f" ] || die "no kernel image for $v"
	echo "$f"
	;;
moddir)
	v=$(resolve "${2:?version}"); need_done "$v"
	d=$(moddir_of "$v"); [ -n "$d" ] || die "no modules directory for $v"
	echo "$d"
	;;
*)
	sed -n '3,40s/^# \{0,1\}//p' "$0" >&2
	exit 2
	;;
esac
