/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/ovsdb/table: rows by _uuid, the hash index of each
 * schema index (one column and two columns), removal and destruction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/table.h"

/* Index 0 is on "name", index 1 on ("vni", "tags"). */
static const char schema_text[] =
    "{\"name\":\"t\",\"tables\":{\"T\":{\"columns\":{"
    "\"name\":{\"type\":\"string\"},"
    "\"vni\":{\"type\":\"integer\"},"
    "\"tags\":{\"type\":{\"key\":\"string\",\"min\":0,"
    "\"max\":\"unlimited\"}},"
    "\"other\":{\"type\":\"integer\"}},"
    "\"indexes\":[[\"name\"],[\"vni\",\"tags\"]]}}}";

struct fixture {
    struct ovsdb_schema *schema;
    const struct ovsdb_table_schema *ts;
    struct ovsdb_table *table;
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
    assert_int_equal(f->ts->n_indexes, 2);
    f->n_strings = ovsdb_str_count();
    f->table = ovsdb_table_create(f->ts);
    *state = f;
    return 0;
}

/* Destroying the table frees every row it holds and their strings. */
static int
teardown(void **state)
{
    struct fixture *f = *state;

    ovsdb_table_destroy(f->table);
    assert_int_equal(ovsdb_str_count(), f->n_strings);
    ovsdb_table_destroy(NULL);
    ovsdb_schema_destroy(f->schema);
    free(f);
    return 0;
}

/* Returns a new row with a fresh _uuid and the columns of 'text'. */
static struct ovsdb_row *
make_row(const struct fixture *f, const char *text)
{
    struct ovsdb_row *row = ovsdb_row_create(f->ts);
    json_t *json = json_loads(text, 0, NULL), *value;
    const char *name;

    assert_non_null(json);
    uuid_generate(&row->uuid);
    json_object_foreach(json, name, value) {
        const struct ovsdb_column *column =
            ovsdb_table_schema_find_column(f->ts, name);
        struct ovsdb_datum datum;

        assert_non_null(column);
        assert_null(ovsdb_datum_from_json(&datum, &column->type, value, NULL));
        ovsdb_row_set(row, column, &datum);
    }
    json_decref(json);
    return row;
}

/* Returns how many rows of 'table' index 'i' holds with the values of
 * 'probe' in that index's columns, checking each is equal to 'probe'
 * there and, when 'expected' is nonnull, that it is among them. */
static size_t
index_lookup(const struct ovsdb_table *table, unsigned int i,
             const struct ovsdb_row *probe, const struct ovsdb_row *expected)
{
    uint32_t hash = ovsdb_table_index_hash(table, i, probe);
    bool found_expected = false;
    struct hmap_node *node;
    size_t n = 0;

    for (node = hmap_first_with_hash(&table->indexes[i], hash); node;
         node = hmap_next_with_hash(node)) {
        struct ovsdb_row *row =
            ovsdb_row_from_index_node(node, table->schema, i);

        if (ovsdb_table_index_equal(table, i, row, probe)) {
            found_expected |= row == expected;
            n++;
        }
    }
    assert_true(!expected || found_expected);
    return n;
}

static void
test_insert_find_remove(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_row *a = make_row(f, "{\"name\":\"a\"}");
    struct ovsdb_row *b = make_row(f, "{\"name\":\"b\"}");
    struct ovsdb_row *row;
    struct uuid absent;
    size_t n = 0;

    assert_int_equal(ovsdb_table_count(f->table), 0);
    ovsdb_table_insert(f->table, a);
    ovsdb_table_insert(f->table, b);
    assert_int_equal(ovsdb_table_count(f->table), 2);
    assert_ptr_equal(ovsdb_table_find(f->table, &a->uuid), a);
    assert_ptr_equal(ovsdb_table_find(f->table, &b->uuid), b);
    uuid_generate(&absent);
    assert_null(ovsdb_table_find(f->table, &absent));

    OVSDB_TABLE_FOR_EACH(row, f->table) {
        assert_true(row == a || row == b);
        n++;
    }
    assert_int_equal(n, 2);

    /* Removal gives the row back, out of the rows and every index. */
    ovsdb_table_remove(f->table, a);
    assert_int_equal(ovsdb_table_count(f->table), 1);
    assert_null(ovsdb_table_find(f->table, &a->uuid));
    assert_int_equal(index_lookup(f->table, 0, a, NULL), 0);
    assert_int_equal(hmap_count(&f->table->indexes[0]), 1);
    assert_int_equal(hmap_count(&f->table->indexes[1]), 1);
    ovsdb_row_destroy(a, f->ts);
}

/* Many rows: each found by its _uuid, the indexes grow with the table. */
static void
test_many_rows(void **state)
{
    struct fixture *f = *state;
    enum { N = 1000 };
    struct ovsdb_row **rows = xcalloc(N, sizeof *rows), *probe;

    for (int i = 0; i < N; i++) {
        char *text = xasprintf("{\"name\":\"r%d\",\"vni\":%d}", i, i % 10);

        rows[i] = make_row(f, text);
        ovsdb_table_insert(f->table, rows[i]);
        free(text);
    }
    assert_int_equal(ovsdb_table_count(f->table), N);
    for (int i = 0; i < N; i++) {
        assert_ptr_equal(ovsdb_table_find(f->table, &rows[i]->uuid), rows[i]);
        assert_int_equal(index_lookup(f->table, 0, rows[i], rows[i]), 1);
        assert_int_equal(index_lookup(f->table, 1, rows[i], rows[i]), N / 10);
    }
    for (int i = 0; i < N; i += 2) {
        ovsdb_table_remove(f->table, rows[i]);
        ovsdb_row_destroy(rows[i], f->ts);
    }
    assert_int_equal(ovsdb_table_count(f->table), N / 2);
    /* Every row with an even 'vni' is gone, none with an odd one. */
    assert_int_equal(index_lookup(f->table, 1, rows[1], rows[1]), N / 10);
    probe = make_row(f, "{\"vni\":2}");
    assert_int_equal(index_lookup(f->table, 1, probe, NULL), 0);
    assert_int_equal(hmap_count(&f->table->indexes[0]), N / 2);
    assert_int_equal(hmap_count(&f->table->indexes[1]), N / 2);
    ovsdb_row_destroy(probe, f->ts);
    free(rows);
}

/* An index over two columns matches rows equal in both, sets compared as
 * sets; columns outside the index do not matter. */
static void
test_index_two_columns(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_row *a =
        make_row(f, "{\"vni\":5,\"tags\":[\"set\",[\"x\",\"y\"]],"
                    "\"other\":1,\"name\":\"a\"}");
    struct ovsdb_row *b =
        make_row(f, "{\"vni\":5,\"tags\":[\"set\",[\"y\",\"x\"]],"
                    "\"other\":2,\"name\":\"b\"}");
    struct ovsdb_row *c =
        make_row(f, "{\"vni\":5,\"tags\":\"x\",\"name\":\"c\"}");
    struct ovsdb_row *d =
        make_row(f, "{\"vni\":6,\"tags\":[\"set\",[\"x\",\"y\"]],"
                    "\"name\":\"a\"}");

    ovsdb_table_insert(f->table, a);
    ovsdb_table_insert(f->table, b);
    ovsdb_table_insert(f->table, c);
    ovsdb_table_insert(f->table, d);

    assert_true(ovsdb_table_index_equal(f->table, 1, a, b));
    assert_int_equal(ovsdb_table_index_hash(f->table, 1, a),
                     ovsdb_table_index_hash(f->table, 1, b));
    assert_false(ovsdb_table_index_equal(f->table, 1, a, c));
    assert_false(ovsdb_table_index_equal(f->table, 1, a, d));
    assert_false(ovsdb_table_index_equal(f->table, 0, a, b));
    assert_true(ovsdb_table_index_equal(f->table, 0, a, d));

    assert_int_equal(index_lookup(f->table, 1, a, b), 2);
    assert_int_equal(index_lookup(f->table, 1, c, c), 1);
    assert_int_equal(index_lookup(f->table, 1, d, d), 1);
    assert_int_equal(index_lookup(f->table, 0, a, d), 2);
    assert_int_equal(index_lookup(f->table, 0, b, b), 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_insert_find_remove, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_many_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_two_columns, setup,
                                        teardown),
    };

    return cmocka_run_group_tests_name("vtepd/ovsdb/table", tests, NULL, NULL);
}
