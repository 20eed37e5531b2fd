/* SPDX-License-Identifier: Apache-2.0 */
/* Conformance cases: neighbour entries (ARP/ND suppression) and BFD
 * sessions, the two optional groups of provider operations.  A provider
 * that leaves an operation NULL has the cases that need it skipped. */
#include <stdio.h>
#include <string.h>

#include "hal/conformance/kit.h"

/* ---- Neighbours --------------------------------------------------------- */

static void
neigh_set_walk(struct kit *k)
{
    struct hal_neigh_entry e[2];
    struct hal_mac mac;
    size_t total;
    hal_oid_t a;
    int st[2];

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    e[0] = kit_neigh(a, "10.1.0.1", 1);
    e[1] = kit_neigh(a, "2001:db8::1", 2);
    KIT_EXPECT(k, hal_neigh_set(k->hal, e, 2, st), 0);
    KIT_REQUIRE(k,
                kit_neigh_lookup(k, &e[0], &mac, &total) == 1 && total == 2
                    && !memcmp(&mac, &e[0].mac, sizeof mac)
                    && kit_neigh_lookup(k, &e[1], NULL, NULL) == 1,
                "the walk does not show the two entries just set");
    e[0].mac = kit_mac(3);
    KIT_EXPECT(k, hal_neigh_set(k->hal, e, 1, st), 0);
    KIT_REQUIRE(k, kit_neigh_lookup(k, &e[0], &mac, &total) == 1 && total == 2,
                "replacing an entry's MAC added an entry");
    KIT_REQUIRE(k, !memcmp(&mac, &e[0].mac, sizeof mac),
                "the replaced entry kept its old MAC");
}

static void
neigh_remove(struct kit *k)
{
    struct hal_neigh_entry e[2];
    size_t total;
    hal_oid_t a;
    int st[2];

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    e[0] = kit_neigh(a, "10.1.0.1", 1);
    e[1] = kit_neigh(a, "10.1.0.2", 2);
    KIT_EXPECT(k, hal_neigh_set(k->hal, e, 2, st), 0);
    /* The MAC does not matter to a removal. */
    e[0].mac = kit_mac(9);
    KIT_EXPECT(k, hal_neigh_remove(k->hal, e, 1, st), 0);
    KIT_REQUIRE(k, kit_neigh_lookup(k, &e[0], NULL, &total) == 0 && total == 1,
                "the removed entry is still walked (or another went)");
    KIT_EXPECT(k, hal_neigh_remove(k->hal, e, 1, st), -ENOENT);
}

static void
neigh_unknown_bridge(struct kit *k)
{
    struct hal_neigh_entry e;
    hal_oid_t a;
    int st;

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    KIT_EXPECT(k, hal_bridge_remove(k->hal, a), 0);
    e = kit_neigh(a, "10.1.0.1", 1);
    KIT_EXPECT(k, hal_neigh_set(k->hal, &e, 1, &st), -ENOENT);
    KIT_REQUIRE(k, st == -ENOENT, "status %d, expected -ENOENT", st);
}

static void
neigh_bridge_removal(struct kit *k)
{
    struct hal_neigh_entry e[2];
    hal_oid_t a, b;
    size_t total;
    int st[2];

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    KIT_EXPECT(k, kit_bridge(k, "ls-b", 5002, &b), 0);
    e[0] = kit_neigh(a, "10.1.0.1", 1);
    e[1] = kit_neigh(b, "10.1.0.1", 2);
    KIT_EXPECT(k, hal_neigh_set(k->hal, e, 2, st), 0);
    KIT_EXPECT(k, hal_bridge_remove(k->hal, a), 0);
    KIT_REQUIRE(k, kit_neigh_lookup(k, &e[0], NULL, &total) == 0,
                "a removed bridge's neighbour entry is still walked");
    KIT_REQUIRE(k, total == 1 && kit_neigh_lookup(k, &e[1], NULL, NULL) == 1,
                "another bridge's entry for the same IP went with it");
}

static void
neigh_table_full(struct kit *k)
{
    struct hal_resource r = kit_resource(k, HAL_TABLE_NEIGH);
    struct hal_neigh_entry e;
    hal_oid_t a;
    char ip[32];
    int st;

    KIT_REQUIRE(k, r.capacity > 0 && r.capacity <= 65536,
                "resources give the neighbour table %u entries", r.capacity);
    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    for (uint32_t i = r.used; i < r.capacity; i++) {
        snprintf(ip, sizeof ip, "10.%u.%u.%u", (i >> 16) & 0xff,
                 (i >> 8) & 0xff, (i & 0xff) + 1);
        e = kit_neigh(a, ip, i + 1);
        KIT_EXPECT(k, hal_neigh_set(k->hal, &e, 1, &st), 0);
    }
    e = kit_neigh(a, "192.168.0.1", 0xffff);
    KIT_EXPECT(k, hal_neigh_set(k->hal, &e, 1, &st), HAL_E_TABLE_FULL);
    KIT_REQUIRE(k, kit_neigh_lookup(k, &e, NULL, NULL) == 0,
                "the refused entry is walked");
}

static void
neigh_stats(struct kit *k)
{
    struct hal_neigh_stats s;
    hal_oid_t a;

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    memset(&s, 0xff, sizeof s);
    KIT_EXPECT(k, hal_neigh_stats_get(k->hal, a, &s), 0);
    KIT_REQUIRE(k, !s.answered && !s.flooded && !s.malformed,
                "a new bridge's counters are not 0");
    KIT_EXPECT(k, hal_bridge_remove(k->hal, a), 0);
    KIT_EXPECT(k, hal_neigh_stats_get(k->hal, a, &s), -ENOENT);
}

static void
neigh_warm_stale(struct kit *k)
{
    struct hal_neigh_entry e[2];
    hal_oid_t a;
    size_t total;
    int st[2];

    KIT_EXPECT(k, kit_reopen(k, true, false), 0);
    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    e[0] = kit_neigh(a, "10.1.0.1", 1);
    e[1] = kit_neigh(a, "10.1.0.2", 2);
    KIT_EXPECT(k, hal_neigh_set(k->hal, e, 2, st), 0);
    KIT_EXPECT(k, kit_reopen(k, false, true), 0);
    KIT_EXPECT(k, hal_resync_begin(k->hal), 0);
    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    e[0].bridge = e[1].bridge = a;
    KIT_EXPECT(k, hal_neigh_set(k->hal, e, 1, st), 0);
    KIT_EXPECT(k, hal_resync_end(k->hal), 0);
    KIT_REQUIRE(k, kit_neigh_lookup(k, &e[1], NULL, &total) == 0,
                "a neighbour entry not replayed survived the resync");
    KIT_REQUIRE(k, total == 1 && kit_neigh_lookup(k, &e[0], NULL, NULL) == 1,
                "the replayed neighbour entry did not survive the resync");
}

/* ---- BFD ---------------------------------------------------------------- */

static void
bfd_create_get(struct kit *k)
{
    struct hal_bfd_config c;
    struct hal_bfd_info info;
    hal_oid_t oid;

    KIT_EXPECT(k, kit_bfd_session(k, 1, &c, &oid), 0);
    KIT_REQUIRE(k, hal_oid_type(oid) == HAL_OBJECT_BFD,
                "the new session's id 0x%llx is not a BFD object",
                (unsigned long long) oid);
    KIT_EXPECT(k, hal_bfd_get(k->hal, oid, &info), 0);
    KIT_REQUIRE(k, info.status.state == BFD_STATE_DOWN,
                "a new enabled session is %s, not down",
                bfd_state_to_string(info.status.state));
}

static void
bfd_one_per_remote(struct kit *k)
{
    struct hal_bfd_config c;
    hal_oid_t oid, again = HAL_OID_NULL, other = HAL_OID_NULL;

    KIT_EXPECT(k, kit_bfd_session(k, 1, &c, &oid), 0);
    KIT_EXPECT(k, hal_bfd_set(k->hal, &c, &again), -EEXIST);
    c.remote = kit_ip(2);
    KIT_EXPECT(k, hal_bfd_set(k->hal, &c, &other), 0);
    KIT_REQUIRE(k, other != oid, "two sessions have one id");
}

static void
bfd_reconfigure(struct kit *k)
{
    struct hal_bfd_config c;
    struct hal_bfd_info info;
    hal_oid_t oid, same;

    KIT_EXPECT(k, kit_bfd_session(k, 1, &c, &oid), 0);
    same = oid;
    c.bfd.enable = false;
    KIT_EXPECT(k, hal_bfd_set(k->hal, &c, &oid), 0);
    KIT_REQUIRE(k, oid == same, "reconfiguring changed the session's id");
    KIT_EXPECT(k, hal_bfd_get(k->hal, oid, &info), 0);
    KIT_REQUIRE(k, info.status.state == BFD_STATE_ADMIN_DOWN,
                "a disabled session is %s, not admin_down",
                bfd_state_to_string(info.status.state));
}

static void
bfd_remove(struct kit *k)
{
    struct hal_bfd_config c;
    struct hal_bfd_info info;
    hal_oid_t oid;

    KIT_EXPECT(k, kit_bfd_session(k, 1, &c, &oid), 0);
    KIT_EXPECT(k, hal_bfd_remove(k->hal, oid), 0);
    KIT_EXPECT(k, hal_bfd_get(k->hal, oid, &info), -ENOENT);
    KIT_EXPECT(k, hal_bfd_remove(k->hal, oid), -ENOENT);
    oid = HAL_OID_NULL;
    KIT_EXPECT(k, hal_bfd_set(k->hal, &c, &oid), 0);
}

static void
bfd_timers(struct kit *k)
{
    struct hal_bfd_config c;
    struct hal_bfd_info info;
    hal_oid_t oid;
    int64_t wake;

    KIT_EXPECT(k, kit_bfd_session(k, 1, &c, &oid), 0);
    wake = hal_next_wake(k->hal);
    KIT_REQUIRE(k, wake != INT64_MAX,
                "hal_next_wake() never asks to run a session's timers");
    /* Slow start: a packet a second until the session is up. */
    for (int i = 0; i < 30; i++) {
        kit_run(k, 100);
    }
    KIT_EXPECT(k, hal_bfd_get(k->hal, oid, &info), 0);
    KIT_REQUIRE(k, info.counters.tx_packets >= 2,
                "%llu control packets sent in 3 s",
                (unsigned long long) info.counters.tx_packets);
}

const struct kit_case kit_neigh_bfd_cases[] = {
    { "neigh.set-walk", "hal/hal.h",
      "Adds or replaces neighbour entries (bridge, ip) → mac.", 0,
      KIT_OPS_NEIGH, neigh_set_walk },
    { "neigh.remove", "hal/hal.h",
      "Removes neighbour entries by (bridge, ip).", 0, KIT_OPS_NEIGH,
      neigh_remove },
    { "neigh.unknown-bridge", "hal/hal.h",
      "-ENOENT    A referenced object (port, bridge, entry) does not exist.",
      0, KIT_OPS_NEIGH, neigh_unknown_bridge },
    { "neigh.bridge-removal", "hal/hal-provider.h",
      "A bridge's removal removes its neighbour entries.", 0, KIT_OPS_NEIGH,
      neigh_bridge_removal },
    { "neigh.table-full", "hal/hal.h",
      "A full table refuses with HAL_E_TABLE_FULL", HAL_CAP_FINITE_TABLES,
      KIT_OPS_NEIGH, neigh_table_full },
    { "neigh.stats", "hal/hal.h",
      "Reads the counters of 'bridge'.  Returns 0, -ENOENT or -EOPNOTSUPP.", 0,
      KIT_OPS_NEIGH_STATS, neigh_stats },
    { "neigh.warm-stale-removed", "hal/hal.h",
      "removes every bridge, binding, static FDB entry, flood list, "
      "multicast group and neighbour entry that was not set since "
      "hal_resync_begin()",
      HAL_CAP_WARM_RESTART, KIT_OPS_NEIGH, neigh_warm_stale },
    { "bfd.create-get", "hal/hal.h",
      "Creates a session for 'config' if '*oid' is HAL_OID_NULL (storing its "
      "id in '*oid'), else reconfigures session '*oid'.",
      0, KIT_OPS_BFD, bfd_create_get },
    { "bfd.one-per-remote", "hal/hal.h",
      "-EEXIST (another session to that remote)", 0, KIT_OPS_BFD,
      bfd_one_per_remote },
    { "bfd.reconfigure", "hal/hal.h", "else reconfigures session '*oid'.", 0,
      KIT_OPS_BFD, bfd_reconfigure },
    { "bfd.remove", "hal/hal.h",
      "Removes session 'oid'.  Returns 0, -EOPNOTSUPP or -ENOENT.", 0,
      KIT_OPS_BFD, bfd_remove },
    { "bfd.timers", "hal/hal.h",
      "the backend runs the session (lib/bfd.h) over VXLAN to 'remote', "
      "sending and receiving its frames and running its timers",
      0, KIT_OPS_BFD, bfd_timers },
    { NULL, NULL, NULL, 0, 0, NULL },
};
