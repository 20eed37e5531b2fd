/* SPDX-License-Identifier: Apache-2.0 */
/* Tunnels (remote VTEPs), replication lists and multicast groups.
 *
 * A replication list is a chain of asic_repl entries, each naming a
 * tunnel, in the one shared pool the profile sizes as "flood_entries" (as
 * flood groups and L2 multicast groups share the replication table of a
 * chip).  Bridges hold the heads of their three flood lists; multicast
 * groups hold their own. */
#include <stdlib.h>
#include <string.h>

#include "hal/asic/asic-private.h"
#include "lib/hash.h"

uint32_t
asic_tunnel_hash(uint32_t ip)
{
    return hash_int(ip, 0);
}

int64_t
asic_tunnel_find(const struct hal_asic *asic, uint32_t ip)
{
    uint32_t idx;

    ASIC_TABLE_FOR_EACH_WITH_HASH(idx, asic_tunnel_hash(ip), &asic->t_tunnel) {
        if (asic->tunnels[idx].ip == ip) {
            return idx;
        }
    }
    return -1;
}

int64_t
asic_tunnel_ref(struct hal_asic *asic, uint32_t ip)
{
    int64_t idx = asic_tunnel_find(asic, ip);

    if (idx < 0) {
        idx = asic_table_alloc(&asic->t_tunnel);
        if (idx < 0) {
            return idx;
        }
        memset(&asic->tunnels[idx], 0, sizeof asic->tunnels[idx]);
        asic->tunnels[idx].valid = 1;
        asic->tunnels[idx].ip = ip;
        asic_table_index(&asic->t_tunnel, (uint32_t) idx,
                         asic_tunnel_hash(ip));
        asic->tunnel_refs[idx] = 0;
        asic->writes++;
    }
    asic->tunnel_refs[idx]++;
    return idx;
}

void
asic_tunnel_unref(struct hal_asic *asic, uint32_t idx)
{
    ASSERT(asic->tunnel_refs[idx] > 0);
    if (!--asic->tunnel_refs[idx]) {
        asic_table_unindex(&asic->t_tunnel, idx);
        memset(&asic->tunnels[idx], 0, sizeof asic->tunnels[idx]);
        asic_table_free(&asic->t_tunnel, idx);
        asic->writes++;
        hal_event_freed(&asic->up, HAL_TABLE_TUNNEL);
    }
}

uint32_t
asic_mcast_hash(uint32_t bridge, const struct hal_mac *mac)
{
    return hash_bytes(mac, sizeof *mac, bridge);
}

int64_t
asic_mcast_find(const struct hal_asic *asic, uint32_t bridge,
                const struct hal_mac *mac)
{
    uint32_t idx;

    ASIC_TABLE_FOR_EACH_WITH_HASH(idx, asic_mcast_hash(bridge, mac),
                                  &asic->t_mcast) {
        if (asic->mcast[idx].bridge == bridge
            && !memcmp(&asic->mcast[idx].mac, mac, sizeof *mac)) {
            return idx;
        }
    }
    return -1;
}

/* ---- Replication lists -------------------------------------------------- */

void
asic_repl_release(struct hal_asic *asic, uint32_t *head, uint16_t *len)
{
    uint32_t idx = *head;

    while (idx != ASIC_NONE) {
        struct asic_repl *r = &asic->repl[idx];
        uint32_t next = r->next;

        asic_tunnel_unref(asic, r->tunnel);
        memset(r, 0, sizeof *r);
        asic_table_free(&asic->t_repl, idx);
        asic->writes++;
        idx = next;
    }
    if (*len) {
        hal_event_freed(&asic->up, HAL_TABLE_FLOOD);
    }
    *head = ASIC_NONE;
    *len = 0;
}

static bool
repl_contains(const struct hal_asic *asic, uint32_t head, uint32_t ip)
{
    for (; head != ASIC_NONE; head = asic->repl[head].next) {
        if (asic->tunnels[asic->repl[head].tunnel].ip == ip) {
            return true;
        }
    }
    return false;
}

static bool
remotes_contain(const struct in_addr *remotes, size_t n, uint32_t ip)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (remotes[i].s_addr == ip) {
            return true;
        }
    }
    return false;
}

/* Replaces the list at '*head' by 'remotes' (order does not matter, and a
 * list equal as a set is left alone).  Fails without changing anything if
 * the pool or the tunnel table lacks room. */
static int
repl_replace(struct hal_asic *asic, uint32_t *head, uint16_t *len,
             const struct in_addr *remotes, size_t n)
{
    uint32_t new_tunnels = 0;
    uint32_t *tunnels;
    uint32_t prev = ASIC_NONE;
    size_t i;

    for (i = 0; i < n; i++) {
        if (remotes_contain(remotes, i, remotes[i].s_addr)) {
            return -EINVAL; /* Duplicate VTEP. */
        }
    }
    if (n == *len) {
        for (i = 0; i < n && repl_contains(asic, *head, remotes[i].s_addr);
             i++) {
            continue;
        }
        if (i == n) {
            return 0;
        }
    }
    if (n > UINT16_MAX) {
        return -EINVAL;
    }
    if (asic->t_repl.n_free + *len < n) {
        hal_event_exhausted(&asic->up, HAL_TABLE_FLOOD, HAL_E_TABLE_FULL);
        return HAL_E_TABLE_FULL;
    }
    for (i = 0; i < n; i++) {
        new_tunnels += asic_tunnel_find(asic, remotes[i].s_addr) < 0;
    }
    if (new_tunnels > asic->t_tunnel.n_free) {
        hal_event_exhausted(&asic->up, HAL_TABLE_TUNNEL, HAL_E_TABLE_FULL);
        return HAL_E_TABLE_FULL;
    }

    /* Reference the new tunnels before dropping the old list, so that a
     * VTEP on both lists keeps its tunnel (and its counters). */
    tunnels = xmalloc((n ? n : 1) * sizeof *tunnels);
    for (i = 0; i < n; i++) {
        tunnels[i] = (uint32_t) asic_tunnel_ref(asic, remotes[i].s_addr);
    }
    asic_repl_release(asic, head, len);
    for (i = n; i-- > 0;) {
        uint32_t idx = (uint32_t) asic_table_alloc(&asic->t_repl);

        asic->repl[idx].valid = 1;
        asic->repl[idx].tunnel = (uint16_t) tunnels[i];
        asic->repl[idx].next = prev;
        asic->writes++;
        prev = idx;
    }
    *head = prev;
    *len = (uint16_t) n;
    free(tunnels);
    return 0;
}

static size_t
repl_collect(const struct hal_asic *asic, uint32_t head, struct in_addr *out)
{
    size_t n = 0;

    for (; head != ASIC_NONE; head = asic->repl[head].next) {
        out[n++].s_addr = asic->tunnels[asic->repl[head].tunnel].ip;
    }
    return n;
}

/* ---- Flood lists -------------------------------------------------------- */

static int
flood_set_one(struct hal_asic *asic, const struct hal_flood_group *g)
{
    int64_t bridge = asic_bridge_index(asic, g->bridge);
    struct asic_bridge *b;
    int error;

    if (bridge < 0) {
        return -ENOENT;
    }
    b = &asic->bridges[bridge];
    error = repl_replace(asic, &b->flood_head[g->type], &b->flood_len[g->type],
                         g->remotes, g->n_remotes);
    if (!error && asic->resyncing) {
        asic->seen_flood[bridge * HAL_FLOOD_N + g->type] = 1;
    }
    return error;
}

int
asic_flood_set(struct hal *hal, const struct hal_flood_group *groups, size_t n,
               int *status)
{
    return HAL_BULK_APPLY(flood_set_one, asic_cast(hal), groups, n, status);
}

/* ---- Multicast groups --------------------------------------------------- */

void
asic_mcast_destroy(struct hal_asic *asic, uint32_t idx)
{
    struct asic_mcast *m = &asic->mcast[idx];

    asic_repl_release(asic, &m->head, &m->len);
    asic_table_unindex(&asic->t_mcast, idx);
    memset(m, 0, sizeof *m);
    asic_table_free(&asic->t_mcast, idx);
    asic->writes++;
    hal_event_freed(&asic->up, HAL_TABLE_MCAST);
}

static int
mcast_set_one(struct hal_asic *asic, const struct hal_flood_group *g)
{
    int64_t bridge = asic_bridge_index(asic, g->bridge);
    bool created = false;
    int64_t idx;
    int error;

    if (bridge < 0) {
        return -ENOENT;
    }
    idx = asic_mcast_find(asic, (uint32_t) bridge, &g->mac);
    if (idx < 0) {
        struct asic_mcast *m;

        idx = asic_table_alloc(&asic->t_mcast);
        if (idx < 0) {
            hal_event_exhausted(&asic->up, HAL_TABLE_MCAST, (int) idx);
            return (int) idx;
        }
        m = &asic->mcast[idx];
        memset(m, 0, sizeof *m);
        m->valid = 1;
        m->bridge = (uint16_t) bridge;
        m->mac = g->mac;
        m->head = ASIC_NONE;
        asic_table_index(&asic->t_mcast, (uint32_t) idx,
                         asic_mcast_hash(m->bridge, &m->mac));
        asic->writes++;
        created = true;
    }
    error = repl_replace(asic, &asic->mcast[idx].head, &asic->mcast[idx].len,
                         g->remotes, g->n_remotes);
    if (error) {
        if (created) {
            asic_mcast_destroy(asic, (uint32_t) idx);
        }
        return error;
    }
    if (asic->resyncing) {
        asic->seen_mcast[idx] = 1;
    }
    return 0;
}

int
asic_mcast_set(struct hal *hal, const struct hal_flood_group *groups, size_t n,
               int *status)
{
    return HAL_BULK_APPLY(mcast_set_one, asic_cast(hal), groups, n, status);
}

static int
mcast_remove_one(struct hal_asic *asic, const struct hal_flood_group *g)
{
    int64_t bridge = asic_bridge_index(asic, g->bridge);
    int64_t idx =
        bridge < 0 ? -1 : asic_mcast_find(asic, (uint32_t) bridge, &g->mac);

    if (idx < 0) {
        return -ENOENT;
    }
    asic_mcast_destroy(asic, (uint32_t) idx);
    return 0;
}

int
asic_mcast_remove(struct hal *hal, const struct hal_flood_group *groups,
                  size_t n, int *status)
{
    return HAL_BULK_APPLY(mcast_remove_one, asic_cast(hal), groups, n, status);
}

void
asic_flood_walk(const struct hal *hal, hal_flood_walk_cb *cb, void *aux)
{
    const struct hal_asic *asic = asic_cast(hal);
    struct in_addr *remotes = xmalloc(UINT16_MAX * sizeof *remotes);
    uint32_t i;
    int t;

    for (i = 0; i < asic->profile->bridges; i++) {
        const struct asic_bridge *b = &asic->bridges[i];

        for (t = 0; b->valid && t < HAL_FLOOD_N; t++) {
            if (b->flood_len[t]) {
                struct hal_flood_group g;

                memset(&g, 0, sizeof g);
                g.bridge = asic_bridge_oid(i);
                g.type = t;
                g.remotes = remotes;
                g.n_remotes = repl_collect(asic, b->flood_head[t], remotes);
                cb(&g, false, aux);
            }
        }
    }
    for (i = 0; i < asic->profile->mcast_groups; i++) {
        const struct asic_mcast *m = &asic->mcast[i];

        if (m->valid) {
            struct hal_flood_group g;

            memset(&g, 0, sizeof g);
            g.bridge = asic_bridge_oid(m->bridge);
            g.mac = m->mac;
            g.remotes = remotes;
            g.n_remotes = repl_collect(asic, m->head, remotes);
            cb(&g, true, aux);
        }
    }
    free(remotes);
}
