# container.mk - docs/examples/ built and run on a real Docker engine
# (tests/container/run.py), started by the suite itself.  The engine's data
# root (the imported base image, the build cache) stays in CONTAINER_CACHE,
# so a second run builds nothing.  CONTAINER_ARGS=--measure also times
# container starts with and without the rampart ENTRYPOINT.
CONTAINER_CACHE ?= /var/cache/rampart-container
CONTAINER_ARGS ?=

.PHONY: container-test
# exit 77 from the suite: the engine cannot run here (the reason is printed);
# a skip, not a failure, unless RAMPART_STRICT_SKIPS=1
container-test: check-container-deps all
	@rc=0; RAMPART_CONTAINER_CACHE=$(CONTAINER_CACHE) CC=$(CC) \
	  /usr/bin/python3 tests/container/run.py --build $(BUILD) $(CONTAINER_ARGS) || rc=$$?; \
	if [ $$rc = 77 ] && [ "$${RAMPART_STRICT_SKIPS:-0}" != 1 ]; then \
	  echo "container-test: SKIPPED"; exit 0; fi; exit $$rc
