# SPDX-License-Identifier: GPL-2.0
# crashsafe top-level Makefile.
#   make            modules for every kernel in KVERS (build/<kver>/kernel/) + csdextract
#   make demo       install deps, build, crash a QEMU guest, print the report
#   make test       deps + build + unit tests + checkpatch + e2e on every kernel
# KVERS defaults to Debian bookworm's current 6.12 and 6.1 amd64 kernels,
# resolved through apt at run time (scripts/kernels.sh list).

SHELL := /bin/bash
.NOTPARALLEL:

KVERS ?= $(shell scripts/kernels.sh list)
export KVERS
BUILD ?= $(CURDIR)/build
export CRASHSAFE_BUILD := $(BUILD)
CHECKPATCH ?= /tmp/lsrc/linux-source-6.12/scripts/checkpatch.pl
DEMO_KERNEL ?= 6.12
DEMO_OUT ?= $(BUILD)/demo

.PHONY: all modules csdextract deps demo test test-unit test-e2e test-dumps \
	test-reliability bench checkpatch clean

all: modules csdextract

modules:
	@set -eo pipefail; kv='$(KVERS)'; \
	[ -n "$$kv" ] || { echo "[build] no kernels resolved (KVERS empty): run make deps"; exit 1; }; \
	for v in $$kv; do \
		kdir=$$(scripts/kernels.sh kdir $$v); \
		echo "[build] modules for $$v -> $(BUILD)/$$v/kernel"; \
		mkdir -p $(BUILD)/$$v; \
		flock $(BUILD)/$$v/.lock scripts/build-kmod.sh $$kdir $(BUILD)/$$v/kernel 2>&1 | \
			{ grep -v '^Skipping BTF generation' || true; }; \
	done

csdextract:
	@if [ -f userspace/Makefile ]; then \
		echo "[build] userspace/csdextract"; \
		$(MAKE) -C userspace; \
	else \
		echo "[build] userspace/Makefile missing: csdextract skipped"; \
	fi

deps:
	@scripts/deps.sh

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
	@fails=; \
	$(MAKE) --no-print-directory test-unit || fails="$$fails test-unit"; \
	$(MAKE) --no-print-directory checkpatch || fails="$$fails checkpatch"; \
	$(MAKE) --no-print-directory test-e2e || fails="$$fails test-e2e"; \
	$(MAKE) --no-print-directory test-dumps || fails="$$fails test-dumps"; \
	if [ -n "$$fails" ]; then echo "[test] FAILED:$$fails"; exit 1; fi; \
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
E2E_DUMPS = $(wildcard $(BUILD)/e2e/test_sysrq-*/out $(BUILD)/e2e/test_csd_hang-*/out)
test-dumps:
	@[ -n "$(E2E_DUMPS)" ] || { echo "[test-dumps] no e2e dumps under $(BUILD)/e2e: run make test-e2e first"; exit 1; }
	@echo "[test-dumps] dump layer over: $(E2E_DUMPS)"
	@DUMP_TEST_FAULT_ROUNDS=$${DUMP_TEST_FAULT_ROUNDS:-30} bash tests/unit/dump_test.sh $(E2E_DUMPS)
	@$(MAKE) --no-print-directory -C userspace damaged DUMPS="$(E2E_DUMPS)"

test-e2e:
	@CRASHSAFE_NO_BUILD=1 tests/run-e2e.sh $(E2E_TESTS)

test-reliability:
	@if compgen -G 'tests/reliability/test_*.sh' >/dev/null; then \
		CRASHSAFE_NO_BUILD=1 E2E_TIMEOUT=$${E2E_TIMEOUT:-3600} E2E_DIR=$(BUILD)/reliability \
			tests/run-e2e.sh tests/reliability/test_*.sh; \
	else \
		echo "[test-reliability] no tests/reliability/test_*.sh: skipped"; \
	fi

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
