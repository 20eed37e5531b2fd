/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/ovsdb/jsonrpc: framing and message validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/ds.h"
#include "lib/json-text.h"
#include "lib/util.h"
#include "vtepd/jsonrpc/jsonrpc-server.h"

/* Feeds 'text' in pieces of at most 'piece' bytes; appends each message's
 * compact encoding, one per line, to 'out'.  Returns the final status. */
static enum jsonrpc_parse_status
feed_all(struct jsonrpc_parser *p, const char *text, size_t len, size_t piece,
         struct ds *out)
{
    size_t ofs = 0;

    while (ofs < len) {
        size_t n = MIN(piece, len - ofs);

        while (n) {
            size_t used;
            enum jsonrpc_parse_status status =
                jsonrpc_parser_feed(p, text + ofs, n, &used);

            assert_true(used <= n);
            ofs += used;
            n -= used;
            if (status == JSONRPC_PARSE_MESSAGE) {
                json_t *json = jsonrpc_parser_take(p);
                char *s = json_dumps(json, JSON_COMPACT);

                ds_put_format(out, "%s\n", s);
                free(s);
                json_decref(json);
            } else if (status != JSONRPC_PARSE_MORE) {
                return status;
            }
        }
    }
    return JSONRPC_PARSE_MORE;
}

static const char stream_text[] =
    " {\"method\":\"echo\",\"params\":[\"}{\\\"\\\\\"],\"id\":1}\n"
    "{\"a\":[[],{},\"[\\u005d\"]}[1,{\"b\":\"\\\\\"}]\r\n\t"
    "{\"s\":\"x\\\\\\\"]}\"}";
static const char stream_expected[] =
    "{\"method\":\"echo\",\"params\":[\"}{\\\"\\\\\"],\"id\":1}\n"
    "{\"a\":[[],{},\"[]\"]}\n"
    "[1,{\"b\":\"\\\\\"}]\n"
    "{\"s\":\"x\\\\\\\"]}\"}\n";

static void
test_split_at_every_boundary(void **state)
{
    size_t len = strlen(stream_text);
    size_t cut;

    /* Two pieces, cut at every byte; then one byte at a time. */
    for (cut = 0; cut <= len; cut++) {
        struct jsonrpc_parser *p = jsonrpc_parser_create(0, 0);
        struct ds out = DS_EMPTY_INITIALIZER;

        assert_int_equal(feed_all(p, stream_text, cut, len, &out),
                         JSONRPC_PARSE_MORE);
        assert_int_equal(feed_all(p, stream_text + cut, len - cut, len, &out),
                         JSONRPC_PARSE_MORE);
        assert_string_equal(ds_cstr(&out), stream_expected);
        assert_false(jsonrpc_parser_is_partial(p));
        ds_destroy(&out);
        jsonrpc_parser_destroy(p);
    }
    for (cut = 1; cut <= 3; cut++) {
        struct jsonrpc_parser *p = jsonrpc_parser_create(0, 0);
        struct ds out = DS_EMPTY_INITIALIZER;

        feed_all(p, stream_text, len, cut, &out);
        assert_string_equal(ds_cstr(&out), stream_expected);
        ds_destroy(&out);
        jsonrpc_parser_destroy(p);
    }
}

static void
test_many_messages_in_one_read(void **state)
{
    struct jsonrpc_parser *p = jsonrpc_parser_create(0, 0);
    struct ds in = DS_EMPTY_INITIALIZER, out = DS_EMPTY_INITIALIZER;
    int i, lines = 0;
    const char *c;

    for (i = 0; i < 1000; i++) {
        ds_put_format(&in, "{\"id\":%d,\"method\":\"m\",\"params\":[]}", i);
    }
    assert_int_equal(feed_all(p, in.string, in.length, in.length, &out),
                     JSONRPC_PARSE_MORE);
    for (c = ds_cstr(&out); *c; c++) {
        lines += *c == '\n';
    }
    assert_int_equal(lines, 1000);
    ds_destroy(&in);
    ds_destroy(&out);
    jsonrpc_parser_destroy(p);
}

static void
test_partial_message_is_remembered(void **state)
{
    struct jsonrpc_parser *p = jsonrpc_parser_create(0, 0);
    struct ds out = DS_EMPTY_INITIALIZER;

    assert_int_equal(feed_all(p, "  {\"a\":", 7, 7, &out), JSONRPC_PARSE_MORE);
    assert_true(jsonrpc_parser_is_partial(p));
    assert_int_equal(feed_all(p, "1}", 2, 2, &out), JSONRPC_PARSE_MORE);
    assert_string_equal(ds_cstr(&out), "{\"a\":1}\n");
    ds_destroy(&out);
    jsonrpc_parser_destroy(p);
}

static void
test_oversized_message(void **state)
{
    struct jsonrpc_parser *p = jsonrpc_parser_create(16, 0);
    struct ds out = DS_EMPTY_INITIALIZER;
    const char *ok = "{\"a\":\"0123456\"}"; /* 15 bytes. */
    const char *big = "   {\"a\":\"012345678\"}";

    assert_int_equal(feed_all(p, ok, strlen(ok), 1, &out), JSONRPC_PARSE_MORE);
    assert_int_equal(feed_all(p, big, strlen(big), 3, &out),
                     JSONRPC_PARSE_TOO_BIG);
    assert_non_null(strstr(jsonrpc_parser_error(p), "exceeds 16 bytes"));
    ds_destroy(&out);
    jsonrpc_parser_destroy(p);
}

static void
test_nesting_too_deep(void **state)
{
    struct jsonrpc_parser *p = jsonrpc_parser_create(0, 5);
    struct ds out = DS_EMPTY_INITIALIZER;
    const char *ok = "[[[[{\"a\":\"[[[[[[[\"}]]]]";
    const char *deep = "[[[[[[1]]]]]]";

    assert_int_equal(feed_all(p, ok, strlen(ok), 100, &out),
                     JSONRPC_PARSE_MORE);
    assert_int_equal(feed_all(p, deep, strlen(deep), 100, &out),
                     JSONRPC_PARSE_TOO_DEEP);
    ds_destroy(&out);
    jsonrpc_parser_destroy(p);

    /* With the default limit, a bomb is refused by us, not by jansson. */
    {
        char bomb[5000];

        memset(bomb, '[', sizeof bomb);
        p = jsonrpc_parser_create(0, 0);
        assert_int_equal(feed_all(p, bomb, sizeof bomb, 4096, &out),
                         JSONRPC_PARSE_TOO_DEEP);
        assert_non_null(strstr(jsonrpc_parser_error(p), "1000 levels"));
        ds_destroy(&out);
        jsonrpc_parser_destroy(p);
    }
}

/* A closing bracket of the wrong kind is an error as soon as it arrives,
 * whether the input comes whole or a byte at a time, not a value that
 * waits forever for its end (ovsdb-server drops such a peer at once). */
static void
test_mismatched_brackets(void **state)
{
    static const char *const bad[] = {
        "{\"method\":\"echo\",\"params\":[],\"id\":[1,}",
        "[}",
        "{]",
        "{\"a\":[}",
        "[{\"a\":\"]}\"]]",
        "[[[{\"x\":{}]",
    };
    static const char ok[] = "{\"a\":[{\"b\":[[{}],\"}]\"]}],\"c\":{}}";

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        for (size_t piece = 1; piece <= strlen(bad[i]); piece *= 4) {
            struct jsonrpc_parser *p = jsonrpc_parser_create(0, 0);
            struct ds out = DS_EMPTY_INITIALIZER;
            char *text = xasprintf("%s   {\"more\":1}", bad[i]);

            assert_int_equal(feed_all(p, text, strlen(text), piece, &out),
                             JSONRPC_PARSE_ERROR);
            assert_non_null(strstr(jsonrpc_parser_error(p), "syntax error"));
            assert_string_equal(ds_cstr(&out), "");
            free(text);
            ds_destroy(&out);
            jsonrpc_parser_destroy(p);
        }
    }

    /* The whole input is taken up to the bad bracket, not beyond. */
    {
        struct jsonrpc_parser *p = jsonrpc_parser_create(0, 0);
        const char *text = "[1,{\"a\":2]]]";
        size_t used;

        assert_int_equal(jsonrpc_parser_feed(p, text, strlen(text), &used),
                         JSONRPC_PARSE_ERROR);
        assert_int_equal(used, strlen("[1,{\"a\":2]"));
        assert_non_null(strstr(jsonrpc_parser_error(p), "byte 9"));
        jsonrpc_parser_destroy(p);
    }

    /* Matching brackets of both kinds, in strings too, still frame. */
    {
        struct jsonrpc_parser *p = jsonrpc_parser_create(0, 0);
        struct ds out = DS_EMPTY_INITIALIZER;

        assert_int_equal(feed_all(p, ok, strlen(ok), 3, &out),
                         JSONRPC_PARSE_MORE);
        assert_string_equal(ds_cstr(&out), "{\"a\":[{\"b\":[[{}],\"}]\"]}],"
                                           "\"c\":{}}\n");
        ds_destroy(&out);
        jsonrpc_parser_destroy(p);
    }
}

/* The bracket stack holds as many levels as the depth limit allows. */
static void
test_mismatch_at_max_depth(void **state)
{
    for (int kind = 0; kind < 2; kind++) {
        struct jsonrpc_parser *p = jsonrpc_parser_create(0, 0);
        struct ds text = DS_EMPTY_INITIALIZER, out = DS_EMPTY_INITIALIZER;

        for (int d = 0; d < JSONRPC_DEFAULT_MAX_DEPTH; d++) {
            ds_put_cstr(&text, d % 3 == 1 ? "{\"k\":" : "[");
        }
        if (kind) {
            for (int d = JSONRPC_DEFAULT_MAX_DEPTH; d-- > 0;) {
                ds_put_char(&text, d % 3 == 1 ? '}' : ']');
            }
        } else {
            /* The innermost '[' closed wrongly. */
            ds_put_char(&text, '}');
        }
        assert_int_equal(feed_all(p, ds_cstr(&text), text.length, 4096, &out),
                         kind ? JSONRPC_PARSE_MORE : JSONRPC_PARSE_ERROR);
        assert_int_equal(out.length ? 1 : 0, kind);
        ds_destroy(&text);
        ds_destroy(&out);
        jsonrpc_parser_destroy(p);
    }
}

static void
expect_parse_error(const char *text)
{
    struct jsonrpc_parser *p = jsonrpc_parser_create(0, 0);
    struct ds out = DS_EMPTY_INITIALIZER;

    assert_int_equal(feed_all(p, text, strlen(text), strlen(text), &out),
                     JSONRPC_PARSE_ERROR);
    assert_non_null(strstr(jsonrpc_parser_error(p), "syntax error"));
    ds_destroy(&out);
    jsonrpc_parser_destroy(p);
}

static void
test_malformed_json(void **state)
{
    expect_parse_error("\"hello\"");
    expect_parse_error("1");
    expect_parse_error("}");
    expect_parse_error("{garbage}");
    expect_parse_error("{\"a\":1,}");
    expect_parse_error("{\"a\":[1}]");
    expect_parse_error("{\"a\":\"\\q\"}");
    expect_parse_error("{\"a\":1} x");
}

/* Message validation. */

static struct jsonrpc_msg *
msg_from_text(const char *text, char **errorp)
{
    json_t *json = json_loads(text, 0, NULL);
    struct jsonrpc_msg *msg;

    assert_non_null(json);
    msg = jsonrpc_msg_from_json(json, errorp);
    json_decref(json);
    return msg;
}

static void
expect_type(const char *text, enum jsonrpc_msg_type type)
{
    char *error;
    struct jsonrpc_msg *msg = msg_from_text(text, &error);

    assert_null(error);
    assert_non_null(msg);
    assert_int_equal(msg->type, type);
    jsonrpc_msg_destroy(msg);
}

static void
expect_invalid(const char *text, const char *reason)
{
    char *error;
    struct jsonrpc_msg *msg = msg_from_text(text, &error);

    assert_null(msg);
    assert_non_null(error);
    assert_string_equal(error, reason);
    free(error);
}

static void
test_message_kinds(void **state)
{
    expect_type("{\"method\":\"m\",\"params\":[],\"id\":1}", JSONRPC_REQUEST);
    expect_type("{\"method\":\"m\",\"params\":[],\"id\":{\"x\":[1]}}",
                JSONRPC_REQUEST);
    expect_type("{\"method\":\"m\",\"params\":[],\"id\":null}",
                JSONRPC_NOTIFY);
    expect_type("{\"method\":\"m\",\"params\":[]}", JSONRPC_NOTIFY);
    expect_type("{\"result\":1,\"error\":null,\"id\":1}", JSONRPC_REPLY);
    expect_type("{\"result\":1,\"id\":1}", JSONRPC_REPLY);
    expect_type("{\"result\":null,\"error\":\"e\",\"id\":1}", JSONRPC_ERROR);
}

static void
test_invalid_messages(void **state)
{
    expect_invalid("[1]", "message is not a JSON object");
    expect_invalid("{\"method\":1,\"params\":[],\"id\":1}",
                   "method is not a JSON string");
    expect_invalid("{\"method\":\"m\",\"params\":{},\"id\":1}",
                   "\"params\" must be JSON array");
    expect_invalid("{\"foo\":1}", "message has unexpected member \"foo\"");
    expect_invalid("{\"method\":\"m\",\"params\":[],\"id\":1,\"x\":2}",
                   "message has unexpected member \"x\"");
    expect_invalid("{\"method\":\"m\",\"id\":1}",
                   "request must have \"params\"");
    expect_invalid("{\"params\":[],\"id\":1}", "request must have \"method\"");
    expect_invalid("{\"result\":1,\"error\":2,\"id\":1}",
                   "reply must not have \"error\"");
    expect_invalid("{\"result\":1}", "reply must have \"id\"");
    expect_invalid("{\"method\":\"m\",\"params\":[],\"result\":1,\"id\":1}",
                   "reply must not have \"method\"");
}

static char *
encode(struct jsonrpc_msg *msg)
{
    struct jsonrpc_buf *buf = jsonrpc_buf_from_msg(msg);
    char *s = xstrndup(jsonrpc_buf_data(buf), jsonrpc_buf_size(buf));

    jsonrpc_buf_unref(jsonrpc_buf_ref(buf));
    jsonrpc_buf_unref(buf);
    jsonrpc_msg_destroy(msg);
    return s;
}

static void
test_encoding_matches_ovsdb_server(void **state)
{
    json_t *id = json_integer(7);
    char *s;

    /* The exact bytes ovsdb-server 3.1 sends. */
    s = encode(jsonrpc_create_reply(json_pack("[i,s]", 1, "a"), id));
    assert_string_equal(s, "{\"id\":7,\"result\":[1,\"a\"],\"error\":null}");
    free(s);
    s = encode(jsonrpc_create_error(json_string("unknown method"), id));
    assert_string_equal(s, "{\"id\":7,\"error\":\"unknown method\"}");
    free(s);
    s = encode(jsonrpc_create_notify("update", json_array()));
    assert_string_equal(s,
                        "{\"id\":null,\"method\":\"update\",\"params\":[]}");
    free(s);
    s = encode(
        jsonrpc_create_request("echo", json_array(), json_string("echo")));
    assert_string_equal(s,
                        "{\"id\":\"echo\",\"method\":\"echo\",\"params\":[]}");
    free(s);
    json_decref(id);
    jsonrpc_buf_unref(NULL);
    jsonrpc_msg_destroy(NULL);
}

/* Strings of every length up to 24 with an escaped quote or backslash at
 * every position, so that the word-at-a-time string scan meets them at
 * every alignment, fed whole and in pieces. */
static void
test_long_strings(void **state)
{
    struct ds text = DS_EMPTY_INITIALIZER, expected = DS_EMPTY_INITIALIZER;

    for (int len = 0; len <= 24; len++) {
        for (int pos = 0; pos <= len; pos++) {
            struct ds msg = DS_EMPTY_INITIALIZER;
            json_t *json;
            char *enc;

            ds_put_cstr(&msg, "{\"k\":\"");
            for (int i = 0; i < len; i++) {
                if (i == pos) {
                    ds_put_cstr(&msg, len % 2 ? "\\\"" : "\\\\");
                }
                ds_put_char(&msg, (char) ('a' + i % 26));
            }
            ds_put_cstr(&msg, "]}\"}");
            json = json_loads(ds_cstr(&msg), 0, NULL);
            assert_non_null(json);
            enc = json_dumps(json, JSON_COMPACT);
            ds_put_format(&expected, "%s\n", enc);
            ds_put_buffer(&text, msg.string, msg.length);
            free(enc);
            json_decref(json);
            ds_destroy(&msg);
        }
    }
    for (size_t piece = 1; piece <= 64; piece = piece * 3 + 1) {
        struct jsonrpc_parser *p = jsonrpc_parser_create(0, 0);
        struct ds out = DS_EMPTY_INITIALIZER;

        assert_int_equal(feed_all(p, text.string, text.length, piece, &out),
                         JSONRPC_PARSE_MORE);
        assert_string_equal(ds_cstr(&out), ds_cstr(&expected));
        ds_destroy(&out);
        jsonrpc_parser_destroy(p);
    }
    ds_destroy(&text);
    ds_destroy(&expected);
}

/* The size cap bites at the same byte whatever the pieces: a value of
 * exactly 'max_size' bytes passes, one more byte does not, also inside a
 * long string. */
static void
test_size_cap_boundary(void **state)
{
    const char *fits = "{\"a\":\"0123456789abcdefghijklmnopq\"}";
    size_t max = strlen(fits);

    for (size_t piece = 1; piece <= max + 1; piece++) {
        struct jsonrpc_parser *p = jsonrpc_parser_create(max, 0);
        const char *big = "{\"a\":\"0123456789abcdefghijklmnopqr\"}";
        struct ds out = DS_EMPTY_INITIALIZER;
        size_t used, ofs = 0;
        enum jsonrpc_parse_status status = JSONRPC_PARSE_MORE;

        assert_int_equal(feed_all(p, fits, max, piece, &out),
                         JSONRPC_PARSE_MORE);
        assert_int_equal(out.length, max + 1);
        while (status == JSONRPC_PARSE_MORE && ofs < strlen(big)) {
            size_t n = MIN(piece, strlen(big) - ofs);

            status = jsonrpc_parser_feed(p, big + ofs, n, &used);
            ofs += used;
        }
        assert_int_equal(status, JSONRPC_PARSE_TOO_BIG);
        assert_int_equal(ofs, max + 1); /* Stopped at the first extra byte. */
        ds_destroy(&out);
        jsonrpc_parser_destroy(p);
    }
}

/* In lazy mode a plain message's "params" comes as text; anything else
 * (here a non-ASCII string) as a tree; jsonrpc_parser_take() always gives
 * the whole value. */
static void
test_lazy_params(void **state)
{
    const char *plain = "{\"method\":\"transact\",\"params\":[\"db\", "
                        "{\"op\":\"insert\"},[1,2]],\"id\":7}";
    const char *other = "{\"method\":\"x\",\"params\":[\"\xc3\xa9\"],"
                        "\"id\":8}";
    struct jsonrpc_parser *p = jsonrpc_parser_create(0, 0);
    struct json_text_array *params;
    json_t *json, *e;
    size_t used;

    jsonrpc_parser_set_lazy(p);
    assert_int_equal(jsonrpc_parser_feed(p, plain, strlen(plain), &used),
                     JSONRPC_PARSE_MESSAGE);
    json = jsonrpc_parser_take_lazy(p, &params);
    assert_non_null(params);
    assert_null(json_object_get(json, "params"));
    assert_int_equal(json_integer_value(json_object_get(json, "id")), 7);
    assert_int_equal(params->n, 3);
    e = json_text_array_get(params, 1);
    assert_string_equal(json_string_value(json_object_get(e, "op")), "insert");
    json_decref(e);
    json_decref(json);
    json_text_array_unref(params);

    assert_int_equal(jsonrpc_parser_feed(p, other, strlen(other), &used),
                     JSONRPC_PARSE_MESSAGE);
    json = jsonrpc_parser_take_lazy(p, &params);
    assert_null(params);
    assert_true(json_is_array(json_object_get(json, "params")));
    json_decref(json);

    assert_int_equal(jsonrpc_parser_feed(p, plain, strlen(plain), &used),
                     JSONRPC_PARSE_MESSAGE);
    json = jsonrpc_parser_take(p);
    assert_int_equal(json_array_size(json_object_get(json, "params")), 3);
    json_decref(json);
    jsonrpc_parser_destroy(p);
}

/* A reply built from result text is the same bytes as from the tree. */
static void
test_reply_text(void **state)
{
    static const char *const results[] = {
        "[{\"uuid\":[\"uuid\",\"2b5a9c6e-0d46-4a6e-9f25-6a8c6f0e4d11\"]}]",
        "{\"error\":\"syntax error\",\"details\":\"x\\\"y\"}",
        "[]",
    };
    json_t *ids[] = { json_integer(7), json_string("a\"b"),
                      json_pack("[i,{s:n}]", 1, "k") };

    for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
        for (size_t j = 0; j < ARRAY_SIZE(results); j++) {
            json_t *result = json_loads(results[j], 0, NULL);
            struct jsonrpc_msg *reply = jsonrpc_create_reply(result, ids[i]);
            struct jsonrpc_buf *a = jsonrpc_buf_from_msg(reply);
            struct jsonrpc_buf *b = jsonrpc_buf_from_reply_text(
                ids[i], results[j], strlen(results[j]));

            assert_int_equal(jsonrpc_buf_size(a), jsonrpc_buf_size(b));
            assert_memory_equal(jsonrpc_buf_data(a), jsonrpc_buf_data(b),
                                jsonrpc_buf_size(a));
            jsonrpc_buf_unref(a);
            jsonrpc_buf_unref(b);
            jsonrpc_msg_destroy(reply);
        }
        json_decref(ids[i]);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_at_every_boundary),
        cmocka_unit_test(test_many_messages_in_one_read),
        cmocka_unit_test(test_partial_message_is_remembered),
        cmocka_unit_test(test_oversized_message),
        cmocka_unit_test(test_nesting_too_deep),
        cmocka_unit_test(test_malformed_json),
        cmocka_unit_test(test_mismatched_brackets),
        cmocka_unit_test(test_mismatch_at_max_depth),
        cmocka_unit_test(test_message_kinds),
        cmocka_unit_test(test_invalid_messages),
        cmocka_unit_test(test_encoding_matches_ovsdb_server),
        cmocka_unit_test(test_long_strings),
        cmocka_unit_test(test_size_cap_boundary),
        cmocka_unit_test(test_lazy_params),
        cmocka_unit_test(test_reply_text),
    };

    return cmocka_run_group_tests_name("vtepd/jsonrpc/jsonrpc", tests, NULL,
                                       NULL);
}
