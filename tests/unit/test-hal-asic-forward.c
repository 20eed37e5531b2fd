/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for hal/asic: learning, aging, moves, the event FIFO, the
 * forwarding pipeline, counters and the dump formats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/ds.h"
#include "tests/unit/hal-asic-fixture.h"

/* The topology most tests use: ls0 (VNI 5000) bound to swp1 VLAN 10 and
 * swp2 untagged, ls1 (no VNI) bound to swp3 VLAN 20. */
struct topo {
    struct fixture f;
    hal_oid_t ls0, ls1;
    hal_oid_t swp1, swp2, swp3;
    struct hal_asic_decision d;
};

static void
topo_open(struct topo *t, enum hal_replication replication)
{
    struct hal_switch_config sw = { test_ip("192.0.2.100"), 4789, 10 };

    fixture_open(&t->f, "lab", NULL, false);
    assert_int_equal(hal_switch_set(t->f.hal, &sw), 0);
    t->swp1 = test_port(&t->f, "swp1");
    t->swp2 = test_port(&t->f, "swp2");
    t->swp3 = test_port(&t->f, "swp3");
    t->ls0 = test_bridge(&t->f, "ls0", 5000, replication);
    t->ls1 = test_bridge(&t->f, "ls1", HAL_VNI_NONE, replication);
    test_bind(&t->f, t->swp1, 10, t->ls0);
    test_bind(&t->f, t->swp2, 0, t->ls0);
    test_bind(&t->f, t->swp3, 20, t->ls1);
    hal_asic_decision_init(&t->d);
}

static void
topo_close(struct topo *t)
{
    hal_asic_decision_uninit(&t->d);
    fixture_close(&t->f);
}

/* Or'ed into a destination number: make it a multicast MAC. */
#define MCAST 0x80000000u

static const struct hal_asic_decision *
send_frame(struct topo *t, hal_oid_t port, uint16_t vlan, uint32_t src,
           uint32_t dst, int64_t now)
{
    struct hal_asic_frame frame = { port, vlan, test_mac(src), test_mac(dst),
                                    100,  NULL, NULL };

    if (dst == UINT32_MAX) {
        memset(&frame.dst, 0xff, sizeof frame.dst);
    } else if (dst & MCAST) {
        frame.dst.ea[0] = 0x01;
    }
    hal_asic_forward(t->f.asic, &frame, true, now, &t->d);
    return &t->d;
}

static void
set_flood(struct topo *t, hal_oid_t br, enum hal_flood_type type,
          const char *a, const char *b)
{
    struct in_addr remotes[2] = { test_ip(a), test_ip(b) };
    struct hal_flood_group g = {
        .bridge = br, .type = type, .remotes = remotes, .n_remotes = 2
    };

    assert_int_equal(hal_flood_set(t->f.hal, &g, 1, NULL), 0);
}

static void
test_learn_move_age(void **state)
{
    const struct hal_event *ev;
    struct topo t;

    topo_open(&t, HAL_REPLICATION_SOURCE_NODE);
    send_frame(&t, t.swp1, 10, 1, 2, 1000);
    assert_int_equal(fixture_run(&t.f, 1000), 1);
    ev = &t.f.events[0];
    assert_int_equal(ev->type, HAL_EVENT_FDB_LEARNED);
    assert_int_equal(ev->fdb.bridge, t.ls0);
    assert_int_equal(ev->fdb.mac.ea[5], 1);
    assert_int_equal(ev->fdb.port, t.swp1);
    assert_int_equal(ev->fdb.vlan, 10);
    assert_int_equal(ev->time_ms, 1000);

    /* Seen again on the same port: a refresh, no event. */
    send_frame(&t, t.swp1, 10, 1, 2, 5000);
    assert_int_equal(fixture_run(&t.f, 5000), 0);

    /* Seen on another binding of the bridge: a move. */
    send_frame(&t, t.swp2, 0, 1, 2, 6000);
    assert_int_equal(fixture_run(&t.f, 6000), 1);
    ev = &t.f.events[1];
    assert_int_equal(ev->type, HAL_EVENT_FDB_MOVED);
    assert_int_equal(ev->fdb.port, t.swp2);
    assert_int_equal(ev->fdb.vlan, 0);
    assert_int_equal(ev->fdb.old_port, t.swp1);
    assert_int_equal(ev->fdb.old_vlan, 10);

    /* Aging time is 10 s.  The age timer was armed by the first learn (at
     * 1 s); last seen at 6 s, the entry ages at 16 s exactly. */
    assert_int_equal(hal_next_wake(t.f.hal), 11000);
    assert_int_equal(fixture_run(&t.f, 11000), 0);
    assert_int_equal(hal_next_wake(t.f.hal), 16000);
    assert_int_equal(fixture_run(&t.f, 15999), 0);
    assert_int_equal(fixture_run(&t.f, 16000), 1);
    assert_int_equal(t.f.events[2].type, HAL_EVENT_FDB_AGED);
    assert_int_equal(hal_next_wake(t.f.hal), INT64_MAX);
    topo_close(&t);
}

static void
test_event_batches_and_flush(void **state)
{
    struct hal_fdb_flush flush = { HAL_OID_NULL, HAL_OID_NULL };
    struct topo t;
    uint32_t i;

    topo_open(&t, HAL_REPLICATION_SOURCE_NODE);
    for (i = 1; i <= 100; i++) {
        send_frame(&t, t.swp1, 10, i, 1000, 0);
    }
    /* 100 learned, delivered in batches of at most 64. */
    assert_int_equal(fixture_run(&t.f, 0), 100);
    assert_int_equal(t.f.n_batches, 2);
    fixture_clear_events(&t.f);

    /* Link down flushes what was learned on the port. */
    send_frame(&t, t.swp2, 0, 500, 1000, 0);
    fixture_run(&t.f, 0);
    fixture_clear_events(&t.f);
    assert_int_equal(hal_asic_set_link(t.f.asic, t.swp2, false), 0);
    fixture_run(&t.f, 0);
    assert_int_equal(t.f.events[0].type, HAL_EVENT_PORT_STATE);
    assert_false(t.f.events[0].port.up);
    assert_int_equal(fixture_count(&t.f, HAL_EVENT_FDB_FLUSHED), 1);
    fixture_clear_events(&t.f);

    flush.port = t.swp1;
    assert_int_equal(hal_fdb_flush(t.f.hal, &flush), 0);
    fixture_run(&t.f, 0);
    assert_int_equal(fixture_count(&t.f, HAL_EVENT_FDB_FLUSHED), 100);
    topo_close(&t);
}

static void
test_event_overflow(void **state)
{
    struct topo t;
    int i;

    topo_open(&t, HAL_REPLICATION_SOURCE_NODE);
    /* The lab FIFO holds 256 events. */
    for (i = 0; i < 150; i++) {
        hal_asic_set_link(t.f.asic, t.swp3, false);
        hal_asic_set_link(t.f.asic, t.swp3, true);
    }
    assert_int_equal(fixture_run(&t.f, 0), 257);
    assert_int_equal(t.f.events[256].type, HAL_EVENT_OVERFLOW);
    assert_int_equal(t.f.events[256].lost, 44);
    topo_close(&t);
}

static void
test_learning_exhaustion(void **state)
{
    struct hal_fdb_flush flush = { HAL_OID_NULL, HAL_OID_NULL };
    struct hal_resource res[HAL_TABLE_N];
    struct topo t;
    uint32_t i;

    topo_open(&t, HAL_REPLICATION_SOURCE_NODE);
    /* 200 source MACs into a 128-entry table: learning stops when there is
     * no room, frames still forward, and exhaustion is reported once. */
    for (i = 1; i <= 200; i++) {
        assert_int_equal(send_frame(&t, t.swp1, 10, i, 1000, 0)->action,
                         HAL_ASIC_FORWARD);
    }
    fixture_run(&t.f, 0);
    hal_resources_get(t.f.hal, res);
    assert_true(res[HAL_TABLE_FDB].used <= 128);
    assert_int_equal(fixture_count(&t.f, HAL_EVENT_FDB_LEARNED),
                     res[HAL_TABLE_FDB].used);
    assert_int_equal(fixture_count(&t.f, HAL_EVENT_RESOURCE_EXHAUSTED), 1);
    fixture_clear_events(&t.f);

    assert_int_equal(hal_fdb_flush(t.f.hal, &flush), 0);
    fixture_run(&t.f, 0);
    assert_int_equal(fixture_count(&t.f, HAL_EVENT_RESOURCE_FREED), 1);
    hal_resources_get(t.f.hal, res);
    assert_int_equal(res[HAL_TABLE_FDB].used, 0);
    topo_close(&t);
}

static void
test_static_beats_learned(void **state)
{
    struct hal_fdb_entry e;
    struct topo t;

    topo_open(&t, HAL_REPLICATION_SOURCE_NODE);
    send_frame(&t, t.swp1, 10, 7, 1000, 0);
    e = test_remote(t.ls0, 7, "192.0.2.7");
    assert_int_equal(hal_fdb_set(t.f.hal, &e, 1, NULL), 0);
    fixture_run(&t.f, 0);
    assert_int_equal(t.f.events[1].type, HAL_EVENT_FDB_FLUSHED);

    /* The data plane cannot move a static entry. */
    send_frame(&t, t.swp2, 0, 7, 1000, 0);
    assert_int_equal(fixture_run(&t.f, 0), 0);
    topo_close(&t);
}

static void
test_forward_unicast(void **state)
{
    const struct hal_asic_decision *d;
    struct hal_binding_stats bs;
    struct hal_tunnel_stats ts;
    struct hal_fdb_entry e[2];
    struct topo t;

    topo_open(&t, HAL_REPLICATION_SOURCE_NODE);
    /* Learn 2 on swp2 untagged; 1 on swp1 tagged 10 reaches it. */
    send_frame(&t, t.swp2, 0, 2, 1, 0);
    d = send_frame(&t, t.swp1, 10, 1, 2, 0);
    assert_int_equal(d->action, HAL_ASIC_FORWARD);
    assert_false(d->flooded);
    assert_int_equal(d->n_locals, 1);
    assert_int_equal(d->n_remotes, 0);
    assert_int_equal(d->locals[0].port, t.swp2);
    assert_int_equal(d->locals[0].vlan, 0);

    /* And back, tagged. */
    d = send_frame(&t, t.swp2, 0, 2, 1, 0);
    assert_int_equal(d->n_locals, 1);
    assert_int_equal(d->locals[0].port, t.swp1);
    assert_int_equal(d->locals[0].vlan, 10);

    /* Remote: the bridge's VNI, or the entry's own. */
    e[0] = test_remote(t.ls0, 3, "192.0.2.3");
    e[1] = test_remote(t.ls0, 4, "192.0.2.4");
    e[1].vni = 7000;
    assert_int_equal(hal_fdb_set(t.f.hal, e, 2, NULL), 0);
    d = send_frame(&t, t.swp1, 10, 1, 3, 0);
    assert_int_equal(d->n_remotes, 1);
    assert_int_equal(d->remotes[0].ip.s_addr, test_ip("192.0.2.3").s_addr);
    assert_int_equal(d->remotes[0].vni, 5000);
    d = send_frame(&t, t.swp1, 10, 1, 4, 0);
    assert_int_equal(d->remotes[0].vni, 7000);

    /* Drops. */
    d = send_frame(&t, t.swp1, 10, 1, 1, 0);
    assert_int_equal(d->action, HAL_ASIC_DROP);
    assert_string_equal(d->drop_reason,
                        "destination is on the ingress binding");
    d = send_frame(&t, t.swp1, 11, 1, 2, 0);
    assert_int_equal(d->action, HAL_ASIC_DROP);
    assert_string_equal(d->drop_reason, "no binding for port and VLAN");

    /* Counters: swp1/10 sent 4 frames that matched its binding (the
     * hairpin too) and got 2 (one flooded, one known). */
    assert_int_equal(hal_binding_stats_get(t.f.hal, t.swp1, 10, &bs), 0);
    assert_int_equal(bs.packets_from_local, 4);
    assert_int_equal(bs.bytes_from_local, 400);
    assert_int_equal(bs.packets_to_local, 2);
    assert_int_equal(hal_tunnel_stats_get(t.f.hal, test_ip("192.0.2.4"), &ts),
                     0);
    assert_int_equal(ts.tx_packets, 1);
    assert_int_equal(ts.tx_bytes, 100);
    assert_int_equal(hal_tunnel_stats_get(t.f.hal, test_ip("192.0.2.9"), &ts),
                     -ENOENT);
    topo_close(&t);
}

static void
test_forward_bum(void **state)
{
    const struct hal_asic_decision *d;
    struct in_addr remotes[1] = { { 0 } };
    struct hal_flood_group g;
    struct topo t;
    int mode;

    for (mode = 0; mode < 2; mode++) {
        enum hal_replication r =
            mode ? HAL_REPLICATION_SERVICE_NODE : HAL_REPLICATION_SOURCE_NODE;

        topo_open(&t, r);
        set_flood(&t, t.ls0, HAL_FLOOD_UNKNOWN_UNICAST, "192.0.2.1",
                  "192.0.2.2");
        set_flood(&t, t.ls0, HAL_FLOOD_BROADCAST, "192.0.2.1", "192.0.2.2");

        /* Unknown unicast: the other local binding and the flood list. */
        d = send_frame(&t, t.swp1, 10, 1, 99, 0);
        assert_int_equal(d->action, HAL_ASIC_FORWARD);
        assert_true(d->flooded);
        assert_int_equal(d->n_locals, 1);
        assert_int_equal(d->locals[0].port, t.swp2);
        assert_int_equal(d->n_remotes, mode ? 1 : 2);
        assert_int_equal(d->remotes[0].vni, 5000);

        /* Broadcast likewise. */
        d = send_frame(&t, t.swp2, 0, 2, UINT32_MAX, 0);
        assert_int_equal(d->n_locals, 1);
        assert_int_equal(d->locals[0].port, t.swp1);
        assert_int_equal(d->locals[0].vlan, 10);
        assert_int_equal(d->n_remotes, mode ? 1 : 2);

        /* Unknown multicast has no flood list here: local only. */
        d = send_frame(&t, t.swp2, 0, 2, MCAST | 5, 0);
        assert_int_equal(d->action, HAL_ASIC_FORWARD);
        assert_int_equal(d->n_locals, 1);
        assert_int_equal(d->n_remotes, 0);
        topo_close(&t);
    }

    /* A multicast group overrides the unknown-multicast flood list. */
    topo_open(&t, HAL_REPLICATION_SOURCE_NODE);
    set_flood(&t, t.ls0, HAL_FLOOD_UNKNOWN_MULTICAST, "192.0.2.1",
              "192.0.2.2");
    memset(&g, 0, sizeof g);
    g.bridge = t.ls0;
    g.mac = test_mac(5);
    g.mac.ea[0] = 0x01;
    remotes[0] = test_ip("192.0.2.9");
    g.remotes = remotes;
    g.n_remotes = 1;
    assert_int_equal(hal_mcast_set(t.f.hal, &g, 1, NULL), 0);
    struct hal_asic_frame frame = { t.swp1, 10,   test_mac(1), g.mac,
                                    64,     NULL, NULL };
    hal_asic_forward(t.f.asic, &frame, false, 0, &t.d);
    assert_int_equal(t.d.n_remotes, 1);
    assert_int_equal(t.d.remotes[0].ip.s_addr, remotes[0].s_addr);

    /* A bridge without a VNI never floods to the overlay, and a bridge with
     * one binding has nowhere to flood. */
    set_flood(&t, t.ls1, HAL_FLOOD_BROADCAST, "192.0.2.1", "192.0.2.2");
    d = send_frame(&t, t.swp3, 20, 3, UINT32_MAX, 0);
    assert_int_equal(d->action, HAL_ASIC_DROP);
    assert_string_equal(d->drop_reason, "no destination");
    topo_close(&t);
}

static void
test_decap(void **state)
{
    struct hal_asic_vxlan_frame vf;
    struct hal_tunnel_stats ts;
    struct hal_binding_stats bs;
    struct hal_fdb_entry e;
    struct topo t;

    topo_open(&t, HAL_REPLICATION_SOURCE_NODE);
    e = test_remote(t.ls0, 3, "192.0.2.3");
    assert_int_equal(hal_fdb_set(t.f.hal, &e, 1, NULL), 0);
    send_frame(&t, t.swp1, 10, 1, 3, 0);

    memset(&vf, 0, sizeof vf);
    vf.vni = 5000;
    vf.outer_src = test_ip("192.0.2.3");
    vf.src = test_mac(3);
    vf.dst = test_mac(1);
    vf.bytes = 200;
    hal_asic_decap(t.f.asic, &vf, &t.d);
    assert_int_equal(t.d.action, HAL_ASIC_FORWARD);
    assert_int_equal(t.d.n_locals, 1);
    assert_int_equal(t.d.locals[0].port, t.swp1);
    assert_int_equal(t.d.locals[0].vlan, 10);
    assert_int_equal(t.d.n_remotes, 0);

    /* Broadcast from the overlay reaches every local binding only. */
    memset(&vf.dst, 0xff, sizeof vf.dst);
    hal_asic_decap(t.f.asic, &vf, &t.d);
    assert_int_equal(t.d.n_locals, 2);
    assert_int_equal(t.d.n_remotes, 0);

    /* Split horizon, unknown VNI. */
    vf.dst = test_mac(3);
    hal_asic_decap(t.f.asic, &vf, &t.d);
    assert_int_equal(t.d.action, HAL_ASIC_DROP);
    vf.vni = 5001;
    hal_asic_decap(t.f.asic, &vf, &t.d);
    assert_string_equal(t.d.drop_reason, "unknown VNI");

    assert_int_equal(hal_tunnel_stats_get(t.f.hal, vf.outer_src, &ts), 0);
    assert_int_equal(ts.rx_packets, 4);
    assert_int_equal(ts.rx_bytes, 800);
    assert_int_equal(hal_binding_stats_get(t.f.hal, t.swp1, 10, &bs), 0);
    assert_int_equal(bs.packets_to_local, 2);
    topo_close(&t);
}

static void
test_dumps(void **state)
{
    struct ds out = DS_EMPTY_INITIALIZER;
    struct hal_fdb_entry e[2];
    struct topo t;

    topo_open(&t, HAL_REPLICATION_SOURCE_NODE);
    send_frame(&t, t.swp2, 0, 0x10, 1, 0);
    e[0] = test_remote(t.ls0, 0x20, "192.0.2.3");
    e[1] = test_local(t.ls1, 0x30, t.swp3, 20);
    e[0].vni = 7000;
    assert_int_equal(hal_fdb_set(t.f.hal, e, 2, NULL), 0);
    set_flood(&t, t.ls0, HAL_FLOOD_BROADCAST, "192.0.2.1", "192.0.2.2");

    assert_int_equal(hal_dump_fdb(t.f.hal, NULL, &out), 0);
    assert_string_equal(
        ds_cstr(&out),
        "LS               VNI      MAC                DESTINATION"
        "                    TYPE\n"
        "ls0              5000     02:00:00:00:00:10  port=swp2,vlan=untagged"
        "        learned\n"
        "ls0              5000     02:00:00:00:00:20  "
        "remote=192.0.2.3,vni=7000"
        "      static\n"
        "ls1              -        02:00:00:00:00:30  port=swp3,vlan=20"
        "              static\n");
    ds_clear(&out);
    assert_int_equal(hal_dump_fdb(t.f.hal, "ls1", &out), 0);
    assert_null(strstr(ds_cstr(&out), "ls0"));
    assert_int_equal(hal_dump_fdb(t.f.hal, "nonesuch", &out), -ENOENT);

    ds_clear(&out);
    hal_dump_flood(t.f.hal, &out);
    assert_string_equal(ds_cstr(&out),
                        "LS               VNI      REPLICATION  CLASS"
                        "                 REMOTES\n"
                        "ls0              5000     source_node  broadcast"
                        "             192.0.2.1,192.0.2.2\n");

    ds_clear(&out);
    hal_dump_bindings(t.f.hal, &out);
    assert_string_equal(ds_cstr(&out),
                        "PORT             VLAN     LS               VNI"
                        "      FROM_LOCAL(pkts/bytes) TO_LOCAL(pkts/bytes)\n"
                        "swp1             10       ls0              5000"
                        "     0/0 1/100\n"
                        "swp2             untagged ls0              5000"
                        "     1/100 0/0\n"
                        "swp3             20       ls1              -"
                        "        0/0 0/0\n");

    ds_clear(&out);
    hal_dump_resources(t.f.hal, &out);
    assert_string_equal(ds_cstr(&out), "TABLE            USED   CAPACITY\n"
                                       "fdb                 3        128\n"
                                       "bridge              2         16\n"
                                       "binding             3         32\n"
                                       "tunnel              3         16\n"
                                       "flood               2         64\n"
                                       "mcast               0         16\n"
                                       "neigh               0          8\n"
                                       "router              0          2\n"
                                       "rif                 0          8\n"
                                       "nexthop             0          8\n"
                                       "route               0         16\n"
                                       "rneigh              0         16\n"
                                       "acl-in              0         64\n"
                                       "acl-out             0         32\n");
    ds_destroy(&out);
    topo_close(&t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_learn_move_age),
        cmocka_unit_test(test_event_batches_and_flush),
        cmocka_unit_test(test_event_overflow),
        cmocka_unit_test(test_learning_exhaustion),
        cmocka_unit_test(test_static_beats_learned),
        cmocka_unit_test(test_forward_unicast),
        cmocka_unit_test(test_forward_bum),
        cmocka_unit_test(test_decap),
        cmocka_unit_test(test_dumps),
    };
    return cmocka_run_group_tests_name("hal/asic/forward", tests, NULL, NULL);
}
