# SPDX-License-Identifier: GPL-2.0
# Scenario "bench": measurements for `make bench` (scripts/bench.sh), all in
# one guest run, crashsafe_bench.ko on every online CPU at once:
#   for round r in 1..$ARG_rounds (default 3), alternating:
#     IPI round trip without crashsafe.ko           (phase=nomod<r>)
#     insmod crashsafe.ko; IPI round trip with it    (phase=mod<r>)
#     rmmod crashsafe
#   then with crashsafe.ko loaded: recorder cs_event() vs the upstream
#   global-counter design                         (phase=events)
# scenario_params prints "noload": the harness must not load crashsafe.ko
# (if it does anyway, it is removed first).
# Result lines on the console: "scenario: bench phase=P bench: k=v ..."
#   --arg rounds=N --arg events=N --arg ipi_calls=N --arg reps=N
SCENARIO_NOCRASH=1
SCENARIO_TIMEOUT=600	# seconds; a 2-CPU run takes ~1.5 min in the guest
SCENARIO_CMDLINE=""

scenario_params() {
	echo "noload"
}

bench_say() {
	echo "scenario: bench $*" > /dev/console
}

# bench_run PHASE crashsafe_bench-params...
bench_run() {
	ph=$1
	shift
	before=$(dmesg | wc -l)
	insmod "$MODDIR/crashsafe_bench.ko" "$@" ${ARG_events:+events=$ARG_events} \
		${ARG_ipi_calls:+ipi_calls=$ARG_ipi_calls} ${ARG_reps:+reps=$ARG_reps}
	rc=$?
	dmesg | tail -n +$((before + 1)) | grep 'crashsafe_bench: ' |
		sed 's/.*crashsafe_bench: //' | while read -r l; do
			bench_say "phase=$ph $l"
		done
	rmmod crashsafe_bench 2>/dev/null
	if [ $rc -ne 0 ]; then
		bench_say "phase=$ph FAILED: insmod crashsafe_bench $* rc=$rc"
		return 1
	fi
	return 0
}

scenario_run() {
	fail=0
	rounds=${ARG_rounds:-3}
	if [ -d /sys/module/crashsafe ]; then
		bench_say "crashsafe.ko was loaded by the harness; removing it"
		if ! rmmod crashsafe; then
			bench_say "FAILED: cannot rmmod crashsafe"
			return 1
		fi
	fi
	bench_say "cpus=$CPUS kernel=$(uname -r) rounds=$rounds"
	r=1
	while [ $r -le "$rounds" ]; do
		bench_run nomod$r part=ipi || fail=1
		if ! insmod "$MODDIR/crashsafe.ko"; then
			bench_say "FAILED: insmod crashsafe.ko"
			return 1
		fi
		bench_run mod$r part=ipi || fail=1
		if [ $r -lt "$rounds" ] && ! rmmod crashsafe; then
			bench_say "warning: rmmod crashsafe failed; stopping after round $r"
			break
		fi
		r=$((r + 1))
	done
	[ -d /sys/module/crashsafe ] || insmod "$MODDIR/crashsafe.ko" ||
		{ bench_say "FAILED: insmod crashsafe.ko"; return 1; }
	bench_run events part=events || fail=1
	rmmod crashsafe || bench_say "warning: rmmod crashsafe failed"
	bench_say "finished fail=$fail"
	return $fail
}
