# SPDX-License-Identifier: Apache-2.0
# vtepd/: the daemon (its OVSDB engine and hardware_vtep logic have their
# own fragments in vtepd/ovsdb/ and vtepd/vtep/).
LIBRARIES += vtepd-core
vtepd-core_SRCS := vtepd/options.c vtepd/daemon.c vtepd/paths.c
vtepd-core_PKGS := libev

# The control socket (ovs-appctl's protocol), on the JSON-RPC server.
LIBRARIES += vtepd-ctl
vtepd-ctl_SRCS := vtepd/unixctl.c
vtepd-ctl_PKGS := jansson libev

PROGRAMS += vtepd
vtepd_SRCS := vtepd/main.c vtepd/database.c vtepd/forwarding.c \
              vtepd/ovs-rundir.c vtepd/memtrim.c vtepd/metrics.c
vtepd_LIBS := vtepd-ctl vtepd-core replica ovsdb-server ovsdb-storage ovsdb jsonrpc \
              vtep vtep-schema sim hal-asic hal-netdev hal lib
vtepd_PKGS := libev libmicrohttpd
# Loadable HAL providers (--hal=FILE) call the provider API in vtepd.
vtepd_LDFLAGS = $(HAL_PROVIDER_LDFLAGS)

$(call UNIT_TEST,test-vtepd-daemon,\
    tests/unit/test-daemon.c,\
    vtepd-core lib,libev)

$(call UNIT_TEST,test-vtepd-options,tests/unit/test-options.c,vtepd-core lib)

$(call UNIT_TEST,test-unixctl,tests/unit/test-unixctl.c,\
    vtepd-ctl jsonrpc lib,libev)

$(call UNIT_TEST,test-vtepd-memtrim,\
    tests/unit/test-memtrim.c vtepd/memtrim.c,\
    ovsdb lib,jansson libev)
