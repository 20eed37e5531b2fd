/* SPDX-License-Identifier: Apache-2.0 */
/* Block rings (TPACKET_V3, VTEP_SIM_RING=block) for AF_PACKET ports.  See
 * port.h. */
#include <errno.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "sim/port-private.h"

/* The block ring (VTEP_SIM_RING=block): the same 8 MB in blocks of
 * RING_BLOCK_SIZE, which the kernel hands over when full or after
 * BLOCK_RETIRE_MS, the least it takes. */
#define BLOCK_NR (RING_FRAME_NR * RING_FRAME_SIZE / RING_BLOCK_SIZE)
#define BLOCK_RETIRE_MS 1

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
