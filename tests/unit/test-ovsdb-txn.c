/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/ovsdb transactions: execution results, change sets
 * and commit hooks, blocking waits, lock assertions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/ds.h"
#include "lib/util.h"

#include "schema/vtep-schema.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/execution.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction.h"

struct record {
    int calls;
    size_t inserts, modifies, deletes;
    bool durable;
    char comment[64];
    bool mac_changed;
};

static void
on_commit(const struct ovsdb_changeset *cs, void *aux)
{
    struct record *r = aux;

    r->calls++;
    r->durable = cs->durable;
    snprintf(r->comment, sizeof r->comment, "%s",
             cs->comment ? cs->comment : "");
    for (size_t i = 0; i < cs->n_changes; i++) {
        const struct ovsdb_row_change *c = &cs->changes[i];

        if (!c->old) {
            r->inserts++;
        } else if (!c->new) {
            r->deletes++;
        } else {
            const struct ovsdb_column *mac;

            r->modifies++;
            mac = ovsdb_table_schema_find_column(c->table->schema, "MAC");
            r->mac_changed =
                mac && ovsdb_row_change_column_changed(c, mac->index);
        }
    }
}

static int
setup(void **state)
{
    json_t *json = json_loads(vtep_schema_text(), 0, NULL);
    struct ovsdb_schema *schema;
    struct ovsdb_error *error = ovsdb_schema_from_json(json, &schema);

    json_decref(json);
    assert_null(error);
    *state = ovsdb_db_create(schema);
    return 0;
}

static int
teardown(void **state)
{
    ovsdb_db_destroy(*state);
    return 0;
}

static json_t *
run(struct ovsdb_db *db, const char *text)
{
    struct ovsdb_exec_ctx ctx = { .may_block = false };
    json_t *params = json_loads(text, 0, NULL), *reply;
    long long timeout;

    assert_non_null(params);
    reply = ovsdb_execute(db, params, &ctx, &timeout);
    json_decref(params);
    assert_non_null(reply);
    return reply;
}

static const char *
error_of(const json_t *reply, size_t i)
{
    return json_string_value(
        json_object_get(json_array_get(reply, i), "error"));
}

#define SETUP_MAC                                                          \
    "[\"hardware_vtep\",{\"op\":\"insert\",\"table\":\"Logical_Switch\","  \
    "\"row\":{\"name\":\"ls\"},\"uuid-name\":\"ls\"},{\"op\":\"insert\","  \
    "\"table\":\"Physical_Locator\",\"row\":{\"dst_ip\":\"1.2.3.4\","      \
    "\"encapsulation_type\":\"vxlan_over_ipv4\"},\"uuid-name\":\"l\"},"    \
    "{\"op\":\"insert\",\"table\":\"Ucast_Macs_Remote\",\"row\":{\"MAC\":" \
    "\"m1\",\"logical_switch\":[\"named-uuid\",\"ls\"],\"locator\":"       \
    "[\"named-uuid\",\"l\"]}},{\"op\":\"comment\",\"comment\":\"hi\"},"    \
    "{\"op\":\"commit\",\"durable\":true}]"

/* The _version of the row named 'name' among those the select at 'op' in
 * 'reply' returned. */
static const char *
version_of(const json_t *reply, size_t op, const char *name)
{
    const json_t *rows = json_object_get(json_array_get(reply, op), "rows");
    size_t i;
    json_t *row;

    json_array_foreach(rows, i, row) {
        if (!strcmp(json_string_value(json_object_get(row, "name")), name)) {
            return json_string_value(
                json_array_get(json_object_get(row, "_version"), 1));
        }
    }
    fail_msg("no row named %s", name);
    return NULL;
}

/* As in ovsdb-server, each inserted row has its own _version from the
 * insert on: operations later in the transaction see it and the commit
 * keeps it. */
static void
test_insert_versions(void **state)
{
    static const char zero[] = "00000000-0000-0000-0000-000000000000";
    json_t *reply, *after;
    char a[UUID_LEN + 1], b[UUID_LEN + 1];

    reply = run(*state,
                "[\"hardware_vtep\",{\"op\":\"insert\",\"table\":"
                "\"Logical_Switch\",\"row\":{\"name\":\"a\"}},{\"op\":"
                "\"insert\",\"table\":\"Logical_Switch\",\"row\":{\"name\":"
                "\"b\"}},{\"op\":\"select\",\"table\":\"Logical_Switch\","
                "\"where\":[],\"columns\":[\"name\",\"_version\"]}]");
    snprintf(a, sizeof a, "%s", version_of(reply, 2, "a"));
    snprintf(b, sizeof b, "%s", version_of(reply, 2, "b"));
    assert_string_not_equal(a, zero);
    assert_string_not_equal(b, zero);
    assert_string_not_equal(a, b);

    after = run(*state, "[\"hardware_vtep\",{\"op\":\"select\",\"table\":"
                        "\"Logical_Switch\",\"where\":[],\"columns\":["
                        "\"name\",\"_version\"]}]");
    assert_string_equal(version_of(after, 0, "a"), a);
    assert_string_equal(version_of(after, 0, "b"), b);
    json_decref(after);
    json_decref(reply);
}

static void
test_change_sets(void **state)
{
    struct ovsdb_db *db = *state;
    struct record r = { 0 };
    struct ovsdb_commit_hook *hook;
    json_t *reply;

    hook = ovsdb_db_add_commit_hook(db, on_commit, &r);
    reply = run(db, SETUP_MAC);
    assert_int_equal(json_array_size(reply), 5);
    json_decref(reply);
    assert_int_equal(r.calls, 1);
    assert_int_equal(r.inserts, 3);
    assert_true(r.durable);
    assert_string_equal(r.comment, "hi");

    /* An update that changes nothing yields no change. */
    memset(&r, 0, sizeof r);
    json_decref(run(db, "[\"hardware_vtep\",{\"op\":\"update\",\"table\":"
                        "\"Ucast_Macs_Remote\",\"where\":[],\"row\":{\"MAC\":"
                        "\"m1\"}}]"));
    assert_int_equal(r.calls, 1);
    assert_int_equal(r.modifies, 0);

    memset(&r, 0, sizeof r);
    json_decref(run(db, "[\"hardware_vtep\",{\"op\":\"update\",\"table\":"
                        "\"Ucast_Macs_Remote\",\"where\":[],\"row\":{\"MAC\":"
                        "\"m2\"}}]"));
    assert_int_equal(r.modifies, 1);
    assert_true(r.mac_changed);
    assert_false(r.durable);

    /* Deleting the MAC garbage-collects the unreferenced locator. */
    memset(&r, 0, sizeof r);
    json_decref(run(db, "[\"hardware_vtep\",{\"op\":\"delete\",\"table\":"
                        "\"Ucast_Macs_Remote\",\"where\":[]}]"));
    assert_int_equal(r.deletes, 2);
    assert_int_equal(
        ovsdb_table_count(ovsdb_db_find_table(db, "Physical_Locator")), 0);
    ovsdb_db_remove_commit_hook(db, hook);
}

static void
test_all_or_nothing(void **state)
{
    struct ovsdb_db *db = *state;
    struct record r = { 0 };
    json_t *reply;

    ovsdb_db_add_commit_hook(db, on_commit, &r);
    json_decref(run(db, SETUP_MAC));
    memset(&r, 0, sizeof r);

    /* The Logical_Switch is still referenced: the commit fails and the
     * reply gets an extra error element; nothing changes. */
    reply =
        run(db, "[\"hardware_vtep\",{\"op\":\"insert\",\"table\":"
                "\"Logical_Switch\",\"row\":{\"name\":\"x\"}},{\"op\":"
                "\"delete\",\"table\":\"Logical_Switch\",\"where\":[[\"name"
                "\",\"==\",\"ls\"]]}]");
    assert_int_equal(json_array_size(reply), 3);
    assert_string_equal(error_of(reply, 2), "referential integrity violation");
    json_decref(reply);
    assert_int_equal(r.calls, 0);
    assert_int_equal(
        ovsdb_table_count(ovsdb_db_find_table(db, "Logical_Switch")), 1);

    /* A failing operation leaves null results after it. */
    reply = run(db, "[\"hardware_vtep\",{\"op\":\"abort\"},{\"op\":"
                    "\"comment\",\"comment\":\"x\"}]");
    assert_string_equal(error_of(reply, 0), "aborted");
    assert_true(json_is_null(json_array_get(reply, 1)));
    json_decref(reply);
    assert_int_equal(r.calls, 0);
}

/* The strong reference count of the only row of 'table'. */
static uint32_t
only_row_refs(struct ovsdb_db *db, const char *table)
{
    struct ovsdb_table *t = ovsdb_db_find_table(db, table);
    struct ovsdb_row *row;

    assert_int_equal(ovsdb_table_count(t), 1);
    OVSDB_TABLE_FOR_EACH(row, t) {
        return row->n_refs;
    }
    return 0;
}

/* A prepare callback that refuses every commit, as the store does when
 * the disk is full, and counts the calls. */
static struct ovsdb_error *
refuse_commit(const struct ovsdb_changeset *cs, void *aux)
{
    int *calls = aux;

    (*calls)++;
    return ovsdb_error("I/O error", "test: write failed");
}

/* A refused commit changes nothing: no commit hook runs, rows, their
 * versions and reference counts stay as they were, and the reply carries
 * the callback's error; once the callback accepts, commits go on. */
static void
test_prepare_refuses(void **state)
{
    struct ovsdb_db *db = *state;
    struct ovsdb_table *ls = ovsdb_db_find_table(db, "Logical_Switch");
    struct record r = { 0 };
    struct ovsdb_row *row;
    struct uuid version;
    int calls = 0;
    json_t *reply;

    ovsdb_db_add_commit_hook(db, on_commit, &r);
    json_decref(run(db, SETUP_MAC));
    assert_int_equal(only_row_refs(db, "Logical_Switch"), 1);
    OVSDB_TABLE_FOR_EACH(row, ls) {
        version = row->version;
    }
    memset(&r, 0, sizeof r);

    /* A commit that fails its checks never reaches the callback. */
    ovsdb_db_set_commit_prepare(db, refuse_commit, &calls);
    reply = run(db, "[\"hardware_vtep\",{\"op\":\"delete\",\"table\":"
                    "\"Logical_Switch\",\"where\":[]}]");
    assert_string_equal(error_of(reply, 1), "referential integrity violation");
    assert_int_equal(calls, 0);
    json_decref(reply);

    /* One that passes them is refused by it and rolled back whole. */
    reply = run(db, "[\"hardware_vtep\",{\"op\":\"update\",\"table\":"
                    "\"Logical_Switch\",\"where\":[],\"row\":{\"description\":"
                    "\"changed\"}},{\"op\":\"delete\",\"table\":"
                    "\"Ucast_Macs_Remote\",\"where\":[]},{\"op\":\"commit\","
                    "\"durable\":true}]");
    assert_int_equal(calls, 1);
    assert_int_equal(json_array_size(reply), 4);
    assert_string_equal(error_of(reply, 3), "I/O error");
    json_decref(reply);
    assert_int_equal(r.calls, 0);
    assert_int_equal(
        ovsdb_table_count(ovsdb_db_find_table(db, "Ucast_Macs_Remote")), 1);
    assert_int_equal(only_row_refs(db, "Logical_Switch"), 1);
    assert_int_equal(only_row_refs(db, "Physical_Locator"), 1);
    OVSDB_TABLE_FOR_EACH(row, ls) {
        assert_true(uuid_equals(&row->version, &version));
    }

    /* Accepted again: the same commit goes through, its garbage too. */
    ovsdb_db_set_commit_prepare(db, NULL, NULL);
    json_decref(run(db, "[\"hardware_vtep\",{\"op\":\"delete\",\"table\":"
                        "\"Ucast_Macs_Remote\",\"where\":[]}]"));
    assert_int_equal(r.calls, 1);
    assert_int_equal(only_row_refs(db, "Logical_Switch"), 0);
    assert_int_equal(
        ovsdb_table_count(ovsdb_db_find_table(db, "Physical_Locator")), 0);
}

/* Appends 'n' Ucast_Macs_Remote inserts referring to 'ls' and 'locator'
 * (JSON values) to 'ops'. */
static void
add_macs(struct ds *ops, int first, int n, const char *ls, const char *locator)
{
    for (int i = first; i < first + n; i++) {
        ds_put_format(ops,
                      ",{\"op\":\"insert\",\"table\":\"Ucast_Macs_Remote\","
                      "\"row\":{\"MAC\":\"m%d\",\"logical_switch\":%s,"
                      "\"locator\":%s}}",
                      i, ls, locator);
    }
}

/* Transactions of thousands of rows referring to the same few rows count
 * every reference, and one bad reference among them fails the whole
 * commit with the row it names. */
static void
test_many_references(void **state)
{
    struct ovsdb_db *db = *state;
    struct ds ops = DS_EMPTY_INITIALIZER;
    char ls[64], loc[64], buf[UUID_LEN + 1], *expected;
    struct ovsdb_row *row;
    json_t *reply;

    json_decref(run(db, SETUP_MAC));
    OVSDB_TABLE_FOR_EACH(row, ovsdb_db_find_table(db, "Logical_Switch")) {
        uuid_to_string(&row->uuid, buf);
        snprintf(ls, sizeof ls, "[\"uuid\",\"%s\"]", buf);
    }
    OVSDB_TABLE_FOR_EACH(row, ovsdb_db_find_table(db, "Physical_Locator")) {
        uuid_to_string(&row->uuid, buf);
        snprintf(loc, sizeof loc, "[\"uuid\",\"%s\"]", buf);
    }
    assert_int_equal(only_row_refs(db, "Physical_Locator"), 1);

    ds_put_cstr(&ops, "[\"hardware_vtep\"");
    add_macs(&ops, 0, 3000, ls, loc);
    ds_put_char(&ops, ']');
    reply = run(db, ds_cstr(&ops));
    assert_null(error_of(reply, 2999));
    json_decref(reply);
    assert_int_equal(only_row_refs(db, "Physical_Locator"), 3001);
    assert_int_equal(only_row_refs(db, "Logical_Switch"), 3001);

    /* The last of 3,000 more refers to a locator that does not exist. */
    ds_clear(&ops);
    ds_put_cstr(&ops, "[\"hardware_vtep\"");
    add_macs(&ops, 3000, 2999, ls, loc);
    add_macs(&ops, 5999, 1, ls,
             "[\"uuid\",\"00000000-0000-0000-0000-00000000beef\"]");
    ds_put_char(&ops, ']');
    reply = run(db, ds_cstr(&ops));
    assert_int_equal(json_array_size(reply), 3001);
    assert_string_equal(error_of(reply, 3000),
                        "referential integrity violation");
    expected = xasprintf("references nonexistent row "
                         "00000000-0000-0000-0000-00000000beef in table "
                         "Physical_Locator.");
    assert_non_null(strstr(json_string_value(json_object_get(
                               json_array_get(reply, 3000), "details")),
                           expected));
    free(expected);
    json_decref(reply);
    assert_int_equal(
        ovsdb_table_count(ovsdb_db_find_table(db, "Ucast_Macs_Remote")), 3001);
    assert_int_equal(only_row_refs(db, "Physical_Locator"), 3001);

    /* Deleting them all drops every reference and collects the locator. */
    json_decref(run(db, "[\"hardware_vtep\",{\"op\":\"delete\",\"table\":"
                        "\"Ucast_Macs_Remote\",\"where\":[]}]"));
    assert_int_equal(only_row_refs(db, "Logical_Switch"), 0);
    assert_int_equal(
        ovsdb_table_count(ovsdb_db_find_table(db, "Physical_Locator")), 0);
    ds_destroy(&ops);
}

static bool
owns_lock(const char *name, void *aux)
{
    return !strcmp(name, aux);
}

static void
test_wait_blocks_and_assert(void **state)
{
    struct ovsdb_db *db = *state;
    struct ovsdb_exec_ctx ctx = { .lock_owned = owns_lock,
                                  .aux = (void *) "mine",
                                  .may_block = true };
    json_t *params, *reply;
    long long timeout;

    params = json_loads("[\"hardware_vtep\",{\"op\":\"wait\",\"table\":"
                        "\"Logical_Switch\",\"where\":[],\"columns\":[\"name"
                        "\"],\"until\":\"!=\",\"rows\":[],\"timeout\":500}]",
                        0, NULL);
    assert_null(ovsdb_execute(db, params, &ctx, &timeout));
    assert_int_equal(timeout, 500);
    ctx.elapsed_msec = 200;
    assert_null(ovsdb_execute(db, params, &ctx, &timeout));
    assert_int_equal(timeout, 300);
    ctx.elapsed_msec = 500;
    reply = ovsdb_execute(db, params, &ctx, &timeout);
    assert_string_equal(error_of(reply, 0), "timed out");
    json_decref(reply);
    json_decref(params);

    params = json_loads("[\"hardware_vtep\",{\"op\":\"assert\",\"lock\":"
                        "\"mine\"},{\"op\":\"assert\",\"lock\":\"other\"}]",
                        0, NULL);
    reply = ovsdb_execute(db, params, &ctx, &timeout);
    assert_null(error_of(reply, 0));
    assert_string_equal(error_of(reply, 1), "not owner");
    json_decref(reply);
    json_decref(params);
}

static void
test_compact_rows(void **state)
{
    struct ovsdb_db *db = *state;
    const struct ovsdb_table_schema *ts;
    const struct ovsdb_column *mac, *ls;

    ts = ovsdb_db_find_table(db, "Ucast_Macs_Remote")->schema;
    /* Header plus four inline atoms: no heap allocation per column, and
     * the two strings (interned pointers) take 8 bytes each, the two
     * UUIDs 16: one 112-byte malloc chunk per row. */
    assert_int_equal(ts->values_size, 2 * 8 + 2 * 16);
    assert_true(ts->row_size <= 104);
    mac = ovsdb_table_schema_find_column(ts, "MAC");
    ls = ovsdb_table_schema_find_column(ts, "logical_switch");
    assert_int_equal(mac->storage, OVSDB_STORE_ATOM);
    assert_int_equal(ovsdb_column_atom_size(mac), 8);
    assert_int_equal(ovsdb_column_atom_size(ls), 16);

    /* Every 8-byte atom has 8 more bytes of the row after it, so that a
     * view of it reads as a whole union. */
    for (unsigned int t = 0; t < db->schema->n_tables; t++) {
        ts = db->tables[t]->schema;
        for (unsigned int i = 0; i < ts->n_columns; i++) {
            const struct ovsdb_column *c = ts->columns[i];

            if (c->storage == OVSDB_STORE_ATOM) {
                assert_true(sizeof(struct ovsdb_row) + c->offset
                                + sizeof(union ovsdb_atom)
                            <= ts->row_size);
            }
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_insert_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_change_sets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prepare_refuses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_references, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wait_blocks_and_assert, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_compact_rows, setup, teardown),
    };

    return cmocka_run_group_tests_name("vtepd/ovsdb/transaction", tests, NULL,
                                       NULL);
}
