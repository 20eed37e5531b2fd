/* SPDX-License-Identifier: Apache-2.0 */
/* The software dataplane's state, shared by its input side (sim.c) and
 * its output side (output.c); nothing outside sim/ includes this. */
#ifndef SIM_SIM_PRIVATE_H
#define SIM_SIM_PRIVATE_H 1

#include <ev.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "hal/asic/asic.h"
#include "lib/hmap.h"
#include "sim/frame.h"
#include "sim/port.h"
#include "sim/sim.h"
#include "sim/underlay.h"

/* Outer UDP source port of BFD frames: one flow per remote VTEP. */
#define SIM_BFD_SPORT 49152

/* Large enough for any UDP payload and any TCP super-frame, hence for
 * any frame we accept. */
#define SIM_BUF_SIZE (65536 + 256)

/* Frames forwarded and then sent together (one system call per output):
 * received with one system call, or in as many reads of a receive ring
 * as they took to come (docs/dataplane.md, "Batches"). */
#define SIM_BATCH 32

/* A readiness callback reads on without going back to the loop: after a
 * full batch, or after any read but an empty one from a receive ring
 * (where finding it empty costs no system call), until it has taken
 * SIM_DRAIN_FRAMES frames or SIM_DRAIN_USEC microseconds have passed since
 * it started (a batch of TCP super-frames can take long).  One poll of the
 * loop per callback instead of one per batch while frames keep coming, and
 * still a bounded wait for the OVSDB and control connections in the same
 * loop, one callback per busy socket (docs/dataplane.md, "Draining"). */
#define SIM_DRAIN_FRAMES (8 * SIM_BATCH)
#define SIM_DRAIN_USEC 250

/* Receive moderation (struct sim_config's rx_usecs) waits after a read of
 * the VXLAN socket that gave at least this many datagrams: one alone is
 * light traffic, which a wait would only delay. */
#define SIM_RX_MODERATE_MIN 2

/* The libev priority of the dataplane's watchers: the lowest, so that in
 * each loop iteration every other ready watcher (OVSDB connections, the
 * control socket, timers) runs before the dataplane's batches, and waits
 * for at most the batches of the iteration before (docs/dataplane.md,
 * "Batches"). */
#define SIM_PRIORITY EV_MINPRI

/* Frames queued per output before it is sent. */
#define SIM_TXQ_LEN 64

/* Room for frames the dataplane makes (TCP segments, neighbour replies)
 * until the queues that point into it are sent. */
#define SIM_ARENA_SIZE (256 * 1024)

/* Distinct drop reasons counted; more would be a bug. */
#define SIM_MAX_DROP_REASONS 32

/* Drop reasons of our own (the asic pipeline has its own strings). */
static const char DROP_MALFORMED[] = "malformed frame";
static const char DROP_OVERSIZE[] = "oversize frame";
static const char DROP_OFFLOAD[] = "GSO frame or 802.1ad tag";
static const char DROP_RX_ERROR[] = "receive error";
static const char DROP_TX_ERROR[] = "send error";
static const char DROP_NOT_ATTACHED[] = "output port not attached";
static const char DROP_NO_UNDERLAY[] = "no underlay";
static const char DROP_VXLAN_SHORT[] = "VXLAN packet too short";
static const char DROP_VXLAN_FLAGS[] = "VXLAN flags";
static const char DROP_INNER_TAG[] = "inner VLAN tag";
static const char DROP_NEIGH_MALFORMED[] = "malformed ARP/ND";
static const char DROP_ACL_EGRESS[] = "ACL deny (egress)";

/* A frame queued for output: the pieces point into a receive buffer or
 * the arena, and to the tag or headers here. */
struct sim_tx {
    struct iovec iov[1 + 4];
    uint8_t hdr[SIM_ENCAP_HLEN]; /* UDP and VXLAN headers. */
    uint8_t tag[SIM_VLAN_HLEN];
    uint8_t vnet[SIM_PORT_VNET_HLEN]; /* A super-frame's offload request. */
    struct sockaddr_in dst;           /* Underlay only. */
    uint32_t bytes;                   /* Frame (or UDP datagram) length. */
};

/* Frames for one output, sent with one system call when the batch ends. */
struct sim_txq {
    size_t n;
    bool dirty; /* In the list of queues to send. */
    struct mmsghdr msgs[SIM_TXQ_LEN];
    struct sim_tx tx[SIM_TXQ_LEN];
};

struct sim_port_slot {
    struct sim *sim;
    struct sim_port io;
    struct sim_txq txq;
    ev_io watcher;
    ev_io burst_watcher; /* io.burst's socket, if the port has one. */
    hal_oid_t oid;
    struct hmap_node node; /* In sim->ports_by_oid. */
    int carrier_ifindex;   /* The interface followed (carrier.c), or 0. */
    enum { SIM_CARRIER_UNKNOWN, SIM_CARRIER_UP, SIM_CARRIER_DOWN } carrier;
    uint64_t rx_packets, rx_bytes;
    uint64_t tx_packets, tx_bytes;
};

struct sim_drop {
    const char *reason; /* Static. */
    uint64_t count;
};

struct sim {
    struct ev_loop *loop;
    struct hal *hal;
    struct hal_asic *asic;

    struct sim_port_slot *ports;
    size_t n_ports;
    struct hmap ports_by_oid;

    int carrier_fd; /* Link notifications (carrier.c), or -1. */
    ev_io carrier_watcher;

    bool has_underlay;
    struct sim_underlay underlay;
    ev_io underlay_watcher;
    struct sim_txq vxlan_txq;

    /* Ports with frames queued. */
    struct sim_port_slot **dirty;
    size_t n_dirty;

    struct hal_asic_decision decision;
    struct sim_stats stats;
    int rx_usecs;            /* Receive moderation's wait, 0 if off. */
    void (*lock)(void *aux); /* struct sim_config's; may be NULL. */
    void (*unlock)(void *aux);
    void *lock_aux;
    struct sim_drop drops[SIM_MAX_DROP_REASONS];
    size_t n_drops;
    uint8_t *rx_bufs; /* SIM_BATCH buffers of SIM_BUF_SIZE bytes. */
    uint8_t *arena;   /* SIM_ARENA_SIZE bytes. */
    size_t arena_used;
};

/* ---- sim.c -------------------------------------------------------------- */

/* Counts a dropped frame under 'reason' (static, or one of the asic's
 * strings). */
void sim_count_drop(struct sim *sim, const char *reason);

/* Returns the port slot of HAL port 'oid', or NULL if it is not attached. */
struct sim_port_slot *sim_port_by_oid(const struct sim *sim, hal_oid_t oid);

/* ---- carrier.c ---------------------------------------------------------- */

/* Sets the ports' links as their interfaces are now, and follows them from
 * then on in the dataplane's loop.  Call without the dataplane's lock,
 * before its loop runs. */
void sim_carrier_open(struct sim *sim);
void sim_carrier_close(struct sim *sim);

/* ---- stats.c ------------------------------------------------------------ */

/* ", block ring" or ", adaptive rings" (or "") for the log and 'stats'. */
const char *sim_port_ring_name(const struct sim_port *port);

/* ---- output.c ----------------------------------------------------------- */

/* Sends every frame queued and frees the arena: the end of a batch. */
void sim_flush_all(struct sim *sim);

/* Returns 'size' bytes (at most SIM_ARENA_SIZE) of the arena, valid until
 * the frames queued are sent; sends them first if the arena is full. */
uint8_t *sim_arena_alloc(struct sim *sim, size_t size);

/* Queues the 'len'-byte 'frame', parsed into 'eth' (borrowed; it must stay
 * valid until sim_flush_all()), encapsulated toward the remote 'out' from
 * UDP source port 'sport'.  Its 802.1Q tag, if any, is left out: bindings
 * map VLANs to VNIs, the tag does not travel. */
void sim_send_remote(struct sim *sim, const struct hal_asic_remote_out *out,
                     const uint8_t *frame, size_t len,
                     const struct sim_eth *eth, uint16_t sport);

/* Queues the 'len'-byte 'frame', parsed into 'eth' (borrowed; it must stay
 * valid until sim_flush_all()), for the local output 'out'. */
void sim_send_local(struct sim *sim, const struct hal_asic_local_out *out,
                    const uint8_t *frame, size_t len,
                    const struct sim_eth *eth);

/* Carries out the decision in sim->decision for 'frame' (as for
 * sim_send_local()), or for the TCP super-frame of 'tso' if it is
 * nonnull: counts a drop, or queues the frame for every output. */
void sim_execute(struct sim *sim, const uint8_t *frame, size_t len,
                 const struct sim_eth *eth, const struct sim_tso *tso);

#endif /* sim/sim-private.h */
