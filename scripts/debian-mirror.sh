#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Print the Debian archive URI this host's apt is configured with (the
# first "main" archive source, not the security one), read at run time so
# that no script or file of the project ever names a mirror host.
#   scripts/debian-mirror.sh            e.g. http://<host>/debian
#   scripts/debian-mirror.sh --security the security archive (the host's
#                                       -security source, else <archive>-security)
# Reads deb822 (*.sources) and one-line (*.list) files under /etc/apt.
set -euo pipefail
etc=${APT_ETC:-/etc/apt}

uris() {
	local f
	for f in "$etc"/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'tolower($1) == "enabled:" && tolower($2) == "no" { off = 1 }
		     /^[ \t]*$/ { if (!off) for (i = 0; i < n; i++) print u[i]; n = 0; off = 0; next }
		     tolower($1) == "uris:" { for (i = 2; i <= NF; i++) u[n++] = $i }
		     END { if (!off) for (i = 0; i < n; i++) print u[i] }' "$f"
	done
	for f in "$etc"/sources.list "$etc"/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -n 's/^[ \t]*deb[ \t]\+\(\[[^]]*\][ \t]\+\)\{0,1\}\([^ \t]\+\).*/\2/p' "$f"
	done
}

u=$(uris | grep -v -- '-security' | grep -E '^(https?|file|mirror\+[a-z]+)://' | head -n1)
[ -n "$u" ] || { echo "debian-mirror.sh: no Debian archive source in $etc" >&2; exit 1; }
if [ "${1:-}" = --security ]; then
	s=$(uris | grep -E '^(https?|file|mirror\+[a-z]+)://' | grep -E -- '-security/?$' | head -n1)
	[ -n "$s" ] || s=${u%/}-security
	echo "${s%/}"
	exit 0
fi
echo "${u%/}"
