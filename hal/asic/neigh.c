/* SPDX-License-Identifier: Apache-2.0 */
/* The neighbour (host) table of the software ASIC: (bridge, IP) → MAC, for
 * ARP and ND suppression, with the capacity of the profile's
 * "neigh_entries", and each bridge's suppression counters.
 *
 * Unlike the L2 tables the host table lives in process memory, not in the
 * chip file: it is the SDK's shadow of a table that a real chip would hold
 * in its L3 host memory.  A warm restart therefore starts it empty and the
 * caller's replay between hal_resync_begin() and _end() fills it again; no
 * sweep is needed, since nothing stale can survive. */
#include <stdlib.h>
#include <string.h>

#include "hal/asic/asic-private.h"
#include "lib/hash.h"
#include "lib/util.h"

struct asic_neigh {
    uint32_t bridge;
    struct hal_ip ip;
    struct hal_mac mac;
};

/* IP learning reports a (bridge, IP) again only after this long, unless
 * its MAC changes: the rate limit of HAL_EVENT_NEIGH_LEARNED. */
#define ASIC_SNOOP_HOLD_MS 30000
/* Slots of the direct-mapped cache of what was reported (a power of 2);
 * a collision only means an early repeat. */
#define ASIC_SNOOP_SLOTS 4096

struct asic_snoop {
    int64_t reported_ms;
    uint32_t bridge_plus1; /* 0: empty. */
    struct hal_ip ip;
    struct hal_mac mac;
};

struct asic_neigh_table {
    struct asic_table t;           /* By (bridge, IP). */
    struct asic_neigh *slots;      /* 't.capacity' of them. */
    struct hal_neigh_stats *stats; /* Per bridge index. */
    struct asic_snoop *snoop;      /* ASIC_SNOOP_SLOTS of them. */
};

static uint32_t
neigh_hash(uint32_t bridge, const struct hal_ip *ip)
{
    return hal_ip_hash(ip, hash_add(0, bridge));
}

void
asic_neigh_init(struct hal_asic *asic)
{
    struct asic_neigh_table *nt = xzalloc(sizeof *nt);
    uint32_t capacity = asic->profile->neigh_entries;

    asic_table_init(&nt->t, capacity);
    nt->slots = xcalloc(capacity ? capacity : 1, sizeof *nt->slots);
    nt->stats = xcalloc(asic->profile->bridges, sizeof *nt->stats);
    nt->snoop = xcalloc(ASIC_SNOOP_SLOTS, sizeof *nt->snoop);
    asic->neigh = nt;
}

void
asic_neigh_destroy(struct hal_asic *asic)
{
    struct asic_neigh_table *nt = asic->neigh;

    if (nt) {
        asic_table_destroy(&nt->t);
        free(nt->slots);
        free(nt->stats);
        free(nt->snoop);
        free(nt);
        asic->neigh = NULL;
    }
}

static int64_t
neigh_find(const struct asic_neigh_table *nt, uint32_t bridge,
           const struct hal_ip *ip)
{
    uint32_t idx;

    ASIC_TABLE_FOR_EACH_WITH_HASH(idx, neigh_hash(bridge, ip), &nt->t) {
        if (nt->slots[idx].bridge == bridge
            && hal_ip_equals(&nt->slots[idx].ip, ip)) {
            return idx;
        }
    }
    return -1;
}

static void
neigh_free(struct hal_asic *asic, uint32_t idx)
{
    struct asic_neigh_table *nt = asic->neigh;

    asic_table_unindex(&nt->t, idx);
    asic_table_free(&nt->t, idx);
    asic->writes++;
    hal_event_freed(&asic->up, HAL_TABLE_NEIGH);
}

static int
neigh_set_one(struct hal_asic *asic, const struct hal_neigh_entry *e)
{
    struct asic_neigh_table *nt = asic->neigh;
    int64_t bridge = asic_bridge_index(asic, e->bridge);
    int64_t idx;

    if (bridge < 0) {
        return -ENOENT;
    }
    idx = neigh_find(nt, (uint32_t) bridge, &e->ip);
    if (idx >= 0) {
        if (memcmp(&nt->slots[idx].mac, &e->mac, sizeof e->mac)) {
            nt->slots[idx].mac = e->mac;
            asic->writes++;
        }
        return 0;
    }
    idx = asic_table_alloc(&nt->t);
    if (idx < 0) {
        hal_event_exhausted(&asic->up, HAL_TABLE_NEIGH, (int) idx);
        return (int) idx;
    }
    nt->slots[idx].bridge = (uint32_t) bridge;
    nt->slots[idx].ip = e->ip;
    nt->slots[idx].mac = e->mac;
    asic_table_index(&nt->t, (uint32_t) idx,
                     neigh_hash((uint32_t) bridge, &e->ip));
    asic->writes++;
    return 0;
}

static int
neigh_remove_one(struct hal_asic *asic, const struct hal_neigh_entry *e)
{
    int64_t bridge = asic_bridge_index(asic, e->bridge);
    int64_t idx =
        bridge < 0 ? -1 : neigh_find(asic->neigh, (uint32_t) bridge, &e->ip);

    if (idx < 0) {
        return -ENOENT;
    }
    neigh_free(asic, (uint32_t) idx);
    return 0;
}

int
asic_neigh_set(struct hal *hal, const struct hal_neigh_entry *entries,
               size_t n, int *status)
{
    return HAL_BULK_APPLY(neigh_set_one, asic_cast(hal), entries, n, status);
}

int
asic_neigh_remove(struct hal *hal, const struct hal_neigh_entry *entries,
                  size_t n, int *status)
{
    return HAL_BULK_APPLY(neigh_remove_one, asic_cast(hal), entries, n,
                          status);
}

int
asic_neigh_stats_get(const struct hal *hal, hal_oid_t bridge,
                     struct hal_neigh_stats *stats)
{
    const struct hal_asic *asic = asic_cast(hal);
    int64_t idx = asic_bridge_index(asic, bridge);

    if (idx < 0) {
        return -ENOENT;
    }
    *stats = asic->neigh->stats[idx];
    return 0;
}

void
asic_neigh_walk(const struct hal *hal, hal_oid_t bridge, hal_neigh_walk_cb *cb,
                void *aux)
{
    const struct hal_asic *asic = asic_cast(hal);
    const struct asic_neigh_table *nt = asic->neigh;
    uint32_t i;

    for (i = 0; i < nt->t.capacity; i++) {
        if (nt->t.in_use[i]) {
            struct hal_neigh_entry e = {
                .bridge = asic_bridge_oid(nt->slots[i].bridge),
                .ip = nt->slots[i].ip,
                .mac = nt->slots[i].mac,
            };

            if (!bridge || e.bridge == bridge) {
                cb(&e, aux);
            }
        }
    }
}

void
asic_neigh_bridge_gone(struct hal_asic *asic, uint32_t bridge)
{
    struct asic_neigh_table *nt = asic->neigh;
    uint32_t i;

    if (!nt) {
        return;
    }
    for (i = 0; i < nt->t.capacity; i++) {
        if (nt->t.in_use[i] && nt->slots[i].bridge == bridge) {
            neigh_free(asic, i);
        }
    }
    memset(&nt->stats[bridge], 0, sizeof nt->stats[bridge]);
}

void
asic_neigh_resources(const struct hal_asic *asic, struct hal_resource *res)
{
    res->used = asic->neigh->t.used;
    res->capacity = asic->neigh->t.capacity;
}

bool
asic_neigh_resolve(struct hal_asic *asic, uint32_t bridge,
                   const struct hal_ip *target, struct hal_mac *mac)
{
    struct asic_neigh_table *nt = asic->neigh;
    int64_t idx = neigh_find(nt, bridge, target);

    if (idx < 0) {
        nt->stats[bridge].flooded++;
        return false;
    }
    nt->stats[bridge].answered++;
    *mac = nt->slots[idx].mac;
    return true;
}

/* Returns the bridge index of binding (port, vlan), or -1. */
static int64_t
binding_bridge(const struct hal_asic *asic, hal_oid_t port, uint16_t vlan)
{
    int64_t p = asic_port_index(asic, port);
    int64_t binding = p < 0 ? -1 : asic_binding_find(asic, (uint32_t) p, vlan);

    return binding < 0 ? -1 : asic->bindings[binding].bridge;
}

int
hal_asic_neigh_snoop(struct hal_asic *asic, hal_oid_t port, uint16_t vlan,
                     const struct hal_ip *ip, const struct hal_mac *mac,
                     int64_t now_ms)
{
    int64_t bridge = binding_bridge(asic, port, vlan);
    struct asic_snoop *s;
    struct hal_event ev;

    if (bridge < 0) {
        return -ENOENT;
    }
    s = &asic->neigh->snoop[neigh_hash((uint32_t) bridge, ip)
                            & (ASIC_SNOOP_SLOTS - 1)];
    if (s->bridge_plus1 == bridge + 1 && hal_ip_equals(&s->ip, ip)
        && !memcmp(&s->mac, mac, sizeof *mac)
        && now_ms - s->reported_ms < ASIC_SNOOP_HOLD_MS) {
        return 0;
    }
    s->bridge_plus1 = (uint32_t) bridge + 1;
    s->ip = *ip;
    s->mac = *mac;
    s->reported_ms = now_ms;

    memset(&ev, 0, sizeof ev);
    ev.type = HAL_EVENT_NEIGH_LEARNED;
    ev.neigh.bridge = asic_bridge_oid((uint32_t) bridge);
    ev.neigh.ip = *ip;
    ev.neigh.mac = *mac;
    hal_clock_advance(&asic->up, now_ms);
    hal_event_push(&asic->up, &ev);
    return 0;
}

int
hal_asic_neigh_count_malformed(struct hal_asic *asic, hal_oid_t port,
                               uint16_t vlan)
{
    int64_t p = asic_port_index(asic, port);
    int64_t binding = p < 0 ? -1 : asic_binding_find(asic, (uint32_t) p, vlan);

    if (binding < 0) {
        return -ENOENT;
    }
    asic->neigh->stats[asic->bindings[binding].bridge].malformed++;
    return 0;
}

bool
asic_neigh_lookup(const struct hal_asic *asic, uint32_t bridge,
                  const struct hal_ip *ip, struct hal_mac *mac)
{
    const struct asic_neigh_table *nt = asic->neigh;
    int64_t idx = neigh_find(nt, bridge, ip);

    if (idx < 0) {
        return false;
    }
    *mac = nt->slots[idx].mac;
    return true;
}
