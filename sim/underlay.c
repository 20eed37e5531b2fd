/* SPDX-License-Identifier: Apache-2.0 */
/* VXLAN sockets: UDP for receiving, raw UDP for sending.  See underlay.h
 * for why. */
#include "sim/underlay.h"

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <linux/filter.h>
#include <string.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sim/port.h"

static int
bind_in(int fd, struct in_addr addr, uint16_t port)
{
    struct sockaddr_in sin;

    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr = addr;
    sin.sin_port = htons(port);
    return bind(fd, (struct sockaddr *) &sin, sizeof sin) < 0 ? -errno : 0;
}

static int
open_rx(struct sim_underlay *u)
{
    int one = 1;

    u->rx_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (u->rx_fd < 0) {
        return -errno;
    }
    /* Lets a restarted dataplane rebind at once. */
    if (setsockopt(u->rx_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one)) {
        return -errno;
    }
    sim_socket_grow_rcvbuf(u->rx_fd);
    return bind_in(u->rx_fd, u->local, u->port);
}

static int
open_tx(struct sim_underlay *u)
{
    /* "ret #0": accept nothing, so incoming UDP never queues here. */
    struct sock_filter reject = BPF_STMT(BPF_RET | BPF_K, 0);
    struct sock_fprog prog = { 1, &reject };
    int pmtu = IP_PMTUDISC_DONT;

    u->tx_fd =
        socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_UDP);
    if (u->tx_fd < 0) {
        return -errno;
    }
    if (setsockopt(u->tx_fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
                   sizeof prog)) {
        return -errno;
    }
    /* Like Linux's own VXLAN device by default: leave DF clear and let the
     * IP layer fragment an encapsulated frame that outgrows the underlay
     * MTU, rather than lose it.  (A switch ASIC would drop it.) */
    if (setsockopt(u->tx_fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu,
                   sizeof pmtu)) {
        return -errno;
    }
    return bind_in(u->tx_fd, u->local, 0);
}

/* The overhead of VXLAN over IPv4: outer IP, UDP, VXLAN, inner Ethernet. */
#define VXLAN_OVERHEAD 50

/* Returns the MTU of the interface that has address 'local', less VXLAN's
 * overhead: the largest inner IP packet that fits, as Linux sizes its
 * VXLAN devices. */
static uint16_t
inner_mtu(struct in_addr local)
{
    struct ifaddrs *ifa, *i;
    int mtu = 1500;

    if (getifaddrs(&ifa)) {
        return 1500 - VXLAN_OVERHEAD;
    }
    for (i = ifa; i; i = i->ifa_next) {
        if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET
            && ((struct sockaddr_in *) i->ifa_addr)->sin_addr.s_addr
                   == local.s_addr) {
            struct ifreq ifr;
            int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

            memset(&ifr, 0, sizeof ifr);
            snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", i->ifa_name);
            if (fd >= 0 && !ioctl(fd, SIOCGIFMTU, &ifr)) {
                mtu = ifr.ifr_mtu;
            }
            if (fd >= 0) {
                close(fd);
            }
            break;
        }
    }
    freeifaddrs(ifa);
    return (uint16_t) (mtu > 576 + VXLAN_OVERHEAD && mtu <= 65535
                           ? mtu - VXLAN_OVERHEAD
                           : 1500 - VXLAN_OVERHEAD);
}

int
sim_underlay_open(struct sim_underlay *u, struct in_addr local, uint16_t port)
{
    int error, i;

    memset(u, 0, sizeof *u);
    u->rx_fd = u->tx_fd = -1;
    for (i = 0; i < SIM_UNDERLAY_GSO_SOCKETS; i++) {
        u->gso_fd[i] = -1;
    }
    u->local = local;
    u->port = port;
    u->inner_mtu = inner_mtu(local);
    error = open_rx(u);
    if (!error) {
        error = open_tx(u);
    }
    if (error) {
        sim_underlay_close(u);
    }
    return error;
}

void
sim_underlay_close(struct sim_underlay *u)
{
    if (u->rx_fd >= 0) {
        close(u->rx_fd);
    }
    if (u->tx_fd >= 0) {
        close(u->tx_fd);
    }
    u->rx_fd = u->tx_fd = -1;
    for (int i = 0; i < SIM_UNDERLAY_GSO_SOCKETS; i++) {
        if (u->gso_fd[i] >= 0) {
            close(u->gso_fd[i]);
        }
        u->gso_fd[i] = -1;
    }
}

ssize_t
sim_underlay_recv(struct sim_underlay *u, uint8_t *buf, size_t size,
                  struct in_addr *src)
{
    struct sockaddr_in sin;
    socklen_t sin_len = sizeof sin;
    ssize_t n;

    n = recvfrom(u->rx_fd, buf, size, MSG_TRUNC, (struct sockaddr *) &sin,
                 &sin_len);
    if (n < 0) {
        return -errno;
    } else if ((size_t) n > size) {
        return -EMSGSIZE;
    }
    *src = sin.sin_addr;
    return n;
}

int
sim_underlay_send(struct sim_underlay *u, struct in_addr dst,
                  const struct iovec *iov, size_t n)
{
    struct sockaddr_in sin;
    struct msghdr msg;

    if (n > 8) {
        return -EINVAL;
    }
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr = dst;
    memset(&msg, 0, sizeof msg);
    msg.msg_name = &sin;
    msg.msg_namelen = sizeof sin;
    msg.msg_iov = (struct iovec *) iov;
    msg.msg_iovlen = n;
    return sendmsg(u->tx_fd, &msg, MSG_DONTWAIT) < 0 ? -errno : 0;
}

/* The most datagrams one sim_underlay_recv_batch() system call takes. */
#define RECV_BATCH_MAX 64

int
sim_underlay_recv_batch(struct sim_underlay *u, struct sim_underlay_msg *msgs,
                        size_t n)
{
    struct sockaddr_in sin[RECV_BATCH_MAX];
    struct mmsghdr mm[RECV_BATCH_MAX];
    struct iovec iov[RECV_BATCH_MAX];
    int got, i;

    n = n < RECV_BATCH_MAX ? n : RECV_BATCH_MAX;
    memset(mm, 0, n * sizeof *mm);
    for (i = 0; i < (int) n; i++) {
        iov[i].iov_base = msgs[i].buf;
        iov[i].iov_len = msgs[i].size;
        mm[i].msg_hdr.msg_iov = &iov[i];
        mm[i].msg_hdr.msg_iovlen = 1;
        mm[i].msg_hdr.msg_name = &sin[i];
        mm[i].msg_hdr.msg_namelen = sizeof sin[i];
    }
    got = recvmmsg(u->rx_fd, mm, (unsigned int) n, MSG_TRUNC, NULL);
    if (got < 0) {
        return -errno;
    }
    for (i = 0; i < got; i++) {
        msgs[i].src = sin[i].sin_addr;
        msgs[i].len =
            mm[i].msg_hdr.msg_flags & MSG_TRUNC || mm[i].msg_len > msgs[i].size
                ? -EMSGSIZE
                : (ssize_t) mm[i].msg_len;
    }
    return got;
}

size_t
sim_underlay_send_batch(struct sim_underlay *u, struct mmsghdr *msgs, size_t n,
                        int *error)
{
    size_t i;

    for (i = 0; i < n; i++) {
        msgs[i].msg_len = 0;
    }
    return sim_sendmmsg(u->tx_fd, msgs, n, error);
}

/* Opens the segmentation-offload socket 'i': UDP from the tunnel IP and
 * the i-th of the top SIM_UNDERLAY_GSO_SOCKETS ports, receiving nothing. */
static int
open_gso(struct sim_underlay *u, int i)
{
    struct sock_filter reject = BPF_STMT(BPF_RET | BPF_K, 0);
    struct sock_fprog prog = { 1, &reject };
    int pmtu = IP_PMTUDISC_DONT;
    int fd;

    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return -1;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog)
        || setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof pmtu)
        || bind_in(fd, u->local,
                   (uint16_t) (65535 - SIM_UNDERLAY_GSO_SOCKETS + 1 + i))) {
        close(fd);
        return -2;
    }
    return fd;
}

int
sim_underlay_send_gso(struct sim_underlay *u, struct in_addr dst,
                      uint16_t sport, const uint8_t *buf, size_t len,
                      uint16_t seg_size)
{
    union {
        char buf[CMSG_SPACE(sizeof(uint16_t))];
        struct cmsghdr align;
    } control;
    int i = sport % SIM_UNDERLAY_GSO_SOCKETS;
    struct iovec iov = { (void *) buf, len };
    struct sockaddr_in sin;
    struct cmsghdr *cmsg;
    struct msghdr msg;

    if (u->gso_fd[i] == -1) {
        u->gso_fd[i] = open_gso(u, i);
    }
    if (u->gso_fd[i] < 0 || !seg_size) {
        return -EOPNOTSUPP;
    }
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr = dst;
    sin.sin_port = htons(u->port);
    memset(&msg, 0, sizeof msg);
    msg.msg_name = &sin;
    msg.msg_namelen = sizeof sin;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = &control;
    msg.msg_controllen = sizeof control;
    cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_UDP;
    cmsg->cmsg_type = UDP_SEGMENT;
    cmsg->cmsg_len = CMSG_LEN(sizeof seg_size);
    memcpy(CMSG_DATA(cmsg), &seg_size, sizeof seg_size);
    if (sendmsg(u->gso_fd[i], &msg, MSG_DONTWAIT) < 0) {
        return -errno;
    }
    return (int) ((len + seg_size - 1) / seg_size);
}
