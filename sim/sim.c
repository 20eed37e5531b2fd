/* SPDX-License-Identifier: Apache-2.0 */
/* The software dataplane: port and underlay I/O around the software ASIC's
 * forwarding decisions.  See sim.h. */
#include "sim/sim.h"

#include <arpa/inet.h>
#include <ev.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "hal/asic/asic.h"
#include "lib/ds.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/vlog.h"
#include "lib/util.h"
#include "sim/arp.h"
#include "sim/frame.h"
#include "sim/route.h"
#include "sim/sim-private.h"
#include "sim/underlay.h"

VLOG_DEFINE_THIS_MODULE(sim);

void
sim_count_drop(struct sim *sim, const char *reason)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(60, 10);
    size_t i;

    sim->stats.drops++;
    VLOG_DBG_RL(&rl, "drop: %s", reason);
    for (i = 0; i < sim->n_drops; i++) {
        if (sim->drops[i].reason == reason
            || !strcmp(sim->drops[i].reason, reason)) {
            sim->drops[i].count++;
            return;
        }
    }
    if (sim->n_drops < SIM_MAX_DROP_REASONS) {
        sim->drops[sim->n_drops].reason = reason;
        sim->drops[sim->n_drops++].count = 1;
    }
}

struct sim_port_slot *
sim_port_by_oid(const struct sim *sim, hal_oid_t oid)
{
    struct sim_port_slot *slot;

    HMAP_FOR_EACH_WITH_HASH(slot, node, hash_uint64(oid, 0),
                            &sim->ports_by_oid) {
        if (slot->oid == oid) {
            return slot;
        }
    }
    return NULL;
}

/* Sends a BFD frame of the model (hal_asic_bfd_tx_fn) in VXLAN. */
static void
bfd_tx(void *sim_, struct in_addr remote, uint32_t vni, const uint8_t *frame,
       size_t len)
{
    struct sim *sim = sim_;
    uint8_t hdr[SIM_ENCAP_HLEN];
    struct iovec iov[2];

    if (!sim->has_underlay
        || sim_vxlan_encap(hdr, SIM_BFD_SPORT, sim->underlay.port, vni, len)) {
        sim_count_drop(sim, DROP_NO_UNDERLAY);
        return;
    }
    iov[0].iov_base = hdr;
    iov[0].iov_len = sizeof hdr;
    iov[1].iov_base = (void *) frame;
    iov[1].iov_len = len;
    if (sim_underlay_send(&sim->underlay, remote, iov, 2)) {
        sim->stats.tx_errors++;
        sim_count_drop(sim, DROP_TX_ERROR);
        return;
    }
    sim->stats.vxlan_tx++;
    sim->stats.vxlan_tx_bytes += SIM_ENCAP_HLEN + len;
}

/* Sends a router advertisement of the model (hal_asic_ra_tx_fn) into its
 * bridge, as the router sends its own frames; from hal_run(), between
 * batches. */
static void
ra_tx(void *sim_, hal_oid_t bridge, const struct hal_ra *ra)
{
    struct sim *sim = sim_;
    uint8_t *frame = sim_arena_alloc(sim, SIM_RA_FRAME_MAX);
    size_t len = sim_ra_frame(ra, frame);
    struct sim_eth eth;

    if (sim_eth_parse(frame, len, &eth)) {
        return;
    }
    hal_asic_router_emit(sim->asic, bridge, &eth.dst, (uint32_t) len,
                         &sim->decision);
    sim_execute(sim, frame, len, &eth, NULL);
    sim_flush_all(sim);
    sim->stats.ra_sent++;
}

/* A frame that came in on 'bridge' at 'now_ms': if it is a router
 * solicitation, the router there answers it (hal_asic_route_rs()). */
static void
router_solicited(struct sim *sim, hal_oid_t bridge, const uint8_t *frame,
                 size_t len, const struct sim_eth *eth, int64_t now_ms)
{
    if (bridge
        && sim_is_router_solicitation(eth->ethertype, frame + eth->payload,
                                      len - eth->payload)) {
        sim->stats.rs_received++;
        hal_asic_route_rs(sim->asic, bridge, now_ms);
    }
}

/* Sends the switch's own answer 'frame' (an ARP reply or NA, parsed into
 * 'eth') back out of the asker's port and VLAN 'out', through that port's
 * egress ACL as every frame that leaves a port goes: a deny drops it,
 * counted. */
static void
send_answer(struct sim *sim, const struct hal_asic_local_out *out,
            const uint8_t *frame, size_t len, const struct sim_eth *eth)
{
    struct hal_acl_packet acl;

    if (hal_asic_acl_active(sim->asic)) {
        hal_acl_packet_parse(frame, len, eth->ethertype, eth->payload, &acl);
        if (!hal_asic_acl_egress_permits(sim->asic, out->port, out->vlan,
                                         &acl)) {
            sim_count_drop(sim, DROP_ACL_EGRESS);
            return;
        }
    }
    sim->stats.neigh_replies++;
    sim_send_local(sim, out, frame, len, eth);
}

/* Answers a neighbour request from 'slot' on its VLAN 'vlan' with the MAC
 * the pipeline found (sim->decision.reply_mac). */
static void
send_neigh_reply(struct sim *sim, struct sim_port_slot *slot, uint16_t vlan,
                 const struct sim_neigh_request *req)
{
    struct hal_asic_local_out out = { .port = slot->oid, .vlan = vlan };
    uint8_t *reply = sim_arena_alloc(sim, SIM_NEIGH_REPLY_MAX);
    struct sim_eth eth;
    size_t len;

    len = sim_neigh_reply(req, &sim->decision.reply_mac, reply);
    if (!sim_eth_parse(reply, len, &eth)) {
        send_answer(sim, &out, reply, len, &eth);
    }
}

static void route_input(struct sim *, const struct hal_asic_local_out *,
                        const struct hal_asic_remote_out *, const uint8_t *,
                        size_t, const struct sim_eth *, enum sim_neigh_kind,
                        const struct sim_neigh_request *,
                        const struct hal_acl_packet *, const struct sim_tso *,
                        int64_t now_ms);

/* An IPv4 packet without DF over the egress MTU, which the ASIC trapped
 * (SIM_ROUTE_FRAGMENT, 'o'): the CPU cuts it into fragments that fit and
 * routes each from the same ingress, as a switch's kernel does with what
 * SAI's L3_MTU_ERROR trap brings it.  A TCP super-frame (no DF: a sender
 * that turned path MTU discovery off) is not cut; nor is a packet too
 * large for any fragment to hold 8 bytes after its header. */
static void
route_fragments(struct sim *sim, const struct hal_asic_local_out *in_local,
                const struct hal_asic_remote_out *in_remote,
                const uint8_t *frame, size_t len, const struct sim_eth *eth,
                const struct hal_acl_packet *acl, const struct sim_tso *tso,
                const struct sim_route_out *o, int64_t now_ms)
{
    hal_oid_t bridge = sim->decision.bridge;
    size_t i,
        n = tso ? 0
                : sim_ipv4_fragment_count(frame, len, eth->payload, o->mtu);

    if (!n) {
        sim_count_drop(sim, o->reason);
        return;
    }
    sim->stats.fragmented++;
    for (i = 0; i < n; i++) {
        uint8_t *frag = sim_arena_alloc(sim, eth->payload + o->mtu);
        size_t frag_len =
            sim_ipv4_fragment(frame, len, eth->payload, o->mtu, i, frag);
        struct sim_eth frag_eth;

        if (!frag_len || sim_eth_parse(frag, frag_len, &frag_eth)) {
            sim_count_drop(sim, DROP_MALFORMED);
            return;
        }
        frag_eth.vlan = eth->vlan;
        sim->stats.fragments++;
        /* Routing a fragment leaves its egress bridge here. */
        sim->decision.bridge = bridge;
        route_input(sim, in_local, in_remote, frag, frag_len, &frag_eth,
                    SIM_NEIGH_OTHER, NULL, acl, NULL, now_ms);
    }
}

/* Gives the frame to the router of the bridge in sim->decision
 * (HAL_ASIC_ROUTE) and carries out what it says.  An answer goes back to
 * 'in_local' (from a port) or 'in_remote' (from the overlay).  A TCP
 * super-frame ('tso' nonnull) is routed once and stays one, cut with the
 * same segment size on output. */
static void
route_input(struct sim *sim, const struct hal_asic_local_out *in_local,
            const struct hal_asic_remote_out *in_remote, const uint8_t *frame,
            size_t len, const struct sim_eth *eth, enum sim_neigh_kind kind,
            const struct sim_neigh_request *req,
            const struct hal_acl_packet *acl, const struct sim_tso *tso,
            int64_t now_ms)
{
    size_t size = len + SIM_ROUTE_OUT_MIN;
    /* One allocation: a second could flush the arena under the first. */
    uint8_t *probe = sim_arena_alloc(sim, SIM_ROUTE_PROBE_MAX + size);
    struct sim_route_out o = { .frame = probe + SIM_ROUTE_PROBE_MAX,
                               .probe = probe,
                               .reason = "dropped",
                               .from_overlay = in_remote != NULL };
    struct sim_tso routed;
    struct sim_eth out_eth;

    switch (sim_route_frame(
        sim->asic, sim->decision.bridge, frame, len, eth, kind, req, acl,
        tso ? tso->hdr - tso->l3 + tso->mss : 0, now_ms, &sim->decision, &o)) {
    case SIM_ROUTE_DROP:
        sim_count_drop(sim, o.reason);
        break;
    case SIM_ROUTE_DONE:
        break;
    case SIM_ROUTE_FRAGMENT:
        route_fragments(sim, in_local, in_remote, frame, len, eth, acl, tso,
                        &o, now_ms);
        break;
    case SIM_ROUTE_REPLY:
        if (sim_eth_parse(o.frame, o.len, &out_eth)) {
            break;
        } else if (in_local) {
            send_answer(sim, in_local, o.frame, o.len, &out_eth);
        } else {
            sim->stats.neigh_replies++;
            sim_send_remote(sim, in_remote, o.frame, o.len, &out_eth,
                            SIM_VXLAN_SPORT_MIN);
        }
        break;
    case SIM_ROUTE_SEND:
        if (sim_eth_parse(o.frame, o.len, &out_eth)) {
            break;
        }
        if (tso && !sim_tso_init(&routed, o.frame, o.len, 0, tso->mss)) {
            sim_execute(sim, o.frame, o.len, &out_eth, &routed);
        } else {
            sim_execute(sim, o.frame, o.len, &out_eth, NULL);
        }
        if (o.probe_len && !sim_eth_parse(o.probe, o.probe_len, &out_eth)) {
            sim_execute(sim, o.probe, o.probe_len, &out_eth, NULL);
        }
        break;
    }
}

/* ---- Input -------------------------------------------------------------- */

/* A frame from front-panel port 'slot'; 'tag' is the TCI the kernel
 * stripped, or SIM_PORT_NO_TAG.  'tso' is nonnull if the frame is a TCP
 * super-frame (one decision for all its segments). */
static void
port_input(struct sim *sim, struct sim_port_slot *slot, const uint8_t *frame,
           size_t len, int tag, int64_t now_ms, const struct sim_tso *tso)
{
    struct sim_neigh_request req;
    struct hal_acl_packet acl;
    enum sim_neigh_kind kind;
    struct hal_asic_frame f;
    struct sim_eth eth;

    if (sim_eth_parse(frame, len, &eth)) {
        sim_count_drop(sim, DROP_MALFORMED);
        return;
    }
    if (tag != SIM_PORT_NO_TAG) {
        /* The kernel took the (outer) tag out of the bytes; whatever tag
         * follows the addresses now is part of the payload. */
        eth.tagged = false;
        eth.vlan = (uint16_t) tag & SIM_VLAN_VID_MASK;
        eth.ethertype = (uint16_t) (frame[12] << 8 | frame[13]);
        eth.payload = SIM_ETH_HLEN;
    }
    slot->rx_packets++;
    slot->rx_bytes += len;
    sim->stats.port_rx++;
    sim->stats.port_rx_bytes += len;

    memset(&f, 0, sizeof f);
    f.port = slot->oid;
    f.vlan = eth.vlan;
    f.src = eth.src;
    f.dst = eth.dst;
    f.bytes = (uint32_t) len + (tag != SIM_PORT_NO_TAG ? SIM_VLAN_HLEN : 0);
    kind = sim_neigh_classify(eth.ethertype, frame + eth.payload,
                              len - eth.payload, &eth.src, &req);
    if (kind == SIM_NEIGH_MALFORMED) {
        sim_count_drop(sim, DROP_NEIGH_MALFORMED);
        hal_asic_neigh_count_malformed(sim->asic, slot->oid, eth.vlan);
        return;
    }
    f.neigh_target = kind == SIM_NEIGH_REQUEST ? &req.target : NULL;
    if (hal_asic_acl_active(sim->asic)) {
        hal_acl_packet_parse(frame, len, eth.ethertype, eth.payload, &acl);
        f.acl = &acl;
    }
    hal_asic_forward(sim->asic, &f, true, now_ms, &sim->decision);
    if (kind == SIM_NEIGH_OTHER) {
        router_solicited(sim, sim->decision.bridge, frame, len, &eth, now_ms);
    }
    if (req.has_sender && sim->decision.bridge) {
        hal_asic_neigh_snoop(sim->asic, slot->oid, eth.vlan, &req.sender,
                             &req.sha, now_ms);
    }
    if (sim->decision.action == HAL_ASIC_REPLY) {
        send_neigh_reply(sim, slot, eth.vlan, &req);
        return;
    } else if (sim->decision.action == HAL_ASIC_ROUTE) {
        struct hal_asic_local_out in = { .port = slot->oid, .vlan = eth.vlan };

        route_input(sim, &in, NULL, frame, len, &eth, kind, &req, f.acl, tso,
                    now_ms);
        return;
    }
    sim_execute(sim, frame, len, &eth, tso);
}

/* Forwards the decapsulated frame 'inner' (of 'f', parsed into 'eth'), or
 * the TCP super-frame 'tso' if nonnull, received at 'now_ms'. */
static void
vxlan_forward(struct sim *sim, struct hal_asic_vxlan_frame *f,
              const uint8_t *inner, size_t len, const struct sim_eth *eth,
              const struct sim_tso *tso, int64_t now_ms)
{
    struct sim_neigh_request req;
    enum sim_neigh_kind kind;

    kind = sim_neigh_classify(eth->ethertype, inner + eth->payload,
                              len - eth->payload, &eth->src, &req);
    f->neigh_target = kind == SIM_NEIGH_REQUEST ? &req.target : NULL;
    f->bytes = (uint32_t) len;
    hal_asic_decap(sim->asic, f, &sim->decision);
    if (kind == SIM_NEIGH_OTHER) {
        router_solicited(sim, sim->decision.bridge, inner, len, eth, now_ms);
    }
    if (sim->decision.action == HAL_ASIC_ROUTE) {
        struct hal_asic_remote_out in = { .ip = f->outer_src, .vni = f->vni };

        route_input(sim, NULL, &in, inner, len, eth, kind, &req, f->acl, tso,
                    now_ms);
        return;
    }
    sim_execute(sim, inner, len, eth, tso);
}

/* A decapsulated frame larger than the tunnel's MTU: on a veth underlay,
 * the far end's kernel hands its VXLAN device's TCP super-frames over
 * whole, and its UDP stack delivers them to us so.  Forwards a TCP one
 * as a super-frame of segments that fit the tunnel (as that kernel would
 * have cut them before a real NIC) and returns true; returns false for any
 * other. */
static bool
vxlan_input_tso(struct sim *sim, struct hal_asic_vxlan_frame *f,
                const uint8_t *inner, size_t len, const struct sim_eth *eth,
                int64_t now_ms)
{
    struct sim_tso tso;
    size_t l3_hdrs;

    if (sim_tso_init(&tso, inner, len, 0, 1)) {
        return false;
    }
    l3_hdrs = tso.hdr - tso.l3;
    if (l3_hdrs + 64 > sim->underlay.inner_mtu) {
        return false;
    }
    tso.mss = (uint16_t) (sim->underlay.inner_mtu - l3_hdrs);
    vxlan_forward(sim, f, inner, len, eth, &tso, now_ms);
    return true;
}

static void
vxlan_input(struct sim *sim, struct in_addr src, uint8_t *pkt, size_t len,
            int64_t now_ms)
{
    struct hal_asic_vxlan_frame f;
    struct hal_acl_packet acl;
    uint8_t *inner;
    struct sim_eth eth;
    size_t inner_len;
    uint32_t vni;
    int error;

    sim->stats.vxlan_rx++;
    sim->stats.vxlan_rx_bytes += len;
    error = sim_vxlan_decap(pkt, len, &vni);
    if (error) {
        sim_count_drop(sim, error == -EBADMSG ? DROP_VXLAN_FLAGS
                                              : DROP_VXLAN_SHORT);
        return;
    }
    inner = pkt + SIM_VXLAN_HLEN;
    inner_len = len - SIM_VXLAN_HLEN;
    if (sim_eth_parse(inner, inner_len, &eth)) {
        sim_count_drop(sim, DROP_VXLAN_SHORT);
        return;
    } else if (eth.tagged) {
        /* RFC 7348, 6.1: decapsulated frames with an inner VLAN tag
         * SHOULD be discarded. */
        sim_count_drop(sim, DROP_INNER_TAG);
        return;
    }

    if (hal_asic_bfd_input(sim->asic, src, vni, inner, inner_len, now_ms)) {
        return;
    }
    memset(&f, 0, sizeof f);
    f.vni = vni;
    f.outer_src = src;
    f.src = eth.src;
    f.dst = eth.dst;
    f.bytes = (uint32_t) inner_len;
    if (hal_asic_acl_active(sim->asic)) {
        hal_acl_packet_parse(inner, inner_len, eth.ethertype, eth.payload,
                             &acl);
        f.acl = &acl;
    }
    if (sim->has_underlay
        && inner_len > SIM_ETH_HLEN + (size_t) sim->underlay.inner_mtu
        && vxlan_input_tso(sim, &f, inner, inner_len, &eth, now_ms)) {
        return;
    }
    /* A sender behind a kernel VXLAN device may have left its checksum
     * partial (and that kernel's own receive would have trusted it). */
    sim_csum_fix_inner(inner, inner_len, &eth);
    vxlan_forward(sim, &f, inner, inner_len, &eth, NULL, now_ms);
}

/* Counts a failed receive; returns true if the socket has more to read. */
static bool
rx_error(struct sim *sim, const char *where, ssize_t error)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(60, 5);

    switch (error) {
    case -EAGAIN:
    case -EINTR:
        return false;
    case -EMSGSIZE:
        sim_count_drop(sim, DROP_OVERSIZE);
        return true;
    case -EOPNOTSUPP:
        sim_count_drop(sim, DROP_OFFLOAD);
        return true;
    case -EINVAL:
        sim_count_drop(sim, DROP_MALFORMED);
        return true;
    default:
        VLOG_WARN_RL(&rl, "%s: receive failed (%s)", where,
                     strerror((int) -error));
        sim_count_drop(sim, DROP_RX_ERROR);
        return false;
    }
}

/* Forwards the TCP super-frame of 'm' (see execute_tso()). */
static void
port_input_tso(struct sim *sim, struct sim_port_slot *slot,
               const struct sim_port_msg *m, int64_t now_ms)
{
    struct sim_tso tso;

    if (sim_tso_init(&tso, m->buf, (size_t) m->len, m->l4_off, m->gso_size)) {
        sim_count_drop(sim, DROP_OFFLOAD);
        return;
    }
    port_input(sim, slot, m->buf, (size_t) m->len, m->tag, now_ms, &tso);
}

/* Around the part of a batch that touches the HAL or the dataplane's
 * state, for a dataplane in a thread of its own. */
static void
batch_lock(struct sim *sim)
{
    if (sim->lock) {
        sim->lock(sim->lock_aux);
    }
}

static void
batch_unlock(struct sim *sim)
{
    if (sim->unlock) {
        sim->unlock(sim->lock_aux);
    }
}

/* One readiness callback's reads (SIM_DRAIN_FRAMES), with the clock read
 * once per read.  The chip lock is still taken per batch (from its first
 * read to its send), so that vtepd's control thread waits for at most
 * one batch and a dataplane thread of low priority yields between
 * batches (docs/dataplane.md, "Threads"). */
struct drain {
    int64_t start_us; /* When the callback started. */
    int64_t now_ms;   /* For the next read's aging and learning. */
    int frames;       /* Frames taken so far. */
};

static void
drain_start(struct drain *d)
{
    d->start_us = time_usec();
    d->now_ms = d->start_us / 1000;
    d->frames = 0;
}

/* Counts the 'n' frames of a read against the drain's budget.  Returns
 * true if another read, after a wait of 'wait_us', still fits it (and
 * takes the clock for that read), false if the drain is over. */
static bool
drain_room(struct drain *d, int n, int wait_us)
{
    int64_t now_us;

    d->frames += n;
    if (d->frames >= SIM_DRAIN_FRAMES) {
        return false;
    }
    now_us = time_usec();
    if (now_us - d->start_us + wait_us >= SIM_DRAIN_USEC) {
        return false;
    }
    d->now_ms = now_us / 1000;
    return true;
}

/* A read gave 'n' frames (negative if none); 'go_on' says whether another
 * is worth it.  Returns true if the callback should read again: within
 * the drain's budget. */
static bool
drain_more(struct drain *d, int n, bool go_on)
{
    return go_on && drain_room(d, n, 0);
}

/* Receive moderation (struct sim_config's rx_usecs): a read of the VXLAN
 * socket gave 'n' datagrams, fewer than a batch, the callback having
 * found no reason of its own to read again.  If 'n' says a flood is
 * coming and the drain's budget has room for the wait, sleeps
 * sim->rx_usecs and returns true: the callback reads again, and finds a
 * fuller batch.  The sleep, not a spin, leaves the CPU to whoever is
 * sending; on two CPUs that is what the flood needs most. */
static bool
drain_wait(struct sim *sim, struct drain *d, int n)
{
    static __thread bool slack_set;
    struct timespec ts;

    if (!sim->rx_usecs || n < SIM_RX_MODERATE_MIN || n >= SIM_BATCH
        || !drain_room(d, n, sim->rx_usecs)) {
        return false;
    }
    if (!slack_set) {
        /* The default slack of 50 µs would make a 20 µs wait 70. */
        prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
        slack_set = true;
    }
    ts.tv_sec = 0;
    ts.tv_nsec = (long) sim->rx_usecs * 1000;
    clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
    sim->stats.rx_waits++;
    d->now_ms = time_usec() / 1000;
    return true;
}

/* Reads frames from 'slot' into entries 'first' to SIM_BATCH - 1 of
 * 'msgs' and runs the pipeline on them, queueing their outputs; returns
 * how many it read, or a negative errno. */
static int
port_read(struct sim *sim, struct sim_port_slot *slot,
          struct sim_port_msg *msgs, int first, int64_t now_ms)
{
    int i, n;

    for (i = first; i < SIM_BATCH; i++) {
        msgs[i].buf = sim->rx_bufs + (size_t) i * SIM_BUF_SIZE;
        msgs[i].size = SIM_BUF_SIZE;
    }
    n = sim_port_recv_batch(&slot->io, msgs + first,
                            (size_t) (SIM_BATCH - first));
    if (n < 0) {
        rx_error(sim, slot->io.name, n);
        return n;
    }
    for (i = first; i < first + n; i++) {
        const struct sim_port_msg *m = &msgs[i];

        if (m->len < 0) {
            rx_error(sim, slot->io.name, m->len);
        } else if (m->gso_size) {
            port_input_tso(sim, slot, m, now_ms);
        } else {
            port_input(sim, slot, m->buf, (size_t) m->len, m->tag, now_ms,
                       NULL);
        }
    }
    return n;
}

/* A port's frames: a batch is sent when it has SIM_BATCH frames or the
 * port has no more.  From a receive ring, where finding it empty costs
 * no system call, a batch gathers what comes in while the frames before
 * are forwarded, in as many reads as that takes; elsewhere only a full
 * read is followed by another. */
static void
port_drain(struct sim_port_slot *slot)
{
    struct sim *sim = slot->sim;
    bool free_check = sim_port_recv_is_free(&slot->io);
    struct sim_port_msg msgs[SIM_BATCH];
    int held = 0, n;
    struct drain d;
    bool more;

    drain_start(&d);
    do {
        if (!held) {
            batch_lock(sim);
        }
        n = port_read(sim, slot, msgs, held, d.now_ms);
        more =
            drain_more(&d, n, n == SIM_BATCH - held || (free_check && n > 0));
        held += n > 0 ? n : 0;
        if (!more || held == SIM_BATCH) {
            sim_flush_all(sim);
            sim_port_recv_done(&slot->io);
            batch_unlock(sim);
            held = 0;
        }
    } while (more);
}

static void
port_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    port_drain(container_of(w, struct sim_port_slot, watcher));
}

/* The block ring's socket of a port with adaptive receive: the same
 * drain, which reads whichever ring receives. */
static void
port_burst_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    port_drain(container_of(w, struct sim_port_slot, burst_watcher));
}

static void
underlay_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct sim *sim = container_of(w, struct sim, underlay_watcher);
    struct sim_underlay_msg msgs[SIM_BATCH];
    struct drain d;
    int i, n;

    drain_start(&d);
    do {
        for (i = 0; i < SIM_BATCH; i++) {
            msgs[i].buf = sim->rx_bufs + (size_t) i * SIM_BUF_SIZE;
            msgs[i].size = SIM_BUF_SIZE;
        }
        n = sim_underlay_recv_batch(&sim->underlay, msgs, SIM_BATCH);
        sim->stats.vxlan_reads++;
        batch_lock(sim);
        if (n < 0) {
            rx_error(sim, "underlay", n);
        }
        for (i = 0; i < n; i++) {
            if (msgs[i].len < 0) {
                rx_error(sim, "underlay", msgs[i].len);
            } else {
                vxlan_input(sim, msgs[i].src, msgs[i].buf,
                            (size_t) msgs[i].len, d.now_ms);
            }
        }
        sim_flush_all(sim);
        batch_unlock(sim);
    } while (drain_more(&d, n, n == SIM_BATCH) || drain_wait(sim, &d, n));
}

/* ---- Lifecycle ---------------------------------------------------------- */

static int
open_ports(struct sim *sim, const struct sim_config *config)
{
    size_t i;

    sim->ports =
        xcalloc(config->n_ports ? config->n_ports : 1, sizeof *sim->ports);
    sim->dirty =
        xcalloc(config->n_ports ? config->n_ports : 1, sizeof *sim->dirty);
    for (i = 0; i < config->n_ports; i++) {
        const struct sim_port_spec *spec = &config->ports[i];
        struct sim_port_slot *slot = &sim->ports[i];
        hal_oid_t oid;
        int error;

        if (hal_port_by_name(sim->hal, spec->name, &oid)) {
            VLOG_ERR("%s: the HAL has no port of that name", spec->name);
            error = -ENOENT;
        } else if (sim_port_by_oid(sim, oid)) {
            VLOG_ERR("%s: port given twice", spec->name);
            error = -EEXIST;
        } else {
            error = 0;
        }
        if (error) {
            if (spec->kind == SIM_PORT_FD) {
                close(spec->fd);
            }
            return error;
        }
        error = sim_port_open(&slot->io, spec->name, spec->kind, spec->fd);
        if (error) {
            VLOG_ERR("%s: cannot open %s port (%s)", spec->name,
                     sim_port_kind_name(spec->kind), strerror(-error));
            return error;
        }
        slot->sim = sim;
        slot->oid = oid;
        hmap_insert(&sim->ports_by_oid, &slot->node, hash_uint64(oid, 0));
        sim->n_ports++;
        ev_io_init(&slot->watcher, port_cb, slot->io.fd, EV_READ);
        ev_set_priority(&slot->watcher, SIM_PRIORITY);
        ev_io_start(sim->loop, &slot->watcher);
        if (slot->io.burst) {
            ev_io_init(&slot->burst_watcher, port_burst_cb, slot->io.burst->fd,
                       EV_READ);
            ev_set_priority(&slot->burst_watcher, SIM_PRIORITY);
            ev_io_start(sim->loop, &slot->burst_watcher);
        }
        if (spec->kind == SIM_PORT_AUTO && slot->io.kind == SIM_PORT_TAP) {
            VLOG_INFO("port %s: no such interface, created a TAP device",
                      spec->name);
        } else {
            VLOG_INFO("port %s: %s%s", spec->name,
                      sim_port_kind_name(slot->io.kind),
                      sim_port_ring_name(&slot->io));
        }
    }
    return 0;
}

static int
open_underlay(struct sim *sim, const struct sim_config *config)
{
    struct hal_switch_config sw;
    struct in_addr ip = config->tunnel_ip;
    char s[INET_ADDRSTRLEN];
    uint16_t port;
    int error;

    hal_switch_get(sim->hal, &sw);
    if (ip.s_addr == htonl(INADDR_ANY)) {
        ip = sw.tunnel_src;
    }
    port = sw.vxlan_port ? sw.vxlan_port : SIM_VXLAN_PORT;
    inet_ntop(AF_INET, &ip, s, sizeof s);
    if (ip.s_addr == htonl(INADDR_ANY)) {
        VLOG_WARN("no tunnel IP: forwarding between local ports only");
        return 0;
    }
    error = sim_underlay_open(&sim->underlay, ip, port);
    if (error) {
        VLOG_ERR("VXLAN at %s:%u: cannot open sockets (%s)", s, port,
                 strerror(-error));
        return error;
    }
    sim->has_underlay = true;
    hal_asic_route_set_tunnel_mtu(sim->asic, sim->underlay.inner_mtu);
    ev_io_init(&sim->underlay_watcher, underlay_cb, sim->underlay.rx_fd,
               EV_READ);
    ev_set_priority(&sim->underlay_watcher, SIM_PRIORITY);
    ev_io_start(sim->loop, &sim->underlay_watcher);
    VLOG_INFO("VXLAN at %s:%u", s, port);
    if (sim->underlay.tap.fd >= 0) {
        VLOG_INFO("VXLAN: TCP super-frames leave whole through %s (UDP "
                  "tunnel segmentation offload)",
                  sim->underlay.tap.name);
    } else {
        VLOG_INFO("VXLAN: TCP super-frames leave as UDP_SEGMENT sends: %s",
                  sim->underlay.tap_why);
    }
    return 0;
}

int
sim_create(struct ev_loop *loop, struct hal *hal,
           const struct sim_config *config, struct sim **simp)
{
    struct hal_asic *asic = hal_asic_cast(hal);
    struct sim *sim;
    int error;

    *simp = NULL;
    if (!asic) {
        return -EINVAL;
    }
    sim = xzalloc(sizeof *sim);
    sim->loop = loop;
    sim->hal = hal;
    sim->asic = asic;
    sim->lock = config->lock;
    sim->unlock = config->unlock;
    sim->lock_aux = config->lock_aux;
    sim->carrier_fd = -1;
    sim->rx_usecs = config->rx_usecs < 0 ? 0
                    : !config->rx_usecs  ? SIM_RX_USECS_DEFAULT
                    : config->rx_usecs > SIM_RX_USECS_MAX ? SIM_RX_USECS_MAX
                                                          : config->rx_usecs;
    hmap_init(&sim->ports_by_oid);
    hal_asic_decision_init(&sim->decision);
    sim->rx_bufs = xmalloc((size_t) SIM_BATCH * SIM_BUF_SIZE);
    sim->arena = xmalloc(SIM_ARENA_SIZE);

    error = open_ports(sim, config);
    if (!error) {
        error = open_underlay(sim, config);
    }
    if (error) {
        /* Descriptors of SIM_PORT_FD ports not reached are still ours. */
        size_t i;

        for (i = sim->n_ports + 1; i < config->n_ports; i++) {
            if (config->ports[i].kind == SIM_PORT_FD) {
                close(config->ports[i].fd);
            }
        }
        sim_destroy(sim);
        return error;
    }
    sim_carrier_open(sim);
    hal_asic_set_bfd_tx(asic, bfd_tx, sim);
    hal_asic_set_ra_tx(asic, ra_tx, sim);
    *simp = sim;
    return 0;
}

void
sim_destroy(struct sim *sim)
{
    size_t i;

    if (!sim) {
        return;
    }
    sim_carrier_close(sim);
    for (i = 0; i < sim->n_ports; i++) {
        ev_io_stop(sim->loop, &sim->ports[i].watcher);
        if (sim->ports[i].io.burst) {
            ev_io_stop(sim->loop, &sim->ports[i].burst_watcher);
        }
        sim_port_close(&sim->ports[i].io);
    }
    if (sim->has_underlay) {
        ev_io_stop(sim->loop, &sim->underlay_watcher);
        sim_underlay_close(&sim->underlay);
    }
    hal_asic_set_bfd_tx(sim->asic, NULL, NULL);
    hal_asic_set_ra_tx(sim->asic, NULL, NULL);
    hmap_destroy(&sim->ports_by_oid);
    hal_asic_decision_uninit(&sim->decision);
    free(sim->ports);
    free(sim->dirty);
    free(sim->rx_bufs);
    free(sim->arena);
    free(sim);
}

/* ---- Injection ---------------------------------------------------------- */

void
sim_inject_frame(struct sim *sim, size_t port_index, const uint8_t *frame,
                 size_t len, int tag)
{
    if (port_index < sim->n_ports) {
        port_input(sim, &sim->ports[port_index], frame, len, tag, time_msec(),
                   NULL);
        sim_flush_all(sim);
    }
}

void
sim_inject_superframe(struct sim *sim, size_t port_index, const uint8_t *frame,
                      size_t len, int tag, uint16_t l4_off, uint16_t gso_size)
{
    struct sim_port_msg m;

    if (port_index < sim->n_ports) {
        /* The dataplane may complete a checksum in place. */
        len = len < SIM_BUF_SIZE ? len : SIM_BUF_SIZE;
        memcpy(sim->rx_bufs, frame, len);
        memset(&m, 0, sizeof m);
        m.buf = sim->rx_bufs;
        m.size = SIM_BUF_SIZE;
        m.len = (ssize_t) len;
        m.tag = tag;
        m.gso_size = gso_size;
        m.l4_off = l4_off;
        port_input_tso(sim, &sim->ports[port_index], &m, time_msec());
        sim_flush_all(sim);
    }
}

void
sim_inject_vxlan(struct sim *sim, struct in_addr src, const uint8_t *pkt,
                 size_t len)
{
    /* The dataplane may complete a checksum in place. */
    len = len < SIM_BUF_SIZE ? len : SIM_BUF_SIZE;
    memcpy(sim->rx_bufs, pkt, len);
    vxlan_input(sim, src, sim->rx_bufs, len, time_msec());
    sim_flush_all(sim);
}
