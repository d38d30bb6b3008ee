#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# dracut pre-pivot hook (sourced by dracut's init; acts in a kdump capture
# initramfs only: /proc/vmcore exists). The dump target is not mounted yet:
# the report goes to /run/crashsafe/<stamp>/ (kept across switch_root) and
# a summary to the console; kdump's own saving follows.
if [ -e /proc/vmcore ]; then
	KDUMP_COREDIR=/run/crashsafe CRASHSAFE_CSDEXTRACT=$(command -v csdextract) \
		/usr/bin/crashsafe-kdump-capture
fi
