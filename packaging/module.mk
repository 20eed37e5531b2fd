# SPDX-License-Identifier: Apache-2.0
# packaging/: 'make deb' builds build/deb/vtepd_VERSION_ARCH.deb from a
# staged tree with dpkg-deb (see packaging/mkdeb.sh and docs/operator.md).
DEB_VERSION = $(shell sed -n 's/^\#define VTEPD_VERSION "\(.*\)"/\1/p' \
                  vtepd/options.h)

.PHONY: deb
deb: $(BUILD)/bin/vtepd $(BUILD)/bin/vtep-cli
	@echo "  DEB     $(BUILD)/deb/"
	$(Q)packaging/mkdeb.sh $(BUILD) $(DEB_VERSION)

SCRIPT_TESTS += tests/cli/deb.sh
