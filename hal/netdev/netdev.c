/* SPDX-License-Identifier: Apache-2.0 */
/* The netdev backend as a HAL provider: the provider table and the
 * lifecycle (open, close, run).  It is the top of hal/netdev/ and nothing
 * there calls into it.  Below it:
 *
 *   switch.c   switch attributes, ports, counters, resources
 *   l2.c       bridges (Linux bridge + VXLAN device) and bindings
 *   fdb.c      static FDB entries, flood lists, multicast groups, tunnels
 *   monitor.c  notifications: learned MACs and port link state
 *   snoop.c    IP learning and suppression counters from ARP/NS on ports
 *   bfd.c      BFD sessions, over sockets of their own
 *   resync.c   recognising earlier state on open, resync, clearing
 *   names.c    names and tags of the kernel objects
 *   nl.c       the rtnetlink transport, at the bottom
 *
 * Events go through the generic layer's ring (hal/hal-provider.h). */
#include <netlink/socket.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "hal/netdev/netdev-private.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(netdev);

static void nd_free(struct hal_netdev *);
static int poll_open(struct hal_netdev *);

/* Finds the interfaces of the configured ports.  An interface that carries
 * HAL_NETDEV_TAG is one this backend made (a bridge, VXLAN device or 802.1Q
 * sub-interface such as "swp1.100", which a "swp*" glob over
 * /sys/class/net finds after a restart): it is refused as a front-panel
 * port, since taking it for one would make the warm start see it enslaved
 * to a bridge as an untagged binding nobody replays, and release it. */
static void
ports_resolve(struct hal_netdev *nd)
{
    size_t i, n = 0;

    for (i = 0; i < nd->n_ports; i++) {
        struct nd_port *p = &nd->ports[i];
        struct nd_link_info info;

        if (nd_link_get(&nd->nl, 0, p->name, &info)) {
            VLOG_WARN("port %s: no such interface (yet)", p->name);
        } else if (!strncmp(info.alias, HAL_NETDEV_TAG,
                            strlen(HAL_NETDEV_TAG))) {
            VLOG_ERR("port %s: an interface vtepd made (%s), not a "
                     "front-panel port; ignored",
                     p->name, info.alias);
            continue;
        } else {
            p->ifindex = info.ifindex;
            p->oper_up = info.oper_up;
        }
        nd->ports[n++] = *p;
    }
    nd->n_ports = n;
}

/* Returns true if the kernel can make 802.1Q sub-interfaces.  Asks it for
 * one on no interface at all: with the 8021q module (or its autoload) the
 * request fails for want of a lower device (-ENODEV or -EINVAL); without,
 * the kind "vlan" is unknown (-EOPNOTSUPP).  Nothing is created. */
static bool
vlan_probe(struct hal_netdev *nd)
{
    uint64_t writes = nd->nl.writes;
    int error = nd_request(&nd->nl, nd_msg_vlan_add("vtepd-probe", 0, 1));

    if (!error) {
        struct nd_link_info info;

        if (!nd_link_get(&nd->nl, 0, "vtepd-probe", &info)) {
            nd_request(&nd->nl, nd_msg_link_del(info.ifindex));
        }
    }
    /* Probing is no table write (warm restarts count those). */
    nd->nl.writes = writes;
    return error != -EOPNOTSUPP;
}

static int
nd_open(const struct hal_config *config, struct hal **halp)
{
    struct hal_netdev *nd;
    uint32_t acl_capacity[HAL_ACL_STAGE_N];
    bool warm = false;
    int error;
    size_t i;

    error = nd_acl_platform(config->platform, acl_capacity);
    if (error) {
        return error;
    }
    nd = xzalloc(sizeof *nd);

    hmap_init(&nd->bridges);
    hmap_init(&nd->bindings);
    hmap_init(&nd->bindings_by_ifindex);
    hmap_init(&nd->tunnels);
    hmap_init(&nd->neighs);
    nd_bfd_init(nd);
    nd->epoll_fd = -1;
    nd->snoop_fd = -1;
    nd->sw.vxlan_port = 4789;
    nd->sw.aging_time_s = 300;
    nd->clear_on_close = config->clear_on_close;
    nd->n_ports = config->n_ports;
    nd->ports = xcalloc(nd->n_ports ? nd->n_ports : 1, sizeof *nd->ports);
    for (i = 0; i < nd->n_ports; i++) {
        if (strlen(config->ports[i]) >= IFNAMSIZ) {
            VLOG_ERR("port %s: name too long for Linux", config->ports[i]);
            nd_free(nd);
            return -EINVAL;
        }
        snprintf(nd->ports[i].name, IFNAMSIZ, "%s", config->ports[i]);
    }

    error = nd_nl_open(&nd->nl);
    if (!error) {
        error = nd_monitor_open(nd);
    }
    if (!error) {
        error = poll_open(nd);
    }
    if (error) {
        nd_free(nd);
        return error;
    }
    ports_resolve(nd);
    nd_snoop_open(nd);
    error = nd_state_load(nd, config->cold_start, &warm);
    if (error) {
        VLOG_ERR("netdev: cannot read kernel state: %s", strerror(-error));
        nd_free(nd);
        return error;
    }
    nd_l3_init(nd);
    /* The default ring: 65536 events, delivered 256 at a time. */
    hal_init(&nd->up, &hal_netdev_provider, warm);
    if (vlan_probe(nd)) {
        nd->up.capabilities |= HAL_CAP_TAGGED_BINDINGS;
    }
    nd_acl_init(nd, acl_capacity);
    VLOG_INFO("netdev: %zu ports, %zu bridges, %s start", nd->n_ports,
              hmap_count(&nd->bridges), warm ? "warm" : "cold");
    *halp = &nd->up;
    return 0;
}

/* Opens the epoll set behind hal_poll_fd(): the monitor's socket now,
 * BFD's receive socket when it opens. */
static int
poll_open(struct hal_netdev *nd)
{
    struct epoll_event ev = { .events = EPOLLIN };

    nd->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (nd->epoll_fd < 0) {
        return -errno;
    }
    ev.data.fd = nl_socket_get_fd(nd->mon);
    return epoll_ctl(nd->epoll_fd, EPOLL_CTL_ADD, ev.data.fd, &ev) ? -errno
                                                                   : 0;
}

/* Frees the mirror and the sockets, leaving the kernel alone. */
static void
nd_free(struct hal_netdev *nd)
{
    struct nd_binding *b;
    struct nd_bridge *br;
    struct nd_tunnel *t;

    HMAP_FOR_EACH_SAFE(b, node, &nd->bindings) {
        hmap_remove(&nd->bindings, &b->node);
        hmap_remove(&nd->bindings_by_ifindex, &b->if_node);
        free(b);
    }
    HMAP_FOR_EACH_SAFE(br, node, &nd->bridges) {
        nd_bridge_clear_tables(nd, br);
        nd_bridge_free(nd, br);
    }
    HMAP_FOR_EACH_SAFE(t, node, &nd->tunnels) {
        hmap_remove(&nd->tunnels, &t->node);
        free(t);
    }
    hmap_destroy(&nd->bindings);
    hmap_destroy(&nd->bindings_by_ifindex);
    hmap_destroy(&nd->bridges);
    hmap_destroy(&nd->tunnels);
    nd_neigh_destroy_all(nd);
    nd_l3_destroy(nd, false);
    nd_counters4_destroy(nd);
    nd_bfd_destroy(nd);
    nd_snoop_close(nd);
    if (nd->epoll_fd >= 0) {
        close(nd->epoll_fd);
    }
    nd_monitor_close(nd);
    nd_nl_close(&nd->nl);
    free(nd->ports);
    free(nd);
}

static void
nd_close(struct hal *hal)
{
    struct hal_netdev *nd = nd_cast(hal);

    nd_l3_destroy(nd, nd->clear_on_close);
    if (nd->clear_on_close) {
        nd_state_clear(nd);
    }
    nd_acl_destroy(nd, nd->clear_on_close);
    nd_free(nd);
}

/* Reads kernel notifications (the generic layer delivers what they queue)
 * and runs BFD. */
static void
nd_run(struct hal *hal, int64_t now_ms)
{
    nd_monitor_run(nd_cast(hal));
    nd_snoop_run(nd_cast(hal), now_ms);
    nd_bfd_run(nd_cast(hal), now_ms);
    nd_ra_run(nd_cast(hal), now_ms);
}

/* Aging is the kernel's; BFD and router advertisements have timers. */
static int64_t
nd_next_wake(const struct hal *hal)
{
    return MIN(nd_bfd_next_wake(nd_cast(hal)), nd_ra_next_wake(nd_cast(hal)));
}

static int
nd_poll_fd(const struct hal *hal)
{
    return nd_cast(hal)->epoll_fd;
}

/* ---- Conformance hooks (hal-provider.h) --------------------------------- */

static int
nd_test_learn(struct hal *hal, hal_oid_t port, uint16_t vlan,
              const struct hal_mac *src)
{
    struct hal_netdev *nd = nd_cast(hal);
    int64_t idx = nd_port_index(nd, port);
    struct nd_binding *b =
        idx < 0 ? NULL : nd_binding_find(nd, (uint32_t) idx, vlan);

    return b ? nd_request(&nd->nl, nd_msg_neigh_learn(b->ifindex, src))
             : -ENOENT;
}

static int
nd_test_link(struct hal *hal, hal_oid_t port, bool up)
{
    struct hal_netdev *nd = nd_cast(hal);
    int64_t idx = nd_port_index(nd, port);

    if (idx < 0 || !nd->ports[idx].ifindex) {
        return -ENOENT;
    }
    return nd_request(&nd->nl, nd_msg_link_updown(nd->ports[idx].ifindex, up));
}

static uint64_t
nd_test_writes(const struct hal *hal)
{
    return hal_netdev_writes(nd_cast(hal));
}

const struct hal_provider hal_netdev_provider = {
    .name = "netdev",
    /* And HAL_CAP_TAGGED_BINDINGS when the kernel has 8021q, which
     * vlan_probe() finds out at open. */
    .capabilities = HAL_CAP_LEARNING | HAL_CAP_WARM_RESTART
                    | HAL_CAP_BINDING_COUNTERS | HAL_CAP_PORT_EVENTS,
    .open = nd_open,
    .close = nd_close,
    .run = nd_run,
    .next_wake = nd_next_wake,
    .switch_set = nd_switch_set,
    .switch_get = nd_switch_get,
    .port_count = nd_port_count,
    .port_get = nd_port_get,
    .bridge_set = nd_bridge_set,
    .bridge_remove = nd_bridge_remove,
    .neigh_set = nd_neigh_set,
    .neigh_remove = nd_neigh_remove,
    .neigh_walk = nd_neigh_walk,
    .neigh_stats_get = nd_neigh_stats_get,
    .bridge_get = nd_bridge_get,
    .binding_set = nd_binding_set,
    .binding_remove = nd_binding_remove,
    .fdb_set = nd_fdb_set,
    .fdb_remove = nd_fdb_remove,
    .fdb_flush = nd_fdb_flush,
    .flood_set = nd_flood_set,
    .mcast_set = nd_mcast_set,
    .mcast_remove = nd_mcast_remove,
    .resync_begin = nd_resync_begin,
    .resync_end = nd_resync_end,
    .binding_stats_get = nd_binding_stats_get,
    .tunnel_stats_get = NULL, /* Linux keeps no per-remote counters. */
    .bfd_set = nd_bfd_set,
    .bfd_remove = nd_bfd_remove,
    .bfd_get = nd_bfd_get,
    .resources_get = nd_resources_get,
    .fdb_walk = nd_fdb_walk,
    .binding_walk = nd_binding_walk,
    .flood_walk = nd_flood_walk,
    .bridge_walk = nd_bridge_walk,
    .poll_fd = nd_poll_fd,
    .test_learn = nd_test_learn,
    .test_link = nd_test_link,
    .test_writes = nd_test_writes,
    .router_set = nd_router_set,
    .router_remove = nd_router_remove,
    .rif_create = nd_rif_create,
    .rif_remove = nd_rif_remove,
    .nexthop_create = nd_nexthop_create,
    .nexthop_remove = nd_nexthop_remove,
    .route_set = nd_route_set,
    .route_remove = nd_route_remove,
    .rneigh_set = nd_rneigh_set,
    .rneigh_remove = nd_rneigh_remove,
    .router_stats_get = nd_router_stats_get,
    .route_walk = nd_route_walk,
    .route_unsupported = nd_route_unsupported,
    .acl_table_set = nd_acl_table_set,
    .acl_table_remove = nd_acl_table_remove,
    .acl_counters_get = nd_acl_counters_get,
    .acl_bind_set = nd_acl_bind_set,
    .acl_bind_remove = nd_acl_bind_remove,
    .acl_dump = nd_acl_dump,
};

/* ---- Backend-specific API ----------------------------------------------- */

struct hal_netdev *
hal_netdev_cast(struct hal *hal)
{
    return hal && hal->provider == &hal_netdev_provider ? nd_cast(hal) : NULL;
}

uint64_t
hal_netdev_writes(const struct hal_netdev *nd)
{
    return nd->nl.writes;
}

bool
hal_netdev_vlan_unsupported(const struct hal_netdev *nd)
{
    return nd->vlan_unsupported;
}
