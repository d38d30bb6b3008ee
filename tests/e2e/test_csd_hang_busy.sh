#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# csd-hang where the target is busy in a prior callback: the sender
# (CPU#0) first sends CPU#1 an asynchronous request whose callback never
# returns, then waits on a second one. The verdict must be busy_prior (the
# IPI is not the culprit), and the victim, spinning in interrupt context,
# must be stopped by NMI.
#   usage: tests/e2e/test_csd_hang_busy.sh 6.12|6.1
CSD_HANG_ARGS="--arg busy=1" EXPECT_VERDICT=busy_prior EXPECT_VICTIM_STOP=nmi \
	exec bash "$(dirname "$0")/test_csd_hang.sh" "$1" 2 1 0
