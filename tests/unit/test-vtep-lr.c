/* SPDX-License-Identifier: Apache-2.0 */
/* Unit test for vtepd/vtep's logical routers against the software ASIC
 * ("lab": 2 routers, 8 interfaces, 8 next hops, 16 routes): what reaches
 * the HAL for switch_binding and static_routes, and the lr_* faults for
 * overlapping or bad bindings, bad routes, a full table and too many
 * routers, each clearing when the cause goes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hal/hal-route.h"
#include "hal/hal.h"
#include "lib/ds.h"
#include "lib/util.h"
#include "tests/unit/vtep-fixture.h"

static int
setup(void **state)
{
    struct vfx *f = xzalloc(sizeof *f);

    vfx_setup_hal(f, vfx_open_asic(NULL));
    /* Four logical switches with VNIs, hence bridges. */
    vfx_transact(f, "[{\"op\": \"insert\", \"table\": \"Logical_Switch\", "
                    "\"row\": {\"name\": \"red\", \"tunnel_key\": 100}}, "
                    "{\"op\": \"insert\", \"table\": \"Logical_Switch\", "
                    "\"row\": {\"name\": \"blue\", \"tunnel_key\": 200}}, "
                    "{\"op\": \"insert\", \"table\": \"Logical_Switch\", "
                    "\"row\": {\"name\": \"green\", \"tunnel_key\": 300}}, "
                    "{\"op\": \"insert\", \"table\": \"Logical_Switch\", "
                    "\"row\": {\"name\": \"pink\", \"tunnel_key\": 400}}]");
    vfx_run(f);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    vfx_cmocka_teardown(state);
    hal_unregister_all();
    return 0;
}

/* Returns the routes section of hal/dump-routes (caller frees). */
static char *
routes(struct vfx *f)
{
    struct ds out = DS_EMPTY_INITIALIZER;
    char *blank;

    assert_int_equal(hal_dump_routes(f->hal, &out), 0);
    blank = strstr(ds_cstr(&out), "\n\n");
    if (blank) {
        blank[1] = '\0';
    }
    return ds_steal_cstr(&out);
}

static bool
has_route(struct vfx *f, const char *router, const char *prefix,
          const char *via, const char *ls)
{
    char *dump = routes(f), *line;
    bool found;

    line = xasprintf("\n%-16s %-24s %-24s %s\n", router, prefix, via, ls);
    found = strstr(dump, line) != NULL;
    free(line);
    free(dump);
    return found;
}

static size_t
n_routes(struct vfx *f)
{
    struct hal_resource res[HAL_TABLE_N];

    hal_resources_get(f->hal, res);
    return res[HAL_TABLE_ROUTE].used;
}

/* Inserts router 'name' with the map pairs 'bindings_json' (prefix, LS
 * uuid) and 'routes_json' (prefix, next hop), JSON arrays of pairs. */
static void
lr_insert(struct vfx *f, const char *name, const char *bindings_json,
          const char *routes_json)
{
    vfx_transact(f,
                 "[{\"op\": \"insert\", \"table\": \"Logical_Router\", "
                 "\"row\": {\"name\": \"%s\", \"switch_binding\": "
                 "[\"map\", %s], \"static_routes\": [\"map\", %s]}}]",
                 name, bindings_json, routes_json);
}

static void
lr_set(struct vfx *f, const char *name, const char *column, const char *map)
{
    vfx_transact(f,
                 "[{\"op\": \"update\", \"table\": \"Logical_Router\", "
                 "\"where\": [[\"name\", \"==\", \"%s\"]], \"row\": "
                 "{\"%s\": [\"map\", %s]}}]",
                 name, column, map);
}

static void
assert_lr_fault(struct vfx *f, const char *name, const char *fault)
{
    char *where = xasprintf("[[\"name\", \"==\", \"%s\"]]", name);

    vfx_assert_query(f, "Logical_Router", "LR_fault_status", where, fault);
    free(where);
}

static void
arp_mac_cb(hal_oid_t oid, const struct hal_router_config *c, void *mac_)
{
    snprintf(mac_, 18, HAL_MAC_FMT, HAL_MAC_ARGS(&c->arp_mac));
}

/* Asserts that the one router's ARP source MAC is 'mac'. */
static void
check_arp_mac(struct vfx *f, const char *mac)
{
    static const struct hal_route_walk walk = { .router = arp_mac_cb };
    char got[18] = "";

    hal_route_walk(f->hal, &walk, got);
    assert_string_equal(got, mac);
}

static void
test_bindings_and_routes(void **state)
{
    struct vfx *f = *state;
    char *red = vfx_ls_uuid(f, "red"), *blue = vfx_ls_uuid(f, "blue");
    char *b =
        xasprintf("[[\"10.1.0.1/24\", %s], [\"10.2.0.1/24\", %s]]", red, blue);

    lr_insert(f, "lr0", b, "[[\"10.3.0.0/16\", \"10.1.0.10\"]]");
    vfx_run(f);
    assert_true(has_route(f, "lr0", "10.1.0.0/24", "connected", "red"));
    assert_true(has_route(f, "lr0", "10.2.0.0/24", "connected", "blue"));
    assert_true(has_route(f, "lr0", "10.3.0.0/16", "10.1.0.10", "red"));
    assert_int_equal(n_routes(f), 3);
    assert_lr_fault(f, "lr0", "[\"set\",[]]");
    vfx_assert_query(f, "Physical_Switch", "switch_fault_status", "[]",
                     "[\"set\",[]]");

    /* The switch publishes its ARP source MAC, unique per VTEP (from its
     * tunnel IP 10.0.0.1), with its own locator, and ARPs from it. */
    vfx_assert_query(f, "Arp_Sources_Local", "src_mac", "[]",
                     "\"02:a5:0a:00:00:01\"");
    assert_int_equal(vfx_count(f, "Arp_Sources_Local"), 1);
    check_arp_mac(f, "02:a5:0a:00:00:01");

    /* The next hop moves to blue's subnet: the route follows. */
    lr_set(f, "lr0", "static_routes", "[[\"10.3.0.0/16\", \"10.2.0.10\"]]");
    vfx_run(f);
    assert_true(has_route(f, "lr0", "10.3.0.0/16", "10.2.0.10", "blue"));
    assert_int_equal(n_routes(f), 3);

    /* The router goes, and everything with it. */
    vfx_transact(f, "[{\"op\": \"delete\", \"table\": \"Logical_Router\", "
                    "\"where\": []}]");
    vfx_run(f);
    assert_int_equal(n_routes(f), 0);
    assert_int_equal(vfx_count(f, "Arp_Sources_Local"), 0);
    free(red);
    free(blue);
    free(b);
}

static void
router_cfg_cb(hal_oid_t oid, const struct hal_router_config *c, void *cfg)
{
    (void) oid;
    memcpy(cfg, c, sizeof *c);
}

/* Asserts that the one router has MTU 'mtu', neighbour timeout
 * 'timeout_s' and advertisement interval 'ra_s' in the HAL (0: the
 * defaults, none). */
static void
check_router_options(struct vfx *f, uint32_t mtu, uint32_t timeout_s,
                     uint32_t ra_s)
{
    static const struct hal_route_walk walk = { .router = router_cfg_cb };
    struct hal_router_config c;

    memset(&c, 0xff, sizeof c);
    hal_route_walk(f->hal, &walk, &c);
    assert_int_equal(c.mtu, mtu);
    assert_int_equal(c.neigh_timeout_s, timeout_s);
    assert_int_equal(c.ra_interval_s, ra_s);
}

/* Returns how many DNS servers the one router advertises in the HAL. */
static uint32_t
router_n_dns(struct vfx *f)
{
    static const struct hal_route_walk walk = { .router = router_cfg_cb };
    struct hal_router_config c;

    memset(&c, 0xff, sizeof c);
    hal_route_walk(f->hal, &walk, &c);
    return c.n_ra_dns;
}

/* other_config:mtu, neighbour_timeout, ipv6_ra and ipv6_ra_interval
 * reach the HAL, and hal/dump-routes shows them; a value out of range or
 * not a number is logged and the default used, with no fault. */
static void
test_router_options(void **state)
{
    static const struct {
        const char *other_config;
        uint32_t mtu, timeout_s, ra_s, n_dns; /* What the HAL gets. */
    } cases[] = {
        { "[[\"mtu\", \"9000\"], [\"neighbour_timeout\", \"60\"]]", 9000, 60,
          0, 0 },
        /* The least and the most. */
        { "[[\"mtu\", \"1280\"], [\"neighbour_timeout\", \"604800\"]]", 1280,
          604800, 0, 0 },
        /* Out of range, or not numbers: the defaults. */
        { "[[\"mtu\", \"1279\"], [\"neighbour_timeout\", \"0\"]]", 0, 0, 0,
          0 },
        { "[[\"mtu\", \"9217\"], [\"neighbour_timeout\", \"604801\"]]", 0, 0,
          0, 0 },
        { "[[\"mtu\", \"1500x\"], [\"neighbour_timeout\", \"-5\"]]", 0, 0, 0,
          0 },
        /* Router advertisements: the default interval, one in range, one
         * out of it; anything but true or false is off. */
        { "[[\"ipv6_ra\", \"true\"]]", 0, 0, 600, 0 },
        { "[[\"ipv6_ra\", \"true\"], [\"ipv6_ra_interval\", \"30\"]]", 0, 0,
          30, 0 },
        { "[[\"ipv6_ra\", \"true\"], [\"ipv6_ra_interval\", \"3\"]]", 0, 0,
          600, 0 },
        { "[[\"ipv6_ra\", \"yes\"], [\"ipv6_ra_interval\", \"30\"]]", 0, 0, 0,
          0 },
        { "[[\"ipv6_ra\", \"false\"], [\"ipv6_ra_interval\", \"30\"]]", 0, 0,
          0, 0 },
        /* DNS servers: two, separated either way; four, a multicast one,
         * an IPv4 one: none.  Not without ipv6_ra. */
        { "[[\"ipv6_ra\", \"true\"], "
          "[\"ipv6_ra_rdnss\", \"2001:db8::53, 2001:db8::54\"]]",
          0, 0, 600, 2 },
        { "[[\"ipv6_ra\", \"true\"], "
          "[\"ipv6_ra_rdnss\", \"2001:db8::53 2001:db8::54\"]]",
          0, 0, 600, 2 },
        { "[[\"ipv6_ra\", \"true\"], [\"ipv6_ra_rdnss\", "
          "\"2001:db8::1,2001:db8::2,2001:db8::3,2001:db8::4\"]]",
          0, 0, 600, 0 },
        { "[[\"ipv6_ra\", \"true\"], [\"ipv6_ra_rdnss\", \"ff02::1\"]]", 0, 0,
          600, 0 },
        { "[[\"ipv6_ra\", \"true\"], [\"ipv6_ra_rdnss\", \"10.0.0.53\"]]", 0,
          0, 600, 0 },
        { "[[\"ipv6_ra_rdnss\", \"2001:db8::53\"]]", 0, 0, 0, 0 },
        /* Back, and the keys removed. */
        { "[[\"mtu\", \"1400\"]]", 1400, 0, 0, 0 },
        { "[]", 0, 0, 0, 0 },
    };
    struct vfx *f = *state;
    char *red = vfx_ls_uuid(f, "red");
    char *b = xasprintf("[[\"10.1.0.1/24\", %s]]", red);
    struct ds out = DS_EMPTY_INITIALIZER;
    size_t i;

    lr_insert(f, "lr0", b, "[]");
    vfx_run(f);
    check_router_options(f, 0, 0, 0);
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        lr_set(f, "lr0", "other_config", cases[i].other_config);
        vfx_run(f);
        check_router_options(f, cases[i].mtu, cases[i].timeout_s,
                             cases[i].ra_s);
        assert_int_equal(router_n_dns(f), cases[i].n_dns);
        assert_lr_fault(f, "lr0", "[\"set\",[]]");
        if (!i) {
            assert_int_equal(hal_dump_routes(f->hal, &out), 0);
            assert_non_null(
                strstr(ds_cstr(&out), " 9000 60s       -     red\n"));
        }
    }
    ds_destroy(&out);
    free(red);
    free(b);
}

static void
test_switch_later(void **state)
{
    struct vfx *f = *state;
    char *b;

    /* A switch without a VNI has no bridge yet: its interface waits,
     * without a fault. */
    vfx_transact(f, "[{\"op\": \"insert\", \"table\": \"Logical_Switch\", "
                    "\"row\": {\"name\": \"late\"}}]");
    vfx_run(f);
    {
        char *late = vfx_ls_uuid(f, "late");

        b = xasprintf("[[\"10.6.0.1/24\", %s]]", late);
        free(late);
    }
    lr_insert(f, "lr0", b, "[]");
    vfx_run(f);
    assert_int_equal(n_routes(f), 0);
    assert_lr_fault(f, "lr0", "[\"set\",[]]");
    vfx_transact(f, "[{\"op\": \"update\", \"table\": \"Logical_Switch\", "
                    "\"where\": [[\"name\", \"==\", \"late\"]], "
                    "\"row\": {\"tunnel_key\": 600}}]");
    vfx_run(f);
    assert_true(has_route(f, "lr0", "10.6.0.0/24", "connected", "late"));
    free(b);
}

static void
test_overlap(void **state)
{
    struct vfx *f = *state;
    char *red = vfx_ls_uuid(f, "red"), *blue = vfx_ls_uuid(f, "blue");
    char *green = vfx_ls_uuid(f, "green");
    char *b = xasprintf("[[\"10.1.0.1/16\", %s], [\"10.1.2.1/24\", %s], "
                        "[\"10.9.0.1/24\", %s]]",
                        red, blue, green);

    lr_insert(f, "lr0", b, "[]");
    vfx_run(f);
    /* Neither overlapping binding is programmed; the third one is. */
    assert_false(has_route(f, "lr0", "10.1.0.0/16", "connected", "red"));
    assert_false(has_route(f, "lr0", "10.1.2.0/24", "connected", "blue"));
    assert_true(has_route(f, "lr0", "10.9.0.0/24", "connected", "green"));
    assert_lr_fault(f, "lr0", "\"lr_switch_bindings_fault\"");
    vfx_assert_query(f, "Physical_Switch", "switch_fault_status", "[]",
                     "\"lr_switch_bindings_fault\"");

    free(b);
    b = xasprintf("[[\"10.1.0.1/16\", %s], [\"10.9.0.1/24\", %s]]", red,
                  green);
    lr_set(f, "lr0", "switch_binding", b);
    vfx_run(f);
    assert_true(has_route(f, "lr0", "10.1.0.0/16", "connected", "red"));
    assert_lr_fault(f, "lr0", "[\"set\",[]]");
    vfx_assert_query(f, "Physical_Switch", "switch_fault_status", "[]",
                     "[\"set\",[]]");

    /* Bad interface addresses: a network address, a /32, not a prefix. */
    free(b);
    b = xasprintf("[[\"10.1.0.0/16\", %s], [\"10.7.0.1/32\", %s], "
                  "[\"banana\", %s]]",
                  red, blue, green);
    lr_set(f, "lr0", "switch_binding", b);
    vfx_run(f);
    assert_int_equal(n_routes(f), 0);
    assert_lr_fault(f, "lr0", "\"lr_switch_bindings_fault\"");
    free(red);
    free(blue);
    free(green);
    free(b);
}

static void
test_switch_taken(void **state)
{
    struct vfx *f = *state;
    char *red = vfx_ls_uuid(f, "red");
    char *b0 = xasprintf("[[\"10.1.0.1/24\", %s]]", red);
    char *b1 = xasprintf("[[\"10.5.0.1/24\", %s]]", red);

    lr_insert(f, "lr0", b0, "[]");
    lr_insert(f, "lr1", b1, "[]");
    vfx_run(f);
    /* The first router by name keeps the switch. */
    assert_true(has_route(f, "lr0", "10.1.0.0/24", "connected", "red"));
    assert_int_equal(n_routes(f), 1);
    assert_lr_fault(f, "lr0", "[\"set\",[]]");
    assert_lr_fault(f, "lr1", "\"lr_switch_bindings_fault\"");
    free(red);
    free(b0);
    free(b1);
}

static void
test_bad_routes(void **state)
{
    struct vfx *f = *state;
    char *red = vfx_ls_uuid(f, "red");
    char *b = xasprintf("[[\"10.1.0.1/24\", %s]]", red);

    lr_insert(f, "lr0", b,
              "[[\"10.3.0.0/16\", \"10.1.0.10\"], "
              "[\"10.4.0.0/16\", \"192.0.2.1\"], "
              "[\"10.5.0.0/99\", \"10.1.0.10\"], "
              "[\"10.6.0.0/16\", \"10.1.0.1\"], "
              "[\"10.1.0.0/24\", \"10.1.0.10\"], "
              "[\"10.7.0.0/16\", \"2001:db8::1\"]]");
    vfx_run(f);
    /* Only the good one: the others are outside every subnet, malformed,
     * through the router itself, a connected prefix, or mixed families. */
    assert_true(has_route(f, "lr0", "10.3.0.0/16", "10.1.0.10", "red"));
    assert_int_equal(n_routes(f), 2);
    assert_lr_fault(f, "lr0", "\"lr_static_routes_fault\"");
    vfx_assert_query(f, "Physical_Switch", "switch_fault_status", "[]",
                     "\"lr_static_routes_fault\"");
    lr_set(f, "lr0", "static_routes", "[[\"10.3.0.0/16\", \"10.1.0.10\"]]");
    vfx_run(f);
    assert_lr_fault(f, "lr0", "[\"set\",[]]");
    free(red);
    free(b);
}

static void
test_exhaustion(void **state)
{
    struct vfx *f = *state;
    char *red = vfx_ls_uuid(f, "red"), *blue = vfx_ls_uuid(f, "blue");
    char *b = xasprintf("[[\"10.1.0.1/24\", %s]]", red);
    char *b2 = xasprintf("[[\"10.2.0.1/24\", %s]]", blue);
    struct ds r = DS_EMPTY_INITIALIZER;
    int i;

    /* 1 connected + 20 static routes for 16 slots. */
    ds_put_cstr(&r, "[");
    for (i = 0; i < 20; i++) {
        ds_put_format(&r, "%s[\"10.%d.0.0/16\", \"10.1.0.10\"]", i ? ", " : "",
                      100 + i);
    }
    ds_put_cstr(&r, "]");
    lr_insert(f, "lr0", b, ds_cstr(&r));
    vfx_run(f);
    assert_int_equal(n_routes(f), 16);
    assert_lr_fault(f, "lr0", "\"lr_static_routes_fault\"");
    vfx_assert_query(f, "Physical_Switch", "switch_fault_status", "[]",
                     "\"lr_static_routes_fault\"");

    /* Ten routes fewer: everything fits, after the freed event. */
    ds_clear(&r);
    ds_put_cstr(&r, "[");
    for (i = 0; i < 10; i++) {
        ds_put_format(&r, "%s[\"10.%d.0.0/16\", \"10.1.0.10\"]", i ? ", " : "",
                      100 + i);
    }
    ds_put_cstr(&r, "]");
    lr_set(f, "lr0", "static_routes", ds_cstr(&r));
    vfx_run(f);
    assert_int_equal(n_routes(f), 11);
    assert_lr_fault(f, "lr0", "[\"set\",[]]");
    vfx_assert_query(f, "Physical_Switch", "switch_fault_status", "[]",
                     "[\"set\",[]]");

    /* "lab" has two routers: the third has none. */
    lr_insert(f, "lr1", b2, "[]");
    lr_insert(f, "lr2", "[]", "[]");
    vfx_run(f);
    assert_lr_fault(f, "lr2", "\"lr_creation_fault\"");
    vfx_assert_query(f, "Physical_Switch", "switch_fault_status", "[]",
                     "\"lr_creation_fault\"");
    /* One goes: the waiting router is created (on RESOURCE_FREED). */
    vfx_transact(f, "[{\"op\": \"delete\", \"table\": \"Logical_Router\", "
                    "\"where\": [[\"name\", \"==\", \"lr1\"]]}]");
    vfx_run(f);
    assert_lr_fault(f, "lr2", "[\"set\",[]]");
    vfx_assert_query(f, "Physical_Switch", "switch_fault_status", "[]",
                     "[\"set\",[]]");
    ds_destroy(&r);
    free(red);
    free(blue);
    free(b);
    free(b2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bindings_and_routes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_router_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_switch_later, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overlap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_switch_taken, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_routes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exhaustion, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
