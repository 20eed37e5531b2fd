/* SPDX-License-Identifier: Apache-2.0 */
/* The netlink requests of the netdev backend's routing (route.c): VRF
 * devices, interface MACs, MTUs and addresses, routes. */
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/vrf.h>
#include <netlink/route/route.h>

#include "hal/netdev/netdev-private.h"

struct nl_msg *
nd_msg_vrf_add(const char *name, uint32_t table)
{
    struct rtnl_link *link = rtnl_link_vrf_alloc();
    struct nl_msg *msg = NULL;

    if (!link) {
        return NULL;
    }
    rtnl_link_set_name(link, name);
    rtnl_link_set_flags(link, IFF_UP);
    if (rtnl_link_vrf_set_tableid(link, table)
        || rtnl_link_build_add_request(link, NLM_F_CREATE | NLM_F_EXCL,
                                       &msg)) {
        msg = NULL;
    }
    rtnl_link_put(link);
    return msg;
}

struct nl_msg *
nd_msg_link_router(int ifindex, const struct hal_mac *mac, uint32_t mtu)
{
    struct rtnl_link *orig = rtnl_link_alloc(), *changes = rtnl_link_alloc();
    struct nl_addr *addr = nl_addr_build(AF_LLC, mac->ea, 6);
    struct nl_msg *msg = NULL;

    if (orig && changes && addr) {
        rtnl_link_set_ifindex(orig, ifindex);
        rtnl_link_set_addr(changes, addr);
        rtnl_link_set_mtu(changes, mtu);
        if (rtnl_link_build_change_request(orig, changes, 0, &msg)) {
            msg = NULL;
        }
    }
    nl_addr_put(addr);
    rtnl_link_put(orig);
    rtnl_link_put(changes);
    return msg;
}

static struct nl_addr *
ip_addr(const struct hal_ip *ip, uint8_t len)
{
    struct nl_addr *a =
        nl_addr_build(ip->family, &ip->v6, ip->family == AF_INET ? 4 : 16);

    if (a) {
        nl_addr_set_prefixlen(a, len);
    }
    return a;
}

struct nl_msg *
nd_msg_addr(int ifindex, const struct hal_ip *ip, uint8_t len, bool add)
{
    struct rtnl_addr *addr = rtnl_addr_alloc();
    struct nl_addr *local = ip_addr(ip, len);
    struct nl_msg *msg = NULL;

    if (addr && local) {
        rtnl_addr_set_ifindex(addr, ifindex);
        rtnl_addr_set_local(addr, local);
        if (ip->family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&ip->v6)) {
            /* The router's link-local address (ra.c sends from it at
             * once): derived from its MAC, so no duplicate to detect. */
            rtnl_addr_set_flags(addr, IFA_F_NODAD);
        }
        if (add ? rtnl_addr_build_add_request(addr, NLM_F_CREATE, &msg)
                : rtnl_addr_build_delete_request(addr, 0, &msg)) {
            msg = NULL;
        }
    }
    nl_addr_put(local);
    rtnl_addr_put(addr);
    return msg;
}

struct nl_msg *
nd_msg_route(uint32_t table, const struct hal_route_entry *e, int oif,
             const struct hal_ip *gw, bool add)
{
    struct rtnl_route *r = rtnl_route_alloc();
    struct nl_addr *dst = ip_addr(&e->prefix, e->prefix_len);
    struct nl_addr *via = gw ? ip_addr(gw, hal_ip_max_len(gw)) : NULL;
    struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
    struct nl_msg *msg = NULL;

    if (r && dst && nh && (!gw || via)) {
        rtnl_route_set_family(r, e->prefix.family);
        rtnl_route_set_table(r, table);
        rtnl_route_set_dst(r, dst);
        rtnl_route_set_protocol(r, RTPROT_STATIC);
        rtnl_route_nh_set_ifindex(nh, oif);
        if (via) {
            rtnl_route_nh_set_gateway(nh, via);
        }
        rtnl_route_add_nexthop(r, nh);
        nh = NULL;
        if (add ? rtnl_route_build_add_request(r, NLM_F_CREATE | NLM_F_REPLACE,
                                               &msg)
                : rtnl_route_build_del_request(r, 0, &msg)) {
            msg = NULL;
        }
    }
    if (nh) {
        rtnl_route_nh_free(nh);
    }
    nl_addr_put(dst);
    nl_addr_put(via);
    rtnl_route_put(r);
    return msg;
}

struct nl_msg *
nd_msg_route_unreachable(uint32_t table, int family)
{
    static const uint8_t any[16];
    struct rtnl_route *r = rtnl_route_alloc();
    struct nl_addr *dst =
        nl_addr_build(family, any, family == AF_INET ? 4 : 16);
    struct nl_msg *msg = NULL;

    if (r && dst) {
        nl_addr_set_prefixlen(dst, 0);
        rtnl_route_set_family(r, (uint8_t) family);
        rtnl_route_set_table(r, table);
        rtnl_route_set_dst(r, dst);
        rtnl_route_set_type(r, RTN_UNREACHABLE);
        rtnl_route_set_priority(r, ND_VRF_UNREACHABLE_METRIC);
        rtnl_route_set_protocol(r, RTPROT_STATIC);
        if (rtnl_route_build_add_request(r, NLM_F_CREATE | NLM_F_REPLACE,
                                         &msg)) {
            msg = NULL;
        }
    }
    nl_addr_put(dst);
    rtnl_route_put(r);
    return msg;
}
