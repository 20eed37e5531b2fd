# SPDX-License-Identifier: Apache-2.0
# hal/netdev/: the Linux backend (kernel bridges and VXLAN devices over
# libnl-route-3).
LIBRARIES += hal-netdev
hal-netdev_SRCS := hal/netdev/netdev.c hal/netdev/switch.c hal/netdev/resync.c \
                   hal/netdev/monitor.c hal/netdev/l2.c hal/netdev/fdb.c \
                   hal/netdev/names.c hal/netdev/nl.c \
                   hal/netdev/neigh.c hal/netdev/route.c hal/netdev/route-msg.c \
                   hal/netdev/bfd.c \
                   hal/netdev/snoop.c
hal-netdev_SRCS += hal/netdev/acl.c hal/netdev/nft.c hal/netdev/gateway.c \
                    hal/netdev/snmp6.c hal/netdev/counters4.c \
                    hal/netdev/tags.c hal/netdev/prio-tags.c \
                    hal/netdev/source6.c \
                    hal/netdev/counters-arp.c hal/netdev/acl-egress.c \
                    hal/netdev/ra.c hal/netdev/rif.c
hal-netdev_PKGS := libnl-3.0 libnl-route-3.0

$(call UNIT_TEST,test-hal-netdev,\
    tests/unit/test-hal-netdev.c,\
    hal-netdev hal lib)

# The transport alone (nl.h); its kernel half runs in a network namespace
# of its own, or skips without root.
$(call UNIT_TEST,test-hal-netdev-nl,\
    tests/unit/test-hal-netdev-nl.c tests/unit/netns-fixture.c,\
    hal-netdev hal lib,libnl-3.0 libnl-route-3.0)

# Drives the backend from a script on stdin; run by the dataplane test and
# the benchmark inside network namespaces.
TEST_PROGRAMS += netdev-hal-ctl
netdev-hal-ctl_SRCS := tests/dataplane/netdev-hal-ctl.c
netdev-hal-ctl_LIBS := hal-netdev hal lib
SCRIPT_TESTS += tests/dataplane/netdev-lab.sh
BENCH_SCRIPTS += tests/bench/netdev-fdb.sh
