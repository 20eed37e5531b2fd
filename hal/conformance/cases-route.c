/* SPDX-License-Identifier: Apache-2.0 */
/* Conformance cases: routing (hal/hal-route.h), for a provider that routes
 * on this host. */
#include <string.h>

#include "hal/conformance/kit.h"
#include "hal/hal-route.h"

static void
router_config_cb(hal_oid_t oid, const struct hal_router_config *c, void *got)
{
    (void) oid;
    memcpy(got, c, sizeof *c);
}

/* Returns true if the one router's config, as route_walk reports it, has
 * 'mtu', 'timeout_s' and 'ra_s'. */
static bool
router_has(struct kit *k, uint32_t mtu, uint32_t timeout_s, uint32_t ra_s)
{
    static const struct hal_route_walk walk = { .router = router_config_cb };
    struct hal_router_config got;

    memset(&got, 0xff, sizeof got);
    hal_route_walk(k->hal, &walk, &got);
    return got.mtu == mtu && got.neigh_timeout_s == timeout_s
           && got.ra_interval_s == ra_s;
}

static void
route_router_options(struct kit *k)
{
    struct hal_router_config rc = { .name = "kit",
                                    .mac = { { 0x02, 0, 0, 0, 0, 0xfe } },
                                    .mtu = 9000,
                                    .neigh_timeout_s = 60,
                                    .ra_interval_s = 30 };
    struct hal_rif_config c = { .prefix_len = 24 };
    hal_oid_t router = HAL_OID_NULL, again, bridge, rif;

    KIT_EXPECT(k, kit_bridge(k, "kit-rif", 710, &bridge), 0);
    KIT_EXPECT(k, hal_router_set(k->hal, &rc, &router), 0);
    KIT_REQUIRE(k, router_has(k, 9000, 60, 30),
                "route_walk does not report the MTU, neighbour timeout and "
                "advertisement interval the router was created with");
    c.router = router;
    c.bridge = bridge;
    KIT_EXPECT(k, hal_ip_from_string("10.71.0.1", &c.ip), 0);
    KIT_EXPECT(k, hal_rif_create(k->hal, &c, &rif), 0);

    /* An update of a router with an interface. */
    rc.mtu = 1400;
    rc.neigh_timeout_s = 0;
    rc.ra_interval_s = 0;
    again = router;
    KIT_EXPECT(k, hal_router_set(k->hal, &rc, &again), 0);
    KIT_REQUIRE(k, again == router, "updating the router made another one");
    KIT_REQUIRE(k, router_has(k, 1400, 0, 0),
                "route_walk does not report the updated MTU, timeout and "
                "interval");

    /* Out of range: refused, nothing changed. */
    rc.mtu = HAL_RIF_MTU_MIN - 1;
    KIT_EXPECT(k, hal_router_set(k->hal, &rc, &again), -EINVAL);
    rc.mtu = HAL_RIF_MTU_MAX + 1;
    KIT_EXPECT(k, hal_router_set(k->hal, &rc, &again), -EINVAL);
    rc.mtu = 0;
    rc.neigh_timeout_s = HAL_ROUTER_NEIGH_TIMEOUT_MAX + 1;
    KIT_EXPECT(k, hal_router_set(k->hal, &rc, &again), -EINVAL);
    rc.neigh_timeout_s = 0;
    rc.ra_interval_s = HAL_ROUTER_RA_INTERVAL_MIN - 1;
    KIT_EXPECT(k, hal_router_set(k->hal, &rc, &again), -EINVAL);
    KIT_REQUIRE(k, router_has(k, 1400, 0, 0),
                "a refused update changed the router");
    KIT_EXPECT(k, hal_router_remove(k->hal, router), 0);
}

const struct kit_case kit_route_cases[] = {
    { "route.router-options", "hal/hal-route.h",
      "The IP MTU of the router's interfaces, HAL_RIF_MTU_MIN to "
      "HAL_RIF_MTU_MAX; 0 for HAL_RIF_MTU.",
      0, KIT_OPS_ROUTE, route_router_options },
    { NULL, NULL, NULL, 0, 0, NULL },
};
