/* SPDX-License-Identifier: Apache-2.0 */
/* VXLAN sockets: UDP for receiving, raw UDP for sending.  See underlay.h
 * for why. */
#include "sim/underlay.h"

#include <errno.h>
#include <linux/filter.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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
    int one = 1, rcvbuf = 4 << 20;

    u->rx_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (u->rx_fd < 0) {
        return -errno;
    }
    /* Lets a restarted dataplane rebind at once. */
    if (setsockopt(u->rx_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one)) {
        return -errno;
    }
    /* A deep queue, as a chip's: with the default (about 200 frames) a
     * process descheduled for 20 ms drops the BFD of 1,000 sessions at
     * 100 ms.  Above net.core.rmem_max only with CAP_NET_ADMIN. */
    if (setsockopt(u->rx_fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
                   sizeof rcvbuf)) {
        setsockopt(u->rx_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    }
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

int
sim_underlay_open(struct sim_underlay *u, struct in_addr local, uint16_t port)
{
    int error;

    memset(u, 0, sizeof *u);
    u->rx_fd = u->tx_fd = -1;
    u->local = local;
    u->port = port;
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
