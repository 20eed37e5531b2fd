/* SPDX-License-Identifier: Apache-2.0 */
/* Conformance cases: bulk calls (per-entry status, partial failure, no
 * rewrites), error codes and resource reporting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/conformance/kit.h"
#include "lib/util.h"

static void
bulk_partial(struct kit *k)
{
    struct hal_fdb_entry e[3];
    hal_oid_t a, ghost;
    int st[3];

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    KIT_EXPECT(k, kit_bridge(k, "ls-ghost", 5002, &ghost), 0);
    KIT_EXPECT(k, hal_bridge_remove(k->hal, ghost), 0);
    e[0] = kit_remote(a, 1, 1);
    e[1] = kit_remote(ghost, 2, 1);
    e[2] = kit_remote(a, 3, 1);
    KIT_EXPECT(k, hal_fdb_set(k->hal, e, 3, st), -ENOENT);
    KIT_REQUIRE(k, st[0] == 0 && st[1] == -ENOENT && st[2] == 0,
                "statuses %d, %d, %d; expected 0, -ENOENT, 0", st[0], st[1],
                st[2]);
    KIT_REQUIRE(k, kit_fdb_count(k, a) == 2,
                "%zu entries applied around the failed one, not 2",
                kit_fdb_count(k, a));
}

static void
bulk_einval(struct kit *k)
{
    struct hal_binding b[2];
    hal_oid_t a;
    int st[2];

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    b[0] = (struct hal_binding){ k->port[0], HAL_VLAN_MAX + 1, a };
    b[1] = (struct hal_binding){ k->port[1], 0, a };
    KIT_EXPECT(k, hal_binding_set(k->hal, b, 2, st), -EINVAL);
    KIT_REQUIRE(k, st[0] == -EINVAL && st[1] == 0,
                "statuses %d, %d; expected -EINVAL, 0", st[0], st[1]);
    KIT_REQUIRE(k, kit_binding_count(k, k->port[1], 0, NULL) == 1,
                "the good binding was not applied");
}

static void
bulk_no_rewrite(struct kit *k)
{
    struct in_addr two[] = { kit_ip(1), kit_ip(2) },
                   swapped[] = { two[1], two[0] };
    struct hal_flood_group g = { .type = HAL_FLOOD_BROADCAST,
                                 .remotes = two,
                                 .n_remotes = 2 };
    struct hal_fdb_entry e[2];
    uint64_t before;
    hal_oid_t a;
    int st[2];

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    KIT_EXPECT(k, kit_bind(k, 0, 0, a), 0);
    e[0] = kit_remote(a, 1, 1);
    e[1] = kit_local(a, 2, k->port[0], 0);
    g.bridge = a;
    KIT_EXPECT(k, hal_fdb_set(k->hal, e, 2, st), 0);
    KIT_EXPECT(k, hal_flood_set(k->hal, &g, 1, st), 0);
    before = kit_writes(k);
    KIT_EXPECT(k, kit_bind(k, 0, 0, a), 0);
    KIT_EXPECT(k, hal_fdb_set(k->hal, e, 2, st), 0);
    g.remotes = swapped; /* Lists compare as sets. */
    KIT_EXPECT(k, hal_flood_set(k->hal, &g, 1, st), 0);
    KIT_REQUIRE(k, kit_writes(k) == before,
                "setting entries already right made %llu write(s)",
                (unsigned long long) (kit_writes(k) - before));
}

static void
resources_used(struct kit *k)
{
    struct hal_fdb_entry e[3];
    struct hal_resource r0, r1;
    hal_oid_t a;
    int st[3];

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    r0 = kit_resource(k, HAL_TABLE_FDB);
    for (int i = 0; i < 3; i++) {
        e[i] = kit_remote(a, (uint32_t) i + 1, 1);
    }
    KIT_EXPECT(k, hal_fdb_set(k->hal, e, 3, st), 0);
    r1 = kit_resource(k, HAL_TABLE_FDB);
    KIT_REQUIRE(k, r1.used == r0.used + 3 && r1.capacity >= r1.used,
                "FDB used went from %u to %u (capacity %u) for 3 entries",
                r0.used, r1.used, r1.capacity);
    KIT_EXPECT(k, hal_fdb_remove(k->hal, e, 3, st), 0);
    r1 = kit_resource(k, HAL_TABLE_FDB);
    KIT_REQUIRE(k, r1.used == r0.used, "FDB used is %u after removal, not %u",
                r1.used, r0.used);
}

/* Fills the FDB of 'bridge' with remote entries, in slices, until an insert
 * fails with HAL_E_TABLE_FULL or 'limit' MACs were tried.  Returns the
 * number that fit; stores the number of HAL_E_BUCKET_FULL answers in
 * '*n_bucket_full' and whether the table filled in '*full'. */
static uint32_t
fill_fdb(struct kit *k, hal_oid_t bridge, uint32_t limit,
         uint32_t *n_bucket_full, bool *full)
{
    enum { SLICE = 64 };
    struct hal_fdb_entry e[SLICE];
    int st[SLICE];
    uint32_t fit = 0;

    *n_bucket_full = 0;
    *full = false;
    for (uint32_t next = 1; next <= limit && !*full; next += SLICE) {
        for (size_t i = 0; i < SLICE; i++) {
            e[i] = kit_remote(bridge, next + (uint32_t) i, 1);
        }
        hal_fdb_set(k->hal, e, SLICE, st);
        for (size_t i = 0; i < SLICE && !*full; i++) {
            fit += !st[i];
            *n_bucket_full += st[i] == HAL_E_BUCKET_FULL;
            *full = st[i] == HAL_E_TABLE_FULL;
        }
    }
    return fit;
}

static void
resources_fit(struct kit *k)
{
    struct hal_resource before, after;
    uint32_t fit, n_bucket_full;
    bool full;
    hal_oid_t a;

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    before = kit_resource(k, HAL_TABLE_FDB);
    KIT_REQUIRE(k, before.capacity < 1u << 22,
                "FDB capacity %u is too large for the kit to fill",
                before.capacity);
    fit = fill_fdb(k, a, 16 * before.capacity + 1024, &n_bucket_full, &full);
    after = kit_resource(k, HAL_TABLE_FDB);
    KIT_REQUIRE(k, full,
                "the FDB never answered HAL_E_TABLE_FULL; %u entries "
                "fit against a reported capacity of %u",
                fit, before.capacity);
    KIT_REQUIRE(k, fit == before.capacity - before.used,
                "%u entries fit, but resources said %u of %u were free", fit,
                before.capacity - before.used, before.capacity);
    KIT_REQUIRE(k, after.used == after.capacity,
                "the FDB is full, but resources report %u of %u used",
                after.used, after.capacity);
    KIT_REQUIRE(k, !n_bucket_full || k->caps & HAL_CAP_HASHED_FDB,
                "%u inserts failed with -ENOBUFS, but the provider does not "
                "declare HAL_CAP_HASHED_FDB",
                n_bucket_full);
}

static void
bridges_fit(struct kit *k)
{
    struct hal_resource before = kit_resource(k, HAL_TABLE_BRIDGE);
    uint32_t fit = 0;
    hal_oid_t oid;
    char name[32];
    int error = 0;

    KIT_REQUIRE(k, before.capacity < 1u << 16,
                "bridge capacity %u is too large for the kit to fill",
                before.capacity);
    while (!error && fit <= before.capacity) {
        snprintf(name, sizeof name, "fill-%u", fit);
        error = kit_bridge(k, name, 6000 + fit, &oid);
        fit += !error;
    }
    KIT_REQUIRE(k, error == HAL_E_TABLE_FULL,
                "bridge %u failed with %s, not table full", fit,
                hal_strerror(error));
    KIT_REQUIRE(k, fit == before.capacity - before.used,
                "%u bridges fit, but resources said %u of %u were free", fit,
                before.capacity - before.used, before.capacity);
}

static void
exhausted_freed(struct kit *k)
{
    struct hal_fdb_entry e;
    uint32_t n_bucket_full;
    const struct hal_event *ev;
    bool full;
    hal_oid_t a;
    int st;

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    fill_fdb(k, a, 16 * kit_resource(k, HAL_TABLE_FDB).capacity + 1024,
             &n_bucket_full, &full);
    KIT_REQUIRE(k, full, "the FDB never filled");
    e = kit_remote(a, 0xfffff0, 1);
    hal_fdb_set(k->hal, &e, 1, &st);
    KIT_REQUIRE(k, kit_wants_run(k),
                "after a failed insert, the HAL does not ask for a run");
    kit_run(k, 0);
    KIT_REQUIRE(
        k, kit_events_count(k, HAL_EVENT_RESOURCE_EXHAUSTED, NULL, &ev) == 1,
        "%zu RESOURCE_EXHAUSTED events after two failed inserts, "
        "not 1",
        kit_events_count(k, HAL_EVENT_RESOURCE_EXHAUSTED, NULL, NULL));
    KIT_REQUIRE(k,
                ev->resource.table == HAL_TABLE_FDB
                    && (ev->resource.error == HAL_E_TABLE_FULL
                        || ev->resource.error == HAL_E_BUCKET_FULL),
                "RESOURCE_EXHAUSTED names table %d, error %d",
                ev->resource.table, ev->resource.error);
    kit_events_clear(k);
    e = kit_remote(a, 1, 1);
    KIT_EXPECT(k, hal_fdb_remove(k->hal, &e, 1, &st), 0);
    kit_run(k, 0);
    KIT_REQUIRE(k,
                kit_events_count(k, HAL_EVENT_RESOURCE_FREED, NULL, &ev) == 1
                    && ev->resource.table == HAL_TABLE_FDB,
                "no RESOURCE_FREED for the FDB after an entry went");
}

/* A MAC learned into a full FDB reports the exhaustion too. */
static void
learn_exhausted(struct kit *k)
{
    const struct hal_event *ev;
    struct hal_fdb_entry e;
    uint32_t n_bucket_full;
    bool full;
    hal_oid_t a;
    int st;

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    KIT_EXPECT(k, kit_bind(k, 0, 0, a), 0);
    fill_fdb(k, a, 16 * kit_resource(k, HAL_TABLE_FDB).capacity + 1024,
             &n_bucket_full, &full);
    KIT_REQUIRE(k, full, "the FDB never filled");
    /* The fill reported the table exhausted; free one entry so that the
     * report is due again, take the entry back, then learn into the full
     * table. */
    e = kit_remote(a, 1, 1);
    KIT_EXPECT(k, hal_fdb_remove(k->hal, &e, 1, &st), 0);
    KIT_EXPECT(k, hal_fdb_set(k->hal, &e, 1, &st), 0);
    kit_run(k, 0);
    kit_events_clear(k);
    KIT_EXPECT(k, kit_learn(k, 0, 0, 0xfffff1), 0);
    KIT_REQUIRE(
        k, kit_events_count(k, HAL_EVENT_RESOURCE_EXHAUSTED, NULL, &ev) == 1,
        "no RESOURCE_EXHAUSTED when a MAC could not be learned into "
        "the full FDB");
    KIT_REQUIRE(k, ev->resource.table == HAL_TABLE_FDB,
                "RESOURCE_EXHAUSTED names table %d, not the FDB",
                ev->resource.table);
}

const struct kit_case kit_bulk_cases[] = {
    { "bulk.partial-failure", "hal/hal.h",
      "Entries are applied in order and a failed entry does not stop the "
      "others. The return value is 0 if every entry succeeded, else the "
      "first failure's error.",
      0, 0, bulk_partial },
    { "bulk.malformed-entry", "hal/hal.h",
      "-EINVAL A malformed argument (VLAN > 4095, bad enum, ...).", 0, 0,
      bulk_einval },
    { "bulk.unchanged-not-rewritten", "hal/hal.h",
      "Setting an entry that is already exactly right writes nothing.", 0,
      KIT_HOOK_WRITES, bulk_no_rewrite },
    { "resources.used", "hal/hal.h",
      "Fills 'resources' (indexed by enum hal_table) with table occupancy.", 0,
      0, resources_used },
    { "resources.fdb-fits-capacity", "hal/hal-provider.h",
      "filling one fails with HAL_E_TABLE_FULL exactly when 'used' reaches "
      "'capacity'.",
      HAL_CAP_FINITE_TABLES, 0, resources_fit },
    { "resources.bridges-fit-capacity", "hal/hal.h",
      "-ENOSPC The table is full (HAL_E_TABLE_FULL).", HAL_CAP_FINITE_TABLES,
      0, bridges_fit },
    { "events.exhausted-then-freed", "hal/hal.h",
      "An insert (programmed or learned) failed for lack of room: "
      "'resource'. Reported once until HAL_EVENT_RESOURCE_FREED.",
      HAL_CAP_FINITE_TABLES, 0, exhausted_freed },
    { "learn.exhausted", "hal/hal.h",
      "An insert (programmed or learned) failed for lack of room: "
      "'resource'.",
      HAL_CAP_FINITE_TABLES | HAL_CAP_LEARNING, KIT_HOOK_LEARN,
      learn_exhausted },
    { NULL, NULL, NULL, 0, 0, NULL },
};
