/* SPDX-License-Identifier: Apache-2.0 */
/* Conformance cases: the objects one at a time (switch, ports, bridges,
 * bindings, FDB entries, flood and multicast groups, tunnels, counters). */
#include <stdio.h>
#include <string.h>

#include "hal/conformance/kit.h"

static void
lifecycle_cold(struct kit *k)
{
    KIT_REQUIRE(k, !hal_is_warm(k->hal),
                "a cold open with no state reports hal_is_warm()");
    KIT_REQUIRE(k, !strcmp(hal_backend_name(k->hal), k->options->backend),
                "hal_backend_name() is \"%s\", not the name it was opened "
                "by, \"%s\"",
                hal_backend_name(k->hal), k->options->backend);
}

static void
ports_enumerate(struct kit *k)
{
    size_t n = hal_port_count(k->hal);
    struct hal_port_info info;
    hal_oid_t oid;

    for (size_t i = 0; i < n; i++) {
        KIT_EXPECT(k, hal_port_get(k->hal, i, &info), 0);
        KIT_REQUIRE(k, hal_oid_type(info.oid) == HAL_OBJECT_PORT,
                    "port %zu has object id %#llx, not of type port", i,
                    (unsigned long long) info.oid);
        KIT_REQUIRE(k,
                    memchr(info.name, '\0', sizeof info.name) && info.name[0],
                    "port %zu has no name", i);
        KIT_EXPECT(k, hal_port_by_name(k->hal, info.name, &oid), 0);
        KIT_REQUIRE(k, oid == info.oid,
                    "hal_port_by_name(\"%s\") found "
                    "another port",
                    info.name);
    }
    KIT_EXPECT(k, hal_port_get(k->hal, n, &info), -ENOENT);
}

static void
switch_set_get(struct kit *k)
{
    struct hal_switch_config set = { kit_ip(200), 4790, 42 }, got;

    KIT_EXPECT(k, hal_switch_set(k->hal, &set), 0);
    hal_switch_get(k->hal, &got);
    KIT_REQUIRE(k,
                got.tunnel_src.s_addr == set.tunnel_src.s_addr
                    && got.vxlan_port == set.vxlan_port
                    && got.aging_time_s == set.aging_time_s,
                "hal_switch_get() does not return what was set");
}

static void
bridge_create(struct kit *k)
{
    struct hal_bridge_config c;
    hal_oid_t a, again;

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    KIT_REQUIRE(k, hal_oid_type(a) == HAL_OBJECT_BRIDGE,
                "new bridge id %#llx is not of type bridge",
                (unsigned long long) a);
    KIT_EXPECT(k, hal_bridge_get(k->hal, a, &c), 0);
    KIT_REQUIRE(k, !strcmp(c.name, "ls-a") && c.vni == 5001 && c.learning,
                "hal_bridge_get() returns \"%s\" VNI %u, not what was set",
                c.name, c.vni);
    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &again), 0);
    KIT_REQUIRE(k, again == a,
                "setting bridge \"ls-a\" again by name made "
                "a second bridge");
}

static void
bridge_update(struct kit *k)
{
    struct hal_bridge_config c;
    hal_oid_t a, b;

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    KIT_EXPECT(k, hal_bridge_get(k->hal, a, &c), 0);
    snprintf(c.name, sizeof c.name, "ls-renamed");
    c.vni = 5002;
    b = a;
    KIT_EXPECT(k, hal_bridge_set(k->hal, &c, &b), 0);
    KIT_REQUIRE(k, b == a, "updating a bridge by id changed its id");
    KIT_EXPECT(k, hal_bridge_get(k->hal, a, &c), 0);
    KIT_REQUIRE(k, !strcmp(c.name, "ls-renamed") && c.vni == 5002,
                "the update did not take: \"%s\" VNI %u", c.name, c.vni);
}

static void
bridge_vni_taken(struct kit *k)
{
    hal_oid_t a, b;

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    KIT_EXPECT(k, kit_bridge(k, "ls-b", 5001, &b), -EEXIST);
}

static void
bridge_unchanged(struct kit *k)
{
    uint64_t before;
    hal_oid_t a;

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    before = kit_writes(k);
    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    KIT_REQUIRE(k, kit_writes(k) == before,
                "setting an unchanged bridge made %llu write(s)",
                (unsigned long long) (kit_writes(k) - before));
}

static void
bridge_remove(struct kit *k)
{
    struct in_addr remotes[] = { kit_ip(1) };
    struct hal_flood_group flood = { .type = HAL_FLOOD_BROADCAST,
                                     .remotes = remotes,
                                     .n_remotes = 1 };
    struct hal_flood_group mcast = { .remotes = remotes, .n_remotes = 1 };
    struct hal_bridge_config c;
    struct hal_fdb_entry e;
    hal_oid_t a, keep;
    int st;

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    KIT_EXPECT(k, kit_bridge(k, "ls-keep", 5002, &keep), 0);
    KIT_EXPECT(k, kit_bind(k, 0, 0, a), 0);
    KIT_EXPECT(k, kit_bind(k, 1, 0, keep), 0);
    e = kit_remote(a, 1, 1);
    KIT_EXPECT(k, hal_fdb_set(k->hal, &e, 1, &st), 0);
    flood.bridge = mcast.bridge = a;
    mcast.mac = kit_mac(7);
    mcast.mac.ea[0] = 0x01;
    KIT_EXPECT(k, hal_flood_set(k->hal, &flood, 1, &st), 0);
    KIT_EXPECT(k, hal_mcast_set(k->hal, &mcast, 1, &st), 0);

    KIT_EXPECT(k, hal_bridge_remove(k->hal, a), 0);
    KIT_EXPECT(k, hal_bridge_get(k->hal, a, &c), -ENOENT);
    KIT_EXPECT(k, hal_bridge_remove(k->hal, a), -ENOENT);
    KIT_REQUIRE(k, kit_binding_count(k, k->port[0], 0, NULL) == 1,
                "the removed bridge's binding is still there");
    KIT_REQUIRE(k, kit_fdb_count(k, HAL_OID_NULL) == 0,
                "the removed bridge's FDB entry is still there");
    KIT_REQUIRE(k, kit_flood_count(k, a, HAL_FLOOD_BROADCAST, NULL) == 0,
                "the removed bridge's flood list or multicast group is "
                "still there");
}

static void
binding_set(struct kit *k)
{
    hal_oid_t a, b, got;

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    KIT_EXPECT(k, kit_bridge(k, "ls-b", 5002, &b), 0);
    KIT_EXPECT(k, kit_bind(k, 0, 0, a), 0);
    KIT_REQUIRE(k, kit_binding_count(k, k->port[0], 0, &got) == 1 && got == a,
                "hal_binding_walk() does not show the binding");
    KIT_EXPECT(k, kit_bind(k, 0, 0, b), 0);
    KIT_REQUIRE(k, kit_binding_count(k, k->port[0], 0, &got) == 1 && got == b,
                "rebinding (port, VLAN 0) did not replace the binding");
}

static void
binding_tagged(struct kit *k)
{
    hal_oid_t a, b, got;

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    KIT_EXPECT(k, kit_bridge(k, "ls-b", 5002, &b), 0);
    KIT_EXPECT(k, kit_bind(k, 0, 0, a), 0);
    KIT_EXPECT(k, kit_bind(k, 0, 100, b), 0);
    KIT_REQUIRE(k,
                kit_binding_count(k, k->port[0], 100, &got) == 2 && got == b,
                "the tagged binding is missing or replaced the untagged one");
}

static void
binding_remove(struct kit *k)
{
    struct hal_binding bind;
    hal_oid_t a;
    int st;

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    KIT_EXPECT(k, kit_bind(k, 0, 0, a), 0);
    bind = (struct hal_binding){ k->port[0], 0, HAL_OID_NULL };
    KIT_EXPECT(k, hal_binding_remove(k->hal, &bind, 1, &st), 0);
    KIT_REQUIRE(k, kit_binding_count(k, k->port[0], 0, NULL) == 0,
                "the binding is still there");
    KIT_EXPECT(k, hal_binding_remove(k->hal, &bind, 1, &st), -ENOENT);
}

static void
missing_objects(struct kit *k)
{
    hal_oid_t a, ghost;
    struct hal_fdb_entry e;
    int st;

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    KIT_EXPECT(k, kit_bridge(k, "ls-ghost", 5002, &ghost), 0);
    KIT_EXPECT(k, hal_bridge_remove(k->hal, ghost), 0);
    KIT_EXPECT(k, kit_bind(k, 0, 0, ghost), -ENOENT);
    e = kit_remote(ghost, 1, 1);
    KIT_EXPECT(k, hal_fdb_set(k->hal, &e, 1, &st), -ENOENT);
    e = kit_remote(a, 1, 1);
    KIT_EXPECT(k, hal_fdb_remove(k->hal, &e, 1, &st), -ENOENT);
}

static void
fdb_set(struct kit *k)
{
    struct hal_fdb_entry set[2], got;
    hal_oid_t a;
    int st[2];

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    KIT_EXPECT(k, kit_bind(k, 0, 0, a), 0);
    set[0] = kit_remote(a, 1, 1);
    set[1] = kit_local(a, 2, k->port[0], 0);
    KIT_EXPECT(k, hal_fdb_set(k->hal, set, 2, st), 0);
    KIT_REQUIRE(k,
                kit_fdb_find(k, a, &set[0].mac, &got) && got.remote
                    && got.remote_ip.s_addr == set[0].remote_ip.s_addr
                    && got.type == HAL_FDB_STATIC,
                "the remote entry is missing or different in the walk");
    KIT_REQUIRE(k,
                kit_fdb_find(k, a, &set[1].mac, &got) && !got.remote
                    && got.port == k->port[0] && got.vlan == 0,
                "the local entry is missing or different in the walk");
    set[1] = kit_remote(a, 2, 2);
    KIT_EXPECT(k, hal_fdb_set(k->hal, &set[1], 1, st), 0);
    KIT_REQUIRE(k,
                kit_fdb_find(k, a, &set[1].mac, &got) && got.remote
                    && kit_fdb_count(k, a) == 2,
                "setting a MAC again did not replace its entry");
}

static void
fdb_remove(struct kit *k)
{
    struct hal_fdb_entry e;
    hal_oid_t a;
    int st;

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    e = kit_remote(a, 1, 1);
    KIT_EXPECT(k, hal_fdb_set(k->hal, &e, 1, &st), 0);
    e.remote = false; /* Only (bridge, mac) counts. */
    KIT_EXPECT(k, hal_fdb_remove(k->hal, &e, 1, &st), 0);
    KIT_REQUIRE(k, kit_fdb_count(k, a) == 0, "the entry is still there");
}

static void
flood_set(struct kit *k)
{
    struct in_addr two[] = { kit_ip(1), kit_ip(2) };
    struct hal_flood_group g = { .type = HAL_FLOOD_UNKNOWN_UNICAST,
                                 .remotes = two,
                                 .n_remotes = 2 };
    size_t n;
    hal_oid_t a;
    int st;

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    g.bridge = a;
    KIT_EXPECT(k, hal_flood_set(k->hal, &g, 1, &st), 0);
    KIT_REQUIRE(k, kit_flood_count(k, a, g.type, &n) == 1 && n == 2,
                "the flood list has %zu remotes, not 2", n);
    g.n_remotes = 1;
    KIT_EXPECT(k, hal_flood_set(k->hal, &g, 1, &st), 0);
    KIT_REQUIRE(k, kit_flood_count(k, a, g.type, &n) == 1 && n == 1,
                "the replaced flood list has %zu remotes, not 1", n);
    g.n_remotes = 0;
    KIT_EXPECT(k, hal_flood_set(k->hal, &g, 1, &st), 0);
    KIT_REQUIRE(k, kit_flood_count(k, a, g.type, NULL) == 0,
                "an empty list did not remove the flood list");
}

static void
mcast_set(struct kit *k)
{
    struct in_addr two[] = { kit_ip(1), kit_ip(2) };
    struct hal_flood_group g = { .remotes = two, .n_remotes = 2 };
    hal_oid_t a;
    int st;

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    g.bridge = a;
    g.mac = kit_mac(9);
    g.mac.ea[0] = 0x01;
    KIT_EXPECT(k, hal_mcast_set(k->hal, &g, 1, &st), 0);
    KIT_REQUIRE(k, kit_flood_count(k, a, HAL_FLOOD_N, NULL) == 1,
                "the multicast group is not in hal_flood_walk()");
    KIT_EXPECT(k, hal_mcast_remove(k->hal, &g, 1, &st), 0);
    KIT_REQUIRE(k, kit_flood_count(k, a, HAL_FLOOD_N, NULL) == 0,
                "the removed multicast group is still there");
    KIT_EXPECT(k, hal_mcast_remove(k->hal, &g, 1, &st), -ENOENT);
}

static void
tunnel_implicit(struct kit *k)
{
    struct hal_fdb_entry e[2];
    uint32_t base;
    hal_oid_t a;
    int st[2];

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    base = kit_resource(k, HAL_TABLE_TUNNEL).used;
    e[0] = kit_remote(a, 1, 7);
    e[1] = kit_remote(a, 2, 7);
    KIT_EXPECT(k, hal_fdb_set(k->hal, e, 2, st), 0);
    KIT_REQUIRE(k, kit_resource(k, HAL_TABLE_TUNNEL).used == base + 1,
                "two entries naming one new VTEP made %u tunnels, not 1",
                kit_resource(k, HAL_TABLE_TUNNEL).used - base);
    KIT_EXPECT(k, hal_fdb_remove(k->hal, e, 1, st), 0);
    KIT_REQUIRE(k, kit_resource(k, HAL_TABLE_TUNNEL).used == base + 1,
                "the tunnel went while an entry still names it");
    KIT_EXPECT(k, hal_fdb_remove(k->hal, &e[1], 1, st), 0);
    KIT_REQUIRE(k, kit_resource(k, HAL_TABLE_TUNNEL).used == base,
                "the tunnel stayed after its last reference went");
}

static void
binding_counters(struct kit *k)
{
    struct hal_binding_stats stats;
    hal_oid_t a;

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    KIT_EXPECT(k, kit_bind(k, 0, 0, a), 0);
    KIT_EXPECT(k, hal_binding_stats_get(k->hal, k->port[0], 0, &stats), 0);
    KIT_EXPECT(k, hal_binding_stats_get(k->hal, k->port[1], 0, &stats),
               -ENOENT);
}

static void
tunnel_counters(struct kit *k)
{
    struct hal_tunnel_stats stats;
    struct hal_fdb_entry e;
    hal_oid_t a;
    int st;

    KIT_EXPECT(k, kit_bridge(k, "ls-a", 5001, &a), 0);
    e = kit_remote(a, 1, 7);
    KIT_EXPECT(k, hal_fdb_set(k->hal, &e, 1, &st), 0);
    KIT_EXPECT(k, hal_tunnel_stats_get(k->hal, kit_ip(7), &stats), 0);
    KIT_EXPECT(k, hal_tunnel_stats_get(k->hal, kit_ip(8), &stats), -ENOENT);
}

static void
eopnotsupp_undeclared(struct kit *k)
{
    struct hal_binding_stats bs;
    struct hal_tunnel_stats ts;
    int error;

    error = hal_binding_stats_get(k->hal, k->port[0], 0, &bs);
    KIT_REQUIRE(
        k, (error == -EOPNOTSUPP) == !(k->caps & HAL_CAP_BINDING_COUNTERS),
        "binding counters: %s, but HAL_CAP_BINDING_COUNTERS is %s",
        hal_strerror(error),
        k->caps & HAL_CAP_BINDING_COUNTERS ? "declared" : "not");
    error = hal_tunnel_stats_get(k->hal, kit_ip(99), &ts);
    KIT_REQUIRE(k,
                (error == -EOPNOTSUPP) == !(k->caps & HAL_CAP_TUNNEL_COUNTERS),
                "tunnel counters: %s, but HAL_CAP_TUNNEL_COUNTERS is %s",
                hal_strerror(error),
                k->caps & HAL_CAP_TUNNEL_COUNTERS ? "declared" : "not");
}

const struct kit_case kit_object_cases[] = {
    { "lifecycle.cold-open", "hal/hal.h",
      "Returns true if hal_open() reattached existing table state.", 0, 0,
      lifecycle_cold },
    { "ports.enumerate", "hal/hal.h",
      "Fills '*info' for port number 'index' (0-based, in platform order). "
      "Returns 0 or -ENOENT.",
      0, 0, ports_enumerate },
    { "switch.set-get", "hal/hal.h",
      "Sets the switch attributes; 'config' is borrowed.", 0, 0,
      switch_set_get },
    { "bridge.create", "hal/hal.h",
      "if it is HAL_OID_NULL, updates the bridge with the same name or "
      "creates one and stores its id in '*oid'.",
      0, 0, bridge_create },
    { "bridge.update", "hal/hal.h",
      "If '*oid' is a bridge, updates (and maybe renames) it;", 0, 0,
      bridge_update },
    { "bridge.vni-taken", "hal/hal.h",
      "Returns 0, -EEXIST if another bridge has the VNI, HAL_E_TABLE_FULL, "
      "or -EINVAL.",
      0, 0, bridge_vni_taken },
    { "bridge.unchanged-not-rewritten", "hal/hal.h",
      "An unchanged bridge is not rewritten.", 0, KIT_HOOK_WRITES,
      bridge_unchanged },
    { "bridge.remove-cascades", "hal/hal.h",
      "Removes a bridge together with its bindings, FDB entries, flood lists "
      "and multicast groups",
      0, 0, bridge_remove },
    { "binding.set-replaces", "hal/hal.h",
      "Binds (port, vlan) to a bridge, replacing any earlier binding of the "
      "pair.",
      0, 0, binding_set },
    { "binding.tagged", "hal/hal.h",
      "binding (port, VLAN) → bridge; VLAN 0 means untagged frames.",
      HAL_CAP_TAGGED_BINDINGS, 0, binding_tagged },
    { "binding.remove", "hal/hal.h",
      "-ENOENT A referenced object (port, bridge, entry) does not exist.", 0,
      0, binding_remove },
    { "errors.enoent", "hal/hal.h",
      "-ENOENT A referenced object (port, bridge, entry) does not exist.", 0,
      0, missing_objects },
    { "fdb.set-replaces", "hal/hal.h",
      "Adds or replaces static FDB entries ('type' must be HAL_FDB_STATIC).",
      0, 0, fdb_set },
    { "fdb.remove", "hal/hal.h",
      "Removes FDB entries by (bridge, mac), whatever their type.", 0, 0,
      fdb_remove },
    { "flood.set-replace-remove", "hal/hal.h",
      "Replaces the remote VTEP list of (bridge, type).", 0, 0, flood_set },
    { "mcast.set-remove", "hal/hal.h",
      "Creates or replaces multicast groups (bridge, mac) → remotes.", 0, 0,
      mcast_set },
    { "tunnel.implicit", "hal/hal.h",
      "the backend creates one when an FDB entry or flood list first names "
      "an IP and deletes it when the last reference goes.",
      0, 0, tunnel_implicit },
    { "counters.binding", "hal/hal.h",
      "Reads the counters of binding (port, vlan). Returns 0 or -ENOENT.",
      HAL_CAP_BINDING_COUNTERS, 0, binding_counters },
    { "counters.tunnel", "hal/hal.h",
      "Reads the counters of the tunnel to 'remote'. Returns 0 or -ENOENT.",
      HAL_CAP_TUNNEL_COUNTERS, 0, tunnel_counters },
    { "errors.eopnotsupp-only-undeclared", "hal/hal-provider.h",
      "a provider that declares a feature must not answer -EOPNOTSUPP for "
      "it.",
      0, 0, eopnotsupp_undeclared },
    { NULL, NULL, NULL, 0, 0, NULL },
};
