/* SPDX-License-Identifier: Apache-2.0 */
/* The netdev backend as a HAL provider: open/close, the clock and event
 * delivery, switch and port attributes, counters, resources, and the
 * naming of kernel objects.  Bridges and bindings live in l2.c, FDB
 * entries and flood lists in fdb.c, notifications in monitor.c, warm
 * restart in resync.c, the netlink plumbing in nl.c. */
#include <arpa/inet.h>
#include <netlink/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/netdev/netdev-private.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(netdev);

/* Events held for run(); more are dropped and counted (HAL_EVENT_OVERFLOW),
 * like a chip's learn FIFO. */
#define ND_FIFO_SIZE 65536
#define ND_DELIVER_BATCH 256

static void nd_free(struct hal_netdev *);

int64_t
nd_port_index(const struct hal_netdev *nd, hal_oid_t oid)
{
    uint64_t i = (oid & ((UINT64_C(1) << 56) - 1)) - 1;

    return hal_oid_type(oid) == HAL_OBJECT_PORT && i < nd->n_ports
               ? (int64_t) i
               : -1;
}

static int
nd_open(const struct hal_config *config, struct hal **halp)
{
    struct hal_netdev *nd = xzalloc(sizeof *nd);
    bool warm = false;
    int error;
    size_t i;

    hmap_init(&nd->bridges);
    hmap_init(&nd->bindings);
    hmap_init(&nd->bindings_by_ifindex);
    hmap_init(&nd->tunnels);
    nd->fifo_cap = ND_FIFO_SIZE;
    nd->fifo = xcalloc(nd->fifo_cap, sizeof *nd->fifo);
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

    error = nd_nl_open(nd);
    if (error) {
        nd_free(nd);
        return error;
    }
    for (i = 0; i < nd->n_ports; i++) {
        struct nd_link_info info;

        if (!nd_link_get(nd, 0, nd->ports[i].name, &info)) {
            nd->ports[i].ifindex = info.ifindex;
            nd->ports[i].oper_up = info.oper_up;
        } else {
            VLOG_WARN("port %s: no such interface (yet)", nd->ports[i].name);
        }
    }
    error = nd_state_load(nd, config->cold_start, &warm);
    if (error) {
        VLOG_ERR("netdev: cannot read kernel state: %s", strerror(-error));
        nd_free(nd);
        return error;
    }
    hal_init(&nd->up, &hal_netdev_provider, warm);
    VLOG_INFO("netdev: %zu ports, %zu bridges, %s start", nd->n_ports,
              hmap_count(&nd->bridges), warm ? "warm" : "cold");
    *halp = &nd->up;
    return 0;
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
    if (nd->req) {
        nd_nl_close(nd);
    }
    free(nd->ports);
    free(nd->fifo);
    free(nd);
}

static void
nd_close(struct hal *hal)
{
    struct hal_netdev *nd = nd_cast(hal);

    if (nd->clear_on_close) {
        nd_state_clear(nd);
    }
    nd_free(nd);
}

/* ---- Events ------------------------------------------------------------- */

void
nd_event_queue(struct hal_netdev *nd, const struct hal_event *ev)
{
    if (nd->fifo_n >= nd->fifo_cap) {
        nd->lost++;
        return;
    }
    nd->fifo[(nd->fifo_head + nd->fifo_n++) % nd->fifo_cap] = *ev;
    nd->fifo[(nd->fifo_head + nd->fifo_n - 1) % nd->fifo_cap].time_ms =
        nd->now_ms;
}

void
nd_event_fdb(struct hal_netdev *nd, enum hal_event_type type,
             const struct hal_fdb_entry *e, hal_oid_t old_port,
             uint16_t old_vlan)
{
    struct hal_event ev;

    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.fdb.bridge = e->bridge;
    ev.fdb.mac = e->mac;
    ev.fdb.port = e->port;
    ev.fdb.vlan = e->vlan;
    ev.fdb.old_port = old_port;
    ev.fdb.old_vlan = old_vlan;
    nd_event_queue(nd, &ev);
}

/* Delivers queued events in batches.  The callback may call the HAL and
 * queue more, which this loop then delivers too. */
static void
nd_events_deliver(struct hal_netdev *nd)
{
    struct hal_event batch[ND_DELIVER_BATCH];

    while (nd->fifo_n || nd->lost) {
        size_t n = 0;

        while (n < ARRAY_SIZE(batch) && nd->fifo_n) {
            batch[n++] = nd->fifo[nd->fifo_head];
            nd->fifo_head = (nd->fifo_head + 1) % nd->fifo_cap;
            nd->fifo_n--;
        }
        if (!nd->fifo_n && nd->lost && n < ARRAY_SIZE(batch)) {
            memset(&batch[n], 0, sizeof batch[n]);
            batch[n].type = HAL_EVENT_OVERFLOW;
            batch[n].time_ms = nd->now_ms;
            batch[n++].lost = nd->lost;
            nd->lost = 0;
        }
        hal_deliver_events(&nd->up, batch, n);
    }
}

static void
nd_run(struct hal *hal, int64_t now_ms)
{
    struct hal_netdev *nd = nd_cast(hal);

    nd->now_ms = MAX(nd->now_ms, now_ms);
    nd_monitor_run(nd);
    nd_events_deliver(nd);
}

static int64_t
nd_next_wake(const struct hal *hal)
{
    const struct hal_netdev *nd = nd_cast(hal);

    /* Aging is the kernel's: only queued events need a run() soon.  Kernel
     * notifications wake the caller through hal_poll_fd(). */
    return nd->fifo_n || nd->lost ? nd->now_ms : INT64_MAX;
}

static int
nd_poll_fd(const struct hal *hal)
{
    return nl_socket_get_fd(nd_cast(hal)->mon);
}

/* ---- Switch ------------------------------------------------------------- */

uint32_t
nd_bridge_ageing_cs(const struct hal_netdev *nd)
{
    /* The kernel has no "never": an aging time of 0 would expire entries
     * at once, so "never" becomes the largest time it accepts, ~ 1 year. */
    uint32_t s = nd->sw.aging_time_s ? nd->sw.aging_time_s : 365 * 86400;

    return s > UINT32_MAX / 100 ? UINT32_MAX / 100 * 100 : s * 100;
}

static int
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
    nd_batch_init(&batch, nd);
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
        /* The kernel cannot change a VXLAN device's port: rebuild them. */
        HMAP_FOR_EACH(br, node, &nd->bridges) {
            if (br->vx_ifindex) {
                nd_bridge_replay_vxlan(nd, br);
            }
        }
    }
    return error;
}

static void
nd_switch_get(const struct hal *hal, struct hal_switch_config *c)
{
    *c = nd_cast(hal)->sw;
}

/* ---- Ports, counters, resources ----------------------------------------- */

static size_t
nd_port_count(const struct hal *hal)
{
    return nd_cast(hal)->n_ports;
}

static int
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

static int
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
    error = nd_link_get(nd, b->ifindex, NULL, &info);
    if (error) {
        return error;
    }
    stats->packets_from_local = info.rx_packets;
    stats->bytes_from_local = info.rx_bytes;
    stats->packets_to_local = info.tx_packets;
    stats->bytes_to_local = info.tx_bytes;
    return 0;
}

static void
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
}

const struct hal_provider hal_netdev_provider = {
    .name = "netdev",
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
    .resources_get = nd_resources_get,
    .fdb_walk = nd_fdb_walk,
    .binding_walk = nd_binding_walk,
    .flood_walk = nd_flood_walk,
    .bridge_walk = nd_bridge_walk,
    .poll_fd = nd_poll_fd,
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
    return nd->writes;
}

bool
hal_netdev_vlan_unsupported(const struct hal_netdev *nd)
{
    return nd->vlan_unsupported;
}

void
hal_netdev_bridge_ifname(uint32_t index, char name[IFNAMSIZ])
{
    snprintf(name, IFNAMSIZ, "vtb%u", (unsigned) index);
}

void
hal_netdev_vxlan_ifname(uint32_t index, char name[IFNAMSIZ])
{
    snprintf(name, IFNAMSIZ, "vtx%u", (unsigned) index);
}

int
hal_netdev_parse_ifname(const char *name, uint32_t *index, bool *is_vxlan)
{
    unsigned long long n = 0;
    const char *p;

    if (strncmp(name, "vt", 2) || (name[2] != 'b' && name[2] != 'x')
        || !name[3] || name[3] == '0' || strlen(name) >= IFNAMSIZ) {
        return -EINVAL;
    }
    for (p = name + 3; *p; p++) {
        if (*p < '0' || *p > '9') {
            return -EINVAL;
        }
        n = n * 10 + (unsigned) (*p - '0');
    }
    if (n > HAL_NETDEV_INDEX_MAX) {
        return -EINVAL;
    }
    *index = (uint32_t) n;
    *is_vxlan = name[2] == 'x';
    return 0;
}

void
hal_netdev_subif_name(const char *port, int ifindex, uint16_t vlan,
                      char name[IFNAMSIZ])
{
    if (strlen(port) + 1 + 4 < IFNAMSIZ) {
        snprintf(name, IFNAMSIZ, "%s.%u", port, (unsigned) vlan & 0xfffu);
    } else {
        /* Hexadecimal, so that any ifindex and VLAN fit. */
        snprintf(name, IFNAMSIZ, "vts%x.%x", (unsigned) ifindex,
                 (unsigned) vlan & 0xfffu);
    }
}

int
hal_netdev_bridge_alias(const struct hal_bridge_config *c, char *alias,
                        size_t size)
{
    int n = snprintf(
        alias, size, "%s bridge repl=%s learn=%d ls=%s", HAL_NETDEV_TAG,
        c->replication == HAL_REPLICATION_SOURCE_NODE ? "source" : "service",
        c->learning ? 1 : 0, c->name);

    return n < 0 || (size_t) n >= size ? -EINVAL : 0;
}

int
hal_netdev_parse_bridge_alias(const char *alias,
                              struct hal_bridge_config *config)
{
    static const char prefix[] = HAL_NETDEV_TAG " bridge repl=";
    const char *p = alias;
    const char *name;

    if (strncmp(p, prefix, sizeof prefix - 1)) {
        return -EINVAL;
    }
    p += sizeof prefix - 1;
    if (!strncmp(p, "source ", 7)) {
        config->replication = HAL_REPLICATION_SOURCE_NODE;
        p += 7;
    } else if (!strncmp(p, "service ", 8)) {
        config->replication = HAL_REPLICATION_SERVICE_NODE;
        p += 8;
    } else {
        return -EINVAL;
    }
    if (strncmp(p, "learn=", 6) || (p[6] != '0' && p[6] != '1')
        || strncmp(p + 7, " ls=", 4)) {
        return -EINVAL;
    }
    config->learning = p[6] == '1';
    name = p + 11;
    if (!*name || strlen(name) >= sizeof config->name) {
        return -EINVAL;
    }
    snprintf(config->name, sizeof config->name, "%s", name);
    return 0;
}

struct in_addr
hal_netdev_service_node(const struct in_addr *remotes, size_t n)
{
    struct in_addr best = remotes[0];
    size_t i;

    for (i = 1; i < n; i++) {
        if (ntohl(remotes[i].s_addr) < ntohl(best.s_addr)) {
            best = remotes[i];
        }
    }
    return best;
}
