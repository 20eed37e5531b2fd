# SPDX-License-Identifier: Apache-2.0
# vtepd/replica/: client mode (--db=REMOTE): a local replica of a
# hardware_vtep database served by an ovsdb-server or a Raft cluster,
# followed with monitor_cond_since, with vtepd's own writes sent as
# "transact" to the leader.
LIBRARIES += replica
replica_SRCS := vtepd/replica/replica.c vtepd/replica/replica-apply.c \
                vtepd/replica/replica-write.c
replica_PKGS := jansson libev

$(call UNIT_TEST,test-replica,tests/unit/test-replica.c,\
    replica ovsdb lib,jansson libev)
