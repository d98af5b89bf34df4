# container.mk - docs/examples/ built and run on a real Docker engine
# (tests/container/run.py).  The engine is the suite's own dockerd; its
# data root (base image, build cache) stays in CONTAINER_CACHE between runs.
#   make container-test                      CONTAINER_ARGS="--measure" times starts
CONTAINER_CACHE ?= /var/cache/rampart-container
CONTAINER_ARGS ?=

.PHONY: container-test
container-test: check-container-deps all
	RAMPART_CONTAINER_CACHE=$(CONTAINER_CACHE) CC=$(CC) \
	  /usr/bin/python3 tests/container/run.py --build $(BUILD) $(CONTAINER_ARGS)
