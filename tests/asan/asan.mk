# asan.mk - sanitizer and static-analysis targets (included at the end of
# the Makefile).
#
#   make test-asan   the whole test suite built with AddressSanitizer and
#                    UndefinedBehaviorSanitizer into build-asan/
#   make analyze     clang's static analyzer (scan-build) and cppcheck over
#                    shim/, shim/core/ and tools/ (all folders); fails on
#                    any finding
#
# test-asan instruments the unit and integration test binaries and the
# loader (CFLAGS/LDFLAGS), but neither librampart.so (SHIM_CFLAGS and
# SHIM_LDFLAGS empty) nor the programs of tests/progs/: those stand for the
# applications the shim is preloaded into.  An instrumented program with
# the shim preloaded ahead of libasan aborts ("ASan runtime does not come
# first in initial library list"), and ASan's own start-up work (a re-exec
# of itself) would show up as extra exec events.  So the programs are
# built first, plainly, into $(ASAN_BUILD)/tests/progs/; the instrumented
# `make test` that follows finds them up to date.  The shim's shared policy
# code (policy.c, glob.c, strbuf.c, execdecide.c) is still checked here
# through the unit tests and the loader, and by `make fuzz`.
#
# ASAN_OPTIONS (and the same defaults built into the loader by
# tests/asan/asan_defaults.c, for tests that run it with a clean
# environment):
#   detect_leaks=0  LeakSanitizer stops the world with ptrace at exit, which
#                   the loader's own seccomp filter may refuse; nothing here
#                   allocates in a loop, so leaks are not what we look for.
#   exitcode=86     a report ends the process with status 86, which no
#                   rampart exit code uses, so a test that checks an exit
#                   status fails visibly rather than by chance.

ASAN_BUILD    ?= build-asan
ASAN_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all
ASAN_CFLAGS   := $(ASAN_SAN) -fno-omit-frame-pointer
ASAN_ENV      := ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0:disable_coredump=0:abort_on_error=0:exitcode=86:strict_string_checks=1:detect_stack_use_after_return=1 \
                 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=86

ASAN_DEFAULTS := $(ASAN_BUILD)/asan_defaults.o

test-asan: $(ASAN_DEFAULTS)
	@echo "test-asan: test programs, uninstrumented, into $(ASAN_BUILD)/tests/progs/"
	@rm -rf $(ASAN_BUILD)/tests/progs $(ASAN_BUILD)/rampart
	@$(MAKE) --no-print-directory BUILD=$(ASAN_BUILD) CFLAGS= LDFLAGS= asan-progs
	@echo "test-asan: building into $(ASAN_BUILD)/ with $(ASAN_SAN)"
	@$(ASAN_ENV) $(MAKE) --no-print-directory BUILD=$(ASAN_BUILD) OPT="-O1 -g" \
	  CFLAGS="$(ASAN_CFLAGS)" LDFLAGS="$(ASAN_SAN) $(abspath $(ASAN_DEFAULTS))" \
	  SHIM_CFLAGS= SHIM_LDFLAGS= test

# The loader's sanitizer defaults (see the file); linked through LDFLAGS,
# which only the loader's link uses.
$(ASAN_DEFAULTS): tests/asan/asan_defaults.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O1 -g -fPIE -Wall -Wextra -Werror -Wstrict-prototypes \
	  -Wmissing-prototypes -c -o $@ $<

# (used by test-asan; PROGS and STATIC_PROGS follow BUILD)
asan-progs: $(PROGS) $(STATIC_PROGS)
.PHONY: asan-progs

# ---- static analysis --------------------------------------------------------
# scan-build drives clang's analyzer over a fresh build (a separate BUILD so
# every file is compiled again); --status-bugs makes any report fail.
# cppcheck adds its own checks; --inline-suppr lets a reviewed false
# positive be silenced at the line with a comment that says why.  ElfW()
# comes from <link.h>, which cppcheck does not read (system headers are
# left out), so it is defined for it as glibc does on x86_64.
ANALYZE_BUILD ?= build-analyze
SCAN_BUILD    ?= scan-build
CPPCHECK      ?= cppcheck

analyze:
	@rm -rf $(ANALYZE_BUILD); rc=0; \
	echo "analyze: scan-build (clang static analyzer)"; \
	$(SCAN_BUILD) --status-bugs -o $(ANALYZE_BUILD)/report --use-cc=clang \
	  $(MAKE) -k --no-print-directory BUILD=$(ANALYZE_BUILD) CC=clang \
	  $(ANALYZE_BUILD)/librampart.so $(ANALYZE_BUILD)/rampart || rc=1; \
	echo "analyze: cppcheck"; \
	$(CPPCHECK) --quiet --error-exitcode=1 --inline-suppr --std=c11 \
	  --enable=warning,portability,performance --suppress=missingIncludeSystem \
	  -D_GNU_SOURCE -D__x86_64__ '-DElfW(type)=Elf64_##type' -Ishim -Ishim/core -Itools -Itools/loader -Itools/field \
	  --template='{file}:{line}:{column}: {severity}: {message} [{id}]' \
	  shim/*.c shim/core/*.c tools/*.c tools/loader/*.c tools/field/*.c || rc=1; \
	if [ $$rc -ne 0 ]; then echo "analyze: FAILED (findings above)"; exit 1; fi; \
	echo "analyze: no findings"
