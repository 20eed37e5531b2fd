/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/ovsdb/parser: members by name and type, the first
 * error sticking, unknown members, and <id>s. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/parser.h"

static json_t *
load(const char *text)
{
    json_t *json = json_loads(text, JSON_DECODE_ANY, NULL);

    assert_non_null(json);
    return json;
}

/* Checks that 'error' (taken) has 'details' and, if 'syntax' is
 * nonnull, that "syntax" text; with 'syntax' NULL, no "syntax". */
static void
assert_error(struct ovsdb_error *error, const char *details,
             const char *syntax)
{
    json_t *json;

    assert_non_null(error);
    assert_string_equal(ovsdb_error_tag(error), "syntax error");
    assert_string_equal(ovsdb_error_details(error), details);
    json = ovsdb_error_to_json(error);
    if (syntax) {
        assert_string_equal(json_string_value(json_object_get(json, "syntax")),
                            syntax);
    } else {
        assert_null(json_object_get(json, "syntax"));
    }
    json_decref(json);
    ovsdb_error_destroy(error);
}

static void
test_members(void **state)
{
    json_t *json = load("{\"op\":\"select\",\"where\":[],\"n\":3,"
                        "\"x\":1.5,\"b\":false,\"s\":\"not an id\"}");
    struct ovsdb_parser p;

    ovsdb_parser_init(&p, json, "op %d", 1);
    assert_string_equal(
        json_string_value(ovsdb_parser_member(&p, "op", OVSDB_P_ID)),
        "select");
    assert_true(
        json_is_array(ovsdb_parser_member(&p, "where", OVSDB_P_ARRAY)));
    assert_non_null(ovsdb_parser_member(&p, "n", OVSDB_P_INTEGER));
    assert_non_null(ovsdb_parser_member(&p, "x", OVSDB_P_NUMBER));
    assert_non_null(ovsdb_parser_member(&p, "b", OVSDB_P_BOOLEAN));
    assert_non_null(ovsdb_parser_member(&p, "s", OVSDB_P_STRING));
    assert_null(
        ovsdb_parser_member(&p, "gone", OVSDB_P_ANY | OVSDB_P_OPTIONAL));
    assert_false(ovsdb_parser_has_error(&p));
    assert_null(ovsdb_parser_finish(&p));
    json_decref(json);
}

static void
test_first_error_sticks(void **state)
{
    json_t *json = load("{\"a\":1,\"b\":\"x y\"}");
    struct ovsdb_parser p;

    /* A missing member, then a mismatch: the first one is reported, with
     * the name and the object. */
    ovsdb_parser_init(&p, json, "thing %s", "T");
    assert_null(ovsdb_parser_member(&p, "c", OVSDB_P_ARRAY));
    assert_null(ovsdb_parser_member(&p, "b", OVSDB_P_ID));
    assert_true(ovsdb_parser_has_error(&p));
    ovsdb_parser_raise_error(&p, "ignored");
    ovsdb_parser_put_error(&p, ovsdb_error("ignored", NULL));
    assert_error(ovsdb_parser_finish(&p),
                 "Parsing thing T failed: Required 'c' member is missing.",
                 "{\"a\":1,\"b\":\"x y\"}");

    /* A value of the wrong type; an id that is not one. */
    ovsdb_parser_init(&p, json, "thing");
    assert_null(ovsdb_parser_member(&p, "a", OVSDB_P_STRING));
    assert_error(ovsdb_parser_finish(&p),
                 "Parsing thing failed: Type mismatch for member 'a'.",
                 "{\"a\":1,\"b\":\"x y\"}");
    ovsdb_parser_init(&p, json, NULL);
    assert_null(ovsdb_parser_member(&p, "b", OVSDB_P_ID));
    assert_error(ovsdb_parser_destroy(&p), "Type mismatch for member 'b'.",
                 "{\"a\":1,\"b\":\"x y\"}");
    json_decref(json);
}

static void
test_unknown_members(void **state)
{
    json_t *json = load("{\"a\":1,\"b\":2}");
    static const char *const a[] = { "a" };
    struct ovsdb_parser p;

    /* Reading a member of the wrong type still makes it known. */
    ovsdb_parser_init(&p, json, "x");
    ovsdb_parser_member(&p, "a", OVSDB_P_INTEGER);
    assert_error(ovsdb_parser_finish(&p),
                 "Parsing x failed: Member 'b' is present but not allowed "
                 "here.",
                 "{\"a\":1,\"b\":2}");

    /* Destroy does not look for unknown members. */
    ovsdb_parser_init(&p, json, "x");
    assert_null(ovsdb_parser_destroy(&p));

    /* ovsdb_parser_expect() reports them before any type error. */
    ovsdb_parser_init(&p, json, NULL);
    ovsdb_parser_expect(&p, a, 1);
    ovsdb_parser_member(&p, "a", OVSDB_P_STRING);
    assert_error(ovsdb_parser_finish(&p),
                 "Member 'b' is present but not allowed here.",
                 "{\"a\":1,\"b\":2}");
    json_decref(json);
}

static void
test_not_an_object(void **state)
{
    json_t *json = load("[1]");
    struct ovsdb_parser p;

    /* As ovsdb-server: no "syntax" for this one. */
    ovsdb_parser_init(&p, json, "ovsdb operation %d of %d", 2, 3);
    assert_null(ovsdb_parser_member(&p, "op", OVSDB_P_ANY));
    assert_error(ovsdb_parser_finish(&p),
                 "Parsing ovsdb operation 2 of 3 failed: Object expected.",
                 NULL);
    ovsdb_parser_init(&p, NULL, "nothing");
    assert_error(ovsdb_parser_finish(&p),
                 "Parsing nothing failed: Object expected.", NULL);
    json_decref(json);
}

static void
test_put_error(void **state)
{
    json_t *json = load("{}");
    struct ovsdb_error *error;
    struct ovsdb_parser p;

    ovsdb_parser_init(&p, json, "x");
    ovsdb_parser_put_error(&p, NULL);
    assert_false(ovsdb_parser_has_error(&p));
    ovsdb_parser_put_error(&p, ovsdb_error("constraint violation", "mine"));
    ovsdb_parser_raise_error(&p, "later");
    error = ovsdb_parser_finish(&p);
    assert_string_equal(ovsdb_error_tag(error), "constraint violation");
    assert_string_equal(ovsdb_error_details(error), "mine");
    ovsdb_error_destroy(error);
    json_decref(json);
}

static void
test_is_id(void **state)
{
    static const char *const ids[] = { "a", "_", "A9_z", "_0",
                                       "Logical_Switch" };
    static const char *const not_ids[] = {
        "", "9a", "a-b", "a b", "a.b", "\xc3\xa9t\xc3\xa9", "a\xe9", "\xe9",
    };

    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        assert_true(ovsdb_parser_is_id(ids[i]));
    }
    for (size_t i = 0; i < sizeof not_ids / sizeof *not_ids; i++) {
        assert_false(ovsdb_parser_is_id(not_ids[i]));
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_members),
        cmocka_unit_test(test_first_error_sticks),
        cmocka_unit_test(test_unknown_members),
        cmocka_unit_test(test_not_an_object),
        cmocka_unit_test(test_put_error),
        cmocka_unit_test(test_is_id),
    };

    return cmocka_run_group_tests_name("vtepd/ovsdb/parser", tests, NULL,
                                       NULL);
}
