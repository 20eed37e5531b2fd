/* SPDX-License-Identifier: Apache-2.0 */
/* IPv6 packets "from" a router's own address are not forwarded.
 *
 * Linux drops a forwarded IPv4 packet whose source is one of its own
 * addresses (fib_validate_source(), accept_local 0), but ip6_forward()
 * makes no such check: a host on one of the router's subnets can send
 * packets under the router's address, whose answers then go to the
 * router.  The switch (hal/asic) drops them as "the router's address as
 * source", so the backend keeps a chain in the ACLs' inet table, rebuilt
 * whenever routers or their interfaces change:
 *
 *   table inet vtepd
 *     chain source6  (filter hook forward priority -10, before the ACLs)
 *       iifname "vtr0" meta nfproto ipv6 ip6 saddr 2001:db8:1::1 counter drop
 *       ... one rule per IPv6 address of each router, on its VRF
 *
 * A routed packet's input device in the forward hook is its VRF
 * (vrf_ip6_rcv() switches skb->dev, except for link-local and neighbour
 * discovery traffic, which is not forwarded), so that a router's
 * addresses stop only packets routed by it, not by another router whose
 * hosts reuse them.  The chain exists only while some router has an IPv6
 * interface. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "hal/netdev/nft.h"
#include "hal/netdev/route-private.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(netdev_source6);

#define SOURCE6_CHAIN "source6"
#define SOURCE6_PRIORITY (-10) /* Before the ACLs' filter chain (0). */

void
nd_source6_sync(struct hal_netdev *nd)
{
    struct nd_l3 *l3 = nd->l3;
    int fd = nd_acl_nft_fd(nd), error;
    struct nft_buf b;
    size_t n = 0;

    if (fd < 0) {
        return;
    }
    nft_buf_init(&b);
    b.family = ND_NFPROTO_INET;
    nft_batch_begin(&b);
    /* Made (if need be), emptied and deleted, then made again if needed. */
    nft_chain_prio(&b, true, ND_NFT_TABLE, SOURCE6_CHAIN, ND_NF_INET_FORWARD,
                   SOURCE6_PRIORITY);
    nft_flush(&b, ND_NFT_TABLE, SOURCE6_CHAIN);
    nft_chain(&b, false, ND_NFT_TABLE, SOURCE6_CHAIN, -1);
    for (size_t i = 0; i < l3->n_rifs; i++) {
        const struct nd_rif *rif = &l3->rifs[i];
        int64_t r =
            rif->valid ? ND_FIND(l3, routers, rif->c.router, HAL_OBJECT_ROUTER)
                       : -1;
        char vrf[IFNAMSIZ];

        if (r < 0 || rif->c.ip.family != AF_INET6) {
            continue;
        }
        if (!n++) {
            nft_chain_prio(&b, true, ND_NFT_TABLE, SOURCE6_CHAIN,
                           ND_NF_INET_FORWARD, SOURCE6_PRIORITY);
        }
        nd_vrf_name((size_t) r, vrf);
        nft_source_drop_rule(&b, ND_NFT_TABLE, SOURCE6_CHAIN, vrf,
                             &rif->c.ip.v6);
    }
    nft_batch_end(&b);
    if (n || l3->n_sources) {
        error = nft_send(fd, &b);
        if (error) {
            VLOG_WARN("IPv6 from the routers' own addresses (%zu): %s (%s)", n,
                      strerror(-error), nft_last_error());
        }
        l3->n_sources = error ? 0 : n;
    }
    nft_buf_destroy(&b);
}
