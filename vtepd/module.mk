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
              vtepd/ovs-rundir.c vtepd/memtrim.c
vtepd_LIBS := vtepd-ctl vtepd-core ovsdb-server ovsdb-storage ovsdb ovsdb-net \
              vtep sim hal-asic hal-netdev hal lib
vtepd_PKGS := libev

UNIT_TESTS += test-vtepd-daemon
test-vtepd-daemon_SRCS := tests/unit/test-daemon.c
test-vtepd-daemon_LIBS := vtepd-core lib
test-vtepd-daemon_PKGS := cmocka libev

UNIT_TESTS += test-vtepd-options
test-vtepd-options_SRCS := tests/unit/test-options.c
test-vtepd-options_LIBS := vtepd-core lib
test-vtepd-options_PKGS := cmocka

UNIT_TESTS += test-vtepd-memtrim
test-vtepd-memtrim_SRCS := tests/unit/test-memtrim.c vtepd/memtrim.c
test-vtepd-memtrim_LIBS := ovsdb lib
test-vtepd-memtrim_PKGS := cmocka jansson libev
