/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/ovsdb/server-monitor: monitor, monitor_cond,
 * monitor_cond_since, monitor_cond_change and monitor_cancel answered in
 * process over a punix: remote, with the updates that follow commits.
 * Expected messages are ovsdb-server 3.1's for the same requests (but
 * see test_monitor_cond_since()).  Only
 * single-clause conditions are used: how clauses combine is not pinned
 * here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/util.h"
#include "tests/unit/jsonrpc-client-fixture.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/execution.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/server.h"

static const char schema_text[] =
    "{\"name\":\"s\",\"version\":\"1.0.0\",\"tables\":{\"T\":{"
    "\"isRoot\":true,\"columns\":{"
    "\"name\":{\"type\":\"string\"},"
    "\"n\":{\"type\":\"integer\"}}}}}";

#define ZERO_UUID "00000000-0000-0000-0000-000000000000"

struct fixture {
    char dir[64];
    char *path;
    struct ev_loop *loop;
    struct ovsdb_db *db;
    struct ovsdb_server *server;
    struct test_client *client;
};

static int
setup(void **state)
{
    struct fixture *f = xzalloc(sizeof *f);
    json_t *json = json_loads(schema_text, 0, NULL);
    struct ovsdb_schema *schema;
    char *remote;

    assert_null(ovsdb_schema_from_json(json, &schema));
    json_decref(json);
    snprintf(f->dir, sizeof f->dir, "/tmp/test-ovsdb-monitor.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->path = xasprintf("%s/db.sock", f->dir);
    f->loop = ev_loop_new(EVFLAG_AUTO);
    f->db = ovsdb_db_create(schema);
    f->server = ovsdb_server_create(f->loop, f->db);
    remote = xasprintf("punix:%s", f->path);
    assert_int_equal(ovsdb_server_add_remote(f->server, remote), 0);
    free(remote);
    f->client = test_client_connect(f->loop, f->path);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    char *cmd = xasprintf("rm -rf '%s'", f->dir);

    test_client_close(f->client);
    ovsdb_server_destroy(f->server);
    ovsdb_db_destroy(f->db);
    ev_loop_destroy(f->loop);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(f->path);
    free(f);
    return 0;
}

/* Checks that 'msg' (taken) normalises to 'expected' once its "id" is
 * removed. */
static void
expect_msg(json_t *msg, const char *expected)
{
    char *text;

    assert_non_null(msg);
    json_object_del(msg, "id");
    text = test_json_normalize(msg);
    assert_string_equal(text, expected);
    free(text);
    json_decref(msg);
}

static void
expect_call(struct test_client *c, const char *method, const char *params,
            const char *expected)
{
    expect_msg(test_client_call(c, method, params), expected);
}

static void
expect_notification(struct test_client *c, const char *expected)
{
    expect_msg(test_client_notification(c, 2000), expected);
}

static void
expect_no_notification(struct test_client *c)
{
    json_t *msg = test_client_notification(c, 50);

    if (msg) {
        char *text = test_json_normalize(msg);

        fail_msg("unexpected %s", text);
    }
}

/* Runs the operations 'ops' through the client, which must succeed. */
static void
transact(struct test_client *c, const char *ops)
{
    char *params = xasprintf("[\"s\",%s]", ops);
    json_t *reply = test_client_call(c, "transact", params);
    json_t *result = json_object_get(reply, "result");
    size_t i;
    json_t *op;

    assert_true(json_is_array(result));
    json_array_foreach(result, i, op) {
        assert_null(json_object_get(op, "error"));
    }
    json_decref(reply);
    free(params);
}

static const char insert_a[] =
    "{\"op\":\"insert\",\"table\":\"T\",\"row\":{\"name\":\"a\",\"n\":2}}";

static void
test_monitor_v1(void **state)
{
    struct fixture *f = *state;

    transact(f->client, insert_a);
    expect_call(f->client, "monitor",
                "[\"s\",\"m1\",{\"T\":{\"columns\":[\"name\",\"n\"]}}]",
                "{\"error\":null,\"result\":{\"T\":{\"<0>\":{\"new\":"
                "{\"n\":2,\"name\":\"a\"}}}}}");

    transact(f->client, "{\"op\":\"insert\",\"table\":\"T\","
                        "\"row\":{\"name\":\"b\",\"n\":3}}");
    expect_notification(f->client,
                        "{\"method\":\"update\",\"params\":[\"m1\",{\"T\":"
                        "{\"<0>\":{\"new\":{\"n\":3,\"name\":\"b\"}}}}]}");
    transact(f->client, "{\"op\":\"update\",\"table\":\"T\","
                        "\"where\":[[\"name\",\"==\",\"b\"]],"
                        "\"row\":{\"n\":4}}");
    expect_notification(f->client,
                        "{\"method\":\"update\",\"params\":[\"m1\",{\"T\":"
                        "{\"<0>\":{\"new\":{\"n\":4,\"name\":\"b\"},"
                        "\"old\":{\"n\":3}}}}]}");
    transact(f->client, "{\"op\":\"delete\",\"table\":\"T\","
                        "\"where\":[[\"name\",\"==\",\"b\"]]}");
    expect_notification(f->client,
                        "{\"method\":\"update\",\"params\":[\"m1\",{\"T\":"
                        "{\"<0>\":{\"old\":{\"n\":4,\"name\":\"b\"}}}}]}");

    /* A change to a column not monitored sends nothing. */
    expect_call(f->client, "monitor_cancel", "[\"m1\"]",
                "{\"error\":null,\"result\":{}}");
    expect_call(f->client, "monitor",
                "[\"s\",\"m2\",{\"T\":{\"columns\":[\"name\"]}}]",
                "{\"error\":null,\"result\":{\"T\":{\"<0>\":{\"new\":"
                "{\"name\":\"a\"}}}}}");
    transact(f->client, "{\"op\":\"update\",\"table\":\"T\",\"where\":[],"
                        "\"row\":{\"n\":9}}");
    expect_no_notification(f->client);
}

static void
test_monitor_errors(void **state)
{
    struct fixture *f = *state;
    const char *m1 = "[\"s\",\"m1\",{\"T\":{\"columns\":[\"name\"]}}]";

    expect_call(f->client, "monitor", "[\"nope\",null,{}]",
                "{\"error\":{\"details\":\"monitor request specifies unknown "
                "database nope\",\"error\":\"unknown database\",\"syntax\":"
                "\"[\\\"nope\\\",null,{}]\"}}");
    expect_call(f->client, "monitor", m1, "{\"error\":null,\"result\":{}}");
    expect_call(f->client, "monitor", m1,
                "{\"error\":{\"details\":\"duplicate monitor ID\","
                "\"error\":\"syntax error\",\"syntax\":\"\\\"m1\\\"\"}}");
    expect_call(f->client, "monitor", "[\"s\",\"m2\",{\"X\":{}}]",
                "{\"error\":{\"details\":\"no table named X\","
                "\"error\":\"syntax error\"}}");
    expect_call(f->client, "monitor",
                "[\"s\",\"m2\",{\"T\":{\"columns\":[\"zz\"]}}]",
                "{\"error\":{\"details\":\"zz is not a valid column name\","
                "\"error\":\"syntax error\",\"syntax\":\"[\\\"zz\\\"]\"}}");
    expect_call(f->client, "monitor_cancel", "[\"m1\"]",
                "{\"error\":null,\"result\":{}}");
    expect_call(f->client, "monitor_cancel", "[\"m1\"]",
                "{\"error\":\"unknown monitor\"}");
    expect_call(f->client, "monitor_cond_change",
                "[\"zz\",\"m3\",{\"T\":[{\"where\":[]}]}]",
                "{\"error\":{\"details\":\"unknown monitor session\","
                "\"error\":\"syntax error\",\"syntax\":\"\\\"zz\\\"\"}}");
}

/* update2: rows entering the condition are inserted, leaving it deleted,
 * changing within it modified (changed columns only). */
static void
test_monitor_cond(void **state)
{
    struct fixture *f = *state;

    expect_call(f->client, "monitor_cond",
                "[\"s\",\"m3\",{\"T\":[{\"columns\":[\"name\",\"n\"],"
                "\"where\":[[\"n\",\">\",1]]}]}]",
                "{\"error\":null,\"result\":{}}");
    transact(f->client, insert_a);
    expect_notification(f->client,
                        "{\"method\":\"update2\",\"params\":[\"m3\",{\"T\":"
                        "{\"<0>\":{\"insert\":{\"n\":2,\"name\":\"a\"}}}}]}");
    transact(f->client, "{\"op\":\"update\",\"table\":\"T\",\"where\":[],"
                        "\"row\":{\"n\":5}}");
    expect_notification(f->client,
                        "{\"method\":\"update2\",\"params\":[\"m3\",{\"T\":"
                        "{\"<0>\":{\"modify\":{\"n\":5}}}}]}");
    transact(f->client, "{\"op\":\"update\",\"table\":\"T\",\"where\":[],"
                        "\"row\":{\"n\":0}}");
    expect_notification(f->client,
                        "{\"method\":\"update2\",\"params\":[\"m3\",{\"T\":"
                        "{\"<0>\":{\"delete\":null}}}]}");

    /* Outside the condition: nothing. */
    transact(f->client, "{\"op\":\"insert\",\"table\":\"T\","
                        "\"row\":{\"name\":\"z\",\"n\":-1}}");
    expect_no_notification(f->client);

    /* Back inside: inserted again, whole. */
    transact(f->client, "{\"op\":\"update\",\"table\":\"T\","
                        "\"where\":[[\"name\",\"==\",\"a\"]],"
                        "\"row\":{\"n\":7}}");
    expect_notification(f->client,
                        "{\"method\":\"update2\",\"params\":[\"m3\",{\"T\":"
                        "{\"<0>\":{\"insert\":{\"n\":7,\"name\":\"a\"}}}}]}");
}

/* monitor_cond_change moves rows in and out of the monitor's view and
 * renames it. */
static void
test_monitor_cond_change(void **state)
{
    struct fixture *f = *state;

    transact(f->client, insert_a);
    expect_call(f->client, "monitor_cond",
                "[\"s\",\"m\",{\"T\":[{\"columns\":[\"name\",\"n\"],"
                "\"where\":[[\"n\",\"==\",1]]}]}]",
                "{\"error\":null,\"result\":{}}");
    expect_call(f->client, "monitor_cond_change",
                "[\"m\",\"m2\",{\"T\":[{\"where\":[[\"n\",\"==\",2]]}]}]",
                "{\"error\":null,\"result\":{}}");
    {
        json_t *msg = test_client_notification(f->client, 2000);
        json_t *params = json_object_get(msg, "params");
        json_t *rows = json_object_get(json_array_get(params, 1), "T");
        const char *uuid;
        json_t *row;

        assert_non_null(msg);
        assert_string_equal(json_string_value(json_object_get(msg, "method")),
                            "update2");
        assert_string_equal(json_string_value(json_array_get(params, 0)),
                            "m2");
        assert_int_equal(json_object_size(rows), 1);
        json_object_foreach(rows, uuid, row) {
            json_t *insert = json_object_get(row, "insert");

            assert_non_null(insert);
            assert_string_equal(
                json_string_value(json_object_get(insert, "name")), "a");
        }
        json_decref(msg);
    }
    expect_call(f->client, "monitor_cond_change",
                "[\"m2\",\"m3\",{\"T\":[{\"where\":[false]}]}]",
                "{\"error\":null,\"result\":{}}");
    expect_notification(f->client,
                        "{\"method\":\"update2\",\"params\":[\"m3\",{\"T\":"
                        "{\"<0>\":{\"delete\":null}}}]}");
    expect_call(f->client, "monitor_cancel", "[\"m2\"]",
                "{\"error\":\"unknown monitor\"}");
    expect_call(f->client, "monitor_cancel", "[\"m3\"]",
                "{\"error\":null,\"result\":{}}");
}

/* Returns the last-txn-id of a monitor_cond_since reply (owned by the
 * caller) after checking 'found' and the initial rows' count. */
static char *
since(struct test_client *c, const char *id, const char *last, bool found,
      size_t n_rows)
{
    char *params = xasprintf("[\"s\",\"%s\",{\"T\":[{\"columns\":"
                             "[\"name\"]}]},\"%s\"]",
                             id, last);
    json_t *reply = test_client_call(c, "monitor_cond_since", params);
    json_t *result = json_object_get(reply, "result");
    json_t *rows = json_object_get(json_array_get(result, 2), "T");
    struct uuid uuid;
    char *txn_id;

    assert_int_equal(json_array_size(result), 3);
    assert_true(json_is_boolean(json_array_get(result, 0)));
    assert_int_equal(json_is_true(json_array_get(result, 0)), found);
    txn_id = xstrdup(json_string_value(json_array_get(result, 1)));
    assert_true(uuid_from_string(&uuid, txn_id));
    assert_int_equal(json_object_size(rows), n_rows);
    json_decref(reply);
    free(params);
    return txn_id;
}

/* A client that comes back with the last transaction it saw gets only
 * what it missed; one with an unknown id gets everything.  (vtepd keeps
 * this history for its standalone database; ovsdb-server 3.1 keeps none
 * for a standalone one and always answers false with a zero id.) */
static void
test_monitor_cond_since(void **state)
{
    struct fixture *f = *state;
    struct test_client *c2;
    char *last, *again;

    transact(f->client, insert_a);
    last = since(f->client, "m", ZERO_UUID, false, 1);

    /* The transaction id moves with each commit, notified in update3. */
    transact(f->client, "{\"op\":\"insert\",\"table\":\"T\","
                        "\"row\":{\"name\":\"b\"}}");
    {
        json_t *msg = test_client_notification(f->client, 2000);
        json_t *params = json_object_get(msg, "params");

        assert_non_null(msg);
        assert_string_equal(json_string_value(json_object_get(msg, "method")),
                            "update3");
        assert_int_equal(json_array_size(params), 3);
        assert_string_equal(json_string_value(json_array_get(params, 0)), "m");
        assert_string_not_equal(json_string_value(json_array_get(params, 1)),
                                last);
        json_decref(msg);
    }

    /* Another session, from 'last': found, only the missed row. */
    c2 = test_client_connect(f->loop, f->path);
    again = since(c2, "m", last, true, 1);
    free(again);
    test_client_close(c2);

    /* Up to date: found, nothing. */
    c2 = test_client_connect(f->loop, f->path);
    free(since(c2, "x", last, true, 1));
    again = since(c2, "y", ZERO_UUID, false, 2);
    free(since(c2, "z", again, true, 0));
    free(again);
    free(since(c2, "w", "12345678-1234-4234-8234-123456789abc", false, 2));
    test_client_close(c2);
    free(last);
}

/* Several sessions with the same request share one encoding per
 * commit. */
static void
test_shared_encoding(void **state)
{
    struct fixture *f = *state;
    const char *req = "[\"s\",\"m\",{\"T\":[{\"columns\":[\"name\"]}]}]";
    struct test_client *c2 = test_client_connect(f->loop, f->path);
    struct ovsdb_server_stats before, after;

    expect_call(f->client, "monitor_cond", req,
                "{\"error\":null,\"result\":{}}");
    expect_call(c2, "monitor_cond", req, "{\"error\":null,\"result\":{}}");
    ovsdb_server_get_stats(f->server, &before);
    assert_int_equal(before.monitors, 2);
    assert_int_equal(before.monitor_specs, 1);

    transact(f->client, insert_a);
    expect_notification(f->client,
                        "{\"method\":\"update2\",\"params\":[\"m\",{\"T\":"
                        "{\"<0>\":{\"insert\":{\"name\":\"a\"}}}}]}");
    expect_notification(c2, "{\"method\":\"update2\",\"params\":[\"m\",{\"T\":"
                            "{\"<0>\":{\"insert\":{\"name\":\"a\"}}}}]}");
    ovsdb_server_get_stats(f->server, &after);
    assert_int_equal(after.update_encodings, before.update_encodings + 1);

    /* A session that goes away takes its monitors with it. */
    test_client_close(c2);
    for (int i = 0; i < 200 && after.monitors != 1; i++) {
        ev_run(f->loop, EVRUN_NOWAIT);
        ev_sleep(0.005);
        ovsdb_server_get_stats(f->server, &after);
    }
    assert_int_equal(after.monitors, 1);
}

/* Commits made by other code than a client are monitored too; "select"
 * picks which kinds of change are sent. */
static void
test_select_and_direct_commit(void **state)
{
    struct fixture *f = *state;
    json_t *params = json_loads("[\"s\",{\"op\":\"insert\",\"table\":\"T\","
                                "\"row\":{\"name\":\"x\",\"n\":1}}]",
                                0, NULL);
    long long timeout;

    transact(f->client, insert_a);
    expect_call(f->client, "monitor_cond",
                "[\"s\",\"m\",{\"T\":[{\"columns\":[\"name\",\"n\"],"
                "\"select\":{\"initial\":false,\"insert\":true,"
                "\"delete\":true,\"modify\":false}}]}]",
                "{\"error\":null,\"result\":{}}");
    json_decref(ovsdb_execute(f->db, params, NULL, &timeout));
    json_decref(params);
    expect_notification(f->client,
                        "{\"method\":\"update2\",\"params\":[\"m\",{\"T\":"
                        "{\"<0>\":{\"insert\":{\"n\":1,\"name\":\"x\"}}}}]}");
    transact(f->client, "{\"op\":\"update\",\"table\":\"T\",\"where\":[],"
                        "\"row\":{\"n\":3}}");
    expect_no_notification(f->client);
    transact(f->client, "{\"op\":\"delete\",\"table\":\"T\","
                        "\"where\":[[\"name\",\"==\",\"x\"]]}");
    expect_notification(f->client,
                        "{\"method\":\"update2\",\"params\":[\"m\",{\"T\":"
                        "{\"<0>\":{\"delete\":null}}}]}");
}

/* The _Server database describes the served one and itself, as
 * ovsdb-server's does. */
static void
test_server_database(void **state)
{
    struct fixture *f = *state;
    json_t *reply, *rows, *row;
    const char *uuid;
    int seen = 0;

    expect_call(f->client, "set_db_change_aware", "[true]",
                "{\"error\":null,\"result\":{}}");
    reply = test_client_call(f->client, "monitor_cond",
                             "[\"_Server\",\"srv\",{\"Database\":[{"
                             "\"columns\":[\"name\",\"model\","
                             "\"connected\",\"leader\"]}]}]");
    rows = json_object_get(json_object_get(reply, "result"), "Database");
    assert_int_equal(json_object_size(rows), 2);
    json_object_foreach(rows, uuid, row) {
        json_t *initial = json_object_get(row, "initial");
        const char *name = json_string_value(json_object_get(initial, "name"));
        char *text;

        assert_non_null(name);
        seen |= !strcmp(name, "s") ? 1 : !strcmp(name, "_Server") ? 2 : 4;
        json_object_del(initial, "name");
        text = test_json_normalize(initial);
        assert_string_equal(text, "{\"connected\":true,\"leader\":true,"
                                  "\"model\":\"standalone\"}");
        free(text);
    }
    assert_int_equal(seen, 3);
    json_decref(reply);

    expect_call(f->client, "transact",
                "[\"_Server\",{\"op\":\"select\",\"table\":\"Database\","
                "\"where\":[[\"name\",\"==\",\"s\"]],\"columns\":[\"name\"]}]",
                "{\"error\":null,\"result\":[{\"rows\":[{\"name\":\"s\"}]}]}");
}

/* Runs the loop until the server has no session, failing after 2 s. */
static void
wait_no_sessions(struct fixture *f)
{
    struct ovsdb_server_stats st;

    for (int i = 0; i < 1000; i++) {
        ev_run(f->loop, EVRUN_NOWAIT);
        ovsdb_server_get_stats(f->server, &st);
        if (!st.sessions) {
            return;
        }
        ev_sleep(0.002);
    }
    fail_msg("%zu sessions still open", st.sessions);
}

/* ovsdb-server/disable-monitor-cond: open sessions are closed (with their
 * monitors), monitor_cond and monitor_cond_since become unknown methods,
 * and plain monitor keeps working, as with ovsdb-server. */
static void
test_disable_monitor_cond(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_server_stats st;

    expect_call(f->client, "monitor_cond",
                "[\"s\",\"m1\",{\"T\":[{\"columns\":[\"name\"]}]}]",
                "{\"error\":null,\"result\":{}}");
    ovsdb_server_disable_monitor_cond(f->server);
    wait_no_sessions(f);
    ovsdb_server_get_stats(f->server, &st);
    assert_int_equal(st.monitors, 0);
    test_client_close(f->client);

    f->client = test_client_connect(f->loop, f->path);
    expect_call(f->client, "monitor_cond",
                "[\"s\",\"m1\",{\"T\":[{\"columns\":[\"name\"]}]}]",
                "{\"error\":\"unknown method\"}");
    expect_call(f->client, "monitor_cond_since",
                "[\"s\",\"m1\",{\"T\":[{\"columns\":[\"name\"]}]},"
                "\"" ZERO_UUID "\"]",
                "{\"error\":\"unknown method\"}");
    expect_call(f->client, "monitor",
                "[\"s\",\"m1\",{\"T\":{\"columns\":[\"name\"]}}]",
                "{\"error\":null,\"result\":{}}");
    transact(f->client, insert_a);
    expect_notification(f->client,
                        "{\"method\":\"update\",\"params\":[\"m1\",{\"T\":"
                        "{\"<0>\":{\"new\":{\"name\":\"a\"}}}}]}");
    ovsdb_server_get_stats(f->server, &st);
    assert_int_equal(st.sessions, 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_monitor_v1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_monitor_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_monitor_cond, setup, teardown),
        cmocka_unit_test_setup_teardown(test_monitor_cond_change, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_monitor_cond_since, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shared_encoding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_select_and_direct_commit, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_server_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disable_monitor_cond, setup,
                                        teardown),
    };

    return cmocka_run_group_tests_name("vtepd/ovsdb/server-monitor", tests,
                                       NULL, NULL);
}
