/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/ovsdb/row: defaults, set and get of inline atoms
 * and datums, deep clones, shared references, JSON, equality and hashes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"

static const char schema_text[] =
    "{\"name\":\"r\",\"tables\":{\"T\":{\"columns\":{"
    "\"name\":{\"type\":\"string\"},"
    "\"n\":{\"type\":\"integer\"},"
    "\"x\":{\"type\":\"real\"},"
    "\"flag\":{\"type\":\"boolean\"},"
    "\"u\":{\"type\":\"uuid\"},"
    "\"opt\":{\"type\":{\"key\":\"string\",\"min\":0}},"
    "\"tags\":{\"type\":{\"key\":\"string\",\"min\":0,"
    "\"max\":\"unlimited\"}},"
    "\"m\":{\"type\":{\"key\":\"string\",\"value\":\"integer\","
    "\"min\":0,\"max\":\"unlimited\"}}}}}}";

static const char full_row[] =
    "{\"name\":\"eth0\",\"n\":42,\"x\":0.5,\"flag\":true,"
    "\"u\":[\"uuid\",\"5f3c9a2e-1b7d-4c8e-9f01-23456789abcd\"],"
    "\"opt\":\"set\",\"tags\":[\"set\",[\"b\",\"a\"]],"
    "\"m\":[\"map\",[[\"k\",1],[\"j\",2]]]}";

struct fixture {
    struct ovsdb_schema *schema;
    const struct ovsdb_table_schema *ts;
    size_t n_strings; /* Live interned strings before the test. */
};

static int
setup(void **state)
{
    struct fixture *f = xzalloc(sizeof *f);
    json_t *json = json_loads(schema_text, 0, NULL);

    assert_non_null(json);
    assert_null(ovsdb_schema_from_json(json, &f->schema));
    json_decref(json);
    f->ts = ovsdb_schema_find_table(f->schema, "T");
    assert_non_null(f->ts);
    f->n_strings = ovsdb_str_count();
    *state = f;
    return 0;
}

/* Every string a test's rows interned must be gone with them. */
static int
teardown(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(ovsdb_str_count(), f->n_strings);
    ovsdb_schema_destroy(f->schema);
    free(f);
    return 0;
}

static const struct ovsdb_column *
col(const struct fixture *f, const char *name)
{
    const struct ovsdb_column *column =
        ovsdb_table_schema_find_column(f->ts, name);

    assert_non_null(column);
    return column;
}

/* Sets the columns of the JSON object 'text' in 'row'. */
static void
set_columns(const struct fixture *f, struct ovsdb_row *row, const char *text)
{
    json_t *json = json_loads(text, 0, NULL), *value;
    const char *name;

    assert_non_null(json);
    json_object_foreach(json, name, value) {
        const struct ovsdb_column *column = col(f, name);
        struct ovsdb_datum datum;

        assert_null(ovsdb_datum_from_json(&datum, &column->type, value, NULL));
        ovsdb_row_set(row, column, &datum);
        assert_int_equal(datum.n, 0);
    }
    json_decref(json);
}

static struct ovsdb_row *
make_row(const struct fixture *f, const char *text)
{
    struct ovsdb_row *row = ovsdb_row_create(f->ts);

    set_columns(f, row, text);
    return row;
}

static void
assert_row_json(const struct fixture *f, const struct ovsdb_row *row,
                const struct ovsdb_column *const *columns, size_t n,
                const char *expected)
{
    json_t *json = ovsdb_row_to_json(row, f->ts, columns, n);
    char *text = ovsdb_json_to_string(json);

    assert_string_equal(text, expected);
    free(text);
    json_decref(json);
}

static void
assert_column_json(const struct ovsdb_row *row,
                   const struct ovsdb_column *column, const char *expected)
{
    json_t *json = ovsdb_row_column_to_json(row, column);
    char *text = ovsdb_json_to_string(json);

    assert_string_equal(text, expected);
    free(text);
    json_decref(json);
}

/* A new row holds each column's default, zero UUIDs and one reference. */
static void
test_create_defaults(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_row *row = ovsdb_row_create(f->ts);
    const struct ovsdb_column *columns[] = { col(f, "name"), col(f, "n"),
                                             col(f, "x"),    col(f, "flag"),
                                             col(f, "u"),    col(f, "opt"),
                                             col(f, "tags"), col(f, "m") };

    assert_true(uuid_is_zero(&row->uuid));
    assert_true(uuid_is_zero(&row->version));
    assert_int_equal(row->holders, 1);
    assert_int_equal(row->n_refs, 0);
    assert_row_json(f, row, columns, ARRAY_SIZE(columns),
                    "{\"flag\":false,\"m\":[\"map\",[]],\"n\":0,"
                    "\"name\":\"\",\"opt\":[\"set\",[]],"
                    "\"tags\":[\"set\",[]],\"u\":[\"uuid\","
                    "\"00000000-0000-0000-0000-000000000000\"],\"x\":0.0}");
    ovsdb_row_destroy(row, f->ts);
}

static void
test_set_get(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_row *row = make_row(f, full_row);
    struct ovsdb_datum view;
    union ovsdb_atom atom;

    ovsdb_row_get(row, col(f, "n"), &view);
    assert_int_equal(view.n, 1);
    assert_int_equal(view.keys[0].integer, 42);
    ovsdb_row_get(row, col(f, "name"), &view);
    assert_int_equal(view.n, 1);
    assert_string_equal(view.keys[0].string->s, "eth0");
    ovsdb_row_get(row, col(f, "tags"), &view);
    assert_int_equal(view.n, 2);
    assert_string_equal(view.keys[0].string->s, "a");
    assert_string_equal(view.keys[1].string->s, "b");
    ovsdb_row_get(row, col(f, "m"), &view);
    assert_int_equal(view.n, 2);
    assert_string_equal(view.keys[0].string->s, "j");
    assert_int_equal(view.values[0].integer, 2);

    /* Replacing values frees the old ones (the teardown counts strings). */
    set_columns(f, row,
                "{\"name\":\"eth1\",\"opt\":[\"set\",[]],"
                "\"tags\":\"c\",\"m\":[\"map\",[]]}");
    atom.integer = -7;
    ovsdb_row_set_atom(row, col(f, "n"), &atom);
    atom.string = ovsdb_str_intern("eth2", 4);
    ovsdb_row_set_atom(row, col(f, "name"), &atom);
    assert_row_json(
        f, row, NULL, 0,
        "{\"_uuid\":[\"uuid\","
        "\"00000000-0000-0000-0000-000000000000\"],"
        "\"_version\":[\"uuid\","
        "\"00000000-0000-0000-0000-000000000000\"],"
        "\"flag\":true,\"m\":[\"map\",[]],\"n\":-7,"
        "\"name\":\"eth2\",\"opt\":[\"set\",[]],\"tags\":\"c\","
        "\"u\":[\"uuid\",\"5f3c9a2e-1b7d-4c8e-9f01-23456789abcd\"],"
        "\"x\":0.5}");
    assert_column_json(row, col(f, "tags"), "\"c\"");
    assert_column_json(row, col(f, "_uuid"),
                       "[\"uuid\",\"00000000-0000-0000-0000-000000000000\"]");
    ovsdb_row_destroy(row, f->ts);
}

/* A clone is deep: changing it leaves the original as it was. */
static void
test_clone(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_row *row = make_row(f, full_row), *clone;
    const struct ovsdb_column *all[] = { col(f, "name"), col(f, "tags"),
                                         col(f, "m"), col(f, "opt") };
    json_t *before, *after;

    uuid_generate(&row->uuid);
    uuid_generate(&row->version);
    clone = ovsdb_row_clone(row, f->ts);
    assert_ptr_not_equal(clone, row);
    assert_true(uuid_equals(&clone->uuid, &row->uuid));
    assert_true(uuid_equals(&clone->version, &row->version));
    assert_int_equal(clone->holders, 1);
    for (size_t i = 0; i < f->ts->n_columns; i++) {
        assert_true(ovsdb_row_column_equals(row, clone, f->ts->columns[i]));
    }

    before = ovsdb_row_to_json(row, f->ts, NULL, 0);
    set_columns(f, clone,
                "{\"name\":\"other\",\"tags\":[\"set\",[]],"
                "\"m\":[\"map\",[[\"z\",9]]],\"opt\":[\"set\",[]]}");
    after = ovsdb_row_to_json(row, f->ts, NULL, 0);
    assert_true(json_equal(before, after));
    for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
        assert_false(ovsdb_row_column_equals(row, clone, all[i]));
    }
    json_decref(before);
    json_decref(after);

    /* Freeing the original leaves the clone whole. */
    ovsdb_row_destroy(row, f->ts);
    assert_column_json(clone, col(f, "m"), "[\"map\",[[\"z\",9]]]");
    assert_column_json(clone, col(f, "name"), "\"other\"");
    ovsdb_row_destroy(clone, f->ts);
}

/* Each ovsdb_row_ref() needs its own ovsdb_row_destroy(). */
static void
test_ref(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_row *row = make_row(f, full_row);

    assert_ptr_equal(ovsdb_row_ref(row), row);
    assert_ptr_equal(ovsdb_row_ref(row), row);
    assert_int_equal(row->holders, 3);
    ovsdb_row_destroy(row, f->ts);
    ovsdb_row_destroy(row, f->ts);
    assert_int_equal(row->holders, 1);
    assert_column_json(row, col(f, "name"), "\"eth0\"");
    ovsdb_row_destroy(row, f->ts);
    ovsdb_row_destroy(NULL, f->ts);
}

static void
test_to_json_columns(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_row *row = make_row(f, full_row);
    const struct ovsdb_column *some[] = { col(f, "tags"), col(f, "n") };

    assert_row_json(f, row, some, ARRAY_SIZE(some),
                    "{\"n\":42,\"tags\":[\"set\",[\"a\",\"b\"]]}");
    assert_column_json(row, col(f, "m"), "[\"map\",[[\"j\",2],[\"k\",1]]]");
    assert_column_json(row, col(f, "opt"), "\"set\"");
    assert_column_json(row, col(f, "flag"), "true");
    ovsdb_row_destroy(row, f->ts);
}

/* Equal values hash equally, whatever order they were given in; a
 * different value in a hashed column changes the hash, one outside the
 * hashed columns does not. */
static void
test_hash_and_equals(void **state)
{
    struct fixture *f = *state;
    const struct ovsdb_column *cols[] = { col(f, "name"), col(f, "tags"),
                                          col(f, "m") };
    struct ovsdb_row *a = make_row(f, full_row);
    struct ovsdb_row *b =
        make_row(f, "{\"name\":\"eth0\",\"tags\":[\"set\",[\"a\",\"b\"]],"
                    "\"m\":[\"map\",[[\"j\",2],[\"k\",1]]],\"n\":7}");
    uint32_t ha = ovsdb_row_hash_columns(a, cols, ARRAY_SIZE(cols), 0);

    assert_int_equal(ha, ovsdb_row_hash_columns(b, cols, ARRAY_SIZE(cols), 0));
    assert_int_not_equal(ha,
                         ovsdb_row_hash_columns(a, cols, ARRAY_SIZE(cols), 1));
    for (size_t i = 0; i < ARRAY_SIZE(cols); i++) {
        assert_true(ovsdb_row_column_equals(a, b, cols[i]));
    }
    assert_false(ovsdb_row_column_equals(a, b, col(f, "n")));

    set_columns(f, b, "{\"name\":\"eth1\"}");
    assert_false(ovsdb_row_column_equals(a, b, col(f, "name")));
    assert_int_not_equal(ha,
                         ovsdb_row_hash_columns(b, cols, ARRAY_SIZE(cols), 0));
    set_columns(f, b,
                "{\"name\":\"eth0\",\"m\":[\"map\",[[\"j\",3],"
                "[\"k\",1]]]}");
    assert_false(ovsdb_row_column_equals(a, b, col(f, "m")));
    assert_int_not_equal(ha,
                         ovsdb_row_hash_columns(b, cols, ARRAY_SIZE(cols), 0));
    set_columns(f, b, "{\"m\":[\"map\",[[\"j\",2],[\"k\",1]]]}");
    assert_int_equal(ha, ovsdb_row_hash_columns(b, cols, ARRAY_SIZE(cols), 0));

    ovsdb_row_destroy(a, f->ts);
    ovsdb_row_destroy(b, f->ts);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_get, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ref, setup, teardown),
        cmocka_unit_test_setup_teardown(test_to_json_columns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hash_and_equals, setup, teardown),
    };

    return cmocka_run_group_tests_name("vtepd/ovsdb/row", tests, NULL, NULL);
}
