# lib/: shared plumbing (logging, allocation, containers).
LIBRARIES += lib
lib_SRCS := lib/util.c lib/hash.c lib/hmap.c lib/list.c lib/ds.c lib/log.c \
            lib/uuid.c lib/json-text.c lib/slab.c
lib_PKGS := jansson

UNIT_TESTS += test-lib-hmap test-lib-list test-lib-util test-lib-log
test-lib-hmap_SRCS := tests/unit/test-hmap.c
test-lib-hmap_LIBS := lib
test-lib-hmap_PKGS := cmocka
test-lib-list_SRCS := tests/unit/test-list.c
test-lib-list_LIBS := lib
test-lib-list_PKGS := cmocka
test-lib-util_SRCS := tests/unit/test-util.c
test-lib-util_LIBS := lib
test-lib-util_PKGS := cmocka
test-lib-log_SRCS := tests/unit/test-log.c
test-lib-log_LIBS := lib
test-lib-log_PKGS := cmocka
UNIT_TESTS += test-lib-uuid
test-lib-uuid_SRCS := tests/unit/test-uuid.c
test-lib-uuid_LIBS := lib
test-lib-uuid_PKGS := cmocka
UNIT_TESTS += test-lib-json-text
test-lib-json-text_SRCS := tests/unit/test-json-text.c
test-lib-json-text_LIBS := lib
test-lib-json-text_PKGS := cmocka
UNIT_TESTS += test-lib-slab
test-lib-slab_SRCS := tests/unit/test-slab.c
test-lib-slab_LIBS := lib
test-lib-slab_PKGS := cmocka
