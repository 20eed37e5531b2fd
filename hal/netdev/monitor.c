/* SPDX-License-Identifier: Apache-2.0 */
/* Kernel notifications: what the bridges learn on bound ports and the link
 * state of front-panel ports.
 *
 * A second rtnetlink socket subscribes to RTNLGRP_LINK and RTNLGRP_NEIGH.
 * A socket filter keeps only link messages and bridge FDB entries that were
 * learned (not permanent, not static, not a device's own 'self' table), so
 * that programming 100K remote MACs does not echo 100K notifications back
 * at us.  If notifications are lost anyway (ENOBUFS), the next run()
 * re-reads the bridge FDB and the ports and reports the differences. */
#include <endian.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "hal/netdev/netdev-private.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(netdev_monitor);

#define MON_RCVBUF (4 * 1024 * 1024)

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(60, 10);

/* Offsets into a notification: struct nlmsghdr, then struct ndmsg. */
#define OFF_TYPE offsetof(struct nlmsghdr, nlmsg_type)
#define OFF_NDM(FIELD) (NLMSG_HDRLEN + offsetof(struct ndmsg, FIELD))
#if __BYTE_ORDER == __LITTLE_ENDIAN
#define OFF_STATE_LOW OFF_NDM(ndm_state)
#else
#define OFF_STATE_LOW (OFF_NDM(ndm_state) + 1)
#endif

/* Classic BPF loads halfwords in network byte order, so the host-order
 * message types compare against htons(). */
static int
attach_filter(int fd)
{
    struct sock_filter code[] = {
        /* 0 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, OFF_TYPE),
        /* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, htons(RTM_NEWLINK), 9, 0),
        /* 2 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, htons(RTM_DELLINK), 8, 0),
        /* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, htons(RTM_NEWNEIGH), 1, 0),
        /* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, htons(RTM_DELNEIGH), 0, 7),
        /* 5 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, OFF_NDM(ndm_family)),
        /* 6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_BRIDGE, 0, 5),
        /* 7 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, OFF_NDM(ndm_flags)),
        /* 8 */ BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, NTF_SELF, 3, 0),
        /* 9 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, OFF_STATE_LOW),
        /* 10 */
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, NUD_PERMANENT | NUD_NOARP, 1, 0),
        /* 11: keep */ BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
        /* 12: drop */ BPF_STMT(BPF_RET | BPF_K, 0),
    };
    struct sock_fprog prog = { ARRAY_SIZE(code), code };

    return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog)
               ? -errno
               : 0;
}

int
nd_monitor_open(struct hal_netdev *nd)
{
    static const int groups[] = { RTNLGRP_LINK, RTNLGRP_NEIGH };
    int error;

    error =
        nd_nl_notify_open(groups, ARRAY_SIZE(groups), MON_RCVBUF, &nd->mon);
    if (error) {
        return error;
    }
    error = attach_filter(nl_socket_get_fd(nd->mon));
    if (error) {
        /* Still correct without the filter, only busier. */
        VLOG_WARN("notification filter: %s", strerror(-error));
    }
    return 0;
}

void
nd_monitor_close(struct hal_netdev *nd)
{
    if (nd->mon) {
        nl_socket_free(nd->mon);
        nd->mon = NULL;
    }
}

/* ---- Learned MACs ------------------------------------------------------- */

static bool
is_learned(const struct nd_neigh_info *n)
{
    return n->master && !(n->flags & (NTF_SELF | NTF_EXT_LEARNED))
           && !(n->state & (NUD_PERMANENT | NUD_NOARP));
}

static void
neigh_learned(struct hal_netdev *nd, const struct nd_neigh_info *n)
{
    struct nd_binding *b = nd_binding_by_ifindex(nd, n->ifindex);
    struct nd_bridge *br = b ? nd_bridge_find(nd, b->bridge) : NULL;
    hal_oid_t port = b ? nd_port_oid(b->port) : HAL_OID_NULL;
    struct hal_fdb_entry e;
    struct nd_fdb *f;

    if (!br || n->master != br->br_ifindex || !br->config.learning) {
        return; /* Not a bound port, e.g. the VXLAN device. */
    }
    f = nd_fdb_find(br, &n->mac);
    if (!f) {
        memset(&e, 0, sizeof e);
        e.bridge = b->bridge;
        e.mac = n->mac;
        e.type = HAL_FDB_LEARNED;
        e.port = port;
        e.vlan = b->vlan;
        e.vni = HAL_VNI_NONE;
        f = nd_fdb_insert(nd, br, &e);
        f->ifindex = n->ifindex;
        hal_event_fdb(&nd->up, HAL_EVENT_FDB_LEARNED, &f->e, HAL_OID_NULL, 0);
    } else if (f->e.type == HAL_FDB_LEARNED
               && (f->e.port != port || f->e.vlan != b->vlan)) {
        hal_oid_t old_port = f->e.port;
        uint16_t old_vlan = f->e.vlan;

        f->e.port = port;
        f->e.vlan = b->vlan;
        f->ifindex = n->ifindex;
        hal_event_fdb(&nd->up, HAL_EVENT_FDB_MOVED, &f->e, old_port, old_vlan);
    }
}

static void
neigh_forgotten(struct hal_netdev *nd, const struct nd_neigh_info *n)
{
    struct nd_bridge *br = nd_bridge_by_ifindex(nd, n->master);
    struct nd_fdb *f = br ? nd_fdb_find(br, &n->mac) : NULL;
    enum hal_event_type type = HAL_EVENT_FDB_AGED;
    int64_t port;

    if (!f || f->e.type != HAL_FDB_LEARNED || f->ifindex != n->ifindex) {
        return;
    }
    port = nd_port_index(nd, f->e.port);
    if (port >= 0 && !nd->ports[port].oper_up) {
        type = HAL_EVENT_FDB_FLUSHED;
    }
    hal_event_fdb(&nd->up, type, &f->e, HAL_OID_NULL, 0);
    nd_fdb_delete(nd, br, f);
}

void
nd_monitor_neigh(struct hal_netdev *nd, const struct nd_neigh_info *n,
                 bool deleted)
{
    if (!is_learned(n)) {
        return;
    }
    if (deleted) {
        neigh_forgotten(nd, n);
    } else {
        neigh_learned(nd, n);
    }
}

/* ---- Port link state ---------------------------------------------------- */

static void
port_set_state(struct hal_netdev *nd, size_t i, bool up)
{
    struct nd_port *p = &nd->ports[i];

    if (p->oper_up == up) {
        return;
    }
    p->oper_up = up;
    hal_event_port_state(&nd->up, nd_port_oid((uint32_t) i), up);
    if (!up) {
        /* The bridge forgets what it learned on a disabled port; say so
         * before its notifications (which then find nothing) arrive. */
        struct nd_binding *b;

        HMAP_FOR_EACH(b, node, &nd->bindings) {
            if (b->port == i) {
                nd_fdb_flush_learned(nd, NULL, b->ifindex, false);
            }
        }
    }
}

static void
monitor_link(struct hal_netdev *nd, const struct nd_link_info *info,
             bool deleted)
{
    size_t i;

    for (i = 0; i < nd->n_ports; i++) {
        struct nd_port *p = &nd->ports[i];

        if (p->ifindex == info->ifindex || !strcmp(p->name, info->name)) {
            p->ifindex = deleted ? 0 : info->ifindex;
            port_set_state(nd, i, !deleted && info->oper_up);
            return;
        }
    }
}

static void
monitor_msg(struct nlmsghdr *nlh, void *nd_)
{
    struct hal_netdev *nd = nd_;
    struct nd_link_info link;
    struct nd_neigh_info neigh;

    switch (nlh->nlmsg_type) {
    case RTM_NEWLINK:
    case RTM_DELLINK:
        if (!nd_link_parse(nlh, &link)) {
            monitor_link(nd, &link, nlh->nlmsg_type == RTM_DELLINK);
        }
        break;
    case RTM_NEWNEIGH:
    case RTM_DELNEIGH:
        if (!nd_neigh_parse(nlh, &neigh)) {
            nd_monitor_neigh(nd, &neigh, nlh->nlmsg_type == RTM_DELNEIGH);
        }
        break;
    default:
        break;
    }
}

void
nd_monitor_run(struct hal_netdev *nd)
{
    if (nd_nl_notify_recv(nd->mon, monitor_msg, nd)) {
        VLOG_WARN_RL(&rl, "kernel notifications lost; re-reading");
        nd_monitor_reread(nd);
    }
}

/* ---- Re-reading after lost notifications -------------------------------- */

static void
reread_neigh_cb(struct nlmsghdr *nlh, void *nd_)
{
    struct hal_netdev *nd = nd_;
    struct nd_neigh_info n;
    struct nd_binding *b;
    struct nd_bridge *br;
    struct nd_fdb *f;

    if (nd_neigh_parse(nlh, &n) || !is_learned(&n)) {
        return;
    }
    nd_monitor_neigh(nd, &n, false);
    b = nd_binding_by_ifindex(nd, n.ifindex);
    br = b ? nd_bridge_find(nd, b->bridge) : NULL;
    f = br ? nd_fdb_find(br, &n.mac) : NULL;
    if (f) {
        f->seen = true;
    }
}

void
nd_monitor_reread(struct hal_netdev *nd)
{
    struct nd_bridge *br;
    size_t i;

    HMAP_FOR_EACH(br, node, &nd->bridges) {
        struct nd_fdb *f;

        HMAP_FOR_EACH(f, node, &br->fdb) {
            f->seen = f->e.type != HAL_FDB_LEARNED;
        }
    }
    if (nd_dump(&nd->nl, RTM_GETNEIGH, AF_BRIDGE, reread_neigh_cb, nd)) {
        return;
    }
    HMAP_FOR_EACH(br, node, &nd->bridges) {
        struct nd_fdb *f;

        HMAP_FOR_EACH_SAFE(f, node, &br->fdb) {
            if (!f->seen) {
                hal_event_fdb(&nd->up, HAL_EVENT_FDB_AGED, &f->e, HAL_OID_NULL,
                              0);
                nd_fdb_delete(nd, br, f);
            }
        }
    }
    for (i = 0; i < nd->n_ports; i++) {
        struct nd_link_info info;

        if (!nd_link_get(&nd->nl, 0, nd->ports[i].name, &info)) {
            nd->ports[i].ifindex = info.ifindex;
            port_set_state(nd, i, info.oper_up);
        } else {
            nd->ports[i].ifindex = 0;
            port_set_state(nd, i, false);
        }
    }
}
