#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host-only checks (seconds, no guest) of the kdump-tools integration
# scripts on files: kdump-hint's edits of a kdump-tools defaults file and
# report-dumps' journal line.
#   tests/system/test-scripts.sh [REPORT_JSON]   (default: fixtures/report-sysrq.json,
#                                             cut down from a trixie sysrq run)
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fails=0
ok() { echo "  ok   $*"; }
bad() { echo "  FAIL $*"; fails=$((fails + 1)); }
hint() { KDUMP_DEFAULTS=$t/conf CRASHSAFE_RECORD_PHYS_FILE=$t/phys sh "$top/scripts/kdump/kdump-hint" "$@" 2>/dev/null; }
active() { grep -E '^[ \t]*KDUMP_CMDLINE_APPEND=' "$t/conf"; }

# 1. No KDUMP_CMDLINE_APPEND set: added with kdump-config's default words.
printf 'USE_KDUMP=1\n#KDUMP_CMDLINE_APPEND="x"\n' > "$t/conf"
cp "$t/conf" "$t/orig1"
echo 0x5fe41000 > "$t/phys"
hint
a=$(active)
[[ $a == *"systemd.unit=kdump-tools-dump.service"*" crashsafe.record=0x5fe41000\"" ]] &&
	ok "added: $a" || bad "added: '$a'"
cp "$t/conf" "$t/once"; hint
cmp -s "$t/conf" "$t/once" && ok "second run leaves the file as it is" || bad "second run changed the file"
echo 0x1000 > "$t/phys"; hint
[ "$(active | grep -o 'crashsafe.record=[^ "]*')" = crashsafe.record=0x1000 ] &&
	ok "new address replaces the old one" || bad "after a move: $(active)"
hint --remove
cmp -s "$t/conf" "$t/orig1" && ok "--remove gives back the original file" || bad "--remove: $(cat "$t/conf")"

# 2. The site's own KDUMP_CMDLINE_APPEND: only our word changes.
printf 'KDUMP_CMDLINE_APPEND="nr_cpus=1 systemd.unit=kdump-tools-dump.service" # site\nKDUMP_COREDIR=/var/crash\n' > "$t/conf"
cp "$t/conf" "$t/orig2"
hint
[ "$(active)" = 'KDUMP_CMDLINE_APPEND="nr_cpus=1 systemd.unit=kdump-tools-dump.service crashsafe.record=0x1000"' ] &&
	ok "site's line kept, word appended" || bad "site's line: $(active)"
( . "$t/conf"; [[ $KDUMP_CMDLINE_APPEND == *crashsafe.record=0x1000 ]] ) &&
	ok "the file still sources as shell" || bad "the file no longer sources"
hint --remove
diff <(sed 's/ # site$//' "$t/orig2") "$t/conf" >/dev/null && ok "--remove keeps the site's words" ||
	bad "--remove: $(cat "$t/conf")"

# 3. Module not loaded: nothing changes.
rm -f "$t/phys"; cp "$t/conf" "$t/before"; hint
cmp -s "$t/conf" "$t/before" && ok "no record: file untouched" || bad "no record: file changed"

# 4. report-dumps: one line per new dump, naming the verdict; then silent.
j=${1:-$(dirname "$0")/fixtures/report-sysrq.json}
if [ -n "$j" ] && [ -s "$j" ]; then
	mkdir -p "$t/crash/202612060127"
	cp "$j" "$t/crash/202612060127/report.json"
	: > "$t/crash/202612060127/dump.202612060127"
	l=$(KDUMP_COREDIR=$t/crash sh "$top/scripts/kdump/report-dumps")
	[[ $l == "crashsafe: new dump $t/crash/202612060127/dump.202612060127 in "*": record ok; panic: "* ]] &&
		ok "journal line: ${l:0:140}..." || bad "journal line: '$l'"
	l=$(KDUMP_COREDIR=$t/crash sh "$top/scripts/kdump/report-dumps")
	[ -z "$l" ] && ok "a dump already logged is not logged again" || bad "logged again: $l"
else
	echo "  skip report-dumps (no report.json given)"
fi
[ "$fails" = 0 ] && { echo "[test-scripts] PASS"; exit 0; }
echo "[test-scripts] FAIL ($fails)"
exit 1
