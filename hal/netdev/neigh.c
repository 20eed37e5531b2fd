/* SPDX-License-Identifier: Apache-2.0 */
/* Neighbour entries (ARP/ND suppression) of the netdev backend, with the
 * kernel's own mechanism rather than a responder in user space:
 *
 *   neighbour       permanent IPv4/IPv6 neighbour on the Linux bridge
 *                   ("ip neigh replace IP lladdr MAC dev vtbN nud permanent")
 *   its MAC         static entry in the bridge's FDB on the VXLAN port
 *                   ("bridge fdb replace MAC dev vtxN master static"), since
 *                   remote MACs otherwise live only in the VXLAN device's
 *                   own table
 *   suppression     the VXLAN bridge port's neigh_suppress flag
 *
 * The bridge (br_arp_nd.c) answers an ARP request or NS from a local port
 * when the target is a valid neighbour of the bridge device whose MAC the
 * bridge FDB places behind a port with neigh_suppress, and then does not
 * flood the request to such ports: nothing reaches the overlay.  Requests
 * for other targets are flooded as before.  The kernel keeps no counters
 * of this, so hal_neigh_stats_get() is not offered.
 *
 * The kernel refuses IPv6 neighbours on a device with IPv6 disabled (the
 * default of many VTEP hosts), so before the first IPv6 entry of a bridge
 * the backend turns IPv6 on for the bridge device alone, with
 * addr_gen_mode "none" first so that it gets no link-local address and
 * sends nothing (no DAD, router or MLD traffic) into the logical switch.
 *
 * The backend mirrors what it programmed (by bridge index and IP) to make
 * repeated sets free and to know when a MAC's FDB entry is still used. */
#include <errno.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "hal/netdev/netdev-private.h"
#include "lib/hash.h"
#include "lib/sysctl.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(netdev_neigh);

struct nd_neigh_entry {
    struct hmap_node node; /* In nd->neighs. */
    uint32_t bridge;       /* Index of the nd_bridge. */
    struct hal_ip ip;
    struct hal_mac mac;
    bool seen; /* Set since hal_resync_begin(). */
};

static uint32_t
entry_hash(uint32_t bridge, const struct hal_ip *ip)
{
    return hal_ip_hash(ip, hash_int(bridge, 0));
}

static struct nd_neigh_entry *
entry_find(const struct hal_netdev *nd, uint32_t bridge,
           const struct hal_ip *ip)
{
    struct nd_neigh_entry *n;

    HMAP_FOR_EACH_WITH_HASH(n, node, entry_hash(bridge, ip), &nd->neighs) {
        if (n->bridge == bridge && hal_ip_equals(&n->ip, ip)) {
            return n;
        }
    }
    return NULL;
}

/* Returns true if an entry of 'bridge' other than 'except' uses 'mac'. */
static bool
mac_in_use(const struct hal_netdev *nd, uint32_t bridge,
           const struct hal_mac *mac, const struct nd_neigh_entry *except)
{
    const struct nd_neigh_entry *n;

    HMAP_FOR_EACH(n, node, &nd->neighs) {
        if (n != except && n->bridge == bridge
            && !memcmp(&n->mac, mac, sizeof *mac)) {
            return true;
        }
    }
    return false;
}

static struct nd_neigh
master_fdb(const struct nd_bridge *br, const struct hal_mac *mac)
{
    struct nd_neigh fdb = { .ifindex = br->vx_ifindex, .mac = *mac };

    fdb.vni = HAL_VNI_NONE;
    return fdb;
}

/* Lets bridge device 'ifindex' hold IPv6 neighbours without an address of
 * its own.  Returns 0 or a negative errno (-EAFNOSUPPORT without IPv6). */
static int
bridge_enable_ipv6(int ifindex)
{
    char ifname[IF_NAMESIZE];
    int error;

    if (!if_indextoname((unsigned) ifindex, ifname)) {
        return -errno;
    }
    error = sysctl_dev_set("ipv6", ifname, "addr_gen_mode", "1");
    if (!error) {
        error = sysctl_dev_set("ipv6", ifname, "disable_ipv6", "0");
    }
    return error == -ENOENT ? -EAFNOSUPPORT : error;
}

/* Returns true if 'mac' is behind a local binding of 'br' (a static local
 * entry, or one the bridge learned: an address from IP learning).  Such a
 * MAC must keep its own FDB entry, not get one on the VXLAN port; the
 * kernel then does not answer for it (no neigh_suppress on local ports)
 * and the request is flooded as before. */
static bool
mac_is_local(const struct nd_bridge *br, const struct hal_mac *mac)
{
    const struct nd_fdb *f = nd_fdb_find(br, mac);

    return f && !f->e.remote;
}

/* Queues the requests of one set; 'status' collects their first error. */
static void
queue_set(struct nd_batch *batch, const struct nd_bridge *br,
          const struct hal_neigh_entry *e, int *status)
{
    if (br->vx_ifindex && !mac_is_local(br, &e->mac)) {
        struct nd_neigh fdb = master_fdb(br, &e->mac);

        nd_batch_add(batch, nd_msg_brport_neigh_suppress(br->vx_ifindex, true),
                     status);
        nd_batch_add(batch, nd_msg_neigh_add(&fdb, false), status);
    }
    nd_batch_add(batch, nd_msg_ip_neigh_add(br->br_ifindex, &e->ip, &e->mac),
                 status);
}

/* Removes the FDB entry of 'mac' unless another neighbour needs it. */
static void
queue_mac_release(struct hal_netdev *nd, struct nd_batch *batch,
                  const struct nd_bridge *br, const struct hal_mac *mac,
                  const struct nd_neigh_entry *except)
{
    if (br->vx_ifindex && !mac_in_use(nd, br->index, mac, except)
        && !mac_is_local(br, mac)) {
        struct nd_neigh fdb = master_fdb(br, mac);

        nd_batch_add(batch, nd_msg_neigh_del(&fdb), NULL);
    }
}

static void
entry_commit(struct hal_netdev *nd, struct nd_batch *batch,
             const struct nd_bridge *br, const struct hal_neigh_entry *e)
{
    struct nd_neigh_entry *n = entry_find(nd, br->index, &e->ip);

    if (!n) {
        n = xzalloc(sizeof *n);
        n->bridge = br->index;
        n->ip = e->ip;
        hmap_insert(&nd->neighs, &n->node, entry_hash(br->index, &e->ip));
    } else {
        struct hal_mac old = n->mac;

        n->mac = e->mac;
        queue_mac_release(nd, batch, br, &old, NULL);
    }
    n->mac = e->mac;
    n->seen = true;
}

int
nd_neigh_set(struct hal *hal, const struct hal_neigh_entry *entries, size_t n,
             int *status)
{
    struct hal_netdev *nd = nd_cast(hal);
    struct nd_batch batch, cleanup;
    int first = 0;
    size_t i;

    nd_batch_init(&batch, &nd->nl);
    for (i = 0; i < n; i++) {
        const struct nd_bridge *br = nd_bridge_find(nd, entries[i].bridge);
        const struct nd_neigh_entry *old =
            br ? entry_find(nd, br->index, &entries[i].ip) : NULL;

        status[i] = br ? 0 : -ENOENT;
        if (br && !old && entries[i].ip.family == AF_INET6) {
            status[i] = bridge_enable_ipv6(br->br_ifindex);
        }
        if (br && !status[i]
            && (!old || memcmp(&old->mac, &entries[i].mac, 6))) {
            queue_set(&batch, br, &entries[i], &status[i]);
        }
    }
    nd_batch_flush(&batch);
    nd_batch_init(&cleanup, &nd->nl);
    for (i = 0; i < n; i++) {
        const struct nd_bridge *br = nd_bridge_find(nd, entries[i].bridge);

        if (!status[i]) {
            entry_commit(nd, &cleanup, br, &entries[i]);
        }
        first = first ? first : status[i];
    }
    nd_batch_destroy(&cleanup);
    nd_batch_destroy(&batch);
    return first;
}

int
nd_neigh_remove(struct hal *hal, const struct hal_neigh_entry *entries,
                size_t n, int *status)
{
    struct hal_netdev *nd = nd_cast(hal);
    struct nd_batch batch;
    int first = 0;
    size_t i;

    nd_batch_init(&batch, &nd->nl);
    for (i = 0; i < n; i++) {
        const struct nd_bridge *br = nd_bridge_find(nd, entries[i].bridge);
        struct nd_neigh_entry *e =
            br ? entry_find(nd, br->index, &entries[i].ip) : NULL;

        status[i] = e ? 0 : -ENOENT;
        if (e) {
            nd_batch_add(&batch, nd_msg_ip_neigh_del(br->br_ifindex, &e->ip),
                         NULL);
            queue_mac_release(nd, &batch, br, &e->mac, e);
            hmap_remove(&nd->neighs, &e->node);
            free(e);
        }
        first = first ? first : status[i];
    }
    nd_batch_destroy(&batch);
    return first;
}

void
nd_neigh_walk(const struct hal *hal, hal_oid_t bridge, hal_neigh_walk_cb *cb,
              void *aux)
{
    const struct hal_netdev *nd = nd_cast(hal);
    const struct nd_neigh_entry *n;

    HMAP_FOR_EACH(n, node, &nd->neighs) {
        struct hal_neigh_entry e = { .bridge = nd_bridge_oid(n->bridge),
                                     .ip = n->ip,
                                     .mac = n->mac };

        if (!bridge || e.bridge == bridge) {
            cb(&e, aux);
        }
    }
}

void
nd_neigh_bridge_gone(struct hal_netdev *nd, uint32_t bridge)
{
    struct nd_neigh_entry *n;

    HMAP_FOR_EACH_SAFE(n, node, &nd->neighs) {
        if (n->bridge == bridge) {
            hmap_remove(&nd->neighs, &n->node);
            free(n);
        }
    }
}

void
nd_neigh_replay_vxlan(struct hal_netdev *nd, const struct nd_bridge *br,
                      struct nd_batch *batch)
{
    const struct nd_neigh_entry *n;
    bool any = false;

    HMAP_FOR_EACH(n, node, &nd->neighs) {
        if (n->bridge == br->index) {
            struct nd_neigh fdb = master_fdb(br, &n->mac);

            /* The bridge's own neighbours do not survive the change either
             * (its carrier drops with its only tunnel port). */
            if (!mac_is_local(br, &n->mac)) {
                nd_batch_add(batch, nd_msg_neigh_add(&fdb, false), NULL);
            }
            nd_batch_add(batch,
                         nd_msg_ip_neigh_add(br->br_ifindex, &n->ip, &n->mac),
                         NULL);
            any = true;
        }
    }
    if (any) {
        nd_batch_add(batch, nd_msg_brport_neigh_suppress(br->vx_ifindex, true),
                     NULL);
    }
}

void
nd_neigh_destroy_all(struct hal_netdev *nd)
{
    struct nd_neigh_entry *n;

    HMAP_FOR_EACH_SAFE(n, node, &nd->neighs) {
        hmap_remove(&nd->neighs, &n->node);
        free(n);
    }
    hmap_destroy(&nd->neighs);
}

bool
nd_neigh_known(const struct hal_netdev *nd, uint32_t bridge,
               const struct hal_ip *ip)
{
    return entry_find(nd, bridge, ip) != NULL;
}

/* Adds to the mirror a permanent neighbour of one of our bridge devices
 * from a dump (an RTM_NEWNEIGH of family AF_INET or AF_INET6). */
static void
load_cb(struct nlmsghdr *nlh, void *nd_)
{
    struct hal_netdev *nd = nd_;
    const struct ndmsg *ndm = NLMSG_DATA(nlh);
    int len = (int) nlh->nlmsg_len - (int) NLMSG_LENGTH(sizeof *ndm);
    const struct rtattr *rta =
        (const struct rtattr *) ((const char *) ndm
                                 + NLMSG_ALIGN(sizeof *ndm));
    struct nd_neigh_entry e;
    bool has_ip = false, has_mac = false;
    struct nd_bridge *br;

    if (nlh->nlmsg_type != RTM_NEWNEIGH || len < 0
        || !(ndm->ndm_state & NUD_PERMANENT)
        || (ndm->ndm_family != AF_INET && ndm->ndm_family != AF_INET6)) {
        return;
    }
    br = NULL;
    HMAP_FOR_EACH(br, node, &nd->bridges) {
        if (br->br_ifindex == ndm->ndm_ifindex) {
            break;
        }
    }
    if (!br) {
        return;
    }
    memset(&e, 0, sizeof e);
    e.ip.family = ndm->ndm_family;
    for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
        size_t plen = RTA_PAYLOAD(rta);

        if (rta->rta_type == NDA_DST
            && plen == (e.ip.family == AF_INET ? 4u : 16u)) {
            memcpy(&e.ip.v4, RTA_DATA(rta), plen);
            has_ip = true;
        } else if (rta->rta_type == NDA_LLADDR && plen == 6) {
            memcpy(e.mac.ea, RTA_DATA(rta), 6);
            has_mac = true;
        }
    }
    if (has_ip && has_mac && !entry_find(nd, br->index, &e.ip)) {
        struct nd_neigh_entry *n = xmemdup(&e, sizeof e);

        n->bridge = br->index;
        hmap_insert(&nd->neighs, &n->node, entry_hash(br->index, &n->ip));
    }
}

int
nd_neigh_load(struct hal_netdev *nd)
{
    int error = nd_dump(&nd->nl, RTM_GETNEIGH, AF_INET, load_cb, nd);
    int error6 = nd_dump(&nd->nl, RTM_GETNEIGH, AF_INET6, load_cb, nd);

    /* A kernel without IPv6 has no IPv6 neighbours to find. */
    return error ? error : error6 == -EAFNOSUPPORT ? 0 : error6;
}

void
nd_neigh_resync_begin(struct hal_netdev *nd)
{
    struct nd_neigh_entry *n;

    HMAP_FOR_EACH(n, node, &nd->neighs) {
        n->seen = false;
    }
}

void
nd_neigh_resync_end(struct hal_netdev *nd)
{
    struct hal_neigh_entry *stale = NULL;
    size_t n_stale = 0, allocated = 0;
    struct nd_neigh_entry *n;

    HMAP_FOR_EACH(n, node, &nd->neighs) {
        if (!n->seen) {
            if (n_stale >= allocated) {
                stale =
                    x2nrealloc(stale, &allocated, n_stale + 1, sizeof *stale);
            }
            stale[n_stale].bridge = nd_bridge_oid(n->bridge);
            stale[n_stale].ip = n->ip;
            stale[n_stale++].mac = n->mac;
        }
    }
    if (n_stale) {
        int *status = xcalloc(n_stale, sizeof *status);

        VLOG_INFO("resync: removing %zu stale neighbour entries", n_stale);
        nd_neigh_remove(&nd->up, stale, n_stale, status);
        free(status);
    }
    free(stale);
}
