#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install csdextract into the kdump capture path of this machine, so that
# every crash gets a crashsafe report next to the dump.
#   Debian (kdump-tools): /usr/local/sbin/{csdextract,crashsafe-kdump-capture}
#     and a kdump-tools-dump.service drop-in (ExecStartPre).
#   Fedora/RHEL (kdumpctl + dracut): the 99crashsafe dracut module and
#     "dracut_args --add crashsafe" in /etc/kdump.conf, then kdumpctl rebuild.
#   scripts/kdump/install.sh [--dry-run]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/scripts/kdump
dry=0
[ "${1:-}" = --dry-run ] && dry=1
run() { echo "+ $*"; [ $dry = 1 ] || "$@"; }

csdx=$top/userspace/csdextract
[ -x "$csdx" ] || { echo "build csdextract first (make)"; exit 1; }
[ $dry = 1 ] || [ "$(id -u)" = 0 ] || { echo "run as root"; exit 1; }

run install -m 755 "$csdx" /usr/local/sbin/csdextract
run install -m 755 "$here/crashsafe-kdump-capture" /usr/local/sbin/crashsafe-kdump-capture

if systemctl cat kdump-tools-dump.service >/dev/null 2>&1 || [ -x /usr/sbin/kdump-config ]; then
	run install -D -m 644 "$here/debian/crashsafe.conf" \
		/etc/systemd/system/kdump-tools-dump.service.d/crashsafe.conf
	run systemctl daemon-reload
	echo "Debian kdump-tools: reports go to /var/crash/crashsafe-<stamp>.txt"
elif command -v kdumpctl >/dev/null 2>&1; then
	run mkdir -p /usr/lib/dracut/modules.d/99crashsafe
	run install -m 755 "$here"/dracut/99crashsafe/*.sh /usr/lib/dracut/modules.d/99crashsafe/
	if ! grep -q -- '--add crashsafe' /etc/kdump.conf; then
		if [ $dry = 1 ]; then
			echo "+ echo 'dracut_args --add crashsafe' >> /etc/kdump.conf"
		else
			echo 'dracut_args --add crashsafe' >> /etc/kdump.conf
		fi
	fi
	run kdumpctl rebuild
	echo "kdumpctl: the report is printed on the console and kept in /run/crashsafe in the capture initramfs"
else
	echo "no kdump-tools or kdumpctl found: install and configure kdump first"
	exit 1
fi
