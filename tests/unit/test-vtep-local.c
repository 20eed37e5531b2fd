/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/vtep, HAL to database: learned, aged and moved MACs
 * become Ucast_Macs_Local rows, bound logical switches get their
 * Mcast_Macs_Local row, counters reach Logical_Binding_Stats only when they
 * change, and large transactions are programmed in bounded slices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hal/hal.h"
#include "lib/ds.h"
#include "lib/util.h"
#include "tests/unit/vtep-fixture.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/transaction.h"
#include "vtepd/vtep/vtep.h"

#define MAC_A "00:00:00:00:00:aa"
#define MAC_B "00:00:00:00:00:bb"

/* A fixture with a controller's logical switch bound to p1, untagged. */
static int
setup(void **state)
{
    struct vfx *f;

    vfx_cmocka_setup(state);
    f = *state;
    vfx_transact(f, "[{\"op\": \"insert\", \"table\": \"Logical_Switch\", "
                    "\"uuid-name\": \"ls\", \"row\": {\"name\": \"ls0\", "
                    "\"tunnel_key\": 5000}}, "
                    "{\"op\": \"mutate\", \"table\": \"Physical_Port\", "
                    "\"where\": [[\"name\", \"==\", \"p1\"]], \"mutations\": "
                    "[[\"vlan_bindings\", \"insert\", [\"map\", [[0, "
                    "[\"named-uuid\", \"ls\"]]]]]]}]");
    vfx_run(f);
    free(vfx_log(f));
    return 0;
}

static uint64_t
db_txns(struct vfx *f)
{
    struct vtep_stats stats;

    vtep_get_stats(f->vtep, &stats);
    return stats.db_txns;
}

static void
test_mcast_local(void **state)
{
    struct vfx *f = *state;
    char *own, *set;

    /* The bound switch has an unknown-dst row whose only locator is our
     * tunnel IP. */
    own = vfx_query(f, "Physical_Locator", "_uuid",
                    "[[\"dst_ip\", \"==\", \"10.0.0.1\"]]");
    vfx_assert_query(f, "Mcast_Macs_Local", "MAC", "[]", "\"unknown-dst\"");
    set = vfx_query(f, "Physical_Locator_Set", "locators", "[]");
    assert_string_equal(set, own);
    free(own);
    free(set);

    /* Unbound, the row goes. */
    vfx_transact(f, "[{\"op\": \"update\", \"table\": \"Physical_Port\", "
                    "\"where\": [], \"row\": {\"vlan_bindings\": "
                    "[\"map\", []]}}]");
    vfx_run(f);
    assert_int_equal(vfx_count(f, "Mcast_Macs_Local"), 0);
    assert_int_equal(vfx_count(f, "Physical_Locator_Set"), 0);
}

static void
test_learned_aged_moved(void **state)
{
    struct vfx *f = *state;
    char *own, *loc;
    uint64_t txns;

    mock_hal_fdb_event(f->mock, HAL_EVENT_FDB_LEARNED, "ls0", MAC_A, 1, 0);
    vfx_run(f);
    vfx_assert_query(f, "Ucast_Macs_Local", "MAC", "[]", "\"" MAC_A "\"");
    own = vfx_query(f, "Physical_Locator", "_uuid",
                    "[[\"dst_ip\", \"==\", \"10.0.0.1\"]]");
    loc = vfx_query(f, "Ucast_Macs_Local", "locator", "[]");
    assert_string_equal(loc, own);
    free(own);
    free(loc);

    /* A move within the switch keeps the row. */
    mock_hal_fdb_event(f->mock, HAL_EVENT_FDB_MOVED, "ls0", MAC_A, 1, 0);
    vfx_run(f);
    assert_int_equal(vfx_count(f, "Ucast_Macs_Local"), 1);

    mock_hal_fdb_event(f->mock, HAL_EVENT_FDB_AGED, "ls0", MAC_A, 1, 0);
    vfx_run(f);
    assert_int_equal(vfx_count(f, "Ucast_Macs_Local"), 0);

    /* Learned and aged between two runs: no transaction at all. */
    txns = db_txns(f);
    mock_hal_fdb_event(f->mock, HAL_EVENT_FDB_LEARNED, "ls0", MAC_B, 1, 0);
    mock_hal_fdb_event(f->mock, HAL_EVENT_FDB_AGED, "ls0", MAC_B, 1, 0);
    vfx_run(f);
    assert_int_equal(db_txns(f), txns);
    assert_int_equal(vfx_count(f, "Ucast_Macs_Local"), 0);
}

static void
test_sweep_on_restart(void **state)
{
    struct vfx *f = *state;

    mock_hal_fdb_event(f->mock, HAL_EVENT_FDB_LEARNED, "ls0", MAC_A, 1, 0);
    vfx_run(f);
    assert_int_equal(vfx_count(f, "Ucast_Macs_Local"), 1);

    /* Restarted, the HAL knows MAC_B only: MAC_A's row is stale. */
    vfx_stop(f);
    mock_hal_add_learned(f->mock, "ls0", MAC_B, 2, 0);
    vfx_start(f);
    vfx_run(f);
    vfx_assert_query(f, "Ucast_Macs_Local", "MAC", "[]", "\"" MAC_B "\"");
    assert_int_equal(vfx_count(f, "Mcast_Macs_Local"), 1);
}

/* Another switch sharing the database (client mode, or a controller's
 * second Physical_Switch): its learned MAC and unknown-dst rows point at
 * its own locator and survive our sweep; its port named like ours, with a
 * binding, is none of our business. */
static void
test_other_switch_left_alone(void **state)
{
    struct vfx *f = *state;
    char *ls = vfx_query(f, "Logical_Switch", "_uuid", "[]");

    vfx_transact(f,
                 "[{\"op\": \"insert\", \"table\": \"Physical_Locator\", "
                 "\"uuid-name\": \"loc\", \"row\": {\"dst_ip\": \"10.9.9.9\", "
                 "\"encapsulation_type\": \"vxlan_over_ipv4\"}}, "
                 "{\"op\": \"insert\", \"table\": \"Physical_Locator_Set\", "
                 "\"uuid-name\": \"set\", \"row\": {\"locators\": "
                 "[\"named-uuid\", \"loc\"]}}, "
                 "{\"op\": \"insert\", \"table\": \"Ucast_Macs_Local\", "
                 "\"row\": {\"MAC\": \"" MAC_B "\", \"locator\": "
                 "[\"named-uuid\", \"loc\"], \"logical_switch\": "
                 "%s}}, "
                 "{\"op\": \"insert\", \"table\": \"Mcast_Macs_Local\", "
                 "\"row\": {\"MAC\": \"unknown-dst\", \"locator_set\": "
                 "[\"named-uuid\", \"set\"], \"logical_switch\": "
                 "%s}}, "
                 "{\"op\": \"insert\", \"table\": \"Physical_Port\", "
                 "\"uuid-name\": \"p\", \"row\": {\"name\": \"p2\", "
                 "\"vlan_bindings\": [\"map\", [[7, %s]]]}}, "
                 "{\"op\": \"insert\", \"table\": \"Physical_Switch\", "
                 "\"row\": {\"name\": \"other\", \"ports\": "
                 "[\"named-uuid\", \"p\"]}}]",
                 ls, ls, ls);
    free(ls);
    vfx_run(f);
    vfx_assert_log(f, "");

    /* Restarted: the sweep rebuilds our rows only. */
    vfx_stop(f);
    vfx_start(f);
    vfx_run(f);
    vfx_assert_query(f, "Ucast_Macs_Local", "MAC", "[]", "\"" MAC_B "\"");
    assert_int_equal(vfx_count(f, "Mcast_Macs_Local"), 2);
}

static void
test_stats(void **state)
{
    struct vfx *f = *state;
    uint64_t txns;

    f->mock->stats = (struct hal_binding_stats){ 1, 100, 2, 200 };
    f->now += VTEP_DEFAULT_STATS_INTERVAL_MS;
    vfx_run(f);
    assert_int_equal(vfx_count(f, "Logical_Binding_Stats"), 1);
    vfx_assert_query(f, "Logical_Binding_Stats", "bytes_from_local", "[]",
                     "100");
    vfx_assert_query(f, "Logical_Binding_Stats", "packets_to_local", "[]",
                     "2");

    /* Unchanged counters are not written. */
    txns = db_txns(f);
    f->now += VTEP_DEFAULT_STATS_INTERVAL_MS;
    vfx_run(f);
    assert_int_equal(db_txns(f), txns);

    f->mock->stats.packets_from_local = 5;
    f->now += VTEP_DEFAULT_STATS_INTERVAL_MS;
    vfx_run(f);
    assert_int_equal(db_txns(f), txns + 1);
    vfx_assert_query(f, "Logical_Binding_Stats", "packets_from_local", "[]",
                     "5");

    /* Unbound, the stats entry goes. */
    vfx_transact(f, "[{\"op\": \"update\", \"table\": \"Physical_Port\", "
                    "\"where\": [], \"row\": {\"vlan_bindings\": "
                    "[\"map\", []]}}]");
    f->now += VTEP_DEFAULT_STATS_INTERVAL_MS;
    vfx_run(f);
    assert_int_equal(vfx_count(f, "Logical_Binding_Stats"), 0);
}

static void
test_lr_acl_unsupported(void **state)
{
    struct vfx *f = *state;

    vfx_transact(f, "[{\"op\": \"insert\", \"table\": \"Logical_Router\", "
                    "\"row\": {\"name\": \"lr0\"}}]");
    vfx_run(f);
    /* The mock HAL cannot route. */
    vfx_assert_query(f, "Logical_Router", "LR_fault_status", "[]",
                     "\"lr_support_fault\"");
    vfx_assert_query(f, "Physical_Switch", "switch_fault_status", "[]",
                     "\"lr_support_fault\"");
    vfx_transact(f, "[{\"op\": \"delete\", \"table\": \"Logical_Router\", "
                    "\"where\": []}]");
    vfx_run(f);
    vfx_assert_query(f, "Physical_Switch", "switch_fault_status", "[]",
                     "[\"set\",[]]");
}

#define N_MACS 100000

static void
test_slicing(void **state)
{
    struct vfx *f = *state;
    struct ds ops = DS_EMPTY_INITIALIZER;
    struct vtep_stats stats;
    size_t i;
    char *ls;
    int runs;

    /* 100,000 remote MACs in one transaction. */
    ls = vfx_query(f, "Logical_Switch", "_uuid", "[]");
    ds_put_cstr(&ops, "[{\"op\": \"insert\", \"table\": "
                      "\"Physical_Locator\", \"uuid-name\": \"loc\", "
                      "\"row\": {\"dst_ip\": \"10.0.0.2\", "
                      "\"encapsulation_type\": \"vxlan_over_ipv4\"}}");
    for (i = 0; i < N_MACS; i++) {
        ds_put_format(&ops,
                      ", {\"op\": \"insert\", \"table\": "
                      "\"Ucast_Macs_Remote\", \"row\": {\"MAC\": "
                      "\"02:00:00:%02x:%02x:%02x\", \"logical_switch\": "
                      "%s, \"locator\": [\"named-uuid\", \"loc\"]}}",
                      (unsigned) (i >> 16) & 0xff, (unsigned) (i >> 8) & 0xff,
                      (unsigned) i & 0xff, ls);
    }
    ds_put_char(&ops, ']');
    vfx_transact(f, "%s", ds_cstr(&ops));
    ds_destroy(&ops);
    free(ls);

    /* The first run programs one slice and leaves the rest pending. */
    f->mock->max_bulk = 0;
    vfx_run_once(f);
    vtep_get_stats(f->vtep, &stats);
    assert_int_equal(stats.pending, N_MACS - VTEP_DEFAULT_BATCH);
    assert_int_equal(f->mock->n_fdb, VTEP_DEFAULT_BATCH);
    assert_true(vtep_next_wake(f->vtep) < f->now);

    runs = vfx_run(f);
    assert_true(runs >= N_MACS / VTEP_DEFAULT_BATCH - 1);
    assert_int_equal(f->mock->n_fdb, N_MACS);
    assert_int_equal(f->mock->max_bulk, VTEP_DEFAULT_BATCH);
    vtep_get_stats(f->vtep, &stats);
    assert_int_equal(stats.pending, 0);
}

/* A prepare callback standing in for a full disk: refuses the
 * reconciler's commits while '*full'. */
static struct ovsdb_error *
disk_full_prepare(const struct ovsdb_changeset *changes, void *full_)
{
    const bool *full = full_;

    return *full && changes->origin
               ? ovsdb_error("I/O error", "write failed: disk full")
               : NULL;
}

static uint64_t
db_txn_errors(struct vfx *f)
{
    struct vtep_stats stats;

    vtep_get_stats(f->vtep, &stats);
    return stats.db_txn_errors;
}

/* Runs the reconciler for 'ms' milliseconds of its clock, as the daemon
 * would: each run at the time it asks to be woken. */
static int
run_for(struct vfx *f, int64_t ms)
{
    int64_t end = f->now + ms;
    int runs = 0;

    while (f->now < end) {
        runs += vfx_run(f);
        f->now = MAX(f->now, MIN(vtep_next_wake(f->vtep), end));
    }
    return runs;
}

/* While the database refuses the reconciler's commits, what it learns and
 * what ages are not lost: it backs off (no busy loop), and once commits
 * succeed again the database holds what the HAL holds. */
static void
test_db_refuses_writes(void **state)
{
    struct vfx *f = *state;
    bool full = true;
    int runs;

    ovsdb_db_set_commit_prepare(f->db, disk_full_prepare, &full);

    /* Learned while full: nothing is written, and a second of retries
     * costs a handful of runs, not thousands. */
    mock_hal_add_learned(f->mock, "ls0", MAC_A, 1, 0);
    mock_hal_fdb_event(f->mock, HAL_EVENT_FDB_LEARNED, "ls0", MAC_A, 1, 0);
    runs = run_for(f, 1000);
    assert_int_equal(vfx_count(f, "Ucast_Macs_Local"), 0);
    assert_true(db_txn_errors(f) >= 2);
    assert_true(db_txn_errors(f) <= 5);
    assert_true(runs < 20);

    /* Space again: the row appears within the longest backoff. */
    full = false;
    run_for(f, 2500);
    vfx_assert_query(f, "Ucast_Macs_Local", "MAC", "[]", "\"" MAC_A "\"");

    /* Aged while full: the row goes once writes succeed. */
    full = true;
    f->mock->n_learned = 0;
    mock_hal_fdb_event(f->mock, HAL_EVENT_FDB_AGED, "ls0", MAC_A, 1, 0);
    run_for(f, 1000);
    assert_int_equal(vfx_count(f, "Ucast_Macs_Local"), 1);
    full = false;
    run_for(f, 2500);
    assert_int_equal(vfx_count(f, "Ucast_Macs_Local"), 0);

    /* The unknown-dst row of a switch unbound while full goes too. */
    vfx_transact(f, "[{\"op\": \"update\", \"table\": \"Physical_Port\", "
                    "\"where\": [], \"row\": {\"vlan_bindings\": "
                    "[\"map\", []]}}]");
    full = true;
    run_for(f, 1000);
    assert_int_equal(vfx_count(f, "Mcast_Macs_Local"), 1);
    full = false;
    run_for(f, 2500);
    assert_int_equal(vfx_count(f, "Mcast_Macs_Local"), 0);

    /* A port fault found while full: p2 bound to a switch without a
     * tunnel key. */
    vfx_transact(f, "[{\"op\": \"insert\", \"table\": \"Logical_Switch\", "
                    "\"uuid-name\": \"ls\", \"row\": {\"name\": \"nokey\"}}, "
                    "{\"op\": \"mutate\", \"table\": \"Physical_Port\", "
                    "\"where\": [[\"name\", \"==\", \"p2\"]], \"mutations\": "
                    "[[\"vlan_bindings\", \"insert\", [\"map\", [[7, "
                    "[\"named-uuid\", \"ls\"]]]]]]}]");
    full = true;
    run_for(f, 1000);
    vfx_assert_query(f, "Physical_Port", "port_fault_status",
                     "[[\"name\", \"==\", \"p2\"]]", "[\"set\",[]]");
    full = false;
    run_for(f, 2500);
    vfx_assert_query(f, "Physical_Port", "port_fault_status",
                     "[[\"name\", \"==\", \"p2\"]]", "\"invalid_vlan_map\"");

    ovsdb_db_set_commit_prepare(f->db, NULL, NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_mcast_local, setup,
                                        vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_learned_aged_moved, setup,
                                        vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_other_switch_left_alone, setup,
                                        vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_sweep_on_restart, setup,
                                        vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_stats, setup,
                                        vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_lr_acl_unsupported, setup,
                                        vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_slicing, setup,
                                        vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_db_refuses_writes, setup,
                                        vfx_cmocka_teardown),
    };

    return cmocka_run_group_tests_name("vtepd/vtep/local", tests, NULL, NULL);
}
