#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 11, on one kernel (make test-reliability runs it on every kernel
# of KVERS): CPU hotplug under the CSD workload with every panic_on_*
# switch on must give no report (tests/e2e/test_hotplug.sh, 4 CPUs,
# SECONDS of workload), then a crash with a CPU offline must give
# "offline" for it and a complete dump (tests/e2e/test_hotplug_crash.sh).
# make test runs each of the two on one kernel only (45-minute budget).
#   tests/reliability/test_hotplug_kvers.sh KVER [SECONDS (120)]
# About SECONDS + 150 s of guest time per kernel.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
k=${1:?usage: test_hotplug_kvers.sh KVER [SECONDS]}
secs=${2:-120}
base=${E2E_OUT:-/tmp/crashsafe-e2e/hotplug-kvers-$k}
rc=0

E2E_OUT=$base/hotplug "$top/tests/e2e/test_hotplug.sh" "$k" "$secs" || rc=1
E2E_OUT=$base/hotplug-crash "$top/tests/e2e/test_hotplug_crash.sh" "$k" || rc=1
if [ $rc = 0 ]; then
	echo "PASS test_hotplug_kvers $k: hotplug under load with no report, crash with a CPU offline"
else
	echo "FAIL test_hotplug_kvers $k (outputs in $base)"
fi
exit $rc
