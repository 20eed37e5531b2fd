/* SPDX-License-Identifier: Apache-2.0 */
/* BFD on the netdev backend: the sessions run in vtepd (the generic
 * layer's table, hal-bfd.c, as on the asic model) and their frames cross
 * the kernel beside its VXLAN devices, not through them.
 *
 * The kernel's VXLAN devices own UDP port 4789, and a frame with a VNI
 * that no device has (VNI 0, which BFD uses, is never a logical switch)
 * is dropped there.  So:
 *
 *   receive   an AF_PACKET socket (SOCK_DGRAM, ETH_P_IP, every interface)
 *             with a classic BPF filter that passes only IPv4 UDP to the
 *             VXLAN port, VNI 0, carrying IPv4 UDP to port 3784.  Packet
 *             sockets see frames before IP does, so the kernel dropping
 *             the frame later does not matter.
 *   transmit  an ordinary UDP socket on an ephemeral port: a VXLAN header
 *             (VNI 0) and the inner frame go to port 4789 of the remote,
 *             from our tunnel IP (IP_PKTINFO).  The outer source port of
 *             VXLAN is entropy, so no socket needs port 4789.
 *
 * Both are opened at the first session and live until close; the receive
 * socket is in the epoll set that hal_poll_fd() returns (netdev.c). */
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hal/netdev/netdev-private.h"
#include "lib/csum.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(netdev_bfd);

#define VXLAN_HLEN 8
/* Frames read per hal_run(), so that a flood cannot starve the rest. */
#define RX_BATCH 256

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

void
nd_bfd_init(struct hal_netdev *nd)
{
    hal_bfd_sessions_init(&nd->bfd.sessions);
    nd->bfd.rx_fd = -1;
    nd->bfd.tx_fd = -1;
}

void
nd_bfd_destroy(struct hal_netdev *nd)
{
    hal_bfd_sessions_destroy(&nd->bfd.sessions);
    if (nd->bfd.rx_fd >= 0) {
        close(nd->bfd.rx_fd);
    }
    if (nd->bfd.tx_fd >= 0) {
        close(nd->bfd.tx_fd);
    }
    nd->bfd.rx_fd = nd->bfd.tx_fd = -1;
}

/* The jump offsets of the filter below: from instruction I to DROP. */
#define FILTER_DROP 24
#define TO_DROP(I) (FILTER_DROP - (I) -1)

/* Attaches to 'fd' the filter that passes BFD in VXLAN VNI 0 to UDP
 * 'port'.  Offsets are from the outer IPv4 header (SOCK_DGRAM); X holds
 * its length, so outer options are allowed; the inner IPv4 header must
 * have none, as single-hop BFD's never does. */
static int
attach_filter(int fd, uint16_t port)
{
    struct sock_filter code[] = {
        /* 0 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
        /* 1 */ BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xf0),
        /* 2 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x40, 0, TO_DROP(2)),
        /* 3 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
        /* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 17, 0, TO_DROP(4)),
        /* 5: no fragments (MF or an offset). */
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),
        /* 6 */ BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x3fff, TO_DROP(6), 0),
        /* 7: X = outer header length. */
        BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
        /* 8: UDP destination port. */
        BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),
        /* 9 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, 0, TO_DROP(9)),
        /* 10: VXLAN flags: I (a valid VNI). */
        BPF_STMT(BPF_LD | BPF_B | BPF_IND, 8),
        /* 11 */ BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x08, 0, TO_DROP(11)),
        /* 12: VNI 0. */
        BPF_STMT(BPF_LD | BPF_W | BPF_IND, 12),
        /* 13 */ BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xffffff00),
        /* 14 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, TO_DROP(14)),
        /* 15: inner EtherType IPv4. */
        BPF_STMT(BPF_LD | BPF_H | BPF_IND, 28),
        /* 16 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0800, 0, TO_DROP(16)),
        /* 17: inner IPv4 without options. */
        BPF_STMT(BPF_LD | BPF_B | BPF_IND, 30),
        /* 18 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x45, 0, TO_DROP(18)),
        /* 19: inner UDP. */
        BPF_STMT(BPF_LD | BPF_B | BPF_IND, 39),
        /* 20 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 17, 0, TO_DROP(20)),
        /* 21: to the BFD control port. */
        BPF_STMT(BPF_LD | BPF_H | BPF_IND, 52),
        /* 22 */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, BFD_UDP_PORT, 0, TO_DROP(22)),
        /* 23 */ BPF_STMT(BPF_RET | BPF_K, 0xffff),
        /* 24 (FILTER_DROP) */ BPF_STMT(BPF_RET | BPF_K, 0),
    };
    struct sock_fprog prog = { .len = ARRAY_SIZE(code), .filter = code };

    _Static_assert(ARRAY_SIZE(code) == FILTER_DROP + 1, "filter length");
    return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog)
               ? -errno
               : 0;
}

/* Opens the receive socket: filter first, then bind to the protocol, so
 * that nothing unfiltered is ever queued. */
static int
open_rx(struct hal_netdev *nd)
{
    struct sockaddr_ll sll = {
        .sll_family = AF_PACKET,
        .sll_protocol = htons(ETH_P_IP),
    };
    int one = 1, rcvbuf = 4 << 20, fd, error;

    fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    /* Room for the frames of 1,000 sessions at 100 ms while vtepd is
     * busy elsewhere for a while (the default holds about 200). */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf)) {
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    }
    error = attach_filter(fd, nd->sw.vxlan_port);
    if (!error) {
        /* Our own frames are of no interest; kernels before 4.20 lack the
         * option and run_rx() skips them instead. */
        setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
        if (bind(fd, (struct sockaddr *) &sll, sizeof sll)) {
            error = -errno;
        }
    }
    if (!error) {
        struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

        if (epoll_ctl(nd->epoll_fd, EPOLL_CTL_ADD, fd, &ev)) {
            error = -errno;
        }
    }
    if (error) {
        close(fd);
        return error;
    }
    nd->bfd.rx_fd = fd;
    return 0;
}

/* Opens the transmit socket: UDP, no checksum (as OVS sends VXLAN). */
static int
open_tx(struct hal_netdev *nd)
{
    int one = 1, fd;

    fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    setsockopt(fd, SOL_SOCKET, SO_NO_CHECK, &one, sizeof one);
    nd->bfd.tx_fd = fd;
    return 0;
}

static int
open_sockets(struct hal_netdev *nd)
{
    int error = 0;

    if (nd->bfd.rx_fd < 0) {
        error = open_rx(nd);
    }
    if (!error && nd->bfd.tx_fd < 0) {
        error = open_tx(nd);
    }
    if (error) {
        VLOG_ERR("BFD: cannot open its sockets: %s", strerror(-error));
    }
    return error;
}

int
nd_bfd_set(struct hal *hal, const struct hal_bfd_config *c, hal_oid_t *oid)
{
    struct hal_netdev *nd = nd_cast(hal);
    int error;

    if (c->vni != 0) {
        /* Any other VNI belongs to a kernel VXLAN device. */
        return -EOPNOTSUPP;
    }
    error = open_sockets(nd);
    return error
               ? error
               : hal_bfd_sessions_set(&nd->bfd.sessions, c, oid, hal_now(hal));
}

int
nd_bfd_remove(struct hal *hal, hal_oid_t oid)
{
    return hal_bfd_sessions_remove(&nd_cast(hal)->bfd.sessions, oid);
}

int
nd_bfd_get(const struct hal *hal, hal_oid_t oid, struct hal_bfd_info *info)
{
    return hal_bfd_sessions_get(&nd_cast(hal)->bfd.sessions, oid, hal_now(hal),
                                info);
}

void
nd_bfd_switch_changed(struct hal_netdev *nd)
{
    int error;

    if (nd->bfd.rx_fd >= 0
        && (error = attach_filter(nd->bfd.rx_fd, nd->sw.vxlan_port))) {
        VLOG_ERR("BFD: cannot filter for UDP port %u: %s",
                 (unsigned) nd->sw.vxlan_port, strerror(-error));
    }
}

/* Checks again, in full, what the filter passed (a filter is a hint: an
 * old one may still be attached after a port change), and hands the inner
 * frame to the sessions. */
static void
input(struct hal_netdev *nd, const uint8_t *p, size_t len, int64_t now)
{
    struct in_addr src, dst;
    size_t ihl;
    uint32_t vni;

    if (len < 20 || (p[0] >> 4) != 4) {
        nd->bfd.rx_bad++;
        return;
    }
    ihl = (size_t) (p[0] & 0x0f) * 4;
    if (ihl < 20 || len < ihl + 8 + VXLAN_HLEN || p[9] != 17
        || csum_rfc1071(p, ihl) != 0
        || (p[ihl + 2] << 8 | p[ihl + 3]) != nd->sw.vxlan_port
        || !(p[ihl + 8] & 0x08)) {
        nd->bfd.rx_bad++;
        return;
    }
    memcpy(&src, p + 12, 4);
    memcpy(&dst, p + 16, 4);
    if (nd->sw.tunnel_src.s_addr && dst.s_addr != nd->sw.tunnel_src.s_addr) {
        nd->bfd.rx_bad++;
        return;
    }
    vni = (uint32_t) p[ihl + 12] << 16 | p[ihl + 13] << 8 | p[ihl + 14];
    p += ihl + 8 + VXLAN_HLEN;
    len -= ihl + 8 + VXLAN_HLEN;
    if (hal_bfd_sessions_input(&nd->bfd.sessions, src, vni, p, len, now)) {
        nd->bfd.rx_frames++;
    } else {
        nd->bfd.rx_bad++;
    }
}

static void
run_rx(struct hal_netdev *nd, int64_t now)
{
    uint8_t buf[2048];

    for (int i = 0; i < RX_BATCH; i++) {
        struct sockaddr_ll sll;
        socklen_t sl = sizeof sll;
        ssize_t n = recvfrom(nd->bfd.rx_fd, buf, sizeof buf, 0,
                             (struct sockaddr *) &sll, &sl);

        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR) {
                static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

                VLOG_WARN_RL(&rl, "BFD: receive: %s", strerror(errno));
            }
            return;
        }
        if (sll.sll_pkttype != PACKET_OUTGOING) {
            input(nd, buf, (size_t) n, now);
        }
    }
}

/* Sends one frame of a session (hal_bfd_send_fn). */
static void
send_frame(void *nd_, const struct hal_bfd_config *c, const uint8_t *frame,
           size_t len)
{
    struct hal_netdev *nd = nd_;
    uint8_t buf[VXLAN_HLEN + HAL_BFD_FRAME_LEN];
    struct sockaddr_in to = {
        .sin_family = AF_INET,
        .sin_port = htons(nd->sw.vxlan_port),
        .sin_addr = c->remote,
    };
    union {
        char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
        struct cmsghdr align;
    } control;
    struct iovec iov = { .iov_base = buf, .iov_len = VXLAN_HLEN + len };
    struct msghdr msg = {
        .msg_name = &to,
        .msg_namelen = sizeof to,
        .msg_iov = &iov,
        .msg_iovlen = 1,
    };

    if (len > HAL_BFD_FRAME_LEN) {
        return;
    }
    memset(buf, 0, VXLAN_HLEN);
    buf[0] = 0x08;
    buf[4] = (uint8_t) (c->vni >> 16);
    buf[5] = (uint8_t) (c->vni >> 8);
    buf[6] = (uint8_t) c->vni;
    memcpy(buf + VXLAN_HLEN, frame, len);
    if (nd->sw.tunnel_src.s_addr) {
        struct cmsghdr *cm;
        struct in_pktinfo *pi;

        memset(&control, 0, sizeof control);
        msg.msg_control = control.buf;
        msg.msg_controllen = sizeof control.buf;
        cm = CMSG_FIRSTHDR(&msg);
        cm->cmsg_level = IPPROTO_IP;
        cm->cmsg_type = IP_PKTINFO;
        cm->cmsg_len = CMSG_LEN(sizeof *pi);
        pi = (struct in_pktinfo *) (void *) CMSG_DATA(cm);
        pi->ipi_spec_dst = nd->sw.tunnel_src;
    }
    if (sendmsg(nd->bfd.tx_fd, &msg, 0) < 0) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

        nd->bfd.tx_errors++;
        VLOG_WARN_RL(&rl, "BFD: send to %s: %s", inet_ntoa(c->remote),
                     strerror(errno));
    }
}

void
nd_bfd_run(struct hal_netdev *nd, int64_t now)
{
    if (nd->bfd.rx_fd >= 0) {
        run_rx(nd, now);
    }
    if (nd->bfd.tx_fd >= 0) {
        hal_bfd_sessions_run(&nd->bfd.sessions, nd->sw.tunnel_src, now,
                             send_frame, nd);
    }
}

int64_t
nd_bfd_next_wake(const struct hal_netdev *nd)
{
    return hal_bfd_sessions_next_wake(&nd->bfd.sessions);
}
