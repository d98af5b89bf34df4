# transparency.mk - real test suites with and without the shim
# (tests/transparency/run_transparency.py; intended differences in
# tests/transparency/EXPECTED.md).
#   make transparency        all eleven CPython modules + coreutils (~3 min)
#   make transparency-quick  the CI subset (tests/sh/transparency_quick.sh)
TRANSPARENCY_ARGS ?=

.PHONY: transparency-quick
transparency: all
	/usr/bin/python3 tests/transparency/run_transparency.py --build $(BUILD) $(TRANSPARENCY_ARGS)

transparency-quick: all
	/usr/bin/python3 tests/transparency/run_transparency.py --build $(BUILD) --quick $(TRANSPARENCY_ARGS)
