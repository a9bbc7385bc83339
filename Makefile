# edgevol developer entry points (Debian 12, root or sudo).
#   make run     install what is missing, start the local environment
#   make stop    stop it and delete its state
#   make status  what runs where
#   make test    THE test command: unit + functional + Tempest gate,
#                ends with "N passed, N failed"
#   make tempest the Tempest gate alone (tools/tempest.sh)
# Extra edgevol-dev options: make run DEV_ARGS="--db postgresql"
#   (a real Keystone in front: make run DEV_ARGS="--auth keystone")

VENV := .venv
DEV := $(VENV)/bin/edgevol-dev
DEV_ARGS ?=

.PHONY: install run stop status test tempest

install:
	tools/install.sh

run: install
	$(DEV) up $(DEV_ARGS)

stop:
	@if [ -x $(DEV) ]; then $(DEV) down; else echo "nothing to stop"; fi

status:
	@$(DEV) status $(DEV_ARGS)

test:
	tools/run-tests.sh

tempest:
	tools/tempest.sh
