#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run csdextract (an ASan+UBSan build) over damaged inputs; every run must
# end with a documented exit code (0, 3, 4 or 5), within a time limit, with
# no sanitizer report, and print a one-line error naming the file.
#
#   test_damaged_dumps.sh CSDEXTRACT WORKDIR [DUMPDIR...]
#
# Synthetic inputs come from test_record_decode --write-elf (next to
# CSDEXTRACT's build dir, or $TEST_RECORD_DECODE). Every DUMPDIR (e.g. a
# harness output dir, or /tmp/dumps) is searched for files named vmcore*,
# and damaged variants of them are made in WORKDIR.
set -u
CSD=$1
WORK=$2
shift 2
GEN=${TEST_RECORD_DECODE:-$(dirname "$(dirname "$CSD")")/test_record_decode}
TMO=${DAMAGED_TIMEOUT:-120}
mkdir -p "$WORK"
# libkdumpfile 0.5.1 itself leaks ~100 bytes on some read errors of
# truncated compressed dumps (allocation inside libkdumpfile.so): not ours.
# Linked statically (the project's 0.5.4 build) its frames carry its
# source paths instead of the module name: match both.
printf 'leak:libkdumpfile.so\nleak:libaddrxlat.so\nleak:/src/kdumpfile/\nleak:/src/addrxlat/\n' >"$WORK/lsan.supp"
export LSAN_OPTIONS=suppressions=$WORK/lsan.supp:print_suppressions=0
# Damaged dumps keep their schema answers to themselves: a private cache,
# not the machine's (root's /var/cache/csdextract, shared with every run).
export CSDEXTRACT_CACHE_DIR=$WORK/schema-cache
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=halt_on_error=1:exitcode=98:print_stacktrace=1
fail=0
n=0
mkdir -p "$WORK"

# run FILE EXPECTED_CODES [extra csdextract args]
run() {
	local f=$1 want=$2 rc
	shift 2
	n=$((n + 1))
	timeout "$TMO" "$CSD" --json ${EXTRA:-} "$@" "$f" >"$WORK/out.json" 2>"$WORK/err.txt"
	rc=$?
	if ! [[ " $want " == *" $rc "* ]]; then
		echo "FAIL: $f ($*): exit $rc, want one of {$want}"
		sed 's/^/    /' "$WORK/err.txt" | head -20
		fail=$((fail + 1))
		return
	fi
	if grep -q 'Sanitizer\|runtime error' "$WORK/err.txt"; then
		echo "FAIL: $f: sanitizer report"; head -20 "$WORK/err.txt"
		fail=$((fail + 1))
		return
	fi
	if [ "$rc" != 0 ] && ! grep -q "csdextract: .*$(basename "$f")" "$WORK/err.txt"; then
		echo "FAIL: $f: exit $rc without an error line naming the file"
		fail=$((fail + 1))
		return
	fi
	if [ "$rc" = 0 ] || [ "$rc" = 3 ] || [ "$rc" = 4 ]; then
		if command -v python3 >/dev/null &&
		   ! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$WORK/out.json" 2>/dev/null; then
			echo "FAIL: $f: invalid JSON (exit $rc)"
			fail=$((fail + 1))
			return
		fi
	fi
	echo "ok: $(basename "$f") $* -> $rc"
}

# flip FILE OFFSET: xor one byte with 0xff
flip() {
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	[ -n "$b" ] || return 0
	printf "$(printf '\\%03o' $((b ^ 255)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# put32 FILE OFFSET VALUE: little-endian u32
put32() {
	local v=$3
	printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((v & 255)) $(((v >> 8) & 255)) \
		$(((v >> 16) & 255)) $(((v >> 24) & 255)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

damage_variants() {	# SRC PREFIX
	local src=$1 p=$2 size off i
	size=$(stat -c %s "$src")
	for frac in 0 1 2 50 90 99; do
		head -c $((size * frac / 100 + (frac == 0 ? 100 : 0))) "$src" >"$p.trunc$frac"
		run "$p.trunc$frac" "0 3 4 5"
	done
	head -c 4096 "$src" >"$p.trunc4k"; run "$p.trunc4k" "3 4 5"
	: >"$p.empty"; run "$p.empty" "5"
	for i in 1 2 3 4 5 6; do
		cp "$src" "$p.hdr$i"
		for off in $(shuf -i 0-4095 -n 16 --random-source=<(yes $i) 2>/dev/null); do
			[ "$off" -lt "$size" ] && flip "$p.hdr$i" "$off"
		done
		run "$p.hdr$i" "0 3 4 5" --no-scan
	done
	# The record itself, when it is stored uncompressed (ELF dumps).
	# The file offset of the root: from the address csdextract reports and
	# the ELF program headers (a plain grep may hit copies of the magic).
	off=
	phys=$("$CSD" --json ${EXTRA:-} "$src" 2>/dev/null | jq -r '.record.phys // empty' 2>/dev/null)
	if [ -n "$phys" ] && command -v readelf >/dev/null; then
		while read -r typ o va pa fsz rest; do
			[ "$typ" = LOAD ] || continue
			if [ $((phys)) -ge $((pa)) ] && [ $((phys)) -lt $((pa + fsz)) ]; then
				off=$((o + phys - pa))
				break
			fi
		done < <(readelf -lW "$src" 2>/dev/null)
	fi
	if [ -n "$off" ]; then
		cp "$src" "$p.recflip"; flip "$p.recflip" $((off + 30)); run "$p.recflip" "4" --record-phys "${phys}"
		cp "$src" "$p.recabsurd"; put32 "$p.recabsurd" $((off + 16)) 4294967295
		run "$p.recabsurd" "3 4"
		cp "$src" "$p.recversion"; put32 "$p.recversion" $((off + 8)) 7
		run "$p.recversion" "3 4"
		cp "$src" "$p.recmagic"; flip "$p.recmagic" "$off"; run "$p.recmagic" "3" --no-scan
		for i in 1 2 3 4 5 6 7 8; do
			cp "$src" "$p.rec$i"
			for o in $(shuf -i 8-959 -n 4 --random-source=<(yes $i) 2>/dev/null); do
				[ $((off + o)) -lt "$size" ] && flip "$p.rec$i" $((off + o))
			done
			run "$p.rec$i" "0 3 4"
		done
	fi
}

# ---- synthetic ------------------------------------------------------------
if [ -x "$GEN" ]; then
	"$GEN" --write-elf "$WORK/syn.elf" && run "$WORK/syn.elf" "0"
	run "$WORK/syn.elf" "0" --record-phys 0x100000
	# Content of the report on the synthetic record (built by test_record_decode).
	if command -v jq >/dev/null; then
		q=$(jq -r '[.record.found_by, .record.status, .csd_hangs[0].source_cpu,
			.csd_hangs[0].target_cpu, .csd_hangs[0].verdict, .cpus[1].stop,
			([.events[] | select(.inferred)] | length)] | @tsv' "$WORK/out.json")
		want=$(printf 'option\tok\t0\t1\tnoipi\tnmi\t1')
		[ "$q" = "$want" ] || { echo "FAIL: synthetic JSON content: got '$q' want '$want'"; fail=$((fail + 1)); }
	fi
	"$CSD" "$WORK/syn.elf" >"$WORK/syn.txt" 2>/dev/null
	for pat in 'csd: Detected non-responsive CSD lock (#1) on CPU#0, waiting 5000000003 ns for CPU#01' \
		   'csd: CSD lock (#1) unresponsive.' 'csd: cnt(0000000): 0000->0001 queue' \
		   '0000->0001 noipi (inferred)' 'Crash time:  2026-11-18' 'found by scan'; do
		grep -qF "$pat" "$WORK/syn.txt" || { echo "FAIL: synthetic text lacks '$pat'"; fail=$((fail + 1)); }
	done
	run "$WORK/syn.elf" "0" --all
	run "$WORK/syn.elf" "0" --record-phys 0x2000	# wrong hint, falls back
	run "$WORK/syn.elf" "0" --no-hints
	if command -v jq >/dev/null; then
		q=$(jq -r '.record.found_by' "$WORK/out.json")
		[ "$q" = scan ] || { echo "FAIL: synthetic --no-hints: found by '$q', want scan"; fail=$((fail + 1)); }
	fi
	"$GEN" --write-elf-absurd "$WORK/syn-absurd.elf" && run "$WORK/syn-absurd.elf" "4"
	"$GEN" --write-elf-completed "$WORK/syn-done.elf" && run "$WORK/syn-done.elf" "0"
	if command -v jq >/dev/null; then
		q=$(jq -r '.csd_hangs[0] | [.verdict_recorded, .verdict, .completed] | @tsv' "$WORK/out.json")
		want=$(printf 'lost_ipi\tunknown\ttrue')
		[ "$q" = "$want" ] || { echo "FAIL: completed CSD still blamed on the IPI: got '$q' want '$want'"; fail=$((fail + 1)); }
	fi
	# Hook liveness (record 1.2): all live on syn.elf; on syn-nohooks.elf the
	# IPI-send hook was not live, so the rings' noipi must not stand.
	if command -v jq >/dev/null; then
		"$CSD" --json "$WORK/syn.elf" >"$WORK/syn.json" 2>/dev/null
		q=$(jq -r '[.record.hooks.recorded, (.record.hooks.missing | length),
			.record.modules_dropped, .csd_hangs[0].verdict,
			(.csd_hangs[0].verdict_reason == null), .log[0].level] | @tsv' "$WORK/syn.json")
		want=$(printf 'true\t0\t0\tnoipi\ttrue\talert')
		[ "$q" = "$want" ] || { echo "FAIL: synthetic hooks all live: got '$q' want '$want'"; fail=$((fail + 1)); }
	fi
	"$GEN" --write-elf-nohooks "$WORK/syn-nohooks.elf" && run "$WORK/syn-nohooks.elf" "0"
	if command -v jq >/dev/null; then
		q=$(jq -r '[.record.hooks.recorded, (.record.hooks.missing | join(",")),
			.record.modules_dropped, .csd_hangs[0].verdict_recorded, .csd_hangs[0].verdict,
			(.csd_hangs[0].verdict_reason // "" | test("noipi.*ipi_send")),
			([.events[] | select(.inferred)] | length)] | @tsv' "$WORK/out.json")
		want=$(printf 'true\tipi_send\t3\tnoipi\tunknown\ttrue\t0')
		[ "$q" = "$want" ] || { echo "FAIL: verdict without its hook: got '$q' want '$want'"; fail=$((fail + 1)); }
	fi
	"$CSD" "$WORK/syn-nohooks.elf" >"$WORK/syn-nohooks.txt" 2>/dev/null
	for pat in 'NOT live: ipi_send' '3 loaded modules did not fit' \
		   'verdict: unknown: evidence missing: verdict noipi relies on the ipi_send hook'; do
		grep -qF "$pat" "$WORK/syn-nohooks.txt" || { echo "FAIL: nohooks text lacks '$pat'"; fail=$((fail + 1)); }
	done
	grep -qF 'Hooks:       all live' "$WORK/syn.txt" || { echo "FAIL: synthetic text lacks 'Hooks: all live'"; fail=$((fail + 1)); }
	head -c 100000 /dev/urandom >"$WORK/random.bin"; run "$WORK/random.bin" "5"
	printf '\177ELF\002\001\001' >"$WORK/elfhead.bin"; run "$WORK/elfhead.bin" "5"
	printf 'makedumpfile\0\0\0\0' >"$WORK/flat.bin"; run "$WORK/flat.bin" "5"
	run "$WORK/does-not-exist" "5"
	damage_variants "$WORK/syn.elf" "$WORK/syn"
	# usage errors
	"$CSD" >/dev/null 2>&1; [ $? = 2 ] || { echo "FAIL: no args: not exit 2"; fail=$((fail + 1)); }
	"$CSD" --bogus x >/dev/null 2>&1; [ $? = 2 ] || { echo "FAIL: bad option: not exit 2"; fail=$((fail + 1)); }
	"$CSD" --record-phys zz x >/dev/null 2>&1; [ $? = 2 ] || { echo "FAIL: bad address: not exit 2"; fail=$((fail + 1)); }
	"$CSD" --help >/dev/null 2>&1 || { echo "FAIL: --help"; fail=$((fail + 1)); }
else
	echo "note: $GEN missing, synthetic inputs skipped"
fi

# ---- real dumps -------------------------------------------------------------
# le32 FILE OFFSET: a little-endian u32 of the file
le32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }

# mmap_vs_read FILE: the file cut short (in a compressed dump's bitmap,
# which is read whole, so past the end; at 1% and 50%) is read the same
# through the mapping (SIGBUS past the end: a page of zeros) as with
# read(2): same exit, same JSON but dump.warning.
sigbus_seen=0
mmap_vs_read() {
	local f=$1 size cut pct ra rb bs sub bm len label
	size=$(stat -c %s "$f")
	for pct in bitmap 1 50; do
		cut=$WORK/cut$pct
		if [ $pct = bitmap ]; then
			# disk_dump_header: block_size, sub_hdr_size, bitmap_blocks at 428
			[ "$(head -c 8 "$f")" = "KDUMP   " ] || continue
			bs=$(le32 "$f" 428) sub=$(le32 "$f" 432) bm=$(le32 "$f" 436)
			len=$((bs * (1 + sub) + bs * bm / 2 + 1000))
			[ "$bs" -gt 0 ] && [ "$len" -lt "$size" ] || continue
		else
			len=$((size * pct / 100 + 1234))
		fi
		head -c "$len" "$f" >"$cut"
		label=$pct
		[ $pct = bitmap ] || label=$pct%
		CSDEXTRACT_MMAP=never timeout "$TMO" "$CSD" --json --no-scan --no-cache "$cut" \
			>"$WORK/read.json" 2>"$WORK/read.err"
		ra=$?
		timeout "$TMO" "$CSD" --json --no-scan --no-cache "$cut" >"$WORK/map.json" 2>"$WORK/map.err"
		rb=$?
		n=$((n + 1))
		if [ "$ra" != "$rb" ] || grep -q 'Sanitizer\|runtime error' "$WORK/map.err" ||
		   ! cmp -s <(jq -S 'del(.dump.warning)' "$WORK/read.json" 2>&1) \
			    <(jq -S 'del(.dump.warning)' "$WORK/map.json" 2>&1); then
			echo "FAIL: $f cut at $label ($len bytes): mapped read differs from read(2) (exit $rb vs $ra)"
			head -5 "$WORK/map.err"
			fail=$((fail + 1))
			continue
		fi
		if jq -e '.dump.warning // "" | test("unreadable .past its end")' "$WORK/map.json" >/dev/null; then
			sigbus_seen=$((sigbus_seen + 1))
		fi
		echo "ok: $(basename "$f") cut at $label ($len bytes): mapped = read(2), exit $rb, $(jq -r '.dump.warning // "no warning"' "$WORK/map.json")"
	done
	rm -f "$WORK"/cut*
}

k=0
for dir in "$@"; do
	while IFS= read -r v; do
		k=$((k + 1))
		run "$v" "0 3 4"
		# The scan alone (no cmdline/log hint) must find the same record:
		# skipping the pages the dump holds no data for loses nothing.
		phys=$(jq -r '.record.phys // empty' "$WORK/out.json" 2>/dev/null)
		# Text and JSON name every frame alike (#0 as %pS, the rest %pB).
		if [ -n "$phys" ]; then
			jq -r '(.cpus[].frames, .csd_hangs[].target_frames, .hard_lockups[].frames)
				| to_entries[] | "#\(.key) \(.value.addr) \(.value.symbol // "?")"' \
				"$WORK/out.json" | sort -u >"$WORK/frames.json"
			"$CSD" ${EXTRA:-} "$v" 2>/dev/null | sed -n 's/^ *\(#[0-9]* 0x[0-9a-f]* .*\)$/\1/p' |
				sort -u >"$WORK/frames.txt"
			# The hang that caused the panic: the report's first line
			# is the kernel's own panic line ("%pS(%ps)", NULL info 0x0).
			dm=$(dirname "$v")/dmesg.txt
			want=$(sed -n 's/^.*Kernel panic - not syncing: \(csd: Detected .*\)$/\1/p' "$dm" 2>/dev/null | head -n 1)
			got=$("$CSD" ${EXTRA:-} "$v" 2>/dev/null | sed -n 's/^\(csd: Detected .*\)  \[caused the panic\]$/\1/p' | head -n 1)
			if [ -n "$want" ] && [ "$got" != "$want" ]; then
				echo "FAIL: $v: csd line differs from the kernel's panic line:"
				printf '    got:  %s\n    want: %s\n' "$got" "$want"
				fail=$((fail + 1))
			fi
			# A return address (frame > 0, %pB) never names f+0x0.
			bad=$(jq -r '(.cpus[].frames, .csd_hangs[].target_frames, .hard_lockups[].frames)
				| to_entries[] | select(.key > 0 and ((.value.symbol // "") | test("\\+0x0/")))
				| .value.symbol' "$WORK/out.json" | head -n 3)
			if [ -n "$bad" ]; then
				echo "FAIL: $v: return-address frames at +0x0 (not %pB): $bad"
				fail=$((fail + 1))
			fi
			if [ ! -s "$WORK/frames.txt" ] ||
			   [ -n "$(comm -23 "$WORK/frames.txt" "$WORK/frames.json")" ]; then
				echo "FAIL: $v: text frames differ from JSON frames:"
				comm -23 "$WORK/frames.txt" "$WORK/frames.json" | head -5
				fail=$((fail + 1))
			fi
		fi
		if [ -n "$phys" ]; then
			run "$v" "0 4" --no-hints
			q=$(jq -r '[.record.found_by, .record.phys] | @tsv' "$WORK/out.json" 2>/dev/null)
			[ "$q" = "$(printf 'scan\t%s' "$phys")" ] ||
				{ echo "FAIL: $v --no-hints: got '$q', want scan at $phys"; fail=$((fail + 1)); }
		fi
		# Variants skip the physical-memory scan (slow under ASan on
		# GiB-sized dumps); the record is found through the dump's log.
		EXTRA=--no-scan damage_variants "$v" "$WORK/real$k"
		rm -f "$WORK/real$k".*
		case $v in *.elf) ;; *) command -v jq >/dev/null && mmap_vs_read "$v" ;; esac
	done < <(find "$dir" -type f -name 'vmcore*' 2>/dev/null | sort)
done
# The cuts went past the end of the file somewhere: the SIGBUS path ran.
if [ "$k" -gt 0 ] && command -v jq >/dev/null && [ "$sigbus_seen" = 0 ]; then
	echo "FAIL: no cut dump was read past its end through the mapping (SIGBUS path not run)"
	fail=$((fail + 1))
fi

echo "test_damaged_dumps: $n runs, $fail failures"
[ "$fail" = 0 ]
