#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# csd-hang with a lost IPI: the victim (CPU#1) keeps interrupts enabled,
# and the sender's (CPU#0) IPI to it is dropped at the APIC driver after
# crashsafe saw it sent. The verdict must be lost_ipi, and the victim, which
# still takes interrupts, must be stopped by the crash stop's regular IPI.
#   usage: tests/e2e/test_csd_hang_lost_ipi.sh 6.12|6.1
CSD_HANG_ARGS="--arg lost_ipi=1" EXPECT_VERDICT=lost_ipi EXPECT_VICTIM_STOP=ipi \
	exec bash "$(dirname "$0")/test_csd_hang.sh" "$1" 2 1 0
