/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for routing in the HAL and hal/asic: prefix helpers, the
 * objects and their checks, longest prefix match, the routing step of the
 * pipeline (TTL, resolution, rewrite, egress, ICMP unreachable and its
 * rate limit, other VTEPs' ARP MACs), finite tables, warm restart and the
 * hal/dump-routes text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hal/asic/profile.h"
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
/* The source of the packets routed: a host on ls0 (set by rt_open()). */
static struct hal_ip host;

static void
rt_open(struct rt *t)
{
    struct hal_switch_config sw = { test_ip("192.0.2.100"), 4789, 10 };
    struct hal_router_config rc = { .name = "r0",
                                    .mac = router_mac,
                                    .arp_mac = router_mac };
    struct hal_rif_config c0, c1;
    struct hal_nexthop_config nc;

    host = ip("10.1.0.7");
    fixture_open(&t->f, "lab", NULL, false);
    t->now = 0;
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

    hal_asic_route(t->f.asic, t->ls0, &host, &a, ttl, 100, 86, false,
                   t->now += 2000, NULL, &t->res, &t->d);
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
    hal_asic_route(t.f.asic, t.ls0, &host, &a, 64, 100, 86, false, 5000, NULL,
                   &t.res, &t.d);
    assert_int_equal(t.res.action, HAL_ASIC_L3_RESOLVE);
    hal_asic_route(t.f.asic, t.ls0, &host, &a, 64, 100, 86, false, 5500, NULL,
                   &t.res, &t.d);
    assert_int_equal(t.res.action, HAL_ASIC_L3_DROP);
    assert_string_equal(t.res.drop_reason, "next hop unresolved");
    hal_asic_route(t.f.asic, t.ls0, &host, &a, 64, 100, 86, false, 6000, NULL,
                   &t.res, &t.d);
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
    hal_asic_route(t.f.asic, t.ls0, &host, &a, 64, 100, 86, false, 9000, NULL,
                   &t.res, &t.d);
    assert_int_equal(t.res.action, HAL_ASIC_L3_RESOLVE);
    a = ip("10.2.0.116");
    hal_asic_route(t.f.asic, t.ls0, &host, &a, 64, 100, 86, false, 9000, NULL,
                   &t.res, &t.d);
    assert_int_equal(t.res.action, HAL_ASIC_L3_FORWARD);
    rt_close(&t);
}

static void
test_checks_and_tables(void **state)
{
    struct hal_resource res[HAL_TABLE_N];
    struct hal_route_entry r[20];
    struct hal_router_config rc = { .name = "r1",
                                    .mac = router_mac,
                                    .arp_mac = router_mac };
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
        "ROUTER           INTERFACE                MAC                 MTU "
        "NEIGH_AGE RA    LS\n"
        "r0               10.1.0.1/24              02:00:00:00:00:fe  1500 "
        "default   -     ls0\n"
        "r0               10.2.0.1/24              02:00:00:00:00:fe  1500 "
        "default   -     ls1\n"
        "\n"
        "LS               NEIGHBOUR                               MAC        "
        "       TYPE\n"
        "ls1              10.2.0.254                              "
        "02:00:00:00:00:07 static\n"
        "\n"
        "ROUTER               ROUTED TTL_EXPIRED   NO_ROUTE UNRESOLVED    "
        "ARP_REQ  ARP_REPLY   ICMP_ERR ICMP_LIMIT     ACL_IN    ACL_OUT   "
        "     MTU\n"
        "r0                        0          0          0          0      "
        "    0          0          0          0          0          0      "
        "    0\n");
    ds_destroy(&out);
    rt_close(&t);
}

/* Routes a packet of 'ip_len' bytes to 'dst' ('df': may not be
 * fragmented) that arrived on ls0. */
static void
rt_route_len(struct rt *t, const char *dst, uint32_t ip_len, bool df)
{
    struct hal_ip a = ip(dst);

    hal_asic_route(t->f.asic, t->ls0, &host, &a, 64, ip_len + 14, ip_len, df,
                   t->now += 2000, NULL, &t->res, &t->d);
}

/* Routes ls1's subnet, with 10.2.0.7 a neighbour behind a VTEP and
 * 10.2.0.8 one on swp2: the hosts of the MTU tests. */
static void
mtu_hosts(struct rt *t)
{
    struct hal_rneigh_entry n[2];
    struct hal_fdb_entry fdb[2];
    struct hal_route_entry r;
    int status[2];

    r = route(t->r0, "10.2.0.0/24", t->rif1);
    assert_int_equal(hal_route_set(t->f.hal, &r, 1, status), 0);
    n[0] = (struct hal_rneigh_entry){ t->rif1, ip("10.2.0.7"), test_mac(7),
                                      false };
    n[1] = (struct hal_rneigh_entry){ t->rif1, ip("10.2.0.8"), test_mac(8),
                                      false };
    assert_int_equal(hal_rneigh_set(t->f.hal, n, 2, status), 0);
    fdb[0] = test_remote(t->ls1, 7, "192.0.2.7");
    fdb[1] = test_local(t->ls1, 8, t->swp2, 0);
    assert_int_equal(hal_fdb_set(t->f.hal, fdb, 2, status), 0);
}

/* The egress MTU: HAL_RIF_MTU for a local host, the tunnel's inner MTU
 * for one behind a VTEP once the dataplane sets it; over it, DF (and
 * IPv6) gets what an ICMP error needs, no DF is only dropped; both count
 * in mtu_exceeded, nothing reaches the L2 egress. */
static void
test_mtu(void **state)
{
    struct hal_router_stats st, st2;
    struct hal_ip in;
    struct rt t;

    (void) state;
    rt_open(&t);
    mtu_hosts(&t);

    /* Exactly the MTU passes, one byte more does not. */
    rt_route_len(&t, "10.2.0.8", HAL_RIF_MTU, true);
    assert_int_equal(t.res.action, HAL_ASIC_L3_FORWARD);
    assert_false(t.res.too_big);
    rt_route_len(&t, "10.2.0.8", HAL_RIF_MTU + 1, true);
    assert_int_equal(t.res.action, HAL_ASIC_L3_DROP);
    assert_string_equal(t.res.drop_reason, "larger than the MTU");
    assert_true(t.res.too_big);
    assert_int_equal(t.res.mtu, HAL_RIF_MTU);
    in = ip("10.1.0.1");
    assert_true(hal_ip_equals(&t.res.in_addr, &in));
    assert_memory_equal(&t.res.src, &router_mac, sizeof router_mac);
    assert_false(t.res.fragment);
    /* Without DF: trapped to the CPU to fragment to the MTU, no ICMP
     * error due. */
    rt_route_len(&t, "10.2.0.8", HAL_RIF_MTU + 1, false);
    assert_int_equal(t.res.action, HAL_ASIC_L3_DROP);
    assert_string_equal(t.res.drop_reason,
                        "larger than the MTU (not fragmented)");
    assert_true(t.res.fragment);
    assert_int_equal(t.res.mtu, HAL_RIF_MTU);
    assert_false(t.res.too_big);
    assert_false(t.res.unreachable);

    /* Behind a VTEP, before the dataplane tells the tunnel's MTU: the
     * interface's. */
    rt_route_len(&t, "10.2.0.7", HAL_RIF_MTU, true);
    assert_int_equal(t.res.action, HAL_ASIC_L3_FORWARD);
    /* Then the tunnel's, for remote hosts only. */
    hal_asic_route_set_tunnel_mtu(t.f.asic, 1450);
    rt_route_len(&t, "10.2.0.7", 1451, true);
    assert_int_equal(t.res.action, HAL_ASIC_L3_DROP);
    assert_true(t.res.too_big);
    assert_int_equal(t.res.mtu, 1450);
    rt_route_len(&t, "10.2.0.7", 1450, true);
    assert_int_equal(t.res.action, HAL_ASIC_L3_FORWARD);
    assert_int_equal(t.d.n_remotes, 1);
    rt_route_len(&t, "10.2.0.8", HAL_RIF_MTU, true);
    assert_int_equal(t.res.action, HAL_ASIC_L3_FORWARD);
    assert_int_equal(t.d.n_locals, 1);
    /* A tunnel MTU above the interface's changes nothing. */
    hal_asic_route_set_tunnel_mtu(t.f.asic, 9000);
    rt_route_len(&t, "10.2.0.7", HAL_RIF_MTU + 1, true);
    assert_int_equal(t.res.mtu, HAL_RIF_MTU);

    /* Over the MTU to a next hop not yet resolved: no ARP request for a
     * packet that cannot go. */
    assert_int_equal(hal_router_stats_get(t.f.hal, t.r0, &st), 0);
    rt_route_len(&t, "10.2.0.99", HAL_RIF_MTU + 1, true);
    assert_true(t.res.too_big);
    assert_int_equal(t.res.mtu, HAL_RIF_MTU);
    assert_int_equal(hal_router_stats_get(t.f.hal, t.r0, &st2), 0);
    assert_int_equal(st2.arp_requests, st.arp_requests);
    assert_int_equal(st2.unresolved, st.unresolved);

    /* TTL and the route come first: an oversize packet with TTL 1 is a
     * time exceeded; one to no route is unreachable. */
    in = ip("10.2.0.8");
    hal_asic_route(t.f.asic, t.ls0, &host, &in, 1, 9014, 9000, true,
                   t.now += 2000, NULL, &t.res, &t.d);
    assert_true(t.res.ttl_expired);
    assert_false(t.res.too_big);
    rt_route_len(&t, "10.9.0.1", 9000, true);
    assert_true(t.res.unreachable);
    assert_false(t.res.too_big);

    assert_int_equal(hal_router_stats_get(t.f.hal, t.r0, &st), 0);
    assert_int_equal(st.mtu_exceeded, 5);
    assert_int_equal(st.routed, 4);
    assert_int_equal(st.icmp_errors, 0); /* The dataplane asks for them. */
    rt_close(&t);
}

/* A router's own MTU (hal_router_config's 'mtu') replaces HAL_RIF_MTU on
 * all its interfaces, the tunnel's still limiting what goes in VXLAN; out
 * of range is refused and changes nothing. */
static void
test_router_mtu(void **state)
{
    struct hal_router_config rc = { .name = "r0",
                                    .mac = router_mac,
                                    .arp_mac = router_mac };
    hal_oid_t r0;
    struct rt t;

    (void) state;
    rt_open(&t);
    mtu_hosts(&t);
    hal_asic_route_set_tunnel_mtu(t.f.asic, 1450);

    /* Jumbo: 9000 bytes go to a local host, not 9001; a remote host still
     * gets the tunnel's. */
    rc.mtu = 9000;
    r0 = t.r0;
    assert_int_equal(hal_router_set(t.f.hal, &rc, &r0), 0);
    assert_true(r0 == t.r0);
    rt_route_len(&t, "10.2.0.8", 9000, true);
    assert_int_equal(t.res.action, HAL_ASIC_L3_FORWARD);
    rt_route_len(&t, "10.2.0.8", 9001, true);
    assert_int_equal(t.res.action, HAL_ASIC_L3_DROP);
    assert_true(t.res.too_big);
    assert_int_equal(t.res.mtu, 9000);
    rt_route_len(&t, "10.2.0.7", 1451, true);
    assert_true(t.res.too_big);
    assert_int_equal(t.res.mtu, 1450);

    /* Below the tunnel's: the router's, for remote hosts too. */
    rc.mtu = 1400;
    assert_int_equal(hal_router_set(t.f.hal, &rc, &r0), 0);
    rt_route_len(&t, "10.2.0.8", 1400, true);
    assert_int_equal(t.res.action, HAL_ASIC_L3_FORWARD);
    rt_route_len(&t, "10.2.0.8", 1401, false);
    assert_true(t.res.fragment);
    assert_int_equal(t.res.mtu, 1400);
    rt_route_len(&t, "10.2.0.7", 1401, true);
    assert_true(t.res.too_big);
    assert_int_equal(t.res.mtu, 1400);

    /* Out of range: refused, the router keeps 1400. */
    rc.mtu = HAL_RIF_MTU_MIN - 1;
    assert_int_equal(hal_router_set(t.f.hal, &rc, &r0), -EINVAL);
    rc.mtu = HAL_RIF_MTU_MAX + 1;
    assert_int_equal(hal_router_set(t.f.hal, &rc, &r0), -EINVAL);
    rt_route_len(&t, "10.2.0.8", 1401, true);
    assert_int_equal(t.res.mtu, 1400);

    /* 0: back to HAL_RIF_MTU. */
    rc.mtu = 0;
    assert_int_equal(hal_router_set(t.f.hal, &rc, &r0), 0);
    rt_route_len(&t, "10.2.0.8", HAL_RIF_MTU, true);
    assert_int_equal(t.res.action, HAL_ASIC_L3_FORWARD);
    rt_route_len(&t, "10.2.0.8", HAL_RIF_MTU + 1, true);
    assert_int_equal(t.res.mtu, HAL_RIF_MTU);
    rt_close(&t);
}

/* No route: ICMP net unreachable; a next hop that never answers ARP: three
 * requests a second apart, then host unreachable for a while, then it is
 * asked for again. */
static void
test_unreachable(void **state)
{
    struct hal_route_entry r;
    struct hal_router_stats st;
    struct hal_ip a;
    int64_t now;
    int status, i;
    struct rt t;

    (void) state;
    rt_open(&t);
    rt_route(&t, "10.9.0.1", 64);
    assert_int_equal(t.res.action, HAL_ASIC_L3_DROP);
    assert_true(t.res.unreachable);
    assert_int_equal(t.res.unreach_code, 0);
    a = ip("10.1.0.1");
    assert_true(hal_ip_equals(&t.res.in_addr, &a));

    r = route(t.r0, "10.2.0.0/24", t.rif1);
    assert_int_equal(hal_route_set(t.f.hal, &r, 1, &status), 0);
    a = ip("10.2.0.9");
    for (i = 0, now = 5000; i < 3; i++, now += 1000) {
        hal_asic_route(t.f.asic, t.ls0, &host, &a, 64, 100, 86, false, now,
                       NULL, &t.res, &t.d);
        assert_int_equal(t.res.action, HAL_ASIC_L3_RESOLVE);
        hal_asic_route(t.f.asic, t.ls0, &host, &a, 64, 100, 86, false,
                       now + 500, NULL, &t.res, &t.d);
        assert_int_equal(t.res.action, HAL_ASIC_L3_DROP);
        assert_false(t.res.unreachable);
    }
    hal_asic_route(t.f.asic, t.ls0, &host, &a, 64, 100, 86, false, now, NULL,
                   &t.res, &t.d);
    assert_int_equal(t.res.action, HAL_ASIC_L3_DROP);
    assert_true(t.res.unreachable);
    assert_int_equal(t.res.unreach_code, 1);
    hal_asic_route(t.f.asic, t.ls0, &host, &a, 64, 100, 86, false, now + 2000,
                   NULL, &t.res, &t.d);
    assert_true(t.res.unreachable);
    hal_asic_route(t.f.asic, t.ls0, &host, &a, 64, 100, 86, false, now + 3000,
                   NULL, &t.res, &t.d);
    assert_int_equal(t.res.action, HAL_ASIC_L3_RESOLVE);
    assert_int_equal(hal_router_stats_get(t.f.hal, t.r0, &st), 0);
    assert_int_equal(st.no_route, 1);
    assert_int_equal(st.arp_requests, 4);
    rt_close(&t);
}

/* ICMP errors: six at once to one destination, then one a second; another
 * destination has its own bucket; all counted. */
static void
test_icmp_rate_limit(void **state)
{
    struct hal_router_stats st;
    struct hal_ip a = ip("10.1.0.20"), b = ip("10.1.0.21");
    int i, sent = 0;
    struct rt t;

    (void) state;
    rt_open(&t);
    for (i = 0; i < 20; i++) {
        sent += hal_asic_route_icmp_allow(t.f.asic, t.ls0, &a, 10000);
    }
    assert_int_equal(sent, 6);
    assert_false(hal_asic_route_icmp_allow(t.f.asic, t.ls0, &a, 10500));
    assert_true(hal_asic_route_icmp_allow(t.f.asic, t.ls0, &a, 11000));
    assert_true(hal_asic_route_icmp_allow(t.f.asic, t.ls0, &b, 11000));
    assert_int_equal(hal_router_stats_get(t.f.hal, t.r0, &st), 0);
    assert_int_equal(st.icmp_errors, 8);
    assert_int_equal(st.icmp_limited, 15);
    rt_close(&t);
}

/* Another VTEP's ARP source MAC (Arp_Sources_Remote): frames to it go to
 * the router, and the router sends them (ARP replies) to that VTEP. */
static void
test_peers(void **state)
{
    struct hal_router_config rc = { .name = "r0",
                                    .mac = router_mac,
                                    .arp_mac = router_mac };
    struct hal_mac peer = { { 0x02, 0xa5, 192, 0, 2, 9 } };
    struct hal_asic_frame f;
    struct rt t;

    (void) state;
    rt_open(&t);
    hal_asic_route_to_peer(t.f.asic, t.ls0, &peer, 60, &t.d);
    assert_false(hal_asic_route_to_peer(t.f.asic, t.ls0, &peer, 60, &t.d));
    rc.n_peers = 1;
    rc.peers[0].mac = peer;
    rc.peers[0].vtep = test_ip("192.0.2.9");
    assert_int_equal(hal_router_set(t.f.hal, &rc, &t.r0), 0);
    rc.n_peers = HAL_ROUTER_PEERS_MAX + 1;
    assert_int_equal(hal_router_set(t.f.hal, &rc, &t.r0), -EINVAL);

    memset(&f, 0, sizeof f);
    f.port = t.swp1;
    f.src = test_mac(1);
    f.dst = peer;
    f.bytes = 60;
    hal_asic_forward(t.f.asic, &f, false, 1000, &t.d);
    assert_int_equal(t.d.action, HAL_ASIC_ROUTE);
    assert_true(hal_asic_route_to_peer(t.f.asic, t.ls0, &peer, 60, &t.d));
    assert_int_equal(t.d.action, HAL_ASIC_FORWARD);
    assert_int_equal(t.d.n_locals, 0);
    assert_int_equal(t.d.n_remotes, 1);
    assert_int_equal(t.d.remotes[0].vni, 5000);
    assert_int_equal(t.d.remotes[0].ip.s_addr, test_ip("192.0.2.9").s_addr);
    rt_close(&t);
}

/* The L3 tables are chip memory: a restart keeps them (routing works
 * before any replay), a replay of the same writes nothing, and what the
 * replay leaves out goes at the end of the resync. */
static void
test_warm_restart(void **state)
{
    struct ds before = DS_EMPTY_INITIALIZER, after = DS_EMPTY_INITIALIZER;
    struct hal_router_config rc = { .name = "r0",
                                    .mac = router_mac,
                                    .arp_mac = router_mac };
    struct hal_route_entry r[2];
    struct hal_rif_config c0, c1;
    struct hal_nexthop_config nc;
    struct hal_resource res[HAL_TABLE_N];
    hal_oid_t r0 = HAL_OID_NULL, rif0, rif1, nh;
    hal_oid_t r0b = HAL_OID_NULL, rif0b, rif1b, nhb;
    struct hal_ip a = ip("10.2.0.7");
    struct hal_mac mac = test_mac(7);
    uint64_t writes;
    int status[2];
    char file[64];
    struct rt t;

    (void) state;
    rt_open(&t);
    fixture_close(&t.f);
    snprintf(file, sizeof file, "/tmp/test-hal-asic-route-%d.chip",
             (int) getpid());
    unlink(file);
    fixture_open(&t.f, "lab", file, false);
    /* The same objects as rt_open(), on the chip this time. */
    assert_int_equal(hal_switch_set(t.f.hal,
                                    &(struct hal_switch_config){
                                        test_ip("192.0.2.100"), 4789, 10 }),
                     0);
    t.ls0 = test_bridge(&t.f, "ls0", 5000, HAL_REPLICATION_SOURCE_NODE);
    t.ls1 = test_bridge(&t.f, "ls1", 5001, HAL_REPLICATION_SOURCE_NODE);
    assert_int_equal(hal_router_set(t.f.hal, &rc, &r0), 0);
    c0 = (struct hal_rif_config){ r0, t.ls0, ip("10.1.0.1"), 24 };
    c1 = (struct hal_rif_config){ r0, t.ls1, ip("10.2.0.1"), 24 };
    assert_int_equal(hal_rif_create(t.f.hal, &c0, &rif0), 0);
    assert_int_equal(hal_rif_create(t.f.hal, &c1, &rif1), 0);
    nc = (struct hal_nexthop_config){ rif1, ip("10.2.0.254") };
    assert_int_equal(hal_nexthop_create(t.f.hal, &nc, &nh), 0);
    r[0] = route(r0, "10.2.0.0/24", rif1);
    r[1] = route(r0, "10.3.0.0/16", nh);
    assert_int_equal(hal_route_set(t.f.hal, r, 2, status), 0);
    assert_int_equal(hal_asic_route_learn(t.f.asic, t.ls1, &a, &mac, 100), 0);
    hal_dump_routes(t.f.hal, &before);
    fixture_close(&t.f);

    fixture_open(&t.f, "lab", file, false);
    assert_true(hal_is_warm(t.f.hal));
    hal_dump_routes(t.f.hal, &after);
    assert_string_equal(ds_cstr(&before), ds_cstr(&after));
    hal_asic_route(t.f.asic, t.ls0, &host, &a, 64, 100, 86, false, 5000, NULL,
                   &t.res, &t.d);
    assert_int_equal(t.res.action, HAL_ASIC_L3_FORWARD);
    assert_memory_equal(&t.res.dst, &mac, sizeof mac);

    /* The replay finds every object where it was, writing nothing... */
    writes = hal_asic_writes(t.f.asic);
    assert_int_equal(hal_resync_begin(t.f.hal), 0);
    assert_int_equal(
        test_bridge(&t.f, "ls0", 5000, HAL_REPLICATION_SOURCE_NODE), t.ls0);
    assert_int_equal(
        test_bridge(&t.f, "ls1", 5001, HAL_REPLICATION_SOURCE_NODE), t.ls1);
    assert_int_equal(hal_router_set(t.f.hal, &rc, &r0b), 0);
    assert_int_equal(r0b, r0);
    assert_int_equal(hal_rif_create(t.f.hal, &c0, &rif0b), 0);
    assert_int_equal(hal_rif_create(t.f.hal, &c1, &rif1b), 0);
    assert_int_equal(rif0b, rif0);
    assert_int_equal(rif1b, rif1);
    assert_int_equal(hal_nexthop_create(t.f.hal, &nc, &nhb), 0);
    assert_int_equal(nhb, nh);
    assert_int_equal(hal_route_set(t.f.hal, r, 1, status), 0);
    assert_int_equal(hal_asic_writes(t.f.asic) - writes, 0);
    /* ...and the route it left out goes at the end; the
     * learned neighbour stays. */
    assert_int_equal(hal_resync_end(t.f.hal), 0);
    hal_resources_get(t.f.hal, res);
    assert_int_equal(res[HAL_TABLE_ROUTER].used, 1);
    assert_int_equal(res[HAL_TABLE_RIF].used, 2);
    assert_int_equal(res[HAL_TABLE_NEXTHOP].used, 1);
    assert_int_equal(res[HAL_TABLE_ROUTE].used, 1);
    assert_int_equal(res[HAL_TABLE_RNEIGH].used, 1);
    fixture_close(&t.f);
    unlink(file);
    hal_asic_decision_uninit(&t.d);
    ds_destroy(&before);
    ds_destroy(&after);
}

/* Learned neighbours live HAL_ASIC_DEFAULT_RNEIGH_TIMEOUT_S after the last
 * ARP packet that showed them; a used one past half of that gets unicast
 * probes, and goes when three are unanswered. */
static void
test_neighbour_aging(void **state)
{
    const int64_t life = (int64_t) HAL_ASIC_DEFAULT_RNEIGH_TIMEOUT_S * 1000;
    struct hal_resource res[HAL_TABLE_N];
    struct hal_mac mac7 = test_mac(7), mac8 = test_mac(8);
    struct hal_ip a7 = ip("10.2.0.7"), a8 = ip("10.2.0.8");
    struct hal_route_entry r;
    char buf[HAL_IP_STRLEN];
    int64_t t0 = 1000, now;
    int status, i;
    struct rt t;

    (void) state;
    rt_open(&t);
    r = route(t.r0, "10.2.0.0/24", t.rif1);
    assert_int_equal(hal_route_set(t.f.hal, &r, 1, &status), 0);
    fixture_run(&t.f, t0);
    assert_int_equal(hal_asic_route_learn(t.f.asic, t.ls1, &a7, &mac7, t0), 0);
    assert_int_equal(hal_asic_route_learn(t.f.asic, t.ls1, &a8, &mac8, t0), 0);
    assert_int_equal(hal_next_wake(t.f.hal), t0 + life);

    /* Young: forwarded without a probe. */
    hal_asic_route(t.f.asic, t.ls0, &host, &a8, 64, 100, 86, false,
                   t0 + life / 2 - 1, NULL, &t.res, &t.d);
    assert_int_equal(t.res.action, HAL_ASIC_L3_FORWARD);
    assert_false(t.res.probe);

    /* Stale and used: forwarded, with a probe to the known MAC, at most
     * one a second; the answer confirms the entry. */
    now = t0 + life / 2;
    hal_asic_route(t.f.asic, t.ls0, &host, &a8, 64, 100, 86, false, now, NULL,
                   &t.res, &t.d);
    assert_int_equal(t.res.action, HAL_ASIC_L3_FORWARD);
    assert_true(t.res.probe);
    assert_memory_equal(&t.res.dst, &mac8, sizeof mac8);
    assert_memory_equal(&t.res.probe_src, &router_mac, sizeof router_mac);
    assert_string_equal(hal_ip_format(&t.res.arp_target, buf), "10.2.0.8");
    assert_string_equal(hal_ip_format(&t.res.arp_sender, buf), "10.2.0.1");
    hal_asic_route(t.f.asic, t.ls0, &host, &a8, 64, 100, 86, false, now + 500,
                   NULL, &t.res, &t.d);
    assert_false(t.res.probe);
    assert_int_equal(
        hal_asic_route_learn(t.f.asic, t.ls1, &a8, &mac8, now + 600), 0);
    hal_asic_route(t.f.asic, t.ls0, &host, &a8, 64, 100, 86, false, now + 2000,
                   NULL, &t.res, &t.d);
    assert_false(t.res.probe);

    /* The unused one goes at its time, the confirmed one stays. */
    fixture_run(&t.f, t0 + life - 1);
    hal_resources_get(t.f.hal, res);
    assert_int_equal(res[HAL_TABLE_RNEIGH].used, 2);
    fixture_clear_events(&t.f);
    fixture_run(&t.f, t0 + life);
    hal_resources_get(t.f.hal, res);
    assert_int_equal(res[HAL_TABLE_RNEIGH].used, 1);
    assert_int_equal(hal_next_wake(t.f.hal), now + 600 + life);
    hal_asic_route(t.f.asic, t.ls0, &host, &a7, 64, 100, 86, false, t0 + life,
                   NULL, &t.res, &t.d);
    assert_int_equal(t.res.action, HAL_ASIC_L3_RESOLVE);

    /* Three unanswered probes: the entry goes, and the next packet asks
     * for the address by broadcast. */
    now = now + 600 + life / 2;
    for (i = 0; i < 3; i++) {
        hal_asic_route(t.f.asic, t.ls0, &host, &a8, 64, 100, 86, false,
                       now + i * 1000, NULL, &t.res, &t.d);
        assert_int_equal(t.res.action, HAL_ASIC_L3_FORWARD);
        assert_true(t.res.probe);
    }
    hal_asic_route(t.f.asic, t.ls0, &host, &a8, 64, 100, 86, false, now + 3000,
                   NULL, &t.res, &t.d);
    assert_int_equal(t.res.action, HAL_ASIC_L3_RESOLVE);
    assert_true(hal_mac_is_multicast(&t.res.dst));
    hal_resources_get(t.f.hal, res);
    assert_int_equal(res[HAL_TABLE_RNEIGH].used, 0);
    rt_close(&t);
}

/* A router's own neighbour timeout replaces the profile's for the
 * neighbours it learns; changing it applies at once to those it has. */
static void
test_router_neigh_timeout(void **state)
{
    const int64_t life = (int64_t) HAL_ASIC_DEFAULT_RNEIGH_TIMEOUT_S * 1000;
    struct hal_router_config rc = { .name = "r0",
                                    .mac = router_mac,
                                    .arp_mac = router_mac,
                                    .neigh_timeout_s = 60 };
    struct hal_resource res[HAL_TABLE_N];
    struct hal_mac mac7 = test_mac(7), mac8 = test_mac(8);
    struct hal_ip a7 = ip("10.2.0.7"), a8 = ip("10.2.0.8");
    struct hal_route_entry r;
    int64_t t0 = 1000;
    hal_oid_t r0;
    struct rt t;
    int status;

    (void) state;
    rt_open(&t);
    r = route(t.r0, "10.2.0.0/24", t.rif1);
    assert_int_equal(hal_route_set(t.f.hal, &r, 1, &status), 0);
    r0 = t.r0;
    assert_int_equal(hal_router_set(t.f.hal, &rc, &r0), 0);
    fixture_run(&t.f, t0);
    assert_int_equal(hal_asic_route_learn(t.f.asic, t.ls1, &a7, &mac7, t0), 0);
    assert_int_equal(hal_next_wake(t.f.hal), t0 + 60000);

    /* Probed from half of it when used. */
    hal_asic_route(t.f.asic, t.ls0, &host, &a7, 64, 100, 86, false, t0 + 29999,
                   NULL, &t.res, &t.d);
    assert_false(t.res.probe);
    hal_asic_route(t.f.asic, t.ls0, &host, &a7, 64, 100, 86, false, t0 + 30000,
                   NULL, &t.res, &t.d);
    assert_true(t.res.probe);

    /* Gone at it, unused. */
    fixture_run(&t.f, t0 + 59999);
    hal_resources_get(t.f.hal, res);
    assert_int_equal(res[HAL_TABLE_RNEIGH].used, 1);
    fixture_run(&t.f, t0 + 60000);
    hal_resources_get(t.f.hal, res);
    assert_int_equal(res[HAL_TABLE_RNEIGH].used, 0);

    /* Longer: a neighbour learned under 60 s lives the new timeout. */
    assert_int_equal(
        hal_asic_route_learn(t.f.asic, t.ls1, &a8, &mac8, t0 + 60000), 0);
    rc.neigh_timeout_s = 120;
    assert_int_equal(hal_router_set(t.f.hal, &rc, &r0), 0);
    fixture_run(&t.f, t0 + 120000);
    hal_resources_get(t.f.hal, res);
    assert_int_equal(res[HAL_TABLE_RNEIGH].used, 1);
    assert_int_equal(hal_next_wake(t.f.hal), t0 + 180000);

    /* Shorter: the next run sweeps what is already older than it. */
    rc.neigh_timeout_s = 10;
    assert_int_equal(hal_router_set(t.f.hal, &rc, &r0), 0);
    fixture_run(&t.f, t0 + 120001);
    hal_resources_get(t.f.hal, res);
    assert_int_equal(res[HAL_TABLE_RNEIGH].used, 0);

    /* 0: the profile's again. */
    rc.neigh_timeout_s = 0;
    assert_int_equal(hal_router_set(t.f.hal, &rc, &r0), 0);
    fixture_run(&t.f, t0 + 200000);
    assert_int_equal(
        hal_asic_route_learn(t.f.asic, t.ls1, &a7, &mac7, t0 + 200000), 0);
    assert_int_equal(hal_next_wake(t.f.hal), t0 + 200000 + life);

    /* Beyond a week: refused. */
    rc.neigh_timeout_s = HAL_ROUTER_NEIGH_TIMEOUT_MAX + 1;
    assert_int_equal(hal_router_set(t.f.hal, &rc, &r0), -EINVAL);
    rt_close(&t);
}

/* hal_ra_message(): RFC 4861 4.2's layout, with the options the routers
 * send (4.6.1, 4.6.2, 4.6.4). */
static void
test_ra_message(void **state)
{
    /* As bytes, with the string's NUL after them. */
    static const uint8_t want[] =
        "\x86\x00\x00\x00\x40\x00\x07\x08\x00\x00\x00\x00\x00\x00\x00\x00"
        /* Source link-layer address. */
        "\x01\x01\x02\x00\x00\x00\x00\xfe"
        /* MTU 1400. */
        "\x05\x01\x00\x00\x00\x00\x05\x78"
        /* A /64: on link and autonomous; 30 days valid, 7 preferred. */
        "\x03\x04\x40\xc0\x00\x27\x8d\x00\x00\x09\x3a\x80\x00\x00\x00\x00"
        "\x20\x01\x0d\xb8\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        /* A /56: on link only. */
        "\x03\x04\x38\x80\x00\x27\x8d\x00\x00\x09\x3a\x80\x00\x00\x00\x00"
        "\x20\x01\x0d\xb8\x00\x03\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00";
    struct hal_ra ra = { .mac = router_mac,
                         .mtu = 1400,
                         .lifetime_s = 1800,
                         .n_prefixes = 2,
                         .prefix_lens = { 64, 56 } };
    uint8_t msg[HAL_RA_MSG_MAX];

    (void) state;
    ra.prefixes[0] = ip("2001:db8:2::");
    ra.prefixes[1] = ip("2001:db8:3:100::");
    assert_int_equal(hal_ra_message(&ra, msg), sizeof want - 1);
    assert_memory_equal(msg, want, sizeof want - 1);

    /* With DNS servers, an RDNSS option (RFC 8106 5.1) at the end. */
    ra.n_dns = 2;
    ra.dns[0] = ip("2001:db8::53").v6;
    ra.dns[1] = ip("2001:db8::54").v6;
    ra.dns_lifetime_s = 1200;
    assert_int_equal(hal_ra_message(&ra, msg), sizeof want - 1 + 40);
    assert_memory_equal(msg, want, sizeof want - 1);
    assert_memory_equal(msg + sizeof want - 1,
                        "\x19\x05\x00\x00\x00\x00\x04\xb0"
                        "\x20\x01\x0d\xb8\x00\x00\x00\x00"
                        "\x00\x00\x00\x00\x00\x00\x00\x53"
                        "\x20\x01\x0d\xb8\x00\x00\x00\x00"
                        "\x00\x00\x00\x00\x00\x00\x00\x54",
                        40);
    assert_int_equal(hal_ra_lifetime(600), 1800);
    assert_int_equal(hal_ra_lifetime(1800), 5400);
    assert_int_equal(hal_ra_lifetime(4000), 9000);
}

/* What the RA callback saw. */
struct ra_log {
    size_t n;
    hal_oid_t bridge[16];
    struct hal_ra ra[16];
};

static void
ra_log_tx(void *log_, hal_oid_t bridge, const struct hal_ra *ra)
{
    struct ra_log *log = log_;

    if (log->n < ARRAY_SIZE(log->ra)) {
        log->bridge[log->n] = bridge;
        log->ra[log->n] = *ra;
    }
    log->n++;
}

/* Router advertisements: only on bridges with an IPv6 interface of a
 * router with an interval, from its link-local address and MAC, with its
 * MTU and every IPv6 prefix there; three at the initial pace, then from
 * I/3 to I apart; a solicitation brings the next forward, not to within
 * 3 s of the last; a final one with lifetime 0 when the last prefix goes
 * or the interval goes to 0. */
static void
test_router_advertisements(void **state)
{
    struct hal_router_config rc = { .name = "r0",
                                    .mac = router_mac,
                                    .arp_mac = router_mac,
                                    .ra_interval_s = 30 };
    struct hal_rif_config c6a, c6b;
    struct hal_ip ll = ip("fe80::ff:fe00:fe"), p;
    hal_oid_t r0, rif6a, rif6b;
    struct ra_log log = { 0 };
    struct hal_mac mac;
    int64_t t0 = 1000, next;
    struct rt t;

    (void) state;
    rt_open(&t);
    hal_asic_set_ra_tx(t.f.asic, ra_log_tx, &log);
    /* IPv4 only: nothing to advertise, even with an interval. */
    r0 = t.r0;
    assert_int_equal(hal_router_set(t.f.hal, &rc, &r0), 0);
    fixture_run(&t.f, t0);
    assert_int_equal(log.n, 0);
    assert_int_equal(hal_next_wake(t.f.hal), INT64_MAX);

    c6a = (struct hal_rif_config){ t.r0, t.ls1, ip("2001:db8:2::1"), 64 };
    c6b = (struct hal_rif_config){ t.r0, t.ls1, ip("2001:db8:3:1ff::1"), 56 };
    assert_int_equal(hal_rif_create(t.f.hal, &c6a, &rif6a), 0);
    assert_int_equal(hal_rif_create(t.f.hal, &c6b, &rif6b), 0);
    fixture_run(&t.f, t0);
    assert_int_equal(log.n, 1);
    assert_true(log.bridge[0] == t.ls1);
    assert_memory_equal(&log.ra[0].mac, &router_mac, sizeof router_mac);
    assert_true(hal_ip_equals(&log.ra[0].src, &ll));
    assert_int_equal(log.ra[0].mtu, HAL_RIF_MTU);
    assert_int_equal(log.ra[0].lifetime_s, 90);
    assert_int_equal(log.ra[0].n_prefixes, 2);
    p = ip("2001:db8:2::");
    assert_true(hal_ip_equals(&log.ra[0].prefixes[0], &p)
                || hal_ip_equals(&log.ra[0].prefixes[1], &p));
    p = ip("2001:db8:3:100::");
    assert_true(hal_ip_equals(&log.ra[0].prefixes[0], &p)
                || hal_ip_equals(&log.ra[0].prefixes[1], &p));
    assert_int_equal(log.ra[0].prefix_lens[0] + log.ra[0].prefix_lens[1],
                     64 + 56);

    /* The initial pace: at most 16 s apart. */
    assert_int_equal(hal_next_wake(t.f.hal), t0 + 16000);
    fixture_run(&t.f, t0 + 15999);
    assert_int_equal(log.n, 1);
    fixture_run(&t.f, t0 + 16000);
    fixture_run(&t.f, t0 + 32000);
    assert_int_equal(log.n, 3);
    /* Then from I/3 to I. */
    next = hal_next_wake(t.f.hal);
    assert_true(next >= t0 + 32000 + 10000 && next <= t0 + 32000 + 30000);

    /* A solicitation 1 s after the last: the answer waits for 3 s after
     * it; one later: within 500 ms. */
    hal_asic_route_rs(t.f.asic, t.ls1, t0 + 33000);
    assert_int_equal(hal_next_wake(t.f.hal), t0 + 35000);
    fixture_run(&t.f, t0 + 35000);
    assert_int_equal(log.n, 4);
    next = hal_next_wake(t.f.hal);
    hal_asic_route_rs(t.f.asic, t.ls1, t0 + 40000);
    assert_true(hal_next_wake(t.f.hal) >= t0 + 40000
                && hal_next_wake(t.f.hal) <= t0 + 40500
                && hal_next_wake(t.f.hal) < next);
    /* Not on a bridge without one. */
    hal_asic_route_rs(t.f.asic, t.ls0, t0 + 40000);
    fixture_run(&t.f, t0 + 40500);
    assert_int_equal(log.n, 5);
    assert_true(log.bridge[4] == t.ls1);

    /* DNS servers: in the advertisements, at once, with twice the
     * interval as their lifetime; not a multicast one, nor four. */
    rc.n_ra_dns = 1;
    rc.ra_dns[0] = ip("2001:db8::53").v6;
    assert_int_equal(hal_router_set(t.f.hal, &rc, &r0), 0);
    fixture_run(&t.f, t0 + 40600);
    assert_int_equal(log.n, 6);
    assert_int_equal(log.ra[5].n_dns, 1);
    assert_memory_equal(&log.ra[5].dns[0], &rc.ra_dns[0], 16);
    assert_int_equal(log.ra[5].dns_lifetime_s, 60);
    rc.ra_dns[0] = ip("ff02::1").v6;
    assert_int_equal(hal_router_set(t.f.hal, &rc, &r0), -EINVAL);
    rc.ra_dns[0] = ip("2001:db8::53").v6;
    rc.n_ra_dns = HAL_RA_DNS_MAX + 1;
    assert_int_equal(hal_router_set(t.f.hal, &rc, &r0), -EINVAL);
    rc.n_ra_dns = 1;

    /* The router's link-local address is answered where it advertises. */
    assert_true(hal_asic_route_arp_answer(t.f.asic, t.ls1, &ll, &mac));
    assert_memory_equal(&mac, &router_mac, sizeof mac);
    assert_false(hal_asic_route_arp_answer(t.f.asic, t.ls0, &ll, &mac));

    /* A new MTU is advertised at once. */
    rc.mtu = 9000;
    assert_int_equal(hal_router_set(t.f.hal, &rc, &r0), 0);
    fixture_run(&t.f, t0 + 41000);
    assert_int_equal(log.n, 7);
    assert_int_equal(log.ra[6].mtu, 9000);

    /* One of the two prefixes goes: advertised without it at once; the
     * last goes: a final advertisement, router lifetime 0. */
    assert_int_equal(hal_rif_remove(t.f.hal, rif6b), 0);
    fixture_run(&t.f, t0 + 41001);
    assert_int_equal(log.n, 8);
    assert_int_equal(log.ra[7].n_prefixes, 1);
    assert_int_equal(log.ra[7].lifetime_s, 90);
    assert_int_equal(hal_rif_remove(t.f.hal, rif6a), 0);
    assert_int_equal(log.n, 9);
    assert_int_equal(log.ra[8].lifetime_s, 0);
    assert_true(log.bridge[8] == t.ls1);
    fixture_run(&t.f, t0 + 100000);
    assert_int_equal(log.n, 9);
    assert_int_equal(hal_next_wake(t.f.hal), INT64_MAX);

    /* Out of range: refused; 0: a final advertisement, then no more. */
    assert_int_equal(hal_rif_create(t.f.hal, &c6a, &rif6a), 0);
    fixture_run(&t.f, t0 + 200000);
    assert_int_equal(log.n, 10);
    assert_int_equal(log.ra[9].lifetime_s, 90);
    rc.ra_interval_s = HAL_ROUTER_RA_INTERVAL_MIN - 1;
    assert_int_equal(hal_router_set(t.f.hal, &rc, &r0), -EINVAL);
    rc.ra_interval_s = HAL_ROUTER_RA_INTERVAL_MAX + 1;
    assert_int_equal(hal_router_set(t.f.hal, &rc, &r0), -EINVAL);
    assert_int_equal(log.n, 10);
    rc.ra_interval_s = 0;
    assert_int_equal(hal_router_set(t.f.hal, &rc, &r0), 0);
    assert_int_equal(log.n, 11);
    assert_int_equal(log.ra[10].lifetime_s, 0);
    fixture_run(&t.f, t0 + 300000);
    fixture_run(&t.f, t0 + 2000000);
    assert_int_equal(log.n, 11);
    assert_int_equal(hal_next_wake(t.f.hal), INT64_MAX);
    hal_asic_set_ra_tx(t.f.asic, NULL, NULL);
    rt_close(&t);
}

/* A learned neighbour kept in chip memory keeps its age across a warm
 * restart; a time beyond the clock (the file outlived a reboot) counts as
 * the first run's. */
static void
test_neighbour_aging_warm(void **state)
{
    const int64_t life = (int64_t) HAL_ASIC_DEFAULT_RNEIGH_TIMEOUT_S * 1000;
    struct hal_rif_config c1;
    struct hal_resource res[HAL_TABLE_N];
    struct hal_ip a = ip("10.2.0.7"), b = ip("10.2.0.8");
    struct hal_mac mac = test_mac(7);
    hal_oid_t r0 = HAL_OID_NULL, rif1;
    char file[64];
    struct rt t;

    (void) state;
    snprintf(file, sizeof file, "/tmp/test-hal-asic-rneigh-%d.chip",
             (int) getpid());
    unlink(file);
    fixture_open(&t.f, "lab", file, false);
    t.ls1 = test_bridge(&t.f, "ls1", 5001, HAL_REPLICATION_SOURCE_NODE);
    assert_int_equal(
        hal_router_set(t.f.hal,
                       &(struct hal_router_config){ .name = "r0",
                                                    .mac = router_mac,
                                                    .arp_mac = router_mac },
                       &r0),
        0);
    c1 = (struct hal_rif_config){ r0, t.ls1, ip("10.2.0.1"), 24 };
    assert_int_equal(hal_rif_create(t.f.hal, &c1, &rif1), 0);
    fixture_run(&t.f, 1000);
    assert_int_equal(hal_asic_route_learn(t.f.asic, t.ls1, &a, &mac, 1000), 0);
    assert_int_equal(
        hal_asic_route_learn(t.f.asic, t.ls1, &b, &mac, 1000000000), 0);
    fixture_close(&t.f);

    fixture_open(&t.f, "lab", file, false);
    assert_true(hal_is_warm(t.f.hal));
    fixture_run(&t.f, 5000);
    hal_resources_get(t.f.hal, res);
    assert_int_equal(res[HAL_TABLE_RNEIGH].used, 2);
    fixture_run(&t.f, 1000 + life);
    hal_resources_get(t.f.hal, res);
    assert_int_equal(res[HAL_TABLE_RNEIGH].used, 1);
    fixture_run(&t.f, 5000 + life);
    hal_resources_get(t.f.hal, res);
    assert_int_equal(res[HAL_TABLE_RNEIGH].used, 0);
    fixture_close(&t.f);
    unlink(file);
}

/* hal_asic_route()'s address checks: sources no host has, destinations
 * nothing routes to; the router's own addresses take what only it may
 * get. */
static void
test_martians(void **state)
{
    static const struct {
        const char *src, *dst, *why; /* 'why' NULL: routed as usual. */
    } cases[] = {
        { "10.1.0.7", "10.2.0.9", NULL },
        { "224.0.0.5", "10.2.0.9", "multicast source" },
        { "239.1.1.1", "10.1.0.1", "multicast source" },
        { "255.255.255.255", "10.2.0.9", "broadcast source" },
        { "127.0.0.1", "10.2.0.9", "loopback source" },
        { "0.0.0.0", "10.2.0.9", "unspecified source" },
        { "0.1.2.3", "10.1.0.1", "unspecified source" },
        { "10.1.0.7", "127.0.0.1", "loopback destination" },
        { "10.1.0.7", "0.0.0.0", "unspecified destination" },
        { "10.1.0.7", "224.0.0.1", "multicast destination" },
        { "10.1.0.7", "255.255.255.255", "broadcast destination" },
        { "10.1.0.7", "240.0.0.1", NULL }, /* Class E: Linux routes it. */
        { "2001:db8:1::7", "2001:db8:2::9", NULL },
        { "ff02::1", "2001:db8:2::9", "multicast source" },
        { "::1", "2001:db8:2::9", "loopback source" },
        { "2001:db8:1::7", "::1", "loopback destination" },
        { "2001:db8:1::7", "ff05::2", "multicast destination" },
        { "::", "2001:db8:2::9", "unspecified source" },
        { "fe80::7", "2001:db8:2::9", "link-local source" },
        { "2001:db8:1::7", "fe80::9", "link-local destination" },
        { "2001:db8:1::7", "::", "unspecified destination" },
        /* To the router itself: a link-local or unspecified source is a
         * host on the link (ping from fe80::), but not a loopback one. */
        { "fe80::7", "2001:db8:1::1", NULL },
        { "::", "2001:db8:1::1", NULL },
        { "::1", "2001:db8:1::1", "loopback source" },
        /* The router's own address as source: a spoof. */
        { "10.2.0.1", "10.1.0.7", "the router's address as source" },
        { "2001:db8:1::1", "2001:db8:2::9", "the router's address as source" },
    };
    struct hal_rif_config c;
    hal_oid_t rif6;
    struct rt t;
    size_t i;

    (void) state;
    rt_open(&t);
    c = (struct hal_rif_config){ t.r0, t.ls0, ip("2001:db8:1::1"), 64 };
    assert_int_equal(hal_rif_create(t.f.hal, &c, &rif6), 0);
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        struct hal_ip src = ip(cases[i].src), dst = ip(cases[i].dst);
        const char *why;

        hal_asic_route(t.f.asic, t.ls0, &src, &dst, 64, 100, 86, false,
                       t.now += 2000, NULL, &t.res, &t.d);
        why = t.res.drop_reason;
        if (cases[i].why) {
            assert_int_equal(t.res.action, HAL_ASIC_L3_DROP);
            assert_non_null(why);
            assert_string_equal(why, cases[i].why);
            /* No ICMP error to such a source. */
            assert_false(t.res.for_router || t.res.ttl_expired
                         || t.res.unreachable || t.res.too_big);
        } else {
            /* Past the address checks: for the router, or to the lookup
             * (no routes in this router but the connected ones). */
            assert_true(t.res.for_router || !why || !strcmp(why, "no route"));
        }
    }
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
        cmocka_unit_test(test_martians),
        cmocka_unit_test(test_dump),
        cmocka_unit_test(test_unreachable),
        cmocka_unit_test(test_mtu),
        cmocka_unit_test(test_router_mtu),
        cmocka_unit_test(test_router_neigh_timeout),
        cmocka_unit_test(test_ra_message),
        cmocka_unit_test(test_router_advertisements),
        cmocka_unit_test(test_icmp_rate_limit),
        cmocka_unit_test(test_peers),
        cmocka_unit_test(test_warm_restart),
        cmocka_unit_test(test_neighbour_aging),
        cmocka_unit_test(test_neighbour_aging_warm),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
