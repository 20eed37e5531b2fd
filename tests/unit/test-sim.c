/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for sim/sim: the dataplane pipeline on real bytes, through the
 * software ASIC, with ports over socketpairs (no privileges needed).
 *
 * Topology: bridge ls0 (VNI 5000) has swp1 untagged and swp2 VLAN 10. */
#include <arpa/inet.h>
#include <ev.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "hal/asic/asic.h"
#include "sim/frame.h"
#include "sim/sim.h"

struct env {
    struct ev_loop *loop;
    struct hal *hal;
    struct sim *sim;
    hal_oid_t ls0, swp1, swp2;
    int peer[2]; /* The far ends of swp1 and swp2. */
};

static const uint8_t host_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t host_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static int
env_setup(void **state)
{
    struct hal_config hc = { .platform = "lab" };
    struct hal_bridge_config bc = { .name = "ls0",
                                    .vni = 5000,
                                    .replication = HAL_REPLICATION_SOURCE_NODE,
                                    .learning = true };
    struct sim_port_spec specs[2];
    struct sim_config sc;
    struct hal_binding b[2];
    struct env *e = calloc(1, sizeof *e);
    int i;

    hal_unregister_all();
    assert_int_equal(hal_register_provider(&hal_asic_provider), 0);
    assert_int_equal(hal_open("asic", &hc, &e->hal), 0);
    assert_int_equal(hal_port_by_name(e->hal, "swp1", &e->swp1), 0);
    assert_int_equal(hal_port_by_name(e->hal, "swp2", &e->swp2), 0);
    assert_int_equal(hal_bridge_set(e->hal, &bc, &e->ls0), 0);
    b[0] = (struct hal_binding){ e->swp1, 0, e->ls0 };
    b[1] = (struct hal_binding){ e->swp2, 10, e->ls0 };
    assert_int_equal(hal_binding_set(e->hal, b, 2, NULL), 0);

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

/* Builds a frame dst/src of an experimental EtherType, with 'vlan' in the bytes if nonzero;
 * returns its length. */
static size_t
make_frame(uint8_t *buf, const uint8_t *dst, const uint8_t *src, uint16_t vlan)
{
    size_t len = 12;

    memcpy(buf, dst, 6);
    memcpy(buf + 6, src, 6);
    if (vlan) {
        buf[len++] = 0x81;
        buf[len++] = 0x00;
        buf[len++] = (uint8_t) (vlan >> 8);
        buf[len++] = (uint8_t) vlan;
    }
    /* IEEE 802 local experimental EtherType: payload nobody parses. */
    buf[len++] = 0x88;
    buf[len++] = 0xb5;
    memset(buf + len, 0x5a, 46);
    return len + 46;
}

/* Reads the frame waiting at peer 'i', or returns 0 if there is none. */
static size_t
peer_recv(struct env *e, int i, uint8_t *buf, size_t size)
{
    ssize_t n = recv(e->peer[i], buf, size, MSG_DONTWAIT);

    return n < 0 ? 0 : (size_t) n;
}

static void
test_untagged_in_tagged_out(void **state)
{
    struct env *e = *state;
    uint8_t in[128], out[128];
    size_t len = make_frame(in, bcast, host_a, 0), n;

    sim_inject_frame(e->sim, 0, in, len, SIM_PORT_NO_TAG);
    n = peer_recv(e, 1, out, sizeof out);
    assert_int_equal(n, len + 4);
    assert_memory_equal(out, in, 12);
    assert_int_equal(out[12], 0x81);
    assert_int_equal(out[15], 10);
    assert_memory_equal(out + 16, in + 12, len - 12);
    /* Not back out of the ingress port. */
    assert_int_equal(peer_recv(e, 0, out, sizeof out), 0);
}

static void
test_tagged_in_untagged_out(void **state)
{
    struct env *e = *state;
    uint8_t in[128], out[128], plain[128];
    size_t len = make_frame(in, bcast, host_b, 10), n;
    size_t plain_len = make_frame(plain, bcast, host_b, 0);

    /* The tag in the bytes... */
    sim_inject_frame(e->sim, 1, in, len, SIM_PORT_NO_TAG);
    n = peer_recv(e, 0, out, sizeof out);
    assert_int_equal(n, plain_len);
    assert_memory_equal(out, plain, plain_len);

    /* ...or in metadata, as AF_PACKET reports a stripped one. */
    sim_inject_frame(e->sim, 1, plain, plain_len, 0x2000 | 10);
    n = peer_recv(e, 0, out, sizeof out);
    assert_int_equal(n, plain_len);
    assert_memory_equal(out, plain, plain_len);
}

static void
test_unbound_vlan_and_garbage_dropped(void **state)
{
    struct env *e = *state;
    uint8_t in[128], out[128];
    size_t len = make_frame(in, bcast, host_b, 11);
    struct sim_stats st;

    sim_inject_frame(e->sim, 1, in, len, SIM_PORT_NO_TAG);
    assert_int_equal(sim_drop_count(e->sim, "no binding for port and VLAN"),
                     1);
    sim_inject_frame(e->sim, 0, in, 13, SIM_PORT_NO_TAG);
    sim_inject_frame(e->sim, 1, in, 16, SIM_PORT_NO_TAG);
    assert_int_equal(sim_drop_count(e->sim, "malformed frame"), 2);
    assert_int_equal(peer_recv(e, 0, out, sizeof out), 0);
    assert_int_equal(peer_recv(e, 1, out, sizeof out), 0);
    sim_get_stats(e->sim, &st);
    assert_int_equal(st.drops, 3);
}

static void
count_learned(const struct hal_fdb_entry *entry, void *n_)
{
    size_t *n = n_;

    *n += entry->type == HAL_FDB_LEARNED && !memcmp(entry->mac.ea, host_a, 6);
}

static void
test_learning_and_unicast(void **state)
{
    struct env *e = *state;
    uint8_t in[128], out[128];
    struct hal_binding_stats bs;
    size_t len = make_frame(in, bcast, host_a, 0), n = 0;

    sim_inject_frame(e->sim, 0, in, len, SIM_PORT_NO_TAG);
    assert_true(peer_recv(e, 1, out, sizeof out) > 0);
    hal_fdb_walk(e->hal, e->ls0, count_learned, &n);
    assert_int_equal(n, 1);

    /* B answers A: unicast to swp1 only, untagged. */
    len = make_frame(in, host_a, host_b, 10);
    sim_inject_frame(e->sim, 1, in, len, SIM_PORT_NO_TAG);
    assert_int_equal(peer_recv(e, 0, out, sizeof out), len - 4);
    assert_memory_equal(out, host_a, 6);

    assert_int_equal(hal_binding_stats_get(e->hal, e->swp1, 0, &bs), 0);
    assert_int_equal(bs.packets_from_local, 1);
    assert_int_equal(bs.packets_to_local, 1);
}

/* Builds a VXLAN payload with 'flags' and 'vni' around an inner frame;
 * returns its length. */
static size_t
make_vxlan(uint8_t *buf, uint8_t flags, uint32_t vni, uint16_t inner_vlan)
{
    memset(buf, 0, SIM_VXLAN_HLEN);
    buf[0] = flags;
    buf[4] = (uint8_t) (vni >> 16);
    buf[5] = (uint8_t) (vni >> 8);
    buf[6] = (uint8_t) vni;
    return SIM_VXLAN_HLEN
           + make_frame(buf + SIM_VXLAN_HLEN, bcast, host_b, inner_vlan);
}

static void
test_decap_delivers_with_binding_tag(void **state)
{
    struct env *e = *state;
    uint8_t pkt[256], out[256];
    size_t len = make_vxlan(pkt, SIM_VXLAN_FLAG_I, 5000, 0);
    struct in_addr src = { htonl(0xc0000201) };
    size_t inner = len - SIM_VXLAN_HLEN;

    sim_inject_vxlan(e->sim, src, pkt, len);
    assert_int_equal(peer_recv(e, 0, out, sizeof out), inner);
    assert_memory_equal(out, pkt + SIM_VXLAN_HLEN, inner);
    assert_int_equal(peer_recv(e, 1, out, sizeof out), inner + 4);
    assert_int_equal(out[12], 0x81);
    assert_int_equal(out[15], 10);
}

static void
test_decap_validation(void **state)
{
    struct env *e = *state;
    uint8_t pkt[256], out[256];
    struct in_addr src = { htonl(0xc0000201) };
    struct sim_stats st;
    size_t len;

    len = make_vxlan(pkt, 0x00, 5000, 0);
    sim_inject_vxlan(e->sim, src, pkt, len);
    assert_int_equal(sim_drop_count(e->sim, "VXLAN flags"), 1);

    len = make_vxlan(pkt, SIM_VXLAN_FLAG_I, 5001, 0);
    sim_inject_vxlan(e->sim, src, pkt, len);
    assert_int_equal(sim_drop_count(e->sim, "unknown VNI"), 1);

    len = make_vxlan(pkt, SIM_VXLAN_FLAG_I, 5000, 10);
    sim_inject_vxlan(e->sim, src, pkt, len);
    assert_int_equal(sim_drop_count(e->sim, "inner VLAN tag"), 1);

    sim_inject_vxlan(e->sim, src, pkt, 7);
    sim_inject_vxlan(e->sim, src, pkt, SIM_VXLAN_HLEN + 13);
    assert_int_equal(sim_drop_count(e->sim, "VXLAN packet too short"), 2);

    assert_int_equal(peer_recv(e, 0, out, sizeof out), 0);
    assert_int_equal(peer_recv(e, 1, out, sizeof out), 0);
    sim_get_stats(e->sim, &st);
    assert_int_equal(st.vxlan_rx, 5);
    assert_int_equal(st.drops, 5);
}

/* Puts host_b behind the VTEP 192.0.2.1 and returns its entry. */
static struct hal_fdb_entry
remote_host_b(struct env *e)
{
    struct hal_fdb_entry fdb;

    memset(&fdb, 0, sizeof fdb);
    fdb.bridge = e->ls0;
    memcpy(fdb.mac.ea, host_b, 6);
    fdb.type = HAL_FDB_STATIC;
    fdb.remote = true;
    fdb.remote_ip.s_addr = htonl(0xc0000201);
    fdb.vni = HAL_VNI_NONE;
    assert_int_equal(hal_fdb_set(e->hal, &fdb, 1, NULL), 0);
    return fdb;
}

static void
test_remote_without_underlay(void **state)
{
    struct env *e = *state;
    uint8_t in[128], out[128];
    size_t len = make_frame(in, host_b, host_a, 0);

    remote_host_b(e);

    sim_inject_frame(e->sim, 0, in, len, SIM_PORT_NO_TAG);
    assert_int_equal(sim_drop_count(e->sim, "no underlay"), 1);
    assert_int_equal(peer_recv(e, 1, out, sizeof out), 0);
}

/* A frame from swp2 (VLAN 10) with a second tag behind it: swp1 takes
 * it with that tag as payload, a remote VTEP never (RFC 7348, 6.1). */
static void
test_inner_tag_not_tunnelled(void **state)
{
    struct env *e = *state;
    struct hal_flood_group flood;
    struct hal_fdb_entry fdb;
    uint8_t in[128], out[128];
    size_t len = make_frame(in, host_b, host_a, 20), n;

    fdb = remote_host_b(e);
    memset(&flood, 0, sizeof flood);

    /* Known remote MAC: not sent (nor counted as lacking an underlay). */
    sim_inject_frame(e->sim, 1, in, len, 0x2000 | 10);
    assert_int_equal(sim_drop_count(e->sim, "inner VLAN tag"), 1);
    assert_int_equal(sim_drop_count(e->sim, "no underlay"), 0);

    /* Flooded: swp1 gets it, tag 20 and all; the tunnels do not. */
    flood.bridge = e->ls0;
    flood.type = HAL_FLOOD_BROADCAST;
    flood.remotes = &fdb.remote_ip;
    flood.n_remotes = 1;
    assert_int_equal(hal_flood_set(e->hal, &flood, 1, NULL), 0);
    make_frame(in, bcast, host_a, 20);
    sim_inject_frame(e->sim, 1, in, len, 0x2000 | 10);
    n = peer_recv(e, 0, out, sizeof out);
    assert_int_equal(n, len);
    assert_memory_equal(out, in, len);
    assert_int_equal(sim_drop_count(e->sim, "inner VLAN tag"), 2);

    /* The same with the outer tag in the bytes. */
    memmove(in + 16, in + 12, len - 12);
    in[12] = 0x81;
    in[13] = 0x00;
    in[14] = 0x00;
    in[15] = 10;
    sim_inject_frame(e->sim, 1, in, len + 4, SIM_PORT_NO_TAG);
    n = peer_recv(e, 0, out, sizeof out);
    assert_int_equal(n, len);
    assert_memory_equal(out + 12, in + 16, len - 12);
    assert_int_equal(sim_drop_count(e->sim, "inner VLAN tag"), 3);
}

static void
test_create_errors(void **state)
{
    struct env *e = *state;
    struct sim_port_spec spec = { "swp99", SIM_PORT_FD, -1 };
    struct sim_config sc = { .ports = &spec, .n_ports = 1 };
    struct sim *sim;
    int sv[2];

    assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
    spec.fd = sv[0];
    assert_int_equal(sim_create(e->loop, e->hal, &sc, &sim), -ENOENT);
    assert_null(sim);
    /* The descriptor was the dataplane's to close: the peer sees EOF. */
    assert_int_equal(send(sv[1], "x", 1, MSG_DONTWAIT), -1);
    close(sv[1]);
}

/* The lock hooks of a dataplane in a thread of its own: each readiness
 * callback takes the lock once, forwards its batch inside it, and gives it
 * back. */
struct lock_probe {
    int locks, unlocks;
    bool held;
    struct env *e;
    size_t seen_out; /* Frames at peer 1 when the lock was given back. */
    size_t max_out;  /* The most of them at one unlock. */
};

static void
probe_lock(void *p_)
{
    struct lock_probe *p = p_;

    assert_false(p->held);
    p->held = true;
    p->locks++;
}

static void
probe_unlock(void *p_)
{
    struct lock_probe *p = p_;
    uint8_t buf[128];

    size_t n = 0;

    assert_true(p->held);
    p->held = false;
    p->unlocks++;
    while (peer_recv(p->e, 1, buf, sizeof buf) > 0) {
        n++;
    }
    p->seen_out += n;
    if (n > p->max_out) {
        p->max_out = n;
    }
}

/* Replaces the dataplane of 'e' with one on the same chip whose lock hooks
 * are 'probe''s. */
static void
use_lock_probe(struct env *e, struct lock_probe *probe)
{
    struct sim_port_spec specs[2];
    struct sim_config sc;
    int i;

    sim_destroy(e->sim);
    memset(specs, 0, sizeof specs);
    for (i = 0; i < 2; i++) {
        int sv[2];

        assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
        specs[i].name = i ? "swp2" : "swp1";
        specs[i].kind = SIM_PORT_FD;
        specs[i].fd = sv[0];
        close(e->peer[i]);
        e->peer[i] = sv[1];
    }
    memset(&sc, 0, sizeof sc);
    sc.ports = specs;
    sc.n_ports = 2;
    sc.lock = probe_lock;
    sc.unlock = probe_unlock;
    sc.lock_aux = probe;
    probe->e = e;
    assert_int_equal(sim_create(e->loop, e->hal, &sc, &e->sim), 0);
}

static void
test_batch_lock_hooks(void **state)
{
    struct env *e = *state;
    struct lock_probe probe = { 0 };
    uint8_t in[128];
    size_t len = make_frame(in, bcast, host_a, 0);

    /* A dataplane of our own on the same chip, with the hooks. */
    use_lock_probe(e, &probe);
    assert_int_equal(send(e->peer[0], in, len, 0), (ssize_t) len);
    ev_run(e->loop, EVRUN_NOWAIT);
    assert_int_equal(probe.locks, 1);
    assert_int_equal(probe.unlocks, 1);
    assert_false(probe.held);
    /* The frame went out to swp2 before the lock was given back. */
    assert_int_equal(probe.seen_out, 1);
}

/* Three batches' worth of frames waiting on a port: one readiness
 * callback (one loop iteration) forwards more than a batch, and takes the
 * lock per batch ("Draining" in docs/dataplane.md).  The drain also stops
 * after SIM_DRAIN_USEC, which a preempted test could exceed: the test
 * tries a few times and asks for one such callback. */
static void
test_drain_reads_on(void **state)
{
    struct env *e = *state;
    struct lock_probe probe = { 0 };
    uint8_t in[128];
    size_t len = make_frame(in, bcast, host_a, 0);
    size_t most = 0;
    int round, i;

    use_lock_probe(e, &probe);
    for (round = 0; round < 5 && most <= 32; round++) {
        probe.seen_out = 0;
        for (i = 0; i < 96; i++) {
            assert_int_equal(send(e->peer[0], in, len, MSG_DONTWAIT),
                             (ssize_t) len);
        }
        ev_run(e->loop, EVRUN_NOWAIT);
        if (probe.seen_out > most) {
            most = probe.seen_out;
        }
        for (i = 0; i < 1000 && probe.seen_out < 96; i++) {
            ev_run(e->loop, EVRUN_NOWAIT);
        }
        assert_int_equal(probe.seen_out, 96);
        assert_false(probe.held);
        assert_int_equal(probe.locks, probe.unlocks);
    }
    assert_true(most > 32);
    /* No batch bigger than SIM_BATCH went out under one lock. */
    assert_true(probe.max_out <= 32);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_untagged_in_tagged_out, env_setup,
                                        env_teardown),
        cmocka_unit_test_setup_teardown(test_tagged_in_untagged_out, env_setup,
                                        env_teardown),
        cmocka_unit_test_setup_teardown(test_unbound_vlan_and_garbage_dropped,
                                        env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_learning_and_unicast, env_setup,
                                        env_teardown),
        cmocka_unit_test_setup_teardown(test_decap_delivers_with_binding_tag,
                                        env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_decap_validation, env_setup,
                                        env_teardown),
        cmocka_unit_test_setup_teardown(test_remote_without_underlay,
                                        env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_inner_tag_not_tunnelled,
                                        env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_create_errors, env_setup,
                                        env_teardown),
        cmocka_unit_test_setup_teardown(test_batch_lock_hooks, env_setup,
                                        env_teardown),
        cmocka_unit_test_setup_teardown(test_drain_reads_on, env_setup,
                                        env_teardown),
    };

    return cmocka_run_group_tests_name("sim/sim", tests, NULL, NULL);
}
