# rampart - GNU Makefile.  `make` builds build/librampart.so and build/rampart.
# `make deps` installs what building and testing need (Debian packages).

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  ?= $(PREFIX)/bin
LIBDIR  ?= $(PREFIX)/lib/rampart
SHAREDIR ?= $(PREFIX)/share/rampart
MANDIR  ?= $(PREFIX)/share/man

CC      ?= cc
BUILD   ?= build
VERSION := 0.1.0

# Debian packages: what building needs, and what testing adds.
BUILD_DEBS := libseccomp-dev libcap-ng-dev pkg-config
TEST_DEBS  := libcriterion-dev python3 strace valgrind clang libclang-rt-dev \
              clang-tools cppcheck binutils jq python3-uvicorn python3-starlette \
              python3-multipart python3-yaml libpython3.11-testsuite bubblewrap \
              hyperfine
# `make container-test` adds a container engine, a base-image builder, and
# compose v1 (Debian 12 has no compose v2 package).
CONTAINER_DEBS := docker.io mmdebstrap docker-compose python3 python3-yaml


WARN := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wno-unused-parameter
HARDEN := -fstack-protector-strong -D_FORTIFY_SOURCE=3 -fno-strict-aliasing
OPT ?= -O2 -g
CFLAGS ?=
LDFLAGS ?=
COMMON_CFLAGS := -std=gnu11 $(OPT) $(WARN) $(HARDEN) -D_GNU_SOURCE \
               -DRAMPART_VERSION='"$(VERSION)"' -Ishim -Ishim/core
BASE_CFLAGS := $(COMMON_CFLAGS) $(CFLAGS)
# The shim is preloaded into uninstrumented programs, so a sanitizer build
# (make test-asan) leaves it alone: it gets SHIM_CFLAGS, not CFLAGS.
SHIM_CFLAGS ?= $(CFLAGS)
SHIM_LDFLAGS ?= $(LDFLAGS)
LD_HARDEN := -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack

# The core (shim/core/, its rule in shim/core/README): compiled into the
# shim, the rampart program, the unit tests and the fuzzers (one semantics).
SHARED_SRCS := $(sort $(wildcard shim/core/*.c))
SHIM_SRCS   := $(sort $(wildcard shim/*.c)) $(SHARED_SRCS)
# tools/rampart.c is the subcommand table; tools/loader/ the ENTRYPOINT
# loader and --check, tools/field/ scan, suggest and export-seccomp.
TOOL_DIRS   := tools tools/loader tools/field
TOOL_SRCS   := $(sort $(wildcard $(TOOL_DIRS:%=%/*.c)))

SHIM_OBJS   := $(SHIM_SRCS:%.c=$(BUILD)/pic/%.o)
SHARED_OBJS := $(SHARED_SRCS:%.c=$(BUILD)/obj/%.o)
TOOL_OBJS   := $(TOOL_SRCS:%.c=$(BUILD)/obj/%.o)

SHIM    := $(BUILD)/librampart.so
LOADER  := $(BUILD)/rampart

PKG_LIBS := $(shell pkg-config --libs libseccomp libcap-ng 2>/dev/null || echo -lseccomp -lcap-ng)

.PHONY: all deps check-deps check-test-deps check-container-deps test unit integ demo install uninstall clean \
        bench fuzz test-asan analyze transparency e2e help check-includes
all: check-deps $(SHIM) $(LOADER)

help:
	@echo "targets: all deps test check-includes demo install uninstall bench fuzz test-asan analyze transparency e2e clean"

# ---- dependencies -----------------------------------------------------------
# `make` checks the build packages and `make test`/`make demo` all of them,
# installing what is missing when run as root (else printing the command),
# so a fresh Debian machine needs nothing by hand.  `make -j` runs two of
# these at once: apt waits for the other's lock instead of failing.  SKIP_DEPS=1 skips the
# check (an image build that has its packages already).
define install_debs
	@[ -n "$(SKIP_DEPS)" ] && exit 0; missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then [ -n "$(2)" ] || echo "deps: all present"; exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "deps: missing:$$missing"; \
	  echo "deps: run: sudo apt-get install -y$$missing"; exit 1; fi; \
	echo "deps: installing:$$missing"; \
	export DEBIAN_FRONTEND=noninteractive; lock="-o DPkg::Lock::Timeout=600"; \
	apt-get $$lock install -y -q $$missing >/dev/null 2>&1 || \
	  { apt-get $$lock update -q >/dev/null && apt-get $$lock install -y -q $$missing; }
endef

deps:
	$(call install_debs,$(BUILD_DEBS) $(TEST_DEBS),)
check-deps:
	$(call install_debs,$(BUILD_DEBS),quiet)
check-test-deps:
	$(call install_debs,$(BUILD_DEBS) $(TEST_DEBS),quiet)
check-container-deps:
	$(call install_debs,$(CONTAINER_DEBS),quiet)

# ---- build -------------------------------------------------------------------
# Header dependencies come from the compiler (-MMD writes NAME.d beside
# each object; -MP keeps a removed header from breaking the build).
DEPFLAGS := -MMD -MP

$(BUILD)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(COMMON_CFLAGS) $(SHIM_CFLAGS) $(DEPFLAGS) -fPIC -fvisibility=hidden -ftls-model=initial-exec -c -o $@ $<

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(DEPFLAGS) -fPIE $(TOOL_DIRS:%=-I%) -c -o $@ $<

-include $(SHIM_OBJS:.o=.d) $(TOOL_OBJS:.o=.d) $(SHARED_OBJS:.o=.d)

$(SHIM): $(SHIM_OBJS) shim/shim.map.in
	$(CC) -shared -o $@ $(SHIM_OBJS) -Wl,--version-script=shim/shim.map.in \
	  -Wl,--exclude-libs,ALL $(LD_HARDEN) $(SHIM_LDFLAGS) -ldl

$(LOADER): $(TOOL_OBJS) $(SHARED_OBJS)
	$(CC) -pie -o $@ $^ $(LD_HARDEN) $(LDFLAGS) $(PKG_LIBS)

# ---- tests -------------------------------------------------------------------
# Unit tests (Criterion) link the shared policy module; integration tests
# (Criterion) run real processes under the shim and the loader, using the
# small C programs in tests/progs/ and the shell scripts in tests/sh/.
UNIT_SRCS  := $(sort $(wildcard tests/unit/*.c))
INTEG_SRCS := $(sort $(wildcard tests/integ/*.c))
PROG_SRCS  := $(sort $(wildcard tests/progs/*.c))
TESTLIB    := tests/lib/testlib.c
PROGS      := $(PROG_SRCS:tests/progs/%.c=$(BUILD)/tests/progs/%)
STATIC_PROGS := $(PROG_SRCS:tests/progs/%.c=$(BUILD)/tests/progs/%.static)
TEST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
               -D_GNU_SOURCE -Ishim -Ishim/core -Itests/lib $(CFLAGS)

$(BUILD)/tests/unit: $(UNIT_SRCS) $(SHARED_OBJS) $(TESTLIB) $(wildcard tests/lib/*.h shim/*.h shim/core/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $(UNIT_SRCS) $(TESTLIB) $(SHARED_OBJS) -lcriterion

$(BUILD)/tests/integ: $(INTEG_SRCS) $(TESTLIB) $(wildcard tests/lib/*.h shim/*.h shim/core/*.h tests/integ/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $(INTEG_SRCS) $(TESTLIB) -lcriterion

$(BUILD)/tests/progs/%: tests/progs/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -Wno-deprecated-declarations -o $@ $< -Wl,--as-needed -lpthread $(PKG_LIBS)

# Static builds of the same programs: what the shim cannot see.
$(BUILD)/tests/progs/%.static: tests/progs/%.c
	@mkdir -p $(dir $@)
	-$(CC) $(TEST_CFLAGS) -Wno-deprecated-declarations -static -o $@ $< -lpthread $(PKG_LIBS) 2>/dev/null

test: check-test-deps all $(BUILD)/tests/unit $(BUILD)/tests/integ $(PROGS) $(STATIC_PROGS)
	@BUILD=$(BUILD) sh tests/run.sh

# Each .c includes its own header first, each header stands alone (also
# part of `make test`, as tests/sh/includes.sh).
check-includes:
	@CC="$(CC)" sh tests/sh/includes.sh && echo "check-includes: ok"

unit: all $(BUILD)/tests/unit
	$(BUILD)/tests/unit

# Only the Criterion integration tests (real processes under the shim and
# the loader); `make test` runs them with everything else.
integ: all $(BUILD)/tests/integ $(PROGS) $(STATIC_PROGS)
	RAMPART_BUILD=$(BUILD) $(BUILD)/tests/integ --jobs 2 --short-filename

# ---- the demo (README quick start) ------------------------------------------------
demo: check-test-deps all
	@sh tests/demo.sh $(BUILD)

# ---- install -------------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(SHAREDIR)/policies \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 0755 $(LOADER) $(DESTDIR)$(BINDIR)/rampart
	install -m 0644 $(SHIM) $(DESTDIR)$(LIBDIR)/librampart.so
	install -m 0644 policies/*.policy $(DESTDIR)$(SHAREDIR)/policies/
	install -m 0644 docs/man/rampart.1 $(DESTDIR)$(MANDIR)/man1/rampart.1
	install -m 0644 docs/man/rampart.policy.5 $(DESTDIR)$(MANDIR)/man5/rampart.policy.5

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/rampart $(DESTDIR)$(LIBDIR)/librampart.so \
	  $(DESTDIR)$(MANDIR)/man1/rampart.1 $(DESTDIR)$(MANDIR)/man5/rampart.policy.5
	rm -rf $(DESTDIR)$(SHAREDIR)/policies
	-rmdir $(DESTDIR)$(LIBDIR) $(DESTDIR)$(SHAREDIR) 2>/dev/null

clean:
	rm -rf $(BUILD) build-asan build-analyze build-clang

# Optional target groups (bench, fuzz, sanitizers, ...) live beside their
# sources as tests/*/*.mk.
-include $(wildcard tests/*/*.mk)
