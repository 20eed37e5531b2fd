/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for port links that follow the Linux interfaces' carrier
 * (sim/carrier.c): a dataplane whose port swp1 is one end of a veth pair,
 * in a network namespace of the test's own (root only; otherwise the tests
 * skip and say why).  Setting the far end down takes swp1's carrier away,
 * as unplugging a server's cable would. */
#include <ev.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "hal/asic/asic.h"
#include "sim/sim.h"
#include "tests/unit/netns-fixture.h"

struct env {
    struct ev_loop *loop;
    struct hal *hal;
    struct sim *sim;
    hal_oid_t swp1, ls0;
};

static const uint8_t host_mac[6] = { 0x02, 0, 0, 0, 0x0c, 0x01 };

/* A dataplane with swp1 (a veth end) in a learning bridge, no underlay. */
static struct env *
env_create(void)
{
    struct hal_config hc = { .platform = "lab" };
    struct hal_bridge_config bc = { .name = "ls0",
                                    .vni = 5000,
                                    .replication = HAL_REPLICATION_SOURCE_NODE,
                                    .learning = true };
    struct env *e = calloc(1, sizeof *e);
    struct sim_port_spec spec = { .name = "swp1", .kind = SIM_PORT_PACKET };
    struct sim_config sc = { .ports = &spec, .n_ports = 1 };
    struct hal_binding b;

    e->ls0 = HAL_OID_NULL;
    hal_unregister_all();
    assert_int_equal(hal_register_provider(&hal_asic_provider), 0);
    assert_int_equal(hal_open("asic", &hc, &e->hal), 0);
    assert_int_equal(hal_port_by_name(e->hal, "swp1", &e->swp1), 0);
    assert_int_equal(hal_bridge_set(e->hal, &bc, &e->ls0), 0);
    b = (struct hal_binding){ e->swp1, 0, e->ls0 };
    assert_int_equal(hal_binding_set(e->hal, &b, 1, NULL), 0);
    e->loop = ev_loop_new(0);
    assert_int_equal(sim_create(e->loop, e->hal, &sc, &e->sim), 0);
    return e;
}

static void
env_destroy(struct env *e)
{
    sim_destroy(e->sim);
    hal_close(e->hal);
    ev_loop_destroy(e->loop);
    free(e);
}

static bool
swp1_up(const struct env *e)
{
    for (size_t i = 0; i < hal_port_count(e->hal); i++) {
        struct hal_port_info info;

        if (!hal_port_get(e->hal, i, &info) && info.oid == e->swp1) {
            return info.oper_up;
        }
    }
    fail_msg("no swp1");
    return false;
}

/* Runs the loop until swp1's link is 'up', for at most two seconds. */
static bool
wait_link(struct env *e, bool up)
{
    struct timespec tick = { 0, 10 * 1000 * 1000 };

    for (int i = 0; i < 200; i++) {
        ev_run(e->loop, EVRUN_NOWAIT);
        if (swp1_up(e) == up) {
            return true;
        }
        nanosleep(&tick, NULL);
    }
    return false;
}

static void
count_learned(const struct hal_fdb_entry *entry, void *n_)
{
    size_t *n = n_;

    *n += entry->type == HAL_FDB_LEARNED;
}

static size_t
learned(const struct env *e)
{
    size_t n = 0;

    hal_fdb_walk(e->hal, e->ls0, count_learned, &n);
    return n;
}

/* A broadcast from the host behind swp1, as if swp1 had received it. */
static void
host_sends(struct env *e)
{
    uint8_t frame[60];

    memset(frame, 0, sizeof frame);
    memset(frame, 0xff, 6);
    memcpy(frame + 6, host_mac, 6);
    frame[12] = 0x88; /* Local experimental EtherType. */
    frame[13] = 0xb5;
    sim_inject_frame(e->sim, 0, frame, sizeof frame, SIM_PORT_NO_TAG);
}

static void
ip(const char *cmd)
{
    assert_int_equal(system(cmd), 0);
}

/* A port whose interface has no carrier when the dataplane starts is down
 * from the start, and comes up with the carrier. */
static void
test_down_at_start_then_up(void **state)
{
    struct env *e;

    (void) state;
    NETNS_REQUIRE(netns_missing);
    ip("ip link add swp1 type veth peer name far1 && ip link set swp1 up");
    e = env_create();
    assert_false(swp1_up(e));
    host_sends(e);
    assert_int_equal(sim_drop_count(e->sim, "ingress port down"), 1);
    assert_int_equal(learned(e), 0);

    ip("ip link set far1 up");
    assert_true(wait_link(e, true));
    host_sends(e);
    assert_int_equal(learned(e), 1);
    env_destroy(e);
    ip("ip link del swp1");
}

/* Losing the carrier takes the port down and flushes what it learned;
 * so does setting the interface itself down; both come back. */
static void
test_carrier_lost_flushes(void **state)
{
    struct env *e;

    (void) state;
    NETNS_REQUIRE(netns_missing);
    ip("ip link add swp1 type veth peer name far1 && "
       "ip link set swp1 up && ip link set far1 up");
    e = env_create();
    assert_true(swp1_up(e));
    host_sends(e);
    assert_int_equal(learned(e), 1);

    ip("ip link set far1 down");
    assert_true(wait_link(e, false));
    assert_int_equal(learned(e), 0);

    ip("ip link set far1 up");
    assert_true(wait_link(e, true));
    host_sends(e);
    assert_int_equal(learned(e), 1);

    ip("ip link set swp1 down");
    assert_true(wait_link(e, false));
    assert_int_equal(learned(e), 0);
    ip("ip link set swp1 up");
    assert_true(wait_link(e, true));

    /* An interface deleted under the dataplane: down for good. */
    ip("ip link del far1");
    assert_true(wait_link(e, false));
    env_destroy(e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_down_at_start_then_up),
        cmocka_unit_test(test_carrier_lost_flushes),
    };

    return cmocka_run_group_tests(tests, netns_group_setup,
                                  netns_group_teardown);
}
