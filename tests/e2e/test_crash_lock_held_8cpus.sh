#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# crash-lock-held with 8 CPUs: CPU#5 holds a spinlock with interrupts off
# when CPU#0 crashes; the crash stop must stop CPU#5 by NMI and the six
# others by the regular IPI, and the vmcore must carry 8 NT_PRSTATUS notes.
# Single-threaded TCG: with 8 vCPUs on a 2-core host, multi-threaded TCG
# once hung insmod in text_poke_bp (a vCPU kept executing a stale int3 in
# the call-function IPI handler while its tracepoint was being enabled;
# see the README). Single-threaded TCG was also faster here (59 s vs 160 s).
#   usage: tests/e2e/test_crash_lock_held_8cpus.sh 6.12|6.1
export QEMU_TCG_THREAD=${QEMU_TCG_THREAD:-single}
exec bash "$(dirname "$0")/test_crash_lock_held.sh" "$1" 8 5
