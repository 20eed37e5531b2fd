/* Unit tests for vtepd/ovsdb/jsonrpc: framing and message validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/ds.h"
#include "vtepd/ovsdb/jsonrpc.h"

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
        cmocka_unit_test(test_message_kinds),
        cmocka_unit_test(test_invalid_messages),
        cmocka_unit_test(test_encoding_matches_ovsdb_server),
    };

    return cmocka_run_group_tests_name("ovsdb/jsonrpc", tests, NULL, NULL);
}
