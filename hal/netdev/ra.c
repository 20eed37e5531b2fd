/* SPDX-License-Identifier: Apache-2.0 */
/* IPv6 router advertisements of the netdev backend's routers
 * (hal_router_config's ra_interval_s).  The kernel sends none (on a Linux
 * switch radvd or FRR does), so vtepd sends them itself, on the same
 * schedule as the asic model (hal/asic/ra.c): per bridge with an IPv6
 * interface of such a router, three at most 16 s apart, then one every
 * I/3 to I; a router solicitation brings the next forward to within
 * 500 ms, not within 3 s of the last.
 *
 * One raw ICMPv6 socket, opened when the first advertising interface
 * comes, sends them (IPV6_PKTINFO: out of the bridge, from the router's
 * link-local address, which route.c gives every bridge with an IPv6
 * interface) and receives the solicitations (an ICMPv6 filter passes only
 * those; the kernel checks their checksum, this their hop limit).  The
 * bridges hear ff02::2 because IPv6 forwarding is on, which makes the
 * kernel join all-routers on every interface.
 *
 * A bridge that stops being advertised on (the interval goes to 0, the
 * router MAC changes, the last IPv6 interface goes) gets one final
 * advertisement with router lifetime 0 (RFC 4861 6.2.5), from route.c,
 * while the link-local address is still there. */
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hal/netdev/netdev-private.h"
#include "hal/netdev/route-private.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(netdev_ra);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

#define RS_BATCH 64 /* Solicitations read per run. */

/* Returns the config of the router that advertises on the bridge of rif
 * 'i' if rif 'i' is the first IPv6 interface of that router there (the one
 * that keeps the bridge's timers), else NULL. */
static const struct hal_router_config *
ra_config(const struct nd_l3 *l3, size_t i)
{
    const struct nd_rif *rif = &l3->rifs[i];
    const struct hal_router_config *c = rif_router_config(l3, rif);
    size_t k;

    if (!c || !c->ra_interval_s || rif->c.ip.family != AF_INET6) {
        return NULL;
    }
    for (k = 0; k < i; k++) {
        if (l3->rifs[k].valid && l3->rifs[k].c.ip.family == AF_INET6
            && l3->rifs[k].c.router == rif->c.router
            && l3->rifs[k].c.bridge == rif->c.bridge) {
            return NULL;
        }
    }
    return c;
}

static int
ra_open(struct hal_netdev *nd)
{
    struct epoll_event ev = { .events = EPOLLIN };
    struct icmp6_filter filter;
    int one = 1, hops = 255, off = 0, fd;

    fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
                IPPROTO_ICMPV6);
    if (fd < 0) {
        return -errno;
    }
    ICMP6_FILTER_SETBLOCKALL(&filter);
    ICMP6_FILTER_SETPASS(ND_ROUTER_SOLICIT, &filter);
    ev.data.fd = fd;
    if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter)
        || setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one)
        || setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof one)
        || setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
                      sizeof hops)
        || setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof off)
        || epoll_ctl(nd->epoll_fd, EPOLL_CTL_ADD, fd, &ev)) {
        int error = -errno;

        close(fd);
        return error;
    }
    nd->l3->ra_fd = fd;
    return 0;
}

/* Sends the advertisement of router 'c' on the bridge of rif 'i' (with
 * 'final', router lifetime 0). */
static void
ra_send(struct hal_netdev *nd, size_t i, const struct hal_router_config *c,
        bool final)
{
    const struct nd_l3 *l3 = nd->l3;
    const struct nd_rif *rif = &l3->rifs[i];
    struct nd_bridge *br = nd_bridge_find(nd, rif->c.bridge);
    union {
        struct cmsghdr h;
        uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
    } control;
    struct sockaddr_in6 dst = { .sin6_family = AF_INET6 };
    uint8_t msg[HAL_RA_MSG_MAX];
    struct in6_pktinfo pi;
    struct hal_ra ra;
    struct iovec iov;
    struct msghdr mh;
    size_t k;

    if (!br) {
        return;
    }
    hal_ra_init(&ra, c);
    if (final) {
        ra.lifetime_s = 0;
        ra.dns_lifetime_s = 0;
    }
    for (k = i; k < l3->n_rifs && ra.n_prefixes < HAL_RA_PREFIXES_MAX; k++) {
        const struct nd_rif *r = &l3->rifs[k];

        if (r->valid && r->c.ip.family == AF_INET6
            && r->c.router == rif->c.router && r->c.bridge == rif->c.bridge) {
            ra.prefixes[ra.n_prefixes] =
                hal_ip_masked(&r->c.ip, r->c.prefix_len);
            ra.prefix_lens[ra.n_prefixes++] = r->c.prefix_len;
        }
    }
    iov.iov_base = msg;
    iov.iov_len = hal_ra_message(&ra, msg);
    dst.sin6_addr.s6_addr[0] = 0xff;
    dst.sin6_addr.s6_addr[1] = 0x02;
    dst.sin6_addr.s6_addr[15] = 1;
    dst.sin6_scope_id = (uint32_t) br->br_ifindex;
    memset(&control, 0, sizeof control);
    memset(&mh, 0, sizeof mh);
    mh.msg_name = &dst;
    mh.msg_namelen = sizeof dst;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = control.buf;
    mh.msg_controllen = sizeof control.buf;
    pi.ipi6_addr = ra.src.v6;
    pi.ipi6_ifindex = (unsigned int) br->br_ifindex;
    control.h.cmsg_level = IPPROTO_IPV6;
    control.h.cmsg_type = IPV6_PKTINFO;
    control.h.cmsg_len = CMSG_LEN(sizeof pi);
    memcpy(CMSG_DATA(&control.h), &pi, sizeof pi);
    if (sendmsg(l3->ra_fd, &mh, 0) < 0) {
        VLOG_WARN_RL(&rl, "%s: router advertisement on %s: %s", c->name,
                     br->config.name, strerror(errno));
    }
}

/* A solicitation arrived on interface 'ifindex' at 'now'. */
static void
ra_solicited(struct hal_netdev *nd, int ifindex, int64_t now)
{
    struct nd_l3 *l3 = nd->l3;
    size_t i;

    for (i = 0; i < l3->n_rifs; i++) {
        struct nd_rif *rif = &l3->rifs[i];
        struct nd_bridge *br = nd_bridge_find(nd, rif->c.bridge);
        int64_t when;

        if (!rif->valid || !br || br->br_ifindex != ifindex
            || !ra_config(l3, i) || !rif->ra_next_ms) {
            continue;
        }
        when = hal_ra_solicited_ms(now, rif->ra_last_ms);
        if (when < rif->ra_next_ms) {
            rif->ra_next_ms = when;
            l3->ra_wake_ms = MIN(l3->ra_wake_ms, when);
        }
        return;
    }
}

/* Reads the solicitations waiting on the socket. */
static void
ra_receive(struct hal_netdev *nd, int64_t now)
{
    int n;

    for (n = 0; n < RS_BATCH; n++) {
        union {
            struct cmsghdr h;
            uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))
                        + CMSG_SPACE(sizeof(int))];
        } control;
        struct sockaddr_in6 from;
        struct cmsghdr *cm;
        uint8_t buf[1280];
        struct iovec iov = { buf, sizeof buf };
        struct msghdr mh = { .msg_name = &from,
                             .msg_namelen = sizeof from,
                             .msg_iov = &iov,
                             .msg_iovlen = 1,
                             .msg_control = control.buf,
                             .msg_controllen = sizeof control.buf };
        int ifindex = 0, hops = 0;
        ssize_t len = recvmsg(nd->l3->ra_fd, &mh, 0);

        if (len < 0) {
            return;
        }
        for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
            if (cm->cmsg_level != IPPROTO_IPV6) {
                continue;
            } else if (cm->cmsg_type == IPV6_PKTINFO) {
                struct in6_pktinfo pi;

                memcpy(&pi, CMSG_DATA(cm), sizeof pi);
                ifindex = (int) pi.ipi6_ifindex;
            } else if (cm->cmsg_type == IPV6_HOPLIMIT) {
                memcpy(&hops, CMSG_DATA(cm), sizeof hops);
            }
        }
        /* RFC 4861 6.1.1: hop limit 255, code 0, at least 8 bytes. */
        if (len >= 8 && buf[0] == ND_ROUTER_SOLICIT && buf[1] == 0
            && hops == 255 && ifindex) {
            ra_solicited(nd, ifindex, now);
        }
    }
}

void
nd_ra_run(struct hal_netdev *nd, int64_t now)
{
    struct nd_l3 *l3 = nd->l3;
    int64_t wake = INT64_MAX;
    size_t i;

    if (!l3) {
        return;
    }
    if (l3->ra_fd >= 0) {
        ra_receive(nd, now);
    }
    if (now < l3->ra_wake_ms) {
        return;
    }
    for (i = 0; i < l3->n_rifs; i++) {
        const struct hal_router_config *c =
            l3->rifs[i].valid ? ra_config(l3, i) : NULL;
        struct nd_rif *rif = &l3->rifs[i];

        if (!c) {
            rif->ra_next_ms = rif->ra_last_ms = 0;
            rif->ra_sent = 0;
            continue;
        }
        if (l3->ra_fd < 0) {
            int error = ra_open(nd);

            if (error) {
                VLOG_WARN_RL(&rl, "no router advertisements: %s",
                             strerror(-error));
                break;
            }
        }
        if (!rif->ra_next_ms) {
            rif->ra_next_ms = now;
        }
        if (now >= rif->ra_next_ms) {
            ra_send(nd, i, c, false);
            rif->ra_last_ms = now;
            rif->ra_sent++;
            rif->ra_next_ms =
                hal_ra_next_ms(c->ra_interval_s, rif->ra_sent, now);
        }
        wake = MIN(wake, rif->ra_next_ms);
    }
    l3->ra_wake_ms = wake;
}

int64_t
nd_ra_next_wake(const struct hal_netdev *nd)
{
    return nd->l3 ? nd->l3->ra_wake_ms : INT64_MAX;
}

void
nd_ra_cease(struct hal_netdev *nd, hal_oid_t router, hal_oid_t bridge)
{
    struct nd_l3 *l3 = nd->l3;
    size_t i;

    for (i = 0; l3 && l3->ra_fd >= 0 && i < l3->n_rifs; i++) {
        const struct nd_rif *rif = &l3->rifs[i];
        const struct hal_router_config *c =
            rif->valid ? ra_config(l3, i) : NULL;

        if (c && rif->ra_sent && rif->c.router == router
            && (!bridge || rif->c.bridge == bridge)) {
            ra_send(nd, i, c, true);
        }
    }
}

void
nd_ra_restart(struct hal_netdev *nd)
{
    struct nd_l3 *l3 = nd->l3;
    size_t i;

    for (i = 0; l3 && i < l3->n_rifs; i++) {
        l3->rifs[i].ra_next_ms = l3->rifs[i].ra_last_ms = 0;
        l3->rifs[i].ra_sent = 0;
    }
    if (l3) {
        l3->ra_wake_ms = 0;
    }
}

void
nd_ra_close(struct hal_netdev *nd)
{
    if (nd->l3 && nd->l3->ra_fd >= 0) {
        close(nd->l3->ra_fd);
        nd->l3->ra_fd = -1;
    }
}
