/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the per-remote status, options and change callback of
 * vtepd/ovsdb/jsonrpc's server: one server dials its own listener over
 * loopback, so both ends of a connection are observable. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/util.h"
#include "vtepd/jsonrpc/jsonrpc-server.h"

struct fixture {
    struct ev_loop *loop;
    struct jsonrpc_server *server;
    int n_changes;
    char last_change[64];
};

static void
change_cb(const char *name, void *f_)
{
    struct fixture *f = f_;

    f->n_changes++;
    snprintf(f->last_change, sizeof f->last_change, "%s", name);
}

static int
setup(void **state)
{
    struct fixture *f = xzalloc(sizeof *f);

    f->loop = ev_loop_new(EVFLAG_AUTO);
    f->server = jsonrpc_server_create(f->loop, NULL);
    jsonrpc_server_set_remote_change_cb(f->server, change_cb, f);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    jsonrpc_server_destroy(f->server);
    ev_loop_destroy(f->loop);
    free(f);
    return 0;
}

/* Runs the loop until 'remote' is in 'state' (at most ~2 s). */
static void
run_until_state(struct fixture *f, const char *remote,
                enum jsonrpc_remote_state state)
{
    struct jsonrpc_remote_status st;

    for (int i = 0; i < 200; i++) {
        assert_true(jsonrpc_server_get_remote_status(f->server, remote, &st));
        if (st.state == state) {
            return;
        }
        ev_run(f->loop, EVRUN_ONCE | EVRUN_NOWAIT);
        ev_sleep(0.01);
    }
    fail_msg("%s: state %s, expected %s", remote,
             jsonrpc_remote_state_to_string(st.state),
             jsonrpc_remote_state_to_string(state));
}

/* Runs the loop until the listener 'remote' has 'n' sessions. */
static void
run_until_sessions(struct fixture *f, const char *remote, size_t n)
{
    struct jsonrpc_remote_status st;

    for (int i = 0; i < 200; i++) {
        assert_true(jsonrpc_server_get_remote_status(f->server, remote, &st));
        if (st.n_sessions == n) {
            return;
        }
        ev_run(f->loop, EVRUN_ONCE | EVRUN_NOWAIT);
        ev_sleep(0.01);
    }
    fail_msg("%s: %zu sessions, expected %zu", remote, st.n_sessions, n);
}

static void
test_unknown_remote(void **state)
{
    struct fixture *f = *state;
    struct jsonrpc_remote_status st;

    assert_false(jsonrpc_server_get_remote_status(f->server, "ptcp:1", &st));
    assert_null(jsonrpc_server_get_remote_session(f->server, "ptcp:1"));
    assert_int_equal(
        jsonrpc_server_set_remote_options(f->server, "ptcp:1", NULL), -ENOENT);
}

static void
test_connect_and_disconnect(void **state)
{
    struct fixture *f = *state;
    const char *listener = "ptcp:0:127.0.0.1";
    struct jsonrpc_remote_status st;
    char active[64];

    assert_int_equal(jsonrpc_server_add_remote(f->server, listener, NULL), 0);
    assert_true(jsonrpc_server_get_remote_status(f->server, listener, &st));
    assert_int_equal(st.state, JSONRPC_REMOTE_LISTENING);
    assert_int_equal(st.n_sessions, 0);
    assert_int_not_equal(st.bound_port, 0);
    assert_string_equal(jsonrpc_remote_state_to_string(st.state), "LISTENING");

    snprintf(active, sizeof active, "tcp:127.0.0.1:%u", st.bound_port);
    assert_int_equal(jsonrpc_server_add_remote(f->server, active, NULL), 0);
    assert_true(jsonrpc_server_get_remote_status(f->server, active, &st));
    assert_int_equal(st.last_connected, 0);

    /* Connected: both ends report it, and the callback ran for each. */
    run_until_state(f, active, JSONRPC_REMOTE_ACTIVE);
    run_until_sessions(f, listener, 1);
    assert_true(jsonrpc_server_get_remote_status(f->server, active, &st));
    assert_true(st.last_connected > 0);
    assert_int_equal(st.last_disconnected, 0);
    assert_int_equal(st.n_sessions, 1);
    assert_int_equal(st.bound_port, 0);
    assert_non_null(jsonrpc_server_get_remote_session(f->server, active));
    assert_null(jsonrpc_server_get_remote_session(f->server, listener));
    assert_true(f->n_changes >= 2);

    /* Options change without dropping the session. */
    assert_int_equal(jsonrpc_server_set_remote_options(
                         f->server, active,
                         &(struct jsonrpc_options){ .probe_ms = -1,
                                                    .max_backoff_ms = 2000 }),
                     0);
    assert_non_null(jsonrpc_server_get_remote_session(f->server, active));

    /* The listener goes: the active remote backs off. */
    f->n_changes = 0;
    assert_int_equal(jsonrpc_server_remove_remote(f->server, listener), 0);
    run_until_state(f, active, JSONRPC_REMOTE_BACKOFF);
    assert_true(jsonrpc_server_get_remote_status(f->server, active, &st));
    assert_true(st.last_disconnected >= st.last_connected);
    assert_int_equal(st.n_sessions, 0);
    assert_int_equal(st.last_error, 0); /* The peer just closed. */
    assert_null(jsonrpc_server_get_remote_session(f->server, active));
    assert_true(f->n_changes >= 1);
    assert_string_equal(f->last_change, active);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_unknown_remote, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connect_and_disconnect, setup,
                                        teardown),
    };

    return cmocka_run_group_tests_name("vtepd/jsonrpc/remotes", tests, NULL,
                                       NULL);
}
