/* SPDX-License-Identifier: Apache-2.0 */
/* What port.c shares with port-block.c, the block ring. */
#ifndef SIM_PORT_PRIVATE_H
#define SIM_PORT_PRIVATE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sim/port.h"

/* The receive ring of an AF_PACKET port: slots big enough for a frame of
 * a 1500-byte MTU after the slot's header and the virtio-net header (a
 * larger one is queued for recvmsg(), PACKET_COPY_THRESH), enough of them
 * (8 MB) to ride out a few time slices of other processes at full rate:
 * 1,024 lost a third of the frames the 4 MB socket buffer of recvmmsg()
 * kept, under load (docs/benchmarks.md). */
#define RING_FRAME_SIZE 2048
#define RING_BLOCK_SIZE (64 * 1024)
#define RING_FRAME_NR 4096

/* setsockopt() of an int; returns 0 or a negative errno. */
int sim_port_setsockopt_int(int fd, int level, int name, int value);

/* Reads with recvmsg() the frame that did not fit its ring slot, for 'm'
 * (its 'buf' and 'size'). */
ssize_t sim_port_recv_copied(struct sim_port *port, struct sim_port_msg *m);

/* Turns the 'len'-byte frame at 'frame' in a ring, its virtio-net header
 * right before it, into the frame of 'm', in place, with the tag 'tci'
 * (of TPID 'tpid') the kernel stripped if 'status' says so. */
ssize_t sim_port_ring_frame_in_place(uint8_t *frame, uint32_t len,
                                     uint32_t status, uint16_t tpid,
                                     uint16_t tci, struct sim_port_msg *m);

/* sim_port_recv_batch() and sim_port_recv_done() on a frame ring. */
int sim_port_recv_batch_frames(struct sim_port *port,
                               struct sim_port_msg *msgs, size_t n);
void sim_port_recv_done_frames(struct sim_port *port);

/* port-block.c. */

/* Sets up 'port''s receive ring as a block ring.  Returns false, with the
 * socket as before, if the kernel says no. */
bool sim_port_setup_block_ring(struct sim_port *port);

/* sim_port_recv_batch() on a block ring: the frames of the blocks the
 * kernel has handed over, in order, without a system call. */
int sim_port_recv_batch_blocks(struct sim_port *port,
                               struct sim_port_msg *msgs, size_t n);

/* sim_port_recv_done() on a block ring: gives back every block whose
 * frames were all given out. */
void sim_port_recv_done_blocks(struct sim_port *port);

/* Gives 'port', open and bound with a frame ring, a block-ring socket in
 * a fanout group with it (port->burst), where the kernel can. */
void sim_port_setup_adaptive(struct sim_port *port);

/* sim_port_recv_batch() on a port with port->burst. */
int sim_port_recv_batch_adaptive(struct sim_port *port,
                                 struct sim_port_msg *msgs, size_t n);

#endif /* sim/port-private.h */
