/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for lib/json-text: both directions agree with jansson. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/ds.h"
#include "lib/json-text.h"

/* Texts the decoder handles; each must decode to what jansson builds and
 * encode back to what jansson writes. */
static const char *const good[] = {
    "{}",
    "[]",
    " [ 1 , -2 , 0 , -0 , 123456789012345678 ] ",
    "[true,false,null,\"\",\"a b\"]",
    "{\"a\":{\"b\":[[],{}]},\"c\":\"d\"}",
    "[\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0041 \\u001b \\u007f\"]",
    "{\"k\\u0065y\":1,\"key2\":\"\\n\"}",
    "[1.5,-0.25,1e3,2E-2,1.0e+2,0.1]",
    "{\"dup\":1,\"dup\":2}",
    "[\"uuid\",\"0123abcd-4567-89ab-cdef-0123456789ab\"]",
    "\n{\"method\":\"transact\",\"params\":[\"hardware_vtep\"],\"id\":7}\t",
};

/* Texts the decoder declines, for jansson to accept or reject. */
static const char *const declined[] = {
    "",
    "1",
    "\"a\"",
    "[1,]",
    "[1 2]",
    "{\"a\" 1}",
    "{\"a\":1,}",
    "[01]",
    "[-]",
    "[1.]",
    "[1e]",
    "[tru]",
    "[\"\\u0000\"]",
    "[\"\\u00e9\"]",
    "[\"caf\xc3\xa9\"]",
    "[\"a\x01\"]",
    "[\"\\x\"]",
    "[1234567890123456789]",
    "[1e999]",
    "[1] x",
    "[",
    "{\"a\":1",
};

static void
check_encoding(const json_t *json)
{
    char *expected = json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY);
    struct ds out = DS_EMPTY_INITIALIZER;

    json_text_encode(json, &out);
    assert_string_equal(ds_cstr(&out), expected);
    ds_destroy(&out);
    free(expected);
}

static void
test_good(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        json_t *fast = json_text_decode(good[i], strlen(good[i]), false);
        json_t *ref = json_loads(good[i], 0, NULL);

        assert_non_null(fast);
        assert_non_null(ref);
        assert_true(json_equal(fast, ref));
        check_encoding(fast);
        json_decref(fast);
        json_decref(ref);
    }
}

static void
test_declined(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof declined / sizeof *declined; i++) {
        json_t *fast =
            json_text_decode(declined[i], strlen(declined[i]), false);

        assert_null(fast);
    }
}

static void
test_duplicates(void **state)
{
    static const char text[] = "{\"a\":1,\"b\":{\"a\":2},\"a\":3}";
    json_t *json;

    (void) state;
    assert_null(json_text_decode(text, strlen(text), true));
    json = json_text_decode(text, strlen(text), false);
    assert_non_null(json);
    assert_int_equal(json_integer_value(json_object_get(json, "a")), 3);
    json_decref(json);
}

/* Every control character, quotes and non-ASCII text, which only the
 * encoder sees (from values built in memory). */
static void
test_encode_strings(void **state)
{
    char s[40];
    json_t *json;

    (void) state;
    for (int c = 1; c < 0x20; c++) {
        s[c - 1] = (char) c;
    }
    memcpy(s + 0x1f, "\"\\/\xc3\xa9\x7f", 7);
    json = json_stringn(s, 0x1f + 7);
    assert_non_null(json);
    check_encoding(json);
    json_decref(json);

    json = json_pack("{s:I,s:I,s:f,s:[s,b,n]}", "min", (json_int_t) INT64_MIN,
                     "max", (json_int_t) INT64_MAX, "real", 1e300, "z", "", 0);
    check_encoding(json);
    json_decref(json);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_declined),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_encode_strings),
    };

    return cmocka_run_group_tests_name("lib/json-text", tests, NULL, NULL);
}
