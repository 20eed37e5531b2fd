/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/ovsdb/file.c: transaction records from change sets
 * (as ovsdb-server 3.1 writes them), snapshots, and replaying both. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/ds.h"
#include "lib/json-text.h"
#include "lib/util.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/execution.h"
#include "vtepd/ovsdb/file.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/transaction.h"

static const char schema_text[] =
    "{\"name\":\"t\",\"version\":\"1.0.0\",\"tables\":{\"R\":{"
    "\"isRoot\":true,\"columns\":{"
    "\"name\":{\"type\":\"string\"},"
    "\"n\":{\"type\":\"integer\"},"
    "\"tags\":{\"type\":{\"key\":\"string\",\"min\":0,"
    "\"max\":\"unlimited\"}},"
    "\"opts\":{\"type\":{\"key\":\"string\",\"value\":\"string\","
    "\"min\":0,\"max\":\"unlimited\"}},"
    "\"opt\":{\"type\":{\"key\":\"integer\",\"min\":0,\"max\":1}},"
    "\"r\":{\"type\":\"real\"},"
    "\"b\":{\"type\":\"boolean\"},"
    "\"u\":{\"type\":\"uuid\"},"
    "\"pair\":{\"type\":{\"key\":\"string\",\"value\":\"integer\","
    "\"min\":1,\"max\":1}},"
    "\"eph\":{\"type\":\"string\",\"ephemeral\":true}}}}}";

struct fixture {
    struct ovsdb_db *db;      /* Transactions run here... */
    struct ovsdb_db *replica; /* ...and their records are replayed here. */
    json_t *last;             /* The last record written, or NULL. */
    char uuid[64];
};

static struct ovsdb_db *
make_db(void)
{
    json_t *json = json_loads(schema_text, 0, NULL);
    struct ovsdb_schema *schema;

    assert_non_null(json);
    assert_null(ovsdb_schema_from_json(json, &schema));
    json_decref(json);
    return ovsdb_db_create(schema);
}

static void
on_commit(const struct ovsdb_changeset *cs, void *f_)
{
    struct fixture *f = f_;

    struct ds text = DS_EMPTY_INITIALIZER, again = DS_EMPTY_INITIALIZER;

    json_decref(f->last);
    f->last = NULL;
    if (!ovsdb_file_txn_to_text(cs, 1234, &text)) {
        assert_int_equal(text.length, 0);
        ds_destroy(&text);
        return;
    }
    /* The text is what jansson's compact encoding of it would be. */
    f->last = json_loadb(text.string, text.length, 0, NULL);
    assert_non_null(f->last);
    json_text_encode(f->last, &again);
    assert_string_equal(ds_cstr(&again), ds_cstr(&text));
    ds_destroy(&again);
    ds_destroy(&text);
}

static int
setup(void **state)
{
    struct fixture *f = xzalloc(sizeof *f);

    f->db = make_db();
    f->replica = make_db();
    ovsdb_db_add_commit_hook(f->db, on_commit, f);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    json_decref(f->last);
    ovsdb_db_destroy(f->db);
    ovsdb_db_destroy(f->replica);
    free(f);
    return 0;
}

static json_t *
execute(struct ovsdb_db *db, const char *ops)
{
    struct ovsdb_exec_ctx ctx = { .may_block = false };
    char *text = xasprintf("[\"t\",%s]", ops);
    json_t *params = json_loads(text, 0, NULL), *reply;
    long long timeout;

    assert_non_null(params);
    reply = ovsdb_execute(db, params, &ctx, &timeout);
    json_decref(params);
    free(text);
    return reply;
}

/* qsort() comparison of two rows of a select reply by their "_uuid". */
static int
compare_rows_by_uuid(const void *a_, const void *b_)
{
    json_t *const *a = a_, *const *b = b_;
    json_t *ua = json_array_get(json_object_get(*a, "_uuid"), 1);
    json_t *ub = json_array_get(json_object_get(*b, "_uuid"), 1);

    return strcmp(json_string_value(ua), json_string_value(ub));
}

/* The rows of R, without _version, as compact JSON sorted by UUID (a
 * select lists rows in no particular order). */
static char *
contents(struct ovsdb_db *db)
{
    json_t *reply = execute(db, "{\"op\":\"select\",\"table\":\"R\","
                                "\"where\":[],\"columns\":[\"_uuid\","
                                "\"name\",\"n\",\"tags\",\"opts\",\"opt\"]}");
    json_t *rows = json_object_get(json_array_get(reply, 0), "rows");
    size_t n = json_array_size(rows);
    json_t **sorted = xcalloc(n ? n : 1, sizeof *sorted);
    char *s;

    for (size_t i = 0; i < n; i++) {
        sorted[i] = json_incref(json_array_get(rows, i));
    }
    qsort(sorted, n, sizeof *sorted, compare_rows_by_uuid);
    json_array_clear(rows);
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(rows, sorted[i]);
    }
    free(sorted);
    s = ovsdb_json_to_string(reply);
    json_decref(reply);
    return s;
}

/* Runs 'ops', checks that the record equals 'expected' (with UUID for the
 * row's uuid; NULL for no record), and replays it on the replica. */
static void
check(struct fixture *f, const char *ops, const char *expected)
{
    json_t *reply = execute(f->db, ops);
    char *a, *b;

    assert_true(json_is_array(reply));
    if (!f->uuid[0]) {
        json_t *uuid = json_object_get(json_array_get(reply, 0), "uuid");

        snprintf(f->uuid, sizeof f->uuid, "%s",
                 json_string_value(json_array_get(uuid, 1)));
    }
    json_decref(reply);

    if (!expected) {
        assert_null(f->last);
        return;
    }
    assert_non_null(f->last);
    {
        char *want_text = xstrdup(expected);
        char *p = strstr(want_text, "UUID");
        char *full;
        json_t *want;

        assert_non_null(p);
        *p = '\0';
        full = xasprintf("%s%s%s", want_text, f->uuid, p + 4);
        want = json_loads(full, 0, NULL);
        assert_non_null(want);
        a = ovsdb_json_to_string(want);
        b = ovsdb_json_to_string(f->last);
        assert_string_equal(b, a);
        free(a);
        free(b);
        json_decref(want);
        free(full);
        free(want_text);
    }
    assert_null(ovsdb_file_apply_record(f->replica, f->last));
    json_decref(f->last);
    f->last = NULL;

    a = contents(f->db);
    b = contents(f->replica);
    assert_string_equal(a, b);
    free(a);
    free(b);
}

static void
test_records(void **state)
{
    struct fixture *f = *state;

    /* A new row lists its non-default persistent columns. */
    check(f,
          "{\"op\":\"insert\",\"table\":\"R\",\"row\":{\"name\":\"a\","
          "\"tags\":[\"set\",[\"x\",\"y\"]],\"eph\":\"e\"}},"
          "{\"op\":\"comment\",\"comment\":\"hello\"}",
          "{\"_date\":1234,\"R\":{\"UUID\":{\"name\":\"a\","
          "\"tags\":[\"set\",[\"x\",\"y\"]]}},\"_is_diff\":true,"
          "\"_comment\":\"hello\"}");

    /* Sets and maps are written as diffs, scalars as new values. */
    check(f,
          "{\"op\":\"update\",\"table\":\"R\",\"where\":[],\"row\":{"
          "\"tags\":[\"set\",[\"y\",\"z\"]],\"n\":5,\"opt\":7,"
          "\"opts\":[\"map\",[[\"k\",\"v\"],[\"q\",\"r\"]]]}}",
          "{\"_date\":1234,\"R\":{\"UUID\":{\"n\":5,\"opt\":7,"
          "\"tags\":[\"set\",[\"x\",\"z\"]],"
          "\"opts\":[\"map\",[[\"k\",\"v\"],[\"q\",\"r\"]]]}},"
          "\"_is_diff\":true}");

    /* Changing a map value, removing a pair, clearing an optional. */
    check(f,
          "{\"op\":\"update\",\"table\":\"R\",\"where\":[],\"row\":{"
          "\"opts\":[\"map\",[[\"k\",\"w\"]]],\"opt\":[\"set\",[]]}}",
          "{\"_date\":1234,\"R\":{\"UUID\":{\"opt\":[\"set\",[]],"
          "\"opts\":[\"map\",[[\"k\",\"w\"],[\"q\",\"r\"]]]}},"
          "\"_is_diff\":true}");

    /* Ephemeral columns are never written. */
    check(f,
          "{\"op\":\"update\",\"table\":\"R\",\"where\":[],\"row\":{"
          "\"eph\":\"f\"}}",
          NULL);

    /* Emptying a set lists what was in it. */
    check(f,
          "{\"op\":\"update\",\"table\":\"R\",\"where\":[],\"row\":{"
          "\"tags\":[\"set\",[]]}}",
          "{\"_date\":1234,\"R\":{\"UUID\":{"
          "\"tags\":[\"set\",[\"y\",\"z\"]]}},\"_is_diff\":true}");

    check(f, "{\"op\":\"delete\",\"table\":\"R\",\"where\":[]}",
          "{\"_date\":1234,\"R\":{\"UUID\":null},\"_is_diff\":true}");
}

/* A new row's columns at their defaults, even given explicitly, are left
 * out of its record; any other value is written. */
static void
test_defaults(void **state)
{
    struct fixture *f = *state;

    check(f,
          "{\"op\":\"insert\",\"table\":\"R\",\"row\":{\"name\":\"\","
          "\"n\":0,\"r\":0.0,\"b\":false,\"u\":[\"uuid\","
          "\"00000000-0000-0000-0000-000000000000\"],"
          "\"tags\":[\"set\",[]],\"opts\":[\"map\",[]],"
          "\"opt\":[\"set\",[]],\"pair\":[\"map\",[[\"\",0]]]}}",
          "{\"_date\":1234,\"R\":{\"UUID\":{}},\"_is_diff\":true}");

    check(f,
          "{\"op\":\"update\",\"table\":\"R\",\"where\":[],\"row\":{"
          "\"r\":-2.5,\"b\":true,\"u\":[\"uuid\","
          "\"00000000-0000-0000-0000-000000000001\"],"
          "\"pair\":[\"map\",[[\"\",3]]]}}",
          "{\"_date\":1234,\"R\":{\"UUID\":{\"r\":-2.5,\"b\":true,"
          "\"u\":[\"uuid\",\"00000000-0000-0000-0000-000000000001\"],"
          "\"pair\":[\"map\",[[\"\",3]]]}},\"_is_diff\":true}");
}

/* A new row's columns away from their defaults are all written. */
static void
test_non_defaults(void **state)
{
    struct fixture *f = *state;

    check(f,
          "{\"op\":\"insert\",\"table\":\"R\",\"row\":{\"name\":\"x\","
          "\"n\":-1,\"r\":0.5,\"b\":true,\"u\":[\"uuid\","
          "\"00000000-0000-0000-0000-000000000002\"],"
          "\"opt\":0,\"pair\":[\"map\",[[\"k\",0]]]}}",
          "{\"_date\":1234,\"R\":{\"UUID\":{\"name\":\"x\",\"n\":-1,"
          "\"opt\":0,\"r\":0.5,\"b\":true,"
          "\"u\":[\"uuid\",\"00000000-0000-0000-0000-000000000002\"],"
          "\"pair\":[\"map\",[[\"k\",0]]]}},\"_is_diff\":true}");

    /* Strings that need escaping, in a new row and in a modification
     * (on_commit() checks the text byte for byte against jansson). */
    f->uuid[0] = '\0';
    check(f,
          "{\"op\":\"insert\",\"table\":\"R\",\"row\":{"
          "\"name\":\"q\\\"\\\\\\n\\u0001\u00e9\"}}",
          "{\"_date\":1234,\"R\":{\"UUID\":{"
          "\"name\":\"q\\\"\\\\\\n\\u0001\u00e9\"}},\"_is_diff\":true}");
    check(f,
          "{\"op\":\"update\",\"table\":\"R\",\"where\":[[\"n\",\"==\",0]],"
          "\"row\":{\"name\":\"tab\\there\"}}",
          "{\"_date\":1234,\"R\":{\"UUID\":{"
          "\"name\":\"tab\\there\"}},\"_is_diff\":true}");
}

static void
test_snapshot(void **state)
{
    struct fixture *f = *state;
    json_t *snap, *reply;
    char *a, *b;

    reply =
        execute(f->db, "{\"op\":\"insert\",\"table\":\"R\",\"row\":{"
                       "\"name\":\"a\",\"opts\":[\"map\",[[\"k\",\"v\"]]]}},"
                       "{\"op\":\"insert\",\"table\":\"R\",\"row\":{}}");
    json_decref(reply);
    snap = ovsdb_file_snapshot_to_json(f->db, "snap", 1);
    assert_string_equal(json_string_value(json_object_get(snap, "_comment")),
                        "snap");
    assert_null(json_object_get(snap, "_is_diff"));
    assert_int_equal(json_object_size(json_object_get(snap, "R")), 2);
    assert_null(ovsdb_file_apply_record(f->replica, snap));
    json_decref(snap);
    a = contents(f->db);
    b = contents(f->replica);
    assert_string_equal(a, b);
    free(a);
    free(b);
}

static void
test_bad_records(void **state)
{
    struct fixture *f = *state;
    static const char *const bad[] = {
        "{\"Nope\":{}}",
        "{\"R\":[]}",
        "{\"R\":{\"not-a-uuid\":{}}}",
        "{\"R\":{\"00000000-0000-0000-0000-000000000001\":null}}",
        "{\"R\":{\"00000000-0000-0000-0000-000000000001\":{\"x\":1}}}",
        "{\"R\":{\"00000000-0000-0000-0000-000000000001\":{\"n\":\"s\"}}}",
        "{\"R\":{\"00000000-0000-0000-0000-000000000001\":"
        "{\"_version\":[\"uuid\",\"00000000-0000-0000-0000-000000000002\"]}}}",
    };

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        json_t *json = json_loads(bad[i], 0, NULL);
        struct ovsdb_error *error;

        assert_non_null(json);
        error = ovsdb_file_apply_record(f->replica, json);
        assert_non_null(error);
        ovsdb_error_destroy(error);
        json_decref(json);
    }
    assert_int_equal(ovsdb_table_count(f->replica->tables[0]), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_non_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snapshot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_records, setup, teardown),
    };

    return cmocka_run_group_tests_name("vtepd/ovsdb/file", tests, NULL, NULL);
}
