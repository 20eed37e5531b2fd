/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for lib/sysctl.c, in a network namespace of their own (the
 * sysctls under /proc/sys/net are the namespace's): skip without root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>

#include "lib/sysctl.h"
#include "tests/unit/netns-fixture.h"

static void
test_set_get(void **state)
{
    int v = -1;

    NETNS_REQUIRE(netns_missing);
    assert_int_equal(sysctl_dev_set("ipv4", "lo", "forwarding", "1"), 0);
    assert_int_equal(sysctl_dev_get("ipv4", "lo", "forwarding", &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(sysctl_dev_set("ipv4", "lo", "forwarding", "0\n"), 0);
    assert_int_equal(sysctl_dev_get("ipv4", "lo", "forwarding", &v), 0);
    assert_int_equal(v, 0);
    /* "all" is a device here; rp_filter takes 0-2. */
    assert_int_equal(sysctl_dev_set("ipv4", "all", "rp_filter", "2"), 0);
    assert_int_equal(sysctl_dev_get("ipv4", "all", "rp_filter", &v), 0);
    assert_int_equal(v, 2);
}

/* Neighbour table parameters, per device; the conf table's keys are not
 * the neigh table's.  (A namespace other than the first, such as this
 * test's, has no "default" device there.) */
static void
test_neigh(void **state)
{
    int v = -1;

    NETNS_REQUIRE(netns_missing);
    assert_int_equal(
        sysctl_neigh_get("ipv4", "lo", "base_reachable_time_ms", &v), 0);
    assert_int_equal(v, 30000); /* Linux's default. */
    assert_int_equal(
        sysctl_neigh_set("ipv4", "lo", "base_reachable_time_ms", "60000"), 0);
    assert_int_equal(
        sysctl_neigh_get("ipv4", "lo", "base_reachable_time_ms", &v), 0);
    assert_int_equal(v, 60000);
    assert_int_equal(
        sysctl_neigh_set("ipv6", "lo", "base_reachable_time_ms", "5000"), 0);
    assert_int_equal(
        sysctl_neigh_get("ipv6", "lo", "base_reachable_time_ms", &v), 0);
    assert_int_equal(v, 5000);
    assert_int_equal(
        sysctl_neigh_get("ipv4", "lo", "base_reachable_time_ms", &v), 0);
    assert_int_equal(v, 60000);
    assert_int_equal(sysctl_neigh_get("ipv4", "lo", "forwarding", &v),
                     -ENOENT);
    assert_int_equal(
        sysctl_dev_get("ipv4", "lo", "base_reachable_time_ms", &v), -ENOENT);
    assert_int_equal(sysctl_neigh_set("ipv4", "nosuchdev0",
                                      "base_reachable_time_ms", "1000"),
                     -ENOENT);
}

static void
test_errors(void **state)
{
    int v = 7;

    NETNS_REQUIRE(netns_missing);
    assert_int_equal(sysctl_dev_get("ipv4", "nosuchdev0", "forwarding", &v),
                     -ENOENT);
    assert_int_equal(sysctl_dev_set("ipv4", "nosuchdev0", "forwarding", "1"),
                     -ENOENT);
    assert_int_equal(sysctl_dev_get("ipv4", "lo", "nosuchkey", &v), -ENOENT);
    /* Names that would leave the device's directory. */
    assert_int_equal(sysctl_dev_get("ipv4", "..", "forwarding", &v), -EINVAL);
    assert_int_equal(sysctl_dev_set("ipv4", "lo/../all", "forwarding", "1"),
                     -EINVAL);
    assert_int_equal(sysctl_dev_get("ipv4", "lo", "../lo/forwarding", &v),
                     -EINVAL);
    /* The kernel refuses what is not a number. */
    assert_int_equal(sysctl_dev_set("ipv4", "lo", "forwarding", "yes"),
                     -EINVAL);
    /* Nothing was stored on failure. */
    assert_int_equal(v, 7);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_get),
        cmocka_unit_test(test_neigh),
        cmocka_unit_test(test_errors),
    };

    return cmocka_run_group_tests(tests, netns_group_setup,
                                  netns_group_teardown);
}
