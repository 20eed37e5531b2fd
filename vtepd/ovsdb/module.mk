# SPDX-License-Identifier: Apache-2.0
# vtepd/ovsdb/: the RFC 7047 database engine (schema, data, transactions)
# and the server's own ideas on top of it that need no network (monitors,
# the transaction history of monitor_cond_since, locks).  Schema-neutral:
# it serves whatever schema it is given.
LIBRARIES += ovsdb
ovsdb_SRCS := vtepd/ovsdb/error.c vtepd/ovsdb/type.c vtepd/ovsdb/atom.c \
              vtepd/ovsdb/datum.c vtepd/ovsdb/datum-string.c \
              vtepd/ovsdb/schema.c vtepd/ovsdb/row.c vtepd/ovsdb/row-order.c \
              vtepd/ovsdb/table.c vtepd/ovsdb/condition.c \
              vtepd/ovsdb/mutation.c vtepd/ovsdb/transaction.c \
              vtepd/ovsdb/txn-write.c vtepd/ovsdb/txn-index.c \
              vtepd/ovsdb/parser.c vtepd/ovsdb/execution.c \
              vtepd/ovsdb/execution-write.c vtepd/ovsdb/execution-query.c \
              vtepd/ovsdb/insert-text.c \
              vtepd/ovsdb/db.c vtepd/ovsdb/json-order.c \
              vtepd/ovsdb/monitor.c vtepd/ovsdb/history.c vtepd/ovsdb/lock.c \
              vtepd/ovsdb/convert.c
ovsdb_PKGS := jansson

$(call UNIT_TEST,test-ovsdb-schema,\
    tests/unit/test-ovsdb-schema.c,vtep-schema ovsdb lib)
$(call UNIT_TEST,test-ovsdb-datum,tests/unit/test-ovsdb-datum.c,ovsdb lib)
$(call UNIT_TEST,test-ovsdb-txn,\
    tests/unit/test-ovsdb-txn.c,vtep-schema ovsdb lib)
$(call UNIT_TEST,test-ovsdb-txn-write,\
    tests/unit/test-ovsdb-txn-write.c,ovsdb lib)
$(call UNIT_TEST,test-ovsdb-insert-text,\
    tests/unit/test-ovsdb-insert-text.c,vtep-schema ovsdb lib)
$(call UNIT_TEST,test-ovsdb-monitor,tests/unit/test-ovsdb-monitor.c,ovsdb lib)
$(call UNIT_TEST,test-ovsdb-condition,\
    tests/unit/test-ovsdb-condition.c tests/unit/ovsdb-fixture.c,ovsdb lib)
$(call UNIT_TEST,test-ovsdb-mutation,\
    tests/unit/test-ovsdb-mutation.c tests/unit/ovsdb-fixture.c,ovsdb lib)
$(call UNIT_TEST,test-ovsdb-row,tests/unit/test-ovsdb-row.c,ovsdb lib)
$(call UNIT_TEST,test-ovsdb-table,tests/unit/test-ovsdb-table.c,ovsdb lib)
$(call UNIT_TEST,test-ovsdb-parser,tests/unit/test-ovsdb-parser.c,ovsdb lib)
$(call UNIT_TEST,test-ovsdb-row-order,tests/unit/test-ovsdb-row-order.c,ovsdb lib)
$(call UNIT_TEST,test-ovsdb-convert,tests/unit/test-ovsdb-convert.c,ovsdb lib)

# A transaction runner for golden and differential tests.
TEST_PROGRAMS += ovsdb-transact
ovsdb-transact_SRCS := tests/ovsdb/ovsdb-transact.c
ovsdb-transact_LIBS := vtep-schema ovsdb lib

TEST_PROGRAMS += bench-ovsdb-rows
bench-ovsdb-rows_SRCS := tests/bench/bench-ovsdb-rows.c
bench-ovsdb-rows_LIBS := vtep-schema ovsdb lib
BENCH_SCRIPTS += tests/bench/ovsdb-rows.sh

SCRIPT_TESTS += tests/ovsdb/golden.sh tests/interop/ovsdb-difftest.sh

# A longer differential run against ovsdb-tool: make difftest SEEDS=N
SEEDS ?= 50
.PHONY: difftest
difftest: deps
	@$(MAKE) --no-print-directory -j$(NPROC) tests
	@BUILD=$(BUILD) DIFFTEST_SEEDS=$(SEEDS) bash tests/interop/ovsdb-difftest.sh

# Storage: the standalone database file (log framing, transaction records,
# durability, compaction).
LIBRARIES += ovsdb-storage
ovsdb-storage_SRCS := vtepd/ovsdb/log.c vtepd/ovsdb/file.c \
                      vtepd/ovsdb/store.c
ovsdb-storage_PKGS := jansson openssl libev

TEST_PROGRAMS += ovsdb-store-tool
ovsdb-store-tool_SRCS := tests/ovsdb/ovsdb-store-tool.c
ovsdb-store-tool_LIBS := vtep-schema ovsdb-storage ovsdb lib

$(call UNIT_TEST,test-ovsdb-log,\
    tests/unit/test-ovsdb-log.c,ovsdb-storage ovsdb lib)
$(call UNIT_TEST,test-ovsdb-file,\
    tests/unit/test-ovsdb-file.c,ovsdb-storage ovsdb lib)
$(call UNIT_TEST,test-ovsdb-store,\
    tests/unit/test-ovsdb-store.c,ovsdb-storage ovsdb lib,libev)
SCRIPT_TESTS += tests/ovsdb/storage.sh

# The OVSDB server: RFC 7047's methods for one database plus _Server, on
# the JSON-RPC server.
LIBRARIES += ovsdb-server
ovsdb-server_SRCS := vtepd/ovsdb/server.c vtepd/ovsdb/server-monitor.c \
                     vtepd/ovsdb/server-convert.c \
                     vtepd/ovsdb/remotes.c
ovsdb-server_PKGS := jansson libev

SCRIPT_TESTS += tests/interop/ovsdb-server.sh tests/interop/vtep-ctl.sh \
                tests/interop/ovsdb-client.sh tests/interop/python-idl.sh \
                tests/interop/python-idl-cond.sh

$(call UNIT_TEST,test-ovsdb-remotes,\
    tests/unit/test-ovsdb-remotes.c,\
    vtep-schema ovsdb-server ovsdb-storage jsonrpc ovsdb lib,libev)
$(call UNIT_TEST,test-ovsdb-server,\
    tests/unit/test-ovsdb-server.c tests/unit/jsonrpc-client-fixture.c,\
    ovsdb-server ovsdb-storage jsonrpc ovsdb lib,libev)
$(call UNIT_TEST,test-ovsdb-server-monitor,\
    tests/unit/test-ovsdb-server-monitor.c \
    tests/unit/jsonrpc-client-fixture.c,\
    ovsdb-server ovsdb-storage jsonrpc ovsdb lib,libev)
