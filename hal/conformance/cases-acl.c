/* SPDX-License-Identifier: Apache-2.0 */
/* Conformance cases: ACL tables, bindings and counters (hal/hal-acl.h). */
#include <string.h>

#include "hal/conformance/kit.h"
#include "hal/hal-route.h"
#include "lib/util.h"

/* A rule denying TCP to ports lo..hi. */
static struct hal_acl_rule
deny_range(int64_t seq, uint16_t lo, uint16_t hi)
{
    struct hal_acl_rule r = { .seq = seq, .action = HAL_ACL_DENY };

    r.match.fields = HAL_ACL_F_PROTOCOL | HAL_ACL_F_DST_PORT;
    r.match.protocol = 6;
    r.match.dst_port_min = lo;
    r.match.dst_port_max = hi;
    return r;
}

static int
table_set(struct kit *k, enum hal_acl_stage stage,
          const struct hal_acl_rule *rules, size_t n, hal_oid_t *oid)
{
    struct hal_acl_table_config c = { .stage = stage,
                                      .rules = rules,
                                      .n_rules = n };

    strcpy(c.name, "kit");
    return hal_acl_table_set(k->hal, &c, oid);
}

static void
acl_counters(struct kit *k)
{
    struct hal_acl_rule r[2] = { deny_range(1, 80, 80),
                                 deny_range(2, 1000, 2000) };
    hal_oid_t oid = HAL_OID_NULL;
    uint64_t hits[3] = { 1, 1, 1 };

    KIT_EXPECT(k, table_set(k, HAL_ACL_INGRESS, r, 2, &oid), 0);
    KIT_REQUIRE(k, hal_oid_type(oid) == HAL_OBJECT_ACL_TABLE,
                "hal_acl_table_set() stored no ACL table id");
    KIT_EXPECT(k, hal_acl_counters_get(k->hal, oid, hits, 2), 0);
    KIT_REQUIRE(k, !hits[0] && !hits[1], "a new table's counters are not 0");
    KIT_EXPECT(k, hal_acl_counters_get(k->hal, oid, hits, 3), -EINVAL);
    KIT_EXPECT(k, hal_acl_table_remove(k->hal, oid), 0);
    KIT_EXPECT(k, hal_acl_counters_get(k->hal, oid, hits, 1), -ENOENT);
}

static void
acl_bindings(struct kit *k)
{
    struct hal_acl_rule r = deny_range(1, 80, 80);
    hal_oid_t oid = HAL_OID_NULL;
    struct hal_acl_binding b = { k->port[0], 10, HAL_ACL_INGRESS, 0 };
    int st;

    KIT_EXPECT(k, table_set(k, HAL_ACL_INGRESS, &r, 1, &oid), 0);
    b.table = oid;
    KIT_EXPECT(k, hal_acl_bind_set(k->hal, &b, 1, &st), 0);
    KIT_EXPECT(k, hal_acl_bind_set(k->hal, &b, 1, &st), 0);
    b.stage = HAL_ACL_EGRESS;
    hal_acl_bind_set(k->hal, &b, 1, &st);
    KIT_REQUIRE(k, st == -EINVAL,
                "binding an ingress table on egress gave %d, not -EINVAL", st);
    b.stage = HAL_ACL_INGRESS;
    KIT_EXPECT(k, hal_acl_table_remove(k->hal, oid), 0);
    hal_acl_bind_remove(k->hal, &b, 1, &st);
    KIT_REQUIRE(k, st == -ENOENT,
                "the binding of a removed table is still there (%d)", st);
}

/* Grows a second table until the stage is full: the failing call changes
 * nothing, and the first table stays. */
static void
acl_atomic_full(struct kit *k)
{
    static struct hal_acl_rule rules[4096];
    static uint64_t hits[4096];
    struct hal_acl_rule one = deny_range(1, 1000, 2000);
    hal_oid_t a = HAL_OID_NULL, b = HAL_OID_NULL;
    struct hal_resource before, after;
    size_t n;
    int error = 0;

    for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
        rules[i] = deny_range((int64_t) i, 1, 65534);
    }
    KIT_EXPECT(k, table_set(k, HAL_ACL_INGRESS, &one, 1, &a), 0);
    for (n = 1; n <= ARRAY_SIZE(rules); n *= 2) {
        before = kit_resource(k, HAL_TABLE_ACL_INGRESS);
        error = table_set(k, HAL_ACL_INGRESS, rules, n, &b);
        if (error) {
            break;
        }
    }
    KIT_REQUIRE(k, error == HAL_E_TABLE_FULL,
                "%zu wide rules did not fill the ingress stage (%d)", n / 2,
                error);
    after = kit_resource(k, HAL_TABLE_ACL_INGRESS);
    KIT_REQUIRE(k, after.used == before.used,
                "a table that did not fit changed 'used' from %u to %u",
                before.used, after.used);
    KIT_EXPECT(k, hal_acl_counters_get(k->hal, a, hits, 1), 0);
    if (b) {
        KIT_EXPECT(k, hal_acl_counters_get(k->hal, b, hits, n / 2), 0);
    }
}

/* A router interface is a bind point (VLAN 0 only) whose bindings go with
 * it. */
static void
acl_rif_bindings(struct kit *k)
{
    struct hal_router_config rc = { .name = "kit",
                                    .mac = { { 0x02, 0, 0, 0, 0, 0xfe } } };
    struct hal_acl_rule r = deny_range(1, 80, 80);
    hal_oid_t router = HAL_OID_NULL, bridge, rif, oid = HAL_OID_NULL;
    struct hal_rif_config c = { .prefix_len = 24 };
    struct hal_acl_binding b;
    int st;

    KIT_REQUIRE(k, !hal_route_unsupported_reason(k->hal),
                "HAL_CAP_ACL_RIF without routing: %s",
                hal_route_unsupported_reason(k->hal));
    KIT_EXPECT(k, kit_bridge(k, "kit-rif", 700, &bridge), 0);
    KIT_EXPECT(k, hal_router_set(k->hal, &rc, &router), 0);
    c.router = router;
    c.bridge = bridge;
    KIT_EXPECT(k, hal_ip_from_string("10.70.0.1", &c.ip), 0);
    KIT_EXPECT(k, hal_rif_create(k->hal, &c, &rif), 0);
    KIT_EXPECT(k, table_set(k, HAL_ACL_EGRESS, &r, 1, &oid), 0);
    b = (struct hal_acl_binding){ rif, 0, HAL_ACL_EGRESS, oid };
    KIT_EXPECT(k, hal_acl_bind_set(k->hal, &b, 1, &st), 0);
    b.vlan = 10;
    hal_acl_bind_set(k->hal, &b, 1, &st);
    KIT_REQUIRE(k, st == -EINVAL,
                "a router interface binding with a VLAN gave %d, not -EINVAL",
                st);
    b.vlan = 0;
    KIT_EXPECT(k, hal_rif_remove(k->hal, rif), 0);
    hal_acl_bind_remove(k->hal, &b, 1, &st);
    KIT_REQUIRE(k, st == -ENOENT,
                "the binding of a removed router interface is still there "
                "(%d)",
                st);
    KIT_EXPECT(k, hal_router_remove(k->hal, router), 0);
    KIT_EXPECT(k, hal_acl_table_remove(k->hal, oid), 0);
}

/* A new router whose interface has an ACL has counted nothing, the ACL
 * drops included (a provider built for a shorter struct hal_router_stats
 * would leave them as they were). */
static void
acl_router_counters(struct kit *k)
{
    struct hal_router_config rc = { .name = "kit",
                                    .mac = { { 0x02, 0, 0, 0, 0, 0xfe } } };
    struct hal_acl_rule r = deny_range(1, 80, 80);
    hal_oid_t router = HAL_OID_NULL, bridge, rif, oid = HAL_OID_NULL;
    struct hal_rif_config c = { .prefix_len = 24 };
    static const struct hal_router_stats zero;
    struct hal_router_stats rs;
    struct hal_acl_binding b;
    int st;

    KIT_REQUIRE(k, !hal_route_unsupported_reason(k->hal),
                "HAL_CAP_ACL_RIF without routing: %s",
                hal_route_unsupported_reason(k->hal));
    KIT_EXPECT(k, kit_bridge(k, "kit-rif", 700, &bridge), 0);
    KIT_EXPECT(k, hal_router_set(k->hal, &rc, &router), 0);
    c.router = router;
    c.bridge = bridge;
    KIT_EXPECT(k, hal_ip_from_string("10.70.0.1", &c.ip), 0);
    KIT_EXPECT(k, hal_rif_create(k->hal, &c, &rif), 0);
    KIT_EXPECT(k, table_set(k, HAL_ACL_INGRESS, &r, 1, &oid), 0);
    b = (struct hal_acl_binding){ rif, 0, HAL_ACL_INGRESS, oid };
    KIT_EXPECT(k, hal_acl_bind_set(k->hal, &b, 1, &st), 0);
    memset(&rs, 0xff, sizeof rs);
    KIT_EXPECT(k, hal_router_stats_get(k->hal, router, &rs), 0);
    KIT_REQUIRE(k, !memcmp(&rs, &zero, sizeof rs),
                "a new router has counted (routed %llu, ACL in %llu, out "
                "%llu)",
                (unsigned long long) rs.routed,
                (unsigned long long) rs.acl_denied_in,
                (unsigned long long) rs.acl_denied_out);
    KIT_EXPECT(k, hal_router_remove(k->hal, router), 0);
    KIT_EXPECT(k, hal_acl_table_remove(k->hal, oid), 0);
}

const struct kit_case kit_acl_cases[] = {
    { "acl.counters", "hal/hal-acl.h",
      "Reads the hit counters of the first 'n' rules of table 'oid' into "
      "'packets'.  Returns 0, -ENOENT, -EINVAL if the table has fewer rules, "
      "or -EOPNOTSUPP.",
      HAL_CAP_ACL, 0, acl_counters },
    { "acl.bindings", "hal/hal-acl.h",
      "Removes ACL table 'oid' and the bindings to it.", HAL_CAP_ACL, 0,
      acl_bindings },
    { "acl.atomic-full", "hal/hal-acl.h",
      "a table that does not fit fails with HAL_E_TABLE_FULL and leaves the "
      "earlier version of the table, and every other table, as they were.",
      HAL_CAP_ACL | HAL_CAP_FINITE_TABLES, 0, acl_atomic_full },
    { "acl.rif-bindings", "hal/hal-acl.h",
      "Removing a port or router interface removes its bindings.",
      HAL_CAP_ACL | HAL_CAP_ACL_RIF, 0, acl_rif_bindings },
    { "acl.router-counters", "hal/hal-route.h",
      "Reads router 'oid''s counters, every one of them zero for a new "
      "router.",
      HAL_CAP_ACL | HAL_CAP_ACL_RIF, 0, acl_router_counters },
    { NULL, NULL, NULL, 0, 0, NULL },
};
