/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/ovsdb schema parsing, and the check that
 * schema/vtep.ovsschema matches Debian's copy of hardware_vtep. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "schema/vtep-schema.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"

#define DEBIAN_SCHEMA "/usr/share/openvswitch/vtep.ovsschema"

static struct ovsdb_schema *
parse(const char *text, struct ovsdb_error **errorp)
{
    json_t *json = json_loads(text, 0, NULL);
    struct ovsdb_schema *schema;

    assert_non_null(json);
    *errorp = ovsdb_schema_from_json(json, &schema);
    json_decref(json);
    return schema;
}

static struct ovsdb_schema *
builtin(void)
{
    struct ovsdb_error *error;
    struct ovsdb_schema *schema = parse(vtep_schema_text(), &error);

    assert_null(error);
    return schema;
}

static void
test_builtin_vtep(void **state)
{
    struct ovsdb_schema *schema = builtin();
    const struct ovsdb_table_schema *ts;
    const struct ovsdb_column *column;

    assert_string_equal(schema->name, "hardware_vtep");
    assert_string_equal(schema->version, "1.7.0");
    assert_int_equal(schema->n_tables, 18);

    ts = ovsdb_schema_find_table(schema, "Global");
    assert_non_null(ts);
    assert_true(ts->is_root);
    assert_int_equal(ts->max_rows, 1);

    ts = ovsdb_schema_find_table(schema, "Physical_Locator");
    assert_false(ts->is_root);
    assert_int_equal(ts->n_indexes, 1);
    assert_int_equal(ts->indexes[0].n_columns, 3);
    column = ovsdb_table_schema_find_column(ts, "dst_ip");
    assert_false(column->mutable_);
    column = ovsdb_table_schema_find_column(ts, "_uuid");
    assert_int_equal(column->index, OVSDB_COL_UUID);

    ts = ovsdb_schema_find_table(schema, "Physical_Port");
    column = ovsdb_table_schema_find_column(ts, "vlan_bindings");
    assert_int_equal(column->type.key.u.integer.max, 4095);
    assert_true(ovsdb_base_type_is_strong_ref(&column->type.value));
    ovsdb_schema_destroy(schema);
}

/* Same tables, columns, types and constraints as Debian's schema: both
 * normalise to the same JSON. */
static void
test_matches_debian(void **state)
{
    struct ovsdb_schema *ours = builtin(), *debian;
    struct ovsdb_error *error;
    json_t *a, *b;

    if (access(DEBIAN_SCHEMA, R_OK)) {
        ovsdb_schema_destroy(ours);
        skip();
    }
    error = ovsdb_schema_from_file(DEBIAN_SCHEMA, &debian);
    assert_null(error);
    a = ovsdb_schema_to_json(ours);
    b = ovsdb_schema_to_json(debian);
    assert_true(json_equal(a, b));
    json_decref(a);
    json_decref(b);
    ovsdb_schema_destroy(ours);
    ovsdb_schema_destroy(debian);
}

static void
test_no_root_means_all_roots(void **state)
{
    struct ovsdb_error *error;
    struct ovsdb_schema *schema = parse(
        "{\"name\":\"s\",\"tables\":{\"A\":{\"columns\":{\"x\":{\"type\":"
        "\"integer\"}}},\"B\":{\"columns\":{\"y\":{\"type\":\"string\"}}}}}",
        &error);

    assert_null(error);
    assert_true(schema->tables[0]->is_root);
    assert_true(schema->tables[1]->is_root);
    ovsdb_schema_destroy(schema);
}

/* Row layout: 8-byte atoms (strings, integers, reals, booleans) first,
 * then UUIDs and datums; a row that would end with an 8-byte atom gets 8
 * bytes more, so that every inline atom can be read as a whole union. */
static void
test_row_layout(void **state)
{
    struct ovsdb_error *error;
    struct ovsdb_schema *schema =
        parse("{\"name\":\"s\",\"tables\":{"
              "\"A\":{\"columns\":{\"u\":{\"type\":\"uuid\"},"
              "\"x\":{\"type\":\"integer\"},\"y\":{\"type\":\"string\"}}},"
              "\"B\":{\"columns\":{\"y\":{\"type\":\"string\"},"
              "\"z\":{\"type\":\"boolean\"}}},"
              "\"C\":{\"columns\":{\"y\":{\"type\":\"string\"}},"
              "\"indexes\":[[\"y\"]]}}}",
              &error);
    const struct ovsdb_table_schema *a, *b, *c;

    assert_null(error);
    a = schema->tables[0];
    b = schema->tables[1];
    c = schema->tables[2];
    assert_int_equal(ovsdb_table_schema_find_column(a, "x")->offset, 0);
    assert_int_equal(ovsdb_table_schema_find_column(a, "y")->offset, 8);
    assert_int_equal(ovsdb_table_schema_find_column(a, "u")->offset, 16);
    assert_int_equal(a->values_size, 32);
    assert_int_equal(b->values_size, 8 + 8 + 8);
    assert_int_equal(b->row_size, sizeof(struct ovsdb_row) + 24);
    /* An index node after the values serves as the padding. */
    assert_int_equal(c->values_size, 8);
    assert_int_equal(c->row_size,
                     sizeof(struct ovsdb_row) + 8 + sizeof(struct hmap_node));
    ovsdb_schema_destroy(schema);
}

/* Bad schemas are refused with an error naming where the problem is. */
static void
test_bad_schemas(void **state)
{
    static const struct {
        const char *text;
        const char *needle;
    } cases[] = {
        { "{\"name\":\"s\",\"tables\":{\"A\":{\"columns\":{\"x\":{\"type\":"
          "\"integr\"}}}}}",
          "table A: column x: type" },
        { "{\"name\":\"s\",\"tables\":{\"A\":{\"columns\":{\"x\":{\"type\":"
          "{\"key\":{\"type\":\"uuid\",\"refTable\":\"B\"}}}}}}}",
          "refTable B" },
        { "{\"name\":\"s\",\"tables\":{\"A\":{\"columns\":{\"_x\":{\"type\":"
          "\"integer\"}}}}}",
          "column _x" },
        { "{\"name\":\"s\",\"tables\":{\"A\":{\"columns\":{\"x\":{\"type\":"
          "{\"key\":\"integer\",\"min\":2,\"max\":3}}}}}}",
          "table A: column x: type" },
        { "{\"name\":\"s\",\"tables\":{\"A\":{\"columns\":{\"x\":{\"type\":"
          "\"integer\",\"ephemeral\":true}},\"indexes\":[[\"x\"]]}}}",
          "ephemeral" },
        { "{\"name\":\"s\",\"version\":\"1.x\",\"tables\":{}}", "version" },
        { "{\"name\":\"s\",\"tables\":{\"A\":{\"columns\":{\"x\":{\"type\":"
          "\"integer\"}},\"maxRows\":0}}}",
          "maxRows" },
    };

    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct ovsdb_error *error;
        struct ovsdb_schema *schema = parse(cases[i].text, &error);

        assert_null(schema);
        assert_non_null(error);
        assert_string_equal(ovsdb_error_tag(error), "syntax error");
        if (!strstr(ovsdb_error_details(error), cases[i].needle)) {
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i,
                     ovsdb_error_details(error), cases[i].needle);
        }
        ovsdb_error_destroy(error);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_vtep),
        cmocka_unit_test(test_matches_debian),
        cmocka_unit_test(test_no_root_means_all_roots),
        cmocka_unit_test(test_row_layout),
        cmocka_unit_test(test_bad_schemas),
    };

    return cmocka_run_group_tests_name("vtepd/ovsdb/schema", tests, NULL,
                                       NULL);
}
