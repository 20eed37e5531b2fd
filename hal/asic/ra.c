/* SPDX-License-Identifier: Apache-2.0 */
/* IPv6 router advertisements of the software ASIC's routers (RFC 4861
 * 6.2), for routers whose config has an interval (ra_interval_s, I).
 *
 * A chip leaves these to its CPU; so does the model: the timers live here,
 * in process memory, and run from hal_run() (a warm restart starts them
 * again, as a switch's daemon does when it restarts), and the dataplane
 * builds and sends the frames (hal_asic_set_ra_tx()).  Each bridge with an
 * IPv6 interface of such a router gets its own advertisements, listing
 * the router's IPv6 prefixes there: the first three (RFC 4861's
 * MAX_INITIAL_RTR_ADVERTISEMENTS) at most 16 s apart
 * (MAX_INITIAL_RTR_ADVERT_INTERVAL), then one at a random time between
 * I/3 and I (MinRtrAdvInterval's default, 0.33 I).  A router solicitation
 * brings the next forward to within 500 ms (MAX_RA_DELAY_TIME), but not to
 * less than 3 s after the previous one (MIN_DELAY_BETWEEN_RAS): the answer
 * goes to all nodes, as the RFC allows.  A bridge that stops being
 * advertised on (the interval goes to 0, the router MAC changes, the last
 * IPv6 interface goes) gets one final advertisement with router lifetime
 * 0 first (RFC 4861 6.2.5), so that hosts drop the router at once. */
#include <string.h>

#include "hal/asic/l3.h"
#include "hal/hal-route.h"

void
hal_asic_set_ra_tx(struct hal_asic *asic, hal_asic_ra_tx_fn *fn, void *aux)
{
    asic->ra_tx = fn;
    asic->ra_tx_aux = aux;
}

/* Returns the router index whose advertisements bridge index 'bridge'
 * gets (its IPv6 interface's, if that router has an interval), or -1. */
static int64_t
ra_router(const struct hal_asic *asic, uint32_t bridge)
{
    int64_t rif = asic->bridges[bridge].valid
                      ? asic_l3_bridge_rif(asic, bridge, AF_INET6)
                      : -1;

    if (rif < 0 || asic->rifs[rif].ip.family != AF_INET6
        || !asic->routers[asic->rifs[rif].router].c.ra_interval_s) {
        return -1;
    }
    return asic->rifs[rif].router;
}

/* Fills '*ra' with the advertisement of router 'router' on bridge index
 * 'bridge'. */
static void
ra_build(const struct hal_asic *asic, uint32_t router, uint32_t bridge,
         struct hal_ra *ra)
{
    const struct hal_router_config *c = &asic->routers[router].c;
    const struct asic_l3 *l3 = asic->l3;
    uint32_t i;

    hal_ra_init(ra, c);
    ASIC_TABLE_FOR_EACH_WITH_HASH(i, asic_l3_rif_hash(bridge), &l3->t_rif) {
        const struct asic_rif *r = &asic->rifs[i];

        if (r->bridge == bridge && r->router == router
            && r->ip.family == AF_INET6
            && ra->n_prefixes < HAL_RA_PREFIXES_MAX) {
            ra->prefixes[ra->n_prefixes] = hal_ip_masked(&r->ip, r->len);
            ra->prefix_lens[ra->n_prefixes++] = r->len;
        }
    }
}

void
asic_l3_ra_run(struct hal_asic *asic, int64_t now)
{
    struct asic_l3 *l3 = asic->l3;
    int64_t wake = INT64_MAX;
    uint32_t b;

    if (!l3 || now < l3->ra_wake_ms) {
        return;
    }
    for (b = 0; b < asic->profile->bridges; b++) {
        int64_t router = ra_router(asic, b);
        struct l3_ra *ra = &l3->ra[b];

        if (router < 0) {
            memset(ra, 0, sizeof *ra);
            continue;
        }
        if (!ra->next_ms) {
            ra->next_ms = now;
        }
        if (now >= ra->next_ms) {
            struct hal_ra adv;

            ra_build(asic, (uint32_t) router, b, &adv);
            if (asic->ra_tx) {
                asic->ra_tx(asic->ra_tx_aux, asic_bridge_oid(b), &adv);
            }
            ra->last_ms = now;
            ra->sent++;
            ra->next_ms = hal_ra_next_ms(asic->routers[router].c.ra_interval_s,
                                         ra->sent, now);
        }
        wake = MIN(wake, ra->next_ms);
    }
    l3->ra_wake_ms = wake;
}

void
asic_l3_ra_cease(struct hal_asic *asic, uint32_t bridge)
{
    struct l3_ra *ra = asic->l3 ? &asic->l3->ra[bridge] : NULL;
    int64_t router = ra && ra->sent ? ra_router(asic, bridge) : -1;
    struct hal_ra adv;

    if (router < 0) {
        return;
    }
    ra_build(asic, (uint32_t) router, bridge, &adv);
    adv.lifetime_s = 0;
    adv.dns_lifetime_s = 0;
    if (asic->ra_tx) {
        asic->ra_tx(asic->ra_tx_aux, asic_bridge_oid(bridge), &adv);
    }
    memset(ra, 0, sizeof *ra);
}

void
asic_l3_ra_cease_router(struct hal_asic *asic, uint32_t router)
{
    uint32_t b;

    for (b = 0; asic->l3 && b < asic->profile->bridges; b++) {
        if (ra_router(asic, b) == (int64_t) router) {
            asic_l3_ra_cease(asic, b);
        }
    }
}

int64_t
asic_l3_ra_next_wake(const struct hal_asic *asic)
{
    return asic->l3 ? asic->l3->ra_wake_ms : INT64_MAX;
}

void
hal_asic_route_rs(struct hal_asic *asic, hal_oid_t bridge_oid, int64_t now_ms)
{
    int64_t bridge = asic_bridge_index(asic, bridge_oid);
    struct l3_ra *ra;
    int64_t when;

    if (bridge < 0 || !asic->l3 || ra_router(asic, (uint32_t) bridge) < 0) {
        return;
    }
    ra = &asic->l3->ra[bridge];
    if (!ra->next_ms) {
        return; /* The first run sends one at once. */
    }
    when = hal_ra_solicited_ms(now_ms, ra->last_ms);
    if (when < ra->next_ms) {
        ra->next_ms = when;
        asic->l3->ra_wake_ms = MIN(asic->l3->ra_wake_ms, when);
    }
}
