/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for receive moderation on the dataplane's VXLAN socket
 * (struct sim_config's rx_usecs): real datagrams over loopback, in a
 * network namespace of the test's own (root only; otherwise the tests skip
 * and say why), into a dataplane whose one port is a socketpair.
 *
 * The datagrams are sent before the loop runs, or from the batch lock
 * hook, which the dataplane calls after a read and before it forwards:
 * what "arrives while the dataplane works" is then in the socket's queue
 * at a known point, and the counters say what each readiness callback
 * did. */
#include <arpa/inet.h>
#include <ev.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "hal/asic/asic.h"
#include "lib/ds.h"
#include "sim/frame.h"
#include "sim/sim.h"
#include "tests/unit/netns-fixture.h"

struct env {
    struct ev_loop *loop;
    struct hal *hal;
    struct sim *sim;
    int peer;           /* The far end of swp1. */
    int tx;             /* A remote VTEP's UDP socket, on 127.0.0.2. */
    int inject_on_lock; /* Datagrams to send from the next lock hook. */
    int locks;
};

static void
env_send(struct env *e, int n)
{
    static const uint8_t src_mac[6] = { 0x02, 0, 0, 0, 0, 0x0b };
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(4789) };
    uint8_t pkt[SIM_VXLAN_HLEN + 64];
    int i;

    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    memset(pkt, 0, sizeof pkt);
    pkt[0] = SIM_VXLAN_FLAG_I;
    pkt[4] = 0x00; /* VNI 5000. */
    pkt[5] = 0x13;
    pkt[6] = 0x88;
    memset(pkt + SIM_VXLAN_HLEN, 0xff, 6); /* Broadcast to swp1. */
    memcpy(pkt + SIM_VXLAN_HLEN + 6, src_mac, 6);
    pkt[SIM_VXLAN_HLEN + 12] = 0x88; /* Local experimental EtherType. */
    pkt[SIM_VXLAN_HLEN + 13] = 0xb5;
    for (i = 0; i < n; i++) {
        assert_int_equal(sendto(e->tx, pkt, sizeof pkt, 0,
                                (struct sockaddr *) &to, sizeof to),
                         (ssize_t) sizeof pkt);
    }
}

static void
hook_lock(void *e_)
{
    struct env *e = e_;

    e->locks++;
    if (e->inject_on_lock) {
        int n = e->inject_on_lock;

        e->inject_on_lock = 0;
        env_send(e, n);
    }
}

static void
hook_unlock(void *e_)
{
}

/* A dataplane with swp1 in VNI 5000 and VXLAN on 127.0.0.1, moderated by
 * 'rx_usecs' (struct sim_config's). */
static struct env *
env_create(int rx_usecs)
{
    struct hal_config hc = { .platform = "lab" };
    struct hal_bridge_config bc = { .name = "ls0",
                                    .vni = 5000,
                                    .replication = HAL_REPLICATION_SOURCE_NODE,
                                    .learning = false };
    struct sockaddr_in from = { .sin_family = AF_INET };
    struct env *e = calloc(1, sizeof *e);
    struct sim_port_spec spec;
    struct hal_binding b;
    struct sim_config sc;
    hal_oid_t ls0 = HAL_OID_NULL, swp1;
    int sv[2];

    hal_unregister_all();
    assert_int_equal(hal_register_provider(&hal_asic_provider), 0);
    assert_int_equal(hal_open("asic", &hc, &e->hal), 0);
    assert_int_equal(hal_port_by_name(e->hal, "swp1", &swp1), 0);
    assert_int_equal(hal_bridge_set(e->hal, &bc, &ls0), 0);
    b = (struct hal_binding){ swp1, 0, ls0 };
    assert_int_equal(hal_binding_set(e->hal, &b, 1, NULL), 0);

    assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
    memset(&spec, 0, sizeof spec);
    spec.name = "swp1";
    spec.kind = SIM_PORT_FD;
    spec.fd = sv[0];
    e->peer = sv[1];

    memset(&sc, 0, sizeof sc);
    sc.ports = &spec;
    sc.n_ports = 1;
    inet_pton(AF_INET, "127.0.0.1", &sc.tunnel_ip);
    sc.rx_usecs = rx_usecs;
    sc.lock = hook_lock;
    sc.unlock = hook_unlock;
    sc.lock_aux = e;
    e->loop = ev_loop_new(0);
    assert_int_equal(sim_create(e->loop, e->hal, &sc, &e->sim), 0);

    e->tx = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(e->tx >= 0);
    inet_pton(AF_INET, "127.0.0.2", &from.sin_addr);
    assert_int_equal(bind(e->tx, (struct sockaddr *) &from, sizeof from), 0);
    return e;
}

static void
env_destroy(struct env *e)
{
    sim_destroy(e->sim);
    hal_close(e->hal);
    ev_loop_destroy(e->loop);
    close(e->peer);
    close(e->tx);
    free(e);
}

/* Frames that reached swp1's far end, read and counted. */
static int
peer_drain(struct env *e)
{
    uint8_t buf[256];
    int n = 0;

    while (recv(e->peer, buf, sizeof buf, MSG_DONTWAIT) > 0) {
        n++;
    }
    return n;
}

static int64_t
now_usec(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* One loop iteration; returns the dataplane's counters' growth in 'reads'
 * and 'waits', and how long it took. */
static int64_t
run_once(struct env *e, uint64_t *reads, uint64_t *waits)
{
    struct sim_stats before, after;
    int64_t start = now_usec();

    sim_get_stats(e->sim, &before);
    ev_run(e->loop, EVRUN_NOWAIT);
    sim_get_stats(e->sim, &after);
    *reads = after.vxlan_reads - before.vxlan_reads;
    *waits = after.rx_waits - before.rx_waits;
    return now_usec() - start;
}

/* Datagrams that arrive while the dataplane forwards a short batch are
 * forwarded by the same readiness callback, after a wait of rx_usecs:
 * the read found a flood coming (five datagrams), waited, and read the
 * five that came meanwhile, then waited once more and found none.  The
 * drain's budget (250 µs) can run out in a preempted test, which then
 * tries again. */
static void
test_flood_waits_and_reads_again(void **state)
{
    struct env *e;
    uint64_t reads = 0, waits = 0;
    int64_t took = 0;
    int round, got = 0;

    NETNS_REQUIRE(netns_missing);
    e = env_create(40);
    for (round = 0; round < 5; round++) {
        env_send(e, 5);
        e->inject_on_lock = 5;
        took = run_once(e, &reads, &waits);
        got = peer_drain(e);
        if (got == 10 && reads == 3) {
            break;
        }
        while (got < 10) {
            ev_run(e->loop, EVRUN_NOWAIT);
            got += peer_drain(e);
        }
    }
    assert_int_equal(got, 10);
    assert_int_equal(reads, 3);
    assert_int_equal(waits, 2);
    assert_true(took >= 2 * 40);
    env_destroy(e);
}

/* One datagram is light traffic: no wait, it goes at once.  The next
 * datagrams, sent while it is forwarded, wait for the next callback. */
static void
test_single_datagram_does_not_wait(void **state)
{
    struct env *e;
    uint64_t reads, waits;

    NETNS_REQUIRE(netns_missing);
    e = env_create(40);
    env_send(e, 1);
    e->inject_on_lock = 3;
    run_once(e, &reads, &waits);
    assert_int_equal(peer_drain(e), 1);
    assert_int_equal(reads, 1);
    assert_int_equal(waits, 0);
    /* The three: a flood; waited for once, nothing more came. */
    run_once(e, &reads, &waits);
    assert_int_equal(peer_drain(e), 3);
    assert_int_equal(reads, 2);
    assert_int_equal(waits, 1);
    env_destroy(e);
}

/* Off: a short read ends the callback, whatever came meanwhile. */
static void
test_off(void **state)
{
    struct env *e;
    uint64_t reads, waits;
    struct ds out = DS_EMPTY_INITIALIZER;

    NETNS_REQUIRE(netns_missing);
    e = env_create(SIM_RX_USECS_OFF);
    env_send(e, 5);
    e->inject_on_lock = 5;
    run_once(e, &reads, &waits);
    assert_int_equal(peer_drain(e), 5);
    assert_int_equal(reads, 1);
    assert_int_equal(waits, 0);
    run_once(e, &reads, &waits);
    assert_int_equal(peer_drain(e), 5);
    sim_format_stats(e->sim, &out);
    assert_non_null(strstr(
        ds_cstr(&out), "vxlan reads: 2, receive moderation: off, 0 dropped"));
    ds_destroy(&out);
    env_destroy(e);
}

/* 0 takes the default; more than the largest takes the largest. */
static void
test_config_values(void **state)
{
    struct ds out = DS_EMPTY_INITIALIZER;
    struct env *e;

    NETNS_REQUIRE(netns_missing);
    e = env_create(0);
    sim_format_stats(e->sim, &out);
    assert_non_null(strstr(ds_cstr(&out), "receive moderation: "));
    assert_int_equal(atoi(strstr(ds_cstr(&out), "receive moderation: ")
                          + strlen("receive moderation: ")),
                     SIM_RX_USECS_DEFAULT);
    env_destroy(e);
    ds_clear(&out);
    e = env_create(100000);
    sim_format_stats(e->sim, &out);
    assert_non_null(strstr(ds_cstr(&out), "receive moderation: 100 us, "));
    env_destroy(e);
    ds_destroy(&out);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flood_waits_and_reads_again),
        cmocka_unit_test(test_single_datagram_does_not_wait),
        cmocka_unit_test(test_off),
        cmocka_unit_test(test_config_values),
    };

    return cmocka_run_group_tests_name(
        "sim/moderation", tests, netns_group_setup, netns_group_teardown);
}
