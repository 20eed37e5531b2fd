# SPDX-License-Identifier: Apache-2.0
# lib/: shared plumbing (logging, allocation, containers).
LIBRARIES += lib
lib_SRCS := lib/bfd.c lib/bfd-packet.c lib/util.c lib/hash.c lib/hmap.c lib/list.c lib/ds.c lib/vlog.c \
            lib/uuid.c lib/json-text.c lib/slab.c lib/fileio.c lib/csum.c \
            lib/sysctl.c
lib_PKGS := jansson

$(call UNIT_TEST,test-lib-hmap,tests/unit/test-hmap.c,lib)
$(call UNIT_TEST,test-lib-list,tests/unit/test-list.c,lib)
$(call UNIT_TEST,test-lib-util,tests/unit/test-util.c,lib)
$(call UNIT_TEST,test-lib-vlog,tests/unit/test-vlog.c,lib)
$(call UNIT_TEST,test-lib-uuid,tests/unit/test-uuid.c,lib)
$(call UNIT_TEST,test-lib-json-text,tests/unit/test-json-text.c,lib)
$(call UNIT_TEST,test-lib-slab,tests/unit/test-slab.c,lib)
$(call UNIT_TEST,test-lib-bfd,tests/unit/test-bfd.c,lib)
$(call UNIT_TEST,test-lib-fileio,tests/unit/test-fileio.c,lib)
$(call UNIT_TEST,test-lib-csum,tests/unit/test-csum.c,lib)
$(call UNIT_TEST,test-lib-sysctl,tests/unit/test-sysctl.c tests/unit/netns-fixture.c,lib)
