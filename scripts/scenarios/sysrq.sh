# SPDX-License-Identifier: GPL-2.0
# Scenario "sysrq": crash on purpose with echo c > /proc/sysrq-trigger,
# from CPU $ARG_cpu (default 0), with crashsafe.ko loaded.
SCENARIO_TIMEOUT=120
SCENARIO_CMDLINE=""

scenario_params() {
	echo ""
}

scenario_run() {
	cpu=${ARG_cpu:-0}
	mask=$(printf '%x' $((1 << cpu)))
	echo "scenario: sysrq crash on cpu $cpu" > /dev/console
	sync
	taskset "$mask" sh -c 'echo c > /proc/sysrq-trigger'
}
