# SPDX-License-Identifier: GPL-2.0
# Scenario "csd-hang": CPU $ARG_victim (default 1) spins with interrupts off
# while CPU $ARG_sender (default 0) waits for it in smp_call_function_single()
# (--arg call=single, the default) or in smp_call_function_many() on all
# other online CPUs (--arg call=many: the victim never answers, the other
# targets do). crashsafe.ko must report the non-responsive CSD after
# csd_timeout_ms (default 5000), NMI-capture the victim and panic
# (panic_on_csd_hang=1). --arg lost_ipi=1: the victim keeps interrupts on
# and the sender's IPI to it is dropped (a lost IPI; call=single only).
# --arg busy=1: the victim is stuck in an earlier callback of the sender's.
# --arg fail_hooks=BITS: crashsafe.ko refuses those hook kinds (CS_HOOK_*).
# --arg migrate=N: N short hangs whose waiter migrates mid-wait (no report
# allowed), then the real hang, with a migrating waiter (call=single).
# shellcheck disable=SC2034  # read by the harness that sources this file
SCENARIO_TIMEOUT=240
# shellcheck disable=SC2034
SCENARIO_CMDLINE=""

scenario_params() {
	echo "panic_on_csd_hang=1 csd_timeout_ms=${ARG_timeout_ms:-5000} fail_hooks=${ARG_fail_hooks:-0}"
}

scenario_run() {
	victim=${ARG_victim:-1}
	sender=${ARG_sender:-0}
	call=${ARG_call:-single}
	echo "scenario: csd hang, victim cpu $victim, sender cpu $sender, call $call" > /dev/console
	# For stack checks on the dump (test_csd_hang_many_stacks.sh): the
	# return-probe trampolines this boot. Before the victim spins: once it
	# does, a process that exits can hang in a TLB flush to it.
	grep -E " (__kretprobe_trampoline|arch_rethook_trampoline|rethook_trampoline)\$" \
		/proc/kallsyms | sed 's/^/scenario: kallsyms /' > /dev/console
	insmod "$MODDIR"/crashsafe_test_csd.ko victim="$victim" sender="$sender" call="$call" \
		lost_ipi="${ARG_lost_ipi:-0}" busy="${ARG_busy:-0}" migrate="${ARG_migrate:-0}"
	# The sender function's address (its size is in the module's own
	# console line). A shell builtin: a forked process could hang in a
	# TLB flush to the spinning victim.
	read -r fn < /sys/module/crashsafe_test_csd/parameters/sender_fn &&
		echo "scenario: sender_fn $fn" > /dev/console
	echo "scenario: cpu $sender waits for cpu $victim, waiting for the detector" > /dev/console
	sleep 120
}
