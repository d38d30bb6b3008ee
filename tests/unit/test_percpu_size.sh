#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# crashsafe.ko's static per-CPU data must stay small: every module shares
# the kernel's reserved per-CPU area for DEFINE_PER_CPU (PERCPU_MODULE_RESERVE,
# 8 KiB on x86_64), and issue 9 found crashsafe.ko taking ~6 KiB of it (the
# CSD tracking tables), so a second module with per-CPU data failed to load.
# Large per-CPU state is allocated at load (alloc_percpu, or one table);
# this checks the .data..percpu sections of every built crashsafe.ko.
#   tests/unit/test_percpu_size.sh [MODULE.ko ...]   (default build/*/kernel/crashsafe.ko)
# Bound: CS_PERCPU_MAX bytes (default 512).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
max=${CS_PERCPU_MAX:-512}
mods=("$@")
if [ ${#mods[@]} -eq 0 ]; then
	shopt -s nullglob
	mods=("$top"/build/*/kernel/crashsafe.ko)
fi
[ ${#mods[@]} -gt 0 ] || { echo "FAIL test_percpu_size: no crashsafe.ko built (make modules)"; exit 1; }
fail=0
for m in "${mods[@]}"; do
	# Sum the sizes of every section whose name starts with .data..percpu.
	hex=$(readelf -S -W "$m" 2>/dev/null | awk '
		{ sub(/^ *\[ *[0-9]+\] */, "") }
		$1 ~ /^\.data\.\.percpu/ { print $5 }') || hex=
	size=0
	for h in $hex; do
		size=$((size + 16#$h))
	done
	if ! readelf -S -W "$m" > /dev/null 2>&1; then
		echo "FAIL test_percpu_size: cannot read sections of $m"
		fail=1
	elif [ "$size" -gt "$max" ]; then
		echo "FAIL test_percpu_size: $m has $size bytes of static per-CPU data (bound $max)"
		fail=1
	else
		echo "PASS test_percpu_size: $m: $size bytes of static per-CPU data (bound $max)"
	fi
done
exit $fail
