/* SPDX-License-Identifier: Apache-2.0 */
/* Routers' IPv4 counters on the netdev backend.  The kernel counts IPv4
 * per network namespace only (/proc/net/snmp), so each router's are
 * nftables counters in the inet table of the ACLs (acl.c):
 *
 *   table inet vtepd
 *     chain routed4     (filter hook forward priority 100)
 *                       iifname "vtr0" goto vtr0-routed4; ...
 *     chain icmp4       (filter hook output priority 100)
 *                       oifname "vtr0" goto vtr0-icmp4; ...
 *     chain vtr0-routed4  meta nfproto ipv4 counter
 *     chain vtr0-icmp4    meta nfproto ipv4 meta l4proto icmp, then
 *                         icmp type time-exceeded code 0 counter;
 *                         icmp type destination-unreachable
 *                           code & 0xfe == 0 counter;
 *                         icmp type destination-unreachable counter;
 *                         icmp type time-exceeded counter
 *
 * A packet routed in a VRF comes to the forward hook with the VRF as its
 * input device (vrf_ip_rcv() switches skb->dev to it); an ICMP error the
 * router sends passes the output hook twice, first with the VRF as its
 * output device (vrf_ip_out_direct()), then with the bridge: it is
 * counted on the first pass.  The forward chain comes after the ACLs'
 * (priority 0), so that what they drop is not counted as routed.
 *
 * Each router's counters are in chains of its own, made with the router
 * and deleted with it; only the dispatch chains are rebuilt, so the counts
 * survive other routers coming and going, and the router's interfaces
 * changing (the VRF stays). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/netdev/netdev-private.h"
#include "hal/netdev/nft.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(netdev_counters4);

#define COUNT_PRIORITY 100 /* After the ACLs' filter chain (0). */
#define ROUTED_CHAIN "routed4"
#define ICMP_CHAIN "icmp4"
#define ICMP_TIME_EXCEEDED 11
#define ICMP_DEST_UNREACH 3

/* The rules of a router's ICMP chain, in order. */
enum { R_TTL, R_NO_ROUTE, R_UNREACH, R_TIME_EXCEEDED, N_ICMP_RULES };

struct nd_counters4 {
    char (*vrfs)[IFNAMSIZ]; /* The routers that have chains. */
    size_t n;
    bool warned;
};

static void
chain_names(const char *vrf, char routed[32], char icmp[32])
{
    snprintf(routed, 32, "%s-" ROUTED_CHAIN, vrf);
    snprintf(icmp, 32, "%s-" ICMP_CHAIN, vrf);
}

/* Adds to 'b' the chains of router 'vrf' and their rules, or with '!add'
 * deletes them. */
static void
router_chains(struct nft_buf *b, const char *vrf, bool add)
{
    char routed[32], icmp[32];

    chain_names(vrf, routed, icmp);
    if (!add) {
        nft_flush(b, ND_NFT_TABLE, routed);
        nft_chain(b, false, ND_NFT_TABLE, routed, -1);
        nft_flush(b, ND_NFT_TABLE, icmp);
        nft_chain(b, false, ND_NFT_TABLE, icmp, -1);
        return;
    }
    nft_chain(b, true, ND_NFT_TABLE, routed, -1);
    nft_flush(b, ND_NFT_TABLE, routed);
    nft_count4_rule(b, ND_NFT_TABLE, routed, -1, 0, 0);
    nft_chain(b, true, ND_NFT_TABLE, icmp, -1);
    nft_flush(b, ND_NFT_TABLE, icmp);
    /* Time exceeded in transit (code 0; 1 is reassembly). */
    nft_count4_rule(b, ND_NFT_TABLE, icmp, ICMP_TIME_EXCEEDED, 0, 0xff);
    /* Network or host unreachable (codes 0 and 1). */
    nft_count4_rule(b, ND_NFT_TABLE, icmp, ICMP_DEST_UNREACH, 0, 0xfe);
    nft_count4_rule(b, ND_NFT_TABLE, icmp, ICMP_DEST_UNREACH, 0, 0);
    nft_count4_rule(b, ND_NFT_TABLE, icmp, ICMP_TIME_EXCEEDED, 0, 0);
}

/* Adds to 'b' the hooked chains, dispatching to the routers' chains. */
static void
dispatch(struct nft_buf *b, const struct nd_counters4 *c4)
{
    nft_chain_prio(b, true, ND_NFT_TABLE, ROUTED_CHAIN, ND_NF_INET_FORWARD,
                   COUNT_PRIORITY);
    nft_flush(b, ND_NFT_TABLE, ROUTED_CHAIN);
    nft_chain_prio(b, true, ND_NFT_TABLE, ICMP_CHAIN, ND_NF_INET_LOCAL_OUT,
                   COUNT_PRIORITY);
    nft_flush(b, ND_NFT_TABLE, ICMP_CHAIN);
    for (size_t i = 0; i < c4->n; i++) {
        char routed[32], icmp[32];

        chain_names(c4->vrfs[i], routed, icmp);
        nft_dispatch_rule(b, ND_NFT_TABLE, ROUTED_CHAIN, false, c4->vrfs[i],
                          false, routed);
        nft_dispatch_rule(b, ND_NFT_TABLE, ICMP_CHAIN, true, c4->vrfs[i],
                          false, icmp);
    }
}

static int64_t
vrf_find(const struct nd_counters4 *c4, const char *vrf)
{
    for (size_t i = 0; c4 && i < c4->n; i++) {
        if (!strcmp(c4->vrfs[i], vrf)) {
            return (int64_t) i;
        }
    }
    return -1;
}

int
nd_counters4_router(struct hal_netdev *nd, const char *vrf, bool add)
{
    int fd = nd_acl_nft_fd(nd), error;
    struct nd_counters4 *c4;
    struct nft_buf b;
    int64_t i;

    if (fd < 0) {
        return -EOPNOTSUPP;
    }
    if (!nd->c4) {
        nd->c4 = xzalloc(sizeof *nd->c4);
    }
    c4 = nd->c4;
    i = vrf_find(c4, vrf);
    if (add && i < 0) {
        c4->vrfs = xrealloc(c4->vrfs, (c4->n + 1) * sizeof *c4->vrfs);
        snprintf(c4->vrfs[c4->n++], IFNAMSIZ, "%s", vrf);
    } else if (!add && i >= 0) {
        memmove(&c4->vrfs[i], &c4->vrfs[i + 1],
                (c4->n - (size_t) i - 1) * sizeof *c4->vrfs);
        c4->n--;
    }
    nft_buf_init(&b);
    b.family = ND_NFPROTO_INET;
    nft_batch_begin(&b);
    if (add) {
        router_chains(&b, vrf, true);
    }
    dispatch(&b, c4);
    if (!add) {
        router_chains(&b, vrf, false);
    }
    nft_batch_end(&b);
    error = nft_send(fd, &b);
    nft_buf_destroy(&b);
    if (error && add && (i = vrf_find(c4, vrf)) >= 0) {
        /* The kernel has no chains for it. */
        memcpy(c4->vrfs[i], c4->vrfs[--c4->n], sizeof *c4->vrfs);
    }
    if (error && !c4->warned) {
        c4->warned = true;
        VLOG_WARN("no IPv4 router counters (%s %s): %s (%s)",
                  add ? "adding" : "removing", vrf, strerror(-error),
                  nft_last_error());
    }
    return error;
}

int
nd_counters4_add(const struct hal_netdev *nd, const char *vrf,
                 struct hal_router_stats *stats)
{
    uint64_t routed = 0, icmp[N_ICMP_RULES] = { 0 };
    char routed_chain[32], icmp_chain[32];
    int fd = nd_acl_nft_fd(nd), error;

    if (fd < 0 || vrf_find(nd->c4, vrf) < 0) {
        return fd < 0 ? -EOPNOTSUPP : -ENOENT;
    }
    chain_names(vrf, routed_chain, icmp_chain);
    error = nft_counters(fd, ND_NFPROTO_INET, ND_NFT_TABLE, routed_chain,
                         &routed, 1);
    if (!error) {
        error = nft_counters(fd, ND_NFPROTO_INET, ND_NFT_TABLE, icmp_chain,
                             icmp, N_ICMP_RULES);
    }
    if (error) {
        return error;
    }
    stats->routed += routed;
    stats->ttl_expired += icmp[R_TTL];
    stats->no_route += icmp[R_NO_ROUTE];
    stats->icmp_errors += icmp[R_UNREACH] + icmp[R_TIME_EXCEEDED];
    return 0;
}

void
nd_counters4_destroy(struct hal_netdev *nd)
{
    if (nd->c4) {
        free(nd->c4->vrfs);
        free(nd->c4);
        nd->c4 = NULL;
    }
}
