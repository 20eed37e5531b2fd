/* SPDX-License-Identifier: Apache-2.0 */
/* Block rings (TPACKET_V3) for AF_PACKET ports, alone (VTEP_SIM_RING=block)
 * or beside the frame ring (adaptive receive).  See port.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/util.h"

#include "sim/port-private.h"

/* The block ring (VTEP_SIM_RING=block): the same 8 MB in blocks of
 * RING_BLOCK_SIZE, which the kernel hands over when full or after
 * BLOCK_RETIRE_MS, the least it takes. */
#define BLOCK_NR (RING_FRAME_NR * RING_FRAME_SIZE / RING_BLOCK_SIZE)
#define BLOCK_RETIRE_MS 1

/* Adaptive receive: the frame ring until ADAPT_FULL_READS reads of at
 * least ADAPT_BATCH frames in a row come back full (vtep-sim falls
 * behind); then the block ring until ADAPT_LIGHT_BLOCKS blocks in a row
 * were closed by the timer with fewer than LIGHT_BLOCK_FRAMES frames
 * (under 64,000 frames per second). */
#define ADAPT_BATCH 8
#define ADAPT_FULL_READS 16
#define ADAPT_LIGHT_BLOCKS 8
#define LIGHT_BLOCK_FRAMES 64

/* Sets up 'port''s receive ring as a TPACKET_V3 block ring.  Returns
 * false, with the socket as before, if the kernel says no. */
bool
sim_port_setup_block_ring(struct sim_port *port)
{
    struct tpacket_req3 req;
    void *ring;

    memset(&req, 0, sizeof req);
    req.tp_block_size = RING_BLOCK_SIZE;
    req.tp_block_nr = BLOCK_NR;
    req.tp_frame_size = RING_FRAME_SIZE;
    req.tp_frame_nr = RING_FRAME_NR;
    req.tp_retire_blk_tov = BLOCK_RETIRE_MS;
    if (sim_port_setsockopt_int(port->fd, SOL_PACKET, PACKET_VERSION,
                                TPACKET_V3)
        || sim_port_setsockopt_int(port->fd, SOL_PACKET, PACKET_COPY_THRESH, 1)
        || setsockopt(port->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req)
               < 0) {
        return false;
    }
    ring = mmap(NULL, (size_t) req.tp_block_size * req.tp_block_nr,
                PROT_READ | PROT_WRITE, MAP_SHARED, port->fd, 0);
    if (ring == MAP_FAILED) {
        memset(&req, 0, sizeof req);
        setsockopt(port->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req);
        return false;
    }
    port->ring = ring;
    port->ring_len = (size_t) req.tp_block_size * req.tp_block_nr;
    port->ring_blocks = true;
    return true;
}

/* Turns the frame 'h' of a block, 'room' bytes before the block's end,
 * into the frame of 'm', in place. */
static ssize_t
block_frame(const struct tpacket3_hdr *h, size_t room, struct sim_port_msg *m)
{
    if (h->tp_snaplen < h->tp_len) {
        return -EMSGSIZE;
    } else if (h->tp_mac < TPACKET3_HDRLEN + sizeof(struct virtio_net_hdr)
               || (size_t) h->tp_mac + h->tp_snaplen > room) {
        return -EINVAL;
    }
    return sim_port_ring_frame_in_place(
        (uint8_t *) h + h->tp_mac, h->tp_snaplen, h->tp_status,
        h->hv1.tp_vlan_tpid, (uint16_t) h->hv1.tp_vlan_tci, m);
}

static struct tpacket_block_desc *
ring_block(const struct sim_port *port, unsigned int i)
{
    return (struct tpacket_block_desc *) (port->ring
                                          + (size_t) (i % BLOCK_NR)
                                                * RING_BLOCK_SIZE);
}

/* sim_port_recv_batch() on a block ring: the frames of the blocks the
 * kernel has handed over, in order, without a system call. */
int
sim_port_recv_batch_blocks(struct sim_port *port, struct sim_port_msg *msgs,
                           size_t n)
{
    size_t i = 0, off;

    while (i < n && port->ring_held < BLOCK_NR) {
        struct tpacket_block_desc *b =
            ring_block(port, port->ring_head + port->ring_held);
        uint32_t status =
            __atomic_load_n(&b->hdr.bh1.block_status, __ATOMIC_ACQUIRE);
        struct tpacket3_hdr *h;
        struct sim_port_msg *m = &msgs[i];

        if (!(status & TP_STATUS_USER)) {
            break;
        }
        if (!port->block_taken) {
            port->block_off = b->hdr.bh1.offset_to_first_pkt;
            port->block_seq = b->hdr.bh1.seq_num;
            if (status & TP_STATUS_BLK_TMO
                && b->hdr.bh1.num_pkts < LIGHT_BLOCK_FRAMES) {
                port->light_blocks++;
            } else {
                port->light_blocks = 0;
            }
        }
        if (port->block_taken == b->hdr.bh1.num_pkts) {
            port->ring_held++;
            port->block_taken = 0;
            continue;
        }
        off = port->block_off;
        if (off > RING_BLOCK_SIZE - sizeof *h) {
            /* Not where the kernel writes: the block is done. */
            port->block_taken = b->hdr.bh1.num_pkts;
            continue;
        }
        h = (struct tpacket3_hdr *) ((uint8_t *) b + off);
        port->block_taken++;
        port->block_off += h->tp_next_offset;
        m->gso_size = m->l4_off = 0;
        m->tag = SIM_PORT_NO_TAG;
        m->len = h->tp_status & TP_STATUS_COPY
                     ? sim_port_recv_copied(port, m)
                     : block_frame(h, RING_BLOCK_SIZE - off, m);
        i++;
    }
    return i ? (int) i : -EAGAIN;
}

/* sim_port_recv_done() on a block ring: gives back every block whose
 * frames were all given out. */
void
sim_port_recv_done_blocks(struct sim_port *port)
{
    if (port->block_taken && port->ring_held < BLOCK_NR) {
        struct tpacket_block_desc *b =
            ring_block(port, port->ring_head + port->ring_held);

        if (port->block_taken == b->hdr.bh1.num_pkts) {
            port->ring_held++;
            port->block_taken = 0;
        }
    }
    for (; port->ring_held; port->ring_held--) {
        struct tpacket_block_desc *b = ring_block(port, port->ring_head);

        __atomic_store_n(&b->hdr.bh1.block_status, TP_STATUS_KERNEL,
                         __ATOMIC_RELEASE);
        port->ring_head = (port->ring_head + 1) % BLOCK_NR;
    }
}

/* ---- Adaptive receive ------------------------------------------------- */

/* Not in the headers of every libc yet (Linux 6.10). */
#ifndef PACKET_FANOUT_FLAG_IGNORE_OUTGOING
#define PACKET_FANOUT_FLAG_IGNORE_OUTGOING 0x4000
#endif

/* Our own transmissions are not for us (the group's hook replaces each
 * socket's own, and with it PACKET_IGNORE_OUTGOING). */
#define FANOUT_TYPE (PACKET_FANOUT_CBPF | PACKET_FANOUT_FLAG_IGNORE_OUTGOING)

/* The two members of a port's fanout group, in the order they join. */
enum { MEMBER_FRAMES, MEMBER_BLOCKS };

/* Makes the fanout program of 'port''s group hand every frame to
 * 'member'.  Returns 0 or a negative errno. */
static int
fanout_target(struct sim_port *port, unsigned int member)
{
    struct sock_filter ret = BPF_STMT(BPF_RET | BPF_K, member);
    struct sock_fprog prog = { 1, &ret };

    return setsockopt(port->fd, SOL_PACKET, PACKET_FANOUT_DATA, &prog,
                      sizeof prog)
                   < 0
               ? -errno
               : 0;
}

void
sim_port_setup_adaptive(struct sim_port *port)
{
    struct sock_filter reject = BPF_STMT(BPF_RET | BPF_K, 0);
    struct sock_fprog none = { 1, &reject };
    const char *env = getenv("VTEP_SIM_RING");
    socklen_t len = sizeof(int);
    struct sockaddr_ll sll;
    struct sim_port *b;
    int fanout, id = 0;

    if ((env && *env && strcmp(env, "auto")) || !port->ring
        || port->ring_blocks) {
        return;
    }
    b = xzalloc(sizeof *b);
    b->fd = b->tx_fd = -1;
    memcpy(b->name, port->name, sizeof b->name);
    b->kind = SIM_PORT_PACKET;
    b->ifindex = port->ifindex;
    /* Bound, the socket would receive every frame a second time until it
     * joins the group: it rejects all until then. */
    b->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (b->fd < 0
        || setsockopt(b->fd, SOL_SOCKET, SO_ATTACH_FILTER, &none, sizeof none)
               < 0
        || sim_port_setsockopt_int(b->fd, SOL_PACKET, PACKET_AUXDATA, 1)
        || sim_port_setsockopt_int(b->fd, SOL_PACKET, PACKET_VNET_HDR, 1)
        || !sim_port_setup_block_ring(b)) {
        goto fail;
    }
    sim_socket_grow_rcvbuf(b->fd);
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = port->ifindex;
    if (bind(b->fd, (struct sockaddr *) &sll, sizeof sll) < 0) {
        goto fail;
    }
    /* A kernel without the flag (before 6.10) refuses here, and the port
     * keeps its frame ring alone.  Later, the frame socket may stay alone
     * in a group of its own, which hands it every frame. */
    fanout = (FANOUT_TYPE | PACKET_FANOUT_FLAG_UNIQUEID) << 16;
    if (setsockopt(port->fd, SOL_PACKET, PACKET_FANOUT, &fanout, sizeof fanout)
            < 0
        || getsockopt(port->fd, SOL_PACKET, PACKET_FANOUT, &id, &len) < 0) {
        goto fail;
    }
    fanout = FANOUT_TYPE << 16 | (id & 0xffff);
    if (setsockopt(b->fd, SOL_PACKET, PACKET_FANOUT, &fanout, sizeof fanout)
            < 0
        || fanout_target(port, MEMBER_FRAMES)
        || setsockopt(b->fd, SOL_SOCKET, SO_DETACH_FILTER, &id, sizeof id)
               < 0) {
        goto fail;
    }
    port->burst = b;
    port->rx_mode = SIM_PORT_RX_FRAMES;
    return;

fail:
    sim_port_close(b);
    free(b);
}

/* True if the block ring 'b' holds no frame that it has not handed over:
 * the block after the last one read (the one the kernel fills) is either
 * not opened yet or empty. */
static bool
blocks_idle(const struct sim_port *b)
{
    const struct tpacket_block_desc *d;

    if (b->block_taken || b->ring_held >= BLOCK_NR) {
        return false;
    }
    d = ring_block(b, b->ring_head + b->ring_held);
    if (__atomic_load_n(&d->hdr.bh1.block_status, __ATOMIC_ACQUIRE)
        & TP_STATUS_USER) {
        return false;
    }
    return __atomic_load_n(&d->hdr.bh1.seq_num, __ATOMIC_RELAXED)
               != b->block_seq + 1
           || !__atomic_load_n(&d->hdr.bh1.num_pkts, __ATOMIC_RELAXED);
}

/* Reads from the frame ring into msgs[got...n), counting how many such
 * reads in a row came back full. */
static size_t
read_frames(struct sim_port *port, struct sim_port_msg *msgs, size_t got,
            size_t n)
{
    int r =
        got < n ? sim_port_recv_batch_frames(port, msgs + got, n - got) : 0;

    if (n - got >= ADAPT_BATCH && r == (int) (n - got)) {
        port->full_reads++;
    } else if (r != 0) {
        port->full_reads = 0;
    }
    return got + (r > 0 ? (size_t) r : 0);
}

static size_t
read_blocks(struct sim_port *b, struct sim_port_msg *msgs, size_t got,
            size_t n)
{
    int r = got < n ? sim_port_recv_batch_blocks(b, msgs + got, n - got) : 0;

    return got + (r > 0 ? (size_t) r : 0);
}

/* sim_port_recv_batch() on a port with port->burst: the frames of the ring
 * that receives, after those left in the other one by the last switch. */
int
sim_port_recv_batch_adaptive(struct sim_port *port, struct sim_port_msg *msgs,
                             size_t n)
{
    struct sim_port *b = port->burst;
    size_t got = 0;

    switch (port->rx_mode) {
    case SIM_PORT_RX_FRAMES:
        got = read_blocks(b, msgs, 0, n); /* Late ones, if any. */
        got = read_frames(port, msgs, got, n);
        if (port->full_reads >= ADAPT_FULL_READS
            && !fanout_target(port, MEMBER_BLOCKS)) {
            port->rx_mode = SIM_PORT_RX_BLOCKS;
            port->full_reads = 0;
            b->light_blocks = 0;
            port->to_blocks++;
        }
        break;
    case SIM_PORT_RX_BLOCKS:
        got = read_frames(port, msgs, 0, n);
        got = read_blocks(b, msgs, got, n);
        if (b->light_blocks >= ADAPT_LIGHT_BLOCKS
            && !fanout_target(port, MEMBER_FRAMES)) {
            port->rx_mode = SIM_PORT_RX_CLOSING;
        }
        break;
    case SIM_PORT_RX_CLOSING:
        /* The frames of the block being filled are older than any in the
         * frame ring: wait for the timer to hand it over (1 ms). */
        got = read_blocks(b, msgs, 0, n);
        if (got < n && blocks_idle(b)) {
            port->rx_mode = SIM_PORT_RX_FRAMES;
            port->full_reads = 0;
            got = read_frames(port, msgs, got, n);
        }
        break;
    }
    return got ? (int) got : -EAGAIN;
}
