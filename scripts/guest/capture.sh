# SPDX-License-Identifier: GPL-2.0
# Capture-kernel side of the QEMU harness; sourced by /init (busybox ash)
# when /proc/vmcore exists.  Everything lands in /out (9p share or disk):
#   report-capture.txt   csdextract /proc/vmcore (also echoed to the console)
#   csdextract-capture.rc  its exit code
#   vmcore               makedumpfile -c -d 31 (23: see dump_level)
#   vmcore.elf           makedumpfile -E -d 31   (SAVE_ELF=1)
#   vmcore.flat          makedumpfile -F -c -d 31 (KEEP_FLAT=1)
#   dmesg.txt            makedumpfile --dump-dmesg
#   capture.status       one "step rc" line per step

# The dump level: 31, except 23 (user pages kept) when makedumpfile is
# older than 1.7.6 and the kernel 6.10 or newer, or makedumpfile 1.7.6 or
# older and the kernel 7.1 or newer. Those makedumpfiles do
# not know the page_type encoding of 6.10+ and their user-page test (-d 8)
# drops slab pages: on bookworm's 6.12 with its makedumpfile 1.7.2, -d 31
# lost the task_struct of hung-task's rwsem owner and -d 8 alone lost
# every culprit, while -d 23 (and trixie's 1.7.6 with -d 31) kept them.
# The same for 1.7.6 (trixie's, the newest Debian has) on 7.1+, whose
# VMCOREINFO says page.compound_info where 1.7.6 expects compound_head: on
# 7.3 with -d 31 the first page of 17 of 66 task_structs was left out
# (csdextract says "state ?"), among them hung-task's completion waiter.
dump_level() {
	mv=$(makedumpfile -v 2>&1 | sed -n 's/.*version \([0-9]*\)\.\([0-9]*\)\.\([0-9]*\).*/\1 \2 \3/p' | head -n1)
	kv=$(uname -r | sed -n 's/^\([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
	set -- $mv $kv
	[ $# -eq 5 ] || { echo 31; return; }
	m=$(($1 * 10000 + $2 * 100 + $3)) k=$(($4 * 100 + $5))
	if { [ $m -lt 10706 ] && [ $k -ge 610 ]; } || { [ $m -le 10706 ] && [ $k -ge 701 ]; }; then
		echo 23
	else
		echo 31
	fi
}

capture_main() {
	say "crashsafe-capture: start ($KVER, cmdline: $(cat /proc/cmdline))"
	mount_out
	if ! grep -q " /out " /proc/mounts; then
		say "crashsafe-capture: no /out ($OUT_MODE), nothing can be saved"
		return 1
	fi
	: > /out/capture.status
	if [ -x /usr/bin/csdextract ]; then
		say "crashsafe-capture: running csdextract /proc/vmcore"
		# Bounded: the dump matters more than the report.
		timeout 150 csdextract /proc/vmcore > /out/report-capture.txt 2> /out/report-capture.err
		rc=$?
		echo "$rc" > /out/csdextract-capture.rc
		echo "csdextract $rc" >> /out/capture.status
		say "crashsafe-capture: csdextract rc=$rc"
		say "----- csdextract report (capture kernel) -----"
		cat /out/report-capture.txt /out/report-capture.err > /dev/console
		say "----- end of report -----"
	else
		say "crashsafe-capture: csdextract not in the initramfs, skipped"
		echo "csdextract missing" >> /out/capture.status
	fi
	dl=$(dump_level)
	say "crashsafe-capture: makedumpfile -c -d $dl"
	makedumpfile -c -d $dl /proc/vmcore /out/vmcore.part > /out/makedumpfile.log 2>&1
	rc=$?
	echo "makedumpfile $rc" >> /out/capture.status
	[ $rc -eq 0 ] && mv /out/vmcore.part /out/vmcore
	say "crashsafe-capture: makedumpfile rc=$rc"
	if [ "${SAVE_ELF:-0}" = 1 ]; then
		makedumpfile -E -d $dl /proc/vmcore /out/vmcore.elf.part >> /out/makedumpfile.log 2>&1
		rc=$?
		echo "makedumpfile-elf $rc" >> /out/capture.status
		[ $rc -eq 0 ] && mv /out/vmcore.elf.part /out/vmcore.elf
		say "crashsafe-capture: makedumpfile -E rc=$rc"
	fi
	if [ "${KEEP_FLAT:-0}" = 1 ]; then
		makedumpfile -F -c -d $dl /proc/vmcore > /out/vmcore.flat.part 2>> /out/makedumpfile.log
		rc=$?
		echo "makedumpfile-flat $rc" >> /out/capture.status
		[ $rc -eq 0 ] && mv /out/vmcore.flat.part /out/vmcore.flat
		say "crashsafe-capture: makedumpfile -F rc=$rc"
	fi
	makedumpfile --dump-dmesg /proc/vmcore /out/dmesg.txt >> /out/makedumpfile.log 2>&1
	rc=$?
	echo "dmesg $rc" >> /out/capture.status
	say "crashsafe-capture: dump-dmesg rc=$rc"
	sync
	umount /out
	say "crashsafe-capture: done"
}
