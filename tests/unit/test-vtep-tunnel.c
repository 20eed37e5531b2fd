/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/vtep/vtep-tunnel.c: the Tunnel rows the switch
 * keeps for the remote locators in use, against an in-memory hardware_vtep
 * database and the mock HAL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>

#include "lib/bfd.h"
#include "lib/util.h"
#include "lib/ds.h"
#include "tests/unit/vtep-fixture.h"
#include "vtepd/vtep/vtep.h"

/* A fixture with the logical switch ls0 (VNI 5000). */
static int
setup(void **state)
{
    vfx_cmocka_setup(state);
    vfx_add_ls(*state, "ls0", 5000);
    vfx_run(*state);
    return 0;
}

static void
add_umr(struct vfx *f, const char *mac, const char *ip)
{
    char *ops = xstrdup(""), *loc = vfx_locator(f, ip, "l", &ops);
    char *ls = vfx_ls_uuid(f, "ls0");

    vfx_transact(f,
                 "[%s{\"op\": \"insert\", \"table\": "
                 "\"Ucast_Macs_Remote\", \"row\": {\"MAC\": \"%s\", "
                 "\"logical_switch\": %s, \"locator\": %s}}]",
                 ops, mac, ls, loc);
    free(ops);
    free(loc);
    free(ls);
}

/* An unknown-dst Mcast_Macs_Remote row flooding to 'ip1' and 'ip2'. */
static void
add_flood(struct vfx *f, const char *ip1, const char *ip2)
{
    char *ops = xstrdup("");
    char *l1 = vfx_locator(f, ip1, "l1", &ops),
         *l2 = vfx_locator(f, ip2, "l2", &ops);
    char *ls = vfx_ls_uuid(f, "ls0");

    vfx_transact(
        f,
        "[%s{\"op\": \"insert\", \"table\": \"Physical_Locator_Set\", "
        "\"uuid-name\": \"s\", \"row\": {\"locators\": [\"set\", "
        "[%s, %s]]}}, {\"op\": \"insert\", \"table\": "
        "\"Mcast_Macs_Remote\", \"row\": {\"MAC\": \"unknown-dst\", "
        "\"logical_switch\": %s, \"locator_set\": "
        "[\"named-uuid\", \"s\"]}}]",
        ops, l1, l2, ls);
    free(ops);
    free(l1);
    free(l2);
    free(ls);
}

static int
compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Returns "local>remote" of every Tunnel row of the switch by dst_ip,
 * sorted and joined by spaces (caller frees). */
static char *
tunnels(struct vfx *f)
{
    json_t *r = vfx_transact_result(
        f, "[{\"op\": \"select\", \"table\": \"Physical_Switch\", "
           "\"where\": [], \"columns\": [\"tunnels\"]}, "
           "{\"op\": \"select\", \"table\": \"Tunnel\", \"where\": [], "
           "\"columns\": [\"_uuid\", \"local\", \"remote\"]}, "
           "{\"op\": \"select\", \"table\": \"Physical_Locator\", "
           "\"where\": [], \"columns\": [\"_uuid\", \"dst_ip\"]}]");
    json_t *ps = json_object_get(json_array_get(r, 0), "rows");
    json_t *tuns = json_object_get(json_array_get(r, 1), "rows");
    json_t *locs = json_object_get(json_array_get(r, 2), "rows");
    char *ps_set = json_dumps(
        json_object_get(json_array_get(ps, 0), "tunnels"), JSON_COMPACT);
    char *names[16] = { NULL }, *out;
    size_t n = 0, i, j, k;

    /* Every Tunnel row must be one of the switch's. */
    assert_int_equal(
        json_array_size(tuns),
        str_starts_with(ps_set, "[\"set\"") ? json_array_size(json_array_get(
            json_object_get(json_array_get(ps, 0), "tunnels"), 1))
                                            : 1);
    for (i = 0; i < json_array_size(tuns); i++) {
        json_t *t = json_array_get(tuns, i);
        const char *ends[2] = { "?", "?" };
        const char *cols[2] = { "local", "remote" };

        for (k = 0; k < 2; k++) {
            const char *u = json_string_value(
                json_array_get(json_object_get(t, cols[k]), 1));

            for (j = 0; j < json_array_size(locs); j++) {
                json_t *l = json_array_get(locs, j);

                if (!strcmp(u, json_string_value(json_array_get(
                                   json_object_get(l, "_uuid"), 1)))) {
                    ends[k] = json_string_value(json_object_get(l, "dst_ip"));
                }
            }
        }
        assert_true(n < 16);
        names[n++] = xasprintf("%s>%s", ends[0], ends[1]);
    }
    qsort(names, n, sizeof *names, compare_strings);
    out = xstrdup("");
    for (i = 0; i < n; i++) {
        char *next = xasprintf("%s%s%s", out, i ? " " : "", names[i]);

        free(out);
        free(names[i]);
        out = next;
    }
    free(ps_set);
    json_decref(r);
    return out;
}

static void
assert_tunnels(struct vfx *f, const char *expected)
{
    char *actual;

    vfx_run(f);
    actual = tunnels(f);
    assert_string_equal(actual, expected);
    free(actual);
}

/* A row per remote in use, by unicast MACs or flood sets; none for our
 * own address; the row goes with the last use. */
static void
test_rows_follow_use(void **state)
{
    struct vfx *f = *state;

    assert_tunnels(f, "");
    add_umr(f, "00:00:00:00:00:02", "10.0.0.2");
    assert_tunnels(f, "10.0.0.1>10.0.0.2");
    add_umr(f, "00:00:00:00:00:22", "10.0.0.2");
    assert_tunnels(f, "10.0.0.1>10.0.0.2");
    add_flood(f, "10.0.0.2", "10.0.0.3");
    assert_tunnels(f, "10.0.0.1>10.0.0.2 10.0.0.1>10.0.0.3");

    vfx_del_umr(f, "00:00:00:00:00:02");
    vfx_del_umr(f, "00:00:00:00:00:22");
    assert_tunnels(f, "10.0.0.1>10.0.0.2 10.0.0.1>10.0.0.3");
    vfx_transact(f, "[{\"op\": \"delete\", \"table\": \"Mcast_Macs_Remote\", "
                    "\"where\": []}]");
    assert_tunnels(f, "");
    assert_int_equal(vfx_count(f, "Tunnel"), 0);
}

/* A Tunnel row a controller made is adopted, with what it wrote. */
static void
test_adopts_controller_row(void **state)
{
    struct vfx *f = *state;
    char *ops = xstrdup(""), *loc = vfx_locator(f, "10.0.0.4", "l", &ops);
    char *before, *after;

    vfx_transact(f,
                 "[%s{\"op\": \"insert\", \"table\": \"Tunnel\", "
                 "\"uuid-name\": \"t\", \"row\": {\"local\": %s, "
                 "\"remote\": %s, \"bfd_params\": [\"map\", [[\"enable\", "
                 "\"true\"]]]}}, {\"op\": \"mutate\", \"table\": "
                 "\"Physical_Switch\", \"where\": [], \"mutations\": "
                 "[[\"tunnels\", \"insert\", [\"set\", [[\"named-uuid\", "
                 "\"t\"]]]]]}]",
                 ops, loc, loc);
    free(ops);
    free(loc);
    vfx_run(f);
    before = vfx_query(f, "Tunnel", "_uuid", "[]");
    /* Not yet in use: the controller's row stays. */
    assert_int_equal(vfx_count(f, "Tunnel"), 1);

    add_umr(f, "00:00:00:00:00:04", "10.0.0.4");
    vfx_run(f);
    after = vfx_query(f, "Tunnel", "_uuid", "[]");
    assert_string_equal(before, after);
    vfx_assert_query(f, "Tunnel", "bfd_params", "[]",
                     "[\"map\",[[\"enable\",\"true\"]]]");

    vfx_del_umr(f, "00:00:00:00:00:04");
    vfx_run(f);
    assert_int_equal(vfx_count(f, "Tunnel"), 0);
    free(before);
    free(after);
}

/* Restarting the reconciler neither duplicates nor drops rows. */
static void
test_restart_keeps_rows(void **state)
{
    struct vfx *f = *state;

    add_umr(f, "00:00:00:00:00:05", "10.0.0.5");
    assert_tunnels(f, "10.0.0.1>10.0.0.5");
    vfx_stop(f);
    vfx_start(f);
    assert_tunnels(f, "10.0.0.1>10.0.0.5");
    vfx_del_umr(f, "00:00:00:00:00:05");
    assert_tunnels(f, "");
}

/* ---- BFD ---- */

static void
set_bfd_params(struct vfx *f, const char *pairs)
{
    vfx_transact(f,
                 "[{\"op\": \"update\", \"table\": \"Tunnel\", "
                 "\"where\": [], \"row\": {\"bfd_params\": [\"map\", "
                 "[%s]]}}]",
                 pairs);
}

static char *
bfd_status(struct vfx *f)
{
    return vfx_query(f, "Tunnel", "bfd_status", "[]");
}

static void
assert_status_has(struct vfx *f, const char *needle)
{
    char *st = bfd_status(f);

    if (!strstr(st, needle)) {
        fail_msg("bfd_status %s lacks %s", st, needle);
    }
    free(st);
}

/* Enabling BFD on a Tunnel row makes a HAL session with its parameters;
 * bfd_config_local and bfd_status follow; disabling clears the status. */
static void
test_bfd_session_and_status(void **state)
{
    struct vfx *f = *state;
    struct mock_bfd *b;
    char *log;

    add_umr(f, "00:00:00:00:00:02", "10.0.0.2");
    vfx_run(f);
    free(vfx_log(f));
    vfx_assert_query(f, "Tunnel", "bfd_status", "[]", "[\"map\",[]]");

    set_bfd_params(f, "[\"enable\", \"true\"], [\"min_rx\", \"300\"]");
    vfx_run(f);
    vfx_assert_log(f, "bfd_set 10.0.0.2 min_tx=100 min_rx=300\n");
    b = mock_hal_bfd_find(f->mock, "10.0.0.2");
    assert_non_null(b);
    assert_int_equal(b->config.vni, 0);
    assert_string_equal(inet_ntoa(b->config.dst_ip), "169.254.1.1");
    vfx_assert_query(f, "Tunnel", "bfd_config_local", "[]",
                     "[\"map\",[[\"bfd_dst_ip\",\"169.254.1.0\"],"
                     "[\"bfd_dst_mac\",\"00:23:20:00:00:01\"]]]");
    vfx_assert_query(
        f, "Tunnel", "bfd_status", "[]",
        "[\"map\",[[\"diagnostic\",\"No Diagnostic\"],[\"enabled\","
        "\"true\"],[\"forwarding\",\"false\"],[\"remote_diagnostic\","
        "\"No Diagnostic\"],[\"remote_state\",\"admin_down\"],"
        "[\"state\",\"down\"]]]");

    /* The session comes up: written at the next poll, not before. */
    b->info.status.state = BFD_STATE_UP;
    b->info.status.remote_state = BFD_STATE_UP;
    b->info.status.forwarding = true;
    vfx_run(f);
    assert_status_has(f, "[\"state\",\"down\"]");
    f->now += 100;
    vfx_run(f);
    assert_status_has(f, "[\"state\",\"up\"]");
    assert_status_has(f, "[\"forwarding\",\"true\"]");
    b->info.counters.tx_packets = 7;
    b->info.status.flaps = 1;
    {
        struct ds out = DS_EMPTY_INITIALIZER;

        vtep_dump_tunnels(f->vtep, &out);
        assert_string_equal(
            ds_cstr(&out),
            "remote 10.0.0.2\n"
            "  bfd: up, remote up, forwarding true, flaps 1, diagnostic "
            "\"No Diagnostic\", remote diagnostic \"No Diagnostic\"\n"
            "  bfd packets: tx 7, rx 0, dropped 0\n");
        ds_destroy(&out);
    }

    set_bfd_params(f, "[\"enable\", \"false\"]");
    vfx_run(f);
    log = vfx_log(f);
    assert_string_equal(log, "bfd_remove 10.0.0.2\n");
    free(log);
    vfx_assert_query(f, "Tunnel", "bfd_status", "[]", "[\"map\",[]]");
}

/* Bad parameters: a clear info, the session runs on the defaults, and the
 * reconciler settles (no write loop). */
static void
test_bfd_bad_params(void **state)
{
    struct vfx *f = *state;
    struct mock_bfd *b;

    add_umr(f, "00:00:00:00:00:02", "10.0.0.2");
    vfx_run(f);
    set_bfd_params(f, "[\"enable\", \"true\"], [\"min_rx\", \"0\"]");
    assert_true(vfx_run(f) < 10);
    assert_status_has(f, "[\"info\",\"bfd_params:min_rx: 0 is out of "
                         "range 1 to 4294967 ms\"]");
    b = mock_hal_bfd_find(f->mock, "10.0.0.2");
    assert_int_equal(b->config.bfd.min_rx, 1000);

    set_bfd_params(f, "[\"enable\", \"true\"], [\"min_tx\", \"abc\"]");
    assert_true(vfx_run(f) < 10);
    assert_status_has(f, "\"bfd_params:min_tx: \\\"abc\\\" is not a number "
                         "of milliseconds\"");
    set_bfd_params(f, "[\"enable\", \"true\"], [\"colour\", \"red\"]");
    assert_true(vfx_run(f) < 10);
    assert_status_has(f, "unknown key \\\"colour\\\" ignored");
    assert_status_has(f, "[\"enabled\",\"true\"]");
    f->now += 1000;
    assert_true(vfx_run(f) < 10);
}

/* A backend without BFD: enabled=false and the reason. */
static void
test_bfd_unsupported(void **state)
{
    struct vfx *f = *state;

    f->mock->no_bfd = true;
    add_umr(f, "00:00:00:00:00:02", "10.0.0.2");
    vfx_run(f);
    set_bfd_params(f, "[\"enable\", \"true\"]");
    vfx_run(f);
    vfx_assert_query(f, "Tunnel", "bfd_status", "[]",
                     "[\"map\",[[\"enabled\",\"false\"],[\"info\",\"the "
                     "mock backend cannot run BFD\"]]]");
}

/* Returns the broadcast flood list the mock last logged, or "". */
static char *
last_broadcast(struct vfx *f)
{
    char *log = vfx_log(f), *line = NULL, *p = log, *found;

    while ((found = strstr(p, "flood_set ls0 broadcast"))) {
        line = found;
        p = found + 1;
    }
    if (line) {
        char *end = strchr(line, '\n');

        line = xstrndup(line, end ? (size_t) (end - line) : strlen(line));
    } else {
        line = xstrdup("");
    }
    free(log);
    return line;
}

static void
assert_broadcast(struct vfx *f, const char *expected)
{
    char *line = last_broadcast(f);

    assert_string_equal(line, expected);
    free(line);
}

static void
set_health(struct vfx *f, const char *ip, bool up)
{
    struct mock_bfd *b = mock_hal_bfd_find(f->mock, ip);

    assert_non_null(b);
    b->info.status.state = up ? BFD_STATE_UP : BFD_STATE_DOWN;
    b->info.status.forwarding = up;
    f->now += 100;
    vfx_run(f);
}

/* Service node replication: BUM traffic goes to the lowest service node
 * whose BFD session forwards, moves when it fails, returns when it
 * recovers; without BFD, to the lowest. */
static void
test_service_node_by_health(void **state)
{
    struct vfx *f = *state;

    add_flood(f, "10.0.0.2", "10.0.0.3");
    vfx_run(f);
    assert_broadcast(f, "flood_set ls0 broadcast 10.0.0.2");

    /* Sessions start down: none forwards, so the lowest stays. */
    set_bfd_params(f, "[\"enable\", \"true\"]");
    vfx_run(f);
    free(vfx_log(f));
    set_health(f, "10.0.0.2", true);
    set_health(f, "10.0.0.3", true);
    assert_broadcast(f, "");

    set_health(f, "10.0.0.2", false);
    assert_broadcast(f, "flood_set ls0 broadcast 10.0.0.3");
    set_health(f, "10.0.0.2", true);
    assert_broadcast(f, "flood_set ls0 broadcast 10.0.0.2");

    /* Both fail: the lowest, as without BFD. */
    set_health(f, "10.0.0.2", false);
    set_health(f, "10.0.0.3", false);
    assert_broadcast(f, "flood_set ls0 broadcast 10.0.0.2");

    /* BFD off: back to today's choice. */
    set_health(f, "10.0.0.2", false);
    set_health(f, "10.0.0.3", true);
    assert_broadcast(f, "flood_set ls0 broadcast 10.0.0.3");
    set_bfd_params(f, "[\"enable\", \"false\"]");
    vfx_run(f);
    assert_broadcast(f, "flood_set ls0 broadcast 10.0.0.2");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rows_follow_use, setup,
                                        vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_adopts_controller_row, setup,
                                        vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_restart_keeps_rows, setup,
                                        vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_bfd_session_and_status, setup,
                                        vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_bfd_bad_params, setup,
                                        vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_bfd_unsupported, setup,
                                        vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_service_node_by_health, setup,
                                        vfx_cmocka_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
