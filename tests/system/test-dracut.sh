#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The dracut step alone (make test-system runs it inside the trixie chain):
# boot the trixie image, let kdump-tools load the initramfs that dracut 106
# built at image time with the crashsafe package's 99crashsafe module
# (checked with lsinitrd then) as the capture initramfs, crash, and check
# that its pre-pivot hook ran csdextract on /proc/vmcore.
#   tests/system/test-dracut.sh      (output: build/system/trixie-dracut/)
SYSTEM_OUT_SUFFIX=-dracut exec "$(dirname "$0")/run.sh" trixie dracut
