#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dracut module "crashsafe": in a kdump capture initramfs, run csdextract
# on /proc/vmcore (pre-pivot hook) before the dump is saved. Only included
# when asked for (check returns 255): Fedora/RHEL kdump with
# "dracut_args --add crashsafe" in /etc/kdump.conf, then `kdumpctl rebuild`;
# any dracut with `dracut --add crashsafe`. The crashsafe package installs
# it as /usr/lib/dracut/modules.d/99crashsafe.

check() {
	require_binaries csdextract timeout || return 1
	return 255
}

depends() {
	return 0
}

install() {
	inst_multiple csdextract timeout date mkdir cat head sleep mv rmdir
	inst_simple /usr/lib/crashsafe/kdump-capture /usr/bin/crashsafe-kdump-capture
	inst_hook pre-pivot 00 "$moddir/crashsafe-hook.sh"
}
