# SPDX-License-Identifier: GPL-2.0
# Scenario "lockdown-view": with crashsafe.ko loaded and the capture kernel
# armed, raise kernel lockdown to "integrity" (what Secure Boot turns on;
# an unsigned module could not be loaded after that, so it is raised at run
# time), then read crashsafe's root-only live views in debugfs, which
# lockdown leaves readable because they are read-only files without
# ioctl/mmap (fs/debugfs/file.c debugfs_locked_down()). Results go to
# $OUT/lockdown-view.txt; then a sysrq crash checks that the dump and record
# are still taken under lockdown.
# shellcheck disable=SC2034  # read by the harness that sources this file
SCENARIO_TIMEOUT=120

scenario_params() {
	echo ""
}

scenario_run() {
	r=$OUT/lockdown-view.txt
	d=/sys/kernel/debug/crashsafe
	mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
	{
		echo "before: $(cat /sys/kernel/security/lockdown 2>&1)"
		echo integrity > /sys/kernel/security/lockdown
		echo "after: $(cat /sys/kernel/security/lockdown 2>&1)"
		# Evidence that lockdown is on: unsigned modules are refused.
		if insmod "$MODDIR"/crashsafe_test_lockup.ko 2>/dev/null; then
			echo "unsigned insmod: allowed"
		else
			echo "unsigned insmod: refused"
		fi
		for f in status log record; do
			if head -c 65536 "$d/$f" > /tmp/view.$f 2>/tmp/view.err; then
				echo "read $f: ok $(wc -c < /tmp/view.$f) bytes"
			else
				echo "read $f: FAILED $(cat /tmp/view.err)"
			fi
		done
		echo "status head: $(head -n 2 /tmp/view.status | tr '\n' ' ')"
	} > "$r" 2>&1
	sync
	echo "scenario: lockdown view: $(tr '\n' ';' < "$r")" > /dev/console
	echo c > /proc/sysrq-trigger
}
