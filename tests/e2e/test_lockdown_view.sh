#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e (issue 9): kernel lockdown (on under Secure Boot) restricts debugfs;
# crashsafe's live views (status, log, record) must stay readable by root
# because they are read-only (0400) files without ioctl or mmap, which
# fs/debugfs/file.c debugfs_locked_down() lets through. The scenario raises
# lockdown to integrity at run time (after the unsigned test modules are
# loaded), shows it is on (an unsigned insmod is refused), reads the views
# and crashes by sysrq: the dump and record must still be complete.
#   tests/e2e/test_lockdown_view.sh 6.12|6.1
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
k=${1:?usage: test_lockdown_view.sh 6.12|6.1}
out=${E2E_OUT:-/tmp/crashsafe-e2e/lockdown-view-$k}

fail() { echo "FAIL test_lockdown_view $k: $*"; exit 1; }

if [ "${E2E_REUSE:-0}" != 1 ]; then
	# shellcheck disable=SC2086
	"$top/scripts/qemu-kdump.sh" --kernel "$k" --cpus 2 --scenario lockdown-view \
		--out "$out" ${QEMU_KDUMP_OPTS:-} ||
		fail "harness: $(cat "$out/result.txt" 2>/dev/null || echo 'no result')"
fi
r=$out/lockdown-view.txt
[ -s "$r" ] || fail "no $r"
grep -q '^after: .*\[integrity\]' "$r" || fail "lockdown not raised: $(tr '\n' ';' < "$r")"
grep -qx 'unsigned insmod: refused' "$r" || fail "lockdown not in effect: $(tr '\n' ';' < "$r")"
# status and record always have content; the log is empty on a healthy
# guest (nothing was logged), but opening and reading it must work.
for f in status record; do
	grep -Eq "^read $f: ok [1-9][0-9]* bytes" "$r" || fail "live view $f under lockdown: $(grep "^read $f" "$r")"
done
grep -Eq "^read log: ok [0-9]+ bytes" "$r" || fail "live view log under lockdown: $(grep "^read log" "$r")"
j=$out/report.json
[ "$(jq -r '.record.status' "$j")" = ok ] || fail "record status $(jq -r '.record.status' "$j")"
[[ $(jq -r '.panic.message // ""' "$j") == *"sysrq triggered crash"* ]] || fail "panic message"
echo "PASS test_lockdown_view $k: status/log/record readable under lockdown integrity; dump and record ok"
