# vtepd/ovsdb/: the RFC 7047 database engine (schema, data, transactions).
LIBRARIES += ovsdb
ovsdb_SRCS := vtepd/ovsdb/error.c vtepd/ovsdb/type.c vtepd/ovsdb/atom.c \
              vtepd/ovsdb/datum.c vtepd/ovsdb/schema.c vtepd/ovsdb/row.c \
              vtepd/ovsdb/table.c vtepd/ovsdb/condition.c \
              vtepd/ovsdb/mutation.c vtepd/ovsdb/transaction.c \
              vtepd/ovsdb/execution.c vtepd/ovsdb/db.c \
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
