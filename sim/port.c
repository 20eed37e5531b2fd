/* SPDX-License-Identifier: Apache-2.0 */
/* Front-panel port I/O over AF_PACKET, TAP or a caller's descriptor.  See
 * port.h for what the kernel does to frames and how it is undone. */
#include "sim/port.h"
#include "sim/port-private.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sim/frame.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

const char *
sim_port_kind_name(enum sim_port_kind kind)
{
    switch (kind) {
    case SIM_PORT_AUTO:
        return "auto";
    case SIM_PORT_PACKET:
        return "packet";
    case SIM_PORT_TAP:
        return "tap";
    case SIM_PORT_FD:
        return "fd";
    }
    return "?";
}

static int
set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        return -errno;
    }
    return 0;
}

int
sim_port_setsockopt_int(int fd, int level, int name, int value)
{
    return setsockopt(fd, level, name, &value, sizeof value) < 0 ? -errno : 0;
}

/* The transmit ring: the same slots, few of them (512 KB): the kernel
 * copies each frame out of its slot (see tx_ring_put()) and gives the
 * slot back when that copy is freed, for a veth mostly within our
 * send(). */
#define TX_RING_FRAME_NR 256

/* Where a frame (its virtio-net header first) starts in a transmit slot:
 * the kernel's default for TPACKET_V2, its header less the address. */
#define TX_DATA_OFF (TPACKET2_HDRLEN - sizeof(struct sockaddr_ll))
#define TX_DATA_MAX (RING_FRAME_SIZE - TX_DATA_OFF)

static bool
env_off(const char *name)
{
    const char *env = getenv(name);

    return env && !strcmp(env, "0");
}

static void
ring_req(struct tpacket_req *req, unsigned int frames)
{
    memset(req, 0, sizeof *req);
    if (frames) {
        req->tp_block_size = RING_BLOCK_SIZE;
        req->tp_frame_size = RING_FRAME_SIZE;
        req->tp_block_nr = frames / (RING_BLOCK_SIZE / RING_FRAME_SIZE);
        req->tp_frame_nr = frames;
    }
}

/* Sets up the receive ring of 'port''s socket (a block ring with
 * VTEP_SIM_RING=block), or leaves 'port->ring' NULL if the kernel (or
 * VTEP_SIM_RING=0) says no: the socket then works as without. */
static void
setup_ring(struct sim_port *port)
{
    struct tpacket_req req;
    void *ring;
    const char *env = getenv("VTEP_SIM_RING");

    if (env_off("VTEP_SIM_RING")) {
        return;
    }
    if (env && !strcmp(env, "block") && sim_port_setup_block_ring(port)) {
        return;
    }
    ring_req(&req, RING_FRAME_NR);
    if (sim_port_setsockopt_int(port->fd, SOL_PACKET, PACKET_VERSION,
                                TPACKET_V2)
        || sim_port_setsockopt_int(port->fd, SOL_PACKET, PACKET_COPY_THRESH, 1)
        || setsockopt(port->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req)
               < 0) {
        return;
    }
    ring = mmap(NULL, (size_t) req.tp_block_size * req.tp_block_nr,
                PROT_READ | PROT_WRITE, MAP_SHARED, port->fd, 0);
    if (ring == MAP_FAILED) {
        ring_req(&req, 0);
        setsockopt(port->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req);
        return;
    }
    port->ring = ring;
    port->ring_len = (size_t) req.tp_block_size * req.tp_block_nr;
}

/* Opens the transmit ring of 'port': a socket of its own (with a ring, a
 * packet socket sends nothing but the ring, and this one is in no epoll
 * set for a freed frame to wake), bound to the interface for no protocol
 * (it receives nothing).  Leaves 'port->tx_ring' NULL if the kernel (or
 * VTEP_SIM_RING=0, VTEP_SIM_TX_RING=0) says no. */
static void
setup_tx_ring(struct sim_port *port)
{
    struct tpacket_req req;
    struct sockaddr_ll sll;
    void *ring;
    int fd;

    if (env_off("VTEP_SIM_RING") || env_off("VTEP_SIM_TX_RING")) {
        return;
    }
    fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return;
    }
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_ifindex = port->ifindex;
    ring_req(&req, TX_RING_FRAME_NR);
    /* A frame the kernel finds malformed (it should not happen) is
     * skipped rather than left to block the ring. */
    if (sim_port_setsockopt_int(fd, SOL_PACKET, PACKET_VNET_HDR, 1)
        || sim_port_setsockopt_int(fd, SOL_PACKET, PACKET_VERSION, TPACKET_V2)
        || sim_port_setsockopt_int(fd, SOL_PACKET, PACKET_LOSS, 1)
        || setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof req) < 0
        || bind(fd, (struct sockaddr *) &sll, sizeof sll) < 0) {
        close(fd);
        return;
    }
    ring = mmap(NULL, (size_t) req.tp_block_size * req.tp_block_nr,
                PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (ring == MAP_FAILED) {
        close(fd);
        return;
    }
    port->tx_fd = fd;
    port->tx_ring = ring;
    port->tx_ring_len = (size_t) req.tp_block_size * req.tp_block_nr;
}

/* Binds an AF_PACKET socket to 'port''s interface: every protocol,
 * promiscuous, tags and checksum state reported, our own transmissions
 * not looped back, a receive ring if the kernel gives one. */
static int
open_packet(struct sim_port *port)
{
    struct packet_mreq mreq;
    struct sockaddr_ll sll;
    int error;

    port->ifindex = (int) if_nametoindex(port->name);
    if (!port->ifindex) {
        return -ENODEV;
    }
    port->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
                      htons(ETH_P_ALL));
    if (port->fd < 0) {
        return -errno;
    }
    error = sim_port_setsockopt_int(port->fd, SOL_PACKET, PACKET_AUXDATA, 1);
    if (!error) {
        error =
            sim_port_setsockopt_int(port->fd, SOL_PACKET, PACKET_VNET_HDR, 1);
    }
    if (!error) {
        error = sim_port_setsockopt_int(port->fd, SOL_PACKET,
                                        PACKET_IGNORE_OUTGOING, 1);
    }
    if (!error) {
        sim_socket_grow_rcvbuf(port->fd);
        setup_ring(port);
    }
    if (error) {
        return error;
    }

    memset(&mreq, 0, sizeof mreq);
    mreq.mr_ifindex = port->ifindex;
    mreq.mr_type = PACKET_MR_PROMISC;
    if (setsockopt(port->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq,
                   sizeof mreq)
        < 0) {
        return -errno;
    }

    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = port->ifindex;
    if (bind(port->fd, (struct sockaddr *) &sll, sizeof sll) < 0) {
        return -errno;
    }
    setup_tx_ring(port);
    sim_port_setup_adaptive(port);
    return 0;
}

/* Creates, or attaches to, the TAP device named after 'port' and brings
 * its link up so that frames flow as soon as the other side is up. */
static int
open_tap(struct sim_port *port)
{
    struct ifreq ifr;
    int sock;
    int error = 0;

    port->fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (port->fd < 0) {
        return -errno;
    }
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (strlen(port->name) >= sizeof ifr.ifr_name) {
        return -ENAMETOOLONG;
    }
    memcpy(ifr.ifr_name, port->name, strlen(port->name) + 1);
    if (ioctl(port->fd, TUNSETIFF, &ifr) < 0) {
        return -errno;
    }

    sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0) {
        return -errno;
    }
    if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0) {
        error = -errno;
    } else if (!(ifr.ifr_flags & IFF_UP)) {
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0) {
            error = -errno;
        }
    }
    close(sock);
    return error;
}

void
sim_socket_grow_rcvbuf(int fd)
{
    /* The process is not scheduled the moment frames arrive; a queue of a
     * few thousand frames rides out a time slice of another process.
     * Privileged processes may exceed net.core.rmem_max. */
    if (sim_port_setsockopt_int(fd, SOL_SOCKET, SO_RCVBUFFORCE, SIM_RCVBUF)) {
        sim_port_setsockopt_int(fd, SOL_SOCKET, SO_RCVBUF, SIM_RCVBUF);
    }
}

int
sim_port_open(struct sim_port *port, const char *name, enum sim_port_kind kind,
              int fd)
{
    int error;

    memset(port, 0, sizeof *port);
    port->fd = port->tx_fd = -1;
    if (strlen(name) >= sizeof port->name || strlen(name) >= IFNAMSIZ) {
        return -ENAMETOOLONG;
    }
    memcpy(port->name, name, strlen(name) + 1);
    if (kind == SIM_PORT_AUTO) {
        kind = if_nametoindex(name) ? SIM_PORT_PACKET : SIM_PORT_TAP;
    }
    port->kind = kind;

    switch (kind) {
    case SIM_PORT_PACKET:
        error = open_packet(port);
        break;
    case SIM_PORT_TAP:
        error = open_tap(port);
        break;
    case SIM_PORT_FD:
        port->fd = fd;
        error = set_nonblocking(fd);
        break;
    case SIM_PORT_AUTO:
    default:
        error = -EINVAL;
        break;
    }
    if (error) {
        sim_port_close(port);
    }
    return error;
}

/* The drops the kernel counted on the packet socket 'fd' since the last
 * call (PACKET_STATISTICS resets them).  struct tpacket_stats_v3, which a
 * block ring's socket fills, begins as struct tpacket_stats does. */
static uint64_t
packet_drops(int fd)
{
    struct tpacket_stats_v3 st;
    socklen_t len = sizeof st;

    memset(&st, 0, sizeof st);
    if (fd < 0 || getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len)) {
        return 0;
    }
    return st.tp_drops;
}

uint64_t
sim_port_rx_missed(struct sim_port *port)
{
    if (port->kind == SIM_PORT_PACKET) {
        port->rx_missed += packet_drops(port->fd);
        if (port->burst) {
            port->rx_missed += packet_drops(port->burst->fd);
        }
    }
    return port->rx_missed;
}

void
sim_port_close(struct sim_port *port)
{
    if (port->burst) {
        sim_port_close(port->burst);
        free(port->burst);
        port->burst = NULL;
    }
    if (port->ring) {
        munmap(port->ring, port->ring_len);
        port->ring = NULL;
    }
    if (port->fd >= 0) {
        close(port->fd);
        port->fd = -1;
    }
    if (port->tx_ring) {
        munmap(port->tx_ring, port->tx_ring_len);
        port->tx_ring = NULL;
    }
    if (port->tx_fd >= 0) {
        close(port->tx_fd);
        port->tx_fd = -1;
    }
}

/* Applies the virtio-net header the kernel put before an AF_PACKET frame:
 * completes a partial checksum; reports a TCP super-frame in 'm' if 'm'
 * is given, refuses it otherwise; refuses every other GSO frame. */
static int
apply_vnet_hdr(const struct virtio_net_hdr *vh, uint8_t *frame, size_t len,
               struct sim_port_msg *m)
{
    uint8_t gso = vh->gso_type & (uint8_t) ~VIRTIO_NET_HDR_GSO_ECN;

    if (vh->gso_type == VIRTIO_NET_HDR_GSO_NONE) {
        if (vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
            return sim_csum_complete(frame, len, vh->csum_start,
                                     vh->csum_offset);
        }
        return 0;
    }
    if (!m || !vh->gso_size
        || (gso != VIRTIO_NET_HDR_GSO_TCPV4
            && gso != VIRTIO_NET_HDR_GSO_TCPV6)) {
        return -EOPNOTSUPP;
    }
    /* The TCP checksum is computed per segment. */
    m->gso_size = vh->gso_size;
    m->l4_off = vh->csum_start;
    return 0;
}

/* Stores in '*tag' the 802.1Q TCI that the kernel stripped from the frame
 * described by 'msg''s auxiliary data, or SIM_PORT_NO_TAG.  Returns 0, or
 * -EOPNOTSUPP for a tag of another kind (802.1ad). */
static int
stripped_tag(struct msghdr *msg, int *tag)
{
    struct cmsghdr *cmsg;

    for (cmsg = CMSG_FIRSTHDR(msg); cmsg; cmsg = CMSG_NXTHDR(msg, cmsg)) {
        struct tpacket_auxdata aux;

        if (cmsg->cmsg_level != SOL_PACKET || cmsg->cmsg_type != PACKET_AUXDATA
            || cmsg->cmsg_len < CMSG_LEN(sizeof aux)) {
            continue;
        }
        memcpy(&aux, CMSG_DATA(cmsg), sizeof aux);
        if (!(aux.tp_status & TP_STATUS_VLAN_VALID)) {
            break;
        }
        if (aux.tp_status & TP_STATUS_VLAN_TPID_VALID
            && aux.tp_vlan_tpid != SIM_ETH_TPID_8021Q) {
            return -EOPNOTSUPP;
        }
        *tag = aux.tp_vlan_tci;
        return 0;
    }
    *tag = SIM_PORT_NO_TAG;
    return 0;
}

/* Control buffer for one AF_PACKET frame's auxiliary data. */
union packet_control {
    char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
    struct cmsghdr align;
};

/* Turns the 'n' bytes recvmsg() returned into 'msg' (a virtio-net header
 * 'vh', then the frame in 'buf' of 'size' bytes) into a frame length or
 * an error; 'm' as for apply_vnet_hdr(). */
static ssize_t
finish_packet(struct msghdr *msg, ssize_t n, const struct virtio_net_hdr *vh,
              uint8_t *buf, size_t size, int *tag, struct sim_port_msg *m)
{
    size_t len;
    int error;

    *tag = SIM_PORT_NO_TAG;
    if (n < 0) {
        return -errno;
    } else if ((size_t) n < sizeof *vh) {
        return -EINVAL;
    } else if ((size_t) n - sizeof *vh > size || msg->msg_flags & MSG_TRUNC) {
        return -EMSGSIZE;
    }
    len = (size_t) n - sizeof *vh;
    error = apply_vnet_hdr(vh, buf, len, m);
    if (!error) {
        error = stripped_tag(msg, tag);
    }
    return error ? error : (ssize_t) len;
}

static ssize_t
recv_packet(struct sim_port *port, uint8_t *buf, size_t size, int *tag)
{
    union packet_control control;
    struct virtio_net_hdr vh;
    struct iovec iov[2] = { { &vh, sizeof vh }, { buf, size } };
    struct msghdr msg;

    memset(&msg, 0, sizeof msg);
    msg.msg_iov = iov;
    msg.msg_iovlen = 2;
    msg.msg_control = &control;
    msg.msg_controllen = sizeof control;
    return finish_packet(&msg, recvmsg(port->fd, &msg, MSG_TRUNC), &vh, buf,
                         size, tag, NULL);
}

/* Reads with recvmsg() the frame that did not fit its ring slot, for 'm'
 * (see sim_port_recv_batch_frames()). */
ssize_t
sim_port_recv_copied(struct sim_port *port, struct sim_port_msg *m)
{
    union packet_control control;
    struct virtio_net_hdr vh;
    struct iovec iov[2] = { { &vh, sizeof vh }, { m->buf, m->size } };
    struct msghdr msg;

    memset(&msg, 0, sizeof msg);
    msg.msg_iov = iov;
    msg.msg_iovlen = 2;
    msg.msg_control = &control;
    msg.msg_controllen = sizeof control;
    return finish_packet(&msg, recvmsg(port->fd, &msg, MSG_TRUNC), &vh, m->buf,
                         m->size, &m->tag, m);
}

/* Turns the 'len'-byte frame at 'frame' in a ring, its virtio-net header
 * right before it, into the frame of 'm', in place, with the tag 'tci'
 * (of TPID 'tpid') the kernel stripped if 'status' says so. */
ssize_t
sim_port_ring_frame_in_place(uint8_t *frame, uint32_t len, uint32_t status,
                             uint16_t tpid, uint16_t tci,
                             struct sim_port_msg *m)
{
    struct virtio_net_hdr vh;
    int error;

    memcpy(&vh, frame - sizeof vh, sizeof vh);
    error = apply_vnet_hdr(&vh, frame, len, m);
    if (error) {
        return error;
    }
    if (status & TP_STATUS_VLAN_VALID) {
        if (status & TP_STATUS_VLAN_TPID_VALID && tpid != SIM_ETH_TPID_8021Q) {
            return -EOPNOTSUPP;
        }
        m->tag = tci;
    }
    m->buf = frame;
    m->size = len;
    return (ssize_t) len;
}

/* Turns ring slot 'h' (status 'status') into the frame of 'm', in place. */
static ssize_t
ring_frame(const struct tpacket2_hdr *h, uint32_t status,
           struct sim_port_msg *m)
{
    if (h->tp_snaplen < h->tp_len) {
        return -EMSGSIZE;
    } else if (h->tp_mac < TPACKET2_HDRLEN + sizeof(struct virtio_net_hdr)
               || (size_t) h->tp_mac + h->tp_snaplen > RING_FRAME_SIZE) {
        return -EINVAL;
    }
    return sim_port_ring_frame_in_place((uint8_t *) h + h->tp_mac,
                                        h->tp_snaplen, status, h->tp_vlan_tpid,
                                        h->tp_vlan_tci, m);
}

static struct tpacket2_hdr *
ring_slot(const struct sim_port *port, unsigned int i)
{
    return (struct tpacket2_hdr *) (port->ring
                                    + (size_t) (i % RING_FRAME_NR)
                                          * RING_FRAME_SIZE);
}

/* sim_port_recv_batch() on a port with a ring: takes the frames the kernel
 * has filled, in order, without a system call unless one did not fit its
 * slot. */
int
sim_port_recv_batch_frames(struct sim_port *port, struct sim_port_msg *msgs,
                           size_t n)
{
    size_t i;

    for (i = 0; i < n && port->ring_held < RING_FRAME_NR; i++) {
        struct tpacket2_hdr *h =
            ring_slot(port, port->ring_head + port->ring_held);
        uint32_t status = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
        struct sim_port_msg *m = &msgs[i];

        if (!(status & TP_STATUS_USER)) {
            break;
        }
        port->ring_held++;
        m->gso_size = m->l4_off = 0;
        m->tag = SIM_PORT_NO_TAG;
        m->len = status & TP_STATUS_COPY ? sim_port_recv_copied(port, m)
                                         : ring_frame(h, status, m);
    }
    return i ? (int) i : -EAGAIN;
}

void
sim_port_recv_done(struct sim_port *port)
{
    if (port->ring_blocks) {
        sim_port_recv_done_blocks(port);
        return;
    }
    if (port->burst) {
        sim_port_recv_done_blocks(port->burst);
    }
    sim_port_recv_done_frames(port);
}

void
sim_port_recv_done_frames(struct sim_port *port)
{
    for (; port->ring_held; port->ring_held--) {
        struct tpacket2_hdr *h = ring_slot(port, port->ring_head);

        __atomic_store_n(&h->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
        port->ring_head = (port->ring_head + 1) % RING_FRAME_NR;
    }
}

/* sim_port_recv() on a port with a ring. */
static ssize_t
recv_ring(struct sim_port *port, uint8_t *buf, size_t size, int *tag)
{
    struct sim_port_msg m = { .buf = buf, .size = size };
    int n = sim_port_recv_batch(port, &m, 1);

    if (n < 0) {
        return n;
    }
    if (m.len >= 0 && m.gso_size) {
        m.len = -EOPNOTSUPP;
    } else if (m.len >= 0 && m.buf != buf) {
        if ((size_t) m.len > size) {
            m.len = -EMSGSIZE;
        } else {
            memcpy(buf, m.buf, (size_t) m.len);
        }
    }
    sim_port_recv_done(port);
    *tag = m.len >= 0 ? m.tag : SIM_PORT_NO_TAG;
    return m.len;
}

/* The most frames one sim_port_recv_batch() system call takes. */
#define RECV_BATCH_MAX 64

static int
recv_batch_mmsg(struct sim_port *port, struct sim_port_msg *msgs, size_t n)
{
    union packet_control control[RECV_BATCH_MAX];
    struct virtio_net_hdr vh[RECV_BATCH_MAX];
    struct iovec iov[RECV_BATCH_MAX][2];
    struct mmsghdr mm[RECV_BATCH_MAX];
    bool packet = port->kind == SIM_PORT_PACKET;
    int got, i;

    n = n < RECV_BATCH_MAX ? n : RECV_BATCH_MAX;
    memset(mm, 0, n * sizeof *mm);
    for (i = 0; i < (int) n; i++) {
        struct msghdr *h = &mm[i].msg_hdr;

        iov[i][0] = (struct iovec){ &vh[i], sizeof vh[i] };
        iov[i][1] = (struct iovec){ msgs[i].buf, msgs[i].size };
        h->msg_iov = packet ? iov[i] : iov[i] + 1;
        h->msg_iovlen = packet ? 2 : 1;
        if (packet) {
            h->msg_control = &control[i];
            h->msg_controllen = sizeof control[i];
        }
    }
    got = recvmmsg(port->fd, mm, (unsigned int) n, MSG_TRUNC, NULL);
    if (got < 0) {
        return -errno;
    }
    for (i = 0; i < got; i++) {
        struct sim_port_msg *m = &msgs[i];

        m->gso_size = m->l4_off = 0;
        if (packet) {
            m->len = finish_packet(&mm[i].msg_hdr, (ssize_t) mm[i].msg_len,
                                   &vh[i], m->buf, m->size, &m->tag, m);
        } else {
            m->tag = SIM_PORT_NO_TAG;
            m->len =
                mm[i].msg_len >= m->size ? -EMSGSIZE : (ssize_t) mm[i].msg_len;
        }
    }
    return got;
}

int
sim_port_recv_batch(struct sim_port *port, struct sim_port_msg *msgs, size_t n)
{
    size_t i;

    if (port->ring_blocks) {
        return sim_port_recv_batch_blocks(port, msgs, n);
    } else if (port->burst) {
        return sim_port_recv_batch_adaptive(port, msgs, n);
    } else if (port->ring) {
        return sim_port_recv_batch_frames(port, msgs, n);
    } else if (port->kind != SIM_PORT_TAP) {
        return recv_batch_mmsg(port, msgs, n);
    }
    for (i = 0; i < n; i++) {
        msgs[i].gso_size = msgs[i].l4_off = 0;
        msgs[i].len =
            sim_port_recv(port, msgs[i].buf, msgs[i].size, &msgs[i].tag);
        if (msgs[i].len == -EAGAIN || msgs[i].len == -EINTR) {
            break;
        }
    }
    return i ? (int) i : -EAGAIN;
}

ssize_t
sim_port_recv(struct sim_port *port, uint8_t *buf, size_t size, int *tag)
{
    ssize_t n;

    if (port->ring) {
        return recv_ring(port, buf, size, tag);
    } else if (port->kind == SIM_PORT_PACKET) {
        return recv_packet(port, buf, size, tag);
    }
    *tag = SIM_PORT_NO_TAG;
    n = port->kind == SIM_PORT_TAP ? read(port->fd, buf, size)
                                   : recv(port->fd, buf, size, MSG_TRUNC);
    if (n < 0) {
        return -errno;
    }
    /* A TAP read truncates silently; a frame that fills the buffer may
     * have been longer, so it is refused as well. */
    return (size_t) n >= size ? -EMSGSIZE : n;
}

int
sim_port_send(struct sim_port *port, const struct iovec *iov, size_t n)
{
    struct virtio_net_hdr vh;
    struct iovec all[5];
    struct msghdr msg;
    ssize_t sent;

    if (n > 4) {
        return -EINVAL;
    }
    if (port->kind == SIM_PORT_TAP) {
        sent = writev(port->fd, iov, (int) n);
        return sent < 0 ? -errno : 0;
    }

    memset(&msg, 0, sizeof msg);
    msg.msg_iov = (struct iovec *) iov;
    msg.msg_iovlen = n;
    if (port->kind == SIM_PORT_PACKET) {
        /* With PACKET_VNET_HDR every frame we send starts with one; ours
         * asks for no offload. */
        memset(&vh, 0, sizeof vh);
        all[0].iov_base = &vh;
        all[0].iov_len = sizeof vh;
        memcpy(&all[1], iov, n * sizeof *iov);
        msg.msg_iov = all;
        msg.msg_iovlen = n + 1;
    }
    sent = sendmsg(port->fd, &msg, MSG_DONTWAIT);
    return sent < 0 ? -errno : 0;
}

/* Sends the frames of 'msgs' from 'i' on, one write per frame (TAP). */
static size_t
send_batch_writev(struct sim_port *port, struct mmsghdr *msgs, size_t n,
                  int *error)
{
    size_t i, sent = 0;

    for (i = 0; i < n; i++) {
        struct msghdr *h = &msgs[i].msg_hdr;
        ssize_t r = writev(port->fd, h->msg_iov, (int) h->msg_iovlen);

        if (r < 0) {
            *error = -errno;
            if (errno == EAGAIN || errno == ENOBUFS) {
                break;
            }
            continue;
        }
        msgs[i].msg_len = (unsigned int) r;
        sent++;
    }
    return sent;
}

_Static_assert(sizeof(struct virtio_net_hdr) == SIM_PORT_VNET_HLEN,
               "virtio-net header size");

void
sim_port_tso_hdr(uint8_t hdr[SIM_PORT_VNET_HLEN], bool ipv6, uint16_t mss,
                 uint16_t l4_off, uint16_t hdr_len)
{
    struct virtio_net_hdr vh;

    memset(&vh, 0, sizeof vh);
    vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    vh.gso_type = ipv6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
    vh.hdr_len = hdr_len;
    vh.gso_size = mss;
    vh.csum_start = l4_off;
    vh.csum_offset = 16; /* The TCP checksum field. */
    memcpy(hdr, &vh, sizeof vh);
}

static struct tpacket2_hdr *
tx_slot(const struct sim_port *port, unsigned int i)
{
    return (struct tpacket2_hdr *) (port->tx_ring
                                    + (size_t) (i % TX_RING_FRAME_NR)
                                          * RING_FRAME_SIZE);
}

/* Hands the frames placed in the transmit ring to the kernel.  Returns 0
 * or a negative errno; a frame the kernel could not queue yet (its
 * socket's send buffer full, the peer's backlog full) stays in its slot
 * for the next send(). */
static int
tx_ring_kick(struct sim_port *port)
{
    if (send(port->tx_fd, NULL, 0, MSG_DONTWAIT) < 0 && errno != EAGAIN
        && errno != ENOBUFS) {
        return -errno;
    }
    return 0;
}

/* Returns true if the frame of 'msg' (a virtio-net header, then the
 * frame) fits a slot of the transmit ring. */
static bool
tx_ring_fits(const struct msghdr *msg)
{
    return msg->msg_iov[0].iov_len == sizeof(struct virtio_net_hdr)
           && sim_iov_length(msg->msg_iov, msg->msg_iovlen) <= TX_DATA_MAX;
}

/* Places the frame of 'msg' (a virtio-net header, then the frame) in the
 * next slot of the transmit ring.  Returns false if it does not fit a slot
 * or the ring is full. */
static bool
tx_ring_put(struct sim_port *port, const struct msghdr *msg)
{
    struct tpacket2_hdr *h = tx_slot(port, port->tx_head);
    struct virtio_net_hdr vh;
    uint8_t *p = (uint8_t *) h + TX_DATA_OFF;
    size_t i, len = sim_iov_length(msg->msg_iov, msg->msg_iovlen);

    if (!tx_ring_fits(msg)
        || __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE)
               != TP_STATUS_AVAILABLE) {
        return false;
    }
    memcpy(&vh, msg->msg_iov[0].iov_base, sizeof vh);
    if (vh.gso_type == VIRTIO_NET_HDR_GSO_NONE && !vh.hdr_len) {
        /* The whole frame as the header: the kernel copies it into one
         * buffer instead of linking the slot's page into it. */
        vh.hdr_len = (uint16_t) (len - sizeof vh);
    }
    memcpy(p, &vh, sizeof vh);
    p += sizeof vh;
    for (i = 1; i < msg->msg_iovlen; i++) {
        memcpy(p, msg->msg_iov[i].iov_base, msg->msg_iov[i].iov_len);
        p += msg->msg_iov[i].iov_len;
    }
    h->tp_len = (uint32_t) len;
    __atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
    port->tx_head = (port->tx_head + 1) % TX_RING_FRAME_NR;
    return true;
}

/* sim_port_send_batch() on a port with a transmit ring: one send() for the
 * frames that fit slots; one sendmmsg() for each run of the others (TCP
 * super-frames), after the frames before them, in order.  A system call
 * costs ~1 us on a VM, the copy of a 64 KB super-frame a few. */
static size_t
send_batch_ring(struct sim_port *port, struct mmsghdr *msgs, size_t n,
                int *error)
{
    size_t i, run, sent = 0, queued = 0;
    int r;

    for (i = 0; i < n; i += run) {
        struct msghdr *h = &msgs[i].msg_hdr;

        run = 1;
        if (tx_ring_put(port, h)) {
            msgs[i].msg_len =
                (unsigned int) sim_iov_length(h->msg_iov, h->msg_iovlen);
            queued++;
            continue;
        }
        if (queued) {
            port->tx_calls++;
            r = tx_ring_kick(port);
            if (r) {
                *error = r;
            }
            sent += queued;
            queued = 0;
        }
        /* This frame (too large, or the ring full) and the next that are
         * too large for a slot. */
        while (i + run < n && !tx_ring_fits(&msgs[i + run].msg_hdr)) {
            run++;
        }
        r = 0;
        port->tx_calls++;
        sent += sim_sendmmsg(port->fd, msgs + i, run, &r);
        if (r) {
            *error = r;
            if (r == -EAGAIN || r == -ENOBUFS) {
                break;
            }
        }
    }
    if (queued) {
        port->tx_calls++;
        r = tx_ring_kick(port);
        if (r) {
            *error = r;
        }
        sent += queued;
    }
    return sent;
}

size_t
sim_port_send_batch(struct sim_port *port, struct mmsghdr *msgs, size_t n,
                    int *error)
{
    static const struct virtio_net_hdr no_offload;
    size_t i;

    for (i = 0; i < n; i++) {
        struct iovec *hdr = &msgs[i].msg_hdr.msg_iov[0];

        /* With PACKET_VNET_HDR every frame we send starts with one; ours
         * asks for no offload unless the caller gave its own. */
        if (port->kind != SIM_PORT_PACKET
            || hdr->iov_len != sizeof no_offload) {
            hdr->iov_base = (void *) &no_offload;
            hdr->iov_len =
                port->kind == SIM_PORT_PACKET ? sizeof no_offload : 0;
        }
        msgs[i].msg_len = 0;
    }
    if (port->kind == SIM_PORT_TAP) {
        return send_batch_writev(port, msgs, n, error);
    } else if (port->tx_ring) {
        return send_batch_ring(port, msgs, n, error);
    }
    return sim_sendmmsg(port->fd, msgs, n, error);
}

size_t
sim_sendmmsg(int fd, struct mmsghdr *msgs, size_t n, int *error)
{
    size_t i, sent = 0;

    for (i = 0; i < n;) {
        int r = sendmmsg(fd, msgs + i, (unsigned int) (n - i), MSG_DONTWAIT);

        if (r > 0) {
            i += (size_t) r;
            sent += (size_t) r;
            continue;
        }
        *error = r < 0 ? -errno : -EIO;
        if (r == 0 || errno == EAGAIN || errno == ENOBUFS) {
            break;
        }
        i++;
    }
    return sent;
}
