/* SPDX-License-Identifier: Apache-2.0 */
/* Front-panel ports of the software dataplane: where Ethernet frames enter
 * and leave the simulated chip.
 *
 * A port is backed by one of:
 *
 *   SIM_PORT_PACKET  an existing Linux interface (a veth, a VM's NIC),
 *                    through an AF_PACKET socket in promiscuous mode;
 *   SIM_PORT_TAP     a TAP device that the port creates (or attaches to)
 *                    under its name, for QEMU guests and the like;
 *   SIM_PORT_FD      a datagram file descriptor the caller supplies, one
 *                    frame per datagram (tests use socketpairs).
 *
 * AF_PACKET sees frames as the kernel holds them, which is not quite as
 * they were on the wire.  Two differences matter and are undone here:
 *
 *   - Receive VLAN offload: the kernel may move an 802.1Q tag out of the
 *     frame into metadata (veths always do).  The socket asks for
 *     PACKET_AUXDATA and sim_port_recv() reports the tag.
 *   - Checksum and segmentation offload: a frame from a local stack may
 *     carry a partial TCP/UDP checksum, or be a GSO super-frame larger
 *     than the MTU.  The socket asks for a virtio-net header
 *     (PACKET_VNET_HDR): partial checksums are completed in software;
 *     sim_port_recv_batch() reports TCP super-frames (TSO) for the caller
 *     to segment as a NIC would (sim_tso_init()), sim_port_recv() and
 *     every other kind of GSO refuse them.
 *
 * The batch calls move up to a batch of frames per system call
 * (recvmmsg/sendmmsg; TAP devices, which are not sockets, a read or write
 * per frame).  An AF_PACKET port receives through a memory-mapped ring
 * instead where the kernel gives one (TPACKET_V2, the virtio-net header
 * and the stripped tag in each slot): no system call and no copy per
 * frame; a frame larger than a slot comes through recvmsg() as before.
 * It sends through a transmit ring beside it: frames are copied into
 * slots and one send() hands the batch over, the kernel reads them
 * through its own mapping; a frame larger than a slot, or one that finds
 * the ring full, goes with sendmsg().  The environment variable
 * VTEP_SIM_RING=0 turns both rings off, VTEP_SIM_TX_RING=0 the transmit
 * ring alone.
 *
 * VTEP_SIM_RING=block makes the receive ring a block ring (TPACKET_V3):
 * the kernel packs frames one after another into 64 KB blocks and hands
 * a block over when it is full or when its retire timer (1 ms) finds it
 * idle, with one wake-up.  The sender's kernel touches a block's status
 * once per block, not once per frame, and we are woken once per block:
 * more packets per second, for milliseconds more latency per port when
 * traffic is light (measured: a ping through one port 0.63 ms on average
 * against 0.25, at most 1.6; docs/dataplane.md).
 *
 * By default (VTEP_SIM_RING unset), where the kernel can, a port has both,
 * like a NIC that interrupts per frame until it is flooded and then polls
 * (NAPI): two sockets in a fanout group whose program hands every frame
 * to exactly one of them, the frame ring while vtep-sim keeps up, the
 * block ring once reads of the frame ring keep coming back full, the
 * frame ring again once blocks keep being closed by their timer with few
 * frames in them.  At each switch the ring that no longer receives is
 * emptied first, so that frames stay in order.  VTEP_SIM_RING=frame
 * keeps the frame ring alone. */
#ifndef SIM_PORT_H
#define SIM_PORT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "hal/hal.h"

enum sim_port_kind {
    SIM_PORT_AUTO,   /* PACKET if the interface exists, else TAP. */
    SIM_PORT_PACKET, /* AF_PACKET on an existing interface. */
    SIM_PORT_TAP,    /* A TAP device. */
    SIM_PORT_FD,     /* A caller-supplied datagram descriptor. */
};

/* Returns "packet", "tap", "fd" or "auto"; static. */
const char *sim_port_kind_name(enum sim_port_kind);

/* The receive status sim_port_recv() reports besides the frame. */
#define SIM_PORT_NO_TAG (-1)

struct sim_port {
    char name[HAL_NAME_MAX];
    enum sim_port_kind kind; /* Never SIM_PORT_AUTO once open. */
    int fd;
    int ifindex; /* SIM_PORT_PACKET only. */

    /* SIM_PORT_PACKET: the memory-mapped receive ring (TPACKET_V2), or
     * NULL where the kernel refused one (then recvmmsg() reads). */
    uint8_t *ring;
    size_t ring_len;
    unsigned int ring_head; /* Next frame the kernel hands us. */
    unsigned int ring_held; /* Frames from ring_head on given out. */
    /* A block ring (TPACKET_V3, VTEP_SIM_RING=block): ring_head and
     * ring_held count blocks (ring_held: those whose frames were all given
     * out); of the next block, how many frames were given out and where
     * the next one is. */
    bool ring_blocks;
    unsigned int block_taken;
    size_t block_off;
    /* Of the blocks handed over in a row, how many the retire timer
     * closed with few frames in them (light traffic). */
    unsigned int light_blocks;
    unsigned int block_seq; /* The sequence number of the last block read. */

    /* Adaptive receive (the default): a second socket with a block ring,
     * in one fanout group with 'fd', and the mode that the group's
     * program follows; see sim_port_recv_batch_adaptive().  NULL where
     * the kernel cannot (then the frame ring alone). */
    struct sim_port *burst;
    enum sim_port_rx_mode {
        SIM_PORT_RX_FRAMES,  /* Frames go to the frame ring, */
        SIM_PORT_RX_BLOCKS,  /* to the block ring, */
        SIM_PORT_RX_CLOSING, /* to the frame ring, the last block not yet
                              * handed over. */
    } rx_mode;
    unsigned int full_reads; /* Frame-ring reads in a row that filled. */
    uint64_t to_blocks;      /* Switches to the block ring so far. */

    /* SIM_PORT_PACKET: the memory-mapped transmit ring (TPACKET_V2) on a
     * socket of its own, or NULL and -1 (then sendmmsg() on 'fd'
     * sends). */
    int tx_fd;
    uint8_t *tx_ring;
    size_t tx_ring_len;
    unsigned int tx_head; /* Next slot we fill. */

    /* With a transmit ring: send system calls of sim_port_send_batch(), a
     * kick of the ring or a run of frames too large for a slot (one
     * sendmmsg() unless the kernel takes part of it). */
    uint64_t tx_calls;

    /* Frames the kernel could not hand to this port's receive sockets (a
     * full ring or socket buffer) counted so far: see
     * sim_port_rx_missed(). */
    uint64_t rx_missed;
};

/* Opens the port 'name' of 'kind' into '*port'.  For SIM_PORT_FD, 'fd' is
 * the descriptor and the port takes ownership of it; otherwise 'fd' is
 * ignored.  The descriptor is nonblocking.  Returns 0 or a negative errno
 * (-ENODEV: no such interface). */
int sim_port_open(struct sim_port *port, const char *name,
                  enum sim_port_kind kind, int fd);

/* Closes 'port''s descriptor.  Accepts a port that failed to open. */
void sim_port_close(struct sim_port *port);

/* Returns how many frames 'port' has lost so far because its receive ring
 * or socket buffer was full when they came, a NIC's "rx_missed": the
 * kernel's count (PACKET_STATISTICS), which reading resets, added up in
 * 'port'.  Always 0 for a port that is not an AF_PACKET socket (a TAP
 * device's queue drops are its own, in its tx_dropped). */
uint64_t sim_port_rx_missed(struct sim_port *port);

/* Receives one frame into 'buf' (of 'size' bytes).  On success returns its
 * length and stores in '*tag' the 802.1Q TCI (0..65535) the kernel stripped from it,
 * or SIM_PORT_NO_TAG.  Returns -EAGAIN when nothing is waiting; -EMSGSIZE
 * for a frame larger than 'size' (dropped); -EOPNOTSUPP for a GSO frame or
 * a stripped tag that is not 802.1Q (dropped); another negative errno on
 * error. */
ssize_t sim_port_recv(struct sim_port *port, uint8_t *buf, size_t size,
                      int *tag);

/* Sends the frame gathered from the 'n' entries of 'iov' (at most 4).
 * Returns 0 or a negative errno (-EAGAIN: the interface queue is full). */
int sim_port_send(struct sim_port *port, const struct iovec *iov, size_t n);

/* Receive buffer asked for on sockets of the dataplane, in bytes. */
#define SIM_RCVBUF (4 * 1024 * 1024)

/* Asks for a SIM_RCVBUF receive buffer on socket 'fd', beyond the system's
 * limit if the process may; keeps what it has otherwise. */
void sim_socket_grow_rcvbuf(int fd);

/* One frame of sim_port_recv_batch(). */
struct sim_port_msg {
    uint8_t *buf;      /* Set by the caller: where the frame goes, */
    size_t size;       /* and how many bytes fit there. */
    ssize_t len;       /* The frame's length, or an error as sim_port_recv()
                   * returns it (the frame is dropped). */
    int tag;           /* As sim_port_recv() reports it. */
    uint16_t gso_size; /* Nonzero: a TCP super-frame, to be cut into */
    uint16_t l4_off;   /* segments of 'gso_size' payload bytes; TCP header
                        * offset. */
};

/* Receives up to 'n' frames into 'msgs' (whose 'buf' and 'size' the caller
 * set) with as few system calls as the port allows.  Returns how many
 * entries were filled (each with a length or its own error), -EAGAIN if
 * nothing was waiting, or another negative errno.  A port with a receive
 * ring may instead point an entry's 'buf' at the frame in the ring (and
 * set 'size' to its length): the frame may be changed in place and stays
 * valid until sim_port_recv_done(), which the caller must call before it
 * receives on the port again with another function. */
int sim_port_recv_batch(struct sim_port *port, struct sim_port_msg *msgs,
                        size_t n);

/* True if sim_port_recv_batch() on 'port' finds out that nothing waits
 * without a system call: the port has a receive ring. */
static inline bool
sim_port_recv_is_free(const struct sim_port *port)
{
    return port->ring != NULL;
}

/* Gives the ring slots of the frames sim_port_recv_batch() returned back to
 * the kernel; their data must not be used any more.  Does nothing for a
 * port without a ring. */
void sim_port_recv_done(struct sim_port *port);

/* The first iovec of every message given to sim_port_send_batch() is the
 * port's: it sets it to its own per-frame header, or to nothing, unless
 * it is a SIM_PORT_VNET_HLEN-byte header from sim_port_tso_hdr() and the
 * port a SIM_PORT_PACKET one. */
#define SIM_PORT_TX_HDR_IOV 1

/* Length of the per-frame header of a SIM_PORT_PACKET port. */
#define SIM_PORT_VNET_HLEN 10

/* Writes into 'hdr' the per-frame header that makes a SIM_PORT_PACKET port
 * send a TCP super-frame whole, for the kernel to segment into 'mss'-byte
 * payloads (or to deliver whole to a local stack, as it does its own):
 * IPv4 or 'ipv6', TCP header at 'l4_off', 'hdr_len' bytes of headers, the
 * TCP checksum left partial. */
void sim_port_tso_hdr(uint8_t hdr[SIM_PORT_VNET_HLEN], bool ipv6, uint16_t mss,
                      uint16_t l4_off, uint16_t hdr_len);

/* Sends the 'n' frames of 'msgs', frame i gathered from msgs[i].msg_hdr's
 * iovecs after the first (see SIM_PORT_TX_HDR_IOV); the other fields of
 * each msghdr but msg_iov/msg_iovlen must be zero.  Sets msgs[i].msg_len
 * nonzero for each frame sent.  Returns how many were sent; on a failure
 * stores its negative errno in '*error' (the frame is skipped, and after
 * -EAGAIN or -ENOBUFS every later one too).  A frame placed in the
 * transmit ring counts as sent: like a NIC's queue, the kernel takes it
 * from there, one it could not queue yet at the next send(). */
size_t sim_port_send_batch(struct sim_port *port, struct mmsghdr *msgs,
                           size_t n, int *error);

/* Sends the 'n' messages of 'msgs' on socket 'fd' with sendmmsg(), without
 * blocking, as many per call as the kernel takes; each msgs[i].msg_len must
 * be 0 on entry, and is set nonzero for each message sent.  Returns how
 * many were sent; on a failure stores its negative errno in '*error' (the
 * message is skipped, and after -EAGAIN or -ENOBUFS every later one
 * too).  For sim_port_send_batch() and sim_underlay_send_batch(). */
size_t sim_sendmmsg(int fd, struct mmsghdr *msgs, size_t n, int *error);

#endif /* sim/port.h */
