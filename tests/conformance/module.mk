# SPDX-License-Identifier: Apache-2.0
# Open vSwitch's own testsuite (v3.1.0 tests/ovsdb-monitor.at and the
# Python-IDL cases of tests/ovsdb-idl.at), run against ovsdb-server and
# vtepd and compared: make conformance OVS_SRC=/path/to/ovs (a checkout,
# or a git directory holding the tag).  The .at files stay Open vSwitch's:
# they are read from OVS_SRC, never kept here.  Without OVS_SRC it SKIPs
# with the reason.  Next to "make difftest"; not part of "make check".
OVS_SRC ?=
OVS_REF ?= v3.1.0
.PHONY: conformance
conformance: deps
	@$(MAKE) --no-print-directory -j$(NPROC) $(BUILD)/bin/vtepd
	@BUILD=$(BUILD) OVS_SRC="$(OVS_SRC)" OVS_REF="$(OVS_REF)" \
	    bash tests/conformance/run.sh
