/* SPDX-License-Identifier: Apache-2.0 */
/* Neighbour (host) entries for ARP/ND suppression: IP address helpers, the
 * checked bulk calls and the hal/dump-neigh text.  Backend-neutral; the
 * provider callbacks are optional. */
#include "hal/hal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/hal-private.h"
#include "lib/ds.h"
#include "lib/hash.h"
#include "lib/util.h"

int
hal_ip_from_string(const char *s, struct hal_ip *ip)
{
    memset(ip, 0, sizeof *ip);
    if (inet_pton(AF_INET, s, &ip->v4) == 1) {
        ip->family = AF_INET;
        return 0;
    } else if (inet_pton(AF_INET6, s, &ip->v6) == 1) {
        ip->family = AF_INET6;
        return 0;
    }
    memset(ip, 0, sizeof *ip);
    return -EINVAL;
}

static size_t
ip_len(const struct hal_ip *ip)
{
    return ip->family == AF_INET ? sizeof ip->v4 : sizeof ip->v6;
}

bool
hal_ip_equals(const struct hal_ip *a, const struct hal_ip *b)
{
    return a->family == b->family && !memcmp(&a->v6, &b->v6, ip_len(a));
}

uint32_t
hal_ip_hash(const struct hal_ip *ip, uint32_t basis)
{
    return hash_bytes(&ip->v6, ip_len(ip), basis + ip->family);
}

const char *
hal_ip_format(const struct hal_ip *ip, char buf[HAL_IP_STRLEN])
{
    if (!inet_ntop(ip->family, &ip->v6, buf, HAL_IP_STRLEN)) {
        snprintf(buf, HAL_IP_STRLEN, "?");
    }
    return buf;
}

/* ---- Bulk calls ---------------------------------------------------------- */

static bool
ip_is_unicast(const struct hal_ip *ip)
{
    if (ip->family == AF_INET) {
        uint32_t a = ntohl(ip->v4.s_addr);

        return a && a != UINT32_MAX && (a >> 28) != 0xe;
    } else if (ip->family == AF_INET6) {
        return !IN6_IS_ADDR_UNSPECIFIED(&ip->v6)
               && !IN6_IS_ADDR_MULTICAST(&ip->v6);
    }
    return false;
}

static bool
neigh_key_check(const void *entry_)
{
    const struct hal_neigh_entry *e = entry_;

    return hal_oid_type(e->bridge) == HAL_OBJECT_BRIDGE
           && ip_is_unicast(&e->ip);
}

static bool
neigh_set_check(const void *entry_)
{
    const struct hal_neigh_entry *e = entry_;

    return neigh_key_check(e) && !hal_mac_is_multicast(&e->mac);
}

static int
neigh_set_op(struct hal *hal, const void *entries, size_t n, int *status)
{
    return hal->provider->neigh_set(hal, entries, n, status);
}

static int
neigh_remove_op(struct hal *hal, const void *entries, size_t n, int *status)
{
    return hal->provider->neigh_remove(hal, entries, n, status);
}

int
hal_neigh_set(struct hal *hal, const struct hal_neigh_entry *entries, size_t n,
              int *status)
{
    if (!hal->provider->neigh_set) {
        return hal_bulk_unsupported(n, status);
    }
    return hal_bulk_call(hal, entries, sizeof *entries, n, status,
                         neigh_set_check, neigh_set_op);
}

int
hal_neigh_remove(struct hal *hal, const struct hal_neigh_entry *entries,
                 size_t n, int *status)
{
    if (!hal->provider->neigh_remove) {
        return hal_bulk_unsupported(n, status);
    }
    return hal_bulk_call(hal, entries, sizeof *entries, n, status,
                         neigh_key_check, neigh_remove_op);
}

int
hal_neigh_stats_get(const struct hal *hal, hal_oid_t bridge,
                    struct hal_neigh_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    if (!hal->provider->neigh_stats_get) {
        return -EOPNOTSUPP;
    } else if (hal_oid_type(bridge) != HAL_OBJECT_BRIDGE) {
        return -ENOENT;
    }
    return hal->provider->neigh_stats_get(hal, bridge, stats);
}

void
hal_neigh_walk(const struct hal *hal, hal_oid_t bridge, hal_neigh_walk_cb *cb,
               void *aux)
{
    if (hal->provider->neigh_walk) {
        hal->provider->neigh_walk(hal, bridge, cb, aux);
    }
}

/* ---- hal/dump-neigh ------------------------------------------------------ */

struct neigh_dump_bridge {
    hal_oid_t oid;
    struct hal_bridge_config config;
};

struct neigh_dump_row {
    const struct neigh_dump_bridge *bridge;
    struct hal_neigh_entry entry;
};

struct neigh_dump {
    struct neigh_dump_bridge *bridges;
    size_t n_bridges, allocated_bridges;
    struct neigh_dump_row *rows;
    size_t n_rows, allocated_rows;
};

static void
dump_bridge_cb(hal_oid_t oid, const struct hal_bridge_config *config,
               void *nd_)
{
    struct neigh_dump *nd = nd_;

    if (nd->n_bridges >= nd->allocated_bridges) {
        nd->bridges = x2nrealloc(nd->bridges, &nd->allocated_bridges,
                                 nd->n_bridges + 1, sizeof *nd->bridges);
    }
    nd->bridges[nd->n_bridges].oid = oid;
    nd->bridges[nd->n_bridges++].config = *config;
}

static const struct neigh_dump_bridge *
dump_find_bridge(const struct neigh_dump *nd, hal_oid_t oid)
{
    size_t i;

    for (i = 0; i < nd->n_bridges; i++) {
        if (nd->bridges[i].oid == oid) {
            return &nd->bridges[i];
        }
    }
    return NULL;
}

static void
dump_row_cb(const struct hal_neigh_entry *e, void *nd_)
{
    struct neigh_dump *nd = nd_;
    const struct neigh_dump_bridge *b = dump_find_bridge(nd, e->bridge);

    if (!b) {
        return;
    }
    if (nd->n_rows >= nd->allocated_rows) {
        nd->rows = x2nrealloc(nd->rows, &nd->allocated_rows, nd->n_rows + 1,
                              sizeof *nd->rows);
    }
    nd->rows[nd->n_rows].bridge = b;
    nd->rows[nd->n_rows++].entry = *e;
}

static int
bridge_cmp(const void *a_, const void *b_)
{
    const struct neigh_dump_bridge *a = a_, *b = b_;

    return strcmp(a->config.name, b->config.name);
}

static int
row_cmp(const void *a_, const void *b_)
{
    const struct neigh_dump_row *a = a_, *b = b_;
    int c = strcmp(a->bridge->config.name, b->bridge->config.name);

    if (c) {
        return c;
    } else if (a->entry.ip.family != b->entry.ip.family) {
        return a->entry.ip.family < b->entry.ip.family ? -1 : 1;
    }
    return memcmp(&a->entry.ip.v6, &b->entry.ip.v6, ip_len(&a->entry.ip));
}

static void
dump_put(const struct hal *hal, const struct neigh_dump *nd, hal_oid_t only,
         struct ds *out)
{
    size_t i;

    ds_put_format(out, "%-16s %-39s %s\n", "LS", "IP", "MAC");
    for (i = 0; i < nd->n_rows; i++) {
        const struct neigh_dump_row *r = &nd->rows[i];
        char ip[HAL_IP_STRLEN];

        ds_put_format(out, "%-16s %-39s " HAL_MAC_FMT "\n",
                      r->bridge->config.name, hal_ip_format(&r->entry.ip, ip),
                      HAL_MAC_ARGS(&r->entry.mac));
    }
    ds_put_format(out, "\n%-16s %10s %10s %10s\n", "LS", "ANSWERED", "FLOODED",
                  "MALFORMED");
    for (i = 0; i < nd->n_bridges; i++) {
        struct hal_neigh_stats st;

        if ((!only || nd->bridges[i].oid == only)
            && !hal_neigh_stats_get(hal, nd->bridges[i].oid, &st)) {
            ds_put_format(out, "%-16s %10llu %10llu %10llu\n",
                          nd->bridges[i].config.name,
                          (unsigned long long) st.answered,
                          (unsigned long long) st.flooded,
                          (unsigned long long) st.malformed);
        }
    }
}

int
hal_dump_neigh(const struct hal *hal, const char *bridge_name, struct ds *out)
{
    struct neigh_dump nd;
    hal_oid_t only = HAL_OID_NULL;
    size_t i;

    if (!hal->provider->neigh_walk) {
        return -EOPNOTSUPP;
    }
    memset(&nd, 0, sizeof nd);
    hal_bridge_walk(hal, dump_bridge_cb, &nd);
    for (i = 0; bridge_name && i < nd.n_bridges; i++) {
        if (!strcmp(nd.bridges[i].config.name, bridge_name)) {
            only = nd.bridges[i].oid;
        }
    }
    if (bridge_name && !only) {
        free(nd.bridges);
        return -ENOENT;
    }
    if (nd.n_bridges) {
        qsort(nd.bridges, nd.n_bridges, sizeof *nd.bridges, bridge_cmp);
    }
    hal_neigh_walk(hal, only, dump_row_cb, &nd);
    if (nd.n_rows) {
        qsort(nd.rows, nd.n_rows, sizeof *nd.rows, row_cmp);
    }
    dump_put(hal, &nd, only, out);
    free(nd.rows);
    free(nd.bridges);
    return 0;
}
