/* SPDX-License-Identifier: Apache-2.0 */
/* Routers' ARP counters on the netdev backend (ARP_REQ, ARP_REPLY).
 *
 * The kernel answers ARP for a router's interface addresses and resolves
 * its next hops on the interfaces' bridges, and counts neither per VRF.
 * What it sends passes the arp family's output hook with the bridge as
 * output device (arp_xmit(); the bridge's own answers for suppressed
 * ports leave with the port as output device, and are not the router's).
 * So each bridge with a router interface is put in a device group of its
 * router's (ND_ROUTER_GROUP(), route.c), and the ACLs' arp table (acl.c)
 * gets:
 *
 *   table arp vtepd
 *     chain arp-count   (filter hook output priority 100)
 *                       meta oifgroup 0x76740000 goto vtr0-arp; ...
 *     chain vtr0-arp    arp operation request counter;
 *                       arp operation reply counter
 *
 * A router's chain is made with the router and deleted with it, so that
 * its counts do not depend on its interfaces coming and going; only the
 * dispatch chain is rebuilt.  Without the arp family (acl.c logs it) the
 * counters stay 0. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hal/netdev/nft.h"
#include "hal/netdev/route-private.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(netdev_counters_arp);

#define COUNT_PRIORITY 100 /* After the ACLs' output chain (0). */
#define DISPATCH_CHAIN "arp-count"
#define ARP_REQUEST 1
#define ARP_REPLY 2

static void
chain_name(size_t idx, char chain[32])
{
    char vrf[IFNAMSIZ];

    nd_vrf_name(idx, vrf);
    snprintf(chain, 32, "%s-arp", vrf);
}

int
nd_counters_arp_router(struct hal_netdev *nd, size_t idx, bool add)
{
    static bool warned;
    const struct nd_l3 *l3 = nd->l3;
    int fd = nd_acl_nft_fd(nd), error;
    char chain[32];
    struct nft_buf b;

    if (fd < 0 || !nd_acl_has_arp(nd)) {
        return -EOPNOTSUPP;
    }
    chain_name(idx, chain);
    nft_buf_init(&b);
    b.family = ND_NFPROTO_ARP;
    nft_batch_begin(&b);
    if (add) {
        nft_chain(&b, true, ND_NFT_TABLE, chain, -1);
        nft_flush(&b, ND_NFT_TABLE, chain);
        nft_arp_count_rule(&b, ND_NFT_TABLE, chain, ARP_REQUEST);
        nft_arp_count_rule(&b, ND_NFT_TABLE, chain, ARP_REPLY);
    }
    nft_chain_prio(&b, true, ND_NFT_TABLE, DISPATCH_CHAIN, ND_NF_ARP_OUT,
                   COUNT_PRIORITY);
    nft_flush(&b, ND_NFT_TABLE, DISPATCH_CHAIN);
    for (size_t i = 0; i < l3->n_routers; i++) {
        if (l3->routers[i].valid && (add || i != idx)) {
            char target[32];

            chain_name(i, target);
            nft_group_dispatch_rule(&b, ND_NFT_TABLE, DISPATCH_CHAIN,
                                    ND_ROUTER_GROUP(i), target);
        }
    }
    if (!add) {
        nft_flush(&b, ND_NFT_TABLE, chain);
        nft_chain(&b, false, ND_NFT_TABLE, chain, -1);
    }
    nft_batch_end(&b);
    error = nft_send(fd, &b);
    nft_buf_destroy(&b);
    if (error && !warned) {
        warned = true;
        VLOG_WARN("no ARP router counters (%s %s): %s (%s)",
                  add ? "adding" : "removing", chain, strerror(-error),
                  nft_last_error());
    }
    return error;
}

void
nd_counters_arp_add(const struct hal_netdev *nd, size_t idx,
                    struct hal_router_stats *stats)
{
    uint64_t packets[2] = { 0, 0 };
    int fd = nd_acl_nft_fd(nd);
    char chain[32];

    if (fd < 0 || !nd_acl_has_arp(nd)) {
        return;
    }
    chain_name(idx, chain);
    if (!nft_counters(fd, ND_NFPROTO_ARP, ND_NFT_TABLE, chain, packets, 2)) {
        stats->arp_requests += packets[0];
        stats->arp_replies += packets[1];
    }
}
