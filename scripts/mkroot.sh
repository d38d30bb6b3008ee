#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Make (once) a Debian root directory with mmdebstrap and print its path.
#
#   scripts/mkroot.sh SUITE NAME [PKG...]
#
# SUITE: bookworm | trixie | trixie-backports (scripts/apt-suite.sh). The
# root's own /etc/apt/sources.list is the suite's private sources (archive
# and security URIs read from the host's apt configuration at run time), so
# apt inside the root reaches the same mirror. Variant "apt" (Essential,
# apt) plus PKGS.
#
# Cached under $CRASHSAFE_CACHE/roots/NAME-<key> (default ~/.cache/crashsafe),
# where <key> hashes everything the root is made from: suite, sources, the
# sorted package list, this script, MKROOT_VARIANT, and the Date: of the
# release's own Release file in the suite's apt lists (a point release makes
# a new root; -updates and -security moving do not: MKROOT_REFRESH=1 forces
# a new one). Older roots of the same NAME are removed once a new one is
# made. One mmdebstrap per NAME at a time (flock).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CRASHSAFE_CACHE:-$HOME/.cache/crashsafe}
die() { echo "mkroot.sh: $*" >&2; exit 1; }
log() { echo "[mkroot] $*" >&2; }

[ $# -ge 2 ] || { sed -n '3,20s/^# \{0,1\}//p' "$0" >&2; exit 2; }
suite=$1
name=$2
shift 2
[[ $name =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || die "bad NAME '$name'"
[ "$(id -u)" = 0 ] || die "needs root (mmdebstrap in root mode, chroot)"
command -v mmdebstrap >/dev/null || die "mmdebstrap missing (scripts/deps.sh)"
variant=${MKROOT_VARIANT:-apt}
pkgs=$(printf '%s\n' "$@" | sed '/^$/d' | sort -u | paste -sd, -)

apt=$top/scripts/apt-suite.sh
sources=$("$apt" "$suite" sources)
# The suite's lists must exist for the key (apt-suite.sh refreshes them).
"$apt" "$suite" apt-cache policy >/dev/null
rel=${suite%-backports}
lists=$CACHE/apt/$suite/state/lists
relfile=$(compgen -G "$lists/*_dists_${rel}_InRelease" | head -n1) ||
	die "no $rel InRelease in $lists"
reldate=$(sed -n 's/^Date: //p' "$relfile" | head -n1)
[ -n "$reldate" ] || die "no Date: in $relfile"

key=$({
	echo "$suite $variant $pkgs"
	echo "$sources"
	echo "$reldate"
	sha256sum "$0" | cut -d' ' -f1
} | sha256sum | cut -c1-16)
roots=$CACHE/roots
dir=$roots/$name-$key
mkdir -p "$roots"

exec 9>"$roots/.$name.lock"
flock 9
if [ -f "$dir/.crashsafe-root" ] && [ "${MKROOT_REFRESH:-0}" != 1 ]; then
	echo "$dir"
	exit 0
fi

log "mmdebstrap $suite ($variant${pkgs:+, $pkgs}) -> $dir (release of $reldate)"
t0=$SECONDS
tmp=$roots/.tmp-$name-$key
rm -rf "$tmp" "$dir"
srcargs=()
while IFS= read -r l; do srcargs+=("$l"); done <<<"$sources"
if ! mmdebstrap --mode=root --variant="$variant" ${pkgs:+--include="$pkgs"} \
	--aptopt='Acquire::Languages "none"' --dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
	"$rel" "$tmp" "${srcargs[@]}" >"$roots/$name.log" 2>&1; then
	tail -n 30 "$roots/$name.log" >&2
	rm -rf "$tmp"
	die "mmdebstrap failed (log: $roots/$name.log)"
fi
printf 'suite=%s\nvariant=%s\npackages=%s\nrelease_date=%s\nmade=%s\nseconds=%s\n' \
	"$suite" "$variant" "$pkgs" "$reldate" "$(date -u +%FT%TZ)" "$((SECONDS - t0))" \
	>"$tmp/.crashsafe-root"
mv "$tmp" "$dir"
log "root $name made in $((SECONDS - t0)) s"
# Older roots of this NAME are stale now.
for old in "$roots/$name"-*; do
	[ "$old" = "$dir" ] || [ ! -f "$old/.crashsafe-root" ] || rm -rf "$old"
done
echo "$dir"
