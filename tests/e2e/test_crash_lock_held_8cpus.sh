#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# crash-lock-held with 8 CPUs: CPU#5 holds a spinlock with interrupts off
# when CPU#0 crashes; the crash stop must stop CPU#5 by NMI and the six
# others by the regular IPI, and the vmcore must carry 8 NT_PRSTATUS notes.
#   usage: tests/e2e/test_crash_lock_held_8cpus.sh 6.12|6.1
exec bash "$(dirname "$0")/test_crash_lock_held.sh" "$1" 8 5
