/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for hal/ (the backend-neutral half): provider registry,
 * argument checks and per-entry status of bulk calls, the dumps, object
 * ids, the clock and the event ring, all against a fake provider defined
 * here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "hal/hal-provider.h"
#include "lib/ds.h"
#include "lib/util.h"

#define PORT(N) (((hal_oid_t) HAL_OBJECT_PORT << 56) | (N))
#define BRIDGE(N) (((hal_oid_t) HAL_OBJECT_BRIDGE << 56) | (N))

/* The fake backend: two ports, two bridges, fixed table contents, and a
 * record of what the bulk calls were given. */
struct fake {
    struct hal up;
    size_t n_fdb_set; /* Entries the last fdb_set call received. */
    struct hal_fdb_entry last_fdb[8];
    size_t run_pushes;   /* PORT_STATE events the next run() queues. */
    int64_t run_hal_now; /* hal_now() as run() saw it. */
};

static struct fake *
fake_cast(const struct hal *hal)
{
    return container_of(hal, struct fake, up);
}

static const struct hal_provider fake_provider;

static int
fake_open(const struct hal_config *config, struct hal **halp)
{
    struct fake *fake = xzalloc(sizeof *fake);

    hal_init(&fake->up, &fake_provider, false);
    *halp = &fake->up;
    return 0;
}

static void
fake_close(struct hal *hal)
{
    free(fake_cast(hal));
}

static size_t
fake_port_count(const struct hal *hal)
{
    return 2;
}

static int
fake_port_get(const struct hal *hal, size_t i, struct hal_port_info *info)
{
    if (i >= 2) {
        return -ENOENT;
    }
    memset(info, 0, sizeof *info);
    info->oid = PORT(i);
    snprintf(info->name, sizeof info->name, "p%zu", i + 1);
    return 0;
}

static int
fake_bridge_get(const struct hal *hal, hal_oid_t oid,
                struct hal_bridge_config *c)
{
    memset(c, 0, sizeof *c);
    if (oid == BRIDGE(1)) {
        snprintf(c->name, sizeof c->name, "blue");
        c->vni = 10;
    } else if (oid == BRIDGE(2)) {
        snprintf(c->name, sizeof c->name, "red");
        c->vni = HAL_VNI_NONE;
        c->replication = HAL_REPLICATION_SOURCE_NODE;
    } else {
        return -ENOENT;
    }
    return 0;
}

static void
fake_bridge_walk(const struct hal *hal, hal_bridge_walk_cb *cb, void *aux)
{
    struct hal_bridge_config c;

    fake_bridge_get(hal, BRIDGE(2), &c);
    cb(BRIDGE(2), &c, aux);
    fake_bridge_get(hal, BRIDGE(1), &c);
    cb(BRIDGE(1), &c, aux);
}

static int
fake_fdb_set(struct hal *hal, const struct hal_fdb_entry *e, size_t n,
             int *status)
{
    struct fake *fake = fake_cast(hal);
    size_t i;

    fake->n_fdb_set = n;
    for (i = 0; i < n; i++) {
        fake->last_fdb[i] = e[i];
        /* The backend's own verdict on the entry with MAC ..:99. */
        status[i] = e[i].mac.ea[5] == 0x99 ? HAL_E_BUCKET_FULL : 0;
    }
    return 0;
}

static void
fake_fdb_walk(const struct hal *hal, hal_oid_t bridge, hal_fdb_walk_cb *cb,
              void *aux)
{
    struct hal_fdb_entry e;

    memset(&e, 0, sizeof e);
    /* Deliberately out of order: the dump sorts. */
    e.bridge = BRIDGE(2);
    e.mac = (struct hal_mac){ { 0, 0, 0, 0, 0, 2 } };
    e.port = PORT(1);
    e.vlan = 0;
    e.type = HAL_FDB_LEARNED;
    if (!bridge || bridge == e.bridge) {
        cb(&e, aux);
    }
    e.bridge = BRIDGE(1);
    e.remote = true;
    e.remote_ip.s_addr = htonl(0xc0000201);
    e.vni = HAL_VNI_NONE;
    e.type = HAL_FDB_STATIC;
    if (!bridge || bridge == e.bridge) {
        cb(&e, aux);
    }
    e.mac.ea[5] = 1;
    e.remote = false;
    e.port = PORT(0);
    e.vlan = 100;
    if (!bridge || bridge == e.bridge) {
        cb(&e, aux);
    }
}

static void
fake_binding_walk(const struct hal *hal, hal_binding_walk_cb *cb, void *aux)
{
    struct hal_binding b = { PORT(1), 0, BRIDGE(2) };

    cb(&b, aux);
    b = (struct hal_binding){ PORT(0), 100, BRIDGE(1) };
    cb(&b, aux);
}

static void
fake_flood_walk(const struct hal *hal, hal_flood_walk_cb *cb, void *aux)
{
    struct in_addr ips[2] = { { htonl(0xc0000201) }, { htonl(0xc0000202) } };
    struct hal_flood_group g = { .bridge = BRIDGE(1),
                                 .type = HAL_FLOOD_BROADCAST,
                                 .remotes = ips,
                                 .n_remotes = 2 };

    cb(&g, false, aux);
    g.mac = (struct hal_mac){ { 1, 0, 0x5e, 0, 0, 1 } };
    g.n_remotes = 1;
    cb(&g, true, aux);
    g.type = HAL_FLOOD_UNKNOWN_UNICAST;
    cb(&g, false, aux);
}

static void
fake_resources_get(const struct hal *hal, struct hal_resource res[])
{
    res[HAL_TABLE_FDB] = (struct hal_resource){ 3, 1000 };
}

/* Queues what the test asked for, as a backend queues what its chip
 * reported. */
static void
fake_run(struct hal *hal, int64_t now_ms)
{
    struct fake *fake = fake_cast(hal);

    fake->run_hal_now = hal_now(hal);
    for (; fake->run_pushes; fake->run_pushes--) {
        hal_event_port_state(hal, PORT(fake->run_pushes), true);
    }
}

/* Reports one flushed entry per call, as a backend does from inside a
 * call; the ring must hold it until hal_run(). */
static int
fake_fdb_flush(struct hal *hal, const struct hal_fdb_flush *filter)
{
    struct hal_fdb_entry e = { .bridge = BRIDGE(1),
                               .port = PORT(0),
                               .vlan = 7 };

    hal_event_fdb(hal, HAL_EVENT_FDB_FLUSHED, &e, HAL_OID_NULL, 0);
    return 0;
}

static const struct hal_provider fake_provider = {
    .name = "fake",
    .open = fake_open,
    .close = fake_close,
    .run = fake_run,
    .fdb_flush = fake_fdb_flush,
    .port_count = fake_port_count,
    .port_get = fake_port_get,
    .bridge_get = fake_bridge_get,
    .bridge_walk = fake_bridge_walk,
    .fdb_set = fake_fdb_set,
    .fdb_walk = fake_fdb_walk,
    .binding_walk = fake_binding_walk,
    .flood_walk = fake_flood_walk,
    .resources_get = fake_resources_get,
};

static int
setup(void **state)
{
    struct hal *hal;

    hal_unregister_all();
    assert_int_equal(hal_register_provider(&fake_provider), 0);
    assert_int_equal(hal_open("fake", NULL, &hal), 0);
    *state = hal;
    return 0;
}

static int
teardown(void **state)
{
    hal_close(*state);
    hal_close(NULL);
    return 0;
}

static void
test_registry(void **state)
{
    struct hal *hal = *state;
    struct hal *other = NULL;
    hal_oid_t oid = HAL_OID_NULL;

    assert_int_equal(hal_register_provider(&fake_provider), -EEXIST);
    assert_int_equal(hal_open("nonesuch", NULL, &other), -ENOENT);
    assert_null(other);
    assert_string_equal(hal_backend_name(hal), "fake");
    assert_false(hal_is_warm(hal));
    /* No poll_fd op: nothing to watch. */
    assert_int_equal(hal_poll_fd(hal), -1);
    assert_int_equal(hal_port_by_name(hal, "p2", &oid), 0);
    assert_int_equal(oid, PORT(1));
    assert_int_equal(hal_port_by_name(hal, "p3", &oid), -ENOENT);
    /* Optional operations the fake lacks. */
    assert_int_equal(hal_resync_begin(hal), 0);
    assert_int_equal(hal_resync_end(hal), 0);
    struct hal_tunnel_stats ts;
    assert_int_equal(hal_tunnel_stats_get(hal, (struct in_addr){ 1 }, &ts),
                     -EOPNOTSUPP);
}

static void
test_bulk_checks(void **state)
{
    struct hal *hal = *state;
    struct fake *fake = fake_cast(hal);
    struct hal_fdb_entry e[4];
    int status[4];
    int i;

    memset(e, 0, sizeof e);
    for (i = 0; i < 4; i++) {
        e[i].bridge = BRIDGE(1);
        e[i].type = HAL_FDB_STATIC;
        e[i].remote = true;
        e[i].remote_ip.s_addr = htonl(0xc0000201);
        e[i].vni = HAL_VNI_NONE;
        e[i].mac.ea[5] = (uint8_t) i;
    }
    e[1].mac.ea[0] = 1;    /* Multicast MAC. */
    e[2].vni = 1u << 24;   /* VNI too large. */
    e[3].mac.ea[5] = 0x99; /* The backend refuses it. */
    assert_int_equal(hal_fdb_set(hal, e, 4, status), -EINVAL);
    assert_int_equal(status[0], 0);
    assert_int_equal(status[1], -EINVAL);
    assert_int_equal(status[2], -EINVAL);
    assert_int_equal(status[3], HAL_E_BUCKET_FULL);
    /* Only well-formed entries reach the provider, in order. */
    assert_int_equal(fake->n_fdb_set, 2);
    assert_int_equal(fake->last_fdb[0].mac.ea[5], 0);
    assert_int_equal(fake->last_fdb[1].mac.ea[5], 0x99);

    /* All good: passed through as is; status may be NULL. */
    assert_int_equal(hal_fdb_set(hal, e, 1, NULL), 0);
    assert_int_equal(fake->n_fdb_set, 1);
    /* Learned entries cannot be programmed. */
    e[0].type = HAL_FDB_LEARNED;
    assert_int_equal(hal_fdb_set(hal, e, 1, NULL), -EINVAL);
}

static void
test_mac_and_names(void **state)
{
    struct hal_mac mac;

    assert_int_equal(hal_mac_from_string("00:1a:2B:3c:4d:5e", &mac), 0);
    assert_int_equal(mac.ea[1], 0x1a);
    assert_int_equal(mac.ea[5], 0x5e);
    assert_int_equal(hal_mac_from_string("00:1a:2b:3c:4d", &mac), -EINVAL);
    assert_int_equal(hal_mac_from_string("00:1a:2b:3c:4d:5e:", &mac), -EINVAL);
    assert_int_equal(hal_mac_from_string("0:1a:2b:3c:4d:5e", &mac), -EINVAL);
    assert_false(hal_mac_is_broadcast(&mac));
    memset(&mac, 0xff, sizeof mac);
    assert_true(hal_mac_is_broadcast(&mac));
    assert_true(hal_mac_is_multicast(&mac));
    assert_string_equal(hal_table_name(HAL_TABLE_TUNNEL), "tunnel");
    assert_string_equal(hal_flood_type_name(HAL_FLOOD_UNKNOWN_UNICAST),
                        "unknown-unicast");
    assert_string_equal(hal_strerror(-ENOENT), "no such object");
}

static void
test_dumps(void **state)
{
    struct hal *hal = *state;
    struct ds out = DS_EMPTY_INITIALIZER;

    assert_int_equal(hal_dump_fdb(hal, NULL, &out), 0);
    assert_string_equal(
        ds_cstr(&out),
        "LS               VNI      MAC                DESTINATION"
        "                    TYPE\n"
        "blue             10       00:00:00:00:00:01  port=p1,vlan=100"
        "               static\n"
        "blue             10       00:00:00:00:00:02  remote=192.0.2.1"
        "               static\n"
        "red              -        00:00:00:00:00:02  port=p2,vlan=untagged"
        "          learned\n");
    ds_clear(&out);
    assert_int_equal(hal_dump_fdb(hal, "red", &out), 0);
    assert_null(strstr(ds_cstr(&out), "blue"));
    assert_int_equal(hal_dump_fdb(hal, "green", &out), -ENOENT);

    ds_clear(&out);
    hal_dump_flood(hal, &out);
    assert_string_equal(ds_cstr(&out),
                        "LS               VNI      REPLICATION  CLASS"
                        "                 REMOTES\n"
                        "blue             10       service_node "
                        "unknown-unicast       192.0.2.1\n"
                        "blue             10       service_node broadcast"
                        "             192.0.2.1,192.0.2.2\n"
                        "blue             10       service_node "
                        "mcast 01:00:5e:00:00:01    192.0.2.1\n");

    ds_clear(&out);
    hal_dump_bindings(hal, &out);
    assert_string_equal(ds_cstr(&out),
                        "PORT             VLAN     LS               VNI"
                        "      FROM_LOCAL(pkts/bytes) TO_LOCAL(pkts/bytes)\n"
                        "p1               100      blue             10"
                        "       0/0 0/0\n"
                        "p2               untagged red              -"
                        "        0/0 0/0\n");

    ds_clear(&out);
    hal_dump_resources(hal, &out);
    assert_non_null(
        strstr(ds_cstr(&out), "fdb                 3       1000\n"));
    assert_non_null(
        strstr(ds_cstr(&out), "mcast               0          0\n"));
    ds_destroy(&out);
}

static void
test_oids(void **state)
{
    hal_oid_t port = hal_oid_make(HAL_OBJECT_PORT, 5);
    hal_oid_t bridge = hal_oid_make(HAL_OBJECT_BRIDGE, HAL_OID_VALUE_MAX);

    assert_true(port == PORT(5));
    assert_int_equal(hal_oid_type(port), HAL_OBJECT_PORT);
    assert_int_equal(hal_oid_type(bridge), HAL_OBJECT_BRIDGE);
    /* The value never spills into the type byte. */
    assert_int_equal(hal_oid_type(hal_oid_make(HAL_OBJECT_PORT, UINT64_MAX)),
                     HAL_OBJECT_PORT);
    assert_true(hal_oid_make(HAL_OBJECT_PORT, 0) != HAL_OID_NULL);

    assert_int_equal(hal_oid_index(port, HAL_OBJECT_PORT, 6), 5);
    assert_int_equal(hal_oid_index(port, HAL_OBJECT_PORT, 5), -1);
    assert_int_equal(hal_oid_index(port, HAL_OBJECT_BRIDGE, 6), -1);
    assert_int_equal(hal_oid_index(HAL_OID_NULL, HAL_OBJECT_PORT, 6), -1);
    assert_int_equal(hal_oid_index(BRIDGE(0), HAL_OBJECT_BRIDGE, 1), 0);
}

/* What the event callback received. */
struct recorder {
    struct hal *hal;
    size_t n_batches;
    size_t n;
    struct hal_event events[64];
    size_t reenter; /* Calls into the HAL the callback still makes. */
};

static void
record_cb(const struct hal_event *events, size_t n, void *rec_)
{
    struct recorder *rec = rec_;
    struct hal_fdb_flush all = { HAL_OID_NULL, HAL_OID_NULL };
    size_t i;

    rec->n_batches++;
    for (i = 0; i < n && rec->n < ARRAY_SIZE(rec->events); i++) {
        rec->events[rec->n++] = events[i];
    }
    if (rec->reenter) {
        rec->reenter--;
        assert_int_equal(hal_fdb_flush(rec->hal, &all), 0);
    }
}

static void
test_events_only_from_run(void **state)
{
    struct hal *hal = *state;
    struct fake *fake = fake_cast(hal);
    struct hal_fdb_flush all = { HAL_OID_NULL, HAL_OID_NULL };
    struct recorder rec = { .hal = hal };

    hal_set_event_cb(hal, record_cb, &rec);
    assert_int_equal(hal_next_wake(hal), INT64_MAX);

    /* Queued inside a call, delivered only by hal_run(). */
    hal_run(hal, 1000);
    assert_int_equal(fake->run_hal_now, 1000);
    assert_int_equal(hal_fdb_flush(hal, &all), 0);
    assert_int_equal(rec.n, 0);
    assert_int_equal(hal_next_wake(hal), 1000);

    /* The clock never goes back; events carry it. */
    hal_run(hal, 500);
    assert_int_equal(hal_now(hal), 1000);
    assert_int_equal(fake->run_hal_now, 1000);
    assert_int_equal(rec.n, 1);
    assert_int_equal(rec.events[0].type, HAL_EVENT_FDB_FLUSHED);
    assert_int_equal(rec.events[0].time_ms, 1000);
    assert_true(rec.events[0].fdb.bridge == BRIDGE(1));
    assert_true(rec.events[0].fdb.port == PORT(0));
    assert_int_equal(rec.events[0].fdb.vlan, 7);
    assert_int_equal(hal_next_wake(hal), INT64_MAX);

    /* What the callback causes is delivered in the same run, in order after
     * what caused it. */
    rec = (struct recorder){ .hal = hal, .reenter = 2 };
    fake->run_pushes = 1;
    hal_run(hal, 2000);
    assert_int_equal(rec.n, 3);
    assert_int_equal(rec.n_batches, 3);
    assert_int_equal(rec.events[0].type, HAL_EVENT_PORT_STATE);
    assert_int_equal(rec.events[1].type, HAL_EVENT_FDB_FLUSHED);
    assert_int_equal(rec.events[2].type, HAL_EVENT_FDB_FLUSHED);
    assert_int_equal(rec.events[2].time_ms, 2000);
    assert_int_equal(hal_next_wake(hal), INT64_MAX);
}

static void
test_event_ring_overflow(void **state)
{
    struct hal *hal = *state;
    struct recorder rec = { .hal = hal };
    size_t i;

    /* Eight slots, batches of three; ten events: two lost. */
    hal_event_ring_size(hal, 8, 3);
    hal_set_event_cb(hal, record_cb, &rec);
    fake_cast(hal)->run_pushes = 10;
    hal_run(hal, 42);
    assert_int_equal(rec.n_batches, 3);
    assert_int_equal(rec.n, 9);
    for (i = 0; i < 8; i++) {
        assert_int_equal(rec.events[i].type, HAL_EVENT_PORT_STATE);
        /* Pushed as PORT(10), PORT(9), ...: the survivors are the first. */
        assert_true(rec.events[i].port.port == PORT(10 - i));
    }
    assert_int_equal(rec.events[8].type, HAL_EVENT_OVERFLOW);
    assert_int_equal(rec.events[8].lost, 2);
    assert_int_equal(rec.events[8].time_ms, 42);

    /* The ring works again afterwards, across its wrap-around. */
    rec = (struct recorder){ .hal = hal };
    fake_cast(hal)->run_pushes = 5;
    hal_run(hal, 43);
    assert_int_equal(rec.n, 5);
    assert_int_equal(rec.n_batches, 2);
    assert_true(rec.events[4].port.port == PORT(1));
}

static void
test_event_resources(void **state)
{
    struct hal *hal = *state;
    struct recorder rec = { .hal = hal };

    hal_set_event_cb(hal, record_cb, &rec);
    /* Once per table until freed; freed only after exhausted. */
    hal_event_freed(hal, HAL_TABLE_FDB);
    hal_event_exhausted(hal, HAL_TABLE_FDB, HAL_E_BUCKET_FULL);
    hal_event_exhausted(hal, HAL_TABLE_FDB, HAL_E_TABLE_FULL);
    hal_event_exhausted(hal, HAL_TABLE_TUNNEL, HAL_E_TABLE_FULL);
    hal_event_freed(hal, HAL_TABLE_FDB);
    hal_event_freed(hal, HAL_TABLE_FDB);
    hal_event_exhausted(hal, HAL_TABLE_FDB, HAL_E_TABLE_FULL);
    assert_int_equal(rec.n, 0);
    hal_run(hal, 1);
    assert_int_equal(rec.n, 4);
    assert_int_equal(rec.events[0].type, HAL_EVENT_RESOURCE_EXHAUSTED);
    assert_int_equal(rec.events[0].resource.table, HAL_TABLE_FDB);
    assert_int_equal(rec.events[0].resource.error, HAL_E_BUCKET_FULL);
    assert_int_equal(rec.events[1].type, HAL_EVENT_RESOURCE_EXHAUSTED);
    assert_int_equal(rec.events[1].resource.table, HAL_TABLE_TUNNEL);
    assert_int_equal(rec.events[2].type, HAL_EVENT_RESOURCE_FREED);
    assert_int_equal(rec.events[2].resource.table, HAL_TABLE_FDB);
    assert_int_equal(rec.events[3].type, HAL_EVENT_RESOURCE_EXHAUSTED);
    assert_int_equal(rec.events[3].resource.error, HAL_E_TABLE_FULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_registry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_checks, setup, teardown),
        cmocka_unit_test(test_mac_and_names),
        cmocka_unit_test_setup_teardown(test_dumps, setup, teardown),
        cmocka_unit_test(test_oids),
        cmocka_unit_test_setup_teardown(test_events_only_from_run, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_event_ring_overflow, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_event_resources, setup, teardown),
    };
    return cmocka_run_group_tests_name("hal/hal", tests, NULL, NULL);
}
