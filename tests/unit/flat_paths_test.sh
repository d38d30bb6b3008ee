#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# csdextract's two ways of reading a flattened dump give the same report:
# libkdumpfile itself (>= 0.5.4) and the memfd rearrangement
# (CSDEXTRACT_FLAT=memfd), text and --json, byte for byte; and a flattened
# dump reads as its kdump-compressed twin (vmcore) does, but for the path
# and format lines. With strace, the default path is checked to be the one
# the binary says (no memfd_create with "read by libkdumpfile").
# CSDEXTRACT_BASELINE=<another csdextract> (e.g. one linked with bookworm's
# libkdumpfile 0.5.1): its reports must be the same too.
#
# usage: tests/unit/flat_paths_test.sh [DUMPDIR...]   (each with vmcore.flat,
#        and vmcore for the twin check; CSDEXTRACT default userspace/csdextract)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
X=${CSDEXTRACT:-$ROOT/userspace/csdextract}
WORK=$(mktemp -d /tmp/flat_paths.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fails=0
pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

info=$("$X" --version) || { echo "FAIL $X --version"; exit 1; }
echo "flat_paths: $info"
direct=0
case "$info" in *"read by libkdumpfile"*) direct=1 ;; esac
[ $direct = 1 ] || echo "NOTE: $X rearranges every flattened dump (libkdumpfile < 0.5.4): one path only"

# report FILE TAG [ENV...]: text and JSON reports into $WORK/TAG.{txt,json}
report() {
	local f=$1 tag=$2
	shift 2
	env "$@" "$X" --no-cache "$f" > "$WORK/$tag.txt" 2> "$WORK/$tag.err"
	echo $? > "$WORK/$tag.rc"
	env "$@" "$X" --no-cache --json "$f" > "$WORK/$tag.json" 2>> "$WORK/$tag.err"
}
same() { # A B WHAT
	if cmp -s "$WORK/$1.txt" "$WORK/$2.txt" && cmp -s "$WORK/$1.json" "$WORK/$2.json" &&
		cmp -s "$WORK/$1.rc" "$WORK/$2.rc"; then
		pass "$3 (exit $(cat "$WORK/$1.rc"), $(wc -c < "$WORK/$1.txt") bytes)"
	else
		fail "$3"
		diff "$WORK/$1.txt" "$WORK/$2.txt" | head -n 10 | sed 's/^/    /'
	fi
}

[ $# -gt 0 ] || { echo "usage: $0 DUMPDIR..."; exit 2; }
for d in "$@"; do
	f=$d/vmcore.flat
	[ -f "$f" ] || { echo "SKIP $d: no vmcore.flat"; continue; }
	t0=$SECONDS
	report "$f" flat
	report "$f" memfd CSDEXTRACT_FLAT=memfd
	[ "$(cat "$WORK/flat.rc")" -le 3 ] || fail "$f: exit $(cat "$WORK/flat.rc"): $(head -n 2 "$WORK/flat.err")"
	same flat memfd "$f: default path == memfd"
	if [ $direct = 1 ] && command -v strace > /dev/null; then
		strace -f -e trace=memfd_create -o "$WORK/st" "$X" --no-cache "$f" > /dev/null 2>&1
		if grep -q memfd_create "$WORK/st"; then
			fail "$f: rearranged into a memfd although libkdumpfile reads it"
		else
			pass "$f: read by libkdumpfile (no memfd)"
		fi
		CSDEXTRACT_FLAT=memfd strace -f -e trace=memfd_create -o "$WORK/st" "$X" --no-cache "$f" > /dev/null 2>&1
		grep -q memfd_create "$WORK/st" || fail "$f: CSDEXTRACT_FLAT=memfd made no memfd"
	fi
	if [ -n "${CSDEXTRACT_BASELINE:-}" ]; then
		X0=$X
		X=$CSDEXTRACT_BASELINE report "$f" base
		X=$X0
		same flat base "$f: == $("$CSDEXTRACT_BASELINE" --version | sed 's/.*), //')"
	fi
	if [ -f "$d/vmcore" ]; then
		report "$d/vmcore" twin
		# only the path and the format may differ
		for x in txt json; do
			sed -e 's|^\(csdextract [^:]*: \).*\( ([a-z]* dump)\)$|\1X\2|' \
				-e 's/(flattened dump)$/(compressed dump)/' \
				-e 's|^\(    "path": \).*|\1X|' -e 's|^\(    "format": \)"flattened"|\1"compressed"|' \
				"$WORK/flat.$x" > "$WORK/nflat.$x"
			sed -e 's|^\(csdextract [^:]*: \).*\( ([a-z]* dump)\)$|\1X\2|' \
				-e 's|^\(    "path": \).*|\1X|' "$WORK/twin.$x" > "$WORK/ntwin.$x"
		done
		cp "$WORK/flat.rc" "$WORK/nflat.rc"
		cp "$WORK/twin.rc" "$WORK/ntwin.rc"
		same nflat ntwin "$f == $d/vmcore but for path and format"
	fi
	echo "time $d: $((SECONDS - t0)) s"
done
if [ $fails -ne 0 ]; then
	echo "flat_paths: $fails failure(s)"
	exit 1
fi
echo "flat_paths: all passed"
