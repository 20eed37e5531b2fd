# vtepd/: the daemon (its OVSDB engine and hardware_vtep logic have their
# own fragments in vtepd/ovsdb/ and vtepd/vtep/).
LIBRARIES += vtepd-core
vtepd-core_SRCS := vtepd/options.c vtepd/daemon.c

PROGRAMS += vtepd
vtepd_SRCS := vtepd/main.c
vtepd_LIBS := vtepd-core lib
vtepd_PKGS := libev

UNIT_TESTS += test-vtepd-options
test-vtepd-options_SRCS := tests/unit/test-options.c
test-vtepd-options_LIBS := vtepd-core lib
test-vtepd-options_PKGS := cmocka
