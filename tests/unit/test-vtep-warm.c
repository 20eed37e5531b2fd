/* SPDX-License-Identifier: Apache-2.0 */
/* Unit test for vtepd/vtep against the real software ASIC backend: after a
 * warm restart the reconciler replays the whole desired state between
 * hal_resync_begin() and hal_resync_end() and the chip sees zero writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hal/asic/asic.h"
#include "hal/hal.h"
#include "lib/ds.h"
#include "lib/util.h"
#include "tests/unit/vtep-fixture.h"
#include "vtepd/vtep/vtep.h"

static void
dump(struct hal *hal, struct ds *out)
{
    ds_clear(out);
    assert_int_equal(hal_dump_fdb(hal, NULL, out), 0);
    hal_dump_flood(hal, out);
    hal_dump_bindings(hal, out);
}

static void
program(struct vfx *f)
{
    vfx_transact(
        f, "[{\"op\": \"insert\", \"table\": \"Logical_Switch\", "
           "\"uuid-name\": \"ls\", \"row\": {\"name\": \"ls0\", "
           "\"tunnel_key\": 5000, \"replication_mode\": \"source_node\"}}, "
           "{\"op\": \"mutate\", \"table\": \"Physical_Port\", "
           "\"where\": [[\"name\", \"==\", \"swp1\"]], \"mutations\": "
           "[[\"vlan_bindings\", \"insert\", [\"map\", [[0, "
           "[\"named-uuid\", \"ls\"]], [10, [\"named-uuid\", \"ls\"]]]]]]}, "
           "{\"op\": \"insert\", \"table\": \"Physical_Locator\", "
           "\"uuid-name\": \"a\", \"row\": {\"dst_ip\": \"10.0.0.7\", "
           "\"encapsulation_type\": \"vxlan_over_ipv4\"}}, "
           "{\"op\": \"insert\", \"table\": \"Physical_Locator\", "
           "\"uuid-name\": \"b\", \"row\": {\"dst_ip\": \"10.0.0.8\", "
           "\"encapsulation_type\": \"vxlan_over_ipv4\", "
           "\"tunnel_key\": 6000}}, "
           "{\"op\": \"insert\", \"table\": \"Ucast_Macs_Remote\", "
           "\"row\": {\"MAC\": \"02:00:00:00:00:01\", \"logical_switch\": "
           "[\"named-uuid\", \"ls\"], \"locator\": [\"named-uuid\", \"a\"]}}, "
           "{\"op\": \"insert\", \"table\": \"Ucast_Macs_Remote\", "
           "\"row\": {\"MAC\": \"02:00:00:00:00:02\", \"logical_switch\": "
           "[\"named-uuid\", \"ls\"], \"locator\": [\"named-uuid\", \"b\"]}}, "
           "{\"op\": \"insert\", \"table\": \"Physical_Locator_Set\", "
           "\"uuid-name\": \"set\", \"row\": {\"locators\": [\"set\", "
           "[[\"named-uuid\", \"a\"], [\"named-uuid\", \"b\"]]]}}, "
           "{\"op\": \"insert\", \"table\": \"Mcast_Macs_Remote\", "
           "\"row\": {\"MAC\": \"unknown-dst\", \"logical_switch\": "
           "[\"named-uuid\", \"ls\"], \"locator_set\": "
           "[\"named-uuid\", \"set\"]}}, "
           "{\"op\": \"insert\", \"table\": \"Mcast_Macs_Remote\", "
           "\"row\": {\"MAC\": \"01:00:5e:00:00:01\", \"logical_switch\": "
           "[\"named-uuid\", \"ls\"], \"locator_set\": "
           "[\"named-uuid\", \"set\"]}}]");
}

static void
test_warm_restart(void **state)
{
    struct ds before = DS_EMPTY_INITIALIZER, after = DS_EMPTY_INITIALIZER;
    struct vfx f;
    uint64_t writes;
    char file[64];

    snprintf(file, sizeof file, "/tmp/test-vtep-warm-%d.chip", (int) getpid());
    unlink(file);
    memset(&f, 0, sizeof f);
    vfx_setup_hal(&f, vfx_open_asic(file));
    assert_false(hal_is_warm(f.hal));
    program(&f);
    vfx_run(&f);
    dump(f.hal, &before);
    assert_non_null(strstr(ds_cstr(&before), "02:00:00:00:00:02"));
    assert_non_null(strstr(ds_cstr(&before), "10.0.0.8"));

    /* Restart vtepd: the chip keeps its tables. */
    vfx_stop(&f);
    hal_close(f.hal);
    f.hal = vfx_open_asic(file);
    assert_true(hal_is_warm(f.hal));
    writes = hal_asic_writes(hal_asic_cast(f.hal));
    vfx_start(&f);
    vfx_run(&f);
    assert_int_equal(hal_asic_writes(hal_asic_cast(f.hal)) - writes, 0);
    dump(f.hal, &after);
    assert_string_equal(ds_cstr(&before), ds_cstr(&after));

    /* A MAC deleted while vtepd was down goes at the end of the resync. */
    vfx_stop(&f);
    hal_close(f.hal);
    vfx_transact(&f, "[{\"op\": \"delete\", \"table\": "
                     "\"Ucast_Macs_Remote\", \"where\": [[\"MAC\", \"==\", "
                     "\"02:00:00:00:00:01\"]]}]");
    f.hal = vfx_open_asic(file);
    vfx_start(&f);
    vfx_run(&f);
    dump(f.hal, &after);
    assert_null(strstr(ds_cstr(&after), "02:00:00:00:00:01"));
    assert_non_null(strstr(ds_cstr(&after), "02:00:00:00:00:02"));

    vfx_teardown(&f);
    ds_destroy(&before);
    ds_destroy(&after);
    unlink(file);
}

/* The host table is not in the chip file: a warm restart starts it empty
 * and the replay fills it again, one write per entry and none else. */
static void
test_warm_restart_neighbours(void **state)
{
    struct ds before = DS_EMPTY_INITIALIZER, after = DS_EMPTY_INITIALIZER;
    struct vfx f;
    uint64_t writes;
    char file[64];

    snprintf(file, sizeof file, "/tmp/test-vtep-warm-n-%d.chip",
             (int) getpid());
    unlink(file);
    memset(&f, 0, sizeof f);
    vfx_setup_hal(&f, vfx_open_asic(file));
    program(&f);
    vfx_transact(&f, "[{\"op\": \"update\", \"table\": "
                     "\"Ucast_Macs_Remote\", \"where\": [[\"MAC\", \"==\", "
                     "\"02:00:00:00:00:02\"]], \"row\": {\"ipaddr\": "
                     "\"192.168.0.2\"}}]");
    vfx_run(&f);
    assert_int_equal(hal_dump_neigh(f.hal, NULL, &before), 0);
    assert_non_null(strstr(ds_cstr(&before), "192.168.0.2"));

    vfx_stop(&f);
    hal_close(f.hal);
    f.hal = vfx_open_asic(file);
    assert_true(hal_is_warm(f.hal));
    writes = hal_asic_writes(hal_asic_cast(f.hal));
    vfx_start(&f);
    vfx_run(&f);
    assert_int_equal(hal_asic_writes(hal_asic_cast(f.hal)) - writes, 1);
    assert_int_equal(hal_dump_neigh(f.hal, NULL, &after), 0);
    assert_string_equal(ds_cstr(&before), ds_cstr(&after));

    vfx_teardown(&f);
    ds_destroy(&before);
    ds_destroy(&after);
    unlink(file);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_warm_restart),
        cmocka_unit_test(test_warm_restart_neighbours),
    };

    return cmocka_run_group_tests_name("vtepd/vtep/warm", tests, NULL, NULL);
}
