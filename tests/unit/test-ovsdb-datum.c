/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/ovsdb atoms and datums. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/ds.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/type.h"

static void
parse_type(struct ovsdb_type *type, const char *text)
{
    json_t *json = json_loads(text, JSON_DECODE_ANY, NULL);
    struct ovsdb_error *error = ovsdb_type_from_json(type, json);

    assert_null(error);
    json_decref(json);
}

/* Parses 'text' as a datum of 'type'; returns the error tag or NULL. */
static const char *
parse_datum(struct ovsdb_datum *datum, const struct ovsdb_type *type,
            const char *text)
{
    static char tag[64];
    json_t *json = json_loads(text, JSON_DECODE_ANY, NULL);
    struct ovsdb_error *error;

    assert_non_null(json);
    error = ovsdb_datum_from_json(datum, type, json, NULL);
    json_decref(json);
    if (!error) {
        return NULL;
    }
    snprintf(tag, sizeof tag, "%s", ovsdb_error_tag(error));
    ovsdb_error_destroy(error);
    return tag;
}

static void
assert_json(const json_t *json, const char *expected)
{
    char *s = ovsdb_json_to_string(json);

    assert_string_equal(s, expected);
    free(s);
}

static void
test_set_sorted_round_trip(void **state)
{
    struct ovsdb_type type;
    struct ovsdb_datum d;
    json_t *json;

    parse_type(&type, "{\"key\":\"string\",\"min\":0,\"max\":\"unlimited\"}");
    assert_null(parse_datum(&d, &type, "[\"set\",[\"c\",\"a\",\"b\"]]"));
    assert_int_equal(d.n, 3);
    json = ovsdb_datum_to_json(&d, &type);
    assert_json(json, "[\"set\",[\"a\",\"b\",\"c\"]]");
    json_decref(json);
    ovsdb_datum_destroy(&d, &type);

    /* A bare atom is a one-element set and prints as one. */
    assert_null(parse_datum(&d, &type, "\"x\""));
    json = ovsdb_datum_to_json(&d, &type);
    assert_json(json, "\"x\"");
    json_decref(json);
    ovsdb_datum_destroy(&d, &type);

    assert_string_equal(parse_datum(&d, &type, "[\"set\",[\"a\",\"a\"]]"),
                        "ovsdb error");
    ovsdb_type_destroy(&type);
}

static void
test_map(void **state)
{
    struct ovsdb_type type;
    struct ovsdb_datum a, b;
    json_t *json;

    parse_type(&type, "{\"key\":\"integer\",\"value\":\"string\",\"min\":0,"
                      "\"max\":\"unlimited\"}");
    assert_null(parse_datum(&a, &type, "[\"map\",[[2,\"b\"],[1,\"a\"]]]"));
    assert_null(parse_datum(&b, &type, "[\"map\",[[1,\"z\"],[3,\"c\"]]]"));
    ovsdb_datum_union(&a, &b, &type);
    json = ovsdb_datum_to_json(&a, &type);
    assert_json(json, "[\"map\",[[1,\"a\"],[2,\"b\"],[3,\"c\"]]]");
    json_decref(json);

    /* Deleting pairs removes only exact matches. */
    ovsdb_datum_subtract(&a, &type, &b, &type);
    json = ovsdb_datum_to_json(&a, &type);
    assert_json(json, "[\"map\",[[1,\"a\"],[2,\"b\"]]]");
    json_decref(json);
    assert_true(ovsdb_datum_excludes_all(&a, &b, &type));
    ovsdb_datum_destroy(&b, &type);

    assert_string_equal(parse_datum(&b, &type, "[\"set\",[]]"),
                        "syntax error");
    assert_string_equal(parse_datum(&b, &type, "[\"map\",[[1]]]"),
                        "syntax error");
    ovsdb_datum_destroy(&a, &type);
    ovsdb_type_destroy(&type);
}

static void
test_constraints(void **state)
{
    struct ovsdb_type type;
    struct ovsdb_datum d;

    parse_type(&type, "{\"key\":{\"type\":\"integer\",\"minInteger\":0,"
                      "\"maxInteger\":4095}}");
    assert_null(parse_datum(&d, &type, "4095"));
    ovsdb_datum_destroy(&d, &type);
    assert_null(parse_datum(&d, &type, "7.0")); /* An integer to OVS. */
    assert_int_equal(d.keys[0].integer, 7);
    ovsdb_datum_destroy(&d, &type);
    assert_string_equal(parse_datum(&d, &type, "4096"),
                        "constraint violation");
    assert_string_equal(parse_datum(&d, &type, "1.5"), "syntax error");
    ovsdb_type_destroy(&type);

    parse_type(&type, "{\"key\":{\"type\":\"string\",\"enum\":[\"set\","
                      "[\"b\",\"a\"]]}}");
    assert_null(parse_datum(&d, &type, "\"a\""));
    ovsdb_datum_destroy(&d, &type);
    assert_string_equal(parse_datum(&d, &type, "\"c\""),
                        "constraint violation");
    ovsdb_type_destroy(&type);

    parse_type(&type, "{\"key\":{\"type\":\"string\",\"maxLength\":2}}");
    assert_string_equal(parse_datum(&d, &type, "\"abc\""),
                        "constraint violation");
    assert_null(parse_datum(&d, &type, "\"\xc3\xa9\xc3\xa9\""));
    ovsdb_datum_destroy(&d, &type);
    ovsdb_type_destroy(&type);

    parse_type(&type, "\"uuid\"");
    assert_string_equal(parse_datum(&d, &type, "[\"uuid\",\"nope\"]"),
                        "syntax error");
    assert_string_equal(parse_datum(&d, &type, "[\"named-uuid\",\"x\"]"),
                        "syntax error");
    ovsdb_type_destroy(&type);
}

static void
test_interned_strings(void **state)
{
    size_t before = ovsdb_str_count();
    struct ovsdb_str *a = ovsdb_str_intern("hello", 5);
    struct ovsdb_str *b = ovsdb_str_intern("hello", 5);

    assert_ptr_equal(a, b);
    assert_int_equal(ovsdb_str_count(), before + 1);
    ovsdb_str_unref(a);
    ovsdb_str_unref(b);
    assert_int_equal(ovsdb_str_count(), before);
}

static void
test_type_json(void **state)
{
    struct ovsdb_type type;
    json_t *json;

    parse_type(&type, "{\"key\":{\"type\":\"uuid\",\"refTable\":\"T\","
                      "\"refType\":\"weak\"},\"min\":0,\"max\":2}");
    json = ovsdb_type_to_json(&type);
    assert_json(json, "{\"key\":{\"refTable\":\"T\",\"refType\":\"weak\","
                      "\"type\":\"uuid\"},\"max\":2,\"min\":0}");
    json_decref(json);
    ovsdb_type_destroy(&type);
}

/* ovsdb_datum_to_text() writes exactly what jansson writes for
 * ovsdb_datum_to_json(): every atomic type, escapes and UTF-8, sets and
 * maps, empty and single-element sets. */
static void
test_to_text(void **state)
{
    static const struct {
        const char *type, *value;
    } cases[] = {
        { "\"integer\"", "0" },
        { "\"integer\"", "-42" },
        { "\"integer\"", "9223372036854775807" },
        { "\"integer\"", "-9223372036854775808" },
        { "\"real\"", "1.5" },
        { "\"real\"", "-0.25e10" },
        { "\"real\"", "3" },
        { "\"real\"", "1e-300" },
        { "\"boolean\"", "true" },
        { "\"boolean\"", "false" },
        { "\"string\"", "\"\"" },
        { "\"string\"", "\"a\\\"b\\\\c/d\\n\\t\\r\\b\\f\\u0001\\u001f\"" },
        { "\"string\"",
          "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \\u00e9\"" },
        { "\"uuid\"", "[\"uuid\",\"0c1d2e3f-4a5b-6c7d-8e9f-a0b1c2d3e4f5\"]" },
        { "{\"key\":\"string\",\"min\":0}", "[\"set\",[]]" },
        { "{\"key\":\"string\",\"min\":0}", "\"x\"" },
        { "{\"key\":\"integer\",\"min\":0,\"max\":\"unlimited\"}",
          "[\"set\",[]]" },
        { "{\"key\":\"integer\",\"min\":0,\"max\":\"unlimited\"}",
          "[\"set\",[3,-1,2]]" },
        { "{\"key\":\"uuid\",\"min\":0,\"max\":\"unlimited\"}",
          "[\"set\",[[\"uuid\",\"00000000-0000-0000-0000-000000000002\"],"
          "[\"uuid\",\"00000000-0000-0000-0000-000000000001\"]]]" },
        { "{\"key\":\"string\",\"value\":\"string\",\"min\":0,"
          "\"max\":\"unlimited\"}",
          "[\"map\",[]]" },
        { "{\"key\":\"string\",\"value\":\"string\",\"min\":0,"
          "\"max\":\"unlimited\"}",
          "[\"map\",[[\"b\",\"2\\\"\"],[\"a\",\"\xc3\xa9\"]]]" },
        { "{\"key\":\"integer\",\"value\":\"uuid\",\"min\":1,\"max\":1}",
          "[\"map\",[[7,[\"uuid\",\"00000000-0000-0000-0000-00000000000a\"]]]"
          "]" },
        { "{\"key\":\"boolean\",\"value\":\"real\",\"min\":0,"
          "\"max\":\"unlimited\"}",
          "[\"map\",[[true,0.1],[false,-2.5e-7]]]" },
    };

    (void) state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ds text = DS_EMPTY_INITIALIZER;
        struct ovsdb_type type;
        struct ovsdb_datum d;
        json_t *json;
        char *want;

        parse_type(&type, cases[i].type);
        assert_null(parse_datum(&d, &type, cases[i].value));
        json = ovsdb_datum_to_json(&d, &type);
        want = json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY);
        assert_non_null(want);
        ds_put_cstr(&text, "prefix");
        ovsdb_datum_to_text(&d, &type, &text);
        assert_string_equal(ds_cstr(&text) + strlen("prefix"), want);
        free(want);
        json_decref(json);
        ds_destroy(&text);
        ovsdb_datum_destroy(&d, &type);
        ovsdb_type_destroy(&type);
    }
}

/* The "string" syntax, as ovsdb-tool writes it in index violations. */
static void
test_to_string(void **state)
{
    static const struct {
        const char *type, *json, *string;
    } cases[] = {
        { "\"integer\"", "-5", "-5" },
        { "\"real\"", "2.0", "2" },
        { "\"real\"", "0.1", "0.1" },
        { "\"real\"", "1e300", "1e+300" },
        { "\"real\"", "1e-7", "1e-07" },
        { "\"boolean\"", "true", "true" },
        { "\"uuid\"", "[\"uuid\",\"550e8400-e29b-41d4-a716-446655440000\"]",
          "550e8400-e29b-41d4-a716-446655440000" },
        { "\"string\"", "\"a-b.c_d9\"", "a-b.c_d9" },
        { "\"string\"", "\"_x\"", "_x" },
        { "\"string\"", "\"1x\"", "\"1x\"" },
        { "\"string\"", "\"-a\"", "\"-a\"" },
        { "\"string\"", "\"\"", "\"\"" },
        { "\"string\"", "\"true\"", "\"true\"" },
        { "\"string\"", "\"a b\"", "\"a b\"" },
        { "\"string\"", "\"a:b\"", "\"a:b\"" },
        { "\"string\"", "\"a\\\"b\"", "\"a\\\"b\"" },
        { "\"string\"", "\"550e8400-e29b-41d4-a716-446655440000\"",
          "\"550e8400-e29b-41d4-a716-446655440000\"" },
        { "{\"key\":\"string\",\"min\":0,\"max\":\"unlimited\"}",
          "[\"set\",[\"b\",\"a\",\"1\"]]", "[\"1\", a, b]" },
        { "{\"key\":\"string\",\"min\":0,\"max\":\"unlimited\"}", "\"q\"",
          "[q]" },
        { "{\"key\":\"string\",\"min\":0,\"max\":\"unlimited\"}",
          "[\"set\",[]]", "[]" },
        { "{\"key\":\"string\",\"min\":0,\"max\":1}", "\"z\"", "z" },
        { "{\"key\":\"string\",\"min\":0,\"max\":1}", "[\"set\",[]]", "[]" },
        { "{\"key\":\"string\",\"value\":\"integer\",\"min\":0,"
          "\"max\":\"unlimited\"}",
          "[\"map\",[[\"b\",2],[\"a\",1]]]", "{a=1, b=2}" },
        { "{\"key\":\"string\",\"value\":\"integer\",\"min\":0,"
          "\"max\":\"unlimited\"}",
          "[\"map\",[]]", "{}" },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ds s = DS_EMPTY_INITIALIZER;
        struct ovsdb_type type;
        struct ovsdb_datum d;

        parse_type(&type, cases[i].type);
        assert_null(parse_datum(&d, &type, cases[i].json));
        ovsdb_datum_to_string(&d, &type, &s);
        assert_string_equal(ds_cstr(&s), cases[i].string);
        ds_destroy(&s);
        ovsdb_datum_destroy(&d, &type);
        ovsdb_type_destroy(&type);
    }
}

/* Types in words, as in ovsdb-server's "Type mismatch" details. */
static void
test_type_to_english(void **state)
{
    static const struct {
        const char *type, *english;
    } cases[] = {
        { "\"string\"", "string" },
        { "{\"key\":{\"type\":\"uuid\",\"refTable\":\"T\"}}", "uuid" },
        { "{\"key\":\"string\",\"min\":0,\"max\":1}",
          "set of up to 1 strings" },
        { "{\"key\":\"uuid\",\"min\":0,\"max\":\"unlimited\"}",
          "set of uuids" },
        { "{\"key\":\"uuid\",\"min\":1,\"max\":\"unlimited\"}",
          "set of 1 or more uuids" },
        { "{\"key\":\"uuid\",\"min\":1,\"max\":2}", "set of 1 to 2 uuids" },
        { "{\"key\":\"string\",\"value\":\"string\",\"min\":0,"
          "\"max\":\"unlimited\"}",
          "map of (string, string) pairs" },
        { "{\"key\":\"integer\",\"value\":\"uuid\",\"min\":0,"
          "\"max\":\"unlimited\"}",
          "map of (integer, uuid) pairs" },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ovsdb_type type;
        char *english;

        parse_type(&type, cases[i].type);
        english = ovsdb_type_to_english(&type);
        assert_string_equal(english, cases[i].english);
        free(english);
        ovsdb_type_destroy(&type);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_sorted_round_trip),
        cmocka_unit_test(test_map),
        cmocka_unit_test(test_constraints),
        cmocka_unit_test(test_interned_strings),
        cmocka_unit_test(test_type_json),
        cmocka_unit_test(test_to_text),
        cmocka_unit_test(test_to_string),
        cmocka_unit_test(test_type_to_english),
    };

    return cmocka_run_group_tests_name("vtepd/ovsdb/datum", tests, NULL, NULL);
}
