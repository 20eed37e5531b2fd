/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for ARP/ND suppression in the software dataplane (sim/arp.c
 * and the asic host table, hal/asic/neigh.c): real ARP and ND bytes
 * through sim_inject_frame(), with ports over socketpairs.
 *
 * Topology: bridge ls0 (VNI 5000) has swp1 untagged and swp2 VLAN 10; the
 * host table knows 192.0.2.7 and 2001:db8::7 at 02:00:00:00:00:07. */
#include <arpa/inet.h>
#include <ev.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "hal/asic/asic.h"
#include "lib/ds.h"
#include "sim/arp.h"
#include "sim/route.h"
#include "sim/sim.h"

struct env {
    struct ev_loop *loop;
    struct hal *hal;
    struct sim *sim;
    hal_oid_t ls0, swp1, swp2;
    int peer[2]; /* The far ends of swp1 and swp2. */
    struct hal_event events[16];
    size_t n_events;
};

static const uint8_t host_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t known_mac[6] = { 0x02, 0, 0, 0, 0, 0x07 };

static void
record_events(const struct hal_event *events, size_t n, void *e_)
{
    struct env *e = e_;
    size_t i;

    for (i = 0; i < n && e->n_events < 16; i++) {
        e->events[e->n_events++] = events[i];
    }
}

static struct hal_neigh_entry
neigh(const struct env *e, const char *ip)
{
    struct hal_neigh_entry n;

    memset(&n, 0, sizeof n);
    n.bridge = e->ls0;
    assert_int_equal(hal_ip_from_string(ip, &n.ip), 0);
    memcpy(n.mac.ea, known_mac, 6);
    return n;
}

static int
env_setup(void **state)
{
    struct hal_config hc = { .platform = "lab" };
    struct hal_bridge_config bc = { .name = "ls0",
                                    .vni = 5000,
                                    .replication = HAL_REPLICATION_SOURCE_NODE,
                                    .learning = true };
    struct sim_port_spec specs[2];
    struct hal_neigh_entry n[2];
    struct sim_config sc;
    struct hal_binding b[2];
    struct env *e = calloc(1, sizeof *e);
    int i;

    hal_unregister_all();
    assert_int_equal(hal_register_provider(&hal_asic_provider), 0);
    assert_int_equal(hal_open("asic", &hc, &e->hal), 0);
    hal_set_event_cb(e->hal, record_events, e);
    assert_int_equal(hal_port_by_name(e->hal, "swp1", &e->swp1), 0);
    assert_int_equal(hal_port_by_name(e->hal, "swp2", &e->swp2), 0);
    assert_int_equal(hal_bridge_set(e->hal, &bc, &e->ls0), 0);
    b[0] = (struct hal_binding){ e->swp1, 0, e->ls0 };
    b[1] = (struct hal_binding){ e->swp2, 10, e->ls0 };
    assert_int_equal(hal_binding_set(e->hal, b, 2, NULL), 0);
    n[0] = neigh(e, "192.0.2.7");
    n[1] = neigh(e, "2001:db8::7");
    assert_int_equal(hal_neigh_set(e->hal, n, 2, NULL), 0);

    memset(specs, 0, sizeof specs);
    for (i = 0; i < 2; i++) {
        int sv[2];

        assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
        specs[i].name = i ? "swp2" : "swp1";
        specs[i].kind = SIM_PORT_FD;
        specs[i].fd = sv[0];
        e->peer[i] = sv[1];
    }
    memset(&sc, 0, sizeof sc);
    sc.ports = specs;
    sc.n_ports = 2;
    e->loop = ev_loop_new(0);
    assert_int_equal(sim_create(e->loop, e->hal, &sc, &e->sim), 0);
    *state = e;
    return 0;
}

static int
env_teardown(void **state)
{
    struct env *e = *state;

    sim_destroy(e->sim);
    hal_close(e->hal);
    ev_loop_destroy(e->loop);
    close(e->peer[0]);
    close(e->peer[1]);
    free(e);
    return 0;
}

static size_t
peer_recv(struct env *e, int i, uint8_t *buf, size_t size)
{
    ssize_t n = recv(e->peer[i], buf, size, MSG_DONTWAIT);

    return n < 0 ? 0 : (size_t) n;
}

static struct hal_neigh_stats
stats(const struct env *e)
{
    struct hal_neigh_stats st;

    assert_int_equal(hal_neigh_stats_get(e->hal, e->ls0, &st), 0);
    return st;
}

/* ---- Frame builders ---- */

/* An ARP request from host_a (sender 'spa') for 'tpa', broadcast. */
static size_t
make_arp(uint8_t *f, const char *spa, const char *tpa)
{
    memset(f, 0, 60);
    memset(f, 0xff, 6);
    memcpy(f + 6, host_a, 6);
    f[12] = 0x08;
    f[13] = 0x06;
    f[15] = 1;    /* Ethernet. */
    f[16] = 0x08; /* IPv4. */
    f[18] = 6;
    f[19] = 4;
    f[21] = 1; /* Request. */
    memcpy(f + 22, host_a, 6);
    inet_pton(AF_INET, spa, f + 28);
    inet_pton(AF_INET, tpa, f + 38);
    return 42;
}

static uint16_t
csum6(const uint8_t *ip6, const uint8_t *msg, size_t len)
{
    uint32_t sum = (uint32_t) len + 58;
    size_t i;

    for (i = 8; i < 40; i += 2) {
        sum += (uint32_t) (ip6[i] << 8 | ip6[i + 1]);
    }
    for (i = 0; i + 1 < len; i += 2) {
        sum += (uint32_t) (msg[i] << 8 | msg[i + 1]);
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t) ~sum;
}

/* A neighbour solicitation from host_a (fe80::a) for 'target', with a
 * source link-layer address option, to the solicited-node group. */
static size_t
make_ns(uint8_t *f, const char *target, uint8_t hop_limit)
{
    uint8_t *ip = f + 14, *icmp = ip + 40;
    uint16_t c;

    memset(f, 0, 14 + 40 + 32);
    memcpy(f, (const uint8_t[]){ 0x33, 0x33, 0xff, 0, 0, 0x07 }, 6);
    memcpy(f + 6, host_a, 6);
    f[12] = 0x86;
    f[13] = 0xdd;
    ip[0] = 0x60;
    ip[5] = 32;
    ip[6] = 58;
    ip[7] = hop_limit;
    inet_pton(AF_INET6, "fe80::a", ip + 8);
    inet_pton(AF_INET6, "ff02::1:ff00:7", ip + 24);
    icmp[0] = 135;
    inet_pton(AF_INET6, target, icmp + 8);
    icmp[24] = 1;
    icmp[25] = 1;
    memcpy(icmp + 26, host_a, 6);
    c = csum6(ip, icmp, 32);
    icmp[2] = (uint8_t) (c >> 8);
    icmp[3] = (uint8_t) c;
    return 14 + 40 + 32;
}

/* ---- Tests ---- */

static void
test_arp_known_target_answered(void **state)
{
    struct env *e = *state;
    uint8_t in[64], out[128];
    size_t len = make_arp(in, "192.0.2.10", "192.0.2.7"), n;
    uint8_t ip[4];

    sim_inject_frame(e->sim, 0, in, len, SIM_PORT_NO_TAG);
    n = peer_recv(e, 0, out, sizeof out);
    assert_int_equal(n, SIM_ARP_FRAME_MIN);
    assert_memory_equal(out, host_a, 6);        /* To the asker... */
    assert_memory_equal(out + 6, known_mac, 6); /* ...from the target. */
    assert_int_equal(out[21], 2);               /* Reply. */
    assert_memory_equal(out + 22, known_mac, 6);
    inet_pton(AF_INET, "192.0.2.7", ip);
    assert_memory_equal(out + 28, ip, 4);
    assert_memory_equal(out + 32, host_a, 6);
    inet_pton(AF_INET, "192.0.2.10", ip);
    assert_memory_equal(out + 38, ip, 4);
    /* Not flooded to the other binding. */
    assert_int_equal(peer_recv(e, 1, out, sizeof out), 0);
    assert_int_equal(stats(e).answered, 1);
    assert_int_equal(stats(e).flooded, 0);
}

static void
test_arp_tagged_answer_keeps_vlan(void **state)
{
    struct env *e = *state;
    uint8_t in[64], out[128];
    size_t len = make_arp(in, "192.0.2.10", "192.0.2.7");

    sim_inject_frame(e->sim, 1, in, len, 0x2000 | 10);
    assert_int_equal(peer_recv(e, 1, out, sizeof out), SIM_ARP_FRAME_MIN + 4);
    assert_int_equal(out[12], 0x81);
    assert_int_equal(out[15], 10);
    assert_int_equal(out[25], 2);
    assert_int_equal(peer_recv(e, 0, out, sizeof out), 0);
}

static void
test_arp_unknown_and_gratuitous_flooded(void **state)
{
    struct env *e = *state;
    uint8_t in[64], out[128];
    size_t len;

    len = make_arp(in, "192.0.2.10", "192.0.2.99");
    sim_inject_frame(e->sim, 0, in, len, SIM_PORT_NO_TAG);
    assert_int_equal(peer_recv(e, 1, out, sizeof out), len + 4);
    assert_int_equal(peer_recv(e, 0, out, sizeof out), 0);

    /* Gratuitous ARP for a known address and a probe: never answered. */
    len = make_arp(in, "192.0.2.7", "192.0.2.7");
    sim_inject_frame(e->sim, 0, in, len, SIM_PORT_NO_TAG);
    assert_int_equal(peer_recv(e, 1, out, sizeof out), len + 4);
    len = make_arp(in, "0.0.0.0", "192.0.2.7");
    sim_inject_frame(e->sim, 0, in, len, SIM_PORT_NO_TAG);
    assert_int_equal(peer_recv(e, 1, out, sizeof out), len + 4);
    assert_int_equal(peer_recv(e, 0, out, sizeof out), 0);
    assert_int_equal(stats(e).answered, 0);
    assert_int_equal(stats(e).flooded, 1);
}

static void
test_malformed_dropped_and_counted(void **state)
{
    struct env *e = *state;
    uint8_t in[128], out[128];
    size_t len;

    /* Short: the ARP body stops after the opcode. */
    len = make_arp(in, "192.0.2.10", "192.0.2.7");
    sim_inject_frame(e->sim, 0, in, 22, SIM_PORT_NO_TAG);
    /* Wrong hardware type. */
    in[15] = 6;
    sim_inject_frame(e->sim, 0, in, len, SIM_PORT_NO_TAG);
    /* An NS with a hop limit other than 255 (RFC 4861, 7.1.1). */
    len = make_ns(in, "2001:db8::7", 64);
    sim_inject_frame(e->sim, 0, in, len, SIM_PORT_NO_TAG);
    /* An NS with a bad checksum. */
    len = make_ns(in, "2001:db8::7", 255);
    in[14 + 40 + 2] ^= 0xff;
    sim_inject_frame(e->sim, 0, in, len, SIM_PORT_NO_TAG);

    assert_int_equal(peer_recv(e, 0, out, sizeof out), 0);
    assert_int_equal(peer_recv(e, 1, out, sizeof out), 0);
    assert_int_equal(sim_drop_count(e->sim, "malformed ARP/ND"), 4);
    assert_int_equal(stats(e).malformed, 4);
    assert_int_equal(stats(e).answered, 0);
}

static void
test_ns_known_target_answered(void **state)
{
    struct env *e = *state;
    uint8_t in[128], out[128], target[16];
    size_t len = make_ns(in, "2001:db8::7", 255), n;
    const uint8_t *ip = out + 14, *icmp = out + 54;

    sim_inject_frame(e->sim, 0, in, len, SIM_PORT_NO_TAG);
    n = peer_recv(e, 0, out, sizeof out);
    assert_int_equal(n, SIM_NA_FRAME_LEN);
    assert_memory_equal(out, host_a, 6);
    assert_memory_equal(out + 6, known_mac, 6);
    assert_int_equal(ip[7], 255);
    assert_int_equal(icmp[0], 136);
    assert_int_equal(icmp[4], 0x60); /* Solicited, override. */
    inet_pton(AF_INET6, "2001:db8::7", target);
    assert_memory_equal(icmp + 8, target, 16);
    assert_memory_equal(ip + 8, target, 16);
    assert_int_equal(icmp[24], 2); /* Target link-layer address. */
    assert_memory_equal(icmp + 26, known_mac, 6);
    assert_int_equal(csum6(ip, icmp, 32), 0);
    assert_int_equal(peer_recv(e, 1, out, sizeof out), 0);
    assert_int_equal(stats(e).answered, 1);

    len = make_ns(in, "2001:db8::99", 255);
    sim_inject_frame(e->sim, 0, in, len, SIM_PORT_NO_TAG);
    assert_int_equal(peer_recv(e, 1, out, sizeof out), len + 4);
    assert_int_equal(stats(e).flooded, 1);
}

static void
test_full_table_floods(void **state)
{
    struct env *e = *state;
    struct hal_resource res[HAL_TABLE_N];
    struct hal_neigh_entry n[8];
    int status[8];
    uint8_t in[64], out[128];
    char ip[32];
    size_t i, len;

    /* The lab profile holds 8 entries; two are taken. */
    for (i = 0; i < 7; i++) {
        snprintf(ip, sizeof ip, "198.51.100.%zu", i + 1);
        n[i] = neigh(e, ip);
    }
    assert_int_equal(hal_neigh_set(e->hal, n, 7, status), HAL_E_TABLE_FULL);
    for (i = 0; i < 6; i++) {
        assert_int_equal(status[i], 0);
    }
    assert_int_equal(status[6], HAL_E_TABLE_FULL);
    hal_resources_get(e->hal, res);
    assert_int_equal(res[HAL_TABLE_NEIGH].used, 8);
    assert_int_equal(res[HAL_TABLE_NEIGH].capacity, 8);
    hal_run(e->hal, 1);
    assert_int_equal(e->n_events, 1);
    assert_int_equal(e->events[0].type, HAL_EVENT_RESOURCE_EXHAUSTED);
    assert_int_equal(e->events[0].resource.table, HAL_TABLE_NEIGH);

    /* The one that did not fit is flooded, not answered. */
    len = make_arp(in, "198.51.100.100", "198.51.100.7");
    sim_inject_frame(e->sim, 0, in, len, SIM_PORT_NO_TAG);
    assert_int_equal(peer_recv(e, 1, out, sizeof out), len + 4);
    assert_int_equal(peer_recv(e, 0, out, sizeof out), 0);

    /* Room again: RESOURCE_FREED, and the retry succeeds. */
    assert_int_equal(hal_neigh_remove(e->hal, &n[0], 1, NULL), 0);
    hal_run(e->hal, 2);
    assert_int_equal(e->events[e->n_events - 1].type,
                     HAL_EVENT_RESOURCE_FREED);
    assert_int_equal(hal_neigh_set(e->hal, &n[6], 1, NULL), 0);
    sim_inject_frame(e->sim, 0, in, len, SIM_PORT_NO_TAG);
    assert_int_equal(peer_recv(e, 0, out, sizeof out), SIM_ARP_FRAME_MIN);
}

static void
test_table_calls_and_dump(void **state)
{
    struct env *e = *state;
    struct hal_neigh_entry n = neigh(e, "192.0.2.7"), bad = n;
    struct ds out = DS_EMPTY_INITIALIZER;
    int status;

    /* Replacing the MAC of an entry; removing a missing one. */
    n.mac.ea[5] = 0x08;
    assert_int_equal(hal_neigh_set(e->hal, &n, 1, NULL), 0);
    n = neigh(e, "192.0.2.77");
    assert_int_equal(hal_neigh_remove(e->hal, &n, 1, &status), -ENOENT);
    /* Multicast IPs and MACs are refused before the backend sees them. */
    assert_int_equal(hal_ip_from_string("224.0.0.5", &bad.ip), 0);
    assert_int_equal(hal_neigh_set(e->hal, &bad, 1, NULL), -EINVAL);

    assert_int_equal(hal_dump_neigh(e->hal, NULL, &out), 0);
    assert_string_equal(ds_cstr(&out),
                        "LS               IP                              "
                        "        MAC\n"
                        "ls0              192.0.2.7                       "
                        "        02:00:00:00:00:08\n"
                        "ls0              2001:db8::7                     "
                        "        02:00:00:00:00:07\n"
                        "\n"
                        "LS                 ANSWERED    FLOODED  MALFORMED\n"
                        "ls0                       0          0          0\n");
    ds_clear(&out);
    assert_int_equal(hal_dump_neigh(e->hal, "nope", &out), -ENOENT);
    ds_destroy(&out);

    /* Removing the bridge removes its entries. */
    assert_int_equal(hal_bridge_remove(e->hal, e->ls0), 0);
    {
        struct hal_resource res[HAL_TABLE_N];

        hal_resources_get(e->hal, res);
        assert_int_equal(res[HAL_TABLE_NEIGH].used, 0);
    }
}

/* The router's neighbour solicitation (sim/route6.c) is one that the
 * classifier, and so any host, takes for a valid request: checksum, hop
 * limit, solicited-node destination, source link-layer address. */
static void
test_router_ns_is_valid(void **state)
{
    struct hal_mac sha = { { 0x02, 0xa5, 10, 99, 0, 2 } };
    struct hal_ip spa, tpa;
    struct sim_neigh_request req;
    uint8_t frame[SIM_NS_FRAME_LEN];
    struct sim_eth eth;
    size_t len;

    (void) state;
    assert_int_equal(hal_ip_from_string("2001:db8:2::1", &spa), 0);
    assert_int_equal(hal_ip_from_string("2001:db8:2::a:b0c", &tpa), 0);
    len = sim_ns_request(&sha, &spa, &tpa, frame);
    assert_int_equal(len, SIM_NS_FRAME_LEN);
    assert_int_equal(sim_eth_parse(frame, len, &eth), 0);
    assert_memory_equal(frame, "\x33\x33\xff\x0a\x0b\x0c", 6);
    assert_int_equal(sim_neigh_classify(eth.ethertype, frame + eth.payload,
                                        len - eth.payload, &eth.src, &req),
                     SIM_NEIGH_REQUEST);
    assert_true(hal_ip_equals(&req.target, &tpa));
    assert_true(hal_ip_equals(&req.sender, &spa));
    assert_memory_equal(&req.sha, &sha, sizeof sha);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_arp_known_target_answered,
                                        env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_arp_tagged_answer_keeps_vlan,
                                        env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(
            test_arp_unknown_and_gratuitous_flooded, env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_malformed_dropped_and_counted,
                                        env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_ns_known_target_answered,
                                        env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_full_table_floods, env_setup,
                                        env_teardown),
        cmocka_unit_test(test_router_ns_is_valid),
        cmocka_unit_test_setup_teardown(test_table_calls_and_dump, env_setup,
                                        env_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
