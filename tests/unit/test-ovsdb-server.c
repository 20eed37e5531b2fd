/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/ovsdb/server: RFC 7047's methods answered in
 * process, over a punix: remote on a libev loop, by a raw JSON-RPC client.
 * Expected replies and error words are ovsdb-server 3.1's (recorded from
 * it with the same requests).  Monitors are in test-ovsdb-server-monitor. */
#include <errno.h>
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
#include "vtepd/ovsdb/store.h"

static const char schema_text[] =
    "{\"name\":\"s\",\"version\":\"1.0.0\",\"tables\":{\"T\":{"
    "\"isRoot\":true,\"columns\":{"
    "\"name\":{\"type\":\"string\"},"
    "\"n\":{\"type\":\"integer\"}}}}}";

struct fixture {
    char dir[64];
    char *path;   /* Of the punix: socket. */
    char *remote; /* "punix:" + path. */
    struct ev_loop *loop;
    struct ovsdb_db *db;
    struct ovsdb_schema *schema; /* Owned by 'db'. */
    struct ovsdb_server *server;
    struct test_client *client;
};

static int
setup(void **state)
{
    struct fixture *f = xzalloc(sizeof *f);
    json_t *json = json_loads(schema_text, 0, NULL);

    assert_null(ovsdb_schema_from_json(json, &f->schema));
    json_decref(json);
    snprintf(f->dir, sizeof f->dir, "/tmp/test-ovsdb-server.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->path = xasprintf("%s/db.sock", f->dir);
    f->remote = xasprintf("punix:%s", f->path);
    f->loop = ev_loop_new(EVFLAG_AUTO);
    f->db = ovsdb_db_create(f->schema);
    f->server = ovsdb_server_create(f->loop, f->db);
    assert_int_equal(ovsdb_server_add_remote(f->server, f->remote), 0);
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
    ovsdb_server_destroy(NULL);
    ovsdb_db_destroy(f->db);
    ev_loop_destroy(f->loop);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(f->remote);
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

/* Calls 'method' on 'c' and checks the reply, without its id. */
static void
expect_call(struct test_client *c, const char *method, const char *params,
            const char *expected)
{
    expect_msg(test_client_call(c, method, params), expected);
}

/* Runs 'ops' on the database directly, as other code in the daemon does. */
static void
commit_directly(struct fixture *f, const char *ops)
{
    char *text = xasprintf("[\"s\",%s]", ops);
    json_t *params = json_loads(text, 0, NULL), *result;
    long long timeout;

    result = ovsdb_execute(f->db, params, NULL, &timeout);
    assert_non_null(result);
    assert_null(json_object_get(json_array_get(result, 0), "error"));
    json_decref(result);
    json_decref(params);
    free(text);
}

static void
test_list_dbs(void **state)
{
    struct fixture *f = *state;

    expect_call(f->client, "list_dbs", "[]",
                "{\"error\":null,\"result\":[\"s\",\"_Server\"]}");
}

static void
test_get_schema(void **state)
{
    struct fixture *f = *state;
    json_t *reply = test_client_call(f->client, "get_schema", "[\"s\"]");
    json_t *expected = ovsdb_schema_to_json(f->schema);
    json_t *server;

    assert_true(json_equal(json_object_get(reply, "result"), expected));
    assert_true(json_is_null(json_object_get(reply, "error")));
    json_decref(expected);
    json_decref(reply);

    reply = test_client_call(f->client, "get_schema", "[\"_Server\"]");
    server = json_object_get(reply, "result");
    assert_string_equal(json_string_value(json_object_get(server, "name")),
                        "_Server");
    assert_non_null(
        json_object_get(json_object_get(server, "tables"), "Database"));
    json_decref(reply);

    expect_call(f->client, "get_schema", "[\"nope\"]",
                "{\"error\":{\"details\":\"get_schema request specifies "
                "unknown database nope\",\"error\":\"unknown database\","
                "\"syntax\":\"[\\\"nope\\\"]\"}}");
    expect_call(f->client, "get_schema", "[]",
                "{\"error\":{\"details\":\"get_schema request params must "
                "begin with <db-name>\",\"error\":\"syntax error\","
                "\"syntax\":\"[]\"}}");
}

static void
test_transact(void **state)
{
    struct fixture *f = *state;

    expect_call(f->client, "transact",
                "[\"s\",{\"op\":\"insert\",\"table\":\"T\","
                "\"row\":{\"name\":\"a\",\"n\":2}}]",
                "{\"error\":null,\"result\":[{\"uuid\":[\"uuid\",\"<0>\"]}]}");
    expect_call(f->client, "transact",
                "[\"s\",{\"op\":\"select\",\"table\":\"T\",\"where\":[],"
                "\"columns\":[\"name\",\"n\"]}]",
                "{\"error\":null,\"result\":[{\"rows\":[{\"n\":2,"
                "\"name\":\"a\"}]}]}");

    /* A failing operation: its error in place, nothing committed. */
    expect_call(f->client, "transact",
                "[\"s\",{\"op\":\"insert\",\"table\":\"T\","
                "\"row\":{\"name\":\"b\"}},"
                "{\"op\":\"insert\",\"table\":\"T\",\"row\":{\"zz\":1}}]",
                "{\"error\":null,\"result\":[{\"uuid\":[\"uuid\",\"<0>\"]},"
                "{\"details\":\"No column zz in table T.\","
                "\"error\":\"unknown column\",\"syntax\":"
                "\"{\\\"zz\\\":1}\"}]}");
    expect_call(f->client, "transact",
                "[\"s\",{\"op\":\"select\",\"table\":\"T\",\"where\":[],"
                "\"columns\":[\"name\"]}]",
                "{\"error\":null,\"result\":[{\"rows\":[{\"name\":\"a\"}]}]}");

    expect_call(f->client, "transact", "[\"nope\"]",
                "{\"error\":{\"details\":\"transact request specifies "
                "unknown database nope\",\"error\":\"unknown database\","
                "\"syntax\":\"[\\\"nope\\\"]\"}}");
    expect_call(f->client, "transact", "[]",
                "{\"error\":{\"details\":\"transact request params must "
                "begin with <db-name>\",\"error\":\"syntax error\","
                "\"syntax\":\"[]\"}}");
}

static void
test_echo_and_unknown_method(void **state)
{
    struct fixture *f = *state;

    expect_call(f->client, "echo", "[\"a\",1]",
                "{\"error\":null,\"result\":[\"a\",1]}");
    expect_call(f->client, "frobnicate", "[]",
                "{\"error\":\"unknown method\"}");
}

/* The server id is one UUID, the same for every session. */
static void
test_server_id(void **state)
{
    struct fixture *f = *state;
    struct test_client *other = test_client_connect(f->loop, f->path);
    json_t *a = test_client_call(f->client, "get_server_id", "[]");
    json_t *b = test_client_call(other, "get_server_id", "[]");
    struct uuid uuid;

    assert_true(uuid_from_string(
        &uuid, json_string_value(json_object_get(a, "result"))));
    assert_true(json_equal(json_object_get(a, "result"),
                           json_object_get(b, "result")));
    json_decref(a);
    json_decref(b);
    test_client_close(other);
}

/* lock, unlock and steal between two sessions, with the notifications
 * RFC 7047 section 4.1.8 describes, and "assert" in a transaction. */
static void
test_locks(void **state)
{
    struct fixture *f = *state;
    struct test_client *b = test_client_connect(f->loop, f->path);
    const char *assert_ops = "[\"s\",{\"op\":\"assert\",\"lock\":\"L\"}]";
    const char *not_owner = "{\"error\":null,\"result\":[{\"details\":"
                            "\"Asserted lock L not held.\",\"error\":"
                            "\"not owner\"}]}";

    expect_call(f->client, "lock", "[\"L\"]",
                "{\"error\":null,\"result\":{\"locked\":true}}");
    expect_call(b, "lock", "[\"L\"]",
                "{\"error\":null,\"result\":{\"locked\":false}}");
    expect_call(f->client, "lock", "[\"L\"]",
                "{\"error\":{\"details\":\"must issue \\\"unlock\\\" before "
                "new \\\"lock\\\"\",\"error\":\"syntax error\","
                "\"syntax\":\"[\\\"L\\\"]\"}}");
    expect_call(f->client, "transact", assert_ops,
                "{\"error\":null,\"result\":[{}]}");
    expect_call(b, "transact", assert_ops, not_owner);

    /* Unlocking hands the lock to the waiter. */
    expect_call(f->client, "unlock", "[\"L\"]",
                "{\"error\":null,\"result\":{}}");
    expect_msg(test_client_notification(b, 2000),
               "{\"method\":\"locked\",\"params\":[\"L\"]}");
    expect_call(b, "transact", assert_ops, "{\"error\":null,\"result\":[{}]}");

    /* Stealing takes it back; the owner is told. */
    expect_call(f->client, "steal", "[\"L\"]",
                "{\"error\":null,\"result\":{\"locked\":true}}");
    expect_msg(test_client_notification(b, 2000),
               "{\"method\":\"stolen\",\"params\":[\"L\"]}");
    expect_call(b, "transact", assert_ops, not_owner);

    expect_call(f->client, "unlock", "[\"nolock\"]",
                "{\"error\":{\"details\":\"unlock: \\\"unlock\\\" without "
                "\\\"lock\\\" or \\\"steal\\\"\",\"error\":\"syntax error\","
                "\"syntax\":\"[\\\"nolock\\\"]\"}}");
    test_client_close(b);
}

/* A session that goes away gives up its locks to the next in line. */
static void
test_lock_released_on_disconnect(void **state)
{
    struct fixture *f = *state;
    struct test_client *a = test_client_connect(f->loop, f->path);
    struct ovsdb_server_stats stats;

    expect_call(a, "lock", "[\"L\"]",
                "{\"error\":null,\"result\":{\"locked\":true}}");
    expect_call(f->client, "lock", "[\"L\"]",
                "{\"error\":null,\"result\":{\"locked\":false}}");
    ovsdb_server_get_stats(f->server, &stats);
    assert_int_equal(stats.locks, 1);
    test_client_close(a);
    expect_msg(test_client_notification(f->client, 2000),
               "{\"method\":\"locked\",\"params\":[\"L\"]}");
}

static const char wait_ops[] =
    "[\"s\",{\"op\":\"wait\",\"table\":\"T\","
    "\"where\":[[\"name\",\"==\",\"go\"]],"
    "\"columns\":[\"name\"],\"until\":\"==\",\"rows\":[{\"name\":\"go\"}]%s},"
    "{\"op\":\"insert\",\"table\":\"T\",\"row\":{\"name\":\"after\"}}]";

/* A "wait" that cannot succeed yet holds the transaction until a commit
 * satisfies it, by this session or any other code. */
static void
test_wait_until_commit(void **state)
{
    struct fixture *f = *state;
    char *params = xasprintf(wait_ops, "");
    struct ovsdb_server_stats stats;
    json_t *reply;

    test_client_send(f->client, "transact", params, 1);
    assert_null(test_client_reply(f->client, 1, 100));
    ovsdb_server_get_stats(f->server, &stats);
    assert_int_equal(stats.triggers, 1);

    commit_directly(f, "{\"op\":\"insert\",\"table\":\"T\","
                       "\"row\":{\"name\":\"other\"}}");
    assert_null(test_client_reply(f->client, 1, 50));
    commit_directly(f, "{\"op\":\"insert\",\"table\":\"T\","
                       "\"row\":{\"name\":\"go\"}}");
    reply = test_client_reply(f->client, 1, 2000);
    expect_msg(reply, "{\"error\":null,\"result\":[{},{\"uuid\":[\"uuid\","
                      "\"<0>\"]}]}");
    ovsdb_server_get_stats(f->server, &stats);
    assert_int_equal(stats.triggers, 0);
    assert_int_equal(stats.rows, 3);
    free(params);
}

/* A waiting transaction ends with "timed out" after its timeout, or on
 * a "cancel" notification, and changes nothing. */
static void
test_wait_timeout_and_cancel(void **state)
{
    struct fixture *f = *state;
    char *params = xasprintf(wait_ops, ",\"timeout\":50");
    struct ovsdb_server_stats stats;
    json_t *reply, *result;

    test_client_send(f->client, "transact", params, 1);
    reply = test_client_reply(f->client, 1, 2000);
    assert_non_null(reply);
    result = json_object_get(reply, "result");
    assert_int_equal(json_array_size(result), 2);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(result, 0), "error")),
        "timed out");
    assert_true(json_is_null(json_array_get(result, 1)));
    json_decref(reply);
    free(params);

    params = xasprintf(wait_ops, "");
    test_client_send(f->client, "transact", params, 2);
    assert_null(test_client_reply(f->client, 2, 50));
    ovsdb_server_get_stats(f->server, &stats);
    assert_int_equal(stats.triggers, 1);
    test_client_send_raw(f->client, "{\"method\":\"cancel\",\"params\":[2],"
                                    "\"id\":null}");
    /* Like ovsdb-server 3.1, no reply; the transaction is gone, so a
     * commit that would satisfy it runs nothing. */
    json_decref(test_client_call(f->client, "echo", "[]"));
    ovsdb_server_get_stats(f->server, &stats);
    assert_int_equal(stats.triggers, 0);
    commit_directly(f, "{\"op\":\"insert\",\"table\":\"T\","
                       "\"row\":{\"name\":\"go\"}}");
    assert_null(test_client_reply(f->client, 2, 100));
    ovsdb_server_get_stats(f->server, &stats);
    assert_int_equal(stats.rows, 1);
    free(params);
}

static void
test_remotes(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_server_remote_status st;
    const char *ptcp = "ptcp:0:127.0.0.1";
    uint16_t port;

    assert_int_equal(ovsdb_server_add_remote(f->server, ptcp), 0);
    port = ovsdb_server_get_port(f->server, ptcp);
    assert_int_not_equal(port, 0);
    assert_int_equal(ovsdb_server_get_port(f->server, f->remote), 0);
    assert_true(ovsdb_server_get_remote_status(f->server, ptcp, &st));
    assert_int_equal(st.rpc.state, JSONRPC_REMOTE_LISTENING);
    assert_int_equal(st.rpc.bound_port, port);
    ovsdb_server_remote_status_destroy(&st);

    assert_int_equal(ovsdb_server_remove_remote(f->server, ptcp), 0);
    assert_int_equal(ovsdb_server_remove_remote(f->server, ptcp), -ENOENT);
    assert_false(ovsdb_server_get_remote_status(f->server, ptcp, &st));
    ovsdb_server_remote_status_destroy(&st);
    assert_int_equal(ovsdb_server_set_remote_options(f->server, ptcp, NULL),
                     -ENOENT);

    /* Removing the punix: remote closes its sessions. */
    expect_call(f->client, "echo", "[]", "{\"error\":null,\"result\":[]}");
    assert_int_equal(ovsdb_server_remove_remote(f->server, f->remote), 0);
    for (int i = 0; i < 100; i++) {
        struct ovsdb_server_stats stats;

        ovsdb_server_get_stats(f->server, &stats);
        if (!stats.sessions) {
            return;
        }
        ev_run(f->loop, EVRUN_NOWAIT);
        ev_sleep(0.01);
    }
    fail_msg("the session outlived its remote");
}

static void
test_stats(void **state)
{
    struct fixture *f = *state;
    struct test_client *other = test_client_connect(f->loop, f->path);
    struct ovsdb_server_stats stats;

    expect_call(f->client, "echo", "[]", "{\"error\":null,\"result\":[]}");
    expect_call(other, "echo", "[]", "{\"error\":null,\"result\":[]}");
    commit_directly(f, "{\"op\":\"insert\",\"table\":\"T\",\"row\":{}},"
                       "{\"op\":\"insert\",\"table\":\"T\",\"row\":{}}");
    ovsdb_server_get_stats(f->server, &stats);
    assert_int_equal(stats.sessions, 2);
    assert_int_equal(stats.rows, 2);
    assert_int_equal(stats.monitors, 0);
    assert_int_equal(stats.triggers, 0);
    assert_int_equal(stats.locks, 0);
    test_client_close(other);
}

/* With a store, a durable transaction is answered once its record is
 * synced; the others at once. */
static void
test_durable(void **state)
{
    struct fixture *f = *state;
    struct ovsdb_store_options opts = { .loop = f->loop,
                                        .create_schema = schema_text };
    struct ovsdb_store_stats st;
    struct ovsdb_store *store;
    struct ovsdb_server *server;
    struct test_client *c;
    char *path = xasprintf("%s/s.db", f->dir);
    char *sock = xasprintf("%s/durable.sock", f->dir);
    char *remote = xasprintf("punix:%s", sock);

    assert_null(ovsdb_store_open(path, &opts, &store));
    server = ovsdb_server_create(f->loop, ovsdb_store_get_db(store));
    ovsdb_server_set_store(server, store);
    assert_int_equal(ovsdb_server_add_remote(server, remote), 0);
    c = test_client_connect(f->loop, sock);

    expect_call(c, "transact",
                "[\"s\",{\"op\":\"insert\",\"table\":\"T\",\"row\":{}}]",
                "{\"error\":null,\"result\":[{\"uuid\":[\"uuid\",\"<0>\"]}]}");
    ovsdb_store_get_stats(store, &st);
    assert_int_equal(st.n_syncs, 0);

    expect_call(c, "transact",
                "[\"s\",{\"op\":\"insert\",\"table\":\"T\",\"row\":{}},"
                "{\"op\":\"commit\",\"durable\":true}]",
                "{\"error\":null,\"result\":[{\"uuid\":[\"uuid\",\"<0>\"]},"
                "{}]}");
    ovsdb_store_get_stats(store, &st);
    assert_int_equal(st.n_syncs, 1);
    assert_int_equal(st.durable_seq, st.commit_seq);

    test_client_close(c);
    ovsdb_server_destroy(server);
    ovsdb_store_destroy(store);
    free(remote);
    free(sock);
    free(path);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_list_dbs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_echo_and_unknown_method, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_server_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_locks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock_released_on_disconnect,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_wait_until_commit, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_wait_timeout_and_cancel, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_remotes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_durable, setup, teardown),
    };

    return cmocka_run_group_tests_name("vtepd/ovsdb/server", tests, NULL,
                                       NULL);
}
