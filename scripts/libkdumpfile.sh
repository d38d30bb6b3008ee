#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The newest libkdumpfile the registry has, built for this host into a
# project-private prefix (static archives + pkg-config files), for
# csdextract on bookworm: bookworm's libkdumpfile is 0.5.1, trixie's 0.5.4
# reads makedumpfile's flattened dumps itself, and trixie's binary packages
# need trixie's C library, so the host builds it from trixie's source.
#
#   scripts/libkdumpfile.sh            print the prefix, building it if needed
#   scripts/libkdumpfile.sh --cached   print the prefix only if already built
#                                      (exit 1 otherwise; never downloads)
#
# Source: `apt-get source --download-only` through a private apt setup whose
# deb-src lines are scripts/apt-suite.sh's trixie sources (the host's
# mirror, read at run time). The registry serves the .orig.tar.gz but not
# always the .dsc or .debian.tar.xz, so the tarball is checked against the
# SHA256 of the Sources index itself and built as upstream released it
# (Debian's 0.5.4-2/-3 changes, per its binary's changelog.Debian, are the
# Python bindings with GCC 14 and a 32-bit test: neither matters here).
# Built with autoreconf + configure --disable-shared --without-python
# (about 20 s) under $CRASHSAFE_CACHE/libkdumpfile/<version>-<key>
# (default ~/.cache/crashsafe); the key hashes the version, the tarball's
# SHA256, this script and its patches. Needs autoconf automake libtool
# pkg-config patch and the compression -dev packages (scripts/deps.sh).
# One build at a time (flock).
# Local changes (scripts/libkdumpfile/*.patch, each says why): zlib pages
# are decompressed with libdeflate when libdeflate-dev is installed (half
# of a first run's CPU time was zlib's inflate; the installed
# libkdumpfile.pc then lists -ldeflate among its static libs), and a
# flattened dump's record headers are read with pread(2) at open.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CRASHSAFE_CACHE:-$HOME/.cache/crashsafe}
base=$CACHE/libkdumpfile
die() { echo "libkdumpfile.sh: $*" >&2; exit 1; }
log() { echo "[libkdumpfile] $*" >&2; }

if [ "${1:-}" = --cached ]; then
	# The newest built prefix (by version), if any.
	p=$(ls -d "$base"/*/.done 2>/dev/null | sort -V | tail -n1)
	[ -n "$p" ] || exit 1
	dirname "$p"
	exit 0
fi
[ $# -eq 0 ] || { sed -n '3,12s/^# \{0,1\}//p' "$0" >&2; exit 2; }

mkdir -p "$base"
exec 9>"$base/.lock"
flock 9

# A private apt setup with deb-src lines only (Sources index, ~11 MB).
apt=$base/apt
mkdir -p "$apt"/{etc/apt.conf.d,etc/preferences.d,etc/sources.list.d,state/lists/partial,cache/archives/partial}
[ -f "$apt/state/status" ] || : > "$apt/state/status"
"$top/scripts/apt-suite.sh" trixie sources | sed -n 's/^deb /deb-src /p' > "$apt/etc/sources.list.new"
[ -s "$apt/etc/sources.list.new" ] || die "no trixie sources (scripts/apt-suite.sh)"
cat > "$apt/apt.conf" <<EOF
Dir::Etc "$apt/etc";
Dir::Etc::SourceList "$apt/etc/sources.list";
Dir::Etc::SourceParts "$apt/etc/sources.list.d";
Dir::Etc::Parts "$apt/etc/apt.conf.d";
Dir::Etc::Preferences "$apt/etc/preferences";
Dir::Etc::PreferencesParts "$apt/etc/preferences.d";
Dir::State "$apt/state";
Dir::State::status "$apt/state/status";
Dir::Cache "$apt/cache";
Acquire::Languages "none";
APT::Sandbox::User "root";
EOF
export APT_CONFIG=$apt/apt.conf
fresh=0
if ! cmp -s "$apt/etc/sources.list.new" "$apt/etc/sources.list"; then
	mv -f "$apt/etc/sources.list.new" "$apt/etc/sources.list"
	fresh=1
else
	rm -f "$apt/etc/sources.list.new"
fi
if [ $fresh = 1 ] || [ ! -f "$apt/state/.updated" ] ||
	[ $(($(date +%s) - $(stat -c %Y "$apt/state/.updated"))) -gt 86400 ]; then
	log "apt-get update (trixie deb-src)"
	apt-get -q update > "$apt/update.log" 2>&1 || { cat "$apt/update.log" >&2; die "apt-get update failed"; }
	touch "$apt/state/.updated"
fi

# The newest source version and its upstream tarball's SHA256.
src=$(apt-cache showsrc libkdumpfile 2>/dev/null) || die "no libkdumpfile source in the registry"
ver=$(printf '%s\n' "$src" | sed -n 's/^Version: //p' | sort -V | tail -n1)
[ -n "$ver" ] || die "no libkdumpfile source version"
upver=${ver#*:}
upver=${upver%-*}
[[ $upver =~ ^[0-9][0-9.]*$ ]] || die "unexpected version '$ver'"
orig=libkdumpfile_$upver.orig.tar.gz
sha=$(printf '%s\n' "$src" | awk -v f="$orig" '
	/^Checksums-Sha256:/ { s = 1; next } /^[^ ]/ { s = 0 }
	s && $3 == f { print $1; exit }')
[ -n "$sha" ] || die "no SHA256 of $orig in the Sources index"

patches=("$top"/scripts/libkdumpfile/*.patch)
[ -f "${patches[0]}" ] || die "no patches in scripts/libkdumpfile/"
deflate=0
[ -f /usr/include/libdeflate.h ] && deflate=1
key=$({ echo "$ver $sha deflate=$deflate"; sha256sum "$0" "${patches[@]}" | cut -d' ' -f1; } | sha256sum | cut -c1-12)
prefix=$base/$upver-$key
if [ -f "$prefix/.done" ]; then
	echo "$prefix"
	exit 0
fi

t0=$SECONDS
dl=$base/src
mkdir -p "$dl"
if ! echo "$sha  $dl/$orig" | sha256sum -c --status 2>/dev/null; then
	log "apt-get source --download-only libkdumpfile=$ver"
	rm -f "$dl/$orig"
	# The .dsc and .debian.tar.xz may be missing (404): only the tarball counts.
	(cd "$dl" && apt-get -q source --download-only "libkdumpfile=$ver") > "$dl/download.log" 2>&1 || true
	echo "$sha  $dl/$orig" | sha256sum -c --status 2>/dev/null ||
		{ cat "$dl/download.log" >&2; die "$orig missing or not matching the Sources index"; }
fi

log "building libkdumpfile $upver (static) into $prefix"
work=$base/.build-$$
rm -rf "$work" "$prefix"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
tar -C "$work" -xzf "$dl/$orig"
s=$(echo "$work"/libkdumpfile-*)
[ -f "$s/configure.ac" ] || die "no configure.ac in $orig"
(
	cd "$s"
	for p in "${patches[@]}"; do
		patch -p1 < "$p"
	done
	autoreconf -fi
	if [ $deflate = 1 ]; then
		./configure --prefix="$prefix" --disable-shared --enable-static --with-pic \
			--without-python CPPFLAGS="-DUSE_LIBDEFLATE=1" LIBS="-ldeflate"
	else
		./configure --prefix="$prefix" --disable-shared --enable-static --with-pic \
			--without-python
	fi
	make -j"$(nproc)"
	make install
	[ $deflate = 0 ] ||
		sed -i 's/^Libs.private:.*/& -ldeflate/' "$prefix/lib/pkgconfig/libkdumpfile.pc"
) > "$base/build.log" 2>&1 || { tail -n 30 "$base/build.log" >&2; rm -rf "$prefix"; die "build failed ($base/build.log)"; }
grep -q "KDUMPFILE_VERSION_STRING \"$upver\"" "$prefix/include/libkdumpfile/kdumpfile.h" ||
	die "installed kdumpfile.h is not $upver"
printf 'version=%s\nsha256=%s\nseconds=%s\n' "$ver" "$sha" "$((SECONDS - t0))" > "$prefix/.done"
log "libkdumpfile $upver built in $((SECONDS - t0)) s"
# Older builds are stale now.
for old in "$base"/*/.done; do
	old=$(dirname "$old")
	[ "$old" = "$prefix" ] || rm -rf "$old"
done
echo "$prefix"
