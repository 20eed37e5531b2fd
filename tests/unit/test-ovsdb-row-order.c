/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/ovsdb/row-order: ovsdb-server's row comparison and
 * the order in which it iterates a table's columns.  The expected column
 * orders are what ovsdb-tool 3.1.0 shows: the order "ovsdb-tool create"
 * writes the columns in, and the order "select" sorts rows by. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/ds.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/row-order.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"

/* The order of 'n' column names (schema text order), space-separated. */
static char *
order_of(const char *const *names, size_t n)
{
    const char **order = calloc(n + 2, sizeof *order);
    struct ds s = DS_EMPTY_INITIALIZER;

    ovsdb_row_order_columns(names, n, order);
    for (size_t i = 0; i < n + 2; i++) {
        ds_put_format(&s, "%s%s", i ? " " : "", order[i]);
    }
    free(order);
    return ds_steal_cstr(&s);
}

static void
test_column_order(void **state)
{
    /* hardware_vtep's Logical_Switch and Manager, as vtep.ovsschema lists
     * them. */
    static const char *const ls[] = { "name", "description", "tunnel_key",
                                      "replication_mode", "other_config" };
    static const char *const manager[] = { "target",           "max_backoff",
                                           "inactivity_probe", "other_config",
                                           "is_connected",     "status" };
    char *order;

    order = order_of(ls, ARRAY_SIZE(ls));
    assert_string_equal(order, "description tunnel_key name _version _uuid "
                               "other_config replication_mode");
    free(order);
    order = order_of(manager, ARRAY_SIZE(manager));
    assert_string_equal(order, "_version is_connected status other_config "
                               "_uuid target inactivity_probe max_backoff");
    free(order);
}

static const char schema_text[] =
    "{\"name\":\"t\",\"tables\":{\"T\":{\"columns\":{"
    "\"s\":{\"type\":{\"key\":\"integer\",\"min\":0,\"max\":\"unlimited\"}},"
    "\"m\":{\"type\":{\"key\":\"string\",\"value\":\"integer\",\"min\":0,"
    "\"max\":\"unlimited\"}}}}}}";

/* A row of 'ts' with set 's' and map 'm' given as JSON text. */
static struct ovsdb_row *
make_row(const struct ovsdb_table_schema *ts, const char *s, const char *m)
{
    struct ovsdb_row *row = ovsdb_row_create(ts);
    const char *texts[] = { s, m };
    const char *names[] = { "s", "m" };

    for (int i = 0; i < 2; i++) {
        const struct ovsdb_column *column =
            ovsdb_table_schema_find_column(ts, names[i]);
        json_t *json = json_loads(texts[i], 0, NULL);
        struct ovsdb_datum datum;

        assert_null(ovsdb_datum_from_json(&datum, &column->type, json, NULL));
        ovsdb_row_set(row, column, &datum);
        json_decref(json);
    }
    return row;
}

static void
test_compare(void **state)
{
    json_t *json = json_loads(schema_text, 0, NULL);
    const struct ovsdb_column *by_s[1], *by_m[1];
    const struct ovsdb_table_schema *ts;
    struct ovsdb_row *a, *b, *c;
    struct ovsdb_schema *schema;

    assert_null(ovsdb_schema_from_json(json, &schema));
    ts = schema->tables[0];
    by_s[0] = ovsdb_table_schema_find_column(ts, "s");
    by_m[0] = ovsdb_table_schema_find_column(ts, "m");

    /* Fewer elements first, whatever they are; then element by element;
     * in maps keys before values. */
    a = make_row(ts, "[\"set\",[9]]", "[\"map\",[[\"k\",2]]]");
    b = make_row(ts, "[\"set\",[1,2]]", "[\"map\",[[\"k\",1],[\"z\",0]]]");
    c = make_row(ts, "[\"set\",[1,3]]", "[\"map\",[[\"k\",3]]]");
    assert_true(ovsdb_row_compare(a, b, by_s, 1) < 0);
    assert_true(ovsdb_row_compare(b, c, by_s, 1) < 0);
    assert_true(ovsdb_row_compare(c, b, by_s, 1) > 0);
    assert_int_equal(ovsdb_row_compare(b, b, by_s, 1), 0);
    assert_true(ovsdb_row_compare(a, b, by_m, 1) < 0);
    assert_true(ovsdb_row_compare(a, c, by_m, 1) < 0);
    assert_true(ovsdb_row_compare(c, a, by_m, 1) > 0);

    ovsdb_row_destroy(a, ts);
    ovsdb_row_destroy(b, ts);
    ovsdb_row_destroy(c, ts);
    ovsdb_schema_destroy(schema);
    json_decref(json);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_column_order),
        cmocka_unit_test(test_compare),
    };

    return cmocka_run_group_tests_name("vtepd/ovsdb/row-order", tests, NULL,
                                       NULL);
}
