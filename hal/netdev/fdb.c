/* SPDX-License-Identifier: Apache-2.0 */
/* FDB entries, flood lists and multicast groups of the netdev backend.
 *
 *   remote MAC      permanent entry in the VXLAN device's own table
 *                   ("bridge fdb replace MAC dev vtxN self dst IP [vni V]")
 *   local static    static entry in the Linux bridge on the bound interface
 *                   ("bridge fdb replace MAC dev PORT master static")
 *   flood lists     all-zero-MAC entries on the VXLAN device, one per remote
 *                   VTEP ("bridge fdb append 00:00:00:00:00:00 ... dst IP")
 *   multicast MAC   the same, with the group's MAC
 *
 * The kernel has a single default destination list for all BUM traffic of
 * a VXLAN device, so the three HAL flood classes of a bridge are programmed
 * as their union; service-node replication programs one member of it (see
 * hal_netdev_service_node()). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hal/netdev/netdev-private.h"
#include "lib/hash.h"

static const struct hal_mac zero_mac;

/* ---- Tunnels ------------------------------------------------------------ */

static struct nd_tunnel *
tunnel_find(const struct hal_netdev *nd, struct in_addr ip)
{
    struct nd_tunnel *t;

    HMAP_FOR_EACH_WITH_HASH(t, node, hash_int(ip.s_addr, 0), &nd->tunnels) {
        if (t->ip.s_addr == ip.s_addr) {
            return t;
        }
    }
    return NULL;
}

void
nd_tunnel_ref(struct hal_netdev *nd, struct in_addr ip)
{
    struct nd_tunnel *t = tunnel_find(nd, ip);

    if (!t) {
        t = xzalloc(sizeof *t);
        t->ip = ip;
        hmap_insert(&nd->tunnels, &t->node, hash_int(ip.s_addr, 0));
    }
    t->refs++;
}

void
nd_tunnel_unref(struct hal_netdev *nd, struct in_addr ip)
{
    struct nd_tunnel *t = tunnel_find(nd, ip);

    if (t && !--t->refs) {
        hmap_remove(&nd->tunnels, &t->node);
        free(t);
    }
}

static void
tunnels_ref(struct hal_netdev *nd, const struct in_addr *ips, size_t n,
            bool ref)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (ref) {
            nd_tunnel_ref(nd, ips[i]);
        } else {
            nd_tunnel_unref(nd, ips[i]);
        }
    }
}

/* ---- The mirror --------------------------------------------------------- */

static uint32_t
mac_hash(const struct hal_mac *mac)
{
    return hash_bytes(mac, sizeof *mac, 0);
}

struct nd_fdb *
nd_fdb_find(const struct nd_bridge *br, const struct hal_mac *mac)
{
    struct nd_fdb *f;

    HMAP_FOR_EACH_WITH_HASH(f, node, mac_hash(mac), &br->fdb) {
        if (!memcmp(&f->e.mac, mac, sizeof *mac)) {
            return f;
        }
    }
    return NULL;
}

struct nd_fdb *
nd_fdb_insert(struct hal_netdev *nd, struct nd_bridge *br,
              const struct hal_fdb_entry *e)
{
    struct nd_fdb *f = xzalloc(sizeof *f);

    f->e = *e;
    f->seen = true;
    hmap_insert(&br->fdb, &f->node, mac_hash(&e->mac));
    nd->n_fdb++;
    if (e->type == HAL_FDB_STATIC && e->remote) {
        nd_tunnel_ref(nd, e->remote_ip);
    } else if (e->type == HAL_FDB_STATIC) {
        br->n_local_static++;
    }
    return f;
}

void
nd_fdb_delete(struct hal_netdev *nd, struct nd_bridge *br, struct nd_fdb *f)
{
    if (f->e.type == HAL_FDB_STATIC && f->e.remote) {
        nd_tunnel_unref(nd, f->e.remote_ip);
    } else if (f->e.type == HAL_FDB_STATIC) {
        br->n_local_static--;
    }
    hmap_remove(&br->fdb, &f->node);
    nd->n_fdb--;
    free(f);
}

struct nd_mcast *
nd_mcast_find(const struct nd_bridge *br, const struct hal_mac *mac)
{
    struct nd_mcast *m;

    HMAP_FOR_EACH_WITH_HASH(m, node, mac_hash(mac), &br->mcast) {
        if (!memcmp(&m->mac, mac, sizeof *mac)) {
            return m;
        }
    }
    return NULL;
}

void
nd_mcast_delete(struct hal_netdev *nd, struct nd_bridge *br,
                struct nd_mcast *m)
{
    tunnels_ref(nd, m->remotes, m->n_remotes, false);
    nd->n_mcast--;
    hmap_remove(&br->mcast, &m->node);
    free(m->remotes);
    free(m);
}

void
nd_bridge_clear_tables(struct hal_netdev *nd, struct nd_bridge *br)
{
    struct nd_mcast *m;
    struct nd_fdb *f;
    size_t i;

    HMAP_FOR_EACH_SAFE(f, node, &br->fdb) {
        nd_fdb_delete(nd, br, f);
    }
    HMAP_FOR_EACH_SAFE(m, node, &br->mcast) {
        nd_mcast_delete(nd, br, m);
    }
    for (i = 0; i < HAL_FLOOD_N; i++) {
        tunnels_ref(nd, br->flood[i], br->n_flood[i], false);
        nd->n_flood -= (uint32_t) br->n_flood[i];
        free(br->flood[i]);
        br->flood[i] = NULL;
        br->n_flood[i] = 0;
    }
}

/* ---- Remote lists (flood, multicast) ------------------------------------ */

static int
ip_cmp(const void *a_, const void *b_)
{
    uint32_t a = ntohl(((const struct in_addr *) a_)->s_addr);
    uint32_t b = ntohl(((const struct in_addr *) b_)->s_addr);

    return a < b ? -1 : a > b;
}

/* Returns a sorted copy of 'ips' without duplicates; '*n' is updated. */
struct in_addr *
nd_ips_sorted(const struct in_addr *ips, size_t *n)
{
    struct in_addr *s = xmalloc((*n ? *n : 1) * sizeof *s);
    size_t i, j = 0;

    if (*n) {
        memcpy(s, ips, *n * sizeof *s);
    }

    qsort(s, *n, sizeof *s, ip_cmp);
    for (i = 0; i < *n; i++) {
        if (!j || s[j - 1].s_addr != s[i].s_addr) {
            s[j++] = s[i];
        }
    }
    *n = j;
    return s;
}

static bool
ips_contain(const struct in_addr *ips, size_t n, struct in_addr ip)
{
    return n && bsearch(&ip, ips, n, sizeof *ips, ip_cmp);
}

static bool
ips_equal(const struct in_addr *a, size_t n_a, const struct in_addr *b,
          size_t n_b)
{
    return n_a == n_b && (!n_a || !memcmp(a, b, n_a * sizeof *a));
}

/* Makes the destinations of 'mac' on 'br''s VXLAN device go from the
 * sorted list '*cur' to the sorted list 'want'.  On return '*cur' is what
 * the kernel now has.  Returns 0 or the first error. */
static int
remotes_sync(struct hal_netdev *nd, struct nd_bridge *br,
             const struct hal_mac *mac, struct in_addr **cur, size_t *n_cur,
             const struct in_addr *want, size_t n_want)
{
    size_t n_ops = *n_cur + n_want;
    int *st = xcalloc(n_ops ? n_ops : 1, sizeof *st);
    struct in_addr *result = xcalloc(n_ops ? n_ops : 1, sizeof *result);
    struct nd_batch batch;
    size_t i, n = 0;
    int first = 0;

    nd_batch_init(&batch, &nd->nl);
    for (i = 0; i < *n_cur; i++) {
        if (!ips_contain(want, n_want, (*cur)[i])) {
            struct nd_neigh del = { br->vx_ifindex, *mac, true, (*cur)[i],
                                    HAL_VNI_NONE };

            nd_batch_add(&batch, nd_msg_neigh_del(&del), &st[i]);
        }
    }
    for (i = 0; i < n_want; i++) {
        if (!ips_contain(*cur, *n_cur, want[i])) {
            struct nd_neigh add = { br->vx_ifindex, *mac, true, want[i],
                                    HAL_VNI_NONE };

            nd_batch_add(&batch, nd_msg_neigh_add(&add, true),
                         &st[*n_cur + i]);
        }
    }
    nd_batch_destroy(&batch);

    /* Keep what could not be deleted and what was added. */
    for (i = 0; i < *n_cur; i++) {
        bool kept = ips_contain(want, n_want, (*cur)[i]);

        if (kept || (st[i] && st[i] != -ENOENT)) {
            result[n++] = (*cur)[i];
            first = first ? first : st[i];
        }
    }
    for (i = 0; i < n_want; i++) {
        if (!ips_contain(*cur, *n_cur, want[i]) && !st[*n_cur + i]) {
            result[n++] = want[i];
        }
        first = first ? first : st[*n_cur + i];
    }
    free(*cur);
    *cur = nd_ips_sorted(result, &n);
    *n_cur = n;
    free(result);
    free(st);
    return first;
}

int
nd_flood_sync(struct hal_netdev *nd, struct nd_bridge *br)
{
    struct in_addr *all = NULL, *want;
    size_t n = 0, i;
    int error;

    if (!br->vx_ifindex) {
        return 0;
    }
    for (i = 0; i < HAL_FLOOD_N; i++) {
        all = xrealloc(all, (n + br->n_flood[i] + 1) * sizeof *all);
        if (br->n_flood[i]) { /* 'flood[i]' may be NULL when empty. */
            memcpy(all + n, br->flood[i], br->n_flood[i] * sizeof *all);
            n += br->n_flood[i];
        }
    }
    if (n && br->config.replication == HAL_REPLICATION_SERVICE_NODE) {
        all[0] = hal_netdev_service_node(all, n);
        n = 1;
    }
    want = nd_ips_sorted(all, &n);
    error = remotes_sync(nd, br, &zero_mac, &br->bum, &br->n_bum, want, n);
    free(want);
    free(all);
    return error;
}

static int
flood_set_one(struct hal_netdev *nd, const struct hal_flood_group *g)
{
    struct nd_bridge *br = nd_bridge_find(nd, g->bridge);
    size_t n_want = g->n_remotes;
    struct in_addr *want;

    if (!br) {
        return -ENOENT;
    }
    br->flood_seen[g->type] = true;
    want = nd_ips_sorted(g->remotes, &n_want);
    if (ips_equal(want, n_want, br->flood[g->type], br->n_flood[g->type])) {
        free(want);
        return 0;
    }
    tunnels_ref(nd, br->flood[g->type], br->n_flood[g->type], false);
    nd->n_flood -= (uint32_t) br->n_flood[g->type];
    free(br->flood[g->type]);
    br->flood[g->type] = want;
    br->n_flood[g->type] = n_want;
    nd->n_flood += (uint32_t) n_want;
    tunnels_ref(nd, want, n_want, true);
    return nd_flood_sync(nd, br);
}

int
nd_flood_set(struct hal *hal, const struct hal_flood_group *groups, size_t n,
             int *status)
{
    return HAL_BULK_APPLY(flood_set_one, nd_cast(hal), groups, n, status);
}

static int
mcast_set_one(struct hal_netdev *nd, const struct hal_flood_group *g)
{
    struct nd_bridge *br = nd_bridge_find(nd, g->bridge);
    size_t n_want = g->n_remotes;
    struct in_addr *want;
    struct nd_mcast *m;
    int error = 0;

    if (!br) {
        return -ENOENT;
    }
    m = nd_mcast_find(br, &g->mac);
    if (!m) {
        m = xzalloc(sizeof *m);
        m->mac = g->mac;
        hmap_insert(&br->mcast, &m->node, mac_hash(&g->mac));
        nd->n_mcast++;
    }
    m->seen = true;
    want = nd_ips_sorted(g->remotes, &n_want);
    if (!ips_equal(want, n_want, m->remotes, m->n_remotes)) {
        tunnels_ref(nd, m->remotes, m->n_remotes, false);
        if (br->vx_ifindex) {
            error = remotes_sync(nd, br, &g->mac, &m->remotes, &m->n_remotes,
                                 want, n_want);
        } else {
            free(m->remotes);
            m->remotes = nd_ips_sorted(want, &n_want);
            m->n_remotes = n_want;
        }
        tunnels_ref(nd, m->remotes, m->n_remotes, true);
    }
    free(want);
    return error;
}

int
nd_mcast_set(struct hal *hal, const struct hal_flood_group *groups, size_t n,
             int *status)
{
    return HAL_BULK_APPLY(mcast_set_one, nd_cast(hal), groups, n, status);
}

static int
mcast_remove_one(struct hal_netdev *nd, const struct hal_flood_group *g)
{
    struct nd_bridge *br = nd_bridge_find(nd, g->bridge);
    struct nd_mcast *m = br ? nd_mcast_find(br, &g->mac) : NULL;
    int error = 0;

    if (!m) {
        return -ENOENT;
    }
    if (br->vx_ifindex && m->n_remotes) {
        struct nd_neigh del = {
            br->vx_ifindex, m->mac, true, { 0 }, HAL_VNI_NONE
        };

        error = nd_request(&nd->nl, nd_msg_neigh_del(&del));
        if (error == -ENOENT) {
            error = 0;
        }
    }
    if (!error) {
        nd_mcast_delete(nd, br, m);
    }
    return error;
}

int
nd_mcast_remove(struct hal *hal, const struct hal_flood_group *groups,
                size_t n, int *status)
{
    return HAL_BULK_APPLY(mcast_remove_one, nd_cast(hal), groups, n, status);
}

void
nd_flood_walk(const struct hal *hal, hal_flood_walk_cb *cb, void *aux)
{
    const struct nd_bridge *br;

    HMAP_FOR_EACH(br, node, &nd_cast(hal)->bridges) {
        hal_oid_t oid = nd_bridge_oid(br->index);
        const struct nd_mcast *m;
        int t;

        for (t = 0; t < HAL_FLOOD_N; t++) {
            if (br->n_flood[t]) {
                struct hal_flood_group g = { oid, t, zero_mac, br->flood[t],
                                             br->n_flood[t] };

                cb(&g, false, aux);
            }
        }
        HMAP_FOR_EACH(m, node, &br->mcast) {
            struct hal_flood_group g = { oid, 0, m->mac, m->remotes,
                                         m->n_remotes };

            cb(&g, true, aux);
        }
    }
}

/* ---- Unicast FDB -------------------------------------------------------- */

/* Adds to 'batch' the request that deletes 'f' from the kernel, if it is
 * there. */
static void
fdb_kernel_del(const struct nd_bridge *br, const struct nd_fdb *f,
               struct nd_batch *batch, int *status)
{
    if (f->e.type == HAL_FDB_STATIC && f->e.remote) {
        if (br->vx_ifindex) {
            struct nd_neigh n = {
                br->vx_ifindex, f->e.mac, true, { 0 }, HAL_VNI_NONE
            };

            nd_batch_add(batch, nd_msg_neigh_del(&n), status);
        }
    } else if (f->ifindex) {
        struct nd_neigh n = {
            f->ifindex, f->e.mac, false, { 0 }, HAL_VNI_NONE
        };

        nd_batch_add(batch, nd_msg_neigh_del(&n), status);
    }
}

/* A remote entry's VNI as the kernel sees it: the kernel reports no VNI
 * for an entry that uses its device's. */
static uint32_t
effective_vni(const struct nd_bridge *br, uint32_t vni)
{
    return vni == HAL_VNI_NONE ? br->config.vni : vni;
}

static bool
fdb_same(const struct nd_bridge *br, const struct nd_fdb *f,
         const struct hal_fdb_entry *e)
{
    if (f->e.type != HAL_FDB_STATIC || f->e.remote != e->remote) {
        return false;
    }
    return e->remote
               ? (f->e.remote_ip.s_addr == e->remote_ip.s_addr
                  && effective_vni(br, f->e.vni) == effective_vni(br, e->vni))
               : (f->e.port == e->port && f->e.vlan == e->vlan);
}

/* The interface a local static entry goes on: its binding's, if the
 * binding exists and belongs to the entry's bridge; else 0 (installed when
 * the binding comes). */
static int
fdb_local_ifindex(const struct hal_netdev *nd, const struct hal_fdb_entry *e)
{
    int64_t p = nd_port_index(nd, e->port);
    const struct nd_binding *b =
        p < 0 ? NULL : nd_binding_find(nd, (uint32_t) p, e->vlan);

    return b && b->bridge == e->bridge ? b->ifindex : 0;
}

int
nd_fdb_set(struct hal *hal, const struct hal_fdb_entry *entries, size_t n,
           int *status)
{
    struct hal_netdev *nd = nd_cast(hal);
    int *ifindex = xcalloc(n ? n : 1, sizeof *ifindex);
    bool *write = xcalloc(n ? n : 1, sizeof *write);
    struct nd_batch batch;
    int first = 0;
    size_t i;

    nd_batch_init(&batch, &nd->nl);
    for (i = 0; i < n; i++) {
        const struct hal_fdb_entry *e = &entries[i];
        struct nd_bridge *br = nd_bridge_find(nd, e->bridge);
        struct nd_fdb *f;

        status[i] = 0;
        if (!br || (!e->remote && nd_port_index(nd, e->port) < 0)) {
            status[i] = -ENOENT;
            continue;
        }
        f = nd_fdb_find(br, &e->mac);
        if (f && fdb_same(br, f, e)) {
            f->seen = true;
            f->peer = false; /* The client's from now on. */
            continue;
        }
        write[i] = true;
        if (f && (f->e.remote != e->remote || f->e.type != HAL_FDB_STATIC)) {
            /* The MAC changes sides: take it out of the other table. */
            fdb_kernel_del(br, f, &batch, NULL);
        }
        if (e->remote && br->vx_ifindex) {
            struct nd_neigh add = { br->vx_ifindex, e->mac, true, e->remote_ip,
                                    e->vni };

            nd_batch_add(&batch, nd_msg_neigh_add(&add, false), &status[i]);
        } else if (!e->remote) {
            ifindex[i] = fdb_local_ifindex(nd, e);
            if (f && f->ifindex && f->ifindex != ifindex[i]) {
                fdb_kernel_del(br, f, &batch, NULL);
            }
            if (ifindex[i]) {
                struct nd_neigh add = {
                    ifindex[i], e->mac, false, { 0 }, HAL_VNI_NONE
                };

                nd_batch_add(&batch, nd_msg_neigh_add(&add, false),
                             &status[i]);
            }
        }
    }
    nd_batch_destroy(&batch);

    for (i = 0; i < n; i++) {
        if (write[i] && !status[i]) {
            struct nd_bridge *br = nd_bridge_find(nd, entries[i].bridge);
            struct nd_fdb *f = nd_fdb_find(br, &entries[i].mac);

            if (f && f->e.type == HAL_FDB_LEARNED) {
                hal_event_fdb(&nd->up, HAL_EVENT_FDB_FLUSHED, &f->e,
                              HAL_OID_NULL, 0);
            }
            if (f) {
                nd_fdb_delete(nd, br, f);
            }
            f = nd_fdb_insert(nd, br, &entries[i]);
            f->ifindex = ifindex[i];
        }
        first = first ? first : status[i];
    }
    free(write);
    free(ifindex);
    return first;
}

int
nd_fdb_remove(struct hal *hal, const struct hal_fdb_entry *entries, size_t n,
              int *status)
{
    struct hal_netdev *nd = nd_cast(hal);
    struct nd_batch batch;
    int first = 0;
    size_t i;

    nd_batch_init(&batch, &nd->nl);
    for (i = 0; i < n; i++) {
        struct nd_bridge *br = nd_bridge_find(nd, entries[i].bridge);
        struct nd_fdb *f = br ? nd_fdb_find(br, &entries[i].mac) : NULL;

        status[i] = f ? 0 : -ENOENT;
        if (f) {
            fdb_kernel_del(br, f, &batch, &status[i]);
        }
    }
    nd_batch_destroy(&batch);

    for (i = 0; i < n; i++) {
        struct nd_bridge *br = nd_bridge_find(nd, entries[i].bridge);
        struct nd_fdb *f = br ? nd_fdb_find(br, &entries[i].mac) : NULL;

        if (status[i] == -ENOENT && f) {
            status[i] = 0; /* Already gone from the kernel. */
        }
        if (f && !status[i]) {
            bool peer = f->peer;

            nd_fdb_delete(nd, br, f);
            if (!peer) {
                nd_l3_peer_restore(nd, br, &entries[i].mac);
            }
        }
        first = first ? first : status[i];
    }
    return first;
}

int
nd_fdb_peer_add(struct hal_netdev *nd, struct nd_bridge *br,
                const struct hal_mac *mac, struct in_addr vtep)
{
    struct nd_fdb *f = nd_fdb_find(br, mac);
    struct nd_neigh add = { br->vx_ifindex, *mac, true, vtep, HAL_VNI_NONE };
    struct hal_fdb_entry e;
    int error;

    if (f && !f->peer
        && !(nd->resyncing && !f->seen && f->e.type == HAL_FDB_STATIC
             && f->e.remote)) {
        return 0; /* The client's. */
    } else if (f && f->e.remote_ip.s_addr == vtep.s_addr) {
        /* Ours, or one the kernel kept from before a restart: take it. */
        f->peer = true;
        return 0;
    }
    /* Without a VXLAN device yet, nd_bridge_replay_vxlan() installs it. */
    error = br->vx_ifindex ? nd_request(&nd->nl, nd_msg_neigh_add(&add, false))
                           : 0;
    if (error) {
        return error;
    }
    if (f) {
        nd_fdb_delete(nd, br, f);
    }
    memset(&e, 0, sizeof e);
    e.bridge = nd_bridge_oid(br->index);
    e.mac = *mac;
    e.type = HAL_FDB_STATIC;
    e.remote = true;
    e.remote_ip = vtep;
    e.vni = HAL_VNI_NONE;
    nd_fdb_insert(nd, br, &e)->peer = true;
    return 0;
}

void
nd_fdb_peer_remove(struct hal_netdev *nd, struct nd_bridge *br,
                   const struct hal_mac *mac)
{
    struct nd_fdb *f = nd_fdb_find(br, mac);

    if (f && f->peer) {
        struct nd_batch batch;

        nd_batch_init(&batch, &nd->nl);
        fdb_kernel_del(br, f, &batch, NULL);
        nd_batch_destroy(&batch);
        nd_fdb_delete(nd, br, f);
    }
}

static void
flush_bridge(struct hal_netdev *nd, struct nd_bridge *br, int ifindex,
             hal_oid_t port, struct nd_batch *batch)
{
    struct nd_fdb *f;

    HMAP_FOR_EACH_SAFE(f, node, &br->fdb) {
        if (f->e.type == HAL_FDB_LEARNED && (!ifindex || f->ifindex == ifindex)
            && (!port || f->e.port == port)) {
            if (batch) {
                fdb_kernel_del(br, f, batch, NULL);
            }
            hal_event_fdb(&nd->up, HAL_EVENT_FDB_FLUSHED, &f->e, HAL_OID_NULL,
                          0);
            nd_fdb_delete(nd, br, f);
        }
    }
}

void
nd_fdb_flush_learned(struct hal_netdev *nd, struct nd_bridge *bridge,
                     int ifindex, bool kernel)
{
    struct nd_batch batch;
    struct nd_bridge *br;

    nd_batch_init(&batch, &nd->nl);
    if (bridge) {
        flush_bridge(nd, bridge, ifindex, HAL_OID_NULL,
                     kernel ? &batch : NULL);
    } else {
        HMAP_FOR_EACH(br, node, &nd->bridges) {
            flush_bridge(nd, br, ifindex, HAL_OID_NULL,
                         kernel ? &batch : NULL);
        }
    }
    nd_batch_destroy(&batch);
}

int
nd_fdb_flush(struct hal *hal, const struct hal_fdb_flush *filter)
{
    struct hal_netdev *nd = nd_cast(hal);
    struct nd_batch batch;
    struct nd_bridge *br;

    if (filter->bridge && !nd_bridge_find(nd, filter->bridge)) {
        return -ENOENT;
    }
    if (filter->port && nd_port_index(nd, filter->port) < 0) {
        return -ENOENT;
    }
    nd_batch_init(&batch, &nd->nl);
    HMAP_FOR_EACH(br, node, &nd->bridges) {
        if (!filter->bridge || nd_bridge_oid(br->index) == filter->bridge) {
            flush_bridge(nd, br, 0, filter->port, &batch);
        }
    }
    nd_batch_destroy(&batch);
    return 0;
}

void
nd_fdb_walk(const struct hal *hal, hal_oid_t bridge, hal_fdb_walk_cb *cb,
            void *aux)
{
    const struct hal_netdev *nd = nd_cast(hal);
    const struct nd_bridge *br;

    HMAP_FOR_EACH(br, node, &nd->bridges) {
        const struct nd_fdb *f;

        if (bridge && nd_bridge_oid(br->index) != bridge) {
            continue;
        }
        HMAP_FOR_EACH(f, node, &br->fdb) {
            if (!f->peer) {
                cb(&f->e, aux);
            }
        }
    }
}
