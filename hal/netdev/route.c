/* SPDX-License-Identifier: Apache-2.0 */
/* Routing on the netdev backend: one Linux VRF device per router ("vtrN",
 * routing table HAL_NETDEV_VRF_TABLE + N), the bridges of its logical
 * switches enslaved to it with the router interface addresses and the
 * router MAC, static routes in the VRF's table and router neighbours as
 * permanent ARP entries on the bridges.  The kernel routes, decrements the
 * TTL, answers ARP for its addresses and resolves next hops itself.
 *
 * A kernel without VRF (CONFIG_NET_VRF) is found at open by creating a
 * probe device; routing is then unsupported and the reason is reported
 * (hal_route_unsupported_reason()).
 *
 * The mirror is small arrays searched linearly: a switch has few routers,
 * and routes are compared by key only when set or removed.  The VRFs are
 * not kept across a restart: they are deleted at open (with the addresses
 * the interfaces gave their bridges, resync.c) and replayed. */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/netdev/netdev-private.h"
#include "hal/netdev/route-private.h"
#include "lib/ds.h"
#include "lib/sysctl.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(netdev_route);

/* ---- Kernel requests ---------------------------------------------------- */

/* ---- Lifecycle ---------------------------------------------------------- */

/* Deletes the VRF devices an earlier run left ("vtr0", "vtr1", ...), after
 * taking back the addresses it gave their bridges: the interfaces still
 * wanted are replayed, and a stale address must not stay behind in the
 * main table once its bridge leaves the VRF. */
static void
delete_stale_vrfs(struct hal_netdev *nd)
{
    int *vrfs = NULL;
    size_t n = 0, allocated = 0, i;

    for (i = 0; i < ND_L3_MAX; i++) {
        struct nd_link_info info;
        char name[IFNAMSIZ];

        nd_vrf_name(i, name);
        if (nd_link_get(&nd->nl, 0, name, &info)) {
            break;
        }
        if (!strcmp(info.kind, "vrf")) {
            if (n >= allocated) {
                vrfs = x2nrealloc(vrfs, &allocated, n + 1, sizeof *vrfs);
            }
            vrfs[n++] = info.ifindex;
        }
    }
    nd_resync_rif_addrs(nd, vrfs, n);
    for (i = 0; i < n; i++) {
        nd_request(&nd->nl, nd_msg_link_del(vrfs[i]));
    }
    free(vrfs);
}

static void nd_l3_probe(struct hal_netdev *, struct nd_l3 *);

void
nd_l3_init(struct hal_netdev *nd)
{
    struct nd_l3 *l3 = xzalloc(sizeof *l3);
    uint64_t writes = nd->nl.writes;

    l3->ra_fd = -1;
    l3->ra_wake_ms = INT64_MAX;
    nd->l3 = l3;
    nd_l3_probe(nd, l3);
    /* Probing is no table write (warm restarts count those). */
    nd->nl.writes = writes;
}

static void
nd_l3_probe(struct hal_netdev *nd, struct nd_l3 *l3)
{
    struct nd_link_info info;
    int error;

    error = nd_request(&nd->nl, nd_msg_vrf_add("vtrprobe", ND_VRF_TABLE - 1));
    if (error && error != -EEXIST) {
        l3->unsupported = "the kernel has no VRF (CONFIG_NET_VRF)";
        VLOG_INFO("netdev: no routing: %s (%s)", l3->unsupported,
                  strerror(-error));
        return;
    }
    if (!nd_link_get(&nd->nl, 0, "vtrprobe", &info)) {
        nd_request(&nd->nl, nd_msg_link_del(info.ifindex));
    }
    delete_stale_vrfs(nd);
}

void
nd_l3_destroy(struct hal_netdev *nd, bool clear)
{
    struct nd_l3 *l3 = nd->l3;
    size_t i;

    if (!l3) {
        return;
    }
    for (i = 0; clear && i < l3->n_routers; i++) {
        if (l3->routers[i].valid) {
            nd_request(&nd->nl, nd_msg_link_del(l3->routers[i].ifindex));
        }
    }
    nd_ra_close(nd);
    free(l3->routers);
    free(l3->rifs);
    free(l3->nhs);
    free(l3->routes);
    free(l3->neighs);
    free(l3);
    nd->l3 = NULL;
}

const char *
nd_route_unsupported(const struct hal *hal)
{
    return nd_cast(hal)->l3->unsupported;
}

void
nd_l3_resources(const struct hal_netdev *nd, struct hal_resource res[])
{
    const struct nd_l3 *l3 = nd->l3;
    size_t i;

#define COUNT(NAME, TABLE)                                    \
    for (i = 0, res[TABLE].used = 0; i < l3->n_##NAME; i++) { \
        res[TABLE].used += l3->NAME[i].valid;                 \
    }
    COUNT(routers, HAL_TABLE_ROUTER);
    COUNT(rifs, HAL_TABLE_RIF);
    COUNT(nhs, HAL_TABLE_NEXTHOP);
    COUNT(routes, HAL_TABLE_ROUTE);
    COUNT(neighs, HAL_TABLE_RNEIGH);
#undef COUNT
}

/* ---- Routers and interfaces --------------------------------------------- */

/* Turns forwarding on for frames of 'family' arriving on bridge 'br'.
 * IPv4 per interface, so that the switch routes only between its router
 * interfaces, never between management and underlay.  IPv6 forwarding
 * has no such switch per interface (before Linux 6.17): it is turned on
 * for the whole namespace, once, with a log line. */
static int
bridge_forwarding(struct hal_netdev *nd, const struct nd_bridge *br,
                  int family)
{
    char name[IFNAMSIZ];
    int on = 0, error;

    hal_netdev_bridge_ifname(br->index, name);
    if (family == AF_INET) {
        return sysctl_dev_set("ipv4", name, "forwarding", "1");
    }
    error = sysctl_dev_get("ipv6", "all", "forwarding", &on);
    if (!error && !on) {
        error = sysctl_dev_set("ipv6", "all", "forwarding", "1");
        if (!error) {
            VLOG_INFO("IPv6 forwarding on (net.ipv6.conf.all.forwarding=1) "
                      "for the IPv6 router interface on %s: the kernel "
                      "routes IPv6 between all interfaces from now on",
                      name);
        }
    }
    return error;
}

/* Returns the index of a valid router interface other than 'except' with
 * the router and bridge of 'rif' ('first': only one before 'except'), or
 * -1.  Counters are kept per bridge: its first interface of a router holds
 * the base, the others share it. */
static int64_t
rif_sibling(const struct nd_l3 *l3, const struct nd_rif *rif, size_t except,
            bool first)
{
    size_t k, n = first ? except : l3->n_rifs;

    for (k = 0; k < n; k++) {
        if (k != except && l3->rifs[k].valid
            && l3->rifs[k].c.router == rif->c.router
            && l3->rifs[k].c.bridge == rif->c.bridge) {
            return (int64_t) k;
        }
    }
    return -1;
}

/* Returns true if a valid IPv6 router interface other than 'except' has
 * the router and bridge of 'rif'. */
static bool
rif_v6_sibling(const struct nd_l3 *l3, const struct nd_rif *rif, size_t except)
{
    size_t k;

    for (k = 0; k < l3->n_rifs; k++) {
        if (k != except && l3->rifs[k].valid
            && l3->rifs[k].c.ip.family == AF_INET6
            && l3->rifs[k].c.router == rif->c.router
            && l3->rifs[k].c.bridge == rif->c.bridge) {
            return true;
        }
    }
    return false;
}

/* Reads the IPv6 counters of the bridge of 'rif' into '*c'. */
static void
rif_snmp6(const struct nd_rif *rif, struct nd_snmp6 *c)
{
    char name[IFNAMSIZ];

    hal_netdev_bridge_ifname((uint32_t) (rif->c.bridge & HAL_OID_VALUE_MAX),
                             name);
    nd_snmp6_read(name, c);
}

static int
rif_bridge_ifindex(struct hal_netdev *nd, const struct nd_rif *rif)
{
    struct nd_bridge *br = nd_bridge_find(nd, rif->c.bridge);

    return br ? br->br_ifindex : 0;
}

/* Returns true if router config 'c' has peer 'p' (same MAC and VTEP). */
static bool
has_peer(const struct hal_router_config *c, const struct hal_router_peer *p)
{
    uint32_t i;

    for (i = 0; i < c->n_peers && i < HAL_ROUTER_PEERS_MAX; i++) {
        if (!memcmp(&c->peers[i].mac, &p->mac, sizeof p->mac)
            && c->peers[i].vtep.s_addr == p->vtep.s_addr) {
            return true;
        }
    }
    return false;
}

/* Brings the peers' FDB entries in the bridge of rif 'rif' from those of
 * router config 'had' (NULL: none) to those of 'want' (NULL: none). */
static void
rif_peers_sync(struct hal_netdev *nd, const struct nd_rif *rif,
               const struct hal_router_config *had,
               const struct hal_router_config *want)
{
    struct nd_bridge *br = nd_bridge_find(nd, rif->c.bridge);
    uint32_t i;

    for (i = 0; br && had && i < had->n_peers && i < HAL_ROUTER_PEERS_MAX;
         i++) {
        if (!want || !has_peer(want, &had->peers[i])) {
            nd_fdb_peer_remove(nd, br, &had->peers[i].mac);
        }
    }
    for (i = 0; br && want && i < want->n_peers && i < HAL_ROUTER_PEERS_MAX;
         i++) {
        int error =
            nd_fdb_peer_add(nd, br, &want->peers[i].mac, want->peers[i].vtep);

        if (error) {
            VLOG_WARN("%s: ARP MAC " HAL_MAC_FMT
                      " of another VTEP in bridge %s: %s",
                      want->name, HAL_MAC_ARGS(&want->peers[i].mac),
                      br->config.name, strerror(-error));
        }
    }
}

int
nd_router_set(struct hal *hal, const struct hal_router_config *c,
              hal_oid_t *oid)
{
    struct hal_netdev *nd = nd_cast(hal);
    struct nd_l3 *l3 = nd->l3;
    struct nd_link_info info;
    char name[IFNAMSIZ];
    int64_t i = -1;
    size_t j;
    int error;

    if (l3->unsupported) {
        return -EOPNOTSUPP;
    }
    if (*oid) {
        i = ND_FIND(l3, routers, *oid, HAL_OBJECT_ROUTER);
        if (i < 0) {
            return -ENOENT;
        }
    }
    for (j = 0; i < 0 && j < l3->n_routers; j++) {
        if (l3->routers[j].valid && !strcmp(l3->routers[j].c.name, c->name)) {
            i = (int64_t) j;
        }
    }
    if (i >= 0) {
        struct hal_router_config old = l3->routers[i].c;

        if (hal_ra_ceases(&old, c)) {
            /* Hosts drop the old gateway (link-local) at once. */
            nd_ra_cease(nd, hal_oid_make(HAL_OBJECT_ROUTER, (uint64_t) i), 0);
        }
        l3->routers[i].c = *c;
        for (j = 0; j < l3->n_rifs; j++) {
            if (l3->rifs[j].valid && l3->rifs[j].c.router == *oid) {
                int ifindex = rif_bridge_ifindex(nd, &l3->rifs[j]);

                nd_request(&nd->nl, nd_msg_link_router(ifindex, &c->mac,
                                                       hal_router_mtu(c)));
                if (l3->rifs[j].c.ip.family == AF_INET6
                    && memcmp(&old.mac, &c->mac, sizeof c->mac)) {
                    nd_bridge_link_local(nd, ifindex, &old.mac, false);
                    nd_bridge_link_local(nd, ifindex, &c->mac, true);
                }
                if (old.neigh_timeout_s != c->neigh_timeout_s) {
                    nd_rif_neigh_timeout(&l3->rifs[j], c->name,
                                         c->neigh_timeout_s);
                }
                rif_peers_sync(nd, &l3->rifs[j], &old, c);
            }
        }
        if (hal_ra_changed(&old, c)) {
            nd_ra_restart(nd);
        }
        nd_router_chains_sync(nd);
        *oid = hal_oid_make(HAL_OBJECT_ROUTER, (uint64_t) i);
        return 0;
    }
    i = ND_SLOT(l3, routers);
    if (i < 0) {
        return HAL_E_TABLE_FULL;
    }
    nd_vrf_name((size_t) i, name);
    error =
        nd_request(&nd->nl, nd_msg_vrf_add(name, ND_VRF_TABLE + (uint32_t) i));
    if (!error) {
        error = nd_link_get(&nd->nl, 0, name, &info);
    }
    if (error) {
        VLOG_WARN("%s: cannot create VRF %s: %s", c->name, name,
                  strerror(-error));
        return error;
    }
    error = nd_request(&nd->nl, nd_msg_route_unreachable(
                                    ND_VRF_TABLE + (uint32_t) i, AF_INET));
    if (error) {
        VLOG_WARN("%s: cannot end VRF %s's table with an unreachable "
                  "default route: %s",
                  c->name, name, strerror(-error));
        nd_request(&nd->nl, nd_msg_link_del(info.ifindex));
        return error;
    }
    /* Without IPv6 in the kernel, there is no IPv6 to leak. */
    nd_request(&nd->nl, nd_msg_route_unreachable(ND_VRF_TABLE + (uint32_t) i,
                                                 AF_INET6));
    memset(&l3->routers[i], 0, sizeof l3->routers[i]);
    l3->routers[i].valid = true;
    l3->routers[i].c = *c;
    l3->routers[i].ifindex = info.ifindex;
    nd_counters4_router(nd, name, true);
    nd_counters_arp_router(nd, (size_t) i, true);
    *oid = hal_oid_make(HAL_OBJECT_ROUTER, (uint64_t) i);
    return 0;
}

static int64_t
rif_find(const struct nd_l3 *l3, hal_oid_t oid)
{
    return ND_FIND(l3, rifs, oid, HAL_OBJECT_RIF);
}

int
nd_rif_create(struct hal *hal, const struct hal_rif_config *c, hal_oid_t *oid)
{
    struct hal_netdev *nd = nd_cast(hal);
    struct nd_l3 *l3 = nd->l3;
    int64_t r = ND_FIND(l3, routers, c->router, HAL_OBJECT_ROUTER);
    struct nd_bridge *br = nd_bridge_find(nd, c->bridge);
    struct nd_batch batch;
    int status = 0;
    int64_t i, sib;
    size_t j;

    if (r < 0 || !br) {
        return -ENOENT;
    }
    for (j = 0; j < l3->n_rifs; j++) {
        if (l3->rifs[j].valid && l3->rifs[j].c.bridge == c->bridge
            && (l3->rifs[j].c.router != c->router
                || hal_ip_equals(&l3->rifs[j].c.ip, &c->ip))) {
            return -EEXIST;
        }
    }
    i = ND_SLOT(l3, rifs);
    if (i < 0) {
        return HAL_E_TABLE_FULL;
    }
    nd_batch_init(&batch, &nd->nl);
    nd_batch_add(
        &batch,
        nd_msg_link_master(br->br_ifindex, l3->routers[r].ifindex, true),
        &status);
    nd_batch_add(&batch,
                 nd_msg_link_router(br->br_ifindex, &l3->routers[r].c.mac,
                                    hal_router_mtu(&l3->routers[r].c)),
                 &status);
    nd_batch_add(&batch, nd_msg_link_group(br->br_ifindex, ND_ROUTER_GROUP(r)),
                 &status);
    nd_batch_add(&batch,
                 nd_msg_addr(br->br_ifindex, &c->ip, c->prefix_len, true),
                 &status);
    nd_batch_destroy(&batch);
    if (c->ip.family == AF_INET6 && (!status || status == -EEXIST)) {
        nd_bridge_link_local(nd, br->br_ifindex, &l3->routers[r].c.mac, true);
    }
    if (!status || status == -EEXIST) {
        status = bridge_forwarding(nd, br, c->ip.family);
    }
    if (status && status != -EEXIST) {
        VLOG_WARN("%s: interface on bridge %s: %s", l3->routers[r].c.name,
                  br->config.name, strerror(-status));
        return status;
    }
    l3->rifs[i].valid = true;
    l3->rifs[i].c = *c;
    if (l3->routers[r].c.neigh_timeout_s) {
        nd_rif_neigh_timeout(&l3->rifs[i], l3->routers[r].c.name,
                             l3->routers[r].c.neigh_timeout_s);
    }
    sib = rif_sibling(l3, &l3->rifs[i], (size_t) i, false);
    if (sib >= 0) {
        l3->rifs[i].base = l3->rifs[sib].base;
    } else {
        rif_snmp6(&l3->rifs[i], &l3->rifs[i].base);
    }
    rif_peers_sync(nd, &l3->rifs[i], NULL, &l3->routers[r].c);
    if (c->ip.family == AF_INET6) {
        nd_ra_restart(nd);
    }
    nd_router_chains_sync(nd);
    *oid = hal_oid_make(HAL_OBJECT_RIF, (uint64_t) i);
    return 0;
}

/* Forgets what goes with rif 'i'; removes it from the kernel with 'kernel'
 * (not when its bridge is already gone). */
static void
rif_free(struct hal_netdev *nd, size_t i, bool kernel)
{
    struct nd_l3 *l3 = nd->l3;
    hal_oid_t oid = hal_oid_make(HAL_OBJECT_RIF, i);
    int ifindex = kernel ? rif_bridge_ifindex(nd, &l3->rifs[i]) : 0;
    size_t j;

    for (j = 0; j < l3->n_nhs; j++) {
        if (l3->nhs[j].valid && l3->nhs[j].c.rif == oid) {
            nd_nexthop_remove(&nd->up, hal_oid_make(HAL_OBJECT_NEXTHOP, j));
        }
    }
    for (j = 0; j < l3->n_routes; j++) {
        l3->routes[j].valid &= l3->routes[j].e.nexthop != oid;
    }
    for (j = 0; j < l3->n_neighs; j++) {
        if (l3->neighs[j].valid && l3->neighs[j].e.rif == oid) {
            if (ifindex) {
                nd_request(&nd->nl,
                           nd_msg_ip_neigh_del(ifindex, &l3->neighs[j].e.ip));
            }
            l3->neighs[j].valid = false;
        }
    }
    if (ifindex) {
        int64_t r =
            ND_FIND(l3, routers, l3->rifs[i].c.router, HAL_OBJECT_ROUTER);
        bool last_v6 = r >= 0 && l3->rifs[i].c.ip.family == AF_INET6
                       && !rif_v6_sibling(l3, &l3->rifs[i], i);
        struct nd_snmp6 now;

        if (last_v6) {
            /* While the bridge is still the router's. */
            nd_ra_cease(nd, l3->rifs[i].c.router, l3->rifs[i].c.bridge);
        }
        if (r >= 0 && rif_sibling(l3, &l3->rifs[i], i, false) < 0) {
            rif_snmp6(&l3->rifs[i], &now);
            nd_snmp6_add_delta(&l3->routers[r].gone, &now, &l3->rifs[i].base);
        }
        nd_request(&nd->nl, nd_msg_addr(ifindex, &l3->rifs[i].c.ip,
                                        l3->rifs[i].c.prefix_len, false));
        nd_request(&nd->nl, nd_msg_link_master(ifindex, 0, true));
        nd_request(&nd->nl, nd_msg_link_group(ifindex, 0));
        if (last_v6) {
            nd_bridge_link_local(nd, ifindex, &l3->routers[r].c.mac, false);
        }
        if (r >= 0) {
            rif_peers_sync(nd, &l3->rifs[i], &l3->routers[r].c, NULL);
            if (l3->routers[r].c.neigh_timeout_s
                && rif_sibling(l3, &l3->rifs[i], i, false) < 0) {
                nd_rif_neigh_timeout(&l3->rifs[i], l3->routers[r].c.name, 0);
            }
        }
    }
    l3->rifs[i].valid = false;
    if (l3->rifs[i].c.ip.family == AF_INET6) {
        nd_ra_restart(nd);
    }
    nd_router_chains_sync(nd);
    nd_acl_rif_gone(nd, oid);
}

int64_t
nd_rif_valid(const struct hal_netdev *nd, hal_oid_t oid)
{
    return nd->l3 ? rif_find(nd->l3, oid) : -1;
}

hal_oid_t
nd_rif_router(const struct hal_netdev *nd, hal_oid_t oid)
{
    int64_t i = nd_rif_valid(nd, oid);

    return i < 0 ? HAL_OID_NULL : nd->l3->rifs[i].c.router;
}

void
nd_router_acl_denied_add(struct hal_netdev *nd, hal_oid_t router,
                         enum hal_acl_stage stage, uint64_t n)
{
    int64_t i =
        nd->l3 ? ND_FIND(nd->l3, routers, router, HAL_OBJECT_ROUTER) : -1;

    if (i >= 0) {
        nd->l3->routers[i].acl_denied[stage] += n;
    }
}

int
nd_rif_bridge_ifname(const struct hal_netdev *nd, hal_oid_t oid,
                     char name[IFNAMSIZ])
{
    int64_t i = nd_rif_valid(nd, oid);

    if (i < 0) {
        return -ENOENT;
    }
    hal_netdev_bridge_ifname(
        (uint32_t) (nd->l3->rifs[i].c.bridge & HAL_OID_VALUE_MAX), name);
    return 0;
}

void
nd_rif_format(const struct hal_netdev *nd, hal_oid_t oid, struct ds *out)
{
    int64_t i = nd_rif_valid(nd, oid), r;
    char ip[HAL_IP_STRLEN];

    if (i < 0) {
        ds_put_cstr(out, "?");
        return;
    }
    r = ND_FIND(nd->l3, routers, nd->l3->rifs[i].c.router, HAL_OBJECT_ROUTER);
    ds_put_format(out, "%s %s/%u", r < 0 ? "?" : nd->l3->routers[r].c.name,
                  hal_ip_format(&nd->l3->rifs[i].c.ip, ip),
                  nd->l3->rifs[i].c.prefix_len);
}

int
nd_rif_remove(struct hal *hal, hal_oid_t oid)
{
    struct hal_netdev *nd = nd_cast(hal);
    int64_t i = rif_find(nd->l3, oid);

    if (i < 0) {
        return -ENOENT;
    }
    rif_free(nd, (size_t) i, true);
    return 0;
}

void
nd_l3_bridge_gone(struct hal_netdev *nd, hal_oid_t bridge)
{
    struct nd_l3 *l3 = nd->l3;
    size_t i;

    for (i = 0; l3 && i < l3->n_rifs; i++) {
        if (l3->rifs[i].valid && l3->rifs[i].c.bridge == bridge) {
            rif_free(nd, i, false);
        }
    }
}

void
nd_l3_peer_restore(struct hal_netdev *nd, struct nd_bridge *br,
                   const struct hal_mac *mac)
{
    struct nd_l3 *l3 = nd->l3;
    hal_oid_t bridge = nd_bridge_oid(br->index);
    size_t i;

    for (i = 0; l3 && i < l3->n_rifs; i++) {
        const struct hal_router_config *c =
            l3->rifs[i].c.bridge == bridge
                ? rif_router_config(l3, &l3->rifs[i])
                : NULL;

        for (uint32_t k = 0; c && k < c->n_peers && k < HAL_ROUTER_PEERS_MAX;
             k++) {
            if (!memcmp(&c->peers[k].mac, mac, sizeof *mac)) {
                nd_fdb_peer_add(nd, br, mac, c->peers[k].vtep);
                return;
            }
        }
    }
}

int
nd_router_remove(struct hal *hal, hal_oid_t oid)
{
    struct hal_netdev *nd = nd_cast(hal);
    struct nd_l3 *l3 = nd->l3;
    int64_t r = ND_FIND(l3, routers, oid, HAL_OBJECT_ROUTER);
    char name[IFNAMSIZ];
    size_t i;

    if (r < 0) {
        return -ENOENT;
    }
    nd_vrf_name((size_t) r, name);
    nd_counters4_router(nd, name, false);
    nd_counters_arp_router(nd, (size_t) r, false);
    for (i = 0; i < l3->n_rifs; i++) {
        if (l3->rifs[i].valid && l3->rifs[i].c.router == oid) {
            rif_free(nd, i, true);
        }
    }
    for (i = 0; i < l3->n_routes; i++) {
        l3->routes[i].valid &= l3->routes[i].e.router != oid;
    }
    nd_request(&nd->nl, nd_msg_link_del(l3->routers[r].ifindex));
    l3->routers[r].valid = false;
    return 0;
}

/* ---- Next hops, routes, neighbours -------------------------------------- */

int
nd_nexthop_create(struct hal *hal, const struct hal_nexthop_config *c,
                  hal_oid_t *oid)
{
    struct nd_l3 *l3 = nd_cast(hal)->l3;
    int64_t i;

    if (rif_find(l3, c->rif) < 0) {
        return -ENOENT;
    }
    i = ND_SLOT(l3, nhs);
    if (i < 0) {
        return HAL_E_TABLE_FULL;
    }
    l3->nhs[i].valid = true;
    l3->nhs[i].c = *c;
    *oid = hal_oid_make(HAL_OBJECT_NEXTHOP, (uint64_t) i);
    return 0;
}

static int64_t
route_find(const struct nd_l3 *l3, const struct hal_route_entry *e)
{
    size_t i;

    for (i = 0; i < l3->n_routes; i++) {
        const struct hal_route_entry *r = &l3->routes[i].e;

        if (l3->routes[i].valid && r->router == e->router
            && r->prefix_len == e->prefix_len
            && hal_ip_equals(&r->prefix, &e->prefix)) {
            return (int64_t) i;
        }
    }
    return -1;
}

/* The kernel request for route 'e' (NULL for a connected route, which the
 * kernel made with the interface address). */
static struct nl_msg *
route_msg(struct hal_netdev *nd, const struct hal_route_entry *e, bool add)
{
    struct nd_l3 *l3 = nd->l3;
    int64_t r = ND_FIND(l3, routers, e->router, HAL_OBJECT_ROUTER);
    int64_t nh = ND_FIND(l3, nhs, e->nexthop, HAL_OBJECT_NEXTHOP);
    int64_t rif = nh < 0 ? -1 : rif_find(l3, l3->nhs[nh].c.rif);

    if (r < 0 || rif < 0) {
        return NULL;
    }
    return nd_msg_route(ND_VRF_TABLE + (uint32_t) r, e,
                        rif_bridge_ifindex(nd, &l3->rifs[rif]),
                        &l3->nhs[nh].c.ip, add);
}

static int
route_set_one(struct hal_netdev *nd, const struct hal_route_entry *e)
{
    struct nd_l3 *l3 = nd->l3;
    bool connected = hal_oid_type(e->nexthop) == HAL_OBJECT_RIF;
    int64_t i;
    int error = 0;

    if (ND_FIND(l3, routers, e->router, HAL_OBJECT_ROUTER) < 0
        || (connected ? rif_find(l3, e->nexthop)
                      : ND_FIND(l3, nhs, e->nexthop, HAL_OBJECT_NEXTHOP))
               < 0) {
        return -ENOENT;
    }
    i = route_find(l3, e);
    if (i < 0) {
        i = ND_SLOT(l3, routes);
        if (i < 0) {
            return HAL_E_TABLE_FULL;
        }
    } else if (l3->routes[i].e.nexthop == e->nexthop) {
        return 0;
    }
    if (!connected) {
        error = nd_request(&nd->nl, route_msg(nd, e, true));
    }
    if (error) {
        return error;
    }
    l3->routes[i].valid = true;
    l3->routes[i].e = *e;
    return 0;
}

static int
route_remove_one(struct hal_netdev *nd, const struct hal_route_entry *e)
{
    int64_t i = route_find(nd->l3, e);

    if (i < 0) {
        return -ENOENT;
    }
    if (hal_oid_type(nd->l3->routes[i].e.nexthop) == HAL_OBJECT_NEXTHOP) {
        nd_request(&nd->nl, route_msg(nd, &nd->l3->routes[i].e, false));
    }
    nd->l3->routes[i].valid = false;
    return 0;
}

int
nd_route_set(struct hal *hal, const struct hal_route_entry *entries, size_t n,
             int *status)
{
    return HAL_BULK_APPLY(route_set_one, nd_cast(hal), entries, n, status);
}

int
nd_route_remove(struct hal *hal, const struct hal_route_entry *entries,
                size_t n, int *status)
{
    return HAL_BULK_APPLY(route_remove_one, nd_cast(hal), entries, n, status);
}

int
nd_nexthop_remove(struct hal *hal, hal_oid_t oid)
{
    struct hal_netdev *nd = nd_cast(hal);
    struct nd_l3 *l3 = nd->l3;
    int64_t i = ND_FIND(l3, nhs, oid, HAL_OBJECT_NEXTHOP);
    size_t j;

    if (i < 0) {
        return -ENOENT;
    }
    for (j = 0; j < l3->n_routes; j++) {
        if (l3->routes[j].valid && l3->routes[j].e.nexthop == oid) {
            route_remove_one(nd, &l3->routes[j].e);
        }
    }
    l3->nhs[i].valid = false;
    return 0;
}

static int64_t
neigh_find(const struct nd_l3 *l3, const struct hal_rneigh_entry *e)
{
    size_t i;

    for (i = 0; i < l3->n_neighs; i++) {
        if (l3->neighs[i].valid && l3->neighs[i].e.rif == e->rif
            && hal_ip_equals(&l3->neighs[i].e.ip, &e->ip)) {
            return (int64_t) i;
        }
    }
    return -1;
}

static int
rneigh_set_one(struct hal_netdev *nd, const struct hal_rneigh_entry *e)
{
    struct nd_l3 *l3 = nd->l3;
    int64_t rif = rif_find(l3, e->rif), i;
    int error;

    if (rif < 0) {
        return -ENOENT;
    }
    i = neigh_find(l3, e);
    if (i < 0 && (i = ND_SLOT(l3, neighs)) < 0) {
        return HAL_E_TABLE_FULL;
    }
    error = nd_request(
        &nd->nl, nd_msg_ip_neigh_add(rif_bridge_ifindex(nd, &l3->rifs[rif]),
                                     &e->ip, &e->mac));
    if (error) {
        return error;
    }
    l3->neighs[i].valid = true;
    l3->neighs[i].e = *e;
    l3->neighs[i].e.learned = false;
    return 0;
}

static int
rneigh_remove_one(struct hal_netdev *nd, const struct hal_rneigh_entry *e)
{
    struct nd_l3 *l3 = nd->l3;
    int64_t i = neigh_find(l3, e), rif = rif_find(l3, e->rif);

    if (i < 0 || rif < 0) {
        return -ENOENT;
    }
    nd_request(&nd->nl, nd_msg_ip_neigh_del(
                            rif_bridge_ifindex(nd, &l3->rifs[rif]), &e->ip));
    l3->neighs[i].valid = false;
    return 0;
}

int
nd_rneigh_set(struct hal *hal, const struct hal_rneigh_entry *entries,
              size_t n, int *status)
{
    return HAL_BULK_APPLY(rneigh_set_one, nd_cast(hal), entries, n, status);
}

int
nd_rneigh_remove(struct hal *hal, const struct hal_rneigh_entry *entries,
                 size_t n, int *status)
{
    return HAL_BULK_APPLY(rneigh_remove_one, nd_cast(hal), entries, n, status);
}

int
nd_router_stats_get(const struct hal *hal, hal_oid_t oid,
                    struct hal_router_stats *stats)
{
    const struct hal_netdev *nd = nd_cast(hal);
    const struct nd_l3 *l3 = nd->l3;
    int64_t i = ND_FIND(l3, routers, oid, HAL_OBJECT_ROUTER);
    char name[IFNAMSIZ];
    struct nd_snmp6 v6;
    size_t j;

    /* The kernel keeps no per-VRF counters: the ACL drops and IPv4 are
     * nftables counters (acl.c, counters4.c), IPv6 the bridges' (snmp6.c). */
    memset(stats, 0, sizeof *stats);
    if (i < 0) {
        return -ENOENT;
    }
    stats->acl_denied_in = l3->routers[i].acl_denied[HAL_ACL_INGRESS]
                           + nd_acl_router_denied(nd, oid, HAL_ACL_INGRESS);
    stats->acl_denied_out = l3->routers[i].acl_denied[HAL_ACL_EGRESS]
                            + nd_acl_router_denied(nd, oid, HAL_ACL_EGRESS);
    v6 = l3->routers[i].gone;
    for (j = 0; j < l3->n_rifs; j++) {
        if (l3->rifs[j].valid && l3->rifs[j].c.router == oid
            && rif_sibling(l3, &l3->rifs[j], j, true) < 0) {
            struct nd_snmp6 now;

            rif_snmp6(&l3->rifs[j], &now);
            nd_snmp6_add_delta(&v6, &now, &l3->rifs[j].base);
        }
    }
    stats->routed = v6.forwarded;
    stats->ttl_expired = v6.hdr_errors;
    stats->no_route = v6.no_route;
    stats->icmp_errors = v6.icmp_errors;
    nd_vrf_name((size_t) i, name);
    nd_counters4_add(nd, name, stats);
    nd_counters_arp_add(nd, (size_t) i, stats);
    return 0;
}

void
nd_route_walk(const struct hal *hal, const struct hal_route_walk *w, void *aux)
{
    const struct nd_l3 *l3 = nd_cast(hal)->l3;
    size_t i;

    for (i = 0; w->router && i < l3->n_routers; i++) {
        if (l3->routers[i].valid) {
            w->router(hal_oid_make(HAL_OBJECT_ROUTER, i), &l3->routers[i].c,
                      aux);
        }
    }
    for (i = 0; w->rif && i < l3->n_rifs; i++) {
        if (l3->rifs[i].valid) {
            w->rif(hal_oid_make(HAL_OBJECT_RIF, i), &l3->rifs[i].c, aux);
        }
    }
    for (i = 0; w->nexthop && i < l3->n_nhs; i++) {
        if (l3->nhs[i].valid) {
            w->nexthop(hal_oid_make(HAL_OBJECT_NEXTHOP, i), &l3->nhs[i].c,
                       aux);
        }
    }
    for (i = 0; w->route && i < l3->n_routes; i++) {
        if (l3->routes[i].valid) {
            w->route(&l3->routes[i].e, aux);
        }
    }
    for (i = 0; w->rneigh && i < l3->n_neighs; i++) {
        if (l3->neighs[i].valid) {
            w->rneigh(&l3->neighs[i].e, aux);
        }
    }
}
