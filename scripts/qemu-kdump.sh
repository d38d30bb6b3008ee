#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot a stock Debian kernel under QEMU (TCG) with crashsafe.ko loaded and a
# capture kernel armed, run a scenario, let the capture kernel save the dump,
# and read it with csdextract on the host.
#
#   scripts/qemu-kdump.sh --kernel NAME|<full version> --cpus N \
#       --scenario NAME|PATH [--arg key=value]... --out DIR \
#       [--save-elf] [--keep-flat] [--qemu-cpu MODEL] [--no-build] [--verbose]
#   kernel NAME: 6.12 6.1 trixie bpo trixie-cloud trixie-rt bpo-cloud bpo-rt
#
# Trixie and trixie-backports kernels capture with trixie's kexec-tools and
# makedumpfile (from the tool root of scripts/release-root.sh), bookworm's
# with the host's.
# Results in DIR: console.log, vmcore, dmesg.txt, report-capture.txt,
# csdextract-capture.rc, report.txt, report.json, capture.status,
# result.txt (the final OK/FAIL line); vmcore.elf / vmcore.flat on request.
# Exit 0 only when the vmcore was saved and both csdextract runs succeeded
# (exit 0, or 3 "no record" when the scenario sets SCENARIO_EXPECT_NORECORD=1).
# SCENARIO_NOCRASH=1 scenarios: exit with the guest's scenario_run status.
#
# Environment: CRASHSAFE_CACHE (kernel cache), CRASHSAFE_BUILD (module build
# dir, default <repo>/build; modules go to $CRASHSAFE_BUILD/<kver>/kernel),
# CRASHSAFE_NO_BUILD=1 (same as --no-build),
# CSDEXTRACT (default <repo>/userspace/csdextract: the host's, which reads
# the saved dump and, for bookworm kernels, /proc/vmcore in the capture
# kernel), CSDEXTRACT_CAPTURE (trixie/bpo kernels: the capture kernel's,
# default the trixie build of scripts/csdextract-release.sh), QEMU_MEM (1536),
# BOOT_TIMEOUT (120), CAPTURE_TIMEOUT (300), QEMU_TCG_THREAD (single|multi:
# QEMU's default is multi-threaded TCG; see the README on text patching),
# QEMU_KDUMP_APPEND (more of the first kernel's command line, e.g.
# "lpj=100000" to run a scenario with a mis-calibrated delay loop),
# CRASHSAFE_QEMU_LOCK_HELD=1 (the caller already holds
# /tmp/crashsafe-qemu.lock for this guest: do not take it again; for a
# caller that runs several guests at once under one lock).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
p() { echo "[qemu-kdump] $*" >&2; }

kernel=
cpus=2
scenario=
out=
save_elf=0
keep_flat=0
qemu_cpu=${QEMU_CPU:-qemu64}
do_build=1
[ "${CRASHSAFE_NO_BUILD:-0}" = 1 ] && do_build=0
verbose=0
declare -a args=()

usage() {
	sed -n '6,10s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--cpus) cpus=$2; shift 2 ;;
	--scenario) scenario=$2; shift 2 ;;
	--arg)
		[[ $2 =~ ^[A-Za-z_][A-Za-z0-9_]*=.*$ ]] || { p "bad --arg '$2' (key=value)"; exit 2; }
		args+=("$2"); shift 2 ;;
	--out) out=$2; shift 2 ;;
	--save-elf) save_elf=1; shift ;;
	--keep-flat) keep_flat=1; shift ;;
	--qemu-cpu) qemu_cpu=$2; shift 2 ;;
	--no-build) do_build=0; shift ;;
	--verbose|-v) verbose=1; shift ;;
	-h|--help) usage ;;
	*) p "unknown option $1"; usage ;;
	esac
done
[ -n "$kernel" ] && [ -n "$scenario" ] && [ -n "$out" ] || usage
[[ $cpus =~ ^[0-9]+$ ]] && [ "$cpus" -ge 1 ] || { p "bad --cpus"; exit 2; }

# NAME is scripts/scenarios/NAME.sh; a path (with a /) names any file.
if [[ $scenario == */* ]]; then
	sfile=$(realpath -- "$scenario")
	scenario=$(basename "$scenario" .sh)
else
	sfile=$top/scripts/scenarios/$scenario.sh
fi
[ -f "$sfile" ] || { p "FAIL: no scenario file $sfile"; exit 2; }

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out"/{console.log,vmcore,vmcore.part,vmcore.elf,vmcore.elf.part,vmcore.flat,vmcore.flat.part} \
	"$out"/{dmesg.txt,report.txt,report.json,report-capture.txt,report-capture.err} \
	"$out"/{csdextract-capture.rc,capture.status,makedumpfile.log,result.txt,qemu.err} \
	"$out"/{report.err,report-json.err}

# One line into DIR/result.txt and stderr, then exit.
finish() {
	local rc=$1; shift
	if [ "$rc" -eq 0 ]; then
		echo "OK: $*" > "$out/result.txt"
		p "OK: $*"
	else
		echo "FAIL: $*" > "$out/result.txt"
		p "FAIL: $*"
	fi
	exit "$rc"
}

kver=$("$top/scripts/kernels.sh" resolve "$kernel") || finish 2 "cannot resolve kernel $kernel"
short=$("$top/scripts/kernels.sh" short "$kver")
vmlinuz=$("$top/scripts/kernels.sh" vmlinuz "$kver") || finish 1 "no kernel image for $kver"
kmods=$("$top/scripts/kernels.sh" moddir "$kver") || finish 1 "no modules directory for $kver"
release=$("$top/scripts/kernels.sh" release "$kver")
# How the capture kernel's files reach DIR: a 9p share, or, for kernels
# without 9p (the cloud flavour), an ext4 disk image (virtio-blk) that only
# the capture kernel mounts and the host reads back with debugfs once the
# guest has stopped. QEMU_OUT=9p|disk overrides.
out_mode=${QEMU_OUT:-}
if [ -z "$out_mode" ]; then
	if find "$kmods/kernel" -name '9pnet_virtio.ko*' | grep -q . ||
		grep -qs '/9pnet_virtio.ko' "$kmods/modules.builtin"; then
		out_mode=9p
	else
		out_mode=disk
	fi
fi
case "$out_mode" in
9p) out_modules="virtio virtio_ring virtio_pci 9pnet 9pnet_virtio 9p" ;;
disk) out_modules="virtio virtio_ring virtio_pci virtio_blk ext4" ;;
*) finish 2 "bad QEMU_OUT '$out_mode' (9p or disk)" ;;
esac

# Scenario settings, as the host sees them.
for a in "${args[@]+"${args[@]}"}"; do
	export "ARG_${a%%=*}=${a#*=}"
done
# shellcheck disable=SC1090
eval "$(
	export CPUS=$cpus KVER=$kver MODDIR=/crashsafe/modules
	SCENARIO_TIMEOUT=240 SCENARIO_CMDLINE="" SCENARIO_NOCRASH=0 SCENARIO_EXPECT_NORECORD=0
	. "$sfile" >/dev/null
	printf 'SCENARIO_TIMEOUT=%q SCENARIO_CMDLINE=%q SCENARIO_NOCRASH=%q SCENARIO_EXPECT_NORECORD=%q\n' \
		"$SCENARIO_TIMEOUT" "$SCENARIO_CMDLINE" "$SCENARIO_NOCRASH" "${SCENARIO_EXPECT_NORECORD:-0}"
)"
BOOT_TIMEOUT=${BOOT_TIMEOUT:-120}
CAPTURE_TIMEOUT=${CAPTURE_TIMEOUT:-300}

# Modules for this kernel.
build=${CRASHSAFE_BUILD:-$top/build}/$kver
moddir=$build/kernel
if [ $do_build = 1 ]; then
	p "building modules for $kver in $moddir"
	mkdir -p "$build"
	if ! flock "$build/.lock" "$top/scripts/build-kmod.sh" "$kver" "$moddir" >"$build/build.log" 2>&1; then
		cat "$build/build.log" >&2
		finish 1 "module build failed for $kver (log: $build/build.log)"
	fi
fi
[ -f "$moddir/crashsafe.ko" ] || finish 1 "no $moddir/crashsafe.ko (build first)"

csdextract=${CSDEXTRACT:-$top/userspace/csdextract}
have_csdx=1
if [ ! -x "$csdextract" ]; then
	have_csdx=0
	p "WARNING: $csdextract not built: csdextract steps skipped, result will be FAIL"
fi

work=$(mktemp -d /tmp/crashsafe-qemu.XXXXXX)
qpid=
lockpid=
cleanup() {
	[ -n "$lockpid" ] && kill "$lockpid" 2>/dev/null
	if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
		kill "$qpid" 2>/dev/null || true
		sleep 0.5
		kill -9 "$qpid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'p "FAIL: internal error at line $LINENO: $BASH_COMMAND"' ERR
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- initramfs
# Two cpio archives, unpacked in order by the kernel: a base that only
# depends on the kernel and the capture tools (busybox, kexec, makedumpfile,
# the modules of the output transport), cached across runs, and this run's part (our modules,
# csdextract, the guest scripts, the scenario and its arguments).
# The capture tools are the ones of the kernel's Debian release: the host's
# for bookworm kernels; for trixie and trixie-backports kernels trixie's,
# from the trixie tool root (scripts/release-root.sh), kept apart under
# /opt/<release> with their own C library and loader and called through
# wrapper scripts; csdextract there is the release's own build too
# (scripts/csdextract-release.sh: trixie's libkdumpfile 0.5.4), with the
# libraries the tools do not already bring. Bookworm guests get the host's
# csdextract with the host's libraries in /lib.
t0=$SECONDS
libs_of() { ldd "$1" 2>/dev/null | grep -o '/[^ ]*' || true; }
copy_bin() { # root path-in-host dest-dir
	local r=$1 lib d
	cp -L "$2" "$r/$3/"
	for lib in $(libs_of "$2"); do
		[ -e "$lib" ] || continue
		d=$r$(dirname "$lib")
		mkdir -p "$d"
		[ -e "$d/$(basename "$lib")" ] || cp -L "$lib" "$d/"
	done
}
if [ "$release" = bookworm ]; then
	troot=
	kexec_bin=$(command -v kexec)
	mdf_bin=$(command -v makedumpfile)
	tool_files=("$kexec_bin" "$mdf_bin" $(libs_of "$kexec_bin") $(libs_of "$mdf_bin"))
else
	troot=$("$top/scripts/release-root.sh" "$release") || finish 1 "no $release tool root"
	kexec_bin=/usr/sbin/kexec
	mdf_bin=/usr/bin/makedumpfile
	# Libraries as the root's own loader resolves them (symlinks resolved
	# inside the root: they are absolute there).
	# Each line: the name the loader looks for, the file it is.
	tool_libs=$("$top/scripts/in-root.sh" "$troot" -- sh -c \
		'for f in $(ldd "$0" "$1" | grep -o "/[^ ]*" | grep -v ":\$" | sort -u); do
			echo "${f##*/} $(realpath "$f")"; done' \
		"$kexec_bin" "$mdf_bin") || finish 1 "ldd in the $release tool root failed"
	tool_files=("$troot$kexec_bin" "$troot$mdf_bin")
	while read -r _ f; do tool_files+=("$troot$f"); done <<<"$tool_libs"
fi
# makedumpfile --version exits non-zero; -v prints the version line.
mdf_version() {
	if [ -z "$troot" ]; then
		makedumpfile -v 2>&1 | head -n1 || true
	else
		"$top/scripts/in-root.sh" "$troot" -- makedumpfile -v 2>&1 | head -n1 || true
	fi
}

# The release's capture tools under /opt/<release>, each behind a wrapper
# that starts it with that release's loader and libraries.
copy_release_tools() {
	local br=$1 opt=/opt/$release f b
	mkdir -p "$br$opt/lib" "$br$opt/bin"
	while read -r b f; do
		cp -L "$troot$f" "$br$opt/lib/$b"
	done <<<"$tool_libs"
	for f in "$kexec_bin:usr/sbin" "$mdf_bin:usr/bin"; do
		b=$(basename "${f%%:*}")
		cp -L "$troot${f%%:*}" "$br$opt/bin/$b"
		printf '#!/bin/sh\nexec %s/lib/ld-linux-x86-64.so.2 --library-path %s/lib %s/bin/%s "$@"\n' \
			"$opt" "$opt" "$opt" "$b" > "$br/${f#*:}/$b"
		chmod 755 "$br/${f#*:}/$b"
	done
	[ -f "$br$opt/lib/ld-linux-x86-64.so.2" ] || finish 1 "no loader among the $release tools' libraries"
}

make_base() {
	local br=$work/base
	mkdir -p "$br"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,proc,sys,dev,tmp,out,crashsafe/modules,lib/crashsafe-out}
	cp /bin/busybox "$br/bin/busybox"
	for a in $("$br/bin/busybox" --list); do
		[ -e "$br/bin/$a" ] || ln -s busybox "$br/bin/$a"
	done
	if [ -z "$troot" ]; then
		copy_bin "$br" "$kexec_bin" usr/sbin
		copy_bin "$br" "$mdf_bin" usr/bin
	else
		copy_release_tools "$br"
	fi
	mknod "$br/dev/console" c 5 1 2>/dev/null || true
	mknod "$br/dev/null" c 1 3 2>/dev/null || true

	# The transport's modules with their dependencies, dependencies first.
	declare -A modpath=() seen=()
	local f n order=()
	while IFS= read -r f; do
		n=$(basename "$f"); n=${n%%.ko*}; n=${n//-/_}
		modpath[$n]=$f
	done < <(find "$kmods/kernel" -name '*.ko*')
	add_mod() {
		local m=${1//-/_} d
		[ -n "${seen[$m]:-}" ] && return 0
		seen[$m]=1
		[ -n "${modpath[$m]:-}" ] || return 0 # built in
		for d in $(modinfo -F depends "${modpath[$m]}" | tr ',' ' '); do
			add_mod "$d"
		done
		order+=("$m")
	}
	for m in $out_modules; do
		add_mod "$m"
	done
	for n in "${order[@]}"; do
		f=${modpath[$n]}
		case "$f" in
		*.ko.xz) xz -dc "$f" > "$br/lib/crashsafe-out/$n.ko" ;;
		*.ko.zst) zstd -qdc "$f" > "$br/lib/crashsafe-out/$n.ko" ;;
		*.ko.gz) gzip -dc "$f" > "$br/lib/crashsafe-out/$n.ko" ;;
		*) cp "$f" "$br/lib/crashsafe-out/$n.ko" ;;
		esac
	done
	printf '%s\n' "${order[@]+"${order[@]}"}" > "$br/crashsafe/out-modules.order"
	mkdir -p "$icache"
	# Concurrent runs may build the same base: publish it atomically.
	(cd "$br" && find . | cpio -o -H newc --quiet) > "$base.tmp.$$"
	mv -f "$base.tmp.$$" "$base"
}
# Cache key: everything the base is made from: the functions that make
# it (not the whole script, so that an edit elsewhere in it does not
# rebuild every kernel's base, ~55 s each), the files they copy and the
# modules; contents only, not paths: a fresh clone elsewhere (CI) reuses
# the base.
bkey=$({
	echo "$kver $release $out_mode $out_modules ${tool_libs:-}"
	declare -f make_base copy_release_tools copy_bin libs_of
	sha256sum /bin/busybox "${tool_files[@]}" 2>/dev/null | cut -d' ' -f1
	find "$kmods/kernel" -path '*9p*' -o -path '*virtio*' -o -path '*ext4*' | sort | xargs stat -c '%n %s %Y'
} | sha256sum | cut -c1-16)
icache=${CRASHSAFE_CACHE:-$HOME/.cache/crashsafe}/initramfs
base=$icache/base-$kver-$bkey.cpio
p "capture tools: $release's ($(mdf_version))"
if [ -s "$base" ]; then
	p "initramfs base from cache ($base)"
else
	p "building initramfs base for $kver (cached in $icache)"
	make_base
fi

# The release's csdextract under /opt/<release> beside the capture tools:
# CSDEXTRACT_CAPTURE, else the release build (made when missing or when
# this run builds).
copy_release_csdextract() {
	local br=$1 opt=/opt/$release cx uroot libs b f
	cx=${CSDEXTRACT_CAPTURE:-${CRASHSAFE_BUILD:-$top/build}/csdextract-$release/userspace/csdextract}
	if [ -z "${CSDEXTRACT_CAPTURE:-}" ] && { [ $do_build = 1 ] || [ ! -x "$cx" ]; }; then
		cx=$("$top/scripts/csdextract-release.sh" "$release" 2>"$work/csdx-build.log") ||
			{ cat "$work/csdx-build.log" >&2; finish 1 "csdextract build for $release failed"; }
	fi
	[ -x "$cx" ] || finish 1 "no $release csdextract ($cx)"
	uroot=$("$top/scripts/release-root.sh" "$release-userspace") || finish 1 "no $release userspace root"
	libs=$("$top/scripts/in-root.sh" "$uroot" --bind "$(dirname "$cx")" -- sh -c \
		'for f in $(ldd "$0" | grep -o "/[^ ]*" | grep -v ":\$" | sort -u); do
			echo "${f##*/} $(realpath "$f")"; done' "$cx") ||
		finish 1 "ldd of csdextract in the $release userspace root failed"
	mkdir -p "$br$opt/lib" "$br$opt/bin"
	while read -r b f; do
		# A library the capture tools brought (the C library, the loader)
		# stays theirs: one copy of each in /opt/<release>/lib.
		grep -q "^$b " <<<"$tool_libs" || cp -L "$uroot$f" "$br$opt/lib/$b"
	done <<<"$libs"
	cp -L "$cx" "$br$opt/bin/csdextract"
	printf '#!/bin/sh\nexec %s/lib/ld-linux-x86-64.so.2 --library-path %s/lib %s/bin/csdextract "$@"\n' \
		"$opt" "$opt" "$opt" > "$br/usr/bin/csdextract"
	chmod 755 "$br/usr/bin/csdextract"
	p "csdextract in the capture kernel: $release's ($("$top/scripts/in-root.sh" "$uroot" \
		--bind "$(dirname "$cx")" -- "$cx" --version 2>&1 | head -n1))"
}

ir=$work/root
mkdir -p "$ir"/{usr/bin,crashsafe/modules}
if [ $have_csdx = 1 ]; then
	if [ -z "$troot" ]; then
		copy_bin "$ir" "$csdextract" usr/bin
	else
		copy_release_csdextract "$ir"
	fi
fi
cp "$moddir"/*.ko "$ir/crashsafe/modules/"
cp "$top/scripts/guest/init" "$ir/init"
cp "$top/scripts/guest/capture.sh" "$ir/crashsafe/capture.sh"
cp "$sfile" "$ir/crashsafe/scenario.sh"
chmod 755 "$ir/init"

q() { printf '%s=%q\n' "$1" "$2"; } # ash understands bash's %q for plain strings
{
	q KVER "$kver"
	q CPUS "$cpus"
	q SCENARIO "$scenario"
	q MODDIR /crashsafe/modules
	q OUT /out
	q SAVE_ELF "$save_elf"
	q KEEP_FLAT "$keep_flat"
	q SCENARIO_NOCRASH "$SCENARIO_NOCRASH"
	q OUT_MODE "$out_mode"
	for a in "${args[@]+"${args[@]}"}"; do
		k=${a%%=*} v=${a#*=}
		printf "ARG_%s='%s'\nexport ARG_%s\n" "$k" "${v//\'/\'\\\'\'}" "$k"
	done
	echo "export KVER CPUS SCENARIO MODDIR OUT"
} > "$ir/crashsafe/env"

{ cat "$base"; (cd "$ir" && find . | cpio -o -H newc --quiet); } > "$work/capture.cpio"
# The first kernel additionally carries the capture kernel and its initrd.
mkdir -p "$work/extra"
cp "$vmlinuz" "$work/extra/vmlinuz"
cp "$work/capture.cpio" "$work/extra/initrd.img"
(cd "$work/extra" && printf 'vmlinuz\ninitrd.img\n' | cpio -o -H newc --quiet) > "$work/extra.cpio"
cat "$work/capture.cpio" "$work/extra.cpio" > "$work/first.cpio"
p "initramfs ready ($(($(stat -c %s "$work/first.cpio") / 1048576)) MiB, $((SECONDS - t0)) s)"

# ---------------------------------------------------------------- boot
cmdline="console=ttyS0 crashkernel=384M panic=5 rdinit=/init $SCENARIO_CMDLINE ${QEMU_KDUMP_APPEND:-}"
lock=/tmp/crashsafe-qemu.lock
locked=0
if [ "${CRASHSAFE_QEMU_LOCK_HELD:-0}" = 1 ]; then
	p "$lock held by the caller"
else
	exec 9>>"$lock"
	locked=1
fi
if [ $locked = 1 ] && ! flock -n 9; then
	p "waiting for $lock (another guest is running)"
	# In the background so that INT/TERM end the wait at once.
	flock 9 &
	lockpid=$!
	tw=$SECONDS
	wait "$lockpid" || finish 1 "could not take $lock"
	lockpid=
	p "got the lock after $((SECONDS - tw)) s"
fi
con() { grep -a -q -- "$1" "$out/console.log" 2>/dev/null; }

# One guest run: boot, scenario, capture; sets phase and reason.
run_guest() {
	if [ "$out_mode" = 9p ]; then
		out_dev=(-fsdev "local,id=out,path=$out,security_model=none"
			-device virtio-9p-pci,fsdev=out,mount_tag=out)
	else
		# Sparse; room for the ELF, compressed and flattened dumps of all RAM.
		truncate -s $((${QEMU_MEM:-1536} * 4 + 512))M "$work/out.img"
		mke2fs -q -F -t ext4 -O ^has_journal -L out "$work/out.img"
		out_dev=(-drive "file=$work/out.img,if=none,id=out,format=raw"
			-device virtio-blk-pci,drive=out)
	fi
	hard=$((BOOT_TIMEOUT + SCENARIO_TIMEOUT + CAPTURE_TIMEOUT + 30))
	p "booting $short ($kver) with $cpus cpus, scenario $scenario$( ((${#args[@]})) && echo " (${args[*]})")"
	tstart=$SECONDS
	timeout -s KILL "$hard" qemu-system-x86_64 -accel "tcg${QEMU_TCG_THREAD:+,thread=$QEMU_TCG_THREAD}" -M q35 -cpu "$qemu_cpu" \
		-smp "$cpus" -m "${QEMU_MEM:-1536}" -nographic -no-reboot \
		-kernel "$vmlinuz" -initrd "$work/first.cpio" -append "$cmdline" \
		"${out_dev[@]}" \
		</dev/null >"$out/console.log" 2>"$out/qemu.err" &
	qpid=$!
	tailpid=
	if [ $verbose = 1 ]; then
		tail -n +1 -f "$out/console.log" --pid="$qpid" >&2 &
		tailpid=$!
	fi

	phase=boot
	tphase=$SECONDS
	reason=
	while kill -0 "$qpid" 2>/dev/null; do
		sleep 1
		now=$SECONDS
		case $phase in
		boot)
			if con 'crashsafe-guest: armed'; then
				if con 'crashsafe.ko load FAILED'; then
					p "WARNING: crashsafe.ko did not load in the guest (see console.log)"
				fi
				p "booted in $((now - tstart)) s, running scenario $scenario"
				phase=scenario; tphase=$now
			elif con 'crashsafe-guest: kexec -p FAILED'; then
				reason="kexec -p failed in the guest (see $out/console.log)"
			elif ((now - tphase > BOOT_TIMEOUT)); then
				reason="guest did not boot within $BOOT_TIMEOUT s"
			fi
			;;
		scenario)
			if con 'crashsafe-capture: start'; then
				p "crashed, capture kernel saving dump ($((now - tstart)) s)"
				phase=capture; tphase=$now
			elif [ "$SCENARIO_NOCRASH" != 1 ] && ((now - tphase > SCENARIO_TIMEOUT)); then
				reason="no vmcore: guest did not crash within $SCENARIO_TIMEOUT s"
			elif [ "$SCENARIO_NOCRASH" = 1 ] && ((now - tphase > SCENARIO_TIMEOUT)); then
				reason="scenario did not finish within $SCENARIO_TIMEOUT s"
			fi
			;;
		capture)
			if ((now - tphase > CAPTURE_TIMEOUT)); then
				reason="capture kernel did not finish within $CAPTURE_TIMEOUT s"
			fi
			;;
		esac
		[ -n "$reason" ] && break
	done
	if kill -0 "$qpid" 2>/dev/null; then
		kill "$qpid" 2>/dev/null || true
		sleep 0.5
		kill -9 "$qpid" 2>/dev/null || true
	fi
	wait "$qpid" 2>/dev/null || true
	qpid=
	if [ -n "$tailpid" ]; then
		kill "$tailpid" 2>/dev/null || true
	fi
	return 0
}

# A stock kernel that dies while booting, before the guest's init has
# started (so before anything of crashsafe ran), is booted once more:
# under multi-threaded TCG the kernel's own boot-time text patching can
# hit a stale translation ("Oops: int3" at "sched_clock: Marking stable",
# seen on 7.3). A failure from the init script on is never retried.
BOOT_RETRIES=${BOOT_RETRIES:-1}
attempt=1
while :; do
	run_guest
	if [ "$phase" = boot ] && [ "$attempt" -le "$BOOT_RETRIES" ] &&
		! con 'crashsafe-guest: booted' && con 'Kernel panic\|Oops:\|BUG:'; then
		mv "$out/console.log" "$out/console.boot$attempt.log"
		p "WARNING: the kernel died while booting, before the guest's init ran ($(grep -a -m1 -o 'Oops:.*\|BUG:.*\|Kernel panic.*' "$out/console.boot$attempt.log" | head -c 120)); console in $out/console.boot$attempt.log; booting again"
		attempt=$((attempt + 1))
		reason=
		continue
	fi
	break
done
[ $locked = 0 ] || flock -u 9
p "guest finished after $((SECONDS - tstart)) s"
# disk: copy the capture kernel's files (top directory only) out of the image.
if [ "$out_mode" = disk ]; then
	debugfs -R 'ls -p /' "$work/out.img" 2>/dev/null |
		awk -F/ 'NF >= 7 && $3 ~ /^10/ { print $6 }' |
		while read -r f; do
			debugfs -R "dump /$f $out/$f" "$work/out.img" >/dev/null 2>&1 ||
				p "WARNING: could not read $f from the output disk"
		done
fi
[ -n "$reason" ] && finish 1 "$reason"

if [ "$SCENARIO_NOCRASH" = 1 ]; then
	st=$(grep -a -o 'crashsafe-scenario-exit: [0-9]*' "$out/console.log" | tail -n1 | awk '{print $2}')
	[ -n "$st" ] || finish 1 "guest stopped without crashsafe-scenario-exit (crashed? see $out/console.log)"
	finish "$st" "scenario $scenario exited $st"
fi

if [ "$phase" != capture ]; then
	if con 'Kernel panic'; then
		finish 1 "no vmcore: the guest panicked but the capture kernel did not start (see $out/console.log)"
	fi
	finish 1 "no vmcore: guest stopped before crashing (phase $phase, see $out/console.log)"
fi
con 'crashsafe-capture: done' || p "WARNING: capture kernel did not report done"
[ -s "$out/vmcore" ] || finish 1 "no vmcore: makedumpfile in the capture kernel failed (see $out/makedumpfile.log)"
p "vmcore saved ($(($(stat -c %s "$out/vmcore") / 1048576)) MiB)"

[ $have_csdx = 1 ] || finish 1 "vmcore saved, but csdextract is not built: no reports"

okrc() { [ "$1" = 0 ] || { [ "$1" = 3 ] && [ "$SCENARIO_EXPECT_NORECORD" = 1 ]; }; }
crc=$(cat "$out/csdextract-capture.rc" 2>/dev/null || echo missing)

set +e
"$csdextract" "$out/vmcore" > "$out/report.txt" 2> "$out/report.err"
hrc=$?
"$csdextract" --json "$out/vmcore" > "$out/report.json" 2> "$out/report-json.err"
jrc=$?
set -e
p "csdextract: capture kernel rc=$crc, host rc=$hrc, host --json rc=$jrc"

if con 'crashsafe.ko load FAILED'; then
	finish 1 "crashsafe.ko failed to load in the guest (vmcore saved; see $out/console.log)"
fi
okrc "$crc" || finish 1 "csdextract in the capture kernel exited $crc (see $out/report-capture.txt)"
okrc "$hrc" || finish 1 "csdextract on the host exited $hrc (see $out/report.err)"
okrc "$jrc" || finish 1 "csdextract --json on the host exited $jrc (see $out/report-json.err)"
finish 0 "$short $scenario: vmcore and reports in $out ($((SECONDS - tstart)) s in the guest)"
