#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# e2e: crashsafe.ko leaves the dump's stacks readable by the standard tools
# (crash, drgn, the kernel's own backtrace): no return probe. A kretprobe
# or rethook replaces the return address of the probed function on the
# stack with its trampoline while the function runs, so the caller of a
# CPU hung in smp_call_function_many_cond() (the seed 000 shape) vanishes
# from every backtrace of the dump. On the dump of a multi-CPU CSD hang
# (test_csd_hang_many.sh, whose verdict checks must pass too):
#  - no word on the stack of any CPU's current task (the waiting sender
#    included) equals a trampoline (__kretprobe_trampoline,
#    arch_rethook_trampoline, rethook_trampoline: kallsyms of that boot,
#    printed by the scenario);
#  - the return address into the waiter's caller is still on the sender's
#    stack: the queue hook's callsite (_RET_IP_ of
#    smp_call_function_many_cond()) where it lies in the caller,
#    cs_test_sender_fn (its address and size printed by the scenario) or
#    the part gcc split off it (cs_test_sender_fn.cold, 7.3's build: known
#    from the sender's frames in the report); else (a kernel that queues
#    from a helper, the callsite inside smp.c) a word inside
#    cs_test_sender_fn; when the sender is the panic CPU, csdextract's
#    backtrace of it shows cs_test_sender_fn.
#   tests/e2e/test_csd_hang_many_stacks.sh 6.12|6.1 [CPUS (3)] [VICTIM (1)] [SENDER (0)]
# Environment: E2E_OUT, QEMU_KDUMP_OPTS, E2E_REUSE=1 (check E2E_OUT only);
# for dumps whose console lacks the kallsyms line: TRAMPOLINES=ADDR[,ADDR].
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
k=${1:?usage: test_csd_hang_many_stacks.sh 6.12|6.1 [CPUS] [VICTIM] [SENDER]}
cpus=${2:-3}
victim=${3:-1}
sender=${4:-0}
out=${E2E_OUT:-/tmp/crashsafe-e2e/csd-hang-many-stacks-$k-$cpus-$victim-$sender}

fail() { echo "FAIL test_csd_hang_many_stacks $k: $*"; exit 1; }

if ! common=$(E2E_OUT=$out bash "$top/tests/e2e/test_csd_hang_many.sh" "$k" "$cpus" "$victim" "$sender"); then
	fail "${common##*$'\n'}"
fi

j=$out/report.json
c=$out/console.log
tool=$top/build/stackwords
mkdir -p "$top/build"
read -ra kd <<<"$(pkg-config --cflags --libs libkdumpfile)"
cc -std=c11 -Wall -Wextra -Werror -O2 -o "$tool" "$top/tests/e2e/stackwords.c" "${kd[@]}" ||
	fail "cannot build stackwords"

ksym() { grep -a "scenario: kallsyms [0-9a-f]* . $1\b" "$c" | head -n1 | awk '{print "0x"$3}'; }
tramps=${TRAMPOLINES:-}
if [ -z "$tramps" ]; then
	for s in __kretprobe_trampoline arch_rethook_trampoline rethook_trampoline; do
		a=$(ksym "$s")
		[ -n "$a" ] && tramps="$tramps${tramps:+,}$a"
	done
fi
[ -n "$tramps" ] || fail "no trampoline address (console kallsyms lines or TRAMPOLINES)"

stask=$(jq -r --argjson s "$sender" '[.cpus[]? | select(.cpu == $s)][0].task.addr // ""' "$j")
[ -n "$stask" ] || fail "no task for sender CPU $sender in the report"
tasks=$(jq -r '[.cpus[]?.task.addr // empty] | unique | join(",")' "$j")
ntask=$(tr ',' '\n' <<<"$tasks" | grep -c .)
callsite=$(jq -r --argjson s "$sender" --argjson v "$victim" '
	[.csd_hangs[]? | select(.source_cpu == $s and .target_cpu == $v) as $h |
	 $h.events[]? | select(.type == "queue" and .src == $s and .dst == $v and
			       .func == $h.func_addr) | .callsite][-1] // ""' "$j")
if [ -z "$callsite" ] || [ "$((callsite))" -eq 0 ]; then
	fail "no queue event with a callsite for the reported wait"
fi
fn=$(grep -a -m1 'scenario: sender_fn [0-9]' "$c" | awk '{print $3}' | tr -d '\r')
fnsize=$(grep -a -m1 -o 'sender CPU[0-9]* in cs_test_sender_fn+0x0/0x[0-9a-f]*' "$c" | sed 's|.*/||')
[ -n "$fn" ] && [ -n "$fnsize" ] ||
	fail "console lacks the sender function's address ('scenario: sender_fn') or size (the module's 'sender CPU.. in' line)"
fnhex=$(printf '0x%016x' "$fn")
cs=$(printf '0x%016x' "$callsite")
# the callsite as the report names it among the sender's frames, if there
csname=$(jq -r --arg a "$cs" --argjson s "$sender" '
	[(.cpus[]? | select(.cpu == $s) | .frames[]? | select(.addr == $a) | .symbol // empty),
	 (if .panic.cpu == $s then (.panic_cpu_frames[]? | select(.addr == $a) | .fn // empty)
	  else empty end)][0] // ""' "$j")
if { [ "$((callsite))" -ge "$((fn))" ] && [ "$((callsite))" -lt "$((fn + fnsize))" ]; } ||
   [[ $csname == cs_test_sender_fn* ]]; then
	want=$cs
	how="the queue callsite $want${csname:+ ($csname)}"
else
	# Past its first byte: kthread() may keep the function pointer itself
	# on the stack, and no return address points there.
	want=$(printf '0x%016x:%d' "$((fn + 1))" "$((fnsize - 1))")
	how="a word in cs_test_sender_fn+1 ($fnhex/$fnsize; the queue callsite $callsite is outside it)"
fi
args=()
IFS=, read -ra ta <<<"$tramps"
for t in "${ta[@]}"; do args+=("$t"); done
res=$("$tool" "$out/vmcore" "$tasks" "${args[@]}" "$want") || fail "stackwords failed"
grep -q "^stack $stask " <<<"$res" || fail "sender task $stask: stack not readable: $res"
scanned=$(grep -c '^stack ' <<<"$res")
[ "$scanned" -eq "$ntask" ] || fail "only $scanned of $ntask task stacks readable: $res"
bad=""
for t in "${ta[@]}"; do
	bad="$bad$(grep "^match [^ ]* $(printf '0x%016x' "$t") " <<<"$res")"
done
[ -z "$bad" ] || fail "return-probe trampoline on a stack (slot, value): $bad"
grep -q "^match $stask $(printf '0x%016x' "$((${want%%:*}))") " <<<"$res" ||
	fail "return address into the waiter's caller ($how) is not on the sender's stack (replaced by a trampoline?)"
pcpu=$(jq -r '.panic.cpu // ""' "$j")
caller="not the panic CPU: backtrace not checked"
if [ "$pcpu" = "$sender" ]; then
	if [ "$want" = "${want%:*}" ]; then	# that exact return address
		caller=$(jq -r --arg a "$want" \
			'[.panic_cpu_frames[]? | select(.addr == $a) | .fn // empty |
			  select(startswith("cs_test_sender_fn"))][0] // ""' "$j")
	else
		caller=$(jq -r '[.panic_cpu_frames[]?.fn // empty |
				 select(startswith("cs_test_sender_fn"))][0] // ""' "$j")
	fi
	[ -n "$caller" ] ||
		fail "panic CPU backtrace lacks cs_test_sender_fn: $(jq -c '[.panic_cpu_frames[]?.fn]' "$j")"
fi

echo "PASS test_csd_hang_many_stacks $k: no trampoline ($tramps) on $scanned task stacks; return address into the caller on the sender's stack: $how ($caller); ${common#PASS }"
