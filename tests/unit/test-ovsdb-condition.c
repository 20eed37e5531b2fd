/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/ovsdb/condition: every function on every kind of
 * column, the literals, malformed clauses (with ovsdb-server's error
 * words) and ovsdb_condition_find_rows() by _uuid, by index and by scan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/ovsdb-fixture.h"
#include "vtepd/ovsdb/condition.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/table.h"

#define UUID1 "5f3c9a2e-1b7d-4c8e-9f01-23456789abcd"
#define UUID2 "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"

static const char schema_text[] =
    "{\"name\":\"c\",\"tables\":{\"T\":{\"columns\":{"
    "\"i\":{\"type\":\"integer\"},"
    "\"r\":{\"type\":\"real\"},"
    "\"b\":{\"type\":\"boolean\"},"
    "\"s\":{\"type\":\"string\"},"
    "\"u\":{\"type\":\"uuid\"},"
    "\"oi\":{\"type\":{\"key\":\"integer\",\"min\":0}},"
    "\"set\":{\"type\":{\"key\":\"integer\",\"min\":0,"
    "\"max\":\"unlimited\"}},"
    "\"map\":{\"type\":{\"key\":\"string\",\"value\":\"string\","
    "\"min\":0,\"max\":\"unlimited\"}}},"
    "\"indexes\":[[\"s\"]]}}}";

/* The row every table-driven case is matched against. */
static const char row_text[] =
    "{\"i\":5,\"r\":2.5,\"b\":true,\"s\":\"abc\",\"u\":[\"uuid\",\"" UUID1
    "\"],\"oi\":[\"set\",[]],\"set\":[\"set\",[1,2,3]],"
    "\"map\":[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"]]]}";

static int
setup(void **state)
{
    *state = ovsdb_fixture_create(schema_text);
    return 0;
}

static int
teardown(void **state)
{
    ovsdb_fixture_destroy(*state);
    return 0;
}

/* Parses the condition 'text', which must be valid. */
static void
parse(struct ovsdb_condition *cond, const struct ovsdb_table_schema *ts,
      const char *text)
{
    json_t *json = json_loads(text, 0, NULL);
    struct ovsdb_error *error;

    assert_non_null(json);
    error = ovsdb_condition_from_json(cond, ts, json, NULL);
    if (error) {
        fail_msg("%s: %s: %s", text, ovsdb_error_tag(error),
                 ovsdb_error_details(error));
    }
    json_decref(json);
}

static bool
matches(const struct ovsdb_table_schema *ts, const struct ovsdb_row *row,
        const char *text)
{
    struct ovsdb_condition cond;
    bool match;

    parse(&cond, ts, text);
    match = ovsdb_condition_match(&cond, row);
    ovsdb_condition_destroy(&cond);
    return match;
}

struct match_case {
    const char *clause;
    bool expected;
};

static void
check_cases(const struct ovsdb_table_schema *ts, const struct ovsdb_row *row,
            const struct match_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *text = xasprintf("[%s]", cases[i].clause);

        if (matches(ts, row, text) != cases[i].expected) {
            fail_msg("%s should %smatch", text,
                     cases[i].expected ? "" : "not ");
        }
        free(text);
    }
}

static void
test_scalars(void **state)
{
    static const struct match_case cases[] = {
        { "[\"i\",\"==\",5]", true },
        { "[\"i\",\"==\",4]", false },
        { "[\"i\",\"!=\",5]", false },
        { "[\"i\",\"!=\",4]", true },
        { "[\"i\",\"<\",6]", true },
        { "[\"i\",\"<\",5]", false },
        { "[\"i\",\"<=\",5]", true },
        { "[\"i\",\"<=\",4]", false },
        { "[\"i\",\">\",4]", true },
        { "[\"i\",\">\",5]", false },
        { "[\"i\",\">=\",5]", true },
        { "[\"i\",\">=\",6]", false },
        { "[\"i\",\"includes\",5]", true },
        { "[\"i\",\"includes\",4]", false },
        { "[\"i\",\"excludes\",4]", true },
        { "[\"i\",\"excludes\",5]", false },
        { "[\"i\",\"<\",-1]", false },
        { "[\"i\",\">\",-9223372036854775807]", true },
        { "[\"r\",\"==\",2.5]", true },
        { "[\"r\",\"!=\",2.5]", false },
        { "[\"r\",\"<\",2.6]", true },
        { "[\"r\",\"<\",2.5]", false },
        { "[\"r\",\"<=\",2.5]", true },
        { "[\"r\",\">\",2.4]", true },
        { "[\"r\",\">\",2.5]", false },
        { "[\"r\",\">=\",2.5]", true },
        { "[\"r\",\">=\",3]", false },
        { "[\"r\",\"includes\",2.5]", true },
        { "[\"r\",\"excludes\",2.5]", false },
        { "[\"b\",\"==\",true]", true },
        { "[\"b\",\"==\",false]", false },
        { "[\"b\",\"!=\",false]", true },
        { "[\"b\",\"includes\",true]", true },
        { "[\"b\",\"excludes\",true]", false },
        { "[\"s\",\"==\",\"abc\"]", true },
        { "[\"s\",\"==\",\"abd\"]", false },
        { "[\"s\",\"!=\",\"abd\"]", true },
        { "[\"s\",\"includes\",\"abc\"]", true },
        { "[\"s\",\"excludes\",\"abc\"]", false },
        { "[\"s\",\"excludes\",\"ab\"]", true },
        { "[\"u\",\"==\",[\"uuid\",\"" UUID1 "\"]]", true },
        { "[\"u\",\"==\",[\"uuid\",\"" UUID2 "\"]]", false },
        { "[\"u\",\"!=\",[\"uuid\",\"" UUID2 "\"]]", true },
        { "[\"u\",\"excludes\",[\"uuid\",\"" UUID1 "\"]]", false },
    };
    struct ovsdb_fixture *f = *state;
    struct ovsdb_row *row = ovsdb_fixture_row(f->ts, row_text);

    check_cases(f->ts, row, cases, ARRAY_SIZE(cases));
    ovsdb_row_destroy(row, f->ts);
}

/* An optional column with no value equals the empty set, is ordered
 * against nothing, includes only the empty set and excludes anything. */
static void
test_optional(void **state)
{
    static const struct match_case empty_cases[] = {
        { "[\"oi\",\"==\",[\"set\",[]]]", true },
        { "[\"oi\",\"==\",1]", false },
        { "[\"oi\",\"!=\",1]", true },
        { "[\"oi\",\"!=\",[\"set\",[]]]", false },
        { "[\"oi\",\"<\",1]", false },
        { "[\"oi\",\"<=\",1]", false },
        { "[\"oi\",\">\",1]", false },
        { "[\"oi\",\">=\",1]", false },
        { "[\"oi\",\"includes\",[\"set\",[]]]", true },
        { "[\"oi\",\"includes\",1]", false },
        { "[\"oi\",\"excludes\",1]", true },
    };
    static const struct match_case full_cases[] = {
        { "[\"oi\",\"==\",7]", true },
        { "[\"oi\",\"==\",[\"set\",[]]]", false },
        { "[\"oi\",\"<\",8]", true },
        { "[\"oi\",\"<\",7]", false },
        { "[\"oi\",\"<=\",7]", true },
        { "[\"oi\",\">\",6]", true },
        { "[\"oi\",\">=\",8]", false },
        { "[\"oi\",\"includes\",7]", true },
        { "[\"oi\",\"includes\",[\"set\",[]]]", true },
        { "[\"oi\",\"excludes\",7]", false },
        { "[\"oi\",\"excludes\",[\"set\",[6,8]]]", true },
    };
    struct ovsdb_fixture *f = *state;
    struct ovsdb_row *row = ovsdb_fixture_row(f->ts, row_text);

    check_cases(f->ts, row, empty_cases, ARRAY_SIZE(empty_cases));
    ovsdb_row_destroy(row, f->ts);

    row = ovsdb_fixture_row(f->ts, "{\"oi\":7}");
    check_cases(f->ts, row, full_cases, ARRAY_SIZE(full_cases));
    ovsdb_row_destroy(row, f->ts);
}

static void
test_sets(void **state)
{
    static const struct match_case cases[] = {
        { "[\"set\",\"==\",[\"set\",[1,2,3]]]", true },
        { "[\"set\",\"==\",[\"set\",[3,2,1]]]", true },
        { "[\"set\",\"==\",[\"set\",[1,2]]]", false },
        { "[\"set\",\"!=\",[\"set\",[1,2]]]", true },
        { "[\"set\",\"!=\",[\"set\",[1,2,3]]]", false },
        { "[\"set\",\"includes\",[\"set\",[1,3]]]", true },
        { "[\"set\",\"includes\",2]", true },
        { "[\"set\",\"includes\",[\"set\",[1,4]]]", false },
        { "[\"set\",\"includes\",[\"set\",[]]]", true },
        { "[\"set\",\"includes\",[\"set\",[1,2,3]]]", true },
        { "[\"set\",\"excludes\",[\"set\",[4,5]]]", true },
        { "[\"set\",\"excludes\",[\"set\",[3,4]]]", false },
        { "[\"set\",\"excludes\",[\"set\",[]]]", true },
    };
    struct ovsdb_fixture *f = *state;
    struct ovsdb_row *row = ovsdb_fixture_row(f->ts, row_text);

    check_cases(f->ts, row, cases, ARRAY_SIZE(cases));
    ovsdb_row_destroy(row, f->ts);
}

/* On maps, includes and excludes compare key/value pairs, not keys. */
static void
test_maps(void **state)
{
    static const struct match_case cases[] = {
        { "[\"map\",\"==\",[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"]]]]", true },
        { "[\"map\",\"==\",[\"map\",[[\"a\",\"1\"]]]]", false },
        { "[\"map\",\"!=\",[\"map\",[]]]", true },
        { "[\"map\",\"!=\",[\"map\",[[\"b\",\"2\"],[\"a\",\"1\"]]]]", false },
        { "[\"map\",\"includes\",[\"map\",[[\"a\",\"1\"]]]]", true },
        { "[\"map\",\"includes\",[\"map\",[[\"a\",\"2\"]]]]", false },
        { "[\"map\",\"includes\",[\"map\",[[\"c\",\"1\"]]]]", false },
        { "[\"map\",\"includes\",[\"map\",[]]]", true },
        { "[\"map\",\"excludes\",[\"map\",[[\"a\",\"2\"]]]]", true },
        { "[\"map\",\"excludes\",[\"map\",[[\"a\",\"1\"]]]]", false },
        { "[\"map\",\"excludes\",[\"map\",[[\"c\",\"3\"],[\"b\",\"2\"]]]]",
          false },
    };
    struct ovsdb_fixture *f = *state;
    struct ovsdb_row *row = ovsdb_fixture_row(f->ts, row_text);

    check_cases(f->ts, row, cases, ARRAY_SIZE(cases));
    ovsdb_row_destroy(row, f->ts);
}

static void
test_literals(void **state)
{
    struct ovsdb_fixture *f = *state;
    struct ovsdb_row *row = ovsdb_fixture_row(f->ts, row_text);

    assert_true(matches(f->ts, row, "[]"));
    assert_true(matches(f->ts, row, "[true]"));
    assert_false(matches(f->ts, row, "[false]"));
    ovsdb_row_destroy(row, f->ts);
}

/* Parses 'text', which must fail, and checks the error's tag and, unless
 * NULL, its details. */
static void
check_error(const struct ovsdb_table_schema *ts, const char *text,
            const char *tag, const char *details)
{
    json_t *json = json_loads(text, 0, NULL);
    struct ovsdb_condition cond = { NULL, 0 };
    struct ovsdb_error *error;

    assert_non_null(json);
    error = ovsdb_condition_from_json(&cond, ts, json, NULL);
    if (!error) {
        fail_msg("%s: accepted", text);
    }
    assert_string_equal(ovsdb_error_tag(error), tag);
    if (details) {
        assert_string_equal(ovsdb_error_details(error), details);
    }
    assert_null(cond.clauses);
    assert_int_equal(cond.n_clauses, 0);
    ovsdb_error_destroy(error);
    json_decref(json);
}

static void
test_malformed(void **state)
{
    struct ovsdb_fixture *f = *state;

    check_error(f->ts, "[[\"nosuch\",\"==\",1]]", "unknown column",
                "No column nosuch in table T.");
    check_error(f->ts, "[[\"i\",\"~=\",1]]", "unknown function",
                "No function named ~=.");
    check_error(f->ts, "[[\"i\",\"==\"]]", "syntax error",
                "Parse error in condition.");
    check_error(f->ts, "[[\"i\",\"==\",1,2]]", "syntax error",
                "Parse error in condition.");
    check_error(f->ts, "[[1,\"==\",1]]", "syntax error",
                "Parse error in condition.");
    check_error(f->ts, "[[\"i\",\"==\",1],7]", "syntax error",
                "Parse error in condition.");
    check_error(f->ts, "[\"i\"]", "syntax error", "Parse error in condition.");
    check_error(f->ts, "[[\"s\",\"<\",\"a\"]]", "syntax error",
                "Type mismatch: \"<\" operator may not be applied to column "
                "s of type string.");
    check_error(f->ts, "[[\"b\",\">=\",true]]", "syntax error",
                "Type mismatch: \">=\" operator may not be applied to column "
                "b of type boolean.");
    check_error(f->ts, "[[\"set\",\">\",1]]", "syntax error",
                "Type mismatch: \">\" operator may not be applied to column "
                "set of type set of integers.");
    check_error(f->ts, "[[\"i\",\"==\",\"five\"]]", "syntax error", NULL);
    check_error(f->ts, "[[\"i\",\"==\",[\"set\",[1,2]]]]", "syntax error",
                NULL);
    check_error(f->ts, "[[\"i\",\"<\",[\"set\",[]]]]", "syntax error", NULL);
    check_error(f->ts, "[[\"map\",\"includes\",[\"set\",[\"a\"]]]]",
                "syntax error", NULL);
}

/* A clause's value may name a uuid of the same transaction. */
static void
test_named_uuid(void **state)
{
    struct ovsdb_fixture *f = *state;
    struct ovsdb_symbol_table symtab;
    struct ovsdb_condition cond;
    struct ovsdb_symbol *symbol;
    struct ovsdb_row *row;
    json_t *json;

    ovsdb_symbol_table_init(&symtab);
    symbol = ovsdb_symbol_table_insert(&symtab, "x");
    json = json_loads("[[\"u\",\"==\",[\"named-uuid\",\"x\"]]]", 0, NULL);
    assert_null(ovsdb_condition_from_json(&cond, f->ts, json, &symtab));
    row = ovsdb_fixture_row(f->ts, "{}");
    assert_false(ovsdb_condition_match(&cond, row));
    ovsdb_row_destroy(row, f->ts);

    row = ovsdb_row_create(f->ts);
    {
        const struct ovsdb_column *u =
            ovsdb_table_schema_find_column(f->ts, "u");
        union ovsdb_atom atom;

        atom.uuid = symbol->uuid;
        ovsdb_row_set_atom(row, u, &atom);
    }
    assert_true(ovsdb_condition_match(&cond, row));
    ovsdb_row_destroy(row, f->ts);
    ovsdb_condition_destroy(&cond);
    json_decref(json);
    ovsdb_symbol_table_destroy(&symtab);
}

/* Inserts rows named by their 'i' and returns the table. */
static struct ovsdb_table *
make_table(const struct ovsdb_table_schema *ts)
{
    static const char *const rows[] = {
        "{\"_uuid\":\"" UUID1 "\",\"i\":1,\"s\":\"a\"}",
        "{\"_uuid\":\"" UUID2 "\",\"i\":2,\"s\":\"b\"}",
        "{\"_uuid\":\"11111111-2222-4333-8444-555555555555\","
        "\"i\":3,\"s\":\"b\"}",
        "{\"_uuid\":\"66666666-7777-4888-9999-aaaaaaaaaaaa\","
        "\"i\":4,\"s\":\"c\"}",
    };
    struct ovsdb_table *table = ovsdb_table_create(ts);

    for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
        ovsdb_table_insert(table, ovsdb_fixture_row(ts, rows[i]));
    }
    return table;
}

/* Returns the sum of 2^i over the rows of 'table' that 'text' finds. */
static unsigned int
find(const struct ovsdb_table *table, const char *text)
{
    const struct ovsdb_column *i_col =
        ovsdb_table_schema_find_column(table->schema, "i");
    struct ovsdb_condition cond;
    struct ovsdb_row **rows;
    unsigned int found = 0;
    size_t n;

    parse(&cond, table->schema, text);
    n = ovsdb_condition_find_rows(&cond, table, &rows);
    for (size_t j = 0; j < n; j++) {
        struct ovsdb_datum view;

        ovsdb_row_get(rows[j], i_col, &view);
        assert_int_equal(view.n, 1);
        assert_false(found & (1u << view.keys[0].integer));
        found |= 1u << view.keys[0].integer;
    }
    free(rows);
    ovsdb_condition_destroy(&cond);
    return found;
}

/* find_rows() answers the same whichever way it looks: through the _uuid
 * hash, through the index on "s", or by a scan, and every clause of a
 * "where" must hold. */
static void
test_find_rows(void **state)
{
    struct ovsdb_fixture *f = *state;
    struct ovsdb_table *table = make_table(f->ts);

    assert_int_equal(find(table, "[]"), 0x1e);
    assert_int_equal(find(table, "[false]"), 0);
    assert_int_equal(
        find(table, "[[\"_uuid\",\"==\",[\"uuid\",\"" UUID2 "\"]]]"), 1u << 2);
    assert_int_equal(find(table, "[[\"_uuid\",\"==\",[\"uuid\",\"" UUID2
                                 "\"]],[\"i\",\"==\",1]]"),
                     0);
    assert_int_equal(find(table,
                          "[[\"_uuid\",\"==\",[\"uuid\","
                          "\"99999999-9999-4999-8999-999999999999\"]]]"),
                     0);
    assert_int_equal(find(table, "[[\"s\",\"==\",\"b\"]]"), 0xc);
    assert_int_equal(find(table, "[[\"s\",\"==\",\"b\"],[\"i\",\">\",2]]"),
                     1u << 3);
    assert_int_equal(find(table, "[[\"s\",\"==\",\"z\"]]"), 0);
    assert_int_equal(find(table, "[[\"i\",\"<=\",2]]"), 0x6);
    assert_int_equal(find(table, "[[\"s\",\"!=\",\"b\"]]"), 0x12);
    assert_int_equal(find(table, "[[\"i\",\">\",1],[\"i\",\"<\",4]]"), 0xc);
    ovsdb_table_destroy(table);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_scalars, setup, teardown),
        cmocka_unit_test_setup_teardown(test_optional, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_maps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_literals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_named_uuid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_rows, setup, teardown),
    };

    return cmocka_run_group_tests_name("vtepd/ovsdb/condition", tests, NULL,
                                       NULL);
}
