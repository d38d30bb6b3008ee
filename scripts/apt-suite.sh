#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run apt-get / apt-cache against a project-private apt configuration for
# one Debian suite, independent of what the host's apt is set up for.
#
#   scripts/apt-suite.sh SUITE apt-get ARGS...    e.g. trixie apt-get download linux-kbuild-6.12.57+deb13
#   scripts/apt-suite.sh SUITE apt-cache ARGS...  e.g. trixie-backports apt-cache policy linux-image-amd64
#   scripts/apt-suite.sh SUITE update             refresh the package lists now
#   scripts/apt-suite.sh SUITE sources            print the sources (one-line format)
#   scripts/apt-suite.sh SUITE config             print the path of the apt.conf (APT_CONFIG)
#
# SUITE: bookworm | trixie | trixie-backports (a backports suite also has
# its release, -updates and -security). The archive URI comes from the
# host's apt configuration at run time (scripts/debian-mirror.sh); the
# keyring is /usr/share/keyrings/debian-archive-keyring.gpg.
# State lives in $CRASHSAFE_CACHE/apt/SUITE (default ~/.cache/crashsafe);
# lists older than APT_SUITE_MAX_AGE seconds (default 86400) or missing are
# refreshed with `apt-get update` before a command runs.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CRASHSAFE_CACHE:-$HOME/.cache/crashsafe}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
die() { echo "apt-suite.sh: $*" >&2; exit 1; }
log() { echo "[apt-suite] $*" >&2; }

[ $# -ge 2 ] || { sed -n '3,18s/^# \{0,1\}//p' "$0" >&2; exit 2; }
suite=$1
shift
case "$suite" in
bookworm | trixie) rel=$suite; suites="$suite $suite-updates" ;;
trixie-backports) rel=trixie; suites="trixie trixie-updates trixie-backports" ;;
*) die "unknown suite '$suite' (bookworm, trixie, trixie-backports)" ;;
esac
[ -f "$KEYRING" ] || die "$KEYRING missing (apt-get install debian-archive-keyring)"

d=$CACHE/apt/$suite
conf=$d/apt.conf

sources() {
	local m sec s
	m=$("$top/scripts/debian-mirror.sh")
	sec=$("$top/scripts/debian-mirror.sh" --security)
	for s in $suites; do
		echo "deb [signed-by=$KEYRING] $m $s main"
	done
	echo "deb [signed-by=$KEYRING] $sec $rel-security main"
}

# Everything apt reads comes from $d: the host's apt.conf.d, preferences,
# sources and dpkg status are not used (APT_CONFIG is read before
# Dir::Etc::Parts, so pointing Parts at an empty directory shuts them out).
setup() {
	mkdir -p "$d"/{etc/apt.conf.d,etc/preferences.d,etc/sources.list.d,state/lists/partial,cache/archives/partial}
	: > "$d/state/status.new"
	[ -f "$d/state/status" ] || mv "$d/state/status.new" "$d/state/status"
	rm -f "$d/state/status.new"
	sources > "$d/etc/sources.list.new"
	cat > "$conf.new" <<-EOF
		Dir::Etc "$d/etc";
		Dir::Etc::SourceList "$d/etc/sources.list";
		Dir::Etc::SourceParts "$d/etc/sources.list.d";
		Dir::Etc::Parts "$d/etc/apt.conf.d";
		Dir::Etc::Preferences "$d/etc/preferences";
		Dir::Etc::PreferencesParts "$d/etc/preferences.d";
		Dir::State "$d/state";
		Dir::State::status "$d/state/status";
		Dir::Cache "$d/cache";
		APT::Architecture "amd64";
		APT::Architectures { "amd64"; };
		Acquire::Languages "none";
		APT::Sandbox::User "root";
		APT::Get::List-Cleanup "true";
	EOF
	# A changed mirror (host configuration) means new lists.
	if ! cmp -s "$d/etc/sources.list.new" "$d/etc/sources.list"; then
		mv -f "$d/etc/sources.list.new" "$d/etc/sources.list"
		rm -f "$d/state/.updated"
	else
		rm -f "$d/etc/sources.list.new"
	fi
	mv -f "$conf.new" "$conf"
}

update() {
	log "apt-get update for $suite ($suites, $rel-security)"
	APT_CONFIG=$conf apt-get -q update >"$d/update.log" 2>&1 ||
		{ cat "$d/update.log" >&2; die "apt-get update for $suite failed"; }
	# apt-get update exits 0 on some fetch failures: insist on clean lists.
	if grep -E '^(W|E): ' "$d/update.log" >&2; then
		die "apt-get update for $suite reported problems (see $d/update.log)"
	fi
	touch "$d/state/.updated"
}

stale() {
	local f=$d/state/.updated age
	[ -f "$f" ] || return 0
	age=$(($(date +%s) - $(stat -c %Y "$f")))
	[ "$age" -gt "${APT_SUITE_MAX_AGE:-86400}" ]
}

mkdir -p "$d"
cmd=$1
shift
# One setup/update at a time per suite; the command itself runs unlocked
# (apt's own locks cover concurrent downloads into the same cache).
(
	flock 9
	setup
	if [ "$cmd" = update ] || { [ "$cmd" != sources ] && [ "$cmd" != config ] && stale; }; then
		update
	fi
) 9>"$d/.lock"

case "$cmd" in
update) ;;
sources) cat "$d/etc/sources.list" ;;
config) echo "$conf" ;;
apt-get | apt-cache) APT_CONFIG=$conf exec "$cmd" "$@" ;;
*) die "unknown command '$cmd' (apt-get, apt-cache, update, sources, config)" ;;
esac
