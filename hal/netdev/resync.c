/* SPDX-License-Identifier: Apache-2.0 */
/* Warm restart for the netdev backend.
 *
 * The kernel is the state file: bridges, VXLAN devices and sub-interfaces
 * carry the alias tag HAL_NETDEV_TAG, bridges carry their configuration in
 * the alias, and everything else (VNI, local IP, bindings, FDB entries,
 * flood lists) is read back from the kernel's own tables on open.  A
 * resync then works as for any backend: entries the caller replays and the
 * kernel already has cost nothing, and at resync_end whatever was not
 * replayed goes. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/if_addr.h>
#include <netlink/msg.h>
#include <netlink/route/addr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/netdev/netdev-private.h"
#include "lib/sysctl.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(netdev_resync);

struct link_list {
    struct nd_link_info *links;
    size_t n, allocated;
};

static void
link_collect_cb(struct nlmsghdr *nlh, void *list_)
{
    struct link_list *list = list_;
    struct nd_link_info info;

    if (!nd_link_parse(nlh, &info)
        && !strncmp(info.alias, HAL_NETDEV_TAG, strlen(HAL_NETDEV_TAG))) {
        if (list->n >= list->allocated) {
            list->links = x2nrealloc(list->links, &list->allocated,
                                     list->n + 1, sizeof *list->links);
        }
        list->links[list->n++] = info;
    }
}

static void
load_bridges(struct hal_netdev *nd, const struct link_list *list)
{
    size_t i;

    for (i = 0; i < list->n; i++) {
        const struct nd_link_info *l = &list->links[i];
        struct hal_bridge_config c;
        struct nd_bridge *br;
        uint32_t index;
        bool is_vxlan;

        memset(&c, 0, sizeof c);
        c.vni = HAL_VNI_NONE;
        if (strcmp(l->kind, "bridge")
            || hal_netdev_parse_ifname(l->name, &index, &is_vxlan) || is_vxlan
            || hal_netdev_parse_bridge_alias(l->alias, &c)) {
            continue;
        }
        br = nd_bridge_alloc(nd, index);
        br->config = c;
        br->br_ifindex = l->ifindex;
    }
}

/* Attaches VXLAN devices and sub-interfaces to the bridges found; queues
 * the deletion of strays. */
static void
load_ports(struct hal_netdev *nd, const struct link_list *list,
           struct nd_batch *batch)
{
    bool have_switch = false;
    size_t i, p;

    for (i = 0; i < list->n; i++) {
        const struct nd_link_info *l = &list->links[i];
        struct nd_bridge *br = nd_bridge_by_ifindex(nd, l->master);
        uint32_t index;
        bool is_vxlan;

        if (!strcmp(l->kind, "vxlan")) {
            if (!br || hal_netdev_parse_ifname(l->name, &index, &is_vxlan)
                || !is_vxlan || index != br->index || br->vx_ifindex) {
                nd_batch_add(batch, nd_msg_link_del(l->ifindex), NULL);
                continue;
            }
            br->vx_ifindex = l->ifindex;
            br->config.vni = l->vni;
            if (!have_switch) {
                nd->sw.tunnel_src = l->local;
                nd->sw.vxlan_port = l->vxlan_port;
                have_switch = true;
            }
        } else if (!strcmp(l->kind, "vlan")) {
            for (p = 0; p < nd->n_ports; p++) {
                if (nd->ports[p].ifindex && nd->ports[p].ifindex == l->lower) {
                    break;
                }
            }
            if (!br || p >= nd->n_ports || nd_binding_find(nd, p, l->vlan)) {
                nd_batch_add(batch, nd_msg_link_del(l->ifindex), NULL);
                continue;
            }
            {
                struct nd_binding *b = xzalloc(sizeof *b);

                b->port = (uint32_t) p;
                b->vlan = l->vlan;
                b->bridge = nd_bridge_oid(br->index);
                b->ifindex = l->ifindex;
                nd_binding_insert(nd, b);
            }
        }
    }
}

/* Untagged bindings: front-panel ports enslaved to one of our bridges. */
static void
load_untagged(struct hal_netdev *nd)
{
    size_t p;

    for (p = 0; p < nd->n_ports; p++) {
        struct nd_link_info info;
        struct nd_bridge *br;

        if (!nd->ports[p].ifindex
            || nd_link_get(&nd->nl, nd->ports[p].ifindex, NULL, &info)) {
            continue;
        }
        br = nd_bridge_by_ifindex(nd, info.master);
        if (br) {
            struct nd_binding *b = xzalloc(sizeof *b);

            b->port = (uint32_t) p;
            b->vlan = HAL_VLAN_UNTAGGED;
            b->bridge = nd_bridge_oid(br->index);
            b->ifindex = nd->ports[p].ifindex;
            nd_binding_insert(nd, b);
        }
    }
}

static void
add_remote(struct in_addr **list, size_t *n, struct in_addr ip)
{
    *list = xrealloc(*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = ip;
}

static void
load_vxlan_entry(struct hal_netdev *nd, struct nd_bridge *br,
                 const struct nd_neigh_info *n)
{
    static const struct hal_mac zero;

    if (!n->has_dst) {
        return;
    }
    if (!memcmp(&n->mac, &zero, sizeof zero)) {
        add_remote(&br->bum, &br->n_bum, n->dst);
    } else if (hal_mac_is_multicast(&n->mac)) {
        struct nd_mcast *m = nd_mcast_find(br, &n->mac);

        if (!m) {
            struct hal_flood_group g = { nd_bridge_oid(br->index), 0, n->mac,
                                         NULL, 0 };
            int status;

            nd_mcast_set(&nd->up, &g, 1, &status);
            m = nd_mcast_find(br, &n->mac);
        }
        add_remote(&m->remotes, &m->n_remotes, n->dst);
        nd_tunnel_ref(nd, n->dst);
    } else {
        struct hal_fdb_entry e;

        memset(&e, 0, sizeof e);
        e.bridge = nd_bridge_oid(br->index);
        e.mac = n->mac;
        e.type = HAL_FDB_STATIC;
        e.remote = true;
        e.remote_ip = n->dst;
        e.vni = n->vni;
        if (!nd_fdb_find(br, &e.mac)) {
            nd_fdb_insert(nd, br, &e);
        }
    }
}

static void
load_neigh_cb(struct nlmsghdr *nlh, void *nd_)
{
    struct hal_netdev *nd = nd_;
    struct nd_neigh_info n;
    struct nd_binding *b;
    struct nd_bridge *br;
    struct hal_fdb_entry e;
    struct nd_fdb *f;

    if (nd_neigh_parse(nlh, &n)) {
        return;
    }
    if (n.flags & NTF_SELF) {
        HMAP_FOR_EACH(br, node, &nd->bridges) {
            if (br->vx_ifindex && br->vx_ifindex == n.ifindex) {
                load_vxlan_entry(nd, br, &n);
                return;
            }
        }
        return;
    }
    b = nd_binding_by_ifindex(nd, n.ifindex);
    br = b ? nd_bridge_find(nd, b->bridge) : NULL;
    if (!br || n.master != br->br_ifindex || n.state & NUD_PERMANENT
        || nd_fdb_find(br, &n.mac)) {
        return;
    }
    memset(&e, 0, sizeof e);
    e.bridge = b->bridge;
    e.mac = n.mac;
    e.type = n.state & NUD_NOARP ? HAL_FDB_STATIC : HAL_FDB_LEARNED;
    e.port = nd_port_oid(b->port);
    e.vlan = b->vlan;
    e.vni = HAL_VNI_NONE;
    f = nd_fdb_insert(nd, br, &e);
    f->ifindex = n.ifindex;
}

/* The kernel keeps one BUM list per VXLAN device; until the caller says
 * otherwise, each flood class is taken to be that list. */
static void
load_flood(struct hal_netdev *nd)
{
    struct nd_bridge *br;
    int t;

    HMAP_FOR_EACH(br, node, &nd->bridges) {
        struct in_addr *sorted = nd_ips_sorted(br->bum, &br->n_bum);
        struct nd_mcast *m;

        free(br->bum);
        br->bum = sorted;
        HMAP_FOR_EACH(m, node, &br->mcast) {
            sorted = nd_ips_sorted(m->remotes, &m->n_remotes);
            free(m->remotes);
            m->remotes = sorted;
        }
        for (t = 0; t < HAL_FLOOD_N && br->n_bum; t++) {
            size_t i;

            br->flood[t] = xmemdup(br->bum, br->n_bum * sizeof *br->bum);
            br->n_flood[t] = br->n_bum;
            nd->n_flood += (uint32_t) br->n_bum;
            for (i = 0; i < br->n_bum; i++) {
                nd_tunnel_ref(nd, br->bum[i]);
            }
        }
    }
}

int
nd_state_load(struct hal_netdev *nd, bool cold, bool *warm)
{
    struct link_list list = { NULL, 0, 0 };
    struct nd_batch batch;
    int error;
    size_t i;

    *warm = false;
    error = nd_dump(&nd->nl, RTM_GETLINK, AF_UNSPEC, link_collect_cb, &list);
    if (error) {
        free(list.links);
        return error;
    }
    nd_batch_init(&batch, &nd->nl);
    if (cold) {
        /* Deleting a bridge releases its ports. */
        for (i = 0; i < list.n; i++) {
            nd_batch_add(&batch, nd_msg_link_del(list.links[i].ifindex), NULL);
        }
        nd_batch_destroy(&batch);
        if (list.n) {
            VLOG_INFO("cold start: removed %zu interfaces of an earlier run",
                      list.n);
        }
        free(list.links);
        return 0;
    }
    load_bridges(nd, &list);
    load_ports(nd, &list, &batch);
    nd_batch_destroy(&batch);
    free(list.links);
    if (hmap_is_empty(&nd->bridges)) {
        return 0;
    }
    load_untagged(nd);
    error = nd_dump(&nd->nl, RTM_GETNEIGH, AF_BRIDGE, load_neigh_cb, nd);
    if (!error) {
        error = nd_neigh_load(nd);
    }
    load_flood(nd);
    *warm = true;
    return error;
}

void
nd_state_clear(struct hal_netdev *nd)
{
    struct nd_bridge *br;

    HMAP_FOR_EACH_SAFE(br, node, &nd->bridges) {
        nd_bridge_remove(&nd->up, nd_bridge_oid(br->index));
    }
    /* Nobody is left to hear about what was flushed: hal_close() has
     * released the event ring, which drops these. */
}

/* ---- Resync ------------------------------------------------------------- */

int
nd_resync_begin(struct hal *hal)
{
    struct hal_netdev *nd = nd_cast(hal);
    struct nd_binding *b;
    struct nd_bridge *br;

    if (nd->resyncing) {
        return -EBUSY;
    }
    nd->resyncing = true;
    nd_neigh_resync_begin(nd);
    HMAP_FOR_EACH(b, node, &nd->bindings) {
        b->seen = false;
    }
    HMAP_FOR_EACH(br, node, &nd->bridges) {
        struct nd_mcast *m;
        struct nd_fdb *f;

        br->seen = false;
        memset(br->flood_seen, 0, sizeof br->flood_seen);
        HMAP_FOR_EACH(f, node, &br->fdb) {
            f->seen = false;
        }
        HMAP_FOR_EACH(m, node, &br->mcast) {
            m->seen = false;
        }
    }
    return 0;
}

/* Removes what the replay did not mention from bridge 'br'. */
static void
sweep_bridge(struct hal_netdev *nd, struct nd_bridge *br)
{
    hal_oid_t oid = nd_bridge_oid(br->index);
    struct hal_fdb_entry *stale = NULL;
    size_t n = 0, allocated = 0;
    struct nd_mcast *m;
    struct nd_fdb *f;
    int t;

    HMAP_FOR_EACH(f, node, &br->fdb) {
        if (!f->seen && !f->peer && f->e.type == HAL_FDB_STATIC) {
            if (n >= allocated) {
                stale = x2nrealloc(stale, &allocated, n + 1, sizeof *stale);
            }
            stale[n++] = f->e;
        }
    }
    if (n) {
        int *status = xcalloc(n, sizeof *status);

        nd_fdb_remove(&nd->up, stale, n, status);
        free(status);
    }
    free(stale);
    HMAP_FOR_EACH_SAFE(m, node, &br->mcast) {
        if (!m->seen) {
            struct hal_flood_group g = { oid, 0, m->mac, NULL, 0 };
            int status;

            nd_mcast_remove(&nd->up, &g, 1, &status);
        }
    }
    for (t = 0; t < HAL_FLOOD_N; t++) {
        if (!br->flood_seen[t] && br->n_flood[t]) {
            struct hal_flood_group g = { oid, t, { { 0 } }, NULL, 0 };
            int status;

            nd_flood_set(&nd->up, &g, 1, &status);
        }
    }
}

int
nd_resync_end(struct hal *hal)
{
    struct hal_netdev *nd = nd_cast(hal);
    struct nd_binding *b;
    struct nd_bridge *br;
    struct nd_batch batch;

    if (!nd->resyncing) {
        return -EINVAL;
    }
    nd->resyncing = false;
    HMAP_FOR_EACH_SAFE(br, node, &nd->bridges) {
        if (!br->seen) {
            VLOG_INFO("resync: removing stale bridge %s", br->config.name);
            nd_bridge_remove(hal, nd_bridge_oid(br->index));
        }
    }
    nd_batch_init(&batch, &nd->nl);
    HMAP_FOR_EACH_SAFE(b, node, &nd->bindings) {
        if (!b->seen) {
            nd_binding_destroy(nd, b, &batch);
        }
    }
    nd_batch_destroy(&batch);
    nd_neigh_resync_end(nd);
    HMAP_FOR_EACH(br, node, &nd->bridges) {
        struct nd_fdb *f;

        sweep_bridge(nd, br);
        HMAP_FOR_EACH(f, node, &br->fdb) {
            if (f->e.type == HAL_FDB_LEARNED) {
                hal_event_fdb(&nd->up, HAL_EVENT_FDB_LEARNED, &f->e,
                              HAL_OID_NULL, 0);
            }
        }
    }
    return 0;
}

/* ---- Router interfaces of an earlier run -------------------------------- */

struct stale_addr {
    int ifindex;
    struct hal_ip ip;
    uint8_t len;
};

struct stale_rifs {
    const int *vrfs;
    size_t n_vrfs;
    struct nd_link_info *bridges; /* vtepd's bridges in those VRFs. */
    size_t n_bridges, alloc_bridges;
    struct stale_addr *addrs;
    size_t n_addrs, alloc_addrs;
};

static bool
is_stale_vrf(const struct stale_rifs *s, int ifindex)
{
    size_t i;

    for (i = 0; ifindex && i < s->n_vrfs; i++) {
        if (s->vrfs[i] == ifindex) {
            return true;
        }
    }
    return false;
}

static const struct nd_link_info *
stale_bridge(const struct stale_rifs *s, int ifindex)
{
    size_t i;

    for (i = 0; i < s->n_bridges; i++) {
        if (s->bridges[i].ifindex == ifindex) {
            return &s->bridges[i];
        }
    }
    return NULL;
}

static void
stale_bridge_cb(struct nlmsghdr *nlh, void *s_)
{
    struct stale_rifs *s = s_;
    struct nd_link_info info;

    if (!nd_link_parse(nlh, &info) && is_stale_vrf(s, info.master)
        && !strncmp(info.name, "vtb", 3)) {
        if (s->n_bridges >= s->alloc_bridges) {
            s->bridges = x2nrealloc(s->bridges, &s->alloc_bridges,
                                    s->n_bridges + 1, sizeof *s->bridges);
        }
        s->bridges[s->n_bridges++] = info;
    }
}

/* Notes a global address of one of the bridges (link-local ones are the
 * kernel's). */
static void
stale_addr_cb(struct nlmsghdr *nlh, void *s_)
{
    struct stale_rifs *s = s_;
    const struct ifaddrmsg *ifa = nlmsg_data(nlh);
    struct nlattr *tb[IFA_MAX + 1];
    struct stale_addr *sa;
    struct nlattr *a;

    if (nlh->nlmsg_type != RTM_NEWADDR
        || nlh->nlmsg_len < NLMSG_LENGTH(sizeof *ifa)
        || ifa->ifa_scope != RT_SCOPE_UNIVERSE
        || !stale_bridge(s, (int) ifa->ifa_index)
        || nlmsg_parse(nlh, sizeof *ifa, tb, IFA_MAX, NULL) < 0) {
        return;
    }
    a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
    if (!a || (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
        || nla_len(a) != (ifa->ifa_family == AF_INET ? 4 : 16)) {
        return;
    }
    if (s->n_addrs >= s->alloc_addrs) {
        s->addrs = x2nrealloc(s->addrs, &s->alloc_addrs, s->n_addrs + 1,
                              sizeof *s->addrs);
    }
    sa = &s->addrs[s->n_addrs++];
    memset(sa, 0, sizeof *sa);
    sa->ifindex = (int) ifa->ifa_index;
    sa->ip.family = ifa->ifa_family;
    memcpy(&sa->ip.v6, nla_data(a), (size_t) nla_len(a));
    sa->len = ifa->ifa_prefixlen;
}

static struct nl_msg *
msg_addr_del(const struct stale_addr *sa)
{
    struct rtnl_addr *addr = rtnl_addr_alloc();
    struct nl_addr *local = nl_addr_build(sa->ip.family, &sa->ip.v6,
                                          sa->ip.family == AF_INET ? 4 : 16);
    struct nl_msg *msg = NULL;

    if (addr && local) {
        nl_addr_set_prefixlen(local, sa->len);
        rtnl_addr_set_ifindex(addr, sa->ifindex);
        rtnl_addr_set_local(addr, local);
        if (rtnl_addr_build_delete_request(addr, 0, &msg)) {
            msg = NULL;
        }
    }
    nl_addr_put(local);
    rtnl_addr_put(addr);
    return msg;
}

/* Turns IPv4 forwarding off on bridge 'name' (router interfaces turn it
 * on). */
static void
forwarding_off(const char *name)
{
    sysctl_dev_set("ipv4", name, "forwarding", "0");
}

void
nd_resync_rif_addrs(struct hal_netdev *nd, const int *vrfs, size_t n)
{
    struct stale_rifs s = { .vrfs = vrfs, .n_vrfs = n };
    size_t i;

    if (!n) {
        return;
    }
    nd_dump(&nd->nl, RTM_GETLINK, AF_UNSPEC, stale_bridge_cb, &s);
    if (s.n_bridges) {
        nd_dump(&nd->nl, RTM_GETADDR, AF_UNSPEC, stale_addr_cb, &s);
    }
    for (i = 0; i < s.n_addrs; i++) {
        char ip[HAL_IP_STRLEN];

        VLOG_INFO("removing interface address %s/%u of an earlier run from "
                  "%s",
                  hal_ip_format(&s.addrs[i].ip, ip), s.addrs[i].len,
                  stale_bridge(&s, s.addrs[i].ifindex)->name);
        nd_request(&nd->nl, msg_addr_del(&s.addrs[i]));
    }
    for (i = 0; i < s.n_bridges; i++) {
        forwarding_off(s.bridges[i].name);
    }
    free(s.bridges);
    free(s.addrs);
}
