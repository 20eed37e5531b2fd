/* SPDX-License-Identifier: Apache-2.0 */
/* The switch object of the netdev backend, as SAI has one: its attributes
 * (tunnel source, VXLAN port, aging), the front-panel ports, binding
 * counters and table occupancy.  Provider callbacks only; the provider
 * table is in netdev.c. */
#include <stdio.h>
#include <string.h>

#include "hal/netdev/netdev-private.h"

int
nd_switch_set(struct hal *hal, const struct hal_switch_config *c)
{
    struct hal_netdev *nd = nd_cast(hal);
    struct hal_switch_config old = nd->sw;
    struct nd_bridge *br;
    struct nd_batch batch;
    int error = 0;

    if (!c->vxlan_port) {
        return -EINVAL;
    }
    nd->sw = *c;
    nd_batch_init(&batch, &nd->nl);
    HMAP_FOR_EACH(br, node, &nd->bridges) {
        if (old.aging_time_s != c->aging_time_s) {
            nd_batch_add(
                &batch,
                nd_msg_bridge_ageing(br->br_ifindex, nd_bridge_ageing_cs(nd)),
                &error);
        }
        if (br->vx_ifindex && old.vxlan_port == c->vxlan_port
            && old.tunnel_src.s_addr != c->tunnel_src.s_addr) {
            nd_batch_add(&batch,
                         nd_msg_vxlan_local(br->vx_ifindex, c->tunnel_src),
                         &error);
        }
    }
    nd_batch_destroy(&batch);
    if (old.vxlan_port != c->vxlan_port) {
        nd_bfd_switch_changed(nd);
        /* The kernel cannot change a VXLAN device's port: rebuild them. */
        HMAP_FOR_EACH(br, node, &nd->bridges) {
            if (br->vx_ifindex) {
                nd_bridge_replay_vxlan(nd, br);
            }
        }
    }
    return error;
}

void
nd_switch_get(const struct hal *hal, struct hal_switch_config *c)
{
    *c = nd_cast(hal)->sw;
}

size_t
nd_port_count(const struct hal *hal)
{
    return nd_cast(hal)->n_ports;
}

int
nd_port_get(const struct hal *hal, size_t index, struct hal_port_info *info)
{
    const struct hal_netdev *nd = nd_cast(hal);

    if (index >= nd->n_ports) {
        return -ENOENT;
    }
    memset(info, 0, sizeof *info);
    info->oid = nd_port_oid((uint32_t) index);
    snprintf(info->name, sizeof info->name, "%s", nd->ports[index].name);
    info->oper_up = nd->ports[index].oper_up;
    info->speed_mbps = nd->ports[index].speed_mbps;
    return 0;
}

int
nd_binding_stats_get(const struct hal *hal, hal_oid_t port, uint16_t vlan,
                     struct hal_binding_stats *stats)
{
    struct hal_netdev *nd = nd_cast(hal);
    int64_t p = nd_port_index(nd, port);
    const struct nd_binding *b =
        p < 0 ? NULL : nd_binding_find(nd, (uint32_t) p, vlan);
    struct nd_link_info info;
    int error;

    if (!b) {
        return -ENOENT;
    }
    /* The counters of the interface the binding enslaves: the port for an
     * untagged binding, its 802.1Q sub-interface otherwise. */
    error = nd_link_get(&nd->nl, b->ifindex, NULL, &info);
    if (error) {
        return error;
    }
    stats->packets_from_local = info.rx_packets;
    stats->bytes_from_local = info.rx_bytes;
    stats->packets_to_local = info.tx_packets;
    stats->bytes_to_local = info.tx_bytes;
    return 0;
}

void
nd_resources_get(const struct hal *hal, struct hal_resource res[])
{
    const struct hal_netdev *nd = nd_cast(hal);
    size_t i;

    /* The kernel's tables are bounded by memory only. */
    for (i = 0; i < HAL_TABLE_N; i++) {
        res[i].capacity = UINT32_MAX;
    }
    res[HAL_TABLE_FDB].used = nd->n_fdb;
    res[HAL_TABLE_BRIDGE].used = (uint32_t) hmap_count(&nd->bridges);
    res[HAL_TABLE_BINDING].used = (uint32_t) hmap_count(&nd->bindings);
    res[HAL_TABLE_TUNNEL].used = (uint32_t) hmap_count(&nd->tunnels);
    res[HAL_TABLE_FLOOD].used = nd->n_flood;
    res[HAL_TABLE_MCAST].used = nd->n_mcast;
    res[HAL_TABLE_NEIGH].used = (uint32_t) hmap_count(&nd->neighs);
    nd_l3_resources(nd, res);
    nd_acl_resources(nd, res);
}
