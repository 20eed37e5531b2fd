# SPDX-License-Identifier: Apache-2.0
# tests/dataplane/: the hardware-VTEP lab through vtepd, with vtep-ctl or
# OVN as the controller.  (The labs of the HAL test programs register with their
# modules: sim/module.mk, hal/netdev/module.mk.)
SCRIPT_TESTS += tests/dataplane/vtepd-sim.sh tests/dataplane/vtepd-sim-nothread.sh
SCRIPT_TESTS += tests/dataplane/vtepd-full-disk.sh
SCRIPT_TESTS += tests/dataplane/vtepd-arp.sh
SCRIPT_TESTS += tests/dataplane/vtepd-lr.sh
SCRIPT_TESTS += tests/dataplane/vtepd-lr-netdev.sh
SCRIPT_TESTS += tests/dataplane/vtepd-arp-netdev.sh
SCRIPT_TESTS += tests/dataplane/vtepd-netdev.sh
SCRIPT_TESTS += tests/dataplane/vtepd-client-warm.sh \
    tests/dataplane/vtepd-client-warm-netdev.sh
SCRIPT_TESTS += tests/dataplane/vtepd-ovn.sh
SCRIPT_TESTS += tests/dataplane/bfd-ovs.sh tests/dataplane/bfd-failover.sh
SCRIPT_TESTS += tests/dataplane/bfd-ovs-netdev.sh

# The same lab left running to play with; see "A lab" in README.md.
.PHONY: lab lab-clean
lab: all
	@tests/dataplane/lab.sh up

lab-clean:
	@tests/dataplane/lab.sh down
SCRIPT_TESTS += tests/dataplane/vtepd-acl.sh
SCRIPT_TESTS += tests/dataplane/vtepd-lr-acl.sh
