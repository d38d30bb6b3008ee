# SPDX-License-Identifier: GPL-2.0
# Scenario "csd-hang-quiet": the csd-hang scenario (CPU $ARG_victim spins
# with interrupts off while CPU $ARG_sender waits for it in
# smp_call_function_single()) on a guest booted with Debian's default
# "quiet" (console_loglevel 4: only KERN_ERR and more urgent reach the
# console). crashsafe.ko's detection report must still reach the console.
# shellcheck disable=SC2034  # read by the harness that sources this file
SCENARIO_TIMEOUT=240
# shellcheck disable=SC2034
SCENARIO_CMDLINE="quiet"

scenario_params() {
	echo "panic_on_csd_hang=1 csd_timeout_ms=${ARG_timeout_ms:-5000}"
}

scenario_run() {
	victim=${ARG_victim:-1}
	sender=${ARG_sender:-0}
	echo "scenario: csd hang (quiet), victim cpu $victim, sender cpu $sender, console_loglevel $(cut -f1 /proc/sys/kernel/printk)" > /dev/console
	insmod "$MODDIR"/crashsafe_test_csd.ko victim="$victim" sender="$sender" call=single
	echo "scenario: cpu $sender waits for cpu $victim, waiting for the detector" > /dev/console
	sleep 120
}
