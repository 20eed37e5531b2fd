/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/vtep/vtep-neigh.c: Ucast_Macs_Remote.ipaddr becomes
 * HAL neighbour entries on the recording mock HAL, per logical switch, with
 * other_config:arp-suppression, duplicate IPs, moves and a full table. */
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
#include "vtepd/vtep/vtep.h"

/* Inserts Ucast_Macs_Remote (ls, mac, ipaddr) behind VTEP 10.0.0.2,
 * creating its locator with the first row (locators are not root rows;
 * the switch keeps its own one, a Tunnel's "local", in the same table). */
static void
add_umr(struct vfx *f, const char *ls, const char *mac, const char *ipaddr)
{
    char *ops = xstrdup(""), *loc = vfx_locator(f, "10.0.0.2", "loc", &ops);
    char *ls_uuid = vfx_ls_uuid(f, ls);

    vfx_transact(f,
                 "[%s{\"op\": \"insert\", \"table\": "
                 "\"Ucast_Macs_Remote\", \"row\": {\"MAC\": \"%s\", "
                 "\"ipaddr\": \"%s\", \"locator\": %s, "
                 "\"logical_switch\": %s}}]",
                 ops, mac, ipaddr, loc, ls_uuid);
    free(ops);
    free(loc);
    free(ls_uuid);
}

static void
set_ipaddr(struct vfx *f, const char *mac, const char *ipaddr)
{
    vfx_transact(f,
                 "[{\"op\": \"update\", \"table\": \"Ucast_Macs_Remote\", "
                 "\"where\": [[\"MAC\", \"==\", \"%s\"]], \"row\": "
                 "{\"ipaddr\": \"%s\"}}]",
                 mac, ipaddr);
}

/* Returns the mock's log without the FDB lines, which test-vtep covers. */
static char *
neigh_log(struct vfx *f)
{
    char *log = vfx_log(f);
    struct ds out = DS_EMPTY_INITIALIZER;
    char *save = NULL, *line;

    for (line = strtok_r(log, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (!strncmp(line, "neigh_", 6)) {
            ds_put_format(&out, "%s\n", line);
        }
    }
    free(log);
    return ds_steal_cstr(&out);
}

static void
assert_neigh_log(struct vfx *f, const char *expected)
{
    char *log = neigh_log(f);

    assert_string_equal(log, expected);
    free(log);
}

static void
test_ipaddr_programs_entries(void **state)
{
    struct vfx *f = *state;

    vfx_add_ls(f, "ls0", 5000);
    add_umr(f, "ls0", "00:00:00:00:00:01", "192.168.1.1");
    add_umr(f, "ls0", "00:00:00:00:00:02", "2001:db8::2");
    add_umr(f, "ls0", "00:00:00:00:00:03", "");
    vfx_run(f);
    assert_neigh_log(f, "neigh_set ls0 192.168.1.1 00:00:00:00:00:01\n"
                        "neigh_set ls0 2001:db8::2 00:00:00:00:00:02\n");

    /* A new address moves the entry; deleting the row removes it. */
    set_ipaddr(f, "00:00:00:00:00:01", "192.168.1.9");
    vfx_run(f);
    assert_neigh_log(f, "neigh_remove ls0 192.168.1.1\n"
                        "neigh_set ls0 192.168.1.9 00:00:00:00:00:01\n");
    vfx_del_umr(f, "00:00:00:00:00:02");
    vfx_run(f);
    assert_neigh_log(f, "neigh_remove ls0 2001:db8::2\n");
    assert_int_equal(f->mock->n_neighs, 1);

    /* Nothing changed, nothing written. */
    vfx_run(f);
    assert_neigh_log(f, "");
}

static void
test_bad_ipaddr_ignored(void **state)
{
    struct vfx *f = *state;

    vfx_add_ls(f, "ls0", 5000);
    add_umr(f, "ls0", "00:00:00:00:00:01", "not-an-ip");
    add_umr(f, "ls0", "00:00:00:00:00:02", "224.0.0.1");
    vfx_run(f);
    assert_neigh_log(f, "");
    assert_int_equal(f->mock->n_neighs, 0);
    /* The MACs themselves are still programmed. */
    assert_int_equal(f->mock->n_fdb, 2);
}

static void
test_duplicate_ip_oldest_wins(void **state)
{
    struct vfx *f = *state;

    vfx_add_ls(f, "ls0", 5000);
    add_umr(f, "ls0", "00:00:00:00:00:01", "192.168.1.1");
    vfx_run(f);
    add_umr(f, "ls0", "00:00:00:00:00:02", "192.168.1.1");
    vfx_run(f);
    assert_neigh_log(f, "neigh_set ls0 192.168.1.1 00:00:00:00:00:01\n");

    /* The older row goes: the newer claim takes over. */
    vfx_del_umr(f, "00:00:00:00:00:01");
    vfx_run(f);
    assert_neigh_log(f, "neigh_set ls0 192.168.1.1 00:00:00:00:00:02\n");
}

static void
test_suppression_off_per_switch(void **state)
{
    struct vfx *f = *state;

    vfx_add_ls(f, "ls0", 5000);
    vfx_add_ls(f, "ls1", 5001);
    add_umr(f, "ls0", "00:00:00:00:00:01", "192.168.1.1");
    add_umr(f, "ls1", "00:00:00:00:00:02", "192.168.1.1");
    vfx_run(f);
    assert_neigh_log(f, "neigh_set ls0 192.168.1.1 00:00:00:00:00:01\n"
                        "neigh_set ls1 192.168.1.1 00:00:00:00:00:02\n");

    vfx_transact(f, "[{\"op\": \"update\", \"table\": \"Logical_Switch\", "
                    "\"where\": [[\"name\", \"==\", \"ls1\"]], \"row\": "
                    "{\"other_config\": [\"map\", [[\"arp-suppression\", "
                    "\"false\"]]]}}]");
    vfx_run(f);
    assert_neigh_log(f, "neigh_remove ls1 192.168.1.1\n");

    vfx_transact(f, "[{\"op\": \"update\", \"table\": \"Logical_Switch\", "
                    "\"where\": [[\"name\", \"==\", \"ls1\"]], \"row\": "
                    "{\"other_config\": [\"map\", [[\"arp-suppression\", "
                    "\"true\"]]]}}]");
    vfx_run(f);
    assert_neigh_log(f, "neigh_set ls1 192.168.1.1 00:00:00:00:00:02\n");
}

static void
test_switch_deleted_with_entries(void **state)
{
    struct vfx *f = *state;

    vfx_add_ls(f, "ls0", 5000);
    add_umr(f, "ls0", "00:00:00:00:00:01", "192.168.1.1");
    vfx_run(f);
    free(vfx_log(f));

    /* A switch without a VNI has no bridge, hence no entries; they come
     * back with the VNI. */
    vfx_transact(f, "[{\"op\": \"update\", \"table\": \"Logical_Switch\", "
                    "\"where\": [], \"row\": {\"tunnel_key\": "
                    "[\"set\", []]}}]");
    vfx_run(f);
    assert_int_equal(f->mock->n_neighs, 0);
    free(vfx_log(f));
    vfx_transact(f, "[{\"op\": \"update\", \"table\": \"Logical_Switch\", "
                    "\"where\": [], \"row\": {\"tunnel_key\": 7}}]");
    vfx_run(f);
    assert_neigh_log(f, "neigh_set ls0 192.168.1.1 00:00:00:00:00:01\n");
}

static void
test_table_full_waits(void **state)
{
    struct vfx *f = *state;

    f->mock->neigh_capacity = 1;
    vfx_add_ls(f, "ls0", 5000);
    add_umr(f, "ls0", "00:00:00:00:00:01", "192.168.1.1");
    add_umr(f, "ls0", "00:00:00:00:00:02", "192.168.1.2");
    vfx_run(f);
    assert_neigh_log(f, "neigh_set ls0 192.168.1.1 00:00:00:00:00:01\n"
                        "neigh_set ls0 192.168.1.2 00:00:00:00:00:02 FULL\n");
    vfx_assert_query(f, "Physical_Switch", "switch_fault_status", "[]",
                     "\"unspecified_fault\"");

    /* Nothing is retried until the HAL says there is room. */
    vfx_run(f);
    assert_neigh_log(f, "");
    vfx_del_umr(f, "00:00:00:00:00:01");
    mock_hal_resource_event(f->mock, HAL_EVENT_RESOURCE_FREED,
                            HAL_TABLE_NEIGH);
    vfx_run(f);
    assert_neigh_log(f, "neigh_remove ls0 192.168.1.1\n"
                        "neigh_set ls0 192.168.1.2 00:00:00:00:00:02\n");
    vfx_assert_query(f, "Physical_Switch", "switch_fault_status", "[]",
                     "[\"set\",[]]");
}

/* ---- IP learning into Ucast_Macs_Local.ipaddr ---- */

static const char *const ipaddr_of_mac1 =
    "[[\"MAC\", \"==\", \"00:00:00:00:00:01\"]]";
static const char *const ipaddr_of_mac2 =
    "[[\"MAC\", \"==\", \"00:00:00:00:00:02\"]]";

static void
test_learned_ip_follows_mac(void **state)
{
    struct vfx *f = *state;

    vfx_add_ls(f, "ls0", 5000);
    vfx_run(f);
    mock_hal_fdb_event(f->mock, HAL_EVENT_FDB_LEARNED, "ls0",
                       "00:00:00:00:00:01", 1, 0);
    mock_hal_neigh_event(f->mock, "ls0", "10.0.0.5", "00:00:00:00:00:01");
    /* An address of a MAC that is not learned is not written. */
    mock_hal_neigh_event(f->mock, "ls0", "10.0.0.6", "00:00:00:00:00:09");
    vfx_run(f);
    vfx_assert_query(f, "Ucast_Macs_Local", "ipaddr", ipaddr_of_mac1,
                     "\"10.0.0.5\"");
    assert_int_equal(vfx_count(f, "Ucast_Macs_Local"), 1);
    /* Learned addresses are answered too. */
    assert_neigh_log(f, "neigh_set ls0 10.0.0.5 00:00:00:00:00:01\n");

    /* It moves with its MAC. */
    mock_hal_fdb_event(f->mock, HAL_EVENT_FDB_MOVED, "ls0",
                       "00:00:00:00:00:01", 2, 0);
    vfx_run(f);
    vfx_assert_query(f, "Ucast_Macs_Local", "ipaddr", ipaddr_of_mac1,
                     "\"10.0.0.5\"");

    /* A second host takes the address: the newest binding wins. */
    mock_hal_fdb_event(f->mock, HAL_EVENT_FDB_LEARNED, "ls0",
                       "00:00:00:00:00:02", 3, 0);
    mock_hal_neigh_event(f->mock, "ls0", "10.0.0.5", "00:00:00:00:00:02");
    vfx_run(f);
    vfx_assert_query(f, "Ucast_Macs_Local", "ipaddr", ipaddr_of_mac2,
                     "\"10.0.0.5\"");
    vfx_assert_query(f, "Ucast_Macs_Local", "ipaddr", ipaddr_of_mac1, "\"\"");
    assert_neigh_log(f, "neigh_set ls0 10.0.0.5 00:00:00:00:00:02\n");

    /* An IPv6 address; and it leaves with its MAC. */
    mock_hal_neigh_event(f->mock, "ls0", "2001:db8::5", "00:00:00:00:00:01");
    vfx_run(f);
    vfx_assert_query(f, "Ucast_Macs_Local", "ipaddr", ipaddr_of_mac1,
                     "\"2001:db8::5\"");
    mock_hal_fdb_event(f->mock, HAL_EVENT_FDB_AGED, "ls0", "00:00:00:00:00:01",
                       2, 0);
    vfx_run(f);
    vfx_assert_query(f, "Ucast_Macs_Local", "ipaddr", ipaddr_of_mac1, "");
    assert_int_equal(vfx_count(f, "Ucast_Macs_Local"), 1);
    assert_neigh_log(f, "neigh_set ls0 2001:db8::5 00:00:00:00:00:01\n"
                        "neigh_remove ls0 2001:db8::5\n");
}

static void
test_controller_address_beats_learned(void **state)
{
    struct vfx *f = *state;

    vfx_add_ls(f, "ls0", 5000);
    vfx_run(f);
    mock_hal_fdb_event(f->mock, HAL_EVENT_FDB_LEARNED, "ls0",
                       "00:00:00:00:00:01", 1, 0);
    mock_hal_neigh_event(f->mock, "ls0", "10.0.0.5", "00:00:00:00:00:01");
    vfx_run(f);
    free(vfx_log(f));
    add_umr(f, "ls0", "00:00:00:00:00:07", "10.0.0.5");
    vfx_run(f);
    assert_neigh_log(f, "neigh_set ls0 10.0.0.5 00:00:00:00:00:07\n");
    vfx_del_umr(f, "00:00:00:00:00:07");
    vfx_run(f);
    assert_neigh_log(f, "neigh_set ls0 10.0.0.5 00:00:00:00:00:01\n");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ipaddr_programs_entries,
                                        vfx_cmocka_setup, vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_bad_ipaddr_ignored,
                                        vfx_cmocka_setup, vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_ip_oldest_wins,
                                        vfx_cmocka_setup, vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_suppression_off_per_switch,
                                        vfx_cmocka_setup, vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_switch_deleted_with_entries,
                                        vfx_cmocka_setup, vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_table_full_waits,
                                        vfx_cmocka_setup, vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_learned_ip_follows_mac,
                                        vfx_cmocka_setup, vfx_cmocka_teardown),
        cmocka_unit_test_setup_teardown(test_controller_address_beats_learned,
                                        vfx_cmocka_setup, vfx_cmocka_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
