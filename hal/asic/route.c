/* SPDX-License-Identifier: Apache-2.0 */
/* The L3 tables of the software ASIC: virtual routers, router interfaces,
 * next hops, LPM routes and router neighbours, each a finite table sized by
 * the profile, and the routing step of the pipeline (TTL, longest prefix
 * match, neighbour, MAC rewrite, L2 egress in the destination bridge).
 *
 * Like the host table (neigh.c) these live in process memory, the SDK's
 * shadow of a chip's L3 tables: a warm restart starts them empty and the
 * caller's replay fills them again.
 *
 * The LPM is the hash-per-length scheme: one hash table keyed by (router,
 * prefix length, masked address) and, per router and family, a count of
 * routes of each length, so that a lookup probes only the lengths in use,
 * longest first. */
#include <stdlib.h>
#include <string.h>

#include "hal/asic/asic-private.h"
#include "hal/hal-route.h"
#include "lib/ds.h"
#include "lib/hash.h"
#include "lib/util.h"

#define L3_LENS 129 /* Prefix lengths 0..128. */

struct l3_router {
    struct hal_router_config c;
    struct hal_router_stats st;
};

struct l3_rif {
    uint32_t router, bridge;
    struct hal_ip ip;
    uint8_t len;
};

struct l3_nexthop {
    uint32_t rif;
    struct hal_ip ip;
};

struct l3_route {
    uint32_t router;
    struct hal_ip prefix;
    uint8_t len;
    bool via_rif;    /* Connected: 'target' is a rif. */
    uint32_t target; /* Next hop or rif index. */
};

struct l3_rneigh {
    uint32_t rif;
    struct hal_ip ip;
    struct hal_mac mac;
    bool learned;
    int64_t seen_ms; /* Learned entries: when last learned (LRU). */
};

/* ARP requests for one (rif, IP) go out at most this often, however many
 * packets wait for it, as a chip's punt path is rate-limited. */
#define L3_ARP_HOLD_MS 1000
/* Slots of the direct-mapped cache of recent requests (a power of 2); a
 * collision only means an early repeat. */
#define L3_ARP_SLOTS 256

struct l3_arp_sent {
    uint32_t rif_plus1; /* 0: empty. */
    struct hal_ip ip;
    int64_t sent_ms;
};

struct asic_l3 {
    struct asic_table t_router; /* By name. */
    struct l3_router *routers;
    struct asic_table t_rif; /* By bridge. */
    struct l3_rif *rifs;
    struct asic_table t_nexthop; /* Not indexed. */
    struct l3_nexthop *nexthops;
    struct asic_table t_route; /* By (router, length, prefix). */
    struct l3_route *routes;
    uint32_t *len_count;        /* [router][family 0/1][length]. */
    struct asic_table t_rneigh; /* By (rif, IP). */
    struct l3_rneigh *rneighs;
    struct l3_arp_sent arp_sent[L3_ARP_SLOTS];
};

static void
table_setup(struct asic_table *t, uint32_t capacity, void **slots, size_t size)
{
    asic_table_init(t, capacity);
    *slots = xcalloc(capacity ? capacity : 1, size);
}

void
asic_l3_init(struct hal_asic *asic)
{
    const struct hal_asic_profile *p = asic->profile;
    struct asic_l3 *l3 = xzalloc(sizeof *l3);

    table_setup(&l3->t_router, p->routers, (void **) &l3->routers,
                sizeof *l3->routers);
    table_setup(&l3->t_rif, p->rifs, (void **) &l3->rifs, sizeof *l3->rifs);
    table_setup(&l3->t_nexthop, p->nexthops, (void **) &l3->nexthops,
                sizeof *l3->nexthops);
    table_setup(&l3->t_route, p->routes, (void **) &l3->routes,
                sizeof *l3->routes);
    table_setup(&l3->t_rneigh, p->rneighs, (void **) &l3->rneighs,
                sizeof *l3->rneighs);
    l3->len_count = xcalloc((p->routers ? p->routers : 1) * 2 * L3_LENS,
                            sizeof *l3->len_count);
    asic->l3 = l3;
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
    free(l3->routers);
    free(l3->rifs);
    free(l3->nexthops);
    free(l3->routes);
    free(l3->rneighs);
    free(l3->len_count);
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

static uint32_t
rif_hash(uint32_t bridge)
{
    return hash_finish(hash_add(0, bridge), 4);
}

static uint32_t
route_hash(uint32_t router, const struct hal_ip *prefix, uint8_t len)
{
    return hal_ip_hash(prefix, hash_add(hash_add(0, router), len));
}

static uint32_t
rneigh_hash(uint32_t rif, const struct hal_ip *ip)
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

/* ---- Routes and neighbours (removal first: the objects use it) ----------- */

static void
route_free(struct hal_asic *asic, uint32_t idx)
{
    struct asic_l3 *l3 = asic->l3;
    struct l3_route *r = &l3->routes[idx];

    (*len_counter(l3, r->router, &r->prefix, r->len))--;
    asic_table_unindex(&l3->t_route, idx);
    asic_table_free(&l3->t_route, idx);
    asic->writes++;
    hal_event_freed(&asic->up, HAL_TABLE_ROUTE);
}

static void
rneigh_free(struct hal_asic *asic, uint32_t idx)
{
    struct asic_l3 *l3 = asic->l3;

    asic_table_unindex(&l3->t_rneigh, idx);
    asic_table_free(&l3->t_rneigh, idx);
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
        if (l3->t_route.in_use[i] && l3->routes[i].via_rif == via_rif
            && l3->routes[i].target == target) {
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
    asic->writes++;
    hal_event_freed(&asic->up, HAL_TABLE_NEXTHOP);
}

static void
rif_free(struct hal_asic *asic, uint32_t idx)
{
    struct asic_l3 *l3 = asic->l3;
    uint32_t i;

    routes_to_gone(asic, true, idx);
    asic_acl_rif_gone(asic, idx);
    for (i = 0; i < l3->t_nexthop.capacity; i++) {
        if (l3->t_nexthop.in_use[i] && l3->nexthops[i].rif == idx) {
            nexthop_free(asic, i);
        }
    }
    for (i = 0; i < l3->t_rneigh.capacity; i++) {
        if (l3->t_rneigh.in_use[i] && l3->rneighs[i].rif == idx) {
            rneigh_free(asic, i);
        }
    }
    asic_table_unindex(&l3->t_rif, idx);
    asic_table_free(&l3->t_rif, idx);
    asic->writes++;
    hal_event_freed(&asic->up, HAL_TABLE_RIF);
}

void
asic_l3_bridge_gone(struct hal_asic *asic, uint32_t bridge)
{
    struct asic_l3 *l3 = asic->l3;
    uint32_t i;

    for (i = 0; l3 && i < l3->t_rif.capacity; i++) {
        if (l3->t_rif.in_use[i] && l3->rifs[i].bridge == bridge) {
            rif_free(asic, i);
        }
    }
}

/* ---- Routers ------------------------------------------------------------- */

static int64_t
router_by_name(const struct asic_l3 *l3, const char *name)
{
    uint32_t idx;

    ASIC_TABLE_FOR_EACH_WITH_HASH(idx, hash_string(name, 0), &l3->t_router) {
        if (!strcmp(l3->routers[idx].c.name, name)) {
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
                       : router_by_name(l3, c->name);

    if (*oid && idx < 0) {
        return -ENOENT;
    } else if (idx < 0) {
        idx = asic_table_alloc(&l3->t_router);
        if (idx < 0) {
            hal_event_exhausted(hal, HAL_TABLE_ROUTER, (int) idx);
            return (int) idx;
        }
        memset(&l3->routers[idx], 0, sizeof l3->routers[idx]);
        memset(len_counter(l3, (uint32_t) idx, &(struct hal_ip){ 0 }, 0), 0,
               2 * L3_LENS * sizeof *l3->len_count);
    } else if (!memcmp(&l3->routers[idx].c, c, sizeof *c)) {
        *oid = hal_oid_make(HAL_OBJECT_ROUTER, (uint64_t) idx);
        return 0;
    } else {
        asic_table_unindex(&l3->t_router, (uint32_t) idx);
    }
    l3->routers[idx].c = *c;
    asic_table_index(&l3->t_router, (uint32_t) idx, hash_string(c->name, 0));
    asic->writes++;
    *oid = hal_oid_make(HAL_OBJECT_ROUTER, (uint64_t) idx);
    return 0;
}

int
asic_router_remove(struct hal *hal, hal_oid_t oid)
{
    struct hal_asic *asic = asic_cast(hal);
    struct asic_l3 *l3 = asic->l3;
    int64_t idx = l3_index(&l3->t_router, oid, HAL_OBJECT_ROUTER);
    uint32_t i;

    if (idx < 0) {
        return -ENOENT;
    }
    for (i = 0; i < l3->t_route.capacity; i++) {
        if (l3->t_route.in_use[i] && l3->routes[i].router == idx) {
            route_free(asic, i);
        }
    }
    for (i = 0; i < l3->t_rif.capacity; i++) {
        if (l3->t_rif.in_use[i] && l3->rifs[i].router == idx) {
            rif_free(asic, i);
        }
    }
    asic_table_unindex(&l3->t_router, (uint32_t) idx);
    asic_table_free(&l3->t_router, (uint32_t) idx);
    asic->writes++;
    hal_event_freed(hal, HAL_TABLE_ROUTER);
    return 0;
}

int
asic_router_stats_get(const struct hal *hal, hal_oid_t oid,
                      struct hal_router_stats *stats)
{
    const struct asic_l3 *l3 = asic_cast(hal)->l3;
    int64_t idx = l3_index(&l3->t_router, oid, HAL_OBJECT_ROUTER);

    if (idx < 0) {
        return -ENOENT;
    }
    *stats = l3->routers[idx].st;
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
    ASIC_TABLE_FOR_EACH_WITH_HASH(i, rif_hash((uint32_t) bridge), &l3->t_rif) {
        if (l3->rifs[i].bridge == bridge
            && (l3->rifs[i].router != router
                || hal_ip_equals(&l3->rifs[i].ip, &c->ip))) {
            return -EEXIST;
        }
    }
    idx = asic_table_alloc(&l3->t_rif);
    if (idx < 0) {
        hal_event_exhausted(hal, HAL_TABLE_RIF, (int) idx);
        return (int) idx;
    }
    l3->rifs[idx] = (struct l3_rif){ (uint32_t) router, (uint32_t) bridge,
                                     c->ip, c->prefix_len };
    asic_table_index(&l3->t_rif, (uint32_t) idx, rif_hash((uint32_t) bridge));
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
    idx = asic_table_alloc(&l3->t_nexthop);
    if (idx < 0) {
        hal_event_exhausted(hal, HAL_TABLE_NEXTHOP, (int) idx);
        return (int) idx;
    }
    l3->nexthops[idx] = (struct l3_nexthop){ (uint32_t) rif, c->ip };
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
route_find(const struct asic_l3 *l3, uint32_t router,
           const struct hal_ip *prefix, uint8_t len)
{
    uint32_t idx;

    ASIC_TABLE_FOR_EACH_WITH_HASH(idx, route_hash(router, prefix, len),
                                  &l3->t_route) {
        const struct l3_route *r = &l3->routes[idx];

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
            int64_t idx = route_find(l3, router, &key, (uint8_t) len);

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
    idx = route_find(l3, (uint32_t) router, &e->prefix, e->prefix_len);
    if (idx < 0) {
        idx = asic_table_alloc(&l3->t_route);
        if (idx < 0) {
            hal_event_exhausted(&asic->up, HAL_TABLE_ROUTE, (int) idx);
            return (int) idx;
        }
        l3->routes[idx] = (struct l3_route){
            .router = (uint32_t) router,
            .prefix = e->prefix,
            .len = e->prefix_len,
        };
        asic_table_index(
            &l3->t_route, (uint32_t) idx,
            route_hash((uint32_t) router, &e->prefix, e->prefix_len));
        (*len_counter(l3, (uint32_t) router, &e->prefix, e->prefix_len))++;
    } else if (l3->routes[idx].via_rif == via_rif
               && l3->routes[idx].target == target) {
        return 0;
    }
    l3->routes[idx].via_rif = via_rif;
    l3->routes[idx].target = (uint32_t) target;
    asic->writes++;
    return 0;
}

static int
route_remove_one(struct hal_asic *asic, const struct hal_route_entry *e)
{
    struct asic_l3 *l3 = asic->l3;
    int64_t router = l3_index(&l3->t_router, e->router, HAL_OBJECT_ROUTER);
    int64_t idx = router < 0 ? -1
                             : route_find(l3, (uint32_t) router, &e->prefix,
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

static int64_t
rneigh_find(const struct asic_l3 *l3, uint32_t rif, const struct hal_ip *ip)
{
    uint32_t idx;

    ASIC_TABLE_FOR_EACH_WITH_HASH(idx, rneigh_hash(rif, ip), &l3->t_rneigh) {
        if (l3->rneighs[idx].rif == rif
            && hal_ip_equals(&l3->rneighs[idx].ip, ip)) {
            return idx;
        }
    }
    return -1;
}

/* Returns the least recently learned entry, or -1 if none is learned. */
static int64_t
rneigh_lru(const struct asic_l3 *l3)
{
    int64_t best = -1;
    uint32_t i;

    for (i = 0; i < l3->t_rneigh.capacity; i++) {
        if (l3->t_rneigh.in_use[i] && l3->rneighs[i].learned
            && (best < 0
                || l3->rneighs[i].seen_ms < l3->rneighs[best].seen_ms)) {
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

    if (idx >= 0 || !learned || (idx = rneigh_lru(l3)) < 0) {
        return idx >= 0 ? idx : HAL_E_TABLE_FULL;
    }
    asic_table_unindex(&l3->t_rneigh, (uint32_t) idx);
    return idx;
}

/* Sets (rif, ip) → mac; a learned entry never replaces a static one. */
static int
rneigh_put(struct hal_asic *asic, uint32_t rif, const struct hal_ip *ip,
           const struct hal_mac *mac, bool learned)
{
    struct asic_l3 *l3 = asic->l3;
    int64_t idx = rneigh_find(l3, rif, ip);
    struct l3_rneigh *n;

    if (idx < 0) {
        idx = rneigh_alloc(asic, learned);
        if (idx < 0) {
            hal_event_exhausted(&asic->up, HAL_TABLE_RNEIGH, (int) idx);
            return (int) idx;
        }
        l3->rneighs[idx] =
            (struct l3_rneigh){ rif, *ip, *mac, learned, hal_now(&asic->up) };
        asic_table_index(&l3->t_rneigh, (uint32_t) idx, rneigh_hash(rif, ip));
        asic->writes++;
        return 0;
    }
    n = &l3->rneighs[idx];
    n->seen_ms = hal_now(&asic->up);
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
                   : rneigh_put(asic, (uint32_t) rif, &e->ip, &e->mac, false);
}

static int
rneigh_remove_one(struct hal_asic *asic, const struct hal_rneigh_entry *e)
{
    int64_t rif = l3_index(&asic->l3->t_rif, e->rif, HAL_OBJECT_RIF);
    int64_t idx = rif < 0 ? -1 : rneigh_find(asic->l3, (uint32_t) rif, &e->ip);

    if (idx < 0) {
        return -ENOENT;
    }
    rneigh_free(asic, (uint32_t) idx);
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

/* ---- Walk ---------------------------------------------------------------- */

static void
walk_objects(const struct asic_l3 *l3, const struct hal_asic *asic,
             const struct hal_route_walk *w, void *aux)
{
    uint32_t i;

    for (i = 0; w->router && i < l3->t_router.capacity; i++) {
        if (l3->t_router.in_use[i]) {
            w->router(hal_oid_make(HAL_OBJECT_ROUTER, i), &l3->routers[i].c,
                      aux);
        }
    }
    for (i = 0; w->rif && i < l3->t_rif.capacity; i++) {
        if (l3->t_rif.in_use[i]) {
            const struct l3_rif *r = &l3->rifs[i];
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
                hal_oid_make(HAL_OBJECT_RIF, l3->nexthops[i].rif),
                l3->nexthops[i].ip,
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

    walk_objects(l3, asic, w, aux);
    for (i = 0; w->route && i < l3->t_route.capacity; i++) {
        if (l3->t_route.in_use[i]) {
            const struct l3_route *r = &l3->routes[i];
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
            const struct l3_rneigh *n = &l3->rneighs[i];
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

/* ---- The pipeline's lookups (asic.h) -------------------------------------- */

/* Returns the rif of 'bridge' (any, with 'ip' NULL; else the one whose
 * subnet holds 'ip'), or -1. */
static int64_t
bridge_rif(const struct asic_l3 *l3, uint32_t bridge, const struct hal_ip *ip)
{
    uint32_t i;

    ASIC_TABLE_FOR_EACH_WITH_HASH(i, rif_hash(bridge), &l3->t_rif) {
        const struct l3_rif *r = &l3->rifs[i];

        if (r->bridge == bridge
            && (!ip || hal_prefix_contains(&r->ip, r->len, ip))) {
            return i;
        }
    }
    return -1;
}

bool
asic_l3_punt(const struct hal_asic *asic, uint32_t bridge,
             const struct hal_mac *dst, const struct hal_ip *arp_target)
{
    const struct asic_l3 *l3 = asic->l3;
    int64_t rif = l3 ? bridge_rif(l3, bridge, NULL) : -1;
    const struct l3_router *r;
    uint32_t i;

    if (rif < 0) {
        return false;
    }
    r = &l3->routers[l3->rifs[rif].router];
    if (!memcmp(dst, &r->c.mac, sizeof *dst)
        || !memcmp(dst, &r->c.arp_mac, sizeof *dst)) {
        return true;
    }
    ASIC_TABLE_FOR_EACH_WITH_HASH(i, rif_hash(bridge), &l3->t_rif) {
        if (arp_target && l3->rifs[i].bridge == bridge
            && hal_ip_equals(&l3->rifs[i].ip, arp_target)) {
            return true;
        }
    }
    return false;
}

bool
hal_asic_route_arp_answer(struct hal_asic *asic, hal_oid_t bridge_oid,
                          const struct hal_ip *target, struct hal_mac *mac)
{
    struct asic_l3 *l3 = asic->l3;
    int64_t bridge = asic_bridge_index(asic, bridge_oid);
    uint32_t i;

    if (bridge < 0) {
        return false;
    }
    ASIC_TABLE_FOR_EACH_WITH_HASH(i, rif_hash((uint32_t) bridge), &l3->t_rif) {
        const struct l3_rif *r = &l3->rifs[i];

        if (r->bridge == bridge && hal_ip_equals(&r->ip, target)) {
            l3->routers[r->router].st.arp_replies++;
            *mac = l3->routers[r->router].c.mac;
            return true;
        }
    }
    return false;
}

int
hal_asic_route_learn(struct hal_asic *asic, hal_oid_t bridge_oid,
                     const struct hal_ip *ip, const struct hal_mac *mac,
                     int64_t now_ms)
{
    int64_t bridge = asic_bridge_index(asic, bridge_oid);
    int64_t rif =
        bridge < 0 ? -1 : bridge_rif(asic->l3, (uint32_t) bridge, ip);

    if (rif < 0 || hal_mac_is_multicast(mac)
        || hal_ip_equals(&asic->l3->rifs[rif].ip, ip)) {
        return -ENOENT;
    }
    hal_clock_advance(&asic->up, now_ms);
    return rneigh_put(asic, (uint32_t) rif, ip, mac, true);
}

/* Finds the MAC of 'ip' behind rif 'rif': the router neighbours, then the
 * bridge's suppression entries. */
static bool
resolve(struct hal_asic *asic, uint32_t rif, const struct hal_ip *ip,
        struct hal_mac *mac)
{
    struct asic_l3 *l3 = asic->l3;
    int64_t idx = rneigh_find(l3, rif, ip);

    if (idx >= 0) {
        *mac = l3->rneighs[idx].mac;
        return true;
    }
    return asic_neigh_lookup(asic, l3->rifs[rif].bridge, ip, mac);
}

/* Returns true if 'ip' is an interface address of router index 'router'. */
static bool
router_owns(const struct asic_l3 *l3, uint32_t router, const struct hal_ip *ip)
{
    uint32_t i;

    for (i = 0; i < l3->t_rif.capacity; i++) {
        if (l3->t_rif.in_use[i] && l3->rifs[i].router == router
            && hal_ip_equals(&l3->rifs[i].ip, ip)) {
            return true;
        }
    }
    return false;
}

/* Returns true if an ARP request for 'ip' behind rif 'rif' may go out now
 * (and notes that it does). */
static bool
arp_due(struct hal_asic *asic, uint32_t rif, const struct hal_ip *ip)
{
    struct l3_arp_sent *s =
        &asic->l3->arp_sent[rneigh_hash(rif, ip) & (L3_ARP_SLOTS - 1)];
    int64_t now = hal_now(&asic->up);

    if (s->rif_plus1 == rif + 1 && hal_ip_equals(&s->ip, ip)
        && now - s->sent_ms < L3_ARP_HOLD_MS) {
        return false;
    }
    s->rif_plus1 = rif + 1;
    s->ip = *ip;
    s->sent_ms = now;
    return true;
}

void
hal_asic_route(struct hal_asic *asic, hal_oid_t in_bridge,
               const struct hal_ip *dst, uint8_t ttl, uint32_t bytes,
               int64_t now_ms, const struct hal_acl_packet *acl,
               struct hal_asic_route_result *res, struct hal_asic_decision *d)
{
    struct asic_l3 *l3 = asic->l3;
    int64_t bridge = asic_bridge_index(asic, in_bridge);
    int64_t in_rif = bridge < 0 ? -1 : bridge_rif(l3, (uint32_t) bridge, NULL);
    struct l3_router *router;
    const struct l3_route *route;
    const struct l3_rif *out;
    struct hal_ip nh;
    int64_t idx;

    memset(res, 0, sizeof *res);
    hal_clock_advance(&asic->up, now_ms);
    res->action = HAL_ASIC_L3_DROP;
    if (in_rif < 0) {
        res->drop_reason = "no router interface";
        return;
    }
    router = &l3->routers[l3->rifs[in_rif].router];
    res->src = router->c.mac;
    res->in_addr = l3->rifs[in_rif].ip;
    if (router_owns(l3, l3->rifs[in_rif].router, dst)) {
        res->for_router = true;
        res->drop_reason = "addressed to the router";
        return;
    } else if (ttl <= 1) {
        router->st.ttl_expired++;
        res->ttl_expired = true;
        res->drop_reason = "TTL expired";
        return;
    } else if (!asic_acl_rif_permits(asic, (uint32_t) in_rif, HAL_ACL_INGRESS,
                                     acl)) {
        res->drop_reason = "ACL deny (router ingress)";
        return;
    }
    idx = asic_l3_lpm(asic, l3->rifs[in_rif].router, dst);
    if (idx < 0) {
        router->st.no_route++;
        res->drop_reason = "no route";
        return;
    }
    route = &l3->routes[idx];
    if (route->via_rif) {
        out = &l3->rifs[route->target];
        nh = *dst;
    } else {
        out = &l3->rifs[l3->nexthops[route->target].rif];
        nh = l3->nexthops[route->target].ip;
    }
    res->out_bridge = asic_bridge_oid(out->bridge);
    if (!asic_acl_rif_permits(asic, (uint32_t) (out - l3->rifs),
                              HAL_ACL_EGRESS, acl)) {
        res->drop_reason = "ACL deny (router egress)";
        return;
    } else if (!resolve(asic, (uint32_t) (out - l3->rifs), &nh, &res->dst)) {
        static const struct hal_mac bcast = { { 0xff, 0xff, 0xff, 0xff, 0xff,
                                                0xff } };

        router->st.unresolved++;
        if (!arp_due(asic, (uint32_t) (out - l3->rifs), &nh)) {
            res->drop_reason = "next hop unresolved";
            return;
        }
        router->st.arp_requests++;
        res->action = HAL_ASIC_L3_RESOLVE;
        res->src = router->c.arp_mac;
        res->dst = bcast;
        res->arp_sender = out->ip;
        res->arp_target = nh;
        asic_l2_emit(asic, out->bridge, &bcast, 60, d);
        return;
    }
    router->st.routed++;
    res->action = HAL_ASIC_L3_FORWARD;
    asic_l2_emit(asic, out->bridge, &res->dst, bytes, d);
}

void
asic_l3_rif_format(const struct hal_asic *asic, uint32_t rif, struct ds *out)
{
    const struct l3_rif *r = &asic->l3->rifs[rif];
    char ip[HAL_IP_STRLEN];

    ds_put_format(out, "%s %s/%u", asic->l3->routers[r->router].c.name,
                  hal_ip_format(&r->ip, ip), r->len);
}
