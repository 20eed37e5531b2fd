/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/ovsdb/remotes: the status map, "db:" specs, and
 * the remotes that follow the rows of a hardware_vtep database. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/util.h"
#include "schema/vtep-schema.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/execution.h"
#include "vtepd/ovsdb/remotes.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/server.h"

/* The status map. */

static void
expect_status(const struct ovsdb_server_remote_status *status, ev_tstamp now,
              const char *expected)
{
    struct ovsdb_remotes_status_map map;
    json_t *json = json_array();
    char *text;

    /* Rendered as the column's RFC 7047 value, keys in map order. */
    ovsdb_remotes_status_map(status, now, &map);
    for (size_t i = 0; i < map.n; i++) {
        json_array_append_new(json,
                              json_pack("[ss]", map.keys[i], map.values[i]));
    }
    ovsdb_remotes_status_map_destroy(&map);
    json = json_pack("[so]", "map", json);
    text = json_dumps(json, JSON_COMPACT);

    assert_string_equal(text, expected);
    free(text);
    json_decref(json);
}

static void
test_status_active(void **state)
{
    struct ovsdb_server_remote_status st = {
        .rpc = { .state = JSONRPC_REMOTE_ACTIVE,
                 .n_sessions = 1,
                 .last_connected = 100.2 },
        .locks_held = "a b",
        .locks_waiting = "c",
    };

    expect_status(&st, 112.9,
                  "[\"map\",[[\"locks_held\",\"a b\"],"
                  "[\"locks_waiting\",\"c\"],"
                  "[\"sec_since_connect\",\"12\"],[\"state\",\"ACTIVE\"]]]");

    st.rpc.state = JSONRPC_REMOTE_IDLE;
    st.locks_held = st.locks_waiting = NULL;
    st.locks_lost = "d";
    expect_status(&st, 100.2,
                  "[\"map\",[[\"locks_lost\",\"d\"],"
                  "[\"sec_since_connect\",\"0\"],[\"state\",\"IDLE\"]]]");
}

static void
test_status_backoff(void **state)
{
    struct ovsdb_server_remote_status st = {
        .rpc = { .state = JSONRPC_REMOTE_BACKOFF },
    };

    /* Never connected: only the state, as ovsdb-server reports it. */
    expect_status(&st, 50, "[\"map\",[[\"state\",\"BACKOFF\"]]]");

    st.rpc.last_connected = 10;
    st.rpc.last_disconnected = 40;
    st.rpc.last_error = ECONNRESET;
    expect_status(&st, 50,
                  "[\"map\",[[\"last_error\",\"Connection reset by peer\"],"
                  "[\"sec_since_connect\",\"40\"],"
                  "[\"sec_since_disconnect\",\"10\"],"
                  "[\"state\",\"BACKOFF\"]]]");
}

static void
test_status_passive(void **state)
{
    struct ovsdb_server_remote_status st = {
        .rpc = { .state = JSONRPC_REMOTE_LISTENING,
                 .n_sessions = 1,
                 .bound_port = 6640 },
    };

    expect_status(&st, 50,
                  "[\"map\",[[\"bound_port\",\"6640\"],"
                  "[\"sec_since_connect\",\"0\"],"
                  "[\"sec_since_disconnect\",\"0\"]]]");
    st.rpc.n_sessions = 3;
    st.rpc.bound_port = 0;
    expect_status(&st, 50,
                  "[\"map\",[[\"n_connections\",\"3\"],"
                  "[\"sec_since_connect\",\"0\"],"
                  "[\"sec_since_disconnect\",\"0\"]]]");
}

/* Following a database. */

struct fixture {
    struct ev_loop *loop;
    struct ovsdb_db *db;
    struct ovsdb_server *server;
    struct ovsdb_remotes *remotes;
    char dir[64];
};

static int
setup(void **state)
{
    struct fixture *f = xzalloc(sizeof *f);
    json_t *json = json_loads(vtep_schema_text(), 0, NULL);
    struct ovsdb_schema *schema;

    assert_null(ovsdb_schema_from_json(json, &schema));
    json_decref(json);
    f->loop = ev_loop_new(EVFLAG_AUTO);
    f->db = ovsdb_db_create(schema);
    f->server = ovsdb_server_create(f->loop, f->db);
    f->remotes = ovsdb_remotes_create(f->loop, f->server, f->db);
    snprintf(f->dir, sizeof f->dir, "/tmp/test-remotes.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    char *cmd = xasprintf("rm -rf '%s'", f->dir);

    ovsdb_remotes_destroy(f->remotes);
    ovsdb_server_destroy(f->server);
    ovsdb_db_destroy(f->db);
    ev_loop_destroy(f->loop);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(f);
    return 0;
}

/* Runs the transaction 'ops' (a JSON array of operations, text) and
 * returns its result (new reference), asserting success. */
static json_t *
transact(struct fixture *f, const char *ops)
{
    json_t *params = json_loads(ops, 0, NULL);
    json_t *result;
    long long timeout;

    assert_non_null(params);
    json_array_insert_new(params, 0, json_string("hardware_vtep"));
    result = ovsdb_execute(f->db, params, NULL, &timeout);
    json_decref(params);
    assert_non_null(result);
    for (size_t i = 0; i < json_array_size(result); i++) {
        assert_null(json_object_get(json_array_get(result, i), "error"));
    }
    return result;
}

static void
transact_(struct fixture *f, const char *ops)
{
    json_decref(transact(f, ops));
}

/* "punix:DIR/NAME" of the fixture (malloc'd). */
static char *
punix(const struct fixture *f, const char *name)
{
    return xasprintf("punix:%s/%s", f->dir, name);
}

static bool
is_served(struct fixture *f, const char *remote)
{
    struct ovsdb_server_remote_status st;
    bool served = ovsdb_server_get_remote_status(f->server, remote, &st);

    ovsdb_server_remote_status_destroy(&st);
    return served;
}

/* Inserts the Global row with one Manager for 'target'. */
static void
insert_manager(struct fixture *f, const char *target, const char *extra)
{
    char *ops = xasprintf(
        "[{\"op\":\"insert\",\"table\":\"Manager\",\"uuid-name\":\"m\","
        "\"row\":{\"target\":\"%s\"%s}},"
        "{\"op\":\"insert\",\"table\":\"Global\",\"row\":"
        "{\"managers\":[\"named-uuid\",\"m\"]}}]",
        target, extra);

    transact_(f, ops);
    free(ops);
}

static void
test_bad_specs(void **state)
{
    static const struct {
        const char *spec;
        const char *error;
    } cases[] = {
        { "db:hardware_vtep,Global", "invalid syntax" },
        { "db:a,b,c,d", "invalid syntax" },
        { "db:Open_vSwitch,Global,managers", "no database named" },
        { "db:hardware_vtep,Nope,managers", "no table named Nope" },
        { "db:hardware_vtep,Global,nope", "has no column \"nope\"" },
        { "db:hardware_vtep,Global,other_config", "neither strings nor" },
        { "db:hardware_vtep,Physical_Port,vlan_bindings",
          "neither strings nor" },
        { "db:hardware_vtep,Global,switches",
          "has no string column \"target\"" },
    };
    struct fixture *f = *state;

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char *error;

        assert_int_equal(ovsdb_remotes_add(f->remotes, cases[i].spec, &error),
                         -EINVAL);
        if (!strstr(error, cases[i].error)) {
            fail_msg("%s: \"%s\" lacks \"%s\"", cases[i].spec, error,
                     cases[i].error);
        }
        free(error);
    }
}

static void
test_follows_manager_rows(void **state)
{
    struct fixture *f = *state;
    char *a = punix(f, "a"), *b = punix(f, "b");
    char *ops, *error;

    insert_manager(f, a, "");
    assert_int_equal(ovsdb_remotes_add(f->remotes,
                                       "db:hardware_vtep,Global,managers",
                                       &error),
                     0);
    assert_null(error);
    assert_true(is_served(f, a));

    /* A second Manager is served once the change is applied. */
    ops = xasprintf(
        "[{\"op\":\"insert\",\"table\":\"Manager\",\"uuid-name\":\"m\","
        "\"row\":{\"target\":\"%s\",\"inactivity_probe\":0}},"
        "{\"op\":\"mutate\",\"table\":\"Global\",\"where\":[],"
        "\"mutations\":[[\"managers\",\"insert\",[\"named-uuid\",\"m\"]]]}]",
        b);
    transact_(f, ops);
    free(ops);
    assert_false(is_served(f, b));
    ovsdb_remotes_run(f->remotes);
    assert_true(is_served(f, b));

    /* Changing a target moves the remote. */
    ops = xasprintf("[{\"op\":\"update\",\"table\":\"Manager\",\"where\":"
                    "[[\"target\",\"==\",\"%s\"]],\"row\":{\"target\":"
                    "\"%sc\"}}]",
                    a, a);
    transact_(f, ops);
    free(ops);
    ovsdb_remotes_run(f->remotes);
    assert_false(is_served(f, a));
    ops = xasprintf("%sc", a);
    assert_true(is_served(f, ops));
    free(ops);

    /* Deleting the Managers stops serving them. */
    transact_(f, "[{\"op\":\"update\",\"table\":\"Global\",\"where\":[],"
                 "\"row\":{\"managers\":[\"set\",[]]}}]");
    ovsdb_remotes_run(f->remotes);
    assert_false(is_served(f, b));
    assert_int_equal(access(b + strlen("punix:"), F_OK), -1);
    free(a);
    free(b);
}

static void
test_writes_status(void **state)
{
    struct fixture *f = *state;
    json_t *result, *rows;
    char *text, *error;

    insert_manager(f, "ptcp:0:127.0.0.1", ",\"max_backoff\":2000");
    assert_int_equal(ovsdb_remotes_add(f->remotes,
                                       "db:hardware_vtep,Global,managers",
                                       &error),
                     0);
    ovsdb_remotes_run(f->remotes);
    result = transact(f, "[{\"op\":\"select\",\"table\":\"Manager\","
                         "\"where\":[],\"columns\":[\"status\","
                         "\"is_connected\"]}]");
    rows = json_object_get(json_array_get(result, 0), "rows");
    text = json_dumps(json_array_get(rows, 0), JSON_COMPACT | JSON_SORT_KEYS);
    assert_non_null(strstr(text, "\"is_connected\":false"));
    assert_non_null(strstr(text, "[\"bound_port\",\""));
    assert_non_null(strstr(text, "[\"sec_since_connect\",\"0\"]"));
    free(text);
    json_decref(result);
}

/* A remote that cannot be added yet is retried. */
static void
test_retries_failed_remote(void **state)
{
    struct fixture *f = *state;
    char *dir = xasprintf("%s/later", f->dir);
    char *target = xasprintf("punix:%s/sock", dir);
    char *error;

    insert_manager(f, target, "");
    assert_int_equal(ovsdb_remotes_add(f->remotes,
                                       "db:hardware_vtep,Global,managers",
                                       &error),
                     0);
    assert_false(is_served(f, target));
    ovsdb_remotes_run(f->remotes);
    assert_false(is_served(f, target));
    assert_int_equal(mkdir(dir, 0700), 0);
    ovsdb_remotes_run(f->remotes);
    assert_true(is_served(f, target));
    free(target);
    free(dir);
}

/* A column of strings names remotes directly. */
static void
test_string_column(void **state)
{
    struct fixture *f = *state;
    char *a = punix(f, "s");
    char *ops, *error;

    ops = xasprintf("[{\"op\":\"insert\",\"table\":\"Logical_Switch\","
                    "\"row\":{\"name\":\"ls\",\"description\":\"%s\"}}]",
                    a);
    transact_(f, ops);
    free(ops);
    assert_int_equal(
        ovsdb_remotes_add(
            f->remotes, "db:hardware_vtep,Logical_Switch,description", &error),
        0);
    assert_true(is_served(f, a));
    transact_(f, "[{\"op\":\"delete\",\"table\":\"Logical_Switch\","
                 "\"where\":[]}]");
    ovsdb_remotes_run(f->remotes);
    assert_false(is_served(f, a));
    free(a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_active),
        cmocka_unit_test(test_status_backoff),
        cmocka_unit_test(test_status_passive),
        cmocka_unit_test_setup_teardown(test_bad_specs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_follows_manager_rows, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_writes_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retries_failed_remote, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_string_column, setup, teardown),
    };

    return cmocka_run_group_tests_name("vtepd/ovsdb/remotes", tests, NULL,
                                       NULL);
}
