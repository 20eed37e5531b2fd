# vtepd/vtep/: the reconciler (hardware_vtep rows <-> HAL).
LIBRARIES += vtep
vtep_SRCS := vtepd/vtep/vtep.c vtepd/vtep/vtep-db.c vtepd/vtep/vtep-switch.c \
             vtepd/vtep/vtep-ls.c vtepd/vtep/vtep-macs.c \
             vtepd/vtep/vtep-local.c vtepd/vtep/vtep-stats.c
vtep_PKGS := jansson

UNIT_TESTS += test-vtep
test-vtep_SRCS := tests/unit/test-vtep.c tests/unit/vtep-fixture.c \
                  tests/unit/vtep-mock-hal.c
test-vtep_LIBS := vtep ovsdb hal lib
test-vtep_PKGS := cmocka

UNIT_TESTS += test-vtep-local
test-vtep-local_SRCS := tests/unit/test-vtep-local.c \
                        tests/unit/vtep-fixture.c tests/unit/vtep-mock-hal.c
test-vtep-local_LIBS := vtep ovsdb hal lib
test-vtep-local_PKGS := cmocka

UNIT_TESTS += test-vtep-warm
test-vtep-warm_SRCS := tests/unit/test-vtep-warm.c tests/unit/vtep-fixture.c \
                       tests/unit/vtep-mock-hal.c
test-vtep-warm_LIBS := vtep ovsdb hal-asic hal lib
test-vtep-warm_PKGS := cmocka
