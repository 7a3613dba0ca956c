# SPDX-License-Identifier: GPL-2.0-only
#
# Osprey: an out-of-tree DRM driver and the GPU model it drives.
#
#   make            modules, tools and tests
#   make run        boot a guest and show the driver at work, then the
#                   display (modetest, kmscube; screenshots in build/)
#   make check      the whole test suite, on Debian's kernel then the debug
#                   kernel (KERNEL=debian or KERNEL=debug for one tier)
#   make debug-kernel  build (once per machine) the KASAN/lockdep kernel
#   make shell      a shell in a guest with the modules loaded
#   make bench      benchmarks in a guest, printed as figures, never failing
#                   (BENCH=hang,copy for the ones whose names start so)
#   make lint       checkpatch --strict, W=1 + sparse, kernel-doc
#   make fuzz       fuzz the coredump parser (libFuzzer) until stopped
#   make fuzz-long  the ioctl fuzzer (osprey_fuzz) in a guest until stopped
#   make install    modules into /lib/modules/$(KVER)/updates, uapi header
#   make deps       apt-get install what all of the above needs
#
# KVER is the kernel to build for; by default the newest Debian 12 6.12
# kernel whose image and headers can be installed. KDIR is its build tree.

ifeq ($(KVER),)
KVER := $(shell tools/vm/kver.sh 2>/dev/null)
endif
export KVER
KDIR ?= /lib/modules/$(KVER)/build

BUILD := build
OSPREY_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/osprey
PREFIX ?= /usr/local

CFLAGS_USER := -O2 -g -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE \
	-Iuapi $(shell pkg-config --cflags libdrm 2>/dev/null)
LDLIBS_USER := $(shell pkg-config --libs libdrm 2>/dev/null) -lpthread

# libosprey, the userspace library over the ioctls: a static archive linked
# into ospreyctl, the benchmarks and every IGT test.
LIBOSPREY := $(BUILD)/tools/libosprey.a
LIBOSPREY_OBJS := $(patsubst tools/libosprey/%.c,$(BUILD)/tools/libosprey/%.o,\
	$(wildcard tools/libosprey/*.c))
LIBOSPREY_HDRS := $(wildcard tools/libosprey/*.h) uapi/osprey_drm.h include/osprey_isa.h \
	include/osprey_coredump_format.h
LIBOSPREY_DEPS := $(LIBOSPREY) $(LIBOSPREY_HDRS)
CFLAGS_LIBOSPREY := -Itools/libosprey -Iinclude

IGT_LIB_SRCS := $(wildcard igt-tests/lib/*.c)
IGT_LIB_HDRS := $(wildcard igt-tests/lib/*.h)
IGT_TESTS := $(patsubst igt-tests/%.c,$(BUILD)/igt-tests/%,$(wildcard igt-tests/*.c))
IGT_SELFTEST := $(BUILD)/igt-tests/igt_selftest
TOOLS := $(BUILD)/tools/ospreyctl $(BUILD)/tools/osprey_bench
HOST_TESTS := $(BUILD)/tools/isa_test $(BUILD)/tools/coredump_test
# The coredump parser's libFuzzer target: built with clang, by make check
# and make fuzz only (make alone needs no clang).
COREDUMP_FUZZ := $(BUILD)/tools/coredump_fuzz
COREDUMP_SAMPLES := tools/tests/coredump-samples
GUEST_BINS := $(IGT_TESTS) $(IGT_SELFTEST) $(TOOLS)

KOS := osprey_sim.ko osprey.ko
GATES_KO := tools/vm/gates/osprey_gates.ko

KERNEL_SRCS := $(wildcard drm/*.c hw/*.c gem/*.c coredump/*.c include/*.h) \
	$(wildcard gem/tests/compile-fail/*.[ch]) uapi/osprey_drm.h
# include/typed_gem.h generates code per object type from macros whose
# arguments are types and identifiers: checkpatch's warnings about argument
# reuse and precedence, function arguments without names, multi-statement
# macros and typedefs are about expressions and do not apply to it. It gets
# exactly those exemptions; every other check applies.
CODEGEN_HDRS := include/typed_gem.h
CODEGEN_CHECKPATCH_IGNORE := MACRO_ARG_REUSE,MACRO_ARG_PRECEDENCE,FUNCTION_ARGUMENTS
CODEGEN_CHECKPATCH_IGNORE := $(CODEGEN_CHECKPATCH_IGNORE),COMPLEX_MACRO,NEW_TYPEDEFS
CODEGEN_CHECKPATCH_IGNORE := $(CODEGEN_CHECKPATCH_IGNORE),MULTISTATEMENT_MACRO_USE_DO_WHILE
CODEGEN_CHECKPATCH_IGNORE := $(CODEGEN_CHECKPATCH_IGNORE),SPACING
KERNEL_SRCS += $(filter-out %.mod.c,$(wildcard tools/vm/gates/*.c))
USER_SRCS := $(wildcard tools/*/*.c tools/*/*.h igt-tests/*.c igt-tests/lib/tests/*.c)
IGT_LIB_LINT_SRCS := $(wildcard igt-tests/lib/*.c igt-tests/lib/*.h)
# Userspace follows kernel style too, except for what only the kernel has
# (BIT(), __printf, u32) or what userspace APIs impose: libdrm's camelCase
# names, volatile locals around setjmp, extern declarations, and IGT's
# "int igt_main()" block spelling.
USER_CHECKPATCH_IGNORE := CAMELCASE,PREFER_KERNEL_TYPES,BIT_MACRO,VOLATILE
USER_CHECKPATCH_IGNORE := $(USER_CHECKPATCH_IGNORE),FUNCTION_WITHOUT_ARGS
USER_CHECKPATCH_IGNORE := $(USER_CHECKPATCH_IGNORE),PREFER_DEFINED_ATTRIBUTE_MACRO
USER_CHECKPATCH_IGNORE := $(USER_CHECKPATCH_IGNORE),AVOID_EXTERNS
# igt-tests/lib implements IGT's API, whose block macros (igt_main,
# igt_subtest, igt_fork, ...) have shapes kernel style does not allow.
IGT_LIB_CHECKPATCH_IGNORE := $(USER_CHECKPATCH_IGNORE),COMPLEX_MACRO
IGT_LIB_CHECKPATCH_IGNORE := $(IGT_LIB_CHECKPATCH_IGNORE),TRAILING_STATEMENTS
IGT_LIB_CHECKPATCH_IGNORE := $(IGT_LIB_CHECKPATCH_IGNORE),MACRO_ARG_REUSE
IGT_LIB_CHECKPATCH_IGNORE := $(IGT_LIB_CHECKPATCH_IGNORE),MACRO_ARG_PRECEDENCE
IGT_LIB_CHECKPATCH_IGNORE := $(IGT_LIB_CHECKPATCH_IGNORE),MULTISTATEMENT_MACRO_USE_DO_WHILE

VM := python3 tools/vm/vm.py
VM_ARGS = --kver $(KVER) --kdir $(KDIR) --kos $(KOS) $(GATES_KO) \
	--bins $(GUEST_BINS) --workdir $(BUILD)/vm

# The test tiers make check runs: Debian's kernel, then the debug kernel.
KERNEL ?= all
CHECK_TIERS := $(if $(filter all,$(KERNEL)),debian debug,$(KERNEL))

# The debug tier builds the modules against the debug kernel's tree, from a
# copy of the sources (kbuild writes its objects next to them).
DEBUG_SRC := $(BUILD)/debug/src
MODULE_SRCS = $(shell find Kbuild $(wildcard drm hw gem coredump include uapi) \
	tools/vm/gates \( -name '*.[ch]' -o -name Kbuild \) -print)

.PHONY: all modules tools tests deps run check shell bench lint install clean fuzz \
	debug-kernel _run _check _check-debian _check-debug _shell _bench fuzz-long _fuzz-long

all: modules tools tests

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
	$(MAKE) -C $(KDIR) M=$(CURDIR)/tools/vm/gates modules

tools: $(TOOLS) $(HOST_TESTS)

# Host-side unit tests of the ISA codec and the assembler (run by make check).
$(BUILD)/tools/isa_test: tools/tests/isa_test.c tools/ospreyctl/isa_asm.c \
		tools/ospreyctl/isa_asm.h include/osprey_isa.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_USER) -Iinclude -Itools/ospreyctl -o $@ $(filter %.c,$^)

# Host-side unit tests of the coredump reader: the parser and ospreyctl
# coredump (run by make check, on every file of $(COREDUMP_SAMPLES)).
$(BUILD)/tools/coredump_test: tools/tests/coredump_test.c tools/libosprey/coredump_parse.c \
		tools/ospreyctl/coredump.c tools/ospreyctl/isa_asm.c tools/ospreyctl/*.h \
		tools/libosprey/coredump_parse.h include/osprey_coredump_format.h \
		include/osprey_isa.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_USER) -Iinclude -Itools/libosprey -Itools/ospreyctl \
		-DCOREDUMP_SAMPLES='"$(COREDUMP_SAMPLES)"' -o $@ $(filter %.c,$^)

# The fuzz target ignores CRCs (-DOSP_COREDUMP_IGNORE_CRC) to reach what
# they guard.
$(COREDUMP_FUZZ): tools/tests/coredump_fuzz.c tools/libosprey/coredump_parse.c \
		tools/libosprey/coredump_parse.h include/osprey_coredump_format.h
	@mkdir -p $(@D)
	clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE -DOSP_COREDUMP_IGNORE_CRC \
		-Iinclude -Itools/libosprey -o $@ $(filter %.c,$^)

fuzz: $(COREDUMP_FUZZ)
	@mkdir -p $(BUILD)/fuzz/corpus
	$(COREDUMP_FUZZ) -artifact_prefix=$(BUILD)/fuzz/ -max_len=65536 \
		$(BUILD)/fuzz/corpus $(COREDUMP_SAMPLES)

tests: $(IGT_TESTS) $(IGT_SELFTEST)

$(BUILD)/tools/libosprey/%.o: tools/libosprey/%.c $(LIBOSPREY_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_USER) $(CFLAGS_LIBOSPREY) -c -o $@ $<

$(LIBOSPREY): $(LIBOSPREY_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/tools/ospreyctl: tools/ospreyctl/*.c tools/ospreyctl/*.h $(LIBOSPREY_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_USER) $(CFLAGS_LIBOSPREY) -o $@ $(filter %.c,$^) $(LIBOSPREY) \
		$(LDLIBS_USER)

$(BUILD)/tools/osprey_bench: tools/bench/*.c tools/bench/*.h $(LIBOSPREY_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_USER) $(CFLAGS_LIBOSPREY) -o $@ $(filter %.c,$^) $(LIBOSPREY) \
		$(LDLIBS_USER) -lm

$(BUILD)/igt-tests/%: igt-tests/%.c $(IGT_LIB_SRCS) $(IGT_LIB_HDRS) $(LIBOSPREY_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_USER) -Iigt-tests/lib $(CFLAGS_LIBOSPREY) -o $@ $< $(IGT_LIB_SRCS) \
		$(LIBOSPREY) $(LDLIBS_USER)

$(IGT_SELFTEST): igt-tests/lib/tests/igt_selftest.c $(IGT_LIB_SRCS) $(IGT_LIB_HDRS) \
		$(LIBOSPREY_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_USER) -Iigt-tests/lib $(CFLAGS_LIBOSPREY) -o $@ $< $(IGT_LIB_SRCS) \
		$(LIBOSPREY) $(LDLIBS_USER)

deps:
	@tools/vm/deps.sh $(KVER)

# run, check and shell install their dependencies first, then build and boot
# in a sub-make, so that KVER is known even on a machine that had no kernel.
run check shell bench fuzz-long: deps
	@$(MAKE) --no-print-directory KVER=$(or $(KVER),$$(tools/vm/kver.sh)) _$@

_run: all
	@$(VM) run $(VM_ARGS) --outdir $(BUILD)

_check: all $(COREDUMP_FUZZ)
	@rm -f $(BUILD)/check-*.counts
	@for tier in $(CHECK_TIERS); do \
		$(MAKE) --no-print-directory _check-$$tier; \
	done; \
	$(VM) summary $(patsubst %,$(BUILD)/check-%.counts,$(CHECK_TIERS))

_check-debian:
	@$(VM) check --tier debian $(VM_ARGS) --counts $(BUILD)/check-debian.counts

debug-kernel:
	@tools/vm/debug-kernel.sh $(OSPREY_CACHE)

_check-debug:
	@dk=$$(tools/vm/debug-kernel.sh $(OSPREY_CACHE)) || exit 1; \
	rel=$$(cat $$dk/include/config/kernel.release); \
	mkdir -p $(DEBUG_SRC); \
	printf '%s\n' $(MODULE_SRCS) | cpio -pdmu --quiet $(DEBUG_SRC) && \
	$(MAKE) -s -C $$dk M=$(CURDIR)/$(DEBUG_SRC) modules && \
	$(MAKE) -s -C $$dk M=$(CURDIR)/$(DEBUG_SRC)/tools/vm/gates modules && \
	$(VM) check --tier debug --kver $$rel --kernel-image $$dk/arch/x86/boot/bzImage \
		--modroot $$dk/modroot --kos $(addprefix $(DEBUG_SRC)/,$(KOS) \
		osprey_kunit.ko $(GATES_KO)) --bins $(GUEST_BINS) \
		--workdir $(BUILD)/vm-debug --counts $(BUILD)/check-debug.counts

_shell: all
	@$(VM) shell $(VM_ARGS)

_bench: all
	@$(VM) bench $(VM_ARGS) $(if $(BENCH),--only $(BENCH)) | tee $(BUILD)/bench.txt

# OSPREY_FUZZ_SEED and OSPREY_FUZZ_THREADS pass through to the guest.
_fuzz-long: all
	@$(VM) fuzz-long $(VM_ARGS) --workdir $(BUILD)/vm-fuzz

CHECKPATCH := $(OSPREY_CACHE)/checkpatch/scripts/checkpatch.pl
KERNEL_DOC := $(KDIR)/scripts/kernel-doc

$(CHECKPATCH):
	@mkdir -p $(OSPREY_CACHE)/checkpatch
	tar -xJf /usr/src/linux-source-6.12.tar.xz -C $(OSPREY_CACHE)/checkpatch \
		--strip-components=1 linux-source-6.12/scripts/checkpatch.pl \
		linux-source-6.12/scripts/spelling.txt \
		linux-source-6.12/scripts/const_structs.checkpatch

lint: $(CHECKPATCH)
	@echo "lint: checkpatch --strict"
	@$(CHECKPATCH) --strict --no-tree --quiet --show-types \
		-f $(filter-out $(CODEGEN_HDRS),$(KERNEL_SRCS))
	@$(CHECKPATCH) --strict --no-tree --quiet --show-types \
		--ignore $(CODEGEN_CHECKPATCH_IGNORE) -f $(CODEGEN_HDRS)
	@$(CHECKPATCH) --strict --no-tree --quiet --show-types \
		--ignore $(USER_CHECKPATCH_IGNORE) -f $(USER_SRCS)
	@$(CHECKPATCH) --strict --no-tree --quiet --show-types \
		--ignore $(IGT_LIB_CHECKPATCH_IGNORE) -f $(IGT_LIB_LINT_SRCS)
	@echo "lint: W=1 C=2 (sparse)"
	@mkdir -p $(BUILD)
	@$(MAKE) -s -C $(KDIR) M=$(CURDIR) W=1 C=2 modules > $(BUILD)/lint-build.log 2>&1; \
		status=$$?; ! grep -iE 'warning|error' $(BUILD)/lint-build.log && [ $$status = 0 ]
	@dk=$$(tools/vm/debug-kernel.sh --if-built $(OSPREY_CACHE)); \
	if [ -n "$$dk" ]; then \
		echo "lint: W=1 C=2 (sparse) against the debug kernel, with KUnit"; \
		mkdir -p $(DEBUG_SRC); \
		printf '%s\n' $(MODULE_SRCS) | cpio -pdmu --quiet $(DEBUG_SRC); \
		$(MAKE) -s -C $$dk M=$(CURDIR)/$(DEBUG_SRC) W=1 C=2 modules \
			> $(BUILD)/lint-build-debug.log 2>&1; status=$$?; \
		! grep -iE 'warning|error' $(BUILD)/lint-build-debug.log && [ $$status = 0 ]; \
	fi
	@echo "lint: kernel-doc"
	@$(KERNEL_DOC) -none -Wall $(KERNEL_SRCS) 2>&1 | { ! grep .; }
	@echo "lint: clean"

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KVER)
	install -D -m 0644 uapi/osprey_drm.h $(DESTDIR)$(PREFIX)/include/drm/osprey_drm.h

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C $(KDIR) M=$(CURDIR)/tools/vm/gates clean
	rm -rf $(BUILD)
