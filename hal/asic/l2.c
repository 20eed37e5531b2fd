/* SPDX-License-Identifier: Apache-2.0 */
/* Bridges (with their VNI, the tunnel map) and (port, VLAN) bindings. */
#include <string.h>

#include "hal/asic/asic-private.h"
#include "lib/hash.h"

int64_t
asic_port_index(const struct hal_asic *asic, hal_oid_t oid)
{
    return hal_oid_index(oid, HAL_OBJECT_PORT, asic->profile->n_ports);
}

int64_t
asic_bridge_index(const struct hal_asic *asic, hal_oid_t oid)
{
    int64_t idx =
        hal_oid_index(oid, HAL_OBJECT_BRIDGE, asic->profile->bridges);

    return idx >= 0 && asic->bridges[idx].valid ? idx : -1;
}

uint32_t
asic_bridge_name_hash(const char *name)
{
    return hash_string(name, 0);
}

uint32_t
asic_binding_hash(uint32_t port, uint16_t vlan)
{
    return hash_int(port << 16 | vlan, 0);
}

static int64_t
bridge_by_name(const struct hal_asic *asic, const char *name)
{
    uint32_t idx;

    ASIC_TABLE_FOR_EACH_WITH_HASH(idx, asic_bridge_name_hash(name),
                                  &asic->t_bridge) {
        if (!strcmp(asic->bridges[idx].name, name)) {
            return idx;
        }
    }
    return -1;
}

int64_t
asic_bridge_by_vni(const struct hal_asic *asic, uint32_t vni)
{
    const struct hmap_node *node;

    for (node = hmap_first_with_hash(&asic->bridge_by_vni, hash_int(vni, 0));
         node; node = hmap_next_with_hash(node)) {
        uint32_t idx = (uint32_t) (node - asic->bridge_vni_nodes);

        if (asic->bridges[idx].vni == vni) {
            return idx;
        }
    }
    return -1;
}

static bool
bridge_same(const struct asic_bridge *b, const struct hal_bridge_config *c)
{
    return !strcmp(b->name, c->name) && b->vni == c->vni
           && b->replication == c->replication && b->learning == c->learning;
}

static void
bridge_write(struct hal_asic *asic, uint32_t idx,
             const struct hal_bridge_config *c)
{
    struct asic_bridge *b = &asic->bridges[idx];

    if (b->valid) {
        asic_table_unindex(&asic->t_bridge, idx);
        if (b->vni != HAL_VNI_NONE) {
            hmap_remove(&asic->bridge_by_vni, &asic->bridge_vni_nodes[idx]);
        }
    }
    memcpy(b->name, c->name, sizeof b->name);
    b->vni = c->vni;
    b->replication = (uint8_t) c->replication;
    b->learning = c->learning;
    b->valid = 1;
    asic_table_index(&asic->t_bridge, idx, asic_bridge_name_hash(b->name));
    if (b->vni != HAL_VNI_NONE) {
        hmap_insert(&asic->bridge_by_vni, &asic->bridge_vni_nodes[idx],
                    hash_int(b->vni, 0));
    }
    asic->writes++;
}

int
asic_bridge_set(struct hal *hal, const struct hal_bridge_config *c,
                hal_oid_t *oid)
{
    struct hal_asic *asic = asic_cast(hal);
    int64_t idx =
        *oid ? asic_bridge_index(asic, *oid) : bridge_by_name(asic, c->name);
    int64_t other;

    if (*oid && idx < 0) {
        return -ENOENT;
    }
    other = bridge_by_name(asic, c->name);
    if (other >= 0 && other != idx) {
        return -EEXIST;
    }
    other = c->vni == HAL_VNI_NONE ? -1 : asic_bridge_by_vni(asic, c->vni);
    if (other >= 0 && other != idx) {
        return -EEXIST;
    }
    if (idx < 0) {
        int t;

        idx = asic_table_alloc(&asic->t_bridge);
        if (idx < 0) {
            hal_event_exhausted(&asic->up, HAL_TABLE_BRIDGE, (int) idx);
            return (int) idx;
        }
        for (t = 0; t < HAL_FLOOD_N; t++) {
            asic->bridges[idx].flood_head[t] = ASIC_NONE;
            asic->bridges[idx].flood_len[t] = 0;
        }
        list_init(&asic->bridge_bindings[idx]);
        bridge_write(asic, (uint32_t) idx, c);
    } else if (!bridge_same(&asic->bridges[idx], c)) {
        bridge_write(asic, (uint32_t) idx, c);
    }
    if (asic->resyncing) {
        asic->seen_bridge[idx] = 1;
    }
    *oid = asic_bridge_oid((uint32_t) idx);
    return 0;
}

void
asic_bridge_destroy(struct hal_asic *asic, uint32_t idx)
{
    struct asic_bridge *b = &asic->bridges[idx];
    uint32_t i;
    int t;

    while (!list_is_empty(&asic->bridge_bindings[idx])) {
        struct list *node = list_front(&asic->bridge_bindings[idx]);

        asic_binding_destroy(asic, (uint32_t) (node - asic->binding_nodes));
    }
    for (i = 0; i < asic->fdb_capacity; i++) {
        struct asic_fdb_slot *s = &asic->fdb[i];

        if (s->key && asic_fdb_key_bridge(s->key) == idx) {
            if (!(s->flags & ASIC_FDB_STATIC)) {
                asic_event_fdb(asic, HAL_EVENT_FDB_FLUSHED, s, NULL);
            }
            asic_fdb_free(asic, s);
        }
    }
    for (t = 0; t < HAL_FLOOD_N; t++) {
        asic_repl_release(asic, &b->flood_head[t], &b->flood_len[t]);
    }
    for (i = 0; i < asic->profile->mcast_groups; i++) {
        if (asic->mcast[i].valid && asic->mcast[i].bridge == idx) {
            asic_mcast_destroy(asic, i);
        }
    }
    asic_neigh_bridge_gone(asic, idx);
    asic_l3_bridge_gone(asic, idx);
    asic_table_unindex(&asic->t_bridge, idx);
    if (b->vni != HAL_VNI_NONE) {
        hmap_remove(&asic->bridge_by_vni, &asic->bridge_vni_nodes[idx]);
    }
    memset(b, 0, sizeof *b);
    for (t = 0; t < HAL_FLOOD_N; t++) {
        b->flood_head[t] = ASIC_NONE;
    }
    asic_table_free(&asic->t_bridge, idx);
    asic->writes++;
    hal_event_freed(&asic->up, HAL_TABLE_BRIDGE);
}

int
asic_bridge_remove(struct hal *hal, hal_oid_t oid)
{
    struct hal_asic *asic = asic_cast(hal);
    int64_t idx = asic_bridge_index(asic, oid);

    if (idx < 0) {
        return -ENOENT;
    }
    asic_bridge_destroy(asic, (uint32_t) idx);
    return 0;
}

static void
bridge_to_config(const struct asic_bridge *b, struct hal_bridge_config *c)
{
    memset(c, 0, sizeof *c);
    memcpy(c->name, b->name, sizeof c->name);
    c->vni = b->vni;
    c->replication = b->replication;
    c->learning = b->learning;
}

int
asic_bridge_get(const struct hal *hal, hal_oid_t oid,
                struct hal_bridge_config *c)
{
    const struct hal_asic *asic = asic_cast(hal);
    int64_t idx = asic_bridge_index(asic, oid);

    if (idx < 0) {
        return -ENOENT;
    }
    bridge_to_config(&asic->bridges[idx], c);
    return 0;
}

void
asic_bridge_walk(const struct hal *hal, hal_bridge_walk_cb *cb, void *aux)
{
    const struct hal_asic *asic = asic_cast(hal);
    uint32_t i;

    for (i = 0; i < asic->profile->bridges; i++) {
        if (asic->bridges[i].valid) {
            struct hal_bridge_config c;

            bridge_to_config(&asic->bridges[i], &c);
            cb(asic_bridge_oid(i), &c, aux);
        }
    }
}

/* ---- Bindings ----------------------------------------------------------- */

int64_t
asic_binding_find(const struct hal_asic *asic, uint32_t port, uint16_t vlan)
{
    uint32_t idx;

    ASIC_TABLE_FOR_EACH_WITH_HASH(idx, asic_binding_hash(port, vlan),
                                  &asic->t_binding) {
        if (asic->bindings[idx].port == port
            && asic->bindings[idx].vlan == vlan) {
            return idx;
        }
    }
    return -1;
}

void
asic_binding_destroy(struct hal_asic *asic, uint32_t idx)
{
    struct asic_binding *b = &asic->bindings[idx];

    asic_fdb_flush_learned(asic, b->bridge, b->port, b->vlan,
                           HAL_EVENT_FDB_FLUSHED);
    list_remove(&asic->binding_nodes[idx]);
    asic_table_unindex(&asic->t_binding, idx);
    memset(b, 0, sizeof *b);
    asic_table_free(&asic->t_binding, idx);
    asic->writes++;
    hal_event_freed(&asic->up, HAL_TABLE_BINDING);
}

static int
binding_set_one(struct hal_asic *asic, const struct hal_binding *hb)
{
    int64_t port = asic_port_index(asic, hb->port);
    int64_t bridge = asic_bridge_index(asic, hb->bridge);
    struct asic_binding *b;
    int64_t idx;

    if (port < 0 || bridge < 0) {
        return -ENOENT;
    }
    idx = asic_binding_find(asic, (uint32_t) port, hb->vlan);
    if (idx >= 0) {
        b = &asic->bindings[idx];
        if (b->bridge != bridge) {
            /* Rebinding: what was learned here belongs to the old bridge. */
            asic_fdb_flush_learned(asic, b->bridge, b->port, b->vlan,
                                   HAL_EVENT_FDB_FLUSHED);
            list_remove(&asic->binding_nodes[idx]);
            b->bridge = (uint16_t) bridge;
            list_push_back(&asic->bridge_bindings[bridge],
                           &asic->binding_nodes[idx]);
            asic->writes++;
        }
    } else {
        idx = asic_table_alloc(&asic->t_binding);
        if (idx < 0) {
            hal_event_exhausted(&asic->up, HAL_TABLE_BINDING, (int) idx);
            return (int) idx;
        }
        b = &asic->bindings[idx];
        memset(b, 0, sizeof *b);
        b->valid = 1;
        b->port = (uint16_t) port;
        b->vlan = hb->vlan;
        b->bridge = (uint16_t) bridge;
        asic_table_index(&asic->t_binding, (uint32_t) idx,
                         asic_binding_hash(b->port, b->vlan));
        list_push_back(&asic->bridge_bindings[bridge],
                       &asic->binding_nodes[idx]);
        asic->writes++;
    }
    if (asic->resyncing) {
        asic->seen_binding[idx] = 1;
    }
    return 0;
}

int
asic_binding_set(struct hal *hal, const struct hal_binding *bindings, size_t n,
                 int *status)
{
    return HAL_BULK_APPLY(binding_set_one, asic_cast(hal), bindings, n,
                          status);
}

static int
binding_remove_one(struct hal_asic *asic, const struct hal_binding *hb)
{
    int64_t port = asic_port_index(asic, hb->port);
    int64_t idx =
        port < 0 ? -1 : asic_binding_find(asic, (uint32_t) port, hb->vlan);

    if (idx < 0) {
        return -ENOENT;
    }
    asic_binding_destroy(asic, (uint32_t) idx);
    return 0;
}

int
asic_binding_remove(struct hal *hal, const struct hal_binding *bindings,
                    size_t n, int *status)
{
    return HAL_BULK_APPLY(binding_remove_one, asic_cast(hal), bindings, n,
                          status);
}

void
asic_binding_walk(const struct hal *hal, hal_binding_walk_cb *cb, void *aux)
{
    const struct hal_asic *asic = asic_cast(hal);
    uint32_t i;

    for (i = 0; i < asic->profile->bindings; i++) {
        const struct asic_binding *b = &asic->bindings[i];

        if (b->valid) {
            struct hal_binding hb = { asic_port_oid(b->port), b->vlan,
                                      asic_bridge_oid(b->bridge) };

            cb(&hb, aux);
        }
    }
}
