/* SPDX-License-Identifier: Apache-2.0 */
/* Bridges and bindings of the netdev backend.
 *
 * A HAL bridge is a Linux bridge "vtbN" with, when it has a VNI, a VXLAN
 * device "vtxN" (VNI, local tunnel IP, UDP port, no kernel learning) as
 * one of its ports.  The bridge's alias carries the logical switch name,
 * the replication mode and the learning flag, so that nothing but the
 * kernel is needed to find the bridge again after a restart.
 *
 * A binding makes the port itself (VLAN 0) or its 802.1Q sub-interface a
 * port of the bridge.  Kernels without 802.1Q support fail tagged bindings
 * with -EOPNOTSUPP, which the reconciler reports as "invalid_vlan_map". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/netdev/netdev-private.h"
#include "lib/hash.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(netdev_l2);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(60, 10);

/* ---- Lookup ------------------------------------------------------------- */

struct nd_bridge *
nd_bridge_find(const struct hal_netdev *nd, hal_oid_t oid)
{
    uint64_t index = oid & ((UINT64_C(1) << 56) - 1);
    struct nd_bridge *br;

    if (hal_oid_type(oid) != HAL_OBJECT_BRIDGE || index > UINT32_MAX) {
        return NULL;
    }
    HMAP_FOR_EACH_WITH_HASH(br, node, hash_int((uint32_t) index, 0),
                            &nd->bridges) {
        if (br->index == index) {
            return br;
        }
    }
    return NULL;
}

struct nd_bridge *
nd_bridge_by_ifindex(const struct hal_netdev *nd, int ifindex)
{
    struct nd_bridge *br;

    HMAP_FOR_EACH(br, node, &nd->bridges) {
        if (br->br_ifindex == ifindex) {
            return br;
        }
    }
    return NULL;
}

static struct nd_bridge *
bridge_by_name(const struct hal_netdev *nd, const char *name)
{
    struct nd_bridge *br;

    HMAP_FOR_EACH(br, node, &nd->bridges) {
        if (!strcmp(br->config.name, name)) {
            return br;
        }
    }
    return NULL;
}

struct nd_bridge *
nd_bridge_alloc(struct hal_netdev *nd, uint32_t index)
{
    struct nd_bridge *br = xzalloc(sizeof *br);

    br->index = index;
    hmap_init(&br->fdb);
    hmap_init(&br->mcast);
    hmap_insert(&nd->bridges, &br->node, hash_int(index, 0));
    return br;
}

void
nd_bridge_free(struct hal_netdev *nd, struct nd_bridge *br)
{
    size_t i;

    hmap_remove(&nd->bridges, &br->node);
    hmap_destroy(&br->fdb);
    hmap_destroy(&br->mcast);
    for (i = 0; i < HAL_FLOOD_N; i++) {
        free(br->flood[i]);
    }
    free(br->bum);
    free(br);
}

static uint32_t
binding_hash(uint32_t port, uint16_t vlan)
{
    return hash_int(port << 12 | vlan, 0);
}

struct nd_binding *
nd_binding_find(const struct hal_netdev *nd, uint32_t port, uint16_t vlan)
{
    struct nd_binding *b;

    HMAP_FOR_EACH_WITH_HASH(b, node, binding_hash(port, vlan), &nd->bindings) {
        if (b->port == port && b->vlan == vlan) {
            return b;
        }
    }
    return NULL;
}

struct nd_binding *
nd_binding_by_ifindex(const struct hal_netdev *nd, int ifindex)
{
    struct nd_binding *b;

    HMAP_FOR_EACH_WITH_HASH(b, if_node, hash_int((uint32_t) ifindex, 0),
                            &nd->bindings_by_ifindex) {
        if (b->ifindex == ifindex) {
            return b;
        }
    }
    return NULL;
}

void
nd_binding_insert(struct hal_netdev *nd, struct nd_binding *b)
{
    hmap_insert(&nd->bindings, &b->node, binding_hash(b->port, b->vlan));
    hmap_insert(&nd->bindings_by_ifindex, &b->if_node,
                hash_int((uint32_t) b->ifindex, 0));
}

/* ---- Bridges ------------------------------------------------------------ */

/* Creates the VXLAN device of 'br' and enslaves it.  Returns 0 or a
 * negative errno. */
static int
vxlan_create(struct hal_netdev *nd, struct nd_bridge *br)
{
    char name[IFNAMSIZ];
    int error;

    hal_netdev_vxlan_ifname(br->index, name);
    error = nd_request(
        &nd->nl, nd_msg_vxlan_add(name, br->config.vni, nd->sw.tunnel_src,
                                  nd->sw.vxlan_port, br->br_ifindex));
    if (!error) {
        error = nd_link_tag(&nd->nl, name, HAL_NETDEV_TAG " vxlan",
                            &br->vx_ifindex);
    }
    if (error) {
        VLOG_WARN_RL(&rl, "%s (VNI %u): %s", name, (unsigned) br->config.vni,
                     strerror(-error));
    }
    return error;
}

static void
vxlan_delete(struct hal_netdev *nd, struct nd_bridge *br)
{
    if (br->vx_ifindex) {
        nd_request(&nd->nl, nd_msg_link_del(br->vx_ifindex));
        br->vx_ifindex = 0;
    }
}

void
nd_bridge_replay_vxlan(struct hal_netdev *nd, struct nd_bridge *br)
{
    struct nd_batch batch;
    struct nd_mcast *m;
    struct nd_fdb *f;
    size_t i;

    vxlan_delete(nd, br);
    if (br->config.vni == HAL_VNI_NONE || vxlan_create(nd, br)) {
        return;
    }
    nd_batch_init(&batch, &nd->nl);
    HMAP_FOR_EACH(f, node, &br->fdb) {
        if (f->e.remote) {
            struct nd_neigh n = { br->vx_ifindex, f->e.mac, true,
                                  f->e.remote_ip, f->e.vni };

            nd_batch_add(&batch, nd_msg_neigh_add(&n, false), NULL);
        }
    }
    HMAP_FOR_EACH(m, node, &br->mcast) {
        for (i = 0; i < m->n_remotes; i++) {
            struct nd_neigh n = { br->vx_ifindex, m->mac, true, m->remotes[i],
                                  HAL_VNI_NONE };

            nd_batch_add(&batch, nd_msg_neigh_add(&n, true), NULL);
        }
    }
    for (i = 0; i < br->n_bum; i++) {
        struct nd_neigh n = {
            br->vx_ifindex, { { 0 } }, true, br->bum[i], HAL_VNI_NONE
        };

        nd_batch_add(&batch, nd_msg_neigh_add(&n, true), NULL);
    }
    nd_neigh_replay_vxlan(nd, br, &batch);
    nd_batch_destroy(&batch);
}

static int
bridge_alias(const struct hal_bridge_config *c, char *alias, size_t size)
{
    int error = hal_netdev_bridge_alias(c, alias, size);

    if (error) {
        VLOG_WARN_RL(&rl, "bridge %s: name too long for an alias", c->name);
    }
    return error;
}

static int
bridge_create(struct hal_netdev *nd, const struct hal_bridge_config *c,
              hal_oid_t *oid)
{
    char alias[HAL_NETDEV_ALIAS_MAX];
    char name[IFNAMSIZ];
    struct nd_bridge *br;
    uint32_t index;
    int ifindex = 0;
    int error;

    if (bridge_alias(c, alias, sizeof alias)) {
        return -EINVAL;
    }
    /* The lowest free index, skipping names some other program took. */
    for (index = 1;; index++) {
        if (index > HAL_NETDEV_INDEX_MAX) {
            return HAL_E_TABLE_FULL;
        }
        if (nd_bridge_find(nd, nd_bridge_oid(index))) {
            continue;
        }
        hal_netdev_bridge_ifname(index, name);
        error = nd_request(&nd->nl, nd_msg_bridge_add(name));
        if (error != -EEXIST) {
            break;
        }
    }
    if (!error) {
        error = nd_link_tag(&nd->nl, name, alias, &ifindex);
    }
    if (error) {
        VLOG_WARN_RL(&rl, "%s (%s): %s", name, c->name, strerror(-error));
        if (ifindex) {
            nd_request(&nd->nl, nd_msg_link_del(ifindex));
        }
        return error;
    }
    br = nd_bridge_alloc(nd, index);
    br->config = *c;
    br->br_ifindex = ifindex;
    br->seen = true;
    nd_request(&nd->nl,
               nd_msg_bridge_ageing(br->br_ifindex, nd_bridge_ageing_cs(nd)));
    if (c->vni != HAL_VNI_NONE) {
        error = vxlan_create(nd, br);
        if (error) {
            nd_request(&nd->nl, nd_msg_link_del(br->br_ifindex));
            nd_bridge_free(nd, br);
            return error;
        }
    }
    nd_acl_bridge_created(nd);
    *oid = nd_bridge_oid(index);
    return 0;
}

static void
bridge_set_learning(struct hal_netdev *nd, struct nd_bridge *br, bool learning)
{
    hal_oid_t oid = nd_bridge_oid(br->index);
    struct nd_batch batch;
    struct nd_binding *b;

    nd_batch_init(&batch, &nd->nl);
    HMAP_FOR_EACH(b, node, &nd->bindings) {
        if (b->bridge == oid) {
            nd_batch_add(&batch, nd_msg_brport_learning(b->ifindex, learning),
                         NULL);
        }
    }
    nd_batch_destroy(&batch);
    if (!learning) {
        nd_fdb_flush_learned(nd, br, 0, true);
    }
}

static int
bridge_update(struct hal_netdev *nd, struct nd_bridge *br,
              const struct hal_bridge_config *c)
{
    struct hal_bridge_config old = br->config;
    char alias[HAL_NETDEV_ALIAS_MAX];
    int error = 0;

    br->seen = true;
    if (strcmp(old.name, c->name) || old.replication != c->replication
        || old.learning != c->learning) {
        if (bridge_alias(c, alias, sizeof alias)) {
            return -EINVAL;
        }
        error = nd_request(&nd->nl, nd_msg_link_alias(br->br_ifindex, alias));
        if (error) {
            return error;
        }
    }
    br->config = *c;
    if (old.learning != c->learning) {
        bridge_set_learning(nd, br, c->learning);
    }
    if (old.vni != c->vni) {
        /* The kernel cannot change a VXLAN device's VNI: replace it. */
        nd_bridge_replay_vxlan(nd, br);
        if (c->vni != HAL_VNI_NONE && !br->vx_ifindex) {
            error = -EIO;
        }
    } else if (old.replication != c->replication) {
        error = nd_flood_sync(nd, br);
    }
    return error;
}

int
nd_bridge_set(struct hal *hal, const struct hal_bridge_config *c,
              hal_oid_t *oid)
{
    struct hal_netdev *nd = nd_cast(hal);
    struct nd_bridge *br =
        *oid ? nd_bridge_find(nd, *oid) : bridge_by_name(nd, c->name);
    struct nd_bridge *other;

    if (*oid && !br) {
        return -ENOENT;
    }
    HMAP_FOR_EACH(other, node, &nd->bridges) {
        if (other != br
            && ((c->vni != HAL_VNI_NONE && other->config.vni == c->vni)
                || !strcmp(other->config.name, c->name))) {
            return -EEXIST;
        }
    }
    if (!br) {
        return bridge_create(nd, c, oid);
    }
    *oid = nd_bridge_oid(br->index);
    return bridge_update(nd, br, c);
}

int
nd_bridge_remove(struct hal *hal, hal_oid_t oid)
{
    struct hal_netdev *nd = nd_cast(hal);
    struct nd_bridge *br = nd_bridge_find(nd, oid);
    struct nd_binding *b;
    struct nd_batch batch;

    if (!br) {
        return -ENOENT;
    }
    nd_batch_init(&batch, &nd->nl);
    HMAP_FOR_EACH_SAFE(b, node, &nd->bindings) {
        if (b->bridge == oid) {
            nd_binding_destroy(nd, b, &batch);
        }
    }
    nd_fdb_flush_learned(nd, br, 0, false);
    nd_neigh_bridge_gone(nd, br->index);
    nd_l3_bridge_gone(nd, nd_bridge_oid(br->index));
    if (br->vx_ifindex) {
        nd_batch_add(&batch, nd_msg_link_del(br->vx_ifindex), NULL);
    }
    nd_batch_add(&batch, nd_msg_link_del(br->br_ifindex), NULL);
    nd_batch_destroy(&batch);
    nd_bridge_clear_tables(nd, br);
    nd_bridge_free(nd, br);
    return 0;
}

int
nd_bridge_get(const struct hal *hal, hal_oid_t oid,
              struct hal_bridge_config *c)
{
    const struct nd_bridge *br = nd_bridge_find(nd_cast(hal), oid);

    if (!br) {
        return -ENOENT;
    }
    *c = br->config;
    return 0;
}

void
nd_bridge_walk(const struct hal *hal, hal_bridge_walk_cb *cb, void *aux)
{
    const struct nd_bridge *br;

    HMAP_FOR_EACH(br, node, &nd_cast(hal)->bridges) {
        cb(nd_bridge_oid(br->index), &br->config, aux);
    }
}

/* ---- Bindings ----------------------------------------------------------- */

/* Creates the 802.1Q sub-interface for ('port', 'vlan') and stores its
 * ifindex in '*ifindex'.  Returns 0 or a negative errno. */
static int
subif_create(struct hal_netdev *nd, const struct nd_port *port, uint16_t vlan,
             int *ifindex)
{
    char name[IFNAMSIZ];
    int error;

    if (nd->vlan_unsupported) {
        return -EOPNOTSUPP;
    }
    hal_netdev_subif_name(port->name, port->ifindex, vlan, name);
    error = nd_request(&nd->nl, nd_msg_vlan_add(name, port->ifindex, vlan));
    if (error == -EOPNOTSUPP) {
        nd->vlan_unsupported = true;
        VLOG_ERR("port %s VLAN %u: this kernel cannot create 802.1Q "
                 "sub-interfaces (is the 8021q module missing?); tagged "
                 "bindings fail with \"%s\" (invalid_vlan_map)",
                 port->name, (unsigned) vlan, hal_strerror(error));
        return error;
    }
    if (!error) {
        error = nd_link_tag(&nd->nl, name, HAL_NETDEV_TAG " binding", ifindex);
    }
    if (error) {
        VLOG_WARN_RL(&rl, "%s: %s", name, strerror(-error));
    }
    return error;
}

/* Re-installs or forgets the kernel side of static entries toward binding
 * ('port', 'vlan') of 'br', which comes ('ifindex' nonzero) or goes. */
static void
local_static_rebind(struct hal_netdev *nd, struct nd_bridge *br, uint32_t port,
                    uint16_t vlan, int ifindex, struct nd_batch *batch)
{
    hal_oid_t port_oid = nd_port_oid(port);
    struct nd_fdb *f;

    if (!br || !br->n_local_static) {
        return;
    }
    HMAP_FOR_EACH(f, node, &br->fdb) {
        if (f->e.type == HAL_FDB_STATIC && !f->e.remote
            && f->e.port == port_oid && f->e.vlan == vlan) {
            f->ifindex = ifindex;
            if (ifindex) {
                struct nd_neigh n = {
                    ifindex, f->e.mac, false, { 0 }, HAL_VNI_NONE
                };

                nd_batch_add(batch, nd_msg_neigh_add(&n, false), NULL);
            }
        }
    }
}

void
nd_binding_destroy(struct hal_netdev *nd, struct nd_binding *b,
                   struct nd_batch *batch)
{
    struct nd_bridge *br = nd_bridge_find(nd, b->bridge);

    nd_fdb_flush_learned(nd, br, b->ifindex, false);
    local_static_rebind(nd, br, b->port, b->vlan, 0, batch);
    if (b->vlan == HAL_VLAN_UNTAGGED) {
        nd_prio_tags_del(nd, b->ifindex, batch);
        nd_batch_add(batch, nd_msg_link_master(b->ifindex, 0, false), NULL);
    } else {
        nd_batch_add(batch, nd_msg_link_del(b->ifindex), NULL);
    }
    hmap_remove(&nd->bindings, &b->node);
    hmap_remove(&nd->bindings_by_ifindex, &b->if_node);
    free(b);
}

/* What binding_set decided for one entry, applied once the kernel has
 * answered. */
struct binding_op {
    struct nd_binding *b; /* Existing binding, or NULL. */
    int ifindex;          /* For a new binding. */
    bool write;
};

static void
binding_commit(struct hal_netdev *nd, const struct hal_binding *e,
               struct binding_op *op, struct nd_batch *batch)
{
    struct nd_bridge *br = nd_bridge_find(nd, e->bridge);
    uint32_t port = (uint32_t) nd_port_index(nd, e->port);
    struct nd_binding *b = op->b;

    if (b) {
        /* Moved to another bridge: what the old one learned is gone. */
        struct nd_bridge *old = nd_bridge_find(nd, b->bridge);

        nd_fdb_flush_learned(nd, old, b->ifindex, false);
        local_static_rebind(nd, old, b->port, b->vlan, 0, batch);
        b->bridge = e->bridge;
    } else {
        b = xzalloc(sizeof *b);
        b->port = port;
        b->vlan = e->vlan;
        b->bridge = e->bridge;
        b->ifindex = op->ifindex;
        nd_binding_insert(nd, b);
    }
    b->seen = true;
    local_static_rebind(nd, br, b->port, b->vlan, b->ifindex, batch);
    if (b->vlan == HAL_VLAN_UNTAGGED) {
        nd_prio_tags_add(nd, b->ifindex);
    }
}

int
nd_binding_set(struct hal *hal, const struct hal_binding *entries, size_t n,
               int *status)
{
    struct hal_netdev *nd = nd_cast(hal);
    struct binding_op *ops = xcalloc(n ? n : 1, sizeof *ops);
    struct nd_batch batch;
    bool subifs = false;
    int first = 0;
    size_t i;

    nd_batch_init(&batch, &nd->nl);
    for (i = 0; i < n; i++) {
        const struct hal_binding *e = &entries[i];
        int64_t p = nd_port_index(nd, e->port);
        struct nd_bridge *br = nd_bridge_find(nd, e->bridge);
        struct nd_binding *b;

        status[i] = 0;
        if (p < 0 || !br || !nd->ports[p].ifindex) {
            status[i] = -ENOENT;
            continue;
        }
        b = nd_binding_find(nd, (uint32_t) p, e->vlan);
        if (b && b->bridge == e->bridge) {
            b->seen = true;
            continue;
        }
        ops[i].b = b;
        ops[i].write = true;
        if (b) {
            ops[i].ifindex = b->ifindex;
        } else if (e->vlan == HAL_VLAN_UNTAGGED) {
            ops[i].ifindex = nd->ports[p].ifindex;
        } else {
            status[i] =
                subif_create(nd, &nd->ports[p], e->vlan, &ops[i].ifindex);
            if (status[i]) {
                continue;
            }
        }
        nd_batch_add(&batch,
                     nd_msg_link_master(ops[i].ifindex, br->br_ifindex, true),
                     &status[i]);
        /* A new bridge port learns; say so either way, since a port that
         * moved may carry the old bridge's setting. */
        nd_batch_add(
            &batch,
            nd_msg_brport_learning(ops[i].ifindex, br->config.learning),
            &status[i]);
    }
    nd_batch_flush(&batch);
    for (i = 0; i < n; i++) {
        if (ops[i].write && !status[i]) {
            subifs |= !ops[i].b && entries[i].vlan;
            binding_commit(nd, &entries[i], &ops[i], &batch);
        } else if (ops[i].write && !ops[i].b && entries[i].vlan) {
            /* Do not leave a half-made sub-interface behind. */
            nd_batch_add(&batch, nd_msg_link_del(ops[i].ifindex), NULL);
        }
        first = first ? first : status[i];
    }
    nd_batch_destroy(&batch);
    free(ops);
    if (subifs) {
        nd_acl_subifs_made(nd);
    }
    nd_tags_sync(nd);
    return first;
}

int
nd_binding_remove(struct hal *hal, const struct hal_binding *entries, size_t n,
                  int *status)
{
    struct hal_netdev *nd = nd_cast(hal);
    struct nd_batch batch;
    int first = 0;
    size_t i;

    nd_batch_init(&batch, &nd->nl);
    for (i = 0; i < n; i++) {
        int64_t p = nd_port_index(nd, entries[i].port);
        struct nd_binding *b =
            p < 0 ? NULL : nd_binding_find(nd, (uint32_t) p, entries[i].vlan);

        status[i] = b ? 0 : -ENOENT;
        if (b) {
            nd_binding_destroy(nd, b, &batch);
        }
        first = first ? first : status[i];
    }
    nd_batch_destroy(&batch);
    nd_tags_sync(nd);
    return first;
}

void
nd_binding_walk(const struct hal *hal, hal_binding_walk_cb *cb, void *aux)
{
    const struct nd_binding *b;

    HMAP_FOR_EACH(b, node, &nd_cast(hal)->bindings) {
        struct hal_binding binding = { nd_port_oid(b->port), b->vlan,
                                       b->bridge };

        cb(&binding, aux);
    }
}

uint32_t
nd_bridge_ageing_cs(const struct hal_netdev *nd)
{
    /* The kernel has no "never": an aging time of 0 would expire entries
     * at once, so "never" becomes the largest time it accepts, ~ 1 year. */
    uint32_t s = nd->sw.aging_time_s ? nd->sw.aging_time_s : 365 * 86400;

    return s > UINT32_MAX / 100 ? UINT32_MAX / 100 * 100 : s * 100;
}
