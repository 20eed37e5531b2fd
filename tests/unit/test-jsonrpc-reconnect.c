/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/ovsdb/reconnect: the backoff schedule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "vtepd/jsonrpc/reconnect.h"

static void
test_default_schedule_doubles_to_eight_seconds(void **state)
{
    static const int expected[] = { 1000, 2000, 4000, 8000, 8000, 8000 };
    struct reconnect r;
    size_t i;

    reconnect_init(&r, 0);
    for (i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        assert_int_equal(reconnect_failed(&r), expected[i]);
    }
}

static void
test_custom_maximum(void **state)
{
    static const int expected[] = { 1000, 2000, 3000, 3000 };
    struct reconnect r;
    size_t i;

    reconnect_init(&r, 3000);
    for (i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        assert_int_equal(reconnect_failed(&r), expected[i]);
    }
}

static void
test_maximum_below_one_second(void **state)
{
    struct reconnect r;

    reconnect_init(&r, 250);
    assert_int_equal(reconnect_failed(&r), 250);
    assert_int_equal(reconnect_failed(&r), 250);
}

static void
test_connection_without_traffic_keeps_backing_off(void **state)
{
    struct reconnect r;

    reconnect_init(&r, 0);
    assert_int_equal(reconnect_failed(&r), 1000);
    reconnect_connected(&r); /* Accepted, then dropped at once. */
    assert_int_equal(reconnect_failed(&r), 2000);
    reconnect_connected(&r);
    assert_int_equal(reconnect_failed(&r), 4000);
}

static void
test_traffic_resets_the_schedule(void **state)
{
    struct reconnect r;

    reconnect_init(&r, 0);
    reconnect_failed(&r);
    reconnect_failed(&r);
    assert_int_equal(reconnect_failed(&r), 4000);
    reconnect_connected(&r);
    reconnect_activity(&r);
    assert_int_equal(reconnect_failed(&r), 1000);
    assert_int_equal(reconnect_failed(&r), 2000);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_schedule_doubles_to_eight_seconds),
        cmocka_unit_test(test_custom_maximum),
        cmocka_unit_test(test_maximum_below_one_second),
        cmocka_unit_test(test_connection_without_traffic_keeps_backing_off),
        cmocka_unit_test(test_traffic_resets_the_schedule),
    };

    return cmocka_run_group_tests_name("vtepd/jsonrpc/reconnect", tests, NULL,
                                       NULL);
}
