/* SPDX-License-Identifier: Apache-2.0 */
/* Gateway aliases: IP frames to another VTEP's ARP MAC routed here.
 *
 * A host that learned its gateway's address from another VTEP's ARP
 * request (Arp_Sources_Remote) sends its IP packets to that VTEP's MAC.
 * Every VTEP of a distributed router is the gateway of its own hosts, so
 * they must be routed here; but a Linux bridge passes up only frames to
 * its own address (br_handle_frame() marks PACKET_HOST only for
 * br->dev->dev_addr, and ip_rcv() drops PACKET_OTHERHOST).  A chain on
 * the bridge family's prerouting hook, in the ACLs' table, rewrites such
 * a frame's destination to the router MAC (the bridge's address) and its
 * packet type to host before the bridge looks the destination up.  ARP
 * is left alone: replies to that VTEP go to it (fdb.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hal/netdev/netdev-private.h"
#include "hal/netdev/nft.h"
#include "hal/netdev/route-private.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(netdev_gateway);

#define GATEWAY_CHAIN "gateway"

/* A MAC that a router's bridge takes as its own for IP: another VTEP's
 * ARP MAC (Arp_Sources_Remote), which hosts may have learned as their
 * gateway's. */
struct nd_gateway_alias {
    char bridge[IFNAMSIZ]; /* The router interface's bridge, */
    struct hal_mac alias;  /* frames to this MAC on it */
    struct hal_mac mac;    /* go to its own, the router's. */
};

/* Replaces the kernel's gateway aliases with the 'n' of 'aliases'.
 * Returns 0 or a negative errno (-EOPNOTSUPP without nftables). */
static int
aliases_set(struct hal_netdev *nd, const struct nd_gateway_alias *aliases,
            size_t n)
{
    int fd = nd_acl_nft_fd(nd), error;
    struct nft_buf b;
    size_t i;

    if (fd < 0) {
        return n ? -EOPNOTSUPP : 0;
    }
    nft_buf_init(&b);
    b.family = ND_NFPROTO_BRIDGE;
    nft_batch_begin(&b);
    /* Made (if need be) and deleted, then made again with its rules: the
     * hook is registered anew, so that it sees bridges made since (see
     * nd_acl_bridge_created()). */
    nft_chain(&b, true, ND_NFT_TABLE, GATEWAY_CHAIN, -1);
    nft_flush(&b, ND_NFT_TABLE, GATEWAY_CHAIN);
    nft_chain(&b, false, ND_NFT_TABLE, GATEWAY_CHAIN, -1);
    if (n) {
        nft_chain(&b, true, ND_NFT_TABLE, GATEWAY_CHAIN, ND_NF_BR_PRE_ROUTING);
    }
    for (i = 0; i < n; i++) {
        nft_gateway_alias_rules(&b, ND_NFT_TABLE, GATEWAY_CHAIN,
                                aliases[i].bridge, aliases[i].alias.ea,
                                aliases[i].mac.ea);
    }
    nft_batch_end(&b);
    error = nft_send(fd, &b);
    nft_buf_destroy(&b);
    if (error) {
        VLOG_WARN("gateway aliases (%zu): %s (%s)", n, strerror(-error),
                  nft_last_error());
    } else {
        VLOG_INFO("gateway aliases: %zu (other VTEPs' ARP MACs on router "
                  "interfaces' bridges)",
                  n);
    }
    return error;
}

void
nd_gateway_sync(struct hal_netdev *nd)
{
    struct nd_l3 *l3 = nd->l3;
    struct nd_gateway_alias *a = NULL;
    size_t n = 0, allocated = 0, i;
    uint32_t k;

    for (i = 0; i < l3->n_rifs; i++) {
        const struct nd_rif *rif = &l3->rifs[i];
        const struct hal_router_config *c = rif_router_config(l3, rif);

        for (k = 0; c && k < c->n_peers && k < HAL_ROUTER_PEERS_MAX; k++) {
            if (n >= allocated) {
                a = x2nrealloc(a, &allocated, n + 1, sizeof *a);
            }
            memset(&a[n], 0, sizeof a[n]);
            hal_netdev_bridge_ifname(
                (uint32_t) (rif->c.bridge & HAL_OID_VALUE_MAX), a[n].bridge);
            a[n].alias = c->peers[k].mac;
            a[n].mac = c->mac;
            n++;
        }
    }
    if (n || l3->n_aliases) {
        l3->n_aliases = aliases_set(nd, a, n) ? 0 : n;
    }
    free(a);
}
