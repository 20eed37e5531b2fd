/* SPDX-License-Identifier: Apache-2.0 */
/* The rtnetlink transport of the netdev backend (see nl.h): it calls
 * nothing above it.
 *
 * Requests are built with libnl-route-3 objects (rtnl_link_*, rtnl_neigh_*)
 * and then sent in batches: many messages are packed into one sendmsg(),
 * only the last of each batch asks for an acknowledgement, and the kernel's
 * error replies (which it always sends) are matched back to the requests by
 * sequence number.  rtnetlink handles the messages of one sendmsg() in
 * order, so the last acknowledgement means every earlier verdict has
 * arrived.  That is what lets 100K FDB entries go in with a few hundred
 * system calls instead of 200K.
 *
 * Raw netlink is used where libnl-route-3 has no API: NDA_VNI on FDB
 * entries, the bridge ageing time (IFLA_BR_AGEING_TIME), and the batch and
 * dump plumbing itself. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/vlan.h>
#include <netlink/route/link/vxlan.h>
#include <netlink/route/neighbour.h>
#include <netlink/socket.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "hal/netdev/nl.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(netdev_nl);

/* A batch is sent when it holds this many requests or bytes.  Worst case
 * every request fails and its error reply sits in the receive buffer until
 * the batch ends: ND_BATCH_MAX replies must fit ND_RCVBUF. */
#define ND_BATCH_MAX 512
#define ND_BATCH_BYTES (64 * 1024)
#define ND_RCVBUF (4 * 1024 * 1024)
#define ND_SNDBUF (1024 * 1024)
#define ND_RECV_BUF (64 * 1024)
#define ND_TIMEOUT_MS 10000

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(60, 10);

/* IFLA_OPERSTATE values (RFC 2863), from <linux/if.h>, which clashes with
 * <net/if.h>. */
enum {
    ND_OPER_UNKNOWN = 0,
    ND_OPER_UP = 6,
};

/* Sets a socket buffer size, beyond the system limit when privileged. */
static void
set_sockbuf(int fd, int force_opt, int opt, int size)
{
    if (setsockopt(fd, SOL_SOCKET, force_opt, &size, sizeof size)) {
        setsockopt(fd, SOL_SOCKET, opt, &size, sizeof size);
    }
}

int
nd_nl_open(struct nd_nl *nl)
{
    int one = 1;
    int error;
    int fd;

    memset(nl, 0, sizeof *nl);
    nl->sock = nl_socket_alloc();
    if (!nl->sock) {
        return -ENOMEM;
    }
    error = nl_connect(nl->sock, NETLINK_ROUTE);
    if (error) {
        VLOG_ERR("rtnetlink: %s", nl_geterror(error));
        return -EPROTO;
    }
    nl_socket_disable_auto_ack(nl->sock);
    fd = nl_socket_get_fd(nl->sock);
    set_sockbuf(fd, SO_RCVBUFFORCE, SO_RCVBUF, ND_RCVBUF);
    set_sockbuf(fd, SO_SNDBUFFORCE, SO_SNDBUF, ND_SNDBUF);
    /* Error replies without a copy of the request: smaller, so more fit. */
    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
    nl->seq = 1;
    return 0;
}

void
nd_nl_close(struct nd_nl *nl)
{
    if (nl->sock) {
        nl_socket_free(nl->sock);
        nl->sock = NULL;
    }
}

/* ---- Batches ------------------------------------------------------------ */

void
nd_batch_init(struct nd_batch *b, struct nd_nl *nl)
{
    memset(b, 0, sizeof *b);
    b->nl = nl;
}

void
nd_batch_destroy(struct nd_batch *b)
{
    nd_batch_flush(b);
    free(b->buf);
    free(b->slots);
}

void
nd_batch_add(struct nd_batch *b, struct nl_msg *msg, int *status)
{
    struct nlmsghdr *nlh;
    size_t len;

    if (!msg) {
        if (status && !*status) {
            *status = -ENOMEM;
        }
        return;
    }
    nlh = nlmsg_hdr(msg);
    len = NLMSG_ALIGN(nlh->nlmsg_len);
    if (b->n && (b->n >= ND_BATCH_MAX || b->len + len > ND_BATCH_BYTES)) {
        nd_batch_flush(b);
    }
    /* The sequence number is given when the batch is sent (see
     * nd_batch_flush()). */
    nlh->nlmsg_seq = 0;
    nlh->nlmsg_pid = 0;
    nlh->nlmsg_flags |= NLM_F_REQUEST;
    nlh->nlmsg_flags &= ~NLM_F_ACK;
    if (b->len + len > b->allocated) {
        b->allocated = MAX(b->len + len, 2 * b->allocated);
        b->buf = xrealloc(b->buf, b->allocated);
    }
    memcpy(b->buf + b->len, nlh, nlh->nlmsg_len);
    memset(b->buf + b->len + nlh->nlmsg_len, 0, len - nlh->nlmsg_len);
    b->len += len;
    if (b->n >= b->allocated_slots) {
        b->slots = x2nrealloc(b->slots, &b->allocated_slots, b->n + 1,
                              sizeof *b->slots);
    }
    b->slots[b->n++] = status;
    b->nl->writes++;
    nlmsg_free(msg);
}

static void
batch_fail_all(struct nd_batch *b, int error)
{
    size_t i;

    for (i = 0; i < b->n; i++) {
        if (b->slots[i] && !*b->slots[i]) {
            *b->slots[i] = error;
        }
    }
}

/* Handles the replies in 'buf'; returns true once the reply to sequence
 * number 'last' has been seen. */
static bool
batch_replies(struct nd_batch *b, const char *buf, size_t len, uint32_t last)
{
    const struct nlmsghdr *nlh;
    bool done = false;

    for (nlh = (const struct nlmsghdr *) buf; NLMSG_OK(nlh, len);
         nlh = NLMSG_NEXT(nlh, len)) {
        const struct nlmsgerr *err = NLMSG_DATA(nlh);
        uint32_t i = nlh->nlmsg_seq - b->first_seq;

        if (nlh->nlmsg_type != NLMSG_ERROR
            || nlh->nlmsg_len < NLMSG_LENGTH(sizeof err->error) || i >= b->n) {
            continue; /* A stray reply from an abandoned batch. */
        }
        if (err->error && b->slots[i] && !*b->slots[i]) {
            *b->slots[i] = err->error;
        }
        if (err->error) {
            VLOG_DBG_RL(&rl, "request %u: %s", (unsigned) nlh->nlmsg_seq,
                        strerror(-err->error));
        }
        done |= nlh->nlmsg_seq == last;
    }
    return done;
}

void
nd_batch_flush(struct nd_batch *b)
{
    struct nlmsghdr *last;
    char *rbuf;
    size_t off = 0;
    bool done = false;
    uint32_t last_seq;
    int fd;

    if (!b->n) {
        return;
    }
    fd = nl_socket_get_fd(b->nl->sock);
    /* Number the requests now, not when they were queued: requests sent
     * on the same socket while this batch was filling (an nd_request() or
     * a query between two nd_batch_add()) took sequence numbers too, and
     * the replies are matched to slots by 'seq - first_seq'.  Then ask
     * for the last one's acknowledgement. */
    b->first_seq = b->nl->seq;
    for (last = (struct nlmsghdr *) b->buf;;
         last = (struct nlmsghdr *) (b->buf + off)) {
        last->nlmsg_seq = b->nl->seq++;
        if (off + NLMSG_ALIGN(last->nlmsg_len) >= b->len) {
            break;
        }
        off += NLMSG_ALIGN(last->nlmsg_len);
    }
    last->nlmsg_flags |= NLM_F_ACK;
    last_seq = last->nlmsg_seq;

    if (nl_sendto(b->nl->sock, b->buf, b->len) < 0) {
        batch_fail_all(b, errno ? -errno : -EIO);
        goto out;
    }
    rbuf = xmalloc(ND_RECV_BUF);
    while (!done) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t n;

        if (poll(&pfd, 1, ND_TIMEOUT_MS) == 0) {
            VLOG_ERR_RL(&rl, "rtnetlink: no reply to %zu requests", b->n);
            batch_fail_all(b, -ETIMEDOUT);
            break;
        }
        n = recv(fd, rbuf, ND_RECV_BUF, 0);
        if (n < 0) {
            if (errno == ENOBUFS) {
                VLOG_ERR_RL(&rl, "rtnetlink: replies lost");
            } else if (errno != EINTR && errno != EAGAIN) {
                batch_fail_all(b, -errno);
                break;
            }
            continue;
        }
        done = batch_replies(b, rbuf, (size_t) n, last_seq);
    }
    free(rbuf);
out:
    b->len = 0;
    b->n = 0;
}

int
nd_request(struct nd_nl *nl, struct nl_msg *msg)
{
    struct nd_batch b;
    int status = 0;

    nd_batch_init(&b, nl);
    nd_batch_add(&b, msg, &status);
    nd_batch_destroy(&b);
    return status;
}

/* ---- Dumps and queries -------------------------------------------------- */

/* Sends 'msg' (taken) and passes every reply to 'cb' until NLMSG_DONE (for
 * a dump) or the first reply. */
static int
query(struct nd_nl *nl, struct nl_msg *msg, bool dump, nd_nl_msg_cb *cb,
      void *aux)
{
    int fd = nl_socket_get_fd(nl->sock);
    struct nlmsghdr *req = nlmsg_hdr(msg);
    uint32_t seq = nl->seq++;
    char *buf;
    int error = 0;
    bool done = false;

    req->nlmsg_seq = seq;
    req->nlmsg_flags |= NLM_F_REQUEST | (dump ? NLM_F_DUMP : 0);
    if (nl_sendto(nl->sock, req, req->nlmsg_len) < 0) {
        nlmsg_free(msg);
        return -EIO;
    }
    nlmsg_free(msg);
    buf = xmalloc(ND_RECV_BUF);
    while (!done) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        struct nlmsghdr *nlh;
        ssize_t n;
        size_t len;

        if (poll(&pfd, 1, ND_TIMEOUT_MS) == 0) {
            error = -ETIMEDOUT;
            break;
        }
        n = recv(fd, buf, ND_RECV_BUF, 0);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            error = -errno;
            break;
        }
        len = (size_t) n;
        for (nlh = (struct nlmsghdr *) buf; NLMSG_OK(nlh, len);
             nlh = NLMSG_NEXT(nlh, len)) {
            if (nlh->nlmsg_seq != seq) {
                continue;
            }
            if (nlh->nlmsg_type == NLMSG_DONE) {
                done = true;
            } else if (nlh->nlmsg_type == NLMSG_ERROR) {
                const struct nlmsgerr *err = NLMSG_DATA(nlh);

                error = err->error;
                done = true;
            } else {
                cb(nlh, aux);
                done |= !dump;
            }
        }
    }
    free(buf);
    return error;
}

int
nd_dump(struct nd_nl *nl, int type, int family, nd_nl_msg_cb *cb, void *aux)
{
    struct nl_msg *msg = nlmsg_alloc_simple(type, 0);
    union {
        struct ifinfomsg ifi;
        struct ndmsg ndm;
    } hdr;

    if (!msg) {
        return -ENOMEM;
    }
    memset(&hdr, 0, sizeof hdr);
    if (type == RTM_GETNEIGH) {
        hdr.ndm.ndm_family = (uint8_t) family;
        nlmsg_append(msg, &hdr.ndm, sizeof hdr.ndm, NLMSG_ALIGNTO);
    } else {
        hdr.ifi.ifi_family = (uint8_t) family;
        nlmsg_append(msg, &hdr.ifi, sizeof hdr.ifi, NLMSG_ALIGNTO);
    }
    return query(nl, msg, true, cb, aux);
}

struct link_get_aux {
    struct nd_link_info *info;
    int error;
};

static void
link_get_cb(struct nlmsghdr *nlh, void *aux_)
{
    struct link_get_aux *aux = aux_;

    aux->error = nd_link_parse(nlh, aux->info);
}

int
nd_link_get(struct nd_nl *nl, int ifindex, const char *name,
            struct nd_link_info *info)
{
    struct link_get_aux aux;
    struct nl_msg *msg;
    struct ifinfomsg ifi;
    int error;

    memset(info, 0, sizeof *info);
    aux.info = info;
    aux.error = -ENOENT;
    msg = nlmsg_alloc_simple(RTM_GETLINK, 0);
    if (!msg) {
        return -ENOMEM;
    }
    memset(&ifi, 0, sizeof ifi);
    ifi.ifi_index = ifindex;
    nlmsg_append(msg, &ifi, sizeof ifi, NLMSG_ALIGNTO);
    if (name) {
        nla_put_string(msg, IFLA_IFNAME, name);
    }
    error = query(nl, msg, false, link_get_cb, &aux);
    return error ? error : aux.error;
}

int
nd_link_tag(struct nd_nl *nl, const char *name, const char *alias,
            int *ifindex)
{
    struct nd_link_info info;
    int error = nd_link_get(nl, 0, name, &info);

    if (!error) {
        *ifindex = info.ifindex;
        error = nd_request(nl, nd_msg_link_alias(info.ifindex, alias));
    }
    return error;
}

/* ---- Notification sockets --------------------------------------------- */

int
nd_nl_notify_open(const int *groups, size_t n, int rcvbuf,
                  struct nl_sock **sockp)
{
    struct nl_sock *sock = nl_socket_alloc();
    int error;
    size_t i;

    *sockp = NULL;
    if (!sock) {
        return -ENOMEM;
    }
    nl_socket_disable_seq_check(sock);
    error = nl_connect(sock, NETLINK_ROUTE);
    for (i = 0; !error && i < n; i++) {
        error = nl_socket_add_membership(sock, groups[i]);
    }
    if (!error) {
        error = nl_socket_set_nonblocking(sock);
    }
    if (error) {
        VLOG_ERR("rtnetlink notifications: %s", nl_geterror(error));
        nl_socket_free(sock);
        return -EPROTO;
    }
    set_sockbuf(nl_socket_get_fd(sock), SO_RCVBUFFORCE, SO_RCVBUF, rcvbuf);
    *sockp = sock;
    return 0;
}

bool
nd_nl_notify_recv(struct nl_sock *sock, nd_nl_msg_cb *cb, void *aux)
{
    int fd = nl_socket_get_fd(sock);
    char *buf = xmalloc(ND_RECV_BUF);
    bool lost = false;

    for (;;) {
        struct nlmsghdr *nlh;
        ssize_t n = recv(fd, buf, ND_RECV_BUF, MSG_DONTWAIT);
        size_t len;

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == ENOBUFS) {
                lost = true;
                continue;
            }
            break; /* EAGAIN: nothing more. */
        }
        len = (size_t) n;
        for (nlh = (struct nlmsghdr *) buf; NLMSG_OK(nlh, len);
             nlh = NLMSG_NEXT(nlh, len)) {
            cb(nlh, aux);
        }
    }
    free(buf);
    return lost;
}

/* ---- Parsing ------------------------------------------------------------ */

static void
link_parse_cb(struct nl_object *obj, void *info_)
{
    struct rtnl_link *link = (struct rtnl_link *) obj;
    struct nd_link_info *info = info_;
    const char *s;
    uint8_t oper;

    info->ifindex = rtnl_link_get_ifindex(link);
    s = rtnl_link_get_name(link);
    snprintf(info->name, sizeof info->name, "%s", s ? s : "");
    s = rtnl_link_get_ifalias(link);
    snprintf(info->alias, sizeof info->alias, "%s", s ? s : "");
    s = rtnl_link_get_type(link);
    snprintf(info->kind, sizeof info->kind, "%s", s ? s : "");
    info->master = rtnl_link_get_master(link);
    info->lower = rtnl_link_get_link(link);
    oper = rtnl_link_get_operstate(link);
    info->oper_up =
        oper == ND_OPER_UP
        || (oper == ND_OPER_UNKNOWN && rtnl_link_get_flags(link) & IFF_UP);
    info->vni = HAL_VNI_NONE;
    if (rtnl_link_is_vxlan(link)) {
        struct nl_addr *local = NULL;
        uint32_t u;

        if (!rtnl_link_vxlan_get_id(link, &u)) {
            info->vni = u;
        }
        if (!rtnl_link_vxlan_get_local(link, &local) && local
            && nl_addr_get_len(local) == sizeof info->local) {
            memcpy(&info->local, nl_addr_get_binary_addr(local),
                   sizeof info->local);
        }
        nl_addr_put(local);
        if (!rtnl_link_vxlan_get_port(link, &u)) {
            info->vxlan_port = (uint16_t) u;
        }
    } else if (rtnl_link_is_vlan(link)) {
        info->vlan = (uint16_t) rtnl_link_vlan_get_id(link);
    }
    info->rx_packets = rtnl_link_get_stat(link, RTNL_LINK_RX_PACKETS);
    info->rx_bytes = rtnl_link_get_stat(link, RTNL_LINK_RX_BYTES);
    info->tx_packets = rtnl_link_get_stat(link, RTNL_LINK_TX_PACKETS);
    info->tx_bytes = rtnl_link_get_stat(link, RTNL_LINK_TX_BYTES);
}

int
nd_link_parse(struct nlmsghdr *nlh, struct nd_link_info *info)
{
    struct nl_msg *msg;
    int error;

    if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK) {
        return -EINVAL;
    }
    msg = nlmsg_convert(nlh);
    if (!msg) {
        return -ENOMEM;
    }
    nlmsg_set_proto(msg, NETLINK_ROUTE);
    memset(info, 0, sizeof *info);
    error = nl_msg_parse(msg, link_parse_cb, info);
    nlmsg_free(msg);
    return error < 0 || !info->ifindex ? -EINVAL : 0;
}

int
nd_neigh_parse(struct nlmsghdr *nlh, struct nd_neigh_info *info)
{
    const struct ndmsg *ndm = nlmsg_data(nlh);
    struct rtnl_neigh *neigh = NULL;
    struct nl_addr *addr;
    struct nlattr *vni;

    if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof *ndm)
        || ndm->ndm_family != AF_BRIDGE || rtnl_neigh_parse(nlh, &neigh)) {
        return -EINVAL;
    }
    memset(info, 0, sizeof *info);
    info->ifindex = rtnl_neigh_get_ifindex(neigh);
    info->master = rtnl_neigh_get_master(neigh);
    info->state = (uint16_t) rtnl_neigh_get_state(neigh);
    info->flags = (uint8_t) rtnl_neigh_get_flags(neigh);
    addr = rtnl_neigh_get_lladdr(neigh);
    if (!addr || nl_addr_get_len(addr) != sizeof info->mac) {
        rtnl_neigh_put(neigh);
        return -EINVAL;
    }
    memcpy(&info->mac, nl_addr_get_binary_addr(addr), sizeof info->mac);
    addr = rtnl_neigh_get_dst(neigh);
    if (addr && nl_addr_get_family(addr) == AF_INET
        && nl_addr_get_len(addr) == sizeof info->dst) {
        info->has_dst = true;
        memcpy(&info->dst, nl_addr_get_binary_addr(addr), sizeof info->dst);
    }
    rtnl_neigh_put(neigh);
    /* libnl-route-3.7 does not parse NDA_VNI. */
    vni = nlmsg_find_attr(nlh, sizeof *ndm, NDA_VNI);
    info->vni = vni && nla_len(vni) >= 4 ? nla_get_u32(vni) : HAL_VNI_NONE;
    return 0;
}

/* ---- Request builders --------------------------------------------------- */

static struct nl_msg *
link_add(struct rtnl_link *link)
{
    struct nl_msg *msg = NULL;

    if (rtnl_link_build_add_request(link, NLM_F_CREATE | NLM_F_EXCL, &msg)) {
        msg = NULL;
    }
    rtnl_link_put(link);
    return msg;
}

/* Builds a change of interface 'ifindex' described by 'changes' (taken). */
static struct nl_msg *
link_change(int ifindex, struct rtnl_link *changes)
{
    struct rtnl_link *orig = rtnl_link_alloc();
    struct nl_msg *msg = NULL;

    if (orig) {
        rtnl_link_set_ifindex(orig, ifindex);
        if (rtnl_link_get_family(changes) == AF_BRIDGE) {
            rtnl_link_set_family(orig, AF_BRIDGE);
        }
        if (rtnl_link_build_change_request(orig, changes, 0, &msg)) {
            msg = NULL;
        }
        rtnl_link_put(orig);
    }
    rtnl_link_put(changes);
    return msg;
}

/* The kernel ignores IFLA_IFALIAS when it creates an interface, so the
 * callers tag new interfaces with nd_msg_link_alias() afterwards. */
struct nl_msg *
nd_msg_bridge_add(const char *name)
{
    struct rtnl_link *link = rtnl_link_alloc();

    if (!link) {
        return NULL;
    }
    rtnl_link_set_type(link, "bridge");
    rtnl_link_set_name(link, name);
    rtnl_link_set_flags(link, IFF_UP);
    return link_add(link);
}

/* Built by hand: libnl-route-3.7 puts IFLA_VXLAN_PORT as a u32, which the
 * kernel's policy (a be16) answers with "attribute type 15 has an invalid
 * length" in its log. */
struct nl_msg *
nd_msg_vxlan_add(const char *name, uint32_t vni, struct in_addr local,
                 uint16_t port, int master)
{
    struct nl_msg *msg =
        nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    struct nlattr *info, *data;
    struct ifinfomsg ifi;

    if (!msg) {
        return NULL;
    }
    memset(&ifi, 0, sizeof ifi);
    ifi.ifi_flags = IFF_UP;
    ifi.ifi_change = IFF_UP;
    /* A hardware VTEP assumes an underlay that carries full-sized frames
     * plus the 50-byte header: keep the overlay at 1500. */
    if (nlmsg_append(msg, &ifi, sizeof ifi, NLMSG_ALIGNTO)
        || nla_put_string(msg, IFLA_IFNAME, name)
        || nla_put_u32(msg, IFLA_MTU, 1500)
        || nla_put_u32(msg, IFLA_MASTER, (uint32_t) master)
        || !(info = nla_nest_start(msg, IFLA_LINKINFO))
        || nla_put_string(msg, IFLA_INFO_KIND, "vxlan")
        || !(data = nla_nest_start(msg, IFLA_INFO_DATA))
        || nla_put_u32(msg, IFLA_VXLAN_ID, vni)
        || (local.s_addr
            && nla_put(msg, IFLA_VXLAN_LOCAL, sizeof local, &local))
        || nla_put_u16(msg, IFLA_VXLAN_PORT, htons(port))
        || nla_put_u8(msg, IFLA_VXLAN_LEARNING, 0)) {
        nlmsg_free(msg);
        return NULL;
    }
    nla_nest_end(msg, data);
    nla_nest_end(msg, info);
    return msg;
}

struct nl_msg *
nd_msg_vlan_add(const char *name, int lower, uint16_t vlan)
{
    struct rtnl_link *link = rtnl_link_vlan_alloc();

    if (!link) {
        return NULL;
    }
    rtnl_link_set_name(link, name);
    rtnl_link_set_link(link, lower);
    rtnl_link_vlan_set_id(link, vlan);
    return link_add(link);
}

struct nl_msg *
nd_msg_link_del(int ifindex)
{
    struct rtnl_link *link = rtnl_link_alloc();
    struct nl_msg *msg = NULL;

    if (link) {
        rtnl_link_set_ifindex(link, ifindex);
        if (rtnl_link_build_delete_request(link, &msg)) {
            msg = NULL;
        }
        rtnl_link_put(link);
    }
    return msg;
}

struct nl_msg *
nd_msg_link_alias(int ifindex, const char *alias)
{
    struct rtnl_link *changes = rtnl_link_alloc();

    if (!changes) {
        return NULL;
    }
    rtnl_link_set_ifalias(changes, alias);
    return link_change(ifindex, changes);
}

struct nl_msg *
nd_msg_link_group(int ifindex, uint32_t group)
{
    struct rtnl_link *changes = rtnl_link_alloc();

    if (!changes) {
        return NULL;
    }
    rtnl_link_set_group(changes, group);
    return link_change(ifindex, changes);
}

struct nl_msg *
nd_msg_link_master(int ifindex, int master, bool up)
{
    struct rtnl_link *changes = rtnl_link_alloc();

    if (!changes) {
        return NULL;
    }
    rtnl_link_set_master(changes, master);
    if (up) {
        rtnl_link_set_flags(changes, IFF_UP);
    }
    return link_change(ifindex, changes);
}

struct nl_msg *
nd_msg_vxlan_local(int ifindex, struct in_addr local)
{
    struct rtnl_link *changes = rtnl_link_vxlan_alloc();
    struct nl_addr *addr;

    if (!changes) {
        return NULL;
    }
    addr = nl_addr_build(AF_INET, &local, sizeof local);
    rtnl_link_vxlan_set_local(changes, addr);
    nl_addr_put(addr);
    return link_change(ifindex, changes);
}

struct nl_msg *
nd_msg_bridge_ageing(int ifindex, uint32_t ageing_cs)
{
    struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, 0);
    struct nlattr *info, *data;
    struct ifinfomsg ifi;

    if (!msg) {
        return NULL;
    }
    memset(&ifi, 0, sizeof ifi);
    ifi.ifi_index = ifindex;
    /* libnl-route-3.7 has no API for bridge attributes (IFLA_INFO_DATA of
     * kind "bridge"). */
    if (nlmsg_append(msg, &ifi, sizeof ifi, NLMSG_ALIGNTO)
        || !(info = nla_nest_start(msg, IFLA_LINKINFO))
        || nla_put_string(msg, IFLA_INFO_KIND, "bridge")
        || !(data = nla_nest_start(msg, IFLA_INFO_DATA))
        || nla_put_u32(msg, IFLA_BR_AGEING_TIME, ageing_cs)) {
        nlmsg_free(msg);
        return NULL;
    }
    nla_nest_end(msg, data);
    nla_nest_end(msg, info);
    return msg;
}

struct nl_msg *
nd_msg_brport_learning(int ifindex, bool learning)
{
    struct rtnl_link *changes = rtnl_link_alloc();

    if (!changes) {
        return NULL;
    }
    rtnl_link_set_family(changes, AF_BRIDGE);
    if (learning) {
        rtnl_link_bridge_set_flags(changes, RTNL_BRIDGE_LEARNING);
    } else {
        rtnl_link_bridge_unset_flags(changes, RTNL_BRIDGE_LEARNING);
    }
    return link_change(ifindex, changes);
}

static struct rtnl_neigh *
neigh_build(const struct nd_neigh *n)
{
    struct rtnl_neigh *neigh = rtnl_neigh_alloc();
    struct nl_addr *addr;

    if (!neigh) {
        return NULL;
    }
    rtnl_neigh_set_family(neigh, AF_BRIDGE);
    rtnl_neigh_set_ifindex(neigh, n->ifindex);
    addr = nl_addr_build(AF_LLC, &n->mac, sizeof n->mac);
    rtnl_neigh_set_lladdr(neigh, addr);
    nl_addr_put(addr);
    if (n->self) {
        rtnl_neigh_set_flags(neigh, NTF_SELF);
        rtnl_neigh_set_state(neigh, NUD_PERMANENT);
    } else {
        rtnl_neigh_set_flags(neigh, NTF_MASTER);
        rtnl_neigh_set_state(neigh, NUD_NOARP);
    }
    return neigh;
}

/* Appends what libnl-route-3.7 cannot express for a bridge FDB entry: the
 * remote VTEP (it puts NDA_DST only in neighbours of AF_INET and AF_INET6)
 * and NDA_VNI. */
static struct nl_msg *
neigh_put_extra(struct nl_msg *msg, const struct nd_neigh *n)
{
    if (msg && n->self
        && ((n->dst.s_addr && nla_put(msg, NDA_DST, sizeof n->dst, &n->dst))
            || (n->vni != HAL_VNI_NONE
                && nla_put_u32(msg, NDA_VNI, n->vni)))) {
        nlmsg_free(msg);
        return NULL;
    }
    return msg;
}

struct nl_msg *
nd_msg_neigh_add(const struct nd_neigh *n, bool append)
{
    struct rtnl_neigh *neigh = neigh_build(n);
    struct nl_msg *msg = NULL;

    if (neigh
        && rtnl_neigh_build_add_request(
            neigh, NLM_F_CREATE | (append ? NLM_F_APPEND : NLM_F_REPLACE),
            &msg)) {
        msg = NULL;
    }
    rtnl_neigh_put(neigh);
    return neigh_put_extra(msg, n);
}

struct nl_msg *
nd_msg_neigh_del(const struct nd_neigh *n)
{
    struct rtnl_neigh *neigh = neigh_build(n);
    struct nl_msg *msg = NULL;

    if (neigh && rtnl_neigh_build_delete_request(neigh, 0, &msg)) {
        msg = NULL;
    }
    rtnl_neigh_put(neigh);
    return neigh_put_extra(msg, n);
}

struct nl_msg *
nd_msg_neigh_learn(int ifindex, const struct hal_mac *mac)
{
    struct nd_neigh n = { ifindex, *mac, false, { 0 }, HAL_VNI_NONE };
    struct rtnl_neigh *neigh = neigh_build(&n);
    struct nl_msg *msg = NULL;

    if (neigh) {
        /* Neither NUD_NOARP (static) nor NUD_PERMANENT (local): the
         * kernel keeps it as learned, ages it and reports it so.  (libnl
         * adds state bits, so take neigh_build()'s off first.) */
        rtnl_neigh_unset_state(neigh, NUD_NOARP);
        rtnl_neigh_set_state(neigh, NUD_REACHABLE);
        if (rtnl_neigh_build_add_request(neigh, NLM_F_CREATE | NLM_F_REPLACE,
                                         &msg)) {
            msg = NULL;
        }
        rtnl_neigh_put(neigh);
    }
    return msg;
}

struct nl_msg *
nd_msg_link_updown(int ifindex, bool up)
{
    struct rtnl_link *changes = rtnl_link_alloc();

    if (!changes) {
        return NULL;
    }
    if (up) {
        rtnl_link_set_flags(changes, IFF_UP);
    } else {
        rtnl_link_unset_flags(changes, IFF_UP);
    }
    return link_change(ifindex, changes);
}

struct nl_msg *
nd_msg_brport_neigh_suppress(int ifindex, bool on)
{
    struct ifinfomsg ifi = { .ifi_family = AF_BRIDGE, .ifi_index = ifindex };
    struct nl_msg *msg = nlmsg_alloc_simple(RTM_SETLINK, NLM_F_REQUEST);
    struct nlattr *protinfo;

    /* libnl-route-3.7 has no flag for IFLA_BRPORT_NEIGH_SUPPRESS. */
    if (!msg || nlmsg_append(msg, &ifi, sizeof ifi, NLMSG_ALIGNTO)
        || !(protinfo = nla_nest_start(msg, IFLA_PROTINFO | NLA_F_NESTED))
        || nla_put_u8(msg, IFLA_BRPORT_NEIGH_SUPPRESS, on)) {
        nlmsg_free(msg);
        return NULL;
    }
    nla_nest_end(msg, protinfo);
    return msg;
}

/* An IPv4 or IPv6 neighbour 'ip' → 'mac' on interface 'ifindex'. */
static struct rtnl_neigh *
ip_neigh_build(int ifindex, const struct hal_ip *ip, const struct hal_mac *mac)
{
    struct rtnl_neigh *neigh = rtnl_neigh_alloc();
    struct nl_addr *addr;

    if (!neigh) {
        return NULL;
    }
    rtnl_neigh_set_family(neigh, ip->family);
    rtnl_neigh_set_ifindex(neigh, ifindex);
    addr =
        nl_addr_build(ip->family, &ip->v6,
                      ip->family == AF_INET ? sizeof ip->v4 : sizeof ip->v6);
    rtnl_neigh_set_dst(neigh, addr);
    nl_addr_put(addr);
    if (mac) {
        addr = nl_addr_build(AF_LLC, mac, sizeof *mac);
        rtnl_neigh_set_lladdr(neigh, addr);
        nl_addr_put(addr);
    }
    rtnl_neigh_set_state(neigh, NUD_PERMANENT);
    return neigh;
}

struct nl_msg *
nd_msg_ip_neigh_add(int ifindex, const struct hal_ip *ip,
                    const struct hal_mac *mac)
{
    struct rtnl_neigh *neigh = ip_neigh_build(ifindex, ip, mac);
    struct nl_msg *msg = NULL;

    if (neigh
        && rtnl_neigh_build_add_request(neigh, NLM_F_CREATE | NLM_F_REPLACE,
                                        &msg)) {
        msg = NULL;
    }
    rtnl_neigh_put(neigh);
    return msg;
}

struct nl_msg *
nd_msg_ip_neigh_del(int ifindex, const struct hal_ip *ip)
{
    struct rtnl_neigh *neigh = ip_neigh_build(ifindex, ip, NULL);
    struct nl_msg *msg = NULL;

    if (neigh && rtnl_neigh_build_delete_request(neigh, 0, &msg)) {
        msg = NULL;
    }
    rtnl_neigh_put(neigh);
    return msg;
}
