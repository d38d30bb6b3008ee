# SPDX-License-Identifier: GPL-2.0
# crashsafe top-level Makefile.
#   make            modules for every kernel in KVERS (build/<kver>/kernel/) + csdextract
#   make demo       install deps, build, crash a QEMU guest, print the report
#   make test       deps + build + unit tests + checkpatch + e2e (all tests on
#                   bookworm's kernels, the core ones on trixie's and 7.x) + fresh root
#   make test-matrix  every e2e test on every kernel and flavour
# KVERS defaults to four Debian amd64 kernels resolved through apt at run
# time (scripts/kernels.sh list): bookworm's 6.12 and 6.1, trixie's 6.12
# and trixie-backports' newest (7.3 today). It takes short names too
# (KVERS="6.1 trixie-rt", see scripts/kernels.sh names).

SHELL := /bin/bash
.NOTPARALLEL:

KVERS ?= $(shell scripts/kernels.sh list)
export KVERS
BUILD ?= $(CURDIR)/build
export CRASHSAFE_BUILD := $(BUILD)
CHECKPATCH ?= /tmp/lsrc/linux-source-6.12/scripts/checkpatch.pl
DEMO_KERNEL ?= 6.12
DEMO_OUT ?= $(BUILD)/demo

.PHONY: all modules csdextract csdextract-release deps demo test test-unit test-e2e test-dumps \
	test-reliability test-fresh test-matrix bench checkpatch clean deb test-system test-system-dracut \
	test-healthy system-images test-system-run

all: modules csdextract csdextract-release

modules:
	@set -eo pipefail; kv='$(KVERS)'; \
	[ -n "$$kv" ] || { echo "[build] no kernels resolved (KVERS empty): run make deps"; exit 1; }; \
	for v in $$kv; do \
		v=$$(scripts/kernels.sh resolve $$v); \
		echo "[build] modules for $$v ($$(scripts/kernels.sh short $$v)) -> $(BUILD)/$$v/kernel"; \
		mkdir -p $(BUILD)/$$v; t0=$$SECONDS; \
		flock $(BUILD)/$$v/.lock scripts/build-kmod.sh $$v $(BUILD)/$$v/kernel 2>&1 | \
			{ grep -v '^Skipping BTF generation' || true; }; \
		echo "[build] $$v: $$((SECONDS - t0)) s"; \
	done

# csdextract links the project's build of the newest libkdumpfile
# (scripts/libkdumpfile.sh: trixie's 0.5.4, reads flattened dumps itself)
# when it can be built, else the system's; LIBKDUMPFILE=system forces that.
csdextract:
	@if [ -f userspace/Makefile ]; then \
		if [ "$(LIBKDUMPFILE)" != system ] && ! scripts/libkdumpfile.sh >/dev/null; then \
			echo "[build] no project libkdumpfile: csdextract uses the system's"; \
		fi; \
		echo "[build] userspace/csdextract"; \
		$(MAKE) -C userspace; \
	else \
		echo "[build] userspace/Makefile missing: csdextract skipped"; \
	fi

# The capture kernels of trixie and trixie-backports kernels run csdextract
# built in the trixie-userspace root against trixie's libkdumpfile 0.5.4
# ($(BUILD)/csdextract-trixie; scripts/qemu-kdump.sh), made when KVERS has one.
csdextract-release:
	@for v in $(KVERS); do \
		[ "$$(scripts/kernels.sh release $$v)" = trixie ] || continue; \
		echo "[build] $(BUILD)/csdextract-trixie (trixie's libkdumpfile)"; \
		scripts/csdextract-release.sh trixie $(BUILD)/csdextract-trixie >/dev/null || exit 1; \
		break; \
	done

deps:
	@scripts/deps.sh

# Debian packages crashsafe and crashsafe-dkms into build/deb/ (+ lintian).
deb:
	@scripts/build-deb.sh $(BUILD)/deb

# Booted Debian systems (tests/system/): trixie and bookworm images with
# kdump-tools and the packages; one guest run per release makes its crashes
# in a chain (trixie: sysrq, module reload + CSD hang, failed save;
# bookworm: the first two). test-system-dracut: trixie with a dracut capture
# initramfs (99crashsafe), apart because it costs another boot and crash.
SYSTEM_RELEASES ?= trixie bookworm
test-system: deb
	@$(MAKE) --no-print-directory test-system-run

# The images alone (make test makes them while test-e2e runs).
system-images: deb
	@for r in $(SYSTEM_RELEASES); do \
		d=$(BUILD)/deb; ls $$d/$$r/crashsafe_*.deb >/dev/null 2>&1 && d=$$d/$$r; \
		tests/system/image.sh $$r $$d || exit 1; \
	done

# The system tests with the packages and images already made.
test-system-run:
	@fails=; tests/system/test-scripts.sh || fails=" test-scripts"; \
	for r in $(SYSTEM_RELEASES); do \
		tests/system/run.sh $$r || fails="$$fails $$r"; \
	done; \
	if [ -n "$$fails" ]; then echo "[test-system] FAILED:$$fails"; exit 1; fi; \
	echo "[test-system] all passed"

test-system-dracut: deb
	@tests/system/test-dracut.sh

demo:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all
	@s=sysrq; [ -f scripts/scenarios/csd-hang.sh ] && s=csd-hang; \
	echo "[demo] scenario $$s on $(DEMO_KERNEL): boot, load crashsafe.ko, crash, capture, read the dump"; \
	CRASHSAFE_NO_BUILD=1 scripts/qemu-kdump.sh --kernel $(DEMO_KERNEL) --cpus 2 \
		--scenario $$s --out $(DEMO_OUT); rc=$$?; \
	echo "[demo] console: $(DEMO_OUT)/console.log, dump: $(DEMO_OUT)/vmcore"; \
	if [ -f $(DEMO_OUT)/report.txt ]; then \
		echo "[demo] ===== csdextract $(DEMO_OUT)/vmcore ====="; \
		cat $(DEMO_OUT)/report.txt; \
	fi; \
	exit $$rc

test:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all
	@fails=; t0=$$SECONDS; \
	$(MAKE) --no-print-directory test-unit || fails="$$fails test-unit"; \
	$(MAKE) --no-print-directory checkpatch || fails="$$fails checkpatch"; \
	echo "[test] in the background during test-e2e (no QEMU): test-fresh, the packages and system images, then test-dumps once the e2e runs whose dumps it reads are done ($(BUILD)/test-prep.log, $(BUILD)/test-dumps.log)"; \
	mkdir -p $(BUILD)/e2e; rm -f $(BUILD)/e2e/*/rc $(BUILD)/e2e.done $(BUILD)/test-prep.rc $(BUILD)/test-dumps.rc; \
	{ $(MAKE) --no-print-directory test-fresh > $(BUILD)/test-prep.log 2>&1; \
	  echo $$? > $(BUILD)/test-prep.rc; \
	  $(MAKE) --no-print-directory system-images >> $(BUILD)/test-prep.log 2>&1; \
	  until [ -f $(BUILD)/e2e.done ] || \
	        ( for r in $(E2E_DUMP_RUNS); do [ -f $(BUILD)/e2e/$$r/rc ] || exit 1; done ); do sleep 5; done; \
	  $(MAKE) --no-print-directory test-dumps > $(BUILD)/test-dumps.log 2>&1; \
	  echo $$? > $(BUILD)/test-dumps.rc; } & prep=$$!; \
	$(MAKE) --no-print-directory test-e2e || fails="$$fails test-e2e"; \
	touch $(BUILD)/e2e.done; \
	wait $$prep; cat $(BUILD)/test-prep.log $(BUILD)/test-dumps.log; \
	[ "$$(cat $(BUILD)/test-prep.rc 2>/dev/null)" = 0 ] || fails="$$fails test-fresh"; \
	[ "$$(cat $(BUILD)/test-dumps.rc 2>/dev/null)" = 0 ] || fails="$$fails test-dumps"; \
	$(MAKE) --no-print-directory test-healthy || fails="$$fails test-healthy"; \
	$(MAKE) --no-print-directory test-system-run || fails="$$fails test-system"; \
	echo "[test] $$(( (SECONDS - t0) / 60 )) min after deps and build"; \
	if [ -n "$$fails" ]; then \
		[ -s $(BUILD)/e2e/failures.txt ] && cat $(BUILD)/e2e/failures.txt; \
		echo "[test] FAILED:$$fails"; exit 1; \
	fi; \
	echo "[test] all passed"

test-unit:
	@tests/unit/test_percpu_size.sh
	@if [ -f userspace/Makefile ] && $(MAKE) -s -n -C userspace test >/dev/null 2>&1; then \
		$(MAKE) -C userspace test; \
	else \
		echo "[test-unit] no userspace test target: skipped"; \
	fi

# The dump layer and the damaged-input runs over the real vmcores that the
# e2e stage just produced (ELF, compressed and flattened copies of sysrq).
# The e2e runs (tests/e2e/plan) whose dumps test-dumps reads.
E2E_DUMP_RUNS = test_sysrq-6.1 test_sysrq-6.12 test_sysrq-bpo test_csd_hang-6.1
E2E_DUMPS = $(wildcard $(E2E_DUMP_RUNS:%=$(BUILD)/e2e/%/out))
test-dumps:
	@[ -n "$(E2E_DUMPS)" ] || { echo "[test-dumps] no e2e dumps under $(BUILD)/e2e: run make test-e2e first"; exit 1; }
	@echo "[test-dumps] dump layer over: $(E2E_DUMPS)"
	@DUMP_TEST_FAULT_ROUNDS=$${DUMP_TEST_FAULT_ROUNDS:-30} bash tests/unit/dump_test.sh $(E2E_DUMPS)
	@tests/unit/flat_paths_test.sh $(E2E_DUMPS)
	@$(MAKE) --no-print-directory -C userspace damaged DUMPS="$(E2E_DUMPS)"

# make test's e2e runs: the tests and kernels tests/e2e/plan names (it says
# why those). E2E_TESTS and/or E2E_KERNELS pick tests/kernels instead;
# make test-matrix runs every test on every kernel and flavour.
E2E_PLAN ?= tests/e2e/plan
test-e2e:
	@t0=$$SECONDS; rc=0; \
	if [ -n "$(E2E_TESTS)$(E2E_KERNELS)" ]; then \
		CRASHSAFE_NO_BUILD=1 tests/run-e2e.sh $(E2E_TESTS) || rc=1; \
	else \
		CRASHSAFE_NO_BUILD=1 E2E_PLAN=$(E2E_PLAN) tests/run-e2e.sh || rc=1; \
	fi; \
	echo "[test-e2e] $$((SECONDS - t0)) s"; exit $$rc

# The 5-minute healthy CSD workload, no report allowed, on five kernels at
# once (tests/e2e/healthy_all.sh: one hold of the QEMU lock, about 7
# min of wall time), with CPUs going offline and online all along and
# workers moved between CPUs; KERNEL:CPUS, bpo with waiters moved mid-wait.
HEALTHY_KERNELS ?= 6.12:2 6.1:2 trixie:2 bpo:3 trixie-rt:2
test-healthy:
	@$(MAKE) --no-print-directory modules \
		KVERS="$(foreach s,$(HEALTHY_KERNELS),$(firstword $(subst :, ,$(s))))"
	@t0=$$SECONDS; rc=0; HEALTHY_KERNELS="$(HEALTHY_KERNELS)" CRASHSAFE_NO_BUILD=1 \
		tests/e2e/healthy_all.sh || rc=1; \
	echo "[test-healthy] $$((SECONDS - t0)) s"; exit $$rc

# deps.sh + csdextract + modules for one bookworm kernel in a minimal
# bookworm root (mmdebstrap, cached): fails when deps.sh misses a package.
FRESH_KERNEL ?= 6.12
test-fresh:
	@tests/fresh/test_fresh_root.sh $(FRESH_KERNEL)

# Every tests/e2e test on every kernel and flavour (long: see README).
MATRIX_KERNELS ?= 6.12 6.1 trixie bpo trixie-cloud trixie-rt
test-matrix:
	@$(MAKE) --no-print-directory modules csdextract csdextract-release KVERS="$(MATRIX_KERNELS)"
	@CRASHSAFE_NO_BUILD=1 E2E_KERNELS="$(MATRIX_KERNELS)" E2E_DIR=$(BUILD)/matrix E2E_GRID=1 \
		tests/run-e2e.sh $(E2E_TESTS)

test-reliability:
	@rc=0; \
	CRASHSAFE_NO_BUILD=1 E2E_DIR=$(BUILD)/reliability E2E_PLAN=tests/reliability/e2e-plan \
		tests/run-e2e.sh || rc=1; \
	CRASHSAFE_NO_BUILD=1 E2E_TIMEOUT=$${E2E_TIMEOUT:-3600} E2E_DIR=$(BUILD)/reliability \
		tests/run-e2e.sh tests/reliability/test_*.sh || rc=1; \
	exit $$rc

bench:
	@if [ -f scripts/bench.sh ]; then \
		bash scripts/bench.sh; \
	else \
		echo "[bench] scripts/bench.sh missing: skipped"; \
	fi

checkpatch:
	@[ -f $(CHECKPATCH) ] || scripts/deps.sh --no-kernels
	@bad=0; for f in kernel/*.c kernel/*.h tests/kmod/*.c include/crashsafe/*.h; do \
		o=$$(perl $(CHECKPATCH) --no-tree --terse --show-types -f $$f 2>&1); \
		if [ -n "$$(echo "$$o" | grep -E ': (ERROR|WARNING)[:]')" ]; then \
			echo "$$o" | grep -E ': (ERROR|WARNING)[:]'; bad=1; \
		fi; \
	done; \
	if [ $$bad = 0 ]; then echo "[checkpatch] kernel/ tests/kmod/ include/crashsafe/: clean"; \
	else echo "[checkpatch] FAILED"; exit 1; fi

clean:
	rm -rf $(BUILD)
	@if [ -f userspace/Makefile ]; then $(MAKE) -C userspace clean; fi
