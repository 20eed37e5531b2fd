/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/ovsdb/mutation: every mutator, range, domain and
 * size errors, and malformed mutations, with the results and error words
 * of ovsdb-server 3.1 (checked against ovsdb-tool transact). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/ovsdb-fixture.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/mutation.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"

static const char schema_text[] =
    "{\"name\":\"m\",\"tables\":{\"T\":{\"columns\":{"
    "\"i\":{\"type\":\"integer\"},"
    "\"r\":{\"type\":\"real\"},"
    "\"s\":{\"type\":\"string\"},"
    "\"ir\":{\"type\":{\"key\":{\"type\":\"integer\","
    "\"minInteger\":0,\"maxInteger\":10}}},"
    "\"set\":{\"type\":{\"key\":\"integer\",\"min\":0,"
    "\"max\":\"unlimited\"}},"
    "\"rset\":{\"type\":{\"key\":\"real\",\"min\":0,\"max\":\"unlimited\"}},"
    "\"s2\":{\"type\":{\"key\":\"integer\",\"min\":0,\"max\":2}},"
    "\"nonempty\":{\"type\":{\"key\":\"string\",\"min\":1,"
    "\"max\":\"unlimited\"}},"
    "\"map\":{\"type\":{\"key\":\"string\",\"value\":\"integer\","
    "\"min\":0,\"max\":\"unlimited\"}},"
    "\"imm\":{\"type\":\"integer\",\"mutable\":false}}}}}";

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

/* One mutation case: the row before, the mutations, then either the
 * column's value after (compact JSON) or the error expected. */
struct mutate_case {
    const char *row;
    const char *mutations;
    const char *column;
    const char *result;
    const char *tag;
    const char *details;
};

/* Parses and executes 'c' and returns NULL if it went as expected, else a
 * description of what happened (the caller frees it). */
static char *
run_case(const struct ovsdb_table_schema *ts, const struct mutate_case *c)
{
    json_t *json = json_loads(c->mutations, 0, NULL);
    struct ovsdb_row *row = ovsdb_fixture_row(ts, c->row);
    struct ovsdb_mutation_set set;
    struct ovsdb_error *error;
    char *problem = NULL;

    assert_non_null(json);
    error = ovsdb_mutation_set_from_json(&set, ts, json, NULL);
    if (!error) {
        error = ovsdb_mutation_set_execute(&set, row);
        ovsdb_mutation_set_destroy(&set);
    }
    if (error) {
        const char *details = ovsdb_error_details(error);

        if (!c->tag || strcmp(c->tag, ovsdb_error_tag(error))
            || (c->details && (!details || strcmp(c->details, details)))) {
            problem = xasprintf("error %s: %s", ovsdb_error_tag(error),
                                details ? details : "(none)");
        }
        ovsdb_error_destroy(error);
    } else if (c->tag) {
        problem = xasprintf("no error");
    } else {
        const struct ovsdb_column *column =
            ovsdb_table_schema_find_column(ts, c->column);
        json_t *value = ovsdb_row_column_to_json(row, column);
        char *text = ovsdb_json_to_string(value);

        if (strcmp(text, c->result)) {
            problem = xasprintf("%s is %s", c->column, text);
        }
        free(text);
        json_decref(value);
    }
    ovsdb_row_destroy(row, ts);
    json_decref(json);
    return problem;
}

static void
check_cases(const struct ovsdb_table_schema *ts,
            const struct mutate_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *problem = run_case(ts, &cases[i]);

        if (problem) {
            fail_msg("%s on %s: %s", cases[i].mutations, cases[i].row,
                     problem);
        }
    }
}

#define OK(ROW, MUTATIONS, COLUMN, RESULT)         \
    {                                              \
        ROW, MUTATIONS, COLUMN, RESULT, NULL, NULL \
    }
#define ERR(ROW, MUTATIONS, TAG, DETAILS)        \
    {                                            \
        ROW, MUTATIONS, NULL, NULL, TAG, DETAILS \
    }

#define INT64_MAX_S "9223372036854775807"
#define INT64_MIN_S "-9223372036854775808"

static void
test_integer(void **state)
{
    static const struct mutate_case cases[] = {
        OK("{\"i\":5}", "[[\"i\",\"+=\",3]]", "i", "8"),
        OK("{\"i\":5}", "[[\"i\",\"-=\",7]]", "i", "-2"),
        OK("{\"i\":5}", "[[\"i\",\"*=\",-3]]", "i", "-15"),
        OK("{\"i\":-3}", "[[\"i\",\"*=\",-5]]", "i", "15"),
        OK("{\"i\":5}", "[[\"i\",\"/=\",2]]", "i", "2"),
        OK("{\"i\":-7}", "[[\"i\",\"/=\",2]]", "i", "-3"),
        OK("{\"i\":5}", "[[\"i\",\"%=\",3]]", "i", "2"),
        OK("{\"i\":-7}", "[[\"i\",\"%=\",3]]", "i", "-1"),
        OK("{\"i\":1}", "[[\"i\",\"+=\",1],[\"i\",\"*=\",3]]", "i", "6"),
        OK("{\"i\":1}", "[[\"i\",\"*=\",3],[\"i\",\"+=\",1]]", "i", "4"),
        OK("{\"i\":" INT64_MAX_S "}", "[[\"i\",\"-=\",1]]", "i",
           "9223372036854775806"),
        ERR("{\"i\":" INT64_MAX_S "}", "[[\"i\",\"+=\",1]]", "range error",
            "Result of \"+=\" operation is out of range."),
        ERR("{\"i\":" INT64_MIN_S "}", "[[\"i\",\"-=\",1]]", "range error",
            "Result of \"-=\" operation is out of range."),
        ERR("{\"i\":4611686018427387904}", "[[\"i\",\"*=\",2]]", "range error",
            "Result of \"*=\" operation is out of range."),
        ERR("{\"i\":" INT64_MIN_S "}", "[[\"i\",\"/=\",-1]]", "range error",
            "Result of \"/=\" operation is out of range."),
        ERR("{\"i\":" INT64_MIN_S "}", "[[\"i\",\"%=\",-1]]", "range error",
            "Result of \"%=\" operation is out of range."),
        ERR("{\"i\":5}", "[[\"i\",\"/=\",0]]", "domain error",
            "Division by zero."),
        ERR("{\"i\":5}", "[[\"i\",\"%=\",0]]", "domain error",
            "Division by zero."),
    };

    check_cases(((struct ovsdb_fixture *) *state)->ts, cases,
                ARRAY_SIZE(cases));
}

static void
test_real(void **state)
{
    static const struct mutate_case cases[] = {
        OK("{\"r\":1.5}", "[[\"r\",\"+=\",1]]", "r", "2.5"),
        OK("{\"r\":1.5}", "[[\"r\",\"-=\",0.5]]", "r", "1.0"),
        OK("{\"r\":1.5}", "[[\"r\",\"*=\",-2]]", "r", "-3.0"),
        OK("{\"r\":1.5}", "[[\"r\",\"/=\",2]]", "r", "0.75"),
        ERR("{\"r\":1.5}", "[[\"r\",\"/=\",0]]", "domain error",
            "Division by zero."),
        ERR("{\"r\":1e308}", "[[\"r\",\"*=\",10]]", "range error",
            "Result of \"*=\" operation is out of range."),
        ERR("{\"r\":-1e308}", "[[\"r\",\"-=\",1e308]]", "range error",
            "Result of \"-=\" operation is out of range."),
        ERR("{\"r\":1.5}", "[[\"r\",\"%=\",2]]", "syntax error",
            "Type mismatch: \"%=\" operator may not be applied to column r "
            "of type real."),
    };

    check_cases(((struct ovsdb_fixture *) *state)->ts, cases,
                ARRAY_SIZE(cases));
}

/* The argument of an arithmetic mutator is not held to the column's
 * constraints; its result is. */
static void
test_constraints(void **state)
{
    static const struct mutate_case cases[] = {
        OK("{\"ir\":8}", "[[\"ir\",\"+=\",-5]]", "ir", "3"),
        OK("{\"ir\":5}", "[[\"ir\",\"*=\",2]]", "ir", "10"),
        ERR("{\"ir\":5}", "[[\"ir\",\"+=\",6]]", "constraint violation",
            "11 is not in the valid range 0 to 10 (inclusive)"),
        ERR("{\"ir\":0}", "[[\"ir\",\"-=\",1]]", "constraint violation",
            "-1 is not in the valid range 0 to 10 (inclusive)"),
    };

    check_cases(((struct ovsdb_fixture *) *state)->ts, cases,
                ARRAY_SIZE(cases));
}

/* Arithmetic applies to every element of a set, which stays sorted and
 * must keep its elements distinct. */
static void
test_set_arithmetic(void **state)
{
    static const struct mutate_case cases[] = {
        OK("{\"set\":[\"set\",[1,2]]}", "[[\"set\",\"+=\",10]]", "set",
           "[\"set\",[11,12]]"),
        OK("{\"set\":[\"set\",[1,2]]}", "[[\"set\",\"*=\",-1]]", "set",
           "[\"set\",[-2,-1]]"),
        OK("{\"set\":[\"set\",[]]}", "[[\"set\",\"+=\",1]]", "set",
           "[\"set\",[]]"),
        OK("{\"rset\":[\"set\",[1,3]]}", "[[\"rset\",\"/=\",2]]", "rset",
           "[\"set\",[0.5,1.5]]"),
        ERR("{\"set\":[\"set\",[1,2]]}", "[[\"set\",\"*=\",0]]",
            "constraint violation",
            "Result of \"*=\" operation contains duplicates."),
        ERR("{\"set\":[\"set\",[3,5]]}", "[[\"set\",\"/=\",10]]",
            "constraint violation",
            "Result of \"/=\" operation contains duplicates."),
        ERR("{\"set\":[\"set\",[1," INT64_MAX_S "]]}", "[[\"set\",\"+=\",1]]",
            "range error", "Result of \"+=\" operation is out of range."),
    };

    check_cases(((struct ovsdb_fixture *) *state)->ts, cases,
                ARRAY_SIZE(cases));
}

static void
test_insert_delete(void **state)
{
    static const struct mutate_case cases[] = {
        OK("{\"set\":[\"set\",[1,2]]}",
           "[[\"set\",\"insert\",[\"set\",[2,3]]]]", "set",
           "[\"set\",[1,2,3]]"),
        OK("{\"set\":[\"set\",[1,2]]}", "[[\"set\",\"insert\",0]]", "set",
           "[\"set\",[0,1,2]]"),
        OK("{\"set\":[\"set\",[1,2]]}", "[[\"set\",\"insert\",[\"set\",[]]]]",
           "set", "[\"set\",[1,2]]"),
        OK("{\"set\":[\"set\",[1,2]]}",
           "[[\"set\",\"delete\",[\"set\",[1,4]]]]", "set", "2"),
        OK("{\"set\":[\"set\",[1,2]]}", "[[\"set\",\"delete\",7]]", "set",
           "[\"set\",[1,2]]"),
        OK("{\"s2\":[\"set\",[1,2]]}", "[[\"s2\",\"insert\",2]]", "s2",
           "[\"set\",[1,2]]"),
        ERR("{\"s2\":[\"set\",[1,2]]}", "[[\"s2\",\"insert\",[\"set\",[3]]]]",
            "constraint violation",
            "Attempted to store 3 elements in set of up to 2 integers."),
        OK("{\"nonempty\":[\"set\",[\"a\",\"b\"]]}",
           "[[\"nonempty\",\"delete\",\"a\"]]", "nonempty", "\"b\""),
        ERR("{\"nonempty\":\"a\"}", "[[\"nonempty\",\"delete\",\"a\"]]",
            "constraint violation",
            "Attempted to store 0 elements in set of 1 or more strings."),
    };

    check_cases(((struct ovsdb_fixture *) *state)->ts, cases,
                ARRAY_SIZE(cases));
}

/* "insert" keeps a key's existing value; "delete" takes pairs (removed
 * only when the value matches too) or bare keys. */
static void
test_map(void **state)
{
#define AB "{\"map\":[\"map\",[[\"a\",1],[\"b\",2]]]}"
    static const struct mutate_case cases[] = {
        OK(AB, "[[\"map\",\"insert\",[\"map\",[[\"a\",9],[\"c\",3]]]]]", "map",
           "[\"map\",[[\"a\",1],[\"b\",2],[\"c\",3]]]"),
        OK(AB, "[[\"map\",\"delete\",[\"map\",[[\"a\",9]]]]]", "map",
           "[\"map\",[[\"a\",1],[\"b\",2]]]"),
        OK(AB, "[[\"map\",\"delete\",[\"map\",[[\"a\",1]]]]]", "map",
           "[\"map\",[[\"b\",2]]]"),
        OK(AB, "[[\"map\",\"delete\",\"a\"]]", "map", "[\"map\",[[\"b\",2]]]"),
        OK(AB, "[[\"map\",\"delete\",[\"set\",[\"a\",\"b\",\"z\"]]]]", "map",
           "[\"map\",[]]"),
        ERR(AB, "[[\"map\",\"+=\",1]]", "syntax error",
            "Type mismatch: \"+=\" operator may not be applied to column map "
            "of type map of (string, integer) pairs."),
        ERR(AB, "[[\"map\",\"delete\",[\"set\",[1]]]]", "syntax error", NULL),
    };
#undef AB

    check_cases(((struct ovsdb_fixture *) *state)->ts, cases,
                ARRAY_SIZE(cases));
}

static void
test_malformed(void **state)
{
    static const struct mutate_case cases[] = {
        ERR("{}", "[[\"nosuch\",\"+=\",1]]", "unknown column",
            "No column nosuch in table T."),
        ERR("{}", "[[\"imm\",\"+=\",1]]", "constraint violation",
            "Cannot mutate immutable column imm in table T."),
        ERR("{}", "[[\"i\",\"^=\",1]]", "unknown mutator",
            "No mutator named ^=."),
        ERR("{}", "[[\"i\",\"+=\"]]", "syntax error",
            "Parse error in mutation."),
        ERR("{}", "[[\"i\",\"+=\",1,2]]", "syntax error",
            "Parse error in mutation."),
        ERR("{}", "[[\"i\",1,1]]", "syntax error", "Parse error in mutation."),
        ERR("{}", "[\"i\"]", "syntax error", "Parse error in mutation."),
        ERR("{}", "[[\"i\",\"insert\",1]]", "syntax error",
            "Type mismatch: \"insert\" operator may not be applied to "
            "column i of type integer."),
        ERR("{}", "[[\"s\",\"+=\",\"x\"]]", "syntax error",
            "Type mismatch: \"+=\" operator may not be applied to column s "
            "of type string."),
        ERR("{}", "[[\"i\",\"+=\",\"x\"]]", "syntax error",
            "expected integer"),
        ERR("{}", "[[\"i\",\"+=\",[\"set\",[1,2]]]]", "syntax error", NULL),
        ERR("{}", "[[\"i\",\"+=\",1],[\"nosuch\",\"+=\",1]]", "unknown column",
            "No column nosuch in table T."),
    };

    check_cases(((struct ovsdb_fixture *) *state)->ts, cases,
                ARRAY_SIZE(cases));
}

/* A failed parse leaves an empty set that destroy accepts again. */
static void
test_failed_parse_is_empty(void **state)
{
    struct ovsdb_fixture *f = *state;
    json_t *json = json_loads("[[\"i\",\"+=\",1],[\"i\",\"+=\"]]", 0, NULL);
    struct ovsdb_mutation_set set;
    struct ovsdb_error *error;

    error = ovsdb_mutation_set_from_json(&set, f->ts, json, NULL);
    assert_non_null(error);
    assert_int_equal(set.n_mutations, 0);
    assert_null(set.mutations);
    ovsdb_mutation_set_destroy(&set);
    ovsdb_mutation_set_destroy(NULL);
    ovsdb_error_destroy(error);
    json_decref(json);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_integer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_real, setup, teardown),
        cmocka_unit_test_setup_teardown(test_constraints, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_arithmetic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_insert_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_parse_is_empty, setup,
                                        teardown),
    };

    return cmocka_run_group_tests_name("vtepd/ovsdb/mutation", tests, NULL,
                                       NULL);
}
