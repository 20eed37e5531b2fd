/* SPDX-License-Identifier: Apache-2.0 */
/* What the netdev backend's router interfaces give their bridges besides
 * the MAC, MTU and address (route.c): the router's link-local address, from
 * which ra.c advertises and for which the kernel then answers neighbour
 * solicitations, and the router's neighbour timeout. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hal/netdev/netdev-private.h"
#include "hal/netdev/route-private.h"
#include "lib/sysctl.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(netdev_rif);

/* Adds (or deletes) the link-local address of a router with MAC 'mac' on
 * bridge device 'ifindex' (hal_router_link_local()). */
void
nd_bridge_link_local(struct hal_netdev *nd, int ifindex,
                     const struct hal_mac *mac, bool add)
{
    struct hal_ip ll;
    int error;

    hal_router_link_local(mac, &ll);
    error = nd_request(&nd->nl, nd_msg_addr(ifindex, &ll, 64, add));
    if (error && error != -EEXIST && error != -EADDRNOTAVAIL) {
        VLOG_WARN("%s the router's link-local address: %s",
                  add ? "adding" : "deleting", strerror(-error));
    }
}

/* Gives the bridge of rif 'rif' neighbour timeout 'timeout_s' (0: the
 * kernel's default) of router 'router', for IPv4 and IPv6: Linux's
 * base_reachable_time, which Cumulus Linux calls its ARP timeout.  A
 * neighbour is then reachable for 1/2 to 3/2 of it after it was last
 * confirmed, stale after that, and probed when next used. */
void
nd_rif_neigh_timeout(const struct nd_rif *rif, const char *router,
                     uint32_t timeout_s)
{
    static const char *const protos[] = { "ipv4", "ipv6" };
    char name[IFNAMSIZ];
    size_t i;

    hal_netdev_bridge_ifname((uint32_t) (rif->c.bridge & HAL_OID_VALUE_MAX),
                             name);
    for (i = 0; i < ARRAY_SIZE(protos); i++) {
        int ms = (int) timeout_s * 1000, error = 0;
        char value[16];

        if (!ms) {
            /* A namespace other than the first has no "default": its
             * loopback device got the kernel's default when it was made,
             * as the bridge did. */
            error = sysctl_neigh_get(protos[i], "default",
                                     "base_reachable_time_ms", &ms);
            if (error == -ENOENT) {
                error = sysctl_neigh_get(protos[i], "lo",
                                         "base_reachable_time_ms", &ms);
            }
        }
        if (!error) {
            snprintf(value, sizeof value, "%d", ms);
            error = sysctl_neigh_set(protos[i], name, "base_reachable_time_ms",
                                     value);
        }
        if (error && error != -ENOENT) { /* ENOENT: no IPv6 on it. */
            VLOG_WARN("%s: neighbour timeout on %s (%s): %s", router, name,
                      protos[i], strerror(-error));
        }
    }
}
