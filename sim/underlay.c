/* SPDX-License-Identifier: Apache-2.0 */
/* VXLAN sockets: UDP for receiving, raw UDP for sending.  See underlay.h
 * for why. */
#include "sim/underlay.h"

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <linux/filter.h>
#include <linux/sock_diag.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <netinet/udp.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/hash.h"
#include "sim/frame.h"
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
    struct sockaddr_in self = { .sin_family = AF_INET, .sin_addr = u->local };
    int pmtu = IP_PMTUDISC_DONT;
    int error;

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
    error = bind_in(u->tx_fd, u->local, 0);
    if (error) {
        return error;
    }
    /* The filter drops what reaches the socket, but the IP stack clones
     * each UDP datagram for every raw UDP socket whose address and peer
     * match it, in the softirq of whoever delivers it: for each VXLAN
     * datagram received, an skb cloned and freed, ~10% of the CPU of the
     * sender of a decap flood in this lab (perf: skb_clone() under
     * raw_local_deliver()).  Connected to its own address, the socket
     * matches only datagrams from that address, which no remote VTEP
     * sends.  Sends name their destination: the connection routes
     * nothing. */
    if (connect(u->tx_fd, (struct sockaddr *) &self, sizeof self)) {
        return -errno;
    }
    return 0;
}

uint64_t
sim_underlay_rx_drops(const struct sim_underlay *u)
{
    uint32_t mem[SK_MEMINFO_VARS];
    socklen_t len = sizeof mem;

    if (u->rx_fd < 0 || getsockopt(u->rx_fd, SOL_SOCKET, SO_MEMINFO, mem, &len)
        || len <= SK_MEMINFO_DROPS * sizeof mem[0]) {
        return 0;
    }
    return mem[SK_MEMINFO_DROPS];
}

/* The overhead of VXLAN over IPv4: outer IP, UDP, VXLAN, inner Ethernet. */
#define VXLAN_OVERHEAD 50

/* IPv4 and UDP headers. */
#define IPV4_UDP_HLEN 28

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
    const char *env;
    int error, i;

    memset(u, 0, sizeof *u);
    u->rx_fd = u->tx_fd = u->tap.fd = -1;
    for (i = 0; i < SIM_UNDERLAY_GSO_SOCKETS; i++) {
        u->gso_fd[i] = -1;
    }
    for (i = 0; i < SIM_UNDERLAY_CONN_SLOTS; i++) {
        u->conn[i].fd = -1;
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
        return error;
    }
    env = getenv("VTEP_SIM_GSO_TAP");
    if (env && !strcmp(env, "0")) {
        u->tap.fd = -1;
        u->tap_why = "VTEP_SIM_GSO_TAP=0";
    } else {
        sim_gso_tap_open(&u->tap, &u->tap_why);
    }
    return 0;
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
    sim_gso_tap_close(&u->tap);
    for (int i = 0; i < SIM_UNDERLAY_GSO_SOCKETS; i++) {
        if (u->gso_fd[i] >= 0) {
            close(u->gso_fd[i]);
        }
        u->gso_fd[i] = -1;
    }
    for (int i = 0; i < SIM_UNDERLAY_CONN_SLOTS; i++) {
        struct sim_underlay_conn *c = &u->conn[i];

        if (c->sport && c->fd >= 0) {
            close(c->fd);
        }
        memset(c, 0, sizeof *c);
        c->fd = -1;
    }
    u->n_conn = 0;
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

/* Datagrams a (destination, source port) pair sends through the raw
 * socket before it earns a connected socket: a pair seen a few times (a
 * scan, a short flow) costs no socket. */
#define CONN_ADMIT 32

/* A slot whose pair sent nothing in this many sim_underlay_send_batch()
 * calls goes to the next pair that hashes there. */
#define CONN_IDLE 64

/* Opens the connected socket of slot 'c': UDP from the tunnel IP and the
 * pair's source port to the pair's destination and 'dport', receiving
 * nothing, with DF clear like the raw socket.  The UDP checksum is
 * left on (the device computes it, or its peer trusts it, on veth):
 * segmentation offload needs it.  SO_REUSEADDR: pairs with the same port
 * toward different remotes share it.  Returns the socket or -2. */
static int
open_conn(const struct sim_underlay *u, const struct sim_underlay_conn *c,
          uint16_t dport)
{
    struct sock_filter reject = BPF_STMT(BPF_RET | BPF_K, 0);
    struct sock_fprog prog = { 1, &reject };
    int pmtu = IP_PMTUDISC_DONT, one = 1;
    struct sockaddr_in sin;
    int fd;

    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return -2;
    }
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr = c->dst;
    sin.sin_port = htons(dport);
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog)
        || setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof pmtu)
        || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one)
        || bind_in(fd, u->local, c->sport)
        || connect(fd, (struct sockaddr *) &sin, sizeof sin)) {
        close(fd);
        return -2;
    }
    return fd;
}

/* Returns the slot with a connected socket for the datagram of 'msg', or
 * NULL to send it through the raw socket; counts it toward its pair's
 * admission. */
static struct sim_underlay_conn *
conn_lookup(struct sim_underlay *u, const struct msghdr *msg)
{
    const struct sockaddr_in *sin = msg->msg_name;
    struct sim_underlay_conn *c;
    const uint8_t *udp;
    uint16_t sport, dport;

    if (!sin || msg->msg_namelen < sizeof *sin || sin->sin_family != AF_INET
        || !msg->msg_iovlen || msg->msg_iov[0].iov_len < SIM_UDP_HLEN) {
        return NULL;
    }
    udp = msg->msg_iov[0].iov_base;
    sport = (uint16_t) (udp[0] << 8 | udp[1]);
    dport = (uint16_t) (udp[2] << 8 | udp[3]);
    if (!sport || dport != u->port) {
        return NULL;
    }
    c = &u->conn[hash_finish(hash_add(ntohl(sin->sin_addr.s_addr), sport), 0)
                 % SIM_UNDERLAY_CONN_SLOTS];
    if (c->sport != sport || c->dst.s_addr != sin->sin_addr.s_addr) {
        if (c->sport && u->epoch - c->last_use < CONN_IDLE) {
            return NULL; /* Another pair's, busy. */
        }
        if (c->sport && c->fd >= 0) {
            close(c->fd);
            u->n_conn--;
        }
        c->dst = sin->sin_addr;
        c->sport = sport;
        c->hits = 0;
        c->fd = -1;
    }
    c->last_use = u->epoch;
    if (c->fd == -1 && ++c->hits >= CONN_ADMIT) {
        c->fd = open_conn(u, c, dport);
        c->gso = c->fd >= 0;
        u->n_conn += c->fd >= 0;
    }
    return c->fd >= 0 ? c : NULL;
}

/* Sends the 'n' datagrams of 'msgs' through the connected socket 'fd'.
 * As sim_sendmmsg(), except that a failure other than -EAGAIN and -ENOBUFS
 * is tried again (up to 'n' times in all): a connected UDP socket reports
 * an ICMP error that came back (port unreachable: -ECONNREFUSED) by
 * failing the next send, which sends nothing.  The raw socket ignores
 * them, and so does the kernel's VXLAN device; each datagram sent can
 * bring back at most one.  Sets '*stop' after -EAGAIN or -ENOBUFS. */
static size_t
send_each(int fd, struct mmsghdr *msgs, size_t n, int *error, bool *stop)
{
    size_t i, sent = 0, retries = n;

    for (i = 0; i < n;) {
        int r = sendmmsg(fd, msgs + i, (unsigned int) (n - i), MSG_DONTWAIT);

        if (r > 0) {
            i += (size_t) r;
            sent += (size_t) r;
            continue;
        } else if (r < 0 && errno != EAGAIN && errno != ENOBUFS && retries) {
            retries--;
            continue;
        }
        *error = r < 0 ? -errno : -EIO;
        if (r == 0 || errno == EAGAIN || errno == ENOBUFS) {
            *stop = true;
            break;
        }
        i++;
    }
    return sent;
}

/* The most datagrams (segments) and UDP payload bytes of one UDP_SEGMENT
 * send: the kernel's UDP_MAX_SEGMENTS before Linux 6.8, and what fits an
 * IPv4 packet. */
#define GSO_SEGS_MAX 64
#define GSO_BYTES_MAX 65000

/* The most iovecs one datagram of sim_underlay_send_batch() may have for
 * coalescing (more: it goes alone). */
#define GSO_IOV_PER_MSG 6

static size_t
msg_bytes(const struct msghdr *m)
{
    size_t i, len = 0;

    for (i = 0; i < m->msg_iovlen; i++) {
        len += m->msg_iov[i].iov_len;
    }
    return len;
}

/* Sends the 'n' datagrams of 'msgs', each 'seg' bytes of UDP payload (the
 * last may be shorter), through the connected socket 'fd' with one system
 * call (UDP segmentation offload).  Returns 0 or a negative errno (then
 * nothing was sent). */
static int
send_gso(int fd, struct mmsghdr *msgs, size_t n, size_t seg)
{
    union {
        char buf[CMSG_SPACE(sizeof(uint16_t))];
        struct cmsghdr align;
    } control;
    struct iovec iov[GSO_SEGS_MAX * GSO_IOV_PER_MSG];
    uint16_t seg_size = (uint16_t) seg;
    struct cmsghdr *cmsg;
    struct msghdr msg;
    size_t i, k = 0;

    for (i = 0; i < n; i++) {
        const struct msghdr *m = &msgs[i].msg_hdr;

        memcpy(&iov[k], m->msg_iov, m->msg_iovlen * sizeof *iov);
        k += m->msg_iovlen;
    }
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = iov;
    msg.msg_iovlen = k;
    msg.msg_control = &control;
    msg.msg_controllen = sizeof control;
    cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_UDP;
    cmsg->cmsg_type = UDP_SEGMENT;
    cmsg->cmsg_len = CMSG_LEN(sizeof seg_size);
    memcpy(CMSG_DATA(cmsg), &seg_size, sizeof seg_size);
    return sendmsg(fd, &msg, MSG_DONTWAIT) < 0 ? -errno : 0;
}

/* Sends the 'n' datagrams of 'msgs' (without UDP headers) through the
 * connected socket of 'c', in order: runs of datagrams of one size (and
 * a shorter last one) that each fit the underlay MTU with one UDP_SEGMENT
 * send each, as a UDP GSO socket of the kernel would; the others with
 * send_each().  Sets msg_len of each one sent. */
static size_t
send_conn(const struct sim_underlay *u, struct sim_underlay_conn *c,
          struct mmsghdr *msgs, size_t n, int *error)
{
    size_t mtu = (size_t) u->inner_mtu + VXLAN_OVERHEAD;
    size_t i = 0, first = 0, sent = 0;
    bool stop = false;

    while (i < n) {
        size_t seg = msg_bytes(&msgs[i].msg_hdr), total = seg, j = i + 1;
        int error2;

        while (c->gso && msgs[i].msg_hdr.msg_iovlen <= GSO_IOV_PER_MSG && j < n
               && j - i < GSO_SEGS_MAX
               && msgs[j].msg_hdr.msg_iovlen <= GSO_IOV_PER_MSG) {
            size_t len = msg_bytes(&msgs[j].msg_hdr);

            if (len > seg || total + len > GSO_BYTES_MAX) {
                break;
            }
            total += len;
            j++;
            if (len < seg) {
                break;
            }
        }
        if (j - i < 2 || seg + IPV4_UDP_HLEN > mtu) {
            i++;
            continue;
        }
        /* Those before the run first, in order. */
        sent += send_each(c->fd, msgs + first, i - first, error, &stop);
        if (stop) {
            return sent;
        }
        error2 = send_gso(c->fd, msgs + i, j - i, seg);
        if (error2 && error2 != -EAGAIN && error2 != -ENOBUFS) {
            /* Maybe an ICMP error reported (see send_each()). */
            error2 = send_gso(c->fd, msgs + i, j - i, seg);
        }
        if (error2 == -EAGAIN || error2 == -ENOBUFS) {
            *error = error2;
            return sent;
        } else if (error2) {
            c->gso = false; /* Unsupported: one by one from now on. */
            first = i;
            continue;
        }
        sent += j - i;
        for (; i < j; i++) {
            msgs[i].msg_len = (unsigned int) msg_bytes(&msgs[i].msg_hdr);
        }
        first = j;
    }
    return sent + send_each(c->fd, msgs + first, n - first, error, &stop);
}

/* The most datagrams send_chunk() takes. */
#define SEND_CHUNK 64

/* sim_underlay_send_batch() for at most SEND_CHUNK datagrams: one
 * sendmmsg() for those of each connected socket, one for the rest through
 * the raw socket, each in the order of 'msgs'. */
static size_t
send_chunk(struct sim_underlay *u, struct mmsghdr *msgs, size_t n, int *error)
{
    struct sim_underlay_conn *conn[SEND_CHUNK];
    struct mmsghdr group[SEND_CHUNK];
    size_t idx[SEND_CHUNK], i, j, k, sent = 0;
    bool done[SEND_CHUNK];

    for (i = 0; i < n; i++) {
        conn[i] = conn_lookup(u, &msgs[i].msg_hdr);
        done[i] = false;
    }
    for (i = 0; i < n; i++) {
        if (done[i]) {
            continue;
        }
        for (j = i, k = 0; j < n; j++) {
            if (!done[j] && conn[j] == conn[i]) {
                struct msghdr *m = &msgs[j].msg_hdr;

                if (conn[i]) {
                    /* The socket writes the UDP header and knows the
                     * destination. */
                    m->msg_name = NULL;
                    m->msg_namelen = 0;
                    m->msg_iov[0].iov_base =
                        (uint8_t *) m->msg_iov[0].iov_base + SIM_UDP_HLEN;
                    m->msg_iov[0].iov_len -= SIM_UDP_HLEN;
                }
                group[k] = msgs[j];
                idx[k++] = j;
                done[j] = true;
            }
        }
        sent += conn[i] ? send_conn(u, conn[i], group, k, error)
                        : sim_sendmmsg(u->tx_fd, group, k, error);
        for (j = 0; j < k; j++) {
            msgs[idx[j]].msg_len = group[j].msg_len;
        }
    }
    return sent;
}

size_t
sim_underlay_send_batch(struct sim_underlay *u, struct mmsghdr *msgs, size_t n,
                        int *error)
{
    size_t i, sent = 0;

    u->epoch++;
    for (i = 0; i < n; i++) {
        msgs[i].msg_len = 0;
    }
    for (i = 0; i < n; i += SEND_CHUNK) {
        sent += send_chunk(u, msgs + i,
                           n - i < SEND_CHUNK ? n - i : SEND_CHUNK, error);
    }
    return sent;
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
                      uint16_t sport, const struct iovec *iov, size_t n_iov,
                      uint16_t seg_size)
{
    union {
        char buf[CMSG_SPACE(sizeof(uint16_t))];
        struct cmsghdr align;
    } control;
    int i = sport % SIM_UNDERLAY_GSO_SOCKETS;
    size_t j, len = 0;
    struct sockaddr_in sin;
    struct cmsghdr *cmsg;
    struct msghdr msg;

    if (u->gso_fd[i] == -1) {
        u->gso_fd[i] = open_gso(u, i);
    }
    if (u->gso_fd[i] < 0 || !seg_size) {
        return -EOPNOTSUPP;
    }
    for (j = 0; j < n_iov; j++) {
        len += iov[j].iov_len;
    }
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr = dst;
    sin.sin_port = htons(u->port);
    memset(&msg, 0, sizeof msg);
    msg.msg_name = &sin;
    msg.msg_namelen = sizeof sin;
    msg.msg_iov = (struct iovec *) iov;
    msg.msg_iovlen = n_iov;
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
