/* SPDX-License-Identifier: Apache-2.0 */
/* The forwarding pipeline: what the chip does with one frame, as a function
 * of its tables.  Ingress from a front-panel port:
 *
 *   port → (port, VLAN) binding → bridge → [learn source] → destination:
 *     broadcast            → local bindings + broadcast flood list
 *     multicast, in group  → local bindings + the group's VTEPs
 *     multicast, otherwise → local bindings + unknown-multicast flood list
 *     unicast, local       → that port/VLAN (dropped if it is the ingress)
 *     unicast, remote      → encapsulate to that VTEP with its VNI
 *     unicast, unknown     → local bindings + unknown-unicast flood list
 *
 * An ARP request or neighbour solicitation whose target the bridge's host
 * table knows is answered instead (HAL_ASIC_REPLY, after learning).
 *
 * Flooding never sends back to the ingress binding.  Flood lists reach
 * every VTEP with source-node replication, and one (chosen by a hash of the
 * addresses, like a hardware ECMP pick) with service-node replication.
 *
 * Ingress from the overlay goes to local bindings only (split horizon).
 *
 * ACLs (acl.c): the ingress stage looks at a frame right after its binding
 * is found, before learning; a denied frame goes nowhere.  The egress
 * stage looks at each copy for a local binding, from a port or from the
 * overlay, and drops that copy only. */
#include <stdlib.h>
#include <string.h>

#include "hal/asic/asic-private.h"
#include "lib/hash.h"

void
hal_asic_decision_init(struct hal_asic_decision *d)
{
    memset(d, 0, sizeof *d);
}

void
hal_asic_decision_uninit(struct hal_asic_decision *d)
{
    if (d) {
        free(d->locals);
        free(d->remotes);
    }
}

static void
decision_reset(struct hal_asic_decision *d)
{
    d->action = HAL_ASIC_DROP;
    d->drop_reason = NULL;
    d->bridge = HAL_OID_NULL;
    d->flooded = false;
    d->n_locals = 0;
    d->n_remotes = 0;
    d->n_acl_denied = 0;
}

static void
drop(struct hal_asic_decision *d, const char *reason)
{
    d->action = HAL_ASIC_DROP;
    d->drop_reason = reason;
    d->n_locals = d->n_remotes = 0;
}

static void
add_local(struct hal_asic *asic, struct hal_asic_decision *d, uint32_t port,
          uint16_t vlan, uint32_t bytes)
{
    int64_t binding = asic_binding_find(asic, port, vlan);

    if (!asic->ports[port].oper_up) {
        return;
    }
    if (asic->acl_packet
        && !asic_acl_permits(asic, port, vlan, HAL_ACL_EGRESS,
                             asic->acl_packet)) {
        d->n_acl_denied++;
        return;
    }
    if (d->n_locals >= d->allocated_locals) {
        d->locals = x2nrealloc(d->locals, &d->allocated_locals,
                               d->n_locals + 1, sizeof *d->locals);
    }
    d->locals[d->n_locals].port = asic_port_oid(port);
    d->locals[d->n_locals++].vlan = vlan;
    if (binding >= 0) {
        struct hal_binding_stats *st = &asic->bindings[binding].stats;

        st->packets_to_local++;
        st->bytes_to_local += bytes;
    }
}

static void
add_remote(struct hal_asic *asic, struct hal_asic_decision *d, uint32_t tunnel,
           uint32_t vni, uint32_t bytes)
{
    struct asic_tunnel *t = &asic->tunnels[tunnel];

    if (d->n_remotes >= d->allocated_remotes) {
        d->remotes = x2nrealloc(d->remotes, &d->allocated_remotes,
                                d->n_remotes + 1, sizeof *d->remotes);
    }
    d->remotes[d->n_remotes].ip.s_addr = t->ip;
    d->remotes[d->n_remotes++].vni = vni;
    t->stats.tx_packets++;
    t->stats.tx_bytes += bytes;
}

/* Copies the frame to every local binding of 'bridge' except the one it
 * came in on ('in_binding', or -1 from the overlay). */
static void
flood_local(struct hal_asic *asic, struct hal_asic_decision *d,
            uint32_t bridge, int64_t in_binding, uint32_t bytes)
{
    struct list *node;

    for (node = asic->bridge_bindings[bridge].next;
         node != &asic->bridge_bindings[bridge]; node = node->next) {
        uint32_t idx = (uint32_t) (node - asic->binding_nodes);

        if (idx != in_binding) {
            add_local(asic, d, asic->bindings[idx].port,
                      asic->bindings[idx].vlan, bytes);
        }
    }
}

static void
flood_remote(struct hal_asic *asic, struct hal_asic_decision *d,
             uint32_t bridge, uint32_t head, uint16_t len,
             const struct hal_asic_frame *f)
{
    const struct asic_bridge *b = &asic->bridges[bridge];
    uint32_t pick = 0;
    uint32_t i;

    if (b->vni == HAL_VNI_NONE || !len) {
        return;
    }
    if (b->replication == HAL_REPLICATION_SERVICE_NODE) {
        uint32_t h = hash_bytes(&f->src, sizeof f->src, 0);

        pick = hash_bytes(&f->dst, sizeof f->dst, h) % len;
    }
    for (i = 0; head != ASIC_NONE; head = asic->repl[head].next, i++) {
        if (b->replication == HAL_REPLICATION_SOURCE_NODE || i == pick) {
            add_remote(asic, d, asic->repl[head].tunnel, b->vni, f->bytes);
        }
    }
}

static void
forward_unicast(struct hal_asic *asic, struct hal_asic_decision *d,
                uint32_t bridge, int64_t in_binding,
                const struct hal_asic_frame *f)
{
    const struct asic_bridge *b = &asic->bridges[bridge];
    const struct asic_fdb_slot *s =
        asic_fdb_find(asic, asic_fdb_key(bridge, &f->dst));

    if (!s) {
        d->flooded = true;
        flood_local(asic, d, bridge, in_binding, f->bytes);
        flood_remote(asic, d, bridge, b->flood_head[HAL_FLOOD_UNKNOWN_UNICAST],
                     b->flood_len[HAL_FLOOD_UNKNOWN_UNICAST], f);
    } else if (s->flags & ASIC_FDB_REMOTE) {
        uint32_t vni = s->vni != HAL_VNI_NONE ? s->vni : b->vni;

        if (vni == HAL_VNI_NONE) {
            drop(d, "remote destination without VNI");
            return;
        }
        add_remote(asic, d, s->tunnel, vni, f->bytes);
    } else if (asic_binding_find(asic, s->port, s->vlan) == in_binding) {
        drop(d, "destination is on the ingress binding");
        return;
    } else {
        add_local(asic, d, s->port, s->vlan, f->bytes);
    }
}

void
hal_asic_forward(struct hal_asic *asic, const struct hal_asic_frame *f,
                 bool learn, int64_t now_ms, struct hal_asic_decision *d)
{
    int64_t port = asic_port_index(asic, f->port);
    const struct asic_bridge *b;
    int64_t in_binding;
    uint32_t bridge;

    decision_reset(d);
    asic->acl_packet = f->acl;
    hal_clock_advance(&asic->up, now_ms);
    if (port < 0) {
        drop(d, "no such port");
        return;
    } else if (!asic->ports[port].oper_up) {
        drop(d, "ingress port down");
        return;
    } else if (f->vlan > HAL_VLAN_MAX) {
        drop(d, "bad VLAN");
        return;
    }
    in_binding = asic_binding_find(asic, (uint32_t) port, f->vlan);
    if (in_binding < 0) {
        drop(d, "no binding for port and VLAN");
        return;
    }
    asic->bindings[in_binding].stats.packets_from_local++;
    asic->bindings[in_binding].stats.bytes_from_local += f->bytes;
    bridge = asic->bindings[in_binding].bridge;
    b = &asic->bridges[bridge];
    d->bridge = asic_bridge_oid(bridge);
    if (hal_mac_is_multicast(&f->src)) {
        drop(d, "multicast source MAC");
        return;
    }
    if (!asic_acl_permits(asic, (uint32_t) port, f->vlan, HAL_ACL_INGRESS,
                          f->acl)) {
        drop(d, "ACL deny (ingress)");
        return;
    }
    if (learn && b->learning) {
        asic_fdb_learn(asic, bridge, &f->src, (uint32_t) port, f->vlan);
    }
    if (asic_l3_punt(asic, bridge, &f->dst, f->neigh_target)) {
        d->action = HAL_ASIC_ROUTE;
        return;
    }
    if (f->neigh_target
        && asic_neigh_resolve(asic, bridge, f->neigh_target, &d->reply_mac)) {
        d->action = HAL_ASIC_REPLY;
        return;
    }

    if (hal_mac_is_multicast(&f->dst)) {
        int64_t group = hal_mac_is_broadcast(&f->dst)
                            ? -1
                            : asic_mcast_find(asic, bridge, &f->dst);
        enum hal_flood_type type = hal_mac_is_broadcast(&f->dst)
                                       ? HAL_FLOOD_BROADCAST
                                       : HAL_FLOOD_UNKNOWN_MULTICAST;

        d->flooded = true;
        flood_local(asic, d, bridge, in_binding, f->bytes);
        if (group >= 0) {
            flood_remote(asic, d, bridge, asic->mcast[group].head,
                         asic->mcast[group].len, f);
        } else {
            flood_remote(asic, d, bridge, b->flood_head[type],
                         b->flood_len[type], f);
        }
    } else {
        forward_unicast(asic, d, bridge, in_binding, f);
        if (d->drop_reason) {
            return;
        }
    }
    if (d->n_locals || d->n_remotes) {
        d->action = HAL_ASIC_FORWARD;
    } else {
        drop(d, d->n_acl_denied ? "ACL deny (egress)" : "no destination");
    }
}

void
hal_asic_decap(struct hal_asic *asic, const struct hal_asic_vxlan_frame *f,
               struct hal_asic_decision *d)
{
    int64_t bridge = asic_bridge_by_vni(asic, f->vni);
    int64_t tunnel = asic_tunnel_find(asic, f->outer_src.s_addr);

    decision_reset(d);
    asic->acl_packet = f->acl;
    if (tunnel >= 0) {
        asic->tunnels[tunnel].stats.rx_packets++;
        asic->tunnels[tunnel].stats.rx_bytes += f->bytes;
    }
    if (bridge < 0) {
        drop(d, "unknown VNI");
        return;
    }
    d->bridge = asic_bridge_oid((uint32_t) bridge);
    if (asic_l3_punt(asic, (uint32_t) bridge, &f->dst, f->neigh_target)) {
        d->action = HAL_ASIC_ROUTE;
    } else if (hal_mac_is_multicast(&f->dst)) {
        d->flooded = true;
        flood_local(asic, d, (uint32_t) bridge, -1, f->bytes);
    } else {
        const struct asic_fdb_slot *s =
            asic_fdb_find(asic, asic_fdb_key((uint32_t) bridge, &f->dst));

        if (!s) {
            d->flooded = true;
            flood_local(asic, d, (uint32_t) bridge, -1, f->bytes);
        } else if (s->flags & ASIC_FDB_REMOTE) {
            drop(d, "split horizon: destination is remote");
            return;
        } else {
            add_local(asic, d, s->port, s->vlan, f->bytes);
        }
    }
    if (d->action == HAL_ASIC_ROUTE) {
        return;
    } else if (d->n_locals) {
        d->action = HAL_ASIC_FORWARD;
    } else {
        drop(d, d->n_acl_denied ? "ACL deny (egress)" : "no destination");
    }
}

void
asic_l2_emit(struct hal_asic *asic, uint32_t bridge, const struct hal_mac *dst,
             uint32_t bytes, struct hal_asic_decision *d)
{
    const struct asic_bridge *b = &asic->bridges[bridge];
    struct hal_asic_frame f = { .dst = *dst, .bytes = bytes };

    decision_reset(d);
    d->bridge = asic_bridge_oid(bridge);
    if (hal_mac_is_multicast(dst)) {
        d->flooded = true;
        flood_local(asic, d, bridge, -1, bytes);
        flood_remote(asic, d, bridge, b->flood_head[HAL_FLOOD_BROADCAST],
                     b->flood_len[HAL_FLOOD_BROADCAST], &f);
    } else {
        forward_unicast(asic, d, bridge, -1, &f);
    }
    if (d->n_locals || d->n_remotes) {
        d->action = HAL_ASIC_FORWARD;
    } else if (!d->drop_reason) {
        drop(d, "no destination");
    }
}

void
hal_asic_router_emit(struct hal_asic *asic, hal_oid_t bridge_oid,
                     const struct hal_mac *dst, uint32_t bytes,
                     struct hal_asic_decision *d)
{
    int64_t bridge = asic_bridge_index(asic, bridge_oid);

    if (bridge < 0) {
        decision_reset(d);
        drop(d, "no such bridge");
        return;
    }
    asic_l2_emit(asic, (uint32_t) bridge, dst, bytes, d);
}

void
asic_l2_emit_vtep(struct hal_asic *asic, uint32_t bridge, struct in_addr vtep,
                  uint32_t bytes, struct hal_asic_decision *d)
{
    int64_t tunnel = asic_tunnel_find(asic, vtep.s_addr);

    decision_reset(d);
    d->bridge = asic_bridge_oid(bridge);
    d->action = HAL_ASIC_FORWARD;
    if (d->n_remotes >= d->allocated_remotes) {
        d->remotes = x2nrealloc(d->remotes, &d->allocated_remotes,
                                d->n_remotes + 1, sizeof *d->remotes);
    }
    d->remotes[d->n_remotes].ip = vtep;
    d->remotes[d->n_remotes++].vni = asic->bridges[bridge].vni;
    if (tunnel >= 0) {
        asic->tunnels[tunnel].stats.tx_packets++;
        asic->tunnels[tunnel].stats.tx_bytes += bytes;
    }
}
