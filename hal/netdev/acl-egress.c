/* SPDX-License-Identifier: Apache-2.0 */
/* The bridge's own neighbour advertisements through the ports' egress
 * ACLs.
 *
 * With neigh_suppress the bridge answers a neighbour solicitation itself
 * (br_nd_send()) and hands the advertisement straight to the port's device
 * (dev_queue_xmit()): no hook of the bridge family and none of the IPv6
 * family sees it, so the port's egress ACL (the bridge table's forward and
 * output hooks, acl.c) never did.  The one hook on its way is the netdev
 * family's egress hook of the device (Linux 5.16, CONFIG_NETFILTER_EGRESS).
 * That hook sees everything the device sends, the frames the bridge
 * forwarded (already filtered) too, so its chain takes only neighbour
 * advertisements of packet type "host", made on this host: the bridge's
 * answers and the router's own (which the bridge's output chain leaves to
 * this hook, tags.c, so that they meet the ACL once); forwarded frames
 * keep the type they came in with.
 *
 *   table netdev vtepd
 *     chain out         the egress bindings' oifname dispatch, as in the
 *                       bridge table
 *     chain aclN        the rules of every ACL, as in the bridge table
 *     chain eg-swp1     (filter hook egress device "swp1")
 *                       vlan id 10 return     (swp1's VLANs with a binding
 *                                              of their own)
 *                       meta pkttype host icmpv6 type nd-neighbor-advert
 *                         jump out
 *     chain eg-swp1.10  (filter hook egress device "swp1.10") the same
 *
 * An advertisement to a host on a tagged binding leaves by the
 * sub-interface, then by the port with the tag in its metadata: the
 * port's chain returns for the VLANs whose sub-interface has a chain, so
 * that each frame meets one ACL, as in the bridge table's dispatch.
 *
 * A base chain of the netdev family belongs to its device, and the kernel
 * removes it with the device: each chain is made, or deleted, in a batch
 * of its own, so that a device that went fails alone; a sub-interface
 * made again (its binding removed and added back) gets its chain back
 * from nd_acl_subifs_made(). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/netdev/acl-private.h"
#include "hal/netdev/nft.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(netdev_acl_egress);

static void
chain_name(const char *dev, char chain[32])
{
    snprintf(chain, 32, "eg-%s", dev);
}

bool
nd_acl_egress_init(struct nd_acl *acl)
{
    struct nft_buf b;
    int error;

    nft_buf_init(&b);
    b.family = ND_NFPROTO_NETDEV;
    nft_batch_begin(&b);
    nft_table_anew(&b, ND_NFT_TABLE);
    nft_chain(&b, true, ND_NFT_TABLE, "out", -1);
    /* Whether the kernel has the egress hook: a chain on lo, deleted in
     * the same batch. */
    nft_chain_dev(&b, ND_NFT_TABLE, "probe", ND_NF_NETDEV_EGRESS, "lo");
    nft_chain(&b, false, ND_NFT_TABLE, "probe", -1);
    nft_batch_end(&b);
    error = nft_send(acl->fd, &b);
    nft_buf_destroy(&b);
    if (error) {
        VLOG_INFO("the bridge's neighbour advertisements are not filtered: "
                  "no nftables netdev egress hook (%s)",
                  strerror(-error));
        return false;
    }
    return true;
}

/* Sends a batch that makes the chain of 'dev' with its rules (if 'dev' is
 * port 'port' itself, returning first for the port's VLANs with egress
 * bindings of their own), or with '!add' deletes it.  Returns 0 or a
 * negative errno. */
static int
dev_chain(const struct nd_acl *acl, const char *dev, int64_t port, bool add)
{
    const struct nd_acl_bind *bd;
    struct nft_buf b;
    char chain[32];
    int error;

    chain_name(dev, chain);
    nft_buf_init(&b);
    b.family = ND_NFPROTO_NETDEV;
    nft_batch_begin(&b);
    if (!add) {
        nft_flush(&b, ND_NFT_TABLE, chain);
        nft_chain(&b, false, ND_NFT_TABLE, chain, -1);
    } else {
        nft_chain_dev(&b, ND_NFT_TABLE, chain, ND_NF_NETDEV_EGRESS, dev);
        nft_flush(&b, ND_NFT_TABLE, chain);
        HMAP_FOR_EACH(bd, node, &acl->binds) {
            if (port >= 0 && !bd->rif && bd->stage == HAL_ACL_EGRESS
                && bd->port == (uint64_t) port && bd->vlan) {
                nft_vlan_return_rule(&b, ND_NFT_TABLE, chain, bd->vlan);
            }
        }
        nft_na_rule(&b, ND_NFT_TABLE, chain, true, "out");
    }
    nft_batch_end(&b);
    error = nft_send(acl->fd, &b);
    nft_buf_destroy(&b);
    return error;
}

static bool
has_dev(char (*devs)[IFNAMSIZ], size_t n, const char *dev)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(devs[i], dev)) {
            return true;
        }
    }
    return false;
}

void
nd_acl_egress_sync(const struct hal_netdev *nd, struct nd_acl *acl)
{
    char(*devs)[IFNAMSIZ] = NULL;
    const struct nd_acl_bind *bd;
    size_t n = 0;

    if (!acl->egress) {
        return;
    }
    HMAP_FOR_EACH(bd, node, &acl->binds) {
        const struct nd_port *p;
        char dev[IFNAMSIZ];
        int error;

        if (bd->rif || bd->stage != HAL_ACL_EGRESS) {
            continue;
        }
        p = &nd->ports[bd->port];
        if (bd->vlan) {
            hal_netdev_subif_name(p->name, p->ifindex, bd->vlan, dev);
        } else {
            snprintf(dev, sizeof dev, "%s", p->name);
        }
        if (has_dev(devs, n, dev)) {
            continue;
        }
        devs = xrealloc(devs, (n + 1) * sizeof *devs);
        memcpy(devs[n++], dev, IFNAMSIZ);
        error = dev_chain(acl, dev, bd->vlan ? -1 : (int64_t) bd->port, true);
        if (error) {
            VLOG_WARN("%s: the bridge's neighbour advertisements are not "
                      "filtered: %s (%s)",
                      dev, strerror(-error), nft_last_error());
        }
    }
    for (size_t i = 0; i < acl->n_egress_devs; i++) {
        if (!has_dev(devs, n, acl->egress_devs[i])) {
            /* Fails if the device, and so its chain, went. */
            dev_chain(acl, acl->egress_devs[i], -1, false);
        }
    }
    free(acl->egress_devs);
    acl->egress_devs = devs;
    acl->n_egress_devs = n;
}

void
nd_acl_egress_destroy(struct nd_acl *acl)
{
    free(acl->egress_devs);
    acl->egress_devs = NULL;
    acl->n_egress_devs = 0;
}

void
nd_acl_subifs_made(struct hal_netdev *nd)
{
    if (nd->acl && nd->acl->fd >= 0) {
        nd_acl_egress_sync(nd, nd->acl);
    }
}
