/* SPDX-License-Identifier: Apache-2.0 */
/* The L3 tables of the software ASIC: virtual routers, router interfaces,
 * next hops, LPM routes and router neighbours, each a finite table sized by
 * the profile.  The routing step itself is route-pipe.c's.
 *
 * The tables are chip memory, like the L2 tables: they survive a restart
 * in the state file, so routed traffic keeps flowing while vtepd restarts,
 * and a warm start marks and sweeps them (resync.c) as it does bridges and
 * FDB entries.  Learned router neighbours stay, as learned MACs do.
 *
 * The LPM is the hash-per-length scheme: one hash table keyed by (router,
 * prefix length, masked address) and, per router and family, a count of
 * routes of each length, so that a lookup probes only the lengths in use,
 * longest first. */
#include <stdlib.h>
#include <string.h>

#include "hal/asic/l3.h"
#include "hal/hal-route.h"
#include "lib/ds.h"
#include "lib/hash.h"
#include "lib/util.h"

/* Claims the slots in use of an L3 table of 'capacity' slots whose
 * 'valid' bytes are 'stride' bytes apart. */
static void
claim_valid(struct asic_table *t, const void *slots, size_t stride)
{
    const uint8_t *valid = slots;
    uint32_t i;

    for (i = 0; i < t->capacity; i++) {
        if (valid[(size_t) i * stride]) {
            asic_table_claim(t, i);
        }
    }
    asic_table_claims_done(t);
}

static uint32_t route_hash(uint32_t router, const struct hal_ip *prefix,
                           uint8_t len);
static uint32_t *len_counter(struct asic_l3 *, uint32_t router,
                             const struct hal_ip *ip, uint8_t len);

/* Rebuilds the indexes and the LPM's length counts from chip memory. */
static void
index_l3(struct hal_asic *asic, struct asic_l3 *l3)
{
    uint32_t i;

    claim_valid(&l3->t_router, asic->routers, sizeof *asic->routers);
    claim_valid(&l3->t_rif, asic->rifs, sizeof *asic->rifs);
    claim_valid(&l3->t_nexthop, asic->nexthops, sizeof *asic->nexthops);
    claim_valid(&l3->t_route, asic->routes, sizeof *asic->routes);
    claim_valid(&l3->t_rneigh, asic->rneighs, sizeof *asic->rneighs);
    for (i = 0; i < l3->t_router.capacity; i++) {
        if (l3->t_router.in_use[i]) {
            asic_table_index(&l3->t_router, i,
                             hash_string(asic->routers[i].c.name, 0));
        }
    }
    for (i = 0; i < l3->t_rif.capacity; i++) {
        if (l3->t_rif.in_use[i]) {
            asic_table_index(&l3->t_rif, i,
                             asic_l3_rif_hash(asic->rifs[i].bridge));
        }
    }
    for (i = 0; i < l3->t_route.capacity; i++) {
        const struct asic_route *r = &asic->routes[i];

        if (l3->t_route.in_use[i]) {
            asic_table_index(&l3->t_route, i,
                             route_hash(r->router, &r->prefix, r->len));
            (*len_counter(l3, r->router, &r->prefix, r->len))++;
        }
    }
    for (i = 0; i < l3->t_rneigh.capacity; i++) {
        const struct asic_rneigh *n = &asic->rneighs[i];

        if (l3->t_rneigh.in_use[i]) {
            asic_table_index(&l3->t_rneigh, i,
                             asic_l3_rneigh_hash(n->rif, &n->ip));
            if (n->learned) {
                l3->next_age_ms = 0; /* Age what a warm restart kept. */
            }
        }
    }
}

void
asic_l3_init(struct hal_asic *asic)
{
    const struct hal_asic_profile *p = asic->profile;
    struct asic_l3 *l3 = xzalloc(sizeof *l3);

    asic_table_init(&l3->t_router, p->routers);
    asic_table_init(&l3->t_rif, p->rifs);
    asic_table_init(&l3->t_nexthop, p->nexthops);
    asic_table_init(&l3->t_route, p->routes);
    asic_table_init(&l3->t_rneigh, p->rneighs);
    l3->len_count = xcalloc((p->routers ? p->routers : 1) * 2 * L3_LENS,
                            sizeof *l3->len_count);
    l3->probe_ms = xcalloc(p->rneighs + 1, sizeof *l3->probe_ms);
    l3->probe_tries = xzalloc(p->rneighs + 1);
    l3->next_age_ms = INT64_MAX;
    l3->ra = xcalloc(p->bridges + 1, sizeof *l3->ra);
    l3->ra_wake_ms = 0;
    index_l3(asic, l3);
    asic->l3 = l3;
}

static void
free_marks(struct asic_l3 *l3)
{
    free(l3->seen_router);
    free(l3->seen_rif);
    free(l3->seen_nexthop);
    free(l3->seen_route);
    free(l3->seen_rneigh);
    l3->seen_router = l3->seen_rif = l3->seen_nexthop = NULL;
    l3->seen_route = l3->seen_rneigh = NULL;
}

void
asic_l3_destroy(struct hal_asic *asic)
{
    struct asic_l3 *l3 = asic->l3;

    if (!l3) {
        return;
    }
    asic_table_destroy(&l3->t_router);
    asic_table_destroy(&l3->t_rif);
    asic_table_destroy(&l3->t_nexthop);
    asic_table_destroy(&l3->t_route);
    asic_table_destroy(&l3->t_rneigh);
    free(l3->len_count);
    free(l3->probe_ms);
    free(l3->ra);
    free(l3->probe_tries);
    free_marks(l3);
    free(l3);
    asic->l3 = NULL;
}

void
asic_l3_resources(const struct hal_asic *asic, struct hal_resource res[])
{
    const struct asic_l3 *l3 = asic->l3;

    res[HAL_TABLE_ROUTER] =
        (struct hal_resource){ l3->t_router.used, l3->t_router.capacity };
    res[HAL_TABLE_RIF] =
        (struct hal_resource){ l3->t_rif.used, l3->t_rif.capacity };
    res[HAL_TABLE_NEXTHOP] =
        (struct hal_resource){ l3->t_nexthop.used, l3->t_nexthop.capacity };
    res[HAL_TABLE_ROUTE] =
        (struct hal_resource){ l3->t_route.used, l3->t_route.capacity };
    res[HAL_TABLE_RNEIGH] =
        (struct hal_resource){ l3->t_rneigh.used, l3->t_rneigh.capacity };
}

/* ---- Object ids ---------------------------------------------------------- */

static int64_t
l3_index(const struct asic_table *t, hal_oid_t oid, enum hal_object_type type)
{
    int64_t idx = hal_oid_index(oid, type, t->capacity);

    return idx >= 0 && t->in_use[idx] ? idx : -1;
}

int64_t
asic_l3_rif_index(const struct hal_asic *asic, hal_oid_t oid)
{
    return asic->l3 ? l3_index(&asic->l3->t_rif, oid, HAL_OBJECT_RIF) : -1;
}

void
asic_l3_rif_format(const struct hal_asic *asic, uint32_t rif, struct ds *out)
{
    const struct asic_rif *r = &asic->rifs[rif];
    char ip[HAL_IP_STRLEN];

    ds_put_format(out, "%s %s/%u", asic->routers[r->router].c.name,
                  hal_ip_format(&r->ip, ip), r->len);
}

uint32_t
asic_l3_rif_hash(uint32_t bridge)
{
    return hash_finish(hash_add(0, bridge), 4);
}

static uint32_t
route_hash(uint32_t router, const struct hal_ip *prefix, uint8_t len)
{
    return hal_ip_hash(prefix, hash_add(hash_add(0, router), len));
}

uint32_t
asic_l3_rneigh_hash(uint32_t rif, const struct hal_ip *ip)
{
    return hal_ip_hash(ip, hash_add(0, rif));
}

static uint32_t *
len_counter(struct asic_l3 *l3, uint32_t router, const struct hal_ip *ip,
            uint8_t len)
{
    return &l3->len_count[(router * 2 + (ip->family == AF_INET6)) * L3_LENS
                          + len];
}

/* Notes, during a resync, that slot 'idx' of the table whose marks are
 * 'seen' is wanted. */
static void
mark(const struct hal_asic *asic, uint8_t *seen, int64_t idx)
{
    if (asic->resyncing && seen && idx >= 0) {
        seen[idx] = 1;
    }
}

/* ---- Routes and neighbours (removal first: the objects use it) ----------- */

static void
route_free(struct hal_asic *asic, uint32_t idx)
{
    struct asic_l3 *l3 = asic->l3;
    struct asic_route *r = &asic->routes[idx];

    (*len_counter(l3, r->router, &r->prefix, r->len))--;
    asic_table_unindex(&l3->t_route, idx);
    asic_table_free(&l3->t_route, idx);
    r->valid = 0;
    asic->writes++;
    hal_event_freed(&asic->up, HAL_TABLE_ROUTE);
}

void
asic_l3_rneigh_free(struct hal_asic *asic, uint32_t idx)
{
    struct asic_l3 *l3 = asic->l3;

    asic_table_unindex(&l3->t_rneigh, idx);
    asic_table_free(&l3->t_rneigh, idx);
    asic->rneighs[idx].valid = 0;
    asic->writes++;
    hal_event_freed(&asic->up, HAL_TABLE_RNEIGH);
}

/* Removes the routes whose target is next hop (or, with 'via_rif', rif)
 * 'target'. */
static void
routes_to_gone(struct hal_asic *asic, bool via_rif, uint32_t target)
{
    struct asic_l3 *l3 = asic->l3;
    uint32_t i;

    for (i = 0; i < l3->t_route.capacity; i++) {
        if (l3->t_route.in_use[i] && asic->routes[i].via_rif == via_rif
            && asic->routes[i].target == target) {
            route_free(asic, i);
        }
    }
}

static void
nexthop_free(struct hal_asic *asic, uint32_t idx)
{
    struct asic_l3 *l3 = asic->l3;

    routes_to_gone(asic, false, idx);
    asic_table_free(&l3->t_nexthop, idx);
    asic->nexthops[idx].valid = 0;
    asic->writes++;
    hal_event_freed(&asic->up, HAL_TABLE_NEXTHOP);
}

/* Returns true if rif 'idx' is the only IPv6 interface on its bridge. */
static bool
last_v6_rif(const struct hal_asic *asic, uint32_t idx)
{
    const struct asic_rif *rif = &asic->rifs[idx];
    uint32_t i;

    if (rif->ip.family != AF_INET6) {
        return false;
    }
    ASIC_TABLE_FOR_EACH_WITH_HASH(i, asic_l3_rif_hash(rif->bridge),
                                  &asic->l3->t_rif) {
        if (i != idx && asic->rifs[i].bridge == rif->bridge
            && asic->rifs[i].ip.family == AF_INET6) {
            return false;
        }
    }
    return true;
}

static void
rif_free(struct hal_asic *asic, uint32_t idx)
{
    struct asic_l3 *l3 = asic->l3;
    uint32_t i;

    if (last_v6_rif(asic, idx)) {
        asic_l3_ra_cease(asic, asic->rifs[idx].bridge);
    } else if (asic->rifs[idx].ip.family == AF_INET6) {
        /* One prefix fewer to advertise (ra.c). */
        memset(&l3->ra[asic->rifs[idx].bridge], 0, sizeof *l3->ra);
        l3->ra_wake_ms = 0;
    }

    routes_to_gone(asic, true, idx);
    asic_acl_rif_gone(asic, idx);
    for (i = 0; i < l3->t_nexthop.capacity; i++) {
        if (l3->t_nexthop.in_use[i] && asic->nexthops[i].rif == idx) {
            nexthop_free(asic, i);
        }
    }
    for (i = 0; i < l3->t_rneigh.capacity; i++) {
        if (l3->t_rneigh.in_use[i] && asic->rneighs[i].rif == idx) {
            asic_l3_rneigh_free(asic, i);
        }
    }
    asic_table_unindex(&l3->t_rif, idx);
    asic_table_free(&l3->t_rif, idx);
    asic->rifs[idx].valid = 0;
    asic->writes++;
    hal_event_freed(&asic->up, HAL_TABLE_RIF);
}

void
asic_l3_bridge_gone(struct hal_asic *asic, uint32_t bridge)
{
    struct asic_l3 *l3 = asic->l3;
    uint32_t i;

    for (i = 0; l3 && i < l3->t_rif.capacity; i++) {
        if (l3->t_rif.in_use[i] && asic->rifs[i].bridge == bridge) {
            rif_free(asic, i);
        }
    }
}

/* ---- Routers ------------------------------------------------------------- */

static int64_t
router_by_name(const struct hal_asic *asic, const char *name)
{
    uint32_t idx;

    ASIC_TABLE_FOR_EACH_WITH_HASH(idx, hash_string(name, 0),
                                  &asic->l3->t_router) {
        if (!strcmp(asic->routers[idx].c.name, name)) {
            return idx;
        }
    }
    return -1;
}

int
asic_router_set(struct hal *hal, const struct hal_router_config *c,
                hal_oid_t *oid)
{
    struct hal_asic *asic = asic_cast(hal);
    struct asic_l3 *l3 = asic->l3;
    int64_t idx = *oid ? l3_index(&l3->t_router, *oid, HAL_OBJECT_ROUTER)
                       : router_by_name(asic, c->name);

    if (*oid && idx < 0) {
        return -ENOENT;
    } else if (c->n_peers > HAL_ROUTER_PEERS_MAX) {
        return -EINVAL;
    } else if (idx < 0) {
        idx = asic_table_alloc(&l3->t_router);
        if (idx < 0) {
            hal_event_exhausted(hal, HAL_TABLE_ROUTER, (int) idx);
            return (int) idx;
        }
        memset(&asic->routers[idx], 0, sizeof asic->routers[idx]);
        memset(len_counter(l3, (uint32_t) idx, &(struct hal_ip){ 0 }, 0), 0,
               2 * L3_LENS * sizeof *l3->len_count);
    } else if (!memcmp(&asic->routers[idx].c, c, sizeof *c)) {
        mark(asic, l3->seen_router, idx);
        *oid = hal_oid_make(HAL_OBJECT_ROUTER, (uint64_t) idx);
        return 0;
    } else {
        asic_table_unindex(&l3->t_router, (uint32_t) idx);
        if (asic->routers[idx].c.neigh_timeout_s != c->neigh_timeout_s) {
            asic_l3_age_soon(asic);
        }
        if (hal_ra_ceases(&asic->routers[idx].c, c)) {
            /* Hosts drop the old gateway (link-local) at once. */
            asic_l3_ra_cease_router(asic, (uint32_t) idx);
        }
        if (hal_ra_changed(&asic->routers[idx].c, c)) {
            /* Advertise the change at once, with the initial pace. */
            memset(l3->ra, 0, asic->profile->bridges * sizeof *l3->ra);
            l3->ra_wake_ms = 0;
        }
    }
    asic->routers[idx].c = *c;
    asic->routers[idx].valid = 1;
    asic_table_index(&l3->t_router, (uint32_t) idx, hash_string(c->name, 0));
    mark(asic, l3->seen_router, idx);
    asic->writes++;
    *oid = hal_oid_make(HAL_OBJECT_ROUTER, (uint64_t) idx);
    return 0;
}

static void
router_free(struct hal_asic *asic, uint32_t idx)
{
    struct asic_l3 *l3 = asic->l3;
    uint32_t i;

    for (i = 0; i < l3->t_route.capacity; i++) {
        if (l3->t_route.in_use[i] && asic->routes[i].router == idx) {
            route_free(asic, i);
        }
    }
    for (i = 0; i < l3->t_rif.capacity; i++) {
        if (l3->t_rif.in_use[i] && asic->rifs[i].router == idx) {
            rif_free(asic, i);
        }
    }
    asic_table_unindex(&l3->t_router, idx);
    asic_table_free(&l3->t_router, idx);
    asic->routers[idx].valid = 0;
    asic->writes++;
    hal_event_freed(&asic->up, HAL_TABLE_ROUTER);
}

int
asic_router_remove(struct hal *hal, hal_oid_t oid)
{
    struct hal_asic *asic = asic_cast(hal);
    int64_t idx = l3_index(&asic->l3->t_router, oid, HAL_OBJECT_ROUTER);

    if (idx < 0) {
        return -ENOENT;
    }
    router_free(asic, (uint32_t) idx);
    return 0;
}

int
asic_router_stats_get(const struct hal *hal, hal_oid_t oid,
                      struct hal_router_stats *stats)
{
    const struct hal_asic *asic = asic_cast(hal);
    int64_t idx = l3_index(&asic->l3->t_router, oid, HAL_OBJECT_ROUTER);

    if (idx < 0) {
        return -ENOENT;
    }
    *stats = asic->routers[idx].st;
    return 0;
}

/* ---- Router interfaces and next hops ------------------------------------- */

int
asic_rif_create(struct hal *hal, const struct hal_rif_config *c,
                hal_oid_t *oid)
{
    struct hal_asic *asic = asic_cast(hal);
    struct asic_l3 *l3 = asic->l3;
    int64_t router = l3_index(&l3->t_router, c->router, HAL_OBJECT_ROUTER);
    int64_t bridge = asic_bridge_index(asic, c->bridge);
    int64_t idx;
    uint32_t i;

    if (router < 0 || bridge < 0) {
        return -ENOENT;
    }
    ASIC_TABLE_FOR_EACH_WITH_HASH(i, asic_l3_rif_hash((uint32_t) bridge),
                                  &l3->t_rif) {
        const struct asic_rif *r = &asic->rifs[i];

        if (asic->resyncing && r->bridge == bridge && r->router == router
            && r->len == c->prefix_len && hal_ip_equals(&r->ip, &c->ip)) {
            /* The same interface, kept from before the restart. */
            mark(asic, l3->seen_rif, i);
            *oid = hal_oid_make(HAL_OBJECT_RIF, i);
            return 0;
        } else if (r->bridge == bridge
                   && (r->router != router || hal_ip_equals(&r->ip, &c->ip))) {
            return -EEXIST;
        }
    }
    idx = asic_table_alloc(&l3->t_rif);
    if (idx < 0) {
        hal_event_exhausted(hal, HAL_TABLE_RIF, (int) idx);
        return (int) idx;
    }
    asic->rifs[idx] = (struct asic_rif){ .valid = 1,
                                         .len = c->prefix_len,
                                         .router = (uint32_t) router,
                                         .bridge = (uint32_t) bridge,
                                         .ip = c->ip };
    asic_table_index(&l3->t_rif, (uint32_t) idx,
                     asic_l3_rif_hash((uint32_t) bridge));
    if (c->ip.family == AF_INET6) {
        /* A new prefix to advertise (ra.c). */
        memset(&l3->ra[bridge], 0, sizeof l3->ra[bridge]);
        l3->ra_wake_ms = 0;
    }
    mark(asic, l3->seen_rif, idx);
    asic->writes++;
    *oid = hal_oid_make(HAL_OBJECT_RIF, (uint64_t) idx);
    return 0;
}

int
asic_rif_remove(struct hal *hal, hal_oid_t oid)
{
    struct hal_asic *asic = asic_cast(hal);
    int64_t idx = l3_index(&asic->l3->t_rif, oid, HAL_OBJECT_RIF);

    if (idx < 0) {
        return -ENOENT;
    }
    rif_free(asic, (uint32_t) idx);
    return 0;
}

/* During a resync: the next hop (rif, ip) kept from before the restart and
 * not claimed yet, or -1. */
static int64_t
nexthop_kept(const struct hal_asic *asic, uint32_t rif,
             const struct hal_ip *ip)
{
    const struct asic_l3 *l3 = asic->l3;
    uint32_t i;

    for (i = 0; asic->resyncing && i < l3->t_nexthop.capacity; i++) {
        if (l3->t_nexthop.in_use[i] && !l3->seen_nexthop[i]
            && asic->nexthops[i].rif == rif
            && hal_ip_equals(&asic->nexthops[i].ip, ip)) {
            return i;
        }
    }
    return -1;
}

int
asic_nexthop_create(struct hal *hal, const struct hal_nexthop_config *c,
                    hal_oid_t *oid)
{
    struct hal_asic *asic = asic_cast(hal);
    struct asic_l3 *l3 = asic->l3;
    int64_t rif = l3_index(&l3->t_rif, c->rif, HAL_OBJECT_RIF);
    int64_t idx;

    if (rif < 0) {
        return -ENOENT;
    }
    idx = nexthop_kept(asic, (uint32_t) rif, &c->ip);
    if (idx >= 0) {
        mark(asic, l3->seen_nexthop, idx);
        *oid = hal_oid_make(HAL_OBJECT_NEXTHOP, (uint64_t) idx);
        return 0;
    }
    idx = asic_table_alloc(&l3->t_nexthop);
    if (idx < 0) {
        hal_event_exhausted(hal, HAL_TABLE_NEXTHOP, (int) idx);
        return (int) idx;
    }
    asic->nexthops[idx] = (struct asic_nexthop){ .valid = 1,
                                                 .rif = (uint32_t) rif,
                                                 .ip = c->ip };
    mark(asic, l3->seen_nexthop, idx);
    asic->writes++;
    *oid = hal_oid_make(HAL_OBJECT_NEXTHOP, (uint64_t) idx);
    return 0;
}

int
asic_nexthop_remove(struct hal *hal, hal_oid_t oid)
{
    struct hal_asic *asic = asic_cast(hal);
    int64_t idx = l3_index(&asic->l3->t_nexthop, oid, HAL_OBJECT_NEXTHOP);

    if (idx < 0) {
        return -ENOENT;
    }
    nexthop_free(asic, (uint32_t) idx);
    return 0;
}

/* ---- Routes -------------------------------------------------------------- */

static int64_t
route_find(const struct hal_asic *asic, uint32_t router,
           const struct hal_ip *prefix, uint8_t len)
{
    uint32_t idx;

    ASIC_TABLE_FOR_EACH_WITH_HASH(idx, route_hash(router, prefix, len),
                                  &asic->l3->t_route) {
        const struct asic_route *r = &asic->routes[idx];

        if (r->router == router && r->len == len
            && hal_ip_equals(&r->prefix, prefix)) {
            return idx;
        }
    }
    return -1;
}

int64_t
asic_l3_lpm(const struct hal_asic *asic, uint32_t router,
            const struct hal_ip *dst)
{
    struct asic_l3 *l3 = asic->l3;
    int len;

    for (len = hal_ip_max_len(dst); len >= 0; len--) {
        if (*len_counter(l3, router, dst, (uint8_t) len)) {
            struct hal_ip key = hal_ip_masked(dst, (uint8_t) len);
            int64_t idx = route_find(asic, router, &key, (uint8_t) len);

            if (idx >= 0) {
                return idx;
            }
        }
    }
    return -1;
}

static int
route_set_one(struct hal_asic *asic, const struct hal_route_entry *e)
{
    struct asic_l3 *l3 = asic->l3;
    int64_t router = l3_index(&l3->t_router, e->router, HAL_OBJECT_ROUTER);
    bool via_rif = hal_oid_type(e->nexthop) == HAL_OBJECT_RIF;
    int64_t target =
        via_rif ? l3_index(&l3->t_rif, e->nexthop, HAL_OBJECT_RIF)
                : l3_index(&l3->t_nexthop, e->nexthop, HAL_OBJECT_NEXTHOP);
    int64_t idx;

    if (router < 0 || target < 0) {
        return -ENOENT;
    }
    idx = route_find(asic, (uint32_t) router, &e->prefix, e->prefix_len);
    if (idx < 0) {
        idx = asic_table_alloc(&l3->t_route);
        if (idx < 0) {
            hal_event_exhausted(&asic->up, HAL_TABLE_ROUTE, (int) idx);
            return (int) idx;
        }
        asic->routes[idx] = (struct asic_route){
            .valid = 1,
            .router = (uint32_t) router,
            .prefix = e->prefix,
            .len = e->prefix_len,
        };
        asic_table_index(
            &l3->t_route, (uint32_t) idx,
            route_hash((uint32_t) router, &e->prefix, e->prefix_len));
        (*len_counter(l3, (uint32_t) router, &e->prefix, e->prefix_len))++;
    } else if (asic->routes[idx].via_rif == via_rif
               && asic->routes[idx].target == target) {
        mark(asic, l3->seen_route, idx);
        return 0;
    }
    asic->routes[idx].via_rif = via_rif;
    asic->routes[idx].target = (uint32_t) target;
    mark(asic, l3->seen_route, idx);
    asic->writes++;
    return 0;
}

static int
route_remove_one(struct hal_asic *asic, const struct hal_route_entry *e)
{
    int64_t router =
        l3_index(&asic->l3->t_router, e->router, HAL_OBJECT_ROUTER);
    int64_t idx = router < 0 ? -1
                             : route_find(asic, (uint32_t) router, &e->prefix,
                                          e->prefix_len);

    if (idx < 0) {
        return -ENOENT;
    }
    route_free(asic, (uint32_t) idx);
    return 0;
}

int
asic_route_set(struct hal *hal, const struct hal_route_entry *entries,
               size_t n, int *status)
{
    return HAL_BULK_APPLY(route_set_one, asic_cast(hal), entries, n, status);
}

int
asic_route_remove(struct hal *hal, const struct hal_route_entry *entries,
                  size_t n, int *status)
{
    return HAL_BULK_APPLY(route_remove_one, asic_cast(hal), entries, n,
                          status);
}

/* ---- Router neighbours ---------------------------------------------------- */

int64_t
asic_l3_rneigh_find(const struct hal_asic *asic, uint32_t rif,
                    const struct hal_ip *ip)
{
    uint32_t idx;

    ASIC_TABLE_FOR_EACH_WITH_HASH(idx, asic_l3_rneigh_hash(rif, ip),
                                  &asic->l3->t_rneigh) {
        if (asic->rneighs[idx].rif == rif
            && hal_ip_equals(&asic->rneighs[idx].ip, ip)) {
            return idx;
        }
    }
    return -1;
}

/* Returns the least recently learned entry, or -1 if none is learned. */
static int64_t
rneigh_lru(const struct hal_asic *asic)
{
    const struct asic_l3 *l3 = asic->l3;
    int64_t best = -1;
    uint32_t i;

    for (i = 0; i < l3->t_rneigh.capacity; i++) {
        if (l3->t_rneigh.in_use[i] && asic->rneighs[i].learned
            && (best < 0
                || asic->rneighs[i].seen_ms < asic->rneighs[best].seen_ms)) {
            best = i;
        }
    }
    return best;
}

/* Takes a slot for a new entry; a learned one may take the slot of the
 * least recently learned entry when the table is full, so that resolution
 * never stops for good.  Returns its index or HAL_E_TABLE_FULL. */
static int64_t
rneigh_alloc(struct hal_asic *asic, bool learned)
{
    struct asic_l3 *l3 = asic->l3;
    int64_t idx = asic_table_alloc(&l3->t_rneigh);

    if (idx >= 0 || !learned || (idx = rneigh_lru(asic)) < 0) {
        return idx >= 0 ? idx : HAL_E_TABLE_FULL;
    }
    asic_table_unindex(&l3->t_rneigh, (uint32_t) idx);
    return idx;
}

int
asic_l3_rneigh_put(struct hal_asic *asic, uint32_t rif,
                   const struct hal_ip *ip, const struct hal_mac *mac,
                   bool learned)
{
    struct asic_l3 *l3 = asic->l3;
    int64_t idx = asic_l3_rneigh_find(asic, rif, ip);
    struct asic_rneigh *n;

    if (idx < 0) {
        idx = rneigh_alloc(asic, learned);
        if (idx < 0) {
            hal_event_exhausted(&asic->up, HAL_TABLE_RNEIGH, (int) idx);
            return (int) idx;
        }
        asic->rneighs[idx] = (struct asic_rneigh){
            .valid = 1,
            .learned = learned,
            .rif = rif,
            .ip = *ip,
            .mac = *mac,
            .seen_ms = hal_now(&asic->up),
        };
        asic_table_index(&l3->t_rneigh, (uint32_t) idx,
                         asic_l3_rneigh_hash(rif, ip));
        mark(asic, l3->seen_rneigh, learned ? -1 : idx);
        if (learned) {
            asic_l3_rneigh_confirmed(asic, (uint32_t) idx);
        }
        asic->writes++;
        return 0;
    }
    n = &asic->rneighs[idx];
    if (learned) {
        n->seen_ms = hal_now(&asic->up);
        asic_l3_rneigh_confirmed(asic, (uint32_t) idx);
    }
    mark(asic, l3->seen_rneigh, learned ? -1 : idx);
    if ((learned && !n->learned)
        || (n->learned == learned && !memcmp(&n->mac, mac, sizeof *mac))) {
        return 0;
    }
    n->mac = *mac;
    n->learned = learned;
    asic->writes++;
    return 0;
}

static int
rneigh_set_one(struct hal_asic *asic, const struct hal_rneigh_entry *e)
{
    int64_t rif = l3_index(&asic->l3->t_rif, e->rif, HAL_OBJECT_RIF);

    return rif < 0 ? -ENOENT
                   : asic_l3_rneigh_put(asic, (uint32_t) rif, &e->ip, &e->mac,
                                        false);
}

static int
rneigh_remove_one(struct hal_asic *asic, const struct hal_rneigh_entry *e)
{
    int64_t rif = l3_index(&asic->l3->t_rif, e->rif, HAL_OBJECT_RIF);
    int64_t idx =
        rif < 0 ? -1 : asic_l3_rneigh_find(asic, (uint32_t) rif, &e->ip);

    if (idx < 0) {
        return -ENOENT;
    }
    asic_l3_rneigh_free(asic, (uint32_t) idx);
    return 0;
}

int
asic_rneigh_set(struct hal *hal, const struct hal_rneigh_entry *entries,
                size_t n, int *status)
{
    return HAL_BULK_APPLY(rneigh_set_one, asic_cast(hal), entries, n, status);
}

int
asic_rneigh_remove(struct hal *hal, const struct hal_rneigh_entry *entries,
                   size_t n, int *status)
{
    return HAL_BULK_APPLY(rneigh_remove_one, asic_cast(hal), entries, n,
                          status);
}

/* ---- Warm restart ---------------------------------------------------------- */

void
asic_l3_resync_begin(struct hal_asic *asic)
{
    struct asic_l3 *l3 = asic->l3;

    free_marks(l3);
    l3->seen_router = xzalloc(l3->t_router.capacity + 1);
    l3->seen_rif = xzalloc(l3->t_rif.capacity + 1);
    l3->seen_nexthop = xzalloc(l3->t_nexthop.capacity + 1);
    l3->seen_route = xzalloc(l3->t_route.capacity + 1);
    l3->seen_rneigh = xzalloc(l3->t_rneigh.capacity + 1);
}

/* Whatever configuration the replay did not mark is stale.  Removing an
 * object removes what depends on it, so each sweep checks in_use again. */
void
asic_l3_resync_end(struct hal_asic *asic)
{
    struct asic_l3 *l3 = asic->l3;
    uint32_t i;

    if (!l3->seen_router) {
        return;
    }
    for (i = 0; i < l3->t_router.capacity; i++) {
        if (l3->t_router.in_use[i] && !l3->seen_router[i]) {
            router_free(asic, i);
        }
    }
    for (i = 0; i < l3->t_rif.capacity; i++) {
        if (l3->t_rif.in_use[i] && !l3->seen_rif[i]) {
            rif_free(asic, i);
        }
    }
    for (i = 0; i < l3->t_nexthop.capacity; i++) {
        if (l3->t_nexthop.in_use[i] && !l3->seen_nexthop[i]) {
            nexthop_free(asic, i);
        }
    }
    for (i = 0; i < l3->t_route.capacity; i++) {
        if (l3->t_route.in_use[i] && !l3->seen_route[i]) {
            route_free(asic, i);
        }
    }
    for (i = 0; i < l3->t_rneigh.capacity; i++) {
        if (l3->t_rneigh.in_use[i] && !asic->rneighs[i].learned
            && !l3->seen_rneigh[i]) {
            asic_l3_rneigh_free(asic, i);
        }
    }
    free_marks(l3);
}

/* ---- Walk ---------------------------------------------------------------- */

static void
walk_objects(const struct hal_asic *asic, const struct hal_route_walk *w,
             void *aux)
{
    const struct asic_l3 *l3 = asic->l3;
    uint32_t i;

    for (i = 0; w->router && i < l3->t_router.capacity; i++) {
        if (l3->t_router.in_use[i]) {
            w->router(hal_oid_make(HAL_OBJECT_ROUTER, i), &asic->routers[i].c,
                      aux);
        }
    }
    for (i = 0; w->rif && i < l3->t_rif.capacity; i++) {
        if (l3->t_rif.in_use[i]) {
            const struct asic_rif *r = &asic->rifs[i];
            struct hal_rif_config c = {
                hal_oid_make(HAL_OBJECT_ROUTER, r->router),
                asic_bridge_oid(r->bridge),
                r->ip,
                r->len,
            };

            w->rif(hal_oid_make(HAL_OBJECT_RIF, i), &c, aux);
        }
    }
    for (i = 0; w->nexthop && i < l3->t_nexthop.capacity; i++) {
        if (l3->t_nexthop.in_use[i]) {
            struct hal_nexthop_config c = {
                hal_oid_make(HAL_OBJECT_RIF, asic->nexthops[i].rif),
                asic->nexthops[i].ip,
            };

            w->nexthop(hal_oid_make(HAL_OBJECT_NEXTHOP, i), &c, aux);
        }
    }
}

void
asic_route_walk(const struct hal *hal, const struct hal_route_walk *w,
                void *aux)
{
    const struct hal_asic *asic = asic_cast(hal);
    const struct asic_l3 *l3 = asic->l3;
    uint32_t i;

    walk_objects(asic, w, aux);
    for (i = 0; w->route && i < l3->t_route.capacity; i++) {
        if (l3->t_route.in_use[i]) {
            const struct asic_route *r = &asic->routes[i];
            struct hal_route_entry e = {
                hal_oid_make(HAL_OBJECT_ROUTER, r->router),
                r->prefix,
                r->len,
                hal_oid_make(r->via_rif ? HAL_OBJECT_RIF : HAL_OBJECT_NEXTHOP,
                             r->target),
            };

            w->route(&e, aux);
        }
    }
    for (i = 0; w->rneigh && i < l3->t_rneigh.capacity; i++) {
        if (l3->t_rneigh.in_use[i]) {
            const struct asic_rneigh *n = &asic->rneighs[i];
            struct hal_rneigh_entry e = {
                hal_oid_make(HAL_OBJECT_RIF, n->rif),
                n->ip,
                n->mac,
                n->learned,
            };

            w->rneigh(&e, aux);
        }
    }
}
