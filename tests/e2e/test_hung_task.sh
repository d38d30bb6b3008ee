#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e: seed 001. Kthread cs_hung_owner holds cs_hung_rwsem for write and
# keeps issuing fast, completing cross-CPU calls; kthreads cs_hung_waiterN
# block in down_read(); the kernel's hung task detector panics. The report
# must not blame the IPI: verdict "hung_task" with csd_healthy true and
# "CSD machinery healthy" plus numbers, csd_stats[] showing the owner's
# cs_hung_ipi_func calls all completed, the culprit being the owner (pid,
# comm, its CPU, the function it runs in, the rwsem), every waiter in
# hung_tasks[] (state D) waiting for the rwsem owned by the owner, the
# rwsem in locks[], and no cycle. Kthread cs_hung_compl, in D waiting for
# completion cs_hung_never, is listed with that completion. Pids and names are checked against the
# module's console lines and the kernel's own "INFO: task ... blocked".
#   tests/e2e/test_hung_task.sh 6.12|6.1 [CPUS (2)] [OWNER_CPU (1)] [PEER (0)]
# Environment: E2E_OUT (result dir), QEMU_KDUMP_OPTS (extra harness options),
# E2E_REUSE=1 (only check the results already in E2E_OUT, no guest run),
# E2E_CSDEXTRACT (re-make the reports with this csdextract).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
k=${1:?usage: test_hung_task.sh 6.12|6.1 [CPUS] [OWNER_CPU] [PEER]}
cpus=${2:-2}
oc=${3:-1}
peer=${4:-0}
out=${E2E_OUT:-/tmp/crashsafe-e2e/hung-task-$k-$cpus-$oc-$peer}
# shellcheck source=tests/e2e/lib_analysis.sh
. "$top/tests/e2e/lib_analysis.sh"
an_init test_hung_task "$cpus cpus, owner CPU $oc, calls to CPU $peer"

an_run --cpus "$cpus" --scenario hung-task --arg cpu="$oc" --arg peer="$peer"
an_reports

lo=$(an_console "hung: owner CPU $oc pid [0-9]+ comm cs_hung_owner holds ")
po=$(an_field "$lo" pid)
addr=$(sed -E -n 's/.* holds cs_hung_rwsem at (0x[0-9a-f]+) .*/\1/p' <<<"$lo")
[ -n "$po" ] && [ -n "$addr" ] || fail "cannot parse the owner's console line '$lo'"
mapfile -t waiters < <(grep -a -E -o 'hung: waiter CPU [0-9]+ pid [0-9]+ comm cs_hung_waiter[0-9]+' "$con" |
	awk '{print $6 " " $8}' | sort -u)
[ ${#waiters[@]} -ge 1 ] || fail "console shows no cs_hung_waiter line"
# The kernel's own report must name at least one of them.
grep -a -q -E 'INFO: task cs_hung_waiter[0-9]+:[0-9]+ blocked for more than' "$con" ||
	fail "console shows no 'INFO: task cs_hung_waiterN:PID blocked' from the hung task detector"
kern=$(grep -a -o -E 'INFO: task cs_hung_waiter[0-9]+:[0-9]+' "$con" | sed 's/INFO: task //' | sort -u)

an_check_verdict_kind hung_task
an_check_healthy_verdict "$oc" "$po" cs_hung_owner
v=$(an_jq -c .verdict)
jq -e "$AN_JQ_DEFS"'(.culprit.lock | named("cs_hung_rwsem")) and
	((.culprit.function // "") | length) > 0' <<<"$v" >/dev/null ||
	fail "verdict.culprit does not hold cs_hung_rwsem or has no function: $v"

for w in "${waiters[@]}"; do
	wp=${w% *} wc=${w#* }
	h=$(an_jq --argjson p "$wp" '[.hung_tasks[]? | select(.pid == $p)][0] | tojson')
	jq -e --arg c "$wc" --arg a "$(an_hex "$addr")" --argjson o "$po" "$AN_JQ_DEFS"'
		. != null and .comm == $c and .state == "D" and .waits_for.kind == "rwsem" and
		(.waits_for.lock | hex) == $a and (.waits_for.lock_name | named("cs_hung_rwsem")) and
		.waits_for.owner_pid == $o and .waits_for.owner_comm == "cs_hung_owner"' <<<"$h" >/dev/null ||
		fail "hung_tasks[] entry for $wc/$wp is $h; expected state D waiting for cs_hung_rwsem $addr owned by cs_hung_owner/$po"
done
while read -r kw; do
	[ -n "$kw" ] || continue
	an_jq --arg c "${kw%%:*}" --argjson p "${kw##*:}" \
		'[.hung_tasks[]? | select(.pid == $p and .comm == $c)] | length > 0' | grep -q true ||
		fail "the kernel reported $kw blocked, hung_tasks[] does not list it"
done <<<"$kern"
# A D task waiting for a completion: named by the completion, no owner.
lc=$(an_console "hung: completion waiter CPU [0-9]+ pid [0-9]+ comm cs_hung_compl waits for cs_hung_never at ")
pc=$(an_field "$lc" pid)
caddr=$(sed -E -n 's/.* waits for cs_hung_never at (0x[0-9a-f]+).*/\1/p' <<<"$lc")
h=$(an_jq --argjson p "$pc" '[.hung_tasks[]? | select(.pid == $p)][0] | tojson')
jq -e --arg a "$(an_hex "$caddr")" "$AN_JQ_DEFS"'. != null and .comm == "cs_hung_compl" and
	.state == "D" and .waits_for.kind == "completion" and (.waits_for.lock | hex) == $a and
	(.waits_for.lock_name | named("cs_hung_never"))' <<<"$h" >/dev/null ||
	fail "hung_tasks[] entry for cs_hung_compl/$pc is $h; expected state D waiting for completion cs_hung_never $caddr"
grep -q -F "cs_hung_compl/$pc (D) waits for completion $caddr cs_hung_never" "$txt" ||
	fail "report.txt does not say cs_hung_compl/$pc waits for completion $caddr cs_hung_never"
l=$(an_jq --arg a "$(an_hex "$addr")" "$AN_JQ_DEFS"'[.locks[]? | select((.addr | hex) == $a)][0] | tojson')
wpids=$(printf '%s\n' "${waiters[@]}" | awk '{print $1}' | jq -s -c .)
jq -e --argjson o "$po" --argjson w "$wpids" "$AN_JQ_DEFS"'. != null and .kind == "rwsem" and
	(.name | named("cs_hung_rwsem")) and .owner_pid == $o and .owner_comm == "cs_hung_owner" and
	([.waiters[]? | .pid] | contains($w))' <<<"$l" >/dev/null ||
	fail "locks[] entry for $addr is $l; expected rwsem cs_hung_rwsem owned by cs_hung_owner/$po with waiters $wpids"
nums=$(an_check_csd_stat cs_hung_ipi_func "$oc" 100) || { echo "$nums"; exit 1; }
an_check_no_cycle
echo "PASS $an_name $k ($an_what): owner cs_hung_owner/$po on CPU $oc, ${#waiters[@]} waiters; cs_hung_ipi_func $nums; $(jq -r .text <<<"$v")"
