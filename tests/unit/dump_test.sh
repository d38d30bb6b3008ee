#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unit tests of csdextract's dump layer (userspace/dump.c, flattened.c,
# printk_log.c, kallsyms.c), built with ASan+UBSan:
#  - on real vmcores (ELF, compressed, flattened): the kernel log equals
#    makedumpfile --dump-dmesg's dmesg.txt byte for byte, the panic message
#    matches, backtrace symbols round-trip;
#  - hostile input: truncated dumps, flipped header bytes, crafted flattened
#    files (absurd offsets/sizes, no end marker, many records), corrupted or
#    failing memory reads under the log and kallsyms parsers;
#  - flattened dumps on both paths (libkdumpfile >= 0.5.4 reads a whole one
#    itself, else the memfd): each real vmcore.flat checked on each path the
#    library has, and re-chunked into records of random sizes, out of order,
#    some written twice, checked again.
# Linked with the libkdumpfile csdextract links (userspace/Makefile): the
# project's static build (scripts/libkdumpfile.sh) when there is one, else
# the system's; LIBKDUMPFILE=system|<prefix> chooses.
# Any sanitizer report, crash or hang (timeout) fails the test.
#
# usage: tests/unit/dump_test.sh [DUMPDIR...]
#   DUMPDIR holds vmcore, vmcore.elf, vmcore.flat and dmesg.txt (any subset);
#   default: $CSD_DUMPS (space-separated) or every /tmp/dumps/<kver>/*/
#   holding a vmcore. DUMP_TEST_FAULT_ROUNDS (150) sets the rounds of
#   corrupted memory reads per dump.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CC=${CC_SAN:-clang}
WORK=$(mktemp -d /tmp/dump_test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
T=$WORK/dump_test
# allocator_may_return_null: libkdumpfile 0.5.1 mallocs whatever size a
# damaged header asks for and handles NULL; ASan would abort instead.
# Its error paths also leak a little (its bug, not ours): suppressed by
# library, our own leaks still fail.
export ASAN_OPTIONS=detect_leaks=1:exitcode=99:abort_on_error=0:allocator_may_return_null=1
# (the module when shared, its source paths when linked statically).
printf 'leak:libkdumpfile.so\nleak:libaddrxlat.so\nleak:/src/kdumpfile/\nleak:/src/addrxlat/\n' > "$WORK/lsan.supp"
export LSAN_OPTIONS=suppressions=$WORK/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=halt_on_error=1:exitcode=98:print_stacktrace=1
fails=0
pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

kdf=${LIBKDUMPFILE:-$("$ROOT/scripts/libkdumpfile.sh" --cached 2>/dev/null || true)}
PC=(pkg-config)
[ -n "$kdf" ] && [ "$kdf" != system ] && PC=(env PKG_CONFIG_PATH="$kdf/lib/pkgconfig" pkg-config --static)

$CC -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer -DDUMP_FAULT_INJECT \
	-std=c11 -Wall -Wextra -Werror \
	-I"$ROOT/userspace" -I"$ROOT/include" $("${PC[@]}" --cflags libkdumpfile) \
	"$ROOT/tests/unit/dump_test.c" "$ROOT/userspace/dump.c" \
	"$ROOT/userspace/flattened.c" "$ROOT/userspace/printk_log.c" \
	"$ROOT/userspace/kallsyms.c" -o "$T" $("${PC[@]}" --libs libkdumpfile) ||
	{ echo "FAIL build"; exit 1; }
libinfo=$("$T" libinfo)
echo "dump_test: $libinfo"
flat_paths=memfd
case "$libinfo" in *"read by libkdumpfile"*) flat_paths="libkdumpfile memfd" ;; esac

# run NAME TIMEOUT ARGS...: must exit 0 (sanitizers exit 98/99, hang 124)
run() {
	local name=$1 to=$2 rc
	shift 2
	timeout "$to" "$T" "$@" > "$WORK/out" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		pass "$name: $(tail -n 1 "$WORK/out")"
	else
		fail "$name (exit $rc)"
		sed 's/^/    /' "$WORK/out" | head -n 30
	fi
}

run "dump_panic on synthetic logs" 60 panic-synth

# ---- crafted flattened files (need no real dump) -----------------------
mkflat() {	# mkflat FILE PYTHON-RECORDS-EXPR
	python3 - "$1" "$2" <<'PY'
import struct, sys
path, recs = sys.argv[1], eval(sys.argv[2])
hdr = b"makedumpfile".ljust(16, b"\0") + struct.pack(">qq", 1, 1)
out = bytearray(hdr.ljust(4096, b"\0"))
for r in recs:
    if isinstance(r, bytes):
        out += r
    else:
        off, size, data = r
        out += struct.pack(">qq", off, size) + data
open(path, "wb").write(out)
PY
}
END='(-1, -1, b"")'
mkflat "$WORK/f-empty" "[]"
mkflat "$WORK/f-noend" "[(0, 4, b'\\x7fELF')]"
mkflat "$WORK/f-hugeoff" "[(1 << 62, 16, b'x' * 16), $END]"
mkflat "$WORK/f-wrapoff" "[((1 << 63) - 8, 16, b'x' * 16), $END]"
mkflat "$WORK/f-negsize" "[(0, -5, b''), $END]"
mkflat "$WORK/f-negoff" "[(-2, 4, b'abcd'), $END]"
mkflat "$WORK/f-sizeeof" "[(0, 1 << 40, b'abcd'), $END]"
mkflat "$WORK/f-sparse" "[((1 << 40) - 16, 16, b'x' * 16), $END]"
mkflat "$WORK/f-zeros" "[(0, 0, b'')] * 200000 + [$END]"
mkflat "$WORK/f-notdump" "[(0, 8, b'notadump'), $END]"
mkflat "$WORK/f-badelf" "[(0, 64, b'\\x7fELF\\x02\\x01\\x01' + b'\\xff' * 57), $END]"
mkflat "$WORK/f-badkdump" "[(0, 64, b'KDUMP   ' + b'\\xff' * 56), $END]"
# whole, with a KDUMP header first: libkdumpfile >= 0.5.4 gets these as they are
KD="b'KDUMP   ' + bytes(range(256)) * 16"
mkflat "$WORK/f-kd-sparse" "[(0, 4104, $KD), ((1 << 40) - 16, 16, b'x' * 16), $END]"
mkflat "$WORK/f-kd-overlap" "[(0, 4104, $KD), (8, 4096, b'\\xff' * 4096), (4, 8, b'\\0' * 8), $END]"
mkflat "$WORK/f-kd-tiny" "[(0, 4104, $KD)] + [(4104 + 3 * i, 1, b'x') for i in range(20000)] + [$END]"
# over FLAT_DIRECT_MAX_RECORDS: the memfd (libkdumpfile 0.5.4 would take
# minutes under ASan: its record map costs O(n^2))
mkflat "$WORK/f-kd-overcap" "[(0, 8, b'KDUMP   ')] + [(8 + 2 * i, 1, b'y') for i in range(70000)] + [$END]"
mkflat "$WORK/f-kd-zerosize" "[(0, 4104, $KD), (8192, 0, b''), $END]"
mkflat "$WORK/f-kd-notfirst" "[(64, 8, b'abcdefgh'), (0, 4104, $KD), $END]"
python3 -c "
import sys; d = bytearray(open('$WORK/f-notdump','rb').read()); d[20] ^= 0xff
open('$WORK/f-badtype','wb').write(d)"
printf 'makedumpfile' > "$WORK/f-short"
: > "$WORK/empty"
printf '\177ELF' > "$WORK/elf4"
printf 'KDUMP   ' > "$WORK/kdump8"
for f in "$WORK"/f-* "$WORK/empty" "$WORK/elf4" "$WORK/kdump8" /dev/null "$WORK"; do
	run "crafted $(basename "$f")" 60 hostile "$f"
	grep -q '^error ' "$WORK/out" || fail "crafted $(basename "$f") was accepted"
done

# the crafted KDUMP-inside files again on the memfd path
if [ "$flat_paths" != memfd ]; then
	for f in "$WORK"/f-kd-* "$WORK/f-badkdump"; do
		CSDEXTRACT_FLAT=memfd run "crafted $(basename "$f") (memfd)" 60 hostile "$f"
		grep -q '^error ' "$WORK/out" || fail "crafted $(basename "$f") (memfd) was accepted"
	done
fi

# ---- real dumps ----------------------------------------------------------
dirs=("$@")
if [ ${#dirs[@]} -eq 0 ]; then
	if [ -n "${CSD_DUMPS:-}" ]; then
		read -r -a dirs <<< "$CSD_DUMPS"
	else
		for d in /tmp/dumps/*/*/; do
			d=${d%/}
			[ -L "$(dirname "$d")" ] && continue	# 6.12 -> full name
			ls "$d"/vmcore* > /dev/null 2>&1 && dirs+=("$d")
		done
	fi
fi
[ ${#dirs[@]} -eq 0 ] && echo "SKIP real-dump tests: no dumps (give DUMPDIRs or set CSD_DUMPS)"

for d in "${dirs[@]}"; do
	for f in vmcore vmcore.elf vmcore.flat; do
		[ -f "$d/$f" ] || continue
		if [ -f "$d/dmesg.txt" ]; then
			run "check $d/$f" 300 check "$d/$f" "$d/dmesg.txt"
		fi
		run "faults $d/$f" 600 faults "$d/$f" "${DUMP_TEST_FAULT_ROUNDS:-150}"
	done

	# flattened: each path, and re-chunked (records of 1..64 KiB in random
	# order, every 7th written again at the end: same bytes, overlapping)
	if [ -f "$d/vmcore.flat" ] && [ -f "$d/dmesg.txt" ]; then
		for m in $flat_paths; do
			e=; [ "$m" = memfd ] && e=memfd
			CSDEXTRACT_FLAT=$e DUMP_TEST_FLAT=$m run "check $d/vmcore.flat ($m)" 300 \
				check "$d/vmcore.flat" "$d/dmesg.txt"
		done
		python3 - "$d/vmcore.flat" "$WORK/rechunk" <<'PY'
import random, struct, sys
src, dst = sys.argv[1], sys.argv[2]
rng = random.Random(7)
recs = []
with open(src, "rb") as f:
    f.seek(4096)
    while True:
        off, size = struct.unpack(">qq", f.read(16))
        if off == -1:
            break
        data = f.read(size)
        i = 0
        while i < size:
            n = min(size - i, rng.randint(1, 65536))
            recs.append((off + i, data[i:i + n]))
            i += n
first = recs[0]
rest = recs[1:]
rng.shuffle(rest)
# records may come in any order; a duplicate with the same bytes is harmless
dups = [r for k, r in enumerate(rest) if k % 7 == 0]
with open(dst, "wb") as o:
    with open(src, "rb") as f:
        o.write(f.read(4096))
    for off, data in [first] + rest + dups:
        o.write(struct.pack(">qq", off, len(data)) + data)
    o.write(struct.pack(">qq", -1, -1))
print(len(recs) + len(dups), "records")
PY
		for m in $flat_paths; do
			e=; [ "$m" = memfd ] && e=memfd
			# more than FLAT_DIRECT_MAX_RECORDS go to the memfd whatever the library
			n=$(python3 -c "import struct,sys
f=open(sys.argv[1],'rb'); f.seek(4096); n=0
while True:
    o,s=struct.unpack('>qq',f.read(16))
    if o==-1: break
    n+=1; f.seek(s,1)
print(n)" "$WORK/rechunk")
			want=$m; [ "$n" -gt 65536 ] && want=memfd
			CSDEXTRACT_FLAT=$e DUMP_TEST_FLAT=$want run "check re-chunked vmcore.flat, $n records ($m)" 300 \
				check "$WORK/rechunk" "$d/dmesg.txt"
		done
		rm -f "$WORK/rechunk"
	fi

	# truncated copies (compressed and flattened: cheap to copy)
	for f in vmcore vmcore.flat; do
		[ -f "$d/$f" ] || continue
		size=$(stat -c %s "$d/$f")
		for n in 1 64 4095 4096 4112 8192 65536 $((size / 3)) $((size - 1)); do
			head -c "$n" "$d/$f" > "$WORK/trunc"
			run "truncated $f to $n" 120 hostile "$WORK/trunc"
		done
	done
	if [ -f "$d/vmcore.elf" ]; then
		for n in 64 4096 65536 1048576; do
			head -c "$n" "$d/vmcore.elf" > "$WORK/trunc"
			run "truncated vmcore.elf to $n" 120 hostile "$WORK/trunc"
		done
	fi

	# flipped header bytes: one copy, flip, test, restore
	for f in vmcore vmcore.flat; do
		[ -f "$d/$f" ] || continue
		cp "$d/$f" "$WORK/flip"
		for seed in $(seq 1 40); do
			python3 - "$WORK/flip" "$seed" "$f" > "$WORK/flip.undo" <<'PY'
import random, sys
path, seed, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rng = random.Random(seed)
# compressed: disk_dump_header, sub header, bitmaps start at 0..;
# flattened: 4 KiB header, then the first records (the dump's header)
span = 4096 * 3 if kind == "vmcore" else 4096 + 16 + 4096 * 2
with open(path, "r+b") as f:
    for _ in range(rng.randint(1, 8)):
        off = rng.randrange(0, span)
        f.seek(off); old = f.read(1)
        f.seek(off); f.write(bytes([rng.randrange(256)]))
        print(off, old[0])
PY
			run "flipped $f header bytes (seed $seed)" 120 hostile "$WORK/flip"
			python3 - "$WORK/flip" "$WORK/flip.undo" <<'PY'
import sys
lines = [l.split() for l in open(sys.argv[2]) if l.strip()]
with open(sys.argv[1], "r+b") as f:
    for off, old in reversed(lines):
        f.seek(int(off)); f.write(bytes([int(old)]))
PY
		done
		cmp -s "$WORK/flip" "$d/$f" || fail "flip restore"
		rm -f "$WORK/flip"
	done
	if [ -f "$d/vmcore.elf" ]; then	# ELF: flip in headers + notes only
		head -c 65536 "$d/vmcore.elf" > "$WORK/elfhead"
		cp "$d/vmcore.elf" "$WORK/flip"
		for seed in $(seq 1 20); do
			python3 - "$WORK/flip" "$seed" <<'PY'
import random, sys
rng = random.Random(int(sys.argv[2]))
with open(sys.argv[1], "r+b") as f:
    for _ in range(rng.randint(1, 8)):
        off = rng.randrange(0, 16384)
        f.seek(off); f.write(bytes([rng.randrange(256)]))
PY
			run "flipped vmcore.elf header bytes (seed $seed)" 120 hostile "$WORK/flip"
			dd if="$WORK/elfhead" of="$WORK/flip" conv=notrunc status=none
		done
		rm -f "$WORK/flip"
	fi
done

if [ $fails -ne 0 ]; then
	echo "dump_test: $fails failure(s)"
	exit 1
fi
echo "dump_test: all passed"
