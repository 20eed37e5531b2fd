/* SPDX-License-Identifier: Apache-2.0 */
/* Conformance cases: warm restart and resync. */
#include <string.h>

#include "hal/conformance/kit.h"

/* The desired state the warm cases program and replay: bridges "ls-a" and
 * "ls-b", port 0 bound to ls-a, a remote and a local MAC on ls-a, a flood
 * list on ls-a.  With 'partial', only ls-a and its binding.  Returns 0 or
 * the first error. */
static int
program(struct kit *k, bool partial, hal_oid_t *a)
{
    struct in_addr remotes[] = { kit_ip(1), kit_ip(2) };
    struct hal_flood_group g = { .type = HAL_FLOOD_BROADCAST,
                                 .remotes = remotes,
                                 .n_remotes = 2 };
    struct hal_fdb_entry e[2];
    hal_oid_t b;
    int st[2];
    int error;

    error = kit_bridge(k, "ls-a", 5001, a);
    error = error ? error : kit_bind(k, 0, 0, *a);
    if (error || partial) {
        return error;
    }
    e[0] = kit_remote(*a, 1, 1);
    e[1] = kit_local(*a, 2, k->port[0], 0);
    g.bridge = *a;
    error = kit_bridge(k, "ls-b", 5002, &b);
    error = error ? error : hal_fdb_set(k->hal, e, 2, st);
    return error ? error : hal_flood_set(k->hal, &g, 1, st);
}

static void
warm_zero_writes(struct kit *k)
{
    uint64_t before;
    hal_oid_t a;

    KIT_EXPECT(k, kit_reopen(k, true, false), 0);
    KIT_EXPECT(k, program(k, false, &a), 0);
    KIT_EXPECT(k, kit_reopen(k, false, true), 0);
    KIT_REQUIRE(k, hal_is_warm(k->hal),
                "hal_is_warm() is false after reopening the same state");
    before = kit_writes(k);
    KIT_EXPECT(k, hal_resync_begin(k->hal), 0);
    KIT_EXPECT(k, program(k, false, &a), 0);
    KIT_EXPECT(k, hal_resync_end(k->hal), 0);
    KIT_REQUIRE(k, kit_writes(k) == before,
                "replaying unchanged state made %llu write(s)",
                (unsigned long long) (kit_writes(k) - before));
    KIT_REQUIRE(k,
                kit_fdb_count(k, HAL_OID_NULL) == 2
                    && kit_binding_count(k, k->port[0], 0, NULL) == 1
                    && kit_flood_count(k, a, HAL_FLOOD_BROADCAST, NULL) == 1,
                "state replayed in full did not survive the resync");
}

static void
warm_stale_removed(struct kit *k)
{
    struct hal_bridge_config c;
    hal_oid_t a, b;

    KIT_EXPECT(k, kit_reopen(k, true, false), 0);
    KIT_EXPECT(k, program(k, false, &a), 0);
    KIT_EXPECT(k, kit_bridge(k, "ls-b", 5002, &b), 0);
    KIT_EXPECT(k, kit_reopen(k, false, true), 0);
    KIT_EXPECT(k, hal_resync_begin(k->hal), 0);
    KIT_EXPECT(k, program(k, true, &a), 0);
    KIT_EXPECT(k, hal_resync_end(k->hal), 0);
    KIT_REQUIRE(k, kit_fdb_count(k, HAL_OID_NULL) == 0,
                "%zu FDB entries not replayed survived the resync",
                kit_fdb_count(k, HAL_OID_NULL));
    KIT_REQUIRE(k, kit_flood_count(k, a, HAL_FLOOD_BROADCAST, NULL) == 0,
                "a flood list not replayed survived the resync");
    KIT_REQUIRE(k, hal_bridge_get(k->hal, b, &c) == -ENOENT,
                "bridge \"ls-b\", not replayed, survived the resync");
    KIT_REQUIRE(k, kit_binding_count(k, k->port[0], 0, NULL) == 1,
                "the replayed binding did not survive the resync");
}

static void
warm_learned_reported(struct kit *k)
{
    struct hal_mac mac = kit_mac(1);
    hal_oid_t a;

    KIT_EXPECT(k, kit_reopen(k, true, false), 0);
    KIT_EXPECT(k, program(k, true, &a), 0);
    KIT_EXPECT(k, kit_learn(k, 0, 0, 1), 0);
    KIT_EXPECT(k, kit_reopen(k, false, true), 0);
    KIT_EXPECT(k, hal_resync_begin(k->hal), 0);
    KIT_EXPECT(k, program(k, true, &a), 0);
    KIT_EXPECT(k, hal_resync_end(k->hal), 0);
    kit_run(k, 0);
    KIT_REQUIRE(k, kit_events_count(k, HAL_EVENT_FDB_LEARNED, &mac, NULL) == 1,
                "the learned entry that survived was not reported as "
                "FDB_LEARNED at hal_resync_end()");
}

static void
resync_pairing(struct kit *k)
{
    KIT_EXPECT(k, hal_resync_end(k->hal), -EINVAL);
    KIT_EXPECT(k, hal_resync_begin(k->hal), 0);
    KIT_EXPECT(k, hal_resync_begin(k->hal), -EBUSY);
    KIT_EXPECT(k, hal_resync_end(k->hal), 0);
}

const struct kit_case kit_warm_cases[] = {
    { "warm.unchanged-zero-writes", "hal/hal.h",
      "Entries already right are not rewritten; entries not replayed are "
      "removed at the end.",
      HAL_CAP_WARM_RESTART, KIT_HOOK_WRITES, warm_zero_writes },
    { "warm.stale-removed", "hal/hal.h",
      "removes every bridge, binding, static FDB entry, flood list, "
      "multicast group and neighbour entry that was not set since "
      "hal_resync_begin()",
      HAL_CAP_WARM_RESTART, 0, warm_stale_removed },
    { "warm.learned-reported", "hal/hal.h",
      "reports every learned entry that survived as HAL_EVENT_FDB_LEARNED so "
      "the caller can rebuild its view.",
      HAL_CAP_WARM_RESTART | HAL_CAP_LEARNING, KIT_HOOK_LEARN,
      warm_learned_reported },
    { "warm.resync-pairing", "hal/hal.h",
      "Returns 0 or -EBUSY if a resync is in progress.", HAL_CAP_WARM_RESTART,
      0, resync_pairing },
    { NULL, NULL, NULL, 0, 0, NULL },
};
