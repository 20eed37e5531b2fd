/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for routing in the HAL and hal/asic: prefix helpers, the
 * objects and their checks, longest prefix match, the routing step of the
 * pipeline (TTL, resolution, rewrite, egress), finite tables and the
 * hal/dump-routes text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hal/hal-route.h"
#include "lib/ds.h"
#include "tests/unit/hal-asic-fixture.h"

static struct hal_ip
ip(const char *s)
{
    struct hal_ip a;

    assert_int_equal(hal_ip_from_string(s, &a), 0);
    return a;
}

static void
test_prefixes(void **state)
{
    struct hal_ip a, m;
    uint8_t len;
    char buf[HAL_IP_STRLEN];

    (void) state;
    assert_int_equal(hal_prefix_from_string("10.1.2.3/24", &a, &len), 0);
    assert_int_equal(len, 24);
    m = hal_ip_masked(&a, len);
    assert_string_equal(hal_ip_format(&m, buf), "10.1.2.0");
    m = hal_ip_masked(&a, 0);
    assert_string_equal(hal_ip_format(&m, buf), "0.0.0.0");
    m = hal_ip_masked(&a, 13);
    assert_string_equal(hal_ip_format(&m, buf), "10.0.0.0");
    assert_int_equal(hal_prefix_from_string("2001:db8::1/64", &a, &len), 0);
    m = hal_ip_masked(&a, 64);
    assert_string_equal(hal_ip_format(&m, buf), "2001:db8::");

    assert_int_equal(hal_prefix_from_string("10.1.2.3", &a, &len), -EINVAL);
    assert_int_equal(hal_prefix_from_string("10.1.2.3/33", &a, &len), -EINVAL);
    assert_int_equal(hal_prefix_from_string("10.1.2.3/", &a, &len), -EINVAL);
    assert_int_equal(hal_prefix_from_string("10.1.2.3/2x", &a, &len), -EINVAL);
    assert_int_equal(hal_prefix_from_string("foo/8", &a, &len), -EINVAL);
    assert_int_equal(hal_prefix_from_string("::/129", &a, &len), -EINVAL);

    a = ip("10.1.2.3");
    m = ip("10.1.0.0");
    assert_true(hal_prefix_contains(&m, 16, &a));
    assert_false(hal_prefix_contains(&m, 24, &a));
    m = ip("::");
    assert_false(hal_prefix_contains(&m, 0, &a));
}

/* ls0 (VNI 5000) on swp1, ls1 (VNI 5001) on swp2; router r0 with 10.1.0.1/24
 * on ls0 and 10.2.0.1/24 on ls1, and a next hop 10.2.0.254. */
struct rt {
    struct fixture f;
    hal_oid_t ls0, ls1, swp1, swp2;
    hal_oid_t r0, rif0, rif1, nh;
    struct hal_asic_decision d;
    struct hal_asic_route_result res;
    int64_t now; /* Each packet 2 s after the last: ARPs are not held. */
};

static const struct hal_mac router_mac = { { 0x02, 0, 0, 0, 0, 0xfe } };

static void
rt_open(struct rt *t)
{
    struct hal_switch_config sw = { test_ip("192.0.2.100"), 4789, 10 };
    struct hal_router_config rc = { "r0", router_mac, router_mac };
    struct hal_rif_config c0, c1;
    struct hal_nexthop_config nc;

    fixture_open(&t->f, "lab", NULL, false);
    assert_int_equal(hal_switch_set(t->f.hal, &sw), 0);
    t->swp1 = test_port(&t->f, "swp1");
    t->swp2 = test_port(&t->f, "swp2");
    t->ls0 = test_bridge(&t->f, "ls0", 5000, HAL_REPLICATION_SOURCE_NODE);
    t->ls1 = test_bridge(&t->f, "ls1", 5001, HAL_REPLICATION_SOURCE_NODE);
    test_bind(&t->f, t->swp1, 0, t->ls0);
    test_bind(&t->f, t->swp2, 0, t->ls1);
    t->r0 = HAL_OID_NULL;
    assert_int_equal(hal_router_set(t->f.hal, &rc, &t->r0), 0);
    c0 = (struct hal_rif_config){ t->r0, t->ls0, ip("10.1.0.1"), 24 };
    c1 = (struct hal_rif_config){ t->r0, t->ls1, ip("10.2.0.1"), 24 };
    assert_int_equal(hal_rif_create(t->f.hal, &c0, &t->rif0), 0);
    assert_int_equal(hal_rif_create(t->f.hal, &c1, &t->rif1), 0);
    nc = (struct hal_nexthop_config){ t->rif1, ip("10.2.0.254") };
    assert_int_equal(hal_nexthop_create(t->f.hal, &nc, &t->nh), 0);
    hal_asic_decision_init(&t->d);
}

static void
rt_close(struct rt *t)
{
    hal_asic_decision_uninit(&t->d);
    fixture_close(&t->f);
}

static struct hal_route_entry
route(hal_oid_t router, const char *prefix, hal_oid_t target)
{
    struct hal_route_entry e = { .router = router, .nexthop = target };

    assert_int_equal(hal_prefix_from_string(prefix, &e.prefix, &e.prefix_len),
                     0);
    return e;
}

/* Routes a packet to 'dst' with 'ttl' that arrived on ls0. */
static void
rt_route(struct rt *t, const char *dst, uint8_t ttl)
{
    struct hal_ip a = ip(dst);

    hal_asic_route(t->f.asic, t->ls0, &a, ttl, 100, t->now += 2000, &t->res,
                   &t->d);
}

static void
assert_resolves(struct rt *t, const char *dst, const char *target)
{
    char buf[HAL_IP_STRLEN];

    rt_route(t, dst, 64);
    assert_int_equal(t->res.action, HAL_ASIC_L3_RESOLVE);
    assert_string_equal(hal_ip_format(&t->res.arp_target, buf), target);
}

static void
test_lpm(void **state)
{
    struct rt t;
    struct hal_route_entry routes[5];
    int status[5];

    (void) state;
    rt_open(&t);
    routes[0] = route(t.r0, "10.1.0.0/24", t.rif0);
    routes[1] = route(t.r0, "10.2.0.0/24", t.rif1);
    routes[2] = route(t.r0, "10.0.0.0/8", t.nh);
    routes[3] = route(t.r0, "10.2.5.0/24", t.nh);
    routes[4] = route(t.r0, "0.0.0.0/0", t.nh);
    assert_int_equal(hal_route_set(t.f.hal, routes, 5, status), 0);

    /* Connected: the destination itself is resolved, in its bridge. */
    assert_resolves(&t, "10.1.0.7", "10.1.0.7");
    assert_int_equal(t.res.out_bridge, t.ls0);
    assert_resolves(&t, "10.2.0.9", "10.2.0.9");
    assert_int_equal(t.res.out_bridge, t.ls1);
    /* The longest match wins over /8 and /0. */
    assert_resolves(&t, "10.2.5.9", "10.2.0.254");
    assert_resolves(&t, "10.9.9.9", "10.2.0.254");
    assert_resolves(&t, "192.0.2.1", "10.2.0.254");
    /* The ARP request floods ls1 from the router, with its address. */
    assert_int_equal(t.d.action, HAL_ASIC_FORWARD);
    assert_int_equal(t.d.n_locals, 1);
    assert_int_equal(t.d.locals[0].port, t.swp2);

    /* Without the default route: no route. */
    assert_int_equal(hal_route_remove(t.f.hal, &routes[4], 1, status), 0);
    rt_route(&t, "192.0.2.1", 64);
    assert_int_equal(t.res.action, HAL_ASIC_L3_DROP);
    assert_string_equal(t.res.drop_reason, "no route");
    /* Removing a route twice, or one never set: -ENOENT. */
    assert_int_equal(hal_route_remove(t.f.hal, &routes[4], 1, status),
                     -ENOENT);
    /* The /24 replaced by a connected target, in place. */
    routes[3].nexthop = t.rif1;
    assert_int_equal(hal_route_set(t.f.hal, &routes[3], 1, status), 0);
    assert_resolves(&t, "10.2.5.9", "10.2.5.9");
    rt_close(&t);
}

static void
test_forward(void **state)
{
    struct hal_router_stats st;
    struct hal_route_entry r;
    struct hal_rneigh_entry n;
    struct hal_fdb_entry fdb;
    int status;

    (void) state;
    struct rt t;
    rt_open(&t);
    r = route(t.r0, "10.3.0.0/16", t.nh);
    assert_int_equal(hal_route_set(t.f.hal, &r, 1, &status), 0);

    /* TTL 1 is dropped and counted, with what an ICMP error needs. */
    rt_route(&t, "10.3.1.1", 1);
    assert_int_equal(t.res.action, HAL_ASIC_L3_DROP);
    assert_string_equal(t.res.drop_reason, "TTL expired");
    assert_true(t.res.ttl_expired);
    n.ip = ip("10.1.0.1");
    assert_true(hal_ip_equals(&t.res.in_addr, &n.ip));
    /* Any of the router's addresses, whatever the TTL, is for it. */
    rt_route(&t, "10.2.0.1", 1);
    assert_int_equal(t.res.action, HAL_ASIC_L3_DROP);
    assert_true(t.res.for_router);
    assert_false(t.res.ttl_expired);

    /* A known next hop behind a remote VTEP: rewrite, re-encapsulate with
     * the destination bridge's VNI. */
    n = (struct hal_rneigh_entry){ t.rif1, ip("10.2.0.254"), test_mac(7),
                                   false };
    assert_int_equal(hal_rneigh_set(t.f.hal, &n, 1, &status), 0);
    fdb = test_remote(t.ls1, 7, "192.0.2.7");
    assert_int_equal(hal_fdb_set(t.f.hal, &fdb, 1, &status), 0);
    rt_route(&t, "10.3.1.1", 64);
    assert_int_equal(t.res.action, HAL_ASIC_L3_FORWARD);
    assert_memory_equal(&t.res.dst, &fdb.mac, sizeof fdb.mac);
    assert_memory_equal(&t.res.src, &router_mac, sizeof router_mac);
    assert_int_equal(t.d.n_remotes, 1);
    assert_int_equal(t.d.remotes[0].vni, 5001);
    assert_int_equal(t.d.remotes[0].ip.s_addr, test_ip("192.0.2.7").s_addr);

    /* A learned neighbour never replaces a static one. */
    assert_int_equal(
        hal_asic_route_learn(t.f.asic, t.ls1, &n.ip,
                             &(struct hal_mac){ { 2, 9, 0, 0, 0, 0 } }, 0),
        0);
    rt_route(&t, "10.3.1.1", 64);
    assert_memory_equal(&t.res.dst, &fdb.mac, sizeof fdb.mac);
    /* Learning outside every subnet of the bridge is refused. */
    n.ip = ip("10.9.0.1");
    assert_int_equal(hal_asic_route_learn(t.f.asic, t.ls1, &n.ip, &n.mac, 0),
                     -ENOENT);

    /* ARP for the interface addresses, and only those. */
    n.ip = ip("10.2.0.1");
    assert_true(hal_asic_route_arp_answer(t.f.asic, t.ls1, &n.ip, &n.mac));
    assert_memory_equal(&n.mac, &router_mac, sizeof router_mac);
    n.ip = ip("10.1.0.1");
    assert_false(hal_asic_route_arp_answer(t.f.asic, t.ls1, &n.ip, &n.mac));

    assert_int_equal(hal_router_stats_get(t.f.hal, t.r0, &st), 0);
    assert_int_equal(st.ttl_expired, 1);
    assert_int_equal(st.routed, 2);
    assert_int_equal(st.arp_replies, 1);
    rt_close(&t);
}

static void
test_resolution(void **state)
{
    struct hal_resource res[HAL_TABLE_N];
    struct hal_route_entry r;
    struct hal_ip a;
    int status, i;
    struct rt t;

    (void) state;
    rt_open(&t);
    r = route(t.r0, "10.2.0.0/24", t.rif1);
    assert_int_equal(hal_route_set(t.f.hal, &r, 1, &status), 0);

    /* One ARP request a second per address, however many packets. */
    a = ip("10.2.0.9");
    hal_asic_route(t.f.asic, t.ls0, &a, 64, 100, 5000, &t.res, &t.d);
    assert_int_equal(t.res.action, HAL_ASIC_L3_RESOLVE);
    hal_asic_route(t.f.asic, t.ls0, &a, 64, 100, 5500, &t.res, &t.d);
    assert_int_equal(t.res.action, HAL_ASIC_L3_DROP);
    assert_string_equal(t.res.drop_reason, "next hop unresolved");
    hal_asic_route(t.f.asic, t.ls0, &a, 64, 100, 6000, &t.res, &t.d);
    assert_int_equal(t.res.action, HAL_ASIC_L3_RESOLVE);

    /* A full table of learned neighbours gives up the least recent. */
    for (i = 0; i < 17; i++) {
        char s[32];

        snprintf(s, sizeof s, "10.2.0.%d", 100 + i);
        a = ip(s);
        assert_int_equal(hal_asic_route_learn(
                             t.f.asic, t.ls1, &a,
                             &(struct hal_mac){ { 2, 0, 0, 0, 0, 100 + i } },
                             7000 + i),
                         0);
    }
    hal_resources_get(t.f.hal, res);
    assert_int_equal(res[HAL_TABLE_RNEIGH].used, 16);
    a = ip("10.2.0.100");
    hal_asic_route(t.f.asic, t.ls0, &a, 64, 100, 9000, &t.res, &t.d);
    assert_int_equal(t.res.action, HAL_ASIC_L3_RESOLVE);
    a = ip("10.2.0.116");
    hal_asic_route(t.f.asic, t.ls0, &a, 64, 100, 9000, &t.res, &t.d);
    assert_int_equal(t.res.action, HAL_ASIC_L3_FORWARD);
    rt_close(&t);
}

static void
test_checks_and_tables(void **state)
{
    struct hal_resource res[HAL_TABLE_N];
    struct hal_route_entry r[20];
    struct hal_router_config rc = { "r1", router_mac, router_mac };
    struct hal_rif_config c;
    hal_oid_t r1 = HAL_OID_NULL, rif;
    int status[20];
    size_t i;
    struct rt t;

    (void) state;
    rt_open(&t);
    /* Host bits in a prefix, a bad target type: -EINVAL per entry. */
    r[0] = route(t.r0, "10.4.0.0/16", t.nh);
    r[1] = route(t.r0, "10.4.0.1/16", t.nh);
    r[2] = route(t.r0, "10.5.0.0/16", t.ls0);
    assert_int_equal(hal_route_set(t.f.hal, r, 3, status), -EINVAL);
    assert_int_equal(status[0], 0);
    assert_int_equal(status[1], -EINVAL);
    assert_int_equal(status[2], -EINVAL);

    /* A bridge belongs to one router. */
    assert_int_equal(hal_router_set(t.f.hal, &rc, &r1), 0);
    c = (struct hal_rif_config){ r1, t.ls0, ip("10.7.0.1"), 24 };
    assert_int_equal(hal_rif_create(t.f.hal, &c, &rif), -EEXIST);
    /* "lab" has two routers. */
    rc.name[1] = '2';
    r1 = HAL_OID_NULL;
    assert_int_equal(hal_router_set(t.f.hal, &rc, &r1), HAL_E_TABLE_FULL);

    /* Sixteen routes fill "lab"'s table. */
    for (i = 0; i < 20; i++) {
        char p[32];

        snprintf(p, sizeof p, "10.%zu.0.0/16", 100 + i);
        r[i] = route(t.r0, p, t.nh);
    }
    assert_int_equal(hal_route_set(t.f.hal, r, 20, status), HAL_E_TABLE_FULL);
    assert_int_equal(status[14], 0);
    assert_int_equal(status[15], HAL_E_TABLE_FULL);
    hal_resources_get(t.f.hal, res);
    assert_int_equal(res[HAL_TABLE_ROUTE].used, 16);
    assert_int_equal(res[HAL_TABLE_ROUTE].capacity, 16);
    fixture_run(&t.f, 1);
    assert_int_equal(fixture_count(&t.f, HAL_EVENT_RESOURCE_EXHAUSTED), 2);
    assert_int_equal(hal_route_remove(t.f.hal, r, 1, status), 0);
    fixture_run(&t.f, 2);
    assert_int_equal(fixture_count(&t.f, HAL_EVENT_RESOURCE_FREED), 1);

    /* Removing the next hop removes its routes; the bridge its rif. */
    assert_int_equal(hal_nexthop_remove(t.f.hal, t.nh), 0);
    hal_resources_get(t.f.hal, res);
    assert_int_equal(res[HAL_TABLE_ROUTE].used, 0);
    assert_int_equal(hal_bridge_remove(t.f.hal, t.ls1), 0);
    hal_resources_get(t.f.hal, res);
    assert_int_equal(res[HAL_TABLE_RIF].used, 1);
    assert_int_equal(hal_router_remove(t.f.hal, t.r0), 0);
    hal_resources_get(t.f.hal, res);
    assert_int_equal(res[HAL_TABLE_RIF].used, 0);
    assert_int_equal(res[HAL_TABLE_ROUTER].used, 1);
    rt_close(&t);
}

static void
test_dump(void **state)
{
    struct ds out = DS_EMPTY_INITIALIZER;
    struct hal_route_entry r[3];
    struct hal_rneigh_entry n;
    int status[3];
    struct rt t;

    (void) state;
    rt_open(&t);
    r[0] = route(t.r0, "10.1.0.0/24", t.rif0);
    r[1] = route(t.r0, "0.0.0.0/0", t.nh);
    r[2] = route(t.r0, "10.2.0.0/24", t.rif1);
    assert_int_equal(hal_route_set(t.f.hal, r, 3, status), 0);
    n = (struct hal_rneigh_entry){ t.rif1, ip("10.2.0.254"), test_mac(7),
                                   false };
    assert_int_equal(hal_rneigh_set(t.f.hal, &n, 1, status), 0);
    assert_int_equal(hal_dump_routes(t.f.hal, &out), 0);
    assert_string_equal(
        ds_cstr(&out),
        "ROUTER           PREFIX                   NEXT HOP                 "
        "LS\n"
        "r0               10.1.0.0/24              connected                "
        "ls0\n"
        "r0               10.2.0.0/24              connected                "
        "ls1\n"
        "r0               0.0.0.0/0                10.2.0.254               "
        "ls1\n"
        "\n"
        "ROUTER           INTERFACE                MAC               LS\n"
        "r0               10.1.0.1/24              02:00:00:00:00:fe ls0\n"
        "r0               10.2.0.1/24              02:00:00:00:00:fe ls1\n"
        "\n"
        "LS               NEIGHBOUR                               MAC        "
        "       TYPE\n"
        "ls1              10.2.0.254                              "
        "02:00:00:00:00:07 static\n"
        "\n"
        "ROUTER               ROUTED TTL_EXPIRED   NO_ROUTE UNRESOLVED    "
        "ARP_REQ  ARP_REPLY\n"
        "r0                        0          0          0          0      "
        "    0          0\n");
    ds_destroy(&out);
    rt_close(&t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_lpm),
        cmocka_unit_test(test_forward),
        cmocka_unit_test(test_resolution),
        cmocka_unit_test(test_checks_and_tables),
        cmocka_unit_test(test_dump),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
