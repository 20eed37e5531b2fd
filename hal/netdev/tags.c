/* SPDX-License-Identifier: Apache-2.0 */
/* The base chains of the ACLs' tables (acl.c), and 802.1Q tags on the
 * netdev backend's bridges, checked as the switch does.
 *
 * A Linux bridge without VLAN filtering forwards whatever tag a frame
 * carries: a frame tagged with a VLAN that has no binding on a port whose
 * untagged binding enslaved the port itself (the 8021q sub-interface for
 * that VLAN does not exist, so the tag stays on the frame) reaches the
 * other ports of the bridge with its tag, and the VXLAN device sends it
 * into the overlay with the tag inside (vxlan_xmit() pushes a tag held in
 * metadata back into the frame).  The same happens to the inner tag of a
 * double-tagged frame on a tagged binding, once the sub-interface took
 * the outer one.  The switch (hal/asic, sim/) drops the first at ingress
 * ("no binding for port and VLAN"), and does not send the second into a
 * tunnel (RFC 7348 6.1: a VTEP SHOULD NOT send an inner tag; receivers
 * SHOULD discard decapsulated frames with one), so the bridge family's
 * table of the ACLs (acl.c) gets three chains:
 *
 *   chain tags-in       iifname "vtx*" vlan tagged counter drop
 *                       jump tags-unbound
 *   chain tags-unbound  iifname "swp1" vlan id != 0 counter drop
 *                       ... one rule per port with an untagged binding
 *   chain tags-out      oifname "vtx*" vlan id != 0 counter drop
 *
 * the first jumped to from a prerouting base chain, ahead of the bridge's
 * learning and of the ingress ACLs, the last from the forward base chain
 * after the egress ACLs: decapsulated frames with a tag go nowhere (nor
 * are they learned from); a frame
 * from the port of an untagged binding with a tag whose VLAN ID is not 0
 * has no binding (a tagged binding's frames come in by its
 * sub-interface, another device); and no tag but a priority tag goes into
 * a tunnel.  A priority-tagged frame (VLAN ID 0) belongs to the untagged
 * binding: nftables cannot pop its tag, so a tc filter does, ahead of the
 * bridge (prio-tags.c), where the kernel can.  Every rule names vtepd's own
 * devices (its VXLAN devices "vtxN", its ports), since the hook sees
 * every bridge of the namespace; tags-unbound is rebuilt as the untagged
 * bindings change, what it counted kept across. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hal/netdev/acl-private.h"
#include "hal/netdev/netdev-private.h"
#include "hal/netdev/nft.h"
#include "lib/ds.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(netdev_tags);

#define TAGS_UNBOUND "tags-unbound"
#define TAGS_PREROUTING "prerouting"
#define VXLAN_DEVS "vtx" /* vtepd's VXLAN devices (names.c). */

/* ---- The base chains of the ACLs' tables (acl.c) --------------------------- */

void
nd_acl_base_chain(struct nft_buf *b, bool tags, bool na_egress)
{
    bool bridge = b->family == ND_NFPROTO_BRIDGE;

    if (bridge && tags) {
        /* Ahead of the bridge, which learns a frame's source before its
         * forward hook: the switch drops at ingress, learning nothing. */
        nft_chain(b, true, ND_NFT_TABLE, TAGS_PREROUTING,
                  ND_NF_BR_PRE_ROUTING);
        nft_jump_rule(b, ND_NFT_TABLE, TAGS_PREROUTING, ND_TAGS_IN);
    }
    nft_chain(b, true, ND_NFT_TABLE, "forward",
              bridge ? ND_NF_BR_FORWARD : ND_NF_INET_FORWARD);
    nft_jump_rule(b, ND_NFT_TABLE, "forward", "in");
    nft_jump_rule(b, ND_NFT_TABLE, "forward", "out");
    if (tags) {
        nft_jump_rule(b, ND_NFT_TABLE, "forward", ND_TAGS_OUT);
    }
    if (bridge) {
        /* What the bridge device sends (the router's packets and answers)
         * meets the egress ACLs of its ports, as on the switch. */
        nft_chain(b, true, ND_NFT_TABLE, "output", ND_NF_BR_LOCAL_OUT);
        if (na_egress) {
            /* Neighbour advertisements meet it in the port's egress hook,
             * with the bridge's own (acl-egress.c): once. */
            nft_na_rule(b, ND_NFT_TABLE, "output", false, NULL);
        }
        nft_jump_rule(b, ND_NFT_TABLE, "output", "out");
    }
}

void
nd_acl_base_chain_renew(struct nft_buf *b, bool tags, bool na_egress)
{
    static const char *const chains[] = { "forward", "output",
                                          TAGS_PREROUTING };

    for (size_t i = 0; i < sizeof chains / sizeof *chains; i++) {
        /* Made first if missing (the tags' before nd_tags_init()). */
        nft_chain(b, true, ND_NFT_TABLE, chains[i], -1);
        nft_flush(b, ND_NFT_TABLE, chains[i]);
        nft_chain(b, false, ND_NFT_TABLE, chains[i], -1);
    }
    nd_acl_base_chain(b, tags, na_egress);
}

/* ---- The tag chains --------------------------------------------------------- */

bool
nd_tags_init(int fd, bool na_egress)
{
    struct nft_buf b;
    int error;

    nft_buf_init(&b);
    b.family = ND_NFPROTO_BRIDGE;
    nft_batch_begin(&b);
    nft_chain(&b, true, ND_NFT_TABLE, TAGS_UNBOUND, -1);
    nft_chain(&b, true, ND_NFT_TABLE, ND_TAGS_IN, -1);
    nft_flush(&b, ND_NFT_TABLE, ND_TAGS_IN);
    nft_tag_rule(&b, ND_NFT_TABLE, ND_TAGS_IN, false, VXLAN_DEVS, true,
                 NFT_TAG_ANY, true);
    nft_jump_rule(&b, ND_NFT_TABLE, ND_TAGS_IN, TAGS_UNBOUND);
    nft_chain(&b, true, ND_NFT_TABLE, ND_TAGS_OUT, -1);
    nft_flush(&b, ND_NFT_TABLE, ND_TAGS_OUT);
    nft_tag_rule(&b, ND_NFT_TABLE, ND_TAGS_OUT, true, VXLAN_DEVS, true,
                 NFT_TAG_VID, true);
    /* The base chains again, now with the jumps to these. */
    nd_acl_base_chain_renew(&b, true, na_egress);
    nft_batch_end(&b);
    error = nft_send(fd, &b);
    nft_buf_destroy(&b);
    if (error) {
        VLOG_WARN("802.1Q tags are not checked: frames of unbound VLANs "
                  "and inner tags cross the bridges (%s: %s)",
                  strerror(-error), nft_last_error());
        return false;
    }
    return true;
}

/* What tags-unbound's 'n' rules counted, or 0 if unreadable. */
static uint64_t
unbound_count(int fd, size_t n)
{
    uint64_t *c = xcalloc(n + 1, sizeof *c), sum = 0;

    if (n
        && !nft_counters(fd, ND_NFPROTO_BRIDGE, ND_NFT_TABLE, TAGS_UNBOUND, c,
                         n)) {
        for (size_t i = 0; i < n; i++) {
            sum += c[i];
        }
    }
    free(c);
    return sum;
}

void
nd_tags_sync(struct hal_netdev *nd)
{
    struct nd_acl *acl = nd->acl;
    const struct nd_binding *bd;
    struct nft_buf b;
    uint64_t old;
    size_t n = 0;
    int error;

    if (!acl || acl->fd < 0 || !acl->tags) {
        return;
    }
    nft_buf_init(&b);
    b.family = ND_NFPROTO_BRIDGE;
    nft_batch_begin(&b);
    nft_flush(&b, ND_NFT_TABLE, TAGS_UNBOUND);
    HMAP_FOR_EACH(bd, node, &nd->bindings) {
        if (bd->vlan == HAL_VLAN_UNTAGGED) {
            nft_tag_rule(&b, ND_NFT_TABLE, TAGS_UNBOUND, false,
                         nd->ports[bd->port].name, false, NFT_TAG_VID, true);
            n++;
        }
    }
    nft_batch_end(&b);
    old = unbound_count(acl->fd, acl->tags_n_unbound);
    error = nft_send(acl->fd, &b);
    nft_buf_destroy(&b);
    if (error) {
        /* The old rules, and their counts, stay. */
        VLOG_WARN("802.1Q tags of %zu untagged bindings: %s (%s)", n,
                  strerror(-error), nft_last_error());
    } else {
        acl->tags_unbound_gone += old;
        acl->tags_n_unbound = n;
    }
}

void
nd_tags_dump(const struct hal_netdev *nd, struct ds *out)
{
    const struct nd_acl *acl = nd->acl;
    uint64_t from_overlay = 0, to_overlay = 0;

    if (nft_counters(acl->fd, ND_NFPROTO_BRIDGE, ND_NFT_TABLE, ND_TAGS_IN,
                     &from_overlay, 1)
        || nft_counters(acl->fd, ND_NFPROTO_BRIDGE, ND_NFT_TABLE, ND_TAGS_OUT,
                        &to_overlay, 1)) {
        ds_put_cstr(out, "802.1Q drops: unreadable\n");
        return;
    }
    ds_put_format(
        out,
        "802.1Q drops: no binding for port and VLAN %llu, "
        "tagged from a tunnel %llu, inner tag to a tunnel %llu\n",
        (unsigned long long) (acl->tags_unbound_gone
                              + unbound_count(acl->fd, acl->tags_n_unbound)),
        (unsigned long long) from_overlay, (unsigned long long) to_overlay);
}
