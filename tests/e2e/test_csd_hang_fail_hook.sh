#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# csd-hang with a lost IPI (as test_csd_hang_lost_ipi) while the hook that
# sees the call-function vector taken (CS_HOOK_CALLFUNC_VECTOR, bit 3) is
# forced to fail registration (crashsafe.ko fail_hooks=8). lost_ipi rests
# on "no call-function entry after the IPI", which that hook alone could
# see: the module's verdict must be unknown, not lost_ipi, the report must
# say which hooks were live, and the hang must still be reported and
# dumped. When the record carries hook liveness (record 1.2, .record.hooks in
# csdextract's JSON), csdextract must not give lost_ipi either and must
# name the missing hook; an older record cannot tell it, and that is said.
#   usage: tests/e2e/test_csd_hang_fail_hook.sh 6.12|6.1
# Environment: E2E_OUT, E2E_REUSE=1 (check the results already in E2E_OUT).
set -uo pipefail
k=${1:?usage: test_csd_hang_fail_hook.sh 6.12|6.1}
out=${E2E_OUT:-/tmp/crashsafe-e2e/csd-hang-fail-hook-$k}
E2E_OUT=$out CSD_HANG_ARGS="--arg lost_ipi=1 --arg fail_hooks=8" \
	EXPECT_VICTIM_STOP=ipi \
	bash "$(dirname "$0")/test_csd_hang.sh" "$k" 2 1 0 || exit 1
j=$out/report.json
rec=$(jq -r '.csd_hangs[0].verdict_recorded // "missing"' "$j")
[ "$rec" = unknown ] ||
	{ echo "FAIL test_csd_hang_fail_hook $k: the module recorded verdict '$rec', expected unknown"; exit 1; }
final=$(jq -r '.csd_hangs[0].verdict // "missing"' "$j")
if [ "$(jq -r '.record.hooks.recorded // false' "$j")" = true ]; then
	jq -e '.record.hooks.missing | length > 0' "$j" >/dev/null ||
		{ echo "FAIL test_csd_hang_fail_hook $k: the record names no missing hook"; exit 1; }
	[ "$final" != lost_ipi ] ||
		{ echo "FAIL test_csd_hang_fail_hook $k: csdextract gives lost_ipi without the hook it needs"; exit 1; }
	user="csdextract: $final, missing hooks $(jq -c .record.hooks.missing "$j")"
else
	user="csdextract: $final (this record has no hook liveness: not checked)"
fi
c=$out/console.log
grep -a -q 'register failed: -1 (fail_hooks)' "$c" ||
	{ echo "FAIL test_csd_hang_fail_hook $k: no refused hook in the log"; exit 1; }
grep -a -q -E 'hooks live 0x[0-9a-f]+ of 0x[0-9a-f]+: verdicts needing the others not given' "$c" ||
	{ echo "FAIL test_csd_hang_fail_hook $k: the report does not say which hooks were live"; exit 1; }
echo "PASS test_csd_hang_fail_hook $k: call-function vector hook refused, module verdict unknown (not lost_ipi), hook liveness in the report; $user"
