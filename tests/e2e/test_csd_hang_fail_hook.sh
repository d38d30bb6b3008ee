#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# csd-hang with a lost IPI (as test_csd_hang_lost_ipi) while the hook that
# sees the call-function vector taken (CS_HOOK_CALLFUNC_VECTOR, bit 3) is
# forced to fail registration (crashsafe.ko fail_hooks=8). lost_ipi rests
# on "no call-function entry after the IPI", which that hook alone could
# see: the verdict must not be lost_ipi but unknown, the report must say
# which hooks were live, and the hang must still be reported and dumped.
#   usage: tests/e2e/test_csd_hang_fail_hook.sh 6.12|6.1
set -uo pipefail
k=${1:?usage: test_csd_hang_fail_hook.sh 6.12|6.1}
out=${E2E_OUT:-/tmp/crashsafe-e2e/csd-hang-fail-hook-$k}
E2E_OUT=$out CSD_HANG_ARGS="--arg lost_ipi=1 --arg fail_hooks=8" \
	EXPECT_VERDICT=unknown EXPECT_VICTIM_STOP=ipi \
	bash "$(dirname "$0")/test_csd_hang.sh" "$k" 2 1 0 || exit 1
c=$out/console.log
grep -a -q 'register failed: -1 (fail_hooks)' "$c" ||
	{ echo "FAIL test_csd_hang_fail_hook $k: no refused hook in the log"; exit 1; }
grep -a -q -E 'hooks live 0x[0-9a-f]+ of 0x[0-9a-f]+: verdicts needing the others not given' "$c" ||
	{ echo "FAIL test_csd_hang_fail_hook $k: the report does not say which hooks were live"; exit 1; }
echo "PASS test_csd_hang_fail_hook $k: call-function vector hook refused, verdict unknown (not lost_ipi), hook liveness in the report"
