# bench.mk - `make bench` (included by the Makefile).
#   make bench               the full run, a few minutes on 2 cores
#   make bench BENCH_QUICK=1 under a minute
#   make bench BENCH_ONLY=open_ro,startup   some workloads only
# Prints one table and writes $(BUILD)/bench.json.  See tests/bench/run.py.

BENCH_DIR    := $(BUILD)/bench
BENCH_CFLAGS := -std=gnu11 -O2 -g $(WARN) -D_GNU_SOURCE $(CFLAGS)
# Eager binding: the first call of each function resolves no PLT slot
# inside a timed (or instruction-counted) loop.
BENCH_LDFLAGS := -Wl,-z,now $(LDFLAGS)
BENCH_BINS   := $(BENCH_DIR)/loops $(BENCH_DIR)/timeexec $(BENCH_DIR)/libpassthrough.so

$(BENCH_DIR)/loops: tests/bench/loops.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -o $@ $< $(BENCH_LDFLAGS)

$(BENCH_DIR)/timeexec: tests/bench/timeexec.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -o $@ $< $(BENCH_LDFLAGS)

$(BENCH_DIR)/libpassthrough.so: tests/bench/passthrough.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -fPIC -fvisibility=hidden -shared -o $@ $< $(BENCH_LDFLAGS) -ldl

# The shim and the loader are built first, but a build failure there does
# not stop the benchmark: the variants that need them show as n/a.
bench: $(BENCH_BINS)
	@$(MAKE) --no-print-directory all || \
	  echo "bench: building rampart failed; variants that need it will be n/a"
	@BENCH_QUICK=$(BENCH_QUICK) BENCH_ONLY=$(BENCH_ONLY) \
	  /usr/bin/python3 tests/bench/run.py --build $(BUILD)
