/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/ovsdb/convert.c: data carried to a new schema
 * (columns dropped and added, tables dropped and added, types changed),
 * refusals that change nothing, replacement in place, version order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/util.h"
#include "vtepd/ovsdb/convert.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/execution.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/table.h"

static const char v1[] =
    "{\"name\":\"t\",\"version\":\"1.0.0\",\"tables\":{"
    "\"A\":{\"columns\":{\"name\":{\"type\":\"string\"},"
    "\"old\":{\"type\":\"integer\"},"
    "\"tags\":{\"type\":{\"key\":\"integer\",\"min\":0,\"max\":\"unlimited\"}}"
    ","
    "\"b\":{\"type\":{\"key\":{\"type\":\"uuid\",\"refTable\":\"B\"},"
    "\"min\":0,\"max\":1}}},\"isRoot\":true},"
    "\"B\":{\"columns\":{\"x\":{\"type\":\"string\"}},\"isRoot\":true},"
    "\"C\":{\"columns\":{\"y\":{\"type\":\"integer\"}},\"isRoot\":true}}}";

static struct ovsdb_schema *
schema(const char *text)
{
    json_t *json = json_loads(text, 0, NULL);
    struct ovsdb_schema *s;

    assert_non_null(json);
    assert_null(ovsdb_schema_from_json(json, &s));
    json_decref(json);
    return s;
}

/* Runs the operations 'ops' (JSON text of an array, without the database
 * name) on 'db' and asserts that none failed. */
static void
transact(struct ovsdb_db *db, const char *ops)
{
    char *text = xasprintf("[\"t\",%s", ops + 1);
    json_t *params = json_loads(text, 0, NULL), *result;
    long long timeout;
    size_t i;
    json_t *r;

    assert_non_null(params);
    result = ovsdb_execute(db, params, NULL, &timeout);
    json_array_foreach(result, i, r) {
        if (json_object_get(r, "error")) {
            char *dump = json_dumps(result, JSON_COMPACT);

            fail_msg("%s", dump);
        }
    }
    json_decref(result);
    json_decref(params);
    free(text);
}

/* The JSON of 'table''s rows, selected with 'columns' (JSON text). */
static char *
select_rows(struct ovsdb_db *db, const char *table, const char *columns)
{
    char *text =
        xasprintf("[\"t\",{\"op\":\"select\",\"table\":\"%s\",\"where\":[],"
                  "\"columns\":%s}]",
                  table, columns);
    json_t *params = json_loads(text, 0, NULL), *result;
    long long timeout;
    char *rows;

    result = ovsdb_execute(db, params, NULL, &timeout);
    rows = json_dumps(json_object_get(json_array_get(result, 0), "rows"),
                      JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(result);
    json_decref(params);
    free(text);
    return rows;
}

static struct ovsdb_db *
populated(void)
{
    struct ovsdb_db *db = ovsdb_db_create(schema(v1));

    transact(db, "[{\"op\":\"insert\",\"table\":\"B\",\"row\":{\"x\":\"bx\"},"
                 "\"uuid-name\":\"b\"},"
                 "{\"op\":\"insert\",\"table\":\"A\",\"row\":{\"name\":\"a1\","
                 "\"old\":1,\"tags\":[\"set\",[1,2]],"
                 "\"b\":[\"named-uuid\",\"b\"]}},"
                 "{\"op\":\"insert\",\"table\":\"C\",\"row\":{\"y\":5}}]");
    return db;
}

static void
ignore_commit(const struct ovsdb_changeset *changes, void *aux)
{
    (void) changes;
    (void) aux;
}

static void
test_carry_over(void **state)
{
    static const char v2[] =
        "{\"name\":\"t\",\"version\":\"1.1.0\",\"tables\":{"
        "\"A\":{\"columns\":{\"name\":{\"type\":\"string\"},"
        "\"new\":{\"type\":\"integer\"},"
        "\"tags\":{\"type\":{\"key\":\"integer\",\"min\":0,\"max\":3}},"
        "\"b\":{\"type\":{\"key\":{\"type\":\"uuid\",\"refTable\":\"B\"},"
        "\"min\":0,\"max\":1}}},\"isRoot\":true},"
        "\"B\":{\"columns\":{\"x\":{\"type\":\"string\"}},\"isRoot\":true},"
        "\"D\":{\"columns\":{\"z\":{\"type\":\"string\"}},\"isRoot\":true}}}";
    struct ovsdb_db *db = populated(), *converted;
    char *before = select_rows(db, "B", "[\"_uuid\",\"x\"]"), *after;
    struct ovsdb_commit_hook *hook;

    (void) state;
    hook = ovsdb_db_add_commit_hook(db, ignore_commit, NULL);
    assert_null(ovsdb_convert(db, schema(v2), &converted));
    ovsdb_convert_replace(db, converted);
    assert_string_equal(db->schema->version, "1.1.0");
    /* The database keeps its hooks. */
    assert_false(list_is_empty(&db->hooks));
    ovsdb_db_remove_commit_hook(db, hook);

    after = select_rows(db, "B", "[\"_uuid\",\"x\"]");
    assert_string_equal(before, after); /* Same rows, same uuids. */
    free(before);
    free(after);
    after = select_rows(db, "A", "[\"name\",\"new\",\"tags\"]");
    assert_string_equal(
        after, "[{\"name\":\"a1\",\"new\":0,\"tags\":[\"set\",[1,2]]}]");
    free(after);
    assert_null(ovsdb_db_find_table(db, "C"));
    assert_int_equal(ovsdb_table_count(ovsdb_db_find_table(db, "D")), 0);
    ovsdb_db_destroy(db);
}

static void
test_type_mismatch(void **state)
{
    /* "name" becomes an integer: the strings do not fit. */
    static const char bad[] =
        "{\"name\":\"t\",\"version\":\"2.0.0\",\"tables\":{"
        "\"A\":{\"columns\":{\"name\":{\"type\":\"integer\"}}}}}";
    struct ovsdb_db *db = populated(), *converted = (void *) 1;
    struct ovsdb_error *error;

    (void) state;
    error = ovsdb_convert(db, schema(bad), &converted);
    assert_non_null(error);
    assert_null(converted);
    assert_string_equal(ovsdb_error_tag(error), "syntax error");
    ovsdb_error_destroy(error);
    assert_string_equal(db->schema->version, "1.0.0");
    ovsdb_db_destroy(db);
}

static void
test_commit_checks(void **state)
{
    /* B is dropped while A keeps its reference column, now to a table
     * without that row: the commit's referential check refuses it. */
    static const char dangling[] =
        "{\"name\":\"t\",\"version\":\"2.0.0\",\"tables\":{"
        "\"A\":{\"columns\":{\"b\":{\"type\":{\"key\":{\"type\":\"uuid\","
        "\"refTable\":\"E\"},\"min\":0,\"max\":1}}},\"isRoot\":true},"
        "\"E\":{\"columns\":{\"e\":{\"type\":\"integer\"}},\"isRoot\":true}}}";
    struct ovsdb_db *db = populated(), *converted;
    struct ovsdb_error *error;

    (void) state;
    error = ovsdb_convert(db, schema(dangling), &converted);
    assert_non_null(error);
    assert_null(converted);
    assert_string_equal(ovsdb_error_tag(error),
                        "referential integrity violation");
    ovsdb_error_destroy(error);
    ovsdb_db_destroy(db);
}

static void
test_version_compare(void **state)
{
    (void) state;
    assert_true(ovsdb_schema_version_compare("1.6.0", "1.7.0") < 0);
    assert_true(ovsdb_schema_version_compare("1.10.0", "1.9.9") > 0);
    assert_int_equal(ovsdb_schema_version_compare("1.7.0", "1.7.0"), 0);
    assert_true(ovsdb_schema_version_compare("", "0.0.1") < 0);
    assert_true(ovsdb_schema_version_compare("2", "1.99.99") > 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_carry_over),
        cmocka_unit_test(test_type_mismatch),
        cmocka_unit_test(test_commit_checks),
        cmocka_unit_test(test_version_compare),
    };

    return cmocka_run_group_tests_name("ovsdb/convert", tests, NULL, NULL);
}
