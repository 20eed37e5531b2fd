/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for hal/asic: profiles, table capacities, L2 bank collisions,
 * bulk calls, flood and multicast tables, and warm restart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hal/asic/asic-private.h"
#include "hal/asic/profile.h"
#include "lib/ds.h"
#include "tests/unit/hal-asic-fixture.h"

static void
test_builtin_profiles(void **state)
{
    struct hal_asic_profile *p;
    char *error;

    assert_int_equal(hal_asic_profile_load("trident2", &p, &error), 0);
    assert_int_equal(hal_asic_profile_fdb_capacity(p), 288 * 1024);
    assert_int_equal(p->neigh_entries, 16384);
    assert_int_equal(p->n_banks, 6);
    assert_int_equal(p->banks[0].n_buckets * p->banks[0].ways, 16384);
    assert_int_equal(p->banks[5].n_buckets * p->banks[5].ways, 65536);
    assert_int_not_equal(p->banks[0].seed, p->banks[1].seed);
    assert_int_equal(hal_asic_profile_validate(p, NULL), 0);
    hal_asic_profile_destroy(p);

    assert_int_equal(hal_asic_profile_load("tomahawk", &p, NULL), 0);
    assert_int_equal(hal_asic_profile_fdb_capacity(p), 136 * 1024);
    hal_asic_profile_destroy(p);

    assert_int_equal(hal_asic_profile_load(NULL, &p, NULL), 0);
    assert_string_equal(p->name, HAL_ASIC_DEFAULT_PLATFORM);
    hal_asic_profile_destroy(p);

    assert_int_equal(hal_asic_profile_load("nonesuch", &p, &error), -ENOENT);
    assert_non_null(strstr(error, "nonesuch"));
    free(error);
}

static void
write_file(const char *name, const char *text)
{
    FILE *file = fopen(name, "w");

    assert_non_null(file);
    fputs(text, file);
    fclose(file);
}

static void
test_profile_from_file(void **state)
{
    char name[64];
    struct hal_asic_profile *p;
    char *error = NULL;

    snprintf(name, sizeof name, "/tmp/test-hal-asic-%d.json", (int) getpid());
    write_file(name, "{\"name\": \"mini\", \"fdb_banks\": ["
                     "{\"entries\": 32, \"ways\": 4},"
                     "{\"entries\": 16, \"ways\": 2, \"seed\": 7}],"
                     "\"bridges\": 2, \"bindings\": 4, \"tunnels\": 3,"
                     "\"flood_entries\": 8, \"mcast_groups\": 2,"
                     "\"event_fifo\": 16,"
                     "\"ports\": [{\"name\": \"eth0\", \"speed_mbps\": 1000},"
                     "{\"name\": \"eth1\", \"speed_mbps\": 25000}]}");
    assert_int_equal(hal_asic_profile_load(name, &p, &error), 0);
    assert_string_equal(p->name, "mini");
    assert_int_equal(hal_asic_profile_fdb_capacity(p), 48);
    assert_int_equal(p->banks[1].seed, 7);
    assert_int_equal(p->n_ports, 2);
    assert_string_equal(p->ports[1].name, "eth1");
    assert_int_equal(p->ports[1].speed_mbps, 25000);
    /* "neigh_entries" is optional, so is the neighbours' timeout. */
    assert_int_equal(p->neigh_entries, HAL_ASIC_DEFAULT_NEIGH);
    assert_int_equal(p->rneigh_timeout_s, HAL_ASIC_DEFAULT_RNEIGH_TIMEOUT_S);
    hal_asic_profile_destroy(p);

    write_file(name, "{\"name\": \"hosts\", \"fdb_banks\": ["
                     "{\"entries\": 32, \"ways\": 4}],"
                     "\"bridges\": 2, \"bindings\": 4, \"tunnels\": 3,"
                     "\"flood_entries\": 8, \"mcast_groups\": 2,"
                     "\"event_fifo\": 16, \"neigh_entries\": 3,"
                     "\"router_neighbour_timeout_s\": 30,"
                     "\"ports\": {\"prefix\": \"x\", \"count\": 2,"
                     "\"speed_mbps\": 1}}");
    assert_int_equal(hal_asic_profile_load(name, &p, &error), 0);
    assert_int_equal(p->neigh_entries, 3);
    assert_int_equal(p->rneigh_timeout_s, 30);
    hal_asic_profile_destroy(p);
    write_file(name, "{\"name\": \"hosts\", \"fdb_banks\": ["
                     "{\"entries\": 32, \"ways\": 4}],"
                     "\"bridges\": 2, \"bindings\": 4, \"tunnels\": 3,"
                     "\"flood_entries\": 8, \"mcast_groups\": 2,"
                     "\"event_fifo\": 16,"
                     "\"router_neighbour_timeout_s\": 99999999,"
                     "\"ports\": {\"prefix\": \"x\", \"count\": 2,"
                     "\"speed_mbps\": 1}}");
    assert_int_equal(hal_asic_profile_load(name, &p, &error), -EINVAL);
    assert_non_null(strstr(error, "router_neighbour_timeout_s"));
    free(error);
    error = NULL;
    write_file(name, "{\"name\": \"hosts\", \"fdb_banks\": ["
                     "{\"entries\": 32, \"ways\": 4}],"
                     "\"bridges\": 2, \"bindings\": 4, \"tunnels\": 3,"
                     "\"flood_entries\": 8, \"mcast_groups\": 2,"
                     "\"event_fifo\": 16, \"neigh_entries\": -1,"
                     "\"ports\": {\"prefix\": \"x\", \"count\": 2,"
                     "\"speed_mbps\": 1}}");
    assert_int_equal(hal_asic_profile_load(name, &p, &error), -EINVAL);
    assert_non_null(strstr(error, "neigh_entries"));
    free(error);
    error = NULL;

    /* A bank that is not a power of two, and a port range. */
    write_file(name, "{\"name\": \"bad\", \"fdb_banks\": ["
                     "{\"entries\": 12, \"ways\": 4}],"
                     "\"bridges\": 2, \"bindings\": 4, \"tunnels\": 3,"
                     "\"flood_entries\": 8, \"mcast_groups\": 2,"
                     "\"event_fifo\": 16,"
                     "\"ports\": {\"prefix\": \"x\", \"count\": 3,"
                     "\"speed_mbps\": 1}}");
    assert_int_equal(hal_asic_profile_load(name, &p, &error), -EINVAL);
    assert_non_null(strstr(error, "power of two"));
    free(error);

    write_file(name, "{\"name\": \"x\"");
    assert_int_equal(hal_asic_profile_load(name, &p, &error), -EINVAL);
    free(error);
    unlink(name);
}

/* Fills the lab L2 table to exactly its capacity: some MACs fail with
 * "bucket full" along the way, then the table is full and one more MAC
 * fails with "table full". */
static void
test_fdb_capacity_edges(void **state)
{
    struct hal_resource res[HAL_TABLE_N];
    struct fixture f;
    hal_oid_t br;
    uint32_t mac, bucket_full = 0;
    int error;

    fixture_open(&f, "lab", NULL, false);
    br = test_bridge(&f, "ls0", 5000, HAL_REPLICATION_SOURCE_NODE);
    hal_resources_get(f.hal, res);
    assert_int_equal(res[HAL_TABLE_FDB].capacity, 128);

    for (mac = 1; res[HAL_TABLE_FDB].used < 128 && mac < 1000000; mac++) {
        struct hal_fdb_entry e = test_remote(br, mac, "192.0.2.1");

        error = hal_fdb_set(f.hal, &e, 1, NULL);
        assert_true(error == 0 || error == HAL_E_BUCKET_FULL);
        bucket_full += error == HAL_E_BUCKET_FULL;
        hal_resources_get(f.hal, res);
    }
    assert_int_equal(res[HAL_TABLE_FDB].used, 128);
    assert_true(bucket_full > 0);

    struct hal_fdb_entry extra = test_remote(br, mac, "192.0.2.1");
    assert_int_equal(hal_fdb_set(f.hal, &extra, 1, NULL), HAL_E_TABLE_FULL);
    assert_string_equal(hal_strerror(HAL_E_TABLE_FULL), "table full");

    /* Exhaustion is reported once; freeing a slot reports room again. */
    fixture_run(&f, 0);
    assert_int_equal(fixture_count(&f, HAL_EVENT_RESOURCE_EXHAUSTED), 1);
    assert_int_equal(f.events[0].resource.table, HAL_TABLE_FDB);
    extra.mac = test_mac(1);
    assert_int_equal(hal_fdb_remove(f.hal, &extra, 1, NULL), 0);
    fixture_run(&f, 0);
    assert_int_equal(fixture_count(&f, HAL_EVENT_RESOURCE_FREED), 1);
    fixture_close(&f);
}

/* Finds 'n' MACs that hash to the same bucket as test_mac(1) in every bank
 * of the lab profile. */
static size_t
find_colliding_macs(struct fixture *f, hal_oid_t br, uint32_t *macs, size_t n)
{
    size_t n_banks = hal_asic_profile(f->asic)->n_banks;
    struct hal_mac m0 = test_mac(1);
    size_t found = 0;
    uint32_t cand;

    macs[found++] = 1;
    for (cand = 2; found < n && cand < 10000000; cand++) {
        struct hal_mac m = test_mac(cand);
        size_t b;

        for (b = 0; b < n_banks; b++) {
            if (hal_asic_fdb_bucket(f->asic, b, br, &m)
                != hal_asic_fdb_bucket(f->asic, b, br, &m0)) {
                break;
            }
        }
        if (b == n_banks) {
            macs[found++] = cand;
        }
    }
    return found;
}

static void
test_fdb_bucket_full(void **state)
{
    struct hal_fdb_entry entries[9];
    struct hal_resource res[HAL_TABLE_N];
    int status[9];
    uint32_t macs[9];
    struct fixture f;
    hal_oid_t br;
    size_t i;

    fixture_open(&f, "lab", NULL, false);
    br = test_bridge(&f, "ls0", 5000, HAL_REPLICATION_SOURCE_NODE);

    /* Two banks of four ways: eight MACs fill every candidate bucket. */
    assert_int_equal(find_colliding_macs(&f, br, macs, 9), 9);
    for (i = 0; i < 9; i++) {
        entries[i] = test_remote(br, macs[i], "192.0.2.1");
    }
    assert_int_equal(hal_fdb_set(f.hal, entries, 9, status),
                     HAL_E_BUCKET_FULL);
    for (i = 0; i < 8; i++) {
        assert_int_equal(status[i], 0);
    }
    assert_int_equal(status[8], HAL_E_BUCKET_FULL);
    hal_resources_get(f.hal, res);
    assert_int_equal(res[HAL_TABLE_FDB].used, 8);
    assert_string_equal(hal_strerror(HAL_E_BUCKET_FULL), "hash bucket full");

    fixture_run(&f, 0);
    assert_int_equal(f.n_events, 1);
    assert_int_equal(f.events[0].type, HAL_EVENT_RESOURCE_EXHAUSTED);
    assert_int_equal(f.events[0].resource.error, HAL_E_BUCKET_FULL);

    /* Removing one of the eight makes room for the ninth. */
    assert_int_equal(hal_fdb_remove(f.hal, &entries[3], 1, NULL), 0);
    fixture_run(&f, 0);
    assert_int_equal(f.events[1].type, HAL_EVENT_RESOURCE_FREED);
    assert_int_equal(hal_fdb_set(f.hal, &entries[8], 1, NULL), 0);
    fixture_close(&f);
}

static void
test_bulk_partial_failure(void **state)
{
    struct hal_fdb_entry e[5];
    struct fixture f;
    int status[5];
    hal_oid_t br, swp1;
    struct ds out = DS_EMPTY_INITIALIZER;

    fixture_open(&f, "lab", NULL, false);
    br = test_bridge(&f, "ls0", 5000, HAL_REPLICATION_SOURCE_NODE);
    swp1 = test_port(&f, "swp1");
    e[0] = test_remote(br, 1, "192.0.2.1");
    e[1] = test_remote(br, 2, "192.0.2.2");
    e[1].bridge = br + 7; /* No such bridge. */
    e[2] = test_remote(br, 3, "192.0.2.3");
    e[2].mac.ea[0] = 0x01; /* Multicast: malformed. */
    e[3] = test_local(br, 4, swp1, 10);
    e[4] = test_local(br, 5, swp1, 4096); /* VLAN out of range. */

    assert_int_equal(hal_fdb_set(f.hal, e, 5, status), -ENOENT);
    assert_int_equal(status[0], 0);
    assert_int_equal(status[1], -ENOENT);
    assert_int_equal(status[2], -EINVAL);
    assert_int_equal(status[3], 0);
    assert_int_equal(status[4], -EINVAL);
    assert_int_equal(hal_dump_fdb(f.hal, NULL, &out), 0);
    assert_non_null(strstr(ds_cstr(&out), "02:00:00:00:00:01"));
    assert_non_null(strstr(ds_cstr(&out), "02:00:00:00:00:04"));
    assert_null(strstr(ds_cstr(&out), "02:00:00:00:00:02"));

    /* Removal is per entry too. */
    e[1] = e[0];
    assert_int_equal(hal_fdb_remove(f.hal, e, 2, status), -ENOENT);
    assert_int_equal(status[0], 0);
    assert_int_equal(status[1], -ENOENT);
    ds_destroy(&out);
    fixture_close(&f);
}

/* Fills 'e' with 'n' entries of every kind: remote and local, updates of
 * earlier ones, bad bridges and ports, more than the lab profile holds. */
static void
mixed_entries(struct fixture *f, struct hal_fdb_entry *e, size_t n)
{
    hal_oid_t br = test_bridge(f, "ls0", 5000, HAL_REPLICATION_SOURCE_NODE);
    hal_oid_t br2 = test_bridge(f, "ls1", 5001, HAL_REPLICATION_SOURCE_NODE);
    hal_oid_t swp1 = test_port(f, "swp1");

    for (size_t i = 0; i < n; i++) {
        uint32_t mac = (uint32_t) (i % 150) + 1;

        if (i % 5 == 0) {
            e[i] = test_local(i % 2 ? br : br2, mac, swp1, 10);
        } else {
            e[i] = test_remote(i % 3 ? br : br2, mac,
                               i < 150 ? "192.0.2.1" : "192.0.2.2");
        }
        if (i % 17 == 0) {
            e[i].bridge = br + 7; /* No such bridge. */
        } else if (i % 23 == 0 && i % 5 == 0) {
            e[i].port = swp1 + 99; /* No such port. */
        }
    }
}

/* A bulk set (which looks ahead to prefetch) leaves the table, counters
 * and events exactly as setting the same entries one at a time does. */
static void
test_bulk_matches_single(void **state)
{
    enum { N = 400 };
    struct hal_fdb_entry *e = xcalloc(N, sizeof *e);
    int *bulk_status = xcalloc(N, sizeof *bulk_status);
    struct ds dump_a = DS_EMPTY_INITIALIZER, dump_b = DS_EMPTY_INITIALIZER;
    struct fixture a, b;
    size_t i, n_errors = 0;

    fixture_open(&a, "lab", NULL, false);
    fixture_open(&b, "lab", NULL, false);
    mixed_entries(&a, e, N);
    hal_fdb_set(a.hal, e, N, bulk_status);
    mixed_entries(&b, e, N);
    for (i = 0; i < N; i++) {
        int status;

        hal_fdb_set(b.hal, &e[i], 1, &status);
        assert_int_equal(bulk_status[i], status);
        n_errors += status != 0;
    }
    assert_true(n_errors > 0 && n_errors < N);

    assert_int_equal(hal_dump_fdb(a.hal, NULL, &dump_a), 0);
    assert_int_equal(hal_dump_fdb(b.hal, NULL, &dump_b), 0);
    assert_string_equal(ds_cstr(&dump_a), ds_cstr(&dump_b));
    ds_clear(&dump_a);
    ds_clear(&dump_b);
    hal_dump_resources(a.hal, &dump_a);
    hal_dump_resources(b.hal, &dump_b);
    assert_string_equal(ds_cstr(&dump_a), ds_cstr(&dump_b));
    assert_int_equal(hal_asic_writes(a.asic), hal_asic_writes(b.asic));

    fixture_run(&a, 0);
    fixture_run(&b, 0);
    assert_int_equal(a.n_events, b.n_events);
    for (i = 0; i < a.n_events; i++) {
        assert_int_equal(a.events[i].type, b.events[i].type);
    }

    ds_destroy(&dump_a);
    ds_destroy(&dump_b);
    free(bulk_status);
    free(e);
    fixture_close(&a);
    fixture_close(&b);
}

static void
test_bridges_and_bindings(void **state)
{
    struct hal_bridge_config c;
    struct hal_resource res[HAL_TABLE_N];
    struct hal_binding b[3];
    struct fixture f;
    hal_oid_t br, br2, oid = HAL_OID_NULL;
    int status[3];
    int i;

    fixture_open(&f, "lab", NULL, false);
    br = test_bridge(&f, "ls0", 5000, HAL_REPLICATION_SOURCE_NODE);
    assert_int_equal(hal_oid_type(br), HAL_OBJECT_BRIDGE);

    /* Same name again: the same bridge, not a new one. */
    assert_int_equal(test_bridge(&f, "ls0", 5001, HAL_REPLICATION_SOURCE_NODE),
                     br);
    assert_int_equal(hal_bridge_get(f.hal, br, &c), 0);
    assert_int_equal(c.vni, 5001);

    /* A VNI belongs to one bridge. */
    memset(&c, 0, sizeof c);
    snprintf(c.name, sizeof c.name, "ls1");
    c.vni = 5001;
    assert_int_equal(hal_bridge_set(f.hal, &c, &oid), -EEXIST);
    c.vni = 1u << 24;
    assert_int_equal(hal_bridge_set(f.hal, &c, &oid), -EINVAL);

    /* The lab has 16 bridges. */
    for (i = 1; i < 16; i++) {
        char name[16];

        snprintf(name, sizeof name, "ls%d", i);
        test_bridge(&f, name, HAL_VNI_NONE, HAL_REPLICATION_SERVICE_NODE);
    }
    oid = HAL_OID_NULL;
    snprintf(c.name, sizeof c.name, "one-too-many");
    c.vni = HAL_VNI_NONE;
    assert_int_equal(hal_bridge_set(f.hal, &c, &oid), HAL_E_TABLE_FULL);

    br2 = test_bridge(&f, "ls1", HAL_VNI_NONE, HAL_REPLICATION_SERVICE_NODE);
    b[0] = (struct hal_binding){ test_port(&f, "swp1"), 0, br };
    b[1] = (struct hal_binding){ test_port(&f, "swp1"), 10, br2 };
    b[2] = (struct hal_binding){ test_port(&f, "swp2"), 4095, br + 99 };
    assert_int_equal(hal_binding_set(f.hal, b, 3, status), -ENOENT);
    assert_int_equal(status[0], 0);
    assert_int_equal(status[1], 0);
    assert_int_equal(status[2], -ENOENT);
    hal_resources_get(f.hal, res);
    assert_int_equal(res[HAL_TABLE_BINDING].used, 2);

    /* Removing a bridge takes its bindings with it. */
    assert_int_equal(hal_bridge_remove(f.hal, br2), 0);
    hal_resources_get(f.hal, res);
    assert_int_equal(res[HAL_TABLE_BINDING].used, 1);
    assert_int_equal(res[HAL_TABLE_BRIDGE].used, 15);
    assert_int_equal(hal_bridge_remove(f.hal, br2), -ENOENT);
    fixture_close(&f);
}

static void
test_flood_and_tunnels(void **state)
{
    struct in_addr remotes[17];
    struct hal_resource res[HAL_TABLE_N];
    struct hal_flood_group g;
    struct fixture f;
    hal_oid_t br;
    uint64_t writes;
    int i;

    fixture_open(&f, "lab", NULL, false);
    br = test_bridge(&f, "ls0", 5000, HAL_REPLICATION_SOURCE_NODE);
    for (i = 0; i < 17; i++) {
        char ip[32];

        snprintf(ip, sizeof ip, "192.0.2.%d", i + 1);
        remotes[i] = test_ip(ip);
    }
    memset(&g, 0, sizeof g);
    g.bridge = br;
    g.type = HAL_FLOOD_UNKNOWN_UNICAST;
    g.remotes = remotes;
    g.n_remotes = 3;
    assert_int_equal(hal_flood_set(f.hal, &g, 1, NULL), 0);
    hal_resources_get(f.hal, res);
    assert_int_equal(res[HAL_TABLE_FLOOD].used, 3);
    assert_int_equal(res[HAL_TABLE_TUNNEL].used, 3);

    /* The same set in another order is not rewritten. */
    writes = hal_asic_writes(f.asic);
    struct in_addr reordered[3] = { remotes[2], remotes[0], remotes[1] };
    g.remotes = reordered;
    assert_int_equal(hal_flood_set(f.hal, &g, 1, NULL), 0);
    assert_int_equal(hal_asic_writes(f.asic), writes);

    /* The lab has 16 tunnels: a 17-VTEP list fails whole. */
    g.remotes = remotes;
    g.n_remotes = 17;
    assert_int_equal(hal_flood_set(f.hal, &g, 1, NULL), HAL_E_TABLE_FULL);
    hal_resources_get(f.hal, res);
    assert_int_equal(res[HAL_TABLE_FLOOD].used, 3);

    /* A tunnel lives as long as something refers to it. */
    struct hal_fdb_entry e = test_remote(br, 1, "192.0.2.1");
    assert_int_equal(hal_fdb_set(f.hal, &e, 1, NULL), 0);
    g.n_remotes = 0;
    assert_int_equal(hal_flood_set(f.hal, &g, 1, NULL), 0);
    hal_resources_get(f.hal, res);
    assert_int_equal(res[HAL_TABLE_FLOOD].used, 0);
    assert_int_equal(res[HAL_TABLE_TUNNEL].used, 1);

    /* Multicast groups share the replication pool. */
    g.mac = test_mac(7);
    g.mac.ea[0] = 0x01;
    g.remotes = remotes;
    g.n_remotes = 2;
    assert_int_equal(hal_mcast_set(f.hal, &g, 1, NULL), 0);
    hal_resources_get(f.hal, res);
    assert_int_equal(res[HAL_TABLE_MCAST].used, 1);
    assert_int_equal(res[HAL_TABLE_FLOOD].used, 2);
    assert_int_equal(res[HAL_TABLE_TUNNEL].used, 2);
    assert_int_equal(hal_mcast_remove(f.hal, &g, 1, NULL), 0);
    assert_int_equal(hal_mcast_remove(f.hal, &g, 1, NULL), -ENOENT);
    hal_resources_get(f.hal, res);
    assert_int_equal(res[HAL_TABLE_MCAST].used, 0);
    assert_int_equal(res[HAL_TABLE_TUNNEL].used, 1);
    fixture_close(&f);
}

/* Programs a small configuration; returns the bridge. */
static hal_oid_t
program(struct fixture *f, bool with_stale)
{
    struct in_addr remotes[2] = { test_ip("192.0.2.1"), test_ip("192.0.2.2") };
    struct hal_flood_group g = { .remotes = remotes, .n_remotes = 2 };
    struct hal_fdb_entry e[3];
    hal_oid_t br, swp1 = test_port(f, "swp1");
    struct hal_switch_config sw = { test_ip("192.0.2.100"), 4789, 300 };

    assert_int_equal(hal_switch_set(f->hal, &sw), 0);
    br = test_bridge(f, "ls0", 5000, HAL_REPLICATION_SOURCE_NODE);
    test_bind(f, swp1, 10, br);
    e[0] = test_remote(br, 1, "192.0.2.1");
    e[1] = test_local(br, 2, swp1, 10);
    e[2] = test_remote(br, 3, "192.0.2.2");
    assert_int_equal(hal_fdb_set(f->hal, e, with_stale ? 3 : 2, NULL), 0);
    g.bridge = br;
    g.type = HAL_FLOOD_BROADCAST;
    assert_int_equal(hal_flood_set(f->hal, &g, 1, NULL), 0);
    g.mac = test_mac(9);
    g.mac.ea[0] = 0x01;
    assert_int_equal(hal_mcast_set(f->hal, &g, 1, NULL), 0);
    return br;
}

static void
test_warm_restart(void **state)
{
    struct hal_asic_frame frame;
    struct hal_asic_decision d;
    struct ds before = DS_EMPTY_INITIALIZER, after = DS_EMPTY_INITIALIZER;
    struct fixture f;
    char file[64];
    hal_oid_t br, br2;
    uint64_t writes;

    snprintf(file, sizeof file, "/tmp/test-hal-asic-%d.chip", (int) getpid());
    unlink(file);
    fixture_open(&f, "lab", file, false);
    assert_false(hal_is_warm(f.hal));
    assert_int_equal(hal_asic_generation(f.asic), 1);
    br = program(&f, true);

    /* Learn a MAC so that the learned entry survives too. */
    hal_asic_decision_init(&d);
    memset(&frame, 0, sizeof frame);
    frame.port = test_port(&f, "swp1");
    frame.vlan = 10;
    frame.src = test_mac(42);
    frame.dst = test_mac(1);
    frame.bytes = 100;
    hal_asic_forward(f.asic, &frame, true, 1000, &d);
    assert_int_equal(d.action, HAL_ASIC_FORWARD);
    hal_asic_decision_uninit(&d);
    hal_dump_fdb(f.hal, NULL, &before);
    fixture_close(&f);

    /* Restart: the same chip comes back. */
    fixture_open(&f, "lab", file, false);
    assert_true(hal_is_warm(f.hal));
    assert_int_equal(hal_asic_generation(f.asic), 2);
    hal_dump_fdb(f.hal, NULL, &after);
    assert_string_equal(ds_cstr(&before), ds_cstr(&after));

    /* Replay all but the remote MAC 3: nothing is written... */
    writes = hal_asic_writes(f.asic);
    assert_int_equal(hal_resync_begin(f.hal), 0);
    assert_int_equal(hal_resync_begin(f.hal), -EBUSY);
    br2 = program(&f, false);
    assert_int_equal(br2, br);
    assert_int_equal(hal_asic_writes(f.asic) - writes, 0);

    /* ...and the stale entry goes at the end (one FDB write; its tunnel
     * stays, as the flood list uses it), while the learned entry is
     * announced again. */
    assert_int_equal(hal_resync_end(f.hal), 0);
    assert_int_equal(hal_asic_writes(f.asic) - writes, 1);
    ds_clear(&after);
    hal_dump_fdb(f.hal, NULL, &after);
    assert_null(strstr(ds_cstr(&after), "02:00:00:00:00:03"));
    assert_non_null(strstr(ds_cstr(&after), "02:00:00:00:00:2a"));
    fixture_run(&f, 2000);
    assert_int_equal(fixture_count(&f, HAL_EVENT_FDB_LEARNED), 1);
    assert_int_equal(hal_resync_end(f.hal), -EINVAL);
    fixture_close(&f);

    /* A cold start discards the state. */
    fixture_open(&f, "lab", file, true);
    assert_false(hal_is_warm(f.hal));
    ds_clear(&after);
    hal_dump_fdb(f.hal, NULL, &after);
    assert_null(strstr(ds_cstr(&after), "02:00"));
    fixture_close(&f);

    /* Another platform cannot reuse the file. */
    fixture_open(&f, "tomahawk", file, false);
    assert_false(hal_is_warm(f.hal));
    fixture_close(&f);

    unlink(file);
    ds_destroy(&before);
    ds_destroy(&after);
}

static void
copy_file(const char *from, const char *to)
{
    char buf[4096];
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    size_t n;

    assert_non_null(in);
    assert_non_null(out);
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        assert_int_equal(fwrite(buf, 1, n, out), n);
    }
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

/* Copies the state file 'good' to 'bad' with 'size' bytes at 'offset'
 * replaced by 'bytes', and asserts that a start from it is cold and that
 * nothing of it is used. */
static void
expect_refused(const char *good, const char *bad, size_t offset,
               const void *bytes, size_t size)
{
    struct ds dump = DS_EMPTY_INITIALIZER;
    struct fixture f;
    FILE *stream;

    copy_file(good, bad);
    stream = fopen(bad, "r+b");
    assert_non_null(stream);
    assert_int_equal(fseek(stream, (long) offset, SEEK_SET), 0);
    assert_int_equal(fwrite(bytes, 1, size, stream), size);
    assert_int_equal(fclose(stream), 0);

    fixture_open(&f, "lab", bad, false);
    assert_false(hal_is_warm(f.hal));
    hal_dump_fdb(f.hal, NULL, &dump);
    hal_dump_bindings(f.hal, &dump);
    hal_dump_flood(f.hal, &dump);
    assert_null(strstr(ds_cstr(&dump), "02:00"));
    assert_null(strstr(ds_cstr(&dump), "swp1"));
    assert_null(strstr(ds_cstr(&dump), "192.0.2"));
    fixture_close(&f);
    ds_destroy(&dump);
}

static size_t
chip_offset(const struct fixture *f, const void *p)
{
    return (size_t) ((const char *) p - (const char *) f->asic->mem);
}

/* A state file whose header is right but whose tables name entries that
 * do not exist is refused: the start is cold, with nothing of the file
 * used, rather than a write out of bounds. */
static void
test_corrupt_state_file(void **state)
{
    const uint16_t big16 = 60000;
    const uint32_t big32 = 1000000, zero = 0;
    const int64_t future = INT64_MAX - 5;
    const uint8_t one = 1;
    size_t binding, bridge, repl, local = 0, remote = 0;
    struct ds dump = DS_EMPTY_INITIALIZER;
    char good[64], bad[64];
    struct fixture f;
    uint32_t i;

    snprintf(good, sizeof good, "/tmp/test-hal-asic-good-%d.chip",
             (int) getpid());
    snprintf(bad, sizeof bad, "/tmp/test-hal-asic-bad-%d.chip",
             (int) getpid());
    unlink(good);
    fixture_open(&f, "lab", good, false);
    program(&f, true);
    assert_true(f.asic->bindings[0].valid && f.asic->repl[0].valid);
    assert_true(f.asic->bridges[0].valid);
    binding = chip_offset(&f, &f.asic->bindings[0]);
    bridge = chip_offset(&f, &f.asic->bridges[0]);
    repl = chip_offset(&f, &f.asic->repl[0]);
    for (i = 0; i < f.asic->fdb_capacity; i++) {
        const struct asic_fdb_slot *s = &f.asic->fdb[i];

        if (s->key && s->flags & ASIC_FDB_REMOTE) {
            remote = chip_offset(&f, s);
        } else if (s->key) {
            local = chip_offset(&f, s);
        }
    }
    assert_true(local && remote);
    fixture_close(&f);

    /* Unchanged, the file starts warm. */
    copy_file(good, bad);
    fixture_open(&f, "lab", bad, false);
    assert_true(hal_is_warm(f.hal));
    hal_dump_fdb(f.hal, NULL, &dump);
    assert_non_null(strstr(ds_cstr(&dump), "02:00:00:00:00:01"));
    fixture_close(&f);
    ds_destroy(&dump);

    /* A binding to bridge 60000 (the "lab" chip has 16), or to port
     * 60000. */
    expect_refused(good, bad, binding + offsetof(struct asic_binding, bridge),
                   &big16, sizeof big16);
    expect_refused(good, bad, binding + offsetof(struct asic_binding, port),
                   &big16, sizeof big16);
    /* A flood entry naming tunnel 60000, or a list running past the end of
     * the replication table, or one longer than its bridge claims. */
    expect_refused(good, bad, repl + offsetof(struct asic_repl, tunnel),
                   &big16, sizeof big16);
    expect_refused(good, bad,
                   bridge + offsetof(struct asic_bridge, flood_head), &big32,
                   sizeof big32);
    expect_refused(good, bad, bridge + offsetof(struct asic_bridge, flood_len),
                   &one, sizeof one);
    /* A list that loops back on itself. */
    expect_refused(good, bad, repl + offsetof(struct asic_repl, next), &zero,
                   sizeof zero);
    /* Remote and local L2 entries naming a tunnel or port that does not
     * exist, and one last seen at the end of time. */
    expect_refused(good, bad, remote + offsetof(struct asic_fdb_slot, tunnel),
                   &big16, sizeof big16);
    expect_refused(good, bad, local + offsetof(struct asic_fdb_slot, port),
                   &big16, sizeof big16);
    expect_refused(good, bad,
                   local + offsetof(struct asic_fdb_slot, last_seen_ms),
                   &future, sizeof future);

    unlink(bad);
    unlink(good);
}

static void
test_state_file_locked(void **state)
{
    struct hal_config config = { .platform = "lab" };
    struct fixture f;
    struct hal *second;
    char file[64];

    snprintf(file, sizeof file, "/tmp/test-hal-asic-lock-%d.chip",
             (int) getpid());
    fixture_open(&f, "lab", file, true);
    config.state_file = file;
    assert_int_equal(hal_open("asic", &config, &second), -EBUSY);
    assert_null(second);
    fixture_close(&f);
    unlink(file);
}

static void
test_ports_and_rename(void **state)
{
    const char *const names[] = { "eth1", "eth2" };
    struct hal_config config = { .platform = "lab",
                                 .ports = names,
                                 .n_ports = 2 };
    struct hal_bridge_config c;
    struct hal_port_info info;
    struct fixture f;
    struct hal *hal;
    hal_oid_t br, oid;

    fixture_open(&f, "lab", NULL, false);
    assert_int_equal(hal_port_count(f.hal), 4);
    assert_int_equal(hal_port_get(f.hal, 3, &info), 0);
    assert_string_equal(info.name, "swp4");
    assert_true(info.oper_up);
    assert_int_equal(info.speed_mbps, 10000);
    assert_int_equal(hal_port_get(f.hal, 4, &info), -ENOENT);

    /* A bridge set through its id may be renamed; the id stays. */
    br = test_bridge(&f, "ls0", 5000, HAL_REPLICATION_SOURCE_NODE);
    memset(&c, 0, sizeof c);
    snprintf(c.name, sizeof c.name, "renamed");
    c.vni = 5000;
    oid = br;
    assert_int_equal(hal_bridge_set(f.hal, &c, &oid), 0);
    assert_int_equal(oid, br);
    assert_int_equal(hal_bridge_get(f.hal, br, &c), 0);
    assert_string_equal(c.name, "renamed");
    fixture_close(&f);

    /* vtepd's --port replaces the platform's port list. */
    assert_int_equal(hal_open("asic", &config, &hal), 0);
    assert_int_equal(hal_port_count(hal), 2);
    assert_int_equal(hal_port_by_name(hal, "eth2", &oid), 0);
    assert_int_equal(hal_port_by_name(hal, "swp1", &oid), -ENOENT);
    hal_close(hal);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_profiles),
        cmocka_unit_test(test_profile_from_file),
        cmocka_unit_test(test_fdb_capacity_edges),
        cmocka_unit_test(test_fdb_bucket_full),
        cmocka_unit_test(test_bulk_matches_single),
        cmocka_unit_test(test_bulk_partial_failure),
        cmocka_unit_test(test_bridges_and_bindings),
        cmocka_unit_test(test_flood_and_tunnels),
        cmocka_unit_test(test_warm_restart),
        cmocka_unit_test(test_state_file_locked),
        cmocka_unit_test(test_corrupt_state_file),
        cmocka_unit_test(test_ports_and_rename),
    };
    return cmocka_run_group_tests_name("hal/asic/asic", tests, NULL, NULL);
}
