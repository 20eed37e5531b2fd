# SPDX-License-Identifier: Apache-2.0
# tests/soak/: 'make soak', an hour (SOAK_SECONDS) of controller churn,
# restarts and a full disk against vtepd, with its memory, descriptors and
# CPU sampled and plotted into build/soak/.  Never part of 'make check'.
SOAK_SECONDS ?= 3600

.PHONY: soak
soak: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all
	@BUILD=$(BUILD) SOAK_SECONDS=$(SOAK_SECONDS) bash tests/soak/soak.sh
