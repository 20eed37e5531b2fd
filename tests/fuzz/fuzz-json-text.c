/* SPDX-License-Identifier: Apache-2.0 */
/* Differential fuzzing of lib/json-text against jansson.
 *
 * The first input byte picks the duplicate-key mode; the rest is JSON text.
 * json_text_decode() must return NULL or exactly what json_loadb() returns
 * (same value, same member order), and json_text_encode() must write the
 * bytes json_dumps() writes for whatever jansson parsed.
 * json_text_decode_lazy() and json_text_array_parse() must accept only
 * what json_text_decode() accepts and give the same value. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ds.h"
#include "lib/json-text.h"
#include "lib/util.h"
#include "tests/fuzz/fuzz.h"

/* Checks that json_text_encode() and json_dumps() agree on 'json' and
 * returns the encoding (malloc'd). */
static char *
check_encode(const json_t *json)
{
    char *expected = json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY);
    struct ds text = DS_EMPTY_INITIALIZER;

    ASSERT(expected);
    json_text_encode(json, &text);
    ASSERT(text.length == strlen(expected));
    ASSERT(!memcmp(text.string, expected, text.length));
    ds_destroy(&text);
    return expected;
}

/* Decodes the spans of 'array' (into 'text') into a JSON array. */
static json_t *
decode_spans(const char *text, const struct json_text_span *elems, size_t n)
{
    json_t *array = json_array();

    for (size_t i = 0; i < n; i++) {
        json_t *e = json_text_decode_value(text + elems[i].ofs, elems[i].len);

        ASSERT(e);
        json_array_append_new(array, e);
    }
    return array;
}

static void
check_lazy(const char *text, size_t size)
{
    json_t *full = json_text_decode(text, size, false);
    struct json_text_array *array;
    struct json_text_span *elems;
    json_t *lazy;
    size_t n;
    bool found;

    lazy = json_text_decode_lazy(text, size, "params", &elems, &n, &found);
    if (lazy) {
        ASSERT(full);
        if (found) {
            json_object_set_new(lazy, "params", decode_spans(text, elems, n));
        }
        ASSERT(json_equal(full, lazy));
        free(elems);
    } else if (json_is_object(full)) {
        /* Declined only for a "params" that is not one array (or that
         * appears twice, which the tree cannot show). */
        ASSERT(json_object_get(full, "params"));
    }
    json_decref(lazy);

    array = json_text_array_parse(text, size);
    if (array) {
        json_t *json = json_text_array_to_json(array);

        ASSERT(json_is_array(full) && json_equal(full, json));
        json_decref(json);
        json_text_array_unref(array);
    } else {
        ASSERT(!json_is_array(full));
    }
    json_decref(full);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *) data + 1;
    json_t *fast, *slow, *any;
    json_error_t error;
    bool reject;

    if (!size) {
        return 0;
    }
    reject = data[0] & 1;
    size--;

    fast = json_text_decode(text, size, reject);
    slow = json_loadb(text, size, reject ? JSON_REJECT_DUPLICATES : 0, &error);
    if (fast) {
        char *fast_text, *slow_text;

        ASSERT(slow);
        ASSERT(json_equal(fast, slow));
        /* json_equal() ignores member order; the encodings do not. */
        fast_text = check_encode(fast);
        slow_text = check_encode(slow);
        ASSERT(!strcmp(fast_text, slow_text));
        free(fast_text);
        free(slow_text);
    }

    check_lazy(text, size);

    /* The encoder on any value, scalars included. */
    any = json_loadb(text, size, JSON_DECODE_ANY, &error);
    if (any) {
        free(check_encode(any));
    }
    json_decref(any);
    json_decref(slow);
    json_decref(fast);
    return 0;
}
