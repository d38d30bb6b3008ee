#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The README's first step on a fresh Debian 12 machine: in a minimal
# bookworm root (mmdebstrap variant "apt", cached by scripts/mkroot.sh) with
# nothing installed by hand, run scripts/deps.sh, then build csdextract and
# crashsafe.ko (+ test modules) for one bookworm kernel. Any package that
# deps.sh forgets makes the build fail here, whatever the developer's
# machine has installed.
#
#   tests/fresh/test_fresh_root.sh [KERNEL]     (default 6.12)
#
# The cached root is never changed: each run works in a copy of it. The
# copy gets the repository's tracked files (as a fresh clone has them,
# with the working tree's contents), /proc etc. mounted (scripts/in-root.sh)
# and the project cache ($CRASHSAFE_CACHE) bound in, so the kernel trees are
# not downloaded again; apt inside the root uses the root's own sources
# (the host's mirror, as mmdebstrap wrote them), its .debs are kept in
# $CRASHSAFE_CACHE/fresh/archives between runs.
# FRESH_DROP_PKG="pkg ..." removes packages from deps.sh's PKGS in the copy
# (to show that the test fails when deps.sh misses one, e.g. dwarves).
# FRESH_KEEP=1 keeps the copy (path printed).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
k=${1:-6.12}
CACHE=${CRASHSAFE_CACHE:-$HOME/.cache/crashsafe}
t0=$SECONDS
fail() { echo "FAIL test_fresh_root $k: $*"; exit 1; }
say() { echo "[fresh] $* ($((SECONDS - t0)) s)"; }

[ "$(id -u)" = 0 ] || fail "needs root (mmdebstrap, chroot)"
case "$("$top/scripts/kernels.sh" release "$k")" in
bookworm) ;;
*) fail "$k is not a bookworm kernel" ;;
esac

root=$("$top/scripts/mkroot.sh" bookworm fresh-bookworm) || fail "mkroot.sh failed"
say "root $root"
work=$(mktemp -d "${TMPDIR:-/tmp}/crashsafe-fresh.XXXXXX")
cleanup() {
	if [ "${FRESH_KEEP:-0}" = 1 ]; then
		echo "[fresh] kept $work/root"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
cp -a "$root" "$work/root"
r=$work/root
# Daemons must not start in a chroot (qemu, ... postinst scripts).
printf '#!/bin/sh\nexit 101\n' > "$r/usr/sbin/policy-rc.d"
chmod 755 "$r/usr/sbin/policy-rc.d"
# Nothing but the minimal root: make, gcc, ... must come from deps.sh.
for t in make gcc pahole pkg-config; do
	if [ -e "$r/usr/bin/$t" ]; then fail "the minimal root already has $t"; fi
done

src=/src/crashsafe
mkdir -p "$r$src"
git -C "$top" ls-files -z | (cd "$top" && tar --null -T - -cf -) | tar -C "$r$src" -xf -
if [ -n "${FRESH_DROP_PKG:-}" ]; then
	for p in $FRESH_DROP_PKG; do
		grep -qw -- "$p" "$r$src/scripts/deps.sh" || fail "FRESH_DROP_PKG: $p is not in deps.sh"
		sed -i "/^PKGS=(/,/^)/s/\(^\|[[:space:]]\)$p\([[:space:]]\|$\)/\1\2/" "$r$src/scripts/deps.sh"
	done
	say "deps.sh without: $FRESH_DROP_PKG"
fi
mkdir -p "$CACHE/fresh/archives" "$r/var/cache/apt/archives"

# The .debs persist between runs (bound over the root's apt archive).
run() {
	"$top/scripts/in-root.sh" "$r" --bind "$CACHE" --bind "$CACHE/fresh/archives:/var/cache/apt/archives" \
		--cd "$src" -- env CRASHSAFE_CACHE="$CACHE" DEBIAN_FRONTEND=noninteractive "$@"
}

say "scripts/deps.sh in the root"
log=$work/deps.log
if ! run bash scripts/deps.sh >"$log" 2>&1; then
	tail -n 20 "$log"
	fail "scripts/deps.sh failed in the fresh root"
fi
tail -n 3 "$log"
say "deps.sh done"

log=$work/build.log
if ! run make csdextract >"$log" 2>&1; then
	tail -n 20 "$log"
	fail "make csdextract failed in the fresh root"
fi
[ -x "$r$src/userspace/csdextract" ] || fail "no csdextract after make csdextract"
say "csdextract built"
if ! run env KVERS="$k" make modules >"$log" 2>&1; then
	tail -n 20 "$log"
	fail "make modules (KVERS=$k) failed in the fresh root"
fi
kver=$("$top/scripts/kernels.sh" resolve "$k")
for m in crashsafe crashsafe_test_csd crashsafe_test_lockup; do
	[ -f "$r$src/build/$kver/kernel/$m.ko" ] || fail "no $m.ko for $kver"
done
say "modules for $kver built"
echo "PASS test_fresh_root $k: deps.sh, csdextract and the modules for $kver in a fresh bookworm root ($((SECONDS - t0)) s)"
