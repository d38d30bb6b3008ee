# TEMPORARY (csd helper's own check, deleted after use)
SCENARIO_NOCRASH=1
SCENARIO_TIMEOUT=200
scenario_params() { echo "panic_on_csd_hang=1"; }
scenario_run() {
	d=/sys/kernel/debug/crashsafe
	[ -d $d ] || mount -t debugfs debugfs /sys/kernel/debug
	echo "T: param record_phys=$(cat /sys/module/crashsafe/parameters/record_phys)" > /dev/console
	insmod "$MODDIR/crashsafe_workload.ko" duration_s=10 nthreads=1 stat_interval_s=30
	sleep 12
	ls -la $d > /dev/console
	sed 's/^/T: status: /' $d/status > /dev/console
	echo "T: events lines $(grep -c '^cnt(' $d/events)" > /dev/console
	for t in queue ipi noipi ping gotipi handle dequeue hdlend idle; do
		echo "T: type $t $(grep -c " $t " $d/events)" > /dev/console
	done
	grep -E "callsite|cs_test" $d/events | tail -n 14 | sed 's/^/T: ev: /' > /dev/console
	echo "T: record bytes $(wc -c < $d/record) magic $(head -c 8 $d/record)" > /dev/console
	sed 's/^/T: log: /' $d/log | tail -n 5 > /dev/console
	grep crashsafe /proc/modules > /dev/console
	rmmod crashsafe_workload
	rmmod crashsafe && echo "T: rmmod crashsafe ok" > /dev/console
	dmesg | tail -n 5 > /dev/console
	return 0
}
