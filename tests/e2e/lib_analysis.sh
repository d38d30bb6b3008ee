# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Helpers for the e2e tests of the analysis scenarios (abba, lock-csd,
# percpu-lock, hung-task, softlockup, abba-noload): run the harness (or,
# with E2E_REUSE=1, only re-check the outputs already in $out), read the
# ground truth the test module printed on the guest console, and check
# report.json / report.txt against it (cpus[].task/.waits_for, locks[],
# deadlocks[], hung_tasks[], csd_stats[], verdict: see csdextract(1)).
# Sourced, not run; needs $top, $k, $out
# and an_name / an_what set by an_init.
# shellcheck disable=SC2154  # top, k, out: set by the sourcing test

an_init() { # test-name description
	an_name=$1
	an_what=$2
}

# In a command substitution ($(an_console ...)) exit would end only the
# subshell: the message goes to stderr and the test itself is ended.
fail() {
	if [ "$BASHPID" != "$$" ]; then
		echo "FAIL $an_name $k ($an_what): $*" >&2
		kill -s TERM $$
		exit 1
	fi
	echo "FAIL $an_name $k ($an_what): $*"
	exit 1
}

# The harness run, unless E2E_REUSE=1. Arguments: harness options.
an_run() {
	[ "${E2E_REUSE:-0}" = 1 ] && return 0
	# shellcheck disable=SC2086
	"$top/scripts/qemu-kdump.sh" --kernel "$k" --out "$out" "$@" ${QEMU_KDUMP_OPTS:-} ||
		fail "harness: $(cat "$out/result.txt" 2>/dev/null || echo 'no result')"
}

# report.json must exist and parse; sets $j, $txt, $con. With
# E2E_CSDEXTRACT=<binary> the reports are made anew from $out/vmcore by
# that csdextract (into a temporary directory; $out is not touched), e.g.
# to check a saved output against another build.
an_reports() {
	j=$out/report.json
	txt=$out/report.txt
	con=$out/console.log
	if [ -n "${E2E_CSDEXTRACT:-}" ]; then
		an_tmp=$(mktemp -d /tmp/crashsafe-recheck.XXXXXX)
		trap 'rm -rf "$an_tmp"' EXIT
		j=$an_tmp/report.json
		txt=$an_tmp/report.txt
		"$E2E_CSDEXTRACT" "$out/vmcore" > "$txt" 2>/dev/null
		"$E2E_CSDEXTRACT" --json "$out/vmcore" > "$j" 2>/dev/null
	fi
	jq -e . "$j" >/dev/null 2>&1 || fail "report.json missing or not JSON ($out)"
	[ -s "$txt" ] || fail "report.txt missing ($out)"
	[ -s "$con" ] || fail "console.log missing ($out)"
	an_walk_check
}

# csdextract walks the task list only when the runqueues count a task in
# D state; --all always walks. Both must list the same hung_tasks[] (a
# skipped walk that lost a D task fails here).
an_walk_check() {
	local csdx=${E2E_CSDEXTRACT:-$top/userspace/csdextract} a b
	[ -s "$out/vmcore" ] || return 0
	a=$(jq -c '[.hung_tasks[]? | .pid] | sort' "$j")
	b=$("$csdx" --json --all "$out/vmcore" 2>/dev/null | jq -c '[.hung_tasks[]? | .pid] | sort')
	[ "$a" = "$b" ] || fail "hung_tasks[] pids $a, with --all (task list walked) $b"
	echo "  ok   hung_tasks[] the same with the task list walked (--all): $a"
}

# The first console line matching the extended regex $1, without the
# printk timestamp; fails when there is none.
an_console() {
	local l
	l=$(grep -a -E -m1 -- "$1" "$con" | sed 's/^\[ *[0-9.]*\] //')
	[ -n "$l" ] || fail "console shows no line matching '$1' (ground truth missing)"
	printf '%s\n' "$l"
}

# Field after the word $2 in line $1 ("pid 166" -> 166).
an_field() {
	sed -E -n "s/.*[ (]$2 ([^ ,)]+).*/\1/p" <<<"$1"
}

# jq over report.json with --arg/--argjson pairs already given by the caller.
an_jq() { jq -r "$@" "$j"; }

# Normalised hex address: lower case, no leading zeros.
an_hex() { tr 'A-F' 'a-f' <<<"$1" | sed -E 's/^0x0*([0-9a-f])/0x\1/'; }

# jq definitions shared by the checks.
AN_JQ_DEFS='
def hex: if . == null then null else (tostring | ascii_downcase | sub("^0x0*(?<d>[0-9a-f])"; "0x\(.d)")) end;
def named($sym): . != null and (tostring | test("^" + $sym + "(\\+0x0(/0x[0-9a-f]+)?)?( \\[[A-Za-z0-9_]+\\])?$"));
def pcpu_named($sym; $c): . != null and (tostring | test("^" + $sym + "( \\[[A-Za-z0-9_]+\\])? of CPU \($c)( \\[[A-Za-z0-9_]+\\])?$"));
def cpu($n): [.cpus[]? | select(.cpu == $n)][0];
'

# The cpus[] entry of CPU $1 must run task pid $2 comm $3.
an_check_task() {
	local c=$1 pid=$2 comm=$3 got
	got=$(an_jq --argjson c "$c" "$AN_JQ_DEFS"' cpu($c).task | if . == null then "null" else "\(.pid) \(.comm)" end')
	[ "$got" = "$pid $comm" ] || fail "cpus[$c].task is '$got', expected '$pid $comm' (console)"
}

# CPU $1 must wait for a spinlock at $2 named $3 (symbol, "+0x0" and a
# " [module]" tag allowed) held by CPU $4; with $5 = "pcpu:N", named as
# the per-CPU variable $3 of CPU N ("sym of CPU N", a module tag allowed).
an_check_spin_wait() {
	local c=$1 addr name=$3 owner=$4 how=${5:-sym} w ok
	addr=$(an_hex "$2")
	w=$(an_jq --argjson c "$c" "$AN_JQ_DEFS"' cpu($c).waits_for | tojson')
	ok=$(jq -r --arg a "$addr" --arg n "$name" --arg how "$how" --argjson o "$owner" "$AN_JQ_DEFS"'
		. != null and .kind == "spinlock" and (.lock | hex) == $a and
		(if $how | startswith("pcpu:") then (.lock_name | pcpu_named($n; $how[5:]))
		 else (.lock_name | named($n)) end) and
		.owner_cpu == $o' <<<"$w")
	[ "$ok" = true ] || fail "cpus[$c].waits_for is $w; expected spinlock $addr '$name' held by CPU $owner"
}

# locks[] must have the spinlock at $1 named $2 ($4 = sym / pcpu:N, as above)
# owned by CPU $3 with CPU $5 among its waiters.
an_check_lock() {
	local addr name=$2 owner=$3 how=$4 waiter=$5 l ok
	addr=$(an_hex "$1")
	l=$(an_jq --arg a "$addr" "$AN_JQ_DEFS"' [.locks[]? | select((.addr | hex) == $a)][0] | tojson')
	ok=$(jq -r --arg n "$name" --arg how "$how" --argjson o "$owner" --argjson w "$waiter" "$AN_JQ_DEFS"'
		. != null and
		(if $how | startswith("pcpu:") then (.name | pcpu_named($n; $how[5:]))
		 else (.name | named($n)) end) and
		.owner_cpu == $o and ([.waiters[]? | .cpu] | index($w)) != null' <<<"$l")
	[ "$ok" = true ] || fail "locks[] entry for $addr is $l; expected '$name' owned by CPU $owner, CPU $waiter waiting"
}

# deadlocks[] must have a cycle over exactly the CPUs $1 and $2 whose node
# for CPU $1 waits for something matching $3 held by CPU $2 and whose node
# for CPU $2 waits for something matching $4 (held by CPU $1 when $5 is
# "held", else no holder check); prints the cycle's text.
an_check_cycle() {
	local a=$1 b=$2 wa=$3 wb=$4 hb=${5:-held} d ok
	d=$(an_jq --argjson a "$a" --argjson b "$b" '
		[.deadlocks[]? | select(([.nodes[]? | .cpu] | sort) == ([$a, $b] | sort))][0] | tojson')
	ok=$(jq -r --argjson a "$a" --argjson b "$b" --arg wa "$wa" --arg wb "$wb" --arg hb "$hb" '
		def node($c): [.nodes[] | select(.cpu == $c)][0];
		. != null and (.text | startswith("deadlock: ")) and
		(node($a).waits_for | tostring | test($wa)) and node($a).held_by_cpu == $b and
		(node($b).waits_for | tostring | test($wb)) and
		($hb != "held" or node($b).held_by_cpu == $a)' <<<"$d")
	[ "$ok" = true ] || fail "no deadlocks[] cycle CPU$a -> CPU$b matching /$wa/ and /$wb/: $(an_jq -c '.deadlocks')"
	jq -r .text <<<"$d"
}

# The text report must carry the line $1 verbatim.
an_check_text_line() {
	grep -qF -- "$1" "$txt" ||
		fail "report.txt does not print '$1'"
}

# verdict.kind must be $1.
an_check_verdict_kind() {
	local v
	v=$(an_jq '.verdict.kind // "null"')
	[ "$v" = "$1" ] || fail "verdict.kind is '$v', expected $1 (verdict: $(an_jq -c .verdict))"
}

# The one-line verdict for "not the IPI" stalls: healthy CSD machinery,
# with numbers, and the culprit CPU $1, pid $2, comm $3.
an_check_healthy_verdict() {
	local c=$1 pid=$2 comm=$3 v
	v=$(an_jq -c .verdict)
	[ "$(jq -r .csd_healthy <<<"$v")" = true ] || fail "verdict.csd_healthy is not true: $v"
	jq -e '.text | contains("CSD machinery healthy") and test("[0-9]+ requests")' <<<"$v" >/dev/null ||
		fail "verdict.text does not say 'CSD machinery healthy' with numbers: $v"
	jq -e --argjson c "$c" --argjson p "$pid" --arg m "$comm" \
		'.culprit != null and .culprit.cpu == $c and .culprit.pid == $p and .culprit.comm == $m' \
		<<<"$v" >/dev/null || fail "verdict.culprit is not CPU $c $comm/$pid: $v"
	grep -qF -- "$(jq -r .text <<<"$v")" "$txt" || fail "report.txt does not print the verdict text"
	grep -q 'CSD machinery healthy' "$txt" || fail "report.txt does not say 'CSD machinery healthy'"
}

# csd_stats[] must have callback $1 (symbol prefix) sent mostly by CPU $2,
# at least $3 requests, all completed but at most one still in flight.
an_check_csd_stat() {
	local f=$1 sender=$2 min=$3 s
	s=$(an_jq --arg f "$f" '[.csd_stats[]? | select(.func | startswith($f))][0] | tojson')
	jq -e --argjson s "$sender" --argjson m "$min" '. != null and .requests >= $m and
		.completed >= .requests - 1 and .completed <= .requests and
		.top_senders[0].cpu == $s and (.max_ns | type) == "number" and
		(.p99_ns | type) == "number" and .p99_ns <= .max_ns' <<<"$s" >/dev/null ||
		fail "csd_stats[] entry for $f is $s; expected >= $min requests from CPU $sender, all completed"
	jq -r '"\(.requests) requests, \(.completed) completed, max \(.max_ns) ns, p99 \(.p99_ns) ns"' <<<"$s"
}

# No cycle may be reported.
an_check_no_cycle() {
	local n
	n=$(an_jq 'if (.deadlocks | type) == "array" then .deadlocks | length else "missing" end')
	[ "$n" = 0 ] || fail "deadlocks[] is not an empty array: $(an_jq -c .deadlocks)"
	! grep -q '^ *deadlock: ' "$txt" || fail "report.txt prints a deadlock line"
}
