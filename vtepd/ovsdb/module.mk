# vtepd/ovsdb/: the RFC 7047 database engine (schema, data, transactions).
LIBRARIES += ovsdb
ovsdb_SRCS := vtepd/ovsdb/error.c vtepd/ovsdb/type.c vtepd/ovsdb/atom.c \
              vtepd/ovsdb/datum.c vtepd/ovsdb/datum-string.c \
              vtepd/ovsdb/schema.c vtepd/ovsdb/row.c \
              vtepd/ovsdb/table.c vtepd/ovsdb/condition.c \
              vtepd/ovsdb/mutation.c vtepd/ovsdb/transaction.c \
              vtepd/ovsdb/execution.c vtepd/ovsdb/insert-text.c \
              vtepd/ovsdb/db.c \
              vtepd/ovsdb/json-order.c \
              vtepd/ovsdb/builtin-schema.c
ovsdb_PKGS := jansson

# The hardware_vtep schema, compiled in so that vtepd needs no files.
$(BUILD)/gen/vtep-schema.inc: schema/vtep.ovsschema tools/file2c.sh
	@mkdir -p $(@D)
	@echo "  GEN     $@"
	$(Q)sh tools/file2c.sh $< > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/vtepd/ovsdb/builtin-schema.o: $(BUILD)/gen/vtep-schema.inc

# A transaction runner for golden and differential tests.
TEST_PROGRAMS += ovsdb-transact
ovsdb-transact_SRCS := tests/ovsdb/ovsdb-transact.c
ovsdb-transact_LIBS := ovsdb lib

TEST_PROGRAMS += bench-ovsdb-rows
bench-ovsdb-rows_SRCS := tests/bench/bench-ovsdb-rows.c
bench-ovsdb-rows_LIBS := ovsdb lib
BENCH_SCRIPTS += tests/bench/ovsdb-rows.sh

SCRIPT_TESTS += tests/ovsdb/golden.sh tests/interop/ovsdb-difftest.sh

# A longer differential run against ovsdb-tool: make difftest SEEDS=N
SEEDS ?= 50
.PHONY: difftest
difftest: deps
	@$(MAKE) --no-print-directory -j$(NPROC) tests
	@BUILD=$(BUILD) DIFFTEST_SEEDS=$(SEEDS) bash tests/interop/ovsdb-difftest.sh

UNIT_TESTS += test-ovsdb-schema test-ovsdb-datum test-ovsdb-txn
test-ovsdb-schema_SRCS := tests/unit/test-ovsdb-schema.c
test-ovsdb-schema_LIBS := ovsdb lib
test-ovsdb-schema_PKGS := cmocka
test-ovsdb-datum_SRCS := tests/unit/test-ovsdb-datum.c
test-ovsdb-datum_LIBS := ovsdb lib
test-ovsdb-datum_PKGS := cmocka
test-ovsdb-txn_SRCS := tests/unit/test-ovsdb-txn.c
test-ovsdb-txn_LIBS := ovsdb lib
test-ovsdb-txn_PKGS := cmocka
UNIT_TESTS += test-ovsdb-insert-text
test-ovsdb-insert-text_SRCS := tests/unit/test-ovsdb-insert-text.c
test-ovsdb-insert-text_LIBS := ovsdb lib
test-ovsdb-insert-text_PKGS := cmocka

# vtepd/ovsdb/: the network half of the OVSDB server: streams (unix, tcp),
# JSON-RPC framing, sessions and the server that dispatches methods.
LIBRARIES += ovsdb-net
ovsdb-net_SRCS := vtepd/ovsdb/stream.c vtepd/ovsdb/stream-fd.c \
                  vtepd/ovsdb/reconnect.c vtepd/ovsdb/jsonrpc.c \
                  vtepd/ovsdb/jsonrpc-server.c vtepd/ovsdb/stream-ssl.c
ovsdb-net_PKGS := jansson libev openssl

UNIT_TESTS += test-ovsdb-stream test-ovsdb-reconnect test-ovsdb-jsonrpc
test-ovsdb-stream_SRCS := tests/unit/test-stream.c
test-ovsdb-stream_LIBS := ovsdb-net lib
test-ovsdb-stream_PKGS := cmocka
test-ovsdb-reconnect_SRCS := tests/unit/test-reconnect.c
test-ovsdb-reconnect_LIBS := ovsdb-net lib
test-ovsdb-reconnect_PKGS := cmocka
test-ovsdb-jsonrpc_SRCS := tests/unit/test-jsonrpc.c
test-ovsdb-jsonrpc_LIBS := ovsdb-net lib
test-ovsdb-jsonrpc_PKGS := cmocka
UNIT_TESTS += test-ovsdb-jsonrpc-remotes
test-ovsdb-jsonrpc-remotes_SRCS := tests/unit/test-jsonrpc-remotes.c
test-ovsdb-jsonrpc-remotes_LIBS := ovsdb-net lib
test-ovsdb-jsonrpc-remotes_PKGS := cmocka libev

# vtepd/ovsdb/: storage: the standalone database file (log framing,
# transaction records, durability, compaction).
LIBRARIES += ovsdb-storage
ovsdb-storage_SRCS := vtepd/ovsdb/log.c vtepd/ovsdb/file.c \
                      vtepd/ovsdb/store.c
ovsdb-storage_PKGS := jansson openssl libev

TEST_PROGRAMS += ovsdb-store-tool
ovsdb-store-tool_SRCS := tests/ovsdb/ovsdb-store-tool.c
ovsdb-store-tool_LIBS := ovsdb-storage ovsdb lib

UNIT_TESTS += test-ovsdb-log test-ovsdb-file
test-ovsdb-log_SRCS := tests/unit/test-ovsdb-log.c
test-ovsdb-log_LIBS := ovsdb-storage ovsdb lib
test-ovsdb-log_PKGS := cmocka
test-ovsdb-file_SRCS := tests/unit/test-ovsdb-file.c
test-ovsdb-file_LIBS := ovsdb-storage ovsdb lib
test-ovsdb-file_PKGS := cmocka
SCRIPT_TESTS += tests/ovsdb/storage.sh

# TLS streams against ovsdb-client and Python's ssl module.
TEST_PROGRAMS += test-ssl-server
test-ssl-server_SRCS := tests/programs/test-ssl-server.c tests/programs/port-file.c
test-ssl-server_LIBS := ovsdb-net lib
SCRIPT_TESTS += tests/interop/ssl.sh

# vtepd/ovsdb/: the OVSDB server's own ideas, on top of the engine (in the
# engine library, free of the network, so each has a unit test linked
# against the engine alone): monitors, the transaction history of
# monitor_cond_since, and locks.
ovsdb_SRCS += vtepd/ovsdb/monitor.c vtepd/ovsdb/history.c vtepd/ovsdb/lock.c

# The OVSDB server: RFC 7047's methods for one database plus _Server, on
# the JSON-RPC server.
LIBRARIES += ovsdb-server
ovsdb-server_SRCS := vtepd/ovsdb/server.c vtepd/ovsdb/server-monitor.c \
                     vtepd/ovsdb/remotes.c
ovsdb-server_PKGS := jansson libev

SCRIPT_TESTS += tests/interop/ovsdb-server.sh tests/interop/vtep-ctl.sh \
                tests/interop/ovsdb-client.sh tests/interop/python-idl.sh

UNIT_TESTS += test-ovsdb-monitor
test-ovsdb-monitor_SRCS := tests/unit/test-ovsdb-monitor.c
test-ovsdb-monitor_LIBS := ovsdb lib
test-ovsdb-monitor_PKGS := cmocka

UNIT_TESTS += test-ovsdb-remotes
test-ovsdb-remotes_SRCS := tests/unit/test-ovsdb-remotes.c
test-ovsdb-remotes_LIBS := ovsdb-server ovsdb-storage ovsdb-net ovsdb lib
test-ovsdb-remotes_PKGS := cmocka libev
