/* SPDX-License-Identifier: Apache-2.0 */
/* The software dataplane: real frames through the software ASIC.
 *
 * The asic backend (hal/asic/) holds a switch chip's tables and decides
 * what happens to a frame (hal_asic_forward(), hal_asic_decap()); this
 * module does the I/O around those decisions, as the chip's packet
 * pipeline would:
 *
 *   front-panel port ──▶ parse Ethernet/802.1Q ──▶ hal_asic_forward()
 *       (binding, learning, FDB, flood lists) ──▶ for each local output:
 *       re-tag for its binding and send; for each remote: VXLAN-encapsulate
 *       (RFC 7348) and send over UDP to the VTEP.
 *
 *   UDP tunnel-IP:4789 ──▶ validate VXLAN ──▶ hal_asic_decap() (VNI →
 *       bridge, FDB) ──▶ send to each local binding with its tag.
 *
 * Ports and the underlay are watched with libev (one ev_io each) in the
 * caller's loop, which may run in a thread of its own (see 'lock' in
 * struct sim_config).  Learning and counters happen inside the HAL, so the
 * usual HAL calls see them: hal_run() delivers the FDB_LEARNED events that
 * forwarding queues, and hal_binding_stats_get()/hal_tunnel_stats_get()
 * return the traffic counters.  Whoever owns the HAL must therefore
 * re-read hal_next_wake() after the loop has run callbacks (an ev_prepare
 * watcher is the natural place), because forwarding can queue events.
 *
 * The dataplane forwards through an asic backend only; it never changes
 * HAL configuration. */
#ifndef SIM_SIM_H
#define SIM_SIM_H 1

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/port.h"

struct ds;
struct ev_loop;
struct hal;
struct sim;

/* A front-panel port: the HAL port of the same name gets the frames of the
 * Linux interface (or TAP device) 'name'. */
struct sim_port_spec {
    const char *name;
    enum sim_port_kind kind; /* SIM_PORT_AUTO by default. */
    int fd;                  /* SIM_PORT_FD only; the dataplane owns it. */
};

struct sim_config {
    const struct sim_port_spec *ports;
    size_t n_ports;
    /* Local VTEP address for VXLAN; INADDR_ANY takes the HAL switch's
     * tunnel_src, and if that is unset too the dataplane runs without an
     * underlay (frames for remote VTEPs are dropped and counted). */
    struct in_addr tunnel_ip;

    /* For a dataplane in a thread of its own (docs/dataplane.md,
     * "Threads"): each readiness callback calls 'lock' once it has
     * received its batch and before it touches the HAL or the dataplane's
     * state, and 'unlock' when the batch is sent; both get 'lock_aux'.
     * NULL (the default) for a dataplane in its caller's thread.  Whoever
     * else calls into 'hal', or any sim_*() function, must hold the same
     * lock: the asic model's BFD transmit callback, which queues frames
     * here, runs inside the caller's hal_run(). */
    void (*lock)(void *aux);
    void (*unlock)(void *aux);
    void *lock_aux;

    /* Receive moderation on the VXLAN socket, as a NIC's "rx-usecs": after
     * a read that found datagrams coming (at least SIM_RX_MODERATE_MIN)
     * but not a whole batch, the readiness callback sleeps this many
     * microseconds, within its drain's budget, and reads again, so that a
     * flood arrives in full batches (docs/dataplane.md, "Receive
     * moderation").  0 takes SIM_RX_USECS_DEFAULT; SIM_RX_USECS_OFF (or
     * any negative value) reads again only after a full batch.  The
     * thread that runs the dataplane's callbacks gets a timer slack of
     * 1 µs (prctl(PR_SET_TIMERSLACK)) the first time it waits, so that the
     * wait is what it says. */
    int rx_usecs;
};

#define SIM_RX_USECS_DEFAULT 20
#define SIM_RX_USECS_OFF (-1)
/* The largest rx_usecs: a wait must leave room in a drain's budget. */
#define SIM_RX_USECS_MAX 100

/* Starts forwarding between the ports and the underlay of 'config' in
 * 'loop' through 'hal', which must be an asic backend.  'loop', 'hal' and
 * the names in 'config' are borrowed ('loop' and 'hal' must outlive the
 * dataplane).  Stores the new dataplane in '*simp' and returns 0, or
 * returns -EINVAL (not an asic HAL), -ENOENT (a port name the HAL does not
 * have), or the error of opening a port or the underlay sockets. */
int sim_create(struct ev_loop *loop, struct hal *hal,
               const struct sim_config *config, struct sim **simp);

/* Stops forwarding, closes every socket, frees 'sim'.  Accepts NULL.  The
 * HAL's tables are not touched. */
void sim_destroy(struct sim *sim);

/* Counters of the dataplane itself; the per-binding and per-tunnel traffic
 * counters live in the HAL. */
struct sim_stats {
    uint64_t port_rx, port_rx_bytes;   /* Frames received on ports. */
    uint64_t port_tx, port_tx_bytes;   /* Frames sent on ports. */
    uint64_t vxlan_rx, vxlan_rx_bytes; /* VXLAN packets received. */
    uint64_t vxlan_tx, vxlan_tx_bytes; /* VXLAN packets sent. */
    uint64_t drops;                    /* Every drop, whatever the reason. */
    uint64_t tx_errors;     /* Send calls that failed (included in drops). */
    uint64_t neigh_replies; /* ARP replies and NAs sent for the switch. */
    /* IPv4 packets over a router's MTU that the CPU fragmented, and the
     * fragments it made of them. */
    uint64_t fragmented, fragments;
    /* IPv6 router advertisements sent, and router solicitations heard. */
    uint64_t ra_sent, rs_received;
    /* Reads of the VXLAN socket, and receive moderation's waits. */
    uint64_t vxlan_reads, rx_waits;
};

void sim_get_stats(const struct sim *sim, struct sim_stats *stats);

/* Returns how many frames were dropped for 'reason', one of the strings
 * sim_format_stats() prints (e.g. "malformed frame", "VXLAN flags",
 * "unknown VNI", or a reason from the asic pipeline). */
uint64_t sim_drop_count(const struct sim *sim, const char *reason);

/* Appends the counters, per port and per drop reason, to 'out', with the
 * frames the kernel could not hand over (full receive rings and socket
 * buffers), which it asks the kernel for. */
void sim_format_stats(struct sim *sim, struct ds *out);

/* Feeds the 'len'-byte 'frame' to the pipeline as if port number
 * 'port_index' (in config order) had received it with the kernel-stripped
 * 802.1Q TCI 'tag' (or SIM_PORT_NO_TAG).  'frame' is borrowed.  For tests
 * and for frames obtained elsewhere (pcap replay). */
void sim_inject_frame(struct sim *sim, size_t port_index, const uint8_t *frame,
                      size_t len, int tag);

/* As sim_inject_frame(), for a TCP super-frame as a port with segmentation
 * offload hands one over (a virtio-net header): its TCP header at 'l4_off',
 * to be cut into segments of 'gso_size' payload bytes.  A super-frame the
 * dataplane cannot segment is dropped and counted, as from a port. */
void sim_inject_superframe(struct sim *sim, size_t port_index,
                           const uint8_t *frame, size_t len, int tag,
                           uint16_t l4_off, uint16_t gso_size);

/* Feeds the 'len'-byte UDP payload 'pkt' to the pipeline as if it had
 * arrived on the VXLAN port from 'src'.  'pkt' is borrowed. */
void sim_inject_vxlan(struct sim *sim, struct in_addr src, const uint8_t *pkt,
                      size_t len);

#endif /* sim/sim.h */
