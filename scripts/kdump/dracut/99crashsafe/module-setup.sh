#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dracut module for Fedora/RHEL kdump initramfs: run csdextract on
# /proc/vmcore before the kdump module saves the dump.
# Install: copy this directory to /usr/lib/dracut/modules.d/99crashsafe and
# add "dracut_args --add crashsafe" to /etc/kdump.conf, then
# `kdumpctl rebuild` (the crashsafe package ships the capture script as /usr/lib/crashsafe/kdump-capture).

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
