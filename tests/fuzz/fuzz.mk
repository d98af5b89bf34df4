# fuzz.mk - `make fuzz`: libFuzzer targets for everything that parses
# untrusted bytes (included at the end of the Makefile).
#
#   make fuzz                      each target for FUZZ_SECONDS (default 20)
#   make fuzz FUZZ_SECONDS=600     a longer run
#   make fuzz FUZZ_TARGETS=fuzz_glob
#
# Each target is built with clang -fsanitize=fuzzer,address,undefined from
# its harness and the shim/core/*.c (or tools/field/json.c) sources it exercises (compiled here with the
# same sanitizers; the project objects are not reused).  It runs on a copy
# of its seed corpus, tests/fuzz/corpus/<target>/, so what it discovers
# stays in $(BUILD)/fuzz/<target>/corpus and the seeds in the tree stay
# small.  A crash, leak or timeout leaves its input in
# $(BUILD)/fuzz/<target>-crash-* (or -leak-, -timeout-), `make fuzz` fails
# and names it; turn it into a test in tests/unit/test_fuzz_regressions.c.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 20
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_CFLAGS  := -std=gnu11 -g -O1 -fno-omit-frame-pointer -D_GNU_SOURCE -Ishim -Ishim/core \
                -Wall -Wextra -Werror -Wno-unused-parameter \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

# target -> the shim sources it needs
FUZZ_SRCS_fuzz_policy := shim/core/policy.c shim/core/policykw.c shim/core/pathnorm.c shim/core/devino.c shim/core/glob.c shim/core/strbuf.c
FUZZ_SRCS_fuzz_path   := shim/core/pathnorm.c
FUZZ_SRCS_fuzz_glob   := shim/core/glob.c
FUZZ_SRCS_fuzz_json   := shim/core/strbuf.c
FUZZ_SRCS_fuzz_fmode  := shim/core/fmode.c
FUZZ_SRCS_fuzz_event  := tools/field/json.c

FUZZ_ALL     := fuzz_policy fuzz_path fuzz_glob fuzz_json fuzz_fmode fuzz_event
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/bin/%)

# libFuzzer options: -timeout catches a run-away input (the matchers and
# the parser must stay linear), -rss_limit_mb a memory blow-up.  The policy
# target runs inside its seed directory so "Include other.policy" finds
# real files.
FUZZ_OPTS := -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -max_len=8192

define FUZZ_RULE
$(FUZZ_DIR)/bin/$(1): tests/fuzz/$(1).c $(FUZZ_SRCS_$(1)) $(wildcard shim/*.h shim/core/*.h tools/*.h tools/*/*.h)
	@mkdir -p $$(dir $$@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $$@ $$< $(FUZZ_SRCS_$(1))
endef
$(foreach t,$(FUZZ_ALL),$(eval $(call FUZZ_RULE,$(t))))

fuzz: $(FUZZ_BINS)
	@failed=""; \
	for t in $(FUZZ_TARGETS); do \
	  work=$(abspath $(FUZZ_DIR))/$$t; seeds=$(abspath tests/fuzz/corpus)/$$t; \
	  mkdir -p "$$work/corpus" "$$seeds"; \
	  rm -f "$(abspath $(FUZZ_DIR))/$$t"-crash-* "$(abspath $(FUZZ_DIR))/$$t"-leak-* \
	        "$(abspath $(FUZZ_DIR))/$$t"-timeout-* "$(abspath $(FUZZ_DIR))/$$t"-oom-*; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS)s"; \
	  ( cd "$$seeds" && "$(abspath $(FUZZ_DIR))/bin/$$t" $(FUZZ_OPTS) -max_total_time=$(FUZZ_SECONDS) \
	      -artifact_prefix="$$work-" "$$work/corpus" "$$seeds" \
	      </dev/null >"$$work.log" 2>&1 ); rc=$$?; \
	  execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' "$$work.log" | tail -n 1); \
	  cov=$$(grep -o 'cov: [0-9]*' "$$work.log" | tail -n 1); \
	  if [ $$rc -eq 0 ]; then \
	    echo "fuzz: $$t: ok, $${execs:-?} executions, $$cov, corpus $$(ls "$$work/corpus" | wc -l) files"; \
	  else \
	    failed="$$failed $$t"; \
	    echo "fuzz: $$t: FAILED (exit $$rc) after $${execs:-?} executions; log $$work.log"; \
	    grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz_|.*runtime error)' "$$work.log" | head -n 5 | sed 's/^/    /'; \
	    ls "$$work"-crash-* "$$work"-leak-* "$$work"-timeout-* "$$work"-oom-* 2>/dev/null | sed 's/^/    input: /'; \
	  fi; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: FAILED:$$failed"; exit 1; fi; \
	echo "fuzz: all targets ran $(FUZZ_SECONDS)s without a finding"
