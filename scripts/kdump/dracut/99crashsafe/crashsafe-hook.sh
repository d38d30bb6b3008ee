#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# dracut pre-pivot hook (kdump initramfs only: /proc/vmcore exists).
# The dump target is not mounted yet: keep the report in /run and on the
# console; kdump's own dmesg/vmcore saving follows.
[ -e /proc/vmcore ] && KDUMP_COREDIR=/run/crashsafe CRASHSAFE_CSDEXTRACT=$(command -v csdextract) /usr/bin/crashsafe-kdump-capture
